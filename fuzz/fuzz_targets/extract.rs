//! Fuzz target `extract`: arbitrary bytes → `pubsearch::extract_bytes`.
//!
//! Any panic that escapes, any abort (stack overflow) and any allocation past libFuzzer's
//! `-rss_limit_mb`/`-malloc_limit_mb` is a finding. Errors are fine: most inputs are not PDFs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = pubsearch::extract_bytes(data);
});

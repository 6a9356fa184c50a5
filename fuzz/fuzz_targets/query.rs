//! Fuzz target `query`: arbitrary strings → `search::parse_query` and `Engine::search` on an
//! index of `corpus/`, built once per process in a temporary folder.
//!
//! A panic anywhere in parsing, compiling, ranking or snippet making is a finding; an `Err`
//! (empty query, only exclusions, bad filter) is the expected answer to many inputs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pubsearch::SearchOptions;
use pubsearch_fuzz::corpus_engine;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let _ = pubsearch::search::parse_query(query);
    let options = SearchOptions {
        limit: 5,
        ..SearchOptions::default()
    };
    let _ = corpus_engine().search(query, &options);
});

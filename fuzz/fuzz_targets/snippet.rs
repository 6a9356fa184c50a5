//! Fuzz target `snippet`: arbitrary UTF-8, split at its first line break into a query and a
//! page text → `Engine::highlight_terms` of the query on an index of `corpus/` (built once per
//! process in a temporary folder), then `snippet::make_snippet` of the text.
//!
//! Snippets split only the page words that may match and widen the passage from the words
//! around it, by byte offsets into text they have never seen: a panic, a highlight outside the
//! snippet or a snippet far past its length is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pubsearch::search::snippet::make_snippet;
use pubsearch_fuzz::corpus_engine;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let (query, text) = input.split_once('\n').unwrap_or((input, input));
    let Ok(terms) = corpus_engine().highlight_terms(query) else {
        return;
    };
    for chars in [20, 200] {
        let snippet = make_snippet(text, &terms, chars);
        for &[from, to] in &snippet.highlights {
            assert!(from < to && to <= snippet.text.len(), "{snippet:?}");
            assert!(snippet.text.is_char_boundary(from) && snippet.text.is_char_boundary(to));
        }
        // The passage ends within the length, but for one word (at most 64 bytes) taken after
        // an empty passage, closing punctuation and the `…` marks.
        assert!(
            snippet.text.chars().count() <= chars + 64 + 5,
            "{} chars for {chars}: {snippet:?}",
            snippet.text.chars().count()
        );
    }
});

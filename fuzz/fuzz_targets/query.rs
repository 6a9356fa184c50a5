//! Fuzz target `query`: arbitrary strings → `search::parse_query` and `Engine::search` on an
//! index of `corpus/`, built once per process in a temporary folder.
//!
//! A panic anywhere in parsing, compiling, ranking or snippet making is a finding; an `Err`
//! (empty query, only exclusions, bad filter) is the expected answer to many inputs.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use pubsearch::{Engine, IndexOptions, SearchOptions, build_index};

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("pubsearch-fuzz-index-{}", std::process::id()));
        let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus");
        let options = IndexOptions {
            threads: 1,
            ..IndexOptions::default()
        };
        build_index(&dir, &[corpus], &options, &|_| {}).expect("corpus indexes");
        Engine::open(&dir).expect("index opens")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let _ = pubsearch::search::parse_query(query);
    let options = SearchOptions {
        limit: 5,
        ..SearchOptions::default()
    };
    let _ = engine().search(query, &options);
});

//! What the fuzz targets share: an engine over an index of the project's `corpus/`, built once
//! per fuzzing process in the temporary folder.

use std::path::PathBuf;
use std::sync::OnceLock;

use pubsearch::{Engine, IndexOptions, build_index};

/// The engine over `corpus/`, built on first use.
pub fn corpus_engine() -> &'static Engine {
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

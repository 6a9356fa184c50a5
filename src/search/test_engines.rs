//! Indexes of the embedded corpus for the search module's unit tests.

use std::path::{Path, PathBuf};

use super::Engine;

/// An index of the embedded corpus (`corpus/`) in several segments, built in `dir`: two files
/// indexed, then the other two added by a run that merges nothing.
pub(crate) fn several_segment_engine(dir: &Path) -> Engine {
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let pdfs = dir.join("pdfs");
    std::fs::create_dir_all(&pdfs).expect("folder");
    let index = dir.join("index");
    for batch in [
        &[
            "manifest.json",
            "aarsrapport-2018.pdf",
            "aarsrapport-2019.pdf",
        ][..],
        &[
            "evaluering-2017-2020.pdf",
            "status-paa-centerets-arbejde.pdf",
        ][..],
    ] {
        for name in batch {
            std::fs::copy(corpus.join(name), pdfs.join(name)).expect("copy");
        }
        let options = crate::IndexOptions {
            merge: false,
            ..Default::default()
        };
        crate::build_index(&index, std::slice::from_ref(&pdfs), &options, &|_| {})
            .expect("indexes");
    }
    Engine::open(&index).expect("opens")
}

//! Shared test helpers: fixture paths, a corpus index built once per test run.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pubsearch::{Engine, IndexOptions, build_index};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The embedded corpus.
pub fn corpus_dir() -> PathBuf {
    root().join("corpus")
}

/// A fixture under `tests/fixtures`.
pub fn fixture(relative: &str) -> PathBuf {
    root().join("tests").join("fixtures").join(relative)
}

/// An index of the embedded corpus, built once for all tests of the run.
pub fn corpus_engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    let (_, engine) = ENGINE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        build_index(
            dir.path(),
            &[corpus_dir()],
            &IndexOptions::default(),
            &|_| {},
        )
        .expect("corpus indexes");
        let engine = Engine::open(dir.path()).expect("index opens");
        (dir, engine)
    });
    engine
}

/// One row of a `queries.tsv`.
#[derive(Debug, Clone)]
pub struct QueryCase {
    pub query: String,
    pub kind: String,
    pub doc: String,
    pub answer_phrase: String,
    pub page: u32,
}

/// Reads a `queries.tsv` (header: query, kind, doc, answer_phrase, [note,] page).
pub fn read_queries(path: &Path) -> Vec<QueryCase> {
    let text = std::fs::read_to_string(path).expect("queries file");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (q, k, d, a, p) = (
        col("query"),
        col("kind"),
        col("doc"),
        col("answer_phrase"),
        col("page"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            QueryCase {
                query: cells[q].to_owned(),
                kind: cells[k].to_owned(),
                doc: cells[d].to_owned(),
                answer_phrase: cells[a].to_owned(),
                page: cells[p].trim().parse().expect("page number"),
            }
        })
        .collect()
}

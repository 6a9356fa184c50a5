//! Shared test helpers: fixture paths, a corpus index built once per test run.

use std::collections::HashMap;
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

/// Rows of a tab-separated file with a header line, each as column name → cell.
pub fn read_tsv(path: &Path) -> Vec<HashMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split('\t').collect();
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            header
                .iter()
                .zip(line.split('\t'))
                .map(|(h, c)| ((*h).to_owned(), c.to_owned()))
                .collect()
        })
        .collect()
}

/// Reads a `queries.tsv` (columns query, kind, doc, answer_phrase, [note,] page).
pub fn read_queries(path: &Path) -> Vec<QueryCase> {
    read_tsv(path)
        .into_iter()
        .map(|row| {
            let cell = |name: &str| {
                row.get(name)
                    .cloned()
                    .unwrap_or_else(|| panic!("no column {name}"))
            };
            QueryCase {
                query: cell("query"),
                kind: cell("kind"),
                doc: cell("doc"),
                answer_phrase: cell("answer_phrase"),
                page: cell("page").trim().parse().expect("page number"),
            }
        })
        .collect()
}

/// The `pubsearch` binary, with `NO_COLOR` cleared so colour tests are not skewed.
pub fn pubsearch() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("pubsearch").expect("binary");
    command.env_remove("NO_COLOR");
    command
}

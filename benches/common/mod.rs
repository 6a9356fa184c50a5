//! Shared set-up of the benchmarks: the real corpus, a generated corpus, their indexes and
//! the public query set. Everything is built under Cargo's target temp dir on first use and
//! reused (incremental indexing) by later runs.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use pubsearch::bench::{BenchQuery, read_queries};
use pubsearch::corpus_gen::{GenOptions, generate};
use pubsearch::{Engine, IndexOptions, build_index};

/// The allocator of the `pubsearch` binary, so that these figures and `pubsearch bench` measure
/// the same program.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where benchmark data lives: `<target>/tmp/pubsearch-bench`.
pub fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("pubsearch-bench")
}

/// The real corpus.
pub fn real_corpus() -> PathBuf {
    root().join("corpus")
}

/// Pages of the generated corpus: `PUBSEARCH_BENCH_PAGES`, default 10,000.
pub fn generated_pages() -> usize {
    std::env::var("PUBSEARCH_BENCH_PAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

/// A generated corpus of `pages` pages (made once, then reused).
pub fn generated_corpus(pages: usize) -> PathBuf {
    let dir = data_dir().join(format!("gen-{pages}"));
    let done = dir.join("done");
    if !done.exists() {
        eprintln!("bench: generating {pages} pages into {}", dir.display());
        let options = GenOptions {
            pages,
            ..GenOptions::default()
        };
        generate(&[real_corpus()], &dir, &options).expect("corpus generates");
        std::fs::write(&done, pages.to_string()).expect("marker written");
    }
    dir
}

/// An index of `corpus` under the data dir (built, or brought up to date).
pub fn index_of(corpus: &Path, name: &str) -> Engine {
    let dir = data_dir().join(format!("{name}-index"));
    eprintln!(
        "bench: indexing {} into {}",
        corpus.display(),
        dir.display()
    );
    build_index(
        &dir,
        &[corpus.to_path_buf()],
        &IndexOptions::default(),
        &|_| {},
    )
    .expect("corpus indexes");
    Engine::open(&dir).expect("index opens")
}

/// The public query set.
pub fn queries() -> Vec<BenchQuery> {
    read_queries(&root().join("tests/fixtures/queries.tsv")).expect("queries")
}

/// PDF files directly in `dir`, sorted.
pub fn pdfs_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("dir lists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();
    files
}

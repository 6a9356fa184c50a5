//! Building and updating an index: incremental runs, removals, locking, analyzer versions.

use std::path::{Path, PathBuf};

use pubsearch::index::{IndexOptions, build_index};
use pubsearch::{Engine, SearchOptions};

use crate::util::corpus_dir;

fn copy_corpus(to: &Path, names: &[&str]) -> PathBuf {
    let corpus = to.join("corpus");
    std::fs::create_dir_all(&corpus).expect("mkdir");
    for name in names.iter().chain(&["manifest.json"]) {
        std::fs::copy(corpus_dir().join(name), corpus.join(name)).expect("copy");
    }
    corpus
}

fn build(index: &Path, corpus: &Path) -> pubsearch::IndexReport {
    build_index(
        index,
        &[corpus.to_path_buf()],
        &IndexOptions::default(),
        &|_| {},
    )
    .expect("index builds")
}

#[test]
fn unchanged_corpus_is_not_extracted_again() {
    let work = tempfile::tempdir().expect("temp");
    let corpus = copy_corpus(
        work.path(),
        &["aarsrapport-2019.pdf", "status-paa-centerets-arbejde.pdf"],
    );
    let index = work.path().join("index");
    let first = build(&index, &corpus);
    assert_eq!((first.files_indexed, first.pages_indexed), (2, 19));
    let second = build(&index, &corpus);
    assert_eq!(second.files_indexed, 0);
    assert_eq!(second.files_unchanged, 2);
    assert!(!second.committed);
    assert_eq!(second.pages_total, 19);
}

#[test]
fn changed_added_and_removed_files_are_handled_alone() {
    let work = tempfile::tempdir().expect("temp");
    let corpus = copy_corpus(
        work.path(),
        &["aarsrapport-2019.pdf", "status-paa-centerets-arbejde.pdf"],
    );
    let index = work.path().join("index");
    build(&index, &corpus);

    // One file replaced by other content under the same name: only it is re-extracted.
    std::fs::copy(
        corpus_dir().join("aarsrapport-2018.pdf"),
        corpus.join("status-paa-centerets-arbejde.pdf"),
    )
    .expect("copy");
    let report = build(&index, &corpus);
    assert_eq!((report.files_indexed, report.files_unchanged), (1, 1));
    assert_eq!(report.pages_total, 16 + 17);
    let engine = Engine::open(&index).expect("opens");
    let hits = engine
        .search(
            "\"mødtes i Oslo i september 2018\"",
            &SearchOptions::default(),
        )
        .expect("search");
    assert_eq!(hits.hits[0].doc, "status-paa-centerets-arbejde");
    assert_eq!(
        hits.total_hits, 1,
        "the old pages of the replaced file are gone"
    );

    // A removed file loses its pages.
    std::fs::remove_file(corpus.join("aarsrapport-2019.pdf")).expect("rm");
    let report = build(&index, &corpus);
    assert_eq!(report.files_removed, 1);
    assert_eq!(report.pages_total, 17);
    let engine = Engine::open(&index).expect("opens");
    let hits = engine
        .search("Valbyparken", &SearchOptions::default())
        .expect("search");
    assert_eq!(hits.total_hits, 0);

    // A file touched but unchanged is not re-extracted.
    let file = corpus.join("status-paa-centerets-arbejde.pdf");
    let bytes = std::fs::read(&file).expect("read");
    std::fs::write(&file, bytes).expect("rewrite");
    let report = build(&index, &corpus);
    assert_eq!((report.files_indexed, report.files_unchanged), (0, 1));
}

#[test]
fn broken_files_are_reported_and_the_rest_indexed() {
    let work = tempfile::tempdir().expect("temp");
    let corpus = copy_corpus(work.path(), &["aarsrapport-2019.pdf"]);
    std::fs::write(corpus.join("empty.pdf"), b"").expect("write");
    std::fs::write(corpus.join("notes.pdf"), b"these are notes, not a PDF").expect("write");
    let index = work.path().join("index");
    let report = build(&index, &corpus);
    assert_eq!(report.files_indexed, 1);
    let mut reasons: Vec<String> = report
        .skipped
        .iter()
        .map(|s| {
            format!(
                "{}: {}",
                s.path.file_name().unwrap().to_string_lossy(),
                s.reason
            )
        })
        .collect();
    reasons.sort();
    assert_eq!(reasons.len(), 2, "{reasons:?}");
    assert!(
        reasons[0].starts_with("empty.pdf: not a PDF"),
        "{reasons:?}"
    );
    assert!(
        reasons[1].starts_with("notes.pdf: not a PDF"),
        "{reasons:?}"
    );
    // Unchanged broken files are not retried, but still reported.
    let again = build(&index, &corpus);
    assert_eq!(again.files_indexed, 0);
    assert_eq!(again.skipped.len(), 2);
}

#[test]
fn full_rebuild_and_a_second_writer_is_refused() {
    let work = tempfile::tempdir().expect("temp");
    let corpus = copy_corpus(work.path(), &["status-paa-centerets-arbejde.pdf"]);
    let index = work.path().join("index");
    build(&index, &corpus);
    let report = build_index(
        &index,
        std::slice::from_ref(&corpus),
        &IndexOptions {
            full: true,
            ..IndexOptions::default()
        },
        &|_| {},
    )
    .expect("full");
    assert_eq!((report.files_indexed, report.pages_total), (1, 3));

    let lock = std::fs::File::options()
        .write(true)
        .open(index.join(pubsearch::index::LOCK_FILE))
        .expect("lock file");
    lock.lock().expect("lock");
    let err = build_index(
        &index,
        &[corpus],
        &IndexOptions {
            full: true,
            ..IndexOptions::default()
        },
        &|_| {},
    )
    .expect_err("locked");
    assert!(
        err.to_string()
            .contains("locked by another `pubsearch index` run"),
        "{err}"
    );
}

#[test]
fn one_engine_serves_searches_from_many_threads() {
    let engine = crate::util::corpus_engine().clone();
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let engine = engine.clone();
            std::thread::spawn(move || {
                let query = [
                    "mentortræf",
                    "Valbyparken",
                    "raadgivningsvagt",
                    "kommunaldirektører",
                ][i];
                (0..20)
                    .map(|_| {
                        engine
                            .search(query, &SearchOptions::default())
                            .expect("search")
                            .hits
                            .len()
                    })
                    .sum::<usize>()
            })
        })
        .collect();
    for handle in handles {
        assert!(handle.join().expect("thread") > 0);
    }
}

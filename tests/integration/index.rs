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

/// A temporary folder holding a corpus of two PDFs (19 pages) and the path of an index beside it
/// (not built yet); the folder goes when the first value is dropped.
fn two_file_corpus() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let work = tempfile::tempdir().expect("temp");
    let corpus = copy_corpus(
        work.path(),
        &["aarsrapport-2019.pdf", "status-paa-centerets-arbejde.pdf"],
    );
    let index = work.path().join("index");
    (work, corpus, index)
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
    let (_work, corpus, index) = two_file_corpus();
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
    let (_work, corpus, index) = two_file_corpus();
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
    assert_eq!(
        (report.segments, segments(&index)),
        (1, 1),
        "a small index stays one segment through updates"
    );
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

/// Number of segments a search of the index at `index` goes through.
fn segments(index: &Path) -> usize {
    tantivy::Index::open_in_dir(index)
        .expect("index opens")
        .searchable_segment_ids()
        .expect("segments listed")
        .len()
}

#[test]
fn a_run_that_writes_every_page_leaves_one_segment_and_updates_merge_only_small_ones() {
    // 1,000 pages: a run this large writes with one tantivy writer per thread, each filling
    // a segment of its own (smaller runs use one writer).
    let work = tempfile::tempdir().expect("temp");
    let corpus = work.path().join("corpus");
    let generated = pubsearch::corpus_gen::generate(
        &[corpus_dir()],
        &corpus,
        &pubsearch::corpus_gen::GenOptions {
            pages: 1000,
            pages_per_doc: 50,
            seed: 1,
        },
    )
    .expect("generates");
    assert_eq!(generated.pages, 1000);
    let index = work.path().join("index");
    let options = IndexOptions {
        threads: 2,
        ..IndexOptions::default()
    };
    let run = |options: &IndexOptions| {
        build_index(&index, std::slice::from_ref(&corpus), options, &|_| {}).expect("index builds")
    };
    assert_eq!(run(&options).pages_total, 1000);
    assert_eq!(
        segments(&index),
        1,
        "a first build is merged into one segment"
    );

    // One file replaced: its new pages go into a new segment, and the merged segment stays as
    // it was, less the old pages.
    std::fs::copy(corpus.join("gen-0002.pdf"), corpus.join("gen-0001.pdf")).expect("replace");
    let update = run(&options);
    assert_eq!((update.files_indexed, update.files_unchanged), (1, 19));
    assert_eq!(segments(&index), 2, "an update merges nothing large");
    let engine = Engine::open(&index).expect("engine");
    assert_eq!(engine.stats().expect("stats").pages, update.pages_total);

    // A second file replaced: the two small segments of the updates are merged, the large one
    // is left alone.
    std::fs::copy(corpus.join("gen-0004.pdf"), corpus.join("gen-0003.pdf")).expect("replace");
    let second = run(&options);
    assert_eq!((second.files_indexed, second.files_unchanged), (1, 19));
    assert_eq!((second.segments, segments(&index)), (2, 2));
    let engine = Engine::open(&index).expect("engine");
    assert_eq!(engine.stats().expect("stats").pages, second.pages_total);

    let full = IndexOptions {
        full: true,
        ..options
    };
    assert_eq!(run(&full).pages_total, update.pages_total);
    assert_eq!(segments(&index), 1, "a full rebuild is merged again");

    // Without the merge, a full build keeps one segment per writer thread, with every page.
    let unmerged = run(&IndexOptions {
        merge: false,
        ..full
    });
    assert_eq!(unmerged.segments, 2, "two writer threads, two segments");
    assert_eq!(segments(&index), 2);
    let engine = Engine::open(&index).expect("engine");
    let stats = engine.stats().expect("stats");
    assert_eq!((stats.pages, stats.segments), (unmerged.pages_total, 2));
    let unchanged = run(&options);
    assert_eq!((unchanged.committed, unchanged.segments), (false, 2));
}

/// Every public query's hits on an index of `corpus` built with `threads` threads: page,
/// document and score, in order.
fn public_hits(corpus: &Path, threads: usize) -> Vec<Vec<(String, u32, f32)>> {
    let work = tempfile::tempdir().expect("temp");
    let index = work.path().join("index");
    let options = IndexOptions {
        threads,
        full: true,
        ..IndexOptions::default()
    };
    build_index(&index, &[corpus.to_path_buf()], &options, &|_| {}).expect("index builds");
    let engine = Engine::open(&index).expect("engine");
    let search = SearchOptions {
        snippet_chars: 0,
        limit: 20,
        ..SearchOptions::default()
    };
    crate::util::read_queries(&crate::util::fixture("queries.tsv"))
        .iter()
        .map(|case| {
            let results = engine.search(&case.query, &search).expect("search");
            results
                .hits
                .into_iter()
                .map(|hit| (hit.doc, hit.page, hit.score))
                .collect()
        })
        .collect()
}

#[test]
fn a_small_corpus_ranks_tied_pages_alike_whatever_the_threads() {
    // Pages that score exactly alike are ranked by their place in the index; a run of fewer
    // than a thousand pages writes them in one segment, in the order of the plan, so the
    // public queries' tied pages (several on the embedded corpus) come in one order.
    let corpus = corpus_dir();
    let one = public_hits(&corpus, 1);
    assert!(
        one.iter()
            .any(|hits| hits.windows(2).any(|pair| pair[0].2 == pair[1].2)),
        "the public queries have tied pages to order"
    );
    for _ in 0..3 {
        assert_eq!(public_hits(&corpus, 2), one);
    }
}

/// The store settings recorded in an index's `meta.json`: compression and block size.
fn store_settings(index: &Path) -> (String, u64) {
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(index.join("meta.json")).expect("meta.json"))
            .expect("meta.json is JSON");
    let settings = &meta["index_settings"];
    (
        settings["docstore_compression"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        settings["docstore_blocksize"].as_u64().unwrap_or_default(),
    )
}

#[test]
fn a_run_brings_an_index_of_an_older_store_layout_to_the_current_one() {
    let (_work, corpus, index) = two_file_corpus();
    build(&index, &corpus);
    assert_eq!(store_settings(&index), ("none".to_owned(), 1024));
    let options = SearchOptions::default();
    let before = Engine::open(&index)
        .expect("engine")
        .search("forebyggelse", &options)
        .expect("search");

    // What an index made before stored pages went uncompressed records (LZ4, 16 KiB blocks).
    let meta_path = index.join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).expect("meta")).expect("json");
    meta["index_settings"] = serde_json::json!({
        "docstore_compression": "lz4",
        "docstore_blocksize": 16384,
    });
    std::fs::write(&meta_path, meta.to_string()).expect("write meta");
    assert_eq!(store_settings(&index), ("lz4".to_owned(), 16384));

    let full = IndexOptions {
        full: true,
        ..IndexOptions::default()
    };
    let report = build_index(&index, std::slice::from_ref(&corpus), &full, &|_| {})
        .expect("the full run succeeds");
    assert_eq!(report.pages_total, 19);
    assert_eq!(
        store_settings(&index),
        ("none".to_owned(), 1024),
        "the run wrote its segments in the current layout and recorded it"
    );
    let after = Engine::open(&index)
        .expect("engine")
        .search("forebyggelse", &options)
        .expect("search");
    assert!(!after.hits.is_empty());
    assert_eq!(
        (after.total_hits, &after.hits),
        (before.total_hits, &before.hits)
    );
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

/// The spill file a run keeps its extracted pages in, in the index folder `index`.
fn spill_file(index: &Path) -> PathBuf {
    index.join(pubsearch::index::SPILL_FILE)
}

#[test]
fn no_spill_file_remains_after_a_full_or_an_incremental_build() {
    let (_work, corpus, index) = two_file_corpus();
    let first = build(&index, &corpus);
    assert_eq!((first.files_indexed, first.pages_indexed), (2, 19));
    assert!(!spill_file(&index).exists());

    std::fs::copy(
        corpus_dir().join("aarsrapport-2018.pdf"),
        corpus.join("aarsrapport-2018.pdf"),
    )
    .expect("copy");
    let second = build(&index, &corpus);
    assert_eq!((second.files_indexed, second.pages_total), (1, 19 + 17));
    assert!(!spill_file(&index).exists());
}

#[test]
fn a_spill_file_left_by_a_killed_run_is_removed_and_the_build_succeeds() {
    let (_work, corpus, index) = two_file_corpus();
    std::fs::create_dir_all(&index).expect("mkdir");
    // What a run killed while writing leaves: a record cut off in the middle of its text.
    let mut stale = 1u32.to_le_bytes().to_vec();
    stale.push(0);
    stale.extend(1_000_000u64.to_le_bytes());
    stale.extend(b"Valbyparken ");
    std::fs::write(spill_file(&index), &stale).expect("stale spill");

    let report = build(&index, &corpus);
    assert_eq!((report.files_indexed, report.pages_total), (2, 19));
    assert!(!spill_file(&index).exists());
    let engine = Engine::open(&index).expect("opens");
    let hits = engine
        .search("Valbyparken", &SearchOptions::default())
        .expect("search");
    assert!(
        hits.hits.iter().all(|h| h.doc == "aarsrapport-2019"),
        "{hits:?}"
    );
    assert!(hits.total_hits > 0);

    // A run with nothing to do removes a leftover too, and leaves the index as it was.
    std::fs::write(spill_file(&index), &stale).expect("stale spill");
    let again = build(&index, &corpus);
    assert!(!again.committed);
    assert_eq!(again.pages_total, 19);
    assert!(!spill_file(&index).exists());
}

#[test]
fn every_page_comes_back_from_the_spill_file_as_extracted() {
    // Files of different sizes on two threads finish out of order; each page must still land
    // under its own file, with its number, printed label and text unchanged.
    let work = tempfile::tempdir().expect("temp");
    let corpus = copy_corpus(
        work.path(),
        &[
            "aarsrapport-2018.pdf",
            "aarsrapport-2019.pdf",
            "status-paa-centerets-arbejde.pdf",
        ],
    );
    let labelled = crate::util::fixture("real-danish/cvr-online-vejledning.pdf");
    std::fs::copy(&labelled, corpus.join("cvr-online-vejledning.pdf")).expect("copy");
    std::fs::write(corpus.join("empty.pdf"), b"").expect("write");
    let index = work.path().join("index");
    let report = build_index(
        &index,
        std::slice::from_ref(&corpus),
        &IndexOptions {
            threads: 2,
            ..IndexOptions::default()
        },
        &|_| {},
    )
    .expect("index builds");
    assert_eq!((report.files_indexed, report.skipped.len()), (4, 1));

    let engine = Engine::open(&index).expect("opens");
    let mut labels_seen = 0;
    for name in [
        "aarsrapport-2018",
        "aarsrapport-2019",
        "status-paa-centerets-arbejde",
        "cvr-online-vejledning",
    ] {
        let pdf = pubsearch::extract_file(&corpus.join(format!("{name}.pdf"))).expect("extracts");
        assert_eq!(
            engine
                .state()
                .files
                .values()
                .find(|f| f.doc == name)
                .map(|f| f.pages),
            Some(u32::try_from(pdf.pages.len()).expect("pages")),
            "{name}"
        );
        for page in &pdf.pages {
            let stored = engine.page_text(name, page.number).expect("page");
            assert_eq!(stored.text, page.text, "{name} page {}", page.number);
            assert_eq!(stored.page_label, page.label, "{name} page {}", page.number);
            labels_seen += usize::from(page.label.is_some());
        }
    }
    assert!(
        labels_seen > 0,
        "the labelled fixture has printed page labels"
    );
}

//! Scale corpora and the benchmark harness: generated PDFs are real, Danish and indexable; the
//! harness counts what it runs and computes its percentiles right. No timings are asserted.

use assert_cmd::Command;
use pubsearch::bench::{self, BenchOptions, BenchQuery, LatencyStats, percentile};
use pubsearch::corpus_gen::{GenOptions, generate};
use pubsearch::{Engine, IndexOptions, SearchOptions, build_index, extract_file};
use serde_json::Value;

use crate::util::{corpus_dir, corpus_engine, fixture};

fn small_corpus(pages: usize, pages_per_doc: usize, seed: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = GenOptions {
        pages,
        pages_per_doc,
        seed,
    };
    let report = generate(&[corpus_dir()], dir.path(), &options).expect("generates");
    assert_eq!(report.pages, pages);
    dir
}

fn pdfs_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("lists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    files.sort();
    files
}

#[test]
fn a_generated_corpus_has_the_pages_asked_for_in_pdfs_that_extract_to_danish() {
    let dir = small_corpus(50, 20, 7);
    let files = pdfs_in(dir.path());
    assert_eq!(files.len(), 3, "{files:?}");
    let mut pages = 0;
    let mut text = String::new();
    for file in &files {
        let pdf = extract_file(file).expect("a generated PDF extracts");
        assert!(pdf.failed_pages.is_empty());
        pages += pdf.pages.len();
        for page in &pdf.pages {
            assert!(page.text.split_whitespace().count() > 50, "{}", page.text);
            text.push_str(&page.text);
        }
    }
    assert_eq!(pages, 50);
    for letter in ['æ', 'ø', 'å'] {
        assert!(text.contains(letter), "no {letter} in the generated text");
    }
    for word in ["forebyggelse", "ekstremisme", "kommuner"] {
        assert!(text.to_lowercase().contains(word), "no {word}");
    }
    assert!(dir.path().join("manifest.json").exists());
}

#[test]
fn the_same_seed_gives_the_same_corpus_and_another_seed_another() {
    let a = small_corpus(6, 3, 1);
    let b = small_corpus(6, 3, 1);
    let c = small_corpus(6, 3, 2);
    let bytes = |dir: &tempfile::TempDir| -> Vec<Vec<u8>> {
        pdfs_in(dir.path())
            .iter()
            .map(|f| std::fs::read(f).expect("reads"))
            .collect()
    };
    assert_eq!(bytes(&a), bytes(&b));
    assert_ne!(bytes(&a), bytes(&c));
}

#[test]
fn a_generated_corpus_indexes_and_answers_queries_with_metadata_from_its_manifest() {
    let corpus = small_corpus(40, 20, 3);
    let index = tempfile::tempdir().expect("temp dir");
    let report = build_index(
        index.path(),
        &[corpus.path().to_path_buf()],
        &IndexOptions::default(),
        &|_| {},
    )
    .expect("indexes");
    assert_eq!(report.pages_indexed, 40);
    assert!(report.skipped.is_empty());
    let engine = Engine::open(index.path()).expect("opens");
    let results = engine
        .search("forebyggelse af ekstremisme", &SearchOptions::default())
        .expect("searches");
    assert!(results.total_hits > 0);
    let hit = &results.hits[0];
    assert!(hit.doc.starts_with("gen-"), "{}", hit.doc);
    assert!(hit.title.contains("– del "), "{}", hit.title);
    assert!(hit.year.is_some());
    assert!(!hit.highlights.is_empty());
}

#[test]
fn percentiles_are_nearest_rank_values_of_the_timings() {
    let sorted: Vec<f64> = (1..=10).map(f64::from).collect();
    assert_eq!(percentile(&sorted, 50.0), 5.0);
    assert_eq!(percentile(&sorted, 95.0), 10.0);
    assert_eq!(percentile(&sorted, 10.0), 1.0);
    let timings: Vec<std::time::Duration> = (1..=200)
        .rev()
        .map(std::time::Duration::from_micros)
        .collect();
    let stats = LatencyStats::of(&timings);
    assert_eq!(stats.count, 200);
    assert!((stats.p50_ms - 0.100).abs() < 1e-9);
    assert!((stats.p95_ms - 0.190).abs() < 1e-9);
    assert!((stats.p99_ms - 0.198).abs() < 1e-9);
    assert!((stats.max_ms - 0.200).abs() < 1e-9);
}

#[test]
fn the_harness_times_every_query_of_every_run_and_lists_failures() {
    let queries = vec![
        BenchQuery {
            query: "mentortræf".into(),
            kind: "single".into(),
        },
        BenchQuery {
            query: "\"af ekstremisme\"".into(),
            kind: "phrase".into(),
        },
        BenchQuery {
            query: "year:abc".into(),
            kind: "broken".into(),
        },
    ];
    let options = BenchOptions {
        runs: 3,
        warmup: 1,
        threads: 2,
        ..BenchOptions::default()
    };
    let report = bench::run(corpus_engine(), &queries, &options).expect("runs");
    assert_eq!(report.queries, 2);
    assert_eq!(report.failed.len(), 1, "{:?}", report.failed);
    for phase in [
        &report.search_single,
        &report.snippets_single,
        &report.search_parallel,
        &report.snippets_parallel,
    ] {
        assert_eq!(phase.latency.count, 6);
        assert!(phase.latency.p50_ms <= phase.latency.p99_ms);
        assert!(phase.latency.p99_ms <= phase.latency.max_ms);
        // Three passes of the two good queries: each pass's median lies within the phase's
        // timings.
        let spread = phase.pass_p50_ms;
        assert!(spread.min_ms > 0.0, "{spread:?}");
        assert!(spread.min_ms <= spread.max_ms, "{spread:?}");
        assert!(spread.max_ms <= phase.latency.max_ms, "{spread:?}");
    }
    assert_eq!(report.search_single.threads, 1);
    assert_eq!(report.search_parallel.threads, 2);
    let kinds: Vec<&str> = report.by_kind.iter().map(|k| k.kind.as_str()).collect();
    assert_eq!(kinds, ["phrase", "single"]);
    assert_eq!(report.by_kind[0].latency.count, 3);
}

#[test]
fn bench_subcommand_reports_json_for_the_public_queries() {
    let index = corpus_engine().stats().expect("stats").path;
    let output = Command::cargo_bin("pubsearch")
        .expect("binary")
        .args(["bench", "--runs", "1", "--warmup", "0", "--json", "--index"])
        .arg(&index)
        .arg("--queries")
        .arg(fixture("queries.tsv"))
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let queries = report["queries"].as_u64().expect("queries");
    assert!(queries >= 50, "{queries}");
    assert_eq!(report["snippets_single"]["latency"]["count"], queries);
    assert!(
        report["search_parallel"]["queries_per_second"]
            .as_f64()
            .expect("qps")
            > 0.0
    );
}

//! The `pubsearch` binary: each subcommand run for real, output and exit codes checked.

use serde_json::Value;

use crate::util::{corpus_dir, pubsearch, root};

/// `text` with every run of white space made one space.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A temp folder with an index of the embedded corpus, built through the CLI.
fn indexed() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = pubsearch()
        .args(["index", "--index"])
        .arg(dir.path())
        .arg(corpus_dir())
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "index failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("indexed 4 of 4 PDF files (61 pages)"),
        "{stdout}"
    );
    dir
}

#[test]
fn search_json_follows_the_contract() {
    let dir = indexed();
    let output = pubsearch()
        .args([
            "search",
            "handlingsplaner for forebyggelse",
            "--json",
            "--limit",
            "3",
            "--index",
        ])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(output.status.success());
    let json: Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert_eq!(json["query"], "handlingsplaner for forebyggelse");
    assert!(json["total_hits"].as_u64().expect("total_hits") >= 3);
    assert!(json["took_ms"].is_number());
    let hits = json["hits"].as_array().expect("hits");
    assert_eq!(hits.len(), 3);
    for hit in hits {
        for key in ["doc", "path", "title", "snippet"] {
            assert!(hit[key].is_string(), "{key} in {hit}");
        }
        assert!(hit["year"].is_u64() && hit["page"].as_u64().expect("page") >= 1);
        assert!(hit["score"].is_number());
        let snippet = hit["snippet"].as_str().expect("snippet");
        let highlights = hit["highlights"].as_array().expect("highlights");
        assert!(!highlights.is_empty(), "{hit}");
        for range in highlights {
            let (a, b) = (
                range[0].as_u64().expect("start") as usize,
                range[1].as_u64().expect("end") as usize,
            );
            let word = snippet
                .get(a..b)
                .expect("highlight on char boundaries")
                .to_lowercase();
            assert!(
                ["handlingsplan", "forebyg", "handling", "plan"]
                    .iter()
                    .any(|w| word.contains(w)),
                "highlighted {word:?}"
            );
        }
    }
}

#[test]
fn search_text_shows_title_year_page_and_snippet() {
    let dir = indexed();
    let output = pubsearch()
        .args(["search", "raadgivningsvagt", "--index"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(output.status.success());
    let stdout = String::from_utf8_lossy(&output.stdout);
    let first = stdout.lines().next().expect("a line");
    assert!(
        first.starts_with("1. Årsrapport og årsberetning 2018 (2018) — s. 5"),
        "{first}"
    );
    assert!(stdout.contains("rådgivningsvagt"), "{stdout}");
    assert!(!stdout.contains('\x1b'), "no colour when piped");
    let colored = pubsearch()
        .args(["search", "raadgivningsvagt", "--color", "always", "--index"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&colored.stdout).contains("\x1b[1;31mrådgivningsvagt\x1b[0m"));
}

#[test]
fn search_filters_by_year_and_doc_and_no_hits_is_success() {
    let dir = indexed();
    let output = pubsearch()
        .args([
            "search",
            "mentortræf",
            "--year",
            "2019",
            "--json",
            "--index",
        ])
        .arg(dir.path())
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&output.stdout).expect("json");
    let hits = json["hits"].as_array().expect("hits");
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["year"] == 2019));
    let output = pubsearch()
        .args([
            "search",
            "mentortræf doc:aarsrapport-2018",
            "--json",
            "--index",
        ])
        .arg(dir.path())
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert!(
        json["hits"]
            .as_array()
            .expect("hits")
            .iter()
            .all(|h| h["doc"] == "aarsrapport-2018")
    );
    let output = pubsearch()
        .args(["search", "zzyzxquux", "--index"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(output.status.success(), "no hits is not an error");
    assert!(String::from_utf8_lossy(&output.stdout).contains("no pages match"));
}

#[test]
fn a_filter_matching_no_page_says_which_values_come_close() {
    let dir = indexed();
    let search = |args: &[&str]| {
        let output = pubsearch()
            .arg("search")
            .args(args)
            .arg("--index")
            .arg(dir.path())
            .output()
            .expect("runs");
        assert!(output.status.success(), "{args:?}");
        String::from_utf8(output.stdout).expect("utf-8")
    };
    let text = search(&["mentor doc:evaluering"]);
    assert!(text.contains("no pages match"), "{text}");
    assert!(
        text.contains(
            "note: no page has `doc:evaluering`; did you mean `doc:evaluering-2017-2020`?"
        ),
        "{text}"
    );
    let text = search(&["mentor", "--year", "2016"]);
    assert!(
        text.contains("note: no page has `year:2016`; the index has `year:2018`"),
        "{text}"
    );
    let json: Value =
        serde_json::from_str(&search(&["mentor kind:rapport", "--json"])).expect("json");
    assert_eq!(json["total_hits"], 0);
    assert_eq!(json["unmatched_filters"][0]["filter"], "kind:rapport");
    // A filter typed without æøå finds its pages, and JSON without unmatched filters has no
    // such key.
    let json: Value =
        serde_json::from_str(&search(&["mentor kind:aarsrapport", "--json"])).expect("json");
    assert!(json["total_hits"].as_u64().unwrap_or(0) > 0, "{json}");
    assert!(json.get("unmatched_filters").is_none(), "{json}");
}

#[test]
fn extract_prints_pages_separated_by_form_feeds() {
    let output = pubsearch()
        .arg("extract")
        .arg(corpus_dir().join("aarsrapport-2018.pdf"))
        .output()
        .expect("runs");
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).expect("utf-8");
    assert_eq!(text.matches('\x0c').count(), 17, "one form feed per page");
    assert!(flat(&text).contains("mødtes i Oslo i september 2018"));
}

#[test]
fn show_prints_one_page_and_stats_describe_the_index() {
    let dir = indexed();
    let output = pubsearch()
        .args(["show", "aarsrapport-2018", "--page", "14", "--index"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.starts_with("Årsrapport og årsberetning 2018 — page 14 of 17"),
        "{text}"
    );
    assert!(flat(&text).contains("mødtes i Oslo i september 2018"));
    let output = pubsearch()
        .args(["stats", "--json", "--index"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["documents"], 4);
    assert_eq!(json["pages"], 61);
    assert!(json["size_bytes"].as_u64().expect("size") > 10_000);
    assert_eq!(json["segments"], 1, "a 61-page build is one segment");
}

#[test]
fn errors_are_one_line_with_exit_code_1_and_usage_errors_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = pubsearch()
        .args(["search", "mentor", "--index"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("run `pubsearch index` first"), "{stderr}");

    let output = pubsearch().args(["search"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let output = pubsearch().args(["frobnicate"]).output().expect("runs");
    assert_eq!(output.status.code(), Some(2));

    let not_pdf = dir.path().join("notes.pdf");
    std::fs::write(&not_pdf, "just text").expect("write");
    let output = pubsearch()
        .arg("extract")
        .arg(&not_pdf)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("notes.pdf") && stderr.contains("not a PDF"),
        "{stderr}"
    );

    let indexed = indexed();
    let output = pubsearch()
        .args(["show", "no-such-doc", "--page", "1", "--index"])
        .arg(indexed.path())
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no document `no-such-doc`"));
}

#[test]
fn first_search_builds_the_default_index_from_corpus() {
    let work = tempfile::tempdir().expect("temp dir");
    let corpus = work.path().join("corpus");
    std::fs::create_dir(&corpus).expect("mkdir");
    for name in ["aarsrapport-2019.pdf", "manifest.json"] {
        std::fs::copy(corpus_dir().join(name), corpus.join(name)).expect("copy");
    }
    let output = pubsearch()
        .current_dir(work.path())
        .args(["search", "Ungdommens Folkemøde Valbyparken", "--json"])
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("building the index"));
    let json: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(json["hits"][0]["doc"], "aarsrapport-2019");
    assert!(work.path().join("index").join("meta.json").exists());
    // The second search finds the index up to date and says nothing.
    let output = pubsearch()
        .current_dir(work.path())
        .args(["search", "Valbyparken"])
        .output()
        .expect("runs");
    assert!(output.status.success());
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = root();
}

//! Searching the corpus through the library: query syntax, Danish matching, snippets, versions.

use pubsearch::{Engine, SearchOptions};

use crate::util::corpus_engine;

fn top(engine: &Engine, query: &str) -> Vec<(String, u32)> {
    engine
        .search(query, &SearchOptions::default())
        .unwrap_or_else(|e| panic!("{query}: {e}"))
        .hits
        .into_iter()
        .map(|h| (h.doc, h.page))
        .collect()
}

fn highlighted(engine: &Engine, query: &str) -> Vec<String> {
    let results = engine
        .search(
            query,
            &SearchOptions {
                limit: 1,
                ..SearchOptions::default()
            },
        )
        .expect("search");
    let hit = &results.hits[0];
    hit.highlights
        .iter()
        .map(|[a, b]| hit.snippet[*a..*b].to_owned())
        .collect()
}

#[test]
fn a_typo_falls_back_to_fuzzy_matching() {
    let engine = corpus_engine();
    let hits = top(engine, "mentortræffet Middelfrat");
    assert_eq!(hits[0], ("aarsrapport-2019".to_owned(), 6), "{hits:?}");
    let words = highlighted(engine, "Middelfrat");
    assert!(words.iter().any(|w| w == "Middelfart"), "{words:?}");
}

#[test]
fn folded_inflected_and_compound_matches_are_highlighted() {
    let engine = corpus_engine();
    assert!(highlighted(engine, "raadgivningsvagt").contains(&"rådgivningsvagt".to_owned()));
    let words = highlighted(engine, "sekretariat funktion koordinationsgruppe");
    assert!(
        words.iter().any(|w| w.starts_with("sekretariatsfunktion")),
        "{words:?}"
    );
    let words = highlighted(engine, "\"hvor flot planen ser ud på papiret\"");
    assert_eq!(words.join(" "), "hvor flot planen ser ud på papiret");
}

#[test]
fn phrases_require_the_words_in_order() {
    let engine = corpus_engine();
    let phrase = engine
        .search("\"ser ud på papiret\"", &SearchOptions::default())
        .expect("search");
    assert_eq!(phrase.total_hits, 1);
    let reversed = engine
        .search("\"papiret på ud ser\"", &SearchOptions::default())
        .expect("search");
    assert_eq!(reversed.total_hits, 0);
    // Stop words inside a phrase count; a phrase of stop words alone still answers.
    let stop_words = engine
        .search("\"af ekstremisme\"", &SearchOptions::default())
        .expect("search");
    assert!(stop_words.total_hits > 5);
    let question = engine
        .search("hvad er det", &SearchOptions::default())
        .expect("search");
    assert!(question.total_hits > 0);
}

#[test]
fn boolean_operators_and_filters_restrict_the_pages() {
    let engine = corpus_engine();
    let both = engine
        .search("Valbyparken AND Folkemøde", &SearchOptions::default())
        .expect("search");
    let either = engine
        .search("Valbyparken OR Oslo", &SearchOptions::default())
        .expect("search");
    assert!(either.total_hits > both.total_hits);
    let all = engine
        .search("mentortræf", &SearchOptions::default())
        .expect("search");
    let without = engine
        .search("mentortræf -Horsens", &SearchOptions::default())
        .expect("search");
    assert!(without.total_hits < all.total_hits);
    assert!(
        without
            .hits
            .iter()
            .all(|h| h.page != 6 || h.doc != "aarsrapport-2018")
    );
    let evaluation = engine
        .search("mentor kind:evaluering", &SearchOptions::default())
        .expect("search");
    assert!(!evaluation.hits.is_empty());
    assert!(
        evaluation
            .hits
            .iter()
            .all(|h| h.doc == "evaluering-2017-2020")
    );
    let options = SearchOptions {
        year: Some(2018),
        ..SearchOptions::default()
    };
    let y2018 = engine.search("mentortræf", &options).expect("search");
    assert!(y2018.hits.iter().all(|h| h.year == Some(2018)));
}

#[test]
fn snippets_are_about_the_requested_length_and_cut_at_words() {
    let engine = corpus_engine();
    for chars in [80, 200, 400] {
        let options = SearchOptions {
            snippet_chars: chars,
            ..SearchOptions::default()
        };
        let results = engine.search("forebyggelse", &options).expect("search");
        for hit in &results.hits {
            let length = hit.snippet.chars().count();
            assert!(
                length <= chars + 30,
                "{length} chars for {chars}: {}",
                hit.snippet
            );
            let body = hit.snippet.trim_start_matches("… ").trim_end_matches(" …");
            let page = engine.page_text(&hit.doc, hit.page).expect("page").text;
            let flat_page = page.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                flat_page.contains(body),
                "snippet is a passage of the page: {body}"
            );
        }
    }
}

#[test]
fn an_index_of_another_analyzer_version_is_refused() {
    let dir = tempfile::tempdir().expect("temp");
    let corpus = crate::util::corpus_dir().join("status-paa-centerets-arbejde.pdf");
    pubsearch::build_index(
        dir.path(),
        &[corpus],
        &pubsearch::IndexOptions::default(),
        &|_| {},
    )
    .expect("builds");
    let meta = dir.path().join("meta.json");
    let text = std::fs::read_to_string(&meta).expect("meta");
    let current = format!(
        "\\\"analyzer_version\\\":{}",
        pubsearch::analysis::ANALYZER_VERSION
    );
    assert!(text.contains(&current), "payload holds the version");
    std::fs::write(&meta, text.replace(&current, "\\\"analyzer_version\\\":0")).expect("write");
    let err = Engine::open(dir.path()).expect_err("refused");
    assert!(
        err.to_string()
            .contains("re-index with `pubsearch index --full`"),
        "{err}"
    );
}

#[test]
fn filters_forgive_case_and_æøå_spelled_out() {
    let engine = corpus_engine();
    let search = |query: &str, options: &SearchOptions| {
        engine
            .search(query, options)
            .unwrap_or_else(|e| panic!("{query}: {e}"))
    };
    let exact = search("mentor kind:årsrapport", &SearchOptions::default());
    assert!(exact.total_hits > 0 && exact.unmatched_filters.is_empty());
    for typed in ["kind:aarsrapport", "kind:arsrapport", "kind:ÅRSRAPPORT"] {
        let results = search(&format!("mentor {typed}"), &SearchOptions::default());
        assert_eq!(results.hits, exact.hits, "{typed}");
        assert_eq!(results.total_hits, exact.total_hits, "{typed}");
    }
    let by_option = search(
        "mentor",
        &SearchOptions {
            doc: Some("Aarsrapport-2019".into()),
            ..SearchOptions::default()
        },
    );
    assert!(!by_option.hits.is_empty());
    assert!(by_option.hits.iter().all(|h| h.doc == "aarsrapport-2019"));
    // An excluded filter is forgiven the same way.
    let excluded = search("mentor -kind:aarsrapport", &SearchOptions::default());
    assert!(!excluded.hits.is_empty());
    assert!(excluded.hits.iter().all(|h| h.kind != "årsrapport"));
}

#[test]
fn a_filter_no_page_satisfies_is_reported_with_the_values_that_come_close() {
    let engine = corpus_engine();
    let results = engine
        .search("mentor doc:aarsrapport", &SearchOptions::default())
        .expect("search");
    assert_eq!(results.total_hits, 0, "a part of an id is not matched");
    assert!(results.hits.is_empty());
    let [unmatched] = results.unmatched_filters.as_slice() else {
        panic!("{:?}", results.unmatched_filters);
    };
    assert_eq!(unmatched.filter, "doc:aarsrapport");
    assert_eq!(
        unmatched.suggestions,
        ["doc:aarsrapport-2018", "doc:aarsrapport-2019"]
    );
    let year = engine
        .search("mentor year:2016", &SearchOptions::default())
        .expect("search");
    assert_eq!(
        year.unmatched_filters[0].known,
        ["year:2018", "year:2019", "year:2020"]
    );
    // Show and cite take a document id the same way.
    assert_eq!(
        engine.document("AARSRAPPORT-2018").expect("found").doc,
        "aarsrapport-2018"
    );
    let missing = engine.document("evaluering").expect_err("not an id");
    assert!(
        missing
            .to_string()
            .contains("did you mean: evaluering-2017-2020"),
        "{missing}"
    );
    assert_eq!(
        engine
            .page_text("Evaluering-2017-2020", 3)
            .expect("page")
            .doc,
        "evaluering-2017-2020"
    );
}

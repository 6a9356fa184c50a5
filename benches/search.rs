//! Query benchmarks (report only): latency per kind of query of `tests/fixtures/queries.tsv`,
//! search with and without snippets, and snippet generation alone, on the real corpus and on a
//! generated 10,000-page corpus (`PUBSEARCH_BENCH_PAGES` to change; made under the target dir on
//! first run).
//!
//! Run: `cargo bench --bench search` (filter e.g. `-- query/real`).

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pubsearch::search::snippet::make_snippet;
use pubsearch::{Engine, SearchOptions};

fn bench_corpus(c: &mut Criterion, name: &str, engine: &Engine) {
    let queries = common::queries();
    let mut kinds: Vec<&str> = queries.iter().map(|q| q.kind.as_str()).collect();
    kinds.sort();
    kinds.dedup();
    let with_snippets = SearchOptions::default();
    let search_only = SearchOptions {
        snippet_chars: 0,
        ..SearchOptions::default()
    };

    let mut group = c.benchmark_group(format!("query/{name}"));
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(1));
    for kind in kinds {
        let of_kind: Vec<&str> = queries
            .iter()
            .filter(|q| q.kind == kind)
            .map(|q| q.query.as_str())
            .collect();
        // One iteration is one search; iterations cycle through the queries of the kind.
        group.bench_function(BenchmarkId::new("with_snippets", kind), |b| {
            let mut i = 0;
            b.iter(|| {
                i += 1;
                black_box(engine.search(of_kind[i % of_kind.len()], &with_snippets))
            });
        });
    }
    for (label, options) in [
        ("all/search_only", &search_only),
        ("all/with_snippets", &with_snippets),
    ] {
        group.bench_function(label, |b| {
            let mut i = 0;
            b.iter(|| {
                i += 1;
                black_box(engine.search(&queries[i % queries.len()].query, options))
            });
        });
    }
    group.finish();

    // Snippets alone: the page texts of every query's hits, cut for that query.
    let mut cases = Vec::new();
    for q in &queries {
        let Ok(terms) = engine.highlight_terms(&q.query) else {
            continue;
        };
        let Ok(results) = engine.search(&q.query, &search_only) else {
            continue;
        };
        for hit in results.hits {
            if let Ok(page) = engine.page_text(&hit.doc, hit.page) {
                cases.push((terms.clone(), page.text));
            }
        }
    }
    let mut group = c.benchmark_group(format!("snippet/{name}"));
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    group.throughput(Throughput::Elements(1));
    group.bench_function("one_page", |b| {
        let mut i = 0;
        b.iter(|| {
            i += 1;
            let (terms, text) = &cases[i % cases.len()];
            black_box(make_snippet(
                text,
                terms,
                pubsearch::search::DEFAULT_SNIPPET_CHARS,
            ))
        });
    });
    group.finish();
}

fn search_benches(c: &mut Criterion) {
    let real = common::index_of(&common::real_corpus(), "real");
    bench_corpus(c, "real", &real);
    let pages = common::generated_pages();
    let generated = common::index_of(&common::generated_corpus(pages), &format!("gen-{pages}"));
    bench_corpus(c, &format!("gen-{pages}"), &generated);
}

criterion_group!(benches, search_benches);
criterion_main!(benches);

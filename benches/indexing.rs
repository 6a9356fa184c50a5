//! Extraction and index-build benchmarks (report only), as pages per second: extraction of the
//! real corpus and of a sample of a generated corpus, and full index builds of the real corpus
//! and of a generated 1,000-page corpus (a 10,000-page build takes minutes per sample; its time
//! is measured once by `pubsearch index` in BENCHMARKS.md).
//!
//! Run: `cargo bench --bench indexing`.

mod common;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pubsearch::{IndexOptions, build_index, extract_file};

fn pages_of(files: &[PathBuf]) -> u64 {
    files
        .iter()
        .map(|f| extract_file(f).map_or(0, |pdf| pdf.pages.len() as u64))
        .sum()
}

fn extraction(c: &mut Criterion) {
    let real = common::pdfs_in(&common::real_corpus());
    // The extraction matrix: 3 reports × 8 producers, the files pdftotext is compared on.
    let matrix = common::pdfs_in(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/extraction"),
    );
    let generated: Vec<PathBuf> = common::pdfs_in(&common::generated_corpus(1000))
        .into_iter()
        .take(4)
        .collect();
    let mut group = c.benchmark_group("extract");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    for (name, files) in [
        ("real", &real),
        ("matrix", &matrix),
        ("gen-sample", &generated),
    ] {
        group.throughput(Throughput::Elements(pages_of(files)));
        group.bench_function(name, |b| {
            b.iter(|| {
                for file in files {
                    black_box(extract_file(file).ok());
                }
            });
        });
    }
    group.finish();
}

fn index_build(c: &mut Criterion) {
    let mut group = c.benchmark_group("index_build");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(5));
    for (name, corpus) in [
        ("real", common::real_corpus()),
        ("gen-1000", common::generated_corpus(1000)),
    ] {
        let pages = pages_of(&common::pdfs_in(&corpus));
        group.throughput(Throughput::Elements(pages));
        group.bench_function(name, |b| {
            b.iter(|| {
                let dir = tempfile::tempdir().expect("temp dir");
                black_box(
                    build_index(
                        dir.path(),
                        std::slice::from_ref(&corpus),
                        &IndexOptions::default(),
                        &|_| {},
                    )
                    .expect("indexes"),
                )
            });
        });
    }
    group.finish();
}

criterion_group!(benches, extraction, index_build);
criterion_main!(benches);

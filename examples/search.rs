//! Index a folder of PDFs and search it from Rust.
//!
//! ```sh
//! cargo run --release --example search -- corpus "handlingsplaner for forebyggelse"
//! ```
//!
//! Builds (or updates) an index in a temporary directory, runs one search with options, prints
//! the typed hits, and extracts the first page of the best document directly.

use std::path::PathBuf;

use pubsearch::{Engine, IndexOptions, SearchOptions, build_index, extract_file};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let corpus = PathBuf::from(args.next().unwrap_or_else(|| "corpus".into()));
    let query = args
        .next()
        .unwrap_or_else(|| "handlingsplaner for forebyggelse".into());

    // 1. Build an index. Only new or changed PDFs are read again on later runs.
    let index_dir = std::env::temp_dir().join("pubsearch-example-index");
    let report = build_index(&index_dir, &[corpus], &IndexOptions::default(), &|_| {})?;
    println!(
        "indexed {} files, {} pages; {} skipped",
        report.files_indexed,
        report.pages_total,
        report.skipped.len()
    );

    // 2. Open it once; an Engine is cheap to clone and can be shared between threads.
    let engine = Engine::open(&index_dir)?;

    // 3. Search with options: at most 5 hits, 160-character snippets.
    let options = SearchOptions {
        limit: 5,
        snippet_chars: 160,
        ..SearchOptions::default()
    };
    let results = engine.search(&query, &options)?;
    println!(
        "{} pages match `{}` ({:.2} ms)",
        results.total_hits, results.query, results.took_ms
    );
    for hit in &results.hits {
        println!(
            "{:>6.2}  {} ({}) s. {}",
            hit.score,
            hit.title,
            hit.year.unwrap_or_default(),
            hit.page
        );
        println!("        {}", hit.snippet);
    }

    // Hits serialise with serde: this is the shape of `pubsearch search --json`.
    if let Some(best) = results.hits.first() {
        println!("{}", serde_json::to_string_pretty(best)?);
        // 4. Extraction is a library call too.
        let pdf = extract_file(std::path::Path::new(&best.path))?;
        let first_line = pdf
            .pages
            .first()
            .and_then(|p| p.text.lines().next())
            .unwrap_or_default();
        println!(
            "{} has {} pages; page 1 starts: {first_line}",
            best.doc,
            pdf.pages.len()
        );
    }
    Ok(())
}

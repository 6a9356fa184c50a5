//! `pubsearch search`: ranked pages, as text or as one JSON object.

use std::io::Write;

use anyhow::{Context, Result};
use pubsearch::SearchOptions;
use pubsearch::export::cite::{Citation, cite};

use super::args::SearchArgs;
use super::output::Style;

pub fn run(args: &SearchArgs) -> Result<()> {
    let engine = super::open_engine(&args.location)?;
    let options = SearchOptions {
        limit: args.limit,
        year: args.year,
        doc: args.doc.clone(),
        kind: args.kind.clone(),
        snippet_chars: args.snippet_chars,
    };
    let results = engine
        .search(&args.query, &options)
        .with_context(|| format!("searching for `{}`", args.query))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if args.json && args.cite {
        let mut value = serde_json::to_value(&results)?;
        if let Some(hits) = value.get_mut("hits").and_then(|h| h.as_array_mut()) {
            for (json_hit, hit) in hits.iter_mut().zip(&results.hits) {
                if let Some(object) = json_hit.as_object_mut() {
                    object.insert(
                        "citation".into(),
                        serde_json::to_value(citation(&engine, hit)?)?,
                    );
                }
            }
        }
        serde_json::to_writer(&mut out, &value)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(());
    }
    if args.json {
        serde_json::to_writer(&mut out, &results)?;
        writeln!(out)?;
        out.flush()?;
        return Ok(());
    }
    let style = Style::for_stdout(args.color);
    if results.hits.is_empty() {
        writeln!(out, "no pages match `{}`", args.query)?;
    }
    for unmatched in &results.unmatched_filters {
        writeln!(out, "{} {unmatched}", style.bold("note:"))?;
    }
    for (rank, hit) in results.hits.iter().enumerate() {
        let year = hit.year.map(|y| format!(" ({y})")).unwrap_or_default();
        let page = match &hit.page_label {
            Some(label) if label != &hit.page.to_string() => {
                format!("s. {label} (PDF page {})", hit.page)
            }
            _ => format!("s. {}", hit.page),
        };
        writeln!(
            out,
            "{}. {}{} — {}  {}",
            rank + 1,
            style.bold(&hit.title),
            year,
            style.bold(&page),
            style.dim(&format!(
                "[{} p{}, score {:.2}]",
                hit.doc, hit.page, hit.score
            ))
        )?;
        let ocr = if hit.ocr {
            style.dim("[OCR] ")
        } else {
            String::new()
        };
        writeln!(
            out,
            "   {ocr}{}",
            style.highlight(&hit.snippet, &hit.highlights)
        )?;
        if args.cite {
            writeln!(
                out,
                "   {}",
                style.dim(&format!("cite: {}", citation(&engine, hit)?.text))
            )?;
        }
    }
    writeln!(
        out,
        "{}",
        style.dim(&format!(
            "{} of {} matching pages in {:.2} ms",
            results.hits.len(),
            results.total_hits,
            results.took_ms
        ))
    )?;
    out.flush()?;
    Ok(())
}

/// The citation of a hit's page.
fn citation(engine: &pubsearch::Engine, hit: &pubsearch::Hit) -> Result<Citation> {
    let document = engine.document(&hit.path)?;
    Ok(cite(&document, hit.page, hit.page_label.as_deref()))
}

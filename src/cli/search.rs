//! `pubsearch search`: ranked pages, as text or as one JSON object.

use std::io::Write;

use anyhow::{Context, Result};
use pubsearch::SearchOptions;

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
        writeln!(out, "   {}", style.highlight(&hit.snippet, &hit.highlights))?;
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

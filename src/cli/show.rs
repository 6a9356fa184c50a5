//! `pubsearch show`: the full text of one page.

use std::io::Write;

use anyhow::Result;

use super::args::ShowArgs;

pub fn run(args: &ShowArgs) -> Result<()> {
    let engine = super::open_engine(&args.location)?;
    let page = engine.page_text(&args.doc, args.page)?;
    let mut out = std::io::stdout().lock();
    let label = page
        .page_label
        .as_ref()
        .map(|l| format!(", s. {l}"))
        .unwrap_or_default();
    let ocr = if page.ocr { " (text from OCR)" } else { "" };
    writeln!(
        out,
        "{} — page {} of {}{}{}",
        page.title, page.page, page.pages, label, ocr
    )?;
    writeln!(out)?;
    writeln!(out, "{}", page.text.trim_end())?;
    Ok(())
}

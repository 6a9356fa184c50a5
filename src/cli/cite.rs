//! `pubsearch cite`: a ready citation of one page of an indexed document.

use std::io::Write;

use anyhow::Result;
use pubsearch::export::cite::cite;

use super::args::CiteArgs;

pub fn run(args: &CiteArgs) -> Result<()> {
    let engine = super::open_engine(&args.location)?;
    let document = engine.document(&args.doc)?;
    let page = engine.page_text(&document.doc, args.page)?;
    let citation = cite(&document, page.page, page.page_label.as_deref());
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(&mut out, &citation)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}", citation.text)?;
    }
    Ok(())
}

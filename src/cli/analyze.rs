//! `pubsearch analyze`: the terms each word of a text becomes, stage by stage.

use std::io::Write;

use anyhow::Result;

use super::args::AnalyzeArgs;

pub fn run(args: &AnalyzeArgs) -> Result<()> {
    // The index's own lexicon when there is one, so compounds split as they do in searches.
    let dir = args
        .location
        .index
        .clone()
        .unwrap_or_else(|| super::DEFAULT_INDEX.into());
    let analyzer = pubsearch::index::analyzer_for(&dir);
    let words = analyzer.analyze_text(&args.text);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &words)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<24} {:<24} {:<20} {:<20} parts",
        "word", "exact", "stem", "folded"
    )?;
    for word in &words {
        let parts = if word.parts.is_empty() {
            String::new()
        } else {
            format!(
                "{} → {}",
                word.parts.join(" + "),
                word.part_stems.join(" + ")
            )
        };
        let stop = if word.stop_word { " (stop word)" } else { "" };
        writeln!(
            out,
            "{:<24} {:<24} {:<20} {:<20} {parts}{stop}",
            word.original, word.exact, word.stem, word.folded
        )?;
    }
    Ok(())
}

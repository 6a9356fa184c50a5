//! `pubsearch stats`: what the index holds.

use std::io::Write;

use anyhow::Result;

use super::args::StatsArgs;

pub fn run(args: &StatsArgs) -> Result<()> {
    let engine = super::open_engine(&args.location)?;
    let stats = engine.stats()?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &stats)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "index:       {}", stats.path.display())?;
    writeln!(out, "documents:   {}", stats.documents)?;
    writeln!(out, "pages:       {}", stats.pages)?;
    if stats.failed_files > 0 {
        writeln!(
            out,
            "failed:      {} files (see `pubsearch index`)",
            stats.failed_files
        )?;
    }
    writeln!(out, "size:        {:.1} MB", stats.size_bytes as f64 / 1e6)?;
    if stats.segments > 1 {
        writeln!(
            out,
            "segments:    {} (each costs every search a little; `pubsearch index --full` makes one)",
            stats.segments
        )?;
    } else {
        writeln!(out, "segments:    {}", stats.segments)?;
    }
    writeln!(
        out,
        "built:       {} (Unix time {})",
        format_utc(stats.built_at),
        stats.built_at
    )?;
    writeln!(
        out,
        "analyzer:    version {}, {} lexicon words",
        stats.analyzer_version, stats.lexicon_words
    )?;
    for file in engine.state().files.values() {
        let year = file
            .year
            .map(|y| y.to_string())
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "  {:<32} {:>4} {:>4} pages  {}",
            file.doc, year, file.pages, file.title
        )?;
    }
    Ok(())
}

/// `YYYY-MM-DD HH:MM UTC` for seconds since the Unix epoch.
fn format_utc(seconds: u64) -> String {
    let days = seconds / 86_400;
    let (hour, minute) = ((seconds % 86_400) / 3600, (seconds % 3600) / 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02} {hour:02}:{minute:02} UTC")
}

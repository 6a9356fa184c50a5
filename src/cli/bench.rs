//! `pubsearch bench`: query latency percentiles and throughput against an index.

use std::io::Write;

use anyhow::{Context, Result};
use pubsearch::bench::{self, BenchOptions, BenchReport, LatencyStats, PhaseReport};

use super::args::BenchArgs;

pub fn run(args: &BenchArgs) -> Result<()> {
    let queries = bench::read_queries(&args.queries)
        .with_context(|| format!("reading queries from {}", args.queries.display()))?;
    let opened = std::time::Instant::now();
    let engine = super::open_engine(&args.location)?;
    let open_ms = opened.elapsed().as_secs_f64() * 1000.0;
    let options = BenchOptions {
        runs: args.runs,
        warmup: args.warmup,
        threads: args.threads,
        limit: args.limit,
        snippet_chars: args.snippet_chars,
    };
    let report = bench::run(&engine, &queries, &options).context("running the benchmark")?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut value = serde_json::to_value(&report)?;
        if let Some(object) = value.as_object_mut() {
            object.insert(
                "queries_file".into(),
                args.queries.display().to_string().into(),
            );
            object.insert("open_ms".into(), open_ms.into());
        }
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
        return Ok(());
    }
    print_report(&mut out, &report, args, open_ms)?;
    Ok(())
}

fn print_report(
    out: &mut impl Write,
    report: &BenchReport,
    args: &BenchArgs,
    open_ms: f64,
) -> Result<()> {
    writeln!(
        out,
        "pubsearch bench: {} queries from {} against {} ({} pages; index opened in {:.1} ms)",
        report.queries,
        args.queries.display(),
        report.index,
        report.pages,
        open_ms
    )?;
    writeln!(
        out,
        "Each query ran {} times unmeasured, then {} times measured, top {} hits, in-process and warm.",
        report.warmup, report.runs, report.limit
    )?;
    writeln!(
        out,
        "\"search\" = parse, rank, read the stored fields of the hits; \"+snippets\" adds a {}-character snippet per hit.",
        report.snippet_chars
    )?;
    writeln!(out, "Latency in ms per search (nearest-rank percentiles).")?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<12} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8} {:>10}",
        "mode", "threads", "searches", "p50", "p95", "p99", "max", "queries/s"
    )?;
    for (name, phase) in [
        ("search", &report.search_single),
        ("+snippets", &report.snippets_single),
        ("search", &report.search_parallel),
        ("+snippets", &report.snippets_parallel),
    ] {
        print_phase(out, name, phase)?;
    }
    let spread = |phase: &PhaseReport| {
        format!(
            "{:.3}–{:.3}",
            phase.pass_p50_ms.min_ms, phase.pass_p50_ms.max_ms
        )
    };
    writeln!(
        out,
        "\np50 of each of the {} passes alone, one thread: search {} ms, +snippets {} ms\n\
         (the noise between passes on this machine: a difference between two builds smaller than\n\
         this needs interleaved runs to show)",
        report.runs,
        spread(&report.search_single),
        spread(&report.snippets_single)
    )?;
    let snippet_cost = report.snippets_single.latency.p50_ms - report.search_single.latency.p50_ms;
    writeln!(
        out,
        "\nsnippets cost about {snippet_cost:.3} ms per search (difference of the single-thread medians)"
    )?;
    writeln!(out, "\nby kind of query (one thread, with snippets):")?;
    writeln!(
        out,
        "{:<14} {:>7} {:>8} {:>8} {:>8} {:>8}",
        "kind", "queries", "p50", "p95", "p99", "max"
    )?;
    for kind in &report.by_kind {
        let l: &LatencyStats = &kind.latency;
        writeln!(
            out,
            "{:<14} {:>7} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
            kind.kind, kind.queries, l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms
        )?;
    }
    for (query, error) in &report.failed {
        writeln!(out, "not timed: `{query}`: {error}")?;
    }
    Ok(())
}

fn print_phase(out: &mut impl Write, name: &str, phase: &PhaseReport) -> Result<()> {
    let l = &phase.latency;
    writeln!(
        out,
        "{:<12} {:>7} {:>8} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>10.0}",
        name,
        phase.threads,
        l.count,
        l.p50_ms,
        l.p95_ms,
        l.p99_ms,
        l.max_ms,
        phase.queries_per_second
    )?;
    Ok(())
}

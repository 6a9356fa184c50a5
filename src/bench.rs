//! The query benchmark harness behind `pubsearch bench`: latency percentiles and throughput of an
//! open [`Engine`] on a file of queries.
//!
//! In: an [`Engine`], [`BenchQuery`]s (from a `queries.tsv` or a plain list, [`read_queries`])
//! and [`BenchOptions`]. Out: a serialisable [`BenchReport`].
//!
//! Every query is first run `warmup` times (not measured), so caches are warm; then the whole list
//! is run `runs` times and each search is timed on its own. This happens in two modes: search
//! only (`snippet_chars` 0: ranking and reading the stored fields of the hits shown) and search
//! with snippets, so the cost of snippets shows as the difference. Each mode runs once on one
//! thread, giving latency, and once on a rayon pool of all cores (or `threads`), giving
//! throughput under load. Percentiles use the nearest-rank method ([`percentile`]) on the
//! individual timings.
//!
//! Limits: wall-clock timings on a shared machine are noisy; the report states what was measured
//! so a reader can judge, and nothing here passes or fails.

use std::path::Path;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::search::{Engine, SearchOptions};

/// One query to run, with its kind (a column of `queries.tsv`, or `query` for a plain list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BenchQuery {
    /// The query text.
    pub query: String,
    /// Kind of query, for per-kind figures.
    pub kind: String,
}

/// How to run a benchmark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchOptions {
    /// Measured passes over the query list.
    pub runs: usize,
    /// Unmeasured passes before.
    pub warmup: usize,
    /// Threads of the parallel phase; 0 means all cores.
    pub threads: usize,
    /// Hits per search.
    pub limit: usize,
    /// Snippet length of the with-snippets mode.
    pub snippet_chars: usize,
}

impl Default for BenchOptions {
    fn default() -> BenchOptions {
        BenchOptions {
            runs: 20,
            warmup: 3,
            threads: 0,
            limit: 10,
            snippet_chars: crate::search::DEFAULT_SNIPPET_CHARS,
        }
    }
}

/// Latency statistics of a set of timings, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LatencyStats {
    /// Number of timings.
    pub count: usize,
    /// Arithmetic mean.
    pub mean_ms: f64,
    /// Median (nearest rank).
    pub p50_ms: f64,
    /// 95th percentile.
    pub p95_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

impl LatencyStats {
    /// Statistics of `timings`; all zero when there are none.
    pub fn of(timings: &[Duration]) -> LatencyStats {
        let mut ms: Vec<f64> = timings.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        ms.sort_by(f64::total_cmp);
        if ms.is_empty() {
            return LatencyStats::default();
        }
        LatencyStats {
            count: ms.len(),
            mean_ms: ms.iter().sum::<f64>() / ms.len() as f64,
            p50_ms: percentile(&ms, 50.0),
            p95_ms: percentile(&ms, 95.0),
            p99_ms: percentile(&ms, 99.0),
            max_ms: ms.last().copied().unwrap_or(0.0),
        }
    }
}

/// The `p`th percentile (0–100) of `sorted` (ascending), by nearest rank: the smallest value
/// with at least `p`% of the values at or below it. 0 for an empty slice.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p.clamp(0.0, 100.0) / 100.0 * sorted.len() as f64).ceil();
    // `rank` is in 0..=len; rank 0 (p = 0) is the smallest value.
    let index = (rank as usize).saturating_sub(1).min(sorted.len() - 1);
    sorted[index]
}

/// One mode (search only, or with snippets) on one number of threads.
#[derive(Debug, Clone, Serialize)]
pub struct PhaseReport {
    /// Threads searching at once.
    pub threads: usize,
    /// Latency of single searches.
    pub latency: LatencyStats,
    /// Searches per second over the phase's wall-clock time.
    pub queries_per_second: f64,
    /// Wall-clock time of the phase, seconds.
    pub wall_seconds: f64,
    /// The median of each pass over the queries on its own, lowest and highest: how much the
    /// p50 moves from one pass to the next on this machine, i.e. the noise a comparison of two
    /// builds has to beat.
    pub pass_p50_ms: PassSpread,
}

/// Lowest and highest of the per-pass medians of a phase.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PassSpread {
    /// Lowest per-pass median.
    pub min_ms: f64,
    /// Highest per-pass median.
    pub max_ms: f64,
}

impl PassSpread {
    /// The spread of the medians of `timings` taken `per_pass` at a time (the last, shorter
    /// chunk counts too); all zero when there are none.
    pub fn of(timings: &[Duration], per_pass: usize) -> PassSpread {
        let medians: Vec<f64> = timings
            .chunks(per_pass.max(1))
            .map(|pass| LatencyStats::of(pass).p50_ms)
            .collect();
        PassSpread {
            min_ms: medians.iter().copied().reduce(f64::min).unwrap_or(0.0),
            max_ms: medians.iter().copied().reduce(f64::max).unwrap_or(0.0),
        }
    }
}

/// Latency of one kind of query (single thread, with snippets).
#[derive(Debug, Clone, Serialize)]
pub struct KindReport {
    /// The kind.
    pub kind: String,
    /// Queries of this kind.
    pub queries: usize,
    /// Latency of their searches.
    pub latency: LatencyStats,
}

/// What a benchmark measured.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    /// Index directory.
    pub index: String,
    /// Pages in the index.
    pub pages: u64,
    /// Distinct queries.
    pub queries: usize,
    /// Measured passes over the queries.
    pub runs: usize,
    /// Unmeasured passes before.
    pub warmup: usize,
    /// Hits per search.
    pub limit: usize,
    /// Snippet length in the with-snippets mode.
    pub snippet_chars: usize,
    /// Search only, one thread.
    pub search_single: PhaseReport,
    /// Search with snippets, one thread.
    pub snippets_single: PhaseReport,
    /// Search only, all threads.
    pub search_parallel: PhaseReport,
    /// Search with snippets, all threads.
    pub snippets_parallel: PhaseReport,
    /// Per kind of query: search with snippets, one thread.
    pub by_kind: Vec<KindReport>,
    /// Queries that failed (e.g. a query the parser rejects), with the error; not timed.
    pub failed: Vec<(String, String)>,
}

/// Reads queries from `path`: a TSV with a header naming a `query` column (and optionally
/// `kind`), like `tests/fixtures/queries.tsv`, or else one query per line. Empty lines and lines
/// starting with `#` are skipped.
///
/// # Errors
/// Fails when the file cannot be read or holds no query.
pub fn read_queries(path: &Path) -> Result<Vec<BenchQuery>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let queries = parse_queries(&text);
    if queries.is_empty() {
        return Err(Error::NoInput(format!("{} (no queries)", path.display())));
    }
    Ok(queries)
}

/// Parses the text of a query file (see [`read_queries`]).
pub fn parse_queries(text: &str) -> Vec<BenchQuery> {
    let mut lines = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .peekable();
    let header: Option<Vec<&str>> = lines
        .peek()
        .map(|first| first.split('\t').collect::<Vec<_>>())
        .filter(|cells| cells.len() > 1 && cells.contains(&"query"));
    let Some(header) = header else {
        return lines
            .map(|l| BenchQuery {
                query: l.trim().to_owned(),
                kind: "query".to_owned(),
            })
            .collect();
    };
    lines.next();
    let query_col = header.iter().position(|h| *h == "query").unwrap_or(0);
    let kind_col = header.iter().position(|h| *h == "kind");
    lines
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('\t').collect();
            let query = cells.get(query_col)?.trim();
            (!query.is_empty()).then(|| BenchQuery {
                query: query.to_owned(),
                kind: kind_col
                    .and_then(|k| cells.get(k))
                    .map_or("query", |k| k.trim())
                    .to_owned(),
            })
        })
        .collect()
}

/// Runs the benchmark of `queries` on `engine`.
///
/// # Errors
/// Fails only when the thread pool cannot be built; failing queries are listed in the report.
pub fn run(engine: &Engine, queries: &[BenchQuery], options: &BenchOptions) -> Result<BenchReport> {
    let with_snippets = SearchOptions {
        limit: options.limit,
        snippet_chars: options.snippet_chars,
        ..SearchOptions::default()
    };
    let search_only = SearchOptions {
        snippet_chars: 0,
        ..with_snippets.clone()
    };
    let mut failed = Vec::new();
    let good: Vec<&BenchQuery> = queries
        .iter()
        .filter(|q| match engine.search(&q.query, &search_only) {
            Ok(_) => true,
            Err(e) => {
                failed.push((q.query.clone(), e.to_string()));
                false
            }
        })
        .collect();
    for _ in 0..options.warmup {
        for q in &good {
            let _ = engine.search(&q.query, &with_snippets);
        }
    }
    let runs = options.runs.max(1);
    let plan: Vec<(usize, &BenchQuery)> = (0..runs)
        .flat_map(|_| good.iter().copied().enumerate())
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .build()
        .map_err(|e| Error::io("thread pool", std::io::Error::other(e)))?;

    let per_pass = good.len();
    let (search_single, _) = phase(engine, &plan, per_pass, &search_only, None);
    let (snippets_single, timings) = phase(engine, &plan, per_pass, &with_snippets, None);
    let (search_parallel, _) = phase(engine, &plan, per_pass, &search_only, Some(&pool));
    let (snippets_parallel, _) = phase(engine, &plan, per_pass, &with_snippets, Some(&pool));

    let mut kinds: Vec<String> = good.iter().map(|q| q.kind.clone()).collect();
    kinds.sort();
    kinds.dedup();
    let by_kind = kinds
        .into_iter()
        .map(|kind| {
            let of_kind: Vec<Duration> = plan
                .iter()
                .zip(&timings)
                .filter(|((_, q), _)| q.kind == kind)
                .map(|(_, t)| *t)
                .collect();
            KindReport {
                queries: good.iter().filter(|q| q.kind == kind).count(),
                latency: LatencyStats::of(&of_kind),
                kind,
            }
        })
        .collect();
    Ok(BenchReport {
        index: engine.stats().map(|s| s.path.display().to_string())?,
        pages: engine.state().total_pages(),
        queries: good.len(),
        runs,
        warmup: options.warmup,
        limit: options.limit,
        snippet_chars: options.snippet_chars,
        search_single,
        snippets_single,
        search_parallel,
        snippets_parallel,
        by_kind,
        failed,
    })
}

/// Runs every search of `plan` (passes of `per_pass` queries), on this thread or on `pool`,
/// timing each.
fn phase(
    engine: &Engine,
    plan: &[(usize, &BenchQuery)],
    per_pass: usize,
    options: &SearchOptions,
    pool: Option<&rayon::ThreadPool>,
) -> (PhaseReport, Vec<Duration>) {
    let time_one = |(_, q): &(usize, &BenchQuery)| {
        let started = Instant::now();
        let _ = std::hint::black_box(engine.search(&q.query, options));
        started.elapsed()
    };
    let started = Instant::now();
    let (timings, threads): (Vec<Duration>, usize) = match pool {
        None => (plan.iter().map(time_one).collect(), 1),
        Some(pool) => (
            pool.install(|| plan.par_iter().map(time_one).collect()),
            pool.current_num_threads(),
        ),
    };
    let wall = started.elapsed().as_secs_f64();
    let report = PhaseReport {
        threads,
        latency: LatencyStats::of(&timings),
        queries_per_second: if wall > 0.0 {
            timings.len() as f64 / wall
        } else {
            0.0
        },
        wall_seconds: wall,
        pass_p50_ms: PassSpread::of(&timings, per_pass),
    };
    (report, timings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles_of_one_to_a_hundred() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), 50.0);
        assert_eq!(percentile(&values, 95.0), 95.0);
        assert_eq!(percentile(&values, 99.0), 99.0);
        assert_eq!(percentile(&values, 100.0), 100.0);
        assert_eq!(percentile(&values, 0.0), 1.0);
    }

    #[test]
    fn percentiles_of_few_values_are_values_of_the_set() {
        let values = [1.0, 2.0, 3.0, 10.0];
        assert_eq!(percentile(&values, 50.0), 2.0);
        assert_eq!(percentile(&values, 75.0), 3.0);
        assert_eq!(percentile(&values, 99.0), 10.0);
        assert_eq!(percentile(&[], 50.0), 0.0);
        assert_eq!(percentile(&[7.0], 1.0), 7.0);
    }

    #[test]
    fn the_pass_spread_is_the_range_of_the_per_pass_medians() {
        let ms =
            |v: &[u64]| -> Vec<Duration> { v.iter().map(|&m| Duration::from_millis(m)).collect() };
        // Three passes of three: medians 2, 5 and 9.
        let spread = PassSpread::of(&ms(&[1, 2, 3, 6, 5, 4, 9, 9, 1]), 3);
        assert_eq!(
            spread,
            PassSpread {
                min_ms: 2.0,
                max_ms: 9.0
            }
        );
        assert_eq!(PassSpread::of(&[], 3), PassSpread::default());
        // One pass: the spread is that pass's median alone.
        let one = PassSpread::of(&ms(&[4, 1, 7]), 3);
        assert_eq!(
            one,
            PassSpread {
                min_ms: 4.0,
                max_ms: 4.0
            }
        );
    }

    #[test]
    fn stats_sort_their_timings() {
        let timings: Vec<Duration> = [5, 1, 4, 2, 3]
            .iter()
            .map(|&ms| Duration::from_millis(ms))
            .collect();
        let stats = LatencyStats::of(&timings);
        assert_eq!(stats.count, 5);
        assert!((stats.mean_ms - 3.0).abs() < 1e-9);
        assert!((stats.p50_ms - 3.0).abs() < 1e-9);
        assert!((stats.max_ms - 5.0).abs() < 1e-9);
        assert_eq!(LatencyStats::of(&[]), LatencyStats::default());
    }

    #[test]
    fn query_files_may_be_tsv_with_kinds_or_plain_lines() {
        let tsv = "query\tkind\tdoc\nmentortræf\tsingle\ta\n\"af ekstremisme\"\tphrase\tb\n";
        let queries = parse_queries(tsv);
        assert_eq!(queries.len(), 2);
        assert_eq!(queries[1].query, "\"af ekstremisme\"");
        assert_eq!(queries[1].kind, "phrase");
        let plain = parse_queries("# comment\nrådgivning\n\nexit AND familie\n");
        assert_eq!(
            plain,
            [
                BenchQuery {
                    query: "rådgivning".into(),
                    kind: "query".into()
                },
                BenchQuery {
                    query: "exit AND familie".into(),
                    kind: "query".into()
                },
            ]
        );
    }
}

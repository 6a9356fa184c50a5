//! Command-line arguments, as typed values (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Full-text search over Danish PDF publications.
///
/// Index a folder of PDFs once (`pubsearch index`), then search it. With no `--index`, the
/// index lives in `index/` and is built (or refreshed) from `corpus/` on first use.
#[derive(Debug, Parser)]
#[command(name = "pubsearch", version, about, long_about = None, after_help = QUERY_HELP)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Query syntax, shown under `--help`.
pub const QUERY_HELP: &str = "\
Query syntax:
  handlingsplaner forebyggelse   pages with all the words first, then most of them
  \"af ekstremisme\"               a phrase (inflections and æøå folding allowed)
  raadgivning, radgivning        æ/ø/å may be typed as ae/oe/aa or a/o
  a AND b, +a   a OR b   NOT a, -a   ( … )
  year:2019  doc:aarsrapport-2018  kind:evaluering   filters

Examples:
  pubsearch search \"handlingsplaner for forebyggelse\"
  pubsearch search mentortræf --year 2019 --json | jq '.hits[0]'
  pubsearch index ~/Downloads/rapporter --index ~/rapport-index";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index the PDFs under the given files or folders (default: corpus/).
    Index(IndexArgs),
    /// Search the index; prints the best pages with snippets.
    Search(SearchArgs),
    /// Print the text of a PDF, pages separated by form feeds (like `pdftotext FILE -`).
    Extract(ExtractArgs),
    /// Print the full text of one page of an indexed document.
    Show(ShowArgs),
    /// Print documents, pages, size on disk and build time of the index.
    Stats(StatsArgs),
    /// Show how pubsearch analyses Danish text: the terms each word becomes.
    Analyze(AnalyzeArgs),
    /// Print a ready citation of a page: publisher, year, title, printed page.
    Cite(CiteArgs),
    /// Export the index for another search engine (OpenSearch mapping and _bulk NDJSON).
    Export(ExportArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one per subcommand into a folder.
    Man(ManArgs),
    /// Measure query latency (p50/p95/p99/max) and queries per second on an index.
    Bench(BenchArgs),
    /// Write a scale corpus: realistic Danish PDFs made from the sentences of a real corpus.
    GenCorpus(GenCorpusArgs),
}

/// Where the index is, and which corpus builds it by default.
#[derive(Debug, Clone, Args)]
pub struct IndexLocation {
    /// Index directory [default: index/, built from corpus/ on first use].
    #[arg(long, value_name = "DIR")]
    pub index: Option<PathBuf>,
}

/// `pubsearch index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// PDF files or folders to index (searched recursively).
    #[arg(value_name = "PATH", default_value = "corpus")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Rebuild everything instead of updating what changed.
    #[arg(long)]
    pub full: bool,
    /// Read pages without a text layer (scans) with tesseract OCR (needs `apt-get install
    /// tesseract-ocr tesseract-ocr-dan`; poppler-utils for pages that are not one image).
    #[arg(long)]
    pub ocr: bool,
    /// Threads for extraction and indexing (0: all cores). A run writing fewer than 1,000
    /// pages indexes them on one thread, which keeps equally-scored pages in one order.
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// Merge no segments in this run: after a first build or --full, keep one segment per
    /// writer thread instead of merging them into one (the build ends sooner on several cores,
    /// as the merge runs on one), and after an update leave its segment alone. Searches take a
    /// few per cent longer per extra segment.
    #[arg(long)]
    pub no_merge: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `pubsearch search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query (see "Query syntax" in `pubsearch --help`).
    pub query: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Most hits to show.
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Only pages of this year.
    #[arg(long, value_name = "YEAR")]
    pub year: Option<u32>,
    /// Only pages of this document (its file name without .pdf).
    #[arg(long, value_name = "STEM")]
    pub doc: Option<String>,
    /// Only pages of this kind of publication.
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// Snippet length in characters.
    #[arg(long, default_value_t = pubsearch::search::DEFAULT_SNIPPET_CHARS, value_name = "N")]
    pub snippet_chars: usize,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Add a ready citation of each page (in JSON: a `citation` object per hit).
    #[arg(long)]
    pub cite: bool,
    /// When to colour highlights.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

/// `pubsearch extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The PDF file.
    pub file: PathBuf,
}

/// `pubsearch show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Document id: the PDF's file name without .pdf (as shown in search results).
    pub doc: String,
    /// 1-based page number.
    #[arg(long, short = 'p', value_name = "N")]
    pub page: u32,
    #[command(flatten)]
    pub location: IndexLocation,
}

/// `pubsearch stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `pubsearch analyze`.
#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Danish text to analyse.
    pub text: String,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `pubsearch bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Queries: a TSV with a `query` (and `kind`) column, or one query per line.
    #[arg(
        long,
        value_name = "FILE",
        default_value = "tests/fixtures/queries.tsv"
    )]
    pub queries: PathBuf,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Measured passes over the queries.
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub runs: usize,
    /// Unmeasured passes first, to warm caches.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub warmup: usize,
    /// Threads of the parallel phase (0: all cores).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
    /// Hits per search.
    #[arg(long, short = 'n', default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Snippet length in characters, for the with-snippets mode.
    #[arg(long, default_value_t = pubsearch::search::DEFAULT_SNIPPET_CHARS, value_name = "N")]
    pub snippet_chars: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `pubsearch gen-corpus`.
#[derive(Debug, Args)]
pub struct GenCorpusArgs {
    /// Pages to generate.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    pub pages: usize,
    /// Output folder (its earlier gen-*.pdf files are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// PDFs or folders whose sentences are recombined.
    #[arg(long, value_name = "PATH", default_value = "corpus")]
    pub source: Vec<PathBuf>,
    /// Pages per PDF file.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub pages_per_doc: usize,
    /// Seed of the random choices (same seed, same corpus).
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub seed: u64,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// `pubsearch cite`.
#[derive(Debug, Args)]
pub struct CiteArgs {
    /// Document id: the PDF's file name without .pdf (as shown in search results).
    pub doc: String,
    /// 1-based physical page number (as in search results and `show`).
    #[arg(long, short = 'p', value_name = "N")]
    pub page: u32,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `pubsearch export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Opensearch, value_name = "FORMAT")]
    pub format: ExportFormat,
    #[command(flatten)]
    pub location: IndexLocation,
    /// Folder to write into.
    #[arg(long, default_value = "opensearch-export", value_name = "DIR")]
    pub out: PathBuf,
    /// Name of the OpenSearch index the bulk actions write to.
    #[arg(long, default_value = pubsearch::export::opensearch::DEFAULT_INDEX_NAME, value_name = "NAME")]
    pub index_name: String,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// OpenSearch / Elasticsearch: `mapping.json` and `bulk.ndjson`.
    Opensearch,
}

/// `pubsearch completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `pubsearch man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `pubsearch.1` and `pubsearch-<subcommand>.1` into this folder instead of printing
    /// the main page.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

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
    /// Threads for extraction and indexing (0: all cores).
    #[arg(long, default_value_t = 0, value_name = "N")]
    pub threads: usize,
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

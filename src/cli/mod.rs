//! The command-line interface: parse arguments, run one subcommand, print.
//!
//! Each subcommand has its own file; all of them go through the library's public API only.
//! Errors are `anyhow` here, with context naming the user's step; `main` prints them on one line.

mod analyze;
mod args;
mod bench;
mod cite;
mod completions;
mod export;
mod extract;
mod gen_corpus;
mod index;
mod man;
mod output;
mod search;
mod show;
mod stats;

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Parser;

use args::{Cli, Command, IndexLocation};

/// Default index directory.
pub const DEFAULT_INDEX: &str = "index";
/// Default corpus directory.
pub const DEFAULT_CORPUS: &str = "corpus";

/// Parses the command line and runs it.
pub fn run() -> Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Index(args) => index::run(&args),
        Command::Search(args) => search::run(&args),
        Command::Extract(args) => extract::run(&args),
        Command::Show(args) => show::run(&args),
        Command::Stats(args) => stats::run(&args),
        Command::Analyze(args) => analyze::run(&args),
        Command::Cite(args) => cite::run(&args),
        Command::Export(args) => export::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
        Command::Bench(args) => bench::run(&args),
        Command::GenCorpus(args) => gen_corpus::run(&args),
    }
}

/// Opens the index `location` names. Without `--index`, uses `index/` and first builds or
/// refreshes it from `corpus/` when that is missing or has changed.
fn open_engine(location: &IndexLocation) -> Result<pubsearch::Engine> {
    let dir = match &location.index {
        Some(dir) => dir.clone(),
        None => {
            let dir = PathBuf::from(DEFAULT_INDEX);
            let corpus = PathBuf::from(DEFAULT_CORPUS);
            if corpus.is_dir() && refresh_needed(&dir, &corpus) {
                index::build_quietly(&dir, &[corpus])?;
            }
            dir
        }
    };
    Ok(pubsearch::Engine::open(&dir)?)
}

fn refresh_needed(dir: &Path, corpus: &Path) -> bool {
    // An unreadable or outdated index is rebuilt by the index step, which says why.
    pubsearch::index::needs_update(dir, &[corpus.to_path_buf()]).unwrap_or(true)
}

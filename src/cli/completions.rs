//! `pubsearch completions SHELL`: a completion script generated from the argument definitions.

use anyhow::Result;
use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs};

pub fn run(args: &CompletionsArgs) -> Result<()> {
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "pubsearch", &mut out);
    Ok(())
}

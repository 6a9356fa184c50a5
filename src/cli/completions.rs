//! `pubsearch completions SHELL`: a completion script generated from the argument definitions.

use std::io::Write;

use anyhow::Result;
use clap::CommandFactory;

use super::args::{Cli, CompletionsArgs};

pub fn run(args: &CompletionsArgs) -> Result<()> {
    let mut command = Cli::command();
    // Generated into memory first: clap_complete panics on a write error, and a closed pipe
    // (`pubsearch completions bash | head`) must end quietly instead.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "pubsearch", &mut script);
    let mut out = std::io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}

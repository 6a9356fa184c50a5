//! `pubsearch man`: the man page in roff, generated from the argument definitions.

use std::io::Write;

use anyhow::{Context, Result};
use clap::CommandFactory;

use super::args::{Cli, ManArgs};

pub fn run(args: &ManArgs) -> Result<()> {
    let command = Cli::command();
    match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            clap_mangen::generate_to(command, dir)
                .with_context(|| format!("writing man pages into {}", dir.display()))?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "wrote man pages into {}", dir.display())?;
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command).render(&mut page)?;
            let mut out = std::io::stdout().lock();
            out.write_all(&page)?;
            out.flush()?;
        }
    }
    Ok(())
}

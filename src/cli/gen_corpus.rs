//! `pubsearch gen-corpus`: write a scale corpus of realistic Danish PDFs.

use std::io::Write;

use anyhow::{Context, Result};
use pubsearch::corpus_gen::{self, GenOptions};

use super::args::GenCorpusArgs;

pub fn run(args: &GenCorpusArgs) -> Result<()> {
    let options = GenOptions {
        pages: args.pages,
        pages_per_doc: args.pages_per_doc,
        seed: args.seed,
    };
    let report = corpus_gen::generate(&args.source, &args.out, &options)
        .with_context(|| format!("generating a corpus in {}", args.out.display()))?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "wrote {} pages in {} PDF files ({:.1} MB) to {} in {:.1} s, from {} source sentences",
        report.pages,
        report.files,
        report.bytes as f64 / 1e6,
        report.out.display(),
        report.elapsed.as_secs_f64(),
        report.sentences
    )?;
    Ok(())
}

//! `pubsearch index`: build or update an index, with a progress bar and a summary.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use pubsearch::index::{IndexOptions, IndexReport, Progress, build_index, open_existing};

use super::DEFAULT_INDEX;
use super::args::IndexArgs;

pub fn run(args: &IndexArgs) -> Result<()> {
    let dir = args
        .location
        .index
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_INDEX));
    let options = IndexOptions {
        threads: args.threads,
        full: args.full,
        ocr: args.ocr,
        merge: !args.no_merge,
        ..IndexOptions::default()
    };
    let report = build_with_progress(&dir, &args.paths, &options)
        .with_context(|| format!("indexing into {}", dir.display()))?;
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &report)?;
        writeln!(stdout)?;
    } else {
        print_summary(&mut stdout, &report, &dir, args.ocr)?;
    }
    for skipped in &report.skipped {
        eprintln!(
            "pubsearch: skipped {}: {}",
            skipped.path.display(),
            skipped.reason
        );
    }
    Ok(())
}

/// Builds the default index before a search, telling the user on stderr.
pub fn build_quietly(dir: &Path, corpus: &[PathBuf]) -> Result<()> {
    let first = !matches!(open_existing(dir), Ok(Some(_)));
    eprintln!(
        "pubsearch: {} in {}/ from {} …",
        if first {
            "building the index"
        } else {
            "updating the index"
        },
        dir.display(),
        corpus
            .iter()
            .map(|p| format!("{}/", p.display()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let options = IndexOptions {
        full: !first && open_existing(dir).is_err(),
        ..IndexOptions::default()
    };
    let report = build_with_progress(dir, corpus, &options)
        .with_context(|| format!("building the index {}", dir.display()))?;
    eprintln!(
        "pubsearch: indexed {} files ({} pages) in {:.1} s",
        report.files_indexed,
        report.pages_indexed,
        report.elapsed.as_secs_f64()
    );
    for skipped in &report.skipped {
        eprintln!(
            "pubsearch: skipped {}: {}",
            skipped.path.display(),
            skipped.reason
        );
    }
    Ok(())
}

fn build_with_progress(
    dir: &Path,
    paths: &[PathBuf],
    options: &IndexOptions,
) -> Result<IndexReport> {
    let bar: Mutex<Option<ProgressBar>> = Mutex::new(None);
    let terminal = std::io::stderr().is_terminal();
    let progress = |event: Progress<'_>| {
        if !terminal {
            return;
        }
        let Ok(mut bar) = bar.lock() else { return };
        match event {
            Progress::Extracting { files } if files > 0 => {
                let new = ProgressBar::new(files as u64);
                if let Ok(style) = ProgressStyle::with_template(
                    "{spinner} extracting {pos}/{len} PDFs [{bar:30}] {msg}",
                ) {
                    new.set_style(style.progress_chars("=> "));
                }
                *bar = Some(new);
            }
            Progress::Extracted { path } => {
                if let Some(bar) = bar.as_ref() {
                    bar.set_message(
                        path.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                    );
                    bar.inc(1);
                }
            }
            Progress::Writing { pages } => {
                if let Some(bar) = bar.take() {
                    bar.finish_and_clear();
                }
                if pages > 0 {
                    eprintln!("pubsearch: writing {pages} pages …");
                }
            }
            Progress::Extracting { .. } => {}
        }
    };
    let result = build_index(dir, paths, options, &progress);
    if let Ok(mut bar) = bar.lock()
        && let Some(bar) = bar.take()
    {
        bar.finish_and_clear();
    }
    Ok(result?)
}

fn print_summary(out: &mut impl Write, report: &IndexReport, dir: &Path, ocr: bool) -> Result<()> {
    writeln!(
        out,
        "indexed {} of {} PDF files ({} pages) into {} in {:.2} s: {} unchanged, {} removed, {} skipped",
        report.files_indexed,
        report.files_found,
        report.pages_indexed,
        dir.display(),
        report.elapsed.as_secs_f64(),
        report.files_unchanged,
        report.files_removed,
        report.skipped.len(),
    )?;
    writeln!(
        out,
        "the index holds {} pages in {} segment{}",
        report.pages_total,
        report.segments,
        if report.segments == 1 { "" } else { "s" }
    )?;
    for partial in &report.partial {
        let pages: Vec<String> = partial
            .failed_pages
            .iter()
            .map(|p| format!("{} ({})", p.number, p.reason))
            .collect();
        writeln!(
            out,
            "partly indexed {}: pages {} could not be read",
            partial.path.display(),
            pages.join(", ")
        )?;
    }
    if !report.pages_without_text.is_empty() {
        let count: usize = report
            .pages_without_text
            .iter()
            .map(|(_, pages)| pages.len())
            .sum();
        writeln!(out, "{count} pages have no text layer (scanned?):")?;
        for (path, pages) in &report.pages_without_text {
            let list: Vec<String> = pages.iter().map(u32::to_string).collect();
            writeln!(out, "  {}: pages {}", path.display(), list.join(", "))?;
        }
        if !ocr {
            writeln!(out, "  (index with --ocr to read them with tesseract)")?;
        }
    }
    if !report.ocr_pages.is_empty() {
        let count: usize = report.ocr_pages.iter().map(|(_, pages)| pages.len()).sum();
        writeln!(out, "{count} pages read by OCR:")?;
        for (path, pages) in &report.ocr_pages {
            let list: Vec<String> = pages.iter().map(u32::to_string).collect();
            writeln!(out, "  {}: pages {}", path.display(), list.join(", "))?;
        }
    }
    for failed in &report.ocr_failed {
        let pages: Vec<String> = failed
            .failed_pages
            .iter()
            .map(|p| format!("{} ({})", p.number, p.reason))
            .collect();
        writeln!(
            out,
            "OCR failed on {}: pages {}",
            failed.path.display(),
            pages.join(", ")
        )?;
    }
    Ok(())
}

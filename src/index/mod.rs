//! The index: a tantivy index of PDF pages, with the state that makes updates incremental.
//!
//! In: PDF files. Out: an index directory holding the tantivy segments, the compound lexicon the
//! pages were analysed with (`lexicon.tsv`), and, in the commit payload, the [`IndexState`]
//! (analyzer version, and hash, size and modification time of every indexed file).
//!
//! - [`schema`]: one tantivy document per page, text indexed three ways;
//! - [`metadata`]: title, year and kind from `manifest.json` or the PDF's info dictionary;
//! - [`build`]: [`build_index`], the parallel, incremental writer;
//! - `plan`: which files a run extracts, adds and removes ([`collect_pdfs`] lists the PDFs);
//! - `spill`: the file holding extracted pages between the two passes ([`SPILL_FILE`]);
//! - [`state`]: [`IndexState`], saved atomically with each commit.
//!
//! Every reader opens an index through [`open_existing`] (the search module's `Engine::open`
//! calls it), which checks the analyzer version and registers the analyzers with the index's own
//! lexicon: tantivy does not store custom tokenizers, and a mismatch would silently mis-match.

pub mod build;
pub mod metadata;
mod plan;
pub mod schema;
mod spill;
pub mod state;

use std::path::Path;
use std::time::UNIX_EPOCH;

use tantivy::Index;

pub use build::{IndexOptions, IndexReport, PartialFile, Progress, SkippedFile, build_index};
pub use metadata::DocMeta;
pub use plan::collect_pdfs;
pub use schema::Fields;
pub use spill::SPILL_FILE;
pub use state::{FileState, IndexState};

use crate::analysis::{self, Analyzer, Lexicon};
use crate::error::{Error, Result};

/// File in the index directory holding the compound lexicon.
pub const LEXICON_FILE: &str = "lexicon.tsv";
/// Lock file held while an index run writes.
pub const LOCK_FILE: &str = "pubsearch.lock";

/// Opens the index in `index_dir`, if there is one, with its state.
///
/// Returns `Ok(None)` when the directory holds no index yet.
///
/// # Errors
/// [`Error::AnalyzerVersion`] when it was built by another analysis version,
/// [`Error::CorruptIndex`] when it cannot be read.
pub fn open_existing(index_dir: &Path) -> Result<Option<(Index, IndexState)>> {
    if !index_dir.join("meta.json").exists() {
        return Ok(None);
    }
    let corrupt = |reason: String| Error::CorruptIndex {
        path: index_dir.to_path_buf(),
        reason,
    };
    let index = Index::open_in_dir(index_dir).map_err(|e| corrupt(e.to_string()))?;
    let metas = index.load_metas().map_err(|e| corrupt(e.to_string()))?;
    let state = match metas.payload.as_deref() {
        Some(payload) => {
            IndexState::from_payload(payload).map_err(|e| corrupt(format!("bad state: {e}")))?
        }
        None => return Err(corrupt("no pubsearch state in the index".into())),
    };
    if state.analyzer_version != analysis::ANALYZER_VERSION {
        return Err(Error::AnalyzerVersion {
            path: index_dir.to_path_buf(),
            found: state.analyzer_version,
            expected: analysis::ANALYZER_VERSION,
        });
    }
    schema::fields_of(&index.schema()).map_err(|e| corrupt(e.to_string()))?;
    // Tantivy opens segment files lazily: a deleted or truncated one would only surface as an
    // opaque error at the first search or write. Opening each segment here names the remedy.
    for segment in index
        .searchable_segments()
        .map_err(|e| corrupt(e.to_string()))?
    {
        tantivy::SegmentReader::open(&segment).map_err(|e| corrupt(e.to_string()))?;
    }
    Ok(Some((index, state)))
}

/// The analyzer of the index in `index_dir`: its saved lexicon, or the seed lexicon.
pub fn analyzer_for(index_dir: &Path) -> Analyzer {
    Analyzer::new(Lexicon::load(&index_dir.join(LEXICON_FILE)).unwrap_or_else(|_| Lexicon::seed()))
}

/// Whether the index in `index_dir` is missing or differs from the PDFs under `inputs` (a file
/// added, removed, or with another size or modification time). Reads no PDF.
///
/// # Errors
/// Fails when the inputs cannot be listed, or the index cannot be opened.
pub fn needs_update(index_dir: &Path, inputs: &[std::path::PathBuf]) -> Result<bool> {
    let Some((_, state)) = open_existing(index_dir)? else {
        return Ok(true);
    };
    let files = collect_pdfs(inputs)?;
    if files.len() != state.files.len() + state.failed.len() {
        return Ok(true);
    }
    for file in &files {
        let key = file.to_string_lossy();
        let (size, old_mtime_ns) = match (state.files.get(&*key), state.failed.get(&*key)) {
            (Some(old), _) => (old.size, old.mtime_ns),
            (None, Some(failed)) => (failed.size, failed.mtime_ns),
            (None, None) => return Ok(true),
        };
        let metadata = std::fs::metadata(file).map_err(|e| Error::io(file, e))?;
        let mtime_ns = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        if metadata.len() != size || mtime_ns != old_mtime_ns {
            return Ok(true);
        }
    }
    Ok(false)
}

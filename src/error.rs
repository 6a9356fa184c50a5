//! The library's error type: every module's error, wrapped, with the file or index it concerns.

use std::path::PathBuf;

use crate::extract::ExtractError;

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Anything that can go wrong in pubsearch.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A PDF could not be read.
    #[error("{}: {source}", path.display())]
    Extract {
        /// The PDF.
        path: PathBuf,
        /// Why it could not be read.
        source: ExtractError,
    },
    /// There is no index where one was expected.
    #[error("no index at {}: run `pubsearch index` first", .0.display())]
    NoIndex(PathBuf),
    /// The index was built by another version of the analysis rules.
    #[error(
        "the index at {} was built with analyzer version {found}, this pubsearch uses version {expected}: re-index with `pubsearch index --full`",
        path.display()
    )]
    AnalyzerVersion {
        /// The index directory.
        path: PathBuf,
        /// Version stored in the index.
        found: u32,
        /// Version of this build.
        expected: u32,
    },
    /// The index is damaged or unreadable.
    #[error("the index at {} cannot be opened ({reason}): rebuild it with `pubsearch index --full`", path.display())]
    CorruptIndex {
        /// The index directory.
        path: PathBuf,
        /// What tantivy or the state file said.
        reason: String,
    },
    /// Another process is writing the index.
    #[error("the index at {} is locked by another `pubsearch index` run: wait for it to finish", .0.display())]
    IndexLocked(PathBuf),
    /// No PDF was found under the given paths.
    #[error("no PDF files found under {0}")]
    NoInput(String),
    /// Every input file failed, so no index was built.
    #[error("none of the {0} PDF files could be indexed ({1})")]
    NothingIndexed(usize, String),
    /// The query could not be understood.
    #[error("invalid query: {0}")]
    Query(#[from] crate::search::QueryError),
    /// A document or page asked for is not in the index.
    #[error("{0}")]
    NotFound(String),
    /// A `manifest.json` beside the PDFs could not be parsed.
    #[error("{}: invalid manifest ({reason})", path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// What was wrong.
        reason: String,
    },
    /// OCR was asked for but cannot run here.
    #[error(transparent)]
    Ocr(#[from] crate::ocr::OcrError),
    /// Tantivy reported an error.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// A file or directory could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

impl Error {
    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

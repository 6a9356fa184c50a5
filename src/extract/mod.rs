//! PDF → text, a page at a time.
//!
//! In: the bytes of a PDF file. Out: an [`ExtractedPdf`] holding one [`Page`] per page
//! (1-based numbers, so a hit can cite its page), the document information dictionary, and
//! a record of pages that could not be read.
//!
//! (Skeleton: the real extractor lands with the extraction work.)

use std::path::Path;

/// Text of one page of a PDF.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Page {
    /// 1-based physical page number.
    pub number: u32,
    /// Printed page label from `/PageLabels` (e.g. `xii`, `3`), when the PDF has one.
    pub label: Option<String>,
    /// Clean text of the page: NFC, ligatures expanded, line-end hyphens re-joined.
    pub text: String,
}

/// Entries of the PDF's document information dictionary, decoded to Unicode.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PdfInfo {
    /// `/Title`.
    pub title: Option<String>,
    /// `/Author`.
    pub author: Option<String>,
    /// `/Subject`.
    pub subject: Option<String>,
    /// `/Producer`.
    pub producer: Option<String>,
    /// `/Creator`.
    pub creator: Option<String>,
    /// Year of `/CreationDate`, when it parses.
    pub creation_year: Option<i32>,
}

/// A page that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PageFailure {
    /// 1-based page number.
    pub number: u32,
    /// Why the page failed, lower-case, no trailing period.
    pub reason: String,
}

/// Everything extracted from one PDF.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ExtractedPdf {
    /// One entry per page, in order, including pages without text.
    pub pages: Vec<Page>,
    /// The document information dictionary.
    pub info: PdfInfo,
    /// Pages whose content could not be read (their text is empty in `pages`).
    pub failed_pages: Vec<PageFailure>,
}

/// Why a PDF could not be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The bytes do not start a PDF (no `%PDF-` header near the start).
    #[error("not a PDF ({0})")]
    NotPdf(String),
    /// The file is encrypted and the empty user password does not open it.
    #[error("encrypted, password required")]
    Encrypted,
    /// The file is damaged beyond what the reader recovers.
    #[error("damaged PDF: {0}")]
    Malformed(String),
    /// A resource limit (bytes, operators, depth, time) stopped the extraction.
    #[error("limit exceeded: {0}")]
    LimitExceeded(String),
    /// Reading the file failed.
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
}

/// Extracts every page of the PDF at `path`.
///
/// # Errors
/// See [`ExtractError`]: unreadable file, not a PDF, encrypted, damaged beyond repair.
pub fn extract_file(path: &Path) -> Result<ExtractedPdf, ExtractError> {
    let bytes = std::fs::read(path)?;
    extract_bytes(&bytes)
}

/// Extracts every page of a PDF held in memory.
///
/// # Errors
/// See [`ExtractError`].
pub fn extract_bytes(bytes: &[u8]) -> Result<ExtractedPdf, ExtractError> {
    if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(ExtractError::NotPdf(format!("{} bytes", bytes.len())));
    }
    let doc = lopdf::Document::load_mem(bytes).map_err(|e| ExtractError::Malformed(e.to_string()))?;
    let mut pages = Vec::new();
    for (number, _id) in doc.get_pages() {
        let text = doc.extract_text(&[number]).unwrap_or_default();
        pages.push(Page { number, label: None, text });
    }
    Ok(ExtractedPdf { pages, ..Default::default() })
}

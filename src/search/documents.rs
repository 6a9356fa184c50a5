//! Reading an index by document rather than by query: metadata of a document, and all its
//! pages in order.
//!
//! In: a document id (file stem, or the path as indexed). Out: [`DocumentInfo`] (what the index
//! stored about the file: title, year, kind, publisher, content hash, pages without text, pages
//! read by OCR) and [`StoredPage`]s. Citations ([`crate::export::cite`]) and exports
//! ([`crate::export::opensearch`]) are built on these.
//!
//! Design decision: file-level facts (hash, page count, OCR pages) come from the commit's
//! [`crate::index::IndexState`]; kind and publisher are stored on every page document and are
//! read from the document's first page, so no schema change was needed for them.

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, TantivyDocument, Term};

use super::{Engine, filters, text_of};
use crate::error::{Error, Result};
use crate::index::FileState;

/// What the index knows about one document (one PDF file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentInfo {
    /// Document id: the PDF's file stem.
    pub doc: String,
    /// Path of the PDF as indexed (also the key of the file in the index).
    pub path: String,
    /// Title.
    pub title: String,
    /// Year of publication, when known.
    pub year: Option<u32>,
    /// Kind of publication, when known.
    pub kind: String,
    /// Publisher (or author), when known.
    pub publisher: String,
    /// Number of pages.
    pub pages: u32,
    /// SHA-256 of the file, hex.
    pub content_hash: String,
    /// Pages without a text layer that OCR did not fill.
    pub pages_without_text: Vec<u32>,
    /// Pages whose text comes from OCR.
    pub ocr_pages: Vec<u32>,
}

/// One page as stored in the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredPage {
    /// 1-based physical page number.
    pub page: u32,
    /// Printed page label, when the PDF has one.
    pub page_label: Option<String>,
    /// Whether the text comes from OCR.
    pub ocr: bool,
    /// The page text.
    pub text: String,
}

impl Engine {
    /// Metadata of document `doc`: a file stem as shown in results (the first file with that
    /// stem, when several folders hold one), or the file's path as indexed. A stem may be typed
    /// in another case or with æøå spelled out, as in a `doc:` filter, when that leaves one
    /// document.
    ///
    /// # Errors
    /// [`Error::NotFound`] when the index holds no such document (naming those it has that
    /// come close); [`Error::Tantivy`] when its pages cannot be read.
    pub fn document(&self, doc: &str) -> Result<DocumentInfo> {
        let (path, file) = self.file_of(doc)?;
        self.document_info(path, file)
    }

    /// The path and state of document `doc`, found as [`Engine::document`] finds it.
    pub(crate) fn file_of(&self, doc: &str) -> Result<(&str, &FileState)> {
        let state = &self.inner.state;
        let key = filters::key_of(doc);
        let found = state
            .files
            .get_key_value(doc)
            .or_else(|| state.files.iter().find(|(_, f)| f.doc == doc))
            .or_else(|| {
                let mut same = state
                    .files
                    .iter()
                    .filter(|(_, f)| filters::key_of(&f.doc) == key);
                match (same.next(), same.next()) {
                    (Some(only), None) => Some(only),
                    _ => None,
                }
            });
        if let Some((path, file)) = found {
            return Ok((path.as_str(), file));
        }
        let mut known: Vec<String> = state.files.values().map(|f| f.doc.clone()).collect();
        known.sort_unstable();
        known.dedup();
        let close = filters::close_values(&known, &key);
        let (label, listed) = if close.is_empty() {
            ("known", known)
        } else {
            ("did you mean", close)
        };
        Err(Error::NotFound(format!(
            "no document `{doc}` in the index ({label}: {})",
            listed.join(", ")
        )))
    }

    /// Metadata of every document of the index, in path order.
    ///
    /// # Errors
    /// [`Error::Tantivy`] when the index cannot be read.
    pub fn documents(&self) -> Result<Vec<DocumentInfo>> {
        self.inner
            .state
            .files
            .iter()
            .map(|(key, file)| self.document_info(key, file))
            .collect()
    }

    /// Every page of `document`, in page order.
    ///
    /// # Errors
    /// [`Error::Tantivy`] when the index cannot be read.
    pub fn pages_of(&self, document: &DocumentInfo) -> Result<Vec<StoredPage>> {
        let fields = &self.inner.fields;
        let searcher = self.inner.reader.searcher();
        let mut pages = Vec::with_capacity(document.pages as usize);
        for address in self.page_addresses(&document.path, document.pages as usize + 1)? {
            let stored: TantivyDocument = searcher.doc(address)?;
            let page = stored
                .get_first(fields.page)
                .and_then(|v| v.as_u64())
                .and_then(|p| u32::try_from(p).ok())
                .unwrap_or(0);
            pages.push(StoredPage {
                page,
                page_label: stored
                    .get_first(fields.page_label)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned),
                ocr: document.ocr_pages.contains(&page),
                text: text_of(&stored, fields.text).to_owned(),
            });
        }
        pages.sort_by_key(|p| p.page);
        Ok(pages)
    }

    /// Whether page `page` of the file indexed under `key` was read by OCR.
    pub(crate) fn is_ocr_page(&self, key: &str, page: u32) -> bool {
        self.inner
            .state
            .files
            .get(key)
            .is_some_and(|f| f.ocr_pages.contains(&page))
    }

    fn document_info(&self, key: &str, file: &FileState) -> Result<DocumentInfo> {
        let fields = &self.inner.fields;
        let searcher = self.inner.reader.searcher();
        let any_page: Option<TantivyDocument> = match self.page_addresses(key, 1)?.first() {
            Some(address) => Some(searcher.doc(*address)?),
            None => None,
        };
        // Kind and publisher are the same on every page of a file.
        let stored = |field| {
            any_page
                .as_ref()
                .map(|d| text_of(d, field).to_owned())
                .unwrap_or_default()
        };
        Ok(DocumentInfo {
            doc: file.doc.clone(),
            path: key.to_owned(),
            title: file.title.clone(),
            year: file.year,
            kind: stored(fields.kind),
            publisher: stored(fields.publisher),
            pages: file.pages,
            content_hash: file.hash.clone(),
            pages_without_text: file.pages_without_text.clone(),
            ocr_pages: file.ocr_pages.clone(),
        })
    }

    /// Addresses of up to `limit` page documents of the file indexed under `key`.
    fn page_addresses(&self, key: &str, limit: usize) -> Result<Vec<DocAddress>> {
        let query = TermQuery::new(
            Term::from_field_text(self.inner.fields.key, key),
            IndexRecordOption::Basic,
        );
        let top: Vec<(f32, DocAddress)> = self
            .inner
            .reader
            .searcher()
            .search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;
        Ok(top.into_iter().map(|(_, address)| address).collect())
    }
}

//! What the index knows about the files it holds, saved atomically with each commit.
//!
//! The [`IndexState`] travels as the payload of the tantivy commit, so the list of indexed files
//! and the pages in the segments can never disagree: a run killed before its commit leaves the
//! previous state and the previous segments, together. Each [`FileState`] keeps the content hash,
//! size and modification time that incremental indexing compares against.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// State of an index as of its last commit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndexState {
    /// Analysis version the index was built with.
    pub analyzer_version: u32,
    /// When the last commit was made, seconds since the Unix epoch.
    pub built_at: u64,
    /// Every indexed file, by key (its path as indexed).
    pub files: BTreeMap<String, FileState>,
    /// Files that could not be indexed, by key, so that an unchanged one is not retried.
    #[serde(default)]
    pub failed: BTreeMap<String, FailedFile>,
}

/// A file that could not be indexed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedFile {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: u128,
    /// Why it failed.
    pub reason: String,
}

/// One indexed file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileState {
    /// Document id (file stem).
    pub doc: String,
    /// SHA-256 of the file's bytes, hex.
    pub hash: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: u128,
    /// Number of pages.
    pub pages: u32,
    /// Pages without any text (scans without OCR, blank pages).
    #[serde(default)]
    pub pages_without_text: Vec<u32>,
    /// Title.
    pub title: String,
    /// Year.
    pub year: Option<u32>,
    /// Pages whose text comes from OCR (`pubsearch index --ocr`).
    #[serde(default)]
    pub ocr_pages: Vec<u32>,
    /// Whether OCR was run on the pages without text, so a later `--ocr` run need not redo it.
    #[serde(default)]
    pub ocr_done: bool,
}

impl IndexState {
    /// Parses a commit payload.
    ///
    /// # Errors
    /// Fails when the payload is not a state written by pubsearch.
    pub fn from_payload(payload: &str) -> serde_json::Result<IndexState> {
        serde_json::from_str(payload)
    }

    /// The commit payload.
    pub fn to_payload(&self) -> String {
        // A map of plain structs always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Total pages of all files.
    pub fn total_pages(&self) -> u64 {
        self.files.values().map(|f| u64::from(f.pages)).sum()
    }
}

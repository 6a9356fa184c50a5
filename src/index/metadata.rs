//! Document metadata: title, year, kind and publisher of each PDF.
//!
//! Two sources, in order of precedence: a `manifest.json` in the PDF's folder (the format of
//! `corpus/manifest.json`: `{"documents": [{"file", "title", "year", "kind", "publisher", …}]}`),
//! then the PDF's own information dictionary (`/Title`, `/CreationDate`). A document with
//! neither gets its file stem as title.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::extract::PdfInfo;

/// Name of the manifest file looked for beside the PDFs.
pub const MANIFEST_FILE: &str = "manifest.json";

/// What is known about one document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMeta {
    /// Title.
    pub title: String,
    /// Year of publication.
    pub year: Option<u32>,
    /// Kind of publication.
    pub kind: String,
    /// Publisher or author.
    pub publisher: String,
}

/// One entry of a `manifest.json`.
#[derive(Debug, Clone, Deserialize)]
struct ManifestEntry {
    file: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    year: Option<u32>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    publisher: Option<String>,
    #[serde(default)]
    author: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Manifest {
    documents: Vec<ManifestEntry>,
}

/// Manifests read so far, by folder.
#[derive(Debug, Default)]
pub struct Manifests {
    by_dir: HashMap<PathBuf, HashMap<String, ManifestEntry>>,
}

impl Manifests {
    /// Reads the manifest of every folder holding one of `files`.
    ///
    /// # Errors
    /// Fails when a `manifest.json` exists but is not valid.
    pub fn load_for(files: &[PathBuf]) -> Result<Manifests> {
        let mut manifests = Manifests::default();
        for file in files {
            let dir = file.parent().unwrap_or(Path::new(".")).to_path_buf();
            if manifests.by_dir.contains_key(&dir) {
                continue;
            }
            let path = dir.join(MANIFEST_FILE);
            let entries = match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let manifest: Manifest =
                        serde_json::from_str(&text).map_err(|e| Error::Manifest {
                            path: path.clone(),
                            reason: e.to_string(),
                        })?;
                    manifest
                        .documents
                        .into_iter()
                        .map(|e| (e.file.clone(), e))
                        .collect()
                }
                Err(_) => HashMap::new(),
            };
            manifests.by_dir.insert(dir, entries);
        }
        Ok(manifests)
    }

    /// Metadata of `file`: its manifest entry, completed from `info`.
    pub fn meta_for(&self, file: &Path, info: &PdfInfo) -> DocMeta {
        let dir = file.parent().unwrap_or(Path::new("."));
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let entry = self.by_dir.get(dir).and_then(|entries| entries.get(name));
        let non_empty = |s: &Option<String>| {
            s.as_ref()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
        };
        let title = entry
            .and_then(|e| non_empty(&e.title))
            .or_else(|| non_empty(&info.title))
            .unwrap_or_else(|| doc_stem(file));
        let year = entry
            .and_then(|e| e.year)
            .or_else(|| info.creation_year.and_then(|y| u32::try_from(y).ok()));
        let kind = entry.and_then(|e| non_empty(&e.kind)).unwrap_or_default();
        let publisher = entry
            .and_then(|e| non_empty(&e.publisher).or_else(|| non_empty(&e.author)))
            .or_else(|| non_empty(&info.author))
            .unwrap_or_default();
        DocMeta {
            title,
            year,
            kind,
            publisher,
        }
    }
}

/// The document id of a PDF: its file name without `.pdf`.
pub fn doc_stem(file: &Path) -> String {
    file.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_takes_precedence_over_the_info_dictionary() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(MANIFEST_FILE),
            r#"{"documents": [{"file": "a.pdf", "title": "Årsrapport 2018", "year": 2018, "kind": "årsrapport", "author": "NCFE"}]}"#,
        )
        .unwrap();
        let a = dir.path().join("a.pdf");
        let b = dir.path().join("b.pdf");
        let manifests = Manifests::load_for(&[a.clone(), b.clone()]).unwrap();
        let info = PdfInfo {
            title: Some("Untitled".into()),
            creation_year: Some(2021),
            ..Default::default()
        };
        let meta = manifests.meta_for(&a, &info);
        assert_eq!(meta.title, "Årsrapport 2018");
        assert_eq!(meta.year, Some(2018));
        assert_eq!(meta.publisher, "NCFE");
        let meta = manifests.meta_for(&b, &info);
        assert_eq!(meta.title, "Untitled");
        assert_eq!(meta.year, Some(2021));
        let meta = manifests.meta_for(&b, &PdfInfo::default());
        assert_eq!(meta.title, "b");
    }

    #[test]
    fn broken_manifest_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST_FILE), "{not json").unwrap();
        let err = Manifests::load_for(&[dir.path().join("a.pdf")]).unwrap_err();
        assert!(
            err.to_string().contains("manifest.json: invalid manifest"),
            "{err}"
        );
    }
}

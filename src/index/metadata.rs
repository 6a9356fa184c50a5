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

    /// Metadata of `file`: its manifest entry, completed from `info`, and failing those a title
    /// from the first line of `first_page`.
    pub fn meta_for(&self, file: &Path, info: &PdfInfo, first_page: &str) -> DocMeta {
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
            .or_else(|| info.title.as_deref().and_then(usable_title))
            .or_else(|| title_from_text(first_page))
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

/// File endings of authoring tools that producers leave in `/Title` (`kronik_2.indd`).
const FILE_ENDINGS: &[&str] = &[
    ".indd", ".qxd", ".qxp", ".doc", ".docx", ".odt", ".rtf", ".pdf", ".ppt", ".pptx", ".xls",
    ".xlsx", ".tex", ".dvi", ".ps", ".eps", ".txt", ".wpd", ".pages", ".html", ".htm",
];

/// Prefixes that Office puts before the file name in `/Title`.
const TOOL_PREFIXES: &[&str] = &[
    "Microsoft Word - ",
    "Microsoft PowerPoint - ",
    "Microsoft Excel - ",
];

/// Suffixes that web tools put after the file name in `/Title`.
const TOOL_SUFFIXES: &[&str] = &[" - Google Docs", " - Google Dokumenter"];

/// The PDF's `/Title`, cleaned, unless it is a file name or a placeholder.
fn usable_title(raw: &str) -> Option<String> {
    let mut title = raw.trim();
    for prefix in TOOL_PREFIXES {
        title = title.strip_prefix(prefix).unwrap_or(title).trim();
    }
    for suffix in TOOL_SUFFIXES {
        title = title.strip_suffix(suffix).unwrap_or(title).trim();
    }
    let lower = title.to_lowercase();
    for ending in FILE_ENDINGS {
        if let Some(stem) = lower.strip_suffix(ending) {
            // `Rapport om unge.doc` keeps its words; `kronik_2.indd` is a bare file name.
            let stem = &title[..stem.len()];
            return (stem.contains(' ') && !stem.contains('_')).then(|| stem.trim().to_owned());
        }
    }
    let placeholder = [
        "untitled",
        "unknown",
        "titel",
        "title",
        "dokument",
        "document",
        "microsoft word",
    ]
    .iter()
    .any(|p| lower.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ') == *p);
    let path_like = title.contains('\\')
        || title.contains('/')
        || (!title.contains(' ') && title.contains('_'));
    (!title.is_empty() && !placeholder && !path_like).then(|| title.to_owned())
}

/// Most characters of a title taken from the text.
const MAX_TEXT_TITLE_CHARS: usize = 100;

/// The first line of a page that reads like a heading: some letters, not too long.
fn title_from_text(page: &str) -> Option<String> {
    page.lines()
        .map(str::trim)
        .find(|line| line.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .map(|line| {
            let mut title: String = line.chars().take(MAX_TEXT_TITLE_CHARS).collect();
            if line.chars().count() > MAX_TEXT_TITLE_CHARS {
                title.push('…');
            }
            title
        })
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
            title: Some("Rapport om unge".into()),
            creation_year: Some(2021),
            ..Default::default()
        };
        let meta = manifests.meta_for(&a, &info, "");
        assert_eq!(meta.title, "Årsrapport 2018");
        assert_eq!(meta.year, Some(2018));
        assert_eq!(meta.publisher, "NCFE");
        let meta = manifests.meta_for(&b, &info, "");
        assert_eq!(meta.title, "Rapport om unge");
        assert_eq!(meta.year, Some(2021));
        let meta = manifests.meta_for(&b, &PdfInfo::default(), "");
        assert_eq!(meta.title, "b");
    }

    #[test]
    fn file_names_in_the_title_give_way_to_the_first_line() {
        let manifests = Manifests::default();
        let file = Path::new("x/kronik-ubu.pdf");
        let page = "\n  12\nBæredygtig eller bare dygtig?\nAf Jens Hansen";
        for junk in [
            "kronik_2.indd",
            "Pressemeddelelse\\ v6",
            "Untitled",
            "Dokument1",
            "  ",
        ] {
            let info = PdfInfo {
                title: Some(junk.into()),
                ..Default::default()
            };
            assert_eq!(
                manifests.meta_for(file, &info, page).title,
                "Bæredygtig eller bare dygtig?",
                "{junk}"
            );
        }
        let info = PdfInfo {
            title: Some("Microsoft Word - Rapport om unge.docx".into()),
            ..Default::default()
        };
        assert_eq!(
            manifests.meta_for(file, &info, page).title,
            "Rapport om unge"
        );
        let info = PdfInfo {
            title: Some("Årsrapport 2019".into()),
            ..Default::default()
        };
        assert_eq!(
            manifests.meta_for(file, &info, page).title,
            "Årsrapport 2019"
        );
        assert_eq!(
            manifests.meta_for(file, &PdfInfo::default(), "").title,
            "kronik-ubu"
        );
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

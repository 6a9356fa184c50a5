//! Export of an index to OpenSearch (or Elasticsearch): an index mapping and `_bulk` NDJSON.
//!
//! In: an open [`Engine`]. Out: two files in a folder, [`MAPPING_FILE`] (the body of
//! `PUT /<index>`: settings with the analysers, and the mapping) and [`BULK_FILE`] (the body of
//! `POST /_bulk`: one `index` action line and one document line per page, newline-terminated).
//!
//! The mapping analyses `title` and `text` with OpenSearch's built-in `danish` analyser (stems),
//! with two sub-fields each: `.exact` (lower-cased words, no stemming) and `.folded` (also
//! æ/ø/å and accents folded to ASCII), mirroring pubsearch's own three flavours; `doc`,
//! `page_label`, `kind`, `content_hash` are keywords, `page` and `year` integers, `ocr` a
//! boolean.
//!
//! Design decision: a page's `_id` is `<sha256 of the file>:<page>`, so exporting again and
//! loading again overwrites the same documents instead of adding copies; a changed file gets
//! new ids (its old pages can be removed with `_delete_by_query` on `doc` and `content_hash`).
//! Both files are written to a temporary name and renamed, so a failed export leaves no half
//! file behind.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Value, json};

use crate::error::{Error, Result};
use crate::search::Engine;

/// Name of the mapping file.
pub const MAPPING_FILE: &str = "mapping.json";
/// Name of the bulk file.
pub const BULK_FILE: &str = "bulk.ndjson";
/// Default OpenSearch index name.
pub const DEFAULT_INDEX_NAME: &str = "pubsearch";

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportSummary {
    /// OpenSearch index name used in the bulk actions.
    pub index_name: String,
    /// Documents (PDF files) exported.
    pub documents: usize,
    /// Pages exported (one bulk record each).
    pub pages: usize,
    /// The mapping file.
    pub mapping: PathBuf,
    /// The bulk file.
    pub bulk: PathBuf,
}

/// The body of `PUT /<index>`: analysis settings and the mapping.
pub fn mapping() -> Value {
    let sub_fields = json!({
        "exact": { "type": "text", "analyzer": "pubsearch_exact" },
        "folded": { "type": "text", "analyzer": "pubsearch_folded" }
    });
    let mut title_fields = sub_fields.clone();
    if let Some(fields) = title_fields.as_object_mut() {
        fields.insert(
            "keyword".into(),
            json!({ "type": "keyword", "normalizer": "pubsearch_lowercase", "ignore_above": 1024 }),
        );
    }
    json!({
        "settings": {
            "analysis": {
                "analyzer": {
                    "pubsearch_exact": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["lowercase"]
                    },
                    "pubsearch_folded": {
                        "type": "custom",
                        "tokenizer": "standard",
                        "filter": ["lowercase", "asciifolding"]
                    }
                },
                "normalizer": {
                    "pubsearch_lowercase": { "type": "custom", "filter": ["lowercase"] }
                }
            }
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "doc": { "type": "keyword" },
                "path": { "type": "keyword" },
                "content_hash": { "type": "keyword" },
                "title": { "type": "text", "analyzer": "danish", "fields": title_fields },
                "publisher": {
                    "type": "text",
                    "analyzer": "danish",
                    "fields": { "keyword": { "type": "keyword", "ignore_above": 1024 } }
                },
                "year": { "type": "integer" },
                "kind": { "type": "keyword" },
                "page": { "type": "integer" },
                "page_label": { "type": "keyword" },
                "ocr": { "type": "boolean" },
                "text": { "type": "text", "analyzer": "danish", "fields": sub_fields }
            }
        }
    })
}

/// Writes the `_bulk` NDJSON of every page of `engine`'s index to `out`, with actions on index
/// `index_name`. Returns the number of documents and pages written.
///
/// # Errors
/// [`Error::Tantivy`] when the index cannot be read; write errors as [`Error::Io`] on `out_name`.
pub fn write_bulk(
    engine: &Engine,
    index_name: &str,
    out: &mut impl Write,
    out_name: &Path,
) -> Result<(usize, usize)> {
    let documents = engine.documents()?;
    let mut pages_written = 0;
    let io = |e: std::io::Error| Error::io(out_name, e);
    for document in &documents {
        for page in engine.pages_of(document)? {
            let action = json!({ "index": {
                "_index": index_name,
                "_id": format!("{}:{}", document.content_hash, page.page),
            }});
            let record = json!({
                "doc": document.doc,
                "path": document.path,
                "content_hash": document.content_hash,
                "title": document.title,
                "publisher": document.publisher,
                "year": document.year,
                "kind": document.kind,
                "page": page.page,
                "page_label": page.page_label,
                "ocr": page.ocr,
                "text": page.text,
            });
            serde_json::to_writer(&mut *out, &action).map_err(|e| io(e.into()))?;
            out.write_all(b"\n").map_err(io)?;
            serde_json::to_writer(&mut *out, &record).map_err(|e| io(e.into()))?;
            out.write_all(b"\n").map_err(io)?;
            pages_written += 1;
        }
    }
    Ok((documents.len(), pages_written))
}

/// Writes [`MAPPING_FILE`] and [`BULK_FILE`] for `engine`'s index into `out_dir` (created when
/// missing), with bulk actions on index `index_name`.
///
/// # Errors
/// [`Error::Io`] when the folder or files cannot be written; [`Error::Tantivy`] when the index
/// cannot be read.
pub fn export(engine: &Engine, out_dir: &Path, index_name: &str) -> Result<ExportSummary> {
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;
    let mapping_path = out_dir.join(MAPPING_FILE);
    let bulk_path = out_dir.join(BULK_FILE);
    write_atomically(&mapping_path, |out| {
        serde_json::to_writer_pretty(&mut *out, &mapping())
            .map_err(|e| Error::io(&mapping_path, e.into()))?;
        out.write_all(b"\n")
            .map_err(|e| Error::io(&mapping_path, e))
    })?;
    let mut counts = (0, 0);
    write_atomically(&bulk_path, |out| {
        counts = write_bulk(engine, index_name, out, &bulk_path)?;
        Ok(())
    })?;
    Ok(ExportSummary {
        index_name: index_name.to_owned(),
        documents: counts.0,
        pages: counts.1,
        mapping: mapping_path,
        bulk: bulk_path,
    })
}

/// Writes `path` through a temporary file in the same folder, renamed into place on success.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> Result<()>,
) -> Result<()> {
    let mut tmp_name = path.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let file = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let mut out = std::io::BufWriter::new(file);
    let result = write(&mut out).and_then(|()| out.flush().map_err(|e| Error::io(&tmp, e)));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_has_danish_text_with_exact_and_folded_sub_fields() {
        let mapping = mapping();
        let text = &mapping["mappings"]["properties"]["text"];
        assert_eq!(text["analyzer"], "danish");
        assert_eq!(text["fields"]["exact"]["analyzer"], "pubsearch_exact");
        assert_eq!(text["fields"]["folded"]["analyzer"], "pubsearch_folded");
        let title = &mapping["mappings"]["properties"]["title"];
        assert_eq!(title["fields"]["keyword"]["type"], "keyword");
        assert_eq!(mapping["mappings"]["properties"]["page"]["type"], "integer");
    }
}

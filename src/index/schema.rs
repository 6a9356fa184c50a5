//! The tantivy schema: one tantivy document per PDF page.
//!
//! Page text is indexed three times, once per analysis flavour (see [`crate::analysis`]):
//! `text` (stemmed, with compound parts; stored, so snippets and `show` can read it),
//! `text_exact` (exact forms) and `text_folded` (æøå folded). All three keep positions, so
//! phrases match in any of them. The title is indexed stemmed and folded. Document metadata is
//! stored on every page, so a hit needs one stored-document read.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis;

/// Handles of every field of the schema.
#[derive(Debug, Clone)]
pub struct Fields {
    /// Identity of the source file (its path as indexed); used to replace or delete its pages.
    pub key: Field,
    /// File stem of the PDF, the document id users type (`doc:aarsrapport-2018`).
    pub doc: Field,
    /// Path of the PDF.
    pub path: Field,
    /// Document title, stemmed.
    pub title: Field,
    /// Document title, folded.
    pub title_folded: Field,
    /// Publication year.
    pub year: Field,
    /// Kind of publication (`årsrapport`, `evaluering`, …).
    pub kind: Field,
    /// Publisher, for citations.
    pub publisher: Field,
    /// 1-based physical page number.
    pub page: Field,
    /// Printed page label, when the PDF has one.
    pub page_label: Field,
    /// Page text, stemmed with compound parts; stored.
    pub text: Field,
    /// Page text, exact forms.
    pub text_exact: Field,
    /// Page text, folded.
    pub text_folded: Field,
}

/// Builds the schema and returns it with its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let analysed = |analyzer: &str, stored: bool| {
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored {
            options.set_stored()
        } else {
            options
        }
    };
    let fields = Fields {
        key: builder.add_text_field("key", STRING | STORED),
        doc: builder.add_text_field("doc", STRING | STORED | FAST),
        path: builder.add_text_field("path", STORED),
        title: builder.add_text_field("title", analysed(analysis::STEMMED, true)),
        title_folded: builder.add_text_field("title_folded", analysed(analysis::FOLDED, false)),
        year: builder.add_u64_field("year", INDEXED | STORED | FAST),
        kind: builder.add_text_field("kind", STRING | STORED),
        publisher: builder.add_text_field("publisher", STORED),
        page: builder.add_u64_field("page", INDEXED | STORED | FAST),
        page_label: builder.add_text_field("page_label", STORED),
        text: builder.add_text_field("text", analysed(analysis::STEMMED, true)),
        text_exact: builder.add_text_field("text_exact", analysed(analysis::EXACT, false)),
        text_folded: builder.add_text_field("text_folded", analysed(analysis::FOLDED, false)),
    };
    (builder.build(), fields)
}

/// Field handles of an existing index's schema.
///
/// # Errors
/// Fails when the schema lacks a field this version needs.
pub fn fields_of(schema: &Schema) -> tantivy::Result<Fields> {
    let get = |name: &str| schema.get_field(name);
    Ok(Fields {
        key: get("key")?,
        doc: get("doc")?,
        path: get("path")?,
        title: get("title")?,
        title_folded: get("title_folded")?,
        year: get("year")?,
        kind: get("kind")?,
        publisher: get("publisher")?,
        page: get("page")?,
        page_label: get("page_label")?,
        text: get("text")?,
        text_exact: get("text_exact")?,
        text_folded: get("text_folded")?,
    })
}

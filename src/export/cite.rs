//! A ready-to-paste citation of one page: publisher, year, title, printed page.
//!
//! In: a [`DocumentInfo`] and a page (physical number and printed label). Out: a [`Citation`]
//! whose [`Citation::text`] reads, in the Danish author–year style,
//! `Publisher (2020). Title, s. xii.`
//!
//! Design decision: the printed page label (`/PageLabels`) is cited, not the physical page
//! number, because that is what a reader finds on the paper; the physical number is kept in
//! the struct (and in JSON) for tools. Missing parts are left out rather than invented: no
//! publisher starts with the title, no year reads `u.å.` (uden år, the Danish "n.d.").

use serde::Serialize;

use crate::search::DocumentInfo;

/// A citation of one page of an indexed document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Citation {
    /// Document id (file stem).
    pub doc: String,
    /// Title.
    pub title: String,
    /// Publisher, empty when unknown.
    pub publisher: String,
    /// Year of publication.
    pub year: Option<u32>,
    /// 1-based physical page number.
    pub page: u32,
    /// Printed page label, when the PDF has one.
    pub page_label: Option<String>,
    /// The citation as one line of text.
    pub text: String,
}

/// Cites page `page` (label `page_label`) of `document`.
pub fn cite(document: &DocumentInfo, page: u32, page_label: Option<&str>) -> Citation {
    let shown_page = page_label.map_or_else(|| page.to_string(), str::to_owned);
    let year = document
        .year
        .map_or_else(|| "u.å.".to_owned(), |y| y.to_string());
    let title = document.title.trim().trim_end_matches('.');
    let publisher = document.publisher.trim().trim_end_matches('.');
    let text = if publisher.is_empty() {
        format!("{title} ({year}), s. {shown_page}.")
    } else {
        format!("{publisher} ({year}). {title}, s. {shown_page}.")
    };
    Citation {
        doc: document.doc.clone(),
        title: document.title.clone(),
        publisher: document.publisher.clone(),
        year: document.year,
        page,
        page_label: page_label.map(str::to_owned),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(publisher: &str, year: Option<u32>) -> DocumentInfo {
        DocumentInfo {
            doc: "rapport".into(),
            path: "corpus/rapport.pdf".into(),
            title: "Årsrapport 2018".into(),
            year,
            kind: "årsrapport".into(),
            publisher: publisher.into(),
            pages: 20,
            content_hash: "00".into(),
            pages_without_text: Vec::new(),
            ocr_pages: Vec::new(),
        }
    }

    #[test]
    fn citation_names_publisher_year_title_and_printed_page() {
        let citation = cite(&document("Styrelsen", Some(2018)), 3, Some("xii"));
        assert_eq!(citation.text, "Styrelsen (2018). Årsrapport 2018, s. xii.");
        assert_eq!(citation.page, 3);
    }

    #[test]
    fn missing_parts_are_left_out_not_invented() {
        let citation = cite(&document("", None), 7, None);
        assert_eq!(citation.text, "Årsrapport 2018 (u.å.), s. 7.");
    }
}

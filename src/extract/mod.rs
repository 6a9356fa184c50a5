//! PDF → text, a page at a time.
//!
//! In: the bytes of a PDF file. Out: an [`ExtractedPdf`] holding one [`Page`] per page
//! (1-based numbers and `/PageLabels` labels, so a hit can cite its page), the document
//! information dictionary, and a record of pages that could not be read.
//!
//! Pipeline (one file per step): `lopdf` parses the file and decrypts it (empty user or owner
//! password); `pdfobj` gives bounded object access and the per-file [`ExtractOptions`]
//! budget; the page tree is walked here with cycle detection; `content` interprets each
//! page's content streams into positioned glyphs using `fonts` (with `cmap`,
//! `encoding`, `glyphlist`); `layout` turns glyphs into lines in reading order; and
//! `clean` normalises the text (NFC, ligatures, hyphenation).
//!
//! Design decision: extraction is geometric (glyph positions and font sizes), not string
//! order, so word breaks and columns come out right across producers; and every loop that
//! input can drive is capped (bytes, operators, glyphs, depth, time), so a hostile file costs
//! at most the budget. A page that fails is recorded in [`ExtractedPdf::failed_pages`] and
//! the other pages are kept.
//!
//! Known limits: no OCR here (see the `ocr` module); of font programs only the TrueType `cmap`
//! table is read, as a last resort (`truetype`); files lopdf cannot parse at all are reported
//! as [`ExtractError::Malformed`].

mod clean;
mod cmap;
mod content;
mod encoding;
mod fonts;
mod glyphlist;
mod layout;
mod pdfobj;
mod stdmetrics;
mod truetype;

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Duration;

use lopdf::{Dictionary, Document, Object, ObjectId};

use self::content::{FontCache, Interpreter, PageGeometry};
use self::pdfobj::Budget;

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

/// Resource limits for one file. The defaults keep any input under a few seconds and a few
/// hundred MB while leaving real documents untouched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractOptions {
    /// Largest file accepted, in bytes.
    pub max_file_bytes: usize,
    /// Most bytes one stream may decode to (flate bombs fail that stream only).
    pub max_stream_bytes: usize,
    /// Most decoded stream bytes for the whole file.
    pub max_decoded_bytes_per_file: usize,
    /// Most content operators interpreted on one page.
    pub max_ops_per_page: u64,
    /// Most content operators interpreted in the whole file.
    pub max_ops_per_file: u64,
    /// Most glyphs kept on one page.
    pub max_glyphs_per_page: usize,
    /// Most bytes of text kept for the whole file.
    pub max_text_bytes: usize,
    /// Deepest nesting of Form XObjects followed.
    pub max_form_depth: usize,
    /// Most pages read.
    pub max_pages: usize,
    /// Wall-clock budget for the file; pages not reached in time are reported as failed.
    pub time_budget: Duration,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        Self {
            max_file_bytes: 512 << 20,
            max_stream_bytes: 96 << 20,
            max_decoded_bytes_per_file: 768 << 20,
            max_ops_per_page: 3_000_000,
            max_ops_per_file: 30_000_000,
            max_glyphs_per_page: 400_000,
            max_text_bytes: 64 << 20,
            max_form_depth: 12,
            max_pages: 50_000,
            time_budget: Duration::from_secs(4),
        }
    }
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
    extract_bytes_with(bytes, &ExtractOptions::default())
}

/// Extracts every page of a PDF held in memory, with explicit limits.
///
/// # Errors
/// See [`ExtractError`].
pub fn extract_bytes_with(
    bytes: &[u8],
    opts: &ExtractOptions,
) -> Result<ExtractedPdf, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::NotPdf("0 bytes".into()));
    }
    if bytes.len() > opts.max_file_bytes {
        return Err(ExtractError::LimitExceeded(format!(
            "file of {} bytes is too large",
            bytes.len()
        )));
    }
    let head = bytes.get(..bytes.len().min(2048)).unwrap_or_default();
    let Some(start) = head.windows(5).position(|w| w == b"%PDF-") else {
        return Err(ExtractError::NotPdf("no %PDF- header".into()));
    };
    let data = bytes.get(start..).unwrap_or_default();
    let budget = Budget::new(opts);
    let load_opts = lopdf::LoadOptions {
        max_decompressed_size: Some(opts.max_stream_bytes),
        ..Default::default()
    };
    let loaded = catch_unwind(AssertUnwindSafe(|| {
        Document::load_mem_with_options(data, load_opts)
    }));
    let doc = match loaded {
        Ok(Ok(doc)) => doc,
        Ok(Err(e)) => return Err(load_error(data, &e)),
        Err(_) => {
            return Err(ExtractError::Malformed(
                "the PDF reader crashed on this file".into(),
            ));
        }
    };
    if doc.trailer.has(b"Encrypt") {
        return Err(ExtractError::Encrypted);
    }
    let pages = collect_pages(&doc, opts.max_pages);
    if pages.is_empty() {
        return Err(ExtractError::Malformed("no pages found".into()));
    }
    let labels = page_labels(&doc, pages.len());
    let mut fonts = FontCache::default();
    let mut raw = Vec::with_capacity(pages.len());
    let mut failed = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let number = u32::try_from(i + 1).unwrap_or(u32::MAX);
        if budget.out_of_time() {
            failed.push(PageFailure {
                number,
                reason: "time limit reached before this page".into(),
            });
            raw.push(String::new());
            continue;
        }
        let result = catch_unwind(AssertUnwindSafe(|| {
            page_text(&doc, data, page, &budget, &mut fonts)
        }));
        match result {
            Ok(Ok(text)) => raw.push(text),
            Ok(Err(reason)) => {
                failed.push(PageFailure { number, reason });
                raw.push(String::new());
            }
            Err(_) => {
                failed.push(PageFailure {
                    number,
                    reason: "internal error while reading the page".into(),
                });
                raw.push(String::new());
            }
        }
    }
    let texts = clean::clean_document(raw);
    let pages = texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| Page {
            number: u32::try_from(i + 1).unwrap_or(u32::MAX),
            label: labels.get(i).cloned().flatten(),
            text,
        })
        .collect();
    Ok(ExtractedPdf {
        pages,
        info: read_info(&doc),
        failed_pages: failed,
    })
}

/// Turns a lopdf load error into a one-line [`ExtractError`].
fn load_error(data: &[u8], e: &lopdf::Error) -> ExtractError {
    let tail = data
        .get(data.len().saturating_sub(1024)..)
        .unwrap_or_default();
    let truncated = !tail.windows(5).any(|w| w == b"%%EOF");
    let msg = pdfobj::one_line(&e.to_string());
    if truncated {
        ExtractError::Malformed(format!("truncated ({msg})"))
    } else {
        ExtractError::Malformed(msg)
    }
}

/// A page with its inherited attributes.
#[derive(Debug, Clone)]
struct PageRef<'a> {
    dict: &'a Dictionary,
    resources: Option<&'a Dictionary>,
    bbox: [f32; 4],
    rotate: i32,
}

/// Inheritable attributes while walking the page tree.
#[derive(Debug, Clone, Copy)]
struct Inherited<'a> {
    resources: Option<&'a Dictionary>,
    media: Option<[f32; 4]>,
    rotate: Option<i32>,
}

fn rect(doc: &Document, dict: &Dictionary, key: &[u8]) -> Option<[f32; 4]> {
    let a = pdfobj::get_array(doc, dict, key).and_then(|a| pdfobj::num_array::<4>(doc, a))?;
    let r = [
        a[0].min(a[2]),
        a[1].min(a[3]),
        a[0].max(a[2]),
        a[1].max(a[3]),
    ];
    (r[2] - r[0] > 1.0 && r[3] - r[1] > 1.0).then_some(r)
}

/// Walks the page tree iteratively, tracking visited nodes (cycles, shared kids).
fn collect_pages(doc: &Document, max_pages: usize) -> Vec<PageRef<'_>> {
    let root = doc
        .trailer
        .get(b"Root")
        .ok()
        .and_then(|r| pdfobj::resolve(doc, r))
        .and_then(pdfobj::as_dict)
        .and_then(|cat| cat.get(b"Pages").ok());
    let mut out = Vec::new();
    let mut visited: HashSet<ObjectId> = HashSet::new();
    let init = Inherited {
        resources: None,
        media: None,
        rotate: None,
    };
    let mut stack: Vec<(&Object, Inherited, usize)> =
        root.map(|r| vec![(r, init, 0)]).unwrap_or_default();
    while let Some((obj, inh, depth)) = stack.pop() {
        if out.len() >= max_pages || depth > 64 {
            continue;
        }
        if let Object::Reference(id) = obj
            && !visited.insert(*id)
        {
            continue;
        }
        let Some(dict) = pdfobj::resolve(doc, obj).and_then(pdfobj::as_dict) else {
            continue;
        };
        let here = Inherited {
            resources: pdfobj::get_dict(doc, dict, b"Resources").or(inh.resources),
            media: rect(doc, dict, b"MediaBox").or(inh.media),
            rotate: pdfobj::get_num(doc, dict, b"Rotate")
                .map(|r| r as i32)
                .or(inh.rotate),
        };
        let kids = pdfobj::get_array(doc, dict, b"Kids");
        let is_page = dict.get(b"Type").ok().and_then(|t| t.as_name().ok())
            == Some(b"Page".as_slice())
            || (kids.is_none() && (dict.has(b"Contents") || dict.has(b"MediaBox")));
        if is_page {
            out.push(make_page(dict, here));
        } else if let Some(kids) = kids {
            for k in kids.iter().rev() {
                stack.push((k, here, depth + 1));
            }
        }
    }
    if out.is_empty() {
        // Broken tree: every object that says it is a page, in object order.
        for obj in doc.objects.values() {
            if out.len() >= max_pages {
                break;
            }
            if let Some(d) = pdfobj::as_dict(obj)
                && d.get(b"Type").ok().and_then(|t| t.as_name().ok()) == Some(b"Page".as_slice())
            {
                let inh = Inherited {
                    resources: pdfobj::get_dict(doc, d, b"Resources"),
                    media: rect(doc, d, b"MediaBox"),
                    rotate: pdfobj::get_num(doc, d, b"Rotate").map(|r| r as i32),
                };
                out.push(make_page(d, inh));
            }
        }
    }
    out
}

fn make_page<'a>(dict: &'a Dictionary, inh: Inherited<'a>) -> PageRef<'a> {
    // Text is clipped to the media box only, not the crop box: spreads and imposed pages
    // crop away text that readers (and pdftotext) still extract.
    let bbox = inh.media.unwrap_or([0.0, 0.0, 612.0, 792.0]);
    PageRef {
        dict,
        resources: inh.resources,
        bbox,
        rotate: inh.rotate.unwrap_or(0).rem_euclid(360) / 90 * 90,
    }
}

/// Interprets and lays out one page.
fn page_text(
    doc: &Document,
    raw: &[u8],
    page: &PageRef<'_>,
    budget: &Budget,
    fonts: &mut FontCache,
) -> Result<String, String> {
    // Streams lopdf could not frame are re-read from the raw bytes.
    let mut recovered: Vec<lopdf::Stream> = Vec::new();
    let mut entries: Vec<Result<&lopdf::Stream, usize>> = Vec::new();
    let items: Vec<&Object> = match page.dict.get(b"Contents").ok() {
        Some(Object::Array(items)) => items.iter().take(10_000).collect(),
        Some(item @ Object::Reference(_)) => match pdfobj::resolve(doc, item) {
            Some(Object::Array(items)) => items.iter().take(10_000).collect(),
            _ => vec![item],
        },
        Some(item) => vec![item],
        None => return Ok(String::new()),
    };
    for item in items {
        match pdfobj::resolve(doc, item) {
            Some(Object::Stream(s)) if !s.content.is_empty() => entries.push(Ok(s)),
            _ => {
                if let Object::Reference(id) = item
                    && let Some(s) = pdfobj::recover_stream(raw, *id)
                {
                    recovered.push(s);
                    entries.push(Err(recovered.len() - 1));
                }
            }
        }
    }
    let streams: Vec<&lopdf::Stream> = entries
        .iter()
        .filter_map(|e| match e {
            Ok(s) => Some(*s),
            Err(i) => recovered.get(*i),
        })
        .collect();
    if streams.is_empty() {
        return Ok(String::new());
    }
    let geometry = PageGeometry {
        bbox: page.bbox,
        rotate: page.rotate,
    };
    let result = Interpreter::new(doc, budget, fonts, geometry).run_page(&streams, page.resources);
    if result.streams_ok == 0 && result.glyphs.is_empty() {
        let reason = result.problems.join("; ");
        return Err(if reason.is_empty() {
            "no readable content stream".into()
        } else {
            reason
        });
    }
    Ok(layout::layout_page(result.glyphs))
}

/// Decodes the document information dictionary.
fn read_info(doc: &Document) -> PdfInfo {
    let Some(info) = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| pdfobj::resolve(doc, o))
        .and_then(pdfobj::as_dict)
    else {
        return PdfInfo::default();
    };
    let text = |key: &[u8]| -> Option<String> {
        match pdfobj::get(doc, info, key)? {
            Object::String(s, _) => {
                let t = encoding::decode_text_string(s);
                let t: String = t.chars().filter(|c| !c.is_control()).collect();
                let t = t.trim().to_string();
                (!t.is_empty()).then_some(t)
            }
            _ => None,
        }
    };
    let creation_year = text(b"CreationDate").and_then(|d| {
        let digits: String = d.trim_start_matches("D:").chars().take(4).collect();
        digits
            .parse::<i32>()
            .ok()
            .filter(|y| (1000..=9999).contains(y))
    });
    PdfInfo {
        title: text(b"Title"),
        author: text(b"Author"),
        subject: text(b"Subject"),
        producer: text(b"Producer"),
        creator: text(b"Creator"),
        creation_year,
    }
}

/// Page labels from the catalog's `/PageLabels` number tree, one per page.
fn page_labels(doc: &Document, count: usize) -> Vec<Option<String>> {
    let Some(tree) = doc
        .trailer
        .get(b"Root")
        .ok()
        .and_then(|r| pdfobj::resolve(doc, r))
        .and_then(pdfobj::as_dict)
        .and_then(|cat| pdfobj::get_dict(doc, cat, b"PageLabels"))
    else {
        return vec![None; count];
    };
    let mut ranges: Vec<(usize, &Dictionary)> = Vec::new();
    let mut stack = vec![(tree, 0usize)];
    let mut seen = 0usize;
    while let Some((node, depth)) = stack.pop() {
        seen += 1;
        if depth > 32 || seen > 10_000 {
            break;
        }
        if let Some(nums) = pdfobj::get_array(doc, node, b"Nums") {
            for pair in nums.chunks_exact(2) {
                if let [k, v] = pair
                    && let Some(Object::Integer(start)) = pdfobj::resolve(doc, k)
                    && let Ok(start) = usize::try_from(*start)
                    && let Some(d) = pdfobj::resolve(doc, v).and_then(pdfobj::as_dict)
                {
                    ranges.push((start, d));
                }
            }
        }
        if let Some(kids) = pdfobj::get_array(doc, node, b"Kids") {
            for k in kids.iter().take(1000) {
                if let Some(d) = pdfobj::resolve(doc, k).and_then(pdfobj::as_dict) {
                    stack.push((d, depth + 1));
                }
            }
        }
    }
    ranges.sort_by_key(|r| r.0);
    (0..count)
        .map(|i| {
            let (start, d) = ranges.iter().rev().find(|r| r.0 <= i)?;
            let prefix = match pdfobj::get(doc, d, b"P") {
                Some(Object::String(s, _)) => encoding::decode_text_string(s),
                _ => String::new(),
            };
            let first = pdfobj::get_num(doc, d, b"St").map_or(1, |v| v.max(1.0) as usize);
            let n = first.saturating_add(i - start);
            let num = match pdfobj::get_name(doc, d, b"S") {
                Some(b"D") => n.to_string(),
                Some(b"R") => roman(n).to_uppercase(),
                Some(b"r") => roman(n),
                Some(b"A") => letters(n).to_uppercase(),
                Some(b"a") => letters(n),
                _ => String::new(),
            };
            let label = format!("{prefix}{num}");
            (!label.is_empty()).then_some(label)
        })
        .collect()
}

fn roman(mut n: usize) -> String {
    if n == 0 || n >= 40_000 {
        return n.to_string();
    }
    const TABLE: [(usize, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut out = String::new();
    for (v, s) in TABLE {
        while n >= v {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

/// a, b, …, z, aa, bb, … (the PDF letter style).
fn letters(n: usize) -> String {
    if n == 0 || n > 2600 {
        return n.to_string();
    }
    let c = char::from(b'a' + ((n - 1) % 26) as u8);
    std::iter::repeat_n(c, (n - 1) / 26 + 1).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Stream, dictionary};

    /// Builds a one-font PDF whose pages show the given content streams.
    fn pdf(font: Dictionary, pages: &[&[u8]], extra_catalog: Option<Dictionary>) -> Vec<u8> {
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font_id = doc.add_object(font);
        let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
        let mut kids = Vec::new();
        for content in pages {
            let c = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
            let p = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => c,
                "Resources" => resources, "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()] });
            kids.push(p.into());
        }
        let count = kids.len() as i64;
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
        );
        let mut cat = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
        if let Some(extra) = extra_catalog {
            cat.extend(&extra);
        }
        let cat_id = doc.add_object(cat);
        doc.trailer.set("Root", cat_id);
        let info = doc.add_object(
            dictionary! { "Title" => Object::string_literal(b"\xfe\xff\x00\xc5\x00r".to_vec()),
            "CreationDate" => Object::string_literal("D:20180304120000") },
        );
        doc.trailer.set("Info", info);
        let mut out = Vec::new();
        doc.save_to(&mut out).unwrap_or_default();
        out
    }

    fn helvetica() -> Dictionary {
        dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" }
    }

    #[test]
    fn not_pdf_errors() {
        assert_eq!(
            extract_bytes(b"")
                .map(|_| ())
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("not a PDF (0 bytes)")
        );
        assert!(matches!(
            extract_bytes(b"hello world"),
            Err(ExtractError::NotPdf(_))
        ));
    }

    #[test]
    fn simple_document_with_labels_and_info() {
        let labels = dictionary! { "PageLabels" => dictionary! { "Nums" => vec![
        0.into(), dictionary! { "S" => "r" }.into(), 1.into(), dictionary! { "S" => "D", "P" => Object::string_literal("A-") }.into()] } };
        let bytes = pdf(
            helvetica(),
            &[
                b"BT /F1 12 Tf 72 700 Td (K\xf8benhavns Kommune) Tj ET",
                b"BT /F1 12 Tf 72 700 Td (forebyg-) Tj 0 -14 Td (gelse) Tj ET",
            ],
            Some(labels),
        );
        let got = extract_bytes(&bytes).unwrap_or_default();
        assert_eq!(got.pages.len(), 2);
        assert_eq!(got.pages[0].text, "Københavns Kommune");
        assert_eq!(got.pages[1].text, "forebyggelse");
        assert_eq!(got.pages[0].label.as_deref(), Some("i"));
        assert_eq!(got.pages[1].label.as_deref(), Some("A-1"));
        assert_eq!(got.info.title.as_deref(), Some("År"));
        assert_eq!(got.info.creation_year, Some(2018));
    }

    #[test]
    fn tj_kerning_and_spacing() {
        let bytes = pdf(
            helvetica(),
            &[b"BT /F1 10 Tf 72 700 Td [(hel)-20(lo)-400(verden)] TJ ET"],
            None,
        );
        let got = extract_bytes(&bytes).unwrap_or_default();
        assert_eq!(got.pages[0].text, "hello verden");
    }

    #[test]
    fn actual_text_replaces_glyphs() {
        let bytes = pdf(helvetica(), &[b"BT /F1 10 Tf 72 700 Td /Span <</ActualText (fine) >> BDC (\x1f) Tj EMC ( ting) Tj ET"], None);
        let got = extract_bytes(&bytes).unwrap_or_default();
        assert_eq!(got.pages[0].text, "fine ting");
    }

    #[test]
    fn labels_styles() {
        assert_eq!(roman(14), "xiv");
        assert_eq!(letters(28), "bb");
    }
}

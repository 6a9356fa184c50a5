//! Scale corpora: realistic Danish PDFs of any size, made from the sentences of a real corpus.
//!
//! In: source PDFs (normally `corpus/`) and [`GenOptions`] (pages, pages per document, seed).
//! Out: a folder of PDF files plus a `manifest.json`, and a [`GenReport`].
//!
//! The sources are extracted with pubsearch's own extractor and cut into sentences
//! ([`SentencePool`]). Each generated page is a few paragraphs, each a run of consecutive source
//! sentences starting at a random place, so the text keeps the vocabulary, word frequencies and
//! local coherence of real Danish reports while every page differs. Pages are written as real
//! PDFs with `lopdf`: one standard Type 1 font (Helvetica) with `WinAnsiEncoding`, which holds
//! `æøå`, and a Flate-compressed content stream per page, so indexing a generated corpus
//! measures the whole pipeline, extraction included, without shipping big files.
//!
//! Output is deterministic for a given seed and source corpus (a splitmix64 generator seeded per
//! document), whatever the number of threads.
//!
//! Limits: sentences holding a character WinAnsi cannot encode are left out; there are no
//! tables, figures or columns; lines are wrapped by character count, not by glyph widths.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lopdf::{Document, Object, Stream, StringFormat, dictionary};
use rayon::prelude::*;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::index::collect_pdfs;

/// How to generate a corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenOptions {
    /// Pages in all.
    pub pages: usize,
    /// Pages per PDF file (the last file may have fewer).
    pub pages_per_doc: usize,
    /// Seed of the random choices.
    pub seed: u64,
}

impl Default for GenOptions {
    fn default() -> GenOptions {
        GenOptions {
            pages: 1000,
            pages_per_doc: 50,
            seed: 1,
        }
    }
}

/// What a generation run made.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GenReport {
    /// Output folder.
    pub out: PathBuf,
    /// PDF files written.
    pub files: usize,
    /// Pages written.
    pub pages: usize,
    /// Bytes of PDF written.
    pub bytes: u64,
    /// Distinct source sentences available.
    pub sentences: usize,
    /// Wall-clock time.
    #[serde(serialize_with = "serialize_seconds")]
    pub elapsed: Duration,
}

fn serialize_seconds<S: serde::Serializer>(
    d: &Duration,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Sentences of a source corpus, in reading order, with its titles and kinds.
#[derive(Debug, Clone, Default)]
pub struct SentencePool {
    /// Sentences, white space collapsed, each encodable in WinAnsi.
    pub sentences: Vec<String>,
    /// Short lines usable as headings (source titles).
    pub titles: Vec<String>,
}

/// Fewest characters of a sentence kept.
const MIN_SENTENCE_CHARS: usize = 30;
/// Most characters of a sentence kept.
const MAX_SENTENCE_CHARS: usize = 400;
/// Characters per line of a generated page (Helvetica 10 pt on A4 with 50 pt margins).
const LINE_CHARS: usize = 92;
/// Lines that fit on a page.
const MAX_LINES: usize = 56;

impl SentencePool {
    /// Extracts `sources` (PDF files or folders) and cuts their text into sentences.
    ///
    /// # Errors
    /// Fails when no PDF is found or none yields a usable sentence.
    pub fn from_pdfs(sources: &[PathBuf]) -> Result<SentencePool> {
        let files = collect_pdfs(sources)?;
        let names = || {
            sources
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        };
        if files.is_empty() {
            return Err(Error::NoInput(names()));
        }
        let mut pool = SentencePool::default();
        for file in &files {
            let pdf = crate::extract::extract_file(file).map_err(|source| Error::Extract {
                path: file.clone(),
                source,
            })?;
            if let Some(title) = pdf.info.title.as_deref().filter(|t| encodable(t)) {
                pool.titles.push(title.to_owned());
            }
            for page in &pdf.pages {
                pool.sentences.extend(split_sentences(&page.text));
            }
        }
        if pool.sentences.is_empty() {
            return Err(Error::NoInput(format!("{} (no usable sentences)", names())));
        }
        if pool.titles.is_empty() {
            pool.titles.push("Rapport".to_owned());
        }
        Ok(pool)
    }
}

/// Cuts `text` into sentences worth reusing: collapsed white space, WinAnsi-encodable, mostly
/// letters, of reasonable length.
pub fn split_sentences(text: &str) -> Vec<String> {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut sentences = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = collapsed.char_indices().collect();
    for (i, &(at, c)) in chars.iter().enumerate() {
        let ends = matches!(c, '.' | '!' | '?')
            && chars.get(i + 1).is_some_and(|&(_, n)| n == ' ')
            && chars
                .get(i + 2)
                .is_some_and(|&(_, n)| n.is_uppercase() || n.is_ascii_digit());
        let last = i + 1 == chars.len();
        if ends || last {
            let end = at + c.len_utf8();
            if let Some(sentence) = collapsed.get(start..end).map(str::trim)
                && usable(sentence)
            {
                sentences.push(sentence.to_owned());
            }
            start = end;
        }
    }
    sentences
}

fn usable(sentence: &str) -> bool {
    let chars = sentence.chars().count();
    let letters = sentence
        .chars()
        .filter(|c| c.is_alphabetic() || *c == ' ')
        .count();
    (MIN_SENTENCE_CHARS..=MAX_SENTENCE_CHARS).contains(&chars)
        && letters * 10 >= chars * 8
        && sentence.split(' ').count() >= 5
        && encodable(sentence)
}

/// Whether every character of `text` has a WinAnsi code.
pub fn encodable(text: &str) -> bool {
    text.chars().all(|c| winansi_byte(c).is_some())
}

/// The WinAnsi (Windows-1252, as PDF defines `WinAnsiEncoding`) code of `c`, if it has one.
pub fn winansi_byte(c: char) -> Option<u8> {
    let code = u32::from(c);
    match code {
        0x20..=0x7E => u8::try_from(code).ok(),
        // Soft hyphen and no-break space are left out: extraction would not give them back.
        0xA1..=0xAC | 0xAE..=0xFF => u8::try_from(code).ok(),
        _ => Some(match c {
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '™' => 0x99,
            _ => return None,
        }),
    }
}

/// Small deterministic random generator (splitmix64).
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    fn below(&mut self, n: usize) -> usize {
        let n = u64::try_from(n.max(1)).unwrap_or(u64::MAX);
        usize::try_from(self.next() % n).unwrap_or(0)
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi.saturating_sub(lo) + 1)
    }
}

/// Kinds of publication given to generated documents.
const KINDS: [&str; 4] = ["årsrapport", "evaluering", "statusrapport", "notat"];

/// One generated document before it is written.
#[derive(Debug, Clone)]
struct GenDoc {
    file: String,
    title: String,
    year: u32,
    kind: &'static str,
    /// Lines of each page.
    pages: Vec<Vec<String>>,
}

/// Writes a corpus of `options.pages` pages made from the sentences of `sources` into `out`
/// (created if needed; earlier `gen-*.pdf` files there are replaced).
///
/// # Errors
/// Fails when the sources give no sentence or a file cannot be written.
pub fn generate(sources: &[PathBuf], out: &Path, options: &GenOptions) -> Result<GenReport> {
    let pool = SentencePool::from_pdfs(sources)?;
    generate_from_pool(&pool, out, options)
}

/// Like [`generate`], from sentences already gathered.
///
/// # Errors
/// Fails when `pool` is empty or a file cannot be written.
pub fn generate_from_pool(
    pool: &SentencePool,
    out: &Path,
    options: &GenOptions,
) -> Result<GenReport> {
    let started = Instant::now();
    if pool.sentences.is_empty() {
        return Err(Error::NoInput("an empty sentence pool".to_owned()));
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    // Files of an earlier, larger run would otherwise stay and be indexed too.
    for entry in std::fs::read_dir(out).map_err(|e| Error::io(out, e))? {
        let path = entry.map_err(|e| Error::io(out, e))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with("gen-") && name.ends_with(".pdf") {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    let per_doc = options.pages_per_doc.max(1);
    let docs = options.pages.div_ceil(per_doc);
    let width = docs.to_string().len().max(4);
    let written: Vec<(GenDoc, u64)> = (0..docs)
        .into_par_iter()
        .map(|i| {
            let pages = per_doc.min(options.pages - i * per_doc);
            let seed = options
                .seed
                .wrapping_mul(0x2545_F491_4F6C_DD1D)
                .wrapping_add(i as u64);
            let doc = make_doc(pool, i, width, pages, seed);
            let bytes = pdf_bytes(&doc.title, &doc.pages)?;
            let path = out.join(&doc.file);
            std::fs::write(&path, &bytes).map_err(|e| Error::io(&path, e))?;
            let len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
            Ok((doc, len))
        })
        .collect::<Result<_>>()?;
    write_manifest(out, &written)?;
    Ok(GenReport {
        out: out.to_path_buf(),
        files: written.len(),
        pages: written.iter().map(|(d, _)| d.pages.len()).sum(),
        bytes: written.iter().map(|(_, b)| b).sum(),
        sentences: pool.sentences.len(),
        elapsed: started.elapsed(),
    })
}

fn make_doc(pool: &SentencePool, index: usize, width: usize, pages: usize, seed: u64) -> GenDoc {
    let mut rng = Rng(seed);
    let base = &pool.titles[rng.below(pool.titles.len())];
    let title = format!("{base} – del {}", index + 1);
    let year = u32::try_from(2012 + rng.below(13)).unwrap_or(2020);
    let kind = KINDS[rng.below(KINDS.len())];
    let pages = (0..pages)
        .map(|number| make_page(pool, &mut rng, &title, number + 1))
        .collect();
    GenDoc {
        file: format!("gen-{:0width$}.pdf", index + 1),
        title,
        year,
        kind,
        pages,
    }
}

/// The lines of one page: a running head, paragraphs of consecutive sentences, a page number.
fn make_page(pool: &SentencePool, rng: &mut Rng, title: &str, number: usize) -> Vec<String> {
    let mut lines = vec![title.to_owned(), String::new()];
    let target = rng.between(1200, 3400);
    let mut chars = 0;
    while chars < target && lines.len() + 3 < MAX_LINES {
        let run = rng.between(2, 6);
        let start = rng.below(pool.sentences.len());
        let paragraph: Vec<&str> = pool
            .sentences
            .iter()
            .cycle()
            .skip(start)
            .take(run)
            .map(String::as_str)
            .collect();
        let paragraph = paragraph.join(" ");
        chars += paragraph.chars().count();
        for line in wrap(&paragraph, LINE_CHARS) {
            if lines.len() + 2 >= MAX_LINES {
                break;
            }
            lines.push(line);
        }
        lines.push(String::new());
    }
    lines.push(number.to_string());
    lines
}

/// Breaks `text` into lines of at most `width` characters at spaces (a longer word gets a line
/// of its own).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_chars = 0;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let n = word.chars().count();
        if line_chars > 0 && line_chars + 1 + n > width {
            lines.push(std::mem::take(&mut line));
            line_chars = 0;
        }
        if line_chars > 0 {
            line.push(' ');
            line_chars += 1;
        }
        line.push_str(word);
        line_chars += n;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A PDF of `pages` (lines of text each) titled `title`, in Helvetica with `WinAnsiEncoding`.
///
/// # Errors
/// Fails only if lopdf cannot serialise the document.
pub fn pdf_bytes(title: &str, pages: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! {
        "Font" => dictionary! { "F1" => font_id },
    });
    let mut kids = Vec::with_capacity(pages.len());
    for lines in pages {
        let mut stream = Stream::new(dictionary! {}, content_stream(lines));
        // Compression failing leaves the stream plain, which is still a valid PDF.
        let _ = stream.compress();
        let content_id = doc.add_object(stream);
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content_id,
        });
        kids.push(Object::Reference(page_id));
    }
    let count = i64::try_from(kids.len()).unwrap_or(i64::MAX);
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => kids,
            "Count" => count,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
    });
    let info_id = doc.add_object(dictionary! {
        "Title" => Object::String(utf16_text(title), StringFormat::Hexadecimal),
        "Producer" => Object::string_literal("pubsearch gen-corpus"),
    });
    doc.trailer.set("Root", catalog_id);
    doc.trailer.set("Info", info_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes)
        .map_err(|e| Error::io("generated PDF", std::io::Error::other(e)))?;
    Ok(bytes)
}

/// A PDF text string: UTF-16BE with a byte-order mark.
fn utf16_text(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    bytes
}

/// The content stream of one page: each line one `Tj`, 13 pt apart, from the top margin.
fn content_stream(lines: &[String]) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines.iter().map(|l| l.len() + 8).sum::<usize>() + 64);
    out.extend_from_slice(b"BT\n/F1 10 Tf\n13 TL\n50 790 Td\n");
    for line in lines {
        if !line.is_empty() {
            out.push(b'(');
            for c in line.chars() {
                // Lines are made of encodable sentences; anything else would be a bug upstream.
                let byte = winansi_byte(c).unwrap_or(b'?');
                if matches!(byte, b'(' | b')' | b'\\') {
                    out.push(b'\\');
                }
                out.push(byte);
            }
            out.extend_from_slice(b") Tj\n");
        }
        out.extend_from_slice(b"T*\n");
    }
    out.extend_from_slice(b"ET\n");
    out
}

fn write_manifest(out: &Path, docs: &[(GenDoc, u64)]) -> Result<()> {
    let documents: Vec<serde_json::Value> = docs
        .iter()
        .map(|(doc, bytes)| {
            serde_json::json!({
                "file": doc.file,
                "title": doc.title,
                "year": doc.year,
                "kind": doc.kind,
                "publisher": "pubsearch gen-corpus",
                "pages": doc.pages.len(),
                "bytes": bytes,
            })
        })
        .collect();
    let manifest = serde_json::json!({ "documents": documents });
    let mut text = serde_json::to_string_pretty(&manifest).unwrap_or_default();
    let _ = writeln!(text);
    let path = out.join(crate::index::metadata::MANIFEST_FILE);
    std::fs::write(&path, text).map_err(|e| Error::io(&path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_letters_have_winansi_codes() {
        assert_eq!(winansi_byte('æ'), Some(0xE6));
        assert_eq!(winansi_byte('Ø'), Some(0xD8));
        assert_eq!(winansi_byte('å'), Some(0xE5));
        assert_eq!(winansi_byte('–'), Some(0x96));
        assert_eq!(winansi_byte('ﬁ'), None);
    }

    #[test]
    fn sentences_are_cut_at_full_stops_before_capitals() {
        let text = "Centret har styrket rådgivningen af kommunerne i hele landet. Det \
                    skete i 2019 med nye værktøjer til forebyggelse. kort.";
        let sentences = split_sentences(text);
        assert_eq!(
            sentences,
            [
                "Centret har styrket rådgivningen af kommunerne i hele landet.",
                "Det skete i 2019 med nye værktøjer til forebyggelse. kort."
            ]
        );
    }

    #[test]
    fn lines_wrap_at_spaces_within_the_width() {
        let lines = wrap("en to tre fire fem seks syv", 9);
        assert_eq!(lines, ["en to tre", "fire fem", "seks syv"]);
    }

    #[test]
    fn a_written_pdf_extracts_to_its_danish_text() {
        let pages = vec![
            vec!["Årsrapport om forebyggelse (2019)".to_owned()],
            vec!["Rådgivning, støtte og sparring – på tværs.".to_owned()],
        ];
        let bytes = pdf_bytes("Prøve", &pages).expect("pdf");
        let pdf = crate::extract::extract_bytes(&bytes).expect("extracts");
        assert_eq!(pdf.pages.len(), 2);
        assert!(
            pdf.pages[0]
                .text
                .contains("Årsrapport om forebyggelse (2019)")
        );
        assert!(pdf.pages[1].text.contains("Rådgivning, støtte og sparring"));
        assert_eq!(pdf.info.title.as_deref(), Some("Prøve"));
    }
}

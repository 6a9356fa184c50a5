//! Extraction quality: every corpus PDF and every file of the producer matrix, scored against
//! the ground truth with the metrics of the shared `score-extraction` tool (re-implemented here):
//! word recall, bigram recall (reading order, with running headers and footers skipped), split
//! and merged words, and æøå integrity.

use std::collections::HashMap;
use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use crate::util::{corpus_dir, fixture, read_queries};

/// Scores of one extraction against its truth.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    pub recall: f64,
    pub precision: f64,
    pub f1: f64,
    pub bigram_recall: f64,
    pub split_words: usize,
    pub merged_words: usize,
    pub aeoeaa: f64,
}

fn normalise(text: &str) -> String {
    text.nfc().flat_map(char::to_lowercase).collect()
}

fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() || (!current.is_empty() && is_mark(c)) {
            current.push(c);
        } else if !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x20D0..=0x20FF)
}

fn counts<T: std::hash::Hash + Eq + Clone>(
    items: impl IntoIterator<Item = T>,
) -> HashMap<T, usize> {
    let mut map = HashMap::new();
    for item in items {
        *map.entry(item).or_insert(0) += 1;
    }
    map
}

fn overlap<T: std::hash::Hash + Eq>(a: &HashMap<T, usize>, b: &HashMap<T, usize>) -> usize {
    a.iter()
        .map(|(k, n)| (*n).min(b.get(k).copied().unwrap_or(0)))
        .sum()
}

fn bigrams(tokens: &[String]) -> HashMap<(String, String), usize> {
    counts(tokens.windows(2).map(|w| (w[0].clone(), w[1].clone())))
}

/// A bare page number line: `12`, `- 12 -`, `Side 3 af 40`, `3/40`.
fn is_page_number(line: &str) -> bool {
    let trimmed: &str = line.trim_matches(|c: char| !c.is_alphanumeric());
    let rest = ["side", "page", "s."]
        .iter()
        .find_map(|p| trimmed.strip_prefix(p))
        .unwrap_or(trimmed)
        .trim();
    let mut parts = rest.splitn(2, |c: char| !c.is_ascii_digit());
    let first = parts.next().unwrap_or_default();
    if first.is_empty() || first.len() > 4 {
        return false;
    }
    match parts.next() {
        None => true,
        Some(tail) => {
            let tail = tail.trim();
            let tail = ["af", "of", "/"]
                .iter()
                .find_map(|s| tail.strip_prefix(s))
                .map(str::trim);
            tail.is_some_and(|t| {
                !t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit())
            })
        }
    }
}

fn mask_digits(line: &str) -> String {
    let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    let mut in_digits = false;
    for c in collapsed.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('#');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// Tokens without running headers, footers and page numbers.
fn furniture_free_tokens(text: &str) -> Option<Vec<String>> {
    let pages: Vec<&str> = text.split('\x0c').collect();
    if pages.len() < 2 {
        return None;
    }
    let page_lines: Vec<Vec<String>> = pages
        .iter()
        .map(|p| {
            p.lines()
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect()
        })
        .collect();
    let mut edge: HashMap<String, usize> = HashMap::new();
    for lines in &page_lines {
        let n = lines.len();
        let mut keys: Vec<String> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| *i < 3 || *i + 3 >= n)
            .map(|(_, l)| mask_digits(l))
            .collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            *edge.entry(key).or_insert(0) += 1;
        }
    }
    let n_pages = page_lines.iter().filter(|l| !l.is_empty()).count();
    let threshold = (0.3 * n_pages as f64).max(2.0);
    let mut out = Vec::new();
    for lines in &page_lines {
        let n = lines.len();
        for (i, line) in lines.iter().enumerate() {
            if (i < 3 || i + 3 >= n)
                && (is_page_number(line)
                    || edge.get(&mask_digits(line)).copied().unwrap_or(0) as f64 >= threshold)
            {
                continue;
            }
            out.extend(tokens(line));
        }
    }
    Some(out)
}

/// Scores `extracted` (pages separated by form feeds) against `truth`.
pub fn score(truth: &str, extracted: &str) -> Scores {
    let truth = normalise(truth);
    let extracted = normalise(extracted);
    let t_tokens = tokens(&truth);
    let e_tokens = tokens(&extracted);
    let t_counts = counts(t_tokens.iter().cloned());
    let e_counts = counts(e_tokens.iter().cloned());
    let hit = overlap(&t_counts, &e_counts);
    let recall = hit as f64 / t_tokens.len().max(1) as f64;
    let precision = hit as f64 / e_tokens.len().max(1) as f64;
    let f1 = if recall + precision > 0.0 {
        2.0 * recall * precision / (recall + precision)
    } else {
        0.0
    };

    let t_bigrams = bigrams(&t_tokens);
    let mut e_bigrams = bigrams(&e_tokens);
    if let Some(clean) = furniture_free_tokens(&extracted) {
        for (k, n) in bigrams(&clean) {
            let entry = e_bigrams.entry(k).or_insert(0);
            *entry = (*entry).max(n);
        }
    }
    let bigram_recall =
        overlap(&t_bigrams, &e_bigrams) as f64 / t_tokens.len().saturating_sub(1).max(1) as f64;

    let is_digits = |w: &str| w.chars().all(|c| c.is_ascii_digit());
    let joined_pairs = counts(e_tokens.windows(2).map(|w| format!("{}{}", w[0], w[1])));
    let split_words = t_counts
        .iter()
        .filter(|(w, _)| !is_digits(w))
        .map(|(w, n)| {
            let missing = n.saturating_sub(e_counts.get(w).copied().unwrap_or(0));
            missing.min(joined_pairs.get(w).copied().unwrap_or(0))
        })
        .sum();
    let truth_pairs = counts(t_tokens.windows(2).map(|w| format!("{}{}", w[0], w[1])));
    let merged_words = e_counts
        .iter()
        .filter(|(w, _)| !is_digits(w))
        .map(|(w, n)| {
            let extra = n.saturating_sub(t_counts.get(w).copied().unwrap_or(0));
            extra.min(truth_pairs.get(w).copied().unwrap_or(0))
        })
        .sum();
    let danish: HashMap<String, usize> = t_counts
        .iter()
        .filter(|(w, _)| w.contains(['æ', 'ø', 'å']))
        .map(|(w, n)| (w.clone(), *n))
        .collect();
    let danish_total: usize = danish.values().sum();
    let aeoeaa = if danish_total == 0 {
        1.0
    } else {
        overlap(&danish, &e_counts) as f64 / danish_total as f64
    };
    Scores {
        recall,
        precision,
        f1,
        bigram_recall,
        split_words,
        merged_words,
        aeoeaa,
    }
}

/// The text `pubsearch extract` prints: pages separated by form feeds.
fn extract_text(path: &Path) -> String {
    let pdf = pubsearch::extract_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    for page in &pdf.pages {
        text.push_str(&page.text);
        text.push('\x0c');
    }
    text
}

/// Minimum scores a file must reach.
#[derive(Debug, Clone, Copy)]
struct Bar {
    recall: f64,
    bigram: f64,
    split: usize,
    aeoeaa: f64,
}

/// The bar of the extraction issue, for every file.
const BAR: Bar = Bar {
    recall: 0.998,
    bigram: 0.985,
    split: 0,
    aeoeaa: 0.999,
};

/// Files that do not reach [`BAR`] yet, with what they reach today (none at present: the
/// table stays so a regression can be recorded openly rather than by lowering [`BAR`]).
const KNOWN_GAPS: &[(&str, Bar)] = &[];

/// `pdftotext` (poppler, default mode) on each file of the matrix: F1, bigram recall and
/// merged words. The bar also asks not to fall below it: F1 by at most 0.002, bigram recall
/// not at all, and no more merged words.
const PDFTOTEXT: &[(&str, f64, f64, usize)] = &[
    ("aarsrapport-2018.chromium", 0.9629, 0.9854, 2),
    ("aarsrapport-2018.groff", 0.9743, 0.9615, 3),
    ("aarsrapport-2018.libreoffice", 0.9676, 0.9943, 2),
    ("aarsrapport-2018.pdflatex", 0.9780, 0.9610, 4),
    ("aarsrapport-2018.qpdf-aes256", 0.9676, 0.9943, 2),
    ("aarsrapport-2018.qpdf-objstreams", 0.9676, 0.9943, 2),
    ("aarsrapport-2018.qpdf-rc4", 0.9676, 0.9943, 2),
    ("aarsrapport-2018.xelatex", 0.9777, 0.9603, 5),
    ("aarsrapport-2019.chromium", 0.9636, 0.9802, 5),
    ("aarsrapport-2019.groff", 0.9745, 0.9601, 5),
    ("aarsrapport-2019.libreoffice", 0.9638, 0.9911, 5),
    ("aarsrapport-2019.pdflatex", 0.9773, 0.9614, 4),
    ("aarsrapport-2019.qpdf-aes256", 0.9638, 0.9911, 5),
    ("aarsrapport-2019.qpdf-objstreams", 0.9638, 0.9911, 5),
    ("aarsrapport-2019.qpdf-rc4", 0.9638, 0.9911, 5),
    ("aarsrapport-2019.xelatex", 0.9769, 0.9606, 5),
    ("evaluering-2017-2020.chromium", 0.9545, 0.9800, 1),
    ("evaluering-2017-2020.groff", 0.9591, 0.9583, 1),
    ("evaluering-2017-2020.libreoffice", 0.9476, 0.9924, 2),
    ("evaluering-2017-2020.pdflatex", 0.9642, 0.9611, 2),
    ("evaluering-2017-2020.qpdf-aes256", 0.9476, 0.9924, 2),
    ("evaluering-2017-2020.qpdf-objstreams", 0.9476, 0.9924, 2),
    ("evaluering-2017-2020.qpdf-rc4", 0.9476, 0.9924, 2),
    ("evaluering-2017-2020.xelatex", 0.9641, 0.9606, 3),
];

fn bar_for(name: &str) -> Bar {
    KNOWN_GAPS
        .iter()
        .find(|(file, _)| *file == name)
        .map_or(BAR, |(_, bar)| *bar)
}

fn check(name: &str, scores: &Scores, bar: Bar, failures: &mut Vec<String>) {
    println!(
        "{name:<42} recall {:.4} prec {:.4} F1 {:.4} bigram {:.4} split {:>3} merged {:>3} æøå {:.4}",
        scores.recall,
        scores.precision,
        scores.f1,
        scores.bigram_recall,
        scores.split_words,
        scores.merged_words,
        scores.aeoeaa
    );
    if scores.recall < bar.recall {
        failures.push(format!(
            "{name}: recall {:.4} < {}",
            scores.recall, bar.recall
        ));
    }
    if scores.bigram_recall < bar.bigram {
        failures.push(format!(
            "{name}: bigram recall {:.4} < {}",
            scores.bigram_recall, bar.bigram
        ));
    }
    if scores.split_words > bar.split {
        failures.push(format!(
            "{name}: {} split words > {}",
            scores.split_words, bar.split
        ));
    }
    if scores.aeoeaa < bar.aeoeaa {
        failures.push(format!(
            "{name}: æøå integrity {:.4} < {}",
            scores.aeoeaa, bar.aeoeaa
        ));
    }
}

#[test]
fn corpus_pdfs_meet_the_extraction_bar() {
    let mut failures = Vec::new();
    for doc in [
        "aarsrapport-2018",
        "aarsrapport-2019",
        "evaluering-2017-2020",
        "status-paa-centerets-arbejde",
    ] {
        let truth = std::fs::read_to_string(fixture(&format!("truth/{doc}.txt"))).expect("truth");
        let text = extract_text(&corpus_dir().join(format!("{doc}.pdf")));
        check(doc, &score(&truth, &text), bar_for(doc), &mut failures);
    }
    assert!(
        failures.is_empty(),
        "below the bar:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_producer_of_the_matrix_meets_the_extraction_bar() {
    let dir = fixture("extraction");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("matrix folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 24, "3 documents × 8 producers");
    let mut failures = Vec::new();
    for path in &files {
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("stem");
        let doc = stem.split('.').next().expect("doc");
        let truth =
            std::fs::read_to_string(dir.join("truth").join(format!("{doc}.txt"))).expect("truth");
        let text = extract_text(path);
        let scores = score(&truth, &text);
        check(stem, &scores, bar_for(stem), &mut failures);
        let (_, f1, bigram, merged) = PDFTOTEXT
            .iter()
            .find(|(file, ..)| *file == stem)
            .copied()
            .unwrap_or_else(|| panic!("{stem}: no pdftotext baseline"));
        if scores.f1 < f1 - 0.002 || scores.bigram_recall < bigram || scores.merged_words > merged {
            failures.push(format!(
                "{stem}: below pdftotext (F1 {:.4} vs {f1}, bigram {:.4} vs {bigram}, merged {} vs {merged})",
                scores.f1, scores.bigram_recall, scores.merged_words
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "below the bar:\n{}",
        failures.join("\n")
    );
}

#[test]
fn known_phrases_of_each_corpus_pdf_are_extracted() {
    let phrases = [
        ("aarsrapport-2018", "mødtes i Oslo i september 2018"),
        ("aarsrapport-2019", "Ungdommens Folkemøde i Valbyparken"),
        (
            "evaluering-2017-2020",
            "brev til samtlige kommunaldirektører",
        ),
        (
            "status-paa-centerets-arbejde",
            "Nationalt Center for Forebyggelse af Ekstremisme",
        ),
    ];
    for (doc, phrase) in phrases {
        let text = extract_text(&corpus_dir().join(format!("{doc}.pdf")));
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(phrase),
            "{doc}: `{phrase}` not in the extracted text"
        );
    }
}

#[test]
fn scorer_counts_split_and_merged_words() {
    let truth = "forebyggelse af ekstremisme";
    let scores = score(truth, "forebyg gelse afekstremisme");
    assert_eq!(scores.split_words, 1);
    assert_eq!(scores.merged_words, 1);
    assert!(scores.recall < 0.01);
    let scores = score(truth, "forebyggelse af ekstremisme");
    assert!((scores.recall - 1.0).abs() < 1e-9 && (scores.bigram_recall - 1.0).abs() < 1e-9);
}

/// Answer phrases of the real-Danish set that are not found on their page yet.
// None at present; a regression goes here as `(doc, page)` with a FIXME and the reason.
const PHRASE_GAPS: &[(&str, u32)] = &[];

#[test]
fn real_danish_answer_phrases_are_found_on_their_pages() {
    let dir = fixture("real-danish");
    let cases = read_queries(&dir.join("queries.tsv"));
    assert_eq!(cases.len(), 33, "3 queries for each of 11 PDFs");
    let mut pages: HashMap<String, Vec<String>> = HashMap::new();
    let mut missing = Vec::new();
    for case in &cases {
        let doc_pages = pages.entry(case.doc.clone()).or_insert_with(|| {
            let pdf = pubsearch::extract_file(&dir.join(format!("{}.pdf", case.doc)))
                .unwrap_or_else(|e| panic!("{}: {e}", case.doc));
            pdf.pages
                .iter()
                .map(|p| p.text.split_whitespace().collect::<Vec<_>>().join(" "))
                .collect()
        });
        let phrase = case
            .answer_phrase
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let page = doc_pages
            .get(case.page as usize - 1)
            .map_or("", String::as_str);
        if !page.contains(&phrase) && !PHRASE_GAPS.contains(&(case.doc.as_str(), case.page)) {
            missing.push(format!("{} p. {}: `{phrase}`", case.doc, case.page));
        }
    }
    assert!(missing.is_empty(), "not found:\n{}", missing.join("\n"));
}

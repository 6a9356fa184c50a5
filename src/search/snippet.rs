//! Snippets: the best passage of a page for a query, with every matched word highlighted.
//!
//! In: the page text, the query's [`HighlightTerms`] and a length. Out: a [`Snippet`] — about
//! that many characters, cut at word boundaries, white space collapsed, with the byte ranges of
//! the matched words.
//!
//! A page word matches a query item when its exact form, its stem or its folded stem is one of
//! the item's terms, when it contains a compound part of the item (so `rapportering` lights up in
//! `statusrapportering`), or when it is within the fuzzy distance of a fuzzy item. The passage is
//! the window of matches that covers the most distinct query items (then the most matches);
//! it is widened to the requested length, a little more after the matches than before.
//!
//! Tantivy's own snippet generator knows neither fuzzy nor phrase matches and returns one
//! fragment per field; this one shares the query's analysis and so highlights what matched.

use std::collections::HashSet;

use serde::Serialize;

use super::rank::{HighlightTerms, ItemTerms};
use crate::analysis::{fold, normalize, stem};

/// Default snippet length, in characters.
pub const DEFAULT_SNIPPET_CHARS: usize = 200;

/// A passage of a page with highlighted matches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The passage; `…` marks a cut at either end.
    pub text: String,
    /// Byte ranges in `text` of the matched words, in order, not overlapping.
    pub highlights: Vec<[usize; 2]>,
}

/// A page word matched by a query item.
#[derive(Debug, Clone, Copy)]
struct Match {
    start: usize,
    end: usize,
    item: usize,
    content: bool,
}

/// Builds the snippet of `text` for `terms`, about `max_chars` characters long.
///
/// For several pages of one search, a [`Snippeter`] does the same and remembers the words it
/// has matched from one page to the next.
pub fn make_snippet(text: &str, terms: &HighlightTerms, max_chars: usize) -> Snippet {
    Snippeter::new(terms).snippet(text, max_chars)
}

/// Makes the snippets of one search: the query's anchors are worked out once, and each distinct
/// page word is matched against the query once, however many pages hold it.
pub struct Snippeter<'a> {
    terms: &'a HighlightTerms,
    anchors: Anchors,
    memo: Memo<'a>,
}

impl<'a> Snippeter<'a> {
    /// A snippeter for the query items `terms`.
    pub fn new(terms: &'a HighlightTerms) -> Snippeter<'a> {
        Snippeter {
            terms,
            anchors: Anchors::new(terms),
            memo: Memo::new(terms),
        }
    }

    /// The snippet of `text`, about `max_chars` characters long.
    pub fn snippet(&mut self, text: &str, max_chars: usize) -> Snippet {
        let filter = Prefilter::new(text, &self.anchors);
        snippet_with(text, self.terms, max_chars, &filter, &mut self.memo)
    }
}

fn snippet_with(
    text: &str,
    terms: &HighlightTerms,
    max_chars: usize,
    filter: &Prefilter<'_>,
    memo: &mut Memo<'_>,
) -> Snippet {
    let max_chars = max_chars.max(20);
    let mut words: Vec<PageWord> = Vec::new();
    for span in normalize::word_spans(text) {
        let id = match filter.check(text, span) {
            Check::Dropped => continue,
            Check::NoMatch => None,
            Check::Candidate => match normalize::normalize_span(text, span) {
                Some(normalised) => Some(memo.intern(normalised)),
                None => continue,
            },
        };
        words.push(PageWord {
            start: span.start,
            end: span.end,
            id,
        });
    }
    // Phrases first: a phrase lights up only where its words stand in order.
    let mut phrase_word: Vec<Option<usize>> = vec![None; words.len()];
    for (item, item_terms) in terms.items.iter().enumerate() {
        let n = item_terms.phrase.len();
        if n < 2 || n > words.len() {
            continue;
        }
        for start in 0..=words.len() - n {
            let fits = (0..n).all(|k| {
                phrase_word[start + k].is_none()
                    && memo.matches(words[start + k].id, Target::Part(item, k))
            });
            if fits {
                phrase_word[start..start + n]
                    .iter_mut()
                    .for_each(|slot| *slot = Some(item));
            }
        }
    }
    let mut matches: Vec<Match> = Vec::new();
    for (word, phrase_item) in words.iter().zip(&phrase_word) {
        let item = phrase_item.or_else(|| {
            (0..terms.items.len()).find(|&item| {
                terms.items[item].phrase.len() < 2 && memo.matches(word.id, Target::Item(item))
            })
        });
        if let Some(item) = item {
            matches.push(Match {
                start: word.start,
                end: word.end,
                item,
                content: terms.items[item].content,
            });
        }
    }
    let (from, to) = best_window(&matches, max_chars);
    let (start, end) = widen(text, &words, from, to, max_chars);
    render(text, start, end, &matches)
}

/// A word of the page: where it stands and, when it may match, its distinct-word id in the
/// [`Memo`].
#[derive(Debug, Clone, Copy)]
struct PageWord {
    start: usize,
    end: usize,
    id: Option<usize>,
}

/// What a quick look at a page word says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// Normalisation drops the word (too long): it is not a word of the page.
    Dropped,
    /// The word cannot match any query item.
    NoMatch,
    /// The word may match: normalise it and match it for real.
    Candidate,
}

/// Most bytes of a folded prefix compared by the [`Prefilter`].
const KEY_BYTES: usize = 8;

/// A quick test that rules out most page words without normalising, stemming or folding them,
/// which is where snippet time went.
///
/// Every way a word matches an item (see [`matches_item`]) but two implies that the word's
/// folded form starts with the folded form of one of the item's exact forms, stems or folded
/// stems: Snowball only removes endings, and folding reads left to right, so folding a prefix
/// gives a prefix of the folded word. So the filter compares the first [`KEY_BYTES`] folded
/// letters of the page word with those [`Anchors`]. The two others: a compound part inside a
/// longer word is looked for in the lower-cased page once per part; a fuzzy item turns the
/// filter off. A word with anything but ASCII letters and digits and `æøå` in it (capitals
/// `ÆØÅ`, ligatures, accents, joined numbers) is always a candidate. The filter only decides
/// what is worth matching; the test `the_prefilter_never_changes_a_snippet` checks that it never
/// changes a snippet.
struct Prefilter<'a> {
    anchors: &'a Anchors,
    /// Byte ranges of compound parts found in the lower-cased page, sorted by start.
    infixes: Vec<(usize, usize)>,
}

/// What the [`Prefilter`] compares page words with, worked out once per query.
struct Anchors {
    /// Everything is a candidate (fuzzy items).
    off: bool,
    /// Folded prefixes of the items' forms, at most [`KEY_BYTES`] characters each.
    prefixes: Vec<Vec<u8>>,
    /// Compound parts looked for inside longer words.
    parts: Vec<String>,
}

impl Anchors {
    fn new(terms: &HighlightTerms) -> Anchors {
        let mut anchors = Anchors {
            off: false,
            prefixes: Vec::new(),
            parts: Vec::new(),
        };
        let mut add = |item: &ItemTerms| {
            anchors.off |= !item.fuzzy.is_empty();
            for form in item.exact.iter().chain(&item.stems).chain(&item.folded) {
                let head: String = form.chars().take(KEY_BYTES).collect();
                let prefix: String = fold::fold(&head).chars().take(KEY_BYTES).collect();
                if !anchors.prefixes.iter().any(|a| a == prefix.as_bytes()) {
                    anchors.prefixes.push(prefix.into_bytes());
                }
            }
            for part in &item.infixes {
                anchors.off |= part.is_empty();
                if !anchors.parts.contains(part) {
                    anchors.parts.push(part.clone());
                }
            }
        };
        for item in &terms.items {
            add(item);
            item.phrase.iter().for_each(&mut add);
        }
        anchors
    }

    /// Anchors that let every word through: the reference the quick test is checked against.
    #[cfg(test)]
    fn off() -> Anchors {
        Anchors {
            off: true,
            prefixes: Vec::new(),
            parts: Vec::new(),
        }
    }
}

impl<'a> Prefilter<'a> {
    fn new(text: &str, anchors: &'a Anchors) -> Prefilter<'a> {
        let mut infixes = Vec::new();
        if !anchors.off && !anchors.parts.is_empty() {
            let lower = text.to_ascii_lowercase();
            for part in &anchors.parts {
                infixes.extend(
                    lower
                        .match_indices(part.as_str())
                        .map(|(at, found)| (at, at + found.len())),
                );
            }
            infixes.sort_unstable();
        }
        Prefilter { anchors, infixes }
    }

    fn check(&self, text: &str, span: normalize::Span) -> Check {
        let Some(raw) = text.get(span.start..span.end) else {
            return Check::Dropped;
        };
        if self.anchors.off || span.joined {
            return Check::Candidate;
        }
        let mut key = [0u8; KEY_BYTES];
        let mut len = 0;
        let mut last = 0u8;
        for c in raw.chars() {
            let spelled: &[u8] = match c {
                'a'..='z' | '0'..='9' => &[c as u8],
                'A'..='Z' => &[c.to_ascii_lowercase() as u8],
                'æ' => b"ae",
                'ø' => b"oe",
                'å' => b"aa",
                _ => return Check::Candidate,
            };
            for &b in spelled {
                // Folding drops `a`/`e` after a kept `a`, and `e` after a kept `o`.
                let dropped =
                    (last == b'a' && matches!(b, b'a' | b'e')) || (last == b'o' && b == b'e');
                if len < KEY_BYTES && !dropped {
                    key[len] = b;
                    len += 1;
                }
                if !dropped {
                    last = b;
                }
            }
        }
        // Only ASCII letters and digits and `æøå` from here: normalising keeps the length.
        if raw.len() > normalize::MAX_WORD_BYTES {
            return Check::Dropped;
        }
        let key = &key[..len];
        if self.anchors.prefixes.iter().any(|a| key.starts_with(a)) {
            return Check::Candidate;
        }
        let inside = self
            .infixes
            .iter()
            .take_while(|(from, _)| *from < span.end)
            .any(|&(from, to)| {
                from >= span.start && to <= span.end && span.end - span.start > to - from
            });
        if inside {
            Check::Candidate
        } else {
            Check::NoMatch
        }
    }
}

/// A query item, or word `k` of phrase item `i`.
#[derive(Debug, Clone, Copy)]
enum Target {
    Item(usize),
    Part(usize, usize),
}

/// Whether each distinct candidate word matches each target, worked out once per distinct word:
/// a page repeats its words, and matching folds and stems.
struct Memo<'a> {
    terms: &'a HighlightTerms,
    /// Id of each distinct word.
    by_text: std::collections::HashMap<String, usize>,
    /// Per distinct word: the word, its lazily computed forms, and results by target slot.
    distinct: Vec<(String, WordForms, Vec<Option<bool>>)>,
    /// Slot of each target: items first, then phrase words.
    part_offsets: Vec<usize>,
    slots: usize,
}

impl<'a> Memo<'a> {
    fn new(terms: &'a HighlightTerms) -> Memo<'a> {
        let mut part_offsets = Vec::with_capacity(terms.items.len());
        let mut slots = terms.items.len();
        for item in &terms.items {
            part_offsets.push(slots);
            slots += item.phrase.len();
        }
        Memo {
            terms,
            by_text: std::collections::HashMap::new(),
            distinct: Vec::new(),
            part_offsets,
            slots,
        }
    }

    /// The id of a normalised word.
    fn intern(&mut self, word: String) -> usize {
        if let Some(&id) = self.by_text.get(&word) {
            return id;
        }
        let id = self.distinct.len();
        self.distinct
            .push((word.clone(), WordForms::default(), vec![None; self.slots]));
        self.by_text.insert(word, id);
        id
    }

    /// Whether the word with this id matches `target`; a word without an id matches nothing.
    fn matches(&mut self, id: Option<usize>, target: Target) -> bool {
        let Some(id) = id else {
            return false;
        };
        let (slot, item_terms) = match target {
            Target::Item(i) => (i, &self.terms.items[i]),
            Target::Part(i, k) => (self.part_offsets[i] + k, &self.terms.items[i].phrase[k]),
        };
        let (text, forms, results) = &mut self.distinct[id];
        *results[slot].get_or_insert_with(|| matches_item(text, forms, item_terms))
    }
}

/// Forms of a page word, computed when first needed.
#[derive(Debug, Default)]
struct WordForms {
    stem: Option<String>,
    folded: Option<String>,
    folded_stem: Option<String>,
}

impl WordForms {
    fn stem(&mut self, word: &str) -> &str {
        self.stem.get_or_insert_with(|| stem::stem(word))
    }

    fn folded(&mut self, word: &str) -> &str {
        self.folded.get_or_insert_with(|| fold::fold(word))
    }

    fn folded_stem(&mut self, word: &str) -> &str {
        if self.folded_stem.is_none() {
            let stemmed = stem::stem(self.folded(word));
            self.folded_stem = Some(stemmed);
        }
        self.folded_stem.as_deref().unwrap_or_default()
    }
}

/// Whether `word` starts with the first three letters of one of `candidates`.
fn worth(candidates: &HashSet<String>, word: &str) -> bool {
    candidates.iter().any(|c| {
        let end = c.char_indices().nth(3).map_or(c.len(), |(i, _)| i);
        word.starts_with(&c[..end])
    })
}

fn matches_item(word: &str, forms: &mut WordForms, item: &ItemTerms) -> bool {
    if item.exact.contains(word) {
        return true;
    }
    // Stems and folded stems start like the word (Snowball only removes endings), so only a
    // word starting with a stem's first three letters is worth stemming.
    if worth(&item.stems, word) && item.stems.contains(forms.stem(word)) {
        return true;
    }
    if worth(&item.folded, forms.folded(word)) && item.folded.contains(forms.folded_stem(word)) {
        return true;
    }
    if item
        .infixes
        .iter()
        .any(|part| word.len() > part.len() && word.contains(part.as_str()))
    {
        return true;
    }
    if item.fuzzy.is_empty() {
        return false;
    }
    let word_key = forms.folded_stem(word);
    item.fuzzy
        .iter()
        .any(|(key, distance)| edit_distance_at_most(word_key, key, usize::from(*distance)))
}

/// Byte range `[from, to)` spanning the best group of matches, or `(0, 0)` without matches.
fn best_window(matches: &[Match], max_chars: usize) -> (usize, usize) {
    let mut best: Option<(usize, usize, (usize, usize))> = None;
    for i in 0..matches.len() {
        let mut items: Vec<usize> = Vec::new();
        let mut j = i;
        while j < matches.len() && matches[j].end.saturating_sub(matches[i].start) <= max_chars {
            if matches[j].content && !items.contains(&matches[j].item) {
                items.push(matches[j].item);
            }
            j += 1;
        }
        let score = (items.len(), j - i);
        if best.is_none_or(|(_, _, best_score)| score > best_score) {
            best = Some((
                matches[i].start,
                matches[j.saturating_sub(1).max(i)].end,
                score,
            ));
        }
    }
    best.map_or((0, 0), |(from, to, _)| (from, to))
}

/// Widens `[from, to)` to about `max_chars` characters, cut at word boundaries.
fn widen(
    text: &str,
    words: &[PageWord],
    from: usize,
    to: usize,
    max_chars: usize,
) -> (usize, usize) {
    let used = text.get(from..to).map_or(0, |s| s.chars().count());
    let spare = max_chars.saturating_sub(used);
    let before = spare / 3;
    // Start at the first word beginning no more than `before` characters earlier.
    let mut start = from;
    for word in words.iter().rev().filter(|w| w.start < from) {
        let distance = text
            .get(word.start..from)
            .map_or(usize::MAX, |s| s.chars().count());
        if distance > before {
            break;
        }
        start = word.start;
    }
    let room = max_chars.saturating_sub(text.get(start..to).map_or(0, |s| s.chars().count()));
    let mut end = to.max(start);
    let first_after = to.max(start);
    for word in words.iter().filter(|w| w.start >= first_after) {
        let distance = text
            .get(start..word.end)
            .map_or(usize::MAX, |s| s.chars().count());
        if distance > max_chars && end > start {
            break;
        }
        end = word.end;
        if room == 0 {
            break;
        }
    }
    // Keep a sentence's closing punctuation.
    if let Some(c) = text.get(end..).and_then(|rest| rest.chars().next())
        && matches!(c, '.' | '!' | '?' | ')' | '»' | '"')
    {
        end += c.len_utf8();
    }
    (start, end)
}

/// The snippet text of `text[start..end]` with white space collapsed and highlights mapped.
fn render(text: &str, start: usize, end: usize, matches: &[Match]) -> Snippet {
    let mut out = String::with_capacity(end.saturating_sub(start) + 8);
    let mut highlights = Vec::new();
    let cut_before = text.get(..start).is_some_and(|s| !s.trim().is_empty());
    let cut_after = text.get(end..).is_some_and(|s| !s.trim().is_empty());
    if cut_before {
        out.push_str("… ");
    }
    let inside: Vec<&Match> = matches
        .iter()
        .filter(|m| m.start >= start && m.end <= end)
        .collect();
    let mut next_match = 0;
    let mut open: Option<usize> = None;
    let mut last_space = true;
    for (idx, c) in text.get(start..end).unwrap_or_default().char_indices() {
        let at = start + idx;
        if let Some(m) = inside.get(next_match)
            && open.is_none()
            && at == m.start
        {
            open = Some(out.len());
        }
        if c.is_whitespace() || c.is_control() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
        if let (Some(m), Some(from)) = (inside.get(next_match), open)
            && at + c.len_utf8() == m.end
        {
            highlights.push([from, out.len()]);
            open = None;
            next_match += 1;
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    if cut_after {
        out.push_str(" …");
    }
    Snippet {
        text: out,
        highlights,
    }
}

/// Whether `a` and `b` are at most `limit` edits apart (Levenshtein, on characters).
fn edit_distance_at_most(a: &str, b: &str, limit: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous.last().is_some_and(|&d| d <= limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(words: &[&str]) -> ItemTerms {
        ItemTerms {
            exact: words.iter().map(|w| (*w).to_owned()).collect(),
            stems: words.iter().map(|w| stem::stem(w)).collect(),
            folded: words.iter().map(|w| stem::stem(&fold::fold(w))).collect(),
            infixes: words
                .iter()
                .filter(|w| w.len() >= 4)
                .map(|w| (*w).to_owned())
                .collect(),
            fuzzy: Vec::new(),
            content: true,
            phrase: Vec::new(),
        }
    }

    fn highlighted(snippet: &Snippet) -> Vec<&str> {
        snippet
            .highlights
            .iter()
            .map(|[a, b]| &snippet.text[*a..*b])
            .collect()
    }

    #[test]
    fn inflected_folded_and_compound_matches_are_highlighted() {
        let text = "Centret har styrket sin rådgivning.\nHandlingsplanerne blev fulgt af en statusrapportering i kommunerne.";
        let terms = HighlightTerms {
            items: vec![
                item(&["raadgivning"]),
                item(&["handlingsplan"]),
                item(&["rapportering"]),
            ],
        };
        let snippet = make_snippet(text, &terms, 200);
        assert_eq!(
            highlighted(&snippet),
            ["rådgivning", "Handlingsplanerne", "statusrapportering"]
        );
        assert!(!snippet.text.contains('\n'));
    }

    #[test]
    fn window_prefers_the_passage_with_most_query_words() {
        let filler = "Lorem ipsum dolor sit amet. ".repeat(20);
        let text =
            format!("mentor alene her. {filler} Her mødes mentor og netværk i Horsens. {filler}");
        let terms = HighlightTerms {
            items: vec![item(&["mentor"]), item(&["netværk"])],
        };
        let snippet = make_snippet(&text, &terms, 120);
        assert!(
            snippet.text.contains("mentor og netværk"),
            "{}",
            snippet.text
        );
        assert!(
            snippet.text.starts_with("… ") && snippet.text.ends_with(" …"),
            "{}",
            snippet.text
        );
        assert!(
            snippet.text.chars().count() <= 130,
            "{}",
            snippet.text.chars().count()
        );
    }

    #[test]
    fn no_match_gives_the_start_of_the_page() {
        let terms = HighlightTerms {
            items: vec![item(&["fraværende"])],
        };
        let snippet = make_snippet("Første linje af siden. Anden linje.", &terms, 200);
        assert_eq!(snippet.text, "Første linje af siden. Anden linje.");
        assert!(snippet.highlights.is_empty());
    }

    /// The query items of `query` as the search compiles them: one per word, plus the whole
    /// query as a phrase.
    fn analysed_items(analyzer: &crate::analysis::Analyzer, query: &str) -> HighlightTerms {
        let mut items: Vec<ItemTerms> = query
            .split_whitespace()
            .map(|word| {
                let words = analyzer.analyze_text(word);
                let content = words.iter().any(|w| !w.stop_word);
                crate::search::rank::item_terms(&words, content)
            })
            .collect();
        let phrase = analyzer.analyze_text(query);
        if phrase.len() > 1 {
            items.push(crate::search::rank::item_terms(&phrase, true));
        }
        HighlightTerms { items }
    }

    /// The snippet made without the prefilter: every word matched for real.
    fn reference_snippet(text: &str, terms: &HighlightTerms, max_chars: usize) -> Snippet {
        let anchors = Anchors::off();
        let filter = Prefilter::new(text, &anchors);
        snippet_with(text, terms, max_chars, &filter, &mut Memo::new(terms))
    }

    #[test]
    fn the_prefilter_never_changes_a_snippet() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let analyzer = crate::analysis::Analyzer::new(crate::analysis::Lexicon::seed());
        let mut queries: Vec<String> = std::fs::read_to_string(root.join("queries.tsv"))
            .unwrap_or_default()
            .lines()
            .skip(1)
            .filter_map(|line| line.split('\t').next().map(str::to_owned))
            .collect();
        queries.extend(
            [
                "Århus ÆBLER Økonomi",
                "aarsrapport raadgivning",
                "1.140 følgere",
                "rapportering",
                "forebyggelse",
                "SSP-konsulent",
                "finansiering",
            ]
            .map(str::to_owned),
        );
        assert!(queries.len() > 50);
        let mut pages = Vec::new();
        for dir in ["truth", "real-danish"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "txt") {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    pages.extend(text.split('\u{c}').map(str::to_owned));
                }
            }
        }
        assert!(pages.len() > 100, "{} pages", pages.len());
        for query in &queries {
            let terms = analysed_items(&analyzer, query);
            // One snippeter for all pages, as a search uses it: its memory must not leak
            // between pages either.
            let mut snippeter = Snippeter::new(&terms);
            for (n, page) in pages.iter().enumerate() {
                let quick = snippeter.snippet(page, 200);
                assert_eq!(
                    quick,
                    reference_snippet(page, &terms, 200),
                    "{query} on page {n}"
                );
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn the_prefilter_never_changes_a_snippet_of_any_text(
            text in "[a-zA-Z0-9æøåÆØÅéü\u{AD}'’.,ﬁ \n\\-]{0,120}",
            query in "[a-zA-Zæøåé ]{1,20}",
        ) {
            let analyzer = crate::analysis::Analyzer::new(crate::analysis::Lexicon::seed());
            let terms = analysed_items(&analyzer, &query);
            let quick = make_snippet(&text, &terms, 60);
            let reference = reference_snippet(&text, &terms, 60);
            proptest::prop_assert_eq!(quick, reference);
        }
    }

    #[test]
    fn fuzzy_items_match_within_their_distance() {
        let mut fuzzy = item(&[]);
        fuzzy.fuzzy.push((stem::stem("ekstremsme"), 2));
        fuzzy.exact = HashSet::new();
        let snippet = make_snippet(
            "om ekstremisme i dag",
            &HighlightTerms { items: vec![fuzzy] },
            200,
        );
        assert_eq!(highlighted(&snippet), ["ekstremisme"]);
        assert!(edit_distance_at_most("kitten", "sitting", 3));
        assert!(!edit_distance_at_most("kitten", "sitting", 2));
    }
}

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
pub fn make_snippet(text: &str, terms: &HighlightTerms, max_chars: usize) -> Snippet {
    let max_chars = max_chars.max(20);
    let words = normalize::split_words(text);
    let mut memo = Memo::new(&words, terms);
    // Phrases first: a phrase lights up only where its words stand in order.
    let mut phrase_word: Vec<Option<usize>> = vec![None; words.len()];
    for (item, item_terms) in terms.items.iter().enumerate() {
        let n = item_terms.phrase.len();
        if n < 2 || n > words.len() {
            continue;
        }
        for start in 0..=words.len() - n {
            let fits = (0..n).all(|k| {
                phrase_word[start + k].is_none() && memo.matches(start + k, Target::Part(item, k))
            });
            if fits {
                phrase_word[start..start + n]
                    .iter_mut()
                    .for_each(|slot| *slot = Some(item));
            }
        }
    }
    let mut matches: Vec<Match> = Vec::new();
    for (index, (word, phrase_item)) in words.iter().zip(&phrase_word).enumerate() {
        let item = phrase_item.or_else(|| {
            (0..terms.items.len()).find(|&item| {
                terms.items[item].phrase.len() < 2 && memo.matches(index, Target::Item(item))
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

/// A query item, or word `k` of phrase item `i`.
#[derive(Debug, Clone, Copy)]
enum Target {
    Item(usize),
    Part(usize, usize),
}

/// Whether each distinct page word matches each target, worked out once per distinct word:
/// a page repeats its words, and matching folds and stems.
struct Memo<'a> {
    terms: &'a HighlightTerms,
    /// Distinct-word id of each page word.
    ids: Vec<usize>,
    /// Per distinct word: the word, its lazily computed forms, and results by target slot.
    distinct: Vec<(&'a str, WordForms, Vec<Option<bool>>)>,
    /// Slot of each target: items first, then phrase words.
    part_offsets: Vec<usize>,
    slots: usize,
}

impl<'a> Memo<'a> {
    fn new(words: &'a [normalize::Word], terms: &'a HighlightTerms) -> Memo<'a> {
        let mut by_text: std::collections::HashMap<&str, usize> =
            std::collections::HashMap::with_capacity(words.len());
        let mut distinct = Vec::new();
        let ids = words
            .iter()
            .map(|w| {
                *by_text.entry(w.text.as_str()).or_insert_with(|| {
                    distinct.push((w.text.as_str(), WordForms::default(), Vec::new()));
                    distinct.len() - 1
                })
            })
            .collect();
        let mut part_offsets = Vec::with_capacity(terms.items.len());
        let mut slots = terms.items.len();
        for item in &terms.items {
            part_offsets.push(slots);
            slots += item.phrase.len();
        }
        Memo {
            terms,
            ids,
            distinct,
            part_offsets,
            slots,
        }
    }

    fn matches(&mut self, word: usize, target: Target) -> bool {
        let (slot, item_terms) = match target {
            Target::Item(i) => (i, &self.terms.items[i]),
            Target::Part(i, k) => (self.part_offsets[i] + k, &self.terms.items[i].phrase[k]),
        };
        let (text, forms, results) = &mut self.distinct[self.ids[word]];
        if results.is_empty() {
            results.resize(self.slots, None);
        }
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
    words: &[normalize::Word],
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

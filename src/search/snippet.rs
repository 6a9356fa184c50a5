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
    // Phrases first: a phrase lights up only where its words stand in order.
    let mut phrase_word: Vec<Option<usize>> = vec![None; words.len()];
    for (item, item_terms) in terms.items.iter().enumerate() {
        let n = item_terms.phrase.len();
        if n < 2 || n > words.len() {
            continue;
        }
        for start in 0..=words.len() - n {
            let fits = item_terms.phrase.iter().enumerate().all(|(k, part)| {
                phrase_word[start + k].is_none() && matches_item(&words[start + k].text, part)
            });
            if fits {
                phrase_word[start..start + n]
                    .iter_mut()
                    .for_each(|slot| *slot = Some(item));
            }
        }
    }
    let matches: Vec<Match> = words
        .iter()
        .zip(&phrase_word)
        .filter_map(|(word, phrase_item)| {
            let item = phrase_item.or_else(|| {
                terms.items.iter().position(|item_terms| {
                    item_terms.phrase.len() < 2 && matches_item(&word.text, item_terms)
                })
            })?;
            Some(Match {
                start: word.start,
                end: word.end,
                item,
                content: terms.items[item].content,
            })
        })
        .collect();
    let (from, to) = best_window(&matches, max_chars);
    let (start, end) = widen(text, &words, from, to, max_chars);
    render(text, start, end, &matches)
}

fn matches_item(word: &str, item: &ItemTerms) -> bool {
    if item.exact.contains(word) {
        return true;
    }
    // Stems and folded stems start like the word (Snowball only removes endings), so only a
    // word starting with a stem's first three letters is worth stemming.
    let worth = |candidates: &std::collections::HashSet<String>, w: &str| {
        candidates.iter().any(|c| {
            let prefix: String = c.chars().take(3).collect();
            w.starts_with(&prefix)
        })
    };
    if worth(&item.stems, word) && item.stems.contains(&stem::stem(word)) {
        return true;
    }
    let folded = fold::fold(word);
    if worth(&item.folded, &folded) && item.folded.contains(&stem::stem(&folded)) {
        return true;
    }
    if item
        .infixes
        .iter()
        .any(|part| word.len() > part.len() && word.contains(part.as_str()))
    {
        return true;
    }
    item.fuzzy.iter().any(|(key, distance)| {
        let word_key = stem::stem(&folded);
        edit_distance_at_most(&word_key, key, usize::from(*distance))
    })
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
    use std::collections::HashSet;

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

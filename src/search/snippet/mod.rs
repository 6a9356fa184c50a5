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
//!
//! Speed: a page has hundreds of words and a query a handful, so most words are never split out.
//! A word can match only if its folded form starts with one of the query's *anchors* (the
//! first letters of its forms, folded) or holds one of its compound parts, so one pass over the
//! bytes looks for word starts whose first two bytes can begin an anchor and for the parts'
//! occurrences (32 bytes at a time screened with vector compares, `next_stop`), and only the
//! words there are split out (`candidate_words`); the passage is
//! widened by splitting the words around it alone (`widen`). Of those candidates, a byte-level
//! prefilter rules out most; only the rest are normalised, stemmed and folded, each distinct
//! word once per search ([`Snippeter`]). A query with a fuzzy item (a word the index does not
//! know) needs every word's letters, so its pages are split whole (`page_words`). About 7 µs
//! per page of 2 KB (15 µs split whole).
//!
//! - `prefilter`: the query's anchors, the byte classes the scan stops at, the cheap test
//!   that rules out most words;
//! - `scan`: the pass over the page's bytes that finds the candidate words;
//! - `forms`: a word's exact, stemmed and folded forms, once per word, and what they match;
//! - `passage`: the best window of matches, widened and rendered with its highlights.

mod forms;
mod passage;
mod prefilter;
mod scan;

use serde::Serialize;

use forms::{Memo, Target};
use passage::{best_window, render, widen};
use prefilter::{Anchors, Prefilter};
use scan::{candidate_words, next_kept_word, page_words};

use super::rank::HighlightTerms;

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
    let sparse = filter.sparse();
    let words = if sparse {
        candidate_words(text, filter, memo)
    } else {
        page_words(text, filter, memo)
    };
    // Whether `words[i]` is the page word right after `words[i - 1]`: always in the full list;
    // in the sparse one, when no other word stands between them on the page.
    let follows = |i: usize| {
        !sparse
            || next_kept_word(text, words[i - 1].end)
                .is_some_and(|span| span.start == words[i].start)
    };
    // Phrases first: a phrase lights up only where its words stand in order.
    let has_phrase = terms.items.iter().any(|item| item.phrase.len() >= 2);
    let mut phrase_word: Vec<Option<usize>> = vec![None; if has_phrase { words.len() } else { 0 }];
    for (item, item_terms) in terms.items.iter().enumerate() {
        let n = item_terms.phrase.len();
        if n < 2 || n > words.len() {
            continue;
        }
        for start in 0..=words.len() - n {
            if words[start].id.is_none() {
                continue;
            }
            let fits = (0..n).all(|k| {
                phrase_word[start + k].is_none()
                    && memo.matches(words[start + k].id, Target::Part(item, k))
                    && (k == 0 || follows(start + k))
            });
            if fits {
                phrase_word[start..start + n]
                    .iter_mut()
                    .for_each(|slot| *slot = Some(item));
            }
        }
    }
    let mut matches: Vec<Match> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        if word.id.is_none() {
            continue;
        }
        let phrase_item = phrase_word.get(i).copied().flatten();
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
    let (start, end) = widen(text, from, to, max_chars);
    render(text, start, end, &matches)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::forms::edit_distance_at_most;
    use super::passage::widen_over;
    use super::scan::{PageWord, is_kept, next_stop, stops_at};
    use super::*;
    use crate::analysis::{fold, normalize, stem};
    use crate::search::rank::ItemTerms;

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
            let mut terms = analysed_items(&analyzer, query);
            // Every word also as a fuzzy item, as for a word the index does not know.
            let fuzzy: Vec<ItemTerms> = terms
                .items
                .iter()
                .flat_map(|item| item.folded.iter())
                .filter(|key| key.chars().count() >= 4)
                .map(|key| ItemTerms {
                    fuzzy: vec![(key.clone(), if key.chars().count() >= 8 { 2 } else { 1 })],
                    content: true,
                    ..ItemTerms::default()
                })
                .collect();
            // Without fuzzy items the words that may match are found sparsely; with them, every
            // word of the page is split out.
            let sparse = terms.clone();
            terms.items.extend(fuzzy);
            for terms in [sparse, terms] {
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
    }

    /// The byte scan of `candidate_words` a byte at a time: the reference of [`next_stop`].
    fn next_stop_byte_by_byte(bytes: &[u8], from: usize, anchors: &Anchors) -> (usize, bool) {
        (from..bytes.len())
            .find_map(|i| stops_at(bytes, i, anchors).map(|inside| (i, inside)))
            .unwrap_or((bytes.len(), false))
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1000))]
        #[test]
        fn the_byte_screen_stops_where_a_byte_by_byte_scan_does(
            text in "[a-zA-Z0-9æøåÆØÅéü\u{AD}'.,ﬁ@`\\[ \n\\-]{0,200}",
            query in "[a-zA-Z0-9æøå@ ]{1,20}",
            part in proptest::option::of("[a-zæø]{1,6}"),
            from in 0usize..220,
        ) {
            let analyzer = crate::analysis::Analyzer::new(crate::analysis::Lexicon::seed());
            let mut terms = analysed_items(&analyzer, &query);
            if let (Some(part), Some(item)) = (part, terms.items.first_mut()) {
                item.infixes.push(part);
            }
            let anchors = Anchors::new(&terms);
            let bytes = text.as_bytes();
            let from = from.min(bytes.len());
            // Every stop from `from` to the end, as `candidate_words` steps through them.
            let mut at = from;
            loop {
                let screened = next_stop(bytes, at, &anchors);
                proptest::prop_assert_eq!(screened, next_stop_byte_by_byte(bytes, at, &anchors));
                if screened.0 >= bytes.len() {
                    break;
                }
                at = screened.0 + 1;
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
            let mut terms = analysed_items(&analyzer, &query);
            add_fuzzy_item(&mut terms, &query);
            let quick = make_snippet(&text, &terms, 60);
            let reference = reference_snippet(&text, &terms, 60);
            proptest::prop_assert_eq!(quick, reference);
        }
    }

    /// Adds a fuzzy item (one edit) for the first word of `query`, when it has four letters or
    /// more.
    fn add_fuzzy_item(terms: &mut HighlightTerms, query: &str) {
        if let Some(word) = query
            .split_whitespace()
            .next()
            .filter(|w| w.chars().count() >= 4)
        {
            terms.items.push(ItemTerms {
                fuzzy: vec![(stem::stem(&fold::fold(&word.to_lowercase())), 1)],
                content: true,
                ..ItemTerms::default()
            });
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn words_split_and_keyed_in_one_pass_give_the_same_snippet(
            text in "[a-zA-Z0-9æøåÆØÅé\u{AD}'’.,; \n\\-]{0,120}",
            query in "[a-zA-Z0-9æøå ]{1,16}",
            fuzzy in proptest::bool::ANY,
        ) {
            // Plain words take `page_words`' one-pass path, with or without a fuzzy item.
            let analyzer = crate::analysis::Analyzer::new(crate::analysis::Lexicon::seed());
            let mut terms = analysed_items(&analyzer, &query);
            if fuzzy {
                add_fuzzy_item(&mut terms, &query);
            }
            let quick = make_snippet(&text, &terms, 60);
            let reference = reference_snippet(&text, &terms, 60);
            proptest::prop_assert_eq!(quick, reference);
            // The same words, and the same text for each word let through.
            let anchors = Anchors::new(&terms);
            let mut memo = Memo::new(&terms);
            let ours = page_words(&text, &Prefilter::new(&text, &anchors), &mut memo);
            let all = Anchors::off();
            let mut all_memo = Memo::new(&terms);
            let every = page_words(&text, &Prefilter::new(&text, &all), &mut all_memo);
            let spans = |words: &[PageWord]| -> Vec<(usize, usize)> {
                words.iter().map(|w| (w.start, w.end)).collect()
            };
            proptest::prop_assert_eq!(spans(&ours), spans(&every));
            for (a, b) in ours.iter().zip(&every) {
                if let (Some(a), Some(b)) = (a.id, b.id) {
                    proptest::prop_assert_eq!(&memo.distinct[a].0, &all_memo.distinct[b].0);
                }
            }
        }
    }

    /// Pieces of page text for [`words_found_sparsely_give_the_same_snippet`]: words that make
    /// the one-pass split and the sparse search take every branch (capitals, `æøå` first or
    /// inside, ligatures, accents, joined numbers, soft hyphens, apostrophes, a word too long to
    /// keep) and separators that do or do not end a word.
    const PIECES: &[&str] = &[
        "forebyggelse",
        "Forebyggelse",
        "FOREBYGGELSE",
        "forebyg",
        "rådgivning",
        "raadgivning",
        "Århus",
        "Aarhus",
        "øvrige",
        "Økonomi",
        "også",
        "ﬁnansiering",
        "café",
        "e\u{301}cole",
        "1.140",
        "2,5",
        "12",
        "fore\u{AD}byggelse",
        "Center's",
        "børn’s",
        "statusrapportering",
        "rapportering",
        "handlingsplan",
        "handlingsplaner",
        "i",
        "og",
        "til",
        "fra",
        "bekymring",
        "SSP",
        "konsulent",
        "aeble",
        "oe",
        "a",
        "x",
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop",
    ];
    const SEPARATORS: &[&str] = &[
        " ", " ", " ", "\n", ". ", ", ", "-", "–", " “", "” ", "\u{A0}", "…", "'", ".", ",", "/",
        "(", ") ", "\u{AD}", " \u{AD}", "’",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn words_found_sparsely_give_the_same_snippet(
            pieces in proptest::collection::vec((0..PIECES.len(), 0..SEPARATORS.len()), 0..40),
            query in proptest::collection::vec(0..PIECES.len(), 1..4),
            chars in 20usize..120,
        ) {
            let text: String = pieces
                .iter()
                .map(|&(word, separator)| format!("{}{}", PIECES[word], SEPARATORS[separator]))
                .collect();
            // Each word an item, and the words together a phrase.
            let query = query.iter().map(|&i| PIECES[i]).collect::<Vec<_>>().join(" ");
            let analyzer = crate::analysis::Analyzer::new(crate::analysis::Lexicon::seed());
            let terms = analysed_items(&analyzer, &query);
            let anchors = Anchors::new(&terms);
            proptest::prop_assume!(Prefilter::new(&text, &anchors).sparse());
            let quick = make_snippet(&text, &terms, chars);
            let reference = reference_snippet(&text, &terms, chars);
            proptest::prop_assert_eq!(quick, reference);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        #[test]
        fn widening_around_a_passage_cuts_where_the_list_of_every_word_does(
            pieces in proptest::collection::vec((0..PIECES.len(), 0..SEPARATORS.len()), 0..40),
            from_word in 0usize..40,
            length in 0usize..5,
            chars in 20usize..120,
        ) {
            let text: String = pieces
                .iter()
                .map(|&(word, separator)| format!("{}{}", PIECES[word], SEPARATORS[separator]))
                .collect();
            let terms = HighlightTerms::default();
            let every = Anchors::off();
            let words = page_words(&text, &Prefilter::new(&text, &every), &mut Memo::new(&terms));
            // A passage from the start of one word to the end of another, or none at all.
            let (from, to) = match words.get(from_word) {
                Some(first) => (first.start, words[(from_word + length).min(words.len() - 1)].end),
                None => (0, 0),
            };
            // The reference: every word of the page, split from its start.
            let every: Vec<(normalize::Span, bool)> = normalize::word_spans(&text)
                .map(|span| (span, is_kept(&text, span)))
                .collect();
            let listed = |at: usize| {
                every[every.partition_point(|(span, _)| span.start < at)..].iter().copied()
            };
            proptest::prop_assert_eq!(
                widen(&text, from, to, chars),
                widen_over(&text, from, to, chars, listed)
            );
        }
    }

    #[test]
    fn words_too_long_to_keep_do_not_stretch_a_snippet() {
        // Found by the `snippet` fuzz target: a page opening with runs too long to be words
        // (hashes, base64) gave their whole length before the first word it kept.
        let junk = "Årsrapp".to_owned() + &"b".repeat(70);
        let text = format!("{junk} {junk} f og resten af siden");
        let terms = HighlightTerms {
            items: vec![item(&["fraværende"])],
        };
        let snippet = make_snippet(&text, &terms, 20);
        assert_eq!(snippet.text, "… f og resten af …");
        // Nor do separators before the first word, when they alone pass the length.
        let text = format!("{} ordet her og der", "!".repeat(70));
        let snippet = make_snippet(&text, &terms, 20);
        assert_eq!(snippet.text, "… ordet her og der");
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

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

use std::collections::HashSet;

use serde::Serialize;
use wide::u8x32;

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

/// The words of the page ([`normalize::word_spans`]), each with its [`Memo`] id when the
/// prefilter lets it through.
///
/// Most words of a page are runs of ASCII letters and digits and `æøå` ended by a space or
/// punctuation that cannot join two words. Those are split in one pass over their bytes and
/// judged by [`Prefilter::check_run`]; any other word (other non-ASCII letters, a `.`, `,` or
/// apostrophe that may join it to the next) and any non-ASCII separator go through
/// [`normalize::word_spans`] from where they start, which gives the same spans as a scan from
/// the start of the page. The test `words_split_and_keyed_in_one_pass_give_the_same_snippet`
/// compares the words and snippets with the unfiltered path.
fn page_words(text: &str, filter: &Prefilter<'_>, memo: &mut Memo<'_>) -> Vec<PageWord> {
    // Some six bytes a word, on a page of running text.
    let mut words: Vec<PageWord> = Vec::with_capacity(text.len() / 6 + 1);
    let bytes = text.as_bytes();
    let quick = filter.keys_suffice();
    let mut pos = 0;
    while let Some(&b) = bytes.get(pos) {
        if b.is_ascii() && !b.is_ascii_alphanumeric() {
            pos += 1;
            continue;
        }
        if quick && (b.is_ascii_alphanumeric() || danish_letter(bytes, pos).is_some()) {
            // A run of ASCII letters and digits and `æ`, `ø`, `å`, `Æ`, `Ø`, `Å`.
            let start = pos;
            let mut capital_aeoeaa = false;
            loop {
                while bytes
                    .get(pos)
                    .is_some_and(|&c| normalize::ASCII_ALPHANUMERIC[usize::from(c)])
                {
                    pos += 1;
                }
                match danish_letter(bytes, pos) {
                    Some(small) => {
                        capital_aeoeaa |= !small;
                        pos += 2;
                    }
                    None => break,
                }
            }
            // The last byte of `æ`, `ø` or `å` is no digit.
            let last_digit = pos > start && bytes[pos - 1].is_ascii_digit();
            // The word ends here unless a letter, a soft hyphen, an apostrophe or a separator
            // between two digits carries it on.
            let ends = match bytes.get(pos) {
                None => true,
                Some(b'.' | b',') => {
                    !(last_digit && bytes.get(pos + 1).is_some_and(u8::is_ascii_digit))
                }
                Some(b'\'') => false,
                Some(&n) => n.is_ascii(),
            };
            if ends {
                let span = normalize::Span {
                    start,
                    end: pos,
                    joined: false,
                };
                let check = run_check(bytes, span, capital_aeoeaa, filter);
                push_word(&mut words, text, span, check, memo);
                continue;
            }
            pos = start;
        }
        let mut spans = normalize::word_spans_from(text, pos);
        let Some(span) = spans.next() else {
            break;
        };
        pos = spans.offset();
        push_word(&mut words, text, span, filter.check(text, span), memo);
    }
    words
}

/// The page words that may match, in page order, found without splitting the whole page: the
/// sparse counterpart of [`page_words`], for a [`Prefilter`] that is [`Prefilter::sparse`].
///
/// A word can match only when its folded form starts with an anchor (so its first two bytes are
/// allowed by [`Anchors::classes`] and [`Anchors::pairs`]) or a compound part lies inside it.
/// Parts are found in the page lower-cased, which misses them only in words whose normal form
/// differs from their bytes lower-cased; such words hold a byte [`may_hide_a_part`] flags. So
/// the page is walked a byte at a time looking for such word starts and flagged bytes, besides
/// the parts' occurrences; around each, the word is split out by
/// [`normalize::word_spans_from`] from the nearest point no word spans (just past an ASCII
/// separator that never joins, or past the last word looked at), and judged as [`page_words`]
/// judges it. Words that cannot match are left out, so the list says nothing of adjacency:
/// [`next_kept_word`] does.
fn candidate_words(text: &str, filter: &Prefilter<'_>, memo: &mut Memo<'_>) -> Vec<PageWord> {
    let bytes = text.as_bytes();
    let infixes = &filter.infixes;
    let mut words = Vec::new();
    // Adds the word at `span` if it may match.
    let mut take = |span: normalize::Span, words: &mut Vec<PageWord>| {
        if let Some(check) = judge(text, span, filter)
            && check != Check::NoMatch
        {
            push_word(words, text, span, check, memo);
        }
    };
    // Every word starting before `done` has been looked at.
    let mut done: usize = 0;
    // The byte scan has looked at every byte before `scan`.
    let mut scan: usize = 0;
    let mut next_infix = 0;
    loop {
        let (hit, hit_inside) = next_stop(bytes, scan.max(done), filter.anchors);
        while infixes
            .get(next_infix)
            .is_some_and(|&(from, _)| from < done)
        {
            next_infix += 1;
        }
        let (at, inside) = match infixes.get(next_infix) {
            Some(&(from, _)) if from < hit => {
                next_infix += 1;
                (from, true)
            }
            _ => {
                scan = hit + 1;
                (hit, hit_inside)
            }
        };
        if at >= bytes.len() {
            return words;
        }
        if !inside {
            // Most hits are plain ASCII words between separators that never join: their span
            // is read off the bytes.
            if let Some(span) = plain_word_at(bytes, at) {
                take(span, &mut words);
                done = span.end;
                continue;
            }
        }
        let mut spans = normalize::word_spans_from(text, restart_point(bytes, done, at));
        for span in spans.by_ref() {
            if span.end <= at {
                continue;
            }
            // A word holding `at` but starting before it is no candidate for its first byte: it
            // was not found by it, so it waits for a compound part inside, if any.
            if span.start <= at && (inside || span.start == at) {
                take(span, &mut words);
                done = spans.offset();
            }
            break;
        }
    }
}

/// Where the byte scan of [`candidate_words`] stops next, from `from` on: the first byte that
/// may start a word matching an anchor or hide a compound part ([`stops_at`]), and whether it
/// is the latter; `bytes.len()` when there is none.
///
/// [`SCREEN`] bytes at a time, [`Screen::mark`] marks with vector compares the bytes that may
/// stop the scan: a [`START`] byte after a byte that is no ASCII letter or digit, or an
/// [`INSIDE`] byte. Only those are checked one by one ([`stops_at`]): the words starting with
/// an anchor's first letter, a few dozen on a page of 2 KB. The bytes after the last full
/// [`SCREEN`] are checked one by one. Over the 55 public queries' hits at 10k, the scan of a
/// page took 2.9 µs a byte at a time and takes 2.3 µs so.
fn next_stop(bytes: &[u8], from: usize, anchors: &Anchors) -> (usize, bool) {
    let mut at = from;
    let mut after_letter = from
        .checked_sub(1)
        .and_then(|i| bytes.get(i))
        .is_some_and(|&b| anchors.classes[usize::from(b)] & LETTER != 0);
    while let Some(chunk) = bytes
        .get(at..at + SCREEN)
        .and_then(|chunk| <[u8; SCREEN]>::try_from(chunk).ok())
    {
        let (letters, mut maybe) = anchors.screen.mark(chunk, after_letter);
        while maybe != 0 {
            let i = at + maybe.trailing_zeros() as usize;
            maybe &= maybe - 1;
            if let Some(inside) = stops_at(bytes, i, anchors) {
                return (i, inside);
            }
        }
        after_letter = letters >> (SCREEN - 1) != 0;
        at += SCREEN;
    }
    for i in at..bytes.len() {
        if let Some(inside) = stops_at(bytes, i, anchors) {
            return (i, inside);
        }
    }
    (bytes.len(), false)
}

/// Whether the byte scan of [`candidate_words`] stops at `bytes[i]`: `Some(true)` when it may
/// hide a compound part, `Some(false)` when it may start a word matching an anchor, judged from
/// its class ([`Anchors::classes`]), the byte before and the byte after.
#[inline]
fn stops_at(bytes: &[u8], i: usize, anchors: &Anchors) -> Option<bool> {
    let b = *bytes.get(i)?;
    let previous = i
        .checked_sub(1)
        .and_then(|j| bytes.get(j))
        .map_or(0, |&p| anchors.classes[usize::from(p)]);
    let class = anchors.classes[usize::from(b)];
    let next = bytes.get(i + 1).copied();
    if class & INSIDE != 0 && may_hide_a_part(b, previous, next) {
        return Some(true);
    }
    // A space after the last byte: a one-letter word.
    (class & START != 0
        && previous & LETTER == 0
        && (!b.is_ascii() || anchors.pair_allowed(b, next.unwrap_or(b' '))))
    .then_some(false)
}

/// Bytes [`Screen::mark`] looks at at once: two SSE2 registers (16 bytes screened 2.5 µs a page,
/// against 2.3).
const SCREEN: usize = 32;

/// The vector form of [`Anchors::classes`] that [`next_stop`] screens bytes with. Bytes below
/// `0xC0` are compared one class member at a time; bytes from `0xC0` on (which start non-ASCII
/// characters) are marked all together when any of them is a member. Which bytes are ASCII
/// letters or digits ([`LETTER`]) it works out by ranges.
struct Screen {
    /// The [`START`] bytes below `0xC0`, each splatted.
    starts: Vec<u8x32>,
    /// The [`INSIDE`] bytes below `0xC0` (`.` and `,` when the query has compound parts).
    insides: Vec<u8x32>,
    /// Whether some byte from `0xC0` on is a [`START`] byte (always: `æ` folds to `a`).
    high_starts: bool,
    /// Whether some byte from `0xC0` on is an [`INSIDE`] byte (when the query has compound
    /// parts).
    high_insides: bool,
}

impl Screen {
    fn new(classes: &[u8; 256]) -> Screen {
        let members = |class: u8| -> (Vec<u8x32>, bool) {
            let low = (0..0xC0u8)
                .filter(|&b| classes[usize::from(b)] & class != 0)
                .map(u8x32::splat)
                .collect();
            let high = classes[0xC0..].iter().any(|&c| c & class != 0);
            (low, high)
        };
        let (starts, high_starts) = members(START);
        let (insides, high_insides) = members(INSIDE);
        Screen {
            starts,
            insides,
            high_starts,
            high_insides,
        }
    }

    /// For [`SCREEN`] bytes: a bit per ASCII letter or digit, and a bit per byte that may stop
    /// the scan, given whether the byte before them is a letter or digit. A superset: each
    /// marked byte is then checked by [`stops_at`].
    #[inline]
    fn mark(&self, chunk: [u8; SCREEN], after_letter: bool) -> (u32, u32) {
        let bytes = u8x32::new(chunk);
        let lower = bytes | u8x32::splat(0x20);
        let within = |v: u8x32, low: u8, high: u8| {
            (v - u8x32::splat(low)).simd_lt(u8x32::splat(high - low + 1))
        };
        let letters = (within(lower, b'a', b'z') | within(bytes, b'0', b'9')).to_bitmask();
        let high = (bytes & u8x32::splat(0xC0)).simd_eq(u8x32::splat(0xC0));
        let none = u8x32::splat(0);
        let mut start = if self.high_starts { high } else { none };
        for &member in &self.starts {
            start |= bytes.simd_eq(member);
        }
        let mut inside = if self.high_insides { high } else { none };
        for &member in &self.insides {
            inside |= bytes.simd_eq(member);
        }
        let follows_letter = (letters << 1) | u32::from(after_letter);
        let maybe = (start.to_bitmask() & !follows_letter) | inside.to_bitmask();
        (letters, maybe)
    }
}

/// The span of the word starting at `at` when it is ASCII letters and digits only, between
/// separators that never join two words (so `word_spans` gives it the same span).
#[inline]
fn plain_word_at(bytes: &[u8], at: usize) -> Option<normalize::Span> {
    if at > 0 && !never_joins(*bytes.get(at - 1)?) {
        return None;
    }
    let rest = bytes.get(at..)?;
    let len = rest
        .iter()
        .position(|&b| !normalize::ASCII_ALPHANUMERIC[usize::from(b)])
        .unwrap_or(rest.len());
    if len == 0 || rest.get(len).is_some_and(|&b| !never_joins(b)) {
        return None;
    }
    Some(normalize::Span {
        start: at,
        end: at + len,
        joined: false,
    })
}

/// Whether `b` is an ASCII separator that ends a word and never joins two into one (as `.` and
/// `,` between digits and `'` between letters do): no word spans it.
#[inline]
fn never_joins(b: u8) -> bool {
    b.is_ascii() && !b.is_ascii_alphanumeric() && !matches!(b, b'.' | b',' | b'\'')
}

/// The last point at or before `at`, and not before `floor` (itself one), where no word of
/// `bytes` is in progress: just past an ASCII separator that never joins two words.
fn restart_point(bytes: &[u8], floor: usize, at: usize) -> usize {
    let mut point = at;
    while point > floor {
        if never_joins(bytes[point - 1]) {
            return point;
        }
        point -= 1;
    }
    floor
}

/// What [`page_words`] makes of the word at `span`: `None` when it is no word of the page (too
/// long), else the [`Check`] it gets.
fn judge(text: &str, span: normalize::Span, filter: &Prefilter<'_>) -> Option<Check> {
    let bytes = text.as_bytes();
    let word = bytes.get(span.start..span.end)?;
    let mut capital_aeoeaa = false;
    let mut at = 0;
    let mut run = !span.joined;
    while run && at < word.len() {
        if word[at].is_ascii_alphanumeric() {
            at += 1;
        } else if let Some(small) = danish_letter(word, at) {
            capital_aeoeaa |= !small;
            at += 2;
        } else {
            run = false;
        }
    }
    let check = if run {
        run_check(bytes, span, capital_aeoeaa, filter)
    } else {
        filter.check(text, span)
    };
    (check != Check::Dropped).then_some(check)
}

/// The [`Check`] of a word that is a run of ASCII letters and digits and `æøå` in either case
/// (`capital_aeoeaa`: with a capital `Æ`, `Ø` or `Å`, which makes it a candidate, as in
/// [`Prefilter::check`]); a run too long to be a word is dropped.
#[inline]
fn run_check(
    bytes: &[u8],
    span: normalize::Span,
    capital_aeoeaa: bool,
    filter: &Prefilter<'_>,
) -> Check {
    if span.end - span.start > normalize::MAX_WORD_BYTES {
        Check::Dropped
    } else if capital_aeoeaa {
        Check::Candidate
    } else {
        filter.check_run(bytes, span)
    }
}

/// Whether the word at `span` is a word of the page, as [`page_words`] lists them: normalising
/// keeps it (it is not too long).
fn is_kept(text: &str, span: normalize::Span) -> bool {
    match text.get(span.start..span.end) {
        Some(word) if !span.joined && word.is_ascii() => word.len() <= normalize::MAX_WORD_BYTES,
        Some(_) => normalize::normalize_span(text, span).is_some(),
        None => false,
    }
}

/// The first word of the page from byte `from` on, where no word is in progress (the end of a
/// word, say), skipping words normalisation drops.
fn next_kept_word(text: &str, from: usize) -> Option<normalize::Span> {
    normalize::word_spans_from(text, from).find(|&span| is_kept(text, span))
}

/// Adds the page word at `span`, which the prefilter judged `check`, to `words` with its
/// [`Memo`] id when it may match; not at all when it is no word of the page (normalisation drops
/// it).
#[inline]
fn push_word(
    words: &mut Vec<PageWord>,
    text: &str,
    span: normalize::Span,
    check: Check,
    memo: &mut Memo<'_>,
) {
    let id = match check {
        Check::Dropped => return,
        Check::NoMatch => None,
        Check::Normal => match text.get(span.start..span.end) {
            Some(word) => Some(memo.intern(word)),
            None => return,
        },
        Check::Candidate => match normalize::normalize_span(text, span) {
            Some(word) => Some(memo.intern(&word)),
            None => return,
        },
    };
    words.push(PageWord {
        start: span.start,
        end: span.end,
        id,
    });
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
    /// The word may match and is already normal (lower-case ASCII, digits, `æøå`).
    Normal,
}

/// Most bytes of a folded prefix compared by the [`Prefilter`]: one `u64`.
const KEY_BYTES: usize = 8;

/// A quick test that rules out most page words without normalising, stemming or folding them,
/// which is where snippet time went.
///
/// Every way a word matches an item (see [`matches_item`]) but two implies that the word's
/// folded form starts with the folded form of one of the item's exact forms, stems or folded
/// stems: Snowball only removes endings, and folding reads left to right, so folding a prefix
/// gives a prefix of the folded word. So the filter compares the first [`KEY_BYTES`] folded
/// letters of the page word with those [`Anchors`]. The two others: a compound part inside a
/// longer word is looked for in the lower-cased page once per part; and a word within `d` edits
/// of a fuzzy key of `m` letters keeps at least `m - 1 - 2d` of the key's letter pairs (one edit
/// breaks at most two), so its folded form must hold that many of them. A word with anything
/// but ASCII letters and digits and `æøå` in it (capitals `ÆØÅ`, ligatures, accents, joined
/// numbers) is always a candidate. The filter only decides what is worth matching; the test
/// `the_prefilter_never_changes_a_snippet` checks that it never changes a snippet.
struct Prefilter<'a> {
    anchors: &'a Anchors,
    /// Byte ranges of compound parts found in the lower-cased page, sorted by start.
    infixes: Vec<(usize, usize)>,
    /// Index in `infixes` of the first occurrence not before the last word checked.
    infix_cursor: std::cell::Cell<usize>,
}

/// [`Anchors::classes`]: a word that may match can start with this byte.
const START: u8 = 1;
/// [`Anchors::classes`]: the byte is an ASCII letter or digit.
const LETTER: u8 = 2;
/// [`Anchors::classes`], when the query has compound parts: the byte may make a word's
/// normal form differ from its bytes lower-cased (see [`may_hide_a_part`]).
const INSIDE: u8 = 4;

/// Whether the byte `b`, after a byte of class `previous` and before `next`, may be in a word
/// whose normal form is not its bytes with ASCII lower-cased, so that a compound part in it is
/// not found in the lower-cased page: a non-ASCII character but `æ`, `ø`, `å` (a capital `Æ`,
/// a ligature, an accent, a soft hyphen or `’` inside a word), or a `.` or `,` joining digits.
#[inline]
fn may_hide_a_part(b: u8, previous: u8, next: Option<u8>) -> bool {
    match b {
        b'.' | b',' => previous & LETTER != 0 && next.is_some_and(|n| n.is_ascii_digit()),
        // `æ`, `ø`, `å` are their own normal form.
        0xC3 => !matches!(next, Some(0xA6 | 0xB8 | 0xA5)),
        _ => !b.is_ascii(),
    }
}

/// What the [`Prefilter`] compares page words with, worked out once per query.
struct Anchors {
    /// Everything is a candidate: an empty form or part, or a fuzzy key too short or not ASCII
    /// for the letter-pair bound.
    off: bool,
    /// Folded prefixes of the items' forms, their first [`KEY_BYTES`] bytes packed into a
    /// `u64` as `(bytes, mask)`: a word matches when its key masked equals the bytes.
    prefixes: Vec<(u64, u64)>,
    /// Per first byte, the range of `prefixes` starting with it (they are sorted by it).
    by_first_byte: Box<[(u16, u16); 256]>,
    /// Per byte: [`START`] when a word that starts with an anchor may start with it (each
    /// prefix's first letter in either case, and every byte that starts a non-ASCII character:
    /// `æ` folds to `a`, `ﬁ` is `fi`), and [`LETTER`] for an ASCII letter or digit.
    classes: Box<[u8; 256]>,
    /// For a word starting with an ASCII byte: which pairs of its first two bytes (lower-cased)
    /// a word starting with an anchor may begin with, a bit per pair.
    pairs: Box<[u64; 1024]>,
    /// Compound parts looked for inside longer words, with their lengths.
    parts: Vec<(memchr::memmem::Finder<'static>, usize)>,
    /// Per fuzzy key: its letter pairs, and how many of them a word within reach keeps.
    fuzzy: Vec<(Vec<[u8; 2]>, usize)>,
    /// `classes` for [`next_stop`]'s vector screen.
    screen: Screen,
}

/// The first [`KEY_BYTES`] bytes of `bytes` in a `u64`, the first byte lowest, with a mask
/// covering them.
fn pack(bytes: &[u8]) -> (u64, u64) {
    let mut value = 0u64;
    let mut mask = 0u64;
    for (i, &b) in bytes.iter().take(KEY_BYTES).enumerate() {
        value |= u64::from(b) << (8 * i);
        mask |= 0xff << (8 * i);
    }
    (value, mask)
}

impl Anchors {
    fn new(terms: &HighlightTerms) -> Anchors {
        let mut anchors = Anchors {
            off: false,
            prefixes: Vec::new(),
            by_first_byte: Box::new([(0, 0); 256]),
            classes: Box::new(std::array::from_fn(|b| {
                if normalize::ASCII_ALPHANUMERIC[b] {
                    LETTER
                } else {
                    0
                }
            })),
            pairs: Box::new([0; 1024]),
            parts: Vec::new(),
            fuzzy: Vec::new(),
            screen: Screen::new(&[0; 256]),
        };
        let mut add = |item: &ItemTerms| {
            for (key, distance) in &item.fuzzy {
                let kept = (key.len().saturating_sub(1)).saturating_sub(2 * usize::from(*distance));
                if !key.is_ascii() || kept == 0 {
                    anchors.off = true;
                    continue;
                }
                let pairs = key.as_bytes().windows(2).map(|w| [w[0], w[1]]).collect();
                anchors.fuzzy.push((pairs, kept));
            }
            for form in item.exact.iter().chain(&item.stems).chain(&item.folded) {
                let head: String = form.chars().take(KEY_BYTES).collect();
                let prefix = pack(fold::fold(&head).as_bytes());
                if !anchors.prefixes.contains(&prefix) {
                    anchors.prefixes.push(prefix);
                }
            }
            for part in &item.infixes {
                anchors.off |= part.is_empty();
                if !anchors
                    .parts
                    .iter()
                    .any(|(f, _)| f.needle() == part.as_bytes())
                {
                    let finder = memchr::memmem::Finder::new(part.as_bytes()).into_owned();
                    anchors.parts.push((finder, part.len()));
                }
            }
        };
        for item in &terms.items {
            add(item);
            item.phrase.iter().for_each(&mut add);
        }
        // An empty prefix matches every word; more prefixes than a `u16` counts never occur in
        // a query, but would only turn the filter off.
        anchors.off |= anchors.prefixes.iter().any(|&(_, mask)| mask == 0)
            || anchors.prefixes.len() > usize::from(u16::MAX);
        anchors
            .prefixes
            .sort_unstable_by_key(|&(bytes, _)| bytes & 0xff);
        let mut start = 0;
        while start < anchors.prefixes.len() {
            let first = anchors.prefixes[start].0 & 0xff;
            let end = start
                + anchors.prefixes[start..]
                    .iter()
                    .take_while(|&&(bytes, _)| bytes & 0xff == first)
                    .count();
            if let (Ok(from), Ok(to)) = (u16::try_from(start), u16::try_from(end)) {
                anchors.by_first_byte[first as usize] = (from, to);
            }
            start = end;
        }
        for &(bytes, mask) in &anchors.prefixes {
            let first = (bytes & 0xff) as u8;
            anchors.classes[usize::from(first)] |= START;
            anchors.classes[usize::from(first.to_ascii_uppercase())] |= START;
            // The second byte of the word, lower-cased, that can fold to the anchor's second:
            // itself; anything after a one-letter anchor; anything not ASCII (`æ` folds to
            // `ae`, `ﬁ` is `fi`); a separator that may join (`1.140`); and the letters folding
            // drops after `a` and `o` (`aarhus`, `oe`).
            let second = (bytes >> 8) as u8;
            let row = &mut anchors.pairs[usize::from(first) * 4..][..4];
            if mask <= 0xff {
                row.fill(u64::MAX);
                continue;
            }
            // Bytes 128–255 (not ASCII) are the last two words of the row.
            row[2..].fill(u64::MAX);
            let mut allow = |next: u8| row[usize::from(next) / 64] |= 1 << (next % 64);
            [second, b'.', b',', b'\''].into_iter().for_each(&mut allow);
            match first {
                b'a' => [b'a', b'e'].into_iter().for_each(&mut allow),
                b'o' => allow(b'e'),
                _ => {}
            }
        }
        anchors.classes[0xC0..]
            .iter_mut()
            .for_each(|class| *class |= START);
        if !anchors.parts.is_empty() {
            for b in [b'.', b','].into_iter().chain(0xC0..=u8::MAX) {
                anchors.classes[usize::from(b)] |= INSIDE;
            }
        }
        anchors.screen = Screen::new(&anchors.classes);
        anchors
    }

    /// Anchors that let every word through: the reference the quick test is checked against.
    #[cfg(test)]
    fn off() -> Anchors {
        Anchors {
            off: true,
            prefixes: Vec::new(),
            by_first_byte: Box::new([(0, 0); 256]),
            classes: Box::new([START; 256]),
            pairs: Box::new([u64::MAX; 1024]),
            parts: Vec::new(),
            fuzzy: Vec::new(),
            screen: Screen::new(&[START; 256]),
        }
    }

    /// Whether a word starting with the ASCII byte `first` then `next` may start with an
    /// anchor, by [`Anchors::pairs`].
    #[inline]
    fn pair_allowed(&self, first: u8, next: u8) -> bool {
        let pair =
            usize::from(first.to_ascii_lowercase()) << 8 | usize::from(next.to_ascii_lowercase());
        self.pairs[pair / 64] & (1 << (pair % 64)) != 0
    }
}

impl<'a> Prefilter<'a> {
    fn new(text: &str, anchors: &'a Anchors) -> Prefilter<'a> {
        let mut infixes = Vec::new();
        if !anchors.off && !anchors.parts.is_empty() {
            let lower = text.as_bytes().to_ascii_lowercase();
            for (finder, len) in &anchors.parts {
                infixes.extend(finder.find_iter(&lower).map(|at| (at, at + len)));
            }
            infixes.sort_unstable();
        }
        Prefilter {
            anchors,
            infixes,
            infix_cursor: std::cell::Cell::new(0),
        }
    }

    fn check(&self, text: &str, span: normalize::Span) -> Check {
        let Some(raw) = text.get(span.start..span.end) else {
            return Check::Dropped;
        };
        if self.anchors.off || span.joined {
            return Check::Candidate;
        }
        // Plain ASCII words (most of a page) need only their first letters folded, unless a
        // fuzzy key wants the whole word.
        let whole = !self.anchors.fuzzy.is_empty();
        let ascii = raw.is_ascii();
        let mut folder = Folder::default();
        let mut lower = true;
        if ascii {
            lower = !raw.bytes().any(|b| b.is_ascii_uppercase());
            for byte in raw.bytes() {
                folder.push(byte.to_ascii_lowercase());
                if !whole && folder.keys.kept == KEY_BYTES {
                    break;
                }
            }
        } else {
            let mut bytes = raw.bytes();
            while let Some(byte) = bytes.next() {
                match byte {
                    b'a'..=b'z' | b'0'..=b'9' => folder.push(byte),
                    b'A'..=b'Z' => {
                        lower = false;
                        folder.push(byte.to_ascii_lowercase());
                    }
                    // `æ`, `ø` and `å` in UTF-8.
                    0xC3 => match bytes.next() {
                        Some(0xA6) => folder.push_all(b"ae"),
                        Some(0xB8) => folder.push_all(b"oe"),
                        Some(0xA5) => folder.push_all(b"aa"),
                        _ => return Check::Candidate,
                    },
                    _ => return Check::Candidate,
                }
            }
        }
        let key = folder.keys.key;
        // Only ASCII letters and digits and `æøå` from here: normalising keeps the length.
        if raw.len() > normalize::MAX_WORD_BYTES {
            return Check::Dropped;
        }
        let candidate = if lower {
            Check::Normal
        } else {
            Check::Candidate
        };
        let (from, to) = self.anchors.by_first_byte[(key & 0xff) as usize];
        if self.anchors.prefixes[usize::from(from)..usize::from(to)]
            .iter()
            .any(|&(bytes, mask)| key & mask == bytes)
        {
            return candidate;
        }
        let inside = self.holds_infix(span);
        let near = self.near_fuzzy(&folder.folded[..folder.folded_len]);
        if inside || near {
            candidate
        } else {
            Check::NoMatch
        }
    }
}

impl Prefilter<'_> {
    /// Whether [`Prefilter::check_run`] may be used: the filter is on.
    fn keys_suffice(&self) -> bool {
        !self.anchors.off
    }

    /// Whether the words that may match can be found without splitting the whole page
    /// ([`candidate_words`]): the filter is on and no fuzzy key needs every word.
    fn sparse(&self) -> bool {
        !self.anchors.off && self.anchors.fuzzy.is_empty()
    }

    /// [`Prefilter::check`] of a word of ASCII letters and digits and `æ`, `ø`, `å`, at most
    /// [`normalize::MAX_WORD_BYTES`] long and not joined (`bytes[span.start..span.end]`), when
    /// [`Prefilter::keys_suffice`]. Its key (first [`KEY_BYTES`] bytes lower-cased and folded,
    /// as [`Folder`] does) is worked out only when some anchor starts with its first folded
    /// letter, and its whole folded form only for a fuzzy key.
    fn check_run(&self, bytes: &[u8], span: normalize::Span) -> Check {
        if !self.anchors.fuzzy.is_empty() {
            return self.check_run_fuzzy(bytes, span);
        }
        let word = bytes.get(span.start..span.end).unwrap_or_default();
        let first = match word.first() {
            Some(&b) if b.is_ascii() => b.to_ascii_lowercase(),
            // `æ` and `å` fold to words starting with `a`, `ø` to `o`.
            _ => match small_aeoeaa(word, 0) {
                Some(b"oe") => b'o',
                _ => b'a',
            },
        };
        let (from, to) = self.anchors.by_first_byte[usize::from(first)];
        let anchored = from < to && {
            let mut folder = KeyFolder::default();
            spell_run(word, |b| {
                folder.push(b);
                folder.kept < KEY_BYTES
            });
            let key = folder.key;
            self.anchors.prefixes[usize::from(from)..usize::from(to)]
                .iter()
                .any(|&(bytes, mask)| key & mask == bytes)
        };
        if !anchored && !self.holds_infix(span) {
            Check::NoMatch
        } else if word.iter().any(u8::is_ascii_uppercase) {
            Check::Candidate
        } else {
            Check::Normal
        }
    }

    /// [`Prefilter::check_run`] when fuzzy keys need the whole folded word.
    fn check_run_fuzzy(&self, bytes: &[u8], span: normalize::Span) -> Check {
        let word = bytes.get(span.start..span.end).unwrap_or_default();
        let mut folder = Folder::default();
        spell_run(word, |b| {
            folder.push(b);
            true
        });
        let key = folder.keys.key;
        let (from, to) = self.anchors.by_first_byte[(key & 0xff) as usize];
        let anchored = self.anchors.prefixes[usize::from(from)..usize::from(to)]
            .iter()
            .any(|&(bytes, mask)| key & mask == bytes);
        let folded = &folder.folded[..folder.folded_len];
        if anchored || self.holds_infix(span) || self.near_fuzzy(folded) {
            if word.iter().any(u8::is_ascii_uppercase) {
                Check::Candidate
            } else {
                Check::Normal
            }
        } else {
            Check::NoMatch
        }
    }

    /// Whether a folded word keeps enough letter pairs of a fuzzy key to be within its reach.
    fn near_fuzzy(&self, folded: &[u8]) -> bool {
        self.anchors.fuzzy.iter().any(|(pairs, kept)| {
            let held = pairs
                .iter()
                .filter(|pair| folded.windows(2).any(|w| w == pair.as_slice()))
                .count();
            held >= *kept
        })
    }

    /// Whether a compound part found in the page lies inside the word at `span` (and is not all
    /// of it).
    fn holds_infix(&self, span: normalize::Span) -> bool {
        if self.infixes.is_empty() {
            return false;
        }
        // Only occurrences starting inside this word can lie inside it. Words are checked in
        // page order, so the first such occurrence is found by moving on from the last word's.
        let mut first = self.infix_cursor.get();
        if first > 0
            && self
                .infixes
                .get(first - 1)
                .is_some_and(|(from, _)| *from >= span.start)
        {
            first = self.infixes.partition_point(|(from, _)| *from < span.start);
        }
        while self
            .infixes
            .get(first)
            .is_some_and(|(from, _)| *from < span.start)
        {
            first += 1;
        }
        self.infix_cursor.set(first);
        self.infixes[first..]
            .iter()
            .take_while(|(from, _)| *from < span.end)
            .any(|&(from, to)| to <= span.end && span.end - span.start > to - from)
    }
}

/// Whether a Danish letter starts at `at`: `Some(true)` for `æ`, `ø`, `å`, `Some(false)` for
/// `Æ`, `Ø`, `Å` (two bytes each in UTF-8).
#[inline]
fn danish_letter(bytes: &[u8], at: usize) -> Option<bool> {
    if bytes.get(at) != Some(&0xC3) {
        return None;
    }
    match bytes.get(at + 1) {
        Some(0xA6 | 0xB8 | 0xA5) => Some(true),
        Some(0x86 | 0x98 | 0x85) => Some(false),
        _ => None,
    }
}

/// How a lower-case `æ`, `ø` or `å` starting at `at` is spelled before folding, if one does.
#[inline]
fn small_aeoeaa(bytes: &[u8], at: usize) -> Option<&'static [u8; 2]> {
    if bytes.get(at) != Some(&0xC3) {
        return None;
    }
    match bytes.get(at + 1) {
        Some(0xA6) => Some(b"ae"),
        Some(0xB8) => Some(b"oe"),
        Some(0xA5) => Some(b"aa"),
        _ => None,
    }
}

/// Calls `push` with each byte of `word` (ASCII letters and digits and `æøå`) lower-cased, with
/// `æ`, `ø`, `å` spelled `ae`, `oe`, `aa` as folding first spells them, for as long as `push`
/// returns true.
#[inline]
fn spell_run(word: &[u8], mut push: impl FnMut(u8) -> bool) {
    let mut at = 0;
    while at < word.len() {
        let more = match small_aeoeaa(word, at) {
            Some(pair) => {
                at += 2;
                pair.iter().all(|&b| push(b))
            }
            None => {
                at += 1;
                push(word[at - 1].to_ascii_lowercase())
            }
        };
        if !more {
            return;
        }
    }
}

/// The first [`KEY_BYTES`] kept bytes of a lower-case word folded as [`fold::fold`] does (`æ`,
/// `ø`, `å` spelled out first): `a` and `e` after a kept `a` are dropped, and `e` after a kept
/// `o`.
#[derive(Default)]
struct KeyFolder {
    /// The first [`KEY_BYTES`] kept bytes, the first lowest.
    key: u64,
    kept: usize,
    last: u8,
}

impl KeyFolder {
    /// Feeds the next byte; whether folding keeps it.
    #[inline]
    fn push(&mut self, b: u8) -> bool {
        let dropped =
            (self.last == b'a' && matches!(b, b'a' | b'e')) || (self.last == b'o' && b == b'e');
        if dropped {
            return false;
        }
        if self.kept < KEY_BYTES {
            self.key |= u64::from(b) << (8 * self.kept);
            self.kept += 1;
        }
        self.last = b;
        true
    }
}

/// Folds a lower-case word byte by byte as [`KeyFolder`] does, keeping every kept byte as well
/// as the key (for the fuzzy keys' letter pairs).
struct Folder {
    /// The key: the first [`KEY_BYTES`] kept bytes.
    keys: KeyFolder,
    /// Every kept byte (folding never lengthens a word, and a kept word has at most
    /// [`normalize::MAX_WORD_BYTES`]).
    folded: [u8; normalize::MAX_WORD_BYTES],
    folded_len: usize,
}

impl Default for Folder {
    fn default() -> Folder {
        Folder {
            keys: KeyFolder::default(),
            folded: [0; normalize::MAX_WORD_BYTES],
            folded_len: 0,
        }
    }
}

impl Folder {
    fn push(&mut self, b: u8) {
        if self.keys.push(b)
            && let Some(slot) = self.folded.get_mut(self.folded_len)
        {
            *slot = b;
            self.folded_len += 1;
        }
    }

    fn push_all(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|&b| self.push(b));
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
    by_text: foldhash::HashMap<String, usize>,
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
            by_text: foldhash::HashMap::default(),
            distinct: Vec::new(),
            part_offsets,
            slots,
        }
    }

    /// The id of a normalised word.
    fn intern(&mut self, word: &str) -> usize {
        if let Some(&id) = self.by_text.get(word) {
            return id;
        }
        let id = self.distinct.len();
        self.distinct.push((
            word.to_owned(),
            WordForms::default(),
            vec![None; self.slots],
        ));
        self.by_text.insert(word.to_owned(), id);
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
            // Most words fold to themselves, and then their folded stem is their stem.
            let stemmed = if self.folded(word) == word {
                self.stem(word).to_owned()
            } else {
                stem::stem(self.folded(word))
            };
            self.folded_stem = Some(stemmed);
        }
        self.folded_stem.as_deref().unwrap_or_default()
    }
}

/// Whether `word` starts with one of the stems `candidates`: a word whose stem is one of them
/// does, as stemming only removes endings.
fn worth(candidates: &HashSet<String>, word: &str) -> bool {
    candidates.iter().any(|c| word.starts_with(c.as_str()))
}

fn matches_item(word: &str, forms: &mut WordForms, item: &ItemTerms) -> bool {
    if item.exact.contains(word) {
        return true;
    }
    // Stems and folded stems are beginnings of their words (Snowball only removes endings), so
    // only a word starting with one is worth stemming.
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
    let mut items: Vec<usize> = Vec::new();
    for i in 0..matches.len() {
        items.clear();
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

/// Widens `[from, to)` to about `max_chars` characters, cut at word boundaries: it starts at
/// the first word beginning no more than a third of the spare characters before `from`, and
/// ends at the last word ending within `max_chars` characters of that start.
///
/// `from` must be the start of a word or 0, and `to` the end of a word or `from`. Only the words
/// near the passage are split out, from the nearest point before it where no word is in
/// progress.
fn widen(text: &str, from: usize, to: usize, max_chars: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    // From the nearest point before `at` where no word is in progress: the words starting at
    // `at` or later, and perhaps a few before it, which the passage's rules pass over.
    let words_from = |at: usize| {
        normalize::word_spans_from(text, restart_point(bytes, 0, at))
            .map(|span| (span, is_kept(text, span)))
    };
    widen_over(text, from, to, max_chars, words_from)
}

/// [`widen`], with the page words from a byte on given by `words_from`, each with whether
/// normalisation keeps it: every word starting at or after that byte, in order, and maybe some
/// before it.
fn widen_over<I>(
    text: &str,
    from: usize,
    to: usize,
    max_chars: usize,
    words_from: impl Fn(usize) -> I,
) -> (usize, usize)
where
    I: Iterator<Item = (normalize::Span, bool)>,
{
    let chars = |a: usize, b: usize| text.get(a..b).map_or(usize::MAX, |s| s.chars().count());
    let used = text.get(from..to).map_or(0, |s| s.chars().count());
    let spare = max_chars.saturating_sub(used);
    let before = spare / 3;
    // Words starting more than `before` characters before `from` are too far: split from a
    // point before the first character that is not.
    let reach = text
        .get(..from)
        .and_then(|head| head.char_indices().rev().nth(before))
        .map_or(0, |(at, _)| at);
    let mut start = from;
    for (span, kept) in words_from(reach) {
        if span.start >= from {
            break;
        }
        if kept && chars(span.start, from) <= before {
            start = span.start;
            break;
        }
    }
    let room = max_chars.saturating_sub(text.get(start..to).map_or(0, |s| s.chars().count()));
    let mut end = to.max(start);
    // Characters from `start` to `counted_to`, counted a word at a time.
    let mut counted_to = start;
    let mut distance = 0usize;
    let first_after = to.max(start);
    for (span, kept) in words_from(first_after).skip_while(|(span, _)| span.start < first_after) {
        distance = distance.saturating_add(chars(counted_to, span.end));
        counted_to = span.end;
        if !kept && end == start {
            // Nothing taken yet: the passage starts after a run too long to be a word (a hash
            // or base64 noise), rather than showing it.
            (start, end, distance) = (span.end, span.end, 0);
            continue;
        }
        // Past the length, stop; but take one word after an empty passage, without the
        // separators before it when they alone pass the length.
        if distance > max_chars {
            if end > start {
                break;
            }
            if kept {
                (start, distance) = (span.start, chars(span.start, span.end));
            }
        }
        if !kept {
            continue;
        }
        end = span.end;
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

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
//! Speed: a page has hundreds of words and a query a handful, so a byte-level prefilter
//! first rules out the words that cannot match, in the same pass that splits the page into words
//! for most of them; only the rest are normalised, stemmed and folded, each distinct word once
//! per search ([`Snippeter`]). About 15 µs per page of 2 KB.

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
    let words = page_words(text, filter, memo);
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
    let (start, end) = widen(text, &words, from, to, max_chars);
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
                if pos - start > normalize::MAX_WORD_BYTES {
                    continue;
                }
                let span = normalize::Span {
                    start,
                    end: pos,
                    joined: false,
                };
                // A capital `Æ`, `Ø` or `Å` makes a word a candidate, as in `Prefilter::check`.
                let check = if capital_aeoeaa {
                    Check::Candidate
                } else {
                    filter.check_run(bytes, span)
                };
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
    /// Compound parts looked for inside longer words, with their lengths.
    parts: Vec<(memchr::memmem::Finder<'static>, usize)>,
    /// Per fuzzy key: its letter pairs, and how many of them a word within reach keeps.
    fuzzy: Vec<(Vec<[u8; 2]>, usize)>,
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
            parts: Vec::new(),
            fuzzy: Vec::new(),
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
        anchors
    }

    /// Anchors that let every word through: the reference the quick test is checked against.
    #[cfg(test)]
    fn off() -> Anchors {
        Anchors {
            off: true,
            prefixes: Vec::new(),
            by_first_byte: Box::new([(0, 0); 256]),
            parts: Vec::new(),
            fuzzy: Vec::new(),
        }
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
    let chars = |a: usize, b: usize| text.get(a..b).map_or(usize::MAX, |s| s.chars().count());
    // Start at the first word beginning no more than `before` characters earlier. Words are in
    // page order; distances grow word by word, so each is counted from the previous one.
    let mut start = from;
    let first_before = words.partition_point(|w| w.start < from);
    let mut distance = 0usize;
    for word in words[..first_before].iter().rev() {
        distance = distance.saturating_add(chars(word.start, start));
        if distance > before {
            break;
        }
        start = word.start;
    }
    let room = max_chars.saturating_sub(text.get(start..to).map_or(0, |s| s.chars().count()));
    let mut end = to.max(start);
    let first_after = to.max(start);
    let mut counted_to = start;
    let mut distance = 0usize;
    for word in &words[words.partition_point(|w| w.start < first_after)..] {
        distance = distance.saturating_add(chars(counted_to, word.end));
        counted_to = word.end;
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
            terms.items.extend(fuzzy);
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

//! Finding the words of a page that may match: a pass over the bytes that stops only where a
//! query's anchor may begin a word or a compound part may hide (`next_stop`, screened 32 bytes
//! at a time), and the split of the words there (`candidate_words`); pages of queries with a
//! fuzzy item are split whole (`page_words`).

use super::forms::Memo;
use super::prefilter::{
    Anchors, Check, INSIDE, LETTER, Prefilter, SCREEN, START, danish_letter, may_hide_a_part,
};
use crate::analysis::normalize;

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
pub(super) fn page_words(text: &str, filter: &Prefilter<'_>, memo: &mut Memo<'_>) -> Vec<PageWord> {
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
pub(super) fn candidate_words(
    text: &str,
    filter: &Prefilter<'_>,
    memo: &mut Memo<'_>,
) -> Vec<PageWord> {
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
/// [`SCREEN`] bytes at a time, [`Screen::mark`](super::prefilter::Screen::mark) marks with vector
/// compares the bytes that may stop the scan: a [`START`] byte after a byte that is no ASCII letter
/// or digit, or an [`INSIDE`] byte. Only those are checked one by one ([`stops_at`]): the words
/// starting with an anchor's first letter, a few dozen on a page of 2 KB. The bytes after the last
/// full [`SCREEN`] are checked one by one. Over the 55 public queries' hits at 10k, the scan of a
/// page took 2.9 µs a byte at a time and takes 2.3 µs so.
pub(super) fn next_stop(bytes: &[u8], from: usize, anchors: &Anchors) -> (usize, bool) {
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
pub(super) fn stops_at(bytes: &[u8], i: usize, anchors: &Anchors) -> Option<bool> {
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

/// The span of the word starting at `at` when it is ASCII letters and digits only, between
/// separators that never join two words (so `word_spans` gives it the same span).
#[inline]
pub(super) fn plain_word_at(bytes: &[u8], at: usize) -> Option<normalize::Span> {
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
pub(super) fn never_joins(b: u8) -> bool {
    b.is_ascii() && !b.is_ascii_alphanumeric() && !matches!(b, b'.' | b',' | b'\'')
}

/// The last point at or before `at`, and not before `floor` (itself one), where no word of
/// `bytes` is in progress: just past an ASCII separator that never joins two words.
pub(super) fn restart_point(bytes: &[u8], floor: usize, at: usize) -> usize {
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
pub(super) fn judge(text: &str, span: normalize::Span, filter: &Prefilter<'_>) -> Option<Check> {
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
pub(super) fn run_check(
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
pub(super) fn is_kept(text: &str, span: normalize::Span) -> bool {
    match text.get(span.start..span.end) {
        Some(word) if !span.joined && word.is_ascii() => word.len() <= normalize::MAX_WORD_BYTES,
        Some(_) => normalize::normalize_span(text, span).is_some(),
        None => false,
    }
}

/// The first word of the page from byte `from` on, where no word is in progress (the end of a
/// word, say), skipping words normalisation drops.
pub(super) fn next_kept_word(text: &str, from: usize) -> Option<normalize::Span> {
    normalize::word_spans_from(text, from).find(|&span| is_kept(text, span))
}

/// Adds the page word at `span`, which the prefilter judged `check`, to `words` with its
/// [`Memo`] id when it may match; not at all when it is no word of the page (normalisation drops
/// it).
#[inline]
pub(super) fn push_word(
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
pub(super) struct PageWord {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) id: Option<usize>,
}

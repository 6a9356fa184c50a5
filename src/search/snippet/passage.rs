//! The passage: the window of matches covering the most distinct query items
//! (`best_window`), widened to the requested length at word boundaries (`widen`), and
//! rendered with white space collapsed and the matches' byte ranges (`render`).

use super::scan::{is_kept, restart_point};
use super::{Match, Snippet};
use crate::analysis::normalize;

/// Byte range `[from, to)` spanning the best group of matches, or `(0, 0)` without matches.
pub(super) fn best_window(matches: &[Match], max_chars: usize) -> (usize, usize) {
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
pub(super) fn widen(text: &str, from: usize, to: usize, max_chars: usize) -> (usize, usize) {
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
pub(super) fn widen_over<I>(
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
pub(super) fn render(text: &str, start: usize, end: usize, matches: &[Match]) -> Snippet {
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

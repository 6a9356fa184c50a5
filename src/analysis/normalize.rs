//! Word splitting and normalisation: the first stage of every Danish analyzer.
//!
//! In: page or query text. Out: [`Word`]s, each with its byte range in the input and its
//! normalised form (Unicode NFKC, so `ﬁ` becomes `fi`; lower-cased).
//!
//! A word is a run of alphanumeric characters. Two rules keep numbers whole: digits joined by
//! `.` or `,` stay one word with the separator dropped (`1.140` → `1140`, the Danish thousands
//! separator), and an apostrophe or a soft hyphen inside a word is skipped. Everything else
//! (hyphens, slashes, punctuation) separates words, so `SSP-konsulent` is the two words `ssp` and
//! `konsulent` at adjacent positions and a phrase query for it still matches.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// One word of the input with its place in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Byte offset of the first character in the input.
    pub start: usize,
    /// Byte offset just past the last character in the input.
    pub end: usize,
    /// NFKC-normalised, lower-cased form.
    pub text: String,
}

/// Longest word kept, in bytes; longer runs (hashes, base64 noise) are dropped.
pub const MAX_WORD_BYTES: usize = 64;

/// Where one word stands in the input, before normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Byte offset of the first character in the input.
    pub start: usize,
    /// Byte offset just past the last character in the input.
    pub end: usize,
    /// Whether the word has a character inside that is not a letter or digit of its own: a
    /// separator inside a number, a soft hyphen or an apostrophe. Without one, the word's text is
    /// exactly `input[start..end]`, before normalisation.
    pub joined: bool,
}

/// The words of `text`, in order, as [`Span`]s: [`split_words`] without normalising them, for
/// callers that only need to look at some words closely (snippets).
pub fn word_spans(text: &str) -> WordSpans<'_> {
    WordSpans { text, pos: 0 }
}

/// The words of `text` from byte `start` on: [`word_spans`] of the rest of the text, for a
/// caller that scanned the words before `start` itself. A word starting at `start` gets the span
/// it has in `word_spans(text)`; `start` must not fall inside a word. Nothing when `start` is not
/// a character boundary.
pub fn word_spans_from(text: &str, start: usize) -> WordSpans<'_> {
    let pos = if text.is_char_boundary(start) {
        start
    } else {
        text.len()
    };
    WordSpans { text, pos }
}

/// Iterator over the [`Span`]s of a text; see [`word_spans`].
///
/// It walks bytes and decodes a character only where a byte is not ASCII: most of a Danish page
/// is ASCII, and this loop is the first cost of every snippet.
#[derive(Debug, Clone)]
pub struct WordSpans<'a> {
    text: &'a str,
    /// Byte offset of the next character to look at (always a character boundary).
    pos: usize,
}

/// Which bytes are ASCII letters and digits.
pub(crate) static ASCII_ALPHANUMERIC: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

/// Whether `c` is a letter or digit ([`char::is_alphanumeric`]), answered without Unicode
/// tables for ASCII and for the Latin-1 letters (`æ`, `ø`, `å`, `é`…), which are all of a Danish
/// page but a few characters.
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{C0}'..='\u{FF}').contains(&c) {
        // Every Latin-1 character from `À` to `ÿ` is a letter but `×` and `÷`.
        c != '\u{D7}' && c != '\u{F7}'
    } else {
        c.is_alphanumeric()
    }
}

impl WordSpans<'_> {
    /// Byte offset where the next word is looked for: just past the last word returned and the
    /// character after it.
    pub fn offset(&self) -> usize {
        self.pos
    }

    /// The character at byte `at` and its length, if any.
    fn char_at(&self, at: usize) -> Option<(char, usize)> {
        let byte = *self.text.as_bytes().get(at)?;
        if byte.is_ascii() {
            return Some((char::from(byte), 1));
        }
        let c = self.text.get(at..)?.chars().next()?;
        Some((c, c.len_utf8()))
    }
}

impl Iterator for WordSpans<'_> {
    type Item = Span;

    fn next(&mut self) -> Option<Span> {
        // Skip to the first letter or digit; ASCII separators a byte at a time.
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            if b.is_ascii() && !b.is_ascii_alphanumeric() {
                self.pos += 1;
            } else {
                break;
            }
        }
        let (first, first_len) = loop {
            let (c, len) = self.char_at(self.pos)?;
            if is_word_char(c) {
                break (c, len);
            }
            self.pos += len;
        };
        let mut span = Span {
            start: self.pos,
            end: self.pos + first_len,
            joined: false,
        };
        self.pos = span.end;
        // The last character of the word's text so far (an apostrophe counts as `'`).
        let mut prev = first;
        loop {
            // The common case first: a run of ASCII letters and digits.
            let run_start = self.pos;
            while bytes
                .get(self.pos)
                .is_some_and(|&b| ASCII_ALPHANUMERIC[usize::from(b)])
            {
                self.pos += 1;
            }
            if self.pos > run_start {
                span.end = self.pos;
                prev = char::from(bytes[self.pos - 1]);
            }
            // An ASCII separator that never joins (space, most punctuation) ends the word.
            if let Some(&b) = bytes.get(self.pos)
                && b.is_ascii()
                && !b.is_ascii_alphanumeric()
                && !matches!(b, b'.' | b',' | b'\'')
            {
                self.pos += 1;
                break;
            }
            let Some((c, len)) = self.char_at(self.pos) else {
                break;
            };
            if is_word_char(c) {
                self.pos += len;
                span.end = self.pos;
                prev = c;
                continue;
            }
            // A separator inside a number (1.140, 3,5) or a soft hyphen / apostrophe inside a
            // word does not end the word.
            let next = self.char_at(self.pos + len).map(|(n, _)| n);
            let joins_digits = matches!(c, '.' | ',')
                && prev.is_ascii_digit()
                && next.is_some_and(|n| n.is_ascii_digit());
            let invisible = c == '\u{00AD}' && next.is_some_and(char::is_alphanumeric);
            let apostrophe = matches!(c, '\'' | '’')
                && prev.is_alphabetic()
                && next.is_some_and(char::is_alphabetic);
            self.pos += len;
            if !(joins_digits || invisible || apostrophe) {
                break;
            }
            span.joined = true;
            if apostrophe {
                prev = '\'';
            }
        }
        Some(span)
    }
}

/// Splits `text` into normalised words, in order.
pub fn split_words(text: &str) -> Vec<Word> {
    word_spans(text)
        .filter_map(|span| {
            normalize_span(text, span).map(|text| Word {
                start: span.start,
                end: span.end,
                text,
            })
        })
        .collect()
}

/// The normalised words of `text`, in order: the texts of [`split_words`], borrowed from `text`
/// where a word is already normal (lower-case ASCII letters and digits, most words of a page), so
/// counting words allocates only for the others.
pub fn normalized_words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    word_spans(text).filter_map(move |span| {
        let slice = text.get(span.start..span.end)?;
        let plain = !span.joined
            && slice.len() <= MAX_WORD_BYTES
            && slice
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if plain {
            Some(Cow::Borrowed(slice))
        } else {
            normalize_span(text, span).map(Cow::Owned)
        }
    })
}

/// The normalised text of the word at `span` of `text`, or `None` for a word that is not kept
/// (longer than [`MAX_WORD_BYTES`]).
pub fn normalize_span(text: &str, span: Span) -> Option<String> {
    let slice = text.get(span.start..span.end)?;
    let raw: String = if span.joined {
        slice
            .chars()
            .filter_map(|c| match c {
                '\'' | '’' => Some('\''),
                c if c.is_alphanumeric() => Some(c),
                _ => None,
            })
            .collect()
    } else {
        slice.to_owned()
    };
    // Most words of a page are already normal and lower-case: keep their buffer.
    let already_normal = raw
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        || (!raw.chars().any(char::is_uppercase)
            && is_nfkc_quick(raw.chars()) == IsNormalized::Yes
            && raw.chars().all(|c| c.to_lowercase().eq(std::iter::once(c))));
    let text = if already_normal {
        raw
    } else {
        normalize_word(&raw)
    };
    if text.is_empty() || text.len() > MAX_WORD_BYTES {
        return None;
    }
    Some(text)
}

/// NFKC-normalises and lower-cases one word.
pub fn normalize_word(raw: &str) -> String {
    if raw.is_ascii() {
        return raw.to_ascii_lowercase();
    }
    // Almost every word is already in NFKC (`æøå` precomposed); the quick check says so without
    // the decompose-recompose round trip, and NFKC of such a word is the word itself.
    if is_nfkc_quick(raw.chars()) == IsNormalized::Yes {
        return raw.chars().flat_map(char::to_lowercase).collect();
    }
    raw.nfkc().flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<String> {
        split_words(input).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn words_are_lower_cased_and_split_on_punctuation() {
        assert_eq!(
            texts("Forebyggelse af Ekstremisme."),
            ["forebyggelse", "af", "ekstremisme"]
        );
        assert_eq!(texts("SSP-konsulent"), ["ssp", "konsulent"]);
    }

    #[test]
    fn ligatures_and_compatibility_forms_are_normalised() {
        assert_eq!(texts("ﬁnansiering ﬂere"), ["finansiering", "flere"]);
    }

    #[test]
    fn danish_thousands_separator_keeps_the_number_whole() {
        assert_eq!(texts("havde 1.140 følgere"), ["havde", "1140", "følgere"]);
        assert_eq!(texts("19. april 2018"), ["19", "april", "2018"]);
        assert_eq!(texts("3,5 mio."), ["35", "mio"]);
    }

    #[test]
    fn offsets_point_into_the_input() {
        let input = "Årsrapport og årsberetning";
        let words = split_words(input);
        assert_eq!(&input[words[0].start..words[0].end], "Årsrapport");
        assert_eq!(&input[words[2].start..words[2].end], "årsberetning");
    }

    #[test]
    fn spans_say_which_words_hide_characters() {
        let input = "Rådet's 1.140 for\u{AD}slag i dag";
        let spans: Vec<(&str, bool)> = word_spans(input)
            .map(|s| (&input[s.start..s.end], s.joined))
            .collect();
        assert_eq!(
            spans,
            [
                ("Rådet's", true),
                ("1.140", true),
                ("for\u{AD}slag", true),
                ("i", false),
                ("dag", false)
            ]
        );
    }

    /// The word rules read one character at a time, as simply as they can be written: the
    /// oracle for the byte-level scanner of [`word_spans`].
    fn reference_words(text: &str) -> Vec<(usize, usize, String)> {
        let mut words = Vec::new();
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let mut current: Option<(usize, usize, String)> = None;
        for (i, &(at, c)) in chars.iter().enumerate() {
            let next = chars.get(i + 1).map(|&(_, n)| n);
            if c.is_alphanumeric() {
                let word = current.get_or_insert_with(|| (at, at, String::new()));
                word.1 = at + c.len_utf8();
                word.2.push(c);
                continue;
            }
            if let Some(word) = current.as_mut() {
                let prev = word.2.chars().last();
                let digits = matches!(c, '.' | ',')
                    && prev.is_some_and(|p| p.is_ascii_digit())
                    && next.is_some_and(|n| n.is_ascii_digit());
                let soft = c == '\u{AD}' && next.is_some_and(char::is_alphanumeric);
                let apostrophe = matches!(c, '\'' | '’')
                    && prev.is_some_and(char::is_alphabetic)
                    && next.is_some_and(char::is_alphabetic);
                if digits || soft {
                    continue;
                }
                if apostrophe {
                    word.2.push('\'');
                    continue;
                }
            }
            words.extend(current.take());
        }
        words.extend(current.take());
        words
            .into_iter()
            .filter_map(|(start, end, raw)| {
                let text = normalize_word(&raw);
                (!text.is_empty() && text.len() <= MAX_WORD_BYTES).then_some((start, end, text))
            })
            .collect()
    }

    #[test]
    fn the_quick_letter_test_agrees_with_unicode_on_every_character() {
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5000))]
        #[test]
        fn the_scanner_follows_the_word_rules(
            text in "[a-zA-Z0-9æøåÆØÅéİ\u{AD}\u{301}'’.,ﬁ \n\\-]{0,60}"
        ) {
            let words: Vec<(usize, usize, String)> = split_words(&text)
                .into_iter()
                .map(|w| (w.start, w.end, w.text))
                .collect();
            let texts: Vec<String> = words.iter().map(|w| w.2.clone()).collect();
            proptest::prop_assert_eq!(words, reference_words(&text));
            let counted: Vec<String> = normalized_words(&text).map(|w| w.into_owned()).collect();
            proptest::prop_assert_eq!(counted, texts);
        }
    }

    #[test]
    fn soft_hyphen_inside_a_word_is_ignored() {
        assert_eq!(texts("forebyg\u{AD}gelse"), ["forebyggelse"]);
    }
}

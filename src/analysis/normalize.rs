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

/// Splits `text` into normalised words, in order.
pub fn split_words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut current: Option<(usize, usize, String)> = None;
    while let Some((idx, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        if c.is_alphanumeric() {
            let entry = current.get_or_insert_with(|| (idx, idx, String::new()));
            entry.1 = idx + c.len_utf8();
            entry.2.push(c);
            continue;
        }
        // A separator inside a number (1.140, 3,5) or a soft hyphen / apostrophe inside a word
        // does not end the word.
        if let Some(entry) = current.as_mut() {
            let prev = entry.2.chars().last();
            let joins_digits = matches!(c, '.' | ',')
                && prev.is_some_and(|p| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit());
            let invisible = c == '\u{00AD}' && next.is_some_and(char::is_alphanumeric);
            let apostrophe = matches!(c, '\'' | '’')
                && prev.is_some_and(char::is_alphabetic)
                && next.is_some_and(char::is_alphabetic);
            if joins_digits || invisible {
                continue;
            }
            if apostrophe {
                entry.2.push('\'');
                continue;
            }
        }
        if let Some(entry) = current.take() {
            push_word(&mut words, entry);
        }
    }
    if let Some(entry) = current.take() {
        push_word(&mut words, entry);
    }
    words
}

fn push_word(words: &mut Vec<Word>, (start, end, raw): (usize, usize, String)) {
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
        return;
    }
    words.push(Word { start, end, text });
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
    fn soft_hyphen_inside_a_word_is_ignored() {
        assert_eq!(texts("forebyg\u{AD}gelse"), ["forebyggelse"]);
    }
}

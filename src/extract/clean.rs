//! Text clean-up after layout: one normal form for indexing.
//!
//! In: the raw text of every page of a document (lines separated by `\n`). Out: the same
//! pages, cleaned: ligatures expanded (ﬁ → fi), soft hyphens, bidi and other format controls
//! and Private Use Area symbols removed, odd spaces made plain, runs of spaces collapsed,
//! words hyphenated at a line end re-joined (`forebyg-` + `gelse` → `forebyggelse`) while real
//! compounds keep their hyphen (`SSP-konsulent`, `EU-midler`, `2017-2020`, `kultur- og`), and
//! everything put in Unicode NFC.
//!
//! Design decision: the hyphen choice uses evidence from the whole document first — if the
//! joined word occurs elsewhere it is joined, if the hyphenated compound occurs inside a line
//! it keeps its hyphen — and only then rules: a soft hyphen always joins; an all-capital or
//! numeric first part, a capital or digit after the break, or a following conjunction
//! (`og`, `eller`…) keeps the hyphen; otherwise the word is joined, because line-end
//! hyphenation of ordinary words is far more common than compounds broken at their hyphen.
//!
//! Words wrapped without a hyphen in a narrow table cell are re-joined when the layout marked
//! the line as filling its column ([`WRAP_MARK`]) and the next line goes on in lower case,
//! provided the glued word occurs in the document, or neither half does, or the continuation
//! is one letter; without the mark, only when the glued word occurs elsewhere and one half
//! does not.
//!
//! Known limits: no dictionary, so a lower-case compound that is broken at its own hyphen and
//! never appears elsewhere is joined (`kvalitets-sikring` → `kvalitetssikring` is then right
//! by luck, `it-løsning` written lower-case would lose its hyphen).

use std::borrow::Cow;

use foldhash::{HashMap, HashSet};

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use super::layout::WRAP_MARK;

/// Words after which a line-end hyphen is a hanging compound hyphen ("kultur- og fritid").
const CONJUNCTIONS: &[&str] = &[
    "og", "eller", "samt", "til", "and", "or", "und", "oder", "som", "el",
];

/// Lower-case abbreviations that form hyphenated compounds ("it-sikkerhed", "tv-serie").
const ABBREVIATIONS: &[&str] = &[
    "it", "tv", "pc", "cv", "id", "hr", "cd", "dvd", "sms", "usb", "pdf", "app",
];

/// Maps one character to its clean form: `None` to drop it, `Some(s)` to replace it.
fn map_char(c: char) -> Option<&'static str> {
    Some(match c {
        'ﬀ' => "ff",
        'ﬁ' => "fi",
        'ﬂ' => "fl",
        'ﬃ' => "ffi",
        'ﬄ' => "ffl",
        'ﬅ' | 'ﬆ' => "st",
        'Ĳ' => "IJ",
        'ĳ' => "ij",
        '\t' | '\u{a0}' | '\u{2000}'..='\u{200a}' | '\u{202f}' | '\u{205f}' | '\u{3000}' => " ",
        '\u{2028}' | '\u{2029}' | '\r' => "\n",
        // Soft hyphen: kept for the hyphen pass, removed there.
        '\u{ad}' => "\u{ad}",
        _ => return None,
    })
}

fn is_dropped(c: char) -> bool {
    c != WRAP_MARK
        && matches!(c,
        '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{061c}'
        | '\u{feff}' | '\u{fffd}' | '\u{e000}'..='\u{f8ff}' | '\u{f0000}'..='\u{10ffff}')
        || (c.is_control() && c != '\n')
}

/// Maps each character of `text` by [`map_char`] and drops those [`is_dropped`] says, leaving a
/// space where a dropped symbol stood between words.
fn map_chars(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        // Printable ASCII (most of a page) is neither mapped nor dropped: copied by the run.
        let run = rest
            .bytes()
            .position(|b| !(b' '..=b'~').contains(&b))
            .unwrap_or(rest.len());
        if run > 0
            && let Some((ascii, after)) = rest.split_at_checked(run)
        {
            out.push_str(ascii);
            rest = after;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
        push_mapped(&mut out, c);
    }
    out
}

/// Appends `c` to `out` mapped by [`map_char`], or nothing when it [`is_dropped`].
#[inline]
fn push_mapped(out: &mut String, c: char) {
    if let Some(r) = map_char(c) {
        out.push_str(r);
    } else if is_dropped(c) {
        // PUA bullets and controls stand between words: keep a boundary.
        if c >= '\u{e000}' && !out.ends_with([' ', '\n']) && !out.is_empty() {
            out.push(' ');
        }
    } else {
        out.push(c);
    }
}

/// Character-level clean-up of one page (before hyphen joining).
fn normalize_chars(text: &str) -> String {
    let out = map_chars(text);
    // Collapse spaces, trim lines.
    let mut clean = String::with_capacity(out.len());
    for (i, line) in out.split('\n').enumerate() {
        if i > 0 {
            clean.push('\n');
        }
        let mut first = true;
        for w in line.split(' ').filter(|w| !w.is_empty()) {
            if !first {
                clean.push(' ');
            }
            clean.push_str(w);
            first = false;
        }
    }
    clean
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{ad}')
}

/// The trailing run of letters before a final hyphen on `line`, with the hyphen char.
fn trailing_part(line: &str) -> Option<(&str, char)> {
    let hy = line.chars().next_back().filter(|&c| is_hyphen(c))?;
    let body = line.get(..line.len() - hy.len_utf8())?;
    let start = body
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric())
        .last()
        .map(|(i, _)| i)?;
    let part = body.get(start..)?;
    // "- " alone, or a dash after a space, is not a word break.
    if part.is_empty() {
        None
    } else {
        Some((part, hy))
    }
}

/// The trailing run of letters of `line` (empty when it ends in anything else).
fn trailing_word(line: &str) -> &str {
    let start = line
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(line.len(), |(i, _)| i);
    line.get(start..).unwrap_or_default()
}

/// The leading word of `line` (letters, digits and inner hyphens), and its byte length.
fn leading_word(line: &str) -> &str {
    let end = line
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(line.len(), |(i, _)| i);
    line.get(..end).unwrap_or_default()
}

/// Words seen inside lines (not at a line end), lower-cased: plain words and hyphenated
/// compounds separately.
struct Vocabulary {
    words: HashMap<String, usize>,
    compounds: HashSet<String>,
}

impl Vocabulary {
    fn build(pages: &[String]) -> Self {
        let mut words: HashMap<String, usize> = HashMap::default();
        let mut compounds = HashSet::default();
        for page in pages {
            for line in page.lines() {
                let trimmed = line.trim_end_matches(is_hyphen);
                for tok in trimmed.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
                    if tok.is_empty() {
                        continue;
                    }
                    let lower = lowercase(tok);
                    if tok.contains('-') {
                        compounds.insert(lower.trim_matches('-').to_string());
                        for part in lower.split('-').filter(|p| !p.is_empty()) {
                            count_word(&mut words, part);
                        }
                    } else {
                        count_word(&mut words, &lower);
                    }
                }
            }
        }
        Self { words, compounds }
    }
}

/// Counts one occurrence of `word` (allocating only for a word not seen before).
fn count_word(words: &mut HashMap<String, usize>, word: &str) {
    match words.get_mut(word) {
        Some(n) => *n += 1,
        None => {
            words.insert(word.to_owned(), 1);
        }
    }
}

/// `word.to_lowercase()`, borrowed when that changes nothing (most words of running text):
/// every character then lower-cases to itself alone.
fn lowercase(word: &str) -> Cow<'_, str> {
    let unchanged = if word.is_ascii() {
        !word.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        word.chars().all(|c| {
            let mut lower = c.to_lowercase();
            lower.next() == Some(c) && lower.next().is_none()
        })
    };
    if unchanged {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

/// How a line-end hyphen is resolved.
#[derive(Debug, PartialEq, Eq)]
enum Join {
    /// Remove the hyphen, glue the halves.
    Glue,
    /// Keep the hyphen, glue the halves (compound).
    Keep,
    /// Keep the hyphen and a space (hanging hyphen before a conjunction).
    Hanging,
}

fn decide(left: &str, hy: char, right: &str, vocab: &Vocabulary) -> Join {
    let first = right.chars().next();
    if CONJUNCTIONS.contains(&right.to_lowercase().as_str()) {
        return Join::Hanging;
    }
    if hy == '\u{ad}' {
        return Join::Glue;
    }
    let joined = format!("{left}{right}").to_lowercase();
    let compound = format!("{left}-{right}").to_lowercase();
    let has_joined = vocab.words.contains_key(&joined);
    let has_compound = vocab.compounds.contains(&compound);
    if has_compound && !has_joined {
        return Join::Keep;
    }
    if has_joined {
        return Join::Glue;
    }
    let left_letters: Vec<char> = left.chars().filter(|c| c.is_alphabetic()).collect();
    let acronym = left_letters.len() >= 2 && left_letters.iter().all(|c| c.is_uppercase());
    let numeric = left.chars().any(|c| c.is_ascii_digit());
    // One-letter first parts and lower-case abbreviations are compounds ("e-læring",
    // "it-sikkerhed"): hyphenation leaves at least two letters.
    let short = left_letters.len() <= 1 || ABBREVIATIONS.contains(&left.to_lowercase().as_str());
    if acronym || numeric || short || first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
    {
        return Join::Keep;
    }
    Join::Glue
}

/// Whether a line break without hyphen splits one word (narrow table cells wrap mid-word):
/// the glued word occurs elsewhere in the document while one half occurs nowhere else.
fn is_broken_word(left: &str, right: &str, vocab: &Vocabulary) -> bool {
    if left.is_empty() || right.is_empty() || !right.chars().next().is_some_and(char::is_lowercase)
    {
        return false;
    }
    let (l, r) = (left.to_lowercase(), right.to_lowercase());
    let joined = format!("{l}{r}");
    let count = |w: &str| vocab.words.get(w).copied().unwrap_or(0);
    count(&joined) >= 1 && (count(&l) <= 1 || count(&r) <= 1)
}

/// Whether a one-word line that fills its table column (marked by the layout) and the next
/// line are one word wrapped without a hyphen: the next line goes on in lower case, and the
/// glued word occurs in the document, or neither half occurs anywhere else, or the
/// continuation is a single letter.
fn is_wrapped_in_cell(left: &str, right: &str, vocab: &Vocabulary) -> bool {
    if left.is_empty() || !right.chars().next().is_some_and(char::is_lowercase) {
        return false;
    }
    let (l, r) = (left.to_lowercase(), right.to_lowercase());
    let count = |w: &str| vocab.words.get(w).copied().unwrap_or(0);
    count(&format!("{l}{r}")) >= 1 || (count(&l) <= 1 && count(&r) <= 1) || r.chars().count() == 1
}

/// Moves `word`, the first word of line `i + 1`, to the end of line `i`.
fn pull_up_leading_word(lines: &mut [String], i: usize, word: &str) {
    let rest = lines
        .get(i + 1)
        .and_then(|next| next.get(word.len()..))
        .unwrap_or_default()
        .trim_start()
        .to_string();
    if let Some(cur) = lines.get_mut(i) {
        cur.push_str(word);
    }
    if let Some(next) = lines.get_mut(i + 1) {
        *next = rest;
    }
}

/// Re-joins line-end hyphenation within one page.
fn join_hyphens(page: &str, vocab: &Vocabulary) -> String {
    let mut lines: Vec<String> = page.split('\n').map(str::to_string).collect();
    let mut i = 0;
    while i + 1 < lines.len() {
        if let Some(cur) = lines.get_mut(i)
            && cur.ends_with(WRAP_MARK)
        {
            cur.pop();
            let whole = trailing_word(cur).len() == cur.len();
            let left = cur.clone();
            if let Some(next) = lines.get(i + 1) {
                let right = leading_word(next).to_string();
                if whole && is_wrapped_in_cell(&left, &right, vocab) {
                    pull_up_leading_word(&mut lines, i, &right);
                    i += 1;
                    continue;
                }
            }
        }
        let Some(cur) = lines.get(i) else { break };
        let Some((left, hy)) = trailing_part(cur) else {
            // No hyphen: a word wrapped mid-word in a narrow cell? (Copied only then.)
            let broken = lines
                .get(i + 1)
                .map(|next| leading_word(next))
                .filter(|right| is_broken_word(trailing_word(cur), right, vocab))
                .map(str::to_owned);
            if let Some(right) = broken {
                pull_up_leading_word(&mut lines, i, &right);
            }
            i += 1;
            continue;
        };
        let left = left.to_string();
        // The next non-empty line (a column or block break may sit between the halves).
        let Some(j) = (i + 1..lines.len().min(i + 4))
            .find(|&k| lines.get(k).is_some_and(|l| !l.trim().is_empty()))
        else {
            i += 1;
            continue;
        };
        let Some(next) = lines.get(j) else { break };
        let right = leading_word(next).to_string();
        if right.is_empty() || !right.chars().next().is_some_and(char::is_alphanumeric) {
            i += 1;
            continue;
        }
        let decision = decide(&left, hy, &right, vocab);
        let rest = next
            .get(right.len()..)
            .unwrap_or_default()
            .trim_start()
            .to_string();
        if let Some(cur) = lines.get_mut(i) {
            match decision {
                Join::Glue => {
                    cur.pop();
                    cur.push_str(&right);
                }
                Join::Keep => {
                    if hy == '\u{ad}' {
                        cur.pop();
                        cur.push('-');
                    }
                    cur.push_str(&right);
                }
                Join::Hanging => {
                    i += 1;
                    continue;
                }
            }
        }
        // A continuation that is itself hyphenated again ("ung-" / "domsuddan-" / "nelser"):
        // carry the hyphen over and look at the same line once more.
        let again = rest.chars().count() == 1 && rest.starts_with(is_hyphen);
        if again && let Some(cur) = lines.get_mut(i) {
            cur.push_str(&rest);
        }
        if again {
            lines.remove(j);
        } else if rest.is_empty() {
            // The continuation took the whole line: no blank line is left behind.
            lines.remove(j);
            i += 1;
        } else {
            if let Some(next) = lines.get_mut(j) {
                *next = rest;
            }
            i += 1;
        }
    }
    let mut out = String::with_capacity(page.len());
    for (k, line) in lines.iter().enumerate() {
        if k > 0 {
            out.push('\n');
        }
        out.push_str(line);
    }
    // Soft hyphens inside lines are invisible break hints. Both are non-ASCII, and the last
    // bytes of their UTF-8 (0xAD, 0xA3) are rare in Danish text: most pages need no copy.
    if memchr::memchr2(0xAD, 0xA3, out.as_bytes()).is_none() {
        return out;
    }
    out.replace(['\u{ad}', WRAP_MARK], "")
}

/// `text` in NFC. Most page text already is, which the NFC quick check tells from a table
/// lookup per non-ASCII character; only the rest is decomposed and recomposed.
fn nfc(text: &str) -> Cow<'_, str> {
    if quick_nfc(text) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// Whether the NFC quick check answers Yes for `text`, asking it of each run of non-ASCII
/// characters alone, so ASCII (most of a page) is skipped by the byte instead of decoded. The
/// same answer: an ASCII character is in NFC and resets what the check carries from one
/// character to the next, so `text` is Yes exactly when every run is.
fn quick_nfc(text: &str) -> bool {
    let mut rest = text;
    loop {
        let Some(start) = rest.bytes().position(|b| !b.is_ascii()) else {
            return true;
        };
        let from = rest.get(start..).unwrap_or_default();
        let end = from
            .bytes()
            .position(|b| b.is_ascii())
            .unwrap_or(from.len());
        let (run, after) = from.split_at_checked(end).unwrap_or((from, ""));
        if is_nfc_quick(run.chars()) != IsNormalized::Yes {
            return false;
        }
        rest = after;
    }
}

/// Cleans every page of a document (the vocabulary for hyphen decisions spans all pages).
pub fn clean_document(pages: Vec<String>) -> Vec<String> {
    let normalized: Vec<String> = pages.iter().map(|p| normalize_chars(&nfc(p))).collect();
    let vocab = Vocabulary::build(&normalized);
    normalized
        .iter()
        .map(|p| {
            let joined = join_hyphens(p, &vocab);
            // Drop empty lines left behind by joins, but keep paragraph breaks.
            let mut out = String::with_capacity(joined.len());
            let mut blank_run = 0;
            for line in joined.split('\n') {
                let line = line.trim();
                if line.is_empty() {
                    blank_run += 1;
                    continue;
                }
                if !out.is_empty() {
                    out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
                }
                blank_run = 0;
                out.push_str(line);
            }
            match nfc(&out) {
                Cow::Borrowed(_) => out,
                Cow::Owned(normal) => normal,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(s: &str) -> String {
        clean_document(vec![s.to_string()])
            .pop()
            .unwrap_or_default()
    }

    proptest::proptest! {
        /// Asking the quick check run by run answers as asking it of the whole text.
        #[test]
        fn quick_check_by_runs_equals_the_whole(
            text in "[a-z \u{300}-\u{36f}æøåÅ\u{212b}\u{f900}\u{1100}\u{1161}\u{ac00}\u{340}\u{344}]{0,24}"
        ) {
            proptest::prop_assert_eq!(
                quick_nfc(&text),
                is_nfc_quick(text.chars()) == IsNormalized::Yes
            );
        }
    }

    proptest::proptest! {
        /// The quick-check shortcut gives exactly what full normalisation gives, on text
        /// mixing Danish letters, decomposed forms, combining marks and Hangul.
        #[test]
        fn nfc_shortcut_equals_full_normalisation(
            text in "[a-zæøåÆØÅ \u{300}-\u{36f}\u{1100}-\u{1112}\u{1161}-\u{1175}\u{ac00}-\u{ac10}\u{fb01}\u{212b}\u{f900}-\u{f910}]{0,24}"
        ) {
            proptest::prop_assert_eq!(nfc(&text).into_owned(), text.nfc().collect::<String>());
        }
    }

    /// [`map_chars`] as the rule reads: one character at a time.
    fn map_chars_one_by_one(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            push_mapped(&mut out, c);
        }
        out
    }

    proptest::proptest! {
        /// Copying printable ASCII by the run gives what mapping every character gives, on
        /// text mixing ASCII, controls, ligatures, odd spaces, format marks, PUA symbols and
        /// Danish letters.
        #[test]
        fn ascii_runs_map_like_single_characters(
            text in "[ -~\t\r\n\u{0}-\u{1f}\u{7f}\u{a0}\u{ad}æøåÆØÅ\u{fb01}-\u{fb06}\u{2000}-\u{200f}\u{2028}\u{2063}\u{e000}-\u{e002}\u{f0000}]{0,40}"
        ) {
            proptest::prop_assert_eq!(map_chars(&text), map_chars_one_by_one(&text));
        }
    }

    proptest::proptest! {
        /// The borrowing lower-casing gives exactly `str::to_lowercase`, final sigma,
        /// dotted I and title-case letters included.
        #[test]
        fn lowercase_equals_to_lowercase(
            word in "[a-zA-ZæøåÆØÅ0-9\u{3a3}\u{3c3}\u{3c2}\u{130}\u{1c5}\u{1c4}\u{1f88}\u{2160}\u{24b6}\u{df}-]{0,12}"
        ) {
            proptest::prop_assert_eq!(lowercase(&word).into_owned(), word.to_lowercase());
        }
    }

    #[test]
    fn ligatures_and_controls() {
        assert_eq!(clean("ﬁre ﬂade oﬃcielt"), "fire flade officielt");
        assert_eq!(clean("a\u{202d}b\u{202c} c\u{200b}d"), "ab cd");
        assert_eq!(clean("\u{f0b7}Punkt"), "Punkt");
        assert_eq!(clean("a\u{a0}b\t\tc"), "a b c");
        assert_eq!(clean("A\u{30a}rhus"), "Århus");
    }

    #[test]
    fn line_end_hyphens_are_joined() {
        assert_eq!(clean("en forebyg-\ngelse af"), "en forebyggelse\naf");
        assert_eq!(clean("kriminali\u{ad}\ntets"), "kriminalitets");
        assert_eq!(clean("fore\u{ad}byggelse"), "forebyggelse");
    }

    #[test]
    fn a_word_hyphenated_twice_is_joined_once() {
        assert_eq!(
            clean("Skoler og ung-\ndomsuddan-\nnelser\nJobcentre"),
            "Skoler og ungdomsuddannelser\nJobcentre"
        );
    }

    #[test]
    fn compounds_keep_their_hyphen() {
        assert_eq!(clean("en SSP-\nkonsulent"), "en SSP-konsulent");
        assert_eq!(clean("af EU-\nmidler"), "af EU-midler");
        assert_eq!(clean("perioden 2017-\n2020"), "perioden 2017-2020");
        assert_eq!(clean("kultur-\nog fritid"), "kultur-\nog fritid");
        assert_eq!(clean("Nord-\nJylland"), "Nord-Jylland");
        assert_eq!(
            clean("it-\nsikkerhed og e-\nlæring"),
            "it-sikkerhed\nog e-læring"
        );
    }

    #[test]
    fn words_wrapped_in_narrow_cells_are_joined() {
        let pages = vec![
            "Respondentgrup\npe\nKommunale\nledere".to_string(),
            "hver respondentgruppe og ledere".to_string(),
        ];
        assert_eq!(
            clean_document(pages)[0],
            "Respondentgruppe\n\nKommunale\nledere"
        );
    }

    #[test]
    fn a_marked_cell_line_is_joined_only_to_a_continuation() {
        let m = WRAP_MARK;
        let pages = vec![format!(
            "Mentoruddannelse{m}\nn\nForældrecoachudd{m}\nannelsen\nUdenlandske{m}\ndelegationer"
        )];
        let pages = [pages, vec!["de udenlandske gæster".to_string()]].concat();
        assert_eq!(
            clean_document(pages)[0],
            "Mentoruddannelsen\n\nForældrecoachuddannelsen\n\nUdenlandske\ndelegationer"
        );
    }

    #[test]
    fn document_evidence_wins() {
        let pages = vec![
            "en ung-\ndomsklub".to_string(),
            "vi har ungdomsklub".to_string(),
        ];
        assert_eq!(clean_document(pages)[0], "en ungdomsklub");
        let pages = vec![
            "et it-\nprojekt".to_string(),
            "hvert it-projekt".to_string(),
        ];
        assert_eq!(clean_document(pages)[0], "et it-projekt");
    }
}

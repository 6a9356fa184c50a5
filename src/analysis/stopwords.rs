//! Danish stop words and question words.
//!
//! Stop words are never removed from the index, so phrases such as `"af ekstremisme"` keep their
//! positions. The query builder uses this list to decide which words count when it ranks pages by
//! how many of the query's words they hold: a page is not better for holding `og` or `hvornår`.
//! A query made of stop words alone keeps them all.

/// Function words of Danish (the common Snowball list, plus a few forms of it).
const STOP_WORDS: &[&str] = &[
    "ad", "af", "alle", "alt", "anden", "andet", "andre", "at", "blev", "blive", "bliver", "da",
    "de", "dem", "den", "denne", "dens", "der", "deres", "det", "dette", "dig", "din", "dine",
    "disse", "dit", "dog", "du", "efter", "eller", "en", "end", "er", "et", "for", "fra", "ham",
    "han", "hans", "har", "havde", "have", "hende", "hendes", "her", "hos", "hun", "hvad", "hvis",
    "hvor", "i", "ikke", "ind", "ingen", "intet", "jeg", "jer", "jo", "kunne", "man", "mange",
    "med", "meget", "men", "mig", "min", "mine", "mit", "mod", "ned", "nogen", "noget", "nogle",
    "nu", "når", "og", "også", "om", "op", "os", "over", "på", "sig", "sin", "sine", "sit", "skal",
    "skulle", "som", "sådan", "thi", "til", "ud", "under", "var", "vi", "vil", "ville", "vor",
    "vores", "være", "været",
];

/// Words that make a question a question; they never appear on the answer page.
const QUESTION_WORDS: &[&str] = &[
    "hvem",
    "hvilke",
    "hvilken",
    "hvilket",
    "hvordan",
    "hvorfor",
    "hvornår",
    "hvorledes",
    "hvorvidt",
];

/// Whether `word` (normalised, lower-case) is a Danish stop word or question word.
pub fn is_stop_word(word: &str) -> bool {
    STOP_WORDS.binary_search(&word).is_ok() || QUESTION_WORDS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_for_binary_search() {
        let mut sorted = STOP_WORDS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, STOP_WORDS);
    }

    #[test]
    fn function_and_question_words_are_stop_words() {
        for word in ["og", "af", "på", "hvad", "hvornår", "når"] {
            assert!(is_stop_word(word), "{word}");
        }
        for word in ["ekstremisme", "forebyggelse", "center", "mentor"] {
            assert!(!is_stop_word(word), "{word}");
        }
    }
}

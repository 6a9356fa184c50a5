//! Folding of Danish letters for users without æ, ø and å on their keyboard.
//!
//! In: a normalised word. Out: its folded key, where every way of typing a Danish letter meets:
//! `æ`, `ae` and `a` fold to `a`; `ø`, `oe` and `o` to `o`; `å`, `aa` and `a` to `a`; other
//! accented Latin letters lose their accent (`é` → `e`, `ü` → `u`). So `rådgivning`,
//! `raadgivning` and `radgivning` share the key `radgivning`, and `Århus`/`Aarhus` share `arhus`.
//!
//! Folding loses information (`får` and `far` meet), so the index keeps folded keys in a field of
//! their own, scored below exact and stemmed matches: a query typed with æøå ranks its own form
//! first, and one typed without still finds the page.

/// Folds a lower-case word to its ASCII-ish key.
pub fn fold(word: &str) -> String {
    // Plain ASCII without `aa`, `ae` or `oe` folds to itself; most words are such.
    if word.is_ascii() && !["aa", "ae", "oe"].iter().any(|pair| word.contains(pair)) {
        return word.to_owned();
    }
    let mut spelled = String::with_capacity(word.len() + 4);
    for c in word.chars() {
        match c {
            'æ' | 'ä' => spelled.push_str("ae"),
            'ø' | 'ö' | 'œ' => spelled.push_str("oe"),
            'å' => spelled.push_str("aa"),
            'á' | 'à' | 'â' | 'ã' => spelled.push('a'),
            'é' | 'è' | 'ê' | 'ë' => spelled.push('e'),
            'í' | 'ì' | 'î' | 'ï' => spelled.push('i'),
            'ó' | 'ò' | 'ô' | 'õ' => spelled.push('o'),
            'ú' | 'ù' | 'û' | 'ü' => spelled.push('u'),
            'ý' | 'ÿ' => spelled.push('y'),
            'ç' => spelled.push('c'),
            'ñ' => spelled.push('n'),
            'ß' => spelled.push_str("ss"),
            other => spelled.push(other),
        }
    }
    // Collapse `aa`, `ae` and `oe` until none is left, so that folding is idempotent
    // (`aaa` → `aa` → `a`). Each pass shortens the word, so this ends.
    loop {
        let collapsed = collapse_pairs(&spelled);
        if collapsed.len() == spelled.len() {
            return collapsed;
        }
        spelled = collapsed;
    }
}

fn collapse_pairs(word: &str) -> String {
    let mut folded = String::with_capacity(word.len());
    let mut chars = word.chars().peekable();
    while let Some(c) = chars.next() {
        if matches!((c, chars.peek()), ('a', Some('a' | 'e')) | ('o', Some('e'))) {
            chars.next();
        }
        folded.push(c);
    }
    folded
}

/// Whether a word contains anything that [`fold`] changes.
pub fn needs_folding(word: &str) -> bool {
    fold(word) != word
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_spelling_of_aa_meets() {
        for spelling in ["rådgivning", "raadgivning", "radgivning"] {
            assert_eq!(fold(spelling), "radgivning", "{spelling}");
        }
        assert_eq!(fold("århus"), fold("aarhus"));
    }

    #[test]
    fn every_spelling_of_ae_and_oe_meets() {
        assert_eq!(fold("værktøj"), "varktoj");
        assert_eq!(fold("vaerktoej"), "varktoj");
        assert_eq!(fold("varktoj"), "varktoj");
        assert_eq!(fold("østjylland"), fold("ostjylland"));
    }

    #[test]
    fn accents_are_dropped() {
        assert_eq!(fold("café"), "cafe");
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(word in "[a-zæøåé]{0,12}") {
            let once = fold(&word);
            prop_assert_eq!(fold(&once), once.clone());
        }

        #[test]
        fn folded_keys_are_ascii_for_danish_letters(word in "[a-zæøå]{0,12}") {
            prop_assert!(fold(&word).is_ascii());
        }
    }
}

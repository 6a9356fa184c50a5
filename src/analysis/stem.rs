//! Danish stemming: the Snowball algorithm, applied until the word stops changing.
//!
//! The Danish Snowball stemmer removes one suffix per call, so inflected forms of one word can end
//! on different stems: `indsats` → `indsat`, but `indsatsen` → `indsats`. Stemming again until the
//! result is stable (at most three rounds) makes those meet, at the price of a little more
//! conflation; exact-form matches are scored separately, so the ranking keeps the difference.
//! One rule is added to Snowball: the neuter `t` of adjectives in `-el`/`-al` goes
//! (`nationalt` → `national`).

use frostem::{Algorithm, Stemmer};

/// Rounds of stemming at most; the Snowball steps shorten or keep a word, so two rounds
/// nearly always reach the fixpoint.
const MAX_ROUNDS: usize = 3;

/// Stems a normalised (lower-case) Danish word.
pub fn stem(word: &str) -> String {
    let stemmer = Stemmer::new(Algorithm::Danish);
    let mut current = word.to_owned();
    for _ in 0..MAX_ROUNDS {
        // Digits and very short words have nothing to remove.
        if current.chars().count() < 3 || current.chars().any(|c| c.is_ascii_digit()) {
            break;
        }
        let next = strip_neuter_t(&stemmer.stem(&current)).to_owned();
        if next == current {
            break;
        }
        current = next;
    }
    current
}

/// Shortest word whose neuter `t` is removed.
const MIN_NEUTER_CHARS: usize = 6;

/// Removes the neuter `t` of adjectives in `-el` and `-al` (`nationalt` → `national`,
/// `generelt` → `generel`), which the Snowball stemmer keeps.
fn strip_neuter_t(word: &str) -> &str {
    if word.chars().count() >= MIN_NEUTER_CHARS && (word.ends_with("elt") || word.ends_with("alt"))
    {
        &word[..word.len() - 1]
    } else {
        word
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflections_meet_on_one_stem() {
        assert_eq!(stem("handlingsplanerne"), stem("handlingsplan"));
        assert_eq!(stem("indsatsen"), stem("indsats"));
        assert_eq!(stem("fængselsbetjente"), stem("fængselsbetjent"));
        assert_eq!(stem("konsulenter"), stem("konsulent"));
    }

    #[test]
    fn neuter_adjectives_meet_their_base_form() {
        assert_eq!(stem("nationalt"), stem("national"));
        assert_eq!(stem("tværministerielt"), stem("tværministerielle"));
        assert_eq!(stem("generelt"), stem("generelle"));
        assert_eq!(stem("salt"), "salt");
    }

    #[test]
    fn numbers_are_left_alone() {
        assert_eq!(stem("2018"), "2018");
        assert_eq!(stem("1140"), "1140");
    }
}

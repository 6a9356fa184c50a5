//! Splitting Danish compounds into their parts, from a lexicon of known words.
//!
//! Danish writes compounds as one word, often with a linking `s` or `e`:
//! `forebyggelse` + `s` + `indsats` = `forebyggelsesindsats`. The analyzer keeps the whole word
//! and adds its parts at the same position, so a query for a part, or for the parts written
//! apart, finds the compound; at query time a compound is split the same way, so it finds its
//! parts written apart.
//!
//! A split is accepted only when every part is a known word of at least four letters: a word of
//! the [`Lexicon`] seen at least [`Lexicon::MIN_COUNT`] times, or one whose stem is. Among the
//! possible splits the one whose parts are most frequent wins (the geometric mean of their
//! counts, as in Koehn and Knight's frequency method). Parts are split again, up to
//! [`MAX_PARTS`] parts.
//!
//! The lexicon is built from the corpus being indexed (every word of every page, with its count)
//! on top of a seed list built from the project's own publications, and is saved with the index,
//! so queries are split with the lexicon the pages were split with.
//!
//! Limits: a part missing from the lexicon stops the split; a short part (`by`, `tid`) is never
//! split off, to keep false splits rare.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::Path;

use super::stem::stem;

/// Most parts a compound is split into.
pub const MAX_PARTS: usize = 4;
/// Fewest characters of a part.
const MIN_PART_CHARS: usize = 4;
/// Fewest characters of a word worth trying to split.
const MIN_COMPOUND_CHARS: usize = 2 * MIN_PART_CHARS;

/// Known words and how often they occur.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    words: HashMap<String, u32>,
    stems: HashMap<String, u32>,
}

/// Seed list: `word<TAB>count` lines built from the project's publications.
const SEED: &str = include_str!("data/lexicon-seed.tsv");

impl Lexicon {
    /// Times a word must be seen to count as known.
    pub const MIN_COUNT: u32 = 2;

    /// An empty lexicon: nothing is split.
    pub fn new() -> Lexicon {
        Lexicon::default()
    }

    /// The seed lexicon shipped with pubsearch.
    pub fn seed() -> Lexicon {
        let mut lexicon = Lexicon::new();
        lexicon.add_tsv(SEED);
        lexicon
    }

    /// Counts one occurrence of each alphabetic word (normalised, lower-case) of `words`.
    pub fn add_words<'a>(&mut self, words: impl IntoIterator<Item = &'a str>) {
        for word in words {
            if word.chars().count() >= MIN_PART_CHARS && word.chars().all(char::is_alphabetic) {
                self.add(word, 1);
            }
        }
    }

    /// Adds `count` occurrences of `word`.
    pub fn add(&mut self, word: &str, count: u32) {
        let entry = self.words.entry(word.to_owned()).or_insert(0);
        *entry = entry.saturating_add(count);
        let entry = self.stems.entry(stem(word)).or_insert(0);
        *entry = entry.saturating_add(count);
    }

    /// Adds every count of `other`.
    pub fn merge(&mut self, other: &Lexicon) {
        for (word, &count) in &other.words {
            self.add(word, count);
        }
    }

    /// Number of distinct words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Whether the lexicon has no words.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// How often `word` itself was seen; 0 when it counts as unknown. Used for the first parts
    /// of a compound, which Danish writes in their bare form.
    fn head_count(&self, word: &str) -> u32 {
        let count = self.words.get(word).copied().unwrap_or(0);
        if count >= Self::MIN_COUNT { count } else { 0 }
    }

    /// How often `word`, or failing that its stem, was seen; 0 when it counts as unknown. Used
    /// for the last part, which carries the inflection of the whole word.
    fn count(&self, word: &str) -> u32 {
        let direct = self.words.get(word).copied().unwrap_or(0);
        let count = if direct >= Self::MIN_COUNT {
            direct
        } else {
            self.stems.get(&stem(word)).copied().unwrap_or(0)
        };
        if count >= Self::MIN_COUNT { count } else { 0 }
    }

    /// The parts of `word` (normalised, lower-case), or `None` when it is not a known compound.
    pub fn split(&self, word: &str) -> Option<Vec<String>> {
        if word.chars().count() < MIN_COMPOUND_CHARS || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        self.best_split(word, MAX_PARTS).map(|(parts, _)| parts)
    }

    /// Best split of `word` into at most `max_parts` known parts, with its score (sum of the
    /// logarithms of the part counts, divided by the number of parts).
    fn best_split(&self, word: &str, max_parts: usize) -> Option<(Vec<String>, f64)> {
        if max_parts < 2 {
            return None;
        }
        let mut best: Option<(Vec<String>, f64)> = None;
        let boundaries: Vec<usize> = word.char_indices().map(|(i, _)| i).skip(MIN_PART_CHARS).collect();
        for &cut in &boundaries {
            let Some((head, rest)) = word.split_at_checked(cut) else { continue };
            let head_count = self.head_count(head);
            if head_count == 0 {
                continue;
            }
            for tail in linked_tails(rest) {
                if tail.chars().count() < MIN_PART_CHARS {
                    continue;
                }
                let tail_count = self.count(tail);
                let candidate = if tail_count > 0 {
                    Some((vec![head.to_owned(), tail.to_owned()], mean_log(&[head_count, tail_count])))
                } else {
                    self.best_split(tail, max_parts - 1).map(|(mut parts, score)| {
                        let n = parts.len() as f64;
                        parts.insert(0, head.to_owned());
                        let total = score * n + f64::from(head_count).ln();
                        (parts, total / (n + 1.0))
                    })
                };
                if let Some((parts, score)) = candidate {
                    let better = match &best {
                        None => true,
                        Some((best_parts, best_score)) => {
                            parts.len() < best_parts.len()
                                || (parts.len() == best_parts.len() && score > *best_score)
                        }
                    };
                    if better {
                        best = Some((parts, score));
                    }
                }
            }
        }
        best
    }

    /// Reads a lexicon saved by [`Lexicon::save`].
    ///
    /// # Errors
    /// Fails when the file cannot be read.
    pub fn load(path: &Path) -> std::io::Result<Lexicon> {
        let file = std::fs::File::open(path)?;
        let mut lexicon = Lexicon::new();
        for line in std::io::BufReader::new(file).lines() {
            lexicon.add_tsv(&line?);
        }
        Ok(lexicon)
    }

    /// Writes the lexicon as sorted `word<TAB>count` lines.
    ///
    /// # Errors
    /// Fails when the file cannot be written.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut entries: Vec<(&String, &u32)> = self.words.iter().collect();
        entries.sort_unstable();
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (word, count) in entries {
            writeln!(out, "{word}\t{count}")?;
        }
        out.flush()
    }

    fn add_tsv(&mut self, text: &str) {
        for line in text.lines() {
            let mut fields = line.split('\t');
            let (Some(word), Some(count)) = (fields.next(), fields.next()) else { continue };
            if let Ok(count) = count.trim().parse::<u32>() {
                self.add(word, count);
            }
        }
    }
}

/// The tail after a cut, with and without a linking `s` or `e`.
fn linked_tails(rest: &str) -> impl Iterator<Item = &str> {
    let linked = rest.strip_prefix('s').or_else(|| rest.strip_prefix('e'));
    std::iter::once(rest).chain(linked)
}

fn mean_log(counts: &[u32]) -> f64 {
    let sum: f64 = counts.iter().map(|&c| f64::from(c).ln()).sum();
    sum / counts.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(words: &[(&str, u32)]) -> Lexicon {
        let mut lexicon = Lexicon::new();
        for &(word, count) in words {
            lexicon.add(word, count);
        }
        lexicon
    }

    #[test]
    fn splits_at_a_linking_s() {
        let lexicon = lexicon(&[("forebyggelse", 40), ("indsats", 9), ("indsatsen", 4)]);
        assert_eq!(lexicon.split("forebyggelsesindsatsen").unwrap(), ["forebyggelse", "indsatsen"]);
        assert_eq!(lexicon.split("forebyggelsesindsats").unwrap(), ["forebyggelse", "indsats"]);
    }

    #[test]
    fn splits_without_a_link_and_into_three_parts() {
        let lexicon = lexicon(&[("status", 5), ("rapportering", 3), ("mentor", 4), ("netværk", 6), ("møde", 7)]);
        assert_eq!(lexicon.split("statusrapportering").unwrap(), ["status", "rapportering"]);
        assert_eq!(lexicon.split("mentornetværksmøde").unwrap(), ["mentor", "netværk", "møde"]);
    }

    #[test]
    fn inflected_tail_is_known_through_its_stem() {
        let lexicon = lexicon(&[("sekretariat", 3), ("funktion", 3)]);
        assert_eq!(lexicon.split("sekretariatsfunktionen").unwrap(), ["sekretariat", "funktionen"]);
    }

    #[test]
    fn unknown_or_short_parts_are_not_split_off() {
        let lexicon = lexicon(&[("ekstrem", 10), ("isme", 1), ("fore", 5), ("for", 50)]);
        assert_eq!(lexicon.split("ekstremisme"), None);
        assert_eq!(lexicon.split("forebyggelse"), None);
        assert_eq!(lexicon.split("kort"), None);
    }

    #[test]
    fn words_seen_once_do_not_count() {
        let lexicon = lexicon(&[("handling", 1), ("plan", 1)]);
        assert_eq!(lexicon.split("handlingsplan"), None);
    }

    #[test]
    fn save_and_load_round_trip() {
        let lexicon = lexicon(&[("status", 5), ("rapportering", 3)]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lexicon.tsv");
        lexicon.save(&path).unwrap();
        let loaded = Lexicon::load(&path).unwrap();
        assert_eq!(loaded.split("statusrapportering").unwrap(), ["status", "rapportering"]);
        assert_eq!(loaded.len(), 2);
    }

    #[test]
    fn seed_lexicon_splits_corpus_compounds() {
        let seed = Lexicon::seed();
        assert!(seed.len() > 1000, "seed has {} words", seed.len());
        assert!(seed.split("sekretariatsfunktionen").is_some());
    }
}

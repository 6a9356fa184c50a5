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
//!
//! Speed: each word keeps its stem beside its count, so counting a word seen before (indexing
//! counts every word of every page) costs one hash lookup and no stemming; the maps use
//! foldhash (fast, seeded per map).

use std::io::Write;
use std::path::Path;

use foldhash::{HashMap, HashSet};

use super::stem::stem;
use super::stopwords::is_stop_word;

/// Most parts a compound is split into.
pub const MAX_PARTS: usize = 4;
/// Fewest characters of a part.
const MIN_PART_CHARS: usize = 4;
/// Fewest characters of a word worth trying to split.
const MIN_COMPOUND_CHARS: usize = 2 * MIN_PART_CHARS;
/// Fewest characters of an unknown last part kept after a known head.
const MIN_UNKNOWN_TAIL_CHARS: usize = 6;
/// Fewest characters of an unknown head before a linking `s`.
const MIN_UNKNOWN_HEAD_CHARS: usize = 7;
/// Fewest characters of a head known only with an ending.
const MIN_STEM_HEAD_CHARS: usize = 6;
/// Fewest different words a productive head must start.
const MIN_HEAD_USES: u32 = 2;

/// Known words and how often they occur.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    /// Count and stem of each word.
    words: HashMap<String, WordEntry>,
    stems: HashMap<String, u32>,
    /// Productive heads (see [`Lexicon::learn_heads`]).
    heads: HashSet<String>,
}

/// How often a word was seen, and its stem.
#[derive(Debug, Clone)]
struct WordEntry {
    count: u32,
    stem: String,
}

/// A candidate split.
#[derive(Debug, Clone)]
struct Split {
    parts: Vec<String>,
    counts: Vec<u32>,
    /// Whether every part is a known word.
    all_known: bool,
    /// Mean logarithm of the part counts.
    score: f64,
}

impl Split {
    fn new(parts: Vec<String>, counts: &[u32], all_known: bool) -> Split {
        let score = mean_log(counts);
        Split {
            parts,
            counts: counts.to_vec(),
            all_known,
            score,
        }
    }

    /// Known parts beat an unknown tail; then fewer parts; then more frequent parts.
    fn better_than(&self, other: &Split) -> bool {
        (self.all_known, std::cmp::Reverse(self.parts.len()))
            > (other.all_known, std::cmp::Reverse(other.parts.len()))
            || (self.all_known == other.all_known
                && self.parts.len() == other.parts.len()
                && self.score > other.score)
    }
}

/// Second column of a productive head in a saved lexicon.
const HEAD_MARK: &str = "head";

/// Seed list: `word<TAB>count` lines built from the project's publications.
const SEED: &str = include_str!("data/lexicon-seed.tsv");

impl Lexicon {
    /// Times a four-letter word must be seen to count as known; longer words count once seen.
    pub const MIN_COUNT: u32 = 2;

    /// An empty lexicon: nothing is split.
    pub fn new() -> Lexicon {
        Lexicon::default()
    }

    /// The seed lexicon shipped with pubsearch.
    pub fn seed() -> Lexicon {
        let mut lexicon = Lexicon::new();
        lexicon.add_tsv(SEED);
        lexicon.learn_heads();
        lexicon
    }

    /// Counts one occurrence of each alphabetic word (normalised, lower-case) of `words`.
    pub fn add_words(&mut self, words: impl IntoIterator<Item = impl AsRef<str>>) {
        for word in words {
            let word = word.as_ref();
            if word.chars().count() >= MIN_PART_CHARS && word.chars().all(char::is_alphabetic) {
                self.add(word, 1);
            }
        }
    }

    /// Adds `count` occurrences of `word`.
    pub fn add(&mut self, word: &str, count: u32) {
        if let Some(entry) = self.words.get_mut(word) {
            // Seen before: its stem is known (and counted, unless the word came with a count
            // of 0 from a file).
            entry.count = entry.count.saturating_add(count);
            match self.stems.get_mut(&entry.stem) {
                Some(known) => *known = known.saturating_add(count),
                None => {
                    self.stems.insert(entry.stem.clone(), count);
                }
            }
            return;
        }
        self.add_stemmed(word, count, &stem(word));
    }

    /// Adds `count` occurrences of `word`, whose stem is `word_stem`. Each table is looked up
    /// once and a key allocated only when new: opening an index loads thousands of words.
    fn add_stemmed(&mut self, word: &str, count: u32, word_stem: &str) {
        match self.stems.get_mut(word_stem) {
            Some(known) => *known = known.saturating_add(count),
            None => {
                self.stems.insert(word_stem.to_owned(), count);
            }
        }
        match self.words.get_mut(word) {
            Some(entry) => entry.count = entry.count.saturating_add(count),
            None => {
                let entry = WordEntry {
                    count,
                    stem: word_stem.to_owned(),
                };
                self.words.insert(word.to_owned(), entry);
            }
        }
    }

    /// Adds every count and head of `other`.
    pub fn merge(&mut self, other: &Lexicon) {
        for (word, entry) in &other.words {
            self.add(word, entry.count);
        }
        self.heads.extend(other.heads.iter().cloned());
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
        let count = self.word_count(word);
        if count >= min_count(word) { count } else { 0 }
    }

    /// How often `word`, or failing that its stem, was seen; 0 when it counts as unknown. Used
    /// for the last part, which carries the inflection of the whole word.
    fn count(&self, word: &str) -> u32 {
        let direct = self.word_count(word);
        let needed = min_count(word);
        let count = if direct >= needed {
            direct
        } else {
            // Through the stem only when the stem is long enough to say something: `byggelse`
            // must not be known because `bygge` is (both stem to `byg`).
            let stem = stem(word);
            if stem.chars().count() > MIN_PART_CHARS {
                self.stems.get(&stem).copied().unwrap_or(0)
            } else {
                0
            }
        };
        if count >= needed { count } else { 0 }
    }

    /// How often `word` itself was seen (0: never).
    fn word_count(&self, word: &str) -> u32 {
        self.words.get(word).map_or(0, |entry| entry.count)
    }

    /// The parts of `word` (normalised, lower-case), or `None` when it is not a compound.
    pub fn split(&self, word: &str) -> Option<Vec<String>> {
        if word.chars().count() < MIN_COMPOUND_CHARS || !word.chars().all(char::is_alphabetic) {
            return None;
        }
        self.best_split(word, MAX_PARTS).map(|split| split.parts)
    }

    /// Whether `head` may start a compound: a known word, a known word less a short ending
    /// (`kommunal` of `kommunale`, for heads of [`MIN_STEM_HEAD_CHARS`] letters or more), or a
    /// productive head.
    fn known_head(&self, head: &str) -> Option<u32> {
        let count = self.head_count(head);
        if count > 0 {
            return Some(count);
        }
        if head.chars().count() >= MIN_STEM_HEAD_CHARS {
            // The head of `kommunaldirektør` is `kommunal`, seen as `kommunale`: a known word
            // that is the head plus a short ending.
            let inflected = ["e", "er", "en", "et"].iter().filter_map(|ending| {
                let mut word = String::with_capacity(head.len() + 2);
                word.push_str(head);
                word.push_str(ending);
                self.words.get(&word).map(|entry| entry.count)
            });
            if let Some(count) = inflected.max() {
                return Some(count);
            }
        }
        self.heads.contains(head).then_some(1)
    }

    /// Best split of `word` into at most `max_parts` parts.
    fn best_split(&self, word: &str, max_parts: usize) -> Option<Split> {
        if max_parts < 2 {
            return None;
        }
        let mut best: Option<Split> = None;
        for (cut, _) in word.char_indices().skip(MIN_PART_CHARS) {
            let Some((head, rest)) = word.split_at_checked(cut) else {
                continue;
            };
            let Some(head_count) = self.known_head(head) else {
                if let Some(candidate) = self.unknown_head_split(head, rest)
                    && best.as_ref().is_none_or(|b| candidate.better_than(b))
                {
                    best = Some(candidate);
                }
                continue;
            };
            for tail in linked_tails(rest) {
                let tail_chars = tail.chars().count();
                if tail_chars < MIN_PART_CHARS || is_stop_word(tail) {
                    continue;
                }
                let tail_count = self.count(tail);
                let candidate = if tail_count > 0 {
                    Some(Split::new(
                        vec![head.to_owned(), tail.to_owned()],
                        &[head_count, tail_count],
                        true,
                    ))
                } else if let Some(inner) =
                    self.best_split(tail, max_parts - 1).filter(|s| s.all_known)
                {
                    let mut parts = vec![head.to_owned()];
                    parts.extend(inner.parts);
                    let mut counts = vec![head_count];
                    counts.extend(inner.counts);
                    Some(Split::new(parts, &counts, true))
                } else if tail_chars >= MIN_UNKNOWN_TAIL_CHARS
                    && head.chars().count() > MIN_PART_CHARS
                    && !is_stop_word(head)
                {
                    // An unknown tail after a known head: keep the head, and the tail as it is.
                    Some(Split::new(
                        vec![head.to_owned(), tail.to_owned()],
                        &[head_count, 1],
                        false,
                    ))
                } else {
                    None
                };
                if let Some(candidate) = candidate
                    && best.as_ref().is_none_or(|b| candidate.better_than(b))
                {
                    best = Some(candidate);
                }
            }
        }
        best
    }

    /// An unknown head joined by a linking `s` to a well-known tail (`mentalitets` + `ændring`):
    /// the genitive `s` marks a compound boundary clearly enough to split on it.
    fn unknown_head_split(&self, head: &str, rest: &str) -> Option<Split> {
        let tail = rest.strip_prefix('s')?;
        let long_enough =
            head.chars().count() >= MIN_UNKNOWN_HEAD_CHARS && tail.chars().count() > MIN_PART_CHARS;
        if !long_enough || is_stop_word(tail) || head.ends_with('s') {
            return None;
        }
        let tail_count = self.count(tail);
        (tail_count >= Self::MIN_COUNT).then(|| {
            Split::new(
                vec![head.to_owned(), tail.to_owned()],
                &[1, tail_count],
                false,
            )
        })
    }

    /// Learns *productive heads*: words that never stand alone in the texts seen, but start at
    /// least two different words whose remainder is a known word (`exit` in `exitarbejde` and
    /// `exitindsatser`, `koordination` in `koordinationsgruppe` and `koordinationsforum`).
    pub fn learn_heads(&mut self) {
        let mut seen: HashMap<&str, u32> = HashMap::default();
        for word in self.words.keys() {
            if word.chars().count() < MIN_COMPOUND_CHARS {
                continue;
            }
            for (cut, _) in word.char_indices().skip(MIN_PART_CHARS) {
                let Some((head, rest)) = word.split_at_checked(cut) else {
                    continue;
                };
                let known_rest = linked_tails(rest).any(|tail| {
                    tail.chars().count() > MIN_PART_CHARS
                        && self.word_count(tail) >= min_count(tail).max(1)
                });
                if known_rest {
                    *seen.entry(head).or_insert(0) += 1;
                }
            }
        }
        let heads: Vec<String> = seen
            .into_iter()
            .filter(|&(head, n)| n >= MIN_HEAD_USES && !self.words.contains_key(head))
            .map(|(head, _)| head.to_owned())
            .collect();
        self.heads.extend(heads);
    }

    /// Reads a lexicon saved by [`Lexicon::save`].
    ///
    /// # Errors
    /// Fails when the file cannot be read.
    pub fn load(path: &Path) -> std::io::Result<Lexicon> {
        let bytes = std::fs::read(path)?;
        let text = simdutf8::basic::from_utf8(&bytes).map_err(|_| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, "lexicon is not UTF-8")
        })?;
        let mut lexicon = Lexicon::new();
        lexicon.add_tsv(text);
        Ok(lexicon)
    }

    /// Writes the lexicon as sorted `word<TAB>count<TAB>stem` lines, then `head<TAB>head` lines.
    /// The stem column spares [`Lexicon::load`] stemming every word when an index is opened.
    ///
    /// # Errors
    /// Fails when the file cannot be written.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let mut entries: Vec<(&String, &WordEntry)> = self.words.iter().collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (word, entry) in entries {
            writeln!(out, "{word}\t{}\t{}", entry.count, entry.stem)?;
        }
        let mut heads: Vec<&String> = self.heads.iter().collect();
        heads.sort_unstable();
        for head in heads {
            writeln!(out, "{head}\t{HEAD_MARK}")?;
        }
        out.flush()
    }

    fn add_tsv(&mut self, text: &str) {
        // One word a line: room for them all up front spares the tables their growth (rehashing
        // was a tenth of loading the lexicon when an index is opened). Lines and fields are cut
        // at ASCII bytes, so every cut is at a character boundary.
        let bytes = text.as_bytes();
        let lines = memchr::memchr_iter(b'\n', bytes).count();
        self.words.reserve(lines);
        self.stems.reserve(lines);
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len())) {
            let line = text.get(start..end).unwrap_or_default();
            start = end + 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            let (word, rest) = cut_at_tab(line);
            let Some(rest) = rest else {
                continue;
            };
            let (count, rest) = cut_at_tab(rest);
            if count == HEAD_MARK {
                self.heads.insert(word.to_owned());
            } else if let Ok(count) = count.trim().parse::<u32>() {
                // A saved lexicon carries each word's stem; the seed list does not.
                match rest
                    .map(|rest| cut_at_tab(rest).0)
                    .filter(|s| !s.is_empty())
                {
                    Some(saved) => self.add_stemmed(word, count, saved),
                    None => self.add(word, count),
                }
            }
        }
    }
}

/// `line` up to its first tab, and what follows the tab (`None` without one). A byte scan: the
/// fields are a few bytes long, shorter than a `memchr` call pays off on.
fn cut_at_tab(line: &str) -> (&str, Option<&str>) {
    match line.bytes().position(|b| b == b'\t') {
        Some(at) => (line.get(..at).unwrap_or_default(), line.get(at + 1..)),
        None => (line, None),
    }
}

/// Times `word` must be seen to count as known: short words are more often chance fragments.
fn min_count(word: &str) -> u32 {
    if word.chars().count() <= MIN_PART_CHARS {
        Lexicon::MIN_COUNT
    } else {
        1
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

    fn lexicon_of(words: &[(&str, u32)]) -> Lexicon {
        let mut lexicon = Lexicon::new();
        for &(word, count) in words {
            lexicon.add(word, count);
        }
        lexicon
    }

    #[test]
    fn splits_at_a_linking_s() {
        let lexicon = lexicon_of(&[("forebyggelse", 40), ("indsats", 9), ("indsatsen", 4)]);
        assert_eq!(
            lexicon.split("forebyggelsesindsatsen").unwrap(),
            ["forebyggelse", "indsatsen"]
        );
        assert_eq!(
            lexicon.split("forebyggelsesindsats").unwrap(),
            ["forebyggelse", "indsats"]
        );
    }

    #[test]
    fn splits_without_a_link_and_into_three_parts() {
        let lexicon = lexicon_of(&[
            ("status", 5),
            ("rapportering", 3),
            ("mentor", 4),
            ("netværk", 6),
            ("møde", 7),
        ]);
        assert_eq!(
            lexicon.split("statusrapportering").unwrap(),
            ["status", "rapportering"]
        );
        assert_eq!(
            lexicon.split("mentornetværksmøde").unwrap(),
            ["mentor", "netværk", "møde"]
        );
    }

    #[test]
    fn inflected_tail_is_known_through_its_stem() {
        let lexicon = lexicon_of(&[("sekretariat", 3), ("funktion", 3)]);
        assert_eq!(
            lexicon.split("sekretariatsfunktionen").unwrap(),
            ["sekretariat", "funktionen"]
        );
    }

    #[test]
    fn unknown_or_short_parts_are_not_split_off() {
        let lexicon = lexicon_of(&[("ekstrem", 10), ("isme", 1), ("fore", 5), ("for", 50)]);
        assert_eq!(lexicon.split("ekstremisme"), None);
        assert_eq!(lexicon.split("forebyggelse"), None);
        assert_eq!(lexicon.split("kort"), None);
    }

    #[test]
    fn short_words_seen_once_do_not_count() {
        let lexicon = lexicon_of(&[("handling", 1), ("plan", 1)]);
        assert_eq!(lexicon.split("handlingsplan"), None);
        let lexicon = lexicon_of(&[("handling", 1), ("plan", 2)]);
        assert_eq!(
            lexicon.split("handlingsplan").unwrap(),
            ["handling", "plan"]
        );
    }

    #[test]
    fn an_unknown_head_splits_at_a_linking_s_before_a_known_tail() {
        let lexicon = lexicon_of(&[("ændring", 3), ("opgave", 5)]);
        assert_eq!(
            lexicon.split("mentalitetsændring").unwrap(),
            ["mentalitet", "ændring"]
        );
        assert_eq!(
            lexicon.split("ledelsesopgave").unwrap(),
            ["ledelse", "opgave"]
        );
        // Too short a head, or a tail seen once, is not enough.
        assert_eq!(lexicon.split("fredsopgave"), None);
        let lexicon = lexicon_of(&[("ændring", 1)]);
        assert_eq!(lexicon.split("mentalitetsændring"), None);
    }

    #[test]
    fn a_stem_can_be_a_head() {
        let lexicon = lexicon_of(&[("kommunale", 20), ("direktører", 1)]);
        assert_eq!(
            lexicon.split("kommunaldirektører").unwrap(),
            ["kommunal", "direktører"]
        );
    }

    #[test]
    fn productive_heads_split_without_standing_alone() {
        let mut lexicon = lexicon_of(&[
            ("exitindsatser", 1),
            ("exitarbejde", 1),
            ("indsatser", 3),
            ("arbejde", 9),
            ("programmer", 2),
        ]);
        assert_eq!(lexicon.split("exitprogrammer"), None);
        lexicon.learn_heads();
        assert_eq!(
            lexicon.split("exitprogrammer").unwrap(),
            ["exit", "programmer"]
        );
    }

    #[test]
    fn unknown_long_tail_after_a_known_head_is_kept_whole() {
        let lexicon = lexicon_of(&[("status", 4), ("rapport", 3)]);
        assert_eq!(
            lexicon.split("statusrapportering").unwrap(),
            ["status", "rapportering"]
        );
        // Known parts all the way through are preferred, on both the page and the query side.
        let lexicon = lexicon_of(&[("status", 4), ("rapport", 3), ("ring", 3)]);
        assert_eq!(
            lexicon.split("statusrapportering").unwrap(),
            ["status", "rapport", "ring"]
        );
    }

    #[test]
    fn save_and_load_round_trip() {
        let lexicon = lexicon_of(&[("status", 5), ("rapportering", 3)]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lexicon.tsv");
        lexicon.save(&path).unwrap();
        let loaded = Lexicon::load(&path).unwrap();
        assert_eq!(
            loaded.split("statusrapportering").unwrap(),
            ["status", "rapportering"]
        );
        assert_eq!(loaded.len(), 2);
    }

    #[test]
    fn a_saved_lexicon_loads_back_whole_whatever_its_line_ends() {
        let mut lexicon = Lexicon::seed();
        lexicon.add_words(["exitarbejde", "exitindsatser", "forældrecoaches", "Århus"]);
        lexicon.learn_heads();
        let dir = tempfile::tempdir().unwrap();
        let saved = dir.path().join("saved.tsv");
        lexicon.save(&saved).unwrap();
        let text = std::fs::read_to_string(&saved).unwrap();
        assert!(
            text.lines().any(|l| l.ends_with("\thead")),
            "heads are saved"
        );
        // Saved, loaded and saved again: the same file, also from CRLF lines and without the
        // last line end.
        let crlf = dir.path().join("crlf.tsv");
        std::fs::write(&crlf, text.trim_end().replace('\n', "\r\n")).unwrap();
        for path in [&saved, &crlf] {
            let again = dir.path().join("again.tsv");
            Lexicon::load(path).unwrap().save(&again).unwrap();
            assert_eq!(
                std::fs::read_to_string(&again).unwrap(),
                text,
                "{}",
                path.display()
            );
        }
        let bad = dir.path().join("bad.tsv");
        std::fs::write(&bad, b"ord\t1\tord\n\xff\n").unwrap();
        assert!(Lexicon::load(&bad).is_err());
    }

    #[test]
    fn seed_lexicon_splits_corpus_compounds() {
        let seed = Lexicon::seed();
        assert!(seed.len() > 1000, "seed has {} words", seed.len());
        assert!(seed.split("sekretariatsfunktionen").is_some());
    }
}

//! A page word's forms (exact, stem, folded stem), computed once per distinct word and search
//! ([`Memo`]), and whether they match a query item (terms, compound parts, fuzzy distance).

use std::collections::HashSet;

use crate::analysis::{fold, stem};
use crate::search::rank::{HighlightTerms, ItemTerms};

/// A query item, or word `k` of phrase item `i`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Target {
    Item(usize),
    Part(usize, usize),
}

/// Whether each distinct candidate word matches each target, worked out once per distinct word:
/// a page repeats its words, and matching folds and stems.
pub(super) struct Memo<'a> {
    pub(super) terms: &'a HighlightTerms,
    /// Id of each distinct word.
    pub(super) by_text: foldhash::HashMap<String, usize>,
    /// Per distinct word: the word, its lazily computed forms, and results by target slot.
    pub(super) distinct: Vec<(String, WordForms, Vec<Option<bool>>)>,
    /// Slot of each target: items first, then phrase words.
    pub(super) part_offsets: Vec<usize>,
    pub(super) slots: usize,
}

impl<'a> Memo<'a> {
    pub(super) fn new(terms: &'a HighlightTerms) -> Memo<'a> {
        let mut part_offsets = Vec::with_capacity(terms.items.len());
        let mut slots = terms.items.len();
        for item in &terms.items {
            part_offsets.push(slots);
            slots += item.phrase.len();
        }
        Memo {
            terms,
            by_text: foldhash::HashMap::default(),
            distinct: Vec::new(),
            part_offsets,
            slots,
        }
    }

    /// The id of a normalised word.
    pub(super) fn intern(&mut self, word: &str) -> usize {
        if let Some(&id) = self.by_text.get(word) {
            return id;
        }
        let id = self.distinct.len();
        self.distinct.push((
            word.to_owned(),
            WordForms::default(),
            vec![None; self.slots],
        ));
        self.by_text.insert(word.to_owned(), id);
        id
    }

    /// Whether the word with this id matches `target`; a word without an id matches nothing.
    pub(super) fn matches(&mut self, id: Option<usize>, target: Target) -> bool {
        let Some(id) = id else {
            return false;
        };
        let (slot, item_terms) = match target {
            Target::Item(i) => (i, &self.terms.items[i]),
            Target::Part(i, k) => (self.part_offsets[i] + k, &self.terms.items[i].phrase[k]),
        };
        let (text, forms, results) = &mut self.distinct[id];
        *results[slot].get_or_insert_with(|| matches_item(text, forms, item_terms))
    }
}

/// Forms of a page word, computed when first needed.
#[derive(Debug, Default)]
pub(super) struct WordForms {
    pub(super) stem: Option<String>,
    pub(super) folded: Option<String>,
    pub(super) folded_stem: Option<String>,
}

impl WordForms {
    pub(super) fn stem(&mut self, word: &str) -> &str {
        self.stem.get_or_insert_with(|| stem::stem(word))
    }

    pub(super) fn folded(&mut self, word: &str) -> &str {
        self.folded.get_or_insert_with(|| fold::fold(word))
    }

    pub(super) fn folded_stem(&mut self, word: &str) -> &str {
        if self.folded_stem.is_none() {
            // Most words fold to themselves, and then their folded stem is their stem.
            let stemmed = if self.folded(word) == word {
                self.stem(word).to_owned()
            } else {
                stem::stem(self.folded(word))
            };
            self.folded_stem = Some(stemmed);
        }
        self.folded_stem.as_deref().unwrap_or_default()
    }
}

/// Whether `word` starts with one of the stems `candidates`: a word whose stem is one of them
/// does, as stemming only removes endings.
pub(super) fn worth(candidates: &HashSet<String>, word: &str) -> bool {
    candidates.iter().any(|c| word.starts_with(c.as_str()))
}

pub(super) fn matches_item(word: &str, forms: &mut WordForms, item: &ItemTerms) -> bool {
    if item.exact.contains(word) {
        return true;
    }
    // Stems and folded stems are beginnings of their words (Snowball only removes endings), so
    // only a word starting with one is worth stemming.
    if worth(&item.stems, word) && item.stems.contains(forms.stem(word)) {
        return true;
    }
    if worth(&item.folded, forms.folded(word)) && item.folded.contains(forms.folded_stem(word)) {
        return true;
    }
    if item
        .infixes
        .iter()
        .any(|part| word.len() > part.len() && word.contains(part.as_str()))
    {
        return true;
    }
    if item.fuzzy.is_empty() {
        return false;
    }
    let word_key = forms.folded_stem(word);
    item.fuzzy
        .iter()
        .any(|(key, distance)| edit_distance_at_most(word_key, key, usize::from(*distance)))
}

/// Whether `a` and `b` are at most `limit` edits apart (Levenshtein, on characters).
pub(super) fn edit_distance_at_most(a: &str, b: &str, limit: usize) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current[j + 1] = (previous[j] + cost)
                .min(previous[j + 1] + 1)
                .min(current[j] + 1);
        }
        previous = current;
    }
    previous.last().is_some_and(|&d| d <= limit)
}

//! Danish text analysis: from text to the terms the index stores and the queries look up.
//!
//! In: page text, titles or query text. Out: terms in three flavours, one per index field:
//!
//! | analyzer | name | terms for `Forebyggelsesindsatsen` |
//! |---|---|---|
//! | exact | [`EXACT`] `da_exact` | `forebyggelsesindsatsen` |
//! | stemmed | [`STEMMED`] `da` | `forebyggelsesindsats`, + parts `forebyggels`, `indsat` |
//! | folded | [`FOLDED`] `da_folded` | the stemmed terms of the folded word (`æøå` → `a`, `o`) |
//!
//! Every flavour starts with [`normalize::split_words`] (NFKC, lower case, numbers kept whole).
//! The stemmed one applies the Danish Snowball stemmer ([`stem::stem`]) and adds the parts of a
//! compound ([`compound::Lexicon::split`]) at the same position as the whole word, so phrase
//! queries still line up. The folded one folds first ([`fold::fold`]) and then stems, so a query
//! typed without `æøå` goes through exactly the same steps as the page it should find.
//!
//! The main type is [`Analyzer`]: it holds the compound [`Lexicon`] of an index, registers the
//! three tantivy tokenizers on it ([`Analyzer::register`]) and analyses query words the same way
//! ([`Analyzer::analyze_word`]). Custom tokenizers are not saved inside a tantivy index, so the
//! index module stores [`ANALYZER_VERSION`] beside it and refuses an index made by another one.
//!
//! Stop words ([`stopwords`]) are indexed like any word; the query builder uses them.
//!
//! Speed (indexing tokenises every page three times): a tokenizer caches the terms of each
//! word it has seen, reuses the word split of the text it was given last on its thread (the
//! three flavours of a page come one after the other), and hands tantivy its tokens from one
//! text buffer instead of a `String` per token.

pub mod compound;
pub mod fold;
pub mod normalize;
pub mod stem;
pub mod stopwords;

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use foldhash::HashMap;

use serde::Serialize;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

pub use compound::Lexicon;

/// Name of the exact-form analyzer (normalised, lower-cased words).
pub const EXACT: &str = "da_exact";
/// Name of the stemmed analyzer with compound parts.
pub const STEMMED: &str = "da";
/// Name of the folded, stemmed analyzer with compound parts.
pub const FOLDED: &str = "da_folded";

/// Version of the analysis rules. An index built with another version must be rebuilt, because
/// its terms no longer match what queries look up.
pub const ANALYZER_VERSION: u32 = 1;

/// Which terms an analyzer makes of a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// The normalised word itself.
    Exact,
    /// The stem, and the stems of its compound parts.
    Stemmed,
    /// The stem of the folded word, and those of its folded parts.
    Folded,
}

/// Terms of one query or page word in every flavour.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WordTerms {
    /// The word as written in the input.
    pub original: String,
    /// Normalised form: the exact term.
    pub exact: String,
    /// Stem of the whole word.
    pub stem: String,
    /// Folded stem of the whole word.
    pub folded: String,
    /// Compound parts (normalised), empty when the word is not a known compound.
    pub parts: Vec<String>,
    /// Stems of the parts.
    pub part_stems: Vec<String>,
    /// Folded stems of the parts.
    pub part_folded: Vec<String>,
    /// Whether the word is a Danish stop word or question word.
    pub stop_word: bool,
}

/// The Danish analysis of one index: its compound lexicon and the rules above.
#[derive(Debug, Clone)]
pub struct Analyzer {
    lexicon: Arc<Lexicon>,
}

impl Analyzer {
    /// An analyzer splitting compounds with `lexicon`.
    pub fn new(lexicon: Lexicon) -> Analyzer {
        Analyzer {
            lexicon: Arc::new(lexicon),
        }
    }

    /// The compound lexicon in use.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Registers the three analyzers ([`EXACT`], [`STEMMED`], [`FOLDED`]) on `index`.
    pub fn register(&self, index: &tantivy::Index) {
        let manager = index.tokenizers();
        for (name, flavour) in [
            (EXACT, Flavour::Exact),
            (STEMMED, Flavour::Stemmed),
            (FOLDED, Flavour::Folded),
        ] {
            manager.register(name, TextAnalyzer::from(self.tokenizer(flavour)));
        }
    }

    /// A tantivy tokenizer making `flavour` terms.
    pub fn tokenizer(&self, flavour: Flavour) -> DanishTokenizer {
        DanishTokenizer {
            flavour,
            lexicon: Arc::clone(&self.lexicon),
            cache: HashMap::default(),
            cached_terms: Vec::new(),
        }
    }

    /// Every flavour of terms of one normalised word.
    pub fn analyze_word(&self, original: &str, normalized: &str) -> WordTerms {
        let stem = stem::stem(normalized);
        let folded = stem::stem(&fold::fold(normalized));
        let parts = self.lexicon.split(normalized).unwrap_or_default();
        let part_stems = parts.iter().map(|p| stem::stem(p)).collect();
        let part_folded = parts.iter().map(|p| stem::stem(&fold::fold(p))).collect();
        WordTerms {
            original: original.to_owned(),
            exact: normalized.to_owned(),
            stem,
            folded,
            parts,
            part_stems,
            part_folded,
            stop_word: stopwords::is_stop_word(normalized),
        }
    }

    /// Splits `text` into words and analyses each, in order.
    pub fn analyze_text(&self, text: &str) -> Vec<WordTerms> {
        normalize::split_words(text)
            .into_iter()
            .map(|word| {
                let original = text.get(word.start..word.end).unwrap_or(&word.text);
                self.analyze_word(original, &word.text)
            })
            .collect()
    }

    /// The terms `flavour` makes of `text`, as tantivy tokens with positions and byte offsets.
    pub fn tokens(&self, flavour: Flavour, text: &str) -> Vec<Token> {
        self.tokenizer(flavour).tokenize(text)
    }
}

impl Default for Analyzer {
    /// An analyzer with the seed lexicon.
    fn default() -> Analyzer {
        Analyzer::new(Lexicon::seed())
    }
}

/// A tantivy [`Tokenizer`] for one [`Flavour`] of Danish terms.
///
/// Each clone keeps its own cache of the terms of each word (stem and compound parts), so a
/// writer thread stems and splits each distinct word once.
#[derive(Debug, Clone)]
pub struct DanishTokenizer {
    flavour: Flavour,
    lexicon: Arc<Lexicon>,
    /// Word → index of its terms in `cached_terms` (one hash lookup per word seen before).
    cache: HashMap<String, usize>,
    cached_terms: Vec<Vec<String>>,
}

/// Most distinct words a tokenizer remembers the terms of.
const MAX_CACHED_SPLITS: usize = 200_000;

thread_local! {
    /// The text split into words last on this thread, and its words. A page is tokenised
    /// once per field flavour (three times) and a title twice, one right after the other on
    /// the same writer thread, so this saves two of every three splits. Keyed by the whole
    /// text, so a hit is always right.
    static LAST_SPLIT: RefCell<(String, Rc<Vec<normalize::Word>>)> = RefCell::default();
}

/// The words of `text` ([`normalize::split_words`]), reusing the last split of this thread
/// when it was of the same text.
fn words_of(text: &str) -> Rc<Vec<normalize::Word>> {
    LAST_SPLIT.with(|last| {
        if let Ok(last) = last.try_borrow()
            && last.0 == text
        {
            return Rc::clone(&last.1);
        }
        let words = Rc::new(normalize::split_words(text));
        if let Ok(mut last) = last.try_borrow_mut() {
            last.0.clear();
            last.0.push_str(text);
            last.1 = Rc::clone(&words);
        }
        words
    })
}

impl DanishTokenizer {
    fn tokenize(&mut self, text: &str) -> Vec<Token> {
        let mut stream = self.token_stream_of(text);
        let mut tokens = Vec::with_capacity(stream.pending.len());
        while stream.advance() {
            tokens.push(stream.token.clone());
        }
        tokens
    }

    /// The tokens of `text`: their texts are appended to one buffer, so making them costs no
    /// allocation per token (tantivy copies each token's text as it indexes it).
    fn token_stream_of(&mut self, text: &str) -> VecTokenStream {
        let words = words_of(text);
        let mut stream = VecTokenStream::default();
        stream.pending.reserve(words.len());
        stream.texts.reserve(text.len());
        for (position, word) in words.iter().enumerate() {
            let first_of_word = stream.pending.len();
            let terms: &[String] = match self.flavour {
                Flavour::Exact => std::slice::from_ref(&word.text),
                Flavour::Stemmed | Flavour::Folded => self.terms(&word.text),
            };
            for term in terms {
                // A term already made for this word (a part that stems like the whole) is
                // not repeated.
                let repeated = stream
                    .pending
                    .get(first_of_word..)
                    .unwrap_or_default()
                    .iter()
                    .any(|p| stream.texts.get(p.text.clone()) == Some(term.as_str()));
                if !repeated {
                    let from = stream.texts.len();
                    stream.texts.push_str(term);
                    stream.pending.push(PendingToken {
                        offset_from: word.start,
                        offset_to: word.end,
                        position,
                        text: from..stream.texts.len(),
                    });
                }
            }
        }
        stream
    }

    /// The stemmed (or folded) terms of `word`: its own, then those of its compound parts.
    /// Cached, since a page repeats its words and stemming and splitting dominate indexing.
    fn terms(&mut self, word: &str) -> &[String] {
        let index = match self.cache.get(word) {
            Some(&index) => index,
            None => {
                let term = |w: &str| match self.flavour {
                    Flavour::Folded => stem::stem(&fold::fold(w)),
                    Flavour::Exact | Flavour::Stemmed => stem::stem(w),
                };
                let mut terms = vec![term(word)];
                terms.extend(
                    self.lexicon
                        .split(word)
                        .unwrap_or_default()
                        .iter()
                        .map(|part| term(part)),
                );
                if self.cache.len() >= MAX_CACHED_SPLITS {
                    self.cache.clear();
                    self.cached_terms.clear();
                }
                self.cached_terms.push(terms);
                let index = self.cached_terms.len() - 1;
                self.cache.insert(word.to_owned(), index);
                index
            }
        };
        self.cached_terms.get(index).map_or(&[], Vec::as_slice)
    }
}

impl Tokenizer for DanishTokenizer {
    type TokenStream<'a> = VecTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecTokenStream {
        self.token_stream_of(text)
    }
}

/// A token made in advance: where its word is, and its text in [`VecTokenStream`]'s buffer.
#[derive(Debug, Clone)]
struct PendingToken {
    offset_from: usize,
    offset_to: usize,
    position: usize,
    text: std::ops::Range<usize>,
}

/// A token stream over tokens made in advance. The texts of all tokens sit in one buffer and
/// are copied into the one current [`Token`] as the stream advances.
#[derive(Debug, Default)]
pub struct VecTokenStream {
    pending: Vec<PendingToken>,
    texts: String,
    next: usize,
    token: Token,
}

impl TokenStream for VecTokenStream {
    fn advance(&mut self) -> bool {
        let Some(p) = self.pending.get(self.next) else {
            return false;
        };
        self.next += 1;
        self.token.offset_from = p.offset_from;
        self.token.offset_to = p.offset_to;
        self.token.position = p.position;
        self.token.position_length = 1;
        self.token.text.clear();
        self.token
            .text
            .push_str(self.texts.get(p.text.clone()).unwrap_or_default());
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn analyzer() -> Analyzer {
        let mut lexicon = Lexicon::new();
        for (word, count) in [
            ("forebyggelse", 30),
            ("indsats", 8),
            ("sekretariat", 3),
            ("funktion", 4),
        ] {
            lexicon.add(word, count);
        }
        Analyzer::new(lexicon)
    }

    fn terms(flavour: Flavour, text: &str) -> Vec<(usize, String)> {
        analyzer()
            .tokens(flavour, text)
            .into_iter()
            .map(|t| (t.position, t.text))
            .collect()
    }

    #[test]
    fn exact_terms_are_lower_case_words() {
        assert_eq!(
            terms(Flavour::Exact, "Nye Værktøjer"),
            [(0, "nye".into()), (1, "værktøjer".into())]
        );
    }

    #[test]
    fn compound_parts_share_the_position_of_the_whole() {
        let tokens = terms(Flavour::Stemmed, "den forebyggelsesindsatsen");
        let at_one: Vec<&str> = tokens
            .iter()
            .filter(|(p, _)| *p == 1)
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(at_one[0], stem::stem("forebyggelsesindsatsen"));
        assert!(at_one.contains(&stem::stem("forebyggelse").as_str()));
        assert!(at_one.contains(&stem::stem("indsats").as_str()));
    }

    #[test]
    fn query_parts_meet_the_compound_on_the_page() {
        let page = terms(Flavour::Stemmed, "sekretariatsfunktionen");
        for query_word in ["sekretariat", "funktion"] {
            let query = stem::stem(query_word);
            assert!(
                page.iter().any(|(_, t)| *t == query),
                "{query_word}: {page:?}"
            );
        }
    }

    #[test]
    fn folded_query_meets_the_danish_page() {
        let page = terms(Flavour::Folded, "en fast rådgivningsvagt");
        let query = terms(Flavour::Folded, "raadgivningsvagt");
        assert!(
            page.iter().any(|(_, t)| *t == query[0].1),
            "{page:?} {query:?}"
        );
        let query = terms(Flavour::Folded, "radgivningsvagt");
        assert!(page.iter().any(|(_, t)| *t == query[0].1));
    }

    #[test]
    fn offsets_cover_the_original_word() {
        let text = "Årsrapport 2018";
        let tokens = analyzer().tokens(Flavour::Stemmed, text);
        assert_eq!(
            &text[tokens[0].offset_from..tokens[0].offset_to],
            "Årsrapport"
        );
    }

    #[test]
    fn token_stream_yields_every_token_once() {
        let mut tokenizer = analyzer().tokenizer(Flavour::Exact);
        let mut stream = tokenizer.token_stream("en to tre");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert_eq!(seen, ["en", "to", "tre"]);
    }
}

//! From a parsed query to a scored tantivy query: how pubsearch ranks pages.
//!
//! Each word becomes a *word query*: a disjunction of its terms in every field, weighted so that
//! the form the user typed counts most —
//! stemmed text ×1, exact form +[`EXACT_BOOST`], folded ×[`FOLDED_BOOST`], title
//! ×[`TITLE_BOOST`], and, for a compound, all its parts together ×[`PARTS_BOOST`]. A word that
//! is in no field at all falls back to a fuzzy match of its folded form (typos).
//!
//! Words typed side by side form a *soft conjunction*. Each content word that matches adds a
//! constant [`COVERAGE`] on top of its BM25 score, so pages holding all the words rank above pages
//! holding most of them, and those above pages holding a few; within a tier BM25 decides. Stop
//! words and question words take no part in that count (a question's words are rarely all on the
//! answer page). Adjacent content words that also stand close together on the page add
//! [`PROXIMITY_BOOST`] (a sloppy two-word phrase). A four-digit year in the query boosts pages
//! of that year.
//!
//! The module also collects [`HighlightTerms`]: every term a page word may match, so the snippet
//! engine highlights exactly what the query matched.

use std::collections::HashSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, PhraseQuery,
    Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{Searcher, Term};

use super::query::{Filter, ParsedQuery, QueryNode};
use crate::analysis::{Analyzer, WordTerms};
use crate::index::Fields;

/// Score added for each content word a page matches.
pub const COVERAGE: f32 = 12.0;
/// Extra weight of an exact-form match.
pub const EXACT_BOOST: f32 = 0.5;
/// Weight of a folded match.
pub const FOLDED_BOOST: f32 = 0.5;
/// Weight of a title match.
pub const TITLE_BOOST: f32 = 1.5;
/// Weight of a match of all the parts of a compound.
pub const PARTS_BOOST: f32 = 0.8;
/// Weight of two adjacent query words standing close together on the page.
pub const PROXIMITY_BOOST: f32 = 2.0;
/// Words apart that still count as close.
pub const PROXIMITY_SLOP: u32 = 3;
/// Weight of a phrase match in exact forms, on top of the stemmed phrase.
pub const PHRASE_EXACT_BOOST: f32 = 0.5;
/// Score for a page of a year named in the query: as much as one more matching word.
pub const YEAR_BOOST: f32 = COVERAGE;

/// Shortest query stem highlighted inside a longer page word.
const MIN_INFIX_CHARS: usize = 5;

/// Terms that count as matches of one query item, for highlighting.
#[derive(Debug, Clone, Default)]
pub struct HighlightTerms {
    /// Per query item: exact forms, stems, folded stems, compound parts, fuzzy keys.
    pub items: Vec<ItemTerms>,
}

/// Terms of one query item (a word or a phrase).
#[derive(Debug, Clone, Default)]
pub struct ItemTerms {
    /// Exact (normalised) forms.
    pub exact: HashSet<String>,
    /// Stems.
    pub stems: HashSet<String>,
    /// Folded stems.
    pub folded: HashSet<String>,
    /// Query stems (5+ letters) highlighted inside longer page words (compounds).
    pub infixes: Vec<String>,
    /// Folded stems matched with one or two edits (fuzzy fallback).
    pub fuzzy: Vec<(String, u8)>,
    /// Whether this item counts for snippet choice (not a stop word).
    pub content: bool,
    /// For a phrase: the terms of each of its words, in order; matched only as a sequence.
    pub phrase: Vec<ItemTerms>,
}

/// Which fields a word query looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Page text only: what a page holds itself.
    PageOnly,
    /// Page text and the document title.
    WithTitle,
}

/// A query ready to run, with what to highlight.
pub struct CompiledQuery {
    /// The tantivy query.
    pub query: Box<dyn Query>,
    /// What to highlight.
    pub highlights: HighlightTerms,
}

/// Builds tantivy queries for one index.
pub struct QueryBuilder<'a> {
    /// Analyzer of the index.
    pub analyzer: &'a Analyzer,
    /// Fields of the index.
    pub fields: &'a Fields,
    /// Searcher, for document frequencies.
    pub searcher: &'a Searcher,
}

impl QueryBuilder<'_> {
    /// Compiles `parsed`, with extra filters from options.
    pub fn compile(&self, parsed: &ParsedQuery, extra_filters: &[Filter]) -> CompiledQuery {
        let mut highlights = HighlightTerms::default();
        let positive = self.node(&parsed.root, &mut highlights);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, positive)];
        for filter in parsed.filters.iter().chain(extra_filters) {
            clauses.push((Occur::Must, self.filter(filter)));
        }
        for filter in &parsed.excluded {
            clauses.push((Occur::MustNot, self.filter(filter)));
        }
        // A bare year in the query lifts pages of that year (a filter would be `year:`).
        for year in years_in(&parsed.root) {
            let term = Term::from_field_u64(self.fields.year, u64::from(year));
            let query = TermQuery::new(term, IndexRecordOption::Basic);
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(query), YEAR_BOOST)),
            ));
        }
        CompiledQuery {
            query: Box::new(BooleanQuery::new(clauses)),
            highlights,
        }
    }

    fn filter(&self, filter: &Filter) -> Box<dyn Query> {
        let term = match filter {
            Filter::Year(year) => Term::from_field_u64(self.fields.year, u64::from(*year)),
            Filter::Doc(doc) => Term::from_field_text(self.fields.doc, doc),
            Filter::Kind(kind) => Term::from_field_text(self.fields.kind, kind),
        };
        Box::new(TermQuery::new(term, IndexRecordOption::Basic))
    }

    fn node(&self, node: &QueryNode, highlights: &mut HighlightTerms) -> Box<dyn Query> {
        match node {
            QueryNode::Word(word) => self.word_or_phrase(word, highlights, false, Scope::WithTitle),
            QueryNode::Phrase(phrase) => {
                self.word_or_phrase(phrase, highlights, true, Scope::WithTitle)
            }
            QueryNode::Soft(items) => self.soft(items, highlights),
            QueryNode::And(items) => {
                let clauses = items
                    .iter()
                    .map(|item| self.occur_of(item, highlights, Occur::Must))
                    .collect();
                Box::new(BooleanQuery::new(clauses))
            }
            QueryNode::Or(items) => {
                let clauses = items
                    .iter()
                    .map(|item| self.occur_of(item, highlights, Occur::Should))
                    .collect();
                Box::new(BooleanQuery::new(clauses))
            }
            QueryNode::Must(inner) => self.node(inner, highlights),
            QueryNode::Not(inner) => {
                // A lone exclusion below the top level: everything but it is not expressible
                // in tantivy without a match-all, so it matches nothing positive here.
                let mut ignored = HighlightTerms::default();
                let excluded = self.node(inner, &mut ignored);
                Box::new(BooleanQuery::new(vec![(Occur::MustNot, excluded)]))
            }
        }
    }

    fn occur_of(
        &self,
        item: &QueryNode,
        highlights: &mut HighlightTerms,
        default: Occur,
    ) -> (Occur, Box<dyn Query>) {
        match item {
            QueryNode::Not(inner) => {
                let mut ignored = HighlightTerms::default();
                (Occur::MustNot, self.node(inner, &mut ignored))
            }
            QueryNode::Must(inner) => (Occur::Must, self.node(inner, highlights)),
            other => (default, self.node(other, highlights)),
        }
    }

    /// Words side by side: coverage tiers, BM25 within, proximity bonus.
    fn soft(&self, items: &[QueryNode], highlights: &mut HighlightTerms) -> Box<dyn Query> {
        let analysed: Vec<Option<Vec<WordTerms>>> = items
            .iter()
            .map(|item| match item {
                QueryNode::Word(word) => Some(self.analyzer.analyze_text(word)),
                _ => None,
            })
            .collect();
        let is_stop = |terms: &Option<Vec<WordTerms>>| {
            terms
                .as_ref()
                .is_some_and(|words| !words.is_empty() && words.iter().all(|w| w.stop_word))
        };
        let all_stop = analysed.iter().all(is_stop);
        let mut should: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (item, terms) in items.iter().zip(&analysed) {
            match item {
                QueryNode::Not(_) | QueryNode::Must(_) => {
                    musts.push(self.occur_of(item, highlights, Occur::Must))
                }
                _ if is_stop(terms) && !all_stop => {}
                _ => {
                    let query = self.node(item, highlights);
                    // Coverage counts words on the page itself: a title word is on every page
                    // of its document and would lift them all into the top tier.
                    let on_page = match item {
                        QueryNode::Word(word) => self.word_or_phrase(
                            word,
                            &mut HighlightTerms::default(),
                            false,
                            Scope::PageOnly,
                        ),
                        QueryNode::Phrase(phrase) => self.word_or_phrase(
                            phrase,
                            &mut HighlightTerms::default(),
                            true,
                            Scope::PageOnly,
                        ),
                        _ => query.box_clone(),
                    };
                    let covered = ConstScoreQuery::new(on_page, COVERAGE);
                    should.push((Occur::Should, Box::new(covered)));
                    should.push((Occur::Should, query));
                }
            }
        }
        // Proximity: adjacent content words close together.
        let content: Vec<&WordTerms> = analysed
            .iter()
            .flatten()
            .filter(|words| words.len() == 1)
            .flatten()
            .filter(|w| !w.stop_word)
            .collect();
        for pair in content.windows(2) {
            let terms = vec![
                Term::from_field_text(self.fields.text, &pair[0].stem),
                Term::from_field_text(self.fields.text, &pair[1].stem),
            ];
            if pair[0].stem == pair[1].stem {
                continue;
            }
            let mut phrase = PhraseQuery::new(terms);
            phrase.set_slop(PROXIMITY_SLOP);
            should.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(phrase), PROXIMITY_BOOST)),
            ));
        }
        if should.is_empty() {
            return Box::new(EmptyQuery);
        }
        let positive: Box<dyn Query> = Box::new(BooleanQuery::new(should));
        if musts.is_empty() {
            positive
        } else {
            musts.push((Occur::Must, positive));
            Box::new(BooleanQuery::new(musts))
        }
    }

    /// A typed word (which may analyse to several words, e.g. `SSP-konsulent`) or a phrase.
    fn word_or_phrase(
        &self,
        text: &str,
        highlights: &mut HighlightTerms,
        quoted: bool,
        scope: Scope,
    ) -> Box<dyn Query> {
        let words = self.analyzer.analyze_text(text);
        match words.as_slice() {
            [] => Box::new(EmptyQuery),
            [word] if !quoted || words.len() == 1 => {
                highlights.items.push(item_terms(&words, !word.stop_word));
                self.word_query(word, highlights, scope)
            }
            _ => {
                highlights.items.push(item_terms(&words, true));
                self.phrase_query(&words)
            }
        }
    }

    fn word_query(
        &self,
        word: &WordTerms,
        highlights: &mut HighlightTerms,
        scope: Scope,
    ) -> Box<dyn Query> {
        let f = self.fields;
        let term = |field, text: &str| Term::from_field_text(field, text);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            scored(term(f.text, &word.stem), 1.0),
            scored(term(f.text_exact, &word.exact), EXACT_BOOST),
            scored(term(f.text_folded, &word.folded), FOLDED_BOOST),
        ];
        if scope == Scope::WithTitle {
            clauses.push(scored(term(f.title, &word.stem), TITLE_BOOST));
            clauses.push(scored(
                term(f.title_folded, &word.folded),
                TITLE_BOOST * FOLDED_BOOST,
            ));
        }
        if word.part_stems.len() >= 2 {
            let parts: Vec<(Occur, Box<dyn Query>)> = word
                .part_stems
                .iter()
                .map(|part| {
                    (
                        Occur::Must,
                        Box::new(TermQuery::new(
                            term(f.text, part),
                            IndexRecordOption::WithFreqs,
                        )) as Box<dyn Query>,
                    )
                })
                .collect();
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(BooleanQuery::new(parts)),
                    PARTS_BOOST,
                )),
            ));
        }
        let known = [
            term(f.text, &word.stem),
            term(f.text_folded, &word.folded),
            term(f.title_folded, &word.folded),
        ]
        .iter()
        .any(|t| self.searcher.doc_freq(t).unwrap_or(0) > 0);
        if !known && word.part_stems.len() < 2 {
            let chars = word.folded.chars().count();
            if chars >= 4 {
                let distance = if chars >= 8 { 2 } else { 1 };
                let fuzzy = FuzzyTermQuery::new(term(f.text_folded, &word.folded), distance, true);
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(Box::new(fuzzy), FOLDED_BOOST)),
                ));
                if let Some(item) = highlights.items.last_mut() {
                    item.fuzzy.push((word.folded.clone(), distance));
                }
            }
        }
        Box::new(BooleanQuery::new(clauses))
    }

    fn phrase_query(&self, words: &[WordTerms]) -> Box<dyn Query> {
        let f = self.fields;
        let phrase = |field, pick: fn(&WordTerms) -> &str| -> Box<dyn Query> {
            let terms = words
                .iter()
                .enumerate()
                .map(|(i, w)| (i, Term::from_field_text(field, pick(w))))
                .collect();
            Box::new(PhraseQuery::new_with_offset(terms))
        };
        let clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Should, phrase(f.text, |w| &w.stem)),
            (
                Occur::Should,
                Box::new(BoostQuery::new(
                    phrase(f.text_exact, |w| &w.exact),
                    PHRASE_EXACT_BOOST,
                )),
            ),
            (
                Occur::Should,
                Box::new(BoostQuery::new(
                    phrase(f.text_folded, |w| &w.folded),
                    FOLDED_BOOST,
                )),
            ),
        ];
        Box::new(BooleanQuery::new(clauses))
    }
}

fn scored(term: Term, boost: f32) -> (Occur, Box<dyn Query>) {
    let query: Box<dyn Query> = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
    if (boost - 1.0).abs() < f32::EPSILON {
        (Occur::Should, query)
    } else {
        (Occur::Should, Box::new(BoostQuery::new(query, boost)))
    }
}

fn item_terms(words: &[WordTerms], content: bool) -> ItemTerms {
    let mut item = ItemTerms {
        content,
        ..ItemTerms::default()
    };
    for word in words {
        item.exact.insert(word.exact.clone());
        item.stems.insert(word.stem.clone());
        item.folded.insert(word.folded.clone());
        // A page compound containing the query word (`statusrapportering` for `rapportering`).
        // Single parts of a compound query word are not infixes: the query needs all of them.
        if word.stem.chars().count() >= MIN_INFIX_CHARS {
            item.infixes.push(word.stem.clone());
        }
        // The parts of a compound query word, written apart on the page.
        item.stems.extend(word.part_stems.iter().cloned());
    }
    if words.len() > 1 {
        item.phrase = words
            .iter()
            .map(|w| item_terms(std::slice::from_ref(w), true))
            .collect();
    }
    item
}

/// Four-digit years typed as words (not as `year:` filters).
fn years_in(node: &QueryNode) -> Vec<u32> {
    match node {
        QueryNode::Word(word) => word
            .parse::<u32>()
            .ok()
            .filter(|y| (1900..=2100).contains(y) && word.len() == 4)
            .into_iter()
            .collect(),
        QueryNode::Soft(items) | QueryNode::And(items) | QueryNode::Or(items) => {
            items.iter().flat_map(years_in).collect()
        }
        QueryNode::Must(inner) => years_in(inner),
        QueryNode::Phrase(_) | QueryNode::Not(_) => Vec::new(),
    }
}

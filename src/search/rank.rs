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
//! answer page); [`CoveredQuery`] scores a word's clauses and its coverage in one pass. Adjacent
//! content words that also stand close together on the page add [`PROXIMITY_BOOST`] (a sloppy
//! two-word phrase), scored on the best pages only ([`super::proximity::rescore`]). A
//! four-digit year in the query boosts pages of that year.
//!
//! Beside the tantivy query, a query whose top level is words side by side (nearly all) is also
//! written as a flat [`Plan`], which [`super::accumulate`] scores a clause at a time, much
//! faster. The tantivy query stays for `AND`/`OR` at the top, and as the reference the plan is
//! tested against: a clause added to one must be added to the other.
//!
//! The module also collects [`HighlightTerms`]: every term a page word may match, so the snippet
//! engine highlights exactly what the query matched.

use std::collections::HashSet;

use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, FuzzyTermQuery, Occur, PhraseQuery,
    Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{Score, Searcher, Term};

use super::accumulate::{ClauseSource, Plan, PlanClause, PlanWord};
use super::covered::CoveredQuery;
use super::filters::ResolvedFilters;
use super::proximity::Pair;
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

/// A query ready to run, with what to highlight.
pub struct CompiledQuery {
    /// The tantivy query.
    pub query: Box<dyn Query>,
    /// What to highlight.
    pub highlights: HighlightTerms,
    /// Proximity pairs of the top-level words, scored only on the best pages of `query` (see
    /// [`super::proximity::rescore`]) rather than on every page matching it.
    pub proximity: Vec<Pair>,
    /// `query` as a flat sum that [`super::accumulate::top_pages`] scores a clause at a time;
    /// `None` for queries of another shape (`AND`/`OR` at the top).
    pub plan: Option<Plan>,
}

/// What the top level of a query collects besides the tantivy query.
#[derive(Default)]
struct TopLevel {
    proximity: Vec<Pair>,
    plan: Plan,
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
    /// Compiles `parsed`, restricted by `filters` (the query's own filters and those of the
    /// options, resolved by [`super::filters`]; `parsed.filters` is not read again).
    pub fn compile(&self, parsed: &ParsedQuery, filters: &ResolvedFilters) -> CompiledQuery {
        let mut highlights = HighlightTerms::default();
        let mut top = TopLevel::default();
        let (positive, flat) = match &parsed.root {
            QueryNode::Soft(items) => (self.soft(items, &mut highlights, Some(&mut top)), true),
            QueryNode::Word(text) | QueryNode::Phrase(text) => {
                // One word or phrase: the sum of its clauses, without a coverage bonus.
                let quoted = matches!(parsed.root, QueryNode::Phrase(_));
                let clauses = self.word_or_phrase_clauses(text, &mut highlights, quoted);
                if !clauses.is_empty() {
                    top.plan.words.push(plan_word(&clauses, 0.0));
                }
                (word_query(clauses), true)
            }
            other => (self.node(other, &mut highlights), false),
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, positive)];
        for any in &filters.required {
            let query = self.any_filter(any);
            top.plan.musts.push(query.box_clone());
            clauses.push((Occur::Must, query));
        }
        // An excluded filter that stands for no value excludes nothing.
        for any in filters.excluded.iter().filter(|any| !any.is_empty()) {
            let query = self.any_filter(any);
            top.plan.excluded.push(query.box_clone());
            clauses.push((Occur::MustNot, query));
        }
        // A bare year in the query lifts pages of that year (a filter would be `year:`).
        for year in years_in(&parsed.root) {
            let term = Term::from_field_u64(self.fields.year, u64::from(year));
            let query = TermQuery::new(term, IndexRecordOption::Basic);
            let boost: Box<dyn Query> = Box::new(ConstScoreQuery::new(Box::new(query), YEAR_BOOST));
            top.plan.extras.push(boost.box_clone());
            clauses.push((Occur::Should, boost));
        }
        CompiledQuery {
            query: Box::new(BooleanQuery::new(clauses)),
            highlights,
            proximity: top.proximity,
            plan: flat.then_some(top.plan),
        }
    }

    /// Pages with any of `values`; none when there are none.
    fn any_filter(&self, values: &[Filter]) -> Box<dyn Query> {
        match values {
            [] => Box::new(EmptyQuery),
            [one] => self.filter(one),
            several => Box::new(BooleanQuery::new(
                several
                    .iter()
                    .map(|value| (Occur::Should, self.filter(value)))
                    .collect(),
            )),
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
            QueryNode::Word(word) => self.word_or_phrase(word, highlights, false),
            QueryNode::Phrase(phrase) => self.word_or_phrase(phrase, highlights, true),
            QueryNode::Soft(items) => self.soft(items, highlights, None),
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

    /// Words side by side: coverage tiers, BM25 within, proximity bonus. At the `top` level,
    /// the proximity pairs go there for rescoring instead of into the query, and the words,
    /// required and excluded items into its plan.
    fn soft(
        &self,
        items: &[QueryNode],
        highlights: &mut HighlightTerms,
        mut top: Option<&mut TopLevel>,
    ) -> Box<dyn Query> {
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
                    let (occur, query) = self.occur_of(item, highlights, Occur::Must);
                    if let Some(top) = top.as_deref_mut() {
                        let plan = &mut top.plan;
                        match occur {
                            Occur::MustNot => plan.excluded.push(query.box_clone()),
                            _ => plan.musts.push(query.box_clone()),
                        }
                    }
                    musts.push((occur, query));
                }
                _ if is_stop(terms) && !all_stop => {}
                // Coverage counts words on the page itself: a title word is on every page of
                // its document and would lift them all into the top tier.
                QueryNode::Word(text) | QueryNode::Phrase(text) => {
                    let clauses = match terms {
                        // A word was analysed above, for its stop words.
                        Some(words) => self.clauses_of(words, highlights, false),
                        None => self.word_or_phrase_clauses(
                            text,
                            highlights,
                            matches!(item, QueryNode::Phrase(_)),
                        ),
                    };
                    if !clauses.is_empty() {
                        if let Some(top) = top.as_deref_mut() {
                            top.plan.words.push(plan_word(&clauses, COVERAGE));
                        }
                        let clauses = clauses
                            .into_iter()
                            .map(|clause| (clause.query, clause.on_page))
                            .collect();
                        should.push((
                            Occur::Should,
                            Box::new(CoveredQuery::new(clauses, COVERAGE)),
                        ));
                    }
                }
                // A group counts as one word. Wrapped, not copied: a copy for the coverage beside
                // the scored group doubled the query at every level of nested parentheses.
                _ => {
                    let query = self.node(item, highlights);
                    if let Some(top) = top.as_deref_mut() {
                        top.plan.words.push(PlanWord {
                            clauses: vec![PlanClause {
                                source: ClauseSource::Query(query.box_clone()),
                                on_page: true,
                            }],
                            bonus: COVERAGE,
                        });
                    }
                    should.push((
                        Occur::Should,
                        Box::new(CoveredQuery::new(vec![(query, true)], COVERAGE)),
                    ));
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
            if pair[0].stem == pair[1].stem {
                continue;
            }
            let pair = Pair {
                first: Term::from_field_text(self.fields.text, &pair[0].stem),
                second: Term::from_field_text(self.fields.text, &pair[1].stem),
            };
            match top.as_deref_mut() {
                Some(top) => top.proximity.push(pair),
                None => should.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(proximity_phrase(&pair)),
                        PROXIMITY_BOOST,
                    )),
                )),
            }
        }
        if should.is_empty() {
            if let Some(top) = top {
                top.plan.words.clear();
            }
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
    ) -> Box<dyn Query> {
        word_query(self.word_or_phrase_clauses(text, highlights, quoted))
    }

    /// The scored clauses of a typed word or phrase, whose scores add up; none when it has no
    /// words.
    fn word_or_phrase_clauses(
        &self,
        text: &str,
        highlights: &mut HighlightTerms,
        quoted: bool,
    ) -> Vec<Clause> {
        self.clauses_of(&self.analyzer.analyze_text(text), highlights, quoted)
    }

    /// [`QueryBuilder::word_or_phrase_clauses`] of a text analysed into `words`.
    fn clauses_of(
        &self,
        words: &[WordTerms],
        highlights: &mut HighlightTerms,
        quoted: bool,
    ) -> Vec<Clause> {
        match words {
            [] => Vec::new(),
            [word] if !quoted || words.len() == 1 => {
                highlights.items.push(item_terms(words, !word.stop_word));
                self.word_clauses(word, highlights)
            }
            _ => {
                highlights.items.push(item_terms(words, true));
                self.phrase_clauses(words)
            }
        }
    }

    fn word_clauses(&self, word: &WordTerms, highlights: &mut HighlightTerms) -> Vec<Clause> {
        let f = self.fields;
        let term = |field, text: &str| Term::from_field_text(field, text);
        let mut clauses = vec![
            Clause::scored(term(f.text, &word.stem), 1.0, true),
            Clause::scored(term(f.text_exact, &word.exact), EXACT_BOOST, true),
            Clause::scored(term(f.text_folded, &word.folded), FOLDED_BOOST, true),
            Clause::scored(term(f.title, &word.stem), TITLE_BOOST, false),
            Clause::scored(
                term(f.title_folded, &word.folded),
                TITLE_BOOST * FOLDED_BOOST,
                false,
            ),
        ];
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
            clauses.push(Clause::page(Box::new(BoostQuery::new(
                Box::new(BooleanQuery::new(parts)),
                PARTS_BOOST,
            ))));
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
                clauses.push(Clause::page(Box::new(BoostQuery::new(
                    Box::new(fuzzy),
                    FOLDED_BOOST,
                ))));
                if let Some(item) = highlights.items.last_mut() {
                    item.fuzzy.push((word.folded.clone(), distance));
                }
            }
        }
        clauses
    }

    fn phrase_clauses(&self, words: &[WordTerms]) -> Vec<Clause> {
        let f = self.fields;
        let phrase = |field, pick: fn(&WordTerms) -> &str| -> Box<dyn Query> {
            let terms = words
                .iter()
                .enumerate()
                .map(|(i, w)| (i, Term::from_field_text(field, pick(w))))
                .collect();
            Box::new(PhraseQuery::new_with_offset(terms))
        };
        vec![
            Clause::page(phrase(f.text, |w| &w.stem)),
            Clause::page(Box::new(BoostQuery::new(
                phrase(f.text_exact, |w| &w.exact),
                PHRASE_EXACT_BOOST,
            ))),
            Clause::page(Box::new(BoostQuery::new(
                phrase(f.text_folded, |w| &w.folded),
                FOLDED_BOOST,
            ))),
        ]
    }
}

/// One scored clause of a word or phrase query.
struct Clause {
    query: Box<dyn Query>,
    /// Whether it looks at the page itself, not the document title: only such matches count
    /// towards coverage.
    on_page: bool,
    /// The term and boost, when the clause is one scored term.
    term: Option<(Term, Score)>,
}

impl Clause {
    fn page(query: Box<dyn Query>) -> Clause {
        Clause {
            query,
            on_page: true,
            term: None,
        }
    }

    /// A term scored by BM25 times `boost`.
    fn scored(term: Term, boost: Score, on_page: bool) -> Clause {
        let query: Box<dyn Query> =
            Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
        let query = if (boost - 1.0).abs() < f32::EPSILON {
            query
        } else {
            Box::new(BoostQuery::new(query, boost))
        };
        Clause {
            query,
            on_page,
            term: Some((term, boost)),
        }
    }
}

/// The sum of the clauses of a word or phrase; nothing when there are none.
fn word_query(clauses: Vec<Clause>) -> Box<dyn Query> {
    if clauses.is_empty() {
        return Box::new(EmptyQuery);
    }
    Box::new(BooleanQuery::new(
        clauses
            .into_iter()
            .map(|clause| (Occur::Should, clause.query))
            .collect(),
    ))
}

/// The clauses of a word, for a plan, with `bonus` for a page clause.
fn plan_word(clauses: &[Clause], bonus: Score) -> PlanWord {
    PlanWord {
        clauses: clauses
            .iter()
            .map(|clause| PlanClause {
                source: match &clause.term {
                    Some((term, boost)) => ClauseSource::Term(term.clone(), *boost),
                    None => ClauseSource::Query(clause.query.box_clone()),
                },
                on_page: clause.on_page,
            })
            .collect(),
        bonus,
    }
}

/// The sloppy two-word phrase that scores `pair`'s proximity inside a query (below the top
/// level, where there is no rescoring); [`super::proximity::rescore`] scores the same.
pub(crate) fn proximity_phrase(pair: &Pair) -> PhraseQuery {
    let mut phrase = PhraseQuery::new(vec![pair.first.clone(), pair.second.clone()]);
    phrase.set_slop(PROXIMITY_SLOP);
    phrase
}

pub(crate) fn item_terms(words: &[WordTerms], content: bool) -> ItemTerms {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The number of term occurrences in the tantivy query compiled from `query`.
    fn compiled_terms(query: &str) -> usize {
        let (schema, fields) = crate::index::schema::build_schema();
        let index = tantivy::Index::create_in_ram(schema);
        let analyzer = Analyzer::default();
        analyzer.register(&index);
        let searcher = index.reader().expect("reader").searcher();
        let builder = QueryBuilder {
            analyzer: &analyzer,
            fields: &fields,
            searcher: &searcher,
        };
        let parsed = crate::search::parse_query(query).expect("parses");
        let compiled = builder.compile(&parsed, &ResolvedFilters::as_typed(&parsed, &[]));
        let mut terms = 0;
        compiled.query.query_terms(&mut |_, _| terms += 1);
        terms
    }

    #[test]
    fn nested_groups_grow_the_query_linearly() {
        // A fuzzing input of nested parentheses once took 620 MB and half a second: every level
        // copied its group for the coverage bonus, doubling the query.
        let flat = compiled_terms("mentor netværk");
        let nested = compiled_terms(
            "(mentor (netværk (kommune (skole (rådgivning (forældre (vejledning (indsats))))))))",
        );
        let words = 8;
        assert!(
            nested <= flat * words,
            "{nested} terms for 8 nested words, {flat} for 2 flat ones"
        );
    }
}

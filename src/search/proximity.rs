//! Proximity rescoring: a bonus for pages where adjacent query words stand close together.
//!
//! In: the query's adjacent word pairs and the best pages of the first search (the
//! *candidates*). Out: the candidates with each pair's bonus added, sorted again.
//!
//! A pair's bonus is what tantivy's sloppy two-word [`PhraseQuery`] (slop
//! [`PROXIMITY_SLOP`], boost [`PROXIMITY_BOOST`]) scores on the page: BM25 of the number of
//! places where the second word stands within the slop of the place right after the first. It is
//! computed here rather than by that query's scorer, for speed: adjacent pairs share their words
//! (`a b c` pairs `a b` and `b c`), and one scorer per pair looked each shared word up, and read
//! its positions, once per pair. Here each distinct word's posting list is opened once per
//! segment, stepped from one candidate to the next, and its positions on a page read at most
//! once, whatever the number of pairs. The scores are the same to the bit (the tests compare
//! with the phrase query's scorer on every page of the corpus).
//!
//! [`PhraseQuery`]: tantivy::query::PhraseQuery

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::Bm25Weight;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocSet, Score, Searcher, Term};

use super::accumulate::best_first;
use super::rank::{PROXIMITY_BOOST, PROXIMITY_SLOP};

/// Pages of the first search ranked before proximity is scored: [`RESCORE_PER_HIT`] per hit
/// asked for, and at least [`RESCORE_MIN`].
pub fn rescore_window(limit: usize) -> usize {
    limit.saturating_mul(RESCORE_PER_HIT).max(RESCORE_MIN)
}

/// Candidate pages per hit asked for that proximity may reorder.
pub const RESCORE_PER_HIT: usize = 10;
/// Fewest candidate pages that proximity may reorder.
pub const RESCORE_MIN: usize = 100;

/// Two query words typed side by side, as terms of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    /// The first word.
    pub first: Term,
    /// The word typed after it.
    pub second: Term,
}

/// A pair ready to score: its words' places in the list of distinct terms, and its BM25 weight.
struct Scored {
    first: usize,
    second: usize,
    weight: Bm25Weight,
}

/// One distinct term on the current segment: its posting list, whether the current candidate
/// holds it, and its positions there once read.
struct Cursor {
    postings: Option<SegmentPostings>,
    on_page: bool,
    read: bool,
    positions: Vec<u32>,
}

/// Adds the proximity bonus of `pairs` to `candidates` (the best pages of the query without
/// it) and sorts them again, best first, ties by address.
///
/// A sloppy phrase is the dearest clause of a query: it reads positions on every page holding
/// both words, and the words of a query are often common. As a bonus that only reorders pages
/// already found, it is scored on the candidates alone, as a search engine's rescoring window
/// does. A page outside the window is not lifted into it by proximity; on an index of a few
/// hundred matching pages or fewer, every matching page is a candidate and the ranking is the
/// same as scoring proximity in the query.
///
/// # Errors
/// Fails when tantivy cannot read the index.
pub fn rescore(
    searcher: &Searcher,
    pairs: &[Pair],
    mut candidates: Vec<(Score, DocAddress)>,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    if pairs.is_empty() || candidates.is_empty() {
        return Ok(candidates);
    }
    let mut terms: Vec<&Term> = Vec::new();
    let mut scored = Vec::with_capacity(pairs.len());
    for pair in pairs {
        let both = [pair.first.clone(), pair.second.clone()];
        // The weight tantivy's phrase query gives the pair, boosted as its scorer would be.
        let weight = Bm25Weight::for_terms(searcher, &both)?.boost_by(PROXIMITY_BOOST);
        scored.push(Scored {
            first: place_of(&mut terms, &pair.first),
            second: place_of(&mut terms, &pair.second),
            weight,
        });
    }
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_unstable_by_key(|&i| candidates[i].1);
    let mut cursors: Vec<Cursor> = terms
        .iter()
        .map(|_| Cursor {
            postings: None,
            on_page: false,
            read: false,
            positions: Vec::new(),
        })
        .collect();
    let mut fieldnorms: Vec<FieldNormReader> = Vec::with_capacity(pairs.len());
    let mut segment = None;
    for &i in &order {
        let address = candidates[i].1;
        if segment != Some(address.segment_ord) {
            segment = Some(address.segment_ord);
            let reader = searcher.segment_reader(address.segment_ord);
            for (cursor, term) in cursors.iter_mut().zip(&terms) {
                cursor.postings = reader
                    .inverted_index(term.field())?
                    .read_postings(term, IndexRecordOption::WithFreqsAndPositions)?;
            }
            fieldnorms.clear();
            for pair in pairs {
                let field = pair.first.field();
                fieldnorms.push(match reader.fieldnorms_readers().get_field(field)? {
                    Some(fieldnorms) => fieldnorms,
                    None => FieldNormReader::constant(reader.max_doc(), 1),
                });
            }
        }
        let doc = address.doc_id;
        for cursor in &mut cursors {
            cursor.read = false;
            cursor.on_page = match cursor.postings.as_mut() {
                Some(postings) => {
                    if postings.doc() < doc {
                        postings.seek(doc);
                    }
                    postings.doc() == doc
                }
                None => false,
            };
        }
        for (pair, norms) in scored.iter().zip(&fieldnorms) {
            if !(cursors[pair.first].on_page && cursors[pair.second].on_page) {
                continue;
            }
            for term in [pair.first, pair.second] {
                let cursor = &mut cursors[term];
                if !cursor.read {
                    if let Some(postings) = cursor.postings.as_mut() {
                        postings.positions(&mut cursor.positions);
                    }
                    cursor.read = true;
                }
            }
            let count = near_count(
                &cursors[pair.first].positions,
                &cursors[pair.second].positions,
                PROXIMITY_SLOP,
            );
            if count > 0 {
                candidates[i].0 += pair.weight.score(norms.fieldnorm_id(doc), count);
            }
        }
    }
    candidates.sort_by(best_first);
    Ok(candidates)
}

/// The place of `term` in `terms`, added at the end when new.
fn place_of<'a>(terms: &mut Vec<&'a Term>, term: &'a Term) -> usize {
    match terms.iter().position(|known| *known == term) {
        Some(place) => place,
        None => {
            terms.push(term);
            terms.len() - 1
        }
    }
}

/// The number of places where `second` stands within `slop` of the place right after `first`
/// (both sorted positions on one page), counted as tantivy counts a sloppy two-word phrase:
/// walking both lists once, each place of either word used at most once, and of several places
/// of the first word before one of the second, the nearest.
fn near_count(first: &[u32], second: &[u32], slop: u32) -> u32 {
    let after = |i: usize| first[i].saturating_add(1);
    let (mut i, mut j, mut count) = (0, 0, 0);
    while i < first.len() && j < second.len() {
        let (left, right) = (after(i), second[j]);
        if left.abs_diff(right) <= slop {
            while i + 1 < first.len() && after(i + 1) <= right {
                i += 1;
            }
            count += 1;
            i += 1;
            j += 1;
        } else if left < right {
            i += 1;
        } else {
            j += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::rank::{QueryBuilder, proximity_phrase};
    use crate::search::test_engines::several_segment_engine;
    use std::path::PathBuf;
    use tantivy::query::{EnableScoring, Query, Scorer};
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{Index, IndexWriter, SeekDangerResult, TantivyDocument, doc};

    /// The bonus as tantivy's sloppy phrase query scores it: one scorer per pair, jumping from
    /// one candidate to the next (how pubsearch rescored before this module).
    fn rescore_with_phrase_queries(
        searcher: &Searcher,
        pairs: &[Pair],
        mut candidates: Vec<(Score, DocAddress)>,
    ) -> Vec<(Score, DocAddress)> {
        if pairs.is_empty() {
            return candidates;
        }
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_unstable_by_key(|&i| candidates[i].1);
        for pair in pairs {
            let weight = proximity_phrase(pair)
                .weight(EnableScoring::enabled_from_searcher(searcher))
                .expect("weight");
            let mut current: Option<(u32, Box<dyn Scorer>)> = None;
            for &i in &order {
                let address = candidates[i].1;
                let found = match current.as_mut() {
                    Some((segment, scorer)) if *segment == address.segment_ord => {
                        scorer.seek_danger(address.doc_id) == SeekDangerResult::Found
                    }
                    _ => {
                        let reader = searcher.segment_reader(address.segment_ord);
                        let (result, scorer) = weight
                            .scorer_danger(reader, address.doc_id, PROXIMITY_BOOST)
                            .expect("scorer");
                        current = Some((address.segment_ord, scorer));
                        result == SeekDangerResult::Found
                    }
                };
                if let (true, Some((_, scorer))) = (found, current.as_mut()) {
                    candidates[i].0 += scorer.score();
                }
            }
        }
        candidates.sort_by(best_first);
        candidates
    }

    #[test]
    fn every_page_gets_the_bonus_the_phrase_query_gives_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let engine = several_segment_engine(dir.path());
        let inner = &*engine.inner;
        let searcher = inner.reader.searcher();
        assert!(searcher.segment_readers().len() >= 2, "several segments");
        let builder = QueryBuilder {
            analyzer: &inner.analyzer,
            fields: &inner.fields,
            searcher: &searcher,
        };
        // Every page a candidate, each with its own score, so that any bonus shows.
        let mut candidates: Vec<(Score, DocAddress)> = Vec::new();
        for (segment, reader) in searcher.segment_readers().iter().enumerate() {
            for doc in 0..reader.max_doc() {
                let segment = u32::try_from(segment).expect("few segments");
                let score = 1.0 + candidates.len() as Score / 7.0;
                candidates.push((score, DocAddress::new(segment, doc)));
            }
        }
        let queries = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/queries.tsv"),
        )
        .expect("queries.tsv");
        let extra = [
            // A word twice, pairs sharing words both ways, a word the index lacks.
            "forebyggelse af ekstremisme forebyggelse",
            "mentor netværk mentor netværk",
            "kommune zzyzx kommune",
        ];
        let (mut pairs_seen, mut bonuses) = (0, 0);
        for query in queries
            .lines()
            .skip(1)
            .filter_map(|line| line.split('\t').next())
            .chain(extra)
        {
            let parsed = crate::search::parse_query(query).expect("parses");
            let pairs = builder
                .compile(
                    &parsed,
                    &crate::search::filters::ResolvedFilters::as_typed(&parsed, &[]),
                )
                .proximity;
            pairs_seen += pairs.len();
            let ours = rescore(&searcher, &pairs, candidates.clone()).expect("rescores");
            let theirs = rescore_with_phrase_queries(&searcher, &pairs, candidates.clone());
            bonuses += ours
                .iter()
                .filter(|(score, address)| {
                    candidates.iter().any(|(s, a)| a == address && s != score)
                })
                .count();
            // Same scores to the bit, in the same order.
            let bits = |v: &[(Score, DocAddress)]| -> Vec<(u32, DocAddress)> {
                v.iter().map(|(s, a)| (s.to_bits(), *a)).collect()
            };
            assert_eq!(bits(&ours), bits(&theirs), "`{query}`");
        }
        assert!(pairs_seen > 60, "{pairs_seen} pairs");
        assert!(bonuses > 100, "{bonuses} pages got a bonus");
    }

    #[test]
    fn places_count_as_in_a_sloppy_phrase() {
        // The place after `first` within 3 of `second`, each place used once.
        assert_eq!(near_count(&[0], &[1], 3), 1);
        assert_eq!(near_count(&[0], &[4], 3), 1);
        assert_eq!(near_count(&[0], &[5], 3), 0);
        assert_eq!(near_count(&[5], &[3], 3), 1);
        assert_eq!(near_count(&[5], &[2], 3), 0);
        // Of two places of the first word before the second, one counts.
        assert_eq!(near_count(&[0, 1], &[2], 3), 1);
        assert_eq!(near_count(&[0, 10], &[1, 11], 3), 2);
        assert_eq!(near_count(&[], &[1], 3), 0);
        assert_eq!(near_count(&[u32::MAX], &[u32::MAX], 3), 1);
    }

    #[test]
    fn rescoring_lifts_candidates_whose_words_stand_close() {
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT | STORED);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer(15_000_000).expect("writer");
        // Two segments, so the scorer moves from one to the next.
        for text in ["alfa x x x x x x beta", "alfa beta x x x x x x"] {
            let document: TantivyDocument = doc!(body => text);
            writer.add_document(document).expect("add");
        }
        writer.commit().expect("commit");
        for text in ["x x x x x x x x", "x x alfa x beta x x x"] {
            let document: TantivyDocument = doc!(body => text);
            writer.add_document(document).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let pair = Pair {
            first: Term::from_field_text(body, "alfa"),
            second: Term::from_field_text(body, "beta"),
        };
        // Every page of both segments, with the same score before rescoring.
        let mut candidates: Vec<(Score, DocAddress)> = Vec::new();
        for (segment, reader) in searcher.segment_readers().iter().enumerate() {
            for doc in 0..reader.max_doc() {
                let segment = u32::try_from(segment).expect("few segments");
                candidates.push((1.0, DocAddress::new(segment, doc)));
            }
        }
        let text_of = |address: DocAddress| {
            let document: TantivyDocument = searcher.doc(address).expect("doc");
            document
                .get_first(body)
                .and_then(|v| tantivy::schema::Value::as_str(&v))
                .unwrap_or_default()
                .to_owned()
        };
        let rescored = rescore(&searcher, &[pair], candidates).expect("rescore");
        let order: Vec<String> = rescored.iter().map(|(_, a)| text_of(*a)).collect();
        // The two pages with the words within three positions first, with a bonus; the page
        // with them seven apart and the page without them keep their score, in address order.
        let mut close = order[..2].to_vec();
        close.sort();
        assert_eq!(close, ["alfa beta x x x x x x", "x x alfa x beta x x x"]);
        assert!(rescored[0].0 >= rescored[1].0 && rescored[1].0 > 1.0);
        assert!(order[2..].contains(&"alfa x x x x x x beta".to_owned()));
        assert_eq!(rescored[2].0, 1.0);
        assert_eq!(rescored[3].0, 1.0);
        assert!(rescored[2].1 < rescored[3].1);
        assert_eq!(
            rescore(&searcher, &[], Vec::new()).expect("empty"),
            Vec::new()
        );
    }
}

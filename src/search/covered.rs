//! One query word as one tantivy query: its clauses in every field scored together, plus a
//! constant when the page itself holds the word.
//!
//! [`super::rank`] scores a page, for each content word of the query, by the sum of the word's
//! BM25 scores in every field plus [`super::rank::COVERAGE`] when the page text (not only the
//! document title) holds the word. Written with stock tantivy queries that is two disjunctions
//! over the same posting lists, a `ConstScoreQuery` over the page fields beside a `BooleanQuery`
//! over all fields, so every posting list of the word is decoded and merged twice, and a phrase
//! twice matched. A [`CoveredQuery`] walks its clauses once: its scorer is a small union that sums
//! the clause scores at each page and adds the bonus when a page clause is among them. The scores
//! are those of the two-query form, up to the order of floating-point additions.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// A disjunction of clauses whose page matches earn a constant bonus, once.
#[derive(Debug)]
pub struct CoveredQuery {
    /// Each clause, with whether it looks at the page itself (rather than the title).
    clauses: Vec<(Box<dyn Query>, bool)>,
    /// Added once to a page matching at least one page clause.
    bonus: Score,
}

impl CoveredQuery {
    /// A query over `clauses` (each marked whether it looks at the page itself) adding `bonus`
    /// to pages that match a page clause.
    pub fn new(clauses: Vec<(Box<dyn Query>, bool)>, bonus: Score) -> CoveredQuery {
        CoveredQuery { clauses, bonus }
    }
}

impl Clone for CoveredQuery {
    fn clone(&self) -> CoveredQuery {
        CoveredQuery {
            clauses: self
                .clauses
                .iter()
                .map(|(query, on_page)| (query.box_clone(), *on_page))
                .collect(),
            bonus: self.bonus,
        }
    }
}

impl Query for CoveredQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let clauses = self
            .clauses
            .iter()
            .map(|(query, on_page)| Ok((query.weight(enable_scoring)?, *on_page)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(CoveredWeight {
            clauses,
            bonus: self.bonus,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (query, _) in &self.clauses {
            query.query_terms(visitor);
        }
    }
}

struct CoveredWeight {
    clauses: Vec<(Box<dyn Weight>, bool)>,
    bonus: Score,
}

impl Weight for CoveredWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut children = Vec::with_capacity(self.clauses.len());
        let mut on_page = Vec::with_capacity(self.clauses.len());
        for (weight, page) in &self.clauses {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                children.push(scorer);
                on_page.push(*page);
            }
        }
        if children.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let doc = children.iter().map(|c| c.doc()).min().unwrap_or(TERMINATED);
        Ok(Box::new(CoveredScorer {
            children,
            on_page,
            doc,
            bonus: self.bonus * boost,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "Document #({doc}) does not match"
            )));
        }
        let mut explanation = Explanation::new("sum of the word's clauses", scorer.score());
        let mut covered = false;
        for (weight, page) in &self.clauses {
            if let Ok(child) = weight.explain(reader, doc) {
                covered |= *page;
                explanation.add_detail(child);
            }
        }
        if covered {
            explanation.add_const("on the page", self.bonus);
        }
        Ok(explanation)
    }
}

/// The union of a word's clause scorers.
struct CoveredScorer {
    children: Vec<Box<dyn Scorer>>,
    on_page: Vec<bool>,
    doc: DocId,
    bonus: Score,
}

impl DocSet for CoveredScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        let current = self.doc;
        let mut lowest = TERMINATED;
        for child in &mut self.children {
            let doc = if child.doc() == current {
                child.advance()
            } else {
                child.doc()
            };
            lowest = lowest.min(doc);
        }
        self.doc = lowest;
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target <= self.doc {
            return self.doc;
        }
        let mut lowest = TERMINATED;
        for child in &mut self.children {
            let doc = if child.doc() < target {
                child.seek(target)
            } else {
                child.doc()
            };
            lowest = lowest.min(doc);
        }
        self.doc = lowest;
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.children
            .iter()
            .map(|c| c.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for CoveredScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut total = 0.0;
        let mut covered = false;
        for (child, page) in self.children.iter_mut().zip(&self.on_page) {
            if child.doc() == doc {
                total += child.score();
                covered |= *page;
            }
        }
        if covered { total + self.bonus } else { total }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema};
    use tantivy::{Index, TantivyDocument, doc};

    fn index() -> (Index, tantivy::schema::Field, tantivy::schema::Field) {
        let mut builder = Schema::builder();
        let page = builder.add_text_field("page", STRING);
        let title = builder.add_text_field("title", STRING);
        let index = Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter = index.writer(15_000_000).expect("writer");
        for (p, t) in [("a", "x"), ("b", "a"), ("a", "a"), ("c", "c"), ("a", "b")] {
            let document: TantivyDocument = doc!(page => p, title => t);
            writer.add_document(document).expect("add");
        }
        writer.commit().expect("commit");
        (index, page, title)
    }

    fn term(field: tantivy::schema::Field, text: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, text),
            IndexRecordOption::WithFreqs,
        ))
    }

    #[test]
    fn scores_equal_the_two_query_form() {
        let (index, page, title) = index();
        let searcher = index.reader().expect("reader").searcher();
        let covered = CoveredQuery::new(
            vec![(term(page, "a"), true), (term(title, "a"), false)],
            12.0,
        );
        let two = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(ConstScoreQuery::new(term(page, "a"), 12.0)) as Box<dyn Query>,
            ),
            (
                Occur::Should,
                Box::new(BooleanQuery::new(vec![
                    (Occur::Should, term(page, "a")),
                    (Occur::Should, term(title, "a")),
                ])),
            ),
        ]);
        let collector = TopDocs::with_limit(10).order_by_score();
        let mut ours = searcher.search(&covered, &collector).expect("covered");
        let mut theirs = searcher.search(&two, &collector).expect("two");
        ours.sort_by_key(|(_, address)| address.doc_id);
        theirs.sort_by_key(|(_, address)| address.doc_id);
        assert_eq!(ours.len(), 4, "pages with `a` in the page or the title");
        for ((a, da), (b, db)) in ours.iter().zip(&theirs) {
            assert_eq!(da, db);
            assert!((a - b).abs() < 1e-4, "{a} vs {b}");
        }
        // The page that has `a` only in its title gets no bonus.
        let title_only = ours
            .iter()
            .find(|(_, address)| address.doc_id == 1)
            .map(|(score, _)| *score);
        assert!(title_only.is_some_and(|s| s < 12.0), "{title_only:?}");
        assert_eq!(covered.count(&searcher).expect("count"), 4);
        let explanation = covered
            .weight(EnableScoring::enabled_from_searcher(&searcher))
            .and_then(|w| w.explain(searcher.segment_reader(0), 2));
        assert!(explanation.is_ok());
    }
}

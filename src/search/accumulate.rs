//! Scoring a ranked query a clause at a time, into one score per page.
//!
//! Most searches are *soft* queries ([`super::rank`]): a sum, over the query words, of each
//! word's clause scores (its terms in every field) plus a coverage bonus, restricted by filters
//! and exclusions. Tantivy evaluates such a tree a page at a time: a union per word merges the
//! word's posting lists, a union over the words merges those, and every page matching any
//! clause costs a virtual call per clause and level to find, score and sum. On a corpus whose
//! common words are on half the pages, that merging is most of a search.
//!
//! A [`Plan`] is the same sum, flat. [`top_pages`] walks each clause's posting list on its own,
//! block by block, adding BM25 scores into an array of one score per page, and marks matches in
//! bit sets: one for the pages any word matches, one for the pages a word covers. Then one pass
//! over the matching pages applies the filters, counts them and keeps the best. Term clauses
//! (nearly all of them) are scored straight from the decoded blocks with the same [`Bm25Weight`]
//! tantivy's term query uses; any other clause (a phrase, a fuzzy term, the parts of a compound,
//! a nested group) runs through its own tantivy scorer.
//!
//! The scores are those of the tantivy query [`super::rank`] builds beside the plan, summed in
//! the same order as far as it has one (a word's clauses, then its bonus, then the next word);
//! tantivy's unions, filters and required words may add in another order, a difference in the
//! last bits of a float that the tests allow for. Memory is two scores and four bits per page of
//! the segment, for the duration of a search. Queries of another shape (`AND`/`OR` at the top)
//! have no plan and run through tantivy's collectors.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::TermInfo;
use tantivy::query::{Bm25StatisticsProvider, Bm25Weight, EnableScoring, Query, Weight};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, Term};

/// A ranked query as a flat sum: what [`top_pages`] evaluates.
///
/// A page matches when at least one word matches it, every `must` matches it and no `excluded`
/// query does. Its score is the sum of its words' scores, its `musts`' scores and its `extras`'
/// scores.
#[derive(Default)]
pub struct Plan {
    /// The query words, each scored by its clauses and bonus.
    pub words: Vec<PlanWord>,
    /// Queries every page must match (required words, filters); their scores add.
    pub musts: Vec<Box<dyn Query>>,
    /// Queries no page may match.
    pub excluded: Vec<Box<dyn Query>>,
    /// Queries that add their score to the pages they match, without restricting.
    pub extras: Vec<Box<dyn Query>>,
}

/// One query word: the sum of its clauses' scores, plus `bonus` once when a page clause matches.
pub struct PlanWord {
    /// The word's clauses, in the order their scores are summed.
    pub clauses: Vec<PlanClause>,
    /// Added once to a page that a page clause (not only a title clause) matches.
    pub bonus: Score,
}

/// One clause of a word.
pub struct PlanClause {
    /// What matches.
    pub source: ClauseSource,
    /// Whether it looks at the page itself rather than the document title.
    pub on_page: bool,
}

/// What a clause matches.
pub enum ClauseSource {
    /// One term, scored by BM25 times the boost, as a boosted tantivy term query would be.
    Term(Term, Score),
    /// Any other tantivy query, scored by its own scorer.
    Query(Box<dyn Query>),
}

/// A clause ready to run: a term's BM25 weight and where its posting list lies in each segment,
/// or a tantivy weight.
enum Prepared {
    Term(Field, Bm25Weight, Vec<Option<TermInfo>>),
    Weight(Box<dyn Weight>),
}

/// A plan ready to run against the segments of one searcher.
struct PreparedPlan {
    words: Vec<(Vec<(Prepared, bool)>, Score)>,
    musts: Vec<Box<dyn Weight>>,
    excluded: Vec<Box<dyn Weight>>,
    extras: Vec<Box<dyn Weight>>,
}

/// The `limit` best pages of `plan`, best first (ties by address), and how many pages match.
///
/// # Errors
/// Fails when tantivy cannot read the index.
pub fn top_pages(
    searcher: &Searcher,
    plan: &Plan,
    limit: usize,
) -> tantivy::Result<(Vec<(Score, DocAddress)>, usize)> {
    let prepared = prepare(searcher, plan)?;
    let mut top = TopPages::new(limit.max(1));
    let mut total = 0;
    BUFFERS.with_borrow_mut(|buffers| {
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let ord = u32::try_from(ord).unwrap_or(u32::MAX);
            total += segment(&prepared, reader, ord, buffers, &mut top)?;
        }
        buffers.shrink(KEPT_PAGES);
        Ok::<_, tantivy::TantivyError>(())
    })?;
    Ok((top.into_sorted(), total))
}

thread_local! {
    /// The per-page arrays of the searches on this thread, kept from one search to the next:
    /// allocating them afresh for every search (two scores and four bits per page) cost page
    /// faults as well as the allocation.
    static BUFFERS: std::cell::RefCell<Buffers> = std::cell::RefCell::default();
}

/// Pages of a segment up to which a thread keeps its [`Buffers`] between searches (some 900 KB).
const KEPT_PAGES: usize = 100_000;

fn prepare(searcher: &Searcher, plan: &Plan) -> tantivy::Result<PreparedPlan> {
    let scoring = EnableScoring::enabled_from_searcher(searcher);
    let weights = |queries: &[Box<dyn Query>]| -> tantivy::Result<Vec<Box<dyn Weight>>> {
        queries.iter().map(|q| q.weight(scoring)).collect()
    };
    let mut words = Vec::with_capacity(plan.words.len());
    for word in &plan.words {
        let mut clauses = Vec::with_capacity(word.clauses.len());
        for clause in &word.clauses {
            let prepared = match &clause.source {
                ClauseSource::Term(term, boost) => {
                    // Each segment's dictionary is read once for the term: its posting list,
                    // and its document frequency for BM25.
                    let infos = searcher
                        .segment_readers()
                        .iter()
                        .map(|reader| {
                            Ok(reader.inverted_index(term.field())?.get_term_info(term)?)
                        })
                        .collect::<tantivy::Result<Vec<_>>>()?;
                    let doc_freq = infos.iter().flatten().map(|i| u64::from(i.doc_freq)).sum();
                    let statistics = KnownDocFreq { searcher, doc_freq };
                    let bm25 = Bm25Weight::for_terms(&statistics, std::slice::from_ref(term))?;
                    Prepared::Term(term.field(), bm25.boost_by(*boost), infos)
                }
                ClauseSource::Query(query) => Prepared::Weight(query.weight(scoring)?),
            };
            clauses.push((prepared, clause.on_page));
        }
        words.push((clauses, word.bonus));
    }
    Ok(PreparedPlan {
        words,
        musts: weights(&plan.musts)?,
        excluded: weights(&plan.excluded)?,
        extras: weights(&plan.extras)?,
    })
}

/// The searcher's statistics, with the document frequency of the one term asked about already
/// summed from its segments.
struct KnownDocFreq<'a> {
    searcher: &'a Searcher,
    doc_freq: u64,
}

impl Bm25StatisticsProvider for KnownDocFreq<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        self.searcher.total_num_docs()
    }

    fn doc_freq(&self, _term: &Term) -> tantivy::Result<u64> {
        Ok(self.doc_freq)
    }
}

/// Per-page arrays, reused from one segment to the next.
#[derive(Default)]
struct Buffers {
    /// Score so far of each page.
    score: Vec<Score>,
    /// Score of the current word on each page; back to zero after each word.
    word_score: Vec<Score>,
    /// Pages some word matches.
    matched: Bits,
    /// Pages the current word matches.
    word: Bits,
    /// Pages a page clause of the current word matches.
    covered: Bits,
    /// Pages the current required query matches.
    required: Bits,
}

impl Buffers {
    /// Frees the arrays when they are longer than `pages`.
    fn shrink(&mut self, pages: usize) {
        if self.score.len() > pages {
            *self = Buffers::default();
        }
    }

    fn reset(&mut self, pages: usize) {
        for scores in [&mut self.score, &mut self.word_score] {
            scores.clear();
            scores.resize(pages, 0.0);
        }
        for bits in [
            &mut self.matched,
            &mut self.word,
            &mut self.covered,
            &mut self.required,
        ] {
            bits.reset(pages);
        }
    }
}

/// Evaluates the plan on one segment, offers its matches to `top`, and returns their number.
fn segment(
    plan: &PreparedPlan,
    reader: &SegmentReader,
    ord: u32,
    buffers: &mut Buffers,
    top: &mut TopPages,
) -> tantivy::Result<usize> {
    let pages = reader.max_doc() as usize;
    buffers.reset(pages);
    let Buffers {
        score,
        word_score,
        matched,
        word,
        covered,
        required,
    } = buffers;
    for (clauses, bonus) in &plan.words {
        word.clear();
        covered.clear();
        for (clause, on_page) in clauses {
            // A page clause marks the pages it covers; they join the word's pages below.
            let marked = if *on_page { &mut *covered } else { &mut *word };
            match clause {
                Prepared::Term(field, bm25, infos) => {
                    if let Some(Some(info)) = infos.get(ord as usize) {
                        add_term(reader, *field, info, bm25, word_score, marked)?;
                    }
                }
                Prepared::Weight(weight) => weight.for_each(reader, &mut |doc, s| {
                    if let Some(slot) = word_score.get_mut(doc as usize) {
                        *slot += s;
                        marked.insert(doc);
                    }
                })?,
            }
        }
        word.union_with(covered);
        add_word(word, covered, *bonus, word_score, score);
        matched.union_with(word);
    }
    for weight in &plan.musts {
        required.clear();
        weight.for_each(reader, &mut |doc, s| {
            if let Some(slot) = score.get_mut(doc as usize) {
                *slot += s;
                required.insert(doc);
            }
        })?;
        matched.intersect_with(required);
    }
    for weight in &plan.excluded {
        weight.for_each_no_score(reader, &mut |docs| {
            for &doc in docs {
                matched.remove(doc);
            }
        })?;
    }
    for weight in &plan.extras {
        weight.for_each(reader, &mut |doc, s| {
            if matched.contains(doc) {
                score[doc as usize] += s;
            }
        })?;
    }
    Ok(offer_matches(reader, ord, matched, score, top))
}

/// Adds the current word's score to each page it matches (plus `bonus` where a page clause
/// covers the page) and clears the word's scores.
///
/// A run of 64 pages of which most match is done page by page without looking at the bits one
/// at a time: a page the word does not match has a word score of zero and is not covered, so
/// it gets `+ 0.0`, which leaves a score (never negative) as it was.
fn add_word(
    word: &Bits,
    covered: &Bits,
    bonus: Score,
    word_score: &mut [Score],
    score: &mut [Score],
) {
    for (chunk, (&bits, &cover)) in word.words.iter().zip(&covered.words).enumerate() {
        if bits == 0 {
            continue;
        }
        // The page's word score, plus the bonus when covered: `+ 0.0` leaves a score as it is.
        let with_bonus = |lane: u32, word_score: Score| {
            word_score + if cover >> lane & 1 != 0 { bonus } else { 0.0 }
        };
        let base = chunk * 64;
        if bits.count_ones() >= DENSE
            && let (Some(scores), Some(word_scores)) = (
                score.get_mut(base..base + 64),
                word_score.get_mut(base..base + 64),
            )
        {
            for (lane, (slot, word_slot)) in (0..).zip(scores.iter_mut().zip(word_scores)) {
                *slot += with_bonus(lane, *word_slot);
                *word_slot = 0.0;
            }
            continue;
        }
        let mut rest = bits;
        while rest != 0 {
            let lane = rest.trailing_zeros();
            rest &= rest - 1;
            let i = base + lane as usize;
            if let (Some(slot), Some(word_slot)) = (score.get_mut(i), word_score.get_mut(i)) {
                *slot += with_bonus(lane, *word_slot);
                *word_slot = 0.0;
            }
        }
    }
}

/// Pages of 64 from which [`add_word`] walks them all rather than bit by bit.
const DENSE: u32 = 24;

/// Offers the matching live pages of a segment to `top`, in increasing address order, and
/// returns their number.
///
/// A page enters only when its score beats the threshold of the pages kept so far, and after
/// the first few hundred pages nearly none does; so each run of 64 pages is compared with the
/// threshold at once, and only the pages above it are offered one by one.
fn offer_matches(
    reader: &SegmentReader,
    ord: u32,
    matched: &Bits,
    score: &[Score],
    top: &mut TopPages,
) -> usize {
    let alive = reader.alive_bitset();
    let mut count = 0;
    for (chunk, (&bits, scores)) in matched.words.iter().zip(score.chunks(64)).enumerate() {
        let mut live = bits;
        let base = (chunk * 64) as DocId;
        if let Some(alive) = alive {
            let mut rest = bits;
            while rest != 0 {
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                if alive.is_deleted(base + bit) {
                    live &= !(1 << bit);
                }
            }
        }
        if live == 0 {
            continue;
        }
        count += live.count_ones() as usize;
        let mut offered = live & top.may_enter(scores);
        while offered != 0 {
            let bit = offered.trailing_zeros();
            offered &= offered - 1;
            top.offer(scores[bit as usize], DocAddress::new(ord, base + bit));
        }
    }
    count
}

/// Adds the BM25 score of `term` to each page holding it and marks the page, decoding the
/// posting list a block at a time.
fn add_term(
    reader: &SegmentReader,
    field: Field,
    info: &TermInfo,
    bm25: &Bm25Weight,
    scores: &mut [Score],
    marked: &mut Bits,
) -> tantivy::Result<()> {
    let inverted = reader.inverted_index(field)?;
    let fieldnorms = match reader.fieldnorms_readers().get_field(field)? {
        Some(fieldnorms) => fieldnorms,
        None => FieldNormReader::constant(reader.max_doc(), 1),
    };
    let mut postings =
        inverted.read_block_postings_from_terminfo(info, IndexRecordOption::WithFreqs)?;
    loop {
        let docs = postings.docs();
        if docs.is_empty() {
            return Ok(());
        }
        let freqs = postings.freqs();
        // A page past the segment (a corrupt posting list) is skipped.
        let mut add = |doc: DocId, freq: u32| {
            if let Some(slot) = scores.get_mut(doc as usize) {
                *slot += bm25.score(fieldnorms.fieldnorm_id(doc), freq);
                marked.insert(doc);
            }
        };
        if freqs.len() >= docs.len() {
            docs.iter()
                .zip(freqs)
                .for_each(|(&doc, &freq)| add(doc, freq));
        } else {
            // A field indexed without frequencies: each page holds the term once.
            docs.iter().for_each(|&doc| add(doc, 1));
        }
        postings.advance();
    }
}

/// A set of pages of one segment, a bit each.
#[derive(Default)]
struct Bits {
    words: Vec<u64>,
}

impl Bits {
    fn reset(&mut self, pages: usize) {
        self.words.clear();
        self.words.resize(pages.div_ceil(64), 0);
    }

    fn clear(&mut self) {
        self.words.fill(0);
    }

    #[inline]
    fn insert(&mut self, doc: DocId) {
        if let Some(word) = self.words.get_mut(doc as usize / 64) {
            *word |= 1 << (doc % 64);
        }
    }

    fn remove(&mut self, doc: DocId) {
        if let Some(word) = self.words.get_mut(doc as usize / 64) {
            *word &= !(1 << (doc % 64));
        }
    }

    fn contains(&self, doc: DocId) -> bool {
        self.words
            .get(doc as usize / 64)
            .is_some_and(|word| word & (1 << (doc % 64)) != 0)
    }

    fn union_with(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    fn intersect_with(&mut self, other: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    /// The pages in the set, in increasing order.
    #[cfg(test)]
    fn iter(&self) -> impl Iterator<Item = DocId> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &word)| {
            let base = (i * 64) as DocId;
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros();
                rest &= rest - 1;
                Some(base + bit)
            })
        })
    }
}

/// The best pages offered so far: a buffer cut back to the best `limit` whenever it holds twice
/// that, so that most pages are turned away by one comparison with the cut-off score.
struct TopPages {
    limit: usize,
    pages: Vec<(Score, DocAddress)>,
    /// Score of the last page kept at the latest cut: a page must beat it to enter.
    threshold: Option<Score>,
}

impl TopPages {
    fn new(limit: usize) -> TopPages {
        TopPages {
            limit,
            pages: Vec::with_capacity(2 * limit),
            threshold: None,
        }
    }

    /// Offers a page; pages must come in increasing address order, so that a page tying the
    /// threshold (which has a lower address) is rightly turned away.
    fn offer(&mut self, score: Score, address: DocAddress) {
        if self.threshold.is_some_and(|t| score <= t) {
            return;
        }
        self.pages.push((score, address));
        if self.pages.len() >= 2 * self.limit {
            self.cut();
        }
    }

    /// Which of up to 64 `scores` may enter (a bit each, the first score lowest): those above
    /// the threshold, all of them before there is one. A mask for [`TopPages::offer`], which
    /// judges each page it is given again as the threshold may rise in between.
    fn may_enter(&self, scores: &[Score]) -> u64 {
        let Some(threshold) = self.threshold else {
            return u64::MAX;
        };
        let mut mask = 0;
        for (i, &score) in scores.iter().enumerate().take(64) {
            mask |= u64::from(score > threshold) << i;
        }
        mask
    }

    /// Keeps the best `limit` pages (in no order) and raises the threshold to the worst of them.
    fn cut(&mut self) {
        if self.pages.len() > self.limit {
            self.pages
                .select_nth_unstable_by(self.limit - 1, best_first);
            self.pages.truncate(self.limit);
        }
        self.threshold = self
            .pages
            .iter()
            .map(|(score, _)| *score)
            .min_by(f32::total_cmp);
    }

    fn into_sorted(mut self) -> Vec<(Score, DocAddress)> {
        self.cut();
        self.pages.sort_unstable_by(best_first);
        self.pages
    }
}

/// The order of ranked pages: higher score first, ties by address (segment, then page).
pub(crate) fn best_first(a: &(Score, DocAddress), b: &(Score, DocAddress)) -> std::cmp::Ordering {
    b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Engine, Evaluation, SearchOptions, SearchResults};
    use std::path::PathBuf;
    use std::sync::OnceLock;

    /// An index of the embedded corpus, built once.
    fn engine() -> &'static Engine {
        static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
        let (_, engine) = ENGINE.get_or_init(|| {
            let dir = tempfile::tempdir().expect("temp dir");
            let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus");
            crate::build_index(dir.path(), &[corpus], &Default::default(), &|_| {})
                .expect("corpus indexes");
            let engine = Engine::open(dir.path()).expect("index opens");
            (dir, engine)
        });
        engine
    }

    fn search(query: &str, evaluation: Evaluation) -> Option<SearchResults> {
        let options = SearchOptions {
            limit: 20,
            snippet_chars: 0,
            ..SearchOptions::default()
        };
        engine().search_by(query, &options, evaluation).ok()
    }

    /// The accumulated search finds the pages tantivy's collectors find, with the same scores
    /// (up to float rounding) in the same order (up to ties).
    fn assert_same_as_collectors(query: &str) {
        let ours = search(query, Evaluation::Accumulate);
        let theirs = search(query, Evaluation::Collect);
        let (Some(ours), Some(theirs)) = (ours, theirs) else {
            let ours = search(query, Evaluation::Accumulate).map(|r| r.total_hits);
            let theirs = search(query, Evaluation::Collect).map(|r| r.total_hits);
            assert_eq!(ours, theirs, "`{query}`: both fail or neither");
            return;
        };
        assert_eq!(
            ours.total_hits, theirs.total_hits,
            "`{query}`: pages matching"
        );
        assert_eq!(ours.hits.len(), theirs.hits.len(), "`{query}`: hits");
        let close = |a: f32, b: f32| (a - b).abs() <= 1e-4 * a.abs().max(1.0);
        let last = theirs.hits.last().map_or(0.0, |h| h.score);
        for (a, b) in ours.hits.iter().zip(&theirs.hits) {
            assert!(close(a.score, b.score), "`{query}`: {a:?} vs {b:?}");
            // Another page only where two scores tie, or at the cut-off.
            if (a.doc.as_str(), a.page) != (b.doc.as_str(), b.page) && !close(a.score, last) {
                let tied = theirs
                    .hits
                    .iter()
                    .any(|h| (h.doc.as_str(), h.page) == (a.doc.as_str(), a.page));
                assert!(tied, "`{query}`: {a:?} is not among the collectors' hits");
            }
        }
    }

    fn planned(query: &str) -> bool {
        let engine = engine();
        let inner = &*engine.inner;
        let searcher = inner.reader.searcher();
        let builder = crate::search::rank::QueryBuilder {
            analyzer: &inner.analyzer,
            fields: &inner.fields,
            searcher: &searcher,
        };
        let parsed = crate::search::parse_query(query).expect("parses");
        builder
            .compile(
                &parsed,
                &crate::search::filters::ResolvedFilters::as_typed(&parsed, &[]),
            )
            .plan
            .is_some()
    }

    proptest::proptest! {
        #[test]
        fn a_word_is_added_run_by_run_as_page_by_page(
            chunks in proptest::collection::vec((proptest::num::u64::ANY, proptest::num::u64::ANY, proptest::bool::ANY), 1..6),
            values in proptest::collection::vec(0.0f32..500.0, 384),
            bonus in 0.0f32..20.0,
        ) {
            // Dense and sparse runs of 64 pages; covered pages are among the word's.
            let mut word = Bits::default();
            let mut covered = Bits::default();
            for &(bits, cover, dense) in &chunks {
                let bits = if dense { bits | 0xFFFF_FFFF_0000_FFFF } else { bits & 0x0101_0101 };
                word.words.push(bits);
                covered.words.push(cover & bits);
            }
            let pages = chunks.len() * 64;
            let score: Vec<Score> = values[..pages].to_vec();
            let word_score: Vec<Score> = (0..pages)
                .map(|i| {
                    let set = word.words[i / 64] >> (i % 64) & 1 != 0;
                    if set { values[(i * 7) % pages] } else { 0.0 }
                })
                .collect();
            // The reference: page by page, in the order of the bits.
            let (mut expected, mut expected_word) = (score.clone(), word_score.clone());
            for doc in word.iter() {
                let i = doc as usize;
                let mut s = expected_word[i];
                if covered.contains(doc) {
                    s += bonus;
                }
                expected[i] += s;
                expected_word[i] = 0.0;
            }
            let (mut ours, mut ours_word) = (score, word_score);
            add_word(&word, &covered, bonus, &mut ours_word, &mut ours);
            let bits = |v: &[Score]| v.iter().map(|s| s.to_bits()).collect::<Vec<_>>();
            proptest::prop_assert_eq!(bits(&ours), bits(&expected));
            proptest::prop_assert_eq!(bits(&ours_word), bits(&expected_word));
        }
    }

    #[test]
    fn accumulating_ranks_the_public_queries_as_the_collectors_do() {
        let queries = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/queries.tsv"),
        )
        .expect("queries.tsv");
        let mut checked = 0;
        for line in queries.lines().skip(1) {
            let Some(query) = line.split('\t').next().filter(|q| !q.is_empty()) else {
                continue;
            };
            assert!(planned(query), "`{query}` runs through a plan");
            assert_same_as_collectors(query);
            checked += 1;
        }
        assert!(checked >= 50, "{checked} queries");
        // Filters, required and excluded words, groups, typos, phrases, stop words alone.
        for query in [
            "radikalisering year:2019",
            "radikalisering -year:2018 -doc:evaluering-2017-2020",
            "mentor +forældre -skole",
            "mentor (netværk kommune) \"en elev\"",
            "radikaliserng",
            "kind:evaluering indsats",
            "og i det",
            "handlingsplan 2019",
            "SSP-konsulent",
        ] {
            assert!(planned(query), "`{query}` runs through a plan");
            assert_same_as_collectors(query);
        }
        // Boolean operators at the top run through the collectors.
        assert!(!planned("mentor AND netværk"));
        assert_same_as_collectors("mentor OR netværk");
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(48))]
        #[test]
        fn accumulating_ranks_any_query_as_the_collectors_do(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "mentor", "forældre", "foraeldre", "radikalisering", "kommune", "-skole",
                    "+netværk", "\"en elev\"", "(indsats rådgivning)", "year:2019", "-year:2018",
                    "kind:evaluering", "doc:aarsrapport-2019", "bekymringskompas", "og",
                    "handlingsplaner", "2018", "OR", "ekstremisme", "radikaliserng", "Aarhus",
                ]),
                1..6,
            )
        ) {
            assert_same_as_collectors(&words.join(" "));
        }
    }

    #[test]
    fn deleted_pages_are_neither_counted_nor_returned() {
        use tantivy::collector::{Count, TopDocs};
        use tantivy::schema::{INDEXED, Schema, TEXT};
        use tantivy::{Index, IndexWriter, TantivyDocument, doc};
        let mut builder = Schema::builder();
        let body = builder.add_text_field("body", TEXT);
        let id = builder.add_u64_field("id", INDEXED);
        let index = Index::create_in_ram(builder.build());
        let mut writer: IndexWriter = index.writer(15_000_000).expect("writer");
        for i in 0..6u64 {
            let text = if i % 2 == 0 { "alfa beta beta" } else { "alfa" };
            let document: TantivyDocument = doc!(body => text, id => i);
            writer.add_document(document).expect("add");
        }
        writer.commit().expect("commit");
        writer.delete_term(Term::from_field_u64(id, 2));
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let deleted: u32 = searcher
            .segment_readers()
            .iter()
            .map(|r| r.num_deleted_docs())
            .sum();
        assert_eq!(deleted, 1, "the deletion is still a mark, not merged away");
        let term = |text: &str| ClauseSource::Term(Term::from_field_text(body, text), 1.0);
        let plan = Plan {
            words: vec![PlanWord {
                clauses: vec![
                    PlanClause {
                        source: term("alfa"),
                        on_page: true,
                    },
                    PlanClause {
                        source: term("beta"),
                        on_page: false,
                    },
                ],
                bonus: 12.0,
            }],
            ..Plan::default()
        };
        let (top, total) = top_pages(&searcher, &plan, 10).expect("top pages");
        assert_eq!(total, 5);
        let query = tantivy::query::BooleanQuery::new(vec![
            (
                tantivy::query::Occur::Should,
                Box::new(tantivy::query::TermQuery::new(
                    Term::from_field_text(body, "alfa"),
                    IndexRecordOption::WithFreqs,
                )) as Box<dyn Query>,
            ),
            (
                tantivy::query::Occur::Should,
                Box::new(tantivy::query::TermQuery::new(
                    Term::from_field_text(body, "beta"),
                    IndexRecordOption::WithFreqs,
                )),
            ),
        ]);
        let (theirs, count) = searcher
            .search(&query, &(TopDocs::with_limit(10).order_by_score(), Count))
            .expect("search");
        assert_eq!(count, 5);
        let pages = |hits: &[(Score, DocAddress)]| -> Vec<DocAddress> {
            hits.iter().map(|(_, a)| *a).collect()
        };
        assert_eq!(pages(&top), pages(&theirs), "same pages, same order");
        for ((ours, _), (plain, _)) in top.iter().zip(&theirs) {
            // Every page holds `alfa`, so each gets the bonus once on top of its BM25 sum.
            assert!((ours - plain - 12.0).abs() < 1e-4, "{ours} vs {plain} + 12");
        }
    }

    #[test]
    fn bits_hold_what_is_inserted_in_order() {
        let mut bits = Bits::default();
        bits.reset(200);
        for doc in [199, 0, 64, 63, 130] {
            bits.insert(doc);
        }
        bits.remove(130);
        bits.insert(500); // outside the segment: ignored
        assert_eq!(bits.iter().collect::<Vec<_>>(), [0, 63, 64, 199]);
        assert!(bits.contains(63) && !bits.contains(130) && !bits.contains(500));
        let mut other = Bits::default();
        other.reset(200);
        other.insert(64);
        other.insert(100);
        let mut both = Bits {
            words: bits.words.clone(),
        };
        both.intersect_with(&other);
        assert_eq!(both.iter().collect::<Vec<_>>(), [64]);
        bits.union_with(&other);
        assert_eq!(bits.iter().collect::<Vec<_>>(), [0, 63, 64, 100, 199]);
    }

    #[test]
    fn top_pages_keeps_the_best_and_breaks_ties_by_address() {
        let mut top = TopPages::new(3);
        let scores = [1.0, 5.0, 3.0, 5.0, 0.5, 4.0, 3.0, 9.0, 4.0, 5.0];
        for (doc, score) in scores.iter().enumerate() {
            top.offer(*score, DocAddress::new(0, doc as DocId));
        }
        let best: Vec<(Score, DocId)> = top
            .into_sorted()
            .into_iter()
            .map(|(s, a)| (s, a.doc_id))
            .collect();
        assert_eq!(best, [(9.0, 7), (5.0, 1), (5.0, 3)]);
    }
}

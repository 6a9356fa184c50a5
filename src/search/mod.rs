//! Searching an index: ranked pages with snippets.
//!
//! In: a query string and [`SearchOptions`]. Out: [`SearchResults`] holding typed,
//! serialisable [`Hit`]s, best first.
//!
//! - [`query`] parses the query language into a tree ([`parse_query`]);
//! - [`filters`] matches `doc:`, `kind:` and `year:` to the values the index holds (æøå and
//!   case forgiven) and says which come close when none does;
//! - [`rank`] turns the tree into a tantivy query (coverage tiers, BM25, folding, compounds,
//!   fuzzy fallback) and collects what to highlight;
//! - [`proximity`] rescores the best pages for adjacent query words standing close;
//! - [`covered`] is the one-pass query of a word with its coverage bonus;
//! - [`accumulate`] scores the usual (soft) query a clause at a time, much faster than
//!   tantivy's page-at-a-time union of the same query;
//! - [`snippet`] cuts the best passage of each hit's page;
//! - `stored` reads the hits' stored fields straight from tantivy's document store.
//!
//! [`Engine`] opens an index once (checking its analyzer version and registering the analyzers
//! with its lexicon) and is then cheap to clone and safe to share between threads: every search
//! takes a fresh tantivy searcher from one reader. Stored text is read only for the hits shown,
//! and a page's text only when its snippet is made.

pub mod accumulate;
pub mod covered;
pub mod documents;
pub mod filters;
pub mod proximity;
pub mod query;
pub mod rank;
pub mod snippet;
mod stored;
#[cfg(test)]
mod test_engines;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, Index, IndexReader, ReloadPolicy, TantivyDocument, Term};

pub use documents::{DocumentInfo, StoredPage};
pub use filters::UnmatchedFilter;
pub use query::{Filter, ParsedQuery, QueryError, QueryNode, parse_query};
pub use snippet::{DEFAULT_SNIPPET_CHARS, Snippet};

use crate::analysis::Analyzer;
use crate::error::{Error, Result};
use crate::index::{self, Fields, IndexState};
use filters::{FilterValues, ResolvedFilters};
use stored::{HitFields, PageStore};

/// How to search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchOptions {
    /// Most hits returned.
    pub limit: usize,
    /// Only pages of this year.
    pub year: Option<u32>,
    /// Only pages of this document (file stem).
    pub doc: Option<String>,
    /// Only pages of this kind.
    pub kind: Option<String>,
    /// Snippet length in characters; 0 for no snippets.
    pub snippet_chars: usize,
}

impl Default for SearchOptions {
    fn default() -> SearchOptions {
        SearchOptions {
            limit: 10,
            year: None,
            doc: None,
            kind: None,
            snippet_chars: DEFAULT_SNIPPET_CHARS,
        }
    }
}

/// One page found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Document id: the PDF's file stem.
    pub doc: String,
    /// Path of the PDF as indexed.
    pub path: String,
    /// Document title.
    pub title: String,
    /// Publication year, when known.
    pub year: Option<u32>,
    /// Kind of publication, when known.
    pub kind: String,
    /// 1-based physical page number.
    pub page: u32,
    /// Printed page label, when the PDF has one.
    pub page_label: Option<String>,
    /// Whether the page text comes from OCR (a scanned page, `pubsearch index --ocr`).
    pub ocr: bool,
    /// Relevance score (higher is better; comparable within one search only).
    pub score: f32,
    /// Best passage of the page.
    pub snippet: String,
    /// Byte ranges of the matched words in `snippet`.
    pub highlights: Vec<[usize; 2]>,
}

/// The answer to one search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// The query as given.
    pub query: String,
    /// Pages matching, of which `hits` are the best.
    pub total_hits: usize,
    /// Time spent searching and making snippets, milliseconds.
    pub took_ms: f64,
    /// Best pages first.
    pub hits: Vec<Hit>,
    /// Filters no page of the index satisfies, each with the values the user may have meant;
    /// left out of the JSON when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unmatched_filters: Vec<UnmatchedFilter>,
}

/// Full text of one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageText {
    /// Document id.
    pub doc: String,
    /// Document title.
    pub title: String,
    /// 1-based page number.
    pub page: u32,
    /// Number of pages of the document.
    pub pages: u32,
    /// Printed page label.
    pub page_label: Option<String>,
    /// Whether the text comes from OCR.
    pub ocr: bool,
    /// The page text.
    pub text: String,
}

/// Summary of an index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    /// Index directory.
    pub path: PathBuf,
    /// Documents (PDF files) indexed.
    pub documents: usize,
    /// Pages indexed.
    pub pages: u64,
    /// Files that could not be indexed.
    pub failed_files: usize,
    /// Bytes on disk.
    pub size_bytes: u64,
    /// Last commit, seconds since the Unix epoch.
    pub built_at: u64,
    /// Analyzer version.
    pub analyzer_version: u32,
    /// Words in the compound lexicon.
    pub lexicon_words: usize,
    /// Tantivy segments; each costs every search a little (a full build leaves one, an update
    /// adds one).
    pub segments: usize,
}

/// How a search scores the pages matching its query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Evaluation {
    /// A clause at a time, when the query has a plan ([`accumulate`]); else as `Collect`.
    Accumulate,
    /// A page at a time, through tantivy's collectors.
    #[cfg_attr(not(test), allow(dead_code))]
    Collect,
}

/// An open index, ready to search. Cheap to clone; share it between threads.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<EngineInner>,
}

struct EngineInner {
    dir: PathBuf,
    reader: IndexReader,
    fields: Fields,
    analyzer: Analyzer,
    state: IndexState,
    /// Store readers of the reader's segments. The reader is never reloaded, so every search's
    /// searcher has these segments.
    store: PageStore,
    /// The values filters can take, read on the first search with a filter.
    filter_values: OnceLock<FilterValues>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("dir", &self.inner.dir)
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Opens the index in `dir`.
    ///
    /// # Errors
    /// [`Error::NoIndex`] when there is none, [`Error::AnalyzerVersion`] when it was built by
    /// another version, [`Error::CorruptIndex`] when it cannot be read.
    pub fn open(dir: &Path) -> Result<Engine> {
        let (index, state) =
            index::open_existing(dir)?.ok_or_else(|| Error::NoIndex(dir.to_path_buf()))?;
        let analyzer = index::analyzer_for(dir);
        Engine::from_parts(dir, index, state, analyzer)
    }

    fn from_parts(
        dir: &Path,
        index: Index,
        state: IndexState,
        analyzer: Analyzer,
    ) -> Result<Engine> {
        analyzer.register(&index);
        let fields = index::schema::fields_of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: tantivy::TantivyError| Error::CorruptIndex {
                path: dir.to_path_buf(),
                reason: e.to_string(),
            })?;
        let store = PageStore::open(&reader.searcher()).map_err(|e| Error::CorruptIndex {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        })?;
        Ok(Engine {
            inner: Arc::new(EngineInner {
                dir: dir.to_path_buf(),
                reader,
                fields,
                analyzer,
                state,
                store,
                filter_values: OnceLock::new(),
            }),
        })
    }

    /// Searches for `query`.
    ///
    /// # Errors
    /// [`Error::Query`] when the query has nothing to search for or a malformed filter;
    /// [`Error::Tantivy`] when the index cannot be read.
    pub fn search(&self, query: &str, options: &SearchOptions) -> Result<SearchResults> {
        self.search_by(query, options, Evaluation::Accumulate)
    }

    /// [`Engine::search`], scoring the query `evaluation`'s way.
    pub(crate) fn search_by(
        &self,
        query: &str,
        options: &SearchOptions,
        evaluation: Evaluation,
    ) -> Result<SearchResults> {
        let started = Instant::now();
        let parsed = parse_query(query)?;
        let inner = &*self.inner;
        let searcher = inner.reader.searcher();
        let builder = rank::QueryBuilder {
            analyzer: &inner.analyzer,
            fields: &inner.fields,
            searcher: &searcher,
        };
        let mut filters = Vec::new();
        if let Some(year) = options.year {
            filters.push(Filter::Year(year));
        }
        if let Some(doc) = &options.doc {
            filters.push(Filter::Doc(doc.clone()));
        }
        if let Some(kind) = &options.kind {
            filters.push(Filter::Kind(kind.clone()));
        }
        let (filters, unmatched_filters) = self.resolve_filters(&parsed, &filters)?;
        let compiled = builder.compile(&parsed, &filters);
        let limit = options.limit.max(1);
        let window = if compiled.proximity.is_empty() {
            limit
        } else {
            proximity::rescore_window(limit)
        };
        // A panic inside tantivy (fuzzing found a debug assertion in its phrase scorer under an
        // exclusion) becomes this search's error instead of taking the caller down.
        let searched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let (top, total) = match &compiled.plan {
                Some(plan) if evaluation == Evaluation::Accumulate => {
                    accumulate::top_pages(&searcher, plan, window)?
                }
                _ => searcher.search(
                    &compiled.query,
                    &(TopDocs::with_limit(window).order_by_score(), Count),
                )?,
            };
            Ok::<_, tantivy::TantivyError>((
                proximity::rescore(&searcher, &compiled.proximity, top)?,
                total,
            ))
        }));
        let (top, total_hits) = searched.map_err(|_| {
            tantivy::TantivyError::InternalError(format!("the search for `{query}` failed"))
        })??;
        let mut hits = Vec::with_capacity(top.len());
        let mut snippeter =
            (options.snippet_chars > 0).then(|| snippet::Snippeter::new(&compiled.highlights));
        for (score, address) in top.into_iter().take(options.limit) {
            let want_text = snippeter.is_some();
            let mut stored = match inner.store.read(&inner.fields, address, want_text) {
                Some(stored) => stored,
                None => HitFields::from_tantivy(&searcher, &inner.fields, address)?,
            };
            let text = stored.text.take().unwrap_or_default();
            let mut hit = self.hit_of(stored, score);
            if let Some(snippeter) = snippeter.as_mut() {
                let snippet = snippeter.snippet(&text, options.snippet_chars);
                hit.snippet = snippet.text;
                hit.highlights = snippet.highlights;
            }
            hits.push(hit);
        }
        Ok(SearchResults {
            query: query.to_owned(),
            total_hits,
            took_ms: started.elapsed().as_secs_f64() * 1000.0,
            hits,
            unmatched_filters,
        })
    }

    /// The filters of `parsed` and `extra` as the index's values, and those no page satisfies.
    fn resolve_filters(
        &self,
        parsed: &ParsedQuery,
        extra: &[Filter],
    ) -> Result<(ResolvedFilters, Vec<UnmatchedFilter>)> {
        if parsed.filters.is_empty() && parsed.excluded.is_empty() && extra.is_empty() {
            return Ok((ResolvedFilters::default(), Vec::new()));
        }
        Ok(ResolvedFilters::resolve(
            parsed,
            extra,
            self.filter_values()?,
        ))
    }

    /// The values filters can take in this index, read once.
    fn filter_values(&self) -> Result<&FilterValues> {
        let inner = &*self.inner;
        if let Some(values) = inner.filter_values.get() {
            return Ok(values);
        }
        let values = FilterValues::read(&inner.state, &inner.reader.searcher(), inner.fields.kind)?;
        Ok(inner.filter_values.get_or_init(|| values))
    }

    /// What a search for `query` highlights: the terms [`snippet::make_snippet`] looks for.
    ///
    /// # Errors
    /// [`Error::Query`] when the query cannot be parsed.
    pub fn highlight_terms(&self, query: &str) -> Result<rank::HighlightTerms> {
        let parsed = parse_query(query)?;
        let inner = &*self.inner;
        let searcher = inner.reader.searcher();
        let builder = rank::QueryBuilder {
            analyzer: &inner.analyzer,
            fields: &inner.fields,
            searcher: &searcher,
        };
        Ok(builder
            .compile(&parsed, &ResolvedFilters::as_typed(&parsed, &[]))
            .highlights)
    }

    /// The full text of page `page` (1-based) of document `doc` (found as [`Engine::document`]
    /// finds it).
    ///
    /// # Errors
    /// [`Error::NotFound`] when the document or page is not in the index.
    pub fn page_text(&self, doc: &str, page: u32) -> Result<PageText> {
        let inner = &*self.inner;
        let searcher = inner.reader.searcher();
        let (_, file) = self.file_of(doc)?;
        let doc = file.doc.as_str();
        let query = BooleanQuery::new(vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(inner.fields.doc, doc),
                    IndexRecordOption::Basic,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(inner.fields.page, u64::from(page)),
                    IndexRecordOption::Basic,
                )),
            ),
        ]);
        let top: Vec<(f32, DocAddress)> =
            searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
        let Some((_, address)) = top.first() else {
            return Err(Error::NotFound(format!(
                "`{doc}` has pages 1 to {}, not page {page}",
                file.pages
            )));
        };
        let document: TantivyDocument = searcher.doc(*address)?;
        let page_label = document
            .get_first(inner.fields.page_label)
            .and_then(|v| v.as_str())
            .map(str::to_owned);
        Ok(PageText {
            doc: doc.to_owned(),
            title: file.title.clone(),
            page,
            pages: file.pages,
            page_label,
            ocr: file.ocr_pages.contains(&page),
            text: text_of(&document, inner.fields.text).to_owned(),
        })
    }

    /// Summary of the index.
    ///
    /// # Errors
    /// Fails when the index directory cannot be listed.
    pub fn stats(&self) -> Result<IndexStats> {
        let inner = &*self.inner;
        let mut size_bytes = 0;
        for entry in std::fs::read_dir(&inner.dir).map_err(|e| Error::io(&inner.dir, e))? {
            let entry = entry.map_err(|e| Error::io(&inner.dir, e))?;
            size_bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
        }
        Ok(IndexStats {
            path: inner.dir.clone(),
            documents: inner.state.files.len(),
            pages: inner.state.total_pages(),
            failed_files: inner.state.failed.len(),
            size_bytes,
            built_at: inner.state.built_at,
            analyzer_version: inner.state.analyzer_version,
            lexicon_words: inner.analyzer.lexicon().len(),
            segments: inner.reader.searcher().segment_readers().len(),
        })
    }

    /// The state of the index: every indexed file with its hash and page count.
    pub fn state(&self) -> &IndexState {
        &self.inner.state
    }

    /// The analyzer the index was built with.
    pub fn analyzer(&self) -> &Analyzer {
        &self.inner.analyzer
    }

    fn hit_of(&self, stored: HitFields, score: f32) -> Hit {
        let page = stored.page.and_then(|p| u32::try_from(p).ok()).unwrap_or(0);
        let key = stored.key.unwrap_or_default();
        Hit {
            doc: stored.doc.unwrap_or_default(),
            path: stored.path.unwrap_or_default(),
            title: stored.title.unwrap_or_default(),
            year: stored.year.and_then(|y| u32::try_from(y).ok()),
            kind: stored.kind.unwrap_or_default(),
            page,
            page_label: stored.page_label,
            ocr: self.is_ocr_page(&key, page),
            score,
            snippet: String::new(),
            highlights: Vec::new(),
        }
    }
}

fn text_of(document: &TantivyDocument, field: tantivy::schema::Field) -> &str {
    document
        .get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
}

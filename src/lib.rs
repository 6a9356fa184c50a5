//! pubsearch: full-text search over Danish PDF publications.
//!
//! The pipeline, in five steps:
//! 1. [`extract`] reads each PDF with its own extractor on `lopdf` and yields clean text, one
//!    [`extract::Page`] per page;
//! 2. [`analysis`] turns Danish text into terms: stems, exact forms, æøå-folded forms and the
//!    parts of compounds;
//! 3. [`index`] writes one tantivy document per page, in parallel and incrementally
//!    ([`index::build_index`]);
//! 4. [`search`] parses a query, matches its `doc:`/`kind:`/`year:` filters to the index's
//!    values, ranks pages (all words before most words, exact forms before stems before folded
//!    forms) and cuts a highlighted snippet of each hit;
//! 5. the `pubsearch` binary is a thin command-line layer over these.
//!
//! Beside the pipeline: [`ocr`] reads pages without a text layer with tesseract (step 1, when
//! [`IndexOptions::ocr`] is set), and [`export`] cites pages and exports an index to
//! OpenSearch.
//!
//! ```no_run
//! use std::path::{Path, PathBuf};
//! use pubsearch::{Engine, IndexOptions, SearchOptions, build_index};
//!
//! # fn main() -> pubsearch::Result<()> {
//! build_index(Path::new("index"), &[PathBuf::from("corpus")], &IndexOptions::default(), &|_| {})?;
//! let engine = Engine::open(Path::new("index"))?;
//! let results = engine.search("handlingsplaner for forebyggelse", &SearchOptions::default())?;
//! for hit in &results.hits {
//!     println!("{} s. {}: {}", hit.title, hit.page, hit.snippet);
//! }
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

pub mod analysis;
pub mod bench;
pub mod corpus_gen;
pub mod error;
pub mod export;
pub mod extract;
pub mod index;
pub mod ocr;
pub mod search;

pub use error::{Error, Result};
pub use extract::{ExtractError, ExtractedPdf, Page, extract_bytes, extract_file};
pub use index::{IndexOptions, IndexReport, build_index};
pub use search::{
    Engine, Hit, IndexStats, PageText, SearchOptions, SearchResults, UnmatchedFilter,
};

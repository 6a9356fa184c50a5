//! Getting indexed pages out of pubsearch: citations and search-engine exports.
//!
//! - [`cite`]: a ready-to-paste citation of one page (title, publisher, year, printed page);
//! - [`opensearch`]: an OpenSearch index mapping and `_bulk` NDJSON of every indexed page.
//!
//! Both read only through [`crate::Engine`]'s public methods, so they see exactly what search
//! sees.

pub mod cite;
pub mod opensearch;

pub use cite::Citation;

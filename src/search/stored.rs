//! A hit's stored fields, read straight from tantivy's document store.
//!
//! A search reads the stored fields of the ten pages it shows. Through `Searcher::doc` that
//! cost about 3 µs a page on the 10,000-page benchmark corpus: tantivy copies every stored
//! string out of the page's bytes through a byte reader and checks each string's UTF-8 with the
//! standard library, which is slow on Danish text (an `æ`, `ø` or `å` every few dozen bytes
//! keeps its ASCII fast path short). Here a store reader of our own gives the page's bytes; its
//! fields are read off them in the layout tantivy writes (the number of values, then per value
//! its field number, a type code and the value), strings are checked with SIMD ([`simdutf8`]),
//! and the page text, a few kilobytes, is checked and copied only when the search makes
//! snippets: 1.3 µs a page.
//!
//! The layout is tantivy's own (document store version 2, tantivy 0.27). Anything this reader
//! does not expect (a type code other than text and unsigned number, a value running past the
//! end, invalid UTF-8) makes [`PageStore::read`] give `None`, and the caller reads the page
//! through tantivy instead ([`HitFields`] deserialises either way). The test
//! `every_stored_page_reads_as_tantivy_reads_it` compares the two on every page of an index.

use tantivy::schema::document::{DeserializeError, DocumentDeserialize, DocumentDeserializer};
use tantivy::schema::{Field, OwnedValue};
use tantivy::store::StoreReader;
use tantivy::{DocAddress, Searcher};

use crate::index::Fields;

/// Type code of a string value in tantivy's document layout.
const TEXT_CODE: u8 = 0;
/// Type code of an unsigned number (8 bytes, little-endian).
const U64_CODE: u8 = 1;

/// The stored fields of a page that a hit shows. A field stored more than once keeps its first
/// value, as `TantivyDocument::get_first` does.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct HitFields {
    /// The file's key in the index (its path as indexed).
    pub key: Option<String>,
    /// Document id (file stem).
    pub doc: Option<String>,
    /// Path of the PDF.
    pub path: Option<String>,
    /// Document title.
    pub title: Option<String>,
    /// Kind of publication.
    pub kind: Option<String>,
    /// Publication year.
    pub year: Option<u64>,
    /// 1-based page number.
    pub page: Option<u64>,
    /// Printed page label.
    pub page_label: Option<String>,
    /// The page text: only when asked for (`want_text`), or read through tantivy.
    pub text: Option<String>,
}

impl HitFields {
    /// The slot for a string of `field`, when the hit shows that field.
    fn string_slot(&mut self, fields: &Fields, field: Field) -> Option<&mut Option<String>> {
        let slot = if field == fields.key {
            &mut self.key
        } else if field == fields.doc {
            &mut self.doc
        } else if field == fields.path {
            &mut self.path
        } else if field == fields.title {
            &mut self.title
        } else if field == fields.kind {
            &mut self.kind
        } else if field == fields.page_label {
            &mut self.page_label
        } else if field == fields.text {
            &mut self.text
        } else {
            return None;
        };
        slot.is_none().then_some(slot)
    }

    /// The slot for a number of `field`, when the hit shows that field.
    fn number_slot(&mut self, fields: &Fields, field: Field) -> Option<&mut Option<u64>> {
        let slot = if field == fields.year {
            &mut self.year
        } else if field == fields.page {
            &mut self.page
        } else {
            return None;
        };
        slot.is_none().then_some(slot)
    }

    /// Reads the fields off a stored page through tantivy's deserialiser: the reference the
    /// raw reading is tested against, and what is used when it declines.
    pub(crate) fn from_tantivy(
        searcher: &Searcher,
        fields: &Fields,
        address: DocAddress,
    ) -> tantivy::Result<HitFields> {
        let values: StoredValues = searcher.doc(address)?;
        let mut hit = HitFields::default();
        for (field, value) in values.0 {
            match value {
                OwnedValue::Str(text) => {
                    if let Some(slot) = hit.string_slot(fields, field) {
                        *slot = Some(text);
                    }
                }
                OwnedValue::U64(n) => {
                    if let Some(slot) = hit.number_slot(fields, field) {
                        *slot = Some(n);
                    }
                }
                _ => {}
            }
        }
        Ok(hit)
    }
}

/// A stored page's values as tantivy deserialises them, moved out of its reader one by one.
struct StoredValues(Vec<(Field, OwnedValue)>);

impl DocumentDeserialize for StoredValues {
    fn deserialize<'de, D>(mut deserializer: D) -> Result<Self, DeserializeError>
    where
        D: DocumentDeserializer<'de>,
    {
        let mut values = Vec::with_capacity(deserializer.size_hint());
        while let Some(entry) = deserializer.next_field::<OwnedValue>()? {
            values.push(entry);
        }
        Ok(StoredValues(values))
    }
}

/// Store blocks each segment's reader keeps, as tantivy's searcher does. Our pages are blocks of
/// their own and stored uncompressed, so the cache only saves copying a block when the same page
/// is shown again (0.1 µs a read when it misses); but an index built before pages were stored
/// that way has compressed 16 KiB blocks of several pages each, which would otherwise be
/// decompressed again for every hit.
const CACHED_BLOCKS: usize = 100;

/// Store readers of one searcher's segments, in segment order.
pub(crate) struct PageStore {
    readers: Vec<StoreReader>,
}

impl PageStore {
    /// Store readers for the segments of `searcher`. The addresses later read must come from
    /// this same searcher: segment numbers are positions in its list.
    pub(crate) fn open(searcher: &Searcher) -> std::io::Result<PageStore> {
        let readers = searcher
            .segment_readers()
            .iter()
            .map(|segment| segment.get_store_reader(CACHED_BLOCKS))
            .collect::<std::io::Result<Vec<_>>>()?;
        Ok(PageStore { readers })
    }

    /// The fields of the page at `address`, with its text when `want_text`; `None` when the
    /// page cannot be read this way (see the module documentation).
    pub(crate) fn read(
        &self,
        fields: &Fields,
        address: DocAddress,
        want_text: bool,
    ) -> Option<HitFields> {
        let reader = self
            .readers
            .get(usize::try_from(address.segment_ord).ok()?)?;
        let bytes = reader.get_document_bytes(address.doc_id).ok()?;
        parse(bytes.as_slice(), fields, want_text)
    }
}

/// Reads a stored page's values off `bytes`; `None` on anything unexpected.
fn parse(bytes: &[u8], fields: &Fields, want_text: bool) -> Option<HitFields> {
    let mut cursor = Cursor { bytes, at: 0 };
    let count = cursor.vint()?;
    let mut hit = HitFields::default();
    for _ in 0..count {
        let field = Field::from_field_id(u32::from_le_bytes(cursor.array()?));
        match cursor.byte()? {
            TEXT_CODE => {
                let length = usize::try_from(cursor.vint()?).ok()?;
                let raw = cursor.take(length)?;
                if field == fields.text && !want_text {
                    continue;
                }
                if let Some(slot) = hit.string_slot(fields, field) {
                    *slot = Some(simdutf8::basic::from_utf8(raw).ok()?.to_owned());
                }
            }
            U64_CODE => {
                let n = u64::from_le_bytes(cursor.array()?);
                if let Some(slot) = hit.number_slot(fields, field) {
                    *slot = Some(n);
                }
            }
            _ => return None,
        }
    }
    Some(hit)
}

/// A position in a stored page's bytes; every read is bounds-checked.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let taken = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(taken)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    /// tantivy's variable-length integer: seven bits a byte, low bits first, the last byte
    /// marked by its high bit.
    fn vint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 != 0 {
                return Some(value);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::test_engines::several_segment_engine;
    use proptest::prelude::*;

    #[test]
    fn every_stored_page_reads_as_tantivy_reads_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let engine = several_segment_engine(dir.path());
        let inner = &*engine.inner;
        let searcher = inner.reader.searcher();
        let segments = searcher.segment_readers().len();
        assert!(
            segments >= 2,
            "the test needs several segments, has {segments}"
        );
        let (mut pages, mut with_text) = (0, 0);
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc_id in 0..segment.max_doc() {
                let address = DocAddress::new(u32::try_from(ord).expect("few segments"), doc_id);
                let theirs = HitFields::from_tantivy(&searcher, &inner.fields, address)
                    .expect("tantivy reads the page");
                let ours = inner.store.read(&inner.fields, address, true);
                assert_eq!(ours.as_ref(), Some(&theirs), "{address:?}");
                if theirs.text.as_ref().is_some_and(|t| t.len() > 100) {
                    with_text += 1;
                }
                assert!(theirs.key.is_some() && theirs.page.is_some() && theirs.title.is_some());
                let without_text = inner.store.read(&inner.fields, address, false);
                let expected = HitFields {
                    text: None,
                    ..theirs
                };
                assert_eq!(without_text, Some(expected), "{address:?} without text");
                pages += 1;
            }
        }
        assert_eq!(pages, 61, "every page of the corpus was compared");
        assert!(with_text > 50, "pages with text: {with_text}");
        // An address outside the searcher is declined, not a panic.
        assert_eq!(
            inner
                .store
                .read(&inner.fields, DocAddress::new(99, 0), true),
            None
        );
    }

    /// The fields of the corpus index, for parsing hand-made pages.
    fn fields() -> Fields {
        crate::index::schema::build_schema().1
    }

    /// A stored page in tantivy's layout: the count, then field, type code and value.
    fn page_bytes(values: &[(Field, &[u8])], count: u8) -> Vec<u8> {
        let mut bytes = vec![0x80 | count];
        for (field, text) in values {
            bytes.extend_from_slice(&field.field_id().to_le_bytes());
            bytes.push(TEXT_CODE);
            let length = u8::try_from(text.len()).expect("short");
            assert!(length < 0x80);
            bytes.push(0x80 | length);
            bytes.extend_from_slice(text);
        }
        bytes
    }

    #[test]
    fn unexpected_layouts_are_declined() {
        let f = fields();
        let good = page_bytes(&[(f.doc, b"aarsrapport"), (f.text, b"s\xc3\xa6t")], 2);
        let read = parse(&good, &f, true).expect("reads");
        assert_eq!(read.doc.as_deref(), Some("aarsrapport"));
        assert_eq!(read.text.as_deref(), Some("sæt"));
        // Invalid UTF-8 in a field the hit shows: tantivy reads it (and reports the error).
        let bad_utf8 = page_bytes(&[(f.doc, b"aarsrapport"), (f.text, b"s\xc3t")], 2);
        assert_eq!(parse(&bad_utf8, &f, true), None);
        // The text is not looked at when it is not wanted.
        assert!(parse(&bad_utf8, &f, false).is_some());
        // More values announced than present.
        assert_eq!(parse(&page_bytes(&[(f.doc, b"x")], 3), &f, true), None);
        // A type code this reader does not know (i64).
        let mut other_type = page_bytes(&[(f.doc, b"x")], 1);
        other_type[5] = 2;
        assert_eq!(parse(&other_type, &f, true), None);
        // A number field: eight bytes, little-endian.
        let mut number = vec![0x81];
        number.extend_from_slice(&f.page.field_id().to_le_bytes());
        number.push(U64_CODE);
        number.extend_from_slice(&300u64.to_le_bytes());
        assert_eq!(parse(&number, &f, true).and_then(|h| h.page), Some(300));
    }

    #[test]
    fn long_lengths_read_as_tantivy_writes_them() {
        // 300 = 0b10_0101100: low seven bits first, the last byte marked.
        let mut cursor = Cursor {
            bytes: &[0x2c, 0x82],
            at: 0,
        };
        assert_eq!(cursor.vint(), Some(300));
        let mut unterminated = Cursor {
            bytes: &[0x01; 12],
            at: 0,
        };
        assert_eq!(unterminated.vint(), None);
    }

    proptest! {
        #[test]
        fn any_bytes_read_without_panicking(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let _ = parse(&bytes, &fields(), true);
        }
    }
}

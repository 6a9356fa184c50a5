//! The spill file: the pages a run has extracted, on disk until the lexicon has seen them all.
//!
//! Pass 1 of [`super::build_index`] appends each extracted file's pages here; pass 2 reads them
//! back, file by file in the order of the plan, into the tantivy writer. Keeping them on disk
//! instead of in memory bounds a run's memory whatever the corpus size (see the module
//! documentation of [`super::build`] for why there are two passes). The format is private to
//! one run: plain length-prefixed records, written and read by the same process.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::extract::Page;

/// File in the index folder holding the pages extracted by a run until they are written (see
/// the [`super::build`] module documentation). Removed at the end of every run, and at the start
/// of the next one when a killed run left it behind.
pub const SPILL_FILE: &str = "pubsearch-spill.tmp";

/// The spill file of a run, open for writing and then for reading; removed when dropped, so an
/// error anywhere in the run leaves none behind.
///
/// Each page is one record: number (u32), a label flag byte (0 or 1) followed, when 1, by the
/// label, then the text; each string is its byte length (u64) and its UTF-8 bytes; numbers are
/// little-endian. A file's pages are consecutive; the caller keeps the offset
/// [`Spill::append`] returned for them.
pub(super) struct Spill {
    path: PathBuf,
    out: BufWriter<File>,
    /// Bytes appended so far.
    written: u64,
    removed: bool,
}

impl Spill {
    /// Creates the spill file in `index_dir`, replacing any earlier one.
    pub(super) fn create(index_dir: &Path) -> Result<Spill> {
        let path = index_dir.join(SPILL_FILE);
        let file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        Ok(Spill {
            path,
            out: BufWriter::with_capacity(SPILL_BUFFER_BYTES, file),
            written: 0,
            removed: false,
        })
    }

    /// Appends `pages`, returning the offset they start at.
    pub(super) fn append(&mut self, pages: &[Page]) -> Result<u64> {
        let offset = self.written;
        for page in pages {
            self.put(&page.number.to_le_bytes())?;
            match &page.label {
                None => self.put(&[0])?,
                Some(label) => {
                    self.put(&[1])?;
                    self.put_str(label)?;
                }
            }
            self.put_str(&page.text)?;
        }
        Ok(offset)
    }

    fn put_str(&mut self, text: &str) -> Result<()> {
        self.put(&(text.len() as u64).to_le_bytes())?;
        self.put(text.as_bytes())
    }

    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .write_all(bytes)
            .map_err(|e| Error::io(&self.path, e))?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Ends writing and reads the file from its start.
    pub(super) fn reader(&mut self) -> Result<SpillReader<'_>> {
        self.out.flush().map_err(|e| Error::io(&self.path, e))?;
        let mut file = self.out.get_ref();
        file.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(&self.path, e))?;
        Ok(SpillReader {
            path: &self.path,
            input: BufReader::with_capacity(SPILL_BUFFER_BYTES, file),
            position: 0,
        })
    }

    /// Removes the file.
    pub(super) fn remove(mut self) -> Result<()> {
        self.removed = true;
        std::fs::remove_file(&self.path).map_err(|e| Error::io(&self.path, e))
    }
}

impl Drop for Spill {
    fn drop(&mut self) {
        if !self.removed {
            // Best effort on a failed run; the next run removes a leftover anyway.
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Buffer of the spill file's reader and writer.
const SPILL_BUFFER_BYTES: usize = 256 * 1024;

/// Removes the spill file a killed run may have left in `index_dir`.
pub(super) fn remove_stale_spill(index_dir: &Path) -> Result<()> {
    let path = index_dir.join(SPILL_FILE);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(Error::io(&path, e)),
        _ => Ok(()),
    }
}

/// Reads pages back from a [`Spill`].
pub(super) struct SpillReader<'a> {
    path: &'a Path,
    input: BufReader<&'a File>,
    /// Offset of the next byte `input` yields.
    position: u64,
}

impl SpillReader<'_> {
    /// Moves to `offset`; cheap when already there, as when files finished in plan order.
    pub(super) fn seek(&mut self, offset: u64) -> Result<()> {
        if offset != self.position {
            self.input
                .seek(SeekFrom::Start(offset))
                .map_err(|e| Error::io(self.path, e))?;
            self.position = offset;
        }
        Ok(())
    }

    /// Reads the page at the current position.
    pub(super) fn next_page(&mut self) -> Result<Page> {
        let number = u32::from_le_bytes(self.take::<4>()?);
        let label = match self.take::<1>()? {
            [0] => None,
            [1] => Some(self.take_str()?),
            [flag] => return Err(self.damaged(&format!("bad label flag {flag}"))),
        };
        let text = self.take_str()?;
        Ok(Page {
            number,
            label,
            text,
        })
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut bytes = [0; N];
        self.input
            .read_exact(&mut bytes)
            .map_err(|e| Error::io(self.path, e))?;
        self.position += N as u64;
        Ok(bytes)
    }

    fn take_str(&mut self) -> Result<String> {
        let len = u64::from_le_bytes(self.take::<8>()?);
        let mut bytes = Vec::new();
        // `take` bounds the read by what the file holds, whatever the length says.
        (&mut self.input)
            .take(len)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(self.path, e))?;
        if bytes.len() as u64 != len {
            return Err(self.damaged("truncated record"));
        }
        self.position += len;
        String::from_utf8(bytes).map_err(|_| self.damaged("text is not UTF-8"))
    }

    fn damaged(&self, reason: &str) -> Error {
        Error::io(
            self.path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, reason.to_owned()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(number: u32, label: Option<&str>, text: &str) -> Page {
        Page {
            number,
            label: label.map(str::to_owned),
            text: text.to_owned(),
        }
    }

    #[test]
    fn spilled_pages_read_back_unchanged_in_any_order() {
        let dir = tempfile::tempdir().expect("temp");
        let mut spill = Spill::create(dir.path()).expect("creates");
        let first = vec![
            page(1, Some("i"), "Årsrapport for Center for Forebyggelse"),
            page(2, None, ""),
        ];
        let second = vec![page(7, Some(""), "æøå ÆØÅ – “citat” \u{1F600}\n\nny linje")];
        let first_at = spill.append(&first).expect("appends");
        let second_at = spill.append(&second).expect("appends");
        let mut reader = spill.reader().expect("reads");
        reader.seek(second_at).expect("seeks");
        assert_eq!(reader.next_page().expect("page"), second[0]);
        reader.seek(first_at).expect("seeks");
        assert_eq!(reader.next_page().expect("page"), first[0]);
        assert_eq!(reader.next_page().expect("page"), first[1]);
        drop(reader);
        spill.remove().expect("removes");
        assert!(!dir.path().join(SPILL_FILE).exists());
    }

    #[test]
    fn a_damaged_spill_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().expect("temp");
        let mut spill = Spill::create(dir.path()).expect("creates");
        spill
            .append(&[page(1, None, "Valbyparken")])
            .expect("appends");
        // Cut the text short, as a full disk would.
        spill.out.flush().expect("flushes");
        spill
            .out
            .get_ref()
            .set_len(spill.written - 3)
            .expect("truncates");
        let mut reader = spill.reader().expect("reads");
        let err = reader.next_page().expect_err("truncated");
        assert!(err.to_string().contains(SPILL_FILE), "{err}");
    }

    #[test]
    fn a_dropped_spill_file_is_removed() {
        let dir = tempfile::tempdir().expect("temp");
        let mut spill = Spill::create(dir.path()).expect("creates");
        spill.append(&[page(1, None, "tekst")]).expect("appends");
        assert!(dir.path().join(SPILL_FILE).exists());
        drop(spill);
        assert!(!dir.path().join(SPILL_FILE).exists());
    }
}

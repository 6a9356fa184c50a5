//! Building and updating an index from PDF files.
//!
//! [`build_index`] runs in four steps:
//! 1. **Plan** (`super::plan`): list the PDFs under the inputs and compare each with the
//!    [`IndexState`] of the last commit: same size and modification time, or same content
//!    hash, means unchanged; files of the state no longer found are removed.
//! 2. **Extract and spill** (pass 1; the spill file is `super::spill`): the new and changed
//!    files are extracted in parallel (rayon, one file per task), each on its own thread with a
//!    large stack and behind `catch_unwind`, so a hostile file costs only itself. The task waits
//!    for that thread at most [`IndexOptions::file_timeout`]: should the extractor's own time
//!    budget ever fail, the file is reported as `timed out after N s` and its thread is left
//!    behind, detached, while the run goes on. With [`IndexOptions::ocr`], pages without text are then read by [`crate::ocr`] in
//!    the same task; the state records them (`ocr_pages`), so hits on them are marked as OCR.
//!    Each finished file goes through a small bounded channel to one consumer, which adds its
//!    words to the index's compound [`Lexicon`], appends its pages to the spill file
//!    [`SPILL_FILE`] in the index folder, and keeps only the file's metadata (title, page count,
//!    pages without text or failed) in memory.
//! 3. **Analyse**: once every file is in, the lexicon learns its compound heads and is saved.
//! 4. **Write** (pass 2): delete the pages of changed and removed files, stream the pages back
//!    from the spill file into the tantivy writer, file by file in the order of the plan, remove
//!    the spill file, and commit once, with the new state as the commit payload. Tantivy commits
//!    are atomic, so a run killed at any moment leaves the previous index searchable and the next
//!    run redoes the work. A run of a thousand pages or more writes with one tantivy writer
//!    thread per thread asked for (up to four); a smaller one with one writer, which keeps the
//!    pages in the order of the plan. A run that wrote every page (a first build, `--full`) then
//!    merges the writer threads' segments into one, as searches pay for each segment
//!    (`merge_segments`), unless [`IndexOptions::merge`] is off.
//!
//! Why two passes: a page can only be tokenised once the lexicon has seen every new word, as
//! compound splitting depends on the counts of the parts. Holding every page until then made
//! memory grow with the corpus (over 700 MB for 100,000 generated pages). With the pages on disk
//! in between, memory is bounded by the writer's budget ([`IndexOptions::memory_budget`]), the
//! files in flight (one per extraction thread and a few in the channel) and the lexicon, whatever
//! the corpus size. The spill file costs one sequential write and one read of the text, small
//! beside extraction. It holds plain length-prefixed records (see `super::spill`), written and
//! read by this run only, and is removed at the end of every run, failed or not; a run killed with
//! SIGKILL may leave it behind, and the next run removes it first.
//!
//! A lock file keeps two runs from writing one index at once: the second fails at once with
//! [`Error::IndexLocked`].

use std::collections::HashMap;
use std::fs::File;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::Serialize;
use tantivy::merge_policy::{LogMergePolicy, MergeCandidate, MergePolicy, NoMergePolicy};
use tantivy::{Index, IndexWriter, SegmentMeta, TantivyDocument, Term};

use super::metadata::{DocMeta, Manifests, doc_stem};
use super::plan::{Candidate, collect_pdfs, plan};
use super::schema::{Fields, build_schema};
use super::spill::{SPILL_FILE, Spill, remove_stale_spill};
use super::state::{FailedFile, FileState, IndexState};
use super::{LEXICON_FILE, LOCK_FILE, open_existing};
use crate::analysis::{self, Analyzer, Lexicon};
use crate::error::{Error, Result};
use crate::extract::{self, ExtractedPdf};

/// How to build an index.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Threads for extraction and indexing; 0 means all cores. A run writing fewer than a
    /// thousand pages indexes them with one thread, whatever this says (extraction still uses
    /// them all).
    pub threads: usize,
    /// Rebuild everything, ignoring what the index already holds.
    pub full: bool,
    /// Memory budget of the tantivy writer, bytes, for all its threads together.
    pub memory_budget: usize,
    /// Recognise pages without a text layer with tesseract (see [`crate::ocr`]); files indexed
    /// before without OCR are redone when they have such pages.
    pub ocr: bool,
    /// Hard wall-clock limit for extracting one file, a backstop behind the extractor's own
    /// time budget; a file over it is skipped as `timed out after N s`.
    pub file_timeout: Duration,
    /// Merge segments, as searches pay for each one (the default): after a run that wrote every
    /// page (a first build, `--full`) the writer threads' segments into one (see
    /// `merge_segments`), after an update the small segments updates add (see
    /// `UpdateMergePolicy`). Off, the run merges nothing: a full build on several threads ends
    /// sooner (the merge is serial: 0.3 s of a 2.5 s build of 10,000 pages on two cores) and
    /// leaves one segment per writer thread, which searches a few per cent slower.
    pub merge: bool,
}

impl Default for IndexOptions {
    fn default() -> IndexOptions {
        IndexOptions {
            threads: 0,
            full: false,
            memory_budget: 200_000_000,
            ocr: false,
            file_timeout: DEFAULT_FILE_TIMEOUT,
            merge: true,
        }
    }
}

/// Progress of a run, for a progress bar.
#[derive(Debug, Clone)]
pub enum Progress<'a> {
    /// Extraction starts on this many files.
    Extracting {
        /// Files to extract.
        files: usize,
    },
    /// One file has been extracted (or failed).
    Extracted {
        /// The file.
        path: &'a Path,
    },
    /// Pages are being written to the index.
    Writing {
        /// Pages to write.
        pages: usize,
    },
}

/// A file that could not be indexed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedFile {
    /// The file.
    pub path: PathBuf,
    /// One-line reason, e.g. `not a PDF (0 bytes)` or `encrypted, password required`.
    pub reason: String,
}

/// A file indexed without some of its pages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartialFile {
    /// The file.
    pub path: PathBuf,
    /// Pages that could not be read, with the reason.
    pub failed_pages: Vec<extract::PageFailure>,
}

/// What a run of [`build_index`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IndexReport {
    /// PDF files found under the inputs.
    pub files_found: usize,
    /// Files extracted and (re)indexed in this run.
    pub files_indexed: usize,
    /// Files left as they were, unchanged since the last run.
    pub files_unchanged: usize,
    /// Files removed from the index because they are gone.
    pub files_removed: usize,
    /// Pages written in this run.
    pub pages_indexed: usize,
    /// Pages in the index after the run.
    pub pages_total: u64,
    /// Files that could not be indexed.
    pub skipped: Vec<SkippedFile>,
    /// Files indexed with some pages missing.
    pub partial: Vec<PartialFile>,
    /// Indexed files with pages without a text layer: path and page numbers.
    pub pages_without_text: Vec<(PathBuf, Vec<u32>)>,
    /// Files with pages read by OCR in this run: path and page numbers.
    pub ocr_pages: Vec<(PathBuf, Vec<u32>)>,
    /// Files with pages OCR failed on, with the reasons.
    pub ocr_failed: Vec<PartialFile>,
    /// Whether a commit was made (false when nothing changed).
    pub committed: bool,
    /// Segments of the index after the run; each costs every search a little (see
    /// [`IndexOptions::merge`]).
    pub segments: usize,
    /// Wall-clock time of the run.
    #[serde(serialize_with = "serialize_seconds")]
    pub elapsed: Duration,
}

fn serialize_seconds<S: serde::Serializer>(
    d: &Duration,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Stack size of extraction threads: deep but bounded recursion in PDF parsing fits.
const EXTRACT_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Default of [`IndexOptions::file_timeout`]: several times the extractor's own 4 s budget, so
/// only a runaway extraction reaches it, even on a loaded machine.
pub const DEFAULT_FILE_TIMEOUT: Duration = Duration::from_secs(30);

/// Indexes the PDFs under `inputs` (files or folders, searched recursively) into `index_dir`,
/// creating it if needed and otherwise updating only what changed.
///
/// `progress` is called from the calling thread and from extraction threads.
///
/// # Errors
/// Fails when no PDF is found, when the index is locked or cannot be written, or when every
/// file failed; a single failed file is reported in [`IndexReport::skipped`] instead.
pub fn build_index(
    index_dir: &Path,
    inputs: &[PathBuf],
    options: &IndexOptions,
    progress: &(dyn Fn(Progress<'_>) + Sync),
) -> Result<IndexReport> {
    let started = Instant::now();
    let files = collect_pdfs(inputs)?;
    if files.is_empty() {
        let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::NoInput(names.join(", ")));
    }
    std::fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
    let _lock = lock_index(index_dir)?;
    remove_stale_spill(index_dir)?;

    // With --full an index of another analyzer version, or a damaged one, is simply replaced.
    let existing = match open_existing(index_dir) {
        Ok(existing) => existing,
        Err(_) if options.full => None,
        Err(e) => return Err(e),
    };
    let previous = match (&existing, options.full) {
        (Some((_, state)), false) => state.clone(),
        _ => IndexState::default(),
    };
    let ocr = if options.ocr {
        Some(crate::ocr::Ocr::detect()?)
    } else {
        None
    };
    // With OCR on, a file indexed earlier without it is redone when it has pages without text.
    let redo =
        |old: &FileState| ocr.is_some() && !old.ocr_done && !old.pages_without_text.is_empty();
    let mut plan = plan(&files, &previous, &redo)?;
    let ocr_outcomes = Mutex::new(HashMap::new());

    let mut report = IndexReport {
        files_found: files.len(),
        ..IndexReport::default()
    };
    report.files_unchanged = plan.unchanged.len();
    report.files_removed = plan.removed.len();

    let manifests = Manifests::load_for(&files)?;
    let mut lexicon = match (&existing, options.full) {
        (Some(_), false) => {
            Lexicon::load(&index_dir.join(LEXICON_FILE)).unwrap_or_else(|_| Lexicon::seed())
        }
        _ => Lexicon::seed(),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.threads)
        .thread_name(|i| format!("pubsearch-extract-{i}"))
        .build()
        .map_err(|e| Error::io(index_dir, std::io::Error::other(e)))?;
    progress(Progress::Extracting {
        files: plan.changed.len(),
    });
    let mut spill = if plan.changed.is_empty() {
        None
    } else {
        Some(Spill::create(index_dir)?)
    };
    let extracted = match &mut spill {
        None => Vec::new(),
        Some(spill) => extract_and_spill(
            std::mem::take(&mut plan.changed),
            &Pass1 {
                pool: &pool,
                options,
                ocr: ocr.as_ref(),
                ocr_outcomes: &ocr_outcomes,
                manifests: &manifests,
                progress,
            },
            &mut lexicon,
            spill,
        )?,
    };

    let mut state = previous.clone();
    state.analyzer_version = analysis::ANALYZER_VERSION;
    for key in &plan.removed {
        state.files.remove(key);
    }
    for key in &plan.removed_failed {
        state.failed.remove(key);
    }
    for candidate in &plan.touched {
        if let Some(file) = state.files.get_mut(&candidate.key) {
            file.mtime_ns = candidate.mtime_ns;
        }
    }

    let mut good = Vec::new();
    let mut failed = Vec::new();
    for (candidate, outcome) in extracted {
        match outcome {
            Outcome::Spilled(file) => good.push((candidate, file)),
            Outcome::Failed(reason) => failed.push((candidate, reason)),
        }
    }
    for (candidate, reason) in &failed {
        report.skipped.push(SkippedFile {
            path: candidate.path.clone(),
            reason: reason.clone(),
        });
    }

    lexicon.learn_heads();
    let nothing_changed = good.is_empty()
        && plan.removed.is_empty()
        && plan.removed_failed.is_empty()
        && report.skipped.is_empty();
    report
        .skipped
        .extend(plan.still_failing.iter().map(|(path, reason)| SkippedFile {
            path: path.clone(),
            reason: reason.clone(),
        }));
    if nothing_changed
        && plan.touched.is_empty()
        && !options.full
        && let Some((index, _)) = &existing
    {
        report.segments = index.searchable_segment_ids()?.len();
        report.pages_total = previous.total_pages();
        report.elapsed = started.elapsed();
        return Ok(report);
    }
    if good.is_empty()
        && existing.is_none()
        && previous.files.is_empty()
        && !report.skipped.is_empty()
    {
        return Err(Error::NothingIndexed(
            report.skipped.len(),
            skipped_summary(&report.skipped),
        ));
    }

    let mut index = match existing {
        Some((index, _)) => index,
        None => create_fresh(index_dir)?,
    };
    // The store layout is set on the opened index at every run, not only when it is created,
    // so that the segments a run writes into an index made by an earlier version get it too
    // (the store of each segment records how it was written, so old segments read as before),
    // and a `--full` run leaves the whole index in it. Stored pages are not compressed
    // (`DOCSTORE_COMPRESSION`) and each is a block of its own, so tantivy's store thread would
    // only be handed one page after another: the hand-over (two futex calls a page) cost more
    // CPU than the writing, 0.3–0.5 CPU-s of 4.8 at 10,000 pages. The store is written on the
    // indexing thread instead.
    let settings = index.settings_mut();
    settings.docstore_compression = DOCSTORE_COMPRESSION;
    settings.docstore_blocksize = DOCSTORE_BLOCK_BYTES;
    settings.docstore_compress_dedicated_thread = false;
    let lexicon_tmp = index_dir.join(format!("{LEXICON_FILE}.tmp"));
    lexicon
        .save(&lexicon_tmp)
        .map_err(|e| Error::io(&lexicon_tmp, e))?;
    std::fs::rename(&lexicon_tmp, index_dir.join(LEXICON_FILE))
        .map_err(|e| Error::io(index_dir, e))?;
    let analyzer = Analyzer::new(lexicon);
    analyzer.register(&index);
    let fields = super::schema::fields_of(&index.schema())?;

    let pages: usize = good.iter().map(|(_, file)| file.pages).sum();
    let writer_threads = writer_threads(options.threads, pages);
    let budget = options.memory_budget.max(writer_threads * 20_000_000);
    let mut writer: IndexWriter<TantivyDocument> =
        index.writer_with_num_threads(writer_threads, budget)?;
    if !options.merge {
        writer.set_merge_policy(Box::new(NoMergePolicy));
    } else if !plan.unchanged.is_empty() {
        writer.set_merge_policy(Box::new(UpdateMergePolicy::default()));
    }
    if options.full {
        // Deleted together with the commit below: until then the old pages stay searchable.
        writer.delete_all_documents()?;
    }
    for key in &plan.removed {
        writer.delete_term(Term::from_field_text(fields.key, key));
    }
    progress(Progress::Writing { pages });
    // Pass 2: the pages come back from the spill file one at a time, in the order of the plan.
    let mut spilled = match spill.as_mut() {
        Some(spill) if !good.is_empty() => Some(spill.reader()?),
        _ => None,
    };
    for (candidate, file) in good {
        writer.delete_term(Term::from_field_text(fields.key, &candidate.key));
        let SpilledFile {
            offset,
            pages,
            meta,
            without_text,
            failed_pages,
        } = file;
        let doc = doc_stem(&candidate.path);
        let path = candidate.path.display().to_string();
        let ocr_outcome: crate::ocr::OcrOutcome = ocr_outcomes
            .lock()
            .ok()
            .and_then(|mut outcomes| outcomes.remove(&candidate.key))
            .unwrap_or_default();
        let ocr_pages = ocr_outcome.recognised;
        let Some(reader) = spilled.as_mut() else {
            // Unreachable: files with pages come from pass 1, which always has a spill file.
            let missing = std::io::Error::from(std::io::ErrorKind::NotFound);
            return Err(Error::io(index_dir.join(SPILL_FILE), missing));
        };
        reader.seek(offset)?;
        for _ in 0..pages {
            let page = reader.next_page()?;
            let mut document = TantivyDocument::default();
            document.add_text(fields.key, &candidate.key);
            document.add_text(fields.doc, &doc);
            document.add_text(fields.path, &path);
            document.add_text(fields.title, &meta.title);
            document.add_text(fields.title_folded, &meta.title);
            if let Some(year) = meta.year {
                document.add_u64(fields.year, u64::from(year));
            }
            document.add_text(fields.kind, &meta.kind);
            document.add_text(fields.publisher, &meta.publisher);
            document.add_u64(fields.page, u64::from(page.number));
            if let Some(label) = &page.label {
                document.add_text(fields.page_label, label);
            }
            add_page_text(&mut document, &fields, &page.text);
            writer.add_document(document)?;
        }
        report.files_indexed += 1;
        report.pages_indexed += pages;
        if !failed_pages.is_empty() {
            report.partial.push(PartialFile {
                path: candidate.path.clone(),
                failed_pages,
            });
        }
        if !without_text.is_empty() {
            report
                .pages_without_text
                .push((candidate.path.clone(), without_text.clone()));
        }
        if !ocr_pages.is_empty() {
            report
                .ocr_pages
                .push((candidate.path.clone(), ocr_pages.clone()));
        }
        if !ocr_outcome.failed.is_empty() {
            report.ocr_failed.push(PartialFile {
                path: candidate.path.clone(),
                failed_pages: ocr_outcome.failed,
            });
        }
        state.failed.remove(&candidate.key);
        state.files.insert(
            candidate.key.clone(),
            FileState {
                doc,
                hash: candidate.hash.clone(),
                size: candidate.size,
                mtime_ns: candidate.mtime_ns,
                pages: u32::try_from(pages).unwrap_or(u32::MAX),
                pages_without_text: without_text,
                title: meta.title,
                year: meta.year,
                ocr_pages,
                ocr_done: ocr.is_some(),
            },
        );
    }
    // A failed file that used to index fine loses its old pages too: the index mirrors the
    // files as they are now.
    for (candidate, reason) in failed {
        if state.files.remove(&candidate.key).is_some() {
            writer.delete_term(Term::from_field_text(fields.key, &candidate.key));
        }
        state.failed.insert(
            candidate.key,
            FailedFile {
                size: candidate.size,
                mtime_ns: candidate.mtime_ns,
                reason,
            },
        );
    }
    // Every page is in the writer now: the spill file goes before the commit, so that an error
    // removing it leaves the previous index, as any other failed run does.
    drop(spilled);
    if let Some(spill) = spill {
        spill.remove()?;
    }
    if state.files.is_empty() {
        return Err(Error::NothingIndexed(
            report.skipped.len(),
            skipped_summary(&report.skipped),
        ));
    }
    state.built_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut commit = writer.prepare_commit()?;
    commit.set_payload(&state.to_payload());
    commit.commit()?;
    if plan.unchanged.is_empty() && options.merge {
        merge_segments(&index, &mut writer)?;
    }
    writer.wait_merging_threads()?;
    report.segments = index.searchable_segment_ids()?.len();
    report.committed = true;
    report.pages_total = state.total_pages();
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Merges the segments of an index that a run has just written whole into one.
///
/// Each writer thread fills a segment of its own, and a search pays for every segment: each
/// looks up every query term, and each runs its own scorers. With one segment instead of two,
/// a search with snippets on the 10,000-page benchmark corpus takes 8 % less (p50 0.280 →
/// 0.258 ms, session 10), for a merge of 0.3 s after an indexing of 2.2 s on two cores. Only a
/// run that wrote every page merges everything, so that its cost stays in proportion to the
/// run's own work: updating one file of a large index stays quick, and [`UpdateMergePolicy`]
/// looks after the small segments updates add. The merge is committed atomically like any
/// other: a run killed during it leaves the index as committed just before, and an error from
/// it comes after the commit, so the index is complete and searchable, in several segments.
fn merge_segments(index: &Index, writer: &mut IndexWriter<TantivyDocument>) -> Result<()> {
    let segments = index.searchable_segment_ids()?;
    if segments.len() > 1 {
        writer.merge(&segments).wait()?;
    }
    Ok(())
}

/// Segments of at most this many pages count as small for [`UpdateMergePolicy`].
const SMALL_SEGMENT_PAGES: u32 = 500;

/// The merge policy of a run that updates an index (some files unchanged).
///
/// Such a run adds a segment with the pages of the files it (re)wrote, and every segment costs
/// every search: the embedded corpus after five updates of one file each, four segments, took
/// 0.053 ms per search instead of 0.030 (0.163 ms with snippets instead of 0.148). Tantivy's
/// default policy merges only eight segments of one size class at a time. Here the small
/// segments, of at most [`SMALL_SEGMENT_PAGES`] pages (a few files: what updates add, and a
/// whole small index), are merged together as soon as there are two, which costs
/// milliseconds; so a small index stays one segment and a large one has at most one small
/// segment beside its large ones. Larger segments are left to tantivy's default policy, as
/// merging them would cost an update the time of a full merge.
#[derive(Debug, Default)]
struct UpdateMergePolicy {
    large: LogMergePolicy,
}

impl MergePolicy for UpdateMergePolicy {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let (small, large): (Vec<SegmentMeta>, Vec<SegmentMeta>) = segments
            .iter()
            .cloned()
            .partition(|segment| segment.num_docs() <= SMALL_SEGMENT_PAGES);
        let mut candidates = self.large.compute_merge_candidates(&large);
        if small.len() >= 2 {
            candidates.push(MergeCandidate(small.iter().map(SegmentMeta::id).collect()));
        }
        candidates
    }
}

/// A file of this run once extracted: its pages are in the spill file, not in memory.
enum Outcome {
    /// Extracted with at least one page.
    Spilled(SpilledFile),
    /// Could not be indexed, with the reason.
    Failed(String),
}

/// What is kept in memory of an extracted file between the two passes.
struct SpilledFile {
    /// Where its pages start in the spill file.
    offset: u64,
    /// Number of pages written there.
    pages: usize,
    meta: DocMeta,
    /// Pages without text, by number.
    without_text: Vec<u32>,
    failed_pages: Vec<extract::PageFailure>,
}

/// What the extraction tasks of pass 1 share.
struct Pass1<'a> {
    pool: &'a rayon::ThreadPool,
    options: &'a IndexOptions,
    ocr: Option<&'a crate::ocr::Ocr>,
    ocr_outcomes: &'a Mutex<HashMap<String, crate::ocr::OcrOutcome>>,
    manifests: &'a Manifests,
    progress: &'a (dyn Fn(Progress<'_>) + Sync),
}

/// A finished extraction on its way to the consumer: its position in the plan, the file, and
/// what came out.
type Finished = (usize, Candidate, std::result::Result<ExtractedPdf, String>);

/// Pass 1: extracts `changed` on the pool and, on the calling thread, adds each finished file's
/// words to `lexicon` and appends its pages to `spill`. Returns the files in the order of
/// `changed`, whatever order they finished in.
///
/// The channel between the two holds a few files at most: when the consumer falls behind, the
/// extraction tasks wait, and the memory in use stays that of the files in flight.
fn extract_and_spill(
    changed: Vec<Candidate>,
    pass: &Pass1<'_>,
    lexicon: &mut Lexicon,
    spill: &mut Spill,
) -> Result<Vec<(Candidate, Outcome)>> {
    let files = changed.len();
    let in_flight = effective_threads(pass.options.threads);
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Finished>(in_flight);
    std::thread::scope(|scope| {
        let producer = scope.spawn(move || {
            pass.pool.install(|| {
                changed.into_par_iter().enumerate().try_for_each_with(
                    sender,
                    |sender, (slot, candidate)| {
                        let mut result =
                            extract_with_deadline(&candidate.path, pass.options.file_timeout);
                        if let (Some(ocr), Ok(pdf)) = (pass.ocr, &mut result) {
                            let outcome = ocr.fill_pages_without_text(&candidate.path, pdf);
                            if let Ok(mut outcomes) = pass.ocr_outcomes.lock() {
                                outcomes.insert(candidate.key.clone(), outcome);
                            }
                        }
                        (pass.progress)(Progress::Extracted {
                            path: &candidate.path,
                        });
                        // A closed channel means the consumer failed: extract no more.
                        sender.send((slot, candidate, result)).map_err(|_| ())
                    },
                )
            })
        });
        // `consume` owns the receiver and drops it on return, so the producer cannot stay
        // blocked on a full channel after an error.
        let consumed = consume(receiver, files, pass.manifests, lexicon, spill);
        match producer.join() {
            Ok(_) => consumed,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// The consumer of pass 1: learns the words and spills the pages of each finished file.
fn consume(
    receiver: std::sync::mpsc::Receiver<Finished>,
    files: usize,
    manifests: &Manifests,
    lexicon: &mut Lexicon,
    spill: &mut Spill,
) -> Result<Vec<(Candidate, Outcome)>> {
    let mut slots: Vec<Option<(Candidate, Outcome)>> = (0..files).map(|_| None).collect();
    for (slot, candidate, result) in receiver {
        let outcome = match result {
            Ok(pdf) if !pdf.pages.is_empty() => {
                for page in &pdf.pages {
                    lexicon.add_words(analysis::normalize::normalized_words(&page.text));
                }
                let first_page = pdf.pages.first().map_or("", |p| p.text.as_str());
                let meta = manifests.meta_for(&candidate.path, &pdf.info, first_page);
                let without_text = pdf
                    .pages
                    .iter()
                    .filter(|p| p.text.trim().is_empty())
                    .map(|p| p.number)
                    .collect();
                let offset = spill.append(&pdf.pages)?;
                Outcome::Spilled(SpilledFile {
                    offset,
                    pages: pdf.pages.len(),
                    meta,
                    without_text,
                    failed_pages: pdf.failed_pages,
                })
            }
            Ok(_) => Outcome::Failed("no pages".to_owned()),
            Err(reason) => Outcome::Failed(reason),
        };
        if let Some(entry) = slots.get_mut(slot) {
            *entry = Some((candidate, outcome));
        }
    }
    Ok(slots.into_iter().flatten().collect())
}

/// The first few skipped files with their reasons, for an error message.
fn skipped_summary(skipped: &[SkippedFile]) -> String {
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = skipped
        .iter()
        .take(SHOWN)
        .map(|s| format!("{}: {}", s.path.display(), s.reason))
        .collect();
    if skipped.len() > SHOWN {
        parts.push(format!("and {} more", skipped.len() - SHOWN));
    }
    parts.join("; ")
}

/// Adds a page's text to the three text fields.
fn add_page_text(document: &mut TantivyDocument, fields: &Fields, text: &str) {
    document.add_text(fields.text, text);
    document.add_text(fields.text_exact, text);
    document.add_text(fields.text_folded, text);
}

/// Runs writing fewer pages than this use one tantivy writer thread, whatever `--threads` says.
const ONE_WRITER_BELOW_PAGES: usize = 1000;

/// Tantivy writer threads for a run writing `pages` pages with `threads` threads asked for.
///
/// Each writer thread fills a segment of its own, and which pages a thread takes depends on
/// scheduling; a run that writes every page then merges them into one segment. Pages that
/// score exactly alike are ranked by their place in the index, so with several writers their
/// order could change from one build of the same files to the next (3 of the 55 public queries
/// on the embedded corpus, in one pair of builds). One writer keeps the pages in the order of
/// the plan. Below [`ONE_WRITER_BELOW_PAGES`] it costs nothing: the embedded 61-page corpus
/// builds in 0.06–0.07 s with one writer and 0.08–0.10 s with two and the merge; at 1,000
/// generated pages one writer would take 0.34–0.36 s against two writers' 0.32–0.35 s. Larger
/// runs keep one writer per thread (up to four), for speed, and tied pages may come in another
/// order there.
fn writer_threads(threads: usize, pages: usize) -> usize {
    if pages < ONE_WRITER_BELOW_PAGES {
        1
    } else {
        effective_threads(threads).clamp(1, 4)
    }
}

/// Number of threads `threads` stands for (0: all cores).
pub(crate) fn effective_threads(threads: usize) -> usize {
    if threads == 0 {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    } else {
        threads
    }
}

/// Extracts one file on a thread of its own with a large stack, waiting at most `timeout`.
///
/// On timeout the thread is left running, detached: Rust cannot stop a thread, and the
/// extractor's own budget will normally end it soon after. Its result is then dropped.
fn extract_with_deadline(
    path: &Path,
    timeout: Duration,
) -> std::result::Result<ExtractedPdf, String> {
    let (sender, receiver) = std::sync::mpsc::sync_channel(1);
    let owned = path.to_path_buf();
    let spawned = std::thread::Builder::new()
        .name("pubsearch-extract-file".into())
        .stack_size(EXTRACT_STACK_BYTES)
        .spawn(move || {
            // The receiver is gone when the file timed out; nothing is left to tell.
            let _ = sender.send(extract_isolated(&owned));
        });
    if let Err(e) = spawned {
        return Err(format!("cannot start an extraction thread ({e})"));
    }
    match receiver.recv_timeout(timeout) {
        Ok(result) => result,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            Err(format!("timed out after {}", seconds(timeout)))
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            Err("internal error while reading the file (extraction thread ended)".into())
        }
    }
}

/// `30 s`, `0.5 s`: a duration as a user reads it.
fn seconds(d: Duration) -> String {
    if d.subsec_nanos() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} s", (d.as_secs_f64() * 1000.0).round() / 1000.0)
    }
}

/// Extracts one file, turning any panic into that file's error.
fn extract_isolated(path: &Path) -> std::result::Result<ExtractedPdf, String> {
    match catch_unwind(AssertUnwindSafe(|| extract::extract_file(path))) {
        Ok(Ok(pdf)) => Ok(pdf),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown cause".into());
            Err(format!("internal error while reading the file ({message})"))
        }
    }
}

/// Holds the index's lock file until dropped.
struct IndexLock {
    _file: File,
}

fn lock_index(index_dir: &Path) -> Result<IndexLock> {
    let path = index_dir.join(LOCK_FILE);
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(IndexLock { _file: file }),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::IndexLocked(index_dir.to_path_buf())),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io(&path, e)),
    }
}

/// Creates a new, empty index in `index_dir`, removing the files of any older one.
fn create_fresh(index_dir: &Path) -> Result<Index> {
    for entry in std::fs::read_dir(index_dir).map_err(|e| Error::io(index_dir, e))? {
        let entry = entry.map_err(|e| Error::io(index_dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let tantivy_file = name == "meta.json"
            || name == ".managed.json"
            || name.ends_with(".idx")
            || name.ends_with(".pos")
            || name.ends_with(".term")
            || name.ends_with(".store")
            || name.ends_with(".fast")
            || name.ends_with(".fieldnorm")
            || name.ends_with(".del");
        if tantivy_file {
            let path = entry.path();
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        }
    }
    // The store layout is not set here: `build_index` sets it on every index it opens.
    let (schema, _) = build_schema();
    Ok(Index::builder().schema(schema).create_in_dir(index_dir)?)
}

/// Size of a block of stored pages. A hit's snippet needs its page's text, and reading one page
/// reads (copies) its whole block: tantivy's default of 16 KiB holds four or five pages, so a
/// search showing ten hits read some fifty pages. A block is closed once it holds this much, so
/// with 1 KiB nearly every page (2 KB of text on a report page) is a block of its own, and a
/// search reads the pages it shows: 6–10 µs less per search with snippets than 4 KiB blocks on
/// the 10,000-page benchmark corpus, for the same index size.
const DOCSTORE_BLOCK_BYTES: usize = 1024;

/// Stored pages are not compressed. Every hit shown reads its page, and decompressing it with
/// tantivy's default LZ4 was a tenth of a search with snippets (some 45 µs of ten hits on the
/// 10,000-page benchmark corpus); the store is about a third larger (38 MB → 51 MB there).
/// Indexes built with compression stay readable: the store records how it was written, and the
/// next run writes its segments uncompressed.
const DOCSTORE_COMPRESSION: tantivy::store::Compressor = tantivy::store::Compressor::None;

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(relative: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(relative)
    }

    #[test]
    fn a_file_over_the_hard_limit_is_reported_as_timed_out() {
        // 117 pages take far longer than a millisecond to extract.
        let path = fixture("robustness/thirdparty/sf-GeoTopo-komprimiert.pdf");
        let result = extract_with_deadline(&path, Duration::from_millis(1));
        assert_eq!(result.err().as_deref(), Some("timed out after 0.001 s"));
    }

    #[test]
    fn a_file_within_the_limit_comes_back_whole() {
        let path = fixture("robustness/malformed/control-valid-danish.pdf");
        let pdf = extract_with_deadline(&path, DEFAULT_FILE_TIMEOUT).expect("extracts");
        assert_eq!(pdf.pages.len(), 5);
    }

    #[test]
    fn failures_inside_the_thread_come_back_as_reasons() {
        let path = fixture("robustness/malformed/empty-zero-bytes.pdf");
        let result = extract_with_deadline(&path, DEFAULT_FILE_TIMEOUT);
        assert_eq!(result.err().as_deref(), Some("not a PDF (0 bytes)"));
    }

    #[test]
    fn durations_read_as_seconds() {
        assert_eq!(seconds(Duration::from_secs(30)), "30 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
    }
}

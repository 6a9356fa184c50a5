//! OCR of pages without a text layer (scans), with the external `tesseract` program.
//!
//! In: a PDF file and its [`ExtractedPdf`]. Out: the same pages with the text of each page that
//! had none filled in from OCR, and an [`OcrOutcome`] naming the pages recognised and those that
//! failed. `pubsearch index --ocr` calls this through [`crate::index::IndexOptions::ocr`].
//!
//! Getting a page image, in order of preference:
//! 1. the page's own image XObject, when the page draws exactly one large image: a scan usually
//!    is one. JPEG data (`/DCTDecode`) goes to tesseract byte for byte; 8-bit gray or RGB and
//!    1-bit `/FlateDecode` images are written as PNM (PGM, PPM, PBM). No re-rendering, no loss;
//! 2. otherwise, or when tesseract cannot read that image, `pdftoppm` (poppler-utils) renders
//!    the page at [`RENDER_DPI`] dpi in gray.
//!
//! Design decision: OCR runs external programs rather than linking an OCR library, so that the
//! build needs no system libraries and pubsearch works unchanged where tesseract is absent.
//! Every program runs with a timeout ([`Ocr::timeout`]), no standard input, and bounded output
//! ([`MAX_OUTPUT_BYTES`]); one program at a time per extraction thread, each single-threaded
//! (`OMP_THREAD_LIMIT=1`), so `--threads` bounds the CPU used.
//!
//! Limits: images inside Form XObjects and inline images are not taken directly (pdftoppm
//! renders such pages); CCITT and JBIG2 scans need pdftoppm; OCR text is NFC-normalised but not
//! de-hyphenated; the language is Danish only ([`OCR_LANGUAGE`]).

use std::io::Read;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use unicode_normalization::UnicodeNormalization;

use crate::extract::{ExtractedPdf, PageFailure};

/// What to install for `--ocr` (Debian and Ubuntu package names).
pub const INSTALL_HINT: &str = "apt-get install tesseract-ocr tesseract-ocr-dan";
/// Tesseract language used.
pub const OCR_LANGUAGE: &str = "dan";
/// Resolution pages are rendered at when no page image can be taken directly.
pub const RENDER_DPI: u32 = 300;
/// Most bytes read from an external program's standard output.
pub const MAX_OUTPUT_BYTES: usize = 4 << 20;
/// Most bytes an image may decode to before it is handed to pdftoppm instead.
const MAX_IMAGE_BYTES: usize = 256 << 20;
/// Stack of the thread that parses a PDF for its page images (deep but bounded recursion).
const OCR_STACK_BYTES: usize = 256 * 1024 * 1024;
/// Smallest image side (pixels) taken as a page scan.
const MIN_SCAN_PIXELS: i64 = 400;

/// Why OCR cannot run, or why one page failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OcrError {
    /// tesseract, or its Danish data, is not installed.
    #[error(
        "--ocr needs tesseract with Danish language data ({0}); install it with `{INSTALL_HINT}`"
    )]
    Unavailable(String),
    /// One page could not be recognised.
    #[error("page {page}: {reason}")]
    Page {
        /// 1-based page number.
        page: u32,
        /// One-line reason.
        reason: String,
    },
}

/// What OCR did for one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OcrOutcome {
    /// Pages whose text now comes from OCR.
    pub recognised: Vec<u32>,
    /// Pages OCR was tried on and failed, with the reason.
    pub failed: Vec<PageFailure>,
}

/// A checked OCR setup: tesseract with Danish data, and pdftoppm when installed.
#[derive(Debug, Clone)]
pub struct Ocr {
    tesseract: PathBuf,
    pdftoppm: Option<PathBuf>,
    /// Longest any one external program may run.
    pub timeout: Duration,
}

impl Ocr {
    /// Finds tesseract on `PATH` and checks that it has the Danish language data.
    ///
    /// # Errors
    /// [`OcrError::Unavailable`], naming what is missing and what to install.
    pub fn detect() -> Result<Ocr, OcrError> {
        let tesseract = find_program("tesseract")
            .ok_or_else(|| OcrError::Unavailable("no `tesseract` program on PATH".to_owned()))?;
        let timeout = Duration::from_secs(120);
        let mut list = Command::new(&tesseract);
        list.arg("--list-langs");
        let output = run_bounded(&mut list, Duration::from_secs(30), 64 << 10)
            .map_err(|e| OcrError::Unavailable(format!("`tesseract --list-langs` failed: {e}")))?;
        // Tesseract 3 listed the languages on stderr, later versions on stdout.
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !stdout
            .lines()
            .chain(stderr.lines())
            .any(|l| l.trim() == OCR_LANGUAGE)
        {
            return Err(OcrError::Unavailable(format!(
                "tesseract has no `{OCR_LANGUAGE}` language data"
            )));
        }
        Ok(Ocr {
            tesseract,
            pdftoppm: find_program("pdftoppm"),
            timeout,
        })
    }

    /// Whether pages can be rendered with pdftoppm (otherwise only pages that are one image).
    pub fn can_render(&self) -> bool {
        self.pdftoppm.is_some()
    }

    /// Recognises every page of `pdf` (read from `path`) that has no text, and puts the OCR text
    /// in its place.
    ///
    /// The PDF is parsed again (for its images) on a thread with a large stack and behind
    /// `catch_unwind`, like extraction, so a hostile file costs only its own OCR.
    pub fn fill_pages_without_text(&self, path: &Path, pdf: &mut ExtractedPdf) -> OcrOutcome {
        let failed_before: Vec<u32> = pdf.failed_pages.iter().map(|f| f.number).collect();
        let wanted: Vec<u32> = pdf
            .pages
            .iter()
            .filter(|p| p.text.trim().is_empty() && !failed_before.contains(&p.number))
            .map(|p| p.number)
            .collect();
        if wanted.is_empty() {
            return OcrOutcome::default();
        }
        let all_failed = |reason: &str| OcrOutcome {
            recognised: Vec::new(),
            failed: wanted
                .iter()
                .map(|&number| PageFailure {
                    number,
                    reason: reason.to_owned(),
                })
                .collect(),
        };
        std::thread::scope(|scope| {
            let worker = std::thread::Builder::new()
                .name("pubsearch-ocr".into())
                .stack_size(OCR_STACK_BYTES)
                .spawn_scoped(scope, || {
                    catch_unwind(AssertUnwindSafe(|| self.fill(path, pdf, &wanted)))
                });
            match worker.map(|handle| handle.join()) {
                Ok(Ok(Ok(outcome))) => outcome,
                Ok(_) => all_failed("internal error during OCR"),
                Err(e) => all_failed(&format!("cannot start an OCR thread ({e})")),
            }
        })
    }

    fn fill(&self, path: &Path, pdf: &mut ExtractedPdf, wanted: &[u32]) -> OcrOutcome {
        let mut outcome = OcrOutcome::default();
        let document = std::fs::read(path).ok().and_then(|bytes| {
            let options = lopdf::LoadOptions {
                max_decompressed_size: Some(MAX_IMAGE_BYTES),
                ..Default::default()
            };
            lopdf::Document::load_mem_with_options(&bytes, options).ok()
        });
        let page_ids = document
            .as_ref()
            .map(lopdf::Document::get_pages)
            .unwrap_or_default();
        for &number in wanted {
            let image = document
                .as_ref()
                .zip(page_ids.get(&number))
                .and_then(|(doc, id)| page_image(doc, *id, self.can_render()));
            match self.recognise(path, number, image) {
                Ok(text) if !text.is_empty() => {
                    if let Some(page) = pdf.pages.iter_mut().find(|p| p.number == number) {
                        page.text = text;
                        outcome.recognised.push(number);
                    }
                }
                Ok(_) => {}
                Err(reason) => outcome.failed.push(PageFailure { number, reason }),
            }
        }
        outcome
    }

    /// OCR of one page: of `image` when given (and, should tesseract not read it, of the page
    /// rendered by pdftoppm), else of the rendered page.
    fn recognise(
        &self,
        path: &Path,
        number: u32,
        image: Option<PageImage>,
    ) -> Result<String, String> {
        let work = WorkDir::new().map_err(|e| format!("cannot make a temporary folder: {e}"))?;
        if let Some(image) = image {
            let file = work.path.join(image.file_name);
            std::fs::write(&file, &image.bytes)
                .map_err(|e| format!("cannot write the page image: {e}"))?;
            match self.tesseract(&file) {
                Err(e) if self.can_render() => {
                    let rendered = self.render(path, number, &work.path)?;
                    return self
                        .tesseract(&rendered)
                        .map_err(|again| format!("{e}; on the rendered page: {again}"));
                }
                result => return result,
            }
        }
        let rendered = self.render(path, number, &work.path)?;
        self.tesseract(&rendered)
    }

    /// The text tesseract reads in the image file `image`.
    fn tesseract(&self, image: &Path) -> Result<String, String> {
        let mut tesseract = Command::new(&self.tesseract);
        tesseract
            .arg(image)
            .arg("stdout")
            .args(["-l", OCR_LANGUAGE, "--psm", "3"])
            .env("OMP_THREAD_LIMIT", "1");
        let output = run_bounded(&mut tesseract, self.timeout, MAX_OUTPUT_BYTES)?;
        if !output.status.success() {
            return Err(format!("tesseract failed: {}", output.stderr_line()));
        }
        Ok(clean_ocr_text(&String::from_utf8_lossy(&output.stdout)))
    }

    /// Renders page `number` of `path` to a gray PNG in `dir` with pdftoppm.
    fn render(&self, path: &Path, number: u32, dir: &Path) -> Result<PathBuf, String> {
        let Some(pdftoppm) = &self.pdftoppm else {
            return Err(
                "the page is not a single image and pdftoppm is not installed to render it \
                 (apt-get install poppler-utils)"
                    .to_owned(),
            );
        };
        let base = dir.join("page");
        let page = number.to_string();
        let mut render = Command::new(pdftoppm);
        render
            .args(["-f", &page, "-l", &page, "-r", &RENDER_DPI.to_string()])
            .args(["-gray", "-png", "-singlefile"])
            .arg(path)
            .arg(&base);
        let output = run_bounded(&mut render, self.timeout, 64 << 10)?;
        let png = base.with_extension("png");
        if !output.status.success() || !png.is_file() {
            return Err(format!("pdftoppm failed: {}", output.stderr_line()));
        }
        Ok(png)
    }
}

/// A page image ready for tesseract.
struct PageImage {
    file_name: &'static str,
    bytes: Vec<u8>,
}

/// The page's scan image, when the page shows exactly one large image (or, when pages cannot be
/// rendered, its largest image) in a format tesseract reads.
fn page_image(doc: &lopdf::Document, page: lopdf::ObjectId, can_render: bool) -> Option<PageImage> {
    let images = doc.get_page_images(page).ok()?;
    let largest = images.iter().max_by_key(|i| i.width * i.height)?;
    let is_scan =
        images.len() == 1 && largest.width >= MIN_SCAN_PIXELS && largest.height >= MIN_SCAN_PIXELS;
    if !is_scan && can_render {
        return None;
    }
    // Samples whose meaning the PDF changes (palettes, /Decode, stencil masks, CMYK) would
    // reach tesseract wrong: such pages are rendered instead.
    let dict = largest.origin_dict;
    let plain_colours = matches!(
        largest.color_space.as_deref(),
        Some("DeviceGray" | "DeviceRGB" | "CalGray" | "CalRGB" | "ICCBased")
    );
    if !plain_colours || dict.has(b"Decode") || dict.has(b"ImageMask") {
        return None;
    }
    let filters = largest.filters.clone().unwrap_or_default();
    let width = usize::try_from(largest.width).ok()?;
    let height = usize::try_from(largest.height).ok()?;
    match filters.as_slice() {
        [f] if f == "DCTDecode" => Some(PageImage {
            file_name: "page.jpg",
            bytes: largest.content.to_vec(),
        }),
        [f] if f == "FlateDecode" => {
            let stream = doc.get_object(largest.id).ok()?.as_stream().ok()?;
            let pixels = stream
                .decompressed_content_with_limit(MAX_IMAGE_BYTES)
                .ok()?;
            pnm(
                &pixels,
                width,
                height,
                largest.bits_per_component.unwrap_or(8),
            )
        }
        _ => None,
    }
}

/// The PNM file for raw PDF image samples: PBM for 1 bit, PGM or PPM for 8 bits.
fn pnm(pixels: &[u8], width: usize, height: usize, bits: i64) -> Option<PageImage> {
    let plane = width.checked_mul(height)?;
    if plane == 0 {
        return None;
    }
    let (magic, file_name, data) = match bits {
        1 => {
            let row = width.div_ceil(8);
            let data = pixels.get(..row.checked_mul(height)?)?;
            // PDF gray: 1 is white; PBM: 1 is black.
            (
                "P4",
                "page.pbm",
                data.iter().map(|b| !b).collect::<Vec<u8>>(),
            )
        }
        8 if pixels.len() >= plane * 3 => ("P6", "page.ppm", pixels.get(..plane * 3)?.to_vec()),
        8 if pixels.len() >= plane => ("P5", "page.pgm", pixels.get(..plane)?.to_vec()),
        _ => return None,
    };
    let mut bytes = if magic == "P4" {
        format!("{magic}\n{width} {height}\n").into_bytes()
    } else {
        format!("{magic}\n{width} {height}\n255\n").into_bytes()
    };
    bytes.extend_from_slice(&data);
    Some(PageImage { file_name, bytes })
}

/// OCR output as page text: NFC, no form feeds, trailing spaces and blank runs trimmed.
fn clean_ocr_text(raw: &str) -> String {
    let text: String = raw.nfc().filter(|c| *c != '\x0c').collect();
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines().map(str::trim_end) {
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
    }
    out
}

/// Output of an external program.
#[derive(Debug)]
struct Output {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl Output {
    /// The last non-empty line of stderr, or the exit status.
    fn stderr_line(&self) -> String {
        String::from_utf8_lossy(&self.stderr)
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map_or_else(|| self.status.to_string(), |l| l.trim().to_owned())
    }
}

/// Runs `command` with no standard input, killing it after `timeout`, keeping at most
/// `max_stdout` bytes of its output (the rest is read and dropped, so it never blocks).
fn run_bounded(
    command: &mut Command,
    timeout: Duration,
    max_stdout: usize,
) -> Result<Output, String> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || read_bounded(stdout, max_stdout));
    let err_reader = std::thread::spawn(move || read_bounded(stderr, 16 << 10));
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{program} took longer than {} s and was stopped",
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("waiting for {program}: {e}")),
        }
    };
    Ok(Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    })
}

/// Reads `pipe` to its end, keeping the first `max` bytes.
fn read_bounded(pipe: Option<impl Read>, max: usize) -> Vec<u8> {
    let Some(mut pipe) = pipe else {
        return Vec::new();
    };
    let mut kept = Vec::new();
    let mut buffer = [0u8; 16 << 10];
    loop {
        match pipe.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = max.saturating_sub(kept.len());
                kept.extend_from_slice(buffer.get(..n.min(room)).unwrap_or_default());
            }
        }
    }
    kept
}

/// `name` in a folder of `PATH`, when it is there.
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// A temporary folder, removed when dropped.
struct WorkDir {
    path: PathBuf,
}

impl WorkDir {
    fn new() -> std::io::Result<WorkDir> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let path =
            std::env::temp_dir().join(format!("pubsearch-ocr-{}-{n}-{nanos}", std::process::id()));
        std::fs::create_dir(&path)?;
        Ok(WorkDir { path })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bit_images_become_pbm_with_black_as_one() {
        // 10 pixels wide: two bytes a row; PDF 0 (black) must become PBM 1.
        let image = pnm(&[0b0000_0000, 0b0011_1111, 0xff, 0xff], 10, 2, 1).unwrap();
        assert_eq!(image.file_name, "page.pbm");
        assert_eq!(image.bytes, b"P4\n10 2\n\xff\xc0\x00\x00".to_vec());
    }

    #[test]
    fn gray_and_rgb_images_become_pgm_and_ppm() {
        assert_eq!(pnm(&[1, 2, 3, 4], 2, 2, 8).unwrap().file_name, "page.pgm");
        assert_eq!(pnm(&[7; 12], 2, 2, 8).unwrap().file_name, "page.ppm");
        assert!(pnm(&[1, 2], 2, 2, 8).is_none());
    }

    #[test]
    fn ocr_text_is_trimmed_and_keeps_paragraphs() {
        let raw = "Forebyggelse af  \nekstremisme\n\n\n\nNyt afsnit\n\x0c";
        assert_eq!(
            clean_ocr_text(raw),
            "Forebyggelse af\nekstremisme\n\nNyt afsnit"
        );
    }

    #[test]
    fn programs_that_print_too_much_are_cut_and_slow_ones_stopped() {
        let mut yes = Command::new("sh");
        yes.args(["-c", "head -c 100000 /dev/zero"]);
        let output = run_bounded(&mut yes, Duration::from_secs(30), 1000).unwrap();
        assert_eq!(output.stdout.len(), 1000);
        let mut sleep = Command::new("sleep");
        sleep.arg("30");
        let err = run_bounded(&mut sleep, Duration::from_millis(200), 10).unwrap_err();
        assert!(err.contains("was stopped"), "{err}");
    }
}

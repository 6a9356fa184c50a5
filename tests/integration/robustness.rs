//! Never falls over: the robustness folder (hostile, damaged, encrypted and unusual PDFs) indexed
//! with the corpus, a run killed mid-way, two runs at once, bad queries, damaged indexes, and the
//! inputs fuzzing found.
//!
//! The folder `tests/fixtures/robustness` has a `manifest.tsv` saying, per file, what the indexer
//! must do (`text`, `empty`, `error`, `partial`); see its README.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use pubsearch::index::{IndexOptions, IndexReport, build_index};
use pubsearch::{Engine, Error, SearchOptions};

use crate::util::{corpus_dir, fixture, read_queries, read_tsv};

/// Files whose `text` expectation (at least half of pdftotext's words) is not met yet, with the
/// reason. Each is still required to be indexed without error.
const TEXT_FIXME: &[(&str, &str)] = &[
    (
        "thirdparty/pdfjs-TAMReview.pdf",
        "Greek in Type1 fonts with /Differences to non-standard glyph names: 1268 of 6085 words",
    ),
    (
        "thirdparty/pdfminer-kampo.pdf",
        "Japanese CID fonts without ToUnicode need the Adobe-Japan1 mapping: 5 of 1313 words",
    ),
];

/// Fewest words a `text` file must yield, as a share of pdftotext's.
const MIN_WORD_SHARE: f64 = 0.5;

fn robustness_dir() -> PathBuf {
    fixture("robustness")
}

fn binary() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pubsearch"));
    command.env_remove("NO_COLOR");
    command
}

/// One row of `manifest.tsv`.
#[derive(Debug, Clone)]
struct Row {
    file: String,
    password: String,
    expect: String,
    pdftotext_words: usize,
    note: String,
}

fn manifest() -> Vec<Row> {
    read_tsv(&robustness_dir().join("manifest.tsv"))
        .into_iter()
        .map(|row| {
            let cell = |name: &str| {
                row.get(name)
                    .cloned()
                    .unwrap_or_else(|| panic!("no column {name}"))
            };
            Row {
                file: cell("file"),
                password: cell("password"),
                expect: cell("expect"),
                pdftotext_words: cell("pdftotext_words").parse().unwrap_or(0),
                note: cell("note"),
            }
        })
        .collect()
}

/// The robustness folder and the corpus in one index, built once for the tests that read it.
fn combined() -> &'static (tempfile::TempDir, IndexReport, Engine) {
    static COMBINED: OnceLock<(tempfile::TempDir, IndexReport, Engine)> = OnceLock::new();
    COMBINED.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let report = build_index(
            dir.path(),
            &[corpus_dir(), robustness_dir()],
            &IndexOptions::default(),
            &|_| {},
        )
        .expect("the folder indexes");
        let engine = Engine::open(dir.path()).expect("index opens");
        (dir, report, engine)
    })
}

fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Words the index holds for the file at `path`, or `None` when it is not indexed.
fn indexed_words(engine: &Engine, path: &Path) -> Option<usize> {
    let key = path.to_string_lossy();
    let file = engine.state().files.get(&*key)?;
    let mut words = 0;
    for page in 1..=file.pages {
        let text = engine.page_text(&file.doc, page).expect("indexed page");
        words += word_count(&text.text);
    }
    Some(words)
}

#[test]
fn every_manifest_row_meets_its_expectation_when_indexed_with_the_corpus() {
    let (_, report, engine) = combined();
    let skipped: HashMap<&Path, &str> = report
        .skipped
        .iter()
        .map(|s| (s.path.as_path(), s.reason.as_str()))
        .collect();
    let without_text: HashMap<&Path, &Vec<u32>> = report
        .pages_without_text
        .iter()
        .map(|(p, pages)| (p.as_path(), pages))
        .collect();
    for skip in &report.skipped {
        assert!(
            !skip.reason.is_empty() && !skip.reason.contains('\n'),
            "one-line reason for {}: {:?}",
            skip.path.display(),
            skip.reason
        );
    }

    let mut ok: HashMap<String, (usize, usize)> = HashMap::new();
    let mut problems = Vec::new();
    let mut table = Vec::new();
    let mut fixme = 0;
    for row in manifest() {
        let path = robustness_dir().join(&row.file);
        let words = indexed_words(engine, &path);
        let skip = skipped.get(path.as_path()).copied();
        let outcome = match (words, skip) {
            (Some(w), _) => format!("indexed, {w} words"),
            (None, Some(reason)) => format!("skipped: {reason}"),
            (None, None) => "missing from the report".to_owned(),
        };
        table.push(format!(
            "{:8} {:55} pdftotext {:6}  {outcome}",
            row.expect, row.file, row.pdftotext_words
        ));
        let problem = match row.expect.as_str() {
            "text" => match words {
                None => Some(format!("not indexed ({outcome})")),
                Some(0) => Some("indexed without text".to_owned()),
                Some(w) if (w as f64) < MIN_WORD_SHARE * row.pdftotext_words as f64 => {
                    if TEXT_FIXME.iter().any(|(f, _)| *f == row.file) {
                        fixme += 1;
                        ok.entry(row.expect.clone()).or_default().1 += 1;
                        continue;
                    }
                    Some(format!("{w} words, pdftotext has {}", row.pdftotext_words))
                }
                Some(_) => {
                    if TEXT_FIXME.iter().any(|(f, _)| *f == row.file) {
                        println!("{} meets the bar now: remove it from TEXT_FIXME", row.file);
                    }
                    None
                }
            },
            "empty" => match (words, without_text.get(path.as_path())) {
                (Some(0), Some(pages)) if !pages.is_empty() => None,
                _ => Some(format!(
                    "expected indexed with no text and listed in pages_without_text ({outcome})"
                )),
            },
            "error" => match skip {
                Some(reason) => expected_cause(&row)
                    .filter(|cause| !reason.contains(cause))
                    .map(|cause| format!("reason `{reason}` does not say `{cause}`")),
                None => Some(format!("expected skipped ({outcome})")),
            },
            "partial" => (words.is_none() && skip.is_none()).then(|| outcome.clone()),
            other => Some(format!("unknown expectation {other}")),
        };
        let entry = ok.entry(row.expect.clone()).or_default();
        entry.1 += 1;
        match problem {
            None => entry.0 += 1,
            Some(problem) => problems.push(format!("{} ({}): {problem}", row.file, row.expect)),
        }
    }
    println!("{}", table.join("\n"));
    let mut classes: Vec<_> = ok.iter().collect();
    classes.sort();
    for (class, (good, all)) in classes {
        println!("{class}: {good}/{all} as expected");
    }
    println!("{fixme} `text` files below {MIN_WORD_SHARE} of pdftotext's words, in TEXT_FIXME");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The words an `error` row's reason must contain.
fn expected_cause(row: &Row) -> Option<&'static str> {
    let note = row.note.to_lowercase();
    if !row.password.is_empty() || note.contains("encrypt") || note.contains("security handler") {
        Some("encrypted")
    } else if note.starts_with("0 bytes") {
        Some("not a PDF")
    } else {
        None
    }
}

#[test]
fn the_corpus_stays_searchable_beside_the_robustness_folder() {
    let (_, _, engine) = combined();
    let corpus_pages: u32 = engine
        .state()
        .files
        .iter()
        .filter(|(key, _)| Path::new(key.as_str()).starts_with(corpus_dir()))
        .map(|(_, f)| f.pages)
        .sum();
    assert_eq!(corpus_pages, 61, "all corpus pages indexed");
    let cases = read_queries(&fixture("queries.tsv"));
    assert!(!cases.is_empty());
    for case in cases {
        let options = SearchOptions {
            doc: Some(case.doc.clone()),
            limit: 50,
            ..SearchOptions::default()
        };
        let results = engine.search(&case.query, &options).expect("searches");
        assert!(
            results.hits.iter().any(|h| h.page == case.page),
            "`{}` finds {} page {}",
            case.query,
            case.doc,
            case.page
        );
    }
}

#[test]
fn each_robustness_file_extracts_within_a_generous_time_bound() {
    let mut worst = (Duration::ZERO, String::new());
    for row in manifest() {
        let started = Instant::now();
        let _ = pubsearch::extract_file(&robustness_dir().join(&row.file));
        let elapsed = started.elapsed();
        if elapsed > worst.0 {
            worst = (elapsed, row.file.clone());
        }
        assert!(
            elapsed < Duration::from_secs(20),
            "{} took {elapsed:?}",
            row.file
        );
    }
    println!(
        "slowest extraction: {} in {:.2} s",
        worst.1,
        worst.0.as_secs_f64()
    );
}

/// Peak resident memory (`VmHWM`, kB) of a running process, when it can be read.
fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

#[test]
fn indexing_the_folder_through_the_cli_exits_zero_lists_skips_and_bounds_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = dir.path().join("index");
    let mut child = binary()
        .args(["index", "--json", "--index"])
        .arg(&index)
        .arg(corpus_dir())
        .arg(robustness_dir())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let pid = child.id();
    // The pipes are drained on threads so a full pipe never stalls the child.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut s).map(|_| s)
    });
    let mut peak_kb = 0;
    let status = loop {
        if let Some(kb) = peak_rss_kb(pid) {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stdout = out.join().expect("stdout thread").expect("stdout");
    let stderr = err.join().expect("stderr thread").expect("stderr");
    println!(
        "peak RSS of `pubsearch index` on the folder: {} MB",
        peak_kb / 1024
    );
    assert!(status.success(), "exit {status}: {stderr}");
    assert!(peak_kb > 0, "VmHWM was read");
    assert!(peak_kb < 1_500 * 1024, "peak RSS {peak_kb} kB");

    let json: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON report");
    let rows = manifest();
    assert_eq!(json["files_found"], rows.len() + 4);
    let skipped = json["skipped"].as_array().expect("skipped");
    for row in rows.iter().filter(|r| r.expect == "error") {
        let path = robustness_dir().join(&row.file);
        assert!(
            skipped
                .iter()
                .any(|s| s["path"] == path.to_string_lossy().as_ref()
                    && s["reason"].as_str().is_some_and(|r| !r.is_empty())),
            "{} in skipped: {stdout}",
            row.file
        );
        // …and one line on stderr naming the file and the reason.
        assert!(
            stderr.lines().any(|l| l.starts_with("pubsearch: skipped ")
                && l.contains(path.to_string_lossy().as_ref())),
            "{} on stderr: {stderr}",
            row.file
        );
    }
    assert!(json["files_indexed"].as_u64().expect("files_indexed") >= 4);
}

#[test]
fn the_text_summary_names_indexed_files_pages_and_skipped_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = binary()
        .args(["index", "--index"])
        .arg(dir.path())
        .arg(corpus_dir())
        .arg(robustness_dir().join("malformed"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "exit 0 despite skips: {stderr}");
    let files = std::fs::read_dir(robustness_dir().join("malformed"))
        .expect("folder")
        .count()
        + 4;
    assert!(
        stdout.contains(&format!(" of {files} PDF files (")) && stdout.contains(" skipped"),
        "{stdout}"
    );
    assert!(stdout.contains("the index holds "), "{stdout}");
    let empty = robustness_dir().join("malformed/empty-zero-bytes.pdf");
    assert!(
        stderr.contains(&format!(
            "pubsearch: skipped {}: not a PDF (0 bytes)",
            empty.display()
        )),
        "{stderr}"
    );
    let encrypted = robustness_dir().join("malformed/encrypted-unknown-password.pdf");
    assert!(
        stderr.contains(&format!(
            "pubsearch: skipped {}: encrypted, password required",
            encrypted.display()
        )),
        "{stderr}"
    );
}

#[test]
fn indexing_only_unreadable_files_fails_with_a_clear_message() {
    let dir = tempfile::tempdir().expect("temp dir");
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).expect("mkdir");
    for name in ["empty-zero-bytes.pdf", "random-bytes-pdf17.pdf"] {
        std::fs::copy(
            robustness_dir().join("malformed").join(name),
            inputs.join(name),
        )
        .expect("copy");
    }
    let output = binary()
        .args(["index", "--index"])
        .arg(dir.path().join("index"))
        .arg(&inputs)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("none of the 2 PDF files could be indexed"),
        "{stderr}"
    );
}

/// A folder with an index of the corpus, built through the library.
fn corpus_index() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    build_index(
        dir.path(),
        &[corpus_dir()],
        &IndexOptions::default(),
        &|_| {},
    )
    .expect("corpus indexes");
    dir
}

/// Searches a known corpus phrase, expecting its page.
fn assert_corpus_searchable(index: &Path) {
    let engine = Engine::open(index).expect("index opens");
    let results = engine
        .search("Oslo embedsmandsnetværk", &SearchOptions::default())
        .expect("searches");
    assert!(
        results
            .hits
            .iter()
            .any(|h| h.doc == "aarsrapport-2018" && h.page == 14),
        "{results:?}"
    );
}

/// Copies the flat folder `from` (an index) to a new folder `to`.
fn copy_index(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("index dir") {
        let path = entry.expect("entry").path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().expect("name"))).expect("copy");
        }
    }
}

/// `pubsearch index --full` of the corpus and the robustness folder into `index`.
fn full_run(index: &Path) -> std::process::Child {
    binary()
        .args(["index", "--full", "--index"])
        .arg(index)
        .arg(corpus_dir())
        .arg(robustness_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts")
}

#[test]
fn a_full_run_killed_at_any_moment_leaves_the_old_index_searchable() {
    let original = corpus_index();
    let work = tempfile::tempdir().expect("temp dir");
    // How long an undisturbed run takes here, to spread the kills over it.
    let timed = work.path().join("timed");
    copy_index(original.path(), &timed);
    let started = Instant::now();
    let status = full_run(&timed).wait().expect("runs");
    let full = started.elapsed();
    assert!(status.success());
    let all_files = Engine::open(&timed).expect("opens").state().files.len();
    println!("an undisturbed full run takes {full:?} and indexes {all_files} files");

    let mut committed_before_kill = 0;
    for (i, share) in [0.02, 0.15, 0.3, 0.5, 0.7, 0.85, 0.95]
        .into_iter()
        .enumerate()
    {
        let index = work.path().join(format!("killed-{i}"));
        copy_index(original.path(), &index);
        let mut child = full_run(&index);
        let delay = full.mul_f64(share);
        std::thread::sleep(delay);
        let finished = child.try_wait().expect("waits").is_some();
        // SIGKILL: no destructor, no unlock, no flush runs.
        let _ = child.kill();
        let _ = child.wait();
        let engine = Engine::open(&index).expect("opens after SIGKILL");
        let files = engine.state().files.len();
        println!("killed after {delay:?} (finished: {finished}): {files} files indexed");
        // Atomic: the old index or the new one, never a mix.
        assert!(files == 4 || files == all_files, "{files} files");
        if files == all_files {
            committed_before_kill += 1;
        }
        assert_corpus_searchable(&index);
        let output = binary()
            .args(["index", "--index"])
            .arg(&index)
            .arg(corpus_dir())
            .arg(robustness_dir())
            .output()
            .expect("runs");
        assert!(
            output.status.success(),
            "the next run completes: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            Engine::open(&index).expect("opens").state().files.len(),
            all_files
        );
        assert_corpus_searchable(&index);
    }
    println!("{committed_before_kill} of 7 runs had committed before the kill");
}

#[test]
fn a_second_index_run_says_the_index_is_locked() {
    let dir = corpus_index();
    let lock = std::fs::File::options()
        .write(true)
        .open(dir.path().join(pubsearch::index::LOCK_FILE))
        .expect("lock file");
    // The lock a running `pubsearch index` holds.
    lock.lock().expect("lock");
    let output = binary()
        .args(["index", "--full", "--index"])
        .arg(dir.path())
        .arg(corpus_dir())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("is locked by another `pubsearch index` run: wait for it to finish"),
        "{stderr}"
    );
    lock.unlock().expect("unlock");
    assert_corpus_searchable(dir.path());
}

/// Whether process `pid` holds a `flock` on `path`, according to `/proc/locks`.
fn holds_flock(pid: u32, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    let inode = format!(":{}", meta.ino());
    let pid = pid.to_string();
    std::fs::read_to_string("/proc/locks")
        .unwrap_or_default()
        .lines()
        .any(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            f.get(1) == Some(&"FLOCK")
                && f.get(4) == Some(&pid.as_str())
                && f.get(5).is_some_and(|dev| dev.ends_with(&inode))
        })
}

#[test]
fn two_index_runs_at_once_the_second_says_the_index_is_locked() {
    let dir = corpus_index();
    let mut first = binary()
        .args(["index", "--full", "--index"])
        .arg(dir.path())
        .arg(corpus_dir())
        .arg(robustness_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let lock = dir.path().join(pubsearch::index::LOCK_FILE);
    let started = Instant::now();
    while !holds_flock(first.id(), &lock) && started.elapsed() < Duration::from_secs(30) {
        if first.try_wait().expect("waits").is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let locked = holds_flock(first.id(), &lock);
    let second = binary()
        .args(["index", "--index"])
        .arg(dir.path())
        .arg(corpus_dir())
        .output()
        .expect("runs");
    let first_status = first.wait().expect("first run ends");
    assert!(first_status.success(), "the first run completes");
    let stderr = String::from_utf8_lossy(&second.stderr);
    // The first run holds its lock for seconds (it extracts the whole robustness folder), the
    // second one starts within milliseconds of seeing it held.
    if locked {
        assert_eq!(second.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains("is locked by another `pubsearch index` run: wait for it to finish"),
            "{stderr}"
        );
    } else {
        // The first run ended before the second started: nothing to refuse.
        println!("the first run was not seen holding its lock; the second ran alone");
        assert!(second.status.success(), "{stderr}");
    }
    assert_corpus_searchable(dir.path());
}

/// Queries a user may type by mistake or on purpose to break things.
fn hostile_queries() -> Vec<String> {
    vec![
        "\"unbalanced quote".into(),
        "forebyggelse\"".into(),
        "((forebyggelse".into(),
        "forebyggelse))".into(),
        ")(".into(),
        "title:forebyggelse".into(),
        "nosuchfield:værdi".into(),
        "year:abc".into(),
        "year:99999999999999999999".into(),
        "NOT".into(),
        "NOT NOT NOT".into(),
        "AND OR".into(),
        "forebyggelse ".repeat(800),
        "x".repeat(10_000),
        "(".repeat(5_000) + "forebyggelse" + &")".repeat(5_000),
        "\"".repeat(10_000),
        "fore\u{7}byggelse\u{1b}[31m".into(),
        "\u{0}\u{1}\u{2}".into(),
        "🙂 forebyggelse 👨‍👩‍👧".into(),
        "🙂".into(),
        "og i at det".into(),
        "-forebyggelse".into(),
        "-forebyggelse NOT kriminalitet".into(),
        "\u{202e}forebyggelse\u{200b}".into(),
        "*".into(),
        "~2".into(),
        "forebyggelse~".into(),
        "+".into(),
        "-".into(),
        "".into(),
        "   ".into(),
    ]
}

#[test]
fn hostile_queries_through_the_engine_give_hits_or_a_clear_error() {
    let engine = crate::util::corpus_engine();
    for query in hostile_queries() {
        match engine.search(&query, &SearchOptions::default()) {
            Ok(_) => {}
            Err(Error::Query(e)) => {
                let message = e.to_string();
                assert!(
                    !message.is_empty() && !message.contains('\n'),
                    "{query:?}: {message}"
                );
            }
            Err(e) => panic!("{query:?}: unexpected error {e}"),
        }
    }
    let only_excluded = engine.search("-forebyggelse", &SearchOptions::default());
    assert!(
        matches!(only_excluded, Err(Error::Query(ref e)) if e.to_string().contains("only excludes")),
        "{only_excluded:?}"
    );
    let bad_year = engine.search("forebyggelse year:abc", &SearchOptions::default());
    assert!(
        matches!(bad_year, Err(Error::Query(ref e)) if e.to_string().starts_with("at character ")),
        "{bad_year:?}"
    );
}

#[test]
fn hostile_queries_through_the_cli_never_panic() {
    let dir = corpus_index();
    for query in hostile_queries() {
        // argv cannot hold NUL.
        if query.contains('\0') {
            continue;
        }
        let output = binary()
            .args(["search", "--index"])
            .arg(dir.path())
            .arg("--")
            .arg(&query)
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{query:?} panicked: {stderr}");
        match output.status.code() {
            Some(0) => {}
            Some(1) => assert!(
                stderr.starts_with("pubsearch: error: ") && stderr.trim_end().lines().count() == 1,
                "{query:?}: {stderr}"
            ),
            other => panic!("{query:?}: exit {other:?}: {stderr}"),
        }
    }
}

#[test]
fn a_missing_index_says_to_run_pubsearch_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-index-here");
    let err = Engine::open(&missing).expect_err("no index");
    assert!(
        err.to_string().contains("run `pubsearch index` first"),
        "{err}"
    );
    let output = binary()
        .args(["search", "forebyggelse", "--index"])
        .arg(&missing)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("run `pubsearch index` first"), "{stderr}");
}

/// Damages an index copy with `damage`, then checks library and CLI name the remedy and that
/// `pubsearch index --full` repairs it.
fn assert_damage_is_reported_and_repaired(damage: impl Fn(&Path)) {
    let dir = corpus_index();
    damage(dir.path());
    let err = Engine::open(dir.path()).expect_err("damaged index");
    assert!(
        matches!(err, Error::CorruptIndex { .. })
            && err
                .to_string()
                .contains("rebuild it with `pubsearch index --full`"),
        "{err}"
    );
    let output = binary()
        .args(["search", "forebyggelse", "--index"])
        .arg(dir.path())
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("pubsearch index --full"), "{stderr}");
    let output = binary()
        .args(["index", "--full", "--index"])
        .arg(dir.path())
        .arg(corpus_dir())
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "--full repairs: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_corpus_searchable(dir.path());
}

#[test]
fn a_truncated_meta_json_is_reported_with_the_remedy() {
    assert_damage_is_reported_and_repaired(|index| {
        let meta = index.join("meta.json");
        let len = std::fs::metadata(&meta).expect("meta.json").len();
        let file = std::fs::File::options()
            .write(true)
            .open(&meta)
            .expect("open");
        file.set_len(len / 2).expect("truncate");
    });
}

#[test]
fn a_deleted_segment_file_is_reported_with_the_remedy() {
    assert_damage_is_reported_and_repaired(|index| {
        let segment_file = std::fs::read_dir(index)
            .expect("index dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .find(|p| p.extension().is_some_and(|e| e == "idx"))
            .expect("a segment file");
        std::fs::remove_file(segment_file).expect("delete");
    });
}

#[test]
fn inputs_found_by_fuzzing_are_handled_without_panic() {
    let dir = fixture("regression");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("regression folder") {
        let path = entry.expect("entry").path();
        let bytes = std::fs::read(&path).expect("read");
        match path.extension().and_then(|e| e.to_str()) {
            Some("pdf") => {
                let _ = pubsearch::extract_bytes(&bytes);
            }
            Some("query") => {
                let query = String::from_utf8_lossy(&bytes);
                let _ = pubsearch::search::parse_query(&query);
                let _ = crate::util::corpus_engine().search(&query, &SearchOptions::default());
            }
            _ => continue,
        }
        seen += 1;
    }
    println!("{seen} regression inputs");
}

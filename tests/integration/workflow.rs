//! Working with results: printed page labels and citations, OCR of scanned pages, shell
//! completions and man page, colour and pipes, and the OpenSearch export.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use lopdf::{Document, Object, Stream, dictionary};
use serde_json::Value;

use crate::util::{corpus_dir, corpus_engine, pubsearch};

/// Runs `pubsearch ARGS`, asserts success, returns stdout.
fn run_ok(args: &[&str], index: &Path) -> String {
    let output = pubsearch()
        .args(args)
        .arg("--index")
        .arg(index)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "pubsearch {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

/// The label the test PDF prints on physical page `page`: i, ii, then 1, 2, …
fn expected_label(page: u32) -> String {
    match page {
        1 => "i".into(),
        2 => "ii".into(),
        n => (n - 2).to_string(),
    }
}

/// A PDF text string: UTF-16BE with a byte order mark, as PDF wants non-ASCII text.
fn text_string(text: &str) -> Object {
    let mut bytes = vec![0xfe, 0xff];
    bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    Object::string_literal(bytes)
}

/// A copy of a corpus PDF with roman front matter (pages 1-2: i, ii) then arabic pages from 1,
/// and an info dictionary naming its title, author (the publisher) and date.
fn write_labelled_pdf(dir: &Path) -> PathBuf {
    let mut doc = Document::load(corpus_dir().join("aarsrapport-2018.pdf")).expect("corpus PDF");
    let labels = dictionary! { "Nums" => vec![
        0.into(), dictionary! { "S" => "r" }.into(),
        2.into(), dictionary! { "S" => "D", "St" => 1 }.into(),
    ] };
    let root = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .expect("catalog");
    doc.get_object_mut(root)
        .and_then(Object::as_dict_mut)
        .expect("catalog dictionary")
        .set("PageLabels", labels);
    let info = doc.add_object(dictionary! {
        "Title" => text_string("Årsrapport med sidetal"),
        "Author" => Object::string_literal("Testforlaget"),
        "CreationDate" => Object::string_literal("D:20180601120000"),
    });
    doc.trailer.set("Info", info);
    let path = dir.join("rapport-med-sidetal.pdf");
    doc.save(&path).expect("saves");
    path
}

/// An index of the labelled PDF alone, built through the CLI.
fn labelled_index() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdfs = dir.path().join("pdfs");
    std::fs::create_dir(&pdfs).expect("mkdir");
    write_labelled_pdf(&pdfs);
    let index = dir.path().join("index");
    let output = pubsearch()
        .arg("index")
        .arg(&pdfs)
        .arg("--index")
        .arg(&index)
        .output()
        .expect("runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    (dir, index)
}

#[test]
fn search_json_gives_the_printed_page_label_beside_the_physical_page() {
    let (_dir, index) = labelled_index();
    let stdout = run_ok(&["search", "forebyggelse", "--json", "-n", "50"], &index);
    let json: Value = serde_json::from_str(&stdout).expect("JSON");
    let hits = json["hits"].as_array().expect("hits");
    assert!(hits.len() >= 5, "{stdout}");
    let mut seen_roman = false;
    for hit in hits {
        let page = u32::try_from(hit["page"].as_u64().expect("page")).expect("small");
        assert_eq!(
            hit["page_label"].as_str(),
            Some(expected_label(page).as_str()),
            "page {page}"
        );
        assert_eq!(hit["ocr"], false);
        seen_roman |= page <= 2;
    }
    assert!(seen_roman, "front matter should match too: {stdout}");
}

#[test]
fn search_text_shows_the_label_and_the_pdf_page() {
    let (_dir, index) = labelled_index();
    let stdout = run_ok(
        &[
            "search",
            "forebyggelse",
            "--doc",
            "rapport-med-sidetal",
            "-n",
            "50",
        ],
        &index,
    );
    assert!(stdout.contains("s. 1 (PDF page 3)"), "{stdout}");
}

#[test]
fn cite_prints_publisher_year_title_and_printed_page() {
    let (_dir, index) = labelled_index();
    let roman = run_ok(&["cite", "rapport-med-sidetal", "--page", "2"], &index);
    assert_eq!(
        roman.trim(),
        "Testforlaget (2018). Årsrapport med sidetal, s. ii."
    );
    let json = run_ok(
        &["cite", "rapport-med-sidetal", "--page", "5", "--json"],
        &index,
    );
    let json: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(json["page"], 5);
    assert_eq!(json["page_label"], "3");
    assert_eq!(json["publisher"], "Testforlaget");
    assert_eq!(json["year"], 2018);
    assert_eq!(
        json["text"],
        "Testforlaget (2018). Årsrapport med sidetal, s. 3."
    );
}

#[test]
fn cite_of_a_missing_page_is_a_one_line_error() {
    let (_dir, index) = labelled_index();
    let output = pubsearch()
        .args(["cite", "rapport-med-sidetal", "--page", "999", "--index"])
        .arg(&index)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not page 999"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn search_with_cite_adds_a_citation_to_every_hit() {
    let (_dir, index) = labelled_index();
    let text = run_ok(&["search", "forebyggelse", "--cite", "-n", "3"], &index);
    let cites: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.trim_start()
                .starts_with("cite: Testforlaget (2018). Årsrapport med sidetal, s. ")
        })
        .collect();
    assert_eq!(cites.len(), 3, "{text}");
    let json = run_ok(
        &["search", "forebyggelse", "--cite", "--json", "-n", "3"],
        &index,
    );
    let json: Value = serde_json::from_str(&json).expect("JSON");
    for hit in json["hits"].as_array().expect("hits") {
        assert_eq!(hit["citation"]["page"], hit["page"]);
        assert_eq!(hit["citation"]["page_label"], hit["page_label"]);
        let label = hit["page_label"].as_str().expect("label");
        assert!(
            hit["citation"]["text"]
                .as_str()
                .expect("text")
                .ends_with(&format!(", s. {label}.")),
            "{hit}"
        );
    }
}

/// Whether `program` runs (is on PATH).
fn have(program: &str, arg: &str) -> bool {
    std::process::Command::new(program)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Whether tesseract has Danish data.
fn have_danish_tesseract() -> bool {
    std::process::Command::new("tesseract")
        .arg("--list-langs")
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.trim() == "dan")
        })
}

/// A one-page PDF whose page is only a gray JPEG scan of page 3 of a corpus report (rendered
/// with pdftoppm): no text layer at all.
fn write_scanned_pdf(dir: &Path) -> PathBuf {
    let base = dir.join("scan");
    let status = std::process::Command::new("pdftoppm")
        .args(["-f", "3", "-l", "3", "-r", "150", "-gray", "-jpeg"])
        .args(["-scale-to-x", "1240", "-scale-to-y", "1754", "-singlefile"])
        .arg(corpus_dir().join("aarsrapport-2018.pdf"))
        .arg(&base)
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    let jpeg = std::fs::read(base.with_extension("jpg")).expect("rendered page");
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let image = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 1240, "Height" => 1754,
        "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode" },
        jpeg,
    ));
    let content = doc.add_object(Stream::new(
        dictionary! {},
        b"q 595 0 0 842 0 0 cm /Im1 Do Q".to_vec(),
    ));
    let page = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id,
    "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Contents" => content,
    "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => image } } });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let path = dir.join("skannet-forord.pdf");
    doc.save(&path).expect("saves");
    path
}

/// A PDF whose second page is only an image (synthetic gray stripes, no text layer), between
/// two pages of text.
fn write_pdf_with_an_image_page(dir: &Path) -> PathBuf {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1",
    "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding" });
    let pixels: Vec<u8> = (0..600u32 * 800)
        .map(|i| ((i / 600) % 7 * 36) as u8)
        .collect();
    let image = doc.add_object(Stream::new(
        dictionary! { "Type" => "XObject", "Subtype" => "Image", "Width" => 600, "Height" => 800,
        "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8 },
        pixels,
    ));
    let mut kids = Vec::new();
    for content in [
        b"BT /F1 12 Tf 72 700 Td (Forord om forebyggelse) Tj ET".as_slice(),
        b"q 595 0 0 842 0 0 cm /Im1 Do Q".as_slice(),
        b"BT /F1 12 Tf 72 700 Td (Bilag om samarbejde) Tj ET".as_slice(),
    ] {
        let content = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        let page = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()], "Contents" => content,
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font },
            "XObject" => dictionary! { "Im1" => image } } });
        kids.push(page.into());
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 3 }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let path = dir.join("med-billedside.pdf");
    doc.save(&path).expect("saves");
    path
}

#[test]
fn pages_without_a_text_layer_are_counted_and_listed_at_index_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pdfs = dir.path().join("pdfs");
    std::fs::create_dir(&pdfs).expect("mkdir");
    write_pdf_with_an_image_page(&pdfs);
    let index = dir.path().join("index");
    let summary = run_ok(&["index", pdfs.to_str().expect("path")], &index);
    assert!(
        summary.contains("1 pages have no text layer (scanned?):"),
        "{summary}"
    );
    assert!(
        summary.contains("med-billedside.pdf: pages 2\n"),
        "{summary}"
    );
    assert!(summary.contains("index with --ocr"), "{summary}");
    let report = run_ok(
        &["index", pdfs.to_str().expect("path"), "--full", "--json"],
        &index,
    );
    let report: Value = serde_json::from_str(&report).expect("JSON");
    assert_eq!(
        report["pages_without_text"][0][1],
        serde_json::json!([2]),
        "{report}"
    );
    assert_eq!(report["ocr_pages"], serde_json::json!([]));
}

#[test]
fn scanned_page_is_reported_and_becomes_searchable_with_ocr() {
    if !have("pdftoppm", "-v") || !have_danish_tesseract() {
        eprintln!(
            "skipped: needs pdftoppm and tesseract with Danish data \
             (apt-get install poppler-utils tesseract-ocr tesseract-ocr-dan)"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let pdfs = dir.path().join("pdfs");
    std::fs::create_dir(&pdfs).expect("mkdir");
    write_scanned_pdf(&pdfs);
    let index = dir.path().join("index");

    // Without OCR: indexed, the page is reported as having no text, and nothing is found.
    let summary = pubsearch()
        .arg("index")
        .arg(&pdfs)
        .arg("--index")
        .arg(&index)
        .output()
        .expect("runs");
    let summary = String::from_utf8_lossy(&summary.stdout);
    assert!(summary.contains("1 pages have no text layer"), "{summary}");
    assert!(summary.contains("skannet-forord.pdf: pages 1"), "{summary}");
    assert!(summary.contains("--ocr"), "{summary}");
    let before = run_ok(&["search", "forskernetværk", "--json"], &index);
    let before: Value = serde_json::from_str(&before).expect("JSON");
    assert_eq!(before["total_hits"], 0);

    // With OCR: the unchanged file is redone, and its page is found, marked as OCR.
    let report = run_ok(
        &["index", pdfs.to_str().expect("path"), "--ocr", "--json"],
        &index,
    );
    let report: Value = serde_json::from_str(&report).expect("JSON");
    assert_eq!(report["files_indexed"], 1, "{report}");
    assert_eq!(
        report["ocr_pages"][0][1],
        serde_json::json!([1]),
        "{report}"
    );
    assert_eq!(
        report["pages_without_text"],
        serde_json::json!([]),
        "{report}"
    );
    let after = run_ok(&["search", "forskernetværk", "--json"], &index);
    let after: Value = serde_json::from_str(&after).expect("JSON");
    assert_eq!(after["hits"][0]["doc"], "skannet-forord", "{after}");
    assert_eq!(after["hits"][0]["page"], 1);
    assert_eq!(after["hits"][0]["ocr"], true);
    let phrase = run_ok(&["search", "\"tværsektorielle samarbejde\""], &index);
    assert!(phrase.contains("[OCR] "), "{phrase}");
    let shown = run_ok(&["show", "skannet-forord", "--page", "1"], &index);
    assert!(
        shown
            .lines()
            .next()
            .is_some_and(|l| l.ends_with("(text from OCR)")),
        "{shown}"
    );
    assert!(
        shown.contains("Forebyggelse af ekstremisme er ikke en opgave"),
        "{shown}"
    );

    // A later --ocr run has nothing left to do.
    let again = run_ok(
        &["index", pdfs.to_str().expect("path"), "--ocr", "--json"],
        &index,
    );
    let again: Value = serde_json::from_str(&again).expect("JSON");
    assert_eq!(again["files_indexed"], 0, "{again}");
}

#[test]
fn ocr_without_tesseract_says_what_to_install() {
    let dir = tempfile::tempdir().expect("temp dir");
    let empty_path = dir.path().join("bin");
    std::fs::create_dir(&empty_path).expect("mkdir");
    let output = pubsearch()
        .env("PATH", &empty_path)
        .arg("index")
        .arg(corpus_dir().join("aarsrapport-2019.pdf"))
        .arg("--index")
        .arg(dir.path().join("index"))
        .arg("--ocr")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("apt-get install tesseract-ocr tesseract-ocr-dan"),
        "{stderr}"
    );
    assert!(!dir.path().join("index").join("meta.json").exists());
}

#[test]
fn completions_are_generated_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef pubsearch"),
        ("fish", "complete -c pubsearch"),
    ] {
        let output = pubsearch()
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert!(output.status.success());
        let script = String::from_utf8_lossy(&output.stdout);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(
            script.contains("cite") && script.contains("export"),
            "{shell}"
        );
    }
    if have("bash", "--version") {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("pubsearch.bash");
        let script = pubsearch()
            .args(["completions", "bash"])
            .output()
            .expect("runs");
        std::fs::write(&file, script.stdout).expect("writes");
        let check = std::process::Command::new("bash")
            .arg("-n")
            .arg(&file)
            .status()
            .expect("bash runs");
        assert!(check.success(), "the bash script has a syntax error");
    }
}

#[test]
fn man_page_is_roff_and_one_file_per_subcommand_can_be_written() {
    let output = pubsearch().arg("man").output().expect("runs");
    assert!(output.status.success());
    let page = String::from_utf8_lossy(&output.stdout);
    assert!(page.contains(".TH pubsearch 1"), "{page}");
    assert!(
        page.contains("Full\\-text search over Danish PDF publications"),
        "{page}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let output = pubsearch()
        .args(["man", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(output.status.success());
    for name in [
        "pubsearch.1",
        "pubsearch-search.1",
        "pubsearch-cite.1",
        "pubsearch-export.1",
    ] {
        assert!(dir.path().join(name).is_file(), "{name} missing");
    }
}

/// Runs `command` under a pseudo-terminal with `script`, returning what it printed.
fn on_terminal(command: &str, no_color: bool) -> Option<String> {
    if !have("script", "--version") {
        return None;
    }
    let mut script = std::process::Command::new("script");
    script.args(["-qec", command, "/dev/null"]);
    script.stdin(Stdio::null());
    if no_color {
        script.env("NO_COLOR", "1");
    } else {
        script.env_remove("NO_COLOR");
    }
    let output = script.output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
fn colour_follows_the_terminal_no_color_and_the_flag() {
    let (_dir, index) = labelled_index();
    let binary = assert_cmd::cargo::cargo_bin("pubsearch");
    let command = format!(
        "{} search forebyggelse -n 2 --index {}",
        binary.display(),
        index.display()
    );
    match (on_terminal(&command, false), on_terminal(&command, true)) {
        (Some(coloured), Some(plain)) => {
            assert!(coloured.contains("\x1b[1;31m"), "{coloured:?}");
            assert!(!plain.contains('\x1b'), "{plain:?}");
            assert!(plain.contains("forebyggelse") || plain.contains("Forebyggelse"));
        }
        _ => eprintln!("skipped the terminal part: `script` (util-linux) is not usable here"),
    }
    // Piped: no colour, unless asked for; an explicit --color always beats NO_COLOR.
    let piped = run_ok(&["search", "forebyggelse", "-n", "2"], &index);
    assert!(!piped.contains('\x1b'));
    let forced = pubsearch()
        .env("NO_COLOR", "1")
        .args([
            "search",
            "forebyggelse",
            "-n",
            "2",
            "--color",
            "always",
            "--index",
        ])
        .arg(&index)
        .output()
        .expect("runs");
    assert!(String::from_utf8_lossy(&forced.stdout).contains("\x1b[1;31m"));
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let index = corpus_engine().stats().expect("stats").path;
    let binary = assert_cmd::cargo::cargo_bin("pubsearch");
    // Every page in full: about twice what a pipe buffer holds, so the writer meets the closed
    // pipe (like `pubsearch search … | head -1`).
    let mut child = std::process::Command::new(binary)
        .args(["search", "og OR i", "-n", "1000"])
        .args(["--snippet-chars", "100000", "--index"])
        .arg(&index)
        .env_remove("NO_COLOR")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("reads a line");
    assert!(first.starts_with("1. "), "{first}");
    drop(stdout);
    let output = child.wait_with_output().expect("waits");
    assert!(output.status.success(), "{:?}", output.status);
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn search_json_goes_through_jq() {
    if !have("jq", "--version") {
        eprintln!("skipped: jq is not installed");
        return;
    }
    let (_dir, index) = labelled_index();
    let binary = assert_cmd::cargo::cargo_bin("pubsearch");
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' search forebyggelse --json --index '{}' | jq -r '.hits[0].page_label' | head -1",
            binary.display(),
            index.display()
        ))
        .output()
        .expect("bash runs");
    assert!(output.status.success());
    let label = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert!(!label.is_empty() && label != "null", "{label}");
}

#[test]
fn opensearch_export_is_valid_bulk_ndjson_with_stable_unique_ids() {
    let engine = corpus_engine();
    let dir = tempfile::tempdir().expect("temp dir");
    let summary = pubsearch::export::opensearch::export(engine, dir.path(), "publikationer")
        .expect("exports");
    assert_eq!(summary.documents, 4);
    assert_eq!(summary.pages, 61);

    let mapping: Value =
        serde_json::from_slice(&std::fs::read(&summary.mapping).expect("mapping")).expect("JSON");
    let properties = &mapping["mappings"]["properties"];
    assert_eq!(properties["text"]["analyzer"], "danish");
    assert_eq!(properties["title"]["analyzer"], "danish");
    for (field, kind) in [
        ("doc", "keyword"),
        ("page", "integer"),
        ("page_label", "keyword"),
        ("year", "integer"),
        ("kind", "keyword"),
    ] {
        assert_eq!(properties[field]["type"], kind, "{field}");
    }

    let bulk = std::fs::read_to_string(&summary.bulk).expect("bulk");
    assert!(bulk.ends_with('\n'));
    let lines: Vec<&str> = bulk.lines().collect();
    assert_eq!(lines.len(), 2 * 61);
    let hashes: HashSet<String> = engine
        .state()
        .files
        .values()
        .map(|f| f.hash.clone())
        .collect();
    let mut ids = HashSet::new();
    for pair in lines.chunks(2) {
        let action: Value = serde_json::from_str(pair[0]).expect("action line is JSON");
        let record: Value = serde_json::from_str(pair[1]).expect("document line is JSON");
        let index = &action["index"];
        assert_eq!(index["_index"], "publikationer");
        let id = index["_id"].as_str().expect("id");
        let (hash, page) = id.split_once(':').expect("hash:page");
        assert!(hashes.contains(hash), "{id}");
        assert_eq!(page, record["page"].to_string());
        assert_eq!(record["content_hash"], hash);
        assert!(ids.insert(id.to_owned()), "duplicate id {id}");
        for field in ["doc", "title", "kind", "page_label", "text", "year", "ocr"] {
            assert!(record.get(field).is_some(), "{field} missing in {record}");
        }
    }
    let evaluering = lines
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|r| r["doc"] == "evaluering-2017-2020" && r["page"] == 1)
        .expect("first page of the evaluation");
    assert_eq!(evaluering["year"], 2020);
    assert_eq!(evaluering["kind"], "evaluering");

    // Exporting again gives the same ids: loading it again updates, never duplicates.
    let again = tempfile::tempdir().expect("temp dir");
    pubsearch::export::opensearch::export(engine, again.path(), "publikationer").expect("exports");
    assert_eq!(
        std::fs::read_to_string(again.path().join("bulk.ndjson")).expect("bulk"),
        bulk
    );
}

#[test]
fn export_command_writes_both_files_and_says_how_to_load_them() {
    let (dir, index) = labelled_index();
    let out = dir.path().join("export");
    let stdout = run_ok(
        &[
            "export",
            "--format",
            "opensearch",
            "--out",
            out.to_str().expect("path"),
        ],
        &index,
    );
    assert!(
        stdout.contains("exported 17 pages of 1 documents"),
        "{stdout}"
    );
    assert!(stdout.contains("curl -X POST"), "{stdout}");
    let bulk = std::fs::read_to_string(out.join("bulk.ndjson")).expect("bulk");
    let first: Value = serde_json::from_str(bulk.lines().nth(1).expect("record")).expect("JSON");
    assert_eq!(first["page"], 1);
    assert_eq!(first["page_label"], "i");
    assert_eq!(first["publisher"], "Testforlaget");
    assert!(out.join("mapping.json").is_file());
}

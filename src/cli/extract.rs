//! `pubsearch extract`: a PDF's text on stdout, pages separated by form feeds.

use std::io::Write;

use anyhow::Result;

use super::args::ExtractArgs;

pub fn run(args: &ExtractArgs) -> Result<()> {
    let pdf = pubsearch::extract_file(&args.file).map_err(|source| pubsearch::Error::Extract {
        path: args.file.clone(),
        source,
    })?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for page in &pdf.pages {
        out.write_all(page.text.as_bytes())?;
        if !page.text.is_empty() && !page.text.ends_with('\n') {
            out.write_all(b"\n")?;
        }
        out.write_all(b"\x0c")?;
    }
    out.flush()?;
    for failure in &pdf.failed_pages {
        eprintln!(
            "pubsearch: {}: page {}: {}",
            args.file.display(),
            failure.number,
            failure.reason
        );
    }
    Ok(())
}

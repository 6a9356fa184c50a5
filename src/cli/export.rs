//! `pubsearch export`: the index as files another search engine loads.

use std::io::Write;

use anyhow::{Context, Result};
use pubsearch::export::opensearch;

use super::args::{ExportArgs, ExportFormat};

pub fn run(args: &ExportArgs) -> Result<()> {
    let engine = super::open_engine(&args.location)?;
    let summary = match args.format {
        ExportFormat::Opensearch => opensearch::export(&engine, &args.out, &args.index_name)
            .with_context(|| format!("exporting to {}", args.out.display()))?,
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &summary)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "exported {} pages of {} documents for OpenSearch index `{}`:\n  {}\n  {}",
        summary.pages,
        summary.documents,
        summary.index_name,
        summary.mapping.display(),
        summary.bulk.display()
    )?;
    writeln!(
        out,
        "load with:\n  curl -X PUT 'http://localhost:9200/{name}' -H 'Content-Type: application/json' --data-binary @{mapping}\n  curl -X POST 'http://localhost:9200/_bulk' -H 'Content-Type: application/x-ndjson' --data-binary @{bulk}",
        name = summary.index_name,
        mapping = summary.mapping.display(),
        bulk = summary.bulk.display()
    )?;
    Ok(())
}

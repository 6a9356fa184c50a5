//! What a run has to do: the PDFs under the inputs, compared with the last commit's state.
//!
//! A file is unchanged when its size and modification time are those recorded, or, failing
//! that, when its content hash (SHA-256) is; unchanged files are not read again. Files of the
//! state no longer found are removed, and a file that failed last time is not retried until it
//! changes.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use sha2::{Digest, Sha256};

use super::state::{FileState, IndexState};
use crate::error::{Error, Result};

/// A file to look at in this run.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    pub(super) key: String,
    pub(super) path: PathBuf,
    pub(super) hash: String,
    pub(super) size: u64,
    pub(super) mtime_ns: u128,
}

/// What a run has to do.
#[derive(Debug, Default)]
pub(super) struct Plan {
    pub(super) changed: Vec<Candidate>,
    /// Unchanged content whose modification time moved.
    pub(super) touched: Vec<Candidate>,
    pub(super) unchanged: Vec<String>,
    pub(super) removed: Vec<String>,
    /// Failed last time and unchanged since: not retried.
    pub(super) still_failing: Vec<(PathBuf, String)>,
    /// Failed last time and gone now.
    pub(super) removed_failed: Vec<String>,
}

/// `redo` marks files to extract again even when unchanged.
pub(super) fn plan(
    files: &[PathBuf],
    previous: &IndexState,
    redo: &dyn Fn(&FileState) -> bool,
) -> Result<Plan> {
    let mut plan = Plan::default();
    let mut seen = std::collections::HashSet::new();
    for path in files {
        let key = file_key(path);
        seen.insert(key.clone());
        let metadata = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let size = metadata.len();
        let mtime_ns = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        if let Some(failed) = previous.failed.get(&key)
            && failed.size == size
            && failed.mtime_ns == mtime_ns
        {
            plan.still_failing
                .push((path.clone(), failed.reason.clone()));
            continue;
        }
        let old = previous.files.get(&key);
        if let Some(old) = old
            && old.size == size
            && old.mtime_ns == mtime_ns
            && !redo(old)
        {
            plan.unchanged.push(key);
            continue;
        }
        let hash = hash_file(path)?;
        let candidate = Candidate {
            key: key.clone(),
            path: path.clone(),
            hash,
            size,
            mtime_ns,
        };
        match old {
            Some(old) if old.hash == candidate.hash && !redo(old) => {
                plan.unchanged.push(key);
                plan.touched.push(candidate);
            }
            _ => plan.changed.push(candidate),
        }
    }
    plan.removed = previous
        .files
        .keys()
        .filter(|k| !seen.contains(*k))
        .cloned()
        .collect();
    plan.removed_failed = previous
        .failed
        .keys()
        .filter(|k| !seen.contains(*k))
        .cloned()
        .collect();
    Ok(plan)
}

/// The key of a file in the index: its path as found.
fn file_key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn hash_file(path: &Path) -> Result<String> {
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Every PDF under `inputs`, sorted, without duplicates.
///
/// # Errors
/// Fails when an input does not exist.
pub fn collect_pdfs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        let metadata = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if metadata.is_dir() {
            walk(input, &mut files, 0)?;
        } else {
            files.push(input.clone());
        }
    }
    files.sort();
    files.dedup();
    Ok(files)
}

/// Deepest folder nesting followed.
const MAX_WALK_DEPTH: usize = 32;

fn walk(dir: &Path, files: &mut Vec<PathBuf>, depth: usize) -> Result<()> {
    if depth > MAX_WALK_DEPTH {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(|e| Error::io(&path, e))?;
        if file_type.is_dir() {
            walk(&path, files, depth + 1)?;
        } else if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        {
            files.push(path);
        }
    }
    Ok(())
}

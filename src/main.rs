//! The `pubsearch` command: a thin layer over the library. See `pubsearch --help`.
//!
//! Exit codes: 0 on success (also when a search finds nothing), 1 on any error (one line on
//! stderr), 2 on a usage error.

mod cli;

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    match cli::run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A closed pipe (`pubsearch search … | head`) is not an error.
            if error.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = std::io::stderr().lock();
            let message: Vec<String> = error.chain().map(ToString::to_string).collect();
            let _ = writeln!(stderr, "pubsearch: error: {}", message.join(": "));
            ExitCode::from(1)
        }
    }
}

//! The `pubsearch` command: a thin layer over the library. See `pubsearch --help`.
//!
//! Exit codes: 0 on success (also when a search finds nothing), 1 on any error (one line on
//! stderr), 2 on a usage error.

mod cli;

/// mimalloc rather than the system allocator: a search allocates many small strings and
/// vectors (query terms, scorers, snippet words), and `pubsearch bench` measured p50 with
/// snippets on the 10,000-page corpus 4–8 % lower with it. Built without transparent huge pages
/// (`no_thp`): with them, indexing the real corpus peaked at 98 MB instead of 34 MB and a
/// one-search process spent 2.5 ms in the kernel (4.1 ms end to end, against 3.3 ms without).
/// The library leaves the choice of allocator to the program that embeds it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
            // Each cause once: library errors already name their source in their message.
            let mut message = String::new();
            for cause in error.chain().map(ToString::to_string) {
                if !message.contains(&cause) {
                    if !message.is_empty() {
                        message.push_str(": ");
                    }
                    message.push_str(&cause);
                }
            }
            let _ = writeln!(stderr, "pubsearch: error: {message}");
            ExitCode::from(1)
        }
    }
}

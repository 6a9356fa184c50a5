//! Text output helpers: highlighting for terminals and pipes.

use std::io::IsTerminal;

use super::args::ColorChoice;

const BOLD_RED: &str = "\x1b[1;31m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

/// Colours to use for stdout, or none.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    color: bool,
}

impl Style {
    /// Decides from the `--color` choice, whether stdout is a terminal, and `NO_COLOR`.
    pub fn for_stdout(choice: ColorChoice) -> Style {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
        Style { color }
    }

    /// `text` with the byte ranges `highlights` marked (colour), or unchanged without colour.
    pub fn highlight(&self, text: &str, highlights: &[[usize; 2]]) -> String {
        if !self.color {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len() + highlights.len() * 12);
        let mut at = 0;
        for &[start, end] in highlights {
            let (Some(before), Some(word)) = (text.get(at..start), text.get(start..end)) else {
                continue;
            };
            out.push_str(before);
            out.push_str(BOLD_RED);
            out.push_str(word);
            out.push_str(RESET);
            at = end;
        }
        out.push_str(text.get(at..).unwrap_or_default());
        out
    }

    /// `text` in bold.
    pub fn bold(&self, text: &str) -> String {
        if self.color {
            format!("{BOLD}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    /// `text` dimmed.
    pub fn dim(&self, text: &str) -> String {
        if self.color {
            format!("{DIM}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

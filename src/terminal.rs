//! Whether and how to write the terminal rendering: one rule for every command (`--color`,
//! `NO_COLOR`, `TERM=dumb`, the terminal's width or `COLUMNS`).

use std::io::IsTerminal;

use crate::report::terminal::TerminalOptions;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// True when the report goes to stdout (no `--output` file) and stdout is a terminal.
pub fn to_terminal(output: Option<&std::path::Path>) -> bool {
    output.is_none() && std::io::stdout().is_terminal()
}

/// Colour and width for the terminal rendering written to `output` (stdout when `None`):
/// colour with `always`, or with `auto` on a terminal unless `NO_COLOR` is set and not
/// empty or `TERM` is `dumb`; the terminal's width, else `COLUMNS`, else 100.
pub fn options(output: Option<&std::path::Path>, color: ColorChoice) -> TerminalOptions {
    let to_terminal = to_terminal(output);
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && !no_color && !dumb,
    };
    let width = if to_terminal { terminal_size::terminal_size_of(std::io::stdout()) } else { None }
        .map(|(terminal_size::Width(w), _)| usize::from(w))
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse().ok()))
        .filter(|w| *w > 0)
        .unwrap_or(100);
    TerminalOptions { width, color }
}

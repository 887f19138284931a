//! Reads a `report.json` written by wordmill and renders it as Markdown on standard output,
//! using wordmill-report alone.
//!
//! ```sh
//! cargo run -p wordmill-report --example render -- out/belarus-news/report.json
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use wordmill_report::{AnalyserSection, Report, SentimentSection, TermsSection, render_markdown};

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: render REPORT.json");
        return ExitCode::from(2);
    };
    let report: Report = match std::fs::read(&path)
        .map_err(|e| e.to_string())
        .and_then(|b| {
            Report::from_json(&b, &[TermsSection::READER, SentimentSection::READER])
                .map_err(|e| e.to_string())
        }) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e}", path.to_string_lossy());
            return ExitCode::from(1);
        }
    };
    print!("{}", render_markdown(&report));
    ExitCode::SUCCESS
}

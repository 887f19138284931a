//! Renderings for people: Markdown and the terminal summary.

use std::fmt::Write as _;

use crate::model::Report;
use crate::text::{clip_chars, plural, thousands};

/// Escapes text for a Markdown table cell or inline text.
pub(crate) fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' | '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Renders `report.md`: GitHub-flavoured Markdown tables that also read well as plain text.
pub fn render_markdown(report: &Report) -> String {
    let mut s = String::new();
    let c = &report.corpus;
    let _ = writeln!(s, "# {}\n", md(&report.pipeline.name));
    let _ = writeln!(s, "## Corpus\n");
    let _ = writeln!(
        s,
        "| documents | bytes | tokens | sentences | skipped records |"
    );
    let _ = writeln!(s, "| ---: | ---: | ---: | ---: | ---: |");
    let _ = writeln!(
        s,
        "| {} | {} | {} | {} | {} |\n",
        thousands(c.documents),
        thousands(c.bytes),
        thousands(c.tokens),
        thousands(c.sentences),
        thousands(c.skipped)
    );
    if c.skipped > 0 {
        let _ = writeln!(
            s,
            "Skipped records are listed with their reasons in `run.json`.\n"
        );
    }
    for section in &report.sections {
        section.markdown(&mut s);
    }
    let _ = writeln!(
        s,
        "---\nPipeline `{}`, configuration `{}`.",
        md(&report.pipeline.name),
        &report.pipeline.config_hash[..report.pipeline.config_hash.len().min(12)]
    );
    s
}

pub(crate) fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

/// Renders the short summary `wordmill run` prints: at most 80 columns wide.
pub fn render_terminal(report: &Report) -> String {
    let mut lines: Vec<String> = Vec::new();
    let c = &report.corpus;
    lines.push(report.pipeline.name.clone());
    lines.push(format!(
        "  {}, {}, {} skipped",
        plural(c.documents, "document", "documents"),
        plural(c.bytes, "byte", "bytes"),
        thousands(c.skipped)
    ));
    lines.push(format!(
        "  {}, {}",
        plural(c.tokens, "token", "tokens"),
        plural(c.sentences, "sentence", "sentences")
    ));
    for section in &report.sections {
        section.terminal(&mut lines);
    }
    let mut s = String::new();
    for line in lines {
        let _ = writeln!(s, "{}", fit(&line, 80));
    }
    s
}

/// Cuts `text` to `width` characters, with an ellipsis when cut; control characters become
/// spaces and whitespace runs one space (leading spaces are kept for the indentation).
pub(crate) fn fit(text: &str, width: usize) -> String {
    let indent = text.len() - text.trim_start_matches(' ').len();
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out = " ".repeat(indent.min(width));
    out.push_str(&clip_chars(&clean, width - indent.min(width)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CorpusSummary, Report};

    #[test]
    fn markdown_escapes_table_breaking_characters() {
        let r = Report::new("a|b", "0123456789abcdef", CorpusSummary::default());
        let md = render_markdown(&r);
        assert!(md.starts_with("# a\\|b\n"));
        assert!(md.contains("`0123456789ab`"));
    }

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(100), "100");
    }

    #[test]
    fn fit_keeps_the_indent_and_cuts_the_rest() {
        assert_eq!(fit("  ab\u{1}cd", 80), "  ab cd");
        assert_eq!(fit("  abcdef", 5), "  ab…");
    }

    #[test]
    fn terminal_lines_fit_80_columns() {
        let r = Report::new(
            &"x".repeat(200),
            "00",
            CorpusSummary {
                documents: u64::MAX,
                ..Default::default()
            },
        );
        for line in render_terminal(&r).lines() {
            assert!(line.chars().count() <= 80, "{line}");
        }
    }
}

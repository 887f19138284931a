//! Renderings for people: Markdown and the terminal summary.

use std::fmt::Write as _;

use crate::model::Report;
use crate::text::{clip_chars, plural, quotable, quote_source, thousands};

/// Escapes text for a Markdown table cell or inline text.
fn md(text: &str) -> String {
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
    if let Some(t) = &report.terms {
        let _ = writeln!(s, "## Top terms\n");
        let _ = writeln!(
            s,
            "{} kept from {} in {}.\n",
            plural(t.vocabulary_size, "distinct term", "distinct terms"),
            plural(t.tokens, "token", "tokens"),
            plural(t.documents, "document", "documents")
        );
        if t.top.is_empty() {
            let _ = writeln!(s, "No term survived the filters.\n");
        } else {
            let with_idf = t.top.iter().any(|x| x.idf.is_some());
            if with_idf {
                let _ = writeln!(s, "| rank | term | count | documents | idf |");
                let _ = writeln!(s, "| ---: | --- | ---: | ---: | ---: |");
            } else {
                let _ = writeln!(s, "| rank | term | count | documents |");
                let _ = writeln!(s, "| ---: | --- | ---: | ---: |");
            }
            for x in &t.top {
                let _ = write!(
                    s,
                    "| {} | {} | {} | {} |",
                    x.rank,
                    md(&x.term),
                    thousands(x.count),
                    thousands(x.doc_freq)
                );
                if let Some(idf) = x.idf.filter(|_| with_idf) {
                    let _ = write!(s, " {idf:.3} |");
                }
                s.push('\n');
            }
            s.push('\n');
        }
    }
    if let Some(st) = &report.sentiment {
        sentiment_markdown(&mut s, st);
    }
    let _ = writeln!(
        s,
        "---\nPipeline `{}`, configuration `{}`.",
        md(&report.pipeline.name),
        &report.pipeline.config_hash[..report.pipeline.config_hash.len().min(12)]
    );
    s
}

fn pct(x: f64) -> String {
    format!("{:.1} %", x * 100.0)
}

fn sentiment_markdown(s: &mut String, st: &crate::sentiment::SentimentReport) {
    let (one, unit) = if st.unit == "document" {
        ("document", "documents")
    } else {
        ("sentence", "sentences")
    };
    let _ = writeln!(s, "## Sentiment\n");
    let _ = writeln!(
        s,
        "VADER (`{}` rules) over {} of {}. Compound ≥ 0.05 is positive, ≤ -0.05 negative.\n",
        md(&st.rules),
        plural(st.sentences, one, unit),
        plural(st.documents, "document", "documents")
    );
    let _ = writeln!(
        s,
        "| mean compound | document mean | positive | neutral | negative |"
    );
    let _ = writeln!(s, "| ---: | ---: | ---: | ---: | ---: |");
    let _ = writeln!(
        s,
        "| {:.4} | {:.4} | {} | {} | {} |\n",
        st.compound_mean,
        st.document_compound_mean,
        pct(st.positive_share),
        pct(st.neutral_share),
        pct(st.negative_share)
    );
    let total: u64 = st.histogram.iter().sum();
    if total > 0 {
        let max = st.histogram.iter().copied().max().unwrap_or(1).max(1);
        let _ = writeln!(s, "Distribution of compound scores:\n\n```text");
        for (i, n) in st.histogram.iter().enumerate() {
            let lo = -1.0 + 0.1 * i as f64;
            let bar = "#".repeat(((*n as f64 / max as f64) * 40.0).round() as usize);
            let _ = writeln!(s, "{:>5.1} .. {:>4.1} | {:<40} {}", lo, lo + 0.1, bar, n);
        }
        let _ = writeln!(s, "```\n");
    }
    for (title, quotes, positive) in [
        ("Most positive", &st.most_positive, true),
        ("Most negative", &st.most_negative, false),
    ] {
        let quotes: Vec<_> = quotes
            .iter()
            .filter(|q| quotable(q.compound, positive))
            .collect();
        if quotes.is_empty() {
            continue;
        }
        let _ = writeln!(s, "### {title} {unit}\n");
        for q in quotes {
            let _ = writeln!(
                s,
                "- **{:+.4}** ({}): {}",
                q.compound,
                md(&quote_source(&q.doc_id, q.index, &st.unit)),
                md(&q.text)
            );
        }
        s.push('\n');
    }
    if !st.groups.is_empty() {
        let _ = writeln!(
            s,
            "### By {}\n",
            st.group_by
                .iter()
                .map(|k| md(k))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut header = String::from("|");
        let mut rule = String::from("|");
        for k in &st.group_by {
            header.push_str(&format!(" {} |", md(k)));
            rule.push_str(" --- |");
        }
        header.push_str(" documents | sentences | mean compound | positive | negative |");
        rule.push_str(" ---: | ---: | ---: | ---: | ---: |");
        let _ = writeln!(s, "{header}\n{rule}");
        for g in &st.groups {
            let mut row = String::from("|");
            for k in &st.group_by {
                row.push_str(&format!(
                    " {} |",
                    md(g.key.get(k).map_or("", String::as_str))
                ));
            }
            row.push_str(&format!(
                " {} | {} | {:.4} | {} | {} |",
                thousands(g.documents),
                thousands(g.sentences),
                g.compound_mean,
                pct(g.positive_share),
                pct(g.negative_share)
            ));
            let _ = writeln!(s, "{row}");
        }
        s.push('\n');
    }
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
    if let Some(t) = &report.terms {
        lines.push(format!(
            "  vocabulary: {}; top terms:",
            plural(t.vocabulary_size, "term", "terms")
        ));
        let mut line = String::from("   ");
        for x in t.top.iter().take(12) {
            let item = format!(" {} ({})", fit(&x.term, 30), thousands(x.count));
            if line.chars().count() + item.chars().count() > 80 {
                lines.push(std::mem::replace(&mut line, String::from("   ")));
            }
            line.push_str(&item);
        }
        if !line.trim().is_empty() {
            lines.push(line);
        }
    }
    if let Some(st) = &report.sentiment {
        lines.push(format!(
            "  sentiment: compound {:+.4}; {} pos, {} neu, {} neg",
            st.compound_mean,
            pct(st.positive_share),
            pct(st.neutral_share),
            pct(st.negative_share)
        ));
        if let Some(q) = st
            .most_negative
            .iter()
            .find(|q| quotable(q.compound, false))
        {
            // The document id is cut first, so the sentence number always shows.
            lines.push(format!(
                "  most negative: {:+.4}, {}",
                q.compound,
                quote_source(&fit(&q.doc_id, 40), q.index, &st.unit)
            ));
            lines.push(format!("    {}", q.text));
        }
    }
    let mut s = String::new();
    for line in lines {
        let _ = writeln!(s, "{}", fit(&line, 80));
    }
    s
}

/// Cuts `text` to `width` characters, with an ellipsis when cut; control characters become
/// spaces and whitespace runs one space (leading spaces are kept for the indentation).
fn fit(text: &str, width: usize) -> String {
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

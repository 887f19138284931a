//! The keyness section: `report.json`'s `keyness`, `keyness.csv`, a table per target in
//! `report.md`, a diverging bar chart per target in `report.html`, and one line per target in
//! the terminal summary.

use std::any::Any;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use wordmill_analyse::{Comparison, Keyness, KeynessOutput, KeynessRow, Measure};

use crate::html::*;
use crate::markdown::{fit, md};
use crate::model::SectionReader;
use crate::section::{AnalyserSection, DataFile, HtmlContext, Section};
use crate::tables::{CountsMemo, Rows, quoted_text};
use crate::text::{plural, thousands};

/// Bars on each side of a target's chart (the most over- and the most under-represented).
const MAX_BARS: usize = 15;
/// Terms of a target on its terminal line.
const TERMINAL_TERMS: usize = 5;

/// What `[analyse.keyness]` asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeynessSettings {
    /// The metadata key compared.
    pub by: String,
    /// The configured target values; `null`: every value in turn.
    pub target: Option<Vec<String>>,
    /// The configured reference values; `null`: every value not in the target.
    pub reference: Option<Vec<String>>,
    /// The measure that orders the terms.
    pub measure: Measure,
    /// Terms listed per target in each direction.
    pub top: usize,
}

/// One term of a target's lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyTerm {
    /// 1-based rank in its list.
    pub rank: u32,
    /// The term.
    pub term: String,
    /// Occurrences in the target.
    pub target_count: u64,
    /// Occurrences in the reference.
    pub reference_count: u64,
    /// χ² with Yates' correction, signed.
    pub chi2: f64,
    /// Its p-value.
    pub chi2_p: f64,
    /// G², signed.
    pub g2: f64,
    /// Its p-value.
    pub g2_p: f64,
    /// log₂ of the ratio of the relative frequencies.
    pub log_ratio: f64,
}

impl KeyTerm {
    fn new(rank: usize, row: &KeynessRow) -> Self {
        KeyTerm {
            rank: u32::try_from(rank + 1).unwrap_or(u32::MAX),
            term: row.term.to_string(),
            target_count: row.target_count,
            reference_count: row.reference_count,
            chi2: row.chi2,
            chi2_p: row.chi2_p,
            g2: row.g2,
            g2_p: row.g2_p,
            log_ratio: row.log_ratio,
        }
    }

    /// The value of `measure`.
    pub fn measure(&self, measure: Measure) -> f64 {
        match measure {
            Measure::G2 => self.g2,
            Measure::Chi2 => self.chi2,
            Measure::LogRatio => self.log_ratio,
        }
    }
}

/// One target against its reference.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeynessTarget {
    /// The target's values joined with `+`.
    pub target: String,
    /// The target's values.
    pub values: Vec<String>,
    /// The reference's values.
    pub reference: Vec<String>,
    /// Documents of the target and of the reference.
    pub documents: [u64; 2],
    /// Feature occurrences in the target and in the reference.
    pub totals: [u64; 2],
    /// Terms compared (rows of `keyness.csv` for this target).
    pub terms: u64,
    /// The most over-represented terms: the measure's highest positive values, ties by term.
    pub over: Vec<KeyTerm>,
    /// The most under-represented terms: the measure's lowest negative values, ties by term.
    pub under: Vec<KeyTerm>,
}

impl KeynessTarget {
    fn new(c: &Comparison, measure: Measure, top: usize) -> Self {
        let list = |rows: Vec<&KeynessRow>| {
            rows.into_iter()
                .enumerate()
                .map(|(i, r)| KeyTerm::new(i, r))
                .collect()
        };
        KeynessTarget {
            target: c.label.clone(),
            values: c.target.clone(),
            reference: c.reference.clone(),
            documents: [c.target_documents, c.reference_documents],
            totals: c.totals,
            terms: c.rows.len() as u64,
            over: list(c.over(measure, top)),
            under: list(c.under(measure, top)),
        }
    }
}

/// Keyness in `report.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeynessSummary {
    /// The settings it ran with.
    pub settings: KeynessSettings,
    /// Documents analysed.
    pub documents: u64,
    /// Documents without the `by` key, in no comparison.
    pub documents_without_key: u64,
    /// Features compared (the terms analyser's vocabulary).
    pub vocabulary_size: u64,
    /// One entry per target.
    pub targets: Vec<KeynessTarget>,
}

impl KeynessSummary {
    /// Summarises a finished keyness analysis run with `keyness`'s settings.
    pub fn from_output(keyness: &Keyness, out: &KeynessOutput) -> Self {
        let c = keyness.config();
        KeynessSummary {
            settings: KeynessSettings {
                by: c.by.clone(),
                target: c.target.clone(),
                reference: c.reference.clone(),
                measure: c.measure,
                top: c.top,
            },
            documents: out.documents,
            documents_without_key: out.documents_without_key,
            vocabulary_size: out.vocabulary_size,
            targets: out
                .comparisons
                .iter()
                .map(|comparison| KeynessTarget::new(comparison, c.measure, c.top))
                .collect(),
        }
    }
}

/// The keyness analyser's section: its summary and, in a run, its whole output (for
/// `keyness.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct KeynessSection {
    /// What `report.json` holds.
    pub summary: KeynessSummary,
    /// The whole output; `None` for a section read back from `report.json`.
    pub output: Option<KeynessOutput>,
}

impl AnalyserSection<Keyness> for KeynessSection {
    /// Reads the section back from its object in `report.json`.
    const READER: SectionReader = SectionReader {
        key: "keyness",
        title: "key terms",
        verb: "compared",
        files: &["keyness.csv"],
        read: |v| {
            Ok(Box::new(KeynessSection {
                summary: serde_json::from_value(v)?,
                output: None,
            }))
        },
    };

    fn from_output(keyness: &Keyness, output: KeynessOutput) -> Self {
        KeynessSection {
            summary: KeynessSummary::from_output(keyness, &output),
            output: Some(output),
        }
    }
}

/// The columns of `keyness.csv`.
pub const KEYNESS_COLUMNS: &str =
    "group,term,target_count,reference_count,chi2,chi2_p,g2,g2_p,log_ratio";

/// Writes `keyness.csv`: one row per target and term, targets in the output's order, terms in
/// feature (code-point) order; floats as the shortest text that reads back to the same f64.
pub fn write_keyness_csv(w: &mut dyn Write, out: &KeynessOutput) -> io::Result<()> {
    let mut rows = Rows::new(w);
    rows.header(KEYNESS_COLUMNS)?;
    // Rows of the same two counts in a comparison have the same statistics: the text of the
    // counts and statistics is laid out once per pair.
    let mut stats = CountsMemo::new();
    for c in &out.comparisons {
        stats.clear();
        let label = quoted_text(&c.label);
        for r in &c.rows {
            rows.quoted(&label, true);
            rows.text(&r.term, false);
            rows.counts_floats(
                [r.target_count, r.reference_count],
                [r.chi2, r.chi2_p, r.g2, r.g2_p, r.log_ratio],
                &mut stats,
            );
            rows.end()?;
        }
    }
    rows.finish()
}

/// The measure as people read it.
fn measure_name(m: Measure) -> &'static str {
    match m {
        Measure::G2 => "G²",
        Measure::Chi2 => "χ²",
        Measure::LogRatio => "log ratio",
    }
}

/// A measure's value: statistics with 1 decimal, log ratios with 2, signed.
fn measure_text(m: Measure, x: f64) -> String {
    let s = num(x, if m == Measure::LogRatio { 2 } else { 1 });
    if s.starts_with('-') || s.chars().all(|c| c == '0' || c == '.') {
        s
    } else {
        format!("+{s}")
    }
}

/// A p-value: 3 significant digits, in scientific notation below 0.001.
fn p_text(p: f64) -> String {
    let p = fin(p);
    if p >= 0.001 {
        format!("{p:.3}")
    } else {
        format!("{p:.2e}")
    }
}

/// The values of a side, as people read them: `d`, `d, i`, or "no value".
fn side_text(values: &[String]) -> String {
    if values.is_empty() {
        "(no value)".to_string()
    } else {
        values.join(", ")
    }
}

impl Section for KeynessSection {
    fn key(&self) -> &'static str {
        "keyness"
    }

    /// The over-represented terms of each target, as `target: term`, and each target's
    /// documents and feature tokens.
    fn headline(&self) -> crate::section::Headline {
        let mut ranking = Vec::new();
        let mut figures = Vec::new();
        for t in &self.summary.targets {
            ranking.extend(t.over.iter().map(|k| format!("{}: {}", t.target, k.term)));
            for (name, value) in [
                ("documents", t.documents[0]),
                ("tokens", t.totals[0]),
                ("reference_tokens", t.totals[1]),
            ] {
                figures.push(crate::section::Figure {
                    name: format!("{}.{name}", t.target),
                    value: value as f64,
                    count: true,
                });
            }
        }
        crate::section::Headline { ranking, figures }
    }

    fn json(&self) -> &dyn erased_serde::Serialize {
        &self.summary
    }

    fn files(&self) -> Vec<DataFile<'_>> {
        let Some(out) = &self.output else {
            return Vec::new();
        };
        vec![DataFile {
            name: "keyness.csv",
            write: Box::new(move |w| write_keyness_csv(w, out)),
        }]
    }

    fn markdown(&self, s: &mut String) {
        let k = &self.summary;
        let m = k.settings.measure;
        let by = md(&k.settings.by);
        let _ = writeln!(s, "## Keyness\n");
        let _ = writeln!(
            s,
            "Terms that each target's documents use more, or less, than its reference's, by *{by}*, ordered by {}.{}\n",
            measure_name(m),
            left_out(k, &format!("*{by}*"))
        );
        if k.targets.is_empty() {
            let _ = writeln!(s, "No document has the key *{by}*.\n");
            return;
        }
        for t in &k.targets {
            let _ = writeln!(
                s,
                "### {} against {}\n",
                md(&t.target),
                md(&side_text(&t.reference))
            );
            let _ = writeln!(s, "{}\n", sides_text(t));
            if t.over.is_empty() && t.under.is_empty() {
                let _ = writeln!(s, "No term to compare.\n");
                continue;
            }
            let _ = writeln!(
                s,
                "| | term | target | reference | χ² | G² | p (G²) | log ratio |"
            );
            let _ = writeln!(s, "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            for (direction, list) in [("more", &t.over), ("less", &t.under)] {
                for x in list {
                    let _ = writeln!(
                        s,
                        "| {direction} | {} | {} | {} | {} | {} | {} | {} |",
                        md(&x.term),
                        thousands(x.target_count),
                        thousands(x.reference_count),
                        measure_text(Measure::Chi2, x.chi2),
                        measure_text(Measure::G2, x.g2),
                        p_text(x.g2_p),
                        measure_text(Measure::LogRatio, x.log_ratio)
                    );
                }
            }
            s.push('\n');
        }
    }

    fn terminal(&self, lines: &mut Vec<String>) {
        let k = &self.summary;
        for t in &k.targets {
            let terms: Vec<&str> = t
                .over
                .iter()
                .take(TERMINAL_TERMS)
                .map(|x| x.term.as_str())
                .collect();
            let list = if terms.is_empty() {
                "no term over-represented".to_string()
            } else {
                terms.join(", ")
            };
            lines.push(format!(
                "  keyness {} = {}: {list}",
                fit(&k.settings.by, 16),
                fit(&t.target, 20)
            ));
        }
    }

    fn html(&self, page: &mut Page, _ctx: &HtmlContext<'_>) {
        keyness_html(page, &self.summary);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// " 3 documents without party are left out." (or nothing), the key as `key` writes it.
fn left_out(k: &KeynessSummary, key: &str) -> String {
    if k.documents_without_key == 0 {
        String::new()
    } else {
        format!(
            " {} without {key} {} left out.",
            plural(k.documents_without_key, "document", "documents"),
            if k.documents_without_key == 1 {
                "is"
            } else {
                "are"
            }
        )
    }
}

/// "30 documents (208,555 term occurrences) against 32 documents (148,179 term
/// occurrences); 13,223 terms compared."
fn sides_text(t: &KeynessTarget) -> String {
    let occurrences = |n| plural(n, "term occurrence", "term occurrences");
    format!(
        "{} ({}) against {} ({}); {} compared.",
        plural(t.documents[0], "document", "documents"),
        occurrences(t.totals[0]),
        plural(t.documents[1], "document", "documents"),
        occurrences(t.totals[1]),
        plural(t.terms, "term", "terms")
    )
}

fn keyness_html(page: &mut Page, k: &KeynessSummary) {
    page.section("keyness", "Keyness");
    let m = k.settings.measure;
    let by = escape(&k.settings.by);
    let _ = writeln!(
        page.body,
        "<p>Terms that each target’s documents use more (blue bars, to the right) or less (vermillion, to the left) than its reference’s documents, by <em>{by}</em>. Each chart shows up to {} terms in each direction by {}, with the term’s counts in the target and the reference.{}</p>",
        MAX_BARS.min(k.settings.top),
        measure_name(m),
        left_out(k, &format!("<em>{by}</em>"))
    );
    if k.targets.is_empty() {
        let _ = writeln!(page.body, "<p>No document has the key <em>{by}</em>.</p>");
        page.end();
        return;
    }
    let shown = &k.targets[..k.targets.len().min(MAX_PANELS)];
    if k.targets.len() > shown.len() {
        page.notes.push(format!(
            "Keyness is drawn for the first {} of {} targets; keyness.csv has them all.",
            shown.len(),
            thousands(k.targets.len() as u64)
        ));
    }
    if k.settings.top > MAX_BARS {
        page.notes.push(format!(
            "The keyness charts show {MAX_BARS} of the {} terms listed in each direction{}.",
            k.settings.top,
            if k.settings.top > MAX_TOP_TERMS {
                format!(
                    ", the tables under them {MAX_TOP_TERMS}; report.json and report.md have them all"
                )
            } else {
                "; the tables under them have them all".to_string()
            }
        ));
    }
    for t in shown {
        let heading = format!("{} against {}", t.target, side_text(&t.reference));
        let _ = writeln!(
            page.body,
            "<h3>{}</h3>\n<p>{}</p>",
            escape(&heading),
            escape(&sides_text(t))
        );
        if t.over.is_empty() && t.under.is_empty() {
            page.body.push_str("<p>No term to compare.</p>\n");
            continue;
        }
        let bar = |x: &KeyTerm| {
            let v = x.measure(m);
            (
                x.term.clone(),
                v,
                format!(
                    "{} ({} / {})",
                    measure_text(m, v),
                    thousands(x.target_count),
                    thousands(x.reference_count)
                ),
            )
        };
        // Highest first: the over-represented, then the under-represented from the least.
        let mut rows: Vec<(String, f64, String)> = t.over.iter().take(MAX_BARS).map(bar).collect();
        rows.extend(t.under.iter().take(MAX_BARS).rev().map(bar));
        diverging_chart(
            &mut page.body,
            &format!("Key terms of {heading}"),
            &format!("{} (counts: target / reference)", measure_name(m)),
            &rows,
        );
        let s = &mut page.body;
        table_open(
            s,
            "Data",
            &[
                "",
                "rank",
                "term",
                "target",
                "reference",
                "χ²",
                "G²",
                "p (G²)",
                "log ratio",
            ],
        );
        for (direction, list) in [("more", &t.over), ("less", &t.under)] {
            for x in list.iter().take(MAX_TOP_TERMS) {
                table_row(
                    s,
                    &[
                        direction.to_string(),
                        x.rank.to_string(),
                        x.term.clone(),
                        thousands(x.target_count),
                        thousands(x.reference_count),
                        measure_text(Measure::Chi2, x.chi2),
                        measure_text(Measure::G2, x.g2),
                        p_text(x.g2_p),
                        measure_text(Measure::LogRatio, x.log_ratio),
                    ],
                );
            }
        }
        table_close(s);
    }
    page.end();
}

/// A horizontal bar chart of signed values from a zero line: positive bars to the right in
/// blue, negative ones to the left in vermillion; `(label, value, value text)` rows, drawn
/// top to bottom, each value text beyond its bar's end.
pub(crate) fn diverging_chart(
    s: &mut String,
    title: &str,
    axis: &str,
    rows: &[(String, f64, String)],
) {
    let longest = rows
        .iter()
        .map(|r| label_px(&r.0, "lbl"))
        .fold(0.0, f64::max);
    let left = (longest.min(MAX_LABEL_PX) + 16.0).max(60.0);
    let right = 20.0;
    let text_w = rows
        .iter()
        .map(|r| label_px(&r.2, "val"))
        .fold(0.0, f64::max)
        + 8.0;
    let lo = rows.iter().map(|r| fin(r.1)).fold(0.0, f64::min);
    let hi = rows.iter().map(|r| fin(r.1)).fold(0.0, f64::max);
    let hi = if hi <= lo { lo + 1.0 } else { hi };
    // Room for the value texts beyond the longest bar on each side.
    let inner_l = left + if lo < 0.0 { text_w } else { 0.0 };
    let inner_r = W - right - if hi > 0.0 { text_w } else { 0.0 };
    let inner_w = (inner_r - inner_l).max(1.0);
    let x = |v: f64| inner_l + inner_w * (fin(v) - lo) / (hi - lo);
    let (top, row_h, bottom) = (34.0, 20.0, 46.0);
    let base = top + row_h * rows.len() as f64;
    let height = base + bottom;
    svg_open(
        s,
        height,
        title,
        &format!("{}; {}", plural(rows.len() as u64, "bar", "bars"), axis),
    );
    let (tks, dec) = ticks(lo, hi, 6);
    for t in &tks {
        let _ = writeln!(
            s,
            "<line class=\"{0}\" x1=\"{1}\" x2=\"{1}\" y1=\"{2}\" y2=\"{3}\"/><text class=\"tick\" x=\"{1}\" y=\"{4}\" text-anchor=\"middle\">{5}</text>",
            if *t == 0.0 { "zero" } else { "grid" },
            c(x(*t)),
            c(top - 4.0),
            c(base),
            c(base + 16.0),
            escape(&tick_label(*t, dec))
        );
    }
    let zero = x(0.0);
    if !tks.contains(&0.0) {
        let _ = writeln!(
            s,
            "<line class=\"zero\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/>",
            c(zero),
            c(top - 4.0),
            c(base)
        );
    }
    for (i, (name, value, text)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let end = x(*value);
        let positive = fin(*value) >= 0.0;
        let _ = write!(
            s,
            "<g><title>{}: {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
            escape(name),
            escape(text),
            c(zero.min(end)),
            c(y + 3.0),
            c((end - zero).abs().max(0.5)),
            c(row_h - 6.0),
            if positive { BLUE } else { VERMILLION }
        );
        label(
            s,
            "lbl",
            &format!(
                "x=\"{}\" y=\"{}\" text-anchor=\"end\"",
                c(left - 6.0),
                c(y + row_h / 2.0 + 4.0)
            ),
            name,
            left - 10.0,
        );
        let (at, anchor) = if positive {
            (end.max(zero) + 4.0, "start")
        } else {
            (end.min(zero) - 4.0, "end")
        };
        let _ = writeln!(
            s,
            "<text class=\"val\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text></g>",
            c(at),
            c(y + row_h / 2.0 + 4.0),
            escape(text)
        );
    }
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/><text class=\"axl\" x=\"{3}\" y=\"{4}\" text-anchor=\"middle\">{5}</text></svg>",
        c(inner_l),
        c(inner_r),
        c(base),
        c((inner_l + inner_r) / 2.0),
        c(base + 36.0),
        escape(axis)
    );
}

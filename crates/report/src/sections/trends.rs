//! The trends section: `report.json`'s `trends`, `trends.csv` (long form), line charts over a
//! date axis in `report.html` (gaps for empty bins, the count of each point on hover), the
//! table and the biggest movements in `report.md`, and a line of the terminal summary.

use std::any::Any;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use wordmill_analyse::{
    DictionaryOutput, Movement, TargetsOutput, Trends, TrendsConfig, TrendsFold, TrendsOutput,
};

use crate::html::{
    CATEGORICAL, Page, W, c, escape, label, num, pct, svg_open, table_close, table_open, table_row,
    tick_label, ticks,
};
use crate::markdown::md;
use crate::model::SectionReader;
use crate::section::{AnalyserSection, DataFile, Figure, Headline, HtmlContext, Section};
use crate::tables::Rows;
use crate::text::{plural, thousands};

/// The columns of `trends.csv` (with the `by` key's column after `bin_end` when split).
pub const TRENDS_COLUMNS: [&str; 6] = ["bin_start", "bin_end", "series", "key", "value", "count"];

/// Movements listed per series.
const MOVEMENTS: usize = 3;

/// What `report.json` holds of the trends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendsSummary {
    /// The analyser's settings.
    pub settings: TrendsConfig,
    /// The metadata field the dates were read from.
    pub date_field: String,
    /// The first bin (its label), when there is one.
    pub first: Option<String>,
    /// The last bin.
    pub last: Option<String>,
    /// Number of bins from the first to the last, empty ones included.
    pub bins: usize,
    /// Bins without documents (in every group).
    pub empty_bins: usize,
    /// Documents placed in a bin.
    pub documents: u64,
    /// Documents without a date.
    pub undated: u64,
    /// Documents whose date is less precise than the bin.
    pub imprecise: u64,
    /// Documents dated outside `from` and `to`.
    #[serde(default)]
    pub out_of_range: u64,
    /// The values of `by`.
    pub groups: Vec<String>,
    /// The terms drawn.
    pub terms: Vec<String>,
    /// Listed terms that are not features of the corpus.
    pub missing_terms: Vec<String>,
    /// Why nothing is drawn, when the dates span too many bins.
    pub refused: Option<String>,
    /// The largest changes between consecutive bins with documents, a few per series.
    pub movements: Vec<MovementSummary>,
}

/// One movement, as `report.json` holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovementSummary {
    /// `documents`, `sentiment` or `terms`.
    pub series: String,
    /// `documents`, `mean_compound` or the term (the feature counted).
    pub key: String,
    /// The term as the pipeline file writes it (`police` for the feature `polic`); the key for
    /// the other series.
    pub label: String,
    /// The value of `by` (empty when not split).
    pub group: String,
    /// The bin before (its label).
    pub from_bin: String,
    /// The bin after.
    pub to_bin: String,
    /// The value before.
    pub from: f64,
    /// The value after.
    pub to: f64,
}

impl MovementSummary {
    fn of(m: &Movement<'_>, out: &TrendsOutput) -> Self {
        let label = out
            .terms
            .iter()
            .find(|t| m.series == "terms" && t.term == m.key)
            .map_or_else(|| m.key.clone(), |t| t.label.clone());
        MovementSummary {
            series: m.series.to_owned(),
            key: m.key.clone(),
            label,
            group: m.group.to_owned(),
            from_bin: m.from_bin.label.clone(),
            to_bin: m.to_bin.label.clone(),
            from: m.from,
            to: m.to,
        }
    }

    /// `strike (terms, party r): 0.4 → 3.2 per 1,000 tokens, 2020-07 to 2020-08`.
    fn describe(&self) -> String {
        let what = match self.series.as_str() {
            "documents" => "documents".to_owned(),
            "sentiment" => "mean compound".to_owned(),
            "targets" => format!("mean compound of “{}”", self.label),
            "dictionary" => format!("category “{}”", self.label),
            _ => format!("“{}”", self.label),
        };
        let group = if self.group.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.group)
        };
        let (from, to, unit) = match self.series.as_str() {
            "documents" => (num(self.from, 0), num(self.to, 0), ""),
            "sentiment" | "targets" => (num(self.from, 3), num(self.to, 3), ""),
            "dictionary" => (pct(self.from), pct(self.to), " of the tokens"),
            _ => (num(self.from, 2), num(self.to, 2), " per 1,000 tokens"),
        };
        let verb = if self.to > self.from { "rose" } else { "fell" };
        format!(
            "{what}{group} {verb} from {from} to {to}{unit} between {} and {}",
            self.from_bin, self.to_bin
        )
    }
}

impl TrendsSummary {
    fn of(trends: &Trends, out: &TrendsOutput) -> Self {
        let empty_bins = (0..out.bins.len())
            .filter(|&b| out.documents.iter().all(|g| g[b] == 0))
            .count();
        TrendsSummary {
            settings: trends.config().clone(),
            date_field: trends.date_field().to_owned(),
            first: out.bins.first().map(|b| b.label.clone()),
            last: out.bins.last().map(|b| b.label.clone()),
            bins: out.bins.len(),
            empty_bins,
            documents: out.documents.iter().flatten().sum(),
            undated: out.undated,
            imprecise: out.imprecise,
            out_of_range: out.out_of_range,
            groups: if out.by.is_some() {
                out.groups.clone()
            } else {
                Vec::new()
            },
            terms: out.terms.iter().map(|t| t.term.clone()).collect(),
            missing_terms: out.missing_terms.clone(),
            refused: out.refused.clone(),
            movements: out
                .movements(MOVEMENTS)
                .iter()
                .map(|m| MovementSummary::of(m, out))
                .collect(),
        }
    }

    /// The sentence that opens the section.
    fn headline(&self) -> String {
        let mut s = match (&self.first, &self.last) {
            (Some(first), Some(last)) => format!(
                "{} in {} {} bins from {first} to {last} ({} empty), dated by their “{}”",
                plural(self.documents, "document", "documents"),
                thousands(self.bins as u64),
                self.settings.bin.name(),
                thousands(self.empty_bins as u64),
                self.date_field
            ),
            _ => format!(
                "No document placed in time (dates read from `{}`)",
                self.date_field
            ),
        };
        if let Some(by) = &self.settings.by {
            let _ = write!(s, ", one line per value of “{by}”");
        }
        s.push('.');
        let apart = [
            (self.undated, "without a date"),
            (self.imprecise, "dated less precisely than the bin"),
            (
                self.out_of_range,
                "dated outside the window of “from” and “to”",
            ),
        ];
        for (n, what) in apart {
            if n > 0 {
                let _ = write!(
                    s,
                    " {} {what} not placed.",
                    plural(n, "document", "documents")
                );
            }
        }
        if let Some(refused) = &self.refused {
            let _ = write!(s, " Nothing is drawn: {refused}.");
        }
        s
    }
}

/// The trends section: its summary and, in a run, its whole output.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendsSection {
    /// What `report.json` holds.
    pub summary: TrendsSummary,
    /// The whole output; `None` for a section read back from `report.json`.
    pub output: Option<TrendsOutput>,
}

impl TrendsSection {
    /// Adds the series made of other analysers' results: the sentiment folded from the
    /// sentiment analyser's scores, and the dictionary's and the targets' results placed in
    /// the bins the fold found for each document (see [`Trends::fold`]); then
    /// summarises again.
    pub fn add_fold(
        &mut self,
        trends: &Trends,
        fold: &TrendsFold,
        dictionary: Option<&DictionaryOutput>,
        targets: Option<&TargetsOutput>,
    ) {
        let Some(out) = &mut self.output else {
            return;
        };
        out.add_sentiment(fold);
        if let Some(d) = dictionary {
            let names: Vec<String> = d.categories.iter().map(|c| c.name.clone()).collect();
            out.add_categories(
                fold,
                &names,
                d.documents
                    .iter()
                    .map(|doc| (doc.ordinal, doc.tokens, doc.counts.as_slice())),
            );
        }
        if let Some(t) = targets {
            let names: Vec<String> = t.targets.iter().map(|s| s.name.clone()).collect();
            out.add_targets(
                fold,
                &names,
                t.sentences
                    .iter()
                    .map(|s| (s.target, s.ordinal, s.compound)),
            );
        }
        self.summary = TrendsSummary::of(trends, out);
    }
}

impl AnalyserSection<Trends> for TrendsSection {
    const READER: SectionReader = SectionReader {
        key: "trends",
        title: "trends",
        verb: "drawn",
        files: &["trends.csv"],
        read: |v| {
            Ok(Box::new(TrendsSection {
                summary: serde_json::from_value(v)?,
                output: None,
            }))
        },
    };

    fn from_output(analyser: &Trends, output: TrendsOutput) -> Self {
        TrendsSection {
            summary: TrendsSummary::of(analyser, &output),
            output: Some(output),
        }
    }
}

/// Writes `trends.csv`: `bin_start,bin_end[,<by>],series,key,value,count`, bin by bin (every
/// bin from the first date's to the last's), each group, each series; `value` empty in a bin
/// without documents.
pub fn write_trends_csv(w: &mut dyn Write, out: &TrendsOutput) -> io::Result<()> {
    let mut rows = Rows::new(w);
    let mut header = "bin_start,bin_end".to_owned();
    if let Some(by) = &out.by {
        header.push(',');
        header.push_str(&csv_name(by));
    }
    header.push_str(",series,key,value,count");
    rows.header(&header)?;
    // Each bin's days written once, not once a row.
    let days: Vec<(String, String)> = out
        .bins
        .iter()
        .map(|b| {
            (
                b.start.format("%Y-%m-%d").to_string(),
                b.end.format("%Y-%m-%d").to_string(),
            )
        })
        .collect();
    let mut at = 0;
    for r in out.rows() {
        while out.bins.get(at).is_some_and(|b| b.start != r.bin.start) {
            at += 1;
        }
        let (start, end) = &days[at.min(days.len() - 1)];
        rows.text(start, true);
        rows.text(end, false);
        if out.by.is_some() {
            rows.text(r.group, false);
        }
        rows.text(r.series, false);
        rows.text(r.key, false);
        match r.value {
            Some(v) => rows.float(v),
            None => rows.empty(),
        }
        rows.integer(r.count);
        rows.end()?;
    }
    rows.finish()
}

/// A column name, quoted when CSV needs it.
fn csv_name(name: &str) -> String {
    if name.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_owned()
    }
}

/// One line of a chart: its name, colour, and value (with its count) per bin.
struct Line {
    name: String,
    colour: &'static str,
    points: Vec<Option<(f64, u64)>>,
}

/// Draws lines over the bins: a date axis with at most about eight labels, a value axis, each
/// line broken where a bin is empty, every point with its value and count on hover, a legend.
fn line_chart(s: &mut String, title: &str, unit: &str, out: &TrendsOutput, lines: &[Line]) {
    let n = out.bins.len();
    if n == 0 || lines.is_empty() {
        return;
    }
    let legend_rows = if lines.len() > 1 {
        lines.len().div_ceil(4)
    } else {
        0
    };
    // The title, the legend's rows, the unit, then the plot.
    let (top, left, right, plot_h) = (48.0 + 18.0 * legend_rows as f64, 64.0, 44.0, 220.0);
    let height = top + plot_h + 44.0;
    let values = lines
        .iter()
        .flat_map(|l| l.points.iter().flatten().map(|p| p.0));
    let (mut lo, mut hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    if !lo.is_finite() {
        return;
    }
    if lo > 0.0 {
        lo = 0.0;
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let (mut tick_values, decimals) = ticks(lo, hi, 5);
    // Ticks on both sides of every value: one more below or above where a value lies beyond.
    if let [a, b, ..] = tick_values[..] {
        let step = b - a;
        if a > lo {
            tick_values.insert(0, a - step);
        }
        if let Some(&last) = tick_values.last()
            && last < hi
        {
            tick_values.push(last + step);
        }
    }
    let lo = tick_values.first().copied().unwrap_or(lo).min(lo);
    let hi = tick_values.last().copied().unwrap_or(hi).max(hi);
    let plot_w = W - left - right;
    let x = |b: usize| {
        if n == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * b as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| top + plot_h * (1.0 - (v - lo) / (hi - lo));
    let desc = format!(
        "{} over {} {} bins from {} to {}",
        title,
        n,
        out.bin.name(),
        out.bins[0].label,
        out.bins[n - 1].label
    );
    svg_open(s, height, title, &desc);
    for (i, line) in lines.iter().enumerate().take(lines.len().min(32)) {
        if lines.len() > 1 {
            let (lx, ly) = (left + 220.0 * (i % 4) as f64, 40.0 + 18.0 * (i / 4) as f64);
            let _ = write!(
                s,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" stroke-width=\"3\"/>",
                c(lx),
                c(ly - 4.0),
                c(lx + 18.0),
                c(ly - 4.0),
                line.colour
            );
            label(
                s,
                "lbl",
                &format!("x=\"{}\" y=\"{}\"", c(lx + 24.0), c(ly)),
                &line.name,
                190.0,
            );
        }
    }
    for &t in &tick_values {
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/><text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            c(left),
            c(y(t)),
            c(W - right),
            c(y(t)),
            c(left - 6.0),
            c(y(t) + 4.0),
            tick_label(t, decimals)
        );
    }
    if !unit.is_empty() {
        let _ = write!(
            s,
            "<text class=\"axl\" x=\"{}\" y=\"{}\">{}</text>",
            c(left),
            c(top - 6.0),
            escape(unit)
        );
    }
    let base = top + plot_h;
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
        c(left),
        c(base),
        c(W - right),
        c(base)
    );
    // At most about eight date labels, evenly spaced; the last one too when it is far enough
    // from the one before, else only its tick.
    let step = n.div_ceil(8).max(1);
    for b in (0..n).filter(|b| b % step == 0 || *b == n - 1) {
        let text = b % step == 0 || (n - 1) % step > step / 2;
        let _ = write!(
            s,
            "<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>",
            c(x(b)),
            c(base),
            c(base + 5.0)
        );
        if text {
            let _ = write!(
                s,
                "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                c(x(b)),
                c(base + 19.0),
                escape(&out.bins[b].label)
            );
        }
    }
    for line in lines {
        // One path, broken at every empty bin.
        let mut d = String::new();
        let mut pen_down = false;
        for (b, p) in line.points.iter().enumerate() {
            match p {
                Some((v, _)) => {
                    let _ = write!(
                        d,
                        "{}{} {}",
                        if pen_down { " L" } else { " M" },
                        c(x(b)),
                        c(y(*v))
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            s,
            "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
            d.trim_start(),
            line.colour
        );
        // A point with no neighbour draws no line: a dot shows it.
        for (b, p) in line.points.iter().enumerate() {
            let alone = |k: Option<usize>| {
                k.and_then(|k| line.points.get(k))
                    .is_none_or(Option::is_none)
            };
            if let Some((v, _)) = p
                && alone(b.checked_sub(1))
                && alone(Some(b + 1))
            {
                let _ = write!(
                    s,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\"/>",
                    c(x(b)),
                    c(y(*v)),
                    line.colour
                );
            }
        }
    }
    // Hovering a bin's column shows every line's value there, with its count.
    let half = if n == 1 {
        plot_w / 2.0
    } else {
        plot_w / (n - 1) as f64 / 2.0
    };
    for (b, span) in out.bins.iter().enumerate() {
        let mut tip = escape(&span.label);
        for line in lines {
            match line.points[b] {
                Some((v, count)) => {
                    if lines.len() > 1 {
                        let _ = write!(tip, "\n{}: ", escape(&line.name));
                    } else {
                        tip.push_str(": ");
                    }
                    let _ = write!(
                        tip,
                        "{} ({})",
                        tick_label(v, decimals.max(2)),
                        thousands(count)
                    );
                }
                None if lines.len() > 1 => {
                    let _ = write!(tip, "\n{}: no documents", escape(&line.name));
                }
                None => tip.push_str(": no documents"),
            }
        }
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"transparent\"><title>{tip}</title></rect>",
            c(x(b) - half),
            c(top),
            c(2.0 * half),
            c(plot_h)
        );
    }
    s.push_str("</svg>\n");
    // The same numbers as text, for the bins with a value.
    let mut headers = vec!["bin".to_owned()];
    headers.extend(lines.iter().map(|l| l.name.clone()));
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    table_open(s, &format!("{title}: data table"), &headers);
    for (b, span) in out.bins.iter().enumerate() {
        if lines.iter().all(|l| l.points[b].is_none()) {
            continue;
        }
        let mut cells = vec![span.label.clone()];
        for line in lines {
            cells.push(match line.points[b] {
                Some((v, count)) => {
                    format!("{} ({})", tick_label(v, decimals.max(2)), thousands(count))
                }
                None => "–".to_owned(),
            });
        }
        table_row(s, &cells);
    }
    table_close(s);
}

/// The group's display name.
fn group_name(out: &TrendsOutput, g: usize) -> String {
    match &out.by {
        Some(by) => format!("{by} = {}", out.groups[g]),
        None => "all".to_owned(),
    }
}

/// The charts of the section.
fn charts(s: &mut String, out: &TrendsOutput) {
    let colour = |i: usize| CATEGORICAL[i % CATEGORICAL.len()];
    let documents: Vec<Line> = (0..out.groups.len())
        .map(|g| Line {
            name: group_name(out, g),
            colour: colour(g),
            points: out.documents[g]
                .iter()
                .map(|&d| Some((d as f64, d)))
                .collect(),
        })
        .collect();
    line_chart(s, "Documents per bin", "documents", out, &documents);
    if let Some(cells) = &out.sentiment {
        let lines: Vec<Line> = (0..out.groups.len())
            .map(|g| Line {
                name: group_name(out, g),
                colour: colour(g),
                points: cells[g]
                    .iter()
                    .map(|cell| cell.mean().map(|m| (m, cell.units)))
                    .collect(),
            })
            .collect();
        line_chart(
            s,
            "Mean compound sentiment per bin",
            "mean compound (units on hover)",
            out,
            &lines,
        );
    }
    // One chart per group for each series of named lines: targets, categories, terms.
    for g in 0..out.groups.len() {
        let suffix = if out.by.is_some() {
            format!(", {}", group_name(out, g))
        } else {
            String::new()
        };
        if !out.targets.is_empty() {
            let lines: Vec<Line> = out
                .targets
                .iter()
                .enumerate()
                .map(|(i, (name, cells))| Line {
                    name: name.clone(),
                    colour: colour(i),
                    points: cells[g]
                        .iter()
                        .map(|c| c.mean().map(|m| (m, c.units)))
                        .collect(),
                })
                .collect();
            let title = format!("Mean compound of the sentences mentioning each target{suffix}");
            line_chart(s, &title, "mean compound (sentences on hover)", out, &lines);
        }
        if !out.categories.is_empty() {
            let lines: Vec<Line> = out
                .categories
                .iter()
                .enumerate()
                .map(|(i, (name, counts))| Line {
                    name: name.clone(),
                    colour: colour(i),
                    points: (0..out.bins.len())
                        .map(|b| {
                            let n = out.dictionary_tokens[g][b];
                            (out.documents[g][b] > 0 && n > 0)
                                .then(|| (counts[g][b] as f64 * 100.0 / n as f64, counts[g][b]))
                        })
                        .collect(),
                })
                .collect();
            let title = format!("Dictionary categories per 1,000 tokens{suffix}");
            line_chart(
                s,
                &title,
                "per 1,000 tokens (matches on hover)",
                out,
                &lines,
            );
        }
    }
    if out.terms.is_empty() {
        return;
    }
    for g in 0..out.groups.len() {
        let lines: Vec<Line> = out
            .terms
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                name: t.label.clone(),
                colour: colour(i),
                points: (0..out.bins.len())
                    .map(|b| {
                        let tokens = out.tokens[g][b];
                        (out.documents[g][b] > 0 && tokens > 0).then(|| {
                            (
                                t.counts[g][b] as f64 * 1000.0 / tokens as f64,
                                t.counts[g][b],
                            )
                        })
                    })
                    .collect(),
            })
            .collect();
        let title = if out.by.is_some() {
            format!("Terms per 1,000 tokens, {}", group_name(out, g))
        } else {
            "Terms per 1,000 tokens".to_owned()
        };
        line_chart(s, &title, "per 1,000 tokens (count on hover)", out, &lines);
    }
}

impl Section for TrendsSection {
    fn key(&self) -> &'static str {
        "trends"
    }

    /// The terms drawn, by corpus count; documents per bin and the counts apart as figures.
    fn headline(&self) -> Headline {
        let t = &self.summary;
        let mut figures = vec![
            Figure {
                name: "documents".into(),
                value: t.documents as f64,
                count: true,
            },
            Figure {
                name: "bins".into(),
                value: t.bins as f64,
                count: true,
            },
            Figure {
                name: "undated".into(),
                value: t.undated as f64,
                count: true,
            },
        ];
        for m in &t.movements {
            figures.push(Figure {
                name: format!("largest change[{}:{}:{}]", m.series, m.key, m.group),
                value: m.to - m.from,
                count: false,
            });
        }
        Headline {
            ranking: t.terms.clone(),
            figures,
        }
    }

    fn json(&self) -> &dyn erased_serde::Serialize {
        &self.summary
    }

    fn files(&self) -> Vec<DataFile<'_>> {
        let Some(out) = &self.output else {
            return Vec::new();
        };
        vec![DataFile {
            name: "trends.csv",
            write: Box::new(move |w| write_trends_csv(w, out)),
        }]
    }

    fn markdown(&self, s: &mut String) {
        let t = &self.summary;
        let _ = writeln!(s, "## Trends\n");
        let _ = writeln!(s, "{}\n", md(&t.headline()));
        if !t.movements.is_empty() {
            let _ = writeln!(s, "Biggest movements between consecutive bins:\n");
            for m in &t.movements {
                let _ = writeln!(s, "- {}", md(&m.describe()));
            }
            s.push('\n');
        }
        let Some(out) = &self.output else {
            return;
        };
        if out.bins.is_empty() {
            return;
        }
        let mut headers = vec!["bin".to_owned()];
        if out.by.is_some() {
            headers.push(out.by.clone().unwrap_or_default());
        }
        headers.push("documents".into());
        if out.sentiment.is_some() {
            headers.push("mean compound".into());
        }
        for term in &out.terms {
            headers.push(format!("{} /1k", term.label));
        }
        let _ = writeln!(
            s,
            "| {} |",
            headers
                .iter()
                .map(|h| md(h))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let _ = writeln!(
            s,
            "|{}",
            headers
                .iter()
                .enumerate()
                .map(|(i, _)| if i == 0 || (i == 1 && out.by.is_some()) {
                    " --- |"
                } else {
                    " ---: |"
                })
                .collect::<String>()
        );
        let mut empty = 0u64;
        for (b, span) in out.bins.iter().enumerate() {
            if out.documents.iter().all(|g| g[b] == 0) {
                empty += 1;
                continue;
            }
            for (g, group) in out.groups.iter().enumerate() {
                let docs = out.documents[g][b];
                let mut cells = vec![span.label.clone()];
                if out.by.is_some() {
                    cells.push(md(group));
                }
                cells.push(thousands(docs));
                if let Some(sent) = &out.sentiment {
                    cells.push(sent[g][b].mean().map_or("–".into(), |m| num(m, 3)));
                }
                for term in &out.terms {
                    let tokens = out.tokens[g][b];
                    cells.push(if docs == 0 || tokens == 0 {
                        "–".into()
                    } else {
                        num(term.counts[g][b] as f64 * 1000.0 / tokens as f64, 2)
                    });
                }
                let _ = writeln!(s, "| {} |", cells.join(" | "));
            }
        }
        if empty > 0 {
            let _ = writeln!(
                s,
                "\n{} without documents left out of the table; trends.csv has every bin.",
                plural(empty, "bin", "bins")
            );
        }
        s.push('\n');
    }

    fn terminal(&self, lines: &mut Vec<String>) {
        let t = &self.summary;
        let span = match (&t.first, &t.last) {
            (Some(a), Some(b)) => format!("{a} to {b}"),
            _ => "no dated document".to_owned(),
        };
        lines.push(format!(
            "  trends: {} {} bins, {span}, {} empty, {} undated",
            thousands(t.bins as u64),
            t.settings.bin.name(),
            thousands(t.empty_bins as u64),
            thousands(t.undated)
        ));
        for m in t.movements.iter().take(3) {
            let mut line = format!("    {}", m.describe());
            if line.chars().count() > 80 {
                line = line.chars().take(79).collect::<String>() + "…";
            }
            lines.push(line);
        }
    }

    fn html(&self, page: &mut Page, _ctx: &HtmlContext<'_>) {
        let t = &self.summary;
        page.section("trends", "Trends");
        let s = &mut page.body;
        let _ = writeln!(s, "<p>{}</p>", escape(&t.headline()));
        if let Some(out) = &self.output {
            charts(s, out);
        }
        if !t.movements.is_empty() {
            let _ = writeln!(s, "<h3>Biggest movements</h3><ul>");
            for m in &t.movements {
                let _ = writeln!(s, "<li>{}</li>", escape(&m.describe()));
            }
            s.push_str("</ul>\n");
        }
        if !t.missing_terms.is_empty() {
            page.notes.push(format!(
                "Trends: {} not among the corpus's features (absent, or pruned by the terms settings), drawn as zero: {}.",
                plural(t.missing_terms.len() as u64, "term is", "terms are"),
                t.missing_terms.join(", ")
            ));
        }
        page.end();
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wordmill_analyse::{Analyser, Bin, TrendsConfig};
    use wordmill_model::{Document, Metadata, NormalisedDoc, Span, Token};

    fn run(dates: &[(&str, &str, &str)], by: bool) -> (Trends, TrendsOutput) {
        let trends = Trends::new(
            TrendsConfig::default()
                .bin(Bin::Month)
                .terms(vec!["strike".into()])
                .by(by.then(|| "party".into())),
            "date",
        );
        let mut p = trends.partial();
        for (i, (date, party, text)) in dates.iter().enumerate() {
            let mut meta = Metadata::new();
            meta.insert("date", *date);
            meta.insert("party", *party);
            let doc = Document::new(i as u64, format!("d{i}"), *text, meta);
            let mut tokens = Vec::new();
            let mut at = 0;
            for (k, w) in text.split(' ').enumerate() {
                tokens.push(Token {
                    text: w.into(),
                    span: Span::new(at, at + w.len()),
                    position: k as u32,
                });
                at += w.len() + 1;
            }
            trends.observe(
                &mut p,
                &NormalisedDoc {
                    doc: &doc,
                    sentences: vec![Span::new(0, text.len())],
                    tokens,
                },
            );
        }
        let out = trends.finish(p);
        (trends, out)
    }

    #[test]
    fn the_csv_has_every_bin_and_gaps_have_no_value() {
        let (_, out) = run(
            &[("2020-06-30", "a", "strike x"), ("2020-08-01", "b", "calm")],
            true,
        );
        let mut buf = Vec::new();
        write_trends_csv(&mut buf, &out).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "bin_start,bin_end,party,series,key,value,count");
        // Three months, two groups, two rows each (documents, strike).
        assert_eq!(lines.len(), 1 + 3 * 2 * 2);
        assert!(lines.contains(&"2020-06-01,2020-06-30,a,terms,strike,500,1"));
        assert!(lines.contains(&"2020-07-01,2020-07-31,a,documents,documents,,0"));
        assert!(lines.contains(&"2020-08-01,2020-08-31,b,terms,strike,0,0"));
    }

    #[test]
    fn the_chart_breaks_at_gaps_and_says_counts_on_hover() {
        let (trends, out) = run(
            &[
                ("2020-06-30", "a", "strike x"),
                ("2020-08-01", "a", "strike"),
            ],
            false,
        );
        let section = TrendsSection::from_output(&trends, out);
        let mut s = String::new();
        charts(&mut s, section.output.as_ref().unwrap());
        // The documents line is drawn in every bin (0 in July); the term's breaks at July.
        let paths: Vec<&str> = s
            .match_indices("<path d=\"")
            .map(|(i, _)| &s[i..])
            .collect();
        assert_eq!(paths.len(), 2);
        assert_eq!(
            paths[1].matches(" M").count() + paths[1].matches("\"M").count(),
            2
        );
        assert!(s.contains("<title>2020-08: 1000.00 (1)</title>"), "{s}");
        assert!(s.contains("<title>2020-07: no documents</title>"), "{s}");
        assert!(
            section
                .summary
                .headline()
                .contains("2 documents in 3 month bins from 2020-06 to 2020-08 (1 empty)")
        );
    }
}

//! The collocations section: `report.json`'s `collocations`, `collocations.csv`, the ranked
//! table of `report.md` and `report.html` and the collocations line of the terminal summary.

use std::any::Any;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use wordmill_analyse::{
    BigramSpan, Collocation, CollocationMeasure, Collocations, CollocationsConfig,
    CollocationsOutput,
};

use crate::html::{BLUE, MAX_TOP_TERMS, Page, VERMILLION, c, escape, num};
use crate::markdown::md;
use crate::model::SectionReader;
use crate::section::{AnalyserSection, DataFile, HtmlContext, Section};
use crate::tables::Rows;
use crate::text::{plural, thousands};

/// The columns of `collocations.csv`.
pub const COLLOCATION_COLUMNS: [&str; 9] = [
    "w1", "w2", "count", "w1_count", "w2_count", "pmi", "llr", "chi2", "t",
];

/// Bigrams the terminal line names.
const TERMINAL_BIGRAMS: usize = 5;
/// Width of a bar of the HTML table, in pixels.
const BAR_W: f64 = 120.0;

/// What `report.json` holds of a collocation analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CollocationsSummary {
    /// The analyser's settings (`min_count`, `measure`, `top`, `span`).
    pub settings: CollocationsConfig,
    /// Tokens counted: the total of every measure.
    pub tokens: u64,
    /// Distinct bigrams seen, before `min_count`.
    pub distinct_bigrams: u64,
    /// Bigrams seen at least `min_count` times (the rows of `collocations.csv`).
    pub bigrams_kept: u64,
    /// The `top` bigrams by the measure, descending; ties by (w1, w2).
    pub top: Vec<TopCollocation>,
}

/// One of the top bigrams. A measure NLTK's formula leaves undefined (NaN or infinite, in a
/// corpus made almost entirely of one or two words) is `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopCollocation {
    /// 1-based rank.
    pub rank: u32,
    /// The first word.
    pub w1: String,
    /// The second word.
    pub w2: String,
    /// Occurrences of the bigram.
    pub count: u64,
    /// Occurrences of the first word.
    pub w1_count: u64,
    /// Occurrences of the second word.
    pub w2_count: u64,
    /// Pointwise mutual information.
    pub pmi: Option<f64>,
    /// Log-likelihood ratio.
    pub llr: Option<f64>,
    /// Pearson's chi-square.
    pub chi2: Option<f64>,
    /// Student's t.
    pub t: Option<f64>,
}

fn finite(x: f64) -> Option<f64> {
    x.is_finite().then_some(x)
}

impl TopCollocation {
    fn of(rank: usize, r: &Collocation) -> Self {
        TopCollocation {
            rank: u32::try_from(rank).unwrap_or(u32::MAX),
            w1: r.w1.to_string(),
            w2: r.w2.to_string(),
            count: r.count,
            w1_count: r.w1_count,
            w2_count: r.w2_count,
            pmi: finite(r.scores.pmi),
            llr: finite(r.scores.llr),
            chi2: finite(r.scores.chi2),
            t: finite(r.scores.t),
        }
    }

    /// The value `measure` ranks by (`None` when undefined).
    pub fn value(&self, measure: CollocationMeasure) -> Option<f64> {
        match measure {
            CollocationMeasure::Llr => self.llr,
            CollocationMeasure::Pmi => self.pmi,
            CollocationMeasure::Chi2 => self.chi2,
            CollocationMeasure::T => self.t,
            CollocationMeasure::Count => Some(self.count as f64),
        }
    }

    /// The bigram as text: the two words with one space.
    pub fn bigram(&self) -> String {
        format!("{} {}", self.w1, self.w2)
    }
}

impl CollocationsSummary {
    /// Summarises a finished collocation analysis made with `settings`.
    pub fn from_output(settings: CollocationsConfig, out: &CollocationsOutput) -> Self {
        CollocationsSummary {
            settings,
            tokens: out.n_tokens,
            distinct_bigrams: out.distinct_bigrams,
            bigrams_kept: out.bigrams.len() as u64,
            top: out
                .top
                .iter()
                .enumerate()
                .map(|(i, r)| TopCollocation::of(i + 1, r))
                .collect(),
        }
    }
}

/// The collocation analyser's section: its summary and, in a run, its whole output (for
/// `collocations.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct CollocationsSection {
    /// What `report.json` holds.
    pub summary: CollocationsSummary,
    /// The whole output; `None` for a section read back from `report.json`.
    pub output: Option<CollocationsOutput>,
}

impl CollocationsSection {
    /// The section of a finished collocation analysis made with `settings`.
    pub fn new(settings: CollocationsConfig, output: CollocationsOutput) -> Self {
        CollocationsSection {
            summary: CollocationsSummary::from_output(settings, &output),
            output: Some(output),
        }
    }
}

impl AnalyserSection<Collocations> for CollocationsSection {
    const READER: SectionReader = SectionReader {
        key: "collocations",
        title: "collocations",
        verb: "found",
        files: &["collocations.csv"],
        read: |v| {
            Ok(Box::new(CollocationsSection {
                summary: serde_json::from_value(v)?,
                output: None,
            }))
        },
    };

    fn from_output(analyser: &Collocations, output: CollocationsOutput) -> Self {
        CollocationsSection::new(*analyser.config(), output)
    }
}

/// Writes `collocations.csv`: `w1,w2,count,w1_count,w2_count,pmi,llr,chi2,t`, every bigram
/// kept by `min_count`, in code-point order of (w1, w2). Floats are written as the shortest
/// text that reads back as the same `f64` (never with an exponent); an undefined measure (NaN
/// or infinite) is an empty field. Words are quoted as the `csv` crate quotes fields (only
/// when they hold a comma, a quote or a line break).
///
/// Rows are laid out in a buffer of their own (one file can hold millions of floats, and
/// going through `std::fmt` and the `csv` crate for each field cost more than the whole
/// analysis) and handed to `w` in large pieces.
pub fn write_collocations_csv(w: &mut dyn Write, out: &CollocationsOutput) -> io::Result<()> {
    let mut rows = Rows::new(w);
    rows.header(&COLLOCATION_COLUMNS.join(","))?;
    for r in &out.bigrams {
        rows.text(&r.w1, true);
        rows.text(&r.w2, false);
        for n in [r.count, r.w1_count, r.w2_count] {
            rows.integer(n);
        }
        let s = &r.scores;
        for x in [s.pmi, s.llr, s.chi2, s.t] {
            if x.is_finite() {
                rows.float(x);
            } else {
                rows.empty();
            }
        }
        rows.end()?;
    }
    rows.finish()
}

/// What a measure is called in sentences.
fn measure_label(m: CollocationMeasure) -> &'static str {
    match m {
        CollocationMeasure::Llr => "log-likelihood ratio",
        CollocationMeasure::Pmi => "pointwise mutual information",
        CollocationMeasure::Chi2 => "chi-square",
        CollocationMeasure::T => "Student's t",
        CollocationMeasure::Count => "count",
    }
}

/// A measure's value with 3 decimals, or `n/a` when undefined.
fn value_text(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_string(), |v| num(v, 3))
}

impl CollocationsSummary {
    /// The sentence that opens the section (plain text).
    fn headline(&self) -> String {
        let s = &self.settings;
        let within = match s.span {
            BigramSpan::Document => "documents",
            BigramSpan::Sentence => "sentences",
        };
        format!(
            "{} of {} (pairs of adjacent tokens within {within}) occur at least {} in {}; ranked by {}.",
            thousands(self.bigrams_kept),
            plural(self.distinct_bigrams, "distinct bigram", "distinct bigrams"),
            plural(s.min_count, "time", "times"),
            plural(self.tokens, "token", "tokens"),
            measure_label(s.measure)
        )
    }

    fn empty_text(&self) -> String {
        format!(
            "No bigram occurs {} or more.",
            plural(self.settings.min_count, "time", "times")
        )
    }
}

impl Section for CollocationsSection {
    fn key(&self) -> &'static str {
        "collocations"
    }

    /// The top bigrams by the measure (`w1 w2`), and the counts of tokens and bigrams.
    fn headline(&self) -> crate::section::Headline {
        let s = &self.summary;
        let count = |name: &str, value: u64| crate::section::Figure {
            name: name.into(),
            value: value as f64,
            count: true,
        };
        crate::section::Headline {
            ranking: s.top.iter().map(|c| format!("{} {}", c.w1, c.w2)).collect(),
            figures: vec![
                count("tokens", s.tokens),
                count("distinct_bigrams", s.distinct_bigrams),
                count("bigrams_kept", s.bigrams_kept),
            ],
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
            name: "collocations.csv",
            write: Box::new(move |w| write_collocations_csv(w, out)),
        }]
    }

    fn markdown(&self, s: &mut String) {
        let t = &self.summary;
        let measure = t.settings.measure;
        let _ = writeln!(s, "## Collocations\n");
        let _ = writeln!(s, "{}\n", t.headline());
        if t.top.is_empty() {
            let _ = writeln!(s, "{}\n", t.empty_text());
            return;
        }
        let with_value = measure != CollocationMeasure::Count;
        if with_value {
            let _ = writeln!(
                s,
                "| rank | bigram | count | w1 count | w2 count | {} |",
                measure.name()
            );
            let _ = writeln!(s, "| ---: | --- | ---: | ---: | ---: | ---: |");
        } else {
            let _ = writeln!(s, "| rank | bigram | count | w1 count | w2 count |");
            let _ = writeln!(s, "| ---: | --- | ---: | ---: | ---: |");
        }
        for x in &t.top {
            let _ = write!(
                s,
                "| {} | {} | {} | {} | {} |",
                x.rank,
                md(&x.bigram()),
                thousands(x.count),
                thousands(x.w1_count),
                thousands(x.w2_count)
            );
            if with_value {
                let _ = write!(s, " {} |", value_text(x.value(measure)));
            }
            s.push('\n');
        }
        s.push('\n');
    }

    fn terminal(&self, lines: &mut Vec<String>) {
        let t = &self.summary;
        let mut line = format!(
            "  collocations: {} (count >= {})",
            plural(t.bigrams_kept, "bigram", "bigrams"),
            t.settings.min_count
        );
        // As many of the top bigrams as fit in 80 columns, whole.
        let mut sep = format!("; by {}: ", t.settings.measure.name());
        for x in t.top.iter().take(TERMINAL_BIGRAMS) {
            let name: String = x.bigram().chars().map(clean).collect();
            if line.chars().count() + sep.chars().count() + name.chars().count() > 80 {
                break;
            }
            line.push_str(&sep);
            line.push_str(&name);
            sep = ", ".to_string();
        }
        lines.push(line);
    }

    fn html(&self, page: &mut Page, _ctx: &HtmlContext<'_>) {
        collocations_section(page, &self.summary);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// A control character as a space, for the terminal.
fn clean(ch: char) -> char {
    if ch.is_control() { ' ' } else { ch }
}

/// The ranked table: rank, bigram, counts, the measure's value and a bar of it (blue when
/// positive, vermillion when negative, scaled to the largest magnitude shown).
fn collocations_section(page: &mut Page, t: &CollocationsSummary) {
    page.section("collocations", "Collocations");
    let measure = t.settings.measure;
    let s = &mut page.body;
    let _ = writeln!(s, "<p>{}</p>", escape(&t.headline()));
    if t.top.is_empty() {
        let _ = writeln!(s, "<p>{}</p>", escape(&t.empty_text()));
        page.end();
        return;
    }
    let shown = &t.top[..t.top.len().min(MAX_TOP_TERMS)];
    let largest = shown
        .iter()
        .filter_map(|x| x.value(measure))
        .map(f64::abs)
        .fold(0.0, f64::max);
    s.push_str("<table><thead><tr>");
    for h in [
        "rank",
        "bigram",
        "count",
        "w1 count",
        "w2 count",
        measure.name(),
    ] {
        let _ = write!(s, "<th scope=\"col\">{}</th>", escape(h));
    }
    s.push_str("</tr></thead><tbody>\n");
    for x in shown {
        let value = x.value(measure);
        let _ = write!(
            s,
            "<tr><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{} ",
            x.rank,
            escape(&x.bigram()),
            thousands(x.count),
            thousands(x.w1_count),
            thousands(x.w2_count),
            escape(&value_text(value))
        );
        bar(s, &x.bigram(), measure, value, largest);
        s.push_str("</td></tr>\n");
    }
    s.push_str("</tbody></table>\n");
    if t.top.len() > shown.len() {
        page.notes.push(format!(
            "The collocations table shows {} of the {} top bigrams; collocations.csv has every bigram kept.",
            shown.len(),
            t.top.len()
        ));
    }
    page.end();
}

/// A small inline chart of one value: a bar from the left edge, its length the value's
/// magnitude over `largest`.
fn bar(
    s: &mut String,
    bigram: &str,
    measure: CollocationMeasure,
    value: Option<f64>,
    largest: f64,
) {
    let title = format!("{bigram}: {} {}", measure.name(), value_text(value));
    let _ = write!(
        s,
        "<svg width=\"{w}\" height=\"12\" viewBox=\"0 0 {w} 12\" role=\"img\" aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title>",
        w = c(BAR_W),
        t = escape(&title)
    );
    if let Some(v) = value.filter(|v| v.is_finite() && largest > 0.0) {
        let colour = if v < 0.0 { VERMILLION } else { BLUE };
        let _ = write!(
            s,
            "<rect x=\"0\" y=\"2\" width=\"{}\" height=\"8\" fill=\"{colour}\"/>",
            c((BAR_W * v.abs() / largest).max(0.5))
        );
    }
    s.push_str("</svg>");
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use wordmill_analyse::BigramScores;

    use super::*;
    use crate::{CorpusSummary, Report, render_html, render_markdown, render_terminal};

    fn row(w1: &str, w2: &str, count: u64, pmi: f64) -> Collocation {
        Collocation {
            w1: Arc::from(w1),
            w2: Arc::from(w2),
            count,
            w1_count: count + 1,
            w2_count: count + 2,
            scores: BigramScores {
                pmi,
                llr: 2.5,
                chi2: f64::NAN,
                t: 0.1,
            },
        }
    }

    fn section(top: usize) -> CollocationsSection {
        let rows = vec![row("<b>", "x,\"y\"", 3, -1.25), row("new", "york", 7, 4.0)];
        let settings = CollocationsConfig::default()
            .measure(CollocationMeasure::Pmi)
            .min_count(3)
            .top(top)
            .span(BigramSpan::Sentence);
        let output = CollocationsOutput {
            n_docs: 2,
            n_tokens: 40,
            distinct_bigrams: 30,
            top: vec![rows[1].clone(), rows[0].clone()],
            bigrams: rows,
        };
        CollocationsSection::new(settings, output)
    }

    fn report(s: CollocationsSection) -> Report {
        let mut r = Report::new("demo", "00", CorpusSummary::default());
        r.push(s);
        r
    }

    #[test]
    fn csv_has_the_documented_columns_and_every_kept_row() {
        let s = section(20);
        let mut buf = Vec::new();
        write_collocations_csv(&mut buf, s.output.as_ref().unwrap()).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text,
            "w1,w2,count,w1_count,w2_count,pmi,llr,chi2,t\n\
             <b>,\"x,\"\"y\"\"\",3,4,5,-1.25,2.5,,0.1\n\
             new,york,7,8,9,4,2.5,,0.1\n"
        );
    }

    #[test]
    fn json_round_trips_with_undefined_measures_as_null() {
        let s = section(20);
        let r = report(s.clone());
        let mut buf = Vec::new();
        r.write_json(&mut buf).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        let c = &v["collocations"];
        assert_eq!(
            c["settings"],
            serde_json::json!({"min_count": 3, "measure": "pmi", "top": 20, "span": "sentence"})
        );
        assert_eq!(
            (&c["tokens"], &c["distinct_bigrams"], &c["bigrams_kept"]),
            (
                &serde_json::json!(40),
                &serde_json::json!(30),
                &serde_json::json!(2)
            )
        );
        assert_eq!(c["top"][0]["w1"], "new");
        assert_eq!(c["top"][0]["rank"], 1);
        assert!(c["top"][0]["chi2"].is_null());
        let back = Report::from_json(
            &buf,
            &[<CollocationsSection as AnalyserSection<Collocations>>::READER],
        )
        .unwrap();
        let read = back.section::<CollocationsSection>().unwrap();
        assert_eq!(read.summary, s.summary);
        assert!(read.output.is_none() && read.files().is_empty());
    }

    #[test]
    fn markdown_terminal_and_html_rank_and_escape() {
        let r = report(section(20));
        let md = render_markdown(&r);
        assert!(md.contains("## Collocations"), "{md}");
        assert!(md.contains("| rank | bigram | count | w1 count | w2 count | pmi |"));
        assert!(md.contains("| 1 | new york | 7 | 8 | 9 | 4.000 |"), "{md}");
        assert!(
            md.contains("| 2 | \\<b\\> x,\"y\" | 3 | 4 | 5 | -1.250 |"),
            "{md}"
        );
        assert!(md.contains("2 of 30 distinct bigrams (pairs of adjacent tokens within sentences) occur at least 3 times in 40 tokens; ranked by pointwise mutual information."), "{md}");
        let term = render_terminal(&r);
        assert!(
            term.contains("collocations: 2 bigrams (count >= 3); by pmi: new york, <b> x,\"y\""),
            "{term}"
        );
        let html = render_html(&r, &[]);
        assert!(html.contains("id=\"collocations\""));
        assert!(html.contains("&lt;b&gt; x,&quot;y&quot;"));
        assert!(!html.contains("<b>"));
        assert!(!html.contains("NaN"));
        // new york's bar is the longest, blue; the negative pmi's is vermillion.
        assert!(html.contains(&format!("width=\"120.0\" height=\"8\" fill=\"{BLUE}\"")));
        assert!(html.contains(&format!(
            "width=\"37.5\" height=\"8\" fill=\"{VERMILLION}\""
        )));
        assert_eq!(
            html.matches("<svg ").count(),
            html.matches("role=\"img\"").count()
        );
    }

    #[test]
    fn an_empty_result_says_so_and_long_lists_are_cut() {
        let mut s = section(20);
        s.summary.top.clear();
        s.summary.bigrams_kept = 0;
        let r = report(s);
        assert!(render_markdown(&r).contains("No bigram occurs 3 times or more."));
        assert!(render_html(&r, &[]).contains("No bigram occurs 3 times or more."));

        let mut s = section(100);
        let one = s.summary.top[0].clone();
        s.summary.top = (0..60)
            .map(|i| TopCollocation {
                rank: i + 1,
                ..one.clone()
            })
            .collect();
        let html = render_html(&report(s), &[]);
        assert_eq!(html.matches("<tr><td class=\"n\">").count(), MAX_TOP_TERMS);
        assert!(html.contains("shows 40 of the 60 top bigrams"));
    }
}

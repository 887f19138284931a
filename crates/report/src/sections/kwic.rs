//! The concordance section: `report.json`'s `kwic`, `kwic.csv`, the aligned concordance of
//! `report.md` and `report.html` (the match centred, the left context right-aligned) and the
//! concordance line of the terminal summary.

use std::any::Any;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use wordmill_analyse::{Kwic, KwicConfig, KwicHit, KwicOutput};

use crate::html::{Page, escape};
use crate::markdown::md;
use crate::model::SectionReader;
use crate::section::{AnalyserSection, DataFile, Figure, Headline, HtmlContext, Section};
use crate::tables::Rows;
use crate::text::{clip_chars, clip_chars_left, plural, sentence_number, thousands};

/// The columns of `kwic.csv`.
pub const KWIC_COLUMNS: [&str; 8] = [
    "pattern", "doc_id", "sentence", "start", "end", "left", "match", "right",
];

/// Characters of context shown on each side in Markdown and HTML.
const CONTEXT_CHARS: usize = 60;

/// What `report.json` holds of a concordance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KwicSummary {
    /// The analyser's settings.
    pub settings: KwicConfig,
    /// Each pattern, in the order of `patterns`.
    pub patterns: Vec<PatternSummary>,
}

/// One pattern: its totals and its first hits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatternSummary {
    /// The pattern as written.
    pub pattern: String,
    /// Hits in the corpus.
    pub hits: u64,
    /// Documents with at least one hit.
    pub documents: u64,
    /// The first `max_hits` hits, in corpus order.
    pub lines: Vec<KwicLine>,
}

/// One line of the concordance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KwicLine {
    /// The document's id.
    pub doc_id: String,
    /// Index of the sentence (0-based).
    pub sentence: usize,
    /// First byte of the match in the document's text.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The text before the match.
    pub left: String,
    /// The match as written.
    #[serde(rename = "match")]
    pub matched: String,
    /// The text after the match.
    pub right: String,
}

impl KwicLine {
    fn of(h: &KwicHit) -> Self {
        KwicLine {
            doc_id: h.doc_id.to_string(),
            sentence: h.sentence,
            start: h.start,
            end: h.end,
            left: h.left().to_string(),
            matched: h.matched().to_string(),
            right: h.right().to_string(),
        }
    }
}

impl KwicSummary {
    /// Summarises a finished concordance made with `settings`.
    pub fn from_output(settings: KwicConfig, out: &KwicOutput) -> Self {
        let patterns = out
            .patterns
            .iter()
            .enumerate()
            .map(|(i, p)| PatternSummary {
                pattern: p.pattern.clone(),
                hits: p.hits,
                documents: p.documents,
                lines: out
                    .first_hits(i, settings.max_hits)
                    .map(KwicLine::of)
                    .collect(),
            })
            .collect();
        KwicSummary { settings, patterns }
    }

    fn total(&self) -> u64 {
        self.patterns.iter().map(|p| p.hits).sum()
    }

    /// The sentence that opens the section (plain text).
    fn headline(&self) -> String {
        format!(
            "{} of {} in the normalised text, with {} of context on each side.",
            plural(self.total(), "hit", "hits"),
            plural(self.patterns.len() as u64, "pattern", "patterns"),
            plural(self.settings.window as u64, "token", "tokens"),
        )
    }
}

/// The concordance's section: its summary and, in a run, its whole output (for `kwic.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct KwicSection {
    /// What `report.json` holds.
    pub summary: KwicSummary,
    /// The whole output; `None` for a section read back from `report.json`.
    pub output: Option<KwicOutput>,
}

impl AnalyserSection<Kwic> for KwicSection {
    const READER: SectionReader = SectionReader {
        key: "kwic",
        title: "concordance",
        verb: "searched",
        files: &["kwic.csv"],
        read: |v| {
            Ok(Box::new(KwicSection {
                summary: serde_json::from_value(v)?,
                output: None,
            }))
        },
    };

    fn from_output(analyser: &Kwic, output: KwicOutput) -> Self {
        KwicSection {
            summary: KwicSummary::from_output(analyser.config().clone(), &output),
            output: Some(output),
        }
    }
}

/// Writes `kwic.csv`: `pattern,doc_id,sentence,start,end,left,match,right`, every hit (or each
/// pattern's first `max_hits_csv`) in corpus order; the texts as in the document, line breaks
/// included (quoted).
pub fn write_kwic_csv(w: &mut dyn Write, out: &KwicOutput) -> io::Result<()> {
    let mut rows = Rows::new(w);
    rows.header(&KWIC_COLUMNS.join(","))?;
    for h in &out.hits {
        let pattern = out
            .patterns
            .get(h.pattern)
            .map_or("", |p| p.pattern.as_str());
        rows.text(pattern, true);
        rows.text(&h.doc_id, false);
        for n in [h.sentence, h.start, h.end] {
            rows.integer(n as u64);
        }
        rows.text(h.left(), false);
        rows.text(h.matched(), false);
        rows.text(h.right(), false);
        rows.end()?;
    }
    rows.finish()
}

/// `"N hits in M documents"`.
fn counts(p: &PatternSummary) -> String {
    format!(
        "{} in {}",
        plural(p.hits, "hit", "hits"),
        plural(p.documents, "document", "documents")
    )
}

/// Where a line comes from: `doc_id, sentence N` (1-based).
fn source(l: &KwicLine) -> String {
    format!("{}, sentence {}", l.doc_id, sentence_number(l.sentence))
}

impl Section for KwicSection {
    fn key(&self) -> &'static str {
        "kwic"
    }

    /// The patterns by number of hits; each pattern's hits and documents as figures.
    fn headline(&self) -> Headline {
        let mut ranked: Vec<&PatternSummary> = self
            .summary
            .patterns
            .iter()
            .filter(|p| p.hits > 0)
            .collect();
        ranked.sort_by(|a, b| b.hits.cmp(&a.hits).then(a.pattern.cmp(&b.pattern)));
        let mut figures = Vec::new();
        for p in &self.summary.patterns {
            for (what, value) in [("hits", p.hits), ("documents", p.documents)] {
                figures.push(Figure {
                    name: format!("{what}[{}]", p.pattern),
                    value: value as f64,
                    count: true,
                });
            }
        }
        Headline {
            ranking: ranked.iter().map(|p| p.pattern.clone()).collect(),
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
            name: "kwic.csv",
            write: Box::new(move |w| write_kwic_csv(w, out)),
        }]
    }

    fn markdown(&self, s: &mut String) {
        let t = &self.summary;
        let _ = writeln!(s, "## Concordance\n");
        let _ = writeln!(s, "{}\n", t.headline());
        for p in &t.patterns {
            let _ = writeln!(s, "### {}: {}\n", md(&p.pattern), counts(p));
            if p.lines.is_empty() {
                continue;
            }
            let _ = writeln!(s, "| document | left | match | right |");
            let _ = writeln!(s, "| --- | ---: | :---: | --- |");
            for l in &p.lines {
                let _ = writeln!(
                    s,
                    "| {} | {} | **{}** | {} |",
                    md(&source(l)),
                    md(&clip_chars_left(&l.left, CONTEXT_CHARS)),
                    md(&clip_chars(&l.matched, CONTEXT_CHARS)),
                    md(&clip_chars(&l.right, CONTEXT_CHARS))
                );
            }
            if p.hits > p.lines.len() as u64 {
                let _ = writeln!(
                    s,
                    "\nThe first {} of {}; kwic.csv has them all.",
                    p.lines.len(),
                    thousands(p.hits)
                );
            }
            s.push('\n');
        }
    }

    fn terminal(&self, lines: &mut Vec<String>) {
        let t = &self.summary;
        let mut line = format!("  concordance: {}", plural(t.total(), "hit", "hits"));
        let mut sep = ": ";
        for p in &t.patterns {
            let item = format!("{} {}", p.pattern, thousands(p.hits));
            let item: String = item
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            if line.chars().count() + sep.len() + item.chars().count() > 80 {
                break;
            }
            line.push_str(sep);
            line.push_str(&item);
            sep = ", ";
        }
        lines.push(line);
    }

    fn html(&self, page: &mut Page, _ctx: &HtmlContext<'_>) {
        let t = &self.summary;
        page.section("kwic", "Concordance");
        let s = &mut page.body;
        let _ = writeln!(s, "<p>{}</p>", escape(&t.headline()));
        for p in &t.patterns {
            let _ = writeln!(
                s,
                "<h3>{} <small>{}</small></h3>",
                escape(&p.pattern),
                escape(&counts(p))
            );
            if p.lines.is_empty() {
                continue;
            }
            let _ = writeln!(
                s,
                "<table aria-label=\"{}\" style=\"width:100%;table-layout:fixed\"><colgroup><col style=\"width:16%\"><col style=\"width:36%\"><col style=\"width:14%\"><col style=\"width:34%\"></colgroup><thead><tr><th scope=\"col\">sentence · document</th><th scope=\"col\" style=\"text-align:right\">left</th><th scope=\"col\" style=\"text-align:center\">match</th><th scope=\"col\">right</th></tr></thead><tbody>",
                escape(&format!("Concordance of {}", p.pattern))
            );
            for l in &p.lines {
                let left = clip_chars_left(&l.left, CONTEXT_CHARS);
                let right = clip_chars(&l.right, CONTEXT_CHARS);
                let _ = writeln!(
                    s,
                    "<tr><td style=\"white-space:nowrap;overflow:hidden;text-overflow:ellipsis\" title=\"{}, bytes {}–{}\">{}</td><td style=\"text-align:right;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;direction:rtl\" title=\"{}\"><bdi>{}</bdi></td><td style=\"text-align:center\"><strong>{}</strong></td><td style=\"white-space:nowrap;overflow:hidden;text-overflow:ellipsis\" title=\"{}\">{}</td></tr>",
                    escape(&source(l)),
                    l.start,
                    l.end,
                    escape(&format!("{} · {}", sentence_number(l.sentence), l.doc_id)),
                    escape(&clip_chars(&l.left, 400)),
                    escape(&left),
                    escape(&clip_chars(&l.matched, CONTEXT_CHARS)),
                    escape(&clip_chars(&l.right, 400)),
                    escape(&right)
                );
            }
            s.push_str("</tbody></table>\n");
            if p.hits > p.lines.len() as u64 {
                page.notes.push(format!(
                    "The concordance of {} shows its first {} of {}; kwic.csv has every hit.",
                    p.pattern,
                    p.lines.len(),
                    plural(p.hits, "hit", "hits")
                ));
            }
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

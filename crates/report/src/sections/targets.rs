//! The targets section: `report.json`'s `targets`, `targets.csv`, `target_sentences.jsonl`, a
//! table and the examples in `report.md`, the targets side by side (mean compound, shares) and
//! their most positive and most negative sentences, mentions highlighted, in `report.html`, and
//! one line per target in the terminal summary.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use wordmill_analyse::{TargetExample, TargetSource, TargetStats, Targets, TargetsOutput, Unit};
use wordmill_model::Ordinal;

use crate::html::*;
use crate::markdown::{fit, md, pct as md_pct};
use crate::model::SectionReader;
use crate::section::{AnalyserSection, DataFile, Figure, Headline, HtmlContext, Section};
use crate::tables::Rows;
use crate::text::{marked_pieces, plural, quote_source, thousands, window};

/// Characters of a quoted sentence in `report.json` (a longer one is cut, ending with `…`).
const QUOTE_CHARS: usize = 400;

/// What `[analyse.targets]` asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetsSettings {
    /// What a mention is counted in: `sentence` or `document` (the sentiment unit).
    pub unit: String,
    /// The metadata keys of the groups.
    pub group_by: Vec<String>,
    /// Examples shown per side, target and group.
    pub examples: usize,
}

/// A quoted sentence with the target's mentions in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetQuote {
    /// Document id.
    pub doc_id: String,
    /// Sentence index in the document, from 0 (0 with `unit = "document"`).
    pub index: usize,
    /// Byte offset of the sentence in the document text.
    pub start: usize,
    /// Byte offset of its end.
    pub end: usize,
    /// Its compound score.
    pub compound: f64,
    /// The sentence as written, whitespace included; of a sentence longer than 400 characters,
    /// 400 of them around its first mention. It is the document's text from byte `text_start`,
    /// so that `text[m[0] - text_start .. m[1] - text_start]` is a mention.
    pub text: String,
    /// Byte offset of `text` in the document text (`start`, unless the sentence was cut).
    pub text_start: usize,
    /// The target's matches: `[start, end]` byte offsets in the document text.
    pub mentions: Vec<[usize; 2]>,
}

impl TargetQuote {
    fn new(e: &TargetExample) -> Self {
        let focus = e
            .mentions
            .first()
            .map_or(0, |m| m.start.saturating_sub(e.span.start));
        let (offset, part) = window(&e.text, focus, QUOTE_CHARS);
        TargetQuote {
            doc_id: e.doc_id.clone(),
            index: e.index,
            start: e.span.start,
            end: e.span.end,
            compound: e.compound,
            text: part.to_string(),
            text_start: e.span.start + offset,
            mentions: e.mentions.iter().map(|m| [m.start, m.end]).collect(),
        }
    }
}

/// A target's figures over some documents, as `report.json` has them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetFigures {
    /// Matches of its patterns.
    pub mentions: u64,
    /// Sentences with a match.
    pub sentences: u64,
    /// Documents with a match.
    pub documents: u64,
    /// Mean compound of those sentences.
    pub mean_compound: f64,
    /// Share of them with compound ≥ 0.05.
    pub pos_share: f64,
    /// Share of them with −0.05 < compound < 0.05.
    pub neu_share: f64,
    /// Share of them with compound ≤ −0.05.
    pub neg_share: f64,
    /// The most positive of them, best first.
    pub most_positive: Vec<TargetQuote>,
    /// The most negative of them, worst first.
    pub most_negative: Vec<TargetQuote>,
}

impl TargetFigures {
    fn new(s: &TargetStats) -> Self {
        TargetFigures {
            mentions: s.mentions,
            sentences: s.sentences,
            documents: s.documents,
            mean_compound: s.mean_compound,
            pos_share: s.pos_share,
            neu_share: s.neu_share,
            neg_share: s.neg_share,
            most_positive: s.most_positive.iter().map(TargetQuote::new).collect(),
            most_negative: s.most_negative.iter().map(TargetQuote::new).collect(),
        }
    }
}

/// One group of a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetGroupReport {
    /// The group: each `group_by` key with its value.
    pub key: BTreeMap<String, String>,
    /// Its figures.
    #[serde(flatten)]
    pub figures: TargetFigures,
}

/// One target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetReport {
    /// Its name.
    pub target: String,
    /// Its patterns as written.
    pub patterns: Vec<String>,
    /// Its figures over the corpus.
    #[serde(flatten)]
    pub figures: TargetFigures,
    /// Its figures per group in which it is mentioned, sorted by the values (empty without
    /// `group_by`).
    pub groups: Vec<TargetGroupReport>,
}

/// Targets in `report.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetsSummary {
    /// The settings it ran with.
    pub settings: TargetsSettings,
    /// Documents analysed.
    pub documents: u64,
    /// One entry per target, in the order written.
    pub targets: Vec<TargetReport>,
}

impl TargetsSummary {
    /// Summarises a finished targets analysis run with `targets`'s settings.
    pub fn from_output(targets: &Targets, out: &TargetsOutput) -> Self {
        let c = targets.config();
        TargetsSummary {
            settings: TargetsSettings {
                unit: targets.unit().name().to_string(),
                group_by: c.group_by.clone(),
                examples: c.examples,
            },
            documents: out.documents,
            targets: out
                .targets
                .iter()
                .zip(&c.targets)
                .map(|(t, spec)| TargetReport {
                    target: t.name.clone(),
                    patterns: match &spec.source {
                        TargetSource::Patterns(p) => p.clone(),
                        TargetSource::Category(_) => Vec::new(),
                    },
                    figures: TargetFigures::new(&t.overall),
                    groups: t
                        .groups
                        .iter()
                        .map(|g| TargetGroupReport {
                            key: out
                                .group_by
                                .iter()
                                .cloned()
                                .zip(g.key.iter().cloned())
                                .collect(),
                            figures: TargetFigures::new(&g.stats),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The targets analyser's section: its summary and, in a run, its whole output (for
/// `targets.csv` and `target_sentences.jsonl`).
#[derive(Debug, Clone, PartialEq)]
pub struct TargetsSection {
    /// What `report.json` holds.
    pub summary: TargetsSummary,
    /// The whole output; `None` for a section read back from `report.json`.
    pub output: Option<TargetsOutput>,
}

impl TargetsSection {
    /// Gives the documents the ids `renamed` holds for their ordinals (repeated ids made
    /// unique), in the output and the quotes alike.
    pub fn rename_documents(&mut self, renamed: &BTreeMap<Ordinal, String>) {
        let Some(out) = self.output.as_mut() else {
            return;
        };
        if renamed.is_empty() {
            return;
        }
        out.rename_documents(renamed);
        for (report, target) in self.summary.targets.iter_mut().zip(&out.targets) {
            report.figures = TargetFigures::new(&target.overall);
            for (g, stats) in report.groups.iter_mut().zip(&target.groups) {
                g.figures = TargetFigures::new(&stats.stats);
            }
        }
    }
}

impl AnalyserSection<Targets> for TargetsSection {
    /// Reads the section back from its object in `report.json`.
    const READER: SectionReader = SectionReader {
        key: "targets",
        title: "targets",
        verb: "scored targets",
        files: &["targets.csv", "target_sentences.jsonl"],
        read: |v| {
            Ok(Box::new(TargetsSection {
                summary: serde_json::from_value(v)?,
                output: None,
            }))
        },
    };

    fn from_output(targets: &Targets, output: TargetsOutput) -> Self {
        TargetsSection {
            summary: TargetsSummary::from_output(targets, &output),
            output: Some(output),
        }
    }
}

/// The fixed columns of `targets.csv` after the target and the group keys.
pub const TARGETS_COLUMNS: [&str; 6] = [
    "mentions",
    "sentences",
    "mean_compound",
    "pos_share",
    "neu_share",
    "neg_share",
];

/// Writes `targets.csv`: `target,<group keys>,mentions,sentences,mean_compound,pos_share,
/// neu_share,neg_share`, one row per target in the order written, or, with `group_by`, one
/// per target and group in which it is mentioned (groups sorted by their values).
pub fn write_targets_csv(w: &mut dyn Write, out: &TargetsOutput) -> io::Result<()> {
    let mut rows = Rows::new(w);
    rows.text("target", true);
    for k in &out.group_by {
        rows.text(k, false);
    }
    for c in TARGETS_COLUMNS {
        rows.text(c, false);
    }
    rows.end()?;
    let mut row = |name: &str, key: &[String], s: &TargetStats| {
        rows.text(name, true);
        for v in key {
            rows.text(v, false);
        }
        rows.integer(s.mentions);
        rows.integer(s.sentences);
        for x in [s.mean_compound, s.pos_share, s.neu_share, s.neg_share] {
            rows.float(x);
        }
        rows.end()
    };
    for t in &out.targets {
        if out.group_by.is_empty() {
            row(&t.name, &[], &t.overall)?;
        } else {
            for g in &t.groups {
                row(&t.name, &g.key, &g.stats)?;
            }
        }
    }
    rows.finish()
}

/// Writes `target_sentences.jsonl`: one line per target and sentence that mentions it, in
/// corpus order (documents, then sentences, then targets in the order written):
/// `target,doc_id,sentence,start,end,compound,mentions`, `mentions` the `[start, end]` byte
/// offsets of the matches in the document text.
pub fn write_target_sentences_jsonl(w: &mut dyn Write, out: &TargetsOutput) -> io::Result<()> {
    // Laid out by hand (the lines are what serde_json writes for the fields in this order):
    // each target's name is escaped once, each document's id once for its rows.
    let names = out
        .targets
        .iter()
        .map(|t| serde_json::to_vec(&t.name))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io::Error::other)?;
    let mut id_json: Vec<u8> = Vec::new();
    let mut id_of: Option<Ordinal> = None;
    let mut numbers = itoa::Buffer::new();
    let mut buf = Vec::with_capacity(64 * 1024 + 4096);
    for s in &out.sentences {
        if id_of != Some(s.ordinal) {
            id_json.clear();
            serde_json::to_writer(&mut id_json, &*s.doc_id).map_err(io::Error::other)?;
            id_of = Some(s.ordinal);
        }
        buf.extend_from_slice(b"{\"target\":");
        match names.get(s.target) {
            Some(name) => buf.extend_from_slice(name),
            None => buf.extend_from_slice(b"\"\""),
        }
        buf.extend_from_slice(b",\"doc_id\":");
        buf.extend_from_slice(&id_json);
        for (key, n) in [
            (&b",\"sentence\":"[..], s.index),
            (b",\"start\":", s.span.start),
            (b",\"end\":", s.span.end),
        ] {
            buf.extend_from_slice(key);
            buf.extend_from_slice(numbers.format(n).as_bytes());
        }
        buf.extend_from_slice(b",\"compound\":");
        serde_json::to_writer(&mut buf, &s.compound).map_err(io::Error::other)?;
        buf.extend_from_slice(b",\"mentions\":[");
        for (i, m) in s.mentions.iter().enumerate() {
            buf.extend_from_slice(if i == 0 { b"[" } else { b",[" });
            buf.extend_from_slice(numbers.format(m.start).as_bytes());
            buf.push(b',');
            buf.extend_from_slice(numbers.format(m.end).as_bytes());
            buf.push(b']');
        }
        buf.extend_from_slice(b"]}\n");
        if buf.len() >= 64 * 1024 {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)
}

/// "12 sentences" or "12 documents", as the unit is.
fn units(n: u64, unit: &str) -> String {
    if unit == Unit::Document.name() {
        plural(n, "document", "documents")
    } else {
        plural(n, "sentence", "sentences")
    }
}

/// A signed compound with 4 decimals, as the other sections write it.
fn compound(x: f64) -> String {
    format!("{:+.4}", fin(x))
}

/// The name of a group, as `key=value, key=value`.
fn group_name(key: &BTreeMap<String, String>, keys: &[String]) -> String {
    let values: Vec<String> = keys
        .iter()
        .map(|k| key.get(k).cloned().unwrap_or_default())
        .collect();
    group_label(keys, &values)
}

impl TargetQuote {
    /// Whether the text leaves out the start, and the end, of the sentence.
    fn cut(&self) -> (bool, bool) {
        (
            self.text_start > self.start,
            self.text_start + self.text.len() < self.end,
        )
    }
}

/// A quote in Markdown: whitespace collapsed, mentions in bold, `…` where it was cut.
fn md_quote(q: &TargetQuote) -> String {
    let (before, after) = q.cut();
    let mut out = String::from(if before { "…" } else { "" });
    for (piece, marked) in marked_pieces(&q.text, q.text_start, &q.mentions) {
        let text = md(piece);
        if marked {
            let _ = write!(out, "**{}**", text.trim());
        } else {
            out.push_str(&text);
        }
    }
    if after {
        out.push('…');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl TargetsSection {
    fn markdown_examples(&self, s: &mut String, f: &TargetFigures) {
        let unit = &self.summary.settings.unit;
        for (title, list) in [
            ("Most positive", &f.most_positive),
            ("Most negative", &f.most_negative),
        ] {
            if list.is_empty() {
                continue;
            }
            let _ = writeln!(s, "{title}:\n");
            for q in list {
                let _ = writeln!(
                    s,
                    "- **{}** ({}): {}",
                    compound(q.compound),
                    md(&quote_source(&q.doc_id, q.index, unit)),
                    md_quote(q)
                );
            }
            s.push('\n');
        }
    }
}

impl Section for TargetsSection {
    fn key(&self) -> &'static str {
        "targets"
    }

    /// Each target's mean compound, shares, sentences and mentions.
    fn headline(&self) -> Headline {
        let mut figures = Vec::new();
        for t in &self.summary.targets {
            let f = &t.figures;
            for (name, value, count) in [
                ("mean_compound", f.mean_compound, false),
                ("pos_share", f.pos_share, false),
                ("neg_share", f.neg_share, false),
                ("sentences", f.sentences as f64, true),
                ("mentions", f.mentions as f64, true),
            ] {
                figures.push(Figure {
                    name: format!("{}.{name}", t.target),
                    value,
                    count,
                });
            }
        }
        Headline {
            ranking: Vec::new(),
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
        vec![
            DataFile {
                name: "targets.csv",
                write: Box::new(move |w| write_targets_csv(w, out)),
            },
            DataFile {
                name: "target_sentences.jsonl",
                write: Box::new(move |w| write_target_sentences_jsonl(w, out)),
            },
        ]
    }

    fn markdown(&self, s: &mut String) {
        let k = &self.summary;
        let unit = &k.settings.unit;
        let _ = writeln!(s, "## Targets\n");
        let _ = writeln!(
            s,
            "VADER over the {} that mention each target, in {}; a {} that mentions two targets counts for both. Compound ≥ 0.05 is positive, ≤ -0.05 negative.\n",
            if unit == "document" {
                "documents"
            } else {
                "sentences"
            },
            plural(k.documents, "document", "documents"),
            if unit == "document" {
                "document"
            } else {
                "sentence"
            },
        );
        let _ = writeln!(
            s,
            "| target | mentions | {unit}s | mean compound | positive | neutral | negative |"
        );
        let _ = writeln!(s, "| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        for t in &k.targets {
            let f = &t.figures;
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} | {} | {} |",
                md(&t.target),
                thousands(f.mentions),
                thousands(f.sentences),
                compound(f.mean_compound),
                md_pct(f.pos_share),
                md_pct(f.neu_share),
                md_pct(f.neg_share)
            );
        }
        s.push('\n');
        for t in &k.targets {
            let _ = writeln!(s, "### {}\n", md(&t.target));
            if t.figures.sentences == 0 {
                let _ = writeln!(s, "Not mentioned.\n");
                continue;
            }
            if !t.groups.is_empty() {
                let keys = &k.settings.group_by;
                let _ = writeln!(
                    s,
                    "| {} | mentions | {unit}s | mean compound | positive | negative |",
                    keys.iter().map(|k| md(k)).collect::<Vec<_>>().join(" | ")
                );
                let _ = writeln!(
                    s,
                    "|{} ---: | ---: | ---: | ---: | ---: |",
                    " --- |".repeat(keys.len())
                );
                for g in &t.groups {
                    let values: Vec<String> = keys
                        .iter()
                        .map(|key| md(g.key.get(key).map_or("", String::as_str)))
                        .collect();
                    let f = &g.figures;
                    let _ = writeln!(
                        s,
                        "| {} | {} | {} | {} | {} | {} |",
                        values.join(" | "),
                        thousands(f.mentions),
                        thousands(f.sentences),
                        compound(f.mean_compound),
                        md_pct(f.pos_share),
                        md_pct(f.neg_share)
                    );
                }
                s.push('\n');
            }
            self.markdown_examples(s, &t.figures);
        }
    }

    fn terminal(&self, lines: &mut Vec<String>) {
        let unit = &self.summary.settings.unit;
        for t in &self.summary.targets {
            let f = &t.figures;
            lines.push(format!(
                "  target {}: {} in {}; {} pos, {} neg",
                fit(&t.target, 20),
                compound(f.mean_compound),
                units(f.sentences, unit),
                md_pct(f.pos_share),
                md_pct(f.neg_share)
            ));
        }
    }

    fn html(&self, page: &mut Page, _ctx: &HtmlContext<'_>) {
        targets_html(page, &self.summary);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// The mean-compound and shares charts of `rows` (`(label, figures)`), side by side.
fn side_by_side(page: &mut Page, what: &str, unit: &str, rows: &[(String, &TargetFigures)]) {
    let bars: Vec<(String, f64, String)> = rows
        .iter()
        .map(|(name, f)| {
            (
                name.clone(),
                f.mean_compound,
                format!("{} ({})", signed(f.mean_compound), units(f.sentences, unit)),
            )
        })
        .collect();
    crate::sections::keyness::diverging_chart(
        &mut page.body,
        &format!("Mean compound {what}"),
        &format!("mean compound of the {unit}s that mention it (number of {unit}s)"),
        &bars,
    );
    let shares: Vec<(String, [f64; 3], String)> = rows
        .iter()
        .map(|(name, f)| {
            (
                name.clone(),
                [f.neg_share, f.neu_share, f.pos_share],
                format!("{} neg · {} pos", pct(f.neg_share), pct(f.pos_share)),
            )
        })
        .collect();
    shares_chart(
        &mut page.body,
        &format!("Negative, neutral and positive {unit}s {what}"),
        &shares,
    );
    let s = &mut page.body;
    table_open(
        s,
        "Data",
        &[
            "",
            "mentions",
            &format!("{unit}s"),
            "mean compound",
            "positive",
            "neutral",
            "negative",
        ],
    );
    for (name, f) in rows {
        table_row(
            s,
            &[
                name.clone(),
                thousands(f.mentions),
                thousands(f.sentences),
                signed(f.mean_compound),
                pct(f.pos_share),
                pct(f.neu_share),
                pct(f.neg_share),
            ],
        );
    }
    table_close(s);
}

fn targets_html(page: &mut Page, k: &TargetsSummary) {
    page.section("targets", "Targets");
    let unit = k.settings.unit.as_str();
    let _ = writeln!(
        page.body,
        "<p>How each target is portrayed: VADER over the {unit}s that mention it (a {unit} that mentions two targets counts for both), in {}. A compound score ≥ 0.05 counts as positive, ≤ −0.05 as negative.</p>",
        plural(k.documents, "document", "documents"),
    );
    let shown = &k.targets[..k.targets.len().min(MAX_GROUPS)];
    if k.targets.len() > shown.len() {
        page.notes.push(format!(
            "The targets charts show the first {} of {} targets; targets.csv has them all.",
            shown.len(),
            thousands(k.targets.len() as u64)
        ));
    }
    if k.settings.examples > MAX_QUOTES {
        page.notes.push(format!(
            "Each target shows {MAX_QUOTES} of its {} most positive and most negative {unit}s; report.json has them all.",
            k.settings.examples
        ));
    }
    let rows: Vec<(String, &TargetFigures)> = shown
        .iter()
        .map(|t| (t.target.clone(), &t.figures))
        .collect();
    side_by_side(page, "by target", unit, &rows);
    let grouped = !k.settings.group_by.is_empty();
    let panels = &shown[..shown.len().min(MAX_PANELS)];
    if shown.len() > panels.len() {
        page.notes.push(format!(
            "Targets are drawn one by one (groups and quotes) for the first {} of {} targets; report.json has every quote and targets.csv every group.",
            panels.len(),
            thousands(k.targets.len() as u64)
        ));
    }
    for t in panels {
        let _ = writeln!(page.body, "<h3>{}</h3>", escape(&t.target));
        let f = &t.figures;
        let _ = writeln!(
            page.body,
            "<p>{} in {}; patterns: {}.</p>",
            plural(f.mentions, "mention", "mentions"),
            units(f.sentences, unit),
            escape(
                &t.patterns
                    .iter()
                    .map(|p| format!("“{p}”"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        );
        if f.sentences == 0 {
            continue;
        }
        if grouped && !t.groups.is_empty() {
            let groups = &t.groups[..t.groups.len().min(MAX_GROUPS)];
            if t.groups.len() > groups.len() {
                page.notes.push(format!(
                    "The groups of target {} are drawn for the first {} of {}; targets.csv has them all.",
                    t.target,
                    groups.len(),
                    thousands(t.groups.len() as u64)
                ));
            }
            let rows: Vec<(String, &TargetFigures)> = groups
                .iter()
                .map(|g| (group_name(&g.key, &k.settings.group_by), &g.figures))
                .collect();
            side_by_side(page, &format!("of {} by group", t.target), unit, &rows);
        }
        examples_html(page, f, unit);
    }
    page.end();
}

/// A target's most positive and most negative quotes, mentions highlighted.
fn examples_html(page: &mut Page, f: &TargetFigures, unit: &str) {
    if f.most_positive.is_empty() && f.most_negative.is_empty() {
        return;
    }
    let s = &mut page.body;
    s.push_str("<div class=\"quotes\">\n");
    for (title, list, class) in [
        ("Most positive", &f.most_positive, "pos"),
        ("Most negative", &f.most_negative, "neg"),
    ] {
        let _ = writeln!(s, "<div><h4>{title}</h4>");
        if list.is_empty() {
            let _ = writeln!(
                s,
                "<p>None: no {unit} that mentions it scored {}.</p>",
                if class == "pos" {
                    "0.05 or more"
                } else {
                    "−0.05 or less"
                }
            );
        }
        for q in list.iter().take(MAX_QUOTES) {
            let _ = write!(s, "<figure class=\"q {class}\"><blockquote>");
            let (before, after) = q.cut();
            if before {
                s.push('…');
            }
            marked_text(s, &q.text, q.text_start, &q.mentions);
            if after {
                s.push('…');
            }
            let _ = writeln!(
                s,
                "</blockquote><figcaption><span class=\"score\">{}</span> {}</figcaption></figure>",
                escape(&signed(q.compound)),
                escape(&quote_source(&q.doc_id, q.index, unit)),
            );
        }
        s.push_str("</div>\n");
    }
    s.push_str("</div>\n");
}

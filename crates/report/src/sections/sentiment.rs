//! The sentiment section: `report.json`'s `sentiment`, `groups.csv` (and the lines of
//! `sentences.jsonl` and the sentiment cells of `documents.csv`, which a run streams), the
//! sentiment part of `report.md`, the distribution, groups, arcs and quotes of `report.html`,
//! and the sentiment lines of the terminal summary.

use std::any::Any;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use wordmill_analyse::{
    DocumentSentiment, SentenceRecord, SentenceRef, Sentiment, SentimentOutput, SentimentSummary,
};

use crate::html::*;
use crate::markdown::{fit, md, pct as md_pct};
use crate::model::SectionReader;
use crate::section::{AnalyserSection, DataFile, DocumentColumn, Grouping, HtmlContext, Section};
use crate::text::{
    clip_chars, clip_px, plural, quotable, quote_source, sentence_number, thousands,
};

/// The sentiment analyser's section: its summary and, in a run, its whole output and the
/// documents whose arcs the HTML page draws.
#[derive(Debug, Clone, PartialEq)]
pub struct SentimentSection {
    /// What `report.json` holds.
    pub summary: SentimentReport,
    /// The whole output (its `sentences` may be empty: a run streams them to
    /// `sentences.jsonl`); `None` for a section read back from `report.json`.
    pub output: Option<SentimentOutput>,
    /// The documents whose sentiment arcs are drawn, when chosen while the run streamed them
    /// (see [`arc_choice`]); `None`: chosen from the output.
    pub arcs: Option<ArcSample>,
}

impl SentimentSection {
    /// The section of a finished sentiment analysis run with `rules` and `unit` (their
    /// pipeline names).
    pub fn new(output: SentimentOutput, rules: &str, unit: &str) -> Self {
        SentimentSection {
            summary: SentimentReport::from_output(&output, rules, unit),
            output: Some(output),
            arcs: None,
        }
    }
}

impl AnalyserSection<Sentiment> for SentimentSection {
    /// Reads the section back from its object in `report.json`.
    const READER: SectionReader = SectionReader {
        key: "sentiment",
        title: "sentiment",
        verb: "scored",
        files: &["sentences.jsonl", "groups.csv"],
        read: |v| {
            Ok(Box::new(SentimentSection {
                summary: serde_json::from_value(v)?,
                output: None,
                arcs: None,
            }))
        },
    };

    fn from_output(sentiment: &Sentiment, output: SentimentOutput) -> Self {
        let config = sentiment.config();
        SentimentSection::new(output, config.rules.name(), config.unit.name())
    }
}

impl Section for SentimentSection {
    fn key(&self) -> &'static str {
        "sentiment"
    }

    fn headline(&self) -> crate::section::Headline {
        let s = &self.summary;
        let share = |name: &str, value: f64| crate::section::Figure {
            name: name.into(),
            value,
            count: false,
        };
        let mut figures = vec![
            share("compound_mean", s.compound_mean),
            share("positive_share", s.positive_share),
            share("neutral_share", s.neutral_share),
            share("negative_share", s.negative_share),
        ];
        figures.extend(
            s.histogram
                .iter()
                .enumerate()
                .map(|(i, &n)| crate::section::Figure {
                    name: format!("histogram[{i}]"),
                    value: n as f64,
                    count: true,
                }),
        );
        crate::section::Headline {
            ranking: Vec::new(),
            figures,
        }
    }

    fn json(&self) -> &dyn erased_serde::Serialize {
        &self.summary
    }

    fn files(&self) -> Vec<DataFile<'_>> {
        match &self.output {
            Some(out) if !out.group_by.is_empty() => vec![DataFile {
                name: "groups.csv",
                write: Box::new(move |w| write_groups_csv(w, out)),
            }],
            _ => Vec::new(),
        }
    }

    fn markdown(&self, out: &mut String) {
        sentiment_markdown(out, &self.summary);
    }

    fn terminal(&self, lines: &mut Vec<String>) {
        let st = &self.summary;
        lines.push(format!(
            "  sentiment: compound {:+.4}; {} pos, {} neu, {} neg",
            st.compound_mean,
            md_pct(st.positive_share),
            md_pct(st.neutral_share),
            md_pct(st.negative_share)
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

    fn html(&self, page: &mut Page, _ctx: &HtmlContext<'_>) {
        sentiment_sections(
            page,
            Some(&self.summary),
            self.output.as_ref(),
            self.arcs.as_ref(),
        );
    }

    fn document_column(&self) -> Option<DocumentColumn<'_>> {
        let st = self.output.as_ref()?;
        Some(DocumentColumn {
            header: "mean compound",
            cell: Box::new(move |ordinal| {
                st.documents
                    .binary_search_by_key(&ordinal, |x| x.ordinal)
                    .ok()
                    .map(|i| &st.documents[i])
                    .filter(|x| x.sentences > 0)
                    .map(|x| signed(x.mean_compound))
                    .unwrap_or_default()
            }),
        })
    }

    fn grouping(&self) -> Option<Grouping<'_>> {
        let st = self.output.as_ref()?;
        Some(Grouping {
            keys: &st.group_by,
            groups: st.groups.iter().map(|g| g.key.as_slice()).collect(),
            documents: st
                .documents
                .iter()
                .map(|d| (d.ordinal, d.group.as_slice()))
                .collect(),
        })
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// Sentiment in `report.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentReport {
    /// `vader`, `vader-news` or `none`.
    pub rules: String,
    /// `sentence` or `document`.
    pub unit: String,
    /// Metadata keys of the groups.
    pub group_by: Vec<String>,
    /// Documents scored.
    pub documents: u64,
    /// Units scored (sentences, or documents with `unit = "document"`).
    pub sentences: u64,
    /// Mean compound over all units.
    pub compound_mean: f64,
    /// Mean of the documents' mean compounds.
    pub document_compound_mean: f64,
    /// Share of units with compound ≥ 0.05.
    pub positive_share: f64,
    /// Share of units with -0.05 < compound < 0.05.
    pub neutral_share: f64,
    /// Share of units with compound ≤ -0.05.
    pub negative_share: f64,
    /// Counts of compound in 20 bins of width 0.1 over [-1, 1] (the last bin includes 1).
    pub histogram: Vec<u64>,
    /// The most positive units of the corpus, best first.
    pub most_positive: Vec<Quote>,
    /// The most negative units of the corpus, worst first.
    pub most_negative: Vec<Quote>,
    /// One entry per group, sorted by key.
    pub groups: Vec<GroupReport>,
}

/// A quoted sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Document id.
    pub doc_id: String,
    /// Sentence index in the document, from 0 (people read it from 1: see `docs/outputs.md`).
    pub index: usize,
    /// Its compound score.
    pub compound: f64,
    /// Its text (at most 400 characters; longer ones end with `…`).
    pub text: String,
}

/// One group's aggregates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    /// The group: each `group_by` key with its value.
    pub key: BTreeMap<String, String>,
    /// Documents in the group.
    pub documents: u64,
    /// Units in the group.
    pub sentences: u64,
    /// Mean compound over the group's units.
    pub compound_mean: f64,
    /// Mean of its documents' mean compounds.
    pub document_compound_mean: f64,
    /// Share of positive units.
    pub positive_share: f64,
    /// Share of neutral units.
    pub neutral_share: f64,
    /// Share of negative units.
    pub negative_share: f64,
    /// Histogram as for the corpus.
    pub histogram: Vec<u64>,
}

/// Characters of a quoted text in `report.json` and `documents.csv`.
pub(crate) const QUOTE_CHARS: usize = 400;

/// A quoted text: whitespace collapsed, at most [`QUOTE_CHARS`] characters.
pub(crate) fn clip(text: &str) -> String {
    crate::text::clip_chars(text, QUOTE_CHARS)
}

impl SentimentReport {
    /// Summarises a finished sentiment analysis.
    pub fn from_output(out: &SentimentOutput, rules: &str, unit: &str) -> Self {
        let s = &out.corpus;
        let quote = |q: &wordmill_analyse::Quote| Quote {
            doc_id: q.doc_id.clone(),
            index: q.index,
            compound: q.compound,
            text: clip(&q.text),
        };
        SentimentReport {
            rules: rules.to_string(),
            unit: unit.to_string(),
            group_by: out.group_by.clone(),
            documents: s.documents as u64,
            sentences: s.sentences as u64,
            compound_mean: s.mean_compound,
            document_compound_mean: s.mean_document_compound,
            positive_share: s.positive,
            neutral_share: s.neutral,
            negative_share: s.negative,
            histogram: s.histogram.clone(),
            most_positive: out.most_positive.iter().map(quote).collect(),
            most_negative: out.most_negative.iter().map(quote).collect(),
            groups: if out.group_by.is_empty() {
                Vec::new()
            } else {
                out.groups
                    .iter()
                    .map(|g| group(&out.group_by, &g.key, &g.summary))
                    .collect()
            },
        }
    }
}

pub(crate) fn group(keys: &[String], values: &[String], s: &SentimentSummary) -> GroupReport {
    GroupReport {
        key: keys.iter().cloned().zip(values.iter().cloned()).collect(),
        documents: s.documents as u64,
        sentences: s.sentences as u64,
        compound_mean: s.mean_compound,
        document_compound_mean: s.mean_document_compound,
        positive_share: s.positive,
        neutral_share: s.neutral,
        negative_share: s.negative,
        histogram: s.histogram.clone(),
    }
}

/// Writes `sentences.jsonl`: one JSON object per scored unit, in document then sentence order:
/// `doc_id,index,start,end,neg,neu,pos,compound` (and `explanation` when asked for).
pub fn write_sentences_jsonl(w: &mut dyn Write, out: &SentimentOutput) -> io::Result<()> {
    let mut buf = Vec::with_capacity(LINES_BUFFER + 4096);
    for s in &out.sentences {
        push_sentence_line(&mut buf, s)?;
        if buf.len() >= LINES_BUFFER {
            w.write_all(&buf)?;
            buf.clear();
        }
    }
    w.write_all(&buf)
}

/// How many bytes of lines [`write_sentences_jsonl`] gathers before each write.
pub(crate) const LINES_BUFFER: usize = 64 * 1024;

/// Writes one line of `sentences.jsonl`.
pub fn write_sentence_line(w: &mut dyn Write, s: &SentenceRecord) -> io::Result<()> {
    let mut buf = Vec::with_capacity(128);
    push_sentence_line(&mut buf, s)?;
    w.write_all(&buf)
}

/// Appends one line of `sentences.jsonl` (with its newline) to `buf`: the same bytes as
/// [`write_sentence_line`], without a call through `dyn Write` for every piece of the line.
pub fn push_sentence_line(buf: &mut Vec<u8>, s: &SentenceRecord) -> io::Result<()> {
    if s.explanation.is_some() {
        serde_json::to_writer(&mut *buf, s).map_err(io::Error::other)?;
        buf.push(b'\n');
        return Ok(());
    }
    // The same bytes serde_json writes for the record, field by field, without its
    // serializer: this runs once per sentence of the corpus.
    buf.reserve(s.doc_id.len() + 192);
    buf.extend_from_slice(b"{\"doc_id\":");
    push_json_str(buf, &s.doc_id)?;
    buf.extend_from_slice(b",\"index\":");
    crate::plain::push_u64(buf, s.index as u64);
    buf.extend_from_slice(b",\"start\":");
    crate::plain::push_u64(buf, s.start as u64);
    buf.extend_from_slice(b",\"end\":");
    crate::plain::push_u64(buf, s.end as u64);
    buf.extend_from_slice(b",\"neg\":");
    push_score(buf, s.neg)?;
    buf.extend_from_slice(b",\"neu\":");
    push_score(buf, s.neu)?;
    buf.extend_from_slice(b",\"pos\":");
    push_score(buf, s.pos)?;
    buf.extend_from_slice(b",\"compound\":");
    push_score(buf, s.compound)?;
    buf.extend_from_slice(b"}\n");
    Ok(())
}

/// A JSON string as serde_json writes it: copied as is when nothing needs escaping.
#[inline]
pub(crate) fn push_json_str(buf: &mut Vec<u8>, s: &str) -> io::Result<()> {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(&mut *buf, s).map_err(io::Error::other)
    }
}

/// A score as serde_json writes it (the shortest decimal that reads back as the same `f64`).
/// VADER's scores are rounded to 3 or 4 decimals, so each is the `f64` nearest to some
/// `k / 10_000` with `|k| ≤ 10_000`, and that decimal, without trailing zeros, is its shortest
/// form; anything else goes through serde_json.
pub(crate) fn push_score(buf: &mut Vec<u8>, x: f64) -> io::Result<()> {
    let scaled = x * 10_000.0;
    // Rounded half away from zero (`f64::round` is a library call on baseline x86-64); the
    // check below makes any candidate safe: only the true `k` gives back `x`.
    let k = (scaled + 0.5_f64.copysign(scaled)) as i64;
    if !(k.unsigned_abs() <= 10_000 && k as f64 / 10_000.0 == x) {
        return serde_json::to_writer(&mut *buf, &x).map_err(io::Error::other);
    }
    let k = k.unsigned_abs() as u32;
    let frac = k % 10_000;
    let text = [
        b'-',
        b'0' + (k / 10_000) as u8,
        b'.',
        b'0' + (frac / 1_000) as u8,
        b'0' + (frac / 100 % 10) as u8,
        b'0' + (frac / 10 % 10) as u8,
        b'0' + (frac % 10) as u8,
    ];
    // At least one digit after the point; no trailing zeros after it.
    let mut end = text.len();
    while end > 4 && text[end - 1] == b'0' {
        end -= 1;
    }
    let start = usize::from(!x.is_sign_negative());
    buf.extend_from_slice(&text[start..end]);
    Ok(())
}

/// Writes `groups.csv`: one column per `group_by` key, then
/// `documents,sentences,compound_mean,document_compound_mean,positive_share,neutral_share,negative_share`.
pub fn write_groups_csv(w: &mut dyn Write, out: &SentimentOutput) -> io::Result<()> {
    let mut wr = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(w);
    let mut header: Vec<String> = out.group_by.clone();
    header.extend(
        [
            "documents",
            "sentences",
            "compound_mean",
            "document_compound_mean",
            "positive_share",
            "neutral_share",
            "negative_share",
        ]
        .map(String::from),
    );
    wr.write_record(&header).map_err(io::Error::other)?;
    for g in &out.groups {
        let s = &g.summary;
        let mut row = g.key.clone();
        row.extend([
            s.documents.to_string(),
            s.sentences.to_string(),
            s.mean_compound.to_string(),
            s.mean_document_compound.to_string(),
            s.positive.to_string(),
            s.neutral.to_string(),
            s.negative.to_string(),
        ]);
        wr.write_record(&row).map_err(io::Error::other)?;
    }
    wr.flush()
}

/// The sentiment columns of `documents.csv`.
pub const DOCUMENT_COLUMNS: [&str; 11] = [
    "scored_sentences",
    "compound_mean",
    "positive_share",
    "neutral_share",
    "negative_share",
    "most_positive_index",
    "most_positive_compound",
    "most_positive_sentence",
    "most_negative_index",
    "most_negative_compound",
    "most_negative_sentence",
];

/// The sentiment cells of `documents.csv` ([`DOCUMENT_COLUMNS`]) of one document.
pub fn document_sentiment_cells(d: &DocumentSentiment) -> Vec<String> {
    let refs = |r: &Option<SentenceRef>| match r {
        Some(r) => [r.index.to_string(), r.compound.to_string(), clip(&r.text)],
        None => [String::new(), String::new(), String::new()],
    };
    let mut cells = vec![
        d.sentences.to_string(),
        d.mean_compound.to_string(),
        d.positive.to_string(),
        d.neutral.to_string(),
        d.negative.to_string(),
    ];
    cells.extend(refs(&d.most_positive));
    cells.extend(refs(&d.most_negative));
    cells
}

pub(crate) fn sentiment_markdown(s: &mut String, st: &SentimentReport) {
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
        md_pct(st.positive_share),
        md_pct(st.neutral_share),
        md_pct(st.negative_share)
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
                md_pct(g.positive_share),
                md_pct(g.negative_share)
            ));
            let _ = writeln!(s, "{row}");
        }
        s.push('\n');
    }
}

/// The sentiment arcs to draw, chosen before rendering.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArcSample {
    /// The chosen documents, in corpus order, each with its sentences' compound scores.
    pub documents: Vec<(wordmill_analyse::DocumentSentiment, Vec<f64>)>,
    /// Number of documents with at least one scored sentence (the ones arcs are chosen from).
    pub total: usize,
}

/// Which of `n` documents with scored sentences (numbered in corpus order) get a sentiment arc:
/// at most a fixed number, spread evenly over the corpus.
pub fn arc_choice(n: usize) -> Vec<usize> {
    spread(n, MAX_PANELS)
}

// ---------------------------------------------------------------------------------------------
// Sentiment

/// The noun of the scored unit, singular and plural.
#[derive(Clone, Copy)]
pub(crate) struct UnitWords {
    pub(crate) one: &'static str,
    pub(crate) many: &'static str,
}

/// A quote, whichever list it came from.
pub(crate) struct QuoteView {
    doc_id: String,
    index: usize,
    compound: f64,
    text: String,
}

pub(crate) fn sentiment_sections(
    page: &mut Page,
    report: Option<&SentimentReport>,
    output: Option<&SentimentOutput>,
    arcs: Option<&ArcSample>,
) {
    if report.is_none() && output.is_none() {
        return;
    }
    // Summary figures: from the report when present, else from the output.
    let (rules, unit, docs, units, mean, doc_mean, pos, neu, neg, hist) = match (report, output) {
        (Some(r), _) => (
            r.rules.clone(),
            r.unit.clone(),
            r.documents,
            r.sentences,
            r.compound_mean,
            r.document_compound_mean,
            r.positive_share,
            r.neutral_share,
            r.negative_share,
            r.histogram.clone(),
        ),
        (None, Some(o)) => (
            String::from("vader"),
            String::from("sentence"),
            o.corpus.documents as u64,
            o.corpus.sentences as u64,
            o.corpus.mean_compound,
            o.corpus.mean_document_compound,
            o.corpus.positive,
            o.corpus.neutral,
            o.corpus.negative,
            o.corpus.histogram.clone(),
        ),
        (None, None) => return,
    };
    let words = if unit == "document" {
        UnitWords {
            one: "document",
            many: "documents",
        }
    } else {
        UnitWords {
            one: "sentence",
            many: "sentences",
        }
    };
    page.section("sentiment", "Sentiment distribution");
    let s = &mut page.body;
    let _ = writeln!(
        s,
        "<p>VADER (<code>{}</code> rules) over {} of {}. A compound score ≥ 0.05 counts as positive, ≤ −0.05 as negative. Mean compound <strong>{}</strong>; mean of the documents’ means {}.</p>",
        escape(&rules),
        plural(units, words.one, words.many),
        plural(docs, "document", "documents"),
        signed(mean),
        signed(doc_mean)
    );
    shares_bar(s, pos, neu, neg, words.many);
    histogram(s, &hist, words);
    page.end();

    if let Some(r) = report.filter(|r| !r.groups.is_empty() && !r.group_by.is_empty()) {
        groups_section(page, r);
    } else if let Some(o) = output.filter(|o| !o.groups.is_empty() && !o.group_by.is_empty()) {
        // No report model: build the same view from the output.
        let r = SentimentReport::from_output(o, &rules, &unit);
        groups_section(page, &r);
    }
    if let Some(out) = output
        && unit != "document"
    {
        match arcs {
            Some(sample) => arcs_section(page, sample),
            None => arcs_section(page, &arcs_of(out)),
        }
    }

    // Quotes: the report's (already clipped) or the output's.
    let clipq = |doc_id: &str, index: usize, compound: f64, text: &str| QuoteView {
        doc_id: doc_id.to_string(),
        index,
        compound,
        text: clip_chars(text, QUOTE_CHARS),
    };
    let (best, worst): (Vec<QuoteView>, Vec<QuoteView>) = match (report, output) {
        (Some(r), _) => (
            r.most_positive
                .iter()
                .map(|q| clipq(&q.doc_id, q.index, q.compound, &q.text))
                .collect(),
            r.most_negative
                .iter()
                .map(|q| clipq(&q.doc_id, q.index, q.compound, &q.text))
                .collect(),
        ),
        (None, Some(o)) => (
            o.most_positive
                .iter()
                .map(|q| clipq(&q.doc_id, q.index, q.compound, &q.text))
                .collect(),
            o.most_negative
                .iter()
                .map(|q| clipq(&q.doc_id, q.index, q.compound, &q.text))
                .collect(),
        ),
        (None, None) => (Vec::new(), Vec::new()),
    };
    // Only positive units are "most positive", only negative ones "most negative".
    let best: Vec<QuoteView> = best
        .into_iter()
        .filter(|q| quotable(q.compound, true))
        .collect();
    let worst: Vec<QuoteView> = worst
        .into_iter()
        .filter(|q| quotable(q.compound, false))
        .collect();
    if !best.is_empty() || !worst.is_empty() {
        page.section("quotes", "Most positive and most negative");
        let s = &mut page.body;
        s.push_str("<div class=\"quotes\">\n");
        for (title, list, class) in [
            ("Most positive", &best, "pos"),
            ("Most negative", &worst, "neg"),
        ] {
            let _ = writeln!(s, "<div><h3>{title}</h3>");
            if list.is_empty() {
                let _ = writeln!(
                    s,
                    "<p>None: no {} scored {}.</p>",
                    words.one,
                    if class == "pos" {
                        "0.05 or more"
                    } else {
                        "−0.05 or less"
                    }
                );
            }
            for q in list.iter().take(MAX_QUOTES) {
                let _ = writeln!(
                    s,
                    "<figure class=\"q {class}\"><blockquote>{}</blockquote><figcaption><span class=\"score\">{}</span> {}</figcaption></figure>",
                    escape(&q.text),
                    escape(&signed(q.compound)),
                    escape(&quote_source(&q.doc_id, q.index, &unit)),
                );
            }
            s.push_str("</div>\n");
        }
        s.push_str("</div>\n");
        page.end();
    }
}

/// The positive / neutral / negative shares as one stacked bar.
pub(crate) fn shares_bar(s: &mut String, pos: f64, neu: f64, neg: f64, unit_word: &str) {
    let (left, right, y, h) = (8.0, 8.0, 28.0, 26.0);
    let plot = W - left - right;
    svg_open(
        s,
        80.0,
        &format!("Share of {unit_word} by sentiment"),
        "stacked bar: negative, neutral, positive",
    );
    let mut x = left;
    for (label, share, colour, text_colour) in [
        ("negative", neg, VERMILLION, "#fff"),
        ("neutral", neu, "#d9d9d9", "#222"),
        ("positive", pos, BLUE, "#fff"),
    ] {
        let w = plot * fin(share).clamp(0.0, 1.0);
        let _ = write!(
            s,
            "<g><title>{label}: {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"/>",
            pct(share),
            c(x),
            c(y),
            c(w),
            c(h)
        );
        if w > 110.0 {
            let _ = write!(
                s,
                "<text class=\"inbar\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{text_colour}\">{label} {}</text>",
                c(x + w / 2.0),
                c(y + h / 2.0 + 5.0),
                pct(share)
            );
        }
        s.push_str("</g>\n");
        x += w;
    }
    let _ = writeln!(
        s,
        "<text class=\"tick\" x=\"{}\" y=\"72\">negative {} · neutral {} · positive {}</text></svg>",
        c(left),
        pct(neg),
        pct(neu),
        pct(pos)
    );
}

/// A histogram bin dwarfs the rest when it holds more than this many times the next largest.
pub(crate) const DOMINANT: u64 = 4;

/// The bin that dwarfs the others, if any: `(its index, the largest count of the others)`.
pub(crate) fn dominant_bin(hist: &[u64]) -> Option<(usize, u64)> {
    let (top, max) = hist.iter().enumerate().fold(
        (0, 0),
        |(bi, bc), (i, &n)| if n > bc { (i, n) } else { (bi, bc) },
    );
    let second = hist
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != top)
        .map(|(_, n)| *n)
        .max()?;
    (second > 0 && max > second.saturating_mul(DOMINANT)).then_some((top, second))
}

/// The 20-bin histogram of compound scores.
///
/// When one bin dwarfs the rest (see [`dominant_bin`]) the scale is set by the other bins and
/// that bin's bar is broken: it runs past the top of the scale with a gap cut across it and its
/// count written above it, and a caption under the chart says so.
pub(crate) fn histogram(s: &mut String, hist: &[u64], words: UnitWords) {
    let dominant = dominant_bin(hist);
    let top = if dominant.is_some() { 52.0 } else { 34.0 };
    let (left, right, bottom) = (70.0, 20.0, 52.0);
    let height = top + 234.0 + bottom;
    let plot_w = W - left - right;
    let plot_h = height - top - bottom;
    let max = hist.iter().copied().max().unwrap_or(0).max(1);
    let scale_max = dominant.map_or(max, |(_, second)| second);
    let (yt, dec, ymax) = nice_axis(scale_max as f64, 5);
    let x = |v: f64| left + plot_w * (v + 1.0) / 2.0;
    let y = |v: f64| top + plot_h * (1.0 - v.min(ymax) / ymax);
    let n = hist.len().max(1);
    let bw = 2.0 / n as f64;
    let bin_range = |i: usize| {
        let lo = -1.0 + bw * i as f64;
        (lo, lo + bw)
    };
    let broken = dominant.map(|(i, _)| {
        let (lo, hi) = bin_range(i);
        format!(
            "The bin from {} to {} holds {}, more than {DOMINANT} times as many as any other bin, so its bar is broken: the scale stops at {} to keep the other bins readable.",
            num(lo, 1),
            num(hi, 1),
            plural(hist[i], words.one, words.many),
            tick_label(ymax, dec)
        )
    });
    svg_open(
        s,
        height,
        &format!("Distribution of compound scores ({} bins)", hist.len()),
        &format!(
            "histogram of {} by compound score from -1 to 1{}",
            words.many,
            broken.as_ref().map_or(String::new(), |b| format!(". {b}"))
        ),
    );
    for t in &yt {
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/><text class=\"tick\" x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>",
            c(left),
            c(W - right),
            c(y(*t)),
            c(left - 6.0),
            c(y(*t) + 4.0),
            tick_label(*t, dec)
        );
    }
    for (i, count) in hist.iter().enumerate() {
        let (lo, hi) = bin_range(i);
        let mid = (lo + hi) / 2.0;
        // Colour by the bin's centre; the two bins around zero hold the neutral band.
        let colour = if mid.abs() < bw {
            GREY
        } else {
            sentiment_colour(mid)
        };
        let opacity = 0.45 + 0.55 * mid.abs().min(1.0);
        let is_broken = dominant.is_some_and(|(d, _)| d == i);
        // A broken bar runs past the top of the scale, into the space above the plot.
        let bar_top = if is_broken {
            top - 8.0
        } else {
            y(*count as f64)
        };
        let (bx, bwidth) = (x(lo) + 1.0, plot_w * bw / 2.0 - 2.0);
        let _ = write!(
            s,
            "<g><title>{} to {}: {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\" fill-opacity=\"{}\"/>",
            num(lo, 1),
            num(hi, 1),
            plural(*count, words.one, words.many),
            c(bx),
            c(bar_top),
            c(bwidth),
            c(y(0.0) - bar_top),
            num(opacity, 2)
        );
        if is_broken {
            // The break: a white band cut slantwise across the bar, and the count above it.
            let yb = top + 10.0;
            let _ = write!(
                s,
                "<path class=\"break\" d=\"M{},{}L{},{}L{},{}L{},{}Z\" fill=\"#fff\"/><text class=\"val\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                c(bx - 1.0),
                c(yb + 3.0),
                c(bx + bwidth + 1.0),
                c(yb - 3.0),
                c(bx + bwidth + 1.0),
                c(yb + 2.0),
                c(bx - 1.0),
                c(yb + 8.0),
                c(bx + bwidth / 2.0),
                c(bar_top - 5.0),
                thousands(*count)
            );
        }
        s.push_str("</g>\n");
    }
    for t in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let _ = writeln!(
            s,
            "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>",
            c(x(t)),
            c(y(0.0)),
            c(y(0.0) + 5.0),
            c(y(0.0) + 18.0),
            num(t, 1)
        );
    }
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><line class=\"axis\" x1=\"{0}\" x2=\"{3}\" y1=\"{2}\" y2=\"{2}\"/><text class=\"axl\" x=\"{4}\" y=\"{5}\" text-anchor=\"middle\">compound score (negative ← → positive)</text><text class=\"axl\" transform=\"translate(16 {6}) rotate(-90)\" text-anchor=\"middle\">{7}</text></svg>",
        c(left),
        c(top),
        c(y(0.0)),
        c(W - right),
        c(left + plot_w / 2.0),
        c(height - 12.0),
        c(top + plot_h / 2.0),
        words.many
    );
    if let Some(b) = &broken {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", escape(b));
    }
    table_open(s, "Data", &["from", "to", words.many]);
    for (i, count) in hist.iter().enumerate() {
        let (lo, hi) = bin_range(i);
        table_row(s, &[num(lo, 1), num(hi, 1), thousands(*count)]);
    }
    table_close(s);
}

/// Averages `values` into at most `k` consecutive buckets: `(first index, last index, mean)`.
pub(crate) fn buckets(values: &[f64], k: usize) -> Vec<(usize, usize, f64)> {
    let n = values.len();
    if n <= k {
        return values
            .iter()
            .enumerate()
            .map(|(i, v)| (i, i, fin(*v)))
            .collect();
    }
    (0..k)
        .map(|b| {
            let (lo, hi) = (b * n / k, ((b + 1) * n / k).max(b * n / k + 1));
            let mean = values[lo..hi].iter().map(|v| fin(*v)).sum::<f64>() / (hi - lo) as f64;
            (lo, hi - 1, mean)
        })
        .collect()
}

/// A centred moving average with this window (shrinking at the ends).
pub(crate) fn smooth(values: &[f64], window: usize) -> Vec<f64> {
    let half = window / 2;
    let mut prefix = Vec::with_capacity(values.len() + 1);
    prefix.push(0.0);
    for v in values {
        prefix.push(prefix.last().copied().unwrap_or(0.0) + v);
    }
    (0..values.len())
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(values.len());
            (prefix[hi] - prefix[lo]) / (hi - lo) as f64
        })
        .collect()
}

/// The arcs of a complete sentiment output.
pub(crate) fn arcs_of(out: &SentimentOutput) -> ArcSample {
    // Each document's records form one consecutive run of `out.sentences`.
    let mut ranges: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    let mut offset = 0usize;
    for (i, d) in out.documents.iter().enumerate() {
        let end = offset + d.sentences;
        if d.sentences > 0 && end <= out.sentences.len() && out.sentences[offset].doc_id == d.id {
            ranges.push((i, offset..end));
        }
        offset = end;
    }
    ArcSample {
        documents: arc_choice(ranges.len())
            .into_iter()
            .map(|k| {
                let (di, range) = &ranges[k];
                let values = out.sentences[range.clone()]
                    .iter()
                    .map(|r| r.compound)
                    .collect();
                (out.documents[*di].clone(), values)
            })
            .collect(),
        total: ranges.len(),
    }
}

pub(crate) fn arcs_section(page: &mut Page, sample: &ArcSample) {
    if sample.documents.is_empty() {
        return;
    }
    page.section("arcs", "Sentiment arcs");
    let (shown, total) = (sample.documents.len(), sample.total);
    let s = &mut page.body;
    s.push_str("<p>Each document’s compound score sentence by sentence, from its first sentence (left) to its last (right): blue above the zero line is positive, vermillion below it negative. The black line is a centred moving average that shows where the text turns; each chart states its window (about a tenth of the document, at least 3 sentences, shorter at the ends). Circles mark the document’s most positive and most negative sentence, when it has one (hover for the text).</p>\n");
    if total > shown {
        let _ = writeln!(
            s,
            "<p class=\"note\">{} of {} are shown, spread evenly over the corpus order; sentences.jsonl has every score.</p>",
            shown,
            plural(total as u64, "document", "documents")
        );
        page.notes.push(format!(
            "Sentiment arcs are drawn for {} of {}.",
            shown,
            plural(total as u64, "document", "documents")
        ));
    }
    let mut sampled = 0usize;
    for (d, values) in &sample.documents {
        let values: Vec<f64> = values.iter().map(|&c| fin(c)).collect();
        if values.len() > MAX_ARC_POINTS {
            sampled += 1;
        }
        arc_chart(&mut page.body, d, &values);
    }
    if sampled > 0 {
        let _ = writeln!(
            page.body,
            "<p class=\"note\">In {} of the arcs above, consecutive sentences are averaged into {MAX_ARC_POINTS} points.</p>",
            sampled
        );
        page.notes.push(format!(
            "In {}, consecutive sentences are averaged into {MAX_ARC_POINTS} points.",
            plural(sampled as u64, "sentiment arc", "sentiment arcs")
        ));
    }
    page.end();
}

/// The window of an arc's moving average, in points, and how it reads on the chart.
pub(crate) fn arc_window(sentences: usize, points: usize) -> (usize, String) {
    let window = (points / 10).max(3) | 1;
    let text = if points >= sentences {
        format!(
            "moving average over {}",
            plural(window as u64, "sentence", "sentences")
        )
    } else {
        let per_point = sentences as f64 / points.max(1) as f64;
        format!(
            "moving average over about {} sentences",
            thousands((window as f64 * per_point).round() as u64)
        )
    };
    (window, text)
}

pub(crate) fn arc_chart(s: &mut String, d: &wordmill_analyse::DocumentSentiment, values: &[f64]) {
    let (left, right, top, bottom, height) = (56.0, 20.0, 34.0, 40.0, 190.0);
    let plot_w = W - left - right;
    let plot_h = height - top - bottom;
    let n = values.len();
    let points = buckets(values, MAX_ARC_POINTS);
    let (window, window_text) = arc_window(n, points.len());
    let smoothed = smooth(&points.iter().map(|p| p.2).collect::<Vec<_>>(), window);
    let span = (n.max(2) - 1) as f64;
    let xi = |i: f64| left + plot_w * i / span;
    let centre = |p: &(usize, usize, f64)| xi((p.0 + p.1) as f64 / 2.0);
    let y = |v: f64| top + plot_h * (1.0 - (v.clamp(-1.0, 1.0) + 1.0) / 2.0);
    // The title names the document (cut to fit, so the figures after it always show) and
    // leaves room for the moving average's legend on the right.
    let trend = points.len() >= 3;
    let legend_w = if trend {
        label_px(&window_text, "lbl") + 30.0
    } else {
        0.0
    };
    let suffix = format!(
        " — {}, mean {}",
        plural(n as u64, "sentence", "sentences"),
        signed(d.mean_compound)
    );
    let room = W - 16.0 - legend_w - 16.0 - label_px(&suffix, "ct");
    let (id, _) = clip_px(&d.id, room.max(60.0), 14.0, true);
    let title = format!("{}{suffix}", d.id);
    let shown = format!("{id}{suffix}");
    let sampled = if points.len() < n {
        format!(", averaged into {} points", points.len())
    } else {
        String::new()
    };
    svg_open_at(
        s,
        (W, height),
        &title,
        &format!("line chart of compound score by sentence{sampled}"),
        W,
        Some(&shown),
    );
    if trend {
        let x1 = W - right - label_px(&window_text, "lbl");
        let _ = writeln!(
            s,
            "<line class=\"trend\" x1=\"{}\" x2=\"{}\" y1=\"14\" y2=\"14\"/><text class=\"lbl\" x=\"{}\" y=\"18\" text-anchor=\"end\">{}</text>",
            c(x1 - 28.0),
            c(x1 - 6.0),
            c(W - right),
            escape(&window_text)
        );
    }
    for t in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let _ = writeln!(
            s,
            "<line class=\"{0}\" x1=\"{1}\" x2=\"{2}\" y1=\"{3}\" y2=\"{3}\"/><text class=\"tick\" x=\"{4}\" y=\"{5}\" text-anchor=\"end\">{6}</text>",
            if t == 0.0 { "zero" } else { "grid" },
            c(left),
            c(W - right),
            c(y(t)),
            c(left - 6.0),
            c(y(t) + 4.0),
            num(t, 1)
        );
    }
    // Areas between the zero line and the scores, split by sign.
    let zero = y(0.0);
    for (colour, pick) in [(BLUE, true), (VERMILLION, false)] {
        let mut path = format!("M{},{}", c(centre(&points[0])), c(zero));
        for p in &points {
            let v = if pick { p.2.max(0.0) } else { p.2.min(0.0) };
            let _ = write!(path, "L{},{}", c(centre(p)), c(y(v)));
        }
        let _ = write!(
            path,
            "L{},{}Z",
            c(centre(&points[points.len() - 1])),
            c(zero)
        );
        let _ = writeln!(
            s,
            "<path d=\"{path}\" fill=\"{colour}\" fill-opacity=\"0.55\" stroke=\"none\"/>"
        );
    }
    if points.len() >= 3 {
        let mut path = String::new();
        for (i, (p, v)) in points.iter().zip(&smoothed).enumerate() {
            let _ = write!(
                path,
                "{}{},{}",
                if i == 0 { "M" } else { "L" },
                c(centre(p)),
                c(y(*v))
            );
        }
        let _ = writeln!(
            s,
            "<path class=\"trend\" d=\"{path}\"><title>{}</title></path>",
            escape(&window_text)
        );
    } else {
        for p in &points {
            let _ = writeln!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/>",
                c(centre(p)),
                c(y(p.2)),
                sentiment_colour(p.2)
            );
        }
    }
    for (r, colour, what) in [
        (&d.most_positive, BLUE, "most positive"),
        (&d.most_negative, VERMILLION, "most negative"),
    ] {
        let positive = colour == BLUE;
        if let Some(r) = r
            .as_ref()
            .filter(|r| r.index < n && quotable(r.compound, positive))
        {
            let _ = writeln!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"#fff\" stroke=\"{colour}\" stroke-width=\"2.5\"><title>{what}, sentence {}: {} “{}”</title></circle>",
                c(xi(r.index as f64)),
                c(y(r.compound)),
                sentence_number(r.index),
                escape(&signed(r.compound)),
                escape(&clip_chars(&r.text, 200))
            );
        }
    }
    let (xt, _) = ticks(1.0, n.max(1) as f64, 10);
    for t in xt.iter().filter(|t| **t >= 1.0) {
        let _ = writeln!(
            s,
            "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>",
            c(xi(t - 1.0)),
            c(top + plot_h),
            c(top + plot_h + 5.0),
            c(top + plot_h + 18.0),
            tick_label(*t, 0)
        );
    }
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><line class=\"axis\" x1=\"{0}\" x2=\"{3}\" y1=\"{2}\" y2=\"{2}\"/><text class=\"axl\" x=\"{4}\" y=\"{5}\" text-anchor=\"middle\">sentence{sampled}</text><text class=\"axl\" transform=\"translate(14 {6}) rotate(-90)\" text-anchor=\"middle\">compound</text></svg>",
        c(left),
        c(top),
        c(top + plot_h),
        c(W - right),
        c(left + plot_w / 2.0),
        c(height - 8.0),
        c(top + plot_h / 2.0)
    );
    // Text alternative: the mean of each fifth of the document.
    let parts = n.min(5);
    table_open(
        s,
        "Data: mean compound by part of the document",
        &["part", "sentences", "mean compound"],
    );
    for p in 0..parts {
        let (lo, hi) = (p * n / parts, (p + 1) * n / parts);
        let mean = values[lo..hi].iter().sum::<f64>() / (hi - lo).max(1) as f64;
        table_row(
            s,
            &[
                format!("{} of {parts}", p + 1),
                format!("{}–{}", lo + 1, hi),
                signed(mean),
            ],
        );
    }
    table_close(s);
}

/// Widest label under a bar of the group chart, in SVG units.
pub(crate) const MAX_GROUP_LABEL_PX: f64 = 120.0;
/// Widest legend entry of the group chart, in SVG units.
pub(crate) const MAX_LEGEND_PX: f64 = 180.0;

/// Widest label under a horizontal run of bars of the group chart, in SVG units.
pub(crate) const MAX_GROUP_RUN_PX: f64 = 240.0;

/// One label under the group chart: its centre, its text, and the width it may take.
pub(crate) struct AxisLabel<'a> {
    pub(crate) x: f64,
    pub(crate) text: &'a str,
    pub(crate) room: f64,
}

/// Where the labels under the group chart go, and whether they are horizontal. Consecutive bars
/// with the same label form a run, labelled once under its middle; every `step`-th run is
/// labelled. Labels are horizontal when each (up to [`MAX_GROUP_LABEL_PX`]) fits in the room
/// between its neighbours (`step` is raised up to twice its least value to make room);
/// otherwise they are rotated, at the least step.
pub(crate) fn group_label_layout<'a>(
    labels: &'a [String],
    slot: f64,
    left: f64,
) -> (Vec<AxisLabel<'a>>, bool) {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for i in 0..labels.len() {
        match runs.last_mut() {
            Some(run) if labels[run.0] == labels[i] => run.1 = i + 1,
            _ => runs.push((i, i + 1)),
        }
    }
    let centre = |run: &(usize, usize)| left + slot * (run.0 + run.1) as f64 / 2.0;
    let least = runs.len().div_ceil(45).max(1);
    let place = |step: usize| -> Vec<AxisLabel<'a>> {
        let chosen: Vec<&(usize, usize)> = runs.iter().step_by(step).collect();
        (0..chosen.len())
            .map(|k| {
                let x = centre(chosen[k]);
                // Half the distance to each neighbour (the chart's edges beyond the ends).
                let before = k
                    .checked_sub(1)
                    .map_or(x, |p| (x - centre(chosen[p])) / 2.0);
                let after = chosen.get(k + 1).map_or(W - x, |n| (centre(n) - x) / 2.0);
                AxisLabel {
                    x,
                    text: &labels[chosen[k].0],
                    room: 2.0 * before.min(after) - 6.0,
                }
            })
            .collect()
    };
    for step in least..=2 * least {
        let placed = place(step);
        let fits = placed
            .iter()
            .all(|l| label_px(l.text, "tick").min(MAX_GROUP_LABEL_PX) <= l.room);
        if fits {
            let placed = placed
                .into_iter()
                .map(|l| AxisLabel {
                    room: l.room.min(MAX_GROUP_RUN_PX),
                    ..l
                })
                .collect();
            return (placed, true);
        }
    }
    let placed = place(least)
        .into_iter()
        .map(|l| AxisLabel {
            // A rotated label runs down and to the left: it stays right of the chart's edge.
            room: MAX_GROUP_LABEL_PX.min(2.0 * (l.x - 4.0)),
            ..l
        })
        .collect();
    (placed, false)
}

pub(crate) fn groups_section(page: &mut Page, r: &SentimentReport) {
    page.section("groups", "Groups side by side");
    let first = &r.group_by[0];
    let last = &r.group_by[r.group_by.len() - 1];
    let value = |g: &crate::GroupReport, k: &str| g.key.get(k).cloned().unwrap_or_default();
    let shown = &r.groups[..r.groups.len().min(MAX_GROUPS)];
    if r.groups.len() > shown.len() {
        page.notes.push(format!(
            "The group chart shows the first {} of {} groups; groups.csv has them all.",
            shown.len(),
            thousands(r.groups.len() as u64)
        ));
    }
    let (unit_one, unit_many) = if r.unit == "document" {
        ("document", "documents")
    } else {
        ("sentence", "sentences")
    };
    // Colour by the last key when there are two or more keys and few enough values.
    let categories: BTreeSet<String> = shown.iter().map(|g| value(g, last)).collect();
    let by_category = r.group_by.len() > 1 && categories.len() <= CATEGORICAL.len();
    let colour_of = |g: &crate::GroupReport| -> &'static str {
        if by_category {
            let v = value(g, last);
            CATEGORICAL[categories.iter().position(|c| *c == v).unwrap_or(0) % CATEGORICAL.len()]
        } else {
            sentiment_colour(g.compound_mean)
        }
    };
    let s = &mut page.body;
    let _ = writeln!(
        s,
        "<p>Mean compound score of each group’s {unit_many} ({} by {}).{}</p>",
        plural(r.groups.len() as u64, "group", "groups"),
        escape(&r.group_by.join(", ")),
        if by_category {
            format!(" Bars are coloured by <em>{}</em>.", escape(last))
        } else {
            String::new()
        }
    );
    if r.groups.len() > shown.len() {
        let _ = writeln!(
            s,
            "<p class=\"note\">The first {} of {} groups are shown.</p>",
            shown.len(),
            thousands(r.groups.len() as u64)
        );
    }

    // Legend entries, laid out from the right in as many rows as they need.
    let entries: Vec<(String, &'static str)> = if by_category {
        categories
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    format!("{last} = {}", if v.is_empty() { "(none)" } else { v }),
                    CATEGORICAL[i % CATEGORICAL.len()],
                )
            })
            .collect()
    } else {
        vec![
            ("positive".into(), BLUE),
            ("neutral".into(), GREY),
            ("negative".into(), VERMILLION),
        ]
    };
    let chart_title = format!("Mean compound score by {}", r.group_by.join(", "));
    // The first row stays right of the chart's title, the others start at the left edge.
    let legend_right = W - 20.0;
    let legend_left = |row: usize| {
        if row == 0 {
            8.0 + label_px(&chart_title, "ct").min(W - 16.0) + 24.0
        } else {
            8.0
        }
    };
    // Rows filled in reading order, each aligned to the right.
    let mut rows: Vec<Vec<(f64, &(String, &'static str))>> = vec![Vec::new()];
    for entry in &entries {
        let w = label_px(&entry.0, "lbl").min(MAX_LEGEND_PX) + 16.0;
        let last = rows.len() - 1;
        let used: f64 = rows[last].iter().map(|(w, _)| w + 12.0).sum();
        if used + w > legend_right - legend_left(last) && (!rows[last].is_empty() || last == 0) {
            rows.push(Vec::new());
        }
        if let Some(r) = rows.last_mut() {
            r.push((w, entry));
        }
    }
    let mut legend: Vec<(f64, usize, &(String, &'static str))> = Vec::new();
    for (row, items) in rows.iter().enumerate() {
        let used: f64 = items.iter().map(|(w, _)| w + 12.0).sum::<f64>() - 12.0;
        let mut x = legend_right - used;
        for (w, entry) in items {
            legend.push((x, row, entry));
            x += w + 12.0;
        }
    }
    let row = rows.len().saturating_sub(1);

    let (left, right, plot_h) = (64.0, 20.0, 254.0);
    let top = 40.0 + 16.0 * row as f64;
    let plot_w = W - left - right;
    let n = shown.len().max(1);
    let slot = plot_w / n as f64;
    let bar = (slot * 0.8).max(1.0);
    let labels: Vec<String> = shown.iter().map(|g| value(g, first)).collect();
    let (placed, horizontal) = group_label_layout(&labels, slot, left);
    // Rotated labels run down and to the left of their bar, by sin and cos of 60°.
    let label_depth = if horizontal {
        4.0
    } else {
        placed
            .iter()
            .map(|l| label_px(l.text, "tick").min(l.room))
            .fold(0.0, f64::max)
            * 0.87
            + 12.0
    };
    let bottom = 12.0 + label_depth + 30.0;
    let height = top + plot_h + bottom;
    let lo = shown
        .iter()
        .map(|g| fin(g.compound_mean))
        .fold(0.0, f64::min);
    let hi = shown
        .iter()
        .map(|g| fin(g.compound_mean))
        .fold(0.0, f64::max);
    let pad = ((hi - lo) * 0.08).max(0.02);
    let (mut yt, dec) = ticks(lo - if lo < 0.0 { pad } else { 0.0 }, hi + pad, 6);
    // The scale ends on a tick at or past the highest bar.
    if let [.., a, b] = yt[..]
        && b < hi
    {
        yt.push(b + (b - a));
    }
    let ymin = yt.first().copied().unwrap_or(lo).min(lo);
    let ymax = yt.last().copied().unwrap_or(hi).max(hi);
    let ymax = if ymax <= ymin { ymin + 1.0 } else { ymax };
    let y = |v: f64| top + plot_h * (1.0 - (v - ymin) / (ymax - ymin));
    svg_open(
        s,
        height,
        &chart_title,
        &format!(
            "bar chart of {}",
            plural(shown.len() as u64, "group", "groups")
        ),
    );
    for t in &yt {
        let _ = writeln!(
            s,
            "<line class=\"{0}\" x1=\"{1}\" x2=\"{2}\" y1=\"{3}\" y2=\"{3}\"/><text class=\"tick\" x=\"{4}\" y=\"{5}\" text-anchor=\"end\">{6}</text>",
            if *t == 0.0 { "zero" } else { "grid" },
            c(left),
            c(W - right),
            c(y(*t)),
            c(left - 6.0),
            c(y(*t) + 4.0),
            tick_label(*t, dec)
        );
    }
    for (i, g) in shown.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let v = fin(g.compound_mean);
        let (y0, y1) = (y(v.max(0.0)), y(v.min(0.0)));
        let _ = writeln!(
            s,
            "<g><title>{}: mean {} over {}, {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/></g>",
            escape(&group_label(
                &r.group_by,
                &r.group_by.iter().map(|k| value(g, k)).collect::<Vec<_>>()
            )),
            signed(v),
            plural(g.sentences, unit_one, unit_many),
            plural(g.documents, "document", "documents"),
            c(x),
            c(y0),
            c(bar),
            c((y1 - y0).max(0.5)),
            colour_of(g)
        );
    }
    let base = top + plot_h;
    for l in &placed {
        let at = if horizontal {
            format!(
                "x=\"{}\" y=\"{}\" text-anchor=\"middle\"",
                c(l.x),
                c(base + 16.0)
            )
        } else {
            format!(
                "transform=\"translate({} {}) rotate(-60)\" text-anchor=\"end\"",
                c(l.x + 3.0),
                c(base + 12.0)
            )
        };
        label(s, "tick", &at, l.text, l.room);
        s.push('\n');
    }
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><text class=\"axl\" transform=\"translate(14 {3}) rotate(-90)\" text-anchor=\"middle\">mean compound</text>",
        c(left),
        c(top),
        c(base),
        c(top + plot_h / 2.0)
    );
    label(
        s,
        "axl",
        &format!(
            "x=\"{}\" y=\"{}\" text-anchor=\"middle\"",
            c(left + plot_w / 2.0),
            c(height - 8.0)
        ),
        first,
        plot_w,
    );
    s.push('\n');
    for (x, row, (text, colour)) in &legend {
        let y = 24.0 + 16.0 * *row as f64;
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>",
            c(*x),
            c(y)
        );
        label(
            s,
            "lbl",
            &format!("x=\"{}\" y=\"{}\"", c(x + 16.0), c(y + 10.0)),
            text,
            MAX_LEGEND_PX,
        );
        s.push('\n');
    }
    s.push_str("</svg>\n");
    let mut headers: Vec<&str> = r.group_by.iter().map(String::as_str).collect();
    headers.extend([
        "documents",
        "units",
        "mean compound",
        "positive",
        "neutral",
        "negative",
    ]);
    table_open(s, "Data", &headers);
    for g in shown {
        let mut row: Vec<String> = r.group_by.iter().map(|k| value(g, k)).collect();
        row.extend([
            thousands(g.documents),
            thousands(g.sentences),
            signed(g.compound_mean),
            pct(g.positive_share),
            pct(g.neutral_share),
            pct(g.negative_share),
        ]);
        table_row(s, &row);
    }
    table_close(s);
    page.end();
}

//! The sentiment section of a report and its tables.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use wordmill_analyse::{
    DocumentSentiment, SentenceRecord, SentenceRef, SentimentOutput, SentimentSummary,
};

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
const QUOTE_CHARS: usize = 400;

/// A quoted text: whitespace collapsed, at most [`QUOTE_CHARS`] characters.
fn clip(text: &str) -> String {
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

fn group(keys: &[String], values: &[String], s: &SentimentSummary) -> GroupReport {
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
const LINES_BUFFER: usize = 64 * 1024;

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
    push_uint(buf, s.index as u64);
    buf.extend_from_slice(b",\"start\":");
    push_uint(buf, s.start as u64);
    buf.extend_from_slice(b",\"end\":");
    push_uint(buf, s.end as u64);
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
fn push_json_str(buf: &mut Vec<u8>, s: &str) -> io::Result<()> {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(&mut *buf, s).map_err(io::Error::other)
    }
}

/// An unsigned integer in decimal (also the integer cells of the CSV tables).
#[inline]
pub(crate) fn push_uint(buf: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    buf.extend_from_slice(&digits[i..]);
}

/// A score as serde_json writes it (the shortest decimal that reads back as the same `f64`).
/// VADER's scores are rounded to 3 or 4 decimals, so each is the `f64` nearest to some
/// `k / 10_000` with `|k| ≤ 10_000`, and that decimal, without trailing zeros, is its shortest
/// form; anything else goes through serde_json.
fn push_score(buf: &mut Vec<u8>, x: f64) -> io::Result<()> {
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

/// The sentiment cells of `documents.csv` for document `i` of `out`.
pub fn document_cells(out: &SentimentOutput, i: usize) -> Vec<String> {
    match out.documents.get(i) {
        Some(d) => document_sentiment_cells(d),
        None => vec![String::new(); DOCUMENT_COLUMNS.len()],
    }
}

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

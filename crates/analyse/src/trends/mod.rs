//! Trends over time ([`Trends`]): how a corpus changes from one day, week, month, quarter or
//! year to the next — how many documents, how often each term, and (with the sentiment
//! analyser) the tone — optionally split by a metadata key (one line per party, per outlet).
//!
//! A document's date is the metadata field that ingest's `date_field` parsed and wrote back
//! in ISO 8601 (`2020-08-13`, `2020-08-13T06:30:00Z`, `2020-08`, `2020`). Its bin is the day, the
//! ISO week (Monday to Sunday), the month, the quarter or the year holding it. A document
//! without a date is counted as undated, one whose date is less precise than the bin (a year,
//! in month bins) as imprecise; neither is placed.
//!
//! The terms are the terms analyser's features (its n-grams and document-frequency limits, its
//! defaults when it is not configured): the listed ones, or the `top` most frequent over the
//! corpus, each per bin as a count and per 1,000 tokens. Every bin between the first and the
//! last date is in the output, the empty ones with no documents, so gaps show.
//!
//! ```
//! use wordmill_analyse::{Analyser, Bin, Trends, TrendsConfig};
//! use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span, Token};
//!
//! fn normalise(doc: &Document) -> NormalisedDoc<'_> {
//!     let mut tokens = Vec::new();
//!     let mut start = 0;
//!     for (position, word) in doc.text.split(' ').enumerate() {
//!         let span = Span::new(start, start + word.len());
//!         tokens.push(Token { text: word.to_lowercase().into(), span, position: position as u32 });
//!         start = span.end + 1;
//!     }
//!     NormalisedDoc { doc, sentences: vec![Span::new(0, doc.text.len())], tokens }
//! }
//! let dated = |i, date: &str, text: &str| {
//!     let mut meta = Metadata::new();
//!     meta.insert("date", date);
//!     Document::new(i, format!("d{i}"), text, meta)
//! };
//! let docs = [
//!     dated(0, "2020-07-02", "calm at the plant"),
//!     dated(1, "2020-09-14T08:00:00Z", "strike strike at the plant"),
//!     dated(2, "2020-09-20", "the strike goes on"),
//! ];
//! let config = TrendsConfig { bin: Bin::Month, terms: vec!["strike".into()], ..TrendsConfig::default() };
//! let trends = Trends::new(config, "date");
//! let (mut a, mut b) = (trends.partial(), trends.partial());
//! trends.observe(&mut a, &normalise(&docs[2]));
//! trends.observe(&mut b, &normalise(&docs[0]));
//! trends.observe(&mut b, &normalise(&docs[1]));
//! a.merge(b);
//! let out = trends.finish(a);
//!
//! // July, August (empty: a gap) and September.
//! let labels: Vec<&str> = out.bins.iter().map(|b| b.label.as_str()).collect();
//! assert_eq!(labels, ["2020-07", "2020-08", "2020-09"]);
//! assert_eq!(out.documents[0], [1, 0, 2]);
//! assert_eq!(out.terms[0].term, "strike");
//! assert_eq!(out.terms[0].counts[0], [0, 0, 3]);
//! ```

mod bins;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use wordmill_model::{Merge, Metadata, NormalisedDoc};

pub use bins::Bin;
use bins::{Placed, place};

use crate::keyness::{Counted, KeynessPartial, count_values, terms_state_of};
use crate::{Analyser, ConfigTable, Configure, DocumentStats, InvalidState, Keyness, Sentiment};
use crate::{Terms, TermsConfig, TermsPartial};

/// The most bins a trend spans; a corpus whose dates are further apart in the bin size chosen
/// gets no series, and a note saying so (choose a larger bin).
pub const MAX_BINS: usize = 20_000;

/// What is drawn over time (`[analyse.trends] series`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Series {
    /// Mean compound score and shares of positive, neutral and negative units, per bin (the
    /// sentiment analyser's units and scores).
    Sentiment,
    /// The listed terms (or the `top` most frequent), per bin.
    Terms,
}

impl Series {
    /// Every series, in the order of [`Series::NAMES`].
    pub const ALL: [Series; 2] = [Series::Sentiment, Series::Terms];
    /// Their names in pipeline files.
    pub const NAMES: [&'static str; 2] = ["sentiment", "terms"];

    /// The name used in pipeline files and in `trends.csv`.
    pub const fn name(self) -> &'static str {
        match self {
            Series::Sentiment => "sentiment",
            Series::Terms => "terms",
        }
    }
}

/// How trends are drawn, with the pipeline file's key names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendsConfig {
    /// The bin size.
    pub bin: Bin,
    /// The series drawn (the documents per bin always are).
    pub series: Vec<Series>,
    /// The terms drawn, as normalised features (`strike`, `general strike`); empty: the `top`
    /// most frequent features of the corpus.
    pub terms: Vec<String>,
    /// The terms as the pipeline file writes them (`police` for the feature `polic`), for
    /// people; empty: the features themselves. Not part of the analysis.
    #[serde(skip)]
    pub written: Vec<String>,
    /// How many of the most frequent features are drawn when `terms` is empty.
    pub top: usize,
    /// A metadata key splitting each series (one line per value).
    pub by: Option<String>,
    /// The terms analyser's settings, for the features (its part of the fingerprint).
    #[serde(skip)]
    pub features: TermsConfig,
}

impl Default for TrendsConfig {
    /// Months, the terms series, the ten most frequent terms, not split.
    fn default() -> Self {
        TrendsConfig {
            bin: Bin::Month,
            series: vec![Series::Terms],
            terms: Vec::new(),
            written: Vec::new(),
            top: 10,
            by: None,
            features: TermsConfig::default(),
        }
    }
}

/// The trends analyser (see the [module documentation](self)).
#[derive(Debug, Clone)]
pub struct Trends {
    config: TrendsConfig,
    /// The metadata field holding the dates.
    date_field: String,
    /// Whether its counts are the terms analyser's state too (see [`Configure::shares`]).
    shares_terms: bool,
}

/// The mergeable state of [`Trends`]: the feature counts of each bin (and value of `by`), kept
/// as the keyness analyser keeps its per-value counts, with the documents that could not be
/// placed counted apart (their counts are still needed to choose the corpus's features).
///
/// A bin is keyed by its first day, `2020-08-01`, followed by a tab and the value of `by` when
/// there is one; keys sort by date, then value.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrendsPartial {
    counts: KeynessPartial,
    /// Documents without a date.
    undated: u64,
    /// Documents whose date is less precise than the bin.
    imprecise: u64,
}

impl Merge for TrendsPartial {
    fn merge(&mut self, other: Self) {
        self.counts.merge(other.counts);
        self.undated += other.undated;
        self.imprecise += other.imprecise;
    }
}

/// One bin of the output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BinSpan {
    /// Its first day.
    pub start: NaiveDate,
    /// Its last day.
    pub end: NaiveDate,
    /// How people name it: `2020-08-13`, `2020-W33`, `2020-08`, `2020-Q3`, `2020`.
    pub label: String,
}

/// One term over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermTrend {
    /// The feature.
    pub term: String,
    /// The term as the pipeline file writes it (the feature, for the most frequent ones).
    pub label: String,
    /// Its count in each group (in [`TrendsOutput::groups`] order), bin by bin.
    pub counts: Vec<Vec<u64>>,
}

/// Sentiment of one bin (of one group): sums over its scored units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct SentimentCell {
    /// Scored units (sentences, or documents with `unit = "document"`).
    pub units: u64,
    /// Sum of their compound scores, added in document order.
    pub compound_sum: f64,
    /// Units with compound ≥ 0.05.
    pub positive: u64,
    /// Units with compound ≤ −0.05.
    pub negative: u64,
}

impl SentimentCell {
    /// The mean compound score, when there is a unit.
    pub fn mean(&self) -> Option<f64> {
        (self.units > 0).then(|| self.compound_sum / self.units as f64)
    }

    /// Units neither positive nor negative.
    pub fn neutral(&self) -> u64 {
        self.units - self.positive - self.negative
    }
}

/// The finished trends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendsOutput {
    /// The bin size.
    pub bin: Bin,
    /// The key splitting the series, if any.
    pub by: Option<String>,
    /// The series configured.
    pub series: Vec<Series>,
    /// Every bin from the first date's to the last's.
    pub bins: Vec<BinSpan>,
    /// The values of `by` (code-point order), or one empty string when not split.
    pub groups: Vec<String>,
    /// Documents per group and bin.
    pub documents: Vec<Vec<u64>>,
    /// Unigram tokens per group and bin (the base of the rates per 1,000 tokens).
    pub tokens: Vec<Vec<u64>>,
    /// The terms drawn, in the order listed (or by corpus count, then term).
    pub terms: Vec<TermTrend>,
    /// Listed terms that are not features of the corpus (absent, or pruned by the terms
    /// settings): drawn as zero.
    pub missing_terms: Vec<String>,
    /// Sentiment per group and bin, when the series is drawn and the sentiment analyser ran.
    pub sentiment: Option<Vec<Vec<SentimentCell>>>,
    /// Documents without a date.
    pub undated: u64,
    /// Documents with a date less precise than the bin.
    pub imprecise: u64,
    /// Why there are no bins although documents are dated (more than [`MAX_BINS`]).
    pub refused: Option<String>,
}

/// The key of a bin (and group) in the partial state.
fn key(start: NaiveDate, group: Option<&str>) -> String {
    match group {
        Some(g) => format!("{}\t{g}", start.format("%Y-%m-%d")),
        None => start.format("%Y-%m-%d").to_string(),
    }
}

/// A key back into its bin and group.
fn unkey(key: &str) -> Option<(NaiveDate, &str)> {
    let (date, group) = key.split_once('\t').unwrap_or((key, ""));
    Some((NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?, group))
}

impl Trends {
    /// The analyser drawing `config`, reading dates from the metadata field `date_field`.
    pub fn new(config: TrendsConfig, date_field: impl Into<String>) -> Self {
        Trends {
            config,
            date_field: date_field.into(),
            shares_terms: false,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &TrendsConfig {
        &self.config
    }

    /// The metadata field holding the dates.
    pub fn date_field(&self) -> &str {
        &self.date_field
    }

    /// Where a document with metadata `meta` goes.
    fn place(&self, meta: &Metadata) -> Placed {
        place(meta.get(&self.date_field), self.config.bin)
    }

    /// The state key of a document, `None` when it is not placed.
    fn key_of(&self, meta: &Metadata) -> Option<String> {
        match self.place(meta) {
            Placed::In(start) => Some(key(start, self.group(meta))),
            _ => None,
        }
    }

    fn group<'m>(&self, meta: &'m Metadata) -> Option<&'m str> {
        self.config
            .by
            .as_deref()
            .map(|by| meta.get(by).unwrap_or(""))
    }

    /// A fold of the sentiment analyser's scores into this analyser's bins, for
    /// [`TrendsOutput::add_sentiment`]: documents must come in ordinal order, so the sums are the
    /// same whatever split of the corpus the scores came from.
    pub fn sentiment_fold(&self) -> Option<TrendsSentiment> {
        self.config
            .series
            .contains(&Series::Sentiment)
            .then(|| TrendsSentiment {
                trends: self.clone(),
                cells: BTreeMap::new(),
            })
    }
}

/// Sentiment per bin, folded from the sentiment analyser's scores (see
/// [`Trends::sentiment_fold`]).
#[derive(Debug, Clone)]
pub struct TrendsSentiment {
    trends: Trends,
    cells: BTreeMap<String, SentimentCell>,
}

impl TrendsSentiment {
    /// Adds one document's unit scores (`compounds`), the document having metadata `meta`.
    pub fn observe(&mut self, meta: &Metadata, compounds: impl IntoIterator<Item = f64>) {
        let Some(key) = self.trends.key_of(meta) else {
            return;
        };
        let cell = self.cells.entry(key).or_default();
        for c in compounds {
            cell.units += 1;
            cell.compound_sum += c;
            cell.positive += u64::from(c >= 0.05);
            cell.negative += u64::from(c <= -0.05);
        }
    }
}

impl TrendsOutput {
    /// Places the folded sentiment in the bins.
    pub fn add_sentiment(&mut self, fold: TrendsSentiment) {
        if self.refused.is_some() {
            return;
        }
        let mut cells = vec![vec![SentimentCell::default(); self.bins.len()]; self.groups.len()];
        {
            let index = self.index();
            for (key, cell) in fold.cells {
                if let Some((g, b)) = unkey(&key).and_then(|(start, group)| index(start, group)) {
                    cells[g][b] = cell;
                }
            }
        }
        self.sentiment = Some(cells);
    }

    /// Finds the (group, bin) indices of a bin start and group value.
    fn index(&self) -> impl Fn(NaiveDate, &str) -> Option<(usize, usize)> + '_ {
        move |start, group| {
            let b = self.bins.binary_search_by(|s| s.start.cmp(&start)).ok()?;
            let g = if self.by.is_none() {
                0
            } else {
                self.groups
                    .binary_search_by(|v| v.as_str().cmp(group))
                    .ok()?
            };
            Some((g, b))
        }
    }

    /// The rows of `trends.csv`, bin by bin, each group in turn, each series in turn: the
    /// documents, then sentiment (`mean_compound`, `positive`, `neutral`, `negative`), then each
    /// term. `value` is `None` for a bin without documents (a gap).
    pub fn rows(&self) -> Vec<TrendRow<'_>> {
        let mut rows = Vec::new();
        for (b, span) in self.bins.iter().enumerate() {
            for (g, group) in self.groups.iter().enumerate() {
                let docs = self.documents[g][b];
                let tokens = self.tokens[g][b];
                let row =
                    |series: &'static str, key: &str, value: Option<f64>, count: u64| TrendRow {
                        bin: span,
                        group,
                        series,
                        key: key.to_owned(),
                        value: if docs == 0 { None } else { value },
                        count,
                    };
                rows.push(row("documents", "documents", Some(docs as f64), docs));
                if let Some(cells) = &self.sentiment {
                    let cell = cells[g][b];
                    let share = |k: u64| (cell.units > 0).then(|| k as f64 / cell.units as f64);
                    rows.push(row("sentiment", "mean_compound", cell.mean(), cell.units));
                    rows.push(row(
                        "sentiment",
                        "positive",
                        share(cell.positive),
                        cell.positive,
                    ));
                    rows.push(row(
                        "sentiment",
                        "neutral",
                        share(cell.neutral()),
                        cell.neutral(),
                    ));
                    rows.push(row(
                        "sentiment",
                        "negative",
                        share(cell.negative),
                        cell.negative,
                    ));
                }
                for term in &self.terms {
                    let count = term.counts[g][b];
                    let rate = (tokens > 0).then(|| count as f64 * 1000.0 / tokens as f64);
                    rows.push(row("terms", &term.term, rate, count));
                }
            }
        }
        rows
    }

    /// For each series line (series, key, group), the largest change of value between two
    /// consecutive bins with documents, largest first within each series, at most `k` per
    /// series.
    pub fn movements(&self, k: usize) -> Vec<Movement<'_>> {
        let mut lines: BTreeMap<(&'static str, String, &str), Vec<(&BinSpan, f64)>> =
            BTreeMap::new();
        for row in self.rows() {
            if row.series == "sentiment" && row.key != "mean_compound" {
                continue;
            }
            if let Some(v) = row.value {
                lines
                    .entry((row.series, row.key, row.group))
                    .or_default()
                    .push((row.bin, v));
            }
        }
        let mut by_series: BTreeMap<&'static str, Vec<Movement<'_>>> = BTreeMap::new();
        for ((series, key, group), points) in lines {
            let best = points
                .windows(2)
                .map(|w| (w[0], w[1]))
                .max_by(|a, b| (a.1.1 - a.0.1).abs().total_cmp(&(b.1.1 - b.0.1).abs()));
            if let Some(((from_bin, from), (to_bin, to))) = best {
                if to != from {
                    by_series.entry(series).or_default().push(Movement {
                        series,
                        key,
                        group,
                        from_bin,
                        to_bin,
                        from,
                        to,
                    });
                }
            }
        }
        let mut out = Vec::new();
        for series in ["documents", "sentiment", "terms"] {
            if let Some(mut list) = by_series.remove(series) {
                list.sort_by(|a, b| {
                    (b.to - b.from)
                        .abs()
                        .total_cmp(&(a.to - a.from).abs())
                        .then_with(|| a.key.cmp(&b.key))
                        .then_with(|| a.group.cmp(b.group))
                });
                list.truncate(k);
                out.extend(list);
            }
        }
        out
    }
}

/// One row of `trends.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendRow<'a> {
    /// The bin.
    pub bin: &'a BinSpan,
    /// The value of `by` (empty when not split).
    pub group: &'a str,
    /// `documents`, `sentiment` or `terms`.
    pub series: &'static str,
    /// What is measured: `documents`; `mean_compound`, `positive`, `neutral`, `negative`; a
    /// term.
    pub key: String,
    /// Documents; the mean compound or a share of units; a term's rate per 1,000 tokens.
    /// `None` in a bin without documents.
    pub value: Option<f64>,
    /// Documents; units (mean) or units of that polarity; the term's count.
    pub count: u64,
}

/// The largest change of one series line between consecutive bins.
#[derive(Debug, Clone, PartialEq)]
pub struct Movement<'a> {
    /// The series.
    pub series: &'static str,
    /// The key in it.
    pub key: String,
    /// The group.
    pub group: &'a str,
    /// The bin before.
    pub from_bin: &'a BinSpan,
    /// The bin after.
    pub to_bin: &'a BinSpan,
    /// The value before.
    pub from: f64,
    /// The value after.
    pub to: f64,
}

impl Analyser for Trends {
    type Partial = TrendsPartial;
    type Output = TrendsOutput;

    fn partial(&self) -> TrendsPartial {
        TrendsPartial::default()
    }

    fn observe(&self, partial: &mut TrendsPartial, doc: &NormalisedDoc<'_>) {
        let meta = &doc.doc.meta;
        let placed = self.place(meta);
        let key = match placed {
            Placed::In(start) => Some(key(start, self.group(meta))),
            Placed::Undated => {
                partial.undated += 1;
                None
            }
            Placed::Imprecise => {
                partial.imprecise += 1;
                None
            }
        };
        partial.counts.observe(
            key.as_deref(),
            doc.doc.ordinal,
            &doc.doc.id,
            &doc.tokens,
            self.config.features.ngram_range,
            self.shares_terms && self.config.features.per_document,
        );
    }

    fn finish(&self, partial: TrendsPartial) -> TrendsOutput {
        finish(&self.config, partial)
    }
}

fn finish(config: &TrendsConfig, partial: TrendsPartial) -> TrendsOutput {
    let TrendsPartial {
        counts,
        undated,
        imprecise,
    } = partial;
    let Counted {
        vocabulary, values, ..
    } = count_values(&config.features, counts);
    let mut out = TrendsOutput {
        bin: config.bin,
        by: config.by.clone(),
        series: config.series.clone(),
        bins: Vec::new(),
        groups: Vec::new(),
        documents: Vec::new(),
        tokens: Vec::new(),
        terms: Vec::new(),
        missing_terms: Vec::new(),
        sentiment: None,
        undated,
        imprecise,
        refused: None,
    };
    // The terms drawn: the listed ones, or the most frequent features.
    let column: Vec<usize> = if config.terms.is_empty() {
        let mut totals: Vec<(u64, usize)> = vec![(0, 0); vocabulary.len()];
        for (i, t) in totals.iter_mut().enumerate() {
            t.1 = i;
        }
        for (_, side) in &values {
            for (i, &c) in side.counts.iter().enumerate() {
                totals[i].0 = totals[i].0.saturating_add(c);
            }
        }
        totals.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| vocabulary[a.1].cmp(&vocabulary[b.1]))
        });
        totals
            .into_iter()
            .filter(|t| t.0 > 0)
            .take(config.top)
            .map(|t| t.1)
            .collect()
    } else {
        let mut columns = Vec::new();
        for term in &config.terms {
            match vocabulary.iter().position(|v| **v == **term) {
                Some(i) => columns.push(i),
                None => {
                    out.missing_terms.push(term.clone());
                    columns.push(usize::MAX);
                }
            }
        }
        columns
    };
    let placed: Vec<(NaiveDate, &str, &crate::keyness::Side)> = values
        .iter()
        .filter_map(|(k, side)| unkey(k).map(|(start, group)| (start, group, side)))
        .collect();
    let (Some(first), Some(last)) = (
        placed.iter().map(|p| p.0).min(),
        placed.iter().map(|p| p.0).max(),
    ) else {
        return out;
    };
    let mut start = first;
    while start <= last {
        let next = config.bin.next(start);
        let end = next.and_then(|n| n.pred_opt()).unwrap_or(NaiveDate::MAX);
        out.bins.push(BinSpan {
            start,
            end,
            label: config.bin.label(start),
        });
        if out.bins.len() > MAX_BINS {
            out.bins.clear();
            out.refused = Some(format!(
                "the dates run from {} to {}: more than {MAX_BINS} {} bins; choose a larger bin",
                config.bin.label(first),
                config.bin.label(last),
                config.bin.name()
            ));
            return out;
        }
        match next {
            Some(n) => start = n,
            None => break,
        }
    }
    let mut groups: Vec<String> = placed.iter().map(|p| p.1.to_owned()).collect();
    groups.sort();
    groups.dedup();
    if config.by.is_none() {
        groups = vec![String::new()];
    }
    out.groups = groups;
    let (n_groups, n_bins) = (out.groups.len(), out.bins.len());
    out.documents = vec![vec![0; n_bins]; n_groups];
    out.tokens = vec![vec![0; n_bins]; n_groups];

    out.terms = column
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let term = match vocabulary.get(c) {
                Some(v) => v.to_string(),
                None => config.terms.get(i).cloned().unwrap_or_default(),
            };
            let label = match config.written.get(i) {
                Some(w) if !config.terms.is_empty() => w.clone(),
                _ => term.clone(),
            };
            (term, label)
        })
        .map(|(term, label)| TermTrend {
            term,
            label,
            counts: vec![vec![0; n_bins]; n_groups],
        })
        .collect();
    let index = |start: NaiveDate, group: &str| -> Option<(usize, usize)> {
        let b = out.bins.binary_search_by(|s| s.start.cmp(&start)).ok()?;
        let g = if config.by.is_none() {
            0
        } else {
            out.groups
                .binary_search_by(|v| v.as_str().cmp(group))
                .ok()?
        };
        Some((g, b))
    };
    let cells: Vec<(usize, usize, &crate::keyness::Side)> = placed
        .iter()
        .filter_map(|&(start, group, side)| index(start, group).map(|(g, b)| (g, b, side)))
        .collect();
    for (g, b, side) in cells {
        out.documents[g][b] += side.documents;
        out.tokens[g][b] += side.tokens;
        for (t, &c) in column.iter().enumerate() {
            if let Some(&count) = side.counts.get(c) {
                out.terms[t].counts[g][b] += count;
            }
        }
    }
    out
}

impl Configure for Trends {
    const KEY: &'static str = "trends";
    const SCHEMA: &'static [(&'static str, &'static [&'static str])] =
        &[("", &["bin", "series", "terms", "top", "by"])];
    type Config = TrendsConfig;

    fn configure(t: &mut dyn ConfigTable, configured: &[&dyn std::any::Any]) -> Option<Self> {
        let features = configured
            .iter()
            .find_map(|a| a.downcast_ref::<Terms>())
            .map(|terms| terms.config().clone())
            .unwrap_or_default();
        // The keyness analyser, when there is one, counts for the terms analyser; else this one.
        let shares_terms = configured.iter().any(|a| a.is::<Terms>())
            && !configured.iter().any(|a| a.is::<Keyness>());
        let sentiment = configured.iter().any(|a| a.is::<Sentiment>());
        let mut config = TrendsConfig {
            features,
            ..TrendsConfig::default()
        };
        let date_field = match t.date_field() {
            Some(field) => field.to_owned(),
            None => {
                t.error(
                    None,
                    "`[analyse.trends]` needs `[ingest] date_field`: the metadata field that holds each document's date".into(),
                );
                return None;
            }
        };
        if let Some(i) = t.choice("bin", &Bin::NAMES) {
            config.bin = Bin::ALL[i];
        }
        config.series = match t.strings("series") {
            Some(names) => {
                let mut series = Vec::new();
                for (i, name) in names.iter().enumerate() {
                    match Series::NAMES.iter().position(|n| n == name) {
                        Some(k) if series.contains(&Series::ALL[k]) => {
                            t.error_item("series", i, format!("series \"{name}\" is given twice"));
                        }
                        Some(k) if Series::ALL[k] == Series::Sentiment && !sentiment => {
                            t.error_item(
                                "series",
                                i,
                                "the sentiment series needs `[analyse.sentiment]`".into(),
                            );
                        }
                        Some(k) => series.push(Series::ALL[k]),
                        None => t.error_item(
                            "series",
                            i,
                            format!(
                                "unknown series \"{name}\": expected \"sentiment\" or \"terms\""
                            ),
                        ),
                    }
                }
                series
            }
            None if sentiment => vec![Series::Sentiment, Series::Terms],
            None => vec![Series::Terms],
        };
        if let Some(terms) = t.strings("terms") {
            for (i, term) in terms.iter().enumerate() {
                let words = t.forms().words(term);
                if words.is_empty() {
                    t.error_item(
                        "terms",
                        i,
                        format!(
                            "\"{term}\" is no term once normalised (a stop word, or too short)"
                        ),
                    );
                    continue;
                }
                let feature = words.join(" ");
                if config.terms.contains(&feature) {
                    t.error_item("terms", i, format!("term \"{term}\" is given twice"));
                    continue;
                }
                config.terms.push(feature);
                config.written.push(term.clone());
            }
        }
        if let Some(n) = t.integer("top", 1, 1000) {
            config.top = n as usize;
        }
        config.by = t.string("by");
        Some(Trends {
            config,
            date_field,
            shares_terms,
        })
    }

    fn config(&self) -> &TrendsConfig {
        &self.config
    }

    fn validate(
        &self,
        partial: &TrendsPartial,
        documents: &[DocumentStats],
    ) -> Result<(), InvalidState> {
        partial.counts.validate()?;
        let mut undated = 0u64;
        let mut imprecise = 0u64;
        let mut expected: BTreeMap<Option<String>, u64> = BTreeMap::new();
        for d in documents {
            match self.place(&d.meta) {
                Placed::Undated => undated += 1,
                Placed::Imprecise => imprecise += 1,
                Placed::In(_) => {}
            }
            *expected.entry(self.key_of(&d.meta)).or_default() += 1;
        }
        if (partial.undated, partial.imprecise) != (undated, imprecise) {
            return Err(InvalidState(format!(
                "the trends state counts {} undated and {} imprecise documents, the documents {undated} and {imprecise}",
                partial.undated, partial.imprecise
            )));
        }
        for (key, bucket) in partial.counts.buckets() {
            let want = expected.remove(&key.map(str::to_owned)).unwrap_or_default();
            if bucket.n_docs() != want {
                return Err(InvalidState(format!(
                    "the trends counts of bin {:?} are of {} documents, the documents' {want}",
                    key.unwrap_or("(not placed)"),
                    bucket.n_docs()
                )));
            }
        }
        if let Some((key, n)) = expected.into_iter().find(|(_, n)| *n > 0) {
            return Err(InvalidState(format!(
                "the trends counts have no bin {:?}, which {n} documents have",
                key.unwrap_or_default()
            )));
        }
        Ok(())
    }

    fn shares(&self) -> Option<&'static str> {
        self.shares_terms.then_some(<Terms as Configure>::KEY)
    }

    fn share(&self, partial: &mut TrendsPartial) -> Option<Box<dyn std::any::Any + Send>> {
        if !self.shares_terms {
            return None;
        }
        terms_state_of(&self.config.features, &mut partial.counts)
            .map(|p: TermsPartial| Box::new(p) as Box<dyn std::any::Any + Send>)
    }
}

#[cfg(test)]
mod tests;

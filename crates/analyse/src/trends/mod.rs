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
//! let config = TrendsConfig::default().bin(Bin::Month).terms(vec!["strike".into()]);
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
use wordmill_model::{Merge, Metadata, NormalisedDoc, Ordinal};

pub use bins::Bin;
use bins::{Placed, place};

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
    /// Each category of the dictionary analyser, per bin: its matches and their share of the
    /// tokens.
    Dictionary,
    /// Each target of the targets analyser, per bin: the sentences that mention it and their
    /// mean compound score.
    Targets,
}

impl Series {
    /// Every series, in the order of [`Series::NAMES`].
    pub const ALL: [Series; 4] = [
        Series::Sentiment,
        Series::Terms,
        Series::Dictionary,
        Series::Targets,
    ];
    /// Their names in pipeline files.
    pub const NAMES: [&'static str; 4] = ["sentiment", "terms", "dictionary", "targets"];

    /// The name used in pipeline files and in `trends.csv`.
    pub const fn name(self) -> &'static str {
        match self {
            Series::Sentiment => "sentiment",
            Series::Terms => "terms",
            Series::Dictionary => "dictionary",
            Series::Targets => "targets",
        }
    }
}

/// How trends are drawn, with the pipeline file's key names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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
    /// The first period drawn (`2001`, `2001-06`, `2001-06-15`): documents dated before it are
    /// counted as out of range, not placed. `None`: from the first date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// The last period drawn, included (`2002-12` runs to 31 December). `None`: to the last
    /// date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The terms analyser's settings, for the features (its part of the fingerprint).
    #[serde(skip)]
    pub features: TermsConfig,
}

setters!(TrendsConfig { bin: Bin, series: Vec<Series>, terms: Vec<String>, top: usize, by: Option<String>, from: Option<String>, to: Option<String>, features: TermsConfig });

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
            from: None,
            to: None,
            features: TermsConfig::default(),
        }
    }
}

/// Trends over time: each document placed in the day, ISO week, month, quarter or year of its
/// date (a metadata field in the form ingest's `date_field` writes: `2020-08-13`,
/// `2020-08-13T06:30:00Z`, `2020-08`, `2020`), and per bin (and value of
/// [`TrendsConfig::by`]) the documents, the terms drawn (counts and rates per 1,000 tokens) and,
/// folded from the sentiment analyser's scores ([`Trends::fold`]), the sentiment.
/// Every bin from the first date's to the last's is in the output, the empty ones too.
#[derive(Debug, Clone)]
pub struct Trends {
    config: TrendsConfig,
    /// The metadata field holding the dates.
    date_field: String,
    /// Whether its counts are the terms analyser's state too (see [`Configure::shares`]).
    shares_terms: bool,
}

/// The mergeable state of [`Trends`].
///
/// The corpus's feature counts are one [`TermsPartial`], exactly the terms analyser's state
/// (so that, counting for it, trends count each token once and hand that state over whole);
/// each bin (and value of `by`) keeps its documents, tokens and (term id, count) pairs, ids of
/// that state, appended document by document and compacted (sorted by id, equal ids added)
/// whenever a bin's list has doubled, so a bin holds about one pair per distinct term it has.
/// A bin is keyed by its first day, `2020-08-01`, followed by a tab and the value of `by` when
/// there is one. Merging merges the terms states and renumbers the cheaper side's pairs.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrendsPartial {
    terms: TermsPartial,
    bins: BTreeMap<String, BinCounts>,
    /// Documents without a date.
    undated: u64,
    /// Documents whose date is less precise than the bin.
    imprecise: u64,
    /// Documents dated outside `from` and `to`.
    #[serde(default)]
    out_of_range: u64,
    /// The features chosen when the terms state was handed over ([`Configure::share`]): their
    /// column of each term id, and their texts. Never serialised; any change drops it.
    #[serde(skip)]
    chosen: Option<ChosenFeatures>,
}

/// The counts of one bin.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BinCounts {
    documents: u64,
    tokens: u64,
    /// (term id, count) pairs; an id may repeat until the list is compacted.
    counts: Vec<(u32, u64)>,
    /// The length of `counts` when it was last compacted.
    #[serde(skip)]
    compacted: usize,
}

impl BinCounts {
    /// Sorts the pairs by id and adds up those of one id.
    fn compact(&mut self) {
        self.counts.sort_unstable_by_key(|p| p.0);
        let mut out: Vec<(u32, u64)> = Vec::with_capacity(self.counts.len());
        for &(id, n) in &self.counts {
            match out.last_mut() {
                Some(last) if last.0 == id => last.1 = last.1.saturating_add(n),
                _ => out.push((id, n)),
            }
        }
        self.counts = out;
        self.compacted = self.counts.len();
    }

    fn add(&mut self, pairs: &[(u32, u64)]) {
        if self.counts.is_empty() {
            // One document's pairs: one per distinct term, already compact.
            self.counts.extend_from_slice(pairs);
            self.compacted = self.counts.len();
            return;
        }
        self.counts.extend_from_slice(pairs);
        if self.counts.len() > 2 * self.compacted.max(512) {
            self.compact();
        }
    }
}

/// The terms drawn, chosen among the corpus's features as the terms analyser chooses them: for
/// each, its term id (`None`: a listed term that is not a feature) and its text.
#[derive(Debug)]
struct ChosenFeatures {
    drawn: Vec<(Option<u32>, String)>,
}

impl ChosenFeatures {
    fn of(terms: &mut TermsPartial, config: &TrendsConfig) -> Self {
        let (kept, _) = terms.choose_features(&config.features).clone();
        let drawn = if config.terms.is_empty() {
            let counts: Vec<u64> = terms.term_counts().collect();
            let count = |id: usize| counts.get(id).copied().unwrap_or(0);
            let mut order: Vec<usize> = kept.into_iter().filter(|&id| count(id) > 0).collect();
            // The most frequent first, ties by term: the top ones found by a partial sort.
            let texts = |id: usize| terms.term_text(id).unwrap_or_default();
            let by_count = |a: &usize, b: &usize| count(*b).cmp(&count(*a));
            if order.len() > config.top {
                order.select_nth_unstable_by(config.top, by_count);
                let cut = count(order[config.top]);
                // Keep every term tied with the last one taken, to break ties by text.
                order.retain(|&id| count(id) >= cut);
            }
            let mut order: Vec<(u64, String, usize)> = order
                .into_iter()
                .map(|id| (count(id), texts(id), id))
                .collect();
            order.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            order
                .into_iter()
                .take(config.top)
                .map(|(_, text, id)| (u32::try_from(id).ok(), text))
                .collect()
        } else {
            let mut is_feature = vec![false; terms.table_len()];
            for &id in &kept {
                if let Some(f) = is_feature.get_mut(id) {
                    *f = true;
                }
            }
            config
                .terms
                .iter()
                .map(|term| {
                    let id = terms
                        .term_id(term)
                        .filter(|&id| is_feature.get(id).copied().unwrap_or(false));
                    (id.and_then(|id| u32::try_from(id).ok()), term.clone())
                })
                .collect()
        };
        ChosenFeatures { drawn }
    }
}

impl Merge for TrendsPartial {
    fn merge(&mut self, mut other: Self) {
        self.chosen = None;
        if other.terms.remap_cost() > self.terms.remap_cost() {
            std::mem::swap(self, &mut other);
        }
        let remap = self.terms.merge_remap(std::mem::take(&mut other.terms));
        for (key, mut theirs) in other.bins {
            for pair in &mut theirs.counts {
                pair.0 = remap.get(pair.0 as usize).copied().unwrap_or(pair.0);
            }
            let ours = self.bins.entry(key).or_default();
            ours.documents += theirs.documents;
            ours.tokens += theirs.tokens;
            ours.add(&theirs.counts);
        }
        self.undated += other.undated;
        self.imprecise += other.imprecise;
        self.out_of_range += other.out_of_range;
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
    fn add(&mut self, c: f64) {
        self.units += 1;
        self.compound_sum += c;
        self.positive += u64::from(c >= 0.05);
        self.negative += u64::from(c <= -0.05);
    }

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
    /// Each dictionary category (name) with its matches per group and bin, when the series is
    /// drawn.
    pub categories: Vec<(String, Vec<Vec<u64>>)>,
    /// Tokens the dictionary analyser counted, per group and bin (the base of the shares).
    pub dictionary_tokens: Vec<Vec<u64>>,
    /// Each target (name) with the sentiment of the sentences mentioning it, per group and
    /// bin, when the series is drawn.
    pub targets: Vec<(String, Vec<Vec<SentimentCell>>)>,
    /// Documents without a date.
    pub undated: u64,
    /// Documents with a date less precise than the bin.
    pub imprecise: u64,
    /// Documents dated outside `from` and `to`.
    pub out_of_range: u64,
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
        let window = (
            self.config
                .from
                .as_deref()
                .and_then(bins::period)
                .map(|p| p.0),
            self.config
                .to
                .as_deref()
                .and_then(bins::period)
                .map(|p| p.1),
        );
        place(meta.get(&self.date_field), self.config.bin, window)
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

    /// The fold that places documents in this analyser's bins after the run, for the series
    /// made of other analysers' results ([`TrendsOutput::add_sentiment`],
    /// [`TrendsOutput::add_categories`], [`TrendsOutput::add_targets`]): documents must come in
    /// ordinal order, so the sums are the same whatever split of the corpus the results came
    /// from. `None` when no such series is drawn.
    pub fn fold(&self) -> Option<TrendsFold> {
        let folded = [Series::Sentiment, Series::Dictionary, Series::Targets];
        self.config
            .series
            .iter()
            .any(|s| folded.contains(s))
            .then(|| TrendsFold {
                trends: self.clone(),
                cells: BTreeMap::new(),
                keys: Vec::new(),
                placed: Vec::new(),
            })
    }
}

/// The fold of a run's documents, in ordinal order, into the trends' bins: the sentiment per
/// bin from the sentiment analyser's scores, and the bin of every document, in which the
/// dictionary's and the targets' per-document results are then placed (see [`Trends::fold`]).
#[derive(Debug, Clone)]
pub struct TrendsFold {
    trends: Trends,
    cells: BTreeMap<String, SentimentCell>,
    /// The keys of the bins documents are placed in, each once.
    keys: Vec<String>,
    /// Each placed document's ordinal and its key's index in `keys`, in ordinal order.
    placed: Vec<(Ordinal, u32)>,
}

impl TrendsFold {
    /// Adds one document's unit scores (`compounds`; none without the sentiment analyser),
    /// the document being `ordinal` with metadata `meta`.
    pub fn observe(
        &mut self,
        meta: &Metadata,
        ordinal: Ordinal,
        compounds: impl IntoIterator<Item = f64>,
    ) {
        let Some(key) = self.trends.key_of(meta) else {
            return;
        };
        let index = match self.keys.last() {
            Some(last) if *last == key => self.keys.len() - 1,
            _ => match self.keys.iter().rposition(|k| *k == key) {
                Some(i) => i,
                None => {
                    self.keys.push(key.clone());
                    self.keys.len() - 1
                }
            },
        };
        self.placed
            .push((ordinal, u32::try_from(index).unwrap_or(u32::MAX)));
        let cell = self.cells.entry(key).or_default();
        for c in compounds {
            cell.add(c);
        }
    }

    /// The bin key of the document `ordinal`, if it was placed.
    fn key_of(&self, ordinal: Ordinal) -> Option<&str> {
        let i = self.placed.binary_search_by_key(&ordinal, |p| p.0).ok()?;
        self.keys.get(self.placed[i].1 as usize).map(String::as_str)
    }
}

impl TrendsOutput {
    /// Places the folded sentiment in the bins (when the sentiment series is drawn).
    pub fn add_sentiment(&mut self, fold: &TrendsFold) {
        if self.refused.is_some() || !self.series.contains(&Series::Sentiment) {
            return;
        }
        let mut cells = vec![vec![SentimentCell::default(); self.bins.len()]; self.groups.len()];
        {
            let index = self.index();
            for (key, cell) in &fold.cells {
                if let Some((g, b)) = unkey(key).and_then(|(start, group)| index(start, group)) {
                    cells[g][b] = *cell;
                }
            }
        }
        self.sentiment = Some(cells);
    }

    /// Places the dictionary analyser's per-document counts in the bins (when the dictionary
    /// series is drawn): `categories` names its categories, `documents` gives each document's
    /// ordinal, tokens and count per category.
    pub fn add_categories<'d>(
        &mut self,
        fold: &TrendsFold,
        categories: &[String],
        documents: impl IntoIterator<Item = (Ordinal, u64, &'d [u64])>,
    ) {
        if self.refused.is_some() || !self.series.contains(&Series::Dictionary) {
            return;
        }
        let shape = vec![vec![0u64; self.bins.len()]; self.groups.len()];
        let mut counts = vec![shape.clone(); categories.len()];
        let mut tokens = shape;
        {
            let index = self.index();
            for (ordinal, n, per_category) in documents {
                let Some((g, b)) = fold
                    .key_of(ordinal)
                    .and_then(unkey)
                    .and_then(|(start, group)| index(start, group))
                else {
                    continue;
                };
                tokens[g][b] += n;
                for (c, &k) in per_category.iter().enumerate() {
                    if let Some(cell) = counts.get_mut(c) {
                        cell[g][b] += k;
                    }
                }
            }
        }
        self.categories = categories.iter().cloned().zip(counts).collect();
        self.dictionary_tokens = tokens;
    }

    /// Places the targets analyser's sentences in the bins (when the targets series is drawn):
    /// `targets` names the targets, `sentences` gives each mention sentence's target (its
    /// index in `targets`), ordinal and compound score, in corpus order.
    pub fn add_targets(
        &mut self,
        fold: &TrendsFold,
        targets: &[String],
        sentences: impl IntoIterator<Item = (usize, Ordinal, f64)>,
    ) {
        if self.refused.is_some() || !self.series.contains(&Series::Targets) {
            return;
        }
        let shape = vec![vec![SentimentCell::default(); self.bins.len()]; self.groups.len()];
        let mut cells = vec![shape; targets.len()];
        {
            let index = self.index();
            for (target, ordinal, compound) in sentences {
                let Some((g, b)) = fold
                    .key_of(ordinal)
                    .and_then(unkey)
                    .and_then(|(start, group)| index(start, group))
                else {
                    continue;
                };
                if let Some(t) = cells.get_mut(target) {
                    t[g][b].add(compound);
                }
            }
        }
        self.targets = targets.iter().cloned().zip(cells).collect();
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
    pub fn rows<'a>(&'a self) -> Vec<TrendRow<'a>> {
        let mut rows = Vec::new();
        for (b, span) in self.bins.iter().enumerate() {
            for (g, group) in self.groups.iter().enumerate() {
                let docs = self.documents[g][b];
                let tokens = self.tokens[g][b];
                let row =
                    |series: &'static str, key: &'a str, value: Option<f64>, count: u64| TrendRow {
                        bin: span,
                        group,
                        series,
                        key,
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
                for (name, counts) in &self.categories {
                    let count = counts[g][b];
                    let n = self.dictionary_tokens[g][b];
                    let share = (n > 0).then(|| count as f64 / n as f64);
                    rows.push(row("dictionary", name, share, count));
                }
                for (name, cells) in &self.targets {
                    let cell = cells[g][b];
                    rows.push(row("targets", name, cell.mean(), cell.units));
                }
            }
        }
        rows
    }

    /// For each series line (series, key, group), the largest change of value between two
    /// consecutive bins with documents, largest first within each series, at most `k` per
    /// series.
    pub fn movements(&self, k: usize) -> Vec<Movement<'_>> {
        // (series, key, group) → its points with a value.
        type Line<'a> = (&'static str, String, &'a str);
        let mut lines: BTreeMap<Line<'_>, Vec<(&BinSpan, f64)>> = BTreeMap::new();
        for row in self.rows() {
            if row.series == "sentiment" && row.key != "mean_compound" {
                continue;
            }
            if let Some(v) = row.value {
                lines
                    .entry((row.series, row.key.to_owned(), row.group))
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
            if let Some(((from_bin, from), (to_bin, to))) = best
                && to != from
            {
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
        let mut out = Vec::new();
        for series in ["documents", "sentiment", "terms", "dictionary", "targets"] {
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
    pub key: &'a str,
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
        partial.chosen = None;
        let meta = &doc.doc.meta;
        let pairs = partial.terms.observe_collect(
            doc.doc.ordinal,
            &doc.doc.id,
            &doc.tokens,
            self.config.features.ngram_range,
            self.shares_terms && self.config.features.per_document,
        );
        match self.place(meta) {
            Placed::In(start) => {
                let bin = partial
                    .bins
                    .entry(key(start, self.group(meta)))
                    .or_default();
                bin.documents += 1;
                bin.tokens += doc.tokens.len() as u64;
                bin.add(pairs);
            }
            Placed::Undated => partial.undated += 1,
            Placed::Imprecise => partial.imprecise += 1,
            Placed::OutOfRange => partial.out_of_range += 1,
        }
    }

    fn finish(&self, partial: TrendsPartial) -> TrendsOutput {
        finish(&self.config, partial)
    }
}

fn finish(config: &TrendsConfig, partial: TrendsPartial) -> TrendsOutput {
    let TrendsPartial {
        mut terms,
        bins,
        undated,
        imprecise,
        out_of_range,
        chosen,
    } = partial;
    let chosen = chosen.unwrap_or_else(|| ChosenFeatures::of(&mut terms, config));
    drop(terms);
    let mut out = TrendsOutput {
        bin: config.bin,
        by: config.by.clone(),
        series: config.series.clone(),
        bins: Vec::new(),
        groups: Vec::new(),
        documents: Vec::new(),
        tokens: Vec::new(),
        terms: Vec::new(),
        missing_terms: chosen
            .drawn
            .iter()
            .filter(|d| d.0.is_none())
            .map(|d| d.1.clone())
            .collect(),
        sentiment: None,
        categories: Vec::new(),
        dictionary_tokens: Vec::new(),
        targets: Vec::new(),
        undated,
        imprecise,
        out_of_range,
        refused: None,
    };
    let placed: Vec<(NaiveDate, &str, &BinCounts)> = bins
        .iter()
        .filter_map(|(k, b)| unkey(k).map(|(start, group)| (start, group, b)))
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
    out.groups = if config.by.is_none() {
        vec![String::new()]
    } else {
        let mut groups: Vec<String> = placed.iter().map(|p| p.1.to_owned()).collect();
        groups.sort();
        groups.dedup();
        groups
    };
    let (n_groups, n_bins) = (out.groups.len(), out.bins.len());
    out.documents = vec![vec![0; n_bins]; n_groups];
    out.tokens = vec![vec![0; n_bins]; n_groups];
    out.terms = chosen
        .drawn
        .iter()
        .enumerate()
        .map(|(i, (_, term))| {
            let label = match config.written.get(i) {
                Some(w) if !config.terms.is_empty() => w.clone(),
                _ => term.clone(),
            };
            TermTrend {
                term: term.clone(),
                label,
                counts: vec![vec![0; n_bins]; n_groups],
            }
        })
        .collect();
    // Term id → the index of the term drawn.
    let table = chosen
        .drawn
        .iter()
        .filter_map(|d| d.0)
        .max()
        .map_or(0, |id| id as usize + 1);
    let mut drawn = vec![u32::MAX; table];
    for (t, (id, _)) in chosen.drawn.iter().enumerate() {
        if let Some(slot) = id.and_then(|id| drawn.get_mut(id as usize)) {
            *slot = u32::try_from(t).unwrap_or(u32::MAX);
        }
    }
    for (start, group, bin) in placed {
        let Ok(b) = out.bins.binary_search_by(|s| s.start.cmp(&start)) else {
            continue;
        };
        let g = if config.by.is_none() {
            0
        } else {
            match out.groups.binary_search_by(|v| v.as_str().cmp(group)) {
                Ok(g) => g,
                Err(_) => continue,
            }
        };
        out.documents[g][b] += bin.documents;
        out.tokens[g][b] += bin.tokens;
        for &(id, count) in &bin.counts {
            let t = drawn.get(id as usize).copied().unwrap_or(u32::MAX);
            if let Some(term) = out.terms.get_mut(t as usize) {
                term.counts[g][b] += count;
            }
        }
    }
    out
}

impl Configure for Trends {
    const KEY: &'static str = "trends";
    const SCHEMA: &'static [(&'static str, &'static [&'static str])] =
        &[("", &["bin", "series", "terms", "top", "by", "from", "to"])];
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
        let dictionary = configured.iter().any(|a| a.is::<crate::Dictionary>());
        let targets = configured.iter().any(|a| a.is::<crate::Targets>());
        let available = |s: Series| match s {
            Series::Sentiment => sentiment,
            Series::Terms => true,
            Series::Dictionary => dictionary,
            Series::Targets => targets,
        };
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
                        Some(k) if !available(Series::ALL[k]) => {
                            t.error_item(
                                "series",
                                i,
                                format!(
                                    "the {name} series needs `[analyse.{name}]` in the pipeline"
                                ),
                            );
                        }
                        Some(k) => series.push(Series::ALL[k]),
                        None => t.error_item(
                            "series",
                            i,
                            format!(
                                "unknown series \"{name}\": expected \"sentiment\", \"terms\", \"dictionary\" or \"targets\""
                            ),
                        ),
                    }
                }
                series
            }
            // Every series whose analyser runs, and the terms.
            None => Series::ALL.into_iter().filter(|&s| available(s)).collect(),
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
        for key in ["from", "to"] {
            let Some(value) = t.string(key) else { continue };
            if bins::period(&value).is_none() {
                t.error(
                    Some(key),
                    format!("`{key}` = \"{value}\" is not a period: expected a year (`2001`), a month (`2001-06`) or a day (`2001-06-15`)"),
                );
                continue;
            }
            match key {
                "from" => config.from = Some(value),
                _ => config.to = Some(value),
            }
        }
        if let (Some(from), Some(to)) = (
            config.from.as_deref().and_then(bins::period),
            config.to.as_deref().and_then(bins::period),
        ) && from.0 > to.1
        {
            t.error(
                Some("to"),
                "`to` comes before `from`: no date could be drawn".into(),
            );
        }
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
        partial.terms.validate()?;
        if partial.terms.n_docs() != documents.len() as u64 {
            return Err(InvalidState(format!(
                "the trends counts are of {} documents, the state's {}",
                partial.terms.n_docs(),
                documents.len()
            )));
        }
        let terms = partial.terms.table_len();
        let mut undated = 0u64;
        let mut imprecise = 0u64;
        let mut out_of_range = 0u64;
        let mut expected: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for d in documents {
            match self.place(&d.meta) {
                Placed::Undated => undated += 1,
                Placed::Imprecise => imprecise += 1,
                Placed::OutOfRange => out_of_range += 1,
                Placed::In(start) => {
                    let e = expected.entry(key(start, self.group(&d.meta))).or_default();
                    e.0 += 1;
                    e.1 += d.tokens;
                }
            }
        }
        if (partial.undated, partial.imprecise, partial.out_of_range)
            != (undated, imprecise, out_of_range)
        {
            return Err(InvalidState(format!(
                "the trends state counts {} undated, {} imprecise and {} out-of-range documents, the documents {undated}, {imprecise} and {out_of_range}",
                partial.undated, partial.imprecise, partial.out_of_range
            )));
        }
        for (key, bin) in &partial.bins {
            let want = expected.remove(key).unwrap_or_default();
            if (bin.documents, bin.tokens) != want {
                return Err(InvalidState(format!(
                    "the trends counts of bin {key:?} are of {} documents and {} tokens, the documents' {} and {}",
                    bin.documents, bin.tokens, want.0, want.1
                )));
            }
            if let Some(&(id, _)) = bin.counts.iter().find(|p| p.0 as usize >= terms) {
                return Err(InvalidState(format!(
                    "the trends counts of bin {key:?} name term {id}, of {terms}"
                )));
            }
        }
        if let Some((key, (n, _))) = expected.into_iter().next() {
            return Err(InvalidState(format!(
                "the trends counts have no bin {key:?}, which {n} documents have"
            )));
        }
        Ok(())
    }

    fn shares(&self) -> Option<&'static str> {
        self.shares_terms.then_some(<Terms as Configure>::KEY)
    }

    /// The terms state, handed over whole: the features are chosen first (the terms analyser
    /// finishes with the same choice) and what the trends need of them kept.
    fn share(&self, partial: &mut TrendsPartial) -> Option<Box<dyn std::any::Any + Send>> {
        if !self.shares_terms {
            return None;
        }
        let chosen = ChosenFeatures::of(&mut partial.terms, &self.config);
        let terms = std::mem::take(&mut partial.terms);
        partial.chosen = Some(chosen);
        Some(Box::new(terms) as Box<dyn std::any::Any + Send>)
    }
}

#[cfg(test)]
mod tests;

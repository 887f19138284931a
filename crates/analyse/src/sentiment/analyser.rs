//! The [`Sentiment`] analyser: VADER over every sentence (or document) of a corpus, with
//! per-document, per-group and corpus aggregates.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use wordmill_model::{Merge, NormalisedDoc, Ordinal, Span};

use super::explain::Explanation;
use super::lexicon::{Lexicon, SentimentError};
use super::vader::{Rules, Scores, Vader};
use crate::{Analyser, DocShared};

/// Threshold of a positive compound score (VADER's convention): a unit is positive when its
/// compound is at least this, negative when it is at most its opposite, neutral in between.
pub const POLARITY_THRESHOLD: f64 = 0.05;
const POSITIVE: f64 = POLARITY_THRESHOLD;
/// Number of histogram bins over [-1, 1].
pub const HISTOGRAM_BINS: usize = 20;

/// What a sentiment score is computed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Each sentence of [`NormalisedDoc::sentences`].
    #[default]
    Sentence,
    /// The whole document text, as one unit.
    Document,
}

impl Unit {
    /// Every unit, by the names pipeline files use.
    pub const NAMES: [&'static str; 2] = ["sentence", "document"];

    /// The name pipeline files and reports use: `sentence` or `document`.
    pub const fn name(self) -> &'static str {
        match self {
            Unit::Sentence => "sentence",
            Unit::Document => "document",
        }
    }
}

impl std::str::FromStr for Unit {
    type Err = crate::UnknownName;

    /// `sentence` or `document`.
    fn from_str(s: &str) -> Result<Self, crate::UnknownName> {
        match s {
            "sentence" => Ok(Unit::Sentence),
            "document" => Ok(Unit::Document),
            other => Err(crate::UnknownName {
                what: "unit",
                found: other.to_owned(),
                expected: &Unit::NAMES,
            }),
        }
    }
}

impl From<LexiconSource> for String {
    fn from(l: LexiconSource) -> String {
        l.name()
    }
}

impl From<String> for LexiconSource {
    fn from(s: String) -> LexiconSource {
        if s == "vader" {
            LexiconSource::Vader
        } else {
            LexiconSource::File(PathBuf::from(s))
        }
    }
}

impl LexiconSource {
    /// `vader`, or the file's path: as pipeline files name the layer.
    pub fn name(&self) -> String {
        match self {
            LexiconSource::Vader => "vader".to_string(),
            LexiconSource::File(path) => path.display().to_string(),
        }
    }
}

/// One layer of the lexicon. Serialised as a pipeline file names it: `"vader"`, or the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum LexiconSource {
    /// The built-in VADER lexicon.
    Vader,
    /// A lexicon file (VADER or `word<TAB>score` format).
    File(PathBuf),
}

/// Configuration of the [`Sentiment`] analyser.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SentimentConfig {
    /// Lexicon layers, merged in order: later ones override earlier entries. The default is
    /// the built-in VADER lexicon alone.
    pub lexicon: Vec<LexiconSource>,
    /// The rule set.
    pub rules: Rules,
    /// Score sentences or whole documents.
    pub unit: Unit,
    /// Metadata keys whose values form a document's group.
    pub group_by: Vec<String>,
    /// Keep an [`Explanation`] with every sentence record.
    pub explain: bool,
}

setters!(SentimentConfig { lexicon: Vec<LexiconSource>, rules: Rules, unit: Unit, group_by: Vec<String>, explain: bool });

impl Default for SentimentConfig {
    fn default() -> Self {
        SentimentConfig {
            lexicon: vec![LexiconSource::Vader],
            rules: Rules::Vader,
            unit: Unit::Sentence,
            group_by: Vec::new(),
            explain: false,
        }
    }
}

impl SentimentConfig {
    /// Loads and merges the lexicon layers.
    pub fn load_lexicon(&self) -> Result<Lexicon, SentimentError> {
        let mut lexicon = Lexicon::new();
        for source in &self.lexicon {
            match source {
                LexiconSource::Vader if lexicon.is_empty() => lexicon = Lexicon::vader(),
                LexiconSource::Vader => lexicon.extend(&Lexicon::vader()),
                LexiconSource::File(path) => lexicon.extend(&Lexicon::from_path(path)?),
            }
        }
        Ok(lexicon)
    }
}

/// Sentiment of a corpus, sentence by sentence (or document by document).
///
/// ```
/// use wordmill_analyse::{Analyser, Sentiment, SentimentConfig};
/// use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span};
///
/// let sentiment = Sentiment::new(SentimentConfig::default().group_by(vec!["year".into()])).unwrap();
/// let meta: Metadata = [("year", "2020")].into_iter().collect();
/// let doc = Document::new(0, "a", "Workers are happy. The election was stolen.", meta);
/// let nd = NormalisedDoc { doc: &doc, sentences: vec![Span::new(0, 18), Span::new(19, 43)], tokens: vec![] };
/// let mut partial = sentiment.partial();
/// sentiment.observe(&mut partial, &nd);
/// let out = sentiment.finish(partial);
/// assert_eq!(out.sentences.len(), 2);
/// let worst = out.documents[0].most_negative.as_ref().unwrap();
/// assert_eq!((worst.index, worst.text.as_str()), (1, "The election was stolen."));
/// assert_eq!(out.groups[0].key, ["2020"]);
/// ```
#[derive(Debug, Clone)]
pub struct Sentiment {
    vader: Vader,
    unit: Unit,
    group_by: Vec<String>,
    explain: bool,
    config: SentimentConfig,
}

impl Sentiment {
    /// An analyser from its configuration (loads the lexicon files).
    pub fn new(config: SentimentConfig) -> Result<Self, SentimentError> {
        let lexicon = config.load_lexicon()?;
        Ok(Sentiment::with_lexicon(config, lexicon))
    }

    /// An analyser with an already loaded lexicon (`config.lexicon` is ignored).
    pub fn with_lexicon(config: SentimentConfig, lexicon: Lexicon) -> Self {
        Sentiment {
            vader: Vader::new(lexicon, config.rules),
            unit: config.unit,
            group_by: config.group_by.clone(),
            explain: config.explain,
            config,
        }
    }

    /// The configuration it was made with.
    pub fn config(&self) -> &SentimentConfig {
        &self.config
    }

    /// The scorer.
    pub fn vader(&self) -> &Vader {
        &self.vader
    }
}

/// One scored unit, as kept in the partial state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct UnitState {
    index: usize,
    span: Span,
    scores: Scores,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    explanation: Option<Explanation>,
}

/// Per-document state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct DocState {
    id: String,
    group: Vec<String>,
    units: Vec<UnitState>,
    /// Texts of the most positive and the most negative unit (the first one on ties).
    #[serde(default)]
    extremes: Option<(String, String)>,
}

/// The mergeable state of [`Sentiment`]: per-document scores keyed by ordinal. Floats are
/// summed only in [`Analyser::finish`], in ordinal order, so any merge order gives the same
/// bits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SentimentPartial {
    docs: BTreeMap<Ordinal, DocState>,
    /// The corpus's most positive units (at most [`QUOTES`]), best first.
    #[serde(default)]
    most_positive: Vec<Quote>,
    /// The corpus's most negative units (at most [`QUOTES`]), worst first.
    #[serde(default)]
    most_negative: Vec<Quote>,
}

/// How many of the corpus's most positive and most negative units are kept with their text.
pub const QUOTES: usize = 5;

/// A unit of the corpus quoted for its score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Ordinal of its document.
    pub ordinal: Ordinal,
    /// Id of its document.
    pub doc_id: String,
    /// Index of the unit in its document.
    pub index: usize,
    /// Its compound score.
    pub compound: f64,
    /// Its text.
    pub text: String,
}

/// Keeps the `QUOTES` best of `list` by `better` (ties: lower ordinal, then lower index).
fn keep_best(list: &mut Vec<Quote>, positive: bool) {
    list.sort_by(|a, b| {
        let by_score = if positive {
            b.compound.total_cmp(&a.compound)
        } else {
            a.compound.total_cmp(&b.compound)
        };
        by_score
            .then(a.ordinal.cmp(&b.ordinal))
            .then(a.index.cmp(&b.index))
    });
    list.dedup_by(|a, b| a.ordinal == b.ordinal && a.index == b.index);
    list.truncate(QUOTES);
}

impl Merge for SentimentPartial {
    fn merge(&mut self, mut other: Self) {
        self.most_positive.append(&mut other.most_positive);
        keep_best(&mut self.most_positive, true);
        self.most_negative.append(&mut other.most_negative);
        keep_best(&mut self.most_negative, false);
        if self.docs.len() < other.docs.len() {
            let mine = std::mem::replace(&mut self.docs, other.docs);
            for (k, v) in mine {
                self.docs.entry(k).or_insert(v);
            }
        } else {
            for (k, v) in other.docs {
                self.docs.entry(k).or_insert(v);
            }
        }
    }
}

/// One scored sentence (or document, with [`Unit::Document`]): a line of `sentences.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceRecord {
    /// The document's id.
    pub doc_id: String,
    /// Index of the sentence within its document.
    pub index: usize,
    /// First byte of the sentence in the document text.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// VADER neg.
    pub neg: f64,
    /// VADER neu.
    pub neu: f64,
    /// VADER pos.
    pub pos: f64,
    /// VADER compound.
    pub compound: f64,
    /// Why, when explanations were asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

/// One sentence of a document, quoted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceRef {
    /// Index of the sentence.
    pub index: usize,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Its compound score.
    pub compound: f64,
    /// Its text.
    pub text: String,
}

/// Sentiment of one document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentSentiment {
    /// The document's ordinal.
    pub ordinal: Ordinal,
    /// The document's id.
    pub id: String,
    /// Values of the `group_by` keys (empty string when missing).
    pub group: Vec<String>,
    /// Number of scored sentences.
    pub sentences: usize,
    /// Mean compound over the sentences (0 when there is none).
    pub mean_compound: f64,
    /// Share of sentences with compound ≥ 0.05.
    pub positive: f64,
    /// Share of sentences with compound strictly between -0.05 and 0.05.
    pub neutral: f64,
    /// Share of sentences with compound ≤ -0.05.
    pub negative: f64,
    /// The sentence with the highest compound (the lowest index on ties), when it is positive
    /// (compound ≥ [`POLARITY_THRESHOLD`]); `None` when the document has no positive sentence.
    pub most_positive: Option<SentenceRef>,
    /// The sentence with the lowest compound (the lowest index on ties), when it is negative
    /// (compound ≤ −[`POLARITY_THRESHOLD`]); `None` when the document has no negative sentence.
    pub most_negative: Option<SentenceRef>,
}

/// Aggregates over a set of documents.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SentimentSummary {
    /// Number of documents.
    pub documents: usize,
    /// Number of sentences.
    pub sentences: usize,
    /// Mean compound over all sentences.
    pub mean_compound: f64,
    /// Mean of the documents' mean compounds (documents with at least one sentence).
    pub mean_document_compound: f64,
    /// Share of positive sentences (compound ≥ 0.05).
    pub positive: f64,
    /// Share of neutral sentences.
    pub neutral: f64,
    /// Share of negative sentences (compound ≤ -0.05).
    pub negative: f64,
    /// Sentence counts of compound in 20 bins of width 0.1 over [-1, 1]; bin `k` holds
    /// `-1 + 0.1·k ≤ compound < -1 + 0.1·(k+1)`, the last bin includes 1.
    pub histogram: Vec<u64>,
}

/// Aggregates of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSentiment {
    /// Values of the `group_by` keys.
    pub key: Vec<String>,
    /// The group's aggregates.
    pub summary: SentimentSummary,
}

/// The finished sentiment analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentOutput {
    /// The `group_by` keys.
    pub group_by: Vec<String>,
    /// Documents in ordinal order.
    pub documents: Vec<DocumentSentiment>,
    /// Sentences in (ordinal, index) order.
    pub sentences: Vec<SentenceRecord>,
    /// Groups sorted by key.
    pub groups: Vec<GroupSentiment>,
    /// The whole corpus.
    pub corpus: SentimentSummary,
    /// The corpus's most positive units, those with compound ≥ [`POLARITY_THRESHOLD`] (at most
    /// [`QUOTES`]), best first.
    pub most_positive: Vec<Quote>,
    /// The corpus's most negative units, those with compound ≤ −[`POLARITY_THRESHOLD`] (at most
    /// [`QUOTES`]), worst first.
    pub most_negative: Vec<Quote>,
}

/// Running sums, fed in a fixed order.
#[derive(Debug, Default)]
struct Acc {
    documents: usize,
    sentences: usize,
    sum: f64,
    doc_means: f64,
    docs_with_sentences: usize,
    positive: usize,
    negative: usize,
    histogram: [u64; HISTOGRAM_BINS],
}

impl Acc {
    fn summary(&self) -> SentimentSummary {
        let share = |k: usize| {
            if self.sentences == 0 {
                0.0
            } else {
                k as f64 / self.sentences as f64
            }
        };
        SentimentSummary {
            documents: self.documents,
            sentences: self.sentences,
            mean_compound: if self.sentences == 0 {
                0.0
            } else {
                self.sum / self.sentences as f64
            },
            mean_document_compound: if self.docs_with_sentences == 0 {
                0.0
            } else {
                self.doc_means / self.docs_with_sentences as f64
            },
            positive: share(self.positive),
            neutral: share(self.sentences - self.positive - self.negative),
            negative: share(self.negative),
            histogram: self.histogram.to_vec(),
        }
    }
}

/// The histogram bin of a compound score.
fn bin(compound: f64) -> usize {
    // Compound scores have 4 decimals: work in exact ten-thousandths.
    let k = (compound * 10_000.0).round() as i64 + 10_000;
    (k.max(0) as usize / 1_000).min(HISTOGRAM_BINS - 1)
}

impl crate::Configure for Sentiment {
    const KEY: &'static str = "sentiment";
    const SCHEMA: &'static [(&'static str, &'static [&'static str])] =
        &[("", &["lexicon", "rules", "unit", "group_by", "explain"])];

    fn configure(
        t: &mut dyn crate::ConfigTable,
        _configured: &[&dyn std::any::Any],
    ) -> Option<Self> {
        let lexicon = match t.strings("lexicon") {
            Some(list) if list.is_empty() => {
                t.error(
                    Some("lexicon"),
                    "`analyse.sentiment.lexicon` is empty".to_string(),
                );
                vec![LexiconSource::Vader]
            }
            Some(list) => {
                let mut layers = Vec::with_capacity(list.len());
                for (i, name) in list.into_iter().enumerate() {
                    if name == "vader" {
                        layers.push(LexiconSource::Vader);
                        continue;
                    }
                    if !std::path::Path::new(&name).is_file() {
                        t.error_item(
                            "lexicon",
                            i,
                            format!(
                                "`analyse.sentiment.lexicon`: \"{name}\" is neither \"vader\" nor a readable lexicon file"
                            ),
                        );
                    } else if let Err(e) = Lexicon::from_path(&name) {
                        // A lexicon is small: reading it here reports a bad line before any run.
                        t.error_item("lexicon", i, format!("`analyse.sentiment.lexicon`: {e}"));
                    }
                    layers.push(LexiconSource::File(PathBuf::from(name)));
                }
                layers
            }
            None => vec![LexiconSource::Vader],
        };
        let rules = t
            .choice("rules", &Rules::NAMES)
            .and_then(|i| Rules::NAMES[i].parse().ok())
            .unwrap_or_default();
        let unit = t
            .choice("unit", &Unit::NAMES)
            .and_then(|i| Unit::NAMES[i].parse().ok())
            .unwrap_or_default();
        let group_by = t.strings("group_by").unwrap_or_default();
        let explain = t.boolean("explain", false);
        let config = SentimentConfig {
            lexicon,
            rules,
            unit,
            group_by,
            explain,
        };
        // Lexicon files were checked above; a failure here is reported there already.
        Sentiment::new(config.clone())
            .ok()
            .or_else(|| Some(Sentiment::with_lexicon(config, Lexicon::vader())))
    }

    type Config = SentimentConfig;

    fn config(&self) -> &SentimentConfig {
        &self.config
    }

    fn validate(
        &self,
        partial: &SentimentPartial,
        documents: &[crate::DocumentStats],
    ) -> Result<(), crate::InvalidState> {
        partial.validate()?;
        let mut ordinals: Vec<Ordinal> = documents.iter().map(|d| d.ordinal).collect();
        ordinals.sort_unstable();
        if !partial.ordinals().eq(ordinals.iter().copied()) {
            return Err(crate::InvalidState(
                "the sentiment scores are not of the documents listed".into(),
            ));
        }
        Ok(())
    }
}

impl Analyser for Sentiment {
    type Partial = SentimentPartial;
    type Output = SentimentOutput;

    fn partial(&self) -> SentimentPartial {
        SentimentPartial::default()
    }

    fn observe(&self, partial: &mut SentimentPartial, doc: &NormalisedDoc<'_>) {
        self.observe_into(partial, doc, None);
    }

    /// Leaves the compound score of every unit in `shared`, for the targets analyser.
    fn observe_shared(
        &self,
        partial: &mut SentimentPartial,
        doc: &NormalisedDoc<'_>,
        shared: &mut DocShared,
    ) {
        self.observe_into(partial, doc, Some(shared));
    }

    fn finish(&self, mut partial: SentimentPartial) -> SentimentOutput {
        let mut fold = SentimentFold::new(self);
        let docs = partial.take_documents();
        let mut documents = Vec::with_capacity(docs.len());
        let mut sentences = Vec::new();
        for d in docs {
            documents.push(fold.fold(d, &mut sentences));
        }
        fold.end(partial, documents, sentences)
    }
}

impl Sentiment {
    /// [`Analyser::observe`], leaving each unit's compound score in `shared` when given.
    fn observe_into(
        &self,
        partial: &mut SentimentPartial,
        doc: &NormalisedDoc<'_>,
        shared: Option<&mut DocShared>,
    ) {
        let d = doc.doc;
        let group = self
            .group_by
            .iter()
            .map(|k| d.meta.get(k).unwrap_or_default().to_string())
            .collect();
        let score = |index: usize, span: Span| {
            let text = span.slice(&d.text);
            let (scores, explanation) = if self.explain {
                let e = self.vader.explain(text);
                (e.scores, Some(e))
            } else {
                (self.vader.polarity_scores(text), None)
            };
            UnitState {
                index,
                span,
                scores,
                explanation,
            }
        };
        let units = match self.unit {
            Unit::Sentence => doc
                .sentences
                .iter()
                .enumerate()
                .map(|(i, s)| score(i, *s))
                .collect(),
            Unit::Document => vec![score(0, Span::new(0, d.text.len()))],
        };
        let units: Vec<UnitState> = units;
        if let Some(shared) = shared {
            shared.put_compounds(
                &self.vader,
                units.iter().map(|u| (u.span, u.scores.compound)),
            );
        }
        let mut best: Option<&UnitState> = None;
        let mut worst: Option<&UnitState> = None;
        for u in &units {
            let c = u.scores.compound;
            if best.is_none_or(|b| c > b.scores.compound) {
                best = Some(u);
            }
            if worst.is_none_or(|w| c < w.scores.compound) {
                worst = Some(u);
            }
        }
        let extremes = best.zip(worst).map(|(b, w)| {
            (
                b.span.slice(&d.text).to_string(),
                w.span.slice(&d.text).to_string(),
            )
        });
        let quote = |u: &UnitState| Quote {
            ordinal: d.ordinal,
            doc_id: d.id.clone(),
            index: u.index,
            compound: u.scores.compound,
            text: u.span.slice(&d.text).to_string(),
        };
        // Only units that could enter the lists are copied.
        let worst_kept = |list: &Vec<Quote>| {
            if list.len() < QUOTES {
                None
            } else {
                list.last().map(|q| q.compound)
            }
        };
        let (pos_floor, neg_ceiling) = (
            worst_kept(&partial.most_positive),
            worst_kept(&partial.most_negative),
        );
        for u in &units {
            let c = u.scores.compound;
            if c >= POSITIVE && pos_floor.is_none_or(|f| c >= f) {
                partial.most_positive.push(quote(u));
            }
            if c <= -POSITIVE && neg_ceiling.is_none_or(|f| c <= f) {
                partial.most_negative.push(quote(u));
            }
        }
        keep_best(&mut partial.most_positive, true);
        keep_best(&mut partial.most_negative, false);
        partial.docs.insert(
            d.ordinal,
            DocState {
                id: d.id.clone(),
                group,
                units,
                extremes,
            },
        );
    }
}

/// One document's scored units, taken out of a [`SentimentPartial`] by
/// [`SentimentPartial::take_documents`] to be folded by a [`SentimentFold`].
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentScores {
    ordinal: Ordinal,
    state: DocState,
}

impl DocumentScores {
    /// The document's ordinal.
    pub fn ordinal(&self) -> Ordinal {
        self.ordinal
    }

    /// Gives the document another id (a repeated id made unique), before it is folded.
    pub fn rename(&mut self, id: String) {
        self.state.id = id;
    }
}

/// Whether `s` are scores VADER can give: every share in `[0, 1]`, the compound in `[-1, 1]`.
fn scores_in_range(s: &Scores) -> bool {
    let share = |x: f64| (0.0..=1.0).contains(&x);
    share(s.neg) && share(s.neu) && share(s.pos) && (-1.0..=1.0).contains(&s.compound)
}

impl SentimentPartial {
    /// Checks what a loaded state must hold: every unit's scores in range (shares in `[0, 1]`,
    /// compound in `[-1, 1]`, none `NaN`), units in order with spans that do not run backwards,
    /// at most [`QUOTES`] quotes on each side, positive ones at or above
    /// [`POLARITY_THRESHOLD`] and negative ones at or below its negative, within `[-1, 1]`.
    /// Returns what is wrong, naming the document.
    pub fn validate(&self) -> Result<(), crate::InvalidState> {
        for (ordinal, doc) in &self.docs {
            let mut previous: Option<usize> = None;
            for unit in &doc.units {
                if !scores_in_range(&unit.scores) {
                    return Err(crate::InvalidState(format!(
                        "sentiment state: document {:?} (ordinal {ordinal}), unit {}: scores out of range (neg {}, neu {}, pos {}, compound {}; expected shares in [0, 1] and a compound in [-1, 1])",
                        doc.id,
                        unit.index,
                        unit.scores.neg,
                        unit.scores.neu,
                        unit.scores.pos,
                        unit.scores.compound
                    )));
                }
                if unit.span.start > unit.span.end || previous.is_some_and(|p| unit.index <= p) {
                    return Err(crate::InvalidState(format!(
                        "sentiment state: document {:?} (ordinal {ordinal}), unit {}: a span that runs backwards or units out of order",
                        doc.id, unit.index
                    )));
                }
                previous = Some(unit.index);
            }
        }
        for (list, positive) in [(&self.most_positive, true), (&self.most_negative, false)] {
            if list.len() > QUOTES {
                return Err(crate::InvalidState(format!(
                    "sentiment state: {} quotes on one side (at most {QUOTES})",
                    list.len()
                )));
            }
            for q in list {
                let sign_ok = if positive {
                    q.compound >= POLARITY_THRESHOLD
                } else {
                    q.compound <= -POLARITY_THRESHOLD
                };
                if !(-1.0..=1.0).contains(&q.compound) || !sign_ok {
                    return Err(crate::InvalidState(format!(
                        "sentiment state: the quote of document {:?}, unit {}, has compound {} (expected {} in [-1, 1])",
                        q.doc_id,
                        q.index,
                        q.compound,
                        if positive {
                            "at least 0.05"
                        } else {
                            "at most -0.05"
                        }
                    )));
                }
            }
        }
        Ok(())
    }

    /// The ordinals of the documents held, in order.
    pub fn ordinals(&self) -> impl Iterator<Item = Ordinal> + '_ {
        self.docs.keys().copied()
    }

    /// Gives the documents of the corpus quotes the ids `renamed` holds for their ordinals
    /// (repeated ids made unique).
    pub fn rename_quotes(&mut self, renamed: &BTreeMap<Ordinal, String>) {
        if renamed.is_empty() {
            return;
        }
        for quote in self.most_positive.iter_mut().chain(&mut self.most_negative) {
            if let Some(id) = renamed.get(&quote.ordinal) {
                quote.doc_id.clone_from(id);
            }
        }
    }

    /// Takes the per-document scores out, in ordinal order, leaving the corpus quotes.
    ///
    /// This is how a run streams: each batch's documents are taken out as soon as they are
    /// scored and folded, in ordinal order, by a [`SentimentFold`] that writes the rows and keeps
    /// only running sums; the partial keeps only what is bounded (the quotes).
    pub fn take_documents(&mut self) -> Vec<DocumentScores> {
        std::mem::take(&mut self.docs)
            .into_iter()
            .map(|(ordinal, state)| DocumentScores { ordinal, state })
            .collect()
    }

    /// Number of documents held.
    pub fn documents(&self) -> usize {
        self.docs.len()
    }
}

/// The finishing half of [`Sentiment`], one document at a time: folds documents, which must
/// come in increasing ordinal order, into their [`DocumentSentiment`] and sentence records while
/// keeping only the running sums of the groups and the corpus. [`Analyser::finish`] is this fold
/// over every document of a partial, so a streamed run and a finished partial give the same
/// bits.
///
/// ```
/// use wordmill_analyse::{Analyser, Sentiment, SentimentConfig, SentimentFold};
/// use wordmill_model::{Document, Metadata, NormalisedDoc, Span};
///
/// let sentiment = Sentiment::new(SentimentConfig::default()).unwrap();
/// let mut partial = sentiment.partial();
/// let doc = Document::new(0, "d0", "What a great day.", Metadata::new());
/// sentiment.observe(&mut partial, &NormalisedDoc { doc: &doc, sentences: vec![Span::new(0, 17)], tokens: vec![] });
///
/// let mut fold = SentimentFold::new(&sentiment);
/// let mut sentences = Vec::new();
/// let mut documents = Vec::new();
/// for d in partial.take_documents() {
///     documents.push(fold.fold(d, &mut sentences));
/// }
/// assert!(documents[0].mean_compound > 0.5);
/// let out = fold.end(partial, Vec::new(), Vec::new());
/// assert_eq!(out.corpus.sentences, 1);
/// ```
#[derive(Debug)]
pub struct SentimentFold {
    group_by: Vec<String>,
    groups: BTreeMap<Vec<String>, Acc>,
    corpus: Acc,
}

impl SentimentFold {
    /// An empty fold for `analyser`'s configuration.
    pub fn new(analyser: &Sentiment) -> Self {
        SentimentFold {
            group_by: analyser.group_by.clone(),
            groups: BTreeMap::new(),
            corpus: Acc::default(),
        }
    }

    /// Folds one document in: returns its [`DocumentSentiment`] and appends its sentence
    /// records to `sentences`.
    pub fn fold(
        &mut self,
        doc: DocumentScores,
        sentences: &mut Vec<SentenceRecord>,
    ) -> DocumentSentiment {
        let DocumentScores {
            ordinal,
            state: doc,
        } = doc;
        let n = doc.units.len();
        let mut sum = 0.0;
        let (mut pos, mut neg) = (0usize, 0usize);
        let mut best: Option<SentenceRef> = None;
        let mut worst: Option<SentenceRef> = None;
        let group = match self.groups.get_mut(&doc.group) {
            Some(g) => g,
            None => self.groups.entry(doc.group.clone()).or_default(),
        };
        let corpus = &mut self.corpus;
        for accs in [&mut *group, &mut *corpus] {
            accs.documents += 1;
        }
        for u in &doc.units {
            let c = u.scores.compound;
            sum += c;
            pos += usize::from(c >= POSITIVE);
            neg += usize::from(c <= -POSITIVE);
            let r = || SentenceRef {
                index: u.index,
                start: u.span.start,
                end: u.span.end,
                compound: c,
                text: String::new(),
            };
            if best.as_ref().is_none_or(|b| c > b.compound) {
                best = Some(r());
            }
            if worst.as_ref().is_none_or(|w| c < w.compound) {
                worst = Some(r());
            }
            for acc in [&mut *group, &mut *corpus] {
                acc.sentences += 1;
                acc.sum += c;
                acc.positive += usize::from(c >= POSITIVE);
                acc.negative += usize::from(c <= -POSITIVE);
                acc.histogram[bin(c)] += 1;
            }
        }
        // A document without a positive (negative) sentence has no most positive (negative) one.
        let mut best = best.filter(|b| b.compound >= POSITIVE);
        let mut worst = worst.filter(|w| w.compound <= -POSITIVE);
        let share = |k: usize| if n == 0 { 0.0 } else { k as f64 / n as f64 };
        let mean = if n == 0 { 0.0 } else { sum / n as f64 };
        if n > 0 {
            for acc in [&mut *group, &mut *corpus] {
                acc.doc_means += mean;
                acc.docs_with_sentences += 1;
            }
        }
        if let Some((best_text, worst_text)) = doc.extremes {
            if let Some(b) = best.as_mut() {
                b.text = best_text;
            }
            if let Some(w) = worst.as_mut() {
                w.text = worst_text;
            }
        }
        sentences.reserve(n);
        for u in doc.units {
            sentences.push(SentenceRecord {
                doc_id: doc.id.clone(),
                index: u.index,
                start: u.span.start,
                end: u.span.end,
                neg: u.scores.neg,
                neu: u.scores.neu,
                pos: u.scores.pos,
                compound: u.scores.compound,
                explanation: u.explanation,
            });
        }
        DocumentSentiment {
            ordinal,
            id: doc.id,
            group: doc.group,
            sentences: n,
            mean_compound: mean,
            positive: share(pos),
            neutral: share(n - pos - neg),
            negative: share(neg),
            most_positive: best,
            most_negative: worst,
        }
    }

    /// The output: the sums of everything folded, the corpus quotes of `partial` (whose
    /// documents were taken out and folded), and the `documents` and `sentences` the caller
    /// kept (all of them, some, or none when they were written out as they came).
    pub fn end(
        self,
        mut partial: SentimentPartial,
        documents: Vec<DocumentSentiment>,
        sentences: Vec<SentenceRecord>,
    ) -> SentimentOutput {
        SentimentOutput {
            most_positive: std::mem::take(&mut partial.most_positive),
            most_negative: std::mem::take(&mut partial.most_negative),
            group_by: self.group_by,
            documents,
            sentences,
            groups: self
                .groups
                .into_iter()
                .map(|(key, acc)| GroupSentiment {
                    key,
                    summary: acc.summary(),
                })
                .collect(),
            corpus: self.corpus.summary(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wordmill_model::{Document, Metadata};

    #[test]
    fn bins_are_exact_at_edges() {
        assert_eq!(bin(-1.0), 0);
        assert_eq!(bin(-0.9), 1);
        assert_eq!(bin(-0.9001), 0);
        assert_eq!(bin(0.0), 10);
        assert_eq!(bin(-0.0001), 9);
        assert_eq!(bin(0.9999), 19);
        assert_eq!(bin(1.0), 19);
    }

    #[test]
    fn document_unit_scores_the_whole_text() {
        let s = Sentiment::new(SentimentConfig {
            unit: Unit::Document,
            ..Default::default()
        })
        .unwrap();
        let doc = Document::new(3, "d", "Good. Bad.", Metadata::new());
        let nd = NormalisedDoc {
            doc: &doc,
            sentences: vec![],
            tokens: vec![],
        };
        let mut p = s.partial();
        s.observe(&mut p, &nd);
        let out = s.finish(p);
        assert_eq!(out.sentences.len(), 1);
        assert_eq!(
            out.sentences[0].compound,
            s.vader().polarity_scores("Good. Bad.").compound
        );
        assert_eq!(out.groups[0].key, Vec::<String>::new());
        assert_eq!(out.corpus.documents, 1);
    }

    #[test]
    fn missing_group_key_is_empty_and_ties_take_lower_index() {
        let s = Sentiment::new(SentimentConfig {
            group_by: vec!["year".into()],
            ..Default::default()
        })
        .unwrap();
        let doc = Document::new(0, "d", "Good. Good. Bad.", Metadata::new());
        let nd = NormalisedDoc {
            doc: &doc,
            sentences: vec![Span::new(0, 5), Span::new(6, 11), Span::new(12, 16)],
            tokens: vec![],
        };
        let mut p = s.partial();
        s.observe(&mut p, &nd);
        let out = s.finish(p);
        assert_eq!(out.groups[0].key, [""]);
        assert_eq!(out.documents[0].most_positive.as_ref().unwrap().index, 0);
        assert_eq!(out.documents[0].most_negative.as_ref().unwrap().index, 2);
        assert_eq!(out.corpus.histogram.iter().sum::<u64>(), 3);
    }

    /// Scores `texts` as the sentences of one document each.
    fn score_documents(texts: &[&[&str]]) -> SentimentOutput {
        let s = Sentiment::new(SentimentConfig::default()).unwrap();
        let docs: Vec<Document> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Document::new(i as u64, format!("d{i}"), t.join(" "), Metadata::new()))
            .collect();
        let mut p = s.partial();
        for (doc, sentences) in docs.iter().zip(texts) {
            let mut spans = Vec::new();
            let mut start = 0;
            for t in sentences.iter() {
                spans.push(Span::new(start, start + t.len()));
                start += t.len() + 1;
            }
            let nd = NormalisedDoc {
                doc,
                sentences: spans,
                tokens: vec![],
            };
            s.observe(&mut p, &nd);
        }
        s.finish(p)
    }

    #[test]
    fn extremes_and_quotes_follow_the_polarity_threshold() {
        let vader = Sentiment::new(SentimentConfig::default()).unwrap();
        let compound = |t: &str| vader.vader().polarity_scores(t).compound;
        // One positive, one negative and one neutral document, each with a neutral sentence.
        let happy: &[&str] = &["What a wonderful day.", "The table is wooden."];
        let gloomy: &[&str] = &["This is a terrible disaster.", "The table is wooden."];
        let flat: &[&str] = &["The table is wooden.", "It stands there."];
        assert!(compound(happy[0]) >= POLARITY_THRESHOLD);
        assert!(compound(gloomy[0]) <= -POLARITY_THRESHOLD);
        assert!(flat.iter().all(|t| compound(t).abs() < POLARITY_THRESHOLD));
        let out = score_documents(&[happy, gloomy, flat]);
        let d = &out.documents;
        assert_eq!(d[0].most_positive.as_ref().unwrap().index, 0);
        assert!(d[0].most_negative.is_none(), "{:?}", d[0].most_negative);
        assert!(d[1].most_positive.is_none(), "{:?}", d[1].most_positive);
        assert_eq!(d[1].most_negative.as_ref().unwrap().index, 0);
        assert_eq!(
            d[1].most_negative.as_ref().unwrap().text,
            "This is a terrible disaster."
        );
        assert!(d[2].most_positive.is_none() && d[2].most_negative.is_none());
        // The corpus quotes: only the one positive and the one negative sentence.
        let ids = |q: &[Quote]| {
            q.iter()
                .map(|q| (q.doc_id.clone(), q.index))
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&out.most_positive), [("d0".to_string(), 0)]);
        assert_eq!(ids(&out.most_negative), [("d1".to_string(), 0)]);
    }

    #[test]
    fn slightly_scored_sentences_are_neither_extremes_nor_quotes() {
        // Scores strictly between -0.05 and 0.05 are neutral: no extreme, no quote.
        let s = Sentiment::new(SentimentConfig::default()).unwrap();
        let (up, down) = ("We went aboard the ship.", "It moved agitato.");
        let (cu, cd) = (
            s.vader().polarity_scores(up).compound,
            s.vader().polarity_scores(down).compound,
        );
        assert!(0.0 < cu && cu < POLARITY_THRESHOLD, "{cu}");
        assert!(-POLARITY_THRESHOLD < cd && cd < 0.0, "{cd}");
        let out = score_documents(&[&[up, down]]);
        assert!(out.documents[0].most_positive.is_none());
        assert!(out.documents[0].most_negative.is_none());
        assert!(out.most_positive.is_empty() && out.most_negative.is_empty());
    }
}

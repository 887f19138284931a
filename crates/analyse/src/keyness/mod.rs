//! Keyness: the terms one group of documents uses more, or less, than another —
//! [`Keyness`] and its configuration and output.

mod partial;
mod stats;

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use wordmill_model::NormalisedDoc;

pub use partial::KeynessPartial;

use crate::sentiment::FxBuild;
use crate::{Analyser, PruneStats, Terms, TermsConfig, TermsPartial};

/// The statistic that orders the terms of a comparison in reports (`measure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// The log-likelihood statistic G² (signed).
    #[default]
    G2,
    /// Pearson's χ² with Yates' correction (signed).
    Chi2,
    /// Hardie's log ratio: log₂ of the ratio of the relative frequencies.
    LogRatio,
}

impl Measure {
    /// Every measure, in the order of [`Measure::NAMES`].
    pub const ALL: [Measure; 3] = [Measure::G2, Measure::Chi2, Measure::LogRatio];
    /// Every measure, by the names pipeline files use.
    pub const NAMES: [&'static str; 3] = ["g2", "chi2", "log_ratio"];

    /// The name pipeline files and reports use: `g2`, `chi2` or `log_ratio`.
    pub const fn name(self) -> &'static str {
        match self {
            Measure::G2 => "g2",
            Measure::Chi2 => "chi2",
            Measure::LogRatio => "log_ratio",
        }
    }

    /// The measure's value in a row.
    pub fn of(self, row: &KeynessRow) -> f64 {
        match self {
            Measure::G2 => row.g2,
            Measure::Chi2 => row.chi2,
            Measure::LogRatio => row.log_ratio,
        }
    }
}

/// Configuration of [`Keyness`] (the `[analyse.keyness]` table of a pipeline file).
/// Serialised with the pipeline file's keys and values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KeynessConfig {
    /// The metadata key whose values are compared (key `by`).
    pub by: String,
    /// The values compared with the reference, together; `None`: every value of the key in
    /// turn, each on its own.
    pub target: Option<Vec<String>>,
    /// The values the target is compared with; `None`: every value not in the target.
    pub reference: Option<Vec<String>>,
    /// The order of the terms in reports.
    pub measure: Measure,
    /// How many terms reports list for each target, in each direction (20 by default).
    pub top: usize,
    /// The features counted: those of the terms analyser with this configuration (its
    /// `ngram_range`, `min_df`, `max_df` and `max_features`; the rest is not used). Not
    /// serialised: it is not a key of `[analyse.keyness]` but the terms analyser's
    /// configuration (or its default), which a pipeline's fingerprint holds with that analyser.
    #[serde(skip)]
    pub features: TermsConfig,
}

setters!(KeynessConfig { by: String, target: Option<Vec<String>>, reference: Option<Vec<String>>, measure: Measure, top: usize, features: TermsConfig });

impl KeynessConfig {
    /// A configuration comparing every value of `by` with the others, with the default
    /// measure, `top` and features.
    pub fn new(by: impl Into<String>) -> Self {
        KeynessConfig {
            by: by.into(),
            target: None,
            reference: None,
            measure: Measure::G2,
            top: 20,
            features: TermsConfig::default(),
        }
    }

    /// Checks the configuration, reporting the first problem.
    pub fn validate(&self) -> Result<(), KeynessError> {
        self.errors().into_iter().next().map_or(Ok(()), Err)
    }

    /// Every problem of the configuration, in key order.
    pub fn errors(&self) -> Vec<KeynessError> {
        let mut errors = Vec::new();
        if self.by.is_empty() {
            errors.push(KeynessError::EmptyBy);
        }
        for (key, values) in [("target", &self.target), ("reference", &self.reference)] {
            let Some(values) = values else { continue };
            if values.is_empty() {
                errors.push(KeynessError::NoValues { key });
            }
            for (i, v) in values.iter().enumerate() {
                if values[..i].contains(v) {
                    errors.push(KeynessError::Repeated {
                        key,
                        value: v.clone(),
                    });
                }
            }
        }
        if let (Some(target), Some(reference)) = (&self.target, &self.reference) {
            for v in reference {
                if target.contains(v) {
                    errors.push(KeynessError::Overlap { value: v.clone() });
                }
            }
        }
        errors
    }
}

/// An invalid [`KeynessConfig`]; the message names the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeynessError {
    /// `by` is empty.
    #[error("`by` must name a metadata key")]
    EmptyBy,
    /// `target` or `reference` is an empty array.
    #[error("`{key}` must hold at least one value (or be left out)")]
    NoValues {
        /// `target` or `reference`.
        key: &'static str,
    },
    /// A value is listed twice in `target` or `reference`.
    #[error("`{key}` lists {value:?} twice")]
    Repeated {
        /// `target` or `reference`.
        key: &'static str,
        /// The value.
        value: String,
    },
    /// A value is in both `target` and `reference`.
    #[error("{value:?} is in both `target` and `reference`")]
    Overlap {
        /// The value.
        value: String,
    },
}

/// The text of a feature: a part of one text that holds every feature's, shared by the rows
/// of every comparison (so that rows own no text of their own). Reads as a `str`.
#[derive(Clone)]
pub struct FeatureText {
    texts: Arc<str>,
    start: usize,
    end: usize,
}

impl FeatureText {
    /// The text.
    pub fn as_str(&self) -> &str {
        self.texts.get(self.start..self.end).unwrap_or_default()
    }
}

impl From<&str> for FeatureText {
    fn from(text: &str) -> Self {
        FeatureText {
            texts: Arc::from(text),
            start: 0,
            end: text.len(),
        }
    }
}

impl std::ops::Deref for FeatureText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for FeatureText {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for FeatureText {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for FeatureText {}

impl PartialOrd for FeatureText {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for FeatureText {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::hash::Hash for FeatureText {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl std::fmt::Debug for FeatureText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for FeatureText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FeatureText {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// The features of a terms state: each term's column, and their texts laid end to end in one
/// text (in the state's id order, which reads that state in order).
#[derive(Debug, Default)]
pub(crate) struct Features {
    /// For each term id of the state, its feature's column; [`Features::NONE`] for a term
    /// that is not a feature.
    column_of: Vec<u32>,
    texts: Arc<str>,
    /// Where each feature's text lies in `texts`, in feature order.
    spans: Vec<(usize, usize)>,
}

impl Features {
    const NONE: u32 = u32::MAX;

    /// The terms `ids` of `terms` as features, in the order of `ids`; `None` for an unknown
    /// id.
    fn of(terms: &TermsPartial, ids: &[usize]) -> Option<Self> {
        let mut column_of = vec![Self::NONE; terms.table_len()];
        for (column, &id) in ids.iter().enumerate() {
            *column_of.get_mut(id)? = u32::try_from(column).ok()?;
        }
        let mut texts = String::new();
        let mut spans = vec![(0, 0); ids.len()];
        for (id, &column) in column_of.iter().enumerate() {
            if column == Self::NONE {
                continue;
            }
            let start = texts.len();
            if !terms.push_term_text(id, &mut texts) {
                return None;
            }
            *spans.get_mut(column as usize)? = (start, texts.len());
        }
        Some(Features {
            column_of,
            texts: Arc::from(texts),
            spans,
        })
    }

    fn len(&self) -> usize {
        self.spans.len()
    }

    /// The column of term `id`, if it is a feature.
    fn column(&self, id: u32) -> Option<usize> {
        match self.column_of.get(id as usize) {
            Some(&column) if column != Self::NONE => Some(column as usize),
            _ => None,
        }
    }

    /// Each feature's text, in feature order.
    fn iter(&self) -> impl Iterator<Item = FeatureText> + '_ {
        self.spans.iter().map(|&(start, end)| FeatureText {
            texts: Arc::clone(&self.texts),
            start,
            end,
        })
    }
}

/// One term of one comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeynessRow {
    /// The term (n-grams joined by one space).
    pub term: FeatureText,
    /// Occurrences in the target's documents (`a`).
    pub target_count: u64,
    /// Occurrences in the reference's documents (`b`).
    pub reference_count: u64,
    /// Pearson's χ² of the table `[[a, b], [t - a, r - b]]` with Yates' correction; negative
    /// when the term is rarer in the target than expected.
    pub chi2: f64,
    /// The p-value of `chi2` (χ² distribution with 1 degree of freedom).
    pub chi2_p: f64,
    /// The log-likelihood statistic G² of the same table, signed like `chi2`.
    pub g2: f64,
    /// The p-value of `g2`.
    pub g2_p: f64,
    /// `log2((a / t) / (b / r))`, a zero count read as 0.5.
    pub log_ratio: f64,
}

/// One target against its reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// The target's values joined with `+` (`d`, `d+i`).
    pub label: String,
    /// The target's values.
    pub target: Vec<String>,
    /// The reference's values (those configured, or every value seen that is not in the
    /// target).
    pub reference: Vec<String>,
    /// Documents of the target.
    pub target_documents: u64,
    /// Documents of the reference.
    pub reference_documents: u64,
    /// Occurrences of every feature in the target (`t`) and in the reference (`r`).
    pub totals: [u64; 2],
    /// One row per feature that occurs on either side, in feature (code-point) order. Empty
    /// when either side has no feature occurrence (there is nothing to compare).
    pub rows: Vec<KeynessRow>,
}

impl Comparison {
    /// The `k` terms most over-represented in the target by `measure`: positive values only,
    /// highest first, ties by term.
    pub fn over(&self, measure: Measure, k: usize) -> Vec<&KeynessRow> {
        self.ranked(measure, k, true)
    }

    /// The `k` terms most under-represented in the target by `measure`: negative values
    /// only, lowest first, ties by term.
    pub fn under(&self, measure: Measure, k: usize) -> Vec<&KeynessRow> {
        self.ranked(measure, k, false)
    }

    fn ranked(&self, measure: Measure, k: usize, over: bool) -> Vec<&KeynessRow> {
        let mut rows: Vec<&KeynessRow> = self
            .rows
            .iter()
            .filter(|r| {
                let v = measure.of(r);
                if over { v > 0.0 } else { v < 0.0 }
            })
            .collect();
        let order = |a: &&KeynessRow, b: &&KeynessRow| {
            let (x, y) = (measure.of(a), measure.of(b));
            let by_value = if over {
                y.total_cmp(&x)
            } else {
                x.total_cmp(&y)
            };
            by_value.then_with(|| a.term.cmp(&b.term))
        };
        if k < rows.len() {
            if k > 0 {
                rows.select_nth_unstable_by(k - 1, order);
            }
            rows.truncate(k);
        }
        rows.sort_unstable_by(order);
        rows
    }
}

/// One value of the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueTotals {
    /// The value.
    pub value: String,
    /// Its documents.
    pub documents: u64,
    /// Occurrences of every feature in its documents.
    pub count: u64,
}

/// The finished keyness analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeynessOutput {
    /// The metadata key compared.
    pub by: String,
    /// Documents observed.
    pub documents: u64,
    /// Documents without the key: in no comparison (but counted for the choice of features).
    pub documents_without_key: u64,
    /// Every value of the key, in code-point order.
    pub values: Vec<ValueTotals>,
    /// The features compared: the terms analyser's vocabulary over the whole corpus.
    pub vocabulary_size: u64,
    /// What the choice of features removed.
    pub pruned: PruneStats,
    /// One comparison per target: the configured target, or every value in code-point order.
    pub comparisons: Vec<Comparison>,
}

/// Keyness: for each target (a value of a metadata key, or several together), which terms its
/// documents use more, or less, than the reference's documents, by χ², G² and log ratio.
///
/// # Overview
///
/// - [`KeynessConfig`] names the key (`by`), the target and reference values, the measure
///   that orders reports and the features counted (the terms analyser's: n-grams, `min_df`,
///   `max_df`, `max_features`).
/// - `observe` counts each document's features under its value of the key into a
///   [`KeynessPartial`]; partials merge in any grouping and order; `finish` chooses the
///   features over the whole corpus exactly as [`Terms`] does, then builds one
///   [`Comparison`] per target.
/// - For each feature with a non-zero count on either side, the 2×2 table
///   `[[a, b], [t - a, r - b]]` (`a`, `b` the feature's counts in target and reference, `t`,
///   `r` the sides' counts of every feature) gives χ² with Yates' correction, G², their
///   p-values and the log ratio, equal to scipy's `chi2_contingency` (see
///   [`KeynessRow`]).
///
/// Documents without the key are in no comparison; documents whose value is in neither the
/// target nor the reference are left out of that comparison.
///
/// # Example
///
/// ```
/// use wordmill_analyse::{Analyser, Keyness, KeynessConfig};
/// use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span, Token, TokenText};
///
/// fn normalise(doc: &Document) -> NormalisedDoc<'_> {
///     let mut tokens = Vec::new();
///     let mut start = 0;
///     for (position, word) in doc.text.split(' ').enumerate() {
///         let span = Span::new(start, start + word.len());
///         tokens.push(Token { text: TokenText::borrowed(word), span, position: position as u32 });
///         start = span.end + 1;
///     }
///     NormalisedDoc { doc, sentences: vec![Span::new(0, doc.text.len())], tokens }
/// }
/// let meta = |party: &str| -> Metadata { [("party", party)].into_iter().collect() };
/// let docs = [
///     Document::new(0, "a", "jobs jobs tax", meta("d")),
///     Document::new(1, "b", "tax tax freedom", meta("r")),
///     Document::new(2, "c", "jobs freedom", Metadata::new()),
/// ];
/// let keyness = Keyness::new(KeynessConfig::new("party"));
/// let mut left = keyness.partial();
/// keyness.observe(&mut left, &normalise(&docs[0]));
/// let mut right = keyness.partial();
/// for doc in &docs[1..] {
///     keyness.observe(&mut right, &normalise(doc));
/// }
/// left.merge(right);
/// let out = keyness.finish(left);
///
/// assert_eq!(out.documents_without_key, 1);
/// let d = &out.comparisons[0];
/// assert_eq!((d.label.as_str(), d.reference.as_slice()), ("d", &["r".to_string()][..]));
/// assert_eq!(d.totals, [3, 3]);
/// let jobs = d.rows.iter().find(|r| &*r.term == "jobs").unwrap();
/// assert_eq!((jobs.target_count, jobs.reference_count), (2, 0));
/// assert!(jobs.g2 > 0.0 && jobs.log_ratio == 2.0);
/// ```
#[derive(Debug, Clone)]
pub struct Keyness {
    config: KeynessConfig,
    /// Whether the terms analyser's state is made from this one's (see
    /// [`Keyness::sharing_terms`]).
    shares_terms: bool,
}

impl Keyness {
    /// An analyser with this configuration. The configuration is not checked (see
    /// [`Keyness::try_new`]); an invalid one never panics.
    pub fn new(config: KeynessConfig) -> Self {
        Keyness {
            config,
            shares_terms: false,
        }
    }

    /// An analyser with this configuration, after [`KeynessConfig::validate`].
    pub fn try_new(config: KeynessConfig) -> Result<Self, KeynessError> {
        config.validate()?;
        Ok(Keyness::new(config))
    }

    /// This analyser, counting for a terms analyser too: the per-value counts it keeps are
    /// then complete terms states (with each document's row when the features' configuration
    /// asks for `per_document`), and [`Keyness::terms_state`] adds them up into the state a
    /// [`Terms`] analyser with the configuration `config().features` would have made from the
    /// same documents. A pipeline with both analysers counts each token once this way.
    pub fn sharing_terms(mut self) -> Self {
        self.shares_terms = true;
        self
    }

    /// The terms analyser's state for the documents this state has seen (the per-value counts
    /// added up), when the analyser counts for one ([`Keyness::sharing_terms`]). The features
    /// of the whole corpus are chosen on the way, for both analysers: the terms analyser
    /// finishes the state returned with them, and this analyser finishes `partial` with them,
    /// unless `partial` changes first.
    pub fn terms_state(&self, partial: &mut KeynessPartial) -> Option<TermsPartial> {
        if !self.shares_terms {
            return None;
        }
        terms_state_of(&self.config.features, partial)
    }

    /// The configuration.
    pub fn config(&self) -> &KeynessConfig {
        &self.config
    }
}

impl crate::Configure for Keyness {
    const KEY: &'static str = "keyness";
    const SCHEMA: &'static [(&'static str, &'static [&'static str])] =
        &[("", &["by", "target", "reference", "measure", "top"])];

    fn configure(
        t: &mut dyn crate::ConfigTable,
        configured: &[&dyn std::any::Any],
    ) -> Option<Self> {
        let features = configured
            .iter()
            .find_map(|a| a.downcast_ref::<Terms>())
            .map(|terms| terms.config().clone())
            .unwrap_or_default();
        let shares_terms = configured.iter().any(|a| a.is::<Terms>());
        let by = t.string("by");
        if by.is_none() && !t.has("by") {
            t.error(
                None,
                "`[analyse.keyness]` needs `by`: the metadata key whose values are compared"
                    .to_string(),
            );
        }
        let mut config = KeynessConfig {
            features,
            ..KeynessConfig::new(by.unwrap_or_default())
        };
        config.target = t.strings("target");
        config.reference = t.strings("reference");
        if let Some(i) = t.choice("measure", &Measure::NAMES) {
            config.measure = Measure::ALL[i];
        }
        if let Some(n) = t.integer("top", 0, 1_000_000) {
            config.top = n as usize;
        }
        for e in config.errors() {
            let key = match &e {
                KeynessError::EmptyBy => "by",
                KeynessError::NoValues { key } | KeynessError::Repeated { key, .. } => key,
                KeynessError::Overlap { .. } => "reference",
            };
            if t.has(key) {
                t.error(Some(key), format!("`[analyse.keyness]`: {e}"));
            }
        }
        let keyness = Keyness::new(config);
        Some(if shares_terms {
            keyness.sharing_terms()
        } else {
            keyness
        })
    }

    type Config = KeynessConfig;

    fn config(&self) -> &KeynessConfig {
        &self.config
    }

    fn validate(
        &self,
        partial: &KeynessPartial,
        documents: &[crate::DocumentStats],
    ) -> Result<(), crate::InvalidState> {
        partial.validate()?;
        let (min_n, max_n) = self.config.features.ngram_range;
        // Per value (None: without the key): documents, tokens, feature occurrences.
        let mut expected: std::collections::BTreeMap<Option<&str>, (u64, u64, u64)> =
            std::collections::BTreeMap::new();
        for d in documents {
            let e = expected.entry(d.meta.get(&self.config.by)).or_default();
            e.0 += 1;
            e.1 = e.1.saturating_add(d.tokens);
            e.2 = (min_n.max(1)..=max_n).fold(e.2, |sum, n| {
                sum.saturating_add(d.tokens.saturating_sub(n as u64 - 1))
            });
        }
        // Feature occurrences of every document: what the corpus counts must hold.
        let want_total = expected
            .values()
            .fold(0u64, |sum, e| sum.saturating_add(e.2));
        for (value, n_docs, n_tokens, occurrences) in partial.totals() {
            let want = expected.remove(&value).unwrap_or_default();
            let got = (n_docs, n_tokens, occurrences.unwrap_or(want.2));
            if got != want {
                let name = value.map_or_else(
                    || "the documents without the key".to_string(),
                    |v| format!("value {v:?}"),
                );
                return Err(crate::InvalidState(format!(
                    "the keyness counts of {name} are of {} documents, {} tokens and {} n-grams, the documents' {}, {} and {}",
                    got.0, got.1, got.2, want.0, want.1, want.2
                )));
            }
        }
        if let Some((Some(value), (n, _, _))) = expected.into_iter().find(|(_, e)| e.0 > 0) {
            return Err(crate::InvalidState(format!(
                "the keyness counts have no value {value:?}, which {n} documents have"
            )));
        }
        let total = partial.terms.total_count();
        if total != want_total {
            return Err(crate::InvalidState(format!(
                "the keyness corpus counts hold {total} n-grams, the documents {want_total}"
            )));
        }
        let keeps_rows = self.shares_terms && self.config.features.per_document;
        if partial.terms.has_rows() != (keeps_rows && partial.documents() > 0) {
            return Err(crate::InvalidState(format!(
                "the keyness corpus counts {} per-document rows",
                if keeps_rows { "lack" } else { "hold" }
            )));
        }
        Ok(())
    }

    fn shares(&self) -> Option<&'static str> {
        self.shares_terms
            .then_some(<Terms as crate::Configure>::KEY)
    }

    fn share(&self, partial: &mut KeynessPartial) -> Option<Box<dyn std::any::Any + Send>> {
        self.terms_state(partial)
            .map(|p| Box::new(p) as Box<dyn std::any::Any + Send>)
    }
}

impl Analyser for Keyness {
    type Partial = KeynessPartial;
    type Output = KeynessOutput;

    fn partial(&self) -> KeynessPartial {
        KeynessPartial::default()
    }

    fn observe(&self, partial: &mut KeynessPartial, doc: &NormalisedDoc<'_>) {
        partial.observe(
            doc.doc.meta.get(&self.config.by),
            doc.doc.ordinal,
            &doc.doc.id,
            &doc.tokens,
            self.config.features.ngram_range,
            self.shares_terms && self.config.features.per_document,
        );
    }

    fn finish(&self, partial: KeynessPartial) -> KeynessOutput {
        finish(&self.config, partial)
    }
}

/// Counts of one value over the chosen features.
pub(crate) struct Side {
    pub(crate) documents: u64,
    pub(crate) counts: Vec<u64>,
    pub(crate) total: u64,
}

/// Each value's counts over the features of the whole corpus (chosen as the terms analyser
/// chooses them): what keyness compares.
pub(crate) struct Counted {
    /// The features' texts, in feature order.
    pub(crate) vocabulary: Features,
    /// Each value (in code-point order) with its counts, in feature order.
    pub(crate) values: Vec<(String, Side)>,
    /// What choosing the features removed.
    pub(crate) pruned: PruneStats,
}

/// The terms analyser's state (with configuration `features`) for the documents `partial` has
/// seen, handed over whole. The corpus features are chosen on the way and kept in `partial`,
/// so that finishing it does not choose them again; `partial` is then only good for finishing.
pub(crate) fn terms_state_of(
    features: &TermsConfig,
    partial: &mut KeynessPartial,
) -> Option<TermsPartial> {
    let (kept, pruned) = partial.terms.choose_features(features).clone();
    let vocabulary = Features::of(&partial.terms, &kept)?;
    let state = std::mem::take(&mut partial.terms);
    partial.chosen = Some(partial::Chosen { vocabulary, pruned });
    Some(state)
}

/// Chooses the features over the whole corpus, counts them per value and compares.
fn finish(config: &KeynessConfig, partial: KeynessPartial) -> KeynessOutput {
    let documents = partial.documents();
    let documents_without_key = partial.documents_without_key();
    let Counted {
        vocabulary,
        values,
        pruned,
    } = count_values(&config.features, partial);
    compare_all(
        config,
        values,
        &vocabulary,
        pruned,
        documents,
        documents_without_key,
    )
}

/// Chooses the features over the whole corpus (unless they were chosen when the terms state
/// was handed over) and counts them per value.
pub(crate) fn count_values(features: &TermsConfig, mut partial: KeynessPartial) -> Counted {
    let chosen = match partial.chosen.take() {
        Some(chosen) => chosen,
        None => {
            let (kept, pruned) = partial.terms.select_features(features);
            let vocabulary = Features::of(&partial.terms, &kept).unwrap_or_default();
            partial::Chosen { vocabulary, pruned }
        }
    };
    let mut values: Vec<(String, Side)> = Vec::new();
    for (value, group) in partial.groups() {
        let mut counts = vec![0u64; chosen.vocabulary.len()];
        group.counts.each(|id, count| {
            if let Some(c) = chosen.vocabulary.column(id).and_then(|c| counts.get_mut(c)) {
                *c = c.saturating_add(count);
            }
        });
        let total = counts.iter().fold(0u64, |s, &c| s.saturating_add(c));
        values.push((
            value.to_string(),
            Side {
                documents: group.documents,
                counts,
                total,
            },
        ));
    }
    Counted {
        vocabulary: chosen.vocabulary,
        values,
        pruned: chosen.pruned,
    }
}

/// The comparisons of the configured targets, from each value's counts over `vocabulary`.
fn compare_all(
    config: &KeynessConfig,
    values: Vec<(String, Side)>,
    vocabulary: &Features,
    pruned: PruneStats,
    documents: u64,
    documents_without_key: u64,
) -> KeynessOutput {
    let targets: Vec<Vec<String>> = match &config.target {
        Some(target) => vec![target.clone()],
        None => values.iter().map(|(v, _)| vec![v.clone()]).collect(),
    };
    let comparisons = targets
        .into_iter()
        .map(|target| {
            let reference: Vec<String> = match &config.reference {
                Some(reference) => reference
                    .iter()
                    .filter(|v| !target.contains(v))
                    .cloned()
                    .collect(),
                None => values
                    .iter()
                    .map(|(v, _)| v)
                    .filter(|v| !target.contains(v))
                    .cloned()
                    .collect(),
            };
            compare(vocabulary, &values, target, reference)
        })
        .collect();

    KeynessOutput {
        by: config.by.clone(),
        documents,
        documents_without_key,
        values: values
            .iter()
            .map(|(v, s)| ValueTotals {
                value: v.clone(),
                documents: s.documents,
                count: s.total,
            })
            .collect(),
        vocabulary_size: vocabulary.len() as u64,
        pruned,
        comparisons,
    }
}

/// The comparison of `target` with `reference`.
fn compare(
    vocabulary: &Features,
    values: &[(String, Side)],
    target: Vec<String>,
    reference: Vec<String>,
) -> Comparison {
    let sum = |names: &[String]| {
        let mut counts = vec![0u64; vocabulary.len()];
        let (mut documents, mut total) = (0u64, 0u64);
        for (_, side) in values.iter().filter(|(v, _)| names.contains(v)) {
            documents = documents.saturating_add(side.documents);
            total = total.saturating_add(side.total);
            for (c, &n) in counts.iter_mut().zip(&side.counts) {
                *c = c.saturating_add(n);
            }
        }
        (documents, total, counts)
    };
    let (target_documents, t, a) = sum(&target);
    let (reference_documents, r, b) = sum(&reference);
    let mut rows = Vec::new();
    if t > 0 && r > 0 {
        rows.reserve_exact(
            a.iter()
                .zip(&b)
                .filter(|&(&a, &b)| a != 0 || b != 0)
                .count(),
        );
        // Terms share count pairs (most are rare): each pair's statistics are worked out once.
        let mut known: HashMap<(u64, u64), stats::TableStats, FxBuild> = HashMap::default();
        for (column, term) in vocabulary.iter().enumerate() {
            let (a, b) = (a[column], b[column]);
            if a == 0 && b == 0 {
                continue;
            }
            let s = *known
                .entry((a, b))
                .or_insert_with(|| stats::table_stats(a, b, t, r));
            rows.push(KeynessRow {
                term,
                target_count: a,
                reference_count: b,
                chi2: s.chi2,
                chi2_p: s.chi2_p,
                g2: s.g2,
                g2_p: s.g2_p,
                log_ratio: s.log_ratio,
            });
        }
    }
    Comparison {
        label: target.join("+"),
        target,
        reference,
        target_documents,
        reference_documents,
        totals: [t, r],
        rows,
    }
}

#[cfg(test)]
mod tests;

//! Term counts and TF-IDF: [`Terms`] and its configuration and output.

mod fit;
pub(crate) mod partial;
pub(crate) mod table;

use std::cmp::{Ordering, Reverse};
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use wordmill_model::NormalisedDoc;

pub use partial::TermsPartial;
use partial::{DocRow, Parts, Totals};
use table::SHORT_MAX;

use crate::Analyser;

/// The largest n-gram length [`TermsConfig::validate`] accepts.
///
/// Every extra n adds one more feature per token and multiplies the vocabulary; beyond ten
/// words an n-gram is almost always unique to its document, so it only costs memory.
pub const MAX_NGRAM: usize = 10;

/// A document-frequency limit (`min_df`, `max_df`), with scikit-learn's int/float rule.
/// Serialised as a pipeline file writes it: an integer count, or a float fraction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DocFreq {
    /// An absolute number of documents (a TOML/JSON integer).
    Count(u64),
    /// A proportion of all documents, in `[0.0, 1.0]` (a TOML/JSON float such as `1.0`);
    /// the limit is `fraction * n_docs`, computed in f64.
    Fraction(f64),
}

impl fmt::Display for DocFreq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DocFreq::Count(c) => write!(f, "{c}"),
            DocFreq::Fraction(x) => write!(f, "{x:?}"),
        }
    }
}

impl DocFreq {
    /// As `min_df`: scikit-learn's `df >= min_doc_count`.
    fn min_allows(self, df: u64, n_docs: u64) -> bool {
        match self {
            DocFreq::Count(c) => c <= df,
            DocFreq::Fraction(x) => x * n_docs as f64 <= df as f64,
        }
    }

    /// As `max_df`: scikit-learn's `df <= max_doc_count`.
    fn max_allows(self, df: u64, n_docs: u64) -> bool {
        match self {
            DocFreq::Count(c) => df <= c,
            DocFreq::Fraction(x) => df as f64 <= x * n_docs as f64,
        }
    }
}

/// Row normalisation of the TF-IDF weights (`"l1"`, `"l2"`, `"none"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Norm {
    /// Each row divided by its sum of absolute values.
    L1,
    /// Each row divided by its Euclidean length (scikit-learn's default).
    #[default]
    L2,
    /// No normalisation.
    None,
}

/// TF-IDF weighting, with scikit-learn `TfidfVectorizer`'s parameters and defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TfidfConfig {
    /// Multiply tf by idf (`true` by default); when false, weights are tf (then normalised).
    pub use_idf: bool,
    /// `idf = ln((n + 1) / (df + 1)) + 1` when true (default), else `ln(n / df) + 1`.
    pub smooth_idf: bool,
    /// `tf = ln(count) + 1` instead of the raw count (`false` by default).
    pub sublinear_tf: bool,
    /// Row normalisation ([`Norm::L2`] by default).
    pub norm: Norm,
}

setters!(TfidfConfig {
    use_idf: bool,
    smooth_idf: bool,
    sublinear_tf: bool,
    norm: Norm
});

impl Default for TfidfConfig {
    fn default() -> Self {
        TfidfConfig {
            use_idf: true,
            smooth_idf: true,
            sublinear_tf: false,
            norm: Norm::L2,
        }
    }
}

/// Configuration of [`Terms`] (the `[analyse.terms]` table of a pipeline file). Serialised
/// with the pipeline file's keys and values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TermsConfig {
    /// `(min, max)` n-gram lengths, both inclusive (key `ngrams`); `(1, 1)` by default.
    #[serde(rename = "ngrams")]
    pub ngram_range: (usize, usize),
    /// How many terms [`TermsOutput::top`] lists (50 by default).
    pub top: usize,
    /// Terms in fewer documents are dropped (`Count(1)` by default: none).
    pub min_df: DocFreq,
    /// Terms in more documents are dropped (`Fraction(1.0)` by default: none).
    pub max_df: DocFreq,
    /// Keep only this many terms, those with the highest corpus count (`None`: all).
    pub max_features: Option<usize>,
    /// TF-IDF weighting.
    pub tfidf: TfidfConfig,
    /// Produce every document's weights ([`TermsOutput::documents`]); `false` by default.
    pub per_document: bool,
}

setters!(TermsConfig { ngram_range: (usize, usize), top: usize, min_df: DocFreq, max_df: DocFreq, max_features: Option<usize>, tfidf: TfidfConfig, per_document: bool });

impl Default for TermsConfig {
    fn default() -> Self {
        TermsConfig {
            ngram_range: (1, 1),
            top: 50,
            min_df: DocFreq::Count(1),
            max_df: DocFreq::Fraction(1.0),
            max_features: None,
            tfidf: TfidfConfig::default(),
            per_document: false,
        }
    }
}

/// An invalid [`TermsConfig`]; the message names the key and what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TermsError {
    /// `ngrams` is not `[min, max]` with `1 <= min <= max <= MAX_NGRAM`.
    #[error("`ngrams` must be [min, max] with 1 <= min <= max <= {MAX_NGRAM}; got [{min}, {max}]")]
    NgramRange {
        /// The configured minimum.
        min: usize,
        /// The configured maximum.
        max: usize,
    },
    /// A fractional `min_df`/`max_df` outside `[0.0, 1.0]` (or not a number).
    #[error(
        "`{key}` = {value:?} is a proportion of the documents and must be in [0.0, 1.0] \
         (use an integer for a number of documents)"
    )]
    FractionOutOfRange {
        /// `min_df` or `max_df`.
        key: &'static str,
        /// The configured value.
        value: f64,
    },
    /// `min_df` is greater than `max_df` (both counts, or both fractions).
    #[error("`min_df` ({min_df}) must not be greater than `max_df` ({max_df})")]
    DocFreqOrder {
        /// The configured `min_df`.
        min_df: DocFreq,
        /// The configured `max_df`.
        max_df: DocFreq,
    },
    /// `max_features = 0`.
    #[error("`max_features` must be a positive integer (or absent for no limit); got 0")]
    MaxFeaturesZero,
}

impl TermsConfig {
    /// Checks the configuration, reporting the first invalid key.
    ///
    /// Accepted: `1 <= ngram min <= ngram max <= MAX_NGRAM`; fractions in `[0.0, 1.0]`;
    /// `min_df <= max_df` when both are counts or both fractions (a count against a fraction
    /// depends on the corpus size: if it excludes everything, the output says so in
    /// [`PruneStats`]); `max_features` at least 1.
    pub fn validate(&self) -> Result<(), TermsError> {
        self.errors().into_iter().next().map_or(Ok(()), Err)
    }

    /// Every problem of the configuration, in key order (for reporting all errors at once).
    pub fn errors(&self) -> Vec<TermsError> {
        let mut errors = Vec::new();
        let (min, max) = self.ngram_range;
        if !(1 <= min && min <= max && max <= MAX_NGRAM) {
            errors.push(TermsError::NgramRange { min, max });
        }
        for (key, limit) in [("min_df", self.min_df), ("max_df", self.max_df)] {
            if let DocFreq::Fraction(value) = limit
                && !(0.0..=1.0).contains(&value)
            {
                errors.push(TermsError::FractionOutOfRange { key, value });
            }
        }
        let inverted = match (self.min_df, self.max_df) {
            (DocFreq::Count(lo), DocFreq::Count(hi)) => lo > hi,
            (DocFreq::Fraction(lo), DocFreq::Fraction(hi)) => lo > hi,
            _ => false,
        };
        if inverted {
            errors.push(TermsError::DocFreqOrder {
                min_df: self.min_df,
                max_df: self.max_df,
            });
        }
        if self.max_features == Some(0) {
            errors.push(TermsError::MaxFeaturesZero);
        }
        errors
    }
}

/// Corpus statistics of one surviving term.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermStat {
    /// The term (n-grams joined by one space).
    pub term: String,
    /// Occurrences in the whole corpus.
    pub count: u64,
    /// Number of documents containing the term.
    pub doc_freq: u64,
    /// Inverse document frequency; `None` when `use_idf` is false.
    pub idf: Option<f64>,
}

/// What pruning removed, in the order it is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct PruneStats {
    /// Distinct terms before pruning.
    pub terms_seen: u64,
    /// Terms removed because they are in fewer than `min_df` documents.
    pub min_df: u64,
    /// Terms removed because they are in more than `max_df` documents (and not already
    /// counted under `min_df`).
    pub max_df: u64,
    /// Terms within the document-frequency limits that `max_features` cut.
    pub max_features: u64,
}

impl PruneStats {
    /// Terms that survived pruning.
    pub fn kept(&self) -> u64 {
        self.terms_seen - self.min_df - self.max_df - self.max_features
    }
}

/// One non-zero cell of a document's TF-IDF row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocTerm {
    /// The term (shared with every other row that has it: one allocation per term, not per
    /// cell).
    pub term: Arc<str>,
    /// Occurrences in the document.
    pub count: u64,
    /// Term frequency: `count`, or `ln(count) + 1` with `sublinear_tf`.
    pub tf: f64,
    /// The final weight: `tf * idf` (or `tf` without idf), then row-normalised.
    pub weight: f64,
}

/// One document's TF-IDF row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DocTerms {
    /// The document's ordinal.
    pub ordinal: u64,
    /// The document's id.
    pub id: String,
    /// Unigram tokens in the document.
    pub n_tokens: u64,
    /// Its surviving terms with a non-zero count, in code-point order.
    pub terms: Vec<DocTerm>,
}

/// The finished term analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TermsOutput {
    /// Documents observed (including empty ones); the `n` of idf.
    pub n_docs: u64,
    /// Unigram tokens observed.
    pub n_tokens: u64,
    /// Surviving terms in code-point order (scikit-learn's feature order).
    pub vocabulary: Vec<TermStat>,
    /// The `top` surviving terms by count, descending; ties by term, ascending.
    pub top: Vec<TermStat>,
    /// What pruning removed. An empty `vocabulary` with a non-zero `terms_seen` means pruning
    /// removed everything (where scikit-learn would raise).
    pub pruned: PruneStats,
    /// With `per_document`: one row per document, in ordinal order; otherwise `None`.
    pub documents: Option<Vec<DocTerms>>,
}

impl TermsOutput {
    /// The `k` most distinctive terms of the document at `ordinal_index` in
    /// [`documents`](Self::documents) (its position in ordinal order): weight descending, ties
    /// by term ascending. Empty without per-document rows or for an index out of range.
    pub fn top_by_weight(&self, ordinal_index: usize, k: usize) -> Vec<&DocTerm> {
        let Some(doc) = self
            .documents
            .as_ref()
            .and_then(|docs| docs.get(ordinal_index))
        else {
            return Vec::new();
        };
        let mut terms: Vec<&DocTerm> = doc.terms.iter().collect();
        terms.sort_by(|a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then_with(|| a.term.cmp(&b.term))
        });
        terms.truncate(k);
        terms
    }
}

/// Term counts, n-grams, document-frequency pruning and TF-IDF, equal to scikit-learn's
/// `CountVectorizer` and `TfidfVectorizer` when configured alike.
///
/// # Overview
///
/// - [`TermsConfig`] is plain data (`ngram_range`, `min_df`, `max_df`, `max_features`,
///   [`TfidfConfig`], `top`, `per_document`); [`TermsConfig::validate`] names the offending key.
/// - [`Terms`] is the [`Analyser`](crate::Analyser): `observe` counts the features of a
///   normalised document into a [`TermsPartial`], partials [`Merge`](wordmill_model::Merge) in
///   any grouping and order, and `finish` prunes, weighs and sorts into a [`TermsOutput`].
/// - [`TermsOutput`] holds the surviving vocabulary in scikit-learn's feature order
///   (code-point order), the `top` terms by count, what pruning removed ([`PruneStats`]) and,
///   with `per_document`, every document's non-zero TF-IDF row ([`DocTerms`]).
///
/// # Example
///
/// ```
/// use wordmill_analyse::{Analyser, Terms, TermsConfig};
/// use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span, Token, TokenText};
///
/// // Tokens as a normaliser would give them: here, split at spaces.
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
///
/// let docs = [
///     Document::new(0, "a", "strike workers strike", Metadata::new()),
///     Document::new(1, "b", "workers march", Metadata::new()),
/// ];
/// let terms = Terms::new(TermsConfig::default().per_document(true));
///
/// // Two partial states (say, two threads), merged.
/// let mut left = terms.partial();
/// terms.observe(&mut left, &normalise(&docs[0]));
/// let mut right = terms.partial();
/// terms.observe(&mut right, &normalise(&docs[1]));
/// left.merge(right);
/// let out = terms.finish(left);
///
/// assert_eq!(out.n_docs, 2);
/// assert_eq!(out.top[0].term, "strike");
/// assert_eq!((out.top[0].count, out.top[0].doc_freq), (2, 1));
///
/// // scikit-learn's defaults: smooth idf, raw tf, l2 norm.
/// let idf_strike = (3.0_f64 / 2.0).ln() + 1.0;
/// let idf_workers = (3.0_f64 / 3.0).ln() + 1.0;
/// let (w_strike, w_workers) = (2.0 * idf_strike, idf_workers);
/// let norm = (w_strike * w_strike + w_workers * w_workers).sqrt();
/// let row = &out.documents.as_ref().unwrap()[0];
/// assert_eq!(&*row.terms[0].term, "strike");
/// assert_eq!(row.terms[0].weight, w_strike / norm);
/// ```
///
/// # Exactness
///
/// Counts, document frequencies and the vocabulary are equal to scikit-learn's; idf values and
/// weights are equal bit for bit. That needs scikit-learn's arithmetic in scikit-learn's order:
/// idf is `ln(quotient) + 1`, and a row's norm is summed in the order in which its terms were
/// *first seen in the corpus* (scikit-learn's CSR storage order), not in alphabetical order.
/// Each term therefore records the lowest (document ordinal, stream position) at which it
/// occurs; that minimum is the same whatever order documents are observed and merged in.
///
/// # Differences from scikit-learn
///
/// - When pruning leaves no term, scikit-learn raises "After pruning, no terms remain"; here
///   the output has an empty vocabulary, empty rows and [`PruneStats`] telling what removed the
///   terms. An empty corpus (or one without a single token) likewise gives empty outputs.
/// - `max_features` keeps the terms with the highest corpus count. scikit-learn picks them with
///   NumPy's default `argsort`, which is not a stable sort, so which of several terms tied at
///   the cut-off survive is up to NumPy's sorting code. Here ties are broken by code-point order
///   of the term (the result of a stable sort over scikit-learn's feature order, and what NumPy
///   gives for small vocabularies).
/// - n-gram ranges are limited to n <= [`MAX_NGRAM`] by [`TermsConfig::validate`].
#[derive(Debug, Clone)]
pub struct Terms {
    config: TermsConfig,
}

impl Terms {
    /// An analyser with this configuration.
    ///
    /// The configuration is not checked (see [`Terms::try_new`]); an invalid one still never
    /// panics: an n-gram minimum of 0 counts as 1, an inverted range or limits that exclude
    /// everything give empty outputs.
    pub fn new(config: TermsConfig) -> Self {
        Terms { config }
    }

    /// An analyser with this configuration, after [`TermsConfig::validate`].
    pub fn try_new(config: TermsConfig) -> Result<Self, TermsError> {
        config.validate()?;
        Ok(Terms { config })
    }

    /// The configuration.
    pub fn config(&self) -> &TermsConfig {
        &self.config
    }
}

impl crate::Configure for Terms {
    const KEY: &'static str = "terms";
    const SCHEMA: &'static [(&'static str, &'static [&'static str])] = &[
        (
            "",
            &[
                "ngrams",
                "top",
                "min_df",
                "max_df",
                "max_features",
                "tfidf",
                "per_document",
            ],
        ),
        ("tfidf", &["use_idf", "smooth_idf", "sublinear_tf", "norm"]),
    ];

    fn configure(
        t: &mut dyn crate::ConfigTable,
        _configured: &[&dyn std::any::Any],
    ) -> Option<Self> {
        let mut cfg = TermsConfig::default();
        if let Some((a, b)) = t.range("ngrams", 1, 10) {
            cfg.ngram_range = (a as usize, b as usize);
        }
        if let Some(n) = t.integer("top", 0, 1_000_000) {
            cfg.top = n as usize;
        }
        cfg.min_df = t.doc_freq("min_df", cfg.min_df);
        cfg.max_df = t.doc_freq("max_df", cfg.max_df);
        if let Some(n) = t.integer("max_features", 1, i64::MAX) {
            cfg.max_features = Some(n as usize);
        }
        if let Some(mut tt) = t.table("tfidf") {
            let d = TfidfConfig::default();
            cfg.tfidf = TfidfConfig {
                use_idf: tt.boolean("use_idf", d.use_idf),
                smooth_idf: tt.boolean("smooth_idf", d.smooth_idf),
                sublinear_tf: tt.boolean("sublinear_tf", d.sublinear_tf),
                norm: match tt.choice("norm", &["l2", "l1", "none"]) {
                    Some(1) => Norm::L1,
                    Some(2) => Norm::None,
                    _ => d.norm,
                },
            };
        }
        cfg.per_document = t.boolean("per_document", false);
        if let Err(e) = cfg.validate() {
            t.error(None, format!("`[analyse.terms]`: {e}"));
        }
        Some(Terms::new(cfg))
    }

    type Config = TermsConfig;

    fn config(&self) -> &TermsConfig {
        &self.config
    }

    fn validate(
        &self,
        partial: &TermsPartial,
        documents: &[crate::DocumentStats],
    ) -> Result<(), crate::InvalidState> {
        partial.validate()?;
        let tokens = documents
            .iter()
            .map(|r| r.tokens)
            .fold(0u64, u64::saturating_add);
        if partial.n_docs() != documents.len() as u64 || partial.n_tokens() != tokens {
            return Err(crate::InvalidState(format!(
                "the term counts are of {} documents and {} tokens, the documents {} and {tokens}",
                partial.n_docs(),
                partial.n_tokens(),
                documents.len()
            )));
        }
        let (min_n, max_n) = self.config.ngram_range;
        let expected = documents.iter().fold(0u64, |sum, r| {
            (min_n.max(1)..=max_n).fold(sum, |sum, n| {
                sum.saturating_add(r.tokens.saturating_sub(n as u64 - 1))
            })
        });
        if partial.total_count() != expected {
            return Err(crate::InvalidState(format!(
                "the term counts add up to {} occurrences, but the documents' {tokens} tokens make {expected} n-grams of {min_n} to {max_n} tokens",
                partial.total_count()
            )));
        }
        Ok(())
    }
}

impl Analyser for Terms {
    type Partial = TermsPartial;
    type Output = TermsOutput;

    fn partial(&self) -> TermsPartial {
        TermsPartial::default()
    }

    fn observe(&self, partial: &mut TermsPartial, doc: &NormalisedDoc<'_>) {
        partial.observe(
            doc.doc.ordinal,
            &doc.doc.id,
            &doc.tokens,
            self.config.ngram_range,
            self.config.per_document,
        );
    }

    /// As `observe`, leaving in `shared` the id of each token in this state's table when a
    /// later analyser asked for them (and unigrams are counted).
    fn observe_shared(
        &self,
        partial: &mut TermsPartial,
        doc: &NormalisedDoc<'_>,
        shared: &mut crate::DocShared,
    ) {
        if !shared.wants_token_ids() || self.config.ngram_range.0 > 1 {
            return self.observe(partial, doc);
        }
        shared.record_token_ids(|ids| {
            partial.observe_recording(
                doc.doc.ordinal,
                &doc.doc.id,
                &doc.tokens,
                self.config.ngram_range,
                self.config.per_document,
                ids,
            )
        });
    }

    fn finish(&self, mut partial: TermsPartial) -> TermsOutput {
        let (kept, pruned) = partial
            .take_selection()
            .unwrap_or_else(|| partial.select_features(&self.config));
        finish(&self.config, partial.into_parts(), kept, pruned)
    }
}

/// Pruning, idf, weights and sorting.
fn finish(config: &TermsConfig, parts: Parts, kept: Vec<usize>, pruned: PruneStats) -> TermsOutput {
    let Parts {
        n_docs,
        n_tokens,
        terms,
        docs,
    } = parts;

    let tfidf = config.tfidf;
    let idf: Vec<f64> = if tfidf.use_idf {
        kept.iter()
            .map(|&id| idf_of(n_docs, terms[id].1.doc_freq, tfidf.smooth_idf))
            .collect()
    } else {
        Vec::new()
    };
    // The texts move into the vocabulary (no copy); `terms` keeps the totals.
    let mut terms = terms;
    let vocabulary: Vec<TermStat> = kept
        .iter()
        .enumerate()
        .map(|(column, &id)| {
            let (term, totals) = &mut terms[id];
            TermStat {
                term: String::from(std::mem::take(term)),
                count: totals.count,
                doc_freq: totals.doc_freq,
                idf: idf.get(column).copied(),
            }
        })
        .collect();

    // The `top` columns by count descending, ties by column (so by term): the first `top` of
    // that order picked out, then only those sorted.
    let mut ranked: Vec<(Reverse<u64>, usize)> = vocabulary
        .iter()
        .enumerate()
        .map(|(column, t)| (Reverse(t.count), column))
        .collect();
    if config.top < ranked.len() {
        if config.top > 0 {
            ranked.select_nth_unstable(config.top - 1);
        }
        ranked.truncate(config.top);
    }
    ranked.sort_unstable();
    let top = ranked.iter().map(|&(_, c)| vocabulary[c].clone()).collect();

    let documents = config
        .per_document
        .then(|| rows(config, &terms, &kept, &idf, &vocabulary, docs));

    TermsOutput {
        n_docs,
        n_tokens,
        vocabulary,
        top,
        pruned,
        documents,
    }
}

/// What [`select_features`] reads of a set of terms: each term's totals and text, by id.
pub(crate) trait Features {
    /// Number of terms (ids are `0..len`).
    fn len(&self) -> usize;
    /// The totals of term `id`.
    fn totals(&self, id: usize) -> Totals;
    /// The text of term `id` (laid out in `buf` when it is not stored as a `str`).
    fn text<'a>(&'a self, id: usize, buf: &'a mut [u8; SHORT_MAX]) -> &'a str;
}

impl Features for [(Box<str>, Totals)] {
    fn len(&self) -> usize {
        <[_]>::len(self)
    }

    fn totals(&self, id: usize) -> Totals {
        self[id].1
    }

    fn text<'a>(&'a self, id: usize, _buf: &'a mut [u8; SHORT_MAX]) -> &'a str {
        &self[id].0
    }
}

impl Features for table::TermTable {
    fn len(&self) -> usize {
        table::TermTable::len(self)
    }

    fn totals(&self, id: usize) -> Totals {
        self.entries()[id].totals
    }

    fn text<'a>(&'a self, id: usize, buf: &'a mut [u8; SHORT_MAX]) -> &'a str {
        self.key_of(&self.entries()[id], buf)
    }
}

/// The features that survive `min_df`, `max_df` and `max_features` (scikit-learn's
/// `_limit_features`) among `terms` (corpus totals over `n_docs` documents): their ids in
/// `terms`, in feature order (code-point order), and what pruning removed.
pub(crate) fn select_features<F: Features + ?Sized>(
    config: &TermsConfig,
    n_docs: u64,
    terms: &F,
) -> (Vec<usize>, PruneStats) {
    let mut pruned = PruneStats {
        terms_seen: terms.len() as u64,
        ..PruneStats::default()
    };
    let mut kept: Vec<usize> = Vec::new();
    for id in 0..terms.len() {
        let totals = terms.totals(id);
        if !config.min_df.min_allows(totals.doc_freq, n_docs) {
            pruned.min_df += 1;
        } else if !config.max_df.max_allows(totals.doc_freq, n_docs) {
            pruned.max_df += 1;
        } else {
            kept.push(id);
        }
    }
    if let Some(limit) = config.max_features
        && kept.len() > limit
    {
        kept.sort_unstable_by(|&a, &b| {
            terms
                .totals(b)
                .count
                .cmp(&terms.totals(a).count)
                .then_with(|| compare_texts(terms, a, b))
        });
        pruned.max_features = (kept.len() - limit) as u64;
        kept.truncate(limit);
    }
    // Feature order: code-point order (UTF-8 byte order is code-point order).
    sort_by_text(&mut kept, terms);
    (kept, pruned)
}

/// The texts of terms `a` and `b` compared in byte order.
fn compare_texts<F: Features + ?Sized>(terms: &F, a: usize, b: usize) -> Ordering {
    let (mut x, mut y) = ([0u8; SHORT_MAX], [0u8; SHORT_MAX]);
    terms.text(a, &mut x).cmp(terms.text(b, &mut y))
}

/// Sorts `ids` by their text in byte order: on the first 16 bytes read as one big-endian number
/// (zero-padded), and on the whole texts only when those are equal. A shorter text that is a
/// prefix of a longer one has zeros where the other has bytes, so it sorts first, as it should.
fn sort_by_text<F: Features + ?Sized>(ids: &mut Vec<usize>, terms: &F) {
    let mut buf = [0u8; SHORT_MAX];
    let mut keyed: Vec<(u128, usize)> = ids
        .iter()
        .map(|&id| (prefix16(terms.text(id, &mut buf)), id))
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| compare_texts(terms, a.1, b.1)));
    ids.clear();
    ids.extend(keyed.iter().map(|&(_, id)| id));
}

/// The first 16 bytes of `s` as a big-endian number, zero-padded.
fn prefix16(s: &str) -> u128 {
    let mut b = [0u8; 16];
    let n = s.len().min(16);
    b[..n].copy_from_slice(&s.as_bytes()[..n]);
    u128::from_be_bytes(b)
}

/// scikit-learn's idf: the quotient first, then the natural log, then + 1.
fn idf_of(n_docs: u64, doc_freq: u64, smooth: bool) -> f64 {
    let (n, df) = if smooth {
        (n_docs + 1, doc_freq + 1)
    } else {
        (n_docs, doc_freq)
    };
    (n as f64 / df as f64).ln() + 1.0
}

/// The per-document rows, in ordinal order.
///
/// `terms` gives the totals by term id (the texts of the kept terms have moved into
/// `vocabulary`, in column order).
fn rows(
    config: &TermsConfig,
    terms: &[(Box<str>, Totals)],
    kept: &[usize],
    idf: &[f64],
    vocabulary: &[TermStat],
    mut docs: Vec<DocRow>,
) -> Vec<DocTerms> {
    const PRUNED: usize = usize::MAX;
    // Term id → column (index in `vocabulary`).
    let mut column_of = vec![PRUNED; terms.len()];
    for (column, &id) in kept.iter().enumerate() {
        column_of[id] = column;
    }
    // Column → rank in first-seen order (scikit-learn's CSR storage order).
    let mut by_first: Vec<usize> = (0..kept.len()).collect();
    by_first.sort_unstable_by(|&a, &b| {
        let (ta, tb) = (&terms[kept[a]].1, &terms[kept[b]].1);
        ta.first
            .cmp(&tb.first)
            .then_with(|| vocabulary[a].term.cmp(&vocabulary[b].term))
    });
    let mut rank = vec![0usize; kept.len()];
    for (r, &column) in by_first.iter().enumerate() {
        rank[column] = r;
    }

    let names: Vec<Arc<str>> = vocabulary
        .iter()
        .map(|t| Arc::from(t.term.as_str()))
        .collect();
    let tfidf = config.tfidf;
    // The row being built, sorted on plain integers: (rank << 32 | column, count) in
    // first-seen order, then (tf, weight) in that order, then (column << 32 | index into
    // those) in column order. Ranks and columns are below 2^32 (term ids are `u32`).
    let mut cells: Vec<(u64, u64)> = Vec::new();
    let mut weights: Vec<(f64, f64)> = Vec::new();
    let mut by_column: Vec<u64> = Vec::new();
    let (mut spare_cells, mut spare_keys) = (Vec::new(), Vec::new());
    // Ranks and columns are below the number of kept terms.
    let key_max = u32::try_from(kept.len()).unwrap_or(u32::MAX);
    let mut out: Vec<DocTerms> = Vec::with_capacity(docs.len());
    for row in docs.drain(..) {
        cells.clear();
        for &(id, count) in row.terms.iter() {
            let column = column_of.get(id as usize).copied().unwrap_or(PRUNED);
            if column != PRUNED && count > 0 {
                cells.push((
                    ((rank[column] as u64) << 32) | column as u64,
                    u64::from(count),
                ));
            }
        }
        radix_sort(
            &mut cells,
            &mut spare_cells,
            |cell| (cell.0 >> 32) as u32,
            key_max,
        );
        weights.clear();
        weights.extend(cells.iter().map(|&(key, count)| {
            let tf = if tfidf.sublinear_tf {
                (count as f64).ln() + 1.0
            } else {
                count as f64
            };
            let column = key as u32 as usize;
            (tf, if tfidf.use_idf { tf * idf[column] } else { tf })
        }));
        normalise_row(tfidf.norm, &mut weights);
        by_column.clear();
        by_column.extend(
            cells
                .iter()
                .enumerate()
                .map(|(i, &(key, _))| ((key as u32 as u64) << 32) | i as u64),
        );
        radix_sort(
            &mut by_column,
            &mut spare_keys,
            |&k| (k >> 32) as u32,
            key_max,
        );
        out.push(DocTerms {
            ordinal: row.ordinal,
            id: row.id.into(),
            n_tokens: row.n_tokens,
            terms: by_column
                .iter()
                .map(|&key| {
                    let (column, i) = ((key >> 32) as usize, key as u32 as usize);
                    let (tf, weight) = weights[i];
                    DocTerm {
                        term: Arc::clone(&names[column]),
                        count: cells[i].1,
                        tf,
                        weight,
                    }
                })
                .collect(),
        });
    }
    // Ordinal order; the rest of the key only matters for documents given the same ordinal
    // twice, and makes the order independent of how the work was scheduled even then.
    out.sort_by(compare_rows);
    out
}

/// Sorts `items` by `key` (keys at most `key_max`, distinct within `items`): a radix sort, 8
/// bits a pass over only the bits `key_max` needs, for rows of more than a few dozen cells
/// (a comparison sort mispredicts a branch on about every other comparison of such keys);
/// `spare` is scratch space kept between calls.
fn radix_sort<T: Copy>(
    items: &mut Vec<T>,
    spare: &mut Vec<T>,
    key: impl Fn(&T) -> u32,
    key_max: u32,
) {
    if items.len() < 64 {
        items.sort_unstable_by_key(|item| key(item));
        return;
    }
    let bits = u32::BITS - key_max.leading_zeros();
    let mut shift = 0;
    while shift < bits {
        let mut starts = [0usize; 256];
        for item in items.iter() {
            starts[((key(item) >> shift) & 0xff) as usize] += 1;
        }
        let mut total = 0;
        for start in &mut starts {
            let n = *start;
            *start = total;
            total += n;
        }
        spare.clear();
        spare.resize(items.len(), items[0]);
        for item in items.iter() {
            let digit = ((key(item) >> shift) & 0xff) as usize;
            spare[starts[digit]] = *item;
            starts[digit] += 1;
        }
        std::mem::swap(items, spare);
        shift += 8;
    }
}

/// scikit-learn's `normalize` of the weights (the second of each pair): sum in storage order
/// (`cells` is in first-seen order), leave a row whose sum is zero as it is, divide (not
/// multiply by a reciprocal).
fn normalise_row(norm: Norm, cells: &mut [(f64, f64)]) {
    let divisor = match norm {
        Norm::None => return,
        Norm::L1 => cells.iter().fold(0.0, |s, c| s + c.1.abs()),
        Norm::L2 => cells.iter().fold(0.0, |s, c| s + c.1 * c.1).sqrt(),
    };
    if divisor == 0.0 {
        return;
    }
    for cell in cells {
        cell.1 /= divisor;
    }
}

fn compare_rows(a: &DocTerms, b: &DocTerms) -> Ordering {
    a.ordinal
        .cmp(&b.ordinal)
        .then_with(|| a.id.cmp(&b.id))
        .then_with(|| a.n_tokens.cmp(&b.n_tokens))
        .then_with(|| {
            let ka = a.terms.iter().map(|t| (&*t.term, t.count));
            let kb = b.terms.iter().map(|t| (&*t.term, t.count));
            ka.cmp(kb)
        })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use wordmill_model::{Document, Merge, Metadata, Span, Token, TokenText};

    use super::*;

    proptest! {
        /// The radix sort orders distinct keys as a comparison sort does, short and long rows,
        /// small and large key ranges.
        #[test]
        fn radix_sort_is_a_sort(
            keys in proptest::collection::hash_set(0u32..70_000, 0..400),
            wide in any::<bool>(),
        ) {
            let key_max = if wide { u32::MAX >> 1 } else { 70_000 };
            let mut items: Vec<(u64, u64)> = keys
                .iter()
                .map(|&k| {
                    let k = if wide { k.wrapping_mul(30_011) & (u32::MAX >> 1) } else { k };
                    ((u64::from(k) << 32) | u64::from(k % 97), u64::from(k))
                })
                .collect();
            let mut want = items.clone();
            want.sort_unstable_by_key(|c| c.0 >> 32);
            let mut spare = Vec::new();
            radix_sort(&mut items, &mut spare, |c| (c.0 >> 32) as u32, key_max);
            prop_assert_eq!(items, want);
        }

        /// The prefix sort gives the plain string sort: texts that share long prefixes, are
        /// prefixes of each other, hold NULs or are empty.
        #[test]
        fn sort_by_text_is_byte_order(
            texts in proptest::collection::hash_set("[ab\0é]{0,3}|[ab]{14,20}|a{15,17}\0?", 0..60),
        ) {
            let texts: Vec<String> = texts.into_iter().collect();
            let mut ids: Vec<usize> = (0..texts.len()).collect();
            let totals = Totals { count: 0, doc_freq: 0, first: partial::FirstSeen { ordinal: 0, position: 0 } };
            let terms: Vec<(Box<str>, Totals)> =
                texts.iter().map(|t| (Box::from(t.as_str()), totals)).collect();
            sort_by_text(&mut ids, terms.as_slice());
            let got: Vec<&str> = ids.iter().map(|&id| texts[id].as_str()).collect();
            let mut want: Vec<&str> = texts.iter().map(String::as_str).collect();
            want.sort_unstable();
            prop_assert_eq!(got, want);
        }
    }

    fn docs(texts: &[&str]) -> Vec<Document> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Document::new(i as u64, format!("d{i}"), *t, Metadata::new()))
            .collect()
    }

    fn normalise(doc: &Document) -> NormalisedDoc<'_> {
        let tokens = doc
            .text
            .split_whitespace()
            .enumerate()
            .map(|(i, w)| Token {
                text: TokenText::borrowed(w),
                span: Span::default(),
                position: i as u32,
            })
            .collect();
        NormalisedDoc {
            doc,
            sentences: Vec::new(),
            tokens,
        }
    }

    fn run(config: TermsConfig, texts: &[&str]) -> TermsOutput {
        let terms = Terms::new(config);
        let mut p = terms.partial();
        for d in &docs(texts) {
            terms.observe(&mut p, &normalise(d));
        }
        terms.finish(p)
    }

    fn per_doc() -> TermsConfig {
        TermsConfig {
            per_document: true,
            ..TermsConfig::default()
        }
    }

    fn names(stats: &[TermStat]) -> Vec<&str> {
        stats.iter().map(|t| t.term.as_str()).collect()
    }

    #[test]
    fn defaults_are_scikit_learns() {
        let c = TermsConfig::default();
        assert_eq!(c.ngram_range, (1, 1));
        assert_eq!(c.top, 50);
        assert_eq!(
            (c.min_df, c.max_df, c.max_features),
            (DocFreq::Count(1), DocFreq::Fraction(1.0), None)
        );
        assert_eq!(
            c.tfidf,
            TfidfConfig {
                use_idf: true,
                smooth_idf: true,
                sublinear_tf: false,
                norm: Norm::L2
            }
        );
        assert!(!c.per_document);
        assert_eq!(c.validate(), Ok(()));
    }

    #[test]
    fn validation_names_the_key_and_the_range() {
        let bad = |c: TermsConfig| c.validate().unwrap_err().to_string();
        let d = TermsConfig::default;
        assert!(
            bad(TermsConfig {
                ngram_range: (0, 1),
                ..d()
            })
            .contains("`ngrams`")
        );
        assert!(
            bad(TermsConfig {
                ngram_range: (2, 1),
                ..d()
            })
            .contains("1 <= min <= max <= 10")
        );
        assert!(
            bad(TermsConfig {
                ngram_range: (1, 11),
                ..d()
            })
            .contains("got [1, 11]")
        );
        let e = bad(TermsConfig {
            max_df: DocFreq::Fraction(1.5),
            ..d()
        });
        assert!(
            e.contains("`max_df` = 1.5") && e.contains("[0.0, 1.0]"),
            "{e}"
        );
        assert!(
            bad(TermsConfig {
                min_df: DocFreq::Fraction(f64::NAN),
                ..d()
            })
            .contains("`min_df`")
        );
        let e = bad(TermsConfig {
            min_df: DocFreq::Count(5),
            max_df: DocFreq::Count(2),
            ..d()
        });
        assert_eq!(e, "`min_df` (5) must not be greater than `max_df` (2)");
        let e = bad(TermsConfig {
            min_df: DocFreq::Fraction(0.5),
            max_df: DocFreq::Fraction(0.25),
            ..d()
        });
        assert_eq!(e, "`min_df` (0.5) must not be greater than `max_df` (0.25)");
        assert!(
            bad(TermsConfig {
                max_features: Some(0),
                ..d()
            })
            .contains("`max_features`")
        );
        // A count against a fraction depends on the corpus: accepted.
        assert_eq!(
            TermsConfig {
                min_df: DocFreq::Count(9),
                max_df: DocFreq::Fraction(0.1),
                ..d()
            }
            .validate(),
            Ok(())
        );
        let all = TermsConfig {
            ngram_range: (0, 0),
            max_features: Some(0),
            ..d()
        }
        .errors();
        assert_eq!(all.len(), 2);
        assert!(
            Terms::try_new(TermsConfig {
                ngram_range: (3, 2),
                ..d()
            })
            .is_err()
        );
    }

    #[test]
    fn idf_follows_scikit_learn() {
        assert_eq!(idf_of(57, 3, true), (58.0_f64 / 4.0).ln() + 1.0);
        assert_eq!(idf_of(57, 3, false), (57.0_f64 / 3.0).ln() + 1.0);
        assert_eq!(idf_of(4, 4, false), 1.0);
    }

    #[test]
    fn ngram_stream_is_unigrams_then_bigrams() {
        let config = TermsConfig {
            ngram_range: (1, 2),
            ..per_doc()
        };
        let out = run(config, &["am man of few words", "man of"]);
        assert_eq!(out.n_tokens, 7);
        assert_eq!(
            names(&out.vocabulary),
            [
                "am",
                "am man",
                "few",
                "few words",
                "man",
                "man of",
                "of",
                "of few",
                "words"
            ]
        );
        let only_bigrams = run(
            TermsConfig {
                ngram_range: (2, 2),
                ..per_doc()
            },
            &["a b c"],
        );
        assert_eq!(names(&only_bigrams.vocabulary), ["a b", "b c"]);
    }

    #[test]
    fn doc_freq_limits_use_scikit_learns_rule() {
        // 10 documents; "common" in all, "most" in 9, "rare" in 1.
        let mut texts = vec!["common most"; 9];
        texts.push("common rare");
        // max_df = 0.9 is 0.9 * 10.0 = 9.0 documents: "most" (9) stays, "common" (10) goes.
        let out = run(
            TermsConfig {
                min_df: DocFreq::Count(2),
                max_df: DocFreq::Fraction(0.9),
                ..per_doc()
            },
            &texts,
        );
        assert_eq!(names(&out.vocabulary), ["most"]);
        assert_eq!(
            out.pruned,
            PruneStats {
                terms_seen: 3,
                min_df: 1,
                max_df: 1,
                max_features: 0
            }
        );
        assert_eq!(out.pruned.kept(), 1);
        // Rows and norms only use the surviving terms.
        let rows = out.documents.unwrap();
        assert_eq!(rows[0].terms.len(), 1);
        assert_eq!(rows[0].terms[0].weight, 1.0);
        assert!(rows[9].terms.is_empty());
        // A fraction min_df of 0.2 is 2.0 documents.
        let out = run(
            TermsConfig {
                min_df: DocFreq::Fraction(0.2),
                ..per_doc()
            },
            &texts,
        );
        assert_eq!(names(&out.vocabulary), ["common", "most"]);
    }

    #[test]
    fn max_features_keeps_highest_counts_ties_by_term() {
        let config = TermsConfig {
            max_features: Some(2),
            ..per_doc()
        };
        let out = run(config, &["zeta beta alpha alpha", "zeta beta gamma"]);
        // alpha 2, beta 2, zeta 2, gamma 1: the tie at the cut-off goes to code-point order.
        assert_eq!(names(&out.vocabulary), ["alpha", "beta"]);
        assert_eq!(out.pruned.max_features, 2);
    }

    #[test]
    fn top_is_count_descending_then_term() {
        let out = run(
            TermsConfig {
                top: 3,
                ..TermsConfig::default()
            },
            &["b a c c d d", "a"],
        );
        assert_eq!(names(&out.top), ["a", "c", "d"]);
        assert!(out.documents.is_none());
    }

    #[test]
    fn weights_without_idf_and_with_sublinear_tf() {
        let tfidf = TfidfConfig {
            use_idf: false,
            norm: Norm::None,
            sublinear_tf: true,
            ..TfidfConfig::default()
        };
        let out = run(TermsConfig { tfidf, ..per_doc() }, &["a a a b"]);
        assert!(out.vocabulary.iter().all(|t| t.idf.is_none()));
        let row = &out.documents.as_ref().unwrap()[0].terms;
        assert_eq!(
            (row[0].count, row[0].tf, row[0].weight),
            (3, 3.0_f64.ln() + 1.0, 3.0_f64.ln() + 1.0)
        );
        assert_eq!((row[1].tf, row[1].weight), (1.0, 1.0));
    }

    #[test]
    fn l1_rows_sum_in_first_seen_order() {
        let tfidf = TfidfConfig {
            norm: Norm::L1,
            ..TfidfConfig::default()
        };
        let out = run(TermsConfig { tfidf, ..per_doc() }, &["c b", "a b c a"]);
        let row = &out.documents.as_ref().unwrap()[1].terms;
        let idf = |t: &str| {
            out.vocabulary
                .iter()
                .find(|s| s.term == t)
                .unwrap()
                .idf
                .unwrap()
        };
        // First seen: c, b (document 0), then a.
        let (c, b, a) = (idf("c"), idf("b"), 2.0 * idf("a"));
        let sum = c + b + a;
        assert_eq!(names_of(row), ["a", "b", "c"]);
        assert_eq!(
            [row[0].weight, row[1].weight, row[2].weight],
            [a / sum, b / sum, c / sum]
        );
    }

    fn names_of(terms: &[DocTerm]) -> Vec<&str> {
        terms.iter().map(|t| &*t.term).collect()
    }

    #[test]
    fn top_by_weight_orders_by_weight_then_term() {
        let out = run(per_doc(), &["rare common common", "common other"]);
        let best = out.top_by_weight(0, 5);
        assert_eq!(
            best.iter().map(|t| &*t.term).collect::<Vec<_>>(),
            ["common", "rare"]
        );
        assert_eq!(out.top_by_weight(0, 1).len(), 1);
        assert!(out.top_by_weight(7, 3).is_empty());
        assert!(
            run(TermsConfig::default(), &["a"])
                .top_by_weight(0, 3)
                .is_empty()
        );
    }

    #[test]
    fn empty_inputs_give_empty_outputs() {
        let out = run(per_doc(), &[]);
        assert_eq!((out.n_docs, out.n_tokens), (0, 0));
        assert!(out.vocabulary.is_empty() && out.top.is_empty());
        assert_eq!(out.documents, Some(Vec::new()));

        let out = run(per_doc(), &["", ""]);
        assert_eq!(out.n_docs, 2);
        assert!(
            out.documents
                .unwrap()
                .iter()
                .all(|d| d.terms.is_empty() && d.n_tokens == 0)
        );
    }

    #[test]
    fn pruning_everything_is_reported_not_raised() {
        let out = run(
            TermsConfig {
                min_df: DocFreq::Count(5),
                ..per_doc()
            },
            &["a b", "b c"],
        );
        assert!(out.vocabulary.is_empty());
        assert_eq!(
            out.pruned,
            PruneStats {
                terms_seen: 3,
                min_df: 3,
                max_df: 0,
                max_features: 0
            }
        );
        assert!(out.documents.unwrap().iter().all(|d| d.terms.is_empty()));
        // Inverted limits (not validated) prune everything too.
        let config = TermsConfig {
            min_df: DocFreq::Count(2),
            max_df: DocFreq::Count(1),
            ..per_doc()
        };
        assert!(run(config, &["a", "a"]).vocabulary.is_empty());
    }

    #[test]
    fn unvalidated_ranges_do_not_panic() {
        let out = run(
            TermsConfig {
                ngram_range: (0, usize::MAX),
                ..per_doc()
            },
            &["a b c"],
        );
        assert_eq!(out.vocabulary.len(), 6);
        let out = run(
            TermsConfig {
                ngram_range: (3, 1),
                ..per_doc()
            },
            &["a b c"],
        );
        assert!(out.vocabulary.is_empty());
        assert_eq!(out.n_tokens, 3);
    }

    #[test]
    fn documents_with_the_same_ordinal_are_ordered_deterministically() {
        let terms = Terms::new(per_doc());
        let a = Document::new(1, "same", "x y", Metadata::new());
        let b = Document::new(1, "same", "y z", Metadata::new());
        let mut p = terms.partial();
        terms.observe(&mut p, &normalise(&a));
        let mut q = terms.partial();
        terms.observe(&mut q, &normalise(&b));
        let mut r = terms.partial();
        terms.observe(&mut r, &normalise(&b));
        let mut s = terms.partial();
        terms.observe(&mut s, &normalise(&a));
        p.merge(q);
        r.merge(s);
        assert_eq!(terms.finish(p), terms.finish(r));
    }

    #[test]
    fn doc_freq_displays_like_the_pipeline_file() {
        assert_eq!(DocFreq::Count(2).to_string(), "2");
        assert_eq!(DocFreq::Fraction(1.0).to_string(), "1.0");
    }
}

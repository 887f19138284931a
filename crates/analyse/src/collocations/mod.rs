//! Bigram collocations: [`Collocations`], its configuration, its output and the association
//! measures ([`BigramScores`]).

mod partial;
mod table;

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use wordmill_model::NormalisedDoc;

pub use partial::CollocationsPartial;

use crate::Analyser;

/// What the reports rank bigrams by (`measure`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CollocationMeasure {
    /// The log-likelihood ratio, [`BigramScores::llr`] (the default).
    #[default]
    Llr,
    /// Pointwise mutual information, [`BigramScores::pmi`].
    Pmi,
    /// Pearson's chi-square, [`BigramScores::chi2`].
    Chi2,
    /// Student's t, [`BigramScores::t`].
    T,
    /// The bigram's count.
    Count,
}

impl CollocationMeasure {
    /// Every measure, in the order of [`NAMES`](Self::NAMES).
    pub const ALL: [CollocationMeasure; 5] = [
        CollocationMeasure::Llr,
        CollocationMeasure::Pmi,
        CollocationMeasure::Chi2,
        CollocationMeasure::T,
        CollocationMeasure::Count,
    ];

    /// Every measure, by the names pipeline files use.
    pub const NAMES: [&'static str; 5] = ["llr", "pmi", "chi2", "t", "count"];

    /// The name pipeline files, `collocations.csv` and reports use.
    pub const fn name(self) -> &'static str {
        match self {
            CollocationMeasure::Llr => "llr",
            CollocationMeasure::Pmi => "pmi",
            CollocationMeasure::Chi2 => "chi2",
            CollocationMeasure::T => "t",
            CollocationMeasure::Count => "count",
        }
    }

    /// The value of `row` that this measure ranks by.
    pub fn of(self, row: &Collocation) -> f64 {
        match self {
            CollocationMeasure::Llr => row.scores.llr,
            CollocationMeasure::Pmi => row.scores.pmi,
            CollocationMeasure::Chi2 => row.scores.chi2,
            CollocationMeasure::T => row.scores.t,
            CollocationMeasure::Count => row.count as f64,
        }
    }
}

/// Which adjacent tokens make a bigram (`span`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BigramSpan {
    /// Any two adjacent tokens of a document (NLTK's `BigramCollocationFinder.from_documents`;
    /// the default). No bigram joins two documents.
    #[default]
    Document,
    /// Two adjacent tokens of the same sentence ([`NormalisedDoc::sentences`]): no bigram
    /// crosses a sentence end. A document without sentence spans is one sentence.
    Sentence,
}

impl BigramSpan {
    /// Every span, in the order of [`NAMES`](Self::NAMES).
    pub const ALL: [BigramSpan; 2] = [BigramSpan::Document, BigramSpan::Sentence];

    /// Every span, by the names pipeline files use.
    pub const NAMES: [&'static str; 2] = ["document", "sentence"];

    /// The name pipeline files and reports use.
    pub const fn name(self) -> &'static str {
        match self {
            BigramSpan::Document => "document",
            BigramSpan::Sentence => "sentence",
        }
    }
}

/// Configuration of [`Collocations`] (the `[analyse.collocations]` table of a pipeline file),
/// serialised with the pipeline file's keys and values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CollocationsConfig {
    /// Bigrams seen fewer times in the whole corpus are dropped (NLTK's `apply_freq_filter`);
    /// at least 1, 3 by default.
    pub min_count: u64,
    /// What the reports rank by ([`CollocationMeasure::Llr`] by default).
    pub measure: CollocationMeasure,
    /// How many bigrams [`CollocationsOutput::top`] lists (20 by default).
    pub top: usize,
    /// Which adjacent tokens make a bigram ([`BigramSpan::Document`] by default).
    pub span: BigramSpan,
}

setters!(CollocationsConfig {
    min_count: u64,
    measure: CollocationMeasure,
    top: usize,
    span: BigramSpan
});

impl Default for CollocationsConfig {
    fn default() -> Self {
        CollocationsConfig {
            min_count: 3,
            measure: CollocationMeasure::Llr,
            top: 20,
            span: BigramSpan::Document,
        }
    }
}

/// An invalid [`CollocationsConfig`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CollocationsError {
    /// `min_count = 0`.
    #[error("`min_count` must be at least 1; got 0")]
    MinCountZero,
}

impl CollocationsConfig {
    /// Checks the configuration: `min_count` at least 1.
    pub fn validate(&self) -> Result<(), CollocationsError> {
        if self.min_count == 0 {
            return Err(CollocationsError::MinCountZero);
        }
        Ok(())
    }
}

/// NLTK's `_SMALL`, added where a quotient or a logarithm could meet zero.
const SMALL: f64 = 1e-20;

/// The association measures of one bigram, as NLTK 3.10's `BigramAssocMeasures` computes them
/// from the bigram's count `n_ii`, its words' counts `n_ix` (first) and `n_xi` (second) and
/// the number of tokens `n_xx`.
///
/// The contingency table is NLTK's, with `n_ii` as a float: `n_oi = n_xi - n_ii`,
/// `n_io = n_ix - n_ii`, `n_oo = n_xx - n_ii - n_oi - n_io`; the expected value of cell `i`
/// of `(n_ii, n_oi, n_io, n_oo)` is `(c[i] + c[i^1]) * (c[i] + c[i^2]) / n` with `n` the sum
/// of the cells. Each measure is computed in NLTK's order of operations.
///
/// Because `n_xx` counts tokens, not bigrams, the table is not quite a bigram table (NLTK's
/// definition); in a corpus made almost entirely of one or two words a cell can be negative
/// or a margin equal to `n_xx`, where NLTK raises (`math domain error`, division by zero) and
/// the measure here is NaN or infinite.
///
/// ```
/// use wordmill_analyse::BigramScores;
///
/// let s = BigramScores::new(4, 286, 1110, 356_734);
/// assert!((s.pmi - 2.1682739007588516).abs() < 1e-12);
/// assert!((s.llr - 5.8460837201275515).abs() < 1e-12);
/// assert!((s.chi2 - 10.911992806042669).abs() < 1e-12);
/// assert!((s.t - 1.5550466173675623).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BigramScores {
    /// Pointwise mutual information: `log2(n_ii * n_xx) - log2(n_ix * n_xi)`.
    pub pmi: f64,
    /// Log-likelihood ratio: `2 * Σ obs * ln(obs / (exp + 1e-20) + 1e-20)` over the four
    /// cells.
    pub llr: f64,
    /// Pearson's chi-square: `n_xx * (n_ii * n_oo - n_io * n_oi)² / (n_ix * n_xi *
    /// (n_xx - n_ix) * (n_xx - n_xi))`, each margin as a sum of two cells.
    pub chi2: f64,
    /// Student's t: `(n_ii - n_ix * n_xi / n_xx) / sqrt(n_ii + 1e-20)`.
    pub t: f64,
}

impl BigramScores {
    /// The measures of a bigram seen `n_ii` times, whose first word is seen `n_ix` times and
    /// second `n_xi` times, in `n_xx` tokens.
    pub fn new(n_ii: u64, n_ix: u64, n_xi: u64, n_xx: u64) -> Self {
        let ii = n_ii as f64;
        let n = n_xx as f64;
        // NLTK multiplies the two counts as Python integers (exact), then converts.
        let product = u128::from(n_ix) * u128::from(n_xi);

        let pmi = (ii * n).log2() - (product as f64).log2();
        let t = (ii - exact_quotient(product, n_xx)) / python_pow(ii + SMALL, 0.5);

        let oi = n_xi as f64 - ii;
        let io = n_ix as f64 - ii;
        let oo = n - ii - oi - io;
        let cells = [ii, oi, io, oo];

        // NLTK's `phi_sq` unpacks the cells `(n_ii, n_oi, n_io, n_oo)` as
        // `(n_ii, n_io, n_oi, n_oo)`; the products below are in its order.
        let (a, b, c, d) = (ii, oi, io, oo);
        let phi = python_pow(a * d - b * c, 2.0) / ((a + b) * (a + c) * (b + d) * (c + d));
        let chi2 = n * phi;

        let total = cells.iter().fold(0.0, |s, x| s + x);
        let mut sum = 0.0;
        for i in 0..4 {
            let expected = (cells[i] + cells[i ^ 1]) * (cells[i] + cells[i ^ 2]) / total;
            sum += cells[i] * (cells[i] / (expected + SMALL) + SMALL).ln();
        }
        let llr = 2.0 * sum;

        BigramScores { pmi, llr, chi2, t }
    }
}

/// `x ** y` as Python computes it for floats: the C library's `pow`. The exponent is passed
/// through [`std::hint::black_box`] so that the compiler keeps the call instead of rewriting
/// `pow(x, 2.0)` as `x * x` or `pow(x, 0.5)` as a square root, which can differ from the
/// library's `pow` in the last bit.
fn python_pow(x: f64, y: f64) -> f64 {
    x.powf(std::hint::black_box(y))
}

/// `p / n` as Python divides two integers (the true quotient, rounded once) whenever `p` is
/// below 2^53 (every real corpus: both operands are exact, and IEEE division rounds once);
/// above, `p` is rounded first.
fn exact_quotient(p: u128, n: u64) -> f64 {
    p as f64 / n as f64
}

/// One bigram kept by `min_count`, with its counts and association measures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Collocation {
    /// The first word (shared with every other row that has it).
    pub w1: Arc<str>,
    /// The second word.
    pub w2: Arc<str>,
    /// Occurrences of the bigram.
    pub count: u64,
    /// Occurrences of the first word (as any token, NLTK's `word_fd`).
    pub w1_count: u64,
    /// Occurrences of the second word.
    pub w2_count: u64,
    /// Its association measures.
    #[serde(flatten)]
    pub scores: BigramScores,
}

/// The finished collocation analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CollocationsOutput {
    /// Documents observed.
    pub n_docs: u64,
    /// Tokens observed: the `n_xx` of every measure.
    pub n_tokens: u64,
    /// Distinct bigrams seen, before `min_count`.
    pub distinct_bigrams: u64,
    /// Every bigram seen at least `min_count` times, in code-point order of `(w1, w2)`.
    pub bigrams: Vec<Collocation>,
    /// The `top` bigrams by the configured measure, descending (NaN last); ties by
    /// `(w1, w2)`.
    pub top: Vec<Collocation>,
}

/// Bigram collocations with NLTK's association measures: pointwise mutual information,
/// log-likelihood ratio, chi-square and Student's t, equal to NLTK 3.10's
/// `BigramCollocationFinder.from_documents` scored with `BigramAssocMeasures`.
///
/// # Overview
///
/// - Bigrams are pairs of adjacent tokens of the normalised stream (after stop words,
///   `min_len` and stemming: the tokens every analyser receives), within a document or, with
///   [`BigramSpan::Sentence`], within a sentence.
/// - Every token counts towards its word's count and the total (NLTK's `word_fd`), including
///   the tokens that end a document or sentence.
/// - [`CollocationsPartial`] holds the counts; partials merge exactly in any grouping and
///   order. `min_count` applies in `finish`, after the last merge.
///
/// # Exactness
///
/// Counts are exact. Each measure is computed with NLTK's formula in NLTK's order of
/// operations (Python integer products converted once, `** 2` and `** 0.5` through the C
/// library's `pow`, as Python does; see [`BigramScores`]); on the reference corpus every value
/// equals NLTK's bit for bit with glibc, and the tests require 1e-9 relative.
///
/// # Example
///
/// ```
/// use wordmill_analyse::{Analyser, Collocations, CollocationsConfig};
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
///
/// let docs = [
///     Document::new(0, "a", "new york city", Metadata::new()),
///     Document::new(1, "b", "new york state", Metadata::new()),
/// ];
/// let analyser = Collocations::new(CollocationsConfig::default().min_count(2));
/// let mut left = analyser.partial();
/// analyser.observe(&mut left, &normalise(&docs[0]));
/// let mut right = analyser.partial();
/// analyser.observe(&mut right, &normalise(&docs[1]));
/// left.merge(right);
/// let out = analyser.finish(left);
///
/// assert_eq!(out.n_tokens, 6);
/// assert_eq!(out.distinct_bigrams, 3);
/// let row = &out.bigrams[0];
/// assert_eq!((&*row.w1, &*row.w2, row.count, row.w1_count), ("new", "york", 2, 2));
/// assert_eq!(row.scores.pmi, (2.0_f64 * 6.0).log2() - 4.0_f64.log2());
/// ```
#[derive(Debug, Clone)]
pub struct Collocations {
    config: CollocationsConfig,
}

impl Collocations {
    /// An analyser with this configuration (not checked: a `min_count` of 0 keeps every
    /// bigram, as 1 does).
    pub fn new(config: CollocationsConfig) -> Self {
        Collocations { config }
    }

    /// An analyser with this configuration, after [`CollocationsConfig::validate`].
    pub fn try_new(config: CollocationsConfig) -> Result<Self, CollocationsError> {
        config.validate()?;
        Ok(Collocations { config })
    }

    /// The configuration.
    pub fn config(&self) -> &CollocationsConfig {
        &self.config
    }
}

impl crate::Configure for Collocations {
    const KEY: &'static str = "collocations";
    const SCHEMA: &'static [(&'static str, &'static [&'static str])] =
        &[("", &["min_count", "measure", "top", "span"])];

    fn configure(
        t: &mut dyn crate::ConfigTable,
        _configured: &[&dyn std::any::Any],
    ) -> Option<Self> {
        let mut cfg = CollocationsConfig::default();
        if let Some(n) = t.integer("min_count", 1, i64::MAX) {
            cfg.min_count = n as u64;
        }
        if let Some(i) = t.choice("measure", &CollocationMeasure::NAMES) {
            cfg.measure = CollocationMeasure::ALL[i];
        }
        if let Some(n) = t.integer("top", 0, 1_000_000) {
            cfg.top = n as usize;
        }
        if let Some(i) = t.choice("span", &BigramSpan::NAMES) {
            cfg.span = BigramSpan::ALL[i];
        }
        if let Err(e) = cfg.validate() {
            t.error(None, format!("`[analyse.collocations]`: {e}"));
        }
        Some(Collocations::new(cfg))
    }

    type Config = CollocationsConfig;

    fn config(&self) -> &CollocationsConfig {
        &self.config
    }

    fn validate(
        &self,
        partial: &CollocationsPartial,
        documents: &[crate::DocumentStats],
    ) -> Result<(), crate::InvalidState> {
        partial.validate()?;
        let tokens = documents
            .iter()
            .map(|r| r.tokens)
            .fold(0u64, u64::saturating_add);
        if partial.n_docs() != documents.len() as u64 || partial.n_tokens() != tokens {
            return Err(crate::InvalidState(format!(
                "the collocation counts are of {} documents and {} tokens, the documents {} and {tokens}",
                partial.n_docs(),
                partial.n_tokens(),
                documents.len()
            )));
        }
        // Each document gives one bigram per pair of adjacent tokens; by sentence, one fewer
        // per sentence end between tokens (sentence groups: at most one more than sentences).
        let most = documents.iter().fold(0u64, |sum, r| {
            sum.saturating_add(r.tokens.saturating_sub(1))
        });
        let least = match self.config.span {
            BigramSpan::Document => most,
            BigramSpan::Sentence => documents.iter().fold(0u64, |sum, r| {
                sum.saturating_add(r.tokens.saturating_sub(r.sentences.saturating_add(1)))
            }),
        };
        let pairs = partial.bigram_total();
        if pairs < least || pairs > most {
            let want = if least == most {
                format!("{most}")
            } else {
                format!("{least} to {most}")
            };
            return Err(crate::InvalidState(format!(
                "the collocation counts hold {pairs} bigrams, but the documents' {tokens} tokens make {want}"
            )));
        }
        Ok(())
    }
}

impl Analyser for Collocations {
    type Partial = CollocationsPartial;
    type Output = CollocationsOutput;

    fn partial(&self) -> CollocationsPartial {
        CollocationsPartial::default()
    }

    fn observe(&self, partial: &mut CollocationsPartial, doc: &NormalisedDoc<'_>) {
        let sentences = match self.config.span {
            BigramSpan::Document => &[][..],
            BigramSpan::Sentence => &doc.sentences[..],
        };
        partial.observe(&doc.tokens, sentences);
    }

    fn finish(&self, partial: CollocationsPartial) -> CollocationsOutput {
        let parts = partial.into_parts(self.config.min_count);
        let n_tokens = parts.n_tokens;
        let names: Vec<Arc<str>> = parts.words.iter().map(|(w, _)| Arc::from(&**w)).collect();
        let count_of = |i: u32| parts.words.get(i as usize).map_or(0, |w| w.1);
        let name_of = |i: u32| {
            names
                .get(i as usize)
                .cloned()
                .unwrap_or_else(|| Arc::from(""))
        };
        let bigrams: Vec<Collocation> = parts
            .bigrams
            .iter()
            .map(|&(a, b, count)| {
                let (w1_count, w2_count) = (count_of(a), count_of(b));
                Collocation {
                    w1: name_of(a),
                    w2: name_of(b),
                    count,
                    w1_count,
                    w2_count,
                    scores: BigramScores::new(count, w1_count, w2_count, n_tokens),
                }
            })
            .collect();
        let top = top_rows(&bigrams, self.config.measure, self.config.top);
        CollocationsOutput {
            n_docs: parts.n_docs,
            n_tokens,
            distinct_bigrams: parts.distinct_bigrams,
            bigrams,
            top,
        }
    }
}

/// The first `k` rows by `measure` descending (NaN as the lowest), ties by position (the rows
/// are in `(w1, w2)` order).
fn top_rows(rows: &[Collocation], measure: CollocationMeasure, k: usize) -> Vec<Collocation> {
    let key = |i: usize| {
        let x = measure.of(&rows[i]);
        if x.is_nan() { f64::NEG_INFINITY } else { x }
    };
    let order = |a: &(f64, usize), b: &(f64, usize)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
    let mut ranked: Vec<(f64, usize)> = (0..rows.len()).map(|i| (key(i), i)).collect();
    if k < ranked.len() {
        if k > 0 {
            ranked.select_nth_unstable_by(k - 1, order);
        }
        ranked.truncate(k);
    }
    ranked.sort_unstable_by(order);
    ranked.iter().map(|&(_, i)| rows[i].clone()).collect()
}

#[cfg(test)]
mod tests {
    use wordmill_model::{Document, Merge, Metadata, Span, Token, TokenText};

    use super::*;

    fn normalise(doc: &Document) -> NormalisedDoc<'_> {
        let mut tokens = Vec::new();
        let mut start = 0;
        for (i, w) in doc.text.split(' ').enumerate() {
            let span = Span::new(start, start + w.len());
            start = span.end + 1;
            if !w.is_empty() && w != "." {
                tokens.push(Token {
                    text: TokenText::borrowed(w),
                    span,
                    position: i as u32,
                });
            }
        }
        // Sentences end after each " ." (the full stop is not a token).
        let mut sentences = Vec::new();
        let mut from = 0;
        for (at, _) in doc.text.match_indices(" .") {
            sentences.push(Span::new(from, at + 2));
            from = at + 3;
        }
        if from < doc.text.len() {
            sentences.push(Span::new(from, doc.text.len()));
        }
        NormalisedDoc {
            doc,
            sentences,
            tokens,
        }
    }

    fn run(config: CollocationsConfig, texts: &[&str]) -> CollocationsOutput {
        let analyser = Collocations::new(config);
        let mut p = analyser.partial();
        for (i, t) in texts.iter().enumerate() {
            let doc = Document::new(i as u64, format!("d{i}"), *t, Metadata::new());
            analyser.observe(&mut p, &normalise(&doc));
        }
        analyser.finish(p)
    }

    fn pairs(rows: &[Collocation]) -> Vec<(String, String, u64)> {
        rows.iter()
            .map(|r| (r.w1.to_string(), r.w2.to_string(), r.count))
            .collect()
    }

    fn all() -> CollocationsConfig {
        CollocationsConfig {
            min_count: 1,
            ..CollocationsConfig::default()
        }
    }

    #[test]
    fn defaults_and_names() {
        let c = CollocationsConfig::default();
        assert_eq!(
            (c.min_count, c.measure, c.top, c.span),
            (3, CollocationMeasure::Llr, 20, BigramSpan::Document)
        );
        for (i, m) in CollocationMeasure::ALL.iter().enumerate() {
            assert_eq!(m.name(), CollocationMeasure::NAMES[i]);
            assert_eq!(
                serde_json::to_value(m).unwrap(),
                serde_json::json!(m.name())
            );
        }
        for (i, s) in BigramSpan::ALL.iter().enumerate() {
            assert_eq!(s.name(), BigramSpan::NAMES[i]);
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.name())
            );
        }
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"min_count":3,"measure":"llr","top":20,"span":"document"}"#
        );
        assert!(Collocations::try_new(CollocationsConfig { min_count: 0, ..c }).is_err());
    }

    #[test]
    fn bigrams_stay_inside_documents_and_min_count_applies_after_merging() {
        let out = run(
            CollocationsConfig {
                min_count: 2,
                ..CollocationsConfig::default()
            },
            &["a b c", "c a b", "b"],
        );
        assert_eq!((out.n_docs, out.n_tokens, out.distinct_bigrams), (3, 7, 3));
        // "c c" would join documents 0 and 1: never counted.
        assert_eq!(pairs(&out.bigrams), [("a".into(), "b".into(), 2)]);
        let row = &out.bigrams[0];
        assert_eq!((row.w1_count, row.w2_count), (2, 3));
    }

    #[test]
    fn sentence_span_drops_pairs_across_sentence_ends() {
        let texts = ["a b . c a b", "b c"];
        let doc = run(all(), &texts);
        let sent = run(
            CollocationsConfig {
                span: BigramSpan::Sentence,
                ..all()
            },
            &texts,
        );
        assert_eq!(doc.n_tokens, sent.n_tokens);
        assert!(pairs(&doc.bigrams).contains(&("b".into(), "c".into(), 2)));
        assert_eq!(
            pairs(&sent.bigrams),
            [
                ("a".into(), "b".into(), 2),
                ("b".into(), "c".into(), 1),
                ("c".into(), "a".into(), 1)
            ]
        );
    }

    #[test]
    fn top_ranks_by_the_measure_then_by_bigram() {
        let texts = ["x y x y x y", "p q", "a b", "m n"];
        let count = run(
            CollocationsConfig {
                measure: CollocationMeasure::Count,
                top: 3,
                ..all()
            },
            &texts,
        );
        // x y 3, y x 2, then the ties at 1 by (w1, w2): a b.
        assert_eq!(
            pairs(&count.top),
            [
                ("x".into(), "y".into(), 3),
                ("y".into(), "x".into(), 2),
                ("a".into(), "b".into(), 1)
            ]
        );
        let pmi = run(
            CollocationsConfig {
                measure: CollocationMeasure::Pmi,
                top: 10,
                ..all()
            },
            &texts,
        );
        let values: Vec<f64> = pmi.top.iter().map(|r| r.scores.pmi).collect();
        assert!(values.windows(2).all(|w| w[0] >= w[1]), "{values:?}");
        assert_eq!(pmi.top.len(), pmi.bigrams.len());
        let none = run(CollocationsConfig { top: 0, ..all() }, &texts);
        assert!(none.top.is_empty() && !none.bigrams.is_empty());
    }

    #[test]
    fn scores_follow_nltks_formulas() {
        // A bigram seen 5 times; its words 20 and 30 times; 1000 tokens.
        let s = BigramScores::new(5, 20, 30, 1000);
        assert_eq!(s.pmi, (5.0_f64 * 1000.0).log2() - 600.0_f64.log2());
        assert_eq!(s.t, (5.0 - 600.0 / 1000.0) / 5.0_f64.sqrt());
        let (ii, oi, io) = (5.0_f64, 25.0_f64, 15.0_f64);
        let oo = 1000.0 - ii - oi - io;
        let phi = (ii * oo - oi * io).powi(2) / (20.0 * 30.0 * (oi + oo) * (io + oo));
        assert!((s.chi2 - 1000.0 * phi).abs() <= 1e-12 * s.chi2);
        let cells = [ii, oi, io, oo];
        let llr: f64 = 2.0
            * (0..4)
                .map(|i| {
                    let e = (cells[i] + cells[i ^ 1]) * (cells[i] + cells[i ^ 2]) / 1000.0;
                    cells[i] * (cells[i] / e).ln()
                })
                .sum::<f64>();
        assert!((s.llr - llr).abs() <= 1e-12 * llr);
        // Independence: observed equals expected.
        let s = BigramScores::new(1, 10, 10, 100);
        assert!(s.pmi.abs() < 1e-15 && s.t.abs() < 1e-15 && s.chi2.abs() < 1e-12);
    }

    #[test]
    fn degenerate_corpora_give_non_finite_scores_not_panics() {
        // One word only: every margin equals the total.
        let out = run(all(), &["a a a"]);
        let s = out.bigrams[0].scores;
        assert!(s.pmi.is_finite() && s.t.is_finite());
        assert!(!s.chi2.is_finite() && !s.llr.is_finite());
        // NaN ranks last, whatever its position.
        let row = |w: &str, llr: f64| Collocation {
            w1: Arc::from(w),
            w2: Arc::from(w),
            count: 1,
            w1_count: 1,
            w2_count: 1,
            scores: BigramScores {
                pmi: 0.0,
                llr,
                chi2: 0.0,
                t: 0.0,
            },
        };
        let rows = [row("a", f64::NAN), row("b", -1.0), row("c", f64::INFINITY)];
        let top = top_rows(&rows, CollocationMeasure::Llr, 3);
        let words: Vec<&str> = top.iter().map(|r| &*r.w1).collect();
        assert_eq!(words, ["c", "b", "a"]);
    }

    #[test]
    fn empty_inputs_give_empty_outputs() {
        let out = run(all(), &[]);
        assert_eq!((out.n_docs, out.n_tokens, out.distinct_bigrams), (0, 0, 0));
        assert!(out.bigrams.is_empty() && out.top.is_empty());
        let out = run(all(), &["", "a"]);
        assert_eq!((out.n_docs, out.n_tokens), (2, 1));
        assert!(out.bigrams.is_empty());
    }

    #[test]
    fn merging_in_any_order_gives_the_same_output() {
        let texts = ["a b c a b", "b c d", "d d a b", "c"];
        let analyser = Collocations::new(all());
        let observe = |order: &[usize]| {
            let mut p = analyser.partial();
            for &i in order {
                let doc = Document::new(i as u64, format!("d{i}"), texts[i], Metadata::new());
                analyser.observe(&mut p, &normalise(&doc));
            }
            p
        };
        let single = analyser.finish(observe(&[0, 1, 2, 3]));
        let mut a = observe(&[3]);
        let mut b = observe(&[2, 0]);
        b.merge(observe(&[1]));
        a.merge(b);
        assert_eq!(analyser.finish(a), single);
    }
}

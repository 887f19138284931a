//! # wordmill-analyse
//!
//! Sentiment of a sentence, and the terms of some texts, in one call each:
//!
//! ```
//! use wordmill_analyse::{Terms, TermsConfig, Vader};
//!
//! // VADER, exactly as vaderSentiment 3.3.2 scores it.
//! let scores = Vader::default().polarity_scores("The strike spread, and the workers were not happy!");
//! assert!(scores.compound < 0.0);
//!
//! // Counts, document frequencies, top terms and TF-IDF, as scikit-learn's vectorizers give them.
//! let texts = ["Workers strike at the plant.", "The strike spread to the mines."];
//! let out = Terms::new(TermsConfig::default().per_document(true)).fit(texts);
//! assert_eq!(out.term("strike").map(|t| (t.count, t.doc_freq)), Some((2, 2)));
//! assert_eq!(out.top_k(1)[0].term, "the");
//! let row = &out.rows()[0]; // the first text's non-zero TF-IDF weights, in term order
//! assert_eq!(row.terms.len(), 5);
//! ```
//!
//! `Terms::fit` cuts words with wordmill-normalise's default normaliser (feature `normalise`,
//! on by default); [`Terms::fit_tokens`] counts tokens from any other tokenizer.
//!
//! ## Analysers and partial states
//!
//! Analysers read normalised documents ([`wordmill_model::NormalisedDoc`]) and fold what they
//! see into a *partial state* that merges with other partial states in any grouping and order
//! ([`wordmill_model::Merge`]). The same merge serves rayon threads, shard files and cluster
//! partitions, so one thread, N threads and K shards give the same output.
//!
//! - [`Terms`]: term counts, document frequencies, n-grams, `min_df`/`max_df`/`max_features`
//!   pruning and TF-IDF, equal to scikit-learn's `CountVectorizer`/`TfidfVectorizer` when
//!   configured alike.
//! - [`Keyness`]: the terms one group of documents (by a metadata value) uses more or less
//!   than another, by χ², G² and log ratio, equal to scipy's `chi2_contingency`.
//! - [`Documents`]: one row of facts per document (id, metadata, size, tokens, sentences).
//! - [`Vader`]: lexicon sentiment reproducing vaderSentiment 3.3.2 exactly.
//! - [`Kwic`]: a concordance, every match of word, glob and phrase patterns with the
//!   original text around it.
//! - [`Collocations`]: bigram counts and NLTK's association measures (PMI, log-likelihood
//!   ratio, chi-square, Student's t).
//! - [`Dictionary`]: matches of each category of a dictionary (YAML, JSON or LIWC `.dic`
//!   files of words, globs and phrases) per document and per group.
//! - [`Targets`]: sentiment per target: the sentences that mention each named target (words,
//!   globs, phrases) and their VADER scores, per target and group.
//!
//! See each type's documentation for a runnable example.

/// Builder-style setters for a configuration struct: `Config::default().top(10)`. One setter per
/// listed field, named as the field, consuming and returning the configuration.
macro_rules! setters {
    ($ty:ident { $($field:ident: $fty:ty),* $(,)? }) => {
        impl $ty {
            $(
                #[doc = concat!("Sets `", stringify!($field), "` (see the field of the same name).")]
                #[must_use]
                pub fn $field(mut self, value: $fty) -> Self {
                    self.$field = value;
                    self
                }
            )*
        }
    };
}

mod collocations;
mod configure;
mod dictionary;
mod documents;
mod keyness;
mod kwic;
mod pattern;
mod sentiment;
mod shared;
mod targets;
mod terms;
mod trends;

pub use collocations::{
    BigramScores, BigramSpan, Collocation, CollocationMeasure, Collocations, CollocationsConfig,
    CollocationsError, CollocationsOutput, CollocationsPartial,
};
pub use configure::{ConfigTable, Configure, InvalidState, OTHER_KEYS, UnknownName};
pub use dictionary::{
    CategoryTotals, Dictionary, DictionaryConfig, DictionaryEntries, DictionaryError,
    DictionaryFile, DictionaryFormat, DictionaryOutput, DictionaryPartial, DocumentCounts,
    DocumentMatches, GroupCounts, share,
};
pub use documents::{DocumentStats, Documents, DocumentsPartial};
pub use keyness::{
    Comparison, FeatureText, Keyness, KeynessConfig, KeynessError, KeynessOutput, KeynessPartial,
    KeynessRow, Measure, ValueTotals,
};
pub use kwic::{
    Kwic, KwicConfig, KwicError, KwicHit, KwicOutput, KwicPartial, MAX_WINDOW, PatternHits,
};
pub use pattern::{
    Element, Glob, Lowercase, MAX_PHRASE, MatchCache, Matcher, Pattern, PatternError, PatternForms,
    PatternMatch, sentence_tokens,
};
pub use sentiment::{
    Applied, DocumentScores, DocumentSentiment, EmojiLexicon, Explanation, GroupSentiment,
    HISTOGRAM_BINS, Lexicon, LexiconSource, MAX_VALENCE, POLARITY_THRESHOLD, QUOTES, Quote,
    RawScores, Rule, Rules, Scores, SentenceRecord, SentenceRef, Sentiment, SentimentConfig,
    SentimentError, SentimentFold, SentimentOutput, SentimentPartial, SentimentSummary,
    TokenExplanation, Unit, Vader,
};
pub use shared::DocShared;
pub use targets::{
    DEFAULT_EXAMPLES, MAX_EXAMPLES, TargetExample, TargetGroup, TargetSentence, TargetSource,
    TargetSpec, TargetStats, TargetSummary, Targets, TargetsConfig, TargetsError, TargetsOutput,
    TargetsPartial,
};
pub use terms::{
    DocFreq, DocTerm, DocTerms, MAX_NGRAM, Norm, PruneStats, TermStat, Terms, TermsConfig,
    TermsError, TermsOutput, TermsPartial, TfidfConfig,
};
pub use trends::{
    Bin, BinSpan, MAX_BINS, Movement, SentimentCell, Series, TermTrend, TrendRow, Trends,
    TrendsConfig, TrendsFold, TrendsOutput, TrendsPartial,
};

/// The model types an analyser reads and merges, re-exported so that one dependency on this
/// crate is enough (they are `wordmill-model`'s, the same types every wordmill crate uses).
pub use wordmill_model::{
    DocBuffers, Document, Merge, Metadata, NormalisedDoc, Ordinal, Span, Token, TokenText,
};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// An analysis over a stream of documents, split into a mergeable partial state.
///
/// # Contract
///
/// - `observe` folds one document into a partial state; documents may arrive in any order and
///   on any thread, each exactly once.
/// - `Partial::merge` combines partial states; merging in any grouping and order, then calling
///   `finish`, gives the same output as observing every document into one state.
/// - Anything kept per document is keyed by [`wordmill_model::Ordinal`] and ordered in `finish`.
pub trait Analyser: Sync {
    /// The mergeable state.
    type Partial: Merge + Send + Serialize + DeserializeOwned;
    /// The finished result.
    type Output;

    /// An empty partial state.
    fn partial(&self) -> Self::Partial;

    /// Folds one document into `partial`.
    fn observe(&self, partial: &mut Self::Partial, doc: &NormalisedDoc<'_>);

    /// Folds one document into `partial`, as [`observe`](Self::observe), reading what the
    /// analysers before it left in `shared` for this document and leaving there what later
    /// ones may read. A pipeline passes the same `shared` to every analyser of a document, in
    /// order, and clears it before the next; the result is the same as `observe`'s, only
    /// cheaper when another analyser already did part of the work. By default, `observe`.
    fn observe_shared(
        &self,
        partial: &mut Self::Partial,
        doc: &NormalisedDoc<'_>,
        shared: &mut DocShared,
    ) {
        let _ = shared;
        self.observe(partial, doc);
    }

    /// Turns the merged state into the output.
    fn finish(&self, partial: Self::Partial) -> Self::Output;
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

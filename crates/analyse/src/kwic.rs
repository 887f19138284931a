//! The concordance ([`Kwic`]): every place a pattern matches, with the original text around
//! it, as quanteda's `kwic`, NLTK's `concordance` and AntConc show it.
//!
//! Patterns are matched against the normalised tokens of each sentence ([`crate::Pattern`]: so
//! case, folding, aliases and stemming apply, and a phrase does not run over a sentence end);
//! each pattern on its own, left to right, its hits never overlapping one another. A hit keeps
//! the byte span of the match in the original text (`text[start..end]` is the match as
//! written) and the original text of `window` tokens on each side.
//!
//! ```
//! use wordmill_analyse::{Analyser, Kwic, KwicConfig};
//! use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span, Token};
//!
//! // A stand-in for the normaliser: lower-cased words split on spaces, one sentence.
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
//!
//! let config = KwicConfig::default()
//!     .patterns(vec!["strik*".into(), "general strike".into()])
//!     .window(2);
//! let kwic = Kwic::new(config).unwrap();
//! let docs = [
//!     Document::new(0, "a", "Workers called a General Strike today", Metadata::new()),
//!     Document::new(1, "b", "Strikers stayed out", Metadata::new()),
//! ];
//! let mut left = kwic.partial();
//! kwic.observe(&mut left, &normalise(&docs[1]));
//! let mut right = kwic.partial();
//! kwic.observe(&mut right, &normalise(&docs[0]));
//! left.merge(right);
//! let out = kwic.finish(left);
//!
//! // In corpus order, whatever the order of the documents and merges.
//! let hits: Vec<(&str, &str, &str, &str)> = out
//!     .hits
//!     .iter()
//!     .map(|h| (out.patterns[h.pattern].pattern.as_str(), h.left(), h.matched(), h.right()))
//!     .collect();
//! assert_eq!(
//!     hits,
//!     [
//!         ("general strike", "called a ", "General Strike", " today"),
//!         ("strik*", "a General ", "Strike", " today"),
//!         ("strik*", "", "Strikers", " stayed out"),
//!     ]
//! );
//! assert_eq!((out.patterns[0].hits, out.patterns[0].documents), (2, 2));
//! ```

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use wordmill_model::{Merge, NormalisedDoc, Ordinal};

use crate::pattern::{
    DocMatch, Lowercase, MatchCache, Matcher, Pattern, PatternError, PatternForms,
};
use crate::{Analyser, ConfigTable, Configure, DocumentStats, InvalidState};

/// How a concordance is made, with the pipeline file's key names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct KwicConfig {
    /// The patterns, as written: words, `*`/`?` globs, phrases.
    pub patterns: Vec<String>,
    /// Tokens of context on each side of a match.
    pub window: usize,
    /// Hits of each pattern the reports show (the first, in corpus order).
    pub max_hits: usize,
    /// Hits of each pattern `kwic.csv` holds (the first, in corpus order); `None`: every hit.
    pub max_hits_csv: Option<usize>,
}

setters!(KwicConfig { patterns: Vec<String>, window: usize, max_hits: usize, max_hits_csv: Option<usize> });

impl Default for KwicConfig {
    fn default() -> Self {
        KwicConfig {
            patterns: Vec::new(),
            window: 5,
            max_hits: 10,
            max_hits_csv: None,
        }
    }
}

/// The most tokens of context a concordance keeps on each side.
pub const MAX_WINDOW: usize = 100;

/// Why a concordance cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KwicError {
    /// No pattern.
    #[error("`patterns` must name at least one pattern")]
    NoPatterns,
    /// A pattern that cannot match.
    #[error("pattern {index}: {source}")]
    Pattern {
        /// Its index in `patterns`.
        index: usize,
        /// What is wrong with it.
        #[source]
        source: PatternError,
    },
    /// The same pattern twice.
    #[error("pattern \"{0}\" is given twice")]
    Duplicate(String),
    /// A window too wide.
    #[error("`window` must be at most {MAX_WINDOW}, found {0}")]
    Window(usize),
}

/// The concordance analyser: every match of its patterns, with the original text around it
/// (words, globs and phrases matched as [`Matcher::each`] does, each pattern on its own).
#[derive(Debug, Clone)]
pub struct Kwic {
    config: KwicConfig,
    matcher: Matcher,
}

impl Kwic {
    /// A concordance of `config.patterns`, their words lower-cased ([`Lowercase`]).
    pub fn new(config: KwicConfig) -> Result<Kwic, KwicError> {
        Kwic::with_forms(config, &Lowercase)
    }

    /// A concordance whose patterns are normalised by `forms` (a pipeline's normaliser).
    pub fn with_forms(config: KwicConfig, forms: &dyn PatternForms) -> Result<Kwic, KwicError> {
        if config.patterns.is_empty() {
            return Err(KwicError::NoPatterns);
        }
        if config.window > MAX_WINDOW {
            return Err(KwicError::Window(config.window));
        }
        let mut patterns = Vec::with_capacity(config.patterns.len());
        for (index, text) in config.patterns.iter().enumerate() {
            let p = Pattern::parse_with(text, forms)
                .map_err(|source| KwicError::Pattern { index, source })?;
            if config.patterns[..index].contains(text) {
                return Err(KwicError::Duplicate(text.clone()));
            }
            patterns.push(p);
        }
        Ok(Kwic {
            matcher: Matcher::new(&patterns),
            config,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &KwicConfig {
        &self.config
    }

    /// The patterns, normalised.
    pub fn patterns(&self) -> &[Pattern] {
        self.matcher.patterns()
    }
}

/// A hit's place in corpus order: document, position, pattern.
type HitKey = (Ordinal, usize, usize);

/// One hit: where a pattern matched, and the text around it.
///
/// The text before the match, the match and the text after it ([`left`](Self::left),
/// [`matched`](Self::matched), [`right`](Self::right)) are read from one text shared by the hits
/// of a document (their contexts laid out once, overlapping ones together), as is the
/// document's id.
#[derive(Clone, Deserialize)]
#[serde(from = "HitFields<String>")]
pub struct KwicHit {
    /// Index of the pattern in [`KwicConfig::patterns`].
    pub pattern: usize,
    /// The document's ordinal.
    pub ordinal: Ordinal,
    /// The document's id.
    pub doc_id: Arc<str>,
    /// Index of the sentence the match is in (0 when sentences are not split).
    pub sentence: usize,
    /// First byte of the match in the document's text.
    pub start: usize,
    /// One past its last byte.
    pub end: usize,
    /// The contexts of the document's hits.
    text: Arc<str>,
    /// Where, in `text`, the left context begins, the match begins and ends, and the right
    /// context ends.
    at: [usize; 4],
}

impl KwicHit {
    /// Its place in corpus order: document, position, pattern.
    fn key(&self) -> HitKey {
        (self.ordinal, self.start, self.pattern)
    }

    /// The original text before the match: from the first of `window` tokens before it.
    pub fn left(&self) -> &str {
        &self.text[self.at[0]..self.at[1]]
    }

    /// The match as written: `text[start..end]`.
    pub fn matched(&self) -> &str {
        &self.text[self.at[1]..self.at[2]]
    }

    /// The original text after the match, to the last of `window` tokens after it.
    pub fn right(&self) -> &str {
        &self.text[self.at[2]..self.at[3]]
    }

    /// The three parts laid out in `text`, where they begin and end in it.
    fn lay_out(text: &mut String, left: &str, matched: &str, right: &str) -> [usize; 4] {
        let from = text.len();
        text.push_str(left);
        text.push_str(matched);
        text.push_str(right);
        let a = from + left.len();
        [from, a, a + matched.len(), text.len()]
    }
}

impl PartialEq for KwicHit {
    /// Equal fields and equal texts, wherever the texts are held.
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
            && self.end == other.end
            && self.sentence == other.sentence
            && self.doc_id == other.doc_id
            && self.left() == other.left()
            && self.matched() == other.matched()
            && self.right() == other.right()
    }
}

impl Eq for KwicHit {}

impl std::fmt::Debug for KwicHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KwicHit")
            .field("pattern", &self.pattern)
            .field("ordinal", &self.ordinal)
            .field("doc_id", &self.doc_id)
            .field("sentence", &self.sentence)
            .field("start", &self.start)
            .field("end", &self.end)
            .field("left", &self.left())
            .field("matched", &self.matched())
            .field("right", &self.right())
            .finish()
    }
}

/// A hit as states hold it: its three texts as separate fields.
#[derive(Serialize, Deserialize)]
struct HitFields<T> {
    pattern: usize,
    ordinal: Ordinal,
    doc_id: T,
    sentence: usize,
    start: usize,
    end: usize,
    left: T,
    #[serde(rename = "match")]
    matched: T,
    right: T,
}

impl From<HitFields<String>> for KwicHit {
    fn from(h: HitFields<String>) -> Self {
        let mut text = String::with_capacity(h.left.len() + h.matched.len() + h.right.len());
        let at = KwicHit::lay_out(&mut text, &h.left, &h.matched, &h.right);
        KwicHit {
            pattern: h.pattern,
            ordinal: h.ordinal,
            doc_id: h.doc_id.into(),
            sentence: h.sentence,
            start: h.start,
            end: h.end,
            text: text.into(),
            at,
        }
    }
}

impl Serialize for KwicHit {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        HitFields {
            pattern: self.pattern,
            ordinal: self.ordinal,
            doc_id: &*self.doc_id,
            sentence: self.sentence,
            start: self.start,
            end: self.end,
            left: self.left(),
            matched: self.matched(),
            right: self.right(),
        }
        .serialize(serializer)
    }
}

/// The mergeable state of a concordance: the hits (with `max_hits_csv`, only the first of
/// each pattern, which merge exactly: the first n of a union are the first n of the parts'
/// first n) and, per pattern, the number of hits and of documents with one.
///
/// The hits are held in one list, in the order they were seen (corpus order when the
/// documents came in order); states list them by pattern.
#[derive(Debug, Clone, Default)]
pub struct KwicPartial {
    /// The hits, in the order seen.
    hits: Vec<KwicHit>,
    /// Hits of each pattern, all counted.
    counts: Vec<u64>,
    /// Documents with a hit of each pattern.
    documents: Vec<u64>,
    /// Token texts seen and the patterns they start (a per-thread memo).
    cache: MatchCache,
    /// The matches of one document (scratch space).
    found: Vec<DocMatch>,
    /// The contexts of one document's hits, and where each hit is in them (scratch space).
    contexts: String,
    places: Vec<[usize; 4]>,
}

/// A state's concordance: each pattern's hits in a list of its own.
#[derive(Serialize)]
struct PartialOut<'a> {
    hits: Vec<Vec<&'a KwicHit>>,
    counts: &'a [u64],
    documents: &'a [u64],
}

/// A state's concordance, read.
#[derive(Deserialize)]
struct PartialIn {
    hits: Vec<Vec<KwicHit>>,
    counts: Vec<u64>,
    documents: Vec<u64>,
}

impl Serialize for KwicPartial {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut hits: Vec<Vec<&KwicHit>> = vec![Vec::new(); self.counts.len()];
        for h in &self.hits {
            if hits.len() <= h.pattern {
                hits.resize_with(h.pattern + 1, Vec::new);
            }
            hits[h.pattern].push(h);
        }
        PartialOut {
            hits,
            counts: &self.counts,
            documents: &self.documents,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for KwicPartial {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let state = PartialIn::deserialize(deserializer)?;
        let mut hits = Vec::with_capacity(state.hits.iter().map(Vec::len).sum());
        for (i, list) in state.hits.into_iter().enumerate() {
            if let Some(h) = list.iter().find(|h| h.pattern != i) {
                return Err(serde::de::Error::custom(format!(
                    "a hit of pattern {} is listed under pattern {i}",
                    h.pattern
                )));
            }
            hits.extend(list);
        }
        Ok(KwicPartial {
            hits,
            counts: state.counts,
            documents: state.documents,
            ..KwicPartial::default()
        })
    }
}

impl KwicPartial {
    fn sized(&mut self, n: usize) {
        if self.counts.len() < n {
            self.counts.resize(n, 0);
            self.documents.resize(n, 0);
        }
    }

    /// Keeps each pattern's first `limit` hits, once the hits are twice as many as that for
    /// every pattern (so that trimming costs little per hit); `force`: whatever their number.
    fn trim(&mut self, limit: Option<usize>, force: bool) {
        let Some(limit) = limit else { return };
        let patterns = self.counts.len().max(1);
        let enough = if force {
            self.hits.len() > limit
        } else {
            self.hits.len() >= limit.max(8).saturating_mul(2 * patterns)
        };
        if !enough {
            return;
        }
        if !self.hits.is_sorted_by_key(KwicHit::key) {
            self.hits.sort_unstable_by_key(KwicHit::key);
        }
        let mut kept = vec![0usize; patterns];
        self.hits.retain(|h| {
            let Some(k) = kept.get_mut(h.pattern) else {
                return true;
            };
            *k += 1;
            *k <= limit
        });
    }
}

impl Merge for KwicPartial {
    fn merge(&mut self, other: Self) {
        self.sized(other.counts.len());
        self.hits.extend(other.hits);
        for (a, b) in self.counts.iter_mut().zip(other.counts) {
            *a += b;
        }
        for (a, b) in self.documents.iter_mut().zip(other.documents) {
            *a += b;
        }
    }
}

/// One pattern's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatternHits {
    /// The pattern as written.
    pub pattern: String,
    /// Its hits in the whole corpus.
    pub hits: u64,
    /// Documents with at least one.
    pub documents: u64,
}

/// A finished concordance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KwicOutput {
    /// Each pattern's totals, in the order of [`KwicConfig::patterns`].
    pub patterns: Vec<PatternHits>,
    /// The hits, in corpus order (document, then position, then pattern); with
    /// `max_hits_csv`, only each pattern's first.
    pub hits: Vec<KwicHit>,
}

impl KwicOutput {
    /// The first `n` hits of pattern `pattern`, in corpus order.
    pub fn first_hits(&self, pattern: usize, n: usize) -> impl Iterator<Item = &KwicHit> {
        self.hits
            .iter()
            .filter(move |h| h.pattern == pattern)
            .take(n)
    }
}

impl Kwic {
    /// [`Analyser::observe`], with each token's id in the term table `partial`'s cache reads
    /// ids of, when known.
    fn observe_with(
        &self,
        partial: &mut KwicPartial,
        doc: &NormalisedDoc<'_>,
        ids: Option<&[u32]>,
    ) {
        let n = self.config.patterns.len();
        partial.sized(n);
        let text = &doc.doc.text;
        let tokens = &doc.tokens;
        let window = self.config.window;
        let mut found = std::mem::take(&mut partial.found);
        found.clear();
        self.matcher
            .each_doc(tokens, &doc.sentences, ids, &mut partial.cache, &mut found);
        if found.is_empty() {
            partial.found = found;
            return;
        }
        // The contexts, laid out once for the document: a hit whose context begins inside
        // the previous one's (hits come in order) extends it rather than copying it again.
        let contexts = &mut partial.contexts;
        let places = &mut partial.places;
        contexts.clear();
        places.clear();
        // (first byte in the document, one past the last, where the first is in `contexts`)
        let mut run: Option<(usize, usize, usize)> = None;
        for &DocMatch { m, .. } in &found {
            let first = m.start;
            let last = first + m.len - 1;
            let (start, end) = (tokens[first].span.start, tokens[last].span.end);
            let (from, to) = if window == 0 {
                (start, end)
            } else {
                let from = tokens[first.saturating_sub(window)].span.start;
                let to = tokens[(last + window).min(tokens.len() - 1)].span.end;
                (from.min(start), to.max(end))
            };
            let laid_out = text.get(from..to).is_some()
                && text.is_char_boundary(start)
                && text.is_char_boundary(end);
            if !laid_out {
                // Spans that are not the text's (never from the normaliser): each part on
                // its own, empty where it is not in the text.
                let slice = |a: usize, b: usize| text.get(a..b).unwrap_or_default();
                let at = KwicHit::lay_out(
                    contexts,
                    slice(from, start),
                    slice(start, end),
                    slice(end, to),
                );
                places.push(at);
                run = None;
                continue;
            }
            let (run_from, run_at) = match run {
                Some((a, b, at)) if a <= from && from <= b => {
                    if to > b {
                        contexts.push_str(&text[b..to]);
                        run = Some((a, to, at));
                    }
                    (a, at)
                }
                _ => {
                    let at = contexts.len();
                    contexts.push_str(&text[from..to]);
                    run = Some((from, to, at));
                    (from, at)
                }
            };
            let place = |byte: usize| run_at + (byte - run_from);
            places.push([place(from), place(start), place(end), place(to)]);
        }
        let shared: Arc<str> = Arc::from(contexts.as_str());
        let doc_id: Arc<str> = doc.doc.id.as_str().into();
        let mut seen = vec![false; n];
        partial.hits.reserve(found.len());
        for (&DocMatch { m, sentence }, &at) in found.iter().zip(places.iter()) {
            let first = m.start;
            let last = first + m.len - 1;
            partial.counts[m.pattern] += 1;
            seen[m.pattern] = true;
            partial.hits.push(KwicHit {
                pattern: m.pattern,
                ordinal: doc.doc.ordinal,
                doc_id: Arc::clone(&doc_id),
                sentence,
                start: tokens[first].span.start,
                end: tokens[last].span.end,
                text: Arc::clone(&shared),
                at,
            });
        }
        partial.found = found;
        for (d, s) in partial.documents.iter_mut().zip(seen) {
            *d += u64::from(s);
        }
        partial.trim(self.config.max_hits_csv, false);
    }
}

impl Analyser for Kwic {
    type Partial = KwicPartial;
    type Output = KwicOutput;

    fn partial(&self) -> KwicPartial {
        let mut p = KwicPartial::default();
        p.sized(self.config.patterns.len());
        p
    }

    fn observe(&self, partial: &mut KwicPartial, doc: &NormalisedDoc<'_>) {
        self.observe_with(partial, doc, None);
    }

    /// As `observe`, reading each token's id in the terms analyser's table from `shared`
    /// when it is there (and asking for it from the next document on).
    fn observe_shared(
        &self,
        partial: &mut KwicPartial,
        doc: &NormalisedDoc<'_>,
        shared: &mut crate::DocShared,
    ) {
        shared.want_token_ids();
        let ids = partial.cache.token_ids(shared, doc.tokens.len());
        self.observe_with(partial, doc, ids);
    }

    fn finish(&self, mut partial: KwicPartial) -> KwicOutput {
        partial.sized(self.config.patterns.len());
        partial.trim(self.config.max_hits_csv, true);
        // In corpus order already when one thread saw the documents in order; else in runs
        // (one per state or worker), which a stable sort merges cheaply. Keys are unique: a
        // pattern's hits never start at the same place.
        let mut hits = partial.hits;
        if !hits.is_sorted_by_key(KwicHit::key) {
            hits.sort_by_key(KwicHit::key);
        }
        KwicOutput {
            patterns: self
                .config
                .patterns
                .iter()
                .zip(partial.counts.iter().zip(&partial.documents))
                .map(|(p, (&hits, &documents))| PatternHits {
                    pattern: p.clone(),
                    hits,
                    documents,
                })
                .collect(),
            hits,
        }
    }
}

impl Configure for Kwic {
    const KEY: &'static str = "kwic";
    const SCHEMA: &'static [(&'static str, &'static [&'static str])] =
        &[("", &["patterns", "window", "max_hits", "max_hits_csv"])];

    fn configure(t: &mut dyn ConfigTable, _configured: &[&dyn std::any::Any]) -> Option<Self> {
        let mut cfg = KwicConfig::default();
        match t.strings("patterns") {
            Some(p) => cfg.patterns = p,
            None if !t.has("patterns") => {
                t.error(
                    None,
                    "`[analyse.kwic]` needs `patterns`: words, globs such as \"strik*\", or phrases".into(),
                );
                return None;
            }
            None => return None,
        }
        if let Some(n) = t.integer("window", 0, MAX_WINDOW as i64) {
            cfg.window = n as usize;
        }
        if let Some(n) = t.integer("max_hits", 0, 1_000_000) {
            cfg.max_hits = n as usize;
        }
        if let Some(n) = t.integer("max_hits_csv", 0, i64::MAX) {
            cfg.max_hits_csv = Some(n as usize);
        }
        let written = cfg.patterns.clone();
        match Kwic::with_forms(cfg, t.forms()) {
            Ok(k) => Some(k),
            Err(KwicError::Pattern { index, source }) => {
                t.error_item("patterns", index, source.to_string());
                None
            }
            Err(KwicError::Duplicate(p)) => {
                let index = written.iter().rposition(|x| *x == p).unwrap_or(0);
                t.error_item("patterns", index, format!("pattern \"{p}\" is given twice"));
                None
            }
            Err(e) => {
                t.error(Some("patterns"), e.to_string());
                None
            }
        }
    }

    type Config = KwicConfig;

    fn config(&self) -> &KwicConfig {
        &self.config
    }

    fn validate(
        &self,
        partial: &KwicPartial,
        documents: &[DocumentStats],
    ) -> Result<(), InvalidState> {
        let n = self.config.patterns.len();
        if partial.counts.len() != n || partial.documents.len() != n {
            return Err(InvalidState(format!(
                "the concordance state has {} patterns, the pipeline {n}",
                partial.counts.len()
            )));
        }
        let docs = documents.len() as u64;
        let by_ordinal: std::collections::HashMap<Ordinal, &DocumentStats> =
            documents.iter().map(|d| (d.ordinal, d)).collect();
        let mut kept = vec![0u64; n];
        for h in &partial.hits {
            let Some(k) = kept.get_mut(h.pattern) else {
                return Err(InvalidState(format!(
                    "the concordance state has a hit of pattern {}, the pipeline {n} patterns",
                    h.pattern
                )));
            };
            *k += 1;
            let doc = by_ordinal.get(&h.ordinal);
            let fits = doc.is_some_and(|d| {
                *d.id == *h.doc_id
                    && h.start <= h.end
                    && h.end as u64 <= d.bytes
                    && (h.sentence as u64) < d.sentences.max(1)
            });
            if !fits {
                return Err(InvalidState(format!(
                    "a hit of pattern \"{}\" in document {} (ordinal {}, bytes {}..{}) is not in the state's documents",
                    self.config.patterns[h.pattern], h.doc_id, h.ordinal, h.start, h.end
                )));
            }
        }
        for (i, &kept) in kept.iter().enumerate() {
            if partial.documents[i] > docs || partial.documents[i] > partial.counts[i] {
                return Err(InvalidState(format!(
                    "pattern \"{}\" has hits in {} documents, of {docs} with {} hits",
                    self.config.patterns[i], partial.documents[i], partial.counts[i]
                )));
            }
            if kept > partial.counts[i] {
                return Err(InvalidState(format!(
                    "pattern \"{}\" keeps {kept} hits but counts {}",
                    self.config.patterns[i], partial.counts[i]
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use wordmill_model::{Document, Metadata, Span, Token};

    use super::*;

    /// Tokens: maximal runs of letters, lower-cased; sentences end after `.`.
    fn normalise(doc: &Document) -> NormalisedDoc<'_> {
        let text = &doc.text;
        let mut tokens = Vec::new();
        let mut sentences = Vec::new();
        let mut start = None;
        let mut sentence_start = 0;
        for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
            if c.is_alphabetic() {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                tokens.push(Token {
                    text: text[s..i].to_lowercase().into(),
                    span: Span::new(s, i),
                    position: tokens.len() as u32,
                });
            }
            if c == '.' && i < text.len() {
                sentences.push(Span::new(sentence_start, i + 1));
                sentence_start = i + 1;
            }
        }
        if sentence_start < text.len() {
            sentences.push(Span::new(sentence_start, text.len()));
        }
        NormalisedDoc {
            doc,
            sentences,
            tokens,
        }
    }

    /// The reference: for each pattern, every sentence's words scanned left to right, a
    /// phrase compared word by word, jumping past each hit; then sorted into corpus order.
    fn reference(patterns: &[&str], docs: &[Document], window: usize) -> Vec<KwicHit> {
        let mut out = Vec::new();
        for doc in docs {
            let nd = normalise(doc);
            for (p, pattern) in patterns.iter().enumerate() {
                let words: Vec<String> = pattern.split(' ').map(str::to_string).collect();
                for (si, s) in nd.sentences.iter().enumerate() {
                    let idx: Vec<usize> = (0..nd.tokens.len())
                        .filter(|&i| {
                            nd.tokens[i].span.start >= s.start && nd.tokens[i].span.start < s.end
                        })
                        .collect();
                    let mut k = 0;
                    while k + words.len() <= idx.len() {
                        let ok = words.iter().enumerate().all(|(j, w)| {
                            let t = &*nd.tokens[idx[k + j]].text;
                            match w.strip_suffix('*') {
                                Some(prefix) => t.starts_with(prefix),
                                None => t == w,
                            }
                        });
                        if !ok {
                            k += 1;
                            continue;
                        }
                        let (a, b) = (idx[k], idx[k + words.len() - 1]);
                        let (start, end) = (nd.tokens[a].span.start, nd.tokens[b].span.end);
                        let from = nd.tokens[a.saturating_sub(window)].span.start;
                        let to = nd.tokens[(b + window).min(nd.tokens.len() - 1)].span.end;
                        out.push(KwicHit::from(HitFields {
                            pattern: p,
                            ordinal: doc.ordinal,
                            doc_id: doc.id.clone(),
                            sentence: si,
                            start,
                            end,
                            left: if window == 0 {
                                String::new()
                            } else {
                                doc.text[from..start].to_string()
                            },
                            matched: doc.text[start..end].to_string(),
                            right: if window == 0 {
                                String::new()
                            } else {
                                doc.text[end..to].to_string()
                            },
                        }));
                        k += words.len();
                    }
                }
            }
        }
        out.sort_by_key(|h| (h.ordinal, h.start, h.pattern));
        out
    }

    const PATTERNS: [&str; 4] = ["strik*", "general strike", "workers", "a b"];

    fn corpus_text() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just("strike"),
                Just("Strikes"),
                Just("general"),
                Just("General"),
                Just("workers"),
                Just("a"),
                Just("b"),
                Just("Минск"),
                Just("."),
                Just(", ")
            ],
            0..40,
        )
        .prop_map(|w| w.join(" "))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn hits_equal_an_independent_search_and_merge_in_any_order(
            texts in proptest::collection::vec(corpus_text(), 1..8),
            window in 0usize..4,
            split in any::<prop::sample::Index>(),
            reversed in any::<bool>(),
        ) {
            let docs: Vec<Document> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| Document::new(i as u64, format!("d{i}"), t.clone(), Metadata::new()))
                .collect();
            let kwic = Kwic::new(KwicConfig {
                patterns: PATTERNS.iter().map(|p| p.to_string()).collect(),
                window,
                ..KwicConfig::default()
            }).unwrap();
            let cut = split.index(docs.len() + 1);
            let (mut a, mut b) = (kwic.partial(), kwic.partial());
            for d in &docs[..cut] { kwic.observe(&mut a, &normalise(d)); }
            for d in docs[cut..].iter().rev() { kwic.observe(&mut b, &normalise(d)); }
            // One side through a state file: listed by pattern, read back as one list.
            let mut a: KwicPartial = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
            let merged = if reversed { b.merge(a); b } else { a.merge(b); a };
            let out = kwic.finish(merged);
            let expected = reference(&PATTERNS, &docs, window);
            prop_assert_eq!(&out.hits, &expected);
            for (p, s) in out.patterns.iter().enumerate() {
                let hits: Vec<&KwicHit> = expected.iter().filter(|h| h.pattern == p).collect();
                let mut docs_with: Vec<u64> = hits.iter().map(|h| h.ordinal).collect();
                docs_with.dedup();
                prop_assert_eq!(s.hits, hits.len() as u64);
                prop_assert_eq!(s.documents, docs_with.len() as u64);
            }
            for h in &out.hits {
                prop_assert_eq!(&docs[h.ordinal as usize].text[h.start..h.end], h.matched());
            }

            // With max_hits_csv, each pattern's first hits in corpus order, counts unchanged.
            let limited = Kwic::new(KwicConfig { max_hits_csv: Some(2), ..kwic.config().clone() }).unwrap();
            let (mut a, mut b) = (limited.partial(), limited.partial());
            for d in docs[cut..].iter() { limited.observe(&mut a, &normalise(d)); }
            for d in &docs[..cut] { limited.observe(&mut b, &normalise(d)); }
            a.merge(b);
            let out2 = limited.finish(a);
            let mut firsts = Vec::new();
            for p in 0..PATTERNS.len() {
                firsts.extend(expected.iter().filter(|h| h.pattern == p).take(2).cloned());
            }
            firsts.sort_by_key(|h| (h.ordinal, h.start, h.pattern));
            prop_assert_eq!(out2.hits, firsts);
            prop_assert_eq!(out2.patterns, out.patterns);
        }
    }

    /// Enough hits for the trim to run while the documents come (in reverse order), on one
    /// side and on the merged state: each pattern's first hits all the same.
    #[test]
    fn trimming_as_hits_come_keeps_each_patterns_first() {
        let docs: Vec<Document> = (0..120u64)
            .map(|i| {
                let text = format!("strike {i} on strike day b and general strike");
                Document::new(i, format!("d{i}"), text, Metadata::new())
            })
            .collect();
        let config = KwicConfig {
            patterns: vec!["strik*".into(), "general strike".into(), "b".into()],
            window: 1,
            ..KwicConfig::default()
        };
        let whole = Kwic::new(config.clone()).unwrap();
        let mut all = whole.partial();
        for d in &docs {
            whole.observe(&mut all, &normalise(d));
        }
        let all = whole.finish(all);
        for limit in [0, 1, 3, 9, 40] {
            let limited = Kwic::new(KwicConfig {
                max_hits_csv: Some(limit),
                ..config.clone()
            })
            .unwrap();
            let (mut a, mut b) = (limited.partial(), limited.partial());
            for d in docs[60..].iter().rev() {
                limited.observe(&mut a, &normalise(d));
            }
            for d in docs[..60].iter().rev() {
                limited.observe(&mut b, &normalise(d));
            }
            // Trimmed while the documents came: far fewer hits kept than seen.
            assert!(a.hits.len() <= 2 * limit.max(8) * 3, "{}", a.hits.len());
            let state = serde_json::to_string(&b).unwrap();
            a.merge(serde_json::from_str(&state).unwrap());
            let out = limited.finish(a);
            let mut firsts: Vec<KwicHit> = Vec::new();
            for p in 0..3 {
                firsts.extend(all.first_hits(p, limit).cloned());
            }
            firsts.sort_by_key(KwicHit::key);
            assert_eq!(out.hits, firsts, "max_hits_csv = {limit}");
            assert_eq!(out.patterns, all.patterns);
        }
    }

    /// A state whose hit is listed under another pattern is refused when read.
    #[test]
    fn a_hit_listed_under_another_pattern_is_refused() {
        let kwic = Kwic::new(KwicConfig {
            patterns: vec!["a".into(), "b".into()],
            ..KwicConfig::default()
        })
        .unwrap();
        let mut p = kwic.partial();
        let doc = Document::new(0, "d", "a b", Metadata::new());
        kwic.observe(&mut p, &normalise(&doc));
        let mut state: serde_json::Value = serde_json::to_value(&p).unwrap();
        assert_eq!(state["hits"].as_array().map(Vec::len), Some(2));
        state["hits"].as_array_mut().unwrap().swap(0, 1);
        let err = serde_json::from_value::<KwicPartial>(state).unwrap_err();
        assert!(
            err.to_string()
                .contains("a hit of pattern 1 is listed under pattern 0"),
            "{err}"
        );
    }

    #[test]
    fn configuration_errors_say_which_pattern() {
        let cfg = |patterns: &[&str], window| KwicConfig {
            patterns: patterns.iter().map(|p| p.to_string()).collect(),
            window,
            ..KwicConfig::default()
        };
        assert_eq!(Kwic::new(cfg(&[], 5)).unwrap_err(), KwicError::NoPatterns);
        assert_eq!(
            Kwic::new(cfg(&["a", " "], 5)).unwrap_err().to_string(),
            "pattern 1: empty pattern"
        );
        assert_eq!(
            Kwic::new(cfg(&["a", "a"], 5)).unwrap_err(),
            KwicError::Duplicate("a".into())
        );
        assert_eq!(
            Kwic::new(cfg(&["a"], MAX_WINDOW + 1)).unwrap_err(),
            KwicError::Window(MAX_WINDOW + 1)
        );
    }
}

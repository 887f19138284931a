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

use std::cmp::Reverse;
use std::collections::BinaryHeap;
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
/// The text before the match, the match and the text after it are held as one string
/// ([`left`](Self::left), [`matched`](Self::matched), [`right`](Self::right) read it), and the
/// document's id is shared by the hits of a document.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
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
    /// `left`, then the match, then `right`.
    context: String,
    /// Where the match begins and ends in `context`.
    matched_at: (usize, usize),
}

impl KwicHit {
    /// Its place in corpus order: document, position, pattern.
    fn key(&self) -> HitKey {
        (self.ordinal, self.start, self.pattern)
    }

    /// The original text before the match: from the first of `window` tokens before it.
    pub fn left(&self) -> &str {
        &self.context[..self.matched_at.0]
    }

    /// The match as written: `text[start..end]`.
    pub fn matched(&self) -> &str {
        &self.context[self.matched_at.0..self.matched_at.1]
    }

    /// The original text after the match, to the last of `window` tokens after it.
    pub fn right(&self) -> &str {
        &self.context[self.matched_at.1..]
    }

    /// The three parts in one string.
    fn context_of(left: &str, matched: &str, right: &str) -> (String, (usize, usize)) {
        let mut context = String::with_capacity(left.len() + matched.len() + right.len());
        context.push_str(left);
        context.push_str(matched);
        context.push_str(right);
        (context, (left.len(), left.len() + matched.len()))
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
        let (context, matched_at) = KwicHit::context_of(&h.left, &h.matched, &h.right);
        KwicHit {
            pattern: h.pattern,
            ordinal: h.ordinal,
            doc_id: h.doc_id.into(),
            sentence: h.sentence,
            start: h.start,
            end: h.end,
            context,
            matched_at,
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
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct KwicPartial {
    /// Hits of each pattern, in any order.
    hits: Vec<Vec<KwicHit>>,
    /// Hits of each pattern, all counted.
    counts: Vec<u64>,
    /// Documents with a hit of each pattern.
    documents: Vec<u64>,
    /// Token texts seen and the patterns they start (a per-thread memo).
    #[serde(skip)]
    cache: MatchCache,
    /// The matches of one document (scratch space).
    #[serde(skip)]
    found: Vec<DocMatch>,
}

impl KwicPartial {
    fn sized(&mut self, n: usize) {
        if self.counts.len() < n {
            self.hits.resize_with(n, Vec::new);
            self.counts.resize(n, 0);
            self.documents.resize(n, 0);
        }
    }

    /// Keeps each pattern's first `limit` hits, once they hold twice as many (so that
    /// trimming costs little per hit).
    fn trim(&mut self, limit: Option<usize>, force: bool) {
        let Some(limit) = limit else { return };
        for hits in &mut self.hits {
            if hits.len() > limit && (force || hits.len() >= 2 * limit.max(8)) {
                hits.sort_unstable_by_key(KwicHit::key);
                hits.truncate(limit);
            }
        }
    }
}

impl Merge for KwicPartial {
    fn merge(&mut self, other: Self) {
        self.sized(other.counts.len());
        for (i, hits) in other.hits.into_iter().enumerate() {
            self.hits[i].extend(hits);
        }
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
        let mut seen = vec![false; n];
        let mut doc_id: Option<Arc<str>> = None;
        let mut found = std::mem::take(&mut partial.found);
        found.clear();
        self.matcher
            .each_doc(tokens, &doc.sentences, ids, &mut partial.cache, &mut found);
        for &DocMatch { m, sentence } in &found {
            let first = m.start;
            let last = first + m.len - 1;
            let (start, end) = (tokens[first].span.start, tokens[last].span.end);
            let from = tokens[first.saturating_sub(window)].span.start;
            let to = tokens[(last + window).min(tokens.len() - 1)].span.end;
            let slice = |a: usize, b: usize| text.get(a..b).unwrap_or_default();
            let (left, right) = if window == 0 {
                ("", "")
            } else {
                (slice(from.min(start), start), slice(end, to.max(end)))
            };
            let (context, matched_at) = KwicHit::context_of(left, slice(start, end), right);
            partial.counts[m.pattern] += 1;
            seen[m.pattern] = true;
            partial.hits[m.pattern].push(KwicHit {
                pattern: m.pattern,
                ordinal: doc.doc.ordinal,
                doc_id: Arc::clone(doc_id.get_or_insert_with(|| doc.doc.id.as_str().into())),
                sentence,
                start,
                end,
                context,
                matched_at,
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
        // Each pattern's hits are in corpus order already when one thread saw the documents
        // in order (else they are sorted, in runs that a stable sort merges cheaply); the
        // patterns' lists are then merged by key, each hit moved once. Keys are unique: a
        // pattern's hits never start at the same place.
        let mut lists: Vec<std::vec::IntoIter<KwicHit>> = Vec::with_capacity(partial.hits.len());
        let mut total = 0;
        for mut hits in partial.hits {
            if !hits.is_sorted_by_key(KwicHit::key) {
                hits.sort_by_key(KwicHit::key);
            }
            total += hits.len();
            lists.push(hits.into_iter());
        }
        // (the key of a list's next hit, the list), least first.
        let mut heads: BinaryHeap<Reverse<(HitKey, usize)>> =
            BinaryHeap::with_capacity(lists.len());
        let mut next: Vec<Option<KwicHit>> = Vec::with_capacity(lists.len());
        for (i, list) in lists.iter_mut().enumerate() {
            let head = list.next();
            if let Some(h) = &head {
                heads.push(Reverse((h.key(), i)));
            }
            next.push(head);
        }
        let mut hits = Vec::with_capacity(total);
        while let Some(Reverse((_, i))) = heads.pop() {
            let Some(hit) = next.get_mut(i).and_then(Option::take) else {
                continue;
            };
            hits.push(hit);
            if let (Some(h), Some(slot)) =
                (lists.get_mut(i).and_then(Iterator::next), next.get_mut(i))
            {
                heads.push(Reverse((h.key(), i)));
                *slot = Some(h);
            }
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
        if partial.counts.len() != n || partial.documents.len() != n || partial.hits.len() != n {
            return Err(InvalidState(format!(
                "the concordance state has {} patterns, the pipeline {n}",
                partial.counts.len()
            )));
        }
        let docs = documents.len() as u64;
        let by_ordinal: std::collections::HashMap<Ordinal, &DocumentStats> =
            documents.iter().map(|d| (d.ordinal, d)).collect();
        for (i, hits) in partial.hits.iter().enumerate() {
            if partial.documents[i] > docs || partial.documents[i] > partial.counts[i] {
                return Err(InvalidState(format!(
                    "pattern \"{}\" has hits in {} documents, of {docs} with {} hits",
                    self.config.patterns[i], partial.documents[i], partial.counts[i]
                )));
            }
            if hits.len() as u64 > partial.counts[i] {
                return Err(InvalidState(format!(
                    "pattern \"{}\" keeps {} hits but counts {}",
                    self.config.patterns[i],
                    hits.len(),
                    partial.counts[i]
                )));
            }
            for h in hits {
                let doc = by_ordinal.get(&h.ordinal);
                let fits = doc.is_some_and(|d| {
                    *d.id == *h.doc_id
                        && h.pattern == i
                        && h.start <= h.end
                        && h.end as u64 <= d.bytes
                        && (h.sentence as u64) < d.sentences.max(1)
                });
                if !fits {
                    return Err(InvalidState(format!(
                        "a hit of pattern \"{}\" in document {} (ordinal {}, bytes {}..{}) is not in the state's documents",
                        self.config.patterns[i], h.doc_id, h.ordinal, h.start, h.end
                    )));
                }
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

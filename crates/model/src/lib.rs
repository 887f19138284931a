//! # wordmill-model
//!
//! The seam every wordmill crate shares: a [`Document`] (id, text, ordered [`Metadata`]),
//! byte [`Span`]s into a document's original text, [`Token`]s whose [`TokenText`] borrows that
//! text until a filter has to change it, the [`NormalisedDoc`] an analyser reads, and the [`Merge`] trait
//! that lets partial analysis states be combined in any grouping and any order.
//!
//! The crate has no heavy dependencies (only `serde`) so that any program can build documents
//! and read analysis states without pulling in the rest of wordmill.
//!
//! ## Example
//!
//! ```
//! use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span, Token, TokenText};
//!
//! let mut meta = Metadata::new();
//! meta.insert("year", "2020");
//! let doc = Document::new(0, "belarus", "Workers walked out.", meta);
//! assert_eq!(doc.meta.get("year"), Some("2020"));
//!
//! // A token borrows the original text; its span always points into `doc.text`.
//! let span = Span::new(0, 7);
//! let token = Token { text: TokenText::borrowed(span.slice(&doc.text)), span, position: 0 };
//! assert_eq!(token.text, "Workers");
//!
//! let normalised = NormalisedDoc {
//!     doc: &doc,
//!     sentences: vec![Span::new(0, doc.text.len())],
//!     tokens: vec![token],
//! };
//! assert_eq!(normalised.sentence_text(0), "Workers walked out.");
//!
//! // Counts merge commutatively.
//! #[derive(Debug, PartialEq)]
//! struct Count(u64);
//! impl Merge for Count {
//!     fn merge(&mut self, other: Self) { self.0 += other.0; }
//! }
//! let mut a = Count(2);
//! a.merge(Count(3));
//! assert_eq!(a, Count(5));
//! ```
//!
//! ## Why the design is so
//!
//! Documents carry an `ordinal`, their position in the input stream. Analysers may see
//! documents in any order (several threads, several shards, several machines); anything kept per
//! document is keyed by ordinal and sorted at the end, so a report never depends on scheduling.

/// Not part of the public API: the packed form of short token texts that the other wordmill
/// crates share for speed. It may change in any release.
#[doc(hidden)]
pub mod packed;
mod suggest;
/// Not part of the public API: eight-bytes-at-a-time helpers the other wordmill crates share.
/// It may change in any release.
#[doc(hidden)]
pub mod swar;
mod text;

pub use suggest::nearest;
pub use text::TokenText;

use serde::{Deserialize, Serialize};

/// A document's position in the input stream: the first document read is 0.
///
/// Ordinals give per-document outputs a total order that does not depend on how the work was
/// scheduled. They are assigned by the ingest stage, in input order.
pub type Ordinal = u64;

/// A half-open byte range `start..end` into a document's original text.
///
/// Spans produced by wordmill always lie on UTF-8 character boundaries.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end` (bytes, half-open).
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// Length in bytes.
    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The slice of `text` this span covers.
    ///
    /// # Panics
    ///
    /// Panics if the span is out of range or not on character boundaries of `text`; spans made
    /// by wordmill for that text never are.
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }

    /// True when `other` lies entirely inside this span.
    pub const fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Ordered key → value metadata of a document (JSON fields, CSV columns, groups of a file-path
/// regex). Keys keep the order in which they were inserted; inserting an existing key replaces
/// its value in place.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Metadata(Vec<(String, String)>);

impl Metadata {
    /// Empty metadata.
    pub const fn new() -> Self {
        Metadata(Vec::new())
    }

    /// Sets `key` to `value`, replacing an earlier value of the same key in place.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key, value)),
        }
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Pairs in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Keys in insertion order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when no key is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for Metadata {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut meta = Metadata::new();
        for (k, v) in iter {
            meta.insert(k, v);
        }
        meta
    }
}

/// One document: an id, its text and its metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Position in the input stream (see [`Ordinal`]).
    pub ordinal: Ordinal,
    /// The document's id: given by the input (an id field) or derived from its file path.
    pub id: String,
    /// The original text, after decoding to UTF-8 (never otherwise altered).
    pub text: String,
    /// Metadata, in the order the source gave it.
    pub meta: Metadata,
}

impl Document {
    /// A document from its parts.
    pub fn new(
        ordinal: Ordinal,
        id: impl Into<String>,
        text: impl Into<String>,
        meta: Metadata,
    ) -> Self {
        Document {
            ordinal,
            id: id.into(),
            text: text.into(),
            meta,
        }
    }
}

/// A token: its (possibly normalised) text, the byte span of the original text it came from, and
/// its position among the document's tokens.
///
/// `text` borrows the original text until a filter really changes it, and holds a changed
/// text of up to 15 bytes inline (lowercasing a word allocates nothing unless it is long); see
/// [`TokenText`]. Filters never change `span`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token text after normalisation.
    pub text: TokenText<'a>,
    /// Where the token stands in the original text.
    pub span: Span,
    /// Index of the token in the document's token stream, before any token was filtered out.
    pub position: u32,
}

/// A document after normalisation: its sentences (spans of the original text) and its tokens.
///
/// Sentiment reads sentences from the original text (case, punctuation and emoji matter to it);
/// term counting reads the normalised tokens.
#[derive(Debug, Clone)]
pub struct NormalisedDoc<'a> {
    /// The document itself.
    pub doc: &'a Document,
    /// Sentence spans into `doc.text`, in order, not overlapping.
    pub sentences: Vec<Span>,
    /// Tokens that survived the filters, in order.
    pub tokens: Vec<Token<'a>>,
}

impl<'a> NormalisedDoc<'a> {
    /// The original text of sentence `index`.
    ///
    /// # Panics
    ///
    /// Panics if `index` is out of range.
    pub fn sentence_text(&self, index: usize) -> &'a str {
        self.sentences[index].slice(&self.doc.text)
    }

    /// Gives back this document's token and sentence vectors, emptied and free of any borrow
    /// of the document, so that the next document can be normalised into them without
    /// allocating (see `Normaliser::normalise_with` in `wordmill-normalise`).
    ///
    /// ```
    /// use wordmill_model::{Document, Metadata, NormalisedDoc, Span};
    ///
    /// let doc = Document::new(0, "d", "One.", Metadata::new());
    /// let nd = NormalisedDoc { doc: &doc, sentences: vec![Span::new(0, 4)], tokens: Vec::new() };
    /// let buffers = nd.recycle();
    /// assert!(buffers.sentences.is_empty() && buffers.sentences.capacity() >= 1);
    /// ```
    // `filter_map` (not `filter`) is what changes the item type while collecting in place.
    #[allow(clippy::unnecessary_filter_map)]
    pub fn recycle(self) -> DocBuffers {
        let mut tokens = self.tokens;
        tokens.clear();
        let mut sentences = self.sentences;
        sentences.clear();
        DocBuffers {
            // An empty vector collected in place: the same allocation, with the lifetime of
            // the tokens no longer tied to the document.
            tokens: tokens.into_iter().filter_map(|_| None).collect(),
            sentences,
        }
    }
}

/// Empty vectors to normalise a document into, taken back from an earlier document with
/// [`NormalisedDoc::recycle`]; `DocBuffers::default()` has no allocation yet.
///
/// Whatever they hold when handed over is cleared first.
#[derive(Debug, Default)]
pub struct DocBuffers {
    /// Space for tokens.
    pub tokens: Vec<Token<'static>>,
    /// Space for sentence spans.
    pub sentences: Vec<Span>,
}

/// Partial analysis state that can absorb another one.
///
/// # Contract
///
/// `merge` must be associative and commutative in effect: merging the same set of partial
/// states in any grouping and any order gives states that finish to the same output. That is
/// what lets one implementation serve threads (rayon fold/reduce), shard files and cluster
/// partitions, with byte-identical reports.
pub trait Merge {
    /// Absorbs `other` into `self`.
    fn merge(&mut self, other: Self);
}

impl Merge for u64 {
    fn merge(&mut self, other: Self) {
        *self += other;
    }
}

impl<A: Merge, B: Merge> Merge for (A, B) {
    fn merge(&mut self, other: Self) {
        self.0.merge(other.0);
        self.1.merge(other.1);
    }
}

impl<T: Merge> Merge for Option<T> {
    fn merge(&mut self, other: Self) {
        match (self.as_mut(), other) {
            (Some(a), Some(b)) => a.merge(b),
            (None, Some(b)) => *self = Some(b),
            (_, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recycling_keeps_the_allocations() {
        let doc = Document::new(0, "d", "a b", Metadata::new());
        let mut tokens = Vec::with_capacity(100);
        tokens.push(Token {
            text: TokenText::borrowed(&doc.text[..1]),
            span: Span::new(0, 1),
            position: 0,
        });
        let ptr = tokens.as_ptr() as usize;
        let nd = NormalisedDoc {
            doc: &doc,
            sentences: Vec::with_capacity(10),
            tokens,
        };
        let buffers = nd.recycle();
        assert!(buffers.tokens.is_empty() && buffers.tokens.capacity() >= 100);
        assert_eq!(buffers.tokens.as_ptr() as usize, ptr);
        assert!(buffers.sentences.capacity() >= 10);
    }

    #[test]
    fn metadata_keeps_order_and_replaces_in_place() {
        let mut m = Metadata::new();
        m.insert("b", "1");
        m.insert("a", "2");
        m.insert("b", "3");
        assert_eq!(m.iter().collect::<Vec<_>>(), vec![("b", "3"), ("a", "2")]);
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn metadata_serialises_as_ordered_pairs() {
        let m: Metadata = [("year", "2020"), ("party", "d")].into_iter().collect();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"[["year","2020"],["party","d"]]"#);
        let back: Metadata = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }

    #[test]
    fn option_merge_takes_the_present_side() {
        let mut a: Option<u64> = None;
        a.merge(Some(2));
        a.merge(None);
        a.merge(Some(3));
        assert_eq!(a, Some(5));
    }

    #[test]
    fn span_slices_and_contains() {
        let s = Span::new(2, 5);
        assert_eq!(s.slice("abcdefg"), "cde");
        assert!(s.contains(Span::new(3, 5)));
        assert!(!s.contains(Span::new(1, 3)));
        assert_eq!(s.len(), 3);
    }
}

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

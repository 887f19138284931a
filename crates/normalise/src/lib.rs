//! # wordmill-normalise
//!
//! Turns a document's text into what analysers read: **sentences** (spans of the original
//! text, for sentiment, which needs case, punctuation and emoji) and **tokens** (normalised
//! words, for term counting), each token carrying the byte span of the original text it came
//! from.
//!
//! ## Overview
//!
//! - [`NormaliserConfig`] says what to do, as plain data: [`UnicodeForm`] (none, NFC, NFKC),
//!   lowercasing, the [`TokenizerKind`] (UAX #29 words or a regex pattern), [`Fold`] (tokens
//!   transliterated to ASCII), [`Aliases`] (variant → canonical forms, read from a file),
//!   [`StopWords`], `min_len`, an optional Snowball [`StemLanguage`], and whether to split
//!   sentences.
//! - [`Normaliser`] is that configuration compiled (pattern compiled, stop words loaded);
//!   build it once and share it between threads. [`Normaliser::normalise`] gives a
//!   [`NormalisedDoc`](wordmill_model::NormalisedDoc).
//! - Token filters are small [`TokenFilter`]s: [`StopWordFilter`], [`MinLenFilter`],
//!   [`StemFilter`]; usable alone.
//! - [`split_sentences`] is the sentence splitter, usable alone.
//! - [`builtin_stopwords`] and [`read_stopword_file`] give stop-word lists (and
//!   [`nearest_builtin_stopwords`] a likely meant name);
//!   [`is_python_word_char`] and [`is_python_whitespace`] are Python's character classes.
//!
//! ## Example
//!
//! ```
//! use wordmill_model::{Document, Metadata};
//! use wordmill_normalise::{Normaliser, NormaliserConfig, StemLanguage};
//!
//! let normaliser = Normaliser::new(NormaliserConfig {
//!     stem: Some(StemLanguage::English),
//!     ..NormaliserConfig::default()
//! })?;
//! let doc = Document::new(0, "minsk", "Workers walked out. İstanbul followed.", Metadata::new());
//! let out = normaliser.normalise(&doc);
//!
//! let words: Vec<&str> = out.tokens.iter().map(|t| t.text.as_ref()).collect();
//! assert_eq!(words, ["worker", "walk", "out", "i\u{307}stanbul", "follow"]);
//! // Spans point into the original text, whatever lowercasing did to the length.
//! assert_eq!(out.tokens[3].span.slice(&doc.text), "İstanbul");
//! assert_eq!(out.sentence_text(1), "İstanbul followed.");
//! # Ok::<(), wordmill_normalise::NormaliseError>(())
//! ```
//!
//! One name across scripts: folded to ASCII, then aliased, each token still pointing at the
//! spelling in the text.
//!
//! ```
//! use wordmill_normalise::{Aliases, Fold, Normaliser, NormaliserConfig};
//!
//! let normaliser = Normaliser::new(NormaliserConfig {
//!     fold: Fold::Ascii,
//!     aliases: Aliases::new([("Лукашэнка", "lukashenko"), ("Alexander Lukashenko", "lukashenko")]),
//!     ..NormaliserConfig::default()
//! })?;
//! let text = "Лукашенко, Лукашэнка, Alexander Lukashenko";
//! let tokens = normaliser.tokens(text);
//! let words: Vec<&str> = tokens.iter().map(|t| t.text.as_ref()).collect();
//! assert_eq!(words, ["lukashenko", "lukashenko", "lukashenko"]);
//! assert_eq!(tokens[1].span.slice(text), "Лукашэнка");
//! assert_eq!(tokens[2].span.slice(text), "Alexander Lukashenko");
//! # Ok::<(), wordmill_normalise::NormaliseError>(())
//! ```
//!
//! ## Semantics
//!
//! The order is scikit-learn's: Unicode normalisation and full lowercasing (Python
//! `str.lower()`: `İ` → `i̇`, a final `Σ` → `ς`) of the **whole** text, then tokenisation of the
//! transformed text, then (when configured) each token folded to ASCII ([`Fold::Ascii`], with
//! the `any_ascii` crate; ASCII tokens are left as they are) and the [`Aliases`] applied
//! (longest variant first, left to right, no overlap; a replaced phrase's tokens span the whole
//! matched text), then stop words, `min_len` and stemming, which all see the folded form. A
//! token's `position` is its index among all tokens before filtering (a canonical form's
//! tokens take the matched tokens' positions). Without `fold` and aliases, tokens are made and
//! filtered in one pass, as before they existed.
//!
//! [`TokenizerKind::Pattern`] uses Python's `re` meaning of `\w` (`str.isalnum()` or `_`;
//! combining marks and ZWJ are *not* word characters), and scikit-learn's default
//! `(?u)\b\w\w+\b` is recognised and run by hand: its tokens are exactly scikit-learn's
//! ([`NormaliserConfig::scikit_learn`]). Other patterns are compiled with the `regex` crate
//! after `\w`, `\W`, `\s`, `\S` (also inside `[...]`) are rewritten into explicit classes
//! generated from CPython 3.11's Unicode database. What still differs from Python:
//! - `\b` and `\B` keep the `regex` crate's meaning (Unicode word boundary by *its* `\w`,
//!   which includes combining marks and ZWJ), so `\b` next to such a character can differ;
//! - the syntax is the `regex` crate's: no look-around or back-references, and `[` inside a
//!   class opens a nested class;
//! - empty matches are not tokens.
//!
//! ## Why the design is so
//!
//! - **Spans into the original text**: reports show and highlight what the author wrote,
//!   and sentiment reads the original sentences; so normalisation keeps a map from offsets of
//!   the transformed text back to the original (a token inside a character that normalisation
//!   expanded or merged covers that whole character).
//! - **Allocate only for long changed text**: a token's text (a `TokenText`) borrows the
//!   document whenever it equals the original slice, and a short one (up to 15 bytes, almost
//!   every word) is held inline, packed as the stop-word set and a term table key it; so
//!   lowercasing allocates nothing for most words, and a term table need not pack the word
//!   again.
//! - **ASCII fast paths with proofs**: ASCII text needs no offset map and is tokenised by
//!   hand-written byte loops; property tests check them against `unicode-segmentation` and a
//!   naive statement of the rules. Non-ASCII stretches of a text go to the full algorithms.
//! - **Filters are small pieces** behind one trait, boxed in a chain built from the config.

mod aliases;
mod config;
mod error;
mod filter;
mod fold;
mod normaliser;
mod pattern;
mod pyclass;
mod sentences;
mod stem;
mod stopwords;
#[rustfmt::skip]
mod tables;
mod transform;
mod words;

pub use aliases::{Alias, Aliases};
pub use config::{Fold, NormaliserConfig, StopWords, TokenizerKind, UnicodeForm};
pub use error::NormaliseError;
pub use filter::{MinLenFilter, TokenFilter};
pub use normaliser::Normaliser;
pub use pyclass::{is_python_whitespace, is_python_word_char};
pub use sentences::{split_sentences, split_sentences_into};
pub use stem::{StemFilter, StemLanguage};
pub use stopwords::{
    StopWordFilter, builtin_stopword_names, builtin_stopwords, nearest_builtin_stopwords,
    read_stopword_file,
};

/// The `unicode-segmentation` crate whose word and sentence boundaries this crate reproduces,
/// re-exported so that benchmarks and tests can compare against exactly the same version.
pub use unicode_segmentation;

/// The Unicode version of the Python database behind [`is_python_word_char`] and the pattern
/// tokenisers' `\w` (`"14.0.0"`, from CPython 3.11).
pub const PYTHON_UNICODE_VERSION: &str = tables::PYTHON_UNICODE_VERSION;

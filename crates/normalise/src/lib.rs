//! # wordmill-normalise
//!
//! Turns text into the words an analysis counts: Unicode normalisation, full lowercasing,
//! UAX #29 word boundaries (or a regular expression with Python's `\w`), optional folding to
//! ASCII, aliases, stop words, a minimum length and Snowball stemming. For documents it also
//! gives **sentences** (spans of the original text, for sentiment, which needs case,
//! punctuation and emoji) and **tokens** that each carry the byte span of the original text
//! they came from.
//!
//! ```
//! use wordmill_normalise::Normaliser;
//!
//! let words = Normaliser::default().words("The Strike began in İstanbul, 2024.");
//! assert_eq!(words, ["the", "strike", "began", "in", "i\u{307}stanbul", "2024"]);
//! ```
//!
//! [`Normaliser::default()`] is NFC, lower case, UAX #29 words, no stop words, no stemming.
//! Build a normaliser once and reuse it: it is `Send + Sync`, and building one (compiling a
//! pattern, loading stop words) costs more than normalising a short text.
//!
//! ## Choosing what it does
//!
//! [`NormaliserConfig`] says what to do, as plain data with a setter for each field:
//!
//! | setting | type | default |
//! | --- | --- | --- |
//! | `unicode` | [`UnicodeForm`]: `None`, `Nfc`, `Nfkc` | `Nfc` |
//! | `lowercase` | `bool`, full Unicode lowercasing | `true` |
//! | `tokenizer` | [`TokenizerKind`]: `Words` (UAX #29) or `Pattern(regex)` (feature `pattern`) | `Words` |
//! | `stopwords` | [`StopWords`]: none, a built-in [`StopWordLanguage`], a list, or layers of them | none |
//! | `min_len` | `usize`, in characters | `1` |
//! | `stem` | `Option<StemLanguage>`, Snowball (feature `stem`) | `None` |
//! | `sentences` | `bool`, sentence spans in [`Normaliser::normalise`] | `true` |
//! | `fold` | [`Fold`]: `None` or `Ascii` (transliteration) | `None` |
//! | `aliases` | [`Aliases`]: variant → canonical forms | none |
//!
//! ```
//! use wordmill_normalise::{Normaliser, NormaliserConfig, StopWordLanguage, StopWords};
//!
//! let config = NormaliserConfig::default()
//!     .stopwords(StopWords::Builtin(StopWordLanguage::English))
//!     .min_len(2);
//! let normaliser = Normaliser::new(config)?;
//! assert_eq!(normaliser.words("The Strike began in İstanbul, 2024."), ["strike", "began", "i\u{307}stanbul", "2024"]);
//! # Ok::<(), wordmill_normalise::NormaliseError>(())
//! ```
//!
//! Language names are typed: [`StopWordLanguage`] and `StemLanguage` parse from the codes
//! and names configuration files use (`"en"`, `"english"`), and an unknown name is an error
//! that lists the accepted ones.
//!
//! ## Features
//!
//! | feature | default | what it adds | dependency |
//! | --- | --- | --- | --- |
//! | `pattern` | yes | `TokenizerKind::Pattern`, `NormaliserConfig::scikit_learn` | `regex` |
//! | `stem` | yes | `StemLanguage`, `NormaliserConfig::stem` | `rust-stemmers` |
//!
//! ## Documents, tokens and spans
//!
//! [`Normaliser::normalise`] turns a [`Document`] into a [`NormalisedDoc`]: its sentences and
//! its [`Token`]s, each with its text, its [`Span`] in the original text and its position
//! among all tokens before filtering. [`Normaliser::normalise_with`] and
//! [`Normaliser::tokens_into`] reuse buffers from one document to the next.
//! [`split_sentences`] is the sentence splitter alone.
//!
//! ```
//! # #[cfg(feature = "stem")] {
//! use wordmill_normalise::{Document, Metadata, Normaliser, NormaliserConfig, StemLanguage};
//!
//! let normaliser = Normaliser::new(NormaliserConfig::default().stem(StemLanguage::English))?;
//! let doc = Document::new(0, "minsk", "Workers walked out. İstanbul followed.", Metadata::new());
//! let out = normaliser.normalise(&doc);
//!
//! let words: Vec<&str> = out.tokens.iter().map(|t| t.text.as_ref()).collect();
//! assert_eq!(words, ["worker", "walk", "out", "i\u{307}stanbul", "follow"]);
//! // Spans point into the original text, whatever lowercasing did to the length.
//! assert_eq!(out.tokens[3].span.slice(&doc.text), "İstanbul");
//! assert_eq!(out.sentence_text(1), "İstanbul followed.");
//! # }
//! # Ok::<(), wordmill_normalise::NormaliseError>(())
//! ```
//!
//! One name across scripts: folded to ASCII, then aliased, each token still pointing at the
//! spelling in the text.
//!
//! ```
//! use wordmill_normalise::{Aliases, Fold, Normaliser, NormaliserConfig};
//!
//! let aliases = Aliases::new([("Лукашэнка", "lukashenko"), ("Alexander Lukashenko", "lukashenko")]);
//! let normaliser = Normaliser::new(NormaliserConfig::default().fold(Fold::Ascii).aliases(aliases))?;
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
//! `TokenizerKind::Pattern` (feature `pattern`) uses Python's `re` meaning of `\w`
//! (`str.isalnum()` or `_`; combining marks and ZWJ are *not* word characters), and
//! scikit-learn's default `(?u)\b\w\w+\b` is recognised and run by hand: its tokens are
//! exactly scikit-learn's (`NormaliserConfig::scikit_learn`). Other patterns are compiled with
//! the `regex` crate after `\w`, `\W`, `\s`, `\S` (also inside `[...]`) are rewritten into
//! explicit classes generated from CPython 3.11's Unicode database. What still differs from
//! Python:
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
//! - **Filters are small pieces** behind one internal trait, chained as the config says.

mod aliases;
mod config;
mod error;
mod filter;
mod fold;
mod normaliser;
mod packed_table;
#[cfg(feature = "pattern")]
mod pattern;
#[cfg(feature = "pattern")]
mod pyclass;
mod sentences;
#[cfg(feature = "stem")]
mod stem;
mod stopwords;
#[cfg(feature = "pattern")]
#[rustfmt::skip]
mod tables;
mod transform;
mod words;

pub use aliases::{Alias, Aliases};
pub use config::{Fold, NormaliserConfig, StopWords, TokenizerKind, UnicodeForm};
pub use error::NormaliseError;
pub use normaliser::Normaliser;
pub use sentences::{split_sentences, split_sentences_into};
#[cfg(feature = "stem")]
pub use stem::StemLanguage;
pub use stopwords::StopWordLanguage;

/// The document types of the lower-level API, from `wordmill-model`, so that this crate is
/// enough to use it.
pub use wordmill_model::{DocBuffers, Document, Metadata, NormalisedDoc, Span, Token, TokenText};

/// The Unicode version of the Python database behind the pattern tokenisers' `\w`, `\W`, `\s`
/// and `\S` (`"14.0.0"`, from CPython 3.11).
#[cfg(feature = "pattern")]
pub const PYTHON_UNICODE_VERSION: &str = tables::PYTHON_UNICODE_VERSION;

/// The examples of the crate's README, run as doc tests.
#[cfg(all(doctest, feature = "pattern", feature = "stem"))]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};
use wordmill_model::{Token, TokenText};

use crate::error::NormaliseError;
use crate::filter::TokenFilter;

/// A Snowball stemmer language (every algorithm `rust-stemmers` has).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
pub enum StemLanguage {
    Arabic,
    Danish,
    Dutch,
    English,
    Finnish,
    French,
    German,
    Greek,
    Hungarian,
    Italian,
    Norwegian,
    Portuguese,
    Romanian,
    Russian,
    Spanish,
    Swedish,
    Tamil,
    Turkish,
}

impl StemLanguage {
    /// Every language, in alphabetical order.
    pub const ALL: [StemLanguage; 18] = [
        StemLanguage::Arabic,
        StemLanguage::Danish,
        StemLanguage::Dutch,
        StemLanguage::English,
        StemLanguage::Finnish,
        StemLanguage::French,
        StemLanguage::German,
        StemLanguage::Greek,
        StemLanguage::Hungarian,
        StemLanguage::Italian,
        StemLanguage::Norwegian,
        StemLanguage::Portuguese,
        StemLanguage::Romanian,
        StemLanguage::Russian,
        StemLanguage::Spanish,
        StemLanguage::Swedish,
        StemLanguage::Tamil,
        StemLanguage::Turkish,
    ];

    /// The lower-case English name: `"english"`, `"russian"`, ….
    pub const fn name(self) -> &'static str {
        match self {
            StemLanguage::Arabic => "arabic",
            StemLanguage::Danish => "danish",
            StemLanguage::Dutch => "dutch",
            StemLanguage::English => "english",
            StemLanguage::Finnish => "finnish",
            StemLanguage::French => "french",
            StemLanguage::German => "german",
            StemLanguage::Greek => "greek",
            StemLanguage::Hungarian => "hungarian",
            StemLanguage::Italian => "italian",
            StemLanguage::Norwegian => "norwegian",
            StemLanguage::Portuguese => "portuguese",
            StemLanguage::Romanian => "romanian",
            StemLanguage::Russian => "russian",
            StemLanguage::Spanish => "spanish",
            StemLanguage::Swedish => "swedish",
            StemLanguage::Tamil => "tamil",
            StemLanguage::Turkish => "turkish",
        }
    }

    /// The ISO 639-1 code: `"en"`, `"ru"`, ….
    pub const fn code(self) -> &'static str {
        match self {
            StemLanguage::Arabic => "ar",
            StemLanguage::Danish => "da",
            StemLanguage::Dutch => "nl",
            StemLanguage::English => "en",
            StemLanguage::Finnish => "fi",
            StemLanguage::French => "fr",
            StemLanguage::German => "de",
            StemLanguage::Greek => "el",
            StemLanguage::Hungarian => "hu",
            StemLanguage::Italian => "it",
            StemLanguage::Norwegian => "no",
            StemLanguage::Portuguese => "pt",
            StemLanguage::Romanian => "ro",
            StemLanguage::Russian => "ru",
            StemLanguage::Spanish => "es",
            StemLanguage::Swedish => "sv",
            StemLanguage::Tamil => "ta",
            StemLanguage::Turkish => "tr",
        }
    }

    /// The language named `name` (its English name or ISO 639-1 code, any case).
    ///
    /// ```
    /// use wordmill_normalise::StemLanguage;
    /// assert_eq!(StemLanguage::from_name("english"), Some(StemLanguage::English));
    /// assert_eq!(StemLanguage::from_name("RU"), Some(StemLanguage::Russian));
    /// assert_eq!(StemLanguage::from_name("klingon"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        StemLanguage::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(name) || l.code().eq_ignore_ascii_case(name))
    }

    const fn algorithm(self) -> Algorithm {
        match self {
            StemLanguage::Arabic => Algorithm::Arabic,
            StemLanguage::Danish => Algorithm::Danish,
            StemLanguage::Dutch => Algorithm::Dutch,
            StemLanguage::English => Algorithm::English,
            StemLanguage::Finnish => Algorithm::Finnish,
            StemLanguage::French => Algorithm::French,
            StemLanguage::German => Algorithm::German,
            StemLanguage::Greek => Algorithm::Greek,
            StemLanguage::Hungarian => Algorithm::Hungarian,
            StemLanguage::Italian => Algorithm::Italian,
            StemLanguage::Norwegian => Algorithm::Norwegian,
            StemLanguage::Portuguese => Algorithm::Portuguese,
            StemLanguage::Romanian => Algorithm::Romanian,
            StemLanguage::Russian => Algorithm::Russian,
            StemLanguage::Spanish => Algorithm::Spanish,
            StemLanguage::Swedish => Algorithm::Swedish,
            StemLanguage::Tamil => Algorithm::Tamil,
            StemLanguage::Turkish => Algorithm::Turkish,
        }
    }
}

impl fmt::Display for StemLanguage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for StemLanguage {
    type Err = NormaliseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StemLanguage::from_name(s).ok_or_else(|| NormaliseError::UnknownStemLanguage {
            name: s.to_string(),
        })
    }
}

/// Replaces each token's text by its Snowball stem. Expects lower-case input.
///
/// The token stays borrowed when the stem equals its text or is a prefix of its borrowed
/// text; a changed short text is held inline (see [`TokenText`]).
///
/// ```
/// use wordmill_model::{Span, Token, TokenText};
/// use wordmill_normalise::{StemFilter, StemLanguage, TokenFilter};
///
/// let filter = StemFilter::new(StemLanguage::English);
/// let mut token = Token { text: TokenText::borrowed("walked"), span: Span::new(0, 6), position: 0 };
/// assert!(filter.apply(&mut token));
/// assert_eq!(token.text, "walk");
/// assert_eq!(token.span, Span::new(0, 6)); // filters never change spans
/// ```
pub struct StemFilter {
    language: StemLanguage,
    stemmer: Stemmer,
}

impl StemFilter {
    /// A stemmer for `language`.
    pub fn new(language: StemLanguage) -> Self {
        StemFilter {
            language,
            stemmer: Stemmer::create(language.algorithm()),
        }
    }

    /// Its language.
    pub fn language(&self) -> StemLanguage {
        self.language
    }

    /// The stem of one word.
    pub fn stem<'w>(&self, word: &'w str) -> Cow<'w, str> {
        self.stemmer.stem(word)
    }
}

impl fmt::Debug for StemFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StemFilter")
            .field("language", &self.language)
            .finish()
    }
}

impl TokenFilter for StemFilter {
    fn apply(&self, token: &mut Token<'_>) -> bool {
        let text = match self.stemmer.stem(&token.text) {
            Cow::Borrowed(s) if s.len() == token.text.len() => return true,
            Cow::Owned(s) if s == *token.text => return true,
            stemmed => match token.text.as_borrowed() {
                // Keep a borrow when the stem is a prefix of borrowed text.
                Some(b) if b.starts_with(&*stemmed) => TokenText::borrowed(&b[..stemmed.len()]),
                _ => match stemmed {
                    Cow::Borrowed(s) => TokenText::copied(s),
                    Cow::Owned(s) => TokenText::from(s),
                },
            },
        };
        token.text = text;
        true
    }
}

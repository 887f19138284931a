use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Serialize};
use wordmill_model::{Token, TokenText};

use crate::error::NormaliseError;
use crate::filter::TokenFilter;

/// A Snowball stemmer language.
///
/// Parsed from its English name or its ISO 639-1 code, in any case; shown and serialised as
/// its lower-case English name.
///
/// ```
/// use wordmill_normalise::StemLanguage;
///
/// assert_eq!("english".parse::<StemLanguage>()?, StemLanguage::English);
/// assert_eq!("RU".parse::<StemLanguage>()?, StemLanguage::Russian);
/// assert_eq!(StemLanguage::Russian.to_string(), "russian");
/// assert!("klingon".parse::<StemLanguage>().is_err());
/// # Ok::<(), wordmill_normalise::NormaliseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[allow(missing_docs)]
#[non_exhaustive]
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
    pub const ALL: &'static [StemLanguage] = &[
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
    fn from_name(name: &str) -> Option<Self> {
        let name = name.trim();
        StemLanguage::ALL
            .iter()
            .copied()
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

    /// An English name or an ISO 639-1 code, any case: `"english"`, `"RU"`, ….
    ///
    /// # Errors
    ///
    /// [`NormaliseError::UnknownStemLanguage`], which lists the accepted names.
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
pub(crate) struct StemFilter {
    language: StemLanguage,
    stemmer: Stemmer,
}

impl StemFilter {
    /// A stemmer for `language`.
    pub(crate) fn new(language: StemLanguage) -> Self {
        StemFilter {
            language,
            stemmer: Stemmer::create(language.algorithm()),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use wordmill_model::Span;

    #[test]
    fn stems_keep_the_span_and_borrow_a_prefix() {
        let filter = StemFilter::new(StemLanguage::English);
        let mut token = Token {
            text: TokenText::borrowed("walked"),
            span: Span::new(0, 6),
            position: 0,
        };
        assert!(filter.apply(&mut token));
        assert_eq!(token.text, "walk");
        assert_eq!(token.text.as_borrowed(), Some("walk"));
        assert_eq!(token.span, Span::new(0, 6));
    }

    #[test]
    fn languages_parse_from_names_and_codes() {
        for &language in StemLanguage::ALL {
            assert_eq!(language.name().parse::<StemLanguage>().unwrap(), language);
            assert_eq!(
                language
                    .code()
                    .to_uppercase()
                    .parse::<StemLanguage>()
                    .unwrap(),
                language
            );
            assert_eq!(language.to_string(), language.name());
        }
        let err = "klingon".parse::<StemLanguage>().unwrap_err().to_string();
        assert!(
            err.starts_with(
                "unknown stemmer language \"klingon\"; expected one of: arabic, danish,"
            ),
            "{err}"
        );
    }
}

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::aliases::Aliases;
use crate::error::NormaliseError;
#[cfg(feature = "stem")]
use crate::stem::StemLanguage;
use crate::stopwords::StopWordLanguage;

/// Whether tokens are transliterated after lower-casing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Fold {
    /// Tokens keep their script.
    #[default]
    None,
    /// Every token is transliterated to ASCII (Cyrillic, Greek, Latin with diacritics, …):
    /// `Лукашенко` → `lukashenko`, `Łukašenka` → `lukasenka`. ASCII tokens are left as they
    /// are.
    Ascii,
}

impl Fold {
    /// True for [`Fold::None`].
    pub fn is_none(&self) -> bool {
        *self == Fold::None
    }
}

/// Which Unicode normalisation form is applied to the whole text before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum UnicodeForm {
    /// Leave the text as it is (what scikit-learn does).
    None,
    /// Canonical composition: `e` + U+0301 becomes `é`.
    #[default]
    Nfc,
    /// Compatibility composition: also folds ligatures, full-width forms, `²` → `2`, ….
    Nfkc,
}

/// How the (transformed) text is cut into tokens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum TokenizerKind {
    /// UAX #29 word boundaries, keeping the words that contain a letter or digit.
    #[default]
    Words,
    /// Non-overlapping matches of a regular expression, with Python's meaning of `\w`
    /// (feature `pattern`).
    ///
    /// scikit-learn's default, `(?u)\b\w\w+\b`, is recognised and reproduced exactly. If the
    /// pattern has one capturing group, the group's text is the token (as in scikit-learn).
    #[cfg(feature = "pattern")]
    Pattern(String),
}

/// Which tokens are dropped as stop words (compared after the tokens' Unicode normalisation
/// and case folding, which the words go through too).
///
/// One list, or [`Layers`](StopWords::Layers) of them whose union is used: a built-in list
/// plus a file of extra words, say. [`StopWords::from_file`] and [`StopWords::layers`] build
/// the common cases.
///
/// ```
/// use wordmill_normalise::{StopWordLanguage, StopWords};
///
/// let en = StopWords::Builtin(StopWordLanguage::English);
/// let extra = StopWords::List(vec!["said".into(), "Mr".into()]);
/// let both = StopWords::layers([en.clone(), extra]);
/// let words = both.words();
/// assert!(words.iter().any(|w| w == "the") && words.iter().any(|w| w == "said"));
/// assert_eq!(words.len(), 318 + 2);
///
/// // One layer is that layer; no layer at all is no stop words.
/// assert_eq!(StopWords::layers([en.clone()]), en);
/// assert_eq!(StopWords::layers([]), StopWords::None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum StopWords {
    /// Keep every token.
    #[default]
    None,
    /// A list that ships with the crate.
    Builtin(StopWordLanguage),
    /// An explicit list, e.g. read by [`StopWords::from_file`].
    List(Vec<String>),
    /// Several lists: a token is dropped when any of them has it.
    Layers(Vec<StopWords>),
}

impl StopWords {
    /// The words of a stop-word file, read now, as a [`StopWords::List`]: one word a line,
    /// `#` comments (a whole line, or after whitespace at the end of a line) and blank lines
    /// ignored.
    ///
    /// ```
    /// use wordmill_normalise::StopWords;
    ///
    /// let path = std::env::temp_dir().join(format!("wordmill-doc-stop-{}.txt", std::process::id()));
    /// std::fs::write(&path, "# my list\nthe\n\nOf   # a trailing comment\n")?;
    /// assert_eq!(StopWords::from_file(&path)?, StopWords::List(vec!["the".into(), "Of".into()]));
    ///
    /// std::fs::write(&path, "the\ntwo words\n")?;
    /// let err = StopWords::from_file(&path).unwrap_err();
    /// assert!(err.to_string().ends_with(":2: expected one word per line, found \"two words\""));
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// The file cannot be read, or a line is not one word (the error names the file and line).
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<StopWords, NormaliseError> {
        crate::stopwords::read_stopword_file(path).map(StopWords::List)
    }

    /// The union of `layers`: nested layers are flattened and [`StopWords::None`] dropped, so
    /// no layer gives `None` and one layer gives that layer itself.
    pub fn layers(layers: impl IntoIterator<Item = StopWords>) -> StopWords {
        fn flatten(layer: StopWords, out: &mut Vec<StopWords>) {
            match layer {
                StopWords::None => {}
                StopWords::Layers(inner) => inner.into_iter().for_each(|l| flatten(l, out)),
                other => out.push(other),
            }
        }
        let mut out = Vec::new();
        layers.into_iter().for_each(|l| flatten(l, &mut out));
        match out.len() {
            0 => StopWords::None,
            1 => out.pop().unwrap_or_default(),
            _ => StopWords::Layers(out),
        }
    }

    /// Every word of every layer as given (before Unicode normalisation and case folding),
    /// each once, in layer order.
    pub fn words(&self) -> Vec<String> {
        fn collect(layer: &StopWords, seen: &mut HashSet<String>, out: &mut Vec<String>) {
            let mut add = |w: &str| {
                if seen.insert(w.to_string()) {
                    out.push(w.to_string());
                }
            };
            match layer {
                StopWords::None => {}
                StopWords::Builtin(language) => language.words().iter().for_each(|w| add(w)),
                StopWords::List(list) => list.iter().for_each(|w| add(w)),
                StopWords::Layers(layers) => {
                    for l in layers {
                        collect(l, seen, out);
                    }
                }
            }
        }
        let (mut seen, mut out) = (HashSet::new(), Vec::new());
        collect(self, &mut seen, &mut out);
        out
    }
}

/// Everything a [`Normaliser`](crate::Normaliser) does, as plain data.
///
/// Start from [`NormaliserConfig::default()`] (or `NormaliserConfig::scikit_learn()`) and
/// change what you need with the setters, each named after its field:
///
/// ```
/// use wordmill_normalise::{Fold, NormaliserConfig, StopWordLanguage, StopWords, UnicodeForm};
///
/// let config = NormaliserConfig::default()
///     .unicode(UnicodeForm::Nfkc)
///     .stopwords(StopWords::Builtin(StopWordLanguage::English))
///     .min_len(2)
///     .fold(Fold::Ascii);
/// assert_eq!(config.min_len, 2);
/// assert!(config.lowercase);
/// ```
///
/// The steps run in this order, as in scikit-learn: Unicode normalisation and lowercasing of
/// the whole text, tokenisation, then (when asked for) folding to ASCII and aliases, then the
/// token filters (stop words, `min_len`, stemming).
///
/// `fold` and `aliases` are left out of the serialised form when they are off, so the
/// serialisation of a configuration without them is what it was before they existed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct NormaliserConfig {
    /// Unicode normalisation form.
    pub unicode: UnicodeForm,
    /// Full Unicode lowercasing, like Python's `str.lower()`.
    pub lowercase: bool,
    /// The tokeniser.
    pub tokenizer: TokenizerKind,
    /// Stop words to drop.
    pub stopwords: StopWords,
    /// Tokens shorter than this many characters (code points) are dropped.
    pub min_len: usize,
    /// Snowball stemmer to apply last, if any (feature `stem`).
    #[cfg(feature = "stem")]
    pub stem: Option<StemLanguage>,
    /// Whether [`Normaliser::normalise`](crate::Normaliser::normalise) computes sentence
    /// spans.
    pub sentences: bool,
    /// Transliteration of each token, after lower-casing.
    #[serde(skip_serializing_if = "Fold::is_none")]
    pub fold: Fold,
    /// Variant → canonical forms, applied after folding, before the filters.
    #[serde(skip_serializing_if = "Aliases::is_empty")]
    pub aliases: Aliases,
}

impl Default for NormaliserConfig {
    /// NFC, lowercase, UAX #29 words, no stop words, `min_len` 1, no stemming, sentences on,
    /// no folding, no aliases.
    fn default() -> Self {
        NormaliserConfig {
            unicode: UnicodeForm::Nfc,
            lowercase: true,
            tokenizer: TokenizerKind::Words,
            stopwords: StopWords::None,
            min_len: 1,
            #[cfg(feature = "stem")]
            stem: None,
            sentences: true,
            fold: Fold::None,
            aliases: Aliases::default(),
        }
    }
}

impl NormaliserConfig {
    /// The configuration that reproduces scikit-learn's `CountVectorizer`/`TfidfVectorizer`
    /// tokens: no Unicode normalisation, lowercase, pattern `(?u)\b\w\w+\b` (feature
    /// `pattern`).
    ///
    /// ```
    /// use wordmill_normalise::{NormaliserConfig, TokenizerKind, UnicodeForm};
    /// let c = NormaliserConfig::scikit_learn();
    /// assert_eq!(c.unicode, UnicodeForm::None);
    /// assert_eq!(c.tokenizer, TokenizerKind::Pattern(r"(?u)\b\w\w+\b".into()));
    /// ```
    #[cfg(feature = "pattern")]
    pub fn scikit_learn() -> Self {
        NormaliserConfig::default()
            .unicode(UnicodeForm::None)
            .tokenizer(TokenizerKind::Pattern(
                crate::pattern::SKLEARN_PATTERN.to_string(),
            ))
    }

    /// Sets `unicode`: the Unicode normalisation form.
    #[must_use]
    pub fn unicode(mut self, form: UnicodeForm) -> Self {
        self.unicode = form;
        self
    }

    /// Sets `lowercase`: whether the text is lower-cased.
    #[must_use]
    pub fn lowercase(mut self, lowercase: bool) -> Self {
        self.lowercase = lowercase;
        self
    }

    /// Sets `tokenizer`: how the text is cut into tokens.
    #[must_use]
    pub fn tokenizer(mut self, tokenizer: TokenizerKind) -> Self {
        self.tokenizer = tokenizer;
        self
    }

    /// Sets `stopwords`: the stop words to drop.
    #[must_use]
    pub fn stopwords(mut self, stopwords: StopWords) -> Self {
        self.stopwords = stopwords;
        self
    }

    /// Sets `min_len`: tokens of fewer characters are dropped.
    #[must_use]
    pub fn min_len(mut self, min_len: usize) -> Self {
        self.min_len = min_len;
        self
    }

    /// Sets `stem`: a language (stem with it) or `None` (no stemming).
    ///
    /// ```
    /// use wordmill_normalise::{NormaliserConfig, StemLanguage};
    /// let config = NormaliserConfig::default().stem(StemLanguage::English);
    /// assert_eq!(config.stem, Some(StemLanguage::English));
    /// assert_eq!(config.stem(None).stem, None);
    /// ```
    #[cfg(feature = "stem")]
    #[must_use]
    pub fn stem(mut self, language: impl Into<Option<StemLanguage>>) -> Self {
        self.stem = language.into();
        self
    }

    /// Sets `sentences`: whether sentence spans are computed.
    #[must_use]
    pub fn sentences(mut self, sentences: bool) -> Self {
        self.sentences = sentences;
        self
    }

    /// Sets `fold`: the transliteration of each token.
    #[must_use]
    pub fn fold(mut self, fold: Fold) -> Self {
        self.fold = fold;
        self
    }

    /// Sets `aliases`: variant → canonical forms.
    #[must_use]
    pub fn aliases(mut self, aliases: Aliases) -> Self {
        self.aliases = aliases;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(words: &[&str]) -> StopWords {
        StopWords::List(words.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn layers_flatten_and_words_are_the_union_in_order() {
        let layered = StopWords::layers([
            list(&["b", "a"]),
            StopWords::None,
            StopWords::Layers(vec![list(&["a", "c"]), list(&[])]),
        ]);
        assert_eq!(
            layered,
            StopWords::Layers(vec![list(&["b", "a"]), list(&["a", "c"]), list(&[])])
        );
        assert_eq!(layered.words(), ["b", "a", "c"]);
        assert_eq!(StopWords::layers([StopWords::None]), StopWords::None);
        assert!(StopWords::None.words().is_empty());

        let ru = StopWords::layers([
            StopWords::Builtin(StopWordLanguage::Russian),
            list(&["и", "ещё-одно"]),
        ]);
        let words = ru.words();
        let builtin = StopWordLanguage::Russian.words();
        assert_eq!(words.len(), builtin.len() + 1, "`и` is in both layers");
        assert_eq!(words.last().map(String::as_str), Some("ещё-одно"));
    }

    #[test]
    fn builtin_lists_serialise_as_their_codes() {
        let en = StopWords::Builtin(StopWordLanguage::English);
        assert_eq!(serde_json::to_string(&en).unwrap(), r#"{"builtin":"en"}"#);
        let read: StopWords = serde_json::from_str(r#"{"builtin":"English"}"#).unwrap();
        assert_eq!(read, en);
    }

    #[test]
    fn setters_set_their_field_and_nothing_else() {
        let set = NormaliserConfig::default()
            .unicode(UnicodeForm::Nfkc)
            .lowercase(false)
            .tokenizer(TokenizerKind::Words)
            .stopwords(list(&["a"]))
            .min_len(3)
            .sentences(false)
            .fold(Fold::Ascii)
            .aliases(Aliases::new([("x", "y")]));
        let literal = NormaliserConfig {
            unicode: UnicodeForm::Nfkc,
            lowercase: false,
            tokenizer: TokenizerKind::Words,
            stopwords: list(&["a"]),
            min_len: 3,
            sentences: false,
            fold: Fold::Ascii,
            aliases: Aliases::new([("x", "y")]),
            ..NormaliserConfig::default()
        };
        assert_eq!(set, literal);
        #[cfg(feature = "stem")]
        {
            let stemmed = set.clone().stem(StemLanguage::German);
            assert_eq!(stemmed.stem, Some(StemLanguage::German));
            assert_eq!(stemmed.stem(None), set);
        }
    }

    /// The serialised form is part of the pipeline's fingerprint: it must not change.
    #[test]
    fn the_default_serialises_as_it_always_has() {
        let json = serde_json::to_string(&NormaliserConfig::default()).unwrap();
        let stem = if cfg!(feature = "stem") {
            r#""stem":null,"#
        } else {
            ""
        };
        assert_eq!(
            json,
            format!(
                r#"{{"unicode":"nfc","lowercase":true,"tokenizer":"words","stopwords":"none","min_len":1,{stem}"sentences":true}}"#
            )
        );
    }

    #[test]
    fn from_file_reads_a_list_and_names_a_bad_line() {
        let path = std::env::temp_dir().join(format!(
            "wordmill-stopwords-config-{}.txt",
            std::process::id()
        ));
        std::fs::write(&path, "\u{feff}# extra\nSaid\r\n\n  mr # title\n").unwrap();
        assert_eq!(StopWords::from_file(&path).unwrap(), list(&["Said", "mr"]));
        std::fs::write(&path, "said\nmr smith\n").unwrap();
        let err = StopWords::from_file(&path).unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "{}:2: expected one word per line, found \"mr smith\"",
                path.display()
            )
        );
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(
            StopWords::from_file(&path),
            Err(NormaliseError::Io { .. })
        ));
    }
}

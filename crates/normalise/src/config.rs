use serde::{Deserialize, Serialize};

use crate::stem::StemLanguage;

/// Which Unicode normalisation form is applied to the whole text before anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
pub enum TokenizerKind {
    /// UAX #29 word boundaries, keeping the words that contain a letter or digit.
    #[default]
    Words,
    /// Non-overlapping matches of a regular expression, with Python's meaning of `\w`.
    ///
    /// scikit-learn's default, `(?u)\b\w\w+\b`, is recognised and reproduced exactly. If the
    /// pattern has one capturing group, the group's text is the token (as in scikit-learn).
    Pattern(String),
}

/// Which tokens are dropped as stop words (compared after case folding).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StopWords {
    /// Keep every token.
    #[default]
    None,
    /// A list that ships with wordmill, by name (`"en"`, `"ru"`, …; see
    /// [`builtin_stopword_names`](crate::builtin_stopword_names)).
    Builtin(String),
    /// An explicit list, e.g. read by [`read_stopword_file`](crate::read_stopword_file).
    List(Vec<String>),
}

/// Everything a [`Normaliser`](crate::Normaliser) does, as plain data.
///
/// The steps run in this order, as in scikit-learn: Unicode normalisation and lowercasing of
/// the whole text, tokenisation, then the token filters (stop words, `min_len`, stemming).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
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
    /// Snowball stemmer to apply last, if any.
    pub stem: Option<StemLanguage>,
    /// Whether to compute sentence spans.
    pub sentences: bool,
}

impl Default for NormaliserConfig {
    /// NFC, lowercase, UAX #29 words, no stop words, `min_len` 1, no stemming, sentences on.
    fn default() -> Self {
        NormaliserConfig {
            unicode: UnicodeForm::Nfc,
            lowercase: true,
            tokenizer: TokenizerKind::Words,
            stopwords: StopWords::None,
            min_len: 1,
            stem: None,
            sentences: true,
        }
    }
}

impl NormaliserConfig {
    /// The configuration that reproduces scikit-learn's `CountVectorizer`/`TfidfVectorizer`
    /// tokens: no Unicode normalisation, lowercase, pattern `(?u)\b\w\w+\b`.
    ///
    /// ```
    /// use wordmill_normalise::{NormaliserConfig, TokenizerKind, UnicodeForm};
    /// let c = NormaliserConfig::scikit_learn();
    /// assert_eq!(c.unicode, UnicodeForm::None);
    /// assert_eq!(c.tokenizer, TokenizerKind::Pattern(r"(?u)\b\w\w+\b".into()));
    /// ```
    pub fn scikit_learn() -> Self {
        NormaliserConfig {
            unicode: UnicodeForm::None,
            lowercase: true,
            tokenizer: TokenizerKind::Pattern(crate::pattern::SKLEARN_PATTERN.to_string()),
            stopwords: StopWords::None,
            min_len: 1,
            stem: None,
            sentences: true,
        }
    }
}

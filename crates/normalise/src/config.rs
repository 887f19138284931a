use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::aliases::Aliases;
use crate::error::NormaliseError;

use crate::stem::StemLanguage;

/// Whether tokens are transliterated after lower-casing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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

/// Which tokens are dropped as stop words (compared after the tokens' Unicode normalisation
/// and case folding, which the words go through too).
///
/// One list, or [`Layers`](StopWords::Layers) of them whose union is used: a built-in list
/// plus a file of extra words, say. [`StopWords::builtin`], [`StopWords::from_file`] and
/// [`StopWords::layers`] build the common cases.
///
/// ```
/// use wordmill_normalise::StopWords;
///
/// let en = StopWords::builtin("en");
/// let extra = StopWords::List(vec!["said".into(), "Mr".into()]);
/// let both = StopWords::layers([en.clone(), extra]);
/// let words = both.words()?;
/// assert!(words.iter().any(|w| w == "the") && words.iter().any(|w| w == "said"));
/// assert_eq!(words.len(), 318 + 2);
///
/// // One layer is that layer; no layer at all is no stop words.
/// assert_eq!(StopWords::layers([en.clone()]), en);
/// assert_eq!(StopWords::layers([]), StopWords::None);
/// assert!(StopWords::builtin("xx").words().is_err());
/// # Ok::<(), wordmill_normalise::NormaliseError>(())
/// ```
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
    /// Several lists: a token is dropped when any of them has it.
    Layers(Vec<StopWords>),
}

impl StopWords {
    /// The built-in list called `name` (`"en"`, `"english"`, …). An unknown name is reported
    /// when the words are asked for ([`words`](Self::words), [`Normaliser::new`](crate::Normaliser::new)).
    pub fn builtin(name: impl Into<String>) -> StopWords {
        StopWords::Builtin(name.into())
    }

    /// The words of a stop-word file ([`read_stopword_file`](crate::read_stopword_file)), read
    /// now: one word a line, `#` comments and blank lines ignored.
    ///
    /// # Errors
    ///
    /// The file cannot be read, or a line is not one word (the error names the file and line).
    pub fn from_file(path: impl AsRef<std::path::Path>) -> Result<StopWords, NormaliseError> {
        crate::read_stopword_file(path).map(StopWords::List)
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
    ///
    /// # Errors
    ///
    /// [`NormaliseError::UnknownStopWords`] for a built-in list that does not exist.
    pub fn words(&self) -> Result<Vec<String>, NormaliseError> {
        fn collect(
            layer: &StopWords,
            seen: &mut HashSet<String>,
            out: &mut Vec<String>,
        ) -> Result<(), NormaliseError> {
            let mut add = |w: &str| {
                if seen.insert(w.to_string()) {
                    out.push(w.to_string());
                }
            };
            match layer {
                StopWords::None => {}
                StopWords::Builtin(name) => crate::builtin_stopwords(name)
                    .ok_or_else(|| NormaliseError::UnknownStopWords { name: name.clone() })?
                    .iter()
                    .for_each(|w| add(w)),
                StopWords::List(list) => list.iter().for_each(|w| add(w)),
                StopWords::Layers(layers) => {
                    for l in layers {
                        collect(l, seen, out)?;
                    }
                }
            }
            Ok(())
        }
        let (mut seen, mut out) = (HashSet::new(), Vec::new());
        collect(self, &mut seen, &mut out)?;
        Ok(out)
    }
}

/// Everything a [`Normaliser`](crate::Normaliser) does, as plain data.
///
/// The steps run in this order, as in scikit-learn: Unicode normalisation and lowercasing of
/// the whole text, tokenisation, then (when asked for) folding to ASCII and aliases, then the
/// token filters (stop words, `min_len`, stemming).
///
/// `fold` and `aliases` are left out of the serialised form when they are off, so the
/// serialisation of a configuration without them is what it was before they existed.
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
            stem: None,
            sentences: true,
            fold: Fold::None,
            aliases: Aliases::default(),
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
            fold: Fold::None,
            aliases: Aliases::default(),
        }
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
        assert_eq!(layered.words().unwrap(), ["b", "a", "c"]);
        assert_eq!(StopWords::layers([StopWords::None]), StopWords::None);
        assert!(StopWords::None.words().unwrap().is_empty());

        let ru = StopWords::layers([StopWords::builtin("russian"), list(&["и", "ещё-одно"])]);
        let words = ru.words().unwrap();
        let builtin = crate::builtin_stopwords("ru").unwrap();
        assert_eq!(words.len(), builtin.len() + 1, "`и` is in both layers");
        assert_eq!(words.last().map(String::as_str), Some("ещё-одно"));
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

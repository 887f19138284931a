//! Sentiment lexicons: the built-in VADER word and emoji lexicons, lexicon files in either the
//! VADER or the `word<TAB>score` (AFINN-style) format, and their errors.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::text::is_py_space;

/// The VADER lexicon shipped with vaderSentiment 3.3.2 (MIT, see `data/vader/LICENSE`).
const VADER_LEXICON: &str = include_str!("../../data/vader/vader_lexicon.txt");
/// The VADER emoji lexicon shipped with vaderSentiment 3.3.2 (MIT).
const VADER_EMOJI: &str = include_str!("../../data/vader/emoji_utf8_lexicon.txt");

/// An error while loading a lexicon.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SentimentError {
    /// The lexicon file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// A line of a lexicon file is not `word<TAB>score` (or VADER's
    /// `word<TAB>mean<TAB>sd<TAB>ratings`).
    #[error(
        "{origin}:{line}: expected word<TAB>score (or word<TAB>mean<TAB>sd<TAB>ratings), found {found:?}"
    )]
    Malformed {
        /// The file (or the name given to [`Lexicon::parse`]).
        origin: String,
        /// 1-based line number.
        line: usize,
        /// The offending line, stripped.
        found: String,
    },
    /// A valence is a number, but too large for sums of scores to stay finite.
    #[error(
        "{origin}:{line}: valence {found} of {word:?} is outside [-{MAX_VALENCE}, {MAX_VALENCE}] (VADER's scale is -4 to 4)"
    )]
    Valence {
        /// The file (or the name given to [`Lexicon::parse`]).
        origin: String,
        /// 1-based line number.
        line: usize,
        /// The word.
        word: String,
        /// Its valence, as written.
        found: String,
    },
}

/// The largest valence magnitude a lexicon may give: far beyond every published scale (VADER
/// -4..4, AFINN -5..5), and small enough that no sum over a text can overflow.
pub const MAX_VALENCE: f64 = 1000.0;

/// The two line formats a lexicon file may use; detected per file from its first entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `word<TAB>mean<TAB>sd<TAB>ratings` (three or more fields).
    Vader,
    /// `word<TAB>score` (exactly two fields).
    WordScore,
}

/// A word → valence lexicon.
///
/// Keys are case-sensitive and are looked up with the lower-cased token, as vaderSentiment
/// does. Cloning is cheap (the table is shared until modified).
///
/// ```
/// use wordmill_analyse::Lexicon;
///
/// let vader = Lexicon::vader();
/// assert_eq!(vader.get("good"), Some(1.9));
/// assert_eq!(vader.get("lol"), Some(1.8)); // the later of two duplicate lines wins
///
/// let mut custom = Lexicon::parse("strike\t-1.5\nlol\t0.5\n", "custom.tsv").unwrap();
/// let mut both = vader.clone();
/// both.extend(&custom);
/// assert_eq!(both.get("strike"), Some(-1.5));
/// assert_eq!(both.get("lol"), Some(0.5));
/// custom.insert("good", 0.0);
/// assert_eq!(custom.len(), 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lexicon {
    words: Arc<HashMap<String, f64>>,
}

impl Lexicon {
    /// An empty lexicon.
    pub fn new() -> Self {
        Lexicon::default()
    }

    /// The built-in VADER lexicon (vaderSentiment 3.3.2's `vader_lexicon.txt`), parsed once.
    pub fn vader() -> Self {
        static VADER: OnceLock<Lexicon> = OnceLock::new();
        VADER
            .get_or_init(|| {
                Lexicon::parse(VADER_LEXICON, "vader_lexicon.txt")
                    .expect("the built-in VADER lexicon is well formed")
            })
            .clone()
    }

    /// Reads a lexicon file in either format (see [`Lexicon::parse`]).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, SentimentError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| SentimentError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Lexicon::parse(&text, &path.display().to_string())
    }

    /// Parses lexicon text; `origin` names it in errors.
    ///
    /// The rules are vaderSentiment's: split on `\n`, strip each line (Python whitespace, so
    /// `\r` goes), skip empty lines, split on TAB, take the first field as the word and the
    /// second as its valence; a later line for the same word replaces an earlier one. The
    /// format is detected from the first entry: three or more fields is VADER's
    /// `word<TAB>mean<TAB>sd<TAB>ratings`, two is `word<TAB>score`; in a `word<TAB>score` file
    /// every line must have exactly two fields.
    pub fn parse(text: &str, origin: &str) -> Result<Self, SentimentError> {
        let mut words = HashMap::new();
        let mut format = None;
        for (index, raw) in text.split('\n').enumerate() {
            let line = raw.trim_matches(is_py_space);
            if line.is_empty() {
                continue;
            }
            let malformed = || SentimentError::Malformed {
                origin: origin.to_string(),
                line: index + 1,
                found: line.to_string(),
            };
            let mut fields = line.split('\t');
            let word = fields.next().unwrap_or_default();
            let score = fields.next().ok_or_else(malformed)?;
            let rest = fields.count();
            let this = if rest == 0 {
                Format::WordScore
            } else {
                Format::Vader
            };
            let format = *format.get_or_insert(this);
            if format == Format::WordScore && this != Format::WordScore {
                return Err(malformed());
            }
            let value: f64 = score
                .trim_matches(is_py_space)
                .parse()
                .map_err(|_| malformed())?;
            if word.is_empty() || !value.is_finite() {
                return Err(malformed());
            }
            if value.abs() > MAX_VALENCE {
                return Err(SentimentError::Valence {
                    origin: origin.to_string(),
                    line: index + 1,
                    word: word.to_string(),
                    found: score.trim_matches(is_py_space).to_string(),
                });
            }
            words.insert(word.to_string(), value);
        }
        Ok(Lexicon {
            words: Arc::new(words),
        })
    }

    /// Adds every entry of `other`; entries of `other` override entries of `self`.
    pub fn extend(&mut self, other: &Lexicon) {
        let words = Arc::make_mut(&mut self.words);
        for (w, v) in other.words.iter() {
            words.insert(w.clone(), *v);
        }
    }

    /// Sets the valence of `word` (case-sensitive key). The valence is bounded as a lexicon
    /// file's is: clamped to ±[`MAX_VALENCE`], and NaN counts as 0, so scores stay finite.
    pub fn insert(&mut self, word: impl Into<String>, valence: f64) {
        let valence = if valence.is_nan() {
            0.0
        } else {
            valence.clamp(-MAX_VALENCE, MAX_VALENCE)
        };
        Arc::make_mut(&mut self.words).insert(word.into(), valence);
    }

    /// The valence of `word` (an exact, case-sensitive key).
    pub fn get(&self, word: &str) -> Option<f64> {
        self.words.get(word).copied()
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when the lexicon has no entry.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The entries, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.words.iter().map(|(w, v)| (w.as_str(), *v))
    }
}

/// An emoji → English description lexicon (`emoji<TAB>description` lines).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmojiLexicon {
    entries: Arc<HashMap<String, String>>,
}

impl EmojiLexicon {
    /// The built-in VADER emoji lexicon (vaderSentiment 3.3.2's `emoji_utf8_lexicon.txt`).
    pub fn vader() -> Self {
        static EMOJI: OnceLock<EmojiLexicon> = OnceLock::new();
        EMOJI
            .get_or_init(|| {
                EmojiLexicon::parse(VADER_EMOJI, "emoji_utf8_lexicon.txt")
                    .expect("the built-in emoji lexicon is well formed")
            })
            .clone()
    }

    /// Parses `emoji<TAB>description` lines with the same line rules as [`Lexicon::parse`];
    /// later lines win.
    pub fn parse(text: &str, origin: &str) -> Result<Self, SentimentError> {
        let mut entries = HashMap::new();
        for (index, raw) in text.split('\n').enumerate() {
            let line = raw.trim_matches(is_py_space);
            if line.is_empty() {
                continue;
            }
            let mut fields = line.split('\t');
            let key = fields.next().unwrap_or_default();
            let Some(desc) = fields.next() else {
                return Err(SentimentError::Malformed {
                    origin: origin.to_string(),
                    line: index + 1,
                    found: line.to_string(),
                });
            };
            entries.insert(key.to_string(), desc.to_string());
        }
        Ok(EmojiLexicon {
            entries: Arc::new(entries),
        })
    }

    /// The description of `emoji`, if it is a key.
    pub fn get(&self, emoji: &str) -> Option<&str> {
        self.entries.get(emoji).map(String::as_str)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vader_lexicon_has_every_entry_and_later_duplicates_win() {
        let lex = Lexicon::vader();
        // 7,520 lines, 14 of them duplicates.
        assert_eq!(lex.len(), 7520 - 14);
        assert_eq!(lex.get("lol"), Some(1.8));
        assert_eq!(lex.get("ok"), Some(1.2));
        assert_eq!(lex.get("no"), Some(-1.2));
        assert!(lex.get(":-Þ").is_some());
    }

    #[test]
    fn emoji_lexicon_has_every_entry() {
        let e = EmojiLexicon::vader();
        assert_eq!(e.len(), 3570);
        assert_eq!(e.get("😀"), Some("grinning face"));
    }

    #[test]
    fn word_score_format_and_errors_name_file_and_line() {
        let lex = Lexicon::parse("a\t1\r\n\r\nb\t-2.5\r\nb\t3\r\n", "x.tsv").unwrap();
        assert_eq!(lex.get("b"), Some(3.0));
        let err = Lexicon::parse("a\t1\nb 2\n", "x.tsv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.tsv:2: expected word<TAB>score (or word<TAB>mean<TAB>sd<TAB>ratings), found \"b 2\""
        );
        let err = Lexicon::parse("a\t1\nb\t2\t0.5\t[1]\n", "x.tsv").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("x.tsv:2: expected word<TAB>score")
        );
        let err = Lexicon::parse("a\tone\t0.5\t[1]\n", "v.txt").unwrap_err();
        assert!(err.to_string().starts_with("v.txt:1: "));
    }

    #[test]
    fn extend_overrides() {
        let mut a = Lexicon::parse("x\t1\ny\t2", "a").unwrap();
        let b = Lexicon::parse("y\t-1\tz\tq", "b").unwrap();
        a.extend(&b);
        assert_eq!(a.get("x"), Some(1.0));
        assert_eq!(a.get("y"), Some(-1.0));
    }
}

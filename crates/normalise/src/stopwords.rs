use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wordmill_model::Token;

use crate::error::NormaliseError;
use crate::filter::TokenFilter;
use crate::packed_table::PackedTable;

/// A stop-word list that ships with the crate, by language.
///
/// Parsed from its code or its English name, in any case (`"en"`, `"English"`), as
/// configuration files write it; shown and serialised as its code. English is scikit-learn's
/// `ENGLISH_STOP_WORDS` (318 words); the others come from the `stop-words` package. Every list
/// is lower case and NFC; provenance and licences are in the crate's
/// `data/stopwords/README.md`.
///
/// ```
/// use wordmill_normalise::StopWordLanguage;
///
/// let en: StopWordLanguage = "English".parse()?;
/// assert_eq!(en, StopWordLanguage::English);
/// assert_eq!(en.code(), "en");
/// assert_eq!(en.words().len(), 318);
/// assert!(StopWordLanguage::Russian.words().contains(&"и"));
///
/// let err = "eng".parse::<StopWordLanguage>().unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "unknown stop-word list \"eng\"; expected one of: en, ru, de, fr, es (did you mean \"en\"?)"
/// );
/// # Ok::<(), wordmill_normalise::NormaliseError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StopWordLanguage {
    /// English (`"en"`, `"english"`).
    English,
    /// Russian (`"ru"`, `"russian"`).
    Russian,
    /// German (`"de"`, `"german"`).
    German,
    /// French (`"fr"`, `"french"`).
    French,
    /// Spanish (`"es"`, `"spanish"`).
    Spanish,
}

/// A built-in list's text (one word a line) and its words, split once.
struct Builtin {
    text: &'static str,
    words: OnceLock<Vec<&'static str>>,
}

static ENGLISH: Builtin = Builtin::new(include_str!("../data/stopwords/en.txt"));
static RUSSIAN: Builtin = Builtin::new(include_str!("../data/stopwords/ru.txt"));
static GERMAN: Builtin = Builtin::new(include_str!("../data/stopwords/de.txt"));
static FRENCH: Builtin = Builtin::new(include_str!("../data/stopwords/fr.txt"));
static SPANISH: Builtin = Builtin::new(include_str!("../data/stopwords/es.txt"));

impl Builtin {
    const fn new(text: &'static str) -> Builtin {
        Builtin {
            text,
            words: OnceLock::new(),
        }
    }
}

impl StopWordLanguage {
    /// Every language with a built-in list, in the order error messages list them
    /// (`en, ru, de, fr, es`).
    pub const ALL: &'static [StopWordLanguage] = &[
        StopWordLanguage::English,
        StopWordLanguage::Russian,
        StopWordLanguage::German,
        StopWordLanguage::French,
        StopWordLanguage::Spanish,
    ];

    /// The ISO 639-1 code: `"en"`, `"ru"`, …; the list's canonical name.
    pub const fn code(self) -> &'static str {
        match self {
            StopWordLanguage::English => "en",
            StopWordLanguage::Russian => "ru",
            StopWordLanguage::German => "de",
            StopWordLanguage::French => "fr",
            StopWordLanguage::Spanish => "es",
        }
    }

    /// The lower-case English name: `"english"`, `"russian"`, ….
    pub const fn name(self) -> &'static str {
        match self {
            StopWordLanguage::English => "english",
            StopWordLanguage::Russian => "russian",
            StopWordLanguage::German => "german",
            StopWordLanguage::French => "french",
            StopWordLanguage::Spanish => "spanish",
        }
    }

    /// The words of the list, lower case and NFC, in file order.
    pub fn words(self) -> &'static [&'static str] {
        let builtin = match self {
            StopWordLanguage::English => &ENGLISH,
            StopWordLanguage::Russian => &RUSSIAN,
            StopWordLanguage::German => &GERMAN,
            StopWordLanguage::French => &FRENCH,
            StopWordLanguage::Spanish => &SPANISH,
        };
        builtin.words.get_or_init(|| {
            builtin
                .text
                .lines()
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .collect()
        })
    }

    /// The language whose code or English name is `name` (any case, surrounding whitespace
    /// ignored).
    fn from_name(name: &str) -> Option<StopWordLanguage> {
        let name = name.trim();
        StopWordLanguage::ALL
            .iter()
            .copied()
            .find(|l| l.code().eq_ignore_ascii_case(name) || l.name().eq_ignore_ascii_case(name))
    }

    /// The code or English name that `name` is probably a typo of: at most one edit in three
    /// characters away (and at least one edit, any case), keeping at least one character of it.
    fn nearest(name: &str) -> Option<&'static str> {
        let name = name.trim().to_lowercase();
        let candidates: Vec<&'static str> = StopWordLanguage::ALL
            .iter()
            .flat_map(|l| [l.code(), l.name()])
            .collect();
        wordmill_model::nearest(&name, &candidates)
    }
}

impl fmt::Display for StopWordLanguage {
    /// The code: `en`, `ru`, ….
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for StopWordLanguage {
    type Err = NormaliseError;

    /// A code or an English name, any case: `"en"`, `"English"`, `"RU"`, ….
    ///
    /// # Errors
    ///
    /// [`NormaliseError::UnknownStopWords`], which lists the accepted codes and names the one
    /// `s` is probably a typo of, if any.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        StopWordLanguage::from_name(s).ok_or_else(|| NormaliseError::UnknownStopWords {
            name: s.to_string(),
            nearest: StopWordLanguage::nearest(s),
        })
    }
}

impl Serialize for StopWordLanguage {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for StopWordLanguage {
    /// Whatever [`FromStr`] accepts.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// Reads a stop-word file: one word a line; blank lines and `#` comments (a whole line, or
/// after whitespace at the end of a line) are ignored; a byte-order mark is skipped.
///
/// Errors say `file:line:` and what was expected.
pub(crate) fn read_stopword_file(path: impl AsRef<Path>) -> Result<Vec<String>, NormaliseError> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| NormaliseError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let mut words = Vec::new();
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line_no = index + 1;
        let error = |message: String| NormaliseError::StopWordFile {
            path: path.to_path_buf(),
            line: line_no,
            message,
        };
        let line =
            std::str::from_utf8(line).map_err(|e| error(format!("expected UTF-8 text: {e}")))?;
        let line = if index == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        let content = strip_comment(line).trim();
        if content.is_empty() {
            continue;
        }
        if content.chars().any(char::is_whitespace) {
            return Err(error(format!(
                "expected one word per line, found {content:?}"
            )));
        }
        words.push(content.to_string());
    }
    Ok(words)
}

/// `line` without a `#` comment: a `#` at the start of the line or after whitespace.
fn strip_comment(line: &str) -> &str {
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        if c == '#' && prev_space {
            return &line[..i];
        }
        prev_space = c.is_whitespace();
    }
    line
}

/// Drops tokens whose text is in a set of stop words.
///
/// The words are compared to the token text exactly as given, so give them in the same case
/// and Unicode form as the tokens ([`Normaliser`](crate::Normaliser) does that).
#[derive(Debug, Clone, Default)]
pub(crate) struct StopWordFilter {
    words: HashSet<String>,
    max_len: usize,
    /// The words of at most [`PACKED_MAX`] bytes, packed (see [`pack`]).
    packed: PackedTable,
    /// Whether the empty word is a stop word (it packs to 0, the empty-slot marker).
    has_empty: bool,
}

pub(crate) use wordmill_model::packed::pack;

/// The packed form (see [`pack`]) of a packed ASCII word in lower case, and whether it had an
/// upper-case letter. Every byte must be ASCII (the length byte is, at most 15).
#[inline]
pub(crate) fn ascii_lowercase_packed(key: u128) -> (u128, bool) {
    const ONES: u128 = u128::MAX / 0xff; // 0x0101…01
    // With every byte below 0x80, adding these sets a byte's top bit exactly when the byte is
    // at least b'A', resp. greater than b'Z'; no addition carries into the next byte.
    let ge_a = key.wrapping_add(ONES * u128::from(0x80 - b'A'));
    let gt_z = key.wrapping_add(ONES * u128::from(0x80 - b'Z' - 1));
    let upper = ge_a & !gt_z & (ONES * 0x80);
    (key | (upper >> 2), upper != 0)
}

impl StopWordFilter {
    /// A filter dropping exactly these words.
    pub(crate) fn new<I, S>(words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let words: HashSet<String> = words.into_iter().map(Into::into).collect();
        let max_len = words.iter().map(String::len).max().unwrap_or(0);
        let mut has_empty = false;
        let mut keys = Vec::with_capacity(words.len());
        for w in &words {
            match pack(w.as_bytes()) {
                Some(0) => has_empty = true,
                Some(key) => keys.push(key),
                None => {}
            }
        }
        let packed = PackedTable::new(&keys);
        StopWordFilter {
            words,
            max_len,
            packed,
            has_empty,
        }
    }

    /// True when `word` is a stop word.
    #[inline]
    pub(crate) fn contains(&self, word: &str) -> bool {
        if word.len() > self.max_len {
            return false;
        }
        match pack(word.as_bytes()) {
            Some(key) => self.contains_packed(key),
            None => self.words.contains(word),
        }
    }

    /// True when the word packed as `key` (see [`pack`]) is a stop word.
    #[inline(always)]
    pub(crate) fn contains_packed(&self, key: u128) -> bool {
        if key == 0 {
            return self.has_empty;
        }
        if (key >> 120) as usize > self.max_len {
            return false;
        }
        self.packed.find(key).is_some()
    }

    /// Number of distinct stop words.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }
}

impl TokenFilter for StopWordFilter {
    #[inline]
    fn apply(&self, token: &mut Token<'_>) -> bool {
        !self.contains(&token.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_list_loads_and_is_clean() {
        for &language in StopWordLanguage::ALL {
            let words = language.words();
            assert!(words.len() > 100, "{language}");
            for w in words {
                assert_eq!(w.trim(), *w, "{language}: {w:?}");
                assert_eq!(w.to_lowercase(), *w, "{language}: {w:?}");
            }
        }
        assert_eq!(StopWordLanguage::English.words().len(), 318);
        assert!(StopWordLanguage::English.words().contains(&"the"));
        assert!(StopWordLanguage::Russian.words().contains(&"не"));
        assert!(StopWordLanguage::German.words().contains(&"und"));
    }

    #[test]
    fn languages_parse_from_codes_and_names_in_any_case() {
        let codes: Vec<&str> = StopWordLanguage::ALL.iter().map(|l| l.code()).collect();
        assert_eq!(codes, ["en", "ru", "de", "fr", "es"]);
        for &language in StopWordLanguage::ALL {
            for spelling in [
                language.code().to_string(),
                language.name().to_string(),
                language.code().to_uppercase(),
                format!(" {} ", language.name().to_uppercase()),
            ] {
                assert_eq!(spelling.parse::<StopWordLanguage>().unwrap(), language);
            }
            assert_eq!(language.to_string(), language.code());
        }
        assert_eq!(
            "Russian".parse::<StopWordLanguage>().unwrap(),
            StopWordLanguage::Russian
        );
    }

    #[test]
    fn an_unknown_language_names_the_choices_and_a_likely_one() {
        let err = |name: &str| name.parse::<StopWordLanguage>().unwrap_err();
        assert_eq!(
            err("xx").to_string(),
            "unknown stop-word list \"xx\"; expected one of: en, ru, de, fr, es"
        );
        assert!(matches!(
            err("xx"),
            NormaliseError::UnknownStopWords { name, nearest: None } if name == "xx"
        ));
        let nearest = |name: &str| match err(name) {
            NormaliseError::UnknownStopWords { nearest, .. } => nearest,
            other => panic!("{other}"),
        };
        assert_eq!(nearest("eng"), Some("en"));
        assert_eq!(nearest("Englsh"), Some("english"));
        assert_eq!(nearest("italian"), None);
        assert_eq!(
            err("Englsh").to_string(),
            "unknown stop-word list \"Englsh\"; expected one of: en, ru, de, fr, es (did you mean \"english\"?)"
        );
    }

    #[test]
    fn languages_serialise_as_their_codes_and_read_any_spelling() {
        let json = serde_json::to_string(&StopWordLanguage::German).unwrap();
        assert_eq!(json, "\"de\"");
        let read: StopWordLanguage = serde_json::from_str("\"German\"").unwrap();
        assert_eq!(read, StopWordLanguage::German);
        let err = serde_json::from_str::<StopWordLanguage>("\"xx\"").unwrap_err();
        assert!(err.to_string().contains("expected one of: en, ru"), "{err}");
    }

    #[test]
    fn read_stopword_file_skips_comments_and_names_a_bad_line() {
        let path = std::env::temp_dir().join(format!(
            "wordmill-stopwords-file-{}.txt",
            std::process::id()
        ));
        std::fs::write(&path, "# my list\nthe\n\nOf   # a trailing comment\n").unwrap();
        assert_eq!(read_stopword_file(&path).unwrap(), ["the", "Of"]);
        std::fs::write(&path, "the\ntwo words\n").unwrap();
        let err = read_stopword_file(&path).unwrap_err().to_string();
        assert!(
            err.ends_with(":2: expected one word per line, found \"two words\""),
            "{err}"
        );
        std::fs::remove_file(&path).unwrap();
    }

    #[test]
    fn the_filter_drops_its_words() {
        use wordmill_model::{Span, TokenText};
        let filter = StopWordFilter::new(["the", "of"]);
        let mut the = Token {
            text: TokenText::borrowed("the"),
            span: Span::new(0, 3),
            position: 0,
        };
        let mut war = Token {
            text: TokenText::borrowed("war"),
            span: Span::new(4, 7),
            position: 1,
        };
        assert!(!filter.apply(&mut the));
        assert!(filter.apply(&mut war));
        assert_eq!(filter.len(), 2);
    }

    #[test]
    fn packed_lookup_agrees_with_the_set() {
        let words = [
            "",
            "a",
            "ab",
            "ab\0",
            "the",
            "fifteen_bytes__",
            "sixteen_bytes___",
            "москва",
            "a-much-longer-stop-word",
        ];
        let filter = StopWordFilter::new(words);
        for w in words {
            assert!(filter.contains(w), "{w:?}");
        }
        for w in [
            "b",
            "ab\0\0",
            "th",
            "thee",
            "fifteen_bytes_",
            "sixteen_bytes__",
            "москв",
        ] {
            assert!(!filter.contains(w), "{w:?}");
        }
        let en = StopWordFilter::new(StopWordLanguage::English.words().iter().copied());
        for w in StopWordLanguage::English.words() {
            assert!(en.contains(w));
            assert!(!en.contains(&format!("{w}qq")));
        }
        assert!(!en.contains(""));
        assert!(!StopWordFilter::default().contains("a"));
    }

    #[test]
    fn packed_lowercasing_is_ascii_lowercasing() {
        let all: Vec<u8> = (0u8..0x80).collect();
        for chunk in all.chunks(7).chain(all.windows(15)) {
            let key = pack(chunk).unwrap();
            let (lower, changed) = ascii_lowercase_packed(key);
            assert_eq!(
                lower,
                pack(&chunk.to_ascii_lowercase()).unwrap(),
                "{chunk:?}"
            );
            assert_eq!(changed, chunk.iter().any(u8::is_ascii_uppercase));
        }
    }

    #[test]
    fn comments_need_whitespace_before_the_hash() {
        assert_eq!(strip_comment("c#"), "c#");
        assert_eq!(strip_comment("c # x"), "c ");
        assert_eq!(strip_comment("# x"), "");
    }
}

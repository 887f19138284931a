use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use wordmill_model::Token;

use crate::error::NormaliseError;
use crate::filter::TokenFilter;

/// A built-in list: its canonical name, other names it answers to, and its text (one word a
/// line). Provenance and licences are in `data/stopwords/README.md`.
struct Builtin {
    name: &'static str,
    aliases: &'static [&'static str],
    text: &'static str,
    words: OnceLock<Vec<&'static str>>,
}

static BUILTINS: [Builtin; 5] = [
    Builtin {
        name: "en",
        aliases: &["english"],
        text: include_str!("../data/stopwords/en.txt"),
        words: OnceLock::new(),
    },
    Builtin {
        name: "ru",
        aliases: &["russian"],
        text: include_str!("../data/stopwords/ru.txt"),
        words: OnceLock::new(),
    },
    Builtin {
        name: "de",
        aliases: &["german"],
        text: include_str!("../data/stopwords/de.txt"),
        words: OnceLock::new(),
    },
    Builtin {
        name: "fr",
        aliases: &["french"],
        text: include_str!("../data/stopwords/fr.txt"),
        words: OnceLock::new(),
    },
    Builtin {
        name: "es",
        aliases: &["spanish"],
        text: include_str!("../data/stopwords/es.txt"),
        words: OnceLock::new(),
    },
];

/// The canonical names of the built-in stop-word lists: `["en", "ru", "de", "fr", "es"]`.
///
/// Each also answers to its English name (`"english"`, `"russian"`, …).
pub fn builtin_stopword_names() -> Vec<&'static str> {
    BUILTINS.iter().map(|b| b.name).collect()
}

/// The built-in stop-word list called `name` (`"en"` or `"english"`, any case), if there is one.
///
/// English is scikit-learn's `ENGLISH_STOP_WORDS` (318 words); the others come from the
/// `stop-words` package. All are lower case and NFC.
///
/// ```
/// use wordmill_normalise::builtin_stopwords;
/// let en = builtin_stopwords("en").unwrap();
/// assert_eq!(en.len(), 318);
/// assert!(en.contains(&"the"));
/// assert!(builtin_stopwords("Russian").unwrap().contains(&"и"));
/// assert!(builtin_stopwords("xx").is_none());
/// ```
pub fn builtin_stopwords(name: &str) -> Option<&'static [&'static str]> {
    let name = name.trim();
    let builtin = BUILTINS.iter().find(|b| {
        b.name.eq_ignore_ascii_case(name) || b.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
    })?;
    let words = builtin.words.get_or_init(|| {
        builtin
            .text
            .lines()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .collect()
    });
    Some(words.as_slice())
}

/// The name of a built-in list (canonical, or an English alias such as `"english"`) that
/// `name` is probably a typo of: at most one edit in three characters away (and at least one
/// edit, any case), keeping at least one character of it.
///
/// ```
/// use wordmill_normalise::nearest_builtin_stopwords;
/// assert_eq!(nearest_builtin_stopwords("eng"), Some("en"));
/// assert_eq!(nearest_builtin_stopwords("Englsh"), Some("english"));
/// assert_eq!(nearest_builtin_stopwords("xx"), None); // two edits from every two-letter name
/// assert_eq!(nearest_builtin_stopwords("italian"), None);
/// ```
pub fn nearest_builtin_stopwords(name: &str) -> Option<&'static str> {
    let name = name.trim().to_lowercase();
    let candidates: Vec<&'static str> = BUILTINS
        .iter()
        .flat_map(|b| std::iter::once(b.name).chain(b.aliases.iter().copied()))
        .collect();
    wordmill_model::nearest(&name, &candidates)
}

/// Reads a stop-word file: one word a line; blank lines and `#` comments (a whole line, or
/// after whitespace at the end of a line) are ignored.
///
/// Errors say `file:line:` and what was expected.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let path = std::env::temp_dir().join(format!("wordmill-doc-stop-{}.txt", std::process::id()));
/// std::fs::write(&path, "# my list\nthe\n\nOf   # a trailing comment\n")?;
/// let words = wordmill_normalise::read_stopword_file(&path)?;
/// assert_eq!(words, ["the", "Of"]);
///
/// std::fs::write(&path, "the\ntwo words\n")?;
/// let err = wordmill_normalise::read_stopword_file(&path).unwrap_err();
/// assert!(err.to_string().ends_with(":2: expected one word per line, found \"two words\""));
/// # std::fs::remove_file(&path)?;
/// # Ok(()) }
/// ```
pub fn read_stopword_file(path: impl AsRef<Path>) -> Result<Vec<String>, NormaliseError> {
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
/// and Unicode form as the tokens ([`Normaliser`](crate::Normaliser) does that for you).
///
/// ```
/// use wordmill_model::{Span, Token, TokenText};
/// use wordmill_normalise::{StopWordFilter, TokenFilter};
///
/// let filter = StopWordFilter::new(["the", "of"]);
/// let mut the = Token { text: TokenText::borrowed("the"), span: Span::new(0, 3), position: 0 };
/// let mut war = Token { text: TokenText::borrowed("war"), span: Span::new(4, 7), position: 1 };
/// assert!(!filter.apply(&mut the));
/// assert!(filter.apply(&mut war));
/// assert_eq!(filter.len(), 2);
/// ```
#[derive(Debug, Clone, Default)]
pub struct StopWordFilter {
    words: HashSet<String>,
    max_len: usize,
    /// The words of at most [`PACKED_MAX`] bytes, packed (see [`pack`]), in an open-addressing
    /// table of a power-of-two size; 0 marks an empty slot. Looking a token up costs one
    /// multiplication and a walk over `tags`, where the `HashSet` costs a SipHash of the token.
    packed: Box<[u128]>,
    /// One byte per slot of `packed`: 0 for an empty slot, otherwise 8 bits of the word's hash
    /// (never 0). A probe reads these and compares a 16-byte key only when they match, so a
    /// token that is not a stop word (most of them) touches a few bytes of an array that stays
    /// in the L1 cache (2 KB for a list of 300–500 words) rather than a 32 KB key array.
    tags: Box<[u8]>,
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

/// The home slot (`& mask`) and the tag (1..=255) of a packed key.
#[inline]
fn slot_of(key: u128, mask: usize) -> (usize, u8) {
    let folded = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
    let h = folded.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    ((h >> 32) as usize & mask, ((h >> 56) as u8).max(1))
}

impl StopWordFilter {
    /// A filter dropping exactly these words.
    pub fn new<I, S>(words: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let words: HashSet<String> = words.into_iter().map(Into::into).collect();
        let max_len = words.iter().map(String::len).max().unwrap_or(0);
        let size = (words.len() * 4).next_power_of_two().max(16);
        let mut packed = vec![0u128; size].into_boxed_slice();
        let mut tags = vec![0u8; size].into_boxed_slice();
        let mut has_empty = false;
        for w in &words {
            match pack(w.as_bytes()) {
                Some(0) => has_empty = true,
                Some(key) => {
                    let (mut i, tag) = slot_of(key, size - 1);
                    while tags[i] != 0 {
                        i = (i + 1) & (size - 1);
                    }
                    packed[i] = key;
                    tags[i] = tag;
                }
                None => {}
            }
        }
        StopWordFilter {
            words,
            max_len,
            packed,
            tags,
            has_empty,
        }
    }

    /// True when `word` is a stop word.
    #[inline]
    pub fn contains(&self, word: &str) -> bool {
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
        if self.tags.is_empty() || (key >> 120) as usize > self.max_len {
            return false;
        }
        let mask = self.tags.len() - 1;
        let (mut i, tag) = slot_of(key, mask);
        loop {
            match self.tags[i] {
                0 => return false,
                t if t == tag && self.packed[i] == key => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Number of distinct stop words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// True when there is no stop word.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
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
        for name in builtin_stopword_names() {
            let words = builtin_stopwords(name).unwrap();
            assert!(words.len() > 100, "{name}");
            for w in words {
                assert_eq!(w.trim(), *w, "{name}: {w:?}");
                assert_eq!(w.to_lowercase(), *w, "{name}: {w:?}");
            }
        }
        assert!(builtin_stopwords("ENGLISH").is_some());
        assert!(builtin_stopwords("ru").unwrap().contains(&"не"));
        assert!(builtin_stopwords("de").unwrap().contains(&"und"));
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
        let en = StopWordFilter::new(builtin_stopwords("en").unwrap().iter().copied());
        for w in builtin_stopwords("en").unwrap() {
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

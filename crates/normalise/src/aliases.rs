//! Alias tables: variant spellings mapped to one canonical form, read from a tab-separated
//! file and matched against the (folded) token stream, longest variant first.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use wordmill_model::packed::pack;
use wordmill_model::{Span, Token, TokenText};

use crate::error::NormaliseError;
use crate::packed_table::PackedTable;

/// One line of an alias file: a variant and the canonical form it stands for, each a word or
/// a phrase of several words, as written (they are normalised like the text when a
/// [`Normaliser`](crate::Normaliser) is built).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Alias {
    /// The spelling to replace.
    pub variant: String,
    /// What it is replaced by.
    pub canonical: String,
    /// The 1-based line of the file it came from (0 when it did not come from a file). Not
    /// part of the configuration's identity: a comment added to the file does not change it.
    #[serde(skip)]
    pub line: usize,
}

/// Variant → canonical pairs ([`NormaliserConfig::aliases`](crate::NormaliserConfig::aliases)),
/// usually read from a file by [`Aliases::from_file`].
///
/// Serialised as its pairs alone, so that a configuration's fingerprint changes with the
/// contents of the file but not with its path, its comments or its line numbers.
///
/// ```
/// use wordmill_normalise::Aliases;
///
/// let path = std::env::temp_dir().join(format!("wordmill-aliases-doc-{}.tsv", std::process::id()));
/// std::fs::write(&path, "# spellings of the capital\nМинск\tminsk\nMiensk\tminsk\n")?;
/// let aliases = Aliases::from_file(&path)?;
/// assert_eq!(aliases.len(), 2);
/// assert_eq!(aliases.pairs()[0].variant, "Минск");
/// assert_eq!(aliases.pairs()[1].line, 3);
///
/// std::fs::write(&path, "Minsk minsk\n")?;
/// let err = Aliases::from_file(&path).unwrap_err().to_string();
/// assert!(err.ends_with(":1: expected `variant<TAB>canonical`, found no tab in \"Minsk minsk\""), "{err}");
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Aliases {
    pairs: Vec<Alias>,
    /// The file the pairs were read from, for error messages.
    #[serde(skip)]
    source: Option<PathBuf>,
}

impl Aliases {
    /// Pairs given in code: `(variant, canonical)`.
    pub fn new<V: Into<String>, C: Into<String>>(pairs: impl IntoIterator<Item = (V, C)>) -> Self {
        Aliases {
            pairs: pairs
                .into_iter()
                .map(|(v, c)| Alias {
                    variant: v.into(),
                    canonical: c.into(),
                    line: 0,
                })
                .collect(),
            source: None,
        }
    }

    /// Reads an alias file: UTF-8, one `variant<TAB>canonical` pair a line, each side a word
    /// or a phrase of words separated by spaces; a line whose first non-blank character is `#`
    /// is a comment, blank lines are ignored, and spaces around either side are trimmed.
    ///
    /// # Errors
    ///
    /// [`NormaliseError::AliasIo`] when the file cannot be read, and
    /// [`NormaliseError::AliasFile`] (`FILE:LINE: what was expected`) for a line that is not
    /// UTF-8, has no tab or more than one, has an empty side, or gives a variant already given
    /// with another canonical form.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Aliases, NormaliseError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| NormaliseError::AliasIo {
            path: path.to_path_buf(),
            source,
        })?;
        let mut pairs: Vec<Alias> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
            let line_no = index + 1;
            let error = |message: String| NormaliseError::AliasFile {
                path: path.to_path_buf(),
                line: line_no,
                message,
            };
            let line = std::str::from_utf8(line)
                .map_err(|e| error(format!("expected UTF-8 text: {e}")))?;
            let line = if index == 0 {
                line.strip_prefix('\u{feff}').unwrap_or(line)
            } else {
                line
            };
            let line = line.strip_suffix('\r').unwrap_or(line);
            let content = line.trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let sides: Vec<&str> = line.split('\t').collect();
            let (variant, canonical) = match sides[..] {
                [v, c] => (collapse(v), collapse(c)),
                [_] | [] => {
                    return Err(error(format!(
                        "expected `variant<TAB>canonical`, found no tab in {content:?}"
                    )));
                }
                _ => {
                    return Err(error(format!(
                        "expected `variant<TAB>canonical` with one tab, found {} tabs in {content:?}",
                        line.matches('\t').count()
                    )));
                }
            };
            if variant.is_empty() || canonical.is_empty() {
                let side = if variant.is_empty() {
                    "variant"
                } else {
                    "canonical form"
                };
                return Err(error(format!(
                    "expected `variant<TAB>canonical`, found an empty {side} in {content:?}"
                )));
            }
            if let Some(&earlier) = seen.get(&variant) {
                let before = &pairs[earlier];
                if before.canonical != canonical {
                    return Err(error(format!(
                        "expected each variant once, found {variant:?} → {canonical:?}, but line {} has {variant:?} → {:?}",
                        before.line, before.canonical
                    )));
                }
                continue;
            }
            seen.insert(variant.clone(), pairs.len());
            pairs.push(Alias {
                variant,
                canonical,
                line: line_no,
            });
        }
        Ok(Aliases {
            pairs,
            source: Some(path.to_path_buf()),
        })
    }

    /// The pairs, in file order (a repeated identical line kept once).
    pub fn pairs(&self) -> &[Alias] {
        &self.pairs
    }

    /// The file the pairs were read from, if any.
    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// True when there is no pair (no alias is applied).
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }
}

/// `s` trimmed, with each run of whitespace inside it one space.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One variant, after normalisation: the words after its first (with their packed keys, when
/// they pack), and what it becomes.
#[derive(Debug, Clone)]
struct Entry {
    rest: Box<[(Box<str>, Option<u128>)]>,
    canonical: Box<[Box<str>]>,
}

/// Aliases compiled for matching: the normalised variants by their first word, longest first.
/// A first word of up to 15 bytes is found by its packed key ([`pack`]), after a filter by
/// first byte and length that rules out most tokens without any lookup.
#[derive(Debug, Clone, Default)]
pub(crate) struct AliasMatcher {
    /// The first words that pack, and at each of their slots there, their variants.
    keys: PackedTable,
    by_slot: Box<[Vec<Entry>]>,
    by_text: HashMap<Box<str>, Vec<Entry>>,
    /// For each first byte, the lengths (bit `n` for `n` bytes, bit 31 for 31 or more) of
    /// the first words that begin with it.
    lens: Vec<u32>,
}

/// How many words follow the first in the longest of `entries` (sorted longest first).
fn longest_rest_of(entries: &[Entry]) -> usize {
    entries.first().map_or(0, |e| e.rest.len())
}

/// The bit of a length in [`AliasMatcher::lens`].
fn len_bit(len: usize) -> u32 {
    1 << len.min(31)
}

impl AliasMatcher {
    /// Compiles `aliases`, each side already cut into normalised words by `words`. Two lines
    /// whose variants normalise alike with different canonical forms are an error at the
    /// later line; so is a side with no word left.
    pub(crate) fn new(
        aliases: &Aliases,
        mut words: impl FnMut(&str) -> Vec<String>,
    ) -> Result<AliasMatcher, NormaliseError> {
        let path = aliases.source.clone().unwrap_or_default();
        let mut by_first: HashMap<Box<str>, Vec<Entry>> = HashMap::new();
        let mut lines: HashMap<Vec<String>, (usize, Vec<String>, String)> = HashMap::new();
        for alias in &aliases.pairs {
            let error = |message: String| NormaliseError::AliasFile {
                path: path.clone(),
                line: alias.line,
                message,
            };
            let variant = words(&alias.variant);
            let canonical = words(&alias.canonical);
            for (side, got, text) in [
                ("variant", &variant, &alias.variant),
                ("canonical form", &canonical, &alias.canonical),
            ] {
                if got.is_empty() {
                    return Err(error(format!(
                        "expected a {side} with at least one word, found {text:?}, which the tokenizer keeps nothing of"
                    )));
                }
            }
            if let Some((line, earlier, written)) = lines.get(&variant) {
                if *earlier != canonical {
                    return Err(error(format!(
                        "expected each variant once after normalisation, found {:?} ({}) → {:?}, but line {line} has {written:?} → {:?}",
                        alias.variant,
                        variant.join(" "),
                        canonical.join(" "),
                        earlier.join(" ")
                    )));
                }
                continue;
            }
            lines.insert(
                variant.clone(),
                (alias.line, canonical.clone(), alias.variant.clone()),
            );
            let mut parts = variant.into_iter();
            let Some(first) = parts.next() else {
                continue;
            };
            by_first.entry(first.into()).or_default().push(Entry {
                rest: parts
                    .map(|w| {
                        let key = pack(w.as_bytes());
                        (w.into_boxed_str(), key)
                    })
                    .collect(),
                canonical: canonical.into_iter().map(Into::into).collect(),
            });
        }
        let mut matcher = AliasMatcher {
            lens: vec![0; 256],
            ..AliasMatcher::default()
        };
        let mut by_key = Vec::new();
        for (first, mut entries) in by_first {
            // Longest first; equal lengths in file order (they differ, so at most one matches).
            entries.sort_by_key(|e| std::cmp::Reverse(e.rest.len()));
            if let Some(&b) = first.as_bytes().first() {
                matcher.lens[usize::from(b)] |= len_bit(first.len());
            }
            // A side with no word is refused above, so no first word is empty (packs to 0).
            match pack(first.as_bytes()) {
                Some(key) => by_key.push((key, entries)),
                None => {
                    matcher.by_text.insert(first, entries);
                }
            };
        }
        let keys: Vec<u128> = by_key.iter().map(|(key, _)| *key).collect();
        matcher.keys = PackedTable::new(&keys);
        let mut by_slot = vec![Vec::new(); matcher.keys.slots()];
        for (key, entries) in by_key {
            if let Some(slot) = matcher.keys.find(key) {
                by_slot[slot] = entries;
            }
        }
        matcher.by_slot = by_slot.into_boxed_slice();
        Ok(matcher)
    }

    /// Whether a word whose first byte is `first` and whose length is `len` bytes may begin a
    /// variant: false rules it out, true asks [`longest_rest`](Self::longest_rest).
    #[inline]
    pub(crate) fn may_start(&self, first: u8, len: usize) -> bool {
        len != 0 && self.lens[usize::from(first)] & len_bit(len) != 0
    }

    /// How many words follow the first in the longest variant that begins with `text`;
    /// `None` when no variant begins with it.
    #[inline]
    pub(crate) fn longest_rest(&self, text: &TokenText<'_>) -> Option<usize> {
        self.entries(text).map(longest_rest_of)
    }

    /// The variants whose first word is `text`, longest first.
    #[inline]
    fn entries(&self, text: &TokenText<'_>) -> Option<&[Entry]> {
        let key = text.packed_key();
        let (len, first) = match key {
            Some(k) => ((k >> 120) as usize, k as u8),
            None => (text.len(), *text.as_bytes().first()?),
        };
        if len == 0 || self.lens[usize::from(first)] & len_bit(len) == 0 {
            return None;
        }
        match key {
            Some(k) => self.packed_entries(k),
            None => self.by_text.get(text.as_str()).map(Vec::as_slice),
        }
    }

    /// The variants whose first word is the packed `key` (not 0), longest first.
    #[inline]
    fn packed_entries(&self, key: u128) -> Option<&[Entry]> {
        let slot = self.keys.find(key)?;
        self.by_slot.get(slot).map(Vec::as_slice)
    }

    /// [`longest_rest`](Self::longest_rest) of the word packed as `key`, which must be a word
    /// of at most 15 bytes (a longer one does not pack).
    #[inline]
    pub(crate) fn longest_rest_packed(&self, key: u128) -> Option<usize> {
        if !self.may_start(key as u8, (key >> 120) as usize) {
            return None;
        }
        self.packed_entries(key).map(longest_rest_of)
    }

    /// Replaces, in `tokens[from..]`, every variant by its canonical form: left to right, the
    /// longest variant at each token first, matches never overlapping, and a canonical form
    /// never matched again. The tokens of a canonical form each span the whole matched text
    /// (first matched token's start to last one's end); the canonical form's `i`-th token
    /// takes the position of the `i`-th matched token (the last one's when the canonical form
    /// is longer), so positions never decrease.
    #[cfg(test)]
    pub(crate) fn apply(&self, tokens: &mut Vec<Token<'_>>, from: usize) {
        self.apply_keeping(tokens, from, &mut |_| true);
    }

    /// Replaces variants as `apply` does, keeping only the tokens (matched or made) `keep` accepts,
    /// in the same pass.
    pub(crate) fn apply_keeping<'a>(
        &self,
        tokens: &mut Vec<Token<'a>>,
        from: usize,
        keep: &mut dyn FnMut(&mut Token<'a>) -> bool,
    ) {
        let (mut read, mut write) = (from, from);
        while read < tokens.len() {
            let found = self.entries(&tokens[read].text).and_then(|entries| {
                entries.iter().find(|e| {
                    let after = &tokens[read + 1..];
                    after.len() >= e.rest.len()
                        && e.rest.iter().zip(after).all(|((w, key), t)| {
                            match (key, t.text.packed_key()) {
                                (Some(a), Some(b)) => *a == b,
                                (Some(_), None) => false,
                                (None, _) => **w == *t.text.as_str(),
                            }
                        })
                })
            });
            let Some(entry) = found else {
                if keep(&mut tokens[read]) {
                    tokens.swap(write, read);
                    write += 1;
                }
                read += 1;
                continue;
            };
            let k = entry.rest.len() + 1;
            let m = entry.canonical.len();
            let span = Span::new(tokens[read].span.start, tokens[read + k - 1].span.end);
            let positions: Vec<u32> = (0..m)
                .map(|i| tokens[read + i.min(k - 1)].position)
                .collect();
            // Room for a canonical form longer than what it replaces: the free slots behind
            // `read`, and more inserted when they are too few (rare: a phrase for a word).
            let free = read - write + k;
            if m > free {
                let filler = tokens[read].clone();
                let extra = m - free;
                tokens.splice(read..read, std::iter::repeat_n(filler, extra));
                read += extra;
            }
            for (i, word) in entry.canonical.iter().enumerate() {
                let mut token = Token {
                    text: TokenText::copied(word),
                    span,
                    position: positions[i],
                };
                if keep(&mut token) {
                    tokens[write] = token;
                    write += 1;
                }
            }
            read += k;
        }
        tokens.truncate(write);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, content: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!(
            "wordmill-aliases-{name}-{}.tsv",
            std::process::id()
        ));
        std::fs::write(&path, content).unwrap();
        path
    }

    fn error_of(name: &str, content: &str) -> String {
        let path = temp(name, content);
        let err = Aliases::from_file(&path).unwrap_err();
        let text = err.to_string();
        std::fs::remove_file(&path).unwrap();
        let prefix = format!("{}:", path.display());
        assert!(text.starts_with(&prefix), "{text}");
        text[prefix.len()..].to_string()
    }

    #[test]
    fn a_good_file_gives_its_pairs_in_order() {
        let path = temp(
            "good",
            "\u{feff}# header\n\nЛукашенко\tlukashenko\r\n  # indented comment\n\
             Alexander  Lukashenko \t lukashenko\nЛукашенко\tlukashenko\nminsk city\tminsk\n",
        );
        let aliases = Aliases::from_file(&path).unwrap();
        std::fs::remove_file(&path).unwrap();
        let got: Vec<(&str, &str, usize)> = aliases
            .pairs()
            .iter()
            .map(|a| (a.variant.as_str(), a.canonical.as_str(), a.line))
            .collect();
        assert_eq!(
            got,
            [
                ("Лукашенко", "lukashenko", 3),
                ("Alexander Lukashenko", "lukashenko", 5),
                ("minsk city", "minsk", 7),
            ]
        );
        assert_eq!(aliases.source(), Some(path.as_path()));
    }

    #[test]
    fn each_bad_line_is_an_error_at_its_line() {
        assert_eq!(
            error_of("notab", "# c\nminsk\tminsk\nhrodna grodno\n"),
            "3: expected `variant<TAB>canonical`, found no tab in \"hrodna grodno\""
        );
        assert_eq!(
            error_of("twotabs", "a\tb\tc\n"),
            "1: expected `variant<TAB>canonical` with one tab, found 2 tabs in \"a\\tb\\tc\""
        );
        assert_eq!(
            error_of("emptyvariant", "\n \tminsk\n"),
            "2: expected `variant<TAB>canonical`, found an empty variant in \"minsk\""
        );
        assert_eq!(
            error_of("emptycanonical", "minsk\t  \n"),
            "1: expected `variant<TAB>canonical`, found an empty canonical form in \"minsk\""
        );
        assert_eq!(
            error_of("twice", "gomel\tgomel\n\ngomel\thomel\n"),
            "3: expected each variant once, found \"gomel\" → \"homel\", but line 1 has \"gomel\" → \"gomel\""
        );
        let utf8 = error_of("utf8", "ok\tok\n\u{0}\t\n");
        assert!(utf8.starts_with("2: expected `variant"), "{utf8}");
        let path = temp("bytes", "");
        std::fs::write(&path, b"ok\tok\n\xff\tx\n").unwrap();
        let err = Aliases::from_file(&path).unwrap_err().to_string();
        std::fs::remove_file(&path).unwrap();
        assert!(
            err.ends_with(
                ":2: expected UTF-8 text: invalid utf-8 sequence of 1 bytes from index 0"
            ),
            "{err}"
        );
        assert!(matches!(
            Aliases::from_file(&path),
            Err(NormaliseError::AliasIo { .. })
        ));
    }

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_lowercase).collect()
    }

    fn tokens(text: &str) -> Vec<Token<'_>> {
        let mut out = Vec::new();
        let mut at = 0;
        for (i, w) in text.split(' ').enumerate() {
            out.push(Token {
                text: TokenText::borrowed(w),
                span: Span::new(at, at + w.len()),
                position: i as u32,
            });
            at += w.len() + 1;
        }
        out
    }

    fn apply(aliases: &[(&str, &str)], text: &str) -> Vec<(String, String, u32)> {
        let matcher = AliasMatcher::new(&Aliases::new(aliases.iter().copied()), words).unwrap();
        let mut toks = tokens(text);
        matcher.apply(&mut toks, 0);
        toks.into_iter()
            .map(|t| {
                (
                    t.text.to_string(),
                    t.span.slice(text).to_string(),
                    t.position,
                )
            })
            .collect()
    }

    #[test]
    fn longest_match_first_left_to_right_without_overlap() {
        let aliases = [
            ("alexander lukashenko", "lukashenko"),
            ("lukashenka", "lukashenko"),
            ("alexander", "aleksandr"),
            ("a b", "x"),
            ("b c", "y"),
        ];
        let got = apply(
            &aliases,
            "alexander lukashenka alexander lukashenko a b c lukashenka",
        );
        let summary: Vec<(&str, &str, u32)> = got
            .iter()
            .map(|(t, s, p)| (t.as_str(), s.as_str(), *p))
            .collect();
        assert_eq!(
            summary,
            [
                ("aleksandr", "alexander", 0),
                ("lukashenko", "lukashenka", 1),
                ("lukashenko", "alexander lukashenko", 2),
                ("x", "a b", 4),
                ("c", "c", 6),
                ("lukashenko", "lukashenka", 7),
            ]
        );
    }

    #[test]
    fn a_longer_canonical_form_spans_the_match_and_keeps_positions_in_order() {
        let aliases = [("tsepkalo", "valery tsepkalo"), ("v t", "valery tsepkalo")];
        let got = apply(&aliases, "tsepkalo tsepkalo v t x");
        let summary: Vec<(&str, &str, u32)> = got
            .iter()
            .map(|(t, s, p)| (t.as_str(), s.as_str(), *p))
            .collect();
        assert_eq!(
            summary,
            [
                ("valery", "tsepkalo", 0),
                ("tsepkalo", "tsepkalo", 0),
                ("valery", "tsepkalo", 1),
                ("tsepkalo", "tsepkalo", 1),
                ("valery", "v t", 2),
                ("tsepkalo", "v t", 3),
                ("x", "x", 4),
            ]
        );
    }

    #[test]
    fn variants_equal_after_normalisation_must_agree() {
        let aliases = Aliases::new([("Minsk", "minsk"), ("MINSK", "mensk")]);
        let err = AliasMatcher::new(&aliases, words).unwrap_err().to_string();
        assert!(
            err.contains("expected each variant once after normalisation, found \"MINSK\" (minsk) → \"mensk\", but line 0 has \"Minsk\" → \"minsk\""),
            "{err}"
        );
        // The same canonical form is no conflict.
        let ok = Aliases::new([("Minsk", "minsk"), ("MINSK", "minsk")]);
        assert!(AliasMatcher::new(&ok, words).is_ok());
        let empty = Aliases::new([("   ", "minsk")]);
        assert!(AliasMatcher::new(&empty, |_| Vec::new()).is_err());
    }
}

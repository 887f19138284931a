//! Sentiment lexicons: the built-in VADER word and emoji lexicons, lexicon files in either the
//! VADER or the `word<TAB>score` (AFINN-style) format, and their errors.

use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::table::FxBuild;
use super::text::{count_bytes, lines, py_strip, split_tab};

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
        /// The offending line, stripped (clipped to its first 60 characters when longer than
        /// 80, with its length in bytes).
        found: String,
    },
    /// A lexicon file is not UTF-8.
    #[error("{}:{line}: invalid UTF-8 at byte {column} of the line (expected UTF-8 text)", path.display())]
    Encoding {
        /// The file.
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// 1-based byte of the line where it stands.
        column: usize,
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

/// `text` as an error message quotes it: whole up to 80 characters, else its first 60 and its
/// length, so that a runaway line (a file without line breaks) is not echoed in full.
fn clip(text: &str) -> String {
    if text.chars().count() <= 80 {
        return text.to_string();
    }
    let head: String = text.chars().take(60).collect();
    format!("{head}… ({} bytes)", text.len())
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
/// does. Cloning is cheap: the built-in lexicon borrows its words from the text compiled into
/// the crate, and any other lexicon's table is shared until modified.
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
    words: Entries<f64>,
}

/// The value type of one kind of lexicon: what the built-in table holds (borrowed from the
/// static text), what a parsed or modified one owns, and what a lookup gives.
trait Value: Sized + 'static {
    type Owned: Clone;
    type Out<'a>: Copy + PartialEq + fmt::Debug;
    fn of_static(v: &Self) -> Self::Out<'_>;
    fn of_owned(v: &Self::Owned) -> Self::Out<'_>;
    fn to_owned(&self) -> Self::Owned;
}

/// A valence.
impl Value for f64 {
    type Owned = f64;
    type Out<'a> = f64;
    fn of_static(v: &f64) -> f64 {
        *v
    }
    fn of_owned(v: &f64) -> f64 {
        *v
    }
    fn to_owned(&self) -> f64 {
        *self
    }
}

/// An emoji's description.
impl Value for &'static str {
    type Owned = String;
    type Out<'a> = &'a str;
    fn of_static<'a>(v: &'a &'static str) -> &'a str {
        v
    }
    fn of_owned(v: &String) -> &str {
        v
    }
    fn to_owned(&self) -> String {
        self.to_string()
    }
}

/// The entries of a [`Lexicon`] or an [`EmojiLexicon`].
enum Entries<V: Value> {
    /// The built-in lexicon (or the empty one): keys and values borrowed from the static text.
    Static(&'static Builtin<V>),
    /// A parsed or modified lexicon, shared until modified.
    Owned(Arc<HashMap<String, V::Owned, FxBuild>>),
}

impl<V: Value> Clone for Entries<V> {
    fn clone(&self) -> Self {
        match self {
            Entries::Static(b) => Entries::Static(b),
            Entries::Owned(m) => Entries::Owned(Arc::clone(m)),
        }
    }
}

impl Default for Entries<f64> {
    fn default() -> Self {
        static EMPTY: Builtin<f64> = Builtin::new(Vec::new());
        Entries::Static(&EMPTY)
    }
}

impl Default for Entries<&'static str> {
    fn default() -> Self {
        static EMPTY: Builtin<&'static str> = Builtin::new(Vec::new());
        Entries::Static(&EMPTY)
    }
}

impl<V: Value> Entries<V> {
    fn len(&self) -> usize {
        match self {
            Entries::Static(b) => b.len(),
            Entries::Owned(m) => m.len(),
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Entries::Static(b) => b.lines.is_empty(),
            Entries::Owned(m) => m.is_empty(),
        }
    }

    #[inline]
    fn get(&self, key: &str) -> Option<V::Out<'_>> {
        match self {
            Entries::Static(b) => b.get(key).map(V::of_static),
            Entries::Owned(m) => m.get(key).map(V::of_owned),
        }
    }

    fn iter(&self) -> EntriesIter<'_, V> {
        match self {
            Entries::Static(b) => EntriesIter::Static(b.iter()),
            Entries::Owned(m) => EntriesIter::Owned(m.iter()),
        }
    }

    /// See [`Lexicon::lines`].
    fn lines(&self) -> EntriesIter<'_, V> {
        match self {
            Entries::Static(b) => EntriesIter::Lines(b.lines.iter()),
            Entries::Owned(m) => EntriesIter::Owned(m.iter()),
        }
    }

    /// The owned table, copied out of a built-in lexicon or unshared first.
    fn to_mut(&mut self) -> &mut HashMap<String, V::Owned, FxBuild> {
        if let Entries::Static(b) = *self {
            let mut map = HashMap::with_capacity_and_hasher(b.lines.len(), FxBuild::default());
            // In file order, so that the later of two lines for one key wins.
            map.extend(b.lines.iter().map(|(k, v)| (k.to_string(), v.to_owned())));
            *self = Entries::Owned(Arc::new(map));
        }
        match self {
            Entries::Owned(m) => Arc::make_mut(m),
            Entries::Static(_) => unreachable!("made owned above"),
        }
    }
}

/// Equal when both hold the same entries, however they are stored.
impl<V: Value> PartialEq for Entries<V> {
    fn eq(&self, other: &Self) -> bool {
        if let (Entries::Static(a), Entries::Static(b)) = (self, other)
            && std::ptr::eq(*a, *b)
        {
            return true;
        }
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

/// Printed as a map, as the table it stands for.
impl<V: Value> fmt::Debug for Entries<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// An iterator over the entries (or the lines) of [`Entries`].
enum EntriesIter<'a, V: Value> {
    Static(BuiltinIter<'a, V>),
    Lines(std::slice::Iter<'a, (&'static str, V)>),
    Owned(std::collections::hash_map::Iter<'a, String, V::Owned>),
}

impl<'a, V: Value> Iterator for EntriesIter<'a, V> {
    type Item = (&'a str, V::Out<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        match self {
            EntriesIter::Static(it) => it.next().map(|(k, v)| (*k, V::of_static(v))),
            EntriesIter::Lines(it) => it.next().map(|(k, v)| (*k, V::of_static(v))),
            EntriesIter::Owned(it) => it.next().map(|(k, v)| (k.as_str(), V::of_owned(v))),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self {
            EntriesIter::Static(it) => it.size_hint(),
            EntriesIter::Lines(it) => it.size_hint(),
            EntriesIter::Owned(it) => it.size_hint(),
        }
    }
}

/// An upper bound on the number of entries of lexicon text: its number of lines.
fn max_entries(text: &str) -> usize {
    count_bytes(text.as_bytes(), b'\n') + 1
}

/// The entries of a built-in lexicon, parsed once, borrowing from its static text.
///
/// The lines are kept as they come; the index that finds a key, and tells which line holds
/// its value, is built on the first lookup. A scorer needs only the lines, so building one
/// costs no lookup structure besides its own.
struct Builtin<V: 'static> {
    /// Every entry in file order, a key more than once when the text has it more than once
    /// (the later line holds its value).
    lines: Vec<(&'static str, V)>,
    /// The index, built on first use.
    index: OnceLock<Index>,
}

impl<V> Builtin<V> {
    /// Entries from `lines` (in file order).
    const fn new(lines: Vec<(&'static str, V)>) -> Self {
        Builtin {
            lines,
            index: OnceLock::new(),
        }
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| Index::new(&self.lines))
    }

    /// Number of distinct keys.
    fn len(&self) -> usize {
        if self.lines.is_empty() {
            return 0;
        }
        self.index().last.len()
    }

    /// The value of `key`: that of its last line.
    #[inline]
    fn get(&self, key: &str) -> Option<&V> {
        if self.lines.is_empty() {
            return None;
        }
        let index = self.index();
        let k = index.find(&self.lines, key).ok()?;
        Some(&self.lines[index.last[k] as usize].1)
    }

    /// Each key once, with its value, in the order first seen.
    fn iter(&self) -> BuiltinIter<'_, V> {
        BuiltinIter {
            lines: &self.lines,
            last: if self.lines.is_empty() {
                [].iter()
            } else {
                self.index().last.iter()
            },
        }
    }
}

/// The distinct keys of a [`Builtin`]'s lines and an open-addressing table over them.
struct Index {
    /// For each key, in the order first seen, the number of its last line.
    last: Vec<u32>,
    /// Per slot: 1 + the position in `last` of the key there, or 0 when empty. At most half
    /// full.
    slots: Vec<u32>,
    /// `slots.len()` is `1 << bits`.
    bits: u32,
}

impl Index {
    fn new<V>(lines: &[(&str, V)]) -> Self {
        let mut bits = 1;
        while (1usize << bits) < lines.len().saturating_mul(2) {
            bits += 1;
        }
        let mut index = Index {
            last: Vec::new(),
            slots: vec![0; 1 << bits],
            bits,
        };
        for (n, &(key, _)) in lines.iter().enumerate() {
            match index.find(lines, key) {
                Ok(k) => index.last[k] = n as u32,
                Err(slot) => {
                    index.last.push(n as u32);
                    index.slots[slot] = index.last.len() as u32;
                }
            }
        }
        index
    }

    /// The position in `last` of `key`, or the empty slot where it would go.
    #[inline]
    fn find<V>(&self, lines: &[(&str, V)], key: &str) -> Result<usize, usize> {
        let mask = self.slots.len() - 1;
        let mut i = (FxBuild::default().hash_one(key) >> (64 - self.bits)) as usize;
        loop {
            match self.slots[i] {
                0 => return Err(i),
                k => {
                    let k = k as usize - 1;
                    if lines[self.last[k] as usize].0 == key {
                        return Ok(k);
                    }
                }
            }
            i = (i + 1) & mask;
        }
    }
}

/// The entries of a [`Builtin`], each key once.
struct BuiltinIter<'a, V: 'static> {
    lines: &'a [(&'static str, V)],
    last: std::slice::Iter<'a, u32>,
}

impl<'a, V> Iterator for BuiltinIter<'a, V> {
    type Item = &'a (&'static str, V);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.last.next().map(|&n| &self.lines[n as usize])
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.last.size_hint()
    }
}

/// Parses lexicon text with the rules of [`Lexicon::parse`], calling `entry` for each entry
/// in file order (duplicates included); the words borrow from `text`.
fn parse_entries<'a>(
    text: &'a str,
    origin: &str,
    mut entry: impl FnMut(&'a str, f64),
) -> Result<(), SentimentError> {
    let mut format = None;
    for (index, raw) in lines(text) {
        let line = py_strip(raw);
        if line.is_empty() {
            continue;
        }
        let malformed = || SentimentError::Malformed {
            origin: origin.to_string(),
            line: index + 1,
            found: clip(line),
        };
        let (word, rest) = split_tab(line);
        let (score, more) = split_tab(rest.ok_or_else(malformed)?);
        let this = if more.is_none() {
            Format::WordScore
        } else {
            Format::Vader
        };
        let format = *format.get_or_insert(this);
        if format == Format::WordScore && this != Format::WordScore {
            return Err(malformed());
        }
        let score = py_strip(score);
        let value = parse_valence(score).ok_or_else(malformed)?;
        if word.is_empty() || !value.is_finite() {
            return Err(malformed());
        }
        if value.abs() > MAX_VALENCE {
            return Err(SentimentError::Valence {
                origin: origin.to_string(),
                line: index + 1,
                word: clip(word),
                found: clip(score),
            });
        }
        entry(word, value);
    }
    Ok(())
}

/// `s.parse::<f64>()`, with a short cut for plain decimals such as `-1.25`.
#[inline]
fn parse_valence(s: &str) -> Option<f64> {
    /// Powers of ten that are exact in an f64.
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let b = s.as_bytes();
    let (negative, digits) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    let mut mantissa = 0u64;
    let mut count = 0usize;
    let mut point = None;
    for (i, &c) in digits.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(c - b'0');
                count += 1;
            }
            b'.' if point.is_none() => point = Some(i),
            _ => return s.parse().ok(),
        }
        if count > 15 {
            return s.parse().ok();
        }
    }
    if count == 0 {
        return s.parse().ok();
    }
    // Both operands are exact (mantissa < 10^15 < 2^53), so the one rounding of the division
    // gives the correctly rounded value, as `parse` does.
    let decimals = point.map_or(0, |p| digits.len() - p - 1);
    let value = mantissa as f64 / POW10[decimals];
    Some(if negative { -value } else { value })
}

impl Lexicon {
    /// An empty lexicon.
    pub fn new() -> Self {
        Lexicon::default()
    }

    /// The built-in VADER lexicon (vaderSentiment 3.3.2's `vader_lexicon.txt`), parsed once;
    /// its words borrow from the text compiled into the crate.
    pub fn vader() -> Self {
        static VADER: OnceLock<Builtin<f64>> = OnceLock::new();
        let entries = VADER.get_or_init(|| {
            let mut lines = Vec::with_capacity(max_entries(VADER_LEXICON));
            parse_entries(VADER_LEXICON, "vader_lexicon.txt", |w, v| {
                lines.push((w, v))
            })
            .expect("the built-in VADER lexicon is well formed");
            Builtin::new(lines)
        });
        Lexicon {
            words: Entries::Static(entries),
        }
    }

    /// Reads a lexicon file in either format (see [`Lexicon::parse`]).
    pub fn from_path(path: impl AsRef<Path>) -> Result<Self, SentimentError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|source| SentimentError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = std::str::from_utf8(&bytes).map_err(|e| {
            let good = &bytes[..e.valid_up_to()];
            let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            SentimentError::Encoding {
                path: path.to_path_buf(),
                line: good.iter().filter(|&&b| b == b'\n').count() + 1,
                column: good.len() - line_start + 1,
            }
        })?;
        Lexicon::parse(text, &path.display().to_string())
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
        let mut words = HashMap::with_capacity_and_hasher(max_entries(text), FxBuild::default());
        parse_entries(text, origin, |w, v| {
            words.insert(w.to_string(), v);
        })?;
        words.shrink_to_fit();
        Ok(Lexicon {
            words: Entries::Owned(Arc::new(words)),
        })
    }

    /// Adds every entry of `other`; entries of `other` override entries of `self`.
    pub fn extend(&mut self, other: &Lexicon) {
        if self.is_empty() {
            self.words = other.words.clone();
            return;
        }
        let words = self.words.to_mut();
        for (w, v) in other.lines() {
            words.insert(w.to_string(), v);
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
        self.words.to_mut().insert(word.into(), valence);
    }

    /// The valence of `word` (an exact, case-sensitive key).
    pub fn get(&self, word: &str) -> Option<f64> {
        self.words.get(word)
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
        self.words.iter()
    }

    /// The entries, a word possibly more than once: where it is, the later of two holds its
    /// valence. Setting them in order gives the lexicon, without the lookup that finds each
    /// word's last entry.
    pub(crate) fn lines(&self) -> impl Iterator<Item = (&str, f64)> {
        self.words.lines()
    }
}

/// An emoji → English description lexicon (`emoji<TAB>description` lines).
///
/// Cloning is cheap: the built-in lexicon borrows from the text compiled into the crate, and a
/// parsed one's table is shared.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmojiLexicon {
    entries: Entries<&'static str>,
}

/// Parses `emoji<TAB>description` lines with the rules of [`EmojiLexicon::parse`], calling
/// `entry` for each in file order (duplicates included); both borrow from `text`.
fn parse_emoji_entries<'a>(
    text: &'a str,
    origin: &str,
    mut entry: impl FnMut(&'a str, &'a str),
) -> Result<(), SentimentError> {
    for (index, raw) in lines(text) {
        let line = py_strip(raw);
        if line.is_empty() {
            continue;
        }
        let (key, rest) = split_tab(line);
        let Some(rest) = rest else {
            return Err(SentimentError::Malformed {
                origin: origin.to_string(),
                line: index + 1,
                found: clip(line),
            });
        };
        let desc = split_tab(rest).0;
        entry(key, desc);
    }
    Ok(())
}

impl EmojiLexicon {
    /// The built-in VADER emoji lexicon (vaderSentiment 3.3.2's `emoji_utf8_lexicon.txt`),
    /// parsed once; its entries borrow from the text compiled into the crate.
    pub fn vader() -> Self {
        static EMOJI: OnceLock<Builtin<&'static str>> = OnceLock::new();
        let entries = EMOJI.get_or_init(|| {
            let mut lines = Vec::with_capacity(max_entries(VADER_EMOJI));
            parse_emoji_entries(VADER_EMOJI, "emoji_utf8_lexicon.txt", |k, d| {
                lines.push((k, d))
            })
            .expect("the built-in emoji lexicon is well formed");
            Builtin::new(lines)
        });
        EmojiLexicon {
            entries: Entries::Static(entries),
        }
    }

    /// Parses `emoji<TAB>description` lines with the same line rules as [`Lexicon::parse`];
    /// later lines win.
    pub fn parse(text: &str, origin: &str) -> Result<Self, SentimentError> {
        let mut entries = HashMap::with_capacity_and_hasher(max_entries(text), FxBuild::default());
        parse_emoji_entries(text, origin, |k, d| {
            entries.insert(k.to_string(), d.to_string());
        })?;
        entries.shrink_to_fit();
        Ok(EmojiLexicon {
            entries: Entries::Owned(Arc::new(entries)),
        })
    }

    /// The description of `emoji`, if it is a key.
    #[inline]
    pub fn get(&self, emoji: &str) -> Option<&str> {
        self.entries.get(emoji)
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
        self.entries.iter()
    }

    /// The entries, a key possibly more than once (the later of two holds its description).
    pub(crate) fn lines(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.lines()
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
    fn valences_parse_as_std_does() {
        let mut samples: Vec<String> = [
            "0",
            "-0",
            "+0",
            "1",
            "-1.5",
            "2.35",
            "1.",
            ".5",
            "-.5",
            ".",
            "-",
            "+",
            "",
            "1e3",
            "inf",
            "-NaN",
            "1.2.3",
            "١",
            "0.1",
            "0.30000000000000004",
            "123456789012345",
            "1234567890123456",
            "0.000000000000001",
            "99999999999999.9",
            "--1",
            "1-",
            "0x10",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let digits = (state % 16) as usize;
            let point = ((state >> 8) % 17) as usize;
            let mut s = String::new();
            if state >> 63 == 1 {
                s.push('-');
            }
            for k in 0..digits {
                if k == point {
                    s.push('.');
                }
                s.push(char::from(b'0' + ((state >> (12 + 3 * k)) % 10) as u8));
            }
            samples.push(s);
        }
        for (_, line) in lines(VADER_LEXICON).filter(|(_, l)| !l.is_empty()) {
            samples.push(line.split('\t').nth(1).unwrap().to_string());
        }
        for s in &samples {
            let want = s.parse::<f64>().ok().map(f64::to_bits);
            assert_eq!(parse_valence(s).map(f64::to_bits), want, "{s:?}");
        }
    }

    #[test]
    fn built_in_lexicons_equal_their_parse() {
        let parsed = Lexicon::parse(VADER_LEXICON, "vader_lexicon.txt").unwrap();
        let vader = Lexicon::vader();
        assert_eq!(vader, parsed);
        assert_eq!(parsed, vader);
        for (w, v) in parsed.iter() {
            assert_eq!(vader.get(w).map(f64::to_bits), Some(v.to_bits()), "{w}");
        }
        let parsed = EmojiLexicon::parse(VADER_EMOJI, "emoji_utf8_lexicon.txt").unwrap();
        assert_eq!(EmojiLexicon::vader(), parsed);
        assert_eq!(parsed, EmojiLexicon::vader());
        assert_ne!(Lexicon::new(), vader);
        assert_eq!(Lexicon::new(), Lexicon::parse("", "empty").unwrap());
        assert_eq!(
            EmojiLexicon::default(),
            EmojiLexicon::parse("\n", "empty").unwrap()
        );
    }

    #[test]
    fn builtin_keeps_the_last_line_of_a_key() {
        let b = Builtin::new(vec![
            ("a", 1.0),
            ("b", 2.0),
            ("a", 3.0),
            ("c", 4.0),
            ("b", 5.0),
        ]);
        assert_eq!(b.len(), 3);
        assert_eq!(b.get("a"), Some(&3.0));
        assert_eq!(b.get("b"), Some(&5.0));
        assert_eq!(b.get("d"), None);
        let all: Vec<_> = b.iter().copied().collect();
        assert_eq!(all, [("a", 3.0), ("b", 5.0), ("c", 4.0)]);
        let empty: Builtin<f64> = Builtin::new(Vec::new());
        assert_eq!(
            (empty.len(), empty.get("a"), empty.iter().count()),
            (0, None, 0)
        );
        // Replaying the lines in order gives the lexicon.
        let vader = Lexicon::vader();
        let mut replayed = HashMap::new();
        for (w, v) in vader.lines() {
            replayed.insert(w, v);
        }
        assert_eq!(replayed.len(), vader.len());
        assert!(vader.iter().all(|(w, v)| replayed[w] == v));
    }

    #[test]
    fn built_in_lexicon_becomes_owned_when_modified() {
        let vader = Lexicon::vader();
        let mut changed = vader.clone();
        changed.insert("good", 0.5);
        assert_eq!(changed.get("good"), Some(0.5));
        assert_eq!(vader.get("good"), Some(1.9));
        assert_eq!(changed.len(), vader.len());
        assert_ne!(changed, vader);
        changed.insert("good", 1.9);
        assert_eq!(changed, vader);
        let mut empty = Lexicon::new();
        empty.extend(&vader);
        assert_eq!(empty, vader);
        let mut custom = Lexicon::parse("wordmill\t1", "c").unwrap();
        custom.extend(&vader);
        assert_eq!(custom.len(), vader.len() + 1);
        assert_eq!(custom.get("lol"), Some(1.8));
        assert!(format!("{:?}", Lexicon::parse("a\t1", "c").unwrap()).contains("\"a\": 1.0"));
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

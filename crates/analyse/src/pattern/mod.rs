//! Patterns matched against the normalised token stream: words, `*`/`?` globs and phrases, as
//! the concordance, dictionaries and sentiment targets use them.
//!
//! A pattern is written as text and split on whitespace into elements. An element with `*`
//! (any run of characters, none included) or `?` (one character) is a glob; any other element
//! is a word, normalised as the pipeline normalises the documents' text (case, Unicode form,
//! folding, aliases, stemming), so `Lukashenka` matches wherever the tokens say `lukashenko`.
//! A pattern of several elements is a phrase: it matches that many consecutive tokens of the
//! normalised stream (stop words are not in that stream, so a phrase never needs them) within
//! one sentence.
//!
//! A [`Matcher`] finds, at a token, every pattern that matches there and how many tokens it
//! covers. The first element of each pattern is indexed (words by their text, globs of the
//! form `prefix*` by prefix, `*suffix` by suffix) and the candidates of each distinct token
//! text are remembered in a [`MatchCache`], so the cost per token is one hash lookup whatever
//! the number of patterns; only globs of other shapes (`a*b*`, `*x*`) are tried one by one on
//! each new token text.
//!
//! [`sentence_tokens`] splits a document's tokens by sentence; a matcher gets the words of one
//! sentence at a time.
//!
//! ```
//! use wordmill_analyse::{MatchCache, Matcher, Pattern};
//!
//! let patterns = ["strik*", "general strike", "lukashenko"]
//!     .iter()
//!     .map(|p| Pattern::parse(p))
//!     .collect::<Result<Vec<_>, _>>()
//!     .unwrap();
//! let matcher = Matcher::new(&patterns);
//! let words = ["the", "general", "strike", "against", "lukashenko", "strikes"];
//! let mut cache = MatchCache::default();
//! // Each pattern on its own, left to right, its hits not overlapping one another.
//! let hits: Vec<(usize, usize, usize)> = matcher
//!     .each(&words, &mut cache)
//!     .into_iter()
//!     .map(|m| (m.pattern, m.start, m.len))
//!     .collect();
//! assert_eq!(hits, [(1, 1, 2), (0, 2, 1), (2, 4, 1), (0, 5, 1)]);
//! // Longest match first, without overlap: `strike` inside the phrase is not counted again.
//! let longest: Vec<(usize, usize)> =
//!     matcher.longest(&words, &mut cache).into_iter().map(|m| (m.start, m.len)).collect();
//! assert_eq!(longest, [(1, 2), (4, 1), (5, 1)]);
//! ```

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use wordmill_model::packed::pack;
use wordmill_model::{Span, Token};

use crate::sentiment::FxBuild;

/// How the words of a pattern are made into the tokens they must equal: the pipeline passes
/// its normaliser, so a pattern is normalised exactly as the documents are.
pub trait PatternForms {
    /// The tokens `text` becomes (tokenised, filtered, folded, aliased, stemmed). Empty when
    /// every word of it is filtered out (a stop word, too short).
    fn words(&self, text: &str) -> Vec<String>;
    /// `text` as a part of one token before the filters that drop or rewrite tokens: case,
    /// Unicode form and folding only (what the fixed parts of a glob are compared with).
    fn chars(&self, text: &str) -> String;
}

/// The forms of a normaliser that lower-cases and splits on whitespace, nothing else.
#[derive(Debug, Clone, Copy, Default)]
pub struct Lowercase;

impl PatternForms for Lowercase {
    fn words(&self, text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_lowercase).collect()
    }

    fn chars(&self, text: &str) -> String {
        text.to_lowercase()
    }
}

/// A pattern's forms are what this normaliser makes of it: its tokens (tokenised, filtered,
/// folded, aliased, stemmed) and, for the fixed parts of globs, its case, Unicode form and
/// folding.
#[cfg(feature = "normalise")]
impl PatternForms for wordmill_normalise::Normaliser {
    fn words(&self, text: &str) -> Vec<String> {
        self.tokens(text)
            .into_iter()
            .map(|t| t.text.to_string())
            .collect()
    }

    fn chars(&self, text: &str) -> String {
        self.form(text)
    }
}

/// Why a pattern cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternError {
    /// Nothing but whitespace.
    #[error("empty pattern")]
    Empty,
    /// A word that normalisation removes entirely.
    #[error(
        "`{word}` in pattern \"{pattern}\" is removed by normalisation (a stop word, or shorter than min_len), so the pattern could never match"
    )]
    Removed {
        /// The pattern as written.
        pattern: String,
        /// The word removed.
        word: String,
    },
    /// More elements than a phrase may have.
    #[error("pattern \"{pattern}\" has {len} words; a phrase has at most {MAX_PHRASE}")]
    TooLong {
        /// The pattern as written.
        pattern: String,
        /// Its number of elements.
        len: usize,
    },
}

/// The most elements (words or globs) a pattern may have.
pub const MAX_PHRASE: usize = 16;

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Element {
    /// A token equal to this text.
    Word(Box<str>),
    /// A token matching this glob.
    Glob(Glob),
}

impl Element {
    /// Whether `token` matches this element.
    pub fn matches(&self, token: &str) -> bool {
        match self {
            Element::Word(w) => **w == *token,
            Element::Glob(g) => g.matches(token),
        }
    }
}

/// A glob over one token: `*` is any run of characters (none included), `?` one character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Glob {
    /// The glob, its fixed parts normalised.
    text: Box<str>,
}

impl Glob {
    /// The glob's text (`*` and `?` as written, the rest normalised).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether `token` matches the glob entirely.
    pub fn matches(&self, token: &str) -> bool {
        glob_match(&self.text, token)
    }

    /// `Some(prefix)` when the glob is `prefix*` with no other wildcard.
    fn prefix(&self) -> Option<&str> {
        let p = self.text.strip_suffix('*')?;
        (!p.contains(['*', '?'])).then_some(p)
    }

    /// `Some(suffix)` when the glob is `*suffix` with no other wildcard.
    fn suffix(&self) -> Option<&str> {
        let s = self.text.strip_prefix('*')?;
        (!s.contains(['*', '?'])).then_some(s)
    }
}

/// Whether `text` matches `glob` (`*` any run of characters, `?` one character), in time
/// proportional to their lengths' product at worst, without recursion.
fn glob_match(glob: &str, text: &str) -> bool {
    // Positions are byte offsets, always on character boundaries; `*` and `?` are one byte.
    let char_at = |s: &str, i: usize| s.get(i..).and_then(|rest| rest.chars().next());
    let (mut gi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while let Some(tc) = char_at(text, ti) {
        match char_at(glob, gi) {
            Some('?') => {
                gi += 1;
                ti += tc.len_utf8();
            }
            Some('*') => {
                star = Some((gi, ti));
                gi += 1;
            }
            Some(gc) if gc == tc => {
                gi += gc.len_utf8();
                ti += tc.len_utf8();
            }
            _ => match star {
                Some((sg, st)) => {
                    let skipped = char_at(text, st).map_or(1, char::len_utf8);
                    gi = sg + 1;
                    ti = st + skipped;
                    star = Some((sg, ti));
                }
                None => return false,
            },
        }
    }
    glob.get(gi..)
        .is_some_and(|rest| rest.bytes().all(|c| c == b'*'))
}

/// A pattern: what was written, and its elements after normalisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    elements: Vec<Element>,
}

impl Pattern {
    /// Parses `text` with the forms of [`Lowercase`].
    pub fn parse(text: &str) -> Result<Pattern, PatternError> {
        Pattern::parse_with(text, &Lowercase)
    }

    /// Parses `text`, normalising its words and the fixed parts of its globs with `forms`.
    pub fn parse_with(text: &str, forms: &dyn PatternForms) -> Result<Pattern, PatternError> {
        let mut elements = Vec::new();
        for raw in text.split_whitespace() {
            if raw.contains(['*', '?']) {
                let mut glob = String::new();
                let mut literal = String::new();
                for c in raw.chars() {
                    if c == '*' || c == '?' {
                        if !literal.is_empty() {
                            glob.push_str(&forms.chars(&literal));
                            literal.clear();
                        }
                        // `**` is `*`.
                        if !(c == '*' && glob.ends_with('*')) {
                            glob.push(c);
                        }
                    } else {
                        literal.push(c);
                    }
                }
                if !literal.is_empty() {
                    glob.push_str(&forms.chars(&literal));
                }
                elements.push(Element::Glob(Glob {
                    text: glob.into_boxed_str(),
                }));
            } else {
                let words = forms.words(raw);
                if words.is_empty() {
                    return Err(PatternError::Removed {
                        pattern: text.to_string(),
                        word: raw.to_string(),
                    });
                }
                elements.extend(words.into_iter().map(|w| Element::Word(w.into_boxed_str())));
            }
        }
        if elements.is_empty() {
            return Err(PatternError::Empty);
        }
        if elements.len() > MAX_PHRASE {
            return Err(PatternError::TooLong {
                pattern: text.to_string(),
                len: elements.len(),
            });
        }
        Ok(Pattern {
            text: text.to_string(),
            elements,
        })
    }

    /// The pattern as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its elements, normalised.
    pub fn elements(&self) -> &[Element] {
        &self.elements
    }

    /// Its number of elements: the tokens a match covers.
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// Never true: a pattern has at least one element.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// Whether the pattern matches `words[start..]` from its first word.
    pub fn matches_at<W: AsRef<str>>(&self, words: &[W], start: usize) -> bool {
        start + self.elements.len() <= words.len()
            && self
                .elements
                .iter()
                .zip(&words[start..])
                .all(|(e, w)| e.matches(w.as_ref()))
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A match: pattern `pattern` (its index in the matcher) covers `len` words from `start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PatternMatch {
    /// Index of the first word matched.
    pub start: usize,
    /// Number of words matched.
    pub len: usize,
    /// Index of the pattern.
    pub pattern: usize,
}

/// What a [`Matcher`] remembers of the token texts it has seen: for each, the patterns whose
/// first element it matches. Keep one per thread (an analyser keeps it in its partial state,
/// never serialised); it is bounded, and starts over when full.
#[derive(Debug, Default, Clone)]
pub struct MatchCache {
    /// Token texts of up to 15 bytes, packed ([`pack`]) → their candidates: an index into
    /// `lists` (0: no pattern starts with it), or, with the bit [`SINGLE`] set, the one
    /// pattern that does (the common case, read without a second look-up).
    packed: HashMap<u128, u32, FxBuild>,
    /// Longer token texts → their candidates, as in `packed`.
    long: HashMap<Box<str>, u32, FxBuild>,
    /// Candidate lists of two patterns or more; `lists[0]` is empty.
    lists: Vec<Box<[u32]>>,
    /// The list of a single candidate, as a slice.
    one: [u32; 1],
    /// Entries as in `packed`, by the token's id (below [`BY_ID_LIMIT`]) in the term table
    /// `table` ([`UNSEEN`]: not yet): an array read instead of a hash look-up when the tokens
    /// come with ids.
    by_id: Vec<u32>,
    /// One bit per id of `by_id`: set when that token starts no pattern, so that the scans
    /// pass over it after reading a bit of a small array (about 4 KB for 30,000 ids).
    none: Vec<u64>,
    table: u64,
    /// Scratch space of the scans: the matches at one word, and each group's next free word.
    here: Vec<PatternMatch>,
    busy: Vec<(usize, usize)>,
}

/// The bit of a [`MatchCache`] entry that holds one pattern instead of a list index.
const SINGLE: u32 = 1 << 31;

/// A [`MatchCache::by_id`] slot not filled yet (no pattern has index 2³¹ − 1).
const UNSEEN: u32 = u32::MAX;

/// Token ids from this one up are looked up by text: the array by id stays under 16 MB.
const BY_ID_LIMIT: usize = 1 << 22;

impl MatchCache {
    /// The ids of the document's `tokens` tokens that `shared` holds, if any, read as ids in
    /// their term table from now on (what was remembered by the ids of another table is
    /// forgotten).
    pub(crate) fn token_ids<'s>(
        &mut self,
        shared: &'s crate::DocShared,
        tokens: usize,
    ) -> Option<&'s [u32]> {
        let (table, ids) = shared.token_ids(tokens)?;
        if self.table != table {
            self.by_id.clear();
            self.none.clear();
            self.table = table;
        }
        Some(ids)
    }

    /// The candidates an entry of `packed` or `long` stands for.
    #[inline]
    fn list(&mut self, at: u32) -> &[u32] {
        if at & SINGLE != 0 {
            self.one[0] = at & !SINGLE;
            &self.one
        } else {
            self.lists.get(at as usize).map_or(&[], |l| l)
        }
    }
}

/// How many token texts a cache remembers before starting over.
const CACHE_LIMIT: usize = 1 << 20;

/// Words as the matcher reads them: each one's text and, when it has one, its packed key
/// (cheaper to hash and compare, and at hand without a UTF-8 check for a token's inline text).
trait Words {
    fn count(&self) -> usize;
    fn text(&self, i: usize) -> &str;
    fn key(&self, i: usize) -> Option<u128>;
    /// The word's id in the term table the cache reads ids of, if the words come with ids.
    fn id(&self, _i: usize) -> Option<u32> {
        None
    }
    /// Every word's id, if the words come with ids (as many as words).
    fn ids(&self) -> Option<&[u32]> {
        None
    }
}

/// Any strings.
struct Plain<'a, W>(&'a [W]);

impl<W: AsRef<str>> Words for Plain<'_, W> {
    fn count(&self) -> usize {
        self.0.len()
    }
    fn text(&self, i: usize) -> &str {
        self.0[i].as_ref()
    }
    fn key(&self, i: usize) -> Option<u128> {
        pack(self.0[i].as_ref().as_bytes())
    }
}

/// Tokens of a normalised document, with their ids in a term table when known (as many).
struct Tokens<'a, 'b>(&'a [Token<'b>], Option<&'a [u32]>);

impl Words for Tokens<'_, '_> {
    #[inline]
    fn count(&self) -> usize {
        self.0.len()
    }
    #[inline]
    fn text(&self, i: usize) -> &str {
        self.0[i].text.as_str()
    }
    #[inline]
    fn key(&self, i: usize) -> Option<u128> {
        self.0[i].text.packed_key()
    }
    #[inline]
    fn id(&self, i: usize) -> Option<u32> {
        self.ids().and_then(|ids| ids.get(i).copied())
    }
    #[inline]
    fn ids(&self) -> Option<&[u32]> {
        self.1.filter(|ids| ids.len() == self.0.len())
    }
}

/// Patterns indexed by their first element.
#[derive(Debug, Clone)]
pub struct Matcher {
    patterns: Vec<Pattern>,
    /// Each pattern's number of elements (read for every candidate: a small array stays in
    /// cache where the patterns do not).
    lens: Box<[u32]>,
    /// For each pattern and element, the packed key of a word element (compared with a
    /// token's key instead of its text).
    keys: Vec<Vec<Option<u128>>>,
    words: HashMap<Box<str>, Vec<u32>, FxBuild>,
    prefixes: HashMap<Box<str>, Vec<u32>, FxBuild>,
    /// The distinct lengths of the prefixes, in bytes.
    prefix_lens: Vec<usize>,
    suffixes: HashMap<Box<str>, Vec<u32>, FxBuild>,
    suffix_lens: Vec<usize>,
    /// Patterns whose first element is a glob of another shape.
    other: Vec<u32>,
    /// A filter of (first two bytes, length) a word or prefix glob could match, and of (last
    /// two bytes, length) for suffix globs (see [`Filter`]): most tokens are ruled out there,
    /// without hashing their text.
    starts: Filter,
    ends: Filter,
    /// Whether `ends` holds anything.
    has_ends: bool,
    /// Whether a glob of another shape has no fixed first or last part, so that any token may
    /// start it and the filters are not consulted.
    unfiltered: bool,
}

/// A set of (two bytes, length) as bits of a small table (8 KiB) indexed by a hash of the
/// three: never a false "no", rarely a false "maybe". The second byte of a one-byte text is 0;
/// lengths from 31 up count as 31.
#[derive(Debug, Clone)]
struct Filter(Box<[u64; 1024]>);

impl Filter {
    fn new() -> Self {
        Filter(Box::new([0; 1024]))
    }

    #[inline(always)]
    fn index(a: u8, b: u8, len: usize) -> usize {
        let h = (u32::from(a) << 8 | u32::from(b)).wrapping_mul(0x9E37_79B1)
            ^ (len.min(31) as u32).wrapping_mul(0x85EB_CA77);
        (h >> 16) as usize
    }

    fn insert(&mut self, a: u8, b: u8, len: usize) {
        let i = Filter::index(a, b, len);
        self.0[i >> 6] |= 1 << (i & 63);
    }

    #[inline(always)]
    fn contains(&self, a: u8, b: u8, len: usize) -> bool {
        let i = Filter::index(a, b, len);
        self.0[i >> 6] & (1 << (i & 63)) != 0
    }

    /// Texts that begin (or end, `from_end`) with `fixed` and are at least as long, or, when
    /// `exact`, exactly `fixed`.
    fn insert_text(&mut self, fixed: &[u8], exact: bool, from_end: bool) {
        let (a, b) = match (fixed.len(), from_end) {
            (0, _) => {
                // Any text at all: every entry.
                self.0.iter_mut().for_each(|x| *x = u64::MAX);
                return;
            }
            (1, _) => (fixed[0], None),
            (_, false) => (fixed[0], Some(fixed[1])),
            (n, true) => (fixed[n - 1], Some(fixed[n - 2])),
        };
        let lens = if exact {
            fixed.len()..=fixed.len()
        } else {
            fixed.len()..=31
        };
        for len in lens {
            match b {
                Some(b) => self.insert(a, b, len),
                // One fixed byte: the other may be anything (0 when the text is one byte).
                None if len == 1 => self.insert(a, 0, 1),
                None => (0..=255).for_each(|b| self.insert(a, b, len)),
            }
        }
    }
}

impl Matcher {
    /// Indexes `patterns`; a match names its pattern by its index here.
    pub fn new(patterns: &[Pattern]) -> Matcher {
        let mut m = Matcher {
            patterns: patterns.to_vec(),
            lens: patterns.iter().map(|p| p.len() as u32).collect(),
            keys: patterns
                .iter()
                .map(|p| {
                    p.elements
                        .iter()
                        .map(|e| match e {
                            Element::Word(w) => pack(w.as_bytes()),
                            Element::Glob(_) => None,
                        })
                        .collect()
                })
                .collect(),
            words: HashMap::default(),
            prefixes: HashMap::default(),
            prefix_lens: Vec::new(),
            suffixes: HashMap::default(),
            suffix_lens: Vec::new(),
            other: Vec::new(),
            has_ends: false,
            unfiltered: false,
            starts: Filter::new(),
            ends: Filter::new(),
        };
        for (i, p) in patterns.iter().enumerate() {
            let i = i as u32;
            match &p.elements[0] {
                Element::Word(w) => m.words.entry(w.clone()).or_default().push(i),
                Element::Glob(g) => {
                    if let Some(prefix) = g.prefix() {
                        m.prefix_lens.push(prefix.len());
                        m.prefixes.entry(prefix.into()).or_default().push(i);
                    } else if let Some(suffix) = g.suffix() {
                        m.suffix_lens.push(suffix.len());
                        m.suffixes.entry(suffix.into()).or_default().push(i);
                    } else {
                        m.other.push(i);
                    }
                }
            }
        }
        for w in m.words.keys() {
            m.starts.insert_text(w.as_bytes(), true, false);
        }
        for p in m.prefixes.keys() {
            m.starts.insert_text(p.as_bytes(), false, false);
        }
        // A glob of another shape (`parent?`, `a*b`) by its fixed start, else its fixed end.
        for &i in &m.other {
            let Element::Glob(g) = &patterns[i as usize].elements[0] else {
                continue;
            };
            let text = g.as_str();
            let head = &text[..text.find(['*', '?']).unwrap_or(text.len())];
            let tail = &text[text.rfind(['*', '?']).map_or(0, |at| at + 1)..];
            if !head.is_empty() {
                m.starts.insert_text(head.as_bytes(), false, false);
            } else if !tail.is_empty() {
                m.ends.insert_text(tail.as_bytes(), false, true);
                m.has_ends = true;
            } else {
                m.unfiltered = true;
            }
        }
        for p in m.suffixes.keys() {
            m.has_ends = true;
            m.ends.insert_text(p.as_bytes(), false, true);
        }
        for lens in [&mut m.prefix_lens, &mut m.suffix_lens] {
            lens.sort_unstable();
            lens.dedup();
        }
        m
    }

    /// The patterns, in the order given.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Whether there is no pattern.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// The patterns whose first element `token` matches, in pattern order.
    fn first_candidates(&self, token: &str) -> Vec<u32> {
        let mut out = Vec::new();
        if let Some(ids) = self.words.get(token) {
            out.extend_from_slice(ids);
        }
        for &len in &self.prefix_lens {
            if len > token.len() {
                break;
            }
            if token.is_char_boundary(len)
                && let Some(ids) = self.prefixes.get(&token[..len])
            {
                out.extend_from_slice(ids);
            }
        }
        for &len in &self.suffix_lens {
            if len > token.len() {
                break;
            }
            let from = token.len() - len;
            if token.is_char_boundary(from)
                && let Some(ids) = self.suffixes.get(&token[from..])
            {
                out.extend_from_slice(ids);
            }
        }
        for &i in &self.other {
            if self.patterns[i as usize].elements[0].matches(token) {
                out.push(i);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether a token may start a pattern (false: certainly not), from its packed text
    /// `key` or, when it has none, its text.
    #[inline(always)]
    fn may_start(&self, key: Option<u128>, text: &[u8]) -> bool {
        if self.unfiltered {
            return true;
        }
        match key {
            // The bytes read out of the key where they are, without copying it out.
            Some(k) => {
                let byte = |i: usize| (k >> (8 * i)) as u8;
                let len = usize::from(byte(15)).min(15);
                if len == 0 {
                    return false;
                }
                let second = if len > 1 { byte(1) } else { 0 };
                self.starts.contains(byte(0), second, len)
                    || (self.has_ends && {
                        let before = if len > 1 { byte(len - 2) } else { 0 };
                        self.ends.contains(byte(len - 1), before, len)
                    })
            }
            None => {
                let len = text.len();
                if len == 0 {
                    return false;
                }
                let second = if len > 1 { text[1] } else { 0 };
                self.starts.contains(text[0], second, len)
                    || (self.has_ends && {
                        let before = if len > 1 { text[len - 2] } else { 0 };
                        self.ends.contains(text[len - 1], before, len)
                    })
            }
        }
    }

    /// Whether word `i` may start a pattern ([`Matcher::may_start`]): the scans ask this first,
    /// so that the most common case, a word that starts none, costs a look at its bytes.
    #[inline(always)]
    fn may_start_at<T: Words>(&self, words: &T, i: usize) -> bool {
        let key = words.key(i);
        let text = if key.is_none() {
            words.text(i).as_bytes()
        } else {
            &[]
        };
        self.may_start(key, text)
    }

    /// Whether word `i` may start a pattern, the scans' first question: for a word with an id,
    /// whether its id is not yet known to start none (a bit of [`MatchCache::none`], read
    /// without looking at the text); else [`Matcher::may_start_at`].
    #[inline(always)]
    fn may_start_word<T: Words>(&self, words: &T, i: usize, cache: &MatchCache) -> bool {
        match words.id(i) {
            Some(id) if (id as usize) < BY_ID_LIMIT => {
                let id = id as usize;
                cache
                    .none
                    .get(id >> 6)
                    .is_none_or(|bits| bits >> (id & 63) & 1 == 0)
            }
            _ => self.may_start_at(words, i),
        }
    }

    /// The first word from `from` on that may start a pattern ([`Matcher::may_start_word`]):
    /// over words with ids, a tight loop over the ids and the bits of [`MatchCache::none`].
    #[inline(always)]
    fn next_start<T: Words>(&self, words: &T, from: usize, cache: &MatchCache) -> Option<usize> {
        let Some(ids) = words.ids() else {
            return (from..words.count()).find(|&i| self.may_start_at(words, i));
        };
        let none = cache.none.as_slice();
        let rest = ids.get(from..)?;
        for (k, &id) in rest.iter().enumerate() {
            let id = id as usize;
            // Ids from BY_ID_LIMIT up have no bits (nor entries by id): filtered by their text.
            let passed = none
                .get(id >> 6)
                .is_some_and(|bits| bits >> (id & 63) & 1 != 0);
            if !passed && (id < BY_ID_LIMIT || self.may_start_at(words, from + k)) {
                return Some(from + k);
            }
        }
        None
    }

    /// The one pattern word `i` starts when it is the only candidate and one word long, read
    /// straight from the entry by the word's id (`None`: no id, no entry yet, or another case).
    #[inline(always)]
    fn lone_word<T: Words>(&self, words: &T, i: usize, cache: &MatchCache) -> Option<u32> {
        let at = *cache.by_id.get(words.id(i)? as usize)?;
        if at == UNSEEN || at & SINGLE == 0 {
            return None;
        }
        let p = at & !SINGLE;
        (self.lens.get(p as usize) == Some(&1)).then_some(p)
    }

    /// The candidate list of word `i` (which [`Matcher::may_start_word`] let through), from the
    /// cache or worked out and remembered.
    #[inline]
    fn candidates<'c, T: Words>(
        &self,
        words: &T,
        i: usize,
        cache: &'c mut MatchCache,
    ) -> &'c [u32] {
        let Some(id) = words
            .id(i)
            .map(|id| id as usize)
            .filter(|&id| id < BY_ID_LIMIT)
        else {
            let at = self.entry(words, i, cache);
            return cache.list(at);
        };
        if let Some(&at) = cache.by_id.get(id)
            && at != UNSEEN
        {
            return cache.list(at);
        }
        // An id seen for the first time: its text is filtered, then looked up.
        let at = if self.may_start_at(words, i) {
            self.entry(words, i, cache)
        } else {
            0
        };
        if cache.by_id.len() <= id {
            cache.by_id.resize(id + 1, UNSEEN);
        }
        cache.by_id[id] = at;
        if at == 0 {
            if cache.none.len() <= id >> 6 {
                cache.none.resize((id >> 6) + 1, 0);
            }
            cache.none[id >> 6] |= 1 << (id & 63);
        }
        cache.list(at)
    }

    /// The cache entry of word `i`: looked up by its text, or worked out and remembered.
    fn entry<T: Words>(&self, words: &T, i: usize, cache: &mut MatchCache) -> u32 {
        let key = words.key(i);
        if cache.lists.is_empty() {
            cache.lists.push(Box::new([]));
        }
        let known = match key {
            Some(k) => cache.packed.get(&k),
            None => cache.long.get(words.text(i)),
        };
        if let Some(&at) = known {
            return at;
        }
        if cache.packed.len() + cache.long.len() >= CACHE_LIMIT {
            cache.packed.clear();
            cache.long.clear();
            cache.by_id.clear();
            cache.none.clear();
            cache.lists.truncate(1);
        }
        let token = words.text(i);
        let found = self.first_candidates(token);
        let at = match *found.as_slice() {
            [] => 0,
            // Pattern indexes stay far below 2^31 (each pattern is text in memory).
            [only] if only & SINGLE == 0 => SINGLE | only,
            _ => {
                cache.lists.push(found.into_boxed_slice());
                (cache.lists.len() - 1) as u32
            }
        };
        match key {
            Some(k) => cache.packed.insert(k, at),
            None => cache.long.insert(token.into(), at),
        };
        at
    }

    /// Whether element `e` of pattern `p` matches word `i`.
    fn element_matches<T: Words>(&self, p: usize, e: usize, words: &T, i: usize) -> bool {
        match (self.keys[p][e], words.key(i)) {
            (Some(a), Some(b)) => a == b,
            (Some(_), None) => false,
            _ => self.patterns[p].elements[e].matches(words.text(i)),
        }
    }

    /// Every pattern that matches at `words[start]`, with the words it covers, in pattern
    /// order, appended to `out`.
    pub fn matches_at<W: AsRef<str>>(
        &self,
        words: &[W],
        start: usize,
        cache: &mut MatchCache,
        out: &mut Vec<PatternMatch>,
    ) {
        self.matches_at_in(&Plain(words), start, cache, out);
    }

    #[inline]
    fn matches_at_in<T: Words>(
        &self,
        words: &T,
        start: usize,
        cache: &mut MatchCache,
        out: &mut Vec<PatternMatch>,
    ) {
        if start < words.count() && self.may_start_word(words, start, cache) {
            self.matches_from(words, start, cache, out, || words.count());
        }
    }

    /// As [`Matcher::matches_at_in`], for a word `start` (in range) that
    /// [`Matcher::may_start_word`] let through; a match ends at word `end()` at the latest
    /// (asked only of a phrase, and once).
    #[inline]
    fn matches_from<T: Words, E: FnMut() -> usize>(
        &self,
        words: &T,
        start: usize,
        cache: &mut MatchCache,
        out: &mut Vec<PatternMatch>,
        mut end: E,
    ) {
        let mut n = None;
        for &p in self.candidates(words, start, cache) {
            let p = p as usize;
            let len = self.lens[p] as usize;
            if len > 1 {
                let n = *n.get_or_insert_with(&mut end);
                if start + len > n
                    || !(1..len).all(|e| self.element_matches(p, e, words, start + e))
                {
                    continue;
                }
            }
            out.push(PatternMatch {
                start,
                len,
                pattern: p,
            });
        }
    }

    /// The matches of each group of patterns on its own: `group[p]` is the group of pattern
    /// `p`. Within a group, matches are taken left to right, the longest at each word (the
    /// first pattern among equally long ones), and a match never overlaps the group's
    /// previous one; groups do not see one another. In order of start, then group.
    pub fn each_grouped<W: AsRef<str>>(
        &self,
        words: &[W],
        group: &[usize],
        cache: &mut MatchCache,
    ) -> Vec<PatternMatch> {
        let mut out = Vec::new();
        self.scan_grouped(
            &Plain(words),
            &mut Whole(words.len()),
            &|p| group[p],
            cache,
            &mut out,
        );
        out
    }

    /// As [`each_grouped`](Self::each_grouped) over a document's tokens (`tokens[range]`,
    /// the words of one sentence), appending to `out`; the fastest way to match tokens.
    pub fn each_grouped_tokens(
        &self,
        tokens: &[Token<'_>],
        group: &[usize],
        cache: &mut MatchCache,
        out: &mut Vec<PatternMatch>,
    ) {
        let mut whole = Whole(tokens.len());
        self.scan_grouped(&Tokens(tokens, None), &mut whole, &|p| group[p], cache, out);
    }

    /// As [`each_grouped_tokens`](Self::each_grouped_tokens) over a whole document's tokens
    /// and sentences (a phrase within one sentence, as [`sentence_tokens`] splits them; a
    /// token in no sentence matches nothing), with each token's id in the term table the
    /// cache reads ids of ([`MatchCache::token_ids`]) when known. Each match says its sentence.
    pub(crate) fn each_grouped_doc(
        &self,
        tokens: &[Token<'_>],
        sentences: &[Span],
        ids: Option<&[u32]>,
        group: &[usize],
        cache: &mut MatchCache,
        out: &mut Vec<DocMatch>,
    ) {
        let mut bounds = Sentences::new(tokens, sentences);
        self.scan_grouped(&Tokens(tokens, ids), &mut bounds, &|p| group[p], cache, out);
    }

    /// The matches of each pattern on its own ([`each_grouped`](Self::each_grouped) with
    /// every pattern its own group).
    pub fn each<W: AsRef<str>>(&self, words: &[W], cache: &mut MatchCache) -> Vec<PatternMatch> {
        let mut out = Vec::new();
        self.scan_grouped(
            &Plain(words),
            &mut Whole(words.len()),
            &|p| p,
            cache,
            &mut out,
        );
        out
    }

    /// As [`each`](Self::each) over a document's tokens, appending to `out`.
    pub fn each_tokens(
        &self,
        tokens: &[Token<'_>],
        cache: &mut MatchCache,
        out: &mut Vec<PatternMatch>,
    ) {
        let mut whole = Whole(tokens.len());
        self.scan_grouped(&Tokens(tokens, None), &mut whole, &|p| p, cache, out);
    }

    /// As [`each_tokens`](Self::each_tokens) over a whole document, as
    /// [`each_grouped_doc`](Self::each_grouped_doc) reads one.
    pub(crate) fn each_doc(
        &self,
        tokens: &[Token<'_>],
        sentences: &[Span],
        ids: Option<&[u32]>,
        cache: &mut MatchCache,
        out: &mut Vec<DocMatch>,
    ) {
        let mut bounds = Sentences::new(tokens, sentences);
        self.scan_grouped(&Tokens(tokens, ids), &mut bounds, &|p| p, cache, out);
    }

    fn scan_grouped<T: Words, B: Bounds, G: Fn(usize) -> usize, O: Found>(
        &self,
        words: &T,
        bounds: &mut B,
        group: &G,
        cache: &mut MatchCache,
        out: &mut O,
    ) {
        let mut here = std::mem::take(&mut cache.here);
        // (group, first word it may match again)
        let mut busy = std::mem::take(&mut cache.busy);
        busy.clear();
        let mut next = 0;
        while let Some(start) = self.next_start(words, next, cache) {
            next = start + 1;
            let Some(sentence) = bounds.sentence(start) else {
                continue;
            };
            // The common case, one candidate of one word: it matches here (its first word
            // does) unless its group's previous match covers this word.
            let lone = match self.lone_word(words, start, cache) {
                Some(p) => Some(p),
                None => match *self.candidates(words, start, cache) {
                    [p] if self.lens.get(p as usize) == Some(&1) => Some(p),
                    _ => None,
                },
            };
            if let Some(p) = lone {
                let g = group(p as usize);
                let free = match busy.iter_mut().find(|(bg, _)| *bg == g) {
                    Some((_, free)) if *free > start => false,
                    Some((_, free)) => {
                        *free = start + 1;
                        true
                    }
                    None => {
                        busy.push((g, start + 1));
                        true
                    }
                };
                if free {
                    let m = PatternMatch {
                        start,
                        len: 1,
                        pattern: p as usize,
                    };
                    out.found(m, sentence);
                }
                continue;
            }
            here.clear();
            self.matches_from(words, start, cache, &mut here, || bounds.end(start));
            if here.is_empty() {
                continue;
            }
            // The longest of each group; `here` is in pattern order, so the first wins ties.
            if here.len() > 1 {
                here.sort_by(|a, b| {
                    group(a.pattern)
                        .cmp(&group(b.pattern))
                        .then(b.len.cmp(&a.len))
                        .then(a.pattern.cmp(&b.pattern))
                });
            }
            let mut last_group = usize::MAX;
            for m in &here {
                let g = group(m.pattern);
                if g == last_group {
                    continue;
                }
                last_group = g;
                // A group's free word from an earlier sentence is never after this one.
                match busy.iter_mut().find(|(bg, _)| *bg == g) {
                    Some((_, free)) if *free > start => continue,
                    Some((_, free)) => *free = start + m.len,
                    None => busy.push((g, start + m.len)),
                }
                out.found(*m, sentence);
            }
        }
        cache.here = here;
        cache.busy = busy;
    }

    /// Longest match first, left to right, without overlap, over all patterns together: at
    /// each word the longest match is taken and the words it covers are not matched again.
    /// Every pattern matching those same words is returned (in pattern order), so that a
    /// dictionary can count each of their categories.
    pub fn longest<W: AsRef<str>>(&self, words: &[W], cache: &mut MatchCache) -> Vec<PatternMatch> {
        let mut out = Vec::new();
        self.scan_longest(&Plain(words), &mut Whole(words.len()), cache, &mut out);
        out
    }

    /// As [`longest`](Self::longest) over a document's tokens, appending to `out`.
    pub fn longest_tokens(
        &self,
        tokens: &[Token<'_>],
        cache: &mut MatchCache,
        out: &mut Vec<PatternMatch>,
    ) {
        let mut whole = Whole(tokens.len());
        self.scan_longest(&Tokens(tokens, None), &mut whole, cache, out);
    }

    /// As [`longest_tokens`](Self::longest_tokens) over a whole document, as
    /// [`each_grouped_doc`](Self::each_grouped_doc) reads one, each match handed to `out`.
    pub(crate) fn longest_doc<O: Found>(
        &self,
        tokens: &[Token<'_>],
        sentences: &[Span],
        ids: Option<&[u32]>,
        cache: &mut MatchCache,
        out: &mut O,
    ) {
        let mut bounds = Sentences::new(tokens, sentences);
        self.scan_longest(&Tokens(tokens, ids), &mut bounds, cache, out);
    }

    fn scan_longest<T: Words, B: Bounds, O: Found>(
        &self,
        words: &T,
        bounds: &mut B,
        cache: &mut MatchCache,
        out: &mut O,
    ) {
        let mut here = std::mem::take(&mut cache.here);
        let mut next = 0;
        while let Some(start) = self.next_start(words, next, cache) {
            next = start + 1;
            let Some(sentence) = bounds.sentence(start) else {
                continue;
            };
            // The common case, one candidate of one word: its match, without staging. (The
            // same test as in `scan_grouped`, written out: as a shared function it costs the
            // dictionary and targets 4–7 M instructions more on sotu-full.)
            let lone = match self.lone_word(words, start, cache) {
                Some(p) => Some(p),
                None => match *self.candidates(words, start, cache) {
                    [p] if self.lens.get(p as usize) == Some(&1) => Some(p),
                    _ => None,
                },
            };
            if let Some(p) = lone {
                let m = PatternMatch {
                    start,
                    len: 1,
                    pattern: p as usize,
                };
                out.found(m, sentence);
                continue;
            }
            here.clear();
            self.matches_from(words, start, cache, &mut here, || bounds.end(start));
            let Some(len) = here.iter().map(|m| m.len).max() else {
                continue;
            };
            for m in here.iter().filter(|m| m.len == len) {
                out.found(*m, sentence);
            }
            next = start + len;
        }
        cache.here = here;
    }
}

/// A match in a document's tokens: [`PatternMatch`] (`start` an index in the document's
/// tokens) and the index of the sentence it is in (0 when sentences are not split).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DocMatch {
    pub(crate) m: PatternMatch,
    pub(crate) sentence: usize,
}

/// Where the scans put a match, with its sentence.
pub(crate) trait Found {
    fn found(&mut self, m: PatternMatch, sentence: usize);
}

impl Found for Vec<PatternMatch> {
    #[inline]
    fn found(&mut self, m: PatternMatch, _sentence: usize) {
        self.push(m);
    }
}

impl Found for Vec<DocMatch> {
    #[inline]
    fn found(&mut self, m: PatternMatch, sentence: usize) {
        self.push(DocMatch { m, sentence });
    }
}

/// The sentences of the words a scan reads: a phrase is matched within one.
trait Bounds {
    /// The sentence of word `i`, `None` when it is in none (and is not matched); asked with
    /// `i` never decreasing.
    fn sentence(&mut self, i: usize) -> Option<usize>;
    /// One past the last word of the sentence of word `i`, the word last asked about.
    fn end(&mut self, i: usize) -> usize;
}

/// Words that are all one sentence.
struct Whole(usize);

impl Bounds for Whole {
    #[inline]
    fn sentence(&mut self, _i: usize) -> Option<usize> {
        Some(0)
    }
    #[inline]
    fn end(&mut self, _i: usize) -> usize {
        self.0
    }
}

/// A document's tokens and sentences, as [`sentence_tokens`] splits them (a token is in the
/// sentence its span starts in), found as the scan reaches a token that may start a pattern
/// instead of for every token beforehand.
struct Sentences<'a, 'b> {
    tokens: &'a [Token<'b>],
    spans: &'a [Span],
    /// The sentence of the token last asked about, or one before it.
    at: usize,
    /// One past the last token of sentence `end_of`.
    end: usize,
    end_of: usize,
}

impl<'a, 'b> Sentences<'a, 'b> {
    fn new(tokens: &'a [Token<'b>], spans: &'a [Span]) -> Self {
        Sentences {
            tokens,
            spans,
            at: 0,
            end: 0,
            end_of: usize::MAX,
        }
    }
}

impl Bounds for Sentences<'_, '_> {
    #[inline]
    fn sentence(&mut self, i: usize) -> Option<usize> {
        if self.spans.is_empty() {
            return Some(0);
        }
        let start = self.tokens.get(i)?.span.start;
        while self.spans.get(self.at).is_some_and(|s| s.end <= start) {
            self.at += 1;
        }
        (start >= self.spans.get(self.at)?.start).then_some(self.at)
    }

    fn end(&mut self, i: usize) -> usize {
        let Some(s) = self.spans.get(self.at) else {
            return self.tokens.len();
        };
        if self.end_of != self.at {
            let mut t = i + 1;
            while self.tokens.get(t).is_some_and(|t| t.span.start < s.end) {
                t += 1;
            }
            self.end = t;
            self.end_of = self.at;
        }
        self.end
    }
}

/// The tokens of each sentence: for sentence `i` of `sentences`, the range of `tokens` whose
/// spans start inside it, so that a phrase is matched within one sentence. Both are in text
/// order. With no sentences (sentence splitting off), every token is in one range. A token
/// that starts in no sentence is in none.
pub fn sentence_tokens(tokens: &[Token<'_>], sentences: &[Span]) -> Vec<Range<usize>> {
    if sentences.is_empty() {
        return std::iter::once(0..tokens.len()).collect();
    }
    let mut out = Vec::with_capacity(sentences.len());
    let mut t = 0;
    for s in sentences {
        while t < tokens.len() && tokens[t].span.start < s.start {
            t += 1;
        }
        let from = t;
        while t < tokens.len() && tokens[t].span.start < s.end {
            t += 1;
        }
        out.push(from..t);
    }
    out
}

#[cfg(test)]
mod tests;

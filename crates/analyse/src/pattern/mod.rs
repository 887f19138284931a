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
    let g: Vec<char> = glob.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut gi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if gi < g.len() && (g[gi] == '?' || (g[gi] != '*' && g[gi] == t[ti])) {
            gi += 1;
            ti += 1;
        } else if gi < g.len() && g[gi] == '*' {
            star = Some((gi, ti));
            gi += 1;
        } else if let Some((sg, st)) = star {
            gi = sg + 1;
            ti = st + 1;
            star = Some((sg, st + 1));
        } else {
            return false;
        }
    }
    g[gi..].iter().all(|&c| c == '*')
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
    /// Token text → index into `lists` (0: no pattern starts with it).
    seen: HashMap<Box<str>, u32, FxBuild>,
    /// Candidate lists; `lists[0]` is empty.
    lists: Vec<Box<[u32]>>,
}

/// How many token texts a cache remembers before starting over.
const CACHE_LIMIT: usize = 1 << 20;

/// Patterns indexed by their first element.
#[derive(Debug, Clone, Default)]
pub struct Matcher {
    patterns: Vec<Pattern>,
    words: HashMap<Box<str>, Vec<u32>, FxBuild>,
    prefixes: HashMap<Box<str>, Vec<u32>, FxBuild>,
    /// The distinct lengths of the prefixes, in bytes.
    prefix_lens: Vec<usize>,
    suffixes: HashMap<Box<str>, Vec<u32>, FxBuild>,
    suffix_lens: Vec<usize>,
    /// Patterns whose first element is a glob of another shape.
    other: Vec<u32>,
}

impl Matcher {
    /// Indexes `patterns`; a match names its pattern by its index here.
    pub fn new(patterns: &[Pattern]) -> Matcher {
        let mut m = Matcher {
            patterns: patterns.to_vec(),
            ..Matcher::default()
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

    /// The candidate list of `token`, from the cache or worked out and remembered.
    fn candidates<'c>(&self, token: &str, cache: &'c mut MatchCache) -> &'c [u32] {
        if cache.lists.is_empty() {
            cache.lists.push(Box::new([]));
        }
        if let Some(&i) = cache.seen.get(token) {
            return &cache.lists[i as usize];
        }
        if cache.seen.len() >= CACHE_LIMIT {
            cache.seen.clear();
            cache.lists.truncate(1);
        }
        let found = self.first_candidates(token);
        let index = if found.is_empty() {
            0
        } else {
            cache.lists.push(found.into_boxed_slice());
            (cache.lists.len() - 1) as u32
        };
        cache.seen.insert(token.into(), index);
        &cache.lists[index as usize]
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
        let Some(first) = words.get(start) else {
            return;
        };
        for &p in self.candidates(first.as_ref(), cache) {
            let pattern = &self.patterns[p as usize];
            let len = pattern.len();
            if start + len <= words.len()
                && pattern.elements[1..]
                    .iter()
                    .zip(&words[start + 1..])
                    .all(|(e, w)| e.matches(w.as_ref()))
            {
                out.push(PatternMatch {
                    start,
                    len,
                    pattern: p as usize,
                });
            }
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
        let mut here = Vec::new();
        // (group, first word it may match again)
        let mut busy: Vec<(usize, usize)> = Vec::new();
        for start in 0..words.len() {
            here.clear();
            self.matches_at(words, start, cache, &mut here);
            if here.is_empty() {
                continue;
            }
            // The longest of each group; `here` is in pattern order, so the first wins ties.
            here.sort_by(|a, b| {
                group[a.pattern]
                    .cmp(&group[b.pattern])
                    .then(b.len.cmp(&a.len))
                    .then(a.pattern.cmp(&b.pattern))
            });
            let mut last_group = usize::MAX;
            for m in &here {
                let g = group[m.pattern];
                if g == last_group {
                    continue;
                }
                last_group = g;
                match busy.iter_mut().find(|(bg, _)| *bg == g) {
                    Some((_, free)) if *free > start => continue,
                    Some((_, free)) => *free = start + m.len,
                    None => busy.push((g, start + m.len)),
                }
                out.push(*m);
            }
        }
        out
    }

    /// The matches of each pattern on its own ([`each_grouped`](Self::each_grouped) with
    /// every pattern its own group).
    pub fn each<W: AsRef<str>>(&self, words: &[W], cache: &mut MatchCache) -> Vec<PatternMatch> {
        let group: Vec<usize> = (0..self.patterns.len()).collect();
        self.each_grouped(words, &group, cache)
    }

    /// Longest match first, left to right, without overlap, over all patterns together: at
    /// each word the longest match is taken and the words it covers are not matched again.
    /// Every pattern matching those same words is returned (in pattern order), so that a
    /// dictionary can count each of their categories.
    pub fn longest<W: AsRef<str>>(&self, words: &[W], cache: &mut MatchCache) -> Vec<PatternMatch> {
        let mut out = Vec::new();
        let mut here = Vec::new();
        let mut start = 0;
        while start < words.len() {
            here.clear();
            self.matches_at(words, start, cache, &mut here);
            let Some(len) = here.iter().map(|m| m.len).max() else {
                start += 1;
                continue;
            };
            out.extend(here.iter().filter(|m| m.len == len));
            start += len;
        }
        out
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

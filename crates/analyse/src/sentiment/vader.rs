//! The VADER scorer.

use std::cell::RefCell;
use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use wordmill_model::Span;
use wordmill_model::swar::{HIGH, ONES, load8, range_mask};

use super::explain::{Explanation, NoRecord, Record, Recorder, Rule, TokenExplanation};
use super::lexicon::{EmojiLexicon, Lexicon};
use super::table::{
    B_DECR, B_INCR, Entry, FxBuild, Packed, SHORT, Table, Word, idiom2, idiom3, multi_dampener,
};
use super::text::{count_chars_upto, is_ascii_punct, is_ascii_py_space, is_py_space, py_isupper};

/// Added to (or taken from) the valence of an ALL-CAPS word.
const C_INCR: f64 = 0.733;
/// The negation factor.
const N_SCALAR: f64 = -0.74;

/// Which rule set [`Vader`] applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rules {
    /// vaderSentiment 3.3.2 exactly, quirks included.
    #[default]
    Vader,
    /// VADER with the known defects of 3.3.2 repaired for news text (see the module docs).
    VaderNews,
    /// No rules: the plain sum of the lexicon values of the tokens, normalised like VADER's
    /// compound (tokenised as [`Rules::VaderNews`] does, no punctuation amplifier).
    None,
}

impl Rules {
    /// Every rule set, by the names pipeline files use.
    pub const NAMES: [&'static str; 3] = ["vader", "vader-news", "none"];

    /// The name pipeline files and reports use: `vader`, `vader-news` or `none`.
    pub const fn name(self) -> &'static str {
        match self {
            Rules::Vader => "vader",
            Rules::VaderNews => "vader-news",
            Rules::None => "none",
        }
    }
}

impl std::str::FromStr for Rules {
    type Err = crate::UnknownName;

    /// `vader`, `vader-news` or `none`.
    fn from_str(s: &str) -> Result<Self, crate::UnknownName> {
        match s {
            "vader" => Ok(Rules::Vader),
            "vader-news" => Ok(Rules::VaderNews),
            "none" => Ok(Rules::None),
            other => Err(crate::UnknownName {
                what: "rules",
                found: other.to_owned(),
                expected: &Rules::NAMES,
            }),
        }
    }
}

/// VADER's four scores, rounded as vaderSentiment rounds them (3 decimals, compound 4).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Scores {
    /// Share of negative valence.
    pub neg: f64,
    /// Share of neutral tokens.
    pub neu: f64,
    /// Share of positive valence.
    pub pos: f64,
    /// The normalised sum of valences, in [-1, 1].
    pub compound: f64,
}

/// VADER's scores before rounding, with the valence sum and punctuation amplifier.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct RawScores {
    /// Share of negative valence, unrounded.
    pub neg: f64,
    /// Share of neutral tokens, unrounded.
    pub neu: f64,
    /// Share of positive valence, unrounded.
    pub pos: f64,
    /// Compound score, unrounded.
    pub compound: f64,
    /// Sum of the token valences, before the punctuation amplifier.
    pub sum: f64,
    /// The punctuation amplifier (`!` and `?` emphasis).
    pub punct_amp: f64,
}

impl RawScores {
    /// Rounds like Python's `round`: neg, neu and pos to 3 decimals, compound to 4.
    pub fn rounded(&self) -> Scores {
        Scores {
            neg: py_round(self.neg, 3),
            neu: py_round(self.neu, 3),
            pos: py_round(self.pos, 3),
            compound: py_round(self.compound, 4),
        }
    }
}

/// Python's `round(x, digits)` for f64: the exact binary value rounded half to even, then
/// the nearest f64 to that decimal.
#[inline]
pub(crate) fn py_round(x: f64, digits: u32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let a = x.abs();
    let scale = 10u64.pow(digits);
    if a < 1e6 && digits <= 6 {
        // Fast path: a·scale is computed with an error far below 1e-6, so unless it lies
        // that close to a tie, rounding it is rounding the exact value.
        // (Integer truncation, not `floor`/`round`, which are library calls on baseline x86-64.)
        let p = a * scale as f64;
        let q = p as u64;
        let f = p - q as f64;
        if (f - 0.5).abs() > 1e-6 {
            let k = q + u64::from(f > 0.5);
            let y = k as f64 / scale as f64;
            return if x < 0.0 { -y } else { y };
        }
    }
    py_round_exact(x, digits)
}

/// [`py_round`] from the exact binary value of `x` (finite, non-zero), for the values the
/// fast path cannot round.
#[cold]
#[inline(never)]
fn py_round_exact(x: f64, digits: u32) -> f64 {
    let a = x.abs();
    let scale = 10u64.pow(digits);
    if a >= 1e9 || digits > 6 {
        let s = format!("{:.*}", digits as usize, x);
        return s.parse().unwrap_or(x);
    }
    let bits = a.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (m, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp - 1075)
    };
    // a = m · 2^e with e < 0 here (a < 2^30 and m ≥ 2^52 unless subnormal).
    let p = u128::from(m) * u128::from(scale);
    let sh = (-e) as u32;
    let k = if sh >= 127 {
        0
    } else {
        let q = p >> sh;
        let r = p & ((1u128 << sh) - 1);
        let half = 1u128 << (sh - 1);
        if r > half || (r == half && q & 1 == 1) {
            q + 1
        } else {
            q
        }
    };
    // k < 2^53, so both operands are exact and the division is correctly rounded.
    let y = k as u64 as f64 / scale as f64;
    if x < 0.0 { -y } else { y }
}

/// One token, analysed once.
#[derive(Debug, Clone, Copy, Default)]
struct Tok {
    lex: f64,
    has_lex: bool,
    is_booster: bool,
    dampener: bool,
    negation: bool,
    word: Word,
    upper: bool,
    start: u32,
    end: u32,
}

impl Tok {
    #[inline]
    fn set(&mut self, entry: &Entry) {
        self.lex = entry.lex;
        self.has_lex = entry.has_lex;
        self.is_booster = entry.is_booster;
        self.dampener = entry.dampener;
        self.negation = entry.negate;
        self.word = entry.word;
    }

    /// Booster (+0.293) or dampener (-0.293) value (meaningful when `is_booster`).
    #[inline]
    fn booster(&self) -> f64 {
        if self.dampener { B_DECR } else { B_INCR }
    }
}

/// True when some byte of `w` equals `b` (`b` non-zero, so zero padding never matches).
#[inline]
fn has_byte(w: u64, b: u8) -> bool {
    let x = w ^ (ONES * u64::from(b));
    x.wrapping_sub(ONES) & !x & HIGH != 0
}

/// High bit of each upper-case ASCII letter.
#[inline]
fn upper_mask(w: u64) -> u64 {
    range_mask(w, b'A', b'Z')
}

/// High bit of each lower-case ASCII letter.
#[inline]
fn lower_mask(w: u64) -> u64 {
    range_mask(w, b'a', b'z')
}

/// High bit set in the first byte of `w` that is ASCII whitespace (Python's: `\t`..`\r`,
/// U+001C..U+001F, space) or not ASCII, and possibly in bytes after it; 0 when there is none.
///
/// [`range_mask`] is exact on ASCII bytes; a non-ASCII byte may carry into the bytes after it
/// (more significant ones), never into those before, and is itself marked by its high bit.
#[inline]
fn stop_mask(w: u64) -> u64 {
    (w & HIGH) | range_mask(w, b'\t', b'\r') | range_mask(w, 0x1c, b' ')
}

/// A mask of the low `n` bytes of a word (all of them from 8 on).
#[inline]
fn low_bytes(n: usize) -> u64 {
    if n >= 8 { !0 } else { (1u64 << (n * 8)) - 1 }
}

/// The number of bytes of `w` equal to `c`.
#[inline]
fn count_byte(w: u64, c: u8) -> u32 {
    let x = w ^ (ONES * u64::from(c));
    // High bit of each byte of `x` that is non-zero, exactly (no carries between bytes).
    let nonzero = ((x & !HIGH) + !HIGH) | x;
    (!nonzero & HIGH).count_ones()
}

/// Byte classes for the tokeniser.
const WORD: u8 = 0;
const SPACE: u8 = 1;
const NON_ASCII: u8 = 2;

/// The class of every byte: ASCII whitespace (Python's), other ASCII, or part of a
/// non-ASCII character.
static CLASS: [u8; 256] = {
    let mut t = [WORD; 256];
    let mut i = 0;
    while i < 256 {
        if i >= 0x80 {
            t[i] = NON_ASCII;
        } else if is_ascii_py_space(i as u8) {
            t[i] = SPACE;
        }
        i += 1;
    }
    t
};

/// Reusable buffers, one set per thread.
#[derive(Default)]
struct Scratch {
    toks: Vec<Tok>,
    vals: Vec<f64>,
    /// Indices of the tokens with a lexicon value, in order.
    lexical: Vec<usize>,
    lower: String,
    emoji: String,
    /// Emoji replacements: (out_start, out_end, in_start, in_end), recorded when explaining.
    segs: Vec<(usize, usize, usize, usize)>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Characters [`Rules::VaderNews`] strips from token edges besides ASCII punctuation.
#[inline]
fn is_unicode_punct(c: char) -> bool {
    matches!(
        c,
        '\u{201C}'
            | '\u{201D}'
            | '\u{2018}'
            | '\u{2019}'
            | '\u{AB}'
            | '\u{BB}'
            | '\u{201E}'
            | '\u{A1}'
            | '\u{BF}'
            | '\u{2026}'
            | '\u{2014}'
            | '\u{2013}'
    )
}

/// Apostrophe look-alikes [`Rules::VaderNews`] reads as `'`.
#[inline]
fn is_apostrophe_like(c: char) -> bool {
    matches!(c, '\u{2019}' | '\u{2018}' | '\u{2BC}')
}

/// A VADER sentiment scorer: a lexicon, an emoji lexicon and a rule set.
///
/// `Vader` is `Send + Sync`; share one between threads. Scoring allocates nothing in the
/// common case (buffers are reused per thread).
///
/// ```
/// use wordmill_analyse::{Lexicon, Rules, Vader};
///
/// let vader = Vader::new(Lexicon::vader(), Rules::Vader);
/// let s = vader.polarity_scores("VADER is smart, handsome, and funny!");
/// assert_eq!((s.neg, s.neu, s.pos, s.compound), (0.0, 0.248, 0.752, 0.8439));
/// ```
#[derive(Debug, Clone)]
pub struct Vader {
    /// Distinct for each scorer made, kept by its clones (see [`Vader::id`]).
    id: u64,
    lexicon: Lexicon,
    emoji: EmojiLexicon,
    rules: Rules,
    table: Table,
    /// Longest emoji key in code points.
    emoji_max_chars: usize,
    /// Smallest single-code-point emoji key.
    emoji_min: char,
    /// First code points of all emoji keys (so every single-code-point key is one).
    emoji_first: HashSet<char, FxBuild>,
}

impl Default for Vader {
    /// The built-in VADER lexicons with [`Rules::Vader`].
    fn default() -> Self {
        Vader::new(Lexicon::vader(), Rules::Vader)
    }
}

impl Vader {
    /// The same for this scorer and its clones, different for every other scorer made: two
    /// scorers with the same id give every text the same scores.
    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// A scorer with `lexicon`, the built-in emoji lexicon and `rules`.
    pub fn new(lexicon: Lexicon, rules: Rules) -> Self {
        Vader::with_emoji(lexicon, EmojiLexicon::vader(), rules)
    }

    /// A scorer with `lexicon`, `emoji` and `rules`.
    pub fn with_emoji(lexicon: Lexicon, emoji: EmojiLexicon, rules: Rules) -> Self {
        let table = Table::new(&lexicon);
        let mut emoji_max_chars = 0;
        let mut emoji_min = char::MAX;
        let mut emoji_first = HashSet::default();
        for (k, _) in emoji.lines() {
            let mut chars = k.chars();
            let Some(c) = chars.next() else {
                continue;
            };
            emoji_first.insert(c);
            let rest = chars.count();
            if rest == 0 {
                emoji_min = emoji_min.min(c);
            }
            emoji_max_chars = emoji_max_chars.max(1 + rest);
        }
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Vader {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            lexicon,
            emoji,
            rules,
            table,
            emoji_max_chars,
            emoji_min,
            emoji_first,
        }
    }

    /// The rule set.
    pub fn rules(&self) -> Rules {
        self.rules
    }

    /// The word lexicon.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// The emoji lexicon.
    pub fn emoji_lexicon(&self) -> &EmojiLexicon {
        &self.emoji
    }

    /// Scores `text`: with [`Rules::Vader`], exactly vaderSentiment 3.3.2's
    /// `SentimentIntensityAnalyzer().polarity_scores(text)`.
    pub fn polarity_scores(&self, text: &str) -> Scores {
        self.polarity_scores_raw(text).rounded()
    }

    /// The scores before rounding (with [`Rules::Vader`], bit for bit vaderSentiment's).
    pub fn polarity_scores_raw(&self, text: &str) -> RawScores {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut s) => self.run(text, &mut s, &mut NoRecord),
            Err(_) => self.run(text, &mut Scratch::default(), &mut NoRecord),
        })
    }

    /// Scores `text` and tells, for each token that carried valence, which rules shaped it.
    ///
    /// ```
    /// use wordmill_analyse::{Rule, Vader};
    ///
    /// let e = Vader::default().explain("The food is not very good");
    /// let good = e.tokens.iter().find(|t| t.text == "good").unwrap();
    /// assert_eq!(good.lexicon, Some(1.9));
    /// let rules: Vec<Rule> = good.rules.iter().map(|a| a.rule).collect();
    /// assert_eq!(rules, [Rule::Booster, Rule::Negation]);
    /// assert_eq!(e.scores, Vader::default().polarity_scores("The food is not very good"));
    /// ```
    pub fn explain(&self, text: &str) -> Explanation {
        let mut s = Scratch::default();
        let mut rec = Record::default();
        let raw = self.run(text, &mut s, &mut rec);
        // A fresh scratch: `emoji` is non-empty exactly when the text was substituted.
        let work: &str = if s.emoji.is_empty() { text } else { &s.emoji };
        let map = |p: usize, is_end: bool| -> usize {
            let mut shift_out = 0usize;
            let mut shift_in = 0usize;
            for &(os, oe, is, ie) in &s.segs {
                if p < os {
                    break;
                }
                if p < oe || (is_end && p == oe) {
                    return if is_end { ie } else { is };
                }
                shift_out = oe;
                shift_in = ie;
            }
            shift_in + (p - shift_out)
        };
        let mut tokens = Vec::new();
        for (i, t) in s.toks.iter().enumerate() {
            let rules: Vec<_> = rec
                .events
                .iter()
                .filter(|(k, _)| *k == i)
                .map(|(_, a)| *a)
                .collect();
            let valence = s.vals.get(i).copied().unwrap_or(0.0);
            if !(t.has_lex || valence != 0.0 || !rules.is_empty()) {
                continue;
            }
            let (a, b) = (t.start as usize, t.end as usize);
            let span = Span::new(map(a, false), map(b, true));
            let span = text.get(span.start..span.end).map(|_| span);
            tokens.push(TokenExplanation {
                index: i,
                text: work[a..b].to_string(),
                span,
                lexicon: t.has_lex.then_some(t.lex),
                valence,
                rules,
            });
        }
        Explanation {
            scores: raw.rounded(),
            raw,
            token_count: s.toks.len(),
            tokens,
        }
    }

    /// The whole pipeline, generic over the recorder.
    fn run<R: Recorder>(&self, text: &str, s: &mut Scratch, rec: &mut R) -> RawScores {
        let Scratch {
            toks,
            vals,
            lexical,
            lower,
            emoji,
            segs,
        } = s;
        segs.clear();
        let substituted = self.substitute_emoji(text, emoji, if R::ON { Some(segs) } else { None });
        let work: &str = if substituted { emoji } else { text };
        toks.clear();
        vals.clear();
        self.tokenise(work, lower, toks);
        let n = toks.len();
        if n == 0 {
            return RawScores::default();
        }
        // Only a token with a lexicon value can have a non-zero valence: every other token
        // keeps the 0 it starts with, and is left out of the loops below.
        lexical.clear();
        lexical.resize(n, 0);
        let mut found = 0;
        let mut uppers = 0;
        for (i, t) in toks.iter().enumerate() {
            // Written at every token, kept (by moving on) only at lexicon tokens.
            if let Some(x) = lexical.get_mut(found) {
                *x = i;
            }
            found += usize::from(t.has_lex);
            uppers += usize::from(t.upper);
        }
        lexical.truncate(found);
        vals.resize(n, 0.0);
        let amp = match self.rules {
            Rules::None => {
                for &i in lexical.iter() {
                    vals[i] = toks[i].lex;
                }
                0.0
            }
            Rules::Vader | Rules::VaderNews => {
                let news = self.rules == Rules::VaderNews;
                let cap_diff = uppers > 0 && uppers < n;
                for &i in lexical.iter() {
                    vals[i] = valence(toks, i, cap_diff, news, rec);
                }
                if let Some(b) = toks.iter().position(|t| t.word == Word::But) {
                    if news {
                        but_by_position(vals, b, rec);
                    } else {
                        but_by_value(vals, b, rec);
                    }
                }
                punctuation_amplifier(work)
            }
        };
        score(vals, lexical, amp)
    }

    /// Replaces emoji by their descriptions into `out`; false (and `out` untouched) when the
    /// text has no emoji. With [`Rules::Vader`], one code point at a time (3.3.2); otherwise
    /// longest match over all keys first.
    fn substitute_emoji(
        &self,
        text: &str,
        out: &mut String,
        mut segs: Option<&mut Vec<(usize, usize, usize, usize)>>,
    ) -> bool {
        if text.is_ascii() {
            return false;
        }
        let longest = self.rules != Rules::Vader;
        let bytes = text.as_bytes();
        // Find the first match without writing anything.
        let mut pos = 0;
        let first = loop {
            // Jump to the next lead byte of a non-ASCII character (or, for longest matching,
            // to the ASCII byte before it, which may start a keycap sequence).
            let Some(next) = bytes[pos..].iter().position(|&b| b >= 0xC0) else {
                return false;
            };
            let lead = pos + next;
            pos = if longest && lead > pos && bytes[lead - 1] < 0x80 {
                lead - 1
            } else {
                lead
            };
            if bytes[pos] < 0x80
                && self
                    .emoji_at(text, pos, bytes[pos] as char, longest)
                    .is_none()
            {
                pos += 1;
            }
            let c = text[pos..].chars().next().expect("at a character boundary");
            if let Some(m) = self.emoji_at(text, pos, c, longest) {
                break (pos, m);
            }
            pos += c.len_utf8();
        };
        out.clear();
        out.push_str(&text[..first.0]);
        let mut prev_space = first.0 == 0 || bytes[first.0 - 1] == b' ';
        let mut pos = first.0;
        let mut next = Some(first.1);
        loop {
            if let Some((len, desc)) = next {
                if !prev_space {
                    out.push(' ');
                }
                let os = out.len();
                out.push_str(desc);
                if let Some(segs) = segs.as_deref_mut() {
                    segs.push((os, out.len(), pos, pos + len));
                }
                prev_space = false;
                pos += len;
            } else {
                let c = text[pos..].chars().next().expect("in range");
                out.push(c);
                prev_space = c == ' ';
                pos += c.len_utf8();
            }
            let Some(c) = text[pos..].chars().next() else {
                break;
            };
            next = self.emoji_at(text, pos, c, longest);
        }
        true
    }

    /// The emoji at byte `pos` (whose first character is `c`): its length in bytes and its
    /// description.
    #[inline]
    fn emoji_at(&self, text: &str, pos: usize, c: char, longest: bool) -> Option<(usize, &str)> {
        if longest {
            let rest = &text[pos..];
            let next_non_ascii = rest
                .as_bytes()
                .get(c.len_utf8())
                .is_some_and(|b| *b >= 0x80);
            if (c.is_ascii() && !next_non_ascii) || !self.emoji_first.contains(&c) {
                return None;
            }
            let mut ends = [0usize; 16];
            let mut k = 0;
            for (i, ch) in rest.char_indices() {
                if k == self.emoji_max_chars.min(ends.len()) {
                    break;
                }
                ends[k] = i + ch.len_utf8();
                k += 1;
            }
            for &end in ends[..k].iter().rev() {
                if let Some(d) = self.emoji.get(&rest[..end]) {
                    // A variation selector after a match belongs to it.
                    let mut len = end;
                    while let Some(v) = rest[len..].chars().next() {
                        if v == '\u{FE0F}' || v == '\u{FE0E}' {
                            len += v.len_utf8();
                        } else {
                            break;
                        }
                    }
                    return Some((len, d));
                }
            }
            None
        } else {
            // Only single-code-point keys can match, and each of them is in `emoji_first`.
            if c < self.emoji_min || !self.emoji_first.contains(&c) {
                return None;
            }
            let mut buf = [0u8; 4];
            let d = self.emoji.get(c.encode_utf8(&mut buf))?;
            Some((c.len_utf8(), d))
        }
    }

    /// Splits like Python's `str.split()` and analyses each token.
    fn tokenise(&self, work: &str, lower: &mut String, toks: &mut Vec<Tok>) {
        let b = work.as_bytes();
        let n = b.len();
        let mut i = 0;
        loop {
            // Skip whitespace.
            while i < n {
                match CLASS[b[i] as usize] {
                    SPACE => i += 1,
                    WORD => break,
                    _ => {
                        let ch = work[i..].chars().next().expect("at a character boundary");
                        if !is_py_space(ch) {
                            break;
                        }
                        i += ch.len_utf8();
                    }
                }
            }
            if i >= n {
                break;
            }
            let start = i;
            let mut ascii = true;
            while i < n {
                // Eight bytes at a time while none is whitespace or non-ASCII.
                while i + 8 <= n {
                    let stop = stop_mask(load8(b, i));
                    if stop != 0 {
                        i += (stop.trailing_zeros() / 8) as usize;
                        break;
                    }
                    i += 8;
                }
                if i >= n {
                    break;
                }
                match CLASS[b[i] as usize] {
                    WORD => i += 1,
                    SPACE => break,
                    _ => {
                        let ch = work[i..].chars().next().expect("at a character boundary");
                        if is_py_space(ch) {
                            break;
                        }
                        ascii = false;
                        i += ch.len_utf8();
                    }
                }
            }
            toks.push(self.analyse_token(work, start, i, ascii, lower));
        }
    }

    /// Strips punctuation from token `work[a..b]`, lower-cases it and looks it up.
    #[inline]
    fn analyse_token(
        &self,
        work: &str,
        a: usize,
        b: usize,
        ascii: bool,
        lower: &mut String,
    ) -> Tok {
        let bytes = work.as_bytes();
        let (s, e) = if self.rules == Rules::Vader || ascii {
            let mut s = a;
            while s < b && is_ascii_punct(bytes[s]) {
                s += 1;
            }
            let mut e = b;
            while e > s && is_ascii_punct(bytes[e - 1]) {
                e -= 1;
            }
            let short = if ascii {
                e - s <= 2
            } else {
                count_chars_upto(&bytes[s..e], 3) <= 2
            };
            if short { (a, b) } else { (s, e) }
        } else {
            let tok = &work[a..b];
            let both = |c: char| c.is_ascii_punctuation() || is_unicode_punct(c);
            let stripped = tok.trim_matches(both);
            if stripped.chars().nth(2).is_some() {
                let lead = tok.len() - tok.trim_start_matches(both).len();
                (a + lead, a + lead + stripped.len())
            } else {
                let lead = tok.len() - tok.trim_start_matches(is_unicode_punct).len();
                (
                    a + lead,
                    a + lead + tok.trim_matches(is_unicode_punct).len(),
                )
            }
        };
        let t = &work[s..e];
        let mut tok = Tok {
            start: s as u32,
            end: e as u32,
            ..Tok::default()
        };
        if t.len() <= SHORT {
            let mut key = if s + SHORT <= bytes.len() {
                // Two unaligned loads, masked to the token: no branching on its length.
                let len = e - s;
                Packed {
                    w0: load8(bytes, s) & low_bytes(len),
                    w1: load8(bytes, s + 8) & low_bytes(len.saturating_sub(8)),
                    len: len as u32,
                }
            } else {
                Packed::new(t.as_bytes())
            };
            if (key.w0 | key.w1) & HIGH == 0 {
                // ASCII: case flags and lower-casing eight bytes at a time.
                let up = upper_mask(key.w0) | upper_mask(key.w1);
                let low = lower_mask(key.w0) | lower_mask(key.w1);
                tok.upper = up != 0 && low == 0;
                key.w0 |= upper_mask(key.w0) >> 2;
                key.w1 |= upper_mask(key.w1) >> 2;
                tok.set(self.table.find(&key));
                if !tok.negation && (has_byte(key.w0, b'\'') || has_byte(key.w1, b'\'')) {
                    let mut buf = [0u8; SHORT];
                    buf[..8].copy_from_slice(&key.w0.to_le_bytes());
                    buf[8..].copy_from_slice(&key.w1.to_le_bytes());
                    tok.negation = buf[..t.len()].windows(3).any(|w| w == b"n't");
                }
                return tok;
            }
        }
        let key: &str = if t.is_ascii() {
            let mut up = false;
            let mut low = false;
            for &c in t.as_bytes() {
                up |= c.is_ascii_uppercase();
                low |= c.is_ascii_lowercase();
            }
            tok.upper = up && !low;
            if up {
                lower.clear();
                lower.push_str(t);
                lower.make_ascii_lowercase();
                lower
            } else {
                t
            }
        } else {
            tok.upper = py_isupper(t);
            lower.clear();
            if t.contains('\u{3A3}') {
                lower.push_str(&t.to_lowercase());
            } else {
                for c in t.chars() {
                    lower.extend(c.to_lowercase());
                }
            }
            if self.rules != Rules::Vader && lower.contains(is_apostrophe_like) {
                *lower = lower.replace(is_apostrophe_like, "'");
            }
            lower
        };
        if let Some(entry) = self.table.get(key) {
            tok.set(entry);
        }
        if !tok.negation && key.as_bytes().contains(&b'\'') {
            tok.negation = key.contains("n't");
        }
        tok
    }
}

/// The valence of token `i` (VADER's `sentiment_valence` with the booster/`kind of` guards).
#[inline]
fn valence<R: Recorder>(toks: &[Tok], i: usize, cap_diff: bool, news: bool, rec: &mut R) -> f64 {
    let n = toks.len();
    let t = &toks[i];
    let w = |k: usize| toks[k].word;
    if t.is_booster || (i + 1 < n && t.word == Word::Kind && w(i + 1) == Word::Of) || !t.has_lex {
        return 0.0;
    }
    let mut v = t.lex;
    // "no" before a lexicon word, and lexicon words after "no".
    if t.word == Word::No && i + 1 < n && toks[i + 1].has_lex {
        if R::ON {
            rec.rule(i, Rule::No, v, 0.0);
        }
        v = 0.0;
    }
    if (i > 0 && w(i - 1) == Word::No)
        || (i > 1 && w(i - 2) == Word::No)
        || (i > 2 && w(i - 3) == Word::No && matches!(w(i - 1), Word::Or | Word::Nor))
    {
        let before = v;
        v = t.lex * N_SCALAR;
        if R::ON {
            rec.rule(i, Rule::No, before, v);
        }
    }
    // ALL CAPS among mixed case.
    if t.upper && cap_diff {
        let before = v;
        if v > 0.0 {
            v += C_INCR;
        } else {
            v -= C_INCR;
        }
        if R::ON {
            rec.rule(i, Rule::Caps, before, v);
        }
    }
    for d in 1..=3usize {
        if i < d || toks[i - d].has_lex {
            continue;
        }
        let p = &toks[i - d];
        // Booster / dampener.
        let mut s = 0.0;
        if p.is_booster {
            s = p.booster();
            if v < 0.0 {
                s *= -1.0;
            }
            if p.upper && cap_diff {
                if v > 0.0 {
                    s += C_INCR;
                } else {
                    s -= C_INCR;
                }
            }
        }
        if d == 2 && s != 0.0 {
            s *= 0.95;
        }
        if d == 3 && s != 0.0 {
            s *= 0.9;
        }
        let before = v;
        v += s;
        if R::ON && p.is_booster {
            let rule = if p.booster() > 0.0 {
                Rule::Booster
            } else {
                Rule::Dampener
            };
            rec.rule(i, rule, before, v);
        }
        // Negation.
        let so_this = |k: usize| matches!(w(k), Word::So | Word::This);
        let factor = match d {
            1 => p.negation.then_some((N_SCALAR, Rule::Negation)),
            2 => {
                if w(i - 2) == Word::Never && so_this(i - 1) {
                    Some((1.25, Rule::Intensifier))
                } else if w(i - 2) == Word::Without && w(i - 1) == Word::Doubt {
                    None
                } else {
                    p.negation.then_some((N_SCALAR, Rule::Negation))
                }
            }
            _ => {
                if (w(i - 3) == Word::Never && so_this(i - 2)) || so_this(i - 1) {
                    Some((1.25, Rule::Intensifier))
                } else if w(i - 3) == Word::Without
                    && (w(i - 2) == Word::Doubt || w(i - 1) == Word::Doubt)
                {
                    None
                } else {
                    p.negation.then_some((N_SCALAR, Rule::Negation))
                }
            }
        };
        if let Some((f, rule)) = factor {
            let before = v;
            v *= f;
            if R::ON {
                rec.rule(i, rule, before, v);
            }
        }
        if d == 3 {
            if !news {
                v = idioms_vader(toks, i, v, rec);
            }
            v = multi_word_dampeners(toks, i, v, rec);
        }
    }
    if news {
        v = idioms_news(toks, i, v, rec);
    }
    // "least".
    let least = i > 0 && !toks[i - 1].has_lex && w(i - 1) == Word::Least;
    if least && (i == 1 || !matches!(w(i - 2), Word::At | Word::Very)) {
        let before = v;
        v *= N_SCALAR;
        if R::ON {
            rec.rule(i, Rule::Least, before, v);
        }
    }
    v
}

/// VADER 3.3.2's special-idiom check (called at distance 3 only).
#[inline]
fn idioms_vader<R: Recorder>(toks: &[Tok], i: usize, mut v: f64, rec: &mut R) -> f64 {
    let n = toks.len();
    let w = |k: usize| toks[k].word;
    let before = v;
    let found = idiom2(w(i - 1), w(i))
        .or_else(|| idiom3(w(i - 2), w(i - 1), w(i)))
        .or_else(|| idiom2(w(i - 2), w(i - 1)))
        .or_else(|| idiom3(w(i - 3), w(i - 2), w(i - 1)))
        .or_else(|| idiom2(w(i - 3), w(i - 2)));
    if let Some(x) = found {
        v = x;
    }
    let mut hit = found.is_some();
    if n - 1 > i
        && let Some(x) = idiom2(w(i), w(i + 1))
    {
        v = x;
        hit = true;
    }
    if n - 1 > i + 1
        && let Some(x) = idiom3(w(i), w(i + 1), w(i + 2))
    {
        v = x;
        hit = true;
    }
    if R::ON && hit {
        rec.rule(i, Rule::Idiom, before, v);
    }
    v
}

/// The idiom check of [`Rules::VaderNews`]: every idiom that contains token `i`, whatever
/// the preceding tokens are.
#[inline]
fn idioms_news<R: Recorder>(toks: &[Tok], i: usize, mut v: f64, rec: &mut R) -> f64 {
    let n = toks.len();
    let w = |k: usize| toks[k].word;
    let mut found = None;
    if i >= 1 {
        found = found.or_else(|| idiom2(w(i - 1), w(i)));
    }
    if i >= 2 {
        found = found.or_else(|| idiom3(w(i - 2), w(i - 1), w(i)));
    }
    if i >= 1 && i + 1 < n {
        found = found.or_else(|| idiom3(w(i - 1), w(i), w(i + 1)));
    }
    if i + 1 < n {
        found = found.or_else(|| idiom2(w(i), w(i + 1)));
    }
    if i + 2 < n {
        found = found.or_else(|| idiom3(w(i), w(i + 1), w(i + 2)));
    }
    if let Some(x) = found {
        if R::ON {
            rec.rule(i, Rule::Idiom, v, x);
        }
        v = x;
    }
    v
}

/// `kind of`, `sort of`, `just enough` before token `i` (at distance 3 only, as in 3.3.2).
#[inline]
fn multi_word_dampeners<R: Recorder>(toks: &[Tok], i: usize, mut v: f64, rec: &mut R) -> f64 {
    let w = |k: usize| toks[k].word;
    for (a, b) in [(i - 3, i - 2), (i - 2, i - 1)] {
        if multi_dampener(w(a), w(b)) {
            let before = v;
            v += B_DECR;
            if R::ON {
                rec.rule(i, Rule::MultiWordDampener, before, v);
            }
        }
    }
    v
}

/// VADER 3.3.2's "but" rule: for each position, the *first* index holding an equal value is
/// scaled (×0.5 before the first `but`, ×1.5 after it).
fn but_by_value<R: Recorder>(vals: &mut [f64], b: usize, rec: &mut R) {
    // Zeros stay zeros under ×0.5 and ×1.5, so the first zero never moves: only non-zero
    // values need the search (which is what keeps this linear in practice).
    let first_zero = vals.iter().position(|&x| x == 0.0);
    for k in 0..vals.len() {
        let val = vals[k];
        let j = match first_zero {
            Some(z) if val == 0.0 => z,
            _ => vals[..=k].iter().position(|&x| x == val).unwrap_or(k),
        };
        let new = if j < b {
            val * 0.5
        } else if j > b {
            val * 1.5
        } else {
            continue;
        };
        if R::ON && val != 0.0 {
            rec.rule(j, Rule::But, vals[j], new);
        }
        vals[j] = new;
    }
}

/// The "but" rule by position: ×0.5 before the first `but`, ×1.5 after it.
fn but_by_position<R: Recorder>(vals: &mut [f64], b: usize, rec: &mut R) {
    for (k, v) in vals.iter_mut().enumerate() {
        let new = if k < b {
            *v * 0.5
        } else if k > b {
            *v * 1.5
        } else {
            continue;
        };
        if R::ON && *v != 0.0 {
            rec.rule(k, Rule::But, *v, new);
        }
        *v = new;
    }
}

/// Emphasis from `!` (0.292 each, at most 4) and `?` (0.18 each for 2–3, 0.96 for 4+).
#[inline]
fn punctuation_amplifier(text: &str) -> f64 {
    let bytes = text.as_bytes();
    let mut ep = 0usize;
    let mut qm = 0usize;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        ep += count_byte(w, b'!') as usize;
        qm += count_byte(w, b'?') as usize;
    }
    for &c in chunks.remainder() {
        ep += usize::from(c == b'!');
        qm += usize::from(c == b'?');
    }
    let ep_amp = ep.min(4) as f64 * 0.292;
    let qm_amp = if qm > 1 {
        if qm <= 3 { qm as f64 * 0.18 } else { 0.96 }
    } else {
        0.0
    };
    ep_amp + qm_amp
}

/// VADER's `score_valence`, in Python's order of operations.
///
/// Only the values at `lexical` (in order) are read: every other value is a zero (of either
/// sign), which adds nothing to a sum (the sum starts at +0.0, so it is never -0.0) and counts
/// as neutral.
#[inline]
fn score(vals: &[f64], lexical: &[usize], amp: f64) -> RawScores {
    let at = |i: usize| vals.get(i).copied().unwrap_or(0.0);
    let mut sum = 0.0f64;
    for &i in lexical {
        sum += at(i);
    }
    let mut s = sum;
    if s > 0.0 {
        s += amp;
    } else if s < 0.0 {
        s -= amp;
    }
    let compound = (s / (s * s + 15.0).sqrt()).clamp(-1.0, 1.0);
    let mut pos_sum = 0.0f64;
    let mut neg_sum = 0.0f64;
    let mut neu = vals.len() - lexical.len();
    for &i in lexical {
        let v = at(i);
        if v > 0.0 {
            pos_sum += v + 1.0;
        }
        if v < 0.0 {
            neg_sum += v - 1.0;
        }
        if v == 0.0 {
            neu += 1;
        }
    }
    if pos_sum > neg_sum.abs() {
        pos_sum += amp;
    } else if pos_sum < neg_sum.abs() {
        neg_sum -= amp;
    }
    let neu = neu as f64;
    let total = pos_sum + neg_sum.abs() + neu;
    RawScores {
        pos: (pos_sum / total).abs(),
        neg: (neg_sum / total).abs(),
        neu: (neu / total).abs(),
        compound,
        sum,
        punct_amp: amp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vader() -> Vader {
        Vader::default()
    }

    fn news() -> Vader {
        Vader::new(Lexicon::vader(), Rules::VaderNews)
    }

    #[test]
    fn py_round_matches_format() {
        let mut x = 0.000_123_f64;
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for i in 0..400_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            x = (state >> 11) as f64 / (1u64 << 53) as f64
                * if state & 1 == 1 { 1.0 } else { -1.0 };
            if i % 2 == 0 {
                // Near and at ties: k/2000 and k/20000 and their neighbours.
                let k = (state >> 40) as f64;
                let t = if i % 4 == 0 { k / 2000.0 } else { k / 20000.0 };
                x = match i % 3 {
                    0 => t,
                    1 => f64::from_bits(t.to_bits() + 1),
                    _ => f64::from_bits(t.to_bits().saturating_sub(1)),
                } % 1.0;
            }
            for d in [3, 4] {
                let want: f64 = format!("{:.*}", d as usize, x).parse().unwrap();
                assert_eq!(py_round(x, d).to_bits(), want.to_bits(), "{x} {d}");
            }
        }
        assert_eq!(py_round(0.0625, 3), 0.062);
        assert_eq!(py_round(0.8125, 3), 0.812);
        assert_eq!(py_round(-0.00001, 4).to_bits(), (-0.0f64).to_bits());
        assert!(x.is_finite());
    }

    #[test]
    fn has_byte_finds_apostrophes() {
        let p = |s: &str| Packed::new(s.as_bytes());
        assert!(has_byte(p("don't").w0, b'\''));
        assert!(!has_byte(p("dont").w0, b'\''));
        assert!(has_byte(p("abcdefghi'").w1, b'\''));
        assert!(!has_byte(p("\u{0}\u{0}").w0, b'\''));
    }

    #[test]
    fn swar_scans_match_bytewise() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Bytes biased towards whitespace, `!`, `?`, NUL and non-ASCII.
            let mut bytes = state.to_le_bytes();
            for (k, b) in bytes.iter_mut().enumerate() {
                let pick = (state >> (k * 3 + 40)) & 7;
                *b = match pick {
                    0 => b' ',
                    1 => [b'\t', b'\n', 0x0b, 0x0c, b'\r', 0x1c, 0x1f, 0x20][k],
                    2 => [b'!', b'?', 0, 0x7f, 0x80, 0xff, 0x1b, 0x21][k],
                    _ => *b,
                };
            }
            let w = u64::from_le_bytes(bytes);
            let first = bytes
                .iter()
                .position(|&b| b >= 0x80 || is_ascii_py_space(b));
            let got = (stop_mask(w) != 0).then(|| (stop_mask(w).trailing_zeros() / 8) as usize);
            assert_eq!(got, first, "{bytes:?}");
            for c in [b'!', b'?'] {
                let want = bytes.iter().filter(|&&b| b == c).count() as u32;
                assert_eq!(count_byte(w, c), want, "{bytes:?}");
            }
        }
    }

    #[test]
    fn masked_loads_pack_like_packed_new() {
        let text: Vec<u8> = (1..=40u8).collect();
        for s in 0..8 {
            for len in 0..=SHORT {
                let want = Packed::new(&text[s..s + len]);
                let got = Packed {
                    w0: load8(&text, s) & low_bytes(len),
                    w1: load8(&text, s + 8) & low_bytes(len.saturating_sub(8)),
                    len: len as u32,
                };
                assert_eq!(got, want, "{s} {len}");
            }
        }
    }

    #[test]
    fn swar_case_masks_match_bytewise() {
        for b in 0u8..128 {
            let w = u64::from(b) << 24;
            assert_eq!(upper_mask(w) != 0, b.is_ascii_uppercase(), "{b}");
            assert_eq!(lower_mask(w) != 0, b.is_ascii_lowercase(), "{b}");
            assert_eq!(
                (w | upper_mask(w) >> 2) >> 24,
                u64::from(b.to_ascii_lowercase())
            );
        }
    }

    #[test]
    fn readme_examples() {
        let v = vader();
        let s = v.polarity_scores("VADER is smart, handsome, and funny!");
        assert_eq!(
            s,
            Scores {
                neg: 0.0,
                neu: 0.248,
                pos: 0.752,
                compound: 0.8439
            }
        );
        let s = v.polarity_scores("VADER is smart, handsome, and funny.");
        assert_eq!(
            s,
            Scores {
                neg: 0.0,
                neu: 0.254,
                pos: 0.746,
                compound: 0.8316
            }
        );
        assert_eq!(v.polarity_scores(""), Scores::default());
        assert_eq!(v.polarity_scores("   \u{1c} "), Scores::default());
    }

    #[test]
    fn no_rule_overrides() {
        let e = vader().explain("no no no");
        let vals: Vec<f64> = e.tokens.iter().map(|t| t.valence).collect();
        assert_eq!(vals, [0.0, 1.2 * 0.74, 1.2 * 0.74]);
    }

    #[test]
    fn curly_apostrophe_negates_only_in_news() {
        // 3.3.2 does not read `don’t` as a negation; VaderNews does.
        let old = vader().polarity_scores("I don’t like it");
        let new = news().polarity_scores("I don’t like it");
        assert_eq!(old.compound, 0.3612);
        assert_eq!(new.compound, -0.2755);
        assert_eq!(new, vader().polarity_scores("I don't like it"));
    }

    #[test]
    fn unicode_quotes_are_stripped_in_news() {
        assert_eq!(vader().polarity_scores("“Good”").compound, 0.0);
        assert_eq!(
            news().polarity_scores("“Good”"),
            vader().polarity_scores("Good")
        );
    }

    #[test]
    fn but_by_position_in_news() {
        // 3.3.2: Nice = 0.45, okay = 0.9 (value collision); news: Nice = 0.9, okay = 1.35.
        let old = vader().explain("Nice, but okay.");
        let new = news().explain("Nice, but okay.");
        let vals = |e: &Explanation| e.tokens.iter().map(|t| t.valence).collect::<Vec<_>>();
        assert_eq!(vals(&old), [0.45, 0.9]);
        assert_eq!(vals(&new), [0.9, 0.9 * 1.5]);
    }

    #[test]
    fn idioms_reachable_in_news() {
        let old = vader().polarity_scores("This party is the bomb");
        let new = news().polarity_scores("This party is the bomb");
        assert!(old.compound < 0.0);
        assert!(new.compound > 0.0, "{new:?}");
        let old = vader().polarity_scores("The cake is to die for");
        let new = news().polarity_scores("The cake is to die for");
        assert!(old.compound < 0.0);
        assert!(new.compound > 0.0, "{new:?}");
    }

    #[test]
    fn multi_code_point_emoji_in_news() {
        let v = vader();
        let n = news();
        // ❤️ = U+2764 U+FE0F: 3.3.2 leaves `heart\u{FE0F}`, which is no lexicon word.
        assert_eq!(v.polarity_scores("\u{2764}\u{FE0F}").compound, 0.0);
        assert!(n.polarity_scores("\u{2764}\u{FE0F}").compound > 0.0);
        // 3.3.2 (and the Python package) give 0.6369 for `I love it ❤️`; news reads the heart.
        assert_eq!(
            v.polarity_scores("I love it \u{2764}\u{FE0F}").compound,
            0.6369
        );
        assert_eq!(
            n.polarity_scores("I love it \u{2764}\u{FE0F}"),
            v.polarity_scores("I love it \u{2764}")
        );
        // A skin-tone thumbs up is one emoji, not "thumbs up" + "medium skin tone".
        let mut out = String::new();
        assert!(n.substitute_emoji("\u{1F44D}\u{1F3FD}", &mut out, None));
        assert_eq!(out, "thumbs up: medium skin tone");
        assert!(v.substitute_emoji("\u{1F44D}\u{1F3FD}", &mut out, None));
        assert_eq!(out, "thumbs up medium skin tone");
        // The span of a substituted token is the emoji's, variation selector included.
        let e = n.explain("I love \u{2764}\u{FE0F}");
        let heart = e.tokens.iter().find(|t| t.text == "heart").unwrap();
        assert_eq!(heart.span, Some(Span::new(7, 13)));
    }

    #[test]
    fn plain_rules_sum_the_lexicon() {
        let p = Vader::new(Lexicon::vader(), Rules::None);
        let s = p.polarity_scores_raw("not good!!!");
        assert_eq!(s.sum, 1.9);
        assert_eq!(s.punct_amp, 0.0);
    }

    #[test]
    fn explain_spans_map_through_emoji() {
        let e = vader().explain("so 😀 happy");
        let happy = e.tokens.iter().find(|t| t.text == "happy").unwrap();
        assert_eq!(happy.span, Some(Span::new(8, 13)));
        let face = e.tokens.iter().find(|t| t.text == "grinning").unwrap();
        assert_eq!(face.span, Some(Span::new(3, 7)));
    }

    /// VADER's `score_valence` over every value, as 3.3.2 computes it.
    fn score_all(vals: &[f64], amp: f64) -> RawScores {
        let sum = vals.iter().fold(0.0, |s, &v| s + v);
        let s = if sum > 0.0 {
            sum + amp
        } else if sum < 0.0 {
            sum - amp
        } else {
            sum
        };
        let compound = (s / (s * s + 15.0).sqrt()).clamp(-1.0, 1.0);
        let (mut pos_sum, mut neg_sum, mut neu) = (0.0f64, 0.0f64, 0u32);
        for &v in vals {
            if v > 0.0 {
                pos_sum += v + 1.0;
            }
            if v < 0.0 {
                neg_sum += v - 1.0;
            }
            if v == 0.0 {
                neu += 1;
            }
        }
        if pos_sum > neg_sum.abs() {
            pos_sum += amp;
        } else if pos_sum < neg_sum.abs() {
            neg_sum -= amp;
        }
        let total = pos_sum + neg_sum.abs() + f64::from(neu);
        RawScores {
            pos: (pos_sum / total).abs(),
            neg: (neg_sum / total).abs(),
            neu: (f64::from(neu) / total).abs(),
            compound,
            sum,
            punct_amp: amp,
        }
    }

    #[test]
    fn score_of_the_lexical_values_is_score_of_all() {
        let bits =
            |r: RawScores| [r.neg, r.neu, r.pos, r.compound, r.sum, r.punct_amp].map(f64::to_bits);
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..100_000 {
            let n = 1 + (next() % 12) as usize;
            let mut vals = Vec::new();
            let mut lexical = Vec::new();
            for i in 0..n {
                let r = next();
                // Non-lexical tokens hold a zero of either sign (the "but" rule can leave
                // -0.0); lexical ones any valence, zeros and cancelling values included.
                let v = match r % 8 {
                    0 | 1 => {
                        vals.push(if r & 8 == 0 { 0.0 } else { -0.0 });
                        continue;
                    }
                    2 => 0.0,
                    3 => -0.0,
                    4 => [1.9, -1.9, 0.45, -0.9, 2.0 * 0.74][(r >> 8) as usize % 5],
                    _ => ((r >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 8.0,
                };
                vals.push(v);
                lexical.push(i);
            }
            let amp = [0.0, 0.292, 0.96, 1.168][(next() % 4) as usize];
            assert_eq!(
                bits(score(&vals, &lexical, amp)),
                bits(score_all(&vals, amp)),
                "{vals:?} {lexical:?} {amp}"
            );
        }
    }

    #[test]
    fn scratch_is_reused_across_texts() {
        let v = vader();
        let a = v.polarity_scores("I love this!");
        v.polarity_scores("😀 a much longer text with many tokens in it, but still fine");
        assert_eq!(v.polarity_scores("I love this!"), a);
    }
}

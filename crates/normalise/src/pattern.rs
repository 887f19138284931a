//! Regex tokenisers with Python's `\w`, and scikit-learn's default pattern by hand.

use regex::Regex;

use crate::error::NormaliseError;
use crate::pyclass::{class_body, is_python_whitespace, is_python_word_char};
use crate::tables::{PY_SPACE, PY_WORD};

/// scikit-learn's default `token_pattern`.
pub(crate) const SKLEARN_PATTERN: &str = r"(?u)\b\w\w+\b";

/// The spellings of "runs of non-whitespace" that [`PatternTokenizer::Whitespace`] takes.
const WHITESPACE_PATTERNS: [&str; 4] = [r"\S+", r"(?u)\S+", r"[^\s]+", r"(?u)[^\s]+"];

/// A compiled pattern tokeniser.
#[derive(Debug, Clone)]
pub(crate) enum PatternTokenizer {
    /// `(?u)\b\w\w+\b`: maximal runs of at least two Python word characters.
    Sklearn,
    /// `\S+`: maximal runs of characters that are not Python whitespace.
    Whitespace,
    /// Any other pattern, translated; `group` is 1 when the pattern has a capturing group.
    Regex { regex: Regex, group: usize },
}

impl PatternTokenizer {
    pub fn new(pattern: &str) -> Result<Self, NormaliseError> {
        if pattern == SKLEARN_PATTERN || pattern == r"\b\w\w+\b" {
            return Ok(PatternTokenizer::Sklearn);
        }
        if WHITESPACE_PATTERNS.contains(&pattern) {
            return Ok(PatternTokenizer::Whitespace);
        }
        let translated = translate(pattern);
        let regex = regex::RegexBuilder::new(&translated)
            .size_limit(64 << 20)
            .build()
            .map_err(|e| NormaliseError::Pattern {
                pattern: pattern.to_string(),
                message: e.to_string(),
            })?;
        let groups = regex.captures_len() - 1;
        if groups > 1 {
            return Err(NormaliseError::TooManyGroups {
                pattern: pattern.to_string(),
                groups,
            });
        }
        Ok(PatternTokenizer::Regex {
            regex,
            group: groups,
        })
    }

    /// Calls `emit(start, end)` for each non-empty token of `text`.
    pub fn tokens(&self, text: &str, emit: &mut impl FnMut(usize, usize)) {
        match self {
            PatternTokenizer::Sklearn => sklearn_tokens(text, emit),
            PatternTokenizer::Whitespace => whitespace_tokens(text, emit),
            PatternTokenizer::Regex { regex, group: 0 } => {
                for m in regex.find_iter(text) {
                    if !m.is_empty() {
                        emit(m.start(), m.end());
                    }
                }
            }
            PatternTokenizer::Regex { regex, group } => {
                for caps in regex.captures_iter(text) {
                    if let Some(m) = caps.get(*group).filter(|m| !m.is_empty()) {
                        emit(m.start(), m.end());
                    }
                }
            }
        }
    }
}

/// The tokens of `(?u)\b\w\w+\b` under Python's `re`: the maximal runs of word characters
/// that are at least two code points long.
pub(crate) fn sklearn_tokens(text: &str, emit: &mut impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let class = |i: usize| BYTE_CLASS[usize::from(bytes[i])];
    let mut i = 0;
    while i < len {
        // Skip ASCII non-word bytes in a tight loop.
        while i < len && class(i) == OTHER {
            i += 1;
        }
        if i >= len {
            break;
        }
        let start = i;
        let mut ascii = true;
        if class(i) == NON_ASCII {
            let (word, n) = char_at(text, i);
            i += n;
            if !word {
                continue;
            }
            ascii = false;
        } else {
            i += 1;
        }
        // Extend the run: ASCII word bytes in a tight loop, other characters one at a time.
        loop {
            while i < len && class(i) == WORD {
                i += 1;
            }
            if i >= len || class(i) != NON_ASCII {
                break;
            }
            let (word, n) = char_at(text, i);
            if !word {
                break;
            }
            ascii = false;
            i += n;
        }
        let run = &bytes[start..i];
        let at_least_two = if ascii {
            run.len() >= 2
        } else {
            run.iter().filter(|&&b| b & 0xc0 != 0x80).nth(1).is_some()
        };
        if at_least_two {
            emit(start, i);
        }
    }
}

/// The next token of [`sklearn_tokens`] at or after byte `*i` of an ASCII text, leaving `*i`
/// just past it; `None` at the end. (In ASCII a code point is a byte.)
#[inline(always)]
pub(crate) fn next_sklearn_ascii(bytes: &[u8], i: &mut usize) -> Option<(usize, usize)> {
    // Python's `\w` in ASCII is `[A-Za-z0-9_]`, the characters the word scanners skip over.
    loop {
        let (start, end, _) = crate::words::next_word_char_run(bytes, *i, bytes.len())?;
        *i = end;
        if end - start >= 2 {
            return Some((start, end));
        }
    }
}

/// Whether the ASCII byte `b` is Python whitespace (`\t\n\x0b\x0c\r`, U+001C..U+001F and
/// the space).
#[inline(always)]
fn is_ascii_py_space(b: u8) -> bool {
    matches!(b, 0x09..=0x0d | 0x1c..=0x20)
}

/// The tokens of `\S+` with Python's `\s`: the maximal runs of characters that are not
/// whitespace ([`is_python_whitespace`]).
pub(crate) fn whitespace_tokens(text: &str, emit: &mut impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let len = bytes.len();
    // Whether the character at byte `i` (a character boundary) is whitespace, and its length.
    let space_at = |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b < 0x80 {
            (is_ascii_py_space(b), 1)
        } else {
            match text[i..].chars().next() {
                Some(c) => (is_python_whitespace(c), c.len_utf8()),
                None => (false, 1),
            }
        }
    };
    let mut i = 0;
    while i < len {
        let (space, n) = space_at(i);
        if space {
            i += n;
            continue;
        }
        let start = i;
        i += n;
        while i < len {
            let b = bytes[i];
            if b < 0x80 {
                if is_ascii_py_space(b) {
                    break;
                }
                i += 1;
            } else {
                let (space, n) = space_at(i);
                if space {
                    break;
                }
                i += n;
            }
        }
        emit(start, i);
    }
}

/// The next token of [`whitespace_tokens`] at or after byte `*i` of an ASCII text, leaving
/// `*i` just past it; `None` at the end.
#[inline(always)]
pub(crate) fn next_whitespace_ascii(bytes: &[u8], i: &mut usize) -> Option<(usize, usize)> {
    while *i < bytes.len() && is_ascii_py_space(bytes[*i]) {
        *i += 1;
    }
    if *i >= bytes.len() {
        return None;
    }
    let start = *i;
    while *i < bytes.len() && !is_ascii_py_space(bytes[*i]) {
        *i += 1;
    }
    Some((start, *i))
}

/// Byte classes for [`sklearn_tokens`]: an ASCII byte that is not a word character, an ASCII
/// word character, or a byte of a non-ASCII character (looked at as a whole character).
const OTHER: u8 = 0;
const WORD: u8 = 1;
const NON_ASCII: u8 = 2;

static BYTE_CLASS: [u8; 256] = {
    let mut t = [NON_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = if crate::pyclass::ASCII_WORD[b] {
            WORD
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

/// Whether the character at byte `i` (a character boundary) is a Python word character, and
/// its length.
#[inline]
fn char_at(text: &str, i: usize) -> (bool, usize) {
    match text[i..].chars().next() {
        Some(c) => (is_python_word_char(c), c.len_utf8()),
        None => (false, 1),
    }
}

/// Rewrites `\w`, `\W`, `\s` and `\S` (outside and inside character classes) into explicit
/// classes with Python's meaning; everything else is left to the `regex` crate.
fn translate(pattern: &str) -> String {
    let word = class_body(PY_WORD);
    let space = class_body(PY_SPACE);
    let mut out = String::with_capacity(pattern.len() + 64);
    let mut depth = 0usize; // character-class nesting
    let mut class_start = false; // just after `[` or `[^`: a `]` here is a literal
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let Some(next) = chars.next() else {
                    out.push('\\');
                    break;
                };
                let (body, negated) = match next {
                    'w' => (Some(&word), false),
                    'W' => (Some(&word), true),
                    's' => (Some(&space), false),
                    'S' => (Some(&space), true),
                    _ => (None, false),
                };
                match body {
                    Some(body) if depth > 0 && !negated => out.push_str(body),
                    Some(body) => {
                        out.push_str(if negated { "[^" } else { "[" });
                        out.push_str(body);
                        out.push(']');
                    }
                    None => {
                        out.push('\\');
                        out.push(next);
                    }
                }
            }
            '[' => {
                out.push('[');
                depth += 1;
                class_start = true;
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                continue;
            }
            ']' if depth > 0 && !class_start => {
                out.push(']');
                depth -= 1;
            }
            _ => out.push(c),
        }
        class_start = false;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn toks(t: &PatternTokenizer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        t.tokens(text, &mut |s, e| out.push(text[s..e].to_string()));
        out
    }

    #[test]
    fn sklearn_default_examples() {
        let t = PatternTokenizer::new(SKLEARN_PATTERN).unwrap();
        assert!(matches!(t, PatternTokenizer::Sklearn));
        assert_eq!(
            toks(&t, "don't a b cd_e 3.14 x²"),
            ["don", "cd_e", "14", "x²"]
        );
        assert_eq!(
            toks(&t, "cafe\u{301} naïve ①② i\u{307}stanbul"),
            ["cafe", "naïve", "①②", "stanbul"]
        );
        assert_eq!(
            toks(&t, "zero\u{200b}width joiner\u{200d}test soft\u{ad}hyphen"),
            ["zero", "width", "joiner", "test", "soft", "hyphen"]
        );
    }

    #[test]
    fn translated_classes_have_python_meaning() {
        let t = PatternTokenizer::new(r"\w+").unwrap();
        assert_eq!(toks(&t, "cafe\u{301} x²"), ["cafe", "x²"]);
        let t = PatternTokenizer::new(r"[\w']+").unwrap();
        assert_eq!(toks(&t, "don't stop"), ["don't", "stop"]);
        let t = PatternTokenizer::new(r"[^\W\d]+").unwrap();
        assert_eq!(toks(&t, "abc123def"), ["abc", "def"]);
        let t = PatternTokenizer::new(r"\S+").unwrap();
        assert!(matches!(t, PatternTokenizer::Whitespace));
        assert_eq!(toks(&t, "a\u{1f}b c"), ["a", "b", "c"]);
        assert_eq!(toks(&t, " x\u{200b}y\u{3000}z\u{85}"), ["x\u{200b}y", "z"]);
        let t = PatternTokenizer::new(r"[]a]+").unwrap();
        assert_eq!(toks(&t, "a]a b"), ["a]a"]);
    }

    #[test]
    fn one_group_gives_the_token_and_two_are_an_error() {
        let t = PatternTokenizer::new(r"#(\w+)").unwrap();
        assert_eq!(toks(&t, "#tag and #more"), ["tag", "more"]);
        let err = PatternTokenizer::new(r"(a)(b)").unwrap_err();
        assert!(matches!(
            err,
            NormaliseError::TooManyGroups { groups: 2, .. }
        ));
        let err = PatternTokenizer::new(r"(unclosed").unwrap_err();
        assert!(err.to_string().contains("expected a regular expression"));
    }

    /// A naive statement of the rule, one character at a time.
    fn naive(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            if is_python_word_char(c) {
                cur.push(c);
            } else {
                if cur.chars().count() >= 2 {
                    out.push(cur.clone());
                }
                cur.clear();
            }
        }
        out
    }

    proptest! {
        #[test]
        fn sklearn_matches_the_naive_rule(text in any::<String>()) {
            prop_assert_eq!(toks(&PatternTokenizer::Sklearn, &text), naive(&text));
        }

        /// `\S+` by hand gives what the translated regular expression gives, on any text
        /// and on texts dense in whitespace of every kind (and U+200B, which is not).
        #[test]
        fn whitespace_matches_the_translated_regex(
            any_text in any::<String>(),
            spaced in "([a-z.]|[ \t\n\r\u{b}\u{c}\u{1c}\u{1f}\u{85}\u{a0}\u{1680}\u{2000}\u{2028}\u{202f}\u{3000}\u{200b}é😀])*",
        ) {
            let regex = regex::Regex::new(&translate(r"\S+")).unwrap();
            for text in [&any_text, &spaced] {
                let want: Vec<String> =
                    regex.find_iter(text).map(|m| m.as_str().to_string()).collect();
                prop_assert_eq!(toks(&PatternTokenizer::Whitespace, text), want.clone());
                let ascii: String = text.chars().filter(char::is_ascii).collect();
                let mut got = Vec::new();
                let mut i = 0;
                while let Some((s, e)) = next_whitespace_ascii(ascii.as_bytes(), &mut i) {
                    got.push(ascii[s..e].to_string());
                }
                let want: Vec<String> =
                    regex.find_iter(&ascii).map(|m| m.as_str().to_string()).collect();
                prop_assert_eq!(got, want);
            }
        }

        #[test]
        fn sklearn_matches_translated_regex_runs(text in "[a-c_ .\u{301}é²①\u{200d}]{0,30}") {
            // Without \b, `\w{2,}` finds the same maximal runs.
            let t = PatternTokenizer::new(r"\w{2,}").unwrap();
            prop_assert_eq!(toks(&PatternTokenizer::Sklearn, &text), toks(&t, &text));
        }
    }
}

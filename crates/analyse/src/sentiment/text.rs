//! Python string semantics VADER depends on: `str.isspace()`, `str.isupper()`, `string.punctuation`.

use wordmill_model::swar::{HIGH, ONES};

/// Python's `str.isspace()` for one character: Rust's `char::is_whitespace` plus the
/// information separators U+001C..U+001F.
#[inline]
pub(crate) fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python whitespace among ASCII bytes: `\t \n \v \f \r`, U+001C..U+001F and space.
#[inline]
pub(crate) const fn is_ascii_py_space(b: u8) -> bool {
    matches!(b, b'\t'..=b'\r' | 0x1c..=0x1f | b' ')
}

/// Python's `str.strip()`: `s` without its leading and trailing Python whitespace.
#[inline]
pub(crate) fn py_strip(s: &str) -> &str {
    // ASCII whitespace bytes first (the common case), then whatever else is left.
    let b = s.as_bytes();
    let mut start = 0;
    let mut end = b.len();
    while start < end && is_ascii_py_space(b[start]) {
        start += 1;
    }
    while end > start && is_ascii_py_space(b[end - 1]) {
        end -= 1;
    }
    // Both cuts are next to ASCII bytes, so on character boundaries.
    let s = &s[start..end];
    let s = if s.as_bytes().first().is_some_and(|&b| b >= 0x80) {
        s.trim_start_matches(is_py_space)
    } else {
        s
    };
    if s.as_bytes().last().is_some_and(|&b| b >= 0x80) {
        s.trim_end_matches(is_py_space)
    } else {
        s
    }
}

/// The index of the first `byte` in `b`, eight bytes at a time.
#[inline]
pub(crate) fn find_byte(b: &[u8], byte: u8) -> Option<usize> {
    let pattern = ONES * u64::from(byte);
    let mut i = 0;
    while let Some(chunk) = b.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) ^ pattern;
        // The lowest byte flagged is the first zero byte of `x` (a borrow only ever flags
        // bytes above a zero one).
        let zero = x.wrapping_sub(ONES) & !x & HIGH;
        if zero != 0 {
            return Some(i + (zero.trailing_zeros() / 8) as usize);
        }
        i += 8;
    }
    b[i..].iter().position(|&x| x == byte).map(|p| i + p)
}

/// The number of `byte`s in `b`.
pub(crate) fn count_bytes(b: &[u8], byte: u8) -> usize {
    // Byte-wide sums over short chunks, which the compiler turns into vector compares.
    b.chunks(255)
        .map(|chunk| {
            let n = chunk
                .iter()
                .fold(0u8, |n, &c| n.wrapping_add(u8::from(c == byte)));
            usize::from(n)
        })
        .sum()
}

/// `text.split('\n').enumerate()`: every line with its 0-based index, the text after the
/// last `\n` included.
pub(crate) fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let r = rest?;
        match find_byte(r.as_bytes(), b'\n') {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
    .enumerate()
}

/// The text before the first TAB of `s` and, when there is one, the text after it.
#[inline]
pub(crate) fn split_tab(s: &str) -> (&str, Option<&str>) {
    match find_byte(s.as_bytes(), b'\t') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    }
}

/// Python's `string.punctuation`: every ASCII punctuation character.
#[inline]
pub(crate) fn is_ascii_punct(b: u8) -> bool {
    b.is_ascii_punctuation()
}

/// The title-case letters (general category Lt). Python's `isupper()` is false for a string
/// that contains one.
const TITLECASE: [char; 31] = [
    '\u{01C5}', '\u{01C8}', '\u{01CB}', '\u{01F2}', '\u{1F88}', '\u{1F89}', '\u{1F8A}', '\u{1F8B}',
    '\u{1F8C}', '\u{1F8D}', '\u{1F8E}', '\u{1F8F}', '\u{1F98}', '\u{1F99}', '\u{1F9A}', '\u{1F9B}',
    '\u{1F9C}', '\u{1F9D}', '\u{1F9E}', '\u{1F9F}', '\u{1FA8}', '\u{1FA9}', '\u{1FAA}', '\u{1FAB}',
    '\u{1FAC}', '\u{1FAD}', '\u{1FAE}', '\u{1FAF}', '\u{1FBC}', '\u{1FCC}', '\u{1FFC}',
];

/// True for a title-case (Lt) character.
#[inline]
pub(crate) fn is_titlecase(c: char) -> bool {
    matches!(c, '\u{01C5}'..='\u{1FFC}') && TITLECASE.contains(&c)
}

/// Python's `str.isupper()`: at least one Uppercase character and no Lowercase or title-case one.
pub(crate) fn py_isupper(s: &str) -> bool {
    let mut cased = false;
    for c in s.chars() {
        if c.is_lowercase() || is_titlecase(c) {
            return false;
        }
        if c.is_uppercase() {
            cased = true;
        }
    }
    cased
}

/// Number of code points in `s`, counting no further than `limit`.
#[inline]
pub(crate) fn count_chars_upto(s: &[u8], limit: usize) -> usize {
    let mut n = 0;
    for &b in s {
        if b & 0xC0 != 0x80 {
            n += 1;
            if n >= limit {
                return n;
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isupper_matches_python() {
        assert!(py_isupper("I"));
        assert!(py_isupper("OK!"));
        assert!(py_isupper("УХОДИ"));
        assert!(!py_isupper("123"));
        assert!(!py_isupper(":)"));
        assert!(!py_isupper("ǅA"));
        assert!(!py_isupper("Ok"));
    }

    #[test]
    fn whitespace_matches_python() {
        for c in [
            '\u{1c}', '\u{1f}', '\u{85}', '\u{a0}', '\u{3000}', '\u{2028}',
        ] {
            assert!(is_py_space(c));
        }
        assert!(!is_py_space('\u{200b}'));
        for b in 0u8..128 {
            assert_eq!(is_ascii_py_space(b), is_py_space(b as char), "{b}");
        }
    }

    #[test]
    fn strip_and_split_match_std() {
        let samples = [
            "",
            "\n",
            "a",
            "\r\n\r\n",
            " a b \t\r",
            "\u{a0}x\u{3000}",
            "\u{85} \u{1c}y\u{2028}\r",
            "é\u{a0}",
            "\u{200b}z\u{200b}",
            "x\ty\tz\r\nw\t1\n\nlast",
            "0123456789abcdef\n0123456789\nabcdefghijklmnopqrstuvwxyz\n\n\n",
        ];
        for s in samples {
            assert_eq!(py_strip(s), s.trim_matches(is_py_space), "{s:?}");
            let got: Vec<_> = lines(s).collect();
            let want: Vec<_> = s.split('\n').enumerate().collect();
            assert_eq!(got, want, "{s:?}");
            let mut fields = s.split('\t');
            let (first, rest) = split_tab(s);
            assert_eq!(Some(first), fields.next());
            assert_eq!(rest.map(|r| split_tab(r).0), fields.next());
        }
        for n in [0usize, 1, 254, 255, 256, 1000] {
            let b: Vec<u8> = (0..n)
                .map(|i| if i % 3 == 0 { b'\n' } else { b'x' })
                .collect();
            assert_eq!(count_bytes(&b, b'\n'), n.div_ceil(3));
        }
        for fill in [b'a', 0x0b, 0x09, 0x8a, 0xff] {
            for n in 0..40 {
                let mut b = vec![fill; n];
                assert_eq!(find_byte(&b, b'\n'), None);
                for i in 0..n {
                    b[i] = b'\n';
                    assert_eq!(find_byte(&b, b'\n'), Some(i), "{n} {i}");
                    if i + 1 < n {
                        b[i + 1] = b'\n';
                        assert_eq!(find_byte(&b, b'\n'), Some(i), "{n} {i}");
                        b[i + 1] = fill;
                    }
                    b[i] = fill;
                }
            }
        }
    }

    #[test]
    fn titlecase_table_is_lt() {
        for c in TITLECASE {
            // Title-case letters are neither upper nor lower case in Rust's sense...
            assert!(!c.is_lowercase());
            // ...and have a distinct upper-case mapping.
            assert_ne!(c.to_uppercase().next(), Some(c));
        }
        assert!(is_titlecase('ǅ'));
        assert!(!is_titlecase('Ǆ'));
    }
}

//! Python string semantics VADER depends on: `str.isspace()`, `str.isupper()`, `string.punctuation`.

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

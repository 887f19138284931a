//! Python's character predicates, from the generated tables.

use crate::tables::{PY_SPACE, PY_WORD};

/// ASCII letters, digits and `_`: Python's `\w` restricted to ASCII.
pub(crate) static ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

#[inline]
fn in_table(table: &[(u32, u32)], c: char) -> bool {
    let c = c as u32;
    let i = table.partition_point(|&(_, hi)| hi < c);
    i < table.len() && table[i].0 <= c
}

/// True when Python's `re` counts `c` as a word character (`\w` in Unicode mode): `c.isalnum()`
/// or `_`, i.e. general categories L*, Nd, Nl, No and `_`.
///
/// Combining marks, ZWJ/ZWNJ, connector punctuation other than `_`, and symbols such as `Ⓐ`
/// are not word characters, unlike in the `regex` crate's `\w`. The table follows the Unicode
/// database of CPython 3.11 (Unicode 14).
#[inline]
pub(crate) fn is_python_word_char(c: char) -> bool {
    if c.is_ascii() {
        ASCII_WORD[c as usize]
    } else {
        in_table(PY_WORD, c)
    }
}

/// True when Python's `str.isspace()` is true for `c` (what `str.split()` and `re`'s `\s` use):
/// Rust's `char::is_whitespace` plus U+001C..U+001F, without U+200B.
#[inline]
pub(crate) fn is_python_whitespace(c: char) -> bool {
    in_table(PY_SPACE, c)
}

/// The generated ranges as the body of a regex character class (`\x{30}-\x{39}...`).
pub(crate) fn class_body(table: &[(u32, u32)]) -> String {
    let mut out = String::with_capacity(table.len() * 16);
    for &(lo, hi) in table {
        if lo == hi {
            out.push_str(&format!("\\x{{{lo:X}}}"));
        } else {
            out.push_str(&format!("\\x{{{lo:X}}}-\\x{{{hi:X}}}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_agrees_with_python_categories_on_known_characters() {
        for c in [
            'a', 'Z', '0', '_', 'é', 'ß', 'ǅ', 'Ⅷ', '½', '①', '東', 'м', '\u{2139}',
        ] {
            assert!(is_python_word_char(c), "{c:?}");
        }
        for c in [
            ' ', '-', '\'', '\u{301}', '\u{200c}', '\u{200d}', '\u{ad}', '\u{203f}', 'Ⓐ', '😀',
            '\u{200b}',
        ] {
            assert!(!is_python_word_char(c), "{c:?}");
        }
    }

    #[test]
    fn whitespace_is_pythons() {
        for c in [
            ' ', '\t', '\u{1c}', '\u{1f}', '\u{85}', '\u{a0}', '\u{3000}',
        ] {
            assert!(is_python_whitespace(c), "{c:?}");
        }
        for c in ['a', '\u{200b}', '_'] {
            assert!(!is_python_whitespace(c), "{c:?}");
        }
    }

    #[test]
    fn tables_are_sorted_and_disjoint() {
        for table in [PY_WORD, PY_SPACE] {
            for w in table.windows(2) {
                assert!(w[0].0 <= w[0].1 && w[0].1 < w[1].0);
            }
        }
    }
}

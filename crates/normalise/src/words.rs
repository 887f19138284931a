//! UAX #29 word tokens: a hand-written loop for ASCII, `unicode-segmentation` for the rest.

use unicode_segmentation::UnicodeSegmentation;
use wordmill_model::swar::{HIGH, ONES, load8, range_mask};

// Word_Break classes of the ASCII characters that matter to words (UAX #29, table 3).
const OTHER: u8 = 0;
const LETTER: u8 = 1; // ALetter
const DIGIT: u8 = 2; // Numeric
const UNDERSCORE: u8 = 3; // ExtendNumLet
const MID_NUM_LET: u8 = 4; // MidNumLet `.` and Single_Quote `'` (together: MidNumLetQ)
const MID_LETTER: u8 = 5; // MidLetter `:`
const MID_NUM: u8 = 6; // MidNum `,` `;`

static CLASS: [u8; 128] = {
    let mut t = [OTHER; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            LETTER
        } else if c.is_ascii_digit() {
            DIGIT
        } else {
            match c {
                b'_' => UNDERSCORE,
                b'.' | b'\'' => MID_NUM_LET,
                b':' => MID_LETTER,
                b',' | b';' => MID_NUM,
                _ => OTHER,
            }
        };
        b += 1;
    }
    t
};

#[inline]
fn class(b: u8) -> u8 {
    CLASS[(b & 0x7f) as usize]
}

/// Calls `emit(start, end)` for every UAX #29 word of `text` that contains a letter or digit,
/// exactly as `unicode_segmentation::UnicodeSegmentation::unicode_word_indices` finds them.
pub(crate) fn words(text: &str, emit: &mut impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let mut s = 0;
    while s < bytes.len() {
        let Some(k) = bytes[s..].iter().position(|&b| b >= 0x80) else {
            ascii_words(bytes, s, bytes.len(), emit);
            return;
        };
        let p = s + k;
        let a = split_back(bytes, s, p);
        ascii_words(bytes, s, a, emit);
        let q = split_forward(text, p);
        for (i, w) in text[a..q].unicode_word_indices() {
            emit(a + i, a + i + w.len());
        }
        s = q;
    }
}

/// The last split point in `s..=p` (see [`is_split`]); `s` itself is one.
fn split_back(bytes: &[u8], s: usize, p: usize) -> usize {
    let mut i = p;
    while i > s {
        if bytes[i] == b' ' && bytes[i - 1] != b' ' {
            return i;
        }
        i -= 1;
    }
    s
}

/// A split point after non-ASCII byte `p`, chosen so that a stretch of ASCII follows it
/// (short ASCII stretches are left to the general algorithm), or the end of the text.
fn split_forward(text: &str, p: usize) -> usize {
    const MIN_ASCII_RUN: usize = 32;
    let bytes = text.as_bytes();
    let mut i = p + 1;
    while i < bytes.len() {
        if is_split(text, i) {
            match bytes[i..].iter().position(|&b| b >= 0x80) {
                None => return i,
                Some(k) if k >= MIN_ASCII_RUN => return i,
                Some(k) => i += k,
            }
        }
        i += 1;
    }
    bytes.len()
}

/// True when `i` is an ASCII space whose preceding character is not whitespace.
///
/// The words of `text[..i]` and `text[i..]`, taken separately, are then exactly the words of
/// `text`: every UAX #29 rule breaks before such a space (only WB3d joins spaces to spaces),
/// and no rule looks across a space in either direction (a space is not one of the
/// Extend/Format/ZWJ characters that WB4 skips).
#[inline]
fn is_split(text: &str, i: usize) -> bool {
    let bytes = text.as_bytes();
    if bytes[i] != b' ' || i == 0 {
        return false;
    }
    let prev = bytes[i - 1];
    if prev < 0x80 {
        return prev != b' ' && !prev.is_ascii_whitespace();
    }
    text[..i]
        .chars()
        .next_back()
        .is_some_and(|c| !c.is_whitespace())
}

/// The UAX #29 words of the ASCII range `bytes[start..end]` that contain a letter or digit.
///
/// Inside ASCII the rules reduce to: letters, digits and `_` join (WB5, WB8–WB10, WB13a/b);
/// `.` `'` `:` join between two letters (WB6/7); `.` `'` `,` `;` join between two digits
/// (WB11/12); everything else breaks (WB999), and runs of other characters never contain a
/// letter or digit, so they are skipped.
#[inline]
fn ascii_words(bytes: &[u8], start: usize, end: usize, emit: &mut impl FnMut(usize, usize)) {
    let mut i = start;
    while let Some((s, e)) = next_ascii_word(bytes, end, &mut i) {
        emit(s, e);
    }
}

/// The next word of [`ascii_words`] at or after byte `*i` of the ASCII range `bytes[..end]`,
/// leaving `*i` just past it; `None` at the end.
#[inline(always)]
pub(crate) fn next_ascii_word(bytes: &[u8], end: usize, i: &mut usize) -> Option<(usize, usize)> {
    loop {
        // The next run of word characters, and the runs joined to it.
        let (word_start, first_end, first_alnum) = next_word_char_run(bytes, *i, end)?;
        *i = first_end;
        let mut has_alnum = first_alnum;
        loop {
            if *i > first_end {
                let (run_end, alnum) = word_char_run(bytes, *i, end);
                has_alnum |= alnum;
                *i = run_end;
            }
            if *i + 1 >= end {
                break;
            }
            // A run of letters, digits and `_` ends here; a middle character joins it to the
            // next run only between two letters or two digits.
            let mid = class(bytes[*i]);
            if !matches!(mid, MID_NUM_LET | MID_LETTER | MID_NUM) {
                break;
            }
            let before = class(bytes[*i - 1]);
            let after = class(bytes[*i + 1]);
            let joins = (before == LETTER && after == LETTER && mid != MID_NUM)
                || (before == DIGIT && after == DIGIT && mid != MID_LETTER);
            if !joins {
                break;
            }
            // The middle character; the run from the letter or digit after it follows.
            *i += 1;
        }
        if has_alnum {
            return Some((word_start, *i));
        }
    }
}

/// The high bit of each ASCII letter or digit of `w` (ASCII bytes). Setting bit 5 maps
/// `A`..`Z` onto `a`..`z` and nothing else into that range.
#[inline(always)]
fn alnum_mask(w: u64) -> u64 {
    range_mask(w | (ONES * 0x20), b'a', b'z') | range_mask(w, b'0', b'9')
}

/// The high bit of each word character (letter, digit, `_`) of `w` (ASCII bytes).
#[inline(always)]
fn word_mask(w: u64) -> u64 {
    alnum_mask(w) | range_mask(w, b'_', b'_')
}

/// The first index in `i..end` holding a letter, digit or `_`, or `end` (at least `i`);
/// `bytes[i..end]` is ASCII. Eight bytes at a time.
#[inline(always)]
fn skip_to_word_char(bytes: &[u8], mut i: usize, end: usize) -> usize {
    while i + 8 <= end {
        let m = word_mask(load8(bytes, i));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < end && !is_word_char(bytes[i]) {
        i += 1;
    }
    i
}

/// The end of the run of letters, digits and `_` starting at `i` (at most `end`), and whether
/// it holds a letter or digit; `bytes[i..end]` is ASCII. Eight bytes at a time.
#[inline(always)]
fn word_char_run(bytes: &[u8], mut i: usize, end: usize) -> (usize, bool) {
    let mut alnum = 0u64;
    while i + 8 <= end {
        let w = load8(bytes, i);
        let stop = !word_mask(w) & HIGH;
        if stop != 0 {
            let n = stop.trailing_zeros() / 8;
            // The bytes before the stop.
            let before = (1u64 << (8 * n)).wrapping_sub(1);
            alnum |= alnum_mask(w) & before;
            return (i + n as usize, alnum != 0);
        }
        alnum |= alnum_mask(w);
        i += 8;
    }
    while i < end && is_word_char(bytes[i]) {
        alnum |= u64::from(bytes[i] != b'_');
        i += 1;
    }
    (i, alnum != 0)
}

/// The next run of letters, digits and `_` at or after `i` in `bytes[..end]` (ASCII): its start,
/// its end, and whether it holds a letter or digit; `None` when there is none. A short run and
/// the gap before it are usually found in one eight-byte word.
#[inline(always)]
pub(crate) fn next_word_char_run(
    bytes: &[u8],
    i: usize,
    end: usize,
) -> Option<(usize, usize, bool)> {
    if i + 8 <= end {
        let w = load8(bytes, i);
        let alnum = alnum_mask(w);
        let word = alnum | range_mask(w, b'_', b'_');
        if word != 0 {
            let start = word.trailing_zeros() / 8;
            // Non-word bytes from the start on.
            let stops = !word & HIGH & (!0u64 << (8 * start));
            if stops != 0 {
                let stop = stops.trailing_zeros() / 8;
                // The bytes before the stop (those before the start are not word characters).
                let before = (1u64 << (8 * stop)).wrapping_sub(1);
                return Some((i + start as usize, i + stop as usize, alnum & before != 0));
            }
            let (run_end, more) = word_char_run(bytes, i + 8, end);
            return Some((i + start as usize, run_end, more || alnum != 0));
        }
    }
    let start = skip_to_word_char(bytes, i, end);
    if start >= end {
        return None;
    }
    let (run_end, alnum) = word_char_run(bytes, start, end);
    Some((start, run_end, alnum))
}

/// A letter, digit or `_`.
#[inline(always)]
fn is_word_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours(text: &str) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        words(text, &mut |s, e| out.push((s, &text[s..e])));
        out
    }

    fn theirs(text: &str) -> Vec<(usize, &str)> {
        text.unicode_word_indices().collect()
    }

    /// The general algorithm, even on ASCII input (`unicode_word_indices` has its own ASCII path).
    fn general(text: &str) -> Vec<(usize, &str)> {
        text.split_word_bound_indices()
            .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
            .collect()
    }

    #[test]
    fn examples() {
        let text =
            "Hello, world! e.g. 3.14 1,000,000 don't a_b __ _ http://x.org a:b:c 7pm a.1 1.a";
        assert_eq!(ours(text), theirs(text));
        let got: Vec<&str> = ours(text).into_iter().map(|(_, w)| w).collect();
        assert_eq!(
            got,
            [
                "Hello",
                "world",
                "e.g",
                "3.14",
                "1,000,000",
                "don't",
                "a_b",
                "http",
                "x.org",
                "a:b:c",
                "7pm",
                "a",
                "1",
                "1",
                "a"
            ]
        );
    }

    #[test]
    fn mixed_text_examples() {
        for text in [
            "“Quoted,” he said. Café naïve",
            "zero\u{200b}width joiner\u{200d}test soft\u{ad}hyphen",
            "emoji 😀 test 👍🏽 test😀test",
            " \u{200d}\u{2139} x",
            "a \u{301}b  \u{3000} c\u{2000} d",
            "東京は日本の首都です 東京 and then some more plain ascii text here",
            "Москва, 13 августа. Workers walked out at the plant on Thursday morning.",
        ] {
            assert_eq!(ours(text), theirs(text), "{text:?}");
        }
    }

    /// ASCII strings over the characters that matter to the word rules.
    fn ascii_text() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[a-cA-C0-2_.':,;\" \t\r\n!?#-]{0,40}").unwrap()
    }

    /// Mostly ASCII with the non-ASCII characters that stress the split points.
    fn mixed_text() -> impl Strategy<Value = String> {
        proptest::string::string_regex(
            "([a-b0-1_.':, \n]|[\u{301}\u{200d}\u{200b}\u{2139}\u{3000}\u{2000}\u{a0}é😀\u{1F1E6}\u{5d0}\"])+",
        )
        .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn ascii_fast_path_matches_unicode_segmentation(text in ascii_text()) {
            prop_assert_eq!(ours(&text), theirs(&text));
            prop_assert_eq!(ours(&text), general(&text));
        }

        #[test]
        fn arbitrary_ascii_matches(text in "[\\x00-\\x7f]{0,60}") {
            prop_assert_eq!(ours(&text), theirs(&text));
            prop_assert_eq!(ours(&text), general(&text));
        }

        #[test]
        fn mixed_text_matches_unicode_segmentation(text in mixed_text()) {
            prop_assert_eq!(ours(&text), theirs(&text));
        }

        #[test]
        fn long_mixed_text_matches(parts in proptest::collection::vec((ascii_text(), mixed_text()), 0..6)) {
            let text: String = parts.into_iter().flat_map(|(a, b)| [a, b]).collect();
            prop_assert_eq!(ours(&text), theirs(&text));
        }

        #[test]
        fn any_text_matches(text in any::<String>()) {
            prop_assert_eq!(ours(&text), theirs(&text));
        }

        /// The eight-bytes-at-a-time scanners against a byte loop, from every start and up to
        /// every end, on text dense in characters next to the word characters in ASCII
        /// (`@` `[` `]` `^` `` ` `` `{` `~` `/` `:`, and control characters that bit 5 maps
        /// onto digits).
        #[test]
        fn word_scanners_match_a_byte_loop(
            text in "[a-zA-Z0-9_@\\[\\]\\\\^`{|}~/:\x10-\x19\x00\x7f ]{0,40}",
        ) {
            let b = text.as_bytes();
            let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
            for end in 0..=b.len() {
                for i in 0..=end {
                    let skip = (i..end).find(|&k| word(b[k])).unwrap_or(end);
                    prop_assert_eq!(skip_to_word_char(b, i, end), skip, "skip {} {}", i, end);
                    let run = (i..end).find(|&k| !word(b[k])).unwrap_or(end);
                    let alnum = b[i..run].iter().any(|c| c.is_ascii_alphanumeric());
                    prop_assert_eq!(word_char_run(b, i, end), (run, alnum), "run {} {}", i, end);
                    let next = (skip < end).then(|| {
                        let run = (skip..end).find(|&k| !word(b[k])).unwrap_or(end);
                        (skip, run, b[skip..run].iter().any(|c| c.is_ascii_alphanumeric()))
                    });
                    prop_assert_eq!(next_word_char_run(b, i, end), next, "next {} {}", i, end);
                }
            }
        }
    }

    #[cfg(feature = "pattern")]
    #[test]
    fn word_characters_are_pythons_ascii_word_characters() {
        for b in 0..128u8 {
            assert_eq!(
                is_word_char(b),
                crate::pyclass::ASCII_WORD[usize::from(b)],
                "{b}"
            );
        }
    }
}

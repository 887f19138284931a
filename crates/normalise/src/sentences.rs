//! Sentence spans: UAX #29 sentence boundaries, tuned for news text.

use unicode_segmentation::UnicodeSegmentation;
use wordmill_model::Span;

/// Abbreviations after which a full stop does not end a sentence (compared without the
/// final `.`, case-sensitively).
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Messrs", "Dr", "Prof", "St", "Jr", "Sr", "Mt", "Ft", "vs", "v", "e.g",
    "i.e", "etc", "cf", "al", "Gen", "Lt", "Col", "Maj", "Capt", "Cmdr", "Sgt", "Adm", "Gov",
    "Sen", "Rep", "Rev", "Hon", "Pres", "Supt", "Inc", "Ltd", "Co", "Corp", "Bros", "Jan", "Feb",
    "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "U.S", "U.K", "U.N",
    "U.S.A", "E.U", "approx", "dept", "fig", "vol",
];

/// Splits `text` into sentences: spans of `text`, trimmed of surrounding whitespace, never
/// empty, in order.
///
/// The boundaries are UAX #29's (so closing quotes and brackets after the full stop, `”`
/// `’` `»` `)` included, stay with their sentence), with two changes for news text:
/// - a line break always ends a sentence (UAX #29 already does this);
/// - a full stop after a common abbreviation (`Mr.`, `Dr.`, `e.g.`, `Jan.`, `U.S.`, …) or a
///   single capital letter (the initial in `Alexander G. Lukashenko`) does not end one.
///
/// ```
/// use wordmill_normalise::split_sentences;
/// let text = "Mr. Smith met Alexander G. Lukashenko. “It went well.” Then\nthey left!";
/// let sentences: Vec<&str> = split_sentences(text).iter().map(|s| s.slice(text)).collect();
/// assert_eq!(sentences, [
///     "Mr. Smith met Alexander G. Lukashenko.",
///     "“It went well.”",
///     "Then",
///     "they left!",
/// ]);
/// ```
pub fn split_sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::with_capacity(text.len() / 128 + 1);
    let mut start: Option<usize> = None;
    sentence_pieces(text, &mut |i, end| {
        let piece = &text[i..end];
        let begin = *start.get_or_insert(i);
        if ends_with_line_break(piece) || !ends_with_abbreviation(piece) || end == text.len() {
            push_trimmed(text, begin, end, &mut out);
            start = None;
        }
    });
    if let Some(begin) = start {
        push_trimmed(text, begin, text.len(), &mut out);
    }
    out
}

/// Calls `piece(start, end)` for every UAX #29 sentence piece of `text`, in order, exactly as
/// `unicode_segmentation::UnicodeSegmentation::split_sentence_bound_indices` gives them.
///
/// The text is cut after every line feed: UAX #29 always breaks there (SB4) and no rule looks
/// across a line feed (the run in SB8 excludes ParaSep, SB9–SB11 end at it). ASCII lines go to
/// a hand-written loop, the others to `unicode-segmentation`.
pub(crate) fn sentence_pieces(text: &str, piece: &mut impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    if bytes.is_ascii() {
        ascii_pieces(bytes, 0, bytes.len(), piece);
        return;
    }
    let mut s = 0;
    while s < bytes.len() {
        // The end of this chunk: just after the next line feed, or the end of the text.
        let e = bytes[s..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |k| s + k + 1);
        let chunk = &bytes[s..e];
        if chunk.is_ascii() {
            ascii_pieces(bytes, s, e, piece);
        } else {
            for (i, p) in text[s..e].split_sentence_bound_indices() {
                piece(s + i, s + i + p.len());
            }
        }
        s = e;
    }
}

// Sentence_Break classes of ASCII characters (UAX #29, table 4).
const S_OTHER: u8 = 0;
const S_CR: u8 = 1;
const S_LF: u8 = 2;
const S_SP: u8 = 3;
const S_LOWER: u8 = 4;
const S_UPPER: u8 = 5;
const S_NUMERIC: u8 = 6;
const S_ATERM: u8 = 7;
const S_STERM: u8 = 8;
const S_CLOSE: u8 = 9;
const S_SCONTINUE: u8 = 10;

static SCLASS: [u8; 128] = {
    let mut t = [S_OTHER; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = match c {
            b'\r' => S_CR,
            b'\n' => S_LF,
            b'\t' | 0x0b | 0x0c | b' ' => S_SP,
            b'a'..=b'z' => S_LOWER,
            b'A'..=b'Z' => S_UPPER,
            b'0'..=b'9' => S_NUMERIC,
            b'.' => S_ATERM,
            b'!' | b'?' => S_STERM,
            b'"' | b'\'' | b'(' | b')' | b'[' | b']' | b'{' | b'}' => S_CLOSE,
            b',' | b'-' | b':' | b';' => S_SCONTINUE,
            _ => S_OTHER,
        };
        b += 1;
    }
    t
};

#[inline]
fn sclass(b: u8) -> u8 {
    SCLASS[(b & 0x7f) as usize]
}

/// True for the bytes after which a sentence may end: terminators and line breaks.
#[inline]
fn is_sentence_trigger(b: u8) -> bool {
    matches!(b, b'.' | b'!' | b'?' | b'\n' | b'\r')
}

/// The sentence pieces of the ASCII range `bytes[start..end]`, which begins after a break
/// (start of text or after a line feed) and ends at one (end of text or after a line feed).
///
/// Inside ASCII there are no Extend, Format, Sep or OLetter characters, so the rules reduce to:
/// break after a line break (SB4, keeping CR LF together, SB3); after a terminator
/// (`SATerm Close* Sp*`, SB11) break unless the next character continues the sentence: a
/// digit after `.` (SB6), an upper-case letter after letter + `.` (SB7), a lower-case letter
/// after `.` `Close*` `Sp*` and any run of characters that are not letters, terminators or line
/// breaks (SB8), `,` `-` `:` `;` or another terminator (SB8a), `Close` before any space (SB9),
/// space or line break (SB9, SB10). Text between terminators and line breaks never breaks, so
/// it is skipped without looking at classes.
fn ascii_pieces(bytes: &[u8], start: usize, end: usize, piece: &mut impl FnMut(usize, usize)) {
    let mut from = start; // start of the current piece
    let mut i = start;
    let mut emit = |at: usize, from: &mut usize| {
        if at > *from && at < end {
            piece(*from, at);
            *from = at;
        }
    };
    'scan: while i < end {
        let b = bytes[i];
        if !is_sentence_trigger(b) {
            i += 1;
            continue;
        }
        match b {
            b'\n' => {
                i += 1;
                emit(i, &mut from);
                continue 'scan;
            }
            b'\r' => {
                i += 1;
                if i < end && bytes[i] == b'\n' {
                    i += 1;
                }
                emit(i, &mut from);
                continue 'scan;
            }
            _ => {}
        }
        // A terminator at `i`: walk `SATerm Close* Sp*` and decide at the first character
        // that does not extend it.
        let mut term = i;
        let mut aterm = b == b'.';
        let mut spaces = false;
        let mut p = i + 1;
        loop {
            if p >= end {
                i = p;
                continue 'scan; // end of the range: a break there anyway
            }
            let c = sclass(bytes[p]);
            match c {
                S_NUMERIC if aterm && p == term + 1 => {
                    // SB6
                    i = p;
                    continue 'scan;
                }
                S_UPPER
                    if aterm
                        && p == term + 1
                        && term > start
                        && matches!(sclass(bytes[term - 1]), S_UPPER | S_LOWER) =>
                {
                    // SB7
                    i = p;
                    continue 'scan;
                }
                S_ATERM | S_STERM => {
                    // SB8a; the new terminator starts the context again.
                    term = p;
                    aterm = c == S_ATERM;
                    spaces = false;
                    p += 1;
                }
                S_CLOSE if !spaces => p += 1, // SB9
                S_SP => {
                    // SB9 / SB10
                    spaces = true;
                    p += 1;
                }
                S_CR | S_LF => {
                    // SB9 / SB10, then the line break ends the piece (SB4).
                    i = p;
                    continue 'scan;
                }
                S_SCONTINUE => {
                    // SB8a
                    i = p + 1;
                    continue 'scan;
                }
                _ => {
                    if aterm && sb8_lower_ahead(bytes, p, end) {
                        i = p;
                        continue 'scan;
                    }
                    // SB11
                    emit(p, &mut from);
                    i = p;
                    continue 'scan;
                }
            }
        }
    }
    if end > from {
        piece(from, end);
    }
}

/// SB8's look-ahead from `p`: `( ¬(OLetter | Upper | Lower | ParaSep | SATerm) )* Lower`.
#[inline]
fn sb8_lower_ahead(bytes: &[u8], p: usize, end: usize) -> bool {
    for &b in &bytes[p..end] {
        match sclass(b) {
            S_LOWER => return true,
            S_UPPER | S_CR | S_LF | S_ATERM | S_STERM => return false,
            _ => {}
        }
    }
    false
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let piece = &text[start..end];
    let trimmed_start = piece.trim_start();
    let s = start + (piece.len() - trimmed_start.len());
    let e = s + trimmed_start.trim_end().len();
    if e > s {
        out.push(Span::new(s, e));
    }
}

fn ends_with_line_break(piece: &str) -> bool {
    piece
        .trim_end_matches(|c: char| c.is_whitespace() && !is_line_break(c))
        .ends_with(is_line_break)
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// True when `piece` (a UAX #29 sentence) ends with `.` after an abbreviation or an initial.
fn ends_with_abbreviation(piece: &str) -> bool {
    let Some(body) = piece.trim_end().strip_suffix('.') else {
        return false;
    };
    // The word before the full stop: letters and inner dots ("U.S", "e.g").
    let word_start = body
        .char_indices()
        .rev()
        .take_while(|&(_, c)| c.is_alphabetic() || c == '.')
        .last()
        .map_or(body.len(), |(i, _)| i);
    let word = body[word_start..].trim_start_matches('.');
    if word.is_empty() {
        return false;
    }
    let mut chars = word.chars();
    let single_capital =
        matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase());
    single_capital || ABBREVIATIONS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(text: &str) -> Vec<&str> {
        split_sentences(text)
            .iter()
            .map(|s| s.slice(text))
            .collect()
    }

    #[test]
    fn news_examples() {
        assert_eq!(
            texts("Workers walked out. The plant stopped."),
            ["Workers walked out.", "The plant stopped."]
        );
        assert_eq!(
            texts("Dr. Jones and Gov. Smith met on Jan. 5. They talked."),
            ["Dr. Jones and Gov. Smith met on Jan. 5.", "They talked."]
        );
        assert_eq!(
            texts("The U.S. Army left. Others stayed."),
            ["The U.S. Army left.", "Others stayed."]
        );
        assert_eq!(
            texts("He said: «Нет.» Потом ушёл."),
            ["He said: «Нет.»", "Потом ушёл."]
        );
        assert_eq!(texts("‘Go.’ ‘Now?’ Yes"), ["‘Go.’", "‘Now?’", "Yes"]);
        assert_eq!(
            texts("Headline\n\nBody text. More"),
            ["Headline", "Body text.", "More"]
        );
        assert_eq!(
            texts("ends with Mr.\nNext line"),
            ["ends with Mr.", "Next line"]
        );
        assert_eq!(texts("Trailing Mr."), ["Trailing Mr."]);
        assert!(texts("").is_empty());
        assert!(texts(" \n\t ").is_empty());
    }

    /// The pieces as `unicode-segmentation` gives them.
    fn reference_pieces(text: &str) -> Vec<(usize, usize)> {
        text.split_sentence_bound_indices()
            .map(|(i, p)| (i, i + p.len()))
            .collect()
    }

    fn our_pieces(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        sentence_pieces(text, &mut |s, e| out.push((s, e)));
        out
    }

    /// The splitter as it was before the ASCII fast path: every piece from
    /// `unicode-segmentation`.
    fn reference_split(text: &str) -> Vec<Span> {
        let mut out = Vec::new();
        let mut start: Option<usize> = None;
        for (i, piece) in text.split_sentence_bound_indices() {
            let begin = *start.get_or_insert(i);
            let end = i + piece.len();
            if ends_with_line_break(piece) || !ends_with_abbreviation(piece) || end == text.len() {
                push_trimmed(text, begin, end, &mut out);
                start = None;
            }
        }
        if let Some(begin) = start {
            push_trimmed(text, begin, text.len(), &mut out);
        }
        out
    }

    #[test]
    fn ascii_pieces_examples() {
        for text in [
            "a. b",
            "A. B",
            "a.B",
            "e.g. x",
            "3.14 and 1. 2",
            "He left.\" Then",
            "Go! (now) ok? yes.) no",
            "x.\r\ny.\rz. \n w",
            "etc. .. ... ?!. a",
            "end.  ) lower",
            "end.  ) Upper",
            ".A",
            "\n\n.",
        ] {
            assert_eq!(our_pieces(text), reference_pieces(text), "{text:?}");
            assert_eq!(split_sentences(text), reference_split(text), "{text:?}");
        }
    }

    /// ASCII over the characters that matter to the sentence rules.
    fn ascii_text() -> impl Strategy<Value = String> {
        proptest::string::string_regex("[aBz1 \t\r\n.!?\"')(,;:#-]{0,40}").unwrap()
    }

    /// Mostly ASCII, with non-ASCII characters of every sentence class around.
    fn mixed_text() -> impl Strategy<Value = String> {
        proptest::string::string_regex(
            "([aB1 \n\r.!?)\",-]|[\u{85}\u{2028}\u{2029}\u{a0}\u{301}\u{ad}\u{200d}é\u{c9}\u{5d0}\u{3002}\u{ff0e}\u{2024}\u{bb}\u{201d}\u{2019}\u{ff0c}\u{3000}])*",
        )
        .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn ascii_fast_path_matches_unicode_segmentation(text in ascii_text()) {
            prop_assert_eq!(our_pieces(&text), reference_pieces(&text));
            prop_assert_eq!(split_sentences(&text), reference_split(&text));
        }

        #[test]
        fn arbitrary_ascii_matches(text in "[\\x00-\\x7f]{0,60}") {
            prop_assert_eq!(our_pieces(&text), reference_pieces(&text));
            prop_assert_eq!(split_sentences(&text), reference_split(&text));
        }

        #[test]
        fn mixed_text_matches(text in mixed_text()) {
            prop_assert_eq!(our_pieces(&text), reference_pieces(&text));
            prop_assert_eq!(split_sentences(&text), reference_split(&text));
        }

        #[test]
        fn long_mixed_text_matches(parts in proptest::collection::vec((ascii_text(), mixed_text()), 0..6)) {
            let text: String = parts.into_iter().flat_map(|(a, b)| [a, b]).collect();
            prop_assert_eq!(our_pieces(&text), reference_pieces(&text));
            prop_assert_eq!(split_sentences(&text), reference_split(&text));
        }

        #[test]
        fn any_text_matches(text in any::<String>()) {
            prop_assert_eq!(our_pieces(&text), reference_pieces(&text));
            prop_assert_eq!(split_sentences(&text), reference_split(&text));
        }
    }

    proptest! {
        #[test]
        fn spans_are_trimmed_ordered_and_on_boundaries(text in any::<String>()) {
            let spans = split_sentences(&text);
            let mut last_end = 0;
            for s in spans {
                prop_assert!(s.start >= last_end && s.end > s.start && s.end <= text.len());
                prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                let t = s.slice(&text);
                prop_assert_eq!(t, t.trim());
                last_end = s.end;
            }
        }
    }
}

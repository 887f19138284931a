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
    split_sentences_into(text, &mut out);
    out
}

/// As [`split_sentences`], appending the spans to `out` (whose allocation can then be reused
/// from one text to the next).
pub fn split_sentences_into(text: &str, out: &mut Vec<Span>) {
    let mut start: Option<usize> = None;
    sentence_pieces(text, &mut |i, end| {
        let piece = &text[i..end];
        let begin = *start.get_or_insert(i);
        if ends_with_line_break(piece) || !ends_with_abbreviation(piece) || end == text.len() {
            push_trimmed(text, begin, end, out);
            start = None;
        }
    });
    if let Some(begin) = start {
        push_trimmed(text, begin, text.len(), out);
    }
}

/// Calls `piece(start, end)` for every UAX #29 sentence piece of `text`, in order, exactly as
/// `unicode_segmentation::UnicodeSegmentation::split_sentence_bound_indices` gives them.
///
/// A hand-written loop ([`fast_pieces`]) handles every character whose Sentence_Break class
/// it knows: ASCII, U+0080..U+07FF (Latin-1, Latin Extended, IPA, Greek, Cyrillic, Armenian,
/// Hebrew, Arabic, …) and U+2000..U+20FF (spaces, dashes, curly quotes, currency signs). When
/// it meets a character it does not handle, it hands the rest of that line, from the last
/// boundary it found, to `unicode-segmentation`, and carries on after the line feed.
///
/// That hand-over is exact: UAX #29 always breaks after a line feed (SB4) and no rule looks
/// across one (the run in SB8 stops at ParaSep, SB9–SB11 end at it); and no rule looks back
/// across a boundary either, so `unicode-segmentation` started at a boundary is in the same
/// state as it is there when started at the beginning of the text (see [`fast_pieces`]).
pub(crate) fn sentence_pieces(text: &str, piece: &mut impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let mut s = 0;
    while s < bytes.len() {
        let Some((from, unknown)) = fast_pieces(bytes, s, piece) else {
            return;
        };
        // The end of this line: just after the next line feed, or the end of the text.
        let e = bytes[unknown..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |k| unknown + k + 1);
        for (i, p) in text[from..e].split_sentence_bound_indices() {
            piece(from + i, from + i + p.len());
        }
        s = e;
    }
}

// Sentence_Break classes (UAX #29, table 4), as far as the fast path needs them.
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
const S_OLETTER: u8 = 11;
/// Extend or Format: transparent (SB5), harmless inside a run of text, but the fast path
/// leaves them to `unicode-segmentation` around a terminator.
const S_EXTEND: u8 = 12;
/// Not handled by the fast path: non-ASCII Sep, ATerm and STerm, and every character outside
/// the tables below.
const S_UNKNOWN: u8 = 13;

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

/// Sentence_Break classes of U+0080..U+07FF (every two-byte UTF-8 character), one character
/// per code point: `.` Other, `_` Sp, `a` Lower, `A` Upper, `0` Numeric, `)` Close,
/// `,` SContinue, `x` OLetter, `+` Extend or Format, `?` Sep, ATerm or STerm (not handled).
/// Taken from unicode-segmentation's tables (the test `class_tables_match_unicode_segmentation`
/// checks every entry against it).
const TWO_BYTE_CLASSES: [&str; 30] = [
    ".....?.........................._.........a).+.......a....a)....", // U+0080
    "AAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAaaaaaaaaaaaaaaaaaaaaaaaa.aaaaaaaa", // U+00C0
    "AaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaaAaAaAaA", // U+0100
    "aAaAaAaAaaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAAaAaAaa", // U+0140
    "aAAaAaAAaAAAaaAAAAaAAaAAAaaaAAaAAaAaAaAAaAaaAaAAaAAAaAaAAaaxAaaa", // U+0180
    "xxxxAAaAAaAAaAaAaAaAaAaAaAaAaaAaAaAaAaAaAaAaAaAaaAAaAaAAAaAaAaAa", // U+01C0
    "AaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaaaaaaaAAaAAa", // U+0200
    "aAaAAAAaAaAaAaAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // U+0240
    "aaaaaaaaaaaaaaaaaaaaxxaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaxxxxxxx", // U+0280
    "aa....xxxxxxxxxxxx..............aaaaa.......x.x.................", // U+02C0
    "++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++", // U+0300
    "++++++++++++++++++++++++++++++++++++++++++++++++AaAax.Aa..aaaa,A", // U+0340
    "......A.AAA.A.AAaAAAAAAAAAAAAAAAAA.AAAAAAAAAaaaaaaaaaaaaaaaaaaaa", // U+0380
    "aaaaaaaaaaaaaaaAaaAAAaaaAaAaAaAaAaAaAaAaAaAaAaAaaaaaAa.AaAAaaAAA", // U+03C0
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAaaaaaaaaaaaaaaaa", // U+0400
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAa", // U+0440
    "Aa.+++++++AaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAa", // U+0480
    "AAaAaAaAaAaAaAaaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAa", // U+04C0
    "AaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAa.AAAAAAAAAAAAAAA", // U+0500
    "AAAAAAAAAAAAAAAAAAAAAAA..x...,..aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // U+0540
    "aaaaaaaaa?.......+++++++++++++++++++++++++++++++++++++++++++++.+", // U+0580
    ".++.++.+........xxxxxxxxxxxxxxxxxxxxxxxxxxx....xxxxx............", // U+05C0
    "000000......,,..+++++++++++.+???xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // U+0600
    "xxxxxxxxxxx+++++++++++++++++++++0000000000.00.xx+xxxxxxxxxxxxxxx", // U+0640
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // U+0680
    "xxxxxxxxxxxxxxxxxxxx?x+++++++0.++++++xx++.++++xx0000000000xxx..x", // U+06C0
    "???............+x+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx++++++++++++++++", // U+0700
    "+++++++++++..xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // U+0740
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx+++++++++++x..............", // U+0780
    "0000000000xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx+++++++++xx..,?x..+..", // U+07C0
];

/// Sentence_Break classes of U+2000..U+20FF, as in [`TWO_BYTE_CLASSES`].
const PUNCTUATION_CLASSES: [&str; 4] = [
    "___________+++++...,,...))))))))....?...??+++++_.........)).??..", // U+2000
    ".....))???....................._+++++.++++++++++.a...........))a", // U+2040
    ".............)).aaaaaaaaaaaaa...................................", // U+2080
    "................+++++++++++++++++++++++++++++++++...............", // U+20C0
];

/// Expands rows of class letters into a table of classes.
const fn expand<const N: usize>(rows: &[&str]) -> [u8; N] {
    let mut t = [S_UNKNOWN; N];
    let mut k = 0;
    let mut r = 0;
    while r < rows.len() {
        let row = rows[r].as_bytes();
        let mut j = 0;
        while j < row.len() {
            t[k] = match row[j] {
                b'.' => S_OTHER,
                b'_' => S_SP,
                b'a' => S_LOWER,
                b'A' => S_UPPER,
                b'0' => S_NUMERIC,
                b')' => S_CLOSE,
                b',' => S_SCONTINUE,
                b'x' => S_OLETTER,
                b'+' => S_EXTEND,
                b'?' => S_UNKNOWN,
                _ => panic!("unknown class letter"),
            };
            k += 1;
            j += 1;
        }
        r += 1;
    }
    assert!(k == N, "class table of the wrong length");
    t
}

/// Classes of U+0080..U+07FF, indexed by code point − 0x80.
static TWO_BYTE: [u8; 0x780] = expand(&TWO_BYTE_CLASSES);
/// Classes of U+2000..U+20FF, indexed by code point − 0x2000.
static PUNCTUATION: [u8; 0x100] = expand(&PUNCTUATION_CLASSES);

/// What the main loop of [`fast_pieces`] does with a byte: skip it, stop at it (a possible
/// sentence end), or look the character it starts up.
const SCAN_SKIP: u8 = 0;
const SCAN_TRIGGER: u8 = 1;
const SCAN_LEAD: u8 = 2;

static SCAN: [u8; 256] = {
    let mut t = [SCAN_SKIP; 256];
    t[b'.' as usize] = SCAN_TRIGGER;
    t[b'!' as usize] = SCAN_TRIGGER;
    t[b'?' as usize] = SCAN_TRIGGER;
    t[b'\n' as usize] = SCAN_TRIGGER;
    t[b'\r' as usize] = SCAN_TRIGGER;
    let mut b = 0xC0;
    while b < 256 {
        t[b] = SCAN_LEAD;
        b += 1;
    }
    t
};

/// The class of the character starting at byte `i` of `bytes` (valid UTF-8, `i` on a
/// character boundary).
#[inline]
fn class_at(bytes: &[u8], i: usize) -> u8 {
    let b = bytes[i];
    if b < 0x80 {
        SCLASS[b as usize]
    } else if b < 0xE0 {
        let cp = (usize::from(b & 0x1F) << 6) | usize::from(bytes[i + 1] & 0x3F);
        TWO_BYTE[cp - 0x80]
    } else if b == 0xE2 && bytes[i + 1] < 0x84 {
        PUNCTUATION[(usize::from(bytes[i + 1] & 0x3F) << 6) | usize::from(bytes[i + 2] & 0x3F)]
    } else {
        S_UNKNOWN
    }
}

/// The class of the character that ends just before byte `i` (`i > 0`).
#[inline]
fn class_before(bytes: &[u8], i: usize) -> u8 {
    let mut j = i - 1;
    while bytes[j] & 0xC0 == 0x80 {
        j -= 1;
    }
    class_at(bytes, j)
}

/// The length in bytes of the character whose first byte is `b`.
#[inline]
fn char_len(b: u8) -> usize {
    match b {
        0..0x80 => 1,
        0x80..0xE0 => 2,
        0xE0..0xF0 => 3,
        _ => 4,
    }
}

/// The sentence pieces of `bytes[start..]` (`start` a boundary: the start of the text or
/// just after a line feed), until the first character it does not handle: then it returns
/// `Some((from, at))`, `from` the last boundary found (at or after `start`, not yet passed to
/// `piece`) and `at` the position of that character, in the same line.
///
/// The rules reduce to: break after a line break (SB4, keeping CR LF together, SB3); after a
/// terminator (`SATerm Close* Sp*`, SB11) break unless the next character continues the
/// sentence: a digit after `.` (SB6), an upper-case letter after letter + `.` (SB7), a
/// lower-case letter after `.` `Close*` `Sp*` and any run of characters that are not letters,
/// terminators or line breaks (SB8), SContinue or another terminator (SB8a), `Close` before
/// any space (SB9), space or line break (SB9, SB10). Text between terminators and line breaks
/// never breaks, so it is skipped without looking at classes, except that non-ASCII
/// characters are looked up, to stop at one that could be a terminator or paragraph separator
/// (or that is not known). Extend and Format characters, transparent under SB5, are left to
/// `unicode-segmentation` where they would take part in a rule: in `SATerm Close* Sp*`, just
/// before a full stop (SB7).
///
/// Every rule looks back only over `SATerm Close* Sp*` and one letter before a full stop, and
/// a boundary is never followed by a character that continues such a run (a full stop after
/// one would have been SB8a, a space or `Close` SB9/SB10), so what lies before a boundary
/// never matters after it: starting `unicode-segmentation` at `from` gives the boundaries it
/// gives when started at the beginning.
fn fast_pieces(
    bytes: &[u8],
    start: usize,
    piece: &mut impl FnMut(usize, usize),
) -> Option<(usize, usize)> {
    let end = bytes.len();
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
        match SCAN[b as usize] {
            SCAN_SKIP => {
                i += 1;
                continue;
            }
            SCAN_LEAD => {
                if class_at(bytes, i) == S_UNKNOWN {
                    return Some((from, i));
                }
                i += 1;
                continue;
            }
            _ => {}
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
                continue 'scan; // end of the text: a break there anyway
            }
            let c = class_at(bytes, p);
            match c {
                S_EXTEND | S_UNKNOWN => return Some((from, p)),
                S_NUMERIC if aterm && p == term + 1 => {
                    // SB6
                    i = p;
                    continue 'scan;
                }
                S_UPPER if aterm && p == term + 1 && term > start => {
                    match class_before(bytes, term) {
                        S_UPPER | S_LOWER => {
                            // SB7
                            i = p;
                            continue 'scan;
                        }
                        S_EXTEND | S_UNKNOWN => return Some((from, term - 1)),
                        // Not SB7; an upper-case letter also ends SB8's run: SB11.
                        _ => {
                            emit(p, &mut from);
                            i = p;
                            continue 'scan;
                        }
                    }
                }
                S_ATERM | S_STERM => {
                    // SB8a; the new terminator starts the context again.
                    term = p;
                    aterm = c == S_ATERM;
                    spaces = false;
                    p += 1;
                }
                S_CLOSE if !spaces => p += char_len(bytes[p]), // SB9
                S_SP => {
                    // SB9 / SB10
                    spaces = true;
                    p += char_len(bytes[p]);
                }
                S_CR | S_LF => {
                    // SB9 / SB10, then the line break ends the piece (SB4).
                    i = p;
                    continue 'scan;
                }
                S_SCONTINUE => {
                    // SB8a
                    i = p + char_len(bytes[p]);
                    continue 'scan;
                }
                _ => {
                    if aterm {
                        match sb8_lower_ahead(bytes, p) {
                            Some(true) => {
                                i = p;
                                continue 'scan;
                            }
                            Some(false) => {}
                            None => return Some((from, p)),
                        }
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
    None
}

/// SB8's look-ahead from `p`: `( ¬(OLetter | Upper | Lower | ParaSep | SATerm) )* Lower`;
/// `None` at a character the fast path does not handle.
#[inline]
fn sb8_lower_ahead(bytes: &[u8], p: usize) -> Option<bool> {
    let mut q = p;
    while q < bytes.len() {
        let b = bytes[q];
        if b & 0xC0 == 0x80 {
            q += 1;
            continue;
        }
        match class_at(bytes, q) {
            S_LOWER => return Some(true),
            S_UPPER | S_OLETTER | S_CR | S_LF | S_ATERM | S_STERM => return Some(false),
            S_UNKNOWN => return None,
            _ => {}
        }
        q += 1;
    }
    Some(false)
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

    /// The splitter as it was before the fast path: every piece from `unicode-segmentation`.
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

    /// Every character of the class tables, in contexts that tell the classes apart, gives
    /// the pieces `unicode-segmentation` gives; those the tables handle stay on the fast path.
    #[test]
    fn class_tables_match_unicode_segmentation() {
        const TEMPLATES: &[&str] = &[
            "a.#",
            "a.#b",
            "A#. B",
            "a#.B",
            "a#. B",
            "#.B",
            "X. #",
            "X. #b",
            "a. #b",
            "a. #B",
            "a.# b",
            "a.#)",
            "a.# )",
            "x.) #",
            "x.) # b",
            "x.)# b",
            "x?#",
            "x? #",
            "x?# y",
            "x? #y",
            "#\n. #",
            "a.#1",
            "A.#.B",
            "a # b. c",
            "x.\u{a0}#",
            "x.”#",
            "x.” #y",
        ];
        let mut handled = 0;
        for cp in (0x80..0x800).chain(0x2000..0x2100) {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let mut buf = [0u8; 4];
            let cs: &str = c.encode_utf8(&mut buf);
            let known = !matches!(class_at(cs.as_bytes(), 0), S_UNKNOWN | S_EXTEND);
            for t in TEMPLATES {
                let text = t.replace('#', cs);
                assert_eq!(
                    our_pieces(&text),
                    reference_pieces(&text),
                    "U+{cp:04X} in {t:?}"
                );
                assert_eq!(split_sentences(&text), reference_split(&text), "{text:?}");
                if known {
                    handled += 1;
                    assert!(
                        fast_pieces(text.as_bytes(), 0, &mut |_, _| {}).is_none(),
                        "U+{cp:04X} in {t:?} left the fast path"
                    );
                }
            }
        }
        assert!(handled > 1500 * TEMPLATES.len(), "{handled}");
    }

    #[test]
    fn non_ascii_examples() {
        for text in [
            "Он сказал «Нет.» Потом ушёл.",
            "“He left.” Then ‘she’ came. é. É. Łódź.Ålesund",
            "ends\u{a0}here.\u{a0}next — and – so.‐ on",
            "a.\u{301}B c.\u{301} d",
            "e\u{301}.B and Σ.Σ and ǅ.ǅ",
            "x.\u{2028}y\u{2029}z\u{85}w",
            "它说。好 ok. 好. 😀. a",
            "a. 😀 b\nc. “d",
            "١.٢ and ۔ and ؟ x",
        ] {
            assert_eq!(our_pieces(text), reference_pieces(text), "{text:?}");
            assert_eq!(split_sentences(text), reference_split(text), "{text:?}");
        }
    }

    /// The corpora of the repository, split both ways: identical spans.
    #[test]
    fn corpora_match_unicode_segmentation() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut texts = Vec::new();
        for dir in ["corpus/sotu", "corpus/sotu-full", "corpus/news"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
                continue;
            };
            for e in entries.flatten() {
                if e.path().extension().is_some_and(|x| x == "txt") {
                    texts.push(std::fs::read_to_string(e.path()).expect("corpus file"));
                }
            }
        }
        assert!(!texts.is_empty(), "no corpus found");
        let generated = root.join("corpus/generated/gen-20m.jsonl");
        if let Ok(text) = std::fs::read_to_string(&generated) {
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
                texts.push(v["text"].as_str().expect("text field").to_string());
            }
        }
        for text in &texts {
            assert_eq!(our_pieces(text), reference_pieces(text));
            assert_eq!(split_sentences(text), reference_split(text));
        }
    }

    /// Text biased towards what the sentence rules look at, over several scripts: ASCII and
    /// non-ASCII terminators, quotes, brackets, spaces, capitals, digits, letters of Latin,
    /// Greek, Cyrillic, Armenian, Hebrew and Arabic, marks, and characters outside the tables.
    fn scripts_text() -> impl Strategy<Value = String> {
        proptest::string::string_regex(concat!(
            "([aBz1 \n\r\t.!?\"')(,;:-]",
            "|[\u{a0}\u{2000}\u{202f}\u{2009}]",
            "|[“”‘’«»‹›„‚]",
            "|[–—‐‑…€°§¶·]",
            "|[éÉçÇßÿŁłĳǅǈαΑσΣςΐЖжЁёІіЏџԱաא١٢۰ªº]",
            "|[\u{301}\u{483}\u{5b0}\u{ad}\u{200d}\u{200b}\u{2060}]",
            "|[\u{85}\u{2028}\u{2029}\u{589}\u{61f}\u{6d4}\u{2024}\u{203c}\u{3002}\u{ff0e}]",
            "|[好😀ⅷ™\u{ff21}\u{10400}])*",
        ))
        .unwrap()
    }

    /// Any two-byte or General Punctuation character among ASCII.
    fn table_text() -> impl Strategy<Value = String> {
        let ch = prop_oneof![
            4 => proptest::string::string_regex("[aBz1 \n.!?\")(,-]").unwrap(),
            2 => (0x80u32..0x800).prop_map(|c| char::from_u32(c).unwrap().to_string()),
            1 => (0x2000u32..0x2100).prop_map(|c| char::from_u32(c).unwrap().to_string()),
        ];
        proptest::collection::vec(ch, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        #[test]
        fn scripts_text_matches(text in scripts_text()) {
            prop_assert_eq!(our_pieces(&text), reference_pieces(&text));
            prop_assert_eq!(split_sentences(&text), reference_split(&text));
        }

        #[test]
        fn table_text_matches(text in table_text()) {
            prop_assert_eq!(our_pieces(&text), reference_pieces(&text));
            prop_assert_eq!(split_sentences(&text), reference_split(&text));
        }

        #[test]
        fn long_scripts_text_matches(parts in proptest::collection::vec((ascii_text(), scripts_text(), table_text()), 0..6)) {
            let text: String = parts.into_iter().flat_map(|(a, b, c)| [a, b, c]).collect();
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

//! Unicode normalisation and lowercasing of a whole text, with a map from offsets of the
//! transformed text back to the original.

use std::borrow::Cow;

use unicode_normalization::char::{
    canonical_combining_class, decompose_canonical, decompose_compatible,
};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick, is_nfkc_quick};

use crate::config::UnicodeForm;

/// A text after normalisation and lowercasing.
#[derive(Debug)]
pub(crate) struct Transformed<'t> {
    /// The transformed text; borrowed when it is byte-identical to the original.
    pub text: Cow<'t, str>,
    /// `None` when byte offsets of `text` are byte offsets of the original.
    map: Option<OffsetMap>,
}

impl<'t> Transformed<'t> {
    /// Transforms `original`.
    pub fn new(original: &'t str, form: UnicodeForm, lowercase: bool) -> Self {
        if original.is_ascii() {
            // ASCII is invariant under NFC and NFKC, and ASCII lowercasing keeps offsets.
            let text = if lowercase && original.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(original.to_ascii_lowercase())
            } else {
                Cow::Borrowed(original)
            };
            return Transformed { text, map: None };
        }
        let normalised = normalise_units(original, form);
        if lowercase && normalised.is_none() && !original.contains('Σ') {
            return lower_in_one_pass(original);
        }
        let lowered = if lowercase {
            let source = normalised.as_ref().map_or(original, |n| n.text.as_str());
            Some(source.to_lowercase())
        } else {
            None
        };
        let final_text: &str = match (&lowered, &normalised) {
            (Some(l), _) => l,
            (None, Some(n)) => &n.text,
            (None, None) => original,
        };
        if final_text == original {
            return Transformed {
                text: Cow::Borrowed(original),
                map: None,
            };
        }
        let map = build_map(original, normalised.as_ref(), lowered.as_deref());
        let text = match (lowered, normalised) {
            (Some(l), _) => l,
            (None, Some(n)) => n.text,
            (None, None) => unreachable!("an unchanged text returned above"),
        };
        let map = if map.is_identity(text.len()) {
            None
        } else {
            Some(map)
        };
        Transformed {
            text: Cow::Owned(text),
            map,
        }
    }

    /// The original byte span of the transformed range `start..end` (`start < end`): it
    /// covers every original character that produced a byte of the range, and lies on
    /// character boundaries of the original.
    #[inline]
    pub fn original_span(&self, start: usize, end: usize) -> (usize, usize) {
        match &self.map {
            None => (start, end),
            Some(map) => (map.start(start), map.end(end)),
        }
    }

    /// True when offsets are shared with the original.
    #[cfg(test)]
    pub fn offsets_preserved(&self) -> bool {
        self.map.is_none()
    }
}

/// Lowercases `original` (no Unicode normalisation) and builds its offset map in the same pass.
///
/// Equal to `str::to_lowercase` followed by [`build_map`] for a text without `Σ` (the only
/// character whose lowercase depends on its context): every other character is mapped by
/// `char::to_lowercase`. ASCII runs are copied and lowercased in bulk, and the map is only
/// started at the first character whose lowercase is not one character of the same length
/// (before it, offsets are shared), so a text like most news text, ASCII with curly quotes,
/// dashes and accented letters, gets no map at all.
fn lower_in_one_pass(original: &str) -> Transformed<'_> {
    let bytes = original.as_bytes();
    let mut out = String::with_capacity(original.len() + 8);
    let mut changed = false;
    let mut map: Option<OffsetMap> = None;
    let mut i = 0;
    while i < bytes.len() {
        let run = bytes[i..]
            .iter()
            .position(|&b| b >= 0x80)
            .unwrap_or(bytes.len() - i);
        if run > 0 {
            let t = out.len();
            let ascii = &original[i..i + run];
            changed |= ascii.bytes().any(|b| b.is_ascii_uppercase());
            out.push_str(ascii);
            out[t..].make_ascii_lowercase();
            if let Some(map) = &mut map {
                map.push(Segment {
                    t,
                    o: i,
                    t_len: run,
                    o_len: run,
                    exact: true,
                });
            }
            i += run;
            if i == bytes.len() {
                break;
            }
        }
        let Some(c) = original[i..].chars().next() else {
            break;
        };
        let t = out.len();
        let mut n = 0;
        for l in c.to_lowercase() {
            out.push(l);
            n += 1;
        }
        let t_len = out.len() - t;
        let c_len = c.len_utf8();
        let exact = n == 1 && t_len == c_len;
        if !(n == 1 && out[t..].starts_with(c)) {
            changed = true;
        }
        if !exact && map.is_none() {
            // Offsets were shared up to here.
            let mut m = OffsetMap::default();
            m.push(Segment {
                t: 0,
                o: 0,
                t_len: t,
                o_len: i,
                exact: true,
            });
            map = Some(m);
        }
        if let Some(map) = &mut map {
            map.push(Segment {
                t,
                o: i,
                t_len,
                o_len: c_len,
                exact,
            });
        }
        i += c_len;
    }
    if !changed {
        return Transformed {
            text: Cow::Borrowed(original),
            map: None,
        };
    }
    Transformed {
        text: Cow::Owned(out),
        map,
    }
}

/// The normalised text cut into units that normalise independently.
struct Normalised {
    text: String,
    /// `(original range, normalised range)` per unit, in order.
    units: Vec<Unit>,
}

struct Unit {
    orig: (usize, usize),
    norm: (usize, usize),
    /// The unit normalised to itself.
    same: bool,
}

/// Normalises `text` unit by unit, or returns `None` when the text is already normalised.
fn normalise_units(text: &str, form: UnicodeForm) -> Option<Normalised> {
    let quick = match form {
        UnicodeForm::None => return None,
        UnicodeForm::Nfc => is_nfc_quick(text.chars()),
        UnicodeForm::Nfkc => is_nfkc_quick(text.chars()),
    };
    if quick == IsNormalized::Yes {
        return None;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut units = Vec::new();
    let mut unit_start = 0;
    let bytes_len = text.len();
    let push_unit = |start: usize, end: usize, out: &mut String, units: &mut Vec<Unit>| {
        let piece = &text[start..end];
        let n_start = out.len();
        match form {
            UnicodeForm::Nfkc => out.extend(piece.nfkc()),
            _ => out.extend(piece.nfc()),
        }
        let same = &out[n_start..] == piece;
        units.push(Unit {
            orig: (start, end),
            norm: (n_start, out.len()),
            same,
        });
    };
    for (i, c) in text.char_indices() {
        if i > unit_start && is_stable_boundary(c, form) {
            push_unit(unit_start, i, &mut out, &mut units);
            unit_start = i;
        }
    }
    if unit_start < bytes_len {
        push_unit(unit_start, bytes_len, &mut out, &mut units);
    }
    Some(Normalised { text: out, units })
}

/// True when normalisation never looks across a boundary just before `c`: `c` is a starter
/// whose (full) decomposition begins with a starter that cannot compose with anything before
/// it, so neither reordering nor composition crosses the boundary.
#[inline]
fn is_stable_boundary(c: char, form: UnicodeForm) -> bool {
    if c.is_ascii() {
        return true;
    }
    if canonical_combining_class(c) != 0 {
        return false;
    }
    let mut first = None;
    let mut take_first = |d: char| {
        first.get_or_insert(d);
    };
    match form {
        UnicodeForm::Nfkc => decompose_compatible(c, &mut take_first),
        _ => decompose_canonical(c, &mut take_first),
    }
    let d = first.unwrap_or(c);
    canonical_combining_class(d) == 0 && is_nfc_quick(std::iter::once(d)) == IsNormalized::Yes
}

/// One piece of the map: transformed bytes `t..t+t_len` came from original `o..o+o_len`.
/// In an exact segment every character maps to one character of the same UTF-8 length, so
/// offsets map by a constant shift; otherwise the segment maps only as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    t: usize,
    o: usize,
    t_len: usize,
    o_len: usize,
    exact: bool,
}

#[derive(Debug, Default)]
struct OffsetMap {
    segments: Vec<Segment>,
}

impl OffsetMap {
    fn push(&mut self, seg: Segment) {
        if seg.t_len == 0 && seg.o_len == 0 {
            return;
        }
        match self.segments.last_mut() {
            Some(last)
                if last.exact
                    && seg.exact
                    && last.t + last.t_len == seg.t
                    && last.o + last.o_len == seg.o =>
            {
                last.t_len += seg.t_len;
                last.o_len += seg.o_len;
            }
            _ => self.segments.push(seg),
        }
    }

    fn is_identity(&self, len: usize) -> bool {
        match self.segments.as_slice() {
            [] => len == 0,
            [s] => s.exact && s.t == 0 && s.o == 0 && s.t_len == len,
            _ => false,
        }
    }

    /// The segment holding transformed byte `t` (the last starting at or before it).
    fn segment_at(&self, t: usize) -> Option<&Segment> {
        let i = self.segments.partition_point(|s| s.t <= t);
        i.checked_sub(1).map(|i| &self.segments[i])
    }

    fn start(&self, t: usize) -> usize {
        match self.segment_at(t) {
            None => 0,
            Some(s) if t >= s.t + s.t_len => s.o + s.o_len,
            Some(s) if s.exact => s.o + (t - s.t),
            Some(s) => s.o,
        }
    }

    fn end(&self, t: usize) -> usize {
        // The segment holding the last byte before `t`.
        match self.segment_at(t.saturating_sub(1)) {
            None => 0,
            Some(s) if s.exact => s.o + (t - s.t).min(s.t_len),
            Some(s) => s.o + s.o_len,
        }
    }
}

/// Walks the lowercased text in step with its source, one source character at a time.
struct LowerCursor<'l> {
    lowered: Option<&'l str>,
    pos: usize,
}

impl LowerCursor<'_> {
    /// Consumes the lowercase output of source character `c`; returns its byte length and
    /// whether it is one character of the same length as `c`.
    #[inline]
    fn advance(&mut self, c: char) -> (usize, bool) {
        let Some(lowered) = self.lowered else {
            self.pos += c.len_utf8();
            return (c.len_utf8(), true);
        };
        if c.is_ascii() {
            self.pos += 1;
            return (1, true);
        }
        // `str::to_lowercase` maps every character by `char::to_lowercase`, except a capital
        // sigma, which becomes one character (σ or ς) depending on its context.
        let n = if c == 'Σ' {
            1
        } else {
            c.to_lowercase().count()
        };
        let start = self.pos;
        let mut chars = lowered[start..].chars();
        let mut len = 0;
        for _ in 0..n {
            len += chars.next().map_or(0, char::len_utf8);
        }
        self.pos += len;
        (len, n == 1 && len == c.len_utf8())
    }
}

fn build_map(original: &str, normalised: Option<&Normalised>, lowered: Option<&str>) -> OffsetMap {
    let mut map = OffsetMap::default();
    let mut cursor = LowerCursor { lowered, pos: 0 };
    let walk_chars =
        |map: &mut OffsetMap, cursor: &mut LowerCursor<'_>, piece: &str, o_base: usize| {
            for (i, c) in piece.char_indices() {
                let t = cursor.pos;
                let (t_len, exact) = cursor.advance(c);
                map.push(Segment {
                    t,
                    o: o_base + i,
                    t_len,
                    o_len: c.len_utf8(),
                    exact,
                });
            }
        };
    match normalised {
        None => walk_chars(&mut map, &mut cursor, original, 0),
        Some(n) => {
            for unit in &n.units {
                let (os, oe) = unit.orig;
                if unit.same {
                    walk_chars(&mut map, &mut cursor, &original[os..oe], os);
                } else {
                    let t = cursor.pos;
                    for c in n.text[unit.norm.0..unit.norm.1].chars() {
                        cursor.advance(c);
                    }
                    map.push(Segment {
                        t,
                        o: os,
                        t_len: cursor.pos - t,
                        o_len: oe - os,
                        exact: false,
                    });
                }
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(t: &Transformed<'_>, ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
        ranges.iter().map(|&(s, e)| t.original_span(s, e)).collect()
    }

    #[test]
    fn ascii_keeps_offsets_and_borrows_when_unchanged() {
        let t = Transformed::new("hello world", UnicodeForm::Nfc, true);
        assert!(matches!(t.text, Cow::Borrowed(_)));
        let t = Transformed::new("Hello World", UnicodeForm::Nfkc, true);
        assert_eq!(t.text, "hello world");
        assert!(t.offsets_preserved());
    }

    #[test]
    fn same_length_lowercasing_keeps_offsets() {
        let t = Transformed::new("Москва МОСКВА", UnicodeForm::Nfc, true);
        assert_eq!(t.text, "москва москва");
        assert!(t.offsets_preserved());
    }

    #[test]
    fn dotted_capital_i_grows_and_maps_back() {
        let text = "İstanbul x";
        let t = Transformed::new(text, UnicodeForm::None, true);
        assert_eq!(t.text, "i\u{307}stanbul x");
        // "i" (0..1) and the combining dot (1..3) both come from İ (0..2).
        assert_eq!(
            spans(&t, &[(0, 1), (1, 3), (3, 10), (11, 12)]),
            vec![(0, 2), (0, 2), (2, 9), (10, 11)]
        );
    }

    #[test]
    fn final_sigma_and_kelvin() {
        let text = "ΣΊΣΥΦΟΣ \u{212A}";
        let t = Transformed::new(text, UnicodeForm::None, true);
        assert_eq!(t.text, "σίσυφος k");
        let (s, e) = t.original_span(t.text.len() - 1, t.text.len());
        assert_eq!(&text[s..e], "\u{212A}");
        assert_eq!(t.original_span(0, "σίσυφος".len()), (0, "ΣΊΣΥΦΟΣ".len()));
    }

    #[test]
    fn nfc_composes_and_maps_to_the_whole_sequence() {
        let text = "Cafe\u{301} ok";
        let t = Transformed::new(text, UnicodeForm::Nfc, true);
        assert_eq!(t.text, "café ok");
        assert_eq!(t.original_span(0, "café".len()), (0, 6));
        assert_eq!(t.original_span(0, 3), (0, 3));
        assert_eq!(t.original_span("café ".len(), "café ok".len()), (7, 9));
    }

    #[test]
    fn nfkc_ligature_maps_to_the_ligature() {
        let text = "\u{FB01}nance ²";
        let t = Transformed::new(text, UnicodeForm::Nfkc, false);
        assert_eq!(t.text, "finance 2");
        assert_eq!(t.original_span(0, 7), (0, 8));
        assert_eq!(t.original_span(1, 2), (0, 3)); // "i" lies inside the ligature
        assert_eq!(t.original_span(8, 9), (9, 11));
    }

    #[test]
    fn unchanged_non_ascii_borrows() {
        let t = Transformed::new("café москва", UnicodeForm::Nfc, true);
        assert!(matches!(t.text, Cow::Borrowed(_)));
    }

    proptest::proptest! {
        #[test]
        fn unit_wise_normalisation_equals_whole_text(text in "([a-c ]|[\u{300}-\u{36f}]|[\u{1100}-\u{1112}\u{1161}-\u{1175}\u{11a8}-\u{11c2}가각]|[ΣΑσᾼ\u{345}ﬁ²½ｶﾞ\u{ff9e}\u{b47}\u{b3e}\u{2126}İ\u{0f73}\u{0f77}\u{212b}])*") {
            for form in [UnicodeForm::Nfc, UnicodeForm::Nfkc] {
                let whole: String = match form {
                    UnicodeForm::Nfkc => text.nfkc().collect(),
                    _ => text.nfc().collect(),
                };
                proptest::prop_assert_eq!(&Transformed::new(&text, form, false).text, &whole);
                proptest::prop_assert_eq!(&Transformed::new(&text, form, true).text, &whole.to_lowercase());
            }
        }

        #[test]
        fn one_pass_lowering_equals_lowercase_then_map(text in "([a-cA-C .]|[ÀàİIΣσς\u{130}\u{1e9e}ßǅǄ\u{212a}\u{2126}ﬁ\u{301}\u{10400}’—])*") {
            let old = {
                let lowered = text.to_lowercase();
                let map = build_map(&text, None, Some(&lowered));
                (lowered.clone(), if lowered == text || map.is_identity(lowered.len()) { None } else { Some(map.segments) })
            };
            if !text.contains('Σ') {
                let new = lower_in_one_pass(&text);
                proptest::prop_assert_eq!(new.text.as_ref(), old.0.as_str());
                proptest::prop_assert_eq!(new.map.map(|m| m.segments), old.1);
            }
            let whole = Transformed::new(&text, UnicodeForm::None, true);
            proptest::prop_assert_eq!(whole.text.as_ref(), old.0.as_str());
        }

        #[test]
        fn spans_map_onto_char_boundaries(text in proptest::prelude::any::<String>(), a in 0usize..64, b in 0usize..64) {
            for form in [UnicodeForm::None, UnicodeForm::Nfc, UnicodeForm::Nfkc] {
                let t = Transformed::new(&text, form, true);
                let len = t.text.len();
                if len == 0 { continue; }
                let (mut s, mut e) = (a % len, b % len + 1);
                if s >= e { std::mem::swap(&mut s, &mut e); }
                while !t.text.is_char_boundary(s) { s -= 1; }
                while !t.text.is_char_boundary(e) { e += 1; }
                if s == e { continue; }
                let (os, oe) = t.original_span(s, e);
                proptest::prop_assert!(os < oe && oe <= text.len(), "{:?} {:?}", (s, e), (os, oe));
                proptest::prop_assert!(text.is_char_boundary(os) && text.is_char_boundary(oe));
            }
        }
    }
}

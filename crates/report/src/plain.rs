//! Fast text for the fields of large CSV files, byte for byte what the slower general paths
//! write: numbers as [`Display`](std::fmt::Display) writes them and text fields quoted as the
//! `csv` crate's writer quotes them by default.
//!
//! Formatting a float through `std::fmt` costs more than the rest of a row of
//! `collocations.csv`; [`push_f64`] takes the shortest digits from `ryu` and lays them out as
//! `Display` does, without an exponent.

/// Appends `x` exactly as `format!("{x}")` writes it: the shortest digits that read back as
/// the same `f64`, never with an exponent (`0.0000001`, `100000000000000000000`), no `.0` on
/// whole numbers, `-0` for negative zero. `NaN` and infinities are written as `Display` does.
///
/// Both `ryu` and the standard library pick the shortest digit string that reads back as
/// `x` and, among those, the one nearest to `x`; they differ only when two such strings are
/// exactly equally near (`ryu` rounds the tie to even, `Display` up). Such a tie needs `x`'s
/// exact decimal expansion to have at most one digit more than the shortest, so at most 18
/// significant digits; every such value (whole numbers among them) goes through `Display`.
pub(crate) fn push_f64(out: &mut Vec<u8>, x: f64) {
    if !x.is_finite() || may_tie(x) {
        use std::io::Write as _;
        // Writing into a `Vec` cannot fail.
        let _ = write!(out, "{x}");
        return;
    }
    let mut buffer = ryu::Buffer::new();
    let text = buffer.format_finite(x).as_bytes();
    if text.contains(&b'e') {
        push_plain(out, text);
    } else {
        // Without an exponent `ryu` already writes what `Display` writes, but for the `.0`
        // of whole numbers, which went to `Display` above.
        out.extend_from_slice(text);
    }
}

/// Whether the exact decimal expansion of the finite `x` has at most 18 significant digits
/// (always true of zero and of whole numbers): the only values whose shortest digits can be
/// a tie between two candidates.
fn may_tie(x: f64) -> bool {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    // x = mantissa * 2^exponent.
    let (mantissa, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    if mantissa == 0 {
        return true;
    }
    let zeros = mantissa.trailing_zeros();
    let (odd, exponent) = (mantissa >> zeros, exponent + zeros as i32);
    if exponent >= 0 {
        return true;
    }
    // x = odd * 5^k / 10^k with odd odd: its significant digits are those of odd * 5^k.
    let k = exponent.unsigned_abs();
    if k > 26 {
        // 5^27 alone has 19 digits.
        return false;
    }
    u128::from(odd) * 5u128.pow(k) < 1_000_000_000_000_000_000
}

/// Appends the number `ryu` wrote as `text` (`-1.25`, `1e16`, `1.5e-7`, `0.001`, `3.0`) in
/// `Display`'s layout: the digits with the point where it falls, leading and trailing zeros
/// dropped, zeros added to reach the point, `0.` before a number below one.
fn push_plain(out: &mut Vec<u8>, text: &[u8]) {
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let (mantissa, exponent) = match text.iter().position(|&b| b == b'e') {
        Some(at) => (&text[..at], parse_exponent(&text[at + 1..])),
        None => (text, 0),
    };
    // At most 17 significant digits, plus the zeros of `0.000…` and `….0`.
    let mut digits = [0u8; 32];
    let mut len = 0usize;
    let mut point = None;
    for &b in mantissa {
        if b == b'.' {
            point = Some(len);
        } else if let Some(slot) = digits.get_mut(len) {
            *slot = b;
            len += 1;
        }
    }
    let mut point = point.unwrap_or(len) as i64 + i64::from(exponent);
    let mut digits = &digits[..len];
    while let Some((b'0', rest)) = digits.split_first() {
        digits = rest;
        point -= 1;
    }
    while let Some((b'0', rest)) = digits.split_last() {
        digits = rest;
    }
    if negative {
        out.push(b'-');
    }
    if digits.is_empty() {
        out.push(b'0');
    } else if point <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', point.unsigned_abs() as usize));
        out.extend_from_slice(digits);
    } else if (point as usize) < digits.len() {
        let (whole, fraction) = digits.split_at(point as usize);
        out.extend_from_slice(whole);
        out.push(b'.');
        out.extend_from_slice(fraction);
    } else {
        out.extend_from_slice(digits);
        out.extend(std::iter::repeat_n(b'0', point as usize - digits.len()));
    }
}

/// The exponent after `ryu`'s `e` (`-7`, `16`).
fn parse_exponent(text: &[u8]) -> i32 {
    let (sign, digits) = match text.split_first() {
        Some((b'-', rest)) => (-1, rest),
        _ => (1, text),
    };
    sign * digits
        .iter()
        .fold(0i32, |n, &d| n * 10 + i32::from(d.wrapping_sub(b'0')))
}

/// Appends `n` as `Display` writes it.
pub(crate) fn push_u64(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Appends a text field as the `csv` crate's default writer does: unchanged, or in double
/// quotes with each quote doubled when it holds a comma, a quote, a carriage return or a line
/// feed.
pub(crate) fn push_csv_text(out: &mut Vec<u8>, field: &[u8]) {
    match quoting(field) {
        Quoting::None => out.extend_from_slice(field),
        Quoting::Wrap => {
            out.reserve(field.len() + 2);
            out.push(b'"');
            out.extend_from_slice(field);
            out.push(b'"');
        }
        Quoting::Double => {
            out.push(b'"');
            for part in field.split_inclusive(|&b| b == b'"') {
                out.extend_from_slice(part);
                if part.last() == Some(&b'"') {
                    out.push(b'"');
                }
            }
            out.push(b'"');
        }
    }
}

/// What a CSV text field needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quoting {
    /// Nothing: it holds no `,`, `"`, `\r` or `\n`.
    None,
    /// Double quotes around it: it holds `,`, `\r` or `\n`, and no `"`.
    Wrap,
    /// Double quotes around it and each of its `"` doubled.
    Double,
}

/// What `field` needs: sixteen bytes at a time compared at once, then eight at a time (a byte
/// equal to `c` is a zero byte of `word ^ c…c`, found by the exact zero-byte test), the rest
/// one by one; the search stops at the first `"`.
fn quoting(field: &[u8]) -> Quoting {
    use wordmill_model::swar::{HIGH, ONES};
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let mut special = false;
    let mut blocks = field.chunks_exact(16);
    for block in &mut blocks {
        let (quote, other) = specials16(block);
        if quote {
            return Quoting::Double;
        }
        special |= other;
    }
    let mut chunks = blocks.remainder().chunks_exact(8);
    for chunk in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        if zero(w ^ (ONES * u64::from(b'"'))) != 0 {
            return Quoting::Double;
        }
        special |= zero(w ^ (ONES * u64::from(b',')))
            | zero(w ^ (ONES * u64::from(b'\r')))
            | zero(w ^ (ONES * u64::from(b'\n')))
            != 0;
    }
    for &b in chunks.remainder() {
        match b {
            b'"' => return Quoting::Double,
            b',' | b'\r' | b'\n' => special = true,
            _ => {}
        }
    }
    if special {
        Quoting::Wrap
    } else {
        Quoting::None
    }
}

/// Whether the first 16 bytes of `block` hold a `"`, and whether they hold a `,`, `\r` or `\n`
/// (both false for a shorter block).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn specials16(block: &[u8]) -> (bool, bool) {
    let Some(bytes) = block.first_chunk::<16>() else {
        return (false, false);
    };
    #[allow(unsafe_code)]
    // SAFETY: SSE2 is part of every x86-64 processor, and the unaligned load reads the 16
    // bytes of `bytes`, a valid reference to exactly 16 bytes.
    unsafe {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        let v = _mm_loadu_si128(bytes.as_ptr().cast::<__m128i>());
        let is = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
        let quote = _mm_movemask_epi8(is(b'"'));
        let other = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(is(b','), is(b'\r')), is(b'\n')));
        (quote != 0, other != 0)
    }
}

/// As above, byte by byte, where there is no SSE2.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn specials16(block: &[u8]) -> (bool, bool) {
    let quote = block.contains(&b'"');
    let other = block.iter().any(|&b| matches!(b, b',' | b'\r' | b'\n'));
    (quote, other)
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy as _;

    use super::*;

    proptest::proptest! {
        #[test]
        fn quoting_is_a_byte_search(field in proptest::collection::vec(
            // Mostly bytes that need nothing, so that long fields without any special byte, or
            // with one late, come up too.
            proptest::prop_oneof![
                60 => proptest::prelude::any::<u8>()
                    .prop_filter("plain", |b| !matches!(b, b',' | b'"' | b'\r' | b'\n')),
                1 => proptest::prelude::Just(b','),
                1 => proptest::prelude::Just(b'"'),
                1 => proptest::prelude::Just(b'\n'),
                1 => proptest::prelude::Just(b'\r'),
            ],
            0..200,
        )) {
            let expected = if field.contains(&b'"') {
                Quoting::Double
            } else if field.iter().any(|&b| matches!(b, b',' | b'\r' | b'\n')) {
                Quoting::Wrap
            } else {
                Quoting::None
            };
            proptest::prop_assert_eq!(quoting(&field), expected);
        }
    }

    fn plain(x: f64) -> String {
        let mut out = Vec::new();
        push_f64(&mut out, x);
        String::from_utf8(out).unwrap()
    }

    /// xorshift64: a fixed stream of test values.
    fn stream(mut s: u64) -> impl FnMut() -> u64 {
        move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        }
    }

    #[test]
    fn floats_are_written_as_display_writes_them() {
        let special = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            0.3,
            1e-7,
            1.5e-7,
            1e16,
            1e21,
            123456789012345680.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            f64::EPSILON,
            2.1682739007588516,
            // Ties: ryu alone writes 981446413237567.2 and 76644942851885.12.
            981_446_413_237_567.0 + 0.25,
            76_644_942_851_885.0 + 0.125,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for x in special {
            assert_eq!(plain(x), format!("{x}"), "{x:e}");
        }
        let mut next = stream(0x1234_5678_9abc_def1);
        for _ in 0..200_000 {
            // Any bit pattern, then magnitudes around those of the measures.
            let x = f64::from_bits(next());
            assert_eq!(plain(x), format!("{x}"), "{x:e}");
            let scale = 10f64.powi((next() % 40) as i32 - 20);
            let x = (next() >> 11) as f64 / (1u64 << 53) as f64 * scale;
            assert_eq!(plain(x), format!("{x}"), "{x:e}");
            // Values with few significant bits, where ties live.
            let x = f64::from_bits(next() & !((1u64 << (next() % 52)) - 1));
            assert_eq!(plain(x), format!("{x}"), "{x:e}");
        }
    }

    #[test]
    fn integers_and_text_fields_match_the_general_writers() {
        for n in [0, 7, 10, 1_234_567, u64::MAX] {
            let mut out = Vec::new();
            push_u64(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
        let fields = [
            "",
            "new",
            "x,y",
            "\"",
            "a\"b\"",
            "line\nfeed",
            "cr\r",
            "über",
            "#",
            " a ",
            "'",
        ];
        let mut expected = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let mut ours = Vec::new();
        for f in fields {
            expected.write_record(["x", f, "y"]).unwrap();
            ours.extend_from_slice(b"x,");
            push_csv_text(&mut ours, f.as_bytes());
            ours.extend_from_slice(b",y\n");
        }
        assert_eq!(
            String::from_utf8(ours).unwrap(),
            String::from_utf8(expected.into_inner().unwrap()).unwrap()
        );
    }
}

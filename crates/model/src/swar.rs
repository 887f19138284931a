//! Eight bytes at a time ("SIMD within a register"): the constants and masks the hand-written
//! scanners of the normaliser and the sentiment analyser share.

/// One in every byte.
pub const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
pub const HIGH: u64 = 0x8080_8080_8080_8080;

/// Eight bytes of `b` from `i` as a little-endian word.
///
/// # Panics
///
/// Panics if `i + 8 > b.len()`.
#[inline(always)]
pub fn load8(b: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[i..i + 8]);
    u64::from_le_bytes(w)
}

/// The high bit of each byte of `w` in `lo..=hi`, exact when every byte of `w` is ASCII
/// (below 0x80: adding `0x80 - c` then sets a byte's high bit exactly when it is ≥ `c`, and
/// never carries into the next byte). A non-ASCII byte may carry into the bytes after it (more
/// significant ones), never into those before.
///
/// ```
/// use wordmill_model::swar::{HIGH, load8, range_mask};
/// let w = load8(b"aZ9_ b.z", 0);
/// assert_eq!(range_mask(w, b'a', b'z'), 0x8000_8000_0000_0080); // a, b, z
/// assert_eq!(range_mask(w, 0, 0x7f), HIGH);
/// ```
#[inline(always)]
pub fn range_mask(w: u64, lo: u8, hi: u8) -> u64 {
    let ge_lo = w.wrapping_add(ONES * u64::from(0x80 - lo));
    let gt_hi = w.wrapping_add(ONES * u64::from(0x7f - hi));
    ge_lo & !gt_hi & HIGH
}

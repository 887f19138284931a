//! Short byte strings packed into one `u128`, so that comparing or hashing one is a single
//! integer operation: the stop-word set and the term table both key short words this way.

/// Byte strings up to this length pack (see [`pack`]).
pub const PACKED_MAX: usize = 15;

/// A byte string of at most [`PACKED_MAX`] bytes as one number: the bytes in the low 15 bytes,
/// the length in the top byte (so `"ab"` and `"ab\0"` differ, and only `""` packs to 0).
/// `None` for longer strings.
///
/// Built from at most four loads, without a loop or a `memcpy` call: two loads that may overlap
/// in the middle, whose common bytes agree, so OR-ing them is exact.
///
/// ```
/// use wordmill_model::packed::pack;
/// assert_eq!(pack(b"ab"), Some(u128::from_le_bytes(*b"ab\0\0\0\0\0\0\0\0\0\0\0\0\0\x02")));
/// assert_eq!(pack(b"sixteen bytes!!!"), None);
/// ```
#[inline]
pub fn pack(b: &[u8]) -> Option<u128> {
    let n = b.len();
    let v: u128 = if n >= 8 {
        if n > PACKED_MAX {
            return None;
        }
        let lo = u64::from_le_bytes(b[..8].try_into().ok()?);
        let hi = u64::from_le_bytes(b[n - 8..].try_into().ok()?);
        u128::from(lo) | (u128::from(hi) << (8 * (n - 8)))
    } else if n >= 4 {
        let lo = u32::from_le_bytes(b[..4].try_into().ok()?);
        let hi = u32::from_le_bytes(b[n - 4..].try_into().ok()?);
        u128::from(u64::from(lo) | (u64::from(hi) << (8 * (n - 4))))
    } else if n > 0 {
        // n = 1, 2 or 3: first, middle and last byte (some of them the same byte).
        u128::from(b[0])
            | (u128::from(b[n / 2]) << (8 * (n / 2)))
            | (u128::from(b[n - 1]) << (8 * (n - 1)))
    } else {
        0
    };
    Some(v | ((n as u128) << 120))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_agrees_with_a_byte_copy() {
        let naive = |b: &[u8]| {
            (b.len() <= PACKED_MAX).then(|| {
                let mut buf = [0u8; 16];
                buf[..b.len()].copy_from_slice(b);
                buf[15] = b.len() as u8;
                u128::from_le_bytes(buf)
            })
        };
        let text = "abcdefghijklmnopq\0\0é";
        for s in 0..text.len() {
            for e in s..=text.len() {
                let b = &text.as_bytes()[s..e];
                assert_eq!(pack(b), naive(b), "{b:?}");
            }
        }
    }
}

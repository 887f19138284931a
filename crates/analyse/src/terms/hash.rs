//! A small, fast, non-cryptographic hasher for the term table.
//!
//! The term table is looked up once per feature (token or n-gram), so the hash of a short
//! string dominates `observe`. SipHash (the standard library's default) is built to resist
//! deliberately colliding keys, which costs several times more per short key than this
//! multiply-rotate scheme in the style of FxHash. Term text comes from the corpus being analysed,
//! not from an adversary racing the process, so that trade is the right one here.

use std::hash::{BuildHasherDefault, Hasher};

/// Odd 64-bit multiplier (from the golden ratio); spreads each word over the high bits.
const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;

/// Multiply-rotate hasher: eight input bytes per step.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WordHasher {
    hash: u64,
}

impl WordHasher {
    #[inline]
    fn mix(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(MULTIPLIER);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length keeps "ab" and "ab\0" apart.
            self.mix(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }

    #[inline]
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        // The table takes its bucket from the low bits and its tag from the top 7 bits; the
        // multiplication mixes best into the high half, so rotate some of it down.
        self.hash.rotate_left(26)
    }
}

/// `BuildHasher` for [`WordHasher`]; deterministic (no random seed).
pub(crate) type BuildWordHasher = BuildHasherDefault<WordHasher>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    fn hash(s: &str) -> u64 {
        BuildWordHasher::default().hash_one(s)
    }

    #[test]
    fn distinguishes_short_and_padded_keys() {
        assert_ne!(hash("ab"), hash("ab\0"));
        assert_ne!(hash(""), hash("\0"));
        assert_ne!(hash("abcdefgh"), hash("abcdefgh\0"));
        assert_ne!(hash("new york"), hash("york new"));
    }

    #[test]
    fn is_deterministic() {
        assert_eq!(hash("workers"), hash("workers"));
    }

    #[test]
    fn spreads_similar_keys_over_buckets() {
        // 4096 similar keys into 1024 buckets by the low bits: no bucket may be crowded.
        let mut buckets = vec![0u32; 1024];
        for i in 0..4096 {
            buckets[(hash(&format!("term{i}")) & 1023) as usize] += 1;
        }
        assert!(
            buckets.iter().all(|&b| b < 20),
            "{:?}",
            buckets.iter().max()
        );
    }
}

//! The term table of a [`TermsPartial`](super::TermsPartial): an open-addressing hash table
//! from term text to a dense index, built for one lookup per token.
//!
//! # Layout
//!
//! - `entries`: one [`Entry`] per term, in insertion order; a term's index in it is its id.
//!   An entry holds the key and the term's counters side by side (64 bytes), so a hit touches
//!   one slot and one entry, and never follows a pointer to the key's text.
//! - `slots`: a power-of-two array of `u64`; 0 is empty, otherwise the high 32 bits are the
//!   key's hash tag and the low 32 bits the entry index plus one. Collisions probe linearly.
//!   The home slot is taken from the tag, so growing rehashes from the slots alone.
//! - Keys of at most [`SHORT_MAX`] bytes (almost every word) are packed into a `u128` (the bytes,
//!   and the length in the top byte), so comparing two keys is one 16-byte compare. Longer keys
//!   (n-grams, long tokens) live in one `String` arena; their `u128` holds an offset, a length
//!   and a marker in the top byte that no short key has.
//!
//! The hash only places keys; nothing observable depends on it: ids follow insertion order.

use super::partial::Totals;

use wordmill_model::TokenText;
pub(crate) use wordmill_model::packed::PACKED_MAX as SHORT_MAX;
use wordmill_model::packed::pack;

/// Top byte of a long key's `u128` (short keys have their length, at most 15, there).
const LONG_MARK: u128 = 0xff << 120;

/// One term: its key and its counters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Entry {
    /// Packed short key, or a long key's (offset, length, [`LONG_MARK`]).
    key: u128,
    /// Corpus totals.
    pub(crate) totals: Totals,
    /// The epoch of the last document that contained the term (0: none since loading).
    pub(crate) stamp: u64,
    /// While observing the document of `stamp`: the term's index in the row being built.
    pub(crate) row: u32,
}

/// `a * b` folded to 64 bits (high half XOR low half): a strong mix in one multiplication.
#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

const SEED_LO: u64 = 0x243f_6a88_85a3_08d3;
const SEED_HI: u64 = 0x1319_8a2e_0370_7344;
const SEED_LONG: u64 = 0xa409_3822_299f_31d0;

/// The tag (and home slot) of a packed short key.
#[inline]
fn tag_short(key: u128) -> u32 {
    (fold_mul(key as u64 ^ SEED_LO, (key >> 64) as u64 ^ SEED_HI) >> 32) as u32
}

/// The tag of a long key (more than [`SHORT_MAX`] bytes).
#[inline]
fn tag_long(b: &[u8]) -> u32 {
    let mut h = SEED_LONG ^ b.len() as u64;
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = fold_mul(h ^ u64::from_le_bytes(w), SEED_LO);
    }
    if !chunks.remainder().is_empty() {
        // The last 8 bytes (overlapping the previous chunk); the length is already mixed in.
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[b.len() - 8..]);
        h = fold_mul(h ^ u64::from_le_bytes(w), SEED_HI);
    }
    (fold_mul(h, SEED_LONG) >> 32) as u32
}

/// A key packed and hashed ahead of its look-up ([`TermTable::prepare`]).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Prepared {
    /// The packed short key, or [`LONG_MARK`] for a long key (hashed again when looked up).
    key: u128,
    tag: u32,
}

impl Prepared {
    /// A packed short key and its tag.
    #[inline(always)]
    fn short(key: u128) -> Self {
        Prepared {
            key,
            tag: tag_short(key),
        }
    }

    /// A long key: only its tag (the text is compared when looked up).
    #[inline]
    fn long(term: &str) -> Self {
        Prepared {
            key: LONG_MARK,
            tag: tag_long(term.as_bytes()),
        }
    }
}

/// A hint to load the cache line of `r`; no effect on the result.
#[inline(always)]
fn prefetch<T>(r: &T) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    // SAFETY: SSE is part of every x86-64 CPU, and a prefetch reads nothing into the program:
    // it only moves the cache line of `r` (a valid reference) closer to the core.
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((r as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = r;
}

/// Term → dense index, with each term's counters. See the module documentation.
#[derive(Debug, Clone, Default)]
pub(crate) struct TermTable {
    /// Power-of-two length (or empty); see the module documentation.
    slots: Box<[u64]>,
    entries: Vec<Entry>,
    /// The text of the long keys, one after another.
    arena: String,
}

impl TermTable {
    /// A table sized for `n` terms.
    pub(crate) fn with_capacity(n: usize) -> Self {
        let mut t = TermTable {
            entries: Vec::with_capacity(n),
            ..TermTable::default()
        };
        t.resize(Self::slots_for(n));
        t
    }

    /// Number of terms.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entries in id order.
    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with id `id`.
    #[inline]
    pub(crate) fn entry_mut(&mut self, id: usize) -> Option<&mut Entry> {
        self.entries.get_mut(id)
    }

    /// The text of an entry's key.
    pub(crate) fn key_of<'a>(&'a self, entry: &Entry, buf: &'a mut [u8; SHORT_MAX]) -> &'a str {
        if entry.key & LONG_MARK == LONG_MARK {
            let off = entry.key as u64 as usize;
            let len = (entry.key >> 64) as u32 as usize;
            self.arena.get(off..off + len).unwrap_or_default()
        } else {
            let len = (entry.key >> 120) as usize;
            let bytes = entry.key.to_le_bytes();
            buf[..len].copy_from_slice(&bytes[..len]);
            // The bytes were a whole `&str` when packed.
            std::str::from_utf8(&buf[..len]).unwrap_or_default()
        }
    }

    /// The terms and their totals, in id order.
    pub(crate) fn into_terms(self) -> Vec<(Box<str>, Totals)> {
        let mut buf = [0u8; SHORT_MAX];
        self.entries
            .iter()
            .map(|e| (Box::from(self.key_of(e, &mut buf)), e.totals))
            .collect()
    }

    /// Slot count for `n` terms: load at most 1/2 after growing (grows past 3/4).
    fn slots_for(n: usize) -> usize {
        (n.saturating_mul(2)).next_power_of_two().max(16)
    }

    /// The id of `term`, if present.
    pub(crate) fn get(&self, term: &str) -> Option<usize> {
        match pack(term.as_bytes()) {
            Some(key) => self.probe_short(key, tag_short(key)).ok(),
            None => self.probe_long(term, tag_long(term.as_bytes())).ok(),
        }
    }

    /// The id of `term`, inserting it (with `totals`, stamp 0) when absent; and whether it was
    /// inserted.
    #[inline]
    pub(crate) fn get_or_insert(&mut self, term: &str, totals: Totals) -> (usize, bool) {
        self.get_or_insert_prepared(term, Self::prepare(term), totals)
    }

    /// The packed key (short keys only) and tag of `term`: what a look-up computes first, so
    /// that it can be computed ahead (see [`prefetch_slot`](Self::prefetch_slot)).
    #[inline]
    pub(crate) fn prepare(term: &str) -> Prepared {
        match pack(term.as_bytes()) {
            Some(key) => Prepared::short(key),
            None => Prepared::long(term),
        }
    }

    /// [`prepare`](Self::prepare) for a token's text: a short text held inline is packed
    /// already (and its text is not read).
    #[inline(always)]
    pub(crate) fn prepare_token(text: &TokenText<'_>) -> Prepared {
        match text.packed_key() {
            Some(key) => Prepared::short(key),
            None => Prepared::long(text),
        }
    }

    /// The prepared key of an entry of `self` (for looking it up in another table): a short
    /// key is already packed, so only its tag is computed.
    #[inline]
    pub(crate) fn prepared_of(&self, entry: &Entry) -> Prepared {
        if entry.key & LONG_MARK == LONG_MARK {
            let mut buf = [0u8; SHORT_MAX];
            Prepared::long(self.key_of(entry, &mut buf))
        } else {
            Prepared::short(entry.key)
        }
    }

    /// Makes room for `more` terms beyond those present, so that inserting them does not
    /// grow the slots on the way.
    pub(crate) fn reserve(&mut self, more: usize) {
        let want = Self::slots_for(self.len().saturating_add(more));
        if want > self.slots.len() {
            self.resize(want);
        }
        self.entries.reserve(more);
    }

    /// Asks the CPU to start loading the home slot of a prepared key.
    #[inline]
    pub(crate) fn prefetch_slot(&self, p: &Prepared) {
        if !self.slots.is_empty() {
            let i = p.tag as usize & (self.slots.len() - 1);
            prefetch(&self.slots[i]);
        }
    }

    /// Asks the CPU to start loading the entry that the home slot of a prepared key names,
    /// when the slot's tag matches (the slot itself should have been prefetched earlier).
    #[inline]
    pub(crate) fn prefetch_entry(&self, p: &Prepared) {
        if !self.slots.is_empty() {
            let s = self.slots[p.tag as usize & (self.slots.len() - 1)];
            if (s >> 32) as u32 == p.tag
                && let Some(e) = self.entries.get((s as u32 as usize).wrapping_sub(1))
            {
                prefetch(e);
            }
        }
    }

    /// [`get_or_insert`](Self::get_or_insert) with the key prepared by
    /// [`prepare`](Self::prepare) for the same `term`.
    #[inline]
    pub(crate) fn get_or_insert_prepared<T: AsRef<str> + ?Sized>(
        &mut self,
        term: &T,
        p: Prepared,
        totals: Totals,
    ) -> (usize, bool) {
        if p.key & LONG_MARK == LONG_MARK {
            // Only a long key needs its text (a token's text is not read otherwise).
            return self.get_or_insert_long(term.as_ref(), p.tag, totals);
        }
        match self.probe_short(p.key, p.tag) {
            Ok(id) => (id, false),
            Err(slot) => (self.insert_at(slot, p.tag, p.key, totals), true),
        }
    }

    #[inline(never)]
    fn get_or_insert_long(&mut self, term: &str, tag: u32, totals: Totals) -> (usize, bool) {
        match self.probe_long(term, tag) {
            Ok(id) => (id, false),
            Err(slot) => {
                let key = (self.arena.len() as u64 as u128)
                    | ((term.len() as u32 as u128) << 64)
                    | LONG_MARK;
                self.arena.push_str(term);
                (self.insert_at(slot, tag, key, totals), true)
            }
        }
    }

    /// The entry index of a short key (`Ok`), or the empty slot where it would go (`Err`).
    #[inline]
    fn probe_short(&self, key: u128, tag: u32) -> Result<usize, usize> {
        self.probe(tag, |e| e.key == key)
    }

    /// As [`probe_short`](Self::probe_short), for a long key.
    fn probe_long(&self, term: &str, tag: u32) -> Result<usize, usize> {
        self.probe(tag, |e| {
            e.key & LONG_MARK == LONG_MARK && (e.key >> 64) as u32 as usize == term.len() && {
                let off = e.key as u64 as usize;
                self.arena.get(off..off + term.len()) == Some(term)
            }
        })
    }

    /// Linear probing from `tag`'s home slot: the first entry with this tag that `is_key`
    /// accepts (`Ok`), or the empty slot where the key would go (`Err`; `usize::MAX` when there
    /// are no slots yet).
    #[inline]
    fn probe(&self, tag: u32, is_key: impl Fn(&Entry) -> bool) -> Result<usize, usize> {
        if self.slots.is_empty() {
            return Err(usize::MAX);
        }
        let mask = self.slots.len() - 1;
        let mut i = tag as usize & mask;
        loop {
            let s = self.slots[i];
            if s == 0 {
                return Err(i);
            }
            if (s >> 32) as u32 == tag {
                let id = (s as u32 as usize).wrapping_sub(1);
                if self.entries.get(id).is_some_and(&is_key) {
                    return Ok(id);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// Adds an entry in empty slot `slot` (`usize::MAX` when there are no slots yet).
    fn insert_at(&mut self, slot: usize, tag: u32, key: u128, totals: Totals) -> usize {
        let id = self.entries.len();
        let Ok(stored) = u32::try_from(id + 1) else {
            panic!("term table: more than 2^32 - 2 distinct terms in one partial");
        };
        self.entries.push(Entry {
            key,
            totals,
            stamp: 0,
            row: 0,
        });
        let value = (u64::from(tag) << 32) | u64::from(stored);
        // Grow past a load of 3/4 (then the load is 3/8).
        if slot == usize::MAX || (id + 1) * 4 > self.slots.len() * 3 {
            let size = Self::slots_for(id + 1).max(self.slots.len() * 2);
            self.resize(size);
            self.place(value);
        } else {
            self.slots[slot] = value;
        }
        id
    }

    /// Puts a slot value in the first empty slot from its home.
    #[inline]
    fn place(&mut self, value: u64) {
        let mask = self.slots.len() - 1;
        let mut i = (value >> 32) as usize & mask;
        while self.slots[i] != 0 {
            i = (i + 1) & mask;
        }
        self.slots[i] = value;
    }

    /// Rebuilds the slots with `size` (a power of two) of them.
    fn resize(&mut self, size: usize) {
        let old = std::mem::replace(&mut self.slots, vec![0u64; size].into_boxed_slice());
        for &v in old.iter().filter(|&&v| v != 0) {
            self.place(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::super::partial::FirstSeen;
    use super::*;

    fn totals(n: u64) -> Totals {
        Totals {
            count: n,
            doc_freq: n,
            first: FirstSeen {
                ordinal: n,
                position: n,
            },
        }
    }

    #[test]
    fn keys_of_every_length_round_trip() {
        let mut t = TermTable::default();
        let words: Vec<String> = (0..40).map(|n| "x".repeat(n)).collect();
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.get_or_insert(w, totals(0)), (i, true));
        }
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.get(w), Some(i));
            assert_eq!(t.get_or_insert(w, totals(0)), (i, false));
        }
        assert_eq!(t.get("y"), None);
        assert_eq!(t.get("ab\0"), None);
        let keys: Vec<String> = t.into_terms().into_iter().map(|(k, _)| k.into()).collect();
        assert_eq!(keys, words);
    }

    fn words() -> impl Strategy<Value = Vec<String>> {
        // Few letters, so that keys repeat; long keys too; some non-ASCII and NULs.
        proptest::collection::vec("[ab\0é ]{0,3}|[abc]{10,20}|[a-z]{1,8}", 0..300)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        #[test]
        fn behaves_like_a_hash_map(words in words(), probes in words()) {
            let mut t = TermTable::default();
            let mut model: HashMap<String, usize> = HashMap::new();
            let mut order: Vec<String> = Vec::new();
            for w in &words {
                let next = model.len();
                let id = *model.entry(w.clone()).or_insert_with(|| { order.push(w.clone()); next });
                let (got, inserted) = t.get_or_insert(w, totals(id as u64));
                prop_assert_eq!(got, id);
                prop_assert_eq!(inserted, id == next);
            }
            prop_assert_eq!(t.len(), model.len());
            for w in probes.iter().chain(&words) {
                prop_assert_eq!(t.get(w), model.get(w).copied());
            }
            let terms = t.clone().into_terms();
            for (id, (k, tot)) in terms.iter().enumerate() {
                prop_assert_eq!(&**k, order[id].as_str());
                prop_assert_eq!(tot.count, id as u64);
            }
            let sized = TermTable::with_capacity(words.len());
            prop_assert_eq!(sized.len(), 0);
        }
    }
}

//! The flat open-addressing tables of a [`CollocationsPartial`](super::CollocationsPartial):
//! [`BigramTable`], from a bigram key to its count, and [`WordTable`], from a short word
//! packed into a `u128` to its id.
//!
//! A large corpus has hundreds of thousands of distinct bigrams, so the table is far larger
//! than the processor's caches and almost every look-up of a rare bigram misses them. The
//! table is laid out so that a look-up touches one cache line in the common case (key and
//! count side by side, linear probing), and its owner can [`prefetch`](BigramTable::prefetch)
//! the slot of a key some look-ups ahead, so that the misses overlap instead of following one
//! another.

/// One slot: a key and its count; a count of 0 marks an empty slot (a present key always has
/// a count of at least 1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[repr(C, align(16))]
struct Slot {
    key: u64,
    count: u64,
}

/// The table fills at most 7/8 of its slots (a power of two), as `hashbrown` does, so it takes
/// about as much memory as the `HashMap` it replaces.
const LOAD_NUM: usize = 7;
const LOAD_DEN: usize = 8;
/// Slots of the first allocation.
const MIN_SLOTS: usize = 64;

/// `a * b` folded to 64 bits (high half XOR low half).
#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

/// Bigram key → count (at least 1), with linear probing over a power-of-two array of slots.
/// Iteration order depends on the keys' hashes and the table's history: callers that need an
/// order sort.
#[derive(Debug, Clone, Default)]
pub(crate) struct BigramTable {
    /// Empty, or a power of two of slots.
    slots: Vec<Slot>,
    /// Keys present.
    len: usize,
}

impl BigramTable {
    /// A table that holds `n` keys without growing.
    pub(crate) fn with_capacity(n: usize) -> Self {
        let mut table = BigramTable::default();
        table.reserve(n);
        table
    }

    /// Keys present.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The slot where the probe for `key` starts, in a table of `mask + 1` slots.
    #[inline]
    fn home(key: u64, mask: usize) -> usize {
        const SEED: u64 = 0x243f_6a88_85a3_08d3;
        const MUL: u64 = 0x9e37_79b9_7f4a_7c15;
        (fold_mul(key ^ SEED, MUL) as usize) & mask
    }

    /// Adds `count` (at least 1) to `key`'s count, inserting the key when absent. Counts
    /// saturate at `u64::MAX`.
    #[inline]
    pub(crate) fn add(&mut self, key: u64, count: u64) {
        debug_assert!(count > 0);
        if (self.len + 1) * LOAD_DEN > self.slots.len() * LOAD_NUM {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::home(key, mask);
        loop {
            let slot = &mut self.slots[i];
            if slot.count == 0 {
                *slot = Slot { key, count };
                self.len += 1;
                return;
            }
            if slot.key == key {
                slot.count = slot.count.saturating_add(count);
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /// Inserts `key` with `count` (at least 1); `false`, changing nothing, when `key` is
    /// already present.
    pub(crate) fn insert_new(&mut self, key: u64, count: u64) -> bool {
        debug_assert!(count > 0);
        if (self.len + 1) * LOAD_DEN > self.slots.len() * LOAD_NUM {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::home(key, mask);
        loop {
            let slot = &mut self.slots[i];
            if slot.count == 0 {
                *slot = Slot { key, count };
                self.len += 1;
                return true;
            }
            if slot.key == key {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    /// The count of `key`, 0 when absent.
    #[cfg(test)]
    pub(crate) fn get(&self, key: u64) -> u64 {
        if self.slots.is_empty() {
            return 0;
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::home(key, mask);
        loop {
            let slot = self.slots[i];
            if slot.count == 0 {
                return 0;
            }
            if slot.key == key {
                return slot.count;
            }
            i = (i + 1) & mask;
        }
    }

    /// Makes room for `additional` more keys without growing.
    pub(crate) fn reserve(&mut self, additional: usize) {
        let want = self.len.saturating_add(additional);
        if want * LOAD_DEN > self.slots.len() * LOAD_NUM {
            let slots = (want.saturating_mul(LOAD_DEN) / LOAD_NUM + 1)
                .max(MIN_SLOTS)
                .next_power_of_two();
            self.rehash(slots);
        }
    }

    /// Doubles the slots.
    #[cold]
    fn grow(&mut self) {
        let slots = (self.slots.len() * 2).max(MIN_SLOTS);
        self.rehash(slots);
    }

    /// Moves every key into a new array of `slots` slots (a power of two).
    fn rehash(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); slots]);
        let mask = slots - 1;
        for slot in old.into_iter().filter(|s| s.count != 0) {
            let mut i = Self::home(slot.key, mask);
            while self.slots[i].count != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }

    /// Asks the processor to fetch the cache line where the look-up of `key` starts, so that
    /// an [`add`](Self::add) of `key` a little later finds it in cache. Only a hint: it
    /// changes nothing, and does nothing off x86-64.
    #[inline]
    pub(crate) fn prefetch(&self, key: u64) {
        if let Some(slot) = self
            .slots
            .get(Self::home(key, self.slots.len().wrapping_sub(1)))
        {
            prefetch_slot(slot);
        }
    }

    /// Every `(key, count)`, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.slots
            .iter()
            .filter(|s| s.count != 0)
            .map(|s| (s.key, s.count))
    }
}

/// Asks the processor to fetch the cache line of `slot`. Only a hint: it changes nothing, and
/// does nothing off x86-64.
#[inline]
fn prefetch_slot<T>(slot: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let at: *const T = slot;
        // SAFETY: a prefetch never faults and neither reads nor writes memory as far as the
        // program can tell; it is `unsafe` only because it takes a raw pointer, which here
        // comes from a live reference. SSE, which provides it, is part of the x86-64 baseline.
        #[allow(unsafe_code)]
        unsafe {
            _mm_prefetch::<_MM_HINT_T0>(at.cast());
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = slot;
}

/// The key that marks an empty [`WordSlot`]: no word packs to it (the top byte of a packed
/// word is its length, at most 15).
pub(crate) const NO_WORD: u128 = u128::MAX;

/// One slot of a [`WordTable`]: a packed word, its id and its count, or [`NO_WORD`]. Two
/// slots share a cache line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(C, align(32))]
struct WordSlot {
    key: u128,
    count: u64,
    id: u32,
}

const EMPTY_WORD: WordSlot = WordSlot {
    key: NO_WORD,
    count: 0,
    id: 0,
};

/// Short word (packed into a `u128` as `wordmill_model::packed::pack` does) → id and count,
/// with linear probing over a power-of-two array of slots filled to at most 7/8. The count
/// lives in the word's slot, so that counting a token touches no other memory.
///
/// A look-up reads one slot in the common case, where a hash map's is a chain of dependent
/// loads (control bytes, then the entry).
#[derive(Debug, Clone, Default)]
pub(crate) struct WordTable {
    /// Empty, or a power of two of slots.
    slots: Vec<WordSlot>,
    /// Words present.
    len: usize,
}

impl WordTable {
    /// The slot where the probe for `key` starts, in a table of `mask + 1` slots.
    #[inline]
    fn home(key: u128, mask: usize) -> usize {
        const SEED: u64 = 0x243f_6a88_85a3_08d3;
        const MUL: u64 = 0x9e37_79b9_7f4a_7c15;
        // `hi ^ MUL` is never 0: the top byte of a packed word is at most 15.
        (fold_mul(key as u64 ^ SEED, (key >> 64) as u64 ^ MUL) as usize) & mask
    }

    /// Adds `count` to the count of `key` (saturating at `u64::MAX`) and returns its id; when
    /// `key` is absent, inserts it first with `new_id` and a count of 0, and says so. `key`
    /// must not be [`NO_WORD`] (it is then never found, nothing changes and `new_id` is
    /// returned as not inserted).
    #[inline]
    pub(crate) fn add(&mut self, key: u128, new_id: u32, count: u64) -> (u32, bool) {
        if key == NO_WORD {
            return (new_id, false);
        }
        if (self.len + 1) * LOAD_DEN > self.slots.len() * LOAD_NUM {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = Self::home(key, mask);
        loop {
            let slot = &mut self.slots[i];
            if slot.key == key {
                slot.count = slot.count.saturating_add(count);
                return (slot.id, false);
            }
            if slot.key == NO_WORD {
                *slot = WordSlot {
                    key,
                    count,
                    id: new_id,
                };
                self.len += 1;
                return (new_id, true);
            }
            i = (i + 1) & mask;
        }
    }

    /// Every `(id, count)`, in no particular order.
    pub(crate) fn counts(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.slots
            .iter()
            .filter(|s| s.key != NO_WORD)
            .map(|s| (s.id, s.count))
    }

    /// Doubles the slots.
    #[cold]
    fn grow(&mut self) {
        let slots = (self.slots.len() * 2).max(MIN_SLOTS);
        let old = std::mem::replace(&mut self.slots, vec![EMPTY_WORD; slots]);
        let mask = slots - 1;
        for slot in old.into_iter().filter(|s| s.key != NO_WORD) {
            let mut i = Self::home(slot.key, mask);
            while self.slots[i].key != NO_WORD {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn counts_as_a_hash_map_does_through_growth_and_prefetches() {
        let mut table = BigramTable::default();
        let mut expected: HashMap<u64, u64> = HashMap::new();
        let mut s = 0x9e37_79b9_7f4a_7c15_u64;
        for i in 0..50_000u64 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            // Few distinct keys, many repeats; keys 0 and u64::MAX included.
            let key = match i % 5 {
                0 => 0,
                1 => u64::MAX,
                _ => ((s % 4000) << 32) | ((s >> 40) % 7),
            };
            let count = 1 + i % 3;
            table.prefetch(key.wrapping_add(1));
            table.add(key, count);
            *expected.entry(key).or_insert(0) += count;
        }
        assert_eq!(table.len(), expected.len());
        let mut got: Vec<(u64, u64)> = table.iter().collect();
        let mut want: Vec<(u64, u64)> = expected.into_iter().collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want);
        for &(key, count) in &want {
            assert_eq!(table.get(key), count);
        }
        assert_eq!(table.get(12_345_678_901), 0);
        assert!(table.slots.len().is_power_of_two());
        assert!(table.len() * LOAD_DEN <= table.slots.len() * LOAD_NUM);
    }

    #[test]
    fn insert_new_refuses_a_present_key_and_reserve_keeps_the_keys() {
        let mut table = BigramTable::default();
        table.prefetch(7);
        assert_eq!(table.get(7), 0);
        assert!(table.insert_new(7, 2));
        assert!(!table.insert_new(7, 5));
        assert_eq!(table.get(7), 2);
        table.add(7, u64::MAX);
        assert_eq!(table.get(7), u64::MAX);
        let slots = table.slots.len();
        table.reserve(10_000);
        assert!(table.slots.len() > slots);
        assert_eq!((table.len(), table.get(7)), (1, u64::MAX));
        let with = BigramTable::with_capacity(100);
        assert!(with.slots.len() * LOAD_NUM >= 100 * LOAD_DEN);
        assert_eq!(with.iter().count(), 0);
    }

    #[test]
    fn the_word_table_gives_each_word_one_id_and_adds_up_its_counts() {
        let mut table = WordTable::default();
        let mut expected: HashMap<u128, (u32, u64)> = HashMap::new();
        let mut s = 0x2545_f491_4f6c_dd1d_u64;
        for i in 0..20_000u64 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            // Packed-looking keys (length in the top byte), 0 (the empty word) included.
            let key = if i % 7 == 0 {
                0
            } else {
                (u128::from(s % 3000) << 8) | (u128::from(s % 15) << 120)
            };
            let count = if i == 5 { u64::MAX } else { 1 + i % 2 };
            let new_id = expected.len() as u32;
            let (id, inserted) = table.add(key, new_id, count);
            let entry = expected.entry(key).or_insert((new_id, 0));
            assert_eq!((id, inserted), (entry.0, entry.0 == new_id && entry.1 == 0));
            entry.1 = entry.1.saturating_add(count);
        }
        assert_eq!(table.add(NO_WORD, 9, 1), (9, false));
        let mut got: Vec<(u32, u64)> = table.counts().collect();
        let mut want: Vec<(u32, u64)> = expected.into_values().collect();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want);
        assert!(table.slots.len().is_power_of_two());
        assert!(table.len * LOAD_DEN <= table.slots.len() * LOAD_NUM);
    }
}

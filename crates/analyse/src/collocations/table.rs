//! [`BigramTable`]: the bigram counts of a [`CollocationsPartial`](super::CollocationsPartial),
//! a flat open-addressing table from a bigram key to its count.
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
        #[cfg(target_arch = "x86_64")]
        if let Some(slot) = self
            .slots
            .get(Self::home(key, self.slots.len().wrapping_sub(1)))
        {
            use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
            let at: *const Slot = slot;
            // SAFETY: a prefetch never faults and neither reads nor writes memory as far as
            // the program can tell; it is `unsafe` only because it takes a raw pointer, which
            // here comes from a live reference into the table. SSE, which provides it, is
            // part of the x86-64 baseline.
            #[allow(unsafe_code)]
            unsafe {
                _mm_prefetch::<_MM_HINT_T0>(at.cast());
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = key;
    }

    /// Every `(key, count)`, in no particular order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.slots
            .iter()
            .filter(|s| s.count != 0)
            .map(|s| (s.key, s.count))
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
}

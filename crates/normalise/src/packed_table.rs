//! A set of packed words (see [`pack`](wordmill_model::packed::pack)) for the hot path: the
//! stop words, and the first words of the alias variants.

/// Packed keys in an open-addressing table of a power-of-two size; 0 marks an empty slot, so
/// the empty word (which packs to 0) is never held. Looking a key up costs one
/// multiplication and a walk over `tags`, where a `HashSet` would cost a SipHash of the word.
#[derive(Debug, Clone, Default)]
pub(crate) struct PackedTable {
    keys: Box<[u128]>,
    /// One byte per slot of `keys`: 0 for an empty slot, otherwise 8 bits of the key's hash
    /// (never 0). A probe reads these and compares a 16-byte key only when they match, so a
    /// word that is not in the table (most of them) touches a few bytes of an array that
    /// stays in the L1 cache (2 KB for 300–500 words) rather than a 32 KB key array.
    tags: Box<[u8]>,
}

/// The home slot (`& mask`) and the tag (1..=255) of a packed key.
#[inline]
fn slot_of(key: u128, mask: usize) -> (usize, u8) {
    let folded = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
    let h = folded.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    ((h >> 32) as usize & mask, ((h >> 56) as u8).max(1))
}

impl PackedTable {
    /// A table of `keys` (distinct, none 0), each at the slot [`find`](Self::find) gives.
    pub(crate) fn new(keys: &[u128]) -> Self {
        let size = (keys.len() * 4).next_power_of_two().max(16);
        let mut table = PackedTable {
            keys: vec![0u128; size].into_boxed_slice(),
            tags: vec![0u8; size].into_boxed_slice(),
        };
        for &key in keys {
            let (mut i, tag) = slot_of(key, size - 1);
            while table.tags[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            table.keys[i] = key;
            table.tags[i] = tag;
        }
        table
    }

    /// The number of slots: every slot [`find`](Self::find) gives is below it.
    pub(crate) fn slots(&self) -> usize {
        self.keys.len()
    }

    /// The slot holding `key` (not 0), if it is in the table.
    #[inline(always)]
    pub(crate) fn find(&self, key: u128) -> Option<usize> {
        if self.tags.is_empty() {
            return None;
        }
        let mask = self.tags.len() - 1;
        let (mut i, tag) = slot_of(key, mask);
        loop {
            match self.tags[i] {
                0 => return None,
                t if t == tag && self.keys[i] == key => return Some(i),
                _ => i = (i + 1) & mask,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wordmill_model::packed::pack;

    #[test]
    fn finds_exactly_the_keys_it_was_given() {
        let words: Vec<String> = (0..500).map(|i| format!("w{i}")).collect();
        let keys: Vec<u128> = words.iter().filter_map(|w| pack(w.as_bytes())).collect();
        let table = PackedTable::new(&keys);
        let mut slots = std::collections::HashSet::new();
        for &key in &keys {
            let slot = table.find(key).expect("a key given is found");
            assert!(slot < table.slots());
            assert!(slots.insert(slot), "two keys in one slot");
        }
        for i in 500..2000 {
            let key = pack(format!("w{i}").as_bytes()).unwrap();
            assert_eq!(table.find(key), None, "w{i}");
        }
        assert_eq!(PackedTable::default().find(keys[0]), None);
    }
}

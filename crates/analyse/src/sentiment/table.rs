//! The word table the scorer consults once per token: lexicon value, booster value, negation
//! and the handful of words VADER's rules compare against, merged under one key so that a token
//! costs one hash lookup.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use wordmill_model::swar::{HIGH, ONES};

use super::lexicon::Lexicon;

/// A small, fast, non-cryptographic hasher in the style of rustc's FxHash (multiply-rotate
/// over 8-byte words). Keys are lexicon words, not attacker-chosen at scale.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes([
                c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
            ]));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(buf) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

/// `BuildHasher` for [`FxHasher`].
pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;

/// Words VADER's rules compare tokens against (besides the lexicon, boosters and negations).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub(crate) enum Word {
    #[default]
    Other,
    No,
    Kind,
    Of,
    Least,
    At,
    Very,
    Never,
    So,
    This,
    Without,
    Doubt,
    But,
    Or,
    Nor,
    The,
    Shit,
    Bomb,
    Bad,
    Ass,
    Bus,
    Stop,
    Yeah,
    Right,
    Kiss,
    Death,
    To,
    Die,
    For,
    Beating,
    Heart,
    Sort,
    Just,
    Enough,
}

const WORDS: [(&str, Word); 33] = [
    ("no", Word::No),
    ("kind", Word::Kind),
    ("of", Word::Of),
    ("least", Word::Least),
    ("at", Word::At),
    ("very", Word::Very),
    ("never", Word::Never),
    ("so", Word::So),
    ("this", Word::This),
    ("without", Word::Without),
    ("doubt", Word::Doubt),
    ("but", Word::But),
    ("or", Word::Or),
    ("nor", Word::Nor),
    ("the", Word::The),
    ("shit", Word::Shit),
    ("bomb", Word::Bomb),
    ("bad", Word::Bad),
    ("ass", Word::Ass),
    ("bus", Word::Bus),
    ("stop", Word::Stop),
    ("yeah", Word::Yeah),
    ("right", Word::Right),
    ("kiss", Word::Kiss),
    ("death", Word::Death),
    ("to", Word::To),
    ("die", Word::Die),
    ("for", Word::For),
    ("beating", Word::Beating),
    ("heart", Word::Heart),
    ("sort", Word::Sort),
    ("just", Word::Just),
    ("enough", Word::Enough),
];

/// Booster increment.
pub(crate) const B_INCR: f64 = 0.293;
/// Dampener decrement.
pub(crate) const B_DECR: f64 = -0.293;

/// VADER 3.3.2's single-word boosters (+0.293).
pub(crate) const BOOSTERS: &[&str] = &[
    "absolutely",
    "amazingly",
    "awfully",
    "completely",
    "considerable",
    "considerably",
    "decidedly",
    "deeply",
    "effing",
    "enormous",
    "enormously",
    "entirely",
    "especially",
    "exceptional",
    "exceptionally",
    "extreme",
    "extremely",
    "fabulously",
    "flipping",
    "flippin",
    "frackin",
    "fracking",
    "fricking",
    "frickin",
    "frigging",
    "friggin",
    "fully",
    "fuckin",
    "fucking",
    "fuggin",
    "fugging",
    "greatly",
    "hella",
    "highly",
    "hugely",
    "incredible",
    "incredibly",
    "intensely",
    "major",
    "majorly",
    "more",
    "most",
    "particularly",
    "purely",
    "quite",
    "really",
    "remarkably",
    "so",
    "substantially",
    "thoroughly",
    "total",
    "totally",
    "tremendous",
    "tremendously",
    "uber",
    "unbelievably",
    "unusually",
    "utter",
    "utterly",
    "very",
];

/// VADER 3.3.2's single-word dampeners (-0.293).
pub(crate) const DAMPENERS: &[&str] = &[
    "almost",
    "barely",
    "hardly",
    "kinda",
    "kindof",
    "kind-of",
    "less",
    "little",
    "marginal",
    "marginally",
    "occasional",
    "occasionally",
    "partly",
    "scarce",
    "scarcely",
    "slight",
    "slightly",
    "somewhat",
    "sorta",
    "sortof",
    "sort-of",
];

/// VADER 3.3.2's NEGATE list (59 words).
pub(crate) const NEGATE: &[&str] = &[
    "aint",
    "arent",
    "cannot",
    "cant",
    "couldnt",
    "darent",
    "didnt",
    "doesnt",
    "ain't",
    "aren't",
    "can't",
    "couldn't",
    "daren't",
    "didn't",
    "doesn't",
    "dont",
    "hadnt",
    "hasnt",
    "havent",
    "isnt",
    "mightnt",
    "mustnt",
    "neither",
    "don't",
    "hadn't",
    "hasn't",
    "haven't",
    "isn't",
    "mightn't",
    "mustn't",
    "neednt",
    "needn't",
    "never",
    "none",
    "nope",
    "nor",
    "not",
    "nothing",
    "nowhere",
    "oughtnt",
    "shant",
    "shouldnt",
    "uhuh",
    "wasnt",
    "werent",
    "oughtn't",
    "shan't",
    "shouldn't",
    "uh-uh",
    "wasn't",
    "weren't",
    "without",
    "wont",
    "wouldnt",
    "won't",
    "wouldn't",
    "rarely",
    "seldom",
    "despite",
];

/// Everything the scorer needs to know about one lower-cased word, in 16 bytes.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Entry {
    /// Lexicon valence (meaningful when `has_lex`).
    pub lex: f64,
    /// The word is a lexicon key.
    pub has_lex: bool,
    /// The word is a single-word booster or dampener.
    pub is_booster: bool,
    /// The word is a dampener (meaningful when `is_booster`).
    pub dampener: bool,
    /// The word is in the NEGATE list.
    pub negate: bool,
    /// Which rule word it is, if any.
    pub word: Word,
    /// Length of the key in bytes (set in the short-key table only).
    key_len: u8,
}

/// Longest key, in bytes, held by the fast table.
pub(crate) const SHORT: usize = 16;

/// A short key packed into two little-endian words (zero padded) and its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Packed {
    pub w0: u64,
    pub w1: u64,
    pub len: u32,
}

impl Packed {
    /// Packs `bytes` (at most [`SHORT`] of them).
    #[inline]
    pub(crate) fn new(bytes: &[u8]) -> Self {
        debug_assert!(bytes.len() <= SHORT);
        let (w0, w1) = if bytes.len() >= 8 {
            let (a, b) = bytes.split_at(8);
            (
                u64::from_le_bytes(a.try_into().expect("8 bytes")),
                load_le(b),
            )
        } else {
            (load_le(bytes), 0)
        };
        Packed {
            w0,
            w1,
            len: bytes.len() as u32,
        }
    }

    /// One full multiply of the two words (each offset by a constant), its halves folded
    /// together. Every byte of both constants has its high bit set, so for the ASCII keys the
    /// table holds neither factor is ever zero.
    #[inline]
    fn hash(&self) -> u64 {
        const K0: u64 = 0xa0f6_9de4_f8bd_e4af;
        const K1: u64 = 0xe783_fed1_a0b4_a8db;
        let a = self.w0 ^ K0;
        let b = self.w1 ^ K1 ^ u64::from(self.len);
        let p = u128::from(a) * u128::from(b);
        (p as u64) ^ ((p >> 64) as u64)
    }
}

/// Up to 8 bytes as a little-endian word, zero padded, without a `memcpy` call.
#[inline]
fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    if n >= 8 {
        u64::from_le_bytes(b[..8].try_into().expect("8 bytes"))
    } else if n >= 4 {
        let lo = u64::from(u32::from_le_bytes(b[..4].try_into().expect("4 bytes")));
        let hi = u64::from(u32::from_le_bytes(b[n - 4..].try_into().expect("4 bytes")));
        // The two reads overlap on equal bytes, so OR-ing them is exact.
        lo | hi << ((n - 4) * 8)
    } else if n >= 2 {
        let lo = u64::from(u16::from_le_bytes([b[0], b[1]]));
        let hi = u64::from(u16::from_le_bytes([b[n - 2], b[n - 1]]));
        lo | hi << ((n - 2) * 8)
    } else if n == 1 {
        u64::from(b[0])
    } else {
        0
    }
}

/// One slot of the short-key table: the key (zero padded) and its entry, 32 bytes, aligned so
/// that a slot never straddles two cache lines.
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(32))]
struct Slot {
    w0: u64,
    w1: u64,
    entry: Entry,
}

/// Tags a probe reads at once, as one little-endian word.
const GROUP: usize = 8;

/// The merged word table: short ASCII keys in an open-addressing table, every other key in a
/// hash map.
///
/// The short-key table is two parallel arrays: 8-bit hash tags (1..=255, 0 = empty), 16 KB for
/// the VADER lexicon, so that they stay in the L1 cache even when other work shares it, and
/// the slots themselves, read only when a tag matches. Probing is linear without wrapping
/// around: a key that runs past the last home slot goes on into extra slots at the end, and
/// [`GROUP`] empty tags always follow the last slot. A probe reads [`GROUP`] tags in one load
/// and compares them all at once, so a token that is not in the table (most are not) costs one
/// load of tags and no read of the slots; [`Table::find`], the scorer's look-up, compares it
/// with a slot of its own instead, to select the result without branching on it.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    /// One tag per slot, then [`GROUP`] zeros.
    tags: Vec<u8>,
    slots: Vec<Slot>,
    /// A slot no key matches, with an empty entry: what [`Table::find`] reads for a key that
    /// has no candidate slot, and returns for a key that is not in the table.
    absent: Slot,
    bits: u32,
    entries: Vec<Entry>,
    long: HashMap<Box<str>, u32, FxBuild>,
    /// Longest key in bytes: longer tokens skip the lookup.
    pub max_len: usize,
}

impl Table {
    /// Builds the table from a lexicon and VADER's fixed word lists.
    ///
    /// Every key goes straight to its slot; a list word that is already there (a lexicon
    /// word, or a word on two lists) has its flags merged into that entry.
    pub(crate) fn new(lexicon: &Lexicon) -> Self {
        let lists = BOOSTERS.len() + DAMPENERS.len() + NEGATE.len() + WORDS.len();
        // At most this many short keys (list words are all short): the table is at most half
        // full.
        let short = lists + lexicon.lines().filter(|(w, _)| is_short(w)).count();
        let bits = home_bits(short);
        let mut table = Table {
            tags: vec![0; (1 << bits) + GROUP],
            slots: vec![Slot::default(); 1 << bits],
            absent: Slot {
                entry: Entry {
                    key_len: u8::MAX,
                    ..Entry::default()
                },
                ..Slot::default()
            },
            bits,
            entries: Vec::new(),
            long: HashMap::default(),
            max_len: 0,
        };
        // In order: the later of two entries for one word wins.
        for (w, v) in lexicon.lines() {
            let e = table.entry(w);
            e.lex = v;
            e.has_lex = true;
        }
        for &w in BOOSTERS {
            table.entry(w).is_booster = true;
        }
        for &w in DAMPENERS {
            let e = table.entry(w);
            e.is_booster = true;
            e.dampener = true;
        }
        for &w in NEGATE {
            table.entry(w).negate = true;
        }
        for (w, id) in WORDS {
            table.entry(w).word = id;
        }
        table
    }

    /// The entry of `word`, inserted empty if it is not there yet.
    fn entry(&mut self, word: &str) -> &mut Entry {
        self.max_len = self.max_len.max(word.len());
        if !is_short(word) {
            let index = match self.long.get(word) {
                Some(&i) => i as usize,
                None => {
                    let i = self.entries.len();
                    self.long.insert(word.into(), i as u32);
                    self.entries.push(Entry::default());
                    i
                }
            };
            return &mut self.entries[index];
        }
        let key = Packed::new(word.as_bytes());
        let i = match self.probe(&key) {
            Ok(i) => i,
            Err((i, tag)) => {
                // Past the last slot, the first empty tag is the first of the trailing zeros:
                // one more slot, and one more zero to keep [`GROUP`] of them.
                if i == self.slots.len() {
                    self.slots.push(Slot::default());
                    self.tags.push(0);
                }
                self.tags[i] = tag;
                self.slots[i] = Slot {
                    w0: key.w0,
                    w1: key.w1,
                    entry: Entry {
                        key_len: key.len as u8,
                        ..Entry::default()
                    },
                };
                i
            }
        };
        &mut self.slots[i].entry
    }

    /// Linear probing for a short key: its slot (`Ok`), or the empty slot where it would go and
    /// its tag (`Err`).
    #[inline]
    fn probe(&self, key: &Packed) -> Result<usize, (usize, u8)> {
        let hash = key.hash();
        let tag = tag(hash);
        let pattern = ONES * u64::from(tag);
        let mut i = (hash >> (64 - self.bits)) as usize;
        loop {
            // `i` is at most the number of slots (every tag before it was taken), and
            // [`GROUP`] tags follow that index.
            let group = self.tags.get(i..i + GROUP).map_or(0, load_group);
            let empty = first_zero(group);
            // Tags equal to the key's, up to the first empty one (all of them if none is).
            let mut hits = zero_bytes(group ^ pattern) & (empty ^ empty.wrapping_sub(1));
            while hits != 0 {
                let j = i + (hits.trailing_zeros() / 8) as usize;
                if let Some(s) = self.slots.get(j)
                    && s.w0 == key.w0
                    && s.w1 == key.w1
                    && u32::from(s.entry.key_len) == key.len
                {
                    return Ok(j);
                }
                hits &= hits - 1;
            }
            if empty != 0 {
                return Err((i + (empty.trailing_zeros() / 8) as usize, tag));
            }
            i += GROUP;
        }
    }

    /// The entry of a short ASCII lower-cased key.
    #[inline]
    pub(crate) fn get_packed(&self, key: &Packed) -> Option<&Entry> {
        self.probe(key).ok().map(|i| &self.slots[i].entry)
    }

    /// The entry of a short ASCII lower-cased key, or an empty entry (no flags, no value) when
    /// the key is not in the table.
    ///
    /// The same search as [`Table::probe`], arranged so that the common cases do not branch
    /// on whether the key is there: the first tag that matches picks a slot (or the slot no key
    /// matches), the slot is compared with the key, and the comparison selects the entry. Only
    /// a key that may lie further on (a second matching tag, or no empty tag in the group)
    /// takes the probe loop.
    #[inline(always)]
    pub(crate) fn find(&self, key: &Packed) -> &Entry {
        let hash = key.hash();
        let pattern = ONES * u64::from(tag(hash));
        let home = (hash >> (64 - self.bits)) as usize;
        let group = self.tags.get(home..home + GROUP).map_or(0, load_group);
        let empty = first_zero(group);
        let hits = zero_bytes(group ^ pattern) & (empty ^ empty.wrapping_sub(1));
        if hits & hits.wrapping_sub(1) != 0 || empty == 0 {
            return self.get_packed(key).unwrap_or(&self.absent.entry);
        }
        let at = home + (hits.trailing_zeros() / 8) as usize;
        let slot = match self.slots.get(at) {
            Some(s) if hits != 0 => s,
            _ => &self.absent,
        };
        // `&`, not `&&`: one comparison result, no branch on each part.
        let found =
            (slot.w0 == key.w0) & (slot.w1 == key.w1) & (u32::from(slot.entry.key_len) == key.len);
        if found {
            &slot.entry
        } else {
            &self.absent.entry
        }
    }

    /// The entry of a lower-cased word.
    #[inline]
    pub(crate) fn get(&self, word: &str) -> Option<&Entry> {
        if word.len() > self.max_len {
            return None;
        }
        if word.is_ascii() && word.len() <= SHORT {
            return self.get_packed(&Packed::new(word.as_bytes()));
        }
        self.long.get(word).map(|&i| &self.entries[i as usize])
    }
}

/// The number of bits of a home slot index for at most `short` short keys: at least twice as
/// many home slots as keys, so that the table is at most half full.
fn home_bits(short: usize) -> u32 {
    let mut bits = 4;
    while (1usize << bits) < short.saturating_mul(2) {
        bits += 1;
    }
    bits
}

/// Keys the short-key table holds: ASCII, at most [`SHORT`] bytes.
fn is_short(k: &str) -> bool {
    k.is_ascii() && k.len() <= SHORT
}

/// The 8-bit tag of a hash, 1..=255 (0 is the empty mark), from the low 16 bits so that it is
/// independent of the home slot, which comes from the high bits.
#[inline]
fn tag(hash: u64) -> u8 {
    (((u32::from(hash as u16) * 255) >> 16) + 1) as u8
}

/// [`GROUP`] tags as a little-endian word.
#[inline]
fn load_group(tags: &[u8]) -> u64 {
    tags.try_into().map_or(0, u64::from_le_bytes)
}

/// The high bit of every zero byte of `x`, exactly.
#[inline]
fn zero_bytes(x: u64) -> u64 {
    // Bytes without their high bit plus 0x7F carry into the high bit unless they are zero, and
    // never into the next byte.
    !(((x & !HIGH) + !HIGH) | x) & HIGH
}

/// The high bit of the first zero byte of `x` and possibly of bytes after it; 0 when no byte
/// is zero.
#[inline]
fn first_zero(x: u64) -> u64 {
    // A borrow only ever flags bytes above a zero one.
    x.wrapping_sub(ONES) & !x & HIGH
}

/// The value of a bigram idiom (VADER's SPECIAL_CASES).
#[inline]
pub(crate) fn idiom2(a: Word, b: Word) -> Option<f64> {
    use Word::*;
    match (a, b) {
        (The, Shit) | (The, Bomb) => Some(3.0),
        (Bad, Ass) => Some(1.5),
        (Bus, Stop) => Some(0.0),
        (Yeah, Right) => Some(-2.0),
        (Beating, Heart) => Some(3.5),
        _ => None,
    }
}

/// The value of a trigram idiom (VADER's SPECIAL_CASES).
#[inline]
pub(crate) fn idiom3(a: Word, b: Word, c: Word) -> Option<f64> {
    use Word::*;
    match (a, b, c) {
        (Kiss, Of, Death) => Some(-1.5),
        (To, Die, For) => Some(3.0),
        _ => None,
    }
}

/// True for a multi-word dampener bigram (`kind of`, `sort of`, `just enough`).
#[inline]
pub(crate) fn multi_dampener(a: Word, b: Word) -> bool {
    use Word::*;
    matches!((a, b), (Kind, Of) | (Sort, Of) | (Just, Enough))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_have_the_documented_sizes() {
        let b: std::collections::HashSet<_> = BOOSTERS.iter().collect();
        let d: std::collections::HashSet<_> = DAMPENERS.iter().collect();
        let n: std::collections::HashSet<_> = NEGATE.iter().collect();
        assert_eq!(b.len(), 60);
        assert_eq!(d.len(), 21);
        assert_eq!(n.len(), 59);
        assert!(b.is_disjoint(&d));
    }

    #[test]
    fn no_booster_is_a_lexicon_word() {
        let t = Table::new(&Lexicon::vader());
        for w in BOOSTERS.iter().chain(DAMPENERS.iter()) {
            assert!(!t.get(w).unwrap().has_lex, "{w}");
        }
        let very = t.get("very").unwrap();
        assert!(very.is_booster && !very.dampener);
        let barely = t.get("barely").unwrap();
        assert!(barely.is_booster && barely.dampener);
        assert_eq!(t.get("no").unwrap().word, Word::No);
        assert!(t.get("no").unwrap().has_lex);
    }

    #[test]
    fn entries_and_slots_are_small() {
        assert_eq!(std::mem::size_of::<Entry>(), 16);
        assert_eq!(std::mem::size_of::<Slot>(), 32);
        let t = Table::new(&Lexicon::vader());
        // The tags fit 16 KB (and the group of empty tags after the last slot).
        assert!(t.tags.len() <= 16 * 1024 + GROUP, "{}", t.tags.len());
        assert_eq!(t.tags.len(), t.slots.len() + GROUP);
        assert!(t.tags[t.slots.len()..].iter().all(|&x| x == 0));
        // Keys that differ from a lexicon key only by trailing NULs are not found.
        assert!(t.get("good").is_some());
        assert!(t.get("good\0").is_none());
        assert!(t.get("good\0\0\0\0\0\0\0\0").is_none());
    }

    #[test]
    fn hasher_distinguishes_lengths() {
        use std::hash::BuildHasher;
        let b = FxBuild::default();
        assert_ne!(b.hash_one("a"), b.hash_one("a\0"));
    }

    #[test]
    fn load_le_pads_with_zeros() {
        for n in 0..=16 {
            let bytes: Vec<u8> = (1..=n as u8).collect();
            let mut buf = [0u8; 16];
            buf[..n].copy_from_slice(&bytes);
            let p = Packed::new(&bytes);
            assert_eq!(
                p.w0,
                u64::from_le_bytes(buf[..8].try_into().unwrap()),
                "{n}"
            );
            assert_eq!(
                p.w1,
                u64::from_le_bytes(buf[8..].try_into().unwrap()),
                "{n}"
            );
        }
    }

    #[test]
    fn every_key_is_found_in_either_part() {
        let lex = Lexicon::vader();
        let t = Table::new(&lex);
        for (w, v) in lex.iter() {
            let e = t.get(w).unwrap();
            assert!(e.has_lex && e.lex == v, "{w}");
        }
        assert!(t.get("wordmill").is_none());
        assert!(t.get("a\0").is_none());
        assert!(t.get(":-þ").is_none());
        assert!(t.get(":-Þ").is_some());
    }

    /// The entry [`Table::find`] gives for `key`, checked against the probe loop.
    fn find_checked<'t>(t: &'t Table, key: &Packed) -> &'t Entry {
        let got = t.find(key);
        match t.get_packed(key) {
            Some(want) => assert!(std::ptr::eq(got, want), "{key:?}"),
            None => assert!(std::ptr::eq(got, &t.absent.entry), "{key:?}"),
        }
        got
    }

    /// True when `key`'s first group of tags leaves [`Table::find`] to the probe loop.
    fn takes_the_loop(t: &Table, key: &Packed) -> bool {
        let hash = key.hash();
        let home = (hash >> (64 - t.bits)) as usize;
        let group = load_group(&t.tags[home..home + GROUP]);
        let empty = first_zero(group);
        let hits = zero_bytes(group ^ (ONES * u64::from(tag(hash))));
        let hits = hits & (empty ^ empty.wrapping_sub(1));
        hits & hits.wrapping_sub(1) != 0 || empty == 0
    }

    #[test]
    fn find_agrees_with_the_probe_loop() {
        let lex = Lexicon::vader();
        let t = Table::new(&lex);
        let keys: Vec<String> = lex
            .iter()
            .map(|(w, _)| w.to_string())
            .chain(
                BOOSTERS
                    .iter()
                    .chain(DAMPENERS)
                    .chain(NEGATE)
                    .map(|w| w.to_string()),
            )
            .chain(WORDS.iter().map(|(w, _)| w.to_string()))
            .filter(|w| is_short(w))
            .collect();
        let mut words = keys.clone();
        // Near misses of every key: one byte more, one less, one changed.
        for w in &keys {
            words.push(format!("{w}s"));
            words.push(format!("q{w}"));
            words.push(w[..w.len() - 1].to_string());
            words.push(w.replacen('e', "a", 1));
        }
        // And pseudo-random ASCII words of 1 to 16 bytes.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = 1 + (state % 16) as usize;
            let word: String = (0..len)
                .map(|k| char::from(b'a' + ((state >> (4 + 3 * k)) % 26) as u8))
                .collect();
            words.push(word);
        }
        let (mut found, mut looped) = (0, 0);
        for w in words.iter().filter(|w| is_short(w)) {
            let key = Packed::new(w.as_bytes());
            found += usize::from(find_checked(&t, &key).has_lex);
            looped += usize::from(takes_the_loop(&t, &key));
        }
        // Both the selecting path and the probe loop were taken, for keys and non-keys.
        assert!(found > 7000, "{found}");
        assert!(looped > 1000, "{looped}");
        assert!(std::ptr::eq(
            find_checked(&t, &Packed::new(b"wordmill")),
            &t.absent.entry
        ));
    }

    #[test]
    fn keys_past_the_last_home_slot_go_on_into_extra_slots() {
        // Words whose home is one of the last two slots of the table their lexicon makes.
        let lists = BOOSTERS.len() + DAMPENERS.len() + NEGATE.len() + WORDS.len();
        let n = 40;
        let bits = home_bits(lists + n);
        let last = 1usize << bits;
        let home = |w: &str| (Packed::new(w.as_bytes()).hash() >> (64 - bits)) as usize;
        let words: Vec<String> = (0..1_000_000)
            .map(|i| format!("w{i}"))
            .filter(|w| home(w) >= last - 2)
            .take(n)
            .collect();
        assert_eq!(words.len(), n);
        let mut lex = Lexicon::new();
        for (i, w) in words.iter().enumerate() {
            lex.insert(w.clone(), i as f64 / 10.0);
        }
        let t = Table::new(&lex);
        assert_eq!(t.bits, bits);
        assert!(t.slots.len() > last, "{}", t.slots.len());
        assert_eq!(t.tags.len(), t.slots.len() + GROUP);
        assert!(t.tags[t.slots.len()..].iter().all(|&x| x == 0));
        for (i, w) in words.iter().enumerate() {
            let e = find_checked(&t, &Packed::new(w.as_bytes()));
            assert!(e.has_lex && e.lex == i as f64 / 10.0, "{w}");
            assert!(std::ptr::eq(e, t.get(w).unwrap()));
        }
        for w in ["w", "wx", "very", "no", "kind-of"] {
            find_checked(&t, &Packed::new(w.as_bytes()));
        }
        for i in 0..10_000 {
            let w = format!("v{i}");
            assert!(!find_checked(&t, &Packed::new(w.as_bytes())).has_lex);
        }
    }

    #[test]
    fn tags_use_every_value_but_zero() {
        let mut seen = [false; 256];
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..100_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            seen[usize::from(tag(state))] = true;
        }
        assert!(!seen[0]);
        assert!(seen[1..].iter().all(|&s| s));
        assert_eq!(tag(0), 1);
        assert_eq!(tag(0xFFFF), 255);
    }
}

//! The word table the scorer consults once per token: lexicon value, booster value, negation
//! and the handful of words VADER's rules compare against, merged under one key so that a token
//! costs one hash lookup.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

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

impl Entry {
    /// Booster (+0.293) or dampener (-0.293) value (meaningful when `is_booster`).
    #[inline]
    pub(crate) fn booster(&self) -> f64 {
        if self.dampener { B_DECR } else { B_INCR }
    }
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

    #[inline]
    fn hash(&self) -> u64 {
        let h = (self.w0.wrapping_mul(SEED)).rotate_left(23) ^ self.w1;
        (h.wrapping_mul(SEED).rotate_left(17) ^ u64::from(self.len)).wrapping_mul(SEED)
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

/// The merged word table: short ASCII keys in an open-addressing table, every other key in a
/// hash map.
///
/// The short-key table is two parallel arrays: 16-bit hash tags (0 = empty) that a probe walks,
/// 32 KB for the VADER lexicon, so that it stays in the L1 cache, and the slots themselves,
/// read only when a tag matches. Most tokens are not in the table and cost one tag read.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    tags: Vec<u16>,
    slots: Vec<Slot>,
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
        let mut bits = 4;
        while (1usize << bits) < short * 2 {
            bits += 1;
        }
        let mut table = Table {
            tags: vec![0; 1 << bits],
            slots: vec![Slot::default(); 1 << bits],
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
    fn probe(&self, key: &Packed) -> Result<usize, (usize, u16)> {
        let mask = self.tags.len() - 1;
        let hash = key.hash();
        let tag = tag(hash);
        let mut i = (hash >> (64 - self.bits)) as usize;
        loop {
            let t = self.tags[i];
            if t == 0 {
                return Err((i, tag));
            }
            if t == tag {
                let s = &self.slots[i];
                if s.w0 == key.w0 && s.w1 == key.w1 && u32::from(s.entry.key_len) == key.len {
                    return Ok(i);
                }
            }
            i = (i + 1) & mask;
        }
    }

    /// The entry of a short ASCII lower-cased key.
    #[inline]
    pub(crate) fn get_packed(&self, key: &Packed) -> Option<&Entry> {
        self.probe(key).ok().map(|i| &self.slots[i].entry)
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

/// Keys the short-key table holds: ASCII, at most [`SHORT`] bytes.
fn is_short(k: &str) -> bool {
    k.is_ascii() && k.len() <= SHORT
}

/// The 16-bit tag of a hash, never 0 (the empty mark); independent of the home slot, which
/// comes from the high bits.
#[inline]
fn tag(hash: u64) -> u16 {
    (hash as u16) | 1
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
        assert_eq!(t.get("very").unwrap().booster(), B_INCR);
        assert_eq!(t.get("barely").unwrap().booster(), B_DECR);
        assert_eq!(t.get("no").unwrap().word, Word::No);
        assert!(t.get("no").unwrap().has_lex);
    }

    #[test]
    fn entries_and_slots_are_small() {
        assert_eq!(std::mem::size_of::<Entry>(), 16);
        assert_eq!(std::mem::size_of::<Slot>(), 32);
        let t = Table::new(&Lexicon::vader());
        assert!(t.tags.len() * 2 <= 32 * 1024, "{}", t.tags.len());
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
}

//! The mergeable state of [`Collocations`](super::Collocations): unigram and bigram counts.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wordmill_model::packed::pack;
use wordmill_model::{Merge, Span, Token, TokenText};

use super::table::{BigramTable, NO_WORD, WordTable};

/// `a * b` folded to 64 bits (high half XOR low half): a strong mix in one multiplication.
#[inline]
fn fold_mul(a: u64, b: u64) -> u64 {
    let p = u128::from(a) * u128::from(b);
    (p as u64) ^ ((p >> 64) as u64)
}

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MUL: u64 = 0x9e37_79b9_7f4a_7c15;

/// A fast hasher for the long words (more than 15 bytes). The keys only place entries in the
/// table: nothing observable depends on the hash.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mix(u64);

impl Hasher for Mix {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(w) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u64(&mut self, x: u64) {
        self.0 = fold_mul(self.0 ^ x, MUL);
    }

    #[inline]
    fn write_u128(&mut self, x: u128) {
        self.0 = fold_mul(self.0 ^ x as u64, MUL ^ (x >> 64) as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Builds [`Mix`] hashers (always with the same seed).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MixState;

impl BuildHasher for MixState {
    type Hasher = Mix;

    #[inline]
    fn build_hasher(&self) -> Mix {
        Mix(SEED)
    }
}

/// A bigram of word ids as one key: the first id in the high half.
#[inline]
fn pair(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// The two word ids of a bigram key.
#[inline]
fn unpair(key: u64) -> (u32, u32) {
    ((key >> 32) as u32, key as u32)
}

/// Saturating id for the next word; see the limits in [`CollocationsPartial`].
fn next_id(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

/// Word → dense id, with each word's text and count.
#[derive(Debug, Clone, Default)]
struct Words {
    /// Ids and counts of words of at most 15 bytes, by their packed bytes.
    short: WordTable,
    /// Ids of longer words.
    long: HashMap<Box<str>, u32, MixState>,
    /// The text of each id.
    names: Vec<Box<str>>,
    /// The count of each id of a longer word (0 for the short words, counted in `short`).
    long_counts: Vec<u64>,
}

impl Words {
    fn len(&self) -> usize {
        self.names.len()
    }

    /// Adds `count` to a token's word (saturating at `u64::MAX`), given its packed form
    /// (`packed_key`, [`NO_WORD`] for a long word), and returns its id (a new one when the
    /// word is new).
    #[inline]
    fn add_token(&mut self, key: u128, text: &TokenText<'_>, count: u64) -> u32 {
        if key == NO_WORD {
            self.add_long(text.as_str(), count)
        } else {
            self.add_short(key, text, count)
        }
    }

    /// Adds `count` to `word` (saturating at `u64::MAX`) and returns its id (a new one when
    /// the word is new).
    fn add(&mut self, word: &str, count: u64) -> u32 {
        match pack(word.as_bytes()) {
            Some(key) if key != NO_WORD => self.add_short(key, word, count),
            _ => self.add_long(word, count),
        }
    }

    /// [`add`](Self::add) for the short word packed as `key` (not [`NO_WORD`]); `word`'s
    /// text is read only when it is new.
    #[inline]
    fn add_short<T: AsRef<str> + ?Sized>(&mut self, key: u128, word: &T, count: u64) -> u32 {
        let (id, new) = self.short.add(key, next_id(self.names.len()), count);
        if new {
            self.new_word(word.as_ref());
        }
        id
    }

    /// Gives the next id to `word` (count 0).
    #[cold]
    fn new_word(&mut self, word: &str) {
        self.names.push(word.into());
        self.long_counts.push(0);
    }

    /// [`add`](Self::add) for a word that does not pack.
    #[inline(never)]
    fn add_long(&mut self, word: &str, count: u64) -> u32 {
        let id = match self.long.get(word) {
            Some(&id) => id,
            None => {
                let id = next_id(self.names.len());
                self.new_word(word);
                self.long.insert(word.into(), id);
                id
            }
        };
        if let Some(c) = self.long_counts.get_mut(id as usize) {
            *c = c.saturating_add(count);
        }
        id
    }

    /// The count of each id.
    fn counts(&self) -> Vec<u64> {
        let mut counts = self.long_counts.clone();
        for (id, count) in self.short.counts() {
            if let Some(c) = counts.get_mut(id as usize) {
                *c = c.saturating_add(count);
            }
        }
        counts
    }

    /// The ids in code-point order of their words.
    fn sorted_ids(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = (0..self.len()).map(next_id).collect();
        ids.sort_unstable_by(|&a, &b| self.name(a).cmp(self.name(b)));
        ids
    }

    fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |n| n)
    }
}

/// The mergeable state of [`Collocations`](super::Collocations).
///
/// It holds the number of documents and tokens, every word's count (NLTK's `word_fd`: every
/// token counts, also the last one of a document, whose bigram would cross into the next) and
/// every bigram's count (NLTK's `ngram_fd`). Counts only ever add up, so partial states merge
/// exactly in any grouping and order; the `min_count` cut happens only in
/// [`Analyser::finish`](crate::Analyser::finish), after the last merge (a shard cannot know
/// the corpus-wide count of a bigram).
///
/// # Representation
///
/// Words are interned: each distinct word gets a dense `u32` id local to the partial (short
/// words are looked up by their bytes packed into one `u128`, without reading or copying the
/// text again, in a flat open-addressing table of `(packed word, count, id)` slots, so that
/// counting a token touches one slot), and a bigram is one `u64` key of two ids. Observing a
/// token costs two hash look-ups and no allocation, except for a word never seen before. The
/// bigram counts are a flat open-addressing table of `(key, count)` slots: a document's
/// bigram keys are gathered first, then counted with the table slot of the key a few places
/// ahead prefetched, so that the cache misses of rare bigrams overlap. A merge folds the smaller side into the larger:
/// each of its words is looked up once and each of its bigrams re-keyed once.
///
/// Limits, far beyond any corpus that fits in memory: ids assume fewer than 2³² distinct
/// words per partial.
///
/// # Serialisation
///
/// The serialised form (shard files, `wordmill map`/`reduce`) is canonical: the words in
/// code-point order as `[word, count]`, the bigrams as `[first, second, count]` by their
/// words' positions in that list, in order. The same counts give the same bytes, however they
/// were observed and merged. Loading checks that every position is in range, that no word or
/// bigram is listed twice and that no bigram has count 0; [`validate`](Self::validate) checks
/// the rest of the counts.
#[derive(Debug, Clone, Default)]
pub struct CollocationsPartial {
    n_docs: u64,
    n_tokens: u64,
    words: Words,
    /// Bigram key ([`pair`] of word ids) → count (at least 1).
    bigrams: BigramTable,
    /// The bigram keys of the document being observed (kept to reuse its allocation; empty
    /// between calls).
    scratch: Vec<u64>,
}

/// How many bigrams ahead of the one being counted [`CollocationsPartial::observe`]
/// prefetches the table slot.
const PREFETCH_AHEAD: usize = 16;

/// The parts `finish` needs: the bigrams kept by `min_count` and their words.
pub(crate) struct Parts {
    pub(crate) n_docs: u64,
    pub(crate) n_tokens: u64,
    /// Distinct bigrams before `min_count`.
    pub(crate) distinct_bigrams: u64,
    /// The text and count of each word of a kept bigram, in code-point order of the words.
    pub(crate) words: Vec<(Box<str>, u64)>,
    /// The kept bigrams, `(first, second, count)` by positions in `words`, in that order.
    pub(crate) bigrams: Vec<(u32, u32, u64)>,
}

impl CollocationsPartial {
    /// Number of documents observed (including empty ones).
    pub fn n_docs(&self) -> u64 {
        self.n_docs
    }

    /// Number of tokens observed: NLTK's `word_fd.N()`.
    pub fn n_tokens(&self) -> u64 {
        self.n_tokens
    }

    /// Number of distinct words seen.
    pub fn distinct_words(&self) -> usize {
        self.words.len()
    }

    /// Number of distinct bigrams seen, before `min_count`.
    pub fn distinct_bigrams(&self) -> usize {
        self.bigrams.len()
    }

    /// Occurrences of every bigram added up. Saturates at `u64::MAX`.
    pub fn bigram_total(&self) -> u64 {
        self.bigrams
            .iter()
            .fold(0u64, |sum, (_, c)| sum.saturating_add(c))
    }

    /// Folds one document's tokens in: every token into the word counts, every pair of
    /// adjacent tokens into the bigram counts, unless `sentences` (when not empty) puts them
    /// in different sentences.
    ///
    /// A token belongs to the sentence group numbered by how many of `sentences` end at or
    /// before its first byte; so, for spans in order and not overlapping, two tokens are in the
    /// same group exactly when no sentence ends between them.
    ///
    /// The words are counted and the bigram keys gathered first; then the keys are counted,
    /// each with the table slot of the key [`PREFETCH_AHEAD`] places later prefetched. Counts
    /// saturate at `u64::MAX`.
    pub(crate) fn observe(&mut self, tokens: &[Token<'_>], sentences: &[Span]) {
        self.n_docs = self.n_docs.saturating_add(1);
        self.n_tokens = self.n_tokens.saturating_add(tokens.len() as u64);
        let mut keys = std::mem::take(&mut self.scratch);
        keys.clear();
        keys.reserve(tokens.len());
        let mut previous: Option<(u32, usize)> = None;
        let mut sentence = 0usize;
        for token in tokens {
            while sentences
                .get(sentence)
                .is_some_and(|s| s.end <= token.span.start)
            {
                sentence += 1;
            }
            let key = token.text.packed_key().unwrap_or(NO_WORD);
            let id = self.words.add_token(key, &token.text, 1);
            if let Some((before, group)) = previous
                && group == sentence
            {
                keys.push(pair(before, id));
            }
            previous = Some((id, sentence));
        }
        for (i, &key) in keys.iter().enumerate() {
            if let Some(&ahead) = keys.get(i + PREFETCH_AHEAD) {
                self.bigrams.prefetch(ahead);
            }
            self.bigrams.add(key, 1);
        }
        keys.clear();
        self.scratch = keys;
    }

    /// Checks what a loaded state must hold, whatever split of the corpus made it (loading
    /// already refused a bigram of count 0): every word occurs at least once; the word counts
    /// add up to the tokens; a word is
    /// the first word of no more bigrams than it occurs, and the second of no more; there are
    /// fewer bigrams than tokens. Returns what is wrong, naming the word or bigram.
    pub fn validate(&self) -> Result<(), crate::InvalidState> {
        let words = &self.words;
        let counts = words.counts();
        let mut total = 0u64;
        for (name, &count) in words.names.iter().zip(&counts) {
            if count == 0 {
                return Err(crate::InvalidState(format!(
                    "collocations state: word {name:?} has count 0"
                )));
            }
            total = total.saturating_add(count);
        }
        if total != self.n_tokens {
            return Err(crate::InvalidState(format!(
                "collocations state: the word counts add up to {total}, but there are {} tokens",
                self.n_tokens
            )));
        }
        let mut firsts = vec![0u64; words.len()];
        let mut seconds = vec![0u64; words.len()];
        let mut pairs = 0u64;
        for (key, count) in self.bigrams.iter() {
            let (a, b) = unpair(key);
            if let Some(n) = firsts.get_mut(a as usize) {
                *n = n.saturating_add(count);
            }
            if let Some(n) = seconds.get_mut(b as usize) {
                *n = n.saturating_add(count);
            }
            pairs = pairs.saturating_add(count);
        }
        for (id, (name, &count)) in words.names.iter().zip(&counts).enumerate() {
            if firsts[id] > count || seconds[id] > count {
                return Err(crate::InvalidState(format!(
                    "collocations state: word {name:?} occurs {count} times, but begins {} bigrams and ends {}",
                    firsts[id], seconds[id]
                )));
            }
        }
        if pairs > 0 && pairs >= self.n_tokens {
            return Err(crate::InvalidState(format!(
                "collocations state: {pairs} bigrams in {} tokens",
                self.n_tokens
            )));
        }
        Ok(())
    }

    /// Takes the state apart for `finish`: the bigrams seen at least `min_count` times, by
    /// the positions of their words in code-point order, in order. Only the kept bigrams and
    /// their words are sorted.
    pub(crate) fn into_parts(self, min_count: u64) -> Parts {
        const UNUSED: u32 = u32::MAX;
        let distinct_bigrams = self.bigrams.len() as u64;
        let kept: Vec<(u64, u64)> = self
            .bigrams
            .iter()
            .filter(|&(_, count)| count >= min_count)
            .collect();
        // The words of the kept bigrams, in code-point order; `rank` maps an id to its
        // position among them.
        let mut rank = vec![UNUSED; self.words.len()];
        let mut used: Vec<u32> = Vec::new();
        for &(key, _) in &kept {
            let (a, b) = unpair(key);
            for id in [a, b] {
                if let Some(r) = rank.get_mut(id as usize)
                    && *r == UNUSED
                {
                    *r = 0;
                    used.push(id);
                }
            }
        }
        used.sort_unstable_by(|&a, &b| self.words.name(a).cmp(self.words.name(b)));
        for (position, &id) in used.iter().enumerate() {
            if let Some(r) = rank.get_mut(id as usize) {
                *r = next_id(position);
            }
        }
        let at = |id: u32| rank.get(id as usize).copied().unwrap_or(UNUSED);
        // The kept bigrams by position of their first word (a counting sort: every position
        // is below `used.len()`), then each first word's bigrams by their second word.
        let mut starts = vec![0usize; used.len() + 1];
        for &(key, _) in &kept {
            if let Some(n) = starts.get_mut(at(unpair(key).0) as usize + 1) {
                *n += 1;
            }
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut next = starts.clone();
        let mut bigrams = vec![(0u32, 0u32, 0u64); kept.len()];
        for &(key, count) in &kept {
            let (a, b) = unpair(key);
            let (a, b) = (at(a), at(b));
            if let Some(i) = next.get_mut(a as usize) {
                if let Some(row) = bigrams.get_mut(*i) {
                    *row = (a, b, count);
                }
                *i += 1;
            }
        }
        for w in starts.windows(2) {
            if let Some(rows) = bigrams.get_mut(w[0]..w[1]) {
                rows.sort_unstable_by_key(|&(_, b, _)| b);
            }
        }
        let counts = self.words.counts();
        let mut names = self.words.names;
        let words = used
            .iter()
            .map(|&id| {
                let i = id as usize;
                (
                    names.get_mut(i).map(std::mem::take).unwrap_or_default(),
                    counts.get(i).copied().unwrap_or(0),
                )
            })
            .collect();
        Parts {
            n_docs: self.n_docs,
            n_tokens: self.n_tokens,
            distinct_bigrams,
            words,
            bigrams,
        }
    }

    /// The cost of folding this side into another.
    fn remap_cost(&self) -> usize {
        self.words.len() + self.bigrams.len()
    }
}

impl Merge for CollocationsPartial {
    fn merge(&mut self, mut other: Self) {
        if other.remap_cost() > self.remap_cost() {
            std::mem::swap(self, &mut other);
        }
        let counts = other.words.counts();
        let remap: Vec<u32> = other
            .words
            .names
            .iter()
            .zip(&counts)
            .map(|(name, &count)| self.words.add(name, count))
            .collect();
        self.bigrams.reserve(other.bigrams.len());
        let at = |id: u32| remap.get(id as usize).copied().unwrap_or(id);
        for (key, count) in other.bigrams.iter() {
            let (a, b) = unpair(key);
            self.bigrams.add(pair(at(a), at(b)), count);
        }
        self.n_docs = self.n_docs.saturating_add(other.n_docs);
        self.n_tokens = self.n_tokens.saturating_add(other.n_tokens);
    }
}

#[derive(Serialize)]
struct WireRef<'a> {
    n_docs: u64,
    n_tokens: u64,
    words: Vec<(&'a str, u64)>,
    bigrams: Vec<(u32, u32, u64)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    n_docs: u64,
    n_tokens: u64,
    words: Vec<(Box<str>, u64)>,
    bigrams: Vec<(u32, u32, u64)>,
}

impl Serialize for CollocationsPartial {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let order = self.words.sorted_ids();
        let counts = self.words.counts();
        let mut rank = vec![0u32; self.words.len()];
        for (position, &id) in order.iter().enumerate() {
            rank[id as usize] = next_id(position);
        }
        let at = |id: u32| rank.get(id as usize).copied().unwrap_or(u32::MAX);
        let mut bigrams: Vec<(u32, u32, u64)> = self
            .bigrams
            .iter()
            .map(|(key, count)| {
                let (a, b) = unpair(key);
                (at(a), at(b), count)
            })
            .collect();
        bigrams.sort_unstable();
        WireRef {
            n_docs: self.n_docs,
            n_tokens: self.n_tokens,
            words: order
                .iter()
                .map(|&id| {
                    let count = counts.get(id as usize).copied().unwrap_or(0);
                    (self.words.name(id), count)
                })
                .collect(),
            bigrams,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for CollocationsPartial {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        let n_words = wire.words.len();
        if u32::try_from(n_words).is_err() {
            return Err(D::Error::custom(
                "collocations state: too many words (at most 2^32 - 1)",
            ));
        }
        let mut words = Words::default();
        for (position, (word, count)) in wire.words.into_iter().enumerate() {
            // A word listed twice would have its counts added up, but the load fails then.
            let id = words.add(&word, count);
            if id as usize != position {
                return Err(D::Error::custom(format!(
                    "collocations state: word {word:?} listed twice (positions {id} and {position})"
                )));
            }
        }
        let mut bigrams = BigramTable::with_capacity(wire.bigrams.len());
        for (a, b, count) in wire.bigrams {
            if a as usize >= n_words || b as usize >= n_words {
                return Err(D::Error::custom(format!(
                    "collocations state: bigram ({a}, {b}) refers to a word beyond the {n_words} listed"
                )));
            }
            let (w1, w2) = (words.name(a), words.name(b));
            if count == 0 {
                return Err(D::Error::custom(format!(
                    "collocations state: bigram ({w1:?}, {w2:?}) has count 0"
                )));
            }
            if !bigrams.insert_new(pair(a, b), count) {
                return Err(D::Error::custom(format!(
                    "collocations state: bigram ({w1:?}, {w2:?}) listed twice"
                )));
            }
        }
        Ok(CollocationsPartial {
            n_docs: wire.n_docs,
            n_tokens: wire.n_tokens,
            words,
            bigrams,
            scratch: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use wordmill_model::TokenText;

    use super::*;

    fn tokens(text: &str) -> Vec<Token<'_>> {
        let mut start = 0;
        text.split(' ')
            .enumerate()
            .map(|(i, w)| {
                let span = Span::new(start, start + w.len());
                start = span.end + 1;
                Token {
                    text: TokenText::borrowed(w),
                    span,
                    position: i as u32,
                }
            })
            .filter(|t| !t.text.is_empty())
            .collect()
    }

    type Snapshot = (
        u64,
        u64,
        BTreeMap<String, u64>,
        BTreeMap<(String, String), u64>,
    );

    /// The counts, read from the serialised form (every word, every bigram).
    fn snapshot(p: CollocationsPartial) -> Snapshot {
        let v = serde_json::to_value(&p).unwrap();
        let words: Vec<(String, u64)> = serde_json::from_value(v["words"].clone()).unwrap();
        let pairs: Vec<(usize, usize, u64)> = serde_json::from_value(v["bigrams"].clone()).unwrap();
        let bigrams = pairs
            .iter()
            .map(|&(a, b, c)| ((words[a].0.clone(), words[b].0.clone()), c))
            .collect();
        (
            v["n_docs"].as_u64().unwrap(),
            v["n_tokens"].as_u64().unwrap(),
            words.into_iter().collect(),
            bigrams,
        )
    }

    #[test]
    fn parts_hold_the_kept_bigrams_and_only_their_words_in_order() {
        let mut p = CollocationsPartial::default();
        p.observe(&tokens("zeta b a b a b c d"), &[]);
        let parts = p.into_parts(2);
        assert_eq!((parts.n_tokens, parts.distinct_bigrams), (8, 5));
        let words: Vec<(&str, u64)> = parts.words.iter().map(|(w, c)| (&**w, *c)).collect();
        assert_eq!(words, [("a", 2), ("b", 3)]);
        assert_eq!(parts.bigrams, [(0, 1, 2), (1, 0, 2)]);
    }

    #[test]
    fn counts_every_token_and_each_adjacent_pair() {
        let mut p = CollocationsPartial::default();
        p.observe(&tokens("a b a b"), &[]);
        p.observe(&tokens("b"), &[]);
        let (docs, n, words, bigrams) = snapshot(p);
        assert_eq!((docs, n), (2, 5));
        assert_eq!(words["a"], 2);
        assert_eq!(words["b"], 3);
        let pairs: Vec<((&str, &str), u64)> = bigrams
            .iter()
            .map(|((a, b), c)| ((a.as_str(), b.as_str()), *c))
            .collect();
        assert_eq!(pairs, [(("a", "b"), 2), (("b", "a"), 1)]);
    }

    #[test]
    fn no_bigram_crosses_a_sentence_end() {
        // "a b" | "c d" | gap | "e"
        let text = "a b c d e";
        let toks = tokens(text);
        let sentences = [Span::new(0, 3), Span::new(4, 7), Span::new(8, 9)];
        let mut p = CollocationsPartial::default();
        p.observe(&toks, &sentences);
        let (_, n, _, bigrams) = snapshot(p);
        assert_eq!(n, 5);
        let keys: Vec<(&str, &str)> = bigrams
            .keys()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert_eq!(keys, [("a", "b"), ("c", "d")]);
    }

    #[test]
    fn long_words_are_interned_too() {
        let long = "abcdefghijklmnopqrstuvwxyz";
        let text = format!("{long} x {long} x");
        let mut p = CollocationsPartial::default();
        p.observe(&tokens(&text), &[]);
        assert_eq!(p.distinct_words(), 2);
        let (_, _, words, bigrams) = snapshot(p);
        assert_eq!(words[long], 2);
        assert_eq!(bigrams[&(long.to_string(), "x".to_string())], 2);
    }

    #[test]
    fn merge_remaps_and_serialisation_is_canonical() {
        let texts = ["über straße über", "b a", "straße b a a", ""];
        let mut single = CollocationsPartial::default();
        for t in texts {
            single.observe(&tokens(t), &[]);
        }
        let mut left = CollocationsPartial::default();
        left.observe(&tokens(texts[2]), &[]);
        let mut right = CollocationsPartial::default();
        for t in [texts[3], texts[1], texts[0]] {
            right.observe(&tokens(t), &[]);
        }
        left.merge(right);
        let a = serde_json::to_string(&left).unwrap();
        let b = serde_json::to_string(&single).unwrap();
        assert_eq!(a, b);
        let back: CollocationsPartial = serde_json::from_str(&a).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), a);
        assert_eq!(back.validate(), Ok(()));
        assert_eq!(snapshot(back), snapshot(single));
    }

    #[test]
    fn loading_rejects_malformed_states() {
        let bad = |json: &str| {
            serde_json::from_str::<CollocationsPartial>(json)
                .unwrap_err()
                .to_string()
        };
        let e = bad(r#"{"n_docs":1,"n_tokens":2,"words":[["a",1],["a",1]],"bigrams":[]}"#);
        assert!(e.contains("twice"), "{e}");
        let e = bad(r#"{"n_docs":1,"n_tokens":2,"words":[["a",2]],"bigrams":[[0,1,1]]}"#);
        assert!(e.contains("beyond"), "{e}");
        let e = bad(r#"{"n_docs":1,"n_tokens":3,"words":[["a",3]],"bigrams":[[0,0,1],[0,0,1]]}"#);
        assert!(e.contains("twice"), "{e}");
    }

    #[test]
    fn validation_names_what_is_wrong() {
        let load = |json: &str| serde_json::from_str::<CollocationsPartial>(json).unwrap();
        let ok = load(
            r#"{"n_docs":1,"n_tokens":3,"words":[["a",2],["b",1]],"bigrams":[[0,1,1],[1,0,1]]}"#,
        );
        assert_eq!(ok.validate(), Ok(()));
        for (json, want) in [
            (
                r#"{"n_docs":1,"n_tokens":4,"words":[["a",2],["b",1]],"bigrams":[]}"#,
                "add up to 3",
            ),
            (
                r#"{"n_docs":1,"n_tokens":2,"words":[["a",2],["b",0]],"bigrams":[]}"#,
                "\"b\" has count 0",
            ),
            (
                r#"{"n_docs":1,"n_tokens":3,"words":[["a",2],["b",1]],"bigrams":[[0,1,2]]}"#,
                "\"b\" occurs 1 times",
            ),
            (
                r#"{"n_docs":1,"n_tokens":2,"words":[["a",2]],"bigrams":[[0,0,2]]}"#,
                "2 bigrams in 2 tokens",
            ),
        ] {
            let e = load(json).validate().unwrap_err();
            assert!(e.0.contains(want), "{e} (wanted {want})");
        }
    }

    #[test]
    fn the_hasher_spreads_small_keys() {
        let hash = |x: u64| {
            let mut h = MixState.build_hasher();
            h.write_u64(x);
            h.finish()
        };
        let mut tops: Vec<u64> = (0..64).map(|x| hash(x) >> 57).collect();
        tops.sort_unstable();
        tops.dedup();
        assert!(tops.len() > 32, "{tops:?}");
    }
}

//! The mergeable state of [`Terms`](super::Terms): the corpus vocabulary and, when asked for,
//! each document's term counts.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wordmill_model::{Merge, Ordinal, Token};

use super::table::{Entry, Prepared, SHORT_MAX, TermTable};
use super::{PruneStats, TermsConfig};

/// How many tokens ahead a unigram's key is hashed and its slot prefetched.
const AHEAD: usize = 8;
/// The ring of prepared keys (a power of two above `AHEAD`).
const RING: usize = 16;

/// Where a term was first seen: the lowest (document ordinal, position in that document's
/// feature stream). Ordering terms by it reproduces scikit-learn's CSR storage order, whatever
/// order the documents were observed and merged in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) struct FirstSeen {
    pub(crate) ordinal: Ordinal,
    pub(crate) position: u64,
}

/// Corpus-wide totals of one term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Totals {
    /// Occurrences in the whole corpus.
    pub(crate) count: u64,
    /// Number of documents containing the term.
    pub(crate) doc_freq: u64,
    /// First occurrence (see [`FirstSeen`]).
    pub(crate) first: FirstSeen,
}

/// One document's counts. `terms` holds (term id, count) pairs, one per distinct term, in
/// stream order of first occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DocRow {
    pub(crate) ordinal: Ordinal,
    pub(crate) id: Box<str>,
    pub(crate) n_tokens: u64,
    pub(crate) terms: Box<[(u32, u32)]>,
}

/// The mergeable state of [`Terms`](super::Terms).
///
/// It holds the corpus vocabulary (term → count, document frequency, first occurrence) and,
/// only when per-document output was asked for, each document's (term, count) list. Nothing
/// else grows with the corpus. Pruning (`min_df`, `max_df`, `max_features`) never happens here,
/// only in [`Analyser::finish`](crate::Analyser::finish): a shard cannot know the corpus-wide
/// document frequencies, so pruning early would make a merged run differ from a single one.
///
/// # Representation
///
/// Per-document rows refer to terms by a dense `u32` id local to the partial, with `u32` counts:
/// 8 bytes per (document, term) pair, against 16 bytes plus the text for a `Box<str>` per
/// pair (and the same string repeated in thousands of rows). The price is a remapping on merge:
/// the side that is cheaper to remap (fewer terms plus row entries) is folded into the other,
/// each of its terms looked up once and each of its row entries rewritten once, so a merge
/// costs O(size of the smaller side), never O(size of the larger side).
///
/// Limits, far beyond any corpus that fits in memory: a count of one term inside one document
/// saturates at `u32::MAX` in the per-document rows (corpus counts are `u64`), and ids assume
/// fewer than 2³² distinct terms per partial.
///
/// # Serialisation
///
/// The serialised form (used for shard files and `wordmill map`/`reduce`) lists the terms in
/// id order as `[term, count, doc_freq, first_ordinal, first_position]` and the rows with those
/// ids; loading checks that every id is in range and no term is repeated.
#[derive(Debug, Default, Clone)]
pub struct TermsPartial {
    n_docs: u64,
    n_tokens: u64,
    /// The terms; a term's id is its index in the table.
    vocab: TermTable,
    docs: Vec<DocRow>,
    /// Total number of (term, count) pairs in `docs`.
    row_entries: usize,
    /// Incremented for every observed document; strictly greater than every entry's `stamp`.
    epoch: u64,
    /// The row being built by `observe`: (term id, count).
    scratch: Vec<(u32, u64)>,
    /// Buffer in which n-grams are joined (reused: no allocation per n-gram).
    gram: String,
    /// The features chosen from this state, with what pruning removed, when they were chosen
    /// before finishing (by another analyser holding this state, for the same
    /// configuration: see [`TermsPartial::choose_features`]). Never serialised; any change to
    /// the state drops it.
    chosen: Option<(Vec<usize>, PruneStats)>,
    /// This table's identity for the token ids it hands to later analysers (see
    /// [`TermsPartial::observe_recording`]). Never serialised; a copy gets its own.
    table: TableId,
}

/// A term table's identity: unique in the process, taken when first asked for; a copy of the
/// table starts without one (the two tables may give the same new term different ids).
#[derive(Debug, Default)]
struct TableId(u64);

impl Clone for TableId {
    fn clone(&self) -> Self {
        TableId(0)
    }
}

impl TableId {
    fn get(&mut self) -> u64 {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        if self.0 == 0 {
            self.0 = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.0
    }
}

/// The parts `finish` needs, with terms in id order.
pub(crate) struct Parts {
    pub(crate) n_docs: u64,
    pub(crate) n_tokens: u64,
    pub(crate) terms: Vec<(Box<str>, Totals)>,
    pub(crate) docs: Vec<DocRow>,
}

/// Saturating id for the next term; see the limits in [`TermsPartial`].
fn next_id(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
}

impl TermsPartial {
    /// Number of documents observed (including empty ones).
    pub fn n_docs(&self) -> u64 {
        self.n_docs
    }

    /// Number of unigram tokens observed.
    pub fn n_tokens(&self) -> u64 {
        self.n_tokens
    }

    /// Whether the state holds per-document rows.
    pub(crate) fn has_rows(&self) -> bool {
        !self.docs.is_empty()
    }

    /// Number of distinct features (terms and n-grams) seen so far, before any pruning.
    pub fn distinct_terms(&self) -> usize {
        self.vocab.len()
    }

    /// Checks what a loaded state must hold, whatever split of the corpus made it: every term
    /// occurs at least once and in at least one document, in no more documents than it occurs
    /// or than there are; per-document rows, when kept, are one per document, with distinct
    /// ordinals, and add up to the totals (tokens, each term's count and document frequency).
    /// Returns what is wrong, naming the term.
    pub fn validate(&self) -> Result<(), crate::InvalidState> {
        let n_docs = self.n_docs;
        let mut buf = [0u8; SHORT_MAX];
        let entries = self.vocab.entries();
        for entry in entries {
            let t = entry.totals;
            if t.count == 0 || t.doc_freq == 0 || t.doc_freq > t.count || t.doc_freq > n_docs {
                return Err(crate::InvalidState(format!(
                    "terms state: term {:?} has count {} and document frequency {} in {n_docs} documents (expected 1 <= document frequency <= count, and document frequency <= documents)",
                    self.vocab.key_of(entry, &mut buf),
                    t.count,
                    t.doc_freq
                )));
            }
        }
        if self.docs.is_empty() {
            return Ok(());
        }
        if self.docs.len() as u64 != n_docs {
            return Err(crate::InvalidState(format!(
                "terms state: {} per-document rows for {n_docs} documents",
                self.docs.len()
            )));
        }
        let mut ordinals: Vec<Ordinal> = self.docs.iter().map(|d| d.ordinal).collect();
        ordinals.sort_unstable();
        if let Some(pair) = ordinals.windows(2).find(|w| w[0] == w[1]) {
            return Err(crate::InvalidState(format!(
                "terms state: two per-document rows have the ordinal {}",
                pair[0]
            )));
        }
        let tokens = self
            .docs
            .iter()
            .map(|d| d.n_tokens)
            .fold(0u64, u64::saturating_add);
        if tokens != self.n_tokens {
            return Err(crate::InvalidState(format!(
                "terms state: the per-document rows hold {tokens} tokens, the totals {}",
                self.n_tokens
            )));
        }
        let mut sums = vec![(0u64, 0u64); entries.len()];
        for row in &self.docs {
            for &(id, count) in row.terms.iter() {
                if let Some(s) = sums.get_mut(id as usize) {
                    s.0 = s.0.saturating_add(u64::from(count));
                    s.1 += 1;
                }
            }
        }
        for (entry, (rows_count, rows_df)) in entries.iter().zip(sums) {
            let t = entry.totals;
            // A count of one term in one document saturates at u32::MAX in the rows.
            let saturated = rows_count >= u64::from(u32::MAX);
            if (rows_count != t.count && !saturated) || rows_df != t.doc_freq {
                return Err(crate::InvalidState(format!(
                    "terms state: term {:?} has count {} and document frequency {}, but the per-document rows give {rows_count} and {rows_df}",
                    self.vocab.key_of(entry, &mut buf),
                    t.count,
                    t.doc_freq
                )));
            }
        }
        Ok(())
    }

    /// Occurrences of every feature (terms and n-grams) added up: for documents of `t`
    /// tokens and n-grams `min_n..=max_n`, the sum over documents and `n` of `t - n + 1`
    /// (where positive). Saturates at `u64::MAX`.
    pub fn total_count(&self) -> u64 {
        self.vocab
            .entries()
            .iter()
            .fold(0u64, |sum, e| sum.saturating_add(e.totals.count))
    }

    /// Folds one document's tokens in: every n-gram for n = `min_n..=max_n` (`min_n >= 1`), for
    /// each n in increasing order, each in token order. `keep_row` records the document's row.
    pub(crate) fn observe(
        &mut self,
        ordinal: Ordinal,
        id: &str,
        tokens: &[Token<'_>],
        ngrams: (usize, usize),
        keep_row: bool,
    ) {
        self.observe_counting::<false>(ordinal, id, tokens, ngrams, keep_row, keep_row, None);
    }

    /// As [`observe`](Self::observe), and, when unigrams are counted, fills `ids` with the id
    /// of each token's term in this table, in token order; returns the table's identity
    /// (the same for as long as this state lives, and never that of another table: a term's
    /// id never changes, merges only add terms).
    pub(crate) fn observe_recording(
        &mut self,
        ordinal: Ordinal,
        id: &str,
        tokens: &[Token<'_>],
        ngrams: (usize, usize),
        keep_row: bool,
        ids: &mut Vec<u32>,
    ) -> u64 {
        self.observe_counting::<true>(ordinal, id, tokens, ngrams, keep_row, keep_row, Some(ids));
        self.table.get()
    }

    /// As [`observe`](Self::observe), and returns the document's (term id, count) pairs, one
    /// per distinct feature in order of first occurrence, whether or not its row is kept.
    pub(crate) fn observe_collect(
        &mut self,
        ordinal: Ordinal,
        id: &str,
        tokens: &[Token<'_>],
        ngrams: (usize, usize),
        keep_row: bool,
    ) -> &[(u32, u64)] {
        self.observe_counting::<false>(ordinal, id, tokens, ngrams, true, keep_row, None);
        &self.scratch
    }

    /// The pairs [`observe_collect`](Self::observe_collect) returned for the last document.
    pub(crate) fn collected(&self) -> &[(u32, u64)] {
        &self.scratch
    }

    #[allow(clippy::too_many_arguments)]
    fn observe_counting<const RECORD: bool>(
        &mut self,
        ordinal: Ordinal,
        id: &str,
        tokens: &[Token<'_>],
        (min_n, max_n): (usize, usize),
        collect: bool,
        keep_row: bool,
        mut ids: Option<&mut Vec<u32>>,
    ) {
        self.chosen = None;
        self.epoch += 1;
        let stamp = self.epoch;
        self.n_docs += 1;
        self.n_tokens += tokens.len() as u64;
        self.scratch.clear();

        let mut position = 0u64;
        let top_n = max_n.min(tokens.len());
        let mut gram = std::mem::take(&mut self.gram);
        for n in min_n.max(1)..=top_n {
            if n == 1 {
                // Keys are packed and hashed AHEAD tokens early, their slots prefetched then,
                // and their entries prefetched AHEAD / 2 tokens early, so that a rare term's
                // two cache misses overlap with the work on the tokens before it.
                // Each token's id, written in place (the buffer sized once).
                let mut recorded: &mut [u32] = &mut [];
                if RECORD && let Some(ids) = ids.as_deref_mut() {
                    ids.clear();
                    ids.resize(tokens.len(), 0);
                    recorded = ids.as_mut_slice();
                }
                let mut ring = [Prepared::default(); RING];
                for (i, token) in tokens.iter().enumerate().take(AHEAD) {
                    ring[i] = TermTable::prepare_token(&token.text);
                    self.vocab.prefetch_slot(&ring[i]);
                }
                for (i, token) in tokens.iter().enumerate() {
                    if let Some(ahead) = tokens.get(i + AHEAD) {
                        let p = TermTable::prepare_token(&ahead.text);
                        self.vocab.prefetch_slot(&p);
                        ring[(i + AHEAD) % RING] = p;
                    }
                    if i + AHEAD / 2 < tokens.len() {
                        self.vocab.prefetch_entry(&ring[(i + AHEAD / 2) % RING]);
                    }
                    let term = self.add(
                        &token.text,
                        ring[i % RING],
                        FirstSeen { ordinal, position },
                        stamp,
                        collect,
                    );
                    if RECORD && let Some(slot) = recorded.get_mut(i) {
                        *slot = term;
                    }
                    position += 1;
                }
            } else {
                for window in tokens.windows(n) {
                    gram.clear();
                    gram.push_str(&window[0].text);
                    for token in &window[1..] {
                        gram.push(' ');
                        gram.push_str(&token.text);
                    }
                    let key = TermTable::prepare(&gram);
                    self.add(&gram, key, FirstSeen { ordinal, position }, stamp, collect);
                    position += 1;
                }
            }
        }
        self.gram = gram;

        if keep_row {
            let terms: Box<[(u32, u32)]> = self
                .scratch
                .iter()
                .map(|&(id, count)| (id, u32::try_from(count).unwrap_or(u32::MAX)))
                .collect();
            self.row_entries += terms.len();
            self.docs.push(DocRow {
                ordinal,
                id: id.into(),
                n_tokens: tokens.len() as u64,
                terms,
            });
        }
    }

    /// Counts one feature, whose key `key` was prepared from `term`.
    #[inline]
    fn add<T: AsRef<str> + ?Sized>(
        &mut self,
        term: &T,
        key: Prepared,
        at: FirstSeen,
        stamp: u64,
        keep_row: bool,
    ) -> u32 {
        let fresh = Totals {
            count: 0,
            doc_freq: 0,
            first: at,
        };
        let (id, _) = self.vocab.get_or_insert_prepared(term, key, fresh);
        if let Some(entry) = self.vocab.entry_mut(id) {
            bump(entry, id, &mut self.scratch, at, stamp, keep_row);
        }
        next_id(id)
    }

    /// Takes the state apart for `finish`: terms in id order.
    pub(crate) fn into_parts(self) -> Parts {
        Parts {
            n_docs: self.n_docs,
            n_tokens: self.n_tokens,
            terms: self.vocab.into_terms(),
            docs: self.docs,
        }
    }

    /// The corpus count of each term, in id order.
    pub(crate) fn term_counts(&self) -> impl Iterator<Item = u64> + '_ {
        self.vocab.entries().iter().map(|e| e.totals.count)
    }

    /// The features `config` keeps of this state (see [`super::select_features`]): their
    /// ids, in feature order, and what pruning removed.
    pub(crate) fn select_features(&self, config: &TermsConfig) -> (Vec<usize>, PruneStats) {
        super::select_features(config, self.n_docs, &self.vocab)
    }

    /// Chooses the features `config` keeps of this state now, for the terms analyser with
    /// that configuration to finish with (it would choose the same); returns them.
    pub(crate) fn choose_features(&mut self, config: &TermsConfig) -> &(Vec<usize>, PruneStats) {
        let chosen = self.select_features(config);
        self.chosen.insert(chosen)
    }

    /// The features chosen before finishing, if any ([`TermsPartial::choose_features`]).
    pub(crate) fn take_selection(&mut self) -> Option<(Vec<usize>, PruneStats)> {
        self.chosen.take()
    }

    /// The text of term `id`.
    pub(crate) fn term_text(&self, id: usize) -> Option<String> {
        let mut text = String::new();
        self.push_term_text(id, &mut text).then_some(text)
    }

    /// Appends the text of term `id` to `out`; false (and nothing appended) for an unknown id.
    pub(crate) fn push_term_text(&self, id: usize, out: &mut String) -> bool {
        let mut buf = [0u8; SHORT_MAX];
        let Some(entry) = self.vocab.entries().get(id) else {
            return false;
        };
        out.push_str(self.vocab.key_of(entry, &mut buf));
        true
    }

    /// The cost of folding this side into another: its terms plus its row entries.
    pub(crate) fn remap_cost(&self) -> usize {
        self.vocab.len() + self.row_entries
    }
}

#[inline]
fn bump(
    entry: &mut Entry,
    id: usize,
    scratch: &mut Vec<(u32, u64)>,
    at: FirstSeen,
    stamp: u64,
    keep_row: bool,
) {
    entry.totals.count += 1;
    if entry.stamp != stamp {
        // First occurrence in this document.
        entry.stamp = stamp;
        entry.totals.doc_freq += 1;
        if at < entry.totals.first {
            entry.totals.first = at;
        }
        if keep_row {
            entry.row = u32::try_from(scratch.len()).unwrap_or(u32::MAX);
            scratch.push((next_id(id), 1));
        }
    } else if keep_row && let Some(cell) = scratch.get_mut(entry.row as usize) {
        cell.1 += 1;
    }
}

impl TermsPartial {
    /// Adds the terms of `other` (their counts, document frequencies and first occurrences)
    /// to this state's vocabulary, each looked up once, in `other`'s id order (so the ids of
    /// its new terms follow its own first-seen order). Returns, for each id of `other`, the
    /// term's id here. Documents, tokens and rows are left to the caller.
    pub(crate) fn add_vocabulary(&mut self, other: &TermsPartial) -> Vec<u32> {
        self.chosen = None;
        let mut remap = Vec::with_capacity(other.vocab.len());
        let mut buf = [0u8; SHORT_MAX];
        self.vocab.reserve(other.vocab.len());
        // As in `observe`: keys prepared and slots prefetched AHEAD terms early, entries
        // AHEAD / 2 early, so that the look-ups' cache misses overlap.
        let theirs_all = other.vocab.entries();
        let mut ring = [Prepared::default(); RING];
        for (i, theirs) in theirs_all.iter().enumerate().take(AHEAD) {
            ring[i] = other.vocab.prepared_of(theirs);
            self.vocab.prefetch_slot(&ring[i]);
        }
        for (i, theirs) in theirs_all.iter().enumerate() {
            if let Some(ahead) = theirs_all.get(i + AHEAD) {
                let p = other.vocab.prepared_of(ahead);
                self.vocab.prefetch_slot(&p);
                ring[(i + AHEAD) % RING] = p;
            }
            if i + AHEAD / 2 < theirs_all.len() {
                self.vocab.prefetch_entry(&ring[(i + AHEAD / 2) % RING]);
            }
            let term = other.vocab.key_of(theirs, &mut buf);
            let (id, inserted) =
                self.vocab
                    .get_or_insert_prepared(term, ring[i % RING], theirs.totals);
            if !inserted && let Some(ours) = self.vocab.entry_mut(id) {
                ours.totals.count += theirs.totals.count;
                ours.totals.doc_freq += theirs.totals.doc_freq;
                ours.totals.first = ours.totals.first.min(theirs.totals.first);
            }
            remap.push(next_id(id));
        }
        remap
    }
}

impl TermsPartial {
    /// Merges `other` in, however costly (no swapping of sides); returns, for each id of
    /// `other`, the term's id here.
    pub(crate) fn merge_remap(&mut self, mut other: Self) -> Vec<u32> {
        self.chosen = None;
        let remap = self.add_vocabulary(&other);
        for row in &mut other.docs {
            for pair in row.terms.iter_mut() {
                pair.0 = remap.get(pair.0 as usize).copied().unwrap_or(pair.0);
            }
        }
        self.row_entries += other.row_entries;
        self.docs.append(&mut other.docs);
        self.n_docs += other.n_docs;
        self.n_tokens += other.n_tokens;
        // Every stamp on either side is at most its epoch, so the next document's stamp is new.
        self.epoch = self.epoch.max(other.epoch);
        remap
    }

    /// The id of `term`, if the table has it.
    pub(crate) fn term_id(&self, term: &str) -> Option<usize> {
        self.vocab.get(term)
    }

    /// Number of terms (features) in the table: ids are below it.
    pub(crate) fn table_len(&self) -> usize {
        self.vocab.len()
    }
}

impl Merge for TermsPartial {
    fn merge(&mut self, mut other: Self) {
        if other.remap_cost() > self.remap_cost() {
            std::mem::swap(self, &mut other);
        }
        // `other` is now the cheaper side: each of its terms looked up once, its rows rewritten.
        self.merge_remap(other);
    }
}

/// Serialised form of a term: `[term, count, doc_freq, first_ordinal, first_position]`.
type WireTerm<S> = (S, u64, u64, Ordinal, u64);

#[derive(Serialize)]
struct WireRef<'a> {
    n_docs: u64,
    n_tokens: u64,
    terms: Vec<WireTerm<&'a str>>,
    docs: &'a [DocRow],
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    n_docs: u64,
    n_tokens: u64,
    terms: Vec<WireTerm<Box<str>>>,
    docs: Vec<DocRow>,
}

impl Serialize for TermsPartial {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut bufs = vec![[0u8; SHORT_MAX]; self.vocab.len()];
        let terms = self
            .vocab
            .entries()
            .iter()
            .zip(bufs.iter_mut())
            .map(|(entry, buf)| {
                let t = entry.totals;
                let term = self.vocab.key_of(entry, buf);
                (term, t.count, t.doc_freq, t.first.ordinal, t.first.position)
            })
            .collect();
        WireRef {
            n_docs: self.n_docs,
            n_tokens: self.n_tokens,
            terms,
            docs: &self.docs,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for TermsPartial {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        let n_terms = wire.terms.len();
        if u32::try_from(n_terms).is_err() {
            return Err(D::Error::custom(
                "terms state: too many terms (at most 2^32 - 1)",
            ));
        }
        let mut vocab = TermTable::with_capacity(n_terms);
        for (id, (term, count, doc_freq, ordinal, position)) in wire.terms.into_iter().enumerate() {
            let totals = Totals {
                count,
                doc_freq,
                first: FirstSeen { ordinal, position },
            };
            let (previous, inserted) = vocab.get_or_insert(&term, totals);
            if !inserted {
                return Err(D::Error::custom(format!(
                    "terms state: term listed twice (ids {previous} and {id})"
                )));
            }
        }
        let mut row_entries = 0;
        for row in &wire.docs {
            if let Some(&(bad, _)) = row.terms.iter().find(|&&(id, _)| id as usize >= n_terms) {
                return Err(D::Error::custom(format!(
                    "terms state: document {:?} refers to term id {bad}, but there are {n_terms} terms",
                    row.id
                )));
            }
            row_entries += row.terms.len();
        }
        Ok(TermsPartial {
            n_docs: wire.n_docs,
            n_tokens: wire.n_tokens,
            vocab,
            docs: wire.docs,
            row_entries,
            ..TermsPartial::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use proptest::prelude::*;
    use wordmill_model::{Span, TokenText};

    use super::*;

    fn tokens(text: &str) -> Vec<Token<'_>> {
        text.split_whitespace()
            .enumerate()
            .map(|(i, w)| Token {
                text: TokenText::borrowed(w),
                span: Span::default(),
                position: i as u32,
            })
            .collect()
    }

    fn observe(p: &mut TermsPartial, ordinal: u64, text: &str, ngrams: (usize, usize)) {
        p.observe(ordinal, &format!("d{ordinal}"), &tokens(text), ngrams, true);
    }

    /// Terms with their totals, and rows as (ordinal, term → count), independent of ids.
    fn snapshot(
        p: TermsPartial,
    ) -> (
        BTreeMap<String, Totals>,
        BTreeMap<u64, BTreeMap<String, u32>>,
    ) {
        let parts = p.into_parts();
        let rows = parts
            .docs
            .iter()
            .map(|row| {
                let cells = row
                    .terms
                    .iter()
                    .map(|&(id, c)| (parts.terms[id as usize].0.to_string(), c));
                (row.ordinal, cells.collect())
            })
            .collect();
        let terms = parts
            .terms
            .into_iter()
            .map(|(t, totals)| (t.into(), totals))
            .collect();
        (terms, rows)
    }

    #[test]
    fn counts_doc_freq_and_first_occurrence() {
        let mut p = TermsPartial::default();
        observe(&mut p, 3, "b a b", (1, 2));
        observe(&mut p, 1, "c b", (1, 2));
        assert_eq!((p.n_docs(), p.n_tokens(), p.distinct_terms()), (2, 5, 6));
        let (terms, rows) = snapshot(p);
        let b = terms["b"];
        assert_eq!((b.count, b.doc_freq), (3, 2));
        // Stream of document 1: "c" (0), "b" (1), "c b" (2).
        assert_eq!(
            b.first,
            FirstSeen {
                ordinal: 1,
                position: 1
            }
        );
        // Stream of document 3: "b" "a" "b" (0..3), then "b a" (3), "a b" (4).
        assert_eq!(
            terms["a b"].first,
            FirstSeen {
                ordinal: 3,
                position: 4
            }
        );
        assert_eq!(rows[&3]["b"], 2);
        assert_eq!(rows[&3].len(), 4);
    }

    #[test]
    fn ngrams_longer_than_the_document_are_skipped() {
        let mut p = TermsPartial::default();
        observe(&mut p, 0, "one two", (2, 5));
        observe(&mut p, 1, "", (1, 3));
        let (terms, rows) = snapshot(p);
        assert_eq!(terms.keys().collect::<Vec<_>>(), ["one two"]);
        assert!(rows[&1].is_empty());
    }

    #[test]
    fn merge_equals_single_state_and_remaps_rows() {
        let texts = ["a b c", "b c d", "", "d d a", "e"];
        let mut single = TermsPartial::default();
        for (i, t) in texts.iter().enumerate() {
            observe(&mut single, i as u64, t, (1, 2));
        }
        // Uneven sides, so that either may be the one folded in.
        let mut small = TermsPartial::default();
        observe(&mut small, 4, texts[4], (1, 2));
        observe(&mut small, 1, texts[1], (1, 2));
        let mut large = TermsPartial::default();
        for i in [3, 0, 2] {
            observe(&mut large, i, texts[i as usize], (1, 2));
        }
        let mut a = TermsPartial::default();
        a.merge(small);
        a.merge(large);
        assert_eq!(snapshot(a), snapshot(single));
    }

    #[test]
    fn observing_after_a_merge_counts_each_document_once() {
        let mut left = TermsPartial::default();
        observe(&mut left, 0, "a", (1, 1));
        let mut right = TermsPartial::default();
        for i in 1..5 {
            observe(&mut right, i, "a", (1, 1));
        }
        left.merge(right);
        observe(&mut left, 5, "a a", (1, 1));
        let (terms, rows) = snapshot(left);
        assert_eq!((terms["a"].count, terms["a"].doc_freq), (7, 6));
        assert_eq!(rows[&5]["a"], 2);
    }

    #[test]
    fn rows_are_kept_only_when_asked() {
        let mut p = TermsPartial::default();
        p.observe(0, "x", &tokens("a b a"), (1, 1), false);
        assert!(p.docs.is_empty());
        assert_eq!(p.row_entries, 0);
        let a = p.vocab.get("a").unwrap();
        assert_eq!(p.vocab.entries()[a].totals.doc_freq, 1);
    }

    #[test]
    fn serialised_state_round_trips() {
        let mut p = TermsPartial::default();
        observe(&mut p, 0, "über straße über", (1, 2));
        observe(&mut p, 1, "straße", (1, 2));
        let json = serde_json::to_string(&p).unwrap();
        let back: TermsPartial = serde_json::from_str(&json).unwrap();
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        let mut expected = TermsPartial::default();
        observe(&mut expected, 0, "über straße über", (1, 2));
        observe(&mut expected, 1, "straße", (1, 2));
        assert_eq!(snapshot(back), snapshot(expected));
    }

    #[test]
    fn loading_rejects_inconsistent_states() {
        let bad_id = r#"{"n_docs":1,"n_tokens":1,"terms":[["a",1,1,0,0]],
            "docs":[{"ordinal":0,"id":"d","n_tokens":1,"terms":[[1,1]]}]}"#;
        let err = serde_json::from_str::<TermsPartial>(bad_id)
            .unwrap_err()
            .to_string();
        assert!(err.contains("term id 1"), "{err}");
        let twice = r#"{"n_docs":1,"n_tokens":2,"terms":[["a",1,1,0,0],["a",1,1,0,1]],"docs":[]}"#;
        let err = serde_json::from_str::<TermsPartial>(twice)
            .unwrap_err()
            .to_string();
        assert!(err.contains("twice"), "{err}");
    }

    /// Totals and rows computed the plain way, with a `HashMap` per document.
    fn model(
        docs: &[(u64, String)],
        ngrams: (usize, usize),
    ) -> (
        BTreeMap<String, Totals>,
        BTreeMap<u64, BTreeMap<String, u32>>,
    ) {
        let mut terms: BTreeMap<String, Totals> = BTreeMap::new();
        let mut rows = BTreeMap::new();
        for (ordinal, text) in docs {
            let words: Vec<&str> = text.split_whitespace().collect();
            let mut features = Vec::new();
            for n in ngrams.0..=ngrams.1.min(words.len()) {
                features.extend(words.windows(n).map(|w| w.join(" ")));
            }
            let mut row: HashMap<String, u32> = HashMap::new();
            for (position, f) in features.iter().enumerate() {
                let at = FirstSeen {
                    ordinal: *ordinal,
                    position: position as u64,
                };
                let t = terms.entry(f.clone()).or_insert(Totals {
                    count: 0,
                    doc_freq: 0,
                    first: at,
                });
                t.count += 1;
                t.first = t.first.min(at);
                let c = row.entry(f.clone()).or_insert(0);
                if *c == 0 {
                    t.doc_freq += 1;
                }
                *c += 1;
            }
            rows.insert(*ordinal, row.into_iter().collect());
        }
        (terms, rows)
    }

    /// Documents with distinct ordinals over a small vocabulary (short and long words), some
    /// longer than the look-ahead of the unigram loop and its ring.
    fn corpus() -> impl Strategy<Value = Vec<(u64, String)>> {
        let word = "[ab]{1,2}|[a-c]{14,17}|é|x";
        proptest::collection::vec(proptest::collection::vec(word, 0..40), 0..12).prop_map(|docs| {
            docs.into_iter()
                .enumerate()
                .map(|(i, words)| ((i as u64 * 7) % 13 + i as u64 * 13, words.join(" ")))
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// Observing in any order, split over partials merged in any grouping, then
        /// serialised and loaded, gives the plain model's counts, document frequencies,
        /// first occurrences and rows.
        #[test]
        fn partials_agree_with_a_hash_map_model(
            docs in corpus(),
            split in proptest::collection::vec(0usize..3, 12),
            max_n in 1usize..4,
            reversed in any::<bool>(),
        ) {
            let ngrams = (1, max_n);
            let mut parts: Vec<TermsPartial> = (0..3).map(|_| TermsPartial::default()).collect();
            let order: Vec<usize> = if reversed {
                (0..docs.len()).rev().collect()
            } else {
                (0..docs.len()).collect()
            };
            for i in order {
                let (ordinal, text) = &docs[i];
                observe(&mut parts[split[i]], *ordinal, text, ngrams);
            }
            let mut merged = TermsPartial::default();
            for p in parts {
                let json = serde_json::to_string(&p).unwrap();
                let back: TermsPartial = serde_json::from_str(&json).unwrap();
                prop_assert_eq!(serde_json::to_string(&back).unwrap(), json);
                merged.merge(back);
            }
            prop_assert_eq!(merged.distinct_terms(), model(&docs, ngrams).0.len());
            prop_assert_eq!(snapshot(merged), model(&docs, ngrams));
        }
    }
}

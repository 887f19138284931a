//! The mergeable state of [`Keyness`](super::Keyness): the term counts of the whole corpus,
//! and for each value of the key its documents, tokens and counts by term.

use std::collections::BTreeMap;
use std::collections::HashMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use wordmill_model::{Merge, Ordinal, Token};

use crate::TermsPartial;
use crate::sentiment::FxBuild;

/// The mergeable state of [`Keyness`](super::Keyness).
///
/// The corpus's feature counts are one [`TermsPartial`], exactly the terms analyser's state
/// (so that, counting for it, keyness counts each token once and hands that state over
/// whole). The documents without the key count there too: they are in no comparison, but
/// the features are chosen over the whole corpus exactly as the terms analyser chooses them
/// (`min_df`, `max_df`, `max_features`). For each value of the `by` key, its documents,
/// tokens and the count of each term id of that state in its documents. Nothing is pruned
/// here: only [`Analyser::finish`](crate::Analyser::finish), after the last merge, knows the
/// corpus-wide document frequencies.
///
/// Merging merges the terms states and renumbers the cheaper side's counts, so any grouping
/// and order of merges gives the same counts.
///
/// # Serialisation
///
/// `{"terms": terms state, "groups": {value: {"documents": n, "tokens": n, "counts":
/// [[id, count], ...]}, ...}, "without_key": {"documents": n, "tokens": n}}`: values in
/// code-point order, a value's counts in id order, ids those of the terms state.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeynessPartial {
    pub(crate) terms: TermsPartial,
    groups: BTreeMap<String, Group>,
    without_key: Without,
    /// The corpus-wide features, when they were chosen as the terms analyser's state was
    /// handed over ([`Keyness::terms_state`](super::Keyness::terms_state)): finishing then
    /// reads them instead of choosing them again. Never serialised; any change drops it.
    #[serde(skip)]
    pub(crate) chosen: Option<Chosen>,
}

/// The features of the whole corpus, chosen when the terms state was handed over.
#[derive(Debug)]
pub(crate) struct Chosen {
    /// The features: their columns by term id, and their texts.
    pub(crate) vocabulary: super::Features,
    /// What the choice removed.
    pub(crate) pruned: crate::PruneStats,
}

/// The documents without the key: only how many, and their tokens (their features are in
/// the terms state).
#[derive(Debug, Default, Clone, Copy, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Without {
    documents: u64,
    tokens: u64,
}

/// One value of the key.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Group {
    pub(crate) documents: u64,
    pub(crate) tokens: u64,
    pub(crate) counts: Counts,
}

/// The count of each term id in a value's documents: a map while the value has few of the
/// table's terms, an array by id once it has a good share of them (the smaller of the two).
#[derive(Debug)]
pub(crate) enum Counts {
    Sparse(HashMap<u32, u64, FxBuild>),
    Dense(Vec<u64>),
}

impl Default for Counts {
    fn default() -> Self {
        Counts::Sparse(HashMap::default())
    }
}

impl Counts {
    /// Adds each (id, count) of `pairs`; `table` is the number of terms in the table (ids
    /// are below it).
    fn add_all(&mut self, pairs: &[(u32, u64)], table: usize) {
        match self {
            Counts::Dense(counts) => {
                if counts.len() < table {
                    counts.resize(table, 0);
                }
                for &(id, count) in pairs {
                    if let Some(c) = counts.get_mut(id as usize) {
                        *c = c.saturating_add(count);
                    }
                }
            }
            Counts::Sparse(map) => {
                map.reserve(pairs.len());
                for &(id, count) in pairs {
                    let c = map.entry(id).or_insert(0);
                    *c = c.saturating_add(count);
                }
                if map.len() * 2 >= table && map.len() >= 64 {
                    self.densify(table);
                }
            }
        }
    }

    /// Makes the counts an array of `table` slots.
    fn densify(&mut self, table: usize) {
        if let Counts::Sparse(map) = self {
            let top = map.keys().max().map_or(0, |&id| id as usize + 1);
            let mut dense = vec![0u64; table.max(top)];
            for (&id, &count) in map.iter() {
                if let Some(c) = dense.get_mut(id as usize) {
                    *c = count;
                }
            }
            *self = Counts::Dense(dense);
        }
    }

    /// Every (id, count) with a non-zero count, in no particular order.
    pub(crate) fn each(&self, mut f: impl FnMut(u32, u64)) {
        match self {
            Counts::Dense(counts) => {
                for (id, &count) in counts.iter().enumerate() {
                    if count > 0 {
                        f(u32::try_from(id).unwrap_or(u32::MAX), count);
                    }
                }
            }
            Counts::Sparse(map) => {
                for (&id, &count) in map {
                    if count > 0 {
                        f(id, count);
                    }
                }
            }
        }
    }

    /// The (id, count) pairs with a non-zero count, in id order.
    fn sorted(&self) -> Vec<(u32, u64)> {
        let mut pairs = Vec::new();
        self.each(|id, count| pairs.push((id, count)));
        if let Counts::Sparse(_) = self {
            pairs.sort_unstable_by_key(|p| p.0);
        }
        pairs
    }

    /// Sum of the counts.
    pub(crate) fn total(&self) -> u64 {
        let mut total = 0u64;
        self.each(|_, count| total = total.saturating_add(count));
        total
    }
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.sorted().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let pairs: Vec<(u32, u64)> = Vec::deserialize(d)?;
        if let Some(w) = pairs.windows(2).find(|w| w[0].0 >= w[1].0) {
            return Err(serde::de::Error::custom(format!(
                "term ids must be listed in increasing order ({} then {})",
                w[0].0, w[1].0
            )));
        }
        let mut map: HashMap<u32, u64, FxBuild> = HashMap::default();
        map.reserve(pairs.len());
        map.extend(pairs);
        Ok(Counts::Sparse(map))
    }
}

impl KeynessPartial {
    /// Folds one document's features into the corpus counts and into those of its value of
    /// the key (`None`: the document has no such key).
    pub(crate) fn observe(
        &mut self,
        value: Option<&str>,
        ordinal: Ordinal,
        id: &str,
        tokens: &[Token<'_>],
        ngrams: (usize, usize),
        keep_row: bool,
    ) {
        self.chosen = None;
        let Some(value) = value else {
            self.terms.observe(ordinal, id, tokens, ngrams, keep_row);
            self.without_key.documents += 1;
            self.without_key.tokens += tokens.len() as u64;
            return;
        };
        self.terms
            .observe_collect(ordinal, id, tokens, ngrams, keep_row);
        let table = self.terms.table_len();
        let pairs = self.terms.collected();
        if !self.groups.contains_key(value) {
            self.groups.insert(value.to_owned(), Group::default());
        }
        let Some(group) = self.groups.get_mut(value) else {
            return;
        };
        group.documents += 1;
        group.tokens += tokens.len() as u64;
        group.counts.add_all(pairs, table);
    }

    /// The values of the key seen so far, in code-point order, each with its number of
    /// documents.
    pub fn values(&self) -> impl Iterator<Item = (&str, u64)> {
        self.groups.iter().map(|(v, g)| (v.as_str(), g.documents))
    }

    /// Number of documents without the key.
    pub fn documents_without_key(&self) -> u64 {
        self.without_key.documents
    }

    /// Number of documents observed.
    pub fn documents(&self) -> u64 {
        self.groups
            .values()
            .fold(self.without_key.documents, |n, g| {
                n.saturating_add(g.documents)
            })
    }

    /// Each value of the key with its counts, in code-point order.
    pub(crate) fn groups(&self) -> impl Iterator<Item = (&str, &Group)> {
        self.groups.iter().map(|(v, g)| (v.as_str(), g))
    }

    /// Per value (`None`: without the key), in code-point order and then `None`: documents,
    /// tokens and feature occurrences (`None` for the documents without the key, whose
    /// occurrences are only in the corpus counts).
    pub(crate) fn totals(&self) -> impl Iterator<Item = (Option<&str>, u64, u64, Option<u64>)> {
        self.groups
            .iter()
            .map(|(v, g)| {
                (
                    Some(v.as_str()),
                    g.documents,
                    g.tokens,
                    Some(g.counts.total()),
                )
            })
            .chain(std::iter::once((
                None,
                self.without_key.documents,
                self.without_key.tokens,
                None,
            )))
    }

    /// Checks what a loaded state must hold: a valid terms state (see
    /// [`TermsPartial::validate`]); every value has documents; the values' documents and
    /// tokens, with those without the key, are the terms state's; every term id is one of its
    /// terms, and no term counts more in the values together than in the corpus.
    pub fn validate(&self) -> Result<(), crate::InvalidState> {
        self.terms
            .validate()
            .map_err(|e| format!("keyness state: {e}"))?;
        let table = self.terms.table_len();
        let corpus: Vec<u64> = self.terms.term_counts().collect();
        let mut sums = vec![0u64; table];
        let (mut documents, mut tokens) = (self.without_key.documents, self.without_key.tokens);
        for (value, group) in &self.groups {
            if group.documents == 0 {
                return Err(crate::InvalidState(format!(
                    "keyness state: value {value:?} has no documents"
                )));
            }
            documents = documents.saturating_add(group.documents);
            tokens = tokens.saturating_add(group.tokens);
            let mut bad = None;
            group
                .counts
                .each(|id, count| match sums.get_mut(id as usize) {
                    Some(s) => *s = s.saturating_add(count),
                    None => bad = Some(id),
                });
            if let Some(id) = bad {
                return Err(crate::InvalidState(format!(
                    "keyness state: value {value:?} counts term id {id}, but the terms state has {table} terms"
                )));
            }
        }
        if (documents, tokens) != (self.terms.n_docs(), self.terms.n_tokens()) {
            return Err(crate::InvalidState(format!(
                "keyness state: the values hold {documents} documents and {tokens} tokens, the terms state {} and {}",
                self.terms.n_docs(),
                self.terms.n_tokens()
            )));
        }
        if let Some(id) = (0..table).find(|&id| sums[id] > corpus[id]) {
            return Err(crate::InvalidState(format!(
                "keyness state: term {:?} counts {} in the values, {} in the corpus",
                self.terms.term_text(id).unwrap_or_default(),
                sums[id],
                corpus[id]
            )));
        }
        Ok(())
    }
}

impl Merge for KeynessPartial {
    fn merge(&mut self, mut other: Self) {
        self.chosen = None;
        if other.terms.remap_cost() > self.terms.remap_cost() {
            std::mem::swap(self, &mut other);
        }
        let remap = self.terms.merge_remap(std::mem::take(&mut other.terms));
        let table = self.terms.table_len();
        let mut pairs = Vec::new();
        for (value, theirs) in other.groups {
            let ours = self.groups.entry(value).or_default();
            ours.documents += theirs.documents;
            ours.tokens += theirs.tokens;
            pairs.clear();
            theirs.counts.each(|id, count| {
                pairs.push((remap.get(id as usize).copied().unwrap_or(id), count));
            });
            ours.counts.add_all(&pairs, table);
        }
        self.without_key.documents += other.without_key.documents;
        self.without_key.tokens += other.without_key.tokens;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;

    use super::Counts;

    proptest! {
        /// However the counts go from a map to an array, they are the sums of what was added,
        /// and they read back the same after serialisation.
        #[test]
        fn counts_are_the_sums_added(
            batches in prop::collection::vec(
                prop::collection::vec((0u32..300, 1u64..5), 0..120),
                0..12,
            ),
        ) {
            let mut counts = Counts::default();
            let mut expected: BTreeMap<u32, u64> = BTreeMap::new();
            let mut table = 0usize;
            for batch in &batches {
                // The table only grows, and holds every id added.
                table = batch.iter().map(|p| p.0 as usize + 1).fold(table, usize::max);
                counts.add_all(batch, table);
                for &(id, n) in batch {
                    *expected.entry(id).or_default() += n;
                }
            }
            let expected: Vec<(u32, u64)> = expected.into_iter().collect();
            prop_assert_eq!(counts.sorted(), expected.clone());
            prop_assert_eq!(counts.total(), expected.iter().map(|p| p.1).sum::<u64>());
            let json = serde_json::to_string(&counts).unwrap();
            let back: Counts = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back.sorted(), expected);
        }
    }

    #[test]
    fn counts_become_an_array_when_they_hold_half_the_table() {
        let mut counts = Counts::default();
        let pairs: Vec<(u32, u64)> = (0..100).map(|id| (id, 1)).collect();
        counts.add_all(&pairs[..40], 1000);
        assert!(matches!(counts, Counts::Sparse(_)));
        counts.add_all(&pairs, 150);
        assert!(matches!(counts, Counts::Dense(_)));
        assert_eq!(counts.total(), 140);
    }
}

//! The mergeable state of [`Keyness`](super::Keyness): the term counts of each value of the
//! key, and of the documents without it.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;

use serde::{Deserialize, Serialize};
use wordmill_model::{Merge, Ordinal, Token};

use crate::TermsPartial;

/// The mergeable state of [`Keyness`](super::Keyness).
///
/// For each value of the `by` key, the term counts of its documents, kept as a
/// [`TermsPartial`] (corpus count, document frequency and first occurrence of every feature,
/// and each document's row only when the analyser counts for a terms analyser that keeps
/// them); and the same for the documents without the key. Those documents are
/// in no comparison, but their counts are needed to choose the features exactly as the terms
/// analyser chooses them over the whole corpus (`min_df`, `max_df`, `max_features`). Nothing
/// is pruned here: only [`Analyser::finish`](crate::Analyser::finish), after the last merge,
/// knows the corpus-wide document frequencies.
///
/// Merging merges the counts of each value, so any grouping and order of merges gives the same
/// state. Serialised, it is `{"groups": {value: terms state, ...}, "without_key": terms
/// state}`, values in code-point order.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeynessPartial {
    groups: BTreeMap<String, TermsPartial>,
    without_key: TermsPartial,
    /// The corpus-wide features, when they were chosen as the terms analyser's state was made
    /// from this one ([`Keyness::terms_state`](super::Keyness::terms_state)): finishing then
    /// reads them instead of choosing them again. Never serialised; any change drops it.
    #[serde(skip)]
    pub(crate) chosen: Option<Chosen>,
}

/// The features of the whole corpus, chosen over the union of the per-value counts.
#[derive(Debug)]
pub(crate) struct Chosen {
    /// For each count in [`KeynessPartial::buckets`] order, the ids of its terms in the union
    /// (`None`: the count the union was copied from, whose ids are the union's).
    pub(crate) remaps: Vec<Option<Vec<u32>>>,
    /// Number of terms in the union.
    pub(crate) terms: usize,
    /// The union ids of the features, in feature order.
    pub(crate) kept: Vec<usize>,
    /// The features' texts, in feature order.
    pub(crate) vocabulary: Vec<std::sync::Arc<str>>,
    /// What the choice removed.
    pub(crate) pruned: crate::PruneStats,
}

impl KeynessPartial {
    /// Folds one document's features into the counts of its value of the key (`None`: the
    /// document has no such key).
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
        let bucket = match value {
            Some(value) => {
                if !self.groups.contains_key(value) {
                    self.groups
                        .insert(value.to_owned(), TermsPartial::default());
                }
                match self.groups.get_mut(value) {
                    Some(bucket) => bucket,
                    None => return,
                }
            }
            None => &mut self.without_key,
        };
        bucket.observe(ordinal, id, tokens, ngrams, keep_row);
    }

    /// The values of the key seen so far, in code-point order, each with its number of
    /// documents.
    pub fn values(&self) -> impl Iterator<Item = (&str, u64)> {
        self.groups.iter().map(|(v, p)| (v.as_str(), p.n_docs()))
    }

    /// Number of documents without the key.
    pub fn documents_without_key(&self) -> u64 {
        self.without_key.n_docs()
    }

    /// Number of documents observed.
    pub fn documents(&self) -> u64 {
        self.groups
            .values()
            .fold(self.without_key.n_docs(), |n, p| {
                n.saturating_add(p.n_docs())
            })
    }

    /// The counts of each value (`Some`) and of the documents without the key (`None`).
    pub(crate) fn buckets(&self) -> impl Iterator<Item = (Option<&str>, &TermsPartial)> {
        self.groups
            .iter()
            .map(|(v, p)| (Some(v.as_str()), p))
            .chain(std::iter::once((None, &self.without_key)))
    }

    /// The counts of each value (`Some`, in code-point order) and then of the documents
    /// without the key (`None`), taken out of the state.
    pub(crate) fn into_buckets(self) -> Vec<(Option<String>, TermsPartial)> {
        self.groups
            .into_iter()
            .map(|(v, p)| (Some(v), p))
            .chain(std::iter::once((None, self.without_key)))
            .collect()
    }

    /// Checks what a loaded state must hold: every value has documents, and every count is a
    /// valid terms state (see [`TermsPartial::validate`]).
    pub fn validate(&self) -> Result<(), crate::InvalidState> {
        for (value, bucket) in self.buckets() {
            let name = || match value {
                Some(v) => format!("value {v:?}"),
                None => "the documents without the key".to_string(),
            };
            if value.is_some() && bucket.n_docs() == 0 {
                return Err(crate::InvalidState(format!(
                    "keyness state: {} has no documents",
                    name()
                )));
            }
            bucket
                .validate()
                .map_err(|e| format!("keyness state, {}: {e}", name()))?;
        }
        Ok(())
    }
}

impl Merge for KeynessPartial {
    fn merge(&mut self, other: Self) {
        self.chosen = None;
        for (value, counts) in other.groups {
            match self.groups.entry(value) {
                Entry::Vacant(e) => {
                    e.insert(counts);
                }
                Entry::Occupied(mut e) => e.get_mut().merge(counts),
            }
        }
        self.without_key.merge(other.without_key);
    }
}

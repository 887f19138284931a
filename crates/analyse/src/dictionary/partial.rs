//! The mergeable state of [`Dictionary`](super::Dictionary): each document's matches per
//! category and its number of tokens.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wordmill_model::{Merge, Ordinal};

use crate::MatchCache;

/// What the state keeps of one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentMatches {
    /// The document's id.
    pub id: String,
    /// Its values of the `group_by` keys (empty for a key it does not have).
    pub group: Vec<String>,
    /// Its tokens after normalisation.
    pub tokens: u64,
    /// `(category, matches)` for each category with at least one match, by category index.
    pub counts: Vec<(u32, u64)>,
}

/// The mergeable state of [`Dictionary`](super::Dictionary): one [`DocumentMatches`] per
/// document, by ordinal. Merging takes the union of the documents, so any grouping and order
/// of merges gives the same state. Serialised, `{"documents": {ordinal: {...}, ...}}`, in
/// ordinal order; the match cache is a per-thread memo of the matcher, never serialised and
/// ignored by merges.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DictionaryPartial {
    documents: BTreeMap<Ordinal, DocumentMatches>,
    #[serde(skip)]
    pub(crate) cache: MatchCache,
    /// Scratch space of `observe`, reused from document to document.
    #[serde(skip)]
    pub(crate) scratch: Scratch,
}

/// A document's counts while it is scanned: one slot per category, and the categories
/// counted so far (so that a document costs its matches, not the number of categories).
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    pub(crate) dense: Vec<u64>,
    pub(crate) touched: Vec<u32>,
    pub(crate) here: Vec<u32>,
}

impl Scratch {
    /// Counts one match of category `c`.
    #[inline]
    pub(crate) fn bump(&mut self, c: u32) {
        let Some(slot) = self.dense.get_mut(c as usize) else {
            return;
        };
        if *slot == 0 {
            self.touched.push(c);
        }
        *slot += 1;
    }

    /// The counts of the document, by category, and the slots emptied for the next one.
    pub(crate) fn take(&mut self) -> Vec<(u32, u64)> {
        self.touched.sort_unstable();
        let out = self
            .touched
            .iter()
            .map(|&c| (c, std::mem::take(&mut self.dense[c as usize])))
            .collect();
        self.touched.clear();
        out
    }
}

impl DictionaryPartial {
    /// Records a document's matches.
    pub(crate) fn insert(&mut self, ordinal: Ordinal, doc: DocumentMatches) {
        self.documents.insert(ordinal, doc);
    }

    /// The documents seen, in ordinal order.
    pub fn documents(&self) -> impl Iterator<Item = (Ordinal, &DocumentMatches)> {
        self.documents.iter().map(|(o, d)| (*o, d))
    }

    /// Number of documents seen.
    pub fn len(&self) -> usize {
        self.documents.len()
    }

    /// Whether no document was seen.
    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    pub(crate) fn into_documents(self) -> BTreeMap<Ordinal, DocumentMatches> {
        self.documents
    }
}

impl Merge for DictionaryPartial {
    fn merge(&mut self, mut other: Self) {
        if other.documents.len() > self.documents.len() {
            std::mem::swap(&mut self.documents, &mut other.documents);
        }
        self.documents.append(&mut other.documents);
    }
}

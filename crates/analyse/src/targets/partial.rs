//! The mergeable state of [`Targets`](super::Targets): every sentence that mentions a target,
//! keyed by document ordinal and sentence index, and the example candidates with their text.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use wordmill_model::{Merge, Ordinal, Span};

use crate::pattern::DocMatch;
use crate::{MatchCache, POLARITY_THRESHOLD};

/// The mentions of one target in one sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct TargetHit {
    /// The target's id: its rank among the target names in code-point order (so that states
    /// of pipelines that list the same targets in another order agree).
    pub(crate) target: u32,
    /// Byte spans of its matches in the document text, in text order.
    pub(crate) mentions: Vec<Span>,
}

/// A sentence (or, with `unit = "document"`, a document) that mentions at least one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SentenceHits {
    /// Index of the sentence in its document (0 for a whole document).
    pub(crate) index: u32,
    /// Its byte span in the document text.
    pub(crate) span: Span,
    /// Its VADER compound score.
    pub(crate) compound: f64,
    /// The targets it mentions, by id, ascending.
    pub(crate) targets: Vec<TargetHit>,
}

/// One document's sentences that mention a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct DocHits {
    /// The document id.
    pub(crate) id: Arc<str>,
    /// Its values of the `group_by` keys.
    pub(crate) group: Vec<String>,
    /// Its sentences with a mention, by index.
    pub(crate) sentences: Vec<SentenceHits>,
}

/// A sentence kept as a possible example, with its text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Candidate {
    pub(crate) ordinal: Ordinal,
    pub(crate) index: u32,
    pub(crate) compound: f64,
    pub(crate) text: String,
}

/// The example candidates of one target in one group: its most positive and most negative
/// sentences, at most `examples` of each.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Candidates {
    pub(crate) positive: Vec<Candidate>,
    pub(crate) negative: Vec<Candidate>,
}

/// The order of examples: the most positive (or negative) first, then the lower ordinal, then
/// the lower sentence index. A total order, so the kept examples do not depend on merge order.
pub(crate) fn rank(list: &mut Vec<Candidate>, positive: bool, keep: usize) {
    list.sort_by(|a, b| {
        let by_score = if positive {
            b.compound.total_cmp(&a.compound)
        } else {
            a.compound.total_cmp(&b.compound)
        };
        by_score
            .then(a.ordinal.cmp(&b.ordinal))
            .then(a.index.cmp(&b.index))
    });
    list.dedup_by(|a, b| a.ordinal == b.ordinal && a.index == b.index);
    list.truncate(keep);
}

/// Whether a compound score may be an example on that side (VADER's ±0.05 thresholds).
pub(crate) fn qualifies(compound: f64, positive: bool) -> bool {
    if positive {
        compound >= POLARITY_THRESHOLD
    } else {
        compound <= -POLARITY_THRESHOLD
    }
}

impl Candidates {
    /// Offers a sentence; kept (its text copied) when it is among the `keep` best on its side.
    pub(crate) fn offer(
        &mut self,
        ordinal: Ordinal,
        index: u32,
        compound: f64,
        text: &str,
        keep: usize,
    ) {
        for (list, positive) in [(&mut self.positive, true), (&mut self.negative, false)] {
            if keep == 0 || !qualifies(compound, positive) {
                continue;
            }
            let beaten = list.len() >= keep
                && list.last().is_some_and(|last| {
                    let worse = if positive {
                        compound < last.compound
                    } else {
                        compound > last.compound
                    };
                    worse
                        || (compound == last.compound
                            && (ordinal, index) > (last.ordinal, last.index))
                });
            if !beaten {
                list.push(Candidate {
                    ordinal,
                    index,
                    compound,
                    text: text.to_string(),
                });
                rank(list, positive, keep);
            }
        }
    }

    fn merge(&mut self, other: Candidates, keep: usize) {
        self.positive.extend(other.positive);
        rank(&mut self.positive, true, keep);
        self.negative.extend(other.negative);
        rank(&mut self.negative, false, keep);
    }
}

/// Example candidates by target id and group.
pub(crate) type CandidateMap = BTreeMap<(u32, Vec<String>), Candidates>;

/// One entry of [`TargetsPartial`]'s example candidates, as serialised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct CandidateSet {
    target: u32,
    group: Vec<String>,
    positive: Vec<Candidate>,
    negative: Vec<Candidate>,
}

/// `(target id, group) → candidates`, serialised as a list (JSON keys are strings only).
mod as_list {
    use super::*;

    pub(super) fn serialize<S: serde::Serializer>(
        map: &CandidateMap,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter().map(|((target, group), c)| CandidateSet {
            target: *target,
            group: group.clone(),
            positive: c.positive.clone(),
            negative: c.negative.clone(),
        }))
    }

    pub(super) fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<CandidateMap, D::Error> {
        let list: Vec<CandidateSet> = Vec::deserialize(d)?;
        let mut map = BTreeMap::new();
        for set in list {
            let key = (set.target, set.group);
            if map.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the example candidates of target {} and group {:?} are listed twice",
                    key.0, key.1
                )));
            }
            map.insert(
                key,
                Candidates {
                    positive: set.positive,
                    negative: set.negative,
                },
            );
        }
        Ok(map)
    }
}

/// The mergeable state of [`Targets`](super::Targets): the number of documents observed, every
/// sentence that mentions a target with its compound score and the spans of the mentions, keyed
/// by document ordinal and sentence index, and for each target and group the most positive and
/// most negative sentences with their text (the only text kept). Floats are only added up in
/// [`Analyser::finish`](crate::Analyser::finish), in ordinal and sentence order, so any split
/// and merge order gives the same bits.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TargetsPartial {
    /// Documents observed, with or without a mention.
    pub(crate) documents: u64,
    /// The documents with at least one mention.
    pub(crate) docs: BTreeMap<Ordinal, DocHits>,
    /// How many examples of each side are kept per target and group.
    pub(crate) keep: usize,
    /// Example candidates per target id and group.
    #[serde(with = "as_list")]
    pub(crate) candidates: CandidateMap,
    /// The matcher's memo of token texts (per thread; never serialised, ignored by merge).
    #[serde(skip)]
    pub(crate) cache: MatchCache,
    /// Scratch space of `observe`, reused from document to document: a document's matches,
    /// and its mentions (target, span) unit by unit.
    #[serde(skip)]
    pub(crate) hits: Vec<DocMatch>,
    #[serde(skip)]
    pub(crate) mentions: Vec<(u32, Span)>,
}

impl PartialEq for TargetsPartial {
    /// Equal when everything but the matcher's memo is.
    fn eq(&self, other: &Self) -> bool {
        self.documents == other.documents
            && self.docs == other.docs
            && self.keep == other.keep
            && self.candidates == other.candidates
    }
}

impl Merge for TargetsPartial {
    fn merge(&mut self, mut other: Self) {
        self.documents += other.documents;
        self.keep = self.keep.max(other.keep);
        if self.docs.len() < other.docs.len() {
            std::mem::swap(&mut self.docs, &mut other.docs);
        }
        for (k, v) in other.docs {
            self.docs.entry(k).or_insert(v);
        }
        let keep = self.keep;
        for (key, c) in other.candidates {
            self.candidates.entry(key).or_default().merge(c, keep);
        }
    }
}

impl TargetsPartial {
    /// Number of documents observed.
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// Number of sentences (units) that mention at least one target.
    pub fn sentences(&self) -> usize {
        self.docs.values().map(|d| d.sentences.len()).sum()
    }

    /// Checks what a loaded state must hold, for `targets` targets: sentences in order within
    /// their documents with spans that do not run backwards, compound scores in `[-1, 1]`,
    /// target ids below `targets` and ascending within a sentence, each with at least one
    /// mention inside the document, and every example candidate one of the sentences held, of
    /// its target and group, with the same score, on its side of the ±0.05 thresholds and no
    /// more than `keep` of them.
    pub(crate) fn check(
        &self,
        targets: usize,
        keep: usize,
        sizes: &BTreeMap<Ordinal, (u64, &str)>,
    ) -> Result<(), String> {
        if self.keep != keep {
            return Err(format!(
                "targets state: it keeps {} examples a side, the pipeline {keep}",
                self.keep
            ));
        }
        for (ordinal, doc) in &self.docs {
            let Some(&(bytes, id)) = sizes.get(ordinal) else {
                return Err(format!(
                    "targets state: document {:?} (ordinal {ordinal}) is not one of the state's documents",
                    doc.id
                ));
            };
            if *doc.id != *id {
                return Err(format!(
                    "targets state: document {ordinal} is {:?}, the state's documents call it {id:?}",
                    doc.id
                ));
            }
            if doc.sentences.is_empty() {
                return Err(format!(
                    "targets state: document {:?} (ordinal {ordinal}) is listed without a sentence",
                    doc.id
                ));
            }
            let mut previous: Option<u32> = None;
            for s in &doc.sentences {
                let at = format!(
                    "targets state: document {:?} (ordinal {ordinal}), sentence {}",
                    doc.id, s.index
                );
                if previous.is_some_and(|p| s.index <= p) {
                    return Err(format!("{at}: sentences out of order"));
                }
                previous = Some(s.index);
                if s.span.start > s.span.end || s.span.end as u64 > bytes {
                    return Err(format!(
                        "{at}: span {}..{} outside the document's {bytes} bytes",
                        s.span.start, s.span.end
                    ));
                }
                if !(-1.0..=1.0).contains(&s.compound) {
                    return Err(format!("{at}: compound {} (expected [-1, 1])", s.compound));
                }
                if s.targets.is_empty() {
                    return Err(format!("{at}: no target mentioned"));
                }
                let mut last: Option<u32> = None;
                for t in &s.targets {
                    if t.target as usize >= targets || last.is_some_and(|l| t.target <= l) {
                        return Err(format!(
                            "{at}: target id {} (expected ascending ids below {targets})",
                            t.target
                        ));
                    }
                    last = Some(t.target);
                    if t.mentions.is_empty()
                        || t.mentions
                            .iter()
                            .any(|m| m.start > m.end || m.end as u64 > bytes)
                    {
                        return Err(format!(
                            "{at}: target id {} has no mention, or one outside the document",
                            t.target
                        ));
                    }
                }
            }
        }
        for ((target, group), c) in &self.candidates {
            for (list, positive) in [(&c.positive, true), (&c.negative, false)] {
                if list.len() > keep {
                    return Err(format!(
                        "targets state: {} examples on one side for target id {target} (at most {keep})",
                        list.len()
                    ));
                }
                for e in list {
                    let held = self
                        .docs
                        .get(&e.ordinal)
                        .filter(|d| &d.group == group)
                        .and_then(|d| {
                            d.sentences
                                .iter()
                                .find(|s| s.index == e.index)
                                .filter(|s| s.targets.iter().any(|t| t.target == *target))
                        });
                    let fits = held.is_some_and(|s| {
                        s.compound.to_bits() == e.compound.to_bits() && s.span.len() >= e.text.len()
                    });
                    if !fits || !qualifies(e.compound, positive) {
                        return Err(format!(
                            "targets state: the example of target id {target} from document {} sentence {} is not a {} sentence the state holds for it",
                            e.ordinal,
                            e.index,
                            if positive { "positive" } else { "negative" }
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

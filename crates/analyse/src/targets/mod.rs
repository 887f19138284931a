//! Sentiment per target: how each named target (a person, a party, an institution) is
//! portrayed — [`Targets`], its configuration and output.
//!
//! A target is a name and its [`Pattern`]s (words, `*`/`?` globs and phrases, normalised as the
//! documents' text is). Every sentence that mentions a target — at least one match of its
//! patterns among the sentence's tokens, each target matched on its own, longest match first,
//! left to right, without overlap ([`Matcher::each_grouped`]) — counts for that target with its
//! VADER scores: the very scores the sentiment analyser gives that sentence (the same sentence
//! spans and the same [`Vader`]: `[analyse.sentiment]`'s rules and lexicon when the pipeline
//! has it, VADER's defaults otherwise). A sentence that mentions two targets counts for both.
//!
//! For each target (and each group of documents, with `group_by`): its `mentions` (matches),
//! `sentences` (distinct sentences with a match), the mean compound of those sentences, the
//! shares of positive (compound ≥ 0.05), neutral and negative (≤ −0.05) ones, and its most
//! positive and most negative sentences with the mentions' spans, to quote them highlighted.
//!
//! With the sentiment analyser's `unit = "document"`, the unit is the document: a document that
//! mentions a target counts once, with the compound of its whole text (the line of
//! `sentences.jsonl`), and all its matches as mentions. A document without sentences (sentence
//! splitting off) is one sentence, its whole text.
//!
//! ```
//! use wordmill_analyse::{Analyser, Lowercase, TargetSource, TargetSpec, Targets, TargetsConfig};
//! use wordmill_model::{Document, Metadata, NormalisedDoc, Span, Token};
//!
//! let config = TargetsConfig::default().targets(vec![TargetSpec {
//!     name: "strikers".into(),
//!     source: TargetSource::Patterns(vec!["strik*".into(), "factory workers".into()]),
//! }]);
//! let targets = Targets::new(config, &Lowercase).unwrap();
//! let text = "The brave strikers won. The weather was grey.";
//! let doc = Document::new(0, "d0", text, Metadata::new());
//! // Tokens as a normaliser makes them: lower-cased words with their spans.
//! let mut tokens = Vec::new();
//! let mut at = 0;
//! for word in text.split(|c: char| !c.is_alphanumeric()) {
//!     if !word.is_empty() {
//!         let start = text[at..].find(word).unwrap() + at;
//!         tokens.push(Token {
//!             text: word.to_lowercase().into(),
//!             span: Span::new(start, start + word.len()),
//!             position: tokens.len() as u32,
//!         });
//!         at = start + word.len();
//!     }
//! }
//! let nd = NormalisedDoc { doc: &doc, sentences: vec![Span::new(0, 23), Span::new(24, 45)], tokens };
//! let mut partial = targets.partial();
//! targets.observe(&mut partial, &nd);
//! let out = targets.finish(partial);
//! let strikers = &out.targets[0].overall;
//! assert_eq!((strikers.mentions, strikers.sentences), (1, 1));
//! // The score sentences.jsonl has for "The brave strikers won.".
//! let vader = targets.vader();
//! assert_eq!(strikers.mean_compound, vader.polarity_scores("The brave strikers won.").compound);
//! assert_eq!(out.sentences[0].mentions, [Span::new(10, 18)]);
//! ```

mod partial;
#[cfg(test)]
mod tests;

use std::any::Any;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;
use serde::ser::SerializeMap;
use wordmill_model::{NormalisedDoc, Ordinal, Span};

pub use partial::TargetsPartial;
use partial::{Candidates, DocHits, SentenceHits, TargetHit};

use crate::pattern::DocMatch;
use crate::{
    Analyser, ConfigTable, DocShared, Lexicon, Matcher, POLARITY_THRESHOLD, Pattern, PatternError,
    PatternForms, Rules, Sentiment, SentimentConfig, SentimentError, Unit, Vader,
};

/// Where a target's patterns come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSource {
    /// Patterns written in the pipeline file (`name = ["pattern", …]`), as written.
    Patterns(Vec<String>),
    /// A category of the dictionary analyser (`name = { category = "…" }`).
    Category(String),
}

/// One target: its name and where its patterns come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetSpec {
    /// The name reports use.
    pub name: String,
    /// Its patterns.
    pub source: TargetSource,
}

/// Configuration of [`Targets`] (the `[analyse.targets]` table of a pipeline file).
///
/// Serialised as the pipeline file writes it: `group_by`, `examples` and one key per target
/// with its patterns (always an array) or `{ "category": … }`. The sentiment settings it follows
/// are `[analyse.sentiment]`'s and are not serialised: they count through that analyser.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TargetsConfig {
    /// The targets, in the order written (the order of the reports).
    pub targets: Vec<TargetSpec>,
    /// Metadata keys whose values form a document's group.
    pub group_by: Vec<String>,
    /// How many most positive and most negative sentences the reports show per target (and
    /// group).
    pub examples: usize,
    /// The sentiment settings followed: `[analyse.sentiment]`'s, or VADER's defaults.
    pub sentiment: SentimentConfig,
}

setters!(TargetsConfig { targets: Vec<TargetSpec>, group_by: Vec<String>, examples: usize, sentiment: SentimentConfig });

impl Default for TargetsConfig {
    /// No target, no groups, 3 examples, VADER's defaults.
    fn default() -> Self {
        TargetsConfig {
            targets: Vec::new(),
            group_by: Vec::new(),
            examples: DEFAULT_EXAMPLES,
            sentiment: SentimentConfig::default(),
        }
    }
}

/// The default of `examples`.
pub const DEFAULT_EXAMPLES: usize = 3;
/// The largest `examples`.
pub const MAX_EXAMPLES: usize = 100;

impl Serialize for TargetsConfig {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Category<'a> {
            category: &'a str,
        }
        let mut map = s.serialize_map(Some(2 + self.targets.len()))?;
        map.serialize_entry("group_by", &self.group_by)?;
        map.serialize_entry("examples", &self.examples)?;
        for t in &self.targets {
            match &t.source {
                TargetSource::Patterns(p) => map.serialize_entry(&t.name, p)?,
                TargetSource::Category(c) => {
                    map.serialize_entry(&t.name, &Category { category: c })?
                }
            }
        }
        map.end()
    }
}

/// Why a targets configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TargetsError {
    /// No target at all.
    #[error("no target: name at least one, as `name = [\"pattern\", …]`")]
    NoTargets,
    /// A name that is empty or only whitespace.
    #[error("a target name must not be empty")]
    EmptyName {
        /// The name.
        name: String,
    },
    /// A name with a character that metric paths use.
    #[error(
        "target name \"{name}\" has `{found}`, which `[[expect]]` metric paths use to separate their parts: choose another name"
    )]
    BadName {
        /// The name.
        name: String,
        /// The character.
        found: char,
    },
    /// The same name twice.
    #[error("target \"{name}\" is named twice")]
    Duplicate {
        /// The name.
        name: String,
    },
    /// An empty list of patterns.
    #[error("target \"{name}\" has no pattern: give at least one")]
    EmptyList {
        /// The name.
        name: String,
    },
    /// A pattern that cannot be used.
    #[error("target \"{name}\": {source}")]
    Pattern {
        /// The target.
        name: String,
        /// Item of its list.
        item: usize,
        /// What is wrong.
        source: PatternError,
    },
    /// A dictionary category, which needs the dictionary analyser.
    #[error("target \"{name}\": a dictionary category needs `[analyse.dictionary]`")]
    NeedsDictionary {
        /// The target.
        name: String,
    },
    /// A dictionary category the dictionary does not have (or that has no pattern).
    #[error("target \"{name}\": the dictionary has no category \"{category}\" (it has: {})", known.join(", "))]
    UnknownCategory {
        /// The target.
        name: String,
        /// The category asked for.
        category: String,
        /// The dictionary's categories.
        known: Vec<String>,
    },
    /// A sentiment lexicon that cannot be read.
    #[error(transparent)]
    Lexicon(#[from] SentimentError),
}

/// Sentiment per target.
#[derive(Debug, Clone)]
pub struct Targets {
    config: TargetsConfig,
    vader: Vader,
    unit: Unit,
    matcher: Matcher,
    /// The target (index in `config.targets`) of each pattern of the matcher.
    group_of_pattern: Vec<usize>,
    /// The id of each target (its rank among the names in code-point order).
    id_of: Vec<u32>,
    /// The target of each id.
    target_of: Vec<usize>,
}

impl Targets {
    /// An analyser from its configuration: parses the patterns with `forms` (the pipeline's
    /// normalisation) and loads the sentiment lexicon of `config.sentiment`.
    pub fn new(config: TargetsConfig, forms: &dyn PatternForms) -> Result<Self, TargetsError> {
        let lexicon = config.sentiment.load_lexicon()?;
        let vader = Vader::new(lexicon, config.sentiment.rules);
        Targets::with_vader(config, vader, forms).map_err(|mut e| e.remove(0))
    }

    /// An analyser scoring with `vader` (a sentiment analyser's, so that the scores are its
    /// scores; `config.sentiment.lexicon` is then not read). Returns every problem of the
    /// configuration, in order.
    pub fn with_vader(
        config: TargetsConfig,
        vader: Vader,
        forms: &dyn PatternForms,
    ) -> Result<Self, Vec<TargetsError>> {
        let mut errors = Vec::new();
        let resolved = resolve(&config, forms, &[], &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Targets::build(config, vader, resolved))
    }

    fn build(config: TargetsConfig, vader: Vader, resolved: Vec<Vec<Pattern>>) -> Self {
        let mut patterns = Vec::new();
        let mut group_of_pattern = Vec::new();
        for (t, list) in resolved.into_iter().enumerate() {
            group_of_pattern.extend(std::iter::repeat_n(t, list.len()));
            patterns.extend(list);
        }
        let mut target_of: Vec<usize> = (0..config.targets.len()).collect();
        target_of.sort_by(|&a, &b| config.targets[a].name.cmp(&config.targets[b].name));
        let mut id_of = vec![0u32; config.targets.len()];
        for (id, &t) in target_of.iter().enumerate() {
            id_of[t] = id as u32;
        }
        Targets {
            unit: config.sentiment.unit,
            matcher: Matcher::new(&patterns),
            group_of_pattern,
            id_of,
            target_of,
            vader,
            config,
        }
    }

    /// The configuration it was made with.
    pub fn config(&self) -> &TargetsConfig {
        &self.config
    }

    /// The scorer.
    pub fn vader(&self) -> &Vader {
        &self.vader
    }

    /// What a mention is counted in: each sentence, or each document.
    pub fn unit(&self) -> Unit {
        self.unit
    }

    /// The patterns of each target, in the order of [`TargetsConfig::targets`].
    pub fn patterns(&self) -> Vec<Vec<&Pattern>> {
        let mut out = vec![Vec::new(); self.config.targets.len()];
        for (p, &t) in self.matcher.patterns().iter().zip(&self.group_of_pattern) {
            out[t].push(p);
        }
        out
    }
}

/// Each target's patterns, parsed; problems are pushed onto `errors`.
fn resolve(
    config: &TargetsConfig,
    forms: &dyn PatternForms,
    configured: &[&dyn Any],
    errors: &mut Vec<TargetsError>,
) -> Vec<Vec<Pattern>> {
    if config.targets.is_empty() {
        errors.push(TargetsError::NoTargets);
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::with_capacity(config.targets.len());
    for t in &config.targets {
        if let Some(e) = name_error(&t.name, &seen) {
            errors.push(e);
        }
        seen.push(&t.name);
        let patterns = match &t.source {
            TargetSource::Patterns(list) if list.is_empty() => {
                errors.push(TargetsError::EmptyList {
                    name: t.name.clone(),
                });
                Vec::new()
            }
            TargetSource::Patterns(list) => list
                .iter()
                .enumerate()
                .filter_map(|(item, p)| {
                    Pattern::parse_with(p, forms)
                        .map_err(|source| {
                            errors.push(TargetsError::Pattern {
                                name: t.name.clone(),
                                item,
                                source,
                            })
                        })
                        .ok()
                })
                .collect(),
            TargetSource::Category(category) => {
                match resolve_category(&t.name, category, configured) {
                    Ok(p) => p,
                    Err(e) => {
                        errors.push(e);
                        Vec::new()
                    }
                }
            }
        };
        out.push(patterns);
    }
    out
}

/// What is wrong with target name `name`, given the names before it.
fn name_error(name: &str, seen: &[&str]) -> Option<TargetsError> {
    if name.trim().is_empty() {
        return Some(TargetsError::EmptyName {
            name: name.to_string(),
        });
    }
    if let Some(found) = name.chars().find(|c| matches!(c, '.' | '[' | ']' | '=')) {
        return Some(TargetsError::BadName {
            name: name.to_string(),
            found,
        });
    }
    seen.contains(&name).then(|| TargetsError::Duplicate {
        name: name.to_string(),
    })
}

/// The patterns of dictionary category `category`, for target `name`: `[analyse.dictionary]`
/// is registered before `[analyse.targets]`, so its configured analyser is among `configured`,
/// its patterns already normalised as the pipeline's.
fn resolve_category(
    name: &str,
    category: &str,
    configured: &[&dyn Any],
) -> Result<Vec<Pattern>, TargetsError> {
    let Some(dictionary) = configured
        .iter()
        .find_map(|a| a.downcast_ref::<crate::Dictionary>())
    else {
        return Err(TargetsError::NeedsDictionary {
            name: name.to_string(),
        });
    };
    let entries = dictionary.entries();
    match entries.category_patterns(category) {
        Some(p) if !p.is_empty() => Ok(p),
        _ => Err(TargetsError::UnknownCategory {
            name: name.to_string(),
            category: category.to_string(),
            known: entries.categories().to_vec(),
        }),
    }
}

/// One sentence of the output: a target mentioned in a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetSentence {
    /// Index of the target in [`TargetsConfig::targets`].
    pub target: usize,
    /// Ordinal of the document.
    pub ordinal: Ordinal,
    /// Id of the document (shared by the rows of one document).
    pub doc_id: Arc<str>,
    /// Index of the sentence in its document (0 with `unit = "document"`).
    pub index: usize,
    /// Byte span of the sentence in the document text.
    pub span: Span,
    /// Its VADER compound score.
    pub compound: f64,
    /// Byte spans of the target's matches in the document text, in text order.
    pub mentions: Vec<Span>,
}

/// A sentence quoted as one of a target's most positive or most negative.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetExample {
    /// Ordinal of the document.
    pub ordinal: Ordinal,
    /// Id of the document.
    pub doc_id: String,
    /// Index of the sentence in its document.
    pub index: usize,
    /// Byte span of the sentence in the document text.
    pub span: Span,
    /// Its VADER compound score.
    pub compound: f64,
    /// The sentence as written.
    pub text: String,
    /// Byte spans of the target's matches in the document text.
    pub mentions: Vec<Span>,
}

/// A target's figures over some documents.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetStats {
    /// Matches of its patterns.
    pub mentions: u64,
    /// Sentences (units) with at least one match.
    pub sentences: u64,
    /// Documents with at least one match.
    pub documents: u64,
    /// Mean compound of those sentences (0 without any).
    pub mean_compound: f64,
    /// Share of them with compound ≥ 0.05.
    pub pos_share: f64,
    /// Share of them with −0.05 < compound < 0.05.
    pub neu_share: f64,
    /// Share of them with compound ≤ −0.05.
    pub neg_share: f64,
    /// The most positive of them (compound ≥ 0.05), best first, at most `examples`.
    pub most_positive: Vec<TargetExample>,
    /// The most negative of them (compound ≤ −0.05), worst first, at most `examples`.
    pub most_negative: Vec<TargetExample>,
}

/// A target's figures in one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetGroup {
    /// The values of the `group_by` keys.
    pub key: Vec<String>,
    /// The figures.
    pub stats: TargetStats,
}

/// One target's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetSummary {
    /// Its name.
    pub name: String,
    /// Its patterns as written (empty for a dictionary category).
    pub patterns: Vec<String>,
    /// Over the whole corpus.
    pub overall: TargetStats,
    /// Per group in which it is mentioned, sorted by the values (empty without `group_by`).
    pub groups: Vec<TargetGroup>,
}

/// The finished targets analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetsOutput {
    /// The `group_by` keys.
    pub group_by: Vec<String>,
    /// Documents analysed.
    pub documents: u64,
    /// One per target, in the order written.
    pub targets: Vec<TargetSummary>,
    /// Every (target, sentence) with a mention: documents in ordinal order, sentences in text
    /// order, targets in the order written.
    pub sentences: Vec<TargetSentence>,
}

impl TargetsOutput {
    /// Gives the documents the ids `renamed` holds for their ordinals (repeated ids made
    /// unique).
    pub fn rename_documents(&mut self, renamed: &BTreeMap<Ordinal, String>) {
        if renamed.is_empty() {
            return;
        }
        let rename = |ordinal: &Ordinal, id: &mut String| {
            if let Some(new) = renamed.get(ordinal) {
                id.clone_from(new);
            }
        };
        // A document's rows share one id, renamed once.
        let mut last: Option<(Ordinal, Arc<str>)> = None;
        for s in &mut self.sentences {
            let Some(new) = renamed.get(&s.ordinal) else {
                continue;
            };
            match &last {
                Some((ordinal, id)) if *ordinal == s.ordinal => s.doc_id = Arc::clone(id),
                _ => {
                    s.doc_id = Arc::from(new.as_str());
                    last = Some((s.ordinal, Arc::clone(&s.doc_id)));
                }
            }
        }
        for t in &mut self.targets {
            for stats in
                std::iter::once(&mut t.overall).chain(t.groups.iter_mut().map(|g| &mut g.stats))
            {
                for e in stats
                    .most_positive
                    .iter_mut()
                    .chain(&mut stats.most_negative)
                {
                    rename(&e.ordinal, &mut e.doc_id);
                }
            }
        }
    }
}

/// Running sums, fed in ordinal and sentence order.
#[derive(Debug, Default)]
struct Acc {
    mentions: u64,
    sentences: u64,
    documents: u64,
    last_doc: Option<Ordinal>,
    sum: f64,
    positive: u64,
    negative: u64,
}

impl Acc {
    fn add(&mut self, ordinal: Ordinal, compound: f64, mentions: usize) {
        self.mentions += mentions as u64;
        self.sentences += 1;
        if self.last_doc != Some(ordinal) {
            self.documents += 1;
            self.last_doc = Some(ordinal);
        }
        self.sum += compound;
        self.positive += u64::from(compound >= POLARITY_THRESHOLD);
        self.negative += u64::from(compound <= -POLARITY_THRESHOLD);
    }

    fn stats(&self) -> TargetStats {
        let share = |k: u64| {
            if self.sentences == 0 {
                0.0
            } else {
                k as f64 / self.sentences as f64
            }
        };
        TargetStats {
            mentions: self.mentions,
            sentences: self.sentences,
            documents: self.documents,
            mean_compound: if self.sentences == 0 {
                0.0
            } else {
                self.sum / self.sentences as f64
            },
            pos_share: share(self.positive),
            neu_share: share(self.sentences - self.positive - self.negative),
            neg_share: share(self.negative),
            most_positive: Vec::new(),
            most_negative: Vec::new(),
        }
    }
}

impl Analyser for Targets {
    type Partial = TargetsPartial;
    type Output = TargetsOutput;

    fn partial(&self) -> TargetsPartial {
        TargetsPartial {
            keep: self.config.examples,
            ..TargetsPartial::default()
        }
    }

    fn observe(&self, partial: &mut TargetsPartial, doc: &NormalisedDoc<'_>) {
        self.observe_into(partial, doc, None);
    }

    /// Reads the sentence scores the sentiment analyser left in `shared`, when it scored with
    /// the same [`Vader`], instead of scoring those sentences again.
    fn observe_shared(
        &self,
        partial: &mut TargetsPartial,
        doc: &NormalisedDoc<'_>,
        shared: &mut DocShared,
    ) {
        shared.want_token_ids();
        self.observe_into(partial, doc, Some(shared));
    }
    fn finish(&self, partial: TargetsPartial) -> TargetsOutput {
        let n = self.config.targets.len();
        let mut overall: Vec<Acc> = (0..n).map(|_| Acc::default()).collect();
        let mut groups: Vec<BTreeMap<&[String], Acc>> = (0..n).map(|_| BTreeMap::new()).collect();
        let mut rows = 0;
        for (&ordinal, doc) in &partial.docs {
            for s in &doc.sentences {
                for hit in &s.targets {
                    let Some(&t) = self.target_of.get(hit.target as usize) else {
                        continue;
                    };
                    rows += 1;
                    overall[t].add(ordinal, s.compound, hit.mentions.len());
                    if !self.config.group_by.is_empty() {
                        groups[t].entry(doc.group.as_slice()).or_default().add(
                            ordinal,
                            s.compound,
                            hit.mentions.len(),
                        );
                    }
                }
            }
        }
        let example = |c: &partial::Candidate, target: u32| {
            let doc = partial.docs.get(&c.ordinal);
            let sentence = doc.and_then(|d| {
                d.sentences
                    .binary_search_by_key(&c.index, |s| s.index)
                    .ok()
                    .map(|i| &d.sentences[i])
            });
            TargetExample {
                ordinal: c.ordinal,
                doc_id: doc.map(|d| d.id.to_string()).unwrap_or_default(),
                index: c.index as usize,
                span: sentence.map(|s| s.span).unwrap_or_default(),
                compound: c.compound,
                text: c.text.clone(),
                mentions: sentence
                    .and_then(|s| s.targets.iter().find(|h| h.target == target))
                    .map(|h| h.mentions.clone())
                    .unwrap_or_default(),
            }
        };
        let keep = self.config.examples;
        let targets = self
            .config
            .targets
            .iter()
            .enumerate()
            .map(|(t, spec)| {
                let id = self.id_of[t];
                let with_examples = |mut stats: TargetStats, lists: Candidates| {
                    stats.most_positive = lists.positive.iter().map(|c| example(c, id)).collect();
                    stats.most_negative = lists.negative.iter().map(|c| example(c, id)).collect();
                    stats
                };
                let mut all = Candidates::default();
                let mut group_stats = Vec::new();
                for ((target, _), c) in partial.candidates.range((id, Vec::new())..) {
                    if *target != id {
                        break;
                    }
                    all.positive.extend(c.positive.iter().cloned());
                    all.negative.extend(c.negative.iter().cloned());
                }
                partial::rank(&mut all.positive, true, keep);
                partial::rank(&mut all.negative, false, keep);
                for (key, acc) in &groups[t] {
                    let lists = partial
                        .candidates
                        .get(&(id, key.to_vec()))
                        .cloned()
                        .unwrap_or_default();
                    group_stats.push(TargetGroup {
                        key: key.to_vec(),
                        stats: with_examples(acc.stats(), lists),
                    });
                }
                TargetSummary {
                    name: spec.name.clone(),
                    patterns: match &spec.source {
                        TargetSource::Patterns(p) => p.clone(),
                        TargetSource::Category(_) => Vec::new(),
                    },
                    overall: with_examples(overall[t].stats(), all),
                    groups: group_stats,
                }
            })
            .collect();
        drop(groups);
        // The rows last, taking the documents' mentions instead of copying them.
        let mut sentences = Vec::with_capacity(rows);
        let mut per_sentence: Vec<TargetSentence> = Vec::new();
        for (ordinal, doc) in partial.docs {
            for s in doc.sentences {
                per_sentence.clear();
                for hit in s.targets {
                    let Some(&t) = self.target_of.get(hit.target as usize) else {
                        continue;
                    };
                    per_sentence.push(TargetSentence {
                        target: t,
                        ordinal,
                        doc_id: Arc::clone(&doc.id),
                        index: s.index as usize,
                        span: s.span,
                        compound: s.compound,
                        mentions: hit.mentions,
                    });
                }
                // Targets in the order written.
                per_sentence.sort_by_key(|r| r.target);
                sentences.append(&mut per_sentence);
            }
        }
        TargetsOutput {
            group_by: self.config.group_by.clone(),
            documents: partial.documents,
            targets,
            sentences,
        }
    }
}

impl Targets {
    /// [`Analyser::observe`], reading a unit's compound score from `shared` when it holds one
    /// from the same scorer.
    fn observe_into(
        &self,
        partial: &mut TargetsPartial,
        doc: &NormalisedDoc<'_>,
        shared: Option<&DocShared>,
    ) {
        let d = doc.doc;
        partial.documents += 1;
        if self.matcher.is_empty() || doc.tokens.is_empty() {
            return;
        }
        let whole = Span::new(0, d.text.len());
        let by_unit = self.unit == Unit::Document || doc.sentences.is_empty();
        let mut hits = std::mem::take(&mut partial.hits);
        let mut mentions = std::mem::take(&mut partial.mentions);
        hits.clear();
        mentions.clear();
        let ids = shared.and_then(|s| partial.cache.token_ids(s, doc.tokens.len()));
        self.matcher.each_grouped_doc(
            &doc.tokens,
            &doc.sentences,
            ids,
            &self.group_of_pattern,
            &mut partial.cache,
            &mut hits,
        );
        // Per unit: (index, span, where its mentions begin in `mentions`).
        let mut units: Vec<(u32, Span, usize)> = Vec::new();
        for &DocMatch { m, sentence } in &hits {
            let (index, span) = if by_unit {
                (0, whole)
            } else {
                let Some(&span) = doc.sentences.get(sentence) else {
                    continue;
                };
                (sentence as u32, span)
            };
            let (Some(first), Some(last)) =
                (doc.tokens.get(m.start), doc.tokens.get(m.start + m.len - 1))
            else {
                continue;
            };
            if units.last().is_none_or(|u| u.0 != index) {
                units.push((index, span, mentions.len()));
            }
            let target = self.id_of[self.group_of_pattern[m.pattern]];
            mentions.push((target, Span::new(first.span.start, last.span.end)));
        }
        partial.hits = hits;
        if units.is_empty() {
            partial.mentions = mentions;
            return;
        }
        let group: Vec<String> = self
            .config
            .group_by
            .iter()
            .map(|k| d.meta.get(k).unwrap_or_default().to_string())
            .collect();
        let mut sentences = Vec::with_capacity(units.len());
        for (u, &(index, span, from)) in units.iter().enumerate() {
            let to = units.get(u + 1).map_or(mentions.len(), |next| next.2);
            let Some(unit) = mentions.get_mut(from..to) else {
                continue;
            };
            // By target, then in text order.
            unit.sort_unstable();
            let text = d.text.get(span.start..span.end).unwrap_or_default();
            let compound = shared
                .and_then(|s| s.compound(&self.vader, index as usize, span))
                .unwrap_or_else(|| self.vader.polarity_scores(text).compound);
            let mut targets = Vec::new();
            for run in unit.chunk_by(|a, b| a.0 == b.0) {
                let Some(&(target, _)) = run.first() else {
                    continue;
                };
                partial
                    .candidates
                    .entry((target, group.clone()))
                    .or_default()
                    .offer(d.ordinal, index, compound, text, self.config.examples);
                targets.push(TargetHit {
                    target,
                    mentions: run.iter().map(|&(_, s)| s).collect(),
                });
            }
            sentences.push(SentenceHits {
                index,
                span,
                compound,
                targets,
            });
        }
        partial.mentions = mentions;
        partial.docs.insert(
            d.ordinal,
            DocHits {
                id: Arc::from(d.id.as_str()),
                group,
                sentences,
            },
        );
    }
}

impl crate::Configure for Targets {
    const KEY: &'static str = "targets";
    /// The options, and [`OTHER_KEYS`](crate::OTHER_KEYS): every other key names a target.
    /// The table of a target written as `{ category = "…" }` has the key `category`.
    const SCHEMA: &'static [(&'static str, &'static [&'static str])] = &[
        ("", &["group_by", "examples", crate::OTHER_KEYS]),
        (crate::OTHER_KEYS, &["category"]),
    ];

    fn configure(t: &mut dyn ConfigTable, configured: &[&dyn Any]) -> Option<Self> {
        let sentiment = configured
            .iter()
            .find_map(|a| a.downcast_ref::<Sentiment>());
        let group_by = t.strings("group_by").unwrap_or_default();
        let examples = t
            .integer("examples", 0, MAX_EXAMPLES as i64)
            .map_or(DEFAULT_EXAMPLES, |n| n as usize);
        let mut targets = Vec::new();
        // Names whose value is wrong (already reported): no more errors about them.
        let mut failed = Vec::new();
        for name in t.names() {
            let source = if t.is_table(&name) {
                let category = t.table(&name).and_then(|mut sub| {
                    let c = sub.string("category");
                    if c.is_none() && !sub.has("category") {
                        sub.error(
                            None,
                            format!(
                                "`analyse.targets.{name}`: a target written as a table needs `category`"
                            ),
                        );
                    }
                    c
                });
                category.map(TargetSource::Category)
            } else {
                t.strings(&name).map(TargetSource::Patterns)
            };
            match source {
                Some(source) => targets.push(TargetSpec { name, source }),
                None => failed.push(name),
            }
        }
        let config = TargetsConfig {
            targets,
            group_by,
            examples,
            sentiment: sentiment.map(|s| s.config().clone()).unwrap_or_default(),
        };
        let mut errors = Vec::new();
        let resolved = resolve(&config, t.forms(), configured, &mut errors);
        for e in errors {
            let at = |name: &str| format!("`analyse.targets.{name}`");
            match &e {
                TargetsError::NoTargets if !failed.is_empty() => {}
                TargetsError::NoTargets => t.error(None, format!("`[analyse.targets]` names {e}")),
                TargetsError::Lexicon(_) => t.error(None, format!("`[analyse.targets]`: {e}")),
                TargetsError::EmptyName { name }
                | TargetsError::BadName { name, .. }
                | TargetsError::Duplicate { name } => {
                    t.error(Some(name), format!("`[analyse.targets]`: {e}"))
                }
                TargetsError::EmptyList { name } => {
                    t.error(Some(name), format!("{}: {e}", at(name)))
                }
                TargetsError::UnknownCategory { name, .. } => {
                    t.error(Some(name), format!("`analyse.targets.{name}`: {e}"))
                }
                TargetsError::NeedsDictionary { name } => t.error(
                    Some(name),
                    format!(
                        "{}: a dictionary category needs `[analyse.dictionary]`",
                        at(name)
                    ),
                ),
                TargetsError::Pattern { name, item, source } => {
                    t.error_item(name, *item, format!("{}: {source}", at(name)))
                }
            }
        }
        let vader = match sentiment {
            Some(s) => s.vader().clone(),
            None => Vader::new(Lexicon::vader(), Rules::default()),
        };
        Some(Targets::build(config, vader, resolved))
    }

    type Config = TargetsConfig;

    fn config(&self) -> &TargetsConfig {
        &self.config
    }

    fn validate(
        &self,
        partial: &TargetsPartial,
        documents: &[crate::DocumentStats],
    ) -> Result<(), crate::InvalidState> {
        if partial.documents != documents.len() as u64 {
            return Err(crate::InvalidState(format!(
                "targets state: it observed {} documents, the state lists {}",
                partial.documents,
                documents.len()
            )));
        }
        let sizes: BTreeMap<Ordinal, (u64, &str)> = documents
            .iter()
            .map(|d| (d.ordinal, (d.bytes, d.id.as_str())))
            .collect();
        partial
            .check(self.config.targets.len(), self.config.examples, &sizes)
            .map_err(crate::InvalidState)
    }
}

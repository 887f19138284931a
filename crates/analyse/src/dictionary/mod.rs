//! Dictionary counts: how often each document uses the words, globs and phrases of each
//! category of a dictionary — [`Dictionary`], the files it reads ([`DictionaryEntries`]) and
//! its output.
//!
//! # Files
//!
//! - YAML (`.yaml`, `.yml`) or JSON (`.json`): a mapping of category → list of patterns.
//!   Categories nest as in quanteda's dictionary files: a value may be another mapping, whose
//!   categories are named `parent.child`.
//! - LIWC-style `.dic`: a header of `id name` lines between two `%` lines, then one word per
//!   line followed by the ids of its categories (a word may be in several). The word ends at
//!   the first tab (so it may hold spaces: a phrase), or at the first space when the line has
//!   no tab.
//!
//! Patterns are words, `*`/`?` globs and phrases ([`Pattern`]), normalised as the pipeline
//! normalises text. Every problem of a file is reported with its `file:line:col` and what was
//! expected there ([`DictionaryError`]).
//!
//! See [`Dictionary`] for the matching rule and an example.

mod file;
mod partial;

use std::path::Path;

use serde::{Serialize, Serializer};
use sha2::{Digest, Sha256};
use wordmill_model::{NormalisedDoc, Ordinal};

pub use file::{DictionaryError, DictionaryFormat};
use partial::Scratch;
pub use partial::{DictionaryPartial, DocumentMatches};

use crate::pattern::Found;
use crate::{Analyser, Matcher, Pattern, PatternForms, PatternMatch};

/// A dictionary file as the configuration records it: its path as written and the SHA-256 of
/// its bytes, so that the analysis fingerprint changes when the file does. Serialised as
/// `"path (sha256 0123456789abcdef)"` (the digest's first 16 hex digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DictionaryFile {
    /// The path, as the pipeline file writes it.
    pub path: String,
    /// The SHA-256 of the file's bytes, in hex.
    pub sha256: String,
}

impl Serialize for DictionaryFile {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!(
            "{} (sha256 {})",
            self.path,
            self.sha256.get(..16).unwrap_or(&self.sha256)
        ))
    }
}

/// The categories and patterns of one or more dictionary files.
#[derive(Debug, Clone, Default)]
pub struct DictionaryEntries {
    files: Vec<DictionaryFile>,
    categories: Vec<String>,
    /// Where each category was defined (`file:line:col`), for the message about a repeat.
    defined_at: Vec<String>,
    patterns: Vec<Pattern>,
    category_of: Vec<u32>,
}

impl DictionaryEntries {
    /// Reads the dictionary file at `path` (its format by its extension) and adds its
    /// categories, normalising its patterns with `forms`. On error, nothing is added.
    pub fn add_file(
        &mut self,
        path: &str,
        forms: &dyn PatternForms,
    ) -> Result<(), Vec<DictionaryError>> {
        let format = DictionaryFormat::of_path(Path::new(path)).map_err(|e| vec![e])?;
        let bytes = std::fs::read(path).map_err(|e| {
            vec![DictionaryError::Read {
                file: path.to_string(),
                reason: e.to_string(),
            }]
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            vec![DictionaryError::Read {
                file: path.to_string(),
                reason: format!("not UTF-8 ({e})"),
            }]
        })?;
        self.add_text(path, &text, format, forms)
    }

    /// Adds the categories of `text`, a dictionary in `format` (`file` names it in messages
    /// and in the configuration). On error, nothing is added.
    pub fn add_text(
        &mut self,
        file: &str,
        text: &str,
        format: DictionaryFormat,
        forms: &dyn PatternForms,
    ) -> Result<(), Vec<DictionaryError>> {
        let mut problems = file::Problems::new(file);
        let raw = file::parse_raw(text, format, &mut problems);
        let patterns = file::parse_patterns(&raw, forms, &mut problems);
        if raw.categories.is_empty() && problems.errors.is_empty() {
            problems.at(
                file::Pos { line: 1, col: 1 },
                "expected at least one category",
            );
        }
        // Names are unique, across files too.
        let mut ids = Vec::with_capacity(raw.categories.len());
        for (i, c) in raw.categories.iter().enumerate() {
            let before = self
                .categories
                .iter()
                .position(|n| *n == c.name)
                .map(|j| self.defined_at[j].clone())
                .or_else(|| {
                    raw.categories[..i]
                        .iter()
                        .find(|d| d.name == c.name)
                        .map(|d| format!("{file}:{}:{}", d.at.line, d.at.col))
                });
            if let Some(before) = before {
                problems.at(
                    c.at,
                    format!(
                        "category `{}` is defined twice: expected each category once (first at {before})",
                        c.name
                    ),
                );
            }
            ids.push((self.categories.len() + i) as u32);
        }
        if !problems.errors.is_empty() {
            return Err(problems.into_errors());
        }
        for c in &raw.categories {
            self.defined_at
                .push(format!("{file}:{}:{}", c.at.line, c.at.col));
            self.categories.push(c.name.clone());
        }
        for (pattern, category) in patterns {
            self.patterns.push(pattern);
            self.category_of.push(ids[category as usize]);
        }
        self.files.push(DictionaryFile {
            path: file.to_string(),
            sha256: hex(&Sha256::digest(text.as_bytes())),
        });
        Ok(())
    }

    /// The category names, in the order the files define them.
    pub fn categories(&self) -> &[String] {
        &self.categories
    }

    /// The patterns of category `name` (in file order), `None` when there is no such category.
    pub fn category_patterns(&self, name: &str) -> Option<Vec<Pattern>> {
        let c = self.categories.iter().position(|x| x == name)? as u32;
        Some(
            self.patterns
                .iter()
                .zip(&self.category_of)
                .filter(|(_, of)| **of == c)
                .map(|(p, _)| p.clone())
                .collect(),
        )
    }

    /// Every pattern, in file order.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// The category (index into [`categories`](Self::categories)) of each pattern. A word in
    /// several categories is one pattern per category.
    pub fn category_of(&self) -> &[u32] {
        &self.category_of
    }

    /// The files read, in order.
    pub fn files(&self) -> &[DictionaryFile] {
        &self.files
    }

    /// Number of patterns of each category.
    pub fn patterns_per_category(&self) -> Vec<u64> {
        let mut n = vec![0u64; self.categories.len()];
        for &c in &self.category_of {
            if let Some(x) = n.get_mut(c as usize) {
                *x += 1;
            }
        }
        n
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Configuration of [`Dictionary`] (the `[analyse.dictionary]` table of a pipeline file),
/// serialised with the pipeline file's keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DictionaryConfig {
    /// The dictionary files (key `files`), each with the digest of its bytes.
    pub files: Vec<DictionaryFile>,
    /// Metadata keys whose values form a document's group (key `group_by`).
    pub group_by: Vec<String>,
}

setters!(DictionaryConfig { files: Vec<DictionaryFile>, group_by: Vec<String> });

/// One category over the whole corpus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryTotals {
    /// Its name (`parent.child` when nested).
    pub name: String,
    /// Its patterns.
    pub patterns: u64,
    /// Its matches in every document.
    pub count: u64,
    /// Documents with at least one match.
    pub documents: u64,
}

/// One document's counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentCounts {
    /// Its ordinal.
    pub ordinal: Ordinal,
    /// Its id.
    pub id: String,
    /// Its values of the `group_by` keys.
    pub group: Vec<String>,
    /// Its tokens after normalisation.
    pub tokens: u64,
    /// Matches of each category, in category order.
    pub counts: Vec<u64>,
}

/// One group's counts (documents with the same values of the `group_by` keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupCounts {
    /// The values of the `group_by` keys (empty for a key a document does not have).
    pub values: Vec<String>,
    /// Its documents.
    pub documents: u64,
    /// Their tokens.
    pub tokens: u64,
    /// Matches of each category, in category order.
    pub counts: Vec<u64>,
}

/// The finished dictionary analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DictionaryOutput {
    /// Every category, in dictionary order, with its corpus totals.
    pub categories: Vec<CategoryTotals>,
    /// The `group_by` keys.
    pub group_by: Vec<String>,
    /// Every document, in ordinal order.
    pub documents: Vec<DocumentCounts>,
    /// Every group, by its values in code-point order; empty without `group_by`.
    pub groups: Vec<GroupCounts>,
    /// Tokens of every document.
    pub tokens: u64,
}

/// `count / tokens`, 0 when there are no tokens.
pub fn share(count: u64, tokens: u64) -> f64 {
    if tokens == 0 {
        0.0
    } else {
        count as f64 / tokens as f64
    }
}

/// The dictionary analyser: for each document and category, the matches of the category's
/// patterns by the rule below, with the document's tokens, so that `count / tokens` is the
/// category's share; and the same per group of documents.
///
/// # The matching rule
///
/// Within each sentence, left to right, the longest match is taken at each token and the tokens
/// it covers are not matched again ([`Matcher::longest`]): a token inside a matched phrase is
/// not counted again as a single word. When several patterns match the same longest span, each
/// distinct category among them counts once. With `labour: [strike*, general strike]` and
/// `protest: [general strike, protest*]`, the text "the general strike" counts one `labour`
/// and one `protest` (the phrase, in both categories); `strike` alone is not counted again.
///
/// # Example
///
/// ```
/// use wordmill_analyse::{Analyser, Dictionary, DictionaryEntries, DictionaryFormat, Lowercase};
/// use wordmill_model::{Document, Metadata, NormalisedDoc, Span, Token, TokenText};
///
/// let yaml = "labour: [strike*, worker*, general strike]\nprotest: [general strike, protest*]\n";
/// let mut entries = DictionaryEntries::default();
/// entries.add_text("demo.yml", yaml, DictionaryFormat::Yaml, &Lowercase).unwrap();
/// let dictionary = Dictionary::new(entries, Vec::new());
///
/// let doc = Document::new(0, "a", "workers join the general strike", Metadata::new());
/// let mut tokens = Vec::new();
/// let mut start = 0;
/// for (position, word) in doc.text.split(' ').enumerate() {
///     let span = Span::new(start, start + word.len());
///     tokens.push(Token { text: TokenText::borrowed(word), span, position: position as u32 });
///     start = span.end + 1;
/// }
/// let nd = NormalisedDoc { doc: &doc, sentences: vec![Span::new(0, doc.text.len())], tokens };
/// let mut partial = dictionary.partial();
/// dictionary.observe(&mut partial, &nd);
/// let out = dictionary.finish(partial);
/// // labour: "workers" and the phrase; protest: the phrase. "strike" is not counted again.
/// assert_eq!(out.documents[0].counts, [2, 1]);
/// assert_eq!(out.documents[0].tokens, 5);
/// ```
#[derive(Debug, Clone)]
pub struct Dictionary {
    config: DictionaryConfig,
    entries: DictionaryEntries,
    matcher: Matcher,
}

impl Dictionary {
    /// An analyser counting `entries`' categories, grouping by the `group_by` keys.
    pub fn new(entries: DictionaryEntries, group_by: Vec<String>) -> Self {
        Dictionary {
            config: DictionaryConfig {
                files: entries.files.clone(),
                group_by,
            },
            matcher: Matcher::new(&entries.patterns),
            entries,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &DictionaryConfig {
        &self.config
    }

    /// The categories and patterns.
    pub fn entries(&self) -> &DictionaryEntries {
        &self.entries
    }
}

impl Dictionary {
    /// [`Analyser::observe`], with each token's id in the term table `partial`'s cache reads
    /// ids of, when known.
    fn observe_with(
        &self,
        partial: &mut DictionaryPartial,
        doc: &NormalisedDoc<'_>,
        ids: Option<&[u32]>,
    ) {
        let scratch = &mut partial.scratch;
        let categories = self.entries.categories.len();
        if scratch.dense.len() < categories {
            scratch.dense.resize(categories, 0);
        }
        let mut counting = Counting {
            scratch,
            category_of: &self.entries.category_of,
            at: usize::MAX,
        };
        self.matcher.longest_doc(
            &doc.tokens,
            &doc.sentences,
            ids,
            &mut partial.cache,
            &mut counting,
        );
        let scratch = counting.scratch;
        let counts = scratch.take();
        let d = doc.doc;
        partial.insert(
            d.ordinal,
            DocumentMatches {
                id: d.id.clone(),
                group: self
                    .config
                    .group_by
                    .iter()
                    .map(|k| d.meta.get(k).unwrap_or_default().to_string())
                    .collect(),
                tokens: doc.tokens.len() as u64,
                counts,
            },
        );
    }
}

/// The matches of a document counted as the scan finds them: each category once per match,
/// however many of its patterns matched there (the matches at one word come together).
struct Counting<'a> {
    scratch: &'a mut Scratch,
    category_of: &'a [u32],
    /// The word the categories in `scratch.here` were counted at.
    at: usize,
}

impl Found for Counting<'_> {
    #[inline]
    fn found(&mut self, m: PatternMatch, _sentence: usize) {
        if m.start != self.at {
            self.scratch.here.clear();
            self.at = m.start;
        }
        let Some(&c) = self.category_of.get(m.pattern) else {
            return;
        };
        if !self.scratch.here.contains(&c) {
            self.scratch.here.push(c);
            self.scratch.bump(c);
        }
    }
}

impl Analyser for Dictionary {
    type Partial = DictionaryPartial;
    type Output = DictionaryOutput;

    fn partial(&self) -> DictionaryPartial {
        DictionaryPartial::default()
    }

    fn observe(&self, partial: &mut DictionaryPartial, doc: &NormalisedDoc<'_>) {
        self.observe_with(partial, doc, None);
    }

    /// As `observe`, reading each token's id in the terms analyser's table from `shared`
    /// when it is there (and asking for it from the next document on).
    fn observe_shared(
        &self,
        partial: &mut DictionaryPartial,
        doc: &NormalisedDoc<'_>,
        shared: &mut crate::DocShared,
    ) {
        shared.want_token_ids();
        let ids = partial.cache.token_ids(shared, doc.tokens.len());
        self.observe_with(partial, doc, ids);
    }

    fn finish(&self, partial: DictionaryPartial) -> DictionaryOutput {
        let n = self.entries.categories.len();
        let mut totals = vec![0u64; n];
        let mut with = vec![0u64; n];
        let mut tokens = 0u64;
        let mut groups: std::collections::BTreeMap<Vec<String>, GroupCounts> =
            std::collections::BTreeMap::new();
        let mut documents = Vec::with_capacity(partial.len());
        for (ordinal, d) in partial.into_documents() {
            let mut counts = vec![0u64; n];
            for &(c, k) in &d.counts {
                if let Some(x) = counts.get_mut(c as usize) {
                    *x = x.saturating_add(k);
                }
            }
            for (i, &k) in counts.iter().enumerate() {
                totals[i] = totals[i].saturating_add(k);
                with[i] += u64::from(k > 0);
            }
            tokens = tokens.saturating_add(d.tokens);
            if !self.config.group_by.is_empty() {
                let g = groups
                    .entry(d.group.clone())
                    .or_insert_with(|| GroupCounts {
                        values: d.group.clone(),
                        documents: 0,
                        tokens: 0,
                        counts: vec![0; n],
                    });
                g.documents += 1;
                g.tokens = g.tokens.saturating_add(d.tokens);
                for (x, &k) in g.counts.iter_mut().zip(&counts) {
                    *x = x.saturating_add(k);
                }
            }
            documents.push(DocumentCounts {
                ordinal,
                id: d.id,
                group: d.group,
                tokens: d.tokens,
                counts,
            });
        }
        let patterns = self.entries.patterns_per_category();
        DictionaryOutput {
            categories: self
                .entries
                .categories
                .iter()
                .enumerate()
                .map(|(i, name)| CategoryTotals {
                    name: name.clone(),
                    patterns: patterns[i],
                    count: totals[i],
                    documents: with[i],
                })
                .collect(),
            group_by: self.config.group_by.clone(),
            documents,
            groups: groups.into_values().collect(),
            tokens,
        }
    }
}

impl crate::Configure for Dictionary {
    const KEY: &'static str = "dictionary";
    const SCHEMA: &'static [(&'static str, &'static [&'static str])] =
        &[("", &["files", "group_by"])];

    fn configure(
        t: &mut dyn crate::ConfigTable,
        _configured: &[&dyn std::any::Any],
    ) -> Option<Self> {
        let files = t.strings("files");
        let mut entries = DictionaryEntries::default();
        match files {
            None if !t.has("files") => t.error(
                None,
                "`[analyse.dictionary]` needs `files`: the dictionary files (.yaml, .yml, .json or .dic)"
                    .to_string(),
            ),
            None => {}
            Some(list) if list.is_empty() => t.error(
                Some("files"),
                "`analyse.dictionary.files` is empty: expected at least one dictionary file"
                    .to_string(),
            ),
            Some(list) => {
                for (i, path) in list.iter().enumerate() {
                    if let Err(errors) = entries.add_file(path, t.forms()) {
                        for e in errors {
                            t.error_item("files", i, format!("`analyse.dictionary.files`: {e}"));
                        }
                    }
                }
            }
        }
        let group_by = t.strings("group_by").unwrap_or_default();
        Some(Dictionary::new(entries, group_by))
    }

    type Config = DictionaryConfig;

    fn config(&self) -> &DictionaryConfig {
        &self.config
    }

    fn validate(
        &self,
        partial: &DictionaryPartial,
        documents: &[crate::DocumentStats],
    ) -> Result<(), crate::InvalidState> {
        let n = self.entries.categories.len();
        if partial.len() != documents.len() {
            return Err(crate::InvalidState(format!(
                "the dictionary counts are of {} documents, the state lists {}",
                partial.len(),
                documents.len()
            )));
        }
        let mut listed: Vec<&crate::DocumentStats> = documents.iter().collect();
        listed.sort_by_key(|d| d.ordinal);
        for ((ordinal, d), s) in partial.documents().zip(listed) {
            if ordinal != s.ordinal || d.id != s.id {
                return Err(crate::InvalidState(format!(
                    "the dictionary counts have document {ordinal} ({:?}) where the state lists document {} ({:?})",
                    d.id, s.ordinal, s.id
                )));
            }
            if d.tokens != s.tokens {
                return Err(crate::InvalidState(format!(
                    "the dictionary counts of document {:?} are of {} tokens, the document has {}",
                    d.id, d.tokens, s.tokens
                )));
            }
            let group: Vec<&str> = self
                .config
                .group_by
                .iter()
                .map(|k| s.meta.get(k).unwrap_or_default())
                .collect();
            if d.group.len() != group.len() || d.group.iter().zip(&group).any(|(a, b)| a != b) {
                return Err(crate::InvalidState(format!(
                    "the dictionary counts of document {:?} are in group {:?}, its metadata says {group:?}",
                    d.id, d.group
                )));
            }
            let mut previous: Option<u32> = None;
            for &(c, k) in &d.counts {
                if c as usize >= n || previous.is_some_and(|p| p >= c) || k == 0 || k > d.tokens {
                    return Err(crate::InvalidState(format!(
                        "the dictionary counts of document {:?} hold ({c}, {k}): expected categories below {n} in increasing order, each with 1 to {} matches",
                        d.id, d.tokens
                    )));
                }
                previous = Some(c);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;

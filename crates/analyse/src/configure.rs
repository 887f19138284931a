//! How an analyser is configured from its `[analyse.<key>]` table of a pipeline file, without
//! knowing the file's syntax: the pipeline's parser hands each analyser a [`ConfigTable`], which
//! checks types and ranges, records every problem with its position and suggests the nearest
//! key for an unknown one; the analyser reads its keys into its typed configuration
//! ([`Configure`]).

use std::any::Any;

use crate::{Analyser, DocFreq, DocumentStats, Lowercase, PatternForms};

/// One table of a pipeline file, as an analyser reads it. Each getter returns `None` (or the
/// default) when the key is absent, and also when its value is wrong, after recording the
/// problem; the analyser goes on, so that every problem of a file is reported at once.
pub trait ConfigTable {
    /// A string.
    fn string(&mut self, key: &str) -> Option<String>;
    /// A string or an array of strings.
    fn strings(&mut self, key: &str) -> Option<Vec<String>>;
    /// `true` or `false`; `default` when absent.
    fn boolean(&mut self, key: &str, default: bool) -> bool;
    /// An integer in `min..=max`.
    fn integer(&mut self, key: &str, min: i64, max: i64) -> Option<i64>;
    /// A string that is one of `choices`; its index.
    fn choice(&mut self, key: &str, choices: &[&str]) -> Option<usize>;
    /// A document frequency: an integer count, or a float fraction in `0.0..=1.0`.
    fn doc_freq(&mut self, key: &str, default: DocFreq) -> DocFreq;
    /// `[min, max]`, two integers with `lo <= min <= max <= hi`.
    fn range(&mut self, key: &str, lo: i64, hi: i64) -> Option<(i64, i64)>;
    /// A sub-table (`[analyse.terms.tfidf]`), when present.
    fn table(&mut self, key: &str) -> Option<Box<dyn ConfigTable + '_>>;
    /// Whether the table has `key`.
    fn has(&self, key: &str) -> bool;
    /// The keys of a table whose schema lists [`OTHER_KEYS`], other than the keys it lists: the
    /// names the analyser reads (its targets), in the order written. A key that is near enough
    /// one of the listed keys to be taken for a misspelling of it is not a name (the parser has
    /// reported it as an unknown key, suggesting the listed one). Empty for any other table.
    fn names(&self) -> Vec<String> {
        Vec::new()
    }
    /// Whether the value of `key` is a table (`{ category = "…" }`), to be read with
    /// [`table`](Self::table).
    fn is_table(&self, _key: &str) -> bool {
        false
    }
    /// How the pipeline normalises text, for the words and globs of patterns
    /// ([`Pattern::parse_with`](crate::Pattern::parse_with)); lower-casing only by default.
    fn forms(&self) -> &dyn PatternForms {
        &Lowercase
    }
    /// The metadata field that holds each document's date (`[ingest] date_field`), parsed and
    /// written back in ISO 8601 before any analyser sees it; `None` when dates are not read.
    fn date_field(&self) -> Option<&str> {
        None
    }
    /// Records a problem at the value of `key` (or at the table, for `None`).
    fn error(&mut self, key: Option<&str>, message: String);
    /// Records a problem at item `index` of the array `key` (at `key` when it is one string).
    fn error_item(&mut self, key: &str, index: usize, message: String);
}

/// In an analyser's [`Configure::SCHEMA`], the key that stands for every key the table does not
/// list: names chosen by the user, such as `[analyse.targets]`'s target names. A table whose keys
/// include it accepts any other key (read with [`ConfigTable::names`]), except one so close to a
/// listed key that it is taken for a misspelling of it; as a sub-table (`(OTHER_KEYS, &[...])`),
/// it gives the keys of the table a name's value may be.
pub const OTHER_KEYS: &str = "*";

/// What is wrong with a partial state read back from a run state: which invariant it breaks,
/// with the values that break it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidState(pub String);

impl std::fmt::Display for InvalidState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidState {}

impl From<String> for InvalidState {
    fn from(reason: String) -> Self {
        InvalidState(reason)
    }
}

/// A name that is not one of a closed set of choices (sentiment `rules`, `unit`, …).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownName {
    /// What the name is of.
    pub what: &'static str,
    /// The name found.
    pub found: String,
    /// The names accepted.
    pub expected: &'static [&'static str],
}

impl std::fmt::Display for UnknownName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown {} \"{}\": expected ", self.what, self.found)?;
        for (i, name) in self.expected.iter().enumerate() {
            if i > 0 {
                f.write_str(if i + 1 == self.expected.len() {
                    " or "
                } else {
                    ", "
                })?;
            }
            write!(f, "\"{name}\"")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownName {}

/// An analyser that a pipeline file configures.
pub trait Configure: Analyser + Sized + Send + Sync + 'static {
    /// Its table: `[analyse.<KEY>]`; also its key in states and in `report.json`.
    const KEY: &'static str;

    /// The keys of its table (`""`) and of each of its sub-tables (`"tfidf"`), every one
    /// documented in `docs/pipeline.md`. [`OTHER_KEYS`] among them makes the other keys names
    /// (see there).
    const SCHEMA: &'static [(&'static str, &'static [&'static str])];

    /// Reads its table. `configured` holds the analysers configured before it (in registry
    /// order), for an analyser that follows another's settings.
    fn configure(table: &mut dyn ConfigTable, configured: &[&dyn Any]) -> Option<Self>;

    /// Its typed configuration. Serialised, it is the analyser's part of the pipeline's
    /// analysis fingerprint, so that states made with other settings never merge: every field
    /// counts, none can be forgotten.
    type Config: serde::Serialize;

    /// Its configuration.
    fn config(&self) -> &Self::Config;

    /// Checks a loaded partial state against its invariants and the documents of the same
    /// state (in the order the state lists them, which need not be ordinal order). Returns what is wrong.
    fn validate(
        &self,
        _partial: &Self::Partial,
        _documents: &[DocumentStats],
    ) -> Result<(), InvalidState> {
        Ok(())
    }

    /// The key of an analyser configured before this one whose whole partial state this
    /// analyser's state holds: keyness counts the terms analyser's features for each value of
    /// a key, and those counts added up are the terms analyser's state. A pipeline then folds
    /// documents into this analyser only, and makes the other's state from this one's merged
    /// state with [`Configure::share`] before finishing it: the same output for half the
    /// counting. `None` (the default): nothing is shared.
    fn shares(&self) -> Option<&'static str> {
        None
    }

    /// The state of the analyser [`Configure::shares`] names, made from this analyser's
    /// merged state (to be finished next, with the same documents: the analyser may note in
    /// it what it worked out on the way). `None` when nothing is shared.
    fn share(&self, _partial: &mut Self::Partial) -> Option<Box<dyn Any + Send>> {
        None
    }
}

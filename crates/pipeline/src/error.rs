//! Errors of the pipeline crate.

use std::fmt;
use std::path::PathBuf;

/// One problem found in a pipeline file, at a line and column.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ConfigError {
    /// The pipeline file, as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.col, self.message
        )
    }
}

impl std::error::Error for ConfigError {}

/// Every problem found in one pipeline file (never empty).
///
/// `Display` writes one line per problem, the first [`ConfigErrors::SHOWN`] of them, then how
/// many more there are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    /// How many problems `Display` writes out.
    pub const SHOWN: usize = 100;
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().take(Self::SHOWN).enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        if let Some(first) = self.0.first() {
            let more = self.0.len().saturating_sub(Self::SHOWN);
            if more > 0 {
                write!(
                    f,
                    "\n{}: … and {more} more error{} ({} in all)",
                    first.file,
                    if more == 1 { "" } else { "s" },
                    self.0.len()
                )?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The pipeline file could not be read.
    #[error("{path}: cannot read the pipeline file: {source}")]
    ReadPipeline {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The pipeline file has errors.
    #[error("{0}")]
    Config(#[from] ConfigErrors),
    /// Reading the inputs failed (with `on_error = "fail"`, or a failure no record can absorb).
    #[error("{0}")]
    Ingest(#[from] wordmill_ingest::IngestError),
    /// The run could not be set up.
    #[error("{0}")]
    Setup(#[from] SetupError),
    /// Writing the report failed.
    #[error("{path}: cannot write: {source}")]
    Write {
        /// The file being written.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A run state could not be read, or states do not belong together.
    #[error("{0}")]
    State(#[from] StateError),
    /// A document read could not be numbered or placed (shards, map input).
    #[error("{0}")]
    Document(#[from] DocumentError),
    /// A run state or a baseline could not be written as JSON.
    #[error("cannot encode {what} as JSON: {source}")]
    Encode {
        /// What was being encoded.
        what: &'static str,
        /// The cause.
        source: serde_json::Error,
    },
    /// A document id repeats an earlier one's, with `ingest.duplicate_ids = "fail"`.
    #[error(
        "document id `{id}` repeats: documents {first} and {ordinal} (counted from 0 in input order) have it; `ingest.duplicate_ids` = \"warn\" or \"suffix\" lets the run go on"
    )]
    DuplicateId {
        /// The id.
        id: String,
        /// The ordinal of the first document with it.
        first: u64,
        /// The ordinal of the repeat.
        ordinal: u64,
    },
    /// The run read no document, and `ingest.allow_empty` is not set.
    #[error("{0}")]
    Empty(String),
    /// The thread pool could not be built.
    #[error("cannot start {threads} worker threads: {source}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The cause, as the thread pool reported it.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A run failed, and the staging directory of its report could not be removed either.
    #[error("{error}\n  and the staging directory {left}")]
    Cleanup {
        /// Why the run failed.
        error: Box<RunError>,
        /// What is left behind.
        left: wordmill_report::CleanupFailure,
    },
}

/// Why a run could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// The normaliser could not be built from `[normalise]`.
    #[error("{0}")]
    Normaliser(#[from] wordmill_normalise::NormaliseError),
    /// The report directory is (or may hold) one of the run's inputs.
    #[error(
        "the report directory {} {what}: a run never writes into its own inputs; choose another `report.dir` or `--out`",
        dir.display()
    )]
    OutputOverInputs {
        /// The report directory.
        dir: PathBuf,
        /// How it meets the inputs.
        what: String,
    },
    /// `--state-out` names no file.
    #[error("{}: expected a file name for the state", path.display())]
    StatePath {
        /// The path given.
        path: PathBuf,
    },
}

/// A document that could not be numbered or placed as it was read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentError {
    /// `--ordinal-offset` pushes the document's number past `u64::MAX`.
    #[error(
        "document {id} (number {ordinal} of this input) cannot be numbered from --ordinal-offset {offset}: the number passes {} (expected an offset that leaves room for every document of the shard)",
        u64::MAX
    )]
    OrdinalOverflow {
        /// The document's id.
        id: String,
        /// Its number in this input.
        ordinal: u64,
        /// The offset.
        offset: u64,
    },
    /// The ordinal field holds something other than a whole number.
    #[error(
        "document {id}: `{field}` must be a whole number (the document's position in the corpus), found {value:?}"
    )]
    BadOrdinal {
        /// The document's id.
        id: String,
        /// The ordinal field.
        field: String,
        /// Its value.
        value: String,
        /// The cause.
        source: std::num::ParseIntError,
    },
    /// The ordinal field is missing.
    #[error("document {id}: no `{field}` field (its position in the corpus)")]
    NoOrdinal {
        /// The document's id.
        id: String,
        /// The ordinal field.
        field: String,
    },
}

/// Why a run state was refused, or states could not be merged.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateError {
    /// The line is not JSON.
    #[error("{origin}: not a wordmill state (invalid JSON: {source})")]
    NotJson {
        /// Where the state came from (file and line).
        origin: String,
        /// The cause.
        source: serde_json::Error,
    },
    /// The line is JSON, but not a state.
    #[error(
        "{origin}: not a wordmill state: expected a line written by `wordmill map`, `reduce` or `run --state-out` (an object with `wordmill_state`), found {found}"
    )]
    NotAState {
        /// Where the state came from.
        origin: String,
        /// What the line holds.
        found: String,
    },
    /// The state's format version is not this wordmill's.
    #[error(
        "{origin}: expected a wordmill state of format {expected}, found {}",
        found.map_or("no format version".to_string(), |v| format!("format {v}"))
    )]
    Format {
        /// Where the state came from.
        origin: String,
        /// The format this wordmill reads.
        expected: u32,
        /// The format found.
        found: Option<u64>,
    },
    /// The state was written by another wordmill version.
    #[error(
        "{origin}: written by wordmill {found}, this is {this}; states merge only within one version"
    )]
    Version {
        /// Where the state came from.
        origin: String,
        /// The version that wrote it.
        found: String,
        /// This version.
        this: &'static str,
    },
    /// The state was made with another analysis configuration.
    #[error(
        "{origin}: made with a different analysis configuration (analysis hash {}…, {} has {}…); states merge only when ingest parsing, [normalise] and [analyse] are the same",
        &found[..found.len().min(12)],
        pipeline.display(),
        &expected[..expected.len().min(12)]
    )]
    Configuration {
        /// Where the state came from.
        origin: String,
        /// Its analysis fingerprint.
        found: String,
        /// The pipeline file.
        pipeline: PathBuf,
        /// The pipeline's analysis fingerprint.
        expected: String,
    },
    /// The line's checksum does not match its content.
    #[error(
        "{origin}: damaged state: {problem}; the state was changed after it was written (or cut short): make it again"
    )]
    Checksum {
        /// Where the state came from.
        origin: String,
        /// What is wrong with the checksum.
        problem: ChecksumProblem,
    },
    /// The state's content could not be read.
    #[error("{origin}: damaged state: {source}")]
    Damaged {
        /// Where the state came from.
        origin: String,
        /// What could not be read.
        source: DamagedState,
    },
    /// The state breaks its own invariants.
    #[error("{origin}: state refused: {source}")]
    Refused {
        /// Where the state came from.
        origin: String,
        /// What is wrong.
        source: wordmill_analyse::InvalidState,
    },
    /// States made with different analysis configurations were merged.
    #[error(
        "a state was made with a different analysis configuration; states merge only for the same [normalise] and [analyse]"
    )]
    Mixed,
    /// Two merged states hold a document with the same ordinal.
    #[error(
        "documents {first} and {second} have the same ordinal {ordinal}: the merged states overlap (number each shard's documents with --ordinal-offset or an ordinal field)"
    )]
    Overlap {
        /// The earlier document's id.
        first: String,
        /// The later document's id.
        second: String,
        /// Their ordinal.
        ordinal: u64,
    },
    /// A document's sentiment scores are missing.
    #[error("document {id} (ordinal {ordinal}) has no sentiment scores in the state")]
    MissingScores {
        /// The document's id.
        id: String,
        /// Its ordinal.
        ordinal: u64,
    },
    /// Sentiment scores of documents the state does not list.
    #[error("the state holds sentiment scores of documents it does not list")]
    ExtraScores,
}

/// What is wrong with a state line's checksum.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChecksumProblem {
    /// The line does not end with `"}`.
    #[error("the line does not end with its checksum")]
    NoEnd,
    /// The line has no `"checksum"` member at its end.
    #[error("the line has no checksum (`\"checksum\"` at its end)")]
    Missing,
    /// The checksum written is not the content's.
    #[error(
        "its checksum is {}…, its content's is {}…",
        written.chars().take(12).collect::<String>(),
        &actual[..actual.len().min(12)]
    )]
    Mismatch {
        /// The checksum written in the line.
        written: String,
        /// The checksum of the content.
        actual: String,
    },
}

/// What part of a state's content could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DamagedState {
    /// The fixed part of the state.
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// A part the state must hold.
    #[error("the state has no `{0}`")]
    Missing(String),
    /// A part the pipeline does not analyse.
    #[error("the state holds `{0}`, which the pipeline does not analyse")]
    Unexpected(String),
    /// One part (the per-document facts or an analyser's partial state).
    #[error("{key}: {source}")]
    Part {
        /// The part's key.
        key: String,
        /// The cause.
        source: serde_json::Error,
    },
}

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
    /// A stage could not be built from the configuration.
    #[error("{0}")]
    Setup(String),
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
    State(String),
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
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The cause.
        message: String,
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

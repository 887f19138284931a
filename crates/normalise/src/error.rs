use std::path::PathBuf;

/// Why a [`Normaliser`](crate::Normaliser) could not be built, or a stop-word or alias file
/// read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NormaliseError {
    /// The token pattern is not a valid regular expression.
    #[error(
        "invalid token pattern {pattern:?}: expected a regular expression (Rust `regex` syntax, with Python's meaning of \\w, \\W, \\s and \\S): {message}"
    )]
    Pattern {
        /// The pattern as given.
        pattern: String,
        /// What the regex compiler said.
        message: String,
    },
    /// The token pattern has more than one capturing group.
    #[error(
        "token pattern {pattern:?} has {groups} capturing groups; expected at most one (as in scikit-learn, its text becomes the token); use (?:...) for grouping"
    )]
    TooManyGroups {
        /// The pattern as given.
        pattern: String,
        /// How many capturing groups it has.
        groups: usize,
    },
    /// A built-in stop-word list was asked for by a name that does not exist.
    #[error("unknown stop-word list {name:?}; expected one of: {}", crate::stopwords::builtin_stopword_names().join(", "))]
    UnknownStopWords {
        /// The name as given.
        name: String,
    },
    /// A stemmer was asked for by a name that does not exist.
    #[error("unknown stemmer language {name:?}; expected one of: {}", crate::stem::StemLanguage::ALL.iter().map(|l| l.name()).collect::<Vec<_>>().join(", "))]
    UnknownStemLanguage {
        /// The name as given.
        name: String,
    },
    /// A stop-word file could not be read.
    #[error("{}: cannot read stop-word file: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// An alias file could not be read.
    #[error("{}: cannot read alias file: {source}", path.display())]
    AliasIo {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A line of an alias file is not what was expected.
    #[error("{}:{line}: {message}", path.display())]
    AliasFile {
        /// The file (empty for aliases given in code).
        path: PathBuf,
        /// 1-based line number (0 for aliases given in code).
        line: usize,
        /// What was wrong, and what was expected.
        message: String,
    },
    /// A line of a stop-word file is not what was expected.
    #[error("{}:{line}: {message}", path.display())]
    StopWordFile {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What was wrong, and what was expected.
        message: String,
    },
}

use std::path::PathBuf;

/// Why a [`Normaliser`](crate::Normaliser) could not be built, a stop-word or alias file
/// read, or a language name parsed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NormaliseError {
    /// The token pattern is not a valid regular expression.
    #[cfg(feature = "pattern")]
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
    #[cfg(feature = "pattern")]
    #[error(
        "token pattern {pattern:?} has {groups} capturing groups; expected at most one (as in scikit-learn, its text becomes the token); use (?:...) for grouping"
    )]
    TooManyGroups {
        /// The pattern as given.
        pattern: String,
        /// How many capturing groups it has.
        groups: usize,
    },
    /// A built-in stop-word list ([`StopWordLanguage`](crate::StopWordLanguage)) was asked
    /// for by a name that does not exist.
    #[error("unknown stop-word list {name:?}; expected one of: {}{}", stop_word_codes(), did_you_mean(*nearest))]
    UnknownStopWords {
        /// The name as given.
        name: String,
        /// The code or name of a list that `name` is probably a typo of.
        nearest: Option<&'static str>,
    },
    /// A stemmer ([`StemLanguage`](crate::StemLanguage)) was asked for by a name that does
    /// not exist.
    #[cfg(feature = "stem")]
    #[error("unknown stemmer language {name:?}; expected one of: {}", crate::StemLanguage::ALL.iter().map(|l| l.name()).collect::<Vec<_>>().join(", "))]
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

/// `en, ru, de, fr, es`.
fn stop_word_codes() -> String {
    let codes: Vec<&str> = crate::StopWordLanguage::ALL
        .iter()
        .map(|l| l.code())
        .collect();
    codes.join(", ")
}

/// ` (did you mean "en"?)`, or nothing.
fn did_you_mean(nearest: Option<&str>) -> String {
    nearest.map_or_else(String::new, |n| format!(" (did you mean {n:?}?)"))
}

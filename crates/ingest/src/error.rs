//! Errors and skipped records.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::pattern::PatternError;

/// Why a source could not be opened, or a record or file could not be read.
///
/// Every variant names the input or file it is about, and record errors give the line (or the
/// byte offset, when there is no line to speak of). `Display` is `file:line: message` or
/// `file: byte N: message`, the message saying what was expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// An input (file, directory or glob) matched no file.
    #[error("input `{input}`: {reason}")]
    NoMatch {
        /// The input as written in the configuration.
        input: String,
        /// What was looked for.
        reason: String,
    },
    /// An input looked like a glob pattern but is not a valid one.
    #[error("input `{input}`: invalid glob pattern: {source}")]
    Glob {
        /// The input as written in the configuration.
        input: String,
        /// The pattern and why it is not a valid glob.
        #[source]
        source: PatternError,
    },
    /// The configuration needs a part of this crate that the build left out: a format, or
    /// glob patterns, whose cargo feature is off (`CSV input needs wordmill-ingest's `csv`
    /// feature`). A compressed file whose feature is off is a [`IngestError::File`] error of
    /// kind [`SkipKind::Compression`] instead, as it concerns that file only.
    #[error("{what} needs wordmill-ingest's `{feature}` feature")]
    FeatureDisabled {
        /// What needs it: `CSV input`, ``input `corpus/*.txt`: a glob pattern``.
        what: String,
        /// The cargo feature: `csv`, `jsonl`, `mail`, `html` or `glob`.
        feature: &'static str,
    },
    /// A whole file (or a directory entry) could not be read: it could not be opened, it
    /// vanished, a directory walk hit a symbolic-link loop, or a CSV header lacks a column.
    #[error("{file}: {reason}")]
    File {
        /// The file, as displayed (relative to the base directory when the input was).
        file: String,
        /// The kind of problem, for counting skips by reason.
        kind: SkipKind,
        /// What went wrong and what was expected.
        reason: String,
    },
    /// One record (a line, a CSV row, a text file's content) could not become a document.
    #[error("{}", located(file, *line, *byte_offset, reason))]
    Record {
        /// The file, as displayed.
        file: String,
        /// 1-based line where the record starts, when known.
        line: Option<u64>,
        /// Byte offset in the file, when there is no line (invalid UTF-8 in a text file, a
        /// binary file's first NUL byte: counted in the decompressed bytes; a corrupt
        /// compressed stream: the number of compressed bytes consumed). JSON Lines lines over
        /// the length limit have both the line and the offset where it starts.
        byte_offset: Option<u64>,
        /// The kind of problem, for counting skips by reason.
        kind: SkipKind,
        /// What went wrong and what was expected.
        reason: String,
    },
}

impl IngestError {
    /// The file (or input) the error is about; empty for
    /// [`IngestError::FeatureDisabled`], which is about the configuration.
    pub fn file(&self) -> &str {
        match self {
            IngestError::NoMatch { input, .. } | IngestError::Glob { input, .. } => input,
            IngestError::File { file, .. } | IngestError::Record { file, .. } => file,
            IngestError::FeatureDisabled { .. } => "",
        }
    }

    /// The line of a record error, when known.
    pub fn line(&self) -> Option<u64> {
        match self {
            IngestError::Record { line, .. } => *line,
            _ => None,
        }
    }

    /// The byte offset of a record error, when it has one instead of a line.
    pub fn byte_offset(&self) -> Option<u64> {
        match self {
            IngestError::Record { byte_offset, .. } => *byte_offset,
            _ => None,
        }
    }

    /// True for errors about one record or one file met while reading (those that
    /// [`OnError::Skip`](crate::OnError::Skip) skips), false for errors resolving the inputs.
    pub fn is_skippable(&self) -> bool {
        matches!(self, IngestError::File { .. } | IngestError::Record { .. })
    }

    /// The message without its location.
    pub fn reason(&self) -> String {
        match self {
            IngestError::NoMatch { reason, .. }
            | IngestError::File { reason, .. }
            | IngestError::Record { reason, .. } => reason.clone(),
            IngestError::Glob { source, .. } => format!("invalid glob pattern: {source}"),
            IngestError::FeatureDisabled { .. } => self.to_string(),
        }
    }

    /// The kind of problem: [`SkipKind::Unreadable`] for inputs that matched nothing,
    /// [`SkipKind::Other`] for a feature left out.
    pub fn kind(&self) -> SkipKind {
        match self {
            IngestError::File { kind, .. } | IngestError::Record { kind, .. } => *kind,
            IngestError::NoMatch { .. } | IngestError::Glob { .. } => SkipKind::Unreadable,
            IngestError::FeatureDisabled { .. } => SkipKind::Other,
        }
    }

    /// The error as a [`Skip`] entry (file, line or byte offset, kind, reason).
    pub fn to_skip(&self) -> Skip {
        Skip {
            file: self.file().to_owned(),
            line: self.line(),
            byte_offset: self.byte_offset(),
            kind: self.kind(),
            reason: self.reason(),
        }
    }
}

/// What kind of problem made a record (or a file) unusable: the key skipped records are
/// counted by. [`Skip::reason`] says the rest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipKind {
    /// A file that could not be opened, listed or read (permissions, a vanished file, a
    /// symbolic-link loop, an I/O error).
    Unreadable,
    /// A file with a NUL byte near its start: not text.
    Binary,
    /// Bytes that are not valid UTF-8 (or UTF-16 after its byte-order mark).
    Encoding,
    /// A corrupt, truncated or empty compressed stream, one that decompresses past
    /// `max_decompressed_bytes`, or a compression whose cargo feature the build left out.
    Compression,
    /// A JSON Lines line that is not a JSON object.
    InvalidJson,
    /// A record without its text (or with a text, id or field of the wrong type).
    MissingField,
    /// A CSV file or record that does not parse (no header, unequal fields, an unbalanced
    /// quote).
    InvalidCsv,
    /// An e-mail message that is not one: empty, or not starting with a header line.
    InvalidMessage,
    /// A line or record longer than `max_line_bytes`.
    TooLong,
    /// A document longer than `max_document_bytes`, with `oversize = "skip"`.
    Oversize,
    /// A file whose size or modification time changed between being listed and the end of
    /// reading it (it was written to, truncated or replaced meanwhile).
    Changed,
    /// A directory entry that is not a regular file (a FIFO, socket or device), found in a
    /// directory or glob input; it is never opened.
    NotAFile,
    /// Memory ran out while reading (an allocation failed).
    OutOfMemory,
    /// A date field that does not parse, or is missing, with `undated = "error"`.
    InvalidDate,
    /// Anything else.
    #[default]
    Other,
}

impl SkipKind {
    /// Every kind, in the order reports list them.
    pub const ALL: [SkipKind; 15] = [
        SkipKind::Unreadable,
        SkipKind::Binary,
        SkipKind::Encoding,
        SkipKind::Compression,
        SkipKind::InvalidJson,
        SkipKind::MissingField,
        SkipKind::InvalidCsv,
        SkipKind::InvalidMessage,
        SkipKind::TooLong,
        SkipKind::Oversize,
        SkipKind::Changed,
        SkipKind::NotAFile,
        SkipKind::OutOfMemory,
        SkipKind::InvalidDate,
        SkipKind::Other,
    ];

    /// The name `run.json` uses (`invalid_json`).
    pub const fn name(self) -> &'static str {
        match self {
            SkipKind::Unreadable => "unreadable",
            SkipKind::Binary => "binary",
            SkipKind::Encoding => "encoding",
            SkipKind::Compression => "compression",
            SkipKind::InvalidJson => "invalid_json",
            SkipKind::MissingField => "missing_field",
            SkipKind::InvalidCsv => "invalid_csv",
            SkipKind::InvalidMessage => "invalid_message",
            SkipKind::TooLong => "too_long",
            SkipKind::Oversize => "oversize",
            SkipKind::Changed => "changed",
            SkipKind::NotAFile => "not_a_file",
            SkipKind::OutOfMemory => "out_of_memory",
            SkipKind::InvalidDate => "invalid_date",
            SkipKind::Other => "other",
        }
    }

    /// A few words for people: "not valid JSON".
    pub const fn describe(self) -> &'static str {
        match self {
            SkipKind::Unreadable => "unreadable file",
            SkipKind::Binary => "binary file, not text",
            SkipKind::Encoding => "invalid UTF-8",
            SkipKind::Compression => "bad compressed stream",
            SkipKind::InvalidJson => "not a JSON object",
            SkipKind::MissingField => "missing or mistyped field",
            SkipKind::InvalidCsv => "invalid CSV",
            SkipKind::InvalidMessage => "not an e-mail message",
            SkipKind::TooLong => "line over max_line_bytes",
            SkipKind::Oversize => "document over max_document_bytes",
            SkipKind::Changed => "file changed while read",
            SkipKind::NotAFile => "not a regular file",
            SkipKind::OutOfMemory => "out of memory",
            SkipKind::InvalidDate => "missing or unreadable date",
            SkipKind::Other => "other",
        }
    }
}

impl fmt::Display for SkipKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A record or file that was skipped under [`OnError::Skip`](crate::OnError::Skip).
///
/// Serialises as `{"file", "line", "byte_offset", "kind", "reason"}` (absent positions are `null`),
/// the shape the run manifest lists. `Display` is the same `file:line: reason` as the error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Skip {
    /// The file, as displayed.
    pub file: String,
    /// 1-based line where the record starts; `None` for a whole skipped file or when only a
    /// byte offset is known.
    pub line: Option<u64>,
    /// Byte offset in the file, when that is the position known.
    pub byte_offset: Option<u64>,
    /// The kind of problem (what skipped records are counted by).
    #[serde(default)]
    pub kind: SkipKind,
    /// What went wrong and what was expected.
    pub reason: String,
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&located(
            &self.file,
            self.line,
            self.byte_offset,
            &self.reason,
        ))
    }
}

/// `file:line: reason`, `file: byte N: reason` or `file: reason`.
fn located(file: &str, line: Option<u64>, byte_offset: Option<u64>, reason: &str) -> String {
    match (line, byte_offset) {
        (Some(line), _) => format!("{file}:{line}: {reason}"),
        (None, Some(byte)) => format!("{file}: byte {byte}: {reason}"),
        (None, None) => format!("{file}: {reason}"),
    }
}

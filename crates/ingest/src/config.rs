//! What to read and how: [`SourceConfig`], [`Format`], [`OnError`].

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How the bytes of each input file are turned into documents.
///
/// The format is chosen by configuration, never by file extension: `speeches.txt.gz` read with
/// `Format::Jsonl` is parsed as JSON Lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// One document per file; the file's path gives the id.
    #[default]
    Text,
    /// One JSON object per line; blank lines are ignored.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
}

impl Format {
    /// The name used in pipeline files: `text`, `jsonl` or `csv`.
    pub const fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
        }
    }

    /// File-name extensions (without the compression extension) dropped when a file's path is
    /// turned into a document id.
    pub(crate) const fn id_extensions(self) -> &'static [&'static str] {
        match self {
            Format::Text => &["txt"],
            Format::Jsonl => &["jsonl", "ndjson", "json"],
            Format::Csv => &["csv"],
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            _ => Err(ParseNameError {
                what: "format",
                found: s.to_owned(),
                expected: "`text`, `jsonl` or `csv`",
            }),
        }
    }
}

/// What to do with a record (or a file) that cannot be turned into a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OnError {
    /// Record it in [`IngestStats::skipped`](crate::IngestStats::skipped) and go on.
    #[default]
    Skip,
    /// Yield the error once, then end the stream.
    Fail,
}

impl OnError {
    /// The name used in pipeline files: `skip` or `fail`.
    pub const fn name(self) -> &'static str {
        match self {
            OnError::Skip => "skip",
            OnError::Fail => "fail",
        }
    }
}

impl fmt::Display for OnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OnError {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "skip" => Ok(OnError::Skip),
            "fail" => Ok(OnError::Fail),
            _ => Err(ParseNameError {
                what: "on_error",
                found: s.to_owned(),
                expected: "`skip` or `fail`",
            }),
        }
    }
}

/// A [`Format`] or [`OnError`] name that is not one of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{found}`: expected {expected}")]
pub struct ParseNameError {
    what: &'static str,
    found: String,
    expected: &'static str,
}

/// Everything a [`Source`](crate::Source) needs to know: which inputs, in which format, which
/// fields, and what to do about bad records.
///
/// This is plain data; [`Source::open`](crate::Source::open) turns it into a running source.
#[derive(Debug, Clone)]
pub struct SourceConfig {
    /// Files, directories (walked recursively), or glob patterns (`corpus/*.txt`,
    /// `data/**/*.jsonl`); `-` is standard input.
    pub inputs: Vec<String>,
    /// The directory relative inputs are resolved against (a pipeline file's directory).
    pub base_dir: PathBuf,
    /// How files are parsed.
    pub format: Format,
    /// JSON Lines: a dotted path into the object (`body.text`); CSV: a column name.
    pub text_field: String,
    /// Where a record's id comes from (JSON Lines dotted path, CSV column). A record without
    /// it gets `<file id>:<line>`; `None` always uses that.
    pub id_field: Option<String>,
    /// Fields (JSON Lines dotted paths, CSV columns) copied into the document's metadata under
    /// the name as written here.
    pub meta_fields: Vec<String>,
    /// A regex searched in each input's path; its named groups that matched become metadata.
    pub meta_from_path: Option<regex::Regex>,
    /// What to do with records that cannot be read.
    pub on_error: OnError,
}

impl Default for SourceConfig {
    /// No inputs, base directory `.`, text format, text field `text`, id field `id`, no
    /// metadata, skip bad records.
    fn default() -> Self {
        SourceConfig {
            inputs: Vec::new(),
            base_dir: PathBuf::from("."),
            format: Format::Text,
            text_field: "text".to_owned(),
            id_field: Some("id".to_owned()),
            meta_fields: Vec::new(),
            meta_from_path: None,
            on_error: OnError::Skip,
        }
    }
}

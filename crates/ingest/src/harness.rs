//! Entry points for fuzzing and property tests: the parsers run on bytes in memory, no files.
//!
//! Not part of the API: compiled for the crate's own tests, and for the `fuzz/` targets and
//! benchmarks through the unstable `__fuzz` feature, which re-exports them in
//! `wordmill_ingest::__fuzz` with no promise of stability.

#[cfg(feature = "jsonl")]
use std::sync::atomic::AtomicU64;

use wordmill_model::Document;
#[cfg(feature = "jsonl")]
use wordmill_model::Metadata;

use crate::error::IngestError;
#[cfg(feature = "jsonl")]
use crate::jsonl;
#[cfg(feature = "jsonl")]
use crate::read::Compression;
#[cfg(feature = "jsonl")]
use crate::source::Ctx;
use crate::source::Source;
use crate::{IngestStats, SourceConfig};

/// What reading some bytes gave: every item the source yielded, and its counters.
#[derive(Debug)]
pub struct Outcome {
    /// Documents and errors, in the order yielded.
    pub items: Vec<Result<Document, IngestError>>,
    /// The counters at the end.
    pub stats: IngestStats,
}

/// Reads `bytes` as the file `name` (its extension says whether it is gzip or zstd) with
/// `config` (its inputs are ignored), through the same code as a file on disk: decompression
/// and its limit, byte-order marks, the binary check, the format's parser, size limits and
/// splitting. Never panics; `stats.records_seen + stats.parts_added == stats.documents +
/// stats.skipped.len()`.
pub fn read_bytes(name: &str, bytes: &[u8], config: &SourceConfig) -> Outcome {
    let mut source = Source::from_bytes(name, bytes, config.clone());
    let items = source.by_ref().collect();
    Outcome {
        items,
        stats: source.into_stats(),
    }
}

#[cfg(feature = "jsonl")]
/// Parses one JSON Lines line (without the source around it) into a document with ordinal 0,
/// as line `line` of a file whose id is `file_id`.
///
/// # Errors
///
/// The reason the line is not a document (invalid UTF-8 under
/// [`EncodingErrors::Reject`](crate::EncodingErrors::Reject), invalid JSON, not an object, no
/// string at the text field, a bad id), as an [`IngestError::Record`] at `line`.
pub fn parse_jsonl_record(
    line_bytes: &[u8],
    line: u64,
    file_id: &str,
    config: &SourceConfig,
) -> Result<Document, IngestError> {
    let consumed = AtomicU64::new(0);
    let path_meta = Metadata::new();
    let ctx = Ctx {
        config,
        file_id,
        path_meta: &path_meta,
        compression: Compression::None,
        consumed: &consumed,
        start: 0,
    };
    match jsonl::parse(line_bytes, line, &ctx) {
        Ok(record) => Ok(Document::new(0, record.id, record.text, record.meta)),
        Err((kind, reason)) => Err(IngestError::Record {
            file: file_id.to_owned(),
            line: Some(line),
            byte_offset: None,
            kind,
            reason,
        }),
    }
}

#[cfg(test)]
mod no_panic;

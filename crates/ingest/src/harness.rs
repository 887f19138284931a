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

impl Outcome {
    /// The first rule a read of any bytes must keep that this outcome breaks, read with
    /// `config` and the errors skipped: the split parts counted, the records reconciled
    /// (`records_seen + parts_added == documents + skipped`), no error yielded, ordinals in
    /// order, documents within `max_document_bytes` (or one character, when that is longer),
    /// every skip with a reason. `None` when it keeps them all.
    pub fn broken_rule(&self, config: &SourceConfig) -> Option<String> {
        let stats = &self.stats;
        let added: u64 = stats
            .split
            .iter()
            .map(|s| s.parts - 1 + u64::from(s.rest_skipped))
            .sum();
        if stats.parts_added != added {
            return Some(format!(
                "parts added {} but the splits add {added}",
                stats.parts_added
            ));
        }
        if stats.records_seen + stats.parts_added != stats.documents + stats.skipped.len() as u64 {
            return Some(format!("the records do not reconcile: {stats:?}"));
        }
        if stats.documents as usize != self.items.len() {
            return Some(format!(
                "{} documents counted, {} yielded",
                stats.documents,
                self.items.len()
            ));
        }
        for (ordinal, item) in self.items.iter().enumerate() {
            let Ok(doc) = item else {
                return Some("an error was yielded under skip".into());
            };
            if doc.ordinal as usize != ordinal {
                return Some(format!("document {ordinal} has ordinal {}", doc.ordinal));
            }
            if let Some(limit) = config.max_document_bytes {
                let first = doc.text.chars().next().map_or(0, char::len_utf8) as u64;
                if doc.text.len() as u64 > limit.max(first) {
                    return Some(format!(
                        "document {ordinal} has {} bytes, over the limit of {limit}",
                        doc.text.len()
                    ));
                }
            }
        }
        if let Some(skip) = stats.skipped.iter().find(|s| s.reason.is_empty()) {
            return Some(format!("a skip without a reason: {skip:?}"));
        }
        None
    }
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

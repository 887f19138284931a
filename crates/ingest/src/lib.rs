//! # wordmill-ingest
//!
//! wordmill's sources: turn files, directories, glob patterns and standard input — plain text,
//! JSON Lines or CSV, optionally gzip- or zstd-compressed — into a stream of
//! [`wordmill_model::Document`]s, with every bad record either reported with its file and line
//! or counted as skipped.
//!
//! ## Main types
//!
//! - [`SourceConfig`]: plain data saying what to read ([`SourceConfig::inputs`], resolved
//!   against [`SourceConfig::base_dir`]), in which [`Format`], which fields hold the text, the id
//!   and the metadata, and what to do on a bad record ([`OnError`]).
//! - [`Source`]: built by [`Source::open`], which resolves the inputs to an ordered list of
//!   [`InputFile`]s at once; then an `Iterator<Item = Result<Document, IngestError>>`.
//! - [`IngestStats`]: documents, records seen, bytes read, the [`Skip`] list, and what was
//!   repaired rather than skipped ([`Replacement`]s of invalid text, [`Split`]s of oversized
//!   documents), live while iterating and complete at the end.
//! - [`IngestError`]: `file:line: message` (or `file: byte N: message`), saying what was
//!   expected.
//!
//! ## Example
//!
//! ```
//! use wordmill_ingest::{Format, OnError, Source, SourceConfig};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = std::env::temp_dir().join(format!("wordmill-ingest-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! std::fs::write(
//!     dir.join("posts.jsonl"),
//!     concat!(
//!         r#"{"id": "a1", "body": {"text": "Workers walked out."}, "date": "2020-08-13"}"#, "\n",
//!         "not json\n",
//!         r#"{"body": {"text": "The plant stopped."}, "date": null}"#, "\n",
//!     ),
//! )?;
//!
//! let mut source = Source::open(SourceConfig {
//!     inputs: vec!["posts.jsonl".into()],
//!     base_dir: dir.clone(),
//!     format: Format::Jsonl,
//!     text_field: "body.text".into(),
//!     meta_fields: vec!["date".into()],
//!     on_error: OnError::Skip,
//!     ..SourceConfig::default()
//! })?;
//!
//! let docs: Vec<_> = source.by_ref().collect::<Result<_, _>>()?;
//! assert_eq!(docs.len(), 2);
//! assert_eq!((docs[0].id.as_str(), docs[0].meta.get("date")), ("a1", Some("2020-08-13")));
//! // No id field: the file id and the line. A null field is simply absent.
//! assert_eq!((docs[1].id.as_str(), docs[1].meta.get("date")), ("posts:3", None));
//!
//! let stats = source.stats();
//! assert_eq!(stats.records_seen, 3);
//! assert_eq!(stats.skipped[0].line, Some(2));
//! assert!(stats.skipped[0].reason.starts_with("invalid JSON at column 2"));
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok(())
//! # }
//! ```
//!
//! ## Hostile input
//!
//! Corpora are messy. Whatever the bytes, a [`Source`] never panics and never drops a record
//! silently; each outcome below is a test in `tests/hostile.rs` or beside the code it is about.
//!
//! | input | outcome |
//! | --- | --- |
//! | invalid UTF-8 | [`EncodingErrors::Reject`] (default): a record error at the first bad byte (text: `file: byte N`; JSON Lines: `file:line` and column; CSV: `file:line`, column name). [`EncodingErrors::Replace`]: U+FFFD, the document kept and listed in [`IngestStats::replaced`] |
//! | UTF-8 byte-order mark | dropped (offsets still count it) |
//! | UTF-16 LE/BE byte-order mark | decoded in every format; an odd byte count or an unpaired surrogate follows the encoding policy |
//! | a NUL byte in the first 8 KiB of a text file (no UTF-16 mark) | the file is refused: `file: byte N: binary file (NUL byte), expected text` |
//! | a NUL byte in a JSON Lines or CSV record | that record is an error of kind `binary` at its line; the file is refused whole only when a NUL byte comes in its first line, or with bytes that are not UTF-8, in its first 8 KiB |
//! | empty text file | one document with empty text: it is data |
//! | empty `.gz`/`.zst` (0 bytes) | `file: byte 0: empty gzip file (0 bytes): expected a complete gzip stream` |
//! | truncated or corrupt `.gz`/`.zst` | `corrupt gzip stream: … (expected a complete gzip file)` at the compressed offset reached; earlier JSON Lines/CSV records stay |
//! | more than [`SourceConfig::max_decompressed_bytes`] decompressed | a file error, `decompressed size exceeds limit N (decompression bomb?)` |
//! | document over [`SourceConfig::max_document_bytes`] | split at sentence ends into `ID#1`, `ID#2`, … ([`Oversize::Split`]), or skipped ([`Oversize::Skip`]); a text document is split (or measured) while it is read, never held whole, and a problem later in it keeps the parts before and skips the rest ([`Split::rest_skipped`]) |
//! | a file that changes between being listed and the end of its reading (size or modification time) | a file error of kind `changed`; what was read before stays, and is counted |
//! | a FIFO, socket or device in a directory or glob input | a skip of kind `not_a_file`; it is never opened |
//! | a file name that is not UTF-8 | its bytes are written `\xNN` in ids and display paths |
//! | memory running out while reading | a record error of kind `out_of_memory`, never a corrupt stream |
//! | JSON Lines line over [`SourceConfig::max_line_bytes`] | a record error at its line, streamed past without being held; reading goes on |
//! | malformed JSON, non-object, missing or non-string text field | a record error at the line, saying what was expected and found |
//! | JSON nested deeper than 128 levels | a record error (`recursion limit exceeded`), no stack overflow |
//! | CSV ragged row | `expected N fields (as many as the header), found M` at its line |
//! | CSV quote never closed | `unbalanced quote: the quoted field opened at byte N runs to the end of the file` |
//! | symbolic-link loop, unreadable file | a whole-file skip naming it (or the error, under [`OnError::Fail`]) |
//! | input or glob matching nothing | [`Source::open`] fails at once |
//!
//! ## Why the design is so
//!
//! - **Resolve first, read later.** [`Source::open`] expands every input before a byte is read,
//!   so a mistyped path fails in milliseconds and the file list (with sizes) is known for
//!   progress and for the run manifest. Inputs keep the order given and each expands in sorted
//!   order, so document ordinals — and so every per-document output — are reproducible.
//! - **Streaming.** JSON Lines are read line by line as bytes and CSV row by row; a text file
//!   in chunks, cut into parts as it is read when it is over the document limit; memory holds
//!   one record (or one part), never the corpus.
//! - **Per-record errors.** One bad line does not lose a file and no error is silent: under
//!   [`OnError::Skip`] every skipped record is listed with its file and line (or byte offset),
//!   and `records_seen + parts_added == documents + skipped.len()` always holds (a split
//!   document is one record and several documents: see [`IngestStats`]). The library never
//!   prints; it is the caller's choice how to show them.
//! - **Bounded memory, whatever the input.** Lines and CSV records have a length limit,
//!   decompression a size limit, documents a size limit (which holds while a text file is
//!   read); a binary file is recognised by its first 8 KiB instead of being read as text.
//! - **Nothing lost when an input changes.** A file's size and modification time are taken
//!   when it is listed and compared when reading starts and ends; a file that changed is a
//!   skip, not a silently shorter corpus.
//! - **Linear in the inputs.** The globs below one directory share one listing of it, each
//!   looking only at the entries that start with its literal start.
//! - **Configuration decides the format.** Compression is recognised by the last extension
//!   (`.gz`, `.zst`); the format comes from [`SourceConfig::format`], never from a file name.

mod config;
mod decode;
mod error;
mod harness;
mod html;
mod jsonl;
mod mail;
mod read;
mod resolve;
mod source;
mod split;
mod table;
mod text;

pub use config::{
    DEFAULT_MAX_DECOMPRESSED_BYTES, DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_LINE_BYTES,
    EncodingErrors, Format, InputOrder, OnError, Oversize, ParseNameError, SourceConfig,
};
pub use error::{IngestError, Skip, SkipKind};
#[doc(hidden)]
pub use harness::{Outcome, parse_jsonl_record, read_bytes};
pub use jsonl::{json_field, json_field_mut, json_kind};
pub use resolve::{InputFile, glob_reads};
pub use source::{IngestStats, Replacement, Source, Split};

#[cfg(test)]
mod testutil;

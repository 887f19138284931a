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
//! - [`IngestStats`]: documents, records seen, bytes read and the [`Skip`] list, live while
//!   iterating and complete at the end.
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
//! ## Why the design is so
//!
//! - **Resolve first, read later.** [`Source::open`] expands every input before a byte is read,
//!   so a mistyped path fails in milliseconds and the file list (with sizes) is known for
//!   progress and for the run manifest. Inputs keep the order given and each expands in sorted
//!   order, so document ordinals — and so every per-document output — are reproducible.
//! - **Streaming.** JSON Lines are read line by line as bytes and CSV row by row; memory holds
//!   one record (or one text file, which is one document), never the corpus.
//! - **Per-record errors.** One bad line does not lose a file and no error is silent: under
//!   [`OnError::Skip`] every skipped record is listed with its file and line (or byte offset),
//!   and `records_seen == documents + skipped.len()` always holds. The library never prints; it
//!   is the caller's choice how to show them.
//! - **Configuration decides the format.** Compression is recognised by the last extension
//!   (`.gz`, `.zst`); the format comes from [`SourceConfig::format`], never from a file name.

mod config;
mod error;
mod jsonl;
mod read;
mod resolve;
mod source;
mod table;
mod text;

pub use config::{Format, OnError, ParseNameError, SourceConfig};
pub use error::{IngestError, Skip};
pub use resolve::InputFile;
pub use source::{IngestStats, Source};

#[cfg(test)]
mod testutil;

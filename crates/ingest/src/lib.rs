//! # wordmill-ingest
//!
//! Reads a corpus — files, directories, glob patterns or standard input; plain text, JSON Lines,
//! CSV, e-mail (messages, maildirs, mbox) or saved web pages; plain, gzip or zstd — as a stream
//! of [`Document`]s, in bounded memory, with every bad record either
//! reported with its file and line or listed as skipped.
//!
//! ```no_run
//! use wordmill_ingest::Source;
//!
//! fn main() -> Result<(), wordmill_ingest::IngestError> {
//!     for doc in Source::open("corpus/")? {
//!         let doc = doc?;
//!         println!("{}\t{} bytes", doc.id, doc.text.len());
//!     }
//!     Ok(())
//! }
//! ```
//!
//! [`Source::open`] takes one path with the defaults: a directory is walked for its `.txt` and
//! `.md` files, each one document; a file is read in the format its extension names
//! (`posts.jsonl.gz` as JSON Lines with the text in the field `text`, `rows.csv` as CSV,
//! `inbox.mbox`, `page.html`, …). Records that cannot be read are skipped and listed in
//! [`Source::stats`]. For anything else — several inputs, other fields, metadata, limits,
//! stopping at the first error — build a [`SourceConfig`] and call [`Source::with_config`]
//! ([example below](#a-configured-source)).
//!
//! ## Errors
//!
//! Opening a source resolves its inputs at once: an input that matches nothing
//! ([`IngestError::NoMatch`]), an invalid glob ([`IngestError::Glob`]) or a format whose cargo
//! feature is off ([`IngestError::FeatureDisabled`]) fails before anything is read. While
//! iterating, a record (a line, a row, a message, a file) that cannot become a document follows
//! [`SourceConfig::on_error`](field@crate::SourceConfig::on_error): with [`OnError::Skip`], the
//! default, it is listed in [`IngestStats::skipped`] with its file, line or byte offset, kind
//! ([`SkipKind`]) and a message saying what was expected, and the iterator never yields `Err`;
//! with [`OnError::Fail`] the iterator yields it as [`IngestError::Record`] (or
//! [`IngestError::File`]) once, then ends. Every message reads `file:line: message` or
//! `file: byte N: message`.
//!
//! ## Cargo features
//!
//! Every format and compression is a feature, all on by default. Without them the crate still
//! reads plain text (files, directories, standard input; UTF-8, UTF-16 and legacy encodings;
//! dates; splitting), on `chrono`, `encoding_rs`, `serde`, `thiserror`, `walkdir` and
//! `wordmill-model`, and builds in about a third of the time (`zstd` compiles a C library).
//!
//! | feature | reads | through |
//! | --- | --- | --- |
//! | `gzip` | `.gz` files, gzip on standard input | `flate2` |
//! | `zstd` | `.zst` and `.zstd` files, zstd on standard input | `zstd` |
//! | `csv` | [`Format::Csv`] | `csv` |
//! | `jsonl` | [`Format::Jsonl`] | `serde_json` |
//! | `glob` | glob patterns as inputs (`corpus/**/*.txt`) | `globset` |
//! | `mail` | [`Format::Email`], [`Format::Mbox`] (turns on `html`, for HTML-only messages) | `mail-parser` |
//! | `html` | [`Format::Html`] | `html5gum` |
//! | `regex` | [`PathPattern`]: metadata from paths ([`SourceConfig::meta_from_path`](field@crate::SourceConfig::meta_from_path)) | `regex` |
//!
//! What a build without a feature does, instead of guessing: a format is refused when the source
//! is opened ([`IngestError::FeatureDisabled`]: ``format `csv` needs wordmill-ingest's `csv`
//! feature``), and so is a glob input; a compressed file is a file error of kind
//! [`SkipKind::Compression`] naming the feature (never read as text); [`PathPattern::new`] fails
//! naming `regex`. The `__fuzz` feature is not part of the API: it exposes the parsers on bytes
//! in memory to the project's fuzz targets and may change in any release.
//!
//! ## Formats
//!
//! [`SourceConfig::format`](field@crate::SourceConfig::format) says how a file's bytes become
//! documents:
//!
//! | format | records | id | text and metadata |
//! | --- | --- | --- | --- |
//! | [`Format::Text`] | the file | the file id ([`InputFile::id`]) | the whole file |
//! | [`Format::Jsonl`] | each line | [`SourceConfig::id_field`](field@crate::SourceConfig::id_field), else `<file id>:<line>` | [`SourceConfig::text_field`](field@crate::SourceConfig::text_field); [`SourceConfig::meta_fields`](field@crate::SourceConfig::meta_fields) |
//! | [`Format::Csv`] | each row | as JSON Lines | as JSON Lines, by column |
//! | [`Format::Email`] | the file: one RFC 5322 message | the Message-ID without `<>`, else the file id | below |
//! | [`Format::Mbox`] | each message, after its `From ` line | the Message-ID, else `<file id>:<message number>` | below |
//! | [`Format::Html`] | the file: one page | the file id | below |
//!
//! **E-mail** (`email`, `mbox`), parsed by `mail-parser`. The text is the message's `text/plain`
//! body parts, decoded from their transfer encoding (quoted-printable, base64) and charset, each
//! without its trailing line breaks, joined by a blank line; a message without one gives its
//! `text/html` parts reduced to text as a page's are. Other parts — non-text parts, text parts with
//! `Content-Disposition: attachment` or a file name, attached messages — are dropped and counted in
//! [`IngestStats::attachments_skipped`]. Metadata: `date` (the Date header as written, only
//! unfolded: dates are parsed elsewhere), `from` and `to` (`Name <address>`, comma-separated),
//! `subject` (RFC 2047 words decoded), `message_id`, then each header named in
//! [`SourceConfig::meta_fields`](field@crate::SourceConfig::meta_fields) (compared without regard
//! to case, decoded as text, stored under the name as written there). `text_field` and `id_field`
//! do not apply. `mail-parser` makes the best of nearly anything, so wordmill decides what is
//! malformed before calling it: a message that is empty (only whitespace), holds a NUL byte (kind
//! `binary`), or does not start with a header line (`Name: value`; a leading mbox `From ` line is
//! passed over, as in the SpamAssassin corpus) is a record error at its byte offset — kind
//! [`SkipKind::InvalidMessage`]. Broken MIME structure, bad transfer encodings and unknown charsets
//! are repaired as mail readers repair them (bytes undecodable in a part's charset become U+FFFD;
//! [`SourceConfig::encoding_errors`](field@crate::SourceConfig::encoding_errors) does not apply
//! inside a message). A message, attachments included, is one record held in memory: one over
//! [`SourceConfig::max_line_bytes`](field@crate::SourceConfig::max_line_bytes) is streamed past and
//! skipped (kind `too_long`).
//!
//! **mbox** (mboxrd): a line starting `From ` separates messages only at the start of the file
//! or after a blank line, and only when it looks like a separator: a sender, then a date with a
//! time (`12:08` or `12:08:34`) and a four-digit year (`From MAILER-DAEMON Fri Jul  8 12:08:34
//! 2011`). Any other `From ` line is body text. In a message, a line `>From `, `>>From `, …
//! loses one `>`; the blank line before a separator belongs to the mbox, not the message.
//! Content before the first separator that is not blank is a message too; an empty file holds
//! none. A bad message is skipped at the offset of its `From ` line, its reason starting
//! `message N:` (N counting the file's messages from 1).
//!
//! **HTML**: the page's visible text, tokenised by `html5gum` (no tree is built, so no nesting
//! depth can overflow a stack). Dropped with their content: `script`, `style`, `noscript`,
//! `template`, `nav`, `header`, `footer`, `svg`, `iframe`, `object`, `canvas`, the `head` (its
//! `<title>` becomes the `title` metadata, not text), comments. Block elements (`p`, `div`,
//! `h1`–`h6`, `section`, `article`, `table`, lists, …) start a new paragraph (a blank line); `br`,
//! `li`, `tr`, `td`, `th`, `dt`, `dd` a new line, which ends a sentence; runs of whitespace are one
//! space (line breaks kept in `pre`); character references decoded. Broken markup still gives its
//! text, though a hidden element left open hides the rest of the page. Metadata: `title` (the first
//! `<title>`), `date` — the `content` of the first `<meta>` whose `name`, `property` or `itemprop`
//! is, in this order of precedence, `article:published_time`, `og:published_time`, `og:pubdate`,
//! `datePublished`, `publishdate`, `publish-date`, `publish_date`, `pubdate`, `dc.date.issued`,
//! `dcterms.issued`, `dc.date`, `dcterms.date`, `dcterms.created`, `dc.date.created`, `date`,
//! `sailthru.date`, `parsely-pub-date` (compared without regard to case) — then the `<meta>` named
//! in [`SourceConfig::meta_fields`](field@crate::SourceConfig::meta_fields). The page is decoded in
//! the charset its first 8 KiB declare (`<meta charset>`, or `<meta http-equiv="Content-Type"
//! content="…; charset=…">`) by `encoding_rs`, unless it starts with a byte-order mark; else as
//! UTF-8. Bytes invalid in that encoding follow
//! [`SourceConfig::encoding_errors`](field@crate::SourceConfig::encoding_errors). A page over
//! [`SourceConfig::max_line_bytes`](field@crate::SourceConfig::max_line_bytes) is skipped (kind
//! `too_long`).
//!
//! ## Main types
//!
//! - [`SourceConfig`]: plain data saying what to read
//!   ([`SourceConfig::inputs`](field@crate::SourceConfig::inputs), resolved against
//!   [`SourceConfig::base_dir`](field@crate::SourceConfig::base_dir)), in which [`Format`], which
//!   fields hold the text, the id and the metadata, and what to do on a bad record ([`OnError`]).
//! - [`Source`]: built by [`Source::open`] (one path, the defaults) or [`Source::with_config`],
//!   which resolve the inputs to an ordered list of [`InputFile`]s at once; then an
//!   `Iterator<Item = Result<Document, IngestError>>`.
//! - [`IngestStats`]: documents, records seen, bytes read, the [`Skip`] list, and what was
//!   repaired rather than skipped ([`Replacement`]s of invalid text, [`Split`]s of oversized
//!   documents), live while iterating and complete at the end.
//! - [`IngestError`]: `file:line: message` (or `file: byte N: message`), saying what was
//!   expected.
//!
//! ## A configured source
//!
//! A [`SourceConfig`] starts from [`SourceConfig::default`]; its builder-style setters (or its
//! public fields) set what differs.
//!
//! ```
//! use wordmill_ingest::{Format, OnError, Source, SourceConfig};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # #[cfg(feature = "jsonl")] {
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
//! let mut source = Source::with_config(
//!     SourceConfig::default()
//!         .inputs(["posts.jsonl"])
//!         .base_dir(&dir)
//!         .format(Format::Jsonl)
//!         .text_field("body.text")
//!         .meta_fields(["date"])
//!         .on_error(OnError::Skip),
//! )?;
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
//! # }
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
//! | a NUL byte in an e-mail message or HTML page | as in a text file when in the first 8 KiB (the file refused; in an mbox, as in JSON Lines); further in a message, that message is an error of kind `binary` |
//! | empty text file | one document with empty text: it is data |
//! | empty `.gz`/`.zst` (0 bytes) | `file: byte 0: empty gzip file (0 bytes): expected a complete gzip stream` |
//! | truncated or corrupt `.gz`/`.zst` | `corrupt gzip stream: … (expected a complete gzip file)` at the compressed offset reached; earlier JSON Lines/CSV records stay |
//! | more than [`SourceConfig::max_decompressed_bytes`](field@crate::SourceConfig::max_decompressed_bytes) decompressed | a file error, `decompressed size exceeds limit N (decompression bomb?)` |
//! | document over [`SourceConfig::max_document_bytes`](field@crate::SourceConfig::max_document_bytes) | split at sentence ends into `ID#1`, `ID#2`, … ([`Oversize::Split`]), or skipped ([`Oversize::Skip`]); a text document is split (or measured) while it is read, never held whole, and a problem later in it keeps the parts before and skips the rest ([`Split::rest_skipped`]) |
//! | a file that changes between being listed and the end of its reading (size or modification time) | a file error of kind `changed`; what was read before stays, and is counted |
//! | a FIFO, socket or device in a directory or glob input | a skip of kind `not_a_file`; it is never opened |
//! | a file name that is not UTF-8 | its bytes are written `\xNN` in ids and display paths |
//! | memory running out while reading | a record error of kind `out_of_memory`, never a corrupt stream |
//! | JSON Lines line over [`SourceConfig::max_line_bytes`](field@crate::SourceConfig::max_line_bytes) | a record error at its line, streamed past without being held; reading goes on |
//! | malformed JSON, non-object, missing or non-string text field | a record error at the line, saying what was expected and found |
//! | JSON nested deeper than 128 levels | a record error (`recursion limit exceeded`), no stack overflow |
//! | CSV ragged row | `expected N fields (as many as the header), found M` at its line |
//! | CSV quote never closed | `unbalanced quote: the quoted field opened at byte N runs to the end of the file` |
//! | an empty e-mail message, one without a header line at its start | a record error of kind `invalid_message` at its byte offset (in an mbox: its `From ` line's, the reason starting `message N:`) |
//! | an e-mail message of 10,000 MIME parts (or 10,000 multiparts nested) | read in milliseconds: the parser keeps its nesting on the heap |
//! | a 100 MB e-mail header | a message is one record held whole only within [`SourceConfig::max_line_bytes`](field@crate::SourceConfig::max_line_bytes): over it, streamed past and skipped (`too_long`), the next message read; within it, parsed in linear time |
//! | a `From ` line in an mbox body | a separator only after a blank line and with a date (time and year); otherwise body text; `>From ` lines unquoted |
//! | HTML nested 100,000 deep, or broken | text, in linear time: the tokenizer builds no tree and no stack |
//! | symbolic-link loop, unreadable file | a whole-file skip naming it (or the error, under [`OnError::Fail`]) |
//! | input or glob matching nothing | [`Source::open`] and [`Source::with_config`] fail at once |
//!
//! ## Why the design is so
//!
//! - **Resolve first, read later.** Opening a source expands every input before a byte is read,
//!   so a mistyped path fails in milliseconds and the file list (with sizes) is known for
//!   progress and for the run manifest. Inputs keep the order given and each expands in sorted
//!   order, so document ordinals — and so every per-document output — are reproducible.
//! - **Streaming.** JSON Lines are read line by line as bytes, CSV row by row and an mbox message
//!   by message; a text file in chunks, cut into parts as it is read when it is over the document
//!   limit; memory holds one record (or one part), never the corpus.
//! - **Per-record errors.** One bad line does not lose a file and no error is silent: under
//!   [`OnError::Skip`] every skipped record is listed with its file and line (or byte offset),
//!   and `records_seen + parts_added == documents + skipped.len()` always holds (a split
//!   document is one record and several documents: see [`IngestStats`]). The library never
//!   prints; it is the caller's choice how to show them.
//! - **Bounded memory, whatever the input.** Lines, CSV records, e-mail messages and HTML pages
//!   have a length limit, decompression a size limit, documents a size limit (which holds while
//!   a text file is read); a binary file is recognised by its first 8 KiB instead of being read
//!   as text.
//! - **Nothing lost when an input changes.** A file's size and modification time are taken
//!   when it is listed and compared when reading starts and ends; a file that changed is a
//!   skip, not a silently shorter corpus.
//! - **Linear in the inputs.** The globs below one directory share one listing of it, each
//!   looking only at the entries that start with its literal start.
//! - **Configuration decides the format.** Compression is recognised by the last extension (`.gz`,
//!   `.zst`); the format comes from [`SourceConfig::format`](field@crate::SourceConfig::format),
//!   never from the names of the files read. Only [`Source::open`] chooses one, once, from the
//!   extension of the path it is given.
//! - **A small, typed API.** Choices are enums ([`Format`], [`OnError`], …) that parse from and
//!   print as the names pipeline files use; configuration and result types are
//!   `#[non_exhaustive]`, so fields and variants can be added without breaking callers; no
//!   dependency's type appears in a public signature (a path pattern is a [`PathPattern`], a bad
//!   pattern a [`PatternError`]).

mod config;
mod date;
mod decode;
mod error;
#[cfg(any(test, feature = "__fuzz"))]
mod harness;
#[cfg(feature = "html")]
mod html;
#[cfg(feature = "jsonl")]
mod jsonl;
#[cfg(feature = "mail")]
mod mail;
mod pattern;
mod read;
mod resolve;
mod source;
mod split;
#[cfg(feature = "csv")]
mod table;
mod text;

pub use config::{
    Charset, DEFAULT_MAX_DECOMPRESSED_BYTES, DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_LINE_BYTES,
    EncodingErrors, Format, InputOrder, OnError, Oversize, ParseNameError, SourceConfig,
    TextEncoding, Undated,
};
pub use date::{DateError, DateFormat, DateFormatError, normalise_date};
pub use error::{IngestError, Skip, SkipKind};
pub use pattern::{PathPattern, PatternError};
pub use resolve::{InputFile, glob_reads};
pub use source::{IngestStats, Replacement, Source, Split};
/// The documents a [`Source`] yields, re-exported so that one dependency on this crate is
/// enough (they are `wordmill-model`'s, the same types every wordmill crate uses).
pub use wordmill_model::{Document, Metadata, Ordinal};

#[cfg(test)]
mod testutil;

/// The examples of README.md, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The parsers on bytes in memory, for the `fuzz/` targets and benchmarks: **not part of the
/// API**. Only with the `__fuzz` feature, which is unstable: anything here may change or go in
/// any release.
#[cfg(feature = "__fuzz")]
#[doc(hidden)]
pub mod __fuzz {
    #[cfg(feature = "jsonl")]
    pub use crate::harness::parse_jsonl_record;
    pub use crate::harness::{Outcome, read_bytes};
}

/// The JSON field look-ups of the JSON Lines reader, shared with the other wordmill crates so
/// that `wordmill sentiment` and `wordmill kwic` find fields as the pipeline does: **not part of
/// the API** (they take `serde_json` values); anything here may change in any release.
#[cfg(feature = "jsonl")]
#[doc(hidden)]
pub mod __json {
    pub use crate::jsonl::{json_field, json_field_mut, json_kind};
}

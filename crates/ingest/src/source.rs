//! The running source: an iterator of documents over the resolved files.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use wordmill_model::{Document, Metadata, Ordinal};

use crate::config::{Format, OnError, Oversize, SourceConfig, Undated};
use crate::date::normalise_date;
use crate::decode::Tally;
use crate::error::{IngestError, Skip, SkipKind};
#[cfg(feature = "html")]
use crate::html::HtmlReader;
#[cfg(feature = "jsonl")]
use crate::jsonl::JsonlReader;
#[cfg(feature = "mail")]
use crate::mail::{EmailReader, MboxReader};
use crate::read::{self, Compression, Encoding, Watch};
use crate::resolve::{self, InputFile};
use crate::split::split_points;
#[cfg(feature = "csv")]
use crate::table::CsvReader;
use crate::text::TextReader;

/// Counters of a [`Source`], updated as it is iterated and complete once it has returned
/// `None`.
///
/// Invariant, after every call of `next` under [`OnError::Skip`] (and under
/// [`OnError::Fail`] until the error, which is counted nowhere):
///
/// `records_seen + parts_added == documents + skipped.len()`
///
/// where `parts_added` is the sum over [`IngestStats::split`] of `parts - 1`, plus 1 for each split
/// whose [`Split::rest_skipped`] is true. A record (a text file, a JSON Lines line, a CSV row, an
/// e-mail message, an HTML page, a file that could not be read) is seen once; a document split into
/// `k` parts yields `k` documents and so adds `k - 1`; a text document whose reading failed after
/// `k` parts had been yielded adds `k` (its `k` documents and the skip of its rest, for one
/// record). Without splits, `records_seen == documents + skipped.len()`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IngestStats {
    /// Records met so far: records that became a document (or the parts of one) plus records
    /// (and files) skipped. A split document is one record.
    pub records_seen: u64,
    /// Documents yielded (each part of a split document is one).
    pub documents: u64,
    /// Documents and skips beyond the first that split records produced (see the invariant
    /// above).
    #[serde(default)]
    pub parts_added: u64,
    /// Bytes of input consumed (the compressed size for compressed files).
    pub bytes_read: u64,
    /// Files started so far, including standard input and files that could not be opened.
    pub files_opened: u64,
    /// What was skipped and why, in input order.
    pub skipped: Vec<Skip>,
    /// Documents kept with invalid bytes replaced by U+FFFD (under
    /// [`EncodingErrors::Replace`](crate::EncodingErrors::Replace)), in input order.
    #[serde(default)]
    pub replaced: Vec<Replacement>,
    /// Documents split into parts for being over
    /// [`SourceConfig::max_document_bytes`](field@crate::SourceConfig::max_document_bytes), in
    /// input order.
    #[serde(default)]
    pub split: Vec<Split>,
    /// Files found in directory inputs and not read, for their extension (see
    /// [`SourceConfig::extensions`](field@crate::SourceConfig::extensions)).
    #[serde(default)]
    pub files_left_out: u64,
    /// The first of them (at most ten), as displayed.
    #[serde(default)]
    pub left_out_examples: Vec<String>,
    /// E-mail attachments dropped: the parts of the messages read that are not text (or are
    /// text marked as an attachment), and attached messages.
    #[serde(default)]
    pub attachments_skipped: u64,
    /// Documents kept without a readable date, under [`Undated::Keep`](crate::Undated::Keep) (see
    /// [`SourceConfig::date_field`](field@crate::SourceConfig::date_field)).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub undated: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Invalid text replaced by U+FFFD in a document that was kept: where, and how many
/// sequences.
///
/// For a UTF-16 JSON Lines or CSV file there is one entry for the whole file (`line` is
/// `None`); otherwise one per document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Replacement {
    /// The file, as displayed.
    pub file: String,
    /// 1-based line where the record starts (JSON Lines, CSV); `None` for a text file.
    pub line: Option<u64>,
    /// Offset of the first replaced byte, counted in the file's decompressed bytes (for CSV,
    /// in the row's unquoted field bytes after the row's start, so quotes before it are not
    /// counted).
    pub byte_offset: u64,
    /// How many invalid sequences were replaced (each by one U+FFFD).
    pub count: u64,
}

/// A document over
/// [`SourceConfig::max_document_bytes`](field@crate::SourceConfig::max_document_bytes) that was
/// split into parts `ID#1`, `ID#2`, ... (each a document with the same metadata).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Split {
    /// The file, as displayed.
    pub file: String,
    /// 1-based line where the record starts (JSON Lines, CSV); `None` for a text file.
    pub line: Option<u64>,
    /// The id of the whole document (the parts add `#1`, `#2`, ...).
    pub id: String,
    /// How many parts it became: documents `ID#1` to `ID#parts`.
    pub parts: u64,
    /// Reading the document failed after these parts (a text document is split while it is
    /// read): the rest of it is the skip listed in [`IngestStats::skipped`] after them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub rest_skipped: bool,
}

/// Streams [`Document`]s out of the configured inputs, in input order.
///
/// Built by [`Source::open`] (one path, the defaults) or [`Source::with_config`], which resolve
/// the inputs to a file list at once (so a typo in a path fails before any work is done). Iterating reads the files one after another, one
/// record at a time; nothing but the current record (or the current text file) is held.
///
/// Record errors follow [`SourceConfig::on_error`](field@crate::SourceConfig::on_error): under
/// [`OnError::Skip`] they are counted in [`IngestStats::skipped`] and the iterator never yields
/// `Err`; under [`OnError::Fail`] it yields the error once and then `None`.
pub struct Source {
    config: SourceConfig,
    files: Vec<InputFile>,
    next_file: usize,
    current: Option<OpenFile>,
    stats: IngestStats,
    consumed: Arc<AtomicU64>,
    next_ordinal: Ordinal,
    finished: bool,
    /// Documents (parts of a split one) still to be yielded.
    pending: VecDeque<Pending>,
    /// In-memory bytes read in place of the (single) file; for the fuzzing entry points.
    memory: Option<Arc<[u8]>>,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("config", &self.config)
            .field("files", &self.files)
            .field("next_file", &self.next_file)
            .field("stats", &self.stats)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

/// A document waiting to be yielded.
struct Pending {
    id: String,
    text: String,
    meta: Metadata,
    /// A part after the first of a split document: not a record of its own.
    extra: bool,
}

/// The file being read.
struct OpenFile {
    index: usize,
    id: String,
    path_meta: Metadata,
    start: u64,
    compression: Compression,
    reader: Reader,
    /// Replacements made by the UTF-16 transcoder, listed when the file ends (JSON Lines and
    /// CSV; a text reader lists them with its document).
    transcode_tally: Option<Arc<Mutex<Tally>>>,
    /// The file, to be checked for changes when it ends (JSON Lines and CSV; a text reader
    /// checks before it hands out its document).
    watch: Option<Watch>,
}

enum Reader {
    Text(Box<TextReader>),
    #[cfg(feature = "jsonl")]
    Jsonl(JsonlReader),
    #[cfg(feature = "csv")]
    Csv(Box<CsvReader>),
    #[cfg(feature = "mail")]
    Email(Box<EmailReader>),
    #[cfg(feature = "mail")]
    Mbox(Box<MboxReader>),
    #[cfg(feature = "html")]
    Html(Box<HtmlReader>),
}

/// What the parsers see of the source while reading one file.
pub(crate) struct Ctx<'a> {
    pub config: &'a SourceConfig,
    /// The file's id (see [`InputFile::id`]).
    pub file_id: &'a str,
    /// Metadata from `meta_from_path`, the start of every document's metadata.
    pub path_meta: &'a Metadata,
    #[cfg_attr(
        not(any(feature = "jsonl", feature = "csv", feature = "html")),
        allow(dead_code)
    )]
    pub compression: Compression,
    pub consumed: &'a AtomicU64,
    pub start: u64,
}

impl Ctx<'_> {
    /// Raw bytes of the current file consumed so far.
    pub(crate) fn bytes_consumed(&self) -> u64 {
        self.consumed.load(Ordering::Relaxed) - self.start
    }
}

/// Invalid bytes replaced in a document: the first one's offset, and how many sequences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Replaced {
    pub byte_offset: u64,
    pub count: u64,
}

/// One step of reading a file.
pub(crate) enum Step {
    Doc {
        id: String,
        text: String,
        meta: Metadata,
        /// The record's line, for JSON Lines and CSV.
        line: Option<u64>,
        /// The record's offset, for an mbox message.
        byte_offset: Option<u64>,
        replaced: Option<Replaced>,
    },
    /// Part `number` (from 1) of a text document split while it is read.
    Part {
        text: String,
        number: u64,
        last: bool,
    },
    Problem(Problem),
    End,
}

/// A record (or file) that could not become a document.
#[derive(Debug)]
pub(crate) struct Problem {
    pub line: Option<u64>,
    pub byte_offset: Option<u64>,
    pub kind: SkipKind,
    pub reason: String,
    /// The whole file is unusable (reported as [`IngestError::File`]).
    pub whole_file: bool,
    /// Nothing more can be read from the file.
    pub ends_file: bool,
}

impl Problem {
    pub(crate) fn at_line(line: u64, kind: SkipKind, reason: String) -> Self {
        Problem {
            line: Some(line),
            byte_offset: None,
            kind,
            reason,
            whole_file: false,
            ends_file: false,
        }
    }

    pub(crate) fn at_byte(byte: u64, kind: SkipKind, reason: String) -> Self {
        Problem {
            line: None,
            byte_offset: Some(byte),
            kind,
            reason,
            whole_file: false,
            ends_file: false,
        }
    }

    pub(crate) fn whole_file(kind: SkipKind, reason: String) -> Self {
        Problem {
            line: None,
            byte_offset: None,
            kind,
            reason,
            whole_file: true,
            ends_file: true,
        }
    }
}

impl Source {
    /// Reads one file or directory with the defaults of [`SourceConfig::default`], the
    /// format chosen from the file's extension: the shortest way in.
    ///
    /// The format is the one the path's last extension names, after a compression extension
    /// (`.gz`, `.zst`, `.zstd`) is set aside: `.jsonl`, `.ndjson` and `.json` are
    /// [`Format::Jsonl`] (text in the field `text`, id in `id`), `.csv` is [`Format::Csv`]
    /// (the same names as columns), `.eml` is [`Format::Email`], `.mbox` and `.mbx` are
    /// [`Format::Mbox`], `.html`, `.htm` and `.xhtml` are [`Format::Html`]; anything else, and
    /// a directory, is [`Format::Text`]: a directory is walked for its `.txt` and `.md` files,
    /// each one document. Bad records are skipped ([`OnError::Skip`]) and listed in
    /// [`Source::stats`].
    ///
    /// `path` is taken as one of [`SourceConfig::inputs`](field@crate::SourceConfig::inputs),
    /// relative to the working directory: a glob pattern (`corpus/*.jsonl`) is expanded and
    /// `-` is standard input. For anything else (other fields, other formats, several inputs),
    /// build a [`SourceConfig`] and call [`Source::with_config`].
    ///
    /// ```no_run
    /// # fn main() -> Result<(), wordmill_ingest::IngestError> {
    /// for doc in wordmill_ingest::Source::open("corpus/")? {
    ///     let doc = doc?;
    ///     println!("{}: {} bytes", doc.id, doc.text.len());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Source::with_config`]: a path that does not exist (or a glob that matches nothing,
    /// or a directory without a file to read), a path that is not UTF-8, or a format whose
    /// cargo feature is off.
    pub fn open(path: impl AsRef<Path>) -> Result<Source, IngestError> {
        let path = path.as_ref();
        let Some(input) = path.to_str() else {
            return Err(IngestError::NoMatch {
                input: path.to_string_lossy().into_owned(),
                reason: "expected a path in UTF-8 (name the file in a SourceConfig input \
                         relative to a base directory instead)"
                    .to_owned(),
            });
        };
        let format = if path.is_dir() {
            Format::Text
        } else {
            Format::for_path(path)
        };
        Source::with_config(SourceConfig::default().inputs([input]).format(format))
    }

    /// Resolves the inputs of `config` to the list of files to read (see [`Source::files`]);
    /// iterating the source reads them.
    ///
    /// # Errors
    ///
    /// An input that matches nothing (a missing file, a glob with no match, an empty
    /// directory) or an invalid glob pattern. Entries that cannot be listed (a symbolic-link
    /// loop, an unreadable directory) are errors under [`OnError::Fail`] and skips under
    /// [`OnError::Skip`].
    pub fn with_config(config: SourceConfig) -> Result<Source, IngestError> {
        if let Some(err) = config.format.disabled() {
            return Err(err);
        }
        let resolved = resolve::resolve(&config)?;
        let skipped: Vec<Skip> = resolved
            .problems
            .into_iter()
            .map(|p| Skip {
                file: p.display,
                line: None,
                byte_offset: None,
                kind: p.kind,
                reason: p.reason,
            })
            .collect();
        let stats = IngestStats {
            records_seen: skipped.len() as u64,
            skipped,
            files_left_out: resolved.left_out.count,
            left_out_examples: resolved.left_out.examples,
            ..IngestStats::default()
        };
        Ok(Source {
            config,
            files: resolved.files,
            next_file: 0,
            current: None,
            stats,
            consumed: Arc::new(AtomicU64::new(0)),
            next_ordinal: 0,
            finished: false,
            pending: VecDeque::new(),
            memory: None,
        })
    }

    /// Checks every input of `config` at once, as [`Source::with_config`] resolves them, without stopping
    /// at the first that fails: the error of each input that matches nothing or is not a valid glob
    /// (or has an entry that cannot be listed, under [`OnError::Fail`]), with its index in
    /// [`SourceConfig::inputs`](field@crate::SourceConfig::inputs). Each input's error is the one
    /// opening a source of that input alone gives; the directories that globs list are listed once
    /// for all of them, so checking many inputs takes time in proportion to the inputs and the
    /// files.
    pub fn check_inputs(config: &SourceConfig) -> Vec<(usize, IngestError)> {
        resolve::check(config).0
    }

    /// A source reading `bytes` as if they were the file `name` (whose extension says how it
    /// is compressed), for the fuzzing and property-test entry points.
    #[cfg(any(test, feature = "__fuzz"))]
    pub(crate) fn from_bytes(name: &str, bytes: &[u8], config: SourceConfig) -> Source {
        Source {
            config,
            files: vec![InputFile::named(name, bytes.len() as u64)],
            next_file: 0,
            current: None,
            stats: IngestStats::default(),
            consumed: Arc::new(AtomicU64::new(0)),
            next_ordinal: 0,
            finished: false,
            pending: VecDeque::new(),
            memory: Some(Arc::from(bytes)),
        }
    }

    /// The files to read, in the order they will be read.
    pub fn files(&self) -> &[InputFile] {
        &self.files
    }

    /// The counters so far; complete after the iterator has returned `None`.
    pub fn stats(&self) -> &IngestStats {
        &self.stats
    }

    /// The configuration this source was opened with.
    pub fn config(&self) -> &SourceConfig {
        &self.config
    }

    /// The counters, consuming the source.
    pub fn into_stats(self) -> IngestStats {
        self.stats
    }

    /// Opens the next file and prepares its reader. Returns an opening problem, or `None` when
    /// a reader was set up.
    fn start_file(&mut self, index: usize) -> Option<Step> {
        let file = &self.files[index];
        self.stats.files_opened += 1;
        let mut path_meta = path_metadata(&self.config, &file.display);
        if self.config.format == Format::Text
            && let Err(problem) = self.date(&mut path_meta, None)
        {
            return Some(Step::Problem(problem));
        }
        let file = &self.files[index];
        let id = file.id(self.config.format);
        let start = self.consumed.load(Ordering::Relaxed);
        let mut opened = match read::open(file, &self.consumed, self.memory.as_ref(), &self.config)
        {
            Ok(opened) => opened,
            Err(problem) => return Some(Step::Problem(problem)),
        };
        let ctx = Ctx {
            config: &self.config,
            file_id: &id,
            path_meta: &path_meta,
            compression: opened.compression,
            consumed: &self.consumed,
            start,
        };
        let compression = opened.compression;
        let bom = match opened.encoding {
            Encoding::Utf8 { bom } => bom,
            Encoding::Transcoded => 0,
        };
        let (transcode_tally, watch) = match self.config.format {
            Format::Text => (None, None),
            _ => (opened.transcode_tally.clone(), opened.watch.take()),
        };
        let reader = match self.config.format {
            Format::Text => Reader::Text(Box::new(TextReader::new(opened, &ctx))),
            #[cfg(feature = "jsonl")]
            Format::Jsonl => Reader::Jsonl(JsonlReader::new(opened.reader, bom)),
            #[cfg(feature = "csv")]
            Format::Csv => match CsvReader::open(opened, &ctx) {
                Ok(reader) => Reader::Csv(Box::new(reader)),
                Err(problem) => return Some(Step::Problem(problem)),
            },
            #[cfg(feature = "mail")]
            Format::Email => Reader::Email(Box::new(EmailReader::new(opened))),
            #[cfg(feature = "mail")]
            Format::Mbox => Reader::Mbox(Box::new(MboxReader::new(opened))),
            #[cfg(feature = "html")]
            Format::Html => Reader::Html(Box::new(HtmlReader::new(opened))),
            // A format whose feature is off (`Source::with_config` refuses it before).
            #[cfg(not(all(
                feature = "jsonl",
                feature = "csv",
                feature = "mail",
                feature = "html"
            )))]
            format => {
                let _ = bom;
                return Some(Step::Problem(Problem::whole_file(
                    SkipKind::Other,
                    format.disabled().map(|e| e.to_string()).unwrap_or_default(),
                )));
            }
        };
        self.current = Some(OpenFile {
            index,
            id,
            path_meta,
            start,
            compression,
            reader,
            transcode_tally,
            watch,
        });
        None
    }

    /// Closes the current file, listing what its UTF-16 transcoder replaced.
    fn close_file(&mut self) {
        let Some(open) = self.current.take() else {
            return;
        };
        let tally = open
            .transcode_tally
            .and_then(|t| t.lock().ok().map(|t| *t))
            .unwrap_or_default();
        if let Some(first) = tally.first {
            self.stats.replaced.push(Replacement {
                file: self.files[open.index].display.clone(),
                line: None,
                byte_offset: first,
                count: tally.count,
            });
        }
    }

    /// Queues a document read from file `index` (or its parts, when it is over the size
    /// limit), or makes it a problem when it is over the limit and the policy is to skip.
    fn document(
        &mut self,
        index: usize,
        id: String,
        text: String,
        mut meta: Metadata,
        line: Option<u64>,
        replaced: Option<Replaced>,
    ) -> Result<(), Problem> {
        if let Some(field) = &self.config.path_field {
            meta = field_path_metadata(&self.config, field, meta);
        }
        // A text file's date comes from its path, read once when the file starts.
        if self.config.format != Format::Text {
            self.date(&mut meta, line)?;
        }
        let limit = self.config.max_document_bytes.unwrap_or(u64::MAX);
        let len = text.len() as u64;
        if len > limit {
            if self.config.oversize == Oversize::Skip {
                let reason =
                    format!("document of {len} bytes exceeds max_document_bytes = {limit}");
                return Err(match line {
                    Some(line) => Problem::at_line(line, SkipKind::Oversize, reason),
                    None => Problem {
                        line: None,
                        byte_offset: None,
                        kind: SkipKind::Oversize,
                        reason,
                        whole_file: false,
                        ends_file: false,
                    },
                });
            }
            let cuts = split_points(&text, usize::try_from(limit).unwrap_or(usize::MAX));
            let mut start = 0;
            for (k, &end) in cuts.iter().enumerate() {
                self.pending.push_back(Pending {
                    id: format!("{id}#{}", k + 1),
                    text: text[start..end].to_owned(),
                    meta: meta.clone(),
                    extra: k > 0,
                });
                start = end;
            }
            self.stats.split.push(Split {
                file: self.files[index].display.clone(),
                line,
                id,
                parts: cuts.len() as u64,
                rest_skipped: false,
            });
        } else {
            self.pending.push_back(Pending {
                id,
                text,
                meta,
                extra: false,
            });
        }
        if let Some(replaced) = replaced {
            self.stats.replaced.push(Replacement {
                file: self.files[index].display.clone(),
                line,
                byte_offset: replaced.byte_offset,
                count: replaced.count,
            });
        }
        Ok(())
    }

    /// Reads the document's date field and writes it back normalised; a missing or unreadable
    /// date is a problem at `line`, or, under [`Undated::Keep`], counted.
    fn date(&mut self, meta: &mut Metadata, line: Option<u64>) -> Result<(), Problem> {
        let Some(field) = &self.config.date_field else {
            return Ok(());
        };
        let parsed = match meta.get(field) {
            None => Err(format!(
                "no `{field}` field: expected the document's date (date_field = \"{field}\"; \
                 undated = \"keep\" keeps documents without one)"
            )),
            Some(value) => match &self.config.date_format {
                Some(format) => format.normalise(value),
                None => normalise_date(value),
            }
            .map_err(|err| format!("`{field}`: {err}")),
        };
        match parsed {
            Ok(value) => {
                meta.insert(field.as_str(), value);
                Ok(())
            }
            Err(_) if self.config.undated == Undated::Keep => {
                self.stats.undated += 1;
                Ok(())
            }
            Err(reason) => Err(match line {
                Some(line) => Problem::at_line(line, SkipKind::InvalidDate, reason),
                None => Problem {
                    line: None,
                    byte_offset: None,
                    kind: SkipKind::InvalidDate,
                    reason,
                    whole_file: false,
                    ends_file: false,
                },
            }),
        }
    }

    /// Queues part `number` of the text document being read from file `index`: the first
    /// part lists the split, the others count in it; the last lists the replacements made in
    /// the whole document.
    fn part(&mut self, index: usize, text: String, number: u64, last: bool) {
        let Some(open) = &self.current else {
            return;
        };
        if number == 1 {
            self.stats.split.push(Split {
                file: self.files[index].display.clone(),
                line: None,
                id: open.id.clone(),
                parts: 1,
                rest_skipped: false,
            });
        } else if let Some(split) = self.stats.split.last_mut() {
            split.parts = number;
        }
        self.pending.push_back(Pending {
            id: format!("{}#{number}", open.id),
            text,
            meta: open.path_meta.clone(),
            extra: number > 1,
        });
        if last {
            self.text_replacements(index);
        }
    }

    /// Lists the replacements made in the text document being read from file `index`.
    fn text_replacements(&mut self, index: usize) {
        let replaced = match &self.current {
            Some(OpenFile {
                reader: Reader::Text(text),
                ..
            }) => text.replaced(),
            _ => None,
        };
        if let Some(replaced) = replaced {
            self.stats.replaced.push(Replacement {
                file: self.files[index].display.clone(),
                line: None,
                byte_offset: replaced.byte_offset,
                count: replaced.count,
            });
        }
    }

    /// Parts of the current text document already yielded (0 when not splitting).
    fn parts_yielded(&self) -> u64 {
        match &self.current {
            Some(OpenFile {
                reader: Reader::Text(text),
                ..
            }) => text.parts(),
            _ => 0,
        }
    }

    /// The next queued document (a part of a split one), counted.
    fn next_pending(&mut self) -> Option<Document> {
        let Pending {
            id,
            text,
            meta,
            extra,
        } = self.pending.pop_front()?;
        let doc = Document::new(self.next_ordinal, id, text, meta);
        self.next_ordinal += 1;
        self.stats.documents += 1;
        if extra {
            self.stats.parts_added += 1;
        } else {
            self.stats.records_seen += 1;
        }
        Some(doc)
    }

    /// Turns a problem with file `index` into an error, or a skip. When `rest` is true the
    /// problem ends a split document some parts of which were yielded: its skip is the
    /// document's rest, not a record of its own.
    fn problem(&mut self, index: usize, problem: Problem, rest: bool) -> Option<IngestError> {
        let file = self.files[index].display.clone();
        let err = if problem.whole_file {
            IngestError::File {
                file,
                kind: problem.kind,
                reason: problem.reason,
            }
        } else {
            IngestError::Record {
                file,
                line: problem.line,
                byte_offset: problem.byte_offset,
                kind: problem.kind,
                reason: problem.reason,
            }
        };
        match self.config.on_error {
            OnError::Fail => Some(err),
            OnError::Skip => {
                self.stats.skipped.push(err.to_skip());
                if rest {
                    self.stats.parts_added += 1;
                    if let Some(split) = self.stats.split.last_mut() {
                        split.rest_skipped = true;
                    }
                } else {
                    self.stats.records_seen += 1;
                }
                None
            }
        }
    }
}

impl Iterator for Source {
    type Item = Result<Document, IngestError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = loop {
            if let Some(doc) = self.next_pending() {
                break Some(Ok(doc));
            }
            if self.finished {
                break None;
            }
            let (index, step) = match &mut self.current {
                Some(open) => {
                    let ctx = Ctx {
                        config: &self.config,
                        file_id: &open.id,
                        path_meta: &open.path_meta,
                        compression: open.compression,
                        consumed: &self.consumed,
                        start: open.start,
                    };
                    let step = match &mut open.reader {
                        Reader::Text(reader) => reader.next(&ctx),
                        #[cfg(feature = "jsonl")]
                        Reader::Jsonl(reader) => reader.next(&ctx),
                        #[cfg(feature = "csv")]
                        Reader::Csv(reader) => reader.next(&ctx),
                        #[cfg(feature = "mail")]
                        Reader::Email(reader) => reader.next(&ctx),
                        #[cfg(feature = "mail")]
                        Reader::Mbox(reader) => reader.next(&ctx),
                        #[cfg(feature = "html")]
                        Reader::Html(reader) => reader.next(&ctx),
                    };
                    self.stats.attachments_skipped += match &mut open.reader {
                        #[cfg(feature = "mail")]
                        Reader::Email(reader) => reader.take_attachments(),
                        #[cfg(feature = "mail")]
                        Reader::Mbox(reader) => reader.take_attachments(),
                        _ => 0,
                    };
                    let step = match (step, &open.watch) {
                        (Step::End, Some(watch)) => match watch.check("while it was read") {
                            Some(problem) => Step::Problem(problem),
                            None => Step::End,
                        },
                        (step, _) => step,
                    };
                    (open.index, step)
                }
                None => {
                    if self.next_file >= self.files.len() {
                        self.finished = true;
                        break None;
                    }
                    let index = self.next_file;
                    self.next_file += 1;
                    match self.start_file(index) {
                        Some(step) => (index, step),
                        None => continue,
                    }
                }
            };
            let problem = match step {
                Step::End => {
                    self.close_file();
                    continue;
                }
                Step::Doc {
                    id,
                    text,
                    meta,
                    line,
                    byte_offset,
                    replaced,
                } => match self.document(index, id, text, meta, line, replaced) {
                    Ok(()) => continue,
                    // An mbox message is skipped at its offset.
                    Err(mut problem) => {
                        if problem.line.is_none() {
                            problem.byte_offset = byte_offset;
                        }
                        problem
                    }
                },
                Step::Part { text, number, last } => {
                    self.part(index, text, number, last);
                    continue;
                }
                Step::Problem(problem) => problem,
            };
            let rest = self.parts_yielded() > 0;
            if rest {
                self.text_replacements(index);
            }
            if problem.ends_file {
                self.close_file();
            }
            if let Some(err) = self.problem(index, problem, rest) {
                self.close_file();
                self.finished = true;
                break Some(Err(err));
            }
        };
        self.stats.bytes_read = self.consumed.load(Ordering::Relaxed);
        item
    }
}

/// A record's metadata with `field` (its original path) replaced by the named groups of
/// `meta_from_path` that matched in it, those first (see
/// [`SourceConfig::path_field`](field@crate::SourceConfig::path_field)).
fn field_path_metadata(config: &SourceConfig, field: &str, meta: Metadata) -> Metadata {
    let mut out = match meta.get(field) {
        Some(path) => path_metadata_of(config, path),
        None => Metadata::new(),
    };
    for (k, v) in meta.iter() {
        if k != field {
            out.insert(k, v);
        }
    }
    out
}

/// The named groups of `meta_from_path` that matched in `display`, in group order.
fn path_metadata(config: &SourceConfig, display: &str) -> Metadata {
    if config.path_field.is_some() {
        // Matched against each record's field instead.
        return Metadata::new();
    }
    path_metadata_of(config, display)
}

/// The named groups of `meta_from_path` that matched in `path`, in group order.
fn path_metadata_of(config: &SourceConfig, display: &str) -> Metadata {
    let mut meta = Metadata::new();
    if let Some(pattern) = &config.meta_from_path {
        pattern.add_matches(display, &mut meta);
    }
    meta
}

#[cfg(test)]
mod tests {
    // Some functions here serve only the tests of optional features.
    #![cfg_attr(
        not(all(
            feature = "csv",
            feature = "glob",
            feature = "gzip",
            feature = "html",
            feature = "jsonl",
            feature = "mail",
            feature = "regex",
            feature = "zstd"
        )),
        allow(dead_code, unused_imports)
    )]

    use proptest::prelude::*;

    use crate::PathPattern;

    use super::*;
    use crate::testutil::{TempDir, assert_reconciles, ids, read_all, read_until_error};

    const SOTU: &str = r"(?P<year>\d{4})_(?P<president>.+)_(?P<party>[a-z])\.txt";

    #[test]
    fn source_is_send() {
        fn send<T: Send>() {}
        send::<Source>();
        send::<IngestError>();
    }

    #[cfg(all(feature = "glob", feature = "jsonl", feature = "regex"))]
    #[test]
    fn meta_from_path_groups_come_first_in_group_order() {
        let dir = TempDir::new("metapath");
        dir.write("corpus/sotu/1990_george_bush_r.txt", "x");
        dir.write("corpus/sotu/1961_john_f_kennedy_d.txt", "y");
        dir.write("corpus/sotu/notes.txt", "z");
        let mut config = dir.config(&["corpus/sotu/*.txt"], Format::Text);
        config.meta_from_path = Some(PathPattern::new(SOTU).unwrap());
        let (docs, _) = read_all(config);
        assert_eq!(
            ids(&docs),
            ["1961_john_f_kennedy_d", "1990_george_bush_r", "notes"]
        );
        let meta: Vec<_> = docs[1].meta.iter().collect();
        assert_eq!(
            meta,
            [
                ("year", "1990"),
                ("president", "george_bush"),
                ("party", "r")
            ]
        );
        assert!(docs[2].meta.is_empty());

        // Groups that did not take part are absent; record fields follow the path's.
        dir.write(
            "data/2020/news.jsonl",
            "{\"text\": \"t\", \"source\": \"bbc\", \"year\": 1}\n",
        );
        let mut config = dir.config(&["data"], Format::Jsonl);
        config.meta_from_path = Some(
            PathPattern::new(r"data/(?P<year>\d{4})/(?:(?P<lang>[a-z]{2})_)?(?P<name>\w+)")
                .unwrap(),
        );
        config.meta_fields = vec!["source".into()];
        let (docs, _) = read_all(config);
        let meta: Vec<_> = docs[0].meta.iter().collect();
        assert_eq!(
            meta,
            [("year", "2020"), ("name", "news"), ("source", "bbc")]
        );
        assert_eq!(docs[0].id, "2020/news:1");
    }

    #[cfg(feature = "glob")]
    #[test]
    fn a_file_that_vanished_is_skipped_as_one_or_fails() {
        let dir = TempDir::new("vanish");
        for name in ["a.txt", "b.txt", "c.txt"] {
            dir.write(name, name);
        }
        let config = dir.config(&["*.txt"], Format::Text);
        let mut source = Source::with_config(config.clone()).unwrap();
        std::fs::remove_file(dir.path().join("b.txt")).unwrap();
        assert_eq!(source.files().len(), 3);
        let docs: Vec<_> = source.by_ref().map(Result::unwrap).collect();
        assert_eq!(ids(&docs), ["a", "c"]);
        assert_eq!(docs[1].ordinal, 1);
        let stats = source.stats();
        assert_eq!(
            (stats.documents, stats.records_seen, stats.files_opened),
            (2, 3, 3)
        );
        let skip = &stats.skipped[0];
        assert_eq!(
            (skip.file.as_str(), skip.line, skip.byte_offset),
            ("b.txt", None, None)
        );
        assert!(
            skip.reason.starts_with("cannot open the file: "),
            "{}",
            skip.reason
        );

        dir.write("b.txt", "b");
        let mut failing = config;
        failing.on_error = OnError::Fail;
        let mut source = Source::with_config(failing).unwrap();
        std::fs::remove_file(dir.path().join("b.txt")).unwrap();
        assert_eq!(source.next().unwrap().unwrap().id, "a");
        let err = source.next().unwrap().unwrap_err();
        assert!(matches!(err, IngestError::File { .. }));
        assert!(
            err.to_string().starts_with("b.txt: cannot open the file: "),
            "{err}"
        );
        assert!(source.next().is_none());
    }

    /// `lines` JSON Lines records of about 100 bytes each.
    fn jsonl_lines(lines: usize) -> String {
        (1..=lines)
            .map(|i| format!("{{\"id\": \"r{i}\", \"text\": \"{}\"}}\n", "w".repeat(80)))
            .collect()
    }

    #[cfg(all(feature = "csv", feature = "jsonl"))]
    #[test]
    fn a_file_truncated_while_read_is_a_changed_file_not_a_silent_loss() {
        use std::io::Write as _;

        let dir = TempDir::new("truncated");
        let full = jsonl_lines(3000);
        let path = dir.write("posts.jsonl", &full);
        dir.write(
            "table.csv",
            format!("id,text\n{}", "r,some text\n".repeat(20_000)),
        );
        for (name, format, keep) in [
            ("posts.jsonl", Format::Jsonl, 1000),
            ("table.csv", Format::Csv, 15_000),
        ] {
            let path = dir.path().join(name);
            let bytes = std::fs::read(&path).unwrap();
            let mut source = Source::with_config(dir.config(&[name], format)).unwrap();
            // The first record is read (and the first 64 KiB with it), then the file is cut
            // at a line boundary, as a writer rotating it would.
            assert!(source.next().unwrap().is_ok());
            let cut = bytes
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .nth(keep)
                .unwrap()
                .0
                + 1;
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)
                .unwrap()
                .set_len(cut as u64)
                .unwrap();
            let rest: Vec<_> = source.by_ref().map(Result::unwrap).collect();
            let stats = source.stats();
            assert_reconciles(stats);
            assert!(
                (rest.len() as u64) < keep as u64 + 1,
                "{name}: {}",
                rest.len()
            );
            let skip = stats
                .skipped
                .last()
                .unwrap_or_else(|| panic!("{name}: no skip"));
            assert_eq!((skip.file.as_str(), skip.kind), (name, SkipKind::Changed));
            let want = format!(
                "the file changed while it was read: its size went from {} to {cut} bytes",
                bytes.len()
            );
            assert!(skip.reason.starts_with(&want), "{}", skip.reason);
        }

        // Under `fail` the run stops with the same error.
        std::fs::write(&path, &full).unwrap();
        let mut config = dir.config(&["posts.jsonl"], Format::Jsonl);
        config.on_error = OnError::Fail;
        let mut source = Source::with_config(config).unwrap();
        assert!(source.next().unwrap().is_ok());
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"text\": \"appended\"}\n")
            .unwrap();
        let err = source.find_map(Result::err).unwrap();
        assert_eq!(err.kind(), SkipKind::Changed);
        assert!(
            err.to_string()
                .starts_with("posts.jsonl: the file changed while it was read"),
            "{err}"
        );
    }

    #[cfg(all(feature = "glob", feature = "gzip", feature = "zstd"))]
    #[test]
    fn a_file_changed_between_listing_and_reading_is_not_read() {
        use std::io::Write as _;

        let dir = TempDir::new("changed");
        dir.write("a.txt", "first version");
        dir.write_gz("b.txt.gz", "compressed first version");
        dir.write_zst("c.jsonl.zst", "{\"text\": \"one\"}\n");
        dir.write("same.txt", "same size");
        dir.write("kept.txt", "kept");
        let config = dir.config(&["*.txt", "*.gz", "*.zst"], Format::Text);
        let mut source = Source::with_config(config).unwrap();
        dir.write("a.txt", "second, longer version");
        dir.write_gz("b.txt.gz", "compressed second version, longer");
        dir.write_zst("c.jsonl.zst", "{\"text\": \"one\"}\n{\"text\": \"two\"}\n");
        // The same size, another modification time.
        let same = std::fs::File::options()
            .write(true)
            .open(dir.path().join("same.txt"))
            .unwrap();
        (&same).write_all(b"SAME SIZE").unwrap();
        same.set_modified(std::time::SystemTime::UNIX_EPOCH)
            .unwrap();
        let docs: Vec<_> = source.by_ref().map(Result::unwrap).collect();
        assert_eq!(ids(&docs), ["kept"]);
        let stats = source.stats();
        assert_reconciles(stats);
        let skipped: Vec<_> = stats
            .skipped
            .iter()
            .map(|s| (s.file.as_str(), s.kind, s.line, s.byte_offset))
            .collect();
        assert_eq!(
            skipped,
            [
                ("a.txt", SkipKind::Changed, None, None),
                ("same.txt", SkipKind::Changed, None, None),
                ("b.txt.gz", SkipKind::Changed, None, None),
                ("c.jsonl.zst", SkipKind::Changed, None, None),
            ]
        );
        assert!(
            stats.skipped[0]
                .reason
                .starts_with("the file changed after it was listed: its size went from 13 to 22"),
            "{}",
            stats.skipped[0].reason
        );
        assert!(
            stats.skipped[1]
                .reason
                .starts_with("the file changed after it was listed: its modification time changed"),
            "{}",
            stats.skipped[1].reason
        );
        // Nothing of them was read.
        assert_eq!(stats.bytes_read, 4);
    }

    #[test]
    fn a_long_text_changed_while_split_keeps_its_parts_and_skips_the_rest() {
        let dir = TempDir::new("changed-split");
        let text = "A sentence of the speech. ".repeat(10_000);
        let path = dir.write("speech.txt", &text);
        let mut config = dir.config(&["speech.txt"], Format::Text);
        config.max_document_bytes = Some(10_000);
        let mut source = Source::with_config(config).unwrap();
        assert_eq!(source.next().unwrap().unwrap().id, "speech#1");
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(100_000)
            .unwrap();
        let docs: Vec<_> = source.by_ref().map(Result::unwrap).collect();
        let stats = source.stats();
        assert_reconciles(stats);
        assert!(!docs.is_empty() && docs.len() < 10);
        assert_eq!(stats.skipped.len(), 1);
        assert_eq!(stats.skipped[0].kind, SkipKind::Changed);
        assert!(stats.split[0].rest_skipped);
        assert_eq!(stats.split[0].parts, docs.len() as u64 + 1);
        assert_eq!(stats.records_seen, 1);
    }

    #[cfg(feature = "glob")]
    #[test]
    fn fail_yields_the_first_error_once_then_ends() {
        let dir = TempDir::new("fail");
        dir.write("a.txt", "a");
        dir.write("b.txt", b"\xff".as_slice());
        dir.write("c.txt", "c");
        let (docs, err) = read_until_error(dir.config(&["*.txt"], Format::Text));
        assert_eq!(ids(&docs), ["a"]);
        assert_eq!(err.file(), "b.txt");
        assert_eq!(err.byte_offset(), Some(0));
        assert!(err.is_skippable());
        assert_eq!(err.to_skip().reason, err.reason());
    }

    #[cfg(feature = "jsonl")]
    #[test]
    fn stats_are_live_and_complete_at_the_end() {
        let dir = TempDir::new("stats");
        dir.write("d.jsonl", "{\"text\": \"a\"}\nnope\n{\"text\": \"b\"}\n");
        let mut source = Source::with_config(dir.config(&["d.jsonl"], Format::Jsonl)).unwrap();
        assert_eq!(source.files()[0].bytes, 33);
        assert_eq!(source.stats().records_seen, 0);
        source.next().unwrap().unwrap();
        assert_eq!(
            (source.stats().documents, source.stats().records_seen),
            (1, 1)
        );
        assert_eq!(source.stats().bytes_read, 33);
        source.next().unwrap().unwrap();
        assert_eq!(
            (source.stats().documents, source.stats().records_seen),
            (2, 3)
        );
        assert!(source.next().is_none());
        assert!(source.next().is_none());
        let json = serde_json::to_value(source.stats()).unwrap();
        assert_eq!(
            json["skipped"][0],
            serde_json::json!({
                "file": "d.jsonl",
                "line": 2,
                "byte_offset": null,
                "kind": "invalid_json",
                "reason": "invalid JSON at column 2: expected ident (expected one JSON object per line)"
            })
        );
    }

    #[cfg(all(feature = "csv", feature = "html", feature = "jsonl"))]
    #[test]
    fn open_chooses_the_format_by_the_extension_and_reads_a_directory_as_text() {
        let dir = TempDir::new("open");
        dir.write("posts.jsonl", "{\"id\": \"p1\", \"text\": \"one\"}\nbad\n");
        dir.write("rows.csv", "id,text\nr1,two\n");
        dir.write("page.htm", "<title>T</title><p>three</p>");
        dir.write("notes/a.txt", "four");
        dir.write("notes/b.md", "five");
        dir.write("notes/c.jsonl", "{}");
        let read = |relative: &str| {
            let mut source = Source::open(dir.path().join(relative)).unwrap();
            let docs: Vec<Document> = source.by_ref().map(Result::unwrap).collect();
            let stats = source.into_stats();
            assert_reconciles(&stats);
            let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
            let texts: Vec<String> = docs.into_iter().map(|d| d.text).collect();
            (ids, texts, stats.skipped.len())
        };
        assert_eq!(
            read("posts.jsonl"),
            (vec!["p1".into()], vec!["one".into()], 1)
        );
        assert_eq!(read("rows.csv"), (vec!["r1".into()], vec!["two".into()], 0));
        assert_eq!(read("page.htm").1, ["three"]);
        assert_eq!(
            read("notes"),
            (
                vec!["a".into(), "b.md".into()],
                vec!["four".into(), "five".into()],
                0
            )
        );
        let missing = Source::open(dir.path().join("missing.txt")).unwrap_err();
        assert!(matches!(missing, IngestError::NoMatch { .. }), "{missing}");
    }

    #[test]
    fn the_format_a_file_name_names() {
        for (name, format) in [
            ("a.txt", Format::Text),
            ("a", Format::Text),
            (".jsonl", Format::Text),
            ("dir.jsonl/a.md", Format::Text),
            ("a.gz", Format::Text),
            ("a.JSONL", Format::Jsonl),
            ("a.ndjson.zst", Format::Jsonl),
            ("a.json.gz", Format::Jsonl),
            ("corpus/*.csv", Format::Csv),
            ("m/1.eml", Format::Email),
            ("inbox.mbox.zstd", Format::Mbox),
            ("x.mbx", Format::Mbox),
            ("p.xhtml", Format::Html),
            ("p.html.gz", Format::Html),
        ] {
            assert_eq!(Format::for_path(Path::new(name)), format, "{name}");
        }
    }

    #[cfg(not(all(feature = "gzip", feature = "zstd")))]
    #[test]
    fn a_compressed_file_without_its_feature_is_a_file_error_naming_the_feature() {
        let dir = TempDir::new("no-compression");
        dir.write("a.txt.gz", b"\x1f\x8b\x08\x00".as_slice());
        dir.write("b.txt.zst", b"\x28\xb5\x2f\xfd".as_slice());
        dir.write("c.txt", "plain");
        let (docs, stats) = read_all(dir.config(&["a.txt.gz", "b.txt.zst", "c.txt"], Format::Text));
        assert_eq!(ids(&docs), ["c"]);
        let mut expected = Vec::new();
        if cfg!(not(feature = "gzip")) {
            expected.push(
                "a.txt.gz: gzip input needs wordmill-ingest's `gzip` feature, which this build \
                 left out",
            );
        }
        if cfg!(not(feature = "zstd")) {
            expected.push(
                "b.txt.zst: zstd input needs wordmill-ingest's `zstd` feature, which this build \
                 left out",
            );
        }
        let skipped: Vec<String> = stats.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(skipped, expected);
        assert!(
            stats
                .skipped
                .iter()
                .all(|s| s.kind == SkipKind::Compression)
        );
    }

    #[test]
    fn a_format_without_its_feature_is_refused_when_the_source_is_opened() {
        let dir = TempDir::new("no-format");
        dir.write("a.txt", "text is always there");
        for (format, feature) in [
            (Format::Jsonl, "jsonl"),
            (Format::Csv, "csv"),
            (Format::Email, "mail"),
            (Format::Mbox, "mail"),
            (Format::Html, "html"),
        ] {
            let opened = Source::with_config(dir.config(&["a.txt"], format));
            if format.disabled().is_none() {
                assert!(opened.is_ok(), "{format}");
                continue;
            }
            let err = opened.unwrap_err();
            assert_eq!(
                err.to_string(),
                format!("format `{format}` needs wordmill-ingest's `{feature}` feature")
            );
            assert!(matches!(err, IngestError::FeatureDisabled { feature: f, .. } if f == feature));
            assert_eq!((err.file(), err.kind()), ("", SkipKind::Other));
        }
    }

    #[cfg(not(feature = "glob"))]
    #[test]
    fn a_glob_input_without_the_glob_feature_is_refused_naming_it() {
        let dir = TempDir::new("no-glob");
        dir.write("a.txt", "a");
        let err = Source::with_config(dir.config(&["*.txt"], Format::Text)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "input `*.txt`: a glob pattern needs wordmill-ingest's `glob` feature"
        );
        // A file whose name looks like a glob is still read as a file.
        dir.write("[a].txt", "b");
        let (docs, _) = read_all(dir.config(&["[a].txt"], Format::Text));
        assert_eq!(ids(&docs), ["[a]"]);
        assert!(!crate::glob_reads(
            dir.path(),
            "*.txt",
            &dir.path().join("a.txt")
        ));
    }

    #[cfg(not(feature = "regex"))]
    #[test]
    fn a_path_pattern_without_the_regex_feature_is_an_error_naming_it() {
        let err = SourceConfig::default()
            .meta_from_path(r"(?P<year>\d{4})")
            .unwrap_err();
        assert_eq!(err.pattern(), r"(?P<year>\d{4})");
        assert!(
            err.to_string()
                .contains("needs wordmill-ingest's `regex` feature"),
            "{err}"
        );
    }

    /// Reads `bytes` as file `name` in `format` under skip; checks the invariant.
    fn survives(bytes: &[u8], name: &str, format: Format) {
        let dir = TempDir::new("prop");
        dir.write(name, bytes);
        let mut config = dir.config(&[name], format);
        config.meta_fields = vec!["a".into(), "b.c".into()];
        config.meta_from_path = Some(PathPattern::new(r"(?P<stem>\w+)").unwrap());
        let mut source = Source::with_config(config).unwrap();
        for item in source.by_ref() {
            assert!(item.is_ok());
        }
        let stats = source.stats();
        assert_reconciles(stats);
        assert_eq!(stats.bytes_read, bytes.len() as u64);
        if matches!(format, Format::Text | Format::Email | Format::Html) {
            assert_eq!(stats.records_seen, 1);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[cfg(all(feature = "csv", feature = "html", feature = "jsonl", feature = "mail"))]
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            survives(&bytes, "x.jsonl", Format::Jsonl);
            survives(&bytes, "x.csv", Format::Csv);
            survives(&bytes, "x.txt", Format::Text);
            survives(&bytes, "x.eml", Format::Email);
            survives(&bytes, "x.mbox", Format::Mbox);
            survives(&bytes, "x.html", Format::Html);
        }

        #[cfg(all(feature = "html", feature = "mail"))]
        #[test]
        fn mail_like_bytes_never_panic(
            lines in proptest::collection::vec(
                proptest::sample::select(vec![
                    "From a@b Mon Jan  1 00:00:00 2001",
                    ">From a@b Mon Jan  1 00:00:00 2001",
                    "Subject: =?utf-8?B?w6k=?= =?iso-8859-1?q?caf=E9?=",
                    "Content-Type: multipart/mixed; boundary=b",
                    "Content-Type: multipart/alternative; boundary=\"c\"",
                    "Content-Type: text/html; charset=koi8-r",
                    "Content-Type: message/rfc822",
                    "Content-Transfer-Encoding: base64",
                    "Content-Transfer-Encoding: quoted-printable",
                    "Content-Disposition: attachment; filename=x",
                    "Message-ID: <x@y>",
                    "--b",
                    "--b--",
                    "--c",
                    "--c--",
                    "",
                    "\r",
                    "w6k=",
                    "caf=E9=",
                    "<p>text<script>x</script><title>t",
                    "plain words. more!",
                ]),
                0..24,
            )
        ) {
            let bytes = lines.join("\n").into_bytes();
            survives(&bytes, "x.eml", Format::Email);
            survives(&bytes, "x.mbox", Format::Mbox);
            survives(&bytes, "x.html", Format::Html);
        }

        #[cfg(all(feature = "csv", feature = "jsonl"))]
        #[test]
        fn json_like_bytes_never_panic(
            lines in proptest::collection::vec("[{}\\[\\]\":,a-c0-9 .\\\\\n\r-]{0,40}", 0..8)
        ) {
            let bytes = lines.concat().into_bytes();
            survives(&bytes, "x.jsonl", Format::Jsonl);
            survives(&bytes, "x.csv", Format::Csv);
        }

        #[cfg(all(feature = "csv", feature = "gzip", feature = "jsonl", feature = "mail", feature = "zstd"))]
        #[test]
        fn arbitrary_bytes_as_compressed_files_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..256)
        ) {
            survives(&bytes, "x.jsonl.gz", Format::Jsonl);
            survives(&bytes, "x.csv.zst", Format::Csv);
            survives(&bytes, "x.txt.gz", Format::Text);
            survives(&bytes, "x.mbox.zst", Format::Mbox);
        }
    }
}

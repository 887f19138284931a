//! `wordmill sentiment`: ad-hoc VADER scoring of a stream of texts (JSON Lines, CSV or plain
//! lines), one JSON line out per text (or per sentence), in input order, in bounded memory.
//!
//! The first record is read and checked before anything is scored: input that is not what the
//! options say (plain text read as JSON Lines, a missing text field or column) stops there with
//! one [`AdhocError::Input`] and a hint. Later bad records are reported one by one, counted and
//! skipped.

use std::io::{self, BufRead, Write};
use std::str::FromStr;

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use wordmill_analyse::{Explanation, Lexicon, Rules, Scores, Vader};

use wordmill_ingest::__json::{json_field, json_field_mut, json_kind as kind};

/// The input format of `wordmill sentiment`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AdhocFormat {
    /// JSON Lines: one JSON object per line; blank lines are skipped.
    #[default]
    Jsonl,
    /// CSV (RFC 4180: comma-separated, `"`-quoted fields may hold commas, quotes doubled and
    /// line breaks): a header row naming the columns, then one record per text.
    Csv,
    /// Plain text: every line is one text (blank lines too).
    Lines,
}

impl AdhocFormat {
    /// The names `--format` takes, in the order of the variants.
    pub const NAMES: [&'static str; 3] = ["jsonl", "csv", "lines"];

    /// The format's name: `"jsonl"`, `"csv"` or `"lines"`.
    #[cfg(test)]
    fn name(self) -> &'static str {
        match self {
            AdhocFormat::Jsonl => "jsonl",
            AdhocFormat::Csv => "csv",
            AdhocFormat::Lines => "lines",
        }
    }
}

impl FromStr for AdhocFormat {
    type Err = wordmill_analyse::UnknownName;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "jsonl" => Ok(AdhocFormat::Jsonl),
            "csv" => Ok(AdhocFormat::Csv),
            "lines" => Ok(AdhocFormat::Lines),
            other => Err(wordmill_analyse::UnknownName {
                what: "input format",
                found: other.to_owned(),
                expected: &AdhocFormat::NAMES,
            }),
        }
    }
}

/// How `wordmill sentiment` reads and scores.
#[derive(Debug, Clone)]
pub struct AdhocOptions {
    /// The input format.
    pub format: AdhocFormat,
    /// Split each text into sentences and score each sentence.
    pub sentences: bool,
    /// The rule set.
    pub rules: Rules,
    /// Lexicons: `vader` or paths, later ones overriding earlier ones.
    pub lexicon: Vec<String>,
    /// Add each score's explanation.
    pub explain: bool,
    /// Worker threads (None = one per core).
    pub threads: Option<usize>,
    /// The field holding the text: a JSON key or dotted path into nested objects and arrays
    /// (`body.text`, `items.0.text`; a key that itself contains dots is found as written), or
    /// a CSV column. Not used for [`AdhocFormat::Lines`].
    pub text_field: String,
    /// The field holding the id, named as `text_field`. `None`: the field `id` of each record
    /// that has one. `Some(name)`: the first record (the CSV header) must have it. A record
    /// without an id gets its 1-based record number.
    pub id_field: Option<String>,
}

impl Default for AdhocOptions {
    fn default() -> Self {
        AdhocOptions {
            format: AdhocFormat::Jsonl,
            sentences: false,
            rules: Rules::Vader,
            lexicon: vec!["vader".into()],
            explain: false,
            threads: None,
            text_field: "text".into(),
            id_field: None,
        }
    }
}

impl AdhocOptions {
    fn id_field(&self) -> &str {
        self.id_field.as_deref().unwrap_or("id")
    }
}

/// What a scoring run saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdhocStats {
    /// Records read: JSON Lines lines that are not blank, plain-text lines, CSV records after
    /// the header.
    pub records: u64,
    /// Records scored.
    pub scored: u64,
    /// Records that could not be scored, each reported on the error callback.
    pub bad: u64,
}

/// Why `wordmill sentiment` stopped.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AdhocError {
    /// A lexicon file could not be read or parsed (the message names the file and line).
    #[error("{0}")]
    Lexicon(#[from] wordmill_analyse::SentimentError),
    /// The worker threads could not be started.
    #[error("cannot start the worker threads: {0}")]
    Threads(#[source] rayon::ThreadPoolBuildError),
    /// The input is not what the options say, found at its first record (or CSV header),
    /// before anything was written.
    #[error("line {line}: {message}; {hint}")]
    Input {
        /// The 1-based line of the input.
        line: u64,
        /// What was found, and what was expected.
        message: String,
        /// What to try instead.
        hint: String,
    },
    /// The input could not be read.
    #[error("reading input: {0}")]
    Read(io::Error),
    /// The output could not be written.
    #[error("writing output: {0}")]
    Write(io::Error),
}

impl AdhocError {
    /// True when the output was closed by its reader (`wordmill sentiment … | head`).
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, AdhocError::Write(e) if e.kind() == io::ErrorKind::BrokenPipe)
    }
}

#[derive(Serialize)]
struct Out<'a> {
    id: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentence: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<usize>,
    neg: f64,
    neu: f64,
    pos: f64,
    compound: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<Explanation>,
}

/// Builds the scorer from lexicon names and rules.
pub fn build_vader(
    lexicon: &[String],
    rules: Rules,
) -> Result<Vader, wordmill_analyse::SentimentError> {
    let mut lex = Lexicon::new();
    for (i, name) in lexicon.iter().enumerate() {
        let layer = if name == "vader" {
            Lexicon::vader()
        } else {
            Lexicon::from_path(name)?
        };
        if i == 0 {
            lex = layer;
        } else {
            lex.extend(&layer);
        }
    }
    Ok(Vader::new(lex, rules))
}

/// Records are scored in chunks of this many, in parallel, and written in input order.
const CHUNK: usize = 4096;

/// Scores every text of `input`, writing JSON lines to `output`; bad records after the first
/// go to `on_error` as `line N: message` and are counted, never silently dropped.
///
/// # Errors
///
/// [`AdhocError::Input`] when the first record is not what `options` say (nothing is written
/// then); [`AdhocError::Lexicon`] for a bad lexicon file; [`AdhocError::Read`] and
/// [`AdhocError::Write`] for I/O errors.
pub fn score_stream(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    options: &AdhocOptions,
    on_error: &mut dyn FnMut(String),
) -> Result<AdhocStats, AdhocError> {
    let vader = build_vader(&options.lexicon, options.rules)?;
    map_records(
        input,
        output,
        options,
        &|record| score_record(&vader, options, record),
        on_error,
    )
}

/// Reads the records of `input` as `options` say (format, text and id fields), hands each to
/// `work` on the worker threads and writes what it returns to `output`, in input order; a bad
/// record after the first, or one `work` refuses, goes to `on_error` and is counted.
fn map_records(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    options: &AdhocOptions,
    work: &(dyn Fn(&Record) -> Result<Vec<u8>, String> + Sync),
    on_error: &mut dyn FnMut(String),
) -> Result<AdhocStats, AdhocError> {
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(AdhocError::Threads)?;
    let mut input = without_bom(input)?;
    let input: &mut dyn BufRead = &mut input;
    let mut records = match options.format {
        AdhocFormat::Csv => Records::Csv(CsvRecords::open(input, options)?),
        AdhocFormat::Jsonl | AdhocFormat::Lines => Records::Lines {
            input,
            line: 0,
            record: 0,
            buf: Vec::new(),
        },
    };
    let mut stats = AdhocStats::default();
    let mut chunk: Vec<Pending> = Vec::with_capacity(CHUNK);
    loop {
        let next = records.next(options)?;
        let end = next.is_none();
        if let Some(pending) = next {
            stats.records += 1;
            if stats.records == 1 {
                // Checked here, before anything is written: a wrong format or field name
                // shows on the first record, and is one error, not one per record.
                if let Err(bad) = pending.clone().parse(options, true) {
                    return Err(bad.first_record(pending.line(), options));
                }
            }
            chunk.push(pending);
        }
        if chunk.len() >= CHUNK || (end && !chunk.is_empty()) {
            let results: Vec<Result<Vec<u8>, String>> = pool.install(|| {
                std::mem::take(&mut chunk)
                    .into_par_iter()
                    .map(|pending| {
                        let line = pending.line();
                        let record = pending
                            .parse(options, false)
                            .map_err(|bad| format!("line {line}: {}", bad.message(options)))?;
                        work(&record)
                    })
                    .collect()
            });
            for r in results {
                match r {
                    Ok(out) => {
                        stats.scored += 1;
                        output.write_all(&out).map_err(AdhocError::Write)?;
                    }
                    Err(e) => {
                        stats.bad += 1;
                        on_error(e);
                    }
                }
            }
            chunk.reserve(CHUNK);
        }
        if end {
            break;
        }
    }
    output.flush().map_err(AdhocError::Write)?;
    Ok(stats)
}

/// The input without a UTF-8 byte-order mark at its start: the bytes read to look for one
/// are put back in front unless they are one.
fn without_bom(
    input: &mut dyn BufRead,
) -> Result<io::Chain<io::Cursor<Vec<u8>>, &mut dyn BufRead>, AdhocError> {
    const BOM: &[u8] = b"\xef\xbb\xbf";
    let mut prefix = Vec::new();
    // The mark may arrive split over reads (a pipe): take its bytes one read at a time.
    while prefix.len() < BOM.len() {
        let buf = input.fill_buf().map_err(AdhocError::Read)?;
        let n = buf.len().min(BOM.len() - prefix.len());
        if n == 0 || buf[..n] != BOM[prefix.len()..prefix.len() + n] {
            break;
        }
        prefix.extend_from_slice(&buf[..n]);
        input.consume(n);
    }
    if prefix == BOM {
        prefix.clear();
    }
    Ok(io::Read::chain(io::Cursor::new(prefix), input))
}

/// One record read but not yet parsed and scored.
#[derive(Debug, Clone)]
enum Pending {
    /// A JSON Lines or plain-text line (without its line break), parsed by a worker.
    Line {
        line: u64,
        record: u64,
        bytes: Vec<u8>,
    },
    /// A CSV record, taken apart on the reading thread: its id and text, or what was wrong.
    Csv {
        line: u64,
        result: Result<(Value, String), Bad>,
    },
}

/// A record ready to score.
struct Record {
    id: Value,
    text: String,
}

impl Pending {
    fn line(&self) -> u64 {
        match self {
            Pending::Line { line, .. } | Pending::Csv { line, .. } => *line,
        }
    }

    /// The record's id and text. `first`: this is the first record, where an id field named
    /// explicitly must exist.
    fn parse(self, o: &AdhocOptions, first: bool) -> Result<Record, Bad> {
        let (record, bytes) = match self {
            Pending::Csv { result, .. } => {
                return result.map(|(id, text)| Record { id, text });
            }
            Pending::Line { record, bytes, .. } => (record, bytes),
        };
        let text = String::from_utf8(bytes).map_err(|e| Bad::Utf8 {
            at: e.utf8_error().valid_up_to(),
        })?;
        if o.format == AdhocFormat::Lines {
            return Ok(Record {
                id: Value::from(record),
                text,
            });
        }
        let mut value: Value = serde_json::from_str(&text).map_err(|e| Bad::Json {
            column: e.column(),
            reason: strip_position(&e),
            opens: text.trim_start().chars().next(),
        })?;
        if !value.is_object() {
            return Err(Bad::NotObject {
                found: kind(&value),
            });
        }
        let id = match json_field(&value, o.id_field()) {
            Some(id) => id.clone(),
            None if first && o.id_field.is_some() => {
                return Err(Bad::NoId {
                    missing: missing_at(&value, o.id_field()),
                });
            }
            None => Value::from(record),
        };
        let found = match json_field_mut(&mut value, &o.text_field) {
            Some(Value::String(s)) => {
                let text = std::mem::take(s);
                return Ok(Record { id, text });
            }
            Some(other) => Some(kind(other)),
            None => None,
        };
        let suggestion = if first {
            suggest_text_path(&value, o.id_field())
        } else {
            None
        };
        Err(match found {
            Some(found) => Bad::TextNotString { found, suggestion },
            None => Bad::NoText {
                missing: missing_at(&value, &o.text_field),
                suggestion,
            },
        })
    }
}

/// What is wrong with one record.
#[derive(Debug, Clone)]
enum Bad {
    /// Not UTF-8 from this byte of the line (or field) on.
    Utf8 { at: usize },
    /// Not JSON. `opens`: the line's first non-blank character.
    Json {
        column: usize,
        reason: String,
        opens: Option<char>,
    },
    /// JSON, but not an object.
    NotObject { found: &'static str },
    /// No text field.
    NoText {
        missing: Missing,
        suggestion: Option<String>,
    },
    /// The text field holds something else than a string.
    TextNotString {
        found: &'static str,
        suggestion: Option<String>,
    },
    /// The id field named explicitly is missing from the first record.
    NoId { missing: Missing },
    /// A CSV record with another number of fields than the header.
    CsvFields { expected: u64, found: u64 },
    /// A CSV field that is not UTF-8.
    CsvUtf8 { column: String, at: usize },
}

/// Where a dotted path stopped: the path as given, and the keys of the object where the next
/// step was missing (`at` is empty for the record itself), or what stood in the way.
#[derive(Debug, Clone)]
struct Missing {
    path: String,
    at: String,
    keys: Result<Vec<String>, &'static str>,
}

impl Missing {
    /// `the record has keys: `id`, `body`` and the like.
    fn describe(&self) -> String {
        let owner = if self.at.is_empty() {
            "the record".to_string()
        } else {
            format!("`{}`", self.at)
        };
        match &self.keys {
            Ok(keys) if keys.is_empty() => format!("{owner} has no keys"),
            Ok(keys) => format!("{owner} has keys: {}", list(keys)),
            Err(kind) => format!("{owner} is {kind}, not an object"),
        }
    }
}

impl Bad {
    /// The message for a bad record after the first: `line N: ` goes before it.
    fn message(&self, o: &AdhocOptions) -> String {
        match self {
            Bad::Utf8 { at } => format!("invalid UTF-8 at byte {at}"),
            Bad::Json { column, reason, .. } => format!(
                "invalid JSON at column {column}: {reason} (expected one JSON object per line, with `{}`)",
                o.text_field
            ),
            Bad::NotObject { found } => format!("expected a JSON object, found {found}"),
            Bad::NoText { missing, .. } => format!("no `{}` field", missing.path),
            Bad::TextNotString { found, .. } => {
                format!("`{}` must be a string, found {found}", o.text_field)
            }
            Bad::NoId { missing } => format!("no `{}` field", missing.path),
            Bad::CsvFields { expected, found } => {
                format!("expected {expected} fields (as in the header), found {found}")
            }
            Bad::CsvUtf8 { column, at } => {
                format!(
                    "column `{column}` is not UTF-8 text (invalid byte at offset {at} of the field)"
                )
            }
        }
    }

    /// The error for the first record: the input as a whole is not what was expected.
    fn first_record(self, line: u64, o: &AdhocOptions) -> AdhocError {
        let text_hint = |suggestion: &Option<String>, what: &str| match suggestion {
            Some(s) => format!("try --text-field {s}"),
            None => format!("name the {what} that holds the text with --text-field"),
        };
        let (message, hint) = match &self {
            Bad::Utf8 { .. } | Bad::CsvUtf8 { .. } => (
                self.message(o),
                "expected UTF-8 text; is the input compressed, binary or in another encoding?"
                    .to_string(),
            ),
            Bad::Json { opens: Some('{'), .. } => (
                self.message(o),
                "JSON Lines needs each object complete on one line; is the JSON spread over several lines?".to_string(),
            ),
            Bad::Json { opens: Some('['), .. } | Bad::NotObject { found: "an array" } => (
                "not a JSON object (the line opens an array)".to_string(),
                "JSON Lines has one object per line; `jq -c '.[]'` turns a JSON array into JSON Lines".to_string(),
            ),
            Bad::Json { .. } => (
                "not a JSON object".to_string(),
                "is this CSV or plain text? try --format csv or --format lines".to_string(),
            ),
            Bad::NotObject { found } => (
                format!("not a JSON object (found {found})"),
                "is this CSV or plain text? try --format csv or --format lines".to_string(),
            ),
            Bad::NoText {
                missing,
                suggestion,
            } => (
                format!(
                    "no field `{}` (the text field); {}",
                    missing.path,
                    missing.describe()
                ),
                text_hint(suggestion, "field"),
            ),
            Bad::TextNotString { found, suggestion } => (
                format!(
                    "the text field `{}` is {found}, not a string",
                    o.text_field
                ),
                text_hint(suggestion, "field"),
            ),
            Bad::NoId { missing } => (
                format!(
                    "no field `{}` (the id field); {}",
                    missing.path,
                    missing.describe()
                ),
                "name an existing field with --id-field, or leave it out to number the records"
                    .to_string(),
            ),
            Bad::CsvFields { .. } => (
                self.message(o),
                "is every field holding a comma, a quote or a line break quoted (\"...\", with quotes doubled)?".to_string(),
            ),
        };
        AdhocError::Input {
            line,
            message,
            hint,
        }
    }
}

/// A serde_json error's message without its ` at line L column C` tail.
fn strip_position(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let tail = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&tail).unwrap_or(&full).to_string()
}

/// `` `a`, `b`, `c` ``, at most 20 names.
fn list(names: &[String]) -> String {
    const MAX: usize = 20;
    let mut s = names
        .iter()
        .take(MAX)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > MAX {
        s.push_str(&format!(" and {} more", names.len() - MAX));
    }
    s
}

/// Where [`json_field`] of `path` stopped in `value`, for a message.
fn missing_at(value: &Value, path: &str) -> Missing {
    let mut current = value;
    let mut at: Vec<&str> = Vec::new();
    for part in path.split('.') {
        match json_field(current, part) {
            Some(next) => {
                current = next;
                at.push(part);
            }
            None => break,
        }
    }
    let keys = match current {
        Value::Object(map) => Ok(map.keys().cloned().collect()),
        Value::Array(items) => Ok((0..items.len()).map(|i| i.to_string()).collect()),
        other => Err(kind(other)),
    };
    Missing {
        path: path.to_string(),
        at: at.join("."),
        keys,
    }
}

/// The dotted path of the longest string in `record` (objects only, three levels deep), other
/// than the id: the likely text field.
fn suggest_text_path(record: &Value, id_field: &str) -> Option<String> {
    fn walk(value: &Value, path: &str, depth: usize, id: &str, best: &mut Option<(usize, String)>) {
        let Value::Object(map) = value else { return };
        for (key, v) in map {
            let p = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            match v {
                Value::String(s) if p != id => {
                    let n = s.chars().count();
                    if best.as_ref().is_none_or(|(m, _)| n > *m) {
                        *best = Some((n, p));
                    }
                }
                Value::Object(_) if depth < 3 => walk(v, &p, depth + 1, id, best),
                _ => {}
            }
        }
    }
    let mut best = None;
    walk(record, "", 1, id_field, &mut best);
    best.map(|(_, p)| p)
}

/// The input, record by record.
enum Records<'i> {
    Lines {
        input: &'i mut dyn BufRead,
        line: u64,
        record: u64,
        buf: Vec<u8>,
    },
    Csv(CsvRecords<'i>),
}

impl Records<'_> {
    fn next(&mut self, o: &AdhocOptions) -> Result<Option<Pending>, AdhocError> {
        match self {
            Records::Lines {
                input,
                line,
                record,
                buf,
            } => loop {
                buf.clear();
                if input.read_until(b'\n', buf).map_err(AdhocError::Read)? == 0 {
                    return Ok(None);
                }
                *line += 1;
                let mut bytes = std::mem::take(buf);
                if bytes.last() == Some(&b'\n') {
                    bytes.pop();
                    if bytes.last() == Some(&b'\r') {
                        bytes.pop();
                    }
                }
                if o.format == AdhocFormat::Jsonl && bytes.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                *record += 1;
                return Ok(Some(Pending::Line {
                    line: *line,
                    record: *record,
                    bytes,
                }));
            },
            Records::Csv(csv) => csv.next(),
        }
    }
}

/// CSV records, with the columns of the text and the id found in the header.
struct CsvRecords<'i> {
    reader: csv::Reader<&'i mut dyn BufRead>,
    columns: Vec<String>,
    text: usize,
    id: Option<usize>,
    record: u64,
    /// A record read ahead while checking the header.
    ahead: Option<csv::ByteRecord>,
}

impl<'i> CsvRecords<'i> {
    /// Reads the header and finds the text and id columns in it.
    fn open(input: &'i mut dyn BufRead, o: &AdhocOptions) -> Result<Self, AdhocError> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(input);
        let header = reader.byte_headers().map_err(csv_read_error)?.clone();
        let columns: Vec<String> = header
            .iter()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        let header_line = header.position().map_or(1, csv::Position::line);
        let mut records = CsvRecords {
            reader,
            columns,
            text: 0,
            id: None,
            record: 0,
            ahead: None,
        };
        if header.is_empty() {
            // No header at all: empty input, nothing to score.
            return Ok(records);
        }
        let find = |name: &str| records.columns.iter().position(|c| c == name);
        let (text, id) = (find(&o.text_field), find(o.id_field()));
        let error = |message: String, hint: String| AdhocError::Input {
            line: header_line,
            message,
            hint,
        };
        let Some(text) = text else {
            if header.as_slice().first() == Some(&b'{') {
                return Err(error(
                    "the CSV header starts with `{`: this looks like JSON Lines".into(),
                    "try --format jsonl".into(),
                ));
            }
            let message = format!(
                "no column `{}` (the text field); the header has columns: {}",
                o.text_field,
                list(&records.columns)
            );
            if records.columns.len() == 1 {
                return Err(error(
                    message,
                    "a CSV header names its columns, separated by commas; is this plain text? try --format lines, or name the column with --text-field".into(),
                ));
            }
            // The longest field of the first record (other than the id) is likely the text.
            records.ahead = records.read_raw()?;
            let suggestion = records.ahead.as_ref().and_then(|r| {
                r.iter()
                    .enumerate()
                    .filter(|&(i, _)| Some(i) != id)
                    .max_by_key(|&(i, f)| (f.len(), std::cmp::Reverse(i)))
                    .and_then(|(i, _)| records.columns.get(i))
            });
            let hint = match suggestion {
                Some(column) => format!("try --text-field {column}"),
                None => "name the column that holds the text with --text-field".into(),
            };
            return Err(error(message, hint));
        };
        if let (Some(name), None) = (&o.id_field, id) {
            return Err(error(
                format!(
                    "no column `{name}` (the id field); the header has columns: {}",
                    list(&records.columns)
                ),
                "name an existing column with --id-field, or leave it out to number the records"
                    .into(),
            ));
        }
        records.text = text;
        records.id = id;
        Ok(records)
    }

    /// The next record as the csv crate gives it; a record with the wrong number of fields is
    /// an `Err` inside `Ok`.
    fn read_raw(&mut self) -> Result<Option<csv::ByteRecord>, AdhocError> {
        let mut record = csv::ByteRecord::new();
        match self.reader.read_byte_record(&mut record) {
            Ok(true) => Ok(Some(record)),
            Ok(false) => Ok(None),
            Err(e) => match e.kind() {
                csv::ErrorKind::UnequalLengths { .. } => {
                    // Keep the record (the reader has moved past it) for `next` to report.
                    Ok(Some(record))
                }
                _ => Err(csv_read_error(e)),
            },
        }
    }

    fn next(&mut self) -> Result<Option<Pending>, AdhocError> {
        let record = match self.ahead.take() {
            Some(r) => r,
            None => match self.read_raw()? {
                Some(r) => r,
                None => return Ok(None),
            },
        };
        self.record += 1;
        let line = record
            .position()
            .map_or(self.record + 1, csv::Position::line);
        let result = if record.len() != self.columns.len() {
            Err(Bad::CsvFields {
                expected: self.columns.len() as u64,
                found: record.len() as u64,
            })
        } else {
            self.take_apart(&record)
        };
        Ok(Some(Pending::Csv { line, result }))
    }

    fn take_apart(&self, record: &csv::ByteRecord) -> Result<(Value, String), Bad> {
        let field = |i: usize| -> Result<String, Bad> {
            let bytes = record.get(i).unwrap_or_default();
            String::from_utf8(bytes.to_vec()).map_err(|e| Bad::CsvUtf8 {
                column: self.columns[i].clone(),
                at: e.utf8_error().valid_up_to(),
            })
        };
        let text = field(self.text)?;
        let id = match self.id {
            Some(i) => Value::String(field(i)?),
            None => Value::from(self.record),
        };
        Ok((id, text))
    }
}

fn csv_read_error(e: csv::Error) -> AdhocError {
    let message = e.to_string();
    match e.into_kind() {
        csv::ErrorKind::Io(io) => AdhocError::Read(io),
        _ => AdhocError::Read(io::Error::other(message)),
    }
}

/// How `wordmill kwic` normalises and shows.
#[derive(Debug, Clone)]
pub struct KwicOptions {
    /// The patterns: words, `*`/`?` globs, phrases.
    pub patterns: Vec<String>,
    /// Tokens of context on each side.
    pub window: usize,
    /// Fold tokens to ASCII (`[normalise] fold = "ascii"`).
    pub fold: bool,
    /// A file of aliases (`[normalise] aliases`).
    pub aliases: Option<std::path::PathBuf>,
    /// Stop words removed before matching (`none`, `en`, …).
    pub stopwords: String,
    /// JSON lines (`kwic.csv`'s columns) instead of aligned text.
    pub json: bool,
    /// Characters of context shown on each side in aligned text.
    pub width: usize,
}

impl Default for KwicOptions {
    fn default() -> Self {
        KwicOptions {
            patterns: Vec::new(),
            window: 5,
            fold: false,
            aliases: None,
            stopwords: "none".into(),
            json: false,
            width: 40,
        }
    }
}

/// Why `wordmill kwic` could not start: a bad pattern, stop-word list or aliases file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KwicSetupError {
    /// The normalisation options (stop words, aliases) are wrong.
    #[error("{0}")]
    Normalise(#[from] wordmill_normalise::NormaliseError),
    /// A pattern cannot be used.
    #[error("{0}")]
    Pattern(#[from] wordmill_analyse::KwicError),
}

#[derive(Serialize)]
struct KwicOut<'a> {
    pattern: &'a str,
    id: &'a Value,
    sentence: usize,
    start: usize,
    end: usize,
    left: &'a str,
    #[serde(rename = "match")]
    matched: &'a str,
    right: &'a str,
}

/// Finds the patterns of `kwic` in every text of `input` (read as `options` say), writing
/// one line per hit to `output`, in input order: aligned text (the left context right-aligned,
/// the match between `[` `]`) or, with `kwic.json`, JSON lines with `kwic.csv`'s columns.
///
/// # Errors
///
/// As [`score_stream`], and [`AdhocError::Input`] naming the setting when a pattern, the stop
/// words or the aliases file cannot be used.
pub fn kwic_stream(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    options: &AdhocOptions,
    kwic: &KwicOptions,
    on_error: &mut dyn FnMut(String),
) -> Result<AdhocStats, AdhocError> {
    let (normaliser, analyser) = build_kwic(kwic).map_err(|e| AdhocError::Input {
        line: 0,
        message: e.to_string(),
        hint: "check the patterns and options".into(),
    })?;
    map_records(
        input,
        output,
        options,
        &|record| kwic_record(&normaliser, &analyser, kwic, record),
        on_error,
    )
}

/// The normaliser and concordance `wordmill kwic` runs.
pub fn build_kwic(
    kwic: &KwicOptions,
) -> Result<(wordmill_normalise::Normaliser, wordmill_analyse::Kwic), KwicSetupError> {
    use wordmill_normalise::{Aliases, Fold, Normaliser, NormaliserConfig, StopWords};
    let aliases = match &kwic.aliases {
        Some(path) => Aliases::from_file(path)?,
        None => Aliases::default(),
    };
    let stopwords = if kwic.stopwords == "none" {
        StopWords::None
    } else {
        StopWords::Builtin(kwic.stopwords.parse()?)
    };
    let config = NormaliserConfig::default()
        .stopwords(stopwords)
        .fold(if kwic.fold { Fold::Ascii } else { Fold::None })
        .aliases(aliases);
    let normaliser = Normaliser::new(config)?;
    let analyser = wordmill_analyse::Kwic::with_forms(
        wordmill_analyse::KwicConfig::default()
            .patterns(kwic.patterns.clone())
            .window(kwic.window),
        &normaliser,
    )?;
    Ok((normaliser, analyser))
}

fn kwic_record(
    normaliser: &wordmill_normalise::Normaliser,
    analyser: &wordmill_analyse::Kwic,
    o: &KwicOptions,
    record: &Record,
) -> Result<Vec<u8>, String> {
    use wordmill_analyse::Analyser;
    let doc = wordmill_model::Document::new(
        0,
        String::new(),
        record.text.as_str(),
        wordmill_model::Metadata::new(),
    );
    let nd = normaliser.normalise(&doc);
    let mut partial = analyser.partial();
    analyser.observe(&mut partial, &nd);
    let found = analyser.finish(partial);
    let mut out = Vec::new();
    let id_text = match &record.id {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for h in &found.hits {
        let pattern = &analyser.config().patterns[h.pattern];
        if o.json {
            let line = KwicOut {
                pattern,
                id: &record.id,
                sentence: h.sentence,
                start: h.start,
                end: h.end,
                left: h.left(),
                matched: h.matched(),
                right: h.right(),
            };
            serde_json::to_writer(&mut out, &line).map_err(|e| e.to_string())?;
            out.push(b'\n');
        } else {
            let line = format!(
                "{id_text}:{}  {} [{}] {}\n",
                h.sentence + 1,
                aligned_left(h.left(), o.width),
                one_line(h.matched()),
                clip_right(h.right(), o.width)
            );
            out.extend_from_slice(line.as_bytes());
        }
    }
    Ok(out)
}

/// `text` on one line: every run of whitespace (line breaks too) one space, control
/// characters dropped.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}

/// The last `width` characters of `text` on one line, padded on the left to `width`.
fn aligned_left(text: &str, width: usize) -> String {
    let line: Vec<char> = one_line(text).chars().collect();
    let kept: String = line[line.len().saturating_sub(width)..].iter().collect();
    format!("{kept:>width$}")
}

/// The first `width` characters of `text` on one line.
fn clip_right(text: &str, width: usize) -> String {
    one_line(text).chars().take(width).collect()
}

fn score_record(vader: &Vader, o: &AdhocOptions, record: &Record) -> Result<Vec<u8>, String> {
    let (id, text) = (&record.id, record.text.as_str());
    let mut out = Vec::new();
    let mut emit =
        |sentence: Option<(usize, usize, usize)>, s: Scores, explanation: Option<Explanation>| {
            let rec = Out {
                id,
                sentence: sentence.map(|x| x.0),
                start: sentence.map(|x| x.1),
                end: sentence.map(|x| x.2),
                neg: s.neg,
                neu: s.neu,
                pos: s.pos,
                compound: s.compound,
                explanation,
            };
            serde_json::to_writer(&mut out, &rec).map_err(|e| e.to_string())?;
            out.push(b'\n');
            Ok::<(), String>(())
        };
    if o.sentences {
        for (i, span) in wordmill_normalise::split_sentences(text)
            .into_iter()
            .enumerate()
        {
            let t = span.slice(text);
            let (s, e) = if o.explain {
                let x = vader.explain(t);
                (x.scores, Some(x))
            } else {
                (vader.polarity_scores(t), None)
            };
            emit(Some((i, span.start, span.end)), s, e)?;
        }
    } else {
        let (s, e) = if o.explain {
            let x = vader.explain(text);
            (x.scores, Some(x))
        } else {
            (vader.polarity_scores(text), None)
        };
        emit(None, s, e)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A reader that gives one byte per read, as a slow pipe may.
    struct Trickle(Vec<u8>, usize);

    impl io::Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.fill_buf()?.len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.consume(n);
            Ok(n)
        }
    }

    impl BufRead for Trickle {
        fn fill_buf(&mut self) -> io::Result<&[u8]> {
            Ok(&self.0[self.1..(self.1 + 1).min(self.0.len())])
        }
        fn consume(&mut self, n: usize) {
            self.1 += n;
        }
    }

    fn after_bom(bytes: &[u8]) -> Vec<u8> {
        let mut input = Trickle(bytes.to_vec(), 0);
        let mut out = Vec::new();
        io::Read::read_to_end(&mut without_bom(&mut input).unwrap(), &mut out).unwrap();
        out
    }

    #[test]
    fn a_byte_order_mark_is_dropped_and_nothing_else() {
        assert_eq!(after_bom(b"\xef\xbb\xbfid,text\n"), b"id,text\n");
        // U+FF01 starts with the mark's first byte; a partial mark is kept as it was.
        for kept in [
            &b"\xef\xbc\x81!"[..],
            b"\xef\xbb",
            b"\xef",
            b"",
            b"{}",
            b"\xef\xbb\xef\xbb\xbf",
        ] {
            assert_eq!(after_bom(kept), kept);
        }
    }

    #[test]
    fn dotted_paths_and_where_they_stop() {
        let v = json!({"a.b": 1, "a": {"b": 2, "c": [10, {"d": "x"}]}, "s": "str"});
        assert_eq!(
            json_field(&v, "a.b"),
            Some(&json!(1)),
            "a literal key first"
        );
        assert_eq!(json_field(&v, "a.c.1.d"), Some(&json!("x")));
        assert_eq!(json_field(&v, "a.c.2"), None);
        assert_eq!(json_field(&v, "s.x"), None);

        let m = missing_at(&v, "a.x.y");
        assert_eq!(m.describe(), "`a` has keys: `b`, `c`");
        assert_eq!(
            missing_at(&v, "s.x").describe(),
            "`s` is a string, not an object"
        );
        assert_eq!(
            missing_at(&v, "a.c.5").describe(),
            "`a.c` has keys: `0`, `1`"
        );
        assert_eq!(
            missing_at(&json!({}), "t").describe(),
            "the record has no keys"
        );
    }

    #[test]
    fn the_suggested_text_field_is_the_longest_string_but_the_id() {
        let v = json!({"id": "a very long identifier indeed", "title": "short",
                       "body": {"text": "the longest text of them all", "n": 3}});
        assert_eq!(suggest_text_path(&v, "id").as_deref(), Some("body.text"));
        assert_eq!(
            suggest_text_path(&v, "body.text").as_deref(),
            Some("id"),
            "the id is never suggested, whatever its length"
        );
        assert_eq!(suggest_text_path(&json!({"n": 1}), "id"), None);
    }

    #[test]
    fn format_names_round_trip() {
        for name in AdhocFormat::NAMES {
            assert_eq!(name.parse::<AdhocFormat>().unwrap().name(), name);
        }
        assert!(
            "tsv"
                .parse::<AdhocFormat>()
                .unwrap_err()
                .to_string()
                .contains(r#""jsonl", "csv" or "lines""#)
        );
    }

    #[test]
    fn a_stream_scores_in_order_and_reports_later_bad_records() {
        let input = "{\"t\": \"good\", \"id\": \"x\"}\n{\"t\": 1}\n\n{\"t\": \"bad\"}\n";
        let options = AdhocOptions {
            text_field: "t".into(),
            threads: Some(2),
            ..AdhocOptions::default()
        };
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        let stats = score_stream(&mut input.as_bytes(), &mut out, &options, &mut |e| {
            errors.push(e)
        })
        .unwrap();
        assert_eq!(
            stats,
            AdhocStats {
                records: 3,
                scored: 2,
                bad: 1
            }
        );
        assert_eq!(errors, ["line 2: `t` must be a string, found a number"]);
        let out: Vec<Value> = String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!((&out[0]["id"], &out[1]["id"]), (&json!("x"), &json!(3)));
        assert!(out[0]["compound"].as_f64() > Some(0.0) && out[1]["compound"].as_f64() < Some(0.0));

        // The same record first is a usage error, and nothing is written.
        let mut out = Vec::new();
        let err =
            score_stream(&mut &b"{\"t\": 1}\n"[..], &mut out, &options, &mut |_| {}).unwrap_err();
        assert!(matches!(err, AdhocError::Input { line: 1, .. }), "{err}");
        assert!(out.is_empty());
    }
}

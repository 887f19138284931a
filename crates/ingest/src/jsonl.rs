//! JSON Lines: one JSON object per line.

use std::borrow::Cow;
use std::io::{BufRead, Read};

use serde_json::Value;
use wordmill_model::Metadata;

use crate::config::EncodingErrors;
use crate::decode;
use crate::error::SkipKind;
use crate::read;
use crate::source::{Ctx, Problem, Replaced, Step};

/// Reads a JSON Lines stream one line at a time (as bytes, so one bad line spoils only itself).
pub(crate) struct JsonlReader {
    reader: Box<dyn BufRead + Send>,
    line: u64,
    /// Offset of the next line in the decoded bytes, counted from the start of the file.
    offset: u64,
    buf: Vec<u8>,
}

/// What reading one line gave.
enum Line {
    /// The end of the stream.
    End,
    /// A line (in the buffer), starting at this offset.
    Read { start: u64 },
    /// A line longer than the limit, read past without being kept.
    TooLong { start: u64, len: u64 },
}

impl JsonlReader {
    /// Reads `reader`, whose first `offset` bytes (a byte-order mark) were already consumed.
    pub(crate) fn new(reader: Box<dyn BufRead + Send>, offset: u64) -> Self {
        JsonlReader {
            reader,
            line: 0,
            offset,
            buf: Vec::new(),
        }
    }

    /// Reads the next line into `self.buf` (with its line break), keeping at most
    /// `max_line_bytes` of it: a longer line is streamed past.
    fn read_line(&mut self, limit: Option<u64>) -> std::io::Result<Line> {
        self.buf.clear();
        let start = self.offset;
        let n = match limit {
            None => self.reader.read_until(b'\n', &mut self.buf)?,
            Some(limit) => {
                // The content and its line break, and one byte more to see that it is longer.
                let n = (&mut self.reader)
                    .take(limit.saturating_add(1))
                    .read_until(b'\n', &mut self.buf)?;
                if !self.buf.ends_with(b"\n") && n as u64 > limit {
                    let (rest, newline) = self.skip_line()?;
                    let consumed = n as u64 + rest;
                    self.buf.clear();
                    self.offset += consumed;
                    let len = consumed - u64::from(newline);
                    return Ok(Line::TooLong { start, len });
                }
                n
            }
        };
        self.offset += n as u64;
        Ok(if n == 0 {
            Line::End
        } else {
            Line::Read { start }
        })
    }

    /// Reads past the rest of a line without keeping it: the bytes consumed, and whether they
    /// ended with a line break.
    fn skip_line(&mut self) -> std::io::Result<(u64, bool)> {
        let mut consumed = 0;
        loop {
            let buf = match self.reader.fill_buf() {
                Ok(buf) => buf,
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(err),
            };
            if buf.is_empty() {
                return Ok((consumed, false));
            }
            if let Some(i) = buf.iter().position(|&b| b == b'\n') {
                self.reader.consume(i + 1);
                return Ok((consumed + i as u64 + 1, true));
            }
            let n = buf.len();
            self.reader.consume(n);
            consumed += n as u64;
        }
    }

    /// The next document, problem, or the end of the file.
    pub(crate) fn next(&mut self, ctx: &Ctx<'_>) -> Step {
        loop {
            let read = loop {
                match self.read_line(ctx.config.max_line_bytes) {
                    Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                    other => break other,
                }
            };
            let start = match read {
                Ok(Line::End) => return Step::End,
                Ok(Line::Read { start }) => start,
                Ok(Line::TooLong { start, len }) => {
                    self.line += 1;
                    let limit = ctx.config.max_line_bytes.unwrap_or(u64::MAX);
                    let mut problem = Problem::at_line(
                        self.line,
                        SkipKind::TooLong,
                        format!(
                            "line of {len} bytes exceeds max_line_bytes = {limit} (expected one \
                             JSON object per line of at most {limit} bytes; the line was not read)"
                        ),
                    );
                    problem.byte_offset = Some(start);
                    return Step::Problem(problem);
                }
                Err(err) => {
                    return Step::Problem(read::io_problem(
                        &err,
                        ctx.compression,
                        ctx.bytes_consumed(),
                    ));
                }
            };
            self.line += 1;
            let bytes = self.buf.as_slice();
            let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
            let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if let Some(at) = decode::first_nul(bytes) {
                return Step::Problem(Problem::at_line(
                    self.line,
                    SkipKind::Binary,
                    format!(
                        "NUL byte at column {} (binary data in the line; expected one JSON \
                         object per line, as text)",
                        at + 1
                    ),
                ));
            }
            return match parse(bytes, self.line, ctx) {
                Ok(mut record) => {
                    if let Some(replaced) = &mut record.replaced {
                        replaced.byte_offset += start;
                    }
                    Step::Doc {
                        id: record.id,
                        text: record.text,
                        meta: record.meta,
                        line: Some(self.line),
                        byte_offset: None,
                        replaced: record.replaced,
                    }
                }
                Err((kind, reason)) => Step::Problem(Problem::at_line(self.line, kind, reason)),
            };
        }
    }
}

/// A JSON Lines record turned into a document's parts.
#[derive(Debug)]
pub(crate) struct Record {
    pub id: String,
    pub text: String,
    pub meta: Metadata,
    /// Bad UTF-8 replaced (under `EncodingErrors::Replace`); the offset is within the line.
    pub replaced: Option<Replaced>,
}

/// One line to a record, or the reason it is not a document.
pub(crate) fn parse(bytes: &[u8], line: u64, ctx: &Ctx<'_>) -> Result<Record, (SkipKind, String)> {
    let (json, replaced): (Cow<'_, str>, _) = match std::str::from_utf8(bytes) {
        Ok(json) => (Cow::Borrowed(json), None),
        Err(err) => match ctx.config.encoding_errors {
            EncodingErrors::Replace => {
                let (json, tally) = decode::utf8_lossy(bytes);
                let replaced = tally.first.map(|first| Replaced {
                    byte_offset: first,
                    count: tally.count,
                });
                (Cow::Owned(json), replaced)
            }
            _ => {
                return Err((
                    SkipKind::Encoding,
                    format!(
                        "invalid UTF-8 at column {} (expected UTF-8 text; the column is of the \
                         first bad byte)",
                        err.valid_up_to() + 1
                    ),
                ));
            }
        },
    };
    let mut value: Value = serde_json::from_str(&json).map_err(|err| {
        let full = err.to_string();
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full);
        let hint = if message.contains("recursion limit") {
            " (nesting deeper than 128 arrays or objects)"
        } else {
            ""
        };
        (
            SkipKind::InvalidJson,
            format!(
                "invalid JSON at column {}: {message}{hint} (expected one JSON object per line)",
                err.column()
            ),
        )
    })?;
    if !value.is_object() {
        return Err((
            SkipKind::InvalidJson,
            format!("expected a JSON object, found {}", json_kind(&value)),
        ));
    }
    let config = ctx.config;

    let id = match config.id_field.as_deref() {
        None => None,
        Some(field) => match json_field(&value, field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => {
                return Err((
                    SkipKind::MissingField,
                    format!(
                        "expected a string or number at `{field}` (the id), found {}",
                        json_kind(other)
                    ),
                ));
            }
        },
    }
    .unwrap_or_else(|| format!("{}:{line}", ctx.file_id));

    let mut meta = ctx.path_meta.clone();
    for field in &config.meta_fields {
        let text = match json_field(&value, field) {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        meta.insert(field.as_str(), text);
    }

    let field = config.text_field.as_str();
    let text = match json_field_mut(&mut value, field) {
        Some(Value::String(s)) => std::mem::take(s),
        Some(other) => {
            return Err((
                SkipKind::MissingField,
                format!(
                    "expected a string at `{field}` (the text), found {}",
                    json_kind(other)
                ),
            ));
        }
        None => {
            return Err((
                SkipKind::MissingField,
                format!("expected a string at `{field}` (the text), found no such field"),
            ));
        }
    };
    Ok(Record {
        id,
        text,
        meta,
        replaced,
    })
}

/// The value at `path` in `value`: a key, or a dotted path (`body.text`, `items.0.text`) into
/// nested objects and arrays. A key that itself contains dots is found when it exists as
/// written. This is how `text_field`, `id_field` and `meta_fields` reach into JSON records.
pub fn json_field<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    if let Some(found) = value.get(path) {
        return Some(found);
    }
    let mut current = value;
    for part in path.split('.') {
        current = match current {
            Value::Object(map) => map.get(part)?,
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// [`json_field`], mutably.
pub fn json_field_mut<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
    if value.get(path).is_some() {
        return value.get_mut(path);
    }
    let mut current = value;
    for part in path.split('.') {
        current = match current {
            Value::Object(map) => map.get_mut(part)?,
            Value::Array(items) => items.get_mut(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// What a JSON value is, for messages: `null`, `a boolean`, `a number`, `a string`, `an array`,
/// `an object`.
pub fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{TempDir, ids, read_all, read_until_error};
    use crate::{Format, IngestError};

    #[test]
    fn nested_fields_ids_and_metadata() {
        let dir = TempDir::new("jsonl");
        dir.write(
            "posts.jsonl",
            concat!(
                r#"{"id": "a1", "body": {"text": "one"}, "date": "2020-08-13", "n": 3, "ok": true}"#,
                "\n\n   \r\n",
                r#"{"id": 42, "body": {"text": "two"}, "date": null, "n": 1.5, "tags": ["x", 2]}"#,
                "\r\n",
                r#"{"body": {"text": "three"}, "date": "d", "ok": false}"#,
            ),
        );
        let mut config = dir.config(&["posts.jsonl"], Format::Jsonl);
        config.text_field = "body.text".into();
        config.meta_fields = vec!["date".into(), "n".into(), "ok".into(), "tags".into()];
        let (docs, stats) = read_all(config);
        assert_eq!(ids(&docs), ["a1", "42", "posts:5"]);
        assert_eq!(docs[2].text, "three");
        let meta = |i: usize| docs[i].meta.iter().collect::<Vec<_>>();
        assert_eq!(
            meta(0),
            [("date", "2020-08-13"), ("n", "3"), ("ok", "true")]
        );
        assert_eq!(meta(1), [("n", "1.5"), ("tags", r#"["x",2]"#)]);
        assert_eq!(meta(2), [("date", "d"), ("ok", "false")]);
        assert_eq!(stats.records_seen, 3);
        assert!(stats.skipped.is_empty());
    }

    #[test]
    fn dotted_paths_reach_objects_and_arrays_and_literal_dotted_keys() {
        let value: Value =
            serde_json::from_str(r#"{"a": {"b": [{"c": 1}]}, "x.y": 2, "x": {"y": 3}}"#).unwrap();
        assert_eq!(json_field(&value, "a.b.0.c"), Some(&Value::from(1)));
        assert_eq!(json_field(&value, "x.y"), Some(&Value::from(2)));
        assert_eq!(json_field(&value, "a.b.1.c"), None);
        assert_eq!(json_field(&value, "a.b.c"), None);
        assert_eq!(json_field(&value, "a.missing"), None);
    }

    #[test]
    fn bad_lines_are_record_errors_with_their_line_and_column() {
        let dir = TempDir::new("badjson");
        let lines: [&[u8]; 9] = [
            b"{\"text\": \"fine\"}\n",
            b"\n",
            b"{\"text\": \"broken\",}\n",
            b"{\"text\": 7}\n",
            b"{\"body\": \"no text\"}\n",
            b"[1, 2]\n",
            b"{\"text\": \"bad id\", \"id\": [1]}\n",
            b"{\"text\": \"\xff\"}\n",
            b"{\"text\": \"last\"}\n",
        ];
        dir.write("d.jsonl", lines.concat());
        let (docs, stats) = read_all(dir.config(&["d.jsonl"], Format::Jsonl));
        assert_eq!(ids(&docs), ["d:1", "d:9"]);
        assert_eq!(docs.iter().map(|d| d.ordinal).collect::<Vec<_>>(), [0, 1]);
        let lines: Vec<_> = stats.skipped.iter().map(|s| s.line.unwrap()).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8]);
        let reasons: Vec<_> = stats.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(
            reasons[0],
            "invalid JSON at column 19: trailing comma (expected one JSON object per line)"
        );
        assert_eq!(
            reasons[1],
            "expected a string at `text` (the text), found a number"
        );
        assert_eq!(
            reasons[2],
            "expected a string at `text` (the text), found no such field"
        );
        assert_eq!(reasons[3], "expected a JSON object, found an array");
        assert_eq!(
            reasons[4],
            "expected a string or number at `id` (the id), found an array"
        );
        assert_eq!(
            reasons[5],
            "invalid UTF-8 at column 11 (expected UTF-8 text; the column is of the first bad byte)"
        );
        assert_eq!(stats.skipped[0].file, "d.jsonl");
        assert_eq!(stats.records_seen, 8);

        let (docs, err) = read_until_error(dir.config(&["d.jsonl"], Format::Jsonl));
        assert_eq!(ids(&docs), ["d:1"]);
        assert!(matches!(err, IngestError::Record { line: Some(3), .. }));
        assert_eq!(
            err.to_string(),
            "d.jsonl:3: invalid JSON at column 19: trailing comma (expected one JSON object per line)"
        );
    }

    #[test]
    fn no_id_field_always_uses_file_and_line() {
        let dir = TempDir::new("noid");
        dir.write("x.ndjson", "\u{feff}{\"id\": \"given\", \"text\": \"t\"}\n");
        let mut config = dir.config(&["x.ndjson"], Format::Jsonl);
        config.id_field = None;
        let (docs, _) = read_all(config);
        assert_eq!(ids(&docs), ["x:1"]);
    }

    #[cfg(all(feature = "glob", feature = "gzip", feature = "zstd"))]
    #[test]
    fn compressed_jsonl_round_trips_and_corruption_keeps_earlier_records() {
        let dir = TempDir::new("jsonlgz");
        let lines: String = (0..2000)
            .map(|i| format!("{{\"id\": {i}, \"text\": \"record {i}\"}}\n"))
            .collect();
        dir.write_gz("a/part-1.jsonl.gz", &lines);
        dir.write_zst("a/part-2.jsonl.zst", &lines);
        let (docs, stats) = read_all(dir.config(&["a/*.jsonl.*"], Format::Jsonl));
        assert_eq!(docs.len(), 4000);
        assert_eq!(docs[1999].text, "record 1999");
        assert_eq!(docs[2000].id, "0");
        assert_eq!(docs[3999].ordinal, 3999);
        assert!(stats.bytes_read < lines.len() as u64);

        let mut bytes = std::fs::read(dir.path().join("a/part-1.jsonl.gz")).unwrap();
        let len = bytes.len();
        bytes.truncate(len - 20);
        dir.write("cut.jsonl.gz", &bytes);
        let (docs, stats) = read_all(dir.config(&["cut.jsonl.gz"], Format::Jsonl));
        assert!(docs.len() > 1000 && docs.len() < 2000, "{}", docs.len());
        assert_eq!(stats.skipped.len(), 1);
        assert_eq!(stats.skipped[0].byte_offset, Some((len - 20) as u64));
        assert!(stats.skipped[0].reason.starts_with("corrupt gzip stream"));
    }
}

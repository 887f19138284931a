//! JSON Lines: one JSON object per line.

use std::io::BufRead;

use serde_json::Value;
use wordmill_model::Metadata;

use crate::source::{Ctx, Problem, Step};

/// Reads a JSON Lines stream one line at a time (as bytes, so one bad line spoils only itself).
pub(crate) struct JsonlReader {
    reader: Box<dyn BufRead + Send>,
    line: u64,
    buf: Vec<u8>,
}

impl JsonlReader {
    pub(crate) fn new(reader: Box<dyn BufRead + Send>) -> Self {
        JsonlReader {
            reader,
            line: 0,
            buf: Vec::new(),
        }
    }

    /// The next document, problem, or the end of the file.
    pub(crate) fn next(&mut self, ctx: &Ctx<'_>) -> Step {
        loop {
            self.buf.clear();
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return Step::End,
                Ok(_) => {}
                Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(err) => {
                    let mut problem =
                        Problem::at_byte(ctx.bytes_consumed(), ctx.compression.describe(&err));
                    problem.ends_file = true;
                    return Step::Problem(problem);
                }
            }
            self.line += 1;
            let mut bytes = self.buf.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return match parse(bytes, self.line, ctx) {
                Ok((id, text, meta)) => Step::Doc { id, text, meta },
                Err(reason) => Step::Problem(Problem::at_line(self.line, reason)),
            };
        }
    }
}

/// One line to (id, text, metadata), or the reason it is not a document.
fn parse(bytes: &[u8], line: u64, ctx: &Ctx<'_>) -> Result<(String, String, Metadata), String> {
    let mut value: Value = serde_json::from_slice(bytes).map_err(|err| {
        let full = err.to_string();
        let suffix = format!(" at line {} column {}", err.line(), err.column());
        let message = full.strip_suffix(&suffix).unwrap_or(&full);
        format!(
            "invalid JSON at column {}: {message} (expected one JSON object per line)",
            err.column()
        )
    })?;
    if !value.is_object() {
        return Err(format!("expected a JSON object, found {}", kind(&value)));
    }
    let config = ctx.config;

    let id = match config.id_field.as_deref() {
        None => None,
        Some(field) => match lookup(&value, field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(other) => {
                return Err(format!(
                    "expected a string or number at `{field}` (the id), found {}",
                    kind(other)
                ));
            }
        },
    }
    .unwrap_or_else(|| format!("{}:{line}", ctx.file_id));

    let mut meta = ctx.path_meta.clone();
    for field in &config.meta_fields {
        let text = match lookup(&value, field) {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        meta.insert(field.as_str(), text);
    }

    let field = config.text_field.as_str();
    let text = match lookup_mut(&mut value, field) {
        Some(Value::String(s)) => std::mem::take(s),
        Some(other) => {
            return Err(format!(
                "expected a string at `{field}` (the text), found {}",
                kind(other)
            ));
        }
        None => {
            return Err(format!(
                "expected a string at `{field}` (the text), found no such field"
            ));
        }
    };
    Ok((id, text, meta))
}

/// Follows a dotted path (`body.text`, `items.0.text`) into nested objects and arrays. A key
/// that itself contains dots is found when it exists as written.
pub(crate) fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
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

/// [`lookup`], mutably.
fn lookup_mut<'v>(value: &'v mut Value, path: &str) -> Option<&'v mut Value> {
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

/// "a number", "an object", ... for messages.
fn kind(value: &Value) -> &'static str {
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
        assert_eq!(lookup(&value, "a.b.0.c"), Some(&Value::from(1)));
        assert_eq!(lookup(&value, "x.y"), Some(&Value::from(2)));
        assert_eq!(lookup(&value, "a.b.1.c"), None);
        assert_eq!(lookup(&value, "a.b.c"), None);
        assert_eq!(lookup(&value, "a.missing"), None);
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
        assert!(
            reasons[5].starts_with("invalid JSON at column"),
            "{}",
            reasons[5]
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

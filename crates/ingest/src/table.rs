//! CSV with a header row.

use std::borrow::Cow;
use std::io::{self, Read};
use std::sync::{Arc, Mutex};

use csv::{ByteRecord, ErrorKind};

use crate::config::EncodingErrors;
use crate::decode;
use crate::error::SkipKind;
use crate::read::{self, Encoding, Opened, ReadFault};
use crate::source::{Ctx, Problem, Replaced, Step};

/// The CSV parser's buffer: the most bytes it may have read ahead of the record it parses.
const CSV_BUFFER: usize = 64 * 1024;

/// The bytes handed to the CSV parser since the start of the record it is reading.
#[derive(Debug, Default)]
struct Window {
    /// Offset (in the decoded stream) of the current record's first byte.
    start: u64,
    /// Bytes from `start` on, as handed to the parser.
    bytes: Vec<u8>,
    /// The stream has ended.
    eof: bool,
}

/// Sits under the CSV parser: keeps the bytes of the record being read (to check its quotes)
/// and stops a record that keeps growing past the line limit.
struct Guard<R> {
    inner: R,
    window: Arc<Mutex<Window>>,
    /// `max_line_bytes` and the parser's buffer: past this the record is surely too long.
    trip: u64,
    limit: u64,
    /// Added to offsets to count from the start of the file (a byte-order mark).
    shift: u64,
}

impl<R: Read> Read for Guard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut window = self
            .window
            .lock()
            .map_err(|_| io::Error::other("CSV window lock poisoned"))?;
        if n == 0 {
            window.eof = true;
        }
        window.bytes.extend_from_slice(&buf[..n]);
        if window.bytes.len() as u64 > self.trip {
            return Err(io::Error::other(ReadFault::CsvRecordTooLong {
                start: window.start + self.shift,
                limit: self.limit,
            }));
        }
        Ok(n)
    }
}

/// Reads CSV rows one at a time; the columns to use are found in the header once.
pub(crate) struct CsvReader {
    reader: csv::Reader<Guard<Box<dyn io::BufRead + Send>>>,
    window: Arc<Mutex<Window>>,
    shift: u64,
    record: ByteRecord,
    text: usize,
    id: Option<usize>,
    meta: Vec<(String, usize)>,
}

impl CsvReader {
    /// Reads the header and finds the configured columns; a missing text (or metadata) column
    /// is a problem with the whole file.
    pub(crate) fn open(opened: Opened, ctx: &Ctx<'_>) -> Result<Self, Problem> {
        let shift = match opened.encoding {
            Encoding::Utf8 { bom } => bom,
            Encoding::Transcoded => 0,
        };
        let limit = ctx.config.max_line_bytes.unwrap_or(u64::MAX);
        let window = Arc::new(Mutex::new(Window::default()));
        let guard = Guard {
            inner: opened.reader,
            window: Arc::clone(&window),
            trip: limit.saturating_add(CSV_BUFFER as u64),
            limit,
            shift,
        };
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .buffer_capacity(CSV_BUFFER)
            .from_reader(guard);
        let columns: Vec<String> = match reader.byte_headers() {
            Ok(header) => header
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect(),
            Err(err) => {
                return Err(match err.kind() {
                    ErrorKind::Io(io) => read::io_problem(io, opened.compression, 0),
                    _ => Problem::whole_file(
                        SkipKind::InvalidCsv,
                        format!("cannot read the CSV header: {err}"),
                    ),
                });
            }
        };
        let find = |name: &str, role: &str| {
            columns.iter().position(|c| c == name).ok_or_else(|| {
                Problem::whole_file(
                    SkipKind::MissingField,
                    if columns.iter().all(String::is_empty) {
                        format!("no column `{name}` ({role}): expected a header row, found none")
                    } else {
                        format!(
                            "no column `{name}` ({role}); the header has columns: {}",
                            columns
                                .iter()
                                .map(|c| format!("`{c}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    },
                )
            })
        };
        let config = ctx.config;
        let text = find(&config.text_field, "the text_field")?;
        let id = config
            .id_field
            .as_deref()
            .and_then(|name| columns.iter().position(|c| c == name));
        let meta = config
            .meta_fields
            .iter()
            .map(|name| Ok((name.clone(), find(name, "one of the meta_fields")?)))
            .collect::<Result<Vec<_>, Problem>>()?;
        let mut csv = CsvReader {
            reader,
            window,
            shift,
            record: ByteRecord::new(),
            text,
            id,
            meta,
        };
        csv.record_done();
        Ok(csv)
    }

    /// Forgets the bytes of the record just read; returns them when they ran to the end of
    /// the stream (the only place an unclosed quote can end), with their start offset.
    fn record_done(&mut self) -> Option<(u64, Vec<u8>)> {
        let end = self.reader.position().byte();
        let mut window = self.window.lock().ok()?;
        let start = window.start;
        let used = usize::try_from(end.saturating_sub(start))
            .unwrap_or(usize::MAX)
            .min(window.bytes.len());
        let at_end = window.eof && used == window.bytes.len();
        let record: Vec<u8> = window.bytes.drain(..used).collect();
        window.start = end;
        at_end.then_some((start, record))
    }

    /// The next document, problem, or the end of the file.
    pub(crate) fn next(&mut self, ctx: &Ctx<'_>) -> Step {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Step::End,
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                let byte = self.record.position().map_or(0, |p| p.byte());
                let limit = ctx.config.max_line_bytes.unwrap_or(u64::MAX);
                let len = self.reader.position().byte().saturating_sub(byte);
                if let Some((start, raw)) = self.record_done()
                    && let Some(at) = unclosed_quote(&raw)
                {
                    return Step::Problem(Problem::at_line(
                        line,
                        SkipKind::InvalidCsv,
                        format!(
                            "unbalanced quote: the quoted field opened at byte {} runs to the \
                             end of the file (expected a closing `\"`)",
                            start + at as u64 + self.shift
                        ),
                    ));
                }
                if let Some(field) = self.record.iter().position(|f| f.contains(&0)) {
                    return Step::Problem(Problem::at_line(
                        line,
                        SkipKind::Binary,
                        format!(
                            "NUL byte in field {} (binary data in the record; expected text)",
                            field + 1
                        ),
                    ));
                }
                if len > limit {
                    return Step::Problem(Problem::at_line(
                        line,
                        SkipKind::TooLong,
                        format!(
                            "CSV record of {len} bytes exceeds max_line_bytes = {limit} \
                             (expected records of at most {limit} bytes)"
                        ),
                    ));
                }
                match self.document(line, byte, ctx) {
                    Ok(step) => step,
                    Err((kind, reason)) => Step::Problem(Problem::at_line(line, kind, reason)),
                }
            }
            Err(err) => match err.kind() {
                ErrorKind::Io(io) => {
                    Step::Problem(read::io_problem(io, ctx.compression, ctx.bytes_consumed()))
                }
                ErrorKind::UnequalLengths {
                    pos,
                    expected_len,
                    len,
                } => {
                    self.record_done();
                    Step::Problem(Problem {
                        line: pos.as_ref().map(|p| p.line()),
                        byte_offset: pos.as_ref().map(|p| p.byte()),
                        kind: SkipKind::InvalidCsv,
                        reason: format!(
                            "expected {expected_len} fields (as many as the header), found {len}"
                        ),
                        whole_file: false,
                        ends_file: false,
                    })
                }
                _ => Step::Problem(Problem {
                    line: err.position().map(|p| p.line()),
                    byte_offset: err.position().map(|p| p.byte()),
                    kind: SkipKind::InvalidCsv,
                    reason: format!("invalid CSV: {err}"),
                    whole_file: false,
                    ends_file: false,
                }),
            },
        }
    }

    fn document(&self, line: u64, byte: u64, ctx: &Ctx<'_>) -> Result<Step, (SkipKind, String)> {
        let config = ctx.config;
        let policy = config.encoding_errors;
        let mut replaced: Option<Replaced> = None;
        let mut note = |column: usize, tally: decode::Tally| {
            if let Some(first) = tally.first {
                // The parsed record holds the fields without their separators: one comma
                // before each earlier field puts the offset back in the row.
                let offset = self
                    .record
                    .range(column)
                    .map_or(0, |r| (r.start + column) as u64);
                let entry = replaced.get_or_insert(Replaced {
                    byte_offset: byte + self.shift + offset + first,
                    count: 0,
                });
                entry.count += tally.count;
            }
        };
        let (text, tally) = field(&self.record, self.text, &config.text_field, policy)?;
        let text = text.into_owned();
        note(self.text, tally);
        let id = match self.id {
            Some(column) => {
                let (id, tally) = field(
                    &self.record,
                    column,
                    config.id_field.as_deref().unwrap_or(""),
                    policy,
                )?;
                note(column, tally);
                id
            }
            None => Cow::Borrowed(""),
        };
        let id = if id.is_empty() {
            format!("{}:{line}", ctx.file_id)
        } else {
            id.into_owned()
        };
        let mut meta = ctx.path_meta.clone();
        for (name, column) in &self.meta {
            let (value, tally) = field(&self.record, *column, name, policy)?;
            note(*column, tally);
            meta.insert(name.as_str(), value);
        }
        Ok(Step::Doc {
            id,
            text,
            meta,
            line: Some(line),
            byte_offset: None,
            replaced,
        })
    }
}

/// Column `column` of `record` as UTF-8 under the encoding policy, with what was replaced.
fn field<'r>(
    record: &'r ByteRecord,
    column: usize,
    name: &str,
    policy: EncodingErrors,
) -> Result<(Cow<'r, str>, decode::Tally), (SkipKind, String)> {
    let bytes = record.get(column).ok_or_else(|| {
        (
            SkipKind::MissingField,
            format!("expected a value in column `{name}`, found none"),
        )
    })?;
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((Cow::Borrowed(text), decode::Tally::default())),
        Err(_) if policy == EncodingErrors::Replace => {
            let (text, tally) = decode::utf8_lossy(bytes);
            Ok((Cow::Owned(text), tally))
        }
        Err(err) => Err((
            SkipKind::Encoding,
            format!(
                "invalid UTF-8 in column `{name}` at byte {} of the field (expected UTF-8 text)",
                err.valid_up_to()
            ),
        )),
    }
}

/// Where a quoted field that is never closed opens in `raw` (the bytes of one record, in the
/// parser's dialect: `,` between fields, `"` quotes, `""` inside quotes for a quote).
pub(crate) fn unclosed_quote(raw: &[u8]) -> Option<usize> {
    let mut open = None;
    let mut field_start = true;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if open.is_some() {
            if b == b'"' {
                if raw.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    open = None;
                    field_start = false;
                }
            }
        } else if b == b'"' && field_start {
            open = Some(i);
        } else {
            field_start = matches!(b, b',' | b'\n' | b'\r');
        }
        i += 1;
    }
    open
}

#[cfg(test)]
mod tests {
    use crate::testutil::{TempDir, ids, read_all, read_until_error};
    use crate::{Format, IngestError};

    #[test]
    fn rows_become_documents_with_ids_and_metadata() {
        let dir = TempDir::new("csv");
        dir.write(
            "t.csv",
            "\u{feff}id,text,date\nr1,\"Hello, world\",2020\n,\"two\nlines\",2021\nr3,three,\n",
        );
        let mut config = dir.config(&["t.csv"], Format::Csv);
        config.meta_fields = vec!["date".into()];
        let (docs, stats) = read_all(config);
        assert_eq!(ids(&docs), ["r1", "t:3", "r3"]);
        assert_eq!(docs[0].text, "Hello, world");
        assert_eq!(docs[1].text, "two\nlines");
        assert_eq!(docs[0].meta.get("date"), Some("2020"));
        assert_eq!(docs[2].meta.get("date"), Some(""));
        assert_eq!(stats.records_seen, 3);
    }

    #[cfg(feature = "gzip")]
    #[test]
    fn a_missing_id_column_falls_back_to_the_row_line() {
        let dir = TempDir::new("csvnoid");
        dir.write_gz("t.csv.gz", "body\nalpha\nbeta\n");
        let mut config = dir.config(&["t.csv.gz"], Format::Csv);
        config.text_field = "body".into();
        let (docs, _) = read_all(config);
        assert_eq!(ids(&docs), ["t:2", "t:3"]);
        assert_eq!(docs[1].text, "beta");
    }

    #[test]
    fn a_missing_text_column_is_a_file_error_naming_the_columns() {
        let dir = TempDir::new("csvcol");
        dir.write("a.csv", "id,body\n1,x\n");
        dir.write("b.csv", "id,text\n1,y\n");
        dir.write("empty.csv", "");
        let (docs, stats) = read_all(dir.config(&["a.csv", "b.csv", "empty.csv"], Format::Csv));
        assert_eq!(ids(&docs), ["1"]);
        assert_eq!(docs[0].text, "y");
        assert_eq!(stats.skipped.len(), 2);
        assert_eq!(stats.skipped[0].line, None);
        assert_eq!(
            stats.skipped[0].reason,
            "no column `text` (the text_field); the header has columns: `id`, `body`"
        );
        assert_eq!(
            stats.skipped[1].reason,
            "no column `text` (the text_field): expected a header row, found none"
        );

        let (_, err) = read_until_error(dir.config(&["a.csv"], Format::Csv));
        assert!(matches!(err, IngestError::File { .. }));
        assert_eq!(
            err.to_string(),
            "a.csv: no column `text` (the text_field); the header has columns: `id`, `body`"
        );

        let mut config = dir.config(&["b.csv"], Format::Csv);
        config.meta_fields = vec!["date".into()];
        let (_, err) = read_until_error(config);
        assert!(
            err.to_string()
                .contains("no column `date` (one of the meta_fields)")
        );
    }

    #[test]
    fn ragged_rows_and_bad_utf8_are_record_errors_with_their_line() {
        let dir = TempDir::new("csvragged");
        dir.write(
            "r.csv",
            b"id,text\n1,ok\n2,too,many\n3\n4,\xff\n5,fine\n".as_slice(),
        );
        let (docs, stats) = read_all(dir.config(&["r.csv"], Format::Csv));
        assert_eq!(ids(&docs), ["1", "5"]);
        let lines: Vec<_> = stats.skipped.iter().map(|s| s.line).collect();
        assert_eq!(lines, [Some(3), Some(4), Some(5)]);
        assert_eq!(
            stats.skipped[0].reason,
            "expected 2 fields (as many as the header), found 3"
        );
        assert_eq!(
            stats.skipped[1].reason,
            "expected 2 fields (as many as the header), found 1"
        );
        assert_eq!(
            stats.skipped[2].reason,
            "invalid UTF-8 in column `text` at byte 0 of the field (expected UTF-8 text)"
        );

        let (docs, err) = read_until_error(dir.config(&["r.csv"], Format::Csv));
        assert_eq!(ids(&docs), ["1"]);
        assert_eq!(
            err.to_string(),
            "r.csv:3: expected 2 fields (as many as the header), found 3"
        );
    }
}

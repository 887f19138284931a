//! CSV with a header row.

use std::io::BufRead;

use csv::{ByteRecord, ErrorKind};

use crate::read::Opened;
use crate::source::{Ctx, Problem, Step};

/// Reads CSV rows one at a time; the columns to use are found in the header once.
pub(crate) struct CsvReader {
    reader: csv::Reader<Box<dyn BufRead + Send>>,
    record: ByteRecord,
    text: usize,
    id: Option<usize>,
    meta: Vec<(String, usize)>,
}

impl CsvReader {
    /// Reads the header and finds the configured columns; a missing text (or metadata) column
    /// is a problem with the whole file.
    pub(crate) fn open(opened: Opened, ctx: &Ctx<'_>) -> Result<Self, Problem> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(opened.reader);
        let columns: Vec<String> = match reader.byte_headers() {
            Ok(header) => header
                .iter()
                .map(|c| String::from_utf8_lossy(c).into_owned())
                .collect(),
            Err(err) => {
                let reason = match err.kind() {
                    ErrorKind::Io(io) => opened.compression.describe(io),
                    _ => format!("cannot read the CSV header: {err}"),
                };
                return Err(Problem::whole_file(reason));
            }
        };
        let find = |name: &str, role: &str| {
            columns.iter().position(|c| c == name).ok_or_else(|| {
                Problem::whole_file(if columns.iter().all(String::is_empty) {
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
                })
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
        Ok(CsvReader {
            reader,
            record: ByteRecord::new(),
            text,
            id,
            meta,
        })
    }

    /// The next document, problem, or the end of the file.
    pub(crate) fn next(&mut self, ctx: &Ctx<'_>) -> Step {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Step::End,
            Ok(true) => {
                let line = self.record.position().map_or(0, |p| p.line());
                match self.document(line, ctx) {
                    Ok(step) => step,
                    Err(reason) => Step::Problem(Problem::at_line(line, reason)),
                }
            }
            Err(err) => match err.kind() {
                ErrorKind::Io(io) => {
                    let mut problem =
                        Problem::at_byte(ctx.bytes_consumed(), ctx.compression.describe(io));
                    problem.ends_file = true;
                    Step::Problem(problem)
                }
                ErrorKind::UnequalLengths {
                    pos,
                    expected_len,
                    len,
                } => Step::Problem(Problem {
                    line: pos.as_ref().map(|p| p.line()),
                    byte_offset: pos.as_ref().map(|p| p.byte()),
                    reason: format!(
                        "expected {expected_len} fields (as many as the header), found {len}"
                    ),
                    whole_file: false,
                    ends_file: false,
                }),
                _ => Step::Problem(Problem {
                    line: err.position().map(|p| p.line()),
                    byte_offset: err.position().map(|p| p.byte()),
                    reason: format!("invalid CSV: {err}"),
                    whole_file: false,
                    ends_file: false,
                }),
            },
        }
    }

    fn document(&self, line: u64, ctx: &Ctx<'_>) -> Result<Step, String> {
        let config = ctx.config;
        let text = field(&self.record, self.text, &config.text_field)?.to_owned();
        let id = match self.id {
            Some(column) => field(
                &self.record,
                column,
                config.id_field.as_deref().unwrap_or(""),
            )?,
            None => "",
        };
        let id = if id.is_empty() {
            format!("{}:{line}", ctx.file_id)
        } else {
            id.to_owned()
        };
        let mut meta = ctx.path_meta.clone();
        for (name, column) in &self.meta {
            meta.insert(name.as_str(), field(&self.record, *column, name)?);
        }
        Ok(Step::Doc { id, text, meta })
    }
}

/// Column `column` of `record` as UTF-8.
fn field<'r>(record: &'r ByteRecord, column: usize, name: &str) -> Result<&'r str, String> {
    let bytes = record
        .get(column)
        .ok_or_else(|| format!("expected a value in column `{name}`, found none"))?;
    std::str::from_utf8(bytes).map_err(|err| {
        format!(
            "invalid UTF-8 in column `{name}` at byte {} of the field (expected UTF-8 text)",
            err.valid_up_to()
        )
    })
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

//! Plain text: one document per file, read in chunks, never held whole when it is over the
//! size limit: cut into parts as it is read, or measured and dropped.

use std::io::ErrorKind;
use std::sync::{Arc, Mutex};

use crate::config::Oversize;
use crate::decode::{Bad, Tally, Utf8Stream};
use crate::error::SkipKind;
use crate::read::{self, Compression, Encoding, Opened, Watch};
use crate::source::{Ctx, Problem, Replaced, Step};
use crate::split;

/// Room kept beyond the size limit: a document is cut once more than the limit has been read,
/// and reads come in chunks of up to this much.
const ROOM: usize = 128 * 1024;

/// Reads a text file as one document: byte-order mark dropped, UTF-8 checked under the
/// encoding policy as it is read. An empty file is a document with empty text: it is data.
///
/// A file longer than `max_document_bytes` is never held whole: with [`Oversize::Split`] a
/// part is cut off (at the same places [`split::split_points`] cuts the whole) each time more
/// than the limit has been read; with [`Oversize::Skip`] the rest is read only to be measured.
pub(crate) struct TextReader {
    reader: Box<dyn std::io::BufRead + Send>,
    compression: Compression,
    utf8: Utf8Stream,
    utf16: Option<Arc<Mutex<Tally>>>,
    watch: Option<Watch>,
    limit: Option<usize>,
    oversize: Oversize,
    /// Text read and not yet handed out.
    text: String,
    /// Parts handed out so far.
    parts: u64,
    /// The document's length so far, once it is being measured to be skipped.
    measured: Option<u64>,
    eof: bool,
    done: bool,
}

impl TextReader {
    pub(crate) fn new(opened: Opened, ctx: &Ctx<'_>) -> Self {
        let config = ctx.config;
        let limit = config
            .max_document_bytes
            .map(|l| usize::try_from(l).unwrap_or(usize::MAX));
        let bom = match opened.encoding {
            Encoding::Utf8 { bom } => bom,
            Encoding::Transcoded => 0,
        };
        let cap = limit.map_or(usize::MAX, |l| l.saturating_add(ROOM));
        let mut text = String::new();
        // One allocation when the size is known (a failure here only means growing later).
        let _ = text.try_reserve_exact(opened.size_hint.min(cap));
        TextReader {
            reader: opened.reader,
            compression: opened.compression,
            utf8: Utf8Stream::new(config.encoding_errors, bom, cap),
            utf16: opened.transcode_tally,
            watch: opened.watch,
            limit,
            oversize: config.oversize,
            text,
            parts: 0,
            measured: None,
            eof: false,
            done: false,
        }
    }

    /// Parts handed out so far (0 while the document is still whole).
    pub(crate) fn parts(&self) -> u64 {
        self.parts
    }

    /// The first replacement made so far (in the UTF-8 check or the UTF-16 transcoder) and
    /// how many there were.
    pub(crate) fn replaced(&self) -> Option<Replaced> {
        let utf16 = self
            .utf16
            .as_ref()
            .and_then(|t| t.lock().ok().map(|t| *t))
            .unwrap_or_default();
        [self.utf8.tally, utf16].into_iter().find_map(|t| {
            t.first.map(|first| Replaced {
                byte_offset: first,
                count: t.count,
            })
        })
    }

    /// The document, its next part, or a problem; then [`Step::End`].
    pub(crate) fn next(&mut self, ctx: &Ctx<'_>) -> Step {
        if self.done {
            return Step::End;
        }
        loop {
            if let Some(limit) = self.limit
                && self.measured.is_none()
                && self.text.len() > limit
            {
                if self.oversize == Oversize::Skip {
                    self.measured = Some(self.text.len() as u64);
                    self.text = String::new();
                } else {
                    let at = split::cut(&self.text, limit);
                    // A cut that would take everything read so far (one character longer than
                    // the limit) waits for more: the end of the file may come next, and then
                    // this is the last part, never followed by an empty one.
                    if at < self.text.len() {
                        let part = self.text[..at].to_owned();
                        self.text.replace_range(..at, "");
                        self.parts += 1;
                        return Step::Part {
                            text: part,
                            number: self.parts,
                            last: false,
                        };
                    }
                }
            }
            if self.eof {
                return self.finish(ctx);
            }
            let chunk = match self.reader.fill_buf() {
                Ok(chunk) => chunk,
                Err(err) if err.kind() == ErrorKind::Interrupted => continue,
                Err(err) => {
                    return self.fail(read::io_problem(
                        &err,
                        self.compression,
                        ctx.bytes_consumed(),
                    ));
                }
            };
            let n = chunk.len();
            let out = match self.measured {
                Some(_) => None,
                None => Some(&mut self.text),
            };
            let made = if n == 0 {
                self.eof = true;
                self.utf8.finish(out)
            } else {
                self.utf8.feed(chunk, out)
            };
            self.reader.consume(n);
            match made {
                Ok(made) => {
                    if let Some(measured) = &mut self.measured {
                        *measured += made;
                    }
                }
                Err(bad) => return self.fail(self.bad(bad, ctx)),
            }
        }
    }

    /// The end of the file: the document (or its last part), or why it is not one.
    fn finish(&mut self, ctx: &Ctx<'_>) -> Step {
        if let Some(problem) = self
            .watch
            .as_ref()
            .and_then(|w| w.check("while it was read"))
        {
            return self.fail(problem);
        }
        self.done = true;
        if let Some(len) = self.measured {
            let limit = self.limit.unwrap_or(usize::MAX);
            return Step::Problem(Problem {
                line: None,
                byte_offset: None,
                kind: SkipKind::Oversize,
                reason: format!("document of {len} bytes exceeds max_document_bytes = {limit}"),
                whole_file: false,
                ends_file: true,
            });
        }
        let text = std::mem::take(&mut self.text);
        if self.parts > 0 {
            self.parts += 1;
            return Step::Part {
                text,
                number: self.parts,
                last: true,
            };
        }
        Step::Doc {
            id: ctx.file_id.to_owned(),
            text,
            meta: ctx.path_meta.clone(),
            line: None,
            byte_offset: None,
            replaced: self.replaced(),
        }
    }

    fn bad(&self, bad: Bad, ctx: &Ctx<'_>) -> Problem {
        match bad {
            Bad::Encoding(offset) => Problem::at_byte(
                offset,
                SkipKind::Encoding,
                "invalid UTF-8 (expected UTF-8 text; the byte offset is of the first bad byte)"
                    .to_owned(),
            ),
            Bad::OutOfMemory => Problem::at_byte(
                ctx.bytes_consumed(),
                SkipKind::OutOfMemory,
                format!(
                    "out of memory holding a document of {} bytes so far (expected a document \
                     that fits in memory: max_document_bytes bounds it)",
                    self.text.len()
                ),
            ),
        }
    }

    /// Ends the document with `problem`: nothing more is read from the file.
    fn fail(&mut self, mut problem: Problem) -> Step {
        self.done = true;
        self.text = String::new();
        problem.ends_file = true;
        Step::Problem(problem)
    }
}

#[cfg(test)]
mod tests {
    // Some functions here serve only the tests of optional features.
    #![cfg_attr(
        not(all(feature = "glob", feature = "gzip", feature = "zstd")),
        allow(dead_code, unused_imports)
    )]

    use std::io::{BufReader, Read};
    use std::sync::atomic::AtomicU64;

    use proptest::prelude::*;
    use wordmill_model::Metadata;

    use super::*;
    use crate::decode::utf8_lossy;
    use crate::split::split_points;
    use crate::testutil::{TempDir, ids, read_all, read_until_error};
    use crate::{EncodingErrors, Format, IngestError, OnError, SkipKind, SourceConfig};

    /// A text reader over `reader` (at most `limit` bytes a document), as a source sets it up.
    fn reader_over(
        reader: impl Read + Send + 'static,
        limit: u64,
        oversize: Oversize,
    ) -> (TextReader, SourceConfig) {
        let config = SourceConfig {
            max_document_bytes: Some(limit),
            oversize,
            ..SourceConfig::default()
        };
        let opened = Opened {
            reader: Box::new(BufReader::new(reader)),
            compression: Compression::None,
            encoding: Encoding::Utf8 { bom: 0 },
            transcode_tally: None,
            size_hint: 0,
            watch: None,
        };
        let consumed = AtomicU64::new(0);
        let meta = Metadata::new();
        let ctx = Ctx {
            config: &config,
            file_id: "t",
            path_meta: &meta,
            compression: Compression::None,
            consumed: &consumed,
            start: 0,
        };
        (TextReader::new(opened, &ctx), config)
    }

    /// A paragraph repeated `times` times, as a reader.
    fn paragraphs(times: usize) -> impl Read + Send {
        let paragraph = "The strike went on. Workers walked out of the plant, and the \
                         managers said nothing!\n";
        std::io::Cursor::new(paragraph.repeat(times).into_bytes())
    }

    #[test]
    fn a_long_text_is_cut_while_read_holding_no_more_than_the_limit() {
        let limit = 64 * 1024;
        let (mut reader, config) = reader_over(paragraphs(40_000), limit, Oversize::Split);
        let consumed = AtomicU64::new(0);
        let meta = Metadata::new();
        let ctx = Ctx {
            config: &config,
            file_id: "t",
            path_meta: &meta,
            compression: Compression::None,
            consumed: &consumed,
            start: 0,
        };
        let mut parts = Vec::new();
        loop {
            match reader.next(&ctx) {
                Step::Part { text, number, last } => {
                    assert_eq!(number as usize, parts.len() + 1);
                    assert!(text.len() as u64 <= limit);
                    // What is held between parts: less than the limit and a read's worth.
                    assert!(reader.text.capacity() <= limit as usize + ROOM);
                    parts.push(text);
                    if last {
                        break;
                    }
                }
                other => panic!("expected a part, got {}", step_name(&other)),
            }
        }
        assert!(matches!(reader.next(&ctx), Step::End));
        // The same parts as cutting the whole text.
        let mut whole = String::new();
        paragraphs(40_000).read_to_string(&mut whole).unwrap();
        let cuts = split_points(&whole, limit as usize);
        assert_eq!(parts.len(), cuts.len());
        assert_eq!(parts.concat(), whole);
        let mut start = 0;
        for (part, end) in parts.iter().zip(cuts) {
            assert_eq!(part.as_str(), &whole[start..end]);
            start = end;
        }
    }

    #[test]
    fn a_long_text_to_skip_is_measured_not_held() {
        let (mut reader, config) = reader_over(paragraphs(40_000), 1000, Oversize::Skip);
        let consumed = AtomicU64::new(0);
        let meta = Metadata::new();
        let ctx = Ctx {
            config: &config,
            file_id: "t",
            path_meta: &meta,
            compression: Compression::None,
            consumed: &consumed,
            start: 0,
        };
        let Step::Problem(problem) = reader.next(&ctx) else {
            panic!("expected the oversize problem");
        };
        assert_eq!(problem.kind, SkipKind::Oversize);
        let mut whole = String::new();
        paragraphs(40_000).read_to_string(&mut whole).unwrap();
        assert_eq!(
            problem.reason,
            format!(
                "document of {} bytes exceeds max_document_bytes = 1000",
                whole.len()
            )
        );
        assert_eq!(reader.text.capacity(), 0);
        assert!(matches!(reader.next(&ctx), Step::End));
    }

    fn step_name(step: &Step) -> &'static str {
        match step {
            Step::Doc { .. } => "a document",
            Step::Part { .. } => "a part",
            Step::Problem(_) => "a problem",
            Step::End => "the end",
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Read from a file in 64 KiB chunks, a text gives the parts `split_points` gives on
        /// the whole, and the replacements `utf8_lossy` makes, wherever the chunks end.
        #[test]
        fn streamed_parts_are_the_parts_of_the_whole(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just(b"Sentence. ".to_vec()),
                    Just("Жж жж. ".as_bytes().to_vec()),
                    Just("🎉".as_bytes().to_vec()),
                    Just(b"line\n".to_vec()),
                    Just(b"x".repeat(700)),
                    Just(b"\xff\xe2\x82".to_vec()),
                ],
                0..400,
            ),
            limit in 1u64..3000,
            big in proptest::bool::ANY,
        ) {
            let mut bytes = pieces.concat();
            if big {
                // Past a read's 64 KiB, so that chunk boundaries fall inside characters.
                let mut prefix = "ж".repeat(40_000).into_bytes();
                prefix.push(b'a');
                prefix.extend(bytes);
                bytes = prefix;
            }
            let dir = TempDir::new("streamed");
            dir.write("t.txt", &bytes);
            let mut config = dir.config(&["t.txt"], Format::Text);
            config.max_document_bytes = Some(limit);
            config.encoding_errors = EncodingErrors::Replace;
            let (docs, stats) = read_all(config);
            let (whole, tally) = utf8_lossy(&bytes);
            let cuts = split_points(&whole, limit as usize);
            let mut start = 0;
            let want: Vec<&str> = cuts.iter().map(|&end| {
                let part = &whole[start..end];
                start = end;
                part
            }).collect();
            let got: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
            prop_assert_eq!(got, want);
            if cuts.len() > 1 {
                prop_assert_eq!(docs[0].id.as_str(), "t#1");
                prop_assert_eq!(stats.split[0].parts, cuts.len() as u64);
            } else {
                prop_assert_eq!(docs[0].id.as_str(), "t");
            }
            prop_assert_eq!(stats.replaced.first().map(|r| (r.byte_offset, r.count)),
                tally.first.map(|f| (f, tally.count)));
        }
    }

    #[test]
    fn a_character_cut_by_a_read_boundary_is_valid_and_a_bad_byte_after_parts_ends_the_document() {
        let dir = TempDir::new("boundary");
        // 65,535 ASCII bytes, then a 2-byte character across the 64 KiB read boundary.
        let mut bytes = vec![b'a'; 65_535];
        bytes.extend("é and more. ".repeat(10).as_bytes());
        dir.write("cut.txt", &bytes);
        let (docs, stats) = read_all(dir.config(&["cut.txt"], Format::Text));
        assert!(stats.skipped.is_empty(), "{:?}", stats.skipped);
        assert_eq!(docs[0].text.as_bytes(), bytes.as_slice());

        // Invalid UTF-8 after three parts (past the first read): they stay, the rest is
        // skipped at the bad byte.
        let mut bad = "Part one. ".repeat(7000).into_bytes();
        bad.extend(b"then \xff and the rest");
        dir.write("bad.txt", &bad);
        let mut config = dir.config(&["bad.txt"], Format::Text);
        config.max_document_bytes = Some(20_000);
        let (docs, stats) = read_all(config.clone());
        assert_eq!(ids(&docs), ["bad#1", "bad#2", "bad#3"]);
        assert_eq!(docs[0].text, "Part one. ".repeat(2000));
        assert_eq!(stats.skipped.len(), 1);
        let skip = &stats.skipped[0];
        assert_eq!(
            (skip.byte_offset, skip.kind),
            (Some(70_005), SkipKind::Encoding)
        );
        assert_eq!(stats.split[0].parts, 3);
        assert!(stats.split[0].rest_skipped);
        assert_eq!(
            (stats.records_seen, stats.documents, stats.parts_added),
            (1, 3, 3)
        );
        // Under `fail` the parts are yielded, then the error.
        let (docs, err) = read_until_error(config);
        assert_eq!(ids(&docs), ["bad#1", "bad#2", "bad#3"]);
        assert_eq!(err.byte_offset(), Some(70_005));
    }

    #[test]
    fn without_a_limit_a_text_is_read_whole() {
        let dir = TempDir::new("nolimit");
        let text = "No limit here. ".repeat(20_000);
        dir.write("whole.txt", &text);
        let mut config = dir.config(&["whole.txt"], Format::Text);
        config.max_document_bytes = None;
        config.on_error = OnError::Fail;
        let (docs, stats) = read_all(config);
        assert_eq!(ids(&docs), ["whole"]);
        assert_eq!(docs[0].text, text);
        assert!(stats.split.is_empty());
    }

    #[test]
    fn a_text_file_is_one_document_with_its_bom_dropped() {
        let dir = TempDir::new("text");
        dir.write("a.txt", "\u{feff}Hello,\r\nworld.\n");
        dir.write("b.txt", "");
        let (docs, stats) = read_all(dir.config(&["a.txt", "b.txt"], Format::Text));
        assert_eq!(ids(&docs), ["a", "b"]);
        assert_eq!(docs[0].text, "Hello,\r\nworld.\n");
        assert_eq!(docs[1].text, "");
        assert!(docs[0].meta.is_empty());
        assert_eq!(stats.bytes_read, 3 + 15);
    }

    #[cfg(feature = "glob")]
    #[test]
    fn invalid_utf8_gives_the_offset_of_the_first_bad_byte() {
        let dir = TempDir::new("utf8");
        dir.write("a.txt", "first");
        dir.write("bad.txt", b"caf\xc3\xa9 \xff\xfe rest");
        dir.write("bom.txt", b"\xEF\xBB\xBFab\x80");
        dir.write("z.txt", "last");
        let (docs, stats) = read_all(dir.config(&["*.txt"], Format::Text));
        assert_eq!(ids(&docs), ["a", "z"]);
        assert_eq!(docs[1].ordinal, 1);
        assert_eq!(stats.skipped.len(), 2);
        let skip = &stats.skipped[0];
        assert_eq!(
            (skip.file.as_str(), skip.line, skip.byte_offset),
            ("bad.txt", None, Some(6))
        );
        assert!(
            skip.reason
                .starts_with("invalid UTF-8 (expected UTF-8 text")
        );
        assert_eq!(stats.skipped[1].byte_offset, Some(5));
        assert!(
            skip.to_string()
                .starts_with("bad.txt: byte 6: invalid UTF-8")
        );

        let (docs, err) = read_until_error(dir.config(&["*.txt"], Format::Text));
        assert_eq!(ids(&docs), ["a"]);
        assert!(matches!(
            err,
            IngestError::Record {
                byte_offset: Some(6),
                line: None,
                ..
            }
        ));
        assert!(
            err.to_string()
                .starts_with("bad.txt: byte 6: invalid UTF-8"),
            "{err}"
        );
    }

    #[cfg(all(feature = "gzip", feature = "zstd"))]
    #[test]
    fn gzip_and_zstd_round_trip() {
        let dir = TempDir::new("compressed");
        let text = "Workers walked out. ".repeat(500);
        let gz = dir.write_gz("sotu/1990_a_r.txt.gz", &text);
        let zst = dir.write_zst("sotu/1991_b_d.txt.zst", &text);
        // Two gzip members concatenated read as one stream.
        let mut multi = std::fs::read(&gz).unwrap();
        multi.extend(std::fs::read(&gz).unwrap());
        dir.write("sotu/1992_c_r.txt.gz", &multi);
        let (docs, stats) = read_all(dir.config(&["sotu"], Format::Text));
        assert_eq!(ids(&docs), ["1990_a_r", "1991_b_d", "1992_c_r"]);
        assert_eq!(docs[0].text, text);
        assert_eq!(docs[1].text, text);
        assert_eq!(docs[2].text, text.repeat(2));
        let on_disk =
            std::fs::metadata(&gz).unwrap().len() * 3 + std::fs::metadata(&zst).unwrap().len();
        assert_eq!(stats.bytes_read, on_disk);
        assert!(stats.bytes_read < text.len() as u64);
    }

    #[cfg(all(feature = "glob", feature = "gzip", feature = "zstd"))]
    #[test]
    fn a_corrupt_compressed_stream_is_a_record_error_with_the_offset_reached() {
        let dir = TempDir::new("corrupt");
        let gz = dir.write_gz("a.txt.gz", "some text that compresses. ".repeat(50));
        let mut bytes = std::fs::read(&gz).unwrap();
        let len = bytes.len();
        bytes.truncate(len / 2);
        dir.write("cut.txt.gz", &bytes);
        dir.write("junk.txt.zst", b"\x28\xb5\x2f\xfd this is not zstd at all");
        let (docs, stats) = read_all(dir.config(&["*.gz", "*.zst"], Format::Text));
        assert_eq!(ids(&docs), ["a"]);
        assert_eq!(stats.skipped.len(), 2);
        let cut = &stats.skipped[0];
        assert_eq!((cut.file.as_str(), cut.line), ("cut.txt.gz", None));
        assert_eq!(cut.byte_offset, Some((len / 2) as u64));
        assert!(
            cut.reason.starts_with("corrupt gzip stream"),
            "{}",
            cut.reason
        );
        let junk = &stats.skipped[1];
        assert_eq!(junk.file, "junk.txt.zst");
        assert!(junk.byte_offset.is_some());
        assert!(
            junk.reason.starts_with("corrupt zstd stream"),
            "{}",
            junk.reason
        );
    }
}

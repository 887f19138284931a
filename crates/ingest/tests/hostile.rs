//! Hostile inputs, each with its expected outcome.
//!
//! Every test reads a messy corpus the way the pipeline does and states what must come out:
//! which documents, which records skipped (file, line or byte offset, and a message saying what
//! was expected), and that the counts reconcile: `records_seen == documents + skipped.len()`.

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

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use wordmill_ingest::{
    EncodingErrors, Format, IngestError, IngestStats, OnError, Oversize, Skip, SkipKind, Source,
    SourceConfig,
};
use wordmill_model::Document;

/// A scratch directory, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "wordmill-hostile-{}-{name}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Scratch(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[cfg(feature = "gzip")]
    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[cfg(feature = "zstd")]
    fn zst(bytes: &[u8]) -> Vec<u8> {
        zstd::encode_all(bytes, 3).unwrap()
    }

    fn config(&self, inputs: &[&str], format: Format) -> SourceConfig {
        SourceConfig::default()
            .inputs(inputs.iter().copied())
            .base_dir(&self.0)
            .format(format)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Reads everything under `OnError::Skip`; checks that the counts reconcile.
fn read_all(mut config: SourceConfig) -> (Vec<Document>, IngestStats) {
    config.on_error = OnError::Skip;
    let mut source = Source::with_config(config).unwrap();
    let docs: Vec<Document> = source.by_ref().map(Result::unwrap).collect();
    let stats = source.into_stats();
    assert_reconciles(&stats);
    assert_eq!(stats.documents, docs.len() as u64);
    (docs, stats)
}

/// Reads under `OnError::Fail` up to the error, which must end the stream.
fn read_until_error(mut config: SourceConfig) -> (Vec<Document>, IngestError) {
    config.on_error = OnError::Fail;
    let mut source = Source::with_config(config).unwrap();
    let mut docs = Vec::new();
    for item in source.by_ref() {
        match item {
            Ok(doc) => docs.push(doc),
            Err(err) => {
                assert!(
                    source.next().is_none(),
                    "the stream must end after an error"
                );
                return (docs, err);
            }
        }
    }
    panic!("expected an error after {} documents", docs.len());
}

/// `records_seen + parts_added == documents + skipped`, `parts_added` as the split list says.
fn assert_reconciles(stats: &IngestStats) {
    let added: u64 = stats
        .split
        .iter()
        .map(|s| s.parts - 1 + u64::from(s.rest_skipped))
        .sum();
    assert_eq!(stats.parts_added, added, "{stats:#?}");
    assert_eq!(
        stats.records_seen + stats.parts_added,
        stats.documents + stats.skipped.len() as u64,
        "{stats:#?}"
    );
}

fn ids(docs: &[Document]) -> Vec<&str> {
    docs.iter().map(|d| d.id.as_str()).collect()
}

/// `(file, line, byte_offset, count)` of each replacement.
fn replacements(stats: &IngestStats) -> Vec<(&str, Option<u64>, u64, u64)> {
    stats
        .replaced
        .iter()
        .map(|r| (r.file.as_str(), r.line, r.byte_offset, r.count))
        .collect()
}

/// `(file, line, id, parts, rest_skipped)` of each split.
fn splits(stats: &IngestStats) -> Vec<(&str, Option<u64>, &str, u64, bool)> {
    stats
        .split
        .iter()
        .map(|s| {
            (
                s.file.as_str(),
                s.line,
                s.id.as_str(),
                s.parts,
                s.rest_skipped,
            )
        })
        .collect()
}

/// `(file, line, byte_offset)` of a skip.
fn at(skip: &Skip) -> (&str, Option<u64>, Option<u64>) {
    (skip.file.as_str(), skip.line, skip.byte_offset)
}

fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    out
}

fn utf16be(text: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    out
}

#[cfg(all(feature = "csv", feature = "jsonl"))]
#[test]
fn invalid_utf8_is_rejected_by_default_with_the_offset_of_the_first_bad_byte() {
    let dir = Scratch::new("utf8-reject");
    dir.write("a.txt", b"caf\xc3\xa9 \xff\xfe rest");
    dir.write(
        "b.jsonl",
        b"{\"text\": \"ok\"}\n{\"text\": \"bad \xc3\x28\"}\n",
    );
    dir.write("c.csv", b"id,text\n1,\"fine\"\n2,\"bad \xe2\x82\"\n");
    let (docs, stats) = read_all(dir.config(&["a.txt"], Format::Text));
    assert!(docs.is_empty());
    assert_eq!(at(&stats.skipped[0]), ("a.txt", None, Some(6)));
    assert_eq!(
        stats.skipped[0].to_string(),
        "a.txt: byte 6: invalid UTF-8 (expected UTF-8 text; the byte offset is of the first bad byte)"
    );

    let (docs, stats) = read_all(dir.config(&["b.jsonl"], Format::Jsonl));
    assert_eq!(ids(&docs), ["b:1"]);
    assert_eq!(
        stats.skipped[0].to_string(),
        "b.jsonl:2: invalid UTF-8 at column 15 (expected UTF-8 text; the column is of the first bad byte)"
    );

    let (docs, stats) = read_all(dir.config(&["c.csv"], Format::Csv));
    assert_eq!(ids(&docs), ["1"]);
    assert_eq!(
        stats.skipped[0].to_string(),
        "c.csv:3: invalid UTF-8 in column `text` at byte 4 of the field (expected UTF-8 text)"
    );

    let (_, err) = read_until_error(dir.config(&["a.txt"], Format::Text));
    assert_eq!(err.byte_offset(), Some(6));
    assert!(err.to_string().starts_with("a.txt: byte 6: invalid UTF-8"));
    assert!(stats.replaced.is_empty());
}

#[cfg(all(feature = "csv", feature = "jsonl"))]
#[test]
fn invalid_utf8_is_replaced_and_counted_under_replace() {
    let dir = Scratch::new("utf8-replace");
    dir.write("a.txt", b"caf\xc3\xa9 \xff\xfe rest \x80");
    dir.write(
        "b.jsonl",
        b"{\"text\": \"ok\"}\n{\"text\": \"bad \xc3\x28\"}\n",
    );
    dir.write("c.csv", b"id,text\n1,fine\n2,bad \xe2\x82 and \xff\n");
    let mut config = dir.config(&["a.txt", "b.jsonl"], Format::Text);
    config.encoding_errors = EncodingErrors::Replace;

    config.inputs = vec!["a.txt".into()];
    let (docs, stats) = read_all(config.clone());
    assert_eq!(docs[0].text, "café \u{fffd}\u{fffd} rest \u{fffd}");
    assert!(stats.skipped.is_empty());
    assert_eq!(replacements(&stats), [("a.txt", None, 6, 3)]);

    config.inputs = vec!["b.jsonl".into()];
    config.format = Format::Jsonl;
    let (docs, stats) = read_all(config.clone());
    assert_eq!(docs[1].text, "bad \u{fffd}(");
    assert_eq!(replacements(&stats), [("b.jsonl", Some(2), 15 + 14, 1)]);

    config.inputs = vec!["c.csv".into()];
    config.format = Format::Csv;
    let (docs, stats) = read_all(config);
    assert_eq!(docs[1].text, "bad \u{fffd} and \u{fffd}");
    assert_eq!(stats.replaced.len(), 1);
    assert_eq!(
        (stats.replaced[0].line, stats.replaced[0].count),
        (Some(3), 2)
    );
    assert_eq!(stats.replaced[0].byte_offset, 15 + 2 + 4);
    let json = serde_json::to_value(&stats).unwrap();
    assert_eq!(json["replaced"][0]["count"], 2);
}

#[cfg(all(feature = "csv", feature = "jsonl"))]
#[test]
fn a_utf8_byte_order_mark_is_dropped_in_every_format() {
    let dir = Scratch::new("utf8-bom");
    dir.write("a.txt", "\u{feff}Hello.");
    dir.write("b.jsonl", "\u{feff}{\"text\": \"one\"}\n");
    dir.write("c.csv", "\u{feff}id,text\nx,two\n");
    dir.write("d.txt", b"\xEF\xBB\xBFab\x80");
    let (docs, stats) = read_all(dir.config(&["a.txt", "d.txt"], Format::Text));
    assert_eq!(docs[0].text, "Hello.");
    // Offsets count the mark: they are offsets in the file.
    assert_eq!(at(&stats.skipped[0]), ("d.txt", None, Some(5)));
    let (docs, _) = read_all(dir.config(&["b.jsonl"], Format::Jsonl));
    assert_eq!(docs[0].text, "one");
    let (docs, _) = read_all(dir.config(&["c.csv"], Format::Csv));
    assert_eq!((docs[0].id.as_str(), docs[0].text.as_str()), ("x", "two"));
}

#[cfg(all(feature = "csv", feature = "gzip", feature = "jsonl"))]
#[test]
fn utf16_little_endian_files_are_decoded_in_every_format() {
    let dir = Scratch::new("utf16le");
    dir.write("a.txt", utf16le("Привет, мир 🎉\n"));
    dir.write(
        "b.jsonl",
        utf16le("{\"text\": \"один\"}\n{\"text\": \"два 🎉\"}\n"),
    );
    dir.write("c.csv", utf16le("id,text\nx,три\n"));
    dir.write("z.txt.gz", Scratch::gz(&utf16le("compressed UTF-16")));
    let (docs, _) = read_all(dir.config(&["a.txt", "z.txt.gz"], Format::Text));
    assert_eq!(docs[0].text, "Привет, мир 🎉\n");
    assert_eq!(docs[1].text, "compressed UTF-16");
    let (docs, stats) = read_all(dir.config(&["b.jsonl"], Format::Jsonl));
    assert_eq!(ids(&docs), ["b:1", "b:2"]);
    assert_eq!(docs[1].text, "два 🎉");
    assert!(stats.replaced.is_empty());
    let (docs, _) = read_all(dir.config(&["c.csv"], Format::Csv));
    assert_eq!((docs[0].id.as_str(), docs[0].text.as_str()), ("x", "три"));
}

#[cfg(all(feature = "csv", feature = "jsonl"))]
#[test]
fn utf16_big_endian_files_are_decoded_in_every_format() {
    let dir = Scratch::new("utf16be");
    dir.write("a.txt", utf16be("Grüße\r\n"));
    dir.write("b.jsonl", utf16be("{\"text\": \"eins\"}\n"));
    dir.write("c.csv", utf16be("text\nzwei\n"));
    let (docs, _) = read_all(dir.config(&["a.txt"], Format::Text));
    assert_eq!(docs[0].text, "Grüße\r\n");
    let (docs, _) = read_all(dir.config(&["b.jsonl"], Format::Jsonl));
    assert_eq!(docs[0].text, "eins");
    let (docs, _) = read_all(dir.config(&["c.csv"], Format::Csv));
    assert_eq!(docs[0].text, "zwei");
}

#[cfg(feature = "jsonl")]
#[test]
fn broken_utf16_follows_the_encoding_policy() {
    let dir = Scratch::new("utf16bad");
    let mut lone = utf16le("ab");
    lone.extend(0xDC00u16.to_le_bytes()); // a low surrogate alone, at byte 6
    lone.extend(utf16le("c")[2..].iter());
    dir.write("lone.txt", &lone);
    let mut odd = utf16le("abc");
    odd.push(b'x'); // half a code unit at byte 8
    dir.write("odd.txt", &odd);
    let mut jsonl = utf16le("{\"text\": \"one\"}\n");
    jsonl.extend(0xD800u16.to_le_bytes());
    jsonl.extend(utf16le("\n{\"text\": \"two\"}\n")[2..].iter());
    dir.write("d.jsonl", &jsonl);

    let (docs, stats) = read_all(dir.config(&["lone.txt", "odd.txt"], Format::Text));
    assert!(docs.is_empty());
    assert_eq!(at(&stats.skipped[0]), ("lone.txt", None, Some(6)));
    assert_eq!(
        stats.skipped[0].reason,
        "invalid UTF-16LE: a low surrogate without its high half (expected UTF-16LE text after its byte-order mark)"
    );
    assert_eq!(at(&stats.skipped[1]), ("odd.txt", None, Some(8)));
    assert!(stats.skipped[1].reason.contains("odd number of bytes"));
    // JSON Lines: the records before the bad unit stay; the file ends there.
    let (docs, stats) = read_all(dir.config(&["d.jsonl"], Format::Jsonl));
    assert_eq!(ids(&docs), ["d:1"]);
    assert_eq!(at(&stats.skipped[0]), ("d.jsonl", None, Some(34)));

    let mut config = dir.config(&["lone.txt", "odd.txt"], Format::Text);
    config.encoding_errors = EncodingErrors::Replace;
    let (docs, stats) = read_all(config.clone());
    assert_eq!(docs[0].text, "ab\u{fffd}c");
    assert_eq!(docs[1].text, "abc\u{fffd}");
    assert_eq!(
        (stats.replaced[0].byte_offset, stats.replaced[0].count),
        (6, 1)
    );
    config.inputs = vec!["d.jsonl".into()];
    config.format = Format::Jsonl;
    let (docs, stats) = read_all(config);
    assert_eq!(ids(&docs), ["d:1", "d:3"]);
    assert_eq!(stats.skipped.len(), 1, "the line of U+FFFD is not JSON");
    assert_eq!(replacements(&stats), [("d.jsonl", None, 34, 1)]);
}

#[cfg(all(feature = "csv", feature = "gzip", feature = "jsonl"))]
#[test]
fn nul_bytes_in_the_first_8_kib_mark_a_binary_file() {
    let dir = Scratch::new("nul");
    dir.write("a.txt", b"text\0more");
    dir.write("b.jsonl", b"{\"text\": \"x\"}\n\0\0\0\0");
    dir.write("c.csv", b"id,text\n1,\0\n");
    dir.write("d.txt.gz", Scratch::gz(b"compressed\0binary"));
    let mut late = "x".repeat(8 * 1024).into_bytes();
    late.extend(b"\0late NUL");
    dir.write("late.txt", &late);
    let (docs, stats) = read_all(dir.config(&["a.txt", "d.txt.gz", "late.txt"], Format::Text));
    assert_eq!(ids(&docs), ["late"], "a NUL past the first 8 KiB is text");
    assert_eq!(
        stats.skipped[0].to_string(),
        "a.txt: byte 4: binary file (NUL byte), expected text (UTF-8, or UTF-16 with a byte-order mark)"
    );
    assert_eq!(at(&stats.skipped[1]), ("d.txt.gz", None, Some(10)));
    // JSON Lines and CSV: a NUL byte inside a later line spoils that record only.
    let (docs, stats) = read_all(dir.config(&["b.jsonl"], Format::Jsonl));
    assert_eq!(ids(&docs), ["b:1"]);
    assert_eq!(
        stats.skipped[0].to_string(),
        "b.jsonl:2: NUL byte at column 1 (binary data in the line; expected one JSON object \
         per line, as text)"
    );
    assert_eq!(stats.skipped[0].kind, SkipKind::Binary);
    dir.write(
        "e.jsonl",
        b"{\"text\": \"a\"}\n{\"text\": \"b\0\"}\n{\"text\": \"c\"}\n",
    );
    let (docs, stats) = read_all(dir.config(&["e.jsonl"], Format::Jsonl));
    assert_eq!(ids(&docs), ["e:1", "e:3"]);
    assert_eq!(at(&stats.skipped[0]), ("e.jsonl", Some(2), None));
    let (_, err) = read_until_error(dir.config(&["c.csv"], Format::Csv));
    assert_eq!(
        err.to_string(),
        "c.csv:2: NUL byte in field 2 (binary data in the record; expected text)"
    );
    // A NUL byte in the first line, or with bytes that are not UTF-8: the file is binary.
    dir.write("f.jsonl", b"\0{\"text\": \"x\"}\n{\"text\": \"y\"}\n");
    dir.write(
        "g.jsonl",
        b"{\"text\": \"x\"}\n\xff\xfe\0\x01\n{\"text\": \"y\"}\n",
    );
    let (docs, stats) = read_all(dir.config(&["f.jsonl", "g.jsonl"], Format::Jsonl));
    assert!(docs.is_empty(), "both files are refused whole");
    assert_eq!(at(&stats.skipped[0]), ("f.jsonl", None, Some(0)));
    assert_eq!(at(&stats.skipped[1]), ("g.jsonl", None, Some(16)));
    assert!(
        stats
            .skipped
            .iter()
            .all(|s| s.kind == SkipKind::Binary && s.reason.starts_with("binary file (NUL byte)"))
    );
}

#[cfg(all(feature = "csv", feature = "glob", feature = "jsonl"))]
#[test]
fn binary_files_are_refused_as_one_skip_each() {
    let dir = Scratch::new("binary");
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..2000u32).map(|i| (i * 7 % 256) as u8));
    dir.write("corpus/image.png", &png);
    dir.write("corpus/program", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0");
    dir.write("corpus/speech.txt", "Fellow citizens.");
    // A directory input reads only the text files by default: the others are left out, unread.
    let (docs, stats) = read_all(dir.config(&["corpus"], Format::Text));
    assert_eq!(ids(&docs), ["speech"]);
    assert!(stats.skipped.is_empty());
    assert_eq!(stats.files_left_out, 2);
    // Asked to read every file, each binary one is refused as one skip.
    let mut config = dir.config(&["corpus"], Format::Text);
    config.extensions = Some(vec!["*".into()]);
    let (docs, stats) = read_all(config);
    assert_eq!(ids(&docs), ["speech"]);
    assert_eq!(stats.skipped.len(), 2);
    assert!(
        stats
            .skipped
            .iter()
            .all(|s| s.kind == wordmill_ingest::SkipKind::Binary)
    );
    assert_eq!(at(&stats.skipped[0]), ("corpus/image.png", None, Some(8)));
    assert_eq!(at(&stats.skipped[1]), ("corpus/program", None, Some(7)));
    assert!(
        stats
            .skipped
            .iter()
            .all(|s| s.reason.starts_with("binary file (NUL byte)"))
    );
    // Read as JSON Lines or CSV, they are refused whole as well.
    for format in [Format::Jsonl, Format::Csv] {
        let config = dir.config(&["corpus/image.png", "corpus/program"], format);
        let (docs, stats) = read_all(config);
        assert!(docs.is_empty());
        assert_eq!(at(&stats.skipped[0]), ("corpus/image.png", None, Some(8)));
        assert_eq!(at(&stats.skipped[1]), ("corpus/program", None, Some(7)));
    }
}

#[cfg(all(feature = "csv", feature = "jsonl"))]
#[test]
fn an_empty_text_file_is_one_empty_document() {
    // An empty file is data (a speech that was never given, a page that was blank): it is
    // counted and analysed as a document with no text. An empty JSON Lines file holds no
    // record; an empty CSV file lacks its header.
    let dir = Scratch::new("empty");
    dir.write("a.txt", "");
    dir.write("b.jsonl", "");
    dir.write("c.csv", "");
    let (docs, stats) = read_all(dir.config(&["a.txt"], Format::Text));
    assert_eq!((ids(&docs), docs[0].text.as_str()), (vec!["a"], ""));
    assert_eq!(stats.records_seen, 1);
    let (docs, stats) = read_all(dir.config(&["b.jsonl"], Format::Jsonl));
    assert!(docs.is_empty());
    assert_eq!(stats.records_seen, 0);
    let (_, err) = read_until_error(dir.config(&["c.csv"], Format::Csv));
    assert_eq!(
        err.to_string(),
        "c.csv: no column `text` (the text_field): expected a header row, found none"
    );
}

#[cfg(all(feature = "gzip", feature = "jsonl", feature = "zstd"))]
#[test]
fn empty_gz_and_zst_files_are_corrupt_streams() {
    let dir = Scratch::new("empty-compressed");
    dir.write("a.txt.gz", b"");
    dir.write("b.jsonl.zst", b"");
    let (docs, stats) = read_all(dir.config(&["a.txt.gz"], Format::Text));
    assert!(docs.is_empty());
    assert_eq!(
        stats.skipped[0].to_string(),
        "a.txt.gz: byte 0: empty gzip file (0 bytes): expected a complete gzip stream"
    );
    let (_, err) = read_until_error(dir.config(&["b.jsonl.zst"], Format::Jsonl));
    assert_eq!(
        err.to_string(),
        "b.jsonl.zst: byte 0: empty zstd file (0 bytes): expected a complete zstd stream"
    );
}

#[cfg(all(feature = "glob", feature = "gzip", feature = "zstd"))]
#[test]
fn corrupt_gz_and_zst_files_are_errors_at_the_offset_reached() {
    let dir = Scratch::new("corrupt");
    let text = "Some text that compresses well. ".repeat(200);
    let gz = Scratch::gz(text.as_bytes());
    dir.write("cut.txt.gz", &gz[..gz.len() / 2]);
    let zst = Scratch::zst(text.as_bytes());
    dir.write("cut.txt.zst", &zst[..zst.len() / 2]);
    dir.write("junk.txt.gz", b"\x1f\x8b\x08\0 not really gzip");
    dir.write("plain.txt.zst", "not compressed at all");
    let (docs, stats) = read_all(dir.config(&["*.gz", "*.zst"], Format::Text));
    assert!(docs.is_empty());
    let files: Vec<_> = stats.skipped.iter().map(|s| s.file.as_str()).collect();
    assert_eq!(
        files,
        ["cut.txt.gz", "junk.txt.gz", "cut.txt.zst", "plain.txt.zst"]
    );
    for skip in &stats.skipped {
        assert!(skip.byte_offset.is_some() && skip.line.is_none(), "{skip}");
        let kind = if skip.file.ends_with(".gz") {
            "gzip"
        } else {
            "zstd"
        };
        assert!(
            skip.reason.starts_with(&format!("corrupt {kind} stream"))
                && skip
                    .reason
                    .ends_with(&format!("(expected a complete {kind} file)")),
            "{skip}"
        );
    }
    assert_eq!(stats.skipped[0].byte_offset, Some((gz.len() / 2) as u64));
}

#[cfg(all(feature = "gzip", feature = "jsonl", feature = "zstd"))]
#[test]
fn a_decompression_bomb_is_refused_at_the_limit() {
    let dir = Scratch::new("bomb");
    // 8 MiB of one byte compresses to a few kilobytes.
    let payload = vec![b'a'; 8 << 20];
    dir.write("bomb.txt.gz", Scratch::gz(&payload));
    dir.write("bomb.txt.zst", Scratch::zst(&payload));
    let lines: String = (0..20_000)
        .map(|i| format!("{{\"text\": \"record {i} padded to compress\"}}\n"))
        .collect();
    dir.write("records.jsonl.gz", Scratch::gz(lines.as_bytes()));
    let mut config = dir.config(&["bomb.txt.gz", "bomb.txt.zst"], Format::Text);
    config.max_decompressed_bytes = Some(1 << 20);
    let (docs, stats) = read_all(config.clone());
    assert!(docs.is_empty());
    assert_eq!(stats.skipped.len(), 2);
    assert_eq!(
        stats.skipped[0].to_string(),
        "bomb.txt.gz: decompressed size exceeds limit 1048576 (decompression bomb?); expected \
         at most max_decompressed_bytes = 1048576 bytes once decompressed"
    );
    assert_eq!(at(&stats.skipped[1]), ("bomb.txt.zst", None, None));
    let (_, err) = read_until_error(config.clone());
    assert!(
        matches!(err, IngestError::File { .. }),
        "a file-level error: {err}"
    );

    // JSON Lines: the records read before the limit stay valid.
    config.inputs = vec!["records.jsonl.gz".into()];
    config.format = Format::Jsonl;
    config.max_decompressed_bytes = Some(100_000);
    let (docs, stats) = read_all(config);
    assert!(docs.len() > 1000 && docs.len() < 20_000, "{}", docs.len());
    assert_eq!(docs[1000].text, "record 1000 padded to compress");
    assert_eq!(stats.skipped.len(), 1);
    assert!(
        stats.skipped[0]
            .reason
            .starts_with("decompressed size exceeds limit 100000")
    );
}

/// 200 MB with no line break, written in 1 MB chunks.
fn write_huge(path: &Path, megabytes: usize) {
    let chunk = vec![b'a'; 1 << 20];
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for _ in 0..megabytes {
        file.write_all(&chunk).unwrap();
    }
    file.flush().unwrap();
}

#[cfg(feature = "jsonl")]
#[test]
#[ignore = "writes and reads 200 MB: a few seconds and 400 MB of memory; the same code paths \
            run at small limits in `long_documents_and_lines_at_small_limits`"]
fn a_200_mb_file_with_no_line_break() {
    let dir = Scratch::new("huge");
    write_huge(&dir.path().join("huge.txt"), 200);
    std::fs::copy(dir.path().join("huge.txt"), dir.path().join("huge.jsonl")).unwrap();
    std::fs::write(dir.path().join("after.jsonl"), "{\"text\": \"after\"}\n").unwrap();

    // Plain text: one document (with no size limit), or parts of at most the limit.
    let mut config = dir.config(&["huge.txt"], Format::Text);
    config.max_document_bytes = None;
    let (docs, _) = read_all(config.clone());
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].text.len(), 200 << 20);
    drop(docs);
    config.max_document_bytes = Some(64 << 20);
    let (docs, stats) = read_all(config);
    assert_eq!(ids(&docs), ["huge#1", "huge#2", "huge#3", "huge#4"]);
    assert_eq!(stats.split[0].parts, 4);
    drop(docs);

    // JSON Lines: one line over the limit, streamed past, then the next file.
    let mut config = dir.config(&["huge.jsonl", "after.jsonl"], Format::Jsonl);
    config.max_line_bytes = Some(16 << 20);
    let (docs, stats) = read_all(config);
    assert_eq!(ids(&docs), ["after:1"]);
    assert_eq!(
        stats.skipped[0].to_string(),
        "huge.jsonl:1: line of 209715200 bytes exceeds max_line_bytes = 16777216 (expected one \
         JSON object per line of at most 16777216 bytes; the line was not read)"
    );
}

#[cfg(feature = "jsonl")]
#[test]
fn long_documents_and_lines_at_small_limits() {
    let dir = Scratch::new("small-limits");
    write_huge(&dir.path().join("long.txt"), 2);
    let mut long_line = vec![b'x'; 3 << 20];
    long_line.extend(b"\n{\"text\": \"next\"}\n\n{\"text\": \"tail\"}");
    dir.write("long.jsonl", &long_line);

    let mut config = dir.config(&["long.txt"], Format::Text);
    config.max_document_bytes = None;
    let (docs, _) = read_all(config.clone());
    assert_eq!(docs[0].text.len(), 2 << 20);
    config.max_document_bytes = Some(1 << 20);
    let (docs, stats) = read_all(config);
    assert_eq!(ids(&docs), ["long#1", "long#2"]);
    assert_eq!(docs[1].ordinal, 1);
    assert_eq!(splits(&stats), [("long.txt", None, "long", 2, false)]);
    // One record, two documents.
    assert_eq!(
        (stats.documents, stats.records_seen, stats.parts_added),
        (2, 1, 1)
    );

    let mut config = dir.config(&["long.jsonl"], Format::Jsonl);
    config.max_line_bytes = Some(1 << 20);
    let (docs, stats) = read_all(config.clone());
    assert_eq!(
        ids(&docs),
        ["long:2", "long:4"],
        "reading goes on at the next line"
    );
    assert_eq!(at(&stats.skipped[0]), ("long.jsonl", Some(1), Some(0)));
    assert_eq!(
        stats.skipped[0].reason,
        "line of 3145728 bytes exceeds max_line_bytes = 1048576 (expected one JSON object per \
         line of at most 1048576 bytes; the line was not read)"
    );
    // A line of exactly the limit is read.
    config.max_line_bytes = Some(3 << 20);
    let (_, stats) = read_all(config);
    assert!(
        stats.skipped[0]
            .reason
            .starts_with("invalid JSON at column 1")
    );
}

#[cfg(feature = "jsonl")]
#[test]
fn oversized_documents_are_split_at_sentences_or_skipped() {
    let dir = Scratch::new("oversize");
    let speech = "We choose to go. We do it because it is hard! Will we? Yes.";
    dir.write("speech.txt", speech);
    dir.write(
        "posts.jsonl",
        format!("{{\"id\": \"p\", \"text\": \"{speech}\", \"date\": \"1962\"}}\n{{\"text\": \"short\"}}\n"),
    );
    let mut config = dir.config(&["speech.txt"], Format::Text);
    config.max_document_bytes = Some(24);
    let (docs, stats) = read_all(config.clone());
    assert_eq!(ids(&docs), ["speech#1", "speech#2", "speech#3"]);
    let texts: Vec<_> = docs.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "We choose to go. ",
            "We do it because it is ",
            "hard! Will we? Yes."
        ]
    );
    assert_eq!(texts.concat(), speech);
    assert_eq!((stats.records_seen, stats.parts_added), (1, 2));

    config.inputs = vec!["posts.jsonl".into()];
    config.format = Format::Jsonl;
    config.meta_fields = vec!["date".into()];
    let (docs, stats) = read_all(config.clone());
    assert_eq!(ids(&docs), ["p#1", "p#2", "p#3", "posts:2"]);
    assert!(docs[..3].iter().all(|d| d.meta.get("date") == Some("1962")));
    assert_eq!(splits(&stats), [("posts.jsonl", Some(1), "p", 3, false)]);

    config.oversize = Oversize::Skip;
    let (docs, stats) = read_all(config.clone());
    assert_eq!(ids(&docs), ["posts:2"]);
    assert_eq!(
        stats.skipped[0].to_string(),
        "posts.jsonl:1: document of 59 bytes exceeds max_document_bytes = 24"
    );
    config.inputs = vec!["speech.txt".into()];
    config.format = Format::Text;
    let (_, err) = read_until_error(config);
    assert_eq!(
        err.to_string(),
        "speech.txt: document of 59 bytes exceeds max_document_bytes = 24"
    );
}

#[cfg(feature = "jsonl")]
#[test]
fn malformed_json_lines_are_skipped_with_their_line_and_column() {
    let dir = Scratch::new("malformed");
    dir.write(
        "d.jsonl",
        "{\"text\": \"one\"}\n{\"text\": \"unterminated\n{\"text\": }\n{\"text\" \"two\"}\n42\n\
         {\"text\": \"trailing\"} x\n{\"text\": \"last\"}",
    );
    let (docs, stats) = read_all(dir.config(&["d.jsonl"], Format::Jsonl));
    assert_eq!(ids(&docs), ["d:1", "d:7"]);
    let shown: Vec<String> = stats.skipped.iter().map(Skip::to_string).collect();
    assert_eq!(
        shown,
        [
            "d.jsonl:2: invalid JSON at column 22: EOF while parsing a string (expected one JSON object per line)",
            "d.jsonl:3: invalid JSON at column 10: expected value (expected one JSON object per line)",
            "d.jsonl:4: invalid JSON at column 9: expected `:` (expected one JSON object per line)",
            "d.jsonl:5: expected a JSON object, found a number",
            "d.jsonl:6: invalid JSON at column 22: trailing characters (expected one JSON object per line)",
        ]
    );
}

#[cfg(feature = "jsonl")]
#[test]
fn missing_and_non_string_text_fields_are_record_errors() {
    let dir = Scratch::new("fields");
    dir.write(
        "d.jsonl",
        concat!(
            "{\"body\": {\"text\": \"ok\"}}\n",
            "{\"body\": {}}\n",
            "{\"body\": {\"text\": null}}\n",
            "{\"body\": {\"text\": [\"a\", \"b\"]}}\n",
            "{\"body\": \"flat\"}\n",
            "{\"body\": {\"text\": {\"nested\": true}}}\n",
        ),
    );
    let mut config = dir.config(&["d.jsonl"], Format::Jsonl);
    config.text_field = "body.text".into();
    let (docs, stats) = read_all(config);
    assert_eq!(ids(&docs), ["d:1"]);
    let shown: Vec<String> = stats.skipped.iter().map(Skip::to_string).collect();
    assert_eq!(
        shown,
        [
            "d.jsonl:2: expected a string at `body.text` (the text), found no such field",
            "d.jsonl:3: expected a string at `body.text` (the text), found null",
            "d.jsonl:4: expected a string at `body.text` (the text), found an array",
            "d.jsonl:5: expected a string at `body.text` (the text), found no such field",
            "d.jsonl:6: expected a string at `body.text` (the text), found an object",
        ]
    );
}

#[cfg(feature = "jsonl")]
#[test]
fn deeply_nested_json_is_a_record_error_not_a_stack_overflow() {
    let dir = Scratch::new("nested");
    let depth = 100_000;
    let mut deep = "[".repeat(depth);
    deep.push_str(&"]".repeat(depth));
    let mut object = "{\"text\": \"t\", \"x\": ".to_owned();
    object.push_str(&"{\"a\": ".repeat(depth));
    dir.write(
        "d.jsonl",
        format!("{deep}\n{object}\n{{\"text\": \"fine\", \"x\": [[[[1]]]]}}\n"),
    );
    let (docs, stats) = read_all(dir.config(&["d.jsonl"], Format::Jsonl));
    assert_eq!(ids(&docs), ["d:3"]);
    assert_eq!(
        stats.skipped[0].to_string(),
        "d.jsonl:1: invalid JSON at column 128: recursion limit exceeded (nesting deeper than \
         128 arrays or objects) (expected one JSON object per line)"
    );
    assert_eq!(stats.skipped[1].line, Some(2));
    assert!(stats.skipped[1].reason.contains("recursion limit exceeded"));
}

#[cfg(feature = "csv")]
#[test]
fn csv_with_an_unbalanced_quote_does_not_swallow_the_rest_of_the_file_silently() {
    let dir = Scratch::new("quotes");
    dir.write(
        "q.csv",
        "id,text\n1,fine\n2,\"never closed\n3,swallowed\n4,also swallowed\n",
    );
    dir.write(
        "ok.csv",
        "id,text\n1,\"a \"\"quoted\"\" word, and a comma\"\n",
    );
    let (docs, stats) = read_all(dir.config(&["q.csv", "ok.csv"], Format::Csv));
    assert_eq!(ids(&docs), ["1", "1"]);
    assert_eq!(docs[1].text, "a \"quoted\" word, and a comma");
    assert_eq!(
        stats.skipped[0].to_string(),
        "q.csv:3: unbalanced quote: the quoted field opened at byte 17 runs to the end of the \
         file (expected a closing `\"`)"
    );

    // A record still growing past the line limit stops the file.
    let mut big = b"id,text\n1,ok\n2,\"".to_vec();
    big.extend(std::iter::repeat_n(b'y', 300_000));
    dir.write("big.csv", &big);
    let mut config = dir.config(&["big.csv"], Format::Csv);
    config.max_line_bytes = Some(100_000);
    let (docs, stats) = read_all(config);
    assert_eq!(ids(&docs), ["1"]);
    assert_eq!(
        stats.skipped[0].to_string(),
        "big.csv: byte 13: CSV record longer than max_line_bytes = 100000 (an unbalanced \
         quote?); expected records of at most 100000 bytes; the rest of the file is not read"
    );
    // A record over the limit that ends in time is skipped, and reading goes on.
    let mut config = dir.config(&["q.csv", "ok.csv"], Format::Csv);
    config.max_line_bytes = Some(20);
    let (docs, stats) = read_all(config);
    assert_eq!(ids(&docs), ["1"]);
    assert_eq!(
        stats.skipped[1].to_string(),
        "ok.csv:2: CSV record of 35 bytes exceeds max_line_bytes = 20 (expected records of at \
         most 20 bytes)"
    );
}

#[cfg(feature = "csv")]
#[test]
fn csv_ragged_rows_are_record_errors_with_their_line() {
    let dir = Scratch::new("ragged");
    dir.write(
        "r.csv",
        "id,text,date\n1,ok,2020\n2,short\n3,too,many,fields\n4,fine,2021\n",
    );
    let mut config = dir.config(&["r.csv"], Format::Csv);
    config.meta_fields = vec!["date".into()];
    let (docs, stats) = read_all(config);
    assert_eq!(ids(&docs), ["1", "4"]);
    let shown: Vec<String> = stats.skipped.iter().map(Skip::to_string).collect();
    assert_eq!(
        shown,
        [
            "r.csv:3: expected 3 fields (as many as the header), found 2",
            "r.csv:4: expected 3 fields (as many as the header), found 4",
        ]
    );
    assert_eq!(stats.skipped[0].byte_offset, Some(23));
}

#[cfg(unix)]
#[test]
fn symbolic_link_loops_are_skipped_with_their_path() {
    let dir = Scratch::new("loops");
    dir.write("corpus/a.txt", "a");
    std::os::unix::fs::symlink(dir.path().join("corpus"), dir.path().join("corpus/loop")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("self"), dir.path().join("self")).unwrap();
    let (docs, stats) = read_all(dir.config(&["corpus"], Format::Text));
    assert_eq!(ids(&docs), ["a"]);
    assert_eq!(at(&stats.skipped[0]), ("corpus/loop", None, None));
    assert!(
        stats.skipped[0]
            .reason
            .starts_with("symbolic link loop (points back to `"),
        "{}",
        stats.skipped[0]
    );
    assert!(
        stats.skipped[0]
            .reason
            .ends_with("expected a file or a directory that is not its own ancestor")
    );
    // A link to itself named directly cannot be resolved at all.
    let err = Source::with_config(dir.config(&["self"], Format::Text)).unwrap_err();
    assert!(
        err.to_string().starts_with("input `self`: cannot read `"),
        "{err}"
    );
}

/// Whether this process can read a file whose permissions forbid it (it runs as root).
#[cfg(unix)]
fn permissions_do_not_apply(path: &Path) -> bool {
    std::fs::File::open(path).is_ok()
}

#[cfg(all(unix, feature = "glob"))]
#[test]
fn unreadable_files_are_skipped_as_whole_files() {
    use std::os::unix::fs::PermissionsExt;

    let dir = Scratch::new("unreadable");
    dir.write("a.txt", "readable");
    let locked = dir.write("locked.txt", "locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let (docs, stats) = read_all(dir.config(&["*.txt"], Format::Text));
    if permissions_do_not_apply(&locked) {
        // Root (as in CI) reads it anyway: permissions do not stop it.
        assert_eq!(ids(&docs), ["a", "locked"]);
    } else {
        assert_eq!(ids(&docs), ["a"]);
        assert_eq!(
            stats.skipped[0].to_string(),
            "locked.txt: cannot open the file: Permission denied (os error 13) (expected a \
             readable file)"
        );
    }
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o644)).unwrap();

    // What every user meets: a file that became a directory after the inputs were listed.
    let mut source =
        Source::with_config(dir.config(&["a.txt", "locked.txt"], Format::Text)).unwrap();
    std::fs::remove_file(&locked).unwrap();
    std::fs::create_dir(&locked).unwrap();
    let docs: Vec<_> = source.by_ref().map(Result::unwrap).collect();
    assert_eq!(ids(&docs), ["a"]);
    let stats = source.stats();
    assert_reconciles(stats);
    assert_eq!(
        stats.skipped[0].to_string(),
        "locked.txt: the file changed after it was listed: it is no longer a regular file \
         (expected a file that is not replaced while it is read)"
    );
    assert_eq!(stats.skipped[0].kind, SkipKind::Changed);
}

#[cfg(all(feature = "glob", feature = "jsonl"))]
#[test]
fn globs_that_match_nothing_fail_before_reading() {
    let dir = Scratch::new("noglob");
    dir.write("a.txt", "a");
    let err = Source::with_config(dir.config(&["a.txt", "*.jsonl"], Format::Jsonl)).unwrap_err();
    assert!(!err.is_skippable());
    assert_eq!(
        err.to_string(),
        "input `*.jsonl`: no file matches glob `*.jsonl` under `.`"
    );
    let err = Source::with_config(dir.config(&["missing/**/*.txt"], Format::Text)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("input `missing/**/*.txt`: no file matches glob `**/*.txt`"),
        "{err}"
    );
}

#[cfg(all(feature = "gzip", feature = "zstd"))]
#[test]
fn every_hostile_file_at_once_reconciles() {
    let dir = Scratch::new("all");
    dir.write("c/1.txt", b"ok");
    dir.write("c/2.txt", b"bad \xff");
    dir.write("c/3.txt", b"bin\0ary");
    dir.write("c/4.txt.gz", b"");
    dir.write("c/5.txt", utf16le("wide"));
    dir.write("c/6.txt", b"");
    dir.write("c/7.txt.zst", b"junk");
    let (docs, stats) = read_all(dir.config(&["c"], Format::Text));
    assert_eq!(ids(&docs), ["1", "5", "6"]);
    assert_eq!(stats.skipped.len(), 4);
    assert_eq!(stats.records_seen, 7);
}

#[cfg(feature = "mail")]
#[test]
fn an_email_of_10000_mime_parts_is_read_in_bounded_time() {
    let dir = Scratch::new("mime-parts");
    let mut wide =
        String::from("Subject: many parts\nContent-Type: multipart/mixed; boundary=b\n\n");
    for i in 0..10_000 {
        if i % 2 == 0 {
            wide.push_str(&format!("--b\nContent-Type: text/plain\n\nPart {i}.\n"));
        } else {
            wide.push_str(
                "--b\nContent-Type: application/octet-stream\n\
                 Content-Transfer-Encoding: base64\n\nAAECAw==\n",
            );
        }
    }
    wide.push_str("--b--\n");
    dir.write("wide.eml", &wide);
    // And 10,000 multiparts nested one in the other.
    let mut deep = String::from("Subject: deep parts\n");
    for i in 0..10_000 {
        deep.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=d{i}\n\n--d{i}\n"
        ));
    }
    deep.push_str("Content-Type: text/plain\n\nAt the bottom.\n");
    for i in (0..10_000).rev() {
        deep.push_str(&format!("--d{i}--\n"));
    }
    dir.write("deep.eml", &deep);
    let (docs, stats) = read_all(dir.config(&["wide.eml", "deep.eml"], Format::Email));
    assert_eq!(ids(&docs), ["wide", "deep"]);
    let parts: Vec<&str> = docs[0].text.split("\n\n").collect();
    assert_eq!(parts.len(), 5_000);
    assert_eq!((parts[0], parts[4_999]), ("Part 0.", "Part 9998."));
    assert_eq!(docs[1].text, "At the bottom.");
    assert_eq!(stats.attachments_skipped, 5_000);
}

/// Writes a message whose Subject header is `header_bytes` long, between two short messages
/// of an mbox, without holding it in memory.
fn write_long_header_mbox(path: &Path, header_bytes: usize) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    out.write_all(b"From a@example.org Mon Jan  2 15:04:05 2006\nSubject: one\n\nFirst.\n\n")
        .unwrap();
    out.write_all(b"From b@example.org Mon Jan  2 15:04:05 2006\nSubject: ")
        .unwrap();
    let chunk = "word ".repeat(13_107);
    let mut written = 0;
    while written < header_bytes {
        let n = chunk.len().min(header_bytes - written);
        out.write_all(&chunk.as_bytes()[..n]).unwrap();
        written += n;
    }
    out.write_all(
        b"\n\nSecond.\n\nFrom c@example.org Mon Jan  2 15:04:05 2006\nSubject: three\n\nThird.\n",
    )
    .unwrap();
    out.flush().unwrap();
}

#[cfg(feature = "mail")]
#[test]
fn a_100_mb_header_is_streamed_past_within_max_line_bytes() {
    let dir = Scratch::new("long-header");
    let path = dir.path().join("big.mbox");
    write_long_header_mbox(&path, 100 << 20);
    let size = std::fs::metadata(&path).unwrap().len();
    let mut config = dir.config(&["big.mbox"], Format::Mbox);
    config.max_line_bytes = Some(1 << 20);
    let (docs, stats) = read_all(config.clone());
    assert_eq!(ids(&docs), ["big:1", "big:3"]);
    assert_eq!(stats.bytes_read, size);
    let skip = &stats.skipped[0];
    assert_eq!((skip.kind, skip.byte_offset), (SkipKind::TooLong, Some(66)));
    assert!(
        skip.reason.starts_with(&format!(
            "message 2: message of {} bytes exceeds max_line_bytes = 1048576",
            // "Subject: ", the header, its line break, the blank line, "Second.\n" and the
            // blank line before the next separator.
            (100 << 20) + 20
        )),
        "{}",
        skip.reason
    );
    // Read as one message a file, the whole file is one message over the limit.
    config.format = Format::Email;
    let (docs, stats) = read_all(config);
    assert!(docs.is_empty());
    assert_eq!(stats.bytes_read, size);
    assert_eq!(
        (stats.skipped[0].kind, stats.skipped[0].byte_offset),
        (SkipKind::TooLong, Some(0))
    );
}

#[cfg(feature = "mail")]
#[test]
fn a_long_header_within_the_limits_is_read_whole() {
    let dir = Scratch::new("long-header-kept");
    write_long_header_mbox(&dir.path().join("big.mbox"), 8 << 20);
    let (docs, _) = read_all(dir.config(&["big.mbox"], Format::Mbox));
    assert_eq!(ids(&docs), ["big:1", "big:2", "big:3"]);
    assert_eq!(docs[1].text, "Second.");
    assert!(docs[1].meta.get("subject").unwrap().len() > 8_000_000);
}

#[cfg(feature = "mail")]
#[test]
fn from_lines_inside_an_mbox_body_do_not_split_it() {
    let dir = Scratch::new("mbox-from");
    let mbox = "From a@example.org Mon Jan  2 15:04:05 2006\n\
        Subject: one\n\
        \n\
        Quoted below:\n\
        From b@example.org Mon Jan  2 15:04:05 2006\n\
        \n\
        From Paris to Minsk in 2006, at last.\n\
        \n\
        >From c@example.org Mon Jan  2 15:04:05 2006\n\
        \n\
        From d@example.org Tue Jan  3 15:04:05 2006\n\
        Subject: two\n\
        \n\
        Second.\n";
    dir.write("box.mbox", mbox);
    let (docs, stats) = read_all(dir.config(&["box.mbox"], Format::Mbox));
    assert!(stats.skipped.is_empty(), "{:?}", stats.skipped);
    assert_eq!(ids(&docs), ["box:1", "box:2"]);
    // A separator-like line not after a blank line stays; so does a `From ` line with no
    // date; a quoted one loses its quote.
    assert_eq!(
        docs[0].text,
        "Quoted below:\nFrom b@example.org Mon Jan  2 15:04:05 2006\n\nFrom Paris to Minsk in \
         2006, at last.\n\nFrom c@example.org Mon Jan  2 15:04:05 2006"
    );
    assert_eq!(docs[1].text, "Second.");
}

#[cfg(feature = "html")]
#[test]
fn html_nested_100000_deep_is_read_without_a_stack() {
    let dir = Scratch::new("deep-html");
    let depth = 100_000;
    let mut page = String::from("<html><head><title>Deep</title></head><body>");
    page.push_str(&"<div><b><i>".repeat(depth));
    page.push_str("bottom");
    page.push_str(&"</i></b></div>".repeat(depth));
    page.push_str(&"<section><nav>".repeat(depth));
    page.push_str("hidden</body></html>");
    dir.write("deep.html", &page);
    let (docs, _) = read_all(dir.config(&["deep.html"], Format::Html));
    assert_eq!(docs[0].text, "bottom");
    assert_eq!(docs[0].meta.get("title"), Some("Deep"));
}

//! Opening an input: standard input or a file, counting the bytes consumed, decompressing
//! gzip and zstd by extension (within the decompressed-size limit), then looking at the first
//! bytes: a UTF-16 byte-order mark turns on transcoding, a UTF-8 one is dropped, a NUL byte
//! marks a binary file.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::config::{Format, SourceConfig, TextEncoding};
use crate::decode::{self, BINARY_SNIFF, LegacyReader, Tally, UTF8_BOM, Utf16, Utf16Reader};
use crate::error::SkipKind;
use crate::resolve::{InputFile, Listed};
use crate::source::Problem;

/// Buffer size for file reads.
const BUFFER: usize = 64 * 1024;

/// Reads a file shared with its [`Watch`], so that the file can be looked at again once read.
struct SharedFile(Arc<File>);

impl Read for SharedFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (&*self.0).read(buf)
    }
}

/// An open regular file and what it looked like when it was listed: [`Watch::check`] tells
/// whether it has changed since.
pub(crate) struct Watch {
    file: Arc<File>,
    listed: Listed,
}

impl Watch {
    /// A problem when the file no longer has the size and modification time it was listed
    /// with (`when` says at which point: `"after it was listed"`, `"while it was read"`).
    pub(crate) fn check(&self, when: &str) -> Option<Problem> {
        let now = match self.file.metadata() {
            Ok(meta) if !meta.is_file() => {
                return Some(Problem::whole_file(
                    SkipKind::Changed,
                    format!(
                        "the file changed {when}: it is no longer a regular file (expected a \
                         file that is not replaced while it is read)"
                    ),
                ));
            }
            Ok(meta) => Listed {
                bytes: meta.len(),
                modified: meta.modified().ok(),
            },
            Err(err) => {
                return Some(Problem::whole_file(
                    SkipKind::Unreadable,
                    format!("cannot check whether the file changed {when}: {err}"),
                ));
            }
        };
        changed(self.listed, now, when).map(|reason| Problem::whole_file(SkipKind::Changed, reason))
    }
}

/// What differs between a file as listed and as found, if anything.
pub(crate) fn changed(listed: Listed, now: Listed, when: &str) -> Option<String> {
    let size = listed.bytes != now.bytes;
    let time = listed.modified.is_some() && now.modified != listed.modified;
    if !size && !time {
        return None;
    }
    let what = match (size, time) {
        (true, true) => format!(
            "its size went from {} to {} bytes and its modification time changed",
            listed.bytes, now.bytes
        ),
        (true, false) => format!("its size went from {} to {} bytes", listed.bytes, now.bytes),
        _ => "its modification time changed".to_owned(),
    };
    Some(format!(
        "the file changed {when}: {what} (expected a file that is not written to while it is \
         read)"
    ))
}

/// How an input's bytes are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// By the file's last extension (`.gz`, `.zst`, `.zstd`); the inner extension decides nothing.
    fn of(file: &InputFile) -> Self {
        let ext = file
            .path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("gz") => Compression::Gzip,
            Some("zst" | "zstd") => Compression::Zstd,
            _ => Compression::None,
        }
    }

    /// By magic number, for standard input, which has no name.
    fn sniff(head: &[u8]) -> Self {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// The cargo feature reading this compression needs, when this build left it out.
    fn missing_feature(self) -> Option<&'static str> {
        match self {
            Compression::Gzip if cfg!(not(feature = "gzip")) => Some("gzip"),
            Compression::Zstd if cfg!(not(feature = "zstd")) => Some("zstd"),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Compression::None => "file",
            Compression::Gzip => "gzip file",
            Compression::Zstd => "zstd file",
        }
    }

    /// Describes a read error in terms of what was being read. Running out of memory is said
    /// as such, never as a corrupt stream.
    pub(crate) fn describe(self, err: &io::Error) -> String {
        if is_out_of_memory(err) {
            return format!(
                "out of memory while reading the {} ({err}); expected the record being read to \
                 fit in memory (max_document_bytes and max_line_bytes bound it)",
                self.name()
            );
        }
        match self {
            Compression::None => format!("read error: {err} (expected a readable file)"),
            Compression::Gzip => {
                format!("corrupt gzip stream: {err} (expected a complete gzip file)")
            }
            Compression::Zstd => {
                format!("corrupt zstd stream: {err} (expected a complete zstd file)")
            }
        }
    }
}

/// True for an error that says memory ran out: [`io::ErrorKind::OutOfMemory`] (a buffer that
/// could not grow), or zstd's allocation error, which comes as a plain message.
pub(crate) fn is_out_of_memory(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::OutOfMemory
        || (err.get_ref().is_some() && err.to_string().starts_with("Allocation error"))
}

/// Counts the bytes read through it into a shared counter (shared so the count can be read
/// while decoders own the reader).
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A read error raised by wordmill's own readers (carried inside an [`io::Error`] so that it
/// passes through decoders and the CSV parser unchanged).
#[derive(Debug)]
pub(crate) enum ReadFault {
    /// The decompressed bytes passed `max_decompressed_bytes`.
    #[cfg_attr(not(any(feature = "gzip", feature = "zstd")), allow(dead_code))]
    Bomb { limit: u64 },
    /// Bytes that are not valid in the file's encoding, under `EncodingErrors::Reject`.
    Encoding { offset: u64, reason: String },
    /// A CSV record still growing past `max_line_bytes`.
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    CsvRecordTooLong { start: u64, limit: u64 },
}

impl fmt::Display for ReadFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadFault::Bomb { limit } => write!(
                f,
                "decompressed size exceeds limit {limit} (decompression bomb?); expected at most \
                 max_decompressed_bytes = {limit} bytes once decompressed"
            ),
            ReadFault::Encoding { reason, .. } => f.write_str(reason),
            ReadFault::CsvRecordTooLong { limit, .. } => write!(
                f,
                "CSV record longer than max_line_bytes = {limit} (an unbalanced quote?); \
                 expected records of at most {limit} bytes; the rest of the file is not read"
            ),
        }
    }
}

impl std::error::Error for ReadFault {}

/// The problem a read error makes: a fault of ours where it is one, else a read error (or a
/// corrupt stream) at `consumed` raw bytes. Nothing more can be read from the file after it.
pub(crate) fn io_problem(err: &io::Error, compression: Compression, consumed: u64) -> Problem {
    let fault = err
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<ReadFault>());
    let mut problem = match fault {
        Some(fault @ ReadFault::Bomb { .. }) => {
            Problem::whole_file(SkipKind::Compression, fault.to_string())
        }
        Some(fault @ ReadFault::Encoding { offset, .. }) => {
            Problem::at_byte(*offset, SkipKind::Encoding, fault.to_string())
        }
        Some(fault @ ReadFault::CsvRecordTooLong { start, .. }) => {
            Problem::at_byte(*start, SkipKind::TooLong, fault.to_string())
        }
        None if is_out_of_memory(err) => {
            Problem::at_byte(consumed, SkipKind::OutOfMemory, compression.describe(err))
        }
        None => {
            let kind = if compression == Compression::None {
                SkipKind::Unreadable
            } else {
                SkipKind::Compression
            };
            Problem::at_byte(consumed, kind, compression.describe(err))
        }
    };
    problem.ends_file = true;
    problem
}

/// Fails once more than `limit` bytes have come out of a decompressor.
#[cfg(any(feature = "gzip", feature = "zstd"))]
struct Limited<R> {
    inner: R,
    read: u64,
    limit: u64,
}

#[cfg(any(feature = "gzip", feature = "zstd"))]
impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(io::Error::other(ReadFault::Bomb { limit: self.limit }));
        }
        Ok(n)
    }
}

/// How the text of an opened input is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// UTF-8; `bom` bytes of byte-order mark were dropped.
    Utf8 { bom: u64 },
    /// UTF-16 (after its byte-order mark) or the configured legacy encoding, transcoded to
    /// UTF-8 as it is read.
    Transcoded,
}

/// An opened input: UTF-8 bytes (transcoded when the file is UTF-16), how it was compressed
/// and encoded.
pub(crate) struct Opened {
    pub reader: Box<dyn BufRead + Send>,
    pub compression: Compression,
    pub encoding: Encoding,
    /// Replacements made by the transcoder (under `EncodingErrors::Replace`).
    pub transcode_tally: Option<Arc<Mutex<Tally>>>,
    /// The bytes a whole-file read should expect (the size of an uncompressed file; 0 when not
    /// known), so the buffer is allocated once.
    pub size_hint: usize,
    /// The regular file being read, to be checked for changes once read (`None` for standard
    /// input, bytes in memory and files that are not regular files).
    pub watch: Option<Watch>,
}

/// What reading a record whole within a limit gave.
#[cfg(feature = "html")]
pub(crate) enum Capped {
    /// The bytes, at most the limit.
    Whole(Vec<u8>),
    /// More than the limit: the length, the bytes read past and dropped.
    Over(u64),
}

/// Reads the rest of `reader`, holding at most `limit` bytes: past the limit the rest is read
/// only to be measured.
#[cfg(feature = "html")]
pub(crate) fn read_capped(reader: &mut dyn BufRead, limit: Option<u64>) -> io::Result<Capped> {
    let mut bytes = Vec::new();
    let Some(limit) = limit else {
        reader.read_to_end(&mut bytes)?;
        return Ok(Capped::Whole(bytes));
    };
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 <= limit {
        return Ok(Capped::Whole(bytes));
    }
    let mut len = bytes.len() as u64;
    drop(bytes);
    loop {
        let n = match reader.fill_buf() {
            Ok(buf) => buf.len(),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        };
        if n == 0 {
            return Ok(Capped::Over(len));
        }
        reader.consume(n);
        len += n as u64;
    }
}

/// The largest buffer allocated up front from a file's size.
const SIZE_HINT_MAX: u64 = 1 << 30;

/// Opens `file` (or standard input, or `memory` in its place), counting raw bytes into
/// `count`, decompressing, and checking the first bytes.
///
/// # Errors
///
/// A file that cannot be opened (a whole-file problem), a stream that fails in its first
/// bytes, an empty compressed file, or a binary file (problems at a byte offset).
pub(crate) fn open(
    file: &InputFile,
    count: &Arc<AtomicU64>,
    memory: Option<&Arc<[u8]>>,
    config: &SourceConfig,
) -> Result<Opened, Problem> {
    let counter = Arc::clone(count);
    let start = count.load(Ordering::Relaxed);
    let consumed = || count.load(Ordering::Relaxed) - start;
    let mut watch = None;
    let mut raw: Box<dyn BufRead + Send> = if let Some(bytes) = memory {
        Box::new(BufReader::with_capacity(
            BUFFER,
            Counting {
                inner: Cursor::new(Arc::clone(bytes)),
                count: counter,
            },
        ))
    } else if file.is_stdin() {
        Box::new(BufReader::with_capacity(
            BUFFER,
            Counting {
                inner: io::stdin(),
                count: counter,
            },
        ))
    } else {
        let handle = File::open(&file.path).map_err(|err| {
            Problem::whole_file(
                SkipKind::Unreadable,
                format!("cannot open the file: {err} (expected a readable file)"),
            )
        })?;
        let handle = Arc::new(handle);
        if let Some(listed) = file.listed() {
            let check = Watch {
                file: Arc::clone(&handle),
                listed,
            };
            if let Some(problem) = check.check("after it was listed") {
                return Err(problem);
            }
            watch = Some(check);
        }
        Box::new(BufReader::with_capacity(
            BUFFER,
            Counting {
                inner: SharedFile(handle),
                count: counter,
            },
        ))
    };
    let compression = if file.is_stdin() {
        let head = raw.fill_buf().map_err(|err| {
            Problem::whole_file(
                SkipKind::Unreadable,
                format!("cannot read standard input: {err} (expected a readable stream)"),
            )
        })?;
        Compression::sniff(head)
    } else {
        Compression::of(file)
    };
    if let Some(feature) = compression.missing_feature() {
        return Err(Problem::whole_file(
            SkipKind::Compression,
            format!(
                "{} input needs wordmill-ingest's `{feature}` feature, which this build left out",
                compression.name().trim_end_matches(" file")
            ),
        ));
    }
    if compression != Compression::None {
        match raw.fill_buf() {
            Ok([]) => {
                let mut problem = Problem::at_byte(
                    0,
                    SkipKind::Compression,
                    format!(
                        "empty {} (0 bytes): expected a complete {} stream",
                        compression.name(),
                        compression.name().trim_end_matches(" file")
                    ),
                );
                problem.ends_file = true;
                return Err(problem);
            }
            Ok(_) => {}
            Err(err) => return Err(io_problem(&err, Compression::None, consumed())),
        }
    }
    #[cfg(any(feature = "gzip", feature = "zstd"))]
    let limit = config.max_decompressed_bytes.unwrap_or(u64::MAX);
    let decoded: Box<dyn BufRead + Send> = match compression {
        Compression::None => raw,
        #[cfg(feature = "gzip")]
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUFFER,
            Limited {
                inner: flate2::bufread::MultiGzDecoder::new(raw),
                read: 0,
                limit,
            },
        )),
        #[cfg(feature = "zstd")]
        Compression::Zstd => {
            let decoder = zstd::stream::read::Decoder::with_buffer(raw)
                .map_err(|err| io_problem(&err, compression, consumed()))?;
            Box::new(BufReader::with_capacity(
                BUFFER,
                Limited {
                    inner: decoder,
                    read: 0,
                    limit,
                },
            ))
        }
        // Refused above.
        #[cfg(not(all(feature = "gzip", feature = "zstd")))]
        _ => raw,
    };
    let opened = sniff(decoded, compression, config)
        .map_err(|err| io_problem(&err, compression, consumed()))??;
    let known = match memory {
        Some(bytes) => Some(bytes.len() as u64),
        None if file.is_stdin() => None,
        None => Some(file.bytes),
    };
    Ok(Opened {
        size_hint: match (compression, &opened.encoding, known) {
            (Compression::None, Encoding::Utf8 { .. }, Some(n)) => n.min(SIZE_HINT_MAX) as usize,
            _ => 0,
        },
        watch,
        ..opened
    })
}

/// Reads the first bytes of `reader`: a UTF-16 byte-order mark, a UTF-8 one, or a NUL byte.
fn sniff(
    mut reader: Box<dyn BufRead + Send>,
    compression: Compression,
    config: &SourceConfig,
) -> io::Result<Result<Opened, Problem>> {
    let mut head = Vec::with_capacity(BINARY_SNIFF);
    (&mut reader)
        .take(BINARY_SNIFF as u64)
        .read_to_end(&mut head)?;
    if let Some(order) = Utf16::from_bom(&head) {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let rest = Cursor::new(head.split_off(2)).chain(reader);
        let utf16 = Utf16Reader::new(rest, order, config.encoding_errors, 2, Arc::clone(&tally));
        return Ok(Ok(Opened {
            reader: Box::new(BufReader::with_capacity(BUFFER, utf16)),
            compression,
            encoding: Encoding::Transcoded,
            transcode_tally: Some(tally),
            size_hint: 0,
            watch: None,
        }));
    }
    let legacy = match config.encoding {
        // A page or a message decodes itself (its declared charsets, or the one configured).
        TextEncoding::Legacy(charset)
            if !head.starts_with(UTF8_BOM)
                && matches!(config.format, Format::Text | Format::Jsonl | Format::Csv) =>
        {
            Some(charset)
        }
        _ => None,
    };
    // UTF-16 text is full of NUL bytes: no binary check for it.
    if !legacy.is_some_and(|c| c.is_utf16())
        && let Some(at) = decode::binary_at(&head, config.format.many_records())
    {
        let mut problem = Problem::at_byte(
            at as u64,
            SkipKind::Binary,
            "binary file (NUL byte), expected text (UTF-8, or UTF-16 with a byte-order mark)"
                .to_owned(),
        );
        problem.ends_file = true;
        return Ok(Err(problem));
    }
    if let Some(charset) = legacy {
        let tally = Arc::new(Mutex::new(Tally::default()));
        let rest = Cursor::new(head).chain(reader);
        let decoder = LegacyReader::new(rest, charset, config.encoding_errors, Arc::clone(&tally));
        return Ok(Ok(Opened {
            reader: Box::new(BufReader::with_capacity(BUFFER, decoder)),
            compression,
            encoding: Encoding::Transcoded,
            transcode_tally: Some(tally),
            size_hint: 0,
            watch: None,
        }));
    }
    let bom = if head.starts_with(UTF8_BOM) {
        head.drain(..UTF8_BOM.len());
        UTF8_BOM.len() as u64
    } else {
        0
    };
    Ok(Ok(Opened {
        reader: Box::new(Cursor::new(head).chain(reader)),
        compression,
        encoding: Encoding::Utf8 { bom },
        transcode_tally: None,
        size_hint: 0,
        watch: None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_memory_is_never_a_corrupt_stream() {
        let oom = io::Error::from(io::ErrorKind::OutOfMemory);
        let zstd_oom = io::Error::other("Allocation error : not enough memory");
        for compression in [Compression::None, Compression::Gzip, Compression::Zstd] {
            for err in [&oom, &zstd_oom] {
                let message = compression.describe(err);
                assert!(
                    message.starts_with("out of memory while reading"),
                    "{message}"
                );
                assert!(!message.contains("corrupt"), "{message}");
                let problem = io_problem(err, compression, 7);
                assert_eq!(problem.kind, SkipKind::OutOfMemory);
                assert_eq!(problem.byte_offset, Some(7));
            }
        }
        let corrupt = io::Error::other("Unknown frame descriptor");
        assert!(
            Compression::Zstd
                .describe(&corrupt)
                .starts_with("corrupt zstd stream: Unknown frame descriptor")
        );
        assert_eq!(
            io_problem(&corrupt, Compression::Zstd, 0).kind,
            SkipKind::Compression
        );
    }
}

#[cfg(test)]
mod encoding_tests {
    // Some functions here serve only the tests of optional features.
    #![cfg_attr(
        not(all(
            feature = "csv",
            feature = "glob",
            feature = "jsonl",
            feature = "regex"
        )),
        allow(dead_code, unused_imports)
    )]

    use crate::config::{EncodingErrors, Format, TextEncoding, Undated};
    use crate::error::SkipKind;
    use crate::testutil::{TempDir, assert_reconciles, read_all};

    fn latin1(s: &str) -> Vec<u8> {
        s.chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect()
    }

    #[cfg(all(feature = "csv", feature = "jsonl"))]
    #[test]
    fn a_latin1_file_read_as_latin1_keeps_its_accents_in_every_format() {
        let dir = TempDir::new("enc-latin1");
        dir.write("menu.txt", latin1("Un café crème, délicieux."));
        dir.write(
            "menu.jsonl",
            latin1("{\"text\": \"Un café crème, délicieux.\"}\n"),
        );
        dir.write("menu.csv", latin1("text\n\"Un café crème, délicieux.\"\n"));
        for (file, format) in [
            ("menu.txt", Format::Text),
            ("menu.jsonl", Format::Jsonl),
            ("menu.csv", Format::Csv),
        ] {
            let mut config = dir.config(&[file], format);
            config.encoding = "latin-1".parse().unwrap();
            let (docs, stats) = read_all(config);
            assert_eq!(docs.len(), 1, "{file}: {:?}", stats.skipped);
            assert_eq!(docs[0].text, "Un café crème, délicieux.", "{file}");
            assert!(stats.replaced.is_empty());
            // Read as UTF-8, the same bytes are invalid: rejected, or replaced.
            let (docs, stats) = read_all(dir.config(&[file], format));
            assert!(docs.is_empty(), "{file}");
            assert_eq!(stats.skipped[0].kind, SkipKind::Encoding);
            let mut config = dir.config(&[file], format);
            config.encoding_errors = EncodingErrors::Replace;
            let (docs, _) = read_all(config);
            assert!(docs[0].text.contains("caf\u{FFFD}"), "{file}");
        }
    }

    #[test]
    fn cyrillic_legacy_encodings_and_utf16_without_a_mark_decode() {
        let dir = TempDir::new("enc-cyr");
        let text = "Лукашенко и забастовка";
        let (koi8, _, _) = encoding_rs::KOI8_R.encode(text);
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        dir.write("koi8.txt", &koi8[..]);
        dir.write("cp1251.txt", &cp1251[..]);
        dir.write("u16.txt", &utf16);
        // A UTF-8 byte-order mark wins over the configured encoding.
        dir.write(
            "bom.txt",
            [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        );
        for (file, label) in [
            ("koi8.txt", "koi8-r"),
            ("cp1251.txt", "windows-1251"),
            ("u16.txt", "utf-16"),
            ("bom.txt", "koi8-r"),
        ] {
            let mut config = dir.config(&[file], Format::Text);
            config.encoding = label.parse().unwrap();
            let (docs, stats) = read_all(config);
            assert_eq!(docs.len(), 1, "{file}: {:?}", stats.skipped);
            assert_eq!(docs[0].text, text, "{file}");
        }
        assert_eq!("utf-16".parse::<TextEncoding>().unwrap().name(), "utf-16le");
    }

    #[test]
    fn bytes_invalid_in_the_encoding_are_rejected_at_their_offset_or_replaced() {
        let dir = TempDir::new("enc-bad");
        // 0xFF is not a character in Shift_JIS.
        dir.write("bad.txt", b"abc\xFFdef");
        let mut config = dir.config(&["bad.txt"], Format::Text);
        config.encoding = "shift_jis".parse().unwrap();
        let (docs, stats) = read_all(config.clone());
        assert!(docs.is_empty());
        assert_eq!(stats.skipped[0].kind, SkipKind::Encoding);
        assert_eq!(stats.skipped[0].byte_offset, Some(3));
        assert!(
            stats.skipped[0].reason.contains("shift_jis"),
            "{}",
            stats.skipped[0].reason
        );
        config.encoding_errors = EncodingErrors::Replace;
        let (docs, stats) = read_all(config);
        assert_eq!(docs[0].text, "abc\u{FFFD}def");
        assert_eq!(
            (stats.replaced[0].byte_offset, stats.replaced[0].count),
            (3, 1)
        );
        assert_reconciles(&stats);
    }

    #[cfg(feature = "jsonl")]
    #[test]
    fn dates_are_written_back_in_utc_and_bad_ones_are_record_errors_or_kept_as_undated() {
        let dir = TempDir::new("dates");
        dir.write(
            "d.jsonl",
            concat!(
                r#"{"text": "a", "date": "Thu, 22 Aug 2002 18:26:25 +0700"}"#,
                "\n",
                r#"{"text": "b", "date": "2020-08-13"}"#,
                "\n",
                r#"{"text": "c", "date": "the day after"}"#,
                "\n",
                r#"{"text": "d"}"#,
                "\n",
                r#"{"text": "e", "date": "0000-01-01"}"#,
                "\n",
            ),
        );
        let mut config = dir.config(&["d.jsonl"], Format::Jsonl);
        config.meta_fields = vec!["date".into()];
        config.date_field = Some("date".into());
        let (docs, stats) = read_all(config.clone());
        let dates: Vec<_> = docs.iter().map(|d| d.meta.get("date").unwrap()).collect();
        assert_eq!(dates, ["2002-08-22T11:26:25Z", "2020-08-13"]);
        let lines: Vec<_> = stats.skipped.iter().map(|s| (s.line, s.kind)).collect();
        assert_eq!(
            lines,
            [
                (Some(3), SkipKind::InvalidDate),
                (Some(4), SkipKind::InvalidDate),
                (Some(5), SkipKind::InvalidDate)
            ]
        );
        assert!(stats.skipped[0].reason.contains("the day after"));
        assert!(stats.skipped[1].reason.contains("no `date` field"));
        assert!(stats.skipped[2].reason.contains("1 to 9999"));
        assert_reconciles(&stats);
        config.undated = Undated::Keep;
        let (docs, stats) = read_all(config);
        assert_eq!(docs.len(), 5);
        assert_eq!(stats.undated, 3);
        assert_eq!(docs[2].meta.get("date"), Some("the day after"));
    }

    #[cfg(all(feature = "glob", feature = "regex"))]
    #[test]
    fn a_text_file_takes_its_date_from_its_path_once() {
        let dir = TempDir::new("path-dates");
        dir.write("13.08.2020-minsk.txt", "Workers walked out.");
        dir.write("undated-minsk.txt", "The plant stopped.");
        let mut config = dir.config(&["*.txt"], Format::Text);
        config.meta_from_path = Some(crate::PathPattern::new(r"(?P<date>[^-]+)-").unwrap());
        config.date_field = Some("date".into());
        config.date_format = Some("%d.%m.%Y".parse().unwrap());
        config.max_document_bytes = Some(8);
        let (docs, stats) = read_all(config);
        // Split into parts, each with the parsed date; the undated file is one skip.
        assert!(docs.len() > 1);
        assert!(
            docs.iter()
                .all(|d| d.meta.get("date") == Some("2020-08-13"))
        );
        assert_eq!(stats.skipped.len(), 1);
        assert_eq!(stats.skipped[0].kind, SkipKind::InvalidDate);
        assert!(stats.skipped[0].file.ends_with("undated-minsk.txt"));
        assert_reconciles(&stats);
    }
}

//! Opening an input: standard input or a file, counting the bytes consumed, decompressing
//! gzip and zstd by extension.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::resolve::InputFile;

/// Buffer size for file reads.
const BUFFER: usize = 64 * 1024;

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

    /// Describes a read error in terms of what was being read.
    pub(crate) fn describe(self, err: &io::Error) -> String {
        match self {
            Compression::None => format!("read error: {err}"),
            Compression::Gzip => {
                format!("corrupt gzip stream: {err} (expected a complete gzip file)")
            }
            Compression::Zstd => {
                format!("corrupt zstd stream: {err} (expected a complete zstd file)")
            }
        }
    }
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

/// An opened input: decoded bytes, and how they were compressed.
pub(crate) struct Opened {
    pub reader: Box<dyn BufRead + Send>,
    pub compression: Compression,
}

/// Opens `file` (or standard input), counting raw bytes into `count` and decompressing.
pub(crate) fn open(file: &InputFile, count: &Arc<AtomicU64>) -> io::Result<Opened> {
    let count = Arc::clone(count);
    if file.is_stdin() {
        let mut raw = BufReader::with_capacity(
            BUFFER,
            Counting {
                inner: io::stdin(),
                count,
            },
        );
        let compression = Compression::sniff(raw.fill_buf()?);
        decode(raw, compression)
    } else {
        let handle = File::open(&file.path)?;
        let raw = BufReader::with_capacity(
            BUFFER,
            Counting {
                inner: handle,
                count,
            },
        );
        decode(raw, Compression::of(file))
    }
}

fn decode<R: BufRead + Send + 'static>(raw: R, compression: Compression) -> io::Result<Opened> {
    let reader: Box<dyn BufRead + Send> = match compression {
        Compression::None => Box::new(raw),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUFFER,
            flate2::bufread::MultiGzDecoder::new(raw),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            BUFFER,
            zstd::stream::read::Decoder::with_buffer(raw)?,
        )),
    };
    Ok(Opened {
        reader,
        compression,
    })
}

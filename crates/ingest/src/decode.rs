//! Bytes to text: UTF-8 under the encoding policy, UTF-16 after its byte-order mark, and the
//! binary-file check.

use std::io::{self, BufRead, Read};
use std::sync::{Arc, Mutex};

use crate::config::{Charset, EncodingErrors};
use crate::read::ReadFault;

/// The UTF-8 byte-order mark, dropped where a file starts with it.
pub(crate) const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How many bytes at the start of a file are searched for a NUL byte.
pub(crate) const BINARY_SNIFF: usize = 8 * 1024;

/// The byte order of a UTF-16 file, from its byte-order mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Utf16 {
    Le,
    Be,
}

impl Utf16 {
    /// The byte order announced by the mark `head` starts with, if any.
    pub(crate) fn from_bom(head: &[u8]) -> Option<Self> {
        if head.starts_with(&[0xFF, 0xFE]) {
            Some(Utf16::Le)
        } else if head.starts_with(&[0xFE, 0xFF]) {
            Some(Utf16::Be)
        } else {
            None
        }
    }

    fn unit(self, pair: [u8; 2]) -> u16 {
        match self {
            Utf16::Le => u16::from_le_bytes(pair),
            Utf16::Be => u16::from_be_bytes(pair),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Utf16::Le => "UTF-16LE",
            Utf16::Be => "UTF-16BE",
        }
    }
}

/// The offset of the first NUL byte in `head`, the sign of a binary file.
pub(crate) fn first_nul(head: &[u8]) -> Option<usize> {
    head.iter().position(|&b| b == 0)
}

/// Where a file whose first bytes are `head` shows itself binary, if it does.
///
/// A text file: any NUL byte in `head`. A JSON Lines or CSV file (`lines`), where a NUL byte
/// inside a later line only spoils that record: a NUL byte in the first line, or NUL bytes
/// together with bytes that are not UTF-8 (an image, an archive, compressed data).
pub(crate) fn binary_at(head: &[u8], lines: bool) -> Option<usize> {
    let at = first_nul(head)?;
    if !lines {
        return Some(at);
    }
    let first_line = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let not_utf8 = match std::str::from_utf8(head) {
        Ok(_) => false,
        // A character cut by the end of `head` is not a sign of anything.
        Err(err) => err.error_len().is_some(),
    };
    (at < first_line || not_utf8).then_some(at)
}

/// Replacements made while decoding: how many bad sequences, and where the first one was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub count: u64,
    pub first: Option<u64>,
}

impl Tally {
    pub(crate) fn note(&mut self, offset: u64) {
        self.count += 1;
        self.first.get_or_insert(offset);
    }
}

/// `bytes` as UTF-8, each maximal invalid sequence replaced by U+FFFD; the tally's offsets are
/// relative to `bytes`.
#[cfg(any(test, feature = "jsonl", feature = "csv", feature = "html"))]
pub(crate) fn utf8_lossy(bytes: &[u8]) -> (String, Tally) {
    let mut out = String::with_capacity(bytes.len());
    let mut tally = Tally::default();
    let mut pos = 0u64;
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        pos += chunk.valid().len() as u64;
        if !chunk.invalid().is_empty() {
            tally.note(pos);
            out.push(char::REPLACEMENT_CHARACTER);
            pos += chunk.invalid().len() as u64;
        }
    }
    (out, tally)
}

/// `bytes` as UTF-8 under `policy`: the text and its replacements, or the offset (in `bytes`)
/// of the first bad byte (what [`Utf8Stream`] gives at any chunking).
#[cfg(test)]
pub(crate) fn utf8(bytes: Vec<u8>, policy: EncodingErrors) -> Result<(String, Tally), u64> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, Tally::default())),
        Err(err) => match policy {
            EncodingErrors::Replace => Ok(utf8_lossy(err.as_bytes())),
            _ => Err(err.utf8_error().valid_up_to() as u64),
        },
    }
}

/// Why [`Utf8Stream`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bad {
    /// Invalid UTF-8 under [`EncodingErrors::Reject`], at this offset.
    Encoding(u64),
    /// The text could not grow: memory ran out.
    OutOfMemory,
}

/// UTF-8 checked (or repaired, under [`EncodingErrors::Replace`]) as it arrives in chunks,
/// with the same result as [`utf8`] on the whole: a character cut by a chunk boundary is held
/// back until its last bytes arrive.
#[derive(Debug)]
pub(crate) struct Utf8Stream {
    policy: EncodingErrors,
    /// Offset (in the stream) of the next byte to be fed.
    offset: u64,
    /// The first bytes of a character whose last bytes have not arrived yet (at most 3).
    carry: Vec<u8>,
    /// Replacements so far (offsets in the stream).
    pub tally: Tally,
    /// The most capacity the text is grown to ahead of need (a document's size limit and
    /// some room); `usize::MAX` for none.
    cap: usize,
}

impl Utf8Stream {
    /// A stream whose first byte is at `offset` (after a byte-order mark), growing the text
    /// it writes to no further ahead than `cap` bytes.
    pub(crate) fn new(policy: EncodingErrors, offset: u64, cap: usize) -> Self {
        Utf8Stream {
            policy,
            offset,
            carry: Vec::new(),
            tally: Tally::default(),
            cap,
        }
    }

    /// Decodes `chunk`, the next bytes of the stream, appending the text to `out` (or only
    /// measuring it when `out` is `None`); returns how many bytes of text it made.
    pub(crate) fn feed(&mut self, chunk: &[u8], out: Option<&mut String>) -> Result<u64, Bad> {
        let base = self.offset - self.carry.len() as u64;
        self.offset += chunk.len() as u64;
        if self.carry.is_empty() {
            return self.decode(chunk, base, false, out);
        }
        let mut joined = std::mem::take(&mut self.carry);
        joined.extend_from_slice(chunk);
        self.decode(&joined, base, false, out)
    }

    /// The end of the stream: a character still incomplete is invalid.
    pub(crate) fn finish(&mut self, out: Option<&mut String>) -> Result<u64, Bad> {
        let carry = std::mem::take(&mut self.carry);
        let base = self.offset - carry.len() as u64;
        self.decode(&carry, base, true, out)
    }

    fn decode(
        &mut self,
        input: &[u8],
        base: u64,
        end: bool,
        mut out: Option<&mut String>,
    ) -> Result<u64, Bad> {
        let mut made = 0u64;
        let mut rest = input;
        let mut at = base;
        loop {
            let err = match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.push(&mut out, text)?;
                    return Ok(made + text.len() as u64);
                }
                Err(err) => err,
            };
            let (good, bad) = rest.split_at(err.valid_up_to());
            // Valid by construction: the bytes before the first error.
            let good = std::str::from_utf8(good).unwrap_or_default();
            self.push(&mut out, good)?;
            made += good.len() as u64;
            at += good.len() as u64;
            let len = match err.error_len() {
                Some(len) => len,
                None if !end => {
                    self.carry.extend_from_slice(bad);
                    return Ok(made);
                }
                None => bad.len(),
            };
            match self.policy {
                EncodingErrors::Replace => {
                    self.tally.note(at);
                    self.push(&mut out, "\u{fffd}")?;
                    made += '\u{fffd}'.len_utf8() as u64;
                }
                _ => return Err(Bad::Encoding(at)),
            }
            at += len as u64;
            rest = &bad[len..];
        }
    }

    /// Appends `text` to `out`, growing it by doubling up to `cap` (then as needed), and
    /// saying so when memory runs out instead of aborting.
    fn push(&self, out: &mut Option<&mut String>, text: &str) -> Result<(), Bad> {
        let Some(out) = out else {
            return Ok(());
        };
        let need = out.len() + text.len();
        if need > out.capacity() {
            let want = need.max(out.capacity().saturating_mul(2).min(self.cap));
            out.try_reserve_exact(want - out.len())
                .or_else(|_| out.try_reserve_exact(text.len()))
                .map_err(|_| Bad::OutOfMemory)?;
        }
        out.push_str(text);
        Ok(())
    }
}

/// A UTF-16 decoding problem: the offset of the bad unit (relative to the bytes decoded) and
/// what was wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Utf16Error {
    pub offset: u64,
    pub reason: String,
}

/// Decodes UTF-16 units one at a time, pairing surrogates, counting replacements.
#[derive(Debug)]
struct Utf16Decoder {
    order: Utf16,
    policy: EncodingErrors,
    /// Offset of the next byte to be decoded.
    offset: u64,
    /// The first byte of a unit whose second byte has not arrived yet.
    carry: Option<u8>,
    /// A high surrogate waiting for its low half, and its offset.
    high: Option<(u16, u64)>,
    tally: Tally,
}

impl Utf16Decoder {
    fn new(order: Utf16, policy: EncodingErrors, offset: u64) -> Self {
        Utf16Decoder {
            order,
            policy,
            offset,
            carry: None,
            high: None,
            tally: Tally::default(),
        }
    }

    fn bad(&mut self, offset: u64, what: &str, out: &mut String) -> Result<(), Utf16Error> {
        match self.policy {
            EncodingErrors::Replace => {
                self.tally.note(offset);
                out.push(char::REPLACEMENT_CHARACTER);
                Ok(())
            }
            _ => Err(Utf16Error {
                offset,
                reason: format!(
                    "invalid {}: {what} (expected {} text after its byte-order mark)",
                    self.order.name(),
                    self.order.name()
                ),
            }),
        }
    }

    /// Decodes `bytes` (continuing the stream) into `out`.
    fn feed(&mut self, bytes: &[u8], out: &mut String) -> Result<(), Utf16Error> {
        let mut rest = bytes;
        if let Some(first) = self.carry {
            let Some((&second, tail)) = rest.split_first() else {
                return Ok(());
            };
            self.carry = None;
            self.unit(self.order.unit([first, second]), self.offset - 1, out)?;
            self.offset += 1;
            rest = tail;
        }
        let mut pairs = rest.chunks_exact(2);
        for pair in pairs.by_ref() {
            let at = self.offset;
            self.offset += 2;
            self.unit(self.order.unit([pair[0], pair[1]]), at, out)?;
        }
        if let [last] = pairs.remainder() {
            self.carry = Some(*last);
            self.offset += 1;
        }
        Ok(())
    }

    fn unit(&mut self, unit: u16, at: u64, out: &mut String) -> Result<(), Utf16Error> {
        if let Some((high, high_at)) = self.high.take() {
            if (0xDC00..=0xDFFF).contains(&unit) {
                let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                return Ok(());
            }
            self.bad(high_at, "a high surrogate without its low half", out)?;
        }
        match unit {
            0xD800..=0xDBFF => self.high = Some((unit, at)),
            0xDC00..=0xDFFF => self.bad(at, "a low surrogate without its high half", out)?,
            _ => out.push(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER)),
        }
        Ok(())
    }

    /// The end of the stream: a pending surrogate or odd byte is bad.
    fn finish(&mut self, out: &mut String) -> Result<(), Utf16Error> {
        if let Some((_, at)) = self.high.take() {
            self.bad(at, "a high surrogate at the end of the text", out)?;
        }
        if self.carry.take().is_some() {
            let at = self.offset - 1;
            self.bad(
                at,
                "an odd number of bytes (half a code unit at the end)",
                out,
            )?;
        }
        Ok(())
    }
}

/// Decodes a whole UTF-16 text (without its byte-order mark, which was `bom` bytes long), the
/// offsets counted from the start of the file.
#[cfg(test)]
pub(crate) fn utf16(
    bytes: &[u8],
    order: Utf16,
    policy: EncodingErrors,
    bom: u64,
) -> Result<(String, Tally), Utf16Error> {
    let mut decoder = Utf16Decoder::new(order, policy, bom);
    let mut out = String::with_capacity(bytes.len());
    decoder.feed(bytes, &mut out)?;
    decoder.finish(&mut out)?;
    Ok((out, decoder.tally))
}

/// A UTF-16 stream transcoded to UTF-8 as it is read (for JSON Lines and CSV). Bad units are
/// an error ([`ReadFault::Utf16`]) or replaced and tallied into the shared tally.
pub(crate) struct Utf16Reader<R> {
    inner: R,
    decoder: Utf16Decoder,
    out: Vec<u8>,
    pos: usize,
    done: bool,
    /// An error met after the text in `out`, returned once that text has been read.
    failed: Option<io::Error>,
    tally: Arc<Mutex<Tally>>,
}

impl<R: BufRead> Utf16Reader<R> {
    /// Reads `inner`, whose byte-order mark (`bom` bytes) has already been consumed.
    pub(crate) fn new(
        inner: R,
        order: Utf16,
        policy: EncodingErrors,
        bom: u64,
        tally: Arc<Mutex<Tally>>,
    ) -> Self {
        Utf16Reader {
            inner,
            decoder: Utf16Decoder::new(order, policy, bom),
            out: Vec::new(),
            pos: 0,
            done: false,
            failed: None,
            tally,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        if let Some(err) = self.failed.take() {
            return Err(err);
        }
        let mut text = String::new();
        let chunk = self.inner.fill_buf()?;
        let n = chunk.len();
        let result = if n == 0 {
            self.done = true;
            self.decoder.finish(&mut text)
        } else {
            self.decoder.feed(chunk, &mut text)
        };
        self.inner.consume(n);
        if let Ok(mut tally) = self.tally.lock() {
            *tally = self.decoder.tally;
        }
        if let Err(err) = result {
            // The text before the bad unit is delivered first, the error after it.
            self.done = true;
            self.failed = Some(io::Error::other(ReadFault::Encoding {
                offset: err.offset,
                reason: err.reason,
            }));
        }
        self.out = text.into_bytes();
        Ok(())
    }
}

impl<R: BufRead> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.out.len() {
            if self.done && self.failed.is_none() {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

/// A stream in a legacy encoding (`windows-1252`, `koi8-r`, UTF-16 without a byte-order mark,
/// …) transcoded to UTF-8 as it is read, with `encoding_rs`. Bytes that are not valid in the
/// encoding are an error ([`ReadFault::Encoding`], at their offset in the file) or replaced by
/// U+FFFD and tallied into the shared tally.
pub(crate) struct LegacyReader<R> {
    inner: R,
    charset: Charset,
    decoder: encoding_rs::Decoder,
    policy: EncodingErrors,
    /// Offset in the file of the next byte to be decoded.
    offset: u64,
    out: Vec<u8>,
    pos: usize,
    done: bool,
    failed: Option<io::Error>,
    tally: Tally,
    shared: Arc<Mutex<Tally>>,
}

impl<R: BufRead> LegacyReader<R> {
    pub(crate) fn new(
        inner: R,
        charset: Charset,
        policy: EncodingErrors,
        shared: Arc<Mutex<Tally>>,
    ) -> Self {
        LegacyReader {
            inner,
            charset,
            decoder: charset.0.new_decoder_without_bom_handling(),
            policy,
            offset: 0,
            out: Vec::new(),
            pos: 0,
            done: false,
            failed: None,
            tally: Tally::default(),
            shared,
        }
    }

    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        if let Some(err) = self.failed.take() {
            return Err(err);
        }
        let chunk = self.inner.fill_buf()?;
        let n = chunk.len();
        let last = n == 0;
        if last {
            self.done = true;
        }
        let mut src = chunk;
        let room = self
            .decoder
            .max_utf8_buffer_length_without_replacement(src.len())
            .unwrap_or(src.len().saturating_mul(3).saturating_add(16));
        self.out.resize(room.max(16), 0);
        let mut written = 0;
        loop {
            let (result, read, wrote) = self.decoder.decode_to_utf8_without_replacement(
                src,
                &mut self.out[written..],
                last,
            );
            written += wrote;
            src = &src[read..];
            self.offset += read as u64;
            match result {
                encoding_rs::DecoderResult::InputEmpty => break,
                encoding_rs::DecoderResult::OutputFull => {
                    let more = self.out.len().max(64);
                    self.out.resize(self.out.len() + more, 0);
                }
                encoding_rs::DecoderResult::Malformed(bad, extra) => {
                    let at = self.offset - u64::from(bad) - u64::from(extra);
                    if self.policy == EncodingErrors::Replace {
                        self.tally.note(at);
                        if self.out.len() - written < 3 {
                            self.out.resize(self.out.len() + 64, 0);
                        }
                        self.out[written..written + 3].copy_from_slice("\u{FFFD}".as_bytes());
                        written += 3;
                    } else {
                        self.done = true;
                        self.failed = Some(io::Error::other(ReadFault::Encoding {
                            offset: at,
                            reason: format!(
                                "invalid {} (expected {} text, as `encoding` says)",
                                self.charset.name(),
                                self.charset.name()
                            ),
                        }));
                        break;
                    }
                }
            }
        }
        self.out.truncate(written);
        self.inner.consume(n);
        if let Ok(mut tally) = self.shared.lock() {
            *tally = self.tally;
        }
        Ok(())
    }
}

impl<R: BufRead> Read for LegacyReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos >= self.out.len() {
            if self.done && self.failed.is_none() {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn utf8_lossy_counts_each_bad_sequence_once() {
        let (text, tally) = utf8_lossy(b"ab\xff\xfecd\xc3");
        assert_eq!(text, "ab\u{fffd}\u{fffd}cd\u{fffd}");
        assert_eq!(
            tally,
            Tally {
                count: 3,
                first: Some(2)
            }
        );
        assert_eq!(
            utf8(b"ok".to_vec(), EncodingErrors::Reject),
            Ok(("ok".into(), Tally::default()))
        );
        assert_eq!(utf8(b"o\x80k".to_vec(), EncodingErrors::Reject), Err(1));
    }

    /// Feeds `bytes` to a [`Utf8Stream`] in chunks cut at `cuts` (taken modulo the length).
    fn streamed(
        bytes: &[u8],
        cuts: &[usize],
        policy: EncodingErrors,
    ) -> Result<(String, Tally, u64), Bad> {
        let mut stream = Utf8Stream::new(policy, 0, usize::MAX);
        let mut out = String::new();
        let mut made = 0;
        let mut at = 0;
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        cuts.push(bytes.len());
        for cut in cuts {
            made += stream.feed(&bytes[at..cut.max(at)], Some(&mut out))?;
            at = cut.max(at);
        }
        made += stream.finish(Some(&mut out))?;
        Ok((out, stream.tally, made))
    }

    #[test]
    fn the_utf8_stream_holds_a_character_cut_by_a_chunk_boundary() {
        let text = "ж🎉é";
        for cut in 0..=text.len() {
            let (out, tally, made) =
                streamed(text.as_bytes(), &[cut], EncodingErrors::Reject).unwrap();
            assert_eq!((out.as_str(), tally, made), (text, Tally::default(), 8));
        }
        // A character whose end never comes is invalid at its first byte.
        assert_eq!(
            streamed(b"ab\xf0\x9f", &[3], EncodingErrors::Reject),
            Err(Bad::Encoding(2))
        );
        let (out, tally, _) = streamed(b"ab\xf0\x9f", &[3], EncodingErrors::Replace).unwrap();
        assert_eq!(
            (out.as_str(), tally),
            (
                "ab\u{fffd}",
                Tally {
                    count: 1,
                    first: Some(2)
                }
            )
        );
        // Measuring only gives the same length.
        let mut stream = Utf8Stream::new(EncodingErrors::Replace, 3, usize::MAX);
        assert_eq!(stream.feed(b"a\xffb\xe2\x82", None), Ok(5));
        assert_eq!(stream.finish(None), Ok(3));
        assert_eq!(stream.tally.first, Some(4));
    }

    proptest::proptest! {
        /// At any chunking, the stream gives what decoding the whole gives.
        #[test]
        fn the_utf8_stream_agrees_with_the_whole_decoder(
            bytes in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::prelude::any::<u8>(),
                    proptest::sample::select(vec![b'a', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x8E, 0x89]),
                ],
                0..64,
            ),
            cuts in proptest::collection::vec(0usize..65, 0..6),
        ) {
            for policy in [EncodingErrors::Reject, EncodingErrors::Replace] {
                let whole = utf8(bytes.clone(), policy);
                let stream = streamed(&bytes, &cuts, policy);
                match (whole, stream) {
                    (Ok((text, tally)), Ok((out, t, made))) => {
                        proptest::prop_assert_eq!(&out, &text);
                        proptest::prop_assert_eq!(t, tally);
                        proptest::prop_assert_eq!(made, text.len() as u64);
                    }
                    (Err(at), Err(Bad::Encoding(b))) => proptest::prop_assert_eq!(at, b),
                    (w, s) => proptest::prop_assert!(false, "whole {:?}, streamed {:?}", w, s),
                }
            }
        }
    }

    #[test]
    fn utf16_pairs_surrogates_and_reports_bad_units() {
        let text = "Добрый день 🎉";
        assert_eq!(
            utf16(&le(text), Utf16::Le, EncodingErrors::Reject, 2)
                .unwrap()
                .0,
            text
        );
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(
            utf16(&be, Utf16::Be, EncodingErrors::Reject, 2).unwrap().0,
            text
        );

        let mut bad = le("ab");
        bad.extend(0xDC00u16.to_le_bytes());
        bad.extend(le("c"));
        bad.push(b'x');
        let err = utf16(&bad, Utf16::Le, EncodingErrors::Reject, 2).unwrap_err();
        assert_eq!(err.offset, 6);
        assert!(err.reason.contains("low surrogate"), "{}", err.reason);
        let (text, tally) = utf16(&bad, Utf16::Le, EncodingErrors::Replace, 2).unwrap();
        assert_eq!(text, "ab\u{fffd}c\u{fffd}");
        assert_eq!(
            tally,
            Tally {
                count: 2,
                first: Some(6)
            }
        );
    }

    #[test]
    fn the_streaming_reader_agrees_with_the_whole_decoder_at_any_chunking() {
        let mut bytes = le("line one\nline 🎉 two\n");
        bytes.extend(0xD800u16.to_le_bytes());
        for cap in [1, 2, 3, 7, 64] {
            let tally = Arc::new(Mutex::new(Tally::default()));
            let inner = io::BufReader::with_capacity(cap, bytes.as_slice());
            let mut reader =
                Utf16Reader::new(inner, Utf16::Le, EncodingErrors::Replace, 2, tally.clone());
            let mut out = String::new();
            reader.read_to_string(&mut out).unwrap();
            let whole = utf16(&bytes, Utf16::Le, EncodingErrors::Replace, 2).unwrap();
            assert_eq!(out, whole.0);
            assert_eq!(*tally.lock().unwrap(), whole.1);
        }
    }
}

//! Plain text: one document per file.

use std::io::Read;

use crate::decode;
use crate::error::SkipKind;
use crate::read::{self, Encoding, Opened};
use crate::source::{Ctx, Problem, Replaced, Step};

/// Reads the whole (decoded) file as one document: byte-order mark dropped, UTF-8 checked
/// under the encoding policy. An empty file is a document with empty text: it is data.
pub(crate) fn read(mut opened: Opened, ctx: &Ctx<'_>) -> Step {
    let mut bytes = Vec::with_capacity(opened.size_hint);
    if let Err(err) = opened.reader.read_to_end(&mut bytes) {
        return Step::Problem(read::io_problem(
            &err,
            opened.compression,
            ctx.bytes_consumed(),
        ));
    }
    let bom = match opened.encoding {
        Encoding::Utf8 { bom } => bom,
        Encoding::Utf16 => 0,
    };
    let (text, tally) = match decode::utf8(bytes, ctx.config.encoding_errors) {
        Ok(decoded) => decoded,
        Err(offset) => {
            return Step::Problem(Problem::at_byte(
                offset + bom,
                SkipKind::Encoding,
                "invalid UTF-8 (expected UTF-8 text; the byte offset is of the first bad byte)"
                    .to_owned(),
            ));
        }
    };
    let utf16 = opened
        .utf16_tally
        .as_ref()
        .and_then(|t| t.lock().ok().map(|t| *t))
        .unwrap_or_default();
    let replaced = [(tally, bom), (utf16, 0)]
        .into_iter()
        .find_map(|(t, shift)| {
            t.first.map(|first| Replaced {
                byte_offset: first + shift,
                count: t.count,
            })
        });
    Step::Doc {
        id: ctx.file_id.to_owned(),
        text,
        meta: ctx.path_meta.clone(),
        line: None,
        replaced,
    }
}

#[cfg(test)]
mod tests {
    use crate::testutil::{TempDir, ids, read_all, read_until_error};
    use crate::{Format, IngestError};

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

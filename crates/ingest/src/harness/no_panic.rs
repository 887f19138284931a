//! Property tests: arbitrary bytes and strings fed to every parser (the JSON Lines record
//! parser on its own, and JSON Lines, CSV, plain-text, e-mail, mbox and HTML files in memory,
//! plain or compressed)
//! never panic, and the counts always reconcile.

use proptest::prelude::*;

#[cfg(feature = "jsonl")]
use super::parse_jsonl_record;
use super::{Outcome, read_bytes};
use crate::{EncodingErrors, Format, OnError, Oversize, SourceConfig};

/// A configuration with the knobs chosen by the strategy.
fn config(format: Format, replace: bool, skip_oversize: bool, small: bool) -> SourceConfig {
    SourceConfig::default()
        .format(format)
        .on_error(OnError::Skip)
        .meta_fields(["a", "b.c"])
        .encoding_errors(if replace {
            EncodingErrors::Replace
        } else {
            EncodingErrors::Reject
        })
        .oversize(if skip_oversize {
            Oversize::Skip
        } else {
            Oversize::Split
        })
        .max_document_bytes(small.then_some(7))
        .max_line_bytes(small.then_some(24))
        .max_decompressed_bytes(small.then_some(300))
}

/// What every outcome must satisfy ([`Outcome::broken_rule`]), and the skips name the file.
fn check(outcome: &Outcome, config: &SourceConfig) -> Result<(), TestCaseError> {
    if let Some(broken) = outcome.broken_rule(config) {
        return Err(TestCaseError::fail(broken));
    }
    for skip in &outcome.stats.skipped {
        prop_assert!(skip.file.starts_with("x."));
    }
    Ok(())
}

/// `input` read as a file of every format, each outcome checked.
fn every_format(
    input: &[u8],
    replace: bool,
    skip_oversize: bool,
    small: bool,
) -> Result<(), TestCaseError> {
    for (name, format) in FORMATS {
        let config = config(format, replace, skip_oversize, small);
        check(&read_bytes(name, input, &config), &config)?;
    }
    Ok(())
}

/// Every format, with a file name for it.
const FORMATS: [(&str, Format); 6] = [
    ("x.jsonl", Format::Jsonl),
    ("x.csv", Format::Csv),
    ("x.txt", Format::Text),
    ("x.eml", Format::Email),
    ("x.mbox", Format::Mbox),
    ("x.html", Format::Html),
];

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

/// Bytes that look like JSON Lines or CSV more often than random ones do.
fn structured() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            Just(&b"{\"text\": \""[..]),
            Just(&b"\"}\n"[..]),
            Just(&b"\"a\": {\"c\": 1}, "[..]),
            Just(&b"text,a,b.c\n"[..]),
            Just(&b"\""[..]),
            Just(&b","[..]),
            Just(&b"\n"[..]),
            Just(&b"\r\n"[..]),
            Just(&b"\xff"[..]),
            Just(&b"\xEF\xBB\xBF"[..]),
            Just(&b"\xFF\xFE"[..]),
            Just(&b"\0"[..]),
            Just(&b"words. more! "[..]),
            Just(&b"\xd0\xb6"[..]),
            Just(&b"From a@b Mon Jan  1 00:00:00 2001\n"[..]),
            Just(&b"Subject: =?utf-8?B?w6k=?=\n"[..]),
            Just(&b"Content-Type: multipart/mixed; boundary=b\n\n--b\n"[..]),
            Just(&b"<p>a<script>b</script><title>"[..]),
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[cfg(feature = "jsonl")]
    #[test]
    fn the_jsonl_record_parser_never_panics(
        line in bytes(256),
        replace in any::<bool>(),
    ) {
        let config = config(Format::Jsonl, replace, false, false);
        match parse_jsonl_record(&line, 3, "x", &config) {
            Ok(doc) => prop_assert!(!doc.id.is_empty()),
            Err(err) => prop_assert_eq!(err.line(), Some(3)),
        }
    }

    #[cfg(feature = "jsonl")]
    #[test]
    fn the_jsonl_record_parser_never_panics_on_strings(line in "\\PC{0,120}") {
        let _ = parse_jsonl_record(line.as_bytes(), 1, "x", &SourceConfig::default());
    }

    #[test]
    fn every_format_survives_arbitrary_bytes(
        input in bytes(512),
        replace in any::<bool>(),
        skip_oversize in any::<bool>(),
        small in any::<bool>(),
    ) {
        every_format(&input, replace, skip_oversize, small)?;
    }

    #[test]
    fn every_format_survives_structured_bytes(
        input in structured(),
        replace in any::<bool>(),
        skip_oversize in any::<bool>(),
        small in any::<bool>(),
    ) {
        every_format(&input, replace, skip_oversize, small)?;
    }

    #[test]
    fn utf16_files_survive_arbitrary_units(
        units in bytes(256),
        big_endian in any::<bool>(),
        replace in any::<bool>(),
    ) {
        let mut input = if big_endian { vec![0xFE, 0xFF] } else { vec![0xFF, 0xFE] };
        input.extend(units);
        for (name, format) in FORMATS {
            let config = config(format, replace, false, false);
            let outcome = read_bytes(name, &input, &config);
            check(&outcome, &config)?;
            if replace && format == Format::Text {
                prop_assert_eq!(outcome.stats.documents, 1, "{:?}", outcome.stats.skipped);
            }
        }
    }

    #[test]
    fn compressed_streams_survive_arbitrary_bytes(
        input in bytes(256),
        small in any::<bool>(),
    ) {
        for name in ["x.jsonl.gz", "x.csv.zst", "x.txt.gz", "x.txt.zst"] {
            let format = if name.contains("jsonl") {
                Format::Jsonl
            } else if name.contains("csv") {
                Format::Csv
            } else {
                Format::Text
            };
            let config = config(format, false, false, small);
            check(&read_bytes(name, &input, &config), &config)?;
        }
    }

    #[test]
    fn valid_utf8_text_is_kept_whole_or_split_losslessly(text in "\\PC{0,200}", limit in 1u64..64) {
        prop_assume!(!text.contains('\0'));
        let mut config = config(Format::Text, false, false, false);
        config.max_document_bytes = Some(limit);
        let outcome = read_bytes("x.txt", text.as_bytes(), &config);
        check(&outcome, &config)?;
        let joined: String = outcome
            .items
            .iter()
            .map(|d| d.as_ref().map(|d| d.text.as_str()).unwrap_or(""))
            .collect();
        prop_assert_eq!(joined.as_str(), text.strip_prefix('\u{feff}').unwrap_or(&text));
    }
}

#[cfg(feature = "jsonl")]
#[test]
fn the_jsonl_record_parser_refuses_deep_nesting_without_overflowing() {
    let depth = 100_000;
    let mut deep = "[".repeat(depth);
    deep.push_str(&"]".repeat(depth));
    let err =
        parse_jsonl_record(deep.as_bytes(), 9, "direct", &SourceConfig::default()).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("direct:9: invalid JSON at column 128: recursion limit")
    );
}

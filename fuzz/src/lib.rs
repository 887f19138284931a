//! The checks behind wordmill's fuzz targets, shared by the libFuzzer targets in
//! `fuzz_targets/` and by the crate's property tests' way of running them on a corpus.
//!
//! Each check takes arbitrary bytes: the first byte picks a configuration (encoding policy,
//! limits, compression), the rest is the input. A check panics only when an invariant breaks:
//! the parsers themselves must never panic.

use wordmill_ingest::{
    EncodingErrors, Format, OnError, Outcome, Oversize, SourceConfig, parse_jsonl_record,
    read_bytes,
};

/// A configuration chosen by `selector`'s bits: encoding policy, oversize policy, small or
/// no limits, and whether the record has an id field.
fn config(selector: u8, format: Format) -> SourceConfig {
    let mut config = SourceConfig {
        format,
        on_error: OnError::Skip,
        meta_fields: vec!["a".into(), "b.c".into()],
        ..SourceConfig::default()
    };
    if selector & 1 != 0 {
        config.encoding_errors = EncodingErrors::Replace;
    }
    if selector & 2 != 0 {
        config.oversize = Oversize::Skip;
    }
    if selector & 4 != 0 {
        config.max_document_bytes = Some(u64::from(selector >> 4) + 1);
        config.max_line_bytes = Some(u64::from(selector >> 3) * 8 + 1);
        config.max_decompressed_bytes = Some(u64::from(selector) * 64);
    }
    if selector & 8 != 0 {
        config.id_field = None;
    }
    config
}

/// The file name that makes the bytes read as plain, gzip or zstd.
fn name(selector: u8, stem: &str) -> String {
    match selector % 3 {
        0 => stem.to_owned(),
        1 => format!("{stem}.gz"),
        _ => format!("{stem}.zst"),
    }
}

/// Checks what a source must guarantee whatever it reads.
fn check(outcome: &Outcome, config: &SourceConfig) {
    let stats = &outcome.stats;
    assert_eq!(
        stats.records_seen,
        stats.documents + stats.skipped.len() as u64,
        "records seen must reconcile"
    );
    assert_eq!(stats.documents as usize, outcome.items.len());
    for (ordinal, item) in outcome.items.iter().enumerate() {
        let doc = item.as_ref().expect("under skip no error is yielded");
        assert_eq!(doc.ordinal as usize, ordinal);
        if let Some(limit) = config.max_document_bytes {
            if config.oversize == Oversize::Skip {
                assert!(doc.text.len() as u64 <= limit);
            } else {
                let first = doc.text.chars().next().map_or(0, char::len_utf8) as u64;
                assert!(doc.text.len() as u64 <= limit.max(first));
            }
        }
    }
}

/// `jsonl_record`: one line through the record parser, and the bytes as a JSON Lines file.
pub fn jsonl_record(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let config = config(selector, Format::Jsonl);
    if let Ok(doc) = parse_jsonl_record(input, 1, "fuzz", &config) {
        assert!(!doc.id.is_empty());
    }
    let outcome = read_bytes(&name(selector >> 1, "fuzz.jsonl"), input, &config);
    check(&outcome, &config);
}

/// `csv_record`: the bytes as a CSV file (header and records).
pub fn csv_record(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let config = config(selector, Format::Csv);
    let outcome = read_bytes(&name(selector >> 1, "fuzz.csv"), input, &config);
    check(&outcome, &config);
}

/// `text_decode`: the bytes as a plain-text file (byte-order marks, UTF-8 and UTF-16
/// decoding, the binary check, splitting).
pub fn text_decode(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let config = config(selector, Format::Text);
    let outcome = read_bytes(&name(selector >> 1, "fuzz.txt"), input, &config);
    check(&outcome, &config);
    if (selector >> 1) % 3 == 0 {
        // A plain text file is one record, however many parts it becomes.
        assert!(outcome.stats.skipped.len() <= 1);
        assert!(outcome.stats.split.len() <= 1);
    }
}

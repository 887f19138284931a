//! `push_sentence_line` writes the bytes serde_json writes for the same record: checked on
//! every score VADER can produce (every multiple of 0.0001 and 0.001 in [-1, 1]), on scores it
//! cannot (which take serde_json's own path), and on document ids that need escaping.

use proptest::prelude::*;
use wordmill_analyse::SentenceRecord;
use wordmill_report::{push_sentence_line, write_sentence_line};

fn record(doc_id: &str, scores: [f64; 4]) -> SentenceRecord {
    SentenceRecord {
        doc_id: doc_id.to_string(),
        index: 7,
        start: 1_234,
        end: 98_765,
        neg: scores[0],
        neu: scores[1],
        pos: scores[2],
        compound: scores[3],
        explanation: None,
    }
}

fn expected(r: &SentenceRecord) -> Vec<u8> {
    let mut v = serde_json::to_vec(r).unwrap();
    v.push(b'\n');
    v
}

fn line(r: &SentenceRecord) -> Vec<u8> {
    let mut buf = Vec::new();
    push_sentence_line(&mut buf, r).unwrap();
    buf
}

fn assert_same(r: &SentenceRecord) {
    let got = line(r);
    let want = expected(r);
    assert_eq!(
        String::from_utf8_lossy(&got),
        String::from_utf8_lossy(&want),
        "{r:?}"
    );
}

#[test]
fn every_rounded_score_is_written_as_serde_json_writes_it() {
    for divisor in [10_000.0, 1_000.0, 100.0, 10.0] {
        let top = divisor as i64;
        for k in -top..=top {
            let x = k as f64 / divisor;
            assert_same(&record("d", [x, -x, x.abs(), x]));
        }
    }
    // Python's round() and the scorer produce the nearest double, which is also what
    // parsing the decimal gives.
    for text in [
        "0.0001", "-0.0001", "0.9999", "-0.9999", "0.5", "1.0", "-1.0", "0.1",
    ] {
        let x: f64 = text.parse().unwrap();
        assert_same(&record("d", [x, x, x, x]));
    }
}

#[test]
fn other_scores_take_serde_jsons_path() {
    let odd = [
        0.0,
        -0.0,
        1e-7,
        -3.5e-5,
        0.123_456_789,
        1.000_01,
        -1.000_000_000_000_1,
        12_345.5,
        1e300,
        f64::MIN_POSITIVE,
        5e-324,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        0.1 + 0.2,
    ];
    for &x in &odd {
        for slot in 0..4 {
            let mut s = [0.25, 0.5, 0.25, 0.4404];
            s[slot] = x;
            assert_same(&record("doc", s));
        }
    }
}

#[test]
fn document_ids_are_escaped_as_serde_json_escapes_them() {
    for id in [
        "",
        "1790_george_washington_n",
        "quote\"inside",
        "back\\slash",
        "tab\there",
        "line\nbreak",
        "\u{0}\u{1}\u{1f}",
        "unit\u{1f}separator",
        "del\u{7f}",
        "Лукашенко – «забастовка»",
        "emoji 😀 and \u{2028}",
    ] {
        assert_same(&record(id, [0.0, 1.0, 0.0, 0.0]));
    }
}

#[test]
fn write_sentence_line_writes_the_same_line() {
    let r = record("a\"b", [0.1, 0.8, 0.1, -0.0516]);
    let mut out = Vec::new();
    write_sentence_line(&mut out, &r).unwrap();
    assert_eq!(out, expected(&r));
}

proptest! {
    #[test]
    fn any_record_is_written_as_serde_json_writes_it(
        id in any::<String>(),
        index in any::<usize>(),
        start in any::<usize>(),
        end in any::<usize>(),
        bits in proptest::array::uniform4(any::<u64>()),
        rounded in proptest::array::uniform4(-10_000i64..=10_000),
        pick in proptest::array::uniform4(any::<bool>()),
    ) {
        let mut scores = [0.0; 4];
        for i in 0..4 {
            scores[i] = if pick[i] { f64::from_bits(bits[i]) } else { rounded[i] as f64 / 10_000.0 };
        }
        let mut r = record(&id, scores);
        r.index = index;
        r.start = start;
        r.end = end;
        prop_assert_eq!(line(&r), expected(&r));
    }
}

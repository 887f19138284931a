//! Golden test: `Rules::Vader` gives vaderSentiment 3.3.2's scores, bit for bit, on every row
//! of the reference file (and its unrounded values on every row of the trace).
//!
//! The reference directory is the repository's `tests/reference`, or `WORDMILL_REFERENCE`: the
//! files read are `vader/public.jsonl` and `vader/public_trace.jsonl` in it.

use std::path::{Path, PathBuf};

use serde_json::Value;
use wordmill_analyse::{Lexicon, Rules, Vader};

fn reference() -> PathBuf {
    let dir = std::env::var_os("WORDMILL_REFERENCE").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/reference"
            ))
        },
        PathBuf::from,
    );
    dir.join("vader/public.jsonl")
}

fn rows(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        panic!(
            "cannot read the VADER reference {}: {e} (WORDMILL_REFERENCE names the reference directory)",
            path.display()
        )
    });
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON object per line"))
        .collect()
}

fn f(row: &Value, key: &str) -> f64 {
    row[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{}: no number {key}", row["id"]))
}

#[test]
fn every_reference_row_matches_exactly() {
    let path = reference();
    let rows = rows(&path);
    assert!(!rows.is_empty(), "{} has no rows", path.display());
    let vader = Vader::new(Lexicon::vader(), Rules::Vader);
    let mut failures = Vec::new();
    for row in &rows {
        let text = row["text"].as_str().expect("text");
        let got = vader.polarity_scores(text);
        let want = [
            f(row, "neg"),
            f(row, "neu"),
            f(row, "pos"),
            f(row, "compound"),
        ];
        let have = [got.neg, got.neu, got.pos, got.compound];
        if want != have {
            failures.push(format!(
                "{}: {text:?}\n  expected neg/neu/pos/compound {want:?}\n  actual   {have:?}",
                row["id"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows differ:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}

#[test]
fn every_trace_row_matches_unrounded() {
    let path = reference();
    let trace = path.with_file_name("public_trace.jsonl");
    let texts: std::collections::HashMap<String, String> = rows(&path)
        .into_iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["text"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let vader = Vader::default();
    let mut failures = Vec::new();
    let trace = rows(&trace);
    for row in &trace {
        let id = row["id"].as_str().expect("id");
        let text = &texts[id];
        let raw = vader.polarity_scores_raw(text);
        let want = [
            f(row, "neg_raw"),
            f(row, "neu_raw"),
            f(row, "pos_raw"),
            f(row, "compound_raw"),
            f(row, "sum"),
            f(row, "punct_amp"),
        ];
        let have = [
            raw.neg,
            raw.neu,
            raw.pos,
            raw.compound,
            raw.sum,
            raw.punct_amp,
        ];
        let same = want
            .iter()
            .zip(&have)
            .all(|(a, b)| a.to_bits() == b.to_bits() || a == b);
        if !same {
            failures.push(format!(
                "{id}: {text:?}\n  expected neg/neu/pos/compound/sum/amp {want:?}\n  actual   {have:?}"
            ));
        }
        // Per-token valences, through the explanation.
        let e = vader.explain(text);
        let want: Vec<f64> = row["sentiments"]
            .as_array()
            .expect("sentiments")
            .iter()
            .map(|v| v.as_f64().unwrap())
            .collect();
        assert_eq!(e.token_count, want.len(), "{id}: token count");
        for t in &e.tokens {
            if t.valence != want[t.index] {
                failures.push(format!(
                    "{id}: token {} {:?}: expected {} actual {}",
                    t.index, t.text, want[t.index], t.valence
                ));
            }
        }
        assert_eq!(
            e.scores,
            vader.polarity_scores(text),
            "{id}: explain agrees"
        );
    }
    assert!(
        failures.is_empty(),
        "{} mismatches in {} trace rows:\n{}",
        failures.len(),
        trace.len(),
        failures.join("\n")
    );
}

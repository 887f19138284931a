//! The pattern tokeniser with scikit-learn's settings gives exactly scikit-learn's tokens:
//! checked against the reference CountVectorizer output (vocabulary and per-document counts).
//!
//! The reference directory is `$WORDMILL_REFERENCE`, or the repository's `tests/reference`; the
//! test fails when it is missing.

#![cfg(feature = "pattern")]

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use serde_json::Value;
use wordmill_model::{Document, Metadata};
use wordmill_normalise::{Normaliser, NormaliserConfig};

fn reference_dir() -> PathBuf {
    let dir = std::env::var_os("WORDMILL_REFERENCE").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/reference"
            ))
        },
        PathBuf::from,
    );
    assert!(
        dir.is_dir(),
        "reference data not found at {} (set WORDMILL_REFERENCE to the reference directory)",
        dir.display()
    );
    dir
}

fn read_docs(path: &PathBuf) -> Vec<(String, String)> {
    let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    BufReader::new(file)
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(&line.unwrap()).unwrap();
            (
                v["id"].as_str().unwrap().to_string(),
                v["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn read_case(path: &PathBuf) -> Value {
    let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_reader(flate2::read::GzDecoder::new(file)).unwrap()
}

fn check_corpus(corpus: &str) {
    let dir = reference_dir().join(corpus);
    let docs = read_docs(&dir.join("docs.jsonl"));
    let case = read_case(&dir.join("count_default.json.gz"));
    let normaliser = Normaliser::new(NormaliserConfig::scikit_learn()).unwrap();

    let expected_vocab: BTreeSet<&str> = case["df"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut vocab = BTreeSet::new();
    for (ordinal, (id, text)) in docs.iter().enumerate() {
        let doc = Document::new(ordinal as u64, id.as_str(), text.as_str(), Metadata::new());
        let out = normaliser.normalise(&doc);
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for t in &out.tokens {
            *counts.entry(t.text.to_string()).or_default() += 1;
            assert!(
                doc.text.is_char_boundary(t.span.start) && doc.text.is_char_boundary(t.span.end)
            );
        }
        let expected: BTreeMap<String, u64> = case["counts"][id.as_str()]
            .as_object()
            .unwrap_or_else(|| panic!("{corpus}: no counts for {id}"))
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
            .collect();
        assert_eq!(counts, expected, "{corpus}: counts of {id}: {text:?}");
        vocab.extend(counts.into_keys());
    }
    let vocab: BTreeSet<&str> = vocab.iter().map(String::as_str).collect();
    assert_eq!(vocab, expected_vocab, "{corpus}: vocabulary");
    assert_eq!(
        vocab.len() as u64,
        case["df"].as_object().unwrap().len() as u64
    );
}

#[test]
fn edge_cases_give_scikit_learns_vocabulary_and_counts() {
    check_corpus("tfidf_edge");
}

#[test]
fn public_corpus_gives_scikit_learns_vocabulary_and_counts() {
    check_corpus("tfidf");
}

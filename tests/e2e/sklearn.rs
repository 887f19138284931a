//! `pipelines/sklearn-compat.toml`, pointed at the reference corpora, reproduces scikit-learn's
//! TfidfVectorizer weights and CountVectorizer counts exactly, through the binary and its CSVs.

use std::collections::BTreeMap;
use std::path::Path;

use crate::common::*;
use crate::pipelines::csv_reader;

fn gz_json(path: &Path) -> serde_json::Value {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_reader(flate2::read::GzDecoder::new(f)).unwrap()
}

/// Runs the shipped sklearn-compat pipeline on `docs.jsonl` of a reference set.
fn run_compat(set: &Path) -> std::path::PathBuf {
    let dir = scratch("sklearn");
    let shipped = std::fs::read_to_string(root().join("pipelines/sklearn-compat.toml")).unwrap();
    let ingest = "inputs = [\"corpus/sotu/*.txt\"]\nformat = \"text\"\n";
    assert!(
        shipped.contains(ingest),
        "sklearn-compat.toml's [ingest] changed; update this test"
    );
    let docs = set.join("docs.jsonl");
    let text = shipped.replace(
        ingest,
        &format!(
            "inputs = [{:?}]\nformat = \"jsonl\"\ntext_field = \"text\"\nid_field = \"id\"\n",
            docs.to_str().unwrap()
        ),
    );
    let pipeline = dir.join("compat.toml");
    std::fs::write(&pipeline, text).unwrap();
    let out = dir.join("out");
    let res = wordmill(&[
        "run",
        pipeline.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_exit(&res, 0);
    out
}

#[test]
fn weights_counts_and_document_frequencies_equal_scikit_learn() {
    for set in ["tfidf", "tfidf_edge"] {
        let set = reference_dir().join(set);
        let out = run_compat(&set);
        let tfidf = gz_json(&set.join("tfidf_default.json.gz"));
        let counts = gz_json(&set.join("count_default.json.gz"));

        // tfidf.csv: every (doc, term) weight and tf, exactly.
        let text = std::fs::read_to_string(out.join("tfidf.csv")).unwrap();
        let mut got: BTreeMap<(String, String), (f64, f64)> = BTreeMap::new();
        for r in csv_reader(&text).records() {
            let r = r.unwrap();
            got.insert(
                (r[0].to_string(), r[1].to_string()),
                (r[2].parse().unwrap(), r[3].parse().unwrap()),
            );
        }
        let mut expected = 0;
        let mut mismatches = Vec::new();
        for (doc, row) in tfidf["rows"].as_object().unwrap() {
            for (term, w) in row.as_object().unwrap() {
                expected += 1;
                let want_w = w.as_f64().unwrap();
                let want_tf = counts["counts"][doc][term].as_u64().unwrap() as f64;
                match got.get(&(doc.clone(), term.clone())) {
                    Some(&(tf, weight)) if tf == want_tf && weight == want_w => {}
                    other => mismatches.push(format!(
                        "{doc} {term}: expected tf {want_tf} weight {want_w:?}, got {other:?}"
                    )),
                }
            }
        }
        assert!(
            mismatches.is_empty(),
            "{}: {} of {expected} differ:\n{}",
            set.display(),
            mismatches.len(),
            mismatches[..mismatches.len().min(20)].join("\n")
        );
        assert_eq!(
            got.len(),
            expected,
            "{}: tfidf.csv has extra rows",
            set.display()
        );

        // terms.csv: the vocabulary, document frequencies and idf, exactly.
        let text = std::fs::read_to_string(out.join("terms.csv")).unwrap();
        let mut vocab = BTreeMap::new();
        for r in csv_reader(&text).records() {
            let r = r.unwrap();
            vocab.insert(
                r[0].to_string(),
                (r[2].parse::<u64>().unwrap(), r[3].parse::<f64>().unwrap()),
            );
        }
        let df = counts["df"].as_object().unwrap();
        let idf = tfidf["idf"].as_object().unwrap();
        assert_eq!(vocab.len(), df.len(), "{}: vocabulary size", set.display());
        for (term, d) in df {
            let (got_df, got_idf) = vocab
                .get(term)
                .unwrap_or_else(|| panic!("{term} missing from terms.csv"));
            assert_eq!(*got_df, d.as_u64().unwrap(), "{term}: df");
            assert_eq!(*got_idf, idf[term].as_f64().unwrap(), "{term}: idf");
        }
    }
}

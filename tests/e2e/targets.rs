//! Sentiment per target: each target sentence carries exactly the score `sentences.jsonl` has
//! for that sentence; 1, 2 and 8 threads, and shards merged from their states, write the same
//! bytes; repeated document ids are made unique as everywhere else.

use std::collections::BTreeMap;

use crate::common::*;

const PIPELINE: &str = "pipelines/sotu-targets.toml";

/// The lines of a JSON Lines file.
fn lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_target_sentence_has_its_sentences_jsonl_score() {
    let out = scratch("targets-scores");
    assert_exit(
        &wordmill(&["run", PIPELINE, "--out", out.to_str().unwrap(), "--quiet"]),
        0,
    );
    let scored: BTreeMap<(String, u64), (u64, u64, f64)> = lines(&out.join("sentences.jsonl"))
        .into_iter()
        .map(|l| {
            (
                (
                    l["doc_id"].as_str().unwrap().to_string(),
                    l["index"].as_u64().unwrap(),
                ),
                (
                    l["start"].as_u64().unwrap(),
                    l["end"].as_u64().unwrap(),
                    l["compound"].as_f64().unwrap(),
                ),
            )
        })
        .collect();
    let targets = lines(&out.join("target_sentences.jsonl"));
    assert!(targets.len() > 1000, "{}", targets.len());
    let mut per_target: BTreeMap<String, (u64, u64, f64)> = BTreeMap::new();
    for t in &targets {
        let key = (
            t["doc_id"].as_str().unwrap().to_string(),
            t["sentence"].as_u64().unwrap(),
        );
        let (start, end, compound) = scored[&key];
        assert_eq!(t["start"].as_u64().unwrap(), start, "{t}");
        assert_eq!(t["end"].as_u64().unwrap(), end, "{t}");
        // The same bits: serde_json reads both texts back to the same f64.
        assert_eq!(
            t["compound"].as_f64().unwrap().to_bits(),
            compound.to_bits(),
            "{t}"
        );
        let mentions = t["mentions"].as_array().unwrap();
        assert!(!mentions.is_empty());
        for m in mentions {
            let (a, b) = (m[0].as_u64().unwrap(), m[1].as_u64().unwrap());
            assert!(start <= a && a < b && b <= end, "{t}");
        }
        let e = per_target
            .entry(t["target"].as_str().unwrap().to_string())
            .or_default();
        e.0 += mentions.len() as u64;
        e.1 += 1;
        e.2 += compound;
    }
    // report.json's figures are these lines added up, in corpus order.
    let report = json(&out.join("report.json"));
    for t in report["targets"]["targets"].as_array().unwrap() {
        let name = t["target"].as_str().unwrap();
        let (mentions, sentences, sum) = per_target[name];
        assert_eq!(t["mentions"].as_u64().unwrap(), mentions, "{name}");
        assert_eq!(t["sentences"].as_u64().unwrap(), sentences, "{name}");
        assert_eq!(
            t["mean_compound"].as_f64().unwrap(),
            sum / sentences as f64,
            "{name}"
        );
    }
    // The expectations of the pipeline hold, through metric paths into the section.
    assert_exit(&wordmill(&["test", PIPELINE, "--quiet"]), 0);
}

const FILES: [&str; 4] = [
    "targets.csv",
    "target_sentences.jsonl",
    "report.json",
    "report.html",
];

fn assert_same(a: &std::path::Path, b: &std::path::Path, what: &str) {
    for f in FILES {
        let x = std::fs::read(a.join(f)).unwrap_or_else(|e| panic!("{what}: {f}: {e}"));
        let y = std::fs::read(b.join(f)).unwrap_or_else(|e| panic!("{what}: {f}: {e}"));
        assert!(x == y, "{what}: {f} differs");
    }
}

#[test]
fn threads_and_merged_shards_write_the_same_bytes() {
    let dir = scratch("targets-determinism");
    let mut runs = Vec::new();
    for threads in ["1", "2", "8"] {
        let out = dir.join(format!("t{threads}"));
        assert_exit(
            &wordmill(&[
                "run",
                PIPELINE,
                "--out",
                out.to_str().unwrap(),
                "--threads",
                threads,
                "--quiet",
            ]),
            0,
        );
        runs.push(out);
    }
    for other in &runs[1..] {
        assert_same(&runs[0], other, &format!("{}", other.display()));
    }
    // Three shards of uneven size, their states merged in reverse order.
    let merged = merged_shards(&dir, "targets", PIPELINE, &sotu_files(), &[5, 40]);
    assert_same(&runs[0], &merged, "merged shards");
}

#[test]
fn repeated_ids_are_made_unique_in_the_target_files_too() {
    let dir = scratch("targets-ids");
    std::fs::write(
        dir.join("docs.jsonl"),
        "{\"id\":\"a\",\"text\":\"The strike was a great success.\"}\n\
         {\"id\":\"a\",\"text\":\"The strike was a terrible failure.\"}\n",
    )
    .unwrap();
    let p = dir.join("p.toml");
    std::fs::write(
        &p,
        format!(
            "version = 1\n[ingest]\ninputs = [{:?}]\nformat = \"jsonl\"\nduplicate_ids = \"suffix\"\n[analyse.sentiment]\n[analyse.targets]\nstrike = \"strik*\"\n",
            dir.join("docs.jsonl").to_str().unwrap()
        ),
    )
    .unwrap();
    let out = dir.join("out");
    assert_exit(
        &wordmill(&[
            "run",
            p.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]),
        0,
    );
    let ids = |file: &str| -> Vec<String> {
        lines(&out.join(file))
            .iter()
            .map(|l| l["doc_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids("target_sentences.jsonl"), ids("sentences.jsonl"));
    let ids = ids("sentences.jsonl");
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    let report = json(&out.join("report.json"));
    let t = &report["targets"]["targets"][0];
    assert_eq!(t["most_positive"][0]["doc_id"], ids[0].as_str());
    assert_eq!(t["most_negative"][0]["doc_id"], ids[1].as_str());
}

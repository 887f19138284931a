//! Run states: shards and map/reduce give the same report as one run over the whole corpus.

use crate::common::*;

const REPORT_FILES: [&str; 5] = [
    "report.json",
    "terms.csv",
    "tfidf.csv",
    "documents.csv",
    "report.md",
];

/// The files of `pipelines/sotu-keyness.toml`'s report that shards must reproduce.
const KEYNESS_FILES: [&str; 6] = [
    "report.json",
    "keyness.csv",
    "collocations.csv",
    "terms.csv",
    "report.md",
    "report.html",
];

fn assert_same_files(a: &std::path::Path, b: &std::path::Path, files: &[&str], what: &str) {
    for f in files {
        let x = std::fs::read(a.join(f)).unwrap_or_else(|e| panic!("{what}: {f}: {e}"));
        let y = std::fs::read(b.join(f)).unwrap_or_else(|e| panic!("{what}: {f}: {e}"));
        assert!(x == y, "{what}: {f} differs from the single run's");
    }
}

/// The report of one run of `pipeline` over the whole corpus, in `dir/full`.
fn single_run_of(dir: &std::path::Path, pipeline: &str) -> std::path::PathBuf {
    let full = dir.join("full");
    assert_exit(
        &wordmill(&["run", pipeline, "--out", full.to_str().unwrap(), "--quiet"]),
        0,
    );
    full
}

#[test]
fn merged_shard_states_equal_one_run_for_several_splits() {
    // Several splits: halves, uneven thirds, one document per shard at the ends.
    shards(
        "pipelines/sotu-terms.toml",
        &REPORT_FILES,
        &[vec![31], vec![1, 20, 61], vec![7, 8, 40, 41]],
    );
}

#[test]
fn keyness_and_collocations_of_merged_shards_equal_one_run() {
    shards(
        "pipelines/sotu-keyness.toml",
        &KEYNESS_FILES,
        &[vec![31], vec![1, 20, 61]],
    );
}

/// Runs `pipeline` on each split of the corpus into shards (cut before each index of a split),
/// merges the shards' states in reverse order and checks `compared` against one run.
fn shards(pipeline: &str, compared: &[&str], splits: &[Vec<usize>]) {
    let dir = scratch("shards");
    let full = single_run_of(&dir, pipeline);
    let files = sotu_files();
    for (k, cuts) in splits.iter().enumerate() {
        let merged = merged_shards(&dir, &format!("split{k}"), pipeline, &files, cuts);
        assert_same_files(&full, &merged, compared, &format!("split {cuts:?}"));
    }
}

#[test]
fn overlapping_or_foreign_states_are_refused() {
    let dir = scratch("refuse");
    let s = dir.join("a.state");
    let out = dir.join("o");
    assert_exit(
        &wordmill(&[
            "run",
            "pipelines/sotu-terms.toml",
            "--input",
            "corpus/sotu/1961_john_f_kennedy_d.txt",
            "--state-out",
            s.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]),
        0,
    );
    // The same shard twice: both documents have ordinal 0.
    let res = wordmill(&[
        "merge",
        "pipelines/sotu-terms.toml",
        s.to_str().unwrap(),
        s.to_str().unwrap(),
        "--out",
        dir.join("m").to_str().unwrap(),
    ]);
    assert_exit(&res, 1);
    assert!(
        String::from_utf8_lossy(&res.stderr).contains("overlap"),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    // A state of another pipeline.
    let res = wordmill(&[
        "merge",
        "pipelines/default.toml",
        s.to_str().unwrap(),
        "--out",
        dir.join("m2").to_str().unwrap(),
    ]);
    assert_exit(&res, 1);
    assert!(String::from_utf8_lossy(&res.stderr).contains("different analysis configuration"));
    // Not a state at all.
    let junk = dir.join("junk.state");
    std::fs::write(&junk, "{\"hello\": 1}\n").unwrap();
    let res = wordmill(&["merge", "pipelines/sotu-terms.toml", junk.to_str().unwrap()]);
    assert_exit(&res, 1);
    assert!(
        String::from_utf8_lossy(&res.stderr).contains(
            "junk.state:1: not a wordmill state: expected a line written by `wordmill map`"
        )
    );
}

fn pipe(args: &[&str], input: &[u8]) -> Vec<u8> {
    let out = wordmill_stdin(args, input);
    assert_exit(&out, 0);
    out.stdout
}

#[test]
fn map_and_reduce_over_partitions_equal_one_run() {
    map_reduce("pipelines/sotu-terms.toml", &REPORT_FILES);
}

#[test]
fn keyness_and_collocations_through_map_and_reduce_equal_one_run() {
    map_reduce("pipelines/sotu-keyness.toml", &KEYNESS_FILES);
}

#[test]
fn targets_through_map_and_reduce_equal_one_run() {
    map_reduce(
        "pipelines/sotu-targets.toml",
        &[
            "report.json",
            "targets.csv",
            "target_sentences.jsonl",
            "report.md",
            "report.html",
        ],
    );
}

/// Maps three partitions of the corpus (and an empty one), reduces the states and checks
/// `compared` against one run of `pipeline`.
fn map_reduce(pipeline: &str, compared: &[&str]) {
    let dir = scratch("mapreduce");
    let full = single_run_of(&dir, pipeline);
    // Documents as a cluster engine would hand them over: JSON Lines with the original path and
    // the position in the corpus, in three partitions.
    let lines: Vec<String> = sotu_files()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let text = std::fs::read_to_string(root().join(f)).unwrap();
            let id = f.rsplit('/').next().unwrap().trim_end_matches(".txt");
            serde_json::json!({"id": id, "text": text, "path": f, "pos": i}).to_string()
        })
        .collect();
    let map = [
        "map",
        pipeline,
        "--ordinal-field",
        "pos",
        "--path-field",
        "path",
    ];
    let mut states = Vec::new();
    for part in [&lines[40..], &lines[..13], &lines[13..40]] {
        let out = pipe(&map, (part.join("\n") + "\n").as_bytes());
        assert_eq!(
            out.iter().filter(|&&b| b == b'\n').count(),
            1,
            "map writes exactly one line"
        );
        states.push(out);
    }
    // An empty partition gives an empty state, which merges as nothing.
    states.push(pipe(&map, b""));
    let reduced = pipe(&["reduce", pipeline], &states.concat());
    assert_eq!(
        reduced.iter().filter(|&&b| b == b'\n').count(),
        1,
        "reduce writes exactly one line"
    );
    let state = dir.join("all.state");
    std::fs::write(&state, &reduced).unwrap();
    let merged = dir.join("merged");
    assert_exit(
        &wordmill(&[
            "merge",
            pipeline,
            state.to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
            "--quiet",
        ]),
        0,
    );
    assert_same_files(&full, &merged, compared, "map/reduce");
}

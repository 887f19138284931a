//! Pipelines as a product: batches, expectations, benchmarks and comparisons.

use crate::common::*;

#[test]
fn a_batch_keeps_going_past_a_failure_and_ends_with_a_summary() {
    let dir = scratch("batch");
    // This one fails while running: a malformed record with on_error = "fail".
    std::fs::write(
        dir.join("bad.jsonl"),
        "{\"id\": 1, \"text\": \"fine\"}\nnot json\n",
    )
    .unwrap();
    let bad = dir.join("b-failing-run.toml");
    std::fs::write(
        &bad,
        format!(
            "version = 1\n[ingest]\ninputs = [{:?}]\nformat = \"jsonl\"\non_error = \"fail\"\n[analyse.terms]\n[report]\ndir = {:?}\n",
            dir.join("bad.jsonl").to_str().unwrap(),
            dir.join("out-bad").to_str().unwrap()
        ),
    )
    .unwrap();
    let good = dir.join("a-good.toml");
    std::fs::write(
        &good,
        format!("version = 1\nname = \"good\"\n[ingest]\ninputs = [\"corpus/news\"]\n[analyse.terms]\n[report]\ndir = {:?}\n", dir.join("out-good").to_str().unwrap()),
    )
    .unwrap();
    let good2 = dir.join("c-good.toml");
    std::fs::write(
        &good2,
        format!("version = 1\nname = \"good2\"\n[ingest]\ninputs = [\"corpus/news\"]\n[analyse.terms]\n[report]\ndir = {:?}\n", dir.join("out-good2").to_str().unwrap()),
    )
    .unwrap();
    let res = wordmill(&["run", dir.to_str().unwrap(), "--jobs", "2"]);
    assert_exit(&res, 1);
    let out = String::from_utf8(res.stdout).unwrap();
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("pipeline "))
        .collect();
    assert!(
        table[0].contains("documents") && table[0].contains("MB/s") && table[0].contains("status"),
        "{out}"
    );
    assert!(
        table[1].contains("a-good.toml") && table[1].trim_end().ends_with("ok"),
        "{out}"
    );
    assert!(
        table[2].contains("b-failing-run.toml") && table[2].contains("FAILED"),
        "{out}"
    );
    assert!(
        table[3].contains("c-good.toml") && table[3].trim_end().ends_with("ok"),
        "{out}"
    );
    assert_eq!(table[4], "3 pipelines: 2 ok, 1 failed");
    assert!(
        dir.join("out-good/report.json").is_file() && dir.join("out-good2/report.json").is_file()
    );
    assert!(String::from_utf8_lossy(&res.stderr).contains("bad.jsonl:2"));
}

#[test]
fn expectations_pass_and_fail_with_actual_values() {
    let dir = scratch("expect");
    let p = dir.join("p.toml");
    std::fs::write(
        &p,
        format!(
            "version = 1\nname = \"news\"\n[ingest]\ninputs = [\"corpus/news\"]\n[normalise]\nstopwords = \"en\"\n[analyse.terms]\n[report]\ndir = {:?}\n\
             [[expect]]\ntop_terms = [\"workers\", \"belarus\"]\nwithin = 3\n\
             [[expect]]\nmetric = \"corpus.documents\"\nequals = 1\n\
             [[expect]]\nmetric = \"terms.vocabulary_size\"\nmin = 100000\n",
            dir.join("out").to_str().unwrap()
        ),
    )
    .unwrap();
    let res = wordmill(&["test", p.to_str().unwrap()]);
    assert_exit(&res, 1);
    let out = String::from_utf8(res.stdout).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with(
            "pass  news: top 3 terms include workers, belarus (workers #1, belarus #2)"
        ),
        "{out}"
    );
    assert!(
        lines[1].starts_with("pass  news: corpus.documents = 1"),
        "{out}"
    );
    assert!(
        lines[2].starts_with(
            "FAIL  news: terms.vocabulary_size >= 100000 (actual: terms.vocabulary_size = "
        ),
        "{out}"
    );
    assert_eq!(lines[3], "2 passed, 1 failed");
}

#[test]
fn shipped_pipelines_carry_expectations_that_hold() {
    let res = wordmill(&["test", "pipelines"]);
    assert_exit(&res, 0);
    let out = String::from_utf8(res.stdout).unwrap();
    let last = out.lines().last().unwrap();
    let passed: usize = last.split(' ').next().unwrap().parse().unwrap();
    assert!(
        passed >= shipped_pipelines().len(),
        "every shipped pipeline carries expectations: {out}"
    );
    assert!(last.ends_with(" 0 failed"), "{out}");
}

#[test]
fn bench_saves_a_baseline_and_compare_reads_every_kind_of_side() {
    let dir = scratch("bench");
    let out = dir.join("out");
    let baseline = dir.join("baseline.json");
    let res = wordmill(&[
        "bench",
        "pipelines/default.toml",
        "--repeat",
        "3",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_exit(&res, 0);
    std::fs::write(&baseline, &res.stdout).unwrap();
    let b = json(&baseline);
    assert_eq!(b["repeat"], 3);
    for s in b["stages"].as_array().unwrap() {
        let (lo, mid, hi) = (
            s["seconds"]["min"].as_f64().unwrap(),
            s["seconds"]["median"].as_f64().unwrap(),
            s["seconds"]["max"].as_f64().unwrap(),
        );
        assert!(lo <= mid && mid <= hi, "{s}");
    }
    assert_eq!(b["report"]["corpus"]["documents"], 1);

    // A second run with other settings: fewer top terms, so the top-term ranks drift.
    let other = dir.join("other.toml");
    let text = std::fs::read_to_string(root().join("pipelines/default.toml"))
        .unwrap()
        .replace("top = 25", "top = 5");
    std::fs::write(&other, text).unwrap();
    let out2 = dir.join("out2");
    assert_exit(
        &wordmill(&[
            "run",
            other.to_str().unwrap(),
            "--out",
            out2.to_str().unwrap(),
            "--quiet",
        ]),
        0,
    );

    let res = wordmill(&[
        "compare",
        baseline.to_str().unwrap(),
        out2.to_str().unwrap(),
        "--json",
    ]);
    assert_exit(&res, 0);
    let c: serde_json::Value = serde_json::from_slice(&res.stdout).unwrap();
    assert_eq!(c["runs"], serde_json::json!([3, 1]));
    let names: Vec<&str> = c["timing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"analyse") && names.contains(&"wall"),
        "{names:?}"
    );
    assert_eq!(c["drift"]["documents"], serde_json::json!([1, 1]));
    // Ranks 6..25 left the top list.
    assert_eq!(
        c["drift"]["top_terms"].as_array().unwrap().len(),
        20,
        "{}",
        c["drift"]
    );

    // A run.json works as a side too, and the text form fits 80 columns (but for the two
    // lines naming the sides as given, whose length is the path's).
    let res = wordmill(&[
        "compare",
        out.join("run.json").to_str().unwrap(),
        out2.to_str().unwrap(),
    ]);
    assert_exit(&res, 0);
    let text = String::from_utf8(res.stdout).unwrap();
    assert!(text.contains("top terms whose rank changed"), "{text}");
    assert!(
        text.lines()
            .filter(|l| !l.starts_with("A: ") && !l.starts_with("B: "))
            .all(|l| l.chars().count() <= 80),
        "{text}"
    );
    assert!(
        text.starts_with(&format!("A: {} (1 run)\n", out.join("run.json").display())),
        "{text}"
    );

    let res = wordmill(&["compare", "no-such-baseline", out2.to_str().unwrap()]);
    assert_exit(&res, 2);
}

#[test]
fn json_pipeline_files_run_like_toml() {
    let dir = scratch("json");
    let p = dir.join("p.json");
    std::fs::write(
        &p,
        serde_json::json!({
            "version": 1, "name": "news-json",
            "ingest": {"inputs": ["corpus/news"]},
            "normalise": {"stopwords": "en"},
            "analyse": {"terms": {"top": 5, "min_df": 1, "max_df": 1.0}},
            "report": {"dir": dir.join("out").to_str().unwrap()}
        })
        .to_string(),
    )
    .unwrap();
    assert_exit(&wordmill(&["validate", p.to_str().unwrap()]), 0);
    assert_exit(&wordmill(&["run", p.to_str().unwrap(), "--quiet"]), 0);
    let r = json(&dir.join("out/report.json"));
    assert_eq!(r["terms"]["top"][0]["term"], "workers");
}

/// `run --input` replaces the file's inputs, so those need not exist; a missing `--input` is
/// still an error naming it.
#[test]
fn input_override_needs_no_file_inputs_but_checks_its_own() {
    let dir = scratch("input-override");
    let p = dir.join("p.toml");
    std::fs::write(
        &p,
        "version = 1\nname = \"elsewhere\"\n[ingest]\ninputs = [\"corpus/not-here/*.txt\"]\n[analyse.terms]\n",
    )
    .unwrap();
    let out = dir.join("out");
    let res = wordmill(&["validate", p.to_str().unwrap()]);
    assert_exit(&res, 2);
    let res = wordmill(&[
        "run",
        p.to_str().unwrap(),
        "--input",
        "corpus/news",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_exit(&res, 0);
    assert_eq!(json(&out.join("report.json"))["corpus"]["documents"], 1);
    let res = wordmill(&[
        "run",
        p.to_str().unwrap(),
        "--input",
        "corpus/missing.txt",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_exit(&res, 1);
    assert!(
        String::from_utf8_lossy(&res.stderr).contains("corpus/missing.txt"),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
}

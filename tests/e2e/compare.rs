//! `wordmill compare`: what differs in the configuration comes first, then counts, drift and
//! timings.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::*;

/// Twelve documents in which the word `wK` occurs in exactly K of them (K = 1..=12): with
/// `min_df = m` the vocabulary is the 13 - m words with K >= m; the corpus has 78 tokens.
fn corpus(dir: &Path) -> PathBuf {
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for d in 1..=12 {
        let words: Vec<String> = (1..=12)
            .filter(|k| d <= *k)
            .map(|k| format!("w{k}"))
            .collect();
        std::fs::write(docs.join(format!("d{d:02}.txt")), words.join(" ")).unwrap();
    }
    docs
}

fn pipeline(docs: &Path, terms: &str) -> String {
    format!(
        "version = 1\nname = \"drift\"\n[ingest]\ninputs = [{:?}]\n[analyse.terms]\n{terms}\n",
        docs.to_str().unwrap()
    )
}

fn run(file: &Path, out: &Path) {
    assert_exit(
        &wordmill(&[
            "run",
            file.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]),
        0,
    );
}

fn compare_text(a: &Path, b: &Path) -> String {
    let res = wordmill(&["compare", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert_exit(&res, 0);
    String::from_utf8(res.stdout).unwrap()
}

/// The whitespace-separated fields of the first line starting (after indentation) with `name`.
fn row<'t>(text: &'t str, name: &str) -> Vec<&'t str> {
    text.lines()
        .find(|l| l.trim_start().starts_with(name))
        .unwrap_or_else(|| panic!("no `{name}` line in\n{text}"))
        .split_whitespace()
        .collect()
}

#[test]
fn compare_leads_with_the_changed_setting_then_counts_as_integers() {
    let dir = scratch("compare");
    let docs = corpus(&dir);
    let file = dir.join("p.toml");
    let (out_a, out_b) = (dir.join("a"), dir.join("b"));
    std::fs::write(&file, pipeline(&docs, "min_df = 2")).unwrap();
    run(&file, &out_a);
    std::fs::write(&file, pipeline(&docs, "min_df = 5")).unwrap();
    run(&file, &out_b);

    // Each run records every setting, defaults included.
    let manifest = json(&out_a.join("run.json"));
    let settings = &manifest["pipeline"]["settings"];
    assert_eq!(settings["analyse.terms.min_df"], json!(2), "{settings}");
    assert_eq!(settings["analyse.terms.top"], json!(50), "{settings}");
    assert_eq!(settings["normalise.unicode"], json!("nfc"), "{settings}");
    assert_eq!(
        json(&out_b.join("run.json"))["pipeline"]["settings"]["analyse.terms.min_df"],
        json!(5)
    );

    let text = compare_text(&out_a, &out_b);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("A: ") && lines[1].starts_with("B: "),
        "{text}"
    );
    assert_eq!(lines[2], "", "{text}");
    assert!(
        lines[3].starts_with("configuration: 1 setting differs"),
        "{text}"
    );
    assert_eq!(lines[4], "  analyse.terms.min_df: 2 -> 5", "{text}");
    assert_eq!(
        row(&text, "vocabulary"),
        ["vocabulary", "11", "8", "-3"],
        "{text}"
    );
    assert_eq!(
        row(&text, "documents"),
        ["documents", "12", "12", "0"],
        "{text}"
    );
    assert_eq!(row(&text, "tokens"), ["tokens", "78", "78", "0"], "{text}");
    assert_eq!(
        row(&text, "skipped records"),
        ["skipped", "records", "0", "0", "0"],
        "{text}"
    );
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle}: {text}"))
    };
    assert!(at("  vocabulary") < at("  skipped records"), "{text}");
    assert!(at("  skipped records") < at("  top terms"), "{text}");
    assert!(at("  top terms") < at("\ntiming"), "{text}");
    assert!(
        text.lines()
            .filter(|l| !l.starts_with("A: ") && !l.starts_with("B: "))
            .all(|l| l.chars().count() <= 80),
        "{text}"
    );

    // --json: the same, as fields, in the same order.
    let res = wordmill(&[
        "compare",
        out_a.to_str().unwrap(),
        out_b.to_str().unwrap(),
        "--json",
    ]);
    assert_exit(&res, 0);
    let raw = String::from_utf8(res.stdout).unwrap();
    let positions: Vec<usize> = [
        "config",
        "corpus",
        "vocabulary",
        "skipped",
        "drift",
        "timing",
    ]
    .iter()
    .map(|k| {
        raw.find(&format!("\n  \"{k}\": "))
            .unwrap_or_else(|| panic!("no top-level `{k}` in {raw}"))
    })
    .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{raw}");
    let c: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        c["config"]["changes"],
        json!([{"key": "analyse.terms.min_df", "a": 2, "b": 5}])
    );
    assert_eq!(c["config"]["hash_differs"], json!(true));
    assert_eq!(c["vocabulary"], json!({"a": 11, "b": 8, "change": -3}));
    assert!(c["vocabulary"]["a"].is_u64() && c["vocabulary"]["b"].is_u64());
    assert_eq!(
        c["corpus"]["tokens"],
        json!({"a": 78, "b": 78, "change": 0})
    );
    assert_eq!(c["skipped"], json!({"a": 0, "b": 0, "change": 0}));
}

#[test]
fn a_comment_or_a_default_written_out_is_not_a_setting_change() {
    let dir = scratch("compare-same");
    let docs = corpus(&dir);
    let (a, c) = (dir.join("a.toml"), dir.join("c.toml"));
    std::fs::write(&a, pipeline(&docs, "min_df = 2")).unwrap();
    // `top = 50` and `max_df = 1.0` are the defaults A leaves out.
    std::fs::write(
        &c,
        format!(
            "# a comment\n{}",
            pipeline(&docs, "min_df = 2\ntop = 50\nmax_df = 1.0")
        ),
    )
    .unwrap();
    let (out_a, out_c) = (dir.join("out-a"), dir.join("out-c"));
    run(&a, &out_a);
    run(&c, &out_c);
    let text = compare_text(&out_a, &out_c);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[3].starts_with("configuration: same settings, config hash differs"),
        "{text}"
    );
    assert_eq!(lines[4], "", "{text}");
    assert_eq!(
        row(&text, "vocabulary"),
        ["vocabulary", "11", "11", "0"],
        "{text}"
    );
}

#[test]
fn runs_and_baselines_without_settings_still_compare() {
    let dir = scratch("compare-old");
    let docs = corpus(&dir);
    let file = dir.join("p.toml");
    std::fs::write(&file, pipeline(&docs, "min_df = 2")).unwrap();
    let (out_a, out_b) = (dir.join("a"), dir.join("b"));
    run(&file, &out_a);
    std::fs::write(&file, pipeline(&docs, "min_df = 5")).unwrap();

    // A baseline records the settings too.
    let res = wordmill(&[
        "bench",
        file.to_str().unwrap(),
        "--repeat",
        "1",
        "--out",
        out_b.to_str().unwrap(),
        "--json",
    ]);
    assert_exit(&res, 0);
    let baseline: Value = serde_json::from_slice(&res.stdout).unwrap();
    assert_eq!(
        baseline["pipeline"]["settings"]["analyse.terms.min_df"],
        json!(5)
    );
    let baseline_file = dir.join("baseline.json");
    std::fs::write(&baseline_file, &res.stdout).unwrap();
    let text = compare_text(&out_a, &baseline_file);
    assert!(
        text.lines().nth(4) == Some("  analyse.terms.min_df: 2 -> 5"),
        "{text}"
    );

    // A run.json from before settings were recorded.
    let old = dir.join("old");
    std::fs::create_dir_all(&old).unwrap();
    let mut manifest = json(&out_a.join("run.json"));
    manifest["pipeline"]
        .as_object_mut()
        .unwrap()
        .remove("settings")
        .expect("run.json records settings");
    std::fs::write(old.join("run.json"), manifest.to_string()).unwrap();
    let text = compare_text(&old, &out_b);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[3].starts_with("configuration: not recorded by A"),
        "{text}"
    );
    assert!(lines[4].contains("the pipeline files differ"), "{text}");
    let text = compare_text(&old, &out_a);
    assert!(
        text.lines().nth(4).unwrap().contains("same pipeline file"),
        "{text}"
    );
}

#[test]
fn a_report_with_a_renamed_field_is_refused_not_compared_as_unchanged() {
    let dir = scratch("compare-renamed");
    let docs = corpus(&dir);
    let file = dir.join("p.toml");
    let (out_a, out_b) = (dir.join("a"), dir.join("b"));
    std::fs::write(&file, pipeline(&docs, "min_df = 2")).unwrap();
    run(&file, &out_a);
    run(&file, &out_b);
    // Untouched, the two runs compare with the same ranks.
    assert!(compare_text(&out_a, &out_b).contains("  top terms: same ranks\n"));
    // A field of the terms section renamed (as a report of another version might have it).
    let report = out_b.join("report.json");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("\"vocabulary_size\""));
    std::fs::write(
        &report,
        text.replace("\"vocabulary_size\"", "\"vocab_size\""),
    )
    .unwrap();
    let res = wordmill(&["compare", out_a.to_str().unwrap(), out_b.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&res.stderr);
    assert_ne!(res.status.code(), Some(0), "{err}");
    assert!(
        err.contains("report.json") && err.contains("vocabulary_size"),
        "{err}"
    );
}

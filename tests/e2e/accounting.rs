//! A run accounts for everything it did not read or changed: files left out for their
//! extension, skipped records counted by kind, repeated document ids; a run that read nothing
//! fails; `--quiet` prints nothing but errors.

use std::path::{Path, PathBuf};

use crate::common::*;

/// Writes a pipeline reading `inputs` (relative to `dir`) into `dir/out`, with extra
/// `[ingest]` lines, and returns its path.
fn pipeline(dir: &Path, name: &str, inputs: &str, ingest: &str, analyse: &str) -> PathBuf {
    let path = dir.join(format!("{name}.toml"));
    let toml = format!(
        "version = 1\nname = \"{name}\"\n[ingest]\ninputs = [{inputs:?}]\n{ingest}\n{analyse}\n[report]\ndir = {:?}\n",
        dir.join("out").join(name).display().to_string(),
    );
    std::fs::write(&path, toml).unwrap();
    path
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The `doc_id` column of a documents.csv.
fn doc_ids(csv: &Path) -> Vec<String> {
    let mut rdr = ::csv::Reader::from_path(csv).unwrap();
    let col = rdr
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "doc_id")
        .unwrap();
    rdr.records().map(|r| r.unwrap()[col].to_string()).collect()
}

#[test]
fn a_folder_of_mixed_files_reads_only_the_format_and_summarises_the_skips() {
    let dir = scratch("mixed-folder");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    // 1,500 lines that are not JSON and two documents, in the format's own files.
    let mut bad = String::new();
    for i in 0..1500 {
        bad.push_str(&format!("not json {i}\n"));
    }
    std::fs::write(
        data.join("a.jsonl"),
        format!("{{\"id\":\"one\",\"text\":\"Good news.\"}}\n{bad}"),
    )
    .unwrap();
    std::fs::write(
        data.join("b.json"),
        "{\"id\":\"two\",\"text\":\"Bad news.\"}\n{\"id\":\"three\"}\n",
    )
    .unwrap();
    // Files of other kinds in the same folder: left out, not read as JSON Lines.
    std::fs::write(data.join("notes.txt"), "plain text\n".repeat(50)).unwrap();
    std::fs::write(data.join("app.js"), "var x = 1;\n".repeat(50)).unwrap();
    let p = pipeline(
        &dir,
        "mixed",
        data.to_str().unwrap(),
        "format = \"jsonl\"",
        "[analyse.sentiment]",
    );
    let res = wordmill(&["run", p.to_str().unwrap()]);
    assert_exit(&res, 0);
    let out = dir.join("out/mixed");
    let manifest = json(&out.join("run.json"));
    let inputs = &manifest["inputs"];
    assert_eq!(inputs["documents"], 2);
    assert_eq!(inputs["files_left_out"], 2);
    assert_eq!(
        inputs["left_out_examples"],
        serde_json::json!([
            format!("{}/app.js", data.display()),
            format!("{}/notes.txt", data.display())
        ])
    );
    assert_eq!(inputs["skipped"], 1501);
    assert_eq!(inputs["skipped_by_kind"]["invalid_json"]["count"], 1500);
    assert_eq!(
        inputs["skipped_by_kind"]["invalid_json"]["first"]["line"],
        2
    );
    assert_eq!(inputs["skipped_by_kind"]["missing_field"]["count"], 1);
    assert_eq!(
        inputs["skipped_by_kind"]["missing_field"]["first"]["line"],
        2
    );
    assert_eq!(inputs["skipped_records"].as_array().unwrap().len(), 1000);
    assert_eq!(inputs["skipped_records_omitted"], 501);
    // The complete list, one JSON object a line, in file and line order.
    let listed = std::fs::read_to_string(out.join("skipped.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = listed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1501);
    assert_eq!(lines[0]["line"], 2);
    assert_eq!(lines[0]["kind"], "invalid_json");
    assert_eq!(lines[1499]["line"], 1501);
    assert_eq!(lines[1500]["kind"], "missing_field");
    assert!(
        manifest["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["file"] == "skipped.jsonl")
    );
    // The console: counts per kind with an example, not 1,501 lines.
    let text = stdout(&res);
    assert!(text.contains("skipped 1,501 records"), "{text}");
    assert!(
        text.lines().any(|l| l.contains("1,500")
            && l.contains("not a JSON object")
            && l.contains("a.jsonl:2:")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("missing or mistyped field") && l.contains("b.json:2:")),
        "{text}"
    );
    assert!(text.contains("left out 2 files"), "{text}");
    assert!(text.lines().count() < 40, "{text}");
    // `extensions` reads the others too (here as JSON Lines: every line a skip).
    let p = pipeline(
        &dir,
        "every",
        data.to_str().unwrap(),
        "format = \"jsonl\"\nextensions = [\"*\"]",
        "[analyse.sentiment]",
    );
    assert_exit(&wordmill(&["run", p.to_str().unwrap(), "--quiet"]), 0);
    let inputs = &json(&dir.join("out/every/run.json"))["inputs"];
    assert_eq!(inputs["files_left_out"], 0);
    assert_eq!(inputs["skipped"], 1601);
}

#[test]
fn a_run_that_reads_nothing_fails_naming_the_main_reason() {
    let dir = scratch("empty-run");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("posts.jsonl"),
        "{\"body\":\"x\"}\n{\"body\":\"y\"}\nnot json\n",
    )
    .unwrap();
    let p = pipeline(
        &dir,
        "wrongfield",
        data.to_str().unwrap(),
        "format = \"jsonl\"",
        "[analyse.terms]",
    );
    let res = wordmill(&["run", p.to_str().unwrap()]);
    assert_exit(&res, 1);
    let err = stderr(&res);
    assert!(
        err.contains(
            "no document was read: 3 records were skipped, 2 of them for missing or mistyped field"
        ),
        "{err}"
    );
    assert!(err.contains("expected a string at `text`"), "{err}");
    assert!(err.contains("not a JSON object"), "{err}");
    assert!(err.contains("allow_empty"), "{err}");
    assert!(
        !dir.join("out/wrongfield").exists(),
        "a failed run writes no report"
    );

    // An input with no record at all.
    std::fs::write(dir.join("empty.jsonl"), "").unwrap();
    let p = pipeline(
        &dir,
        "none",
        dir.join("empty.jsonl").to_str().unwrap(),
        "format = \"jsonl\"",
        "[analyse.terms]",
    );
    let res = wordmill(&["run", p.to_str().unwrap()]);
    assert_exit(&res, 1);
    assert!(
        stderr(&res).contains("the inputs (1 file) hold no record"),
        "{}",
        stderr(&res)
    );

    // Expected to be empty: a report of nothing.
    let p = pipeline(
        &dir,
        "allowed",
        dir.join("empty.jsonl").to_str().unwrap(),
        "format = \"jsonl\"\nallow_empty = true",
        "[analyse.terms]",
    );
    assert_exit(&wordmill(&["run", p.to_str().unwrap(), "--quiet"]), 0);
    assert_eq!(
        json(&dir.join("out/allowed/report.json"))["corpus"]["documents"],
        0
    );
}

/// A corpus where `a` appears three times and `a#2` is also a real id.
const REPEATS: &str = concat!(
    "{\"id\":\"a\",\"text\":\"The strike spread. Workers walked out.\"}\n",
    "{\"id\":\"b\",\"text\":\"Good news for the workers.\"}\n",
    "{\"id\":\"a\",\"text\":\"Police detained protesters. It was terrible.\"}\n",
    "{\"id\":\"a#2\",\"text\":\"A calm day.\"}\n",
    "{\"id\":\"a\",\"text\":\"The strike ended.\"}\n",
);

#[test]
fn repeated_ids_warn_fail_or_get_suffixes() {
    let dir = scratch("repeats");
    std::fs::write(dir.join("docs.jsonl"), REPEATS).unwrap();
    let input = dir.join("docs.jsonl");
    let analyse = "[analyse.sentiment]\n[analyse.terms]\nper_document = true";

    let p = pipeline(
        &dir,
        "warn",
        input.to_str().unwrap(),
        "format = \"jsonl\"",
        analyse,
    );
    let res = wordmill(&["run", p.to_str().unwrap()]);
    assert_exit(&res, 0);
    assert!(
        stdout(&res).contains("2 document ids repeat an earlier document's (`a`, `a`)"),
        "{}",
        stdout(&res)
    );
    let d = &json(&dir.join("out/warn/run.json"))["inputs"]["duplicate_ids"];
    assert_eq!(d["policy"], "warn");
    assert_eq!(d["count"], 2);
    assert_eq!(
        (
            d["examples"][0]["first_ordinal"].as_u64(),
            d["examples"][0]["ordinal"].as_u64()
        ),
        (Some(0), Some(2))
    );
    assert_eq!(
        doc_ids(&dir.join("out/warn/documents.csv")),
        ["a", "b", "a", "a#2", "a"]
    );

    let p = pipeline(
        &dir,
        "fail",
        input.to_str().unwrap(),
        "format = \"jsonl\"\nduplicate_ids = \"fail\"",
        analyse,
    );
    let res = wordmill(&["run", p.to_str().unwrap()]);
    assert_exit(&res, 1);
    assert!(
        stderr(&res).contains("document id `a` repeats: documents 0 and 2"),
        "{}",
        stderr(&res)
    );
    assert!(!dir.join("out/fail").exists());

    let p = pipeline(
        &dir,
        "suffix",
        input.to_str().unwrap(),
        "format = \"jsonl\"\nduplicate_ids = \"suffix\"",
        analyse,
    );
    let res = wordmill(&["run", p.to_str().unwrap()]);
    assert_exit(&res, 0);
    let out = dir.join("out/suffix");
    // The second `a` takes `a#2`; the real `a#2` then repeats it and becomes `a#2#2`; the
    // third `a` skips the taken `a#2`.
    let want = ["a", "b", "a#2", "a#2#2", "a#3"];
    assert_eq!(doc_ids(&out.join("documents.csv")), want);
    let sentence_ids: std::collections::BTreeSet<String> =
        std::fs::read_to_string(out.join("sentences.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["doc_id"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
    assert_eq!(sentence_ids, want.iter().map(|s| s.to_string()).collect());
    let mut tfidf = ::csv::Reader::from_path(out.join("tfidf.csv")).unwrap();
    let tfidf_ids: std::collections::BTreeSet<String> =
        tfidf.records().map(|r| r.unwrap()[0].to_string()).collect();
    assert_eq!(tfidf_ids, want.iter().map(|s| s.to_string()).collect());
    let d = &json(&out.join("run.json"))["inputs"]["duplicate_ids"];
    assert_eq!(d["count"], 3);
    assert_eq!(d["examples"][2]["renamed"], "a#3");

    // "allow" does not check: no warning, ids as read.
    let allow = pipeline(
        &dir,
        "allow",
        input.to_str().unwrap(),
        "format = \"jsonl\"\nduplicate_ids = \"allow\"",
        analyse,
    );
    let res = wordmill(&["run", allow.to_str().unwrap()]);
    assert_exit(&res, 0);
    assert!(!stdout(&res).contains("document id"), "{}", stdout(&res));
    assert_eq!(
        doc_ids(&dir.join("out/allow/documents.csv")),
        ["a", "b", "a", "a#2", "a"]
    );
    assert_eq!(
        json(&dir.join("out/allow/run.json"))["inputs"]["duplicate_ids"]["count"],
        0
    );

    // Two shards merged give the same bytes as one run: ids are checked in corpus order.
    let lines: Vec<&str> = REPEATS.lines().collect();
    std::fs::write(
        dir.join("s1.jsonl"),
        format!("{}\n{}\n", lines[0], lines[1]),
    )
    .unwrap();
    std::fs::write(
        dir.join("s2.jsonl"),
        format!("{}\n{}\n{}\n", lines[2], lines[3], lines[4]),
    )
    .unwrap();
    for (shard, offset) in [("s1", "0"), ("s2", "2")] {
        let res = wordmill(&[
            "run",
            p.to_str().unwrap(),
            "--input",
            dir.join(format!("{shard}.jsonl")).to_str().unwrap(),
            "--ordinal-offset",
            offset,
            "--state-out",
            dir.join(format!("{shard}.state")).to_str().unwrap(),
            "--out",
            dir.join(format!("out-{shard}")).to_str().unwrap(),
            "--quiet",
        ]);
        assert_exit(&res, 0);
    }
    let merged = dir.join("merged");
    let res = wordmill(&[
        "merge",
        p.to_str().unwrap(),
        dir.join("s1.state").to_str().unwrap(),
        dir.join("s2.state").to_str().unwrap(),
        "--out",
        merged.to_str().unwrap(),
        "--quiet",
    ]);
    assert_exit(&res, 0);
    for f in [
        "documents.csv",
        "sentences.jsonl",
        "tfidf.csv",
        "report.json",
        "report.md",
    ] {
        assert_eq!(
            std::fs::read(out.join(f)).unwrap(),
            std::fs::read(merged.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn natural_order_puts_chapter_2_before_chapter_10() {
    let dir = scratch("natural");
    let book = dir.join("book");
    std::fs::create_dir_all(&book).unwrap();
    for n in [1, 2, 10, 11, 3] {
        std::fs::write(
            book.join(format!("chapter_{n}.txt")),
            format!("Chapter {n}."),
        )
        .unwrap();
    }
    let p = pipeline(
        &dir,
        "byname",
        book.to_str().unwrap(),
        "",
        "[analyse.terms]",
    );
    assert_exit(&wordmill(&["run", p.to_str().unwrap(), "--quiet"]), 0);
    assert_eq!(
        doc_ids(&dir.join("out/byname/documents.csv")),
        [
            "chapter_1",
            "chapter_10",
            "chapter_11",
            "chapter_2",
            "chapter_3"
        ]
    );
    let p = pipeline(
        &dir,
        "natural",
        book.to_str().unwrap(),
        "order = \"natural\"",
        "[analyse.terms]",
    );
    assert_exit(&wordmill(&["run", p.to_str().unwrap(), "--quiet"]), 0);
    assert_eq!(
        doc_ids(&dir.join("out/natural/documents.csv")),
        [
            "chapter_1",
            "chapter_2",
            "chapter_3",
            "chapter_10",
            "chapter_11"
        ]
    );
}

#[test]
fn quiet_prints_nothing_for_a_batch_or_a_test_run() {
    let dir = scratch("quiet");
    let a = pipeline(&dir, "qa", "corpus/news", "", "[analyse.terms]");
    let b = pipeline(&dir, "qb", "corpus/news", "", "[analyse.sentiment]");
    let res = wordmill(&["run", a.to_str().unwrap(), b.to_str().unwrap(), "--quiet"]);
    assert_exit(&res, 0);
    assert_eq!((stdout(&res), stderr(&res)), (String::new(), String::new()));
    // Without --quiet the batch ends with its table.
    let res = wordmill(&["run", a.to_str().unwrap(), b.to_str().unwrap()]);
    assert!(
        stdout(&res).contains("2 pipelines: 2 ok, 0 failed"),
        "{}",
        stdout(&res)
    );
    let res = wordmill(&["test", "pipelines/default.toml", "--quiet"]);
    assert_exit(&res, 0);
    assert_eq!((stdout(&res), stderr(&res)), (String::new(), String::new()));
    // An error still shows.
    let res = wordmill(&["run", a.to_str().unwrap(), "missing.toml", "--quiet"]);
    assert_exit(&res, 2);
    assert!(stdout(&res).is_empty());
    assert!(stderr(&res).contains("missing.toml"), "{}", stderr(&res));
}

#[test]
fn suggestions_come_only_for_close_misspellings() {
    let dir = scratch("suggest");
    let write = |name: &str, formats: &str| {
        let p = dir.join(name);
        std::fs::write(&p, format!("version = 1\n[ingest]\ninputs = \"corpus/news\"\n[analyse.terms]\n[report]\nformats = {formats}\n")).unwrap();
        p
    };
    let res = wordmill(&["validate", write("pdf.toml", "[\"pdf\"]").to_str().unwrap()]);
    assert_exit(&res, 2);
    let err = stderr(&res);
    assert!(err.contains("unknown format \"pdf\""), "{err}");
    assert!(!err.contains("did you mean"), "{err}");
    let res = wordmill(&["validate", write("jsn.toml", "[\"jsn\"]").to_str().unwrap()]);
    assert!(
        stderr(&res).contains("did you mean \"json\""),
        "{}",
        stderr(&res)
    );
}

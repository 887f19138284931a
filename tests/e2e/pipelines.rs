//! Every shipped pipeline runs and writes the report files of the contract.

use crate::common::*;

#[test]
fn every_shipped_pipeline_runs_and_writes_a_consistent_report() {
    let pipelines = shipped_pipelines();
    assert!(
        pipelines.len() >= 3,
        "expected the example pipelines, found {pipelines:?}"
    );
    for p in pipelines {
        let out = scratch("pipeline");
        let rel = p
            .strip_prefix(root())
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let res = wordmill(&["run", &rel, "--out", out.to_str().unwrap()]);
        assert_exit(&res, 0);
        let stdout = String::from_utf8(res.stdout).unwrap();
        assert!(
            stdout
                .lines()
                .filter(|l| !l.starts_with("  report: "))
                .all(|l| l.chars().count() <= 80),
            "{rel}: summary wider than 80 columns:\n{stdout}"
        );
        assert!(
            stdout
                .lines()
                .any(|l| l == format!("  report: {}", shown(&out))),
            "{rel}: summary does not name the report directory:\n{stdout}"
        );

        let report = json(&out.join("report.json"));
        let manifest = json(&out.join("run.json"));
        assert_eq!(report["schema_version"], 1, "{rel}");
        assert_eq!(
            report["pipeline"]["config_hash"], manifest["pipeline"]["config_hash"],
            "{rel}"
        );
        let inputs = &manifest["inputs"];
        let seen = inputs["records_seen"].as_u64().unwrap();
        let docs = inputs["documents"].as_u64().unwrap();
        let skipped = inputs["skipped"].as_u64().unwrap();
        assert_eq!(
            seen,
            docs + skipped,
            "{rel}: records seen != documents + skipped"
        );
        assert_eq!(
            inputs["skipped_records"].as_array().unwrap().len() as u64,
            skipped,
            "{rel}"
        );
        assert!(docs > 0, "{rel}: no documents");
        assert_eq!(
            report["corpus"]["documents"].as_u64().unwrap(),
            docs,
            "{rel}"
        );
        assert!(manifest["peak_rss_bytes"].as_u64().unwrap() > 0, "{rel}");

        // Every output the manifest lists exists with the size it says.
        for o in manifest["outputs"].as_array().unwrap() {
            let f = out.join(o["file"].as_str().unwrap());
            assert_eq!(
                std::fs::metadata(&f).unwrap().len(),
                o["bytes"].as_u64().unwrap(),
                "{}",
                f.display()
            );
        }
        // documents.csv: header plus one row per document.
        let docs_csv = std::fs::read_to_string(out.join("documents.csv")).unwrap();
        assert!(docs_csv.starts_with("doc_id,"), "{rel}");
        assert_eq!(csv_records(&docs_csv) as u64, docs + 1, "{rel}");
        // terms.csv: sorted by count desc, then term asc.
        if report.get("terms").is_some() {
            let terms = std::fs::read_to_string(out.join("terms.csv")).unwrap();
            let mut rdr = csv_reader(&terms);
            let header = rdr.headers().unwrap().clone();
            assert_eq!(&header[0], "term");
            assert_eq!(&header[1], "count");
            assert_eq!(&header[2], "doc_freq");
            let rows: Vec<(String, u64)> = rdr
                .records()
                .map(|r| r.unwrap())
                .map(|r| (r[0].to_string(), r[1].parse().unwrap()))
                .collect();
            assert_eq!(
                rows.len() as u64,
                report["terms"]["vocabulary_size"].as_u64().unwrap(),
                "{rel}"
            );
            for w in rows.windows(2) {
                assert!(
                    w[0].1 > w[1].1 || (w[0].1 == w[1].1 && w[0].0 < w[1].0),
                    "{rel}: terms.csv out of order at {w:?}"
                );
            }
            // report.json's top terms are the head of terms.csv.
            for (i, t) in report["terms"]["top"]
                .as_array()
                .unwrap()
                .iter()
                .enumerate()
            {
                assert_eq!(t["term"].as_str().unwrap(), rows[i].0, "{rel}");
                assert_eq!(t["count"].as_u64().unwrap(), rows[i].1, "{rel}");
            }
        }
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        assert!(md.starts_with("# "), "{rel}");
    }
}

#[test]
fn sotu_metadata_comes_from_the_file_names() {
    let out = scratch("sotu-meta");
    let res = wordmill(&[
        "run",
        "pipelines/sotu-terms.toml",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_exit(&res, 0);
    assert!(
        res.stdout.is_empty(),
        "--quiet printed: {}",
        String::from_utf8_lossy(&res.stdout)
    );
    let text = std::fs::read_to_string(out.join("documents.csv")).unwrap();
    let mut rdr = csv_reader(&text);
    let header = rdr.headers().unwrap().clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}: {header:?}"))
    };
    let (id, year, president, party) = (col("doc_id"), col("year"), col("president"), col("party"));
    let mut n = 0;
    for r in rdr.records() {
        let r = r.unwrap();
        assert_eq!(
            r[id],
            format!("{}_{}_{}", &r[year], &r[president], &r[party])
        );
        assert!(["d", "r"].contains(&&r[party]), "{:?}", r);
        n += 1;
    }
    assert_eq!(
        n,
        std::fs::read_dir(root().join("corpus/sotu"))
            .unwrap()
            .count()
    );
    // tfidf.csv is written with per_document = true; each document's l2-normalised row has norm 1.
    let tfidf = std::fs::read_to_string(out.join("tfidf.csv")).unwrap();
    let mut norms: std::collections::BTreeMap<String, f64> = Default::default();
    let mut rdr = csv_reader(&tfidf);
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>(),
        ["doc_id", "term", "tf", "weight"]
    );
    for r in rdr.records() {
        let r = r.unwrap();
        let w: f64 = r[3].parse().unwrap();
        *norms.entry(r[0].to_string()).or_default() += w * w;
    }
    assert_eq!(norms.len(), n);
    for (doc, s) in norms {
        assert!((s - 1.0).abs() < 1e-9, "{doc}: squared norm {s}");
    }
}

#[test]
fn a_bad_record_is_skipped_listed_and_counted() {
    let dir = scratch("skip");
    std::fs::write(
        dir.join("docs.jsonl"),
        "{\"id\": \"a\", \"text\": \"Good news today.\"}\n{\"id\": \"b\", \"text\": \n{\"id\": \"c\", \"body\": \"no text\"}\n{\"id\": \"d\", \"text\": \"More news.\"}\n",
    )
    .unwrap();
    let pipeline = dir.join("p.toml");
    std::fs::write(
        &pipeline,
        format!(
            "version = 1\n[ingest]\ninputs = [{:?}]\nformat = \"jsonl\"\non_error = \"skip\"\n[analyse.terms]\n[report]\ndir = {:?}\n",
            dir.join("docs.jsonl").to_str().unwrap(),
            dir.join("out").to_str().unwrap()
        ),
    )
    .unwrap();
    let res = wordmill(&["run", pipeline.to_str().unwrap()]);
    assert_exit(&res, 0);
    let m = json(&dir.join("out/run.json"));
    assert_eq!(m["inputs"]["documents"], 2);
    assert_eq!(m["inputs"]["skipped"], 2);
    let skips = m["inputs"]["skipped_records"].as_array().unwrap();
    assert_eq!(skips[0]["line"], 2);
    assert_eq!(skips[1]["line"], 3);
    assert!(
        skips[1]["reason"].as_str().unwrap().contains("text"),
        "{}",
        skips[1]
    );

    // With on_error = "fail" the same input fails the run, naming the file and line, and
    // leaves no report behind.
    let failing = dir.join("f.toml");
    std::fs::write(
        &failing,
        std::fs::read_to_string(&pipeline)
            .unwrap()
            .replace("\"skip\"", "\"fail\"")
            .replace("/out", "/out-fail"),
    )
    .unwrap();
    let res = wordmill(&["run", failing.to_str().unwrap()]);
    assert_exit(&res, 1);
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.contains("docs.jsonl:2"), "{err}");
    assert!(!dir.join("out-fail/report.json").exists());
}

#[test]
fn a_run_refuses_to_write_into_its_inputs() {
    let dir = scratch("overlap");
    std::fs::write(dir.join("a.txt"), "Some text.").unwrap();
    let pipeline = dir.join("p.toml");
    let d = dir.to_str().unwrap();
    std::fs::write(
        &pipeline,
        format!(
            "version = 1\n[ingest]\ninputs = [{d:?}]\n[analyse.terms]\n[report]\ndir = {d:?}\n"
        ),
    )
    .unwrap();
    let res = wordmill(&["run", pipeline.to_str().unwrap()]);
    assert_exit(&res, 1);
    assert!(String::from_utf8_lossy(&res.stderr).contains("never writes into its own inputs"));
}

pub fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::Reader::from_reader(text.as_bytes())
}

fn csv_records(text: &str) -> usize {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .count()
}

/// The report directory as the summary shows it: relative to the working
/// directory of the run (the repository root) when it lies below it.
fn shown(dir: &std::path::Path) -> String {
    dir.strip_prefix(root())
        .unwrap_or(dir)
        .display()
        .to_string()
}

/// A run that stops part way (a bad record under `on_error = "fail"`, after many good ones
/// whose sentences were already being written) leaves the previous report as it was and no
/// staging directory behind.
#[test]
fn a_run_that_fails_part_way_leaves_the_previous_report() {
    let dir = scratch("fail-part-way");
    let good =
        "{\"id\": \"d\", \"text\": \"Good news today. The strike goes on. Workers wait.\"}\n";
    let mut body = good.repeat(5_000);
    body.push_str("{\"id\": broken\n");
    body.push_str(&good.repeat(100));
    std::fs::write(dir.join("docs.jsonl"), body).unwrap();
    let out = dir.join("out");
    let pipeline = |on_error: &str| {
        let p = dir.join(format!("{on_error}.toml"));
        std::fs::write(
            &p,
            format!(
                "version = 1\n[ingest]\ninputs = [{:?}]\nformat = \"jsonl\"\non_error = \"{on_error}\"\n[analyse.terms]\n[analyse.sentiment]\n[report]\ndir = {:?}\nformats = [\"json\", \"csv\", \"html\"]\n",
                dir.join("docs.jsonl").to_str().unwrap(),
                out.to_str().unwrap()
            ),
        )
        .unwrap();
        p
    };
    let skip = pipeline("skip");
    assert_exit(&wordmill(&["run", skip.to_str().unwrap(), "--quiet"]), 0);
    let before: Vec<(String, Vec<u8>)> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    assert!(before.iter().any(|(n, _)| n == "sentences.jsonl"));

    let fail = pipeline("fail");
    for threads in ["1", "2"] {
        let res = wordmill(&["run", fail.to_str().unwrap(), "--threads", threads]);
        assert_exit(&res, 1);
        let err = String::from_utf8_lossy(&res.stderr);
        assert!(err.contains("docs.jsonl:5001"), "{err}");
        for (name, bytes) in &before {
            assert_eq!(
                &std::fs::read(out.join(name)).unwrap(),
                bytes,
                "{name} changed"
            );
        }
        let leftovers: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("wordmill-stage"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }
}

/// `fold = "ascii"` with the shipped Belarus aliases: one name in several scripts and
/// spellings is one term, in the terms table and in the reports.
#[test]
fn folded_and_aliased_names_count_as_one_term() {
    let dir = scratch("fold");
    let docs = [
        (
            "a",
            "Лукашенко spoke in Минск. Lukashenka, Łukašenka and Лукашэнка: one man, Alexander Lukashenko.",
        ),
        (
            "b",
            "Святлана Ціханоўская left Мінск; Svetlana Tikhanovskaya is Tsikhanouskaya. Гродно and Hrodna, Гомель and Homel.",
        ),
    ];
    let jsonl: String = docs
        .iter()
        .map(|(id, text)| format!("{}\n", serde_json::json!({ "id": id, "text": text })))
        .collect();
    std::fs::write(dir.join("docs.jsonl"), jsonl).unwrap();
    let pipeline = dir.join("p.toml");
    let write = |fold: &str, out: &str| {
        std::fs::write(
            &pipeline,
            format!(
                "version = 1\n[ingest]\ninputs = [{:?}]\nformat = \"jsonl\"\n\
                 [normalise]\nstopwords = \"en\"\nfold = \"{fold}\"\n\
                 aliases = \"pipelines/aliases/belarus.tsv\"\n\
                 [analyse.terms]\n[report]\ndir = {:?}\nformats = [\"json\", \"csv\"]\n",
                dir.join("docs.jsonl").to_str().unwrap(),
                dir.join(out).to_str().unwrap()
            ),
        )
        .unwrap();
    };
    write("ascii", "out");
    let res = wordmill(&["run", pipeline.to_str().unwrap()]);
    assert_exit(&res, 0);
    let terms = std::fs::read_to_string(dir.join("out/terms.csv")).unwrap();
    let row = |terms: &str, term: &str| -> Option<String> {
        terms
            .lines()
            .find(|l| l.split(',').next() == Some(term))
            .map(|l| l.split(',').take(3).collect::<Vec<_>>().join(","))
    };
    for (term, count_and_df) in [
        ("lukashenko", "5,1"),
        ("tsikhanouskaya", "3,1"),
        ("minsk", "2,2"),
        ("grodno", "2,1"),
        ("gomel", "2,1"),
    ] {
        assert_eq!(
            row(&terms, term),
            Some(format!("{term},{count_and_df}")),
            "{terms}"
        );
    }
    // Every term is ASCII: no spelling was left in its own script.
    assert!(terms.lines().skip(1).all(|l| l.is_ascii()), "{terms}");
    for gone in [
        "lukashenka",
        "lukasenka",
        "alexander",
        "svetlana",
        "hrodna",
        "homel",
    ] {
        assert_eq!(row(&terms, gone), None, "{gone}: {terms}");
    }

    // Not folded, the file's lines still match the spellings they list, in their own script
    // (`Лукашенко`, `Łukašenka`), so the listed names count the same.
    write("none", "out-plain");
    let res = wordmill(&["run", pipeline.to_str().unwrap()]);
    assert_exit(&res, 0);
    let terms = std::fs::read_to_string(dir.join("out-plain/terms.csv")).unwrap();
    assert_eq!(
        row(&terms, "lukashenko").as_deref(),
        Some("lukashenko,5,1"),
        "{terms}"
    );
    assert_eq!(row(&terms, "минск"), None, "{terms}");

    let bad = dir.join("bad.tsv");
    std::fs::write(&bad, "# two spellings\nminsk\tminsk\nMiensk minsk\n").unwrap();
    let text = std::fs::read_to_string(&pipeline)
        .unwrap()
        .replace("pipelines/aliases/belarus.tsv", bad.to_str().unwrap());
    std::fs::write(&pipeline, text).unwrap();
    let res = wordmill(&["validate", pipeline.to_str().unwrap()]);
    assert_exit(&res, 2);
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains(&format!(
            "{}:3: expected `variant<TAB>canonical`, found no tab",
            bad.display()
        )),
        "{err}"
    );
}

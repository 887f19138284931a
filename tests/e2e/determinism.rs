//! 1, 2 and 8 threads write byte-identical reports (the manifest's timings aside).

use crate::common::*;

#[test]
fn thread_count_does_not_change_a_single_byte() {
    for pipeline in [
        "pipelines/sotu-terms.toml",
        "pipelines/default.toml",
        "pipelines/sotu-keyness.toml",
        "pipelines/belarus-portrayal.toml",
        "pipelines/sotu-targets.toml",
    ] {
        let mut runs = Vec::new();
        for threads in ["1", "2", "8"] {
            let out = scratch("threads");
            let res = wordmill(&[
                "run",
                pipeline,
                "--out",
                out.to_str().unwrap(),
                "--threads",
                threads,
                "--quiet",
            ]);
            assert_exit(&res, 0);
            runs.push(out);
        }
        let files: Vec<String> = {
            let mut v: Vec<String> = std::fs::read_dir(&runs[0])
                .unwrap()
                .map(|e| e.unwrap().file_name().into_string().unwrap())
                .filter(|n| n != "run.json")
                .collect();
            v.sort();
            v
        };
        assert!(files.contains(&"report.json".to_string()), "{files:?}");
        for other in &runs[1..] {
            for f in &files {
                let a = std::fs::read(runs[0].join(f)).unwrap();
                let b = std::fs::read(other.join(f)).unwrap();
                assert!(
                    a == b,
                    "{pipeline}: {f} differs between 1 thread and {}",
                    other.display()
                );
            }
        }
        let m = json(&runs[2].join("run.json"));
        assert_eq!(m["threads"], 8);
    }
}

#[test]
fn skipped_records_do_not_change_the_report_across_thread_counts() {
    let dir = scratch("skip-threads");
    let mut lines = String::new();
    for i in 0..3000 {
        if i % 97 == 5 {
            lines.push_str("{\"id\": \"broken\", \"text\": \n");
        } else if i % 89 == 3 {
            lines.push_str(&format!("{{\"id\": \"n{i}\", \"text\": 42}}\n"));
        } else {
            lines.push_str(&format!(
                "{{\"id\": \"d{i}\", \"text\": \"Workers in plant {} walked out. Police were {} but the crowd was {}.\", \"g\": \"{}\"}}\n",
                i % 13,
                ["calm", "brutal", "kind"][i % 3],
                ["angry", "happy", "silent"][i % 7 % 3],
                i % 4
            ));
        }
    }
    std::fs::write(dir.join("docs.jsonl"), lines).unwrap();
    let p = dir.join("p.toml");
    std::fs::write(
        &p,
        format!(
            "version = 1\n[ingest]\ninputs = [{:?}]\nformat = \"jsonl\"\nmeta_fields = [\"g\"]\n[analyse.terms]\nper_document = true\n[analyse.sentiment]\ngroup_by = [\"g\"]\n",
            dir.join("docs.jsonl").to_str().unwrap()
        ),
    )
    .unwrap();
    let mut outs = Vec::new();
    for threads in ["1", "3"] {
        let out = dir.join(format!("out{threads}"));
        assert_exit(
            &wordmill(&[
                "run",
                p.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--threads",
                threads,
                "--quiet",
            ]),
            0,
        );
        outs.push(out);
    }
    let m = json(&outs[0].join("run.json"));
    assert!(m["inputs"]["skipped"].as_u64().unwrap() > 40);
    assert_eq!(m["inputs"]["records_seen"], 3000);
    for f in [
        "report.json",
        "terms.csv",
        "tfidf.csv",
        "documents.csv",
        "sentences.jsonl",
        "groups.csv",
        "report.md",
        "report.html",
    ] {
        assert!(
            std::fs::read(outs[0].join(f)).unwrap() == std::fs::read(outs[1].join(f)).unwrap(),
            "{f} differs"
        );
    }
}

//! Faults: a run killed at any moment leaves the previous report intact or the new one complete.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

const FILES: [&str; 7] = [
    "report.json",
    "terms.csv",
    "documents.csv",
    "sentences.jsonl",
    "groups.csv",
    "report.md",
    "run.json",
];

fn snapshot(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .filter(|(n, _)| n != "run.json")
        .collect();
    v.sort();
    v
}

#[test]
fn sigkill_at_any_moment_never_leaves_a_torn_report() {
    let dir = scratch("kill");
    let out = dir.join("report");
    let p = dir.join("p.toml");
    std::fs::write(
        &p,
        "version = 1\nname = \"kill\"\n[ingest]\ninputs = [\"corpus/sotu\"]\nmeta_from_path = '(?P<year>\\d{4})_'\n[analyse.terms]\nper_document = true\n[analyse.sentiment]\ngroup_by = [\"year\"]\n",
    )
    .unwrap();
    let args = [
        "run",
        p.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--threads",
        "2",
    ];
    // A complete report to compare against, and how long a run takes.
    let t0 = Instant::now();
    assert_exit(&wordmill(&args), 0);
    let full = t0.elapsed();
    let reference = snapshot(&out);
    for f in FILES.iter().filter(|f| **f != "run.json") {
        assert!(
            reference.iter().any(|(n, _)| n == f),
            "{f} missing from a complete report"
        );
    }
    // Kill runs at moments spread over the whole run, from start-up to the final rename.
    let kills = 12u32;
    for k in 0..kills {
        let delay = full.mul_f64(f64::from(k) / f64::from(kills - 1) * 1.1);
        let mut child = Command::new(env!("CARGO_BIN_EXE_wordmill"))
            .args(args)
            .current_dir(root())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Whatever the moment, the directory holds a complete report equal to the reference.
        assert!(
            out.join("run.json").is_file(),
            "kill after {delay:?}: run.json missing"
        );
        assert!(
            snapshot(&out) == reference,
            "kill after {delay:?}: the report directory is not the complete report"
        );
    }
    // Leftover staging directories of killed runs are cleaned up by the next run.
    assert_exit(&wordmill(&args), 0);
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("wordmill-stage"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert!(full < Duration::from_secs(600));
}

#[test]
fn a_run_never_replaces_a_directory_it_did_not_write() {
    let dir = scratch("foreign");
    std::fs::write(dir.join("thesis.tex"), "precious").unwrap();
    let res = wordmill(&[
        "run",
        "pipelines/default.toml",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_exit(&res, 1);
    assert!(String::from_utf8_lossy(&res.stderr).contains("not a wordmill report directory"));
    assert_eq!(
        std::fs::read_to_string(dir.join("thesis.tex")).unwrap(),
        "precious"
    );
}

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

/// `wordmill ARGS` started with a pipe on its standard input, kept open by the caller.
fn spawn_reading_stdin(args: &[&str]) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_wordmill"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The names in `dir` that belong to runs at work or killed: staging directories and locks.
fn run_leftovers(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("wordmill-stage") || n.ends_with(".lock"))
        .collect()
}

/// Waits until a run has staged its report in `dir` (it has taken the lock and is reading).
fn wait_for_stage(dir: &std::path::Path) {
    for _ in 0..6000 {
        if run_leftovers(dir)
            .iter()
            .any(|n| n.contains("wordmill-stage"))
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!(
        "no run staged a report in {} within a minute",
        dir.display()
    );
}

/// A pipeline of plain text in `dir`, for runs given `--input -`.
fn text_pipeline(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("p.toml");
    std::fs::write(
        &p,
        "version = 1\nname = \"lock\"\n[ingest]\ninputs = [\"corpus/sotu\"]\n[analyse.terms]\n[analyse.sentiment]\n",
    )
    .unwrap();
    p
}

#[test]
fn a_second_run_into_the_same_directory_fails_fast_or_waits_with_wait() {
    let dir = scratch("lock");
    let p = text_pipeline(&dir);
    let out = dir.join("report");
    let args = |out: &std::path::Path| {
        vec![
            "run".to_string(),
            p.to_str().unwrap().to_string(),
            "--out".to_string(),
            out.to_str().unwrap().to_string(),
            "--input".to_string(),
            "-".to_string(),
            "--quiet".to_string(),
        ]
    };
    let run = |out: &std::path::Path, extra: &[&str], text: &str| {
        let mut a = args(out);
        a.extend(extra.iter().map(|s| s.to_string()));
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        wordmill_stdin(&a, text.as_bytes())
    };
    // The reports each text gives on its own.
    for (name, text) in [
        ("old", "An old text."),
        ("c", "The waiting run's text, glad."),
    ] {
        assert_exit(&run(&dir.join(format!("ref-{name}")), &[], text), 0);
    }
    assert_exit(&run(&out, &[], "An old text."), 0);
    let old = snapshot(&out);
    assert_eq!(old, snapshot(&dir.join("ref-old")));

    // Run A holds the directory while it reads its standard input.
    let a_args = args(&out);
    let a_args: Vec<&str> = a_args.iter().map(String::as_str).collect();
    let mut a = spawn_reading_stdin(&a_args);
    wait_for_stage(&dir);

    // Run B, without --wait, fails at once, naming the directory and what to do, and leaves
    // A's work and the previous report alone.
    let b = run(&out, &[], "Run B's text.");
    assert_exit(&b, 1);
    let err = String::from_utf8_lossy(&b.stderr);
    assert!(err.contains(out.to_str().unwrap()), "{err}");
    assert!(
        err.contains("is being written by another run (wordmill process"),
        "{err}"
    );
    assert!(err.contains(&format!("process {}", a.id())), "{err}");
    assert!(err.contains("--wait"), "{err}");
    assert_eq!(snapshot(&out), old);

    // Run C, with --wait, waits for A and then writes its own complete report.
    let c_args = {
        let mut v = args(&out);
        v.push("--wait".into());
        v
    };
    let c_args: Vec<&str> = c_args.iter().map(String::as_str).collect();
    let mut c = spawn_reading_stdin(&c_args);
    {
        use std::io::Write;
        let mut stdin = c.stdin.take().unwrap();
        stdin.write_all(b"The waiting run's text, glad.").unwrap();
    }
    assert!(
        c.try_wait().unwrap().is_none(),
        "run C cannot finish while run A holds the directory"
    );
    {
        use std::io::Write;
        let mut stdin = a.stdin.take().unwrap();
        stdin.write_all(b"Run A's text, sad.").unwrap();
    }
    let a = a.wait_with_output().unwrap();
    assert_exit(&a, 0);
    let c = c.wait_with_output().unwrap();
    assert_exit(&c, 0);
    assert!(
        snapshot(&out) == snapshot(&dir.join("ref-c")),
        "the last run's complete report, not a mixture"
    );
    assert!(run_leftovers(&dir).is_empty(), "{:?}", run_leftovers(&dir));
}

#[test]
fn concurrent_runs_into_a_new_directory_never_tear_it() {
    let dir = scratch("race");
    let p = text_pipeline(&dir);
    let reference = dir.join("reference");
    let p = p.to_str().unwrap();
    assert_exit(
        &wordmill(&["run", p, "--out", reference.to_str().unwrap(), "--quiet"]),
        0,
    );
    let reference = snapshot(&reference);
    for (round, wait) in [(0, true), (1, true), (2, false), (3, false)] {
        let out = dir.join(format!("new-{round}"));
        let mut args = vec!["run", p, "--out", out.to_str().unwrap(), "--quiet"];
        if wait {
            args.push("--wait");
        }
        let runs: Vec<_> = (0..4)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_wordmill"))
                    .args(&args)
                    .current_dir(root())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut ok = 0;
        for r in runs {
            let r = r.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&r.stderr);
            match r.status.code() {
                Some(0) => ok += 1,
                // Only a run that found the directory taken may fail, and only without --wait.
                Some(1) if !wait => {
                    assert!(err.contains("is being written by another run"), "{err}")
                }
                _ => panic!("{:?}: {err}", r.status),
            }
        }
        assert!(ok >= 1);
        if wait {
            assert_eq!(ok, 4, "with --wait every run succeeds");
        }
        assert!(snapshot(&out) == reference, "round {round}: a torn report");
        assert!(run_leftovers(&dir).is_empty(), "{:?}", run_leftovers(&dir));
    }
}

#[test]
fn a_staging_directory_left_by_a_killed_run_is_removed_even_if_its_pid_is_alive() {
    let dir = scratch("stale");
    let p = text_pipeline(&dir);
    let out = dir.join("report");
    let args = [
        "run",
        p.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    assert_exit(&wordmill(&args), 0);
    // As a killed run in another PID namespace leaves them: PID 1 and this process's PID are
    // alive here, but no run holds the directory's lock.
    for pid in [1, std::process::id()] {
        let stale = dir.join(format!(".report.wordmill-stage-{pid}-12345"));
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join("sentences.jsonl"), "{}\n").unwrap();
    }
    assert_exit(&wordmill(&args), 0);
    assert!(run_leftovers(&dir).is_empty(), "{:?}", run_leftovers(&dir));
}

#[test]
fn sigint_and_sigterm_leave_no_staging_directory_and_the_previous_report() {
    let dir = scratch("signal");
    let p = text_pipeline(&dir);
    let out = dir.join("report");
    let args = [
        "run",
        p.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--input",
        "-",
    ];
    assert_exit(&wordmill_stdin(&args, b"The previous report."), 0);
    let previous = snapshot(&out);
    for (signal, code) in [("INT", 130), ("TERM", 143)] {
        // The run reads its standard input, which stays open: it is at work when signalled.
        // Started with the signals' default handling, whatever this test inherited (a test run
        // in the background of a script ignores SIGINT, and so would the run).
        let child = Command::new("env")
            .arg("--default-signal=INT,TERM")
            .arg(env!("CARGO_BIN_EXE_wordmill"))
            .args(args)
            .current_dir(root())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        wait_for_stage(&dir);
        let kill = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .unwrap();
        assert!(kill.success());
        let res = child.wait_with_output().unwrap();
        assert_exit(&res, code);
        assert!(
            run_leftovers(&dir).is_empty(),
            "SIG{signal}: {:?}",
            run_leftovers(&dir)
        );
        assert!(
            snapshot(&out) == previous,
            "SIG{signal}: the previous report changed"
        );
    }
}

#[test]
fn a_report_directory_where_the_inputs_are_read_is_refused_on_the_first_run() {
    let dir = scratch("inside");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("a.jsonl"), "{\"text\": \"A good day.\"}\n").unwrap();
    let pipeline = |name: &str, input: &str| {
        let p = dir.join(format!("{name}.toml"));
        std::fs::write(
            &p,
            format!(
                "version = 1\nname = \"{name}\"\n[ingest]\ninputs = [\"{input}\"]\nformat = \"jsonl\"\n[analyse.terms]\n"
            ),
        )
        .unwrap();
        p
    };
    let data_s = data.to_str().unwrap();
    let out = data.join("report");
    for (name, input, why) in [
        (
            "directory",
            data_s.to_string(),
            "is inside the input directory",
        ),
        (
            "deep-glob",
            format!("{data_s}/**/*.jsonl"),
            "is where the input glob",
        ),
    ] {
        let p = pipeline(name, &input);
        let res = wordmill(&["run", p.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_exit(&res, 1);
        let err = String::from_utf8_lossy(&res.stderr);
        assert!(err.contains(why), "{name}: {err}");
        assert!(err.contains(out.to_str().unwrap()), "{name}: {err}");
        assert!(!out.exists(), "{name}: nothing written");
    }
    // A glob that cannot reach into the report directory (`*` stays within one directory).
    let p = pipeline("flat-glob", &format!("{data_s}/*.jsonl"));
    for _ in 0..2 {
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
    }
    assert_eq!(json(&out.join("run.json"))["inputs"]["documents"], 1);
}

#[test]
fn a_report_directory_that_is_a_symlink_is_written_through() {
    let dir = scratch("symlink");
    let p = text_pipeline(&dir);
    let real = dir.join("reports/x");
    let link = dir.join("out");
    std::os::unix::fs::symlink("reports/x", &link).unwrap();
    let args = [
        "run",
        p.to_str().unwrap(),
        "--out",
        link.to_str().unwrap(),
        "--quiet",
    ];
    for _ in 0..2 {
        assert_exit(&wordmill(&args), 0);
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink(),
            "the link is kept"
        );
        assert!(
            real.join("run.json").is_file(),
            "the report is at the link's target"
        );
    }
    assert!(run_leftovers(&dir).is_empty());
    assert!(run_leftovers(&dir.join("reports")).is_empty());
}

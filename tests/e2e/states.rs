//! States cannot lie: a state changed after it was written is refused by its checksum, and one
//! whose numbers contradict each other is refused by its invariants, each with what is wrong;
//! shard numbering cannot wrap.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::*;

/// The JSON object of a state line, without its checksum.
fn unseal(line: &str) -> Value {
    let mut v: Value = serde_json::from_str(line.trim_end()).unwrap();
    v.as_object_mut()
        .unwrap()
        .remove("checksum")
        .expect("a checksum");
    v
}

/// A state line for `content` with a valid checksum, as `wordmill` writes one.
fn reseal(content: &Value) -> String {
    let body = serde_json::to_string(content).unwrap();
    let hex: String = Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("{},\"checksum\":\"{hex}\"}}\n", &body[..body.len() - 1])
}

/// Writes `line` as a state file and merges it with `pipeline`; returns the exit code and
/// standard error.
fn merge(dir: &std::path::Path, name: &str, pipeline: &str, line: &str) -> (i32, String) {
    let state = dir.join(format!("{name}.state"));
    std::fs::write(&state, line).unwrap();
    let out = dir.join(format!("out-{name}"));
    let res = wordmill(&[
        "merge",
        pipeline,
        state.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    if res.status.code() != Some(0) {
        assert!(!out.exists(), "{name}: a refused state writes no report");
    }
    (
        res.status.code().unwrap(),
        String::from_utf8_lossy(&res.stderr).into_owned(),
    )
}

/// A state of `pipeline` made by `wordmill run --state-out`.
fn state_of(dir: &std::path::Path, pipeline: &str) -> String {
    let path = dir.join("made.state");
    let res = wordmill(&[
        "run",
        pipeline,
        "--state-out",
        path.to_str().unwrap(),
        "--out",
        dir.join("made").to_str().unwrap(),
        "--quiet",
    ]);
    assert_exit(&res, 0);
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_state_changed_after_it_was_written_is_refused_by_its_checksum() {
    let dir = scratch("state-checksum");
    let p = "pipelines/sotu-terms.toml";
    let line = state_of(&dir, p);
    // As written, it merges.
    assert_eq!(merge(&dir, "intact", p, &line).0, 0);
    // One digit of one count changed, in place.
    let at = line.find("\"n_tokens\":").unwrap() + "\"n_tokens\":".len();
    let mut edited = line.clone().into_bytes();
    edited[at] = if edited[at] == b'9' { b'8' } else { b'9' };
    let (code, err) = merge(&dir, "edited", p, &String::from_utf8(edited).unwrap());
    assert_eq!(code, 1);
    assert!(err.contains("damaged state: its checksum is"), "{err}");
    // Cut short.
    let mut half = line.len() / 2;
    while !line.is_char_boundary(half) {
        half -= 1;
    }
    let (code, err) = merge(&dir, "cut", p, &line[..half]);
    assert_eq!(code, 1);
    assert!(err.contains("cut.state:1: not a wordmill state"), "{err}");
    // No checksum at all.
    let mut plain = unseal(&line);
    plain["wordmill_state"] = wordmill_pipeline::STATE_VERSION.into();
    let (code, err) = merge(
        &dir,
        "plain",
        p,
        &(serde_json::to_string(&plain).unwrap() + "\n"),
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("has no checksum") || err.contains("does not end with its checksum"),
        "{err}"
    );
}

#[test]
fn a_state_whose_numbers_contradict_each_other_is_refused() {
    let dir = scratch("state-lies");
    let terms = "pipelines/sotu-terms.toml";
    let sentiment = "pipelines/sotu-sentiment.toml";
    let t = unseal(&state_of(&dir, terms));
    let s = unseal(&state_of(&dir, sentiment));
    // Each lie, with a valid checksum, and the words that must say what is wrong.
    type Lie = fn(&mut Value);
    let cases: Vec<(&str, &str, &Value, Lie, &str)> = vec![
        (
            "count",
            terms,
            &t,
            |v| {
                let c = &mut v["partial"]["terms"]["terms"][0][1];
                *c = (c.as_u64().unwrap() + 1_000_000).into();
            },
            "but the per-document rows give",
        ),
        (
            "n_docs",
            terms,
            &t,
            |v| {
                v["partial"]["terms"]["n_docs"] = 999_999.into();
            },
            "per-document rows for 999999 documents",
        ),
        (
            "records_seen",
            terms,
            &t,
            |v| {
                v["ingest"]["records_seen"] = 12_345.into();
            },
            "12345 records seen and 0 parts added by splitting, but 62 documents and 0 skipped",
        ),
        (
            "doc_freq",
            terms,
            &t,
            |v| {
                v["partial"]["terms"]["terms"][0][2] = 63.into();
            },
            "document frequency 63 in 62 documents",
        ),
        (
            "documents",
            terms,
            &t,
            |v| {
                v["ingest"]["documents"] = 61.into();
                v["ingest"]["records_seen"] = 61.into();
            },
            "61 documents read, but 62 rows of document facts",
        ),
        (
            "compound",
            sentiment,
            &s,
            |v| {
                let docs = v["partial"]["sentiment"]["docs"].as_object_mut().unwrap();
                let first = docs.values_mut().next().unwrap();
                first["units"][0]["scores"]["compound"] = 1e308.into();
            },
            "scores out of range",
        ),
        (
            "tokens",
            sentiment,
            &s,
            |v| {
                v["partial"]["documents"]["rows"][0]["tokens"] = 10_000_000.into();
            },
            "tokens and",
        ),
    ];
    for (name, pipeline, base, lie, says) in cases {
        let mut v = base.clone();
        lie(&mut v);
        let (code, err) = merge(&dir, name, pipeline, &reseal(&v));
        assert_eq!(code, 1, "{name}: {err}");
        assert!(
            err.contains("state refused") && err.contains(says),
            "{name}: {err}"
        );
    }
    // Resealed untouched, both merge: the checks hold for real states.
    assert_eq!(merge(&dir, "honest-terms", terms, &reseal(&t)).0, 0);
    assert_eq!(merge(&dir, "honest-sentiment", sentiment, &reseal(&s)).0, 0);
}

#[test]
fn shard_numbering_cannot_wrap() {
    let dir = scratch("ordinal-wrap");
    let res = wordmill(&[
        "run",
        "pipelines/sotu-terms.toml",
        "--ordinal-offset",
        "18446744073709551614",
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_exit(&res, 1);
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("cannot be numbered from --ordinal-offset 18446744073709551614"),
        "{err}"
    );
    assert!(!dir.join("out").exists());
    // The largest offset that leaves room for the 62 documents is fine.
    let res = wordmill(&[
        "run",
        "pipelines/sotu-terms.toml",
        "--ordinal-offset",
        &(u64::MAX - 61).to_string(),
        "--out",
        dir.join("ok").to_str().unwrap(),
        "--quiet",
    ]);
    assert_exit(&res, 0);
}

/// Runs `wordmill ARGS` with `input` on standard input and standard output closed by its
/// reader before the command writes (the reader is gone before the input ends).
fn with_closed_stdout(args: &[&str], input: &[u8]) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_wordmill"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn map_and_reduce_say_what_they_were_writing_and_a_closed_pipe_is_the_end() {
    let docs = b"{\"id\":\"a\",\"text\":\"Workers walked out.\"}\n";
    let p = "pipelines/sotu-terms.toml";
    // Standard output closed early: success, silent unless asked.
    let res = with_closed_stdout(&["map", p], docs);
    assert_exit(&res, 0);
    assert!(
        res.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let res = with_closed_stdout(&["map", p, "--verbose"], docs);
    assert_exit(&res, 0);
    assert!(
        String::from_utf8_lossy(&res.stderr).contains("standard output was closed by its reader"),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    // A full disk (Linux's /dev/full): exit 1, naming what could not be written.
    if std::path::Path::new("/dev/full").exists() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_wordmill"))
            .args(["map", p])
            .current_dir(root())
            .stdin(std::process::Stdio::piped())
            .stdout(full)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(docs).unwrap();
        let res = child.wait_with_output().unwrap();
        assert_exit(&res, 1);
        let err = String::from_utf8_lossy(&res.stderr);
        assert!(
            err.contains("map: cannot write the state line") && err.contains("to standard output"),
            "{err}"
        );
    }
    // A state line that is not UTF-8 is named by its line.
    let map = wordmill_stdin(&["map", p], docs);
    assert_exit(&map, 0);
    let mut input = map.stdout.clone();
    input.extend(b"{\"wordmill_state\": \"\xff\"}\n");
    let res = wordmill_stdin(&["reduce", p], &input);
    assert_exit(&res, 1);
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("<stdin>:2: not a wordmill state: invalid UTF-8 at byte 21 of the line"),
        "{err}"
    );
}

#[test]
fn a_bad_lexicon_is_named_with_its_line_and_clipped() {
    let dir = scratch("bad-lexicon");
    let long = dir.join("long.tsv");
    std::fs::write(&long, format!("good\t1.5\n{}\n", "x".repeat(1_000_000))).unwrap();
    let res = wordmill_stdin(
        &["sentiment", "--lines", "--lexicon", long.to_str().unwrap()],
        b"good day\n",
    );
    assert_exit(&res, 2);
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.starts_with("wordmill: --lexicon: "), "{err}");
    assert!(err.contains("long.tsv:2: expected word<TAB>score"), "{err}");
    assert!(err.contains("… (1000000 bytes)"), "{err}");
    assert!(
        err.len() < 400,
        "the line is not echoed whole: {} bytes",
        err.len()
    );
    assert!(!err.contains("<stdin>"), "{err}");
    let bad = dir.join("bad.tsv");
    std::fs::write(&bad, b"good\t1.5\nba\xffd\t-1\n").unwrap();
    let res = wordmill_stdin(
        &["sentiment", "--lines", "--lexicon", bad.to_str().unwrap()],
        b"good day\n",
    );
    assert_exit(&res, 2);
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("bad.tsv:2: invalid UTF-8 at byte 3 of the line"),
        "{err}"
    );
}

//! `wordmill sentiment`: ad-hoc scoring equals vaderSentiment 3.3.2 on the reference texts.

use crate::common::*;

#[test]
fn adhoc_scores_equal_the_reference_in_input_order_on_every_thread_count() {
    let path = reference_dir().join("vader/public.jsonl");
    let reference = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<serde_json::Value> = reference
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let input: String = rows
        .iter()
        .map(|r| serde_json::json!({"id": r["id"], "text": r["text"]}).to_string() + "\n")
        .collect();
    for threads in ["1", "2"] {
        let out = wordmill_stdin(&["sentiment", "-", "--threads", threads], input.as_bytes());
        assert_exit(&out, 0);
        let got: Vec<serde_json::Value> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(got.len(), rows.len());
        for (g, r) in got.iter().zip(&rows) {
            assert_eq!(g["id"], r["id"]);
            for k in ["neg", "neu", "pos", "compound"] {
                assert_eq!(g[k].as_f64(), r[k].as_f64(), "{} {k}", r["id"]);
            }
        }
    }
}

#[test]
fn plain_lines_sentences_and_bad_records() {
    let out = wordmill_stdin(
        &["sentiment", "--lines", "--sentences"],
        "I love it. I hate it!\n\nOk.\n".as_bytes(),
    );
    assert_exit(&out, 0);
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(
        (lines[0]["id"].as_u64(), lines[0]["sentence"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(
        (lines[1]["start"].as_u64(), lines[1]["end"].as_u64()),
        (Some(11), Some(21))
    );
    assert!(
        lines[0]["compound"].as_f64().unwrap() > 0.0
            && lines[1]["compound"].as_f64().unwrap() < 0.0
    );
    assert_eq!(lines[2]["id"].as_u64(), Some(3));

    let out = wordmill_stdin(
        &["sentiment"],
        b"{\"id\":\"a\",\"text\":\"good\"}\nnot json\n{\"id\":\"c\"}\n",
    );
    assert_exit(&out, 1);
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 1);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 2: invalid JSON") && err.contains("line 3: no `text` field"),
        "{err}"
    );
}

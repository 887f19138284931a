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

/// The reference texts with vaderSentiment 3.3.2's scores.
fn reference_rows() -> Vec<serde_json::Value> {
    let path = reference_dir().join("vader/public.jsonl");
    std::fs::read_to_string(&path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Runs `wordmill sentiment ARGS` on `input` four ways, from standard input and from a file,
/// with 1 and 3 threads; asserts all four give the same exit code, the same standard output
/// byte for byte and the same standard error (but for the name of the input). Returns the
/// exit code, standard output and standard error (the input named `<input>`).
fn sentiment_everywhere(args: &[&str], input: &[u8]) -> (i32, String, String) {
    let dir = scratch("sentiment");
    let file = dir.join("input");
    std::fs::write(&file, input).unwrap();
    let file = file.to_str().unwrap();
    let mut runs = Vec::new();
    for threads in ["1", "3"] {
        for source in ["-", file] {
            let mut all = vec!["sentiment", source, "--threads", threads];
            all.extend_from_slice(args);
            let out = wordmill_stdin(&all, if source == "-" { input } else { b"" });
            let origin = if source == "-" { "<stdin>" } else { file };
            runs.push((
                out.status.code().unwrap(),
                String::from_utf8(out.stdout).unwrap(),
                String::from_utf8(out.stderr)
                    .unwrap()
                    .replace(&format!("wordmill: {origin}: "), "wordmill: <input>: "),
            ));
        }
    }
    for r in &runs[1..] {
        assert_eq!(r, &runs[0], "{args:?}: runs differ");
    }
    std::fs::remove_dir_all(&dir).unwrap();
    runs.swap_remove(0)
}

fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Each output line has the reference's scores, to the bit, in input order.
fn assert_reference_scores(got: &[serde_json::Value], rows: &[&serde_json::Value]) {
    assert_eq!(got.len(), rows.len());
    for (g, r) in got.iter().zip(rows) {
        for k in ["neg", "neu", "pos", "compound"] {
            assert_eq!(g[k].as_f64(), r[k].as_f64(), "{} {k}", r["id"]);
        }
    }
}

/// The reference rows five times over (more than one chunk of 4096), with distinct ids.
fn repeated(rows: &[serde_json::Value]) -> Vec<(String, &serde_json::Value)> {
    (0..5)
        .flat_map(|k| {
            rows.iter()
                .map(move |r| (format!("{}#{k}", r["id"].as_str().unwrap()), r))
        })
        .collect()
}

#[test]
fn csv_input_with_quoted_fields_scores_as_the_reference() {
    let rows = reference_rows();
    let rows = repeated(&rows);
    // The reference texts hold commas, quotes and line breaks: the writer quotes them.
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["doc", "lang", "review"]).unwrap();
    for (id, r) in &rows {
        w.write_record([id.as_str(), "en", r["text"].as_str().unwrap()])
            .unwrap();
    }
    let input = w.into_inner().unwrap();
    assert!(input.windows(2).any(|p| p == b"\"\""), "a doubled quote");
    let refs: Vec<&serde_json::Value> = rows.iter().map(|(_, r)| *r).collect();

    let args = [
        "--format",
        "csv",
        "--text-field",
        "review",
        "--id-field",
        "doc",
    ];
    let (code, stdout, stderr) = sentiment_everywhere(&args, &input);
    assert_eq!(code, 0, "{stderr}");
    let got = json_lines(&stdout);
    assert_reference_scores(&got, &refs);
    for (g, (id, _)) in got.iter().zip(&rows) {
        assert_eq!(g["id"], serde_json::Value::from(id.as_str()));
    }

    // No `id` column: the id is the record number (the header is no record; a record with a
    // line break inside is one record).
    let (code, stdout, stderr) =
        sentiment_everywhere(&["--format", "csv", "--text-field", "review"], &input);
    assert_eq!(code, 0, "{stderr}");
    let got = json_lines(&stdout);
    assert_reference_scores(&got, &refs);
    for (i, g) in got.iter().enumerate() {
        assert_eq!(g["id"].as_u64(), Some(i as u64 + 1));
    }
}

#[test]
fn csv_details_bom_crlf_empty_fields_and_sentences() {
    let input = "\u{feff}id,text\r\nA,\"I love it. I hate it!\"\r\nB,\r\n\r\nC,\"said \"\"great\"\",\nthen left\"\r\n";
    let (code, stdout, stderr) = sentiment_everywhere(&["--format", "csv"], input.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    let got = json_lines(&stdout);
    let ids: Vec<&str> = got.iter().map(|g| g["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        ["A", "B", "C"],
        "the BOM is not part of the first column's name"
    );
    // The same texts as JSON Lines give the same scores.
    let texts = ["I love it. I hate it!", "", "said \"great\",\nthen left"];
    let jsonl: String = texts
        .iter()
        .map(|t| serde_json::json!({ "text": t }).to_string() + "\n")
        .collect();
    let (code, as_jsonl, _) = sentiment_everywhere(&[], jsonl.as_bytes());
    assert_eq!(code, 0);
    let as_jsonl = json_lines(&as_jsonl);
    for (g, j) in got.iter().zip(&as_jsonl) {
        assert_eq!(g["compound"], j["compound"]);
        assert_eq!(g["neu"], j["neu"]);
    }
    assert!(got[2]["compound"].as_f64().unwrap() > 0.0);

    let (code, stdout, _) =
        sentiment_everywhere(&["--format", "csv", "--sentences"], input.as_bytes());
    assert_eq!(code, 0);
    let got = json_lines(&stdout);
    let shape: Vec<(&str, u64, u64, u64)> = got
        .iter()
        .map(|g| {
            let n = |k: &str| g[k].as_u64().unwrap();
            (
                g["id"].as_str().unwrap(),
                n("sentence"),
                n("start"),
                n("end"),
            )
        })
        .collect();
    // "I love it. I hate it!": two sentences, byte spans into the field's text.
    assert_eq!(&shape[..2], [("A", 0, 0, 10), ("A", 1, 11, 21)]);
    assert!(shape[2..].iter().all(|s| s.0 == "C"), "{shape:?}");
}

#[test]
fn jsonl_dotted_paths_reach_nested_fields() {
    let rows = reference_rows();
    let rows = repeated(&rows);
    let input: String = rows
        .iter()
        .map(|(id, r)| {
            serde_json::json!({"meta": {"ref": id}, "body": {"text": r["text"], "lang": "en"}})
                .to_string()
                + "\n"
        })
        .collect();
    let refs: Vec<&serde_json::Value> = rows.iter().map(|(_, r)| *r).collect();
    let args = ["--text-field", "body.text", "--id-field", "meta.ref"];
    let (code, stdout, stderr) = sentiment_everywhere(&args, input.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    let got = json_lines(&stdout);
    assert_reference_scores(&got, &refs);
    for (g, (id, _)) in got.iter().zip(&rows) {
        assert_eq!(g["id"], serde_json::Value::from(id.as_str()));
    }

    // No id field: the record number, blank lines not counted; a key with dots is found
    // as written.
    let input =
        "{\"a.b\": \"I love it\"}\n\n{\"a.b\": \"I hate it\", \"id\": 7}\n{\"a.b\": \"ok\"}\n";
    let (code, stdout, stderr) = sentiment_everywhere(&["--text-field", "a.b"], input.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    let ids: Vec<serde_json::Value> = json_lines(&stdout)
        .into_iter()
        .map(|g| g["id"].clone())
        .collect();
    assert_eq!(
        ids,
        [
            serde_json::json!(1),
            serde_json::json!(7),
            serde_json::json!(3)
        ]
    );
}

#[test]
fn the_lines_flag_is_format_lines() {
    let rows = reference_rows();
    let rows: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| !r["text"].as_str().unwrap().contains('\n'))
        .collect();
    let input: String = rows
        .iter()
        .map(|r| r["text"].as_str().unwrap().to_string() + "\n")
        .collect();
    let (code, by_flag, _) = sentiment_everywhere(&["--lines"], input.as_bytes());
    assert_eq!(code, 0);
    let (code, by_format, _) = sentiment_everywhere(&["--format", "lines"], input.as_bytes());
    assert_eq!(code, 0);
    assert_eq!(by_flag, by_format);
    let got = json_lines(&by_format);
    assert_reference_scores(&got, &rows);
    for (i, g) in got.iter().enumerate() {
        assert_eq!(g["id"].as_u64(), Some(i as u64 + 1));
    }

    for args in [
        &["--lines", "--format", "csv"][..],
        &["--format", "lines", "--text-field", "body"],
        &["--lines", "--id-field", "id"],
    ] {
        let mut all = vec!["sentiment"];
        all.extend_from_slice(args);
        let out = wordmill_stdin(&all, b"text\n");
        assert_exit(&out, 2);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn input_of_another_shape_fails_on_its_first_record_with_a_hint() {
    let many_plain: String = (0..3000)
        .map(|i| format!("plain text {i}, no JSON\n"))
        .collect();
    let many_csv: String = "id,text\n".to_string()
        + &(0..3000)
            .map(|i| format!("{i},text {i}\n"))
            .collect::<String>();
    let cases: Vec<(Vec<&str>, String, &str)> = vec![
        (
            vec![],
            many_csv.clone(),
            "line 1: not a JSON object; is this CSV or plain text? try --format csv or --format lines",
        ),
        (
            vec![],
            many_plain.clone(),
            "line 1: not a JSON object; is this CSV or plain text? try --format csv or --format lines",
        ),
        (
            vec![],
            "\n\n\"a string\"\n{\"text\": \"x\"}\n".to_string(),
            "line 3: not a JSON object (found a string); is this CSV or plain text? try --format csv or --format lines",
        ),
        (
            vec![],
            "{\"id\": 1, \"body\": \"a long text\"}\n".repeat(3000),
            "line 1: no field `text` (the text field); the record has keys: `body`, `id`; try --text-field body",
        ),
        (
            vec!["--text-field", "body.txt"],
            "{\"id\": 1, \"body\": {\"text\": \"a long text\", \"lang\": \"en\"}}\n".to_string(),
            "line 1: no field `body.txt` (the text field); `body` has keys: `lang`, `text`; try --text-field body.text",
        ),
        (
            vec![],
            "{\"text\": 5, \"title\": \"x\"}\n".to_string(),
            "line 1: the text field `text` is a number, not a string; try --text-field title",
        ),
        (
            vec!["--id-field", "doc"],
            "{\"id\": 1, \"text\": \"x\"}\n".to_string(),
            "line 1: no field `doc` (the id field); the record has keys: `id`, `text`; name an existing field with --id-field, or leave it out to number the records",
        ),
        (
            vec![],
            "[{\"text\": \"x\"}]\n".to_string(),
            "line 1: not a JSON object (the line opens an array); JSON Lines has one object per line; `jq -c '.[]'` turns a JSON array into JSON Lines",
        ),
        (
            vec!["--format", "csv"],
            "id,body,lang\n1,the text itself,en\n".to_string() + &many_csv,
            "line 1: no column `text` (the text field); the header has columns: `id`, `body`, `lang`; try --text-field body",
        ),
        (
            vec!["--format", "csv", "--id-field", "doc"],
            many_csv.clone(),
            "line 1: no column `doc` (the id field); the header has columns: `id`, `text`; name an existing column with --id-field, or leave it out to number the records",
        ),
        (
            vec!["--format", "csv"],
            "{\"id\": 1, \"text\": \"a, b\"}\n".repeat(10),
            "line 1: the CSV header starts with `{`: this looks like JSON Lines; try --format jsonl",
        ),
        (
            vec!["--format", "csv"],
            "id,text\n1,a,b\n".to_string() + &many_csv[8..],
            "line 2: expected 2 fields (as in the header), found 3; is every field holding a comma, a quote or a line break quoted (\"...\", with quotes doubled)?",
        ),
    ];
    for (args, input, expected) in cases {
        let (code, stdout, stderr) = sentiment_everywhere(&args, input.as_bytes());
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert_eq!(stdout, "", "{args:?}: nothing is written");
        assert_eq!(
            stderr,
            format!("wordmill: <input>: {expected}\n"),
            "{args:?}"
        );
    }

    // Text that is not UTF-8, in each format.
    for format in ["jsonl", "csv", "lines"] {
        let input: &[u8] = if format == "csv" {
            b"id,text\n1,caf\xe9\n2,ok\n"
        } else {
            b"caf\xe9\nok\n"
        };
        let (code, stdout, stderr) = sentiment_everywhere(&["--format", format], input);
        assert_eq!((code, stdout.as_str()), (2, ""), "{format}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("not UTF-8 text") || stderr.contains("invalid UTF-8"),
            "{stderr}"
        );
        assert!(stderr.contains("expected UTF-8 text;"), "{stderr}");
    }
}

#[test]
fn bad_records_after_the_first_are_reported_one_by_one() {
    let input = "{\"id\": \"a\", \"text\": \"good\"}\n\
                 not json\n\
                 \n\
                 {\"id\": \"c\"}\n\
                 {\"id\": \"d\", \"text\": [1]}\n\
                 [1]\n\
                 {\"id\": \"f\", \"text\": \"bad\"}\n";
    let (code, stdout, stderr) = sentiment_everywhere(&[], input.as_bytes());
    assert_eq!(code, 1);
    let ids: Vec<String> = json_lines(&stdout)
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["a", "f"]);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 5, "{stderr}");
    assert!(
        lines[0].starts_with("wordmill: <input>: line 2: invalid JSON"),
        "{stderr}"
    );
    assert_eq!(lines[1], "wordmill: <input>: line 4: no `text` field");
    assert_eq!(
        lines[2],
        "wordmill: <input>: line 5: `text` must be a string, found an array"
    );
    assert_eq!(
        lines[3],
        "wordmill: <input>: line 6: expected a JSON object, found an array"
    );
    assert_eq!(
        lines[4],
        "wordmill: <input>: 4 of 6 records could not be scored (listed above)"
    );

    // CSV: lines are counted in the file, a quoted line break included.
    let input = b"id,text\n1,\"two\nlines\"\n2,a,b\n3,caf\xe9\n4,fine\n";
    let (code, stdout, stderr) = sentiment_everywhere(&["--format", "csv"], input);
    assert_eq!(code, 1);
    let ids: Vec<String> = json_lines(&stdout)
        .iter()
        .map(|g| g["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, ["1", "4"]);
    assert_eq!(
        stderr,
        "wordmill: <input>: line 4: expected 2 fields (as in the header), found 3\n\
         wordmill: <input>: line 5: column `text` is not UTF-8 text (invalid byte at offset 3 of the field)\n\
         wordmill: <input>: 2 of 4 records could not be scored (listed above)\n"
    );
}

#[test]
fn help_names_the_formats_and_fields() {
    let out = wordmill(&["sentiment", "--help"]);
    assert_exit(&out, 0);
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "--format <FORMAT>",
        "[possible values: jsonl, csv, lines]",
        "--text-field <NAME>",
        "--id-field <NAME>",
        "--lines",
        "body.text",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

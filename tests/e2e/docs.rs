//! The documentation says what the binary does: `docs/outputs.md` lists every column of every
//! file a run writes, its `report.json` example is the default pipeline's real output, and the
//! exit codes in `docs/reliability.md` are the ones the binary returns.

use std::collections::BTreeMap;
use std::path::Path;

use regex::Regex;

use crate::common::*;

fn doc(name: &str) -> String {
    std::fs::read_to_string(root().join("docs").join(name)).unwrap()
}

/// `## `FILE`` sections of docs/outputs.md and the column (or key) list each gives on its
/// `Columns: `...`` or `Keys: `...`` line.
fn documented_columns() -> BTreeMap<String, String> {
    let text = doc("outputs.md");
    let mut out = BTreeMap::new();
    let mut section: Option<String> = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("## `").and_then(|l| l.strip_suffix('`')) {
            section = Some(name.to_string());
            continue;
        }
        let spec = line
            .strip_prefix("Columns: `")
            .or_else(|| line.strip_prefix("Keys: `"));
        if let (Some(file), Some(spec)) = (&section, spec) {
            let spec = spec.split('`').next().unwrap();
            out.insert(file.clone(), spec.to_string());
        }
    }
    out
}

/// A column list as a regex over the names joined with `,`: `<...>` stands for any number of
/// names (metadata keys), `[,a,b]` for an optional group.
fn spec_regex(spec: &str) -> Regex {
    let mut re = String::from("^");
    let mut rest = spec;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("[,") {
            let end = r.find(']').expect("a closing ]");
            re.push_str(&format!("(?:,{})?", regex::escape(&r[..end])));
            rest = &r[end + 1..];
        } else if let Some(r) = rest.strip_prefix('<') {
            // Zero or more names, each followed by the comma before the next fixed name.
            let end = r.find(">,").expect("a placeholder is followed by a name");
            re.push_str("(?:[^,]+,)*");
            rest = &r[end + 2..];
        } else {
            let end = rest.find(['[', '<']).unwrap_or(rest.len());
            re.push_str(&regex::escape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    re.push('$');
    Regex::new(&re).unwrap()
}

#[test]
fn the_spec_reader_reads_placeholders_and_optional_groups() {
    let re = spec_regex("doc_id,<metadata keys>,bytes,tokens[,a,b]");
    for ok in ["doc_id,bytes,tokens", "doc_id,year,party,bytes,tokens,a,b"] {
        assert!(re.is_match(ok), "{ok}");
    }
    for bad in ["doc_id,bytes,tokens,a", "doc_id,tokens", "bytes,tokens"] {
        assert!(!re.is_match(bad), "{bad}");
    }
}

/// The keys of a JSON object, in the order written.
struct Keys(Vec<String>);

impl<'de> serde::Deserialize<'de> for Keys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(Visit)
    }
}

/// The column names of a CSV file, or the keys of each line of a JSON Lines file.
fn headers(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    if path.extension().is_some_and(|e| e == "csv") {
        let mut rdr = ::csv::Reader::from_reader(text.as_bytes());
        vec![rdr.headers().unwrap().iter().collect::<Vec<_>>().join(",")]
    } else {
        text.lines()
            .map(|l| serde_json::from_str::<Keys>(l).unwrap().0.join(","))
            .collect()
    }
}

#[test]
fn outputs_md_lists_every_column_of_every_file() {
    let documented = documented_columns();
    let dir = scratch("docs-columns");
    // Skipped records, for skipped.jsonl.
    std::fs::write(
        dir.join("posts.jsonl"),
        "{\"id\":\"a\",\"text\":\"Good.\"}\nnot json\n",
    )
    .unwrap();
    let skips = dir.join("skips.toml");
    std::fs::write(
        &skips,
        format!(
            "version = 1\n[ingest]\ninputs = [{:?}]\nformat = \"jsonl\"\n[analyse.terms]\n",
            dir.join("posts.jsonl").display().to_string()
        ),
    )
    .unwrap();
    let mut runs = vec![skips];
    for p in shipped_pipelines() {
        runs.push(p);
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for (i, p) in runs.iter().enumerate() {
        let out = dir.join(format!("out-{i}"));
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
        for entry in std::fs::read_dir(&out).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_str().unwrap().to_string();
            if !(name.ends_with(".csv") || name.ends_with(".jsonl")) {
                continue;
            }
            let spec = documented.get(&name).unwrap_or_else(|| {
                panic!(
                    "{name} (written by {}) has no `Columns:` or `Keys:` line in docs/outputs.md",
                    p.display()
                )
            });
            let re = spec_regex(spec);
            for header in headers(&path) {
                assert!(
                    re.is_match(&header),
                    "{name} of {}: the columns `{header}` do not fit docs/outputs.md's `{spec}`",
                    p.display()
                );
            }
            *seen.entry(name).or_default() += 1;
        }
    }
    // No file is documented that no run writes.
    for name in documented.keys() {
        assert!(
            seen.contains_key(name),
            "docs/outputs.md documents {name}, which none of the runs wrote"
        );
    }
}

#[test]
fn the_report_json_example_is_the_default_pipelines_output() {
    let text = doc("outputs.md");
    let section = &text[text.find("## `report.json`").unwrap()..];
    let block = section
        .split("```json\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a json block in the report.json section");
    let example: serde_json::Value = serde_json::from_str(block).unwrap();
    let out = scratch("docs-report-json");
    assert_exit(
        &wordmill(&[
            "run",
            "pipelines/default.toml",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]),
        0,
    );
    let actual = json(&out.join("report.json"));
    assert!(
        example == actual,
        "docs/outputs.md's report.json example is not what pipelines/default.toml writes; the real output is:\n{}",
        serde_json::to_string_pretty(&actual).unwrap()
    );
}

/// The exit code a row of docs/reliability.md gives: `exit N` in it, or a last cell that is a
/// number.
fn documented_exit(text: &str, row: &str) -> i32 {
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("| {row}")))
        .unwrap_or_else(|| panic!("docs/reliability.md has no row starting `{row}`"));
    let exit = Regex::new(r"exit:? (\d)").unwrap();
    if let Some(c) = exit.captures(line) {
        return c[1].parse().unwrap();
    }
    let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
    cells
        .last()
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no exit code in `{line}`"))
}

#[test]
fn the_exit_codes_in_reliability_md_are_what_the_binary_returns() {
    let text = doc("reliability.md");
    let dir = scratch("docs-exit");
    let write = |name: &str, body: &str| {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p.to_str().unwrap().to_string()
    };
    let code = |args: &[&str]| wordmill(args).status.code().unwrap();
    let stdin_code = |args: &[&str], input: &str| {
        wordmill_stdin(args, input.as_bytes())
            .status
            .code()
            .unwrap()
    };

    // The table of exit codes lists exactly 0, 1 and 2.
    let table = &text[text.find("## Exit codes").unwrap()..];
    let codes: Vec<i32> = table
        .lines()
        .filter_map(|l| l.strip_prefix("| "))
        .filter_map(|l| l.split(' ').next()?.parse().ok())
        .collect();
    assert_eq!(codes, [0, 1, 2]);
    assert_eq!(code(&["validate", "pipelines/default.toml"]), 0);
    let failing = write(
        "failing.toml",
        "version = 1\n[ingest]\ninputs = \"corpus/news\"\n[analyse.terms]\n[[expect]]\nmetric = \"corpus.documents\"\nequals = 2\n",
    );
    assert_eq!(code(&["test", &failing]), 1, "a failed check");
    assert_eq!(
        code(&["run", "pipelines/default.toml", "--bogus"]),
        2,
        "bad usage"
    );

    // Pipeline files.
    let syntax = write("syntax.toml", "version = 1\n[ingest\n");
    assert_eq!(
        code(&["run", &syntax]),
        documented_exit(&text, "syntax error")
    );
    let unknown = write(
        "unknown.toml",
        "version = 1\n[ingest]\ninputs = \"corpus/news\"\n[normalise]\nstopword = \"en\"\n[analyse.terms]\n",
    );
    assert_eq!(
        code(&["run", &unknown]),
        documented_exit(&text, "unknown key")
    );
    let nothing = write(
        "nothing.toml",
        "version = 1\n[ingest]\ninputs = \"nowhere/*.jsonl\"\n[analyse.terms]\n",
    );
    assert_eq!(
        code(&["run", &nothing]),
        documented_exit(
            &text,
            "glob or directory matching nothing, named in the pipeline file"
        )
    );
    let out = dir.join("out");
    let out = out.to_str().unwrap();
    assert_eq!(
        code(&[
            "run",
            "pipelines/default.toml",
            "--input",
            "nowhere/*.txt",
            "--out",
            out
        ]),
        documented_exit(
            &text,
            "glob or directory matching nothing, given with `--input`"
        )
    );

    // Runs that read nothing, repeated ids under "fail", a bad record under on_error = "fail".
    write(
        "bad.jsonl",
        "{\"id\":\"a\",\"text\":\"Good.\"}\n{\"id\":\"a\",\"text\":\"Bad.\"}\nnot json\n",
    );
    let jsonl = |name: &str, extra: &str| {
        write(
            name,
            &format!(
                "version = 1\n[ingest]\ninputs = [{:?}]\nformat = \"jsonl\"\n{extra}\n[analyse.terms]\n[report]\ndir = {out:?}\n",
                dir.join("bad.jsonl").display().to_string()
            ),
        )
    };
    let wrong_field = jsonl("empty.toml", "text_field = \"body\"");
    assert_eq!(
        code(&["run", &wrong_field]),
        documented_exit(&text, "every record skipped, or no record at all")
    );
    let repeats = jsonl("repeats.toml", "duplicate_ids = \"fail\"");
    assert_eq!(
        code(&["run", &repeats]),
        documented_exit(&text, "two documents with the same id")
    );
    let fail = jsonl("fail.toml", "on_error = \"fail\"");
    assert_eq!(
        code(&["run", &fail]),
        documented_exit(&text, "a run fails or is stopped part way")
    );

    // wordmill sentiment.
    assert_eq!(
        stdin_code(&["sentiment"], "just a line of text\n"),
        documented_exit(
            &text,
            "`wordmill sentiment` input that is not what was asked for"
        )
    );
    assert_eq!(
        stdin_code(&["sentiment"], "{\"id\":1,\"text\":\"Fine.\"}\nnot json\n"),
        documented_exit(&text, "a bad record later in `wordmill sentiment` input")
    );
}

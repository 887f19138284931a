//! `wordmill validate` reports every error at once as file:line:col, exit code 2.

use crate::common::*;

#[test]
fn shipped_pipelines_validate() {
    let res = wordmill(&["validate", "pipelines"]);
    assert_exit(&res, 0);
    let out = String::from_utf8(res.stdout).unwrap();
    assert_eq!(out.lines().count(), shipped_pipelines().len(), "{out}");
}

#[test]
fn every_error_of_a_bad_file_is_reported_with_its_position() {
    let dir = scratch("validate");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "version = 1\nname = \"bad\"\n[ingest]\ninputs = [\"corpus/news/*.txt\"]\nformat = \"jsonlines\"\n\n[normalise]\nstopword = \"en\"\n\n[analyse.terms]\nngrams = [2, 1]\n",
    )
    .unwrap();
    let res = wordmill(&["validate", bad.to_str().unwrap()]);
    assert_exit(&res, 2);
    let err = String::from_utf8(res.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    let file = bad.to_str().unwrap();
    assert_eq!(lines.len(), 3, "{err}");
    assert!(
        lines[0].starts_with(&format!("{file}:5:10: `ingest.format` must be one of")),
        "{err}"
    );
    assert!(
        lines[1].starts_with(&format!(
            "{file}:8:1: unknown key `normalise.stopword` (did you mean `stopwords`?)"
        )),
        "{err}"
    );
    assert!(
        lines[2].starts_with(&format!("{file}:11:10: `analyse.terms.ngrams`")),
        "{err}"
    );

    // `run` refuses the same file with the same messages and exit code 2.
    let res = wordmill(&["run", bad.to_str().unwrap()]);
    assert_exit(&res, 2);
    assert_eq!(String::from_utf8(res.stderr).unwrap(), err);
}

#[test]
fn missing_inputs_and_lexicons_are_caught_before_running() {
    let dir = scratch("validate-paths");
    let bad = dir.join("paths.toml");
    std::fs::write(
        &bad,
        "version = 1\n[ingest]\ninputs = [\"corpus/news\", \"corpus/nothing-here/*.txt\"]\n[analyse.sentiment]\nlexicon = [\"vader\", \"lexicons/missing.tsv\"]\n",
    )
    .unwrap();
    let res = wordmill(&["validate", bad.to_str().unwrap()]);
    assert_exit(&res, 2);
    let err = String::from_utf8(res.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(
        lines[0].contains(":3:26: `ingest.inputs`")
            && lines[0].contains("corpus/nothing-here/*.txt"),
        "{err}"
    );
    assert!(
        lines[1].contains(":5:21: `analyse.sentiment.lexicon`")
            && lines[1].contains("lexicons/missing.tsv"),
        "{err}"
    );

    // A lexicon that exists but has a bad line, or a valence too large, is caught too.
    let lexicon = dir.join("lexicon.tsv");
    std::fs::write(&lexicon, "fine\t1.5\nhuge\t1e308\nbroken line\n").unwrap();
    let bad = dir.join("lexicon.toml");
    std::fs::write(
        &bad,
        format!(
            "version = 1\n[ingest]\ninputs = [\"corpus/news\"]\n[analyse.sentiment]\nlexicon = [\"vader\", {:?}]\n",
            lexicon.to_str().unwrap()
        ),
    )
    .unwrap();
    let res = wordmill(&["validate", bad.to_str().unwrap()]);
    assert_exit(&res, 2);
    let err = String::from_utf8(res.stderr).unwrap();
    assert!(
        err.contains(":5:21: `analyse.sentiment.lexicon`: ")
            && err.contains("lexicon.tsv:2: valence 1e308 of \"huge\" is outside [-1000, 1000]"),
        "{err}"
    );
}

//! The concordance: `kwic.csv` against an independent search over the same tokens, across
//! threads and shards, and `wordmill kwic` against the pipeline.

use std::collections::BTreeMap;

use wordmill_model::{Document, Metadata};
use wordmill_normalise::{Normaliser, NormaliserConfig, StopWordLanguage, StopWords};

use crate::common::*;

/// A concordance of the State of the Union addresses, with stop words and sentence-bounded
/// phrases, so that both matter.
const SOTU_KWIC: &str = r#"version = 1
name = "sotu-kwic"
[ingest]
inputs = ["corpus/sotu/*.txt"]
format = "text"
[normalise]
lowercase = true
tokenizer = "words"
stopwords = "en"
[analyse.kwic]
patterns = ["tax*", "united states", "Congress", "*ism", "health care", "jobs"]
window = 4
max_hits = 3
[report]
formats = ["json", "csv", "md", "html"]
"#;

fn sotu_kwic(dir: &std::path::Path) -> std::path::PathBuf {
    let p = dir.join("sotu-kwic.toml");
    std::fs::write(&p, SOTU_KWIC).unwrap();
    p
}

/// One row of `kwic.csv`.
type Row = (String, String, usize, usize, usize, String, String, String);

fn rows(path: &std::path::Path) -> Vec<Row> {
    let mut r = ::csv::Reader::from_path(path).unwrap();
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "pattern", "doc_id", "sentence", "start", "end", "left", "match", "right"
        ]
    );
    r.deserialize().map(|x| x.unwrap()).collect()
}

/// The reference: each document normalised by the normalise crate as the pipeline says, then
/// for each pattern every sentence's tokens scanned left to right with plain string tests (a
/// `*` at the start or end as suffix or prefix test), jumping past each hit.
fn independent_search(window: usize) -> Vec<Row> {
    let normaliser = Normaliser::new(
        NormaliserConfig::default().stopwords(StopWords::Builtin(StopWordLanguage::English)),
    )
    .unwrap();
    let patterns = [
        "tax*",
        "united states",
        "Congress",
        "*ism",
        "health care",
        "jobs",
    ];
    let files: Vec<std::path::PathBuf> = sotu_files().iter().map(|f| root().join(f)).collect();
    let mut out: Vec<(usize, Row)> = Vec::new();
    for (ordinal, f) in files.iter().enumerate() {
        let text = std::fs::read_to_string(f).unwrap();
        let id = f.file_stem().unwrap().to_str().unwrap().to_string();
        let doc = Document::new(ordinal as u64, id.clone(), text.clone(), Metadata::new());
        let nd = normaliser.normalise(&doc);
        let toks = &nd.tokens;
        for pattern in &patterns {
            let words: Vec<String> = pattern.split(' ').map(str::to_lowercase).collect();
            let test = |w: &str, t: &str| {
                if let Some(prefix) = w.strip_suffix('*') {
                    t.starts_with(prefix)
                } else if let Some(suffix) = w.strip_prefix('*') {
                    t.ends_with(suffix)
                } else {
                    t == w
                }
            };
            for (si, s) in nd.sentences.iter().enumerate() {
                let idx: Vec<usize> = (0..toks.len())
                    .filter(|&i| toks[i].span.start >= s.start && toks[i].span.start < s.end)
                    .collect();
                let mut k = 0;
                while k + words.len() <= idx.len() {
                    if !words
                        .iter()
                        .enumerate()
                        .all(|(j, w)| test(w, &toks[idx[k + j]].text))
                    {
                        k += 1;
                        continue;
                    }
                    let (a, b) = (idx[k], idx[k + words.len() - 1]);
                    let (start, end) = (toks[a].span.start, toks[b].span.end);
                    let from = toks[a.saturating_sub(window)].span.start;
                    let to = toks[(b + window).min(toks.len() - 1)].span.end;
                    out.push((
                        ordinal,
                        (
                            pattern.to_string(),
                            id.clone(),
                            si,
                            start,
                            end,
                            text[from..start].to_string(),
                            text[start..end].to_string(),
                            text[end..to].to_string(),
                        ),
                    ));
                    k += words.len();
                }
            }
        }
    }
    out.sort_by_key(|(o, r)| (*o, r.3, patterns.iter().position(|p| *p == r.0)));
    out.into_iter().map(|(_, r)| r).collect()
}

#[test]
fn kwic_csv_equals_an_independent_search_at_any_thread_count() {
    let dir = scratch("kwic");
    let p = sotu_kwic(&dir);
    let expected = independent_search(4);
    assert!(expected.len() > 500, "{} hits", expected.len());
    let mut first: Option<Vec<u8>> = None;
    for threads in ["1", "2", "8"] {
        let out = dir.join(format!("out-{threads}"));
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
        let found = rows(&out.join("kwic.csv"));
        assert_eq!(found.len(), expected.len());
        for (f, e) in found.iter().zip(&expected) {
            assert_eq!(f, e);
        }
        // report.json counts every hit, and shows the first max_hits of each pattern.
        let report = json(&out.join("report.json"));
        let mut per: BTreeMap<&str, u64> = BTreeMap::new();
        for r in &expected {
            *per.entry(r.0.as_str()).or_default() += 1;
        }
        for p in report["kwic"]["patterns"].as_array().unwrap() {
            let name = p["pattern"].as_str().unwrap();
            assert_eq!(
                p["hits"].as_u64().unwrap(),
                per.get(name).copied().unwrap_or(0)
            );
            let lines = p["lines"].as_array().unwrap();
            let firsts: Vec<&Row> = expected.iter().filter(|r| r.0 == name).take(3).collect();
            assert_eq!(lines.len(), firsts.len());
            for (l, r) in lines.iter().zip(firsts) {
                assert_eq!(l["start"].as_u64().unwrap() as usize, r.3);
                assert_eq!(l["match"].as_str().unwrap(), r.6);
            }
        }
        let bytes: Vec<u8> = ["kwic.csv", "report.json", "report.md", "report.html"]
            .iter()
            .flat_map(|f| std::fs::read(out.join(f)).unwrap())
            .collect();
        match &first {
            None => first = Some(bytes),
            Some(b) => assert!(*b == bytes, "{threads} threads differ from 1"),
        }
    }
}

#[test]
fn kwic_of_merged_shards_equals_one_run() {
    let dir = scratch("kwic-shards");
    let p = sotu_kwic(&dir);
    let p = p.to_str().unwrap();
    let full = dir.join("full");
    assert_exit(
        &wordmill(&["run", p, "--out", full.to_str().unwrap(), "--quiet"]),
        0,
    );
    let merged = merged_shards(&dir, "kwic", p, &sotu_files(), &[5, 33]);
    for f in ["kwic.csv", "report.json", "report.md", "report.html"] {
        assert!(
            std::fs::read(full.join(f)).unwrap() == std::fs::read(merged.join(f)).unwrap(),
            "{f} of the merged shards differs from one run"
        );
    }
}

#[test]
fn the_kwic_command_finds_what_the_pipeline_finds() {
    let dir = scratch("kwic-cli");
    let article = root().join("corpus/news/belarus-strikes-2020-08-13.txt");
    let text = std::fs::read_to_string(&article).unwrap();
    let record = serde_json::json!({"id": "news", "text": text}).to_string() + "\n";
    let input = dir.join("news.jsonl");
    std::fs::write(&input, &record).unwrap();
    let out = wordmill(&[
        "kwic",
        "strik*",
        "Lukashenka",
        "--fold",
        "--aliases",
        root()
            .join("pipelines/aliases/belarus.tsv")
            .to_str()
            .unwrap(),
        "--stopwords",
        "en",
        "--window",
        "6",
        "--json",
        input.to_str().unwrap(),
    ]);
    assert_exit(&out, 0);
    let cli: Vec<(String, u64, u64)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(v["id"], "news");
            let (s, e) = (v["start"].as_u64().unwrap(), v["end"].as_u64().unwrap());
            assert_eq!(&text[s as usize..e as usize], v["match"].as_str().unwrap());
            (v["pattern"].as_str().unwrap().to_string(), s, e)
        })
        .collect();
    // The pipeline with the same patterns (belarus-portrayal normalises alike: fold, aliases,
    // English stop words; nfkc changes nothing in this article's words).
    let run = dir.join("run");
    assert_exit(
        &wordmill(&[
            "run",
            "pipelines/belarus-portrayal.toml",
            "--out",
            run.to_str().unwrap(),
            "--quiet",
        ]),
        0,
    );
    let piped: Vec<(String, u64, u64)> = rows(&run.join("kwic.csv"))
        .into_iter()
        .filter(|r| r.0 == "strik*" || r.0 == "Lukashenka")
        .map(|r| (r.0, r.3 as u64, r.4 as u64))
        .collect();
    assert!(piped.len() >= 10);
    assert_eq!(cli, piped);

    // A pattern that normalisation removes is refused before any input is read.
    let out = wordmill_stdin(&["kwic", "the", "--stopwords", "en"], b"");
    assert_exit(&out, 2);
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("`the` in pattern \"the\" is removed by normalisation"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

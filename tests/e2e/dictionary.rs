//! `[analyse.dictionary]`: the same bytes for 1, 2 and 8 threads, for shards merged through
//! `--state-out` and `merge`, and through `map` and `reduce`; its files agree with each other;
//! a bad dictionary is an error of the pipeline file, at `files`, naming its line and column.

use std::path::{Path, PathBuf};

use crate::common::*;

/// The files the dictionary pipeline writes that must not change by a byte.
const FILES: [&str; 5] = [
    "dictionary.csv",
    "dictionary_groups.csv",
    "report.json",
    "report.md",
    "report.html",
];

/// A pipeline over the State of the Union addresses with the shipped Belarus dictionary, grouped
/// by party (paths relative to the repository root, where the binary runs).
fn pipeline(dir: &Path) -> PathBuf {
    let p = dir.join("dictionary.toml");
    std::fs::write(
        &p,
        "version = 1\nname = \"sotu-dictionary\"\n[ingest]\ninputs = [\"corpus/sotu/*.txt\"]\n\
         meta_from_path = '(?P<year>\\d{4})_(?P<president>[a-z_]+)_(?P<party>[a-z])\\.txt$'\n\
         [normalise]\nstopwords = \"en\"\nmin_len = 2\n\
         [analyse.dictionary]\nfiles = \"pipelines/dictionaries/belarus.yml\"\ngroup_by = [\"party\"]\n\
         [report]\nformats = [\"json\", \"csv\", \"md\", \"html\"]\n",
    )
    .unwrap();
    p
}

fn run(p: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "run",
        p.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend(extra);
    assert_exit(&wordmill(&args), 0);
}

fn same(a: &Path, b: &Path, what: &str) {
    for f in FILES {
        let x = std::fs::read(a.join(f)).unwrap_or_else(|e| panic!("{what}: {f}: {e}"));
        let y = std::fs::read(b.join(f)).unwrap_or_else(|e| panic!("{what}: {f}: {e}"));
        assert!(x == y, "{what}: {f} differs from one run on one thread");
    }
}

#[test]
fn threads_shards_and_map_reduce_give_the_same_bytes() {
    let dir = scratch("dictionary");
    let p = pipeline(&dir);
    let one = dir.join("t1");
    run(&p, &one, &["--threads", "1"]);
    for threads in ["2", "8"] {
        let out = dir.join(format!("t{threads}"));
        run(&p, &out, &["--threads", threads]);
        same(&one, &out, &format!("{threads} threads"));
    }

    // Three shards, merged in reverse order.
    let files = sotu_files();
    let merged = merged_shards(&dir, "dictionary", p.to_str().unwrap(), &files, &[1, 25]);
    same(&one, &merged, "shards merged");

    // Map over three partitions, reduce, merge.
    let lines: Vec<String> = files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let text = std::fs::read_to_string(root().join(f)).unwrap();
            let id = f.rsplit('/').next().unwrap().trim_end_matches(".txt");
            serde_json::json!({"id": id, "text": text, "path": f, "pos": i}).to_string()
        })
        .collect();
    let map = [
        "map",
        p.to_str().unwrap(),
        "--ordinal-field",
        "pos",
        "--path-field",
        "path",
    ];
    let mut mapped = Vec::new();
    for part in [&lines[40..], &lines[..13], &lines[13..40]] {
        let out = wordmill_stdin(&map, (part.join("\n") + "\n").as_bytes());
        assert_exit(&out, 0);
        mapped.push(out.stdout);
    }
    let reduced = wordmill_stdin(&["reduce", p.to_str().unwrap()], &mapped.concat());
    assert_exit(&reduced, 0);
    let state = dir.join("all.state");
    std::fs::write(&state, &reduced.stdout).unwrap();
    let out = dir.join("reduced");
    assert_exit(
        &wordmill(&[
            "merge",
            p.to_str().unwrap(),
            state.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]),
        0,
    );
    same(&one, &out, "map/reduce");
}

#[test]
fn every_document_has_a_row_per_category_and_the_groups_add_up() {
    let dir = scratch("dictionary-rows");
    let p = pipeline(&dir);
    let out = dir.join("out");
    run(&p, &out, &[]);
    let report = json(&out.join("report.json"));
    let categories: Vec<String> = report["dictionary"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        categories,
        ["labour", "protest", "police", "election", "government"]
    );
    // Party of each document, from documents.csv.
    let mut party = std::collections::BTreeMap::new();
    let mut docs = ::csv::Reader::from_path(out.join("documents.csv")).unwrap();
    let header = docs.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id_at, party_at, tokens_at) = (at("doc_id"), at("party"), at("tokens"));
    let mut ids = Vec::new();
    for r in docs.records() {
        let r = r.unwrap();
        ids.push(r[id_at].to_string());
        party.insert(
            r[id_at].to_string(),
            (
                r[party_at].to_string(),
                r[tokens_at].parse::<u64>().unwrap(),
            ),
        );
    }
    assert_eq!(ids.len(), 62);
    // dictionary.csv: every document × category, in document then category order.
    let mut rows = ::csv::Reader::from_path(out.join("dictionary.csv")).unwrap();
    let mut sums: std::collections::BTreeMap<(String, String), (u64, u64)> = Default::default();
    let mut n = 0;
    for (i, r) in rows.records().enumerate() {
        let r = r.unwrap();
        assert_eq!(r[0], ids[i / categories.len()]);
        assert_eq!(r[1], categories[i % categories.len()]);
        let (group, tokens) = &party[&r[0]];
        assert_eq!(r[3].parse::<u64>().unwrap(), *tokens);
        let e = sums.entry((group.clone(), r[1].to_string())).or_default();
        e.0 += r[2].parse::<u64>().unwrap();
        e.1 += tokens;
        n += 1;
    }
    assert_eq!(n, ids.len() * categories.len());
    // dictionary_groups.csv: the sums per party, with their share.
    let mut groups = ::csv::Reader::from_path(out.join("dictionary_groups.csv")).unwrap();
    assert_eq!(
        groups.headers().unwrap().iter().collect::<Vec<_>>(),
        ["party", "category", "count", "tokens", "share"]
    );
    let mut m = 0;
    for r in groups.records() {
        let r = r.unwrap();
        let (count, tokens) = sums[&(r[0].to_string(), r[1].to_string())];
        assert_eq!(r[2].parse::<u64>().unwrap(), count);
        assert_eq!(r[3].parse::<u64>().unwrap(), tokens);
        assert_eq!(r[4].parse::<f64>().unwrap(), count as f64 / tokens as f64);
        m += 1;
    }
    assert_eq!(m, sums.len());
    let labour = report["dictionary"]["categories"][0]["count"]
        .as_u64()
        .unwrap();
    assert_eq!(
        labour,
        sums.iter()
            .filter(|((_, c), _)| c == "labour")
            .map(|(_, v)| v.0)
            .sum::<u64>()
    );
}

#[test]
fn a_bad_dictionary_is_an_error_of_the_pipeline_at_files() {
    let dir = scratch("dictionary-bad");
    let dic = dir.join("bad.dic");
    std::fs::write(&dic, "%\n1\tlabour\n%\nstrike*\t1\nworker*\t2\n").unwrap();
    let p = dir.join("p.toml");
    std::fs::write(
        &p,
        format!(
            "version = 1\n[ingest]\ninputs = [\"corpus/news/*.txt\"]\n[analyse.dictionary]\nfiles = {:?}\n",
            dic.display().to_string()
        ),
    )
    .unwrap();
    let res = wordmill(&["validate", p.to_str().unwrap()]);
    assert_exit(&res, 2);
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains(&format!(
            "p.toml:5:9: `analyse.dictionary.files`: {}:5:9: unknown category id `2` for `worker*`: expected one of the header's ids (1)",
            dic.display()
        )),
        "{err}"
    );
}

//! Time and the formats news and mail arrive in: e-mail dates parsed into UTC, the trends per
//! month equal to the documents and sentences they are made of, the same bytes with 1, 2 and 8
//! threads and from merged shards; the dated news sample built from the seed article; legacy
//! encodings decoded.

use std::collections::BTreeMap;

use crate::common::*;

const MAIL: &str = "pipelines/mail-trends.toml";
const NEWS: &str = "pipelines/belarus-trends.toml";
const SAMPLE: &str = "corpus/news-dated/belarus-2020-08.jsonl";

/// The rows of a CSV file as maps from column to value.
fn csv_rows(path: &std::path::Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn run(pipeline: &str, out: &std::path::Path, threads: &str) {
    assert_exit(
        &wordmill(&[
            "run",
            pipeline,
            "--out",
            out.to_str().unwrap(),
            "--threads",
            threads,
            "--quiet",
        ]),
        0,
    );
}

/// The month (`2002-08-01`) of an ISO date or date-time.
fn month(date: &str) -> String {
    format!("{}-01", &date[..7])
}

#[test]
fn mail_dates_are_utc_and_the_monthly_sentiment_is_the_sentences_it_is_made_of() {
    let out = scratch("mail-trends");
    run(MAIL, &out, "2");
    let report = json(&out.join("report.json"));
    assert_eq!(report["corpus"]["documents"], 240);
    let run_json = json(&out.join("run.json"));
    assert_eq!(run_json["inputs"]["undated"], 0);
    assert!(run_json["inputs"]["attachments_skipped"].as_u64().unwrap() > 0);

    // Every date is ISO 8601 in UTC, and each document's class is its directory.
    let documents = csv_rows(&out.join("documents.csv"));
    assert_eq!(documents.len(), 240);
    let mut doc_bin: BTreeMap<String, (String, String)> = BTreeMap::new();
    for d in &documents {
        let date = &d["date"];
        assert!(
            date.len() == 20 && date.ends_with('Z') && &date[10..11] == "T",
            "{date}"
        );
        doc_bin.insert(d["doc_id"].clone(), (month(date), d["class"].clone()));
    }
    // The mean compound of each month and class, from sentences.jsonl, in corpus order.
    let mut sums: BTreeMap<(String, String), (f64, u64, u64, u64)> = BTreeMap::new();
    for line in std::fs::read_to_string(out.join("sentences.jsonl"))
        .unwrap()
        .lines()
    {
        let s: serde_json::Value = serde_json::from_str(line).unwrap();
        let c = s["compound"].as_f64().unwrap();
        let e = sums
            .entry(doc_bin[s["doc_id"].as_str().unwrap()].clone())
            .or_default();
        e.0 += c;
        e.1 += 1;
        e.2 += u64::from(c >= 0.05);
        e.3 += u64::from(c <= -0.05);
    }
    let rows = csv_rows(&out.join("trends.csv"));
    let mut checked = 0;
    let mut documents_per_bin: BTreeMap<(String, String), u64> = BTreeMap::new();
    for (m, class) in doc_bin.values() {
        *documents_per_bin
            .entry((m.clone(), class.clone()))
            .or_default() += 1;
    }
    for r in &rows {
        let key = (r["bin_start"].clone(), r["class"].clone());
        match (r["series"].as_str(), r["key"].as_str()) {
            ("documents", _) => {
                let n = documents_per_bin.get(&key).copied().unwrap_or(0);
                assert_eq!(r["count"], n.to_string(), "{r:?}");
            }
            ("sentiment", "mean_compound") => {
                let (sum, n, _, _) = sums.get(&key).copied().unwrap_or_default();
                assert_eq!(r["count"], n.to_string(), "{r:?}");
                if n > 0 {
                    let got: f64 = r["value"].parse().unwrap();
                    assert_eq!(got.to_bits(), (sum / n as f64).to_bits(), "{r:?}");
                    checked += 1;
                } else {
                    assert_eq!(r["value"], "", "{r:?}");
                }
            }
            ("sentiment", "negative") => {
                let (_, _, _, neg) = sums.get(&key).copied().unwrap_or_default();
                assert_eq!(r["count"], neg.to_string(), "{r:?}");
            }
            _ => {}
        }
    }
    assert!(checked >= 15, "{checked}");
    // Every month from the first message's to the last's, each once per class and series key.
    let months: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["bin_start"].as_str()).collect();
    assert_eq!(months.first(), Some(&"1999-04-01"));
    assert_eq!(months.last(), Some(&"2002-12-01"));
    assert_eq!(months.len(), 45);
}

#[test]
fn mail_trends_are_the_same_bytes_on_any_threads_and_from_merged_shards() {
    let dir = scratch("mail-trends-determinism");
    let files = [
        "report.json",
        "trends.csv",
        "documents.csv",
        "report.md",
        "report.html",
    ];
    let one = dir.join("t1");
    run(MAIL, &one, "1");
    for threads in ["2", "8"] {
        let other = dir.join(format!("t{threads}"));
        run(MAIL, &other, threads);
        for f in files {
            assert!(
                std::fs::read(one.join(f)).unwrap() == std::fs::read(other.join(f)).unwrap(),
                "{f} differs with {threads} threads"
            );
        }
    }
    let mut mail: Vec<String> = Vec::new();
    for class in ["ham", "spam"] {
        for e in std::fs::read_dir(root().join("corpus/mail").join(class)).unwrap() {
            mail.push(format!(
                "corpus/mail/{class}/{}",
                e.unwrap().file_name().into_string().unwrap()
            ));
        }
    }
    mail.sort();
    let merged = merged_shards(&dir, "mail", MAIL, &mail, &[70, 150, 201]);
    for f in ["trends.csv", "documents.csv", "report.md"] {
        assert!(
            std::fs::read(one.join(f)).unwrap() == std::fs::read(merged.join(f)).unwrap(),
            "{f} differs when merged from shards"
        );
    }
}

/// The sample's documents: the seed article's paragraphs (after its title lines), paragraph k
/// of n dated 9 + ⌊5k/n⌋ August 2020 at 08:00 plus k minutes in Minsk (UTC+3), so the trend
/// runs over the five days from the election to the strikes. The dates are assigned, not the
/// paragraphs' own: the sample exists to show and test trends on real text.
fn dated_sample() -> String {
    let article =
        std::fs::read_to_string(root().join("corpus/news/belarus-strikes-2020-08-13.txt")).unwrap();
    let paragraphs: Vec<String> = article
        .split("\n\n")
        .skip(2)
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    let n = paragraphs.len();
    let mut out = String::new();
    for (k, p) in paragraphs.iter().enumerate() {
        let line = serde_json::json!({
            "id": format!("belarus-p{:02}", k + 1),
            "date": format!("2020-08-{:02}T08:{:02}:00+03:00", 9 + 5 * k / n, k),
            "source": "bne IntelliNews",
            "text": p,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

#[test]
fn the_dated_sample_is_built_from_the_seed_article() {
    let built = dated_sample();
    let path = root().join(SAMPLE);
    if std::env::var_os("WORDMILL_REGENERATE").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &built).unwrap();
    }
    let shipped = std::fs::read_to_string(&path).unwrap();
    assert!(
        shipped == built,
        "{SAMPLE} is not what the seed article builds: run the tests with WORDMILL_REGENERATE=1"
    );
}

#[test]
fn news_trends_place_each_paragraph_on_its_day_in_minsk_time_made_utc() {
    let out = scratch("news-trends");
    run(NEWS, &out, "2");
    let documents = csv_rows(&out.join("documents.csv"));
    // 08:00 in Minsk is 05:00 UTC, the same day.
    assert!(documents.iter().all(|d| d["date"].contains("T05:")));
    let rows = csv_rows(&out.join("trends.csv"));
    let days: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["series"] == "documents")
        .map(|r| (r["bin_start"].as_str(), r["count"].as_str()))
        .collect();
    let mut want: BTreeMap<String, u64> = BTreeMap::new();
    for d in &documents {
        *want.entry(d["date"][..10].to_string()).or_default() += 1;
    }
    let want: Vec<(String, String)> = want.into_iter().map(|(d, n)| (d, n.to_string())).collect();
    let got: Vec<(String, String)> = days
        .iter()
        .map(|(d, n)| (d.to_string(), n.to_string()))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn a_latin1_corpus_read_as_latin1_counts_its_accented_words() {
    let dir = scratch("latin1");
    let text: Vec<u8> = "Un café crème, délicieux. Le café était délicieux."
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    std::fs::write(dir.join("menu.txt"), text).unwrap();
    let pipeline = |encoding: &str| {
        format!(
            "version = 1\nname = \"latin1\"\n[ingest]\ninputs = [\"{}\"]\n{encoding}\n\
             [analyse.terms]\n[report]\ndir = \"{}\"\nformats = [\"json\", \"csv\"]\n",
            dir.join("menu.txt").display(),
            dir.join("out").display()
        )
    };
    let terms = |encoding: &str| -> Vec<String> {
        let p = dir.join("p.toml");
        std::fs::write(&p, pipeline(encoding)).unwrap();
        assert_exit(&wordmill(&["run", p.to_str().unwrap(), "--quiet"]), 0);
        csv_rows(&dir.join("out/terms.csv"))
            .into_iter()
            .map(|r| r["term"].clone())
            .collect()
    };
    let right = terms("encoding = \"latin-1\"");
    for word in ["café", "crème", "délicieux", "était"] {
        assert!(right.contains(&word.to_string()), "{word}: {right:?}");
    }
    let wrong = terms("encoding_errors = \"replace\"");
    assert!(!wrong.contains(&"café".to_string()), "{wrong:?}");
    let p = dir.join("p.toml");
    std::fs::write(&p, pipeline("encoding = \"klingon\"")).unwrap();
    let out = wordmill(&["validate", p.to_str().unwrap()]);
    assert_exit(&out, 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown encoding `klingon`"));
}

/// A pipeline with the dictionary and targets series, per year and party, on corpus/sotu.
fn words_pipeline(dir: &std::path::Path) -> String {
    let p = dir.join("words-trends.toml");
    std::fs::write(
        &p,
        format!(
            "version = 1\nname = \"words-trends\"\n[ingest]\ninputs = [\"corpus/sotu/*.txt\"]\n\
             meta_from_path = '(?P<year>\\d{{4}})_(?P<president>[a-z_]+)_(?P<party>[a-z])\\.txt$'\n\
             date_field = \"year\"\n[normalise]\nstopwords = \"en\"\n[analyse.sentiment]\n\
             [analyse.dictionary]\nfiles = \"pipelines/dictionaries/belarus.yml\"\n\
             [analyse.targets]\namerica = [\"america\", \"american*\"]\ntaxes = [\"tax\", \"taxes\", \"taxpayer*\"]\n\
             [analyse.trends]\nbin = \"year\"\nby = \"party\"\ntop = 3\n\
             [report]\ndir = \"{}\"\n",
            dir.join("unused").display()
        ),
    )
    .unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn dictionary_and_target_series_are_the_rows_of_their_own_files_by_year() {
    let dir = scratch("words-trends");
    let pipeline = words_pipeline(&dir);
    let out = dir.join("out");
    run(&pipeline, &out, "2");
    // Each document's year and party, by id.
    let documents = csv_rows(&out.join("documents.csv"));
    let bin: BTreeMap<String, (String, String)> = documents
        .iter()
        .map(|d| {
            (
                d["doc_id"].clone(),
                (format!("{}-01-01", d["year"]), d["party"].clone()),
            )
        })
        .collect();
    // dictionary.csv summed per year, party and category.
    let mut dictionary: BTreeMap<(String, String, String), u64> = BTreeMap::new();
    for r in csv_rows(&out.join("dictionary.csv")) {
        let (year, party) = bin[&r["doc_id"]].clone();
        *dictionary
            .entry((year, party, r["category"].clone()))
            .or_default() += r["count"].parse::<u64>().unwrap();
    }
    // target_sentences.jsonl per year, party and target: sentences and the sum of compounds.
    let mut targets: BTreeMap<(String, String, String), (u64, f64)> = BTreeMap::new();
    for line in std::fs::read_to_string(out.join("target_sentences.jsonl"))
        .unwrap()
        .lines()
    {
        let t: serde_json::Value = serde_json::from_str(line).unwrap();
        let (year, party) = bin[t["doc_id"].as_str().unwrap()].clone();
        let e = targets
            .entry((year, party, t["target"].as_str().unwrap().to_string()))
            .or_default();
        e.0 += 1;
        e.1 += t["compound"].as_f64().unwrap();
    }
    let (mut seen_dictionary, mut seen_targets) = (0, 0);
    for r in csv_rows(&out.join("trends.csv")) {
        let key = (r["bin_start"].clone(), r["party"].clone(), r["key"].clone());
        match r["series"].as_str() {
            "dictionary" => {
                let want = dictionary.get(&key).copied().unwrap_or(0);
                assert_eq!(r["count"], want.to_string(), "{r:?}");
                seen_dictionary += u64::from(want > 0);
            }
            "targets" => {
                let (n, sum) = targets.get(&key).copied().unwrap_or_default();
                assert_eq!(r["count"], n.to_string(), "{r:?}");
                if n > 0 {
                    let got: f64 = r["value"].parse().unwrap();
                    assert_eq!(got.to_bits(), (sum / n as f64).to_bits(), "{r:?}");
                    seen_targets += 1;
                }
            }
            _ => {}
        }
    }
    assert!(
        seen_dictionary > 50 && seen_targets > 50,
        "{seen_dictionary} {seen_targets}"
    );
    // The same bytes from three shards merged.
    let merged = merged_shards(&dir, "words", &pipeline, &sotu_files(), &[20, 41]);
    assert!(
        std::fs::read(out.join("trends.csv")).unwrap()
            == std::fs::read(merged.join("trends.csv")).unwrap(),
        "trends.csv differs when merged from shards"
    );
}

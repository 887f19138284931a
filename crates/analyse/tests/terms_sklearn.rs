//! Golden test: `Terms` against scikit-learn's `CountVectorizer` / `TfidfVectorizer`.
//!
//! For every `*.json.gz` case file in `tfidf/` and `tfidf_edge/` of the reference directory
//! (`WORDMILL_REFERENCE`, by default the repository's `tests/reference`), the configuration
//! is derived from the file's `options`, the directory's `docs.jsonl` is tokenised by
//! wordmill-normalise configured like scikit-learn (lower-case, then `(?u)\b\w\w+\b`), and
//! the output must equal the reference exactly: vocabulary, document frequencies, counts, idf
//! values and every row's weights, compared with f64 `==`. Each case is also run on three
//! partial states observed in reverse order and merged, which must give the same output.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use wordmill_analyse::{Analyser, DocFreq, Norm, Terms, TermsConfig, TermsOutput, TfidfConfig};
use wordmill_model::{Document, Merge, Metadata, NormalisedDoc};
use wordmill_normalise::{Normaliser, NormaliserConfig, StopWords, TokenizerKind, UnicodeForm};

/// How many differences a failure message lists in full (all are counted).
const SHOWN: usize = 40;

/// Tokens exactly as scikit-learn makes them: no Unicode normalisation, Python's full
/// lower-casing, then the matches of `(?u)\b\w\w+\b` with Python's meaning of `\w`.
fn sklearn_normaliser() -> Normaliser {
    let config = NormaliserConfig::default()
        .unicode(UnicodeForm::None)
        .lowercase(true)
        .tokenizer(TokenizerKind::Pattern(r"(?u)\b\w\w+\b".into()))
        .stopwords(StopWords::None)
        .min_len(1)
        .stem(None)
        .sentences(false);
    Normaliser::new(config).expect("scikit-learn's configuration is valid")
}

fn reference_dir() -> PathBuf {
    std::env::var_os("WORDMILL_REFERENCE").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/reference"
            ))
        },
        PathBuf::from,
    )
}

fn load_docs(dir: &Path) -> Vec<Document> {
    let path = dir.join("docs.jsonl");
    let file = File::open(&path)
        .unwrap_or_else(|e| panic!("reference corpus {} is missing: {e}", path.display()));
    BufReader::new(file)
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let line = line.unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1));
            let v: Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1));
            let field = |k: &str| {
                v[k].as_str()
                    .unwrap_or_else(|| panic!("{}:{}: no string {k:?}", path.display(), i + 1))
                    .to_owned()
            };
            Document::new(i as u64, field("id"), field("text"), Metadata::new())
        })
        .collect()
}

fn case_files(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "reference directory {} is missing ({e}); set WORDMILL_REFERENCE to the directory \
             holding tfidf/ and tfidf_edge/",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no *.json.gz case files in {}",
        dir.display()
    );
    files
}

fn read_case(path: &Path) -> Map<String, Value> {
    let file = File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: Value = serde_json::from_reader(flate2::read::GzDecoder::new(file))
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    match value {
        Value::Object(map) => map,
        _ => panic!("{}: not a JSON object", path.display()),
    }
}

/// scikit-learn's int/float rule: a JSON integer is a count, a number with a point a fraction.
fn doc_freq(v: &Value, key: &str) -> DocFreq {
    match v.as_u64() {
        Some(c) => DocFreq::Count(c),
        None => DocFreq::Fraction(v.as_f64().unwrap_or_else(|| panic!("option {key}: {v}"))),
    }
}

/// The configuration a case's `options` describe; panics on an option this test cannot honour.
fn config_of(case: &str, options: &Value) -> (TermsConfig, bool) {
    let expect = |key: &str, want: Value| {
        assert_eq!(
            options[key], want,
            "{case}: option {key} is not supported by this test"
        );
    };
    expect("lowercase", Value::Bool(true));
    expect("token_pattern", Value::String(r"(?u)\b\w\w+\b".into()));
    expect("analyzer", Value::String("word".into()));
    expect("binary", Value::Bool(false));
    expect("stop_words", Value::Null);
    expect("strip_accents", Value::Null);

    let range = options["ngram_range"].as_array().expect("ngram_range");
    let n = |i: usize| range[i].as_u64().expect("ngram_range entry") as usize;
    let tfidf_class = match options["class"].as_str() {
        Some("TfidfVectorizer") => true,
        Some("CountVectorizer") => false,
        other => panic!("{case}: unknown class {other:?}"),
    };
    let mut tfidf = TfidfConfig::default();
    if tfidf_class {
        tfidf.norm = match &options["norm"] {
            Value::Null => Norm::None,
            Value::String(s) if s == "l1" => Norm::L1,
            Value::String(s) if s == "l2" => Norm::L2,
            other => panic!("{case}: unknown norm {other}"),
        };
        let flag = |k: &str| {
            options[k]
                .as_bool()
                .unwrap_or_else(|| panic!("{case}: {k}"))
        };
        tfidf.use_idf = flag("use_idf");
        tfidf.smooth_idf = flag("smooth_idf");
        tfidf.sublinear_tf = flag("sublinear_tf");
    }
    let config = TermsConfig::default()
        .ngram_range((n(0), n(1)))
        .top(10)
        .min_df(doc_freq(&options["min_df"], "min_df"))
        .max_df(doc_freq(&options["max_df"], "max_df"))
        .max_features(options["max_features"].as_u64().map(|m| m as usize))
        .tfidf(tfidf)
        .per_document(true);
    config.validate().unwrap_or_else(|e| panic!("{case}: {e}"));
    (config, tfidf_class)
}

fn run(terms: &Terms, docs: &[NormalisedDoc<'_>]) -> TermsOutput {
    let mut partial = terms.partial();
    for doc in docs {
        terms.observe(&mut partial, doc);
    }
    terms.finish(partial)
}

/// The same documents observed in reverse order into three partials, merged: must not matter.
fn run_sharded(terms: &Terms, docs: &[NormalisedDoc<'_>]) -> TermsOutput {
    let mut shards = [terms.partial(), terms.partial(), terms.partial()];
    for (i, doc) in docs.iter().enumerate().rev() {
        terms.observe(&mut shards[i % 3], doc);
    }
    let [a, b, c] = shards;
    let mut merged = c;
    merged.merge(a);
    merged.merge(b);
    terms.finish(merged)
}

/// Differences found in one case.
#[derive(Default)]
struct Diffs {
    lines: Vec<String>,
    count: usize,
    compared: usize,
}

impl Diffs {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.compared += 1;
        if !ok {
            self.count += 1;
            if self.lines.len() < SHOWN {
                self.lines.push(what());
            }
        }
    }
}

fn compare(
    case: &str,
    expected: &Map<String, Value>,
    tfidf_class: bool,
    out: &TermsOutput,
) -> Diffs {
    let mut d = Diffs::default();
    let ids: Vec<&str> = expected["docs"]
        .as_array()
        .expect("docs")
        .iter()
        .map(|v| v.as_str().expect("doc id"))
        .collect();
    let n_docs = expected["n_docs"].as_u64().expect("n_docs");
    d.check(out.n_docs == n_docs, || {
        format!("{case}: n_docs expected {n_docs}, got {}", out.n_docs)
    });
    let rows = out.documents.as_ref().expect("per-document rows");
    let got_ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    d.check(got_ids == ids, || {
        format!("{case}: docs expected {ids:?}, got {got_ids:?}")
    });

    let size = expected["vocabulary_size"]
        .as_u64()
        .expect("vocabulary_size");
    d.check(out.vocabulary.len() as u64 == size, || {
        format!(
            "{case}: vocabulary_size expected {size}, got {}",
            out.vocabulary.len()
        )
    });

    // The expected vocabulary: keys of idf/df, or (use_idf = false) every term of some row.
    let table = if tfidf_class { "rows" } else { "counts" };
    let expected_rows = expected[table]
        .as_object()
        .unwrap_or_else(|| panic!("{case}: {table}"));
    let per_term = expected
        .get("idf")
        .or_else(|| expected.get("df"))
        .and_then(Value::as_object);
    let want_vocab: BTreeSet<&str> = match per_term {
        Some(map) => map.keys().map(String::as_str).collect(),
        None => expected_rows
            .values()
            .flat_map(|row| row.as_object().expect("row").keys().map(String::as_str))
            .collect(),
    };
    let got_vocab: BTreeSet<&str> = out.vocabulary.iter().map(|t| t.term.as_str()).collect();
    for term in want_vocab.difference(&got_vocab) {
        d.check(false, || {
            format!("{case}: term {term:?} missing from the vocabulary")
        });
    }
    for term in got_vocab.difference(&want_vocab) {
        d.check(false, || {
            format!("{case}: term {term:?} in the vocabulary but not expected")
        });
    }
    let order: Vec<&str> = out.vocabulary.iter().map(|t| t.term.as_str()).collect();
    d.check(order.windows(2).all(|w| w[0] < w[1]), || {
        format!("{case}: vocabulary not in code-point order")
    });

    let stats: BTreeMap<&str, _> = out
        .vocabulary
        .iter()
        .map(|t| (t.term.as_str(), t))
        .collect();
    if let Some(df) = expected.get("df").and_then(Value::as_object) {
        for (term, want) in df {
            let want = want.as_u64().expect("df value");
            if let Some(got) = stats.get(term.as_str()) {
                d.check(got.doc_freq == want, || {
                    format!(
                        "{case}: df of {term:?} expected {want}, got {}",
                        got.doc_freq
                    )
                });
            }
        }
    }
    if let Some(idf) = expected.get("idf").and_then(Value::as_object) {
        for (term, want) in idf {
            let want = want.as_f64().expect("idf value");
            if let Some(got) = stats.get(term.as_str()) {
                d.check(got.idf == Some(want), || {
                    format!(
                        "{case}: idf of {term:?} expected {want:?}, got {:?}",
                        got.idf
                    )
                });
            }
        }
    } else if tfidf_class {
        d.check(out.vocabulary.iter().all(|t| t.idf.is_none()), || {
            format!("{case}: idf given without use_idf")
        });
    }

    for (index, id) in ids.iter().enumerate() {
        let Some(row) = rows.get(index) else { break };
        let want = expected_rows
            .get(*id)
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("{case}: no {table} for document {id:?}"));
        let got: BTreeMap<&str, _> = row.terms.iter().map(|t| (&*t.term, t)).collect();
        let want_terms: BTreeSet<&str> = want.keys().map(String::as_str).collect();
        let got_terms: BTreeSet<&str> = got.keys().copied().collect();
        d.check(want_terms == got_terms, || {
            format!(
                "{case}: document {id:?}: non-zero terms differ; missing {:?}, unexpected {:?}",
                want_terms.difference(&got_terms).collect::<Vec<_>>(),
                got_terms.difference(&want_terms).collect::<Vec<_>>()
            )
        });
        for (term, value) in want {
            let Some(cell) = got.get(term.as_str()) else {
                continue;
            };
            if tfidf_class {
                let want = value.as_f64().expect("weight");
                d.check(cell.weight == want, || {
                    format!(
                        "{case}: document {id:?}, term {term:?}: weight expected {want:?}, got {:?} (Δ {:e})",
                        cell.weight,
                        cell.weight - want
                    )
                });
            } else {
                let want = value.as_u64().expect("count");
                d.check(cell.count == want, || {
                    format!(
                        "{case}: document {id:?}, term {term:?}: count expected {want}, got {}",
                        cell.count
                    )
                });
            }
        }
    }
    d
}

fn check_directory(name: &str) {
    let dir = reference_dir().join(name);
    let files = case_files(&dir);
    let documents = load_docs(&dir);
    let normalised: Vec<NormalisedDoc<'_>> = {
        let normaliser = sklearn_normaliser();
        documents.iter().map(|d| normaliser.normalise(d)).collect()
    };

    let mut report = String::new();
    let mut failed = 0;
    let mut values = 0;
    for path in &files {
        let case = format!(
            "{name}/{}",
            path.file_name().unwrap_or_default().to_string_lossy()
        );
        let expected = read_case(path);
        let (config, tfidf_class) = config_of(&case, &expected["options"]);
        let terms = Terms::new(config);
        let out = run(&terms, &normalised);
        let d = compare(&case, &expected, tfidf_class, &out);
        let sharded = run_sharded(&terms, &normalised);
        // The one-call path over the texts gives the same output, document ids aside (it
        // numbers the texts from 0).
        let fitted = terms.fit_with(&sklearn_normaliser(), documents.iter().map(|d| &d.text));
        let same_rows = |a: &TermsOutput, b: &TermsOutput| {
            a.rows().len() == b.rows().len()
                && a.rows().iter().zip(b.rows()).all(|(x, y)| {
                    (x.ordinal, x.n_tokens, &x.terms) == (y.ordinal, y.n_tokens, &y.terms)
                })
        };
        let same = sharded == out
            && (
                fitted.n_docs,
                fitted.n_tokens,
                &fitted.vocabulary,
                &fitted.top,
                fitted.pruned,
            ) == (
                out.n_docs,
                out.n_tokens,
                &out.vocabulary,
                &out.top,
                out.pruned,
            )
            && same_rows(&fitted, &out);
        // Not vacuous: every expected per-term value (idf or df) and every expected cell was
        // compared.
        let table_len = |key: &str| {
            expected
                .get(key)
                .and_then(Value::as_object)
                .map_or(0, Map::len)
        };
        let cells: usize = ["rows", "counts"]
            .iter()
            .filter_map(|k| expected.get(*k).and_then(Value::as_object))
            .flat_map(|rows| rows.values())
            .map(|row| row.as_object().map_or(0, Map::len))
            .sum();
        let floor = table_len("idf") + table_len("df") + cells;
        assert!(
            d.compared >= floor,
            "{case}: only {} values compared",
            d.compared
        );
        values += d.compared;
        if d.count > 0 || !same {
            failed += 1;
            report.push_str(&format!(
                "\n{case}: {} of {} values differ{}\n",
                d.count,
                d.compared,
                if same {
                    ""
                } else {
                    "; a sharded, reordered run or the one-call fit gave a different output"
                }
            ));
            for line in &d.lines {
                report.push_str("  ");
                report.push_str(line);
                report.push('\n');
            }
            if d.count > d.lines.len() {
                report.push_str(&format!("  ... and {} more\n", d.count - d.lines.len()));
            }
        }
    }
    assert!(
        failed == 0,
        "{failed} of {} cases ({values} values compared) differ from scikit-learn:{report}",
        files.len()
    );
}

#[test]
fn tfidf_cases_equal_scikit_learn() {
    check_directory("tfidf");
}

#[test]
fn tfidf_edge_cases_equal_scikit_learn() {
    check_directory("tfidf_edge");
}

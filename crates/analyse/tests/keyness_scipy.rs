//! Golden test: `Keyness` against scipy's `chi2_contingency` on scikit-learn's counts.
//!
//! For every `keyness_*.json.gz` case file in `compare/` of the reference directory
//! (`WORDMILL_REFERENCE`, by default the repository's `tests/reference`), the documents of
//! `compare/docs.jsonl` get their `group` field as metadata, are tokenised by
//! wordmill-normalise configured like scikit-learn's `CountVectorizer` (lower-case, then
//! `(?u)\b\w\w+\b`), and keyness by `group` (the case's `target`, or every group when it is
//! null) must equal the reference: the groups, each target's totals, and every row (counts
//! exactly, statistics within 1e-9 relative, p-values within 1e-6 relative or both below
//! 1e-290). The same documents observed into three partial states in reverse order, saved,
//! loaded and merged, must give the same output.
//!
//! Then, on random corpora: merging partial states of any split in any order gives the output
//! of one pass; the partial state survives a save and load; the features are exactly the terms
//! analyser's vocabulary and the counts those of the terms analyser on each value's documents.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::{Map, Value};
use wordmill_analyse::{
    Analyser, DocFreq, Keyness, KeynessConfig, KeynessOutput, KeynessPartial, Terms, TermsConfig,
};
use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span, Token, TokenText};
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

/// `docs.jsonl`, each document's `group` as its metadata `group`.
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
            let mut meta = Metadata::new();
            meta.insert("group", field("group"));
            Document::new(i as u64, field("id"), field("text"), meta)
        })
        .collect()
}

fn case_files(dir: &Path) -> Vec<PathBuf> {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| {
        panic!(
            "reference directory {} is missing ({e}); set WORDMILL_REFERENCE to the directory \
             holding compare/",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            name.starts_with("keyness_") && name.ends_with(".json.gz")
        })
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no keyness_*.json.gz case files in {}",
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

fn run(keyness: &Keyness, docs: &[NormalisedDoc<'_>]) -> KeynessOutput {
    let mut partial = keyness.partial();
    for doc in docs {
        keyness.observe(&mut partial, doc);
    }
    keyness.finish(partial)
}

/// A saved and loaded partial state.
fn reload(p: &KeynessPartial) -> KeynessPartial {
    let json = serde_json::to_string(p).expect("a partial state serialises");
    let back: KeynessPartial = serde_json::from_str(&json).expect("a saved state loads");
    assert_eq!(
        serde_json::to_string(&back).unwrap(),
        json,
        "save, load, save"
    );
    back.validate().expect("a saved state is valid");
    back
}

/// The same documents observed in reverse order into three partials, saved, loaded, merged.
fn run_sharded(keyness: &Keyness, docs: &[NormalisedDoc<'_>]) -> KeynessOutput {
    let mut shards = [keyness.partial(), keyness.partial(), keyness.partial()];
    for (i, doc) in docs.iter().enumerate().rev() {
        keyness.observe(&mut shards[i % 3], doc);
    }
    let [a, b, c] = shards;
    let mut merged = reload(&c);
    merged.merge(reload(&a));
    merged.merge(reload(&b));
    keyness.finish(merged)
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

/// Within `rel` relative (equal values, zeros included, always are).
fn close(got: f64, want: f64, rel: f64) -> bool {
    got == want || (got - want).abs() <= rel * got.abs().max(want.abs())
}

fn p_close(got: f64, want: f64) -> bool {
    close(got, want, 1e-6) || (got < 1e-290 && want < 1e-290 && got >= 0.0 && want >= 0.0)
}

fn compare(case: &str, expected: &Map<String, Value>, out: &KeynessOutput) -> Diffs {
    let mut d = Diffs::default();
    let n_docs = expected["n_docs"].as_u64().expect("n_docs");
    d.check(out.documents == n_docs, || {
        format!("{case}: n_docs expected {n_docs}, got {}", out.documents)
    });
    d.check(out.documents_without_key == 0, || {
        format!(
            "{case}: {} documents without a group",
            out.documents_without_key
        )
    });
    let groups: Vec<&str> = expected["groups"]
        .as_array()
        .expect("groups")
        .iter()
        .map(|g| g.as_str().expect("group"))
        .collect();
    let got_groups: Vec<&str> = out.values.iter().map(|v| v.value.as_str()).collect();
    d.check(got_groups == groups, || {
        format!("{case}: groups expected {groups:?}, got {got_groups:?}")
    });

    let totals = expected["totals"].as_object().expect("totals");
    let want_targets: Vec<&str> = match expected["options"]["target"].as_str() {
        Some(t) => vec![t],
        None => groups.clone(),
    };
    let got_targets: Vec<&str> = out.comparisons.iter().map(|c| c.label.as_str()).collect();
    d.check(got_targets == want_targets, || {
        format!("{case}: targets expected {want_targets:?}, got {got_targets:?}")
    });
    for c in &out.comparisons {
        let want: Vec<u64> = totals[&c.label]
            .as_array()
            .unwrap_or_else(|| panic!("{case}: no totals for {}", c.label))
            .iter()
            .map(|n| n.as_u64().expect("total"))
            .collect();
        d.check(c.totals[..] == want[..], || {
            format!(
                "{case}: totals of {} expected {want:?}, got {:?}",
                c.label, c.totals
            )
        });
    }

    let rows = expected["rows"].as_array().expect("rows");
    let got: Vec<(&str, &wordmill_analyse::KeynessRow)> = out
        .comparisons
        .iter()
        .flat_map(|c| c.rows.iter().map(move |r| (c.label.as_str(), r)))
        .collect();
    d.check(got.len() == rows.len(), || {
        format!("{case}: {} rows expected, got {}", rows.len(), got.len())
    });
    for (want, (group, row)) in rows.iter().zip(&got) {
        let term = want["term"].as_str().expect("term");
        let at = format!("{case}: {}/{term}", want["group"]);
        d.check(
            want["group"].as_str() == Some(*group) && *term == *row.term,
            || format!("{at}: got the row {group}/{} in its place", row.term),
        );
        for (key, value) in [
            ("target_count", row.target_count),
            ("reference_count", row.reference_count),
        ] {
            let w = want[key].as_u64().expect("count");
            d.check(w == value, || {
                format!("{at}: {key} expected {w}, got {value}")
            });
        }
        for (key, value) in [
            ("chi2", row.chi2),
            ("g2", row.g2),
            ("log_ratio", row.log_ratio),
        ] {
            let w = want[key].as_f64().expect("statistic");
            d.check(close(value, w, 1e-9), || {
                format!("{at}: {key} expected {w:?}, got {value:?}")
            });
        }
        for (key, value) in [("chi2_p", row.chi2_p), ("g2_p", row.g2_p)] {
            let w = want[key].as_f64().expect("p-value");
            d.check(p_close(value, w), || {
                format!("{at}: {key} expected {w:?}, got {value:?}")
            });
        }
    }
    d
}

#[test]
fn keyness_cases_equal_scipy() {
    let dir = reference_dir().join("compare");
    let files = case_files(&dir);
    let documents = load_docs(&dir);
    let normaliser = sklearn_normaliser();
    let normalised: Vec<NormalisedDoc<'_>> =
        documents.iter().map(|d| normaliser.normalise(d)).collect();

    let mut report = String::new();
    let mut failed = 0;
    for path in &files {
        let case = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let expected = read_case(path);
        let target = match &expected["options"]["target"] {
            Value::Null => None,
            Value::String(t) => Some(vec![t.clone()]),
            other => panic!("{case}: target {other}"),
        };
        let keyness = Keyness::try_new(KeynessConfig::new("group").target(target))
            .expect("a valid configuration");
        let out = run(&keyness, &normalised);
        let d = compare(&case, &expected, &out);
        // Not vacuous: every row's 7 values, plus the totals.
        let floor = expected["rows"].as_array().map_or(0, Vec::len) * 7;
        assert!(
            floor > 0 && d.compared >= floor,
            "{case}: only {} values compared",
            d.compared
        );
        let same = run_sharded(&keyness, &normalised) == out;
        if d.count > 0 || !same {
            failed += 1;
            report.push_str(&format!(
                "\n{case}: {} of {} values differ{}\n",
                d.count,
                d.compared,
                if same {
                    ""
                } else {
                    "; a sharded, reordered run gave a different output"
                }
            ));
            for line in &d.lines {
                report.push_str(&format!("  {line}\n"));
            }
            if d.count > d.lines.len() {
                report.push_str(&format!("  ... and {} more\n", d.count - d.lines.len()));
            }
        }
    }
    assert!(
        failed == 0,
        "{failed} of {} cases differ from scipy:{report}",
        files.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Random corpora

/// A small alphabet, so that terms, n-grams and ties repeat.
const WORDS: &[&str] = &[
    "strike", "workers", "march", "über", "ёж", "a", "plant", "vote",
];
/// Values of the key; `None`: the document has no key.
const VALUES: &[Option<&str>] = &[Some("d"), Some("r"), Some("i"), None];

fn documents(texts: &[(usize, Vec<usize>)]) -> Vec<Document> {
    texts
        .iter()
        .enumerate()
        .map(|(i, (value, words))| {
            let text: Vec<&str> = words.iter().map(|&w| WORDS[w % WORDS.len()]).collect();
            let mut meta = Metadata::new();
            meta.insert("year", "2020");
            if let Some(v) = VALUES[value % VALUES.len()] {
                meta.insert("party", v);
            }
            Document::new(i as u64, format!("doc-{i}"), text.join(" "), meta)
        })
        .collect()
}

/// Tokens borrowed from the text: split at single spaces.
fn normalise(doc: &Document) -> NormalisedDoc<'_> {
    let mut tokens = Vec::new();
    let mut start = 0;
    if !doc.text.is_empty() {
        for (position, word) in doc.text.split(' ').enumerate() {
            let span = Span::new(start, start + word.len());
            tokens.push(Token {
                text: TokenText::borrowed(word),
                span,
                position: position as u32,
            });
            start = span.end + 1;
        }
    }
    NormalisedDoc {
        doc,
        sentences: vec![Span::new(0, doc.text.len())],
        tokens,
    }
}

fn doc_freq() -> impl Strategy<Value = DocFreq> {
    prop_oneof![
        (0u64..4).prop_map(DocFreq::Count),
        prop::sample::select(vec![0.0, 0.25, 0.5, 0.9, 1.0]).prop_map(DocFreq::Fraction),
    ]
}

fn config() -> impl Strategy<Value = KeynessConfig> {
    let values = || prop::sample::subsequence(vec!["d", "r", "i", "x"], 1..=2);
    (
        (1usize..=2, 0usize..=1),
        doc_freq(),
        doc_freq(),
        prop::option::of(1usize..6),
        prop::option::of(values()),
        prop::option::of(values()),
    )
        .prop_map(
            |((lo, extra), min_df, max_df, max_features, target, reference)| {
                let features = TermsConfig::default()
                    .ngram_range((lo, lo + extra))
                    .min_df(min_df)
                    .max_df(max_df)
                    .max_features(max_features);
                let owned = |v: Vec<&str>| v.into_iter().map(String::from).collect::<Vec<_>>();
                let target = target.map(owned);
                // A reference that overlaps the target is invalid: drop the shared values.
                let reference = reference.map(owned).map(|r| {
                    r.into_iter()
                        .filter(|v| !target.as_ref().is_some_and(|t| t.contains(v)))
                        .collect::<Vec<_>>()
                });
                KeynessConfig::new("party")
                    .target(target)
                    .reference(reference.filter(|r| !r.is_empty()))
                    .features(features)
            },
        )
}

fn corpus() -> impl Strategy<Value = Vec<(usize, Vec<usize>)>> {
    prop::collection::vec((0usize..4, prop::collection::vec(0usize..8, 0..12)), 0..14)
}

/// Each term's count over `docs` (no pruning), by the terms analyser.
fn counts(features: &TermsConfig, docs: &[&NormalisedDoc<'_>]) -> BTreeMap<String, u64> {
    let terms = Terms::new(
        features
            .clone()
            .min_df(DocFreq::Count(1))
            .max_df(DocFreq::Fraction(1.0))
            .max_features(None),
    );
    let mut p = terms.partial();
    for d in docs {
        terms.observe(&mut p, d);
    }
    terms
        .finish(p)
        .vocabulary
        .into_iter()
        .map(|t| (t.term, t.count))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Observed in any order into partial states split any way, saved, loaded and merged in
    /// any order, the documents give the output of one pass.
    #[test]
    fn merging_in_any_split_and_order_gives_one_pass(
        texts in corpus(),
        config in config(),
        split in prop::collection::vec(0usize..4, 14),
        order in prop::collection::vec(any::<prop::sample::Index>(), 14),
        merge_order in Just((0..4).collect::<Vec<usize>>()).prop_shuffle(),
        pair_first in any::<bool>(),
    ) {
        let docs = documents(&texts);
        let normalised: Vec<NormalisedDoc<'_>> = docs.iter().map(normalise).collect();
        let keyness = Keyness::new(config);
        let one_pass = run(&keyness, &normalised);

        // Documents in a shuffled order, each into one of four partials.
        let mut indices: Vec<usize> = (0..normalised.len()).collect();
        for (i, ix) in order.iter().enumerate().take(indices.len()) {
            let j = ix.index(indices.len());
            indices.swap(i, j);
        }
        let mut parts: Vec<KeynessPartial> = (0..4).map(|_| keyness.partial()).collect();
        for &i in &indices {
            keyness.observe(&mut parts[split[i]], &normalised[i]);
        }
        let mut parts: Vec<Option<KeynessPartial>> = parts.into_iter().map(Some).collect();
        if pair_first {
            // Two partials merged with each other first, then folded in with the rest.
            if let (Some(a), Some(mut b)) = (parts[merge_order[0]].take(), parts[merge_order[1]].take()) {
                b.merge(a);
                parts[merge_order[1]] = Some(b);
            }
        }
        let mut merged = keyness.partial();
        for &k in &merge_order {
            if let Some(p) = parts[k].take() {
                merged.merge(reload(&p));
            }
        }
        prop_assert_eq!(keyness.finish(merged), one_pass);
    }

    /// The features are the terms analyser's vocabulary over the whole corpus (documents
    /// without the key included), and each comparison's counts are the terms analyser's
    /// counts over the target's and the reference's documents.
    #[test]
    fn features_and_counts_are_the_terms_analysers(texts in corpus(), config in config()) {
        let docs = documents(&texts);
        let normalised: Vec<NormalisedDoc<'_>> = docs.iter().map(normalise).collect();
        let keyness = Keyness::new(config.clone());
        let out = run(&keyness, &normalised);

        let terms = Terms::new(config.features.clone());
        let mut p = terms.partial();
        for d in &normalised {
            terms.observe(&mut p, d);
        }
        let whole = terms.finish(p);
        prop_assert_eq!(out.vocabulary_size, whole.vocabulary.len() as u64);
        prop_assert_eq!(out.pruned, whole.pruned);
        let vocabulary: BTreeSet<&str> = whole.vocabulary.iter().map(|t| t.term.as_str()).collect();

        let value_of = |d: &NormalisedDoc<'_>| d.doc.meta.get("party").map(str::to_owned);
        let without = normalised.iter().filter(|d| value_of(d).is_none()).count() as u64;
        prop_assert_eq!(out.documents_without_key, without);
        prop_assert_eq!(out.documents, normalised.len() as u64);
        let seen: BTreeSet<String> = normalised.iter().filter_map(value_of).collect();
        let got_values: Vec<&str> = out.values.iter().map(|v| v.value.as_str()).collect();
        prop_assert_eq!(got_values, seen.iter().map(String::as_str).collect::<Vec<_>>());

        let want_targets: Vec<Vec<String>> = match &config.target {
            Some(t) => vec![t.clone()],
            None => seen.iter().map(|v| vec![v.clone()]).collect(),
        };
        prop_assert_eq!(out.comparisons.len(), want_targets.len());
        for (c, target) in out.comparisons.iter().zip(want_targets) {
            let reference: Vec<String> = match &config.reference {
                Some(r) => r.iter().filter(|v| !target.contains(v)).cloned().collect(),
                None => seen.iter().filter(|v| !target.contains(v)).cloned().collect(),
            };
            prop_assert_eq!(&c.target, &target);
            prop_assert_eq!(&c.reference, &reference);
            prop_assert_eq!(c.label.clone(), target.join("+"));
            let side = |names: &[String]| {
                let docs: Vec<&NormalisedDoc<'_>> = normalised
                    .iter()
                    .filter(|d| value_of(d).is_some_and(|v| names.contains(&v)))
                    .collect();
                let counts: BTreeMap<String, u64> = counts(&config.features, &docs)
                    .into_iter()
                    .filter(|(t, _)| vocabulary.contains(t.as_str()))
                    .collect();
                (docs.len() as u64, counts)
            };
            let (t_docs, a) = side(&target);
            let (r_docs, b) = side(&reference);
            prop_assert_eq!((c.target_documents, c.reference_documents), (t_docs, r_docs));
            let (t, r) = (a.values().sum::<u64>(), b.values().sum::<u64>());
            prop_assert_eq!(c.totals, [t, r]);
            let want_rows: Vec<(String, u64, u64)> = if t > 0 && r > 0 {
                let terms: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                terms
                    .into_iter()
                    .map(|term| {
                        (
                            term.clone(),
                            a.get(term).copied().unwrap_or(0),
                            b.get(term).copied().unwrap_or(0),
                        )
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let got_rows: Vec<(String, u64, u64)> = c
                .rows
                .iter()
                .map(|r| (r.term.to_string(), r.target_count, r.reference_count))
                .collect();
            prop_assert_eq!(got_rows, want_rows);
            for row in &c.rows {
                prop_assert!(row.chi2.is_finite() && row.g2.is_finite() && row.log_ratio.is_finite());
                prop_assert!((0.0..=1.0).contains(&row.chi2_p) && (0.0..=1.0).contains(&row.g2_p));
                // Both statistics are signed by the same rule (χ² may be corrected to 0).
                prop_assert!(row.chi2 * row.g2 >= 0.0);
            }
        }
    }
}

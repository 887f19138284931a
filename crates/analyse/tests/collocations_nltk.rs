//! Golden test: `Collocations` against NLTK 3.10's `BigramCollocationFinder` and
//! `BigramAssocMeasures`.
//!
//! For every `collocations_*.json.gz` case of `compare/` in the reference directory
//! (`WORDMILL_REFERENCE`, by default the repository's `tests/reference`), the directory's
//! `docs.jsonl` is tokenised by wordmill-normalise configured like scikit-learn's analyzer
//! (lower-case, then `(?u)\b\w\w+\b`: the tokens the reference gave NLTK), observed with the
//! case's `min_count` and `span = "document"` (NLTK's `from_documents`), and every row must
//! equal the reference: the same bigrams in the same order, counts exactly, the four measures
//! within 1e-9 relative. The same holds after observing in three shards in reverse order and
//! merging.
//!
//! Then properties: partial states observed in any split and merged in any order equal one
//! pass (and serialise to the same bytes, which load back to the same state); with
//! `span = "sentence"`, the counts equal those of each sentence normalised on its own, so no
//! bigram crosses a sentence end.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use serde_json::{Map, Value};
use wordmill_analyse::{
    Analyser, BigramSpan, Collocations, CollocationsConfig, CollocationsOutput, CollocationsPartial,
};
use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span, Token, TokenText};
use wordmill_normalise::{
    Normaliser, NormaliserConfig, StopWordLanguage, StopWords, TokenizerKind, UnicodeForm,
    split_sentences,
};

/// How many differences a failure message lists in full (all are counted).
const SHOWN: usize = 40;
/// Tolerance of the measures, relative.
const REL: f64 = 1e-9;

/// Tokens exactly as scikit-learn's analyzer makes them: no Unicode normalisation, Python's
/// full lower-casing, then the matches of `(?u)\b\w\w+\b` with Python's meaning of `\w`.
fn sklearn_normaliser(sentences: bool) -> Normaliser {
    let config = NormaliserConfig::default()
        .unicode(UnicodeForm::None)
        .lowercase(true)
        .tokenizer(TokenizerKind::Pattern(r"(?u)\b\w\w+\b".into()))
        .stopwords(StopWords::None)
        .min_len(1)
        .stem(None)
        .sentences(sentences);
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
             holding compare/",
            dir.display()
        )
    });
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.expect("readable directory entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("collocations_") && n.ends_with(".json.gz"))
        })
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "no collocations_*.json.gz case files in {}",
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

fn run(analyser: &Collocations, docs: &[NormalisedDoc<'_>]) -> CollocationsOutput {
    let mut partial = analyser.partial();
    for doc in docs {
        analyser.observe(&mut partial, doc);
    }
    analyser.finish(partial)
}

/// The same documents observed in reverse order into three partials, merged.
fn run_sharded(analyser: &Collocations, docs: &[NormalisedDoc<'_>]) -> CollocationsOutput {
    let mut shards = [analyser.partial(), analyser.partial(), analyser.partial()];
    for (i, doc) in docs.iter().enumerate().rev() {
        analyser.observe(&mut shards[i % 3], doc);
    }
    let [a, b, c] = shards;
    let mut merged = c;
    merged.merge(a);
    merged.merge(b);
    analyser.finish(merged)
}

/// regenerate.py's `close`: equal, or within `rel` of the larger magnitude.
fn close(want: f64, got: f64, rel: f64) -> bool {
    want == got || (got - want).abs() <= rel * want.abs().max(got.abs())
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

fn compare(expected: &Map<String, Value>, docs: usize, out: &CollocationsOutput) -> Diffs {
    let mut d = Diffs::default();
    let n_docs = expected["n_docs"].as_u64().expect("n_docs");
    d.check(n_docs == docs as u64 && out.n_docs == n_docs, || {
        format!(
            "n_docs: reference {n_docs}, corpus {docs}, wordmill {}",
            out.n_docs
        )
    });
    let rows = expected["rows"].as_array().expect("rows");
    d.check(rows.len() == out.bigrams.len(), || {
        format!(
            "rows: reference {}, wordmill {}",
            rows.len(),
            out.bigrams.len()
        )
    });
    for (want, got) in rows.iter().zip(&out.bigrams) {
        let text = |k: &str| want[k].as_str().unwrap_or_else(|| panic!("{k}: {want}"));
        let int = |k: &str| want[k].as_u64().unwrap_or_else(|| panic!("{k}: {want}"));
        let float = |k: &str| want[k].as_f64().unwrap_or_else(|| panic!("{k}: {want}"));
        let label = format!("{} {}", text("w1"), text("w2"));
        d.check(text("w1") == &*got.w1 && text("w2") == &*got.w2, || {
            format!("row {label}: wordmill has ({}, {})", got.w1, got.w2)
        });
        for (key, value) in [
            ("count", got.count),
            ("w1_count", got.w1_count),
            ("w2_count", got.w2_count),
            ("total", out.n_tokens),
        ] {
            d.check(int(key) == value, || {
                format!("{label} {key}: reference {}, wordmill {value}", int(key))
            });
        }
        for (key, value) in [
            ("pmi", got.scores.pmi),
            ("llr", got.scores.llr),
            ("chi2", got.scores.chi2),
            ("t", got.scores.t),
        ] {
            d.check(close(float(key), value, REL), || {
                format!(
                    "{label} {key}: reference {:?}, wordmill {value:?}",
                    float(key)
                )
            });
        }
    }
    d
}

#[test]
fn every_row_equals_nltks() {
    let dir = reference_dir().join("compare");
    let docs = load_docs(&dir);
    let normaliser = sklearn_normaliser(false);
    let normalised: Vec<NormalisedDoc<'_>> = docs.iter().map(|d| normaliser.normalise(d)).collect();
    let mut failures = Vec::new();
    let mut compared = 0;
    for path in case_files(&dir) {
        let case = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected = read_case(&path);
        assert_eq!(expected["kind"], "collocations", "{case}");
        let min_count = expected["options"]["min_count"]
            .as_u64()
            .unwrap_or_else(|| panic!("{case}: options.min_count"));
        let analyser = Collocations::try_new(
            CollocationsConfig::default()
                .min_count(min_count)
                .span(BigramSpan::Document),
        )
        .unwrap_or_else(|e| panic!("{case}: {e}"));
        let single = run(&analyser, &normalised);
        let sharded = run_sharded(&analyser, &normalised);
        assert_eq!(
            single, sharded,
            "{case}: sharded run differs from single run"
        );
        let d = compare(&expected, docs.len(), &single);
        compared += d.compared;
        if d.count > 0 {
            failures.push(format!(
                "{case}: {} of {} values differ:\n  {}",
                d.count,
                d.compared,
                d.lines.join("\n  ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(compared > 100_000, "only {compared} values compared");
}

/// Word counts and bigram counts.
type Counts = (BTreeMap<String, u64>, BTreeMap<(String, String), u64>);

/// With `span = "sentence"`, the counts are those of each sentence normalised on its own: the
/// same tokens, and only pairs inside one sentence.
fn sentence_model(normaliser: &Normaliser, docs: &[Document]) -> (u64, Counts) {
    let mut n = 0;
    let mut words = BTreeMap::new();
    let mut bigrams = BTreeMap::new();
    for doc in docs {
        for span in split_sentences(&doc.text) {
            let sentence = Document::new(0, "s", span.slice(&doc.text), Metadata::new());
            let tokens: Vec<String> = normaliser
                .normalise(&sentence)
                .tokens
                .iter()
                .map(|t| t.text.to_string())
                .collect();
            n += tokens.len() as u64;
            for t in &tokens {
                *words.entry(t.clone()).or_insert(0) += 1;
            }
            for w in tokens.windows(2) {
                *bigrams.entry((w[0].clone(), w[1].clone())).or_insert(0) += 1;
            }
        }
    }
    (n, (words, bigrams))
}

fn sentence_output(
    normaliser: &Normaliser,
    docs: &[Document],
) -> (u64, BTreeMap<(String, String), u64>, CollocationsOutput) {
    let analyser = Collocations::new(
        CollocationsConfig::default()
            .min_count(1)
            .span(BigramSpan::Sentence),
    );
    let mut p = analyser.partial();
    for d in docs {
        analyser.observe(&mut p, &normaliser.normalise(d));
    }
    let out = analyser.finish(p);
    let bigrams = out
        .bigrams
        .iter()
        .map(|r| ((r.w1.to_string(), r.w2.to_string()), r.count))
        .collect();
    (out.n_tokens, bigrams, out)
}

#[test]
fn by_sentence_no_bigram_crosses_a_sentence_end_in_the_reference_corpus() {
    let docs = load_docs(&reference_dir().join("compare"));
    let normaliser = sklearn_normaliser(true);
    let (n, (words, want)) = sentence_model(&normaliser, &docs);
    let (got_n, got, out) = sentence_output(&normaliser, &docs);
    assert_eq!(got_n, n);
    for r in &out.bigrams {
        assert_eq!(Some(&r.w1_count), words.get(&*r.w1.to_string()));
    }
    assert_eq!(got.len(), want.len());
    assert!(got == want, "bigram counts by sentence differ");
    // Fewer bigrams than by document: some pairs did cross sentence ends.
    let by_document = run(
        &Collocations::new(CollocationsConfig::default().min_count(1)),
        &docs
            .iter()
            .map(|d| normaliser.normalise(d))
            .collect::<Vec<_>>(),
    );
    let total = |o: &CollocationsOutput| o.bigrams.iter().map(|r| r.count).sum::<u64>();
    assert!(total(&out) + 1000 < total(&by_document));
}

/// Texts of words from a small vocabulary, with sentence ends, line breaks, stop words and
/// capitals.
fn texts() -> impl Strategy<Value = Vec<String>> {
    let piece = prop_oneof![
        6 => "(alpha|beta|gamma|delta|über|straße|the|of|x)",
        1 => "[A-Z][a-z]{0,3}",
        1 => Just(".".to_string()),
        1 => Just("!".to_string()),
        1 => Just("\n".to_string()),
        1 => Just("Mr.".to_string()),
    ];
    proptest::collection::vec(proptest::collection::vec(piece, 0..40), 0..8)
        .prop_map(|docs| docs.into_iter().map(|words| words.join(" ")).collect())
}

fn words_normaliser() -> Normaliser {
    Normaliser::new(
        NormaliserConfig::default().stopwords(StopWords::Builtin(StopWordLanguage::English)),
    )
    .expect("a valid configuration")
}

/// Token streams from words of a small vocabulary, short and long.
fn streams() -> impl Strategy<Value = Vec<Vec<String>>> {
    let word = "[ab]{1,2}|[a-c]{14,18}|é|x";
    proptest::collection::vec(proptest::collection::vec(word, 0..30), 0..12)
}

fn stream_doc(i: usize, words: &[String]) -> Document {
    Document::new(i as u64, format!("d{i}"), words.join(" "), Metadata::new())
}

fn tokens_of(doc: &Document) -> NormalisedDoc<'_> {
    let mut tokens = Vec::new();
    let mut start = 0;
    for (i, w) in doc.text.split(' ').enumerate() {
        let span = Span::new(start, start + w.len());
        start = span.end + 1;
        if !w.is_empty() {
            tokens.push(Token {
                text: TokenText::borrowed(w),
                span,
                position: i as u32,
            });
        }
    }
    NormalisedDoc {
        doc,
        sentences: Vec::new(),
        tokens,
    }
}

/// Unigram and bigram counts the plain way.
fn stream_model(docs: &[Vec<String>]) -> Counts {
    let mut words = BTreeMap::new();
    let mut bigrams = BTreeMap::new();
    for d in docs {
        for w in d {
            *words.entry(w.clone()).or_insert(0) += 1;
        }
        for p in d.windows(2) {
            *bigrams.entry((p[0].clone(), p[1].clone())).or_insert(0) += 1;
        }
    }
    (words, bigrams)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Observing in any order into any number of partials, serialising each, loading it back
    /// and merging in any order gives the single pass: the same output, the same bytes.
    #[test]
    fn partials_merge_exactly_in_any_order(
        docs in streams(),
        split in proptest::collection::vec(0usize..4, 12),
        merge_order in Just([0usize, 1, 2, 3]).prop_shuffle(),
        reversed in any::<bool>(),
        min_count in 1u64..3,
    ) {
        let analyser = Collocations::new(CollocationsConfig::default().min_count(min_count).top(5));
        let documents: Vec<Document> =
            docs.iter().enumerate().map(|(i, w)| stream_doc(i, w)).collect();
        let mut single = analyser.partial();
        for d in &documents {
            analyser.observe(&mut single, &tokens_of(d));
        }
        let mut parts: Vec<CollocationsPartial> = (0..4).map(|_| analyser.partial()).collect();
        let order: Vec<usize> = if reversed {
            (0..documents.len()).rev().collect()
        } else {
            (0..documents.len()).collect()
        };
        for i in order {
            analyser.observe(&mut parts[split[i]], &tokens_of(&documents[i]));
        }
        let mut loaded: Vec<Option<CollocationsPartial>> = parts
            .iter()
            .map(|p| {
                let json = serde_json::to_string(p).unwrap();
                let back: CollocationsPartial = serde_json::from_str(&json).unwrap();
                assert_eq!(serde_json::to_string(&back).unwrap(), json);
                assert_eq!(back.validate(), Ok(()));
                Some(back)
            })
            .collect();
        let mut merged = analyser.partial();
        for i in merge_order {
            merged.merge(loaded[i].take().unwrap());
        }
        prop_assert_eq!(
            serde_json::to_string(&merged).unwrap(),
            serde_json::to_string(&single).unwrap()
        );
        prop_assert_eq!(merged.validate(), Ok(()));
        let (words, bigrams) = stream_model(&docs);
        prop_assert_eq!(merged.distinct_words(), words.len());
        prop_assert_eq!(merged.distinct_bigrams(), bigrams.len());
        let out = analyser.finish(merged);
        // Compared as text: a degenerate corpus (one word) has NaN measures, equal as text.
        prop_assert_eq!(format!("{out:?}"), format!("{:?}", analyser.finish(single)));
        prop_assert_eq!(out.n_tokens, words.values().sum::<u64>());
        let kept: Vec<((String, String), u64, u64, u64)> = bigrams
            .iter()
            .filter(|(_, c)| **c >= min_count)
            .map(|((a, b), c)| ((a.clone(), b.clone()), *c, words[a], words[b]))
            .collect();
        let got: Vec<((String, String), u64, u64, u64)> = out
            .bigrams
            .iter()
            .map(|r| ((r.w1.to_string(), r.w2.to_string()), r.count, r.w1_count, r.w2_count))
            .collect();
        prop_assert_eq!(got, kept);
    }

    /// By sentence, the counts are those of each sentence normalised on its own.
    #[test]
    fn by_sentence_no_bigram_crosses_a_sentence_end(texts in texts()) {
        let normaliser = words_normaliser();
        let docs: Vec<Document> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Document::new(i as u64, format!("d{i}"), t.as_str(), Metadata::new()))
            .collect();
        let (n, (_, want)) = sentence_model(&normaliser, &docs);
        let (got_n, got, _) = sentence_output(&normaliser, &docs);
        prop_assert_eq!(got_n, n);
        prop_assert_eq!(got, want);
    }
}

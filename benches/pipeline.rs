#![allow(clippy::print_stdout, clippy::print_stderr)]
#![allow(missing_docs)]
//! The whole pipeline (`wordmill_pipeline::run`: read, normalise, analyse, finish, write the
//! report directory) on SOTU, at 1 and 2 threads, in bytes of text per second.
//!
//! Each variant is a pipeline file given as a string (`default` is pipelines/default.toml's
//! analysis: terms, sentence sentiment, every report format); adding one is one more entry in
//! [`VARIANTS`].
//! Corpus: `corpus/sotu-full` when fetched by `scripts/fetch-sotu.sh`, else `corpus/sotu`.
//!
//! Run with `cargo bench --bench pipeline`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wordmill_pipeline::{Pipeline, RunOptions};

/// (name, pipeline file body after `[ingest]`). `{inputs}` is replaced by the corpus glob.
const VARIANTS: &[(&str, &str)] = &[
    // pipelines/default.toml: terms, sentence-by-sentence VADER and every report format.
    (
        "default",
        r#"
[normalise]
unicode = "nfkc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.terms]
ngrams = [1, 1]
top = 25

[analyse.sentiment]
rules = "vader"
unit = "sentence"

[report]
dir = "unused"
formats = ["json", "csv", "md", "html"]
"#,
    ),
    // The default pipeline with names folded to ASCII and the Belarus aliases applied.
    (
        "default_fold",
        r#"
[normalise]
unicode = "nfkc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2
fold = "ascii"
aliases = "pipelines/aliases/belarus.tsv"

[analyse.terms]
ngrams = [1, 1]
top = 25

[analyse.sentiment]
rules = "vader"
unit = "sentence"

[report]
dir = "unused"
formats = ["json", "csv", "md", "html"]
"#,
    ),
    // The default pipeline with a concordance of 20 patterns: words, globs and phrases.
    (
        "default_kwic",
        r#"
[normalise]
unicode = "nfkc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.terms]
ngrams = [1, 1]
top = 25

[analyse.sentiment]
rules = "vader"
unit = "sentence"

[analyse.kwic]
patterns = ["tax*", "america*", "united states", "health care", "congress", "jobs", "economy",
            "war", "peace", "freedom", "terror*", "soviet union", "nuclear weapons", "education",
            "energy", "deficit*", "budget", "children", "families", "*ism"]

[report]
dir = "unused"
formats = ["json", "csv", "md", "html"]
"#,
    ),
    // The default pipeline with a dictionary of 1,000 patterns (benches/pipelines).
    (
        "default_dictionary",
        r#"
[normalise]
unicode = "nfkc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.terms]
ngrams = [1, 1]
top = 25

[analyse.sentiment]
rules = "vader"
unit = "sentence"

[analyse.dictionary]
files = "benches/pipelines/dictionary-1000.yml"

[report]
dir = "unused"
formats = ["json", "csv", "md", "html"]
"#,
    ),
    // The default pipeline with trends per year and party (the year from the file name):
    // documents, sentiment and the ten most frequent terms per bin.
    (
        "default_trends",
        r#"meta_from_path = '(?P<year>\d{4})_(?P<president>[a-z_]+)_(?P<party>[a-z])\.txt$'
date_field = "year"

[normalise]
unicode = "nfkc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.terms]
ngrams = [1, 1]
top = 25

[analyse.sentiment]
rules = "vader"
unit = "sentence"

[analyse.trends]
bin = "year"
by = "party"

[report]
dir = "unused"
formats = ["json", "csv", "md", "html"]
"#,
    ),
    // The default pipeline with the ten targets of pipelines/sotu-targets.toml.
    (
        "default_targets",
        r#"
[normalise]
unicode = "nfkc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.terms]
ngrams = [1, 1]
top = 25

[analyse.sentiment]
rules = "vader"
unit = "sentence"

[analyse.targets]
america = ["america", "american*"]
congress = "congress*"
taxes = ["tax", "taxes", "taxpayer*"]
economy = ["econom*", "inflation", "recession"]
jobs = ["job", "jobs", "unemploy*", "employment"]
health_care = ["health care", "medicare", "medicaid"]
soviet_union = ["soviet*", "ussr", "communis*"]
terrorism = ["terror*"]
families = ["famil*", "child*", "parent?"]
war = ["war", "wars", "warfare"]

[report]
dir = "unused"
formats = ["json", "csv", "md", "html"]
"#,
    ),
    // pipelines/default.toml's settings: terms only.
    (
        "terms",
        r#"
[normalise]
unicode = "nfkc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.terms]
ngrams = [1, 1]
top = 25

[report]
dir = "unused"
formats = ["json", "csv", "md"]
"#,
    ),
    // The scikit-learn-compatible configuration with per-document TF-IDF.
    (
        "sklearn_tfidf",
        r#"
[normalise]
unicode = "none"
lowercase = true
tokenizer = { pattern = '(?u)\b\w\w+\b' }

[analyse.terms]
ngrams = [1, 1]
top = 50
per_document = true

[report]
dir = "unused"
formats = ["json", "csv", "md"]
"#,
    ),
    // pipelines/sotu-keyness.toml: terms, keyness of one party against another, collocations.
    (
        "keyness",
        r#"
meta_from_path = '(?P<year>\d{4})_(?P<president>[a-z_]+)_(?P<party>[a-z])\.txt$'

[normalise]
unicode = "nfc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.terms]
min_df = 2
top = 20

[analyse.keyness]
by = "party"
target = "d"
reference = ["r"]

[analyse.collocations]
min_count = 5
span = "sentence"

[report]
dir = "unused"
formats = ["json", "csv", "md", "html"]
"#,
    ),
    // The same without keyness: what keyness adds is the difference.
    (
        "keyness_off",
        r#"
meta_from_path = '(?P<year>\d{4})_(?P<president>[a-z_]+)_(?P<party>[a-z])\.txt$'

[normalise]
unicode = "nfc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.terms]
min_df = 2
top = 20

[analyse.collocations]
min_count = 5
span = "sentence"

[report]
dir = "unused"
formats = ["json", "csv", "md", "html"]
"#,
    ),
    // pipelines/sotu-targets.toml: sentence sentiment and ten targets (frequent SOTU words,
    // globs and phrases) grouped by party.
    (
        "targets",
        r#"
meta_from_path = '(?P<year>\d{4})_(?P<president>[a-z_]+)_(?P<party>[a-z])\.txt$'

[normalise]
unicode = "nfc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.sentiment]
rules = "vader"
unit = "sentence"

[analyse.targets]
america = ["america", "american*"]
congress = "congress*"
taxes = ["tax", "taxes", "taxpayer*"]
economy = ["econom*", "inflation", "recession"]
jobs = ["job", "jobs", "unemploy*", "employment"]
health_care = ["health care", "medicare", "medicaid"]
soviet_union = ["soviet*", "ussr", "communis*"]
terrorism = ["terror*"]
families = ["famil*", "child*", "parent?"]
war = ["war", "wars", "warfare"]
group_by = ["party"]

[report]
dir = "unused"
formats = ["json", "csv", "md", "html"]
"#,
    ),
    // The same without the targets: what they add is the difference.
    (
        "targets_off",
        r#"
meta_from_path = '(?P<year>\d{4})_(?P<president>[a-z_]+)_(?P<party>[a-z])\.txt$'

[normalise]
unicode = "nfc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.sentiment]
rules = "vader"
unit = "sentence"

[report]
dir = "unused"
formats = ["json", "csv", "md", "html"]
"#,
    ),
    // Unigram terms with collocations, against unigram and bigram terms: collocations should
    // cost no more than counting the bigrams as terms.
    (
        "collocations",
        r#"
[normalise]
unicode = "nfc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.terms]
ngrams = [1, 1]

[analyse.collocations]
min_count = 3

[report]
dir = "unused"
formats = ["json", "csv"]
"#,
    ),
    (
        "terms_bigrams",
        r#"
[normalise]
unicode = "nfc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.terms]
ngrams = [1, 2]

[report]
dir = "unused"
formats = ["json", "csv"]
"#,
    ),
];

fn corpus_dir() -> (&'static str, PathBuf) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let full = root.join("corpus/sotu-full");
    if full.is_dir() {
        ("sotu-full", full)
    } else {
        ("sotu", root.join("corpus/sotu"))
    }
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn pipeline(c: &mut Criterion) {
    let (name, dir) = corpus_dir();
    let glob = dir.join("*.txt");
    let glob = glob.to_string_lossy().replace('\\', "/");
    let out = std::env::temp_dir().join(format!("wordmill-bench-pipeline-{}", std::process::id()));

    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Bytes(dir_bytes(&dir)));
    for (variant, body) in VARIANTS {
        let toml = format!(
            "version = 1\nname = \"bench-{variant}\"\n\n[ingest]\ninputs = [\"{glob}\"]\nformat = \"text\"\n{body}"
        );
        let p = Pipeline::parse(Path::new("bench.toml"), toml.as_bytes())
            .unwrap_or_else(|e| panic!("bench pipeline {variant}: {e}"));
        for threads in [1usize, 2] {
            let options = RunOptions {
                threads: Some(threads),
                out: Some(out.join(variant)),
                ..Default::default()
            };
            group.bench_with_input(
                BenchmarkId::new(format!("{variant}/{name}"), threads),
                &options,
                |b, options| {
                    b.iter(|| {
                        let outcome = wordmill_pipeline::run(&p, options).expect("run");
                        black_box(outcome.report.corpus.tokens)
                    })
                },
            );
        }
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&out);
}

criterion_group!(benches, pipeline);
criterion_main!(benches);

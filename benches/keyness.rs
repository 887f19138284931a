#![allow(clippy::print_stdout, clippy::print_stderr)]
#![allow(missing_docs)]
//! Keyness (`Keyness` observe, merge and finish) against the terms analyser alone on the same
//! pre-normalised documents.
//!
//! The documents are normalised once, outside the measurement (UAX #29 words, NFKC, lowercase,
//! English stop words, `min_len` 2, as `pipelines/default.toml`), each with its party (the
//! letter at the end of its file name) as metadata `party`. Each benchmark folds the documents
//! into two partial states (the first and second half, on one thread), merges them and
//! finishes:
//!
//! - `keyness/every-party`: every party against the others (the features are the terms
//!   analyser's defaults: every unigram);
//! - `keyness/d-vs-r`: `d` against `r`;
//! - `terms/counts`: the terms analyser alone, without per-document rows (the counting that
//!   keyness repeats per party).
//!
//! Corpus: SOTU (`corpus/sotu-full` when fetched, else `corpus/sotu`). Throughput is bytes of
//! original text. Run with `cargo bench --bench keyness`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wordmill_analyse::{Keyness, KeynessConfig, Terms, TermsConfig};
use wordmill_model::NormalisedDoc;
use wordmill_normalise::{Normaliser, NormaliserConfig, StopWordLanguage, StopWords, UnicodeForm};

mod common;
use common::{corpus, run};

fn keyness(c: &mut Criterion) {
    let (name, docs) = corpus();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let normaliser = Normaliser::new(
        NormaliserConfig::default()
            .unicode(UnicodeForm::Nfkc)
            .stopwords(StopWords::Builtin(StopWordLanguage::English))
            .min_len(2)
            .sentences(false),
    )
    .expect("config");
    let normalised: Vec<NormalisedDoc<'_>> = docs.iter().map(|d| normaliser.normalise(d)).collect();

    let mut group = c.benchmark_group("keyness");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Bytes(bytes));

    let every = Keyness::new(KeynessConfig::new("party"));
    group.bench_function(BenchmarkId::new("keyness/every-party", name), |b| {
        b.iter(|| black_box(run(&every, &normalised).comparisons.len()))
    });
    let d_vs_r = Keyness::new(
        KeynessConfig::new("party")
            .target(Some(vec!["d".into()]))
            .reference(Some(vec!["r".into()])),
    );
    group.bench_function(BenchmarkId::new("keyness/d-vs-r", name), |b| {
        b.iter(|| black_box(run(&d_vs_r, &normalised).comparisons.len()))
    });
    let terms = Terms::new(TermsConfig::default());
    group.bench_function(BenchmarkId::new("terms/counts", name), |b| {
        b.iter(|| black_box(run(&terms, &normalised).vocabulary.len()))
    });
    group.finish();
}

criterion_group!(benches, keyness);
criterion_main!(benches);

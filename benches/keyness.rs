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
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wordmill_analyse::{Analyser, Keyness, KeynessConfig, Terms, TermsConfig};
use wordmill_model::{Document, Merge, Metadata, NormalisedDoc};
use wordmill_normalise::{Normaliser, NormaliserConfig, StopWords};

fn corpus() -> (&'static str, Vec<Document>) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let full = root.join("corpus/sotu-full");
    let (name, dir) = if full.is_dir() {
        ("sotu-full", full)
    } else {
        ("sotu", root.join("corpus/sotu"))
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p: &PathBuf| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let docs = paths
        .iter()
        .enumerate()
        .map(|(i, p): (usize, &PathBuf)| {
            let text =
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let mut meta = Metadata::new();
            if let Some(party) = party(p) {
                meta.insert("party", party);
            }
            Document::new(i as u64, file_name(p), text, meta)
        })
        .collect();
    (name, docs)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// The party letter of `1961_john_f_kennedy_d.txt`.
fn party(p: &Path) -> Option<String> {
    let stem = p.file_stem()?.to_string_lossy().into_owned();
    let (_, last) = stem.rsplit_once('_')?;
    (last.len() == 1).then(|| last.to_string())
}

/// Observes the two halves of `docs` into two partials, merges them and finishes.
fn run<A: Analyser>(analyser: &A, docs: &[NormalisedDoc<'_>]) -> A::Output {
    let (first, second) = docs.split_at(docs.len() / 2);
    let mut a = analyser.partial();
    for d in first {
        analyser.observe(&mut a, d);
    }
    let mut b = analyser.partial();
    for d in second {
        analyser.observe(&mut b, d);
    }
    a.merge(b);
    analyser.finish(a)
}

fn keyness(c: &mut Criterion) {
    let (name, docs) = corpus();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let normaliser = Normaliser::new(NormaliserConfig {
        unicode: wordmill_normalise::UnicodeForm::Nfkc,
        stopwords: StopWords::Builtin("en".into()),
        min_len: 2,
        sentences: false,
        ..NormaliserConfig::default()
    })
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
    let d_vs_r = Keyness::new(KeynessConfig {
        target: Some(vec!["d".into()]),
        reference: Some(vec!["r".into()]),
        ..KeynessConfig::new("party")
    });
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

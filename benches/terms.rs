#![allow(clippy::print_stdout, clippy::print_stderr)]
#![allow(missing_docs)]
//! Term counting (`Terms::observe`) and TF-IDF (`Terms::finish`) on pre-normalised documents.
//!
//! The documents are normalised once, outside the measurement (UAX #29 words, NFKC, lowercase,
//! English stop words, `min_len` 2, as `pipelines/default.toml`), so only the analyser is
//! timed:
//!
//! - `observe/{threads}`: every document folded into one partial state per thread, the partials
//!   merged, on 1 and 2 threads (the documents are cut into one contiguous share per thread, as
//!   the driver's workers fold their batches; `std::thread::scope` stands in for rayon, which is
//!   not a dependency of the benchmark package). Unigrams, and unigrams + bigrams.
//! - `finish`: pruning, idf, per-document TF-IDF rows and sorting, from a ready partial state.
//!
//! Corpus: SOTU (`corpus/sotu-full` when fetched, else `corpus/sotu`). Throughput is bytes of
//! original text. Run with `cargo bench --bench terms`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wordmill_analyse::{Analyser, Terms, TermsConfig, TermsPartial};
use wordmill_model::{Document, Merge, Metadata, NormalisedDoc};
use wordmill_normalise::{Normaliser, NormaliserConfig, StopWordLanguage, StopWords, UnicodeForm};

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
            Document::new(i as u64, file_name(p), text, Metadata::new())
        })
        .collect();
    (name, docs)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Folds `docs` into one partial per thread (contiguous shares) and merges them.
fn fold(terms: &Terms, docs: &[NormalisedDoc<'_>], threads: usize) -> TermsPartial {
    if threads <= 1 {
        let mut p = terms.partial();
        for d in docs {
            terms.observe(&mut p, d);
        }
        return p;
    }
    let share = docs.len().div_ceil(threads);
    let partials: Vec<TermsPartial> = std::thread::scope(|s| {
        let handles: Vec<_> = docs
            .chunks(share.max(1))
            .map(|chunk| {
                s.spawn(move || {
                    let mut p = terms.partial();
                    for d in chunk {
                        terms.observe(&mut p, d);
                    }
                    p
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker"))
            .collect()
    });
    let mut total = terms.partial();
    for p in partials {
        total.merge(p);
    }
    total
}

fn terms(c: &mut Criterion) {
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

    let mut group = c.benchmark_group("terms");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Bytes(bytes));
    for (label, ngrams) in [("unigrams", (1, 1)), ("uni+bigrams", (1, 2))] {
        let terms = Terms::new(TermsConfig::default().ngram_range(ngrams));
        for threads in [1usize, 2] {
            group.bench_with_input(
                BenchmarkId::new(format!("observe/{label}/{name}"), threads),
                &threads,
                |b, &threads| {
                    b.iter(|| black_box(fold(&terms, &normalised, threads).distinct_terms()))
                },
            );
        }
    }
    let terms = Terms::new(TermsConfig::default().per_document(true));
    group.bench_function(BenchmarkId::new("finish/tfidf", name), |b| {
        b.iter_batched(
            || fold(&terms, &normalised, 1),
            |p| black_box(terms.finish(p).vocabulary.len()),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, terms);
criterion_main!(benches);

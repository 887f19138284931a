#![allow(clippy::print_stdout, clippy::print_stderr)]
#![allow(missing_docs)]
//! Collocations (`Collocations::observe`, merge and `finish`) against the terms analyser
//! counting unigrams and bigrams (`ngrams = [1, 2]`), the nearest work the project did before,
//! on the same pre-normalised documents.
//!
//! The documents are normalised once, outside the measurement (UAX #29 words, NFKC, lowercase,
//! English stop words, `min_len` 2, sentence spans, as the collocations of `pipelines/sotu-keyness.toml`), so
//! only the analysers are timed. Each measurement is the whole analysis: every document folded
//! into one partial state per thread (contiguous shares, as the driver's workers fold their
//! batches; `std::thread::scope` stands in for rayon), the partials merged, then `finish`
//! (collocations: `min_count = 3` and the four measures of every kept bigram; terms: pruning
//! and idf of the vocabulary, no per-document rows).
//!
//! - `collocations/document/{threads}`, `collocations/sentence/{threads}`: the two spans.
//! - `terms-1-2/{threads}`: the terms analyser with `ngrams = [1, 2]`.
//! - `tokens_to_csv`: tokens to `collocations.csv`, the work `benches/peers/collocations.py`
//!   times NLTK doing. The documents are made into scikit-learn's tokens outside the
//!   measurement (no Unicode normalisation, lower-cased, `(?u)\b\w\w+\b`, no stop words, the
//!   tokens the script hands NLTK); each measurement folds every document into one partial on
//!   one thread, finishes (`min_count = 3`, `span = "document"`) and writes `collocations.csv`
//!   into memory with `write_collocations_csv`.
//!
//! Corpus: SOTU (`corpus/sotu-full` when fetched, else `corpus/sotu`). Throughput is bytes of
//! original text. Run with `cargo bench --bench collocations`.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wordmill_analyse::{
    Analyser, BigramSpan, Collocations, CollocationsConfig, Terms, TermsConfig,
};
use wordmill_model::{Document, Merge, Metadata, NormalisedDoc};
use wordmill_normalise::{
    Normaliser, NormaliserConfig, StopWordLanguage, StopWords, TokenizerKind, UnicodeForm,
};
use wordmill_report::write_collocations_csv;

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

/// Folds `docs` into one partial per thread (contiguous shares), merges them and finishes.
fn analyse<A: Analyser>(analyser: &A, docs: &[NormalisedDoc<'_>], threads: usize) -> A::Output {
    let share = docs.len().div_ceil(threads.max(1)).max(1);
    let partials: Vec<A::Partial> = std::thread::scope(|s| {
        let handles: Vec<_> = docs
            .chunks(share)
            .map(|chunk| {
                s.spawn(move || {
                    let mut p = analyser.partial();
                    for d in chunk {
                        analyser.observe(&mut p, d);
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
    let mut total = analyser.partial();
    for p in partials {
        total.merge(p);
    }
    analyser.finish(total)
}

fn collocations(c: &mut Criterion) {
    let (name, docs) = corpus();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let normaliser = Normaliser::new(
        NormaliserConfig::default()
            .unicode(UnicodeForm::Nfkc)
            .stopwords(StopWords::Builtin(StopWordLanguage::English))
            .min_len(2)
            .sentences(true),
    )
    .expect("config");
    let normalised: Vec<NormalisedDoc<'_>> = docs.iter().map(|d| normaliser.normalise(d)).collect();

    let mut group = c.benchmark_group("collocations");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Bytes(bytes));
    for span in BigramSpan::ALL {
        let analyser = Collocations::new(CollocationsConfig::default().span(span));
        for threads in [1usize, 2] {
            group.bench_with_input(
                BenchmarkId::new(format!("collocations/{}/{name}", span.name()), threads),
                &threads,
                |b, &threads| {
                    b.iter(|| black_box(analyse(&analyser, &normalised, threads).bigrams.len()))
                },
            );
        }
    }
    let terms = Terms::new(TermsConfig::default().ngram_range((1, 2)));
    for threads in [1usize, 2] {
        group.bench_with_input(
            BenchmarkId::new(format!("terms-1-2/{name}"), threads),
            &threads,
            |b, &threads| {
                b.iter(|| black_box(analyse(&terms, &normalised, threads).vocabulary.len()))
            },
        );
    }
    group.finish();
}

/// Tokens exactly as scikit-learn makes them, as `benches/peers/collocations.py` gives NLTK:
/// no Unicode normalisation, lower-cased, the matches of `(?u)\b\w\w+\b`, no stop words.
fn sklearn_normaliser() -> Normaliser {
    Normaliser::new(
        NormaliserConfig::default()
            .unicode(UnicodeForm::None)
            .lowercase(true)
            .tokenizer(TokenizerKind::Pattern(r"(?u)\b\w\w+\b".into()))
            .stopwords(StopWords::None)
            .min_len(1)
            .stem(None)
            .sentences(false),
    )
    .expect("scikit-learn's configuration is valid")
}

/// One thread: every document folded into one partial, `finish`, `collocations.csv` written.
fn tokens_to_csv(analyser: &Collocations, docs: &[NormalisedDoc<'_>], csv: &mut Vec<u8>) -> usize {
    let mut partial = analyser.partial();
    for d in docs {
        analyser.observe(&mut partial, d);
    }
    let out = analyser.finish(partial);
    csv.clear();
    write_collocations_csv(csv, &out).expect("writing into memory");
    out.bigrams.len()
}

fn collocations_tokens_to_csv(c: &mut Criterion) {
    let (name, docs) = corpus();
    let bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    let normaliser = sklearn_normaliser();
    let normalised: Vec<NormalisedDoc<'_>> = docs.iter().map(|d| normaliser.normalise(d)).collect();
    let analyser = Collocations::new(
        CollocationsConfig::default()
            .min_count(3)
            .span(BigramSpan::Document),
    );
    let mut csv = Vec::new();
    let kept = tokens_to_csv(&analyser, &normalised, &mut csv);
    let tokens: usize = normalised.iter().map(|d| d.tokens.len()).sum();
    eprintln!(
        "tokens_to_csv/{name}: {} documents, {bytes} bytes, {tokens} tokens; min_count 3: \
         {kept} bigrams kept, collocations.csv {} bytes",
        docs.len(),
        csv.len()
    );

    let mut group = c.benchmark_group("collocations");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function(format!("tokens_to_csv/{name}"), |b| {
        b.iter(|| black_box(tokens_to_csv(&analyser, &normalised, &mut csv)))
    });
    group.finish();
}

criterion_group!(benches, collocations, collocations_tokens_to_csv);
criterion_main!(benches);

#![allow(clippy::print_stdout, clippy::print_stderr)]
#![allow(missing_docs)]
//! The dictionary analyser (observe, merge and finish) with a dictionary of 1,000 patterns made
//! from the corpus's own vocabulary, against the terms analyser alone on the same documents.
//!
//! The documents are normalised once, outside the measurement (UAX #29 words, NFKC, lowercase,
//! English stop words, `min_len` 2, sentences split), each with its party as metadata `party`.
//! The dictionary has 20 categories over 1,000 patterns taken from the normalised tokens: the
//! 700 most frequent words, 200 `prefix*` globs (the first four letters of the next most
//! frequent words of at least six letters) and 100 two-word phrases (the most frequent pairs
//! of adjacent tokens within a sentence), dealt to the categories in turn. Each benchmark folds
//! the documents into two partial states (the first and second half, on one thread), merges
//! them and finishes:
//!
//! - `dictionary/{10,100,1000}-patterns`: dictionaries of 10, 100 and 1,000 patterns (in the
//!   same proportions), grouped by party: whether the matcher's cost grows with their number;
//! - `terms/counts`: the terms analyser alone (for scale: one hash lookup per token).
//!
//! Corpus: SOTU (`corpus/sotu-full` when fetched, else `corpus/sotu`). Throughput is bytes of
//! original text. Run with `cargo bench --bench dictionary`.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wordmill_analyse::{
    Dictionary, DictionaryEntries, DictionaryFormat, Lowercase, Terms, TermsConfig,
};
use wordmill_model::NormalisedDoc;
use wordmill_normalise::{Normaliser, NormaliserConfig, StopWordLanguage, StopWords, UnicodeForm};

mod common;
use common::{corpus, run};

/// `n` patterns from the documents' tokens (see the module documentation: 70 % words, 20 %
/// prefix globs, 10 % phrases), as YAML with up to 20 categories.
fn dictionary_yaml(docs: &[NormalisedDoc<'_>], n: usize) -> String {
    let mut words: HashMap<&str, u64> = HashMap::new();
    let mut pairs: HashMap<(&str, &str), u64> = HashMap::new();
    for d in docs {
        for w in &d.tokens {
            *words.entry(w.text.as_str()).or_default() += 1;
        }
        for range in wordmill_analyse::sentence_tokens(&d.tokens, &d.sentences) {
            let sentence = &d.tokens[range];
            for p in sentence.windows(2) {
                *pairs
                    .entry((p[0].text.as_str(), p[1].text.as_str()))
                    .or_default() += 1;
            }
        }
    }
    let ranked = |mut v: Vec<(String, u64)>| {
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.into_iter().map(|(w, _)| w).collect::<Vec<String>>()
    };
    let by_count = ranked(words.iter().map(|(w, n)| (w.to_string(), *n)).collect());
    let (n_words, n_prefixes) = (n * 7 / 10, n * 2 / 10);
    let mut patterns: Vec<String> = by_count.iter().take(n_words).cloned().collect();
    let mut prefixes: Vec<String> = Vec::new();
    for w in by_count.iter().skip(n_words) {
        if w.chars().count() >= 6 && w.chars().all(char::is_alphabetic) {
            let p: String = w.chars().take(4).collect();
            if !prefixes.contains(&p) {
                prefixes.push(p);
            }
        }
        if prefixes.len() == n_prefixes {
            break;
        }
    }
    patterns.extend(prefixes.into_iter().map(|p| format!("{p}*")));
    let phrases = ranked(
        pairs
            .iter()
            .map(|((a, b), n)| (format!("{a} {b}"), *n))
            .collect(),
    );
    patterns.extend(phrases.into_iter().take(n - patterns.len()));
    assert_eq!(
        patterns.len(),
        n,
        "the corpus is too small for {n} patterns"
    );
    let mut yaml = String::new();
    for c in 0..n.min(20) {
        yaml.push_str(&format!("c{c:02}:\n"));
        for p in patterns.iter().skip(c).step_by(n.min(20)) {
            yaml.push_str(&format!("  - {:?}\n", p));
        }
    }
    yaml
}

fn dictionary(c: &mut Criterion) {
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
    let dictionaries: Vec<(usize, Dictionary)> = [10, 100, 1000]
        .into_iter()
        .map(|n| {
            let mut entries = DictionaryEntries::default();
            entries
                .add_text(
                    "bench.yml",
                    &dictionary_yaml(&normalised, n),
                    DictionaryFormat::Yaml,
                    &Lowercase,
                )
                .unwrap_or_else(|e| panic!("{e:?}"));
            (n, Dictionary::new(entries, vec!["party".into()]))
        })
        .collect();

    let mut group = c.benchmark_group("dictionary");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Bytes(bytes));
    for (n, dictionary) in &dictionaries {
        group.bench_function(
            BenchmarkId::new(format!("dictionary/{n}-patterns"), name),
            |b| b.iter(|| black_box(run(dictionary, &normalised).tokens)),
        );
    }
    let terms = Terms::new(TermsConfig::default());
    group.bench_function(BenchmarkId::new("terms/counts", name), |b| {
        b.iter(|| black_box(run(&terms, &normalised).vocabulary.len()))
    });
    group.finish();
}

criterion_group!(benches, dictionary);
criterion_main!(benches);

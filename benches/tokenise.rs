#![allow(clippy::print_stdout, clippy::print_stderr)]
#![allow(missing_docs)]
//! Tokenising and normalising speed, in bytes of text per second, on one core, with the
//! yardsticks measured in the same run:
//!
//! - `fused_ceiling`: a hand-written byte loop that finds ASCII alphanumeric runs, lowercases
//!   and hashes them into a counter. It does less than any real tokeniser (no Unicode, no UAX #29
//!   mid-word rules, no spans, no stop words) and is the practical ceiling.
//! - `naive_unicode_words`: `unicode_words()` + `to_lowercase()` + a `HashMap<String, u64>`,
//!   the straightforward Rust counter.
//!
//! and wordmill's own paths:
//!
//! - `words_raw`: UAX #29 words, no lowercasing, no stop words;
//! - `words_lower_stop`: UAX #29 words, NFKC, lowercase, English stop words (tokens only);
//! - `count_words_stop`: the same tokens counted by `Terms::observe` (term counting);
//! - `sklearn_pattern`: scikit-learn's `(?u)\b\w\w+\b` with lowercasing (tokens only);
//! - `words_fold`: `words_lower_stop` with `fold = "ascii"` (tokens only);
//! - `words_fold_aliases`: the same with `pipelines/aliases/belarus.tsv` (tokens only);
//! - `sentences`: sentence splitting alone.
//!
//! Corpora: SOTU (`corpus/sotu-full` when fetched by `scripts/fetch-sotu.sh`, else
//! `corpus/sotu`), the seed news article, and the first 8 MB of the generated corpus
//! `corpus/generated/gen-20m.jsonl` when it exists (skipped with a note otherwise; make it with
//! `cargo run --release --example gen_corpus -- --bytes 20M --seed 42 --format jsonl --out
//! corpus/generated/gen-20m.jsonl`).
//!
//! Run with `cargo bench --bench tokenise`.

use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use unicode_segmentation::UnicodeSegmentation;
use wordmill_analyse::{Analyser, Terms, TermsConfig};
use wordmill_model::{Document, Metadata, NormalisedDoc};
use wordmill_normalise::{
    Aliases, Fold, Normaliser, NormaliserConfig, StopWordLanguage, StopWords, TokenizerKind,
    UnicodeForm, split_sentences,
};

/// How much of the generated corpus is used.
const GENERATED_SLICE: usize = 8 << 20;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_dir_txt(dir: &Path) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}

/// The benchmark corpora: (name, documents).
fn corpora() -> Vec<(&'static str, Vec<String>)> {
    let mut out = Vec::new();
    let full = root().join("corpus/sotu-full");
    if full.is_dir() {
        out.push(("sotu-full", read_dir_txt(&full)));
    } else {
        out.push(("sotu", read_dir_txt(&root().join("corpus/sotu"))));
    }
    out.push(("news", read_dir_txt(&root().join("corpus/news"))));
    let generated = root().join("corpus/generated/gen-20m.jsonl");
    match std::fs::read_to_string(&generated) {
        Ok(text) => {
            let mut docs = Vec::new();
            let mut bytes = 0;
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
                let t = v["text"].as_str().expect("text field").to_string();
                bytes += t.len();
                docs.push(t);
                if bytes >= GENERATED_SLICE {
                    break;
                }
            }
            out.push(("gen-8m", docs));
        }
        Err(_) => eprintln!(
            "note: {} is absent; the generated corpus is skipped",
            generated.display()
        ),
    }
    out
}

fn bytes_of(docs: &[String]) -> u64 {
    docs.iter().map(|d| d.len() as u64).sum()
}

/// The yardstick: ASCII alphanumeric runs, lowercased and hashed (FxHash-style multiply-rotate)
/// into an open-addressing counter keyed by hash. Everything non-ASCII is a separator.
struct FusedCounter {
    slots: Vec<(u64, u32)>,
    mask: usize,
    len: usize,
}

impl FusedCounter {
    fn new() -> Self {
        FusedCounter {
            slots: vec![(0, 0); 1 << 16],
            mask: (1 << 16) - 1,
            len: 0,
        }
    }

    #[inline]
    fn bump(&mut self, h: u64) {
        let h = h | 1; // 0 marks an empty slot
        let mut i = (h as usize) & self.mask;
        loop {
            let slot = &mut self.slots[i];
            if slot.0 == h {
                slot.1 += 1;
                return;
            }
            if slot.0 == 0 {
                *slot = (h, 1);
                self.len += 1;
                if self.len * 2 > self.slots.len() {
                    self.grow();
                }
                return;
            }
            i = (i + 1) & self.mask;
        }
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![(0, 0); size]);
        self.mask = self.slots.len() - 1;
        for (h, n) in old.into_iter().filter(|s| s.0 != 0) {
            let mut i = (h as usize) & self.mask;
            while self.slots[i].0 != 0 {
                i = (i + 1) & self.mask;
            }
            self.slots[i] = (h, n);
        }
    }

    fn count(&mut self, text: &str) {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut h: u64 = 0;
        let mut in_word = false;
        for &b in text.as_bytes() {
            if b.is_ascii_alphanumeric() {
                h = (h.rotate_left(5) ^ u64::from(b | 0x20)).wrapping_mul(K);
                in_word = true;
            } else if in_word {
                self.bump(h);
                h = 0;
                in_word = false;
            }
        }
        if in_word {
            self.bump(h);
        }
    }
}

fn naive_count(docs: &[String]) -> HashMap<String, u64> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for d in docs {
        for w in d.unicode_words() {
            *counts.entry(w.to_lowercase()).or_insert(0) += 1;
        }
    }
    counts
}

fn words_config(lowercase: bool, stop: bool) -> NormaliserConfig {
    NormaliserConfig::default()
        .unicode(if lowercase {
            UnicodeForm::Nfkc
        } else {
            UnicodeForm::None
        })
        .lowercase(lowercase)
        .tokenizer(TokenizerKind::Words)
        .stopwords(if stop {
            StopWords::Builtin(StopWordLanguage::English)
        } else {
            StopWords::None
        })
        .min_len(1)
        .stem(None)
        .sentences(false)
}

fn tokenise(c: &mut Criterion) {
    let raw = Normaliser::new(words_config(false, false)).expect("config");
    let lower_stop = Normaliser::new(words_config(true, true)).expect("config");
    let sklearn =
        Normaliser::new(NormaliserConfig::scikit_learn().sentences(false)).expect("config");
    let fold = Normaliser::new(words_config(true, true).fold(Fold::Ascii)).expect("config");
    let fold_aliases = Normaliser::new(
        words_config(true, true).fold(Fold::Ascii).aliases(
            Aliases::from_file(root().join("pipelines/aliases/belarus.tsv"))
                .expect("the shipped alias file"),
        ),
    )
    .expect("config");
    let terms = Terms::new(TermsConfig::default());

    let mut group = c.benchmark_group("tokenise");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.warm_up_time(Duration::from_secs(1));
    for (name, docs) in corpora() {
        group.throughput(Throughput::Bytes(bytes_of(&docs)));
        group.bench_with_input(BenchmarkId::new("fused_ceiling", name), &docs, |b, docs| {
            b.iter(|| {
                let mut counter = FusedCounter::new();
                for d in docs {
                    counter.count(d);
                }
                black_box(counter.len)
            })
        });
        group.bench_with_input(
            BenchmarkId::new("naive_unicode_words", name),
            &docs,
            |b, docs| b.iter(|| black_box(naive_count(docs).len())),
        );
        for (id, normaliser) in [
            ("words_raw", &raw),
            ("words_lower_stop", &lower_stop),
            ("sklearn_pattern", &sklearn),
            ("words_fold", &fold),
            ("words_fold_aliases", &fold_aliases),
        ] {
            group.bench_with_input(BenchmarkId::new(id, name), &docs, |b, docs| {
                b.iter(|| {
                    // One token vector for all documents, as the pipeline's workers do.
                    let mut tokens = Vec::new();
                    let mut n = 0;
                    for d in docs {
                        tokens.clear();
                        normaliser.tokens_into(d, &mut tokens);
                        n += tokens.len();
                    }
                    black_box(n)
                })
            });
        }
        let documents: Vec<Document> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| Document::new(i as u64, format!("d{i}"), d.as_str(), Metadata::new()))
            .collect();
        group.bench_with_input(
            BenchmarkId::new("count_words_stop", name),
            &documents,
            |b, documents| {
                b.iter(|| {
                    let mut partial = terms.partial();
                    let mut spare = Vec::new();
                    for doc in documents {
                        let mut tokens = spare;
                        lower_stop.tokens_into(&doc.text, &mut tokens);
                        let nd = NormalisedDoc {
                            doc,
                            sentences: Vec::new(),
                            tokens,
                        };
                        terms.observe(&mut partial, &nd);
                        spare = nd.recycle().tokens;
                    }
                    black_box(partial.distinct_terms())
                })
            },
        );
        group.bench_with_input(BenchmarkId::new("sentences", name), &docs, |b, docs| {
            b.iter(|| {
                let mut n = 0;
                for d in docs {
                    n += split_sentences(d).len();
                }
                black_box(n)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, tokenise);
criterion_main!(benches);

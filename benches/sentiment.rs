//! VADER scoring speed, in sentences per second, on one core.
//!
//! Corpora: the texts of the VADER reference file (`tests/reference/vader/public.jsonl`, or
//! `vader/public.jsonl` under `WORDMILL_REFERENCE`) and the seed news article split on lines.
//! Each is scored with `Rules::Vader` and `Rules::VaderNews`.
//!
//! Run with `cargo bench --bench sentiment`.

#![allow(clippy::print_stdout, clippy::print_stderr)]
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wordmill_analyse::{Lexicon, Rules, Vader};

fn reference_texts() -> Vec<String> {
    let path = std::env::var_os("WORDMILL_REFERENCE")
        .map_or_else(
            || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference")),
            PathBuf::from,
        )
        .join("vader/public.jsonl");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            v["text"].as_str().expect("text").to_string()
        })
        .collect()
}

fn seed_lines() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/news/belarus-strikes-2020-08-13.txt"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn sentiment(c: &mut Criterion) {
    let corpora = [("public", reference_texts()), ("seed", seed_lines())];
    for (rules_name, rules) in [("vader", Rules::Vader), ("vader_news", Rules::VaderNews)] {
        let vader = Vader::new(Lexicon::vader(), rules);
        let mut group = c.benchmark_group(format!("sentiment/{rules_name}"));
        for (name, texts) in &corpora {
            group.throughput(Throughput::Elements(texts.len() as u64));
            group.bench_with_input(
                BenchmarkId::new("polarity_scores", name),
                texts,
                |b, texts| {
                    b.iter(|| {
                        for t in texts {
                            black_box(vader.polarity_scores(black_box(t)));
                        }
                    })
                },
            );
        }
        group.finish();
    }
}

criterion_group!(benches, sentiment);
criterion_main!(benches);

//! wordmill's reusable crates beside the Rust crates a developer would compare them with, on
//! the same inputs, one thread, in one run:
//!
//! - `vader-sentence`: `polarity_scores` on one news sentence — wordmill-analyse's `Vader`,
//!   `vader_sentiment` and `vader-parity`;
//! - `vader-corpus`: the same three over every sentence of the seed article and of
//!   `corpus/sotu` (cut once, by `wordmill_normalise::split_sentences`, before timing);
//! - `words-sotu`: the lower-cased words of every `corpus/sotu` text, a `Vec` per text —
//!   wordmill-normalise's `Normaliser::default().words` (its `TokenText`s, `wordmill`; and
//!   each made a `String`, `wordmill-strings`) against tantivy's `TextAnalyzer`
//!   (`SimpleTokenizer`, `RemoveLongFilter::limit(40)`, `LowerCaser`; its tokens' `String`s).
//!
//! Before timing it prints how many sentences each VADER peer scores exactly as wordmill does
//! (with one or two that differ) and the token counts of both tokenizers. After timing it
//! prints a table of criterion's median times with the ratio peer ÷ wordmill.
//!
//! Run with `cargo bench --bench peers` in `benches/peers/rust`.

#![allow(clippy::print_stdout)]

use std::collections::HashSet;
use std::hint::black_box;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use criterion::{Criterion, SamplingMode, Throughput};
use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer};
use wordmill_analyse::{RawScores, Scores, Vader};
use wordmill_normalise::{Normaliser, TokenText};
use wordmill_rust_peers::{Text, seed, sentences, sotu};

/// A typical news sentence.
const SENTENCE: &str =
    "The strike spread to the state factories, and workers were not happy about it!";

// ---------------------------------------------------------------------------------------------
// wordmill's word list (kept in these two functions, the one place to change if the API does).

/// The normaliser that gives lower-cased UAX #29 words (NFC, no stop words, no stemming).
fn wordmill_normaliser() -> Normaliser {
    Normaliser::default()
}

/// The lower-cased words of `text`, as `words` gives them.
fn wordmill_words<'a>(normaliser: &Normaliser, text: &'a str) -> Vec<TokenText<'a>> {
    normaliser.words(text)
}

/// The same words, each an owned `String` (as tantivy's are).
fn wordmill_strings(normaliser: &Normaliser, text: &str) -> Vec<String> {
    normaliser
        .words(text)
        .into_iter()
        .map(TokenText::into_owned)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// tantivy's word list.

/// tantivy's default text analyzer: alphanumeric runs, tokens of 40 bytes or more dropped,
/// lower-cased.
fn tantivy_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build()
}

/// The lower-cased words of `text`.
fn tantivy_words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        words.push(stream.token().text.clone());
    }
    words
}

// ---------------------------------------------------------------------------------------------
// The peers' VADER scores as wordmill's types.

fn four(s: &Scores) -> [f64; 4] {
    [s.neg, s.neu, s.pos, s.compound]
}

fn four_raw(s: &RawScores) -> [f64; 4] {
    [s.neg, s.neu, s.pos, s.compound]
}

/// `vader_sentiment`'s map, unrounded, in the order neg, neu, pos, compound.
fn vader_sentiment_raw(
    analyzer: &vader_sentiment::SentimentIntensityAnalyzer<'_>,
    text: &str,
) -> [f64; 4] {
    let m = analyzer.polarity_scores(text);
    ["neg", "neu", "pos", "compound"].map(|k| m[k])
}

/// The same values rounded as vaderSentiment rounds them (wordmill's `RawScores::rounded`:
/// Python's `round`, 3 decimals, compound 4).
fn rounded(raw: [f64; 4]) -> [f64; 4] {
    let [neg, neu, pos, compound] = raw;
    let r = RawScores {
        neg,
        neu,
        pos,
        compound,
        sum: 0.0,
        punct_amp: 0.0,
    };
    four(&r.rounded())
}

fn vader_parity_scores(
    analyzer: &vader_parity::SentimentIntensityAnalyzer,
    text: &str,
) -> [f64; 4] {
    let s = analyzer.polarity_scores(text);
    [s.neg, s.neu, s.pos, s.compound]
}

fn same(a: [f64; 4], b: [f64; 4]) -> bool {
    a.iter()
        .zip(&b)
        .all(|(x, y)| x.to_bits() == y.to_bits() || x == y)
}

// ---------------------------------------------------------------------------------------------
// Parity and token counts, printed before timing.

struct Tally {
    name: &'static str,
    equal: usize,
    /// Sentences whose compound score alone is the same.
    same_compound: usize,
    panicked: usize,
    /// Up to two sentences that differ, with how they are shown.
    examples: Vec<(String, String)>,
}

impl Tally {
    fn new(name: &'static str) -> Self {
        Tally {
            name,
            equal: 0,
            same_compound: 0,
            panicked: 0,
            examples: Vec::new(),
        }
    }

    fn record(&mut self, sentence: &str, wordmill: [f64; 4], peer: Option<[f64; 4]>) {
        if peer.is_some_and(|p| p[3] == wordmill[3]) {
            self.same_compound += 1;
        }
        match peer {
            Some(p) if same(p, wordmill) => self.equal += 1,
            Some(p) => {
                if self.examples.len() < 2 && !self.examples.iter().any(|e| e.0 == sentence) {
                    let shown = format!(
                        "    {:?}\n      wordmill {wordmill:?}\n      {} {p:?}",
                        shorten(sentence),
                        self.name
                    );
                    self.examples.push((sentence.to_string(), shown));
                }
            }
            None => self.panicked += 1,
        }
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 200;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

/// Runs `f`, or gives `None` when it panics.
fn guarded(f: impl FnOnce() -> [f64; 4]) -> Option<[f64; 4]> {
    catch_unwind(AssertUnwindSafe(f)).ok()
}

fn parity(corpus: &str, sentences: &[&str]) {
    let wordmill = Vader::default();
    let vs = vader_sentiment::SentimentIntensityAnalyzer::new();
    let vp = vader_parity::SentimentIntensityAnalyzer::new();
    let mut vs_rounded = Tally::new("vader_sentiment (rounded)");
    let mut vs_raw = Tally::new("vader_sentiment (unrounded)");
    let mut vp_tally = Tally::new("vader-parity");
    for s in sentences {
        let w = four(&wordmill.polarity_scores(s));
        let w_raw = four_raw(&wordmill.polarity_scores_raw(s));
        let peer = guarded(|| vader_sentiment_raw(&vs, s));
        vs_raw.record(s, w_raw, peer);
        vs_rounded.record(s, w, peer.map(rounded));
        vp_tally.record(s, w, guarded(|| vader_parity_scores(&vp, s)));
    }
    println!("parity on {corpus}: {} sentences", sentences.len());
    for t in [&vs_rounded, &vs_raw, &vp_tally] {
        let differ = sentences.len() - t.equal - t.panicked;
        println!(
            "  {:<28} same four scores as wordmill: {:>6}  differ: {:>6}  panicked: {}  \
             same compound: {}",
            t.name, t.equal, differ, t.panicked, t.same_compound
        );
        for (_, shown) in &t.examples {
            println!("{shown}");
        }
    }
}

fn token_counts(texts: &[Text]) {
    let normaliser = wordmill_normaliser();
    let mut analyzer = tantivy_analyzer();
    let (mut w_total, mut t_total) = (0usize, 0usize);
    let (mut w_distinct, mut t_distinct) = (HashSet::new(), HashSet::new());
    let mut example = None;
    for t in texts {
        let w = wordmill_strings(&normaliser, &t.text);
        let tv = tantivy_words(&mut analyzer, &t.text);
        w_total += w.len();
        t_total += tv.len();
        if example.is_none() && w != tv {
            let i = w.iter().zip(&tv).position(|(a, b)| a != b).unwrap_or(0);
            example = Some(format!(
                "  first difference ({}): wordmill {:?}, tantivy {:?}",
                t.name,
                &w[i..(i + 4).min(w.len())],
                &tv[i..(i + 4).min(tv.len())]
            ));
        }
        w_distinct.extend(w);
        t_distinct.extend(tv);
    }
    let bytes: usize = texts.iter().map(|t| t.text.len()).sum();
    println!("words of corpus/sotu: {} texts, {bytes} bytes", texts.len());
    println!(
        "  wordmill-normalise  tokens {w_total:>8}  distinct {:>6}",
        w_distinct.len()
    );
    println!(
        "  tantivy             tokens {t_total:>8}  distinct {:>6}",
        t_distinct.len()
    );
    if let Some(e) = example {
        println!("{e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Timing.

fn vader_sentence(c: &mut Criterion) {
    let wordmill = Vader::default();
    let vs = vader_sentiment::SentimentIntensityAnalyzer::new();
    let vp = vader_parity::SentimentIntensityAnalyzer::new();
    let mut g = c.benchmark_group("vader-sentence");
    g.sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(1));
    g.bench_function("wordmill", |b| {
        b.iter(|| wordmill.polarity_scores(black_box(SENTENCE)))
    });
    g.bench_function("vader_sentiment", |b| {
        b.iter(|| vs.polarity_scores(black_box(SENTENCE)))
    });
    g.bench_function("vader-parity", |b| {
        b.iter(|| vp.polarity_scores(black_box(SENTENCE)))
    });
    g.finish();
}

fn vader_corpus(c: &mut Criterion, sentences: &[&str]) {
    let wordmill = Vader::default();
    let vs = vader_sentiment::SentimentIntensityAnalyzer::new();
    let vp = vader_parity::SentimentIntensityAnalyzer::new();
    let mut g = c.benchmark_group("vader-corpus");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(sentences.len() as u64));
    g.bench_function("wordmill", |b| {
        b.iter(|| {
            for s in sentences {
                black_box(wordmill.polarity_scores(black_box(s)));
            }
        })
    });
    g.bench_function("vader_sentiment", |b| {
        b.iter(|| {
            for s in sentences {
                black_box(vs.polarity_scores(black_box(s)));
            }
        })
    });
    g.bench_function("vader-parity", |b| {
        b.iter(|| {
            for s in sentences {
                black_box(vp.polarity_scores(black_box(s)));
            }
        })
    });
    g.finish();
}

fn words_sotu(c: &mut Criterion, texts: &[Text]) {
    let normaliser = wordmill_normaliser();
    let mut analyzer = tantivy_analyzer();
    let bytes: usize = texts.iter().map(|t| t.text.len()).sum();
    let mut g = c.benchmark_group("words-sotu");
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("wordmill", |b| {
        b.iter(|| {
            for t in texts {
                black_box(wordmill_words(&normaliser, black_box(&t.text)));
            }
        })
    });
    g.bench_function("wordmill-strings", |b| {
        b.iter(|| {
            for t in texts {
                black_box(wordmill_strings(&normaliser, black_box(&t.text)));
            }
        })
    });
    g.bench_function("tantivy", |b| {
        b.iter(|| {
            for t in texts {
                black_box(tantivy_words(&mut analyzer, black_box(&t.text)));
            }
        })
    });
    g.finish();
}

// ---------------------------------------------------------------------------------------------
// The summary: criterion's median of each benchmark run by this process.

/// Where criterion writes its estimates (as criterion chooses, without asking cargo).
fn output_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        PathBuf::from(home)
    } else if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        PathBuf::from(target).join("criterion")
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/criterion")
    }
}

/// Median time per iteration in nanoseconds, if the benchmark ran since `since`.
fn median_ns(dir: &Path, group: &str, id: &str, since: SystemTime) -> Option<f64> {
    let path = dir.join(group).join(id).join("new/estimates.json");
    let fresh = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t >= since);
    if !fresh {
        return None;
    }
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn summary(dir: &Path, since: SystemTime, n_sentences: usize, sotu_bytes: usize) {
    let groups: [(&str, &[&str], &str, f64); 3] = [
        (
            "vader-sentence",
            &["wordmill", "vader_sentiment", "vader-parity"],
            "sentences/s",
            1.0,
        ),
        (
            "vader-corpus",
            &["wordmill", "vader_sentiment", "vader-parity"],
            "sentences/s",
            n_sentences as f64,
        ),
        (
            "words-sotu",
            &["wordmill", "wordmill-strings", "tantivy"],
            "MB/s",
            sotu_bytes as f64 / 1e6,
        ),
    ];
    println!();
    println!("| benchmark | crate | median time | throughput | ÷ wordmill |");
    println!("| --- | --- | ---: | ---: | ---: |");
    for (group, ids, unit, per_iter) in groups {
        let Some(base) = median_ns(dir, group, ids[0], since) else {
            continue;
        };
        for id in ids {
            let Some(ns) = median_ns(dir, group, id, since) else {
                continue;
            };
            let rate = per_iter / (ns / 1e9);
            let rate = if unit == "MB/s" {
                format!("{rate:.1} {unit}")
            } else {
                format!("{rate:.0} {unit}")
            };
            println!(
                "| {group} | {id} | {} | {rate} | {:.2} |",
                human(ns),
                ns / base
            );
        }
    }
}

fn main() {
    let seed = seed();
    let sotu = sotu();
    let seed_sentences = sentences(&seed.text);
    let sotu_sentences: Vec<&str> = sotu.iter().flat_map(|t| sentences(&t.text)).collect();
    let all: Vec<&str> = seed_sentences
        .iter()
        .chain(&sotu_sentences)
        .copied()
        .collect();
    let sotu_bytes: usize = sotu.iter().map(|t| t.text.len()).sum();

    // A panicking peer is counted, not printed.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    parity("the seed article", &seed_sentences);
    parity("corpus/sotu", &sotu_sentences);
    std::panic::set_hook(hook);
    token_counts(&sotu);
    println!();

    let since = SystemTime::now();
    let dir = output_dir();
    let mut c = Criterion::default()
        .output_directory(&dir)
        .configure_from_args();
    vader_sentence(&mut c);
    vader_corpus(&mut c, &all);
    words_sotu(&mut c, &sotu);
    c.final_summary();
    summary(&dir, since, all.len(), sotu_bytes);
}

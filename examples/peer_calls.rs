//! Times wordmill's library calls in process, the way `benches/peers/peers.py` times its Python
//! peers: the inputs are read first (not timed), then only the call is timed, on one thread,
//! best of K. Writes the times as JSON in the shape `peers.py measure` writes.
//!
//! ```sh
//! cargo run --release --example peer_calls -- --metric count --docs corpus/sotu-full \
//!     --repeat 3 --out /tmp/count.json
//! ```
//!
//! Metrics (each the same work as the Python call it is compared with):
//!
//! - `vader`: `Vader::polarity_scores` on every line of `--sentences` (`Rules::Vader`);
//! - `count`, `count_stop`: scikit-learn's token pattern, lowercase, counted by `Terms`
//!   (vocabulary, counts and document frequencies); `count_stop` drops the words of
//!   `--stop-words` (one per line);
//! - `tfidf`: the same tokens, and every document's L2-normalised TF-IDF row;
//! - `nltk_wordpunct`, `nltk_treebank`: UAX #29 words, lowercase, counted by `Terms`;
//! - `email`: every file under `--docs` (recursively, but not `LICENSE`, `NOTICE` or
//!   `README*`) read from memory as one e-mail message (`format = "email"`: headers to
//!   metadata, the text/plain parts decoded, or the HTML part reduced to text), as
//!   `benches/peers/mailhtml.py` times Python's `email` package;
//! - `html`: every `*.html`/`*.htm` file under `--docs` read from memory as a web page
//!   (`format = "html"`: its visible text, title and date), as `mailhtml.py` times
//!   BeautifulSoup's `get_text()`.
//!
//! CPU time is the thread's own on-CPU time (`/proc/thread-self/schedstat`); where that file
//! does not exist the CPU column repeats the wall time.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use wordmill_analyse::{Analyser, Lexicon, Rules, Terms, TermsConfig, Vader};
use wordmill_ingest::__fuzz::read_bytes;
use wordmill_ingest::{Format, SourceConfig, TextEncoding};
use wordmill_model::{DocBuffers, Document, Metadata};
use wordmill_normalise::{Normaliser, NormaliserConfig, StopWords, TokenizerKind, UnicodeForm};

struct Args {
    metric: String,
    docs: Option<PathBuf>,
    sentences: Option<PathBuf>,
    stop_words: Option<PathBuf>,
    repeat: usize,
    out: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        metric: String::new(),
        docs: None,
        sentences: None,
        stop_words: None,
        repeat: 3,
        out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--metric" => args.metric = value()?,
            "--docs" => args.docs = Some(value()?.into()),
            "--sentences" => args.sentences = Some(value()?.into()),
            "--stop-words" => args.stop_words = Some(value()?.into()),
            "--repeat" => {
                args.repeat = value()?
                    .parse()
                    .ok()
                    .filter(|&k| k > 0)
                    .ok_or("--repeat must be a whole number from 1")?
            }
            "--out" => args.out = Some(value()?.into()),
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    if args.metric.is_empty() {
        return Err("--metric is required".into());
    }
    Ok(args)
}

/// The calling thread's on-CPU time in seconds, if the kernel reports it.
fn thread_cpu() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn read_documents(dir: &Path) -> Result<Vec<Document>, String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(format!("no *.txt files in {}", dir.display()));
    }
    paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let id = p.file_stem().unwrap_or_default().to_string_lossy();
            Ok(Document::new(i as u64, id, read(p)?, Metadata::new()))
        })
        .collect()
}

/// Every file under `dir` (recursively, sorted) that `keep` accepts, read into memory.
fn read_tree(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))? {
            let path = e.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if keep(&path) {
                let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                out.push((path.to_string_lossy().into_owned(), bytes));
            }
        }
    }
    out.sort();
    if out.is_empty() {
        return Err(format!("no files to read under {}", dir.display()));
    }
    Ok(out)
}

/// Reading every file of `files` from memory in `format`; the call adds up the text made.
fn reading(files: &[(String, Vec<u8>)], format: Format) -> (Call<'_>, &'static str, usize, usize) {
    // A page's own charset declaration, as BeautifulSoup's callers decode it.
    let config = SourceConfig::default()
        .format(format)
        .encoding(TextEncoding::Auto);
    let bytes = files.iter().map(|(_, b)| b.len()).sum();
    let call: Call<'_> = Box::new(move || {
        let mut made = 0usize;
        for (name, raw) in files {
            let name = Path::new(name)
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
            for doc in read_bytes(&name, raw, &config).items.into_iter().flatten() {
                made += doc.text.len();
            }
        }
        made as f64
    });
    (call, "MB/s", files.len(), bytes)
}

/// One repetition of the call; returns a number derived from its output, so the work is kept.
type Call<'a> = Box<dyn Fn() -> f64 + 'a>;

fn counting<'a>(docs: &'a [Document], normaliser: Normaliser, terms: Terms) -> Call<'a> {
    Box::new(move || {
        let mut partial = terms.partial();
        let mut buffers = DocBuffers::default();
        for doc in docs {
            let nd = normaliser.normalise_with(doc, buffers);
            terms.observe(&mut partial, &nd);
            buffers = nd.recycle();
        }
        let out = terms.finish(partial);
        let cells: usize = out.documents.iter().flatten().map(|d| d.terms.len()).sum();
        (out.vocabulary.len() + cells) as f64
    })
}

/// A counting metric: `docs` normalised with `config` and counted by `Terms` (with every
/// document's TF-IDF row when `per_document`); the call, its unit, items and bytes.
fn counting_metric(
    docs: &[Document],
    config: NormaliserConfig,
    per_document: bool,
) -> Result<(Call<'_>, &'static str, usize, usize), String> {
    let normaliser = Normaliser::new(config).map_err(|e| e.to_string())?;
    let terms = Terms::try_new(TermsConfig::default().per_document(per_document))
        .map_err(|e| e.to_string())?;
    let bytes = docs.iter().map(|d| d.text.len()).sum();
    Ok((counting(docs, normaliser, terms), "MB/s", docs.len(), bytes))
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let need_docs = || {
        args.docs
            .as_deref()
            .ok_or("--docs is required for this metric")
    };
    let sklearn = |stop: StopWords| {
        NormaliserConfig::scikit_learn()
            .stopwords(stop)
            .sentences(false)
    };
    let docs;
    let files;
    let sentences: Vec<String>;
    let (call, unit, items, bytes): (Call<'_>, &str, usize, usize) = match args.metric.as_str() {
        "vader" => {
            let path = args.sentences.as_deref().ok_or("--sentences is required")?;
            sentences = read(path)?.lines().map(str::to_string).collect();
            let vader = Vader::new(Lexicon::vader(), Rules::Vader);
            let bytes = sentences.iter().map(String::len).sum();
            let n = sentences.len();
            let sentences = &sentences;
            let call: Call<'_> = Box::new(move || {
                sentences
                    .iter()
                    .map(|s| vader.polarity_scores(s).compound)
                    .sum()
            });
            (call, "sentences/s", n, bytes)
        }
        metric @ ("count" | "count_stop" | "tfidf") => {
            docs = read_documents(need_docs()?)?;
            let stop = if metric == "count_stop" {
                let path = args
                    .stop_words
                    .as_deref()
                    .ok_or("--stop-words is required for count_stop")?;
                StopWords::List(read(path)?.lines().map(str::to_string).collect())
            } else {
                StopWords::None
            };
            counting_metric(&docs, sklearn(stop), metric == "tfidf")?
        }
        "nltk_wordpunct" | "nltk_treebank" => {
            docs = read_documents(need_docs()?)?;
            let words = NormaliserConfig::default()
                .unicode(UnicodeForm::None)
                .lowercase(true)
                .tokenizer(TokenizerKind::Words)
                .stopwords(StopWords::None)
                .sentences(false);
            counting_metric(&docs, words, false)?
        }
        "email" => {
            let skip = |p: &Path| {
                let name = p.file_name().unwrap_or_default().to_string_lossy();
                !(name == "LICENSE" || name == "NOTICE" || name.starts_with("README"))
            };
            files = read_tree(need_docs()?, &skip)?;
            reading(&files, Format::Email)
        }
        "html" => {
            let pages = |p: &Path| {
                p.extension().is_some_and(|x| {
                    x.eq_ignore_ascii_case("html") || x.eq_ignore_ascii_case("htm")
                })
            };
            files = read_tree(need_docs()?, &pages)?;
            reading(&files, Format::Html)
        }
        other => return Err(format!("unknown metric {other:?}")),
    };

    let mut times = Vec::with_capacity(args.repeat);
    let mut cpu = Vec::with_capacity(args.repeat);
    let mut check = 0.0;
    for _ in 0..args.repeat {
        let (start, start_cpu) = (Instant::now(), thread_cpu());
        check += std::hint::black_box(call());
        let wall = start.elapsed().as_secs_f64();
        times.push(wall);
        cpu.push(match (start_cpu, thread_cpu()) {
            (Some(a), Some(b)) => b - a,
            _ => wall,
        });
    }
    let best = times.iter().copied().fold(f64::INFINITY, f64::min);
    let best_cpu = cpu.iter().copied().fold(f64::INFINITY, f64::min);
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    let median = if sorted.len() % 2 == 1 {
        sorted[sorted.len() / 2]
    } else {
        (sorted[sorted.len() / 2 - 1] + sorted[sorted.len() / 2]) / 2.0
    };
    let amount = if unit == "sentences/s" {
        items as f64
    } else {
        bytes as f64 / 1e6
    };
    let json = serde_json::json!({
        "metric": args.metric,
        "unit": unit,
        "items": items,
        "bytes": bytes,
        "times_s": times,
        "cpu_s": cpu,
        "best_s": best,
        "median_s": median,
        "best": amount / best,
        "median": amount / median,
        "best_cpu": amount / best_cpu.max(1e-9),
        "check": check / args.repeat as f64,
    });
    let text = serde_json::to_string_pretty(&json).map_err(|e| e.to_string())?;
    match &args.out {
        Some(path) => {
            std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
        }
        None => {
            println!("{text}");
            Ok(())
        }
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("peer_calls: {e}");
            ExitCode::from(2)
        }
    }
}

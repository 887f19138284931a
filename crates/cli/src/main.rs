//! The `wordmill` command-line tool: a thin layer over `wordmill-pipeline`.
//!
//! Exit codes: 0 success, 1 a run or check failed, 2 bad usage or a bad pipeline file; 128 + the
//! signal's number (130, 143, 129) for a run stopped by SIGINT, SIGTERM or SIGHUP.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod adhoc;
mod batch;
mod bench;
mod compare;
mod state;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use wordmill_pipeline::{Pipeline, RunError, RunOptions};

use crate::bench::save_baseline;
use crate::compare::{Side, compare};
use wordmill_report::plural;

/// Turns a corpus of documents into term statistics, TF-IDF and sentiment reports.
#[derive(Debug, Parser)]
#[command(name = "wordmill", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run pipeline files (or every pipeline in a directory) and write their reports.
    Run {
        /// Pipeline files (.toml or .json) or directories of them.
        #[arg(required = true, value_name = "PIPELINE")]
        pipelines: Vec<PathBuf>,
        /// Report directory, overriding `report.dir` (only with a single pipeline).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Worker threads per pipeline (default: the cores, shared between --jobs).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
        threads: Option<u16>,
        /// Pipelines run at once (default 1).
        #[arg(long, short, value_name = "N", default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=256))]
        jobs: u16,
        /// Print nothing but errors (no summary, no progress bars).
        #[arg(long, short)]
        quiet: bool,
        /// Also write the run's partial state to this file, for `wordmill merge`.
        #[arg(long, value_name = "PATH")]
        state_out: Option<PathBuf>,
        /// Number documents from N on (when this run is one shard of a larger corpus).
        #[arg(long, value_name = "N", default_value_t = 0)]
        ordinal_offset: u64,
        /// Read this input instead of `ingest.inputs` (repeatable; one pipeline only).
        #[arg(long = "input", value_name = "PATH")]
        inputs: Vec<String>,
        /// While another run is writing the same report directory, wait for it (default: fail
        /// at once, naming the directory and the run).
        #[arg(long)]
        wait: bool,
    },
    /// Analyse JSON Lines documents from standard input into one state line on standard output.
    Map {
        /// The pipeline file.
        #[arg(value_name = "PIPELINE")]
        pipeline: PathBuf,
        /// Number documents from N on.
        #[arg(long, value_name = "N", default_value_t = 0)]
        ordinal_offset: u64,
        /// Take each document's position in the corpus from this field instead.
        #[arg(long, value_name = "FIELD")]
        ordinal_field: Option<String>,
        /// Apply the pipeline's `meta_from_path` to this field of each document.
        #[arg(long, value_name = "FIELD")]
        path_field: Option<String>,
        /// Worker threads.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
        threads: Option<u16>,
        /// Say so on standard error when standard output is closed before the state is
        /// written (`| head`); the exit status is 0 either way.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Merge state lines from standard input into one state line on standard output.
    Reduce {
        /// The pipeline file the states were made with.
        #[arg(value_name = "PIPELINE")]
        pipeline: PathBuf,
        /// Say so on standard error when standard output is closed before the state is
        /// written (`| head`); the exit status is 0 either way.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Merge state files and write the report.
    Merge {
        /// The pipeline file the states were made with.
        #[arg(value_name = "PIPELINE")]
        pipeline: PathBuf,
        /// State files (one or more state lines each; `-` for standard input).
        #[arg(required = true, value_name = "STATE")]
        states: Vec<PathBuf>,
        /// Report directory, overriding `report.dir`.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
        /// While another run is writing the same report directory, wait for it (default: fail
        /// at once).
        #[arg(long)]
        wait: bool,
    },
    /// Score texts with VADER: JSON Lines, CSV or plain lines in, one JSON line out per text.
    #[command(after_help = SENTIMENT_HELP)]
    Sentiment {
        /// Input file, or `-` for standard input.
        #[arg(value_name = "FILE", default_value = "-")]
        input: PathBuf,
        /// Input format: jsonl (one JSON object per line), csv (RFC 4180, a header row first)
        /// or lines (one plain text per line).
        #[arg(long, value_name = "FORMAT", default_value = "jsonl", value_parser = adhoc::AdhocFormat::NAMES)]
        format: String,
        /// The same as --format lines: each input line is a plain text.
        #[arg(long, conflicts_with = "format")]
        lines: bool,
        /// The field holding the text: a JSON key or dotted path (body.text), or a CSV column
        /// [default: text].
        #[arg(long, value_name = "NAME")]
        text_field: Option<String>,
        /// The field holding the id, named likewise; it must exist in the first record (CSV:
        /// the header) [default: `id` where a record has one, else the record number].
        #[arg(long, value_name = "NAME")]
        id_field: Option<String>,
        /// Split each text into sentences and score each sentence.
        #[arg(long)]
        sentences: bool,
        /// Rules: vader (vaderSentiment 3.3.2 exactly), vader-news, none.
        #[arg(long, default_value = "vader", value_parser = ["vader", "vader-news", "none"])]
        rules: String,
        /// Lexicon: `vader` or a file; repeat to layer (later ones override).
        #[arg(long, value_name = "LEXICON")]
        lexicon: Vec<String>,
        /// Add which tokens and rules carried each score.
        #[arg(long)]
        explain: bool,
        /// Worker threads.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
        threads: Option<u16>,
    },
    /// Find words, globs and phrases in texts: a concordance, one line per hit.
    #[command(after_help = KWIC_HELP)]
    Kwic {
        /// The patterns (words, `*`/`?` globs, phrases in quotes), then optionally the input:
        /// a file, or `-` for standard input (the default).
        #[arg(required = true, value_name = "PATTERN... [FILE|-]")]
        args: Vec<String>,
        /// Input format: jsonl (one JSON object per line), csv (RFC 4180, a header row first)
        /// or lines (one plain text per line).
        #[arg(long, value_name = "FORMAT", default_value = "jsonl", value_parser = adhoc::AdhocFormat::NAMES)]
        format: String,
        /// The same as --format lines: each input line is a plain text.
        #[arg(long, conflicts_with = "format")]
        lines: bool,
        /// The field holding the text: a JSON key or dotted path (body.text), or a CSV column
        /// [default: text].
        #[arg(long, value_name = "NAME")]
        text_field: Option<String>,
        /// The field holding the id, named likewise [default: `id` where a record has one,
        /// else the record number].
        #[arg(long, value_name = "NAME")]
        id_field: Option<String>,
        /// Tokens of context on each side.
        #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u16).range(0..=100))]
        window: u16,
        /// Fold every token to ASCII (Лукашенко, Łukašenka → lukashenko, lukasenka).
        #[arg(long)]
        fold: bool,
        /// A file of `variant<TAB>canonical` aliases, applied after folding.
        #[arg(long, value_name = "FILE")]
        aliases: Option<PathBuf>,
        /// Stop words removed before matching: none, or a built-in list (en, de, fr, ...).
        #[arg(long, value_name = "LIST", default_value = "none")]
        stopwords: String,
        /// JSON lines with kwic.csv's columns instead of aligned text.
        #[arg(long)]
        json: bool,
        /// Characters of context shown on each side in aligned text.
        #[arg(long, value_name = "N", default_value_t = 40)]
        width: usize,
        /// Worker threads.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
        threads: Option<u16>,
    },
    /// Check pipeline files without running them; report every error at once.
    Validate {
        /// Pipeline files (.toml or .json) or directories of them.
        #[arg(required = true, value_name = "PIPELINE")]
        pipelines: Vec<PathBuf>,
    },
    // Set as an attribute, not a doc comment: rustdoc would read `[[expect]]` as a link.
    #[command(about = "Run pipelines and check their [[expect]] entries; exit 1 if any fails")]
    Test {
        /// Pipeline files (.toml or .json) or directories of them.
        #[arg(required = true, value_name = "PIPELINE")]
        pipelines: Vec<PathBuf>,
        /// Worker threads per pipeline.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
        threads: Option<u16>,
        /// Print nothing but failures and errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Run a pipeline several times and summarise the times per stage.
    Bench {
        /// The pipeline file.
        #[arg(value_name = "PIPELINE")]
        pipeline: PathBuf,
        /// How many runs.
        #[arg(long, short = 'n', default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=10_000))]
        repeat: u32,
        /// Save the result as a baseline under this name (in .wordmill/baselines/).
        #[arg(long, value_name = "NAME")]
        save: Option<String>,
        /// Report directory for the runs, overriding `report.dir`.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Worker threads.
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
        threads: Option<u16>,
        /// Print the baseline as JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// While another run is writing the same report directory, wait for it (default: fail
        /// at once).
        #[arg(long)]
        wait: bool,
    },
    /// Compare two runs: run.json files, report directories, baseline files or saved baselines.
    Compare {
        /// The first (reference) side.
        a: String,
        /// The second side.
        b: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("wordmill: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run() -> Result<ExitCode> {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return Ok(ExitCode::from(code));
        }
    };
    if matches!(
        cli.command,
        Command::Run { .. } | Command::Merge { .. } | Command::Test { .. } | Command::Bench { .. }
    ) {
        clean_up_on_signals();
    }
    match cli.command {
        Command::Run {
            pipelines,
            out,
            threads,
            jobs,
            quiet,
            state_out,
            ordinal_offset,
            inputs,
            wait,
        } => {
            let progress = !quiet && io::stderr().is_terminal();
            let inputs = (!inputs.is_empty()).then_some(inputs);
            let base = RunOptions {
                threads: threads.map(usize::from),
                out,
                state_out,
                ordinal_offset,
                inputs,
                wait,
                ..Default::default()
            };
            batch::run_batch(&pipelines, base, usize::from(jobs), quiet, progress)
        }
        Command::Map {
            pipeline,
            ordinal_offset,
            ordinal_field,
            path_field,
            threads,
            verbose,
        } => state::cmd_map(
            &pipeline,
            ordinal_offset,
            ordinal_field,
            path_field,
            threads.map(usize::from),
            verbose,
        ),
        Command::Sentiment {
            input,
            format,
            lines,
            text_field,
            id_field,
            sentences,
            rules,
            lexicon,
            explain,
            threads,
        } => {
            // clap admits only the rules' names.
            let rules: wordmill_analyse::Rules = match rules.parse() {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("wordmill: --rules: {e}");
                    return Ok(ExitCode::from(2));
                }
            };
            let Some(format) = adhoc_format(&format, lines, &text_field, &id_field) else {
                return Ok(ExitCode::from(2));
            };
            let options = adhoc::AdhocOptions {
                format,
                sentences,
                rules,
                lexicon: if lexicon.is_empty() {
                    vec!["vader".into()]
                } else {
                    lexicon
                },
                explain,
                threads: threads.map(usize::from),
                text_field: text_field.unwrap_or_else(|| "text".into()),
                id_field,
            };
            cmd_sentiment(&input, &options)
        }
        Command::Kwic {
            mut args,
            format,
            lines,
            text_field,
            id_field,
            window,
            fold,
            aliases,
            stopwords,
            json,
            width,
            threads,
        } => {
            // The last argument is the input when it is `-` or an existing file and a pattern
            // comes before it.
            let input = match args.last() {
                Some(last)
                    if args.len() > 1 && (last == "-" || std::path::Path::new(last).is_file()) =>
                {
                    PathBuf::from(args.pop().unwrap_or_default())
                }
                _ => PathBuf::from("-"),
            };
            let Some(format) = adhoc_format(&format, lines, &text_field, &id_field) else {
                return Ok(ExitCode::from(2));
            };
            let options = adhoc::AdhocOptions {
                format,
                threads: threads.map(usize::from),
                text_field: text_field.unwrap_or_else(|| "text".into()),
                id_field,
                ..adhoc::AdhocOptions::default()
            };
            let kwic = adhoc::KwicOptions {
                patterns: args,
                window: usize::from(window),
                fold,
                aliases,
                stopwords,
                json,
                width,
            };
            // Bad patterns and options are found before any input is read.
            if let Err(e) = adhoc::build_kwic(&kwic) {
                eprintln!("wordmill: {e}");
                return Ok(ExitCode::from(2));
            }
            cmd_adhoc(&input, "searched", &|input, output, on_error| {
                adhoc::kwic_stream(input, output, &options, &kwic, on_error)
            })
        }
        Command::Reduce { pipeline, verbose } => state::cmd_reduce(&pipeline, verbose),
        Command::Merge {
            pipeline,
            states,
            out,
            quiet,
            wait,
        } => state::cmd_merge(&pipeline, &states, out, quiet, wait),
        Command::Validate { pipelines } => cmd_validate(&pipelines),
        Command::Test {
            pipelines,
            threads,
            quiet,
        } => cmd_test(&pipelines, threads.map(usize::from), quiet),
        Command::Bench {
            pipeline,
            repeat,
            save,
            out,
            threads,
            json,
            wait,
        } => cmd_bench(
            &pipeline,
            repeat as usize,
            save,
            out,
            threads.map(usize::from),
            json,
            wait,
        ),
        Command::Compare { a, b, json } => cmd_compare(&a, &b, json),
    }
}

/// On SIGINT, SIGTERM or SIGHUP: removes the staging directories of the reports being written
/// (their previous reports stay as they were), says what to remove by hand if that fails, and
/// ends the process with 128 + the signal's number (130, 143, 129). A signal the process was
/// started with set to be ignored (`nohup`, a background job of a script) stays ignored.
fn clean_up_on_signals() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let ignored = ignored_signals();
    let watched: Vec<i32> = [SIGINT, SIGTERM, SIGHUP]
        .into_iter()
        .filter(|s| ignored & (1 << (s - 1)) == 0)
        .collect();
    if watched.is_empty() {
        return;
    }
    let Ok(mut signals) = signal_hook::iterator::Signals::new(watched) else {
        return;
    };
    let watcher = std::thread::Builder::new()
        .name("wordmill-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                for left in wordmill_report::interrupt() {
                    eprintln!("wordmill: interrupted, and the staging directory {left}");
                }
                std::process::exit(128 + signal);
            }
        });
    if let Err(e) = watcher {
        eprintln!(
            "wordmill: cannot watch for signals ({e}); an interrupted run may leave a hidden staging directory beside its report directory"
        );
    }
}

/// The signals this process ignores, as a mask (bit `n - 1` for signal `n`), from Linux's
/// `/proc/self/status`; none where that cannot be read.
fn ignored_signals() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find_map(|l| l.strip_prefix("SigIgn:"))?;
            u64::from_str_radix(line.trim(), 16).ok()
        })
        .unwrap_or(0)
}

fn cmd_validate(paths: &[PathBuf]) -> Result<ExitCode> {
    let files = match batch::expand(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("wordmill: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut bad = 0;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for f in &files {
        match Pipeline::load(f) {
            Ok(_) => writeln!(out, "{}: ok", f.display())?,
            Err(e) => {
                bad += 1;
                eprintln!("{e}");
            }
        }
    }
    Ok(if bad > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

pub(crate) fn load_or_report(path: &std::path::Path) -> Result<Pipeline, u8> {
    match Pipeline::load(path) {
        Ok(p) => Ok(p),
        Err(e @ (RunError::Config(_) | RunError::ReadPipeline { .. })) => {
            eprintln!("{e}");
            Err(2)
        }
        Err(e) => {
            eprintln!("wordmill: {e}");
            Err(1)
        }
    }
}

fn cmd_test(paths: &[PathBuf], threads: Option<usize>, quiet: bool) -> Result<ExitCode> {
    let files = match batch::expand(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("wordmill: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let mut worst = 0u8;
    let (mut passed, mut failed) = (0usize, 0usize);
    let stdout = io::stdout();
    for f in &files {
        let pipeline = match load_or_report(f) {
            Ok(p) => p,
            Err(code) => {
                worst = worst.max(code);
                continue;
            }
        };
        if pipeline.expect.is_empty() && !quiet {
            eprintln!("{}: no [[expect]] entries to check", f.display());
        }
        let outcome = match wordmill_pipeline::run(
            &pipeline,
            &RunOptions {
                threads,
                ..Default::default()
            },
        ) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("wordmill: {}: {e}", f.display());
                worst = worst.max(1);
                continue;
            }
        };
        let mut w = stdout.lock();
        for e in &pipeline.expect {
            let r = e.check(&outcome.report);
            if r.passed {
                passed += 1;
                if !quiet {
                    writeln!(w, "pass  {}: {} ({})", pipeline.name, r.expected, r.actual)?;
                }
            } else {
                failed += 1;
                worst = worst.max(1);
                writeln!(
                    w,
                    "FAIL  {}: {} (actual: {})",
                    pipeline.name, r.expected, r.actual
                )?;
            }
        }
    }
    if !quiet {
        writeln!(stdout.lock(), "{passed} passed, {failed} failed")?;
    }
    Ok(ExitCode::from(worst))
}

fn cmd_bench(
    path: &std::path::Path,
    repeat: usize,
    save: Option<String>,
    out: Option<PathBuf>,
    threads: Option<usize>,
    json: bool,
    wait: bool,
) -> Result<ExitCode> {
    let pipeline = match load_or_report(path) {
        Ok(p) => p,
        Err(code) => return Ok(ExitCode::from(code)),
    };
    let baseline = match bench::bench(
        &pipeline,
        repeat,
        &RunOptions {
            threads,
            out,
            wait,
            ..Default::default()
        },
    ) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("wordmill: {}: {e}", path.display());
            return Ok(ExitCode::from(1));
        }
    };
    let stdout = io::stdout();
    let mut w = stdout.lock();
    if json {
        serde_json::to_writer_pretty(&mut w, &baseline)?;
        writeln!(w)?;
    } else {
        writeln!(
            w,
            "{}: {}, {}, {}, {:.2} MB",
            baseline.pipeline.name,
            plural(baseline.repeat as u64, "run", "runs"),
            plural(baseline.threads as u64, "thread", "threads"),
            plural(baseline.documents, "document", "documents"),
            baseline.text_bytes as f64 / 1e6
        )?;
        writeln!(
            w,
            "{:<12} {:>12} {:>12} {:>12} {:>12}",
            "stage", "median s", "min s", "max s", "median MB/s"
        )?;
        for s in &baseline.stages {
            let rate = s
                .bytes_per_second
                .map_or("-".to_string(), |r| format!("{:.1}", r.median / 1e6));
            writeln!(
                w,
                "{:<12} {:>12.4} {:>12.4} {:>12.4} {:>12}",
                s.name, s.seconds.median, s.seconds.min, s.seconds.max, rate
            )?;
        }
        let t = &baseline.wall_seconds;
        writeln!(
            w,
            "{:<12} {:>12.4} {:>12.4} {:>12.4} {:>12.1}",
            "wall",
            t.median,
            t.min,
            t.max,
            baseline.bytes_per_second.median / 1e6
        )?;
        writeln!(
            w,
            "peak memory {:.1} MB",
            baseline.peak_rss_bytes as f64 / 1e6
        )?;
    }
    if let Some(name) = save {
        let saved =
            save_baseline(&baseline, &name).with_context(|| format!("saving baseline {name}"))?;
        eprintln!("saved baseline {name} to {}", saved.display());
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_compare(a: &str, b: &str, json: bool) -> Result<ExitCode> {
    let (sa, sb) = match (Side::load(a), Side::load(b)) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("wordmill: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let c = compare(&sa, &sb);
    let stdout = io::stdout();
    let mut w = stdout.lock();
    if json {
        serde_json::to_writer_pretty(&mut w, &c)?;
        writeln!(w)?;
    } else {
        write!(w, "{}", c.render())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The input format of `wordmill sentiment` and `wordmill kwic` from `--format` and `--lines`;
/// `None`, after saying why, when it cannot be used with the field options given.
fn adhoc_format(
    format: &str,
    lines: bool,
    text_field: &Option<String>,
    id_field: &Option<String>,
) -> Option<adhoc::AdhocFormat> {
    let format = if lines {
        adhoc::AdhocFormat::Lines
    } else {
        match format.parse() {
            Ok(f) => f,
            Err(e) => {
                eprintln!("wordmill: {e}");
                return None;
            }
        }
    };
    if format == adhoc::AdhocFormat::Lines && (text_field.is_some() || id_field.is_some()) {
        eprintln!(
            "wordmill: --text-field and --id-field name fields of JSON Lines or CSV records; plain lines have none (the id is the line number)"
        );
        return None;
    }
    Some(format)
}

fn cmd_sentiment(input: &std::path::Path, options: &adhoc::AdhocOptions) -> Result<ExitCode> {
    cmd_adhoc(input, "scored", &|input, output, on_error| {
        adhoc::score_stream(input, output, options, on_error)
    })
}

/// Reads a stream of texts from a file or standard input, the work done by `run`, with one
/// way of reporting errors and exit codes for `wordmill sentiment` and `wordmill kwic`.
type AdhocRun<'a> = dyn Fn(
        &mut dyn io::BufRead,
        &mut dyn Write,
        &mut dyn FnMut(String),
    ) -> Result<adhoc::AdhocStats, adhoc::AdhocError>
    + 'a;

fn cmd_adhoc(input: &std::path::Path, verb: &str, run: &AdhocRun<'_>) -> Result<ExitCode> {
    let origin = if input.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        input.display().to_string()
    };
    let mut report = |e: String| eprintln!("wordmill: {origin}: {e}");
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = if input.as_os_str() == "-" {
        let stdin = io::stdin();
        run(&mut stdin.lock(), &mut out, &mut report)
    } else {
        match std::fs::File::open(input) {
            Ok(f) => run(&mut io::BufReader::new(f), &mut out, &mut report),
            Err(e) => {
                eprintln!("wordmill: {origin}: cannot read: {e}");
                return Ok(ExitCode::from(2));
            }
        }
    };
    match result {
        Ok(stats) if stats.bad > 0 => {
            eprintln!(
                "wordmill: {origin}: {} of {} could not be {verb} (listed above)",
                stats.bad,
                plural(stats.records, "record", "records")
            );
            Ok(ExitCode::from(1))
        }
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(e) if e.is_broken_pipe() => Ok(ExitCode::SUCCESS),
        Err(e @ adhoc::AdhocError::Input { .. }) => {
            eprintln!("wordmill: {origin}: {e}");
            Ok(ExitCode::from(2))
        }
        // The lexicon's own file and line, not the input's.
        Err(e @ adhoc::AdhocError::Lexicon(_)) => {
            eprintln!("wordmill: --lexicon: {e}");
            Ok(ExitCode::from(2))
        }
        Err(e) => {
            eprintln!("wordmill: {origin}: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

/// Shown after `wordmill kwic --help`.
const KWIC_HELP: &str = "\
Output: one line per hit, in input order: the record's id and sentence number (from 1), the
left context right-aligned, the match in [brackets], the right context:
  belarus:8  of general strikes is going to worry [Lukashenko] more, as they represent a
With --json, one JSON line per hit: pattern, id, sentence (0-based), start and end (byte
offsets into the text: text[start..end] is the match), left, match, right.

Patterns are matched against the normalised tokens (lower-cased; --fold, --aliases and
--stopwords as in a pipeline's [normalise]), each pattern on its own, a phrase within one
sentence. The last argument is the input when it is `-` or an existing file; otherwise every
argument is a pattern and the texts come from standard input.

Examples:
  wordmill kwic 'strik*' 'general strike' --lines article.txt
  wordmill kwic Lukashenka --fold --aliases pipelines/aliases/belarus.tsv posts.jsonl
  wordmill kwic --json --format csv --text-field body 'tax*' letters.csv";

/// Shown after `wordmill sentiment --help`.
const SENTIMENT_HELP: &str = "\
Output: one JSON line per text (per sentence with --sentences), in input order:
  {\"id\":…,\"neg\":…,\"neu\":…,\"pos\":…,\"compound\":…}
The id is the id field as found (a string for CSV), or the 1-based record number.

Input that does not fit --format or --text-field stops at its first record with one error
and a hint (exit 2); a later bad record is reported with its line number and skipped (exit 1).

Examples:
  wordmill sentiment posts.jsonl --text-field body.text --id-field meta.id
  wordmill sentiment reviews.csv --format csv --text-field review --sentences
  wordmill sentiment --format lines < sentences.txt";

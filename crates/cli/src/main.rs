//! The `wordmill` command-line tool: a thin layer over `wordmill-pipeline`.
//!
//! Exit codes: 0 success, 1 a run or check failed, 2 bad usage or a bad pipeline file.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use wordmill_pipeline::{Pipeline, RunError, RunOptions};

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
        /// Worker threads for analysis (default: one per core).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
        threads: Option<u16>,
        /// Print nothing but errors.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check pipeline files without running them; report every error at once.
    Validate {
        /// Pipeline files (.toml or .json) or directories of them.
        #[arg(required = true, value_name = "PIPELINE")]
        pipelines: Vec<PathBuf>,
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
    err.chain().any(|e| e.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
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
    match cli.command {
        Command::Run { pipelines, out, threads, quiet } => cmd_run(&pipelines, out, threads.map(usize::from), quiet),
        Command::Validate { pipelines } => cmd_validate(&pipelines),
    }
}

/// Expands directories into the pipeline files they hold (sorted).
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: cannot list the directory: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file() && matches!(f.extension().and_then(|e| e.to_str()), Some("toml" | "json")))
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!("{}: no pipeline files (*.toml, *.json) in this directory", p.display()));
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

fn cmd_validate(paths: &[PathBuf]) -> Result<ExitCode> {
    let files = match expand(paths) {
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
    Ok(if bad > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

fn cmd_run(paths: &[PathBuf], out: Option<PathBuf>, threads: Option<usize>, quiet: bool) -> Result<ExitCode> {
    let files = match expand(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("wordmill: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if out.is_some() && files.len() > 1 {
        eprintln!("wordmill: --out names one report directory, so it takes exactly one pipeline");
        return Ok(ExitCode::from(2));
    }
    let mut worst = 0u8;
    for f in &files {
        let code = run_one(f, out.clone(), threads, quiet)?;
        worst = worst.max(code);
    }
    Ok(ExitCode::from(worst))
}

fn run_one(path: &Path, out: Option<PathBuf>, threads: Option<usize>, quiet: bool) -> Result<u8> {
    let pipeline = match Pipeline::load(path) {
        Ok(p) => p,
        Err(e @ (RunError::Config(_) | RunError::ReadPipeline { .. })) => {
            eprintln!("{e}");
            return Ok(2);
        }
        Err(e) => {
            eprintln!("wordmill: {e}");
            return Ok(1);
        }
    };
    match wordmill_pipeline::run(&pipeline, &RunOptions { threads, out }) {
        Ok(outcome) => {
            if !quiet {
                let stdout = io::stdout();
                let mut w = stdout.lock();
                write!(w, "{}", wordmill_report::render_terminal(&outcome.report))?;
                let m = &outcome.manifest;
                writeln!(
                    w,
                    "  {:.3} s, {:.1} MB/s, {} threads -> {}",
                    m.wall_seconds,
                    m.bytes_per_second / 1e6,
                    m.threads,
                    outcome.dir.display()
                )?;
            }
            Ok(0)
        }
        Err(e) => {
            eprintln!("wordmill: {}: {e}", path.display());
            Ok(1)
        }
    }
}

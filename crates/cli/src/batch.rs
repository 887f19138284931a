//! `wordmill run`: one pipeline or a batch, with progress bars and a closing summary.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Result;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use wordmill_pipeline::{Progress, RunOptions};

/// Expands directories into the pipeline files they hold (sorted).
pub(crate) fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: cannot list the directory: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| {
                    f.is_file()
                        && matches!(
                            f.extension().and_then(|e| e.to_str()),
                            Some("toml" | "json")
                        )
                })
                .collect();
            found.sort();
            if found.is_empty() {
                return Err(format!(
                    "{}: no pipeline files (*.toml, *.json) in this directory",
                    p.display()
                ));
            }
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// How one pipeline of a batch ended.
struct Row {
    pipeline: String,
    documents: u64,
    bytes: u64,
    seconds: f64,
    status: Result<(), String>,
    code: u8,
}

fn one(path: &Path, base: &RunOptions, bar: Option<ProgressBar>, quiet: bool) -> (Row, String) {
    let name = path.display().to_string();
    let fail = |code: u8, msg: String| {
        (
            Row {
                pipeline: name.clone(),
                documents: 0,
                bytes: 0,
                seconds: 0.0,
                status: Err(msg),
                code,
            },
            String::new(),
        )
    };
    // With --input the file's own inputs are not read, so they need not exist.
    let loaded = if base.inputs.is_some() {
        wordmill_pipeline::Pipeline::load_for_other_inputs(path)
    } else {
        wordmill_pipeline::Pipeline::load(path)
    };
    let pipeline = match loaded {
        Ok(p) => p,
        Err(
            e @ (wordmill_pipeline::RunError::Config(_)
            | wordmill_pipeline::RunError::ReadPipeline { .. }),
        ) => {
            eprintln!("{e}");
            return fail(2, "invalid pipeline file".into());
        }
        Err(e) => {
            eprintln!("wordmill: {e}");
            return fail(1, e.to_string());
        }
    };
    let progress = bar.clone().map(|bar| {
        let f: wordmill_pipeline::ProgressFn = Arc::new(move |p: Progress| {
            if p.bytes_total > 0 {
                bar.set_length(p.bytes_total);
            }
            bar.set_position(p.bytes_read);
            bar.set_message(format!("{} docs", p.documents));
            if p.done {
                bar.finish_and_clear();
            }
        });
        f
    });
    let options = RunOptions {
        progress,
        ..base.clone()
    };
    match wordmill_pipeline::run(&pipeline, &options) {
        Ok(o) => {
            if let Some(bar) = bar {
                bar.finish_and_clear();
            }
            for notice in &o.notices {
                eprintln!("wordmill: {}: {notice}", path.display());
            }
            let m = &o.manifest;
            let mut summary = String::new();
            if !quiet {
                summary.push_str(&wordmill_report::render_terminal(&o.report));
                for line in m.inputs.notices() {
                    summary.push_str(&format!("  {line}\n"));
                }
                summary.push_str(&format!(
                    "  {:.3} s, {:.1} MB/s, {}\n  report: {}\n",
                    m.wall_seconds,
                    m.bytes_per_second / 1e6,
                    wordmill_report::plural(m.threads as u64, "thread", "threads"),
                    display_path(&o.dir)
                ));
            }
            (
                Row {
                    pipeline: name,
                    documents: m.inputs.documents,
                    bytes: m.inputs.text_bytes,
                    seconds: m.wall_seconds,
                    status: Ok(()),
                    code: 0,
                },
                summary,
            )
        }
        Err(e) => {
            if let Some(bar) = bar {
                bar.abandon();
            }
            eprintln!("wordmill: {}: {e}", path.display());
            fail(1, "run failed".into())
        }
    }
}

/// Runs every pipeline of `paths`, `jobs` at a time; prints summaries and, for a batch, a table.
pub fn run_batch(
    paths: &[PathBuf],
    base: RunOptions,
    jobs: usize,
    quiet: bool,
    progress: bool,
) -> Result<std::process::ExitCode> {
    let files = match expand(paths) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("wordmill: {e}");
            return Ok(std::process::ExitCode::from(2));
        }
    };
    if files.len() > 1
        && (base.out.is_some()
            || base.state_out.is_some()
            || base.ordinal_offset > 0
            || base.inputs.is_some())
    {
        eprintln!(
            "wordmill: --out, --state-out, --ordinal-offset and --input apply to one pipeline, so they take exactly one"
        );
        return Ok(std::process::ExitCode::from(2));
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = jobs.clamp(1, files.len().max(1));
    // Without --threads, the cores are shared between the pipelines running at once.
    let base = RunOptions {
        threads: base.threads.or(Some((cores / jobs).max(1))),
        ..base
    };
    let multi = MultiProgress::with_draw_target(if progress {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    });
    let style = ProgressStyle::with_template(
        "{prefix:<24!} [{bar:24}] {bytes:>10}/{total_bytes:<10} {msg:<12} {bytes_per_sec:>12} ETA {eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar())
    .progress_chars("=> ");

    let next = AtomicUsize::new(0);
    let rows: Mutex<Vec<Option<Row>>> = Mutex::new((0..files.len()).map(|_| None).collect());
    let stdout = Mutex::new(io::stdout());
    std::thread::scope(|scope| {
        for _ in 0..jobs {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(i) else { break };
                    let bar = progress.then(|| {
                        let bar = multi.add(ProgressBar::new(0));
                        bar.set_style(style.clone());
                        bar.set_prefix(
                            path.file_stem()
                                .map(|s| s.to_string_lossy().into_owned())
                                .unwrap_or_default(),
                        );
                        bar.enable_steady_tick(Duration::from_millis(200));
                        bar
                    });
                    let (row, summary) = one(path, &base, bar, quiet);
                    if !summary.is_empty() {
                        let out = stdout.lock().unwrap_or_else(PoisonError::into_inner);
                        let mut w = out.lock();
                        let _ = multi.suspend(|| w.write_all(summary.as_bytes()));
                    }
                    rows.lock().unwrap_or_else(PoisonError::into_inner)[i] = Some(row);
                }
            });
        }
    });
    let rows: Vec<Row> = rows
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner)
        .into_iter()
        .flatten()
        .collect();
    let worst = rows.iter().map(|r| r.code).max().unwrap_or(0);
    if rows.len() > 1 && !quiet {
        let stdout = io::stdout();
        let mut w = stdout.lock();
        writeln!(w)?;
        writeln!(
            w,
            "{:<30} {:>9} {:>10} {:>8} {:>8}  status",
            "pipeline", "documents", "MB", "wall s", "MB/s"
        )?;
        for r in &rows {
            let status = match &r.status {
                Ok(()) => "ok".to_string(),
                Err(e) => format!("FAILED: {e}"),
            };
            let rate = if r.seconds > 0.0 {
                r.bytes as f64 / 1e6 / r.seconds
            } else {
                0.0
            };
            writeln!(
                w,
                "{:<30} {:>9} {:>10.2} {:>8.3} {:>8.1}  {status}",
                fit(&r.pipeline, 30),
                r.documents,
                r.bytes as f64 / 1e6,
                r.seconds,
                rate
            )?;
        }
        let failed = rows.iter().filter(|r| r.status.is_err()).count();
        writeln!(
            w,
            "{} pipelines: {} ok, {failed} failed",
            rows.len(),
            rows.len() - failed
        )?;
    }
    Ok(std::process::ExitCode::from(worst))
}

fn fit(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n <= width {
        s.to_string()
    } else {
        format!("…{}", s.chars().skip(n - width + 1).collect::<String>())
    }
}

/// The report directory as the user would type it: relative to the working
/// directory when it lies below it, as given otherwise.
fn display_path(dir: &std::path::Path) -> String {
    let rel = std::env::current_dir()
        .ok()
        .and_then(|cwd| dir.strip_prefix(cwd).ok().map(|p| p.to_path_buf()));
    match rel {
        Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
        _ => dir.display().to_string(),
    }
}

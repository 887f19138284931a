//! `wordmill map`, `reduce` and `merge`: the portable run state at the command line.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use wordmill_pipeline::{Pipeline, RunState};

use crate::load_or_report;

fn read_states(
    pipeline: &Pipeline,
    reader: impl BufRead,
    origin: &str,
) -> Result<Vec<RunState>, String> {
    let mut states = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| format!("{origin}: {e}"))?;
        if line.trim().is_empty() {
            continue;
        }
        let here = format!("{origin}:{}", i + 1);
        states.push(RunState::from_json(pipeline, &line, &here).map_err(|e| e.to_string())?);
    }
    Ok(states)
}

fn write_line(state: &RunState) -> Result<ExitCode> {
    let line = state.to_json_line()?;
    let stdout = io::stdout();
    let mut w = stdout.lock();
    w.write_all(line.as_bytes())?;
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn cmd_map(
    path: &Path,
    ordinal_offset: u64,
    ordinal_field: Option<String>,
    path_field: Option<String>,
    threads: Option<usize>,
) -> Result<ExitCode> {
    let pipeline = match load_or_report(path) {
        Ok(p) => p,
        Err(code) => return Ok(ExitCode::from(code)),
    };
    match wordmill_pipeline::map(
        &pipeline,
        threads,
        ordinal_offset,
        ordinal_field,
        path_field,
    ) {
        Ok(state) => write_line(&state),
        Err(e) => {
            eprintln!("wordmill: map {}: {e}", path.display());
            Ok(ExitCode::from(1))
        }
    }
}

pub fn cmd_reduce(path: &Path) -> Result<ExitCode> {
    let pipeline = match load_or_report(path) {
        Ok(p) => p,
        Err(code) => return Ok(ExitCode::from(code)),
    };
    let states = match read_states(&pipeline, io::stdin().lock(), "<stdin>") {
        Ok(s) => s,
        Err(e) => {
            eprintln!("wordmill: reduce: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    match wordmill_pipeline::merge_states(&pipeline, states) {
        Ok(state) => write_line(&state),
        Err(e) => {
            eprintln!("wordmill: reduce: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

pub fn cmd_merge(
    path: &Path,
    files: &[PathBuf],
    out: Option<PathBuf>,
    quiet: bool,
    wait: bool,
) -> Result<ExitCode> {
    let pipeline = match load_or_report(path) {
        Ok(p) => p,
        Err(code) => return Ok(ExitCode::from(code)),
    };
    let mut states = Vec::new();
    for f in files {
        let read = if f.as_os_str() == "-" {
            read_states(&pipeline, io::stdin().lock(), "<stdin>")
        } else {
            match std::fs::File::open(f) {
                Ok(file) => read_states(
                    &pipeline,
                    io::BufReader::new(file),
                    &f.display().to_string(),
                ),
                Err(e) => Err(format!("{}: cannot read the state file: {e}", f.display())),
            }
        };
        match read {
            Ok(s) => states.extend(s),
            Err(e) => {
                eprintln!("wordmill: merge: {e}");
                return Ok(ExitCode::from(1));
            }
        }
    }
    match wordmill_pipeline::render_states(&pipeline, states, out, wait) {
        Ok(outcome) => {
            for notice in &outcome.notices {
                eprintln!("wordmill: merge: {notice}");
            }
            if !quiet {
                let stdout = io::stdout();
                let mut w = stdout.lock();
                write!(w, "{}", wordmill_report::render_terminal(&outcome.report))?;
                writeln!(
                    w,
                    "  merged {} state file{} -> {}",
                    files.len(),
                    if files.len() == 1 { "" } else { "s" },
                    outcome.dir.display()
                )?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("wordmill: merge: {e}");
            Ok(ExitCode::from(1))
        }
    }
}

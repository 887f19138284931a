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
    let mut reader = reader;
    let mut states = Vec::new();
    let mut bytes = Vec::new();
    for number in 1.. {
        bytes.clear();
        let read = reader
            .read_until(b'\n', &mut bytes)
            .map_err(|e| format!("{origin}:{number}: cannot read: {e}"))?;
        if read == 0 {
            break;
        }
        let here = format!("{origin}:{number}");
        let line = std::str::from_utf8(&bytes).map_err(|e| {
            format!(
                "{here}: not a wordmill state: invalid UTF-8 at byte {} of the line",
                e.valid_up_to() + 1
            )
        })?;
        if line.trim().is_empty() {
            continue;
        }
        states.push(RunState::from_json(pipeline, line, &here).map_err(|e| e.to_string())?);
    }
    Ok(states)
}

/// Writes a state line to standard output. A reader that closes it early (`| head`) ends the
/// command quietly with success (said with `verbose`); any other failure names what was being
/// written.
fn write_line(verb: &str, state: &RunState, verbose: bool) -> Result<ExitCode> {
    let line = state.to_json_line()?;
    let stdout = io::stdout();
    let mut w = stdout.lock();
    match w.write_all(line.as_bytes()).and_then(|()| w.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            if verbose {
                eprintln!(
                    "wordmill: {verb}: standard output was closed by its reader; the state line ({} bytes) was not written in full",
                    line.len()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!(
                "wordmill: {verb}: cannot write the state line ({} bytes) to standard output: {e}",
                line.len()
            );
            Ok(ExitCode::from(1))
        }
    }
}

pub fn cmd_map(
    path: &Path,
    ordinal_offset: u64,
    ordinal_field: Option<String>,
    path_field: Option<String>,
    threads: Option<usize>,
    verbose: bool,
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
        Ok(state) => write_line("map", &state, verbose),
        Err(e) => {
            eprintln!("wordmill: map {}: {e}", path.display());
            Ok(ExitCode::from(1))
        }
    }
}

pub fn cmd_reduce(path: &Path, verbose: bool) -> Result<ExitCode> {
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
        Ok(state) => write_line("reduce", &state, verbose),
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

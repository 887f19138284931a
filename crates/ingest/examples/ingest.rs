//! Lists the documents wordmill-ingest finds under the paths given on the command line: id,
//! size in bytes and metadata, one per line, then whatever was skipped and why.
//!
//! ```text
//! cargo run -p wordmill-ingest --example ingest -- corpus/sotu \
//!     --meta-from-path '(?P<year>\d{4})_(?P<president>.+)_(?P<party>[a-z])\.txt'
//! cargo run -p wordmill-ingest --example ingest -- --format jsonl --text-field body.text \
//!     --meta date posts.jsonl.gz
//! ```
//!
//! Options: `--format text|jsonl|csv`, `--text-field F`, `--id-field F`, `--meta F` (repeatable),
//! `--meta-from-path REGEX`, `--fail` (stop at the first bad record instead of skipping it).
//! Paths are files, directories, glob patterns or `-` for standard input.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::error::Error;
use std::io::Write;
use std::process::ExitCode;

use wordmill_ingest::{OnError, Source, SourceConfig};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("ingest: {err}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, Box<dyn Error>> {
    let mut config = SourceConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--format" => config.format = value("--format")?.parse()?,
            "--text-field" => config.text_field = value("--text-field")?,
            "--id-field" => config.id_field = Some(value("--id-field")?),
            "--meta" => config.meta_fields.push(value("--meta")?),
            "--meta-from-path" => config.meta_from_path = Some(value("--meta-from-path")?.parse()?),
            "--fail" => config.on_error = OnError::Fail,
            "-h" | "--help" => {
                println!(
                    "usage: ingest [--format text|jsonl|csv] [--text-field F] [--id-field F] \
                     [--meta F]... [--meta-from-path REGEX] [--fail] PATH..."
                );
                return Ok(ExitCode::SUCCESS);
            }
            _ if arg.starts_with("--") => return Err(format!("unknown option `{arg}`").into()),
            _ => config.inputs.push(arg),
        }
    }
    if config.inputs.is_empty() {
        return Err("expected at least one PATH (file, directory, glob or -); see --help".into());
    }

    let mut source = Source::with_config(config)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    writeln!(out, "{} file(s)", source.files().len())?;
    let mut failed = false;
    for item in source.by_ref() {
        match item {
            Ok(doc) => {
                let meta: Vec<String> = doc.meta.iter().map(|(k, v)| format!("{k}={v}")).collect();
                writeln!(
                    out,
                    "{}\t{} bytes\t{}",
                    doc.id,
                    doc.text.len(),
                    meta.join(" ")
                )?;
            }
            Err(err) => {
                out.flush()?;
                eprintln!("ingest: {err}");
                failed = true;
            }
        }
    }
    let stats = source.stats();
    writeln!(
        out,
        "{} document(s), {} record(s) seen, {} byte(s) read, {} skipped",
        stats.documents,
        stats.records_seen,
        stats.bytes_read,
        stats.skipped.len()
    )?;
    for skip in &stats.skipped {
        writeln!(out, "skipped {skip}")?;
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

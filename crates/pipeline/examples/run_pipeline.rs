//! Runs one pipeline file with wordmill-pipeline alone and prints where the report went.
//!
//! ```sh
//! cargo run -p wordmill-pipeline --example run_pipeline -- pipelines/default.toml
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::PathBuf;
use std::process::ExitCode;

use wordmill_pipeline::{Pipeline, RunOptions, run};

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: run_pipeline PIPELINE.toml");
        return ExitCode::from(2);
    };
    let pipeline = match Pipeline::load(&path) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    match run(&pipeline, &RunOptions::default()) {
        Ok(outcome) => {
            println!(
                "{}: {} documents, {} skipped, {:.3} s -> {}",
                pipeline.name,
                outcome.manifest.inputs.documents,
                outcome.manifest.inputs.skipped,
                outcome.manifest.wall_seconds,
                outcome.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}

//! # wordmill-pipeline
//!
//! Pipeline files compiled into running stages: ingest → normalise → analysers → report.
//!
//! - [`Pipeline`]: a validated pipeline file (TOML or JSON). [`Pipeline::load`] reports every
//!   error of a file at once, each as `file:line:col: message`; unknown keys are errors.
//! - [`run`]: the streaming, parallel driver. Documents are read on one thread in bounded
//!   batches and folded into per-thread partial states on a rayon pool; the states merge
//!   ([`wordmill_model::Merge`]) and finish into the report, written atomically with its
//!   manifest ([`Manifest`], `run.json`).
//!
//! ## Example
//!
//! ```
//! use std::path::Path;
//! use wordmill_pipeline::{Pipeline, RunOptions, run};
//!
//! let dir = std::env::temp_dir().join(format!("wordmill-pipeline-doc-{}", std::process::id()));
//! std::fs::create_dir_all(dir.join("in")).unwrap();
//! std::fs::write(dir.join("in/a.txt"), "Workers walked out. The strike spread.").unwrap();
//! let toml = format!(
//!     "version = 1\nname = \"demo\"\n[ingest]\ninputs = [{:?}]\n[analyse.terms]\ntop = 3\n[report]\ndir = {:?}\n",
//!     dir.join("in").display().to_string(),
//!     dir.join("out").display().to_string(),
//! );
//! let pipeline = Pipeline::parse(Path::new("demo.toml"), toml.as_bytes()).unwrap();
//! let outcome = run(&pipeline, &RunOptions { threads: Some(1), ..Default::default() }).unwrap();
//! assert_eq!(outcome.report.corpus.documents, 1);
//! assert!(dir.join("out/report.json").is_file());
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```
//!
//! ## Why the design is so
//!
//! The configuration is plain data compiled into running objects once; validation collects
//! every error rather than stopping at the first. Reading is sequential (files are read in a
//! fixed order and documents numbered), analysis is parallel, and every partial state merges
//! order-independently, so 1 thread and N threads write byte-identical reports.

mod config;
mod driver;
mod error;
mod expect;
mod fold;
mod jobs;
mod manifest;
mod node;
mod registry;

pub use config::{DuplicateIds, IngestSpec, Pipeline, ReportFormat, ReportSpec, Settings, schema};
pub use driver::{
    IngestTally, Progress, ProgressFn, RunOptions, RunOutcome, RunPartial, RunState, STATE_VERSION,
    map, merge_states, render_states, run,
};
pub use error::{
    ChecksumProblem, ConfigError, ConfigErrors, DamagedState, DocumentError, RunError, SetupError,
    StateError,
};
pub use expect::{Expectation, ExpectationResult, LookupError, lookup};
pub use manifest::{
    DUPLICATES_LISTED, DuplicateId, DuplicateIdsReport, InputFileEntry, KindCount,
    MANIFEST_VERSION, Manifest, ManifestInputs, ManifestPipeline, OutputFile, SKIPPED_LISTED,
    Stage,
};

/// The JSON crate whose `Value` and `Error` appear in this API ([`Settings`], [`lookup`], the
/// sources of [`RunError::Encode`] and [`StateError::NotJson`]), at the version this crate uses.
pub use wordmill_report::serde_json;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

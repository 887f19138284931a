//! `run.json`: what a run read, did, took and wrote.

use serde::{Deserialize, Serialize};
use wordmill_ingest::{Replacement, Skip, Split};

/// Version of the `run.json` layout.
pub const MANIFEST_VERSION: u32 = 1;

/// The run manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Layout version ([`MANIFEST_VERSION`]).
    pub manifest_version: u32,
    /// Version of wordmill that ran.
    pub wordmill_version: String,
    /// The pipeline.
    pub pipeline: ManifestPipeline,
    /// When the run started, seconds since the Unix epoch.
    pub started_unix: u64,
    /// Worker threads used for analysis.
    pub threads: usize,
    /// What was read.
    pub inputs: ManifestInputs,
    /// Wall time of each stage, in order.
    pub stages: Vec<Stage>,
    /// Wall time of the whole run, seconds.
    pub wall_seconds: f64,
    /// Input bytes per second over the whole run.
    pub bytes_per_second: f64,
    /// Documents per second over the whole run.
    pub documents_per_second: f64,
    /// Peak resident memory of the process, bytes (0 where the platform does not say).
    pub peak_rss_bytes: u64,
    /// Files written to the report directory (run.json itself last, not listed).
    pub outputs: Vec<OutputFile>,
}

/// The pipeline a run came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestPipeline {
    /// `name`.
    pub name: String,
    /// The pipeline file.
    pub file: String,
    /// SHA-256 of the pipeline file.
    pub config_hash: String,
    /// The effective value of every pipeline key ([`Pipeline::settings`]); `None` in manifests
    /// and baselines written before settings were recorded.
    ///
    /// [`Pipeline::settings`]: crate::Pipeline::settings
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<crate::Settings>,
}

/// Inputs and how they were read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ManifestInputs {
    /// The files, in reading order.
    pub files: Vec<InputFileEntry>,
    /// Bytes read from them (compressed size for compressed files).
    pub bytes_read: u64,
    /// Bytes of text analysed (UTF-8, after decompression and decoding).
    pub text_bytes: u64,
    /// Records seen = documents + skipped.
    pub records_seen: u64,
    /// Documents analysed.
    pub documents: u64,
    /// Records skipped.
    pub skipped: u64,
    /// Each skipped record with its reason.
    pub skipped_records: Vec<Skip>,
    /// Records whose invalid UTF-8 was replaced, with the count of replacements.
    #[serde(default)]
    pub replaced: Vec<Replacement>,
    /// Documents larger than `max_document_bytes` that were split, with their parts.
    #[serde(default)]
    pub split: Vec<Split>,
}

/// One input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputFileEntry {
    /// Path as resolved.
    pub path: String,
    /// Size on disk in bytes.
    pub bytes: u64,
}

/// A stage's wall time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stage {
    /// `read`, `analyse`, `finish` or `write`.
    pub name: String,
    /// Seconds.
    pub seconds: f64,
    /// Input bytes per second through this stage (text bytes / seconds), when meaningful.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_second: Option<f64>,
}

/// One file of the report directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFile {
    /// File name inside the report directory.
    pub file: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// Peak resident set size of this process, from `/proc/self/status` (`VmHWM`); 0 elsewhere.
pub fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<u64>().ok())
                    .map(|kb| kb * 1024)
            })
        })
        .unwrap_or(0)
}

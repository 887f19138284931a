//! `run.json`: what a run read, did, took and wrote.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use wordmill_ingest::{Replacement, Skip, SkipKind, Split};
use wordmill_report::{plural, thousands};

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
    /// Input records seen, each once (a split one too): `records_seen + parts_added =
    /// documents + skipped`.
    pub records_seen: u64,
    /// Documents that splitting added (a record split into `k` parts adds `k - 1`).
    #[serde(default)]
    pub parts_added: u64,
    /// Documents analysed.
    pub documents: u64,
    /// Records skipped.
    pub skipped: u64,
    /// Records skipped, counted by kind (`invalid_json`, `binary`, ...), each with the first
    /// record of that kind.
    #[serde(default)]
    pub skipped_by_kind: BTreeMap<SkipKind, KindCount>,
    /// The first [`SKIPPED_LISTED`] skipped records with their reasons (every one is in
    /// `skipped.jsonl`).
    pub skipped_records: Vec<Skip>,
    /// How many skipped records `skipped_records` leaves out.
    #[serde(default)]
    pub skipped_records_omitted: u64,
    /// Records whose invalid UTF-8 was replaced, with the count of replacements.
    #[serde(default)]
    pub replaced: Vec<Replacement>,
    /// Documents larger than `max_document_bytes` that were split, with their parts.
    #[serde(default)]
    pub split: Vec<Split>,
    /// Files of directory inputs not read for their extension (`ingest.extensions`).
    #[serde(default)]
    pub files_left_out: u64,
    /// The first of them.
    #[serde(default)]
    pub left_out_examples: Vec<String>,
    /// E-mail attachments dropped (`email` and `mbox` formats): parts of the messages read
    /// that are not text, or are text marked as an attachment, and attached messages.
    #[serde(default)]
    pub attachments_skipped: u64,
    /// Documents kept without a readable date (`ingest.undated = "keep"`); written only when
    /// `ingest.date_field` is set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undated: Option<u64>,
    /// Documents whose id repeats an earlier one's.
    #[serde(default)]
    pub duplicate_ids: DuplicateIdsReport,
}

/// How many records of one kind were skipped, and the first of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCount {
    /// Records of this kind.
    pub count: u64,
    /// The first (in file and line order).
    pub first: Skip,
}

/// How many skipped records `run.json` lists in full.
pub const SKIPPED_LISTED: usize = 1000;

/// How many repeated ids `run.json` names.
pub const DUPLICATES_LISTED: usize = 20;

/// Repeated document ids: how many, what was done, and the first few.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateIdsReport {
    /// `ingest.duplicate_ids`: `warn`, `fail` or `suffix`.
    pub policy: String,
    /// Documents whose id had been seen before.
    pub count: u64,
    /// The first [`DUPLICATES_LISTED`] of them.
    pub examples: Vec<DuplicateId>,
}

/// A document whose id repeats an earlier document's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DuplicateId {
    /// The id as read.
    pub id: String,
    /// Ordinal (position in input order, from 0) of the first document with it.
    pub first_ordinal: u64,
    /// Ordinal of this document.
    pub ordinal: u64,
    /// The id it was given, with `duplicate_ids = "suffix"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renamed: Option<String>,
}

/// Skipped records counted by kind, with the first of each kind, most frequent kind first
/// (ties in kind order).
pub(crate) fn skips_by_kind(skipped: &[Skip]) -> Vec<(SkipKind, u64, &Skip)> {
    let mut out: Vec<(SkipKind, u64, &Skip)> = Vec::new();
    for s in skipped {
        match out.iter_mut().find(|(k, _, _)| *k == s.kind) {
            Some((_, n, _)) => *n += 1,
            None => out.push((s.kind, 1, s)),
        }
    }
    out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

impl ManifestInputs {
    /// Lines for people about what was not read: skipped records counted by kind with an
    /// example of each, files left out for their extension, repeated ids. Empty when nothing
    /// was left out.
    pub fn notices(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.skipped > 0 {
            out.push(format!(
                "skipped {} (listed in skipped.jsonl):",
                plural(self.skipped, "record", "records")
            ));
            let mut kinds: Vec<(&SkipKind, &KindCount)> = self.skipped_by_kind.iter().collect();
            kinds.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
            for (kind, k) in kinds {
                out.push(format!(
                    "  {:>9}  {}, e.g. {}",
                    thousands(k.count),
                    kind.describe(),
                    k.first
                ));
            }
        }
        if self.files_left_out > 0 {
            let shown: Vec<&str> = self
                .left_out_examples
                .iter()
                .take(3)
                .map(String::as_str)
                .collect();
            out.push(format!(
                "left out {} of directory inputs for their extension ({}{}); `ingest.extensions` chooses what is read",
                plural(self.files_left_out, "file", "files"),
                shown.join(", "),
                if self.files_left_out > shown.len() as u64 { ", …" } else { "" }
            ));
        }
        let d = &self.duplicate_ids;
        if d.count > 0 {
            let shown: Vec<String> = d
                .examples
                .iter()
                .take(3)
                .map(|e| match &e.renamed {
                    Some(r) => format!("`{}` -> `{r}`", e.id),
                    None => format!("`{}`", e.id),
                })
                .collect();
            let more = if d.count > shown.len() as u64 {
                ", …"
            } else {
                ""
            };
            out.push(if d.policy == "suffix" {
                format!(
                    "made {} unique ({}{more})",
                    plural(d.count, "repeated document id", "repeated document ids"),
                    shown.join(", ")
                )
            } else {
                format!(
                    "{} an earlier document's ({}{more}); `ingest.duplicate_ids` can fail the run or suffix them",
                    plural(d.count, "document id repeats", "document ids repeat"),
                    shown.join(", ")
                )
            });
        }
        out
    }
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
pub(crate) fn peak_rss_bytes() -> u64 {
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

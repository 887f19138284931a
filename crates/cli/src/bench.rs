//! `wordmill bench`: a pipeline run N times, summarised as a baseline file that
//! `wordmill compare` reads.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use wordmill_pipeline::{ManifestPipeline, Pipeline, RunError, RunOptions, run};

/// Version of the baseline file layout.
pub const BASELINE_VERSION: u32 = 1;

/// Baselines saved by name live here, relative to the working directory.
pub const BASELINE_DIR: &str = ".wordmill/baselines";

/// Median, minimum and maximum of repeated measurements.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Median (mean of the two middle values for an even count).
    pub median: f64,
    /// Smallest.
    pub min: f64,
    /// Largest.
    pub max: f64,
}

impl Spread {
    /// The spread of `values` (all zero for none).
    pub fn of(values: &[f64]) -> Spread {
        if values.is_empty() {
            return Spread {
                median: 0.0,
                min: 0.0,
                max: 0.0,
            };
        }
        let mut v = values.to_vec();
        v.sort_by(f64::total_cmp);
        let n = v.len();
        let median = if n % 2 == 1 {
            v[n / 2]
        } else {
            (v[n / 2 - 1] + v[n / 2]) / 2.0
        };
        Spread {
            median,
            min: v[0],
            max: v[n - 1],
        }
    }

    /// True when the two ranges do not overlap: the difference exceeds run-to-run spread.
    pub fn differs_from(&self, other: &Spread) -> bool {
        self.max < other.min || other.max < self.min
    }
}

/// One stage's times over the runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StageSpread {
    /// Stage name (`read`, `analyse`, `finish`, `write`).
    pub name: String,
    /// Wall seconds.
    pub seconds: Spread,
    /// Text bytes per second through the stage, when meaningful.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_second: Option<Spread>,
}

/// The result of `wordmill bench`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// Layout version ([`BASELINE_VERSION`]).
    pub baseline_version: u32,
    /// The name it was saved under, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Version of wordmill that ran.
    pub wordmill_version: String,
    /// The pipeline.
    pub pipeline: ManifestPipeline,
    /// Worker threads.
    pub threads: usize,
    /// Number of runs.
    pub repeat: usize,
    /// Documents per run.
    pub documents: u64,
    /// Text bytes per run.
    pub text_bytes: u64,
    /// Whole-run wall seconds.
    pub wall_seconds: Spread,
    /// Whole-run text bytes per second.
    pub bytes_per_second: Spread,
    /// Per-stage times.
    pub stages: Vec<StageSpread>,
    /// Largest peak resident memory seen, bytes.
    pub peak_rss_bytes: u64,
    /// `report.json` of the last run, for result drift.
    pub report: Json,
    /// Document ids in input order (omitted above 100,000 documents).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_ids: Option<Vec<String>>,
}

/// Runs `pipeline` `repeat` times and summarises the runs.
pub fn bench(
    pipeline: &Pipeline,
    repeat: usize,
    options: &RunOptions,
) -> Result<Baseline, RunError> {
    let repeat = repeat.max(1);
    let mut manifests = Vec::with_capacity(repeat);
    let mut last = None;
    for _ in 0..repeat {
        let outcome = run(pipeline, options)?;
        manifests.push(outcome.manifest.clone());
        last = Some(outcome);
    }
    let last = last.expect("repeat >= 1");
    let mut stages: Vec<StageSpread> = Vec::new();
    for (i, s) in last.manifest.stages.iter().enumerate() {
        let secs: Vec<f64> = manifests.iter().map(|m| m.stages[i].seconds).collect();
        let rates: Vec<f64> = manifests
            .iter()
            .filter_map(|m| m.stages[i].bytes_per_second)
            .collect();
        stages.push(StageSpread {
            name: s.name.clone(),
            seconds: Spread::of(&secs),
            bytes_per_second: (!rates.is_empty()).then(|| Spread::of(&rates)),
        });
    }
    let report = serde_json::to_value(&last.report).map_err(|source| RunError::Encode {
        what: "the report",
        source,
    })?;
    let ids: Vec<String> = last.documents.iter().map(|d| d.id.clone()).collect();
    Ok(Baseline {
        baseline_version: BASELINE_VERSION,
        name: None,
        wordmill_version: env!("CARGO_PKG_VERSION").to_string(),
        pipeline: last.manifest.pipeline.clone(),
        threads: last.manifest.threads,
        repeat,
        documents: last.manifest.inputs.documents,
        text_bytes: last.manifest.inputs.text_bytes,
        wall_seconds: Spread::of(&manifests.iter().map(|m| m.wall_seconds).collect::<Vec<_>>()),
        bytes_per_second: Spread::of(
            &manifests
                .iter()
                .map(|m| m.bytes_per_second)
                .collect::<Vec<_>>(),
        ),
        stages,
        peak_rss_bytes: manifests
            .iter()
            .map(|m| m.peak_rss_bytes)
            .max()
            .unwrap_or(0),
        report,
        document_ids: (ids.len() <= 100_000).then_some(ids),
    })
}

/// Where a baseline saved as `name` lives.
pub fn baseline_path(name: &str) -> PathBuf {
    Path::new(BASELINE_DIR).join(format!("{name}.json"))
}

/// Saves a baseline as `name` (atomically), returning its path.
pub fn save_baseline(baseline: &Baseline, name: &str) -> std::io::Result<PathBuf> {
    if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "baseline name \"{name}\": expected a plain name (no path separators, not starting with '.')"
            ),
        ));
    }
    let mut b = baseline.clone();
    b.name = Some(name.to_string());
    let dir = wordmill_report::OutputDir::create(Path::new(BASELINE_DIR))?;
    dir.write(&format!("{name}.json"), |w| {
        serde_json::to_writer_pretty(&mut *w, &b).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })?;
    Ok(baseline_path(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_takes_the_middle() {
        let s = Spread::of(&[3.0, 1.0, 2.0]);
        assert_eq!((s.median, s.min, s.max), (2.0, 1.0, 3.0));
        assert_eq!(Spread::of(&[1.0, 2.0, 4.0, 3.0]).median, 2.5);
        assert!(Spread::of(&[1.0, 1.1]).differs_from(&Spread::of(&[1.5, 1.6])));
        assert!(!Spread::of(&[1.0, 1.5]).differs_from(&Spread::of(&[1.4, 1.6])));
    }
}

//! `wordmill compare A B`: speed and result drift between two runs, report directories or
//! baselines.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value as Json;

use crate::bench::{Baseline, Spread, baseline_path};
use crate::manifest::Manifest;

/// One side of a comparison, whatever it was read from.
#[derive(Debug, Clone)]
pub struct Side {
    /// What the user named.
    pub label: String,
    /// Whole-run wall seconds.
    pub wall_seconds: Option<Spread>,
    /// Text bytes per second.
    pub bytes_per_second: Option<Spread>,
    /// Per-stage seconds, by name.
    pub stages: Vec<(String, Spread)>,
    /// Runs behind the numbers (1 for a single run).
    pub runs: usize,
    /// `report.json`, when available.
    pub report: Option<Json>,
    /// Document ids in input order, when available.
    pub document_ids: Option<Vec<String>>,
}

/// Errors reading a side.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// Nothing usable at that path or name.
    #[error(
        "{0}: expected a run manifest (run.json), a report directory, a baseline file or the name of a saved baseline ({1})"
    )]
    NotFound(String, String),
    /// A file was there but could not be read.
    #[error("{path}: {message}")]
    Unreadable {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
}

fn read_json(path: &Path) -> Result<Json, CompareError> {
    let bytes = std::fs::read(path).map_err(|e| CompareError::Unreadable {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| CompareError::Unreadable {
        path: path.display().to_string(),
        message: format!("invalid JSON: {e}"),
    })
}

fn one(x: f64) -> Spread {
    Spread {
        median: x,
        min: x,
        max: x,
    }
}

fn ids_from_documents_csv(path: &Path) -> Option<Vec<String>> {
    let mut rdr = csv::Reader::from_path(path).ok()?;
    let col = rdr.headers().ok()?.iter().position(|h| h == "doc_id")?;
    rdr.records()
        .map(|r| r.ok().and_then(|r| r.get(col).map(str::to_string)))
        .collect()
}

impl Side {
    /// Reads a side: a `run.json`, a report directory, a baseline file, or a saved baseline name.
    pub fn load(arg: &str) -> Result<Side, CompareError> {
        let path = PathBuf::from(arg);
        if path.is_dir() {
            let manifest = path.join("run.json");
            if !manifest.is_file() {
                return Err(CompareError::NotFound(
                    arg.into(),
                    "the directory has no run.json".into(),
                ));
            }
            return Side::from_manifest(arg, &manifest);
        }
        if path.is_file() {
            let json = read_json(&path)?;
            if json.get("baseline_version").is_some() {
                return Side::from_baseline(arg, json, &path);
            }
            if json.get("manifest_version").is_some() {
                return Side::from_manifest(arg, &path);
            }
            return Err(CompareError::NotFound(
                arg.into(),
                "the file is neither a run.json nor a baseline".into(),
            ));
        }
        let saved = baseline_path(arg);
        if saved.is_file() {
            let json = read_json(&saved)?;
            return Side::from_baseline(arg, json, &saved);
        }
        Err(CompareError::NotFound(
            arg.into(),
            format!("no such file, directory or {}", saved.display()),
        ))
    }

    fn from_manifest(label: &str, path: &Path) -> Result<Side, CompareError> {
        let json = read_json(path)?;
        let m: Manifest = serde_json::from_value(json).map_err(|e| CompareError::Unreadable {
            path: path.display().to_string(),
            message: format!("not a run manifest: {e}"),
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let report_path = dir.join("report.json");
        let report = if report_path.is_file() {
            Some(read_json(&report_path)?)
        } else {
            None
        };
        Ok(Side {
            label: label.to_string(),
            wall_seconds: Some(one(m.wall_seconds)),
            bytes_per_second: Some(one(m.bytes_per_second)),
            stages: m
                .stages
                .iter()
                .map(|s| (s.name.clone(), one(s.seconds)))
                .collect(),
            runs: 1,
            report,
            document_ids: ids_from_documents_csv(&dir.join("documents.csv")),
        })
    }

    fn from_baseline(label: &str, json: Json, path: &Path) -> Result<Side, CompareError> {
        let b: Baseline = serde_json::from_value(json).map_err(|e| CompareError::Unreadable {
            path: path.display().to_string(),
            message: format!("not a baseline: {e}"),
        })?;
        Ok(Side {
            label: label.to_string(),
            wall_seconds: Some(b.wall_seconds),
            bytes_per_second: Some(b.bytes_per_second),
            stages: b
                .stages
                .iter()
                .map(|s| (s.name.clone(), s.seconds))
                .collect(),
            runs: b.repeat,
            report: Some(b.report),
            document_ids: b.document_ids,
        })
    }
}

/// A timing row of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimingRow {
    /// Stage name, or `wall` / `throughput (MB/s)`.
    pub name: String,
    /// A's median.
    pub a: f64,
    /// B's median.
    pub b: f64,
    /// B / A.
    pub ratio: f64,
    /// True when the ranges of the runs do not overlap.
    pub beyond_spread: bool,
}

/// A change of rank among the top terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RankChange {
    /// The term.
    pub term: String,
    /// Its 1-based rank in A, if there.
    pub rank_a: Option<u32>,
    /// Its 1-based rank in B, if there.
    pub rank_b: Option<u32>,
}

/// The drift in results between A and B.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Drift {
    /// Documents in A and in B.
    pub documents: Option<(u64, u64)>,
    /// Ids in B and not in A (at most 20 listed).
    pub documents_added: Vec<String>,
    /// Ids in A and not in B (at most 20 listed).
    pub documents_removed: Vec<String>,
    /// How many were added and removed in all.
    pub documents_added_count: usize,
    /// See `documents_added_count`.
    pub documents_removed_count: usize,
    /// Top terms whose rank changed, entered or left.
    pub top_terms: Vec<RankChange>,
    /// Sentiment numbers that changed: (name, A, B).
    pub sentiment: Vec<(String, f64, f64)>,
}

/// The comparison `wordmill compare` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// A's label.
    pub a: String,
    /// B's label.
    pub b: String,
    /// Runs behind each side.
    pub runs: (usize, usize),
    /// Timings.
    pub timing: Vec<TimingRow>,
    /// Result drift.
    pub drift: Drift,
}

fn ratio(a: f64, b: f64) -> f64 {
    if a > 0.0 { b / a } else { f64::NAN }
}

/// Compares two sides.
pub fn compare(a: &Side, b: &Side) -> Comparison {
    let mut timing = Vec::new();
    for (name, sa) in &a.stages {
        if let Some((_, sb)) = b.stages.iter().find(|(n, _)| n == name) {
            timing.push(TimingRow {
                name: name.clone(),
                a: sa.median,
                b: sb.median,
                ratio: ratio(sa.median, sb.median),
                beyond_spread: a.runs > 1 && b.runs > 1 && sa.differs_from(sb),
            });
        }
    }
    if let (Some(wa), Some(wb)) = (a.wall_seconds, b.wall_seconds) {
        timing.push(TimingRow {
            name: "wall".into(),
            a: wa.median,
            b: wb.median,
            ratio: ratio(wa.median, wb.median),
            beyond_spread: a.runs > 1 && b.runs > 1 && wa.differs_from(&wb),
        });
    }
    if let (Some(ta), Some(tb)) = (a.bytes_per_second, b.bytes_per_second) {
        timing.push(TimingRow {
            name: "throughput (MB/s)".into(),
            a: ta.median / 1e6,
            b: tb.median / 1e6,
            ratio: ratio(ta.median, tb.median),
            beyond_spread: a.runs > 1 && b.runs > 1 && ta.differs_from(&tb),
        });
    }
    Comparison {
        a: a.label.clone(),
        b: b.label.clone(),
        runs: (a.runs, b.runs),
        timing,
        drift: drift(a, b),
    }
}

fn drift(a: &Side, b: &Side) -> Drift {
    let mut d = Drift::default();
    if let (Some(ra), Some(rb)) = (&a.report, &b.report) {
        if let (Some(x), Some(y)) = (
            ra["corpus"]["documents"].as_u64(),
            rb["corpus"]["documents"].as_u64(),
        ) {
            d.documents = Some((x, y));
        }
        let top = |r: &Json| -> Vec<String> {
            r["terms"]["top"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .filter_map(|t| t["term"].as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let (ta, tb) = (top(ra), top(rb));
        let rank =
            |list: &[String], t: &str| list.iter().position(|x| x == t).map(|i| i as u32 + 1);
        let mut seen = std::collections::BTreeSet::new();
        for t in ta.iter().chain(tb.iter()) {
            if !seen.insert(t.clone()) {
                continue;
            }
            let (x, y) = (rank(&ta, t), rank(&tb, t));
            if x != y {
                d.top_terms.push(RankChange {
                    term: t.clone(),
                    rank_a: x,
                    rank_b: y,
                });
            }
        }
        for key in [
            "compound_mean",
            "positive_share",
            "neutral_share",
            "negative_share",
        ] {
            if let (Some(x), Some(y)) =
                (ra["sentiment"][key].as_f64(), rb["sentiment"][key].as_f64())
            {
                if x != y {
                    d.sentiment.push((key.to_string(), x, y));
                }
            }
        }
        if let (Some(ha), Some(hb)) = (
            ra["sentiment"]["histogram"].as_array(),
            rb["sentiment"]["histogram"].as_array(),
        ) {
            for (i, (x, y)) in ha.iter().zip(hb).enumerate() {
                if let (Some(x), Some(y)) = (x.as_f64(), y.as_f64()) {
                    if x != y {
                        d.sentiment.push((format!("histogram[{i}]"), x, y));
                    }
                }
            }
        }
    }
    if let (Some(ia), Some(ib)) = (&a.document_ids, &b.document_ids) {
        let sa: std::collections::HashSet<&String> = ia.iter().collect();
        let sb: std::collections::HashSet<&String> = ib.iter().collect();
        let added: Vec<String> = ib.iter().filter(|x| !sa.contains(x)).cloned().collect();
        let removed: Vec<String> = ia.iter().filter(|x| !sb.contains(x)).cloned().collect();
        d.documents_added_count = added.len();
        d.documents_removed_count = removed.len();
        d.documents_added = added.into_iter().take(20).collect();
        d.documents_removed = removed.into_iter().take(20).collect();
    }
    d
}

impl Comparison {
    /// The comparison as text for a terminal (80 columns).
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "A: {} ({} run{})",
            self.a,
            self.runs.0,
            if self.runs.0 == 1 { "" } else { "s" }
        );
        let _ = writeln!(
            s,
            "B: {} ({} run{})",
            self.b,
            self.runs.1,
            if self.runs.1 == 1 { "" } else { "s" }
        );
        let _ = writeln!(
            s,
            "\n{:<20} {:>12} {:>12} {:>8}  beyond spread",
            "stage", "A", "B", "B/A"
        );
        for r in &self.timing {
            let unit = if r.name.starts_with("throughput") {
                ""
            } else {
                " s"
            };
            let flag = if r.beyond_spread {
                "yes"
            } else if self.runs.0 > 1 && self.runs.1 > 1 {
                "no"
            } else {
                "n/a (1 run)"
            };
            let _ = writeln!(
                s,
                "{:<20} {:>12} {:>12} {:>8}  {flag}",
                r.name,
                format!("{:.4}{unit}", r.a),
                format!("{:.4}{unit}", r.b),
                format!("{:.3}", r.ratio)
            );
        }
        let d = &self.drift;
        let _ = writeln!(s, "\nresults");
        match d.documents {
            Some((x, y)) => {
                let _ = writeln!(
                    s,
                    "  documents: {x} -> {y} ({} added, {} removed)",
                    d.documents_added_count, d.documents_removed_count
                );
            }
            None => {
                let _ = writeln!(s, "  documents: not known for both sides");
            }
        }
        for id in &d.documents_added {
            let _ = writeln!(s, "    + {id}");
        }
        for id in &d.documents_removed {
            let _ = writeln!(s, "    - {id}");
        }
        if d.top_terms.is_empty() {
            let _ = writeln!(s, "  top terms: same ranks");
        } else {
            let _ = writeln!(s, "  top terms whose rank changed:");
            for c in &d.top_terms {
                let r = |x: Option<u32>| x.map_or("-".to_string(), |n| format!("#{n}"));
                let _ = writeln!(
                    s,
                    "    {:<30} {:>5} -> {:<5}",
                    c.term,
                    r(c.rank_a),
                    r(c.rank_b)
                );
            }
        }
        if d.sentiment.is_empty() {
            let _ = writeln!(s, "  sentiment: no change");
        } else {
            let _ = writeln!(s, "  sentiment:");
            for (k, x, y) in &d.sentiment {
                let _ = writeln!(s, "    {k:<20} {x:>10.4} -> {y:<10.4} ({:+.4})", y - x);
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn side(label: &str, wall: &[f64], top: &[&str], ids: &[&str], compound: f64) -> Side {
        Side {
            label: label.into(),
            wall_seconds: Some(Spread::of(wall)),
            bytes_per_second: Some(Spread::of(
                &wall.iter().map(|w| 1e6 / w).collect::<Vec<_>>(),
            )),
            stages: vec![("analyse".into(), Spread::of(wall))],
            runs: wall.len(),
            report: Some(json!({
                "corpus": {"documents": ids.len()},
                "terms": {"top": top.iter().map(|t| json!({"term": t})).collect::<Vec<_>>()},
                "sentiment": {"compound_mean": compound},
            })),
            document_ids: Some(ids.iter().map(|s| s.to_string()).collect()),
        }
    }

    #[test]
    fn comparison_reports_ratios_spread_and_drift() {
        let a = side("a", &[1.0, 1.1, 1.2], &["x", "y", "z"], &["d1", "d2"], 0.1);
        let b = side("b", &[2.0, 2.1, 2.2], &["y", "x", "w"], &["d2", "d3"], 0.3);
        let c = compare(&a, &b);
        let wall = c.timing.iter().find(|r| r.name == "wall").unwrap();
        assert!((wall.ratio - 2.1 / 1.1).abs() < 1e-12);
        assert!(wall.beyond_spread);
        assert_eq!(c.drift.documents_added, vec!["d3".to_string()]);
        assert_eq!(c.drift.documents_removed, vec!["d1".to_string()]);
        let terms: Vec<(&str, Option<u32>, Option<u32>)> = c
            .drift
            .top_terms
            .iter()
            .map(|r| (r.term.as_str(), r.rank_a, r.rank_b))
            .collect();
        assert_eq!(
            terms,
            vec![
                ("x", Some(1), Some(2)),
                ("y", Some(2), Some(1)),
                ("z", Some(3), None),
                ("w", None, Some(3))
            ]
        );
        assert_eq!(
            c.drift.sentiment,
            vec![("compound_mean".to_string(), 0.1, 0.3)]
        );
        let text = c.render();
        assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    }

    #[test]
    fn overlapping_runs_are_within_spread() {
        let a = side("a", &[1.0, 1.5], &[], &[], 0.0);
        let b = side("b", &[1.4, 1.6], &[], &[], 0.0);
        assert!(!compare(&a, &b).timing.iter().any(|r| r.beyond_spread));
    }
}

//! `wordmill compare A B`: what differs between two runs, report directories or baselines.
//!
//! A comparison leads with the configuration (each setting whose effective value differs), then
//! the corpus counts, the vocabulary size and the skipped records, then the drift of top-term
//! ranks and sentiment, and ends with the timings. A run that differs in its settings is read
//! as such before its numbers are; two runs of one configuration (as `wordmill bench` makes)
//! reduce the first parts to a line each, so the timings follow at once.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value as Json;

use wordmill_report::{CorpusSummary, Headline, Report, TermsSection};

use wordmill_pipeline::{Manifest, ManifestPipeline, Pipeline, Settings};

use crate::bench::{Baseline, Spread, baseline_path};

/// Text width the rendering keeps to (but for the lines naming the sides as given).
const WIDTH: usize = 80;

/// Characters of a config hash shown in text.
const HASH_CHARS: usize = 12;

/// One side of a comparison, whatever it was read from.
#[derive(Debug, Clone)]
pub struct Side {
    /// What the user named.
    pub label: String,
    /// The pipeline: name, file, config hash and (when recorded) settings.
    pub pipeline: Option<ManifestPipeline>,
    /// Corpus counts, from `report.json` where it is there, else from `run.json` or the baseline.
    pub counts: Counts,
    /// Whole-run wall seconds.
    pub wall_seconds: Option<Spread>,
    /// Text bytes per second.
    pub bytes_per_second: Option<Spread>,
    /// Per-stage seconds, by name.
    pub stages: Vec<(String, Spread)>,
    /// Runs behind the numbers (1 for a single run).
    pub runs: usize,
    /// What is compared of `report.json`, when available.
    pub report: Option<ReportView>,
    /// Document ids in input order, when available.
    pub document_ids: Option<Vec<String>>,
}

/// The counts of one side; `None` where the side does not record one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Documents analysed.
    pub documents: Option<u64>,
    /// Tokens after normalisation.
    pub tokens: Option<u64>,
    /// Sentences.
    pub sentences: Option<u64>,
    /// Bytes of text analysed.
    pub bytes: Option<u64>,
    /// Terms kept (after `min_df`, `max_df`, `max_features`).
    pub vocabulary: Option<u64>,
    /// Records skipped by ingest.
    pub skipped: Option<u64>,
}

impl Counts {
    /// The counts `report.json` holds (its `corpus` and the terms' vocabulary size).
    pub fn from_report(report: &ReportView) -> Counts {
        let c = &report.corpus;
        Counts {
            documents: Some(c.documents),
            tokens: Some(c.tokens),
            sentences: Some(c.sentences),
            bytes: Some(c.bytes),
            vocabulary: report.vocabulary,
            skipped: Some(c.skipped),
        }
    }
}

/// What `compare` reads of a `report.json`. The file is read as the typed report, with the
/// reader of every analyser's section, so a field that is missing, renamed or of another type
/// is an error naming it, never a comparison that finds "no change".
#[derive(Debug, Clone, PartialEq)]
pub struct ReportView {
    /// The corpus totals.
    pub corpus: CorpusSummary,
    /// Terms kept, when the report counts terms.
    pub vocabulary: Option<u64>,
    /// The headline of each section the report holds, by key, in the order of the report.
    pub sections: Vec<(String, Headline)>,
}

impl ReportView {
    /// The view of a typed report.
    pub fn of(report: &Report) -> ReportView {
        ReportView {
            corpus: report.corpus,
            vocabulary: report
                .section::<TermsSection>()
                .map(|t| t.summary.vocabulary_size),
            sections: report
                .sections
                .iter()
                .map(|s| (s.key().to_string(), s.headline()))
                .collect(),
        }
    }

    /// Reads `report.json` (its bytes) with the section readers of every analyser.
    pub fn read(bytes: &[u8]) -> Result<ReportView, serde_json::Error> {
        Report::from_json(bytes, &Pipeline::section_readers()).map(|r| ReportView::of(&r))
    }

    /// The headline of the section `key`, when the report has it.
    pub fn section(&self, key: &str) -> Option<&Headline> {
        self.sections.iter().find(|(k, _)| k == key).map(|(_, h)| h)
    }
}

fn read_report(path: &Path, bytes: &[u8]) -> Result<ReportView, CompareError> {
    ReportView::read(bytes).map_err(|e| CompareError::Unreadable {
        path: path.display().to_string(),
        message: format!("not a report this wordmill reads: {e}"),
    })
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
            let bytes = std::fs::read(&report_path).map_err(|e| CompareError::Unreadable {
                path: report_path.display().to_string(),
                message: e.to_string(),
            })?;
            Some(read_report(&report_path, &bytes)?)
        } else {
            None
        };
        let counts = report.as_ref().map_or(
            Counts {
                documents: Some(m.inputs.documents),
                bytes: Some(m.inputs.text_bytes),
                skipped: Some(m.inputs.skipped),
                ..Counts::default()
            },
            Counts::from_report,
        );
        Ok(Side {
            label: label.to_string(),
            pipeline: Some(m.pipeline),
            counts,
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
        let bytes = serde_json::to_vec(&b.report).map_err(|e| CompareError::Unreadable {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let report = read_report(path, &bytes)?;
        let mut counts = Counts::from_report(&report);
        counts.documents = counts.documents.or(Some(b.documents));
        counts.bytes = counts.bytes.or(Some(b.text_bytes));
        Ok(Side {
            label: label.to_string(),
            pipeline: Some(b.pipeline),
            counts,
            wall_seconds: Some(b.wall_seconds),
            bytes_per_second: Some(b.bytes_per_second),
            stages: b
                .stages
                .iter()
                .map(|s| (s.name.clone(), s.seconds))
                .collect(),
            runs: b.repeat,
            report: Some(report),
            document_ids: b.document_ids,
        })
    }
}

/// One setting that differs between A and B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SettingChange {
    /// The dotted key, e.g. `analyse.terms.min_df`.
    pub key: String,
    /// A's effective value; absent when only B has the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub a: Option<Json>,
    /// B's effective value; absent when only A has the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub b: Option<Json>,
    /// `"A"` or `"B"` when only that side has the key (an analyser one side does not run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only_in: Option<&'static str>,
}

/// What differs in the configuration of A and B.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigDiff {
    /// A's and B's config hashes (SHA-256 of the pipeline file), when known.
    pub config_hash: (Option<String>, Option<String>),
    /// True when both hashes are known and differ: the pipeline files are not the same bytes.
    pub hash_differs: bool,
    /// Whether A and B recorded their settings (runs and baselines of older versions did not).
    pub settings_recorded: (bool, bool),
    /// Every setting whose effective value differs or that one side only has, by key; empty
    /// when either side did not record its settings.
    pub changes: Vec<SettingChange>,
}

/// A count on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CountChange {
    /// A's count, when known.
    pub a: Option<u64>,
    /// B's count, when known.
    pub b: Option<u64>,
    /// B − A, when both are known.
    pub change: Option<i64>,
}

impl CountChange {
    fn of(a: Option<u64>, b: Option<u64>) -> CountChange {
        let change = match (a, b) {
            (Some(x), Some(y)) => i64::try_from(i128::from(y) - i128::from(x)).ok(),
            _ => None,
        };
        CountChange { a, b, change }
    }
}

/// The corpus counts of A and B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CorpusChange {
    /// Documents analysed.
    pub documents: CountChange,
    /// Tokens after normalisation.
    pub tokens: CountChange,
    /// Sentences.
    pub sentences: CountChange,
    /// Bytes of text analysed.
    pub bytes: CountChange,
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
    /// Whether A's and B's reports count terms; `None` when a side has no `report.json`.
    /// (The `terms` entry of `sections`, kept in this form.)
    pub terms_in: Option<(bool, bool)>,
    /// Top terms whose rank changed, entered or left.
    pub top_terms: Vec<RankChange>,
    /// Whether A's and B's reports score sentiment; `None` when a side has no `report.json`.
    /// (The `sentiment` entry of `sections`, kept in this form.)
    pub sentiment_in: Option<(bool, bool)>,
    /// Sentiment numbers that changed: (name, A, B).
    pub sentiment: Vec<(String, f64, f64)>,
    /// Every analyser's section, in registry order: whether each side has it, the ranks and
    /// the headline figures that changed.
    pub sections: Vec<SectionDrift>,
}

/// The drift of one analyser's section.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SectionDrift {
    /// Its key (`[analyse.<key>]`).
    pub key: String,
    /// What its results are called ("top terms").
    pub title: String,
    /// What the analyser does ("counted").
    pub verb: String,
    /// Whether A's and B's reports have it; `None` when a side has no `report.json`.
    pub present: Option<(bool, bool)>,
    /// Whether it ranks something.
    pub ranked: bool,
    /// Ranked items whose rank changed, entered or left.
    pub ranks: Vec<RankChange>,
    /// Headline figures that changed.
    pub figures: Vec<FigureChange>,
}

/// A headline figure that changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureChange {
    /// Its name.
    pub name: String,
    /// In A.
    pub a: f64,
    /// In B.
    pub b: f64,
    /// Whether it counts something.
    pub count: bool,
}

/// Items whose 1-based rank differs between two rankings (entered and left included), in the
/// order A then B lists them.
fn rank_changes(ta: &[String], tb: &[String]) -> Vec<RankChange> {
    let rank = |list: &[String], t: &str| list.iter().position(|x| x == t).map(|i| i as u32 + 1);
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for t in ta.iter().chain(tb.iter()) {
        if !seen.insert(t.as_str()) {
            continue;
        }
        let (x, y) = (rank(ta, t), rank(tb, t));
        if x != y {
            out.push(RankChange {
                term: t.clone(),
                rank_a: x,
                rank_b: y,
            });
        }
    }
    out
}

/// The comparison `wordmill compare` prints, in the order it prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// A's label.
    pub a: String,
    /// B's label.
    pub b: String,
    /// Runs behind each side.
    pub runs: (usize, usize),
    /// What differs in the configuration.
    pub config: ConfigDiff,
    /// Corpus counts.
    pub corpus: CorpusChange,
    /// Terms kept.
    pub vocabulary: CountChange,
    /// Records skipped by ingest.
    pub skipped: CountChange,
    /// Result drift.
    pub drift: Drift,
    /// Timings.
    pub timing: Vec<TimingRow>,
}

fn ratio(a: f64, b: f64) -> f64 {
    if a > 0.0 { b / a } else { f64::NAN }
}

/// Compares two sides.
pub fn compare(a: &Side, b: &Side) -> Comparison {
    let (ca, cb) = (&a.counts, &b.counts);
    Comparison {
        a: a.label.clone(),
        b: b.label.clone(),
        runs: (a.runs, b.runs),
        config: config_diff(a, b),
        corpus: CorpusChange {
            documents: CountChange::of(ca.documents, cb.documents),
            tokens: CountChange::of(ca.tokens, cb.tokens),
            sentences: CountChange::of(ca.sentences, cb.sentences),
            bytes: CountChange::of(ca.bytes, cb.bytes),
        },
        vocabulary: CountChange::of(ca.vocabulary, cb.vocabulary),
        skipped: CountChange::of(ca.skipped, cb.skipped),
        drift: drift(a, b),
        timing: timing(a, b),
    }
}

fn settings_of(s: &Side) -> Option<&Settings> {
    s.pipeline.as_ref().and_then(|p| p.settings.as_ref())
}

fn config_diff(a: &Side, b: &Side) -> ConfigDiff {
    let hash = |s: &Side| s.pipeline.as_ref().map(|p| p.config_hash.clone());
    let config_hash = (hash(a), hash(b));
    let hash_differs = matches!(&config_hash, (Some(x), Some(y)) if x != y);
    let (sa, sb) = (settings_of(a), settings_of(b));
    let mut changes = Vec::new();
    if let (Some(sa), Some(sb)) = (sa, sb) {
        let keys: BTreeSet<&String> = sa.keys().chain(sb.keys()).collect();
        for key in keys {
            let (x, y) = (sa.get(key), sb.get(key));
            if x == y {
                continue;
            }
            changes.push(SettingChange {
                key: key.clone(),
                a: x.cloned(),
                b: y.cloned(),
                only_in: match (x, y) {
                    (Some(_), None) => Some("A"),
                    (None, Some(_)) => Some("B"),
                    _ => None,
                },
            });
        }
    }
    ConfigDiff {
        config_hash,
        hash_differs,
        settings_recorded: (sa.is_some(), sb.is_some()),
        changes,
    }
}

fn timing(a: &Side, b: &Side) -> Vec<TimingRow> {
    let spread = a.runs > 1 && b.runs > 1;
    let mut timing = Vec::new();
    for (name, sa) in &a.stages {
        if let Some((_, sb)) = b.stages.iter().find(|(n, _)| n == name) {
            timing.push(TimingRow {
                name: name.clone(),
                a: sa.median,
                b: sb.median,
                ratio: ratio(sa.median, sb.median),
                beyond_spread: spread && sa.differs_from(sb),
            });
        }
    }
    if let (Some(wa), Some(wb)) = (a.wall_seconds, b.wall_seconds) {
        timing.push(TimingRow {
            name: "wall".into(),
            a: wa.median,
            b: wb.median,
            ratio: ratio(wa.median, wb.median),
            beyond_spread: spread && wa.differs_from(&wb),
        });
    }
    if let (Some(ta), Some(tb)) = (a.bytes_per_second, b.bytes_per_second) {
        timing.push(TimingRow {
            name: "throughput (MB/s)".into(),
            a: ta.median / 1e6,
            b: tb.median / 1e6,
            ratio: ratio(ta.median, tb.median),
            beyond_spread: spread && ta.differs_from(&tb),
        });
    }
    timing
}

fn drift(a: &Side, b: &Side) -> Drift {
    let mut d = Drift::default();
    if let (Some(ra), Some(rb)) = (&a.report, &b.report) {
        d.documents = Some((ra.corpus.documents, rb.corpus.documents));
    }
    for reader in Pipeline::section_readers() {
        let mut sd = SectionDrift {
            key: reader.key.to_string(),
            title: reader.title.to_string(),
            verb: reader.verb.to_string(),
            present: None,
            ranked: false,
            ranks: Vec::new(),
            figures: Vec::new(),
        };
        if let (Some(ra), Some(rb)) = (&a.report, &b.report) {
            let (ha, hb) = (ra.section(reader.key), rb.section(reader.key));
            sd.present = Some((ha.is_some(), hb.is_some()));
            if let (Some(ha), Some(hb)) = (ha, hb) {
                sd.ranked = !ha.ranking.is_empty() || !hb.ranking.is_empty();
                sd.ranks = rank_changes(&ha.ranking, &hb.ranking);
                for fa in &ha.figures {
                    if let Some(fb) = hb.figures.iter().find(|f| f.name == fa.name)
                        && fa.value != fb.value
                    {
                        sd.figures.push(FigureChange {
                            name: fa.name.clone(),
                            a: fa.value,
                            b: fb.value,
                            count: fa.count,
                        });
                    }
                }
            }
        }
        match reader.key {
            "terms" => {
                d.terms_in = sd.present;
                d.top_terms = sd.ranks.clone();
            }
            "sentiment" => {
                d.sentiment_in = sd.present;
                d.sentiment = sd
                    .figures
                    .iter()
                    .map(|f| (f.name.clone(), f.a, f.b))
                    .collect();
            }
            _ => {}
        }
        d.sections.push(sd);
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

/// A setting's value as text: strings quoted, arrays bracketed, numbers as written.
fn show(v: &Json) -> String {
    match v {
        Json::Array(items) => format!(
            "[{}]",
            items.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        // `Display` of a JSON value: strings quoted and escaped, `5`, `0.9`, `true`, `null`.
        other => other.to_string(),
    }
}

fn short_hash(h: &str) -> &str {
    h.get(..HASH_CHARS).unwrap_or(h)
}

/// Writes `first` then `rest` on as many lines as `WIDTH` needs, each continuation indented.
fn wrapped(s: &mut String, first: &str, rest: &str, indent: usize) {
    let mut line = first.to_string();
    let mut chars = rest.chars().peekable();
    while chars.peek().is_some() {
        let room = WIDTH.saturating_sub(line.chars().count()).max(1);
        line.extend(chars.by_ref().take(room));
        let _ = writeln!(s, "{line}");
        line = " ".repeat(indent);
    }
    if rest.is_empty() {
        let _ = writeln!(s, "{line}");
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    wordmill_report::plural(n as u64, one, many)
}

impl SectionDrift {
    fn render(&self, s: &mut String) {
        let title = &self.title;
        let verb = &self.verb;
        match self.present.map(both_sides) {
            None => {
                let _ = writeln!(s, "  {title}: not known (report.json missing)");
            }
            Some(Some("A or B")) => {
                let _ = writeln!(s, "  {title}: not {verb} by A or B");
            }
            Some(Some(side)) => {
                let _ = writeln!(s, "  {title}: {verb} by {side} only");
            }
            Some(None) if self.ranks.is_empty() && self.figures.is_empty() => {
                let same = if self.ranked {
                    "same ranks"
                } else {
                    "no change"
                };
                let _ = writeln!(s, "  {title}: {same}");
            }
            Some(None) => {
                if !self.ranks.is_empty() {
                    let _ = writeln!(s, "  {title} whose rank changed:");
                    for c in &self.ranks {
                        let r = |x: Option<u32>| x.map_or("-".to_string(), |n| format!("#{n}"));
                        let _ = writeln!(
                            s,
                            "    {:<30} {:>5} -> {}",
                            c.term,
                            r(c.rank_a),
                            r(c.rank_b)
                        );
                    }
                }
                if !self.figures.is_empty() {
                    let _ = writeln!(s, "  {title}:");
                    for f in &self.figures {
                        let (k, x, y) = (&f.name, f.a, f.b);
                        if f.count {
                            let _ = writeln!(s, "    {k:<20} {x:>10} -> {y:<10} ({:+})", y - x);
                        } else {
                            let _ =
                                writeln!(s, "    {k:<20} {x:>10.4} -> {y:<10.4} ({:+.4})", y - x);
                        }
                    }
                }
            }
        }
    }
}

fn both_sides(pair: (bool, bool)) -> Option<&'static str> {
    match pair {
        (true, true) => None,
        (true, false) => Some("A"),
        (false, true) => Some("B"),
        (false, false) => Some("A or B"),
    }
}

impl ConfigDiff {
    fn render(&self, s: &mut String) {
        let hashes = match &self.config_hash {
            (Some(x), Some(y)) if x == y => format!("same config hash {}", short_hash(x)),
            (Some(x), Some(y)) => format!("config hash {} -> {}", short_hash(x), short_hash(y)),
            _ => "config hash not known for both".to_string(),
        };
        let missing = match self.settings_recorded {
            (true, true) => None,
            (false, true) => Some("A"),
            (true, false) => Some("B"),
            (false, false) => Some("A or B"),
        };
        if let Some(missing) = missing {
            let _ = writeln!(
                s,
                "configuration: not recorded by {missing} (written by an older wordmill)"
            );
            let verdict = match &self.config_hash {
                (Some(x), Some(y)) if x == y => {
                    format!("same pipeline file (config hash {})", short_hash(x))
                }
                (Some(_), Some(_)) => format!("the pipeline files differ ({hashes})"),
                _ => hashes,
            };
            let _ = writeln!(s, "  {verdict}");
            return;
        }
        if self.changes.is_empty() {
            if self.hash_differs {
                let _ = writeln!(
                    s,
                    "configuration: same settings, config hash differs (comments, layout, report.dir)"
                );
            } else {
                let _ = writeln!(s, "configuration: same settings ({hashes})");
            }
            return;
        }
        let _ = writeln!(
            s,
            "configuration: {} ({hashes})",
            plural(self.changes.len(), "setting differs", "settings differ")
        );
        for c in &self.changes {
            let value = |v: &Option<Json>, side: &str| {
                v.as_ref().map_or_else(|| format!("(not in {side})"), show)
            };
            let (a, b) = (value(&c.a, "A"), value(&c.b, "B"));
            let line = format!("  {}: {a} -> {b}", c.key);
            if line.chars().count() <= WIDTH {
                let _ = writeln!(s, "{line}");
            } else {
                wrapped(s, &format!("  {}:", c.key), "", 0);
                wrapped(s, "    A: ", &a, 7);
                wrapped(s, "    B: ", &b, 7);
            }
        }
    }
}

fn count_row(s: &mut String, name: &str, c: &CountChange) {
    let n = |x: Option<u64>| x.map_or("-".to_string(), |v| v.to_string());
    let change = match c.change {
        Some(0) => "0".to_string(),
        Some(d) => format!("{d:+}"),
        None => "-".to_string(),
    };
    let _ = writeln!(
        s,
        "  {name:<18} {:>15} {:>15} {:>15}",
        n(c.a),
        n(c.b),
        change
    );
}

impl Comparison {
    /// The comparison as text for a terminal (80 columns, but for the lines naming the sides):
    /// configuration, counts, drift, then timings.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let runs = |n: usize| plural(n, "run", "runs");
        let _ = writeln!(s, "A: {} ({})", self.a, runs(self.runs.0));
        let _ = writeln!(s, "B: {} ({})", self.b, runs(self.runs.1));
        let _ = writeln!(s);
        self.config.render(&mut s);

        let _ = writeln!(
            s,
            "\n{:<20} {:>15} {:>15} {:>15}",
            "results", "A", "B", "B-A"
        );
        count_row(&mut s, "documents", &self.corpus.documents);
        count_row(&mut s, "tokens", &self.corpus.tokens);
        count_row(&mut s, "sentences", &self.corpus.sentences);
        count_row(&mut s, "text bytes", &self.corpus.bytes);
        count_row(&mut s, "vocabulary", &self.vocabulary);
        count_row(&mut s, "skipped records", &self.skipped);
        let d = &self.drift;
        if d.documents_added_count + d.documents_removed_count > 0 {
            let _ = writeln!(
                s,
                "  documents: {} added, {} removed",
                d.documents_added_count, d.documents_removed_count
            );
            for id in &d.documents_added {
                let _ = writeln!(s, "    + {id}");
            }
            for id in &d.documents_removed {
                let _ = writeln!(s, "    - {id}");
            }
        }
        for sd in &d.sections {
            sd.render(&mut s);
        }

        let spread = self.runs.0 > 1 && self.runs.1 > 1;
        let _ = writeln!(
            s,
            "\n{:<20} {:>15} {:>15} {:>8}  beyond spread",
            "timing", "A", "B", "B/A"
        );
        for r in &self.timing {
            let (a, b) = if r.name.starts_with("throughput") {
                (format!("{:.2}", r.a), format!("{:.2}", r.b))
            } else {
                (format!("{:.4} s", r.a), format!("{:.4} s", r.b))
            };
            let flag = match (r.beyond_spread, spread) {
                (true, _) => "yes",
                (false, true) => "no",
                (false, false) => "n/a (1 run)",
            };
            let _ = writeln!(
                s,
                "  {:<18} {a:>15} {b:>15} {:>8}  {flag}",
                r.name,
                format!("{:.3}", r.ratio)
            );
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pipeline(hash: &str, settings: Option<Json>) -> ManifestPipeline {
        ManifestPipeline {
            name: "p".into(),
            file: "p.toml".into(),
            config_hash: hash.into(),
            settings: settings.map(|s| serde_json::from_value(s).unwrap()),
        }
    }

    fn side(label: &str, wall: &[f64], top: &[&str], ids: &[&str], compound: f64) -> Side {
        let report = ReportView {
            corpus: CorpusSummary {
                documents: ids.len() as u64,
                bytes: 600,
                tokens: 100,
                sentences: 10,
                skipped: 0,
            },
            vocabulary: Some(40),
            sections: vec![
                (
                    "terms".into(),
                    Headline {
                        ranking: top.iter().map(|t| t.to_string()).collect(),
                        figures: Vec::new(),
                    },
                ),
                (
                    "sentiment".into(),
                    Headline {
                        ranking: Vec::new(),
                        figures: vec![figure("compound_mean", compound, false)],
                    },
                ),
            ],
        };
        Side {
            label: label.into(),
            pipeline: Some(pipeline(
                &"0".repeat(64),
                Some(json!({"analyse.terms.min_df": 1})),
            )),
            counts: Counts::from_report(&report),
            wall_seconds: Some(Spread::of(wall)),
            bytes_per_second: Some(Spread::of(
                &wall.iter().map(|w| 1e6 / w).collect::<Vec<_>>(),
            )),
            stages: vec![("analyse".into(), Spread::of(wall))],
            runs: wall.len(),
            report: Some(report),
            document_ids: Some(ids.iter().map(|s| s.to_string()).collect()),
        }
    }

    fn figure(name: &str, value: f64, count: bool) -> wordmill_report::Figure {
        wordmill_report::Figure {
            name: name.into(),
            value,
            count,
        }
    }

    fn fits(text: &str) -> bool {
        text.lines()
            .filter(|l| !l.starts_with("A: ") && !l.starts_with("B: "))
            .all(|l| l.chars().count() <= WIDTH)
    }

    /// The lines after the two naming the sides and the blank one.
    fn body(text: &str) -> Vec<&str> {
        text.lines().skip(3).collect()
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
        assert!(fits(&text), "{text}");
        assert!(text.contains("documents: 1 added, 1 removed"), "{text}");
        assert!(
            text.contains("    + d3\n") && text.contains("    - d1\n"),
            "{text}"
        );
    }

    #[test]
    fn overlapping_runs_are_within_spread() {
        let a = side("a", &[1.0, 1.5], &[], &[], 0.0);
        let b = side("b", &[1.4, 1.6], &[], &[], 0.0);
        assert!(!compare(&a, &b).timing.iter().any(|r| r.beyond_spread));
    }

    #[test]
    fn a_changed_setting_leads_and_counts_print_as_integers() {
        let mut a = side("a", &[1.0], &["x"], &["d1"], 0.1);
        let mut b = side("b", &[1.0], &["x"], &["d1"], 0.1);
        a.pipeline = Some(pipeline(
            &"a".repeat(64),
            Some(json!({"analyse.terms.min_df": 5, "analyse.terms.max_df": 1.0, "name": "p"})),
        ));
        b.pipeline = Some(pipeline(
            &"b".repeat(64),
            Some(json!({"analyse.terms.min_df": 50, "analyse.terms.max_df": 1.0, "name": "p"})),
        ));
        a.counts.vocabulary = Some(20_412);
        b.counts.vocabulary = Some(3_281);
        let c = compare(&a, &b);
        assert_eq!(
            c.config.changes,
            vec![SettingChange {
                key: "analyse.terms.min_df".into(),
                a: Some(json!(5)),
                b: Some(json!(50)),
                only_in: None,
            }]
        );
        assert!(c.config.hash_differs);
        assert_eq!(c.vocabulary.change, Some(3_281 - 20_412));

        let text = c.render();
        assert!(fits(&text), "{text}");
        let lines = body(&text);
        assert!(
            lines[0].starts_with("configuration: 1 setting differs"),
            "{text}"
        );
        assert_eq!(lines[1], "  analyse.terms.min_df: 5 -> 50", "{text}");
        let vocabulary = lines
            .iter()
            .find(|l| l.trim_start().starts_with("vocabulary"))
            .unwrap();
        let fields: Vec<&str> = vocabulary.split_whitespace().collect();
        assert_eq!(fields, ["vocabulary", "20412", "3281", "-17131"], "{text}");
        // Results come after the configuration, timings after the results.
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle}: {text}"))
        };
        assert!(at("configuration") < at("\nresults"));
        assert!(at("\nresults") < at("top terms") && at("top terms") < at("\ntiming"));
        assert!(at("  skipped records") < at("top terms"));

        // The JSON carries the same, in the same order.
        let json = serde_json::to_string(&c).unwrap();
        let order: Vec<usize> = [
            "\"config\"",
            "\"corpus\"",
            "\"vocabulary\"",
            "\"skipped\"",
            "\"drift\"",
            "\"timing\"",
        ]
        .iter()
        .map(|k| json.find(k).unwrap_or_else(|| panic!("{k}: {json}")))
        .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{json}");
        let v: Json = serde_json::from_str(&json).unwrap();
        assert_eq!(
            v["vocabulary"],
            json!({"a": 20412, "b": 3281, "change": -17131})
        );
        assert_eq!(
            v["config"]["changes"],
            json!([{"key": "analyse.terms.min_df", "a": 5, "b": 50}])
        );
    }

    #[test]
    fn keys_of_one_side_only_are_shown_as_such() {
        let mut a = side("a", &[1.0], &["x"], &["d1"], 0.1);
        let mut b = a.clone();
        a.pipeline = Some(pipeline(&"a".repeat(64), Some(json!({"name": "p"}))));
        b.pipeline = Some(pipeline(
            &"b".repeat(64),
            Some(json!({"name": "p", "analyse.sentiment.rules": "vader"})),
        ));
        let c = compare(&a, &b);
        assert_eq!(c.config.changes.len(), 1);
        assert_eq!(c.config.changes[0].only_in, Some("B"));
        assert_eq!(c.config.changes[0].a, None);
        let text = c.render();
        assert!(
            text.contains("  analyse.sentiment.rules: (not in A) -> \"vader\"\n"),
            "{text}"
        );
        let v = serde_json::to_value(&c).unwrap();
        assert_eq!(
            v["config"]["changes"][0],
            json!({"key": "analyse.sentiment.rules", "b": "vader", "only_in": "B"})
        );
    }

    #[test]
    fn same_settings_under_another_hash_is_one_line() {
        let mut a = side("a", &[1.0], &["x"], &["d1"], 0.1);
        let mut b = a.clone();
        let settings = json!({"name": "p", "analyse.terms.min_df": 2});
        a.pipeline = Some(pipeline(&"a".repeat(64), Some(settings.clone())));
        b.pipeline = Some(pipeline(&"b".repeat(64), Some(settings)));
        let c = compare(&a, &b);
        assert!(c.config.changes.is_empty() && c.config.hash_differs);
        let text = c.render();
        let lines = body(&text);
        assert!(
            lines[0].starts_with("configuration: same settings, config hash differs"),
            "{text}"
        );
        assert_eq!(lines[1], "", "{text}");
        assert!(fits(&text), "{text}");
    }

    #[test]
    fn sides_without_settings_still_compare() {
        let mut a = side("a", &[1.0], &["x"], &["d1"], 0.1);
        let b = side("b", &[1.0], &["x"], &["d1"], 0.1);
        a.pipeline = Some(pipeline(&"a".repeat(64), None));
        let c = compare(&a, &b);
        assert_eq!(c.config.settings_recorded, (false, true));
        assert!(c.config.changes.is_empty() && c.config.hash_differs);
        let text = c.render();
        let lines = body(&text);
        assert!(
            lines[0].starts_with("configuration: not recorded by A"),
            "{text}"
        );
        assert!(
            lines[1].contains("pipeline files differ")
                && lines[1].contains(&"a".repeat(HASH_CHARS)),
            "{text}"
        );
        assert!(fits(&text), "{text}");
    }

    #[test]
    fn long_values_wrap_within_the_width() {
        let mut a = side("a", &[1.0], &["x"], &["d1"], 0.1);
        let mut b = a.clone();
        let long: Vec<String> = (0..12)
            .map(|i| format!("corpus/part-{i:04}.jsonl"))
            .collect();
        a.pipeline = Some(pipeline(
            &"a".repeat(64),
            Some(json!({"ingest.inputs": long})),
        ));
        b.pipeline = Some(pipeline(
            &"b".repeat(64),
            Some(json!({"ingest.inputs": ["corpus/news"]})),
        ));
        let text = compare(&a, &b).render();
        assert!(fits(&text), "{text}");
        // Nothing is cut: the wrapped value reads back whole.
        let lines = body(&text);
        assert_eq!(lines[1], "  ingest.inputs:");
        let mut joined = lines[2].trim_start_matches("    A: ").to_string();
        for l in &lines[3..] {
            if l.starts_with("    B: ") {
                break;
            }
            joined.push_str(l.trim_start());
        }
        assert_eq!(
            joined.replace(", ", ","),
            serde_json::to_string(&long).unwrap()
        );
        assert!(text.contains("    B: [\"corpus/news\"]\n"), "{text}");
    }

    #[test]
    fn missing_analysers_and_reports_are_said_not_to_be_unchanged() {
        let mut a = side("a", &[1.0], &["x"], &["d1"], 0.1);
        let mut b = a.clone();
        a.report
            .as_mut()
            .unwrap()
            .sections
            .retain(|(k, _)| k != "sentiment");
        b.report
            .as_mut()
            .unwrap()
            .sections
            .retain(|(k, _)| k != "sentiment");
        let text = compare(&a, &b).render();
        assert!(
            text.contains("  sentiment: not scored by A or B\n"),
            "{text}"
        );
        assert!(!text.contains("no change"), "{text}");
        b.report = None;
        b.counts = Counts::default();
        let text = compare(&a, &b).render();
        assert!(text.contains("  top terms: not known"), "{text}");
        assert!(!text.contains("same ranks"), "{text}");
        let vocabulary: Vec<&str> = text
            .lines()
            .find(|l| l.trim_start().starts_with("vocabulary"))
            .unwrap()
            .split_whitespace()
            .collect();
        assert_eq!(vocabulary, ["vocabulary", "40", "-", "-"]);
    }

    #[test]
    fn histogram_counts_print_as_integers() {
        let mut a = side("a", &[1.0], &["x"], &["d1"], 0.1);
        let mut b = a.clone();
        for (side, counts) in [(&mut a, [3.0, 950.0]), (&mut b, [3.0, 1000.0])] {
            let sections = &mut side.report.as_mut().unwrap().sections;
            let sentiment = &mut sections
                .iter_mut()
                .find(|(k, _)| k == "sentiment")
                .unwrap()
                .1;
            for (i, n) in counts.into_iter().enumerate() {
                sentiment
                    .figures
                    .push(figure(&format!("histogram[{i}]"), n, true));
            }
        }
        let text = compare(&a, &b).render();
        let fields: Vec<&str> = text
            .lines()
            .find(|l| l.trim_start().starts_with("histogram[1]"))
            .unwrap()
            .split_whitespace()
            .collect();
        assert_eq!(
            fields,
            ["histogram[1]", "950", "->", "1000", "(+50)"],
            "{text}"
        );
        assert!(!text.contains("histogram[0]"), "{text}");
        assert!(text.lines().all(|l| l == l.trim_end()), "{text:?}");
    }

    #[test]
    fn values_show_as_a_pipeline_file_writes_them() {
        assert_eq!(show(&json!(5)), "5");
        assert_eq!(show(&json!(0.5)), "0.5");
        assert_eq!(show(&json!(1.0)), "1.0");
        assert_eq!(show(&json!("nfc")), "\"nfc\"");
        assert_eq!(show(&json!(["a", "b"])), "[\"a\", \"b\"]");
        assert_eq!(show(&json!([1, 2])), "[1, 2]");
        assert_eq!(show(&json!(null)), "null");
    }
}

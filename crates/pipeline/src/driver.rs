//! The streaming, parallel driver.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use wordmill_analyse::{Analyser, DocumentStats, Documents, DocumentsPartial, Terms, TermsPartial};
use wordmill_ingest::{IngestError, Source, SourceConfig};
use wordmill_model::{Document, Merge};
use wordmill_normalise::Normaliser;
use wordmill_report::{CorpusSummary, OutputDir, Report, TermsSummary};

use crate::config::Pipeline;
use crate::error::RunError;
use crate::manifest::{
    InputFileEntry, MANIFEST_VERSION, Manifest, ManifestInputs, ManifestPipeline, OutputFile,
    Stage, peak_rss_bytes,
};

/// How far a run has got, reported while it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Input bytes read so far (compressed size for compressed files).
    pub bytes_read: u64,
    /// Total size of the input files (0 for standard input).
    pub bytes_total: u64,
    /// Documents read so far.
    pub documents: u64,
    /// True on the last call, when reading is complete.
    pub done: bool,
}

/// Receives [`Progress`] while a run reads its inputs.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// How to run a pipeline, beyond what its file says.
#[derive(Clone, Default)]
pub struct RunOptions {
    /// Worker threads for analysis; `None` = one per core.
    pub threads: Option<usize>,
    /// Report directory, overriding `report.dir`.
    pub out: Option<PathBuf>,
    /// Called as input is read (about once per batch of documents).
    pub progress: Option<ProgressFn>,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("threads", &self.threads)
            .field("out", &self.out)
            .field("progress", &self.progress.as_ref().map(|_| "callback"))
            .finish()
    }
}

/// What a finished run produced.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// The report (also in `report.json`).
    pub report: Report,
    /// The manifest (also in `run.json`).
    pub manifest: Manifest,
    /// The report directory written.
    pub dir: PathBuf,
    /// One row per document, in input order.
    pub documents: Vec<DocumentStats>,
}

/// The partial state of a whole run: every analyser's partial state.
#[derive(Debug, Serialize, Deserialize)]
pub struct RunPartial {
    /// Per-document facts.
    pub documents: DocumentsPartial,
    /// Term counts, when the pipeline has `[analyse.terms]`.
    pub terms: Option<TermsPartial>,
}

impl Merge for RunPartial {
    fn merge(&mut self, other: Self) {
        self.documents.merge(other.documents);
        self.terms.merge(other.terms);
    }
}

/// The compiled stages of a pipeline.
struct Stages {
    normaliser: Normaliser,
    documents: Documents,
    terms: Option<Terms>,
}

impl Stages {
    fn new(p: &Pipeline) -> Result<Stages, RunError> {
        let normaliser =
            Normaliser::new(p.normalise.clone()).map_err(|e| RunError::Setup(e.to_string()))?;
        Ok(Stages {
            normaliser,
            documents: Documents,
            terms: p.terms.clone().map(Terms::new),
        })
    }

    fn partial(&self) -> RunPartial {
        RunPartial {
            documents: self.documents.partial(),
            terms: self.terms.as_ref().map(|t| t.partial()),
        }
    }

    fn observe(&self, partial: &mut RunPartial, doc: &Document) {
        let nd = self.normaliser.normalise(doc);
        self.documents.observe(&mut partial.documents, &nd);
        if let (Some(t), Some(tp)) = (&self.terms, partial.terms.as_mut()) {
            t.observe(tp, &nd);
        }
    }
}

/// A batch is cut when it holds this many bytes of text (or one larger document).
const BATCH_BYTES: usize = 1 << 20;
/// ... or this many documents.
const BATCH_DOCS: usize = 1024;

fn source_config(p: &Pipeline) -> SourceConfig {
    SourceConfig {
        inputs: p.ingest.inputs.clone(),
        base_dir: PathBuf::from("."),
        format: p.ingest.format,
        text_field: p.ingest.text_field.clone(),
        id_field: p.ingest.id_field.clone(),
        meta_fields: p.ingest.meta_fields.clone(),
        meta_from_path: p.ingest.meta_from_path.clone(),
        on_error: p.ingest.on_error,
    }
}

fn secs(d: std::time::Duration) -> f64 {
    d.as_secs_f64()
}

/// Runs a pipeline: reads, analyses and writes the report directory with `run.json`.
pub fn run(pipeline: &Pipeline, options: &RunOptions) -> Result<RunOutcome, RunError> {
    let started = Instant::now();
    let started_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let stages = Stages::new(pipeline)?;
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("wordmill-worker-{i}"))
        .build()
        .map_err(|e| RunError::Threads {
            threads,
            message: e.to_string(),
        })?;
    let dir = options
        .out
        .clone()
        .unwrap_or_else(|| pipeline.report.dir.clone());

    let mut source = Source::open(source_config(pipeline))?;
    refuse_output_over_inputs(&dir, &source)?;
    let bytes_total: u64 = source.files().iter().map(|f| f.bytes).sum();
    let report_progress = |source: &Source, done: bool| {
        if let Some(p) = &options.progress {
            let stats = source.stats();
            p(Progress {
                bytes_read: stats.bytes_read,
                bytes_total,
                documents: stats.documents,
                done,
            });
        }
    };

    // One reader (this thread's scope) numbers documents in input order and hands out batches;
    // every worker folds batches into its own partial state for the whole run.
    let (tx, rx) = sync_channel::<Vec<Document>>(threads * 2);
    let rx = Mutex::new(rx);
    let mut read_time = std::time::Duration::ZERO;
    let mut read_error: Option<IngestError> = None;
    let analyse_started = Instant::now();
    let partials: Vec<RunPartial> = std::thread::scope(|scope| {
        let workers = scope.spawn(|| {
            pool.broadcast(|_| {
                let mut partial = stages.partial();
                while let Some(batch) = next_batch(&rx) {
                    for doc in &batch {
                        stages.observe(&mut partial, doc);
                    }
                }
                partial
            })
        });
        let mut batch: Vec<Document> = Vec::new();
        let mut batch_bytes = 0usize;
        loop {
            let t0 = Instant::now();
            let item = source.next();
            read_time += t0.elapsed();
            match item {
                Some(Ok(doc)) => {
                    batch_bytes += doc.text.len();
                    batch.push(doc);
                    if batch_bytes >= BATCH_BYTES || batch.len() >= BATCH_DOCS {
                        if tx.send(std::mem::take(&mut batch)).is_err() {
                            break;
                        }
                        batch_bytes = 0;
                        report_progress(&source, false);
                    }
                }
                Some(Err(e)) => {
                    read_error = Some(e);
                    break;
                }
                None => break,
            }
        }
        if !batch.is_empty() {
            let _ = tx.send(batch);
        }
        drop(tx);
        report_progress(&source, true);
        workers
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    if let Some(e) = read_error {
        return Err(RunError::Ingest(e));
    }
    let analyse_time = analyse_started.elapsed();

    let finish_started = Instant::now();
    let mut total = stages.partial();
    for p in partials {
        total.merge(p);
    }
    let documents = stages.documents.finish(total.documents);
    let terms = match (&stages.terms, total.terms) {
        (Some(t), Some(tp)) => Some(t.finish(tp)),
        _ => None,
    };
    let stats = source.stats().clone();
    let text_bytes: u64 = documents.iter().map(|d| d.bytes).sum();
    let corpus = CorpusSummary {
        documents: documents.len() as u64,
        bytes: text_bytes,
        tokens: documents.iter().map(|d| d.tokens).sum(),
        sentences: documents.iter().map(|d| d.sentences).sum(),
        skipped: stats.skipped.len() as u64,
    };
    let mut report = Report::new(&pipeline.name, &pipeline.config_hash, corpus);
    report.terms = terms.as_ref().map(TermsSummary::from_output);
    let finish_time = finish_started.elapsed();

    let write_started = Instant::now();
    let out = OutputDir::create(&dir).map_err(|source| RunError::Write {
        path: dir.clone(),
        source,
    })?;
    let mut outputs: Vec<OutputFile> = Vec::new();
    let mut write = |name: &str, body: &dyn Fn(&mut dyn std::io::Write) -> std::io::Result<()>| {
        let bytes = out.write(name, body).map_err(|source| RunError::Write {
            path: dir.join(name),
            source,
        })?;
        outputs.push(OutputFile {
            file: name.to_string(),
            bytes,
        });
        Ok::<(), RunError>(())
    };
    let wants = |f: &str| pipeline.report.wants(f);
    if wants("json") {
        write("report.json", &|w| report.write_json(w))?;
    }
    if wants("csv") {
        if let Some(t) = &terms {
            write("terms.csv", &|w| wordmill_report::write_terms_csv(w, t))?;
            if t.documents.is_some() {
                write("tfidf.csv", &|w| wordmill_report::write_tfidf_csv(w, t))?;
            }
        }
        write("documents.csv", &|w| {
            wordmill_report::write_documents_csv(w, &documents, None)
        })?;
    }
    if wants("md") {
        write("report.md", &|w| {
            w.write_all(wordmill_report::render_markdown(&report).as_bytes())
        })?;
    }
    remove_stale_outputs(&dir, &outputs);
    let write_time = write_started.elapsed();

    let wall = started.elapsed();
    let per_sec = |n: u64, t: std::time::Duration| {
        if t.as_secs_f64() > 0.0 {
            n as f64 / t.as_secs_f64()
        } else {
            0.0
        }
    };
    let manifest = Manifest {
        manifest_version: MANIFEST_VERSION,
        wordmill_version: env!("CARGO_PKG_VERSION").to_string(),
        pipeline: ManifestPipeline {
            name: pipeline.name.clone(),
            file: pipeline.path.display().to_string(),
            config_hash: pipeline.config_hash.clone(),
        },
        started_unix,
        threads,
        inputs: ManifestInputs {
            files: source
                .files()
                .iter()
                .map(|f| InputFileEntry {
                    path: f.display.clone(),
                    bytes: f.bytes,
                })
                .collect(),
            bytes_read: stats.bytes_read,
            text_bytes,
            records_seen: stats.records_seen,
            documents: stats.documents,
            skipped: stats.skipped.len() as u64,
            skipped_records: stats.skipped.clone(),
        },
        stages: vec![
            Stage {
                name: "read".into(),
                seconds: secs(read_time),
                bytes_per_second: Some(per_sec(text_bytes, read_time)),
            },
            Stage {
                name: "analyse".into(),
                seconds: secs(analyse_time),
                bytes_per_second: Some(per_sec(text_bytes, analyse_time)),
            },
            Stage {
                name: "finish".into(),
                seconds: secs(finish_time),
                bytes_per_second: None,
            },
            Stage {
                name: "write".into(),
                seconds: secs(write_time),
                bytes_per_second: None,
            },
        ],
        wall_seconds: secs(wall),
        bytes_per_second: per_sec(text_bytes, wall),
        documents_per_second: per_sec(corpus.documents, wall),
        peak_rss_bytes: peak_rss_bytes(),
        outputs,
    };
    out.write("run.json", |w| {
        serde_json::to_writer_pretty(&mut *w, &manifest).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
    .map_err(|source| RunError::Write {
        path: dir.join("run.json"),
        source,
    })?;
    Ok(RunOutcome {
        report,
        manifest,
        dir,
        documents,
    })
}

fn next_batch(rx: &Mutex<Receiver<Vec<Document>>>) -> Option<Vec<Document>> {
    rx.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .recv()
        .ok()
}

/// Every file name wordmill may write into a report directory.
const KNOWN_OUTPUTS: &[&str] = &[
    "report.json",
    "terms.csv",
    "tfidf.csv",
    "documents.csv",
    "report.md",
];

/// Removes outputs of an earlier run that this run did not write (e.g. `tfidf.csv` after
/// `per_document` was turned off), so a report directory never mixes two runs.
fn remove_stale_outputs(dir: &Path, written: &[OutputFile]) {
    for name in KNOWN_OUTPUTS {
        if !written.iter().any(|o| o.file == *name) {
            let _ = std::fs::remove_file(dir.join(name));
        }
    }
}

/// Refuses a report directory that holds any of the run's input files.
fn refuse_output_over_inputs(dir: &Path, source: &Source) -> Result<(), RunError> {
    let Ok(out) = absolute(dir) else {
        return Ok(());
    };
    for f in source.files() {
        if let Ok(input) = absolute(&f.path) {
            if input.starts_with(&out) {
                return Err(RunError::Setup(format!(
                    "the report directory {} contains the input {}: a run never writes into its own inputs; choose another `report.dir` or `--out`",
                    dir.display(),
                    f.display
                )));
            }
        }
    }
    Ok(())
}

fn absolute(p: &Path) -> std::io::Result<PathBuf> {
    match p.canonicalize() {
        Ok(c) => Ok(c),
        Err(_) => std::path::absolute(p),
    }
}

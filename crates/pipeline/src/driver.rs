//! The streaming, parallel driver, and the portable run state that shards and cluster
//! partitions exchange.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, channel, sync_channel};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use wordmill_analyse::{
    Analyser, DocShared, DocumentStats, Documents, DocumentsPartial, InvalidState, Sentiment,
    SentimentPartial, Trends,
};
use wordmill_ingest::{Format, Replacement, Skip, Source, SourceConfig, Split};
use wordmill_model::{DocBuffers, Document, Merge, Metadata};
use wordmill_normalise::Normaliser;
use wordmill_report::{
    AnalyserSection, CorpusSummary, DictionarySection, IfLocked, OutputDir, Report,
    SentimentSection, StagedDir, TargetsSection, TermsSection, TrendsSection,
};

use crate::config::{Pipeline, ReportFormat};
use crate::error::{
    ChecksumProblem, DamagedState, DocumentError, RunError, SetupError, StateError,
};
use crate::fold::{Fold, FoldPlan, Rows};
use crate::jobs;
use crate::manifest::{
    InputFileEntry, KindCount, MANIFEST_VERSION, Manifest, ManifestInputs, ManifestPipeline,
    OutputFile, SKIPPED_LISTED, Stage, peak_rss_bytes, skips_by_kind,
};
use crate::registry::{self, ErasedPartial, Stage as AnalyserStage};

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
    /// Also write the run's partial state to this file (see [`RunState`]).
    pub state_out: Option<PathBuf>,
    /// Number the documents from this ordinal on (for shards of a larger corpus).
    pub ordinal_offset: u64,
    /// Read these inputs instead of `ingest.inputs` (e.g. one shard of a corpus).
    pub inputs: Option<Vec<String>>,
    /// While another run is writing the same report directory, wait for it instead of failing
    /// (see [`IfLocked`]).
    pub wait: bool,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("threads", &self.threads)
            .field("out", &self.out)
            .field("progress", &self.progress.as_ref().map(|_| "callback"))
            .field("state_out", &self.state_out)
            .field("ordinal_offset", &self.ordinal_offset)
            .field("inputs", &self.inputs)
            .field("wait", &self.wait)
            .finish()
    }
}

/// What a finished run produced.
#[derive(Debug)]
pub struct RunOutcome {
    /// The report (also in `report.json`).
    pub report: Report,
    /// The manifest (also in `run.json`).
    pub manifest: Manifest,
    /// The report directory written.
    pub dir: PathBuf,
    /// One row per document, in input order.
    pub documents: Vec<DocumentStats>,
    /// What the user should be told besides the report (e.g. a previous report that could not
    /// be removed, and how to remove it).
    pub notices: Vec<String>,
}

/// The partial state of a whole run: the per-document facts and every analyser's partial
/// state, by key, in registry order. Serialised as `{"documents": ..., "<key>": ...}`.
#[derive(Debug)]
pub struct RunPartial {
    /// Per-document facts.
    pub(crate) documents: DocumentsPartial,
    /// Each analyser's state, in the order of the pipeline's stages.
    pub(crate) analysers: Vec<(&'static str, Box<dyn ErasedPartial>)>,
}

impl Serialize for RunPartial {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(1 + self.analysers.len()))?;
        map.serialize_entry("documents", &self.documents)?;
        for (key, partial) in &self.analysers {
            map.serialize_entry(key, partial.as_serialize())?;
        }
        map.end()
    }
}

impl RunPartial {
    /// The partial state of the analyser with state type `P`, mutably.
    fn get_mut<P: 'static>(&mut self) -> Option<&mut P> {
        self.analysers
            .iter_mut()
            .find_map(|(_, p)| p.as_any_mut().downcast_mut::<P>())
    }

    /// Takes the per-document rows out (for the fold), leaving what is bounded.
    fn take_rows(&mut self) -> Rows {
        Rows {
            documents: std::mem::take(&mut self.documents.rows),
            sentiment: self
                .get_mut::<SentimentPartial>()
                .map(|s| s.take_documents())
                .unwrap_or_default(),
        }
    }
}

impl Merge for RunPartial {
    fn merge(&mut self, other: Self) {
        self.documents.merge(other.documents);
        for ((_, mine), (_, theirs)) in self.analysers.iter_mut().zip(other.analysers) {
            mine.merge_erased(theirs);
        }
    }
}

/// What ingest saw, carried in a state so that merged runs still account for every record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestTally {
    /// Input files read (by their display path), with sizes.
    pub files: Vec<InputFileEntry>,
    /// Bytes read.
    pub bytes_read: u64,
    /// Input records seen, each once (a split one too): records seen + parts added =
    /// documents + skipped.
    pub records_seen: u64,
    /// Documents analysed.
    pub documents: u64,
    /// Records skipped, with reasons.
    pub skipped: Vec<Skip>,
    /// Records whose invalid UTF-8 was replaced (with `encoding_errors = "replace"`).
    #[serde(default)]
    pub replaced: Vec<Replacement>,
    /// Oversize documents split into parts.
    #[serde(default)]
    pub split: Vec<Split>,
    /// Documents that splitting added: a record split into `k` parts is one record seen and `k`
    /// documents (see [`wordmill_ingest::IngestStats`]).
    #[serde(default)]
    pub parts_added: u64,
    /// Files of directory inputs left out for their extension.
    #[serde(default)]
    pub files_left_out: u64,
    /// The first of them (sorted).
    #[serde(default)]
    pub left_out_examples: Vec<String>,
    /// E-mail attachments dropped.
    #[serde(default)]
    pub attachments_skipped: u64,
    /// Documents kept without a readable date (`undated = "keep"`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub undated: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Merge for IngestTally {
    fn merge(&mut self, other: Self) {
        self.bytes_read += other.bytes_read;
        self.records_seen += other.records_seen;
        self.documents += other.documents;
        self.files.extend(other.files);
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        self.files.dedup();
        self.replaced.extend(other.replaced);
        self.replaced.sort_by(|a, b| {
            (&a.file, a.line, a.byte_offset).cmp(&(&b.file, b.line, b.byte_offset))
        });
        self.split.extend(other.split);
        self.split
            .sort_by(|a, b| (&a.file, a.line, &a.id).cmp(&(&b.file, b.line, &b.id)));
        self.skipped.extend(other.skipped);
        sort_skips(&mut self.skipped);
        self.parts_added += other.parts_added;
        self.files_left_out += other.files_left_out;
        self.left_out_examples.extend(other.left_out_examples);
        self.left_out_examples.sort();
        self.left_out_examples.dedup();
        self.left_out_examples.truncate(LEFT_OUT_EXAMPLES);
        self.undated += other.undated;
        self.attachments_skipped += other.attachments_skipped;
    }
}

/// How many left-out files a state and `run.json` name.
const LEFT_OUT_EXAMPLES: usize = 10;

/// The order skipped records are listed in, whatever split of the corpus they came from.
fn sort_skips(skipped: &mut [Skip]) {
    skipped.sort_by(|a, b| {
        (&a.file, a.line, a.byte_offset, &a.reason).cmp(&(
            &b.file,
            b.line,
            b.byte_offset,
            &b.reason,
        ))
    });
}

/// Version of the state format (2: each line ends with a checksum of its content; 3: `partial`
/// holds `documents` and one member per analyser of the pipeline, keyed by its
/// `[analyse.<key>]`, and no member for an analyser the pipeline does not have; 4: an analyser
/// whose state another holds, the terms analyser beside keyness, has an empty member; 5: the
/// keyness state is one terms state for the corpus and, per value, counts by its term ids).
pub const STATE_VERSION: u32 = 5;

/// What ends a state line before its closing brace: `,"checksum":"<64 hex digits>"`.
const CHECKSUM_KEY: &str = ",\"checksum\":\"";

/// The content of a state line (the JSON object without its checksum member), once the
/// checksum is found to be that of the content.
fn checked_content(line: &str) -> Result<String, ChecksumProblem> {
    let body = line.strip_suffix("\"}").ok_or(ChecksumProblem::NoEnd)?;
    let at = body.rfind(CHECKSUM_KEY).ok_or(ChecksumProblem::Missing)?;
    let written = &body[at + CHECKSUM_KEY.len()..];
    let mut content = String::with_capacity(at + 1);
    content.push_str(&body[..at]);
    content.push('}');
    let actual = crate::config::hex(&Sha256::digest(content.as_bytes()));
    if written != actual {
        return Err(ChecksumProblem::Mismatch {
            written: written.to_owned(),
            actual,
        });
    }
    Ok(content)
}

/// A run's partial state, portable between processes and machines: one JSON line.
///
/// States of any split of a corpus (shards, cluster partitions) merge into the state of the
/// whole corpus; its report is byte-identical to a single run's (timings aside). States carry
/// the pipeline's configuration hash and the wordmill version, and only states with equal
/// ones merge.
///
/// A state line ends with `"checksum"`: the SHA-256 of the line's content (the same JSON object
/// without that member), so that a state damaged or edited on its way is refused. A loaded
/// state is also checked against its own invariants ([`RunState::validate`]).
#[derive(Debug, Serialize)]
pub struct RunState {
    /// Format version ([`STATE_VERSION`]).
    pub wordmill_state: u32,
    /// Version of wordmill that wrote it.
    pub wordmill_version: String,
    /// SHA-256 of the pipeline file it was made with (informative).
    pub config_hash: String,
    /// The pipeline's [`Pipeline::analysis_hash`]: states merge only when these are equal.
    pub analysis_hash: String,
    /// What ingest saw.
    pub ingest: IngestTally,
    /// The analysers' partial states.
    pub partial: RunPartial,
}

impl RunState {
    /// Reads a state line, checking it belongs to `pipeline` and this wordmill version.
    pub fn from_json(pipeline: &Pipeline, text: &str, origin: &str) -> Result<RunState, RunError> {
        let text = text.trim_end();
        let probe: serde_json::Value =
            serde_json::from_str(text).map_err(|source| StateError::NotJson {
                origin: origin.to_owned(),
                source,
            })?;
        if !probe.is_object() || probe.get("wordmill_state").is_none() {
            let found = match &probe {
                serde_json::Value::Object(map) => format!(
                    "a JSON object with the keys {}",
                    map.keys()
                        .take(8)
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                other => wordmill_ingest::__json::json_kind(other).to_string(),
            };
            return Err(StateError::NotAState {
                origin: origin.to_owned(),
                found,
            }
            .into());
        }
        let version = probe
            .get("wordmill_state")
            .and_then(serde_json::Value::as_u64);
        if version != Some(u64::from(STATE_VERSION)) {
            return Err(StateError::Format {
                origin: origin.to_owned(),
                expected: STATE_VERSION,
                found: version,
            }
            .into());
        }
        let wv = probe
            .get("wordmill_version")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("?");
        if wv != env!("CARGO_PKG_VERSION") {
            return Err(StateError::Version {
                origin: origin.to_owned(),
                found: wv.to_owned(),
                this: env!("CARGO_PKG_VERSION"),
            }
            .into());
        }
        let hash = probe
            .get("analysis_hash")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("?");
        if hash != pipeline.analysis_hash {
            return Err(StateError::Configuration {
                origin: origin.to_owned(),
                found: hash.to_owned(),
                pipeline: pipeline.path.clone(),
                expected: pipeline.analysis_hash.clone(),
            }
            .into());
        }
        drop(probe);
        let content = checked_content(text).map_err(|problem| StateError::Checksum {
            origin: origin.to_owned(),
            problem,
        })?;
        let state = RunState::parse(pipeline, &content).map_err(|source| StateError::Damaged {
            origin: origin.to_owned(),
            source,
        })?;
        state
            .validate(pipeline)
            .map_err(|source| StateError::Refused {
                origin: origin.to_owned(),
                source,
            })?;
        Ok(state)
    }

    /// Reads the content of a state line: the fixed parts, then each analyser's partial state
    /// by its key, as the pipeline's stages know them.
    fn parse(pipeline: &Pipeline, content: &str) -> Result<RunState, DamagedState> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Raw<'a> {
            wordmill_state: u32,
            wordmill_version: String,
            config_hash: String,
            analysis_hash: String,
            ingest: IngestTally,
            #[serde(borrow)]
            partial: BTreeMap<String, &'a RawValue>,
        }
        let mut raw: Raw<'_> = serde_json::from_str(content)?;
        let documents = raw
            .partial
            .remove("documents")
            .ok_or_else(|| DamagedState::Missing("documents".into()))?;
        let documents: DocumentsPartial =
            serde_json::from_str(documents.get()).map_err(|source| DamagedState::Part {
                key: "documents".into(),
                source,
            })?;
        let mut analysers = Vec::with_capacity(pipeline.stages.len());
        for stage in &pipeline.stages {
            let json = raw
                .partial
                .remove(stage.key())
                .ok_or_else(|| DamagedState::Missing(stage.key().into()))?;
            let partial = stage
                .partial_from_json(json)
                .map_err(|source| DamagedState::Part {
                    key: stage.key().into(),
                    source,
                })?;
            analysers.push((stage.key(), partial));
        }
        if let Some(key) = raw.partial.keys().next() {
            return Err(DamagedState::Unexpected(key.clone()));
        }
        Ok(RunState {
            wordmill_state: raw.wordmill_state,
            wordmill_version: raw.wordmill_version,
            config_hash: raw.config_hash,
            analysis_hash: raw.analysis_hash,
            ingest: raw.ingest,
            partial: RunPartial {
                documents,
                analysers,
            },
        })
    }

    /// The state as one JSON line (with the final newline), ending with its checksum.
    pub fn to_json_line(&self) -> Result<String, RunError> {
        let content = serde_json::to_string(self).map_err(|source| RunError::Encode {
            what: "the run state",
            source,
        })?;
        let digest = crate::config::hex(&Sha256::digest(content.as_bytes()));
        let mut line = String::with_capacity(content.len() + CHECKSUM_KEY.len() + 68);
        line.push_str(content.strip_suffix('}').unwrap_or(&content));
        line.push_str(CHECKSUM_KEY);
        line.push_str(&digest);
        line.push_str("\"}\n");
        Ok(line)
    }

    /// Checks the state against its own invariants, whatever split of the corpus made it:
    /// records seen = documents + skipped; one row of per-document facts per document, with
    /// distinct ordinals and no more tokens or sentences than bytes; the term counts consistent
    /// with the documents (as many documents and tokens, every feature occurrence accounted
    /// for by the documents' token counts, frequencies within the documents); sentiment scores
    /// in range, for exactly the documents listed. Returns what is wrong.
    pub fn validate(&self, pipeline: &Pipeline) -> Result<(), InvalidState> {
        let ingest = &self.ingest;
        let rows = &self.partial.documents.rows;
        let skipped = ingest.skipped.len() as u64;
        if ingest.records_seen.saturating_add(ingest.parts_added)
            != ingest.documents.saturating_add(skipped)
        {
            return Err(InvalidState(format!(
                "{} records seen and {} parts added by splitting, but {} documents and {skipped} skipped (expected records seen + parts added = documents + skipped)",
                ingest.records_seen, ingest.parts_added, ingest.documents
            )));
        }
        let split_parts = ingest.split.iter().fold(0u64, |n, s| {
            n.saturating_add(s.parts.saturating_sub(1))
                .saturating_add(u64::from(s.rest_skipped))
        });
        if split_parts != ingest.parts_added {
            return Err(InvalidState(format!(
                "{} parts added by splitting, but the splits listed add {split_parts}",
                ingest.parts_added
            )));
        }
        if rows.len() as u64 != ingest.documents {
            return Err(InvalidState(format!(
                "{} documents read, but {} rows of document facts",
                ingest.documents,
                rows.len()
            )));
        }
        let mut ordinals: Vec<u64> = rows.iter().map(|r| r.ordinal).collect();
        ordinals.sort_unstable();
        if let Some(w) = ordinals.windows(2).find(|w| w[0] == w[1]) {
            return Err(InvalidState(format!(
                "two documents have the ordinal {}",
                w[0]
            )));
        }
        if let Some(r) = rows
            .iter()
            .find(|r| r.tokens > r.bytes || r.sentences > r.bytes)
        {
            return Err(InvalidState(format!(
                "document {:?} has {} tokens and {} sentences in {} bytes",
                r.id, r.tokens, r.sentences, r.bytes
            )));
        }
        let sharers = registry::sharers(&pipeline.stages);
        for ((stage, (_, partial)), sharer) in pipeline
            .stages
            .iter()
            .zip(&self.partial.analysers)
            .zip(sharers)
        {
            // A stage whose state another holds folds no document itself: the other stage's
            // state is checked instead.
            if sharer.is_none() {
                stage.validate(partial.as_ref(), rows)?;
            }
        }
        Ok(())
    }
}

/// The compiled stages of a pipeline.
struct Stages {
    normaliser: Normaliser,
    documents: Documents,
    analysers: Vec<Arc<dyn AnalyserStage>>,
    /// For each analyser, the later one whose state holds its state (see
    /// [`registry::sharers`]).
    sharers: Vec<Option<usize>>,
}

impl Stages {
    fn new(p: &Pipeline) -> Result<Stages, RunError> {
        let normaliser = Normaliser::new(p.normalise.clone()).map_err(SetupError::Normaliser)?;
        Ok(Stages {
            normaliser,
            documents: Documents,
            analysers: p.stages.clone(),
            sharers: registry::sharers(&p.stages),
        })
    }

    fn partial(&self) -> RunPartial {
        RunPartial {
            documents: self.documents.partial(),
            analysers: self
                .analysers
                .iter()
                .map(|s| (s.key(), s.partial()))
                .collect(),
        }
    }

    /// Observes one document; `buffers` holds the vectors of the previous document's tokens
    /// and sentences, to be filled again (and holds this document's afterwards), and `shared`
    /// what the analysers hand on to one another for a document.
    fn observe(
        &self,
        partial: &mut RunPartial,
        doc: &Document,
        buffers: &mut DocBuffers,
        shared: &mut DocShared,
    ) {
        let nd = self.normaliser.normalise_with(doc, std::mem::take(buffers));
        shared.clear();
        self.documents.observe(&mut partial.documents, &nd);
        for ((stage, (_, p)), sharer) in self
            .analysers
            .iter()
            .zip(partial.analysers.iter_mut())
            .zip(&self.sharers)
        {
            if sharer.is_none() {
                stage.observe(p.as_mut(), &nd, shared);
            }
        }
        *buffers = nd.recycle();
    }

    /// The sentiment analyser, when the pipeline has one (its per-document rows are folded as
    /// the run streams).
    fn sentiment(&self) -> Option<&Sentiment> {
        self.analysers
            .iter()
            .find_map(|s| s.analyser().downcast_ref::<Sentiment>())
    }
}

/// A batch is cut when it holds this many bytes of text (or one larger document)...
const BATCH_BYTES: usize = 1 << 20;
/// ... or fewer, down to this many, at the start and towards the end of the input (see
/// [`batch_target`]).
const BATCH_MIN_BYTES: usize = 64 << 10;
/// ... or this many documents.
const BATCH_DOCS: usize = 1024;

/// The bytes of text to gather into batch `seq` when `remaining` bytes of input are left (as
/// the input files' sizes tell): the first batches grow from [`BATCH_MIN_BYTES`], so that every
/// worker starts soon, and the last ones shrink with what is left, a quarter of a worker's share,
/// so that the workers finish together. Batching changes no result, only how the work is spread.
fn batch_target(seq: u64, remaining: u64, threads: usize) -> usize {
    let ramp = BATCH_MIN_BYTES << seq.min(16);
    let share = remaining / (threads as u64).saturating_mul(4).max(1);
    let share = usize::try_from(share).unwrap_or(usize::MAX);
    ramp.min(share).clamp(BATCH_MIN_BYTES, BATCH_BYTES)
}

fn source_config(p: &Pipeline) -> SourceConfig {
    let i = &p.ingest;
    let mut cfg = SourceConfig::default()
        .inputs(i.inputs.iter().cloned())
        .order(i.order)
        .base_dir(".")
        .format(i.format)
        .text_field(i.text_field.clone())
        .id_field(i.id_field.as_deref())
        .meta_fields(i.meta_fields.iter().cloned())
        .on_error(i.on_error)
        .encoding_errors(i.encoding_errors)
        .max_document_bytes(i.max_document_bytes)
        .oversize(i.oversize)
        .max_decompressed_bytes(i.max_decompressed_bytes)
        .max_line_bytes(i.max_line_bytes)
        .encoding(i.encoding)
        .undated(i.undated);
    cfg.extensions = i.extensions.clone();
    cfg.meta_from_path = i.meta_from_path.clone();
    cfg.date_field = i.date_field.clone();
    cfg.date_format = i.date_format.clone();
    cfg.path_field = None;
    cfg
}

fn worker_pool(threads: usize) -> Result<rayon::ThreadPool, RunError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("wordmill-worker-{i}"))
        .build()
        .map_err(|e| RunError::Threads {
            threads,
            source: Box::new(e),
        })
}

/// Changes applied to each document as it is read (shard numbering, fields of map input).
#[derive(Default)]
struct Fixup {
    ordinal_offset: u64,
    /// Take the ordinal from this metadata field (and drop the field). (A path field of map
    /// input is applied by the source itself: `SourceConfig::path_field`.)
    ordinal_field: Option<String>,
}

impl Fixup {
    fn apply(&self, doc: &mut Document) -> Result<(), DocumentError> {
        doc.ordinal = doc
            .ordinal
            .checked_add(self.ordinal_offset)
            .ok_or_else(|| DocumentError::OrdinalOverflow {
                id: doc.id.clone(),
                ordinal: doc.ordinal,
                offset: self.ordinal_offset,
            })?;
        if self.ordinal_field.is_none() {
            return Ok(());
        }
        let mut meta = Metadata::new();
        for (k, v) in doc.meta.iter() {
            if Some(k) == self.ordinal_field.as_deref() {
                doc.ordinal = v
                    .parse::<u64>()
                    .map_err(|source| DocumentError::BadOrdinal {
                        id: doc.id.clone(),
                        field: k.to_owned(),
                        value: v.to_owned(),
                        source,
                    })?;
            } else {
                meta.insert(k, v);
            }
        }
        if let Some(field) = &self.ordinal_field
            && doc.meta.get(field).is_none()
        {
            return Err(DocumentError::NoOrdinal {
                id: doc.id.clone(),
                field: field.clone(),
            });
        }
        doc.meta = meta;
        Ok(())
    }
}

/// The streaming part of a run: reads and analyses every document into a state.
struct Analysed {
    state: RunState,
    /// The fold given (none for `map`): fed with every document in a streamed run, still empty
    /// otherwise.
    fold: Option<Fold>,
    read_time: Duration,
    analyse_time: Duration,
    threads: usize,
}

fn analyse(
    pipeline: &Pipeline,
    stages: &Stages,
    mut source: Source,
    threads: usize,
    fixup: &Fixup,
    progress: Option<&ProgressFn>,
    fold: Option<(Fold, Option<&Path>)>,
) -> Result<Analysed, RunError> {
    let pool = worker_pool(threads)?;
    let bytes_total: u64 = source.files().iter().map(|f| f.bytes).sum();
    let report_progress = |source: &Source, done: bool| {
        if let Some(p) = progress {
            let stats = source.stats();
            p(Progress {
                bytes_read: stats.bytes_read,
                bytes_total,
                documents: stats.documents,
                done,
            });
        }
    };

    // One reader (this thread) numbers documents in input order and hands out numbered
    // batches; every worker folds batches into its own partial state for the whole run. When
    // streaming, each worker hands the per-document rows of every batch to the sequencer,
    // which folds them in batch order (so in ordinal order) and writes them out; a worker does
    // not start a batch more than `window` batches ahead of the sequencer, so the rows waiting
    // to be folded stay bounded whatever the corpus size.
    let (tx, rx) = sync_channel::<(u64, Vec<Document>)>(threads * 2);
    let rx = Mutex::new(rx);
    let (kept, streamed) = match fold {
        Some((fold, Some(dir))) => (None, Some((fold, dir))),
        Some((fold, None)) => (Some(fold), None),
        None => (None, None),
    };
    let streaming = streamed.is_some();
    let window = Window::new(threads * 4);
    let (rows_tx, rows_rx) = channel::<(u64, Rows)>();
    let mut read_time = Duration::ZERO;
    let mut failure: Option<RunError> = None;
    let analyse_started = Instant::now();
    let (partials, folded) = std::thread::scope(|scope| {
        let window = &window;
        let sequencer = streamed.map(|(mut fold, dir)| {
            scope.spawn(move || {
                let mut pending: BTreeMap<u64, Rows> = BTreeMap::new();
                let mut next = 0u64;
                let mut error: Option<RunError> = None;
                for (seq, rows) in rows_rx {
                    pending.insert(seq, rows);
                    while let Some(rows) = pending.remove(&next) {
                        if error.is_none()
                            && let Err(e) = fold.feed(rows, dir)
                        {
                            error = Some(e);
                            window.abort();
                        }
                        next += 1;
                        window.folded(next);
                    }
                }
                (fold, error)
            })
        });
        let rx = &rx;
        let pool = &pool;
        // The workers own the only sender: the sequencer ends when they all have.
        let workers = scope.spawn(move || {
            pool.broadcast(|_| {
                let mut partial = stages.partial();
                let mut buffers = DocBuffers::default();
                let mut shared = DocShared::default();
                let rows_tx = rows_tx.clone();
                while let Some((seq, batch)) = next_batch(rx) {
                    if streaming && !window.wait_for(seq) {
                        continue;
                    }
                    for doc in &batch {
                        stages.observe(&mut partial, doc, &mut buffers, &mut shared);
                    }
                    if streaming {
                        let _ = rows_tx.send((seq, partial.take_rows()));
                    }
                }
                partial
            })
        });
        let mut batch: Vec<Document> = Vec::new();
        let mut batch_bytes = 0usize;
        let mut seq = 0u64;
        // Standard input has no size: its batches only ramp up.
        let sized = !source.files().iter().any(|f| f.is_stdin());
        let remaining = |read: u64| {
            if sized {
                bytes_total.saturating_sub(read)
            } else {
                u64::MAX
            }
        };
        let mut target = batch_target(seq, remaining(0), threads);
        loop {
            if window.aborted() {
                break;
            }
            let t0 = Instant::now();
            let item = source.next();
            read_time += t0.elapsed();
            match item {
                Some(Ok(mut doc)) => {
                    if let Err(e) = fixup.apply(&mut doc) {
                        failure = Some(RunError::Document(e));
                        break;
                    }
                    batch_bytes += doc.text.len();
                    batch.push(doc);
                    if batch_bytes >= target || batch.len() >= BATCH_DOCS {
                        if tx.send((seq, std::mem::take(&mut batch))).is_err() {
                            break;
                        }
                        seq += 1;
                        batch_bytes = 0;
                        target = batch_target(seq, remaining(source.stats().bytes_read), threads);
                        report_progress(&source, false);
                    }
                }
                Some(Err(e)) => {
                    failure = Some(RunError::Ingest(e));
                    break;
                }
                None => break,
            }
        }
        if !batch.is_empty() && failure.is_none() {
            let _ = tx.send((seq, batch));
        }
        drop(tx);
        if failure.is_some() {
            window.abort();
        }
        report_progress(&source, true);
        let partials = workers
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let folded = sequencer.map(|s| {
            s.join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (partials, folded)
    });
    let fold = match folded {
        Some((fold, None)) => Some(fold),
        Some((_, Some(e))) => return Err(failure.unwrap_or(e)),
        None => kept,
    };
    if let Some(e) = failure {
        return Err(e);
    }
    let mut total = stages.partial();
    for p in partials {
        total.merge(p);
    }
    // Merging the workers' states is the end of the analysis.
    let analyse_time = analyse_started.elapsed();
    let stats = source.stats().clone();
    let ingest = IngestTally {
        files: source
            .files()
            .iter()
            .map(|f| InputFileEntry {
                path: f.display.clone(),
                bytes: f.bytes,
            })
            .collect(),
        bytes_read: stats.bytes_read,
        records_seen: stats.records_seen,
        documents: stats.documents,
        skipped: stats.skipped,
        replaced: stats.replaced,
        split: stats.split,
        parts_added: stats.parts_added,
        files_left_out: stats.files_left_out,
        left_out_examples: stats.left_out_examples,
        undated: stats.undated,
        attachments_skipped: stats.attachments_skipped,
    };
    Ok(Analysed {
        fold,
        state: RunState {
            wordmill_state: STATE_VERSION,
            wordmill_version: env!("CARGO_PKG_VERSION").to_string(),
            config_hash: pipeline.config_hash.clone(),
            analysis_hash: pipeline.analysis_hash.clone(),
            ingest,
            partial: total,
        },
        read_time,
        analyse_time,
        threads,
    })
}

fn threads_of(options: &RunOptions) -> usize {
    options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Runs a pipeline: reads, analyses and writes the report directory with `run.json` (and the
/// state, with [`RunOptions::state_out`]).
pub fn run(pipeline: &Pipeline, options: &RunOptions) -> Result<RunOutcome, RunError> {
    let started = Instant::now();
    let started_unix = now_unix();
    let stages = Stages::new(pipeline)?;
    let dir = options
        .out
        .clone()
        .unwrap_or_else(|| pipeline.report.dir.clone());
    let mut cfg = source_config(pipeline);
    if let Some(inputs) = &options.inputs {
        cfg.inputs = inputs.clone();
    }
    let source = Source::with_config(cfg)?;
    refuse_output_over_inputs(&dir, &source)?;
    let fixup = Fixup {
        ordinal_offset: options.ordinal_offset,
        ..Fixup::default()
    };
    // The report directory is staged before reading: a streamed run writes its rows there as
    // it goes. A run that also writes its state keeps every row in the state instead.
    let finishing = Finishing::begin(pipeline, &stages, &dir, if_locked(options.wait))?;
    let Finishing { staged, fold, dir } = finishing;
    let streamed = options.state_out.is_none();
    let stream_to = streamed.then(|| staged.output().path());
    let analysed = match analyse(
        pipeline,
        &stages,
        source,
        threads_of(options),
        &fixup,
        options.progress.as_ref(),
        Some((fold, stream_to)),
    ) {
        Ok(a) => a,
        Err(e) => return Err(abandon(staged, e)),
    };
    if let Some(path) = &options.state_out
        && let Err(e) = write_state_file(path, &analysed.state)
    {
        return Err(abandon(staged, e));
    }
    let Some(fold) = analysed.fold else {
        unreachable!("`analyse` gives back the fold it is given");
    };
    let timings = vec![
        ("read", analysed.read_time, true),
        ("analyse", analysed.analyse_time, true),
    ];
    render(
        pipeline,
        &stages,
        analysed.state,
        Finishing { staged, fold, dir },
        analysed.threads,
        started,
        started_unix,
        timings,
    )
}

/// `wordmill map`: analyses JSON Lines documents from standard input into one state.
///
/// Each line is a document as the pipeline's `[ingest]` describes JSON Lines (`text_field`,
/// `id_field`, `meta_fields`). `ordinal_field`, when given, names a field holding each
/// document's position in the whole corpus (what a cluster engine's `zipWithIndex` gives); else
/// documents are numbered from `ordinal_offset`. `path_field`, when given, names a field holding
/// the document's original path, to which the pipeline's `meta_from_path` is applied.
pub fn map(
    pipeline: &Pipeline,
    threads: Option<usize>,
    ordinal_offset: u64,
    ordinal_field: Option<String>,
    path_field: Option<String>,
) -> Result<RunState, RunError> {
    let stages = Stages::new(pipeline)?;
    let mut cfg = source_config(pipeline);
    cfg.inputs = vec!["-".to_string()];
    cfg.format = Format::Jsonl;
    for extra in ordinal_field.iter().chain(path_field.iter()) {
        if !cfg.meta_fields.contains(extra) {
            cfg.meta_fields.push(extra.clone());
        }
    }
    // `meta_from_path` applies to the path field (before dates are read), or to nothing.
    match (&path_field, &cfg.meta_from_path) {
        (Some(field), Some(_)) => cfg.path_field = Some(field.clone()),
        _ => cfg.meta_from_path = None,
    }
    let source = Source::with_config(cfg)?;
    let fixup = Fixup {
        ordinal_offset,
        ordinal_field,
    };
    let threads = threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let mut state = analyse(pipeline, &stages, source, threads, &fixup, None, None)?.state;
    state.ingest.files.clear();
    Ok(state)
}

/// Merges states of one pipeline (any number, any order) into one.
pub fn merge_states(pipeline: &Pipeline, states: Vec<RunState>) -> Result<RunState, RunError> {
    let stages = Stages::new(pipeline)?;
    let mut total = RunState {
        wordmill_state: STATE_VERSION,
        wordmill_version: env!("CARGO_PKG_VERSION").to_string(),
        config_hash: pipeline.config_hash.clone(),
        analysis_hash: pipeline.analysis_hash.clone(),
        ingest: IngestTally::default(),
        partial: stages.partial(),
    };
    for s in states {
        if s.analysis_hash != pipeline.analysis_hash {
            return Err(StateError::Mixed.into());
        }
        total.ingest.merge(s.ingest);
        total.partial.merge(s.partial);
    }
    Ok(total)
}

/// `wordmill merge`: renders the report of merged states.
///
/// With `wait`, waits while another run is writing the same report directory instead of
/// failing.
pub fn render_states(
    pipeline: &Pipeline,
    states: Vec<RunState>,
    out: Option<PathBuf>,
    wait: bool,
) -> Result<RunOutcome, RunError> {
    let started = Instant::now();
    let started_unix = now_unix();
    let stages = Stages::new(pipeline)?;
    let merge_started = Instant::now();
    let state = merge_states(pipeline, states)?;
    let merge_time = merge_started.elapsed();
    let dir = out.unwrap_or_else(|| pipeline.report.dir.clone());
    let finishing = Finishing::begin(pipeline, &stages, &dir, if_locked(wait))?;
    render(
        pipeline,
        &stages,
        state,
        finishing,
        1,
        started,
        started_unix,
        vec![("merge", merge_time, false)],
    )
}

/// Writes a state file atomically.
fn write_state_file(path: &Path, state: &RunState) -> Result<(), RunError> {
    let line = state.to_json_line()?;
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| SetupError::StatePath {
            path: path.to_path_buf(),
        })?;
    OutputDir::create(parent)
        .and_then(|d| d.write(name, |w| w.write_all(line.as_bytes())))
        .map(|_| ())
        .map_err(|source| RunError::Write {
            path: path.to_path_buf(),
            source,
        })
}

/// Finishes a state and writes the report directory and `run.json`.
#[allow(clippy::too_many_arguments)]
fn render(
    pipeline: &Pipeline,
    stages: &Stages,
    state: RunState,
    finishing: Finishing,
    threads: usize,
    started: Instant,
    started_unix: u64,
    timings: Vec<(&'static str, Duration, bool)>,
) -> Result<RunOutcome, RunError> {
    let Finishing { staged, fold, dir } = finishing;
    let when = Started {
        threads,
        started,
        started_unix,
    };
    match render_into(pipeline, stages, state, &staged, fold, &dir, when, timings) {
        Ok(mut outcome) => {
            let committed = staged.commit().map_err(|source| RunError::Write {
                path: dir.to_path_buf(),
                source,
            })?;
            if let Some(left) = committed.leftover {
                outcome.notices.push(format!(
                    "the new report is in place; the previous report was moved aside, and {left}"
                ));
            }
            Ok(outcome)
        }
        Err(e) => Err(abandon(staged, e)),
    }
}

/// Removes the staging directory of a failed run; the error says what to remove by hand when
/// that fails.
fn abandon(staged: StagedDir, error: RunError) -> RunError {
    match staged.abandon() {
        Ok(()) => error,
        Err(left) => RunError::Cleanup {
            error: Box::new(error),
            left,
        },
    }
}

fn if_locked(wait: bool) -> IfLocked {
    if wait { IfLocked::Wait } else { IfLocked::Fail }
}

/// When and how a run started, for its manifest.
struct Started {
    threads: usize,
    started: Instant,
    started_unix: u64,
}

/// A report section and the index of the stage that made it.
type Numbered = (usize, Box<dyn wordmill_report::Section>);

/// Writes every file of the report into `staged`.
#[allow(clippy::too_many_arguments)]
fn render_into(
    pipeline: &Pipeline,
    stages: &Stages,
    state: RunState,
    staged: &StagedDir,
    mut fold: Fold,
    dir: &Path,
    when: Started,
    mut timings: Vec<(&'static str, Duration, bool)>,
) -> Result<RunOutcome, RunError> {
    let Started {
        threads,
        started,
        started_unix,
    } = when;
    let finish_started = Instant::now();
    let RunState {
        mut ingest,
        mut partial,
        ..
    } = state;
    if ingest.documents == 0 && !pipeline.ingest.allow_empty {
        return Err(RunError::Empty(empty_run_message(&ingest)));
    }
    sort_skips(&mut ingest.skipped);
    ingest.left_out_examples.sort();
    // What a streamed run has not fed yet (everything, for a merged state).
    let mut rows = partial.take_rows();
    rows.documents.sort_by_key(|d| d.ordinal);
    fold.feed(rows, dir)?;
    // The sentiment state's rows were folded as they came; what is left (the corpus quotes)
    // ends the fold, which gives its output.
    let sentiment_partial = partial
        .analysers
        .iter_mut()
        .find_map(|(_, p)| p.as_any_mut().downcast_mut::<SentimentPartial>())
        .map(std::mem::take);
    let mut folded = fold.end(sentiment_partial);
    // Each analyser finishes on its own (on up to `threads` threads); sentiment's output is
    // the fold's. A stage whose state another stage holds (see `registry::sharers`) finishes
    // in that stage's job, after its state is made from the other's: one job, no wait.
    let mut sentiment_out = folded.sentiment.take();
    let mut partials: Vec<Option<Box<dyn ErasedPartial>>> = partial
        .analysers
        .into_iter()
        .map(|(_, p)| Some(p))
        .collect();
    let mut finishing: Vec<Option<Box<dyn wordmill_report::Section>>> = Vec::new();
    let mut jobs: Vec<jobs::Job<'_, Vec<Numbered>>> = Vec::new();
    for (j, stage) in stages.analysers.iter().enumerate() {
        match (
            stage.analyser().downcast_ref::<Sentiment>(),
            sentiment_out.take(),
        ) {
            (Some(sentiment), Some(out)) => {
                finishing.push(Some(Box::new(SentimentSection::from_output(
                    sentiment, out,
                ))));
                continue;
            }
            (_, out) => {
                sentiment_out = out;
                finishing.push(None);
            }
        }
        if stages.sharers.get(j).is_some_and(Option::is_some) {
            // Finished in the job of the stage that holds its state.
            continue;
        }
        let Some(mut p) = partials.get_mut(j).and_then(Option::take) else {
            continue;
        };
        let held: Vec<(usize, Box<dyn ErasedPartial>)> = stages
            .sharers
            .iter()
            .enumerate()
            .filter(|&(_, sharer)| *sharer == Some(j))
            .filter_map(|(i, _)| Some((i, partials.get_mut(i)?.take()?)))
            .collect();
        let all = &stages.analysers;
        jobs.push(Box::new(move || {
            let mut done = Vec::new();
            for (i, own) in held {
                let made = stage
                    .share(p.as_mut())
                    .and_then(|state| all[i].adopt(state));
                done.push((i, all[i].finish(made.unwrap_or(own))));
            }
            done.push((j, stage.finish(p)));
            done
        }));
    }
    let mut finished: Vec<Numbered> = jobs::run_all(threads, jobs).into_iter().flatten().collect();
    finished.sort_by_key(|&(i, _)| i);
    let mut finished = finished.into_iter().map(|(_, section)| section);
    let mut sections: Vec<Box<dyn wordmill_report::Section>> = Vec::new();
    for section in finishing {
        let Some(mut section) = section.or_else(|| finished.next()) else {
            continue;
        };
        // Repeated ids the fold made unique, in the per-document TF-IDF rows too.
        if let Some(rows) = section
            .as_any_mut()
            .downcast_mut::<TermsSection>()
            .and_then(|t| t.output.as_mut())
            .and_then(|t| t.documents.as_mut())
        {
            for row in rows {
                if let Some(id) = folded.ids.renamed.get(&row.ordinal) {
                    row.id.clone_from(id);
                }
            }
        }
        if let Some(t) = section.as_any_mut().downcast_mut::<TargetsSection>() {
            t.rename_documents(&folded.ids.renamed);
        }
        // The sentiment per bin, folded from the sentiment analyser's scores in ordinal order.
        // The series made of other analysers' results: the sentiment per bin, folded from the
        // sentiment analyser's scores in ordinal order, and the dictionary's and the targets'
        // per-document results placed in the bins the fold found for each document.
        if let Some(t) = section.as_any_mut().downcast_mut::<TrendsSection>() {
            let trends = stages
                .analysers
                .iter()
                .find_map(|s| s.analyser().downcast_ref::<Trends>());
            if let (Some(trends), Some(fold)) = (trends, folded.trends.take()) {
                let dictionary = sections.iter().find_map(|s| {
                    s.as_any()
                        .downcast_ref::<DictionarySection>()
                        .and_then(|d| d.output.as_ref())
                });
                let targets = sections.iter().find_map(|s| {
                    s.as_any()
                        .downcast_ref::<TargetsSection>()
                        .and_then(|d| d.output.as_ref())
                });
                t.add_fold(trends, &fold, dictionary, targets);
            }
        }
        sections.push(section);
    }
    let text_bytes = folded.corpus.bytes;
    let corpus = CorpusSummary {
        documents: folded.corpus.documents,
        bytes: text_bytes,
        tokens: folded.corpus.tokens,
        sentences: folded.corpus.sentences,
        skipped: ingest.skipped.len() as u64,
    };
    let mut report = Report::new(&pipeline.name, &pipeline.config_hash, corpus);
    report.sections = sections;
    timings.push(("finish", finish_started.elapsed(), false));

    let write_started = Instant::now();
    let out = staged.output();
    let outputs: std::cell::RefCell<Vec<OutputFile>> = Default::default();
    let write =
        |name: &str, body: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>| {
            let bytes = out.write(name, body).map_err(|source| RunError::Write {
                path: dir.join(name),
                source,
            })?;
            outputs.borrow_mut().push(OutputFile {
                file: name.to_string(),
                bytes,
            });
            Ok::<(), RunError>(())
        };
    let wants = |f: ReportFormat| pipeline.report.wants(f);
    if wants(ReportFormat::Json) {
        write("report.json", &mut |w| report.write_json(w))?;
    }
    let mut arcs = None;
    if wants(ReportFormat::Csv) {
        // `documents.csv` and the sections' files, each on the first of `threads` threads
        // free, listed in this order.
        let html = wants(ReportFormat::Html);
        let folded = &mut folded;
        let files: Vec<_> = report.sections.iter().flat_map(|s| s.files()).collect();
        let mut names = vec!["documents.csv"];
        names.extend(files.iter().map(|f| f.name));
        let mut writing: Vec<jobs::Job<'_, std::io::Result<(u64, Option<_>)>>> =
            vec![Box::new(|| {
                let mut arcs = None;
                let bytes = out.write("documents.csv", |w| {
                    arcs = folded.replay(Some(w), html)?;
                    Ok(())
                })?;
                Ok((bytes, arcs))
            })];
        for file in files {
            let out = &out;
            writing.push(Box::new(move || {
                Ok((out.write(file.name, file.write)?, None))
            }));
        }
        for (name, result) in names.into_iter().zip(jobs::run_all(threads, writing)) {
            let (bytes, file_arcs) = result.map_err(|source| RunError::Write {
                path: dir.join(name),
                source,
            })?;
            arcs = arcs.or(file_arcs);
            outputs.borrow_mut().push(OutputFile {
                file: name.to_string(),
                bytes,
            });
        }
    } else if wants(ReportFormat::Html) {
        arcs = folded
            .replay(None, true)
            .map_err(|source| RunError::Write {
                path: dir.to_path_buf(),
                source,
            })?;
    }
    if !ingest.skipped.is_empty() {
        write("skipped.jsonl", &mut |w| {
            let mut line = Vec::new();
            for s in &ingest.skipped {
                line.clear();
                serde_json::to_writer(&mut line, s).map_err(std::io::Error::other)?;
                line.push(b'\n');
                w.write_all(&line)?;
            }
            Ok(())
        })?;
    }
    if let Some(file) = folded.sentences_file.take() {
        let bytes = file.commit().map_err(|source| RunError::Write {
            path: dir.join("sentences.jsonl"),
            source,
        })?;
        outputs.borrow_mut().push(OutputFile {
            file: "sentences.jsonl".to_string(),
            bytes,
        });
    }
    if wants(ReportFormat::Html) {
        if let Some(section) = report.section_mut::<SentimentSection>() {
            section.arcs = arcs;
        }
        write("report.html", &mut |w| {
            w.write_all(wordmill_report::render_html(&report, &folded.documents).as_bytes())
        })?;
    }
    if wants(ReportFormat::Md) {
        write("report.md", &mut |w| {
            w.write_all(wordmill_report::render_markdown(&report).as_bytes())
        })?;
    }
    timings.push(("write", write_started.elapsed(), false));
    let documents = std::mem::take(&mut folded.documents);
    let duplicate_ids = std::mem::take(&mut folded.ids.report);
    // Removes the spill files before the directory is put in place.
    drop(folded);

    let wall = started.elapsed();
    let per_sec = |n: u64, t: Duration| {
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
            settings: Some(pipeline.settings()),
        },
        started_unix,
        threads,
        inputs: ManifestInputs {
            files: ingest.files,
            bytes_read: ingest.bytes_read,
            text_bytes,
            records_seen: ingest.records_seen,
            parts_added: ingest.parts_added,
            documents: ingest.documents,
            skipped: ingest.skipped.len() as u64,
            skipped_by_kind: skips_by_kind(&ingest.skipped)
                .into_iter()
                .map(|(kind, count, first)| {
                    (
                        kind,
                        KindCount {
                            count,
                            first: first.clone(),
                        },
                    )
                })
                .collect(),
            skipped_records_omitted: ingest.skipped.len().saturating_sub(SKIPPED_LISTED) as u64,
            skipped_records: {
                let mut listed = ingest.skipped;
                listed.truncate(SKIPPED_LISTED);
                listed
            },
            replaced: ingest.replaced,
            split: ingest.split,
            files_left_out: ingest.files_left_out,
            left_out_examples: ingest.left_out_examples,
            undated: pipeline.ingest.date_field.as_ref().map(|_| ingest.undated),
            attachments_skipped: ingest.attachments_skipped,
            duplicate_ids,
        },
        stages: timings
            .into_iter()
            .map(|(name, t, rate)| Stage {
                name: name.to_string(),
                seconds: t.as_secs_f64(),
                bytes_per_second: rate.then(|| per_sec(text_bytes, t)),
            })
            .collect(),
        wall_seconds: wall.as_secs_f64(),
        bytes_per_second: per_sec(text_bytes, wall),
        documents_per_second: per_sec(corpus.documents, wall),
        peak_rss_bytes: peak_rss_bytes(),
        outputs: outputs.into_inner(),
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
        dir: dir.to_path_buf(),
        documents,
        notices: Vec::new(),
    })
}

/// Why a run that read no document fails: how many records there were and, when they were
/// all skipped, the kinds of skip, most frequent first, each with an example.
fn empty_run_message(ingest: &IngestTally) -> String {
    let files = wordmill_report::plural(ingest.files.len() as u64, "file", "files");
    let mut msg = if ingest.skipped.is_empty() {
        format!("no document was read: the inputs ({files}) hold no record")
    } else {
        let kinds = skips_by_kind(&ingest.skipped);
        let (kind, n, example) = kinds[0];
        let mut m = format!(
            "no document was read: {} skipped, {} of them for {} (e.g. {example})",
            wordmill_report::plural(ingest.skipped.len() as u64, "record was", "records were"),
            wordmill_report::thousands(n),
            kind.describe()
        );
        for (kind, n, example) in kinds.iter().skip(1).take(3) {
            m.push_str(&format!(
                "\n  and {} for {} (e.g. {example})",
                wordmill_report::thousands(*n),
                kind.describe()
            ));
        }
        m
    };
    if ingest.files_left_out > 0 {
        msg.push_str(&format!(
            "\n  {} of directory inputs were left out for their extension (e.g. {}); `ingest.extensions` chooses what is read",
            wordmill_report::plural(ingest.files_left_out, "file", "files"),
            ingest.left_out_examples.first().map_or("", String::as_str)
        ));
    }
    msg.push_str("\n  (set `ingest.allow_empty = true` if an empty input is expected)");
    msg
}

/// Where a report is being written: the staging directory and the fold writing into it.
struct Finishing {
    staged: StagedDir,
    fold: Fold,
    dir: PathBuf,
}

impl Finishing {
    fn begin(
        pipeline: &Pipeline,
        stages: &Stages,
        dir: &Path,
        if_locked: IfLocked,
    ) -> Result<Finishing, RunError> {
        let staged = StagedDir::begin(dir, if_locked).map_err(|source| RunError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
        let wants = |f: ReportFormat| pipeline.report.wants(f);
        let plan = FoldPlan {
            sentences: wants(ReportFormat::Json),
            documents_csv: wants(ReportFormat::Csv),
            arcs: wants(ReportFormat::Html),
            keep_all: pipeline.terms().is_some_and(|t| t.per_document),
            duplicate_ids: pipeline.ingest.duplicate_ids,
        };
        let trends = stages
            .analysers
            .iter()
            .find_map(|s| s.analyser().downcast_ref::<Trends>());
        match Fold::new(plan, stages.sentiment(), trends, staged.output()) {
            Ok(fold) => Ok(Finishing {
                staged,
                fold,
                dir: dir.to_path_buf(),
            }),
            Err(e) => Err(abandon(staged, e)),
        }
    }
}

/// How far the sequencer of a streamed run has got, for the workers to wait on.
struct Window {
    /// Number of batches folded.
    folded: Mutex<u64>,
    changed: Condvar,
    /// How many batches past the last folded one a worker may start.
    ahead: u64,
    abort: AtomicBool,
}

impl Window {
    fn new(ahead: usize) -> Window {
        Window {
            folded: Mutex::new(0),
            changed: Condvar::new(),
            ahead: ahead.max(1) as u64,
            abort: AtomicBool::new(false),
        }
    }

    /// Waits until batch `seq` may start; false when the run is being abandoned. The worker
    /// holding the oldest unfolded batch never waits, so this cannot deadlock.
    fn wait_for(&self, seq: u64) -> bool {
        let mut folded = self.folded.lock().unwrap_or_else(PoisonError::into_inner);
        while seq >= *folded + self.ahead && !self.aborted() {
            folded = self
                .changed
                .wait(folded)
                .unwrap_or_else(PoisonError::into_inner);
        }
        !self.aborted()
    }

    fn folded(&self, n: u64) {
        *self.folded.lock().unwrap_or_else(PoisonError::into_inner) = n;
        self.changed.notify_all();
    }

    fn abort(&self) {
        self.abort.store(true, Ordering::Relaxed);
        let _guard = self.folded.lock().unwrap_or_else(PoisonError::into_inner);
        self.changed.notify_all();
    }

    fn aborted(&self) -> bool {
        self.abort.load(Ordering::Relaxed)
    }
}

type Batch = (u64, Vec<Document>);

fn next_batch(rx: &Mutex<Receiver<Batch>>) -> Option<Batch> {
    rx.lock()
        .unwrap_or_else(PoisonError::into_inner)
        .recv()
        .ok()
}

/// Refuses a report directory that a run with the same inputs would read: one inside an input
/// directory, one where a glob input could match its files, or one holding any input file.
fn refuse_output_over_inputs(dir: &Path, source: &Source) -> Result<(), RunError> {
    let Ok(out) = absolute(dir) else {
        return Ok(());
    };
    let refuse = |what: String| {
        Err(RunError::Setup(SetupError::OutputOverInputs {
            dir: dir.to_path_buf(),
            what,
        }))
    };
    let config = source.config();
    for input in config.inputs.iter().filter(|i| *i != "-") {
        let full = config.base_dir.join(input);
        match std::fs::metadata(&full) {
            Ok(meta) if meta.is_dir() => {
                if absolute(&full).is_ok_and(|root| out.starts_with(root)) {
                    return refuse(format!("is inside the input directory {input}"));
                }
            }
            Ok(_) => {}
            Err(_) => {
                if glob_reaches(input, &config.base_dir, &out) {
                    return refuse(format!("is where the input glob `{input}` reads"));
                }
            }
        }
    }
    for f in source.files() {
        let input = match f.canonical() {
            Some(c) => Ok(c.to_path_buf()),
            None => absolute(&f.path),
        };
        if let Ok(input) = input
            && input.starts_with(&out)
        {
            return refuse(format!("contains the input {}", f.display));
        }
    }
    Ok(())
}

/// The files of a report directory that are not an analyser section's (those are listed by
/// each section's reader).
const REPORT_FILES: [&str; 6] = [
    "report.json",
    "documents.csv",
    "skipped.jsonl",
    "report.md",
    "report.html",
    "run.json",
];

/// Whether the glob input `pattern` (relative to `base`) reads a file of report directory
/// `out` (absolute), as the ingest crate expands globs.
fn glob_reaches(pattern: &str, base: &Path, out: &Path) -> bool {
    let readers = Pipeline::section_readers();
    REPORT_FILES
        .iter()
        .chain(readers.iter().flat_map(|r| r.files.iter()))
        .any(|name| wordmill_ingest::glob_reads(base, pattern, &out.join(name)))
}

/// `p` absolute, with the symbolic links of its longest existing ancestor resolved (so that a
/// report directory not made yet compares with resolved input paths).
fn absolute(p: &Path) -> std::io::Result<PathBuf> {
    if let Ok(c) = p.canonicalize() {
        return Ok(c);
    }
    let abs = std::path::absolute(p)?;
    let mut rest = Vec::new();
    let mut here = abs.as_path();
    while let (Some(parent), Some(name)) = (here.parent(), here.file_name()) {
        rest.push(name);
        if let Ok(mut resolved) = parent.canonicalize() {
            resolved.extend(rest.iter().rev());
            return Ok(resolved);
        }
        here = parent;
    }
    Ok(abs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_mbox_run_reads_its_messages_and_counts_their_attachments() {
        let dir = std::env::temp_dir().join(format!("wordmill-driver-mbox-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mbox = "From a@example.org Mon Jan  2 15:04:05 2006\n\
            Subject: one\n\
            Message-ID: <one@example.org>\n\
            Content-Type: multipart/mixed; boundary=b\n\
            \n\
            --b\n\
            Content-Type: text/plain\n\
            \n\
            Workers walked out.\n\
            --b\n\
            Content-Type: image/png\n\
            Content-Transfer-Encoding: base64\n\
            \n\
            AAECAw==\n\
            --b--\n\
            \n\
            From b@example.org Tue Jan  3 15:04:05 2006\n\
            Subject: two\n\
            \n\
            The plant stopped.\n";
        std::fs::write(dir.join("box.mbox"), mbox).unwrap();
        let out = dir.join("out");
        let toml = format!(
            "version = 1\n[ingest]\ninputs = [{:?}]\nformat = \"mbox\"\n[analyse.terms]\n\
             [report]\ndir = {:?}\n",
            dir.join("box.mbox").display().to_string(),
            out.display().to_string()
        );
        let pipeline = Pipeline::parse(&dir.join("p.toml"), toml.as_bytes()).unwrap();
        let outcome = run(
            &pipeline,
            &RunOptions {
                threads: Some(1),
                ..RunOptions::default()
            },
        )
        .unwrap();
        let ids: Vec<&str> = outcome.documents.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["one@example.org", "box:2"]);
        assert_eq!(outcome.documents[1].meta.get("subject"), Some("two"));
        assert_eq!(outcome.manifest.inputs.attachments_skipped, 1);
        let written: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
        assert_eq!(written["inputs"]["attachments_skipped"], 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_glob_reaches_a_report_directory_only_where_it_could_match_its_files() {
        let base = Path::new("/corpus");
        let out = Path::new("/corpus/data/report");
        for (pattern, reaches) in [
            ("data/**/*.jsonl", true),
            ("data/**", true),
            ("**/*.csv", true),
            ("data/*/*.csv", true),
            ("/corpus/data/*/run.json", true),
            ("data/*.jsonl", false),
            ("*.csv", false),
            ("data/*/*.txt", false),
            ("other/**/*.csv", false),
            ("data/report", false),
        ] {
            assert_eq!(glob_reaches(pattern, base, out), reaches, "{pattern}");
        }
        // Hidden directories are walked only when the pattern names one.
        let hidden = Path::new("/corpus/data/.report");
        assert!(!glob_reaches("data/**/*.csv", base, hidden));
        assert!(glob_reaches("data/.*/*.csv", base, hidden));
    }

    #[test]
    fn batches_ramp_up_then_shrink_with_what_is_left() {
        // The first batches grow from the minimum to the full size.
        let ramp: Vec<usize> = (0..6).map(|s| batch_target(s, u64::MAX, 2)).collect();
        assert_eq!(
            ramp,
            [64 << 10, 128 << 10, 256 << 10, 512 << 10, 1 << 20, 1 << 20]
        );
        // Towards the end: a quarter of each worker's share of what is left, never below the
        // minimum.
        assert_eq!(batch_target(100, 4 << 20, 2), 512 << 10);
        assert_eq!(batch_target(100, 1 << 20, 1), 256 << 10);
        assert_eq!(batch_target(100, 0, 2), BATCH_MIN_BYTES);
        assert_eq!(batch_target(u64::MAX, u64::MAX, 2), BATCH_BYTES);
        assert_eq!(batch_target(3, u64::MAX, usize::MAX), BATCH_MIN_BYTES);
        assert_eq!(batch_target(0, u64::MAX, 0), BATCH_MIN_BYTES);
    }
}

//! The pipeline file: its schema, defaults and validation.
//!
//! A pipeline file (TOML, or JSON with the same structure) is read into a spanned value tree and
//! walked once against [`SCHEMA`]; every problem is collected with its line and column, so a
//! user sees all of them at once. Unknown keys are errors, with the nearest valid key suggested.

use std::ops::Range;
use std::path::{Path, PathBuf};

use regex::Regex;
use sha2::{Digest, Sha256};
use wordmill_analyse::{DocFreq, SentimentConfig, TermsConfig};
use wordmill_ingest::{
    DEFAULT_MAX_DECOMPRESSED_BYTES, DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_LINE_BYTES, DateFormat,
    EncodingErrors, Format, InputOrder, OnError, Oversize, PathPattern, TextEncoding, Undated,
};
use wordmill_normalise::{
    Aliases, Fold, NormaliseError, Normaliser, NormaliserConfig, StemLanguage, StopWordLanguage,
    StopWords, TokenizerKind, UnicodeForm,
};

use std::any::Any;
use std::sync::Arc;

use wordmill_analyse::{ConfigTable, Lowercase, OTHER_KEYS, PatternForms};
use wordmill_report::SectionReader;

use crate::error::{ConfigError, ConfigErrors};
use crate::expect::Expectation;
use crate::node::{Entry, Node, Value, parse_json, parse_toml};
use crate::registry::{ANALYSERS, Stage};

/// The tables of a pipeline file that are not an analyser's, and the keys they accept.
const FIXED_SCHEMA: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "version",
            "name",
            "ingest",
            "normalise",
            "analyse",
            "report",
            "expect",
        ],
    ),
    (
        "ingest",
        &[
            "inputs",
            "extensions",
            "order",
            "format",
            "text_field",
            "id_field",
            "meta_fields",
            "meta_from_path",
            "on_error",
            "encoding_errors",
            "max_document_bytes",
            "oversize",
            "max_decompressed_bytes",
            "max_line_bytes",
            "allow_empty",
            "duplicate_ids",
            "encoding",
            "date_field",
            "date_format",
            "undated",
        ],
    ),
    (
        "normalise",
        &[
            "unicode",
            "lowercase",
            "tokenizer",
            "stopwords",
            "min_len",
            "stem",
            "fold",
            "aliases",
        ],
    ),
    ("normalise.tokenizer", &["pattern"]),
    ("report", &["dir", "formats"]),
    (
        "expect",
        &["top_terms", "within", "metric", "min", "max", "equals"],
    ),
];

/// Every table of a pipeline file and the keys it accepts: the fixed tables, then `analyse`
/// with one key per registered analyser and each analyser's own tables. The parser rejects any
/// other key and `docs/pipeline.md` documents each of these (a test checks both directions).
pub fn schema() -> Vec<(String, Vec<&'static str>)> {
    let mut out: Vec<(String, Vec<&'static str>)> = FIXED_SCHEMA
        .iter()
        .map(|(s, keys)| (s.to_string(), keys.to_vec()))
        .collect();
    out.push((
        "analyse".into(),
        ANALYSERS.iter().map(|k| k.key()).collect(),
    ));
    for kind in ANALYSERS {
        for (sub, keys) in kind.schema() {
            let section = if sub.is_empty() {
                format!("analyse.{}", kind.key())
            } else {
                format!("analyse.{}.{sub}", kind.key())
            };
            out.push((section, keys.to_vec()));
        }
    }
    out
}

/// Output formats a report can be rendered in.
pub(crate) const FORMATS: &[&str] = &["json", "csv", "md", "html"];

/// A validated pipeline, ready to run.
#[derive(Debug, Clone)]
pub struct Pipeline {
    /// The pipeline file as the user named it.
    pub path: PathBuf,
    /// `name`: defaults to the file stem.
    pub name: String,
    /// SHA-256 of the file's bytes, hex: identifies the configuration in manifests and reports.
    pub config_hash: String,
    /// SHA-256 of the analysis configuration: everything that decides what a document
    /// contributes to a run state (ingest parsing, normalise, analyse), but not the inputs, the
    /// report or the expectations. States merge only when theirs are equal, so shards may be
    /// run from pipeline files that differ only in their inputs.
    pub analysis_hash: String,
    /// `[ingest]`.
    pub ingest: IngestSpec,
    /// `[normalise]`.
    pub normalise: NormaliserConfig,
    /// The analysers of `[analyse]`, configured, in registry order.
    pub(crate) stages: Vec<Arc<dyn Stage>>,
    /// `[report]`.
    pub report: ReportSpec,
    /// `[[expect]]` entries, checked by `wordmill test`.
    pub expect: Vec<Expectation>,
}

/// What a run does about two documents with the same id (`ingest.duplicate_ids`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DuplicateIds {
    /// Count them, name the first few in a warning and in `run.json`, keep them as they are.
    #[default]
    Warn,
    /// Fail the run at the first repeated id.
    Fail,
    /// Make them unique: the second `x` becomes `x#2`, the third `x#3` (counted and listed
    /// like warnings).
    Suffix,
    /// Do not check: for corpora whose ids are known to be unique, so that no memory is spent
    /// on them (the check holds about 40 to 70 bytes per document).
    Allow,
}

impl DuplicateIds {
    /// The name used in pipeline files.
    pub const fn name(self) -> &'static str {
        match self {
            DuplicateIds::Warn => "warn",
            DuplicateIds::Fail => "fail",
            DuplicateIds::Suffix => "suffix",
            DuplicateIds::Allow => "allow",
        }
    }
}

/// `[ingest]` after validation.
#[derive(Debug, Clone)]
pub struct IngestSpec {
    /// Files, directories, globs, or `-` for standard input.
    pub inputs: Vec<String>,
    /// Extensions a directory input reads (`None`: the format's own).
    pub extensions: Option<Vec<String>>,
    /// The order of the files of each directory or glob input.
    pub order: InputOrder,
    /// A run that reads no document is not an error.
    pub allow_empty: bool,
    /// What two documents with the same id do.
    pub duplicate_ids: DuplicateIds,
    /// Input format.
    pub format: Format,
    /// JSON Lines / CSV field holding the text.
    pub text_field: String,
    /// JSON Lines / CSV field holding the id.
    pub id_field: Option<String>,
    /// Fields copied into metadata.
    pub meta_fields: Vec<String>,
    /// Regex with named groups matched against each file path.
    pub meta_from_path: Option<PathPattern>,
    /// What a bad record does.
    pub on_error: OnError,
    /// Invalid UTF-8: reject the record, or replace with U+FFFD and count.
    pub encoding_errors: EncodingErrors,
    /// Documents larger than this are split or skipped (`None`: no limit).
    pub max_document_bytes: Option<u64>,
    /// What an oversize document does.
    pub oversize: Oversize,
    /// Limit on the decompressed size of one compressed file (`None`: no limit).
    pub max_decompressed_bytes: Option<u64>,
    /// Limit on one JSON Lines line or CSV record (`None`: no limit).
    pub max_line_bytes: Option<u64>,
    /// The inputs' character encoding.
    pub encoding: TextEncoding,
    /// The metadata field holding each document's date, parsed and written back in ISO 8601.
    pub date_field: Option<String>,
    /// A fixed strftime-style format for the dates.
    pub date_format: Option<DateFormat>,
    /// What a missing or unreadable date does.
    pub undated: Undated,
}

/// A format a report can be written in (`report.formats`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ReportFormat {
    /// `report.json` and `sentences.jsonl`.
    Json,
    /// `terms.csv`, `tfidf.csv`, `documents.csv`, `groups.csv` and the analysers' other tables.
    Csv,
    /// `report.md`.
    Md,
    /// `report.html`.
    Html,
}

impl ReportFormat {
    /// Every format: JSON, CSV, Markdown, HTML.
    pub const ALL: [ReportFormat; 4] = [
        ReportFormat::Json,
        ReportFormat::Csv,
        ReportFormat::Md,
        ReportFormat::Html,
    ];

    /// The name pipeline files use.
    pub const fn name(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Md => "md",
            ReportFormat::Html => "html",
        }
    }
}

/// `[report]` after validation.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportSpec {
    /// The report directory.
    pub dir: PathBuf,
    /// Formats to write, each once, in the order given.
    pub formats: Vec<ReportFormat>,
}

impl ReportSpec {
    /// True when `format` was asked for.
    pub fn wants(&self, format: ReportFormat) -> bool {
        self.formats.contains(&format)
    }
}

impl Pipeline {
    /// Reads and validates a pipeline file (TOML, or JSON when the name ends in `.json`).
    pub fn load(path: &Path) -> Result<Pipeline, crate::RunError> {
        let bytes = std::fs::read(path).map_err(|source| crate::RunError::ReadPipeline {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Pipeline::parse(path, &bytes)?)
    }

    /// Reads and validates a pipeline file whose `ingest.inputs` a run replaces (`wordmill run
    /// --input`): they need not exist.
    pub fn load_for_other_inputs(path: &Path) -> Result<Pipeline, crate::RunError> {
        let bytes = std::fs::read(path).map_err(|source| crate::RunError::ReadPipeline {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Pipeline::parse_with(path, &bytes, false)?)
    }

    /// Validates pipeline-file bytes; `path` names the file in messages and decides the syntax.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<Pipeline, ConfigErrors> {
        Pipeline::parse_with(path, bytes, true)
    }

    fn parse_with(path: &Path, bytes: &[u8], check_inputs: bool) -> Result<Pipeline, ConfigErrors> {
        let file = path.display().to_string();
        let src = match std::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => {
                let mut w = Walker::new(&file, "");
                w.errors.push((
                    0,
                    format!(
                        "the file is not UTF-8 (invalid byte at offset {})",
                        e.valid_up_to()
                    ),
                ));
                return Err(w.into_errors());
            }
        };
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let mut w = Walker::new(&file, src);
        w.check_inputs = check_inputs;
        let root = match if json {
            parse_json(src)
        } else {
            parse_toml(src)
        } {
            Ok(root) => root,
            Err(errors) => {
                for e in errors {
                    w.error(e.span, e.message);
                }
                return Err(w.into_errors());
            }
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let pipeline = w.pipeline(&root, path, &stem, bytes);
        match pipeline {
            Some(p) if w.errors.is_empty() => Ok(p),
            _ => Err(w.into_errors()),
        }
    }
}

/// Walks the value tree, collecting errors.
struct Walker<'s> {
    file: String,
    src: &'s str,
    /// Byte offset in `src` and message; turned into lines and columns at the end, in one
    /// pass over the file, so that a file with many errors is not read once per error.
    errors: Vec<(usize, String)>,
    /// Check that `ingest.inputs` exist (not when the run reads other inputs).
    check_inputs: bool,
    /// Every table and its keys ([`schema`]).
    schema: Vec<(String, Vec<&'static str>)>,
}

/// A table being read: remembers which keys were used, so the rest can be reported.
struct Table<'n> {
    section: String,
    entries: &'n [Entry],
    span: Range<usize>,
}

impl<'n> Table<'n> {
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries.iter().find(|e| e.key == key).map(|e| &e.node)
    }
}

fn qualified(section: &str, key: &str) -> String {
    if section.is_empty() {
        key.to_string()
    } else {
        format!("{section}.{key}")
    }
}

impl<'s> Walker<'s> {
    fn new(file: &str, src: &'s str) -> Self {
        Walker {
            file: file.to_string(),
            src,
            errors: Vec::new(),
            check_inputs: true,
            schema: schema(),
        }
    }

    fn into_errors(mut self) -> ConfigErrors {
        self.errors.sort_by_key(|(offset, _)| *offset);
        // One pass over the file: line and column (in characters) of each offset, in order.
        let src = self.src;
        let (mut line, mut col, mut at) = (1usize, 1usize, 0usize);
        let mut out: Vec<ConfigError> = Vec::with_capacity(self.errors.len());
        for (offset, message) in self.errors {
            let offset = floor_char_boundary(src, offset.min(src.len()));
            for c in src[at..offset].chars() {
                if c == '\n' {
                    line += 1;
                    col = 1;
                } else {
                    col += 1;
                }
            }
            at = offset;
            out.push(ConfigError {
                file: self.file.clone(),
                line,
                col,
                message,
            });
        }
        out.sort_by_key(|e| (e.line, e.col));
        out.dedup();
        ConfigErrors(out)
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        self.errors.push((span.start, message.into()));
    }

    /// Opens `node` as the table `section`, reporting unknown keys.
    fn table<'n>(&mut self, node: &'n Node, section: &str) -> Option<Table<'n>> {
        let Value::Table(entries) = &node.value else {
            self.error(
                node.span.clone(),
                format!("`{section}` must be a table, found {}", node.value.kind()),
            );
            return None;
        };
        let allowed = self.keys_of(section);
        // With `OTHER_KEYS`, any other key is a name, unless it is a near miss of a listed key.
        let names = allowed.contains(&OTHER_KEYS);
        let listed: Vec<&str> = allowed
            .iter()
            .copied()
            .filter(|k| *k != OTHER_KEYS)
            .collect();
        for e in entries {
            if !listed.contains(&e.key.as_str()) {
                let best = nearest(&e.key, &listed);
                if names && best.is_none() {
                    continue;
                }
                let mut msg = format!("unknown key `{}`", qualified(section, &e.key));
                match best {
                    Some(best) if names => msg.push_str(&format!(
                        " (did you mean `{best}`? a name this close to an option is taken for a misspelling of it)"
                    )),
                    Some(best) => msg.push_str(&format!(" (did you mean `{best}`?)")),
                    None => msg.push_str(&format!("; expected one of: {}", listed.join(", "))),
                }
                self.error(e.key_span.clone(), msg);
            }
        }
        Some(Table {
            section: section.to_string(),
            entries,
            span: node.span.clone(),
        })
    }

    /// The keys of table `section`: its schema's, or, for the table of a name in a table
    /// whose keys are names (see [`OTHER_KEYS`]), those of that table's `OTHER_KEYS` sub-table.
    fn keys_of(&self, section: &str) -> Vec<&'static str> {
        let find = |name: &str| {
            self.schema
                .iter()
                .find(|(s, _)| s == name)
                .map(|(_, keys)| keys.clone())
        };
        find(section)
            .or_else(|| {
                let (parent, _) = section.rsplit_once('.')?;
                find(parent)
                    .filter(|keys| keys.contains(&OTHER_KEYS))
                    .and_then(|_| find(&format!("{parent}.{OTHER_KEYS}")))
            })
            .unwrap_or_default()
    }

    fn sub<'n>(&mut self, t: &Table<'n>, key: &str, section: &str) -> Option<Table<'n>> {
        t.get(key).and_then(|n| self.table(n, section))
    }

    fn string(&mut self, t: &Table<'_>, key: &str) -> Option<(String, Range<usize>)> {
        let node = t.get(key)?;
        match &node.value {
            Value::Str(s) => Some((s.clone(), node.span.clone())),
            other => {
                self.error(
                    node.span.clone(),
                    format!(
                        "`{}` must be a string, found {}",
                        qualified(&t.section, key),
                        other.kind()
                    ),
                );
                None
            }
        }
    }

    fn boolean(&mut self, t: &Table<'_>, key: &str, default: bool) -> bool {
        match t.get(key) {
            None => default,
            Some(Node {
                value: Value::Bool(b),
                ..
            }) => *b,
            Some(node) => {
                let msg = format!(
                    "`{}` must be true or false, found {}",
                    qualified(&t.section, key),
                    node.value.kind()
                );
                self.error(node.span.clone(), msg);
                default
            }
        }
    }

    fn integer(&mut self, t: &Table<'_>, key: &str, min: i64, max: i64) -> Option<i64> {
        let node = t.get(key)?;
        match node.value {
            Value::Int(n) if (min..=max).contains(&n) => Some(n),
            Value::Int(n) => {
                self.error(
                    node.span.clone(),
                    format!(
                        "`{}` must be between {min} and {max}, found {n}",
                        qualified(&t.section, key)
                    ),
                );
                None
            }
            ref other => {
                let msg = format!(
                    "`{}` must be an integer, found {}",
                    qualified(&t.section, key),
                    other.kind()
                );
                self.error(node.span.clone(), msg);
                None
            }
        }
    }

    /// A string that must be one of `choices`.
    fn choice(&mut self, t: &Table<'_>, key: &str, choices: &[&str]) -> Option<String> {
        let (s, span) = self.string(t, key)?;
        if choices.contains(&s.as_str()) {
            return Some(s);
        }
        let mut msg = format!(
            "`{}` must be one of {}, found \"{s}\"",
            qualified(&t.section, key),
            quoted(choices)
        );
        if let Some(best) = nearest(&s, choices) {
            msg.push_str(&format!(" (did you mean \"{best}\"?)"));
        }
        self.error(span, msg);
        None
    }

    /// A string or an array of strings.
    fn strings(&mut self, t: &Table<'_>, key: &str) -> Option<Vec<(String, Range<usize>)>> {
        let node = t.get(key)?;
        let what = qualified(&t.section, key);
        match &node.value {
            Value::Str(s) => Some(vec![(s.clone(), node.span.clone())]),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match &item.value {
                        Value::Str(s) => out.push((s.clone(), item.span.clone())),
                        other => self.error(
                            item.span.clone(),
                            format!("`{what}` must hold strings only, found {}", other.kind()),
                        ),
                    }
                }
                Some(out)
            }
            other => {
                self.error(
                    node.span.clone(),
                    format!(
                        "`{what}` must be a string or an array of strings, found {}",
                        other.kind()
                    ),
                );
                None
            }
        }
    }

    fn pipeline(&mut self, root: &Node, path: &Path, stem: &str, bytes: &[u8]) -> Option<Pipeline> {
        let top = self.table(root, "")?;
        match top.get("version") {
            None => self.error(
                0..0,
                "missing `version = 1` at the top of the pipeline file",
            ),
            Some(Node {
                value: Value::Int(1),
                ..
            }) => {}
            Some(node) => {
                let msg = format!(
                    "`version` must be 1 (the only pipeline-file version), found {}",
                    show(node)
                );
                self.error(node.span.clone(), msg);
            }
        }
        let name = match self.string(&top, "name") {
            Some((n, span)) if n.trim().is_empty() => {
                self.error(span, "`name` must not be empty");
                stem.to_string()
            }
            Some((n, _)) => n,
            None => stem.to_string(),
        };

        let ingest = match self.sub(&top, "ingest", "ingest") {
            Some(t) => self.ingest(&t),
            None => {
                if top.get("ingest").is_none() {
                    self.error(
                        top.span.start..top.span.start,
                        "missing `[ingest]` table (with `inputs = [...]`)",
                    );
                }
                None
            }
        };
        let normalise = match self.sub(&top, "normalise", "normalise") {
            Some(t) => self.normalise(&t),
            None => Some(NormaliserConfig::default()),
        };

        // Patterns of the analysers are normalised as the text is.
        let forms = Forms(
            normalise
                .as_ref()
                .and_then(|cfg| Normaliser::new(cfg.clone()).ok()),
        );
        let mut stages: Vec<Arc<dyn Stage>> = Vec::new();
        match self.sub(&top, "analyse", "analyse") {
            Some(analyse) => {
                for kind in ANALYSERS {
                    let section = format!("analyse.{}", kind.key());
                    let Some(table) = self.sub(&analyse, kind.key(), &section) else {
                        continue;
                    };
                    let configured: Vec<&dyn Any> = stages.iter().map(|s| s.analyser()).collect();
                    let mut reader = TableReader {
                        walker: self,
                        table,
                        forms: &forms,
                        date_field: ingest.as_ref().and_then(|i| i.date_field.as_deref()),
                    };
                    if let Some(stage) = kind.build(&mut reader, &configured) {
                        stages.push(Arc::from(stage));
                    }
                }
                if !ANALYSERS.iter().any(|k| analyse.get(k.key()).is_some()) {
                    let msg = format!("`[analyse]` names no analyser: add {}", analyser_tables());
                    self.error(analyse.span.clone(), msg);
                }
            }
            None if top.get("analyse").is_none() => {
                let msg = format!("missing `[analyse]`: add {}", analyser_tables());
                self.error(0..0, msg);
            }
            None => {}
        }

        let report = match self.sub(&top, "report", "report") {
            Some(t) => self.report(&t, &name),
            None => Some(ReportSpec {
                dir: default_report_dir(&name),
                formats: default_formats(),
            }),
        };

        let expect = self.expectations(&top);

        let ingest = ingest?;
        let normalise = normalise?;
        let analysis = analysis_fingerprint(&ingest, &normalise, &stages);
        Some(Pipeline {
            path: path.to_path_buf(),
            name,
            config_hash: hex(&Sha256::digest(bytes)),
            analysis_hash: hex(&Sha256::digest(analysis.as_bytes())),
            ingest,
            normalise,
            stages,
            report: report?,
            expect,
        })
    }

    fn number(&mut self, t: &Table<'_>, key: &str) -> Option<f64> {
        let node = t.get(key)?;
        match node.value {
            Value::Int(n) => Some(n as f64),
            Value::Float(f) if f.is_finite() => Some(f),
            _ => {
                let msg = format!(
                    "`{}` must be a number, found {}",
                    qualified(&t.section, key),
                    show(node)
                );
                self.error(node.span.clone(), msg);
                None
            }
        }
    }

    fn expectations(&mut self, top: &Table<'_>) -> Vec<Expectation> {
        let Some(node) = top.get("expect") else {
            return Vec::new();
        };
        let Value::Array(items) = &node.value else {
            self.error(
                node.span.clone(),
                "`expect` must be an array of tables: write each as [[expect]]",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let Some(t) = self.table(item, "expect") else {
                continue;
            };
            match (t.get("top_terms"), t.get("metric")) {
                (Some(_), Some(_)) | (None, None) => {
                    self.error(item.span.clone(), "each [[expect]] needs exactly one of `top_terms = [...]` or `metric = \"...\"`");
                }
                (Some(_), None) => {
                    let terms: Vec<String> = self
                        .strings(&t, "top_terms")
                        .unwrap_or_default()
                        .into_iter()
                        .map(|(s, _)| s)
                        .collect();
                    let within = self
                        .integer(&t, "within", 1, 1_000_000)
                        .map_or(10, |n| n as usize);
                    for key in ["min", "max", "equals"] {
                        if let Some(n) = t.get(key) {
                            self.error(
                                n.span.clone(),
                                format!("`expect.{key}` goes with `metric`, not with `top_terms`"),
                            );
                        }
                    }
                    if terms.is_empty() {
                        self.error(item.span.clone(), "`expect.top_terms` is empty");
                    }
                    out.push(Expectation::TopTerms { terms, within });
                }
                (None, Some(_)) => {
                    let path = self
                        .string(&t, "metric")
                        .map(|(s, _)| s)
                        .unwrap_or_default();
                    let (min, max, equals) = (
                        self.number(&t, "min"),
                        self.number(&t, "max"),
                        self.number(&t, "equals"),
                    );
                    if let Some(n) = t.get("within") {
                        self.error(
                            n.span.clone(),
                            "`expect.within` goes with `top_terms`, not with `metric`",
                        );
                    }
                    if min.is_none() && max.is_none() && equals.is_none() {
                        self.error(
                            item.span.clone(),
                            "a `metric` expectation needs `min`, `max` or `equals`",
                        );
                    }
                    out.push(Expectation::Metric {
                        path,
                        min,
                        max,
                        equals,
                    });
                }
            }
        }
        out
    }

    fn ingest(&mut self, t: &Table<'_>) -> Option<IngestSpec> {
        let inputs = match self.strings(t, "inputs") {
            Some(v) if v.is_empty() => {
                let span = t.get("inputs").map_or(t.span.clone(), |n| n.span.clone());
                self.error(
                    span,
                    "`ingest.inputs` is empty: name at least one file, directory or glob",
                );
                None
            }
            Some(v) => Some(v),
            None => {
                if t.get("inputs").is_none() {
                    self.error(t.span.clone(), "missing `ingest.inputs` (files, directories, globs, or \"-\" for standard input)");
                }
                None
            }
        };
        let format = match self
            .choice(
                t,
                "format",
                &["text", "jsonl", "csv", "email", "mbox", "html"],
            )
            .as_deref()
        {
            Some("jsonl") => Format::Jsonl,
            Some("csv") => Format::Csv,
            Some("email") => Format::Email,
            Some("mbox") => Format::Mbox,
            Some("html") => Format::Html,
            _ => Format::Text,
        };
        let extensions = self.strings(t, "extensions").map(|list| {
            if list.is_empty() {
                let span = t.get("extensions").map_or(t.span.clone(), |n| n.span.clone());
                self.error(
                    span,
                    "`ingest.extensions` is empty: name the extensions to read, or `\"*\"` for every file",
                );
            }
            for (ext, span) in &list {
                let bare = ext.trim_start_matches('.');
                if bare.is_empty() || bare.contains(['/', '\\']) || (bare.contains('*') && bare != "*") {
                    self.error(
                        span.clone(),
                        format!("`ingest.extensions`: expected an extension such as \"txt\" or \".jsonl\", or \"*\" for every file, found \"{ext}\""),
                    );
                }
            }
            list.into_iter().map(|(s, _)| s).collect::<Vec<_>>()
        });
        let order = match self.choice(t, "order", &["name", "natural"]).as_deref() {
            Some("natural") => InputOrder::Natural,
            _ => InputOrder::Name,
        };
        // Every input must exist now, with files of the format: a typo fails validation, not
        // a run.
        if let (Some(inputs), true) = (&inputs, self.check_inputs) {
            // All at once: the directories globs list are listed once for all of them.
            let mut probe = wordmill_ingest::SourceConfig::default()
                .inputs(inputs.iter().map(|(s, _)| s.clone()))
                .format(format);
            probe.extensions = extensions.clone();
            for (i, e) in wordmill_ingest::Source::check_inputs(&probe) {
                if let Some((_, span)) = inputs.get(i) {
                    self.error(span.clone(), format!("`ingest.inputs`: {e}"));
                }
            }
        }
        let inputs: Option<Vec<String>> = inputs.map(|v| v.into_iter().map(|(s, _)| s).collect());
        let allow_empty = self.boolean(t, "allow_empty", false);
        let duplicate_ids = match self
            .choice(t, "duplicate_ids", &["warn", "fail", "suffix", "allow"])
            .as_deref()
        {
            Some("fail") => DuplicateIds::Fail,
            Some("suffix") => DuplicateIds::Suffix,
            Some("allow") => DuplicateIds::Allow,
            _ => DuplicateIds::Warn,
        };
        let text_field = self
            .string(t, "text_field")
            .map_or_else(|| "text".to_string(), |(s, _)| s);
        let id_field = Some(
            self.string(t, "id_field")
                .map_or_else(|| "id".to_string(), |(s, _)| s),
        );
        let meta_fields = self
            .strings(t, "meta_fields")
            .map(|v| v.into_iter().map(|(s, _)| s).collect())
            .unwrap_or_default();
        let meta_from_path = match self.string(t, "meta_from_path") {
            Some((pattern, span)) => {
                match PathPattern::new(&pattern) {
                    Ok(re) if re.group_names().next().is_some() => Some(re),
                    Ok(_) => {
                        self.error(span, "`ingest.meta_from_path` has no named group: write groups as (?P<key>...)");
                        None
                    }
                    Err(e) => {
                        let msg = format!(
                            "`ingest.meta_from_path` is not a valid regex: {}",
                            one_line(e.message())
                        );
                        self.error(span, msg);
                        None
                    }
                }
            }
            None => None,
        };
        let on_error = match self.choice(t, "on_error", &["skip", "fail"]).as_deref() {
            Some("fail") => OnError::Fail,
            _ => OnError::Skip,
        };
        let encoding_errors = match self
            .choice(t, "encoding_errors", &["reject", "replace"])
            .as_deref()
        {
            Some("replace") => EncodingErrors::Replace,
            _ => EncodingErrors::Reject,
        };
        let oversize = match self.choice(t, "oversize", &["split", "skip"]).as_deref() {
            Some("skip") => Oversize::Skip,
            _ => Oversize::Split,
        };
        let mut limit = |key: &str, default: u64| match self.integer(t, key, 0, i64::MAX) {
            Some(0) => None,
            Some(n) => Some(n as u64),
            None => Some(default),
        };
        let max_document_bytes = limit("max_document_bytes", DEFAULT_MAX_DOCUMENT_BYTES);
        let max_decompressed_bytes =
            limit("max_decompressed_bytes", DEFAULT_MAX_DECOMPRESSED_BYTES);
        let max_line_bytes = limit("max_line_bytes", DEFAULT_MAX_LINE_BYTES);
        let encoding = match self.string(t, "encoding") {
            Some((label, span)) => match label.parse::<TextEncoding>() {
                Ok(encoding) => encoding,
                Err(err) => {
                    self.error(span, format!("`ingest.encoding`: {err}"));
                    TextEncoding::Utf8
                }
            },
            None => TextEncoding::Utf8,
        };
        let date_field = self.string(t, "date_field").map(|(s, _)| s);
        let date_format = match self.string(t, "date_format") {
            Some((format, span)) => match format.parse::<DateFormat>() {
                Ok(format) => Some(format),
                Err(err) => {
                    self.error(span, format!("`ingest.date_format`: {err}"));
                    None
                }
            },
            None => None,
        };
        let undated = match self.choice(t, "undated", &["error", "keep"]).as_deref() {
            Some("keep") => Undated::Keep,
            _ => Undated::Error,
        };
        for key in ["date_format", "undated"] {
            if date_field.is_none()
                && let Some(node) = t.get(key)
            {
                let span = node.span.clone();
                self.error(
                        span,
                        format!("`ingest.{key}` needs `ingest.date_field`: the metadata field that holds each document's date"),
                    );
            }
        }
        Some(IngestSpec {
            inputs: inputs?,
            extensions,
            order,
            allow_empty,
            duplicate_ids,
            format,
            text_field,
            id_field,
            meta_fields,
            meta_from_path,
            on_error,
            encoding_errors,
            max_document_bytes,
            oversize,
            max_decompressed_bytes,
            max_line_bytes,
            encoding,
            date_field,
            date_format,
            undated,
        })
    }

    fn normalise(&mut self, t: &Table<'_>) -> Option<NormaliserConfig> {
        let mut cfg = NormaliserConfig::default();
        if let Some(form) = self.choice(t, "unicode", &["none", "nfc", "nfkc"]) {
            cfg.unicode = match form.as_str() {
                "none" => UnicodeForm::None,
                "nfkc" => UnicodeForm::Nfkc,
                _ => UnicodeForm::Nfc,
            };
        }
        cfg.lowercase = self.boolean(t, "lowercase", cfg.lowercase);
        if let Some(node) = t.get("tokenizer") {
            match &node.value {
                Value::Str(s) if s == "words" => cfg.tokenizer = TokenizerKind::Words,
                Value::Str(s) => {
                    let msg = format!(
                        "`normalise.tokenizer` must be \"words\" or {{ pattern = '...' }}, found \"{s}\""
                    );
                    self.error(node.span.clone(), msg);
                }
                Value::Table(_) => {
                    if let Some(tt) = self.table(node, "normalise.tokenizer") {
                        match self.string(&tt, "pattern") {
                            Some((p, span)) => match Regex::new(&p) {
                                Ok(_) => cfg.tokenizer = TokenizerKind::Pattern(p),
                                Err(e) => self.error(
                                    span,
                                    format!(
                                        "`normalise.tokenizer.pattern` is not a valid regex: {}",
                                        one_line(&e.to_string())
                                    ),
                                ),
                            },
                            None if tt.get("pattern").is_none() => self.error(
                                node.span.clone(),
                                "`normalise.tokenizer` table needs `pattern = '...'`",
                            ),
                            None => {}
                        }
                    }
                }
                other => {
                    let msg = format!(
                        "`normalise.tokenizer` must be \"words\" or {{ pattern = '...' }}, found {}",
                        other.kind()
                    );
                    self.error(node.span.clone(), msg);
                }
            }
        }
        // A string or an array: each entry a built-in list or a word file; the union is used.
        if let Some(entries) = self.strings(t, "stopwords") {
            if entries.is_empty() {
                let span = t
                    .get("stopwords")
                    .map_or(t.span.clone(), |n| n.span.clone());
                self.error(
                    span,
                    "`normalise.stopwords` is empty: name built-in lists or word files, or write \"none\" for no stop words",
                );
            }
            let alone = entries.len() == 1;
            let mut layers = Vec::with_capacity(entries.len());
            for (s, span) in entries {
                if s == "none" {
                    if !alone {
                        self.error(span, "`normalise.stopwords`: \"none\" (no stop words) stands alone; it cannot be combined with other lists");
                    }
                } else {
                    match s.parse::<StopWordLanguage>() {
                        Ok(language) => layers.push(StopWords::Builtin(language)),
                        Err(_) if looks_like_path(&s) || Path::new(&s).is_file() => {
                            match StopWords::from_file(&s) {
                                Ok(words) => layers.push(words),
                                Err(e) => self.error(span, format!("`normalise.stopwords`: {e}")),
                            }
                        }
                        Err(unknown) => {
                            let names: Vec<&str> =
                                StopWordLanguage::ALL.iter().map(|l| l.code()).collect();
                            let mut msg = format!(
                                "`normalise.stopwords`: unknown stop-word list \"{s}\" (not a built-in list, and no file of that name); expected \"none\", a built-in list ({}) or the path of a word list",
                                names.join(", ")
                            );
                            if let NormaliseError::UnknownStopWords {
                                nearest: Some(best),
                                ..
                            } = unknown
                            {
                                msg.push_str(&format!(" (did you mean \"{best}\"?)"));
                            }
                            self.error(span, msg);
                        }
                    }
                }
            }
            cfg.stopwords = StopWords::layers(layers);
        }
        if let Some(n) = self.integer(t, "min_len", 1, 1000) {
            cfg.min_len = n as usize;
        }
        if let Some((s, span)) = self.string(t, "stem")
            && s != "none"
        {
            match s.parse::<StemLanguage>() {
                Ok(lang) => cfg.stem = Some(lang),
                Err(_) => {
                    let msg = format!(
                        "`normalise.stem` must be \"none\" or a Snowball language ({}), found \"{s}\"",
                        StemLanguage::ALL
                            .iter()
                            .map(|l| l.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                    self.error(span, msg);
                }
            }
        }
        if let Some(fold) = self.choice(t, "fold", &["none", "ascii"]) {
            cfg.fold = match fold.as_str() {
                "ascii" => Fold::Ascii,
                _ => Fold::None,
            };
        }
        // A file of variant → canonical pairs, resolved like the other files of a pipeline.
        if let Some((file, span)) = self.string(t, "aliases") {
            match Aliases::from_file(&file) {
                Ok(aliases) if aliases.is_empty() => self.error(
                    span,
                    format!("`normalise.aliases`: {file} has no `variant<TAB>canonical` line"),
                ),
                Ok(aliases) => {
                    cfg.aliases = aliases;
                    // The sides are normalised as the text is (tokenizer, fold): what only that
                    // shows (a side the tokenizer keeps nothing of, two variants alike) is
                    // found now too. Other errors of the table are reported by their keys.
                    if let Err(e @ NormaliseError::AliasFile { .. }) = Normaliser::new(cfg.clone())
                    {
                        self.error(span, format!("`normalise.aliases`: {e}"));
                    }
                }
                Err(e) => self.error(span, format!("`normalise.aliases`: {e}")),
            }
        }
        Some(cfg)
    }

    fn doc_freq(&mut self, t: &Table<'_>, key: &str, default: DocFreq) -> DocFreq {
        match t.get(key) {
            None => default,
            Some(Node {
                value: Value::Int(n),
                ..
            }) if *n >= 0 => DocFreq::Count(*n as u64),
            Some(Node {
                value: Value::Float(f),
                ..
            }) if (0.0..=1.0).contains(f) => DocFreq::Fraction(*f),
            Some(node) => {
                let msg = format!(
                    "`analyse.terms.{key}` must be a document count (integer ≥ 0) or a fraction of documents (float in 0.0..=1.0), found {}",
                    show(node)
                );
                self.error(node.span.clone(), msg);
                default
            }
        }
    }

    fn report(&mut self, t: &Table<'_>, name: &str) -> Option<ReportSpec> {
        let dir = match self.string(t, "dir") {
            Some((d, span)) if d.trim().is_empty() => {
                self.error(span, "`report.dir` must not be empty");
                None
            }
            Some((d, _)) => Some(PathBuf::from(d)),
            None => Some(default_report_dir(name)),
        };
        let formats = match self.strings(t, "formats") {
            Some(list) => {
                let mut out = Vec::new();
                for (f, span) in list {
                    let Some(format) = ReportFormat::ALL.into_iter().find(|x| x.name() == f) else {
                        let mut msg = format!(
                            "`report.formats`: unknown format \"{f}\"; expected {}",
                            quoted(FORMATS)
                        );
                        if let Some(best) = nearest(&f, FORMATS) {
                            msg.push_str(&format!(" (did you mean \"{best}\"?)"));
                        }
                        self.error(span, msg);
                        continue;
                    };
                    if !out.contains(&format) {
                        out.push(format);
                    }
                }
                out
            }
            None => default_formats(),
        };
        Some(ReportSpec { dir: dir?, formats })
    }
}

/// `[analyse.terms]`, `[analyse.sentiment]`, ...: the tables an `[analyse]` may hold.
fn analyser_tables() -> String {
    let names: Vec<String> = ANALYSERS
        .iter()
        .map(|k| format!("`[analyse.{}]`", k.key()))
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

/// The analysis fingerprint's text: a canonical JSON serialisation of everything that decides
/// what a document contributes to a run state. From `[ingest]`, what makes a record a
/// document (its format, fields, the metadata from its path, how invalid text and long
/// documents are treated); not the inputs, their order or extensions, `on_error`, the size
/// limits that refuse whole records, `allow_empty` or `duplicate_ids` (checked when the report
/// is written). All of `[normalise]`, and each analyser's typed configuration, by key.
fn analysis_fingerprint(
    ingest: &IngestSpec,
    normalise: &NormaliserConfig,
    stages: &[Arc<dyn Stage>],
) -> String {
    let mut value = serde_json::json!({
        "ingest": {
            "format": ingest.format.name(),
            "text_field": ingest.text_field,
            "id_field": ingest.id_field,
            "meta_fields": ingest.meta_fields,
            "meta_from_path": ingest.meta_from_path.as_ref().map(|r| r.as_str()),
            "encoding_errors": ingest.encoding_errors.name(),
            "max_document_bytes": ingest.max_document_bytes,
            "oversize": ingest.oversize.name(),
        },
        "normalise": normalise,
        "analyse": stages
            .iter()
            .map(|s| serde_json::json!([s.key(), s.fingerprint()]))
            .collect::<Vec<_>>(),
    });
    // Keys added later are written only when set, so that the fingerprint of a pipeline
    // without them stays what it was.
    if let Some(map) = value["ingest"].as_object_mut() {
        if ingest.encoding != TextEncoding::Utf8 {
            map.insert("encoding".into(), ingest.encoding.name().into());
        }
        if let Some(field) = &ingest.date_field {
            map.insert("date_field".into(), field.as_str().into());
            map.insert(
                "date_format".into(),
                ingest.date_format.as_ref().map(DateFormat::as_str).into(),
            );
            map.insert("undated".into(), ingest.undated.name().into());
        }
    }
    value.to_string()
}

/// One table of the pipeline file, as an analyser reads it ([`ConfigTable`]): type and range
/// checks, and every problem recorded at its position, through the walker.
struct TableReader<'w, 's, 'n> {
    walker: &'w mut Walker<'s>,
    table: Table<'n>,
    forms: &'w Forms,
    /// `[ingest] date_field`.
    date_field: Option<&'w str>,
}

/// The pipeline's normaliser as patterns see it ([`PatternForms`]); lower-casing only when the
/// `[normalise]` table has errors of its own.
pub(crate) struct Forms(pub(crate) Option<Normaliser>);

impl PatternForms for Forms {
    fn words(&self, text: &str) -> Vec<String> {
        match &self.0 {
            Some(n) => PatternForms::words(n, text),
            None => Lowercase.words(text),
        }
    }

    fn chars(&self, text: &str) -> String {
        match &self.0 {
            Some(n) => PatternForms::chars(n, text),
            None => Lowercase.chars(text),
        }
    }
}

impl ConfigTable for TableReader<'_, '_, '_> {
    fn string(&mut self, key: &str) -> Option<String> {
        self.walker.string(&self.table, key).map(|(s, _)| s)
    }

    fn strings(&mut self, key: &str) -> Option<Vec<String>> {
        self.walker
            .strings(&self.table, key)
            .map(|v| v.into_iter().map(|(s, _)| s).collect())
    }

    fn boolean(&mut self, key: &str, default: bool) -> bool {
        self.walker.boolean(&self.table, key, default)
    }

    fn integer(&mut self, key: &str, min: i64, max: i64) -> Option<i64> {
        self.walker.integer(&self.table, key, min, max)
    }

    fn choice(&mut self, key: &str, choices: &[&str]) -> Option<usize> {
        let found = self.walker.choice(&self.table, key, choices)?;
        choices.iter().position(|c| *c == found)
    }

    fn doc_freq(&mut self, key: &str, default: DocFreq) -> DocFreq {
        self.walker.doc_freq(&self.table, key, default)
    }

    fn range(&mut self, key: &str, lo: i64, hi: i64) -> Option<(i64, i64)> {
        let node = self.table.get(key)?;
        let what = qualified(&self.table.section, key);
        match &node.value {
            Value::Array(items) if items.len() == 2 => match (&items[0].value, &items[1].value) {
                (Value::Int(a), Value::Int(b)) if *a >= lo && a <= b && *b <= hi => Some((*a, *b)),
                _ => {
                    self.walker.error(
                        node.span.clone(),
                        format!("`{what}` must be [min, max] with {lo} ≤ min ≤ max ≤ {hi}"),
                    );
                    None
                }
            },
            _ => {
                let msg = format!("`{what}` must be [min, max], found {}", show(node));
                self.walker.error(node.span.clone(), msg);
                None
            }
        }
    }

    fn forms(&self) -> &dyn PatternForms {
        self.forms
    }

    fn date_field(&self) -> Option<&str> {
        self.date_field
    }

    fn table(&mut self, key: &str) -> Option<Box<dyn ConfigTable + '_>> {
        let section = format!("{}.{key}", self.table.section);
        let table = self.walker.sub(&self.table, key, &section)?;
        Some(Box::new(TableReader {
            walker: &mut *self.walker,
            table,
            forms: self.forms,
            date_field: self.date_field,
        }))
    }

    fn has(&self, key: &str) -> bool {
        self.table.get(key).is_some()
    }

    fn names(&self) -> Vec<String> {
        let allowed = self.walker.keys_of(&self.table.section);
        if !allowed.contains(&OTHER_KEYS) {
            return Vec::new();
        }
        let listed: Vec<&str> = allowed.into_iter().filter(|k| *k != OTHER_KEYS).collect();
        self.table
            .entries
            .iter()
            .filter(|e| !listed.contains(&e.key.as_str()) && nearest(&e.key, &listed).is_none())
            .map(|e| e.key.clone())
            .collect()
    }

    fn is_table(&self, key: &str) -> bool {
        matches!(
            self.table.get(key),
            Some(Node {
                value: Value::Table(_),
                ..
            })
        )
    }

    fn error(&mut self, key: Option<&str>, message: String) {
        let span = key
            .and_then(|k| self.table.get(k))
            .map_or(self.table.span.clone(), |n| n.span.clone());
        self.walker.error(span, message);
    }

    fn error_item(&mut self, key: &str, index: usize, message: String) {
        let span = match self.table.get(key) {
            Some(Node {
                value: Value::Array(items),
                ..
            }) => items.get(index).map(|n| n.span.clone()),
            Some(node) => Some(node.span.clone()),
            None => None,
        }
        .unwrap_or_else(|| self.table.span.clone());
        self.walker.error(span, message);
    }
}

impl Pipeline {
    /// The configured analyser of type `A`, if the pipeline has it.
    pub fn analyser<A: 'static>(&self) -> Option<&A> {
        self.stages
            .iter()
            .find_map(|s| s.analyser().downcast_ref::<A>())
    }

    /// `[analyse.terms]`, when present.
    pub fn terms(&self) -> Option<&TermsConfig> {
        self.analyser::<wordmill_analyse::Terms>()
            .map(|t| t.config())
    }

    /// `[analyse.sentiment]`, when present.
    pub fn sentiment(&self) -> Option<&SentimentConfig> {
        self.analyser::<wordmill_analyse::Sentiment>()
            .map(|s| s.config())
    }

    /// The readers of the sections of `report.json`, in registry order.
    pub fn section_readers() -> Vec<SectionReader> {
        ANALYSERS.iter().map(|k| k.reader()).collect()
    }
}

fn default_report_dir(name: &str) -> PathBuf {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    PathBuf::from("out").join(safe)
}

fn default_formats() -> Vec<ReportFormat> {
    ReportFormat::ALL.to_vec()
}

fn looks_like_path(s: &str) -> bool {
    s.contains('/') || s.contains('\\') || s.contains('.')
}

fn show(node: &Node) -> String {
    match &node.value {
        Value::Str(s) => format!("\"{s}\""),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Bool(b) => b.to_string(),
        other => other.kind().to_string(),
    }
}

fn quoted(choices: &[&str]) -> String {
    choices
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn one_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) use wordmill_model::nearest;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> Result<Pipeline, ConfigErrors> {
        Pipeline::parse(Path::new("p.toml"), src.as_bytes())
    }

    const MINIMAL: &str = "version = 1\n[ingest]\ninputs = [\"Cargo.toml\"]\n[analyse.terms]\n";

    #[test]
    fn minimal_pipeline_takes_defaults() {
        let p = parse(MINIMAL).unwrap();
        assert_eq!(p.name, "p");
        assert_eq!(p.report.dir, PathBuf::from("out/p"));
        assert_eq!(p.terms().unwrap().top, 50);
        assert!(p.sentiment().is_none());
        assert_eq!(p.config_hash.len(), 64);
    }

    #[test]
    fn every_error_is_reported_with_line_and_column() {
        let src = "version = 2\n[ingest]\ninputs = [\"Cargo.toml\"]\nformt = \"text\"\n[normalise]\nunicode = \"nfkd\"\n[analyse.terms]\nmin_df = -1\ntop = \"ten\"\n";
        let errs = parse(src).unwrap_err().0;
        let lines: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(lines.len(), 5, "{lines:#?}");
        assert!(
            lines[0].starts_with("p.toml:1:11: `version` must be 1"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("p.toml:4:1: unknown key `ingest.formt` (did you mean `format`?)"),
            "{}",
            lines[1]
        );
        assert!(
            lines[2].starts_with("p.toml:6:11: `normalise.unicode` must be one of"),
            "{}",
            lines[2]
        );
        assert!(lines[2].contains("did you mean \"nfkc\""), "{}", lines[2]);
        assert!(
            lines[3].starts_with("p.toml:8:10: `analyse.terms.min_df`"),
            "{}",
            lines[3]
        );
        assert!(
            lines[4].starts_with("p.toml:9:7: `analyse.terms.top` must be an integer"),
            "{}",
            lines[4]
        );
    }

    #[test]
    fn min_df_follows_the_int_float_rule() {
        let p = parse(
            "version = 1\n[ingest]\ninputs = \"Cargo.toml\"\n[analyse.terms]\nmin_df = 2\nmax_df = 0.9\n",
        )
        .unwrap();
        let t = p.terms().unwrap();
        assert_eq!(t.min_df, DocFreq::Count(2));
        assert_eq!(t.max_df, DocFreq::Fraction(0.9));
    }

    #[test]
    fn collocations_read_their_table_into_typed_settings() {
        use wordmill_analyse::{BigramSpan, CollocationMeasure, Collocations, CollocationsConfig};
        let head = "version = 1\n[ingest]\ninputs = \"Cargo.toml\"\n[analyse.collocations]\n";
        let p = parse(head).unwrap();
        let c = p.analyser::<Collocations>().unwrap().config();
        assert_eq!(*c, CollocationsConfig::default());
        let p = parse(&format!(
            "{head}min_count = 1\nmeasure = \"chi2\"\ntop = 0\nspan = \"sentence\"\n"
        ))
        .unwrap();
        let c = p.analyser::<Collocations>().unwrap().config();
        assert_eq!(
            (c.min_count, c.measure, c.top, c.span),
            (1, CollocationMeasure::Chi2, 0, BigramSpan::Sentence)
        );
        let errs = parse(&format!(
            "{head}min_count = 0\nmeasure = \"pmii\"\nspan = \"paragraph\"\n"
        ))
        .unwrap_err()
        .0;
        let lines: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(
            lines[0].starts_with("p.toml:5:13: `analyse.collocations.min_count`"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("p.toml:6:11: `analyse.collocations.measure` must be one of"),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("did you mean \"pmi\""), "{}", lines[1]);
        assert!(
            lines[2].starts_with("p.toml:7:8: `analyse.collocations.span` must be one of"),
            "{}",
            lines[2]
        );
    }

    #[test]
    fn bad_regexes_are_caught() {
        let src = "version = 1\n[ingest]\ninputs = \"Cargo.toml\"\nmeta_from_path = '(?P<year\\d{4})'\n[normalise]\ntokenizer = { pattern = '(' }\n[analyse.terms]\n";
        let errs = parse(src).unwrap_err().0;
        assert_eq!(errs.len(), 2, "{errs:#?}");
        assert_eq!((errs[0].line, errs[1].line), (4, 6));
    }

    #[test]
    fn json_pipelines_get_the_same_checks() {
        let src = "{\"version\": 1, \"ingest\": {\"inputs\": [\"Cargo.toml\"]},\n \"analyse\": {\"terms\": {\"topp\": 3}}}";
        let errs = Pipeline::parse(Path::new("p.json"), src.as_bytes())
            .unwrap_err()
            .0;
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].line, errs[0].col), (2, 24));
        assert!(errs[0].message.contains("did you mean `top`"));
    }

    #[test]
    fn many_errors_are_each_located_and_the_printout_is_capped() {
        // 3,000 missing inputs, one a line and then all on one line (with a multi-byte
        // character before each): every error at its own line and column.
        for sep in [",\n", ", "] {
            let names: Vec<String> = (0..3000).map(|i| format!("\"é/missing-{i}\"")).collect();
            let src = format!(
                "version = 1\n[ingest]\ninputs = [{}]\n[analyse.terms]\n",
                names.join(sep)
            );
            let errs = parse(&src).unwrap_err();
            assert_eq!(errs.0.len(), 3000);
            for (i, e) in errs.0.iter().enumerate() {
                let offset = src.find(&names[i]).unwrap();
                let before = &src[..offset];
                let line = before.matches('\n').count() + 1;
                let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
                assert_eq!((e.line, e.col), (line, col), "{e}");
            }
            let shown = errs.to_string();
            assert_eq!(shown.lines().count(), ConfigErrors::SHOWN + 1);
            assert!(
                shown.ends_with("p.toml: … and 2900 more errors (3000 in all)"),
                "{}",
                shown.lines().last().unwrap()
            );
        }
    }

    #[test]
    fn syntax_errors_are_located() {
        let errs = parse("version = 1\n[ingest\n").unwrap_err().0;
        assert_eq!(errs[0].line, 2);
    }

    #[test]
    fn nearest_finds_typos_only() {
        assert_eq!(
            nearest("stopword", &["stopwords", "stem"]),
            Some("stopwords")
        );
        assert_eq!(nearest("zzzzzz", &["stopwords", "stem"]), None);
        // Close misspellings are suggested; a different short word is not.
        assert_eq!(nearest("jsn", FORMATS), Some("json"));
        assert_eq!(nearest("htm", FORMATS), Some("html"));
        assert_eq!(nearest("pdf", FORMATS), None);
        assert_eq!(nearest("txt", FORMATS), None);
        assert_eq!(nearest("formt", &["format", "inputs"]), Some("format"));
        assert_eq!(
            nearest("sentimnet", &["terms", "sentiment"]),
            Some("sentiment")
        );
    }
}

#[cfg(test)]
mod normalise_tests {
    use super::*;

    fn parse(src: &str) -> Result<Pipeline, ConfigErrors> {
        Pipeline::parse(Path::new("p.toml"), src.as_bytes())
    }

    fn with_stopwords(value: &str) -> String {
        format!(
            "version = 1\n[ingest]\ninputs = [\"Cargo.toml\"]\n[normalise]\nstopwords = {value}\n[analyse.terms]\n"
        )
    }

    /// A scratch word-list file, removed when dropped.
    struct ListFile(PathBuf);

    impl ListFile {
        fn new(name: &str, text: &str) -> ListFile {
            let path =
                std::env::temp_dir().join(format!("wordmill-config-{}-{name}", std::process::id()));
            std::fs::write(&path, text).unwrap();
            ListFile(path)
        }

        fn toml(&self) -> String {
            format!("{:?}", self.0.display().to_string())
        }
    }

    impl Drop for ListFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn stopwords_layer_builtin_lists_and_files() {
        let extra = ListFile::new("extra.txt", "# newsroom words\nSaid\n\nreuters # agency\n");
        let p = parse(&with_stopwords(&format!(
            "[\"en\", {}, \"de\"]",
            extra.toml()
        )))
        .unwrap();
        assert_eq!(
            p.normalise.stopwords,
            StopWords::Layers(vec![
                StopWords::Builtin(StopWordLanguage::English),
                StopWords::List(vec!["Said".into(), "reuters".into()]),
                StopWords::Builtin(StopWordLanguage::German),
            ])
        );
        let words = p.normalise.stopwords.words();
        for w in ["the", "Said", "reuters", "und"] {
            assert!(words.iter().any(|x| x == w), "{w}");
        }
        let normaliser = wordmill_normalise::Normaliser::new(p.normalise.clone()).unwrap();
        let tokens: Vec<String> = normaliser
            .tokens("The workers SAID und Reuters reported")
            .iter()
            .map(|t| t.text.to_string())
            .collect();
        assert_eq!(tokens, ["workers", "reported"]);
    }

    #[test]
    fn one_stopword_entry_is_what_the_string_form_always_was() {
        let extra = ListFile::new("one.txt", "said\n");
        let en = StopWords::Builtin(StopWordLanguage::English);
        for (value, expected) in [
            ("\"en\"".to_string(), en.clone()),
            ("[\"en\"]".to_string(), en.clone()),
            ("\"English\"".to_string(), en.clone()),
            ("\"none\"".to_string(), StopWords::None),
            ("[\"none\"]".to_string(), StopWords::None),
            (extra.toml(), StopWords::List(vec!["said".into()])),
            (
                format!("[{}]", extra.toml()),
                StopWords::List(vec!["said".into()]),
            ),
        ] {
            let p = parse(&with_stopwords(&value)).unwrap();
            assert_eq!(p.normalise.stopwords, expected, "{value}");
        }
        let hash = |v: &str| parse(&with_stopwords(v)).unwrap().analysis_hash;
        assert_eq!(hash("\"en\""), hash("[\"en\"]"));
        // A list's code and its English name are the same list.
        assert_eq!(hash("\"en\""), hash("\"English\""));
        assert_ne!(hash("\"en\""), hash("[\"en\", \"de\"]"));
    }

    #[test]
    fn every_bad_stopword_entry_is_an_error_at_its_position() {
        let bad = ListFile::new("bad.txt", "said\nmr smith\n");
        let src = with_stopwords(&format!(
            "[\n  \"en\",\n  \"englsh\",\n  \"xx\",\n  \"no/such/list.txt\",\n  {},\n  3,\n  \"none\",\n]",
            bad.toml()
        ));
        let errs = parse(&src).unwrap_err().0;
        let got: Vec<(usize, usize, &str)> = errs
            .iter()
            .map(|e| (e.line, e.col, e.message.as_str()))
            .collect();
        assert_eq!(got.len(), 6, "{got:#?}");
        let at = |i: usize, line: usize, needle: &str| {
            assert_eq!((got[i].0, got[i].1), (line, 3), "{got:#?}");
            assert!(got[i].2.contains(needle), "{}", got[i].2);
        };
        at(0, 7, "unknown stop-word list \"englsh\"");
        assert!(
            got[0].2.ends_with("(did you mean \"english\"?)"),
            "{}",
            got[0].2
        );
        at(1, 8, "unknown stop-word list \"xx\"");
        assert!(got[1].2.contains("en, ru, de, fr, es"), "{}", got[1].2);
        assert!(!got[1].2.contains("did you mean"), "{}", got[1].2);
        at(
            2,
            9,
            "`normalise.stopwords`: no/such/list.txt: cannot read stop-word file",
        );
        at(
            3,
            10,
            &format!(
                "`normalise.stopwords`: {}:2: expected one word per line, found \"mr smith\"",
                bad.0.display()
            ),
        );
        at(4, 11, "must hold strings only");
        at(5, 12, "\"none\" (no stop words) stands alone");

        let errs = parse(&with_stopwords("[]")).unwrap_err().0;
        assert_eq!(errs.len(), 1);
        assert_eq!((errs[0].line, errs[0].col), (5, 13));
        assert!(
            errs[0].message.contains("`normalise.stopwords` is empty"),
            "{}",
            errs[0]
        );

        let errs = parse(&with_stopwords("\"eng\"")).unwrap_err().0;
        assert_eq!((errs[0].line, errs[0].col), (5, 13));
        assert!(
            errs[0].message.ends_with("(did you mean \"en\"?)"),
            "{}",
            errs[0]
        );
    }
}

#[cfg(test)]
mod fold_tests {
    use super::*;

    fn parse(src: &str) -> Result<Pipeline, ConfigErrors> {
        Pipeline::parse(Path::new("p.toml"), src.as_bytes())
    }

    fn with_normalise(lines: &str) -> String {
        format!(
            "version = 1\n[ingest]\ninputs = [\"Cargo.toml\"]\n[normalise]\n{lines}\n[analyse.terms]\n"
        )
    }

    /// A scratch alias file, removed when dropped.
    struct AliasFile(PathBuf);

    impl AliasFile {
        fn new(name: &str, text: &str) -> AliasFile {
            let path = std::env::temp_dir().join(format!(
                "wordmill-aliases-{}-{name}.tsv",
                std::process::id()
            ));
            std::fs::write(&path, text).unwrap();
            AliasFile(path)
        }

        fn line(&self) -> String {
            format!("aliases = {:?}", self.0.display().to_string())
        }
    }

    impl Drop for AliasFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn messages(src: &str) -> Vec<(usize, usize, String)> {
        parse(src)
            .unwrap_err()
            .0
            .into_iter()
            .map(|e| (e.line, e.col, e.message))
            .collect()
    }

    #[test]
    fn fold_is_a_closed_choice() {
        assert_eq!(
            parse(&with_normalise("")).unwrap().normalise.fold,
            Fold::None
        );
        let p = parse(&with_normalise("fold = \"ascii\"")).unwrap();
        assert_eq!(p.normalise.fold, Fold::Ascii);
        assert_eq!(
            parse(&with_normalise("fold = \"none\""))
                .unwrap()
                .normalise
                .fold,
            Fold::None
        );
        let got = messages(&with_normalise("fold = \"asci\""));
        assert_eq!(
            got,
            [(
                5,
                8,
                "`normalise.fold` must be one of \"none\", \"ascii\", found \"asci\" (did you mean \"ascii\"?)".to_string()
            )]
        );
        let got = messages(&with_normalise("fold = true"));
        assert!(
            got[0].2.starts_with("`normalise.fold` must be a string"),
            "{got:?}"
        );
        let got = messages(&with_normalise("aliass = \"x.tsv\""));
        assert_eq!(
            got,
            [(
                5,
                1,
                "unknown key `normalise.aliass` (did you mean `aliases`?)".to_string()
            )]
        );
    }

    #[test]
    fn the_shipped_belarus_aliases_parse_and_normalise_without_conflict() {
        let p = parse(&with_normalise(
            "fold = \"ascii\"\naliases = \"../../pipelines/aliases/belarus.tsv\"",
        ))
        .unwrap();
        assert!(
            p.normalise.aliases.len() > 150,
            "{}",
            p.normalise.aliases.len()
        );
        // Without folding too: the Cyrillic lines then match Cyrillic tokens.
        let plain = parse(&with_normalise(
            "aliases = \"../../pipelines/aliases/belarus.tsv\"",
        ))
        .unwrap();
        assert_eq!(plain.normalise.aliases, p.normalise.aliases);
        assert_ne!(plain.analysis_hash, p.analysis_hash);
        let s = p.settings();
        assert_eq!(s["normalise.fold"], serde_json::json!("ascii"));
        let setting = s["normalise.aliases"].as_str().unwrap();
        assert!(setting.contains(" aliases (sha256 "), "{setting}");
    }

    #[test]
    fn bad_alias_files_are_errors_with_file_and_line() {
        let missing = messages(&with_normalise("aliases = \"no/such/aliases.tsv\""));
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert_eq!((missing[0].0, missing[0].1), (5, 11));
        assert!(
            missing[0]
                .2
                .starts_with("`normalise.aliases`: no/such/aliases.tsv: cannot read alias file"),
            "{missing:?}"
        );

        let no_tab = AliasFile::new("notab", "# ok\nminsk\tminsk\nhrodna grodno\n");
        let got = messages(&with_normalise(&no_tab.line()));
        assert_eq!(
            got[0].2,
            format!(
                "`normalise.aliases`: {}:3: expected `variant<TAB>canonical`, found no tab in \"hrodna grodno\"",
                no_tab.0.display()
            )
        );

        // Two spellings that fold alike, given different canonical forms: found once folded.
        let alike = AliasFile::new("alike", "Мінск\tminsk\n\nminsk\tmensk\n");
        assert!(parse(&with_normalise(&alike.line())).is_ok());
        let got = messages(&with_normalise(&format!(
            "fold = \"ascii\"\n{}",
            alike.line()
        )));
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].2.starts_with(&format!(
                "`normalise.aliases`: {}:3: expected each variant once after normalisation",
                alike.0.display()
            )),
            "{got:?}"
        );

        let empty = AliasFile::new("empty", "# nothing yet\n");
        let got = messages(&with_normalise(&empty.line()));
        assert!(
            got[0].2.ends_with("has no `variant<TAB>canonical` line"),
            "{got:?}"
        );
    }

    #[test]
    fn the_fingerprint_follows_the_alias_file_contents_not_its_path_or_comments() {
        let a = AliasFile::new("a", "lukashenka\tlukashenko\n");
        let a_commented = AliasFile::new("a2", "# spellings\n\nlukashenka\tlukashenko\n");
        let b = AliasFile::new("b", "lukashenka\tlukashenka\n");
        let hash = |f: &AliasFile| parse(&with_normalise(&f.line())).unwrap().analysis_hash;
        assert_eq!(hash(&a), hash(&a_commented));
        assert_ne!(hash(&a), hash(&b));
        let none = parse(&with_normalise("")).unwrap().analysis_hash;
        assert_ne!(hash(&a), none);
        // Off, neither key is in the fingerprint's text: it is what it was before they existed.
        let p = parse(&with_normalise("fold = \"none\"")).unwrap();
        let text = analysis_fingerprint(&p.ingest, &p.normalise, &p.stages);
        assert!(
            !text.contains("fold") && !text.contains("aliases"),
            "{text}"
        );
        assert_eq!(p.analysis_hash, none);
    }
}

#[cfg(test)]
mod targets_tests {
    use super::*;
    use wordmill_analyse::{TargetSource, Targets};

    /// A pipeline with English stop words, sentiment and `[analyse.targets]` holding `lines`.
    fn with_targets(lines: &str) -> String {
        format!(
            "version = 1\n[ingest]\ninputs = [\"Cargo.toml\"]\n[normalise]\nstopwords = \"en\"\n\
             [analyse.sentiment]\nrules = \"vader-news\"\n[analyse.targets]\n{lines}\n"
        )
    }

    /// `(line, column, message)` of each error of `src`.
    fn errors(src: &str) -> Vec<(usize, usize, String)> {
        match Pipeline::parse(Path::new("p.toml"), src.as_bytes()) {
            Ok(_) => panic!("no error in\n{src}"),
            Err(e) => {
                e.0.into_iter()
                    .map(|e| (e.line, e.col, e.message))
                    .collect()
            }
        }
    }

    #[test]
    fn targets_keep_their_order_patterns_options_and_the_sentiment_scorer() {
        let src = with_targets(
            "zubr = \"Zubr\"\nlukashenko = [\"lukashenk*\", \"President Lukashenko\"]\n\
             group_by = [\"year\"]\nexamples = 5\nlabourers = [\"work*\"]",
        );
        let p = Pipeline::parse(Path::new("p.toml"), src.as_bytes()).unwrap();
        let t = p.analyser::<Targets>().unwrap();
        let c = t.config();
        let names: Vec<&str> = c.targets.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["zubr", "lukashenko", "labourers"]);
        assert_eq!(
            c.targets[1].source,
            TargetSource::Patterns(vec!["lukashenk*".into(), "President Lukashenko".into()])
        );
        assert_eq!(
            c.targets[0].source,
            TargetSource::Patterns(vec!["Zubr".into()])
        );
        assert_eq!(
            (c.group_by.as_slice(), c.examples),
            (&["year".to_string()][..], 5)
        );
        // The sentiment analyser's rules are followed.
        assert_eq!(c.sentiment.rules, wordmill_analyse::Rules::VaderNews);
        // Patterns are normalised as the text: lower-cased.
        let patterns = t.patterns();
        assert_eq!(
            patterns[1][1].elements()[0],
            wordmill_analyse::Element::Word("president".into())
        );
        // Defaults.
        let p = Pipeline::parse(
            Path::new("p.toml"),
            with_targets("x = \"strike\"").as_bytes(),
        )
        .unwrap();
        let c = p.analyser::<Targets>().unwrap().config();
        assert_eq!((c.group_by.len(), c.examples), (0, 3));
    }

    #[test]
    fn a_category_takes_the_dictionarys_patterns() {
        let dictionary =
            "[analyse.dictionary]\nfiles = \"../../pipelines/dictionaries/belarus.yml\"\n";
        let src = with_targets("labour = { category = \"labour\" }\nunion = \"union\"").replace(
            "[analyse.targets]",
            &format!("{dictionary}[analyse.targets]"),
        );
        let p = Pipeline::parse(Path::new("p.toml"), src.as_bytes()).unwrap();
        let targets = p.analyser::<Targets>().unwrap();
        let dict = p.analyser::<wordmill_analyse::Dictionary>().unwrap();
        let expected = dict.entries().category_patterns("labour").unwrap();
        assert!(!expected.is_empty());
        assert_eq!(targets.patterns()[0], expected.iter().collect::<Vec<_>>());
        // A category the dictionary does not have names those it has.
        let errs = errors(&src.replace("category = \"labour\"", "category = \"labor\""));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].2.starts_with(
                "`analyse.targets.labour`: target \"labour\": the dictionary has no category \"labor\" (it has: labour,"
            ),
            "{}",
            errs[0].2
        );
    }

    #[test]
    fn a_category_is_kept_and_needs_the_dictionary() {
        let src = with_targets("labour = { category = \"labour\" }\nunion = \"union\"");
        let errs = errors(&src);
        assert_eq!(
            errs,
            [(
                9,
                10,
                "`analyse.targets.labour`: a dictionary category needs `[analyse.dictionary]`"
                    .to_string()
            )]
        );
        // A misspelt key of the category table is suggested.
        let errs = errors(&with_targets("labour = { categroy = \"labour\" }"));
        let messages: Vec<&str> = errs.iter().map(|e| e.2.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`analyse.targets.labour`: a target written as a table needs `category`",
                "unknown key `analyse.targets.labour.categroy` (did you mean `category`?)"
            ]
        );
    }

    #[test]
    fn config_errors_say_what_is_wrong_where() {
        // A near miss of an option is not a target: it is an unknown key suggesting the option.
        for (line, option) in [
            ("group_bu = [\"year\"]", "group_by"),
            ("exampels = 3", "examples"),
        ] {
            let errs = errors(&with_targets(&format!("x = \"strike\"\n{line}")));
            assert_eq!(errs.len(), 1, "{errs:?}");
            let key = line.split(' ').next().unwrap();
            assert_eq!(
                errs[0],
                (
                    10,
                    1,
                    format!(
                        "unknown key `analyse.targets.{key}` (did you mean `{option}`? a name this close to an option is taken for a misspelling of it)"
                    )
                )
            );
        }
        // An empty list.
        assert_eq!(
            errors(&with_targets("a = []")),
            [(
                9,
                5,
                "`analyse.targets.a`: target \"a\" has no pattern: give at least one".to_string()
            )]
        );
        // A stop word alone, at its item.
        assert_eq!(
            errors(&with_targets("a = [\"strike\", \"the\"]")),
            [(
                9,
                16,
                "`analyse.targets.a`: `the` in pattern \"the\" is removed by normalisation (a stop word, or shorter than min_len), so the pattern could never match".to_string()
            )]
        );
        // The same name twice: TOML itself refuses it.
        let errs = errors(&with_targets("a = \"x\"\na = \"y\""));
        assert!(errs[0].2.contains("duplicate key"), "{errs:?}");
        // No target at all.
        let errs = errors(&with_targets("examples = 2"));
        assert_eq!(
            errs[0].2,
            "`[analyse.targets]` names no target: name at least one, as `name = [\"pattern\", …]`"
        );
        // A name that metric paths could not address, an empty one, a bad value.
        let errs = errors(&with_targets(
            "\"a.b\" = \"x\"\n\"\" = \"y\"\nc = 3\nexamples = 101",
        ));
        let messages: Vec<&str> = errs.iter().map(|e| e.2.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`[analyse.targets]`: target name \"a.b\" has `.`, which `[[expect]]` metric paths use to separate their parts: choose another name",
                "`[analyse.targets]`: a target name must not be empty",
                "`analyse.targets.c` must be a string or an array of strings, found an integer",
                "`analyse.targets.examples` must be between 0 and 100, found 101",
            ]
        );
    }
}

#[cfg(test)]
mod docs_tests {
    use super::schema;

    /// Every key the parser accepts is documented in docs/pipeline.md, and every documented key
    /// is accepted.
    #[test]
    fn every_key_is_documented_and_every_documented_key_exists() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/pipeline.md");
        let doc = std::fs::read_to_string(path).expect("docs/pipeline.md exists");
        let documented: Vec<&str> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("### `"))
            .filter_map(|l| l.strip_suffix('`'))
            .collect();
        let schema = schema();
        // The marker of names (`OTHER_KEYS`) is no key: docs/pipeline.md says how names are
        // written where the table that takes them is documented.
        let accepted: Vec<&str> = schema
            .iter()
            .flat_map(|(_, keys)| keys.iter().copied())
            .filter(|k| *k != wordmill_analyse::OTHER_KEYS)
            .collect();
        for key in &accepted {
            assert!(
                documented.contains(key),
                "key `{key}` is not documented in docs/pipeline.md"
            );
        }
        for key in &documented {
            assert!(
                accepted.contains(key),
                "docs/pipeline.md documents `{key}`, which the parser does not accept"
            );
        }
    }
}

#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// No pipeline file, however broken, makes the parser panic; every error has a
        /// position inside the file.
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            for name in ["p.toml", "p.json"] {
                if let Err(errs) = Pipeline::parse(Path::new(name), &bytes) {
                    prop_assert!(!errs.0.is_empty());
                    for e in errs.0 {
                        prop_assert!(e.line >= 1 && e.col >= 1);
                    }
                }
            }
        }

        /// Near-valid files (valid skeleton, random values and keys) never panic either.
        #[test]
        fn mutated_pipelines_never_panic(
            key in "[a-z_]{1,12}",
            value in prop_oneof![
                Just("1".to_string()), Just("-1".to_string()), Just("1.5".to_string()), Just("\"x\"".to_string()),
                Just("[1, 2]".to_string()), Just("{ pattern = '(' }".to_string()), Just("true".to_string()),
                "\"[^\"\\\\]{0,12}\"".prop_map(|s| s),
            ],
            section in prop_oneof![Just("ingest"), Just("normalise"), Just("analyse.terms"), Just("analyse.sentiment"), Just("report")],
        ) {
            let src = format!("version = 1\n[ingest]\ninputs = [\"Cargo.toml\"]\n[analyse.terms]\n[{section}]\n{key} = {value}\n");
            let _ = Pipeline::parse(Path::new("p.toml"), src.as_bytes());
        }
    }
}

pub use settings::Settings;

/// The effective settings of a validated pipeline, recorded in `run.json` and baselines so that
/// `wordmill compare` can say what differs between two runs.
mod settings {
    use std::collections::BTreeMap;

    use serde::Serialize;
    use sha2::{Digest, Sha256};

    use wordmill_normalise::{
        Aliases, Fold, NormaliserConfig, StopWords, TokenizerKind, UnicodeForm,
    };

    use super::{IngestSpec, Pipeline, ReportSpec, hex};

    /// Every setting of a pipeline: dotted key (`analyse.terms.min_df`) to its effective value,
    /// written as the pipeline file would write it.
    pub type Settings = BTreeMap<String, serde_json::Value>;

    impl Pipeline {
        /// The effective value of every pipeline-file key, defaults included, as a flat map from
        /// dotted key to value: `analyse.terms.min_df` → `5`, `normalise.tokenizer` →
        /// `"words"` (or `normalise.tokenizer.pattern` → the pattern). The keys of an analyser
        /// the pipeline does not run are absent.
        ///
        /// Values are as a pipeline file writes them (`0` for "no limit" on the byte limits),
        /// except `max_features`, which is `null` when there is no limit, and a stop-word file,
        /// which is read at validation and recorded as `"a list of N words (sha256 …)"`.
        /// `report.dir` is left out (a run's directory names it, and `--out` overrides it), as
        /// are the `[[expect]]` entries, which check a run rather than make it.
        pub fn settings(&self) -> Settings {
            let mut out = Settings::new();
            if let Ok(value) = serde_json::to_value(View::of(self)) {
                flatten(String::new(), value, &mut out);
            }
            out
        }
    }

    /// Objects become dotted keys; anything else is a value.
    fn flatten(prefix: String, value: serde_json::Value, out: &mut Settings) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() {
                        k
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(key, v, out);
                }
            }
            other => {
                out.insert(prefix, other);
            }
        }
    }

    // The views below destructure every configuration struct without `..`: a field added to
    // one of them does not compile until it is given a setting here (or is said not to be one).

    #[derive(Serialize)]
    struct View<'p> {
        version: u32,
        name: &'p str,
        ingest: IngestView<'p>,
        normalise: NormaliseView<'p>,
        /// Each analyser's configuration, serialised with the pipeline file's keys and values.
        analyse: serde_json::Map<String, serde_json::Value>,
        report: ReportView,
    }

    impl<'p> View<'p> {
        fn of(p: &'p Pipeline) -> View<'p> {
            let Pipeline {
                path: _,
                name,
                config_hash: _,
                analysis_hash: _,
                ingest,
                normalise,
                stages,
                report,
                expect: _,
            } = p;
            View {
                version: 1,
                name,
                ingest: IngestView::of(ingest),
                normalise: NormaliseView::of(normalise),
                analyse: stages
                    .iter()
                    .map(|s| (s.key().to_string(), s.fingerprint()))
                    .collect(),
                report: ReportView::of(report),
            }
        }
    }

    #[derive(Serialize)]
    struct IngestView<'p> {
        inputs: &'p [String],
        extensions: Vec<String>,
        order: &'static str,
        allow_empty: bool,
        duplicate_ids: &'static str,
        format: &'static str,
        text_field: &'p str,
        id_field: Option<&'p str>,
        meta_fields: &'p [String],
        meta_from_path: Option<&'p str>,
        on_error: &'static str,
        encoding_errors: &'static str,
        max_document_bytes: u64,
        oversize: &'static str,
        max_decompressed_bytes: u64,
        max_line_bytes: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        encoding: Option<&'static str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        date_field: Option<&'p str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        date_format: Option<&'p str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        undated: Option<&'static str>,
    }

    impl<'p> IngestView<'p> {
        fn of(i: &'p IngestSpec) -> IngestView<'p> {
            let IngestSpec {
                inputs,
                extensions,
                order,
                allow_empty,
                duplicate_ids,
                format,
                text_field,
                id_field,
                meta_fields,
                meta_from_path,
                on_error,
                encoding_errors,
                max_document_bytes,
                oversize,
                max_decompressed_bytes,
                max_line_bytes,
                encoding,
                date_field,
                date_format,
                undated,
            } = i;
            IngestView {
                inputs,
                // The effective list: the format's own when the file names none.
                extensions: extensions.clone().unwrap_or_else(|| {
                    format
                        .default_extensions()
                        .iter()
                        .map(|e| (*e).to_owned())
                        .collect()
                }),
                order: order.name(),
                allow_empty: *allow_empty,
                duplicate_ids: duplicate_ids.name(),
                format: format.name(),
                text_field,
                id_field: id_field.as_deref(),
                meta_fields,
                meta_from_path: meta_from_path.as_ref().map(|r| r.as_str()),
                on_error: on_error.name(),
                encoding_errors: encoding_errors.name(),
                // As the file writes it: 0 is no limit.
                max_document_bytes: max_document_bytes.unwrap_or(0),
                oversize: oversize.name(),
                max_decompressed_bytes: max_decompressed_bytes.unwrap_or(0),
                max_line_bytes: max_line_bytes.unwrap_or(0),
                encoding: (*encoding != wordmill_ingest::TextEncoding::Utf8)
                    .then(|| encoding.name()),
                date_field: date_field.as_deref(),
                date_format: date_format
                    .as_ref()
                    .map(wordmill_ingest::DateFormat::as_str),
                undated: date_field.as_ref().map(|_| undated.name()),
            }
        }
    }

    /// The unicode form, tokenizer and fold are written in their serialised form, which is
    /// the pipeline file's: `"nfc"`, `"words"` or `{ pattern = '...' }` (flattened to
    /// `normalise.tokenizer.pattern`), `"ascii"`.
    #[derive(Serialize)]
    struct NormaliseView<'p> {
        unicode: UnicodeForm,
        lowercase: bool,
        tokenizer: &'p TokenizerKind,
        stopwords: serde_json::Value,
        min_len: usize,
        stem: &'static str,
        fold: Fold,
        aliases: serde_json::Value,
    }

    impl<'p> NormaliseView<'p> {
        fn of(n: &'p NormaliserConfig) -> NormaliseView<'p> {
            // Not a pipeline key: `sentences`, which the driver turns on for the analysers.
            let NormaliserConfig {
                unicode,
                lowercase,
                tokenizer,
                stopwords,
                min_len,
                stem,
                fold,
                aliases,
                ..
            } = n;
            NormaliseView {
                unicode: *unicode,
                lowercase: *lowercase,
                tokenizer,
                stopwords: stopwords_setting(stopwords),
                min_len: *min_len,
                stem: stem.map_or("none", |l| l.name()),
                fold: *fold,
                aliases: aliases_setting(aliases),
            }
        }
    }

    /// `null` for no aliases; a file's pairs as `"N aliases (sha256 …)"` (the path is not kept
    /// after validation; the pairs are).
    fn aliases_setting(aliases: &Aliases) -> serde_json::Value {
        if aliases.is_empty() {
            return serde_json::Value::Null;
        }
        let text: String = aliases
            .pairs()
            .iter()
            .map(|a| format!("{}\t{}\n", a.variant, a.canonical))
            .collect();
        let digest = Sha256::digest(text.as_bytes());
        format!("{} aliases (sha256 {})", aliases.len(), &hex(&digest)[..16]).into()
    }

    /// A list's name, or `"none"`; several layers as an array of those.
    fn stopwords_setting(stopwords: &StopWords) -> serde_json::Value {
        match stopwords {
            StopWords::None => "none".into(),
            StopWords::Builtin(language) => language.code().into(),
            // The file's path is not kept after validation; its words are.
            StopWords::List(words) => {
                let digest = Sha256::digest(words.join("\n").as_bytes());
                format!(
                    "a list of {} words (sha256 {})",
                    words.len(),
                    &hex(&digest)[..16]
                )
                .into()
            }
            StopWords::Layers(layers) => layers.iter().map(stopwords_setting).collect(),
            other => serde_json::to_value(other).unwrap_or_default(),
        }
    }

    #[derive(Serialize)]
    struct ReportView {
        formats: Vec<&'static str>,
    }

    impl ReportView {
        fn of(r: &ReportSpec) -> ReportView {
            // `dir` is where the run went, not how it was made; `--out` overrides it.
            let ReportSpec { dir: _, formats } = r;
            ReportView {
                formats: formats.iter().map(|f| f.name()).collect(),
            }
        }
    }

    #[cfg(test)]
    mod tests {
        use std::path::Path;

        use serde_json::json;
        use wordmill_analyse::OTHER_KEYS;

        use super::super::schema;
        use super::*;

        fn parse(src: &str) -> Pipeline {
            Pipeline::parse(Path::new("p.toml"), src.as_bytes()).unwrap()
        }

        /// Every table and analyser, and a pattern tokenizer, so that every key can appear.
        const FULL: &str = "version = 1\nname = \"full\"\n[ingest]\ninputs = [\"Cargo.toml\"]\n\
            meta_from_path = '(?P<stem>[a-z]+)'\n\
            encoding = \"latin-1\"\ndate_field = \"stem\"\ndate_format = \"%Y\"\nundated = \"keep\"\n\
            [analyse.trends]\nbin = \"year\"\nseries = [\"sentiment\", \"terms\"]\nterms = \"union\"\ntop = 5\nby = \"stem\"\nfrom = \"1961\"\nto = \"2021\"\n\
            [normalise]\ntokenizer = { pattern = '\\w+' }\nstopwords = \"en\"\nstem = \"english\"\n\
            [analyse.terms]\n[analyse.terms.tfidf]\n[analyse.keyness]\nby = \"stem\"\n\
            [analyse.sentiment]\n[analyse.collocations]\n[analyse.kwic]\npatterns = \"strike\"\n\
            [analyse.dictionary]\nfiles = \"../../pipelines/dictionaries/belarus.yml\"\ngroup_by = [\"stem\"]\n\
            [analyse.targets]\nunion = [\"union\", \"state union\"]\ngroup_by = [\"stem\"]\nexamples = 2\n\
            [report]\ndir = \"x\"\n\
            [[expect]]\nmetric = \"corpus.documents\"\nequals = 1\n";

        /// A key added to the parser's SCHEMA without a setting fails here; so does a setting
        /// under a name the parser does not accept.
        #[test]
        fn every_schema_key_has_a_setting_and_every_setting_is_a_schema_key() {
            let settings = parse(FULL).settings();
            // Left out on purpose (see `Pipeline::settings`).
            let left_out = ["expect", "report.dir"];
            let schema = schema();
            for (section, keys) in &schema {
                // A dictionary category (the table of a target name) cannot be configured
                // until `[analyse.dictionary]` exists.
                if section == "expect" || section == "analyse.targets.*" {
                    continue;
                }
                for key in keys {
                    if *key == OTHER_KEYS {
                        // Names: some setting of the section that is none of its listed keys.
                        let prefix = format!("{section}.");
                        assert!(
                            settings.keys().any(|k| k
                                .strip_prefix(&prefix)
                                .is_some_and(|rest| !keys.contains(&rest))),
                            "`{section}` takes names, and FULL names none"
                        );
                        continue;
                    }
                    let q = if section.is_empty() {
                        key.to_string()
                    } else {
                        format!("{section}.{key}")
                    };
                    if left_out.contains(&q.as_str()) {
                        assert!(
                            !settings
                                .keys()
                                .any(|k| k == &q || k.starts_with(&format!("{q}."))),
                            "`{q}` is meant to be left out"
                        );
                        continue;
                    }
                    let prefix = format!("{q}.");
                    assert!(
                        settings.contains_key(&q)
                            || settings.keys().any(|k| k.starts_with(&prefix)),
                        "pipeline key `{q}` has no setting in Pipeline::settings"
                    );
                }
            }
            for key in settings.keys() {
                let (section, last) = key.rsplit_once('.').unwrap_or(("", key.as_str()));
                let accepted = schema.iter().any(|(s, keys)| {
                    s == section && (keys.contains(&last) || keys.contains(&OTHER_KEYS))
                });
                assert!(accepted, "setting `{key}` is not a key the parser accepts");
            }
        }

        #[test]
        fn defaults_are_effective_values() {
            let minimal =
                "version = 1\nname = \"p\"\n[ingest]\ninputs = [\"Cargo.toml\"]\n[analyse.terms]\n";
            let explicit = "version = 1\nname = \"p\"\n[ingest]\ninputs = \"Cargo.toml\"\n\
                format = \"text\"\non_error = \"skip\"\nencoding_errors = \"reject\"\noversize = \"split\"\n\
                [normalise]\nunicode = \"nfc\"\nlowercase = true\ntokenizer = \"words\"\n\
                stopwords = \"none\"\nmin_len = 1\nstem = \"none\"\n\
                [analyse.terms]\nngrams = [1, 1]\ntop = 50\nmin_df = 1\nmax_df = 1.0\n\
                per_document = false\n[analyse.terms.tfidf]\nuse_idf = true\nsmooth_idf = true\n\
                sublinear_tf = false\nnorm = \"l2\"\n\
                [report]\ndir = \"elsewhere\"\nformats = [\"json\", \"csv\", \"md\", \"html\"]\n";
            let (a, b) = (parse(minimal), parse(explicit));
            assert_ne!(a.config_hash, b.config_hash);
            assert_eq!(a.settings(), b.settings());

            let s = a.settings();
            assert_eq!(s["version"], json!(1));
            assert_eq!(s["name"], json!("p"));
            assert_eq!(s["ingest.inputs"], json!(["Cargo.toml"]));
            assert_eq!(s["ingest.id_field"], json!("id"));
            assert_eq!(s["ingest.meta_from_path"], json!(null));
            assert_eq!(
                s["ingest.max_document_bytes"],
                json!(wordmill_ingest::DEFAULT_MAX_DOCUMENT_BYTES)
            );
            assert_eq!(s["normalise.tokenizer"], json!("words"));
            assert_eq!(s["analyse.terms.ngrams"], json!([1, 1]));
            assert_eq!(s["analyse.terms.min_df"], json!(1));
            assert_eq!(s["analyse.terms.max_df"], json!(1.0));
            assert!(s["analyse.terms.max_df"].is_f64());
            assert_eq!(s["analyse.terms.max_features"], json!(null));
            assert_eq!(s["analyse.terms.tfidf.norm"], json!("l2"));
            assert!(!s.keys().any(|k| k.starts_with("analyse.sentiment")));
            assert!(!s.contains_key("report.dir"));
        }

        #[test]
        fn one_changed_key_is_the_one_difference() {
            let src = |min_df: &str| {
                format!(
                    "version = 1\n[ingest]\ninputs = [\"Cargo.toml\"]\n[analyse.terms]\nmin_df = {min_df}\n"
                )
            };
            let (a, b) = (parse(&src("5")).settings(), parse(&src("50")).settings());
            let differ: Vec<&String> = a.keys().filter(|k| a[*k] != b[*k]).collect();
            assert_eq!(differ, vec!["analyse.terms.min_df"]);
            assert_eq!((&a[differ[0]], &b[differ[0]]), (&json!(5), &json!(50)));
            assert_eq!(a.len(), b.len());
            // A count and a fraction of the same size are different settings.
            assert_ne!(parse(&src("1")).settings(), parse(&src("1.0")).settings());
        }

        #[test]
        fn limits_of_zero_are_no_limit_and_patterns_are_kept() {
            let p = parse(
                "version = 1\n[ingest]\ninputs = [\"Cargo.toml\"]\nmax_line_bytes = 0\n\
                 [normalise]\ntokenizer = { pattern = '(?u)\\b\\w\\w+\\b' }\n[analyse.sentiment]\n",
            );
            let s = p.settings();
            assert_eq!(s["ingest.max_line_bytes"], json!(0));
            assert_eq!(s["normalise.tokenizer.pattern"], json!("(?u)\\b\\w\\w+\\b"));
            assert!(!s.contains_key("normalise.tokenizer"));
            assert_eq!(s["analyse.sentiment.lexicon"], json!(["vader"]));
            assert!(!s.keys().any(|k| k.starts_with("analyse.terms")));
        }

        #[test]
        fn settings_survive_a_json_round_trip() {
            let s = parse(FULL).settings();
            let text = serde_json::to_string(&s).unwrap();
            let back: Settings = serde_json::from_str(&text).unwrap();
            assert_eq!(s, back);
        }
    }
}

#[cfg(test)]
mod fingerprint_tests {
    use super::*;

    /// A pipeline configuring every analyser, with every key at a value the mutations below
    /// change.
    const BASE: &str = r#"version = 1
name = "fingerprint"
[ingest]
inputs = ["Cargo.toml"]
format = "jsonl"
text_field = "text"
id_field = "id"
meta_fields = ["party"]
date_field = "party"
[normalise]
[analyse.terms]
[analyse.sentiment]
[analyse.keyness]
by = "party"
[analyse.collocations]
[analyse.kwic]
patterns = ["strike"]
[analyse.dictionary]
files = "../../pipelines/dictionaries/belarus.yml"
[analyse.targets]
parties = ["party*"]
[analyse.trends]
[report]
"#;

    /// For every key the parser accepts in `[ingest]`, `[normalise]` and `[analyse.*]`: a line
    /// that sets it to a value other than the base's (or its default), and whether the analysis
    /// fingerprint must change with it. The test fails for a key missing here, so a new option
    /// must be placed on one side or the other.
    const MUTATIONS: &[(&str, &str, &str, bool)] = &[
        // ingest: what turns bytes into documents is part of the analysis; what chooses the
        // files, what happens to a bad record, resource limits that only refuse input, and id
        // checks are not: states of different shards may differ in them and still merge.
        ("ingest", "inputs", r#"inputs = ["src/lib.rs"]"#, false),
        ("ingest", "extensions", r#"extensions = ["txt"]"#, false),
        ("ingest", "order", r#"order = "natural""#, false),
        ("ingest", "format", r#"format = "csv""#, true),
        // The text read and the dates written into the metadata.
        ("ingest", "encoding", r#"encoding = "latin-1""#, true),
        ("ingest", "date_field", r#"date_field = "year""#, true),
        ("ingest", "date_format", r#"date_format = "%Y""#, true),
        ("ingest", "undated", r#"undated = "keep""#, true),
        ("ingest", "text_field", r#"text_field = "body""#, true),
        ("ingest", "id_field", r#"id_field = "key""#, true),
        ("ingest", "meta_fields", r#"meta_fields = ["year"]"#, true),
        (
            "ingest",
            "meta_from_path",
            r#"meta_from_path = "(?P<year>\\d{4})""#,
            true,
        ),
        ("ingest", "on_error", r#"on_error = "fail""#, false),
        (
            "ingest",
            "encoding_errors",
            r#"encoding_errors = "replace""#,
            true,
        ),
        (
            "ingest",
            "max_document_bytes",
            "max_document_bytes = 1000",
            true,
        ),
        ("ingest", "oversize", r#"oversize = "skip""#, true),
        (
            "ingest",
            "max_decompressed_bytes",
            "max_decompressed_bytes = 1000",
            false,
        ),
        ("ingest", "max_line_bytes", "max_line_bytes = 1000", false),
        ("ingest", "allow_empty", "allow_empty = true", false),
        (
            "ingest",
            "duplicate_ids",
            r#"duplicate_ids = "fail""#,
            false,
        ),
        ("normalise", "unicode", r#"unicode = "nfkc""#, true),
        ("normalise", "lowercase", "lowercase = false", true),
        (
            "normalise",
            "tokenizer",
            r#"tokenizer = { pattern = '\w+' }"#,
            true,
        ),
        (
            "normalise.tokenizer",
            "pattern",
            r#"pattern = '\w\w+'"#,
            true,
        ),
        ("normalise", "stopwords", r#"stopwords = "en""#, true),
        ("normalise", "min_len", "min_len = 3", true),
        ("normalise", "stem", r#"stem = "english""#, true),
        ("normalise", "fold", r#"fold = "ascii""#, true),
        (
            "normalise",
            "aliases",
            r#"aliases = "../../pipelines/aliases/belarus.tsv""#,
            true,
        ),
        ("analyse.terms", "ngrams", "ngrams = [1, 2]", true),
        ("analyse.terms", "top", "top = 7", true),
        ("analyse.terms", "min_df", "min_df = 2", true),
        ("analyse.terms", "max_df", "max_df = 0.5", true),
        ("analyse.terms", "max_features", "max_features = 100", true),
        ("analyse.terms", "tfidf", "tfidf = { norm = \"l1\" }", true),
        ("analyse.terms", "per_document", "per_document = true", true),
        ("analyse.terms.tfidf", "use_idf", "use_idf = false", true),
        (
            "analyse.terms.tfidf",
            "smooth_idf",
            "smooth_idf = false",
            true,
        ),
        (
            "analyse.terms.tfidf",
            "sublinear_tf",
            "sublinear_tf = true",
            true,
        ),
        ("analyse.terms.tfidf", "norm", r#"norm = "none""#, true),
        (
            "analyse.sentiment",
            "lexicon",
            r#"lexicon = ["vader", "../analyse/data/vader/vader_lexicon.txt"]"#,
            true,
        ),
        (
            "analyse.sentiment",
            "rules",
            r#"rules = "vader-news""#,
            true,
        ),
        ("analyse.sentiment", "unit", r#"unit = "document""#, true),
        (
            "analyse.sentiment",
            "group_by",
            r#"group_by = ["party"]"#,
            true,
        ),
        ("analyse.sentiment", "explain", "explain = true", true),
        ("analyse.keyness", "by", r#"by = "year""#, true),
        ("analyse.keyness", "target", r#"target = "d""#, true),
        ("analyse.keyness", "reference", r#"reference = ["r"]"#, true),
        ("analyse.keyness", "measure", r#"measure = "chi2""#, true),
        ("analyse.keyness", "top", "top = 3", true),
        ("analyse.collocations", "min_count", "min_count = 2", true),
        (
            "analyse.collocations",
            "measure",
            r#"measure = "pmi""#,
            true,
        ),
        ("analyse.collocations", "top", "top = 3", true),
        ("analyse.collocations", "span", r#"span = "sentence""#, true),
        (
            "analyse.kwic",
            "patterns",
            r#"patterns = ["strike", "general strike"]"#,
            true,
        ),
        ("analyse.kwic", "window", "window = 3", true),
        ("analyse.kwic", "max_hits", "max_hits = 3", true),
        ("analyse.kwic", "max_hits_csv", "max_hits_csv = 100", true),
        (
            "analyse.dictionary",
            "files",
            r#"files = ["../analyse/tests/data/dictionary/mini.dic"]"#,
            true,
        ),
        (
            "analyse.dictionary",
            "group_by",
            r#"group_by = ["party"]"#,
            true,
        ),
        (
            "analyse.targets",
            "group_by",
            r#"group_by = ["party"]"#,
            true,
        ),
        ("analyse.targets", "examples", "examples = 5", true),
        ("analyse.trends", "bin", r#"bin = "year""#, true),
        ("analyse.trends", "series", r#"series = ["terms"]"#, true),
        ("analyse.trends", "terms", r#"terms = ["union"]"#, true),
        ("analyse.trends", "top", "top = 5", true),
        ("analyse.trends", "by", r#"by = "party""#, true),
        ("analyse.trends", "from", r#"from = "2001-06""#, true),
        ("analyse.trends", "to", r#"to = "2002""#, true),
        // `*`: the target names, each with its patterns; another target is another analysis.
        ("analyse.targets", "*", r#"union = "union""#, true),
        // A target that is a category of the base's dictionary.
        (
            "analyse.targets.*",
            "category",
            r#"labour = { category = "labour" }"#,
            true,
        ),
    ];

    /// The base with `line` setting `key` in `section` (replacing the base's own line for it;
    /// an `[analyse.x.y]` section is written as a table of its own).
    fn with(section: &str, key: &str, line: &str) -> String {
        // The table of a named target is written inline, in its analyser's table.
        let section = section.strip_suffix(".*").unwrap_or(section);
        // The base without its own line for the key, in that section only.
        let mut current = "";
        let base: String = BASE
            .lines()
            .filter(|l| {
                if let Some(name) = l.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                    current = name;
                }
                !(current == section && l.starts_with(&format!("{key} = ")))
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let header = format!("[{section}]\n");
        match base.find(&header) {
            Some(at) => {
                let end = at + header.len();
                format!("{}{line}\n{}", &base[..end], &base[end..])
            }
            None => format!("{base}{header}{line}\n"),
        }
    }

    fn hash(src: &str) -> String {
        match Pipeline::parse(Path::new("p.toml"), src.as_bytes()) {
            Ok(p) => p.analysis_hash,
            Err(e) => panic!("{e}\n--- in ---\n{src}"),
        }
    }

    #[test]
    fn every_analysis_option_changes_the_fingerprint_and_no_other_does() {
        let base = hash(BASE);
        for (section, key, line, changes) in MUTATIONS {
            let changed = hash(&with(section, key, line)) != base;
            assert_eq!(
                changed,
                *changes,
                "[{section}] {key}: the fingerprint {} when it is set ({line})",
                if changed { "changes" } else { "stays the same" }
            );
        }
    }

    #[test]
    fn every_key_is_placed_in_or_out_of_the_fingerprint() {
        let mut missing = Vec::new();
        for (section, keys) in schema() {
            let analysed = section.starts_with("ingest")
                || section.starts_with("normalise")
                || section.starts_with("analyse.");
            if !analysed {
                continue;
            }
            for key in keys {
                if !MUTATIONS
                    .iter()
                    .any(|(s, k, _, _)| *s == section && *k == key)
                {
                    missing.push(format!("[{section}] {key}"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys with no mutation in the fingerprint test: {missing:?}"
        );
    }

    #[test]
    fn the_fingerprint_is_canonical() {
        // Spelling the same configuration otherwise (defaults written out, keys in another
        // order) does not change it.
        let spelled = BASE
            .replace(
                "[analyse.terms]\n",
                "[analyse.terms]\nmin_df = 1\nngrams = [1, 1]\n",
            )
            .replace("[normalise]\n", "[normalise]\nlowercase = true\n");
        assert_eq!(hash(BASE), hash(&spelled));
    }

    /// A dictionary file edited in place changes the fingerprint: its bytes count, not only
    /// its path.
    #[test]
    fn a_dictionary_file_counts_by_its_content() {
        let path = std::env::temp_dir().join(format!(
            "wordmill-dictionary-{}-edited.yml",
            std::process::id()
        ));
        let src = BASE.replace(
            "../../pipelines/dictionaries/belarus.yml",
            &path.display().to_string(),
        );
        std::fs::write(&path, "labour: [strike*]\n").unwrap();
        let before = hash(&src);
        std::fs::write(&path, "labour: [strike*, worker*]\n").unwrap();
        let after = hash(&src);
        let _ = std::fs::remove_file(&path);
        assert_ne!(before, after);
    }

    /// A problem in a dictionary file is an error of the pipeline file at `files`, naming the
    /// dictionary file's line and column.
    #[test]
    fn dictionary_errors_are_reported_at_the_files_key() {
        let path = std::env::temp_dir().join(format!(
            "wordmill-dictionary-{}-bad.yml",
            std::process::id()
        ));
        std::fs::write(&path, "labour:\n  - strike*\n  - 7\n").unwrap();
        let src = BASE.replace(
            "files = \"../../pipelines/dictionaries/belarus.yml\"",
            &format!("files = [\"x.txt\", {:?}]", path.display().to_string()),
        );
        let got: Vec<(usize, usize, String)> =
            match Pipeline::parse(Path::new("p.toml"), src.as_bytes()) {
                Ok(_) => Vec::new(),
                Err(e) => {
                    e.0.into_iter()
                        .map(|e| (e.line, e.col, e.message))
                        .collect()
                }
            };
        let _ = std::fs::remove_file(&path);
        let line = src.lines().position(|l| l.starts_with("files = ")).unwrap() + 1;
        let at = 10 + "\"x.txt\"".len() + 2;
        assert_eq!(
            got,
            [
                (
                    line,
                    10,
                    "`analyse.dictionary.files`: unknown dictionary format \".txt\" of x.txt: expected .yaml, .yml, .json or .dic".to_string()
                ),
                (
                    line,
                    at,
                    format!(
                        "`analyse.dictionary.files`: {}:3:5: category `labour`: expected a pattern (a string; quote numbers), found a number",
                        path.display()
                    )
                ),
            ]
        );
    }
}

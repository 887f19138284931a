//! # wordmill-report
//!
//! The report model of a wordmill run and its renderers.
//!
//! - [`Report`]: the summary that becomes `report.json` (with [`SCHEMA_VERSION`]), `report.md`
//!   and the terminal summary: the corpus totals and one [`Section`] per analyser
//!   ([`TermsSection`], [`SentimentSection`], [`CollocationsSection`], [`DictionarySection`],
//!   [`TargetsSection`], [`KwicSection`], [`TrendsSection`]), each of which renders its own part of every output.
//!   It holds no timings, so the same corpus and pipeline always give the same bytes.
//! - Table writers: [`write_terms_csv`] (`terms.csv`), [`write_tfidf_csv`] (`tfidf.csv`),
//!   [`DocumentsCsv`] (`documents.csv`, row by row), [`write_sentences_jsonl`] (`sentences.jsonl`),
//!   [`write_keyness_csv`] (`keyness.csv`), [`write_collocations_csv`] (`collocations.csv`),
//!   [`write_dictionary_csv`] (`dictionary.csv`), [`write_dictionary_groups_csv`]
//!   (`dictionary_groups.csv`), [`write_targets_csv`] (`targets.csv`),
//!   [`write_target_sentences_jsonl`] (`target_sentences.jsonl`), [`write_kwic_csv`]
//!   (`kwic.csv`);
//!   `groups.csv` is written by the sentiment section.
//! - [`render_markdown`], [`render_html`] (one self-contained page with inline SVG charts) and
//!   [`render_terminal`] for people.
//! - [`OutputDir`]: writes every file atomically (a temporary file in the same directory, then
//!   a rename), so a failed or killed run never leaves a torn file.
//!
//! ## Example
//!
//! ```
//! use wordmill_report::{CorpusSummary, OutputDir, Report, render_markdown};
//!
//! let report = Report::new("demo", "0123abcd", CorpusSummary { documents: 2, bytes: 40, tokens: 8, sentences: 2, skipped: 0 });
//! let dir = std::env::temp_dir().join(format!("wordmill-report-doc-{}", std::process::id()));
//! let out = OutputDir::create(&dir).unwrap();
//! out.write("report.json", |w| report.write_json(w)).unwrap();
//! let md = render_markdown(&report);
//! assert!(md.starts_with("# demo"));
//! let back = Report::from_json(&std::fs::read(dir.join("report.json")).unwrap(), &[]).unwrap();
//! assert_eq!((back.pipeline, back.corpus), (report.pipeline, report.corpus));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```
//!
//! ## Why the design is so
//!
//! An analyser's part of the report is one file in `sections/`: its `report.json` object, its
//! data files, its Markdown, HTML and terminal lines. The renderers draw the corpus and then
//! whatever sections the report holds, so adding an analyser touches no renderer.
//!
//! Tables that grow with the corpus (every term, every document) are streamed to CSV from the
//! analysers' outputs and never copied into the report model; `report.json` stays small and
//! readable whatever the corpus size.

mod html;
mod markdown;
mod model;
mod output;
mod plain;
mod section;
mod sections;
mod tables;
mod text;

/// The JSON crate whose `Value` and `Error` appear in this API ([`Report::from_json`],
/// [`SectionReader`]), at the version this crate uses.
pub use serde_json;

pub use html::{Page, render_html};
pub use markdown::{render_markdown, render_terminal};
pub use model::{CorpusSummary, PipelineInfo, Report, SCHEMA_VERSION, SectionReader};
pub use output::{
    CleanupFailure, Committed, IfLocked, OutputDir, PendingFile, StagedDir, interrupt,
};
pub use section::{
    AnalyserSection, DataFile, DocumentColumn, Figure, Grouping, Headline, HtmlContext, Section,
    WriteFile,
};
pub use sections::collocations::{
    COLLOCATION_COLUMNS, CollocationsSection, CollocationsSummary, TopCollocation,
    write_collocations_csv,
};
pub use sections::dictionary::{
    DICTIONARY_COLUMNS, DictionaryCategory, DictionaryGroup, DictionaryGroupCategory,
    DictionarySection, DictionarySettings, DictionarySummary, write_dictionary_csv,
    write_dictionary_groups_csv,
};
pub use sections::keyness::{
    KEYNESS_COLUMNS, KeyTerm, KeynessSection, KeynessSettings, KeynessSummary, KeynessTarget,
    write_keyness_csv,
};
pub use sections::kwic::{
    KWIC_COLUMNS, KwicLine, KwicSection, KwicSummary, PatternSummary, write_kwic_csv,
};
pub use sections::sentiment::{ArcSample, SentimentSection, arc_choice};
pub use sections::sentiment::{
    DOCUMENT_COLUMNS, GroupReport, Quote, SentimentReport, document_sentiment_cells,
    push_sentence_line, write_sentence_line, write_sentences_jsonl,
};
pub use sections::targets::{
    TARGETS_COLUMNS, TargetFigures, TargetGroupReport, TargetQuote, TargetReport, TargetsSection,
    TargetsSettings, TargetsSummary, write_target_sentences_jsonl, write_targets_csv,
};
pub use sections::terms::{TermsSection, TermsSummary, TopTerm};
pub use sections::trends::{
    MovementSummary, TRENDS_COLUMNS, TrendsSection, TrendsSummary, write_trends_csv,
};
pub use tables::{DocumentsCsv, MetadataKeys, write_terms_csv, write_tfidf_csv};
pub use text::{plural, thousands};

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

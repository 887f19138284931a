//! The report model.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use wordmill_analyse::{PruneStats, TermsOutput};

/// Version of the `report.json` layout. Raised on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything a run found, in a form small enough to read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Layout version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Which pipeline produced it.
    pub pipeline: PipelineInfo,
    /// Size of the corpus.
    pub corpus: CorpusSummary,
    /// Term statistics, when the pipeline counts terms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms: Option<TermsSummary>,
    /// Sentiment, when the pipeline scores it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<crate::sentiment::SentimentReport>,
}

/// The pipeline a report came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineInfo {
    /// The pipeline's `name`.
    pub name: String,
    /// SHA-256 of the pipeline file.
    pub config_hash: String,
}

/// Corpus totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CorpusSummary {
    /// Documents analysed.
    pub documents: u64,
    /// Bytes of text analysed (UTF-8).
    pub bytes: u64,
    /// Tokens after normalisation.
    pub tokens: u64,
    /// Sentences.
    pub sentences: u64,
    /// Records skipped by ingest (listed in `run.json`).
    pub skipped: u64,
}

/// Term statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TermsSummary {
    /// Documents counted (idf denominator).
    pub documents: u64,
    /// Unigram tokens counted.
    pub tokens: u64,
    /// Terms kept after `min_df`/`max_df`/`max_features`.
    pub vocabulary_size: u64,
    /// What pruning removed.
    pub pruned: PruneStats,
    /// The most frequent terms: count desc, then term asc.
    pub top: Vec<TopTerm>,
}

/// One of the top terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopTerm {
    /// 1-based rank.
    pub rank: u32,
    /// The term (n-grams joined by one space).
    pub term: String,
    /// Occurrences in the corpus.
    pub count: u64,
    /// Documents containing it.
    pub doc_freq: u64,
    /// Its inverse document frequency, when idf is used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idf: Option<f64>,
}

impl TermsSummary {
    /// Summarises a finished terms analysis.
    pub fn from_output(out: &TermsOutput) -> Self {
        TermsSummary {
            documents: out.n_docs,
            tokens: out.n_tokens,
            vocabulary_size: out.vocabulary.len() as u64,
            pruned: out.pruned,
            top: out
                .top
                .iter()
                .enumerate()
                .map(|(i, t)| TopTerm {
                    rank: i as u32 + 1,
                    term: t.term.clone(),
                    count: t.count,
                    doc_freq: t.doc_freq,
                    idf: t.idf,
                })
                .collect(),
        }
    }
}

impl Report {
    /// A report with corpus totals and no analysis sections yet.
    pub fn new(name: &str, config_hash: &str, corpus: CorpusSummary) -> Self {
        Report {
            schema_version: SCHEMA_VERSION,
            pipeline: PipelineInfo {
                name: name.to_string(),
                config_hash: config_hash.to_string(),
            },
            corpus,
            terms: None,
            sentiment: None,
        }
    }

    /// Writes `report.json`: pretty-printed, keys in a fixed order, a final newline.
    pub fn write_json(&self, w: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self).map_err(io::Error::other)?;
        w.write_all(b"\n")
    }
}

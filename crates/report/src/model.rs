//! The report model.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use crate::section::Section;

/// Version of the `report.json` layout. Raised on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything a run found, in a form small enough to read: the corpus totals and one
/// [`Section`] per analyser, in the order they were added.
///
/// `report.json` is `{schema_version, pipeline, corpus, <key>: <section>, ...}`.
#[derive(Debug)]
pub struct Report {
    /// Layout version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Which pipeline produced it.
    pub pipeline: PipelineInfo,
    /// Size of the corpus.
    pub corpus: CorpusSummary,
    /// The analysers' sections.
    pub sections: Vec<Box<dyn Section>>,
}

impl Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(3 + self.sections.len()))?;
        map.serialize_entry("schema_version", &self.schema_version)?;
        map.serialize_entry("pipeline", &self.pipeline)?;
        map.serialize_entry("corpus", &self.corpus)?;
        for section in &self.sections {
            map.serialize_entry(section.key(), section.json())?;
        }
        map.end()
    }
}

/// How one kind of section is read back from `report.json`.
#[derive(Debug, Clone, Copy)]
pub struct SectionReader {
    /// The section's key in `report.json`.
    pub key: &'static str,
    /// What `wordmill compare` calls the section's results ("top terms", "sentiment").
    pub title: &'static str,
    /// What the analyser does, for "… by A only" ("counted", "scored").
    pub verb: &'static str,
    /// Every file the section may write into a report directory (`terms.csv`): a run refuses
    /// a report directory where an input could be one of them.
    pub files: &'static [&'static str],
    /// Reads the section from its object.
    pub read: fn(serde_json::Value) -> Result<Box<dyn Section>, serde_json::Error>,
}

/// The fixed part of `report.json`, and the sections as they stand.
#[derive(Deserialize)]
struct ReportJson {
    schema_version: u32,
    pipeline: PipelineInfo,
    corpus: CorpusSummary,
    #[serde(flatten)]
    sections: std::collections::BTreeMap<String, serde_json::Value>,
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
            sections: Vec::new(),
        }
    }

    /// Adds a section after the others.
    pub fn push(&mut self, section: impl Section) {
        self.sections.push(Box::new(section));
    }

    /// The section of type `T`, if the report has one.
    pub fn section<T: Section>(&self) -> Option<&T> {
        self.sections
            .iter()
            .find_map(|s| s.as_any().downcast_ref::<T>())
    }

    /// The section of type `T`, mutably.
    pub fn section_mut<T: Section>(&mut self) -> Option<&mut T> {
        self.sections
            .iter_mut()
            .find_map(|s| s.as_any_mut().downcast_mut::<T>())
    }

    /// Reads `report.json` back, each section with the reader of its key, in the order of
    /// `readers` (the order a run adds them). A section without a reader, or one whose
    /// object does not read, is an error naming it; so is another `schema_version`.
    pub fn from_json(bytes: &[u8], readers: &[SectionReader]) -> Result<Report, serde_json::Error> {
        use serde::de::Error as _;
        let mut json: ReportJson = serde_json::from_slice(bytes)?;
        if json.schema_version != SCHEMA_VERSION {
            return Err(serde_json::Error::custom(format!(
                "report.json of schema version {}, this wordmill reads version {SCHEMA_VERSION}",
                json.schema_version
            )));
        }
        let mut sections = Vec::with_capacity(json.sections.len());
        for reader in readers {
            if let Some(value) = json.sections.remove(reader.key) {
                let section = (reader.read)(value).map_err(|e| {
                    serde_json::Error::custom(format!("section `{}`: {e}", reader.key))
                })?;
                sections.push(section);
            }
        }
        if let Some(key) = json.sections.keys().next() {
            return Err(serde_json::Error::custom(format!(
                "section `{key}` is not one this wordmill knows"
            )));
        }
        Ok(Report {
            schema_version: json.schema_version,
            pipeline: json.pipeline,
            corpus: json.corpus,
            sections,
        })
    }

    /// Writes `report.json`: pretty-printed, keys in a fixed order, a final newline.
    pub fn write_json(&self, w: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self).map_err(io::Error::other)?;
        w.write_all(b"\n")
    }
}

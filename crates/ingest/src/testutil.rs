//! Helpers shared by the unit tests: scratch directories and collecting a source.

// Some functions here serve only the tests of optional features.
#![cfg_attr(
    not(all(feature = "gzip", feature = "zstd", feature = "glob")),
    allow(dead_code)
)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use wordmill_model::Document;

use crate::{Format, IngestError, IngestStats, OnError, Source, SourceConfig};

/// A scratch directory under the system temporary directory, removed on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub(crate) fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("wordmill-ingest-{}-{name}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `bytes` to `relative`, creating parent directories.
    pub(crate) fn write(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// Writes `bytes` gzip-compressed to `relative`.
    #[cfg(feature = "gzip")]
    pub(crate) fn write_gz(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes.as_ref()).unwrap();
        self.write(relative, encoder.finish().unwrap())
    }

    /// Writes `bytes` zstd-compressed to `relative`.
    #[cfg(feature = "zstd")]
    pub(crate) fn write_zst(&self, relative: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        self.write(relative, zstd::encode_all(bytes.as_ref(), 3).unwrap())
    }

    /// A configuration reading `inputs` relative to this directory.
    pub(crate) fn config(&self, inputs: &[&str], format: Format) -> SourceConfig {
        SourceConfig {
            inputs: inputs.iter().map(|s| s.to_string()).collect(),
            base_dir: self.0.clone(),
            format,
            ..SourceConfig::default()
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Opens `config` and reads it to the end, under `OnError::Skip` (panics on `Err`).
pub(crate) fn read_all(mut config: SourceConfig) -> (Vec<Document>, IngestStats) {
    config.on_error = OnError::Skip;
    let mut source = Source::with_config(config).unwrap();
    let docs = source.by_ref().map(Result::unwrap).collect();
    let stats = source.into_stats();
    assert_reconciles(&stats);
    (docs, stats)
}

/// `records_seen + parts_added == documents + skipped`, `parts_added` as the split list says.
pub(crate) fn assert_reconciles(stats: &IngestStats) {
    let added: u64 = stats
        .split
        .iter()
        .map(|s| s.parts - 1 + u64::from(s.rest_skipped))
        .sum();
    assert_eq!(stats.parts_added, added, "{stats:#?}");
    assert_eq!(
        stats.records_seen + stats.parts_added,
        stats.documents + stats.skipped.len() as u64,
        "{stats:#?}"
    );
}

/// Opens `config` under `OnError::Fail` and reads to the end, returning the documents yielded
/// before the error and the error; checks the iterator ends after it.
pub(crate) fn read_until_error(mut config: SourceConfig) -> (Vec<Document>, IngestError) {
    config.on_error = OnError::Fail;
    let mut source = Source::with_config(config).unwrap();
    let mut docs = Vec::new();
    for item in source.by_ref() {
        match item {
            Ok(doc) => docs.push(doc),
            Err(err) => {
                assert!(
                    source.next().is_none(),
                    "the iterator must end after an error"
                );
                assert!(source.next().is_none());
                return (docs, err);
            }
        }
    }
    panic!("expected an error, got {} documents", docs.len());
}

/// The ids of `docs`.
pub(crate) fn ids(docs: &[Document]) -> Vec<&str> {
    docs.iter().map(|d| d.id.as_str()).collect()
}

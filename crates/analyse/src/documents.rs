//! Per-document facts every report needs: id, metadata, size, tokens and sentences.

use serde::{Deserialize, Serialize};
use wordmill_model::{Merge, Metadata, NormalisedDoc, Ordinal};

use crate::Analyser;

/// Collects one [`DocumentStats`] row per document.
///
/// ```
/// use wordmill_analyse::{Analyser, Documents};
/// use wordmill_model::{Document, Metadata, NormalisedDoc, Span};
///
/// let doc = Document::new(0, "a", "One. Two.", Metadata::new());
/// let nd = NormalisedDoc { doc: &doc, sentences: vec![Span::new(0, 4), Span::new(5, 9)], tokens: vec![] };
/// let analyser = Documents;
/// let mut partial = analyser.partial();
/// analyser.observe(&mut partial, &nd);
/// let rows = analyser.finish(partial);
/// assert_eq!((rows[0].id.as_str(), rows[0].sentences, rows[0].bytes), ("a", 2, 9));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Documents;

/// One document's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentStats {
    /// Position in the input stream.
    pub ordinal: Ordinal,
    /// The document id.
    pub id: String,
    /// Its metadata.
    pub meta: Metadata,
    /// Size of its text in bytes (UTF-8).
    pub bytes: u64,
    /// Number of tokens after the normalise filters.
    pub tokens: u64,
    /// Number of sentences.
    pub sentences: u64,
}

/// Partial state of [`Documents`]: rows in any order, sorted by ordinal when finished.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentsPartial {
    /// Rows seen so far.
    pub rows: Vec<DocumentStats>,
}

impl Merge for DocumentsPartial {
    fn merge(&mut self, mut other: Self) {
        if other.rows.len() > self.rows.len() {
            std::mem::swap(&mut self.rows, &mut other.rows);
        }
        self.rows.append(&mut other.rows);
    }
}

impl Analyser for Documents {
    type Partial = DocumentsPartial;
    type Output = Vec<DocumentStats>;

    fn partial(&self) -> DocumentsPartial {
        DocumentsPartial::default()
    }

    fn observe(&self, partial: &mut DocumentsPartial, doc: &NormalisedDoc<'_>) {
        partial.rows.push(DocumentStats {
            ordinal: doc.doc.ordinal,
            id: doc.doc.id.clone(),
            meta: doc.doc.meta.clone(),
            bytes: doc.doc.text.len() as u64,
            tokens: doc.tokens.len() as u64,
            sentences: doc.sentences.len() as u64,
        });
    }

    fn finish(&self, mut partial: DocumentsPartial) -> Vec<DocumentStats> {
        partial.rows.sort_by_key(|r| r.ordinal);
        partial.rows
    }
}

//! The seam between an analyser and the report: a [`Section`] is one analyser's part of every
//! rendering — its object in `report.json`, its data files, its Markdown, its part of the HTML
//! page and its lines of the terminal summary.
//!
//! An analyser's section lives in one file of `sections/`; the report renders whatever
//! sections it holds, in the order they were added, so a new analyser adds a section and
//! touches no renderer.

use std::any::Any;
use std::fmt;
use std::io::{self, Write};

use wordmill_analyse::{Analyser, DocumentStats};

use crate::html::Page;
use crate::model::{Report, SectionReader};

/// Writes a data file's bytes.
pub type WriteFile<'a> = Box<dyn Fn(&mut dyn Write) -> io::Result<()> + Send + Sync + 'a>;

/// A data file a section writes beside `report.json` (with the `csv` format).
pub struct DataFile<'a> {
    /// The file name in the report directory (`terms.csv`).
    pub name: &'static str,
    /// Writes the file's bytes.
    pub write: WriteFile<'a>,
}

impl fmt::Debug for DataFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DataFile")
            .field("name", &self.name)
            .finish()
    }
}

/// A column a section adds to the HTML page's document table: its header and each document's
/// cell, by ordinal.
pub struct DocumentColumn<'a> {
    /// The column header.
    pub header: &'static str,
    /// The cell of the document with this ordinal (empty when there is nothing to say).
    pub cell: Box<dyn Fn(u64) -> String + 'a>,
}

/// Groups of documents a section defines (by metadata keys), which other sections may draw
/// per group.
#[derive(Debug, Clone, Default)]
pub struct Grouping<'a> {
    /// The metadata keys of the groups.
    pub keys: &'a [String],
    /// Each group's values of those keys, in group order.
    pub groups: Vec<&'a [String]>,
    /// Each document's ordinal with its group's values.
    pub documents: Vec<(u64, &'a [String])>,
}

/// What every section may read when it draws its part of the HTML page.
pub struct HtmlContext<'a> {
    /// The whole report.
    pub report: &'a Report,
    /// One row per document, in ordinal order (the first rows only, for a large corpus).
    pub documents: &'a [DocumentStats],
    /// The groups of the first section that defines some.
    pub grouping: Option<Grouping<'a>>,
}

/// What `wordmill compare` follows of a section between two runs: its ranking (the items whose
/// rank changed are listed) and its headline figures (those that changed are listed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Headline {
    /// The ranked items, first first; empty for a section that ranks nothing.
    pub ranking: Vec<String>,
    /// The headline figures, in the order they are shown.
    pub figures: Vec<Figure>,
}

/// One headline figure of a section.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// Its name (`compound_mean`, `histogram[3]`).
    pub name: String,
    /// Its value.
    pub value: f64,
    /// Whether it counts something (shown as a whole number).
    pub count: bool,
}

/// One analyser's part of a report (see the module documentation).
///
/// Only `key`, `json` and the `Any` casts are required; a section with nothing to say in a
/// rendering keeps the default, which says nothing.
pub trait Section: Any + fmt::Debug + Send + Sync {
    /// Its key in `report.json`: the analyser's `[analyse.<key>]` table.
    fn key(&self) -> &'static str;

    /// Its object in `report.json`.
    fn json(&self) -> &dyn erased_serde::Serialize;

    /// The data files it writes with the `csv` format, in order.
    fn files(&self) -> Vec<DataFile<'_>> {
        Vec::new()
    }

    /// Appends its part of `report.md`.
    fn markdown(&self, _out: &mut String) {}

    /// Appends its lines of the terminal summary (each cut to 80 columns afterwards).
    fn terminal(&self, _lines: &mut Vec<String>) {}

    /// Appends its part of `report.html`.
    fn html(&self, _page: &mut Page, _ctx: &HtmlContext<'_>) {}

    /// A column of the HTML page's document table, if it has one.
    fn document_column(&self) -> Option<DocumentColumn<'_>> {
        None
    }

    /// The groups of documents it defines, if any.
    fn grouping(&self) -> Option<Grouping<'_>> {
        None
    }

    /// What `wordmill compare` follows of it between two runs.
    fn headline(&self) -> Headline {
        Headline::default()
    }

    /// As `Any`, to reach the section's own type.
    fn as_any(&self) -> &dyn Any;

    /// As `Any`, mutably.
    fn as_any_mut(&mut self) -> &mut dyn Any;
}

/// The section of analyser `A`: made from its output, and read back from `report.json`. The
/// pipeline's registry pairs each analyser with its section through this trait.
pub trait AnalyserSection<A: Analyser>: Section + Sized {
    /// Reads the section back from its object in `report.json`.
    const READER: SectionReader;

    /// The section of `analyser`'s finished `output`.
    fn from_output(analyser: &A, output: A::Output) -> Self;
}

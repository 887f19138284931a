//! The dictionary section: `report.json`'s `dictionary`, `dictionary.csv` (every document ×
//! category) and, with `group_by`, `dictionary_groups.csv`; a table of categories in
//! `report.md` (and one of groups × categories), bar charts of each category's share of tokens
//! per group in `report.html`, and one line in the terminal summary.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use serde::{Deserialize, Serialize};
use wordmill_analyse::{Dictionary, DictionaryOutput, share};

use crate::html::*;
use crate::markdown::{fit, md};
use crate::model::SectionReader;
use crate::section::{AnalyserSection, DataFile, Figure, Headline, HtmlContext, Section};
use crate::tables::Rows;
use crate::text::{plural, thousands};

/// Categories on the terminal line.
const TERMINAL_CATEGORIES: usize = 3;

/// What `[analyse.dictionary]` asked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DictionarySettings {
    /// The dictionary files, as the pipeline file names them.
    pub files: Vec<String>,
    /// The metadata keys of the groups.
    pub group_by: Vec<String>,
}

/// One category over the corpus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DictionaryCategory {
    /// Its name (`parent.child` when nested).
    pub name: String,
    /// Its patterns.
    pub patterns: u64,
    /// Its matches in every document.
    pub count: u64,
    /// Documents with at least one match.
    pub documents: u64,
    /// `count` over the corpus's tokens.
    pub share: f64,
}

/// One category in one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DictionaryGroupCategory {
    /// The category.
    pub name: String,
    /// Its matches in the group's documents.
    pub count: u64,
    /// `count` over the group's tokens.
    pub share: f64,
}

/// One group of documents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DictionaryGroup {
    /// The group: each `group_by` key with its value (empty when a document lacks the key).
    pub key: BTreeMap<String, String>,
    /// Its documents.
    pub documents: u64,
    /// Their tokens.
    pub tokens: u64,
    /// Every category, in dictionary order.
    pub categories: Vec<DictionaryGroupCategory>,
}

/// The dictionary analysis in `report.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DictionarySummary {
    /// The settings it ran with.
    pub settings: DictionarySettings,
    /// Documents analysed.
    pub documents: u64,
    /// Their tokens.
    pub tokens: u64,
    /// Every category, in dictionary order.
    pub categories: Vec<DictionaryCategory>,
    /// Every group, by its values in code-point order; empty without `group_by`.
    pub groups: Vec<DictionaryGroup>,
}

impl DictionarySummary {
    /// Summarises a finished dictionary analysis run with `dictionary`'s settings.
    pub fn from_output(dictionary: &Dictionary, out: &DictionaryOutput) -> Self {
        let c = dictionary.config();
        DictionarySummary {
            settings: DictionarySettings {
                files: c.files.iter().map(|f| f.path.clone()).collect(),
                group_by: c.group_by.clone(),
            },
            documents: out.documents.len() as u64,
            tokens: out.tokens,
            categories: out
                .categories
                .iter()
                .map(|t| DictionaryCategory {
                    name: t.name.clone(),
                    patterns: t.patterns,
                    count: t.count,
                    documents: t.documents,
                    share: share(t.count, out.tokens),
                })
                .collect(),
            groups: out
                .groups
                .iter()
                .map(|g| DictionaryGroup {
                    key: out
                        .group_by
                        .iter()
                        .cloned()
                        .zip(g.values.iter().cloned())
                        .collect(),
                    documents: g.documents,
                    tokens: g.tokens,
                    categories: out
                        .categories
                        .iter()
                        .zip(&g.counts)
                        .map(|(t, &count)| DictionaryGroupCategory {
                            name: t.name.clone(),
                            count,
                            share: share(count, g.tokens),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The dictionary analyser's section: its summary and, in a run, its whole output (for the
/// CSV files).
#[derive(Debug, Clone, PartialEq)]
pub struct DictionarySection {
    /// What `report.json` holds.
    pub summary: DictionarySummary,
    /// The whole output; `None` for a section read back from `report.json`.
    pub output: Option<DictionaryOutput>,
}

impl AnalyserSection<Dictionary> for DictionarySection {
    const READER: SectionReader = SectionReader {
        key: "dictionary",
        title: "dictionary categories",
        verb: "counted",
        files: &["dictionary.csv", "dictionary_groups.csv"],
        read: |v| {
            Ok(Box::new(DictionarySection {
                summary: serde_json::from_value(v)?,
                output: None,
            }))
        },
    };

    fn from_output(dictionary: &Dictionary, output: DictionaryOutput) -> Self {
        DictionarySection {
            summary: DictionarySummary::from_output(dictionary, &output),
            output: Some(output),
        }
    }
}

/// The columns of `dictionary.csv`.
pub const DICTIONARY_COLUMNS: &str = "doc_id,category,count,tokens";

/// Writes `dictionary.csv`: one row per document and category, zeros included, documents in
/// ordinal order, categories in dictionary order.
pub fn write_dictionary_csv(w: &mut dyn Write, out: &DictionaryOutput) -> io::Result<()> {
    let mut rows = Rows::new(w);
    rows.header(DICTIONARY_COLUMNS)?;
    for d in &out.documents {
        for (category, &count) in out.categories.iter().zip(&d.counts) {
            rows.text(&d.id, true);
            rows.text(&category.name, false);
            rows.integer(count);
            rows.integer(d.tokens);
            rows.end()?;
        }
    }
    rows.finish()
}

/// Writes `dictionary_groups.csv`: one column per `group_by` key, then
/// `category,count,tokens,share`; one row per group and category, groups by their values in
/// code-point order, categories in dictionary order.
pub fn write_dictionary_groups_csv(w: &mut dyn Write, out: &DictionaryOutput) -> io::Result<()> {
    let mut rows = Rows::new(w);
    let mut header = Vec::new();
    for k in &out.group_by {
        crate::plain::push_csv_text(&mut header, k.as_bytes());
        header.push(b',');
    }
    header.extend_from_slice(b"category,count,tokens,share");
    rows.header(&String::from_utf8_lossy(&header))?;
    for g in &out.groups {
        for (category, &count) in out.categories.iter().zip(&g.counts) {
            for (i, v) in g.values.iter().enumerate() {
                rows.text(v, i == 0);
            }
            rows.text(&category.name, g.values.is_empty());
            rows.integer(count);
            rows.integer(g.tokens);
            rows.float(share(count, g.tokens));
            rows.end()?;
        }
    }
    rows.finish()
}

/// A share as a percentage with 2 decimals.
fn percent(x: f64) -> String {
    format!("{} %", num(x * 100.0, 2))
}

impl Section for DictionarySection {
    fn key(&self) -> &'static str {
        "dictionary"
    }

    /// The categories by count (most first, ties in dictionary order), and each category's
    /// count.
    fn headline(&self) -> Headline {
        let mut ranked: Vec<&DictionaryCategory> = self.summary.categories.iter().collect();
        ranked.sort_by_key(|c| std::cmp::Reverse(c.count));
        Headline {
            ranking: ranked.iter().map(|c| c.name.clone()).collect(),
            figures: self
                .summary
                .categories
                .iter()
                .map(|c| Figure {
                    name: format!("{}.count", c.name),
                    value: c.count as f64,
                    count: true,
                })
                .collect(),
        }
    }

    fn json(&self) -> &dyn erased_serde::Serialize {
        &self.summary
    }

    fn files(&self) -> Vec<DataFile<'_>> {
        let Some(out) = &self.output else {
            return Vec::new();
        };
        let mut files = vec![DataFile {
            name: "dictionary.csv",
            write: Box::new(move |w| write_dictionary_csv(w, out)),
        }];
        if !out.group_by.is_empty() {
            files.push(DataFile {
                name: "dictionary_groups.csv",
                write: Box::new(move |w| write_dictionary_groups_csv(w, out)),
            });
        }
        files
    }

    fn markdown(&self, s: &mut String) {
        let k = &self.summary;
        let _ = writeln!(s, "## Dictionary\n");
        let _ = writeln!(
            s,
            "Matches of each category in {} ({}), longest match first; the share is matches per token.\n",
            plural(k.documents, "document", "documents"),
            plural(k.tokens, "token", "tokens")
        );
        let _ = writeln!(s, "| category | patterns | matches | documents | share |");
        let _ = writeln!(s, "| --- | ---: | ---: | ---: | ---: |");
        for c in &k.categories {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md(&c.name),
                thousands(c.patterns),
                thousands(c.count),
                thousands(c.documents),
                percent(c.share)
            );
        }
        s.push('\n');
        if k.groups.is_empty() {
            return;
        }
        let _ = writeln!(
            s,
            "Share of tokens by {}:\n",
            md(&k.settings.group_by.join(", "))
        );
        let _ = write!(s, "| group | documents |");
        for c in &k.categories {
            let _ = write!(s, " {} |", md(&c.name));
        }
        let _ = write!(s, "\n| --- | ---: |");
        for _ in &k.categories {
            s.push_str(" ---: |");
        }
        s.push('\n');
        for g in &k.groups {
            let _ = write!(
                s,
                "| {} | {} |",
                md(&group_label(
                    &k.settings.group_by,
                    &ordered(&k.settings.group_by, g)
                )),
                thousands(g.documents)
            );
            for c in &g.categories {
                let _ = write!(s, " {} |", percent(c.share));
            }
            s.push('\n');
        }
        s.push('\n');
    }

    fn terminal(&self, lines: &mut Vec<String>) {
        let mut ranked: Vec<&DictionaryCategory> = self.summary.categories.iter().collect();
        ranked.sort_by_key(|c| std::cmp::Reverse(c.count));
        let list: Vec<String> = ranked
            .iter()
            .take(TERMINAL_CATEGORIES)
            .map(|c| format!("{} {}", fit(&c.name, 20), percent(c.share)))
            .collect();
        lines.push(format!("  dictionary  {}", list.join(", ")));
    }

    fn html(&self, page: &mut Page, _ctx: &HtmlContext<'_>) {
        dictionary_html(page, &self.summary);
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

/// A group's values in the order of the `group_by` keys.
fn ordered(keys: &[String], g: &DictionaryGroup) -> Vec<String> {
    keys.iter()
        .map(|k| g.key.get(k).cloned().unwrap_or_default())
        .collect()
}

fn dictionary_html(page: &mut Page, k: &DictionarySummary) {
    page.section("dictionary", "Dictionary");
    let _ = writeln!(
        page.body,
        "<p>Matches of each dictionary category in {} ({}), as a share of tokens: the longest match first, left to right, a token counted once; when patterns of several categories match the same words, each category counts it.</p>",
        escape(&plural(k.documents, "document", "documents")),
        escape(&plural(k.tokens, "token", "tokens"))
    );
    let rows = |list: &mut dyn Iterator<Item = (String, u64, f64)>| -> Vec<(String, f64, String)> {
        list.map(|(name, count, share)| {
            (
                name,
                share * 100.0,
                format!("{} ({})", percent(share), thousands(count)),
            )
        })
        .collect()
    };
    // One group (or none) has nothing to compare: one chart of every category.
    if k.groups.len() <= 1 {
        let bars = rows(
            &mut k
                .categories
                .iter()
                .map(|c| (c.name.clone(), c.count, c.share)),
        );
        hbar_chart(
            &mut page.body,
            "Dictionary categories",
            "share of tokens, % (matches)",
            &bars,
            BLUE,
        );
    } else {
        let shown = &k.categories[..k.categories.len().min(MAX_PANELS)];
        if k.categories.len() > shown.len() {
            page.notes.push(format!(
                "Dictionary charts are drawn for the first {} of {} categories; dictionary_groups.csv has them all.",
                shown.len(),
                thousands(k.categories.len() as u64)
            ));
        }
        let groups = &k.groups[..k.groups.len().min(MAX_GROUPS)];
        if k.groups.len() > groups.len() {
            page.notes.push(format!(
                "Dictionary charts show the first {} of {} groups; dictionary_groups.csv has them all.",
                groups.len(),
                thousands(k.groups.len() as u64)
            ));
        }
        for (i, c) in shown.iter().enumerate() {
            let bars = rows(&mut groups.iter().map(|g| {
                let x = &g.categories[i];
                (
                    group_label(&k.settings.group_by, &ordered(&k.settings.group_by, g)),
                    x.count,
                    x.share,
                )
            }));
            let _ = writeln!(page.body, "<h3>{}</h3>", escape(&c.name));
            hbar_chart(
                &mut page.body,
                &format!("{} by {}", c.name, k.settings.group_by.join(", ")),
                "share of tokens, % (matches)",
                &bars,
                CATEGORICAL[i % CATEGORICAL.len()],
            );
        }
    }
    let s = &mut page.body;
    table_open(
        s,
        "Data",
        &["category", "patterns", "matches", "documents", "share"],
    );
    for c in &k.categories {
        table_row(
            s,
            &[
                c.name.clone(),
                thousands(c.patterns),
                thousands(c.count),
                thousands(c.documents),
                percent(c.share),
            ],
        );
    }
    table_close(s);
    page.end();
}

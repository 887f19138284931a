//! The terms section: `report.json`'s `terms`, `terms.csv` and `tfidf.csv`, the top-terms
//! table of `report.md`, the top-terms chart and the distinctive terms of `report.html`, and
//! the vocabulary line of the terminal summary.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use wordmill_analyse::{PruneStats, Terms, TermsOutput};

use crate::html::*;
use crate::markdown::{fit, md};
use crate::model::SectionReader;
use crate::section::{AnalyserSection, DataFile, Grouping, HtmlContext, Section};
use crate::tables::{write_terms_csv, write_tfidf_csv};
use crate::text::{plural, thousands};

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

/// The terms analyser's section: its summary and, in a run, its whole output (for the data
/// files and the per-document charts).
#[derive(Debug, Clone, PartialEq)]
pub struct TermsSection {
    /// What `report.json` holds.
    pub summary: TermsSummary,
    /// The whole output; `None` for a section read back from `report.json`.
    pub output: Option<TermsOutput>,
}

impl TermsSection {
    /// The section of a finished terms analysis.
    pub fn new(output: TermsOutput) -> Self {
        TermsSection {
            summary: TermsSummary::from_output(&output),
            output: Some(output),
        }
    }
}

impl AnalyserSection<Terms> for TermsSection {
    /// Reads the section back from its object in `report.json`.
    const READER: SectionReader = SectionReader {
        key: "terms",
        title: "top terms",
        verb: "counted",
        files: &["terms.csv", "tfidf.csv"],
        read: |v| {
            Ok(Box::new(TermsSection {
                summary: serde_json::from_value(v)?,
                output: None,
            }))
        },
    };

    fn from_output(_terms: &Terms, output: TermsOutput) -> Self {
        TermsSection::new(output)
    }
}

impl Section for TermsSection {
    fn key(&self) -> &'static str {
        "terms"
    }

    fn headline(&self) -> crate::section::Headline {
        crate::section::Headline {
            ranking: self.summary.top.iter().map(|t| t.term.clone()).collect(),
            figures: Vec::new(),
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
            name: "terms.csv",
            write: Box::new(move |w| write_terms_csv(w, out)),
        }];
        if out.documents.is_some() {
            files.push(DataFile {
                name: "tfidf.csv",
                write: Box::new(move |w| write_tfidf_csv(w, out)),
            });
        }
        files
    }

    fn markdown(&self, s: &mut String) {
        let t = &self.summary;
        let _ = writeln!(s, "## Top terms\n");
        let _ = writeln!(
            s,
            "{} kept from {} in {}.\n",
            plural(t.vocabulary_size, "distinct term", "distinct terms"),
            plural(t.tokens, "token", "tokens"),
            plural(t.documents, "document", "documents")
        );
        if t.top.is_empty() {
            let _ = writeln!(s, "No term survived the filters.\n");
        } else {
            let with_idf = t.top.iter().any(|x| x.idf.is_some());
            if with_idf {
                let _ = writeln!(s, "| rank | term | count | documents | idf |");
                let _ = writeln!(s, "| ---: | --- | ---: | ---: | ---: |");
            } else {
                let _ = writeln!(s, "| rank | term | count | documents |");
                let _ = writeln!(s, "| ---: | --- | ---: | ---: |");
            }
            for x in &t.top {
                let _ = write!(
                    s,
                    "| {} | {} | {} | {} |",
                    x.rank,
                    md(&x.term),
                    thousands(x.count),
                    thousands(x.doc_freq)
                );
                if let Some(idf) = x.idf.filter(|_| with_idf) {
                    let _ = write!(s, " {idf:.3} |");
                }
                s.push('\n');
            }
            s.push('\n');
        }
    }

    fn terminal(&self, lines: &mut Vec<String>) {
        let t = &self.summary;
        lines.push(format!(
            "  vocabulary: {}; top terms:",
            plural(t.vocabulary_size, "term", "terms")
        ));
        let mut line = String::from("   ");
        for x in t.top.iter().take(12) {
            let item = format!(" {} ({})", fit(&x.term, 30), thousands(x.count));
            if line.chars().count() + item.chars().count() > 80 {
                lines.push(std::mem::replace(&mut line, String::from("   ")));
            }
            line.push_str(&item);
        }
        if !line.trim().is_empty() {
            lines.push(line);
        }
    }

    fn html(&self, page: &mut Page, ctx: &HtmlContext<'_>) {
        top_terms_section(page, &self.summary);
        if let Some(out) = &self.output {
            distinctive_section(page, out, ctx.grouping.as_ref());
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }
}

fn top_terms_section(page: &mut Page, t: &TermsSummary) {
    page.section("terms", "Top terms");
    let s = &mut page.body;
    let _ = writeln!(
        s,
        "<p>{} kept from {} in {}.</p>",
        plural(t.vocabulary_size, "distinct term", "distinct terms"),
        plural(t.tokens, "token", "tokens"),
        plural(t.documents, "document", "documents")
    );
    if t.top.is_empty() {
        s.push_str("<p>No term survived the filters.</p>\n");
        page.end();
        return;
    }
    let shown = &t.top[..t.top.len().min(MAX_TOP_TERMS)];
    let rows: Vec<(String, f64, String)> = shown
        .iter()
        .map(|x| (x.term.clone(), x.count as f64, thousands(x.count)))
        .collect();
    hbar_chart(
        s,
        &format!("The {} most frequent terms", shown.len()),
        "occurrences in the corpus",
        &rows,
        BLUE,
    );
    let with_idf = shown.iter().any(|x| x.idf.is_some());
    let mut headers = vec!["rank", "term", "count", "documents"];
    if with_idf {
        headers.push("idf");
    }
    table_open(s, "Data", &headers);
    for x in shown {
        let mut row = vec![
            x.rank.to_string(),
            x.term.clone(),
            thousands(x.count),
            thousands(x.doc_freq),
        ];
        if with_idf {
            row.push(x.idf.map(|v| num(v, 3)).unwrap_or_default());
        }
        table_row(s, &row);
    }
    table_close(s);
    if t.top.len() > shown.len() {
        page.notes.push(format!(
            "The top-terms chart shows {} of the {} top terms; terms.csv has every term.",
            shown.len(),
            t.top.len()
        ));
    }
    page.end();
}

fn distinctive_section(page: &mut Page, terms: &TermsOutput, grouping: Option<&Grouping<'_>>) {
    let Some(rows) = terms.documents.as_ref() else {
        return;
    };
    if rows.is_empty() {
        return;
    }
    page.section("distinctive", "Distinctive terms");
    // (panel title, [(term, weight)])
    let mut panels: Vec<(String, Vec<(String, f64)>)> = Vec::new();
    let grouped = grouping.filter(|g| !g.keys.is_empty() && !g.groups.is_empty());
    let total;
    let unit;
    if let Some(st) = grouped {
        unit = "groups";
        total = st.groups.len();
        let chosen = spread(st.groups.len(), MAX_PANELS);
        let wanted: BTreeMap<&[String], usize> = chosen
            .iter()
            .enumerate()
            .map(|(slot, &g)| (st.groups[g], slot))
            .collect();
        let group_of: BTreeMap<u64, usize> = st
            .documents
            .iter()
            .filter_map(|&(ordinal, group)| wanted.get(group).map(|slot| (ordinal, *slot)))
            .collect();
        let mut sums: Vec<(BTreeMap<&str, f64>, u64)> = vec![(BTreeMap::new(), 0); chosen.len()];
        for row in rows {
            if let Some(&slot) = group_of.get(&row.ordinal) {
                sums[slot].1 += 1;
                for t in &row.terms {
                    *sums[slot].0.entry(&*t.term).or_insert(0.0) += t.weight;
                }
            }
        }
        for (slot, &g) in chosen.iter().enumerate() {
            let (sum, n) = &sums[slot];
            let mut list: Vec<(String, f64)> = sum
                .iter()
                .map(|(t, w)| (t.to_string(), *w / (*n).max(1) as f64))
                .collect();
            list.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            list.truncate(DISTINCTIVE_TERMS);
            let label = group_label(st.keys, st.groups[g]);
            panels.push((
                format!("{label} ({})", plural(*n, "document", "documents")),
                list,
            ));
        }
        let _ = writeln!(
            page.body,
            "<p>For each group, the terms with the highest mean TF-IDF weight over its documents: words it uses often that the rest of the corpus uses rarely.</p>"
        );
    } else {
        unit = "documents";
        total = rows.len();
        for i in spread(rows.len(), MAX_PANELS) {
            let list = terms
                .top_by_weight(i, DISTINCTIVE_TERMS)
                .into_iter()
                .map(|t| (t.term.to_string(), t.weight))
                .collect();
            panels.push((rows[i].id.clone(), list));
        }
        let _ = writeln!(
            page.body,
            "<p>For each document, the terms with the highest TF-IDF weight: words it uses often that the rest of the corpus uses rarely.</p>"
        );
    }
    if total > panels.len() {
        let _ = writeln!(
            page.body,
            "<p class=\"note\">{} of {} {unit} are shown, spread evenly over the corpus order; tfidf.csv has every weight.</p>",
            panels.len(),
            thousands(total as u64)
        );
        page.notes.push(format!(
            "Distinctive terms are shown for {} of {} {unit}.",
            panels.len(),
            thousands(total as u64)
        ));
    }
    let s = &mut page.body;
    s.push_str("<div class=\"grid\">\n");
    for (title, list) in &panels {
        small_bars(s, title, list);
    }
    s.push_str("</div>\n");
    table_open(s, "Data", &["document or group", "term", "weight"]);
    for (title, list) in &panels {
        for (term, w) in list {
            table_row(s, &[title.clone(), term.clone(), num(*w, 4)]);
        }
    }
    table_close(s);
    page.end();
}

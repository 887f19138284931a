//! `report.html`: one self-contained page (inline CSS and SVG, no script, no network) that
//! shows what a run's numbers mean.
//!
//! Every string that comes from the corpus, its metadata or the pipeline file goes through
//! [`escape`] before it is written; nothing else is ever inserted. The page is bounded in size
//! whatever the corpus (top-N lists, at most [`MAX_PANELS`] documents or groups per section,
//! sentence arcs averaged down to at most [`MAX_ARC_POINTS`] points) and lists what it left
//! out. The same inputs always give the same bytes: no clock, no random ids, no hash-map order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use wordmill_analyse::{DocumentStats, SentimentOutput, TermsOutput};

use crate::Report;
use crate::text::{
    clip_chars, clip_px, plural, quotable, quote_source, sentence_number, text_px, thousands,
};

/// Bars of the top-terms chart.
const MAX_TOP_TERMS: usize = 40;
/// Documents or groups shown per section (distinctive terms, sentiment arcs).
const MAX_PANELS: usize = 12;
/// Distinctive terms per document or group.
const DISTINCTIVE_TERMS: usize = 8;
/// Points of one sentiment arc; longer documents are averaged into this many buckets.
const MAX_ARC_POINTS: usize = 400;
/// Rows of the document table.
const MAX_DOCUMENT_ROWS: usize = 25;
/// Metadata columns of the document table.
const MAX_META_COLUMNS: usize = 6;
/// Bars of the group chart.
const MAX_GROUPS: usize = 150;
/// Quotes per list.
const MAX_QUOTES: usize = 5;
/// Characters of a quoted sentence.
const QUOTE_CHARS: usize = 400;
/// Widest label left of a bar chart's bars, in SVG units (longer ones are cut, the whole text
/// in their tooltip).
const MAX_LABEL_PX: f64 = 224.0;

/// Okabe–Ito colours, readable by colour-blind readers.
const BLUE: &str = "#0072B2";
const VERMILLION: &str = "#D55E00";
const GREY: &str = "#8c8c8c";
/// The categorical palette for groups (Okabe–Ito, the pale yellow last).
const CATEGORICAL: [&str; 8] = [
    BLUE, VERMILLION, "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/// Chart width in SVG user units (charts scale down to the page width).
const W: f64 = 960.0;

/// What [`render_html`] draws from: the report and the analysers' full outputs.
#[derive(Debug, Clone, Copy)]
pub struct HtmlInput<'a> {
    /// The report model (corpus summary, top terms, sentiment summary, groups, quotes).
    pub report: &'a Report,
    /// One row per document, in ordinal order.
    pub documents: &'a [DocumentStats],
    /// The terms analysis, when the pipeline counts terms (its TF-IDF rows, when kept, give
    /// the distinctive terms).
    pub terms: Option<&'a TermsOutput>,
    /// The sentiment analysis, when the pipeline scores it (its sentences give the arcs).
    pub sentiment: Option<&'a SentimentOutput>,
    /// The documents whose sentiment arcs are drawn, when chosen beforehand (a streamed run
    /// keeps only these, see [`arc_choice`]); `None`: chosen from `sentiment`'s documents and
    /// sentences.
    pub arcs: Option<&'a ArcSample>,
}

/// The sentiment arcs to draw, chosen before rendering.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArcSample {
    /// The chosen documents, in corpus order, each with its sentences' compound scores.
    pub documents: Vec<(wordmill_analyse::DocumentSentiment, Vec<f64>)>,
    /// Number of documents with at least one scored sentence (the ones arcs are chosen from).
    pub total: usize,
}

/// Which of `n` documents with scored sentences (numbered in corpus order) get a sentiment arc:
/// at most a fixed number, spread evenly over the corpus.
pub fn arc_choice(n: usize) -> Vec<usize> {
    spread(n, MAX_PANELS)
}

/// Renders `report.html`: a complete, self-contained HTML page.
///
/// ```
/// use wordmill_report::{CorpusSummary, HtmlInput, Report, render_html};
///
/// let report = Report::new("<demo>", "0123abcd", CorpusSummary { documents: 1, bytes: 9, tokens: 2, sentences: 1, skipped: 0 });
/// let html = render_html(&HtmlInput { report: &report, documents: &[], terms: None, sentiment: None, arcs: None });
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(html.contains("&lt;demo&gt;") && !html.contains("<demo>"));
/// ```
pub fn render_html(input: &HtmlInput<'_>) -> String {
    let mut page = Page::default();
    corpus_section(&mut page, input);
    top_terms_section(&mut page, input);
    distinctive_section(&mut page, input);
    sentiment_sections(&mut page, input);
    assemble(input, &page)
}

/// The body being built and what it left out.
#[derive(Default)]
struct Page {
    body: String,
    notes: Vec<String>,
    nav: Vec<(&'static str, &'static str)>,
}

impl Page {
    fn section(&mut self, id: &'static str, title: &'static str) {
        self.nav.push((id, title));
        let _ = writeln!(
            self.body,
            "<section id=\"{id}\" aria-labelledby=\"{id}-h\"><h2 id=\"{id}-h\">{title}</h2>"
        );
    }

    fn end(&mut self) {
        self.body.push_str("</section>\n");
    }
}

/// Escapes text for HTML and SVG text and attribute values: `& < > " '`. Control characters
/// other than tab and newline become spaces.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A finite number (non-finite ones count as 0), so no `NaN` reaches the page.
fn fin(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// A number with `d` decimals; `-0.000` prints as `0.000`.
fn num(x: f64, d: usize) -> String {
    let s = format!("{:.*}", d, fin(x));
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// An SVG coordinate.
fn c(x: f64) -> String {
    num(x, 1)
}

/// A signed score with 3 decimals (`+0.123`).
fn signed(x: f64) -> String {
    let s = num(x, 3);
    if s.starts_with('-') || s == "0.000" {
        s
    } else {
        format!("+{s}")
    }
}

fn pct(x: f64) -> String {
    format!("{} %", num(x * 100.0, 1))
}

/// The smallest tick at or above `max` (ticks from 0 with about `target` steps) and the ticks.
fn nice_axis(max: f64, target: usize) -> (Vec<f64>, usize, f64) {
    let max = if max > 0.0 { max } else { 1.0 };
    let (mut t, d) = ticks(0.0, max, target);
    if t.last().is_some_and(|l| *l < max) && t.len() >= 2 {
        let step = t[1] - t[0];
        let next = t[t.len() - 1] + step;
        t.push(next);
    }
    let top = t.last().copied().unwrap_or(max).max(max);
    (t, d, top)
}

/// Human-readable byte count.
fn bytes(n: u64) -> String {
    let units = ["bytes", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < units.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{} bytes", thousands(n))
    } else {
        format!("{} {}", num(v, 1), units[u])
    }
}

/// Tick positions from `lo` to `hi` with a step of 1, 2 or 5 × 10^k, about `target` of them.
fn ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, usize) {
    let span = (hi - lo).abs();
    if !span.is_finite() || span <= 0.0 {
        return (vec![lo], 0);
    }
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    let first = (lo / step).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    ((first..=last).map(|k| k as f64 * step).collect(), decimals)
}

/// A tick label: integers with separators, fractions with the step's decimals.
fn tick_label(v: f64, decimals: usize) -> String {
    if decimals == 0 && v.abs() >= 1000.0 {
        let r = v.round();
        let s = thousands(r.abs() as u64);
        if r < 0.0 { format!("-{s}") } else { s }
    } else {
        num(v, decimals)
    }
}

/// The colour of a compound score: blue positive, vermillion negative, grey neutral.
fn sentiment_colour(x: f64) -> &'static str {
    if x >= 0.05 {
        BLUE
    } else if x <= -0.05 {
        VERMILLION
    } else {
        GREY
    }
}

/// The font size in SVG units and the boldness of each text class of the stylesheet.
fn font_of(class: &str) -> (f64, bool) {
    match class {
        "ct" => (14.0, true),
        "inbar" => (13.0, true),
        "lbl" | "axl" => (12.0, false),
        _ => (11.0, false),
    }
}

/// Writes an SVG `<text>` of class `class` (positioned by `attrs`, e.g. `x="1" y="2"`) showing
/// `shown`, with `full` in a `<title>` child (its tooltip) when given.
fn svg_text(s: &mut String, class: &str, attrs: &str, shown: &str, full: Option<&str>) {
    let _ = write!(s, "<text class=\"{class}\" {attrs}>{}", escape(shown));
    if let Some(full) = full {
        let _ = write!(s, "<title>{}</title>", escape(full));
    }
    s.push_str("</text>");
}

/// Writes a label that is at most `max_px` wide: a longer one is cut with `…` and shown whole
/// on hover. Every text from the data drawn in a chart goes through here.
fn label(s: &mut String, class: &str, attrs: &str, text: &str, max_px: f64) {
    let (size, bold) = font_of(class);
    let (shown, cut) = clip_px(text, max_px, size, bold);
    svg_text(s, class, attrs, &shown, cut.then_some(text));
}

/// The drawn width of `text` in text class `class`.
fn label_px(text: &str, class: &str) -> f64 {
    let (size, bold) = font_of(class);
    text_px(text, size, bold)
}

/// Opens a chart `width` wide: an `<svg>` with `role="img"`, a `<title>` (and a `<desc>` when
/// given) and the title drawn at the top left, in `room` units at most; or, when given, `shown`
/// (a shortened title that already fits) with the whole title as its tooltip.
fn svg_open_at(
    s: &mut String,
    (width, height): (f64, f64),
    title: &str,
    desc: &str,
    room: f64,
    shown: Option<&str>,
) {
    let _ = write!(
        s,
        "<svg class=\"chart{}\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title>",
        if width < W { " small" } else { "" },
        c(width),
        c(height),
        t = escape(title)
    );
    if !desc.is_empty() {
        let _ = write!(s, "<desc>{}</desc>", escape(desc));
    }
    s.push('\n');
    let x = if width < W { 4.0 } else { 8.0 };
    let at = format!(
        "x=\"{}\" y=\"{}\"",
        c(x),
        c(if width < W { 16.0 } else { 18.0 })
    );
    match shown {
        Some(shown) => svg_text(s, "ct", &at, shown, (shown != title).then_some(title)),
        None => label(s, "ct", &at, title, room.min(width - 2.0 * x)),
    }
    s.push('\n');
}

/// Opens a full-width chart (see [`svg_open_at`]).
fn svg_open(s: &mut String, height: f64, title: &str, desc: &str) {
    svg_open_at(s, (W, height), title, desc, W, None);
}

/// Opens a `<details>` data table with these (already safe) header cells.
fn table_open(s: &mut String, summary: &str, headers: &[&str]) {
    let _ = write!(
        s,
        "<details><summary>{}</summary><table><thead><tr>",
        escape(summary)
    );
    for h in headers {
        let _ = write!(s, "<th scope=\"col\">{}</th>", escape(h));
    }
    s.push_str("</tr></thead><tbody>\n");
}

/// One row of escaped cells; cells starting with a digit, sign or `+` are right-aligned.
fn table_row(s: &mut String, cells: &[String]) {
    s.push_str("<tr>");
    for cell in cells {
        let numeric = cell
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '-' || c == '+')
            && cell
                .chars()
                .all(|c| c.is_ascii_digit() || ",.+-% ".contains(c));
        let _ = write!(
            s,
            "<td{}>{}</td>",
            if numeric { " class=\"n\"" } else { "" },
            escape(cell)
        );
    }
    s.push_str("</tr>\n");
}

fn table_close(s: &mut String) {
    s.push_str("</tbody></table></details>\n");
}

/// `k` indices spread evenly over `0..n` (all of them when `n <= k`), ascending.
fn spread(n: usize, k: usize) -> Vec<usize> {
    if n <= k {
        (0..n).collect()
    } else {
        (0..k).map(|i| i * (n - 1) / (k - 1).max(1)).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Corpus

fn corpus_section(page: &mut Page, input: &HtmlInput<'_>) {
    let c = &input.report.corpus;
    page.section("corpus", "Corpus");
    let s = &mut page.body;
    s.push_str("<dl class=\"stats\">");
    for (label, value) in [
        ("documents", thousands(c.documents)),
        ("text", bytes(c.bytes)),
        ("tokens", thousands(c.tokens)),
        ("sentences", thousands(c.sentences)),
        ("skipped records", thousands(c.skipped)),
    ] {
        let _ = write!(
            s,
            "<div><dt>{}</dt><dd>{}</dd></div>",
            escape(label),
            escape(&value)
        );
    }
    s.push_str("</dl>\n");
    if c.skipped > 0 {
        s.push_str(
            "<p>Skipped records are listed with their reasons in <code>run.json</code>.</p>\n",
        );
    }
    let docs = input.documents;
    if docs.is_empty() {
        page.end();
        return;
    }
    // Metadata columns: keys in order of first appearance among the shown rows.
    let shown = &docs[..docs.len().min(MAX_DOCUMENT_ROWS)];
    // `documents` may hold only the first rows of a streamed run: the corpus summary counts
    // them all.
    let total = (docs.len() as u64).max(c.documents);
    let mut keys: Vec<&str> = Vec::new();
    for d in shown {
        for (k, _) in d.meta.iter() {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    if keys.len() > MAX_META_COLUMNS {
        page.notes.push(format!(
            "The document table shows {} of {} metadata fields.",
            MAX_META_COLUMNS,
            keys.len()
        ));
        keys.truncate(MAX_META_COLUMNS);
    }
    let sentiment = input.sentiment;
    let mut headers: Vec<&str> = vec!["document"];
    headers.extend(keys.iter().copied());
    headers.extend(["bytes", "tokens", "sentences"]);
    if sentiment.is_some() {
        headers.push("mean compound");
    }
    let s = &mut page.body;
    let summary = if total > shown.len() as u64 {
        format!(
            "Documents (the first {} of {})",
            shown.len(),
            thousands(total)
        )
    } else {
        format!("Documents ({})", docs.len())
    };
    table_open(s, &summary, &headers);
    for d in shown {
        let mut row = vec![d.id.clone()];
        row.extend(
            keys.iter()
                .map(|k| d.meta.get(k).unwrap_or_default().to_string()),
        );
        row.extend([
            thousands(d.bytes),
            thousands(d.tokens),
            thousands(d.sentences),
        ]);
        if let Some(st) = sentiment {
            let mean = st
                .documents
                .binary_search_by_key(&d.ordinal, |x| x.ordinal)
                .ok()
                .map(|i| &st.documents[i])
                .filter(|x| x.sentences > 0)
                .map(|x| signed(x.mean_compound))
                .unwrap_or_default();
            row.push(mean);
        }
        table_row(s, &row);
    }
    table_close(s);
    if total > shown.len() as u64 {
        page.notes.push(format!(
            "The document table lists the first {} of {} documents; documents.csv has them all.",
            shown.len(),
            thousands(total)
        ));
    }
    page.end();
}

// ---------------------------------------------------------------------------------------------
// Terms

/// A horizontal bar chart: `(label, value, value text)` rows, values ≥ 0.
fn hbar_chart(
    s: &mut String,
    title: &str,
    axis: &str,
    rows: &[(String, f64, String)],
    colour: &str,
) {
    // Room for the labels (the longest, up to a limit) and the value texts.
    let longest = rows
        .iter()
        .map(|r| label_px(&r.0, "lbl"))
        .fold(0.0, f64::max);
    let left = (longest.min(MAX_LABEL_PX) + 16.0).max(60.0);
    let right = rows
        .iter()
        .map(|r| label_px(&r.2, "val"))
        .fold(0.0, f64::max)
        .max(24.0)
        + 14.0;
    let (top, row_h, bottom) = (34.0, 20.0, 46.0);
    let height = top + row_h * rows.len() as f64 + bottom;
    let max = rows.iter().map(|r| fin(r.1)).fold(0.0, f64::max);
    let (tks, dec, axis_max) = nice_axis(max, 6);
    let plot_w = W - left - right;
    let x = |v: f64| left + plot_w * fin(v) / axis_max;
    let base = top + row_h * rows.len() as f64;
    svg_open(
        s,
        height,
        title,
        &format!("{}; {}", plural(rows.len() as u64, "bar", "bars"), axis),
    );
    for t in &tks {
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>",
            c(x(*t)),
            c(top - 4.0),
            c(base),
            c(base + 16.0),
            escape(&tick_label(*t, dec))
        );
    }
    for (i, (name, value, text)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let _ = write!(
            s,
            "<g><title>{}: {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"/>",
            escape(name),
            escape(text),
            c(left),
            c(y + 3.0),
            c((x(*value) - left).max(0.5)),
            c(row_h - 6.0),
        );
        label(
            s,
            "lbl",
            &format!(
                "x=\"{}\" y=\"{}\" text-anchor=\"end\"",
                c(left - 6.0),
                c(y + row_h / 2.0 + 4.0)
            ),
            name,
            left - 10.0,
        );
        let _ = writeln!(
            s,
            "<text class=\"val\" x=\"{}\" y=\"{}\">{}</text></g>",
            c(x(*value) + 4.0),
            c(y + row_h / 2.0 + 4.0),
            escape(text)
        );
    }
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><line class=\"axis\" x1=\"{0}\" x2=\"{3}\" y1=\"{2}\" y2=\"{2}\"/><text class=\"axl\" x=\"{4}\" y=\"{5}\" text-anchor=\"middle\">{6}</text></svg>",
        c(left),
        c(top - 4.0),
        c(base),
        c(x(axis_max)),
        c(left + plot_w / 2.0),
        c(base + 36.0),
        escape(axis)
    );
}

fn top_terms_section(page: &mut Page, input: &HtmlInput<'_>) {
    let Some(t) = &input.report.terms else { return };
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

/// A group's label: `key = value` pairs.
fn group_label(keys: &[String], values: &[String]) -> String {
    keys.iter()
        .zip(values)
        .map(|(k, v)| format!("{k} = {}", if v.is_empty() { "(none)" } else { v }))
        .collect::<Vec<_>>()
        .join(", ")
}

fn distinctive_section(page: &mut Page, input: &HtmlInput<'_>) {
    let Some(rows) = input.terms.and_then(|t| t.documents.as_ref()) else {
        return;
    };
    let Some(terms) = input.terms else { return };
    if rows.is_empty() {
        return;
    }
    page.section("distinctive", "Distinctive terms");
    // (panel title, [(term, weight)])
    let mut panels: Vec<(String, Vec<(String, f64)>)> = Vec::new();
    let grouped = input
        .sentiment
        .filter(|st| !st.group_by.is_empty() && !st.groups.is_empty());
    let total;
    let unit;
    if let Some(st) = grouped {
        unit = "groups";
        total = st.groups.len();
        let chosen = spread(st.groups.len(), MAX_PANELS);
        let wanted: BTreeMap<&[String], usize> = chosen
            .iter()
            .enumerate()
            .map(|(slot, &g)| (st.groups[g].key.as_slice(), slot))
            .collect();
        let group_of: BTreeMap<u64, usize> = st
            .documents
            .iter()
            .filter_map(|d| {
                wanted
                    .get(d.group.as_slice())
                    .map(|slot| (d.ordinal, *slot))
            })
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
            let label = group_label(&st.group_by, &st.groups[g].key);
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

/// A small horizontal bar chart of TF-IDF weights.
fn small_bars(s: &mut String, title: &str, list: &[(String, f64)]) {
    let (w, left, top, row_h) = (310.0, 110.0, 28.0, 18.0);
    let n = list.len().max(1);
    let height = top + row_h * n as f64 + 26.0;
    let max = list.iter().map(|x| fin(x.1)).fold(0.0, f64::max);
    let max = if max > 0.0 { max } else { 1.0 };
    let plot = w - left - 44.0;
    svg_open_at(s, (w, height), title, "", w, None);
    if list.is_empty() {
        let _ = write!(
            s,
            "<text class=\"lbl\" x=\"4\" y=\"{}\">no terms</text>",
            c(top + 12.0)
        );
    }
    for (i, (term, weight)) in list.iter().enumerate() {
        let y = top + row_h * i as f64;
        let _ = write!(
            s,
            "<g><title>{}: {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#009E73\"/>",
            escape(term),
            num(*weight, 4),
            c(left),
            c(y + 3.0),
            c((plot * fin(*weight) / max).max(0.5)),
            c(row_h - 6.0),
        );
        label(
            s,
            "lbl",
            &format!(
                "x=\"{}\" y=\"{}\" text-anchor=\"end\"",
                c(left - 4.0),
                c(y + row_h / 2.0 + 4.0)
            ),
            term,
            left - 8.0,
        );
        let _ = writeln!(
            s,
            "<text class=\"val\" x=\"{}\" y=\"{}\">{}</text></g>",
            c(left + plot * fin(*weight) / max + 3.0),
            c(y + row_h / 2.0 + 4.0),
            num(*weight, 3)
        );
    }
    let base = top + row_h * n as f64;
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><line class=\"axis\" x1=\"{0}\" x2=\"{3}\" y1=\"{2}\" y2=\"{2}\"/><text class=\"tick\" x=\"{0}\" y=\"{4}\" text-anchor=\"middle\">0</text><text class=\"tick\" x=\"{3}\" y=\"{4}\" text-anchor=\"middle\">{5}</text><text class=\"axl\" x=\"{6}\" y=\"{4}\" text-anchor=\"middle\">TF-IDF weight</text></svg>",
        c(left),
        c(top - 2.0),
        c(base),
        c(left + plot),
        c(base + 14.0),
        num(max, 3),
        c(left + plot / 2.0)
    );
}

// ---------------------------------------------------------------------------------------------
// Sentiment

/// The noun of the scored unit, singular and plural.
#[derive(Clone, Copy)]
struct UnitWords {
    one: &'static str,
    many: &'static str,
}

/// A quote, whichever list it came from.
struct QuoteView {
    doc_id: String,
    index: usize,
    compound: f64,
    text: String,
}

fn sentiment_sections(page: &mut Page, input: &HtmlInput<'_>) {
    let report = input.report.sentiment.as_ref();
    if report.is_none() && input.sentiment.is_none() {
        return;
    }
    // Summary figures: from the report when present, else from the output.
    let (rules, unit, docs, units, mean, doc_mean, pos, neu, neg, hist) =
        match (report, input.sentiment) {
            (Some(r), _) => (
                r.rules.clone(),
                r.unit.clone(),
                r.documents,
                r.sentences,
                r.compound_mean,
                r.document_compound_mean,
                r.positive_share,
                r.neutral_share,
                r.negative_share,
                r.histogram.clone(),
            ),
            (None, Some(o)) => (
                String::from("vader"),
                String::from("sentence"),
                o.corpus.documents as u64,
                o.corpus.sentences as u64,
                o.corpus.mean_compound,
                o.corpus.mean_document_compound,
                o.corpus.positive,
                o.corpus.neutral,
                o.corpus.negative,
                o.corpus.histogram.clone(),
            ),
            (None, None) => return,
        };
    let words = if unit == "document" {
        UnitWords {
            one: "document",
            many: "documents",
        }
    } else {
        UnitWords {
            one: "sentence",
            many: "sentences",
        }
    };
    page.section("sentiment", "Sentiment distribution");
    let s = &mut page.body;
    let _ = writeln!(
        s,
        "<p>VADER (<code>{}</code> rules) over {} of {}. A compound score ≥ 0.05 counts as positive, ≤ −0.05 as negative. Mean compound <strong>{}</strong>; mean of the documents’ means {}.</p>",
        escape(&rules),
        plural(units, words.one, words.many),
        plural(docs, "document", "documents"),
        signed(mean),
        signed(doc_mean)
    );
    shares_bar(s, pos, neu, neg, words.many);
    histogram(s, &hist, words);
    page.end();

    if let Some(r) = report.filter(|r| !r.groups.is_empty() && !r.group_by.is_empty()) {
        groups_section(page, r);
    } else if let Some(o) = input
        .sentiment
        .filter(|o| !o.groups.is_empty() && !o.group_by.is_empty())
    {
        // No report model: build the same view from the output.
        let r = crate::SentimentReport::from_output(o, &rules, &unit);
        groups_section(page, &r);
    }
    if let Some(out) = input.sentiment {
        if unit != "document" {
            match input.arcs {
                Some(sample) => arcs_section(page, sample),
                None => arcs_section(page, &arcs_of(out)),
            }
        }
    }

    // Quotes: the report's (already clipped) or the output's.
    let clipq = |doc_id: &str, index: usize, compound: f64, text: &str| QuoteView {
        doc_id: doc_id.to_string(),
        index,
        compound,
        text: clip_chars(text, QUOTE_CHARS),
    };
    let (best, worst): (Vec<QuoteView>, Vec<QuoteView>) = match (report, input.sentiment) {
        (Some(r), _) => (
            r.most_positive
                .iter()
                .map(|q| clipq(&q.doc_id, q.index, q.compound, &q.text))
                .collect(),
            r.most_negative
                .iter()
                .map(|q| clipq(&q.doc_id, q.index, q.compound, &q.text))
                .collect(),
        ),
        (None, Some(o)) => (
            o.most_positive
                .iter()
                .map(|q| clipq(&q.doc_id, q.index, q.compound, &q.text))
                .collect(),
            o.most_negative
                .iter()
                .map(|q| clipq(&q.doc_id, q.index, q.compound, &q.text))
                .collect(),
        ),
        (None, None) => (Vec::new(), Vec::new()),
    };
    // Only positive units are "most positive", only negative ones "most negative".
    let best: Vec<QuoteView> = best
        .into_iter()
        .filter(|q| quotable(q.compound, true))
        .collect();
    let worst: Vec<QuoteView> = worst
        .into_iter()
        .filter(|q| quotable(q.compound, false))
        .collect();
    if !best.is_empty() || !worst.is_empty() {
        page.section("quotes", "Most positive and most negative");
        let s = &mut page.body;
        s.push_str("<div class=\"quotes\">\n");
        for (title, list, class) in [
            ("Most positive", &best, "pos"),
            ("Most negative", &worst, "neg"),
        ] {
            let _ = writeln!(s, "<div><h3>{title}</h3>");
            if list.is_empty() {
                let _ = writeln!(
                    s,
                    "<p>None: no {} scored {}.</p>",
                    words.one,
                    if class == "pos" {
                        "0.05 or more"
                    } else {
                        "−0.05 or less"
                    }
                );
            }
            for q in list.iter().take(MAX_QUOTES) {
                let _ = writeln!(
                    s,
                    "<figure class=\"q {class}\"><blockquote>{}</blockquote><figcaption><span class=\"score\">{}</span> {}</figcaption></figure>",
                    escape(&q.text),
                    escape(&signed(q.compound)),
                    escape(&quote_source(&q.doc_id, q.index, &unit)),
                );
            }
            s.push_str("</div>\n");
        }
        s.push_str("</div>\n");
        page.end();
    }
}

/// The positive / neutral / negative shares as one stacked bar.
fn shares_bar(s: &mut String, pos: f64, neu: f64, neg: f64, unit_word: &str) {
    let (left, right, y, h) = (8.0, 8.0, 28.0, 26.0);
    let plot = W - left - right;
    svg_open(
        s,
        80.0,
        &format!("Share of {unit_word} by sentiment"),
        "stacked bar: negative, neutral, positive",
    );
    let mut x = left;
    for (label, share, colour, text_colour) in [
        ("negative", neg, VERMILLION, "#fff"),
        ("neutral", neu, "#d9d9d9", "#222"),
        ("positive", pos, BLUE, "#fff"),
    ] {
        let w = plot * fin(share).clamp(0.0, 1.0);
        let _ = write!(
            s,
            "<g><title>{label}: {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"/>",
            pct(share),
            c(x),
            c(y),
            c(w),
            c(h)
        );
        if w > 110.0 {
            let _ = write!(
                s,
                "<text class=\"inbar\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{text_colour}\">{label} {}</text>",
                c(x + w / 2.0),
                c(y + h / 2.0 + 5.0),
                pct(share)
            );
        }
        s.push_str("</g>\n");
        x += w;
    }
    let _ = writeln!(
        s,
        "<text class=\"tick\" x=\"{}\" y=\"72\">negative {} · neutral {} · positive {}</text></svg>",
        c(left),
        pct(neg),
        pct(neu),
        pct(pos)
    );
}

/// A histogram bin dwarfs the rest when it holds more than this many times the next largest.
const DOMINANT: u64 = 4;

/// The bin that dwarfs the others, if any: `(its index, the largest count of the others)`.
fn dominant_bin(hist: &[u64]) -> Option<(usize, u64)> {
    let (top, max) = hist.iter().enumerate().fold(
        (0, 0),
        |(bi, bc), (i, &n)| if n > bc { (i, n) } else { (bi, bc) },
    );
    let second = hist
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != top)
        .map(|(_, n)| *n)
        .max()?;
    (second > 0 && max > second.saturating_mul(DOMINANT)).then_some((top, second))
}

/// The 20-bin histogram of compound scores.
///
/// When one bin dwarfs the rest (see [`dominant_bin`]) the scale is set by the other bins and
/// that bin's bar is broken: it runs past the top of the scale with a gap cut across it and its
/// count written above it, and a caption under the chart says so.
fn histogram(s: &mut String, hist: &[u64], words: UnitWords) {
    let dominant = dominant_bin(hist);
    let top = if dominant.is_some() { 52.0 } else { 34.0 };
    let (left, right, bottom) = (70.0, 20.0, 52.0);
    let height = top + 234.0 + bottom;
    let plot_w = W - left - right;
    let plot_h = height - top - bottom;
    let max = hist.iter().copied().max().unwrap_or(0).max(1);
    let scale_max = dominant.map_or(max, |(_, second)| second);
    let (yt, dec, ymax) = nice_axis(scale_max as f64, 5);
    let x = |v: f64| left + plot_w * (v + 1.0) / 2.0;
    let y = |v: f64| top + plot_h * (1.0 - v.min(ymax) / ymax);
    let n = hist.len().max(1);
    let bw = 2.0 / n as f64;
    let bin_range = |i: usize| {
        let lo = -1.0 + bw * i as f64;
        (lo, lo + bw)
    };
    let broken = dominant.map(|(i, _)| {
        let (lo, hi) = bin_range(i);
        format!(
            "The bin from {} to {} holds {}, more than {DOMINANT} times as many as any other bin, so its bar is broken: the scale stops at {} to keep the other bins readable.",
            num(lo, 1),
            num(hi, 1),
            plural(hist[i], words.one, words.many),
            tick_label(ymax, dec)
        )
    });
    svg_open(
        s,
        height,
        &format!("Distribution of compound scores ({} bins)", hist.len()),
        &format!(
            "histogram of {} by compound score from -1 to 1{}",
            words.many,
            broken.as_ref().map_or(String::new(), |b| format!(". {b}"))
        ),
    );
    for t in &yt {
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{0}\" x2=\"{1}\" y1=\"{2}\" y2=\"{2}\"/><text class=\"tick\" x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>",
            c(left),
            c(W - right),
            c(y(*t)),
            c(left - 6.0),
            c(y(*t) + 4.0),
            tick_label(*t, dec)
        );
    }
    for (i, count) in hist.iter().enumerate() {
        let (lo, hi) = bin_range(i);
        let mid = (lo + hi) / 2.0;
        // Colour by the bin's centre; the two bins around zero hold the neutral band.
        let colour = if mid.abs() < bw {
            GREY
        } else {
            sentiment_colour(mid)
        };
        let opacity = 0.45 + 0.55 * mid.abs().min(1.0);
        let is_broken = dominant.is_some_and(|(d, _)| d == i);
        // A broken bar runs past the top of the scale, into the space above the plot.
        let bar_top = if is_broken {
            top - 8.0
        } else {
            y(*count as f64)
        };
        let (bx, bwidth) = (x(lo) + 1.0, plot_w * bw / 2.0 - 2.0);
        let _ = write!(
            s,
            "<g><title>{} to {}: {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\" fill-opacity=\"{}\"/>",
            num(lo, 1),
            num(hi, 1),
            plural(*count, words.one, words.many),
            c(bx),
            c(bar_top),
            c(bwidth),
            c(y(0.0) - bar_top),
            num(opacity, 2)
        );
        if is_broken {
            // The break: a white band cut slantwise across the bar, and the count above it.
            let yb = top + 10.0;
            let _ = write!(
                s,
                "<path class=\"break\" d=\"M{},{}L{},{}L{},{}L{},{}Z\" fill=\"#fff\"/><text class=\"val\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                c(bx - 1.0),
                c(yb + 3.0),
                c(bx + bwidth + 1.0),
                c(yb - 3.0),
                c(bx + bwidth + 1.0),
                c(yb + 2.0),
                c(bx - 1.0),
                c(yb + 8.0),
                c(bx + bwidth / 2.0),
                c(bar_top - 5.0),
                thousands(*count)
            );
        }
        s.push_str("</g>\n");
    }
    for t in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let _ = writeln!(
            s,
            "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>",
            c(x(t)),
            c(y(0.0)),
            c(y(0.0) + 5.0),
            c(y(0.0) + 18.0),
            num(t, 1)
        );
    }
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><line class=\"axis\" x1=\"{0}\" x2=\"{3}\" y1=\"{2}\" y2=\"{2}\"/><text class=\"axl\" x=\"{4}\" y=\"{5}\" text-anchor=\"middle\">compound score (negative ← → positive)</text><text class=\"axl\" transform=\"translate(16 {6}) rotate(-90)\" text-anchor=\"middle\">{7}</text></svg>",
        c(left),
        c(top),
        c(y(0.0)),
        c(W - right),
        c(left + plot_w / 2.0),
        c(height - 12.0),
        c(top + plot_h / 2.0),
        words.many
    );
    if let Some(b) = &broken {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", escape(b));
    }
    table_open(s, "Data", &["from", "to", words.many]);
    for (i, count) in hist.iter().enumerate() {
        let (lo, hi) = bin_range(i);
        table_row(s, &[num(lo, 1), num(hi, 1), thousands(*count)]);
    }
    table_close(s);
}

/// Averages `values` into at most `k` consecutive buckets: `(first index, last index, mean)`.
fn buckets(values: &[f64], k: usize) -> Vec<(usize, usize, f64)> {
    let n = values.len();
    if n <= k {
        return values
            .iter()
            .enumerate()
            .map(|(i, v)| (i, i, fin(*v)))
            .collect();
    }
    (0..k)
        .map(|b| {
            let (lo, hi) = (b * n / k, ((b + 1) * n / k).max(b * n / k + 1));
            let mean = values[lo..hi].iter().map(|v| fin(*v)).sum::<f64>() / (hi - lo) as f64;
            (lo, hi - 1, mean)
        })
        .collect()
}

/// A centred moving average with this window (shrinking at the ends).
fn smooth(values: &[f64], window: usize) -> Vec<f64> {
    let half = window / 2;
    let mut prefix = Vec::with_capacity(values.len() + 1);
    prefix.push(0.0);
    for v in values {
        prefix.push(prefix.last().copied().unwrap_or(0.0) + v);
    }
    (0..values.len())
        .map(|i| {
            let lo = i.saturating_sub(half);
            let hi = (i + half + 1).min(values.len());
            (prefix[hi] - prefix[lo]) / (hi - lo) as f64
        })
        .collect()
}

/// The arcs of a complete sentiment output.
fn arcs_of(out: &SentimentOutput) -> ArcSample {
    // Each document's records form one consecutive run of `out.sentences`.
    let mut ranges: Vec<(usize, std::ops::Range<usize>)> = Vec::new();
    let mut offset = 0usize;
    for (i, d) in out.documents.iter().enumerate() {
        let end = offset + d.sentences;
        if d.sentences > 0 && end <= out.sentences.len() && out.sentences[offset].doc_id == d.id {
            ranges.push((i, offset..end));
        }
        offset = end;
    }
    ArcSample {
        documents: arc_choice(ranges.len())
            .into_iter()
            .map(|k| {
                let (di, range) = &ranges[k];
                let values = out.sentences[range.clone()]
                    .iter()
                    .map(|r| r.compound)
                    .collect();
                (out.documents[*di].clone(), values)
            })
            .collect(),
        total: ranges.len(),
    }
}

fn arcs_section(page: &mut Page, sample: &ArcSample) {
    if sample.documents.is_empty() {
        return;
    }
    page.section("arcs", "Sentiment arcs");
    let (shown, total) = (sample.documents.len(), sample.total);
    let s = &mut page.body;
    s.push_str("<p>Each document’s compound score sentence by sentence, from its first sentence (left) to its last (right): blue above the zero line is positive, vermillion below it negative. The black line is a centred moving average that shows where the text turns; each chart states its window (about a tenth of the document, at least 3 sentences, shorter at the ends). Circles mark the document’s most positive and most negative sentence, when it has one (hover for the text).</p>\n");
    if total > shown {
        let _ = writeln!(
            s,
            "<p class=\"note\">{} of {} are shown, spread evenly over the corpus order; sentences.jsonl has every score.</p>",
            shown,
            plural(total as u64, "document", "documents")
        );
        page.notes.push(format!(
            "Sentiment arcs are drawn for {} of {}.",
            shown,
            plural(total as u64, "document", "documents")
        ));
    }
    let mut sampled = 0usize;
    for (d, values) in &sample.documents {
        let values: Vec<f64> = values.iter().map(|&c| fin(c)).collect();
        if values.len() > MAX_ARC_POINTS {
            sampled += 1;
        }
        arc_chart(&mut page.body, d, &values);
    }
    if sampled > 0 {
        let _ = writeln!(
            page.body,
            "<p class=\"note\">In {} of the arcs above, consecutive sentences are averaged into {MAX_ARC_POINTS} points.</p>",
            sampled
        );
        page.notes.push(format!(
            "In {}, consecutive sentences are averaged into {MAX_ARC_POINTS} points.",
            plural(sampled as u64, "sentiment arc", "sentiment arcs")
        ));
    }
    page.end();
}

/// The window of an arc's moving average, in points, and how it reads on the chart.
fn arc_window(sentences: usize, points: usize) -> (usize, String) {
    let window = (points / 10).max(3) | 1;
    let text = if points >= sentences {
        format!(
            "moving average over {}",
            plural(window as u64, "sentence", "sentences")
        )
    } else {
        let per_point = sentences as f64 / points.max(1) as f64;
        format!(
            "moving average over about {} sentences",
            thousands((window as f64 * per_point).round() as u64)
        )
    };
    (window, text)
}

fn arc_chart(s: &mut String, d: &wordmill_analyse::DocumentSentiment, values: &[f64]) {
    let (left, right, top, bottom, height) = (56.0, 20.0, 34.0, 40.0, 190.0);
    let plot_w = W - left - right;
    let plot_h = height - top - bottom;
    let n = values.len();
    let points = buckets(values, MAX_ARC_POINTS);
    let (window, window_text) = arc_window(n, points.len());
    let smoothed = smooth(&points.iter().map(|p| p.2).collect::<Vec<_>>(), window);
    let span = (n.max(2) - 1) as f64;
    let xi = |i: f64| left + plot_w * i / span;
    let centre = |p: &(usize, usize, f64)| xi((p.0 + p.1) as f64 / 2.0);
    let y = |v: f64| top + plot_h * (1.0 - (v.clamp(-1.0, 1.0) + 1.0) / 2.0);
    // The title names the document (cut to fit, so the figures after it always show) and
    // leaves room for the moving average's legend on the right.
    let trend = points.len() >= 3;
    let legend_w = if trend {
        label_px(&window_text, "lbl") + 30.0
    } else {
        0.0
    };
    let suffix = format!(
        " — {}, mean {}",
        plural(n as u64, "sentence", "sentences"),
        signed(d.mean_compound)
    );
    let room = W - 16.0 - legend_w - 16.0 - label_px(&suffix, "ct");
    let (id, _) = clip_px(&d.id, room.max(60.0), 14.0, true);
    let title = format!("{}{suffix}", d.id);
    let shown = format!("{id}{suffix}");
    let sampled = if points.len() < n {
        format!(", averaged into {} points", points.len())
    } else {
        String::new()
    };
    svg_open_at(
        s,
        (W, height),
        &title,
        &format!("line chart of compound score by sentence{sampled}"),
        W,
        Some(&shown),
    );
    if trend {
        let x1 = W - right - label_px(&window_text, "lbl");
        let _ = writeln!(
            s,
            "<line class=\"trend\" x1=\"{}\" x2=\"{}\" y1=\"14\" y2=\"14\"/><text class=\"lbl\" x=\"{}\" y=\"18\" text-anchor=\"end\">{}</text>",
            c(x1 - 28.0),
            c(x1 - 6.0),
            c(W - right),
            escape(&window_text)
        );
    }
    for t in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let _ = writeln!(
            s,
            "<line class=\"{0}\" x1=\"{1}\" x2=\"{2}\" y1=\"{3}\" y2=\"{3}\"/><text class=\"tick\" x=\"{4}\" y=\"{5}\" text-anchor=\"end\">{6}</text>",
            if t == 0.0 { "zero" } else { "grid" },
            c(left),
            c(W - right),
            c(y(t)),
            c(left - 6.0),
            c(y(t) + 4.0),
            num(t, 1)
        );
    }
    // Areas between the zero line and the scores, split by sign.
    let zero = y(0.0);
    for (colour, pick) in [(BLUE, true), (VERMILLION, false)] {
        let mut path = format!("M{},{}", c(centre(&points[0])), c(zero));
        for p in &points {
            let v = if pick { p.2.max(0.0) } else { p.2.min(0.0) };
            let _ = write!(path, "L{},{}", c(centre(p)), c(y(v)));
        }
        let _ = write!(
            path,
            "L{},{}Z",
            c(centre(&points[points.len() - 1])),
            c(zero)
        );
        let _ = writeln!(
            s,
            "<path d=\"{path}\" fill=\"{colour}\" fill-opacity=\"0.55\" stroke=\"none\"/>"
        );
    }
    if points.len() >= 3 {
        let mut path = String::new();
        for (i, (p, v)) in points.iter().zip(&smoothed).enumerate() {
            let _ = write!(
                path,
                "{}{},{}",
                if i == 0 { "M" } else { "L" },
                c(centre(p)),
                c(y(*v))
            );
        }
        let _ = writeln!(
            s,
            "<path class=\"trend\" d=\"{path}\"><title>{}</title></path>",
            escape(&window_text)
        );
    } else {
        for p in &points {
            let _ = writeln!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"4\" fill=\"{}\"/>",
                c(centre(p)),
                c(y(p.2)),
                sentiment_colour(p.2)
            );
        }
    }
    for (r, colour, what) in [
        (&d.most_positive, BLUE, "most positive"),
        (&d.most_negative, VERMILLION, "most negative"),
    ] {
        let positive = colour == BLUE;
        if let Some(r) = r
            .as_ref()
            .filter(|r| r.index < n && quotable(r.compound, positive))
        {
            let _ = writeln!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"5\" fill=\"#fff\" stroke=\"{colour}\" stroke-width=\"2.5\"><title>{what}, sentence {}: {} “{}”</title></circle>",
                c(xi(r.index as f64)),
                c(y(r.compound)),
                sentence_number(r.index),
                escape(&signed(r.compound)),
                escape(&clip_chars(&r.text, 200))
            );
        }
    }
    let (xt, _) = ticks(1.0, n.max(1) as f64, 10);
    for t in xt.iter().filter(|t| **t >= 1.0) {
        let _ = writeln!(
            s,
            "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><text class=\"tick\" x=\"{0}\" y=\"{3}\" text-anchor=\"middle\">{4}</text>",
            c(xi(t - 1.0)),
            c(top + plot_h),
            c(top + plot_h + 5.0),
            c(top + plot_h + 18.0),
            tick_label(*t, 0)
        );
    }
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><line class=\"axis\" x1=\"{0}\" x2=\"{3}\" y1=\"{2}\" y2=\"{2}\"/><text class=\"axl\" x=\"{4}\" y=\"{5}\" text-anchor=\"middle\">sentence{sampled}</text><text class=\"axl\" transform=\"translate(14 {6}) rotate(-90)\" text-anchor=\"middle\">compound</text></svg>",
        c(left),
        c(top),
        c(top + plot_h),
        c(W - right),
        c(left + plot_w / 2.0),
        c(height - 8.0),
        c(top + plot_h / 2.0)
    );
    // Text alternative: the mean of each fifth of the document.
    let parts = n.min(5);
    table_open(
        s,
        "Data: mean compound by part of the document",
        &["part", "sentences", "mean compound"],
    );
    for p in 0..parts {
        let (lo, hi) = (p * n / parts, (p + 1) * n / parts);
        let mean = values[lo..hi].iter().sum::<f64>() / (hi - lo).max(1) as f64;
        table_row(
            s,
            &[
                format!("{} of {parts}", p + 1),
                format!("{}–{}", lo + 1, hi),
                signed(mean),
            ],
        );
    }
    table_close(s);
}

/// Widest label under a bar of the group chart, in SVG units.
const MAX_GROUP_LABEL_PX: f64 = 120.0;
/// Widest legend entry of the group chart, in SVG units.
const MAX_LEGEND_PX: f64 = 180.0;

/// Widest label under a horizontal run of bars of the group chart, in SVG units.
const MAX_GROUP_RUN_PX: f64 = 240.0;

/// One label under the group chart: its centre, its text, and the width it may take.
struct AxisLabel<'a> {
    x: f64,
    text: &'a str,
    room: f64,
}

/// Where the labels under the group chart go, and whether they are horizontal. Consecutive bars
/// with the same label form a run, labelled once under its middle; every `step`-th run is
/// labelled. Labels are horizontal when each (up to [`MAX_GROUP_LABEL_PX`]) fits in the room
/// between its neighbours (`step` is raised up to twice its least value to make room);
/// otherwise they are rotated, at the least step.
fn group_label_layout<'a>(
    labels: &'a [String],
    slot: f64,
    left: f64,
) -> (Vec<AxisLabel<'a>>, bool) {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for i in 0..labels.len() {
        match runs.last_mut() {
            Some(run) if labels[run.0] == labels[i] => run.1 = i + 1,
            _ => runs.push((i, i + 1)),
        }
    }
    let centre = |run: &(usize, usize)| left + slot * (run.0 + run.1) as f64 / 2.0;
    let least = runs.len().div_ceil(45).max(1);
    let place = |step: usize| -> Vec<AxisLabel<'a>> {
        let chosen: Vec<&(usize, usize)> = runs.iter().step_by(step).collect();
        (0..chosen.len())
            .map(|k| {
                let x = centre(chosen[k]);
                // Half the distance to each neighbour (the chart's edges beyond the ends).
                let before = k
                    .checked_sub(1)
                    .map_or(x, |p| (x - centre(chosen[p])) / 2.0);
                let after = chosen.get(k + 1).map_or(W - x, |n| (centre(n) - x) / 2.0);
                AxisLabel {
                    x,
                    text: &labels[chosen[k].0],
                    room: 2.0 * before.min(after) - 6.0,
                }
            })
            .collect()
    };
    for step in least..=2 * least {
        let placed = place(step);
        let fits = placed
            .iter()
            .all(|l| label_px(l.text, "tick").min(MAX_GROUP_LABEL_PX) <= l.room);
        if fits {
            let placed = placed
                .into_iter()
                .map(|l| AxisLabel {
                    room: l.room.min(MAX_GROUP_RUN_PX),
                    ..l
                })
                .collect();
            return (placed, true);
        }
    }
    let placed = place(least)
        .into_iter()
        .map(|l| AxisLabel {
            // A rotated label runs down and to the left: it stays right of the chart's edge.
            room: MAX_GROUP_LABEL_PX.min(2.0 * (l.x - 4.0)),
            ..l
        })
        .collect();
    (placed, false)
}

fn groups_section(page: &mut Page, r: &crate::SentimentReport) {
    page.section("groups", "Groups side by side");
    let first = &r.group_by[0];
    let last = &r.group_by[r.group_by.len() - 1];
    let value = |g: &crate::GroupReport, k: &str| g.key.get(k).cloned().unwrap_or_default();
    let shown = &r.groups[..r.groups.len().min(MAX_GROUPS)];
    if r.groups.len() > shown.len() {
        page.notes.push(format!(
            "The group chart shows the first {} of {} groups; groups.csv has them all.",
            shown.len(),
            thousands(r.groups.len() as u64)
        ));
    }
    let (unit_one, unit_many) = if r.unit == "document" {
        ("document", "documents")
    } else {
        ("sentence", "sentences")
    };
    // Colour by the last key when there are two or more keys and few enough values.
    let categories: BTreeSet<String> = shown.iter().map(|g| value(g, last)).collect();
    let by_category = r.group_by.len() > 1 && categories.len() <= CATEGORICAL.len();
    let colour_of = |g: &crate::GroupReport| -> &'static str {
        if by_category {
            let v = value(g, last);
            CATEGORICAL[categories.iter().position(|c| *c == v).unwrap_or(0) % CATEGORICAL.len()]
        } else {
            sentiment_colour(g.compound_mean)
        }
    };
    let s = &mut page.body;
    let _ = writeln!(
        s,
        "<p>Mean compound score of each group’s {unit_many} ({} by {}).{}</p>",
        plural(r.groups.len() as u64, "group", "groups"),
        escape(&r.group_by.join(", ")),
        if by_category {
            format!(" Bars are coloured by <em>{}</em>.", escape(last))
        } else {
            String::new()
        }
    );
    if r.groups.len() > shown.len() {
        let _ = writeln!(
            s,
            "<p class=\"note\">The first {} of {} groups are shown.</p>",
            shown.len(),
            thousands(r.groups.len() as u64)
        );
    }

    // Legend entries, laid out from the right in as many rows as they need.
    let entries: Vec<(String, &'static str)> = if by_category {
        categories
            .iter()
            .enumerate()
            .map(|(i, v)| {
                (
                    format!("{last} = {}", if v.is_empty() { "(none)" } else { v }),
                    CATEGORICAL[i % CATEGORICAL.len()],
                )
            })
            .collect()
    } else {
        vec![
            ("positive".into(), BLUE),
            ("neutral".into(), GREY),
            ("negative".into(), VERMILLION),
        ]
    };
    let chart_title = format!("Mean compound score by {}", r.group_by.join(", "));
    // The first row stays right of the chart's title, the others start at the left edge.
    let legend_right = W - 20.0;
    let legend_left = |row: usize| {
        if row == 0 {
            8.0 + label_px(&chart_title, "ct").min(W - 16.0) + 24.0
        } else {
            8.0
        }
    };
    // Rows filled in reading order, each aligned to the right.
    let mut rows: Vec<Vec<(f64, &(String, &'static str))>> = vec![Vec::new()];
    for entry in &entries {
        let w = label_px(&entry.0, "lbl").min(MAX_LEGEND_PX) + 16.0;
        let last = rows.len() - 1;
        let used: f64 = rows[last].iter().map(|(w, _)| w + 12.0).sum();
        if used + w > legend_right - legend_left(last) && (!rows[last].is_empty() || last == 0) {
            rows.push(Vec::new());
        }
        if let Some(r) = rows.last_mut() {
            r.push((w, entry));
        }
    }
    let mut legend: Vec<(f64, usize, &(String, &'static str))> = Vec::new();
    for (row, items) in rows.iter().enumerate() {
        let used: f64 = items.iter().map(|(w, _)| w + 12.0).sum::<f64>() - 12.0;
        let mut x = legend_right - used;
        for (w, entry) in items {
            legend.push((x, row, entry));
            x += w + 12.0;
        }
    }
    let row = rows.len().saturating_sub(1);

    let (left, right, plot_h) = (64.0, 20.0, 254.0);
    let top = 40.0 + 16.0 * row as f64;
    let plot_w = W - left - right;
    let n = shown.len().max(1);
    let slot = plot_w / n as f64;
    let bar = (slot * 0.8).max(1.0);
    let labels: Vec<String> = shown.iter().map(|g| value(g, first)).collect();
    let (placed, horizontal) = group_label_layout(&labels, slot, left);
    // Rotated labels run down and to the left of their bar, by sin and cos of 60°.
    let label_depth = if horizontal {
        4.0
    } else {
        placed
            .iter()
            .map(|l| label_px(l.text, "tick").min(l.room))
            .fold(0.0, f64::max)
            * 0.87
            + 12.0
    };
    let bottom = 12.0 + label_depth + 30.0;
    let height = top + plot_h + bottom;
    let lo = shown
        .iter()
        .map(|g| fin(g.compound_mean))
        .fold(0.0, f64::min);
    let hi = shown
        .iter()
        .map(|g| fin(g.compound_mean))
        .fold(0.0, f64::max);
    let pad = ((hi - lo) * 0.08).max(0.02);
    let (mut yt, dec) = ticks(lo - if lo < 0.0 { pad } else { 0.0 }, hi + pad, 6);
    // The scale ends on a tick at or past the highest bar.
    if let [.., a, b] = yt[..] {
        if b < hi {
            yt.push(b + (b - a));
        }
    }
    let ymin = yt.first().copied().unwrap_or(lo).min(lo);
    let ymax = yt.last().copied().unwrap_or(hi).max(hi);
    let ymax = if ymax <= ymin { ymin + 1.0 } else { ymax };
    let y = |v: f64| top + plot_h * (1.0 - (v - ymin) / (ymax - ymin));
    svg_open(
        s,
        height,
        &chart_title,
        &format!(
            "bar chart of {}",
            plural(shown.len() as u64, "group", "groups")
        ),
    );
    for t in &yt {
        let _ = writeln!(
            s,
            "<line class=\"{0}\" x1=\"{1}\" x2=\"{2}\" y1=\"{3}\" y2=\"{3}\"/><text class=\"tick\" x=\"{4}\" y=\"{5}\" text-anchor=\"end\">{6}</text>",
            if *t == 0.0 { "zero" } else { "grid" },
            c(left),
            c(W - right),
            c(y(*t)),
            c(left - 6.0),
            c(y(*t) + 4.0),
            tick_label(*t, dec)
        );
    }
    for (i, g) in shown.iter().enumerate() {
        let x = left + slot * i as f64 + (slot - bar) / 2.0;
        let v = fin(g.compound_mean);
        let (y0, y1) = (y(v.max(0.0)), y(v.min(0.0)));
        let _ = writeln!(
            s,
            "<g><title>{}: mean {} over {}, {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/></g>",
            escape(&group_label(
                &r.group_by,
                &r.group_by.iter().map(|k| value(g, k)).collect::<Vec<_>>()
            )),
            signed(v),
            plural(g.sentences, unit_one, unit_many),
            plural(g.documents, "document", "documents"),
            c(x),
            c(y0),
            c(bar),
            c((y1 - y0).max(0.5)),
            colour_of(g)
        );
    }
    let base = top + plot_h;
    for l in &placed {
        let at = if horizontal {
            format!(
                "x=\"{}\" y=\"{}\" text-anchor=\"middle\"",
                c(l.x),
                c(base + 16.0)
            )
        } else {
            format!(
                "transform=\"translate({} {}) rotate(-60)\" text-anchor=\"end\"",
                c(l.x + 3.0),
                c(base + 12.0)
            )
        };
        label(s, "tick", &at, l.text, l.room);
        s.push('\n');
    }
    let _ = write!(
        s,
        "<line class=\"axis\" x1=\"{0}\" x2=\"{0}\" y1=\"{1}\" y2=\"{2}\"/><text class=\"axl\" transform=\"translate(14 {3}) rotate(-90)\" text-anchor=\"middle\">mean compound</text>",
        c(left),
        c(top),
        c(base),
        c(top + plot_h / 2.0)
    );
    label(
        s,
        "axl",
        &format!(
            "x=\"{}\" y=\"{}\" text-anchor=\"middle\"",
            c(left + plot_w / 2.0),
            c(height - 8.0)
        ),
        first,
        plot_w,
    );
    s.push('\n');
    for (x, row, (text, colour)) in &legend {
        let y = 24.0 + 16.0 * *row as f64;
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{colour}\"/>",
            c(*x),
            c(y)
        );
        label(
            s,
            "lbl",
            &format!("x=\"{}\" y=\"{}\"", c(x + 16.0), c(y + 10.0)),
            text,
            MAX_LEGEND_PX,
        );
        s.push('\n');
    }
    s.push_str("</svg>\n");
    let mut headers: Vec<&str> = r.group_by.iter().map(String::as_str).collect();
    headers.extend([
        "documents",
        "units",
        "mean compound",
        "positive",
        "neutral",
        "negative",
    ]);
    table_open(s, "Data", &headers);
    for g in shown {
        let mut row: Vec<String> = r.group_by.iter().map(|k| value(g, k)).collect();
        row.extend([
            thousands(g.documents),
            thousands(g.sentences),
            signed(g.compound_mean),
            pct(g.positive_share),
            pct(g.neutral_share),
            pct(g.negative_share),
        ]);
        table_row(s, &row);
    }
    table_close(s);
    page.end();
}

// ---------------------------------------------------------------------------------------------
// The page

const CSS: &str = "\
:root{--fg:#1a1a1a;--muted:#555;--line:#d0d0d0;--bg:#fff;--accent:#0072B2}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}
main{max-width:1040px;margin:0 auto;padding:1.5rem 1.25rem 3rem}
header{border-bottom:2px solid var(--accent);margin-bottom:1rem}
h1{font-size:1.8rem;margin:.2rem 0;overflow-wrap:anywhere}
h2{font-size:1.35rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line)}
h3{font-size:1.05rem;margin:.5rem 0}
.meta{color:var(--muted);margin:.2rem 0 .8rem;overflow-wrap:anywhere}
nav ul{list-style:none;padding:0;margin:.5rem 0;display:flex;flex-wrap:wrap;gap:.3rem 1rem}
a{color:#005a8c}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;background:#f2f2f2;padding:0 .2em;overflow-wrap:anywhere}
.stats{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}
.stats div{border:1px solid var(--line);border-radius:6px;padding:.4rem .8rem;min-width:8.5rem}
.stats dt{color:var(--muted);font-size:.85rem}
.stats dd{margin:0;font-size:1.3rem;font-weight:600}
.note,.truncated{color:#4d4d4d;font-size:.92rem}
.truncated{border-left:4px solid #E69F00;background:#fff8e6;padding:.5rem .9rem;margin:1rem 0}
.truncated ul{margin:.2rem 0;padding-left:1.2rem}
svg.chart{display:block;width:100%;height:auto;margin:.75rem 0;font-family:inherit}
svg.small{margin:0}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:.75rem}
.ct{font-size:14px;font-weight:600;fill:#1a1a1a}
.tick{font-size:11px;fill:#444}
.lbl{font-size:12px;fill:#1a1a1a}
.val{font-size:11px;fill:#333}
.axl{font-size:12px;fill:#333}
.inbar{font-size:13px;font-weight:600}
line.axis{stroke:#333;stroke-width:1}
line.grid{stroke:#e3e3e3;stroke-width:1}
line.zero{stroke:#333;stroke-width:1.2;stroke-dasharray:4 3}
path.trend{fill:none;stroke:#111;stroke-width:2}
line.trend{stroke:#111;stroke-width:2}
details{margin:.25rem 0 1rem}
summary{cursor:pointer;color:var(--muted)}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.quotes{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1rem}
figure.q{margin:0 0 .8rem;border-left:5px solid var(--line);padding:.3rem .8rem;background:#fafafa}
figure.pos{border-color:#0072B2}
figure.neg{border-color:#D55E00}
blockquote{margin:0;overflow-wrap:anywhere}
figcaption{color:var(--muted);font-size:.88rem;overflow-wrap:anywhere}
.score{font-weight:700;color:#1a1a1a;font-variant-numeric:tabular-nums}
footer{margin-top:2.5rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line)}
@media print{body{font-size:11pt}main{max-width:none;padding:0}nav,summary{display:none}section{break-inside:avoid-page}svg.chart{break-inside:avoid}a{color:inherit}}
";

fn assemble(input: &HtmlInput<'_>, page: &Page) -> String {
    let r = input.report;
    let name = escape(&r.pipeline.name);
    let hash = &r.pipeline.config_hash;
    let short_hash: String = hash.chars().take(12).collect();
    let mut s = String::with_capacity(page.body.len() + CSS.len() + 4096);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"generator\" content=\"wordmill {}\">\n<title>{name} — wordmill report</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n<header>\n<h1>{name}</h1>\n",
        env!("CARGO_PKG_VERSION")
    );
    let c = &r.corpus;
    let _ = writeln!(
        s,
        "<p class=\"meta\">wordmill report · pipeline <strong>{name}</strong> · configuration <code title=\"{}\">{}</code> · {} · {} · {}</p>",
        escape(hash),
        escape(&short_hash),
        plural(c.documents, "document", "documents"),
        plural(c.tokens, "token", "tokens"),
        plural(c.sentences, "sentence", "sentences")
    );
    if !page.nav.is_empty() {
        s.push_str("<nav aria-label=\"Sections\"><ul>");
        for (id, title) in &page.nav {
            let _ = write!(s, "<li><a href=\"#{id}\">{title}</a></li>");
        }
        s.push_str("</ul></nav>\n");
    }
    s.push_str("</header>\n");
    if !page.notes.is_empty() {
        s.push_str("<aside class=\"truncated\" aria-label=\"What this page leaves out\"><strong>Truncated.</strong> This page is kept small; the CSV and JSONL files have everything.<ul>\n");
        for note in &page.notes {
            let _ = writeln!(s, "<li>{}</li>", escape(note));
        }
        s.push_str("</ul></aside>\n");
    }
    s.push_str(&page.body);
    let _ = write!(
        s,
        "<footer><p>Made by wordmill {} from pipeline <strong>{name}</strong> (configuration SHA-256 <code>{}</code>). Colours: Okabe–Ito, readable with colour-blindness.</p></footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION"),
        escape(hash)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_the_five() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{0}b"), "a b");
    }

    #[test]
    fn ticks_are_round() {
        assert_eq!(ticks(0.0, 95.0, 5).0, vec![0.0, 20.0, 40.0, 60.0, 80.0]);
        assert_eq!(ticks(0.0, 1.0, 5).1, 1);
    }

    #[test]
    fn buckets_average_and_cover() {
        let v: Vec<f64> = (0..1000).map(|i| i as f64).collect();
        let b = buckets(&v, 400);
        assert_eq!(b.len(), 400);
        assert_eq!(b[0].0, 0);
        assert_eq!(b[399].1, 999);
        assert_eq!(buckets(&v[..3], 400).len(), 3);
    }

    /// The visible text of each `<text>` element of `svg` (its `<title>` left out) with the
    /// element's own `<title>`, if any.
    fn texts(svg: &str) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        for part in svg.split("<text ").skip(1) {
            let body = &part[part.find('>').unwrap() + 1..part.find("</text>").unwrap()];
            match body.split_once("<title>") {
                Some((shown, title)) => out.push((
                    shown.to_string(),
                    Some(title.trim_end_matches("</title>").to_string()),
                )),
                None => out.push((body.to_string(), None)),
            }
        }
        out
    }

    #[test]
    fn a_long_bar_label_is_cut_and_whole_on_hover() {
        let long = "a very long term ".repeat(12);
        let long = long.trim();
        let rows = vec![
            (long.to_string(), 5.0, "5".to_string()),
            ("short".to_string(), 3.0, "3".to_string()),
        ];
        let mut s = String::new();
        hbar_chart(&mut s, "Terms", "count", &rows, BLUE);
        let texts = texts(&s);
        let cut = texts
            .iter()
            .find(|(_, title)| title.as_deref() == Some(long))
            .expect("the long label has its whole text as a tooltip");
        assert!(cut.0.ends_with('…') && long.starts_with(cut.0.trim_end_matches('…')));
        assert!(label_px(&cut.0, "lbl") <= MAX_LABEL_PX, "{}", cut.0);
        let short = texts.iter().find(|(shown, _)| shown == "short").unwrap();
        assert_eq!(short.1, None, "a label that fits has no tooltip of its own");
    }

    #[test]
    fn a_long_chart_title_is_cut_and_whole_on_hover() {
        let title = format!("Mean compound score by {}", "key, ".repeat(80));
        let mut s = String::new();
        svg_open(&mut s, 100.0, &title, "");
        let (shown, tooltip) = &texts(&s)[0];
        assert!(shown.ends_with('…'));
        assert!(label_px(shown, "ct") <= W - 16.0);
        assert_eq!(tooltip.as_deref(), Some(title.as_str()));
    }

    #[test]
    fn dominant_bin_needs_more_than_four_times_the_next() {
        let mut hist = vec![0u64; 20];
        hist[10] = 1000;
        hist[3] = 20;
        hist[15] = 10;
        assert_eq!(dominant_bin(&hist), Some((10, 20)));
        hist[3] = 250;
        assert_eq!(dominant_bin(&hist), None, "1000 is exactly 4 × 250");
        hist[3] = 1000;
        assert_eq!(dominant_bin(&hist), None, "a tie dwarfs nothing");
        let mut alone = vec![0u64; 20];
        alone[10] = 7;
        assert_eq!(dominant_bin(&alone), None, "nothing else to keep readable");
        assert_eq!(dominant_bin(&[0; 20]), None);
    }

    #[test]
    fn a_dominant_bin_is_broken_and_the_page_says_so() {
        let mut hist = vec![0u64; 20];
        hist[10] = 5000;
        hist[2] = 17;
        hist[16] = 9;
        let mut s = String::new();
        histogram(
            &mut s,
            &hist,
            UnitWords {
                one: "sentence",
                many: "sentences",
            },
        );
        assert!(s.contains("class=\"break\""));
        assert!(s.contains(
            "<p class=\"note\">The bin from 0.0 to 0.1 holds 5,000 sentences, more than 4 times as many as any other bin, so its bar is broken: the scale stops at 20 to keep the other bins readable.</p>"
        ));
        // The scale is the other bins': its highest tick is 20, not thousands.
        let ticks: Vec<f64> = texts(&s)
            .iter()
            .filter_map(|(t, _)| t.replace(',', "").parse::<f64>().ok())
            .filter(|v| v.fract() == 0.0 && *v > 1.0)
            .collect();
        assert!(ticks.contains(&20.0), "{ticks:?}");
        assert!(
            ticks.iter().all(|t| *t <= 20.0 || *t == 5000.0),
            "{ticks:?}"
        );
        // The 17 bin is drawn at 17/20 of the plot's height.
        let bar = s
            .split("<g><title>-0.8 to -0.7: 17 sentences</title><rect ")
            .nth(1)
            .unwrap();
        let attr = |name: &str| -> f64 {
            let v = bar.split(&format!("{name}=\"")).nth(1).unwrap();
            v[..v.find('"').unwrap()].parse().unwrap()
        };
        assert!((attr("height") - 234.0 * 17.0 / 20.0).abs() < 0.1);

        let mut even = vec![10u64; 20];
        even[10] = 40;
        let mut s = String::new();
        histogram(
            &mut s,
            &even,
            UnitWords {
                one: "sentence",
                many: "sentences",
            },
        );
        assert!(!s.contains("class=\"break\"") && !s.contains("broken"));
    }

    /// Labels and their extents `(left, right)` as [`group_label_layout`] places them.
    fn extents(labels: &[String], slot: f64, left: f64) -> (Vec<(f64, f64)>, bool) {
        let (placed, horizontal) = group_label_layout(labels, slot, left);
        let ext = placed
            .iter()
            .map(|l| {
                let w = label_px(l.text, "tick").min(l.room);
                (l.x - w / 2.0, l.x + w / 2.0)
            })
            .collect();
        (ext, horizontal)
    }

    #[test]
    fn group_labels_are_horizontal_when_they_fit() {
        let plot = W - 84.0;
        // 62 years: four digits fit when every third is labelled.
        let years: Vec<String> = (1961..2023).map(|y| y.to_string()).collect();
        let (ext, horizontal) = extents(&years, plot / 62.0, 64.0);
        assert!(horizontal);
        assert!(ext.len() >= 15, "{} labels", ext.len());
        for pair in ext.windows(2) {
            assert!(pair[0].1 + 6.0 <= pair[1].0 + 1e-9, "{pair:?}");
        }
        assert!(ext.iter().all(|(a, b)| *a >= 0.0 && *b <= W));
        // A few groups: every label, under the middle of its run of bars.
        let parties: Vec<String> = ["d", "d", "d", "r", "r", "r"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let (placed, horizontal) = group_label_layout(&parties, 100.0, 64.0);
        assert!(horizontal);
        assert_eq!(placed.len(), 2);
        assert_eq!((placed[0].x, placed[1].x), (64.0 + 150.0, 64.0 + 450.0));
    }

    #[test]
    fn group_labels_are_rotated_when_they_do_not_fit() {
        let names: Vec<String> = (0..60)
            .map(|i| format!("a rather long group name {i}"))
            .collect();
        let (placed, horizontal) = group_label_layout(&names, (W - 84.0) / 60.0, 64.0);
        assert!(!horizontal);
        // Rotated labels are cut so that they stay inside the chart on the left too.
        assert!(placed.iter().all(|l| l.room <= 2.0 * l.x));
    }

    #[test]
    fn each_arc_states_its_moving_average() {
        for (n, expected) in [
            (3, "moving average over 3 sentences"),
            (50, "moving average over 5 sentences"),
            (100, "moving average over 11 sentences"),
            (120, "moving average over 13 sentences"),
        ] {
            let values: Vec<f64> = (0..n).map(|i| ((i % 7) as f64 - 3.0) / 4.0).collect();
            let d = wordmill_analyse::DocumentSentiment {
                ordinal: 0,
                id: "doc".into(),
                group: Vec::new(),
                sentences: n,
                mean_compound: 0.0,
                positive: 0.0,
                neutral: 1.0,
                negative: 0.0,
                most_positive: None,
                most_negative: None,
            };
            let mut s = String::new();
            arc_chart(&mut s, &d, &values);
            assert!(
                s.contains(&format!(">{expected}</text>")),
                "{n} sentences: {expected} not drawn"
            );
        }
    }

    #[test]
    fn numbers_never_print_negative_zero_or_nan() {
        assert_eq!(num(-0.0001, 3), "0.000");
        assert_eq!(num(f64::NAN, 1), "0.0");
        assert_eq!(signed(0.25), "+0.250");
    }
}

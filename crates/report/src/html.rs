//! `report.html`: one self-contained page (inline CSS and SVG, no script, no network) that
//! shows what a run's numbers mean.
//!
//! Every string that comes from the corpus, its metadata or the pipeline file goes through
//! [`escape`] before it is written; nothing else is ever inserted. The page is bounded in size
//! whatever the corpus (top-N lists, at most [`MAX_PANELS`] documents or groups per section,
//! sentence arcs averaged down to at most [`MAX_ARC_POINTS`] points) and lists what it left
//! out. The same inputs always give the same bytes: no clock, no random ids, no hash-map order.

use std::fmt::Write as _;

use wordmill_analyse::DocumentStats;

use crate::Report;
use crate::section::HtmlContext;
use crate::text::{clip_px, plural, text_px, thousands};

/// Bars of the top-terms chart.
pub(crate) const MAX_TOP_TERMS: usize = 40;
/// Documents or groups shown per section (distinctive terms, sentiment arcs).
pub(crate) const MAX_PANELS: usize = 12;
/// Distinctive terms per document or group.
pub(crate) const DISTINCTIVE_TERMS: usize = 8;
/// Points of one sentiment arc; longer documents are averaged into this many buckets.
pub(crate) const MAX_ARC_POINTS: usize = 400;
/// Rows of the document table.
pub(crate) const MAX_DOCUMENT_ROWS: usize = 25;
/// Metadata columns of the document table.
pub(crate) const MAX_META_COLUMNS: usize = 6;
/// Bars of the group chart.
pub(crate) const MAX_GROUPS: usize = 150;
/// Quotes per list.
pub(crate) const MAX_QUOTES: usize = 5;
/// Widest label left of a bar chart's bars, in SVG units (longer ones are cut, the whole text
/// in their tooltip).
pub(crate) const MAX_LABEL_PX: f64 = 224.0;

/// Okabe–Ito colours, readable by colour-blind readers.
pub(crate) const BLUE: &str = "#0072B2";
pub(crate) const VERMILLION: &str = "#D55E00";
pub(crate) const GREY: &str = "#8c8c8c";
/// The categorical palette for groups (Okabe–Ito, the pale yellow last).
pub(crate) const CATEGORICAL: [&str; 8] = [
    BLUE, VERMILLION, "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
];

/// Chart width in SVG user units (charts scale down to the page width).
pub(crate) const W: f64 = 960.0;

/// Renders `report.html`: a complete, self-contained HTML page: the corpus, then each of the
/// report's sections, in order. `documents` are the per-document rows kept for the document
/// table (and the sections that draw per document), in ordinal order.
///
/// ```
/// use wordmill_report::{CorpusSummary, Report, render_html};
///
/// let report = Report::new("<demo>", "0123abcd", CorpusSummary { documents: 1, bytes: 9, tokens: 2, sentences: 1, skipped: 0 });
/// let html = render_html(&report, &[]);
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(html.contains("&lt;demo&gt;") && !html.contains("<demo>"));
/// ```
pub fn render_html(report: &Report, documents: &[DocumentStats]) -> String {
    let ctx = HtmlContext {
        report,
        documents,
        grouping: report.sections.iter().find_map(|s| s.grouping()),
    };
    let mut page = Page::default();
    corpus_section(&mut page, &ctx);
    for section in &report.sections {
        section.html(&mut page, &ctx);
    }
    assemble(report, &page)
}

/// The body being built and what it left out.
#[derive(Default)]
pub struct Page {
    pub(crate) body: String,
    pub(crate) notes: Vec<String>,
    pub(crate) nav: Vec<(&'static str, &'static str)>,
}

impl Page {
    pub(crate) fn section(&mut self, id: &'static str, title: &'static str) {
        self.nav.push((id, title));
        let _ = writeln!(
            self.body,
            "<section id=\"{id}\" aria-labelledby=\"{id}-h\"><h2 id=\"{id}-h\">{title}</h2>"
        );
    }

    pub(crate) fn end(&mut self) {
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
pub(crate) fn fin(x: f64) -> f64 {
    if x.is_finite() { x } else { 0.0 }
}

/// A number with `d` decimals; `-0.000` prints as `0.000`.
pub(crate) fn num(x: f64, d: usize) -> String {
    let s = format!("{:.*}", d, fin(x));
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// An SVG coordinate.
pub(crate) fn c(x: f64) -> String {
    num(x, 1)
}

/// A signed score with 3 decimals (`+0.123`).
pub(crate) fn signed(x: f64) -> String {
    let s = num(x, 3);
    if s.starts_with('-') || s == "0.000" {
        s
    } else {
        format!("+{s}")
    }
}

pub(crate) fn pct(x: f64) -> String {
    format!("{} %", num(x * 100.0, 1))
}

/// The smallest tick at or above `max` (ticks from 0 with about `target` steps) and the ticks.
pub(crate) fn nice_axis(max: f64, target: usize) -> (Vec<f64>, usize, f64) {
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
pub(crate) fn bytes(n: u64) -> String {
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
pub(crate) fn ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, usize) {
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
pub(crate) fn tick_label(v: f64, decimals: usize) -> String {
    if decimals == 0 && v.abs() >= 1000.0 {
        let r = v.round();
        let s = thousands(r.abs() as u64);
        if r < 0.0 { format!("-{s}") } else { s }
    } else {
        num(v, decimals)
    }
}

/// The colour of a compound score: blue positive, vermillion negative, grey neutral.
pub(crate) fn sentiment_colour(x: f64) -> &'static str {
    if x >= 0.05 {
        BLUE
    } else if x <= -0.05 {
        VERMILLION
    } else {
        GREY
    }
}

/// The font size in SVG units and the boldness of each text class of the stylesheet.
pub(crate) fn font_of(class: &str) -> (f64, bool) {
    match class {
        "ct" => (14.0, true),
        "inbar" => (13.0, true),
        "lbl" | "axl" => (12.0, false),
        _ => (11.0, false),
    }
}

/// Writes an SVG `<text>` of class `class` (positioned by `attrs`, e.g. `x="1" y="2"`) showing
/// `shown`, with `full` in a `<title>` child (its tooltip) when given.
pub(crate) fn svg_text(s: &mut String, class: &str, attrs: &str, shown: &str, full: Option<&str>) {
    let _ = write!(s, "<text class=\"{class}\" {attrs}>{}", escape(shown));
    if let Some(full) = full {
        let _ = write!(s, "<title>{}</title>", escape(full));
    }
    s.push_str("</text>");
}

/// Writes a label that is at most `max_px` wide: a longer one is cut with `…` and shown whole
/// on hover. Every text from the data drawn in a chart goes through here.
pub(crate) fn label(s: &mut String, class: &str, attrs: &str, text: &str, max_px: f64) {
    let (size, bold) = font_of(class);
    let (shown, cut) = clip_px(text, max_px, size, bold);
    svg_text(s, class, attrs, &shown, cut.then_some(text));
}

/// The drawn width of `text` in text class `class`.
pub(crate) fn label_px(text: &str, class: &str) -> f64 {
    let (size, bold) = font_of(class);
    text_px(text, size, bold)
}

/// Opens a chart `width` wide: an `<svg>` with `role="img"`, a `<title>` (and a `<desc>` when
/// given) and the title drawn at the top left, in `room` units at most; or, when given, `shown`
/// (a shortened title that already fits) with the whole title as its tooltip.
pub(crate) fn svg_open_at(
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
pub(crate) fn svg_open(s: &mut String, height: f64, title: &str, desc: &str) {
    svg_open_at(s, (W, height), title, desc, W, None);
}

/// Opens a `<details>` data table with these (already safe) header cells.
pub(crate) fn table_open(s: &mut String, summary: &str, headers: &[&str]) {
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
pub(crate) fn table_row(s: &mut String, cells: &[String]) {
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

/// Writes `text` (which starts at byte `start` of its document) escaped, with the pieces inside
/// `marks` (byte ranges of the document) in `<mark>`: a quote with its mentions highlighted.
pub(crate) fn marked_text(s: &mut String, text: &str, start: usize, marks: &[[usize; 2]]) {
    for (piece, marked) in crate::text::marked_pieces(text, start, marks) {
        if marked {
            let _ = write!(s, "<mark>{}</mark>", escape(piece));
        } else {
            s.push_str(&escape(piece));
        }
    }
}

/// Rows of stacked shares: for each `(label, [negative, neutral, positive], value text)`, one
/// bar across the plot, vermillion, grey and blue, the label on the left and the text on the
/// right.
pub(crate) fn shares_chart(s: &mut String, title: &str, rows: &[(String, [f64; 3], String)]) {
    let longest = rows
        .iter()
        .map(|r| label_px(&r.0, "lbl"))
        .fold(0.0, f64::max);
    let left = (longest.min(MAX_LABEL_PX) + 16.0).max(60.0);
    let text_w = rows
        .iter()
        .map(|r| label_px(&r.2, "val"))
        .fold(0.0, f64::max)
        + 12.0;
    let plot = (W - left - text_w - 8.0).max(1.0);
    let (top, row_h, bottom) = (34.0, 22.0, 30.0);
    let height = top + row_h * rows.len() as f64 + bottom;
    svg_open(
        s,
        height,
        title,
        &format!(
            "{}; stacked bars of the shares of negative, neutral and positive",
            plural(rows.len() as u64, "bar", "bars")
        ),
    );
    for (i, (name, shares, text)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
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
        let mut x = left;
        for (part, share, colour) in [
            ("negative", shares[0], VERMILLION),
            ("neutral", shares[1], "#d9d9d9"),
            ("positive", shares[2], BLUE),
        ] {
            let w = plot * fin(share).clamp(0.0, 1.0);
            let _ = write!(
                s,
                "<g><title>{}: {part} {}</title><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{colour}\"/></g>",
                escape(name),
                pct(share),
                c(x),
                c(y + 3.0),
                c(w),
                c(row_h - 6.0)
            );
            x += w;
        }
        let _ = writeln!(
            s,
            "<text class=\"val\" x=\"{}\" y=\"{}\">{}</text>",
            c(left + plot + 6.0),
            c(y + row_h / 2.0 + 4.0),
            escape(text)
        );
    }
    let base = top + row_h * rows.len() as f64;
    let _ = writeln!(
        s,
        "<text class=\"tick\" x=\"{}\" y=\"{}\">negative (vermillion) · neutral (grey) · positive (blue)</text></svg>",
        c(left),
        c(base + 18.0)
    );
}

pub(crate) fn table_close(s: &mut String) {
    s.push_str("</tbody></table></details>\n");
}

/// `k` indices spread evenly over `0..n` (all of them when `n <= k`), ascending.
pub(crate) fn spread(n: usize, k: usize) -> Vec<usize> {
    if n <= k {
        (0..n).collect()
    } else {
        (0..k).map(|i| i * (n - 1) / (k - 1).max(1)).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// Corpus

pub(crate) fn corpus_section(page: &mut Page, input: &HtmlContext<'_>) {
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
    let columns: Vec<_> = input
        .report
        .sections
        .iter()
        .filter_map(|s| s.document_column())
        .collect();
    let mut headers: Vec<&str> = vec!["document"];
    headers.extend(keys.iter().copied());
    headers.extend(["bytes", "tokens", "sentences"]);
    headers.extend(columns.iter().map(|c| c.header));
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
        row.extend(columns.iter().map(|c| (c.cell)(d.ordinal)));
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
pub(crate) fn hbar_chart(
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

pub(crate) fn group_label(keys: &[String], values: &[String]) -> String {
    keys.iter()
        .zip(values)
        .map(|(k, v)| format!("{k} = {}", if v.is_empty() { "(none)" } else { v }))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A small horizontal bar chart of TF-IDF weights.
pub(crate) fn small_bars(s: &mut String, title: &str, list: &[(String, f64)]) {
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
// The page

pub(crate) const CSS: &str = "\
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

pub(crate) fn assemble(r: &Report, page: &Page) -> String {
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
    use crate::sections::sentiment::*;

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

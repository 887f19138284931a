//! `report.html` shows hostile corpus, metadata and pipeline strings as text, is well formed
//! and is the same bytes every time.

#[path = "html_support.rs"]
mod support;

use wordmill_report::render_html;

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";

/// Tags `render_html` itself writes; anything else came from the data.
const OWN_TAGS: &[&str] = &[
    "!DOCTYPE",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "header",
    "h1",
    "h2",
    "h3",
    "p",
    "nav",
    "ul",
    "li",
    "a",
    "section",
    "dl",
    "div",
    "dt",
    "dd",
    "details",
    "summary",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "svg",
    "desc",
    "text",
    "line",
    "rect",
    "path",
    "g",
    "circle",
    "figure",
    "blockquote",
    "figcaption",
    "strong",
    "code",
    "em",
    "span",
    "aside",
    "footer",
];

fn hostile_run() -> support::Run {
    let docs = vec![
        support::doc(
            0,
            SCRIPT,
            &format!(
                "The workers are happy and proud. {SCRIPT} is a terrible, awful attack! {IMG} was great fun."
            ),
            &[("year", SCRIPT), ("party", IMG)],
        ),
        support::doc(
            1,
            IMG,
            &format!(
                "Police beat the protesters. {IMG} {SCRIPT} Nobody was hurt, luckily. A wonderful day."
            ),
            &[("year", "2020"), (SCRIPT, IMG), ("party", "d")],
        ),
        support::doc(
            2,
            "plain",
            "A calm and ordinary report. Nothing happened at all.",
            &[("year", "2021"), ("party", "r")],
        ),
    ];
    support::run(
        &format!("pipe {SCRIPT} {IMG}"),
        &format!("abc{IMG}"),
        &docs,
        &["year", "party"],
    )
}

fn render(run: &support::Run) -> String {
    render_html(&run.report, &run.documents)
}

/// Every tag name in `html` (the text after each `<`, up to a space, `>` or `/`).
fn tags(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        let end = rest.find('>').unwrap_or(rest.len());
        let whole = rest[..end].to_string();
        let name: String = whole
            .trim_start_matches('/')
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/')
            .collect();
        out.push((name, whole));
    }
    out
}

#[test]
fn hostile_strings_show_as_text() {
    let run = hostile_run();
    // The hostile strings really are in the inputs.
    assert!(
        run.terms
            .vocabulary
            .iter()
            .any(|t| t.term.contains("<script>"))
    );
    assert!(
        run.sentiment
            .most_negative
            .iter()
            .chain(&run.sentiment.most_positive)
            .any(|q| q.text.contains("<img"))
    );
    let html = render(&run);
    for raw in ["<script", "<img", "</script"] {
        assert!(!html.to_lowercase().contains(raw), "raw {raw} in the page");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    // Every tag is one the renderer writes, and no tag carries an event-handler attribute.
    for (name, whole) in tags(&html) {
        assert!(
            OWN_TAGS.contains(&name.as_str()),
            "unexpected tag <{whole}>"
        );
        // Attribute values are always double-quoted, and escaped text holds no `"`.
        let lower: String = whole
            .to_lowercase()
            .split('"')
            .step_by(2)
            .collect::<Vec<_>>()
            .join("\"\"");
        for (i, _) in lower.match_indices(" on") {
            let attr: String = lower[i + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(
                !lower[i + 1 + attr.len()..].starts_with('='),
                "event handler in <{whole}>"
            );
        }
    }
    // `onerror=` only ever appears as text or inside a quoted attribute value.
    for (i, _) in html.match_indices("onerror=") {
        let before = &html[..i];
        let (lt, gt) = (
            before.rfind('<').unwrap_or(0),
            before.rfind('>').unwrap_or(0),
        );
        let in_text = gt > lt;
        let in_value = !in_text && before[lt..].matches('"').count() % 2 == 1;
        assert!(in_text || in_value, "onerror= as markup at byte {i}");
    }
}

#[test]
fn the_page_is_well_formed_and_complete() {
    let html = render(&hostile_run());
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.ends_with("</html>\n"));
    assert_eq!(html.matches("<html").count(), 1);
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("<meta name=\"viewport\""));
    for tag in [
        "svg", "section", "details", "table", "g", "text", "figure", "title",
    ] {
        let open =
            html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count();
        let close = html.matches(&format!("</{tag}>")).count();
        assert_eq!(
            open, close,
            "<{tag}> opened {open} times, closed {close} times"
        );
    }
    let svgs = html.matches("<svg ").count();
    assert!(svgs >= 5, "{svgs} charts");
    assert_eq!(
        html.matches("role=\"img\"").count(),
        svgs,
        "every chart is an image with a title"
    );
    for section in [
        "id=\"corpus\"",
        "id=\"terms\"",
        "id=\"distinctive\"",
        "id=\"sentiment\"",
        "id=\"arcs\"",
        "id=\"quotes\"",
        "id=\"groups\"",
    ] {
        assert!(html.contains(section), "missing {section}");
    }
    assert!(!html.contains("NaN") && !html.contains("inf\""));
    // No network: nothing is fetched.
    assert!(
        !html.contains("http://")
            || html.matches("http://").count()
                == html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert!(!html.contains("https://"));
}

#[test]
fn the_same_inputs_give_the_same_bytes() {
    let a = render(&hostile_run());
    let b = render(&hostile_run());
    assert_eq!(a, b);
}

#[test]
fn an_empty_report_still_renders() {
    let report =
        wordmill_report::Report::new("empty", "00", wordmill_report::CorpusSummary::default());
    let html = render_html(&report, &[]);
    assert!(html.contains("<h1>empty</h1>"));
    assert!(html.ends_with("</html>\n"));
}

//! The keyness section: `keyness.csv` has every row with the documented columns and exact
//! floats; `report.json` reads back to the same section, which renders the same page; the
//! lists are ordered by the measure; Markdown has a table per target, the terminal one line per
//! target; the HTML chart draws over-represented terms right of the zero line and
//! under-represented ones left of it, and shows hostile strings as text.

use wordmill_analyse::{Analyser, Keyness, KeynessConfig, KeynessOutput, Measure};
use wordmill_model::{Document, Metadata, NormalisedDoc, Span, Token, TokenText};
use wordmill_report::{
    AnalyserSection, CorpusSummary, KEYNESS_COLUMNS, KeynessSection, Report, render_html,
    render_markdown, render_terminal, write_keyness_csv,
};

const SCRIPT: &str = "<script>alert(1)</script>";

/// Tokens: runs of non-space characters (markup survives into terms).
fn normalise(doc: &Document) -> NormalisedDoc<'_> {
    let tokens = doc
        .text
        .split(' ')
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, w)| Token {
            text: TokenText::borrowed(w),
            span: Span::default(),
            position: i as u32,
        })
        .collect();
    NormalisedDoc {
        doc,
        sentences: Vec::new(),
        tokens,
    }
}

fn docs() -> Vec<Document> {
    let meta = |v: Option<&str>| -> Metadata {
        let mut m = Metadata::new();
        if let Some(v) = v {
            m.insert("par|ty", v);
        }
        m
    };
    let texts = [
        (
            Some("d"),
            "jobs jobs jobs jobs health health care a,b tie1 tie1 tie2 tie2 tax",
        ),
        (Some("d"), "jobs health care care tie1 tie2 freedom"),
        (
            Some(SCRIPT),
            "freedom freedom freedom tax tax tax border border a,b jobs",
        ),
        (
            Some("r"),
            "freedom freedom tax tax tax border liberty liberty health",
        ),
        (None, "jobs unions unions"),
    ];
    texts
        .iter()
        .enumerate()
        .map(|(i, (v, t))| Document::new(i as u64, format!("doc{i}"), *t, meta(*v)))
        .collect()
}

fn keyness(config: KeynessConfig) -> (Keyness, KeynessOutput) {
    let docs = docs();
    let k = Keyness::new(config);
    let mut p = k.partial();
    for d in &docs {
        k.observe(&mut p, &normalise(d));
    }
    let out = k.finish(p);
    (k, out)
}

fn report(section: KeynessSection) -> Report {
    let mut r = Report::new(
        &format!("keyness {SCRIPT}"),
        "0123456789abcdef",
        CorpusSummary {
            documents: 5,
            ..CorpusSummary::default()
        },
    );
    r.push(section);
    r
}

fn every_group() -> (Keyness, KeynessOutput, KeynessSection) {
    let (k, out) = keyness(KeynessConfig::new("par|ty").top(4));
    let section = KeynessSection::from_output(&k, out.clone());
    (k, out, section)
}

#[test]
fn keyness_csv_has_every_row_and_exact_floats() {
    let (_, out, _) = every_group();
    let mut buf = Vec::new();
    write_keyness_csv(&mut buf, &out).unwrap();
    let text = String::from_utf8(buf).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        rdr.headers().unwrap().iter().collect::<Vec<_>>().join(","),
        KEYNESS_COLUMNS
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    let want: Vec<_> = out
        .comparisons
        .iter()
        .flat_map(|c| c.rows.iter().map(move |r| (c.label.as_str(), r)))
        .collect();
    assert_eq!(rows.len(), want.len());
    assert!(rows.len() > 10);
    for (got, (label, row)) in rows.iter().zip(want) {
        assert_eq!(&got[0], label);
        assert_eq!(&got[1], &*row.term);
        assert_eq!(got[2].parse::<u64>().unwrap(), row.target_count);
        assert_eq!(got[3].parse::<u64>().unwrap(), row.reference_count);
        for (i, x) in [row.chi2, row.chi2_p, row.g2, row.g2_p, row.log_ratio]
            .into_iter()
            .enumerate()
        {
            assert_eq!(got[4 + i].parse::<f64>().unwrap().to_bits(), x.to_bits());
            assert!(!got[4 + i].contains(['e', 'E']), "{}", &got[4 + i]);
        }
    }
    // The term with a comma is quoted, the label without one is not.
    assert!(text.contains("\n<script>alert(1)</script>,\"a,b\",1,"));
}

#[test]
fn lists_are_ordered_by_the_measure_then_the_term() {
    for measure in Measure::ALL {
        let (k, out) = keyness(KeynessConfig::new("par|ty").measure(measure).top(4));
        let s = KeynessSection::from_output(&k, out);
        for t in &s.summary.targets {
            assert!(t.over.len() <= 4 && t.under.len() <= 4);
            for (list, sign) in [(&t.over, 1.0), (&t.under, -1.0)] {
                for (i, x) in list.iter().enumerate() {
                    assert_eq!(x.rank as usize, i + 1);
                    assert!(x.measure(measure) * sign > 0.0, "{x:?}");
                }
                for w in list.windows(2) {
                    let (a, b) = (w[0].measure(measure) * sign, w[1].measure(measure) * sign);
                    assert!(a > b || (a == b && w[0].term < w[1].term), "{w:?}");
                }
            }
        }
    }
    let (_, _, s) = every_group();
    let d = &s.summary.targets[1];
    assert_eq!(d.target, "d");
    // d has 20 term occurrences, the reference 19. By G²: care, tie1 and tie2 (3 against 0:
    // 4.244, ties broken by the term), then jobs (5 against 1: 3.158); tax (1 against 6:
    // -5.068), border (0 against 3: -4.579), freedom (1 against 5: -3.646), liberty (0
    // against 2: -2.990).
    assert_eq!(d.totals, [20, 19]);
    let names: Vec<&str> = d.over.iter().map(|x| x.term.as_str()).collect();
    assert_eq!(names, ["care", "tie1", "tie2", "jobs"]);
    let names: Vec<&str> = d.under.iter().map(|x| x.term.as_str()).collect();
    assert_eq!(names, ["tax", "border", "freedom", "liberty"]);
    assert!((d.over[0].g2 - 4.244407585024208).abs() < 1e-12);
    assert!((d.under[0].g2 + 5.068474514732518).abs() < 1e-12);
    assert_eq!(s.summary.documents_without_key, 1);
    assert_eq!(s.summary.settings.top, 4);
}

#[test]
fn report_json_reads_back_to_the_same_section_and_page() {
    let (_, _, section) = every_group();
    let summary = section.summary.clone();
    let original = report(section);
    let mut json = Vec::new();
    original.write_json(&mut json).unwrap();
    let back = Report::from_json(&json, &[KeynessSection::READER]).unwrap();
    let read = back
        .section::<KeynessSection>()
        .expect("the keyness section");
    assert_eq!(read.summary, summary);
    assert!(read.output.is_none());
    assert_eq!(render_html(&back, &[]), render_html(&original, &[]));
    assert_eq!(render_markdown(&back), render_markdown(&original));
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let k = &value["keyness"];
    assert_eq!(k["settings"]["measure"], "g2");
    assert_eq!(k["settings"]["target"], serde_json::Value::Null);
    assert_eq!(k["targets"][1]["totals"].as_array().unwrap().len(), 2);
}

#[test]
fn markdown_has_a_table_per_target_and_the_terminal_a_line() {
    let (_, out, section) = every_group();
    let r = report(section);
    let md = render_markdown(&r);
    let part = &md[md.find("## Keyness").unwrap()..];
    assert_eq!(part.matches("\n### ").count(), out.comparisons.len());
    assert_eq!(
        part.matches("| | term | target | reference |").count(),
        out.comparisons.len()
    );
    assert!(part.contains("by *par\\|ty*"));
    assert!(part.contains("1 document without *par\\|ty* is left out."));
    assert!(part.contains("### \\<script\\>alert(1)\\</script\\> against d, r"));
    let terminal = render_terminal(&r);
    let lines: Vec<&str> = terminal
        .lines()
        .filter(|l| l.starts_with("  keyness "))
        .collect();
    assert_eq!(lines.len(), out.comparisons.len());
    assert_eq!(lines[1], "  keyness par|ty = d: care, tie1, tie2, jobs");
    assert!(terminal.lines().all(|l| l.chars().count() <= 80));
}

/// The `x` of a bar's `<rect>` and its width, by its tooltip's term.
fn bar(html: &str, term: &str) -> (f64, f64) {
    let at = html
        .find(&format!("<g><title>{term}: "))
        .unwrap_or_else(|| panic!("no bar for {term}"));
    let rect = &html[at..];
    let attr = |name: &str| -> f64 {
        let v = rect.split(&format!(" {name}=\"")).nth(1).unwrap();
        v[..v.find('"').unwrap()].parse().unwrap()
    };
    (attr("x"), attr("width"))
}

#[test]
fn the_chart_diverges_from_zero_and_escapes_the_data() {
    let (_, _, section) = every_group();
    let html = render_html(&report(section), &[]);
    assert!(!html.contains(SCRIPT));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("<section id=\"keyness\""));
    assert_eq!(html.matches("<h3>").count(), 3);
    // The chart of d: jobs (over) right of the zero line, freedom (under) left of it.
    let part = &html[html.find("<h3>d against").unwrap()..];
    let part = &part[..part.find("</svg>").unwrap()];
    let zero = part
        .split("<line class=\"zero\" x1=\"")
        .nth(1)
        .map(|v| v[..v.find('"').unwrap()].parse::<f64>().unwrap())
        .expect("a zero line");
    let (x, w) = bar(part, "jobs");
    assert!(
        (x - zero).abs() < 0.11 && w > 1.0,
        "jobs at {x}+{w}, zero {zero}"
    );
    let (x, w) = bar(part, "freedom");
    assert!(
        (x + w - zero).abs() < 0.11 && w > 1.0,
        "freedom at {x}+{w}, zero {zero}"
    );
    assert!(part.contains("fill=\"#0072B2\"") && part.contains("fill=\"#D55E00\""));
    // The bars' texts carry the counts.
    assert!(part.contains("jobs: +"), "{part}");
    assert!(part.contains(" (5 / 1)</title>"), "{part}");
}

#[test]
fn a_key_no_document_has_is_said_plainly() {
    let (k, out) = keyness(KeynessConfig::new("year"));
    let r = report(KeynessSection::from_output(&k, out));
    assert!(render_markdown(&r).contains("No document has the key *year*."));
    assert!(render_html(&r, &[]).contains("<p>No document has the key <em>year</em>.</p>"));
    assert!(!render_terminal(&r).contains("\n  keyness "));
}

#[test]
fn the_page_is_bounded_whatever_top_is() {
    let words = |prefix: &str| {
        (0..60)
            .map(|i| format!("{prefix}{i:02}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let meta = |v: &str| -> Metadata { [("party", v)].into_iter().collect() };
    let docs = [
        Document::new(0, "a", words("w"), meta("d")),
        Document::new(1, "b", words("v"), meta("r")),
    ];
    let k = Keyness::new(KeynessConfig::new("party").top(50));
    let mut p = k.partial();
    for d in &docs {
        k.observe(&mut p, &normalise(d));
    }
    let section = KeynessSection::from_output(&k, k.finish(p));
    assert_eq!(section.summary.targets[0].over.len(), 50);
    assert_eq!(section.summary.targets[0].under.len(), 50);
    let html = render_html(&report(section), &[]);
    // 2 targets, 15 bars each way each; tables of 40 rows each way each.
    assert_eq!(html.matches("<g><title>").count(), 2 * 2 * 15);
    assert_eq!(html.matches("<tr><td>more</td>").count(), 2 * 40);
    assert_eq!(html.matches("<tr><td>less</td>").count(), 2 * 40);
    assert!(html.contains(
        "The keyness charts show 15 of the 50 terms listed in each direction, the tables under them 40; report.json and report.md have them all."
    ));
}

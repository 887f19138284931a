//! What people read agrees across `report.md`, `report.html` and the terminal summary: one
//! sentence numbering (from 1), "most positive" and "most negative" only for positive and
//! negative sentences, and counts of one in the singular.

#[path = "html_support.rs"]
mod support;

use wordmill_report::{
    CorpusSummary, Quote, Report, SentimentReport, SentimentSection, TermsSection,
    document_sentiment_cells, render_html, render_markdown, render_terminal, write_sentences_jsonl,
};

/// The three renderings for people of one run.
struct Rendered {
    markdown: String,
    html: String,
    terminal: String,
}

fn render(run: &support::Run) -> Rendered {
    Rendered {
        markdown: render_markdown(&run.report),
        html: render_html(&run.report, &run.documents),
        terminal: render_terminal(&run.report),
    }
}

/// Documents as `(id, sentences)`; each sentence ends with `.` so the test corpus splits there.
fn documents(docs: &[(&str, &[&str])], meta: &[(&str, &str)]) -> Vec<wordmill_model::Document> {
    docs.iter()
        .enumerate()
        .map(|(i, (id, sentences))| support::doc(i as u64, id, &sentences.join(" "), meta))
        .collect()
}

const ALPHA: &[&str] = &[
    "The table is wooden.",
    "It stands in the hall.",
    "This is a terrible, awful disaster.",
    "What a wonderful, happy day.",
];
const BETA: &[&str] = &[
    "The room was quiet.",
    "A great and lovely party.",
    "Nothing happened.",
    "The police beat the protesters brutally.",
    "Everyone was sad and angry.",
];

/// The 1-based position of `text` among the sentences the test wrote for document `id`.
fn position(id: &str, text: &str) -> usize {
    let sentences = match id {
        "alpha" => ALPHA,
        "beta" => BETA,
        _ => panic!("unknown document {id}"),
    };
    sentences
        .iter()
        .position(|s| *s == text)
        .unwrap_or_else(|| panic!("{text:?} is not a sentence of {id}"))
        + 1
}

#[test]
fn the_same_sentence_has_the_same_number_everywhere() {
    let docs = documents(&[("alpha", ALPHA), ("beta", BETA)], &[]);
    let run = support::run("numbers", "feed", &docs, &[]);
    let out = render(&run);
    let st = &run.report.section::<SentimentSection>().unwrap().summary;
    assert!(!st.most_negative.is_empty() && !st.most_positive.is_empty());
    for q in st.most_negative.iter().chain(&st.most_positive) {
        let n = position(&q.doc_id, &q.text);
        let shown = format!("{}, sentence {n}", q.doc_id);
        assert!(
            out.markdown.contains(&format!("({shown}):")),
            "report.md lacks {shown}:\n{}",
            out.markdown
        );
        assert!(
            out.html.contains(&format!("</span> {shown}</figcaption>")),
            "report.html lacks {shown}"
        );
    }
    // The terminal quotes the most negative sentence of the corpus.
    let worst = &st.most_negative[0];
    let n = position(&worst.doc_id, &worst.text);
    assert!(
        out.terminal
            .contains(&format!("{}, sentence {n}", worst.doc_id)),
        "{}",
        out.terminal
    );
    // The arcs mark each document's extremes with the same numbers.
    for d in &run.sentiment.documents {
        for (what, r) in [
            ("most positive", &d.most_positive),
            ("most negative", &d.most_negative),
        ] {
            let r = r.as_ref().unwrap();
            let n = position(&d.id, &r.text);
            assert!(
                out.html.contains(&format!("<title>{what}, sentence {n}: ")),
                "the arc of {} lacks its {what} sentence {n}",
                d.id
            );
        }
    }
    // The data files keep the 0-based index.
    let mut jsonl = Vec::new();
    write_sentences_jsonl(&mut jsonl, &run.sentiment).unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let line = lines
        .iter()
        .find(|l| l["doc_id"] == worst.doc_id.as_str() && l["compound"] == worst.compound)
        .unwrap();
    assert_eq!(line["index"], (n - 1) as u64);
    assert_eq!(worst.index, n - 1);
}

#[test]
fn a_document_without_negative_sentences_has_no_most_negative() {
    let happy: &[&str] = &[
        "What a wonderful day.",
        "The table is wooden.",
        "Everyone was happy.",
    ];
    let docs = documents(&[("happy", happy)], &[]);
    let run = support::run("happy", "feed", &docs, &[]);
    let d = &run.sentiment.documents[0];
    assert!(d.most_positive.is_some());
    assert!(d.most_negative.is_none());
    // documents.csv: the most negative columns are empty, the most positive ones are not.
    let cells = document_sentiment_cells(d);
    assert!(cells[5..8].iter().all(|c| !c.is_empty()), "{cells:?}");
    assert!(cells[8..11].iter().all(String::is_empty), "{cells:?}");
    // report.json quotes no negative sentence.
    let mut json = Vec::new();
    run.report.write_json(&mut json).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json["sentiment"]["most_negative"], serde_json::json!([]));
    assert_eq!(
        json["sentiment"]["most_positive"][0]["text"],
        "What a wonderful day."
    );
    let out = render(&run);
    assert!(!out.markdown.contains("Most negative"), "{}", out.markdown);
    assert!(!out.terminal.contains("most negative"), "{}", out.terminal);
    assert!(out.html.contains("<title>most positive, sentence 1: "));
    assert!(!out.html.contains("<title>most negative"));
    assert!(
        out.html
            .contains("<h3>Most negative</h3>\n<p>None: no sentence scored −0.05 or less.</p>")
    );
}

#[test]
fn a_document_without_positive_sentences_has_no_most_positive() {
    let gloomy: &[&str] = &["This is a terrible disaster.", "The table is wooden."];
    let docs = documents(&[("gloomy", gloomy)], &[]);
    let run = support::run("gloomy", "feed", &docs, &[]);
    let d = &run.sentiment.documents[0];
    assert!(d.most_positive.is_none());
    assert_eq!(d.most_negative.as_ref().unwrap().index, 0);
    assert!(
        run.report
            .section::<SentimentSection>()
            .unwrap()
            .summary
            .most_positive
            .is_empty()
    );
    let out = render(&run);
    assert!(!out.markdown.contains("Most positive"), "{}", out.markdown);
    assert!(!out.html.contains("<title>most positive"));
    assert!(out.html.contains("<title>most negative, sentence 1: "));
}

#[test]
fn renderers_quote_no_neutral_sentence_as_an_extreme() {
    // A report written before quotes followed VADER's thresholds.
    let mut report = Report::new(
        "old",
        "feed",
        CorpusSummary {
            documents: 1,
            bytes: 40,
            tokens: 8,
            sentences: 2,
            skipped: 0,
        },
    );
    let quote = |index: usize, compound: f64, text: &str| Quote {
        doc_id: "d".into(),
        index,
        compound,
        text: text.into(),
    };
    report.push(SentimentSection {
        summary: SentimentReport {
            rules: "vader".into(),
            unit: "sentence".into(),
            group_by: Vec::new(),
            documents: 1,
            sentences: 2,
            compound_mean: 0.0,
            document_compound_mean: 0.0,
            positive_share: 0.0,
            neutral_share: 1.0,
            negative_share: 0.0,
            histogram: vec![0; 20],
            most_positive: vec![quote(0, 0.03, "Barely upbeat words.")],
            most_negative: vec![quote(1, -0.02, "Barely downbeat words.")],
            groups: Vec::new(),
        },
        output: None,
        arcs: None,
    });
    let html = render_html(&report, &[]);
    for text in [render_markdown(&report), html, render_terminal(&report)] {
        assert!(!text.contains("Barely"), "{text}");
    }
}

/// Pairs of consecutive words of `text` that people read as a phrase: within one run of text
/// between HTML tags, table cell bars and line ends; punctuation (but not digit groups) left out.
fn word_pairs(text: &str) -> Vec<(String, String)> {
    let mut runs: Vec<String> = vec![String::new()];
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => {
                in_tag = true;
                runs.push(String::new());
            }
            '>' => in_tag = false,
            _ if in_tag => {}
            '|' | '\n' => runs.push(String::new()),
            c if c.is_alphanumeric() || c == ',' => runs.last_mut().unwrap().push(c),
            _ => runs.last_mut().unwrap().push(' '),
        }
    }
    let mut pairs = Vec::new();
    for run in runs {
        let w: Vec<&str> = run
            .split_whitespace()
            .map(|w| w.trim_end_matches(','))
            .collect();
        for p in w.windows(2) {
            pairs.push((p[0].to_string(), p[1].to_string()));
        }
    }
    pairs
}

#[test]
fn a_count_of_one_is_singular() {
    let docs = documents(&[("solo", &["Wonderful."])], &[("party", "d")]);
    let run = support::run("one", "feed", &docs, &["party"]);
    assert_eq!(run.report.corpus.documents, 1);
    assert_eq!(run.report.corpus.sentences, 1);
    assert_eq!(run.report.corpus.tokens, 1);
    assert_eq!(
        run.report
            .section::<TermsSection>()
            .unwrap()
            .summary
            .vocabulary_size,
        1
    );
    let out = render(&run);
    let plurals = [
        "documents",
        "sentences",
        "tokens",
        "terms",
        "groups",
        "bytes",
    ];
    for (name, text) in [
        ("report.md", &out.markdown),
        ("report.html", &out.html),
        ("terminal", &out.terminal),
    ] {
        let pairs = word_pairs(text);
        for (a, b) in &pairs {
            assert!(
                !(a == "1" && plurals.contains(&b.as_str())),
                "{name} says \"1 {b}\":\n{text}"
            );
        }
        assert!(
            pairs.iter().any(|(a, b)| a == "1" && b == "document"),
            "{name} never says \"1 document\""
        );
    }
    assert!(out.terminal.contains("1 document, "), "{}", out.terminal);
    assert!(
        out.terminal.contains("1 token, 1 sentence"),
        "{}",
        out.terminal
    );
    assert!(
        out.terminal.contains("vocabulary: 1 term;"),
        "{}",
        out.terminal
    );
    assert!(out.markdown.contains("over 1 sentence of 1 document."));
    assert!(out.html.contains("(1 group by party)"));
    assert!(
        out.html
            .contains("1 distinct term kept from 1 token in 1 document.")
    );
}

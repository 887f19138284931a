//! The targets section: `targets.csv` has the documented columns and a row per target (and
//! group); `target_sentences.jsonl` a line per target and sentence with the mention spans;
//! `report.json` reads back to the same section, which renders the same page; Markdown and
//! HTML quote the examples with the mentions highlighted, and show hostile strings as text.

use wordmill_analyse::{
    Analyser, Lowercase, TargetSource, TargetSpec, Targets, TargetsConfig, TargetsOutput,
};
use wordmill_model::{Document, Metadata, NormalisedDoc, Span, Token, TokenText};
use wordmill_report::{
    AnalyserSection, CorpusSummary, Report, TargetsSection, render_html, render_markdown,
    render_terminal, write_target_sentences_jsonl, write_targets_csv,
};

const SCRIPT: &str = "<script>alert(1)</script>";

/// Tokens: runs of letters, lower-cased, with their spans; sentences end at `.`.
fn normalise(doc: &Document) -> NormalisedDoc<'_> {
    let text = &doc.text;
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (c.is_alphabetic() || c == '<' || c == '>', start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                tokens.push(Token {
                    text: TokenText::from(text[s..i].to_lowercase()),
                    span: Span::new(s, i),
                    position: tokens.len() as u32,
                });
                start = None;
            }
            _ => {}
        }
    }
    let mut sentences = Vec::new();
    let mut from = 0;
    for (i, c) in text.char_indices() {
        if c == '.' {
            sentences.push(Span::new(from, i + 1));
            from = (i + 2).min(text.len());
        }
    }
    NormalisedDoc {
        doc,
        sentences,
        tokens,
    }
}

fn analyse(group_by: &[&str]) -> (Targets, TargetsOutput, Vec<Document>) {
    let config = TargetsConfig::default()
        .targets(vec![
            TargetSpec {
                name: "strike".into(),
                source: TargetSource::Patterns(vec!["strik*".into()]),
            },
            TargetSpec {
                name: SCRIPT.into(),
                source: TargetSource::Patterns(vec!["police".into()]),
            },
        ])
        .group_by(group_by.iter().map(|k| k.to_string()).collect())
        .examples(2);
    let targets = Targets::new(config, &Lowercase).unwrap();
    let meta = |v: &str| -> Metadata { [("par|ty", v)].into_iter().collect() };
    let docs = vec![
        Document::new(
            0,
            "d<0>",
            "The strike was a great success. The police were brutal and the strike went on.",
            meta("a"),
        ),
        Document::new(
            1,
            "d1",
            "Nothing happened. Striking workers love <b>freedom</b>.",
            meta("b"),
        ),
    ];
    let mut p = targets.partial();
    for d in &docs {
        targets.observe(&mut p, &normalise(d));
    }
    let out = targets.finish(p);
    (targets, out, docs)
}

fn report_with(section: TargetsSection) -> Report {
    let mut r = Report::new("t", "00", CorpusSummary::default());
    r.sections.push(Box::new(section));
    r
}

#[test]
fn csv_has_the_documented_columns_and_a_row_per_target_and_group() {
    let (_, out, _) = analyse(&[]);
    let mut csv = Vec::new();
    write_targets_csv(&mut csv, &out).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "target,mentions,sentences,mean_compound,pos_share,neu_share,neg_share"
    );
    assert_eq!(lines.len(), 3);
    assert!(lines[1].starts_with("strike,3,3,"), "{}", lines[1]);
    assert!(lines[2].starts_with("<script>alert(1)</script>,1,1,"));

    let (_, out, _) = analyse(&["par|ty"]);
    let mut csv = Vec::new();
    write_targets_csv(&mut csv, &out).unwrap();
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "target,par|ty,mentions,sentences,mean_compound,pos_share,neu_share,neg_share"
    );
    // strike in both groups, the police in the first only.
    let firsts: Vec<String> = lines[1..]
        .iter()
        .map(|l| l.split(',').take(2).collect::<Vec<_>>().join(","))
        .collect();
    assert_eq!(
        firsts,
        ["strike,a", "strike,b", "<script>alert(1)</script>,a"]
    );
}

#[test]
fn jsonl_has_a_line_per_target_and_sentence_with_the_mentions() {
    let (_, out, docs) = analyse(&[]);
    let mut buf = Vec::new();
    write_target_sentences_jsonl(&mut buf, &out).unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(buf)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let keys: Vec<(String, String, u64)> = lines
        .iter()
        .map(|l| {
            (
                l["target"].as_str().unwrap().to_string(),
                l["doc_id"].as_str().unwrap().to_string(),
                l["sentence"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [
            ("strike".into(), "d<0>".into(), 0),
            ("strike".into(), "d<0>".into(), 1),
            (SCRIPT.into(), "d<0>".into(), 1),
            ("strike".into(), "d1".into(), 1),
        ]
    );
    for l in &lines {
        let doc = if l["doc_id"] == "d1" {
            &docs[1]
        } else {
            &docs[0]
        };
        for m in l["mentions"].as_array().unwrap() {
            let (a, b) = (
                m[0].as_u64().unwrap() as usize,
                m[1].as_u64().unwrap() as usize,
            );
            let word = doc.text[a..b].to_lowercase();
            assert!(word.starts_with("strik") || word == "police", "{word}");
        }
    }
}

#[test]
fn report_json_reads_back_to_the_same_page_and_escapes_everything() {
    let (targets, out, _) = analyse(&["par|ty"]);
    let section = TargetsSection::from_output(&targets, out);
    let report = report_with(section.clone());
    let mut json = Vec::new();
    report.write_json(&mut json).unwrap();
    let back = Report::from_json(
        &json,
        &[<TargetsSection as AnalyserSection<Targets>>::READER],
    )
    .unwrap();
    let read = back.sections[0]
        .as_any()
        .downcast_ref::<TargetsSection>()
        .unwrap();
    assert_eq!(read.summary, section.summary);
    let html = render_html(&report, &[]);
    assert_eq!(html, render_html(&back, &[]));
    assert!(!html.contains(SCRIPT) && !html.contains("<b>freedom"));
    assert!(html.contains("&lt;script&gt;"));
    // The mention highlighted in the quote.
    assert!(
        html.contains("<mark>Striking</mark> workers love &lt;b&gt;freedom"),
        "{html}"
    );
    let md = render_markdown(&report);
    assert!(md.contains("## Targets"));
    assert!(
        md.contains("**Striking** workers love \\<b\\>freedom"),
        "{md}"
    );
    assert!(!md.contains(SCRIPT));
    for line in render_terminal(&report).lines() {
        assert!(line.chars().count() <= 80);
    }
    assert!(render_terminal(&report).contains("  target strike: "));
    // The quote's text is the document's from text_start, so mentions index into it.
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let q = &v["targets"]["targets"][0]["most_positive"][0];
    let text = q["text"].as_str().unwrap();
    let from = q["text_start"].as_u64().unwrap();
    for m in q["mentions"].as_array().unwrap() {
        let a = (m[0].as_u64().unwrap() - from) as usize;
        let b = (m[1].as_u64().unwrap() - from) as usize;
        assert!(text[a..b].to_lowercase().starts_with("strik"));
    }
}

/// A line of `target_sentences.jsonl` as serde_json writes it: what the hand-written lines
/// must equal.
#[derive(serde::Serialize)]
struct ReferenceLine<'a> {
    target: &'a str,
    doc_id: &'a str,
    sentence: usize,
    start: usize,
    end: usize,
    compound: f64,
    mentions: Vec<[usize; 2]>,
}

type Row = (usize, usize, usize, usize, f64, Vec<(usize, usize)>);

proptest::proptest! {
    /// Whatever the names, ids (quotes, controls, any script), numbers and floats (NaN,
    /// infinities, -0, subnormals), each line is what serde_json writes for it.
    #[test]
    fn jsonl_lines_are_what_serde_json_writes(
        names in proptest::collection::vec(proptest::prelude::any::<String>(), 1..4),
        docs in proptest::collection::vec(
            (
                proptest::prelude::any::<String>(),
                proptest::collection::vec(
                    (
                        0usize..5,
                        proptest::prelude::any::<usize>(),
                        proptest::prelude::any::<usize>(),
                        proptest::prelude::any::<usize>(),
                        proptest::prelude::any::<f64>(),
                        proptest::collection::vec(
                            (proptest::prelude::any::<usize>(), proptest::prelude::any::<usize>()),
                            0..4,
                        ),
                    ),
                    1..4,
                ),
            ),
            1..5,
        ),
    ) {
        let (_, mut out, _) = analyse(&[]);
        let (summary, row) = (out.targets[0].clone(), out.sentences[0].clone());
        out.targets = names
            .iter()
            .map(|n| {
                let mut t = summary.clone();
                t.name = n.clone();
                t
            })
            .collect();
        out.sentences.clear();
        let mut expected = Vec::new();
        for (ordinal, (id, rows)) in docs.iter().enumerate() {
            let rows: &Vec<Row> = rows;
            for (target, index, start, end, compound, mentions) in rows {
                let mut s = row.clone();
                s.target = *target;
                s.ordinal = ordinal as u64;
                s.doc_id = id.as_str().into();
                s.index = *index;
                s.span = Span::new(*start, *end);
                s.compound = *compound;
                s.mentions = mentions.iter().map(|&(a, b)| Span::new(a, b)).collect();
                out.sentences.push(s);
                serde_json::to_writer(
                    &mut expected,
                    &ReferenceLine {
                        target: names.get(*target).map_or("", String::as_str),
                        doc_id: id,
                        sentence: *index,
                        start: *start,
                        end: *end,
                        compound: *compound,
                        mentions: mentions.iter().map(|&(a, b)| [a, b]).collect(),
                    },
                )
                .unwrap();
                expected.push(b'\n');
            }
        }
        let mut got = Vec::new();
        write_target_sentences_jsonl(&mut got, &out).unwrap();
        proptest::prop_assert_eq!(String::from_utf8(got).unwrap(), String::from_utf8(expected).unwrap());
    }
}

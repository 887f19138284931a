//! The sentiment partial state merges in any grouping and order to the same output, and
//! survives a round trip through JSON (the shard format).

use proptest::prelude::*;
use wordmill_analyse::{Analyser, Rules, Sentiment, SentimentConfig, SentimentPartial, Unit};
use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span};

const SENTENCES: &[&str] = &[
    "Workers walked out in protest against the stolen election.",
    "The strike is a great success!",
    "This is not good at all.",
    "Nothing happened.",
    "I love it, but the police were brutal.",
    "VERY bad news for the president :(",
    "What a wonderful day 😀",
    "",
];

/// Documents built from sentence indices, with sentence spans computed by hand.
fn documents(specs: &[(Vec<usize>, u8)]) -> Vec<Document> {
    specs
        .iter()
        .enumerate()
        .map(|(ordinal, (sentences, year))| {
            let text = sentences
                .iter()
                .map(|&i| SENTENCES[i])
                .collect::<Vec<_>>()
                .join(" ");
            let mut meta = Metadata::new();
            if *year > 0 {
                meta.insert("year", format!("{}", 2018 + u32::from(*year)));
            }
            Document::new(ordinal as u64, format!("doc-{ordinal}"), text, meta)
        })
        .collect()
}

fn spans(doc: &Document, sentences: &[usize]) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for &i in sentences {
        let len = SENTENCES[i].len();
        out.push(Span::new(start, start + len));
        start += len + 1;
    }
    assert!(out.last().is_none_or(|s| s.end == doc.text.len()));
    out
}

fn observe(
    s: &Sentiment,
    docs: &[Document],
    specs: &[(Vec<usize>, u8)],
    which: &[usize],
) -> SentimentPartial {
    let mut p = s.partial();
    for &d in which {
        let nd = NormalisedDoc {
            doc: &docs[d],
            sentences: spans(&docs[d], &specs[d].0),
            tokens: vec![],
        };
        s.observe(&mut p, &nd);
    }
    p
}

fn analyser(unit: Unit, explain: bool) -> Sentiment {
    Sentiment::new(
        SentimentConfig::default()
            .group_by(vec!["year".into()])
            .unit(unit)
            .explain(explain)
            .rules(Rules::Vader),
    )
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn merge_order_does_not_matter(
        specs in prop::collection::vec((prop::collection::vec(0..SENTENCES.len(), 0..5), 0u8..3), 1..12),
        groups in prop::collection::vec(0usize..4, 12),
        order in Just(()).prop_perturb(|_, mut rng| {
            let mut v: Vec<usize> = (0..4).collect();
            for i in (1..v.len()).rev() {
                let j = (rng.next_u32() as usize) % (i + 1);
                v.swap(i, j);
            }
            v
        }),
        document_unit in any::<bool>(),
        explain in any::<bool>(),
    ) {
        let s = analyser(if document_unit { Unit::Document } else { Unit::Sentence }, explain);
        let docs = documents(&specs);
        let all: Vec<usize> = (0..docs.len()).collect();
        let single = s.finish(observe(&s, &docs, &specs, &all));

        // Split into 4 groups, observe each separately, merge in a random order.
        let mut parts: Vec<SentimentPartial> = (0..4)
            .map(|g| {
                let which: Vec<usize> = all.iter().copied().filter(|&d| groups[d] == g).collect();
                observe(&s, &docs, &specs, &which)
            })
            .collect();
        let mut merged = s.partial();
        for &g in &order {
            let p = std::mem::take(&mut parts[g]);
            // Round-trip through JSON, as shard files do.
            let json = serde_json::to_string(&p).unwrap();
            let back: SentimentPartial = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &p);
            merged.merge(back);
        }
        let out = s.finish(merged);
        prop_assert_eq!(&out, &single);
        prop_assert_eq!(
            serde_json::to_string(&out).unwrap(),
            serde_json::to_string(&single).unwrap()
        );
        let n_sentences: usize = out.documents.iter().map(|d| d.sentences).sum();
        prop_assert_eq!(out.sentences.len(), n_sentences);
        prop_assert_eq!(out.corpus.histogram.iter().sum::<u64>() as usize, n_sentences);
    }
}

#[test]
fn groups_are_sorted_and_aggregated() {
    let s = analyser(Unit::Sentence, false);
    let specs = vec![(vec![1, 2], 2), (vec![0], 1), (vec![3, 6], 0), (vec![5], 2)];
    let docs = documents(&specs);
    let out = s.finish(observe(&s, &docs, &specs, &[3, 1, 0, 2]));
    let keys: Vec<&str> = out.groups.iter().map(|g| g.key[0].as_str()).collect();
    assert_eq!(keys, ["", "2019", "2020"]);
    assert_eq!(out.groups[2].summary.documents, 2);
    assert_eq!(out.groups[2].summary.sentences, 3);
    assert_eq!(out.corpus.documents, 4);
    let ids: Vec<&str> = out.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["doc-0", "doc-1", "doc-2", "doc-3"]);
    let first = &out.sentences[0];
    assert_eq!(
        (first.doc_id.as_str(), first.index, first.start),
        ("doc-0", 0, 0)
    );
    let d0 = &out.documents[0];
    assert_eq!(
        d0.mean_compound,
        (out.sentences[0].compound + out.sentences[1].compound) / 2.0
    );
}

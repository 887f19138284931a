use proptest::prelude::*;
use wordmill_model::{Document, Merge, Metadata};
use wordmill_normalise::{Normaliser, NormaliserConfig, StopWordLanguage, StopWords};

use super::*;
use crate::{Configure, DocumentStats};

/// English stop words, lower-cased UAX #29 words: as a pipeline with `stopwords = "en"`.
fn normaliser() -> Normaliser {
    Normaliser::new(
        NormaliserConfig::default().stopwords(StopWords::Builtin(StopWordLanguage::English)),
    )
    .unwrap()
}

fn spec(name: &str, patterns: &[&str]) -> TargetSpec {
    TargetSpec {
        name: name.into(),
        source: TargetSource::Patterns(patterns.iter().map(|p| p.to_string()).collect()),
    }
}

fn targets(specs: Vec<TargetSpec>, group_by: &[&str], examples: usize, unit: Unit) -> Targets {
    let config = TargetsConfig {
        targets: specs,
        group_by: group_by.iter().map(|k| k.to_string()).collect(),
        examples,
        sentiment: SentimentConfig {
            unit,
            ..SentimentConfig::default()
        },
    };
    Targets::new(config, &normaliser()).unwrap()
}

fn doc(ordinal: u64, party: &str, text: &str) -> Document {
    let meta: Metadata = [("party", party)].into_iter().collect();
    Document::new(ordinal, format!("d{ordinal}"), text, meta)
}

/// A small corpus: strikes, workers and the president, praised and blamed.
fn corpus() -> Vec<Document> {
    [
        ("a", "The general strike was a wonderful success. Workers cheered loudly! The president lied again."),
        ("b", "Lukashenko blamed the striking workers. Nothing happened on Tuesday. The strikes are terrible and violent."),
        ("a", "A quiet day. No one spoke of the president."),
        ("b", "The workers' strike failed badly? Great news for the President, who praised the police."),
        ("c", "Employees walked out. The general strike, the strike of strikes, was glorious."),
    ]
    .iter()
    .enumerate()
    .map(|(i, (party, text))| doc(i as u64, party, text))
    .collect()
}

fn run(t: &Targets, docs: &[Document]) -> TargetsOutput {
    let n = normaliser();
    let mut p = t.partial();
    for d in docs {
        t.observe(&mut p, &n.normalise(d));
    }
    t.finish(p)
}

/// The plain reference for one target: its sentences found by looking at each sentence's words
/// (lower-cased runs of letters and apostrophes, stop words left in), each word or pair of
/// adjacent non-stop words tested against the target's rule, scored with
/// `Vader::polarity_scores` on the sentence text; mentions counted as the rule says.
fn reference(
    docs: &[Document],
    vader: &Vader,
    mentions_in: &Rule<'_>,
    group: Option<&str>,
) -> (u64, u64, f64, f64, f64, f64) {
    let n = normaliser();
    let stop = |w: &str| n.tokens(w).is_empty();
    let (mut mentions, mut sentences, mut sum, mut pos, mut neg) = (0u64, 0u64, 0.0, 0u64, 0u64);
    for d in docs {
        if group.is_some_and(|g| d.meta.get("party") != Some(g)) {
            continue;
        }
        for s in n.normalise(d).sentences {
            let text = s.slice(&d.text);
            let words: Vec<String> = text
                .split(|c: char| !c.is_alphabetic())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .filter(|w| !stop(w))
                .collect();
            let m = mentions_in(&words);
            if m == 0 {
                continue;
            }
            let c = vader.polarity_scores(text).compound;
            mentions += m as u64;
            sentences += 1;
            sum += c;
            pos += u64::from(c >= 0.05);
            neg += u64::from(c <= -0.05);
        }
    }
    let share = |k: u64| {
        if sentences == 0 {
            0.0
        } else {
            k as f64 / sentences as f64
        }
    };
    let mean = if sentences == 0 {
        0.0
    } else {
        sum / sentences as f64
    };
    (
        mentions,
        sentences,
        mean,
        share(pos),
        share(sentences - pos - neg),
        share(neg),
    )
}

/// How many times a target is mentioned in a sentence of these words.
type Rule<'a> = dyn Fn(&[String]) -> usize + 'a;

fn figures(s: &TargetStats) -> (u64, u64, f64, f64, f64, f64) {
    (
        s.mentions,
        s.sentences,
        s.mean_compound,
        s.pos_share,
        s.neu_share,
        s.neg_share,
    )
}

#[test]
fn every_target_equals_a_plain_reference() {
    let t = targets(
        vec![
            spec("strike", &["strik*"]),
            spec("general strike", &["general strike"]),
            spec("workers", &["worker*", "employees"]),
            spec("president", &["president", "lukashenko"]),
            spec("nobody", &["zzz*"]),
        ],
        &["party"],
        2,
        Unit::Sentence,
    );
    let docs = corpus();
    let out = run(&t, &docs);
    // Each target's rule over the sentence's words (stop words removed, as in the token
    // stream), left to right; a phrase is two adjacent words, and a word inside a phrase match
    // of the same target is not matched again (there is no other pattern in that target here).
    let strike = |w: &[String]| w.iter().filter(|w| w.starts_with("strik")).count();
    let general = |w: &[String]| {
        w.windows(2)
            .filter(|p| p[0] == "general" && p[1] == "strike")
            .count()
    };
    let workers = |w: &[String]| {
        w.iter()
            .filter(|w| w.starts_with("worker") || *w == "employees")
            .count()
    };
    let president = |w: &[String]| {
        w.iter()
            .filter(|w| *w == "president" || *w == "lukashenko")
            .count()
    };
    let nobody = |w: &[String]| w.iter().filter(|w| w.starts_with("zzz")).count();
    let rules: [&Rule<'_>; 5] = [&strike, &general, &workers, &president, &nobody];
    for (i, rule) in rules.iter().enumerate() {
        let target = &out.targets[i];
        assert_eq!(
            figures(&target.overall),
            reference(&docs, t.vader(), rule, None),
            "{}",
            target.name
        );
        let groups: Vec<&str> = docs
            .iter()
            .filter_map(|d| d.meta.get("party"))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .filter(|g| reference(&docs, t.vader(), rule, Some(g)).1 > 0)
            .collect();
        let got: Vec<&str> = target.groups.iter().map(|g| g.key[0].as_str()).collect();
        assert_eq!(got, groups, "{}", target.name);
        for g in &target.groups {
            assert_eq!(
                figures(&g.stats),
                reference(&docs, t.vader(), rule, Some(&g.key[0])),
                "{} in {:?}",
                target.name,
                g.key
            );
        }
    }
    // Hand-checked: the strike target is in 5 sentences with 7 mentions; nobody is nowhere.
    assert_eq!(
        (
            out.targets[0].overall.sentences,
            out.targets[0].overall.mentions
        ),
        (5, 7)
    );
    assert_eq!(out.targets[4].overall.sentences, 0);
    // The rows of each sentence are in corpus order, then target order, and their mentions are
    // the words matched.
    let keys: Vec<(u64, usize, usize)> = out
        .sentences
        .iter()
        .map(|s| (s.ordinal, s.index, s.target))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    for s in &out.sentences {
        let text = &docs[s.ordinal as usize].text;
        for m in &s.mentions {
            let word = m.slice(text).to_lowercase();
            let ok = match s.target {
                0 => word.starts_with("strik"),
                1 => word == "general strike",
                2 => word.starts_with("worker") || word == "employees",
                3 => word == "president" || word == "lukashenko",
                _ => false,
            };
            assert!(ok, "{word:?} for target {}", s.target);
        }
    }
}

#[test]
fn examples_are_the_most_positive_and_negative_with_their_mentions() {
    let t = targets(vec![spec("strike", &["strik*"])], &[], 2, Unit::Sentence);
    let docs = corpus();
    let out = run(&t, &docs);
    let mut scored: Vec<(f64, u64, usize)> = out
        .sentences
        .iter()
        .map(|s| (s.compound, s.ordinal, s.index))
        .collect();
    let stats = &out.targets[0].overall;
    let best: Vec<(f64, u64, usize)> = stats
        .most_positive
        .iter()
        .map(|e| (e.compound, e.ordinal, e.index))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let want: Vec<_> = scored
        .iter()
        .copied()
        .filter(|s| s.0 >= 0.05)
        .take(2)
        .collect();
    assert_eq!(best, want);
    let worst: Vec<(f64, u64, usize)> = stats
        .most_negative
        .iter()
        .map(|e| (e.compound, e.ordinal, e.index))
        .collect();
    scored.reverse();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0).then((a.1, a.2).cmp(&(b.1, b.2))));
    let want: Vec<_> = scored
        .iter()
        .copied()
        .filter(|s| s.0 <= -0.05)
        .take(2)
        .collect();
    assert_eq!(worst, want);
    for e in stats.most_positive.iter().chain(&stats.most_negative) {
        assert_eq!(e.text, e.span.slice(&docs[e.ordinal as usize].text));
        assert!(!e.mentions.is_empty() && e.mentions.iter().all(|m| e.span.contains(*m)));
    }
}

/// Beside a sentiment analyser with the same scorer, the targets analyser reads the scores
/// that analyser left for each unit (`observe_shared`), and its output is the one it gives
/// alone. The scores are read, not computed again: scores planted for the same scorer show
/// through, and a scorer that is not a clone of it is not mixed up with it.
#[test]
fn unit_scores_left_by_the_sentiment_analyser_change_nothing() {
    let n = normaliser();
    let docs = corpus();
    let specs = vec![
        spec("workers", &["worker*", "employees"]),
        spec("strike", &["strik*", "general strike"]),
        spec("president", &["president", "lukashenko"]),
    ];
    for unit in [Unit::Sentence, Unit::Document] {
        let alone = targets(specs.clone(), &["party"], 2, unit);
        let sentiment = Sentiment::new(alone.config().sentiment.clone()).unwrap();
        let beside =
            Targets::with_vader(alone.config().clone(), sentiment.vader().clone(), &n).unwrap();
        let (mut s, mut t) = (sentiment.partial(), beside.partial());
        let mut shared = DocShared::default();
        for d in &docs {
            let nd = n.normalise(d);
            shared.clear();
            sentiment.observe_shared(&mut s, &nd, &mut shared);
            beside.observe_shared(&mut t, &nd, &mut shared);
        }
        assert_eq!(beside.finish(t), run(&alone, &docs), "{unit:?}");

        let nd = n.normalise(&docs[0]);
        let units: Vec<Span> = match unit {
            Unit::Sentence => nd.sentences.clone(),
            Unit::Document => vec![Span::new(0, docs[0].text.len())],
        };
        let mut planted = DocShared::default();
        planted.put_compounds(beside.vader(), units.iter().map(|&u| (u, 0.25)));
        let mut t = beside.partial();
        beside.observe_shared(&mut t, &nd, &mut planted);
        let out = beside.finish(t);
        assert!(!out.sentences.is_empty());
        assert!(out.sentences.iter().all(|s| s.compound == 0.25), "{unit:?}");
        let mut t = alone.partial();
        alone.observe_shared(&mut t, &nd, &mut planted);
        assert_eq!(alone.finish(t), run(&alone, &docs[..1]), "{unit:?}");
    }
}

#[test]
fn with_unit_document_the_document_is_the_unit() {
    let t = targets(vec![spec("strike", &["strik*"])], &[], 1, Unit::Document);
    let docs = corpus();
    let out = run(&t, &docs);
    let s = &out.targets[0].overall;
    // Documents 0, 1, 3 and 4 mention a strike; each counts once, with all its matches.
    assert_eq!((s.sentences, s.documents, s.mentions), (4, 4, 7));
    for row in &out.sentences {
        let d = &docs[row.ordinal as usize];
        assert_eq!((row.index, row.span), (0, Span::new(0, d.text.len())));
        assert_eq!(row.compound, t.vader().polarity_scores(&d.text).compound);
    }
}

#[test]
fn configuration_errors_are_typed() {
    let forms = normaliser();
    let make = |specs: Vec<TargetSpec>| {
        Targets::new(
            TargetsConfig {
                targets: specs,
                ..TargetsConfig::default()
            },
            &forms,
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
    };
    assert_eq!(make(vec![spec("a", &["x"])]), Ok(()));
    assert!(make(vec![]).unwrap_err().starts_with("no target"));
    assert_eq!(
        make(vec![spec("a", &[])]),
        Err("target \"a\" has no pattern: give at least one".into())
    );
    assert_eq!(
        make(vec![spec("a", &["x"]), spec("a", &["y"])]),
        Err("target \"a\" is named twice".into())
    );
    assert!(
        make(vec![spec("a", &["of the"])])
            .unwrap_err()
            .contains("removed by normalisation")
    );
    assert!(
        make(vec![spec(" ", &["x"])])
            .unwrap_err()
            .contains("must not be empty")
    );
    let category = TargetSpec {
        name: "labour".into(),
        source: TargetSource::Category("labour".into()),
    };
    assert_eq!(
        make(vec![category]),
        Err("target \"labour\": a dictionary category needs `[analyse.dictionary]`".into())
    );
}

#[test]
fn the_configuration_serialises_as_the_file_writes_it() {
    let t = targets(
        vec![spec("b", &["x"]), spec("a", &["y", "z"])],
        &["party"],
        4,
        Unit::Sentence,
    );
    let json = serde_json_string(t.config());
    assert_eq!(
        json,
        r#"{"a":["y","z"],"b":["x"],"examples":4,"group_by":["party"]}"#
    );
}

fn serde_json_string(c: &TargetsConfig) -> String {
    serde_json::to_value(c).unwrap().to_string()
}

fn stats_of(docs: &[Document]) -> Vec<DocumentStats> {
    docs.iter()
        .map(|d| DocumentStats {
            ordinal: d.ordinal,
            id: d.id.clone(),
            meta: d.meta.clone(),
            bytes: d.text.len() as u64,
            tokens: 0,
            sentences: 0,
        })
        .collect()
}

#[test]
fn a_loaded_state_is_checked_against_its_documents() {
    let t = targets(
        vec![spec("strike", &["strik*"]), spec("workers", &["worker*"])],
        &[],
        2,
        Unit::Sentence,
    );
    let docs = corpus();
    let n = normaliser();
    let mut p = t.partial();
    for d in &docs {
        t.observe(&mut p, &n.normalise(d));
    }
    let stats = stats_of(&docs);
    assert_eq!(t.validate(&p, &stats), Ok(()));
    let json = serde_json::to_value(&p).unwrap();
    let back: TargetsPartial = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, p);
    assert_eq!(t.validate(&back, &stats), Ok(()));
    // Fewer documents than observed.
    assert!(t.validate(&p, &stats[1..]).is_err());
    // A forged score, a target id out of range, a span past the document.
    for (path, value) in [
        ("/docs/0/sentences/0/compound", serde_json::json!(1.5)),
        ("/docs/0/sentences/0/targets/0/target", serde_json::json!(7)),
        ("/docs/0/sentences/0/span/end", serde_json::json!(100_000)),
        (
            "/candidates/0/positive/0/compound",
            serde_json::json!(0.9999),
        ),
    ] {
        let mut forged = json.clone();
        *forged.pointer_mut(path).unwrap_or_else(|| panic!("{path}")) = value;
        let forged: TargetsPartial = serde_json::from_value(forged).unwrap();
        let err = t.validate(&forged, &stats).unwrap_err();
        assert!(err.0.starts_with("targets state:"), "{path}: {err}");
    }
}

/// Words a random document is made of: targets, sentiment words, stop words, and ends of
/// sentences.
const WORDS: &[&str] = &[
    "strike",
    "strikes",
    "general",
    "workers",
    "president",
    "great",
    "terrible",
    "good",
    "bad",
    "the",
    "of",
    "day",
    "police",
    "love",
    "hate",
    "not",
    "very",
    ".",
    "!",
    "?",
];

fn random_doc(ordinal: u64, words: &[usize], party: usize) -> Document {
    let mut text = String::new();
    for &w in words {
        let w = WORDS[w % WORDS.len()];
        if !text.is_empty() && !matches!(w, "." | "!" | "?") {
            text.push(' ');
        }
        text.push_str(w);
    }
    doc(ordinal, ["a", "b", "c"][party % 3], &text)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random splits of the documents, observed into partial states that go through a run
    /// state's JSON and are merged in a random order, finish exactly as one pass.
    #[test]
    fn random_splits_merged_in_any_order_equal_one_pass(
        docs in prop::collection::vec((prop::collection::vec(0usize..40, 0..40), 0usize..3), 1..12),
        cuts in prop::collection::vec(0usize..12, 0..4),
        order in prop::collection::vec(any::<u32>(), 5),
        grouped in any::<bool>(),
        examples in 0usize..4,
    ) {
        let t = targets(
            vec![
                spec("strike", &["strik*", "general strike"]),
                spec("workers", &["workers"]),
                spec("president", &["president", "police"]),
            ],
            if grouped { &["party"] } else { &[] },
            examples,
            Unit::Sentence,
        );
        let docs: Vec<Document> = docs
            .iter()
            .enumerate()
            .map(|(i, (w, p))| random_doc(i as u64, w, *p))
            .collect();
        let n = normaliser();
        let one = run(&t, &docs);
        let mut bounds: Vec<usize> = cuts.iter().map(|c| c % (docs.len() + 1)).collect();
        bounds.push(0);
        bounds.push(docs.len());
        bounds.sort_unstable();
        let mut parts: Vec<TargetsPartial> = bounds
            .windows(2)
            .map(|w| {
                let mut p = t.partial();
                // Within a part, documents in reverse: any order.
                for d in docs[w[0]..w[1]].iter().rev() {
                    t.observe(&mut p, &n.normalise(d));
                }
                let json = serde_json::to_string(&p).unwrap();
                serde_json::from_str(&json).unwrap()
            })
            .collect();
        // Shuffle the parts, then merge them in pairs in that order.
        for (i, r) in order.iter().enumerate() {
            if parts.len() > 1 {
                let (len, j) = (parts.len(), *r as usize % parts.len());
                parts.swap(i % len, j);
            }
        }
        while parts.len() > 1 {
            let b = parts.pop().unwrap();
            let a = parts.pop().unwrap();
            let (mut a, b) = if order[0] % 2 == 0 { (a, b) } else { (b, a) };
            a.merge(b);
            parts.insert(0, a);
        }
        let merged = parts.pop().unwrap();
        prop_assert_eq!(t.validate(&merged, &stats_of(&docs)), Ok(()));
        let split = t.finish(merged);
        prop_assert_eq!(&split, &one);
        // The floats are the same bits, not merely equal.
        for (a, b) in split.targets.iter().zip(&one.targets) {
            prop_assert_eq!(a.overall.mean_compound.to_bits(), b.overall.mean_compound.to_bits());
        }
    }
}

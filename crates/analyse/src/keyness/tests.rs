use std::any::Any;
use std::collections::BTreeMap;

use wordmill_model::{Document, Merge, Metadata, Span, Token, TokenText};

use super::*;
use crate::{ConfigTable, Configure, DocFreq, DocumentStats};

fn doc(ordinal: u64, party: Option<&str>, text: &str) -> Document {
    let mut meta = Metadata::new();
    if let Some(p) = party {
        meta.insert("party", p);
    }
    Document::new(ordinal, format!("d{ordinal}"), text, meta)
}

fn normalise(doc: &Document) -> NormalisedDoc<'_> {
    let tokens = doc
        .text
        .split_whitespace()
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

fn run(config: KeynessConfig, docs: &[Document]) -> KeynessOutput {
    let keyness = Keyness::new(config);
    let mut p = keyness.partial();
    for d in docs {
        keyness.observe(&mut p, &normalise(d));
    }
    keyness.finish(p)
}

fn terms_of(c: &Comparison) -> Vec<(&str, u64, u64)> {
    c.rows
        .iter()
        .map(|r| (&*r.term, r.target_count, r.reference_count))
        .collect()
}

#[test]
fn validation_names_the_key() {
    let base = || KeynessConfig::new("party");
    assert_eq!(base().validate(), Ok(()));
    assert_eq!(
        KeynessConfig::new("").validate(),
        Err(KeynessError::EmptyBy)
    );
    let e = KeynessConfig {
        target: Some(vec![]),
        ..base()
    }
    .validate()
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "`target` must hold at least one value (or be left out)"
    );
    let e = KeynessConfig {
        reference: Some(vec!["r".into(), "r".into()]),
        ..base()
    }
    .validate()
    .unwrap_err();
    assert_eq!(e.to_string(), "`reference` lists \"r\" twice");
    let all = KeynessConfig {
        target: Some(vec!["d".into(), "r".into()]),
        reference: Some(vec!["r".into(), "d".into()]),
        ..KeynessConfig::new("")
    }
    .errors();
    assert_eq!(all.len(), 3, "{all:?}");
    assert_eq!(
        all[1].to_string(),
        "\"r\" is in both `target` and `reference`"
    );
    assert!(
        Keyness::try_new(KeynessConfig {
            target: Some(vec![]),
            ..base()
        })
        .is_err()
    );
}

#[test]
fn measures_have_the_pipeline_files_names() {
    for (m, name) in Measure::ALL.iter().zip(Measure::NAMES) {
        assert_eq!(m.name(), name);
        assert_eq!(serde_json::to_string(m).unwrap(), format!("\"{name}\""));
    }
    assert_eq!(Measure::default(), Measure::G2);
}

#[test]
fn every_value_in_turn_against_the_others() {
    let docs = [
        doc(0, Some("r"), "tax tax freedom"),
        doc(1, Some("d"), "jobs jobs tax"),
        doc(2, Some("i"), "jobs"),
        doc(3, None, "jobs freedom unions"),
    ];
    let out = run(KeynessConfig::new("party"), &docs);
    assert_eq!((out.documents, out.documents_without_key), (4, 1));
    // The documents without the key count for the features: `unions` is one.
    assert_eq!(out.vocabulary_size, 4);
    let values: Vec<(&str, u64, u64)> = out
        .values
        .iter()
        .map(|v| (v.value.as_str(), v.documents, v.count))
        .collect();
    assert_eq!(values, [("d", 1, 3), ("i", 1, 1), ("r", 1, 3)]);
    let labels: Vec<&str> = out.comparisons.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["d", "i", "r"]);
    let d = &out.comparisons[0];
    assert_eq!(d.reference, ["i", "r"]);
    assert_eq!((d.target_documents, d.reference_documents), (1, 2));
    assert_eq!(d.totals, [3, 4]);
    // Only terms that occur on either side; `unions` is in no comparison.
    assert_eq!(
        terms_of(d),
        [("freedom", 0, 1), ("jobs", 2, 1), ("tax", 1, 2)]
    );
}

#[test]
fn a_target_and_reference_leave_the_other_values_out() {
    let docs = [
        doc(0, Some("r"), "tax tax freedom"),
        doc(1, Some("d"), "jobs jobs tax"),
        doc(2, Some("i"), "jobs"),
        doc(3, Some("g"), "climate"),
    ];
    let config = KeynessConfig {
        target: Some(vec!["i".into(), "d".into()]),
        reference: Some(vec!["r".into()]),
        ..KeynessConfig::new("party")
    };
    let out = run(config, &docs);
    assert_eq!(out.comparisons.len(), 1);
    let c = &out.comparisons[0];
    assert_eq!(c.label, "i+d");
    assert_eq!(c.totals, [4, 3]);
    assert_eq!((c.target_documents, c.reference_documents), (2, 1));
    assert_eq!(
        terms_of(c),
        [("freedom", 0, 1), ("jobs", 3, 0), ("tax", 1, 2)]
    );

    // Every value in turn against a fixed reference (less the value itself).
    let config = KeynessConfig {
        reference: Some(vec!["r".into(), "g".into()]),
        ..KeynessConfig::new("party")
    };
    let out = run(config, &docs);
    let refs: Vec<(&str, Vec<String>)> = out
        .comparisons
        .iter()
        .map(|c| (c.label.as_str(), c.reference.clone()))
        .collect();
    assert_eq!(refs[2], ("i", vec!["r".to_string(), "g".to_string()]));
    assert_eq!(refs[3], ("r", vec!["g".to_string()]));
}

#[test]
fn a_side_without_features_has_no_rows() {
    let docs = [doc(0, Some("d"), "jobs"), doc(1, Some("r"), "")];
    let out = run(KeynessConfig::new("party"), &docs);
    assert!(out.comparisons.iter().all(|c| c.rows.is_empty()));
    assert_eq!(out.comparisons[0].totals, [1, 0]);
    // A target value no document has.
    let config = KeynessConfig {
        target: Some(vec!["x".into()]),
        ..KeynessConfig::new("party")
    };
    let out = run(config, &docs);
    assert_eq!(out.comparisons[0].totals, [0, 1]);
    assert_eq!(out.comparisons[0].reference, ["d", "r"]);
    assert!(out.comparisons[0].rows.is_empty());
    // Only one value: nothing to compare it with.
    let out = run(KeynessConfig::new("party"), &docs[..1]);
    assert_eq!(out.comparisons[0].reference, Vec::<String>::new());
    assert!(out.comparisons[0].rows.is_empty());
    // No document has the key.
    let out = run(KeynessConfig::new("year"), &docs);
    assert!(out.comparisons.is_empty() && out.values.is_empty());
    assert_eq!(out.documents_without_key, 2);
}

#[test]
fn features_follow_the_terms_configuration() {
    let docs = [
        doc(0, Some("d"), "a b c"),
        doc(1, Some("r"), "a b"),
        doc(2, None, "b c"),
    ];
    let config = KeynessConfig {
        features: TermsConfig {
            ngram_range: (1, 2),
            min_df: DocFreq::Count(2),
            ..TermsConfig::default()
        },
        ..KeynessConfig::new("party")
    };
    let out = run(config, &docs);
    // In two documents or more: a, b, c, "a b", "b c" ("b c" only thanks to document 2).
    assert_eq!(out.vocabulary_size, 5);
    assert_eq!(out.pruned.min_df, 0);
    assert_eq!(
        terms_of(&out.comparisons[0]),
        [
            ("a", 1, 1),
            ("a b", 1, 1),
            ("b", 1, 1),
            ("b c", 1, 0),
            ("c", 1, 0)
        ]
    );
    let config = KeynessConfig {
        features: TermsConfig {
            max_features: Some(1),
            ..TermsConfig::default()
        },
        ..KeynessConfig::new("party")
    };
    let out = run(config, &docs);
    assert_eq!(terms_of(&out.comparisons[1]), [("b", 1, 1)]);
    assert_eq!(out.comparisons[1].totals, [1, 1]);
}

#[test]
fn over_and_under_are_ranked_by_the_measure_then_the_term() {
    let docs = [
        doc(0, Some("d"), "up up up tie1 tie1 tie2 tie2 even down"),
        doc(1, Some("r"), "even down down down down zz"),
    ];
    let out = run(KeynessConfig::new("party"), &docs);
    let d = &out.comparisons[0];
    let names =
        |rows: Vec<&KeynessRow>| rows.iter().map(|r| r.term.to_string()).collect::<Vec<_>>();
    assert_eq!(names(d.over(Measure::G2, 10)), ["up", "tie1", "tie2"]);
    assert_eq!(names(d.over(Measure::G2, 2)), ["up", "tie1"]);
    assert_eq!(
        names(d.under(Measure::LogRatio, 10)),
        ["down", "zz", "even"]
    );
    assert_eq!(names(d.under(Measure::LogRatio, 1)), ["down"]);
    assert!(d.over(Measure::Chi2, 0).is_empty());
    let tie: Vec<&KeynessRow> = d
        .rows
        .iter()
        .filter(|r| r.term.starts_with("tie"))
        .collect();
    assert_eq!(tie[0].g2, tie[1].g2);
}

#[test]
fn merging_in_any_order_gives_one_pass() {
    let docs = [
        doc(0, Some("d"), "a b a"),
        doc(1, Some("r"), "b c"),
        doc(2, None, "c c"),
        doc(3, Some("d"), "c a"),
        doc(4, Some("i"), ""),
    ];
    let config = KeynessConfig::new("party");
    let one = run(config.clone(), &docs);
    let keyness = Keyness::new(config);
    let mut parts: Vec<KeynessPartial> = (0..3).map(|_| keyness.partial()).collect();
    for (i, d) in docs.iter().enumerate().rev() {
        keyness.observe(&mut parts[i % 3], &normalise(d));
    }
    let mut merged = parts.pop().unwrap();
    let mut pair = parts.pop().unwrap();
    pair.merge(parts.pop().unwrap());
    merged.merge(pair);
    assert_eq!(merged.documents(), 5);
    assert_eq!(merged.documents_without_key(), 1);
    assert_eq!(
        merged.values().collect::<Vec<_>>(),
        [("d", 2), ("i", 1), ("r", 1)]
    );
    assert_eq!(keyness.finish(merged), one);
}

fn stats_of(docs: &[Document]) -> Vec<DocumentStats> {
    docs.iter()
        .map(|d| DocumentStats {
            ordinal: d.ordinal,
            id: d.id.clone(),
            meta: d.meta.clone(),
            bytes: d.text.len() as u64,
            tokens: d.text.split_whitespace().count() as u64,
            sentences: 0,
        })
        .collect()
}

#[test]
fn a_loaded_state_is_checked_against_the_documents() {
    let docs = [
        doc(0, Some("d"), "a b a"),
        doc(1, Some("r"), "b c"),
        doc(2, None, "c c"),
    ];
    let keyness = Keyness::new(KeynessConfig {
        features: TermsConfig {
            ngram_range: (1, 2),
            ..TermsConfig::default()
        },
        ..KeynessConfig::new("party")
    });
    let mut p = keyness.partial();
    for d in &docs {
        keyness.observe(&mut p, &normalise(d));
    }
    let rows = stats_of(&docs);
    assert_eq!(keyness.validate(&p, &rows), Ok(()));
    // A document moved to another value.
    let mut moved = rows.clone();
    moved[1].meta = [("party", "d")].into_iter().collect();
    let e = keyness.validate(&p, &moved).unwrap_err();
    assert!(e.0.contains("value \"d\""), "{e}");
    // A value the state does not have.
    let mut other = rows.clone();
    other[2].meta = [("party", "x")].into_iter().collect();
    let e = keyness.validate(&p, &other).unwrap_err();
    assert!(
        e.0.contains("without the key") || e.0.contains("\"x\""),
        "{e}"
    );
    // Counts that are not of these documents.
    let mut longer = rows;
    longer[0].tokens = 4;
    assert!(keyness.validate(&p, &longer).is_err());
    // A state whose counts contradict themselves: a value counting a term more often than
    // the corpus, a term id the corpus does not have, a value without documents, documents
    // the corpus does not hold, ids out of order.
    let state = |groups: &str, without: &str| {
        format!(
            r#"{{"terms":{{"n_docs":2,"n_tokens":3,"terms":[["a",2,2,0,0],["b",1,1,1,0]],"docs":[]}},
            "groups":{groups},"without_key":{without}}}"#
        )
    };
    let loaded = |groups: &str, without: &str| {
        serde_json::from_str::<KeynessPartial>(&state(groups, without)).map_err(|e| e.to_string())
    };
    let fine = loaded(
        r#"{"d":{"documents":1,"tokens":2,"counts":[[0,1],[1,1]]}}"#,
        r#"{"documents":1,"tokens":1}"#,
    )
    .unwrap();
    assert_eq!(fine.validate(), Ok(()));
    let more = loaded(
        r#"{"d":{"documents":1,"tokens":2,"counts":[[0,3]]}}"#,
        r#"{"documents":1,"tokens":1}"#,
    )
    .unwrap();
    let e = more.validate().unwrap_err();
    assert!(e.0.contains("\"a\"") && e.0.contains("counts 3"), "{e}");
    let unknown = loaded(
        r#"{"d":{"documents":1,"tokens":2,"counts":[[7,1]]}}"#,
        r#"{"documents":1,"tokens":1}"#,
    )
    .unwrap();
    let e = unknown.validate().unwrap_err();
    assert!(
        e.0.contains("value \"d\"") && e.0.contains("term id 7"),
        "{e}"
    );
    let empty = loaded(
        r#"{"d":{"documents":0,"tokens":0,"counts":[]}}"#,
        r#"{"documents":2,"tokens":3}"#,
    )
    .unwrap();
    assert!(empty.validate().unwrap_err().0.contains("no documents"));
    let extra = loaded(
        r#"{"d":{"documents":2,"tokens":2,"counts":[]}}"#,
        r#"{"documents":1,"tokens":1}"#,
    )
    .unwrap();
    assert!(extra.validate().unwrap_err().0.contains("3 documents"));
    let unordered = loaded(
        r#"{"d":{"documents":1,"tokens":2,"counts":[[1,1],[0,1]]}}"#,
        r#"{"documents":1,"tokens":1}"#,
    )
    .unwrap_err();
    assert!(unordered.contains("increasing order"), "{unordered}");
    assert!(serde_json::from_str::<KeynessPartial>(r#"{"groups":{},"extra":1}"#).is_err());
}

/// A table of a pipeline file, as plain values, recording the problems.
#[derive(Default)]
struct Table {
    values: BTreeMap<&'static str, serde_json::Value>,
    errors: Vec<(Option<String>, String)>,
}

impl ConfigTable for Table {
    fn string(&mut self, key: &str) -> Option<String> {
        match self.values.get(key)? {
            serde_json::Value::String(s) => Some(s.clone()),
            _ => {
                self.errors.push((Some(key.into()), "not a string".into()));
                None
            }
        }
    }
    fn strings(&mut self, key: &str) -> Option<Vec<String>> {
        match self.values.get(key)? {
            serde_json::Value::String(s) => Some(vec![s.clone()]),
            serde_json::Value::Array(a) => Some(
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect(),
            ),
            _ => None,
        }
    }
    fn boolean(&mut self, _key: &str, default: bool) -> bool {
        default
    }
    fn integer(&mut self, key: &str, min: i64, max: i64) -> Option<i64> {
        let n = self.values.get(key)?.as_i64()?;
        if (min..=max).contains(&n) {
            Some(n)
        } else {
            self.errors.push((Some(key.into()), "out of range".into()));
            None
        }
    }
    fn choice(&mut self, key: &str, choices: &[&str]) -> Option<usize> {
        let s = self.string(key)?;
        let found = choices.iter().position(|c| *c == s);
        if found.is_none() {
            self.errors.push((Some(key.into()), format!("unknown {s}")));
        }
        found
    }
    fn doc_freq(&mut self, _key: &str, default: DocFreq) -> DocFreq {
        default
    }
    fn range(&mut self, _key: &str, _lo: i64, _hi: i64) -> Option<(i64, i64)> {
        None
    }
    fn table(&mut self, _key: &str) -> Option<Box<dyn ConfigTable + '_>> {
        None
    }
    fn has(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }
    fn error(&mut self, key: Option<&str>, message: String) {
        self.errors.push((key.map(String::from), message));
    }
    fn error_item(&mut self, key: &str, _index: usize, message: String) {
        self.errors.push((Some(key.into()), message));
    }
}

fn table(values: serde_json::Value) -> Table {
    let values = values
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let k: &'static str = Box::leak(k.clone().into_boxed_str());
            (k, v.clone())
        })
        .collect();
    Table {
        values,
        errors: Vec::new(),
    }
}

#[test]
fn configured_from_its_table_following_the_terms_analyser() {
    let terms = Terms::new(TermsConfig {
        ngram_range: (1, 3),
        min_df: DocFreq::Count(2),
        ..TermsConfig::default()
    });
    let configured: [&dyn Any; 1] = [&terms];
    let mut t = table(serde_json::json!({
        "by": "party", "target": "d", "reference": ["r"], "measure": "log_ratio", "top": 5
    }));
    let k = Keyness::configure(&mut t, &configured).unwrap();
    assert!(t.errors.is_empty(), "{:?}", t.errors);
    let c = k.config();
    assert_eq!(
        (c.by.as_str(), c.target.clone(), c.reference.clone()),
        ("party", Some(vec!["d".into()]), Some(vec!["r".into()]))
    );
    assert_eq!((c.measure, c.top), (Measure::LogRatio, 5));
    assert_eq!(&c.features, terms.config());

    // Without the terms analyser: its defaults.
    let mut t = table(serde_json::json!({"by": "party"}));
    let k = Keyness::configure(&mut t, &[]).unwrap();
    assert_eq!(k.config(), &KeynessConfig::new("party"));
    assert!(t.errors.is_empty());

    // Problems, each at its key.
    let mut t = table(serde_json::json!({
        "target": ["d", "d"], "reference": "d", "measure": "g3", "top": -1
    }));
    Keyness::configure(&mut t, &[]);
    let keys: Vec<Option<&str>> = t.errors.iter().map(|(k, _)| k.as_deref()).collect();
    assert_eq!(
        keys,
        [
            None,
            Some("measure"),
            Some("top"),
            Some("target"),
            Some("reference")
        ],
        "{:?}",
        t.errors
    );
    assert!(t.errors[0].1.contains("needs `by`"));
    assert_eq!(
        t.errors[3].1,
        "`[analyse.keyness]`: `target` lists \"d\" twice"
    );
}

mod sharing {
    use proptest::prelude::*;

    use super::*;

    fn corpus() -> impl Strategy<Value = Vec<(Option<usize>, String)>> {
        let word = prop::sample::select(vec!["a", "b", "c", "d", "ab", "é", "a,b"]);
        let text = prop::collection::vec(word, 0..8).prop_map(|w| w.join(" "));
        prop::collection::vec((prop::option::of(0usize..3), text), 0..12)
    }

    /// Documents over a larger vocabulary (numbers as words), so that the counts of the
    /// values with many documents become arrays and the others stay maps.
    fn wide_corpus() -> impl Strategy<Value = Vec<(Option<usize>, String)>> {
        let text = prop::collection::vec(0u32..160, 0..60).prop_map(|w| {
            w.iter()
                .map(|n| format!("w{n}"))
                .collect::<Vec<_>>()
                .join(" ")
        });
        prop::collection::vec(
            (
                prop::option::of(prop::sample::select(vec![0usize, 0, 0, 1, 2])),
                text,
            ),
            0..16,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        /// The terms state made from the keyness state, however the documents were split
        /// over partials (saved and loaded) and merged, finishes as a terms analyser that saw the documents
        /// itself, rows included; and the comparisons are those of one partial.
        #[test]
        fn the_terms_state_equals_counting_the_terms(
            docs in prop_oneof![corpus(), wide_corpus()],
            split in prop::collection::vec(0usize..3, 16),
            max_n in 1usize..3,
            per_document in any::<bool>(),
            min_df in 1u64..3,
        ) {
            let features = TermsConfig {
                ngram_range: (1, max_n),
                per_document,
                min_df: DocFreq::Count(min_df),
                ..TermsConfig::default()
            };
            let mut config = KeynessConfig::new("party");
            config.features = features.clone();
            let keyness = Keyness::new(config).sharing_terms();
            let terms = Terms::new(features);
            let parties = ["d", "r", "i"];
            let docs: Vec<Document> = docs
                .iter()
                .enumerate()
                .map(|(i, (p, text))| doc(i as u64, p.map(|p| parties[p]), text))
                .collect();
            let mut direct = terms.partial();
            let mut parts: Vec<KeynessPartial> = (0..3).map(|_| keyness.partial()).collect();
            for (i, d) in docs.iter().enumerate() {
                terms.observe(&mut direct, &normalise(d));
                keyness.observe(&mut parts[split[i]], &normalise(d));
            }
            let mut merged = parts.pop().unwrap();
            for p in parts {
                // Through a state file and back, checked as a loaded state is.
                let p: KeynessPartial = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
                prop_assert!(p.validate().is_ok());
                merged.merge(p);
            }
            prop_assert!(merged.validate().is_ok());
            let shared = keyness.terms_state(&mut merged).unwrap();
            prop_assert_eq!(terms.finish(shared), terms.finish(direct));
            // Without sharing there is nothing to hand over.
            prop_assert!(Keyness::new(keyness.config().clone()).terms_state(&mut merged).is_none());
            // The comparisons do not depend on the split either: one partial, fed backwards.
            let mut one = keyness.partial();
            for d in docs.iter().rev() {
                keyness.observe(&mut one, &normalise(d));
            }
            prop_assert_eq!(keyness.finish(merged), keyness.finish(one));
        }
    }
}

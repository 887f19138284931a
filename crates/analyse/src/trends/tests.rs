use proptest::prelude::*;
use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span, Token};

use super::*;

fn normalise(doc: &Document) -> NormalisedDoc<'_> {
    let mut tokens = Vec::new();
    let mut start = 0;
    for (position, word) in doc.text.split(' ').enumerate() {
        if !word.is_empty() {
            let span = Span::new(start, start + word.len());
            tokens.push(Token {
                text: word.to_lowercase().into(),
                span,
                position: position as u32,
            });
        }
        start += word.len() + 1;
    }
    NormalisedDoc {
        doc,
        sentences: vec![Span::new(0, doc.text.len())],
        tokens,
    }
}

const WORDS: [&str; 6] = ["strike", "plant", "police", "calm", "workers", "strike"];

/// Documents with dates over three years (some undated, some with only a year), a party, and
/// words from a small vocabulary.
fn corpus() -> impl Strategy<Value = Vec<Document>> {
    proptest::collection::vec(
        (
            0u32..1100,
            0usize..4,
            proptest::collection::vec(0usize..WORDS.len(), 0..8),
            0usize..3,
        ),
        1..30,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (day, shape, words, party))| {
                let mut meta = Metadata::new();
                let date = NaiveDate::from_ymd_opt(2019, 1, 1).unwrap()
                    + chrono::Days::new(u64::from(day));
                match shape {
                    0 => meta.insert("date", date.format("%Y-%m-%d").to_string()),
                    1 => meta.insert("date", date.format("%Y-%m-%dT10:00:00Z").to_string()),
                    2 => meta.insert("date", date.format("%Y").to_string()),
                    _ => {}
                }
                meta.insert("party", ["d", "r", "i"][party]);
                let text: Vec<&str> = words.iter().map(|&w| WORDS[w]).collect();
                Document::new(i as u64, format!("d{i}"), text.join(" "), meta)
            })
            .collect()
    })
}

fn config(bin: Bin, by: bool, terms: &[&str]) -> TrendsConfig {
    TrendsConfig {
        bin,
        by: by.then(|| "party".to_owned()),
        terms: terms.iter().map(|t| (*t).to_owned()).collect(),
        top: 3,
        ..TrendsConfig::default()
    }
}

/// The counts of `term` per (group, bin start), counted directly from the documents.
fn direct(
    docs: &[Document],
    bin: Bin,
    by: bool,
    term: &str,
) -> BTreeMap<(String, NaiveDate), (u64, u64)> {
    let mut out = BTreeMap::new();
    for d in docs {
        let Placed::In(start) = bins::place(d.meta.get("date"), bin, (None, None)) else {
            continue;
        };
        let group = if by {
            d.meta.get("party").unwrap_or("").to_owned()
        } else {
            String::new()
        };
        let e: &mut (u64, u64) = out.entry((group, start)).or_default();
        e.0 += 1;
        e.1 += d.text.split(' ').filter(|w| *w == term).count() as u64;
    }
    out
}

proptest! {
    /// Any split of the corpus, observed in any order and merged, finishes as one pass; and the
    /// counts are those counted directly, with every bin between the first and the last.
    #[test]
    fn splits_merge_exactly_and_counts_are_the_documents(
        docs in corpus(), cut in 0usize..30, k in 0usize..5, by in any::<bool>(),
    ) {
        let bin = Bin::ALL[k];
        let trends = Trends::new(config(bin, by, &["strike", "nowhere"]), "date");
        let mut one = trends.partial();
        for d in &docs {
            trends.observe(&mut one, &normalise(d));
        }
        let cut = cut.min(docs.len());
        let (mut a, mut b) = (trends.partial(), trends.partial());
        for d in docs[cut..].iter().rev() {
            trends.observe(&mut b, &normalise(d));
        }
        for d in &docs[..cut] {
            trends.observe(&mut a, &normalise(d));
        }
        b.merge(a);
        let whole = trends.finish(one);
        prop_assert_eq!(&trends.finish(b), &whole);

        let want = direct(&docs, bin, by, "strike");
        let any_strike = docs.iter().any(|d| d.text.split(' ').any(|w| w == "strike"));
        let mut missing = vec!["nowhere".to_owned()];
        if !any_strike {
            missing.insert(0, "strike".to_owned());
        }
        prop_assert_eq!(whole.missing_terms.clone(), missing);
        let mut got = BTreeMap::new();
        for (g, group) in whole.groups.iter().enumerate() {
            for (b, span) in whole.bins.iter().enumerate() {
                if whole.documents[g][b] > 0 {
                    got.insert((group.clone(), span.start), (whole.documents[g][b], whole.terms[0].counts[g][b]));
                }
            }
        }
        prop_assert_eq!(got, want.clone());
        // Contiguous bins from the first date's to the last's.
        if let (Some(first), Some(last)) = (want.keys().map(|k| k.1).min(), want.keys().map(|k| k.1).max()) {
            prop_assert_eq!(whole.bins.first().map(|b| b.start), Some(first));
            prop_assert_eq!(whole.bins.last().map(|b| b.start), Some(last));
            for w in whole.bins.windows(2) {
                prop_assert_eq!(bin.next(w[0].start), Some(w[1].start));
                prop_assert_eq!(w[0].end.succ_opt(), Some(w[1].start));
            }
        }
        let placed: u64 = whole.documents.iter().flatten().sum();
        prop_assert_eq!(placed + whole.undated + whole.imprecise, docs.len() as u64);
    }

    /// Counting for the terms analyser, the state made from the trends counts finishes exactly
    /// as the terms analyser counting by itself.
    #[test]
    fn the_shared_terms_state_is_the_terms_analysers(docs in corpus()) {
        let terms = Terms::new(TermsConfig::default());
        let mut own = terms.partial();
        let trends = Trends { shares_terms: true, ..Trends::new(config(Bin::Month, true, &[]), "date") };
        let mut counts = trends.partial();
        for d in &docs {
            terms.observe(&mut own, &normalise(d));
            trends.observe(&mut counts, &normalise(d));
        }
        let shared = trends.share(&mut counts).unwrap().downcast::<TermsPartial>().unwrap();
        prop_assert_eq!(terms.finish(*shared), terms.finish(own));
        // And the trends finish as without sharing.
        let mut alone = Trends::new(config(Bin::Month, true, &[]), "date").partial();
        for d in &docs {
            trends.observe(&mut alone, &normalise(d));
        }
        prop_assert_eq!(trends.finish(counts), trends.finish(alone));
    }
}

#[test]
fn the_top_terms_are_the_most_frequent_and_rates_are_per_thousand_tokens() {
    let mut meta = Metadata::new();
    meta.insert("date", "2020-08-13");
    let doc = Document::new(0, "a", "strike strike plant police strike plant", meta);
    let trends = Trends::new(config(Bin::Week, false, &[]), "date");
    let mut p = trends.partial();
    trends.observe(&mut p, &normalise(&doc));
    let out = trends.finish(p);
    let terms: Vec<&str> = out.terms.iter().map(|t| t.term.as_str()).collect();
    assert_eq!(terms, ["strike", "plant", "police"]);
    let rows = out.rows();
    let strike = rows.iter().find(|r| r.key == "strike").unwrap();
    assert_eq!((strike.count, strike.value), (3, Some(500.0)));
    assert_eq!(strike.bin.label, "2020-W33");
}

#[test]
fn dates_too_far_apart_for_the_bin_are_refused_not_drawn() {
    let trends = Trends::new(config(Bin::Day, false, &["strike"]), "date");
    let mut p = trends.partial();
    for (i, date) in ["0001-01-01", "9999-12-31"].iter().enumerate() {
        let mut meta = Metadata::new();
        meta.insert("date", *date);
        let doc = Document::new(i as u64, format!("d{i}"), "strike", meta);
        trends.observe(&mut p, &normalise(&doc));
    }
    let out = trends.finish(p);
    assert!(out.bins.is_empty());
    assert!(out.refused.unwrap().contains("choose a larger bin"));
}

#[test]
fn sentiment_lands_in_the_documents_bins() {
    let trends = Trends::new(
        TrendsConfig {
            series: vec![Series::Sentiment, Series::Terms],
            ..config(Bin::Month, false, &["strike"])
        },
        "date",
    );
    let mut p = trends.partial();
    let mut fold = trends.fold().unwrap();
    for (i, (date, scores)) in [
        ("2020-07-01", vec![0.5, -0.5, 0.0]),
        ("2020-09-30", vec![0.8]),
    ]
    .into_iter()
    .enumerate()
    {
        let mut meta = Metadata::new();
        meta.insert("date", date);
        let doc = Document::new(i as u64, format!("d{i}"), "strike", meta);
        trends.observe(&mut p, &normalise(&doc));
        fold.observe(&doc.meta, i as u64, scores);
    }
    let mut out = trends.finish(p);
    out.add_sentiment(&fold);
    let means: Vec<Option<f64>> = out
        .rows()
        .iter()
        .filter(|r| r.key == "mean_compound")
        .map(|r| r.value)
        .collect();
    assert_eq!(means, [Some(0.0), None, Some(0.8)]);
    let moves = out.movements(3);
    let m = moves.iter().find(|m| m.series == "sentiment").unwrap();
    assert_eq!(
        (m.from_bin.label.as_str(), m.to_bin.label.as_str()),
        ("2020-07", "2020-09")
    );
}

#[test]
fn dictionary_and_target_rows_follow_the_terms() {
    let trends = Trends::new(
        TrendsConfig {
            series: vec![Series::Terms, Series::Dictionary, Series::Targets],
            ..config(Bin::Year, false, &["strike"])
        },
        "date",
    );
    let mut p = trends.partial();
    let mut fold = trends.fold().unwrap();
    for (i, date) in ["2019", "2020"].iter().enumerate() {
        let mut meta = Metadata::new();
        meta.insert("date", *date);
        let doc = Document::new(i as u64, format!("d{i}"), "strike x", meta);
        trends.observe(&mut p, &normalise(&doc));
        fold.observe(&doc.meta, i as u64, []);
    }
    let mut out = trends.finish(p);
    out.add_categories(
        &fold,
        &["labour".into()],
        [(0u64, 4u64, &[1u64][..]), (1, 2, &[0][..])],
    );
    out.add_targets(
        &fold,
        &["union".into()],
        [(0usize, 1u64, 0.5), (0, 1, -0.25)],
    );
    let rows: Vec<(String, &str, Option<f64>, u64)> = out
        .rows()
        .iter()
        .filter(|r| r.series == "dictionary" || r.series == "targets")
        .map(|r| (r.bin.label.clone(), r.key, r.value, r.count))
        .collect();
    assert_eq!(
        rows,
        [
            ("2019".to_string(), "labour", Some(0.25), 1),
            ("2019".to_string(), "union", None, 0),
            ("2020".to_string(), "labour", Some(0.0), 0),
            ("2020".to_string(), "union", Some(0.125), 2),
        ]
    );
}

#[test]
fn dates_outside_from_and_to_are_counted_not_placed() {
    let trends = Trends::new(
        TrendsConfig {
            from: Some("2001".into()),
            to: Some("2002-06".into()),
            ..config(Bin::Month, false, &["strike"])
        },
        "date",
    );
    let mut p = trends.partial();
    for (i, date) in [
        "1980-07-01",
        "2001-01-01",
        "2002-06-30T23:00:00Z",
        "2002-07-01",
        "2028-10",
    ]
    .iter()
    .enumerate()
    {
        let mut meta = Metadata::new();
        meta.insert("date", *date);
        let doc = Document::new(i as u64, format!("d{i}"), "strike", meta);
        trends.observe(&mut p, &normalise(&doc));
    }
    let out = trends.finish(p);
    assert_eq!(out.out_of_range, 3);
    assert_eq!(out.bins.first().map(|b| b.label.as_str()), Some("2001-01"));
    assert_eq!(out.bins.last().map(|b| b.label.as_str()), Some("2002-06"));
    assert_eq!(out.documents[0].iter().sum::<u64>(), 2);
}

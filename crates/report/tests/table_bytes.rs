//! `terms.csv` and `tfidf.csv` are written by hand; these tests write the same tables with the
//! `csv` crate (default quoting, `\n` terminator: what the writers used before) and compare
//! the bytes, on terms and ids that need quoting and on any floats.

use std::sync::Arc;

use proptest::prelude::*;
use wordmill_analyse::{DocTerm, DocTerms, PruneStats, TermStat, TermsOutput};
use wordmill_report::{write_terms_csv, write_tfidf_csv};

fn csv_rows(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(&mut out);
        w.write_record(header).unwrap();
        for r in rows {
            w.write_record(r).unwrap();
        }
        w.flush().unwrap();
    }
    out
}

fn output(vocabulary: Vec<TermStat>, documents: Option<Vec<DocTerms>>) -> TermsOutput {
    TermsOutput {
        n_docs: 1,
        n_tokens: 1,
        vocabulary,
        top: Vec::new(),
        pruned: PruneStats::default(),
        documents,
    }
}

fn expected_terms(t: &TermsOutput) -> Vec<u8> {
    let with_idf = t.vocabulary.first().is_some_and(|s| s.idf.is_some());
    let mut order: Vec<&TermStat> = t.vocabulary.iter().collect();
    order.sort_by_key(|s| std::cmp::Reverse(s.count));
    let rows: Vec<Vec<String>> = order
        .iter()
        .map(|s| {
            let mut r = vec![s.term.clone(), s.count.to_string(), s.doc_freq.to_string()];
            if let (Some(idf), true) = (s.idf, with_idf) {
                r.push(idf.to_string());
            }
            r
        })
        .collect();
    if with_idf {
        csv_rows(&["term", "count", "doc_freq", "idf"], &rows)
    } else {
        csv_rows(&["term", "count", "doc_freq"], &rows)
    }
}

fn expected_tfidf(t: &TermsOutput) -> Vec<u8> {
    let mut rows = Vec::new();
    for d in t.documents.iter().flatten() {
        for c in &d.terms {
            rows.push(vec![
                d.id.clone(),
                c.term.to_string(),
                c.tf.to_string(),
                c.weight.to_string(),
            ]);
        }
    }
    csv_rows(&["doc_id", "term", "tf", "weight"], &rows)
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof!["[a-z]{1,12}", "[a-z,\"\r\n #'é ]{0,8}", any::<String>(),]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<f64>(),
        0.0f64..1.0,
        -1e7f64..1e7,
        1e-12f64..1e-3,
        1e14f64..1e22,
        (1u32..50).prop_map(|n| f64::from(n).ln() + 1.0),
        (0u32..1_000_000).prop_map(|k| f64::from(k) / 997.0),
        Just(0.0),
        Just(-0.0),
        Just(1e-7),
        Just(1e21),
    ]
}

proptest! {
    #[test]
    fn terms_csv_is_what_the_csv_crate_writes(
        terms in proptest::collection::vec((text(), any::<u64>(), any::<u64>(), float()), 0..40),
        with_idf in any::<bool>(),
    ) {
        let vocabulary = terms
            .into_iter()
            .map(|(term, count, doc_freq, idf)| TermStat {
                term,
                count: count % 50,
                doc_freq,
                idf: with_idf.then_some(idf),
            })
            .collect();
        let t = output(vocabulary, None);
        let mut got = Vec::new();
        write_terms_csv(&mut got, &t).unwrap();
        let want = expected_terms(&t);
        prop_assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
    }

    #[test]
    fn tfidf_csv_is_what_the_csv_crate_writes(
        docs in proptest::collection::vec(
            (text(), proptest::collection::vec((text(), float(), float()), 0..8)),
            0..8,
        ),
    ) {
        let documents = docs
            .into_iter()
            .enumerate()
            .map(|(i, (id, cells))| DocTerms {
                ordinal: i as u64,
                id,
                n_tokens: 0,
                terms: cells
                    .into_iter()
                    .map(|(term, tf, weight)| DocTerm { term: Arc::from(term), count: 1, tf, weight })
                    .collect(),
            })
            .collect();
        let t = output(Vec::new(), Some(documents));
        let mut got = Vec::new();
        write_tfidf_csv(&mut got, &t).unwrap();
        let want = expected_tfidf(&t);
        prop_assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
    }
}

/// A table larger than the writer's buffer, so that it is written out in several pieces.
#[test]
fn a_large_table_is_written_whole() {
    let vocabulary: Vec<TermStat> = (0..20_000u64)
        .map(|i| TermStat {
            term: format!("term{i},\"x\""),
            count: i % 7,
            doc_freq: i,
            idf: Some(1.0 + i as f64 / 3.0),
        })
        .collect();
    let t = output(vocabulary, None);
    let mut got = Vec::new();
    write_terms_csv(&mut got, &t).unwrap();
    assert!(got.len() > 200_000);
    assert_eq!(got, expected_terms(&t));
}

proptest! {
    /// The writers keep the texts of recent floats; values that repeat, collide in that cache
    /// or differ only in sign or in their last bit must still be written as `Display` writes
    /// each of them.
    #[test]
    fn repeated_floats_are_written_as_each_one_reads(
        pool in proptest::collection::vec(float(), 1..2000),
        picks in proptest::collection::vec(any::<proptest::sample::Index>(), 0..3000),
    ) {
        let mut pool = pool;
        // Neighbours and opposites of the pool's values.
        let extra: Vec<f64> = pool
            .iter()
            .flat_map(|&x| [-x, f64::from_bits(x.to_bits() ^ 1)])
            .collect();
        pool.extend(extra);
        let cells: Vec<DocTerm> = picks
            .iter()
            .enumerate()
            .map(|(i, pick)| DocTerm {
                term: Arc::from("t"),
                count: 1,
                tf: pool[pick.index(pool.len())],
                weight: pool[(pick.index(pool.len()) + i) % pool.len()],
            })
            .collect();
        let vocabulary = cells
            .iter()
            .map(|c| TermStat { term: "t".into(), count: 1, doc_freq: 1, idf: Some(c.tf) })
            .collect();
        let documents = vec![DocTerms { ordinal: 0, id: "d".into(), n_tokens: 0, terms: cells }];
        let t = output(vocabulary, Some(documents));
        let mut got = Vec::new();
        write_tfidf_csv(&mut got, &t).unwrap();
        let want = expected_tfidf(&t);
        prop_assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
        let mut got = Vec::new();
        write_terms_csv(&mut got, &t).unwrap();
        let want = expected_terms(&t);
        prop_assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want));
    }
}

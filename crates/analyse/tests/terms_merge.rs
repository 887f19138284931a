//! Invariants of `Terms`: merging partial states in any grouping and order, observing documents
//! in any order, and saving/loading a partial state never change the output; no configuration
//! or corpus makes it panic.

use proptest::prelude::*;
use wordmill_analyse::{
    Analyser, DocFreq, Norm, Terms, TermsConfig, TermsOutput, TermsPartial, TfidfConfig,
};
use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span, Token, TokenText};

/// A small alphabet, so that terms, n-grams and ties repeat across documents.
const WORDS: &[&str] = &[
    "strike", "workers", "march", "minsk", "über", "ёж", "a", "x_y", "plant", "police", "square",
    "vote",
];

fn documents(texts: &[Vec<usize>]) -> Vec<Document> {
    texts
        .iter()
        .enumerate()
        .map(|(i, words)| {
            let text: Vec<&str> = words.iter().map(|&w| WORDS[w % WORDS.len()]).collect();
            Document::new(
                i as u64,
                format!("doc-{i}"),
                text.join(" "),
                Metadata::new(),
            )
        })
        .collect()
}

/// Tokens borrowed from the text: split at single spaces.
fn normalise(doc: &Document) -> NormalisedDoc<'_> {
    let mut tokens = Vec::new();
    let mut start = 0;
    if !doc.text.is_empty() {
        for (position, word) in doc.text.split(' ').enumerate() {
            let span = Span::new(start, start + word.len());
            tokens.push(Token {
                text: TokenText::borrowed(word),
                span,
                position: position as u32,
            });
            start = span.end + 1;
        }
    }
    NormalisedDoc {
        doc,
        sentences: vec![Span::new(0, doc.text.len())],
        tokens,
    }
}

fn doc_freq() -> impl Strategy<Value = DocFreq> {
    prop_oneof![
        (0u64..5).prop_map(DocFreq::Count),
        prop::sample::select(vec![0.0, 0.1, 0.25, 0.5, 0.9, 1.0]).prop_map(DocFreq::Fraction),
    ]
}

fn config() -> impl Strategy<Value = TermsConfig> {
    (
        (1usize..=3, 0usize..=2),
        0usize..8,
        doc_freq(),
        doc_freq(),
        prop::option::of(1usize..8),
        (any::<bool>(), any::<bool>(), any::<bool>()),
        prop::sample::select(vec![Norm::L1, Norm::L2, Norm::None]),
        any::<bool>(),
    )
        .prop_map(
            |(
                (lo, extra),
                top,
                min_df,
                max_df,
                max_features,
                (use_idf, smooth_idf, sublinear_tf),
                norm,
                per_document,
            )| {
                TermsConfig::default()
                    .ngram_range((lo, lo + extra))
                    .top(top)
                    .min_df(min_df)
                    .max_df(max_df)
                    .max_features(max_features)
                    .tfidf(
                        TfidfConfig::default()
                            .use_idf(use_idf)
                            .smooth_idf(smooth_idf)
                            .sublinear_tf(sublinear_tf)
                            .norm(norm),
                    )
                    .per_document(per_document)
            },
        )
}

/// A corpus (word indices per document) and, per document, the group it is observed in.
/// Group `GROUPS` means "observed into the merged state, after all merges".
const GROUPS: usize = 4;

fn corpus() -> impl Strategy<Value = (Vec<Vec<usize>>, Vec<usize>)> {
    prop::collection::vec(prop::collection::vec(0usize..WORDS.len(), 0..24), 0..14).prop_flat_map(
        |texts| {
            let n = texts.len();
            (Just(texts), prop::collection::vec(0usize..=GROUPS, n))
        },
    )
}

fn single_run(terms: &Terms, docs: &[NormalisedDoc<'_>]) -> TermsOutput {
    let mut partial = terms.partial();
    for doc in docs {
        terms.observe(&mut partial, doc);
    }
    terms.finish(partial)
}

fn round_trip(partial: TermsPartial) -> TermsPartial {
    let json = serde_json::to_string(&partial).expect("partial serialises");
    serde_json::from_str(&json).expect("partial deserialises")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any split into groups, any observation order inside a group, any merge tree, partial
    /// states saved and loaded on the way, more documents observed after merging: the same
    /// output as one state that saw every document in ordinal order.
    #[test]
    fn merge_is_order_independent(
        config in config(),
        (texts, groups) in corpus(),
        shuffle_seed in any::<u64>(),
        merge_picks in prop::collection::vec((any::<usize>(), any::<usize>()), GROUPS),
        save in prop::collection::vec(any::<bool>(), GROUPS),
    ) {
        let docs = documents(&texts);
        let normalised: Vec<NormalisedDoc<'_>> = docs.iter().map(normalise).collect();
        let terms = Terms::new(config);
        let expected = single_run(&terms, &normalised);

        // Observation order: a deterministic shuffle from the seed.
        let mut order: Vec<usize> = (0..docs.len()).collect();
        let mut state = shuffle_seed | 1;
        for i in (1..order.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            order.swap(i, (state % (i as u64 + 1)) as usize);
        }

        let mut partials: Vec<TermsPartial> = (0..GROUPS).map(|_| terms.partial()).collect();
        for &i in &order {
            if groups[i] < GROUPS {
                terms.observe(&mut partials[groups[i]], &normalised[i]);
            }
        }
        let mut partials: Vec<TermsPartial> = partials
            .into_iter()
            .zip(&save)
            .map(|(p, &save)| if save { round_trip(p) } else { p })
            .collect();
        let mut picks = merge_picks.into_iter();
        while partials.len() > 1 {
            let (a, b) = picks.next().unwrap_or((0, 1));
            let from = b % partials.len();
            let taken = partials.swap_remove(from);
            let into = a % partials.len();
            partials[into].merge(taken);
        }
        let mut merged = partials.pop().expect("one state left");
        for &i in &order {
            if groups[i] == GROUPS {
                terms.observe(&mut merged, &normalised[i]);
            }
        }
        let actual = terms.finish(merged);
        prop_assert_eq!(actual, expected);
    }

    /// The one-call path over token lists gives what observing the same tokens gives (the
    /// documents' ids aside: it numbers them from 0).
    #[test]
    fn fit_tokens_equals_observing_the_tokens(config in config(), (texts, _) in corpus()) {
        let docs = documents(&texts);
        let normalised: Vec<NormalisedDoc<'_>> = docs.iter().map(normalise).collect();
        let terms = Terms::new(config);
        let mut expected = single_run(&terms, &normalised);
        for row in expected.documents.iter_mut().flatten() {
            row.id = row.ordinal.to_string();
        }
        let tokens = docs.iter().map(|d| normalise(d).tokens.into_iter().map(|t| t.text.to_string()));
        prop_assert_eq!(terms.fit_tokens(tokens), expected);
    }

    /// Whatever the configuration (valid or not) and the corpus, nothing panics, and the
    /// output is consistent with itself.
    #[test]
    fn never_panics(
        ngram_range in (0usize..20, 0usize..20),
        min_df in prop_oneof![any::<u64>().prop_map(DocFreq::Count), any::<f64>().prop_map(DocFreq::Fraction), doc_freq()],
        max_df in prop_oneof![any::<u64>().prop_map(DocFreq::Count), any::<f64>().prop_map(DocFreq::Fraction), doc_freq()],
        max_features in prop::option::of(0usize..5),
        top in 0usize..5,
        (texts, _) in corpus(),
        per_document in any::<bool>(),
    ) {
        let config = TermsConfig::default().ngram_range(ngram_range).top(top).min_df(min_df).max_df(max_df).max_features(max_features).per_document(per_document);
        let _ = config.validate();
        let docs = documents(&texts);
        let normalised: Vec<NormalisedDoc<'_>> = docs.iter().map(normalise).collect();
        let out = single_run(&Terms::new(config), &normalised);
        prop_assert_eq!(out.n_docs, docs.len() as u64);
        prop_assert_eq!(out.pruned.kept(), out.vocabulary.len() as u64);
        prop_assert!(out.top.len() <= top);
        prop_assert!(out.vocabulary.windows(2).all(|w| w[0].term < w[1].term));
        if let Some(rows) = &out.documents {
            prop_assert_eq!(rows.len(), docs.len());
            for row in rows {
                prop_assert!(row.terms.iter().all(|t| t.weight.is_finite() && t.count > 0));
            }
        }
    }
}

//! [`DocShared`]: what one analyser worked out for a document that a later analyser of the same
//! document may read instead of working it out again.

use wordmill_model::Span;

use crate::Vader;

/// Per-document results handed from one analyser to the next.
///
/// A pipeline passes one `DocShared` to every analyser of a document, in the order they run
/// ([`Analyser::observe_shared`](crate::Analyser::observe_shared)), and clears it before the
/// next document. What is in it is only ever a shortcut: an analyser that finds nothing for
/// itself computes the same thing on its own, so results never depend on which analysers run
/// or in which order.
///
/// Today it carries the VADER scores the sentiment analyser gave the document's units
/// (sentences, or the whole text), which the targets analyser reads for the sentences that
/// mention a target when it scores with the same [`Vader`]; and, once an analyser has asked
/// for them, the id each token has in the terms analyser's table, by which the pattern
/// analysers (dictionary, concordance, targets) remember what a token text starts instead of
/// looking the text up again.
///
/// ```
/// # #[cfg(feature = "normalise")] {
/// use wordmill_analyse::{
///     Analyser, DocShared, Sentiment, SentimentConfig, TargetSource, TargetSpec, Targets,
///     TargetsConfig,
/// };
/// use wordmill_model::{Document, Metadata};
/// use wordmill_normalise::Normaliser;
///
/// let normaliser = Normaliser::default();
/// let sentiment = Sentiment::new(SentimentConfig::default()).unwrap();
/// let config = TargetsConfig::default().targets(vec![TargetSpec {
///     name: "strikers".into(),
///     source: TargetSource::Patterns(vec!["strik*".into()]),
/// }]);
/// // Scoring with the sentiment analyser's scorer, as a pipeline with both does.
/// let targets = Targets::with_vader(config, sentiment.vader().clone(), &normaliser).unwrap();
/// let doc = Document::new(0, "d", "The brave strikers won. It rained.", Metadata::new());
/// let nd = normaliser.normalise(&doc);
///
/// let mut shared = DocShared::default();
/// let (mut s, mut t) = (sentiment.partial(), targets.partial());
/// sentiment.observe_shared(&mut s, &nd, &mut shared); // scores both sentences
/// targets.observe_shared(&mut t, &nd, &mut shared); // reads the first one's score
/// shared.clear(); // before the next document
///
/// let strikers = &targets.finish(t).targets[0].overall;
/// assert_eq!(strikers.sentences, 1);
/// let first = sentiment.vader().polarity_scores("The brave strikers won.");
/// assert_eq!(strikers.mean_compound, first.compound);
/// # }
/// ```
#[derive(Debug, Default)]
pub struct DocShared {
    /// The scorer of `units` ([`Vader::id`]); `None` when there are none.
    scorer: Option<u64>,
    /// Each unit's span and VADER compound score, in unit order.
    units: Vec<(Span, f64)>,
    /// Whether a later analyser reads token ids: asked for once, kept for every document.
    wants_ids: bool,
    /// The term table `ids` index ([`TermsPartial`](crate::TermsPartial)'s identity), when
    /// they were recorded for this document.
    table: Option<u64>,
    /// For each token of the document, its id in that table.
    ids: Vec<u32>,
}

impl DocShared {
    /// Forgets everything (keeping the allocations and the analysers' requests), for the next
    /// document.
    pub fn clear(&mut self) {
        self.scorer = None;
        self.units.clear();
        self.table = None;
        self.ids.clear();
    }

    /// Asks the analysers before this one to record token ids from the next document on.
    pub(crate) fn want_token_ids(&mut self) {
        self.wants_ids = true;
    }

    /// Whether an analyser asked for token ids.
    pub(crate) fn wants_token_ids(&self) -> bool {
        self.wants_ids
    }

    /// Records the ids of this document's tokens: `record` fills the (emptied) buffer and
    /// returns the identity of the term table they index.
    pub(crate) fn record_token_ids(&mut self, record: impl FnOnce(&mut Vec<u32>) -> u64) {
        self.ids.clear();
        self.table = Some(record(&mut self.ids));
    }

    /// The term table and the ids of this document's tokens in it, when they were recorded
    /// for all `tokens` of them.
    pub(crate) fn token_ids(&self, tokens: usize) -> Option<(u64, &[u32])> {
        let table = self.table?;
        (self.ids.len() == tokens).then_some((table, self.ids.as_slice()))
    }

    /// Records the compound score `vader` gave each unit of the document, in unit order.
    pub(crate) fn put_compounds(
        &mut self,
        vader: &Vader,
        units: impl IntoIterator<Item = (Span, f64)>,
    ) {
        self.units.clear();
        self.units.extend(units);
        self.scorer = Some(vader.id());
    }

    /// The compound score `vader` gave unit `index` of the document, when it was recorded for
    /// exactly this span.
    pub(crate) fn compound(&self, vader: &Vader, index: usize, span: Span) -> Option<f64> {
        if self.scorer != Some(vader.id()) {
            return None;
        }
        self.units
            .get(index)
            .filter(|(s, _)| *s == span)
            .map(|&(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use wordmill_model::{Document, Metadata, NormalisedDoc, Span, Token, TokenText};

    use super::DocShared;
    use crate::{
        Analyser, Dictionary, DictionaryEntries, DictionaryFormat, Kwic, KwicConfig, Lowercase,
        Merge, TargetSource, TargetSpec, Targets, TargetsConfig, Terms,
    };

    const WORDS: [&str; 9] = [
        "strike", "strikers", "general", "march", "police", "the", "a", "marched", "b",
    ];

    fn doc(ordinal: u64, words: &[usize]) -> Document {
        let text: Vec<&str> = words.iter().map(|&w| WORDS[w]).collect();
        Document::new(
            ordinal,
            format!("d{ordinal}"),
            text.join(" "),
            Metadata::new(),
        )
    }

    /// Tokens split at spaces; sentences of three words (so that phrases meet sentence ends).
    fn normalised(doc: &Document) -> NormalisedDoc<'_> {
        let mut tokens = Vec::new();
        let mut sentences = Vec::new();
        let mut start = 0;
        for (position, word) in doc.text.split(' ').enumerate() {
            let span = Span::new(start, start + word.len());
            if position % 3 == 0 {
                sentences.push(span);
            } else if let Some(last) = sentences.last_mut() {
                *last = Span::new(last.start, span.end);
            }
            tokens.push(Token {
                text: TokenText::borrowed(&doc.text[span.start..span.end]),
                span,
                position: position as u32,
            });
            start = span.end + 1;
        }
        NormalisedDoc {
            doc,
            sentences,
            tokens,
        }
    }

    fn analysers() -> (Terms, Dictionary, Kwic, Targets) {
        let mut entries = DictionaryEntries::default();
        entries
            .add_text(
                "t.yml",
                "labour: [strike*, general strike]\nprotest: [march*, police]\n",
                DictionaryFormat::Yaml,
                &Lowercase,
            )
            .unwrap();
        let kwic = Kwic::new(
            KwicConfig::default().patterns(vec!["strik*".into(), "general strike".into()]),
        )
        .unwrap();
        let targets = Targets::new(
            TargetsConfig::default().targets(vec![TargetSpec {
                name: "police".into(),
                source: TargetSource::Patterns(vec!["police".into(), "the police".into()]),
            }]),
            &Lowercase,
        )
        .unwrap();
        (
            Terms::default(),
            Dictionary::new(entries, Vec::new()),
            kwic,
            targets,
        )
    }

    proptest! {
        /// The pattern analysers read the token ids the terms analyser leaves in `DocShared`
        /// and give what they give without them, whatever the split into partial states.
        #[test]
        fn token_ids_change_nothing(
            docs in prop::collection::vec(prop::collection::vec(0..WORDS.len(), 0..12), 1..10),
            split in 0usize..10,
        ) {
            let (terms, dictionary, kwic, targets) = analysers();
            let docs: Vec<Document> =
                docs.iter().enumerate().map(|(i, w)| doc(i as u64, w)).collect();

            let (mut t, mut d, mut k, mut g) =
                (terms.partial(), dictionary.partial(), kwic.partial(), targets.partial());
            for x in &docs {
                let nd = normalised(x);
                terms.observe(&mut t, &nd);
                dictionary.observe(&mut d, &nd);
                kwic.observe(&mut k, &nd);
                targets.observe(&mut g, &nd);
            }

            let mut parts = Vec::new();
            for chunk in [&docs[..split.min(docs.len())], &docs[split.min(docs.len())..]] {
                let (mut ts, mut ds, mut ks, mut gs) =
                    (terms.partial(), dictionary.partial(), kwic.partial(), targets.partial());
                let mut shared = DocShared::default();
                for (n, x) in chunk.iter().enumerate() {
                    let nd = normalised(x);
                    shared.clear();
                    terms.observe_shared(&mut ts, &nd, &mut shared);
                    // Asked for by the first document, there from the second on.
                    prop_assert_eq!(shared.token_ids(nd.tokens.len()).is_some(), n > 0);
                    dictionary.observe_shared(&mut ds, &nd, &mut shared);
                    kwic.observe_shared(&mut ks, &nd, &mut shared);
                    targets.observe_shared(&mut gs, &nd, &mut shared);
                }
                parts.push((ts, ds, ks, gs));
            }
            let (mut ts, mut ds, mut ks, mut gs) = parts.remove(0);
            for (t2, d2, k2, g2) in parts {
                ts.merge(t2);
                ds.merge(d2);
                ks.merge(k2);
                gs.merge(g2);
            }
            prop_assert_eq!(terms.finish(ts), terms.finish(t));
            prop_assert_eq!(dictionary.finish(ds), dictionary.finish(d));
            prop_assert_eq!(kwic.finish(ks), kwic.finish(k));
            prop_assert_eq!(targets.finish(gs), targets.finish(g));
        }
    }
}

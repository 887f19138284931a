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
/// mention a target when it scores with the same [`Vader`].
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
}

impl DocShared {
    /// Forgets everything (keeping the allocations), for the next document.
    pub fn clear(&mut self) {
        self.scorer = None;
        self.units.clear();
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

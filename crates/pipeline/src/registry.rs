//! The analysers a pipeline file may name, one line each in [`ANALYSERS`]: the analyser
//! (`crates/analyse`, implementing [`Configure`]) with its report section (`crates/report`,
//! implementing [`AnalyserSection`]). Everything else follows from that line: the
//! `[analyse.<key>]` table and its schema, "did you mean" suggestions, the keys documented in
//! `docs/pipeline.md`, the analysis fingerprint, the settings recorded in `run.json`, the
//! partial state in run states, and the section of the report.
//!
//! The analyser is erased behind [`Stage`] once per document, never per token: `observe`
//! downcasts the partial state and calls the typed analyser.

use std::any::Any;
use std::fmt;
use std::marker::PhantomData;

use serde_json::value::RawValue;
use wordmill_analyse::{
    Collocations, ConfigTable, Configure, Dictionary, DocShared, DocumentStats, InvalidState,
    Keyness, Kwic, Sentiment, Targets, Terms, Trends,
};
use wordmill_model::{Merge, NormalisedDoc};
use wordmill_report::{
    AnalyserSection, CollocationsSection, DictionarySection, KeynessSection, KwicSection, Section,
    SectionReader, SentimentSection, TargetsSection, TermsSection, TrendsSection,
};

/// Every analyser, in the order they run, report and render.
pub(crate) static ANALYSERS: &[&dyn Kind] = &[
    &KindOf::<Terms, TermsSection>::NEW,
    &KindOf::<Keyness, KeynessSection>::NEW,
    &KindOf::<Sentiment, SentimentSection>::NEW,
    &KindOf::<Collocations, CollocationsSection>::NEW,
    &KindOf::<Dictionary, DictionarySection>::NEW,
    &KindOf::<Targets, TargetsSection>::NEW,
    &KindOf::<Trends, TrendsSection>::NEW,
    &KindOf::<Kwic, KwicSection>::NEW,
];

/// One analyser as the registry knows it, before a pipeline configures it.
pub(crate) trait Kind: Sync {
    /// Its `[analyse.<key>]` table.
    fn key(&self) -> &'static str;
    /// The keys of its table (`""`) and sub-tables.
    fn schema(&self) -> &'static [(&'static str, &'static [&'static str])];
    /// Reads its table into a configured stage.
    fn build(&self, table: &mut dyn ConfigTable, configured: &[&dyn Any])
    -> Option<Box<dyn Stage>>;
    /// Reads its section back from `report.json`.
    fn reader(&self) -> SectionReader;
}

/// A configured analyser, its type erased.
pub(crate) trait Stage: Send + Sync + fmt::Debug {
    /// Its key.
    fn key(&self) -> &'static str;
    /// The typed analyser, for the analysers configured after it.
    fn analyser(&self) -> &dyn Any;
    /// Its configuration as JSON, with the pipeline file's keys and values.
    fn fingerprint(&self) -> serde_json::Value;
    /// An empty partial state.
    fn partial(&self) -> Box<dyn ErasedPartial>;
    /// Folds one document in, with what the stages before it left in `shared` for it
    /// ([`Analyser::observe_shared`](wordmill_analyse::Analyser::observe_shared)).
    fn observe(
        &self,
        partial: &mut dyn ErasedPartial,
        doc: &NormalisedDoc<'_>,
        shared: &mut DocShared,
    );
    /// Reads a partial state from a run state.
    fn partial_from_json(
        &self,
        json: &RawValue,
    ) -> Result<Box<dyn ErasedPartial>, serde_json::Error>;
    /// Checks a loaded partial state against its invariants and the state's documents.
    fn validate(
        &self,
        partial: &dyn ErasedPartial,
        documents: &[DocumentStats],
    ) -> Result<(), InvalidState>;
    /// Finishes the merged state into its report section.
    fn finish(&self, partial: Box<dyn ErasedPartial>) -> Box<dyn Section>;
    /// The key of the stage before it whose state its own holds ([`Configure::shares`]).
    fn shares(&self) -> Option<&'static str>;
    /// That stage's state, made from this stage's merged state ([`Configure::share`]).
    fn share(&self, partial: &mut dyn ErasedPartial) -> Option<Box<dyn Any + Send>>;
    /// A state that another stage made for this one ([`Stage::share`]), when it is of this
    /// stage's kind.
    fn adopt(&self, state: Box<dyn Any + Send>) -> Option<Box<dyn ErasedPartial>>;
}

/// For each stage, the index of the later stage whose state holds its state (see
/// [`Configure::shares`]): documents are folded into that stage only, and this stage's state
/// is made from it before finishing.
pub(crate) fn sharers(stages: &[std::sync::Arc<dyn Stage>]) -> Vec<Option<usize>> {
    stages
        .iter()
        .enumerate()
        .map(|(i, stage)| {
            stages
                .iter()
                .enumerate()
                .skip(i + 1)
                .find(|(_, later)| later.shares() == Some(stage.key()))
                .map(|(j, _)| j)
        })
        .collect()
}

/// A partial state, its type erased.
pub(crate) trait ErasedPartial: Send + fmt::Debug {
    /// Merges another partial state of the same analyser in.
    fn merge_erased(&mut self, other: Box<dyn ErasedPartial>);
    /// As something to serialise.
    fn as_serialize(&self) -> &dyn erased_serde::Serialize;
    /// As `Any`.
    fn as_any(&self) -> &dyn Any;
    /// As `Any`, mutably.
    fn as_any_mut(&mut self) -> &mut dyn Any;
    /// As `Any`, owned.
    fn into_any(self: Box<Self>) -> Box<dyn Any>;
}

impl<P> ErasedPartial for P
where
    P: Merge + Send + fmt::Debug + serde::Serialize + 'static,
{
    fn merge_erased(&mut self, other: Box<dyn ErasedPartial>) {
        // A run's partial states are made by the same stages, so the types always agree.
        if let Ok(other) = other.into_any().downcast::<P>() {
            self.merge(*other);
        }
    }

    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        self
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn Any {
        self
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any> {
        self
    }
}

/// The registry entry of analyser `A` with section `S`.
pub(crate) struct KindOf<A, S>(PhantomData<fn() -> (A, S)>);

impl<A, S> KindOf<A, S> {
    /// The entry.
    pub(crate) const NEW: Self = KindOf(PhantomData);
}

/// A configured analyser `A` with its section `S`.
struct StageOf<A, S> {
    analyser: A,
    section: PhantomData<fn() -> S>,
}

impl<A: fmt::Debug, S> fmt::Debug for StageOf<A, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.analyser.fmt(f)
    }
}

impl<A, S> Kind for KindOf<A, S>
where
    A: Configure + fmt::Debug,
    A::Partial: fmt::Debug + 'static,
    S: AnalyserSection<A>,
{
    fn key(&self) -> &'static str {
        A::KEY
    }

    fn schema(&self) -> &'static [(&'static str, &'static [&'static str])] {
        A::SCHEMA
    }

    fn build(
        &self,
        table: &mut dyn ConfigTable,
        configured: &[&dyn Any],
    ) -> Option<Box<dyn Stage>> {
        let analyser = A::configure(table, configured)?;
        Some(Box::new(StageOf::<A, S> {
            analyser,
            section: PhantomData,
        }))
    }

    fn reader(&self) -> SectionReader {
        S::READER
    }
}

impl<A, S> StageOf<A, S>
where
    A: Configure,
    A::Partial: 'static,
{
    fn typed<'p>(&self, partial: &'p dyn ErasedPartial) -> Option<&'p A::Partial> {
        partial.as_any().downcast_ref::<A::Partial>()
    }
}

impl<A, S> Stage for StageOf<A, S>
where
    A: Configure + fmt::Debug,
    A::Partial: fmt::Debug + 'static,
    S: AnalyserSection<A>,
{
    fn key(&self) -> &'static str {
        A::KEY
    }

    fn analyser(&self) -> &dyn Any {
        &self.analyser
    }

    fn fingerprint(&self) -> serde_json::Value {
        serde_json::to_value(self.analyser.config()).unwrap_or_default()
    }

    fn partial(&self) -> Box<dyn ErasedPartial> {
        Box::new(self.analyser.partial())
    }

    fn observe(
        &self,
        partial: &mut dyn ErasedPartial,
        doc: &NormalisedDoc<'_>,
        shared: &mut DocShared,
    ) {
        if let Some(p) = partial.as_any_mut().downcast_mut::<A::Partial>() {
            self.analyser.observe_shared(p, doc, shared);
        }
    }

    fn partial_from_json(
        &self,
        json: &RawValue,
    ) -> Result<Box<dyn ErasedPartial>, serde_json::Error> {
        let partial: A::Partial = serde_json::from_str(json.get())?;
        Ok(Box::new(partial))
    }

    fn validate(
        &self,
        partial: &dyn ErasedPartial,
        documents: &[DocumentStats],
    ) -> Result<(), InvalidState> {
        match self.typed(partial) {
            Some(p) => self.analyser.validate(p, documents),
            None => Err(InvalidState(format!(
                "the `{}` state is of another kind",
                A::KEY
            ))),
        }
    }

    fn finish(&self, partial: Box<dyn ErasedPartial>) -> Box<dyn Section> {
        let partial = match partial.into_any().downcast::<A::Partial>() {
            Ok(p) => *p,
            Err(_) => self.analyser.partial(),
        };
        let output = self.analyser.finish(partial);
        Box::new(S::from_output(&self.analyser, output))
    }

    fn shares(&self) -> Option<&'static str> {
        self.analyser.shares()
    }

    fn share(&self, partial: &mut dyn ErasedPartial) -> Option<Box<dyn Any + Send>> {
        partial
            .as_any_mut()
            .downcast_mut::<A::Partial>()
            .and_then(|p| self.analyser.share(p))
    }

    fn adopt(&self, state: Box<dyn Any + Send>) -> Option<Box<dyn ErasedPartial>> {
        let state: Box<dyn Any> = state;
        state
            .downcast::<A::Partial>()
            .ok()
            .map(|p| p as Box<dyn ErasedPartial>)
    }
}

//! One-call use of [`Terms`]: texts (or token lists) in, counts, document frequencies, top
//! terms and TF-IDF out, without the [`Analyser`] trait's partial states.

use wordmill_model::{Document, Metadata, NormalisedDoc, Span, Token, TokenText};

use super::{DocTerms, TermStat, Terms, TermsOutput};
use crate::Analyser;

impl Default for Terms {
    /// An analyser with [`TermsConfig::default()`](super::TermsConfig::default): unigrams, no
    /// pruning, scikit-learn's TF-IDF defaults, no per-document rows.
    fn default() -> Self {
        Terms::new(super::TermsConfig::default())
    }
}

impl Terms {
    /// Counts the terms of `texts`, cut into words by `normaliser`, one text a document.
    ///
    /// The same as observing each text as a document (ordinal and id its position in
    /// `texts`, from 0) into one partial state and finishing it. Needs the `normalise` feature
    /// (on by default).
    ///
    /// ```
    /// use wordmill_analyse::{Terms, TermsConfig};
    /// use wordmill_normalise::{Normaliser, NormaliserConfig, StopWordLanguage, StopWords};
    ///
    /// let texts = ["Workers strike.", "The strike spread; workers marched."];
    /// let config = NormaliserConfig::default().stopwords(StopWords::Builtin(StopWordLanguage::English));
    /// let terms = Terms::new(TermsConfig::default().per_document(true));
    /// let out = terms.fit_with(&Normaliser::new(config)?, texts);
    /// assert_eq!(out.term("strike").map(|t| (t.count, t.doc_freq)), Some((2, 2)));
    /// assert_eq!(out.term("the"), None); // a stop word
    /// assert_eq!(out.rows()[1].terms.len(), 4);
    /// # Ok::<(), wordmill_normalise::NormaliseError>(())
    /// ```
    #[cfg(feature = "normalise")]
    pub fn fit_with<I>(&self, normaliser: &wordmill_normalise::Normaliser, texts: I) -> TermsOutput
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        let mut partial = self.partial();
        let mut buffers = wordmill_model::DocBuffers::default();
        for (ordinal, text) in texts.into_iter().enumerate() {
            let doc = Document::new(
                ordinal as u64,
                ordinal.to_string(),
                text.as_ref(),
                Metadata::new(),
            );
            let normalised = normaliser.normalise_with(&doc, buffers);
            self.observe(&mut partial, &normalised);
            buffers = normalised.recycle();
        }
        self.finish(partial)
    }

    /// Counts the terms of `texts` with the default normaliser ([`Normaliser::default`]:
    /// UAX #29 words, NFC, lower-cased, no stop words), one text a document.
    ///
    /// [`Normaliser::default`]: wordmill_normalise::Normaliser::default
    ///
    /// ```
    /// use wordmill_analyse::Terms;
    ///
    /// let out = Terms::default().fit(["Workers strike.", "The strike spread."]);
    /// let top: Vec<(&str, u64)> = out.top_k(2).iter().map(|t| (t.term.as_str(), t.count)).collect();
    /// assert_eq!(top, [("strike", 2), ("spread", 1)]);
    /// ```
    #[cfg(feature = "normalise")]
    pub fn fit<I>(&self, texts: I) -> TermsOutput
    where
        I: IntoIterator,
        I::Item: AsRef<str>,
    {
        self.fit_with(&wordmill_normalise::Normaliser::default(), texts)
    }

    /// Counts the terms of documents already cut into tokens (by any tokenizer), one token
    /// list a document; the tokens are counted as given (no case folding, no stop words).
    ///
    /// ```
    /// use wordmill_analyse::Terms;
    ///
    /// let docs = [vec!["strike", "workers", "strike"], vec!["workers", "march"]];
    /// let out = Terms::default().fit_tokens(docs);
    /// assert_eq!(out.term("strike").map(|t| t.count), Some(2));
    /// assert_eq!(out.term("workers").map(|t| t.doc_freq), Some(2));
    /// ```
    pub fn fit_tokens<D, T>(&self, documents: D) -> TermsOutput
    where
        D: IntoIterator,
        D::Item: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        let mut partial = self.partial();
        for (ordinal, tokens) in documents.into_iter().enumerate() {
            let owned: Vec<T> = tokens.into_iter().collect();
            let tokens: Vec<Token<'_>> = owned
                .iter()
                .enumerate()
                .map(|(position, t)| Token {
                    text: TokenText::borrowed(t.as_ref()),
                    span: Span::new(0, 0),
                    position: u32::try_from(position).unwrap_or(u32::MAX),
                })
                .collect();
            let doc = Document::new(ordinal as u64, ordinal.to_string(), "", Metadata::new());
            let normalised = NormalisedDoc {
                doc: &doc,
                sentences: Vec::new(),
                tokens,
            };
            self.observe(&mut partial, &normalised);
        }
        self.finish(partial)
    }
}

impl TermsOutput {
    /// The statistics of `term` if it survived pruning (a binary search of the vocabulary).
    pub fn term(&self, term: &str) -> Option<&TermStat> {
        self.vocabulary
            .binary_search_by(|t| t.term.as_str().cmp(term))
            .ok()
            .map(|i| &self.vocabulary[i])
    }

    /// The `k` surviving terms with the highest corpus count, descending; ties by term,
    /// ascending (the order of [`top`](Self::top), which holds the configured number).
    pub fn top_k(&self, k: usize) -> Vec<&TermStat> {
        let mut terms: Vec<&TermStat> = self.vocabulary.iter().collect();
        terms.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.term.cmp(&b.term)));
        terms.truncate(k);
        terms
    }

    /// Every document's TF-IDF row, in document order: empty unless the configuration has
    /// `per_document` set.
    pub fn rows(&self) -> &[DocTerms] {
        self.documents.as_deref().unwrap_or(&[])
    }
}

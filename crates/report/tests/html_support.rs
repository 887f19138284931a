//! Shared builders for the HTML report tests: a corpus built by hand and run through the real
//! analysers. Included by the `html_*` tests with `#[path]`; on its own it holds no test.

#![allow(dead_code)]

use wordmill_analyse::{
    Analyser, DocumentStats, Documents, Sentiment, SentimentConfig, SentimentOutput, Terms,
    TermsConfig, TermsOutput,
};
use wordmill_model::{Document, Metadata, NormalisedDoc, Span, Token, TokenText};
use wordmill_report::{CorpusSummary, Report, SentimentSection, TermsSection};

/// Everything `render_html` reads, owned.
pub struct Run {
    /// The report model.
    pub report: Report,
    /// Per-document rows.
    pub documents: Vec<DocumentStats>,
    /// The terms output, with TF-IDF rows.
    pub terms: TermsOutput,
    /// The sentiment output.
    pub sentiment: SentimentOutput,
}

/// Sentences end after `.`, `!` or `?` followed by a space (or the end of the text).
fn sentences(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        let end_of_sentence =
            matches!(b, b'.' | b'!' | b'?') && (i + 1 == bytes.len() || bytes[i + 1] == b' ');
        if end_of_sentence {
            spans.push(Span::new(start, i + 1));
            start = (i + 2).min(text.len());
        }
    }
    if start < text.len() {
        spans.push(Span::new(start, text.len()));
    }
    spans
}

/// Tokens are runs of non-space characters (so markup survives into terms), lower-cased.
fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut offset = 0;
    for word in text.split(' ') {
        let span = Span::new(offset, offset + word.len());
        offset += word.len() + 1;
        let word = word.trim_end_matches(['.', '!', '?']);
        if word.is_empty() {
            continue;
        }
        let lower = word.to_lowercase();
        let text = if lower == word {
            TokenText::borrowed(word)
        } else {
            TokenText::from(lower)
        };
        out.push(Token {
            text,
            span,
            position: pos,
        });
        pos += 1;
    }
    out
}

/// Runs the documents, terms (with per-document rows) and sentiment analysers over `docs`.
pub fn run(name: &str, hash: &str, docs: &[Document], group_by: &[&str]) -> Run {
    let normalised: Vec<NormalisedDoc<'_>> = docs
        .iter()
        .map(|d| NormalisedDoc {
            doc: d,
            sentences: sentences(&d.text),
            tokens: tokens(&d.text),
        })
        .collect();
    let documents_analyser = Documents;
    let terms_analyser = Terms::new(TermsConfig::default().top(30).per_document(true));
    let sentiment_analyser = Sentiment::new(
        SentimentConfig::default().group_by(group_by.iter().map(|s| s.to_string()).collect()),
    )
    .expect("the built-in lexicon loads");
    let mut dp = documents_analyser.partial();
    let mut tp = terms_analyser.partial();
    let mut sp = sentiment_analyser.partial();
    for nd in &normalised {
        documents_analyser.observe(&mut dp, nd);
        terms_analyser.observe(&mut tp, nd);
        sentiment_analyser.observe(&mut sp, nd);
    }
    let documents = documents_analyser.finish(dp);
    let terms = terms_analyser.finish(tp);
    let sentiment = sentiment_analyser.finish(sp);
    let corpus = CorpusSummary {
        documents: documents.len() as u64,
        bytes: documents.iter().map(|d| d.bytes).sum(),
        tokens: documents.iter().map(|d| d.tokens).sum(),
        sentences: documents.iter().map(|d| d.sentences).sum(),
        skipped: 0,
    };
    let mut report = Report::new(name, hash, corpus);
    report.push(TermsSection::new(terms.clone()));
    report.push(SentimentSection::new(
        sentiment.clone(),
        "vader",
        "sentence",
    ));
    Run {
        report,
        documents,
        terms,
        sentiment,
    }
}

/// A document from its parts.
pub fn doc(ordinal: u64, id: &str, text: &str, meta: &[(&str, &str)]) -> Document {
    let meta: Metadata = meta
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Document::new(ordinal, id, text, meta)
}

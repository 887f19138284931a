//! Counts terms and scores sentiment of the texts given as arguments (or lines of standard
//! input), using wordmill-analyse alone: documents are tokenised here with a plain whitespace
//! split and split into sentences at line ends, so no other wordmill crate is needed.
//!
//! ```sh
//! cargo run -p wordmill-analyse --example analyse -- "Workers walked out." "The strike spread fast."
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::BufRead;

use wordmill_analyse::{Analyser, Sentiment, SentimentConfig, Terms, TermsConfig};
use wordmill_model::{Document, Metadata, NormalisedDoc, Span, Token, TokenText};

fn normalise(doc: &Document) -> NormalisedDoc<'_> {
    let mut tokens = Vec::new();
    let mut start = None;
    let text = &doc.text;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, c.is_alphanumeric()) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                let word = &text[s..i];
                let position = tokens.len() as u32;
                let text = if word.chars().any(char::is_uppercase) {
                    TokenText::from(word.to_lowercase())
                } else {
                    TokenText::borrowed(word)
                };
                tokens.push(Token {
                    text,
                    span: Span::new(s, i),
                    position,
                });
                start = None;
            }
            _ => {}
        }
    }
    NormalisedDoc {
        doc,
        sentences: vec![Span::new(0, text.len())],
        tokens,
    }
}

fn main() {
    let mut texts: Vec<String> = std::env::args().skip(1).collect();
    if texts.is_empty() {
        texts = std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .filter(|l| !l.trim().is_empty())
            .collect();
    }
    let docs: Vec<Document> = texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| Document::new(i as u64, format!("doc{i}"), t, Metadata::new()))
        .collect();

    let terms = Terms::new(TermsConfig::default().top(10));
    let sentiment = match Sentiment::new(SentimentConfig::default()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let (mut tp, mut sp) = (terms.partial(), sentiment.partial());
    for doc in &docs {
        let nd = normalise(doc);
        terms.observe(&mut tp, &nd);
        sentiment.observe(&mut sp, &nd);
    }
    let t = terms.finish(tp);
    let s = sentiment.finish(sp);
    println!(
        "{} documents, {} tokens, {} distinct terms",
        t.n_docs,
        t.n_tokens,
        t.vocabulary.len()
    );
    for term in &t.top {
        println!(
            "  {:<20} count {:>4}  documents {:>3}  idf {:.4}",
            term.term,
            term.count,
            term.doc_freq,
            term.idf.unwrap_or(1.0)
        );
    }
    for d in &s.documents {
        println!("{}: compound {:+.4}", d.id, d.mean_compound);
    }
}

//! A loaded state is checked against its documents: ordinals, ids, tokens, groups and counts.

use wordmill_model::{Document, Metadata, NormalisedDoc, Span, Token, TokenText};

use super::*;
use crate::{Configure, DocumentStats, Lowercase};

fn analyser() -> Dictionary {
    let mut entries = DictionaryEntries::default();
    entries
        .add_text(
            "t.yml",
            "labour: [strike*, general strike]\nprotest: [march]\n",
            DictionaryFormat::Yaml,
            &Lowercase,
        )
        .unwrap();
    Dictionary::new(entries, vec!["g".into()])
}

fn observed(d: &Dictionary, texts: &[&str]) -> (DictionaryPartial, Vec<DocumentStats>) {
    let mut partial = d.partial();
    let mut stats = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let mut meta = Metadata::new();
        meta.insert("g", "x");
        let doc = Document::new(i as u64, format!("d{i}"), *text, meta.clone());
        let mut tokens = Vec::new();
        let mut start = 0;
        for (position, word) in text.split(' ').enumerate() {
            let span = Span::new(start, start + word.len());
            tokens.push(Token {
                text: TokenText::borrowed(word),
                span,
                position: position as u32,
            });
            start = span.end + 1;
        }
        let n = tokens.len() as u64;
        d.observe(
            &mut partial,
            &NormalisedDoc {
                doc: &doc,
                sentences: vec![Span::new(0, text.len())],
                tokens,
            },
        );
        stats.push(DocumentStats {
            ordinal: i as u64,
            id: format!("d{i}"),
            meta,
            bytes: text.len() as u64,
            tokens: n,
            sentences: 1,
        });
    }
    (partial, stats)
}

#[test]
fn a_state_is_valid_for_its_own_documents() {
    let d = analyser();
    let (partial, stats) = observed(&d, &["the general strike", "a march", "nothing"]);
    assert_eq!(Configure::validate(&d, &partial, &stats), Ok(()));
    let counts: Vec<Vec<(u32, u64)>> = partial.documents().map(|(_, m)| m.counts.clone()).collect();
    assert_eq!(counts, [vec![(0, 1)], vec![(1, 1)], vec![]]);
}

#[test]
fn a_state_that_contradicts_its_documents_is_refused() {
    let d = analyser();
    let (partial, mut stats) = observed(&d, &["the general strike", "a march"]);
    // A document missing from the counts.
    let (fewer, _) = observed(&d, &["the general strike"]);
    assert!(Configure::validate(&d, &fewer, &stats).is_err());
    // Other token counts.
    stats[1].tokens = 7;
    let e = Configure::validate(&d, &partial, &stats).unwrap_err();
    assert!(e.0.contains("are of 2 tokens, the document has 7"), "{e}");
    stats[1].tokens = 2;
    // Another group.
    stats[0].meta.insert("g", "y");
    assert!(Configure::validate(&d, &partial, &stats).is_err());
    stats[0].meta.insert("g", "x");
    // A category the dictionary does not have, or more matches than tokens.
    for forged in [(5, 1), (0, 9), (0, 0)] {
        let mut p = DictionaryPartial::default();
        for (o, m) in partial.documents() {
            let mut m = m.clone();
            if o == 0 {
                m.counts = vec![forged];
            }
            p.insert(o, m);
        }
        assert!(Configure::validate(&d, &p, &stats).is_err(), "{forged:?}");
    }
}

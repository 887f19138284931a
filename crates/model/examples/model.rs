//! Builds a document by hand and merges two partial counts, using only wordmill-model.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use wordmill_model::{Document, Merge, Metadata};

#[derive(Default)]
struct WordCount(u64);

impl Merge for WordCount {
    fn merge(&mut self, other: Self) {
        self.0 += other.0;
    }
}

fn main() {
    let meta: Metadata = [("source", "example")].into_iter().collect();
    let docs = [
        Document::new(0, "a", "Workers walked out.", meta.clone()),
        Document::new(1, "b", "The strike spread like a bush fire.", meta),
    ];
    let mut total = WordCount::default();
    for doc in &docs {
        total.merge(WordCount(doc.text.split_whitespace().count() as u64));
    }
    println!(
        "{} documents, {} whitespace-separated words",
        docs.len(),
        total.0
    );
}

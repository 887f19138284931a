//! Lists the lower-cased words of a text with tantivy's tokenizer.

use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

fn main() {
    let mut analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .build();
    let mut words: Vec<String> = Vec::new();
    let mut stream = analyzer.token_stream("The nation's workers walked out.");
    stream.process(&mut |token| words.push(token.text.clone()));
    println!("{words:?}");
}

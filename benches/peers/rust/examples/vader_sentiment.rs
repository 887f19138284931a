//! Scores one sentence with vader_sentiment (its scores are not rounded; the map it returns
//! borrows the analyzer, which must therefore be kept in a variable).

use vader_sentiment::SentimentIntensityAnalyzer;

fn main() {
    let analyzer = SentimentIntensityAnalyzer::new();
    let scores = analyzer.polarity_scores("The workers were not happy about it!");
    println!("{scores:?}");
}

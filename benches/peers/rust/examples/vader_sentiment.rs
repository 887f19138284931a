//! Scores one sentence with vader_sentiment (its scores are not rounded).

use vader_sentiment::SentimentIntensityAnalyzer;

fn main() {
    let analyzer = SentimentIntensityAnalyzer::new();
    let scores = analyzer.polarity_scores("The workers were not happy about it!");
    println!("{scores:?}");
}

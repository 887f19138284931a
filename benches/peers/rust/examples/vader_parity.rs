//! Scores one sentence with vader-parity.

use vader_parity::SentimentIntensityAnalyzer;

fn main() {
    let scores =
        SentimentIntensityAnalyzer::new().polarity_scores("The workers were not happy about it!");
    println!("{scores:?}");
}

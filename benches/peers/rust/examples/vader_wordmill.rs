//! Scores one sentence with wordmill-analyse.

use wordmill_analyse::Vader;

fn main() {
    let scores = Vader::default().polarity_scores("The workers were not happy about it!");
    println!("{scores:?}");
}

//! Scores one sentence with wordmill-analyse.

use wordmill_analyse::Vader;

fn main() {
    let vader = Vader::default();
    let scores = vader.polarity_scores("The workers were not happy about it!");
    println!("{scores:?}");
}

//! Lists the lower-cased words of a text with wordmill-normalise.

use wordmill_normalise::Normaliser;

fn main() {
    let words = Normaliser::default().words("The nation's workers walked out.");
    println!("{words:?}");
}

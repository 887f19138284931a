//! Lists the lower-cased words of a text with wordmill-normalise.

use wordmill_normalise::{NormaliseError, Normaliser, NormaliserConfig};

fn main() -> Result<(), NormaliseError> {
    let normaliser = Normaliser::new(NormaliserConfig::default())?;
    let tokens = normaliser.tokens("The nation's workers walked out.");
    let words: Vec<String> = tokens.iter().map(|t| t.text.to_string()).collect();
    println!("{words:?}");
    Ok(())
}

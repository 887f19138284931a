//! Prints the normalised words of a text, one a line, with the one-call path of
//! wordmill-normalise: `Normaliser::default()` (NFC, lower case, UAX #29 words) and `words`.
//!
//! ```text
//! cargo run -p wordmill-normalise --example words -- "The Strike began in İstanbul."
//! echo "Some text" | cargo run -p wordmill-normalise --example words
//! ```

#![allow(clippy::print_stdout)]

use std::io::Read;

use wordmill_normalise::Normaliser;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = if args.is_empty() {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        args.join(" ")
    };
    for word in Normaliser::default().words(&text) {
        println!("{word}");
    }
    Ok(())
}

//! Prints the tokens and sentences of a text, using wordmill-normalise alone.
//!
//! ```text
//! cargo run -p wordmill-normalise --example normalise -- "Mr. Smith went to İstanbul. He liked it."
//! echo "Some text" | cargo run -p wordmill-normalise --example normalise
//! cargo run -p wordmill-normalise --example normalise -- --sklearn --stop en --stem english "Text"
//! ```
//!
//! Options: `--sklearn` (scikit-learn's tokens), `--nfkc`, `--keep-case`, `--stop NAME|FILE`
//! (a built-in list or a word file; repeat to drop the words of several), `--stem LANGUAGE`,
//! `--min-len N`, `--pattern REGEX`.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Read;
use std::process::ExitCode;

use wordmill_normalise::{
    Document, Metadata, Normaliser, NormaliserConfig, StemLanguage, StopWordLanguage, StopWords,
    TokenizerKind, UnicodeForm,
};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = NormaliserConfig::default();
    let mut words = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} expects a value"));
        match arg.as_str() {
            "--sklearn" => {
                config = NormaliserConfig::scikit_learn().sentences(config.sentences);
            }
            "--nfkc" => config = config.unicode(UnicodeForm::Nfkc),
            "--keep-case" => config = config.lowercase(false),
            "--stop" => {
                let name = value("--stop")?;
                let layer = match name.parse::<StopWordLanguage>() {
                    Ok(language) => StopWords::Builtin(language),
                    Err(_) => StopWords::from_file(&name)?,
                };
                config.stopwords =
                    StopWords::layers([std::mem::take(&mut config.stopwords), layer]);
            }
            "--stem" => config = config.stem(value("--stem")?.parse::<StemLanguage>()?),
            "--min-len" => config = config.min_len(value("--min-len")?.parse()?),
            "--pattern" => config = config.tokenizer(TokenizerKind::Pattern(value("--pattern")?)),
            _ => words.push(arg),
        }
    }
    let text = if words.is_empty() {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        words.join(" ")
    };

    let normaliser = Normaliser::new(config)?;
    let doc = Document::new(0, "input", text, Metadata::new());
    let out = normaliser.normalise(&doc);

    println!("tokens ({}):", out.tokens.len());
    for t in &out.tokens {
        let original = t.span.slice(&doc.text);
        let note = if original == t.text {
            String::new()
        } else {
            format!("  <- {original:?}")
        };
        println!(
            "  {:>4}  {:>5}..{:<5}  {}{note}",
            t.position, t.span.start, t.span.end, t.text
        );
    }
    println!("sentences ({}):", out.sentences.len());
    for (i, _) in out.sentences.iter().enumerate() {
        println!("  {i:>4}  {}", out.sentence_text(i));
    }
    Ok(())
}

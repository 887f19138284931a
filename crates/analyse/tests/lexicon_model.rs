//! `Lexicon::parse` and `EmojiLexicon::parse` against a plain model of the documented rules
//! (split on `\n`, strip Python whitespace, skip empty lines, split on TAB, later lines win),
//! on generated files full of edge cases, and on the built-in VADER lexicons.

use std::collections::HashMap;

use proptest::prelude::*;
use wordmill_analyse::{EmojiLexicon, Lexicon, MAX_VALENCE};

/// Python's `str.isspace()` for one character.
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// The model of `Lexicon::parse`: the entries, or the 1-based line of the first error.
fn model_words(text: &str) -> Result<HashMap<String, f64>, usize> {
    let mut words = HashMap::new();
    let mut word_score = None;
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.trim_matches(py_space);
        if line.is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        if fields.len() < 2 {
            return Err(index + 1);
        }
        let this = fields.len() == 2;
        let first = *word_score.get_or_insert(this);
        if first && !this {
            return Err(index + 1);
        }
        let value: f64 = fields[1]
            .trim_matches(py_space)
            .parse()
            .map_err(|_| index + 1)?;
        if fields[0].is_empty() || !value.is_finite() || value.abs() > MAX_VALENCE {
            return Err(index + 1);
        }
        words.insert(fields[0].to_string(), value);
    }
    Ok(words)
}

/// The model of `EmojiLexicon::parse`.
fn model_emoji(text: &str) -> Result<HashMap<String, String>, usize> {
    let mut entries = HashMap::new();
    for (index, raw) in text.split('\n').enumerate() {
        let line = raw.trim_matches(py_space);
        if line.is_empty() {
            continue;
        }
        let mut fields = line.split('\t');
        let key = fields.next().unwrap_or_default();
        let desc = fields.next().ok_or(index + 1)?;
        entries.insert(key.to_string(), desc.to_string());
    }
    Ok(entries)
}

/// The line number an error message starts with (`origin:line: ...`).
fn error_line(message: &str) -> Option<usize> {
    message
        .strip_prefix("f.tsv:")?
        .split(':')
        .next()?
        .parse()
        .ok()
}

fn check_words(text: &str) -> Result<(), TestCaseError> {
    match (model_words(text), Lexicon::parse(text, "f.tsv")) {
        (Ok(want), Ok(got)) => {
            prop_assert_eq!(got.len(), want.len());
            for (w, v) in &want {
                prop_assert_eq!(got.get(w).map(f64::to_bits), Some(v.to_bits()), "{:?}", w);
            }
            for (w, v) in got.iter() {
                prop_assert_eq!(
                    want.get(w).map(|x| x.to_bits()),
                    Some(v.to_bits()),
                    "{:?}",
                    w
                );
            }
            // Modifying a copy leaves the original as it was.
            let mut copy = got.clone();
            copy.insert("\u{1F600}zz", 1.0);
            prop_assert_eq!(
                copy.len(),
                want.len() + usize::from(!want.contains_key("\u{1F600}zz"))
            );
            prop_assert_eq!(got.len(), want.len());
        }
        (Err(line), Err(e)) => prop_assert_eq!(error_line(&e.to_string()), Some(line), "{}", e),
        (want, got) => disagree(want.map(|m| m.len()), got.map(|l| l.len()))?,
    }
    Ok(())
}

/// The model and the parser disagree on whether the text is a lexicon (entry counts, or the
/// error's line).
fn disagree<E: std::fmt::Debug>(
    want: Result<usize, usize>,
    got: Result<usize, E>,
) -> Result<(), TestCaseError> {
    prop_assert!(false, "model {:?}, parse {:?}", want, got);
    Ok(())
}

fn check_emoji(text: &str) -> Result<(), TestCaseError> {
    match (model_emoji(text), EmojiLexicon::parse(text, "f.tsv")) {
        (Ok(want), Ok(got)) => {
            prop_assert_eq!(got.len(), want.len());
            for (k, d) in &want {
                prop_assert_eq!(got.get(k), Some(d.as_str()), "{:?}", k);
            }
            for (k, d) in got.iter() {
                prop_assert_eq!(want.get(k).map(String::as_str), Some(d), "{:?}", k);
            }
        }
        (Err(line), Err(e)) => prop_assert_eq!(error_line(&e.to_string()), Some(line), "{}", e),
        (want, got) => disagree(want.map(|m| m.len()), got.map(|l| l.len()))?,
    }
    Ok(())
}

/// Pieces of lexicon files: words, numbers in every spelling, tabs, line ends and the
/// whitespace Python strips.
fn piece() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just("good"),
        Just("bad"),
        Just(":-)"),
        Just("don't"),
        Just("ça"),
        Just("😀"),
        Just("x"),
        Just("1"),
        Just("-1.5"),
        Just("+2."),
        Just(".5"),
        Just("0.25"),
        Just("-0"),
        Just("1e3"),
        Just("1e400"),
        Just("nan"),
        Just("inf"),
        Just("1_0"),
        Just("12345678901234567"),
        Just("0.1000000000000000055511151231257827"),
        Just("999.99"),
        Just("1000"),
        Just("1000.5"),
        Just("-3.9999999999999"),
        Just("."),
        Just("-"),
        Just("[1, 2]"),
        Just("0.8"),
        Just("\t"),
        Just("\t"),
        Just("\t"),
        Just("\n"),
        Just("\n"),
        Just("\r\n"),
        Just(" "),
        Just("\u{a0}"),
        Just("\u{85}"),
        Just("\u{1c}"),
        Just("\u{3000}"),
        Just("\u{b}"),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn lexicon_parse_follows_the_model(pieces in proptest::collection::vec(piece(), 0..40)) {
        let text = pieces.concat();
        check_words(&text)?;
        check_emoji(&text)?;
    }

    /// Well-formed files (so that the comparison reaches the entries, not just the first error).
    #[test]
    fn well_formed_files_give_the_model_entries(
        lines in proptest::collection::vec(
            (
                prop_oneof![Just("good"), Just("bad"), Just("ça"), Just("😀"), Just("a b"), Just("x")],
                prop_oneof![Just("1"), Just("-1.5"), Just("+2."), Just(".5"), Just("1e3"), Just("-0"), Just("3.14159265358979")],
                prop_oneof![Just(""), Just(" "), Just("\r"), Just("\u{a0}"), Just("\u{85}")],
            ),
            0..30,
        ),
        vader in any::<bool>(),
    ) {
        let text: String = lines
            .iter()
            .map(|(w, v, pad)| if vader { format!("{pad}{w}\t{v}\t0.5\t[1]{pad}\n") } else { format!("{pad}{w}\t{v}{pad}\n") })
            .collect();
        check_words(&text)?;
        check_emoji(&text)?;
    }
}

#[test]
fn the_built_in_lexicons_are_the_model_of_their_files() {
    let words = model_words(include_str!("../data/vader/vader_lexicon.txt")).expect("well formed");
    let lexicon = Lexicon::vader();
    assert_eq!(lexicon.len(), words.len());
    for (w, v) in &words {
        assert_eq!(lexicon.get(w).map(f64::to_bits), Some(v.to_bits()), "{w:?}");
    }
    assert_eq!(
        lexicon,
        Lexicon::parse(include_str!("../data/vader/vader_lexicon.txt"), "v").unwrap()
    );

    let emoji =
        model_emoji(include_str!("../data/vader/emoji_utf8_lexicon.txt")).expect("well formed");
    let lexicon = EmojiLexicon::vader();
    assert_eq!(lexicon.len(), emoji.len());
    for (k, d) in &emoji {
        assert_eq!(lexicon.get(k), Some(d.as_str()), "{k:?}");
    }
}

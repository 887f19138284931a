//! The sentiment scorer and the lexicon reader never panic, whatever the input.

use proptest::prelude::*;
use wordmill_analyse::{Lexicon, Rules, Vader};

fn in_range(x: f64, lo: f64, hi: f64) -> bool {
    x.is_finite() && (lo..=hi).contains(&x)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn scores_are_finite_and_in_range_for_any_text(text in any::<String>()) {
        for rules in [Rules::Vader, Rules::VaderNews, Rules::None] {
            let vader = Vader::new(Lexicon::vader(), rules);
            let s = vader.polarity_scores(&text);
            prop_assert!(in_range(s.neg, 0.0, 1.0) && in_range(s.neu, 0.0, 1.0) && in_range(s.pos, 0.0, 1.0), "{s:?}");
            prop_assert!(in_range(s.compound, -1.0, 1.0), "{s:?}");
            let e = vader.explain(&text);
            prop_assert_eq!(e.scores, s);
        }
    }

    /// Text made of lexicon words, boosters, negations, punctuation, emoji and odd spaces.
    #[test]
    fn scores_stay_in_range_for_rule_heavy_text(words in proptest::collection::vec(prop_oneof![
        Just("not"), Just("never"), Just("so"), Just("this"), Just("but"), Just("BUT"), Just("no"), Just("least"),
        Just("very"), Just("kind"), Just("of"), Just("GOOD"), Just("good"), Just("bad"), Just("the"), Just("bomb"),
        Just("don’t"), Just("“great”"), Just("!!!"), Just("???"), Just("😀"), Just("❤️"), Just("👍🏽"), Just("\u{1c}"),
        Just("without"), Just("doubt"), Just("to"), Just("die"), Just("for"), Just("sort"), Just(":)"),
    ], 0..40)) {
        let text = words.join(" ");
        for rules in [Rules::Vader, Rules::VaderNews, Rules::None] {
            let s = Vader::new(Lexicon::vader(), rules).polarity_scores(&text);
            prop_assert!(in_range(s.compound, -1.0, 1.0) && in_range(s.neg + s.neu + s.pos, 0.0, 1.002), "{text}: {s:?}");
        }
    }

    #[test]
    fn any_lexicon_text_parses_or_errors_with_a_line(text in any::<String>()) {
        match Lexicon::parse(&text, "lex.tsv") {
            Ok(_) => {}
            Err(e) => prop_assert!(e.to_string().starts_with("lex.tsv:"), "{e}"),
        }
    }
}

/// A lexicon valence too large for sums to stay finite is refused with its line; the largest
/// allowed keeps every score finite however many times the word repeats.
#[test]
fn huge_valences_are_refused_and_the_largest_allowed_stay_finite() {
    use wordmill_analyse::{MAX_VALENCE, SentimentError};
    let err = Lexicon::parse("fine\t1.5\nhuge\t1e308\n", "custom.tsv").unwrap_err();
    assert!(
        matches!(&err, SentimentError::Valence { line: 2, word, .. } if word == "huge"),
        "{err}"
    );
    assert!(err.to_string().starts_with("custom.tsv:2: "), "{err}");

    let text = format!("top\t{MAX_VALENCE}\nbottom\t-{MAX_VALENCE}\n");
    let lexicon = Lexicon::parse(&text, "custom.tsv").unwrap();
    for words in ["top", "bottom", "top bottom"] {
        let text = vec![words; 50_000].join(" ");
        for rules in [Rules::Vader, Rules::VaderNews, Rules::None] {
            let s = Vader::new(lexicon.clone(), rules).polarity_scores(&format!("{text}!!!"));
            assert!(in_range(s.compound, -1.0, 1.0), "{words}: {s:?}");
            assert!(
                in_range(s.neg + s.neu + s.pos, 0.0, 1.002),
                "{words}: {s:?}"
            );
        }
    }
    let mut inserted = Lexicon::default();
    inserted.insert("x", f64::INFINITY);
    inserted.insert("y", f64::NAN);
    assert_eq!(inserted.get("x"), Some(MAX_VALENCE));
    assert_eq!(inserted.get("y"), Some(0.0));
}

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

//! Invariants of `Normaliser::normalise` on arbitrary text and arbitrary configurations.

use proptest::prelude::*;
use wordmill_model::{Document, Metadata};
#[cfg(feature = "stem")]
use wordmill_normalise::StemLanguage;
use wordmill_normalise::{
    Aliases, Fold, Normaliser, NormaliserConfig, StopWordLanguage, StopWords, TokenizerKind,
    UnicodeForm,
};

/// Aliases that every tokenizer of `config()` keeps a word of, every canonical form as short
/// as its variant (so positions still increase), all to one canonical form (so no two
/// variants that normalise alike disagree).
fn aliases(tokenizer: &TokenizerKind) -> Aliases {
    #[cfg(feature = "pattern")]
    if *tokenizer == TokenizerKind::Pattern(r"x*".into()) {
        return Aliases::new([("xxx", "xx")]);
    }
    #[cfg(not(feature = "pattern"))]
    let _ = tokenizer;
    Aliases::new([
        ("moskva", "xx"),
        ("МОСКВА", "xx"),
        ("the strike", "xx"),
        ("an bb cc", "xx"),
        ("σίσυφος", "xx"),
        ("Straße", "xx"),
    ])
}

#[cfg(feature = "pattern")]
fn tokenizer() -> BoxedStrategy<TokenizerKind> {
    prop_oneof![
        Just(TokenizerKind::Words),
        Just(TokenizerKind::Pattern(r"(?u)\b\w\w+\b".into())),
        Just(TokenizerKind::Pattern(r"\w+".into())),
        Just(TokenizerKind::Pattern(r"[^\W\d_]+|\d+".into())),
        Just(TokenizerKind::Pattern(r"\S+".into())),
        Just(TokenizerKind::Pattern(r"(\w)\w*".into())),
        Just(TokenizerKind::Pattern(r"x*".into())),
    ]
    .boxed()
}

#[cfg(not(feature = "pattern"))]
fn tokenizer() -> BoxedStrategy<TokenizerKind> {
    Just(TokenizerKind::Words).boxed()
}

/// The stemmer of a configuration (nothing without the `stem` feature).
#[cfg(feature = "stem")]
type Stem = Option<StemLanguage>;
#[cfg(not(feature = "stem"))]
type Stem = ();

#[cfg(feature = "stem")]
fn stem() -> BoxedStrategy<Stem> {
    prop_oneof![
        Just(None),
        Just(Some(StemLanguage::English)),
        Just(Some(StemLanguage::Russian)),
        Just(Some(StemLanguage::Greek)),
        Just(Some(StemLanguage::Turkish)),
    ]
    .boxed()
}

#[cfg(not(feature = "stem"))]
fn stem() -> BoxedStrategy<Stem> {
    Just(()).boxed()
}

#[cfg(feature = "stem")]
fn with_stem(config: NormaliserConfig, stem: Stem) -> NormaliserConfig {
    config.stem(stem)
}

#[cfg(not(feature = "stem"))]
fn with_stem(config: NormaliserConfig, (): Stem) -> NormaliserConfig {
    config
}

/// Whether tokens are left unstemmed.
#[cfg(feature = "stem")]
fn unstemmed(config: &NormaliserConfig) -> bool {
    config.stem.is_none()
}

#[cfg(not(feature = "stem"))]
fn unstemmed(_: &NormaliserConfig) -> bool {
    true
}

fn config() -> impl Strategy<Value = NormaliserConfig> {
    (
        prop_oneof![
            Just(UnicodeForm::None),
            Just(UnicodeForm::Nfc),
            Just(UnicodeForm::Nfkc)
        ],
        any::<bool>(),
        tokenizer(),
        prop_oneof![
            Just(StopWords::None),
            Just(StopWords::Builtin(StopWordLanguage::English)),
            Just(StopWords::Builtin(StopWordLanguage::Russian)),
            Just(StopWords::List(vec!["İ".into(), "Σ".into(), "a".into()])),
            Just(StopWords::layers([
                StopWords::Builtin(StopWordLanguage::English),
                StopWords::List(vec!["ǅ".into(), "ﬁ".into(), "Straße".into()]),
            ])),
        ],
        0usize..4,
        stem(),
        any::<bool>(),
        prop_oneof![Just(Fold::None), Just(Fold::Ascii)],
        any::<bool>(),
    )
        .prop_map(
            |(unicode, lowercase, tokenizer, stopwords, min_len, stem, sentences, fold, alias)| {
                let aliases = if alias {
                    aliases(&tokenizer)
                } else {
                    Aliases::default()
                };
                let config = NormaliserConfig::default()
                    .unicode(unicode)
                    .lowercase(lowercase)
                    .aliases(aliases)
                    .tokenizer(tokenizer)
                    .stopwords(stopwords)
                    .min_len(min_len)
                    .sentences(sentences)
                    .fold(fold);
                with_stem(config, stem)
            },
        )
}

/// Arbitrary strings, and strings dense in the characters that change length or need context.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "([A-Za-z0-9 .,'\n]|[İΣσςßǅ\u{212a}\u{301}\u{307}\u{345}ﬁ²½①ｶﾞ\u{ff9e}\u{200d}\u{ad}😀👍🏽«»“”МОСКВА])*",
    ]
}

fn check(config: NormaliserConfig, text: String) -> Result<(), TestCaseError> {
    let normaliser = Normaliser::new(config.clone()).unwrap();
    let doc = Document::new(0, "d", text, Metadata::new());
    let out = normaliser.normalise(&doc);
    let text = &doc.text;
    let mut last_start = 0;
    let mut last_position = None;
    for t in &out.tokens {
        prop_assert!(
            t.span.start < t.span.end && t.span.end <= text.len(),
            "{t:?}"
        );
        prop_assert!(
            text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end),
            "{t:?}"
        );
        prop_assert!(t.span.start >= last_start, "spans go back: {t:?}");
        prop_assert!(
            last_position.is_none_or(|p| t.position > p),
            "positions do not increase: {t:?}"
        );
        last_start = t.span.start;
        last_position = Some(t.position);
        if let Some(b) = t.text.as_borrowed() {
            // A borrowed token points into the document's text.
            let base = text.as_ptr() as usize;
            let p = b.as_ptr() as usize;
            prop_assert!(p >= base && p + b.len() <= base + text.len());
        }
        // (A stemmer runs after the fold and may write non-ASCII: Turkish `k` → `ç`.)
        if config.fold == Fold::Ascii && unstemmed(&config) {
            prop_assert!(t.text.is_ascii() && !t.text.is_empty(), "{t:?}");
        }
        if text.is_ascii() && config.lowercase && unstemmed(&config) && config.aliases.is_empty() {
            prop_assert_eq!(t.text.as_ref(), t.span.slice(text).to_ascii_lowercase());
        }
        if unstemmed(&config) {
            prop_assert!(t.text.chars().count() >= config.min_len);
        }
    }
    let mut last_end = 0;
    for s in &out.sentences {
        prop_assert!(s.start >= last_end && s.start < s.end && s.end <= text.len());
        prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        last_end = s.end;
    }
    if !config.sentences {
        prop_assert!(out.sentences.is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn normalise_never_panics_and_keeps_its_invariants(config in config(), text in text()) {
        check(config, text)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Folding never panics, whatever the text; every folded token is ASCII and its span lies
    /// on character boundaries of the text, so it slices the original as written.
    #[test]
    fn folding_any_text_gives_ascii_tokens_on_char_boundaries(
        text in prop_oneof![
            any::<String>(),
            "([A-Za-z .'\n]|[ЛукашенкоЭэŁłšŭŏ’ьъўі\u{301}\u{307}北京😀İΣ])*",
        ],
        lowercase in any::<bool>(),
    ) {
        let normaliser =
            Normaliser::new(NormaliserConfig::default().fold(Fold::Ascii).lowercase(lowercase))
                .unwrap();
        for t in normaliser.tokens(&text) {
            prop_assert!(t.text.is_ascii() && !t.text.is_empty(), "{t:?}");
            prop_assert!(t.span.start < t.span.end && t.span.end <= text.len(), "{t:?}");
            prop_assert!(
                text.is_char_boundary(t.span.start) && text.is_char_boundary(t.span.end),
                "{t:?}"
            );
            if t.span.slice(&text).is_ascii() && lowercase {
                prop_assert_eq!(t.text.as_ref(), t.span.slice(&text).to_ascii_lowercase());
            }
        }
    }
}

#[test]
fn words_tokens_equal_unicode_segmentation_on_the_transformed_text() {
    use unicode_segmentation::UnicodeSegmentation;
    let text = "“Hello,” said Mr. O'Neil — café naïve İstanbul 3.14 x²; ΣΊΣΥΦΟΣ test😀test";
    let got = Normaliser::default().words(text);
    let lowered = text.to_lowercase();
    let expected: Vec<&str> = lowered.unicode_words().collect();
    assert_eq!(got, expected);
}

/// Tokens as (text, span, position).
fn summary(tokens: &[wordmill_model::Token<'_>]) -> Vec<(String, (usize, usize), u32)> {
    tokens
        .iter()
        .map(|t| (t.text.to_string(), (t.span.start, t.span.end), t.position))
        .collect()
}

/// UAX #29 keeps a run of spaces together (WB3d) and an Extend character after it joins the
/// run (WB4): `"  \u{ff9e}"` is one segment, and a letter-like one (U+FF9E is a modifier
/// letter). The ASCII stretches may not be cut between those spaces.
#[test]
fn a_run_of_spaces_before_an_extend_character_is_one_segment() {
    use unicode_segmentation::UnicodeSegmentation;
    for text in [
        "  \u{ff9e}",
        "a  \u{ff9e}",
        "x   \u{ff9e} y  \u{301}z",
        "\n  \u{ff9e}\t \u{ff9e}",
    ] {
        for (unicode, lowercase) in [
            (UnicodeForm::None, false),
            (UnicodeForm::Nfc, true),
            (UnicodeForm::Nfkc, true),
        ] {
            let config = NormaliserConfig::default()
                .unicode(unicode)
                .lowercase(lowercase);
            let normaliser = Normaliser::new(config).unwrap();
            assert_eq!(
                summary(&normaliser.tokens(text)),
                summary(&normaliser.tokens_general(text)),
                "{text:?} {unicode:?} {lowercase}"
            );
        }
        let plain = Normaliser::new(
            NormaliserConfig::default()
                .unicode(UnicodeForm::None)
                .lowercase(false),
        )
        .unwrap();
        let spans: Vec<(usize, usize)> = plain
            .tokens(text)
            .iter()
            .map(|t| (t.span.start, t.span.end))
            .collect();
        let expected: Vec<(usize, usize)> = text
            .unicode_word_indices()
            .map(|(i, w)| (i, i + w.len()))
            .collect();
        assert_eq!(spans, expected, "{text:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// An ASCII text takes a path of its own (tokenised before lowercasing, stop words checked
    /// on packed keys); it must give what the general path (lowercase first, then tokenise)
    /// gives.
    #[test]
    fn ascii_fast_path_agrees_with_the_general_path(
        config in config(),
        text in "([A-Za-z0-9 .,:;'_\n-]|The|AND|Of|WORKERS|strike|Moskva|an|bb|cc|AN BB CC|the strike)*",
    ) {
        let normaliser = Normaliser::new(config).unwrap();
        let fast = normaliser.tokens(&text);
        let general = normaliser.tokens_general(&text);
        prop_assert_eq!(summary(&fast), summary(&general));
    }

    /// A text with some non-ASCII characters takes the ASCII path between them and the general
    /// path around them, cut after ASCII whitespace: the same tokens, spans and positions as
    /// the general path over the whole text. The characters are the ones that could tell:
    /// combining marks after a cut, compatibility forms that NFKC turns into ASCII letters or
    /// spaces, final sigma, joiners, quotes and CR LF.
    #[test]
    fn mixed_text_agrees_with_the_general_path(
        config in config(),
        text in "([A-Za-z0-9.,:;'_-]|[ \t\n\r\u{b}\u{c}]|The|AND|WORKERS|don't|3.14|moskva|an bb cc|the strike|Straße|σίσυφος|[é\u{301}\u{307}\u{ff9e}\u{a0}\u{2009}\u{3000}ﬁＡｂ①²ΣσςİßМОСКВА“”’«»\u{200d}\u{ad}😀👍🏽\u{1f1fa}\u{1f1e6}])*",
    ) {
        let normaliser = Normaliser::new(config).unwrap();
        let mixed = normaliser.tokens(&text);
        let general = normaliser.tokens_general(&text);
        prop_assert_eq!(summary(&mixed), summary(&general));
    }

    /// The same on any text at all.
    #[test]
    fn any_text_agrees_with_the_general_path(config in config(), text in text()) {
        let normaliser = Normaliser::new(config).unwrap();
        prop_assert_eq!(
            summary(&normaliser.tokens(&text)),
            summary(&normaliser.tokens_general(&text))
        );
    }

    /// Normalising into recycled buffers gives what normalising afresh gives.
    #[test]
    fn recycled_buffers_change_nothing(config in config(), texts in proptest::collection::vec(text(), 1..5)) {
        let normaliser = Normaliser::new(config).unwrap();
        let docs: Vec<Document> = texts
            .into_iter()
            .enumerate()
            .map(|(i, t)| Document::new(i as u64, "d", t, Metadata::new()))
            .collect();
        let mut buffers = wordmill_model::DocBuffers::default();
        for doc in &docs {
            let fresh = normaliser.normalise(doc);
            let reused = normaliser.normalise_with(doc, buffers);
            prop_assert_eq!(summary(&fresh.tokens), summary(&reused.tokens));
            prop_assert_eq!(&fresh.sentences, &reused.sentences);
            buffers = reused.recycle();
            prop_assert!(buffers.tokens.is_empty() && buffers.sentences.is_empty());
        }
    }
}

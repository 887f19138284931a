//! The matcher against a reference written as plainly as possible: every pattern tried at
//! every word, globs by a recursive matcher.

use proptest::prelude::*;

use super::*;

/// `*` any run of characters, `?` one: by recursion over characters, the plain way.
fn reference_glob(glob: &[char], text: &[char]) -> bool {
    match glob.split_first() {
        None => text.is_empty(),
        Some(('*', rest)) => (0..=text.len()).any(|i| reference_glob(rest, &text[i..])),
        Some(('?', rest)) => !text.is_empty() && reference_glob(rest, &text[1..]),
        Some((c, rest)) => text.first() == Some(c) && reference_glob(rest, &text[1..]),
    }
}

fn element_matches(e: &Element, word: &str) -> bool {
    match e {
        Element::Word(w) => **w == *word,
        Element::Glob(g) => reference_glob(
            &g.as_str().chars().collect::<Vec<_>>(),
            &word.chars().collect::<Vec<_>>(),
        ),
    }
}

fn reference_at(p: &Pattern, words: &[String], start: usize) -> bool {
    start + p.len() <= words.len()
        && p.elements()
            .iter()
            .zip(&words[start..])
            .all(|(e, w)| element_matches(e, w))
}

/// Each group on its own: scan left to right; at each word the group's longest match (first
/// pattern on ties) is taken and the scan jumps past it.
fn reference_each_grouped(
    patterns: &[Pattern],
    group: &[usize],
    words: &[String],
) -> Vec<PatternMatch> {
    let groups = group.iter().copied().max().map_or(0, |g| g + 1);
    let mut out = Vec::new();
    for g in 0..groups {
        let mut start = 0;
        while start < words.len() {
            let best = (0..patterns.len())
                .filter(|&p| group[p] == g && reference_at(&patterns[p], words, start))
                .max_by(|&a, &b| patterns[a].len().cmp(&patterns[b].len()).then(b.cmp(&a)));
            match best {
                Some(p) => {
                    out.push(PatternMatch {
                        start,
                        len: patterns[p].len(),
                        pattern: p,
                    });
                    start += patterns[p].len();
                }
                None => start += 1,
            }
        }
    }
    out.sort_by_key(|m| (m.start, group[m.pattern]));
    out
}

fn reference_longest(patterns: &[Pattern], words: &[String]) -> Vec<PatternMatch> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < words.len() {
        let here: Vec<usize> = (0..patterns.len())
            .filter(|&p| reference_at(&patterns[p], words, start))
            .collect();
        let Some(len) = here.iter().map(|&p| patterns[p].len()).max() else {
            start += 1;
            continue;
        };
        out.extend(
            here.iter()
                .filter(|&&p| patterns[p].len() == len)
                .map(|&p| PatternMatch {
                    start,
                    len,
                    pattern: p,
                }),
        );
        start += len;
    }
    out
}

/// Words over a small alphabet, so that patterns and words meet often; `é` and `ß` check
/// that globs count characters, not bytes.
fn word() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![Just('a'), Just('b'), Just('é'), Just('ß')],
        1..5,
    )
    .prop_map(|c| c.into_iter().collect())
}

fn element() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => word(),
        1 => word().prop_map(|w| format!("{w}*")),
        1 => word().prop_map(|w| format!("*{w}")),
        1 => (word(), word()).prop_map(|(a, b)| format!("{a}*{b}")),
        1 => word().prop_map(|w| format!("?{w}")),
        1 => word().prop_map(|w| format!("*{w}*")),
        1 => Just("*".to_string()),
    ]
}

fn pattern_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(element(), 1..4).prop_map(|e| e.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn glob_equals_the_recursive_reference(glob in "[ab*?é]{0,8}", text in "[abé]{0,8}") {
        prop_assert_eq!(
            glob_match(&glob, &text),
            reference_glob(&glob.chars().collect::<Vec<_>>(), &text.chars().collect::<Vec<_>>())
        );
    }

    #[test]
    fn matcher_equals_the_reference(
        texts in proptest::collection::vec(pattern_text(), 1..12),
        words in proptest::collection::vec(word(), 0..30),
        groups in proptest::collection::vec(0usize..3, 12),
    ) {
        let patterns: Vec<Pattern> = texts.iter().map(|t| Pattern::parse(t).unwrap()).collect();
        let group = &groups[..patterns.len()];
        let matcher = Matcher::new(&patterns);
        // One cache across all three calls: what it remembers must not change the answers.
        let mut cache = MatchCache::default();
        prop_assert_eq!(
            matcher.each_grouped(&words, group, &mut cache),
            reference_each_grouped(&patterns, group, &words)
        );
        let own: Vec<usize> = (0..patterns.len()).collect();
        prop_assert_eq!(
            matcher.each(&words, &mut cache),
            reference_each_grouped(&patterns, &own, &words)
        );
        prop_assert_eq!(matcher.longest(&words, &mut cache), reference_longest(&patterns, &words));
        // The same words as tokens (inline, borrowed and long texts): the same matches.
        let long: Vec<String> = words.iter().map(|w| format!("{w}{}", "ß".repeat(8))).collect();
        let token = |i: usize, w: &str| {
            let text = match i % 3 {
                0 => wordmill_model::TokenText::copied(w),
                _ => wordmill_model::TokenText::from(w.to_string()),
            };
            wordmill_model::Token { text, span: wordmill_model::Span::new(0, 0), position: i as u32 }
        };
        for words in [&words, &long] {
            let tokens: Vec<wordmill_model::Token<'_>> =
                words.iter().enumerate().map(|(i, w)| token(i, w)).collect();
            let mut out = Vec::new();
            matcher.each_grouped_tokens(&tokens, group, &mut cache, &mut out);
            prop_assert_eq!(&out, &reference_each_grouped(&patterns, group, words));
            out.clear();
            matcher.each_tokens(&tokens, &mut cache, &mut out);
            prop_assert_eq!(&out, &reference_each_grouped(&patterns, &own, words));
            out.clear();
            matcher.longest_tokens(&tokens, &mut cache, &mut out);
            prop_assert_eq!(&out, &reference_longest(&patterns, words));
        }
        // The same words as one document: split into sentences, with a token in no sentence
        // between some, scanned whole (with and without ids) against the reference sentence by
        // sentence.
        let mut tokens = Vec::new();
        let mut sentences = Vec::new();
        let mut ids: Vec<u32> = Vec::new();
        let mut at = 0;
        for (i, w) in words.iter().enumerate() {
            let cut = groups[i % groups.len()];
            if i == 0 || cut == 0 {
                if cut == 0 && i % 2 == 1 {
                    // A stray token, in no sentence.
                    tokens.push(token(tokens.len(), w));
                    tokens.last_mut().unwrap().span = wordmill_model::Span::new(at, at + 1);
                    ids.push(words.iter().position(|x| x == w).unwrap() as u32);
                    at += 2;
                }
                sentences.push(wordmill_model::Span::new(at, at));
            }
            let mut t = token(tokens.len(), w);
            t.span = wordmill_model::Span::new(at, at + 1);
            tokens.push(t);
            ids.push(words.iter().position(|x| x == w).unwrap() as u32);
            at += 2;
            if let Some(last) = sentences.last_mut() {
                last.end = at - 1;
            }
        }
        let texts: Vec<String> = tokens.iter().map(|t| t.text.as_str().to_string()).collect();
        let mut grouped_expected = Vec::new();
        let mut own_expected = Vec::new();
        let mut longest_expected = Vec::new();
        for (s, range) in sentence_tokens(&tokens, &sentences).into_iter().enumerate() {
            let shift = |m: PatternMatch| DocMatch {
                m: PatternMatch { start: m.start + range.start, ..m },
                sentence: s,
            };
            let part = &texts[range.clone()];
            grouped_expected.extend(reference_each_grouped(&patterns, group, part).into_iter().map(shift));
            own_expected.extend(reference_each_grouped(&patterns, &own, part).into_iter().map(shift));
            longest_expected.extend(reference_longest(&patterns, part).into_iter().map(shift));
        }
        for with_ids in [None, Some(&ids[..])] {
            let mut cache = MatchCache::default();
            let mut out = Vec::new();
            matcher.each_grouped_doc(&tokens, &sentences, with_ids, group, &mut cache, &mut out);
            prop_assert_eq!(&out, &grouped_expected);
            out.clear();
            matcher.each_doc(&tokens, &sentences, with_ids, &mut cache, &mut out);
            prop_assert_eq!(&out, &own_expected);
            out.clear();
            matcher.longest_doc(&tokens, &sentences, with_ids, &mut cache, &mut out);
            prop_assert_eq!(&out, &longest_expected);
        }
        // Every match found at a word is every pattern the reference matches there.
        for start in 0..words.len() {
            let mut here = Vec::new();
            matcher.matches_at(&words, start, &mut cache, &mut here);
            let found: Vec<usize> = here.iter().map(|m| m.pattern).collect();
            let expected: Vec<usize> = (0..patterns.len())
                .filter(|&p| reference_at(&patterns[p], &words, start))
                .collect();
            prop_assert_eq!(found, expected);
        }
    }
}

#[test]
fn words_are_normalised_and_globs_keep_their_wildcards() {
    let p = Pattern::parse("General  STRIKE* Minsk?").unwrap();
    assert_eq!(
        p.elements(),
        &[
            Element::Word("general".into()),
            Element::Glob(Glob {
                text: "strike*".into()
            }),
            Element::Glob(Glob {
                text: "minsk?".into()
            }),
        ]
    );
    assert_eq!(p.text(), "General  STRIKE* Minsk?");
    assert_eq!(
        Pattern::parse("a**b").unwrap().elements()[0],
        Element::Glob(Glob { text: "a*b".into() })
    );
}

#[test]
fn bad_patterns_are_refused_with_the_reason() {
    assert_eq!(Pattern::parse("  "), Err(PatternError::Empty));
    let long = vec!["w"; MAX_PHRASE + 1].join(" ");
    assert!(
        matches!(Pattern::parse(&long), Err(PatternError::TooLong { len, .. }) if len == MAX_PHRASE + 1)
    );
    struct NoStop;
    impl PatternForms for NoStop {
        fn words(&self, text: &str) -> Vec<String> {
            Lowercase
                .words(text)
                .into_iter()
                .filter(|w| w != "the")
                .collect()
        }
        fn chars(&self, text: &str) -> String {
            Lowercase.chars(text)
        }
    }
    let err = Pattern::parse_with("the strike", &NoStop).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`the` in pattern \"the strike\" is removed by normalisation (a stop word, or shorter than min_len), so the pattern could never match"
    );
}

#[test]
fn the_cache_starts_over_when_full_and_answers_the_same() {
    let patterns = [Pattern::parse("a*").unwrap()];
    let matcher = Matcher::new(&patterns);
    let mut cache = MatchCache::default();
    let words: Vec<String> = (0..CACHE_LIMIT + 10).map(|i| format!("a{i}")).collect();
    let hits = matcher.each(&words, &mut cache);
    assert_eq!(hits.len(), words.len());
    assert!(cache.packed.len() + cache.long.len() <= CACHE_LIMIT);
}

#[test]
fn tokens_are_split_by_the_sentence_they_start_in() {
    use wordmill_model::{Span, Token};
    let tok = |start: usize, end: usize| Token {
        text: "w".into(),
        span: Span::new(start, end),
        position: 0,
    };
    // "Ab cd. Ef." with a token in no sentence at 20.
    let tokens = [tok(0, 2), tok(3, 5), tok(7, 9), tok(20, 21)];
    let sentences = [Span::new(0, 6), Span::new(7, 10)];
    assert_eq!(sentence_tokens(&tokens, &sentences), vec![0..2, 2..3]);
    let all = sentence_tokens(&tokens, &[]);
    assert_eq!((all.len(), all[0].clone()), (1, 0..4));
    assert_eq!(sentence_tokens(&[], &sentences), vec![0..0, 0..0]);
}

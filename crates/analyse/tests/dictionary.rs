//! The dictionary analyser: its file formats (every error with its `file:line:col`), its counts
//! against a plain reference written here (no matcher, no index: every pattern tried at every
//! token), counts checked by hand on a tiny text, and merges in any grouping and order.

use proptest::prelude::*;
use wordmill_analyse::{
    Analyser, Dictionary, DictionaryEntries, DictionaryFormat, DictionaryOutput, Lowercase,
    PatternForms,
};
use wordmill_model::{Document, Merge, Metadata, NormalisedDoc, Span, Token, TokenText};

const DATA: &str = "tests/data/dictionary";

/// The errors of `text` read as `file` in `format`, as messages.
fn errors(file: &str, text: &str, format: DictionaryFormat) -> Vec<String> {
    errors_with(file, text, format, &Lowercase)
}

fn errors_with(
    file: &str,
    text: &str,
    format: DictionaryFormat,
    forms: &dyn PatternForms,
) -> Vec<String> {
    match DictionaryEntries::default().add_text(file, text, format, forms) {
        Ok(()) => Vec::new(),
        Err(e) => e.iter().map(ToString::to_string).collect(),
    }
}

/// Lower-cases and drops `the`, as a normaliser with that one stop word.
struct NoThe;

impl PatternForms for NoThe {
    fn words(&self, text: &str) -> Vec<String> {
        Lowercase
            .words(text)
            .into_iter()
            .filter(|w| w != "the")
            .collect()
    }
    fn chars(&self, text: &str) -> String {
        text.to_lowercase()
    }
}

fn load(files: &[&str]) -> DictionaryEntries {
    let mut entries = DictionaryEntries::default();
    for f in files {
        entries
            .add_file(&format!("{DATA}/{f}"), &Lowercase)
            .unwrap_or_else(|e| panic!("{f}: {e:?}"));
    }
    entries
}

#[test]
fn yaml_and_json_nest_categories_alike() {
    for file in ["nested.yml", "nested.json"] {
        let e = load(&[file]);
        assert_eq!(
            e.categories(),
            [
                "unrest.labour",
                "unrest.protest",
                "state.police",
                "election"
            ],
            "{file}"
        );
        let texts: Vec<(&str, u32)> = e
            .patterns()
            .iter()
            .map(|p| p.text())
            .zip(e.category_of().iter().copied())
            .collect();
        assert_eq!(
            texts,
            [
                ("strike*", 0),
                ("worker*", 0),
                ("general strike", 0),
                ("protest*", 1),
                ("march", 1),
                ("general strike", 1),
                ("police", 2),
                ("riot police", 2),
                ("election*", 3),
                ("vote", 3),
            ],
            "{file}"
        );
        assert_eq!(e.patterns_per_category(), [3, 3, 2, 2]);
    }
}

#[test]
fn a_dic_word_may_be_in_several_categories_and_a_tab_allows_a_phrase() {
    let e = load(&["mini.dic"]);
    assert_eq!(e.categories(), ["labour", "protest", "police"]);
    let texts: Vec<(&str, u32)> = e
        .patterns()
        .iter()
        .map(|p| p.text())
        .zip(e.category_of().iter().copied())
        .collect();
    assert_eq!(
        texts,
        [
            ("strike*", 0),
            ("strike*", 1),
            ("worker*", 0),
            ("factory", 0),
            ("protest*", 1),
            ("riot police", 2),
            ("police", 2),
        ]
    );
    assert_eq!(e.patterns()[5].len(), 2);
}

#[test]
fn unknown_extensions_and_missing_files_are_refused_by_name() {
    let mut e = DictionaryEntries::default();
    let err = e.add_file("words.txt", &Lowercase).unwrap_err();
    assert_eq!(
        err[0].to_string(),
        "unknown dictionary format \".txt\" of words.txt: expected .yaml, .yml, .json or .dic"
    );
    let err = e.add_file("no/such/file.yml", &Lowercase).unwrap_err();
    assert!(
        err[0]
            .to_string()
            .starts_with("no/such/file.yml: cannot read dictionary file: "),
        "{err:?}"
    );
    assert!(e.categories().is_empty());
}

#[test]
fn every_yaml_problem_is_at_its_line_and_column() {
    let text =
        "labour:\n  - strike*\n  - 2020\nprotest: march\npolice:\n  - \"\"\n  - the police\n";
    assert_eq!(
        errors_with("bad.yml", text, DictionaryFormat::Yaml, &NoThe),
        [
            "bad.yml:3:5: category `labour`: expected a pattern (a string; quote numbers), found a number",
            "bad.yml:4:10: category `protest`: expected a list of patterns or a mapping of categories, found a string",
            "bad.yml:6:5: empty pattern",
            "bad.yml:7:5: `the` in pattern \"the police\" is removed by normalisation (a stop word, or shorter than min_len), so the pattern could never match",
        ]
    );
    assert_eq!(
        errors("list.yml", "- a\n- b\n", DictionaryFormat::Yaml),
        ["list.yml:1:1: expected a mapping of categories to lists of patterns, found a list"]
    );
    assert_eq!(
        errors(
            "dup.yml",
            "a: [x]\nb: [y]\na: [z]\n",
            DictionaryFormat::Yaml
        ),
        [
            "dup.yml:3:1: category `a` is defined twice: expected each category once (first at dup.yml:1:1)"
        ]
    );
    assert_eq!(
        errors("alias.yml", "a: &x [y]\nb: *x\n", DictionaryFormat::Yaml),
        [
            "alias.yml:2:4: category `b`: expected a list of patterns or a mapping of categories, found an alias"
        ]
    );
    assert_eq!(
        errors(
            "deep.yml",
            "a:\n  b: [x, [y]]\n  c: {}\n",
            DictionaryFormat::Yaml
        ),
        [
            "deep.yml:2:10: category `a.b`: expected a pattern (a string; quote numbers), found a list",
            "deep.yml:3:6: category `a.c`: expected a list of patterns or a mapping of categories, found an empty mapping",
        ]
    );
    assert_eq!(
        errors("empty.yml", "", DictionaryFormat::Yaml),
        ["empty.yml:1:1: expected a mapping of categories, found an empty file"]
    );
    // A flow list left open: the next line is still inside it, where `b:` is no item.
    assert_eq!(
        errors("open.yml", "a: [x, y\nb: [z]\n", DictionaryFormat::Yaml),
        ["open.yml:2:2: invalid YAML: illegal placement of ':' indicator"]
    );
    // A tab where YAML wants spaces: the scanner points just past it.
    assert_eq!(
        errors("tab.yml", "a:\n\t- x\n", DictionaryFormat::Yaml),
        ["tab.yml:2:2: invalid YAML: tabs disallowed within this context (block indentation)"]
    );
}

#[test]
fn every_json_problem_is_at_its_line_and_column() {
    assert_eq!(
        errors("bad.json", "{\"a\": [\"x\", 3]}", DictionaryFormat::Json),
        [
            "bad.json:1:13: category `a`: expected a pattern (a string; quote numbers), found a number"
        ]
    );
    assert_eq!(
        errors("bad.json", "{\"a\": \"x\"}", DictionaryFormat::Json),
        [
            "bad.json:1:7: category `a`: expected a list of patterns or a mapping of categories, found a string"
        ]
    );
    assert_eq!(
        errors(
            "bad.json",
            "{\n  \"a\": [\"x\",]\n}",
            DictionaryFormat::Json
        ),
        ["bad.json:2:13: invalid JSON: expected value"]
    );
    assert_eq!(
        errors(
            "bad.json",
            "{\"a\": [\"x\", \" \"]}",
            DictionaryFormat::Json
        ),
        ["bad.json:1:13: empty pattern"]
    );
}

#[test]
fn every_dic_problem_is_at_its_line_and_column() {
    let text = "%\n1 labour\ntwo protest\n%\nstrike* 1 7\nworker*\n";
    assert_eq!(
        errors("bad.dic", text, DictionaryFormat::Dic),
        [
            "bad.dic:3:1: expected a category id (a whole number), found `two`",
            "bad.dic:5:11: unknown category id `7` for `strike*`: expected one of the header's ids (1)",
            "bad.dic:6:1: expected category ids after `worker*`",
        ]
    );
    assert_eq!(
        errors("open.dic", "%\n1 labour\n", DictionaryFormat::Dic),
        ["open.dic:2:1: expected a `%` line closing the header of category ids"]
    );
    assert_eq!(
        errors("none.dic", "1 labour\n%\n", DictionaryFormat::Dic),
        ["none.dic:1:1: expected a `%` line opening the header of category ids"]
    );
    assert_eq!(
        errors("twice.dic", "%\n1 a\n1 b\n%\nx 1\n", DictionaryFormat::Dic),
        ["twice.dic:3:1: category id 1 is defined twice"]
    );
    assert_eq!(
        errors_with(
            "stop.dic",
            "%\n1 a\n%\nthe\t1\n",
            DictionaryFormat::Dic,
            &NoThe
        ),
        [
            "stop.dic:4:1: `the` in pattern \"the\" is removed by normalisation (a stop word, or shorter than min_len), so the pattern could never match"
        ]
    );
}

#[test]
fn a_category_is_defined_once_across_files() {
    let mut e = load(&["nested.yml"]);
    let err = e
        .add_file(&format!("{DATA}/nested.json"), &Lowercase)
        .unwrap_err();
    assert_eq!(
        err[0].to_string(),
        format!(
            "{DATA}/nested.json:3:5: category `unrest.labour` is defined twice: expected each category once (first at {DATA}/nested.yml:3:3)"
        )
    );
    // Nothing of the refused file was added.
    assert_eq!(e.categories().len(), 4);
}

// ---------------------------------------------------------------------------------------------
// Counting

/// A document of sentences of words: the text is the words joined by spaces, the sentences
/// joined by ". "; each word a token.
fn document(ordinal: u64, sentences: &[Vec<String>], group: &str) -> Document {
    let text = sentences
        .iter()
        .map(|s| s.join(" "))
        .collect::<Vec<_>>()
        .join(". ");
    let mut meta = Metadata::new();
    meta.insert("g", group);
    Document::new(ordinal, format!("d{ordinal}"), text, meta)
}

fn normalised<'d>(doc: &'d Document, sentences: &[Vec<String>]) -> NormalisedDoc<'d> {
    let mut tokens = Vec::new();
    let mut spans = Vec::new();
    let mut at = 0;
    let mut position = 0;
    for s in sentences {
        let start = at;
        for (i, w) in s.iter().enumerate() {
            if i > 0 {
                at += 1;
            }
            tokens.push(Token {
                text: TokenText::borrowed(&doc.text[at..at + w.len()]),
                span: Span::new(at, at + w.len()),
                position,
            });
            position += 1;
            at += w.len();
        }
        spans.push(Span::new(start, at));
        at += 2;
    }
    NormalisedDoc {
        doc,
        sentences: spans,
        tokens,
    }
}

/// `*` any run, `?` one character.
fn glob(p: &[char], t: &[char]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some('*') => glob(&p[1..], t) || (!t.is_empty() && glob(p, &t[1..])),
        Some('?') => !t.is_empty() && glob(&p[1..], &t[1..]),
        Some(c) => t.first() == Some(c) && glob(&p[1..], &t[1..]),
    }
}

/// The rule, plainly: in each sentence, at each token, every pattern of every category is
/// tried; the longest match wins, each category with a pattern of that length counts once,
/// and counting resumes after the match.
fn reference(dictionary: &[(String, Vec<String>)], sentences: &[Vec<String>]) -> Vec<u64> {
    let mut counts = vec![0u64; dictionary.len()];
    for s in sentences {
        let mut i = 0;
        while i < s.len() {
            let mut best = 0;
            let mut cats: Vec<usize> = Vec::new();
            for (c, (_, patterns)) in dictionary.iter().enumerate() {
                for p in patterns {
                    let parts: Vec<&str> = p.split_whitespace().collect();
                    let n = parts.len();
                    let hit = i + n <= s.len()
                        && parts.iter().zip(&s[i..]).all(|(p, w)| {
                            glob(
                                &p.chars().collect::<Vec<_>>(),
                                &w.chars().collect::<Vec<_>>(),
                            )
                        });
                    if !hit {
                        continue;
                    }
                    if n > best {
                        best = n;
                        cats.clear();
                    }
                    if n == best && !cats.contains(&c) {
                        cats.push(c);
                    }
                }
            }
            if best == 0 {
                i += 1;
            } else {
                for c in cats {
                    counts[c] += 1;
                }
                i += best;
            }
        }
    }
    counts
}

fn yaml_of(dictionary: &[(String, Vec<String>)]) -> String {
    dictionary
        .iter()
        .map(|(name, patterns)| {
            format!(
                "{name}: [{}]\n",
                patterns
                    .iter()
                    .map(|p| format!("\"{p}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect()
}

fn analyser(dictionary: &[(String, Vec<String>)], group_by: &[&str]) -> Dictionary {
    let mut entries = DictionaryEntries::default();
    entries
        .add_text(
            "p.yml",
            &yaml_of(dictionary),
            DictionaryFormat::Yaml,
            &Lowercase,
        )
        .unwrap();
    Dictionary::new(entries, group_by.iter().map(|s| s.to_string()).collect())
}

#[test]
fn counts_on_a_tiny_text_are_those_counted_by_hand() {
    let dictionary = Dictionary::new(load(&["nested.yml"]), Vec::new());
    // Sentence 1: workers (labour), general strike (labour and protest; strike not again).
    // Sentence 2: riot police (police), protesters (protest), police (police), strike (labour).
    // Sentence 3: "general" and "strike" are in different sentences: strike (labour) only.
    let text = [
        "workers of the factory went on a general strike",
        "riot police met the protesters police said the strike was illegal",
        "a general",
        "strike",
    ];
    let sentences: Vec<Vec<String>> = text
        .iter()
        .map(|s| s.split(' ').map(str::to_string).collect())
        .collect();
    let doc = document(0, &sentences, "x");
    let mut partial = dictionary.partial();
    dictionary.observe(&mut partial, &normalised(&doc, &sentences));
    let out = dictionary.finish(partial);
    let d = &out.documents[0];
    assert_eq!(d.tokens, 9 + 11 + 2 + 1);
    // unrest.labour, unrest.protest, state.police, election
    assert_eq!(d.counts, [4, 2, 2, 0]);
    assert_eq!(out.categories[0].count, 4);
    assert_eq!(out.categories[3].documents, 0);
    assert!(out.groups.is_empty());
}

const VOCABULARY: &[&str] = &[
    "strike", "strikes", "striker", "worker", "workers", "general", "police", "riot", "vote",
    "voted", "march", "state", "plant",
];

const PATTERNS: &[&str] = &[
    "strike*",
    "strike",
    "work*",
    "worker?",
    "general strike",
    "general strike*",
    "riot police",
    "police",
    "vot*",
    "*ed",
    "march",
    "state plant",
    "riot police march",
    "*a*",
];

fn dictionary_strategy() -> impl Strategy<Value = Vec<(String, Vec<String>)>> {
    prop::collection::vec(
        prop::collection::vec(prop::sample::select(PATTERNS), 1..5),
        1..5,
    )
    .prop_map(|cats| {
        cats.into_iter()
            .enumerate()
            .map(|(i, ps)| {
                (
                    format!("c{i}"),
                    ps.into_iter().map(str::to_string).collect(),
                )
            })
            .collect()
    })
}

fn docs_strategy() -> impl Strategy<Value = Vec<Vec<Vec<String>>>> {
    let sentence = prop::collection::vec(prop::sample::select(VOCABULARY), 1..12)
        .prop_map(|w| w.into_iter().map(str::to_string).collect::<Vec<_>>());
    prop::collection::vec(prop::collection::vec(sentence, 1..4), 1..12)
}

fn run(
    dictionary: &Dictionary,
    docs: &[Document],
    sentences: &[Vec<Vec<String>>],
    parts: &[Vec<usize>],
) -> DictionaryOutput {
    let mut partials: Vec<_> = parts
        .iter()
        .map(|part| {
            let mut p = dictionary.partial();
            for &i in part {
                dictionary.observe(&mut p, &normalised(&docs[i], &sentences[i]));
            }
            p
        })
        .collect();
    let mut all = partials.pop().unwrap_or_default();
    while let Some(p) = partials.pop() {
        let mut p = p;
        p.merge(all);
        all = p;
    }
    dictionary.finish(all)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn counts_equal_the_plain_reference(dict in dictionary_strategy(), sentences in docs_strategy()) {
        let dictionary = analyser(&dict, &["g"]);
        let docs: Vec<Document> = sentences
            .iter()
            .enumerate()
            .map(|(i, s)| document(i as u64, s, ["a", "b"][i % 2]))
            .collect();
        let out = run(&dictionary, &docs, &sentences, &[(0..docs.len()).collect()]);
        let mut by_group = [vec![0u64; dict.len()], vec![0u64; dict.len()]];
        for (i, d) in out.documents.iter().enumerate() {
            let want = reference(&dict, &sentences[i]);
            prop_assert_eq!(&d.counts, &want);
            prop_assert_eq!(d.tokens, sentences[i].iter().map(|s| s.len() as u64).sum::<u64>());
            for (g, w) in by_group[i % 2].iter_mut().zip(&want) {
                *g += w;
            }
        }
        let groups: Vec<(Vec<String>, Vec<u64>)> =
            out.groups.iter().map(|g| (g.values.clone(), g.counts.clone())).collect();
        let mut want_groups = vec![(vec!["a".to_string()], by_group[0].clone())];
        if docs.len() > 1 {
            want_groups.push((vec!["b".to_string()], by_group[1].clone()));
        }
        prop_assert_eq!(groups, want_groups);
    }

    #[test]
    fn random_splits_merged_in_random_order_equal_one_pass(
        dict in dictionary_strategy(),
        sentences in docs_strategy(),
        assignment in prop::collection::vec(0usize..4, 12),
        order in Just(()).prop_perturb(|_, mut rng| {
            let mut o: Vec<usize> = (0..4).collect();
            for i in (1..o.len()).rev() {
                o.swap(i, rng.random_range(0..=i));
            }
            o
        }),
    ) {
        let dictionary = analyser(&dict, &["g"]);
        let docs: Vec<Document> = sentences
            .iter()
            .enumerate()
            .map(|(i, s)| document(i as u64, s, ["a", "b", "c"][i % 3]))
            .collect();
        let one = run(&dictionary, &docs, &sentences, &[(0..docs.len()).collect()]);
        // Documents dealt to four parts (each part's documents in reverse), the parts merged
        // in a random order.
        let mut parts = vec![Vec::new(); 4];
        for i in (0..docs.len()).rev() {
            parts[assignment[i]].push(i);
        }
        let parts: Vec<Vec<usize>> = order.iter().map(|&k| parts[k].clone()).collect();
        let split = run(&dictionary, &docs, &sentences, &parts);
        prop_assert_eq!(one, split);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any text, in any format, is read or refused with messages; nothing panics.
    #[test]
    fn no_text_makes_a_parser_panic(
        text in prop::collection::vec(
            prop::sample::select(&[
                "a", "b:", " ", "\n", "\t", "-", "[", "]", "{", "}", ",", "\"", "'", "%", "1", "*",
                "&x", "*x", "#", ":", "?", "|", ">", "---", "é", "\u{feff}", "!!str",
            ][..]),
            0..40,
        ).prop_map(|parts| parts.concat()),
        any_text in ".{0,60}",
    ) {
        for format in [DictionaryFormat::Yaml, DictionaryFormat::Json, DictionaryFormat::Dic] {
            for t in [&text, &any_text] {
                let mut e = DictionaryEntries::default();
                if let Err(errors) = e.add_text("f", t, format, &Lowercase) {
                    prop_assert!(!errors.is_empty());
                    for err in errors {
                        prop_assert!(err.to_string().starts_with("f:"), "{}", err);
                    }
                }
            }
        }
    }
}

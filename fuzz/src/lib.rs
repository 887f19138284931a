//! The checks behind wordmill's fuzz targets, shared by the libFuzzer targets in
//! `fuzz_targets/` and by the crate's property tests' way of running them on a corpus.
//!
//! Each check takes arbitrary bytes: where there is a configuration to choose (the ingest
//! targets' encoding policy, limits and compression; the normaliser's options), the first byte
//! picks it and the rest is the input. A check panics only when an invariant breaks: the
//! parsers themselves must never panic.

use std::path::Path;
use std::sync::OnceLock;

use wordmill_analyse::{EmojiLexicon, Lexicon, Rules, SentimentError, Vader};
use wordmill_ingest::__fuzz::{Outcome, parse_jsonl_record, read_bytes};
use wordmill_ingest::{EncodingErrors, Format, OnError, Oversize, SourceConfig};
use wordmill_model::{Document, Metadata};
use wordmill_normalise::{
    Normaliser, NormaliserConfig, StemLanguage, StopWordLanguage, StopWords, TokenizerKind,
    UnicodeForm, split_sentences,
};
use wordmill_pipeline::Pipeline;

/// A configuration chosen by `selector`'s bits: encoding policy, oversize policy, small or
/// no limits, and whether the record has an id field.
fn config(selector: u8, format: Format) -> SourceConfig {
    let mut config = SourceConfig::default()
        .format(format)
        .on_error(OnError::Skip)
        .meta_fields(["a", "b.c"]);
    if selector & 1 != 0 {
        config.encoding_errors = EncodingErrors::Replace;
    }
    if selector & 2 != 0 {
        config.oversize = Oversize::Skip;
    }
    if selector & 4 != 0 {
        config.max_document_bytes = Some(u64::from(selector >> 4) + 1);
        config.max_line_bytes = Some(u64::from(selector >> 3) * 8 + 1);
        config.max_decompressed_bytes = Some(u64::from(selector) * 64);
    }
    if selector & 8 != 0 {
        config.id_field = None;
    }
    config
}

/// The file name that makes the bytes read as plain, gzip or zstd.
fn name(selector: u8, stem: &str) -> String {
    match selector % 3 {
        0 => stem.to_owned(),
        1 => format!("{stem}.gz"),
        _ => format!("{stem}.zst"),
    }
}

/// Checks what a source must guarantee whatever it reads.
fn check(outcome: &Outcome, config: &SourceConfig) {
    if let Some(broken) = outcome.broken_rule(config) {
        panic!("{broken}");
    }
    // Skipping oversize documents leaves none over the limit, not even by one character.
    if let (Some(limit), Oversize::Skip) = (config.max_document_bytes, config.oversize) {
        for doc in outcome.items.iter().flatten() {
            assert!(doc.text.len() as u64 <= limit);
        }
    }
}

/// `jsonl_record`: one line through the record parser, and the bytes as a JSON Lines file.
pub fn jsonl_record(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let config = config(selector, Format::Jsonl);
    if let Ok(doc) = parse_jsonl_record(input, 1, "fuzz", &config) {
        assert!(!doc.id.is_empty());
    }
    let outcome = read_bytes(&name(selector >> 1, "fuzz.jsonl"), input, &config);
    check(&outcome, &config);
}

/// `csv_record`: the bytes as a CSV file (header and records).
pub fn csv_record(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let config = config(selector, Format::Csv);
    let outcome = read_bytes(&name(selector >> 1, "fuzz.csv"), input, &config);
    check(&outcome, &config);
}

/// `text_decode`: the bytes as a plain-text file (byte-order marks, UTF-8 and UTF-16
/// decoding, the binary check, splitting).
pub fn text_decode(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let config = config(selector, Format::Text);
    let outcome = read_bytes(&name(selector >> 1, "fuzz.txt"), input, &config);
    check(&outcome, &config);
    if (selector >> 1) % 3 == 0 {
        // A plain text file is one record, however many parts it becomes.
        assert!(outcome.stats.skipped.len() <= 1);
        assert!(outcome.stats.split.len() <= 1);
    }
}

/// True when pipeline-file text might name a file outside the working directory: a string
/// that starts with `/` (after a quote, an escape or a TOML line-ending backslash), a `..`,
/// or an escape that could spell `.` or `/` (`\u002e`, `\x2f`, …).
///
/// Validation touches the file system (every input must exist, and stop-word files are read),
/// so `inputs = "/"` walks the whole disk and `stopwords = "/dev/zero"` never ends. The check
/// skips such texts; run the target from an empty directory so that relative paths find
/// nothing either.
fn may_leave_working_dir(text: &str) -> bool {
    if text.contains("..") {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    if text.contains('\\') && (lower.contains("2e") || lower.contains("2f")) {
        return true;
    }
    text.match_indices('/')
        .any(|(i, _)| text[..i].trim_end().ends_with(['"', '\'', '\\']))
}

/// True when 1-based `line` and `col` (in characters) point into `text` or just past the end
/// of one of its lines.
fn inside(text: &str, line: usize, col: usize) -> bool {
    line >= 1
        && col >= 1
        && text
            .split('\n')
            .nth(line - 1)
            .is_some_and(|l| col <= l.chars().count() + 1)
}

/// `pipeline_file`: the bytes as a TOML and as a JSON pipeline file, through
/// `Pipeline::parse` (syntax, schema and every value check).
///
/// An accepted file has a name and SHA-256 hashes; a rejected one has at least one error, each
/// naming the file and a line and column inside the text, shown as `file:line:col: message`.
pub fn pipeline_file(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if may_leave_working_dir(&text) {
        return;
    }
    for name in ["fuzz.toml", "fuzz.json"] {
        match Pipeline::parse(Path::new(name), data) {
            Ok(pipeline) => {
                assert!(!pipeline.name.trim().is_empty());
                for hash in [&pipeline.config_hash, &pipeline.analysis_hash] {
                    assert_eq!(hash.len(), 64, "{hash}");
                    assert!(hash.bytes().all(|b| b.is_ascii_hexdigit()), "{hash}");
                }
            }
            Err(errors) => {
                assert!(!errors.0.is_empty(), "an error list is never empty");
                for e in &errors.0 {
                    assert_eq!(e.file, name);
                    assert!(inside(&text, e.line, e.col), "{e} points outside the text");
                    let prefix = format!("{name}:{}:{}: ", e.line, e.col);
                    assert!(e.to_string().starts_with(&prefix), "{e}");
                }
            }
        }
    }
}

/// Token patterns: scikit-learn's (run by hand), others through the `regex` crate with
/// Python's `\w`, one with a capturing group and one that matches the empty string.
const PATTERNS: [&str; 6] = [
    r"(?u)\b\w\w+\b",
    r"\w+",
    r"[^\W\d_]+|\d+",
    r"\S+",
    r"(\w)\w*",
    r"x*",
];

/// A normaliser configuration chosen by `selector`'s bits: Unicode form, lowercasing, the
/// tokeniser (UAX #29 words or a pattern), stop words, `min_len`, stemming and sentences.
fn normaliser_config(selector: u8) -> NormaliserConfig {
    let bit = |n: u8| selector & (1 << n) != 0;
    let unicode = match selector & 3 {
        0 => UnicodeForm::None,
        1 => UnicodeForm::Nfc,
        _ => UnicodeForm::Nfkc,
    };
    let tokenizer = match (selector >> 3) & 7 {
        0 | 7 => TokenizerKind::Words,
        k => TokenizerKind::Pattern(PATTERNS[usize::from(k) - 1].to_owned()),
    };
    let stopwords = match (bit(5), bit(0)) {
        (false, _) => StopWords::None,
        (true, false) => StopWords::Builtin(StopWordLanguage::English),
        (true, true) => StopWords::List(vec!["İ".into(), "Σ".into(), "a".into(), "ﬁ".into()]),
    };
    let stem = bit(6).then(|| {
        let languages = StemLanguage::ALL;
        languages[usize::from(selector >> 1) % languages.len()]
    });
    NormaliserConfig::default()
        .unicode(unicode)
        .lowercase(bit(2))
        .tokenizer(tokenizer)
        .stopwords(stopwords)
        .min_len(if bit(7) {
            1 + usize::from(selector & 3)
        } else {
            1
        })
        .stem(stem)
        .sentences(!(bit(7) && bit(6)))
}

/// The normaliser for `selector`, compiled once (patterns with Python's `\w` are slow to
/// compile).
fn normaliser(selector: u8) -> &'static Normaliser {
    static NORMALISERS: [OnceLock<Normaliser>; 256] = [const { OnceLock::new() }; 256];
    NORMALISERS[usize::from(selector)].get_or_init(|| {
        Normaliser::new(normaliser_config(selector)).expect("every fuzzed configuration is valid")
    })
}

/// `normalise`: tokens and sentences of arbitrary text under a configuration picked by the
/// first byte.
///
/// Sentences are non-empty spans on character boundaries, trimmed of white space, in order and
/// not overlapping. Tokens are non-empty spans on character boundaries in order of their start
/// (two may share a character that normalisation expanded), with strictly increasing
/// positions; a borrowed token is the original slice (a prefix of it after stemming); without
/// stemming no token is shorter than `min_len`, and on ASCII text a lowercased token is its
/// slice in lower case.
pub fn normalise(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else {
        return;
    };
    let normaliser = normaliser(selector);
    let config = normaliser.config();
    let doc = Document::new(0, "fuzz", String::from_utf8_lossy(input), Metadata::new());
    let out = normaliser.normalise(&doc);
    let text = doc.text.as_str();

    let mut last_start = 0;
    let mut last_position = None;
    for t in &out.tokens {
        let span = t.span;
        assert!(span.start < span.end && span.end <= text.len(), "{t:?}");
        assert!(
            text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
            "{t:?}"
        );
        assert!(span.start >= last_start, "tokens go back: {t:?}");
        assert!(
            last_position.is_none_or(|p| t.position > p),
            "positions do not increase: {t:?}"
        );
        last_start = span.start;
        last_position = Some(t.position);
        let original = span.slice(text);
        if let Some(b) = t.text.as_borrowed() {
            let (base, p) = (text.as_ptr() as usize, b.as_ptr() as usize);
            assert!(p >= base && p + b.len() <= base + text.len(), "{t:?}");
            if config.stem.is_none() {
                assert_eq!(b, original, "a borrowed token is its original slice");
            } else {
                assert!(original.starts_with(b), "{t:?}");
            }
        }
        if config.stem.is_none() {
            assert!(t.text.chars().count() >= config.min_len, "{t:?}");
            if text.is_ascii() && config.lowercase {
                assert_eq!(t.text.as_ref(), original.to_ascii_lowercase());
            }
        }
    }

    let mut last_end = 0;
    for s in &out.sentences {
        assert!(
            s.start >= last_end && s.start < s.end && s.end <= text.len(),
            "{s:?}"
        );
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        let sentence = s.slice(text);
        assert_eq!(sentence, sentence.trim(), "a sentence is trimmed");
        last_end = s.end;
    }
    if config.sentences {
        assert_eq!(out.sentences, split_sentences(text));
    } else {
        assert!(out.sentences.is_empty());
    }
}

/// The built-in VADER lexicon under each set of rules, built once.
fn scorers() -> &'static [Vader; 3] {
    static SCORERS: OnceLock<[Vader; 3]> = OnceLock::new();
    SCORERS.get_or_init(|| {
        [Rules::Vader, Rules::VaderNews, Rules::None]
            .map(|rules| Vader::new(Lexicon::vader(), rules))
    })
}

/// `sentiment`: arbitrary text through the VADER scorer (3.3.2 rules, the news rules and
/// none) and its explanation.
///
/// Every score is finite, `compound` lies in [-1, 1], the shares in [0, 1]; a text without
/// tokens scores all zero, any other has shares summing to 1 (within rounding). The rounded
/// scores are the raw ones rounded, and the explanation gives the same numbers, with token
/// spans inside the text.
pub fn sentiment(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    for vader in scorers() {
        let raw = vader.polarity_scores_raw(&text);
        let scores = vader.polarity_scores(&text);
        let all = [
            raw.neg,
            raw.neu,
            raw.pos,
            raw.compound,
            raw.sum,
            raw.punct_amp,
        ];
        assert!(all.iter().all(|x| x.is_finite()), "{raw:?}");
        assert_eq!(scores, raw.rounded());
        for (s, tolerance) in [
            ([raw.neg, raw.neu, raw.pos, raw.compound], 1e-9),
            ([scores.neg, scores.neu, scores.pos, scores.compound], 2e-3),
        ] {
            let [neg, neu, pos, compound] = s;
            assert!((-1.0..=1.0).contains(&compound), "{raw:?}");
            assert!(
                [neg, neu, pos].iter().all(|x| (0.0..=1.0).contains(x)),
                "{raw:?}"
            );
            if neg == 0.0 && neu == 0.0 && pos == 0.0 {
                assert_eq!(compound, 0.0, "{raw:?}");
            } else {
                assert!((neg + neu + pos - 1.0).abs() <= tolerance, "{raw:?}");
            }
        }
        let explanation = vader.explain(&text);
        assert_eq!(explanation.scores, scores);
        assert_eq!(explanation.raw, raw);
        if explanation.token_count == 0 {
            assert_eq!(scores, Default::default());
        }
        let mut last = None;
        for t in &explanation.tokens {
            assert!(t.index < explanation.token_count, "{t:?}");
            assert!(last.is_none_or(|l| t.index > l), "{t:?}");
            last = Some(t.index);
            assert!(t.valence.is_finite(), "{t:?}");
            if let Some(span) = t.span {
                assert!(text.get(span.start..span.end).is_some(), "{t:?}");
            }
        }
    }
}

/// Python's `str.isspace()` for one character, as the lexicon reader strips lines.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Checks a lexicon-reader error: it names the origin and a line of `text` that is not empty,
/// quotes that line stripped, and every line before it reads without error.
fn check_malformed(error: &SentimentError, text: &str, reread: impl Fn(&str) -> bool) {
    let (origin, line, found) = match error {
        SentimentError::Malformed {
            origin,
            line,
            found,
        } => (origin, line, found.clone()),
        SentimentError::Valence {
            origin,
            line,
            found: value,
            ..
        } => {
            let value: f64 = value.parse().expect("a valence error quotes a number");
            assert!(
                value.is_finite() && value.abs() > wordmill_analyse::MAX_VALENCE,
                "{error}"
            );
            let lines: Vec<&str> = text.split('\n').collect();
            let stripped = lines
                .get(line.wrapping_sub(1))
                .map(|l| l.trim_matches(is_py_space).to_string())
                .unwrap_or_default();
            (origin, line, stripped)
        }
        _ => panic!("parsing text can only fail on a bad line: {error}"),
    };
    let found = &found;
    assert_eq!(origin, "fuzz.tsv");
    let lines: Vec<&str> = text.split('\n').collect();
    assert!(*line >= 1 && *line <= lines.len(), "{error}");
    let stripped = lines[*line - 1].trim_matches(is_py_space);
    assert!(!stripped.is_empty(), "{error}");
    assert_eq!(found, stripped, "{error}");
    assert!(
        error.to_string().starts_with(&format!("fuzz.tsv:{line}: ")),
        "{error}"
    );
    assert!(
        reread(&lines[..*line - 1].join("\n")),
        "{error}: an earlier line is bad too"
    );
}

/// `lexicon_line`: arbitrary bytes as a lexicon file, through `Lexicon::parse`
/// (`word<TAB>score` or VADER's `word<TAB>mean<TAB>sd<TAB>ratings`) and
/// `EmojiLexicon::parse` (`emoji<TAB>description`).
///
/// An error names the first bad line (1-based, inside the text) and quotes it stripped; an
/// accepted lexicon has no more entries than non-empty lines, non-empty words without TAB or
/// line feed, and finite valences.
pub fn lexicon_line(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let entries = text
        .split('\n')
        .filter(|l| !l.trim_matches(is_py_space).is_empty())
        .count();
    match Lexicon::parse(&text, "fuzz.tsv") {
        Ok(lexicon) => {
            assert!(lexicon.len() <= entries);
            for (word, valence) in lexicon.iter() {
                assert!(!word.is_empty() && !word.contains(['\t', '\n']), "{word:?}");
                assert!(valence.is_finite(), "{word:?}: {valence}");
            }
        }
        Err(e) => check_malformed(&e, &text, |t| Lexicon::parse(t, "fuzz.tsv").is_ok()),
    }
    match EmojiLexicon::parse(&text, "fuzz.tsv") {
        Ok(emoji) => {
            assert!(emoji.len() <= entries);
            for (key, _) in emoji.iter() {
                assert!(!key.contains(['\t', '\n']), "{key:?}");
            }
        }
        Err(e) => check_malformed(&e, &text, |t| EmojiLexicon::parse(t, "fuzz.tsv").is_ok()),
    }
}

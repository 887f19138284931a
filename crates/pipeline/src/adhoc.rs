//! `wordmill sentiment`: ad-hoc VADER scoring of a stream of texts, one JSON line out per text
//! (or per sentence), in input order, in bounded memory.

use std::io::{self, BufRead, Write};

use rayon::prelude::*;
use serde::Serialize;
use wordmill_analyse::{Explanation, Lexicon, Rules, Scores, Vader};

/// How `wordmill sentiment` reads and scores.
#[derive(Debug, Clone)]
pub struct AdhocOptions {
    /// Input lines are plain text (one text per line), not JSON `{"id","text"}`.
    pub lines: bool,
    /// Split each text into sentences and score each sentence.
    pub sentences: bool,
    /// The rule set.
    pub rules: Rules,
    /// Lexicons: `vader` or paths, later ones overriding earlier ones.
    pub lexicon: Vec<String>,
    /// Add each score's explanation.
    pub explain: bool,
    /// Worker threads (None = one per core).
    pub threads: Option<usize>,
    /// JSON field holding the text.
    pub text_field: String,
    /// JSON field holding the id.
    pub id_field: String,
}

impl Default for AdhocOptions {
    fn default() -> Self {
        AdhocOptions {
            lines: false,
            sentences: false,
            rules: Rules::Vader,
            lexicon: vec!["vader".into()],
            explain: false,
            threads: None,
            text_field: "text".into(),
            id_field: "id".into(),
        }
    }
}

/// What a scoring run saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdhocStats {
    /// Input lines read (blank lines included).
    pub lines: u64,
    /// Texts scored.
    pub scored: u64,
    /// Lines that could not be read as a record, each reported on the error callback.
    pub bad: u64,
}

#[derive(Serialize)]
struct Out<'a> {
    id: &'a serde_json::Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    sentence: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<usize>,
    neg: f64,
    neu: f64,
    pos: f64,
    compound: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    explanation: Option<Explanation>,
}

/// Builds the scorer from lexicon names and rules.
pub fn build_vader(lexicon: &[String], rules: Rules) -> Result<Vader, String> {
    let mut lex = Lexicon::new();
    for (i, name) in lexicon.iter().enumerate() {
        let layer = if name == "vader" {
            Lexicon::vader()
        } else {
            Lexicon::from_path(name).map_err(|e| e.to_string())?
        };
        if i == 0 {
            lex = layer;
        } else {
            lex.extend(&layer);
        }
    }
    Ok(Vader::new(lex, rules))
}

/// Lines are scored in chunks of this many, in parallel, and written in input order.
const CHUNK: usize = 4096;

/// Scores every text of `input`, writing JSON lines to `output`; bad lines go to `on_error`
/// as `line N: message` and are counted, never silently dropped.
pub fn score_stream(
    input: &mut dyn BufRead,
    output: &mut dyn Write,
    options: &AdhocOptions,
    on_error: &mut dyn FnMut(String),
) -> Result<AdhocStats, String> {
    let vader = build_vader(&options.lexicon, options.rules)?;
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| e.to_string())?;
    let mut stats = AdhocStats::default();
    let mut chunk: Vec<(u64, Vec<u8>)> = Vec::with_capacity(CHUNK);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let n = input
            .read_until(b'\n', &mut buf)
            .map_err(|e| format!("reading input: {e}"))?;
        if n > 0 {
            stats.lines += 1;
            chunk.push((stats.lines, std::mem::take(&mut buf)));
        }
        if chunk.len() >= CHUNK || (n == 0 && !chunk.is_empty()) {
            let results: Vec<Result<Vec<u8>, String>> = pool.install(|| {
                chunk
                    .par_iter()
                    .map(|(line, bytes)| score_line(&vader, options, *line, bytes))
                    .collect()
            });
            for r in results {
                match r {
                    Ok(out) if out.is_empty() => {}
                    Ok(out) => {
                        stats.scored += 1;
                        output
                            .write_all(&out)
                            .map_err(|e| format!("writing output: {e}"))?;
                    }
                    Err(e) => {
                        stats.bad += 1;
                        on_error(e);
                    }
                }
            }
            chunk.clear();
        }
        if n == 0 {
            break;
        }
    }
    output.flush().map_err(|e| format!("writing output: {e}"))?;
    Ok(stats)
}

fn score_line(vader: &Vader, o: &AdhocOptions, line: u64, bytes: &[u8]) -> Result<Vec<u8>, String> {
    let raw = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    let (id, text): (serde_json::Value, String) = if o.lines {
        let text = std::str::from_utf8(raw)
            .map_err(|e| format!("line {line}: invalid UTF-8 at byte {}", e.valid_up_to()))?;
        (serde_json::Value::from(line), text.to_string())
    } else {
        if raw.iter().all(u8::is_ascii_whitespace) {
            return Ok(Vec::new());
        }
        let v: serde_json::Value = serde_json::from_slice(raw).map_err(|e| {
            format!("line {line}: invalid JSON: {e} (expected {{\"id\", \"text\"}})")
        })?;
        let text = match v.get(&o.text_field) {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => {
                return Err(format!(
                    "line {line}: `{}` must be a string, found {other}",
                    o.text_field
                ));
            }
            None => return Err(format!("line {line}: no `{}` field", o.text_field)),
        };
        let id = v
            .get(&o.id_field)
            .cloned()
            .unwrap_or(serde_json::Value::from(line));
        (id, text)
    };
    let mut out = Vec::new();
    let mut emit =
        |sentence: Option<(usize, usize, usize)>, s: Scores, explanation: Option<Explanation>| {
            let rec = Out {
                id: &id,
                sentence: sentence.map(|x| x.0),
                start: sentence.map(|x| x.1),
                end: sentence.map(|x| x.2),
                neg: s.neg,
                neu: s.neu,
                pos: s.pos,
                compound: s.compound,
                explanation,
            };
            serde_json::to_writer(&mut out, &rec).map_err(|e| e.to_string())?;
            out.push(b'\n');
            Ok::<(), String>(())
        };
    if o.sentences {
        for (i, span) in wordmill_normalise::split_sentences(&text)
            .into_iter()
            .enumerate()
        {
            let t = span.slice(&text);
            let (s, e) = if o.explain {
                let x = vader.explain(t);
                (x.scores, Some(x))
            } else {
                (vader.polarity_scores(t), None)
            };
            emit(Some((i, span.start, span.end)), s, e)?;
        }
    } else {
        let (s, e) = if o.explain {
            let x = vader.explain(&text);
            (x.scores, Some(x))
        } else {
            (vader.polarity_scores(&text), None)
        };
        emit(None, s, e)?;
    }
    Ok(out)
}

/// Scores standard input to standard output (the `wordmill sentiment -` case).
pub fn score_stdio(
    options: &AdhocOptions,
    on_error: &mut dyn FnMut(String),
) -> Result<AdhocStats, String> {
    let stdin = io::stdin();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    score_stream(&mut stdin.lock(), &mut out, options, on_error)
}

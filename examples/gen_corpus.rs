//! `gen_corpus`: a deterministic generator of large benchmark corpora whose vocabulary keeps
//! growing with size, as real text does (Heaps' law).
//!
//! ```text
//! cargo run --release --example gen_corpus -- --bytes 1G --seed 42 --format jsonl \
//!     --out corpus/generated/gen-1g.jsonl
//! ```
//!
//! # What it generates
//!
//! Words are drawn from a ranked vocabulary in two regimes, as in the "kernel lexicon plus
//! unlimited lexicon" picture of real text:
//!
//! * the **head**: every word of the real texts under `--vocab-from` (default `corpus/sotu`,
//!   62 State of the Union addresses), ranked by frequency and written in its most frequent
//!   spelling, plus a fixed handful of non-ASCII words (café, naïve, Łukaszenka, Москва, …).
//!   Head words are sampled from a Zipf–Mandelbrot law `p(r) ∝ 1 / (r + 2.7)`;
//! * the **tail**: with probability 1/16 a word is instead a generated rare form whose rank
//!   follows a Pareto law of exponent 1.8 beyond the head. The tail is unbounded, so the number
//!   of distinct words keeps growing as `V ≈ K·N^β` with `β ≈ 1/1.8 ≈ 0.56`. A tail rank is turned
//!   into a word form deterministically: coined words from consonant–vowel syllables, inflected
//!   and prefixed forms, capitalised names, hyphenated compounds, numbers, accented and Cyrillic
//!   forms; distinct ranks give distinct words.
//!
//! Sentences have 5–40 words, a capital first letter, commas, a full stop, question or
//! exclamation mark, and now and then curly quotes and possessive apostrophes; paragraphs have
//! 1–7 sentences; documents are 1–20 KB (a log-normal-like spread around 4.5 KB) and carry
//! `year` and `party` metadata for group-by.
//!
//! # Determinism
//!
//! The same seed, size and vocabulary files give byte-identical output on any machine and with
//! any number of threads: one xoshiro256** stream per document, seeded through SplitMix64 from
//! the seed and the document number, integer cumulative weights with a binary search for the
//! head, and for the tail only IEEE 754 operations that are exactly rounded
//! (multiplication, division, square root). No hash-map iteration order reaches the output.
//! Documents do not depend on the requested size, so a smaller corpus is a prefix of a larger
//! one with the same seed (up to the last, shortened, document). See docs/corpus-generator.md.

// A command-line program: the summary and messages go to stderr, `--help` to stdout.
#![allow(clippy::print_stderr, clippy::print_stdout)]

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::fs;
use std::hash::{BuildHasherDefault, Hasher};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

const USAGE: &str = "\
gen_corpus: a deterministic benchmark corpus whose vocabulary grows with its size (Heaps' law)

USAGE:
    cargo run --release --example gen_corpus -- --bytes SIZE --out PATH [OPTIONS]

OPTIONS:
    --bytes SIZE        how much text to write, e.g. 10M, 1G, 123456 (K, M, G, KiB, MiB, GiB
                        are powers of 1024); the output is at least SIZE bytes and at most one
                        sentence longer
    --out PATH          jsonl: the file to write ('-' for stdout); text: a directory to create
    --format FORMAT     jsonl (default): one {\"id\",\"text\",\"year\",\"party\",\"source\"} object a line
                        text: one .txt file per document, YEAR_genNNNNNNNNN_PARTY.txt (at most 50M)
    --seed N            seed of the random generator (default 42)
    --vocab-from DIR    real texts (*.txt) to take the base vocabulary from (default corpus/sotu)
    --threads N         threads making documents (default: the cores, at most 8); the
                        output does not depend on it
    --quiet             do not print the summary
    -h, --help          print this help

The same seed, size and vocabulary give byte-identical output on any machine.
See docs/corpus-generator.md.
";

/// The largest corpus written as a directory of `.txt` files.
const TEXT_FORMAT_LIMIT: u64 = 50 * 1024 * 1024;

/// A tail (generated rare) word is drawn when a 64-bit draw is below this: probability 1/16.
const TAIL_THRESHOLD: u64 = 1 << 60;

/// Words that are not ASCII, spliced into the head vocabulary so that the Unicode paths of a
/// tokeniser are exercised by frequent words too.
const NON_ASCII_WORDS: &[&str] = &[
    "café",
    "naïve",
    "Łukaszenka",
    "Москва",
    "résumé",
    "Zürich",
    "Kraków",
    "façade",
    "Минск",
    "Gdańsk",
    "Dvořák",
    "fiancée",
    "Беларусь",
    "Malmö",
    "señor",
    "São",
    "Ångström",
    "protégé",
    "Straße",
    "Київ",
    "élite",
    "Øresund",
    "jalapeño",
    "Αθήνα",
    "coöperation",
    "забастовка",
    "Reykjavík",
    "Bogotá",
    "smörgåsbord",
    "Łódź",
];

/// Document sizes in bytes: 1024·20^(i/16) for i = 0..=16 (1 KiB to 20 KiB, geometric).
const DOC_SIZES: [u64; 17] = [
    1024, 1235, 1489, 1795, 2165, 2611, 3148, 3797, 4579, 5522, 6660, 8032, 9686, 11681, 14087,
    16988, 20480,
];

/// Consonants and vowels of the coined syllables (18 × 5 = 90 syllables).
const CONSONANTS: &[u8; 18] = b"bcdfghjklmnprstvwz";
const VOWELS: &[u8; 5] = b"aeiou";
/// Final consonants of coined words: none that begins a suffix below, so forms stay distinct.
const FINALS: &[u8; 9] = b"bdgkmptvz";
const SUFFIXES: &[&str] = &[
    "s", "ed", "ing", "er", "ers", "ness", "ly", "ism", "ist", "ation", "ize", "ized", "ful",
    "less", "ity", "al",
];
const PREFIXES: &[&str] = &["un", "in", "over", "anti", "ex", "out", "under", "in"];
const NAME_ENDINGS: &[&str] = &["", "", "ski", "son", "ova", "enko", "berg", "ton"];

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Run(args)) => args,
        Err(message) => {
            eprintln!("gen_corpus: {message}\nRun with --help for usage.");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => {
            eprintln!("gen_corpus: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Io(message)) => {
            eprintln!("gen_corpus: {message}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Jsonl,
    Text,
}

struct Args {
    bytes: u64,
    seed: u64,
    format: Format,
    out: PathBuf,
    vocab_from: Option<PathBuf>,
    threads: usize,
    quiet: bool,
}

enum Command {
    Run(Args),
    Help,
}

/// Why a run stopped: bad usage (exit code 2) or a failed read or write (exit code 1).
enum Failure {
    Usage(String),
    Io(String),
}

fn io_error(what: impl fmt::Display, err: io::Error) -> Failure {
    Failure::Io(format!("{what}: {err}"))
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut bytes = None;
    let mut seed = 42;
    let mut format = Format::Jsonl;
    let mut out = None;
    let mut vocab_from = None;
    let mut quiet = false;
    let mut threads = thread::available_parallelism().map_or(1, |n| n.get().min(8));
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => args.next().ok_or_else(|| format!("{name} needs a value")),
            }
        };
        match name.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "--bytes" => bytes = Some(parse_size(&value("--bytes")?)?),
            "--seed" => {
                let v = value("--seed")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed {v:?} is not a whole number from 0 to 2^64-1"))?;
            }
            "--format" => {
                format = match value("--format")?.as_str() {
                    "jsonl" => Format::Jsonl,
                    "text" => Format::Text,
                    other => return Err(format!("--format {other:?}: expected jsonl or text")),
                }
            }
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--vocab-from" => vocab_from = Some(PathBuf::from(value("--vocab-from")?)),
            "--threads" => {
                let v = value("--threads")?;
                threads = match v.parse() {
                    Ok(n) if n >= 1 => n,
                    _ => return Err(format!("--threads {v:?}: expected a whole number from 1")),
                };
            }
            "--quiet" => quiet = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let bytes = bytes.ok_or("--bytes SIZE is required (e.g. --bytes 100M)")?;
    if bytes == 0 {
        return Err("--bytes must be more than 0".into());
    }
    let out = out.ok_or("--out PATH is required")?;
    Ok(Command::Run(Args {
        bytes,
        seed,
        format,
        out,
        vocab_from,
        threads,
        quiet,
    }))
}

/// Parses `123`, `10K`, `100M`, `1G`, `1GiB` (binary multiples).
fn parse_size(text: &str) -> Result<u64, String> {
    let bad = || format!("--bytes {text:?}: expected a size like 123456, 10M or 1G");
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(digits);
    let number: u64 = number.parse().map_err(|_| bad())?;
    let shift = match suffix.to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kib" => 10,
        "m" | "mib" => 20,
        "g" | "gib" => 30,
        "t" | "tib" => 40,
        _ => return Err(bad()),
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("--bytes {text:?} is too large"))
}

/// xoshiro256** seeded through SplitMix64: small, fast and the same everywhere.
struct Rng {
    s: [u64; 4],
}

impl Rng {
    fn new(seed: u64) -> Self {
        let mut state = seed;
        let mut s = [0; 4];
        for word in &mut s {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            *word = mix64(state);
        }
        Rng { s }
    }

    fn next_u64(&mut self) -> u64 {
        let [s0, s1, s2, s3] = &mut self.s;
        let result = s1.wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = *s1 << 17;
        *s2 ^= *s0;
        *s3 ^= *s1;
        *s1 ^= *s2;
        *s0 ^= *s3;
        *s2 ^= t;
        *s3 = s3.rotate_left(45);
        result
    }

    /// A number in `0..n` (multiply-shift; the bias is below 2^-40 for every n used here).
    fn below(&mut self, n: u64) -> u64 {
        scale(self.next_u64(), n)
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.below(n) == 0
    }
}

/// Maps a uniform 64-bit `r` to `0..n`, keeping order: `floor(r · n / 2^64)`.
fn scale(r: u64, n: u64) -> u64 {
    ((u128::from(r) * u128::from(n)) >> 64) as u64
}

/// The SplitMix64 finaliser: a bijective mixing of 64 bits.
fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The head of the vocabulary: real words by rank, with Zipf–Mandelbrot cumulative weights.
struct Vocab {
    /// The words by rank, one after another (frequent words together, kind to the cache).
    text: String,
    /// Where word `r` is in `text`: (start, end | [`CAPITALISED`] if it is written with a
    /// capital (a name), so that it may take a possessive `'s`).
    spans: Vec<(u32, u32)>,
    cumulative: Vec<u64>,
    total: u64,
    /// For each value of a draw's top [`GUIDE_BITS`] bits, the first rank it can give (and,
    /// one entry on, the last), so that a draw needs no search or only a short one.
    guide: Vec<u32>,
}

const GUIDE_BITS: u32 = 12;

/// The flag on a span's end that marks a capitalised word.
const CAPITALISED: u32 = 1 << 31;

impl Vocab {
    fn from_dir(dir: &Path) -> Result<Vocab, Failure> {
        let entries = fs::read_dir(dir).map_err(|err| {
            Failure::Usage(format!(
                "cannot read the vocabulary directory {}: {err} (pass --vocab-from DIR with .txt files)",
                dir.display()
            ))
        })?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(|err| io_error(dir.display(), err))?.path();
            if path.extension().is_some_and(|e| e == "txt") && path.is_file() {
                files.push(path);
            }
        }
        files.sort();
        // lower-cased word → (count, spelling → count)
        let mut counts: HashMap<String, (u64, HashMap<String, u64>)> = HashMap::new();
        for file in &files {
            let bytes = fs::read(file).map_err(|err| io_error(file.display(), err))?;
            let text = String::from_utf8_lossy(&bytes);
            for word in words_of(&text) {
                let entry = counts.entry(word.to_lowercase()).or_default();
                entry.0 += 1;
                *entry.1.entry(word.to_owned()).or_default() += 1;
            }
        }
        if counts.is_empty() {
            return Err(Failure::Usage(format!(
                "no words found in {}/*.txt (pass --vocab-from DIR with plain-text files)",
                dir.display()
            )));
        }
        let mut ranked: Vec<(u64, String, String)> = counts
            .into_iter()
            .map(|(key, (count, spellings))| {
                // The most frequent spelling; on a tie the lower-case one, then the first in order.
                let spelling = spellings
                    .into_iter()
                    .max_by(|a, b| {
                        a.1.cmp(&b.1)
                            .then_with(|| (a.0 == key).cmp(&(b.0 == key)))
                            .then_with(|| b.0.cmp(&a.0))
                    })
                    .map(|(spelling, _)| spelling)
                    .unwrap_or_else(|| key.clone());
                (count, key, spelling)
            })
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let mut words: Vec<String> = ranked.into_iter().map(|(_, _, s)| s).collect();
        for (i, word) in NON_ASCII_WORDS.iter().enumerate() {
            let at = (200 + 150 * i).min(words.len());
            words.insert(at, (*word).to_owned());
        }
        // Padded so that a word can be copied as one 16-byte block (see `Generator::word`).
        let text: String = words.concat() + &" ".repeat(16);
        if text.len() >= CAPITALISED as usize {
            return Err(Failure::Usage(format!(
                "the vocabulary of {} is too large (over 2 GB of distinct words)",
                dir.display()
            )));
        }
        let mut spans = Vec::with_capacity(words.len());
        let mut start = 0u32;
        for word in &words {
            let end = start + word.len() as u32;
            let capital = word.chars().next().is_some_and(char::is_uppercase) && word.len() >= 3;
            spans.push((start, if capital { end | CAPITALISED } else { end }));
            start = end;
        }
        // Zipf–Mandelbrot, exponent 1, q = 2.7: weight(r) = 2^50 · 10 / (10·r + 27), r from 1.
        let mut cumulative = Vec::with_capacity(words.len());
        let mut total = 0u64;
        for rank in 1..=words.len() as u64 {
            total += (10u64 << 50) / (10 * rank + 27);
            cumulative.push(total);
        }
        let guide = (0..=1u64 << GUIDE_BITS)
            .map(|k| {
                let lowest = scale(k.saturating_mul(1 << (64 - GUIDE_BITS)), total);
                cumulative.partition_point(|&c| c <= lowest) as u32
            })
            .collect();
        Ok(Vocab {
            text,
            spans,
            cumulative,
            total,
            guide,
        })
    }

    /// A rank drawn with probability weight / total: the first rank whose cumulative weight
    /// exceeds a uniform draw in `0..total`.
    fn sample(&self, rng: &mut Rng) -> usize {
        let r = rng.next_u64();
        let x = scale(r, self.total);
        let k = (r >> (64 - GUIDE_BITS)) as usize;
        let (lo, hi) = (self.guide[k] as usize, self.guide[k + 1] as usize);
        if lo >= hi {
            return lo.min(self.len() - 1);
        }
        let hi = hi.min(self.len() - 1);
        lo + self.cumulative[lo..=hi].partition_point(|&c| c <= x)
    }

    fn len(&self) -> usize {
        self.spans.len()
    }

    /// The word of rank `r` (from 0) and whether it is written with a capital.
    fn word(&self, r: usize) -> (&[u8], bool) {
        let (start, end) = self.spans[r];
        let word = &self.text.as_bytes()[start as usize..(end & !CAPITALISED) as usize];
        (word, end & CAPITALISED != 0)
    }
}

/// Words of a real text: runs of letters, with an apostrophe inside (`don't`, `nation's`).
fn words_of(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let start = rest.find(char::is_alphabetic)?;
        rest = &rest[start..];
        let mut end = 0;
        let mut chars = rest.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if c.is_alphabetic() {
                end = i + c.len_utf8();
            } else if (c == '\'' || c == '’')
                && chars.peek().is_some_and(|&(_, n)| n.is_alphabetic())
            {
                continue;
            } else {
                break;
            }
        }
        let word = &rest[..end];
        rest = &rest[end..];
        Some(word)
    })
}

/// Writes the coined stem of tail rank `t`: the base-90 digits of `t + 90` as consonant–vowel
/// syllables (two or more), so distinct ranks give distinct stems.
fn push_stem(t: u64, out: &mut Vec<u8>) {
    let mut digits = [0u8; 12];
    let mut n = t.saturating_add(90);
    let mut len = 0;
    while n > 0 {
        digits[len] = (n % 90) as u8;
        n /= 90;
        len += 1;
    }
    for &d in digits[..len].iter().rev() {
        out.push(CONSONANTS[usize::from(d / 5)]);
        out.push(VOWELS[usize::from(d % 5)]);
    }
}

/// Writes the rare word form of tail rank `t`; returns whether it is a capitalised name.
fn push_tail_form(t: u64, vocab: &Vocab, out: &mut Vec<u8>) -> bool {
    let mix = mix64(t ^ 0x5EED_F0E5);
    let pick = |shift: u32, n: usize| ((mix >> shift) % n as u64) as usize;
    let start = out.len();
    match (mix >> 8) % 32 {
        // Coined words, a third of them with a final consonant.
        0..=13 => {
            push_stem(t, out);
            if mix.is_multiple_of(3) {
                out.push(FINALS[pick(16, FINALS.len())]);
            }
            false
        }
        // Inflected forms.
        14..=17 => {
            push_stem(t, out);
            out.push_text(SUFFIXES[pick(16, SUFFIXES.len())]);
            false
        }
        // Prefixed forms.
        18..=19 => {
            out.push_text(PREFIXES[pick(16, PREFIXES.len())]);
            push_stem(t, out);
            false
        }
        // Capitalised names.
        20..=22 => {
            push_stem(t, out);
            out.push_text(NAME_ENDINGS[pick(16, NAME_ENDINGS.len())]);
            out[start..start + 1].make_ascii_uppercase();
            true
        }
        // Hyphenated compounds with a common real word (lower-case).
        23..=25 => {
            let head = 30 + pick(16, 2000);
            let word = if head < vocab.len() {
                vocab.word(head).0
            } else {
                b"well"
            };
            if mix & (1 << 40) == 0 {
                out.extend_from_slice(word);
                out.push(b'-');
                push_stem(t, out);
            } else {
                push_stem(t, out);
                out.push(b'-');
                out.extend_from_slice(word);
            }
            out[start..].make_ascii_lowercase();
            false
        }
        // Numbers: 1990s-like, plain, grouped with commas, money and percentages.
        26..=27 => {
            push_number(t, pick(16, 4), out);
            false
        }
        // Accented forms: one vowel of the stem gets a diacritic, now and then ł, ñ or č too.
        28..=29 => {
            let mut stem = Vec::new();
            push_stem(t, &mut stem);
            let vowels = stem.iter().filter(|b| VOWELS.contains(b)).count();
            let accent_at = pick(16, vowels.max(1));
            let mut seen = 0;
            for c in stem.iter().map(|&b| char::from(b)) {
                let is_vowel = VOWELS.contains(&(c as u8));
                let accented = match c {
                    'a' if seen == accent_at => 'á',
                    'e' if seen == accent_at => 'é',
                    'i' if seen == accent_at => 'ï',
                    'o' if seen == accent_at => 'ö',
                    'u' if seen == accent_at => 'ü',
                    'l' if mix & (1 << 41) != 0 => 'ł',
                    'n' if mix & (1 << 42) != 0 => 'ñ',
                    'c' if mix & (1 << 43) != 0 => 'č',
                    other => other,
                };
                if is_vowel {
                    seen += 1;
                }
                out.push_char(accented);
            }
            false
        }
        // Cyrillic forms, half of them capitalised names.
        _ => {
            let mut stem = Vec::new();
            push_stem(t, &mut stem);
            let name = mix & (1 << 44) != 0;
            for (i, &c) in stem.iter().enumerate() {
                let cyrillic = cyrillic_of(c);
                if name && i == 0 {
                    cyrillic.to_uppercase().for_each(|u| out.push_char(u));
                } else {
                    out.push_char(cyrillic);
                }
            }
            name
        }
    }
}

fn cyrillic_of(c: u8) -> char {
    match c {
        b'a' => 'а',
        b'b' => 'б',
        b'c' => 'ц',
        b'd' => 'д',
        b'e' => 'е',
        b'f' => 'ф',
        b'g' => 'г',
        b'h' => 'х',
        b'i' => 'и',
        b'j' => 'ж',
        b'k' => 'к',
        b'l' => 'л',
        b'm' => 'м',
        b'n' => 'н',
        b'o' => 'о',
        b'p' => 'п',
        b'r' => 'р',
        b's' => 'с',
        b't' => 'т',
        b'u' => 'у',
        b'v' => 'в',
        b'w' => 'ш',
        _ => 'з',
    }
}

fn push_number(t: u64, style: usize, out: &mut Vec<u8>) {
    // `write!` into a Vec cannot fail.
    let _ = match style {
        0 => write!(out, "{}s", 1000 + t),
        1 => write!(out, "{t}"),
        2 => {
            out.push(b'$');
            push_grouped(t, out);
            Ok(())
        }
        _ => write!(out, "{}.{}%", t / 10, t % 10),
    };
}

/// Writes `t` with commas between groups of three digits: 1,234,567.
fn push_grouped(t: u64, out: &mut Vec<u8>) {
    let digits = t.to_string();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_char(',');
        }
        out.push_char(c);
    }
}

/// Tail ranks below this are recorded in a bitmap (2 MiB), the rest in a hash set.
const TAIL_BITMAP: u64 = 1 << 24;

/// A hasher for tail ranks (plain integers): the SplitMix64 finaliser, no SipHash.
#[derive(Default)]
struct RankHasher(u64);

impl Hasher for RankHasher {
    fn finish(&self) -> u64 {
        mix64(self.0)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }
}

/// Writes one document from its own random stream, seeded by the corpus seed and the document
/// number: documents can be made on any number of threads and the output stays the same.
struct Generator<'v> {
    vocab: &'v Vocab,
    rng: Rng,
    /// The head and tail ranks used, in order (for the statistics).
    head: Vec<u32>,
    tail: Vec<u64>,
}

/// One generated document and the ranks it used.
struct Doc {
    /// The document number, from 1.
    index: u64,
    /// The size drawn for it, before any cut to end the corpus at the requested size.
    size: u64,
    year: u64,
    party: &'static str,
    text: Vec<u8>,
    head: Vec<u32>,
    tail: Vec<u64>,
}

impl Doc {
    /// Makes document `index`; `cap` cuts it short (to a prefix of whole sentences).
    fn make(vocab: &Vocab, seed: u64, index: u64, cap: Option<u64>) -> Doc {
        let mut generator = Generator {
            vocab,
            rng: Rng::new(mix64(mix64(seed) ^ index)),
            head: Vec::with_capacity(1024),
            tail: Vec::with_capacity(64),
        };
        let size = generator.document_size();
        let (year, party) = generator.metadata();
        let target = cap.map_or(size, |cap| size.min(cap));
        let mut text = Vec::with_capacity(target as usize + 1024);
        generator.document(target, &mut text);
        Doc {
            index,
            size,
            year,
            party,
            text,
            head: generator.head,
            tail: generator.tail,
        }
    }
}

/// The summary's counts: tokens and the distinct head and tail ranks.
struct Stats {
    tokens: u64,
    head_seen: Vec<bool>,
    /// Tail ranks seen: a bitmap for the first [`TAIL_BITMAP`] ranks, a set beyond.
    tail_bitmap: Vec<u64>,
    tail_seen: HashSet<u64, BuildHasherDefault<RankHasher>>,
}

impl Stats {
    fn new(vocab: &Vocab) -> Self {
        Stats {
            tokens: 0,
            head_seen: vec![false; vocab.len()],
            tail_bitmap: vec![0; (TAIL_BITMAP / 64) as usize],
            tail_seen: HashSet::default(),
        }
    }

    fn add(&mut self, doc: &Doc) {
        self.tokens += (doc.head.len() + doc.tail.len()) as u64;
        for &r in &doc.head {
            self.head_seen[r as usize] = true;
        }
        for &t in &doc.tail {
            if t < TAIL_BITMAP {
                self.tail_bitmap[(t / 64) as usize] |= 1 << (t % 64);
            } else {
                self.tail_seen.insert(t);
            }
        }
    }

    fn distinct(&self) -> (u64, u64) {
        let head = self.head_seen.iter().filter(|&&s| s).count() as u64;
        let bitmap: u64 = self
            .tail_bitmap
            .iter()
            .map(|w| u64::from(w.count_ones()))
            .sum();
        (head, bitmap + self.tail_seen.len() as u64)
    }
}

/// Documents per unit of work handed to a thread.
const BATCH: u64 = 16;

/// Makes documents 1, 2, 3, … on `threads` threads and hands them to `consume` in order, until
/// it returns `Ok(false)` or an error.
fn produce<E>(
    vocab: &Vocab,
    seed: u64,
    threads: usize,
    mut consume: impl FnMut(Doc) -> Result<bool, E>,
) -> Result<(), E> {
    if threads <= 1 {
        for index in 1.. {
            if !consume(Doc::make(vocab, seed, index, None))? {
                break;
            }
        }
        return Ok(());
    }
    let stop = AtomicBool::new(false);
    thread::scope(|scope| {
        let mut receivers = Vec::with_capacity(threads);
        for worker in 0..threads as u64 {
            let (sender, receiver) = mpsc::sync_channel::<Vec<Doc>>(2);
            receivers.push(receiver);
            let stop = &stop;
            scope.spawn(move || {
                // Worker w makes batches w, w + threads, w + 2·threads, …
                let mut batch = worker;
                while !stop.load(Ordering::Relaxed) {
                    let docs = (batch * BATCH + 1..=(batch + 1) * BATCH)
                        .map(|index| Doc::make(vocab, seed, index, None))
                        .collect();
                    if sender.send(docs).is_err() {
                        break;
                    }
                    batch += threads as u64;
                }
            });
        }
        let result = 'batches: {
            for batch in 0.. {
                // A worker only stops early by panicking, which the scope passes on.
                let Ok(docs) = receivers[batch % threads].recv() else {
                    break 'batches Ok(());
                };
                for doc in docs {
                    match consume(doc) {
                        Ok(true) => {}
                        other => break 'batches other.map(|_| ()),
                    }
                }
            }
            Ok(())
        };
        stop.store(true, Ordering::Relaxed);
        drop(receivers);
        result
    })
}

impl Generator<'_> {
    /// Writes one word; returns whether it is a capitalised name.
    fn word(&mut self, out: &mut Vec<u8>) -> bool {
        if self.rng.next_u64() < TAIL_THRESHOLD {
            let t = self.tail_rank();
            self.tail.push(t);
            push_tail_form(t, self.vocab, out)
        } else {
            let rank = self.vocab.sample(&mut self.rng);
            self.head.push(rank as u32);
            let (start, end) = self.vocab.spans[rank];
            let (start, word_end) = (start as usize, (end & !CAPITALISED) as usize);
            let text = self.vocab.text.as_bytes();
            if word_end - start <= 16 {
                // Most words: copy a fixed 16-byte block (one vector move, no call) and cut it.
                let len = out.len();
                let block: &[u8; 16] = text[start..start + 16]
                    .try_into()
                    .expect("the vocabulary text is padded by 16 bytes");
                out.extend_from_slice(block);
                out.truncate(len + word_end - start);
            } else {
                out.extend_from_slice(&text[start..word_end]);
            }
            end & CAPITALISED != 0
        }
    }

    /// A tail rank: Pareto with exponent 1.8 beyond the head, `x = r0 / u^1.25`, offset to 0.
    /// Only exactly rounded IEEE 754 operations are used, so every machine gets the same rank.
    fn tail_rank(&mut self) -> u64 {
        let r0 = self.vocab.len() as f64;
        let u = ((self.rng.next_u64() >> 11) + 1) as f64 * (1.0 / (1u64 << 53) as f64);
        let x = r0 / (u * u.sqrt().sqrt());
        (x.min(1e15) as u64).saturating_sub(self.vocab.len() as u64)
    }

    fn sentence(&mut self, out: &mut Vec<u8>) {
        let len = 5 + self.rng.below(19) + self.rng.below(18); // 5..=40, mean 22
        let quoted = self.rng.one_in(25);
        // Now and then a short quotation inside the sentence: (first word, last word).
        let inner = if !quoted && self.rng.one_in(30) {
            let first = 1 + self.rng.below(len - 2);
            Some((first, (first + self.rng.below(4)).min(len - 2)))
        } else {
            None
        };
        if quoted {
            out.push_char('“');
        }
        for i in 0..len {
            if i > 0 {
                out.push_char(' ');
            }
            if inner.is_some_and(|(first, _)| first == i) {
                out.push_char('“');
            }
            let start = out.len();
            let name = self.word(out);
            if i == 0 {
                capitalise_at(out, start);
            }
            if name && self.rng.one_in(6) {
                out.push_text(if self.rng.one_in(2) { "’s" } else { "'s" });
            }
            if inner.is_some_and(|(_, last)| last == i) {
                out.push_char('”');
            }
            if i + 1 < len {
                if self.rng.one_in(11) {
                    out.push_char(',');
                } else if self.rng.one_in(250) {
                    out.push_char(';');
                }
            }
        }
        out.push_char(match self.rng.below(100) {
            0..=85 => '.',
            86..=93 => '?',
            _ => '!',
        });
        if quoted {
            out.push_char('”');
        }
    }

    /// Writes a document of about `target` bytes (at least one sentence).
    fn document(&mut self, target: u64, out: &mut Vec<u8>) {
        out.clear();
        loop {
            let sentences = 1 + self.rng.below(7);
            for j in 0..sentences {
                if j > 0 {
                    out.push_char(' ');
                }
                self.sentence(out);
                if out.len() as u64 >= target {
                    return;
                }
            }
            out.push_text("\n\n");
        }
    }

    /// The size of the next document: log-normal-like between 1 and 20 KiB.
    fn document_size(&mut self) -> u64 {
        let i = (0..4).map(|_| self.rng.below(5)).sum::<u64>() as usize; // 0..=16, binomial
        let (lo, hi) = (DOC_SIZES[i], DOC_SIZES[(i + 1).min(16)]);
        lo + self.rng.below(hi - lo + 1)
    }

    fn metadata(&mut self) -> (u64, &'static str) {
        let year = 1961 + self.rng.below(64);
        let party = match self.rng.below(20) {
            0 => "i",
            1..=10 => "d",
            _ => "r",
        };
        (year, party)
    }
}

/// Upper-cases the first character written at `start`.
fn capitalise_at(out: &mut Vec<u8>, start: usize) {
    let Some(&lead) = out.get(start) else {
        return;
    };
    if lead.is_ascii() {
        out[start] = lead.to_ascii_uppercase();
        return;
    }
    let len = match lead {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    };
    let end = (start + len).min(out.len());
    let Some(first) = std::str::from_utf8(&out[start..end])
        .ok()
        .and_then(|s| s.chars().next())
    else {
        return;
    };
    if first.is_lowercase() {
        let upper: String = first.to_uppercase().collect();
        out.splice(start..end, upper.bytes());
    }
}

/// Appending text to a byte buffer (the generated text is built as UTF-8 bytes).
trait PushText {
    fn push_text(&mut self, text: &str);
    fn push_char(&mut self, c: char);
}

impl PushText for Vec<u8> {
    fn push_text(&mut self, text: &str) {
        self.extend_from_slice(text.as_bytes());
    }

    fn push_char(&mut self, c: char) {
        let mut buf = [0; 4];
        self.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    }
}

/// Writes `text` as the body of a JSON string. Generated text has no quotes, backslashes or
/// control characters but the paragraph breaks, so lines are written whole when they are clean.
fn write_json_str(w: &mut impl Write, text: &[u8]) -> io::Result<()> {
    for (i, bytes) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            w.write_all(b"\\n")?;
        }
        // A fold, not `any`, so that the check is vectorised.
        let clean = !bytes.iter().fold(false, |dirty, &b| {
            dirty | (b < 0x20) | (b == b'"') | (b == b'\\')
        });
        if clean {
            w.write_all(bytes)?;
            continue;
        }
        for &b in bytes {
            match b {
                b'"' => w.write_all(b"\\\"")?,
                b'\\' => w.write_all(b"\\\\")?,
                0..=0x1f => write!(w, "\\u{b:04x}")?,
                _ => w.write_all(&[b])?,
            }
        }
    }
    Ok(())
}

/// Counts what is written: the summary's byte count.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

fn default_vocab_dir() -> PathBuf {
    let relative = PathBuf::from("corpus/sotu");
    if relative.is_dir() {
        relative
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/sotu")
    }
}

fn run(args: &Args) -> Result<(), Failure> {
    if args.format == Format::Text && args.bytes > TEXT_FORMAT_LIMIT {
        return Err(Failure::Usage(format!(
            "--format text writes one file per document and is for corpora up to 50M; \
             {} bytes asked: use --format jsonl",
            args.bytes
        )));
    }
    let started = Instant::now();
    let vocab_dir = args.vocab_from.clone().unwrap_or_else(default_vocab_dir);
    let vocab = Vocab::from_dir(&vocab_dir)?;
    let mut stats = Stats::new(&vocab);
    let (written, documents) = match args.format {
        Format::Jsonl if args.out == Path::new("-") => {
            let stdout = io::stdout().lock();
            let mut w = Counting {
                inner: BufWriter::with_capacity(1 << 20, stdout),
                bytes: 0,
            };
            let documents = write_jsonl(&vocab, args, &mut stats, &mut w)
                .and_then(|n| w.flush().map(|()| n))
                .map_err(|err| io_error("writing to stdout", err))?;
            (w.bytes, documents)
        }
        Format::Jsonl => write_jsonl_file(&vocab, args, &mut stats)?,
        Format::Text => write_text_dir(&vocab, args, &mut stats)?,
    };
    if !args.quiet {
        let seconds = started.elapsed().as_secs_f64();
        let (head, tail) = stats.distinct();
        eprintln!(
            "gen_corpus: {} bytes, {} documents, {} tokens, {} distinct words ({} base + {} generated forms) \
             in {:.2} s ({:.0} MB/s, {} threads) -> {}",
            written,
            documents,
            stats.tokens,
            head + tail,
            head,
            tail,
            seconds,
            written as f64 / 1e6 / seconds.max(1e-9),
            args.threads,
            args.out.display()
        );
    }
    Ok(())
}

/// Writes JSONL documents until at least `--bytes` bytes are out; returns the document count.
fn write_jsonl(
    vocab: &Vocab,
    args: &Args,
    stats: &mut Stats,
    w: &mut Counting<impl Write>,
) -> io::Result<u64> {
    // Everything on a line but the text: {"id":"gen-000000001","text":"","year":"1990","party":"d","source":"gen"}
    const LINE_OVERHEAD: u64 = 77;
    let mut documents = 0;
    produce(vocab, args.seed, args.threads, |doc| {
        let remaining = (args.bytes - w.bytes).saturating_sub(LINE_OVERHEAD);
        let doc = if doc.size > remaining {
            Doc::make(vocab, args.seed, doc.index, Some(remaining))
        } else {
            doc
        };
        stats.add(&doc);
        documents = doc.index;
        write!(w, "{{\"id\":\"gen-{:09}\",\"text\":\"", doc.index)?;
        write_json_str(w, &doc.text)?;
        writeln!(
            w,
            "\",\"year\":\"{}\",\"party\":\"{}\",\"source\":\"gen\"}}",
            doc.year, doc.party
        )?;
        Ok::<bool, io::Error>(w.bytes < args.bytes)
    })?;
    Ok(documents)
}

/// Writes the JSONL file through a temporary file renamed at the end (no torn output).
fn write_jsonl_file(vocab: &Vocab, args: &Args, stats: &mut Stats) -> Result<(u64, u64), Failure> {
    let mut tmp_name = args.out.as_os_str().to_owned();
    tmp_name.push(".tmp");
    let tmp = PathBuf::from(tmp_name);
    let file = fs::File::create(&tmp).map_err(|err| io_error(tmp.display(), err))?;
    let mut w = Counting {
        inner: BufWriter::with_capacity(1 << 20, file),
        bytes: 0,
    };
    let result = write_jsonl(vocab, args, stats, &mut w).and_then(|documents| {
        w.flush()?;
        Ok(documents)
    });
    match result {
        Ok(documents) => {
            fs::rename(&tmp, &args.out).map_err(|err| io_error(args.out.display(), err))?;
            Ok((w.bytes, documents))
        }
        Err(err) => {
            let _ = fs::remove_file(&tmp);
            Err(io_error(args.out.display(), err))
        }
    }
}

/// Writes one `YEAR_genNNNNNNNNN_PARTY.txt` file per document into a new (or empty) directory.
fn write_text_dir(vocab: &Vocab, args: &Args, stats: &mut Stats) -> Result<(u64, u64), Failure> {
    let dir = &args.out;
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(|err| io_error(dir.display(), err))?;
        if entries.next().is_some() {
            return Err(Failure::Usage(format!(
                "{} exists and is not empty; remove it or choose another --out",
                dir.display()
            )));
        }
    }
    fs::create_dir_all(dir).map_err(|err| io_error(dir.display(), err))?;
    let (mut written, mut documents) = (0u64, 0u64);
    produce(vocab, args.seed, args.threads, |doc| {
        let remaining = args.bytes - written;
        let doc = if doc.size > remaining {
            Doc::make(vocab, args.seed, doc.index, Some(remaining))
        } else {
            doc
        };
        stats.add(&doc);
        documents = doc.index;
        let path = dir.join(format!(
            "{}_gen{:09}_{}.txt",
            doc.year, doc.index, doc.party
        ));
        fs::write(&path, &doc.text).map_err(|err| io_error(path.display(), err))?;
        written += doc.text.len() as u64;
        Ok(written < args.bytes)
    })?;
    Ok((written, documents))
}

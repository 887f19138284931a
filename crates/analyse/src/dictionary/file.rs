//! Dictionary files: YAML and JSON mappings of categories to patterns (nestable, as quanteda's
//! dictionary files) and LIWC-style `.dic` files; every problem with its `file:line:col`.

use std::borrow::Cow;
use std::path::Path;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::{Pattern, PatternForms};

/// The format of a dictionary file, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DictionaryFormat {
    /// `.yaml` or `.yml`: a mapping of category → list of patterns, or → a mapping of
    /// sub-categories (named `parent.child`).
    Yaml,
    /// `.json`: the same shape as YAML, in JSON.
    Json,
    /// `.dic`: LIWC's format, a `%`-delimited header of `id name` lines, then one word per
    /// line with the ids of its categories.
    Dic,
}

impl DictionaryFormat {
    /// The format of `path`, by its extension (case-insensitive).
    pub fn of_path(path: &Path) -> Result<DictionaryFormat, DictionaryError> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "yaml" | "yml" => Ok(DictionaryFormat::Yaml),
            "json" => Ok(DictionaryFormat::Json),
            "dic" => Ok(DictionaryFormat::Dic),
            _ => Err(DictionaryError::UnknownFormat {
                file: path.display().to_string(),
                extension: if ext.is_empty() {
                    String::new()
                } else {
                    format!(".{ext}")
                },
            }),
        }
    }
}

/// A problem with a dictionary file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DictionaryError {
    /// The file's extension names no format.
    #[error(
        "unknown dictionary format \"{extension}\" of {file}: expected .yaml, .yml, .json or .dic"
    )]
    UnknownFormat {
        /// The file.
        file: String,
        /// Its extension with the dot (empty when it has none).
        extension: String,
    },
    /// The file cannot be read.
    #[error("{file}: cannot read dictionary file: {reason}")]
    Read {
        /// The file.
        file: String,
        /// Why.
        reason: String,
    },
    /// A problem at a place in the file: what was expected there.
    #[error("{file}:{line}:{col}: {message}")]
    At {
        /// The file.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        col: usize,
        /// What was expected, and what was found.
        message: String,
    },
}

/// Where something is in a file: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Pos {
    pub(crate) line: usize,
    pub(crate) col: usize,
}

/// A category as a file defines it: its full name and where.
#[derive(Debug, Clone)]
pub(crate) struct RawCategory {
    pub(crate) name: String,
    pub(crate) at: Pos,
}

/// A pattern as a file writes it: its text, where, and its category (index into the file's
/// categories).
#[derive(Debug, Clone)]
pub(crate) struct RawPattern {
    pub(crate) text: String,
    pub(crate) at: Pos,
    pub(crate) category: u32,
}

/// A file's categories and patterns before the patterns are normalised.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawDictionary {
    pub(crate) categories: Vec<RawCategory>,
    pub(crate) patterns: Vec<RawPattern>,
}

/// Problems are collected to this many per file; the rest are summed up in one line.
pub(crate) const MAX_ERRORS: usize = 20;

/// Collects the problems of one file.
pub(crate) struct Problems<'f> {
    pub(crate) file: &'f str,
    pub(crate) errors: Vec<DictionaryError>,
    pub(crate) more: usize,
}

impl<'f> Problems<'f> {
    pub(crate) fn new(file: &'f str) -> Self {
        Problems {
            file,
            errors: Vec::new(),
            more: 0,
        }
    }

    pub(crate) fn at(&mut self, at: Pos, message: impl Into<String>) {
        if self.errors.len() < MAX_ERRORS {
            self.errors.push(DictionaryError::At {
                file: self.file.to_string(),
                line: at.line,
                col: at.col,
                message: message.into(),
            });
        } else {
            self.more += 1;
        }
    }

    /// The problems, the last one saying how many more there were.
    pub(crate) fn into_errors(mut self) -> Vec<DictionaryError> {
        if self.more > 0
            && let Some(DictionaryError::At { message, .. }) = self.errors.last_mut()
        {
            message.push_str(&format!(
                " (and {} more problem{} in this file)",
                self.more,
                if self.more == 1 { "" } else { "s" }
            ));
        }
        self.errors
    }
}

/// Parses `text` (the content of `file`) as `format`.
pub(crate) fn parse_raw(
    text: &str,
    format: DictionaryFormat,
    problems: &mut Problems<'_>,
) -> RawDictionary {
    match format {
        DictionaryFormat::Yaml => match tree(text) {
            Ok(node) => walk(&node, problems),
            Err((at, message)) => {
                problems.at(at, message);
                RawDictionary::default()
            }
        },
        DictionaryFormat::Json => parse_json(text, problems),
        DictionaryFormat::Dic => parse_dic(text, problems),
    }
}

/// Normalises each pattern with `forms`; a pattern that cannot be used is a problem at its
/// place. Returns, in file order, the patterns with their categories.
pub(crate) fn parse_patterns(
    raw: &RawDictionary,
    forms: &dyn PatternForms,
    problems: &mut Problems<'_>,
) -> Vec<(Pattern, u32)> {
    let mut out = Vec::with_capacity(raw.patterns.len());
    for p in &raw.patterns {
        match Pattern::parse_with(&p.text, forms) {
            Ok(pattern) => out.push((pattern, p.category)),
            Err(e) => problems.at(p.at, format!("{e}")),
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// YAML (and JSON, through the same tree)

/// How deep mappings and lists may nest.
const MAX_DEPTH: usize = 64;

/// A YAML node with its position.
#[derive(Debug)]
enum Node<'t> {
    Mapping(Vec<(Node<'t>, Node<'t>)>, Pos),
    Sequence(Vec<Node<'t>>, Pos),
    Scalar(Cow<'t, str>, ScalarStyle, Pos),
    Alias(Pos),
}

impl Node<'_> {
    fn pos(&self) -> Pos {
        match self {
            Node::Mapping(_, p) | Node::Sequence(_, p) | Node::Scalar(_, _, p) | Node::Alias(p) => {
                *p
            }
        }
    }

    /// What the node is, as an error message names it.
    fn kind(&self) -> &'static str {
        match self {
            Node::Mapping(..) => "a mapping",
            Node::Sequence(..) => "a list",
            Node::Alias(_) => "an alias",
            Node::Scalar(s, style, _) => match scalar_type(s, *style) {
                ScalarType::String => "a string",
                ScalarType::Null => "null",
                ScalarType::Bool => "a boolean",
                ScalarType::Number => "a number",
            },
        }
    }
}

fn pos_of(span: &Span) -> Pos {
    Pos {
        line: span.start.line(),
        col: span.start.col() + 1,
    }
}

/// A plain scalar's type under YAML 1.2's core schema; quoted and block scalars are strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScalarType {
    String,
    Null,
    Bool,
    Number,
}

fn scalar_type(s: &str, style: ScalarStyle) -> ScalarType {
    if style != ScalarStyle::Plain {
        return ScalarType::String;
    }
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarType::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return ScalarType::Bool,
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => return ScalarType::Number,
        _ => {}
    }
    let digits = |t: &str, radix: u32| !t.is_empty() && t.chars().all(|c| c.is_digit(radix));
    if let Some(h) = s.strip_prefix("0x") {
        return if digits(h, 16) {
            ScalarType::Number
        } else {
            ScalarType::String
        };
    }
    if let Some(o) = s.strip_prefix("0o") {
        return if digits(o, 8) {
            ScalarType::Number
        } else {
            ScalarType::String
        };
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => {
            (a.is_empty() && digits(b, 10)) || (digits(a, 10) && (b.is_empty() || digits(b, 10)))
        }
        None => digits(mantissa, 10),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if mantissa_ok && exponent_ok {
        ScalarType::Number
    } else {
        ScalarType::String
    }
}

/// The first document of `text` as a tree, or the first syntax problem.
fn tree(text: &str) -> Result<Node<'_>, (Pos, String)> {
    // Open mappings and lists: their items so far, and a mapping's pending key.
    enum Open<'t> {
        Mapping(Vec<(Node<'t>, Node<'t>)>, Option<Node<'t>>, Pos),
        Sequence(Vec<Node<'t>>, Pos),
    }
    let mut stack: Vec<Open<'_>> = Vec::new();
    let mut root: Option<Node<'_>> = None;
    let mut last = Pos { line: 1, col: 1 };
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| {
            (
                Pos {
                    line: e.marker().line(),
                    col: e.marker().col() + 1,
                },
                format!("invalid YAML: {}", e.info()),
            )
        })?;
        let at = pos_of(&span);
        last = at;
        let node = match event {
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if stack.len() >= MAX_DEPTH {
                    return Err((
                        at,
                        format!("expected categories nested at most {MAX_DEPTH} levels deep"),
                    ));
                }
                stack.push(match event {
                    Event::MappingStart(..) => Open::Mapping(Vec::new(), None, at),
                    _ => Open::Sequence(Vec::new(), at),
                });
                continue;
            }
            Event::MappingEnd => match stack.pop() {
                Some(Open::Mapping(items, _, p)) => Node::Mapping(items, p),
                _ => return Err((at, "invalid YAML: unbalanced mapping".to_string())),
            },
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Sequence(items, p)) => Node::Sequence(items, p),
                _ => return Err((at, "invalid YAML: unbalanced list".to_string())),
            },
            Event::Scalar(value, style, ..) => Node::Scalar(value, style, at),
            Event::Alias(_) => Node::Alias(at),
            Event::DocumentStart(_) if root.is_some() => {
                return Err((
                    at,
                    "expected one YAML document, found a second one".to_string(),
                ));
            }
            Event::StreamEnd => break,
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Sequence(items, _)) => items.push(node),
            Some(Open::Mapping(items, key, _)) => match key.take() {
                None => *key = Some(node),
                Some(k) => items.push((k, node)),
            },
        }
    }
    root.ok_or((
        last,
        "expected a mapping of categories, found an empty file".to_string(),
    ))
}

/// The categories and patterns of a tree.
fn walk(node: &Node<'_>, problems: &mut Problems<'_>) -> RawDictionary {
    let mut out = RawDictionary::default();
    match node {
        Node::Mapping(items, at) => {
            if items.is_empty() {
                problems.at(
                    *at,
                    "expected a mapping of categories, found an empty mapping",
                );
            }
            walk_mapping(items, "", &mut out, problems);
        }
        other => problems.at(
            other.pos(),
            format!(
                "expected a mapping of categories to lists of patterns, found {}",
                other.kind()
            ),
        ),
    }
    out
}

fn walk_mapping(
    items: &[(Node<'_>, Node<'_>)],
    prefix: &str,
    out: &mut RawDictionary,
    problems: &mut Problems<'_>,
) {
    for (key, value) in items {
        let name = match key {
            Node::Scalar(s, style, at) => {
                if scalar_type(s, *style) == ScalarType::Null || s.trim().is_empty() {
                    problems.at(*at, "expected a category name, found an empty key");
                    continue;
                }
                s.as_ref()
            }
            other => {
                problems.at(
                    other.pos(),
                    format!("expected a category name, found {}", other.kind()),
                );
                continue;
            }
        };
        let full = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        match value {
            Node::Mapping(sub, at) => {
                if sub.is_empty() {
                    problems.at(
                        *at,
                        format!("category `{full}`: expected a list of patterns or a mapping of categories, found an empty mapping"),
                    );
                }
                walk_mapping(sub, &full, out, problems);
            }
            Node::Sequence(list, _) => {
                let category = out.categories.len() as u32;
                out.categories.push(RawCategory {
                    name: full.clone(),
                    at: key.pos(),
                });
                for item in list {
                    match item {
                        Node::Scalar(s, style, at)
                            if scalar_type(s, *style) == ScalarType::String =>
                        {
                            out.patterns.push(RawPattern {
                                text: s.to_string(),
                                at: *at,
                                category,
                            });
                        }
                        other => problems.at(
                            other.pos(),
                            format!(
                                "category `{full}`: expected a pattern (a string; quote numbers), found {}",
                                other.kind()
                            ),
                        ),
                    }
                }
            }
            other => problems.at(
                other.pos(),
                format!(
                    "category `{full}`: expected a list of patterns or a mapping of categories, found {}",
                    other.kind()
                ),
            ),
        }
    }
}

/// JSON: checked by serde_json (JSON's syntax and its error positions), then read for its
/// positions through the YAML parser (JSON is YAML 1.2's flow subset).
fn parse_json(text: &str, problems: &mut Problems<'_>) -> RawDictionary {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let message = e.to_string();
        let message = match message.rfind(" at line ") {
            Some(i) => message[..i].to_string(),
            None => message,
        };
        problems.at(
            Pos {
                line: e.line().max(1),
                col: e.column().max(1),
            },
            format!("invalid JSON: {message}"),
        );
        return RawDictionary::default();
    }
    match tree(text) {
        Ok(node) => walk(&node, problems),
        Err((at, message)) => {
            problems.at(at, message);
            RawDictionary::default()
        }
    }
}

// ---------------------------------------------------------------------------------------------
// LIWC .dic

/// The 1-based column (in characters) of `part`, a sub-slice of `line`.
fn col_of(line: &str, part: &str) -> usize {
    let offset = (part.as_ptr() as usize).saturating_sub(line.as_ptr() as usize);
    line.get(..offset).map_or(1, |s| s.chars().count() + 1)
}

/// Fields of `s` split on tabs and spaces, as sub-slices.
fn fields(s: &str) -> impl Iterator<Item = &str> {
    s.split([' ', '\t']).filter(|f| !f.is_empty())
}

fn parse_dic(text: &str, problems: &mut Problems<'_>) -> RawDictionary {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = RawDictionary::default();
    // (id, category index)
    let mut ids: Vec<(u64, u32)> = Vec::new();
    #[derive(PartialEq)]
    enum Part {
        Before,
        Header,
        Words,
    }
    let mut part = Part::Before;
    let mut line_no = 0;
    for (i, raw) in text.lines().enumerate() {
        line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let first = line.trim_start();
        let at = |part: &str| Pos {
            line: line_no,
            col: col_of(line, part),
        };
        match part {
            Part::Before => {
                if first.trim_end() == "%" {
                    part = Part::Header;
                } else {
                    problems.at(
                        at(first),
                        "expected a `%` line opening the header of category ids",
                    );
                    return out;
                }
            }
            Part::Header => {
                if first.trim_end() == "%" {
                    part = Part::Words;
                    if ids.is_empty() {
                        problems.at(
                            at(first),
                            "expected at least one `id name` line in the header",
                        );
                    }
                    continue;
                }
                let mut f = fields(line);
                let (Some(id), Some(name)) = (f.next(), f.next()) else {
                    problems.at(
                        at(first),
                        "expected `id name` (a category id and its name) in the header",
                    );
                    continue;
                };
                let Ok(n) = id.parse::<u64>() else {
                    problems.at(
                        at(id),
                        format!("expected a category id (a whole number), found `{id}`"),
                    );
                    continue;
                };
                if let Some(extra) = f.next() {
                    problems.at(
                        at(extra),
                        format!("expected `id name`, found more after the name: `{extra}`"),
                    );
                    continue;
                }
                if ids.iter().any(|(m, _)| *m == n) {
                    problems.at(at(id), format!("category id {n} is defined twice"));
                    continue;
                }
                ids.push((n, out.categories.len() as u32));
                out.categories.push(RawCategory {
                    name: name.to_string(),
                    at: at(name),
                });
            }
            Part::Words => {
                // A tab ends the word (which may then hold spaces: a phrase); without a tab,
                // the first field is the word.
                let (word, rest) = match line.split_once('\t') {
                    Some((w, rest)) if !w.trim().is_empty() => (w.trim(), rest),
                    _ => {
                        let t = line.trim_start();
                        let end = t.find([' ', '\t']).unwrap_or(t.len());
                        (&t[..end], &t[end..])
                    }
                };
                let mut any = false;
                for id in fields(rest) {
                    any = true;
                    let found = id
                        .parse::<u64>()
                        .ok()
                        .and_then(|n| ids.iter().find(|(m, _)| *m == n));
                    match found {
                        Some(&(_, category)) => out.patterns.push(RawPattern {
                            text: word.to_string(),
                            at: at(word),
                            category,
                        }),
                        None => problems.at(
                            at(id),
                            format!(
                                "unknown category id `{id}` for `{word}`: expected one of the header's ids ({})",
                                ids.iter()
                                    .map(|(n, _)| n.to_string())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ),
                    }
                }
                if !any {
                    problems.at(at(word), format!("expected category ids after `{word}`"));
                }
            }
        }
    }
    match part {
        Part::Words => {}
        Part::Before => problems.at(
            Pos {
                line: line_no.max(1),
                col: 1,
            },
            "expected a `%` line opening the header of category ids, found an empty file",
        ),
        Part::Header => problems.at(
            Pos {
                line: line_no.max(1),
                col: 1,
            },
            "expected a `%` line closing the header of category ids",
        ),
    }
    out
}

//! A spanned value tree that pipeline files of every syntax (TOML, JSON) are read into, so one
//! schema walker can report every error with its line and column.

use std::ops::Range;

/// A value with the byte range it was written at.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub value: Value,
    pub span: Range<usize>,
}

/// The kinds of value a pipeline file can hold.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Array(Vec<Node>),
    /// Keys with the span of the key itself, in source order where the syntax keeps it.
    Table(Vec<Entry>),
    /// A value of a kind no key accepts (a TOML date, a JSON null), by its name.
    Other(&'static str),
}

/// One key of a table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_span: Range<usize>,
    pub node: Node,
}

impl Value {
    /// What the value is, for messages ("expected a string, found an integer").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Str(_) => "a string",
            Value::Int(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Bool(_) => "a boolean",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
            Value::Other(name) => name,
        }
    }
}

/// A syntax error of the file itself, before any schema check.
#[derive(Debug, Clone)]
pub(crate) struct SyntaxError {
    pub span: Range<usize>,
    pub message: String,
}

/// Parses TOML into a [`Node`] tree.
pub(crate) fn parse_toml(src: &str) -> Result<Node, Vec<SyntaxError>> {
    use toml::de::{DeTable, DeValue};
    let (root, errors) = DeTable::parse_recoverable(src);
    if !errors.is_empty() {
        return Err(errors
            .iter()
            .map(|e| {
                let message = e.message().trim().to_string();
                // The nesting limit comes without a position: point at where the nesting is
                // deepest, not at the top of the file.
                let span = e.span().unwrap_or_else(|| {
                    let at = deepest_nesting(src);
                    at..at
                });
                let message = if message.contains("recursion") {
                    format!("{message}: nested too deeply (tables, arrays or dotted keys)")
                } else {
                    message
                };
                SyntaxError { span, message }
            })
            .collect());
    }

    fn table(t: &DeTable<'_>) -> Value {
        let mut entries: Vec<Entry> = t
            .iter()
            .map(|(k, v)| Entry {
                key: k.get_ref().to_string(),
                key_span: k.span(),
                node: value(v),
            })
            .collect();
        entries.sort_by_key(|e| e.key_span.start);
        Value::Table(entries)
    }
    fn value(v: &toml::Spanned<DeValue<'_>>) -> Node {
        let span = v.span();
        let value = match v.get_ref() {
            DeValue::String(s) => Value::Str(s.to_string()),
            DeValue::Integer(i) => {
                let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
                let (sign, body) = match digits.strip_prefix('-') {
                    Some(rest) => (-1i64, rest.to_string()),
                    None => (1, digits.trim_start_matches('+').to_string()),
                };
                let radix = i.radix();
                let body = if radix == 10 {
                    body.as_str()
                } else {
                    body.get(2..).unwrap_or("")
                };
                match i64::from_str_radix(body, radix) {
                    Ok(n) => Value::Int(sign * n),
                    Err(_) => Value::Other("an integer out of range"),
                }
            }
            DeValue::Float(f) => {
                let text: String = f.as_str().chars().filter(|c| *c != '_').collect();
                let parsed = match text.trim_start_matches('+') {
                    "inf" => Some(f64::INFINITY),
                    "-inf" => Some(f64::NEG_INFINITY),
                    "nan" | "-nan" => Some(f64::NAN),
                    other => other.parse::<f64>().ok(),
                };
                parsed.map_or(Value::Other("a float"), Value::Float)
            }
            DeValue::Boolean(b) => Value::Bool(*b),
            DeValue::Datetime(_) => Value::Other("a date-time"),
            DeValue::Array(a) => Value::Array(a.iter().map(value).collect()),
            DeValue::Table(t) => table(t),
        };
        Node { value, span }
    }
    Ok(Node {
        value: table(root.get_ref()),
        span: root.span(),
    })
}

/// The byte offset where a TOML text is nested deepest, counting open brackets and braces
/// (outside strings and comments) and the dots of a key: the place a nesting-limit error is
/// about. The first such place wins.
fn deepest_nesting(src: &str) -> usize {
    let (mut best, mut best_at) = (0usize, 0usize);
    let mut open = 0usize;
    for (line_start, line) in src.split_inclusive('\n').scan(0usize, |at, l| {
        let start = *at;
        *at += l.len();
        Some((start, l))
    }) {
        let mut dots = 0usize;
        let mut quote: Option<char> = None;
        for (i, c) in line.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => open += 1,
                (None, ']' | '}') => open = open.saturating_sub(1),
                (None, '.') => dots += 1,
                _ => {}
            }
            let depth = open + dots;
            if depth > best {
                best = depth;
                best_at = line_start + i;
            }
        }
    }
    best_at
}

/// Parses JSON into a [`Node`] tree, keeping the span of every key and value.
///
/// A small hand-written reader: serde_json does not report where values stand, and a pipeline
/// file is tiny, so speed does not matter here; precise error positions do.
pub(crate) fn parse_json(src: &str) -> Result<Node, Vec<SyntaxError>> {
    let mut p = JsonParser {
        src: src.as_bytes(),
        pos: 0,
        depth: 0,
    };
    p.skip_ws();
    let node = p.value().map_err(|e| vec![e])?;
    p.skip_ws();
    if p.pos < p.src.len() {
        return Err(vec![
            p.error("expected the end of the file after the JSON value"),
        ]);
    }
    Ok(node)
}

struct JsonParser<'a> {
    src: &'a [u8],
    pos: usize,
    depth: usize,
}

impl JsonParser<'_> {
    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            span: self.pos..(self.pos + 1).min(self.src.len()),
            message: message.to_string(),
        }
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.src.get(self.pos) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> bool {
        if self.src.get(self.pos) == Some(&byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        let start = self.pos;
        self.depth += 1;
        if self.depth > 64 {
            return Err(self.error("JSON nested deeper than 64 levels"));
        }
        let value = match self.src.get(self.pos) {
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => Value::Str(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Other("null"))?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.error("expected a JSON value")),
            None => return Err(self.error("unexpected end of file, expected a JSON value")),
        };
        self.depth -= 1;
        Ok(Node {
            value,
            span: start..self.pos,
        })
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        if self.src[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.pos;
        let mut float = false;
        while let Some(&b) = self.src.get(self.pos) {
            match b {
                b'0'..=b'9' | b'-' | b'+' => {}
                b'.' | b'e' | b'E' => float = true,
                _ => break,
            }
            self.pos += 1;
        }
        let text = std::str::from_utf8(&self.src[start..self.pos]).unwrap_or("");
        let bad = || SyntaxError {
            span: start..self.pos,
            message: format!("`{text}` is not a valid JSON number"),
        };
        if float {
            text.parse::<f64>().map(Value::Float).map_err(|_| bad())
        } else {
            text.parse::<i64>().map(Value::Int).map_err(|_| bad())
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let rest = &self.src[self.pos..];
            let Some(i) = rest
                .iter()
                .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            else {
                self.pos = self.src.len();
                return Err(SyntaxError {
                    span: start..start + 1,
                    message: "unterminated JSON string".into(),
                });
            };
            out.push_str(
                std::str::from_utf8(&rest[..i])
                    .map_err(|_| self.error("invalid UTF-8 in a string"))?,
            );
            self.pos += i;
            match self.src[self.pos] {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let esc = self.src.get(self.pos).copied();
                    self.pos += 1;
                    match esc {
                        Some(b'"') => out.push('"'),
                        Some(b'\\') => out.push('\\'),
                        Some(b'/') => out.push('/'),
                        Some(b'b') => out.push('\u{8}'),
                        Some(b'f') => out.push('\u{c}'),
                        Some(b'n') => out.push('\n'),
                        Some(b'r') => out.push('\r'),
                        Some(b't') => out.push('\t'),
                        Some(b'u') => {
                            let hi = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&hi) {
                                if !(self.eat(b'\\') && self.eat(b'u')) {
                                    return Err(self.error("expected a low surrogate escape"));
                                }
                                let lo = self.hex4()?;
                                char::from_u32(
                                    0x10000
                                        + ((hi - 0xD800) << 10)
                                        + (lo.wrapping_sub(0xDC00) & 0x3FF),
                                )
                            } else {
                                char::from_u32(hi)
                            };
                            out.push(c.ok_or_else(|| self.error("invalid \\u escape"))?);
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.error("invalid escape in a JSON string"));
                        }
                    }
                }
                _ => return Err(self.error("control character in a JSON string (escape it)")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .src
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("expected 4 hex digits"))?;
        let text = std::str::from_utf8(digits).map_err(|_| self.error("expected 4 hex digits"))?;
        let n = u32::from_str_radix(text, 16).map_err(|_| self.error("expected 4 hex digits"))?;
        self.pos += 4;
        Ok(n)
    }

    fn array(&mut self) -> Result<Value, SyntaxError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.eat(b']') {
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            if self.eat(b']') {
                return Ok(Value::Array(items));
            }
            if !self.eat(b',') {
                return Err(self.error("expected `,` or `]` in an array"));
            }
        }
    }

    fn object(&mut self) -> Result<Value, SyntaxError> {
        self.pos += 1;
        let mut entries: Vec<Entry> = Vec::new();
        self.skip_ws();
        if self.eat(b'}') {
            return Ok(Value::Table(entries));
        }
        loop {
            self.skip_ws();
            if self.src.get(self.pos) != Some(&b'"') {
                return Err(self.error("expected a string key in an object"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_span = key_start..self.pos;
            self.skip_ws();
            if !self.eat(b':') {
                return Err(self.error("expected `:` after an object key"));
            }
            self.skip_ws();
            let node = self.value()?;
            if entries.iter().any(|e| e.key == key) {
                return Err(SyntaxError {
                    span: key_span,
                    message: format!("duplicate key `{key}`"),
                });
            }
            entries.push(Entry {
                key,
                key_span,
                node,
            });
            self.skip_ws();
            if self.eat(b'}') {
                return Ok(Value::Table(entries));
            }
            if !self.eat(b',') {
                return Err(self.error("expected `,` or `}` in an object"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nesting_limit_points_at_the_deep_line() {
        let deep_key = vec!["a"; 300].join(".");
        let src = format!("version = 1\n[ingest]\ninputs = \"x\"\n\n[{deep_key}]\nx = 1\n");
        let errs = parse_toml(&src).unwrap_err();
        let at = errs[0].span.start;
        assert_eq!(src[..at].matches('\n').count() + 1, 5, "{:?}", errs[0]);
        assert!(
            errs[0].message.contains("nested too deeply"),
            "{:?}",
            errs[0]
        );
        assert_eq!(deepest_nesting("a = [[1], [[2]]]\n"), 11);
        assert_eq!(deepest_nesting("# [[[[\ns = \"[[[\"\n"), 0);
    }

    fn table(node: &Node) -> &[Entry] {
        match &node.value {
            Value::Table(t) => t,
            other => panic!("expected a table, got {other:?}"),
        }
    }

    #[test]
    fn toml_keeps_int_and_float_apart_and_spans_point_at_values() {
        let src = "min_df = 2\nmax_df = 1.0\nname = \"x\"\n";
        let root = parse_toml(src).unwrap();
        let t = table(&root);
        assert_eq!(t[0].node.value, Value::Int(2));
        assert_eq!(t[1].node.value, Value::Float(1.0));
        assert_eq!(&src[t[2].node.span.clone()], "\"x\"");
        assert_eq!(&src[t[1].key_span.clone()], "max_df");
    }

    #[test]
    fn json_reader_matches_toml_reader_on_the_same_data() {
        let json = r#"{"a": [1, 2.5, "s\u00e9"], "b": {"c": true, "d": null}}"#;
        let root = parse_json(json).unwrap();
        let t = table(&root);
        assert_eq!(t[0].key, "a");
        match &t[0].node.value {
            Value::Array(items) => {
                assert_eq!(items[0].value, Value::Int(1));
                assert_eq!(items[1].value, Value::Float(2.5));
                assert_eq!(items[2].value, Value::Str("sé".into()));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(&json[t[1].key_span.clone()], "\"b\"");
    }

    #[test]
    fn json_errors_point_at_the_fault() {
        let err = parse_json("{\"a\": 1,\n \"b\" 2}").unwrap_err();
        assert_eq!(err[0].span.start, 14);
        assert!(err[0].message.contains("expected `:`"));
        assert!(parse_json("{\"a\": 1} x").is_err());
        assert!(
            parse_json("{\"a\": 1, \"a\": 2}").unwrap_err()[0]
                .message
                .contains("duplicate")
        );
    }

    #[test]
    fn toml_syntax_errors_have_spans() {
        let err = parse_toml("a = \nb = 1").unwrap_err();
        assert!(!err.is_empty());
    }
}

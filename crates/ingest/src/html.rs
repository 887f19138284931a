//! HTML: a saved web page (or an e-mail's HTML part) reduced to its visible text, its title and
//! its publication date.
//!
//! The page is tokenised by `html5gum` (a WHATWG tokenizer that builds no tree), so the
//! nesting depth of the markup costs nothing: what is tracked is a few counters, never a
//! stack of open elements. Broken markup still gives text: the tokenizer recovers from every
//! error the way a browser's does.

use std::io::BufRead;

use encoding_rs::Encoding;
use html5gum::{DefaultEmitter, StartTag, Token, Tokenizer};
use wordmill_model::Metadata;

use crate::config::{EncodingErrors, TextEncoding};
use crate::decode::{Tally, utf8_lossy};
use crate::error::SkipKind;
use crate::read::{self, Capped, Encoding as Read, Opened};
use crate::source::{Ctx, Problem, Replaced, Step};

/// Elements whose content is not visible text: dropped with everything inside them.
const HIDDEN: &[&[u8]] = &[
    b"script",
    b"style",
    b"noscript",
    b"template",
    b"nav",
    b"header",
    b"footer",
    b"svg",
    b"iframe",
    b"object",
    b"canvas",
];

/// Elements that end a paragraph: the text before and after them is separated by a blank
/// line.
const PARAGRAPHS: &[&[u8]] = &[
    b"address",
    b"article",
    b"aside",
    b"blockquote",
    b"body",
    b"caption",
    b"center",
    b"details",
    b"dialog",
    b"dir",
    b"div",
    b"dl",
    b"fieldset",
    b"figcaption",
    b"figure",
    b"form",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"hgroup",
    b"hr",
    b"html",
    b"legend",
    b"main",
    b"menu",
    b"ol",
    b"p",
    b"pre",
    b"section",
    b"summary",
    b"table",
    b"tbody",
    b"tfoot",
    b"thead",
    b"ul",
];

/// Elements that end a line: the text before and after them is separated by a line break
/// (which ends a sentence for the sentence splitter).
const LINES: &[&[u8]] = &[
    b"br",
    b"dd",
    b"dt",
    b"li",
    b"option",
    b"td",
    b"th",
    b"tr",
    b"textarea",
];

/// Elements that may stand in `<head>`; any other start tag ends it, as in a browser.
const IN_HEAD: &[&[u8]] = &[
    b"base",
    b"link",
    b"meta",
    b"noscript",
    b"script",
    b"style",
    b"template",
    b"title",
];

/// `<meta>` names (`name`, `property` or `itemprop`, compared without regard to case) whose
/// `content` is the page's publication date, in order of precedence: the first of them the
/// page has wins, wherever it stands in the page.
pub(crate) const DATE_METAS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:pubdate",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "dc.date.created",
    "date",
    "sailthru.date",
    "parsely-pub-date",
];

/// How many bytes at the start of a page are searched for a charset declaration.
const CHARSET_SCAN: usize = 8 * 1024;

/// What a page reduces to.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    /// The visible text: blocks separated by blank lines, lines by line breaks, runs of
    /// whitespace collapsed to one space.
    pub text: String,
    /// The first `<title>`, whitespace collapsed.
    pub title: Option<String>,
    /// The publication date from the `<meta>` of highest precedence in [`DATE_METAS`], as
    /// written.
    pub date: Option<String>,
    /// Every `<meta>` with a `content`: its `name`, `property` and `itemprop` (lower-cased),
    /// each with the content, in page order.
    pub metas: Vec<(String, String)>,
}

impl Page {
    /// The content of the first `<meta>` named `name` (without regard to case).
    pub(crate) fn meta(&self, name: &str) -> Option<&str> {
        self.metas
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The title, date and the `<meta>` named in `fields`, added to `meta`.
    pub(crate) fn add_metadata(&self, meta: &mut Metadata, fields: &[String]) {
        if let Some(title) = &self.title {
            meta.insert("title", title.as_str());
        }
        if let Some(date) = &self.date {
            meta.insert("date", date.as_str());
        }
        for field in fields {
            if let Some(value) = self.meta(field) {
                meta.insert(field.as_str(), value);
            }
        }
    }
}

/// The gap owed before the next character written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Space,
    Line,
    Paragraph,
}

/// Text written with whitespace collapsed and block breaks between the words.
#[derive(Debug)]
struct Out {
    text: String,
    gap: Gap,
}

impl Out {
    fn new() -> Self {
        Out {
            text: String::new(),
            gap: Gap::None,
        }
    }

    fn gap(&mut self, gap: Gap) {
        self.gap = self.gap.max(gap);
    }

    /// Writes `text`; in `pre`, its line breaks are kept. Each run of whitespace is one gap;
    /// the words between are copied whole.
    fn push(&mut self, text: &str, pre: bool) {
        let mut rest = text;
        while !rest.is_empty() {
            let word = rest.find(char::is_whitespace).unwrap_or(rest.len());
            if word > 0 {
                if !self.text.is_empty() {
                    match self.gap {
                        Gap::None => {}
                        Gap::Space => self.text.push(' '),
                        Gap::Line => self.text.push('\n'),
                        Gap::Paragraph => self.text.push_str("\n\n"),
                    }
                }
                self.gap = Gap::None;
                self.text.push_str(&rest[..word]);
                rest = &rest[word..];
            }
            let space = rest
                .find(|c: char| !c.is_whitespace())
                .unwrap_or(rest.len());
            if space > 0 {
                let line = pre && rest[..space].contains('\n');
                self.gap(if line { Gap::Line } else { Gap::Space });
                rest = &rest[space..];
            }
        }
    }
}

/// The default emitter without its parse errors (which the text does not need): the tokenizer
/// then skips checking every character for them.
struct Quiet(DefaultEmitter);

impl html5gum::ForwardingEmitter for Quiet {
    type Token = Token;

    fn inner(&mut self) -> &mut impl html5gum::Emitter<Token = Self::Token> {
        &mut self.0
    }

    fn should_emit_errors(&mut self) -> bool {
        false
    }
}

/// Reduces the page `html` to its visible text, title, date and `<meta>` contents.
///
/// Dropped with their content: [`HIDDEN`] elements, `<head>` (its `<title>` is the page's
/// title, not part of its text: a title usually repeats the headline and adds the site's
/// name, which would be counted in every page), comments, doctypes. [`PARAGRAPHS`] and
/// [`LINES`] separate the text before and after them by a blank line or a line break; within a
/// block, runs of whitespace are one space (in `<pre>` line breaks are kept). Character
/// references are decoded by the tokenizer.
pub(crate) fn to_text(html: &str) -> Page {
    guarded(|| reduce(html)).unwrap_or_default()
}

/// Runs `f`, turning a panic (a bug in a parser, which no input should reach) into `None`.
pub(crate) fn guarded<T>(f: impl FnOnce() -> T + std::panic::UnwindSafe) -> Option<T> {
    std::panic::catch_unwind(f).ok()
}

fn reduce(html: &str) -> Page {
    let mut emitter = DefaultEmitter::default();
    // `<script>`, `<style>`, `<title>`, `<textarea>` switch the tokenizer to their raw-text
    // states, so that their content is one string and not markup.
    emitter.naively_switch_states(true);
    let tokenizer = Tokenizer::new_with_emitter(html, Quiet(emitter));
    let mut out = Out::new();
    let mut hidden = [0u32; HIDDEN.len()];
    let mut hiding = 0u32;
    let mut in_head = false;
    let mut pre = 0u32;
    let mut title: Option<String> = None;
    let mut in_title = false;
    let mut page = Page::default();
    for token in tokenizer {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                let name = tag.name.as_slice();
                if name == b"meta" {
                    meta(&tag, &mut page.metas);
                }
                if in_head && (name == b"body" || !IN_HEAD.contains(&name)) {
                    in_head = false;
                }
                if name == b"head" {
                    in_head = true;
                }
                if let Some(i) = HIDDEN.iter().position(|h| *h == name) {
                    // A self-closed `<svg/>` has no content; other elements ignore the slash.
                    if !(tag.self_closing && name == b"svg") {
                        hidden[i] = hidden[i].saturating_add(1);
                        hiding = hiding.saturating_add(1);
                    }
                    continue;
                }
                if name == b"title" {
                    if title.is_none() && hiding == 0 {
                        in_title = true;
                        title = Some(String::new());
                        out.gap(Gap::Paragraph);
                    }
                    continue;
                }
                if name == b"pre" {
                    pre = pre.saturating_add(1);
                }
                block(&mut out, name);
            }
            Token::EndTag(tag) => {
                let name = tag.name.as_slice();
                if name == b"head" {
                    in_head = false;
                }
                if let Some(i) = HIDDEN.iter().position(|h| *h == name) {
                    if hidden[i] > 0 {
                        hidden[i] -= 1;
                        hiding -= 1;
                    }
                    continue;
                }
                if name == b"title" {
                    in_title = false;
                    continue;
                }
                if name == b"pre" {
                    pre = pre.saturating_sub(1);
                }
                block(&mut out, name);
            }
            Token::String(text) => {
                if hiding > 0 {
                    continue;
                }
                let text = String::from_utf8_lossy(&text.value);
                if in_title {
                    if let Some(title) = &mut title {
                        title.push_str(&text);
                    }
                } else if !in_head {
                    out.push(&text, pre > 0);
                }
            }
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    page.text = out.text;
    page.title = title
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    page.date = DATE_METAS
        .iter()
        .find_map(|name| page.meta(name))
        .map(str::to_owned);
    page
}

/// The break a block element's start or end tag makes.
fn block(out: &mut Out, name: &[u8]) {
    if PARAGRAPHS.contains(&name) {
        out.gap(Gap::Paragraph);
    } else if LINES.contains(&name) {
        out.gap(Gap::Line);
    }
}

/// Notes a `<meta>`'s content under its `name`, `property` and `itemprop`.
fn meta(tag: &StartTag<()>, metas: &mut Vec<(String, String)>) {
    let get = |name: &[u8]| {
        tag.attributes
            .iter()
            .find(|(key, _)| key.as_slice() == name)
            .map(|(_, value)| String::from_utf8_lossy(&value.value).trim().to_owned())
    };
    let Some(content) = get(b"content").filter(|c| !c.is_empty()) else {
        return;
    };
    for attribute in [&b"name"[..], b"property", b"itemprop"] {
        if let Some(key) = get(attribute).filter(|k| !k.is_empty()) {
            metas.push((key.to_ascii_lowercase(), content.clone()));
        }
    }
}

/// The encoding a page declares in its first [`CHARSET_SCAN`] bytes (`<meta charset>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`), as `encoding_rs` knows its
/// label; a UTF-16 label means UTF-8 (the page is not UTF-16 if its start could be read as
/// ASCII), as the HTML standard says.
pub(crate) fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(CHARSET_SCAN)]);
    let label = guarded(|| {
        let mut emitter = DefaultEmitter::default();
        // A `<meta charset>` written inside a script or a comment is no declaration.
        emitter.naively_switch_states(true);
        for token in Tokenizer::new_with_emitter(head.as_ref(), emitter) {
            let Ok(Token::StartTag(tag)) = token else {
                continue;
            };
            if tag.name.as_slice() != b"meta" {
                continue;
            }
            let get = |name: &[u8]| {
                tag.attributes
                    .iter()
                    .find(|(key, _)| key.as_slice() == name)
                    .map(|(_, value)| String::from_utf8_lossy(&value.value).into_owned())
            };
            if let Some(charset) = get(b"charset") {
                return Some(charset);
            }
            let equiv = get(b"http-equiv").unwrap_or_default();
            if equiv.trim().eq_ignore_ascii_case("content-type")
                && let Some(charset) = get(b"content").as_deref().and_then(charset_of)
            {
                return Some(charset.to_owned());
            }
        }
        None
    })
    .flatten()?;
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    Some(
        if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
            encoding_rs::UTF_8
        } else if encoding == encoding_rs::X_USER_DEFINED {
            encoding_rs::WINDOWS_1252
        } else {
            encoding
        },
    )
}

/// The `charset` parameter of a Content-Type value: `text/html; charset="koi8-r"`.
pub(crate) fn charset_of(content_type: &str) -> Option<&str> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset")?;
    let rest = content_type[at + "charset".len()..].trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let rest = rest.trim_start_matches(['"', '\'']);
    let end = rest
        .find(|c: char| c == ';' || c == '"' || c == '\'' || c.is_whitespace())
        .unwrap_or(rest.len());
    Some(&rest[..end]).filter(|c| !c.is_empty())
}

/// Why bytes could not be decoded: the offset of the first bad byte (relative to the bytes)
/// and the encoding's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Undecodable {
    pub offset: u64,
    pub encoding: &'static str,
}

/// Decodes a page's bytes: in `forced` when given, else in the encoding the page declares
/// (unless `bom`: the bytes were already decoded after a byte-order mark, which outranks a
/// declaration), else as UTF-8; under `policy` for bytes invalid in that encoding.
pub(crate) fn decode(
    bytes: &[u8],
    forced: Option<&'static Encoding>,
    bom: bool,
    policy: EncodingErrors,
) -> Result<(String, Tally), Undecodable> {
    let encoding = forced
        .or_else(|| if bom { None } else { declared_encoding(bytes) })
        .unwrap_or(encoding_rs::UTF_8);
    decode_as(bytes, encoding, policy)
}

/// Decodes `bytes` in `encoding` (without looking for a byte-order mark) under `policy`: the
/// text and its replacements, or where the first invalid byte is.
pub(crate) fn decode_as(
    bytes: &[u8],
    encoding: &'static Encoding,
    policy: EncodingErrors,
) -> Result<(String, Tally), Undecodable> {
    let bad = |offset: usize| Undecodable {
        offset: offset as u64,
        encoding: encoding.name(),
    };
    if encoding == encoding_rs::UTF_8 {
        return match std::str::from_utf8(bytes) {
            Ok(text) => Ok((text.to_owned(), Tally::default())),
            Err(err) => match policy {
                EncodingErrors::Replace => Ok(utf8_lossy(bytes)),
                _ => Err(bad(err.valid_up_to())),
            },
        };
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::new();
    let mut tally = Tally::default();
    let mut at = 0usize;
    loop {
        let need = decoder
            .max_utf8_buffer_length_without_replacement(bytes.len() - at)
            .unwrap_or(bytes.len() - at);
        out.reserve(need.max(4));
        let (result, read) =
            decoder.decode_to_string_without_replacement(&bytes[at..], &mut out, true);
        at += read;
        match result {
            encoding_rs::DecoderResult::InputEmpty => return Ok((out, tally)),
            encoding_rs::DecoderResult::OutputFull => {}
            encoding_rs::DecoderResult::Malformed(len, after) => {
                let start = at - usize::from(after) - usize::from(len);
                match policy {
                    EncodingErrors::Replace => {
                        tally.note(start as u64);
                        out.push(char::REPLACEMENT_CHARACTER);
                    }
                    _ => return Err(bad(start)),
                }
            }
        }
    }
}

/// Reads an HTML file as one document: the page's visible text, with its title and date (and
/// the `<meta>` named in `meta_fields`) as metadata and the file id as id.
pub(crate) struct HtmlReader {
    reader: Box<dyn BufRead + Send>,
    /// Bytes of byte-order mark dropped before the reader's first byte.
    offset: u64,
    /// The text was decoded after a byte-order mark (UTF-8 or UTF-16).
    bom: bool,
    done: bool,
}

impl HtmlReader {
    pub(crate) fn new(opened: Opened) -> Self {
        let (offset, bom) = match opened.encoding {
            Read::Utf8 { bom } => (bom, bom > 0),
            Read::Transcoded => (0, true),
        };
        HtmlReader {
            reader: opened.reader,
            offset,
            bom,
            done: false,
        }
    }

    /// The page, or why it is not a document; then [`Step::End`].
    pub(crate) fn next(&mut self, ctx: &Ctx<'_>) -> Step {
        if self.done {
            return Step::End;
        }
        self.done = true;
        let limit = ctx.config.max_line_bytes;
        let bytes = match read::read_capped(&mut self.reader, limit) {
            Ok(Capped::Whole(bytes)) => bytes,
            Ok(Capped::Over(len)) => {
                let limit = limit.unwrap_or(u64::MAX);
                return Step::Problem(Problem::at_byte(
                    self.offset,
                    SkipKind::TooLong,
                    format!(
                        "page of {len} bytes exceeds max_line_bytes = {limit} (expected an HTML \
                         page of at most {limit} bytes; the page was not read)"
                    ),
                ));
            }
            Err(err) => {
                return Step::Problem(read::io_problem(
                    &err,
                    ctx.compression,
                    ctx.bytes_consumed(),
                ));
            }
        };
        // `auto`: the page's declaration, else UTF-8; otherwise the encoding configured.
        let forced = match ctx.config.encoding {
            TextEncoding::Auto => None,
            TextEncoding::Utf8 => Some(encoding_rs::UTF_8),
            TextEncoding::Legacy(charset) => Some(charset.0),
        };
        let (html, tally) = match decode(&bytes, forced, self.bom, ctx.config.encoding_errors) {
            Ok(decoded) => decoded,
            Err(bad) => {
                return Step::Problem(Problem::at_byte(
                    self.offset + bad.offset,
                    SkipKind::Encoding,
                    format!(
                        "invalid {} (expected {} text, as `encoding` says; `encoding = \"auto\"` \
                         reads the charset the page declares)",
                        bad.encoding, bad.encoding
                    ),
                ));
            }
        };
        drop(bytes);
        let page = to_text(&html);
        drop(html);
        let mut meta = ctx.path_meta.clone();
        page.add_metadata(&mut meta, &ctx.config.meta_fields);
        Step::Doc {
            id: ctx.file_id.to_owned(),
            text: page.text,
            meta,
            line: None,
            byte_offset: None,
            replaced: tally.first.map(|first| Replaced {
                byte_offset: self.offset + first,
                count: tally.count,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{TempDir, ids, read_all};
    use crate::{Format, Replacement};

    /// A news page in windows-1252 with the usual furniture around the article.
    const PAGE: &[u8] = b"<!DOCTYPE html>\n<html lang=en>\n<head>\n\
        <meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\n\
        <title>Strike at the plant | The Daily</title>\n\
        <meta property=\"og:title\" content=\"Strike at the plant\">\n\
        <meta name=\"date\" content=\"2020-08-14\">\n\
        <meta property=\"article:published_time\" content=\"2020-08-13T09:30:00+03:00\">\n\
        <meta name=\"author\" content=\"Jane Roe\">\n\
        <script>window.dataLayer = [{page: 'article'}];</script>\n\
        </head>\n<body>\n\
        <header><a href=\"/\">The Daily</a><nav><ul><li><a href=/news>News</a></li>\n\
        <li><a href=/sport>Sport</a></li></ul></nav></header>\n\
        <main><article><h1>Strike at the plant</h1>\n\
        <p>Workers walked out on Thursday.</p><p>The caf\xe9 across the road stayed open\n\
        and the managers said nothing.</p></article></main>\n\
        <aside><!-- related --></aside>\n\
        <footer><p>\xa9 2020 The Daily. All rights reserved.</p></footer>\n\
        <script src=\"/app.js\"></script>\n</body>\n</html>\n";

    #[test]
    fn a_saved_page_gives_its_article_title_and_date() {
        let dir = TempDir::new("html-page");
        dir.write("site/2020/strike.html", PAGE);
        dir.write("site/2020/style.css", "p { }");
        let mut config = dir.config(&["site"], Format::Html);
        config.meta_fields = vec!["Author".into(), "og:title".into(), "keywords".into()];
        // Read as UTF-8 (the default), the page's windows-1252 bytes are an error that says
        // how to read its declaration.
        let (docs, stats) = read_all(config.clone());
        assert!(docs.is_empty());
        assert!(
            stats.skipped[0].reason.contains("encoding = \"auto\""),
            "{}",
            stats.skipped[0].reason
        );
        config.encoding = crate::TextEncoding::Auto;
        let (docs, stats) = read_all(config);
        assert_eq!(ids(&docs), ["2020/strike"]);
        assert_eq!(
            docs[0].text,
            "Strike at the plant\n\nWorkers walked out on \
             Thursday.\n\nThe caf\u{e9} across the road stayed open and the managers said nothing."
        );
        let meta: Vec<_> = docs[0].meta.iter().collect();
        assert_eq!(
            meta,
            [
                ("title", "Strike at the plant | The Daily"),
                ("date", "2020-08-13T09:30:00+03:00"),
                ("Author", "Jane Roe"),
                ("og:title", "Strike at the plant"),
            ]
        );
        assert_eq!(stats.files_left_out, 1);
    }

    #[test]
    fn invalid_bytes_in_a_page_follow_the_encoding_policy() {
        let dir = TempDir::new("html-bad");
        dir.write(
            "bad.html",
            b"\xEF\xBB\xBF<p>caf\xe9 and \xff</p>".as_slice(),
        );
        let (docs, stats) = read_all(dir.config(&["bad.html"], Format::Html));
        assert!(docs.is_empty());
        let skip = &stats.skipped[0];
        assert_eq!((skip.byte_offset, skip.kind), (Some(9), SkipKind::Encoding));
        assert!(skip.reason.starts_with("invalid UTF-8"), "{}", skip.reason);
        let mut config = dir.config(&["bad.html"], Format::Html);
        config.encoding_errors = EncodingErrors::Replace;
        let (docs, stats) = read_all(config);
        assert_eq!(docs[0].text, "caf\u{fffd} and \u{fffd}");
        assert_eq!(
            stats.replaced,
            [Replacement {
                file: "bad.html".into(),
                line: None,
                byte_offset: 9,
                count: 2
            }]
        );
    }

    #[test]
    fn visible_text_only_with_blocks_apart() {
        let page = to_text(concat!(
            "<!DOCTYPE html><html><head><title>The  Strike\n</title>",
            "<meta charset=utf-8><style>p { color: red }</style>",
            "<script>var x = '<p>not text</p>';</script></head>",
            "<body><header><a href=/>Home</a> Menu</header>",
            "<nav><ul><li>News</li><li>Sport</li></ul></nav>",
            "<h1>Workers walked out</h1><p>The plant stopped.<p>Managers said &quot;nothing&quot;",
            "&nbsp;at&amp;all<!-- a comment --></p><div>One<br>Two</div>",
            "<ul><li>first</li><li>second</ul><table><tr><td>a</td><td>b</td></tr></table>",
            "<noscript>Enable JavaScript</noscript><template><p>hidden</p></template>",
            "<pre>line one\n  line two</pre><footer>Copyright</footer></body></html>",
        ));
        assert_eq!(
            page.text,
            "Workers walked out\n\nThe plant stopped.\n\nManagers said \
             \"nothing\" at&all\n\nOne\nTwo\n\nfirst\nsecond\n\na\nb\n\nline one\nline two"
        );
        assert_eq!(page.title.as_deref(), Some("The Strike"));
    }

    #[test]
    fn inline_markup_does_not_split_words() {
        let page = to_text("<p>Hel<b>lo</b> <i>wor</i>ld<span>!</span></p>");
        assert_eq!(page.text, "Hello world!");
    }

    #[test]
    fn broken_markup_still_gives_text() {
        let page = to_text("<p>Unclosed <b>bold <div>block</p></i> <p attr=\"x>tail <<>> end");
        assert!(page.text.starts_with("Unclosed bold"), "{:?}", page.text);
        assert!(page.text.contains("block"), "{:?}", page.text);
        // A tag cut at the end of the file is not text.
        let page = to_text("<p>text</p><a href=\"x");
        assert_eq!(page.text, "text");
        assert_eq!(to_text("").text, "");
        assert_eq!(to_text("just text, no markup").text, "just text, no markup");
    }

    #[test]
    fn the_date_is_the_meta_of_highest_precedence() {
        let page = to_text(concat!(
            "<meta name=\"DATE\" content=\"2020-01-03\">",
            "<meta itemprop=\"datePublished\" content=\"2020-01-02\">",
            "<meta property=\"article:published_time\" content=\" 2020-01-01T10:00:00Z \">",
            "<meta name=\"author\" content=\"A. Writer\">",
        ));
        assert_eq!(page.date.as_deref(), Some("2020-01-01T10:00:00Z"));
        assert_eq!(page.meta("Author"), Some("A. Writer"));
        let page = to_text("<meta name=date content=2020-01-03><meta name=pubdate content=x>");
        assert_eq!(page.date.as_deref(), Some("x"));
        assert_eq!(to_text("<meta name=date content=''>").date, None);
        assert_eq!(to_text("<p>no meta</p>").title, None);
    }

    #[test]
    fn a_declared_charset_is_honoured() {
        let cafe_1252 = b"<html><head><meta charset=\"windows-1252\"></head><p>caf\xe9</p>";
        let (html, tally) = decode(cafe_1252, None, false, EncodingErrors::Reject).unwrap();
        assert_eq!(to_text(&html).text, "caf\u{e9}");
        assert_eq!(tally, Tally::default());
        let koi8 =
            b"<meta http-equiv=Content-Type content='text/html; charset=KOI8-R'>\xf0\xd2\xc9";
        let (html, _) = decode(koi8, None, false, EncodingErrors::Reject).unwrap();
        assert_eq!(to_text(&html).text, "\u{41f}\u{440}\u{438}");
        // A byte-order mark outranks the declaration; a forced encoding outranks both.
        let (html, _) = decode(
            "<meta charset=iso-8859-5>é".as_bytes(),
            None,
            true,
            EncodingErrors::Reject,
        )
        .unwrap();
        assert!(html.ends_with('é'));
        let (html, _) = decode(
            b"<meta charset=utf-8>\xe9",
            Some(encoding_rs::WINDOWS_1252),
            false,
            EncodingErrors::Reject,
        )
        .unwrap();
        assert!(html.ends_with('é'));
        // A declaration inside a script or a comment is none.
        let hidden = b"<script>document.write('<meta charset=koi8-r>')</script>\
            <!-- <meta charset=koi8-r> --><p>caf\xc3\xa9";
        let (html, _) = decode(hidden, None, false, EncodingErrors::Reject).unwrap();
        assert!(html.ends_with("caf\u{e9}"));
        // No declaration: UTF-8 under the policy.
        assert_eq!(
            decode(b"<p>caf\xe9</p>", None, false, EncodingErrors::Reject),
            Err(Undecodable {
                offset: 6,
                encoding: "UTF-8"
            })
        );
        let (html, tally) =
            decode(b"<p>caf\xe9</p>", None, false, EncodingErrors::Replace).unwrap();
        assert_eq!(html, "<p>caf\u{fffd}</p>");
        assert_eq!((tally.count, tally.first), (1, Some(6)));
        // Bytes invalid in a declared legacy encoding follow the policy too.
        let bad = b"<meta charset=shift_jis>ok\x81";
        assert_eq!(
            decode(bad, None, false, EncodingErrors::Reject),
            Err(Undecodable {
                offset: 26,
                encoding: "Shift_JIS"
            })
        );
        let (html, tally) = decode(bad, None, false, EncodingErrors::Replace).unwrap();
        assert!(html.ends_with("ok\u{fffd}"));
        assert_eq!((tally.count, tally.first), (1, Some(26)));
    }

    #[test]
    fn charset_parameters_are_read_in_their_forms() {
        assert_eq!(charset_of("text/html; charset=UTF-8"), Some("UTF-8"));
        assert_eq!(
            charset_of("text/html;charset=\"koi8-r\"; x=y"),
            Some("koi8-r")
        );
        assert_eq!(charset_of("text/html; CHARSET = 'latin1'"), Some("latin1"));
        assert_eq!(charset_of("text/html"), None);
        assert_eq!(charset_of("text/html; charset="), None);
    }

    #[test]
    fn deep_nesting_costs_no_stack() {
        let depth = 100_000;
        let mut html = "<div><span>".repeat(depth);
        html.push_str("deep");
        html.push_str(&"</span></div>".repeat(depth));
        let page = to_text(&html);
        assert_eq!(page.text, "deep");
        // Hidden elements nested as deep, never closed, hide what follows them.
        let html = format!("<p>seen</p>{}hidden", "<nav>".repeat(depth));
        assert_eq!(to_text(&html).text, "seen");
    }
}

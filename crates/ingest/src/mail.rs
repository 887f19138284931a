//! E-mail: one message a file (`email`) or many a file (`mbox`), parsed by `mail-parser`.
//!
//! A message is one record, read whole into memory within `max_line_bytes` (a longer one is
//! streamed past, measured and skipped). Its text is its `text/plain` parts (or, when it has
//! none, its HTML parts reduced to text); its headers become metadata; its attachments are
//! counted and dropped.
//!
//! `mail-parser` makes the best of almost anything, so what is malformed is decided here, before
//! it is called: a message that is empty (nothing but whitespace), that holds a NUL byte (binary
//! data, not a message), or whose first line is not a header line (`Name: value`, after an
//! optional mbox `From ` line), is a record error. A header block that ends without a body, bad
//! MIME structure, bad encodings and unknown charsets are repaired the way mail readers repair
//! them, never refused.

use std::borrow::Cow;
use std::io::{self, BufRead, Read};

use mail_parser::{Address, HeaderForm, HeaderName, HeaderValue, Message, MessageParser, PartType};
use wordmill_model::Metadata;

use crate::decode;
use crate::error::SkipKind;
use crate::html;
use crate::read::{self, Capped, Encoding, Opened};
use crate::source::{Ctx, Problem, Step};

/// A message turned into a document's parts.
#[derive(Debug)]
pub(crate) struct Mail {
    /// The Message-ID, without its angle brackets.
    pub message_id: Option<String>,
    pub text: String,
    pub meta: Metadata,
    /// Parts dropped: non-text parts, text parts marked as attachments, attached messages.
    pub attachments: u64,
}

/// Why a message is not a document: where (relative to the message's bytes), what kind, why.
#[derive(Debug)]
pub(crate) struct Bad {
    pub offset: u64,
    pub kind: SkipKind,
    pub reason: String,
}

impl Bad {
    fn invalid(offset: usize, reason: String) -> Self {
        Bad {
            offset: offset as u64,
            kind: SkipKind::InvalidMessage,
            reason,
        }
    }
}

/// The line `bytes` starts with, without its line break.
fn first_line(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let line = &bytes[..end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// A header line: a field name (printable ASCII but `:`), optional blanks, a colon.
pub(crate) fn is_header_line(line: &[u8]) -> bool {
    let name = line
        .iter()
        .take_while(|&&b| (33..=126).contains(&b) && b != b':')
        .count();
    if name == 0 {
        return false;
    }
    let blanks = line[name..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    line.get(name + blanks) == Some(&b':')
}

/// True for an mbox separator: `From `, a sender, then a date with a time (`12:08` or
/// `12:08:34`) and a four-digit year, in any order (`From MAILER-DAEMON Fri Jul  8 12:08:34
/// 2011`, `From - Tue Jul 03 19:11:45 2012`, `From 1234@xxx Wed Jan 01 00:00:00 +0000 2020`).
/// A line of a body that starts with "From " and carries no such date is not one.
pub(crate) fn looks_like_separator(line: &[u8]) -> bool {
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let rest = String::from_utf8_lossy(rest);
    let mut words = rest.split_ascii_whitespace();
    if words.next().is_none() {
        return false;
    }
    let (mut time, mut year) = (false, false);
    for word in words {
        let digits = |s: &str, min: usize, max: usize| {
            (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        let fields: Vec<&str> = word.split(':').collect();
        if (2..=3).contains(&fields.len())
            && digits(fields[0], 1, 2)
            && fields[1..].iter().all(|f| digits(f, 2, 2))
        {
            time = true;
        } else if digits(word, 4, 4) {
            year = true;
        }
    }
    time && year
}

/// Up to 60 characters of `line`, for a message.
fn preview(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    let mut out: String = text.chars().take(60).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out.escape_debug().to_string()
}

/// The message parser: the MIME headers (which the body needs) and the headers that become
/// metadata are parsed; every other header (`Received` above all, which is long and many) is
/// kept raw, read only when `meta_fields` names it.
static PARSER: std::sync::LazyLock<MessageParser> = std::sync::LazyLock::new(|| {
    MessageParser::new()
        .with_mime_headers()
        .header_text(HeaderName::Subject)
        .header_address(HeaderName::From)
        .header_address(HeaderName::To)
        .header_id(HeaderName::MessageId)
});

/// Parses one message (a file's bytes, or an mbox message's after its separator line) into a
/// document's parts, its metadata starting with `path_meta` and ending with the headers named
/// in `fields`.
pub(crate) fn parse(raw: &[u8], path_meta: &Metadata, fields: &[String]) -> Result<Mail, Bad> {
    // A message saved from a mailbox may keep its `From ` line, which is not a header.
    let start = if raw.starts_with(b"From ") && !is_header_line(first_line(raw)) {
        raw.iter()
            .position(|&b| b == b'\n')
            .map_or(raw.len(), |i| i + 1)
    } else {
        0
    };
    let bytes = &raw[start..];
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Bad::invalid(
            start,
            "empty message (expected an e-mail message: header lines, a blank line, then the \
             body)"
                .to_owned(),
        ));
    }
    if let Some(at) = decode::first_nul(bytes) {
        return Err(Bad {
            offset: (start + at) as u64,
            kind: SkipKind::Binary,
            reason: "NUL byte in the message (binary data; expected an e-mail message as text)"
                .to_owned(),
        });
    }
    let first = first_line(bytes);
    if !is_header_line(first) {
        return Err(Bad::invalid(
            start,
            format!(
                "no header at the start of the message: expected `Name: value` header lines, \
                 found \"{}\"",
                preview(first)
            ),
        ));
    }
    // The parser drops the value of a last header with no line break after it.
    let ended;
    let bytes = if bytes.ends_with(b"\n") {
        bytes
    } else {
        ended = [bytes, b"\n"].concat();
        &ended[..]
    };
    let message = html::guarded(|| PARSER.parse(bytes)).flatten();
    let Some(message) = message.filter(|m| m.parts.first().is_some_and(|p| !p.headers.is_empty()))
    else {
        return Err(Bad::invalid(
            start,
            "no header block could be read (expected `Name: value` header lines, a blank line, \
             then the body)"
                .to_owned(),
        ));
    };
    Ok(Mail {
        message_id: message
            .message_id()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned),
        text: text(&message),
        meta: metadata(&message, bytes, path_meta, fields),
        attachments: message.attachments.len() as u64,
    })
}

/// The message's `text/plain` body parts, each without its trailing line breaks, joined by a
/// blank line; when it has none, its HTML body parts reduced to text.
fn text(message: &Message<'_>) -> String {
    let body = |ids: &[u32], html: bool| -> Vec<String> {
        ids.iter()
            .filter_map(|&id| match &message.parts.get(id as usize)?.body {
                PartType::Text(text) if !html => Some(text.to_string()),
                PartType::Html(page) if html => Some(html::to_text(page).text),
                _ => None,
            })
            .map(|t| t.trim_end_matches(['\r', '\n']).to_owned())
            .filter(|t| !t.is_empty())
            .collect()
    };
    let plain = body(&message.text_body, false);
    let parts = if plain.is_empty() {
        body(&message.html_body, true)
    } else {
        plain
    };
    parts.join("\n\n")
}

/// `path_meta`, then `date` (the Date header as written), `from`, `to`, `subject` (RFC 2047
/// words decoded), `message_id`, then the headers named in `fields` (without regard to case,
/// under the name as written there).
fn metadata(
    message: &Message<'_>,
    bytes: &[u8],
    path_meta: &Metadata,
    fields: &[String],
) -> Metadata {
    let mut meta = path_meta.clone();
    let headers = message.parts.first().map_or(&[][..], |p| &p.headers[..]);
    let date = headers
        .iter()
        .find(|h| h.name == HeaderName::Date)
        .and_then(|h| bytes.get(h.offset_start as usize..h.offset_end as usize))
        .map(unfold)
        .filter(|d| !d.is_empty());
    if let Some(date) = date {
        meta.insert("date", date);
    }
    for (key, address) in [("from", message.from()), ("to", message.to())] {
        if let Some(text) = address.map(addresses).filter(|a| !a.is_empty()) {
            meta.insert(key, text);
        }
    }
    if let Some(subject) = message.subject().map(str::trim).filter(|s| !s.is_empty()) {
        meta.insert("subject", subject);
    }
    if let Some(id) = message
        .message_id()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        meta.insert("message_id", id);
    }
    for field in fields {
        let Some(header) = headers
            .iter()
            .find(|h| h.name.as_str().eq_ignore_ascii_case(field))
        else {
            continue;
        };
        let value = message
            .header_as(header.name.clone(), HeaderForm::Text)
            .into_iter()
            .next()
            .and_then(|value| match value {
                HeaderValue::Text(text) => Some(text.trim().to_owned()),
                HeaderValue::TextList(list) => Some(list.join(", ")),
                _ => None,
            })
            .filter(|v| !v.is_empty());
        if let Some(value) = value {
            meta.insert(field.as_str(), value);
        }
    }
    meta
}

/// A header's raw value, its folding undone and its ends trimmed.
fn unfold(raw: &[u8]) -> String {
    let text = String::from_utf8_lossy(raw);
    text.replace(['\r', '\n'], "").trim().to_owned()
}

/// Addresses as `Name <address>` (or the one of them there is), joined by `, `; a group's
/// members are listed as the group's.
fn addresses(address: &Address<'_>) -> String {
    let one = |name: Option<&Cow<'_, str>>, email: Option<&Cow<'_, str>>| {
        let name = name.map(|n| n.trim()).filter(|n| !n.is_empty());
        let email = email.map(|e| e.trim()).filter(|e| !e.is_empty());
        match (name, email) {
            (Some(name), Some(email)) => Some(format!("{name} <{email}>")),
            (Some(one), None) | (None, Some(one)) => Some(one.to_owned()),
            (None, None) => None,
        }
    };
    let list: Vec<String> = match address {
        Address::List(list) => list
            .iter()
            .filter_map(|a| one(a.name.as_ref(), a.address.as_ref()))
            .collect(),
        Address::Group(groups) => groups
            .iter()
            .flat_map(|g| {
                let members: Vec<String> = g
                    .addresses
                    .iter()
                    .filter_map(|a| one(a.name.as_ref(), a.address.as_ref()))
                    .collect();
                if members.is_empty() {
                    one(g.name.as_ref(), None).into_iter().collect()
                } else {
                    members
                }
            })
            .collect(),
    };
    list.join(", ")
}

/// Reads a file as one e-mail message.
pub(crate) struct EmailReader {
    reader: Box<dyn BufRead + Send>,
    /// Bytes of byte-order mark dropped before the reader's first byte.
    offset: u64,
    done: bool,
    attachments: u64,
}

impl EmailReader {
    pub(crate) fn new(opened: Opened) -> Self {
        EmailReader {
            reader: opened.reader,
            offset: match opened.encoding {
                Encoding::Utf8 { bom } => bom,
                Encoding::Transcoded => 0,
            },
            done: false,
            attachments: 0,
        }
    }

    /// Attachments dropped since last asked.
    pub(crate) fn take_attachments(&mut self) -> u64 {
        std::mem::take(&mut self.attachments)
    }

    /// The message, or why it is not a document; then [`Step::End`].
    pub(crate) fn next(&mut self, ctx: &Ctx<'_>) -> Step {
        if self.done {
            return Step::End;
        }
        self.done = true;
        let limit = ctx.config.max_line_bytes;
        let bytes = match read::read_capped(&mut self.reader, limit) {
            Ok(Capped::Whole(bytes)) => bytes,
            Ok(Capped::Over(len)) => {
                return Step::Problem(Problem::at_byte(
                    self.offset,
                    SkipKind::TooLong,
                    too_long(None, len, limit.unwrap_or(u64::MAX)),
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
        match parse(&bytes, ctx.path_meta, &ctx.config.meta_fields) {
            Ok(mail) => {
                self.attachments += mail.attachments;
                Step::Doc {
                    id: mail.message_id.unwrap_or_else(|| ctx.file_id.to_owned()),
                    text: mail.text,
                    meta: mail.meta,
                    line: None,
                    byte_offset: None,
                    replaced: None,
                }
            }
            Err(bad) => Step::Problem(Problem::at_byte(
                self.offset + bad.offset,
                bad.kind,
                bad.reason,
            )),
        }
    }
}

/// The reason a message over the limit was skipped.
fn too_long(number: Option<u64>, len: u64, limit: u64) -> String {
    let which = number.map_or_else(String::new, |n| format!("message {n}: "));
    format!(
        "{which}message of {len} bytes exceeds max_line_bytes = {limit} (expected e-mail \
         messages of at most {limit} bytes, attachments included; the message was not read)"
    )
}

/// The most bytes of a line read at once: a longer line is read in pieces.
const PIECE: u64 = 64 * 1024;

/// Reads an mbox: messages separated by `From ` lines, read one at a time.
///
/// A `From ` line separates messages only at the start of the file or after a blank line,
/// and only when it [looks like a separator](looks_like_separator). Lines of a message that
/// start with `>From `, `>>From `, … lose one `>` (mboxrd quoting); the blank line before a
/// separator (and at the end of the file) is the format's, not the message's. Content before
/// the first separator that is not blank is a message too.
pub(crate) struct MboxReader {
    reader: Box<dyn BufRead + Send>,
    /// Offset of the next byte, counted from the start of the file.
    offset: u64,
    /// The next byte starts a line.
    line_start: bool,
    /// The last whole line was blank, or none was read yet.
    after_blank: bool,
    /// Messages met so far.
    number: u64,
    /// The offset of the separator line read that starts the next message.
    next: Option<u64>,
    eof: bool,
    piece: Vec<u8>,
    attachments: u64,
}

/// A message as read from the mbox.
enum Raw {
    Bytes(Vec<u8>),
    TooLong(u64),
    OutOfMemory(u64),
}

impl MboxReader {
    pub(crate) fn new(opened: Opened) -> Self {
        MboxReader {
            reader: opened.reader,
            offset: match opened.encoding {
                Encoding::Utf8 { bom } => bom,
                Encoding::Transcoded => 0,
            },
            line_start: true,
            after_blank: true,
            number: 0,
            next: None,
            eof: false,
            piece: Vec::new(),
            attachments: 0,
        }
    }

    /// Attachments dropped since last asked.
    pub(crate) fn take_attachments(&mut self) -> u64 {
        std::mem::take(&mut self.attachments)
    }

    /// The next message, or why it is not a document, or the end of the file.
    pub(crate) fn next(&mut self, ctx: &Ctx<'_>) -> Step {
        loop {
            if self.eof && self.next.is_none() {
                return Step::End;
            }
            let (start, separated) = match self.next.take() {
                Some(at) => (at, true),
                None => (self.offset, false),
            };
            let limit = ctx.config.max_line_bytes.unwrap_or(u64::MAX);
            let raw = match self.read_message(limit) {
                Ok(raw) => raw,
                Err(err) => {
                    self.eof = true;
                    self.next = None;
                    return Step::Problem(read::io_problem(
                        &err,
                        ctx.compression,
                        ctx.bytes_consumed(),
                    ));
                }
            };
            if let Raw::Bytes(bytes) = &raw {
                // Blank lines before the first separator are no message.
                if !separated && bytes.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
            }
            self.number += 1;
            let number = self.number;
            let bytes = match raw {
                Raw::Bytes(bytes) => bytes,
                Raw::TooLong(len) => {
                    return Step::Problem(Problem::at_byte(
                        start,
                        SkipKind::TooLong,
                        too_long(Some(number), len, limit),
                    ));
                }
                Raw::OutOfMemory(len) => {
                    return Step::Problem(Problem::at_byte(
                        start,
                        SkipKind::OutOfMemory,
                        format!(
                            "message {number}: out of memory holding a message of {len} bytes \
                             (expected a message that fits in memory: max_line_bytes bounds it)"
                        ),
                    ));
                }
            };
            return match parse(&bytes, ctx.path_meta, &ctx.config.meta_fields) {
                Ok(mail) => {
                    self.attachments += mail.attachments;
                    Step::Doc {
                        id: mail
                            .message_id
                            .unwrap_or_else(|| format!("{}:{number}", ctx.file_id)),
                        text: mail.text,
                        meta: mail.meta,
                        line: None,
                        byte_offset: Some(start),
                        replaced: None,
                    }
                }
                Err(bad) => Step::Problem(Problem::at_byte(
                    start,
                    bad.kind,
                    format!("message {number}: {}", bad.reason),
                )),
            };
        }
    }

    /// Reads the next line, or up to [`PIECE`] bytes of it, into `self.piece`: how many bytes.
    fn read_piece(&mut self) -> io::Result<usize> {
        self.piece.clear();
        let n = (&mut self.reader)
            .take(PIECE)
            .read_until(b'\n', &mut self.piece)?;
        self.offset += n as u64;
        Ok(n)
    }

    /// Reads a message up to the next separator (whose offset is left in `self.next`) or the
    /// end of the file, holding at most `limit` bytes of it.
    fn read_message(&mut self, limit: u64) -> io::Result<Raw> {
        let mut body = Vec::new();
        let mut size = 0u64;
        let mut over = false;
        let mut oom = false;
        loop {
            let piece_start = self.offset;
            let at_line_start = self.line_start;
            let n = self.read_piece()?;
            if n == 0 {
                self.eof = true;
                break;
            }
            let whole_line = self.piece.ends_with(b"\n");
            if at_line_start && whole_line && self.after_blank && looks_like_separator(&self.piece)
            {
                self.next = Some(piece_start);
                self.after_blank = false;
                self.line_start = true;
                break;
            }
            self.after_blank = whole_line && at_line_start && first_line(&self.piece).is_empty();
            self.line_start = whole_line;
            size += n as u64;
            if over || oom {
                continue;
            }
            if size > limit {
                over = true;
                body = Vec::new();
                continue;
            }
            let mut piece = &self.piece[..];
            if at_line_start {
                let quotes = piece.iter().take_while(|&&b| b == b'>').count();
                if quotes > 0 && piece[quotes..].starts_with(b"From ") {
                    piece = &piece[1..];
                }
            }
            if body.try_reserve(piece.len()).is_err() {
                oom = true;
                body = Vec::new();
                continue;
            }
            body.extend_from_slice(piece);
        }
        if over {
            return Ok(Raw::TooLong(size));
        }
        if oom {
            return Ok(Raw::OutOfMemory(size));
        }
        // The blank line that ends a message belongs to the mbox.
        if body.ends_with(b"\r\n\r\n") || body == b"\r\n" {
            body.truncate(body.len() - 2);
        } else if body.ends_with(b"\n\n") || body == b"\n" {
            body.truncate(body.len() - 1);
        }
        Ok(Raw::Bytes(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{TempDir, ids, read_all, read_until_error};
    use crate::{Format, OnError, SkipKind};

    /// A quoted-printable ISO-8859-1 message with an RFC 2047 subject and sender.
    const LATIN1_QP: &[u8] = b"From: =?ISO-8859-1?Q?Andr=E9?= <andre@example.org>\r\n\
        To: Bob <bob@example.org>, carol@example.org\r\n\
        Subject: =?UTF-8?B?Q2Fmw6kgbWVldGluZw==?=\r\n\
        Date: Mon, 2 Jan 2006\r\n 15:04:05 -0700\r\n\
        Message-ID: <abc.123@example.org>\r\n\
        X-Mailer: Pine 4.0\r\n\
        MIME-Version: 1.0\r\n\
        Content-Type: text/plain; charset=iso-8859-1\r\n\
        Content-Transfer-Encoding: quoted-printable\r\n\
        \r\n\
        Meet me at the caf=E9 at noon; this line is soft-=\r\n\
        broken.\r\n";

    /// multipart/alternative: a base64 UTF-8 plain part and an HTML part.
    const ALTERNATIVE: &str = "From: ivan@example.ru\n\
        Subject: greeting\n\
        Content-Type: multipart/alternative; boundary=\"b1\"\n\
        \n\
        preamble, not text\n\
        --b1\n\
        Content-Type: text/plain; charset=utf-8\n\
        Content-Transfer-Encoding: base64\n\
        \n\
        0J/RgNC40LLQtdGCLCDQvNC40YAhIFBsYWluIHdpbnMuCg==\n\
        --b1\n\
        Content-Type: text/html; charset=utf-8\n\
        \n\
        <p>HTML <b>loses</b></p>\n\
        --b1--\n";

    /// Only an HTML body.
    const HTML_ONLY: &str = "From: news@example.com\n\
        Subject: Newsletter\n\
        Content-Type: text/html; charset=utf-8\n\
        \n\
        <html><head><style>p { margin: 0 }</style></head><body>\n\
        <nav><a href=/>Home</a></nav><h1>Weekly</h1><p>First item.</p><p>Second &amp; last\n\
        item.</p><script>track()</script></body></html>\n";

    /// A body, a PDF and a text file attached, and an attached message.
    const ATTACHMENTS: &str = "From: a@example.org\n\
        Subject: report\n\
        Message-ID: <report-1@example.org>\n\
        Content-Type: multipart/mixed; boundary=outer\n\
        \n\
        --outer\n\
        Content-Type: text/plain\n\
        \n\
        The report is attached.\n\
        --outer\n\
        Content-Type: application/pdf; name=report.pdf\n\
        Content-Disposition: attachment; filename=report.pdf\n\
        Content-Transfer-Encoding: base64\n\
        \n\
        JVBERi0xLjQgYmluYXJ5IAABAiBzdHVmZg==\n\
        --outer\n\
        Content-Type: text/plain; name=notes.txt\n\
        Content-Disposition: attachment; filename=notes.txt\n\
        \n\
        Attached notes, not the message's text.\n\
        --outer\n\
        Content-Type: message/rfc822\n\
        \n\
        From: b@example.org\n\
        Subject: forwarded\n\
        \n\
        A forwarded message.\n\
        --outer--\n";

    #[test]
    fn a_quoted_printable_latin1_message_is_decoded_with_its_headers() {
        let dir = TempDir::new("mail-qp");
        dir.write("inbox/cur/1.eml", LATIN1_QP);
        let mut config = dir.config(&["inbox"], Format::Email);
        config.meta_fields = vec!["x-mailer".into(), "Content-Type".into(), "none".into()];
        let (docs, stats) = read_all(config);
        assert_eq!(ids(&docs), ["abc.123@example.org"]);
        let doc = &docs[0];
        assert!(doc.text.contains("caf\u{e9} at noon"), "{:?}", doc.text);
        assert!(doc.text.ends_with("soft-broken."), "{:?}", doc.text);
        let meta: Vec<_> = doc.meta.iter().collect();
        assert_eq!(
            meta,
            [
                ("date", "Mon, 2 Jan 2006 15:04:05 -0700"),
                ("from", "Andr\u{e9} <andre@example.org>"),
                ("to", "Bob <bob@example.org>, carol@example.org"),
                ("subject", "Caf\u{e9} meeting"),
                ("message_id", "abc.123@example.org"),
                ("x-mailer", "Pine 4.0"),
                ("Content-Type", "text/plain; charset=iso-8859-1"),
            ]
        );
        assert_eq!(stats.attachments_skipped, 0);
    }

    #[test]
    fn plain_is_chosen_over_html_and_html_alone_is_reduced_to_text() {
        let dir = TempDir::new("mail-alternative");
        dir.write("alt.eml", ALTERNATIVE);
        dir.write("html.eml", HTML_ONLY);
        let (docs, stats) = read_all(dir.config(&["alt.eml", "html.eml"], Format::Email));
        // No Message-ID: the file's id.
        assert_eq!(ids(&docs), ["alt", "html"]);
        assert_eq!(
            docs[0].text,
            "\u{41f}\u{440}\u{438}\u{432}\u{435}\u{442}, \u{43c}\u{438}\u{440}! Plain wins."
        );
        assert_eq!(docs[1].text, "Weekly\n\nFirst item.\n\nSecond & last item.");
        assert_eq!(docs[1].meta.get("subject"), Some("Newsletter"));
        assert_eq!(stats.attachments_skipped, 0);
    }

    #[test]
    fn attachments_are_dropped_and_counted() {
        let dir = TempDir::new("mail-attachments");
        dir.write("a.eml", ATTACHMENTS);
        dir.write("b.eml", ATTACHMENTS.replace("report-1", "report-2"));
        let (docs, stats) = read_all(dir.config(&["."], Format::Email));
        assert_eq!(ids(&docs), ["report-1@example.org", "report-2@example.org"]);
        assert_eq!(docs[0].text, "The report is attached.");
        assert_eq!(stats.attachments_skipped, 6);
    }

    #[test]
    fn malformed_messages_are_record_errors_with_their_offset() {
        let dir = TempDir::new("mail-malformed");
        dir.write("a-empty.eml", "");
        dir.write("b-blank.eml", "\n\n  \n");
        dir.write(
            "c-prose.eml",
            "Dear Sir: this is a letter, not a message.\n",
        );
        dir.write("d-binary.eml", b"Subject: x\n\nbody\0\x01\x02".as_slice());
        dir.write(
            "e-from-line.eml",
            "From someone@example.org Mon Jan  1 00:00:00 2001\nnot a header\n",
        );
        dir.write("f-good.eml", "Subject: fine\n\nA body.\n");
        dir.write("g-headers-only.eml", "Subject: no body");
        let (docs, stats) = read_all(dir.config(&["."], Format::Email));
        assert_eq!(ids(&docs), ["f-good", "g-headers-only"]);
        assert_eq!(docs[0].text, "A body.");
        assert_eq!(docs[1].text, "");
        assert_eq!(docs[1].meta.get("subject"), Some("no body"));
        let skipped: Vec<_> = stats
            .skipped
            .iter()
            .map(|s| (s.file.as_str(), s.byte_offset, s.kind))
            .collect();
        assert_eq!(
            skipped,
            [
                ("a-empty.eml", Some(0), SkipKind::InvalidMessage),
                ("b-blank.eml", Some(0), SkipKind::InvalidMessage),
                ("c-prose.eml", Some(0), SkipKind::InvalidMessage),
                ("d-binary.eml", Some(16), SkipKind::Binary),
                ("e-from-line.eml", Some(50), SkipKind::InvalidMessage),
            ]
        );
        assert_eq!(
            stats.skipped[2].to_string(),
            "c-prose.eml: byte 0: no header at the start of the message: expected `Name: value` \
             header lines, found \"Dear Sir: this is a letter, not a message.\""
        );
        assert!(stats.skipped[0].reason.starts_with("empty message"));

        // Under `fail`, the first one stops the run.
        let (docs, err) = read_until_error(dir.config(&["."], Format::Email));
        assert!(docs.is_empty());
        assert_eq!((err.file(), err.byte_offset()), ("a-empty.eml", Some(0)));
    }

    #[test]
    fn a_maildir_reads_every_file_but_hidden_ones() {
        let dir = TempDir::new("maildir");
        dir.write(
            "Maildir/cur/1700000000.M1P2.host:2,S",
            "Subject: one\n\nOne.\n",
        );
        dir.write("Maildir/new/1700000001.M3P4.host", "Subject: two\n\nTwo.\n");
        dir.write("Maildir/.hidden", "not read");
        dir.write("spam/00001.7848dde101aa985090474a91ec93fcf0", LATIN1_QP);
        let (docs, stats) = read_all(dir.config(&["Maildir", "spam"], Format::Email));
        assert_eq!(
            ids(&docs),
            [
                "cur/1700000000.M1P2.host:2,S",
                "new/1700000001.M3P4.host",
                "abc.123@example.org"
            ]
        );
        assert_eq!(stats.files_left_out, 0);
    }

    /// Three messages; the second has no Message-ID; bodies hold `From ` lines that are not
    /// separators and mboxrd-quoted ones.
    const MBOX: &str = "From alice@example.org Mon Jan  2 15:04:05 2006\n\
        From: Alice <alice@example.org>\n\
        Date: Mon, 2 Jan 2006 15:04:05 +0000\n\
        Subject: first\n\
        Message-ID: <m1@example.org>\n\
        \n\
        First body.\n\
        From the start, this line is text (no date).\n\
        \n\
        From here on too: no time, no year.\n\
        >From bob@example.org Mon Jan  2 15:04:05 2006\n\
        >>From quoted twice\n\
        \n\
        From bob@example.org Tue Jan  3 10:00:00 2006\n\
        From: bob@example.org\n\
        Subject: =?utf-8?q?second_=E2=9C=93?=\n\
        \n\
        Second body.\n\
        \n\
        From carol@example.org Wed Jan  4 10:00:00 2006\n\
        From: carol@example.org\n\
        Message-ID: <m3@example.org>\n\
        \n\
        Third body.\n\
        \n";

    #[test]
    fn an_mbox_is_read_message_by_message() {
        let dir = TempDir::new("mbox");
        dir.write("lists/box.mbox", MBOX);
        let (docs, stats) = read_all(dir.config(&["lists"], Format::Mbox));
        assert_eq!(ids(&docs), ["m1@example.org", "box:2", "m3@example.org"]);
        assert_eq!(
            docs[0].text,
            "First body.\nFrom the start, this line is text (no date).\n\nFrom here on too: no \
             time, no year.\nFrom bob@example.org Mon Jan  2 15:04:05 2006\n>From quoted twice"
        );
        assert_eq!(
            docs[0].meta.get("date"),
            Some("Mon, 2 Jan 2006 15:04:05 +0000")
        );
        assert_eq!(docs[0].meta.get("from"), Some("Alice <alice@example.org>"));
        assert_eq!(docs[1].meta.get("subject"), Some("second \u{2713}"));
        assert_eq!(docs[1].meta.get("date"), None);
        assert_eq!(docs[1].text, "Second body.");
        assert_eq!(docs[2].text, "Third body.");
        assert_eq!((stats.records_seen, stats.documents), (3, 3));
    }

    #[test]
    fn a_bad_mbox_message_is_skipped_by_number_and_offset() {
        let dir = TempDir::new("mbox-bad");
        let bad = MBOX.replace("From: bob@example.org\n", "not a header\n");
        dir.write("box.mbox", &bad);
        let (docs, stats) = read_all(dir.config(&["box.mbox"], Format::Mbox));
        assert_eq!(ids(&docs), ["m1@example.org", "m3@example.org"]);
        let offset = bad.find("From bob@example.org Tue").unwrap() as u64;
        let skip = &stats.skipped[0];
        assert_eq!(
            (skip.byte_offset, skip.line, skip.kind),
            (Some(offset), None, SkipKind::InvalidMessage)
        );
        assert!(
            skip.to_string()
                .starts_with(&format!("box.mbox: byte {offset}: message 2: no header")),
            "{skip}"
        );
        // Content before the first separator is a message; blank lines are not.
        dir.write(
            "lead.mbox",
            format!("Subject: lead\n\nno separator\n\n{MBOX}"),
        );
        dir.write("blank.mbox", format!("\n\n{MBOX}"));
        dir.write("empty.mbox", "");
        let (docs, stats) =
            read_all(dir.config(&["lead.mbox", "blank.mbox", "empty.mbox"], Format::Mbox));
        assert_eq!(
            ids(&docs),
            [
                "lead:1",
                "m1@example.org",
                "lead:3",
                "m3@example.org",
                "m1@example.org",
                "blank:2",
                "m3@example.org"
            ]
        );
        assert_eq!(docs[0].text, "no separator");
        assert!(stats.skipped.is_empty());
    }

    #[test]
    fn an_mbox_message_over_the_limit_is_skipped_and_the_next_read() {
        let dir = TempDir::new("mbox-long");
        let long = MBOX.replace("Second body.", &"long line ".repeat(10_000));
        dir.write("box.mbox", &long);
        let mut config = dir.config(&["box.mbox"], Format::Mbox);
        config.max_line_bytes = Some(50_000);
        let (docs, stats) = read_all(config.clone());
        assert_eq!(ids(&docs), ["m1@example.org", "m3@example.org"]);
        let skip = &stats.skipped[0];
        assert_eq!(skip.kind, SkipKind::TooLong);
        assert!(
            skip.reason.starts_with("message 2: message of 100"),
            "{}",
            skip.reason
        );
        // Over max_document_bytes, a message's text is split like any document's.
        config.max_line_bytes = None;
        config.max_document_bytes = Some(40_000);
        let (docs, stats) = read_all(config.clone());
        assert_eq!(
            ids(&docs),
            [
                "m1@example.org",
                "box:2#1",
                "box:2#2",
                "box:2#3",
                "m3@example.org"
            ]
        );
        assert_eq!(stats.split[0].id, "box:2");
        config.oversize = crate::Oversize::Skip;
        config.on_error = OnError::Skip;
        let (_, stats) = read_all(config);
        let offset = long.find("From bob@example.org Tue").unwrap() as u64;
        assert_eq!(stats.skipped[0].byte_offset, Some(offset));
        assert_eq!(stats.skipped[0].kind, SkipKind::Oversize);
    }

    #[test]
    fn separators_are_told_from_body_lines() {
        for line in [
            "From MAILER-DAEMON Fri Jul  8 12:08:34 2011\n",
            "From - Tue Jul 03 19:11:45 2012\n",
            "From 1234567@xxx Wed Jan 01 00:00:00 +0000 2020\r\n",
            "From a@b.c Mon Jan 1 9:05 1996\n",
        ] {
            assert!(looks_like_separator(line.as_bytes()), "{line}");
        }
        for line in [
            "From Paris to London in 1999.\n",
            "From 2010 onwards, at 10:30 we met.\n",
            "From: a@b.c\n",
            ">From a@b Mon Jan 1 00:00:00 2020\n",
            "From \n",
            "from a@b Mon Jan 1 00:00:00 2020\n",
        ] {
            // The second has a time and a year, but as the sender's place holds "2010", only
            // "10:30" and no year follow it.
            assert!(!looks_like_separator(line.as_bytes()), "{line}");
        }
    }

    #[test]
    fn header_lines_are_names_and_a_colon() {
        assert!(is_header_line(b"Subject: x"));
        assert!(is_header_line(b"X-Spam-Level:"));
        assert!(is_header_line(b"Subject : obsolete blank"));
        assert!(!is_header_line(b"Hello there: friend"));
        assert!(!is_header_line(b": no name"));
        assert!(!is_header_line(b""));
        assert!(!is_header_line(b"From a@b Mon Jan 1 00:00:00 2020"));
    }
}

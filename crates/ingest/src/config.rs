//! What to read and how: [`SourceConfig`], [`Format`], [`OnError`], [`EncodingErrors`],
//! [`Oversize`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::date::DateFormat;
use crate::error::IngestError;
use crate::pattern::{PathPattern, PatternError};

/// How the bytes of each input file are turned into documents.
///
/// The format is chosen by configuration, never by file extension: `speeches.txt.gz` read with
/// `Format::Jsonl` is parsed as JSON Lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Format {
    /// One document per file; the file's path gives the id.
    #[default]
    Text,
    /// One JSON object per line; blank lines are ignored.
    Jsonl,
    /// Comma-separated values with a header row.
    Csv,
    /// One e-mail message (RFC 5322 with MIME) per file: a `.eml` file, or each file of a
    /// maildir or of any directory of message files.
    Email,
    /// Many e-mail messages per file, each starting with a `From ` line (mboxrd).
    Mbox,
    /// One saved web page per file, reduced to its visible text.
    Html,
}

impl Format {
    /// The name used in pipeline files: `text`, `jsonl`, `csv`, `email`, `mbox` or `html`.
    pub const fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Email => "email",
            Format::Mbox => "mbox",
            Format::Html => "html",
        }
    }

    /// The file-name extensions (without the compression extension) a directory input reads in this
    /// format unless [`SourceConfig::extensions`](field@crate::SourceConfig::extensions) says
    /// otherwise: `txt`, `md`; `jsonl`, `json`, `ndjson`; `csv`; for e-mail `*`, every file (a
    /// maildir's and most mail corpora's message files have no extension, or a random one, such as
    /// `00001.7848dde101aa985090474a91ec93fcf0`; hidden files are skipped as in every directory);
    /// `mbox`, `mbx`; `html`, `htm`, `xhtml`.
    pub const fn default_extensions(self) -> &'static [&'static str] {
        match self {
            Format::Text => &["txt", "md"],
            Format::Jsonl => &["jsonl", "json", "ndjson"],
            Format::Csv => &["csv"],
            Format::Email => &["*"],
            Format::Mbox => &["mbox", "mbx"],
            Format::Html => &["html", "htm", "xhtml"],
        }
    }

    /// The format a file name's extension names (after a compression extension, `.gz`, `.zst`
    /// or `.zstd`, is set aside), as [`Source::open`](crate::Source::open) chooses it; `Text`
    /// for any other name.
    pub(crate) fn for_path(path: &Path) -> Format {
        let extension = |p: &Path| {
            p.extension()
                .map(|e| e.to_string_lossy().to_ascii_lowercase())
        };
        let mut ext = extension(path);
        if matches!(ext.as_deref(), Some("gz" | "zst" | "zstd")) {
            ext = path.file_stem().and_then(|stem| extension(Path::new(stem)));
        }
        match ext.as_deref() {
            Some("jsonl" | "ndjson" | "json") => Format::Jsonl,
            Some("csv") => Format::Csv,
            Some("eml") => Format::Email,
            Some("mbox" | "mbx") => Format::Mbox,
            Some("html" | "htm" | "xhtml") => Format::Html,
            _ => Format::Text,
        }
    }

    /// The error reading this format gives when the build left out its cargo feature.
    pub(crate) fn disabled(self) -> Option<IngestError> {
        let feature = match self {
            Format::Jsonl if cfg!(not(feature = "jsonl")) => "jsonl",
            Format::Csv if cfg!(not(feature = "csv")) => "csv",
            Format::Email | Format::Mbox if cfg!(not(feature = "mail")) => "mail",
            Format::Html if cfg!(not(feature = "html")) => "html",
            _ => return None,
        };
        Some(IngestError::FeatureDisabled {
            what: format!("format `{}`", self.name()),
            feature,
        })
    }

    /// File-name extensions (without the compression extension) dropped when a file's path is
    /// turned into a document id.
    pub(crate) const fn id_extensions(self) -> &'static [&'static str] {
        match self {
            Format::Text => &["txt"],
            Format::Jsonl => &["jsonl", "ndjson", "json"],
            Format::Csv => &["csv"],
            Format::Email => &["eml"],
            Format::Mbox => &["mbox", "mbx"],
            Format::Html => &["html", "htm", "xhtml"],
        }
    }

    /// True for the formats with many records a file (JSON Lines, CSV, mbox), where a NUL
    /// byte after the first line spoils only its record; false where a file is one record.
    pub(crate) const fn many_records(self) -> bool {
        matches!(self, Format::Jsonl | Format::Csv | Format::Mbox)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "text" => Ok(Format::Text),
            "jsonl" => Ok(Format::Jsonl),
            "csv" => Ok(Format::Csv),
            "email" => Ok(Format::Email),
            "mbox" => Ok(Format::Mbox),
            "html" => Ok(Format::Html),
            _ => Err(ParseNameError {
                what: "format",
                found: s.to_owned(),
                expected: "`text`, `jsonl`, `csv`, `email`, `mbox` or `html`",
            }),
        }
    }
}

/// What to do with a record (or a file) that cannot be turned into a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum OnError {
    /// Record it in [`IngestStats::skipped`](crate::IngestStats::skipped) and go on.
    #[default]
    Skip,
    /// Yield the error once, then end the stream.
    Fail,
}

impl OnError {
    /// The name used in pipeline files: `skip` or `fail`.
    pub const fn name(self) -> &'static str {
        match self {
            OnError::Skip => "skip",
            OnError::Fail => "fail",
        }
    }
}

impl fmt::Display for OnError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for OnError {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "skip" => Ok(OnError::Skip),
            "fail" => Ok(OnError::Fail),
            _ => Err(ParseNameError {
                what: "on_error",
                found: s.to_owned(),
                expected: "`skip` or `fail`",
            }),
        }
    }
}

/// What to do with bytes that are not valid text in the file's encoding (UTF-8, or UTF-16 when
/// the file starts with a UTF-16 byte-order mark).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum EncodingErrors {
    /// The record (or text file) is an error at the first bad byte, skipped or failing as
    /// [`SourceConfig::on_error`](field@crate::SourceConfig::on_error) says.
    #[default]
    Reject,
    /// Each bad sequence becomes U+FFFD (the replacement character), the document is kept, and
    /// the replacements are listed in [`IngestStats::replaced`](crate::IngestStats::replaced).
    Replace,
}

impl EncodingErrors {
    /// The name used in pipeline files: `reject` or `replace`.
    pub const fn name(self) -> &'static str {
        match self {
            EncodingErrors::Reject => "reject",
            EncodingErrors::Replace => "replace",
        }
    }
}

impl fmt::Display for EncodingErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for EncodingErrors {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "reject" => Ok(EncodingErrors::Reject),
            "replace" => Ok(EncodingErrors::Replace),
            _ => Err(ParseNameError {
                what: "encoding_errors",
                found: s.to_owned(),
                expected: "`reject` or `replace`",
            }),
        }
    }
}

/// What to do with a document larger than
/// [`SourceConfig::max_document_bytes`](field@crate::SourceConfig::max_document_bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Oversize {
    /// Split it into parts of at most the limit, cutting after the last sentence end (`. `,
    /// `! `, `? `) or line break before the limit, else after the last whitespace, else at a
    /// character boundary. Part `k` of document `ID` gets the id `ID#k` and the same metadata;
    /// every split is listed in [`IngestStats::split`](crate::IngestStats::split).
    #[default]
    Split,
    /// Skip it as a record error ("document of N bytes exceeds max_document_bytes = M").
    Skip,
}

impl Oversize {
    /// The name used in pipeline files: `split` or `skip`.
    pub const fn name(self) -> &'static str {
        match self {
            Oversize::Split => "split",
            Oversize::Skip => "skip",
        }
    }
}

impl fmt::Display for Oversize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Oversize {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "split" => Ok(Oversize::Split),
            "skip" => Ok(Oversize::Skip),
            _ => Err(ParseNameError {
                what: "oversize",
                found: s.to_owned(),
                expected: "`split` or `skip`",
            }),
        }
    }
}

/// The order in which the files of a directory or glob input are read (and so numbered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum InputOrder {
    /// By name, byte by byte, each directory level in turn: `chapter_10` before `chapter_2`.
    #[default]
    Name,
    /// By name with runs of digits compared as numbers: `chapter_2` before `chapter_10`
    /// (ties, such as `a01` and `a1`, fall back to the byte order).
    Natural,
}

impl InputOrder {
    /// The name used in pipeline files: `name` or `natural`.
    pub const fn name(self) -> &'static str {
        match self {
            InputOrder::Name => "name",
            InputOrder::Natural => "natural",
        }
    }
}

impl fmt::Display for InputOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for InputOrder {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "name" => Ok(InputOrder::Name),
            "natural" => Ok(InputOrder::Natural),
            _ => Err(ParseNameError {
                what: "order",
                found: s.to_owned(),
                expected: "`name` or `natural`",
            }),
        }
    }
}

/// What to do with a document whose
/// [`SourceConfig::date_field`](field@crate::SourceConfig::date_field) is missing or does not
/// parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Undated {
    /// A record error of kind [`SkipKind::InvalidDate`](crate::SkipKind::InvalidDate), skipped
    /// or failing as [`SourceConfig::on_error`](field@crate::SourceConfig::on_error) says.
    #[default]
    Error,
    /// Keep the document (its value, if any, as found) and count it in
    /// [`IngestStats::undated`](crate::IngestStats::undated).
    Keep,
}

impl Undated {
    /// The name used in pipeline files: `error` or `keep`.
    pub const fn name(self) -> &'static str {
        match self {
            Undated::Error => "error",
            Undated::Keep => "keep",
        }
    }
}

impl fmt::Display for Undated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Undated {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "error" => Ok(Undated::Error),
            "keep" => Ok(Undated::Keep),
            _ => Err(ParseNameError {
                what: "undated",
                found: s.to_owned(),
                expected: "`error` or `keep`",
            }),
        }
    }
}

/// The character encoding of the input files
/// ([`SourceConfig::encoding`](field@crate::SourceConfig::encoding)).
///
/// A byte-order mark (UTF-8 or UTF-16) always wins: a file that starts with one is read in
/// the encoding it announces, whatever is configured.
///
/// ```
/// use wordmill_ingest::TextEncoding;
///
/// let latin: TextEncoding = "latin-1".parse().unwrap();
/// assert_eq!(latin.name(), "windows-1252");
/// assert_eq!("KOI8-R".parse::<TextEncoding>().unwrap().name(), "koi8-r");
/// assert!("klingon".parse::<TextEncoding>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum TextEncoding {
    /// UTF-8 (the default).
    #[default]
    Utf8,
    /// UTF-8, except where the input declares its charset: the `Content-Type` of an e-mail
    /// part, the `<meta charset>` of a web page.
    Auto,
    /// Another encoding, by its WHATWG Encoding Standard name.
    Legacy(Charset),
}

/// A character encoding other than UTF-8, as the WHATWG Encoding Standard defines it
/// (`windows-1252`, `windows-1251`, `koi8-r`, `iso-8859-2`, `utf-16le`, `shift_jis`, …).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Charset(pub(crate) &'static encoding_rs::Encoding);

impl Charset {
    /// Its canonical name, lower case (`windows-1252`).
    pub fn name(self) -> &'static str {
        // The standard's names are ASCII; lower case is how pipeline files write them.
        match self.0.name() {
            "UTF-16LE" => "utf-16le",
            "UTF-16BE" => "utf-16be",
            "Shift_JIS" => "shift_jis",
            "EUC-JP" => "euc-jp",
            "EUC-KR" => "euc-kr",
            "ISO-2022-JP" => "iso-2022-jp",
            "KOI8-R" => "koi8-r",
            "KOI8-U" => "koi8-u",
            "GBK" => "gbk",
            "Big5" => "big5",
            "IBM866" => "ibm866",
            "ISO-8859-8-I" => "iso-8859-8-i",
            other if other.starts_with("ISO-8859-") => match other {
                "ISO-8859-2" => "iso-8859-2",
                "ISO-8859-3" => "iso-8859-3",
                "ISO-8859-4" => "iso-8859-4",
                "ISO-8859-5" => "iso-8859-5",
                "ISO-8859-6" => "iso-8859-6",
                "ISO-8859-7" => "iso-8859-7",
                "ISO-8859-8" => "iso-8859-8",
                "ISO-8859-10" => "iso-8859-10",
                "ISO-8859-13" => "iso-8859-13",
                "ISO-8859-14" => "iso-8859-14",
                "ISO-8859-15" => "iso-8859-15",
                _ => "iso-8859-16",
            },
            other => other,
        }
    }

    /// The encoding a label names, as the WHATWG Encoding Standard maps labels (`latin1` and
    /// `iso-8859-1` are `windows-1252`, `utf-16` is `utf-16le`), with `latin-1` accepted too.
    /// `None` for UTF-8 and for unknown labels.
    pub fn for_label(label: &str) -> Option<Charset> {
        let label = label.trim().to_ascii_lowercase();
        let label = match label.as_str() {
            "latin-1" | "latin_1" | "iso_8859_1" => "latin1",
            "cp-1252" => "cp1252",
            "cp-1251" => "cp1251",
            other => other,
        };
        let encoding = encoding_rs::Encoding::for_label(label.as_bytes())?;
        if encoding == encoding_rs::UTF_8 || encoding == encoding_rs::REPLACEMENT {
            return None;
        }
        Some(Charset(encoding))
    }

    /// Whether it is UTF-16 (whose text has NUL bytes, so the binary-file check is off).
    pub(crate) fn is_utf16(self) -> bool {
        self.0 == encoding_rs::UTF_16LE || self.0 == encoding_rs::UTF_16BE
    }
}

impl fmt::Debug for Charset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl TextEncoding {
    /// The name used in pipeline files: `utf-8`, `auto`, or the encoding's canonical name.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Auto => "auto",
            TextEncoding::Legacy(charset) => charset.name(),
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TextEncoding {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" | "unicode-1-1-utf-8" => Ok(TextEncoding::Utf8),
            "auto" => Ok(TextEncoding::Auto),
            _ => Charset::for_label(s)
                .map(TextEncoding::Legacy)
                .ok_or_else(|| ParseNameError {
                    what: "encoding",
                    found: s.to_owned(),
                    expected: "`utf-8`, `auto` or an encoding label of the WHATWG Encoding \
                           Standard (`latin-1`, `windows-1252`, `windows-1251`, `koi8-r`, \
                           `iso-8859-2`, `utf-16`, `shift_jis`, …)",
                }),
        }
    }
}

/// Default [`SourceConfig::max_document_bytes`](field@crate::SourceConfig::max_document_bytes): 64
/// MiB.
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 64 << 20;
/// Default
/// [`SourceConfig::max_decompressed_bytes`](field@crate::SourceConfig::max_decompressed_bytes): 4
/// GiB.
pub const DEFAULT_MAX_DECOMPRESSED_BYTES: u64 = 4 << 30;
/// Default [`SourceConfig::max_line_bytes`](field@crate::SourceConfig::max_line_bytes): 256 MiB.
pub const DEFAULT_MAX_LINE_BYTES: u64 = 256 << 20;

/// A [`Format`], [`OnError`], [`EncodingErrors`], [`Oversize`], [`InputOrder`], [`Undated`] or
/// [`TextEncoding`] name that is not
/// one of the known ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{found}`: expected {expected}")]
pub struct ParseNameError {
    what: &'static str,
    found: String,
    expected: &'static str,
}

/// Everything a [`Source`](crate::Source) needs to know: which inputs, in which format, which
/// fields, and what to do about bad records.
///
/// This is plain data; [`Source::with_config`](crate::Source::with_config) turns it into a
/// running source.
/// Start from [`SourceConfig::default`] and set what differs, with the builder-style setters
/// (each takes the configuration and returns it) or by assigning the public fields:
///
/// ```
/// use wordmill_ingest::{Format, OnError, SourceConfig};
///
/// # fn main() -> Result<(), wordmill_ingest::PatternError> {
/// let config = SourceConfig::default()
///     .inputs(["corpus/"])
///     .format(Format::Jsonl)
///     .text_field("body.text")
///     .meta_fields(["date", "author"])
///     .on_error(OnError::Fail);
/// assert_eq!(config.inputs, ["corpus/"]);
/// # #[cfg(feature = "regex")]
/// let config = config.meta_from_path(r"(?P<year>\d{4})/")?;
///
/// let mut config = config;
/// config.max_document_bytes = None;
/// # Ok(())
/// # }
/// ```
///
/// New fields may be added in later versions (it is `#[non_exhaustive]`): outside this crate
/// it is built from [`SourceConfig::default`], never as a struct literal.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SourceConfig {
    /// Files, directories (walked recursively), or glob patterns (`corpus/*.txt`,
    /// `data/**/*.jsonl`); `-` is standard input.
    pub inputs: Vec<String>,
    /// The extensions a directory input reads (without the dot, ASCII case-insensitive; each
    /// also with `.gz`, `.zst` or `.zstd` after it); `*` reads every file. Files named
    /// directly and files matched by a glob are always read. `None`: the format's
    /// [`Format::default_extensions`]. The files left out are counted in
    /// [`IngestStats::files_left_out`](crate::IngestStats::files_left_out).
    pub extensions: Option<Vec<String>>,
    /// The order the files of each directory or glob input are read in. Default
    /// [`InputOrder::Name`].
    pub order: InputOrder,
    /// The directory relative inputs are resolved against (a pipeline file's directory).
    pub base_dir: PathBuf,
    /// How files are parsed.
    pub format: Format,
    /// JSON Lines: a dotted path into the object (`body.text`); CSV: a column name. Not used
    /// by the other formats.
    pub text_field: String,
    /// Where a record's id comes from (JSON Lines dotted path, CSV column). A record without
    /// it gets `<file id>:<line>`; `None` always uses that. Not used by the other formats (an
    /// e-mail's id is its Message-ID; see the crate documentation).
    pub id_field: Option<String>,
    /// Fields (JSON Lines dotted paths, CSV columns, e-mail headers, the names of an HTML page's
    /// `<meta>` elements) copied into the document's metadata under the name as written here.
    pub meta_fields: Vec<String>,
    /// A regular expression searched in each input's path (as [`InputFile::display`] shows
    /// it), or in [`SourceConfig::path_field`](field@crate::SourceConfig::path_field); its
    /// named groups that matched become metadata. The setter of the same name,
    /// [`SourceConfig::meta_from_path()`](method@SourceConfig::meta_from_path), compiles it
    /// from text.
    ///
    /// [`InputFile::display`]: crate::InputFile::display
    pub meta_from_path: Option<PathPattern>,
    /// What to do with records that cannot be read.
    pub on_error: OnError,
    /// What to do with bytes that are not valid UTF-8 (or UTF-16, after a UTF-16 byte-order
    /// mark). Default [`EncodingErrors::Reject`].
    pub encoding_errors: EncodingErrors,
    /// The largest document, in bytes of UTF-8 text; larger ones are split or skipped as
    /// [`SourceConfig::oversize`](field@crate::SourceConfig::oversize) says. `None`: no limit.
    /// Default 64 MiB.
    ///
    /// A plain-text file is one document however long, and has no line limit. It is read in
    /// chunks and never held whole when it is over this limit: a part is cut off each time
    /// more than the limit has been read (at the places cutting the whole would choose), or,
    /// to be skipped, the rest is only measured; so reading a text file holds about this many
    /// bytes at most, whatever its length (endless standard input included). With no limit a
    /// text file is read whole into memory; running out of memory then is a record error of
    /// kind [`SkipKind::OutOfMemory`](crate::SkipKind::OutOfMemory), not an abort.
    pub max_document_bytes: Option<u64>,
    /// What to do with a document over
    /// [`SourceConfig::max_document_bytes`](field@crate::SourceConfig::max_document_bytes). Default
    /// [`Oversize::Split`].
    pub oversize: Oversize,
    /// The most bytes one compressed file (`.gz`, `.zst`, compressed standard input) may
    /// decompress to. Past it reading the file stops with a file error (a decompression bomb
    /// is refused); JSON Lines and CSV records read before stay valid. `None`: no limit.
    /// Default 4 GiB.
    pub max_decompressed_bytes: Option<u64>,
    /// The longest JSON Lines line (without its line break) or CSV record, in bytes. A longer
    /// JSON Lines line is skipped as a record error without being held in memory, and reading
    /// goes on at the next line. A longer CSV record is a record error too; when it is still
    /// growing past the limit (an unbalanced quote, typically) reading the file stops there,
    /// as a CSV parser cannot find the next record inside an open quoted field. The same limit
    /// bounds an e-mail message (attachments included) and an HTML page, each held whole to be
    /// parsed: a longer one is read past without being held and skipped as a record error.
    /// Plain text has no lines to limit. `None`: no limit. Default 256 MiB.
    pub max_line_bytes: Option<u64>,
    /// The character encoding of the inputs. Default [`TextEncoding::Utf8`].
    pub encoding: TextEncoding,
    /// A metadata field (as named in
    /// [`SourceConfig::meta_fields`](field@crate::SourceConfig::meta_fields), a `meta_from_path`
    /// group, or an e-mail header) holding the document's date: parsed by [`normalise_date`] (or
    /// [`SourceConfig::date_format`](field@crate::SourceConfig::date_format)) and written back in
    /// ISO 8601, in UTC.
    ///
    /// [`normalise_date`]: crate::normalise_date
    pub date_field: Option<String>,
    /// A fixed format for [`SourceConfig::date_field`](field@crate::SourceConfig::date_field)
    /// instead of detecting it per value.
    pub date_format: Option<DateFormat>,
    /// What a missing or unreadable date does. Default [`Undated::Error`].
    pub undated: Undated,
    /// A field (JSON Lines dotted path, CSV column, named in
    /// [`SourceConfig::meta_fields`](field@crate::SourceConfig::meta_fields)) that holds each
    /// record's original path:
    /// [`SourceConfig::meta_from_path`](field@crate::SourceConfig::meta_from_path) is matched
    /// against it instead of the input file's path, and the field itself is not kept. For records
    /// that were files before (a cluster job sends each file as a JSON line). Default `None`.
    pub path_field: Option<String>,
}

impl Default for SourceConfig {
    /// No inputs, the format's extensions, files by name, base directory `.`, text format, text
    /// field `text`, id field `id`, no metadata, skip bad records, reject invalid text, documents
    /// of at most 64 MiB (split beyond), at most 4 GiB decompressed per file, lines of at most 256
    /// MiB.
    fn default() -> Self {
        SourceConfig {
            inputs: Vec::new(),
            extensions: None,
            order: InputOrder::Name,
            base_dir: PathBuf::from("."),
            format: Format::Text,
            text_field: "text".to_owned(),
            id_field: Some("id".to_owned()),
            meta_fields: Vec::new(),
            meta_from_path: None,
            on_error: OnError::Skip,
            encoding_errors: EncodingErrors::Reject,
            max_document_bytes: Some(DEFAULT_MAX_DOCUMENT_BYTES),
            oversize: Oversize::Split,
            max_decompressed_bytes: Some(DEFAULT_MAX_DECOMPRESSED_BYTES),
            max_line_bytes: Some(DEFAULT_MAX_LINE_BYTES),
            encoding: TextEncoding::Utf8,
            date_field: None,
            date_format: None,
            undated: Undated::Error,
            path_field: None,
        }
    }
}

/// Builder-style setters: each sets one field (see the field of the same name) and returns the
/// configuration.
impl SourceConfig {
    /// Sets [`SourceConfig::inputs`](field@SourceConfig::inputs): files, directories, glob patterns
    /// or `-` (standard input), replacing those set before.
    #[must_use]
    pub fn inputs<I>(mut self, inputs: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.inputs = inputs.into_iter().map(Into::into).collect();
        self
    }

    /// Sets [`SourceConfig::extensions`](field@SourceConfig::extensions): the extensions a
    /// directory input reads (`"*"` for every file) instead of the format's.
    #[must_use]
    pub fn extensions<I>(mut self, extensions: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.extensions = Some(extensions.into_iter().map(Into::into).collect());
        self
    }

    /// Sets [`SourceConfig::order`](field@SourceConfig::order).
    #[must_use]
    pub fn order(mut self, order: InputOrder) -> Self {
        self.order = order;
        self
    }

    /// Sets [`SourceConfig::base_dir`](field@SourceConfig::base_dir), the directory relative inputs
    /// are resolved against.
    #[must_use]
    pub fn base_dir(mut self, base_dir: impl Into<PathBuf>) -> Self {
        self.base_dir = base_dir.into();
        self
    }

    /// Sets [`SourceConfig::format`](field@SourceConfig::format).
    #[must_use]
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// Sets [`SourceConfig::text_field`](field@SourceConfig::text_field): a JSON Lines dotted path
    /// or a CSV column.
    #[must_use]
    pub fn text_field(mut self, field: impl Into<String>) -> Self {
        self.text_field = field.into();
        self
    }

    /// Sets [`SourceConfig::id_field`](field@SourceConfig::id_field); `None` gives every record the
    /// id `<file id>:<line>`.
    #[must_use]
    pub fn id_field(mut self, field: Option<&str>) -> Self {
        self.id_field = field.map(str::to_owned);
        self
    }

    /// Sets [`SourceConfig::meta_fields`](field@SourceConfig::meta_fields), replacing those set
    /// before.
    #[must_use]
    pub fn meta_fields<I>(mut self, fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.meta_fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// Compiles `pattern` into
    /// [`SourceConfig::meta_from_path`](field@SourceConfig::meta_from_path): a regular expression
    /// whose named groups (`(?P<year>\d{4})`) that match in a file's path become metadata.
    ///
    /// # Errors
    ///
    /// A pattern that is not a valid regular expression, or any pattern when the crate was
    /// built without its `regex` feature: see [`PathPattern::new`].
    pub fn meta_from_path(mut self, pattern: &str) -> Result<Self, PatternError> {
        self.meta_from_path = Some(PathPattern::new(pattern)?);
        Ok(self)
    }

    /// Sets [`SourceConfig::on_error`](field@SourceConfig::on_error).
    #[must_use]
    pub fn on_error(mut self, on_error: OnError) -> Self {
        self.on_error = on_error;
        self
    }

    /// Sets [`SourceConfig::encoding_errors`](field@SourceConfig::encoding_errors).
    #[must_use]
    pub fn encoding_errors(mut self, policy: EncodingErrors) -> Self {
        self.encoding_errors = policy;
        self
    }

    /// Sets [`SourceConfig::max_document_bytes`](field@SourceConfig::max_document_bytes); `None`
    /// for no limit.
    #[must_use]
    pub fn max_document_bytes(mut self, limit: Option<u64>) -> Self {
        self.max_document_bytes = limit;
        self
    }

    /// Sets [`SourceConfig::oversize`](field@SourceConfig::oversize).
    #[must_use]
    pub fn oversize(mut self, oversize: Oversize) -> Self {
        self.oversize = oversize;
        self
    }

    /// Sets [`SourceConfig::max_decompressed_bytes`](field@SourceConfig::max_decompressed_bytes);
    /// `None` for no limit.
    #[must_use]
    pub fn max_decompressed_bytes(mut self, limit: Option<u64>) -> Self {
        self.max_decompressed_bytes = limit;
        self
    }

    /// Sets [`SourceConfig::max_line_bytes`](field@SourceConfig::max_line_bytes); `None` for no
    /// limit.
    #[must_use]
    pub fn max_line_bytes(mut self, limit: Option<u64>) -> Self {
        self.max_line_bytes = limit;
        self
    }

    /// Sets [`SourceConfig::encoding`](field@SourceConfig::encoding).
    #[must_use]
    pub fn encoding(mut self, encoding: TextEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Sets [`SourceConfig::date_field`](field@SourceConfig::date_field): the metadata field
    /// holding each document's date.
    #[must_use]
    pub fn date_field(mut self, field: impl Into<String>) -> Self {
        self.date_field = Some(field.into());
        self
    }

    /// Sets [`SourceConfig::date_format`](field@SourceConfig::date_format), a fixed format for the
    /// dates instead of detecting each.
    #[must_use]
    pub fn date_format(mut self, format: DateFormat) -> Self {
        self.date_format = Some(format);
        self
    }

    /// Sets [`SourceConfig::undated`](field@SourceConfig::undated).
    #[must_use]
    pub fn undated(mut self, undated: Undated) -> Self {
        self.undated = undated;
        self
    }

    /// Sets [`SourceConfig::path_field`](field@SourceConfig::path_field): the field holding each
    /// record's original path, which `meta_from_path` is matched against.
    #[must_use]
    pub fn path_field(mut self, field: impl Into<String>) -> Self {
        self.path_field = Some(field.into());
        self
    }
}

//! Turning the configured inputs (files, directories, globs, `-`) into the ordered list of
//! files to read.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;
use std::time::SystemTime;

#[cfg(feature = "glob")]
use globset::GlobBuilder;
use walkdir::WalkDir;

use crate::config::{Format, InputOrder, OnError, SourceConfig};
use crate::error::{IngestError, SkipKind};
use crate::pattern::PatternError;

/// One file a [`Source`](crate::Source) will read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Where the file is (relative inputs joined to the base directory); `-` for standard input.
    pub path: PathBuf,
    /// The path as the user wrote it or as it was expanded from a directory or glob, with `/`
    /// separators, relative to the base directory when the input was relative; `-` for standard
    /// input. Error messages name files this way and `meta_from_path` is matched against it.
    pub display: String,
    /// Size on disk in bytes (compressed size for compressed files); 0 for standard input.
    pub bytes: u64,
    /// The path relative to its input root, with `/` separators; see [`InputFile::id`].
    relative: String,
    stdin: bool,
    /// The path with every symbolic link resolved (see [`InputFile::canonical`]).
    canonical: Option<PathBuf>,
    /// When a regular file: its modification time when it was listed (`None` where the
    /// platform does not say). Compared again after reading, with the size.
    listed: Option<Listed>,
}

/// What a regular file looked like when it was listed: a file that no longer looks so once it
/// has been read changed while it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Listed {
    pub bytes: u64,
    pub modified: Option<SystemTime>,
}

impl Listed {
    pub(crate) fn of(meta: &fs::Metadata) -> Option<Listed> {
        meta.is_file().then(|| Listed {
            bytes: meta.len(),
            modified: meta.modified().ok(),
        })
    }
}

impl InputFile {
    /// The file's document id for `format`: its path relative to the input root (the directory
    /// walked, the glob's literal directory, or just the file name for a plain file), with `/`
    /// separators and without the compression extension (`.gz`, `.zst`) and the format's own
    /// extension (`.txt`; `.jsonl`/`.ndjson`/`.json`; `.csv`). Standard input is `stdin`.
    ///
    /// Text documents use it as their id; JSON Lines and CSV records without an id use
    /// `<file id>:<line>`.
    pub fn id(&self, format: Format) -> String {
        if self.stdin {
            return "stdin".to_owned();
        }
        let mut id = self.relative.as_str();
        for ext in ["gz", "zst", "zstd"] {
            if let Some(stem) = strip_extension(id, ext) {
                id = stem;
                break;
            }
        }
        for ext in format.id_extensions() {
            if let Some(stem) = strip_extension(id, ext) {
                id = stem;
                break;
            }
        }
        id.to_owned()
    }

    /// True for standard input.
    pub fn is_stdin(&self) -> bool {
        self.stdin
    }

    /// The file's absolute path with every symbolic link resolved, as
    /// [`std::fs::canonicalize`] gives it when the file was listed; `None` for standard input,
    /// files known only by name, and files whose path could not be resolved.
    pub fn canonical(&self) -> Option<&Path> {
        self.canonical.as_deref()
    }

    /// Size and modification time when listed, for a regular file; `None` for standard input,
    /// files known only by name and other kinds of file (a FIFO named as an input).
    pub(crate) fn listed(&self) -> Option<Listed> {
        self.listed
    }

    /// A file known only by `name` (its bytes come from memory).
    #[cfg(any(test, feature = "__fuzz"))]
    pub(crate) fn named(name: &str, bytes: u64) -> Self {
        InputFile {
            path: PathBuf::from(name),
            display: name.to_owned(),
            bytes,
            relative: name.to_owned(),
            stdin: false,
            canonical: None,
            listed: None,
        }
    }

    pub(crate) fn stdin() -> Self {
        InputFile {
            path: PathBuf::from("-"),
            display: "-".to_owned(),
            bytes: 0,
            relative: "stdin".to_owned(),
            stdin: true,
            canonical: None,
            listed: None,
        }
    }
}

/// `name` without `.ext` (ASCII case-insensitive), unless that would leave nothing of the last
/// path component.
fn strip_extension<'a>(name: &'a str, ext: &str) -> Option<&'a str> {
    let cut = name.len().checked_sub(ext.len() + 1)?;
    let (stem, dot_ext) = name.split_at_checked(cut)?;
    let matches = dot_ext.as_bytes()[0] == b'.' && dot_ext[1..].eq_ignore_ascii_case(ext);
    let stem_ok = !stem.is_empty() && !stem.ends_with('/');
    (matches && stem_ok).then_some(stem)
}

/// A file or directory entry that could not be listed, or will not be read, met while
/// expanding an input.
#[derive(Debug)]
pub(crate) struct WalkProblem {
    pub display: String,
    pub kind: SkipKind,
    pub reason: String,
}

/// How many files of directory inputs were left out for their extension, with the first few.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LeftOut {
    pub count: u64,
    pub examples: Vec<String>,
}

/// How many left-out files are named as examples.
pub(crate) const LEFT_OUT_EXAMPLES: usize = 10;

impl LeftOut {
    fn add(&mut self, display: String) {
        self.count += 1;
        if self.examples.len() < LEFT_OUT_EXAMPLES {
            self.examples.push(display);
        }
    }
}

/// The outcome of resolving every input.
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    pub files: Vec<InputFile>,
    pub problems: Vec<WalkProblem>,
    pub left_out: LeftOut,
    /// How many directory listings glob inputs took (one per directory they share).
    pub walks: usize,
}

/// Which files a directory input reads: those whose name ends in one of the extensions (each
/// optionally followed by a compression extension), or every file.
struct Extensions {
    /// Lower-case, without the dot; empty for every file.
    wanted: Vec<String>,
}

impl Extensions {
    fn new(config: &SourceConfig) -> Extensions {
        let wanted: Vec<String> = match &config.extensions {
            Some(list) => list
                .iter()
                .map(|e| e.trim_start_matches('.').to_ascii_lowercase())
                .collect(),
            None => config
                .format
                .default_extensions()
                .iter()
                .map(|e| (*e).to_owned())
                .collect(),
        };
        if wanted.iter().any(|e| e == "*") {
            return Extensions { wanted: Vec::new() };
        }
        Extensions { wanted }
    }

    fn admits(&self, name: &str) -> bool {
        if self.wanted.is_empty() {
            return true;
        }
        let mut name = name;
        for compression in ["gz", "zst", "zstd"] {
            if let Some(stem) = strip_extension(name, compression) {
                name = stem;
                break;
            }
        }
        self.wanted
            .iter()
            .any(|ext| strip_extension(name, ext).is_some())
    }

    /// `.jsonl, .json or .ndjson`.
    fn describe(&self) -> String {
        let dotted: Vec<String> = self.wanted.iter().map(|e| format!("`.{e}`")).collect();
        match dotted.split_last() {
            None => "any extension".to_owned(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        }
    }
}

/// Expands `config.inputs` in order; each input in sorted order; duplicates dropped.
pub(crate) fn resolve(config: &SourceConfig) -> Result<Resolved, IngestError> {
    let mut resolver = Resolver::new(config);
    for input in &config.inputs {
        resolver.input(input)?;
    }
    Ok(resolver.out)
}

/// The error each input gives when it is resolved (an input that matches nothing, an invalid
/// glob, an entry that cannot be listed under [`OnError::Fail`]), with the input's index: what
/// resolving each input alone gives, with one listing per directory for all of them.
pub(crate) fn check(config: &SourceConfig) -> (Vec<(usize, IngestError)>, usize) {
    let mut resolver = Resolver::new(config);
    let errors = config
        .inputs
        .iter()
        .enumerate()
        .filter_map(|(i, input)| resolver.input(input).err().map(|err| (i, err)))
        .collect();
    (errors, resolver.out.walks)
}

impl<'a> Resolver<'a> {
    /// A resolver for `config`, knowing what its globs need of the directories they list.
    fn new(config: &'a SourceConfig) -> Self {
        let mut resolver = Resolver {
            base: &config.base_dir,
            on_error: config.on_error,
            order: config.order,
            extensions: Extensions::new(config),
            seen: HashSet::new(),
            dirs: HashMap::new(),
            stdin_seen: false,
            needs: HashMap::new(),
            listings: HashMap::new(),
            out: Resolved::default(),
        };
        // What every glob needs of its directory's listing, so that one listing serves all.
        for input in &config.inputs {
            if input != "-" && input.contains(GLOB_META) {
                let parts = resolver.glob_parts(input);
                let need: &mut Need = resolver.needs.entry(parts.root).or_default();
                need.max_depth = match (need.seen, need.max_depth, parts.max_depth) {
                    (false, _, depth) => depth,
                    (true, Some(a), Some(b)) => Some(a.max(b)),
                    _ => None,
                };
                need.seen = true;
                need.show_hidden |= parts.show_hidden;
            }
        }
        resolver
    }
}

/// How a glob input splits into the directory it lists (its literal start, joined to `base`
/// when relative) and the pattern below it.
fn glob_parts(base: &Path, input: &str) -> GlobParts {
    let normalised = slashed(input);
    let parts: Vec<&str> = normalised.split('/').collect();
    let literal = parts.iter().take_while(|p| !p.contains(GLOB_META)).count();
    let prefix = parts[..literal].join("/");
    let rest = parts[literal..].join("/");
    let root = if literal == 0 {
        base.to_path_buf()
    } else if prefix.is_empty() {
        // The pattern starts with `/`: the file-system root.
        PathBuf::from("/")
    } else if Path::new(&prefix).is_absolute() {
        PathBuf::from(&prefix)
    } else {
        base.join(&prefix)
    };
    let max_depth = (!rest.contains("**")).then(|| rest.split('/').count());
    let show_hidden = rest.split('/').any(|c| c.starts_with('.'));
    GlobParts {
        literal,
        prefix,
        rest,
        root,
        max_depth,
        show_hidden,
    }
}

/// Whether the glob input `pattern` (relative inputs are joined to `base`) reads a file at
/// `path` (absolute, with links resolved), whether or not it exists yet: the rules of
/// [`Source::with_config`](crate::Source::with_config) (listing from the pattern's literal
/// directory, `*` within one path component, hidden components only where the pattern names
/// them). A caller that writes files can so check that an input will not read them back.
/// `false` for an input that is not a glob or not a valid one, and always without the `glob`
/// feature (no input is then a glob).
pub fn glob_reads(base: &Path, pattern: &str, path: &Path) -> bool {
    if !pattern.contains(GLOB_META) {
        return false;
    }
    let parts = glob_parts(base, pattern);
    let root = fs::canonicalize(&parts.root)
        .or_else(|_| std::path::absolute(&parts.root))
        .unwrap_or(parts.root);
    let Ok(inside) = path.strip_prefix(&root) else {
        return false;
    };
    let relative = relative_slashed(path, &root);
    if !parts.show_hidden
        && inside
            .components()
            .any(|c| c.as_os_str().as_encoded_bytes().first() == Some(&b'.'))
    {
        return false;
    }
    compile(&parts.rest).is_ok_and(|matcher| matcher.is_match(&relative))
}

/// A compiled glob pattern (the part of a glob input below its literal directory).
#[cfg(feature = "glob")]
struct Matcher(globset::GlobMatcher);

#[cfg(feature = "glob")]
impl Matcher {
    fn is_match(&self, path: &str) -> bool {
        self.0.is_match(path)
    }
}

/// Without the `glob` feature there are no glob patterns: nothing compiles, nothing matches.
#[cfg(not(feature = "glob"))]
struct Matcher(std::convert::Infallible);

#[cfg(not(feature = "glob"))]
impl Matcher {
    fn is_match(&self, _path: &str) -> bool {
        match self.0 {}
    }
}

/// Compiles a glob pattern: `*` within one path component, a backslash escapes.
#[cfg(feature = "glob")]
fn compile(pattern: &str) -> Result<Matcher, PatternError> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map(|glob| Matcher(glob.compile_matcher()))
        .map_err(|err| PatternError::new(pattern, err.to_string()))
}

/// Without the `glob` feature no pattern compiles.
#[cfg(not(feature = "glob"))]
fn compile(pattern: &str) -> Result<Matcher, PatternError> {
    Err(PatternError::new(
        pattern,
        "glob patterns need wordmill-ingest's `glob` feature".to_owned(),
    ))
}

/// A glob input: the directory it lists (its literal start) and the pattern below it.
struct GlobParts {
    /// How many `/`-separated components are literal.
    literal: usize,
    /// Those components, joined with `/`.
    prefix: String,
    /// The pattern below them.
    rest: String,
    root: PathBuf,
    /// How deep the pattern reaches below the root; `None` with `**`.
    max_depth: Option<usize>,
    /// A component of the pattern starts with `.`: hidden entries can match.
    show_hidden: bool,
}

/// How deep (`None`: all the way) and whether hidden entries too, the globs below one
/// directory need it listed.
#[derive(Debug, Clone, Copy, Default)]
struct Need {
    seen: bool,
    max_depth: Option<usize>,
    show_hidden: bool,
}

/// One walk of a directory, shared by the globs below it.
#[derive(Debug)]
struct Listing {
    /// Files, other entries and errors, in walk order.
    entries: Vec<Entry>,
    /// The files and other entries, by `matched`.
    by_name: Vec<usize>,
    /// The errors, in walk order.
    errors: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryKind {
    File,
    /// Not a regular file nor a directory: a FIFO, socket or device.
    Other,
    /// An entry that could not be listed.
    Error,
}

#[derive(Debug, Clone)]
struct Entry {
    kind: EntryKind,
    /// The path relative to the root as globs match it (invalid bytes as U+FFFD).
    matched: String,
    /// The path relative to the root as shown (invalid bytes escaped).
    relative: String,
    depth: usize,
    /// A component below the root is hidden.
    hidden: bool,
    /// The entry itself is a symbolic link.
    symlink: bool,
    /// Why it could not be listed (errors).
    reason: String,
    path: Option<PathBuf>,
}

struct Resolver<'a> {
    base: &'a Path,
    on_error: OnError,
    order: InputOrder,
    extensions: Extensions,
    seen: HashSet<PathBuf>,
    /// Canonical paths of the directories files were listed from (see `canonical_of`).
    dirs: HashMap<PathBuf, Option<PathBuf>>,
    stdin_seen: bool,
    /// What the globs need of each directory they list.
    needs: HashMap<PathBuf, Need>,
    /// The listings made so far.
    listings: HashMap<PathBuf, Rc<Listing>>,
    out: Resolved,
}

/// Characters that make an input a glob pattern (when no file of that name exists).
const GLOB_META: &[char] = &['*', '?', '[', '{'];

impl Resolver<'_> {
    fn input(&mut self, input: &str) -> Result<(), IngestError> {
        if input == "-" {
            if !self.stdin_seen {
                self.stdin_seen = true;
                self.out.files.push(InputFile::stdin());
            }
            return Ok(());
        }
        if input.is_empty() {
            return Err(IngestError::NoMatch {
                input: input.to_owned(),
                reason: "expected a file, directory or glob pattern, found an empty string"
                    .to_owned(),
            });
        }
        let full = self.full_path(Path::new(input));
        match fs::metadata(&full) {
            Ok(meta) if meta.is_dir() => {
                let before = self.out.left_out.clone();
                if self.walk(input, &full)? {
                    return Ok(());
                }
                let left_out = self.out.left_out.count - before.count;
                let reason = if left_out == 0 {
                    format!(
                        "expected files in directory `{}`, found none that is not hidden",
                        full.display()
                    )
                } else {
                    let examples = &self.out.left_out.examples[before.examples.len()..];
                    format!(
                        "expected files ending in {} in directory `{}`, found {left_out} other \
                         file{} ({}{}); `ingest.extensions` sets the extensions to read \
                         (`[\"*\"]` for every file)",
                        self.extensions.describe(),
                        full.display(),
                        if left_out == 1 { "" } else { "s" },
                        examples
                            .iter()
                            .take(3)
                            .map(|e| format!("`{e}`"))
                            .collect::<Vec<_>>()
                            .join(", "),
                        if left_out > 3 { ", …" } else { "" }
                    )
                };
                Err(IngestError::NoMatch {
                    input: input.to_owned(),
                    reason,
                })
            }
            Ok(meta) => {
                let relative = Path::new(input)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| input.to_owned());
                let canonical = fs::canonicalize(&full).ok();
                self.push(full, canonical, slashed(input), &meta, relative);
                Ok(())
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound && input.contains(GLOB_META) => {
                self.glob(input)
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => Err(IngestError::NoMatch {
                input: input.to_owned(),
                reason: format!(
                    "expected a file, directory or glob pattern; no such file or directory `{}`",
                    full.display()
                ),
            }),
            Err(err) => Err(IngestError::NoMatch {
                input: input.to_owned(),
                reason: format!("cannot read `{}`: {err}", full.display()),
            }),
        }
    }

    fn full_path(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.base.join(path)
        }
    }

    /// The directory a glob lists and the pattern below it.
    fn glob_parts(&self, input: &str) -> GlobParts {
        glob_parts(self.base, input)
    }

    fn glob(&mut self, input: &str) -> Result<(), IngestError> {
        let GlobParts {
            literal,
            prefix,
            rest,
            root,
            max_depth,
            show_hidden,
        } = self.glob_parts(input);
        if cfg!(not(feature = "glob")) {
            return Err(IngestError::FeatureDisabled {
                what: format!("input `{input}`: a glob pattern"),
                feature: "glob",
            });
        }
        let matcher = compile(&rest).map_err(|source| IngestError::Glob {
            input: input.to_owned(),
            source,
        })?;
        if !root.is_dir() {
            return Err(IngestError::NoMatch {
                input: input.to_owned(),
                reason: format!(
                    "no file matches glob `{rest}`: directory `{}` does not exist",
                    root.display()
                ),
            });
        }
        let display_prefix = if literal == 0 {
            String::new()
        } else {
            format!("{prefix}/")
        };
        // One listing of the root serves every glob below it: only the entries whose name
        // starts with the pattern's literal start are matched, and listing errors (which
        // could hide matches) are looked at by every glob.
        let listing = self.listing(&root);
        let start = literal_start(&rest);
        let within = |entry: &Entry| {
            max_depth.is_none_or(|max| entry.depth <= max) && (show_hidden || !entry.hidden)
        };
        let mut chosen: Vec<usize> = Vec::new();
        let from = listing
            .by_name
            .partition_point(|&i| listing.entries[i].matched.as_str() < start);
        for &i in &listing.by_name[from..] {
            let entry = &listing.entries[i];
            if !entry.matched.starts_with(start) {
                break;
            }
            if entry.kind != EntryKind::Error && within(entry) && matcher.is_match(&entry.matched) {
                chosen.push(i);
            }
        }
        for &i in &listing.errors {
            let entry = &listing.entries[i];
            if !within(entry) {
                continue;
            }
            let could_match = entry.path.is_none()
                || max_depth.is_none_or(|max| entry.depth < max)
                || matcher.is_match(&entry.matched);
            if could_match {
                chosen.push(i);
            }
        }
        chosen.sort_unstable();
        let matched_any = !chosen.is_empty();
        let entries: Vec<Entry> = chosen.iter().map(|&i| listing.entries[i].clone()).collect();
        for entry in entries {
            let display = format!("{display_prefix}{}", entry.relative);
            match (entry.kind, entry.path) {
                (EntryKind::Error, None) => self.problem(input.to_owned(), entry.reason)?,
                (EntryKind::Error, Some(_)) => self.problem(display, entry.reason)?,
                (EntryKind::Other, _) => self.not_a_file(display)?,
                (EntryKind::File, Some(path)) => match fs::metadata(&path) {
                    Ok(meta) => {
                        let canonical = self.canonical_of(&path, entry.symlink);
                        self.push(path, canonical, display, &meta, entry.relative);
                    }
                    Err(err) => self.problem(display, io_reason(&err))?,
                },
                (EntryKind::File, None) => {}
            }
        }
        if !matched_any {
            return Err(IngestError::NoMatch {
                input: input.to_owned(),
                reason: format!(
                    "no file matches glob `{rest}` under `{}`",
                    if literal == 0 { "." } else { &prefix }
                ),
            });
        }
        Ok(())
    }

    /// The listing of `root` shared by the globs below it, made on first use: one walk deep
    /// and wide enough for all of them.
    fn listing(&mut self, root: &Path) -> Rc<Listing> {
        if let Some(listing) = self.listings.get(root) {
            return Rc::clone(listing);
        }
        let need = self.needs.get(root).copied().unwrap_or_default();
        self.out.walks += 1;
        let mut entries = Vec::new();
        for item in walker(root, need.max_depth, need.show_hidden, self.order) {
            let entry = match item {
                Ok(entry) => {
                    let file_type = entry.file_type();
                    if file_type.is_dir() {
                        continue;
                    }
                    Entry {
                        kind: if file_type.is_file() {
                            EntryKind::File
                        } else {
                            EntryKind::Other
                        },
                        matched: relative_lossy(entry.path(), root),
                        relative: relative_slashed(entry.path(), root),
                        depth: entry.depth(),
                        hidden: hidden_below(entry.path(), root),
                        symlink: entry.path_is_symlink(),
                        reason: String::new(),
                        path: Some(entry.into_path()),
                    }
                }
                Err(err) => {
                    let reason = walk_reason(&err);
                    let depth = err.depth();
                    match err.path() {
                        Some(path) => Entry {
                            kind: EntryKind::Error,
                            matched: relative_lossy(path, root),
                            relative: relative_slashed(path, root),
                            depth,
                            hidden: hidden_below(path, root),
                            symlink: false,
                            reason,
                            path: Some(path.to_path_buf()),
                        },
                        None => Entry {
                            kind: EntryKind::Error,
                            matched: String::new(),
                            relative: String::new(),
                            depth,
                            hidden: false,
                            symlink: false,
                            reason,
                            path: None,
                        },
                    }
                }
            };
            entries.push(entry);
        }
        let mut by_name: Vec<usize> = (0..entries.len())
            .filter(|&i| entries[i].kind != EntryKind::Error)
            .collect();
        by_name.sort_by(|&a, &b| entries[a].matched.cmp(&entries[b].matched));
        let errors = (0..entries.len())
            .filter(|&i| entries[i].kind == EntryKind::Error)
            .collect();
        let listing = Rc::new(Listing {
            entries,
            by_name,
            errors,
        });
        self.listings
            .insert(root.to_path_buf(), Rc::clone(&listing));
        listing
    }

    /// Walks directory `root` (given as `input`) recursively, sorted, hidden entries skipped.
    /// Returns whether anything was found (a file, even one already listed, or a problem).
    fn walk(&mut self, input: &str, root: &Path) -> Result<bool, IngestError> {
        let display_root = slashed(input);
        let display_root = display_root.trim_end_matches('/');
        let join = |relative: &str| {
            if relative.is_empty() {
                input.to_owned()
            } else if display_root == "." {
                relative.to_owned()
            } else if display_root.is_empty() {
                format!("/{relative}")
            } else {
                format!("{display_root}/{relative}")
            }
        };
        let mut found = false;
        for entry in walker(root, None, false, self.order) {
            match entry {
                Ok(entry) => {
                    let file_type = entry.file_type();
                    if file_type.is_dir() {
                        continue;
                    }
                    let relative = relative_slashed(entry.path(), root);
                    if !self.extensions.admits(&relative) {
                        self.out.left_out.add(join(&relative));
                        continue;
                    }
                    found = true;
                    if !file_type.is_file() {
                        self.not_a_file(join(&relative))?;
                        continue;
                    }
                    match entry.metadata() {
                        Ok(meta) => {
                            let display = join(&relative);
                            let canonical =
                                self.canonical_of(entry.path(), entry.path_is_symlink());
                            self.push(entry.into_path(), canonical, display, &meta, relative);
                        }
                        Err(err) => self.problem(join(&relative), walk_reason(&err))?,
                    }
                }
                Err(err) => match err.path() {
                    Some(path) if err.depth() > 0 && is_hidden_path(path) => {}
                    Some(path) => {
                        found = true;
                        let relative = relative_slashed(path, root);
                        self.problem(join(&relative), walk_reason(&err))?;
                    }
                    None => {
                        found = true;
                        self.problem(input.to_owned(), walk_reason(&err))?;
                    }
                },
            }
        }
        Ok(found)
    }

    /// The canonical path of a listed file: its directory's (resolved once per directory)
    /// joined with its name when the entry itself is not a symbolic link, which is what
    /// `fs::canonicalize` of the whole path gives, without resolving every component of every
    /// file's path again.
    fn canonical_of(&mut self, path: &Path, symlink: bool) -> Option<PathBuf> {
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return fs::canonicalize(path).ok();
        };
        if symlink || name == ".." || name == "." {
            return fs::canonicalize(path).ok();
        }
        let dir = self
            .dirs
            .entry(dir.to_path_buf())
            .or_insert_with(|| fs::canonicalize(dir).ok());
        dir.as_ref().map(|d| d.join(name))
    }

    fn push(
        &mut self,
        path: PathBuf,
        canonical: Option<PathBuf>,
        display: String,
        meta: &fs::Metadata,
        relative: String,
    ) {
        let key = canonical.clone().unwrap_or_else(|| path.clone());
        if self.seen.insert(key) {
            self.out.files.push(InputFile {
                path,
                display,
                bytes: meta.len(),
                relative,
                stdin: false,
                canonical,
                listed: Listed::of(meta),
            });
        }
    }

    /// Records an entry that could not be listed, or fails when the policy says so.
    fn problem(&mut self, display: String, reason: String) -> Result<(), IngestError> {
        self.refuse(display, SkipKind::Unreadable, reason)
    }

    /// Records a FIFO, socket or device met in a directory or glob input, which is not opened
    /// (opening a FIFO waits for a writer), or fails when the policy says so.
    fn not_a_file(&mut self, display: String) -> Result<(), IngestError> {
        self.refuse(
            display,
            SkipKind::NotAFile,
            "not a regular file (a FIFO, socket or device), not read; expected regular files \
             in a directory or glob input (name a FIFO as an input of its own to read it)"
                .to_owned(),
        )
    }

    fn refuse(
        &mut self,
        display: String,
        kind: SkipKind,
        reason: String,
    ) -> Result<(), IngestError> {
        match self.on_error {
            OnError::Fail => Err(IngestError::File {
                file: display,
                kind,
                reason,
            }),
            OnError::Skip => {
                self.out.problems.push(WalkProblem {
                    display,
                    kind,
                    reason,
                });
                Ok(())
            }
        }
    }
}

/// A recursive walk of `root`, following symbolic links (loops are reported, not followed),
/// entries sorted by name in `order`, hidden entries below the root skipped unless
/// `show_hidden`.
fn walker(
    root: &Path,
    max_depth: Option<usize>,
    show_hidden: bool,
    order: InputOrder,
) -> walkdir::FilterEntry<walkdir::IntoIter, impl FnMut(&walkdir::DirEntry) -> bool> {
    let mut walk = WalkDir::new(root).follow_links(true);
    walk = match order {
        InputOrder::Natural => walk.sort_by(|a, b| {
            natural_cmp(
                a.file_name().as_encoded_bytes(),
                b.file_name().as_encoded_bytes(),
            )
        }),
        _ => walk.sort_by_file_name(),
    };
    if let Some(depth) = max_depth {
        walk = walk.max_depth(depth);
    }
    walk.into_iter()
        .filter_entry(move |e| show_hidden || e.depth() == 0 || !is_hidden_name(e.file_name()))
}

/// Compares names with runs of ASCII digits taken as numbers (`a2` < `a10`), everything else
/// byte by byte; names equal that way (`a01`, `a1`) are ordered byte by byte, so the order is
/// total and the same on every machine.
pub(crate) fn natural_cmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let run = |s: &[u8], mut k: usize| {
                while k < s.len() && s[k] == b'0' {
                    k += 1;
                }
                let start = k;
                while k < s.len() && s[k].is_ascii_digit() {
                    k += 1;
                }
                (start, k)
            };
            let ((sa, ea), (sb, eb)) = (run(a, i), run(b, j));
            // Without leading zeros, a longer run is a larger number; equal lengths compare
            // digit by digit.
            let by_value = (ea - sa)
                .cmp(&(eb - sb))
                .then_with(|| a[sa..ea].cmp(&b[sb..eb]));
            if by_value != Ordering::Equal {
                return by_value;
            }
            i = ea;
            j = eb;
        } else {
            if a[i] != b[j] {
                return a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
    }
    (a.len() - i).cmp(&(b.len() - j)).then_with(|| a.cmp(b))
}

fn is_hidden_name(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

fn is_hidden_path(path: &Path) -> bool {
    path.file_name().is_some_and(is_hidden_name)
}

fn walk_reason(err: &walkdir::Error) -> String {
    if let Some(ancestor) = err.loop_ancestor() {
        return format!(
            "symbolic link loop (points back to `{}`); expected a file or a directory that is not its own ancestor",
            ancestor.display()
        );
    }
    match err.io_error() {
        Some(io) => io_reason(io),
        None => format!("cannot read: {err}"),
    }
}

fn io_reason(io: &io::Error) -> String {
    if io.kind() == io::ErrorKind::NotFound {
        format!("cannot read: {io} (a broken symbolic link, or the entry vanished)")
    } else {
        format!("cannot read: {io}")
    }
}

/// `path` relative to `root`, components joined with `/`, bytes that are not UTF-8 written
/// `\xNN` (so that two names differing only there stay apart).
fn relative_slashed(path: &Path, root: &Path) -> String {
    relative_with(path, root, escaped)
}

/// `path` relative to `root`, components joined with `/`, bytes that are not UTF-8 as U+FFFD:
/// what glob patterns are matched against.
fn relative_lossy(path: &Path, root: &Path) -> String {
    relative_with(path, root, |part| part.to_string_lossy().into_owned())
}

fn relative_with(path: &Path, root: &Path, show: impl Fn(&std::ffi::OsStr) -> String) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for component in relative.components() {
        if let Component::Normal(part) = component {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(&show(part));
        }
    }
    out
}

/// A file name as text: as it is when it is UTF-8, else with each byte that is not written
/// `\xNN` (lower-case hex), so that different names never show the same.
pub(crate) fn escaped(name: &std::ffi::OsStr) -> String {
    let bytes = name.as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("\\x{byte:02x}"));
        }
    }
    out
}

/// True when a component of `path` below `root` is hidden.
fn hidden_below(path: &Path, root: &Path) -> bool {
    path.strip_prefix(root)
        .unwrap_or(path)
        .components()
        .any(|c| matches!(c, Component::Normal(part) if is_hidden_name(part)))
}

/// The start of a glob pattern up to its first special character: every path it matches
/// starts with it.
fn literal_start(pattern: &str) -> &str {
    let end = pattern
        .find(['*', '?', '[', '{', '\\'])
        .unwrap_or(pattern.len());
    &pattern[..end]
}

/// `path` with `/` separators.
fn slashed(path: &str) -> String {
    if std::path::MAIN_SEPARATOR == '/' {
        path.to_owned()
    } else {
        path.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

#[cfg(test)]
mod tests {
    // Some functions here serve only the tests of optional features.
    #![cfg_attr(
        not(all(
            feature = "csv",
            feature = "glob",
            feature = "gzip",
            feature = "jsonl",
            feature = "zstd"
        )),
        allow(dead_code, unused_imports)
    )]

    use super::*;
    use crate::testutil::{TempDir, ids, read_all};
    use crate::{Skip, SkipKind, Source};

    fn displays(source: &Source) -> Vec<&str> {
        source.files().iter().map(|f| f.display.as_str()).collect()
    }

    #[test]
    fn directories_are_walked_recursively_sorted_without_hidden_files() {
        let dir = TempDir::new("walk");
        dir.write("corpus/b.txt", "bee");
        dir.write("corpus/a.txt", "ay");
        dir.write("corpus/sub/c.txt", "sea");
        dir.write("corpus/.hidden.txt", "no");
        dir.write("corpus/.git/x.txt", "no");
        let source = Source::with_config(dir.config(&["corpus"], Format::Text)).unwrap();
        assert_eq!(
            displays(&source),
            ["corpus/a.txt", "corpus/b.txt", "corpus/sub/c.txt"]
        );
        assert_eq!(source.files()[2].bytes, 3);
        assert_eq!(source.files()[2].path, dir.path().join("corpus/sub/c.txt"));

        let source = Source::with_config(dir.config(&["."], Format::Text)).unwrap();
        assert_eq!(
            displays(&source),
            ["corpus/a.txt", "corpus/b.txt", "corpus/sub/c.txt"]
        );
        assert_eq!(source.files()[2].id(Format::Text), "corpus/sub/c");

        let (docs, stats) = read_all(dir.config(&["corpus/"], Format::Text));
        assert_eq!(ids(&docs), ["a", "b", "sub/c"]);
        assert_eq!(docs[2].text, "sea");
        assert_eq!(stats.bytes_read, 2 + 3 + 3);
        assert_eq!(stats.files_opened, 3);
    }

    #[cfg(feature = "glob")]
    #[test]
    fn globs_match_below_their_literal_prefix_in_sorted_order() {
        let dir = TempDir::new("glob");
        dir.write("corpus/sotu/1990_george_bush_r.txt", "x");
        dir.write("corpus/sotu/1962_john_f_kennedy_d.txt", "y");
        dir.write("corpus/sotu/notes.md", "z");
        dir.write("corpus/sotu/deeper/2001_x_r.txt", "w");
        let (docs, _) = read_all(dir.config(&["corpus/sotu/*.txt"], Format::Text));
        assert_eq!(ids(&docs), ["1962_john_f_kennedy_d", "1990_george_bush_r"]);

        let source = Source::with_config(dir.config(&["corpus/**/*.txt"], Format::Text)).unwrap();
        assert_eq!(
            displays(&source),
            [
                "corpus/sotu/1962_john_f_kennedy_d.txt",
                "corpus/sotu/1990_george_bush_r.txt",
                "corpus/sotu/deeper/2001_x_r.txt",
            ]
        );
        // Ids are relative to the glob's literal prefix.
        assert_eq!(source.files()[2].id(Format::Text), "sotu/deeper/2001_x_r");

        let source = Source::with_config(dir.config(&["**/*.{md,txt}"], Format::Text)).unwrap();
        assert_eq!(source.files().len(), 4);
        assert_eq!(source.files()[3].display, "corpus/sotu/notes.md");
    }

    /// Every file each of `inputs` gives when it is resolved alone (one listing per glob, as
    /// before listings were shared), in input order, each file once.
    fn one_by_one(dir: &TempDir, inputs: &[&str]) -> Vec<String> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for input in inputs {
            let resolved = resolve(&dir.config(&[input], Format::Text)).unwrap();
            for file in resolved.files {
                if seen.insert(file.canonical.clone().unwrap()) {
                    out.push(file.display);
                }
            }
        }
        out
    }

    #[cfg(feature = "glob")]
    #[test]
    fn many_globs_over_one_directory_share_one_listing() {
        let dir = TempDir::new("many-globs");
        let n = 3000;
        for i in 0..n {
            dir.write(&format!("corpus/doc_{i:05}.txt"), "x");
        }
        // Globs naming the files backwards, a few twice, and wider ones after them.
        let mut inputs: Vec<String> = (0..n)
            .rev()
            .map(|i| format!("corpus/doc_{i:05}*.txt"))
            .collect();
        inputs.push("corpus/doc_0000?.txt".into());
        inputs.push("corpus/*.txt".into());
        let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        let resolved = resolve(&dir.config(&refs, Format::Text)).unwrap();
        assert_eq!(
            resolved.walks, 1,
            "one listing for every glob under corpus/"
        );
        let displays: Vec<String> = resolved.files.iter().map(|f| f.display.clone()).collect();
        let want: Vec<String> = (0..n)
            .rev()
            .map(|i| format!("corpus/doc_{i:05}.txt"))
            .collect();
        assert_eq!(displays, want);
    }

    #[cfg(feature = "glob")]
    #[test]
    fn checking_inputs_at_once_gives_each_input_the_error_it_gives_alone() {
        let dir = TempDir::new("check");
        for i in 0..1000 {
            dir.write(&format!("corpus/doc_{i:04}.txt"), "x");
        }
        dir.write("a.txt", "a");
        std::fs::create_dir_all(dir.path().join("empty")).unwrap();
        let mut inputs: Vec<String> = [
            "a.txt",
            "missing.txt",
            "corpus/*.txt",
            "corpus/nothing*.txt",
            "[bad",
            "corpus",
            "empty",
            "-",
            "nowhere/*.txt",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        inputs.extend((0..1000).map(|i| format!("corpus/doc_{:04}*.txt", (i * 7) % 1100)));
        let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        let (errors, walks) = check(&dir.config(&refs, Format::Text));
        assert_eq!(walks, 1, "one listing of corpus/ for every glob");
        let got: Vec<(usize, String)> = errors.iter().map(|(i, e)| (*i, e.to_string())).collect();
        let want: Vec<(usize, String)> = refs
            .iter()
            .enumerate()
            .filter_map(|(i, input)| {
                Source::with_config(dir.config(&[input], Format::Text))
                    .err()
                    .map(|e| (i, e.to_string()))
            })
            .collect();
        assert_eq!(got, want);
        // Missing, nothing matched, bad glob, empty directory, missing directory, and the
        // globs past doc_0999.
        let past = refs
            .iter()
            .filter(|s| s.starts_with("corpus/doc_1"))
            .count();
        assert!(past > 50);
        assert_eq!(got.len(), 5 + past);
    }

    #[cfg(feature = "glob")]
    #[test]
    fn shared_listings_give_what_one_listing_per_glob_gives() {
        let dir = TempDir::new("shared");
        for name in [
            "a.txt",
            "b.md",
            ".hidden.txt",
            "sub/c.txt",
            "sub/d.md",
            "sub/.e.txt",
            "sub/deep/f.txt",
            ".dot/g.txt",
            "other/h.txt",
            "other/sub/i.txt",
        ] {
            dir.write(&format!("root/{name}"), name);
        }
        let inputs = [
            "root/sub/*.txt",
            "root/*.md",
            "root/**/*.txt",
            "root/.*",
            "root/*/.*.txt",
            "root/su?/*",
            "root/[ab].*",
            "root/{other,sub}/*.txt",
            "root/.dot/*.txt",
            "root/other/**",
            "root/sub/deep/*.txt",
        ];
        for k in 1..=inputs.len() {
            for window in inputs.windows(k) {
                let resolved = resolve(&dir.config(window, Format::Text)).unwrap();
                let got: Vec<String> = resolved.files.into_iter().map(|f| f.display).collect();
                assert_eq!(got, one_by_one(&dir, window), "{window:?}");
            }
        }
        let mut reversed = inputs;
        reversed.reverse();
        let resolved = resolve(&dir.config(&reversed, Format::Text)).unwrap();
        let got: Vec<String> = resolved.files.into_iter().map(|f| f.display).collect();
        assert_eq!(got, one_by_one(&dir, &reversed));
        // Three roots: `root`, `root/sub`, `root/.dot`, `root/other`, `root/sub/deep`.
        assert_eq!(resolved.walks, 5);
    }

    #[cfg(all(unix, feature = "glob"))]
    #[test]
    fn undecodable_file_names_keep_apart_with_their_bytes_escaped() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;

        let dir = TempDir::new("names");
        std::fs::create_dir_all(dir.path().join("corpus")).unwrap();
        for name in [&b"x\xff.txt"[..], b"x\xfe.txt", "caf\u{e9}.txt".as_bytes()] {
            std::fs::write(
                dir.path().join("corpus").join(OsStr::from_bytes(name)),
                "text",
            )
            .unwrap();
        }
        let (docs, _) = read_all(dir.config(&["corpus"], Format::Text));
        assert_eq!(ids(&docs), ["café", "x\\xfe", "x\\xff"]);
        for inputs in [&["corpus"][..], &["corpus/*.txt"], &["corpus/x*.txt"]] {
            let source = Source::with_config(dir.config(inputs, Format::Text)).unwrap();
            let shown: Vec<&str> = displays(&source)
                .into_iter()
                .filter(|d| d.contains("/x"))
                .collect();
            assert_eq!(
                shown,
                ["corpus/x\\xfe.txt", "corpus/x\\xff.txt"],
                "{inputs:?}"
            );
        }
        assert_eq!(escaped(OsStr::from_bytes(b"a\xc3\x28\\b")), "a\\xc3(\\b");
    }

    #[cfg(all(unix, feature = "glob"))]
    #[test]
    fn fifos_and_sockets_in_directories_are_listed_as_skipped_never_opened() {
        let dir = TempDir::new("fifo");
        dir.write("corpus/a.txt", "a");
        let fifo = dir.path().join("corpus/pipe.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let _socket =
            std::os::unix::net::UnixListener::bind(dir.path().join("corpus/sock.txt")).unwrap();
        let mut expected = vec!["corpus/sock.txt"];
        if made.is_ok_and(|s| s.success()) {
            expected.insert(0, "corpus/pipe.txt");
        }
        for input in ["corpus", "corpus/*.txt"] {
            // Opening the FIFO would wait for a writer for ever: reaching the end shows it
            // was not opened.
            let (docs, stats) = read_all(dir.config(&[input], Format::Text));
            assert_eq!(ids(&docs), ["a"]);
            let skipped: Vec<(&str, SkipKind)> = stats
                .skipped
                .iter()
                .map(|s| (s.file.as_str(), s.kind))
                .collect();
            let want: Vec<(&str, SkipKind)> =
                expected.iter().map(|f| (*f, SkipKind::NotAFile)).collect();
            assert_eq!(skipped, want, "{input}");
            assert!(stats.skipped[0].reason.starts_with("not a regular file"));
        }
        let mut config = dir.config(&["corpus"], Format::Text);
        config.on_error = OnError::Fail;
        let err = Source::with_config(config).unwrap_err();
        assert_eq!(err.kind(), SkipKind::NotAFile);
        assert_eq!(err.file(), expected[0]);
    }

    #[cfg(all(feature = "glob", feature = "jsonl"))]
    #[test]
    fn inputs_keep_their_order_and_a_file_is_read_once() {
        let dir = TempDir::new("order");
        for name in ["a.txt", "b.txt", "c.txt"] {
            dir.write(name, name);
        }
        let config = dir.config(
            &["c.txt", "a.txt", "c.txt", "*.txt", "./a.txt"],
            Format::Text,
        );
        let (docs, stats) = read_all(config);
        assert_eq!(ids(&docs), ["c", "a", "b"]);
        assert_eq!(
            docs.iter().map(|d| d.ordinal).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(stats.documents, 3);

        let source = Source::with_config(dir.config(&["-", "a.txt", "-"], Format::Text)).unwrap();
        assert_eq!(displays(&source), ["-", "a.txt"]);
        assert!(source.files()[0].is_stdin());
        assert_eq!(source.files()[0].id(Format::Jsonl), "stdin");
    }

    #[cfg(feature = "glob")]
    #[test]
    fn absolute_inputs_are_not_joined_to_the_base_dir() {
        let dir = TempDir::new("absolute");
        let path = dir.write("x/one.txt", "1");
        let mut config = dir.config(&[], Format::Text);
        config.inputs = vec![path.to_string_lossy().into_owned()];
        config.base_dir = PathBuf::from("somewhere/else");
        let (docs, _) = read_all(config);
        assert_eq!(ids(&docs), ["one"]);

        let mut config = dir.config(&[], Format::Text);
        config.inputs = vec![format!(
            "{}/x/*.txt",
            slashed(&dir.path().to_string_lossy())
        )];
        config.base_dir = PathBuf::from("somewhere/else");
        let (docs, _) = read_all(config);
        assert_eq!(ids(&docs), ["one"]);
    }

    #[cfg(all(feature = "glob", feature = "jsonl"))]
    #[test]
    fn an_input_that_matches_nothing_is_an_error_naming_it() {
        let dir = TempDir::new("nomatch");
        dir.write("a.txt", "a");
        std::fs::create_dir_all(dir.path().join("empty/.hidden")).unwrap();

        let err =
            Source::with_config(dir.config(&["a.txt", "missing.txt"], Format::Text)).unwrap_err();
        assert!(matches!(&err, IngestError::NoMatch { input, .. } if input == "missing.txt"));
        let message = err.to_string();
        assert!(message.starts_with("input `missing.txt`: expected a file, directory or glob"));
        assert!(message.contains("no such file or directory"));

        let err = Source::with_config(dir.config(&["*.jsonl"], Format::Jsonl)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "input `*.jsonl`: no file matches glob `*.jsonl` under `.`"
        );

        let err = Source::with_config(dir.config(&["nowhere/*.txt"], Format::Text)).unwrap_err();
        assert!(err.to_string().contains("directory `"), "{err}");

        let err = Source::with_config(dir.config(&["empty"], Format::Text)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("input `empty`: expected files in directory")
        );

        let err = Source::with_config(dir.config(&["[a.txt"], Format::Text)).unwrap_err();
        assert!(matches!(err, IngestError::Glob { .. }), "{err}");
        assert!(!err.is_skippable());
    }

    /// Files listed by walking or globbing get their canonical path from their directory's;
    /// it must be what resolving the whole path gives, through links to files and to
    /// directories, and duplicates reached through links are read once.
    #[cfg(all(unix, feature = "glob"))]
    #[test]
    fn canonical_paths_are_what_canonicalize_gives() {
        let dir = TempDir::new("canonical");
        dir.write("real/a.txt", "a");
        dir.write("real/sub/b.txt", "b");
        dir.write("other/c.txt", "c");
        let link = |to: &str, at: &str| {
            std::os::unix::fs::symlink(dir.path().join(to), dir.path().join(at)).unwrap()
        };
        link("real", "corpus");
        link("other/c.txt", "real/sub/c-link.txt");
        link("real/sub", "real/sub-link");
        for inputs in [
            &["corpus"][..],
            &["corpus/**/*.txt"],
            &["real", "corpus/*.txt"],
            &["corpus/sub-link/b.txt"],
        ] {
            let source = Source::with_config(dir.config(inputs, Format::Text)).unwrap();
            let mut seen = HashSet::new();
            for f in source.files() {
                let want = fs::canonicalize(&f.path).unwrap();
                assert_eq!(
                    f.canonical(),
                    Some(want.as_path()),
                    "{inputs:?} {}",
                    f.display
                );
                assert!(seen.insert(want), "{inputs:?}: {} listed twice", f.display);
            }
            assert!(!source.files().is_empty());
        }
        let source = Source::with_config(dir.config(&["real", "corpus"], Format::Text)).unwrap();
        let names: Vec<&str> = source.files().iter().map(|f| f.display.as_str()).collect();
        assert_eq!(
            names,
            ["real/a.txt", "real/sub/b.txt", "real/sub/c-link.txt"],
            "the files reached again through `corpus` are dropped"
        );
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_link_loops_are_reported_not_followed_forever() {
        let dir = TempDir::new("loop");
        dir.write("corpus/a.txt", "a");
        std::os::unix::fs::symlink(dir.path().join("corpus"), dir.path().join("corpus/back"))
            .unwrap();
        std::os::unix::fs::symlink(dir.path().join("nothing"), dir.path().join("corpus/broken"))
            .unwrap();

        let (docs, stats) = read_all(dir.config(&["corpus"], Format::Text));
        assert_eq!(ids(&docs), ["a"]);
        assert_eq!(stats.skipped.len(), 2);
        assert_eq!(stats.records_seen, 3);
        let back = &stats.skipped[0];
        assert_eq!((back.file.as_str(), back.line), ("corpus/back", None));
        assert!(
            back.reason.starts_with("symbolic link loop"),
            "{}",
            back.reason
        );
        let broken: &Skip = &stats.skipped[1];
        assert_eq!(broken.file, "corpus/broken");
        assert!(
            broken.reason.contains("broken symbolic link"),
            "{}",
            broken.reason
        );

        let mut config = dir.config(&["corpus"], Format::Text);
        config.on_error = OnError::Fail;
        let err = Source::with_config(config).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("corpus/back: symbolic link loop"),
            "{err}"
        );

        // A symbolic link to a file is followed; reading it twice is avoided.
        std::os::unix::fs::symlink(dir.path().join("corpus/a.txt"), dir.path().join("link.txt"))
            .unwrap();
        let source =
            Source::with_config(dir.config(&["corpus/a.txt", "link.txt"], Format::Text)).unwrap();
        assert_eq!(source.files().len(), 1);
    }

    #[cfg(all(feature = "csv", feature = "gzip", feature = "jsonl", feature = "zstd"))]
    #[test]
    fn ids_drop_the_compression_and_format_extensions() {
        let file = |relative: &str| InputFile {
            path: PathBuf::from(relative),
            display: relative.to_owned(),
            bytes: 0,
            relative: relative.to_owned(),
            stdin: false,
            canonical: None,
            listed: None,
        };
        assert_eq!(
            file("sotu/1990_bush_r.txt.gz").id(Format::Text),
            "sotu/1990_bush_r"
        );
        assert_eq!(file("a.TXT.zst").id(Format::Text), "a");
        assert_eq!(file("a.md").id(Format::Text), "a.md");
        assert_eq!(file("posts.jsonl.zst").id(Format::Jsonl), "posts");
        assert_eq!(file("posts.jsonl").id(Format::Text), "posts.jsonl");
        assert_eq!(file("table.csv.gz").id(Format::Csv), "table");
        assert_eq!(file(".txt").id(Format::Text), ".txt");
        assert_eq!(file("d/.gz").id(Format::Text), "d/.gz");
    }

    #[cfg(all(feature = "glob", feature = "gzip", feature = "jsonl"))]
    #[test]
    fn directories_read_only_the_files_of_their_format() {
        let dir = TempDir::new("extensions");
        dir.write("mixed/a.jsonl", "{\"text\": \"one\"}\n");
        dir.write("mixed/b.ndjson.gz", "");
        dir.write_gz("mixed/b.ndjson.gz", "{\"text\": \"two\"}\n");
        dir.write("mixed/c.JSON", "{\"text\": \"three\"}\n");
        dir.write("mixed/notes.txt", "not json\n");
        dir.write("mixed/app.js", "var x = 1;\n");
        dir.write("mixed/sub/readme", "no extension\n");
        let (docs, stats) = read_all(dir.config(&["mixed"], Format::Jsonl));
        assert_eq!(docs.len(), 3);
        assert!(stats.skipped.is_empty(), "{:?}", stats.skipped);
        assert_eq!(stats.files_left_out, 3);
        assert_eq!(
            stats.left_out_examples,
            ["mixed/app.js", "mixed/notes.txt", "mixed/sub/readme"]
        );

        // Text reads .txt and .md; a glob and a file named directly are read whatever their
        // extension.
        let (docs, stats) = read_all(dir.config(&["mixed"], Format::Text));
        assert_eq!(ids(&docs), ["notes"]);
        assert_eq!(stats.files_left_out, 5);
        let (docs, stats) = read_all(dir.config(&["mixed/*.js", "mixed/sub/readme"], Format::Text));
        assert_eq!(ids(&docs), ["app.js", "readme"]);
        assert_eq!(stats.files_left_out, 0);

        // `extensions` replaces the defaults; `*` reads everything.
        let mut config = dir.config(&["mixed"], Format::Text);
        config.extensions = Some(vec![".JS".into(), "txt".into()]);
        let (docs, _) = read_all(config);
        assert_eq!(ids(&docs), ["app.js", "notes"]);
        let mut config = dir.config(&["mixed"], Format::Text);
        config.extensions = Some(vec!["*".into()]);
        let (docs, stats) = read_all(config);
        assert_eq!(docs.len(), 6);
        assert_eq!(stats.files_left_out, 0);
    }

    #[cfg(feature = "csv")]
    #[test]
    fn a_directory_with_only_other_files_is_an_error_naming_them() {
        let dir = TempDir::new("extensions-none");
        dir.write("logs/a.log", "x");
        dir.write("logs/b.log", "y");
        let err = Source::with_config(dir.config(&["logs"], Format::Csv)).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("expected files ending in `.csv`"),
            "{message}"
        );
        assert!(
            message.contains("found 2 other files (`logs/a.log`, `logs/b.log`)"),
            "{message}"
        );
        assert!(message.contains("ingest.extensions"), "{message}");
    }

    #[cfg(feature = "glob")]
    #[test]
    fn natural_order_reads_numbers_as_numbers() {
        let dir = TempDir::new("natural");
        for name in [
            "chapter_10.txt",
            "chapter_2.txt",
            "chapter_1.txt",
            "chapter_02.txt",
            "appendix.txt",
        ] {
            dir.write(&format!("book/{name}"), name);
        }
        let (docs, _) = read_all(dir.config(&["book"], Format::Text));
        assert_eq!(
            ids(&docs),
            [
                "appendix",
                "chapter_02",
                "chapter_1",
                "chapter_10",
                "chapter_2"
            ]
        );
        let mut config = dir.config(&["book/*.txt"], Format::Text);
        config.order = InputOrder::Natural;
        let (docs, _) = read_all(config);
        assert_eq!(
            ids(&docs),
            [
                "appendix",
                "chapter_1",
                "chapter_02",
                "chapter_2",
                "chapter_10"
            ]
        );
    }

    #[test]
    fn natural_comparison_examples() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        let cmp = |a: &str, b: &str| natural_cmp(a.as_bytes(), b.as_bytes());
        assert_eq!(cmp("a2", "a10"), Less);
        assert_eq!(cmp("a10", "a9b"), Greater);
        assert_eq!(cmp("x", "x1"), Less);
        assert_eq!(cmp("a01", "a1"), Less);
        assert_eq!(cmp("a1", "a01"), Greater);
        assert_eq!(cmp("a1b", "a01c"), Less);
        assert_eq!(
            cmp("99999999999999999999999", "100000000000000000000000"),
            Less
        );
        assert_eq!(cmp("same", "same"), Equal);
    }

    proptest::proptest! {
        /// Natural comparison is a total order: antisymmetric, equal only for equal names,
        /// transitive, and it agrees with the numeric order of plain numbers.
        #[test]
        fn natural_comparison_is_a_total_order(
            a in "[a0-9._-]{0,8}", b in "[a0-9._-]{0,8}", c in "[a0-9._-]{0,8}",
            x in 0u64..1_000_000, y in 0u64..1_000_000,
        ) {
            let (a, b, c) = (a.as_bytes(), b.as_bytes(), c.as_bytes());
            proptest::prop_assert_eq!(natural_cmp(a, b), natural_cmp(b, a).reverse());
            proptest::prop_assert_eq!(natural_cmp(a, b).is_eq(), a == b);
            if natural_cmp(a, b).is_le() && natural_cmp(b, c).is_le() {
                proptest::prop_assert!(natural_cmp(a, c).is_le());
            }
            let (nx, ny) = (format!("p{x}q"), format!("p{y}q"));
            proptest::prop_assert_eq!(natural_cmp(nx.as_bytes(), ny.as_bytes()), x.cmp(&y));
        }
    }

    #[cfg(feature = "glob")]
    #[test]
    fn glob_reads_follows_the_resolvers_rules() {
        let dir = TempDir::new("glob-reads");
        dir.write("data/a.jsonl", "");
        let base = std::fs::canonicalize(dir.path()).unwrap();
        let report = base.join("data/report/sentences.jsonl");
        assert!(glob_reads(&base, "data/**/*.jsonl", &report));
        assert!(!glob_reads(&base, "data/*.jsonl", &report));
        assert!(glob_reads(&base, "data/*/*.jsonl", &report));
        assert!(!glob_reads(&base, "data/*/*.csv", &report));
        // Hidden components only where the pattern names them.
        let hidden = base.join("data/.report/sentences.jsonl");
        assert!(!glob_reads(&base, "data/**/*.jsonl", &hidden));
        assert!(glob_reads(&base, "data/.*/*.jsonl", &hidden));
        // Absolute patterns, and inputs that are not globs.
        let absolute = format!("{}/data/**/*.jsonl", base.display());
        assert!(glob_reads(Path::new("/elsewhere"), &absolute, &report));
        assert!(!glob_reads(&base, "data/report/sentences.jsonl", &report));
    }
}

//! Turning the configured inputs (files, directories, globs, `-`) into the ordered list of
//! files to read.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use globset::GlobBuilder;
use walkdir::WalkDir;

use crate::config::{Format, OnError, SourceConfig};
use crate::error::IngestError;

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

    /// A file known only by `name` (its bytes come from memory).
    pub(crate) fn named(name: &str, bytes: u64) -> Self {
        InputFile {
            path: PathBuf::from(name),
            display: name.to_owned(),
            bytes,
            relative: name.to_owned(),
            stdin: false,
            canonical: None,
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

/// A file or directory entry that could not be listed, met while expanding an input.
#[derive(Debug)]
pub(crate) struct WalkProblem {
    pub display: String,
    pub reason: String,
}

/// The outcome of resolving every input.
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    pub files: Vec<InputFile>,
    pub problems: Vec<WalkProblem>,
}

/// Expands `config.inputs` in order; each input in sorted order; duplicates dropped.
pub(crate) fn resolve(config: &SourceConfig) -> Result<Resolved, IngestError> {
    let mut resolver = Resolver {
        base: &config.base_dir,
        on_error: config.on_error,
        seen: HashSet::new(),
        dirs: HashMap::new(),
        stdin_seen: false,
        out: Resolved::default(),
    };
    for input in &config.inputs {
        resolver.input(input)?;
    }
    Ok(resolver.out)
}

struct Resolver<'a> {
    base: &'a Path,
    on_error: OnError,
    seen: HashSet<PathBuf>,
    /// Canonical paths of the directories files were listed from (see `canonical_of`).
    dirs: HashMap<PathBuf, Option<PathBuf>>,
    stdin_seen: bool,
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
                if self.walk(input, &full)? {
                    Ok(())
                } else {
                    Err(IngestError::NoMatch {
                        input: input.to_owned(),
                        reason: format!(
                            "expected files in directory `{}`, found none that is not hidden",
                            full.display()
                        ),
                    })
                }
            }
            Ok(meta) => {
                let relative = Path::new(input)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| input.to_owned());
                let canonical = fs::canonicalize(&full).ok();
                self.push(full, canonical, slashed(input), meta.len(), relative);
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

    fn glob(&mut self, input: &str) -> Result<(), IngestError> {
        let normalised = slashed(input);
        let parts: Vec<&str> = normalised.split('/').collect();
        let literal = parts.iter().take_while(|p| !p.contains(GLOB_META)).count();
        let prefix = parts[..literal].join("/");
        let rest = parts[literal..].join("/");
        let matcher = GlobBuilder::new(&rest)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|source| IngestError::Glob {
                input: input.to_owned(),
                source,
            })?
            .compile_matcher();
        let root = if literal == 0 {
            self.base.to_path_buf()
        } else if prefix.is_empty() {
            // The pattern starts with `/`: the file-system root.
            PathBuf::from("/")
        } else {
            self.full_path(Path::new(&prefix))
        };
        if !root.is_dir() {
            return Err(IngestError::NoMatch {
                input: input.to_owned(),
                reason: format!(
                    "no file matches glob `{rest}`: directory `{}` does not exist",
                    root.display()
                ),
            });
        }
        let max_depth = (!rest.contains("**")).then(|| rest.split('/').count());
        let show_hidden = rest.split('/').any(|c| c.starts_with('.'));
        let display_prefix = if literal == 0 {
            String::new()
        } else {
            format!("{prefix}/")
        };
        let mut matched_any = false;
        let walk = walker(&root, max_depth, show_hidden);
        for entry in walk {
            match entry {
                Ok(entry) => {
                    if !entry.file_type().is_file() {
                        continue;
                    }
                    let relative = relative_slashed(entry.path(), &root);
                    if !matcher.is_match(&relative) {
                        continue;
                    }
                    matched_any = true;
                    let bytes = match entry.metadata() {
                        Ok(meta) => meta.len(),
                        Err(err) => {
                            self.problem(format!("{display_prefix}{relative}"), walk_reason(&err))?;
                            continue;
                        }
                    };
                    let display = format!("{display_prefix}{relative}");
                    let canonical = self.canonical_of(&entry);
                    self.push(entry.into_path(), canonical, display, bytes, relative);
                }
                Err(err) => {
                    let Some(path) = err.path() else {
                        self.problem(input.to_owned(), walk_reason(&err))?;
                        continue;
                    };
                    if !show_hidden && is_hidden_path(path) {
                        continue;
                    }
                    let relative = relative_slashed(path, &root);
                    let could_match = max_depth.is_none_or(|max| err.depth() < max)
                        || matcher.is_match(&relative);
                    if could_match {
                        matched_any = true;
                        self.problem(format!("{display_prefix}{relative}"), walk_reason(&err))?;
                    }
                }
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
        for entry in walker(root, None, false) {
            match entry {
                Ok(entry) => {
                    if !entry.file_type().is_file() {
                        continue;
                    }
                    found = true;
                    let relative = relative_slashed(entry.path(), root);
                    match entry.metadata() {
                        Ok(meta) => {
                            let display = join(&relative);
                            let canonical = self.canonical_of(&entry);
                            self.push(entry.into_path(), canonical, display, meta.len(), relative);
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
    fn canonical_of(&mut self, entry: &walkdir::DirEntry) -> Option<PathBuf> {
        let path = entry.path();
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return fs::canonicalize(path).ok();
        };
        if entry.path_is_symlink() || name == ".." || name == "." {
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
        bytes: u64,
        relative: String,
    ) {
        let key = canonical.clone().unwrap_or_else(|| path.clone());
        if self.seen.insert(key) {
            self.out.files.push(InputFile {
                path,
                display,
                bytes,
                relative,
                stdin: false,
                canonical,
            });
        }
    }

    /// Records an entry that could not be listed, or fails when the policy says so.
    fn problem(&mut self, display: String, reason: String) -> Result<(), IngestError> {
        match self.on_error {
            OnError::Fail => Err(IngestError::File {
                file: display,
                reason,
            }),
            OnError::Skip => {
                self.out.problems.push(WalkProblem { display, reason });
                Ok(())
            }
        }
    }
}

/// A recursive walk of `root`, following symbolic links (loops are reported, not followed),
/// entries sorted by name, hidden entries below the root skipped unless `show_hidden`.
fn walker(
    root: &Path,
    max_depth: Option<usize>,
    show_hidden: bool,
) -> walkdir::FilterEntry<walkdir::IntoIter, impl FnMut(&walkdir::DirEntry) -> bool> {
    let mut walk = WalkDir::new(root).follow_links(true).sort_by_file_name();
    if let Some(depth) = max_depth {
        walk = walk.max_depth(depth);
    }
    walk.into_iter()
        .filter_entry(move |e| show_hidden || e.depth() == 0 || !is_hidden_name(e.file_name()))
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
        Some(io) if io.kind() == io::ErrorKind::NotFound => {
            format!("cannot read: {io} (a broken symbolic link, or the entry vanished)")
        }
        Some(io) => format!("cannot read: {io}"),
        None => format!("cannot read: {err}"),
    }
}

/// `path` relative to `root`, components joined with `/`.
fn relative_slashed(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for component in relative.components() {
        if let Component::Normal(part) = component {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(&part.to_string_lossy());
        }
    }
    out
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
    use super::*;
    use crate::testutil::{TempDir, ids, read_all};
    use crate::{Skip, Source};

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
        let source = Source::open(dir.config(&["corpus"], Format::Text)).unwrap();
        assert_eq!(
            displays(&source),
            ["corpus/a.txt", "corpus/b.txt", "corpus/sub/c.txt"]
        );
        assert_eq!(source.files()[2].bytes, 3);
        assert_eq!(source.files()[2].path, dir.path().join("corpus/sub/c.txt"));

        let source = Source::open(dir.config(&["."], Format::Text)).unwrap();
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

    #[test]
    fn globs_match_below_their_literal_prefix_in_sorted_order() {
        let dir = TempDir::new("glob");
        dir.write("corpus/sotu/1990_george_bush_r.txt", "x");
        dir.write("corpus/sotu/1962_john_f_kennedy_d.txt", "y");
        dir.write("corpus/sotu/notes.md", "z");
        dir.write("corpus/sotu/deeper/2001_x_r.txt", "w");
        let (docs, _) = read_all(dir.config(&["corpus/sotu/*.txt"], Format::Text));
        assert_eq!(ids(&docs), ["1962_john_f_kennedy_d", "1990_george_bush_r"]);

        let source = Source::open(dir.config(&["corpus/**/*.txt"], Format::Text)).unwrap();
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

        let source = Source::open(dir.config(&["**/*.{md,txt}"], Format::Text)).unwrap();
        assert_eq!(source.files().len(), 4);
        assert_eq!(source.files()[3].display, "corpus/sotu/notes.md");
    }

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

        let source = Source::open(dir.config(&["-", "a.txt", "-"], Format::Text)).unwrap();
        assert_eq!(displays(&source), ["-", "a.txt"]);
        assert!(source.files()[0].is_stdin());
        assert_eq!(source.files()[0].id(Format::Jsonl), "stdin");
    }

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

    #[test]
    fn an_input_that_matches_nothing_is_an_error_naming_it() {
        let dir = TempDir::new("nomatch");
        dir.write("a.txt", "a");
        std::fs::create_dir_all(dir.path().join("empty/.hidden")).unwrap();

        let err = Source::open(dir.config(&["a.txt", "missing.txt"], Format::Text)).unwrap_err();
        assert!(matches!(&err, IngestError::NoMatch { input, .. } if input == "missing.txt"));
        let message = err.to_string();
        assert!(message.starts_with("input `missing.txt`: expected a file, directory or glob"));
        assert!(message.contains("no such file or directory"));

        let err = Source::open(dir.config(&["*.jsonl"], Format::Jsonl)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "input `*.jsonl`: no file matches glob `*.jsonl` under `.`"
        );

        let err = Source::open(dir.config(&["nowhere/*.txt"], Format::Text)).unwrap_err();
        assert!(err.to_string().contains("directory `"), "{err}");

        let err = Source::open(dir.config(&["empty"], Format::Text)).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("input `empty`: expected files in directory")
        );

        let err = Source::open(dir.config(&["[a.txt"], Format::Text)).unwrap_err();
        assert!(matches!(err, IngestError::Glob { .. }), "{err}");
        assert!(!err.is_skippable());
    }

    /// Files listed by walking or globbing get their canonical path from their directory's;
    /// it must be what resolving the whole path gives, through links to files and to
    /// directories, and duplicates reached through links are read once.
    #[cfg(unix)]
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
            let source = Source::open(dir.config(inputs, Format::Text)).unwrap();
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
        let source = Source::open(dir.config(&["real", "corpus"], Format::Text)).unwrap();
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
        let err = Source::open(config).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("corpus/back: symbolic link loop"),
            "{err}"
        );

        // A symbolic link to a file is followed; reading it twice is avoided.
        std::os::unix::fs::symlink(dir.path().join("corpus/a.txt"), dir.path().join("link.txt"))
            .unwrap();
        let source = Source::open(dir.config(&["corpus/a.txt", "link.txt"], Format::Text)).unwrap();
        assert_eq!(source.files().len(), 1);
    }

    #[test]
    fn ids_drop_the_compression_and_format_extensions() {
        let file = |relative: &str| InputFile {
            path: PathBuf::from(relative),
            display: relative.to_owned(),
            bytes: 0,
            relative: relative.to_owned(),
            stdin: false,
            canonical: None,
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
}

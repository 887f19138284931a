//! Atomic output files.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A report directory whose files are each written atomically.
///
/// [`OutputDir::write`] writes to a hidden temporary file in the same directory and renames it
/// over the target only when the writer succeeded and the data reached the disk, so readers see
/// the old file or the new one, never a part of one. (In a [`StagedDir`], which nobody reads
/// before it is committed, the files reach the disk together at [`StagedDir::commit`].)
#[derive(Debug, Clone)]
pub struct OutputDir {
    dir: PathBuf,
    /// In a [`StagedDir`]: the written files, synced together when the directory is committed
    /// (nothing is visible before that, so each file need not reach the disk on its own).
    unsynced: Option<Arc<Mutex<Vec<Syncing>>>>,
}

impl OutputDir {
    /// Creates the directory (and its parents) if needed.
    pub fn create(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        Ok(OutputDir {
            dir: dir.to_path_buf(),
            unsynced: None,
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `name` with `body`, atomically; returns the number of bytes written.
    pub fn write(
        &self,
        name: &str,
        body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<u64> {
        let target = self.dir.join(name);
        let tmp = self.dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let result = (|| {
            let file = File::create(&tmp)?;
            let mut w = CountingWriter {
                inner: BufWriter::with_capacity(1 << 16, file),
                bytes: 0,
            };
            body(&mut w)?;
            let bytes = w.bytes;
            let file = w.inner.into_inner().map_err(|e| e.into_error())?;
            sync_or_defer(self.unsynced.as_ref(), file)?;
            fs::rename(&tmp, &target)?;
            Ok(bytes)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

/// A file of an [`OutputDir`] being written piece by piece (see [`OutputDir::begin_file`]):
/// the data goes to a hidden temporary file that [`PendingFile::commit`] syncs and renames
/// into place. Dropped without a commit, it removes the temporary file.
#[derive(Debug)]
pub struct PendingFile {
    target: PathBuf,
    tmp: PathBuf,
    w: Option<CountingWriter<BufWriter<File>>>,
    unsynced: Option<Arc<Mutex<Vec<Syncing>>>>,
}

/// A file being synced by a thread of its own.
type Syncing = std::thread::JoinHandle<io::Result<()>>;

/// Syncs `file` now, or, with a list, starts syncing it in the background (the list is
/// waited for by [`StagedDir::commit`]): the device works while the next file is rendered.
fn sync_or_defer(unsynced: Option<&Arc<Mutex<Vec<Syncing>>>>, file: File) -> io::Result<()> {
    match unsynced {
        Some(list) => {
            let mut list = list
                .lock()
                .map_err(|_| io::Error::other("output file list poisoned"))?;
            let handle = std::thread::Builder::new()
                .name("wordmill-sync".into())
                .spawn(move || file.sync_all())?;
            list.push(handle);
            Ok(())
        }
        None => file.sync_all(),
    }
}

/// Waits for every background sync; the first error, if any.
fn wait_for(syncing: Vec<Syncing>) -> io::Result<()> {
    let mut first = Ok(());
    for handle in syncing {
        let result = handle
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("a sync thread failed")));
        if first.is_ok() {
            first = result;
        }
    }
    first
}

impl OutputDir {
    /// Starts writing `name` piece by piece; nothing is visible under `name` before
    /// [`PendingFile::commit`].
    pub fn begin_file(&self, name: &str) -> io::Result<PendingFile> {
        let target = self.dir.join(name);
        let tmp = self.dir.join(format!(".{name}.tmp-{}", std::process::id()));
        let file = File::create(&tmp)?;
        Ok(PendingFile {
            target,
            tmp,
            w: Some(CountingWriter {
                inner: BufWriter::with_capacity(1 << 16, file),
                bytes: 0,
            }),
            unsynced: self.unsynced.clone(),
        })
    }
}

impl PendingFile {
    /// Bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.w.as_ref().map_or(0, |w| w.bytes)
    }

    /// Syncs the data and renames the file into place; returns its size.
    pub fn commit(mut self) -> io::Result<u64> {
        let Some(w) = self.w.take() else {
            return Err(io::Error::other("output file already committed"));
        };
        let bytes = w.bytes;
        let result = (|| {
            let file = w.inner.into_inner().map_err(|e| e.into_error())?;
            sync_or_defer(self.unsynced.as_ref(), file)?;
            fs::rename(&self.tmp, &self.target)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&self.tmp);
        }
        result.map(|()| bytes)
    }
}

impl Write for PendingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.w.as_mut() {
            Some(w) => w.write(buf),
            None => Err(io::Error::other("output file already committed")),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self.w.as_mut() {
            Some(w) => w.write_all(buf),
            None => Err(io::Error::other("output file already committed")),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self.w.as_mut() {
            Some(w) => w.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if self.w.take().is_some() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

#[derive(Debug)]
struct CountingWriter<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf)?;
        self.bytes += buf.len() as u64;
        Ok(())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = std::env::temp_dir().join(format!("wordmill-output-test-{}", std::process::id()));
        let out = OutputDir::create(&dir).unwrap();
        out.write("a.txt", |w| w.write_all(b"old")).unwrap();
        let err = out.write("a.txt", |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("boom"))
        });
        assert!(err.is_err());
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"old");
        let names: Vec<_> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert_eq!(out.write("a.txt", |w| w.write_all(b"new")).unwrap(), 3);
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"new");
        fs::remove_dir_all(&dir).unwrap();
    }
}

/// What [`StagedDir::begin`] does when another run is writing the same report directory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IfLocked {
    /// Fail at once with an error naming the directory and the run that holds it.
    #[default]
    Fail,
    /// Wait until the other run has finished, then go on.
    Wait,
}

/// A report directory replaced as a whole: every file is written into a hidden staging
/// directory beside it, and [`StagedDir::commit`] swaps the staging directory with the old
/// report directory in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`), then removes the
/// old one. A run killed at any moment leaves either the previous report directory intact or
/// the new one complete, never a mixture.
///
/// From [`StagedDir::begin`] until the staged directory is committed or dropped, the run holds
/// an advisory lock (`flock`) on a lock file beside the report directory, `.<name>.lock`: a
/// second run into the same directory, from this process, another process or another PID
/// namespace sharing the file system, fails or waits (see [`IfLocked`]). Staging directories
/// are judged by that lock: whoever holds it owns the only live one, so every other staging
/// directory of the report is left by a killed run and is removed.
///
/// An existing directory is only replaced when it is a wordmill report directory (it holds a
/// `run.json`) or empty: a run never deletes a directory it did not write. A report directory
/// that is a symbolic link is written through: the link's target is replaced and the link
/// stays. A report directory that is a mount point is refused (it cannot be renamed).
///
/// Dropped without [`StagedDir::commit`], the staging directory removes itself.
#[derive(Debug)]
pub struct StagedDir {
    /// The report directory with every symbolic link of its last component followed.
    target: PathBuf,
    stage: PathBuf,
    out: OutputDir,
    /// Whether the staging directory has been committed or removed.
    done: bool,
    /// Declared last: released after the staging directory is gone.
    _lock: DirLock,
}

const STAGE_MARK: &str = ".wordmill-stage-";

/// Staging directories of this process, for [`interrupt`].
struct Live {
    /// Each staging directory with its lock file.
    stages: Vec<(PathBuf, PathBuf)>,
    /// Set by [`interrupt`]: nothing may be staged or committed any more.
    closed: bool,
}

static LIVE: Mutex<Live> = Mutex::new(Live {
    stages: Vec::new(),
    closed: false,
});

fn live() -> std::sync::MutexGuard<'static, Live> {
    LIVE.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn interrupted_error() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "the run was interrupted")
}

/// A file or directory that wordmill made and could not remove.
#[derive(Debug)]
pub struct CleanupFailure {
    /// What is left behind.
    pub path: PathBuf,
    /// Why it could not be removed.
    pub error: io::Error,
}

impl std::fmt::Display for CleanupFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} could not be removed ({}); remove it by hand: rm -rf '{}'",
            self.path.display(),
            self.error,
            self.path.display()
        )
    }
}

impl std::error::Error for CleanupFailure {}

/// What [`StagedDir::commit`] did besides putting the new report in place.
#[derive(Debug)]
#[must_use]
pub struct Committed {
    /// The previous report, moved aside, when it could not be removed.
    pub leftover: Option<CleanupFailure>,
}

/// For a signal handler about to end the process: removes the staging directory and lock file
/// of every report this process is writing, and stops any from being committed afterwards (a
/// commit already under way finishes first). Returns what could not be removed.
pub fn interrupt() -> Vec<CleanupFailure> {
    let mut live = live();
    live.closed = true;
    let mut failures = Vec::new();
    for (stage, lock) in std::mem::take(&mut live.stages) {
        if let Err(error) = remove_tree(&stage) {
            failures.push(CleanupFailure { path: stage, error });
        }
        // The lock is still held (its file is open until the process ends), so removing the
        // file cannot free it for two runs at once.
        let _ = fs::remove_file(&lock);
    }
    failures
}

impl StagedDir {
    /// Starts a staging directory for `target`: takes the report directory's lock (failing or
    /// waiting, as `if_locked` says, while another run holds it), refuses a `target` that is
    /// neither absent, empty, nor a wordmill report directory, or that is a mount point, and
    /// removes staging directories left by killed runs.
    pub fn begin(target: &Path, if_locked: IfLocked) -> io::Result<Self> {
        let target = follow_links(target)?;
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = target.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: expected a directory name", target.display()),
            )
        })?;
        fs::create_dir_all(parent)?;
        let lock = DirLock::acquire(&parent.join(format!(".{name}.lock")), &target, if_locked)?;
        check_target(&target, parent)?;
        let prefix = format!(".{name}{STAGE_MARK}");
        if let Ok(entries) = fs::read_dir(parent) {
            for e in entries.flatten() {
                if e.file_name()
                    .to_str()
                    .is_some_and(|f| f.starts_with(&prefix))
                {
                    // Holding the lock, this run owns the only live staging directory of the
                    // target: any other was left by a run that was killed.
                    let _ = remove_tree(&e.path());
                }
            }
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let stage = parent.join(format!("{prefix}{}-{nanos}", std::process::id()));
        {
            let mut live = live();
            if live.closed {
                return Err(interrupted_error());
            }
            fs::create_dir(&stage)?;
            live.stages.push((stage.clone(), lock.path.clone()));
        }
        let out = OutputDir {
            dir: stage.clone(),
            unsynced: Some(Arc::default()),
        };
        Ok(StagedDir {
            target,
            stage,
            out,
            done: false,
            _lock: lock,
        })
    }

    /// Where to write the files.
    pub fn output(&self) -> &OutputDir {
        &self.out
    }

    /// Waits until every file written into the staging directory is synced (each file starts
    /// syncing in the background when it is written), then puts the directory in place of the
    /// target, atomically, and removes the old one. On an error the target is as it was and
    /// the staging directory is removed.
    pub fn commit(mut self) -> io::Result<Committed> {
        let files = match &self.out.unsynced {
            Some(list) => std::mem::take(
                &mut *list
                    .lock()
                    .map_err(|_| io::Error::other("output file list poisoned"))?,
            ),
            None => Vec::new(),
        };
        wait_for(files)?;
        if let Ok(d) = File::open(&self.stage) {
            let _ = d.sync_all();
        }
        // The previous report, once moved aside.
        let old = {
            let live = live();
            if live.closed {
                return Err(interrupted_error());
            }
            self.swap()?
        };
        if let Some(parent) = self.target.parent().filter(|p| !p.as_os_str().is_empty())
            && let Ok(d) = File::open(parent)
        {
            let _ = d.sync_all();
        }
        let leftover = match old {
            Some(old) => remove_tree(&old)
                .err()
                .map(|error| CleanupFailure { path: old, error }),
            None => None,
        };
        self.done = true;
        self.forget();
        Ok(Committed { leftover })
    }

    /// Puts the staging directory in place of the target; returns where the previous report
    /// went, if there was one.
    fn swap(&mut self) -> io::Result<Option<PathBuf>> {
        if !self.target.is_dir() {
            fs::rename(&self.stage, &self.target)?;
            return Ok(None);
        }
        match exchange(&self.stage, &self.target) {
            // The staging path now holds the previous report.
            Ok(()) => Ok(Some(self.stage.clone())),
            Err(e) if matches!(e.raw_os_error(), Some(EBUSY | EXDEV)) => {
                Err(mount_point_error(&self.target, &e))
            }
            Err(e)
                if e.kind() == io::ErrorKind::Unsupported || e.raw_os_error() == Some(EINVAL) =>
            {
                // No atomic exchange on this file system: the short window between two renames
                // is the best that can be done.
                let mut old = self.stage.clone().into_os_string();
                old.push("-old");
                let old = PathBuf::from(old);
                fs::rename(&self.target, &old)?;
                if let Err(e) = fs::rename(&self.stage, &self.target) {
                    let _ = fs::rename(&old, &self.target);
                    return Err(e);
                }
                Ok(Some(old))
            }
            Err(e) => Err(e),
        }
    }

    /// Gives up: removes the staging directory, leaving the target as it was.
    pub fn abandon(mut self) -> Result<(), CleanupFailure> {
        self.done = true;
        let result = remove_tree(&self.stage).map_err(|error| CleanupFailure {
            path: self.stage.clone(),
            error,
        });
        self.forget();
        result
    }

    /// Takes the staging directory off the list of [`interrupt`].
    fn forget(&self) {
        live().stages.retain(|(s, _)| *s != self.stage);
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.done {
            let _ = remove_tree(&self.stage);
            self.forget();
        }
    }
}

const EBUSY: i32 = 16;
const EXDEV: i32 = 18;
const EINVAL: i32 = 22;

fn mount_point_error(target: &Path, cause: &io::Error) -> io::Error {
    io::Error::new(
        io::ErrorKind::ResourceBusy,
        format!(
            "{} cannot be replaced ({cause}): it is a mount point or otherwise pinned, and wordmill replaces a report directory as a whole by renaming; write the report into a directory inside it (e.g. --out {})",
            target.display(),
            target.join("report").display()
        ),
    )
}

/// Refuses a `target` that is not a directory, a non-empty directory without `run.json`, and
/// a mount point.
fn check_target(target: &Path, parent: &Path) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let meta = match fs::metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if !meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} exists and is not a directory; expected a report directory",
                target.display()
            ),
        ));
    }
    let empty = fs::read_dir(target)?.next().is_none();
    if !empty && !target.join("run.json").is_file() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} exists and is not a wordmill report directory (it has files but no run.json); choose a new or empty directory",
                target.display()
            ),
        ));
    }
    if fs::metadata(parent)?.dev() != meta.dev() {
        return Err(mount_point_error(
            target,
            &io::Error::new(
                io::ErrorKind::ResourceBusy,
                "a different file system from its parent's",
            ),
        ));
    }
    Ok(())
}

/// `target` with its last component's symbolic links followed (a link to a link, …), so that
/// the link's target is replaced and the link stays; the target need not exist yet.
fn follow_links(target: &Path) -> io::Result<PathBuf> {
    // Without a trailing `/`, which would make the checks below follow the link themselves.
    let mut path: PathBuf = target.components().collect();
    for _ in 0..40 {
        match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&path)?;
                path = match path.parent() {
                    Some(parent) => parent.join(to),
                    None => to,
                }
                .components()
                .collect();
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{}: too many levels of symbolic links (a loop?)",
            target.display()
        ),
    ))
}

/// Removes a directory tree that wordmill made; read-only directories in it are made writable
/// first, and a tree that changes while it is removed (a writer still at work) is tried again.
fn remove_tree(path: &Path) -> io::Result<()> {
    #[cfg(test)]
    if faults::take(faults::Fault::RemoveFails) {
        return Err(io::Error::from_raw_os_error(EBUSY));
    }
    let mut last = Ok(());
    for _ in 0..4 {
        match fs::remove_dir_all(path) {
            Ok(()) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                if e.kind() == io::ErrorKind::PermissionDenied {
                    make_writable(path);
                }
                last = Err(e);
            }
        }
    }
    last
}

/// Gives the owner write permission on every directory of a tree (so that its entries can be
/// removed).
fn make_writable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = fs::symlink_metadata(path) else {
        return;
    };
    if !meta.is_dir() {
        return;
    }
    let mut perms = meta.permissions();
    perms.set_mode(perms.mode() | 0o700);
    let _ = fs::set_permissions(path, perms);
    if let Ok(entries) = fs::read_dir(path) {
        for e in entries.flatten() {
            make_writable(&e.path());
        }
    }
}

/// An exclusive lock (`File::lock`, an `flock` on Unix) on a lock file, released (and the file removed) when dropped.
#[derive(Debug)]
struct DirLock {
    path: PathBuf,
    _file: File,
}

impl DirLock {
    /// Locks `path` (created if needed) for `target`.
    fn acquire(path: &Path, target: &Path, if_locked: IfLocked) -> io::Result<DirLock> {
        use std::os::unix::fs::MetadataExt;
        let cannot = |e: io::Error| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot lock {} (the lock of report directory {}): {e}",
                    path.display(),
                    target.display()
                ),
            )
        };
        loop {
            let file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(cannot)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) if if_locked == IfLocked::Wait => {
                    file.lock().map_err(cannot)?;
                }
                Err(fs::TryLockError::WouldBlock) => {
                    let holder = fs::read_to_string(path).unwrap_or_default();
                    return Err(io::Error::new(
                        io::ErrorKind::ResourceBusy,
                        format!(
                            "the report directory {} is being written by {} lock file {}): wait for it with --wait, or write to another directory",
                            target.display(),
                            describe_holder(&holder),
                            path.display()
                        ),
                    ));
                }
                Err(fs::TryLockError::Error(e)) => return Err(cannot(e)),
            }
            // The run that held the lock removes its file before releasing it: a lock taken on
            // a file no longer at `path` locks nothing, so start again.
            let here = match fs::metadata(path) {
                Ok(m) => Some(m),
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(e) => return Err(cannot(e)),
            };
            let mine = file.metadata().map_err(cannot)?;
            if here.is_none_or(|m| m.dev() != mine.dev() || m.ino() != mine.ino()) {
                continue;
            }
            let holder = format!(
                "pid {} host {} started {}\n",
                std::process::id(),
                host_name(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs())
            );
            // Only for the message of a run that finds the directory locked.
            let _ = file
                .set_len(0)
                .and_then(|()| (&file).write_all(holder.as_bytes()));
            return Ok(DirLock {
                path: path.to_path_buf(),
                _file: file,
            });
        }
    }
}

impl Drop for DirLock {
    fn drop(&mut self) {
        // Removed while still locked (closing the file releases the lock), so a run waiting on
        // this file starts again on a new one. After [`interrupt`] the file is gone already,
        // and `path` may be another run's.
        if !live().closed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// This machine's name, for the lock file's message: the kernel's on Linux, else `HOSTNAME`.
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default()
}

/// "another run (wordmill process 12 on host h, started 5 s ago;" from a lock file's contents,
/// for a message to close with the lock file's name.
fn describe_holder(contents: &str) -> String {
    let field = |key: &str| {
        let mut words = contents.split_whitespace();
        words.find(|w| *w == key).and(words.next())
    };
    let Some(pid) = field("pid").and_then(|p| p.parse::<u32>().ok()) else {
        return "another run (".to_owned();
    };
    let host = field("host").unwrap_or("");
    if pid == std::process::id() && host == host_name() {
        return "another pipeline of this command (".to_owned();
    }
    let mut text = format!("another run (wordmill process {pid}");
    if !host.is_empty() {
        text.push_str(&format!(" on host {host}"));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if let Some(started) = field("started").and_then(|s| s.parse::<u64>().ok()) {
        text.push_str(&format!(", started {} s ago", now.saturating_sub(started)));
    }
    text.push(';');
    text
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(test)]
    if faults::take(faults::Fault::ExchangeBusy) {
        return Err(io::Error::from_raw_os_error(EBUSY));
    }
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "no atomic directory exchange on this platform",
    ))
}

/// Faults injected by tests, each once, into the thread that arms it.
#[cfg(test)]
mod faults {
    use std::cell::Cell;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Fault {
        /// The atomic exchange fails with EBUSY, as for a mount point.
        ExchangeBusy,
        /// Removing a directory tree fails.
        RemoveFails,
    }

    thread_local! {
        static ARMED: Cell<Option<Fault>> = const { Cell::new(None) };
    }

    pub fn arm(fault: Fault) {
        ARMED.with(|a| a.set(Some(fault)));
    }

    pub fn take(fault: Fault) -> bool {
        ARMED.with(|a| {
            let hit = a.get() == Some(fault);
            if hit {
                a.set(None);
            }
            hit
        })
    }
}

#[cfg(test)]
mod staged_tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A fresh directory for one test.
    fn base(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("wordmill-staged-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The names in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        v.sort();
        v
    }

    /// Writes a report holding `run.json` with `body`.
    fn report(target: &Path, body: &str) {
        let s = StagedDir::begin(target, IfLocked::Fail).unwrap();
        s.output()
            .write("run.json", |w| w.write_all(body.as_bytes()))
            .unwrap();
        assert!(s.commit().unwrap().leftover.is_none());
    }

    #[test]
    fn commit_replaces_the_whole_directory_and_refuses_foreign_ones() {
        let base = base("replace");
        let target = base.join("report");
        let s = StagedDir::begin(&target, IfLocked::Fail).unwrap();
        s.output()
            .write("run.json", |w| w.write_all(b"{}"))
            .unwrap();
        s.output().write("old.csv", |w| w.write_all(b"x")).unwrap();
        assert!(s.commit().unwrap().leftover.is_none());
        assert!(target.join("old.csv").is_file());
        report(&target, "{\"new\":1}");
        assert!(
            !target.join("old.csv").exists(),
            "files of the previous run are gone"
        );
        assert_eq!(fs::read(target.join("run.json")).unwrap(), b"{\"new\":1}");
        assert_eq!(
            names(&base),
            ["report"],
            "no staging directory or lock file left"
        );

        let foreign = base.join("mine");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("thesis.tex"), "precious").unwrap();
        let err = StagedDir::begin(&foreign, IfLocked::Fail).unwrap_err();
        assert!(
            err.to_string().contains("not a wordmill report directory"),
            "{err}"
        );
        assert!(foreign.join("thesis.tex").is_file());
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_second_stage_fails_fast_while_the_first_holds_the_lock() {
        let base = base("busy");
        let target = base.join("report");
        report(&target, "old");
        let first = StagedDir::begin(&target, IfLocked::Fail).unwrap();
        first
            .output()
            .write("run.json", |w| w.write_all(b"first"))
            .unwrap();
        let err = StagedDir::begin(&target, IfLocked::Fail).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ResourceBusy, "{err}");
        let msg = err.to_string();
        assert!(msg.contains(&target.display().to_string()), "{msg}");
        assert!(msg.contains("--wait"), "{msg}");
        assert!(msg.contains("another pipeline of this command"), "{msg}");
        // The second attempt touched nothing: the first run's staging directory is intact and
        // the previous report is in place.
        assert_eq!(fs::read(target.join("run.json")).unwrap(), b"old");
        assert!(first.output().path().join("run.json").is_file());
        assert!(first.commit().unwrap().leftover.is_none());
        assert_eq!(fs::read(target.join("run.json")).unwrap(), b"first");
        // Released: a third run goes ahead.
        report(&target, "third");
        assert_eq!(names(&base), ["report"]);
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_waiting_stage_starts_only_after_the_holder_has_committed() {
        let base = base("wait");
        let target = base.join("report");
        let first = StagedDir::begin(&target, IfLocked::Fail).unwrap();
        let waiter = {
            let target = target.clone();
            std::thread::spawn(move || {
                let s = StagedDir::begin(&target, IfLocked::Wait).unwrap();
                // The holder's report is complete when the lock is released.
                let seen = fs::read(target.join("run.json")).unwrap();
                s.output()
                    .write("run.json", |w| w.write_all(b"second"))
                    .unwrap();
                assert!(s.commit().unwrap().leftover.is_none());
                seen
            })
        };
        first
            .output()
            .write("run.json", |w| w.write_all(b"first"))
            .unwrap();
        first
            .output()
            .write("terms.csv", |w| w.write_all(b"a,b"))
            .unwrap();
        assert!(first.commit().unwrap().leftover.is_none());
        assert_eq!(waiter.join().unwrap(), b"first");
        assert_eq!(fs::read(target.join("run.json")).unwrap(), b"second");
        assert!(!target.join("terms.csv").exists(), "no mixture of two runs");
        assert_eq!(names(&base), ["report"]);
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn staging_directories_nobody_holds_are_removed_whatever_their_pid() {
        let base = base("stale");
        let target = base.join("report");
        report(&target, "old");
        // Left by killed runs: one with PID 1 (always alive), one with this process's PID (as
        // a run in another PID namespace may have), one without a PID.
        let stale = [
            ".report.wordmill-stage-1-5".to_string(),
            format!(".report.wordmill-stage-{}-7", std::process::id()),
            ".report.wordmill-stage-x".to_string(),
        ];
        for s in &stale {
            fs::create_dir_all(base.join(s).join("deep")).unwrap();
            fs::write(base.join(s).join("deep/sentences.jsonl"), "{}").unwrap();
        }
        // Another report's staging directory is not this one's to judge.
        fs::create_dir(base.join(".other.wordmill-stage-1-1")).unwrap();
        report(&target, "new");
        assert_eq!(
            names(&base),
            [".other.wordmill-stage-1-1", "report"],
            "stale staging directories removed"
        );
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_stage_dropped_without_commit_removes_itself_and_releases_the_lock() {
        let base = base("drop");
        let target = base.join("report");
        report(&target, "old");
        {
            let s = StagedDir::begin(&target, IfLocked::Fail).unwrap();
            s.output()
                .write("run.json", |w| w.write_all(b"new"))
                .unwrap();
            let mut f = s.output().begin_file("sentences.jsonl").unwrap();
            f.write_all(b"{}").unwrap();
        }
        assert_eq!(names(&base), ["report"]);
        assert_eq!(fs::read(target.join("run.json")).unwrap(), b"old");
        report(&target, "again");
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_panic_mid_write_leaves_no_staging_directory_and_the_old_report() {
        let base = base("panic");
        let target = base.join("report");
        report(&target, "old");
        let unwound = std::panic::catch_unwind(|| {
            let s = StagedDir::begin(&target, IfLocked::Fail).unwrap();
            s.output()
                .write("report.json", |w| w.write_all(b"{\"complete\": true}"))
                .unwrap();
            let mut f = s.output().begin_file("sentences.jsonl").unwrap();
            f.write_all(b"{\"half\": ").unwrap();
            let _ = s.output().write("report.md", |w| {
                w.write_all(b"# half a report")?;
                panic!("a renderer failed mid-write");
            });
        });
        assert!(unwound.is_err(), "the write panicked");
        // Only the previous report is left: no staging directory, no temporary file, no lock.
        assert_eq!(names(&base), ["report"]);
        assert_eq!(names(&target), ["run.json"]);
        assert_eq!(fs::read(target.join("run.json")).unwrap(), b"old");
        // The lock was released: the next run stages at once.
        report(&target, "again");
        assert_eq!(fs::read(target.join("run.json")).unwrap(), b"again");
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_symlinked_report_directory_is_written_through() {
        let base = base("link");
        fs::create_dir(base.join("data")).unwrap();
        report(&base.join("data/x"), "old");
        std::os::unix::fs::symlink("data/x", base.join("out")).unwrap();
        // A link to a link, and a link whose target does not exist yet.
        std::os::unix::fs::symlink("out", base.join("again")).unwrap();
        std::os::unix::fs::symlink("data/y", base.join("fresh")).unwrap();
        report(&base.join("out"), "through the link");
        assert_eq!(
            fs::read(base.join("data/x/run.json")).unwrap(),
            b"through the link"
        );
        report(&base.join("again/"), "through two links");
        report(&base.join("fresh"), "new target");
        for link in ["out", "again", "fresh"] {
            assert!(
                fs::symlink_metadata(base.join(link))
                    .unwrap()
                    .file_type()
                    .is_symlink(),
                "{link} is still a link"
            );
        }
        assert_eq!(
            fs::read(base.join("data/x/run.json")).unwrap(),
            b"through two links"
        );
        assert_eq!(
            fs::read(base.join("data/y/run.json")).unwrap(),
            b"new target"
        );
        assert_eq!(names(&base), ["again", "data", "fresh", "out"]);
        assert_eq!(names(&base.join("data")), ["x", "y"]);
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_target_that_cannot_be_renamed_keeps_the_previous_report() {
        let base = base("pinned");
        let target = base.join("report");
        report(&target, "old");
        let s = StagedDir::begin(&target, IfLocked::Fail).unwrap();
        s.output()
            .write("run.json", |w| w.write_all(b"new"))
            .unwrap();
        faults::arm(faults::Fault::ExchangeBusy);
        let err = s.commit().unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::ResourceBusy);
        assert!(err.to_string().contains("mount point"), "{err}");
        assert!(err.to_string().contains("report/report"), "{err}");
        assert_eq!(fs::read(target.join("run.json")).unwrap(), b"old");
        assert_eq!(names(&base), ["report"]);
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn a_read_only_previous_report_is_replaced_and_removed() {
        let base = base("read-only");
        let target = base.join("report");
        let s = StagedDir::begin(&target, IfLocked::Fail).unwrap();
        s.output()
            .write("run.json", |w| w.write_all(b"old"))
            .unwrap();
        fs::create_dir(s.output().path().join("sub")).unwrap();
        fs::write(s.output().path().join("sub/a.csv"), "a").unwrap();
        assert!(s.commit().unwrap().leftover.is_none());
        for (path, mode) in [
            (target.join("sub/a.csv"), 0o444),
            (target.join("run.json"), 0o444),
            (target.join("sub"), 0o555),
            (target.clone(), 0o555),
        ] {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        }
        report(&target, "new");
        assert_eq!(fs::read(target.join("run.json")).unwrap(), b"new");
        assert_eq!(names(&base), ["report"], "the old report is gone");
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn cleanup_that_fails_names_what_to_remove() {
        let base = base("leftover");
        let target = base.join("report");
        report(&target, "old");
        // The staging directory of a failed run.
        let s = StagedDir::begin(&target, IfLocked::Fail).unwrap();
        let stage = s.output().path().to_path_buf();
        faults::arm(faults::Fault::RemoveFails);
        let left = s.abandon().unwrap_err();
        assert_eq!(left.path, stage);
        let msg = left.to_string();
        assert!(
            msg.contains(&format!("rm -rf '{}'", stage.display())),
            "{msg}"
        );
        assert!(stage.is_dir(), "the fault kept it");
        // The previous report, moved aside by a successful commit.
        let s = StagedDir::begin(&target, IfLocked::Fail).unwrap();
        assert!(!stage.exists(), "the next run removed the stale one");
        let stage = s.output().path().to_path_buf();
        s.output()
            .write("run.json", |w| w.write_all(b"new"))
            .unwrap();
        faults::arm(faults::Fault::RemoveFails);
        let committed = s.commit().unwrap();
        let left = committed.leftover.expect("the fault kept the old report");
        assert_eq!(left.path, stage, "the old report sits where the stage was");
        assert_eq!(fs::read(left.path.join("run.json")).unwrap(), b"old");
        assert_eq!(fs::read(target.join("run.json")).unwrap(), b"new");
        report(&target, "later");
        assert_eq!(names(&base), ["report"], "the next run removed it");
        fs::remove_dir_all(&base).unwrap();
    }

    #[test]
    fn the_holder_is_described_from_the_lock_file() {
        let other = describe_holder("pid 4242 host elsewhere started 0\n");
        assert!(
            other.starts_with("another run (wordmill process 4242 on host elsewhere, started "),
            "{other}"
        );
        assert!(other.ends_with(" s ago;"), "{other}");
        assert_eq!(describe_holder(""), "another run (");
        let me = format!("pid {} host {} started 0", std::process::id(), host_name());
        assert_eq!(describe_holder(&me), "another pipeline of this command (");
    }
}

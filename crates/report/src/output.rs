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

/// A report directory replaced as a whole: every file is written into a hidden staging
/// directory beside it, and [`StagedDir::commit`] swaps the staging directory with the old
/// report directory in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`), then removes the
/// old one. A run killed at any moment leaves either the previous report directory intact or
/// the new one complete, never a mixture.
///
/// An existing directory is only replaced when it is a wordmill report directory (it holds a
/// `run.json`) or empty: a run never deletes a directory it did not write.
#[derive(Debug)]
pub struct StagedDir {
    target: PathBuf,
    stage: PathBuf,
    out: OutputDir,
}

const STAGE_MARK: &str = ".wordmill-stage-";

fn process_alive(pid: u32) -> bool {
    Path::new("/proc").join(pid.to_string()).exists()
}

impl StagedDir {
    /// Starts a staging directory for `target`; refuses a `target` that is neither absent,
    /// empty, nor a wordmill report directory. Removes staging directories left by killed runs.
    pub fn begin(target: &Path) -> io::Result<Self> {
        if target.exists() {
            if !target.is_dir() {
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
        }
        let parent = target
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        fs::create_dir_all(parent)?;
        let name = target.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{}: expected a directory name", target.display()),
            )
        })?;
        let prefix = format!(".{name}{STAGE_MARK}");
        if let Ok(entries) = fs::read_dir(parent) {
            for e in entries.flatten() {
                let file = e.file_name();
                let Some(rest) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
                    continue;
                };
                let pid = rest.split('-').next().and_then(|p| p.parse::<u32>().ok());
                if pid.is_some_and(|p| p != std::process::id() && !process_alive(p)) {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let stage = parent.join(format!("{prefix}{}-{nanos}", std::process::id()));
        fs::create_dir(&stage)?;
        let out = OutputDir {
            dir: stage.clone(),
            unsynced: Some(Arc::default()),
        };
        Ok(StagedDir {
            target: target.to_path_buf(),
            stage,
            out,
        })
    }

    /// Where to write the files.
    pub fn output(&self) -> &OutputDir {
        &self.out
    }

    /// Waits until every file written into the staging directory is synced (each file starts
    /// syncing in the background when it is written), then puts the directory in place of the
    /// target, atomically, and removes the old one.
    pub fn commit(self) -> io::Result<()> {
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
        if self.target.is_dir() {
            match exchange(&self.stage, &self.target) {
                Ok(()) => {
                    // The staging path now holds the previous report.
                    let _ = fs::remove_dir_all(&self.stage);
                }
                Err(_) => {
                    // No atomic exchange on this file system: the short window between two
                    // renames is the best that can be done.
                    let old = self.stage.with_extension("old");
                    fs::rename(&self.target, &old)?;
                    fs::rename(&self.stage, &self.target)?;
                    let _ = fs::remove_dir_all(&old);
                }
            }
        } else {
            fs::rename(&self.stage, &self.target)?;
        }
        if let Some(parent) = self.target.parent().filter(|p| !p.as_os_str().is_empty()) {
            if let Ok(d) = File::open(parent) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    /// Gives up: removes the staging directory, leaving the target as it was.
    pub fn abandon(self) {
        let _ = fs::remove_dir_all(&self.stage);
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
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

#[cfg(test)]
mod staged_tests {
    use super::*;

    #[test]
    fn commit_replaces_the_whole_directory_and_refuses_foreign_ones() {
        let base =
            std::env::temp_dir().join(format!("wordmill-staged-test-{}", std::process::id()));
        let _ = fs::remove_dir_all(&base);
        let target = base.join("report");
        let s = StagedDir::begin(&target).unwrap();
        s.output()
            .write("run.json", |w| w.write_all(b"{}"))
            .unwrap();
        s.output().write("old.csv", |w| w.write_all(b"x")).unwrap();
        s.commit().unwrap();
        assert!(target.join("old.csv").is_file());
        let s = StagedDir::begin(&target).unwrap();
        s.output()
            .write("run.json", |w| w.write_all(b"{\"new\":1}"))
            .unwrap();
        s.commit().unwrap();
        assert!(
            !target.join("old.csv").exists(),
            "files of the previous run are gone"
        );
        assert_eq!(fs::read(target.join("run.json")).unwrap(), b"{\"new\":1}");
        let left: Vec<_> = fs::read_dir(&base)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 1, "no staging directory left: {left:?}");

        let foreign = base.join("mine");
        fs::create_dir_all(&foreign).unwrap();
        fs::write(foreign.join("thesis.tex"), "precious").unwrap();
        let err = StagedDir::begin(&foreign).unwrap_err();
        assert!(
            err.to_string().contains("not a wordmill report directory"),
            "{err}"
        );
        assert!(foreign.join("thesis.tex").is_file());
        fs::remove_dir_all(&base).unwrap();
    }
}

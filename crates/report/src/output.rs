//! Atomic output files.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A report directory whose files are each written atomically.
///
/// [`OutputDir::write`] writes to a hidden temporary file in the same directory and renames it
/// over the target only when the writer succeeded and the data reached the disk, so readers see
/// the old file or the new one, never a part of one.
#[derive(Debug, Clone)]
pub struct OutputDir {
    dir: PathBuf,
}

impl OutputDir {
    /// Creates the directory (and its parents) if needed.
    pub fn create(dir: &Path) -> io::Result<Self> {
        fs::create_dir_all(dir)?;
        Ok(OutputDir {
            dir: dir.to_path_buf(),
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
            file.sync_all()?;
            fs::rename(&tmp, &target)?;
            Ok(bytes)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }
}

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

//! Helpers shared by the end-to-end tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root (where `pipelines/` and `corpus/` are).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The reference data directory: `WORDMILL_REFERENCE` or the repository's `tests/reference`.
pub fn reference_dir() -> PathBuf {
    let dir = std::env::var_os("WORDMILL_REFERENCE")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("tests/reference"));
    assert!(
        dir.is_dir(),
        "reference data not found at {} (set WORDMILL_REFERENCE)",
        dir.display()
    );
    dir
}

/// A fresh, empty directory for one test.
pub fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "e2e-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `wordmill ARGS` from the repository root.
pub fn wordmill(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wordmill"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the wordmill binary runs")
}

/// Asserts the command exited with `code`, showing its output otherwise.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "exit status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Reads a JSON file.
pub fn json(path: &Path) -> serde_json::Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every pipeline file shipped in `pipelines/`.
pub fn shipped_pipelines() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("pipelines"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("toml" | "json")
            )
        })
        .collect();
    v.sort();
    v
}

/// Runs `wordmill ARGS` with `input` on its standard input. The command may stop reading early
/// (a bad first record, bad usage): a closed pipe is no failure, its exit code tells.
pub fn wordmill_stdin(args: &[&str], input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_wordmill"))
        .args(args)
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the wordmill binary runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let data = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().expect("the wordmill binary runs");
    match writer.join().expect("the writer thread ends") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("writing stdin: {e}"),
        _ => {}
    }
    out
}

/// The files of `corpus/sotu`, as paths from the repository root, sorted.
pub fn sotu_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join("corpus/sotu"))
        .unwrap()
        .map(|e| {
            format!(
                "corpus/sotu/{}",
                e.unwrap().file_name().into_string().unwrap()
            )
        })
        .collect();
    v.sort();
    v
}

/// Runs `pipeline` on `files` cut into shards before each index of `cuts`, each with
/// `--state-out` and its ordinal offset, merges the states in reverse order (merge order must
/// not matter) and returns the merged report directory, `dir/{tag}-merged`.
pub fn merged_shards(
    dir: &Path,
    tag: &str,
    pipeline: &str,
    files: &[String],
    cuts: &[usize],
) -> PathBuf {
    let mut bounds = vec![0];
    bounds.extend(cuts);
    bounds.push(files.len());
    let mut states = Vec::new();
    for (i, w) in bounds.windows(2).enumerate() {
        let state = dir.join(format!("{tag}-shard{i}.state"));
        let mut args: Vec<String> = vec!["run".into(), pipeline.into()];
        for f in &files[w[0]..w[1]] {
            args.extend(["--input".into(), f.clone()]);
        }
        args.extend([
            "--state-out".into(),
            state.to_str().unwrap().into(),
            "--ordinal-offset".into(),
            w[0].to_string(),
            "--out".into(),
            dir.join(format!("{tag}-out{i}")).to_str().unwrap().into(),
            "--quiet".into(),
        ]);
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        assert_exit(&wordmill(&argv), 0);
        states.push(state.to_str().unwrap().to_string());
    }
    states.reverse();
    let merged = dir.join(format!("{tag}-merged"));
    let mut argv = vec!["merge", pipeline];
    argv.extend(states.iter().map(String::as_str));
    argv.extend(["--out", merged.to_str().unwrap(), "--quiet"]);
    assert_exit(&wordmill(&argv), 0);
    merged
}

//! The inputs of the Rust peer bench (`benches/peers.rs`): the seed article and the State of
//! the Union addresses shipped in wordmill's `corpus/`, read from the repository.

use std::path::{Path, PathBuf};

/// One text of the corpus: its file name and contents.
pub struct Text {
    /// File name, without the directory.
    pub name: String,
    /// The whole file, as UTF-8.
    pub text: String,
}

/// The repository's `corpus/` directory.
pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../corpus")
}

/// The seed article, `corpus/news/belarus-strikes-2020-08-13.txt`.
pub fn seed() -> Text {
    read(&corpus_dir().join("news/belarus-strikes-2020-08-13.txt"))
}

/// Every `corpus/sotu/*.txt`, sorted by file name.
pub fn sotu() -> Vec<Text> {
    let dir = corpus_dir().join("sotu");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    paths.iter().map(|p| read(p)).collect()
}

fn read(path: &Path) -> Text {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Text { name, text }
}

/// The sentences of `text`, cut by `wordmill_normalise::split_sentences` (the same cut is
/// given to every scorer).
pub fn sentences(text: &str) -> Vec<&str> {
    wordmill_normalise::split_sentences(text)
        .iter()
        .map(|span| span.slice(text))
        .collect()
}

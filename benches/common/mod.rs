//! What the keyness and dictionary benches share: the SOTU corpus, each document with its
//! party (the letter at the end of its file name) as metadata `party`, and one fold of an
//! analyser over normalised documents in two halves, merged and finished.

use std::path::{Path, PathBuf};

use wordmill_analyse::Analyser;
use wordmill_model::{Document, Merge, Metadata, NormalisedDoc};

pub fn corpus() -> (&'static str, Vec<Document>) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let full = root.join("corpus/sotu-full");
    let (name, dir) = if full.is_dir() {
        ("sotu-full", full)
    } else {
        ("sotu", root.join("corpus/sotu"))
    };
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p: &PathBuf| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let docs = paths
        .iter()
        .enumerate()
        .map(|(i, p): (usize, &PathBuf)| {
            let text =
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            let mut meta = Metadata::new();
            if let Some(party) = party(p) {
                meta.insert("party", party);
            }
            Document::new(i as u64, file_name(p), text, meta)
        })
        .collect();
    (name, docs)
}

pub fn file_name(p: &Path) -> String {
    p.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// The party letter of `1961_john_f_kennedy_d.txt`.
pub fn party(p: &Path) -> Option<String> {
    let stem = p.file_stem()?.to_string_lossy().into_owned();
    let (_, last) = stem.rsplit_once('_')?;
    (last.len() == 1).then(|| last.to_string())
}

/// Observes the two halves of `docs` into two partials, merges them and finishes.
pub fn run<A: Analyser>(analyser: &A, docs: &[NormalisedDoc<'_>]) -> A::Output {
    let (first, second) = docs.split_at(docs.len() / 2);
    let mut a = analyser.partial();
    for d in first {
        analyser.observe(&mut a, d);
    }
    let mut b = analyser.partial();
    for d in second {
        analyser.observe(&mut b, d);
    }
    a.merge(b);
    analyser.finish(a)
}

//! Bounded memory: a text stream far larger than the memory wordmill may use is read in parts
//! of at most `max_document_bytes`, never whole.
//!
//! The binary runs under a cap on its address space (`ulimit -v`), fed by a writer thread; the
//! input is several times the cap, so holding it whole (or even a tenth of it) fails the run.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::common::*;

/// A paragraph with every kind of place a part may end: sentence ends and a line break.
const PARAGRAPH: &str = "The strike went on for weeks. Workers walked out of the plant, and \
                         the managers said nothing! Would the ministry answer? Nobody knew.\n";

/// What the binary may map: 1 GiB of address space.
const CAP_KIB: u64 = 1 << 20;

/// The largest document: 4 MiB.
const MAX_DOCUMENT: u64 = 4 << 20;

/// Runs `wordmill ARGS` under the address-space cap, writing `PARAGRAPH` repeated `times` times
/// to its standard input.
fn run_capped(args: &[&str], times: u64) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {CAP_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_wordmill"))
        .args(args)
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || -> std::io::Result<()> {
        // About 1 MB at a time.
        let per_block = (1 << 20) / PARAGRAPH.len() as u64;
        let block = PARAGRAPH.repeat(per_block as usize);
        let mut left = times;
        while left > 0 {
            let n = left.min(per_block);
            stdin.write_all(&block.as_bytes()[..n as usize * PARAGRAPH.len()])?;
            left -= n;
        }
        Ok(())
    });
    let out = child.wait_with_output().expect("wordmill runs");
    match writer.join().expect("the writer thread ends") {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("writing stdin: {e}"),
        _ => {}
    }
    out
}

/// How many parts `PARAGRAPH` repeated `times` times is cut into at `limit` bytes, worked out
/// from where the paragraph may be cut (after `. `, `! `, `? ` or a line break): each part
/// ends at the last such place within `limit` bytes of its start.
fn expected_parts(times: u64, limit: u64) -> u64 {
    let p = PARAGRAPH.as_bytes();
    let len = p.len() as u64;
    let mut cuts: Vec<u64> = (1..p.len())
        .filter(|&i| p[i - 1] == b' ' && matches!(p[i - 2], b'.' | b'!' | b'?'))
        .map(|i| i as u64)
        .collect();
    cuts.push(len);
    let total = times * len;
    let (mut start, mut parts) = (0u64, 0u64);
    while total - start > limit {
        let end = start + limit;
        // The last cut at or before `end`: in `end`'s paragraph, or the previous one's end.
        let base = end / len * len;
        let within = cuts.iter().rev().find(|&&c| base + c <= end);
        start = match within {
            Some(&c) => base + c,
            None => base,
        };
        parts += 1;
    }
    parts + 1
}

fn pipeline(dir: &std::path::Path, oversize: &str) -> std::path::PathBuf {
    let path = dir.join("stream.toml");
    std::fs::write(
        &path,
        format!(
            "version = 1\nname = \"stream\"\n[ingest]\ninputs = [\"-\"]\nformat = \"text\"\n\
             max_document_bytes = {MAX_DOCUMENT}\noversize = \"{oversize}\"\nallow_empty = true\n\
             [analyse.terms]\ntop = 10\n"
        ),
    )
    .unwrap();
    path
}

#[cfg(target_os = "linux")]
#[test]
fn endless_text_on_standard_input_is_read_in_parts_within_a_memory_cap() {
    let dir = scratch("bounded");
    let out = dir.join("report");
    // 1 GB of text: the whole would not fit under the cap, let alone be analysed.
    let times = (1u64 << 30) / PARAGRAPH.len() as u64;
    let p = pipeline(&dir, "split");
    let run = run_capped(
        &[
            "run",
            p.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
        times,
    );
    assert_exit(&run, 0);
    let manifest = json(&out.join("run.json"));
    let inputs = &manifest["inputs"];
    let parts = expected_parts(times, MAX_DOCUMENT);
    assert!(parts > 200, "{parts}");
    assert_eq!(inputs["documents"], parts);
    assert_eq!(inputs["skipped"], 0);
    assert_eq!(inputs["split"][0]["id"], "stdin");
    assert_eq!(inputs["split"][0]["parts"], parts);
    let text_bytes = inputs["text_bytes"].as_u64().unwrap();
    assert_eq!(text_bytes, times * PARAGRAPH.len() as u64);
    // Memory: a few documents in flight and the analysis state, whatever the input's length.
    let peak = manifest["peak_rss_bytes"].as_u64().unwrap();
    assert!(peak > 0, "the platform reports peak memory");
    assert!(
        peak < 64 * MAX_DOCUMENT,
        "peak resident memory {peak} bytes for {text_bytes} bytes of input, documents of at \
         most {MAX_DOCUMENT} bytes"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn an_oversized_stream_to_skip_is_measured_without_being_held() {
    let dir = scratch("bounded-skip");
    let out = dir.join("report");
    // 1.5 GiB, more than the cap: only measured, and skipped.
    let times = (3u64 << 29) / PARAGRAPH.len() as u64;
    let p = pipeline(&dir, "skip");
    let run = run_capped(
        &[
            "run",
            p.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ],
        times,
    );
    assert_exit(&run, 0);
    let manifest = json(&out.join("run.json"));
    let inputs = &manifest["inputs"];
    assert_eq!(inputs["documents"], 0);
    assert_eq!(inputs["skipped"], 1);
    let skip = &inputs["skipped_records"][0];
    assert_eq!(skip["kind"], "oversize");
    assert_eq!(
        skip["reason"],
        format!(
            "document of {} bytes exceeds max_document_bytes = {MAX_DOCUMENT}",
            times * PARAGRAPH.len() as u64
        )
    );
    assert!(manifest["peak_rss_bytes"].as_u64().unwrap() < 64 * MAX_DOCUMENT);
}

//! The one-call way in: reads the file or directory given on the command line with
//! `Source::open` (the format chosen by the extension, a directory as text files) and prints
//! each document's id, size and first words, then what was skipped.
//!
//! ```text
//! cargo run -p wordmill-ingest --example open -- corpus/sotu
//! cargo run -p wordmill-ingest --example open -- posts.jsonl.gz
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::process::ExitCode;

use wordmill_ingest::Source;

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: open PATH (a file or a directory)");
        return ExitCode::from(2);
    };
    let mut source = match Source::open(&path) {
        Ok(source) => source,
        Err(err) => {
            eprintln!("open: {err}");
            return ExitCode::FAILURE;
        }
    };
    for item in source.by_ref() {
        match item {
            Ok(doc) => {
                let start: Vec<&str> = doc.text.split_whitespace().take(8).collect();
                println!("{}\t{} bytes\t{}", doc.id, doc.text.len(), start.join(" "));
            }
            // Bad records are skipped by default (listed below): this is for other settings.
            Err(err) => eprintln!("open: {err}"),
        }
    }
    let stats = source.stats();
    println!(
        "{} document(s) from {} file(s); {} skipped",
        stats.documents,
        source.files().len(),
        stats.skipped.len()
    );
    for skip in &stats.skipped {
        println!("skipped {skip}");
    }
    ExitCode::SUCCESS
}

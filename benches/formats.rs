#![allow(clippy::print_stdout, clippy::print_stderr)]
#![allow(missing_docs)]
//! Reading the formats news and mail arrive in, through `wordmill_ingest::Source` from files:
//! e-mail messages (`corpus/mail`, the SpamAssassin subset: headers to metadata, text/plain
//! parts decoded, HTML-only messages reduced to text) and saved web pages (200 news-like pages
//! built from `corpus/sotu` into a temporary directory: scripts, styles, navigation, header and
//! footer around the article), in bytes of input per second, one thread.
//!
//! Run with `cargo bench --bench formats`. The comparison with Python's `email` package and
//! BeautifulSoup is `benches/peers/mailhtml.py` beside `examples/peer_calls.rs` (see
//! docs/BENCHMARKS.md).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use wordmill_ingest::{Format, Source, SourceConfig, TextEncoding};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn tree_bytes(dir: &Path) -> u64 {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        n += if p.is_dir() {
            tree_bytes(&p)
        } else {
            e.metadata().map_or(0, |m| m.len())
        };
    }
    n
}

/// `n` pages: an article of paragraphs of a SOTU address inside the usual furniture.
fn pages(dir: &Path, n: usize) {
    std::fs::create_dir_all(dir).unwrap();
    let mut texts: Vec<PathBuf> = std::fs::read_dir(root().join("corpus/sotu"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    texts.sort();
    for i in 0..n {
        let text = std::fs::read_to_string(&texts[i % texts.len()]).unwrap();
        let paragraphs: Vec<&str> = text
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .take(12 + i % 9)
            .collect();
        let mut page = format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Address {i} | The Daily</title>\n\
             <meta property=\"article:published_time\" content=\"2020-08-{:02}T09:30:00+03:00\">\n\
             <style>body {{ font-family: serif }} .nav li {{ display: inline }}</style>\n\
             <script>window.dataLayer = [{{page: 'article', id: {i}}}];</script></head>\n<body>\n\
             <header><a href=\"/\">The Daily</a><nav><ul class=\"nav\"><li><a href=\"/news\">News</a></li>\
             <li><a href=\"/world\">World</a></li><li><a href=\"/opinion\">Opinion</a></li></ul></nav></header>\n\
             <main><article><h1>Address {i}</h1>\n",
            1 + i % 28
        );
        for p in paragraphs {
            page.push_str("<p>");
            page.push_str(&p.replace('&', "&amp;").replace('<', "&lt;"));
            page.push_str("</p>\n");
        }
        page.push_str(
            "</article></main>\n<aside><ul><li><a href=\"/a\">Related: the strike</a></li></ul></aside>\n\
             <footer><p>&copy; 2020 The Daily</p></footer><script src=\"/app.js\"></script></body></html>\n",
        );
        std::fs::write(dir.join(format!("page-{i:03}.html")), page).unwrap();
    }
}

fn read_all(config: &SourceConfig) -> usize {
    let source = Source::with_config(config.clone()).expect("inputs");
    source.flatten().map(|d| d.text.len()).sum()
}

fn formats(c: &mut Criterion) {
    let mut group = c.benchmark_group("formats");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(5));
    group.warm_up_time(Duration::from_secs(1));

    let mail = root().join("corpus/mail");
    group.throughput(Throughput::Bytes(tree_bytes(&mail)));
    let config = SourceConfig::default()
        .inputs([mail.to_string_lossy()])
        .format(Format::Email);
    group.bench_function("email/corpus-mail", |b| {
        b.iter(|| black_box(read_all(&config)))
    });

    let dir = std::env::temp_dir().join(format!("wordmill-bench-pages-{}", std::process::id()));
    pages(&dir, 200);
    group.throughput(Throughput::Bytes(tree_bytes(&dir)));
    let config = SourceConfig::default()
        .inputs([dir.to_string_lossy()])
        .format(Format::Html)
        .encoding(TextEncoding::Auto);
    group.bench_function("html/200-pages", |b| {
        b.iter(|| black_box(read_all(&config)))
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, formats);
criterion_main!(benches);

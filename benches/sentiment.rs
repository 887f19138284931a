//! Sentiment benchmarks (placeholder until the scorer lands).
fn main() {}

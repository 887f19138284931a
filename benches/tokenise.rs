//! tokenise benchmarks (placeholder).
fn main() {}

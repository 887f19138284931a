//! pipeline benchmarks (placeholder).
fn main() {}

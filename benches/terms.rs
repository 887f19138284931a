//! terms benchmarks (placeholder).
fn main() {}

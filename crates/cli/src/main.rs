//! The `wordmill` command-line tool.
fn main() {}

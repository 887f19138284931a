//! Lexicon sentiment (placeholder).

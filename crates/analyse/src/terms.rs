//! Term counts and TF-IDF (placeholder).

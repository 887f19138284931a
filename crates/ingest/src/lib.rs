//! wordmill-ingest (under construction).

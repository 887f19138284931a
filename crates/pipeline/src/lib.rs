//! wordmill-pipeline (under construction).

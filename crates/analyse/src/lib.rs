//! wordmill-analyse (under construction).

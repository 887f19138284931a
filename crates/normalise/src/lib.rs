//! wordmill-normalise (under construction).

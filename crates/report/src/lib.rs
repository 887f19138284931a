//! wordmill-report (under construction).

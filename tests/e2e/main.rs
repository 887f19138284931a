//! End-to-end tests of the `wordmill` binary. They read like the specification of its contract:
//! pipeline files in, report directories out.

mod accounting;
mod bounded;
mod common;
mod compare;
mod determinism;
mod dictionary;
mod docs;
mod kwic;
mod pipelines;
mod reliability;
mod scale;
mod sentiment;
mod sklearn;
mod states;
mod targets;
mod trends;
mod validate;
mod workflow;

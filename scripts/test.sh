#!/usr/bin/env bash
# Runs wordmill's whole test suite: unit, integration, doc and example tests of every crate,
# against the reference data in ../shared/reference (override with WORDMILL_REFERENCE).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace "$@"

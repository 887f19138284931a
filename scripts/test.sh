#!/usr/bin/env bash
# Runs wordmill's whole test suite on a fresh machine with a Rust toolchain:
#   1. every crate's unit, integration, doc and example tests, and the end-to-end tests of the
#      binary (cargo test --workspace), against the reference data in ../shared/reference
#      (override with WORDMILL_REFERENCE and WORDMILL_VADER_REFERENCE);
#   2. the HTML reports opened in headless Chromium (installs Debian's chromium if missing);
#   3. the Apache Spark job in local mode against the single-machine report (installs Java 17
#      and pyspark into a virtual environment outside the repository if missing).
# Set WORDMILL_SKIP_BROWSER=1 or WORDMILL_SKIP_SPARK=1 to leave a part out.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace "$@"

# The end-to-end scripts use the binary the tests just built.
cargo build --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
export WORDMILL_BIN="${WORDMILL_BIN:-$target_dir/debug/wordmill}"
export WORDMILL="${WORDMILL:-$WORDMILL_BIN}"

status=0
if [ -z "${WORDMILL_SKIP_BROWSER:-}" ] && [ -x scripts/test-browser.sh ]; then
    scripts/test-browser.sh || status=1
fi
if [ -z "${WORDMILL_SKIP_SPARK:-}" ] && [ -x scripts/test-spark.sh ]; then
    scripts/test-spark.sh || status=1
fi
exit $status

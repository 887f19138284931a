#!/usr/bin/env bash
# Runs wordmill's whole test suite on a fresh machine with a Rust toolchain, in five parts:
#   cargo      every crate's unit, integration, doc and example tests, and the end-to-end tests
#              of the binary (cargo test --workspace), against the reference data in
#              tests/reference (WORDMILL_REFERENCE=DIR points them at another directory);
#   crates     the crates fit to publish and to use one at a time (scripts/check-crates.sh): the
#              toolchain of `rust-version`, each library crate built alone with its default
#              features and with none, the public API listings, `cargo publish --dry-run` of the
#              workspace, and the library crates' tests run from their packages;
#   browser    the HTML reports opened in headless Chromium (installs Debian's chromium if
#              missing);
#   spark      the Apache Spark job in local mode against the single-machine report (installs
#              Java 17 and pyspark into a virtual environment outside the repository if missing);
#   reference  the reference data recomputed with the pinned Python tools and compared with the
#              committed files (tests/reference/regenerate.sh; a virtual environment outside the
#              repository).
# Every part runs even when an earlier one fails; a summary (part, result, counts, time) ends the
# output, and the exit status is 1 when any part failed.
# Set WORDMILL_SKIP_CRATES=1, WORDMILL_SKIP_BROWSER=1, WORDMILL_SKIP_SPARK=1 or WORDMILL_SKIP_REFERENCE=1 to leave a part
# out. Arguments are passed to cargo test.
set -uo pipefail
cd "$(dirname "$0")/.."

logs=$(mktemp -d "${TMPDIR:-/tmp}/wordmill-test.XXXXXX")
trap 'rm -rf "$logs"' EXIT
summary=()
failed_parts=0

# part NAME COUNTS_FN COMMAND...: runs one part, its output shown as it goes and kept for the
# summary; COUNTS_FN reads the log and prints "P passed, F failed" (or nothing).
part() {
    local name=$1 counts_fn=$2 start status counts result
    shift 2
    echo "==> $name: $*"
    start=$(date +%s)
    "$@" 2>&1 | tee "$logs/$name.log"
    status=${PIPESTATUS[0]}
    counts=$("$counts_fn" "$logs/$name.log")
    if [ "$status" -eq 0 ]; then result=passed; else result="FAILED (exit $status)"; failed_parts=$((failed_parts + 1)); fi
    summary+=("$(printf '%-10s %-18s %-24s %5ss' "$name" "$result" "${counts:--}" "$(($(date +%s) - start))")")
}

skipped() {
    summary+=("$(printf '%-10s %-18s %-24s %5s' "$1" skipped "($2)" -)")
}

# The sum of cargo's "test result:" lines.
cargo_counts() {
    awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
         END { if (p + f > 0) printf "%d passed, %d failed", p, f }' "$1"
}

# The last "N passed, M failed" line of a script.
script_counts() {
    grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1
}

# The reference check prints how many values it compared.
reference_counts() {
    if grep -q 'equal the reference tools' "$1"; then
        echo "every value equal"
    else
        grep -oE '^[0-9]+ difference\(s\)' "$1" | tail -n 1
    fi
}

part cargo cargo_counts cargo test --workspace --no-fail-fast "$@"

# The end-to-end scripts use the binary the tests just built.
target_dir=$(cargo metadata --format-version 1 --no-deps 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null || echo target)
export WORDMILL_BIN="${WORDMILL_BIN:-$target_dir/debug/wordmill}"
export WORDMILL="${WORDMILL:-$WORDMILL_BIN}"
cargo build --quiet || true

if [ -n "${WORDMILL_SKIP_CRATES:-}" ]; then
    skipped crates WORDMILL_SKIP_CRATES
else
    part crates script_counts scripts/check-crates.sh
fi

if [ -n "${WORDMILL_SKIP_BROWSER:-}" ]; then
    skipped browser WORDMILL_SKIP_BROWSER
else
    part browser script_counts scripts/test-browser.sh
fi
if [ -n "${WORDMILL_SKIP_SPARK:-}" ]; then
    skipped spark WORDMILL_SKIP_SPARK
else
    part spark script_counts scripts/test-spark.sh
fi
if [ -n "${WORDMILL_SKIP_REFERENCE:-}" ]; then
    skipped reference WORDMILL_SKIP_REFERENCE
else
    part reference reference_counts tests/reference/regenerate.sh
fi

echo
echo "== summary =="
printf '%-10s %-18s %-24s %6s\n' part result counts time
printf '%s\n' "${summary[@]}"
if [ "$failed_parts" -gt 0 ]; then
    echo "$failed_parts part(s) failed"
    exit 1
fi
echo "every part passed"

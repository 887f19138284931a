#!/usr/bin/env bash
# Compares the public API of each library crate with its committed `public-api.txt`.
#
#   scripts/check-public-api.sh           # fails, with the difference, if an API changed
#   scripts/check-public-api.sh --bless   # rewrites the files after an intended change
#
# The listing comes from rustdoc's JSON output (scripts/public-api.py), which stable rustdoc
# gives with RUSTC_BOOTSTRAP=1. An accidental change of a public signature, a removed item or a
# struct that lost `#[non_exhaustive]` shows as a difference here and fails CI; an intended
# one is committed with the new listing, where a reviewer sees it.
set -euo pipefail
cd "$(dirname "$0")/.."
bless=0
[[ "${1:-}" == "--bless" ]] && bless=1
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
status=0
for crate in model ingest normalise analyse report pipeline; do
    RUSTC_BOOTSTRAP=1 cargo rustdoc --quiet -p "wordmill-$crate" --lib -- \
        -Z unstable-options --output-format json
    listing=$(python3 scripts/public-api.py "$target/doc/wordmill_$crate.json")
    file="crates/$crate/public-api.txt"
    if [[ $bless == 1 ]]; then
        printf '%s\n' "$listing" > "$file"
    elif ! diff -u "$file" <(printf '%s\n' "$listing") > "$target/public-api-$crate.diff"; then
        echo "wordmill-$crate: the public API differs from $file:" >&2
        cat "$target/public-api-$crate.diff" >&2
        status=1
    fi
done
if [[ $status != 0 ]]; then
    echo "If the change is intended, run scripts/check-public-api.sh --bless and commit the files." >&2
fi
exit $status

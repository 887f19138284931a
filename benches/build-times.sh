#!/usr/bin/env bash
# Clean-build time of each library crate as a dependency of another program: for each crate,
# with its default features and with none, a scratch package that depends on it by path is
# built from an empty target directory with cargo's default `dev` profile (what a user's first
# `cargo build` does), and the wall time is printed with the number of crates compiled.
#
#   benches/build-times.sh                      # every library crate
#   benches/build-times.sh ingest normalise     # some of them
#   RELEASE=1 benches/build-times.sh            # `cargo build --release` instead
#
# The dependencies' versions are those of the workspace's Cargo.lock. Nothing is downloaded
# when the registry cache already holds them. Run it on a quiet machine: it measures wall time.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
crates=("$@")
[[ ${#crates[@]} == 0 ]] && crates=(model ingest normalise analyse report pipeline)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/wordmill-build-times.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

printf '%-20s %-9s %9s %7s\n' crate features seconds crates
for crate in "${crates[@]}"; do
    for features in default none; do
        dir="$scratch/$crate-$features"
        mkdir -p "$dir/src"
        echo 'fn main() {}' > "$dir/src/main.rs"
        extra=""
        [[ $features == none ]] && extra=", default-features = false"
        cat > "$dir/Cargo.toml" <<EOF
[package]
name = "consumer"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
wordmill-$crate = { path = "$root/crates/$crate"$extra }

[workspace]
EOF
        cp "$root/Cargo.lock" "$dir/Cargo.lock"
        start=$(date +%s.%N)
        (cd "$dir" && CARGO_TARGET_DIR="$dir/target" cargo build --quiet ${RELEASE:+--release} 2>"$dir/build.log") || {
            cat "$dir/build.log" >&2
            exit 1
        }
        end=$(date +%s.%N)
        profile=debug; [[ -n "${RELEASE:-}" ]] && profile=release
        built=$(find "$dir/target/$profile/deps" -name '*.rmeta' -o -name '*.rlib' | sed 's/-[0-9a-f]*\.r.*$//' | sort -u | wc -l)
        printf '%-20s %-9s %9.1f %7d\n' "wordmill-$crate" "$features" "$(python3 -c "print($end - $start)")" "$built"
    done
done

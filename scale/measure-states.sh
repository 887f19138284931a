#!/usr/bin/env bash
# Measures run states: size (bytes and gzip'd) and the time of `wordmill reduce` and
# `wordmill merge`, for JSON Lines corpora split into K parts. The numbers in docs/scale.md come
# from it.
#
#   scale/measure-states.sh [-k K] [-b WORDMILL] CORPUS.jsonl...
#
# Make corpora with the generator, e.g.
#   cargo run --release --example gen_corpus -- --bytes 50M --seed 42 --format jsonl --out /tmp/gen-50M.jsonl
# For each corpus and each of three pipelines (unigrams; unigrams + bigrams; unigrams + bigrams
# with per_document = true) it maps the K parts (with --ordinal-offset, as shards), reduces the K
# states into one and renders the report with merge. Prints one Markdown table row per run.
set -euo pipefail
cd "$(dirname "$0")/.."
K=8
BIN=${WORDMILL_BIN:-target/release/wordmill}
while getopts "k:b:" o; do
    case $o in
        k) K=$OPTARG ;;
        b) BIN=$OPTARG ;;
        *) echo "usage: $0 [-k K] [-b WORDMILL] CORPUS.jsonl..." >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[[ $# -gt 0 ]] || { echo "usage: $0 [-k K] [-b WORDMILL] CORPUS.jsonl..." >&2; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/wordmill-states.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

pipeline() { # name ngrams per_document
    cat > "$TMP/$1.toml" <<EOF
version = 1
name = "$1"

[ingest]
inputs = ["-"]
format = "jsonl"
meta_fields = ["year", "party"]

[normalise]
unicode = "nfc"
lowercase = true
tokenizer = "words"
stopwords = "en"
min_len = 2

[analyse.terms]
ngrams = $2
top = 50
min_df = 2
max_df = 0.95
tfidf = { smooth_idf = true, sublinear_tf = true, norm = "l2" }
per_document = $3

[report]
dir = "$TMP/out-$1"
formats = ["json", "csv", "md"]
EOF
}
pipeline uni "[1, 1]" false
pipeline bi "[1, 2]" false
pipeline bidoc "[1, 2]" true

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "| corpus | docs | pipeline | distinct terms | one state of K=$K (bytes / gzip) | merged state (bytes / gzip) | reduce $K states (s) | merge → report (s) |"
echo "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |"
for corpus in "$@"; do
    lines=$(wc -l < "$corpus")
    per=$(( (lines + K - 1) / K ))
    split -l "$per" -d -a 3 "$corpus" "$TMP/part-"
    for p in uni bi bidoc; do
        offset=0
        for part in "$TMP"/part-*; do
            n=$(wc -l < "$part")
            "$BIN" map "$TMP/$p.toml" --ordinal-offset "$offset" < "$part" > "$part.$p.state"
            offset=$((offset + n))
        done
        first=$(ls "$TMP"/part-*."$p".state | head -n1)
        one=$(wc -c < "$first"); onegz=$(gzip -c "$first" | wc -c)
        t0=$(now)
        cat "$TMP"/part-*."$p".state | "$BIN" reduce "$TMP/$p.toml" > "$TMP/all.$p.state"
        t1=$(now)
        "$BIN" merge "$TMP/$p.toml" "$TMP/all.$p.state" --out "$TMP/out-$p" --quiet
        t2=$(now)
        all=$(wc -c < "$TMP/all.$p.state"); allgz=$(gzip -c "$TMP/all.$p.state" | wc -c)
        terms=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); t=s["partial"]["terms"]; print(len(t.get("terms") or t.get("counts") or t.get("vocab") or {}))' "$TMP/all.$p.state" 2>/dev/null || echo "?")
        echo "| $(basename "$corpus") ($(du -h "$corpus" | cut -f1)) | $lines | $p | $terms | $one / $onegz | $all / $allgz | $(secs "$t0" "$t1") | $(secs "$t1" "$t2") |"
        rm -f "$TMP"/part-*."$p".state "$TMP/all.$p.state"
    done
    rm -f "$TMP"/part-*
done

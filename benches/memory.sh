#!/usr/bin/env bash
# Peak memory and throughput of benches/pipelines/generated.toml (the default analysis: top
# terms and sentence-by-sentence VADER, every report format) on generated corpora of several
# sizes. Makes each corpus with examples/gen_corpus.rs when absent (seed 42, into the
# git-ignored corpus/generated/), then runs the release binary under /usr/bin/time.
#
#   benches/memory.sh                 # 100M 1G 4G, 1 thread and all cores
#   benches/memory.sh 100M 1G         # chosen sizes
#   THREADS="1" benches/memory.sh 1G  # chosen thread counts
#   PIPELINE=benches/pipelines/generated-collocations.toml benches/memory.sh 1G
#                                     # another pipeline (default benches/pipelines/generated.toml)
#
# Prints one line per run: size, threads, documents, peak RSS, wall seconds, MB/s, and the
# run's distinct terms (the vocabulary, which is what memory may grow with), and its distinct
# bigrams when the pipeline has [analyse.collocations].
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100M 1G 4G)
threads=${THREADS:-"1 $(nproc)"}
pipeline=${PIPELINE:-benches/pipelines/generated.toml}
[ -f "$pipeline" ] || { echo "memory.sh: no pipeline $pipeline" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "memory.sh: needs /usr/bin/time (apt install time)" >&2; exit 2; }
cargo build --release --quiet --bin wordmill --example gen_corpus
bin=${CARGO_TARGET_DIR:-target}/release/wordmill
gen=${CARGO_TARGET_DIR:-target}/release/examples/gen_corpus
mkdir -p corpus/generated
echo "pipeline: $pipeline"
if grep -q '^\[analyse\.collocations\]' "$pipeline"; then
  printf '%-6s %-7s %10s %12s %9s %8s %10s %12s\n' size threads documents "peak RSS MB" "wall s" "MB/s" terms bigrams
else
  printf '%-6s %-7s %10s %12s %9s %8s %10s\n' size threads documents "peak RSS MB" "wall s" "MB/s" terms
fi
for size in "${sizes[@]}"; do
  file=corpus/generated/gen-${size,,}.jsonl
  [ -f "$file" ] || "$gen" --bytes "$size" --seed 42 --format jsonl --quiet --out "$file"
  for t in $threads; do
    out=$(mktemp -d)
    /usr/bin/time -f '%M %e' -o "$out.time" \
      "$bin" run "$pipeline" --input "$file" --out "$out/report" \
      --threads "$t" --quiet
    read -r rss_kb wall < "$out.time"
    python3 - "$out/report" "$size" "$t" "$rss_kb" "$wall" <<'PY'
import json, sys
d, size, t, rss_kb, wall = sys.argv[1:]
m = json.load(open(f"{d}/run.json"))
r = json.load(open(f"{d}/report.json"))
terms = r.get("terms", {}).get("vocabulary_size", 0)
mb = m["inputs"]["text_bytes"] / 1e6
line = (f"{size:<6} {t:<7} {m['inputs']['documents']:>10,} {int(rss_kb)/1024:>12.0f} "
        f"{float(wall):>9.1f} {mb/float(wall):>8.1f} {terms:>10,}")
if "collocations" in r:
    line += f" {r['collocations'].get('distinct_bigrams', 0):>12,}"
print(line)
PY
    rm -rf "$out" "$out.time"
  done
done

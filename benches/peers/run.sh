#!/usr/bin/env bash
# Measures wordmill against its Python peers, in one run, on the same inputs:
#
#   vaderSentiment 3.3.2        SentimentIntensityAnalyzer().polarity_scores   sentences/s
#   scikit-learn                CountVectorizer (with and without stop words),
#                               TfidfVectorizer, fit_transform                 MB/s
#   NLTK                        wordpunct_tokenize / TreebankWordTokenizer
#                               + FreqDist (no NLTK data needed)               MB/s
#
# and, when target/release/wordmill is built, the same work done by wordmill; prints a Markdown
# table (peer, metric, peer value, wordmill value, ratio) and writes the numbers as JSON.
#
#   benches/peers/run.sh [--json PATH] [--repeat K] [--corpus DIR] [--max-sentences N]
#                        [--only METRIC,...] [--wordmill PATH] [--calls PATH] [--threads N]
#                        [--keep]
#
#   --json PATH         also write every number (and the machine) as JSON to PATH
#   --repeat K          repetitions of each measurement; the best is reported (default 3)
#   --corpus DIR        directory of *.txt documents (default: corpus/sotu-full if fetched by
#                       scripts/fetch-sotu.sh, else corpus/sotu)
#   --max-sentences N   score only the first N sentences (default: all)
#   --only LIST         metrics to run: vader,count,count_stop,tfidf,nltk_wordpunct,nltk_treebank
#   --wordmill PATH     the wordmill binary (default: $WORDMILL_BIN or target/release/wordmill)
#   --calls PATH        the in-process timer, examples/peer_calls.rs (default: $WORDMILL_CALLS
#                       or target/release/examples/peer_calls, built with cargo when missing)
#   --threads N         passed to `wordmill run --threads` (default: wordmill's, one per core)
#   --keep              keep the working directory (sentences, pipelines, raw results)
#
# The Python peers are installed, pinned (requirements.txt), into a virtual environment outside
# the repository: ${WORDMILL_PEERS_VENV:-$HOME/.cache/wordmill-peers}. Needs python3 with venv
# and access to PyPI the first time.
#
# Timing. Peers: in-process, best of K, only the call being measured (no interpreter start-up,
# imports or reading the input); and once more as a whole command in a fresh process (start-up,
# imports and reading included). wordmill: the whole command, best of K; and in process
# (examples/peer_calls.rs: the same library calls timed like the peers' call, inputs read first,
# one thread, best of K). The peers run on one thread (that is how they run); the wordmill
# command uses its default threads unless --threads is given.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${WORDMILL_PEERS_VENV:-$HOME/.cache/wordmill-peers}
wordmill=${WORDMILL_BIN:-$root/target/release/wordmill}
calls=${WORDMILL_CALLS:-}
json=""
repeat=3
corpus=""
max_sentences=0
only="vader,count,count_stop,tfidf,nltk_wordpunct,nltk_treebank"
threads=""
keep=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
die() { echo "run.sh: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
        --json) json=${2:?--json needs a path}; shift 2 ;;
        --repeat) repeat=${2:?--repeat needs a number}; shift 2 ;;
        --corpus) corpus=${2:?--corpus needs a directory}; shift 2 ;;
        --max-sentences) max_sentences=${2:?--max-sentences needs a number}; shift 2 ;;
        --only) only=${2:?--only needs a list}; shift 2 ;;
        --wordmill) wordmill=${2:?--wordmill needs a path}; shift 2 ;;
        --calls) calls=${2:?--calls needs a path}; shift 2 ;;
        --threads) threads=${2:?--threads needs a number}; shift 2 ;;
        --keep) keep=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[[ $repeat =~ ^[1-9][0-9]*$ ]] || die "--repeat must be a whole number from 1"
[[ $max_sentences =~ ^[0-9]+$ ]] || die "--max-sentences must be a whole number"
if [ -n "$json" ]; then
    json=$(cd "$(dirname "$json")" && pwd)/$(basename "$json")
fi

case "$venv/" in
    "$root"/*) die "the virtual environment must be outside the repository (WORDMILL_PEERS_VENV=$venv)" ;;
esac

# ---- inputs ---------------------------------------------------------------------------------
if [ -z "$corpus" ]; then
    if compgen -G "$root/corpus/sotu-full/*.txt" >/dev/null; then
        corpus=$root/corpus/sotu-full
    else
        corpus=$root/corpus/sotu
        echo "run.sh: corpus/sotu-full not found (scripts/fetch-sotu.sh fetches it); using corpus/sotu" >&2
    fi
fi
corpus=$(cd "$corpus" && pwd)
compgen -G "$corpus/*.txt" >/dev/null || die "no *.txt documents in $corpus"

work=$(mktemp -d "${TMPDIR:-/tmp}/wordmill-peers.XXXXXX")
results=$work/results
mkdir -p "$results"
if [ "$keep" = 1 ]; then
    echo "run.sh: working directory $work (kept)" >&2
else
    trap 'rm -rf "$work"' EXIT
fi

# ---- the Python peers, pinned, in a venv outside the repository -----------------------------
if [ ! -x "$venv/bin/python" ]; then
    echo "run.sh: creating the virtual environment $venv" >&2
    python3 -m venv "$venv"
fi
py=$venv/bin/python
want=$(sha1sum "$here/requirements.txt" | cut -d' ' -f1)
if [ "$(cat "$venv/.wordmill-requirements" 2>/dev/null)" != "$want" ]; then
    echo "run.sh: installing the peers (benches/peers/requirements.txt)" >&2
    "$py" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    echo "$want" >"$venv/.wordmill-requirements"
fi

sentences=$work/sentences.txt
"$py" "$here/peers.py" sentences --docs "$corpus" --out "$sentences" --max "$max_sentences" >/dev/null
n_sentences=$(wc -l <"$sentences")
n_docs=$(find "$corpus" -maxdepth 1 -name '*.txt' | wc -l)
n_bytes=$(cat "$corpus"/*.txt | wc -c)
echo "run.sh: $n_docs documents, $n_bytes bytes in $corpus; $n_sentences sentences" >&2

# ---- the machine ----------------------------------------------------------------------------
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
memory=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null || true)
wordmill_version=""
if [ -x "$wordmill" ]; then
    wordmill_version=$("$wordmill" --version 2>/dev/null | head -1 || true)
    wordmill_version="${wordmill_version:-version unknown} ($wordmill)"
fi
CPU="$cpu" MEMORY="$memory" NPROC="$(nproc)" OS="$(uname -srm)" WM="$wordmill_version" \
    INPUTS="$n_docs documents, $n_bytes bytes ($(basename "$corpus")); $n_sentences sentences" \
    THREADS="${threads:-default}" LOADAVG="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || true)" \
    "$py" - >"$work/machine.json" <<'EOF'
import json, os, platform
from importlib.metadata import version
pkgs = {}
for name in ["vaderSentiment", "scikit-learn", "numpy", "scipy", "nltk"]:
    try:
        pkgs[name] = version(name)
    except Exception:
        pkgs[name] = None
print(json.dumps({
    "cpu": os.environ["CPU"], "nproc": int(os.environ["NPROC"]), "memory": os.environ["MEMORY"],
    "os": os.environ["OS"], "python": platform.python_version(), "packages": pkgs,
    "wordmill": os.environ["WM"] or None, "wordmill_threads": os.environ["THREADS"],
    "inputs": os.environ["INPUTS"], "loadavg": os.environ["LOADAVG"],
}, indent=1))
EOF

# ---- the peers --------------------------------------------------------------------------------
IFS=, read -r -a metrics <<<"$only"
for metric in "${metrics[@]}"; do
    case "$metric" in
        count | count_stop | tfidf)
            # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE, when this machine sets them, slow numpy:
            # unset for the scikit-learn commands only.
            prefix=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE) ;;
        vader | nltk_wordpunct | nltk_treebank) prefix=() ;;
        *) die "unknown metric '$metric' in --only" ;;
    esac
    echo "run.sh: $metric: in process, $repeat repetitions" >&2
    "${prefix[@]}" "$py" "$here/peers.py" measure "$metric" --docs "$corpus" \
        --sentences "$sentences" --repeat "$repeat" --out "$results/$metric.json"
    echo "run.sh: $metric: whole command (a fresh process, once)" >&2
    if [ "$metric" = vader ]; then items=$n_sentences unit=sentences/s; else items=$n_bytes unit=MB/s; fi
    "$py" "$here/peers.py" time-cmd --repeat 1 --items "$items" --unit "$unit" \
        --out "$results/$metric.whole.json" -- "${prefix[@]}" "$py" "$here/peers.py" measure \
        "$metric" --docs "$corpus" --sentences "$sentences" --repeat 1 --out "$results/$metric.cold.json"
done

# ================================================================================================
# wordmill hook: the same work done by target/release/wordmill (or --wordmill / $WORDMILL_BIN).
# A row whose binary or subcommand is missing says "wordmill: not built yet" and the run goes on.
#   vader                         wordmill sentiment --lines SENTENCES   (the same sentence list)
#   count / count_stop / tfidf    wordmill run PIPELINE with [analyse.terms], the same token
#                                 pattern, lower-casing, and (count_stop) scikit-learn's own
#                                 English stop-word list written to a file
#   nltk_*                        wordmill run PIPELINE with the "words" tokeniser, counting
# ================================================================================================
not_built() {
    echo "not built yet" >"$results/$1.wordmill.status"
    echo "run.sh: $1: wordmill: not built yet" >&2
}

pipeline() { # metric tokenizer stopwords tfidf-line
    cat <<EOF
version = 1
name = "peers-$1"

[ingest]
inputs = ["$corpus/*.txt"]
format = "text"

[normalise]
unicode = "none"
lowercase = true
tokenizer = $2
stopwords = "$3"

[analyse.terms]
ngrams = [1, 1]
top = 50
$4

[report]
dir = "$work/out-$1"
formats = ["json"]
EOF
}

stop_words_file() { # scikit-learn's own English stop-word list, one per line
    "$py" -c 'from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS as s; print("\n".join(sorted(s)))' \
        >"$work/sklearn-english-stop-words.txt"
}

wordmill_row() { # metric
    local metric=$1 file=$work/$1.toml
    case "$metric" in
        vader)
            if ! "$wordmill" sentiment --help >/dev/null 2>&1; then not_built "$metric"; return; fi
            "$py" "$here/peers.py" time-cmd --repeat "$repeat" --items "$n_sentences" \
                --unit sentences/s --out "$results/$metric.wordmill.json" \
                -- "$wordmill" sentiment --lines "$sentences" ||
                true
            return ;;
        count) pipeline "$metric" "{ pattern = '(?u)\\b\\w\\w+\\b' }" none "" >"$file" ;;
        count_stop)
            stop_words_file
            pipeline "$metric" "{ pattern = '(?u)\\b\\w\\w+\\b' }" "$work/sklearn-english-stop-words.txt" "" >"$file" ;;
        tfidf)
            pipeline "$metric" "{ pattern = '(?u)\\b\\w\\w+\\b' }" none \
                "tfidf = { smooth_idf = true, sublinear_tf = false, norm = \"l2\" }
per_document = true" >"$file" ;;
        nltk_wordpunct | nltk_treebank) pipeline "$metric" '"words"' none "" >"$file" ;;
    esac
    if ! "$wordmill" run --help >/dev/null 2>&1; then not_built "$metric"; return; fi
    local extra=()
    if [ -n "$threads" ]; then extra=(--threads "$threads"); fi
    "$py" "$here/peers.py" time-cmd --repeat "$repeat" --items "$n_bytes" --unit MB/s \
        --out "$results/$metric.wordmill.json" -- "$wordmill" run "$file" --quiet "${extra[@]}" ||
        true
}

# The same library calls in process, timed like the peers' call (examples/peer_calls.rs).
if [ -z "$calls" ]; then
    calls=$root/target/release/examples/peer_calls
    if command -v cargo >/dev/null; then
        echo "run.sh: building examples/peer_calls.rs" >&2
        (cd "$root" && cargo build --quiet --release --example peer_calls) ||
            echo "run.sh: could not build examples/peer_calls.rs; no in-process wordmill rows" >&2
    fi
fi
inprocess_row() { # metric
    local stop=()
    if [ "$1" = count_stop ]; then
        stop_words_file
        stop=(--stop-words "$work/sklearn-english-stop-words.txt")
    fi
    "$calls" --metric "$1" --docs "$corpus" --sentences "$sentences" "${stop[@]}" \
        --repeat "$repeat" --out "$results/$1.wordmill-calls.json" ||
        echo "run.sh: $1: wordmill in process failed" >&2
}

for metric in "${metrics[@]}"; do
    if [ -x "$wordmill" ]; then
        echo "run.sh: $metric: wordmill" >&2
        wordmill_row "$metric"
    else
        not_built "$metric"
    fi
    if [ -x "$calls" ]; then
        echo "run.sh: $metric: wordmill in process, $repeat repetitions" >&2
        inprocess_row "$metric"
    fi
done
# ======================================== end of the wordmill hook ===============================

"$py" "$here/peers.py" report --results "$results" --machine "$work/machine.json" ${json:+--json "$json"}

#!/usr/bin/env bash
# Runs scale/spark/wordmill_spark.py in Spark local mode (local[2], every address on 127.0.0.1)
# and checks that its reports equal the single-machine reports of the same pipelines, byte for
# byte: pipelines/sotu-terms.toml, pipelines/sotu-keyness.toml and a pipeline of the dictionary,
# targets and concordance analysers over corpus/sotu/*.txt (text,
# metadata from file names) and a JSON Lines pipeline over the same speeches (written to a
# temporary directory).
#
# Installs what it needs when missing: Java 17+ (apt-get, openjdk-17-jre-headless) and a venv
# outside the repository with pyspark (WORDMILL_SPARK_VENV, default ~/.cache/wordmill-spark).
# Uses $WORDMILL_BIN, else target/release/wordmill (built with cargo when absent).
# Ends with the line `N passed, M failed`; exits 1 on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

PYSPARK_VERSION=4.3.0
VENV=${WORDMILL_SPARK_VENV:-$HOME/.cache/wordmill-spark}
say() { printf 'test-spark: %s\n' "$*" >&2; }
t0=$(date +%s)

# --- Java 17 or later -------------------------------------------------------------------------
java_major() {
    java -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\)\(\.[0-9]*\)*.*/\1/p' | head -n1
}
major=$(command -v java >/dev/null 2>&1 && java_major || true)
if [[ -z "$major" || "$major" -lt 17 ]]; then
    say "installing Java 17 (found: ${major:-none})"
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
    $SUDO apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jre-headless >/dev/null
    major=$(java_major)
    [[ -n "$major" && "$major" -ge 17 ]] || { say "Java 17+ still not found after apt-get"; exit 1; }
fi

# --- pyspark in a venv outside the repository ---------------------------------------------------
if ! "$VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
    say "installing pyspark==$PYSPARK_VERSION into $VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check "pyspark==$PYSPARK_VERSION"
fi
t_install=$(date +%s)

# --- the wordmill binary ----------------------------------------------------------------------
if [[ -n "${WORDMILL_BIN:-}" ]]; then
    BIN=$WORDMILL_BIN
else
    TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
    BIN=$TARGET/release/wordmill
    if [[ ! -x "$BIN" ]]; then
        say "building $BIN"
        cargo build --release --quiet
    fi
fi
[[ -x "$BIN" ]] || { say "no wordmill binary at $BIN"; exit 1; }

# --- inputs and pipelines -----------------------------------------------------------------------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wordmill-spark-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# The speeches as JSON Lines in two files of one directory, with what a real export has: a blank
# line, a record without an id (its id is then `<file>:<line>`, as in a single run), metadata
# fields, and a file of another format beside them that the directory input leaves out. The
# files are named so that natural order (`sotu-2` before `sotu-10`) differs from name order.
"$VENV/bin/python" - "$TMP" <<'EOF'
import json, os, re, sys
tmp = sys.argv[1]
names = sorted(n for n in os.listdir("corpus/sotu") if n.endswith(".txt"))
os.makedirs(os.path.join(tmp, "jsonl"))
for part, chunk in (("2", names[:30]), ("10", names[30:])):
    with open(os.path.join(tmp, "jsonl", f"sotu-{part}.jsonl"), "w", encoding="utf-8") as out:
        for i, name in enumerate(chunk):
            year, president, party = re.match(r"(\d{4})_([a-z_]+)_([a-z])\.txt$", name).groups()
            with open(os.path.join("corpus/sotu", name), encoding="utf-8-sig") as f:
                text = f.read()
            record = {"id": name[:-4], "text": text, "year": int(year), "president": president, "party": party}
            if i == 3:
                del record["id"]
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            if i == 10:
                out.write("\n")
with open(os.path.join(tmp, "jsonl", "README.txt"), "w", encoding="utf-8") as out:
    out.write("Not JSON Lines: a directory input of format jsonl leaves this file out.\n")
EOF
sed -e 's/^name = .*/name = "sotu-terms-jsonl"/' \
    -e "s|^inputs = .*|inputs = [\"$TMP/jsonl\"]|" \
    -e 's/^format = .*/format = "jsonl"\nmeta_fields = ["year", "president", "party"]\norder = "natural"/' \
    -e '/^meta_from_path/d' \
    -e '/^\[\[expect\]\]/,$d' \
    pipelines/sotu-terms.toml > "$TMP/sotu-jsonl.toml"

# --- runs ---------------------------------------------------------------------------------------
export SPARK_LOCAL_IP=127.0.0.1
export PYSPARK_PYTHON="$VENV/bin/python"
export PYSPARK_DRIVER_PYTHON="$VENV/bin/python"
cat > "$TMP/log4j2.properties" <<'EOF'
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
EOF
spark_job() {
    "$VENV/bin/spark-submit" \
        --master 'local[2]' \
        --conf spark.driver.host=127.0.0.1 \
        --conf spark.driver.bindAddress=127.0.0.1 \
        --conf spark.ui.enabled=false \
        --conf spark.ui.showConsoleProgress=false \
        --conf spark.sql.shuffle.partitions=4 \
        --driver-java-options "-Dlog4j2.configurationFile=file:$TMP/log4j2.properties" \
        "$@"
}

passed=0
failed=0
check() { # name single-dir spark-dir [files...]
    local f name=$1 single=$2 spark=$3
    shift 3
    local files=("$@")
    [[ ${#files[@]} -gt 0 ]] || files=(report.json terms.csv tfidf.csv documents.csv report.md)
    set -- "$name" "$single" "$spark"
    for f in "${files[@]}"; do
        if [[ ! -f "$2/$f" ]]; then
            say "FAIL $1: $f missing from the single run"; failed=$((failed + 1))
        elif [[ ! -f "$3/$f" ]]; then
            say "FAIL $1: $f missing from the Spark run"; failed=$((failed + 1))
        elif cmp -s "$2/$f" "$3/$f"; then
            say "pass $1: $f identical"; passed=$((passed + 1))
        else
            say "FAIL $1: $f differs"; cmp "$2/$f" "$3/$f" >&2 || true; failed=$((failed + 1))
        fi
    done
}

t_run=$(date +%s)
# Text files: one document per file, metadata from the file names; 4 map partitions.
"$BIN" run pipelines/sotu-terms.toml --out "$TMP/single-text" --quiet || say "the single run failed"
if spark_job scale/spark/wordmill_spark.py --pipeline pipelines/sotu-terms.toml \
        --input 'corpus/sotu/*.txt' --format text --partitions 4 --fan-in 2 \
        --wordmill "$BIN" --out "$TMP/spark-text"; then
    check text "$TMP/single-text" "$TMP/spark-text"
else
    say "FAIL text: the Spark job failed"; failed=$((failed + 1))
fi

# The comparison analysers: keyness by party and collocations, every file they write.
"$BIN" run pipelines/sotu-keyness.toml --out "$TMP/single-keyness" --quiet || say "the single run failed"
if spark_job scale/spark/wordmill_spark.py --pipeline pipelines/sotu-keyness.toml \
        --input 'corpus/sotu/*.txt' --format text --partitions 3 --fan-in 2 \
        --wordmill "$BIN" --out "$TMP/spark-keyness"; then
    check keyness "$TMP/single-keyness" "$TMP/spark-keyness" \
        report.json keyness.csv collocations.csv terms.csv report.md
else
    say "FAIL keyness: the Spark job failed"; failed=$((failed + 1))
fi

# The analysers that look for words: a dictionary by party, targets (one of them a dictionary
# category) and a concordance, every file they write.
cat > "$TMP/sotu-words.toml" <<'TOML'
version = 1
name = "sotu-words"
[ingest]
inputs = ["corpus/sotu/*.txt"]
format = "text"
meta_from_path = '(?P<year>\d{4})_(?P<president>[a-z_]+)_(?P<party>[a-z])\.txt$'
[normalise]
stopwords = "en"
[analyse.dictionary]
files = "pipelines/dictionaries/belarus.yml"
group_by = ["party"]
[analyse.targets]
america = ["america", "american*"]
taxes = ["tax", "taxes", "taxpayer*"]
labour = { category = "labour" }
group_by = ["party"]
[analyse.kwic]
patterns = ["tax*", "united states", "health care"]
window = 4
TOML
"$BIN" run "$TMP/sotu-words.toml" --out "$TMP/single-words" --quiet || say "the single run failed"
if spark_job scale/spark/wordmill_spark.py --pipeline "$TMP/sotu-words.toml" \
        --input 'corpus/sotu/*.txt' --format text --partitions 3 --fan-in 2 \
        --wordmill "$BIN" --out "$TMP/spark-words"; then
    check words "$TMP/single-words" "$TMP/spark-words" \
        report.json dictionary.csv dictionary_groups.csv targets.csv target_sentences.jsonl \
        kwic.csv report.md report.html
else
    say "FAIL words: the Spark job failed"; failed=$((failed + 1))
fi

# Trends per year and party: the sentiment, dictionary and targets per bin placed from those
# analysers' results after the merge, the terms per bin counted with the terms state the trends
# analyser hands over.
cat > "$TMP/sotu-trends.toml" <<'TOML'
version = 1
name = "sotu-trends"
[ingest]
inputs = ["corpus/sotu/*.txt"]
format = "text"
meta_from_path = '(?P<year>\d{4})_(?P<president>[a-z_]+)_(?P<party>[a-z])\.txt$'
date_field = "year"
[normalise]
stopwords = "en"
[analyse.terms]
[analyse.sentiment]
[analyse.dictionary]
files = "pipelines/dictionaries/belarus.yml"
[analyse.targets]
america = ["america", "american*"]
taxes = ["tax", "taxes", "taxpayer*"]
[analyse.trends]
bin = "year"
by = "party"
terms = ["america", "war", "economy"]
TOML
"$BIN" run "$TMP/sotu-trends.toml" --out "$TMP/single-trends" --quiet || say "the single run failed"
if spark_job scale/spark/wordmill_spark.py --pipeline "$TMP/sotu-trends.toml" \
        --input 'corpus/sotu/*.txt' --format text --partitions 3 --fan-in 2 \
        --wordmill "$BIN" --out "$TMP/spark-trends"; then
    check trends "$TMP/single-trends" "$TMP/spark-trends" \
        report.json trends.csv terms.csv documents.csv report.md report.html
else
    say "FAIL trends: the Spark job failed"; failed=$((failed + 1))
fi

# JSON Lines: small file splits so each file is read as several splits in several partitions.
"$BIN" run "$TMP/sotu-jsonl.toml" --out "$TMP/single-jsonl" --quiet || say "the single run failed"
if spark_job --conf spark.sql.files.maxPartitionBytes=262144 --conf spark.sql.files.openCostInBytes=0 \
        scale/spark/wordmill_spark.py --pipeline "$TMP/sotu-jsonl.toml" \
        --input "$TMP/jsonl" --format jsonl --fan-in 3 \
        --wordmill "$BIN" --out "$TMP/spark-jsonl" --states-dir "$TMP/states-jsonl"; then
    check jsonl "$TMP/single-jsonl" "$TMP/spark-jsonl"
    if [[ -n "$(ls "$TMP"/states-jsonl/final/part-* 2>/dev/null)" ]] \
        && "$BIN" merge "$TMP/sotu-jsonl.toml" "$TMP"/states-jsonl/map/part-* --out "$TMP/remerged-jsonl" --quiet \
        && cmp -s "$TMP/single-jsonl/report.json" "$TMP/remerged-jsonl/report.json"; then
        say "pass jsonl: the saved map states merge into the same report"; passed=$((passed + 1))
    else
        say "FAIL jsonl: the saved states (--states-dir) do not merge into the same report"; failed=$((failed + 1))
    fi
else
    say "FAIL jsonl: the Spark job failed"; failed=$((failed + 1))
fi
t_end=$(date +%s)

say "install/check $((t_install - t0)) s, runs $((t_end - t_run)) s"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]

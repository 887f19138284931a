"""Bigram collocations: NLTK against wordmill on the same tokens, one core each.

    python benches/peers/collocations.py [--corpus DIR] [--min-count N] [--repeat K]
                                         [--wordmill PATH] [--json PATH] [--keep]

Run it with the peers' virtual environment (benches/peers/requirements.txt pins nltk 3.10.4),
for instance after benches/peers/run.sh has made it:

    ${WORDMILL_PEERS_VENV:-$HOME/.cache/wordmill-peers}/bin/python benches/peers/collocations.py

What is compared:

- Tokens: every *.txt document of the corpus (default: corpus/sotu-full when
  scripts/fetch-sotu.sh has fetched it, else corpus/sotu), lower-cased and matched with
  scikit-learn's pattern (?u)\\b\\w\\w+\\b, in Python, once. Both sides get exactly these tokens:
  NLTK as lists, wordmill as a JSON Lines file of the tokens joined by spaces, read with the
  tokenizer pattern \\S+ and no other normalisation.
- NLTK (in process, best of K, only the calls): BigramCollocationFinder.from_documents,
  apply_freq_filter(min_count), then score_ngrams with BigramAssocMeasures.pmi,
  likelihood_ratio, chi_sq and student_t (each sorts its scores, as users call it).
- wordmill (the whole command, best of K): `wordmill run` with [analyse.collocations]
  (min_count, span = "document") and `--threads 1`, writing collocations.csv (every kept bigram
  with the four measures) and documents.csv. Start-up, reading the file, tokenising and writing
  are included, so the ratio favours NLTK.

Before timing, the script checks that both sides found the same bigrams with the same counts and
measures (within 1e-9 relative). It prints a Markdown table and, with --json, writes the numbers
and the machine.
"""

import argparse
import csv
import json
import math
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

TOKEN_PATTERN = re.compile(r"(?u)\b\w\w+\b")
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def read_documents(corpus):
    names = sorted(n for n in os.listdir(corpus) if n.endswith(".txt"))
    if not names:
        sys.exit(f"collocations.py: no *.txt documents in {corpus}")
    docs = []
    for name in names:
        with open(os.path.join(corpus, name), encoding="utf-8") as f:
            docs.append((name, f.read()))
    return docs


def nltk_collocations(token_lists, min_count):
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

    finder = BigramCollocationFinder.from_documents(token_lists)
    finder.apply_freq_filter(min_count)
    m = BigramAssocMeasures
    scored = [finder.score_ngrams(f) for f in (m.pmi, m.likelihood_ratio, m.chi_sq, m.student_t)]
    return finder, scored


def pipeline(tokens_file, out_dir, min_count):
    return f"""version = 1
name = "peers-collocations"

[ingest]
inputs = [{json.dumps(tokens_file)}]
format = "jsonl"

[normalise]
unicode = "none"
lowercase = false
tokenizer = {{ pattern = '\\S+' }}

[analyse.collocations]
min_count = {min_count}
span = "document"

[report]
dir = {json.dumps(out_dir)}
formats = ["csv"]
"""


def close(a, b, rel=1e-9):
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def check_agreement(finder, scored, csv_path):
    """The bigrams, counts and the four measures of wordmill's collocations.csv against NLTK's."""
    want = {}
    for i, rows in enumerate(scored):
        for (w1, w2), score in rows:
            want.setdefault((w1, w2), [None] * 4)[i] = score
    got = {}
    with open(csv_path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            got[(row["w1"], row["w2"])] = row
    problems = []
    if set(want) != set(got):
        problems.append(f"bigrams: NLTK {len(want)}, wordmill {len(got)}")
    for key in sorted(set(want) & set(got)):
        row = got[key]
        if int(row["count"]) != finder.ngram_fd[key]:
            problems.append(f"{key} count: NLTK {finder.ngram_fd[key]}, wordmill {row['count']}")
        for i, name in enumerate(("pmi", "llr", "chi2", "t")):
            theirs = want[key][i]
            ours = float(row[name]) if row[name] else math.nan
            if not close(theirs, ours):
                problems.append(f"{key} {name}: NLTK {theirs!r}, wordmill {ours!r}")
    return problems


def time_nltk(token_lists, min_count, repeat):
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        nltk_collocations(token_lists, min_count)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu


def time_command(command, repeat):
    times, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode != 0:
            sys.exit(
                f"collocations.py: {' '.join(command)} failed (exit {done.returncode}):\n"
                + done.stderr.decode("utf-8", "replace")[-2000:]
            )
        times.append(elapsed)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return times, cpu


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", help="directory of *.txt documents")
    p.add_argument("--min-count", type=int, default=3)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument(
        "--wordmill",
        default=os.environ.get("WORDMILL_BIN", os.path.join(ROOT, "target", "release", "wordmill")),
    )
    p.add_argument("--json")
    p.add_argument("--keep", action="store_true", help="keep the working directory")
    args = p.parse_args()
    if args.repeat < 1 or args.min_count < 1:
        sys.exit("collocations.py: --repeat and --min-count must be at least 1")
    corpus = args.corpus
    if corpus is None:
        full = os.path.join(ROOT, "corpus", "sotu-full")
        has_full = os.path.isdir(full) and any(n.endswith(".txt") for n in os.listdir(full))
        corpus = full if has_full else os.path.join(ROOT, "corpus", "sotu")
    if not os.access(args.wordmill, os.X_OK):
        sys.exit(f"collocations.py: no wordmill binary at {args.wordmill} (cargo build --release)")

    docs = read_documents(corpus)
    size = sum(len(text.encode("utf-8")) for _, text in docs)
    token_lists = [TOKEN_PATTERN.findall(text.lower()) for _, text in docs]
    n_tokens = sum(len(t) for t in token_lists)

    work = tempfile.mkdtemp(prefix="wordmill-collocations.")
    try:
        tokens_file = os.path.join(work, "tokens.jsonl")
        with open(tokens_file, "w", encoding="utf-8") as f:
            for (name, _), tokens in zip(docs, token_lists):
                f.write(json.dumps({"id": name, "text": " ".join(tokens)}, ensure_ascii=False) + "\n")
        out_dir = os.path.join(work, "out")
        pipeline_file = os.path.join(work, "collocations.toml")
        with open(pipeline_file, "w", encoding="utf-8") as f:
            f.write(pipeline(tokens_file, out_dir, args.min_count))
        command = [args.wordmill, "run", pipeline_file, "--threads", "1", "--quiet"]

        # The same answer first.
        finder, scored = nltk_collocations(token_lists, args.min_count)
        time_command(command, 1)
        problems = check_agreement(finder, scored, os.path.join(out_dir, "collocations.csv"))
        if problems:
            sys.exit("collocations.py: NLTK and wordmill disagree:\n  " + "\n  ".join(problems[:20]))
        kept = len(finder.ngram_fd)

        peer_times, peer_cpu = time_nltk(token_lists, args.min_count, args.repeat)
        wm_times, wm_cpu = time_command(command, args.repeat)
    finally:
        if args.keep:
            print(f"collocations.py: working directory {work} (kept)", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)

    import nltk

    peer_best, wm_best = min(peer_times), min(wm_times)
    result = {
        "machine": {
            "cpu": cpu_name(),
            "nproc": os.cpu_count(),
            "os": f"{platform.system()} {platform.release()} {platform.machine()}",
            "python": platform.python_version(),
            "nltk": nltk.__version__,
            "loadavg": os.getloadavg(),
        },
        "inputs": {
            "corpus": corpus,
            "documents": len(docs),
            "bytes": size,
            "tokens": n_tokens,
            "min_count": args.min_count,
            "bigrams_kept": kept,
        },
        "nltk": {"times_s": peer_times, "cpu_s": peer_cpu, "best_s": peer_best},
        "wordmill": {"command": command, "times_s": wm_times, "cpu_s": wm_cpu, "best_s": wm_best},
        "ratio": peer_best / wm_best,
        "ratio_cpu": min(peer_cpu) / max(min(wm_cpu), 1e-9),
    }
    m = result["machine"]
    print(f"Machine: {m['cpu']}, {m['nproc']} cores; {m['os']}; Python {m['python']}, nltk {m['nltk']}")
    print(
        f"Inputs: {len(docs)} documents, {size:,} bytes ({os.path.basename(corpus)}), "
        f"{n_tokens:,} tokens; min_count {args.min_count}: {kept:,} bigrams kept "
        "(NLTK and wordmill agree on every one)\n"
    )
    print("| side | what is timed | best (s) | CPU (s) |")
    print("|---|---|---:|---:|")
    print(
        f"| NLTK {m['nltk']} | from_documents + apply_freq_filter + score_ngrams × 4 "
        f"(in process, tokens ready) | {peer_best:.3f} | {min(peer_cpu):.3f} |"
    )
    print(
        f"| wordmill | `wordmill run --threads 1` (whole command: start-up, reading, tokenising, "
        f"collocations.csv) | {wm_best:.3f} | {min(wm_cpu):.3f} |"
    )
    print(f"\nwordmill is {result['ratio']:.1f}× as fast as NLTK (wall), {result['ratio_cpu']:.1f}× (CPU).")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
        print(f"Numbers written to {args.json}")


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()

"""Measures wordmill's Python peers on the same inputs; driven by benches/peers/run.sh.

Subcommands (each prints or writes JSON; run.sh strings them together):

  sentences --docs DIR --out FILE [--max N]
      Splits the documents into sentences with the rule below and writes them one a line, so
      that VADER and `wordmill sentiment --lines FILE` score exactly the same sentences.

  measure METRIC --docs DIR --sentences FILE --repeat K --out RESULT.json
      Runs one peer K times in this process and records every time (the timing excludes
      interpreter start-up, imports and reading the inputs). METRIC is one of:
        vader            vaderSentiment SentimentIntensityAnalyzer().polarity_scores per sentence
        count            scikit-learn CountVectorizer(lowercase=True, token_pattern=r"(?u)\\b\\w\\w+\\b")
        count_stop       the same with stop_words="english"
        tfidf            scikit-learn TfidfVectorizer with the same tokenisation (defaults otherwise:
                         smooth_idf=True, sublinear_tf=False, norm="l2")
        nltk_wordpunct   nltk.tokenize.wordpunct_tokenize, lower-cased, counted in a FreqDist
        nltk_treebank    nltk.tokenize.TreebankWordTokenizer, lower-cased, counted in a FreqDist
      The NLTK rows use tokenisers that need no NLTK data: punkt and the other data packages
      are downloaded from outside the package registries and cannot be installed here.

  time-cmd --repeat K --items N --unit UNIT --out RESULT.json -- COMMAND...
      Wall time of a whole command (start-up included), K times; used for wordmill.

  report --results DIR [--json PATH] [--machine FILE]
      Prints the Markdown table (peer, metric, peer value, wordmill value, ratio) and writes all
      numbers as JSON.

Sentence rule (deliberately simple and documented, not a sentence tokeniser): each line of a
document is split after '.', '!' or '?' (with any closing quotes or brackets) followed by
whitespace and then a capital letter, a digit or an opening quote; a piece that ends with a
common abbreviation (Mr., Mrs., Dr., St., U.S., ...) is joined to the next one. Empty pieces are
dropped and runs of whitespace become one space.
"""

import argparse
import glob
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import time

METRICS = {
    # metric: (peer, what is measured, unit)
    "vader": ("vaderSentiment", "polarity_scores", "sentences/s"),
    "count": ("scikit-learn", "CountVectorizer.fit_transform", "MB/s"),
    "count_stop": ("scikit-learn", "CountVectorizer(stop_words='english').fit_transform", "MB/s"),
    "tfidf": ("scikit-learn", "TfidfVectorizer.fit_transform", "MB/s"),
    "nltk_wordpunct": ("NLTK", "wordpunct_tokenize + FreqDist", "MB/s"),
    "nltk_treebank": ("NLTK", "TreebankWordTokenizer + FreqDist", "MB/s"),
}

TOKEN_PATTERN = r"(?u)\b\w\w+\b"

SPLIT = re.compile(r"([.!?][\"'\u201d\u2019)\]]*)\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
ABBREVIATION = re.compile(
    r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Gov|Sen|Rep|Lt|Col|Capt|No|Vol|Mt|U\.S|U\.N)\.$"
)


def read_documents(docs_dir):
    paths = sorted(glob.glob(os.path.join(docs_dir, "*.txt")))
    if not paths:
        sys.exit(f"peers.py: no *.txt files in {docs_dir}")
    docs = []
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as f:
            docs.append(f.read())
    return docs


def split_sentences(text):
    sentences = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        pieces = SPLIT.sub("\\1\n", line).split("\n")
        pending = ""
        for piece in pieces:
            pending = f"{pending} {piece}" if pending else piece
            if ABBREVIATION.search(pending):
                continue
            sentences.append(pending)
            pending = ""
        if pending:
            sentences.append(pending)
    return [s for s in sentences if s.strip()]


def cmd_sentences(args):
    docs = read_documents(args.docs)
    sentences = [s for doc in docs for s in split_sentences(doc)]
    if args.max:
        sentences = sentences[: args.max]
    with open(args.out, "w", encoding="utf-8") as f:
        for s in sentences:
            f.write(s + "\n")
    print(json.dumps({"sentences": len(sentences), "file": args.out}))


def read_sentences(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\n") for line in f]


def prepare(metric, docs_dir, sentences_file):
    """Imports the peer and reads the inputs; returns (run, items, bytes)."""
    if metric == "vader":
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        analyzer = SentimentIntensityAnalyzer()
        sentences = read_sentences(sentences_file)
        size = sum(len(s.encode("utf-8")) for s in sentences)

        def run():
            score = analyzer.polarity_scores
            total = 0.0
            for s in sentences:
                total += score(s)["compound"]
            return total

        return run, len(sentences), size

    docs = read_documents(docs_dir)
    size = sum(len(d.encode("utf-8")) for d in docs)
    if metric in ("count", "count_stop", "tfidf"):
        from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

        def run():
            if metric == "tfidf":
                v = TfidfVectorizer(lowercase=True, token_pattern=TOKEN_PATTERN)
            else:
                v = CountVectorizer(
                    lowercase=True,
                    token_pattern=TOKEN_PATTERN,
                    stop_words="english" if metric == "count_stop" else None,
                )
            return v.fit_transform(docs).nnz

        return run, len(docs), size
    if metric in ("nltk_wordpunct", "nltk_treebank"):
        from nltk import FreqDist
        from nltk.tokenize import TreebankWordTokenizer, wordpunct_tokenize

        tokenize = (
            wordpunct_tokenize if metric == "nltk_wordpunct" else TreebankWordTokenizer().tokenize
        )

        def run():
            freq = FreqDist()
            for d in docs:
                freq.update(w.lower() for w in tokenize(d))
            return freq.B()

        return run, len(docs), size
    sys.exit(f"peers.py: unknown metric {metric!r}; expected one of {', '.join(METRICS)}")


def cmd_measure(args):
    run, items, size = prepare(args.metric, args.docs, args.sentences)
    times, cpu = [], []
    for _ in range(args.repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    peer, what, unit = METRICS[args.metric]
    amount = items if unit == "sentences/s" else size / 1e6
    result = {
        "metric": args.metric,
        "peer": peer,
        "what": what,
        "unit": unit,
        "items": items,
        "bytes": size,
        "times_s": times,
        "cpu_s": cpu,
        "best_s": min(times),
        "median_s": statistics.median(times),
        "best": amount / min(times),
        "median": amount / statistics.median(times),
        "best_cpu": amount / max(min(cpu), 1e-9),
    }
    with open(args.out, "w") as f:
        json.dump(result, f, indent=1)


def cmd_time_cmd(args):
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    times, cpu = [], []
    for _ in range(args.repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        if done.returncode != 0:
            with open(args.out, "w") as f:
                json.dump(
                    {
                        "error": f"exit {done.returncode}",
                        "stderr": done.stderr.decode("utf-8", "replace")[-2000:],
                        "command": command,
                    },
                    f,
                    indent=1,
                )
            sys.exit(1)
        times.append(elapsed)
    amount = args.items if args.unit == "sentences/s" else args.items / 1e6
    with open(args.out, "w") as f:
        json.dump(
            {
                "command": command,
                "unit": args.unit,
                "times_s": times,
                "cpu_s": cpu,
                "best_s": min(times),
                "median_s": statistics.median(times),
                "best": amount / min(times),
                "median": amount / statistics.median(times),
                "best_cpu": amount / max(min(cpu), 1e-9),
            },
            f,
            indent=1,
        )


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def fmt(x):
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def cmd_report(args):
    machine = load(args.machine) if args.machine else None
    rows = []
    for metric, (peer, what, unit) in METRICS.items():
        inproc = load(os.path.join(args.results, f"{metric}.json"))
        whole = load(os.path.join(args.results, f"{metric}.whole.json"))
        wm = load(os.path.join(args.results, f"{metric}.wordmill.json"))
        calls = load(os.path.join(args.results, f"{metric}.wordmill-calls.json"))
        calls_value = calls["best"] if calls and "best" in calls else None
        calls_cpu = calls["best_cpu"] if calls and "best_cpu" in calls else None
        peer_cpu = inproc["best_cpu"] if inproc else None
        status = None
        try:
            with open(os.path.join(args.results, f"{metric}.wordmill.status")) as f:
                status = f.read().strip()
        except OSError:
            pass
        peer_value = inproc["best"] if inproc else None
        whole_value = whole["best"] if whole and "best" in whole else None
        wm_value = wm["best"] if wm and "best" in wm else None
        if wm and "error" in wm:
            last = (wm.get("stderr") or "").strip().splitlines()
            status = f"failed ({wm['error']})" + (f": {last[-1]}" if last else "")
        if not inproc and not wm and not whole and not status and not calls:
            continue  # not asked for (--only)
        rows.append(
            {
                "peer": peer,
                "metric": metric,
                "what": what,
                "unit": unit,
                "peer_in_process_best": peer_value,
                "peer_in_process_median": inproc["median"] if inproc else None,
                "peer_in_process_cpu": inproc["best_cpu"] if inproc else None,
                "peer_cpu_s": inproc["cpu_s"] if inproc else None,
                "peer_whole_command": whole_value,
                "peer_times_s": inproc["times_s"] if inproc else None,
                "items": inproc["items"] if inproc else None,
                "bytes": inproc["bytes"] if inproc else None,
                "wordmill": wm_value,
                "wordmill_times_s": wm["times_s"] if wm and "times_s" in wm else None,
                "wordmill_cpu_s": wm["cpu_s"] if wm and "cpu_s" in wm else None,
                "wordmill_cpu": wm["best_cpu"] if wm and "best_cpu" in wm else None,
                "wordmill_status": status or ("ok" if wm_value else "not built yet"),
                "wordmill_command": wm.get("command") if wm else None,
                "ratio": wm_value / peer_value if wm_value and peer_value else None,
                "wordmill_in_process": calls_value,
                "wordmill_in_process_cpu": calls_cpu,
                "wordmill_in_process_times_s": calls.get("times_s") if calls else None,
                "ratio_in_process": calls_value / peer_value if calls_value and peer_value else None,
                "ratio_in_process_cpu": calls_cpu / peer_cpu if calls_cpu and peer_cpu else None,
                "ratio_whole_command": wm_value / whole_value if wm_value and whole_value else None,
            }
        )
    out = sys.stdout
    if machine:
        out.write(
            f"Machine: {machine.get('cpu')}, {machine.get('nproc')} cores, "
            f"{machine.get('memory')}; {machine.get('os')}\n"
        )
        out.write(f"Python {machine.get('python')}; ")
        out.write(", ".join(f"{k} {v}" for k, v in (machine.get("packages") or {}).items()))
        out.write(f"; wordmill: {machine.get('wordmill') or 'not built'}\n")
        out.write(f"Inputs: {machine.get('inputs')}\n")
        loadavg = ", ".join(f"{x:.2f}" for x in os.getloadavg())
        out.write(f"Load average: {machine.get('loadavg')} at the start, {loadavg} at the end\n\n")
    out.write(
        "| peer | metric | peer value (in-process, best) | peer value (in-process, CPU time) "
        "| peer value (whole command) | wordmill value (whole command, best) | ratio wordmill/peer "
        "| wordmill value (in-process, best) | ratio in process (wall) | ratio in process (CPU) |\n"
    )
    out.write("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    for r in rows:
        wm_cell = fmt(r["wordmill"]) if r["wordmill"] else f"wordmill: {r['wordmill_status']}"
        ratio = f"{r['ratio']:.1f}×" if r["ratio"] else "—"
        r_in = f"{r['ratio_in_process']:.1f}×" if r["ratio_in_process"] else "—"
        r_cpu = f"{r['ratio_in_process_cpu']:.1f}×" if r["ratio_in_process_cpu"] else "—"
        out.write(
            f"| {r['peer']} | {r['what']} ({r['unit']}) | {fmt(r['peer_in_process_best'])} "
            f"| {fmt(r['peer_in_process_cpu'])} | {fmt(r['peer_whole_command'])} | {wm_cell} | {ratio} "
            f"| {fmt(r['wordmill_in_process'])} | {r_in} | {r_cpu} |\n"
        )
    out.write(
        "\nPeer in-process: best of the repetitions, timing only the call (no interpreter "
        "start-up, imports or reading). Whole command: one fresh process, start-up included. "
        "wordmill: whole command (start-up, reading and writing its report included), best of the "
        "repetitions; ratio = wordmill / peer in-process best. wordmill in-process: the same library "
        "calls timed like the peer's call (examples/peer_calls.rs: inputs read first, one thread, "
        "best of the repetitions), against the peer in-process best (wall) and CPU time (CPU). "
        "Values are wall-clock rates except the CPU columns (steadier on a busy machine; the JSON "
        "has all times).\n"
    )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine, "rows": rows}, f, indent=1)
        out.write(f"\nNumbers written to {args.json}\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sentences")
    s.add_argument("--docs", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("--max", type=int, default=0)
    m = sub.add_parser("measure")
    m.add_argument("metric", choices=sorted(METRICS))
    m.add_argument("--docs", required=True)
    m.add_argument("--sentences", required=True)
    m.add_argument("--repeat", type=int, default=3)
    m.add_argument("--out", required=True)
    t = sub.add_parser("time-cmd")
    t.add_argument("--repeat", type=int, default=3)
    t.add_argument("--items", type=int, required=True)
    t.add_argument("--unit", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("command", nargs=argparse.REMAINDER)
    r = sub.add_parser("report")
    r.add_argument("--results", required=True)
    r.add_argument("--json")
    r.add_argument("--machine")
    args = p.parse_args()
    {"sentences": cmd_sentences, "measure": cmd_measure, "time-cmd": cmd_time_cmd, "report": cmd_report}[
        args.cmd
    ](args)


if __name__ == "__main__":
    main()

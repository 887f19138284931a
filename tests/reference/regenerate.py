#!/usr/bin/env python3
"""Recomputes wordmill's reference ("golden") data with the reference tools and checks it.

Every expected value under tests/reference/ comes from the Python tools pinned in
requirements.txt beside this script. This program recomputes them from the inputs that are
committed with them (the texts of vader/public.jsonl, tfidf*/docs.jsonl, compare/docs.jsonl and
the options recorded in each case file) and either

  check (default)   compares every recomputed value with the committed one, and exits 1
                    listing the differences;
  --write DIR       writes a complete reference directory of the same shape into DIR (the
                    VADER traces, which need an instrumented run, are copied), which the tests
                    read with WORDMILL_REFERENCE=DIR.

Run it through regenerate.sh, which makes the virtual environment outside the repository.
"""

import argparse
import gzip
import json
import math
import os
import shutil
import sys
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def read_case(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def write_case(path, obj):
    # A fixed mtime makes the same values give the same bytes on every run.
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            gz.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


class Differences:
    """Collects differences; prints the first few of each file."""

    def __init__(self):
        self.by_file = defaultdict(list)

    def add(self, where, message):
        self.by_file[where].append(message)

    def count(self):
        return sum(len(v) for v in self.by_file.values())

    def report(self):
        for where, messages in sorted(self.by_file.items()):
            print(f"{where}: {len(messages)} difference(s)", file=sys.stderr)
            for m in messages[:10]:
                print(f"  {m}", file=sys.stderr)


def close(a, b, rel):
    if a == b:
        return True
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return False
        return abs(a - b) <= rel * max(abs(a), abs(b))
    return False


# ---------------------------------------------------------------------------------------------
# VADER


def vader_rows(rows):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyser = SentimentIntensityAnalyzer()
    out = []
    for row in rows:
        scores = analyser.polarity_scores(row["text"])
        out.append({"id": row["id"], "text": row["text"], **scores})
    return out


def check_vader(ref, diffs):
    path = os.path.join(ref, "vader", "public.jsonl")
    committed = read_jsonl(path)
    for want, got in zip(committed, vader_rows(committed)):
        for key in ("neg", "neu", "pos", "compound"):
            # VADER's values are exact: compare bit for bit.
            if want[key] != got[key]:
                diffs.add(path, f"{want['id']} {key}: committed {want[key]!r}, recomputed {got[key]!r}")
    # The trace cannot be recomputed without instrumenting vaderSentiment; check that it
    # describes the same rows and that its unrounded values round to the public ones.
    trace_path = os.path.join(ref, "vader", "public_trace.jsonl")
    trace = read_jsonl(trace_path)
    if [t["id"] for t in trace] != [r["id"] for r in committed]:
        diffs.add(trace_path, "the trace's ids differ from public.jsonl's")
    for t, r in zip(trace, committed):
        for key, digits in (("neg", 3), ("neu", 3), ("pos", 3), ("compound", 4)):
            if round(t[f"{key}_raw"], digits) != r[key]:
                diffs.add(trace_path, f"{t['id']} {key}_raw does not round to public.jsonl's {key}")
    return len(committed)


def write_vader(ref, out):
    os.makedirs(os.path.join(out, "vader"), exist_ok=True)
    committed = read_jsonl(os.path.join(ref, "vader", "public.jsonl"))
    write_jsonl(os.path.join(out, "vader", "public.jsonl"), vader_rows(committed))
    shutil.copyfile(
        os.path.join(ref, "vader", "public_trace.jsonl"),
        os.path.join(out, "vader", "public_trace.jsonl"),
    )


# ---------------------------------------------------------------------------------------------
# scikit-learn vectorizers


def vectorizer_case(options, docs):
    import numpy as np
    import sklearn
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

    kwargs = {k: v for k, v in options.items() if k not in ("class", "dtype")}
    kwargs["ngram_range"] = tuple(kwargs["ngram_range"])
    kwargs["dtype"] = np.int64 if options["dtype"] == "int64" else np.float64
    cls = CountVectorizer if options["class"] == "CountVectorizer" else TfidfVectorizer
    vec = cls(**kwargs)
    matrix = vec.fit_transform([d["text"] for d in docs]).tocsr()
    names = vec.get_feature_names_out()
    case = {
        "options": options,
        "sklearn_version": sklearn.__version__,
        "n_docs": len(docs),
        "docs": [d["id"] for d in docs],
        "vocabulary_size": len(names),
    }
    rows = {}
    for i, d in enumerate(docs):
        start, end = matrix.indptr[i], matrix.indptr[i + 1]
        cells = sorted(zip(matrix.indices[start:end], matrix.data[start:end]))
        rows[d["id"]] = {str(names[j]): v.item() for j, v in cells if v != 0}
    if cls is CountVectorizer:
        df = np.bincount(matrix.indices, minlength=len(names))
        case["df"] = {str(n): int(c) for n, c in zip(names, df)}
        case["counts"] = rows
    else:
        if options.get("use_idf", True):
            case["idf"] = {str(n): float(v) for n, v in zip(names, vec.idf_)}
        case["rows"] = rows
    return case


def compare_case(path, want, got, diffs, rel=0.0):
    for key in ("n_docs", "docs", "vocabulary_size"):
        if want.get(key) != got.get(key):
            diffs.add(path, f"{key}: committed {want.get(key)!r:.80}, recomputed {got.get(key)!r:.80}")
    for table in ("idf", "df"):
        if (table in want) != (table in got):
            diffs.add(path, f"{table}: present on one side only")
        elif table in want:
            if list(want[table]) != list(got[table]):
                diffs.add(path, f"{table}: the features or their order differ")
            for term, v in want[table].items():
                if not close(v, got[table].get(term), rel):
                    diffs.add(path, f"{table}[{term!r}]: committed {v!r}, recomputed {got[table].get(term)!r}")
    for table in ("rows", "counts"):
        if table not in want:
            continue
        for doc, cells in want[table].items():
            other = got.get(table, {}).get(doc, {})
            if list(cells) != list(other):
                diffs.add(path, f"{table}[{doc!r}]: the non-zero terms differ")
                continue
            for term, v in cells.items():
                if not close(v, other[term], rel):
                    diffs.add(path, f"{table}[{doc!r}][{term!r}]: committed {v!r}, recomputed {other[term]!r}")


def vectorizer_dirs(ref):
    return [d for d in ("tfidf", "tfidf_edge") if os.path.isdir(os.path.join(ref, d))]


def case_files(ref, sub):
    return sorted(f for f in os.listdir(os.path.join(ref, sub)) if f.endswith(".json.gz"))


def check_vectorizers(ref, diffs):
    n = 0
    for sub in vectorizer_dirs(ref):
        docs = read_jsonl(os.path.join(ref, sub, "docs.jsonl"))
        for name in case_files(ref, sub):
            path = os.path.join(ref, sub, name)
            want = read_case(path)
            # Bit for bit: the weights are summed in scikit-learn's own order here.
            compare_case(path, want, vectorizer_case(want["options"], docs), diffs)
            n += 1
    return n


def write_vectorizers(ref, out):
    for sub in vectorizer_dirs(ref):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
        shutil.copyfile(os.path.join(ref, sub, "docs.jsonl"), os.path.join(out, sub, "docs.jsonl"))
        docs = read_jsonl(os.path.join(ref, sub, "docs.jsonl"))
        for name in case_files(ref, sub):
            options = read_case(os.path.join(ref, sub, name))["options"]
            write_case(os.path.join(out, sub, name), vectorizer_case(options, docs))


# ---------------------------------------------------------------------------------------------
# Keyness (scipy) and collocations (NLTK)


def versions():
    import nltk
    import scipy
    import sklearn

    return {
        "sklearn_version": sklearn.__version__,
        "scipy_version": scipy.__version__,
        "nltk_version": nltk.__version__,
    }


def keyness_case(options, docs):
    import numpy as np
    from scipy.stats import chi2_contingency
    from sklearn.feature_extraction.text import CountVectorizer

    vec = CountVectorizer()
    matrix = vec.fit_transform([d["text"] for d in docs]).tocsr()
    names = vec.get_feature_names_out()
    labels = np.array([d["group"] for d in docs])
    groups = sorted(set(labels.tolist()))
    targets = groups if options["target"] is None else [options["target"]]
    totals, rows = {}, []
    for g in targets:
        in_target = labels == g
        a_all = np.asarray(matrix[in_target].sum(axis=0)).ravel()
        b_all = np.asarray(matrix[~in_target].sum(axis=0)).ravel()
        t, r = int(a_all.sum()), int(b_all.sum())
        totals[g] = [t, r]
        for j, name in enumerate(names):
            a, b = int(a_all[j]), int(b_all[j])
            if a + b == 0:
                continue
            table = [[a, b], [t - a, r - b]]
            chi2, chi2_p, _, _ = chi2_contingency(table, correction=True)
            g2, g2_p, _, _ = chi2_contingency(table, correction=False, lambda_="log-likelihood")
            sign = -1.0 if a < (a + b) * t / (t + r) else 1.0
            a1, b1 = (a or 0.5), (b or 0.5)
            rows.append(
                {
                    "group": g,
                    "term": str(name),
                    "target_count": a,
                    "reference_count": b,
                    "chi2": sign * float(chi2),
                    "chi2_p": float(chi2_p),
                    "g2": sign * float(g2),
                    "g2_p": float(g2_p),
                    "log_ratio": math.log2((a1 / t) / (b1 / r)),
                }
            )
    return {
        "kind": "keyness",
        "options": options,
        **versions(),
        "n_docs": len(docs),
        "groups": groups,
        "totals": totals,
        "rows": rows,
    }


def collocations_case(options, docs):
    from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder
    from sklearn.feature_extraction.text import CountVectorizer

    analyse = CountVectorizer().build_analyzer()
    finder = BigramCollocationFinder.from_documents([analyse(d["text"]) for d in docs])
    finder.apply_freq_filter(options["min_count"])
    m = BigramAssocMeasures
    total = finder.word_fd.N()
    rows = []
    for (w1, w2), count in sorted(finder.ngram_fd.items()):
        rows.append(
            {
                "w1": w1,
                "w2": w2,
                "count": count,
                "w1_count": finder.word_fd[w1],
                "w2_count": finder.word_fd[w2],
                "total": total,
                "pmi": finder.score_ngram(m.pmi, w1, w2),
                "llr": finder.score_ngram(m.likelihood_ratio, w1, w2),
                "chi2": finder.score_ngram(m.chi_sq, w1, w2),
                "t": finder.score_ngram(m.student_t, w1, w2),
            }
        )
    return {"kind": "collocations", "options": options, **versions(), "n_docs": len(docs), "rows": rows}


def compare_rows(path, want, got, diffs):
    """Counts exact, statistics within 1e-9 relative, p-values within 1e-6 relative."""
    for key in ("kind", "options", "n_docs", "groups", "totals"):
        if want.get(key) != got.get(key):
            diffs.add(path, f"{key}: committed {want.get(key)!r:.80}, recomputed {got.get(key)!r:.80}")
    if len(want["rows"]) != len(got["rows"]):
        diffs.add(path, f"rows: committed {len(want['rows'])}, recomputed {len(got['rows'])}")
    for w, g in zip(want["rows"], got["rows"]):
        for key, v in w.items():
            other = g.get(key)
            if isinstance(v, float):
                rel = 1e-6 if key.endswith("_p") else 1e-9
                tiny = key.endswith("_p") and abs(v) < 1e-290 and abs(other or 0.0) < 1e-290
                ok = tiny or close(v, float(other), rel)
            else:
                ok = v == other
            if not ok:
                label = "/".join(str(w[k]) for k in ("group", "term", "w1", "w2") if k in w)
                diffs.add(path, f"{label} {key}: committed {v!r}, recomputed {other!r}")


def compare_cases(ref):
    sub = os.path.join(ref, "compare")
    if not os.path.isdir(sub):
        return []
    return [os.path.join(sub, f) for f in case_files(ref, "compare")]


def recompute_compare(path, docs):
    want = read_case(path)
    make = keyness_case if want["kind"] == "keyness" else collocations_case
    return want, make(want["options"], docs)


def check_compare(ref, diffs):
    paths = compare_cases(ref)
    if paths:
        docs = read_jsonl(os.path.join(ref, "compare", "docs.jsonl"))
        for path in paths:
            want, got = recompute_compare(path, docs)
            compare_rows(path, want, got, diffs)
    return len(paths)


def write_compare(ref, out):
    paths = compare_cases(ref)
    if not paths:
        return
    os.makedirs(os.path.join(out, "compare"), exist_ok=True)
    shutil.copyfile(os.path.join(ref, "compare", "docs.jsonl"), os.path.join(out, "compare", "docs.jsonl"))
    docs = read_jsonl(os.path.join(ref, "compare", "docs.jsonl"))
    for path in paths:
        _, got = recompute_compare(path, docs)
        write_case(os.path.join(out, "compare", os.path.basename(path)), got)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reference", default=os.environ.get("WORDMILL_REFERENCE", HERE),
                        help="the reference directory to read (default: WORDMILL_REFERENCE or this directory)")
    parser.add_argument("--write", metavar="DIR", help="write a recomputed reference directory into DIR")
    args = parser.parse_args()
    ref = args.reference
    if args.write:
        if os.path.abspath(args.write) == os.path.abspath(ref):
            parser.error("--write must name another directory than the one it reads")
        write_vader(ref, args.write)
        write_vectorizers(ref, args.write)
        write_compare(ref, args.write)
        print(f"wrote a recomputed reference directory to {args.write}")
        return 0
    diffs = Differences()
    n_vader = check_vader(ref, diffs)
    n_vec = check_vectorizers(ref, diffs)
    n_cmp = check_compare(ref, diffs)
    if diffs.count():
        diffs.report()
        print(f"{diffs.count()} difference(s) between {ref} and the reference tools", file=sys.stderr)
        return 1
    print(
        f"{ref}: {n_vader} VADER rows, {n_vec} vectorizer cases and {n_cmp} keyness/collocation "
        "cases equal the reference tools' values"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

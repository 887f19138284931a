"""Reading e-mail and HTML: how fast Python's usual tools turn them into text, one core.

    python benches/peers/mailhtml.py [--mail DIR] [--html DIR] [--repeat K] [--json PATH]

Run it with the peers' virtual environment (benches/peers/requirements.txt pins
beautifulsoup4), for instance after benches/peers/run.sh has made it, or made by hand:

    venv=${WORDMILL_PEERS_VENV:-$HOME/.cache/wordmill-peers}
    python3 -m venv "$venv" && "$venv/bin/pip" install -r benches/peers/requirements.txt
    scripts/make-html-pages.py /tmp/wordmill-pages          # 200 news-like pages
    "$venv/bin/python" benches/peers/mailhtml.py --mail corpus/mail --html /tmp/wordmill-pages

What is measured (each best of K, in process, only the calls: the files are read into memory
first, imports and start-up are not timed):

- email: every file under --mail (recursively, but not LICENSE, NOTICE or README*; corpus/mail
  is the SpamAssassin subset, scripts/fetch-spam.sh fetches the full corpus into
  corpus/spam-full) goes through
  email.message_from_bytes(raw, policy=email.policy.default), msg.get_body(preferencelist=
  ("plain",)) and, when there is a plain part, .get_content(). A message without a plain part is
  counted and has no text; one whose get_content() raises (an unknown charset, say) is counted
  as an error. Reported as messages/s and MB/s of raw message bytes.
- html: every *.html / *.htm file under --html (recursively; scripts/make-html-pages.py writes a
  deterministic set) goes through BeautifulSoup(page, "html.parser").get_text(), the page given
  as str (decoded from UTF-8 before timing). Reported as pages/s and MB/s of page bytes.

Prints a Markdown table and, with --json, writes the numbers, the counts, the machine and the
versions as one JSON object.
"""

import argparse
import json
import os
import platform
import statistics
import sys
import time


def machine():
    info = {
        "cpu": None,
        "nproc": os.cpu_count(),
        "memory": None,
        "os": " ".join(platform.uname()[i] for i in (0, 2, 4)),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "loadavg": None,
    }
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    info["memory"] = f"{int(line.split()[1]) / 1048576:.1f} GiB"
                    break
    except OSError:
        pass
    try:
        info["loadavg"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass
    return info


def versions():
    from importlib.metadata import PackageNotFoundError, version

    out = {"email": f"standard library (Python {platform.python_version()})"}
    for name in ["beautifulsoup4", "soupsieve"]:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = None
    return out


NOT_INPUT = ("LICENSE", "NOTICE", "README")


def read_tree(top, suffixes=None):
    """(relative path, bytes) of every file under top, sorted; hidden files and the LICENSE,
    NOTICE and README* files that travel with a corpus are skipped."""
    files = []
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or name.upper().startswith(NOT_INPUT):
                continue
            if suffixes and not name.lower().endswith(suffixes):
                continue
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                files.append((os.path.relpath(path, top), f.read()))
    if not files:
        sys.exit(f"mailhtml.py: no {'/'.join(suffixes) if suffixes else ''} files under {top}")
    return files


def best_of(repeat, run):
    """Runs run() repeat times; returns (wall times, CPU times, the last result)."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu, result


def rates(metric, what, unit, items, size, times, cpu, counts, inputs):
    best = min(times)
    return {
        "metric": metric,
        "what": what,
        "unit": unit,
        "items": items,
        "bytes": size,
        "inputs": inputs,
        "counts": counts,
        "times_s": times,
        "cpu_s": cpu,
        "best_s": best,
        "median_s": statistics.median(times),
        "items_per_s": items / best,
        "items_per_s_median": items / statistics.median(times),
        "mb_per_s": size / 1e6 / best,
        "mb_per_s_median": size / 1e6 / statistics.median(times),
        "mb_per_s_cpu": size / 1e6 / max(min(cpu), 1e-9),
    }


def measure_email(top, repeat):
    import email
    import email.policy

    messages = [raw for _, raw in read_tree(top)]
    policy = email.policy.default

    def run():
        plain = no_plain = errors = chars = 0
        kinds = {}
        for raw in messages:
            msg = email.message_from_bytes(raw, policy=policy)
            body = msg.get_body(preferencelist=("plain",))
            if body is None:
                no_plain += 1
                continue
            try:
                chars += len(body.get_content())
                plain += 1
            except Exception as exc:  # noqa: BLE001 (counted, as a user's loop would)
                errors += 1
                kinds[type(exc).__name__] = kinds.get(type(exc).__name__, 0) + 1
        return {"plain": plain, "no_plain": no_plain, "errors": errors, "error_kinds": kinds, "text_chars": chars}

    times, cpu, counts = best_of(repeat, run)
    size = sum(len(m) for m in messages)
    return rates(
        "email",
        'email.message_from_bytes(policy=default) + get_body(("plain",)).get_content()',
        "messages/s",
        len(messages),
        size,
        times,
        cpu,
        counts,
        f"{len(messages)} messages, {size} bytes ({os.path.basename(os.path.normpath(top))})",
    )


def measure_html(top, repeat):
    from bs4 import BeautifulSoup

    files = read_tree(top, (".html", ".htm"))
    pages = [raw.decode("utf-8", errors="replace") for _, raw in files]

    def run():
        chars = 0
        for page in pages:
            chars += len(BeautifulSoup(page, "html.parser").get_text())
        return {"text_chars": chars}

    times, cpu, counts = best_of(repeat, run)
    size = sum(len(raw) for _, raw in files)
    return rates(
        "html",
        'BeautifulSoup(page, "html.parser").get_text()',
        "pages/s",
        len(pages),
        size,
        times,
        cpu,
        counts,
        f"{len(pages)} pages, {size} bytes ({os.path.basename(os.path.normpath(top))})",
    )


def fmt(x):
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.3g}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--mail", help="directory of raw e-mail messages, read recursively")
    p.add_argument("--html", help="directory of *.html pages, read recursively")
    p.add_argument("--repeat", type=int, default=3, help="repetitions; the best is reported (default 3)")
    p.add_argument("--json", help="also write the numbers as JSON to this path")
    args = p.parse_args()
    if not args.mail and not args.html:
        p.error("give --mail DIR, --html DIR or both")
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.html:
        try:
            import bs4  # noqa: F401
        except ImportError:
            sys.exit(
                "mailhtml.py: beautifulsoup4 is not installed; run with the peers' virtual environment "
                "(${WORDMILL_PEERS_VENV:-$HOME/.cache/wordmill-peers}/bin/python, see the top of this file)"
            )

    start_load = machine()["loadavg"]
    rows = []
    if args.mail:
        rows.append(measure_email(args.mail, args.repeat))
    if args.html:
        rows.append(measure_html(args.html, args.repeat))
    info = machine()
    info["loadavg"] = f"{start_load} at the start, {info['loadavg']} at the end"
    pkgs = versions()

    out = sys.stdout
    out.write(f"Machine: {info['cpu']}, {info['nproc']} cores, {info['memory']}; {info['os']}\n")
    out.write(f"Python {info['python']}; " + ", ".join(f"{k} {v}" for k, v in pkgs.items()) + "\n")
    out.write(f"Load average: {info['loadavg']}\n\n")
    out.write("| metric | what | inputs | items/s (best) | MB/s (best) | MB/s (CPU time) | median items/s | counts |\n")
    out.write("|---|---|---|---:|---:|---:|---:|---|\n")
    for r in rows:
        counts = ", ".join(f"{k} {v}" for k, v in r["counts"].items() if v or k != "error_kinds")
        out.write(
            f"| {r['metric']} | `{r['what']}` | {r['inputs']} | {fmt(r['items_per_s'])} {r['unit']} "
            f"| {fmt(r['mb_per_s'])} | {fmt(r['mb_per_s_cpu'])} | {fmt(r['items_per_s_median'])} | {counts} |\n"
        )
    out.write(
        f"\nBest of {args.repeat}, in process, one thread; only the calls are timed (files read into "
        "memory first). MB/s counts the raw bytes of the messages or pages.\n"
    )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "packages": pkgs, "repeat": args.repeat, "rows": rows}, f, indent=1)
        out.write(f"\nNumbers written to {args.json}\n")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Run a wordmill pipeline on a Spark cluster: map partitions, reduce states in a tree, merge.

    spark-submit [--files wordmill,PIPELINE.toml] scale/spark/wordmill_spark.py \\
        --pipeline PIPELINE.toml --out DIR \\
        [--input URI ...] [--format text|jsonl|parquet] [--text-col COL] [--id-col COL] \\
        [--partitions N] [--fan-in K] [--map-threads N] [--wordmill PATH] \\
        [--executor-wordmill PATH] [--states-dir URI]

What it does (docs/scale.md has the whole story):

1. Reads the documents with Spark from any storage Spark reads. `text`: one document per file
   (`binaryFiles`, decoded here exactly as wordmill does: BOM dropped, UTF-8 checked, `.gz`
   decompressed). `jsonl`: one record per line (`spark.read.text`, lines passed on verbatim).
   `parquet`: one record per row (`spark.read.parquet`).
2. Gives every document its position in the corpus, in the order a single `wordmill run` reads
   it: inputs in the order given; files of an input sorted by path, component by component (the
   order of wordmill's sorted directory walk); records of a file in file order. Ids are what
   the single run gives: for text files the path relative to the input's root (the directory,
   or a glob's literal leading directories, or the file name of a plain file) without `.gz` /
   `.zst` and `.txt`; for records without an id `<file id>:<line>` (Parquet: `<file id>:<row>`).
   The path `meta_from_path` is matched against is the file's path as the input was written
   (`corpus/sotu/*.txt` gives `corpus/sotu/1990_george_bush_r.txt`).
3. Pipes every partition, as JSON Lines, through `wordmill map PIPELINE --ordinal-field F
   [--path-field F]` (`rdd.pipe(..., checkCode=True)`): one state line per partition.
4. Merges the state lines in a tree: repartition to ceil(n / fan-in) partitions and pipe each
   through `wordmill reduce PIPELINE`, until one state is left.
5. Writes the report on the driver with `wordmill merge PIPELINE STATE --out DIR`.

The wordmill binary and the pipeline file reach the executors as Spark files: give them with
`spark-submit --files` (or let the job add them with `SparkContext.addFile`); in local mode the
driver's paths are used as they are. Exit status: 0 on success, 1 when the job failed, 2 on bad
usage.
"""

import argparse
import gzip
import json
import math
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

try:
    import tomllib
except ImportError:  # Python < 3.11
    tomllib = None

GLOB_META = "*?[{"
COMPRESSION_EXTENSIONS = ("gz", "zst", "zstd")
ID_EXTENSIONS = {"text": ("txt",), "jsonl": ("jsonl", "ndjson", "json"), "parquet": ("parquet",)}
# The extensions a directory input reads when `ingest.extensions` names none.
DEFAULT_EXTENSIONS = {"text": ("txt", "md"), "jsonl": ("jsonl", "json", "ndjson"), "csv": ("csv",),
                      "parquet": ("parquet",)}
BOM = "\ufeff"
# Rust's `u8::is_ascii_whitespace`: what wordmill counts as a blank JSON Lines line.
ASCII_WHITESPACE = " \t\n\r\x0c"


class JobError(Exception):
    """A failure to report in one clear line (exit status 1)."""


def log(message):
    print(f"wordmill-spark: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# The pipeline file: only the [ingest] settings the job needs to serialise documents.


def load_ingest(path):
    """The pipeline's [ingest] table as a dict, from a TOML or JSON pipeline file."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise JobError(f"{path}: cannot read the pipeline file: {e}") from e
    try:
        if path.endswith(".json"):
            doc = json.loads(raw)
        else:
            if tomllib is None:
                raise JobError("reading a TOML pipeline needs Python 3.11 or later (tomllib)")
            doc = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise JobError(f"{path}: not a valid pipeline file ({e}); run `wordmill validate {path}`") from e
    ingest = doc.get("ingest") or {}
    inputs = ingest.get("inputs") or []
    if isinstance(inputs, str):
        inputs = [inputs]
    return {
        "inputs": list(inputs),
        "format": ingest.get("format", "text"),
        "text_field": ingest.get("text_field", "text"),
        "id_field": ingest.get("id_field", "id"),
        "meta_fields": list(ingest.get("meta_fields") or []),
        "meta_from_path": bool(ingest.get("meta_from_path")),
        "extensions": ingest.get("extensions"),
        "order": ingest.get("order", "name"),
    }


# ---------------------------------------------------------------------------------------------
# Inputs: roots, relative paths and ids exactly as wordmill's resolver computes them.


def strip_extension(name, ext):
    """`name` without `.ext` (ASCII case-insensitive) unless nothing of the last component is left."""
    cut = len(name) - len(ext) - 1
    if cut <= 0 or name[cut] != "." or name[cut + 1:].lower() != ext:
        return None
    stem = name[:cut]
    return stem if stem and not stem.endswith("/") else None


def file_id(relative, fmt):
    """The document id wordmill gives a file: its relative path without compression and format extensions."""
    name = relative
    for ext in COMPRESSION_EXTENSIONS:
        stem = strip_extension(name, ext)
        if stem is not None:
            name = stem
            break
    for ext in ID_EXTENSIONS[fmt]:
        stem = strip_extension(name, ext)
        if stem is not None:
            name = stem
            break
    return name


def natural_key(name):
    """wordmill's natural order of names (`ingest.order = "natural"`): runs of ASCII digits
    compare as numbers and sort where a digit byte would; other bytes compare bytewise; names
    equal that way fall back to their bytes."""
    raw = name.encode("utf-8", "surrogateescape")
    tokens, i = [], 0
    while i < len(raw):
        if 0x30 <= raw[i] <= 0x39:
            j = i
            while j < len(raw) and 0x30 <= raw[j] <= 0x39:
                j += 1
            digits = raw[i:j].lstrip(b"0")
            tokens.append((0x30, 1, len(digits), digits))
            i = j
        else:
            tokens.append((raw[i], 0, 0, b""))
            i += 1
    return (tuple(tokens), raw)


def sort_key(index, relative, natural=False):
    """Inputs in order; within one, by path component by component, bytewise (a sorted walk),
    or in natural order."""
    if natural:
        return (index, tuple(natural_key(c) for c in relative.split("/")))
    return (index, tuple((c.encode("utf-8", "surrogateescape"),) for c in relative.split("/")))


def admitted(relative, extensions):
    """Whether a directory input reads this file: its extension (before any compression
    extension) is one of `extensions`, or `extensions` holds `*`."""
    wanted = [e.lstrip(".").lower() for e in extensions]
    if "*" in wanted:
        return True
    name = relative
    for ext in COMPRESSION_EXTENSIONS:
        stem = strip_extension(name, ext)
        if stem is not None:
            name = stem
            break
    return any(strip_extension(name, ext) is not None for ext in wanted)


class Input:
    """One input as written (a file, a directory or a glob) and how its files are named."""

    def __init__(self, spark, index, written, ingest=None, fmt="text"):
        self.index = index
        self.written = written
        ingest = ingest or {}
        self.extensions = ingest.get("extensions") or DEFAULT_EXTENSIONS.get(fmt, ("*",))
        self.natural = ingest.get("order") == "natural"
        slashed = written.replace("\\", "/")
        parts = slashed.split("/")
        literal = 0
        while literal < len(parts) and not any(c in parts[literal] for c in GLOB_META):
            literal += 1
        jvm = spark._jvm
        conf = spark._jsc.hadoopConfiguration()
        self.depth = None  # files exactly this deep below the root (globs without `**`)
        self.show_hidden = False
        if literal < len(parts):
            prefix = "/".join(parts[:literal])
            rest = parts[literal:]
            if literal == 0:
                root = "."
                self.display_prefix = ""
            else:
                root = prefix if prefix else "/"
                self.display_prefix = prefix + "/"
            if "**" not in "/".join(rest):
                self.depth = len(rest)
            self.show_hidden = any(p.startswith(".") for p in rest)
            self.kind = "glob"
        else:
            path = jvm.org.apache.hadoop.fs.Path(written)
            fs = path.getFileSystem(conf)
            try:
                status = fs.getFileStatus(path)
            except Exception as e:  # py4j wraps FileNotFoundException
                raise JobError(f"input {written!r}: no such file or directory ({str(e).splitlines()[0]})") from None
            if status.isDirectory():
                self.kind = "dir"
                root = written
                self.display_root = slashed.rstrip("/")
            else:
                self.kind = "file"
                root = written
        path = jvm.org.apache.hadoop.fs.Path(root)
        qualified = path.getFileSystem(conf).makeQualified(path)
        # Path.toString(): the form binaryFiles keys and decoded _metadata paths take.
        self.root = qualified.toString().rstrip("/")

    def key(self, relative):
        """Where a file of this input comes in the corpus."""
        return sort_key(self.index, relative, self.natural)

    def locate(self, full):
        """(relative path, display path) of a file Spark listed for this input, or None to drop it."""
        if self.kind == "file":
            if full.rstrip("/") != self.root:
                return None
            return full.rsplit("/", 1)[-1], self.written.replace("\\", "/")
        if not full.startswith(self.root + "/"):
            return None
        relative = full[len(self.root) + 1:]
        components = relative.split("/")
        if self.depth is not None and len(components) != self.depth:
            return None  # a directory matched by the glob: wordmill reads only files it matches
        if not self.show_hidden and any(c.startswith(".") for c in components):
            return None
        if self.kind == "dir" and not admitted(relative, self.extensions):
            return None  # another format's file: a directory input leaves it out
        if self.kind == "glob":
            return relative, self.display_prefix + relative
        if self.display_root == ".":
            return relative, relative
        if self.display_root == "":
            return relative, "/" + relative
        return relative, f"{self.display_root}/{relative}"


def locate(inputs, full):
    """The first input that lists `full`: (input index, relative, display), or None."""
    for inp in inputs:
        found = inp.locate(full)
        if found is not None:
            return (inp.index,) + found
    return None


# ---------------------------------------------------------------------------------------------
# Documents as `wordmill map` reads them.


def decode_text_file(name, data):
    """The text of one text-format file, as wordmill reads it, or None if it is not UTF-8."""
    lower = name.lower()
    if lower.endswith(".gz"):
        data = gzip.decompress(data)
    elif lower.endswith(".zst") or lower.endswith(".zstd"):
        try:
            import zstandard  # optional; only needed for .zst inputs
        except ImportError:
            raise RuntimeError(f"{name}: reading .zst files needs the Python package `zstandard` on the executors")
        data = zstandard.ZstdDecompressor().decompressobj().decompress(data)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def lookup(value, path):
    """wordmill's field lookup: the key as written, else a dotted path through objects and arrays."""
    if isinstance(value, dict) and path in value:
        return True, value[path]
    current = value
    for part in path.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and re.fullmatch(r"\+?[0-9]+", part) and int(part) < len(current):
            current = current[int(part)]
        else:
            return False, None
    return True, current


def splice(line, extra):
    """Adds `"key": value` members to the JSON object on `line`, leaving the rest byte for byte."""
    body = line.rstrip(ASCII_WHITESPACE)
    if not body.endswith("}"):
        return line  # not an object: wordmill map skips (or fails on) it, as a single run does
    head = body[:-1]
    members = ",".join(json.dumps(k, ensure_ascii=False) + ":" + json.dumps(v, ensure_ascii=False) for k, v in extra)
    sep = "" if head.rstrip(ASCII_WHITESPACE).endswith("{") else ","
    return head + sep + members + "}"


def field_names(ingest):
    """Names for the position and path fields that clash with none of the pipeline's fields."""
    taken = {ingest["text_field"], ingest["id_field"], *ingest["meta_fields"]}
    names = []
    for base in ("pos", "path"):
        name = base
        while name in taken:
            name = "_" + name
        taken.add(name)
        names.append(name)
    return names


def json_value(v):
    """A Parquet cell as a JSON value wordmill reads as metadata."""
    if v is None or isinstance(v, (str, bool, int, float)):
        return v
    if hasattr(v, "isoformat"):
        return v.isoformat()
    if isinstance(v, (bytes, bytearray)):
        return v.decode("utf-8", "replace")
    if hasattr(v, "asDict"):
        return {k: json_value(x) for k, x in v.asDict().items()}
    if isinstance(v, (list, tuple)):
        return [json_value(x) for x in v]
    if isinstance(v, dict):
        return {str(k): json_value(x) for k, x in v.items()}
    return str(v)


# ---------------------------------------------------------------------------------------------
# Reading: an RDD of JSON lines, each with its position in the corpus.


def text_documents(spark, inputs, ingest, names, partitions):
    """Text files: one document per file, sorted like the single run, numbered with zipWithIndex."""
    sc = spark.sparkContext
    pos_field, path_field = names
    text_field, id_field = ingest["text_field"], ingest["id_field"]
    with_path = ingest["meta_from_path"]
    tagged = []
    for inp in inputs:
        def keyed(pair, inp=inp):
            found = inp.locate(pair[0])
            if found is None:
                return []
            relative, display = found
            return [(pair[0], (inp.key(relative), relative, display, pair[1]))]
        tagged.append(sc.binaryFiles(inp.written).flatMap(keyed))
    files = tagged[0] if len(tagged) == 1 else sc.union(tagged)
    if len(inputs) > 1:  # a file listed by several inputs is read once, for the first
        files = files.reduceByKey(lambda a, b: a if a[0] <= b[0] else b)
    ordered = files.map(lambda kv: (kv[1][0], kv[1][1:])).sortByKey(numPartitions=partitions)

    def document(item):
        (_, (relative, display, data)), pos = item
        text = decode_text_file(relative, data)
        if text is None:
            # Not UTF-8: a line wordmill map rejects, so the record is skipped (or the run
            # fails, with on_error = "fail") and counted as a single run counts it.
            return f"invalid UTF-8 in {display} (expected UTF-8 text)"
        doc = {id_field: file_id(relative, "text"), text_field: text, pos_field: pos}
        if with_path:
            doc[path_field] = display
        return json.dumps(doc, ensure_ascii=False)

    return ordered.zipWithIndex().map(document)


def split_offsets(spark, df, inputs):
    """For a file-scan DataFrame with columns f (file) and b (split start): each split's first
    position in the corpus and first line in its file, and each file's (relative, display).

    Spark packs file splits into partitions by size, not in file order, so instead of sorting
    the records this counts each split's records (a small aggregate), orders the splits like the
    single run orders files, and hands each split its offset: the same numbering zipWithIndex
    gives, without a shuffle of the documents."""
    def count(rows):
        tally = {}
        for f, b in rows:
            tally[(f, b)] = tally.get((f, b), 0) + 1
        return tally.items()

    counts = {}
    for key, n in df.select("f", "b").rdd.map(tuple).mapPartitions(count).collect():
        counts[key] = counts.get(key, 0) + n
    jvm = spark._jvm
    files = {}
    for f, _ in counts:
        if f not in files:
            decoded = jvm.org.apache.hadoop.fs.Path(jvm.java.net.URI(f)).toString()
            files[f] = locate(inputs, decoded)
    splits = sorted(
        ((inputs[files[f][0]].key(files[f][1]), b, f, n) for (f, b), n in counts.items() if files[f]),
        key=lambda t: (t[0], t[1]),
    )
    offsets, pos, line, current = {}, 0, 0, None
    for _, b, f, n in splits:
        if f != current:
            current, line = f, 0
        offsets[(f, b)] = (pos, line)
        pos += n
        line += n
    located = {f: found[1:] for f, found in files.items() if found}
    return offsets, located


def jsonl_documents(spark, inputs, ingest, names, partitions):
    """JSON Lines: every line passed on verbatim, with its position (and id or path) added."""
    from pyspark.sql import functions as F

    reader = spark.read.option("lineSep", "\n").option("recursiveFileLookup", "true")
    df = reader.text([i.written for i in inputs]).select(
        "value", F.col("_metadata.file_path").alias("f"), F.col("_metadata.file_block_start").alias("b")
    )
    offsets, located = split_offsets(spark, df, inputs)
    bc = spark.sparkContext.broadcast((offsets, located))
    pos_field, path_field = names
    id_field, with_path = ingest["id_field"], ingest["meta_from_path"]

    def documents(rows):
        offsets, located = bc.value
        seen = {}
        for value, f, b in rows:
            if f not in located:
                continue
            i = seen.get((f, b), 0)
            seen[(f, b)] = i + 1
            first_pos, first_line = offsets[(f, b)]
            line_no = first_line + i + 1
            if line_no == 1 and value.startswith(BOM):
                value = value[1:]
            if value.strip(ASCII_WHITESPACE) == "":
                continue  # wordmill skips blank lines
            extra = [(pos_field, first_pos + i)]
            relative, display = located[f]
            try:
                record = json.loads(value)
            except ValueError:
                record = None
            if isinstance(record, dict):
                found, doc_id = lookup(record, id_field)
                if not found or doc_id is None:
                    extra.append((id_field, f"{file_id(relative, 'jsonl')}:{line_no}"))
            if with_path:
                extra.append((path_field, display))
            yield splice(value, extra)

    docs = df.rdd.map(tuple).mapPartitions(documents)
    return docs.repartition(partitions) if partitions else docs


def parquet_documents(spark, inputs, ingest, names, partitions, text_col, id_col):
    """Parquet: one document per row; the text and id columns, the pipeline's meta_fields."""
    from pyspark.sql import functions as F

    df = spark.read.option("recursiveFileLookup", "true").parquet(*[i.written for i in inputs])
    text_col = text_col or ingest["text_field"]
    id_col = id_col or ingest["id_field"]
    columns = set(df.columns)
    if text_col not in columns:
        raise JobError(f"Parquet input has no column {text_col!r} for the text (columns: {', '.join(sorted(columns))}); give --text-col")
    meta = [m for m in ingest["meta_fields"] if m in columns]
    picked = [text_col] + ([id_col] if id_col in columns else []) + [m for m in meta if m not in (text_col, id_col)]
    df = df.select(
        *[F.col(f"`{c}`") for c in picked],
        F.col("_metadata.file_path").alias("f"),
        F.col("_metadata.file_block_start").alias("b"),
    )
    offsets, located = split_offsets(spark, df, inputs)
    bc = spark.sparkContext.broadcast((offsets, located))
    pos_field, path_field = names
    text_field, id_field, with_path = ingest["text_field"], ingest["id_field"], ingest["meta_from_path"]
    has_id = id_col in columns

    def documents(rows):
        offsets, located = bc.value
        seen = {}
        for row in rows:
            f, b = row["f"], row["b"]
            if f not in located:
                continue
            i = seen.get((f, b), 0)
            seen[(f, b)] = i + 1
            first_pos, first_row = offsets[(f, b)]
            relative, display = located[f]
            doc = {m: json_value(row[m]) for m in meta if row[m] is not None}
            doc_id = row[id_col] if has_id else None
            doc[id_field] = json_value(doc_id) if doc_id is not None else f"{file_id(relative, 'parquet')}:{first_row + i + 1}"
            doc[text_field] = row[text_col]
            doc[pos_field] = first_pos + i
            if with_path:
                doc[path_field] = display
            yield json.dumps(doc, ensure_ascii=False)

    docs = df.rdd.mapPartitions(documents)
    return docs.repartition(partitions) if partitions else docs


# ---------------------------------------------------------------------------------------------
# The job.


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="wordmill_spark.py",
        description="Run a wordmill pipeline on Spark: wordmill map per partition, wordmill reduce in a tree, wordmill merge on the driver.",
    )
    p.add_argument("--pipeline", required=True, help="the pipeline file (TOML or JSON)")
    p.add_argument("--input", action="append", dest="inputs", metavar="URI",
                   help="files, directories or globs Spark reads (repeatable; default: the pipeline's ingest.inputs)")
    p.add_argument("--format", choices=["text", "jsonl", "parquet"], help="default: the pipeline's ingest.format")
    p.add_argument("--text-col", help="Parquet: the text column (default: the pipeline's text_field)")
    p.add_argument("--id-col", help="Parquet: the id column (default: the pipeline's id_field)")
    p.add_argument("--partitions", type=int, help="map partitions (default: as Spark reads the input)")
    p.add_argument("--fan-in", type=int, default=8, help="states merged per reduce task (default 8)")
    p.add_argument("--map-threads", type=int, help="threads of each wordmill map (default: spark.task.cpus)")
    p.add_argument("--wordmill", help="the wordmill binary on the driver (default: shipped with --files, else on PATH)")
    p.add_argument("--executor-wordmill", metavar="PATH",
                   help="the wordmill binary as installed on every executor (default: ship the driver's with SparkContext.addFile)")
    p.add_argument("--out", required=True, help="the report directory (on the driver)")
    p.add_argument("--states-dir", metavar="URI", help="also save the map states and the final state here (saveAsTextFile)")
    args = p.parse_args(argv)
    for name in ("partitions", "fan_in", "map_threads"):
        v = getattr(args, name)
        if v is not None and v < (2 if name == "fan_in" else 1):
            p.error(f"--{name.replace('_', '-')} must be at least {2 if name == 'fan_in' else 1}")
    return args


def driver_wordmill(args):
    if args.wordmill:
        found = args.wordmill if "/" in args.wordmill else shutil.which(args.wordmill)
        if not found or not os.path.isfile(found):
            raise JobError(f"--wordmill {args.wordmill}: no such file")
        return os.path.abspath(found)
    try:
        from pyspark import SparkFiles
        shipped = SparkFiles.get("wordmill")
        if os.path.isfile(shipped):
            return shipped
    except Exception:
        pass
    found = shutil.which("wordmill")
    if not found:
        raise JobError("no wordmill binary: give --wordmill PATH, ship it with spark-submit --files, or put it on PATH")
    return os.path.abspath(found)


def executor_path(sc, local_path, override=None):
    """How executors reach a driver file: the same path in local mode, else a shipped copy in
    the task's working directory (from --files, or added here with SparkContext.addFile)."""
    if override:
        return override
    if sc.master.startswith("local"):
        return local_path
    name = os.path.basename(local_path)
    shipped = {u.rstrip("/").rsplit("/", 1)[-1].split("#")[0] for u in sc.getConf().get("spark.files", "").split(",") if u}
    if name not in shipped:
        sc.addFile(local_path)
    return "./" + name


def spark_failure(e):
    """One readable line from a Spark/py4j exception."""
    text = str(e)
    m = re.search(r"Pipe function `([^`]*)' exited with error code (\d+)", text)
    if m:
        return f"`{m.group(1)}` exited with status {m.group(2)} on an executor (its message is in the executor's stderr)"
    for line in text.splitlines():
        if "Error" in line or "Exception" in line:
            return line.strip()[:500]
    return text.splitlines()[0][:500] if text else type(e).__name__


def run(args):
    from pyspark.sql import SparkSession

    ingest = load_ingest(args.pipeline)
    fmt = args.format or ingest["format"]
    if fmt not in ("text", "jsonl", "parquet"):
        raise JobError(f"format {fmt!r} is not supported on Spark; give --format text, jsonl or parquet")
    if fmt != "parquet" and (args.text_col or args.id_col):
        raise JobError("--text-col and --id-col apply to Parquet; for JSON Lines the pipeline's text_field and id_field are used, as in a single run")
    written = args.inputs or ingest["inputs"]
    if not written:
        raise JobError("no input: give --input or set ingest.inputs in the pipeline")
    if "-" in written:
        raise JobError("standard input (`-`) cannot be read by Spark; give files, directories or globs")

    pipeline = os.path.abspath(args.pipeline)
    spark = SparkSession.builder.appName(f"wordmill {os.path.basename(pipeline)}").getOrCreate()
    sc = spark.sparkContext
    sc.setLogLevel("ERROR")
    sc._jsc.hadoopConfiguration().set("mapreduce.input.fileinputformat.input.dir.recursive", "true")
    started = time.monotonic()
    try:
        wordmill = driver_wordmill(args)  # after the context exists, so SparkFiles can find it
        size, levels, mapped = analyse(args, spark, ingest, fmt, written, wordmill, pipeline)
    finally:
        spark.stop()
    log(f"{len(written)} input(s), {fmt}; map + {levels} reduce level(s) in {mapped - started:.1f} s; "
        f"merged state {size} bytes; report in {args.out} ({time.monotonic() - started:.1f} s)")


def analyse(args, spark, ingest, fmt, written, wordmill, pipeline):
    """Map, reduce and merge; returns (merged state bytes, reduce levels, time the state was ready)."""
    sc = spark.sparkContext
    try:
        inputs = [Input(spark, i, w, ingest, fmt) for i, w in enumerate(dict.fromkeys(written))]
        names = field_names(ingest)
        if fmt == "text":
            docs = text_documents(spark, inputs, ingest, names, args.partitions)
        elif fmt == "jsonl":
            docs = jsonl_documents(spark, inputs, ingest, names, args.partitions)
        else:
            docs = parquet_documents(spark, inputs, ingest, names, args.partitions, args.text_col, args.id_col)

        exe = executor_path(sc, wordmill, args.executor_wordmill)
        exe_pipeline = executor_path(sc, pipeline)
        threads = args.map_threads or int(sc.getConf().get("spark.task.cpus", "1"))
        map_cmd = [exe, "map", exe_pipeline, "--ordinal-field", names[0], "--threads", str(threads)]
        if ingest["meta_from_path"]:
            map_cmd += ["--path-field", names[1]]
        reduce_cmd = shlex.join([exe, "reduce", exe_pipeline])

        states = docs.pipe(shlex.join(map_cmd), checkCode=True).persist()
        n = states.getNumPartitions()
        if args.states_dir:
            states.saveAsTextFile(args.states_dir.rstrip("/") + "/map")
        levels = 0
        while n > 1:
            n = math.ceil(n / args.fan_in)
            states = states.repartition(n).pipe(reduce_cmd, checkCode=True)
            levels += 1
        if args.states_dir:
            states = states.persist()
            states.saveAsTextFile(args.states_dir.rstrip("/") + "/final")
        lines = [line for line in states.toLocalIterator() if line.strip()]
        if len(lines) != 1:
            raise JobError(f"expected one merged state, got {len(lines)} lines")
        mapped = time.monotonic()
    except JobError:
        raise
    except Exception as e:  # py4j / PySpark errors: one line, not a stack trace
        raise JobError(spark_failure(e)) from None

    with tempfile.TemporaryDirectory(prefix="wordmill-spark-") as tmp:
        state_file = os.path.join(tmp, "merged.state")
        with open(state_file, "w", encoding="utf-8") as f:
            f.write(lines[0] + "\n")
        size = os.path.getsize(state_file)
        res = subprocess.run([wordmill, "merge", pipeline, state_file, "--out", args.out, "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if res.returncode != 0:
            raise JobError(f"wordmill merge failed (status {res.returncode}): {res.stderr.strip()}")
    return size, levels, mapped


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        run(args)
    except JobError as e:
        log(f"error: {e}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

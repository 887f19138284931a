#!/usr/bin/env python3
# Draws the mail test corpus, corpus/mail/ham/ and corpus/mail/spam/ (240 raw RFC 822 messages,
# about 1.4 MB), from the full SpamAssassin corpus that scripts/fetch-spam.sh puts in
# corpus/spam-full/, and prints what the subset holds (months of the Date: headers, MIME kinds,
# size). The choice depends on nothing but the full corpus, so it is the same on every machine.
#
#   scripts/fetch-spam.sh                       # once: the full corpus into corpus/spam-full
#   scripts/make-mail-subset.py                 # rewrites corpus/mail/{ham,spam}
#   scripts/make-mail-subset.py --check         # only checks that corpus/mail is that subset
#   scripts/make-mail-subset.py [--src DIR] [--dest DIR]
#
# Rule: for a group of N messages of which K are taken, the file names (ID.MD5) are sorted and
# the one at position i*(N//K) + (N//K)//2 is taken, for i = 0..K-1 (every (N//K)-th message,
# from the middle of the first stride). A taken message larger than 32 KiB is replaced by the
# next one in sorted order that is not, to keep the corpus small. K per group:
#
#   ham   easy-ham-1 55, easy-ham-2 45, hard-ham-1 20       = 120
#   spam  spam-1 40, spam-2 80                              = 120
#
# Files keep their names (ID.MD5) and bytes. IDs repeat across groups but the MD5s do not, so the
# names in ham/ and spam/ are unique. Standard library only.
import argparse
import collections
import email
import email.policy
import email.utils
import os
import sys

PLAN = {
    "ham": [("easy-ham-1", 55), ("easy-ham-2", 45), ("hard-ham-1", 20)],
    "spam": [("spam-1", 40), ("spam-2", 80)],
}
MAX_BYTES = 32 * 1024
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def is_message_name(name):
    ident, _, md5 = name.partition(".")
    return len(ident) == 5 and ident.isdigit() and len(md5) == 32 and all(c in "0123456789abcdef" for c in md5)


def select(folder, count):
    names = sorted(n for n in os.listdir(folder) if is_message_name(n))
    if len(names) < count:
        sys.exit(f"make-mail-subset: {folder} has {len(names)} messages, {count} wanted")
    stride = len(names) // count
    chosen = []
    for i in range(count):
        j = i * stride + stride // 2
        while os.path.getsize(os.path.join(folder, names[j])) > MAX_BYTES or names[j] in chosen:
            j += 1
            if j == len(names):
                sys.exit(f"make-mail-subset: {folder}: no message of at most {MAX_BYTES} bytes left")
        chosen.append(names[j])
    return chosen


def describe(raw):
    """(year-month of the Date: header or None, set of MIME kinds) of a raw message."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    try:
        date = email.utils.parsedate_to_datetime(msg["Date"])
        month = f"{date.year:04d}-{date.month:02d}"
    except (TypeError, ValueError):
        month = None
    kinds, types = set(), set()
    if msg.is_multipart():
        kinds.add("multipart")
    for part in msg.walk():
        if part.is_multipart():
            continue
        encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
        if encoding in ("quoted-printable", "base64"):
            kinds.add(encoding)
        types.add(part.get_content_type())
        charset = part.get_content_charset()
        if charset and charset not in ("us-ascii", "ascii"):
            kinds.add("charset other than US-ASCII")
    if "text/plain" not in types:
        kinds.add("no text/plain part")
        if "text/html" in types:
            kinds.add("HTML only")
    if any(b > 127 for b in raw):
        kinds.add("8-bit bytes")
    return month, kinds


def main():
    p = argparse.ArgumentParser(description="Draws corpus/mail from corpus/spam-full (see the comment at the top).")
    p.add_argument("--src", default=os.path.join(ROOT, "corpus", "spam-full"))
    p.add_argument("--dest", default=os.path.join(ROOT, "corpus", "mail"))
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 unless DEST holds exactly the subset")
    args = p.parse_args()
    if not os.path.isdir(args.src):
        sys.exit(f"make-mail-subset: {args.src} not found (scripts/fetch-spam.sh fetches it)")

    problems = []
    total = 0
    for cls, groups in PLAN.items():
        out = os.path.join(args.dest, cls)
        wanted = {}
        for group, count in groups:
            folder = os.path.join(args.src, group)
            for name in select(folder, count):
                with open(os.path.join(folder, name), "rb") as f:
                    wanted[name] = (group, f.read())
        present = set(n for n in os.listdir(out) if is_message_name(n)) if os.path.isdir(out) else set()
        if args.check:
            for name in sorted(present - set(wanted)):
                problems.append(f"{cls}/{name} is not in the subset")
            for name, (_, raw) in sorted(wanted.items()):
                try:
                    with open(os.path.join(out, name), "rb") as f:
                        if f.read() != raw:
                            problems.append(f"{cls}/{name} differs")
                except FileNotFoundError:
                    problems.append(f"{cls}/{name} is missing")
        else:
            os.makedirs(out, exist_ok=True)
            for name in present - set(wanted):
                os.remove(os.path.join(out, name))
            for name, (_, raw) in wanted.items():
                with open(os.path.join(out, name), "wb") as f:
                    f.write(raw)

        months, kinds, per_group = collections.Counter(), collections.Counter(), collections.Counter()
        size = 0
        for name, (group, raw) in wanted.items():
            month, k = describe(raw)
            months[month or "no date"] += 1
            kinds.update(k)
            per_group[group] += 1
            size += len(raw)
        total += size
        print(f"{cls}: {len(wanted)} messages, {size:,} bytes ({', '.join(f'{g} {n}' for g, n in per_group.items())})")
        print("  months: " + ", ".join(f"{m} {n}" for m, n in sorted(months.items())))
        print("  kinds:  " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    print(f"total: {total:,} bytes")
    if args.check:
        for problem in problems:
            print(f"make-mail-subset: {problem}", file=sys.stderr)
        if problems:
            sys.exit(1)
        print(f"make-mail-subset: {args.dest} holds exactly the subset")


if __name__ == "__main__":
    main()

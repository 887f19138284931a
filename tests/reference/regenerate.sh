#!/usr/bin/env bash
# Recomputes the reference data in this directory with the pinned Python tools and checks it
# (or, with --write DIR, writes a recomputed copy); see README.md. The tools are installed
# (requirements.txt) into a virtual environment outside the repository:
# ${WORDMILL_REFERENCE_VENV:-$HOME/.cache/wordmill/reference-venv}. Needs python3 with venv and
# access to PyPI the first time.
#
# Usage: tests/reference/regenerate.sh [--reference DIR] [--write DIR]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
venv=${WORDMILL_REFERENCE_VENV:-$HOME/.cache/wordmill/reference-venv}

case "$venv/" in
    "$root"/*)
        echo "regenerate.sh: the virtual environment must be outside the repository (WORDMILL_REFERENCE_VENV=$venv)" >&2
        exit 2
        ;;
esac

if [ ! -x "$venv/bin/python" ]; then
    echo "regenerate.sh: creating the virtual environment $venv" >&2
    python3 -m venv "$venv"
fi
want=$(sha1sum "$here/requirements.txt" | cut -d' ' -f1)
if [ "$(cat "$venv/.wordmill-requirements" 2>/dev/null)" != "$want" ]; then
    echo "regenerate.sh: installing the reference tools (requirements.txt)" >&2
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
    echo "$want" >"$venv/.wordmill-requirements"
fi
exec "$venv/bin/python" "$here/regenerate.py" "$@"

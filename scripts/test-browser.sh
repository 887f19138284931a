#!/usr/bin/env bash
# Opens the HTML reports of the example pipelines in headless Chromium: each page must load
# without console errors, draw its charts (SVG elements with shapes in them) and lay out their
# text cleanly (every <text> inside its <svg>, no two unrotated texts of a chart overlapping,
# measured by the browser in a copy of the page with scripts/browser/layout-check.html
# appended). Saves a screenshot per page; those of belarus-sentiment and sotu-sentiment go to
# docs/screenshots/.
#
# Negative checks run first: a page that calls console.error, and one with a label past its
# chart's edge, must be reported as failing, which proves those checks work.
#
# Usage: scripts/test-browser.sh [PIPELINE...]   (default: the sentiment and terms examples)
# Env:   WORDMILL=path/to/wordmill (default: build with cargo), KEEP=1 keeps the temp dir.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "installing Debian's chromium" >&2
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "chromium is not installed and this is not root: apt-get install chromium" >&2
        exit 1
    fi
fi

if [ -z "${WORDMILL:-}" ]; then
    cargo build --quiet --bin wordmill
    WORDMILL="${CARGO_TARGET_DIR:-target}/debug/wordmill"
fi

work=$(mktemp -d)
if [ -z "${KEEP:-}" ]; then trap 'rm -rf "$work"' EXIT; else echo "keeping $work" >&2; fi

pipelines=("$@")
if [ ${#pipelines[@]} -eq 0 ]; then
    pipelines=(pipelines/belarus-sentiment.toml pipelines/sotu-sentiment.toml pipelines/sotu-terms.toml pipelines/sklearn-compat.toml pipelines/mail-trends.toml pipelines/belarus-trends.toml)
fi

MIN_SHAPES=${MIN_SHAPES:-20}
passed=0
failed=0

# chromium_run OUT_PREFIX URL: screenshot, DOM dump and console log of one page.
chromium_run() {
    local prefix=$1 url=$2 profile
    local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
        --disable-background-networking --disable-component-update --disable-sync
        --hide-scrollbars --enable-logging=stderr --v=0)
    profile=$(mktemp -d "$work/profile.XXXX")
    timeout 120 chromium "${flags[@]}" --user-data-dir="$profile" --window-size=1280,2400 \
        --screenshot="$prefix.png" "$url" >/dev/null 2>"$prefix.shot.log" || true
    profile=$(mktemp -d "$work/profile.XXXX")
    timeout 120 chromium "${flags[@]}" --user-data-dir="$profile" \
        --dump-dom "$url" >"$prefix.dom.html" 2>"$prefix.log" || true
}

# layout_run OUT_PREFIX FILE: the layout check's verdict on a copy of the page at FILE, in
# OUT_PREFIX.layout (its first line `layout-problems: N`, then the first problems).
layout_run() {
    local prefix=$1 file=$2 profile
    local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
        --disable-background-networking --disable-component-update --disable-sync)
    awk -v f="$root/scripts/browser/layout-check.html" \
        '/<\/body>/ { while ((getline l < f) > 0) print l; close(f) } { print }' \
        "$file" >"$prefix.layout.html"
    profile=$(mktemp -d "$work/profile.XXXX")
    timeout 120 chromium "${flags[@]}" --user-data-dir="$profile" \
        --dump-dom "file://$prefix.layout.html" 2>/dev/null |
        sed -n '/<pre id="wordmill-layout">/,/<\/pre>/p' |
        sed -e 's/.*<pre id="wordmill-layout">//' -e 's#</pre>.*##' >"$prefix.layout" || true
}

# layout_problems OUT_PREFIX: empty when the layout check ran and found nothing.
layout_problems() {
    local prefix=$1 count
    if [ ! -s "$prefix.layout" ]; then
        echo "the layout check did not run"
        return
    fi
    count=$(sed -n 's/^layout-problems: \([0-9]*\)$/\1/p' "$prefix.layout" | head -1)
    if [ -z "$count" ]; then
        echo "the layout check did not run"
    elif [ "$count" -gt 0 ]; then
        echo "$count text layout problems: $(tail -n +2 "$prefix.layout" | head -3 | tr '\n' ';')"
    fi
}

# check NAME PREFIX: one line, PASS or FAIL with the reasons.
check() {
    local name=$1 prefix=$2 reasons=() svgs shapes errors layout
    svgs=$(grep -o '<svg' "$prefix.dom.html" | wc -l || true)
    shapes=$(grep -oE '<(rect|path|circle|line|polyline|polygon)[ />]' "$prefix.dom.html" | wc -l || true)
    # Chromium logs every console message and uncaught exception as a `:CONSOLE` line; the
    # report has no script, so any such line is an error.
    errors=$(grep -hE ':CONSOLE[:(]|Uncaught' "$prefix.log" "$prefix.shot.log" || true)
    [ -s "$prefix.dom.html" ] || reasons+=("empty DOM")
    [ "$svgs" -ge 1 ] || reasons+=("no <svg>")
    [ "$shapes" -ge "$MIN_SHAPES" ] || reasons+=("only $shapes chart shapes (< $MIN_SHAPES)")
    [ -z "$errors" ] || reasons+=("console errors: $(echo "$errors" | head -3 | tr '\n' ' ')")
    [ -s "$prefix.png" ] || reasons+=("no screenshot")
    layout=$(layout_problems "$prefix")
    [ -z "$layout" ] || reasons+=("$layout")
    if [ ${#reasons[@]} -eq 0 ]; then
        echo "PASS $name: $svgs charts, $shapes shapes, no console errors, text inside its charts"
        return 0
    fi
    echo "FAIL $name: ${reasons[*]}"
    return 1
}

# Negative checks: the console check must catch console.error, the layout check a label past
# its chart's edge.
chromium_run "$work/negative" "file://$root/scripts/browser/console-error.html"
negative=$(check negative-check "$work/negative" || true)
if [[ $negative != *"console errors"* ]]; then
    echo "FAIL negative-check: a page calling console.error was not caught"
    failed=$((failed + 1))
else
    echo "PASS negative-check: a page calling console.error is reported as failing"
    passed=$((passed + 1))
fi
layout_run "$work/overflow" "$root/scripts/browser/overflow.html"
overflow=$(layout_problems "$work/overflow")
if [[ $overflow != *"overflows its chart"* || $overflow != *"overlaps"* ]]; then
    echo "FAIL layout-negative-check: a label past its chart's edge was not caught (${overflow:-no problem found})"
    failed=$((failed + 1))
else
    echo "PASS layout-negative-check: a label past its chart's edge is reported as failing"
    passed=$((passed + 1))
fi

for pipeline in "${pipelines[@]}"; do
    name=$(basename "$pipeline" .toml)
    out="$work/out-$name"
    # Ask for html whatever the pipeline's formats say (a copy beside the original keeps its
    # relative input paths).
    copy="$(dirname "$pipeline")/.browser-$name.toml"
    sed -E 's/^formats *= *\[.*\]/formats = ["json", "csv", "md", "html"]/' "$pipeline" >"$copy"
    if ! "$WORDMILL" run "$copy" --out "$out" --quiet >"$work/$name.run.log" 2>&1; then
        rm -f "$copy"
        if grep -q 'unknown format "html"' "$work/$name.run.log"; then
            echo "FAIL $name: this wordmill binary has no html output yet"
        else
            echo "FAIL $name: wordmill run failed: $(head -3 "$work/$name.run.log" | tr '\n' ' ')"
        fi
        failed=$((failed + 1))
        continue
    fi
    rm -f "$copy"
    if [ ! -s "$out/report.html" ]; then
        echo "FAIL $name: no report.html in the output (is html wired into the pipeline?)"
        failed=$((failed + 1))
        continue
    fi
    chromium_run "$work/$name" "file://$out/report.html"
    layout_run "$work/$name" "$out/report.html"
    if check "$name" "$work/$name"; then
        passed=$((passed + 1))
        case $name in
            belarus-sentiment | sotu-sentiment)
                mkdir -p docs/screenshots
                shot="docs/screenshots/$name.png"
                # Commit-sized: downscale with ImageMagick when the shot is over 500 KB.
                if [ "$(stat -c %s "$work/$name.png")" -gt 500000 ] && convert -version 2>/dev/null | grep -q ImageMagick; then
                    convert "$work/$name.png" -resize 1000x -strip "$shot"
                else
                    cp "$work/$name.png" "$shot"
                fi
                ;;
        esac
    else
        failed=$((failed + 1))
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

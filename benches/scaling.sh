#!/usr/bin/env bash
# How build, check and peak memory grow with the number of pages.
#
#   benches/scaling.sh                         # 1,000, 10,000 and 50,000 pages, 3 runs each
#   SIZES="1000 10000" RUNS=5 benches/scaling.sh
#
# Sites and outputs go to WORK (default /dev/shm/handbook-scaling, tmpfs: what is measured is
# handbook, not the disk; a 50,000-page site and its output take about 1.7 GB there). Each
# run builds (`--no-search`) into a fresh output. Prints a Markdown table: median wall, CPU
# (user+sys) and peak RSS from /usr/bin/time, and per-page figures. HANDBOOK_BIN skips
# `cargo build --release`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="${SIZES:-1000 10000 50000}"
RUNS="${RUNS:-3}"
SEED="${SEED:-42}"
WORK="${WORK:-/dev/shm/handbook-scaling}"

if [ -n "${HANDBOOK_BIN:-}" ]; then
    BIN="$HANDBOOK_BIN"
else
    (cd "$ROOT" && cargo build --release --quiet)
    BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/handbook"
fi
mkdir -p "$WORK"
trap 'rm -rf "$WORK"/out "$WORK"/.out.handbook' EXIT

# One run: "wall cpu peak_kb"; fails the benchmark on a non-zero exit.
timed() {
    local t
    t="$(mktemp)"
    if ! /usr/bin/time -o "$t" -f "%e %U %S %M" "$@" >/dev/null 2>"$t.err"; then
        cat "$t.err" >&2
        echo "BENCHMARK FAILURE: $*" >&2
        exit 1
    fi
    tail -1 "$t" | awk '{ printf "%s %.2f %d\n", $1, $2 + $3, $4 }'
    rm -f "$t" "$t.err"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "| pages | command | median wall | CPU | peak memory | CPU per page |"
echo "|---|---|---|---|---|---|"
for n in $SIZES; do
    site="$WORK/n$n"
    if [ ! -f "$site/handbook.yaml" ]; then
        python3 "$ROOT/benches/gen_handbook.py" --pages "$n" --seed "$SEED" --out "$site" >&2
    fi
    for command in build check; do
        rows=()
        for _ in $(seq 0 "$RUNS"); do
            rm -rf "$WORK/out" "$WORK/.out.handbook"
            if [ "$command" = build ]; then
                # Without search, as benches/peers.sh builds: Pagefind's indexing (2 ms a
                # page, benches/search.sh) would be most of what is measured.
                rows+=("$(timed "$BIN" build --no-search --root "$site" --output "$WORK/out")")
            else
                rows+=("$(timed "$BIN" check --root "$site")")
            fi
        done
        rows=("${rows[@]:1}") # the first is a warm-up
        wall="$(printf '%s\n' "${rows[@]}" | cut -d' ' -f1 | median)"
        cpu="$(printf '%s\n' "${rows[@]}" | cut -d' ' -f2 | median)"
        kb="$(printf '%s\n' "${rows[@]}" | cut -d' ' -f3 | median)"
        awk -v n="$n" -v c="$command" -v w="$wall" -v u="$cpu" -v k="$kb" 'BEGIN {
            printf "| %\047d | %s | %.2f s | %.2f s | %d MB | %.0f µs |\n", n, c, w, u, k / 1024, u / n * 1e6 }'
    done
done
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# What search costs a build: `handbook build` with and without `--no-search` on synthetic
# handbooks, each run under /usr/bin/time -v (wall time, peak RSS), plus the indexing time
# the build reports ("indexed N pages for search in X ms": time the indexer thread was busy,
# beside the rendering). Runs each build RUNS times from an empty output and keeps the median.
#
#   benches/search.sh                          # N=1000 and N=10000, seed 42, 3 runs
#   SIZES="1000" RUNS=1 benches/search.sh
#   HANDBOOK_BIN=target/release/handbook WORK=/dev/shm/hb-search benches/search.sh
#
# Environment: SIZES, SEED (42), RUNS (3), HANDBOOK_BIN (default: cargo build --release),
# WORK (default: a temporary folder under TMPDIR; sites and outputs go there, /dev/shm keeps
# disk noise out). Exit status 1 when a build fails (its stderr is printed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SIZES="${SIZES:-1000 10000}"
SEED="${SEED:-42}"
RUNS="${RUNS:-3}"
fail() { printf '\nBENCHMARK FAILURE: %s\n' "$*" >&2; exit 1; }
[ -x /usr/bin/time ] || fail "/usr/bin/time is needed (apt-get install time)"

if [ -n "${HANDBOOK_BIN:-}" ]; then
    BIN="$HANDBOOK_BIN"
else
    (cd "$ROOT" && cargo build --release) || fail "cargo build --release failed"
    BIN="$ROOT/target/release/handbook"
fi
[ -x "$BIN" ] || fail "no executable at $BIN"

if [ -n "${WORK:-}" ]; then
    mkdir -p "$WORK"
else
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/handbook-search.XXXXXX")"
    trap 'rm -rf "$WORK"' EXIT
fi

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf '| pages | search | wall (s) | indexing (ms) | peak RSS (MB) |\n|---|---|---|---|---|\n'
for n in $SIZES; do
    site="$WORK/site-n$n-s$SEED"
    [ -f "$site/handbook.yaml" ] || python3 "$ROOT/benches/gen_handbook.py" --pages "$n" --seed "$SEED" --out "$site" >/dev/null 2>&1
    for mode in on off; do
        flags=()
        [ "$mode" = off ] && flags=(--no-search)
        walls=() rss=() indexing=()
        for _ in $(seq "$RUNS"); do
            out="$WORK/out-n$n"
            rm -rf "$out" "$WORK/.out-n$n.handbook"
            if ! /usr/bin/time -v -o "$WORK/time" "$BIN" build --root "$site" --output "$out" "${flags[@]}" 2>"$WORK/stderr"; then
                cat "$WORK/stderr" >&2
                fail "build N=$n search=$mode failed"
            fi
            walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$WORK/time")")
            rss+=("$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/time")")
            indexing+=("$(sed -n 's/^indexed [0-9]* pages for search in \([0-9]*\) ms$/\1/p' "$WORK/stderr")")
        done
        printf '| %s | %s | %s | %s | %s |\n' "$n" "$mode" \
            "$(printf '%s\n' "${walls[@]}" | median)" \
            "$( [ "$mode" = on ] && printf '%s\n' "${indexing[@]}" | median || echo -)" \
            "$(printf '%s\n' "${rss[@]}" | median)"
    done
done

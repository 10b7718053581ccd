#!/usr/bin/env bash
# Benchmark `handbook build` and `handbook check` on synthetic handbooks.
#
#   benches/build.sh                 # N=1000 and N=10000, seed 42
#   SIZES="1000" RUNS=3 benches/build.sh
#
# Environment:
#   SIZES         page counts to benchmark (default "1000 10000")
#   SEED          generator seed (default 42)
#   RUNS          hyperfine runs per command (default 5); WARMUP (default 1)
#   HANDBOOK_BIN  use this binary instead of building target/release/handbook
#
# Sites are generated once into target/bench-sites/n<N>-s<SEED>/ and reused while the seed
# and benches/gen_handbook.py are unchanged. Results go to target/bench-results/.
# Exit status: 0 on success, 1 when a build or check fails (its stderr is printed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
SIZES="${SIZES:-1000 10000}"
SEED="${SEED:-42}"
RUNS="${RUNS:-5}"
WARMUP="${WARMUP:-1}"
SITES="$TARGET/bench-sites"
RESULTS="$TARGET/bench-results"
GEN="$ROOT/benches/gen_handbook.py"

log() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nBENCHMARK FAILURE: %s\n' "$*" >&2; exit 1; }

apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    log "installing $* with apt-get"
    $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null
}

command -v hyperfine >/dev/null 2>&1 || apt_install hyperfine
[ -x /usr/bin/time ] || apt_install time
command -v python3 >/dev/null 2>&1 || fail "python3 is needed to generate the sites"

# --- binary -----------------------------------------------------------------
if [ -n "${HANDBOOK_BIN:-}" ]; then
    BIN="$HANDBOOK_BIN"
else
    log "cargo build --release"
    (cd "$ROOT" && cargo build --release) || fail "cargo build --release failed"
    BIN="$TARGET/release/handbook"
fi
[ -x "$BIN" ] || fail "no executable at $BIN"

# --- sites ------------------------------------------------------------------
GEN_HASH="$(sha256sum "$GEN" | cut -c1-16)"
mkdir -p "$SITES" "$RESULTS"
for n in $SIZES; do
    site="$SITES/n$n-s$SEED"
    stamp="pages=$n seed=$SEED gen=$GEN_HASH"
    if [ -f "$site/.bench-stamp" ] && [ "$(cat "$site/.bench-stamp")" = "$stamp" ]; then
        log "site N=$n seed=$SEED: cached in $site"
    else
        log "site N=$n seed=$SEED: generating into $site"
        rm -rf "$site"
        python3 "$GEN" --pages "$n" --seed "$SEED" --out "$site"
        echo "$stamp" > "$site/.bench-stamp"
    fi
done

OUT_BASE="$(mktemp -d "${TMPDIR:-/tmp}/handbook-bench.XXXXXX")"
trap 'rm -rf "$OUT_BASE"' EXIT

# Run one command under /usr/bin/time -v; fail loudly on a non-zero exit.
# Prints "peak RSS: X MB" and appends it to the summary.
measure() {
    local label="$1"; shift
    local err="$OUT_BASE/$label.stderr" tv="$OUT_BASE/$label.time" rc=0
    /usr/bin/time -v -o "$tv" "$@" >"$OUT_BASE/$label.stdout" 2>"$err" || rc=$?
    if [ "$rc" -ne 0 ]; then
        echo "---- $label: exit status $rc; stderr:" >&2
        head -c 20000 "$err" >&2
        echo "---- stdout:" >&2
        head -c 5000 "$OUT_BASE/$label.stdout" >&2
        fail "$label exited with status $rc: $*"
    fi
    local kb wall
    kb="$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tv")"
    wall="$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$tv")"
    local mb
    mb="$(awk -v kb="$kb" 'BEGIN {printf "%.1f", kb / 1024}')"
    printf '%s: peak RSS: %s MB (wall %s)\n' "$label" "$mb" "$wall"
    printf '| %s | %s | %s |\n' "$label" "$mb" "$wall" >> "$RSS_TABLE"
}

RSS_TABLE="$OUT_BASE/rss.md"
printf '| run | peak RSS (MB) | wall |\n|---|---|---|\n' > "$RSS_TABLE"
q() { printf '%q' "$1"; }

for n in $SIZES; do
    site="$SITES/n$n-s$SEED"
    out="$OUT_BASE/out-$n"
    # `build` keeps the previous generation and its lock beside the output: a first build
    # starts without either.
    state="$OUT_BASE/.out-$n.handbook"

    log "N=$n: one build and one check, checked for errors, peak RSS"
    rm -rf "$out" "$state"
    measure "build-n$n" "$BIN" build --root "$site" --output "$out"
    [ -f "$out/index.html" ] || fail "build-n$n succeeded but wrote no $out/index.html"
    measure "check-n$n" "$BIN" check --root "$site"

    log "N=$n: hyperfine"
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --time-unit millisecond \
        --prepare "rm -rf $(q "$out") $(q "$state")" \
        --export-markdown "$RESULTS/build-n$n.md" --export-json "$RESULTS/build-n$n.json" \
        -n "build N=$n" "$(q "$BIN") build --root $(q "$site") --output $(q "$out")" \
        || fail "hyperfine: build N=$n failed"
    # A rebuild into the existing output with one page's body changed: each run appends a
    # new line to one playbook, which is restored afterwards.
    page="$site/content/playbooks/pb-000001.md"
    cp "$page" "$OUT_BASE/page.md"
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --time-unit millisecond \
        --prepare "echo \"edited \$(date +%s%N)\" >> $(q "$page")" \
        --export-markdown "$RESULTS/rebuild-n$n.md" --export-json "$RESULTS/rebuild-n$n.json" \
        -n "rebuild N=$n, one page changed" "$(q "$BIN") build --root $(q "$site") --output $(q "$out")" \
        || { cp "$OUT_BASE/page.md" "$page"; fail "hyperfine: rebuild N=$n failed"; }
    cp "$OUT_BASE/page.md" "$page"
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --time-unit millisecond \
        --export-markdown "$RESULTS/check-n$n.md" --export-json "$RESULTS/check-n$n.json" \
        -n "check N=$n" "$(q "$BIN") check --root $(q "$site")" \
        || fail "hyperfine: check N=$n failed"
done

SUMMARY="$RESULTS/summary.md"
{
    echo "# handbook benchmarks"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), seed $SEED, $(nproc) CPUs, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
    echo
    echo "## Time (hyperfine, warmup $WARMUP, $RUNS runs)"
    echo
    first=1
    for n in $SIZES; do
        for cmd in build rebuild check; do
            if [ $first -eq 1 ]; then cat "$RESULTS/$cmd-n$n.md"; first=0
            else tail -n +3 "$RESULTS/$cmd-n$n.md"; fi
        done
    done
    echo
    echo "## Peak RSS (/usr/bin/time -v, one run)"
    echo
    cat "$RSS_TABLE"
} > "$SUMMARY"

log "summary ($SUMMARY)"
cat "$SUMMARY"

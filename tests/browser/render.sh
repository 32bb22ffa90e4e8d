#!/usr/bin/env bash
# The HTML report in a real browser (issue 18.4): installs Debian's
# chromium when it is missing, writes the flagship's report with the CLI,
# renders it headless to a PNG and dumps its DOM, then check_render.py
# checks that it rendered (a PNG of the right size that is not one
# colour, with ink in the upper and lower parts of the page) and that the
# DOM has the report's title and sections. Run by .ci/run.
#
#   tests/browser/render.sh [FLEETPLAN_BIN]     # default target/release/fleetplan
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="${1:-$root/target/release/fleetplan}"
out="${BROWSER_OUT:-$root/target/browser}"
t0=$(date +%s)

browser=""
for b in chromium chromium-browser; do
  if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
done
if [ -z "$browser" ]; then
  echo "installing Debian's chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  browser=chromium
fi
"$browser" --version
t1=$(date +%s)

mkdir -p "$out"
if [ ! -x "$bin" ]; then
  (cd "$root" && cargo build --release --quiet --bin fleetplan)
fi
"$bin" report "$root/examples/scenarios/hybrid_fleet.toml" --fractional --html "$out/report.html"
"$bin" plan "$root/examples/scenarios/hybrid_fleet.toml" --fractional --svg "$out/svg" >/dev/null
"$bin" sweep "$root/examples/scenarios/hybrid_fleet.toml" --set "policy.rules[3].levy=0..0.3:4" \
  --fractional --quiet --svg "$out/svg/sweep.svg" >/dev/null

flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run
  --hide-scrollbars --user-data-dir="$out/profile")
rm -f "$out/report.png"
timeout 120 "$browser" "${flags[@]}" --screenshot="$out/report.png" --window-size=1200,2000 \
  "file://$out/report.html" 2>"$out/chromium.log" || { cat "$out/chromium.log"; exit 1; }
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$out/report.html" \
  >"$out/dom.html" 2>>"$out/chromium.log" || { cat "$out/chromium.log"; exit 1; }
t2=$(date +%s)

python3 "$root/tests/browser/check_render.py" "$out/report.png" "$out/dom.html" \
  "fleetplan report: hybrid-2025q3" "$out/svg"
echo "tests/browser/render.sh: browser install/check $((t1 - t0)) s, render $((t2 - t1)) s"

#!/usr/bin/env bash
# Renders a profile folder's timeline.html in headless Chromium to timeline-html.png beside it (how docs/runner.md's
# description of the pictures was checked). Usage: scripts/screenshot-profile.sh PROFILE_DIR [WIDTHxHEIGHT]
# Needs chromium (Debian: apt-get install -y chromium).
set -euo pipefail
dir="$(cd "${1:?usage: $0 PROFILE_DIR [WIDTHxHEIGHT]}" && pwd)"
size="${2:-1040x1500}"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
  --window-size="${size/x/,}" --screenshot="$dir/timeline-html.png" "file://$dir/timeline.html" >/dev/null 2>&1
echo "$dir/timeline-html.png"

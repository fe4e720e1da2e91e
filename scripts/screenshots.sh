#!/usr/bin/env bash
# Regenerates docs/report.html and docs/report.png (the HTML report of the
# bundled sample) with headless Chromium (apt-get install chromium).
#   bash scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${CARGO_TARGET_DIR:-target}/release/lamsach
[ -x "$BIN" ] || cargo build --release --locked -p lamsach
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BIN" check fixtures/sample/tiem-chung.csv --today 2026-12-05 \
  --unit "Trung tâm Y tế huyện Sơn Tịnh" --period "11/2026" \
  --out "$tmp" --format html -q || [ $? -eq 1 ]
cp "$tmp/report.html" docs/report.html
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=1280,1800 --screenshot="$PWD/docs/report.png" "file://$tmp/report.html" 2> /dev/null
ls -l docs/report.html docs/report.png

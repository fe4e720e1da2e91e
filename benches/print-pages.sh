#!/usr/bin/env bash
# Pages of report.xlsx printed by LibreOffice (A4, the workbook's own page
# setup), for the bundled sample and a generated 1,000-row export:
#   benches/print-pages.sh            (BIN=… XTASK=… to use other builds)
# Needs soffice (apt-get install libreoffice-calc-nogui) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/env.sh
command -v soffice > /dev/null || { echo "soffice not found: apt-get install libreoffice-calc-nogui" >&2; exit 2; }
mkdir -p "$WORK/print"

pages() { # PDF → number of pages
  python3 -c 'import re,sys; print(len(re.findall(rb"/Type\s*/Page[^s]", open(sys.argv[1],"rb").read())))' "$1"
}

one() { # NAME INPUT
  local out="$WORK/print/$1"
  rm -rf "$out"
  "$BIN" check "$2" --today 2026-11-23 -q --format xlsx --out "$out" \
    --unit "Trung tâm Y tế huyện Sơn Tịnh" --period "11/2026" || true
  soffice --headless --convert-to pdf --outdir "$out" "$out/report.xlsx" > /dev/null 2>&1
  local findings
  findings=$(($(wc -l < "$out/issues.csv") - 1))
  echo "$1 | $findings findings | $(pages "$out/report.pdf") pages"
}

"$XTASK" synth --rows 1000 --seed 1 --out "$WORK/print/synth-1000.csv" \
  --truth "$WORK/print/synth-1000.truth.csv" > /dev/null
one sample fixtures/sample/tiem-chung.csv
one synth-1000 "$WORK/print/synth-1000.csv"

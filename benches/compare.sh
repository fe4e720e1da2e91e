#!/usr/bin/env bash
# End-to-end comparison on the same generated vaccination export, same machine, one run:
#   (a) lamsach check, all reference-free rules and duplicates, 1 and 2 threads
#   (b) polars' CSV reader alone (the floor)
#   (c) a Python + polars script doing the same reference-free checks
#   (d) the same with verification against a population reference ($REFERENCE,
#       or one built from the export by benches/reference_from_export.py)
# Prints a Markdown table: wall time, rows/s, MB/s, peak memory (max RSS).
#
#   bash benches/compare.sh 1000000 10000000
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${BIN:-$TARGET/release/lamsach}
[ -x "$BIN" ] || cargo build --release
WORK=${WORK:-/tmp/lamsach-bench}
mkdir -p "$WORK"
python3 -c "import polars" 2>/dev/null || pip install --quiet polars

measure() { # label rows bytes cmd...
  local label=$1 rows=$2 bytes=$3; shift 3
  set +e
  /usr/bin/time -f "%e %M" -o "$WORK/t.txt" "$@" > "$WORK/cmd.out" 2>&1
  local code=$?
  set -e
  if [ "$code" -gt 1 ]; then echo "| $label | failed ($code) | | | |"; cat "$WORK/cmd.out" >&2; return; fi
  read -r wall rss < <(tail -1 "$WORK/t.txt")
  awk -v l="$label" -v w="$wall" -v r="$rows" -v b="$bytes" -v m="$rss" 'BEGIN {
    printf "| %s | %.2f s | %.0f | %.1f | %.0f MB |\n", l, w, r / w, b / 1e6 / w, m / 1024 }'
}

echo "| run | wall | rows/s | MB/s | peak memory |"
echo "|---|---|---|---|---|"
for ROWS in "${@:-1000000}"; do
  f="$WORK/export-$ROWS.csv"
  [ -f "$f" ] || "$BIN" synth --rows "$ROWS" --seed 42 --out "$f" --truth "$WORK/truth-$ROWS.csv" 2>/dev/null
  bytes=$(stat -c %s "$f")
  n=$(printf "%'d" "$ROWS" 2>/dev/null || echo "$ROWS")
  measure "$n rows: (a) lamsach, 1 thread" "$ROWS" "$bytes" "$BIN" check "$f" --today 2026-11-23 --threads 1 --out "$WORK/r1" -q
  measure "$n rows: (a) lamsach, 2 threads" "$ROWS" "$bytes" "$BIN" check "$f" --today 2026-11-23 --threads 2 --out "$WORK/r2" -q
  measure "$n rows: (a') lamsach --no-dedupe, 1 thread" "$ROWS" "$bytes" "$BIN" check "$f" --today 2026-11-23 --threads 1 --no-dedupe --out "$WORK/r4" -q
  measure "$n rows: (a') lamsach --no-dedupe, 2 threads" "$ROWS" "$bytes" "$BIN" check "$f" --today 2026-11-23 --threads 2 --no-dedupe --out "$WORK/r5" -q
  cmp -s "$WORK/r1/issues.csv" "$WORK/r2/issues.csv" || echo "WARNING: outputs differ between thread counts" >&2
  measure "$n rows: (b) polars read only" "$ROWS" "$bytes" python3 benches/polars_floor.py "$f"
  measure "$n rows: (c) Python + polars checks" "$ROWS" "$bytes" python3 benches/polars_checks.py "$f" 2026-11-23
  ref=${REFERENCE:-$WORK/dan-cu-$ROWS.csv}
  [ -f "$ref" ] || python3 benches/reference_from_export.py "$f" "$ref" >&2
  measure "$n rows: (d) lamsach --reference, 2 threads" "$ROWS" "$bytes" "$BIN" check "$f" --today 2026-11-23 --reference "$ref" --out "$WORK/r3" -q
done

#!/usr/bin/env bash
# Instructions executed (callgrind), the number that does not move with the
# load of a shared machine: wall times here vary by 10-40% from run to run,
# instruction counts by well under 1%. Use it to compare two builds; it says
# nothing of cache misses, which the wall-time comparison (compare.sh) does.
#
#   bash benches/instructions.sh [ROWS]            # default 100000
#   BIN=/path/to/other/lamsach bash benches/instructions.sh
#
# One thread (--threads 1) so that the count is the work, not the
# scheduling. Prints a Markdown table: run, instructions, per row.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000}
source benches/env.sh
command -v valgrind > /dev/null || { echo "valgrind is needed (apt install valgrind)" >&2; exit 2; }
mkdir -p "$WORK"
f="$WORK/export-$ROWS.csv"
[ -f "$f" ] || "$XTASK" synth --rows "$ROWS" --seed 42 --out "$f" --truth "$WORK/truth-$ROWS.csv" > /dev/null

count() { # label cmd...
  local label=$1; shift
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" > /dev/null 2> "$WORK/cg.txt" || true
  local ir
  ir=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$WORK/cg.txt" | tail -1)
  [ -n "$ir" ] || { echo "| $label | failed | |"; cat "$WORK/cg.txt" >&2; return; }
  awk -v l="$label" -v n="$ir" -v r="$ROWS" 'BEGIN { printf "| %s | %.3f G | %.0f |\n", l, n / 1e9, n / r }'
}

echo "| run ($ROWS rows, 1 thread) | instructions | per row |"
echo "|---|---|---|"
count "check --no-dedupe" "$BIN" check "$f" --today 2026-11-23 --threads 1 --no-dedupe --out "$WORK/ir-check" -q
count "dedupe" "$BIN" dedupe "$f" --today 2026-11-23 --threads 1 --out "$WORK/ir-dedupe" -q
count "check (with the pre-pass)" "$BIN" check "$f" --today 2026-11-23 --threads 1 --out "$WORK/ir-all" -q

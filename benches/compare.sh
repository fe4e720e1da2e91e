#!/usr/bin/env bash
# End-to-end comparison on the same generated vaccination export, same machine, one run:
#   (a) lamsach check, all reference-free rules and duplicates (exact DUP001/
#       DUP002 and the fuzzy DUP003-DUP005 pre-pass), on 1 core and on 2 cores
#   (a') the same without the fuzzy pre-pass (--no-dedupe)
#   (b) polars' CSV reader alone (the floor)
#   (c) a Python + polars script doing the same reference-free checks
#   (c+) the same script with the fuzzy duplicates (benches/polars_dedupe.py:
#       the same blocks, weights and threshold), in one process: the
#       like-for-like of (a); needs rapidfuzz and numpy
#   (d) the same with verification against a population reference ($REFERENCE,
#       or one built from the export by benches/reference_from_export.py)
# Prints a Markdown table: wall time, rows/s, MB/s, peak memory (max RSS), then
# the ratios the performance aims are stated in.
#
# "1 thread" is the whole process pinned to one CPU (`taskset -c 0`, and
# --threads 1): lamsach also runs a reader thread and an in-order merge
# thread beside the rayon workers, so `--threads 1` alone on a 2-core machine
# still uses more than one core. The speed-up is wall(1 core) / wall(2 cores).
#
#   bash benches/compare.sh 1000000 10000000
#   REPEAT=3 bash benches/compare.sh 1000000     # the median of three runs
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/env.sh
mkdir -p "$WORK"
python3 -c "import polars" 2>/dev/null || pip install --quiet polars
python3 -c "import rapidfuzz, numpy" 2>/dev/null || pip install --quiet rapidfuzz numpy

# Each row is run $REPEAT times (default 1): the wall time printed is the
# median, the memory the largest peak. This machine is shared: one run can be
# 10-30% off.
REPEAT=${REPEAT:-1}
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
measure() { # label rows bytes cmd...
  local label=$1 rows=$2 bytes=$3; shift 3
  local walls=() rss=0 code
  for ((k = 0; k < REPEAT; k++)); do
    set +e
    /usr/bin/time -f "%e %M" -o "$WORK/t.txt" "$@" > "$WORK/cmd.out" 2>&1
    code=$?
    set -e
    if [ "$code" -gt 1 ]; then echo "| $label | failed ($code) | | | |"; cat "$WORK/cmd.out" >&2; return; fi
    read -r w m < <(tail -1 "$WORK/t.txt")
    walls+=("$w")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  local wall
  wall=$(median "${walls[@]}")
  WALL=$wall
  awk -v l="$label" -v w="$wall" -v r="$rows" -v b="$bytes" -v m="$rss" 'BEGIN {
    printf "| %s | %.2f s | %.0f | %.1f | %.0f MB |\n", l, w, r / w, b / 1e6 / w, m / 1024 }'
}

RATIOS=()
echo "| run | wall | rows/s | MB/s | peak memory |"
echo "|---|---|---|---|---|"
for ROWS in "${@:-1000000}"; do
  f="$WORK/export-$ROWS.csv"
  [ -f "$f" ] || "$XTASK" synth --rows "$ROWS" --seed 42 --out "$f" --truth "$WORK/truth-$ROWS.csv" 2>/dev/null
  bytes=$(stat -c %s "$f")
  # 1000000 -> 1M, 250000 -> 250k, as the README table writes them.
  if [ $((ROWS % 1000000)) -eq 0 ]; then n="$((ROWS / 1000000))M"
  elif [ $((ROWS % 1000)) -eq 0 ]; then n="$((ROWS / 1000))k"
  else n=$ROWS; fi
  pin1=(taskset -c 0)
  command -v taskset > /dev/null || pin1=()
  measure "$n rows: (a) lamsach, 1 core" "$ROWS" "$bytes" "${pin1[@]}" "$BIN" check "$f" --today 2026-11-23 --threads 1 --out "$WORK/r1" -q
  a1=$WALL
  measure "$n rows: (a) lamsach, 2 cores" "$ROWS" "$bytes" "$BIN" check "$f" --today 2026-11-23 --threads 2 --out "$WORK/r2" -q
  a2=$WALL
  measure "$n rows: (a') lamsach --no-dedupe, 1 core" "$ROWS" "$bytes" "${pin1[@]}" "$BIN" check "$f" --today 2026-11-23 --threads 1 --no-dedupe --out "$WORK/r4" -q
  n1=$WALL
  measure "$n rows: (a') lamsach --no-dedupe, 2 cores" "$ROWS" "$bytes" "$BIN" check "$f" --today 2026-11-23 --threads 2 --no-dedupe --out "$WORK/r5" -q
  n2=$WALL
  cmp -s "$WORK/r1/issues.csv" "$WORK/r2/issues.csv" || echo "WARNING: outputs differ between thread counts" >&2
  measure "$n rows: (b) polars read only" "$ROWS" "$bytes" python3 benches/polars_floor.py "$f"
  b=$WALL
  # The same read timed inside the process: without Python's start and
  # `import polars` (~0.3 s), which (b) includes as (a) includes lamsach's.
  reads=()
  for ((k = 0; k < REPEAT; k++)); do
    reads+=("$(python3 benches/polars_floor.py "$f" | sed -n 's/.*read=\([0-9.]*\)s.*/\1/p')")
  done
  bi=$(median "${reads[@]}")
  awk -v l="$n rows: (b') polars read_csv alone, timed inside the process" -v w="$bi" -v r="$ROWS" -v b="$bytes" 'BEGIN {
    printf "| %s | %.2f s | %.0f | %.1f | |\n", l, w, r / w, b / 1e6 / w }'
  measure "$n rows: (c) Python + polars checks" "$ROWS" "$bytes" python3 benches/polars_checks.py "$f" 2026-11-23
  c=$WALL
  measure "$n rows: (c+) Python + polars checks + fuzzy duplicates" "$ROWS" "$bytes" python3 benches/polars_checks.py "$f" 2026-11-23 --dedupe
  cp=$WALL
  ref=${REFERENCE:-$WORK/dan-cu-$ROWS.csv}
  [ -f "$ref" ] || python3 benches/reference_from_export.py "$f" "$ref" >&2
  measure "$n rows: (d) lamsach --reference, 2 cores" "$ROWS" "$bytes" "$BIN" check "$f" --today 2026-11-23 --reference "$ref" --out "$WORK/r3" -q
  RATIOS+=("$(awk -v n="$n" -v a1="$a1" -v a2="$a2" -v n1="$n1" -v n2="$n2" -v b="$b" -v bi="$bi" -v c="$c" -v cp="$cp" 'BEGIN {
    printf "%s rows: (a)/(b) = %.2f× (aim ≤ 2), (c+)/(a) = %.2f× (aim ≥ 3; the same checks, fuzzy duplicates included), 1→2 cores: (a) %.2f×, (a\x27) %.2f× (aim ≥ 1.7); without the pre-pass (a\x27)/(b) = %.2f×, (c)/(a\x27) = %.2f×; (c)/(a) = %.2f× (c does no fuzzy duplicates); against (b\x27): (a)/(b\x27) = %.2f×, (a\x27)/(b\x27) = %.2f×",
      n, a2 / b, cp / a2, a1 / a2, n1 / n2, n2 / b, c / n2, c / a2, a2 / bi, n2 / bi }')")
done
echo
for r in "${RATIOS[@]}"; do echo "- $r"; done

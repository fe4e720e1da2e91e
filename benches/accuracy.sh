#!/usr/bin/env bash
# Precision and recall per rule, run time and peak memory of `lamsach check`
# on N generated vaccination rows with injected problems (ground truth from
# `cargo xtask synth`). Fuzzy duplicates (DUP003-005) are measured separately by
# benches/dedupe_1m.sh, so this run uses --no-dedupe.
#
#   bash benches/accuracy.sh [ROWS] [PROFILE]      # default 1000000 vaccination
#
# Uses target/release/lamsach and target/release/xtask (the development
# tools: synth, score), built if missing. Work files go to $WORK
# (default /tmp/lamsach-bench), never into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
PROFILE=${2:-vaccination}
source benches/env.sh
mkdir -p "$WORK"
echo "== generating $ROWS $PROFILE rows"
"$XTASK" synth --profile "$PROFILE" --rows "$ROWS" --seed 42 --problem-rate 0.2 \
  --out "$WORK/export.csv" --truth "$WORK/truth.csv"
ls -l "$WORK/export.csv" | awk '{printf "size: %.1f MB\n", $5/1e6}'
for t in ${THREADS:-2}; do
  echo "== check, $t thread(s)"
  set +e
  /usr/bin/time -v "$BIN" check "$WORK/export.csv" --today 2026-11-23 --threads "$t" \
    --out "$WORK/report" -q --no-dedupe 2> "$WORK/time.txt"
  code=$?
  set -e
  [ "$code" -le 1 ] || { cat "$WORK/time.txt"; exit "$code"; }
  grep -E "Elapsed \(wall|Maximum resident" "$WORK/time.txt"
done
echo "== precision / recall per rule"
"$XTASK" score --truth "$WORK/truth.csv" --issues "$WORK/report/issues.csv" || true

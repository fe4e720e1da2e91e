#!/usr/bin/env bash
# The household rules (HH001-HH007) on generated household lists: precision
# and recall per rule against the ground truth of `cargo xtask synth
# --profile household`, run time and peak memory of `lamsach check`
# (/usr/bin/time -v). Fuzzy duplicates are measured by benches/dedupe_1m.sh,
# so this run uses --no-dedupe. Figures: docs/households.md.
#
#   bash benches/households.sh [ROWS]      # default 1000000 persons
#
# Uses $CARGO_TARGET_DIR/release/lamsach and xtask (built if missing); work
# files go to $WORK (default /tmp/lamsach-bench), never into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
source benches/env.sh
mkdir -p "$WORK"
echo "== generating $ROWS persons in households"
"$XTASK" synth --profile household --rows "$ROWS" --seed 42 --problem-rate 0.2 \
  --out "$WORK/households.csv" --truth "$WORK/households-truth.csv"
ls -l "$WORK/households.csv" | awk '{printf "size: %.1f MB\n", $5/1e6}'
echo "households: $(tail -n +2 "$WORK/households.csv" | cut -d, -f1 | sort -u | wc -l)"
for t in ${THREADS:-2}; do
  echo "== check, $t thread(s): wall | peak"
  timed "$WORK/households-time.txt" "$BIN" check "$WORK/households.csv" --today 2026-11-23 \
    --threads "$t" --out "$WORK/households-report" -q --no-dedupe
done
echo "== precision / recall per rule"
"$XTASK" score --truth "$WORK/households-truth.csv" --issues "$WORK/households-report/issues.csv" || true

#!/bin/sh
# Accuracy, time and peak memory of `lamsach dedupe` on a generated, labelled
# vaccination export (default 1,000,000 rows) with injected duplicates.
#   benches/dedupe_1m.sh [ROWS] [WORKDIR]
# The data and the scores come from the development tools (`cargo xtask
# synth-dupes`, `score-dupes`). Prints pair precision / recall / F1 per kind
# (person = DUP003/DUP004, event = DUP005), wall time and max RSS.
set -eu
ROWS=${1:-1000000}
WORK=${2:-${TMPDIR:-/tmp}/lamsach-dedupe-bench}
cd "$(dirname "$0")/.."
cargo build --release --quiet
cargo build --release --quiet -p xtask
BIN=${CARGO_TARGET_DIR:-target}/release/lamsach
XTASK=${CARGO_TARGET_DIR:-target}/release/xtask
mkdir -p "$WORK"
"$XTASK" synth-dupes --rows "$ROWS" --out "$WORK/data" --seed 42
/usr/bin/time -v "$BIN" dedupe "$WORK/data/export.csv" --out "$WORK/out" 2> "$WORK/time.txt" || true
grep -E "Elapsed \(wall clock\)|Maximum resident set size" "$WORK/time.txt"
"$XTASK" score-dupes --truth "$WORK/data/truth.csv" --clusters "$WORK/out/clusters.csv"

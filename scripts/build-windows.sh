#!/usr/bin/env bash
# Cross-builds lamsach.exe for Windows x86_64 on Linux, and smoke-tests it
# under Wine when Wine is installed.
#
#   rustup target add x86_64-pc-windows-gnu
#   sudo apt-get install gcc-mingw-w64-x86-64 wine64     # Debian/Ubuntu
#   bash scripts/build-windows.sh [OUT_DIR]
#
# Writes OUT_DIR/lamsach.exe (default dist/windows), a static build with no
# DLL beside it, to copy onto an officer's PC (docs/windows.md).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-dist/windows}
TARGET=x86_64-pc-windows-gnu
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=${CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER:-x86_64-w64-mingw32-gcc}
# the MinGW runtime linked in, so the .exe needs no DLL beside it
export RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static"
# no debug symbols in the file handed out
export CARGO_PROFILE_RELEASE_STRIP=symbols
cargo build --release --locked --target "$TARGET" -p lamsach
mkdir -p "$OUT"
BIN="${CARGO_TARGET_DIR:-target}/$TARGET/release/lamsach.exe"
cp "$BIN" "$OUT/lamsach.exe"
ls -l "$OUT/lamsach.exe"
# only Windows' own DLLs: nothing to install beside the .exe
x86_64-w64-mingw32-objdump -p "$OUT/lamsach.exe" | awk '/DLL Name/ {print "imports", $3}' | sort -u
WINE=$(command -v wine64 || command -v wine || true)
if [ -z "$WINE" ]; then
  echo "Wine not installed: smoke test skipped" >&2
  exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$OUT/lamsach.exe" "$tmp/"
# Rust's standard library (1.78 and later) imports ProcessPrng from
# bcryptprimitives.dll, which Windows 10/11 have and Wine has only from
# version 9. For an older Wine, the smoke test (only) puts a stand-in DLL
# beside its copy of the .exe; the file handed out is not changed.
major=$("$WINE" --version | sed -E 's/^wine-([0-9]+).*/\1/')
if [ "${major:-0}" -lt 9 ] 2>/dev/null; then
  cat > "$tmp/bcp.c" <<'C'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID, ULONG);
BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG n = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n; len -= n;
    }
    return TRUE;
}
C
  printf 'LIBRARY bcryptprimitives\nEXPORTS\nProcessPrng\n' > "$tmp/bcp.def"
  x86_64-w64-mingw32-gcc -shared -o "$tmp/bcryptprimitives.dll" "$tmp/bcp.c" "$tmp/bcp.def" -ladvapi32
fi
# smoke test: the bundled sample checked by the Windows binary gives the
# same tally as the Linux one
env -u RUSTFLAGS -u CARGO_PROFILE_RELEASE_STRIP cargo build --release --locked -p lamsach
WINEDEBUG=-all "$WINE" "$tmp/lamsach.exe" check fixtures/sample/tiem-chung.csv \
  --today 2026-11-23 --out "$tmp/win" --format csv -q || [ $? -eq 1 ]
"${CARGO_TARGET_DIR:-target}/release/lamsach" check fixtures/sample/tiem-chung.csv \
  --today 2026-11-23 --out "$tmp/linux" --format csv -q || [ $? -eq 1 ]
if cmp -s "$tmp/win/tally.csv" "$tmp/linux/tally.csv"; then
  echo "smoke test: the Windows build's tally.csv equals the Linux build's"
else
  echo "smoke test FAILED: tally.csv differs" >&2
  diff "$tmp/win/tally.csv" "$tmp/linux/tally.csv" >&2 || true
  exit 1
fi

"""The floor: read and parse the CSV with polars' CSV reader, nothing else.

    python3 benches/polars_floor.py export.csv
"""
import sys
import time

import polars as pl

t = time.perf_counter()
df = pl.read_csv(sys.argv[1], infer_schema=False, truncate_ragged_lines=True,
                 ignore_errors=True, quote_char=None, encoding="utf8-lossy")
print(f"rows={df.height} cols={df.width} read={time.perf_counter() - t:.2f}s")

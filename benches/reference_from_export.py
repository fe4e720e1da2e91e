"""Builds a population reference extract from a `cargo xtask synth` vaccination
export, for benches/compare.sh (d): one row per valid 12-digit ID (first
occurrence), with the export's name, date of birth and sex, so most rows
verify and the rest exercise the disagreement rules.

    python3 benches/reference_from_export.py export.csv dan-cu.csv
"""
import sys

import polars as pl

src, dst = sys.argv[1], sys.argv[2]
df = pl.read_csv(src, infer_schema=False, truncate_ragged_lines=True, ignore_errors=True,
                 quote_char=None, encoding="utf8-lossy")
ref = (df.filter(pl.col("Số CCCD").str.contains(r"^\d{12}$"))
         .unique(subset=["Số CCCD"], keep="first", maintain_order=True)
         .select(pl.col("Số CCCD").alias("Số định danh cá nhân"), "Họ và tên", "Ngày sinh", "Giới tính"))
ref.write_csv(dst)
print(f"{ref.height} people -> {dst}")

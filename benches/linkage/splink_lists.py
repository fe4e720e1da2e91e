"""Writes one of Splink's own example lists (fake_1000, historical_50k, from
github.com/moj-analytical-services/splink_datasets) as a CSV lamsach reads
with a profile of benches/linkage/, and its truth in the form
`cargo xtask score-dupes` reads (line, kind, cluster, record).

    python benches/linkage/splink_lists.py fake_1000 OUT.csv TRUTH.csv [DATASETS_DIR]

DATASETS_DIR is a checkout of splink_datasets (its data/ folder); without
it the list is loaded by `splink.splink_datasets` (which downloads it).
Beside OUT, OUT.orig.csv keeps the list's own columns and each row's line,
for Splink (benches/linkage/splink_examples.py). OUT has the list's own
columns and values, but for a name given as first_name and surname, which
becomes one `name` column, family name first (a profile maps one column to
the name).
"""
import csv
import sys
from pathlib import Path

import pandas as pd

FILES = {
    "fake_1000": "fake_1000.csv",
    "historical_50k": "historical_figures_with_errors_50k.parquet",
}


def frame(which, folder):
    if folder:
        path = Path(folder) / "data" / FILES[which]
        df = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str)
    else:
        from splink import splink_datasets
        df = splink_datasets.fake_1000 if which == "fake_1000" else splink_datasets.historical_50k
    return df.astype(str).replace({"None": "", "nan": "", "<NA>": ""})


def main():
    which, out, truth = sys.argv[1:4]
    folder = sys.argv[4] if len(sys.argv) > 4 else None
    df = frame(which, folder)
    df = df.assign(line=range(2, len(df) + 2))
    df.to_csv(out + ".orig.csv", index=False)
    if "first_name" in df.columns and "full_name" not in df.columns:
        # a profile maps one column to the name: family name first, as
        # lamsach reads a full name (as benches/linkage/febrl.py writes it)
        df.insert(0, "name", (df["surname"] + " " + df["first_name"]).str.strip())
        df = df.drop(columns=["first_name", "surname"])
    cols = [c for c in df.columns if c not in ("cluster", "unique_id", "line")]
    with open(out, "w", newline="", encoding="utf-8") as fo, \
         open(truth, "w", newline="", encoding="utf-8") as ft:
        w, t = csv.writer(fo), csv.writer(ft)
        w.writerow(cols)
        t.writerow(["line", "kind", "cluster", "record"])
        clusters = {}
        for r in df.itertuples(index=False):
            r = r._asdict()
            w.writerow([r[c] for c in cols])
            c = clusters.setdefault(r["cluster"], len(clusters) + 1)
            t.writerow([r["line"], "person", c, r["line"]])


if __name__ == "__main__":
    main()

"""Splink (DuckDB backend) on a FEBRL list, with the deduplication settings of
Splink's own FEBRL3 example, not tuned: writes its clusters in the columns
`cargo xtask score-dupes` reads (line, cluster, kind).

    python benches/linkage/splink_dedupe.py LIST.csv CLUSTERS.csv

Reads LIST.csv.orig.csv (written by benches/linkage/febrl.py).
"""
import csv
import sys

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on


def main():
    src, dst = sys.argv[1:3]
    df = pd.read_csv(src + ".orig.csv", dtype=str).fillna("")
    df = df.rename(columns={"line": "unique_id"})
    df["unique_id"] = df["unique_id"].astype(int)
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("given_name", "date_of_birth"),
            block_on("surname", "date_of_birth"),
            block_on("postcode", "street_number"),
            block_on("soc_sec_id"),
        ],
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db = DuckDBAPI()
    linker = Linker(db.register(df), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    pred = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.9)
    write_clusters(clusters, dst)


def write_clusters(clusters, dst, lines_of=None):
    """Splink's clusters of more than one record, in the columns `cargo
    xtask score-dupes` reads (line, cluster, kind); `lines_of` maps a record
    id to its lines when a record stands for several rows."""
    out = clusters.as_pandas_dataframe()
    sizes = out.groupby("cluster_id")["unique_id"].transform("count")
    out = out[sizes > 1]
    lines_of = lines_of or {}
    rows = sorted(
        (line, cid)
        for rec, cid in zip(out["unique_id"], out["cluster_id"])
        for line in lines_of.get(rec, [rec])
    )
    with open(dst, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["line", "cluster", "kind"])
        ids = {}
        for line, cid in rows:
            w.writerow([line, ids.setdefault(cid, len(ids) + 1), "person"])


if __name__ == "__main__":
    main()

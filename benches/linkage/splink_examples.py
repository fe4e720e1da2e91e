"""Splink (DuckDB backend) on its own example lists, with the settings of
Splink's own tutorials for them, not tuned: fake_1000 (the getting-started
tutorial) and historical_50k (the "deduplicate 50k synthetic" example).
Writes its clusters in the columns `cargo xtask score-dupes` reads (line,
cluster, kind).

    python benches/linkage/splink_examples.py fake_1000 LIST.csv CLUSTERS.csv

Reads LIST.csv.orig.csv (written by benches/linkage/splink_lists.py).
"""
import sys

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from splink_dedupe import write_clusters


def fake_1000(df):
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "dob"),
            block_on("surname"),
        ],
        comparisons=[
            cl.NameComparison("first_name"),
            cl.JaroAtThresholds("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("city").configure(term_frequency_adjustments=True),
            cl.EmailComparison("email"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(DuckDBAPI().register(df), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    pred = linker.inference.predict(threshold_match_probability=0.2)
    return linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.95)


def historical_50k(df):
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("substr(first_name,1,3)", "substr(surname,1,4)"),
            block_on("surname", "dob"),
            block_on("first_name", "dob"),
            block_on("postcode_fake", "first_name"),
            block_on("postcode_fake", "surname"),
            block_on("dob", "birth_place"),
            block_on("substr(postcode_fake,1,3)", "dob"),
            block_on("substr(postcode_fake,1,3)", "first_name"),
            block_on("substr(postcode_fake,1,3)", "surname"),
            block_on("substr(first_name,1,2)", "substr(surname,1,2)", "substr(dob,1,4)"),
        ],
        comparisons=[
            cl.ForenameSurnameComparison(
                "first_name",
                "surname",
                forename_surname_concat_col_name="first_name_surname_concat",
            ),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode_fake"),
            cl.ExactMatch("birth_place").configure(term_frequency_adjustments=True),
            cl.ExactMatch("occupation").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=False,
    )
    df = df.copy()
    df["first_name_surname_concat"] = (df["first_name"].fillna("") + " " + df["surname"].fillna("")).str.strip()
    linker = Linker(DuckDBAPI().register(df), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob"),
         block_on("substr(first_name,1,2)", "surname", "substr(postcode_fake,1,2)"),
         block_on("dob", "postcode_fake")],
        recall=0.6,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    pred = linker.inference.predict(threshold_match_probability=0.2)
    return linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.95)


def main():
    which, src, dst = sys.argv[1:4]
    df = pd.read_csv(src + ".orig.csv", dtype=str)
    df = df.drop(columns=[c for c in ("unique_id", "cluster") if c in df.columns])
    df = df.rename(columns={"line": "unique_id"})
    df["unique_id"] = df["unique_id"].astype(int)
    df = df.where(df.notna(), None)
    clusters = {"fake_1000": fake_1000, "historical_50k": historical_50k}[which](df)
    write_clusters(clusters, dst)

if __name__ == "__main__":
    main()

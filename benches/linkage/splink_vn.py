"""Splink (DuckDB backend) deduplicating a Vietnamese vaccination export (as
written by `cargo xtask synth-dupes`): writes its person clusters in the
columns `cargo xtask score-dupes` reads (line, cluster, kind).

    python benches/linkage/splink_vn.py EXPORT.csv CLUSTERS.csv [--per-row]

A careful but untuned setup taken from Splink's documentation (the FEBRL3
and person-deduplication examples), not fitted to the generator's truth:
the full name is split into family name (first word), middle words and
given name (last word), all lowercased and stripped of diacritics (NFD,
combining marks dropped, đ -> d); birth dates are normalised to ISO
(dd/mm/yyyy, yyyy-mm-dd, yyyymmdd; anything else, a bare year included, is
left empty); ID, phone, commune and sex are compared exactly (the ID also
at Damerau-Levenshtein 1 and 2). `line` is the physical line of the row in
the export, the header being line 1.

The dose rows of one person record (same ID, folded name and birth date,
as the generator defines a record) are collapsed before linking: Splink
links records, and a cluster is written, with every row of its records,
only when it holds more than one record, since score-dupes counts the pairs
between records only. `--per-row` links the rows as they are instead and
writes every cluster of more than one row (then the doses of a person
recorded once count as false pairs).
"""
import csv
import datetime
import re
import sys
import unicodedata

import pandas as pd
import splink.comparison_library as cl
from splink_dedupe import write_clusters
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

COLUMNS = {
    "name": "Họ và tên",
    "dob": "Ngày sinh",
    "sex": "Giới tính",
    "id": "Số CCCD",
    "phone": "Số điện thoại",
    "commune": "Xã",
}


def fold(s):
    """Lowercase, no diacritics, single spaces: 'Nguyễn  Đức' -> 'nguyen duc'."""
    s = s.replace("đ", "d").replace("Đ", "D")
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.lower().split())


def iso_date(s):
    """dd/mm/yyyy (also d/m/yyyy), yyyy-mm-dd or yyyymmdd as yyyy-mm-dd; else None."""
    s = s.strip()
    for pat, order in (
        (r"(\d{1,2})/(\d{1,2})/(\d{4})", "dmy"),
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
        (r"(\d{4})(\d{2})(\d{2})", "ymd"),
    ):
        m = re.fullmatch(pat, s)
        if m:
            a, b, c = (int(x) for x in m.groups())
            y, mo, d = (c, b, a) if order == "dmy" else (a, b, c)
            try:
                return datetime.date(y, mo, d).isoformat()
            except ValueError:
                return None
    return None


def digits(s):
    return re.sub(r"\D", "", s) or None


def read(src):
    """The export's rows, each with the physical line it starts on."""
    rows = []
    with open(src, encoding="utf-8-sig", newline="") as f:
        r = csv.reader(f)
        header = next(r)
        col = {k: header.index(v) for k, v in COLUMNS.items()}
        while True:
            line = r.line_num + 1
            try:
                rec = next(r)
            except StopIteration:
                break
            if not any(x.strip() for x in rec):
                continue
            get = lambda k: rec[col[k]] if col[k] < len(rec) else ""
            words = fold(get("name")).split()
            dob = iso_date(get("dob"))
            ident = (get("id").strip(), " ".join(words), dob or fold(get("dob")))
            rows.append(
                {
                    "unique_id": line,
                    "record": "|".join(ident),
                    "family": words[0] if words else None,
                    "middle": " ".join(words[1:-1]) or None,
                    "given": words[-1] if len(words) > 1 else None,
                    "dob": dob,
                    "sex": fold(get("sex")) or None,
                    "id": digits(get("id")),
                    "phone": digits(get("phone")),
                    "commune": fold(get("commune")) or None,
                }
            )
    return pd.DataFrame(rows)


def main():
    args = [a for a in sys.argv[1:] if a != "--per-row"]
    per_row = len(args) < len(sys.argv) - 1
    src, dst = args[:2]
    df = read(src)
    if per_row:
        df["record"] = df["unique_id"]
    else:
        # one row per record, named by its first line; the others join it later
        df["record"] = df.groupby("record", sort=False)["unique_id"].transform("first")
    lines_of = df.groupby("record")["unique_id"].apply(list).to_dict()
    df = df[df["unique_id"] == df["record"]].drop(columns="record")
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("family", "given"),
            block_on("given", "dob"),
            block_on("family", "dob"),
            block_on("id"),
            block_on("phone"),
        ],
        comparisons=[
            cl.NameComparison("given").configure(term_frequency_adjustments=True),
            cl.NameComparison("family").configure(term_frequency_adjustments=True),
            cl.ExactMatch("middle"),
            cl.DateOfBirthComparison(
                "dob", input_is_string=True, datetime_format="%Y-%m-%d"
            ),
            cl.DamerauLevenshteinAtThresholds("id", [1, 2]),
            cl.ExactMatch("phone"),
            cl.ExactMatch("commune").configure(term_frequency_adjustments=True),
            cl.ExactMatch("sex"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    db = DuckDBAPI()
    linker = Linker(db.register(df), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("family", "given", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("dob")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("family", "given")
    )
    pred = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(pred, 0.9)
    write_clusters(clusters, dst, lines_of)


if __name__ == "__main__":
    main()

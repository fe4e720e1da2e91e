#!/usr/bin/env python3
"""The reference check done with Python + polars, to compare with
`lamsach check --reference`: read both files, normalise names, join on the ID,
compare name, date of birth and sex, write the disagreements and print counts.

    python3 benches/reference_polars.py EXPORT.csv REFERENCE.csv OUT_DIR

Does less than lamsach (no typo / missing-word classification, none of the
other rules, no per-line unreadable-row recovery), so it is a lower bound for
what the same job costs in polars.
"""
import os
import sys
import time

import polars as pl


def norm(col):
    # NFC, lower case, single spaces
    return (pl.col(col).fill_null("").str.normalize("NFC").str.to_lowercase()
            .str.replace_all(r"\s+", " ").str.strip_chars())


def fold(expr):
    # no diacritics, đ -> d
    return expr.str.replace_all("đ", "d").str.normalize("NFD").str.replace_all(r"\p{Mn}", "")


def sex(col):
    v = fold(pl.col(col).fill_null("").str.to_lowercase().str.strip_chars())
    return (pl.when(v.is_in(["nam", "m", "male", "1"])).then(pl.lit(1))
            .when(v.is_in(["nu", "f", "female", "2"])).then(pl.lit(2)).otherwise(None))


def dob(col):
    s = pl.col(col).fill_null("").str.strip_chars()
    return pl.coalesce(s.str.to_date("%d/%m/%Y", strict=False), s.str.to_date("%Y-%m-%d", strict=False))


def main():
    export, reference, out = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    t0 = time.time()
    ref = pl.read_csv(reference, infer_schema=False).select(
        pl.col("Số định danh cá nhân").str.strip_chars().alias("id"),
        norm("Họ và tên").alias("r_name"),
        dob("Ngày sinh").alias("r_dob"),
        pl.col("Ngày sinh").str.strip_chars().str.slice(-4).alias("r_year"),
        sex("Giới tính").alias("r_sex"),
        pl.col("Ngày mất").alias("r_death"),
    ).filter(pl.col("id").str.contains(r"^\d{12}$"))
    dup = ref.filter(pl.col("id").is_duplicated()).height
    ref = ref.unique(subset="id", keep="first", maintain_order=True)
    exp = pl.read_csv(export, infer_schema=False).with_row_index("line", offset=2).select(
        "line",
        pl.col("Số CCCD").str.strip_chars().alias("id"),
        pl.col("Họ và tên").alias("name"),
        norm("Họ và tên").alias("e_name"),
        dob("Ngày sinh").alias("e_dob"),
        pl.col("Ngày sinh").str.strip_chars().str.slice(-4).alias("e_year"),
        sex("Giới tính").alias("e_sex"),
        pl.col("Huyện").alias("group"),
    )
    j = exp.filter(pl.col("id").str.contains(r"^\d{12}$")).join(ref, on="id", how="left")
    words = lambda c: fold(pl.col(c)).str.split(" ").list.sort().list.join(" ")
    j = j.with_columns(
        found=pl.col("r_name").is_not_null(),
        name_class=pl.when(pl.col("e_name") == pl.col("r_name")).then(pl.lit("same"))
        .when(fold(pl.col("e_name")) == fold(pl.col("r_name")))
        .then(pl.when(pl.col("e_name").str.contains(r"^[\x00-\x7f]*$")).then(pl.lit("no_accents")).otherwise(pl.lit("accents")))
        .when(words("e_name") == words("r_name")).then(pl.lit("word_order"))
        .otherwise(pl.lit("different")),
        dob_class=pl.when(pl.col("e_dob") == pl.col("r_dob")).then(pl.lit("same"))
        .when((pl.col("e_dob").dt.day() == pl.col("r_dob").dt.month()) & (pl.col("e_dob").dt.month() == pl.col("r_dob").dt.day())
              & (pl.col("e_dob").dt.year() == pl.col("r_dob").dt.year())).then(pl.lit("swapped"))
        .when(pl.col("e_dob").is_null() | pl.col("r_dob").is_null())
        .then(pl.when(pl.col("e_year") == pl.col("r_year")).then(pl.lit("year_only")).otherwise(pl.lit("unknown")))
        .when((pl.col("e_dob") - pl.col("r_dob")).dt.total_days().abs() <= 10).then(pl.lit("near"))
        .otherwise(pl.lit("different")),
        sex_differs=pl.col("e_sex") != pl.col("r_sex"),
    )
    j = j.with_columns(
        verified=pl.col("found") & (pl.col("name_class") == "same") & (pl.col("dob_class") == "same") & ~pl.col("sex_differs").fill_null(True)
    )
    bad = j.filter(~pl.col("verified")).select(
        "line", "group", "name", "found", "name_class", "dob_class", "sex_differs",
        pl.col("r_name").alias("reference_name"), pl.col("r_dob").alias("reference_dob"))
    bad.write_csv(f"{out}/polars-issues.csv")
    per_group = j.group_by("group").agg(pl.len().alias("rows"), pl.col("verified").sum().alias("verified")).sort("group")
    per_group.write_csv(f"{out}/polars-tally.csv")
    counts = {
        "rows": exp.height,
        "with_id": j.height,
        "not_found": j.filter(~pl.col("found")).height,
        "verified": int(j["verified"].sum()),
        "reference_duplicates": dup,
        **{f"name_{k}": v for k, v in j.filter(pl.col("found"))["name_class"].value_counts().iter_rows()},
        **{f"dob_{k}": v for k, v in j.filter(pl.col("found"))["dob_class"].value_counts().iter_rows()},
        "sex_differs": int(j["sex_differs"].fill_null(False).sum()),
    }
    print({k: counts[k] for k in sorted(counts)})
    print(f"polars: {time.time() - t0:.2f}s", file=sys.stderr)


if __name__ == "__main__":
    main()

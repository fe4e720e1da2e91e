"""The same reference-free checks as `lamsach check` on a vaccination export,
written as a short Python + polars script: the baseline lamsach is compared
with in benches/compare.sh. It reports counts per rule code.

    python3 benches/polars_checks.py export.csv 2026-11-23 [--dedupe]

--dedupe adds the fuzzy duplicates (DUP003-DUP005, benches/polars_dedupe.py)
in the same process: the like-for-like of `lamsach check`, which runs them.
"""
import sys
import time
from datetime import date

import polars as pl

from polars_fold import fold

PROVINCES = {1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31,
             33, 34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60,
             62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91,
             92, 93, 94, 95, 96}
MISSING = ["", "0", "-", "không có", "chưa có", "chưa cấp", "khong co", "chua co"]


def read_export(path: str) -> pl.DataFrame:
    """The export as strings, columns renamed, `line` = physical line (header 1)."""
    df = pl.read_csv(path, infer_schema=False, truncate_ragged_lines=True,
                     ignore_errors=True, quote_char=None, encoding="utf8-lossy")
    return df.rename({"Họ và tên": "name", "Ngày sinh": "dob", "Giới tính": "sex", "Số CCCD": "id",
                      "Số điện thoại": "phone", "Huyện": "district", "Vắc xin": "vaccine",
                      "Mũi": "dose", "Ngày tiêm": "vdate"}).with_row_index("line", offset=2)


def main() -> None:
    args = [a for a in sys.argv[1:] if a not in ("--dedupe", "-v")]
    path, today_s = args[0], args[1]
    today = date.fromisoformat(today_s)
    t0 = time.perf_counter()
    df = read_export(path)
    id_ = pl.col("id").fill_null("").str.strip_chars()
    digits = id_.str.contains(r"^\d+$")
    dob_s = pl.col("dob").fill_null("").str.strip_chars()
    dob = pl.coalesce(
        dob_s.str.to_date("%d/%m/%Y", strict=False),
        dob_s.str.to_date("%Y-%m-%d", strict=False),
        pl.when(dob_s.str.contains(r"^\d{5}$"))
        .then(pl.date(1899, 12, 30) + pl.duration(days=dob_s.cast(pl.Int64, strict=False))),
    )
    vdate = pl.col("vdate").fill_null("").str.strip_chars().str.to_date("%d/%m/%Y", strict=False)
    sex = pl.col("sex").fill_null("").str.to_lowercase().str.strip_chars()
    male = sex.is_in(["nam", "m", "male", "1"])
    female = sex.is_in(["nữ", "nu", "f", "female", "2"])
    year = pl.coalesce(dob.dt.year(), dob_s.str.extract(r"(\d{4})$").cast(pl.Int32, strict=False))
    g = id_.str.slice(3, 1).cast(pl.Int32, strict=False)
    df = df.with_columns(
        id_missing=id_.str.to_lowercase().is_in(MISSING),
        id_12=digits & (id_.str.len_chars() == 12),
        dob_d=dob, vdate_d=vdate, year=year,
        sex_m=male, sex_f=female, gdigit=g,
        prov=id_.str.slice(0, 3).cast(pl.Int32, strict=False),
        yy=id_.str.slice(4, 2).cast(pl.Int32, strict=False),
        name_f=fold(pl.col("name")),
    )
    rules = {
        "ID001": pl.col("id_missing"),
        "ID002": ~pl.col("id_missing") & ~(digits & id_.str.len_chars().is_in([9, 10, 11, 12])),
        "ID003": digits & id_.str.len_chars().is_in([10, 11]),
        "ID004": digits & (id_.str.len_chars() == 9),
        "ID005": pl.col("id_12") & ~pl.col("prov").is_in(list(PROVINCES)),
        "ID006": pl.col("id_12") & ((pl.col("sex_m") & (pl.col("gdigit") % 2 == 1))
                                    | (pl.col("sex_f") & (pl.col("gdigit") % 2 == 0))),
        "ID007": pl.col("id_12") & (1900 + (pl.col("gdigit") // 2) * 100 != (pl.col("year") // 100) * 100),
        "ID008": pl.col("id_12") & (pl.col("yy") != pl.col("year") % 100),
        "NAM001": pl.col("name").fill_null("").str.strip_chars() == "",
        "NAM002": pl.col("name").fill_null("").str.contains(r"[0-9@#$%^&*=+!?]"),
        "DOB001": dob_s == "",
        "DOB004": pl.col("dob_d") > today,
        "DOB005": pl.col("dob_d") < date(today.year - 121, today.month, today.day),
        "SEX002": (sex != "") & ~male & ~female,
        "PHO001": ~pl.col("phone").fill_null("").str.contains(r"^0[35789]\d{8}$") & (pl.col("phone").fill_null("") != ""),
        "VAC002": pl.col("vdate_d") < pl.col("dob_d"),
        "VAC003": pl.col("vdate_d") > today,
    }
    counts = df.select([e.fill_null(False).sum().alias(k) for k, e in rules.items()])
    # duplicates: the same event twice, and one ID for different people
    key = ["id", "name_f", "dob_d", "vaccine", "dose", "vdate_d"]
    dup = df.filter(pl.struct(key).is_duplicated() & ~pl.struct(key).is_first_distinct()).height
    shared = (df.filter(pl.col("id_12")).group_by("id")
              .agg(pl.col("name_f").n_unique().alias("n")).filter(pl.col("n") > 1).height)
    fuzzy = {}
    if "--dedupe" in sys.argv:
        # The fuzzy duplicates (DUP003-DUP005) as lamsach check's pre-pass:
        # benches/polars_dedupe.py, on the same frame.
        from pathlib import Path
        import polars_dedupe
        cfg = polars_dedupe.load_config(Path(__file__).resolve().parent.parent / "rules")
        fuzzy = polars_dedupe.dedupe(df, cfg, PROVINCES, path=path, verbose="-v" in sys.argv)
    t1 = time.perf_counter()
    out = counts.to_dicts()[0]
    out["DUP001"] = dup
    out["DUP002(ids)"] = shared
    fuzzy.pop("rows", None)
    out.update(fuzzy)
    print(f"rows={df.height} time={t1 - t0:.2f}s")
    print(" ".join(f"{k}={v}" for k, v in out.items()))


if __name__ == "__main__":
    main()

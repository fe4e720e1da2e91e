"""Fuzzy duplicate detection (DUP003/DUP004 same person, DUP005 same event)
as `lamsach dedupe` does it, written as Python + polars: the like-for-like
baseline of lamsach's duplicate pre-pass in benches/compare.sh (row (c+),
through `polars_checks.py --dedupe`).

    python3 benches/polars_dedupe.py export.csv [--out clusters.csv] [--rules rules/]
    cargo xtask score-dupes --truth truth.csv --clusters clusters.csv

Same method and the same rules/dedupe.toml (read with tomllib: blocks, sort
keys, window (a block's own or the file's), max_block, weights, threshold,
event.max_days):
  1. Rows with the same ID digits, folded name and birth date are one person
     record (first row's values; sex, phone, commune, address filled from
     later rows when empty).
  2. Candidate pairs per block kind (sort + `int_ranges` + explode): blocks
     with `sort` larger than `window` by sorted neighbourhood (each record
     with the next window - 1 in sort order, records without a sort value
     with every record of a block of at most max_block); plain blocks over
     max_block skipped, smaller ones compared in full. As lamsach's
     candidate_edges does, a pair whose records shared an earlier block
     compared as a whole is not compared again. Pairs met in several kinds are scored once; the count
     printed as compared_pairs is lamsach's "pairs compared".
  3. Scoring, vectorised over pair columns: the Fellegi-Sunter levels and
     weights of src/dedupe/compare.rs (name exact/folded/accent_differs/
     partial/typo/given_differs/differ with the term-frequency penalty; dob
     exact/swapped/near/year_off/year_only/differ; sex; id same/near/differ;
     phone; commune; address; vaccine; events same/conflict/disjoint). Edit
     distances with rapidfuzz's `process.cpdist` (OSA, the C++ loop over the
     two string columns), digit typos (one digit off or two adjacent swapped)
     with integer arithmetic on the digits. Cheap fields first: a pair that
     cannot reach the threshold whatever its name and events is dropped
     before the names are compared, as lamsach does.
  4. Pairs at or over the threshold: connected components by label
     propagation in polars (person clusters from pairs whose IDs are not the
     same; event groups from all pairs). Same event = same person group,
     same vaccine + dose, dates chained at most event.max_days apart, not
     all equal on DUP001's key.

Rows lamsach cannot read are left out as it leaves them out: a second,
line-by-line read keeps the lines with the header's number of fields and no
quote (polars reads with quote_char=None, as polars_checks.py does; on the
generated exports every quote is an unclosed one, which lamsach skips).

Checked against lamsach (main after the fix that compares blocks without a
sort key in full): the same rows read, person records, pairs compared and
matched pairs on the synth export at 1M (3,695,080 compared, 7 matched) and
10M (160,031,674, 612), and on the synth-dupes 1M file (3,327,747, 12,637;
person/event/all F1 0.9599/0.9858/0.9689, the same as lamsach's); before
that fix, with its behaviour copied, also the same clusters.csv clusters and
rules.

Simplifications against lamsach (none matters on the generated exports):
  - CSV: no quoted fields (a line with a quote is dropped), "," only;
  - dates: dd/mm/yyyy, yyyy-mm-dd, dd/mm/yyyy with 00/00 (year only),
    mm/yyyy, a year alone, Excel serials (5-6 digits); lamsach also reads
    yyyymmdd, dd.mm.yyyy, dd-mm-yyyy, date-times and serials with ".0";
  - strings are compared by 64-bit hashes (lamsach interns them; it keys
    person records by a 64-bit hash too);
  - folding is polars' lower case + NFD without marks + đ→d (lamsach has its
    own table); names are not cut at 96 characters;
  - sort order of a windowed block: the sort value's first 8 characters,
    then the record number (lamsach: first 8 bytes, then record number);
  - `filled` (survivor choice, only for the DUP003/4/5 counts) counts the
    non-empty cells of the renamed columns;
  - float64 scores instead of f32 (a pair exactly on the threshold may
    round the other way).
"""
import argparse
import sys
import time
import tomllib
from pathlib import Path

import numpy as np
import polars as pl
from rapidfuzz import process
from rapidfuzz.distance import OSA

from polars_fold import fold  # the folding the checks use for names

HERE = Path(__file__).resolve().parent
# Pairs scored per chunk: bounds the memory of the pair columns.
CHUNK = 8_000_000
DEBUG = False


def norm(e: pl.Expr) -> pl.Expr:
    """Lower case with diacritics (NFC), whitespace runs to one space."""
    return (e.fill_null("").str.normalize("NFC").str.to_lowercase()
            .str.replace_all(r"\s+", " ").str.strip_chars())


def parse_date(df: pl.DataFrame, col: str, out: str) -> pl.DataFrame:
    """Adds {out} (full date or null), {out}_year (also of a year-only date)
    and {out}_key (the date as the person record key: ISO, year-only, or
    the folded text) from the text column `col`."""
    df = df.with_columns(_s=pl.col(col).fill_null("").str.strip_chars())
    s = pl.col("_s")
    df = df.with_columns(_n=s.cast(pl.Int64, strict=False), _short=s.str.contains(r"^\d{1,6}$"))
    n = pl.col("_n")
    year_alone = pl.col("_short") & (s.str.len_bytes() == 4) & n.is_between(1800, 2200)
    serial = (pl.when(pl.col("_short") & ~year_alone & n.is_between(61, 109_574))
              .then(pl.date(1899, 12, 30) + pl.duration(days=n)))
    full = pl.coalesce(pl.when(s.str.contains(r"^\d{1,2}/\d{1,2}/\d{4}$"))
                       .then(s.str.to_date("%d/%m/%Y", strict=False)),
                       pl.when(s.str.contains(r"^\d{4}-\d{2}-\d{2}$"))
                       .then(s.str.to_date("%Y-%m-%d", strict=False)), serial)
    my_m = (pl.when(s.str.contains(r"^\d{1,2}/\d{4}$"))
            .then(s.str.split("/").list.first().cast(pl.Int32, strict=False)))
    my_m = pl.when(my_m.is_between(1, 12)).then(my_m)
    last4 = s.str.slice(-4).cast(pl.Int32, strict=False)
    partial_year = (pl.when(s.str.contains(r"^0{1,2}/0{1,2}/\d{4}$")).then(last4)
                    .when(year_alone).then(n.cast(pl.Int32))
                    .when(my_m.is_not_null()).then(last4))
    df = df.with_columns(**{out: full}, _py=partial_year, _mm=my_m)
    key = pl.coalesce(pl.col(out).cast(pl.String),
                      pl.when(pl.col("_py").is_not_null())
                      .then(pl.format("P{}-{}", pl.col("_py"), pl.col("_mm").cast(pl.String).fill_null(""))),
                      fold(s))
    return df.with_columns(**{f"{out}_year": pl.coalesce(pl.col(out).dt.year().cast(pl.Int32), pl.col("_py")),
                              f"{out}_key": key}).drop("_s", "_n", "_short", "_py", "_mm")


def load_config(rules: Path) -> dict:
    with open(rules / "dedupe.toml", "rb") as f:
        cfg = tomllib.load(f)
    with open(rules / "settings.toml", "rb") as f:
        settings = tomllib.load(f)
    cfg["male"] = settings["person"]["male"]
    cfg["female"] = settings["person"]["female"]
    return cfg


def rows_frame(df: pl.DataFrame, cfg: dict, provinces) -> pl.DataFrame:
    """The fields dedupe uses, per row. `df` has polars_checks.py's names."""
    has = set(df.columns)
    text = [c for c in df.columns if df.schema[c] == pl.String]
    col = lambda c: pl.col(c) if c in has else pl.lit(None, pl.String)  # noqa: E731
    nonempty = lambda e: pl.when(e != "").then(e)  # noqa: E731
    commune_col = "commune" if "commune" in has else "Xã"
    address_col = "address" if "address" in has else "Địa chỉ"
    df = df.select(
        "line",
        *[col(c).fill_null("").alias(c) for c in ("name", "dob", "vdate", "sex", "vaccine", "dose")],
        _id=col("id").fill_null("").str.strip_chars(),
        _phone=col("phone").fill_null("").str.replace_all(r"[^0-9]", ""),
        _commune=col(commune_col).fill_null(""), _address=col(address_col).fill_null(""),
        filled=pl.sum_horizontal([(pl.col(c).str.len_bytes() > 0).fill_null(False).cast(pl.UInt16)
                                  for c in text]),
    )
    # Text columns repeat (names, dates, communes, vaccines): each distinct
    # value is folded or parsed once and joined back.
    def by_value(df, c, **exprs):
        u = df.select(pl.col(c).unique()).with_columns(**exprs)
        return df.join(u, on=c, how="left", maintain_order="left")
    df = by_value(df, "name", _name=fold(pl.col("name")), name_n=nonempty(norm(pl.col("name"))))
    df = by_value(df, "sex", _sex=fold(pl.col("sex")))
    df = by_value(df, "vaccine", _vac=fold(pl.col("vaccine")))
    # Dose `1`, `Mũi 1`, `1.0`: its digits; else the folded text.
    dose_d = (pl.col("dose").str.strip_chars().str.split(".").list.first().str.split(",").list.first()
              .str.replace_all(r"[^0-9]", ""))
    df = by_value(df, "dose", _dose_f=fold(pl.col("dose")),
                  _dose_k=pl.when(dose_d != "").then(dose_d.str.strip_chars_start("0")).otherwise(fold(pl.col("dose"))))
    df = by_value(df, "_commune", commune=nonempty(fold(pl.col("_commune"))))
    df = by_value(df, "_address", address=nonempty(fold(pl.col("_address"))))
    for c, out in (("dob", "dob_d"), ("vdate", "vdate_d")):
        u = parse_date(df.select(pl.col(c).unique()), c, out)
        df = df.join(u, on=c, how="left", maintain_order="left")
    # ID: 12 digits (not all zero), 9 digits, 10-11 digits zero-padded when
    # the padded province code exists, 12 digits written with separators.
    v = pl.col("_id")
    digits = v.str.contains(r"^\d+$")
    n = v.str.len_bytes()
    padded = v.str.zfill(12)
    cleaned = v.str.replace_all(r"[^0-9]", "")
    id_d = (pl.when(digits & (n == 12) & v.str.contains(r"[1-9]")).then(v)
            .when(digits & (n == 9)).then(v)
            .when(digits & n.is_in([10, 11])
                  & padded.str.slice(0, 3).cast(pl.Int32, strict=False).is_in(list(provinces)))
            .then(padded)
            .when(~digits & v.str.contains(r"^[0-9\s.\-,_']+$") & (cleaned.str.len_bytes() == 12))
            .then(cleaned))
    folded = lambda xs: pl.select(fold(pl.Series(xs))).to_series().to_list()  # noqa: E731
    sex = (pl.when(pl.col("_sex").is_in(folded(cfg["male"]))).then(pl.lit("m"))
           .when(pl.col("_sex").is_in(folded(cfg["female"]))).then(pl.lit("f")))
    p = pl.col("_phone")
    pn = p.str.len_bytes()
    p = (pl.when((pn == 11) & p.str.starts_with("84")).then(pl.lit("0") + p.str.slice(2))
         .when((pn == 9) & ~p.str.starts_with("0")).then(pl.lit("0") + p).otherwise(p))
    phone = pl.when((p.str.len_bytes() >= 9) & p.str.contains(r"[1-9]")).then(p)
    out = df.select(
        "line", "name_n", "commune", "address", "filled",
        name_f=nonempty(pl.col("_name")),
        dob="dob_d", year="dob_d_year", dob_key="dob_d_key",
        id_d=id_d, sex=sex, phone=phone,
        vaccine=nonempty(pl.col("_vac")),
        ekey=pl.struct(pl.col("_vac").alias("v"), pl.col("_dose_k").alias("d")).hash(),
        vday=pl.col("vdate_d").cast(pl.Int32),
        # DUP001's key (polars_checks.py's): rows equal on it are DUP001's.
        exact=pl.struct(v.alias("i"), pl.col("_name").alias("n"),
                        pl.coalesce(pl.col("dob_d").cast(pl.String), pl.col("dob")).alias("b"),
                        pl.col("_vac").alias("v"), pl.col("_dose_f").alias("d"),
                        pl.coalesce(pl.col("vdate_d").cast(pl.String), pl.col("vdate")).alias("t")).hash(),
    )
    return out.with_columns(pkey=pl.struct(pl.col("id_d").fill_null("").alias("i"),
                                           pl.col("name_f").fill_null("").alias("n"), "dob_key").hash())


def records_frame(rows: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Person records (pid = order of first appearance) and rows with their pid."""
    first = ["name_f", "name_n", "dob", "year", "id_d", "vaccine"]
    filled = ["sex", "phone", "commune", "address"]
    rec = (rows.group_by("pkey", maintain_order=True)
           .agg([pl.col(c).first() for c in first] + [pl.col(c).drop_nulls().first() for c in filled])
           .with_row_index("pid"))
    rows = rows.join(rec.select("pkey", "pid"), on="pkey", how="left", maintain_order="left").drop("pkey")
    words = pl.col("name_f").str.split(" ")
    rec = rec.drop("pkey").with_columns(
        nw=words.list.len().cast(pl.Int32),
        given=words.list.last(), family=words.list.first(),
        prefix=pl.col("name_f").str.replace(r" [^ ]*$", ""),
        mid=words.list.slice(1, words.list.len() - 2),
        accented=pl.col("name_n") != pl.col("name_f"),
        dd=pl.col("dob").dt.day().cast(pl.Int32), mm=pl.col("dob").dt.month().cast(pl.Int32),
        yy=pl.col("dob").dt.year().cast(pl.Int32),
        id_num=pl.col("id_d").cast(pl.UInt64, strict=False),
        id_len=pl.col("id_d").str.len_bytes().cast(pl.Int32),
    ).with_columns(
        cnt=pl.len().over("name_f").cast(pl.Int32),
        gcnt=pl.len().over("given").cast(pl.Int32),
        dob8=pl.col("dd").cast(pl.Int64) * 1_000_000 + pl.col("mm").cast(pl.Int64) * 10_000
        + pl.col("yy").cast(pl.Int64) % 10_000,
        # Pairs are compared on 64-bit hashes of the strings (as lamsach
        # keys its records): gathering and comparing numbers is cheaper.
        **{f"{c}_c": pl.when(pl.col(c).is_not_null()).then(pl.col(c).hash()) for c in
           ("name_f", "name_n", "given", "family", "prefix", "phone", "commune", "address", "vaccine", "sex")},
        nospace_c=pl.col("name_f").str.replace_all(" ", "", literal=True).hash(),
        nlen=pl.col("name_f").str.len_bytes().cast(pl.Int32),
        glen=pl.col("given").str.len_bytes().cast(pl.Int32),
        flen=pl.col("family").str.len_bytes().cast(pl.Int32),
        dob_i=pl.col("dob").cast(pl.Int32),
    )
    return rec, rows


def part_expr(part: str) -> pl.Expr:
    d = pl.col("dob")
    lo = pl.min_horizontal(pl.col("dd"), pl.col("mm"))
    hi = pl.max_horizontal(pl.col("dd"), pl.col("mm"))
    if part == "dob":
        return d.cast(pl.Int32)
    if part == "dob_unordered":
        return pl.when(d.is_not_null()).then(pl.col("yy") * 10_000 + lo * 100 + hi)
    if part == "day_month":
        return pl.when(d.is_not_null()).then(lo * 100 + hi)
    if part == "birth_year":
        return pl.col("year")
    if part == "given_name":
        return pl.col("given")
    if part == "family_name":
        return pl.col("family")
    if part == "full_name":
        return pl.col("name_f")
    if part == "id":
        return pl.col("id_d")
    if part.startswith("id_prefix:"):
        k = int(part.split(":")[1])
        return pl.when(pl.col("id_len") >= k).then(pl.col("id_d").str.slice(0, k))
    if part.startswith("id_suffix:"):
        k = int(part.split(":")[1])
        return pl.when(pl.col("id_len") >= k).then(pl.col("id_d").str.slice(-k))
    if part in ("phone", "sex", "commune"):
        return pl.col(part)
    raise SystemExit(f"unknown key part {part}")


def sort_expr(part: str) -> pl.Expr:
    """Sort value of a windowed block; null = none (first, meets everyone)."""
    if part in ("given_name", "family_name", "full_name"):
        return part_expr(part).str.slice(0, 8)
    if part in ("dob", "dob_unordered"):
        return pl.col("dob").cast(pl.Int32)
    if part == "day_month":
        return pl.when(pl.col("dob").is_not_null()).then(pl.col("mm") * 32 + pl.col("dd"))
    if part.startswith("id"):
        return pl.col("id_num")
    return part_expr(part)


def block_pairs(rec: pl.DataFrame, block: dict, cfg: dict) -> tuple[pl.Series, pl.Series]:
    """Candidate pairs of one block kind, as a << 32 | b (a < b), and each
    record's group: the key of its block when that block was compared as a
    whole, not by window (null otherwise), which later kinds skip as
    lamsach's candidate_edges does."""
    parts = [part_expr(p) for p in block["keys"]]
    key = pl.when(pl.all_horizontal([e.is_not_null() for e in parts])).then(
        pl.struct([e.alias(f"k{i}") for i, e in enumerate(parts)]).hash())
    sort = block.get("sort")
    window, max_block = max(block.get("window", cfg["window"]), 2), cfg["max_block"]
    k = (rec.lazy().select("pid", key=key, sv=sort_expr(sort) if sort else pl.lit(0))
         .with_columns(n=pl.len().over("key").cast(pl.Int64)))
    compared = (pl.col("key").is_not_null() & (pl.col("n") >= 2)
                & (pl.col("n") <= (window if sort else max_block)))
    k = k.with_columns(g=pl.when(compared).then(pl.col("key")))
    group = k.select("g").collect()["g"]  # by pid: rec is in pid order
    k = k.filter(pl.col("key").is_not_null() & (pl.col("n") >= 2))
    if not sort:
        k = k.filter(pl.col("n") <= max_block)
    k = (k.sort(["key", "sv", "pid"], nulls_last=False).with_row_index("i")
         .with_columns(start=pl.col("i").first().over("key").cast(pl.Int64), i=pl.col("i").cast(pl.Int64)))
    end = pl.col("start") + pl.col("n")
    if sort:
        missing = pl.when(pl.col("n") <= max_block).then(pl.col("sv").is_null().sum().over("key")).otherwise(0)
        near = (pl.col("i") - pl.col("start") < missing) | (pl.col("n") <= window)
        end = pl.when(near).then(end).otherwise(pl.min_horizontal(end, pl.col("i") + window))
    k = k.with_columns(end=end).collect()
    pid = k["pid"].cast(pl.UInt64)
    j = k.select(a=pl.col("pid").cast(pl.UInt64), j=pl.int_ranges(pl.col("i") + 1, pl.col("end"))) \
        .explode("j").drop_nulls("j")
    b = pid.gather(j["j"])
    a = j["a"]
    codes = pl.select(pl.min_horizontal(a, b) * (1 << 32) + pl.max_horizontal(a, b)).to_series()
    return codes, group


def candidate_pairs(rec: pl.DataFrame, cfg: dict, log) -> tuple[pl.Series, int]:
    """The unique candidate pairs of every block kind, and the number of
    comparisons lamsach counts (a pair two windowed blocks share counts
    twice). A pair whose records shared a block of an earlier kind compared
    as a whole is left out: scored there."""
    codes, groups = [], []
    compared = 0
    for block in cfg["blocks"]:
        c, g = block_pairs(rec, block, cfg)
        n = c.len()
        if groups:
            a = (c // (1 << 32)).cast(pl.UInt32)
            b = (c % (1 << 32)).cast(pl.UInt32)
            seen = pl.Series(np.zeros(n, dtype=bool))
            for h in groups:
                seen = seen | (h.gather(a) == h.gather(b)).fill_null(False)
            c = c.filter(~seen)
        compared += c.len()
        codes.append(c)
        groups.append(g)
        log(f"block {block['name']}: {n} pairs, {c.len()} not met in an earlier block")
    del groups
    return pl.concat(codes).unique(), compared


def osa(rec: pl.DataFrame, df: pl.DataFrame, mask: pl.Series, col: str) -> pl.Series:
    """OSA distance between the records a and b's `col` where mask holds
    (else null): rapidfuzz's cpdist over the two string columns."""
    mask = mask.fill_null(False)
    out = np.full(df.height, -1, dtype=np.int32)
    sub = df.filter(mask)
    if sub.height:
        s = rec[col]
        d = process.cpdist(s.gather(sub["a"]).to_list(), s.gather(sub["b"]).to_list(),
                           scorer=OSA.distance, workers=-1)
        out[mask.to_numpy()] = d
    return pl.Series(out).replace(-1, None)


def near_digits(x: pl.Expr, y: pl.Expr, ndigits: int) -> pl.Expr:
    """One digit differs, or two adjacent digits swapped (numbers of ndigits digits)."""
    dx = [(x // 10 ** i) % 10 for i in range(ndigits)]
    dy = [(y // 10 ** i) % 10 for i in range(ndigits)]
    ne = [a != b for a, b in zip(dx, dy)]
    ham = pl.sum_horizontal([e.cast(pl.Int32) for e in ne])
    swap = pl.any_horizontal([ne[i] & ne[i + 1] & (dx[i] == dy[i + 1]) & (dx[i + 1] == dy[i])
                              for i in range(ndigits - 1)])
    return (ham == 1) | ((ham == 2) & swap)


# The two leading digits of k·10^i and 9k·10^i (k = 1..9).
LEADS = np.array(sorted(set(range(1, 10)) | {10 * k for k in range(1, 10)} | {9 * k for k in range(1, 10)}))
KNOWN_COLS = ["dob_i", "year", "dd", "mm", "yy", "dob8", "id_num", "id_len", "sex_c", "phone_c", "commune_c",
              "address_c", "vaccine_c"]
NAME_COLS = ["name_f_c", "name_n_c", "accented", "nw", "given_c", "family_c", "prefix_c", "nospace_c",
             "nlen", "glen", "flen", "cnt", "gcnt", "has_ev"]


def score_pairs(codes: pl.Series, rec: pl.DataFrame, events: pl.DataFrame, cfg: dict) -> pl.DataFrame:
    """Scores pairs a << 32 | b; returns those at or over the threshold: a, b, score, same_id."""
    w = cfg["weights"]
    thr = float(cfg["threshold"])
    margin = 1e-3
    name_max = max([0.0] + [float(w["name"][k]) for k in
                            ("exact", "folded", "accent_differs", "partial", "typo", "given_differs", "differ")])
    ev_max = max(0.0, *(float(w["events"][k]) for k in ("same", "conflict", "disjoint")))
    T0 = [time.perf_counter()]

    def tick(msg):
        if DEBUG:
            print(f"    {time.perf_counter() - T0[0]:.2f} {msg}", file=sys.stderr)
            T0[0] = time.perf_counter()
    a = (codes // (1 << 32)).cast(pl.UInt32)
    b = (codes % (1 << 32)).cast(pl.UInt32)
    def gather(df, cols):
        sc = rec.select(cols)
        return pl.concat([df, sc[df["a"]].rename(lambda c: c + "_a"), sc[df["b"]].rename(lambda c: c + "_b")],
                         how="horizontal")
    df = gather(pl.DataFrame({"a": a, "b": b}), KNOWN_COLS)
    tick("gather")
    A = lambda c: pl.col(c + "_a")  # noqa: E731
    B = lambda c: pl.col(c + "_b")  # noqa: E731

    def agree(c, wt):
        return (pl.when(A(c).is_null() | B(c).is_null()).then(0.0)
                .when(A(c) == B(c)).then(wt["agree"]).otherwise(wt["differ"]))

    # Cheap fields first. Digit typos (dob, id) only where they decide.
    wd, wi = w["dob"], w["id"]
    both_full = A("dob_i").is_not_null() & B("dob_i").is_not_null()
    df = df.with_columns(
        dob_l=pl.when(both_full).then(
            pl.when(A("dob_i") == B("dob_i")).then(pl.lit(1))
            .when((A("dd") != B("dd")) & (A("mm") != B("mm")) & (A("yy") % 10000 != B("yy") % 10000))
            .then(pl.lit(6))
            .when((A("yy") == B("yy")) & (A("mm") == B("dd")) & (A("dd") == B("mm"))).then(pl.lit(2))
            .when(((A("yy") - B("yy")).abs() == 1) & (A("mm") == B("mm")) & (A("dd") == B("dd")))
            .then(pl.lit(4))
            .otherwise(pl.lit(9)))
        .when(A("year").is_not_null() & B("year").is_not_null())
        .then(pl.when(A("year") == B("year")).then(pl.lit(5)).otherwise(pl.lit(6))),
        id_l=pl.when(A("id_num").is_null() | B("id_num").is_null() | (A("id_len") != B("id_len"))).then(None)
        .when(A("id_num") == B("id_num")).then(pl.lit(1)).otherwise(pl.lit(9)),
    )
    tick("levels")
    for lev, x, n in (("dob_l", "dob8", 8), ("id_l", "id_num", 12)):
        # One digit off or two adjacent swapped: the difference is k·10^i
        # or 9k·10^i. Only those few get the digit-by-digit test.
        m = (df[lev] == 9).fill_null(False).to_numpy()
        if m.any():
            xa = df[x + "_a"].to_numpy()[m].astype(np.int64)
            xb = df[x + "_b"].to_numpy()[m].astype(np.int64)
            diff = np.maximum(np.abs(xa - xb), 1)
            nd = np.floor(np.log10(diff)).astype(np.int64)
            nd += 10 ** (nd + 1) <= diff
            nd -= 10 ** nd > diff
            p = 10 ** np.maximum(nd - 1, 0)
            lead = np.where(diff % p == 0, diff // p, 0)
            cand = np.flatnonzero(m)[np.isin(lead, LEADS)]
            near = np.zeros(df.height, dtype=bool)
            if len(cand):
                near[cand] = (df.select(x + "_a", x + "_b")[cand]
                              .select(near=near_digits(A(x), B(x), n))["near"].to_numpy())
            df = df.with_columns(pl.when(pl.col(lev) == 9)
                                 .then(pl.when(pl.Series(near)).then(3).otherwise(6 if lev == "dob_l" else 4))
                                 .otherwise(pl.col(lev)).alias(lev))
            tick(f"near {lev}: {m.sum()} pairs, {len(cand)} tested digit by digit")
    # Levels: dob 1 exact, 2 swapped, 3 near, 4 year_off, 5 year_only, 6 differ;
    # id 1 same, 3 near, 4 differ; null missing.
    dob_w = pl.col("dob_l").replace_strict([1, 2, 3, 4, 5, 6], [float(wd[k]) for k in (
        "exact", "swapped", "near", "year_off", "year_only", "differ")], default=0.0).fill_null(0.0)
    id_w = pl.col("id_l").replace_strict([1, 3, 4], [float(wi[k]) for k in ("same", "near", "differ")],
                                         default=0.0).fill_null(0.0)
    known = (dob_w + id_w + agree("sex_c", w["sex"]) + agree("phone_c", w["phone"])
             + agree("commune_c", w["commune"]) + agree("address_c", w["address"])
             + agree("vaccine_c", w["vaccine"]))
    df = df.select("a", "b", known=known, same_id=(pl.col("id_l") == 1).fill_null(False))
    tick("known")
    df = gather(df.filter(pl.col("known") + name_max + ev_max >= thr - margin), NAME_COLS)

    tick("known+filter")
    # Names, on the folded strings (cmp_name).
    wn = w["name"]
    la, lb = A("nlen"), B("nlen")
    same_given, same_family = A("given_c") == B("given_c"), A("family_c") == B("family_c")
    df = df.with_columns(
        missing=A("name_f_c").is_null() | B("name_f_c").is_null(),
        exact=A("name_n_c") == B("name_n_c"),
        folded=A("name_f_c") == B("name_f_c"),
        part_cand=(A("nw") > 1) & (B("nw") > 1) & (A("nw") != B("nw")) & same_given & same_family,
        given_branch=(A("nw") == B("nw")) & (A("nw") > 1) & same_family & (A("prefix_c") == B("prefix_c")),
        rare=pl.min_horizontal(A("gcnt"), B("gcnt")) * 20 < pl.max_horizontal(A("gcnt"), B("gcnt")),
        long4=pl.max_horizontal(A("glen"), B("glen")) >= 4,
        typo_cand=(pl.min_horizontal(la, lb) >= 8) & ((la - lb).abs() <= 2),
        fam_len1=(A("flen") - B("flen")).abs() <= 1,
        giv_len1=(A("glen") - B("glen")).abs() <= 1,
        same_given=same_given, same_family=same_family,
        nospace=((la - lb).abs() <= 3) & (A("nospace_c") == B("nospace_c")),
    ).with_columns(pl.col("missing", "exact", "folded", "part_cand", "given_branch", "nospace").fill_null(False))
    tick("name flags")
    open_ = ~pl.col("missing") & ~pl.col("exact") & ~pl.col("folded")
    # Partial: middle words of the shorter name all in the longer one's.
    pc = df.select(open_ & pl.col("part_cand")).to_series()
    arr = np.zeros(df.height, dtype=bool)
    if pc.any():
        sub = df.filter(pc)
        t = pl.DataFrame({"wa": rec["name_f"].gather(sub["a"]).str.split(" "),
                          "wb": rec["name_f"].gather(sub["b"]).str.split(" ")})
        mid = lambda c: pl.col(c).list.slice(1, pl.col(c).list.len() - 2)  # noqa: E731
        ok = t.select(pl.when(pl.col("wa").list.len() <= pl.col("wb").list.len())
                      .then(mid("wa").list.set_difference(mid("wb")).list.len() == 0)
                      .otherwise(mid("wb").list.set_difference(mid("wa")).list.len() == 0)).to_series()
        arr[pc.to_numpy()] = ok.to_numpy()
    df = df.with_columns(partial=pl.Series(arr))
    tick("partial")
    open2 = open_ & ~pl.col("partial")
    # Same family and middle names, another given name: a typo when one is rare.
    gmask = df.select(open2 & pl.col("given_branch") & pl.col("rare") & pl.col("long4")).to_series()
    df = df.with_columns(osa_given=osa(rec, df, gmask, "given"))
    # Elsewhere: a typo when the family and given names are close and the
    # whole name is at most two edits off.
    tmask = open2 & ~pl.col("given_branch") & pl.col("typo_cand")
    fmask = df.select(tmask & ~pl.col("same_family") & pl.col("fam_len1")).to_series()
    df = df.with_columns(osa_family=osa(rec, df, fmask, "family"))
    vmask = df.select(tmask & ~pl.col("same_given") & pl.col("giv_len1")).to_series()
    df = df.with_columns(osa_gv=osa(rec, df, vmask, "given"))
    close_f = pl.col("same_family") | (pl.col("osa_family") <= 1)
    close_g = pl.col("same_given") | (pl.col("osa_gv") <= 1)
    nmask = df.select((tmask & close_f & close_g).fill_null(False)).to_series()
    df = df.with_columns(osa_name=osa(rec, df, nmask, "name_f"))
    tick("osa")
    common = pl.max_horizontal(pl.min_horizontal(A("cnt"), B("cnt")), 2).cast(pl.Float64)
    tf = (wn["frequent_penalty"] * (common / 2).log(2)).clip(0.0, max(wn["frequent_max"], 0.0))
    name_w = (pl.when(pl.col("missing")).then(0.0)
              .when(pl.col("exact")).then(wn["exact"] - tf)
              .when(pl.col("folded")).then(
                  pl.when(A("accented") & B("accented")).then(wn["accent_differs"]).otherwise(wn["folded"] - tf))
              .when(pl.col("partial")).then(wn["partial"])
              .when(pl.col("given_branch")).then(
                  pl.when(pl.col("osa_given") <= 1).then(wn["typo"]).otherwise(wn["given_differs"]))
              .when((pl.col("osa_name") <= 2) | pl.col("nospace")).then(wn["typo"])
              .otherwise(wn["differ"]))
    df = df.select("a", "b", "same_id", "has_ev_a", "has_ev_b", s=pl.col("known") + name_w)
    df = df.filter(pl.col("s") + ev_max >= thr - margin)

    tick("name w")
    # Events: same (vaccine, dose) in both, dates at most max_days apart.
    we = w["events"]
    max_days = int(cfg["event"]["max_days"])
    p = df.select("a", "b").with_row_index("r")
    m = (p.join(events, left_on="a", right_on="pid").join(events, left_on=["b", "ekey"], right_on=["pid", "ekey"])
         .group_by("r").agg(same=((pl.col("vday") - pl.col("vday_right")).abs() <= max_days).any()))
    df = (df.with_row_index("r").join(m, on="r", how="left")
          .with_columns(ev=pl.when(~pl.col("has_ev_a") | ~pl.col("has_ev_b")).then(0.0)
                        .when(pl.col("same")).then(we["same"])
                        .when(pl.col("same").is_not_null()).then(we["conflict"])
                        .otherwise(we["disjoint"])))
    tick("events")
    return (df.select("a", "b", "same_id", score=pl.col("s") + pl.col("ev"))
            .filter(pl.col("score") >= thr))


def components(edges: pl.DataFrame) -> pl.DataFrame:
    """Connected components of edges (a, b): node, label (smallest node)."""
    e = pl.concat([edges.select(x="a", y="b"), edges.select(x="b", y="a")])
    lab = e.group_by("x").agg(l=pl.min_horizontal(pl.col("x"), pl.col("y").min()).first())
    while True:
        # Each node takes the smallest label among its neighbours, then
        # follows its label's label (pointer jumping).
        nb = (e.join(lab, left_on="y", right_on="x").group_by("x").agg(m=pl.col("l").min()))
        new = (lab.join(nb, on="x", how="left").select("x", l=pl.min_horizontal("l", "m")))
        new = (new.join(new.rename({"x": "l", "l": "ll"}), on="l", how="left")
               .select("x", l=pl.min_horizontal("l", "ll")))
        if new.sort("x").equals(lab.sort("x")):
            return new.rename({"x": "node", "l": "label"})
        lab = new


def readable(path: str, df: pl.DataFrame) -> pl.Series | None:
    """Rows lamsach reads: as many fields as the header (or more, all
    empty), and no quote (polars reads with quote_char=None; lamsach drops a
    line whose quote does not close). None when the lines do not line up
    with df's rows."""
    with open(path, "rb") as f:
        n = f.readline().count(b",") + 1
    lines = pl.read_csv(path, has_header=True, separator="\x01", quote_char=None, infer_schema=False,
                        encoding="utf8-lossy", new_columns=["l"])
    if lines.height != df.height:
        return None
    commas = pl.col("l").str.count_matches(",", literal=True)
    trimmed = pl.col("l").str.replace(r"[,\s]+$", "").str.count_matches(",", literal=True)
    return lines.select(((commas == n - 1) | ((commas > n - 1) & (trimmed <= n - 1)))
                        & ~pl.col("l").str.contains('"', literal=True)).to_series()


def dedupe(df: pl.DataFrame, cfg: dict, provinces, out: str | None = None, verbose=False,
           path: str | None = None) -> dict:
    t = time.perf_counter()

    def log(msg):
        if verbose:
            print(f"  {time.perf_counter() - t:7.2f}s {msg}", file=sys.stderr)

    nrows = df.height
    if path:
        ok = readable(path, df)
        if ok is None:
            print("warning: line count differs, ragged rows kept", file=sys.stderr)
        else:
            df = df.filter(ok)
    log("readable rows")
    rows = rows_frame(df, cfg, provinces)
    rows_read = df.height
    del df
    log("row fields")
    rec, rows = records_frame(rows)
    log(f"records {rec.height}")
    # Each record's first 16 dated events (lamsach's MAX_EVENTS).
    # (rows are in line order)
    events = (rows.filter(pl.col("vday").is_not_null())
              .filter(pl.col("line").cum_count().over("pid") <= 16).select("pid", "ekey", "vday"))
    rec = rec.with_columns(has_ev=pl.col("pid").is_in(events["pid"].unique().implode()))
    log("events")
    codes, compared = candidate_pairs(rec, cfg, log)
    unique = codes.len()
    log(f"unique pairs {unique}")
    edges = [score_pairs(codes.slice(s, CHUNK), rec, events, cfg) for s in range(0, max(codes.len(), 1), CHUNK)]
    edges = pl.concat(edges)
    log(f"edges {edges.height}")
    del codes

    # Person clusters: pairs whose IDs are not the same.
    pe = edges.filter(~pl.col("same_id"))
    pcomp = components(pe)
    best = (pl.concat([pe.select(node="a", score="score"), pe.select(node="b", score="score")])
            .group_by("node").agg(pl.col("score").max()))
    prec = pcomp.join(best, on="node").rename({"node": "pid", "label": "cluster"})
    prow = rows.join(prec, on="pid")
    # Survivor: a 12-digit ID, then any ID, then the most complete row, then the latest.
    rk = (prow.group_by("pid").agg(pl.col("cluster").first(), pl.col("id_d").first(),
                                   pl.max_horizontal(pl.col("filled").cast(pl.Int64) * 2**40 + pl.col("line")).max()
                                   .alias("best"))
          .with_columns(rank=pl.struct((pl.col("id_d").str.len_bytes() == 12).fill_null(False).alias("c"),
                                       pl.col("id_d").is_not_null().alias("p"), "best")))
    surv = rk.sort("rank", descending=True).group_by("cluster").agg(pl.col("pid", "id_d").first()) \
        .rename({"pid": "surv", "id_d": "surv_id"})
    rk = rk.join(surv, on="cluster").with_columns(
        rule=pl.when(pl.col("pid") == pl.col("surv")).then(pl.lit(""))
        .when(pl.col("id_d").is_not_null() & (pl.col("id_d") == pl.col("surv_id"))).then(pl.lit(""))
        .when(pl.col("id_d").is_not_null() & pl.col("surv_id").is_not_null()).then(pl.lit("DUP003"))
        .otherwise(pl.lit("DUP004")))
    prow = prow.join(rk.select("pid", "rule"), on="pid").select(
        "line", "cluster", kind=pl.lit("person"), score="score", rule="rule")

    # Event clusters: rows of one person group (every pair over the
    # threshold, same ID or not), same vaccine + dose, dates chained at most
    # max_days apart, not all equal on DUP001's key.
    ecomp = components(edges)
    max_days = int(cfg["event"]["max_days"])
    ev = (rows.filter(pl.col("vday").is_not_null())
          .join(ecomp.rename({"node": "pid"}), on="pid", how="left")
          .with_columns(root=pl.coalesce("label", "pid"))
          .sort("root", "ekey", "vday", "line"))
    brk = ((pl.col("root") != pl.col("root").shift()) | (pl.col("ekey") != pl.col("ekey").shift())
           | (pl.col("vday") - pl.col("vday").shift() > max_days)).fill_null(True)
    ev = (ev.with_columns(chunk=brk.cum_sum())
          .filter((pl.len().over("chunk") >= 2) & (pl.col("exact").n_unique().over("chunk") >= 2)))
    # Kept: a 12-digit ID, any ID, the most complete, then the first row.
    ev = ev.with_columns(rank=pl.struct((pl.col("id_d").str.len_bytes() == 12).fill_null(False).alias("c"),
                                        pl.col("id_d").is_not_null().alias("p"), "filled",
                                        (-pl.col("line").cast(pl.Int64)).alias("l")))
    ev = ev.with_columns(surv=pl.col("line").sort_by("rank", descending=True).first().over("chunk"),
                         surv_exact=pl.col("exact").sort_by("rank", descending=True).first().over("chunk"))
    ev = ev.sort("line").with_columns(
        rule=pl.when((pl.col("line") != pl.col("surv")) & (pl.col("exact") != pl.col("surv_exact"))
                     & pl.col("exact").is_first_distinct().over("chunk")).then(pl.lit("DUP005")).otherwise(pl.lit("")))
    offset = (prow["cluster"].max() or 0) + 1
    erow = ev.select("line", cluster=pl.col("chunk").cast(pl.Int64) + offset, kind=pl.lit("event"),
                     score=pl.lit(None, pl.Float64), rule="rule")
    clusters = pl.concat([prow.with_columns(pl.col("cluster").cast(pl.Int64)), erow]).sort("line")
    log("clusters")
    if out:
        clusters.with_columns(pl.col("score").round(1)).write_csv(out)
    counts = clusters.group_by("rule").len()
    c = {r: n for r, n in counts.iter_rows()}
    return {
        "rows": nrows, "rows_read": rows_read, "persons": rec.height, "compared_pairs": int(compared), "scored_pairs": int(unique),
        "matched_pairs": edges.height,
        "DUP003": c.get("DUP003", 0), "DUP004": c.get("DUP004", 0), "DUP005": c.get("DUP005", 0),
        "person_clusters": prow["cluster"].n_unique(), "event_clusters": erow["cluster"].n_unique(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--out", help="clusters CSV (line,cluster,kind,score,rule)")
    ap.add_argument("--rules", default=str(HERE.parent / "rules"))
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    global DEBUG
    DEBUG = a.verbose
    from polars_checks import PROVINCES, read_export as read
    t0 = time.perf_counter()
    stats = dedupe(read(a.file), load_config(Path(a.rules)), PROVINCES, a.out, a.verbose, path=a.file)
    t1 = time.perf_counter()
    print(f"rows={stats.pop('rows')} time={t1 - t0:.2f}s")
    print(" ".join(f"{k}={v}" for k, v in stats.items()))


if __name__ == "__main__":
    main()

"""The Python package: the same findings from a file, a DataFrame and
Parquet, typed columns, the tally, errors as exceptions."""

import csv
import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import lamsach

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "fixtures" / "sample" / "tiem-chung.csv"
TODAY = "2026-11-23"


@pytest.fixture
def padded(tmp_path):
    """The sample with its short row padded: a table holds no ragged rows,
    so a file and a DataFrame of the same records can be compared."""
    with open(SAMPLE, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    width = len(rows[0])
    p = tmp_path / "padded.csv"
    with open(p, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(r + [""] * (width - len(r)) for r in rows)
    return p


def test_findings_from_a_file_are_those_of_the_command(tmp_path):
    r = lamsach.check(SAMPLE, today=TODAY)
    assert r.exit_code == 1 and not r.clean
    assert dict(r.findings.schema) == lamsach.FINDINGS_SCHEMA
    # the command's issues.csv lists the same findings, line by line
    cli = _cli()
    if cli is None:
        pytest.skip("LAMSACH_BIN not set")
    out = tmp_path / "out"
    subprocess.run(
        [cli, "check", str(SAMPLE), "--today", TODAY, "--out", str(out), "--lang", "en"],
        check=False,
    )
    issues = pl.read_csv(out / "issues.csv", infer_schema=False)
    assert issues["line"].cast(pl.UInt64).to_list() == r.findings["line"].to_list()
    assert issues["rule"].to_list() == r.findings["rule"].to_list()
    tally = json.loads((out / "tally.json").read_text(encoding="utf-8"))
    assert tally["total"] == r.tally["total"]


def test_a_dataframe_gives_the_same_findings_as_its_file(padded):
    from_file = lamsach.check(padded, today=TODAY)
    frame = pl.read_csv(padded, infer_schema=False)
    from_frame = lamsach.check(frame, today=TODAY)
    assert from_frame.findings.equals(from_file.findings)
    assert from_frame.tally["total"] == from_file.tally["total"]
    # a lazy frame too
    assert lamsach.check(frame.lazy(), today=TODAY).findings.equals(from_file.findings)


def test_parquet_gives_the_same_findings(tmp_path, padded):
    frame = pl.read_csv(padded, infer_schema=False)
    pq = tmp_path / "tiem-chung.parquet"
    frame.write_parquet(pq)
    from_file = lamsach.check(padded, today=TODAY)
    assert lamsach.check(pq, today=TODAY).findings.equals(from_file.findings)


def test_the_commands_parquet_reads_back_with_the_schema(tmp_path, padded):
    cli = _cli()
    if cli is None or os.environ.get("LAMSACH_POLARS") != "1":
        pytest.skip("LAMSACH_BIN built with --features polars not given")
    frame = pl.read_csv(padded, infer_schema=False)
    pq = tmp_path / "in.parquet"
    frame.write_parquet(pq)
    out = tmp_path / "out"
    p = subprocess.run(
        [cli, "check", str(pq), "--today", TODAY, "--out", str(out), "--format", "parquet"],
        capture_output=True,
        check=False,
    )
    assert p.returncode == 1, p.stderr.decode()
    issues = pl.read_parquet(out / "issues.parquet")
    assert dict(issues.schema) == lamsach.FINDINGS_SCHEMA
    assert issues.equals(lamsach.check(padded, today=TODAY).findings)
    tally = pl.read_parquet(out / "tally.parquet")
    assert tally.schema["rows_read"] == pl.UInt64
    assert tally["rows_read"].sum() == 30


def test_typed_columns_read_as_the_command_reads_them(tmp_path):
    frame = pl.DataFrame(
        {
            "Họ và tên": ["Nguyễn Thị Lan", "Lê Văn An", "Trần Văn Bình"],
            "Ngày sinh": [date(1989, 5, 12), date(1990, 5, 12), None],
            "Giới tính": ["Nữ", "Nam", "Nam"],
            "Số CCCD": [8190012345, 51090015678, 51090015679],
            "Vắc xin": ["Pfizer", "Pfizer", "Pfizer"],
            "Mũi": [1.0, 2.0, 1.0],
            "Ngày tiêm": ["15/08/2021", "15/09/2021", "15/08/2021"],
        }
    )
    r = lamsach.check(frame, today=TODAY, lang="en")
    rules = list(zip(r.findings["line"].to_list(), r.findings["rule"].to_list()))
    assert (2, "ID003") in rules  # the integer ID lost its leading zero
    assert (4, "DOB001") in rules  # the null birth date is missing
    assert not any(rule == "DOB002" for _, rule in rules)  # dates read as dates
    cli = _cli()
    if cli is None or os.environ.get("LAMSACH_POLARS") != "1":
        return
    pq = tmp_path / "typed.parquet"
    frame.write_parquet(pq)
    out = tmp_path / "out"
    subprocess.run(
        [cli, "check", str(pq), "--today", TODAY, "--lang", "en", "--out", str(out),
         "--format", "parquet"],
        check=False,
    )
    assert pl.read_parquet(out / "issues.parquet").equals(r.findings)


def test_the_tally_adds_up_and_groups_two_levels():
    r = lamsach.check(SAMPLE, today=TODAY, group_by="Huyện,Cơ sở tiêm")
    t = r.tally
    assert t["group_by"] == "Huyện › Cơ sở tiêm"
    total = t["total"]
    assert total["rows_read"] == 30
    assert total["rows_read"] == total["clean"] + total["with_problems"] + total["unreadable"]
    assert sum(g["rows_read"] for g in t["groups"]) == 30
    assert sum(g["rows_read"] for g in t["level1"]["groups"]) == 30
    # records with problems: the distinct lines of the findings (unreadable apart)
    lines = r.findings.filter(pl.col("rule") != "ROW001")["line"].n_unique()
    assert lines == total["with_problems"]


def test_language_and_masking():
    en = lamsach.check(SAMPLE, today=TODAY, lang="en", mask_ids=True)
    vi = lamsach.check(SAMPLE, today=TODAY)
    assert en.findings["rule"].to_list() == vi.findings["rule"].to_list()
    assert set(en.findings["severity"]) <= {"error", "warning", "info"}
    ids = [i for i in en.findings["id"].to_list() if i]
    assert ids and all("*" in i for i in ids)
    assert any(len(i) == 12 and i.isdigit() for i in vi.findings["id"].to_list())


def test_a_clean_frame_exits_zero():
    frame = pl.DataFrame(
        {
            "Họ và tên": ["Nguyễn Thị Lan"],
            "Ngày sinh": ["12/05/1990"],
            "Giới tính": ["Nữ"],
            "Số CCCD": ["008190012345"],
            "Vắc xin": ["AstraZeneca"],
            "Mũi": ["1"],
            "Ngày tiêm": ["15/08/2021"],
        }
    )
    r = lamsach.check(frame, today=date(2026, 11, 23))
    assert r.clean and r.exit_code == 0
    assert r.findings.height == 0
    assert dict(r.findings.schema) == lamsach.FINDINGS_SCHEMA


def test_errors_are_exceptions_in_both_languages(tmp_path):
    with pytest.raises(lamsach.LamsachError) as e:
        lamsach.check(tmp_path / "missing.csv")
    assert "không mở được" in str(e.value) and "cannot open" in str(e.value)
    with pytest.raises(lamsach.LamsachError):
        lamsach.check(SAMPLE, lang="fr")
    with pytest.raises(TypeError):
        lamsach.check(42)


def test_rules_are_listed():
    rules = lamsach.rules()
    codes = [r["code"] for r in rules]
    assert len(codes) == len(set(codes)) and "ID001" in codes
    assert {"code", "label", "pillar", "category", "severity"} <= set(rules[0])
    assert lamsach.rules("en")[0]["label"] != rules[0]["label"]


def _cli():
    p = os.environ.get("LAMSACH_BIN") or shutil.which("lamsach")
    return p if p and Path(p).exists() else None

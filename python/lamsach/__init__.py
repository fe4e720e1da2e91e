"""lamsach for Python: check an export and get its findings as a polars
DataFrame.

    >>> import lamsach
    >>> result = lamsach.check("tiem-chung.csv", group_by="Huyện")
    >>> result.findings.filter(pl.col("rule") == "ID003")
    >>> result.tally["total"]["with_problems"]

The same engine as the ``lamsach`` command: the same rules, findings and
counts. A file is read by lamsach's own reader (CSV in any encoding,
workbooks); a polars (or pandas) DataFrame is handed over as CSV in memory,
its header counting as line 1, so ``line`` is the row number plus one, as
in a CSV written from the frame. Nothing is written to disk.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from typing import Any, Dict, List, Optional, Union

import polars as pl

from ._lamsach import LamsachError, __version__
from ._lamsach import check as _check
from ._lamsach import rules as _rules

__all__ = ["check", "rules", "Result", "LamsachError", "FINDINGS_SCHEMA", "__version__"]

#: The columns of :attr:`Result.findings` (and of ``issues.parquet``).
FINDINGS_SCHEMA: Dict[str, pl.DataType] = {
    "line": pl.UInt64,
    "rule": pl.String,
    "stt": pl.String,
    "full_name": pl.String,
    "id": pl.String,
    "dob": pl.Date,
    "dob_text": pl.String,
    "group": pl.String,
    "unit": pl.String,
    "pillar": pl.String,
    "category": pl.String,
    "severity": pl.String,
    "label": pl.String,
    "column": pl.String,
    "value": pl.String,
    "message": pl.String,
    "related_lines": pl.List(pl.UInt64),
}


@dataclass(frozen=True)
class Result:
    """What a check found.

    Attributes:
        findings: one row per finding, columns as :data:`FINDINGS_SCHEMA`;
            labels and messages in the language asked for.
        tally: the counts per group, as ``tally.json`` of the command
            (schema ``lamsach.tally/1``): ``total``, ``groups`` …
        exit_code: the command's exit code: 0 when every record is clean,
            1 when some record has a problem or could not be read.
    """

    findings: pl.DataFrame
    tally: Dict[str, Any]
    exit_code: int

    @property
    def clean(self) -> bool:
        """True when every record is clean (exit code 0)."""
        return self.exit_code == 0


Source = Union[str, "os.PathLike[str]", pl.DataFrame, Any]


def check(
    source: Source,
    profile: Optional[str] = None,
    reference: Optional[Union[str, "os.PathLike[str]"]] = None,
    group_by: Optional[str] = None,
    lang: str = "vi",
    mask_ids: bool = False,
    today: Optional[Union[str, date]] = None,
    dedupe: bool = True,
) -> Result:
    """Checks an export and returns its findings and tally.

    Args:
        source: a path (CSV, TSV, Excel workbook read by lamsach; Parquet
            or Arrow read by polars and handed over as a frame), or a polars
            DataFrame or LazyFrame (a pandas DataFrame is converted with
            ``pl.from_pandas``).
            Keep identifiers as text: a number column has lost its
            leading zeros, which the check reports (ID003).
        profile: ``vaccination``, ``bhxh``, ``education``, or a profile
            ``.toml``; None detects it from the header.
        reference: a population extract to verify the rows against.
        group_by: the header (or field) to group the tally by; two levels as
            ``"Huyện,Cơ sở tiêm chủng"``.
        lang: ``"vi"`` (default) or ``"en"`` for labels and messages.
        mask_ids: mask identifiers in the findings (``0010****2345``).
        today: the date ages and future dates are judged on
            (``"2026-12-05"`` or a ``date``); None is today.
        dedupe: also look for the same person written differently (the
            fuzzy duplicate pass of the command).

    Returns:
        A :class:`Result`.

    Raises:
        LamsachError: the check could not run (unreadable file, no header,
            unknown profile …), as the command's exit code 2.
    """
    if isinstance(today, date):
        today = today.isoformat()
    ref = os.fspath(reference) if reference is not None else None
    kwargs = dict(
        profile=profile,
        reference=ref,
        group_by=group_by,
        lang=lang,
        mask_ids=mask_ids,
        today=today,
        dedupe=dedupe,
    )
    if isinstance(source, (str, os.PathLike)) and not _is_frame_file(source):
        cols, tally, code = _check(path=os.fspath(source), **kwargs)
    else:
        csv = _csv_of(_as_frame(source)).encode("utf-8")
        cols, tally, code = _check(csv=csv, name="<DataFrame>", **kwargs)
    findings = pl.DataFrame(
        {k: pl.Series(k, cols[k], dtype=_input_type(t)) for k, t in FINDINGS_SCHEMA.items()}
    ).with_columns(pl.col("dob").cast(pl.Date))
    return Result(findings=findings, tally=json.loads(tally), exit_code=int(code))


def rules(lang: str = "vi") -> List[Dict[str, str]]:
    """The rules lamsach checks: ``code``, ``name``, ``label``, ``pillar``,
    ``category``, ``severity`` (labels in ``lang``)."""
    return list(_rules(lang))


_PARQUET = (".parquet", ".pq")
_ARROW = (".arrow", ".ipc", ".feather")


def _is_frame_file(path: Union[str, "os.PathLike[str]"]) -> bool:
    return os.fspath(path).lower().endswith(_PARQUET + _ARROW)


def _as_frame(source: Any) -> pl.DataFrame:
    if isinstance(source, (str, os.PathLike)):
        # Parquet and Arrow files are read by polars; _csv_of renders their cells
        path = os.fspath(source)
        return pl.read_parquet(path) if path.lower().endswith(_PARQUET) else pl.read_ipc(path)
    if isinstance(source, pl.DataFrame):
        return source
    if isinstance(source, pl.LazyFrame):
        return source.collect()
    if type(source).__module__.startswith("pandas"):
        return pl.from_pandas(source)
    raise TypeError(
        "source: cần đường dẫn tệp hoặc DataFrame / expected a file path or a DataFrame, "
        f"got {type(source).__name__}"
    )


def _csv_of(frame: pl.DataFrame) -> str:
    # cells as the command renders a Parquet table's: dates dd/mm/yyyy,
    # whole floats without a fraction, nulls empty
    cols = []
    for name, dtype in frame.schema.items():
        c = pl.col(name)
        if dtype == pl.Date:
            c = c.dt.strftime("%d/%m/%Y")
        elif dtype.is_float():
            whole = (c == c.round(0)) & (c.abs() < 1e17)
            c = pl.when(whole).then(c.cast(pl.Int64).cast(pl.String)).otherwise(c.cast(pl.String))
        cols.append(c.alias(name))
    return frame.select(cols).write_csv()


def _input_type(t: pl.DataType) -> pl.DataType:
    # dates arrive as days since 1970-01-01
    return pl.Int32 if t == pl.Date else t

"""Exports of ``kam report --export-dir``: the at-risk/lost list and the ABC-XYZ table as CSV and XLSX.

CSV files are UTF-8 with a BOM (Excel opens them right); ``excel_ru=True`` writes them the
way Excel with Russian regional settings reads them: ``;`` between fields, ``,`` before the
decimals and money rounded to whole units. Every text cell that begins with ``= + - @``
gets a leading apostrophe (:func:`kamlib.analytics._xlsx.safe_text`), so a spreadsheet shows
it as text rather than running it as a formula. XLSX files type every cell (text is
always text) and carry a sheet with the load report of the files read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .labels import t

__all__ = ["export_names", "write_exports"]

_MONEY = {"revenue", "margin", "mean", "sd", "revenue_at_stake", "revenue_before", "revenue_recent"}
_PERCENT = {"share", "cum_share", "cv", "frequency", "trend_pct"}


def export_names() -> list[str]:
    """The files ``write_exports`` writes, in order."""
    return ["winback.csv", "winback.xlsx", "abc_xyz.csv", "abc_xyz.xlsx"]


def _csv_frame(frame: pd.DataFrame, excel_ru: bool) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if col in _MONEY and pd.api.types.is_numeric_dtype(series.dtype):
            out[col] = series.round(0).astype("Int64") if excel_ru else series.round(2)
        elif col in _PERCENT and pd.api.types.is_numeric_dtype(series.dtype):
            out[col] = series.round(6)
        elif pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_numeric_dtype(series.dtype):
            continue
        elif pd.api.types.is_datetime64_any_dtype(series.dtype):
            out[col] = series.dt.strftime("%Y-%m-%d")
        else:
            from .analytics._xlsx import safe_text

            values = series.astype(object).to_numpy()
            out[col] = [v if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA
                        else safe_text(str(v)) for v in values]
    return out


def write_csv(frame: pd.DataFrame, path: Path, excel_ru: bool = False) -> None:
    """``frame`` as CSV: UTF-8 with BOM; ``excel_ru``: ``;`` and decimal comma; text safe from formulas."""
    out = _csv_frame(frame, excel_ru)
    if excel_ru:
        out.to_csv(path, index=False, sep=";", decimal=",", encoding="utf-8-sig", lineterminator="\r\n")
    else:
        out.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def _load_frames(sources: Sequence) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The load report as two tables: one row per file, and one row per exclusion reason."""
    files, reasons = [], []
    for s in sources:
        r = getattr(s, "report", None)
        files.append({t("report_export.load_table"): s.table, t("report_export.load_file"): s.path,
                      t("report_export.load_rows_read"): getattr(r, "rows_read", None),
                      t("report_export.load_rows_loaded"): getattr(r, "rows_loaded", None),
                      t("report_export.load_rows_excluded"): getattr(r, "rows_excluded", None)})
        if r is not None and getattr(r, "rows_excluded", 0):
            for rec in r.summary().to_dict("records"):
                reasons.append({t("report_export.load_table"): s.table, t("report_export.load_reason"): rec["reason"],
                                t("report_export.load_column"): rec["column"],
                                t("report_export.load_rows"): rec["rows"],
                                t("report_export.load_first"): str(rec["first"])})
    return pd.DataFrame(files), pd.DataFrame(reasons)


def write_xlsx(frame: pd.DataFrame, path: Path, sheet: str, sources: Sequence = (), notes: Sequence[str] = ()) -> None:
    """``frame`` on one sheet (header frozen, filter on), the load report on a second sheet."""
    from .analytics._xlsx import Book

    with Book(path) as book:
        ws = book.sheet(sheet)
        book.table(ws, frame, percent=_PERCENT, money=_MONEY, freeze=(1, 1), autofilter=True)
        wl = book.sheet(t("report_export.sheet_load"))
        files, reasons = _load_frames(sources)
        row = -1
        if len(files):
            row = book.table(wl, files)
        else:
            book.text(wl, 0, 0, t("report_export.load_none"))
            row = 0
        if len(reasons):
            row = book.table(wl, reasons, top=row + 2, widths=False)
        for k, note in enumerate(notes):
            book.text(wl, row + 2 + k, 0, note)


def write_exports(folder: Path, tables: dict, *, sources: Sequence = (), excel_ru: bool = False,
                  notes: Sequence[str] = (), write=None) -> list[Path]:
    """Write the four export files into ``folder``; ``write(path, fn)`` writes one file (default: directly)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if write is None:
        def write(path: Path, fn) -> None:
            fn(path)
    abc = tables["abc_xyz"]
    abc_notes = [t("window.caption", window=abc.attrs.get("window", ""))] + list(abc.attrs.get("notes", []))
    jobs = [
        ("winback.csv", lambda p: write_csv(tables["winback"], p, excel_ru)),
        ("winback.xlsx", lambda p: write_xlsx(tables["winback"], p, t("report_export.sheet_winback"), sources,
                                              list(notes))),
        ("abc_xyz.csv", lambda p: write_csv(abc, p, excel_ru)),
        ("abc_xyz.xlsx", lambda p: write_xlsx(abc, p, t("report_export.sheet_abc_xyz"), sources,
                                              abc_notes + list(notes))),
    ]
    paths = []
    for name, fn in jobs:
        path = folder / name
        write(path, fn)
        paths.append(path)
    return paths

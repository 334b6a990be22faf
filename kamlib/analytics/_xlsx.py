"""Fast Excel writing with xlsxwriter in constant-memory mode (tables of any length).

Every table is written row by row, each column with one typed writer (numbers with
``write_number``, text with ``write_string``), so a text cell is always text — a client
name starting with ``=`` cannot become a formula — and memory stays flat: rows are
streamed to the file as they are written (xlsxwriter's ``constant_memory``).

Only used by functions that write workbooks; ``import kamlib`` does not import xlsxwriter.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Book", "safe_text"]

_WIDTH_SAMPLE = 2000
_MAX_WIDTH = 60
_INJECTION = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Text a spreadsheet shows as text: a leading ``= + - @`` (or tab, CR) gets an apostrophe.

    For CSV files, which carry no cell types (OWASP's advice on CSV injection).

    >>> safe_text("=SUM(A1)"), safe_text("-5"), safe_text("ok")
    ("'=SUM(A1)", "'-5", 'ok')
    """
    return "'" + value if value.startswith(_INJECTION) else value


def _column_values(col: pd.Series) -> tuple[str, list]:
    """``(kind, values)``: kind is "number", "bool", "date" or "text"; missing values are None."""
    dtype = col.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool", [None if pd.isna(v) else bool(v) for v in col.tolist()]
    if pd.api.types.is_numeric_dtype(dtype):
        values = col.to_numpy(dtype=float, na_value=np.nan)
        out = values.tolist()
        if np.isnan(values).any():
            out = [None if v != v else v for v in out]
        return "number", out
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date", [None if pd.isna(v) else v.to_pydatetime() for v in col]
    values = col.astype(object).tolist()
    return "text", [None if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v is pd.NaT
                    else str(v) for v in values]


class Book:
    """One xlsx workbook written with xlsxwriter (``with Book(path) as book: book.table(...)``)."""

    def __init__(self, path: str | Path) -> None:
        import xlsxwriter

        self.path = Path(path)
        self.wb = xlsxwriter.Workbook(str(self.path), {"constant_memory": True, "strings_to_formulas": False,
                                                       "strings_to_urls": False, "nan_inf_to_errors": True})
        self.header = self.wb.add_format({"bold": True, "bg_color": "#DDE6F0", "valign": "top"})
        self.bold = self.wb.add_format({"bold": True})
        self.formats = {"percent": self.wb.add_format({"num_format": "0.0%"}),
                        "money": self.wb.add_format({"num_format": "#,##0.00"}),
                        "date": self.wb.add_format({"num_format": "yyyy-mm-dd"}),
                        "wrap": self.wb.add_format({"text_wrap": True, "valign": "top"})}

    def __enter__(self) -> Book:
        return self

    def __exit__(self, *exc: object) -> None:
        self.wb.close()

    def sheet(self, name: str):
        return self.wb.add_worksheet(name[:31])

    def table(self, ws, frame: pd.DataFrame, *, top: int = 0, index: bool = False,
              percent: Iterable[str] = (), money: Iterable[str] = (), wrap: Iterable[str] = (),
              widths: bool = True, width_limit: int = _MAX_WIDTH, freeze: str | None = None,
              autofilter: bool = False) -> int:
        """Write ``frame`` with a header row at 0-based row ``top``; return the last row written (0-based)."""
        percent, money, wrap = set(percent), set(money), set(wrap)
        columns = ([""] if index else []) + [str(c) for c in frame.columns]
        data = ([( "text", [str(v) for v in frame.index])] if index else []) + [
            _column_values(frame.iloc[:, j]) for j in range(frame.shape[1])]
        if widths:
            for j, (name, (kind, values)) in enumerate(zip(columns, data)):
                sample = values[:_WIDTH_SAMPLE]
                longest = max([len(name)] + [len(f"{v:,.2f}") if isinstance(v, float) else len(str(v))
                                             for v in sample if v is not None])
                fmt = self.formats["wrap"] if name in wrap else None
                ws.set_column(j, j, min(longest + 2, width_limit), fmt)
        if freeze:
            row, col = freeze
            ws.freeze_panes(row, col)
        for j, name in enumerate(columns):
            if name:
                ws.write_string(top, j, name, self.header)
            else:
                ws.write_blank(top, j, None, self.header)
        writers = []
        for j, (name, (kind, values)) in enumerate(zip(columns, data)):
            if kind == "number":
                fmt = self.formats["percent"] if name in percent else self.formats["money"] if name in money else None
                write = ws.write_number
            elif kind == "bool":
                fmt, write = None, ws.write_boolean
            elif kind == "date":
                fmt, write = self.formats["date"], ws.write_datetime
            else:
                fmt = self.formats["wrap"] if name in wrap else None
                write = ws.write_string
            if index and j == 0:
                fmt = self.bold
            writers.append((j, values, write, fmt))
        n = len(frame)
        for i in range(n):
            r = top + 1 + i
            for j, values, write, fmt in writers:
                v = values[i]
                if v is not None:
                    write(r, j, v, fmt)
        if autofilter and len(columns):
            ws.autofilter(top, 0, top + n, len(columns) - 1)
        return top + n

    def text(self, ws, row: int, col: int, text: str, bold: bool = False) -> None:
        ws.write_string(row, col, str(text), self.bold if bold else None)

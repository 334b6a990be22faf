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

_FAST_ROWS = 2000
"""Tables longer than this have their rows after the first written as XML in bulk (see ``Book``)."""
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


_XML_ESCAPE = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;",
               **{c: f"_x{c:04X}_" for c in (*range(0, 9), 11, 12, *range(14, 32))}}
"""XML escapes; control characters as OOXML's ``_xHHHH_``, as xlsxwriter writes them."""


def _col_letter(j: int) -> str:
    out = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        out = chr(65 + r) + out
    return out


def _cells_xml(kind: str, values: list, letter: str, rows: range, style: str, numbers: np.ndarray | None) -> list[str]:
    """One column's cells as XML strings (an empty string where the value is missing)."""
    s = f' s="{style}"' if style else ""
    if kind == "number":
        ok = np.isfinite(numbers)
        head = f'<c r="{letter}'
        tail = f'"{s}><v>'
        if ok.all():
            return [f"{head}{r}{tail}{v:.16G}</v></c>" for r, v in zip(rows, numbers.tolist())]
        return [f"{head}{r}{tail}{v:.16G}</v></c>" if o else "" for r, v, o in zip(rows, numbers.tolist(), ok.tolist())]
    if kind == "bool":
        return ["" if v is None else f'<c r="{letter}{r}"{s} t="b"><v>{int(v)}</v></c>' for r, v in zip(rows, values)]
    if kind == "date":
        epoch = pd.Timestamp("1899-12-30")
        return ["" if v is None else f'<c r="{letter}{r}"{s}><v>{(pd.Timestamp(v) - epoch) / pd.Timedelta(days=1):.16G}</v></c>'
                for r, v in zip(rows, values)]
    out = []
    for r, v in zip(rows, values):
        if v is None:
            out.append("")
            continue
        text = v.translate(_XML_ESCAPE)
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        out.append(f'<c r="{letter}{r}"{s} t="inlineStr"><is><t{space}>{text}</t></is></c>')
    return out


def _numbers(frame: pd.DataFrame, j: int) -> np.ndarray:
    return frame.iloc[:, j].to_numpy(dtype=float, na_value=np.nan)


class Book:
    """One xlsx workbook written with xlsxwriter (``with Book(path) as book: book.table(...)``).

    A long table (more than 2,000 rows) is written in two parts: the header and the first
    row through xlsxwriter (so every column's cell format gets its style number), the other
    rows as worksheet XML built column by column and spliced in after the workbook is
    closed. xlsxwriter spends tens of microseconds per cell; the bulk XML a few, which is
    what keeps half a million clients within a few times the time of a CSV. The cells are
    the same: numbers as numbers, text as inline strings (never formulas), the same styles.
    """

    def __init__(self, path: str | Path) -> None:
        import xlsxwriter

        self._splices: list[dict] = []
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
        if self._splices and exc[0] is None:
            self._splice()

    def _splice(self) -> None:
        """Insert the bulk rows after each long table's first data row, in the saved file."""
        import re
        import shutil
        import zipfile

        by_sheet: dict[int, list[dict]] = {}
        for job in self._splices:
            by_sheet.setdefault(job["sheet"], []).append(job)
        tmp = self.path.with_name(self.path.name + ".splice")
        with zipfile.ZipFile(self.path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                m = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", info.filename)
                if m and int(m.group(1)) - 1 in by_sheet:
                    xml = data.decode("utf-8")
                    for job in by_sheet[int(m.group(1)) - 1]:
                        xml = self._splice_sheet(xml, job)
                    data = xml.encode("utf-8")
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        shutil.move(tmp, self.path)

    @staticmethod
    def _splice_sheet(xml: str, job: dict) -> str:
        import re

        first = job["first_row"]  # 1-based number of the first data row
        start = xml.index(f'<row r="{first}"')
        end = xml.index("</row>", start) + len("</row>")
        styles = {m.group(1): m.group(2) for m in re.finditer(r'<c r="([A-Z]+)\d+" s="(\d+)"', xml[start:end])}
        rows = range(first + 1, first + 1 + job["n"])
        columns = [_cells_xml(kind, values, letter, rows, styles.get(letter, ""), numbers)
                   for kind, values, letter, numbers in job["columns"]]
        body = "".join(f'<row r="{r}">{"".join(cells)}</row>' for r, cells in zip(rows, zip(*columns)))
        xml = xml[:end] + body + xml[end:]
        last = f'{job["columns"][-1][2]}{first + job["n"]}'
        return re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', xml, count=1)

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
        direct = n if n <= _FAST_ROWS else 1
        for i in range(direct):
            r = top + 1 + i
            for j, values, write, fmt in writers:
                v = values[i]
                if v is not None:
                    write(r, j, v, fmt)
                elif fmt is not None and i == 0:
                    ws.write_blank(r, j, None, fmt)  # so the column's style number is in the first row
        if direct < n:
            self._splices.append({"sheet": ws.index, "first_row": top + 2, "n": n - 1,
                                  "columns": [(kind, values[1:], _col_letter(j),
                                               _numbers(frame, j - (1 if index else 0))[1:] if kind == "number" else None)
                                              for j, (kind, values) in enumerate(data)]})
        if autofilter and len(columns):
            ws.autofilter(top, 0, top + n, len(columns) - 1)
        return top + n

    def text(self, ws, row: int, col: int, text: str, bold: bool = False) -> None:
        ws.write_string(row, col, str(text), self.bold if bold else None)

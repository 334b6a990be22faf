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


_CONTROL = "[\x00-\x08\x0b\x0c\x0e-\x1f]"
_EDGE_SPACE = "^[\\s\\p{Z}\\x{1c}-\\x{1f}\\x{85}]|[\\s\\p{Z}\\x{1c}-\\x{1f}\\x{85}]$"  # what str.isspace() sees


def _cells_xml(kind: str, col: pd.Series, letter: str, rownum, style: str):
    """One column's cells as an Arrow array of XML strings ("" where the value is missing).

    Built by pyarrow's string kernels, a few passes per column instead of a Python f-string per
    cell. Numbers are written in their shortest round-trip form (every cell reads back as exactly
    the number of the table), text as inline strings, escaped, never a formula.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    s = f' s="{style}"' if style else ""
    head = f'<c r="{letter}'

    def text_of(x):  # every part large_string (64-bit offsets: a column of any length)
        return pa.scalar(x, pa.large_string()) if isinstance(x, str) else x

    def join(*parts):
        return pc.binary_join_element_wise(*map(text_of, parts), text_of(""))

    if kind in ("number", "date"):
        if kind == "number":
            numbers = col.to_numpy(dtype=float, na_value=np.nan)
        else:
            stamps = np.asarray(col.to_numpy(dtype="datetime64[us]"))
            numbers = (stamps - np.datetime64("1899-12-30", "us")).astype(np.float64) / 86_400e6
            numbers[np.isnat(stamps)] = np.nan
        ok = np.isfinite(numbers)
        shown = np.where(ok, numbers, 0.0)
        if len(shown) and np.all(shown == np.round(shown)) and np.abs(shown).max() < 2**53:
            text = pc.cast(pa.array(shown.astype(np.int64)), pa.large_string())  # ranks, counts: "36"
        else:
            text = pc.cast(pc.cast(pa.array(shown), pa.string()), pa.large_string())
        cells = join(head, rownum, f'"{s}><v>', text, "</v></c>")
        return cells if ok.all() else pc.if_else(pa.array(ok), cells, text_of(""))
    missing = np.asarray(col.isna().to_numpy(dtype=bool, na_value=True), dtype=bool)
    if kind == "bool":
        flags = np.asarray(col.astype(object).where(~missing, False).astype(bool).to_numpy(), dtype=bool)
        digit = pa.array(np.where(flags, "1", "0").astype(object), pa.large_string())
        cells = join(head, rownum, f'"{s} t="b"><v>', digit, "</v></c>")
        return cells if not missing.any() else pc.if_else(pa.array(~missing), cells, text_of(""))
    if isinstance(col.dtype, pd.StringDtype) and getattr(col.dtype, "storage", None) == "pyarrow":
        text = pc.cast(pa.chunked_array(col.fillna("").array._pa_array).combine_chunks(), pa.large_string())
    else:  # the text _column_values writes: str() of each value
        text = pa.array([str(v) for v in col.astype(object).where(~missing, "").tolist()], pa.large_string())
    if pc.any(pc.match_substring_regex(text, _CONTROL)).as_py():  # OOXML's _xHHHH_ for control characters
        text = pa.array([v.translate(_XML_ESCAPE) for v in text.to_pylist()], pa.large_string())
    else:
        for raw, escaped in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
            text = pc.replace_substring(text, raw, escaped)  # (large_string in, large_string out)
    space = pc.if_else(pc.match_substring_regex(text, _EDGE_SPACE), text_of(' xml:space="preserve"'), text_of(""))
    cells = join(head, rownum, f'"{s} t="inlineStr"><is><t', space, ">", text, "</t></is></c>")
    return cells if not missing.any() else pc.if_else(pa.array(~missing), cells, text_of(""))


def _dimension(head: bytes, last_row: int, last_col: int) -> bytes:
    """The sheet's ``<dimension ref>`` widened to cover ``last_row``/``last_col`` (1-based)."""
    import re

    m = re.search(rb'<dimension ref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"/>', head)
    if m is None:
        return head
    col, row = (m.group(1).decode(), int(m.group(2))) if m.group(1) else ("A", 1)
    width = max(last_col, sum((ord(ch) - 64) * 26**k for k, ch in enumerate(reversed(col))))
    ref = f'<dimension ref="A1:{_col_letter(width - 1)}{max(last_row, row)}"/>'.encode()
    return head[:m.start()] + ref + head[m.end():]


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
                    jobs = sorted(by_sheet[int(m.group(1)) - 1], key=lambda j: -j["first_row"])
                    pieces = [data]
                    for job in jobs:  # bottom table first: the offsets of the ones above stay valid
                        pieces = self._splice_sheet(pieces[0], job) + pieces[1:]
                    pieces[0] = _dimension(pieces[0], last_row=jobs[0]["first_row"] + jobs[0]["n"],
                                           last_col=max(len(job["columns"]) for job in jobs))
                    with dst.open(info.filename, "w", force_zip64=True) as out:
                        for piece in pieces:
                            out.write(piece)
                else:
                    dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
        shutil.move(tmp, self.path)

    @staticmethod
    def _splice_sheet(xml: bytes, job: dict) -> list:
        """``xml`` cut after the table's first data row, the bulk rows in between: [head, rows, tail]."""
        import re

        import pyarrow as pa
        import pyarrow.compute as pc

        first = job["first_row"]  # 1-based number of the first data row
        start = xml.index(f'<row r="{first}"'.encode())
        end = xml.index(b"</row>", start) + len(b"</row>")
        styles = {m.group(1).decode(): m.group(2).decode()
                  for m in re.finditer(rb'<c r="([A-Z]+)\d+" s="(\d+)"', xml[start:end])}
        n = job["n"]
        rownum = pc.cast(pa.array(np.arange(first + 1, first + 1 + n, dtype=np.int64)), pa.large_string())
        columns = [_cells_xml(kind, col, letter, rownum, styles.get(letter, "")) for kind, col, letter in job["columns"]]
        big = lambda x: pa.scalar(x, pa.large_string())  # noqa: E731
        rows = pc.binary_join_element_wise(big('<row r="'), rownum, big('">'), *columns, big("</row>"), big(""))
        if isinstance(rows, pa.ChunkedArray):
            rows = rows.combine_chunks()
        assert rows.type == pa.large_string() and not rows.null_count  # 64-bit offsets, every row present
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64, count=len(rows) + 1, offset=8 * rows.offset)
        body = rows.buffers()[2][int(offsets[0]):int(offsets[-1])] if len(rows) else b""
        return [xml[:end], body, xml[end:]]

    def sheet(self, name: str):
        return self.wb.add_worksheet(name[:31])

    def table(self, ws, frame: pd.DataFrame, *, top: int = 0, index: bool = False,
              percent: Iterable[str] = (), money: Iterable[str] = (), wrap: Iterable[str] = (),
              widths: bool = True, width_limit: int = _MAX_WIDTH, freeze: str | None = None,
              autofilter: bool = False) -> int:
        """Write ``frame`` with a header row at 0-based row ``top``; return the last row written (0-based)."""
        percent, money, wrap = set(percent), set(money), set(wrap)
        columns = ([""] if index else []) + [str(c) for c in frame.columns]
        n = len(frame)
        head = frame if n <= _FAST_ROWS else frame.iloc[:_WIDTH_SAMPLE]  # (the bulk rows are built from frame)
        data = ([( "text", [str(v) for v in head.index])] if index else []) + [
            _column_values(head.iloc[:, j]) for j in range(head.shape[1])]
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
            bulk = ([pd.Series(frame.index[1:].map(str), dtype=object)] if index else []) + [
                frame.iloc[1:, j].reset_index(drop=True) for j in range(frame.shape[1])]
            self._splices.append({"sheet": ws.index, "first_row": top + 2, "n": n - 1,
                                  "columns": [(kind, col, _col_letter(j))
                                              for j, ((kind, _), col) in enumerate(zip(data, bulk))]})
        if autofilter and len(columns):
            ws.autofilter(top, 0, top + n, len(columns) - 1)
        return top + n

    def text(self, ws, row: int, col: int, text: str, bold: bool = False) -> None:
        ws.write_string(row, col, str(text), self.bold if bold else None)

"""The bulk path of the xlsx writer (tables over 2,000 rows) writes the same cells as the direct one."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kamlib.analytics import _xlsx
from kamlib.analytics._xlsx import Book


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    revenue = rng.normal(1000, 300, n)
    revenue[::7] = np.nan
    names = np.array(["=HYPERLINK(\"x\")", "a <b> & c", " padded ", "plain", "@sum", "+1", "-2", "ok\x01ctl"],
                     dtype=object)[rng.integers(0, 8, n)]
    return pd.DataFrame({"client_id": [f"C{i:05d}" for i in range(n)], "name": names, "revenue": revenue,
                         "share": rng.random(n), "ranked": rng.random(n) < 0.5,
                         "rank": pd.array(np.where(np.arange(n) % 5, np.arange(n), 0), dtype="Int64").astype("Int64"),
                         "since": pd.Series(pd.date_range("2024-01-01", periods=n, freq="D")).where(
                             np.arange(n) % 9 != 4),
                         "note": pd.Series(["x", None, "y", "  "] * (n // 4) + ["z"] * (n % 4), dtype="str"),
                         "first": pd.period_range("2023-01", periods=n, freq="M"),
                         "flag": pd.array([True, None, False] * (n // 3) + [True] * (n % 3), dtype="boolean")})


def _sixteen(cell: tuple) -> tuple:
    value = cell[0]
    return (float(f"{value:.16G}"),) + cell[1:] if isinstance(value, float) else cell


def _write(frame: pd.DataFrame, path, fast_rows: int, monkeypatch) -> None:
    monkeypatch.setattr(_xlsx, "_FAST_ROWS", fast_rows)
    with Book(path) as book:
        ws = book.sheet("Data")
        book.text(ws, 0, 0, "a title", bold=True)
        book.table(ws, frame, top=2, percent={"share"}, money={"revenue"}, freeze=(3, 1), autofilter=True)
        other = book.sheet("Other")
        book.table(other, frame.head(3))


def test_bulk_rows_read_back_like_the_direct_ones(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    frame = _frame(60)
    _write(frame, tmp_path / "direct.xlsx", 10_000, monkeypatch)
    _write(frame, tmp_path / "bulk.xlsx", 5, monkeypatch)
    direct, bulk = load_workbook(tmp_path / "direct.xlsx"), load_workbook(tmp_path / "bulk.xlsx")
    for name in ("Data", "Other"):
        a = [[(c.value, c.data_type, c.number_format, c.font.bold) for c in row] for row in direct[name].iter_rows()]
        b = [[(c.value, c.data_type, c.number_format, c.font.bold) for c in row] for row in bulk[name].iter_rows()]
        # xlsxwriter writes numbers with 16 significant digits, the bulk rows in their shortest exact
        # form: the same number, to the last bit or one unit in the 16th digit
        assert [[_sixteen(cell) for cell in row] for row in a] == [[_sixteen(cell) for cell in row] for row in b]
    ws = bulk["Data"]
    assert ws.max_row == 3 + 60 and ws.dimensions == "A1:J63"
    assert ws.auto_filter.ref == "A3:J63"
    # text is text, escaped and read back as written (a control character as OOXML's _x0001_); formats kept
    values = [ws.cell(row=r, column=2).value for r in range(4, 64)]
    expected = [str(v).replace("\x01", "_x0001_") for v in frame["name"]]
    assert values == expected
    assert all(ws.cell(row=r, column=2).data_type == "s" for r in range(4, 64))
    assert ws.cell(row=11, column=3).value is None  # NaN revenue (frame row 7, sheet row 4 + 7) stays empty
    assert ws.cell(row=12, column=3).value == frame["revenue"].iloc[8]  # exactly the table's number
    shares = [ws.cell(row=r, column=4).value for r in range(5, 64)]  # the bulk rows (the first is direct)
    assert shares == frame["share"].iloc[1:].tolist()
    assert ws.cell(row=12, column=3).number_format == "#,##0.00"
    assert ws.cell(row=12, column=4).number_format == "0.0%"
    # and pandas (calamine) reads the same table
    back = pd.read_excel(tmp_path / "bulk.xlsx", sheet_name="Data", header=2, engine="calamine")
    assert back["client_id"].tolist() == frame["client_id"].tolist()
    assert np.allclose(back["share"], frame["share"])
    assert back["ranked"].tolist() == frame["ranked"].tolist()


def test_two_long_tables_on_one_sheet_are_both_spliced(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    monkeypatch.setattr(_xlsx, "_FAST_ROWS", 5)
    upper, lower = _frame(20)[["client_id", "revenue"]], _frame(30)
    with Book(tmp_path / "two.xlsx") as book:
        ws = book.sheet("Data")
        end = book.table(ws, upper)  # sheet rows 1-21 (header + 20); returns 20, the last 0-based row
        book.table(ws, lower, top=end + 2)  # 0-based 22: header on sheet row 23, data on rows 24-53
    import re
    import zipfile

    with zipfile.ZipFile(tmp_path / "two.xlsx") as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    # the sheet's own <dimension> spans the wider (lower) table and its last row: 10 columns, row 53
    assert re.findall(r'<dimension ref="([^"]+)"/>', xml) == ["A1:J53"]
    ws = load_workbook(tmp_path / "two.xlsx")["Data"]
    assert [ws.cell(row=r, column=1).value for r in range(2, 22)] == upper["client_id"].tolist()
    assert [ws.cell(row=r, column=2).value for r in range(2, 22)] == [
        None if pd.isna(v) else v for v in upper["revenue"]]
    assert [ws.cell(row=r, column=1).value for r in range(24, 54)] == lower["client_id"].tolist()
    assert ws.cell(row=22, column=1).value is None and ws.cell(row=23, column=1).value == "client_id"

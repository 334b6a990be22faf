"""Excel edge cases: which sheet is read, and numbers stored as text in Excel cells.

Every workbook is written here with openpyxl; each test reads it with both engines
(python-calamine, the fast one, and openpyxl's cell-by-cell reader), which must agree.
"""

from __future__ import annotations

import datetime as dt
import warnings

import openpyxl
import pytest

import kamlib
from kamlib import KamDataError
from kamlib.data.read import _table
from kamlib.labels import t

M = {"Контрагент": "client_id", "Дата": "date", "Сумма": "revenue"}
HEADER = ["Дата", "Контрагент", "Сумма"]


@pytest.fixture(params=["calamine", "openpyxl"])
def engine(request, monkeypatch):
    """Read with python-calamine (checked to be the one used) or with openpyxl only."""
    used = []
    if request.param == "openpyxl":
        monkeypatch.setattr(_table, "_calamine_cells", lambda path, sheet: None)
    else:
        real = _table._calamine_cells

        def spy(path, sheet):
            out = real(path, sheet)
            used.append(out is not None)
            return out

        monkeypatch.setattr(_table, "_calamine_cells", spy)
    yield request.param
    if request.param == "calamine":
        assert used and all(used), "python-calamine did not read the sheet"


def read(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kamlib.read_orders(path, columns=M, **kwargs)


def read_as(df) -> dict:
    return dict(kamlib.load_report(df).read_as)


def fill(ws, rows, header=HEADER):
    ws.append(header)
    for row in rows:
        ws.append(list(row))


ROWS = [(dt.datetime(2025, 1, 5), "ООО Ромашка", 1234.5), (dt.datetime(2025, 1, 6), "АО Гранит", 200.0),
        (dt.datetime(2025, 1, 7), "ЗАО Вектор", 300.25)]
TOTAL = 1234.5 + 200.0 + 300.25


# --- which sheet ---


def hidden_first(path, state="hidden"):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Продажи"
    fill(ws, ROWS)
    old = book.create_sheet("old", 0)
    old.sheet_state = state
    fill(old, [(d, c, v * 10) for d, c, v in ROWS])  # a stale copy: ten times the amounts
    book.save(path)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_skipped_and_named_in_the_report(tmp_path, engine, state):
    df = read(hidden_first(tmp_path / "h.xlsx", state))
    assert df.revenue.sum() == pytest.approx(TOTAL)
    items = read_as(df)
    assert items["sheet"] == "Продажи"
    assert items["sheets_skipped"] == f'"old" ({t("load.sheet_hidden")})'
    assert "sheet_is_hidden" not in items
    text = repr(kamlib.load_report(df))
    assert 'sheet "Продажи"' in text and '"old" (hidden)' in text


def test_a_hidden_sheet_given_by_name_or_position_is_read_and_said_hidden(tmp_path, engine):
    path = hidden_first(tmp_path / "h.xlsx")
    for sheet in ("old", 0):
        df = read(path, sheet=sheet)
        assert df.revenue.sum() == pytest.approx(10 * TOTAL)
        items = read_as(df)
        assert items["sheet"] == "old" and items["sheet_is_hidden"] == "old"
        assert "sheets_skipped" not in items
        assert 'sheet "old" is hidden in Excel' in repr(kamlib.load_report(df))
    df = read(path, sheet=1)
    assert df.revenue.sum() == pytest.approx(TOTAL)
    assert "sheet_is_hidden" not in read_as(df) and "sheets_skipped" not in read_as(df)


def chart_first(path):
    from openpyxl.chart import BarChart, Reference

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Данные"
    fill(ws, ROWS)
    chart_sheet = book.create_chartsheet("Диаграмма", 0)
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=3, min_row=1, max_row=4), titles_from_data=True)
    chart_sheet.add_chart(chart)
    book.save(path)
    return path


def test_a_chart_sheet_first_is_skipped(tmp_path, engine):
    df = read(chart_first(tmp_path / "c.xlsx"))
    assert df.client_id.tolist() == ["ООО Ромашка", "АО Гранит", "ЗАО Вектор"]
    assert df.revenue.sum() == pytest.approx(TOTAL)
    assert read_as(df)["sheets_skipped"] == '"Диаграмма" (a chart)'


def test_a_chart_sheet_given_explicitly_is_refused(tmp_path):
    path = chart_first(tmp_path / "c.xlsx")
    for sheet in ("Диаграмма", 0):
        with pytest.raises(KamDataError, match=r'c\.xlsx: sheet "Диаграмма" is a chart sheet and holds no table; '
                                               r"the worksheets are: Данные"):
            read(path, sheet=sheet)


def test_the_first_visible_sheet_after_a_visible_one_is_not_skipped(tmp_path, engine):
    """Only sheets before the one read are reported; a hidden sheet after it is not read."""
    book = openpyxl.Workbook()
    fill(book.active, ROWS)
    book.active.title = "A"
    later = book.create_sheet("B")
    later.sheet_state = "hidden"
    fill(later, ROWS[:1])
    book.save(tmp_path / "v.xlsx")
    df = read(tmp_path / "v.xlsx")
    assert len(df) == 3 and read_as(df)["sheet"] == "A" and "sheets_skipped" not in read_as(df)

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


# --- numbers stored as text in Excel cells: the same separator evidence as CSV text ---


def amounts(path, values, *, cost=None):
    """A workbook whose "Сумма" column holds ``values`` (text or numbers), one row each."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Продажи"
    header = HEADER + (["Себестоимость"] if cost is not None else [])
    ws.append(header)
    for k, v in enumerate(values):
        row = [dt.datetime(2025, 1, k + 1), f"C{k + 1}", v]
        if cost is not None:
            row.append(cost[k])
        ws.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("values, sep", [(["1.250", "2.500", 700.0], "."), (["1,250", "2,500", 700.0], ",")])
def test_text_numbers_in_thousands_shape_only_are_refused_as_ambiguous(tmp_path, engine, values, sep):
    path = amounts(tmp_path / "a.xlsx", values)
    with pytest.raises(KamDataError, match=rf'a\.xlsx: in column "revenue" every number stored as text looks like '
                                           rf'"1{re_escape(sep)}250" \(line 2\): "{re_escape(sep)}" could separate '
                                           rf'decimals or thousands.*pass decimal='):
        read(path)
    other = "," if sep == "." else "."
    df = read(path, decimal=other)  # the user says what the separator is: thousands
    assert df.revenue.tolist() == [1250.0, 2500.0, 700.0]
    df = read(path, decimal=sep)
    assert df.revenue.tolist() == [1.25, 2.5, 700.0]


def re_escape(s: str) -> str:
    import re

    return re.escape(s)


def test_a_text_number_among_real_numbers_is_refused_when_only_it_could_tell(tmp_path, engine):
    """Real numeric cells are no evidence: 200.5 stored as a number says nothing about "1.234"."""
    path = amounts(tmp_path / "a.xlsx", ["1.234", 200.5, 300.25])
    with pytest.raises(KamDataError, match=r'every number stored as text looks like "1\.234" \(line 2\)'):
        read(path)


def test_text_numbers_with_a_decimal_comma_make_a_dot_group_thousands_and_say_so(tmp_path, engine):
    df = read(amounts(tmp_path / "a.xlsx", ["1,5", "2,5", "12.500", 100.0]))
    # "1,5" shows a decimal comma (one or two decimals), so "12.500" is twelve thousand five hundred, as in CSV
    assert df.revenue.tolist() == [1.5, 2.5, 12500.0, 100.0]
    assert read_as(df)["separator_evidence"] == ('revenue: "," separates decimals (e.g. "1,5" on line 2); '
                                                 'so "." groups thousands: "12.500" (line 4) is read as 12500')
    assert read_as(df)["decimal_comma"] == "revenue"


def test_a_text_decimal_comma_among_real_numbers_is_read_not_excluded(tmp_path, engine):
    df = read(amounts(tmp_path / "a.xlsx", ["1,5", 200.5, "12.500"]))
    assert df.revenue.tolist() == [1.5, 200.5, 12500.0]
    assert kamlib.excluded_rows(df).empty


def test_text_numbers_take_the_decimal_separator_of_another_number_column(tmp_path, engine):
    path = amounts(tmp_path / "a.xlsx", ["1.250", 2000.0], cost=["10,5", 700.0])
    df = read_cost(path)
    assert df.revenue.tolist() == [1250.0, 2000.0]  # "." groups thousands where "," separates decimals
    assert df.cost.tolist() == [10.5, 700.0]
    assert read_as(df)["separator_from_file"].startswith(
        'revenue: every number stored as text looks like "1.250" (line 2); read with the decimal separator')


def read_cost(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return kamlib.read_orders(path, columns={**M, "Себестоимость": "cost"})


def test_space_grouped_text_with_a_decimal_comma_is_evidence(tmp_path, engine):
    """ "1 234,50" shows a decimal comma; "300.25" then does not fit and is excluded, and the message's
    examples are those of a decimal-comma column (it used to offer "1 234,56" while refusing it)."""
    path = amounts(tmp_path / "a.xlsx", ["1 234,50", "300.25", 10.0])
    with pytest.raises(KamDataError) as info:
        kamlib.read_orders(path, columns=M, on_error="raise")
    message = str(info.value)
    assert 'not a number in column "revenue": 1 line (3), e.g. "300.25"' in message
    assert "valid: a number such as 1234,5, -300 or 1 234,56 (the column is read with a decimal comma" in message
    df = read(path)
    assert df.revenue.tolist() == [1234.5, 10.0]


def test_csv_a_decimal_point_elsewhere_in_the_column_decides_a_thousands_shaped_comma(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Дата;Контрагент;Сумма\n2025-01-01;C1;1,250\n2025-01-02;C2;300.25\n", encoding="utf-8")
    df = read(path)
    assert df.revenue.tolist() == [1250.0, 300.25]
    assert read_as(df)["separator_evidence"] == ('revenue: "." separates decimals (e.g. "300.25" on line 3); '
                                                 'so "," groups thousands: "1,250" (line 2) is read as 1250')


def test_csv_both_separators_in_decimal_shapes_the_more_frequent_one_decides(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("Дата;Контрагент;Сумма\n2025-01-01;C1;1.5\n2025-01-02;C2;1,5\n2025-01-03;C3;2.25\n",
                    encoding="utf-8")
    df = read(path)
    assert df.revenue.tolist() == [1.5, 2.25]
    assert "separator_evidence" not in read_as(df)  # "1,5" is not read as thousands: it is excluded, not noted
    excluded = kamlib.excluded_rows(df)
    assert excluded["line"].tolist() == [3]
    with pytest.raises(KamDataError, match=r'e\.g\. "1,5"; valid: a number such as 1234\.5, -300 or 1 234\.56 '
                                           r'\(the column is read with a decimal point'):
        kamlib.read_orders(path, columns=M, on_error="raise")


# --- a title or filter row that names the columns, above the real header ---


def filter_row_above_header(path, between=()):
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["Отчёт по продажам"])
    ws.append(["Отбор:", "Контрагент", "Дата", "Сумма"])  # the filter's parameters, not the header
    for row in between:
        ws.append(row)
    fill(ws, [(d, c, "x", v) for d, c, v in ROWS], header=["Дата", "Контрагент", "Номенклатура", "Сумма"])
    book.save(path)
    return path, 3 + len(between)


@pytest.mark.parametrize("between", [(), (["Период: январь 2025"], [])])
def test_a_filter_row_naming_the_columns_is_passed_over_for_the_header_under_it(tmp_path, engine, between):
    path, header = filter_row_above_header(tmp_path / "f.xlsx", between)
    df = read(path)
    assert df.client_id.tolist() == ["ООО Ромашка", "АО Гранит", "ЗАО Вектор"]
    assert df.revenue.sum() == pytest.approx(TOTAL)
    assert lines_of(df) == [header + 1, header + 2, header + 3]
    items = read_as(df)
    assert items["header"] == str(header) and items["header_passed"] == "2"
    assert "not taken as the header, though they name the columns too" in repr(kamlib.load_report(df))
    assert len(read(path, header_row=header)) == 3


def lines_of(df) -> list:
    return [int(str(v).lstrip("L")) for v in df["order_id"]]


def test_a_second_header_after_data_rows_is_not_the_header(tmp_path, engine):
    """A returns block with its own header further down: the first header is kept (data lies under it)."""
    book = openpyxl.Workbook()
    ws = book.active
    fill(ws, ROWS)
    ws.append([])
    ws.append(["Возвраты"])
    fill(ws, ROWS[:1])
    book.save(tmp_path / "r.xlsx")
    df = read(tmp_path / "r.xlsx")
    assert "header" not in read_as(df) and "header_passed" not in read_as(df)
    assert df.client_id.tolist()[:3] == ["ООО Ромашка", "АО Гранит", "ЗАО Вектор"]

"""kamlib.start: the notebooks' set-up -- the analysis date, the load line, needs(), readable display."""

from __future__ import annotations

import pandas as pd
import pytest

import kamlib
from kamlib.course._setup import _dates_without_time, _left_aligned_html


@pytest.fixture(autouse=True)
def _restore_display():
    before = {o: pd.get_option(o) for o in ("display.float_format", "display.max_columns", "display.width",
                                             "display.max_colwidth")}
    yield
    for option, value in before.items():
        pd.set_option(option, value)


def write_orders(folder, dates, revenue):
    pd.DataFrame({"order_id": range(1, len(dates) + 1), "date": dates, "client_id": "C1",
                  "revenue": revenue}).to_csv(folder / "orders.csv", index=False)


def test_as_of_none_is_the_last_plausible_order_date(tmp_path, capsys):
    # 40 orders in 2025 and one typed 2052 instead of 2025: the reader excludes it, so it is not "today"
    dates = [f"2025-{m:02d}-{d:02d}" for m in range(1, 11) for d in (3, 10, 17, 24)] + ["2052-11-04"]
    write_orders(tmp_path, dates, [100.0] * 40 + [25.0])
    with pytest.warns(kamlib.KamDataWarning):
        setup = kamlib.start(tmp_path)
    assert setup.as_of == pd.Timestamp("2025-10-24")
    line = capsys.readouterr().out.strip().splitlines()[-1]
    # 41 lines read, 1 excluded; its revenue 25 of 4,025 = 0.6 %
    assert "41 lines read, 1 excluded (0.6% of revenue)" in line, line
    assert "analysis date 2025-10-24 (the last order date)" in line


def test_as_of_given_is_used_and_a_late_one_warned(tmp_path, capsys):
    write_orders(tmp_path, ["2025-01-05", "2025-03-31"], [10.0, 20.0])
    assert kamlib.start(tmp_path, "2025-04-30").as_of == pd.Timestamp("2025-04-30")
    assert "analysis date 2025-04-30 (given)" in capsys.readouterr().out
    with pytest.warns(kamlib.KamDataWarning, match="365 days after the last order"):
        kamlib.start(tmp_path, "2026-03-31")
    with pytest.raises(kamlib.KamArgumentError, match="AS_OF"):
        kamlib.start(tmp_path, "someday")


def test_a_folder_without_orders_is_refused(tmp_path):
    pd.DataFrame({"client_id": ["C1"], "name": ["A"]}).to_csv(tmp_path / "clients.csv", index=False)
    with pytest.raises(kamlib.KamDataError, match="no orders table"):
        kamlib.start(tmp_path)


def test_needs_prints_one_line_naming_what_is_missing(tmp_path, capsys):
    write_orders(tmp_path, ["2025-01-05"], [10.0])
    pd.DataFrame({"client_id": ["C1"], "name": ["A"], "department": [None]}).to_csv(tmp_path / "clients.csv",
                                                                                     index=False)
    setup = kamlib.start(tmp_path)
    capsys.readouterr()
    assert setup.needs("clients", "orders.revenue") is True
    assert capsys.readouterr().out == ""
    # a column without a single value counts as missing
    assert setup.needs("clients.department", "managers", "clients.name") is False
    out = capsys.readouterr().out.splitlines()
    assert out == ['Skipped: this part needs the column "department" in clients and the table managers '
                   "-- not in this data."]
    with pytest.raises(kamlib.KamArgumentError):
        setup.needs()


def test_long_text_left_aligned_and_dates_without_time():
    frame = pd.DataFrame({"client_id": ["C1", "C2"], "note": ["x" * 40, "short"], "n": [1, 2]})
    html = _left_aligned_html(frame)
    header = html.split("<thead>")[1].split("</tr>")[0].split("<th")[2:]  # after the index's empty cell
    assert [c.startswith(' style="text-align: left"') for c in header] == [False, True, False]
    rows = html.split("<tbody>")[1].split("</tr>")[:2]
    for row in rows:
        cells = row.split("<td")[1:]
        assert [c.startswith(' style="text-align: left"') for c in cells] == [False, True, False]
    row = pd.Series({"name": "A", "first_deal": pd.Timestamp("2014-03-12"), "at": pd.Timestamp("2014-03-12 10:30")})
    text = _dates_without_time(row).to_string()
    assert "2014-03-12\n" in text + "\n" and "00:00:00" not in text and "2014-03-12 10:30:00" in text

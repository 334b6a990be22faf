"""Plots and the Excel export of ABC-XYZ (M3)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import kamlib  # noqa: E402
from kamlib import KamArgumentError, KamDataError  # noqa: E402


@pytest.fixture
def result() -> pd.DataFrame:
    # Jan..Jun 2025. a 10 a month (60, X), b alternating 3.75 / 6.25 (30, cv .25 -> Y),
    # c 1 a month (6, X), d only in June (4, insufficient history), e a net return (-5, not ranked).
    # Total ranked 100: cum a .60 A, b .90 B, c .96 C, d 1.00 C.
    rows = []
    for i in range(6):
        month = pd.Timestamp(2025, i + 1, 10)
        rows += [("a", month, 10.0), ("b", month, 3.75 if i % 2 == 0 else 6.25), ("=c", month, 1.0)]
    rows += [("d", pd.Timestamp("2025-06-11"), 4.0), ("e", pd.Timestamp("2025-06-12"), -5.0)]
    orders = pd.DataFrame(rows, columns=["client_id", "date", "revenue"])
    return kamlib.abc_xyz(orders, method="cv", as_of="2025-06-30")


def test_pareto_curve_points_bands_and_cut_offs(result):
    ax = kamlib.plot_pareto(result)
    try:
        line = ax.lines[-1]
        # 4 ranked clients: x = 0, 1/4, 2/4, 3/4, 1; y = 0 and the cumulative shares
        assert np.allclose(line.get_xdata(), [0, 0.25, 0.5, 0.75, 1.0])
        assert np.allclose(line.get_ydata(), [0, 0.60, 0.90, 0.96, 1.00])
        cut_lines = [ln.get_ydata()[0] for ln in ax.lines[:-1]]
        assert cut_lines == pytest.approx([0.80, 0.95])
        assert [tx.get_text() for tx in ax.texts] == ["A: 1", "B: 1", "C: 2"]
        assert len(ax.patches) == 3  # the three bands
        assert "revenue" in ax.get_title()
    finally:
        plt.close(ax.figure)


def test_pareto_draws_on_a_given_axes_and_reads_custom_cut_offs(result):
    fig, ax = plt.subplots()
    try:
        r = kamlib.abc_xyz(pd.DataFrame({"client_id": ["a", "b"], "date": pd.Timestamp("2025-01-01"),
                                         "revenue": [1.0, 1.0]}), abc=(0.5, 0.9), as_of="2025-01-31")
        assert kamlib.plot_pareto(r, ax=ax) is ax
        assert [ln.get_ydata()[0] for ln in ax.lines[:-1]] == pytest.approx([0.5, 0.9])
    finally:
        plt.close(fig)


def test_matrix_heatmap_counts_and_shares(result):
    ax = kamlib.plot_abc_xyz_matrix(result)
    try:
        texts = [tx.get_text() for tx in ax.texts]
        # rows A, B, C x columns X, Y, Z: a in AX, b in BY, c in CX (d has insufficient history)
        assert texts == ["1", "0", "0", "0", "1", "0", "1", "0", "0"]
        assert [tick.get_text() for tick in ax.get_xticklabels()] == ["X", "Y", "Z"]
        assert [tick.get_text() for tick in ax.get_yticklabels()] == ["A", "B", "C"]
        assert "1 client(s) with insufficient history" in ax.get_xlabel()
        assert ax.images[0].get_array().shape == (3, 3)
    finally:
        plt.close(ax.figure)
    matrix = kamlib.abc_xyz_matrix(result)
    ax = kamlib.plot_abc_xyz_matrix(matrix, value="share")
    try:
        texts = [tx.get_text() for tx in ax.texts]
        assert texts[0] == "60.0%" and texts[4] == "30.0%" and texts[6] == "6.0%"
        assert "share of revenue" in ax.get_title()
    finally:
        plt.close(ax.figure)


def test_matrix_heatmap_rejects_other_values(result):
    with pytest.raises(KamArgumentError, match="value='percent' is not valid; use one of 'count', 'share'"):
        kamlib.plot_abc_xyz_matrix(result, value="percent")


def test_excel_workbook_sheets_formats_and_safety(result, tmp_path):
    from openpyxl import load_workbook

    path = kamlib.abc_xyz_to_excel(result, tmp_path / "out" / "abc.xlsx")
    assert path == tmp_path / "out" / "abc.xlsx" and path.exists()
    wb = load_workbook(path)
    assert wb.sheetnames == ["Clients", "Matrix", "Strategies"]
    ws = wb["Clients"]
    header = [c.value for c in ws[1]]
    assert header == list(result.columns)
    assert ws.freeze_panes == "B2"
    assert ws["A1"].font.bold
    assert ws.auto_filter.ref == f"A1:{ws.cell(row=6, column=len(header)).coordinate}"
    share_col = header.index("share") + 1
    assert ws.cell(row=2, column=share_col).value == pytest.approx(0.6)
    assert ws.cell(row=2, column=share_col).number_format == "0.0%"
    # "=c" stays a client name, not a formula
    ids = [ws.cell(row=r, column=1).value for r in range(2, 7)]
    assert ids == ["a", "b", "=c", "d", "e"]
    assert ws.cell(row=4, column=1).data_type == "s"
    # the not-ranked client: empty share, label "not ranked"
    assert ws.cell(row=6, column=share_col).value is None
    assert ws.cell(row=6, column=header.index("abc") + 1).value == "not ranked"
    assert ws.column_dimensions["A"].width >= 4

    wm = wb["Matrix"]
    assert wm["A1"].value == "Number of clients"
    assert [c.value for c in wm[2]] == [None, "X", "Y", "Z", "insufficient history"]
    assert [c.value for c in wm[3]] == ["A", 1, 0, 0, 0]
    assert wm["A7"].value == "Share of revenue"
    assert wm["B9"].value == pytest.approx(0.6) and wm["B9"].number_format == "0.0%"
    notes = [wm.cell(row=r, column=1).value for r in range(12, 15)]
    assert "Not ranked (total value zero or negative): 1 client(s)" in notes

    wst = wb["Strategies"]
    assert [c.value for c in wst[1]] == ["cell", "abc", "xyz", "focus", "strategy"]
    assert wst["A2"].value == "AX" and wst["E2"].alignment.wrap_text

    with pytest.raises(KamArgumentError, match=r"abc.xlsx already exists; pass overwrite=True"):
        kamlib.abc_xyz_to_excel(result, path)
    assert kamlib.abc_xyz_to_excel(result, path, overwrite=True) == path


def test_excel_refuses_other_tables(tmp_path):
    with pytest.raises(KamDataError, match='must be the result of kamlib.abc_xyz'):
        kamlib.abc_xyz_to_excel(pd.DataFrame({"x": [1]}), tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_import_kamlib_does_not_load_matplotlib_or_openpyxl():
    import subprocess
    import sys

    code = ("import sys, kamlib; kamlib.abc_xyz; kamlib.abc_xyz_to_excel; kamlib.plot_pareto; "
            "print(any(m.startswith(('matplotlib', 'openpyxl')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"

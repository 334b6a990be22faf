"""Excel export of an ABC-XYZ analysis (M3: source 004 says this analysis lives in Excel).

openpyxl is imported inside the function, so ``import kamlib`` stays fast and
openpyxl is needed only by those who export (``pip install kamlib[excel]``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import KamArgumentError
from ..labels import t
from ._abc_xyz import AbcXyzMatrix, _settings_of, abc_xyz, abc_xyz_matrix, cell_strategies  # noqa: F401 (abc_xyz: examples)

__all__ = ["abc_xyz_to_excel"]

_PERCENT_COLUMNS = {"share", "cum_share", "cv"}
_MONEY_COLUMNS = {"revenue", "margin", "mean", "sd", "revenue_a", "revenue_b", "margin_a", "margin_b"}
_HEADER_FILL = "DDE6F0"
_MAX_WIDTH = 60


def _plain(value: object) -> object:
    """A cell value openpyxl can write: NaN/NA -> empty, numpy scalars -> Python, periods -> text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Period):
        return str(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _put(ws, row: int, column: int, value: object):
    """Write one cell; text is always text (a client name starting with "=" is not a formula)."""
    cell = ws.cell(row=row, column=column, value=_plain(value))
    if isinstance(cell.value, str) and cell.data_type != "s":
        cell.data_type = "s"
    return cell


def _write_table(ws, frame: pd.DataFrame, *, top: int = 1, index: bool = False,
                 percent: set[str] | None = None, money: set[str] | None = None) -> int:
    """Write ``frame`` with a styled header at row ``top``; return the last row written."""
    from openpyxl.styles import Alignment, Font, PatternFill

    percent = percent or set()
    money = money or set()
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor=_HEADER_FILL)
    columns = ([""] if index else []) + [str(c) for c in frame.columns]
    for j, name in enumerate(columns, start=1):
        cell = _put(ws, top, j, name)
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(vertical="top", wrap_text=False)
    offset = 1 if index else 0
    formats = [("0.0%" if str(c) in percent else "#,##0.00" if str(c) in money else None) for c in frame.columns]
    for i, (label, row) in enumerate(zip(frame.index, frame.itertuples(index=False, name=None)), start=top + 1):
        if index:
            _put(ws, i, 1, label).font = header_font
        for j, value in enumerate(row, start=1 + offset):
            cell = _put(ws, i, j, value)
            fmt = formats[j - 1 - offset]
            if fmt and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                cell.number_format = fmt
    return top + len(frame)


def _fit_widths(ws, *, limit: int = _MAX_WIDTH, sample_rows: int = 2000) -> None:
    """Set each column's width to its longest text (first ``sample_rows`` rows), capped at ``limit``."""
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, sample_rows)):
        for cell in row:
            if cell.value is None:
                continue
            text = f"{cell.value:,.2f}" if isinstance(cell.value, float) else str(cell.value)
            widths[cell.column] = max(widths.get(cell.column, 0), len(text))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(width + 2, limit)


def abc_xyz_to_excel(
    result: pd.DataFrame,
    path: str | Path,
    matrix: AbcXyzMatrix | None = None,
    overwrite: bool = False,
) -> Path:
    """Write an ABC-XYZ analysis to one formatted Excel workbook.

    Three sheets: *Clients* (the :func:`abc_xyz` result, shares and CVs as
    percentages, a filter on the header row), *Matrix* (the client counts and
    value shares of :func:`abc_xyz_matrix`, the number of clients not ranked and
    the settings used), *Strategies* (the nine cells and their account strategy,
    :func:`cell_strategies`). Headers are bold on a coloured band and frozen;
    columns are sized to their content. Text is always written as text, so a
    client name beginning with "=" cannot become a formula.

    Parameters
    ----------
    result : DataFrame
        The result of :func:`abc_xyz`.
    path : str or Path
        The ``.xlsx`` file to write.
    matrix : AbcXyzMatrix, optional
        The matrix to write; computed from ``result`` when not given.
    overwrite : bool
        Replace ``path`` if it exists. Default False: an existing file is never
        replaced by accident.

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    KamArgumentError
        ``path`` exists and ``overwrite`` is False (the message names the path).
    KamDataError
        ``result`` is not an :func:`abc_xyz` result.

    See Also
    --------
    abc_xyz, abc_xyz_matrix, cell_strategies

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> orders = pd.DataFrame({"client_id": ["a", "b"], "date": pd.to_datetime(["2025-06-02", "2025-06-03"]),
    ...                        "revenue": [80.0, 20.0]})
    >>> result = abc_xyz(orders, as_of="2025-06-30", min_periods=1)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> abc_xyz_to_excel(result, folder / "abc_xyz.xlsx").name
    'abc_xyz.xlsx'
    """
    settings = _settings_of(result, "result")
    path = Path(path)
    if path.exists() and not overwrite:
        raise KamArgumentError(t("class_errors.file_exists", path=path))
    if matrix is None:
        matrix = abc_xyz_matrix(result)

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = t("abc_excel.sheet_clients")
    last = _write_table(ws, result, percent=_PERCENT_COLUMNS, money=_MONEY_COLUMNS)
    ws.freeze_panes = "B2"
    if len(result.columns):
        ws.auto_filter.ref = f"A1:{ws.cell(row=max(last, 1), column=len(result.columns)).coordinate}"
    _fit_widths(ws)

    wm = wb.create_sheet(t("abc_excel.sheet_matrix"))
    bold = Font(bold=True)
    value_name = t(f"abc_plots.value_{settings['value']}")
    _put(wm, 1, 1, t("abc_excel.counts")).font = bold
    row = _write_table(wm, matrix.counts, top=2, index=True)
    _put(wm, row + 2, 1, t("abc_matrix.shares", value=value_name)).font = bold
    row = _write_table(wm, matrix.shares, top=row + 3, index=True, percent=set(map(str, matrix.shares.columns)))
    _put(wm, row + 2, 1, t("abc_excel.not_ranked_note", n=matrix.not_ranked))
    as_of = settings.get("as_of")
    _put(wm, row + 3, 1, t("abc_excel.settings", value=value_name, abc=settings["abc"], xyz=settings["xyz"],
                            period=settings.get("period", "M"),
                            as_of=as_of.date() if isinstance(as_of, pd.Timestamp) else as_of))
    wm.freeze_panes = "A3"
    _fit_widths(wm, limit=24)

    wst = wb.create_sheet(t("abc_excel.sheet_strategies"))
    _write_table(wst, cell_strategies())
    wst.freeze_panes = "A2"
    _fit_widths(wst, limit=30)
    wst.column_dimensions["E"].width = 100
    for cells in wst.iter_rows(min_row=2, min_col=5, max_col=5):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path

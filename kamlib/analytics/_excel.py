"""Excel export of an ABC-XYZ analysis (M3: source 004 says this analysis lives in Excel).

Written with xlsxwriter in constant-memory mode (:mod:`kamlib.analytics._xlsx`): half a
million clients stream to the file row by row. xlsxwriter is imported inside the
function, so ``import kamlib`` stays fast.
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

    from ._xlsx import Book

    path.parent.mkdir(parents=True, exist_ok=True)
    with Book(path) as book:
        ws = book.sheet(t("abc_excel.sheet_clients"))
        book.table(ws, result, percent=_PERCENT_COLUMNS | {"frequency"}, money=_MONEY_COLUMNS, freeze=(1, 1),
                   autofilter=True)

        wm = book.sheet(t("abc_excel.sheet_matrix"))
        value_name = t(f"abc_plots.value_{settings['value']}")
        book.text(wm, 0, 0, t("abc_excel.counts"), bold=True)
        wm.freeze_panes(2, 0)
        row = book.table(wm, matrix.counts, top=1, index=True, width_limit=24)
        book.text(wm, row + 2, 0, t("abc_matrix.shares", value=value_name), bold=True)
        row = book.table(wm, matrix.shares, top=row + 3, index=True, percent=set(map(str, matrix.shares.columns)),
                         widths=False)
        book.text(wm, row + 2, 0, t("abc_excel.not_ranked_note", n=matrix.not_ranked))
        as_of = settings.get("as_of")
        book.text(wm, row + 3, 0, t("abc_excel.settings", value=value_name, abc=settings["abc"],
                                    xyz=tuple(round(x, 4) for x in settings["xyz"]),
                                    period=settings.get("period", "M"),
                                    as_of=as_of.date() if isinstance(as_of, pd.Timestamp) else as_of))
        extra = [t("window.caption", window=settings["window"])] if settings.get("window") else []
        if settings.get("method"):
            extra.append(t(f"xyz_method.{settings['method']}"))
        extra += list(result.attrs.get("notes", []))
        for k, line in enumerate(extra):
            book.text(wm, row + 4 + k, 0, line)

        wst = book.sheet(t("abc_excel.sheet_strategies"))
        wst.freeze_panes(1, 0)
        book.table(wst, cell_strategies(), wrap={"strategy"}, width_limit=30)
        wst.set_column(4, 4, 100, book.formats["wrap"])
    return path

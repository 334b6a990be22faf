"""The set-up every course notebook starts with: read the data, fix the analysis date, readable tables.

One call, ``setup = kamlib.start(DATA, AS_OF, COLUMNS)``, right after the parameters cell:

- reads every canonical table in the folder ``DATA`` (:func:`kamlib.read_folder` with ``COLUMNS``);
- fixes the analysis date: ``AS_OF`` when given, else the last order date of the loaded orders. The
  reader has already excluded implausible dates (far outside the bulk of the dates, or in the future;
  see the load report), so this is the data's last *plausible* order date -- 2025-12-31 on the sample;
- sets readable display options (money with thousands separators and no scientific notation, small
  numbers to three significant digits, long text left-aligned, at most 20 columns in 120 characters);
- prints one line: tables and lines read, lines excluded, the share of revenue excluded, the analysis date.

A section that needs a table or a column the data does not have asks first::

    if setup.needs("clients.department"):
        display(kamlib.concentration(orders, within="department", clients=data.clients))

and prints one line instead when it is missing. So every notebook runs to the end on orders alone.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .._errors import KamArgumentError, KamDataError
from ..labels import t

__all__ = ["NotebookSetup", "start", "readable_number", "use_readable_display"]

LONG_TEXT = 25
"""Text columns with values longer than this many characters are shown left-aligned."""


def readable_number(x: float) -> str:
    """A float as a reader wants it in a table: thousands separated, no exponent, no needless decimals.

    1,000 and above, and whole numbers: no decimals, thousands separated; below 1,000: three
    significant digits (at most three decimals), so shares line up (0.100 above 0.042).

    Examples
    --------
    >>> [readable_number(v) for v in (12345678.9, -2500.5, 123.45, 45.678, 0.1234, 0.1, 3.0, 0.00004)]
    ['12,345,679', '-2,500', '123', '45.7', '0.123', '0.100', '3', '0.000']
    """
    if not math.isfinite(x):
        return str(x)
    size = abs(x)
    if size >= 1000 or x == int(x):
        return f"{x:,.0f}".replace("-0", "0") if x == 0 else f"{x:,.0f}"
    decimals = max(0, min(3, 2 - math.floor(math.log10(size))))
    text = f"{x:,.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # no "-0.000"


def _day(value: object) -> object:
    """A Timestamp at midnight as a plain date (shown without 00:00:00); anything else unchanged."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.date()
    return value


def _dates_without_time(obj):
    """``obj`` with Timestamps at midnight in text (object) columns shown as dates.

    pandas shows a date column without a time already; a date that ends up among other values
    (a transposed table, one client's row) prints as ``2014-03-12 00:00:00``. Small objects only.

    Examples
    --------
    >>> import pandas as pd
    >>> row = pd.Series({"name": "Oka Trade", "first_deal": pd.Timestamp("2014-03-12")})
    >>> print(_dates_without_time(row).to_string())
    name           Oka Trade
    first_deal    2014-03-12
    """
    if len(obj) > 10_000:
        return obj
    if isinstance(obj, pd.Series):
        return obj.map(_day) if obj.dtype == object else obj
    text = [c for c, dtype in obj.dtypes.items() if dtype == object]
    if not text or not obj.columns.is_unique:
        return obj
    out = obj.copy()
    for column in text:
        out[column] = obj[column].map(_day)
    return out


_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<td>")


def _left_aligned_html(df: pd.DataFrame) -> str | None:
    """pandas' HTML of ``df`` with long-text columns left-aligned (None: let IPython use the default)."""
    df = _dates_without_time(df)
    html = df._repr_html_()
    max_columns = pd.get_option("display.max_columns") or df.shape[1]  # 0 or None: no limit
    if html is None or df.shape[1] > max_columns or not len(df):
        return html
    shown = df.head(pd.get_option("display.max_rows") or len(df))
    long = []
    for j in range(df.shape[1]):
        column = shown.iloc[:, j]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            lengths = column.dropna().map(lambda v: len(str(v)))
            if len(lengths) and lengths.max() > LONG_TEXT:
                long.append(df.shape[1] - j)  # position counted from the row's end (robust to index rowspans)
    if not long:
        return html
    body_start = html.find("<tbody>")
    if body_start < 0:
        return html

    def row(match: re.Match) -> str:
        cells = match.group(1).split("<td")
        n = len(cells) - 1  # data cells of this row
        for back in long:
            k = n - back + 1  # index into cells (cells[0] holds the row's <th>s)
            if 1 <= k <= n and cells[k].startswith(">"):
                cells[k] = ' style="text-align: left"' + cells[k]
        return "<tr>" + "<td".join(cells) + "</tr>"

    head_start = html.find("<thead>")
    if 0 <= head_start < body_start:  # the column names above them, when one header row holds them all
        head_start += len("<thead>")
        first = html.find("</tr>", head_start)
        cells = html[head_start:first].split("<th")
        if len(cells) - 1 == df.shape[1] + df.index.nlevels:
            n = len(cells) - 1
            for back in long:
                if cells[n - back + 1].startswith(">"):
                    cells[n - back + 1] = ' style="text-align: left"' + cells[n - back + 1]
            html = html[:head_start] + "<th".join(cells) + html[first:]
            body_start = html.find("<tbody>")
    return html[:body_start] + _ROW.sub(row, html[body_start:])


_DISPLAY = {"display.float_format": readable_number, "display.max_columns": 20, "display.width": 120,
            "display.max_colwidth": 120}


def use_readable_display() -> dict[str, object]:
    """Set the course's readable display options for pandas (and left-aligned long text in notebooks).

    Returns the options as they were, so they can be put back.

    Examples
    --------
    >>> import pandas as pd
    >>> before = use_readable_display()
    >>> print(pd.Series([1234567.891, 0.25], index=["revenue", "share"]).to_string())
    revenue   1,234,568
    share         0.250
    >>> for option, value in before.items():
    ...     pd.set_option(option, value)
    """
    before = {option: pd.get_option(option) for option in _DISPLAY}
    for option, value in _DISPLAY.items():
        pd.set_option(option, value)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with the course extra
        return
    shell = get_ipython()
    if shell is not None and hasattr(shell, "display_formatter"):
        shell.display_formatter.formatters["text/html"].for_type(pd.DataFrame, _left_aligned_html)
        plain = shell.display_formatter.formatters["text/plain"]
        for kind in (pd.DataFrame, pd.Series):
            plain.for_type(kind, lambda obj, p, cycle: p.text(repr(_dates_without_time(obj))))
    return before


_TABLE_WORDS = {"nps_responses": "NPS answers", "competitor_offers": "competitor offers"}


def _describe(requirement: str) -> str:
    table, _, column = requirement.partition(".")
    if column:
        return t("setup.need_column", table=table, column=column)
    return t("setup.need_table", table=table)


@dataclass
class NotebookSetup:
    """What :func:`start` read and decided: ``.data``, ``.as_of``, ``.as_of_note``; ``.needs(...)``."""

    data: Mapping[str, pd.DataFrame]
    as_of: pd.Timestamp
    as_of_note: str
    folder: str
    skipped: list[str] = field(default_factory=list)
    display_before: dict[str, object] = field(default_factory=dict, repr=False)

    def restore_display(self) -> None:
        """Put pandas' display options back as they were before :func:`start`."""
        for option, value in self.display_before.items():
            pd.set_option(option, value)

    def has(self, requirement: str) -> bool:
        """Whether the data has ``"table"`` or ``"table.column"`` (a column with at least one value)."""
        table, _, column = requirement.partition(".")
        frame = self.data.get(table)
        if frame is None:
            return False
        if not column:
            return True
        return column in frame.columns and bool(frame[column].notna().any())

    def needs(self, *requirements: str) -> bool:
        """True when the data has every requirement; else print ONE line saying what is missing, and False.

        Parameters
        ----------
        *requirements : str
            ``"clients"`` (a table) or ``"clients.department"`` (a column of a table, with values).

        Examples
        --------
        >>> import pandas as pd
        >>> setup = NotebookSetup({"orders": pd.DataFrame({"client_id": ["C1"], "cost": [None]})},
        ...                       pd.Timestamp("2025-12-31"), "", "data")
        >>> setup.needs("orders")
        True
        >>> setup.needs("orders.cost", "managers")
        Skipped: this part needs the column "cost" in orders and the table managers -- not in this data.
        False
        """
        if not requirements:
            raise KamArgumentError(t("errors.bad_argument", argument="requirements", value="()",
                                     valid='"table" or "table.column", e.g. "clients.department"'))
        missing = [r for r in requirements if not self.has(r)]
        if not missing:
            return True
        text = t("setup.skipped", missing=t("setup.and").join(_describe(r) for r in missing))
        self.skipped.append(text)
        print(text)
        return False

    def summary_line(self) -> str:
        """The one line :func:`start` prints: tables and lines read, excluded, revenue excluded, the date."""
        from ..data.read import load_report

        read = excluded = 0
        share = 0.0
        for frame in self.data.values():
            try:
                report = load_report(frame)
            except KamArgumentError:
                continue
            read += report.rows_read
            excluded += report.rows_excluded
            if report.table == "orders" and report.amount_column is not None:
                share = report.share_excluded
        line = t("setup.loaded", n=len(self.data), s="" if len(self.data) == 1 else "s", tables=", ".join(self.data), folder=self.folder,
                 read=f"{read:,}", excluded=f"{excluded:,}", share=f"{share:.1%}",
                 as_of=self.as_of.strftime("%Y-%m-%d"), note=self.as_of_note)
        if excluded:
            line += " " + t("setup.see_report")
        return line


def start(data: str | Path, as_of: object = None, columns: object = None) -> NotebookSetup:
    """Read a company's tables, fix the analysis date and set readable display: a notebook's first call.

    Parameters
    ----------
    data : str or Path
        The folder with ``orders.csv`` (required), ``clients.csv`` and the other tables
        (see data/README.md); read with :func:`kamlib.read_folder`.
    as_of : date-like, optional
        The "today" of the analysis. None (the default): the last order date of the loaded
        orders -- the data's last plausible order date, since the reader excludes implausible
        dates (2025-12-31 on the sample). A date long after the last order is warned about
        (:func:`kamlib.check_as_of`).
    columns : dict or str or Path, optional
        A column mapping (or a columns.toml) passed to every reader.

    Returns
    -------
    NotebookSetup
        ``.data`` (the tables), ``.as_of`` (a Timestamp), ``.needs("clients.department", ...)``.
        Prints one line first: tables and lines read, lines excluded, share of revenue excluded,
        analysis date.

    Raises
    ------
    KamDataError
        When the folder has no orders table (every notebook needs it).

    Examples
    --------
    >>> import tempfile, kamlib
    >>> folder = tempfile.mkdtemp()
    >>> _ = kamlib.load_sample().orders.to_csv(f"{folder}/orders.csv", index=False)
    >>> setup = kamlib.start(folder)  # doctest: +ELLIPSIS
    Data: 1 table (orders) from ...: 26,734 lines read, 0 excluded (0.0% of revenue); analysis date 2025-12-31 (the last order date).
    >>> setup.as_of
    Timestamp('2025-12-31 00:00:00')
    >>> setup.needs("clients")
    Skipped: this part needs the table clients -- not in this data.
    False
    >>> setup.restore_display()
    """
    from ..data._folder import read_folder
    from ..data.read import check_as_of

    tables = read_folder(data, columns=columns)
    if "orders" not in tables:
        raise KamDataError(t("setup.no_orders", folder=data, found=", ".join(tables)), file=str(data))
    orders = tables["orders"]
    if as_of is None:
        last = orders["date"].max()
        if pd.isna(last):
            raise KamDataError(t("setup.no_dates", folder=data), file=str(data), column="date")
        stamp, note = pd.Timestamp(last).normalize(), t("setup.as_of_last")
    else:
        try:
            stamp = pd.Timestamp(as_of).normalize()
        except (TypeError, ValueError):
            raise KamArgumentError(t("errors.bad_argument", argument="AS_OF", value=as_of,
                                     valid='a date such as "2025-12-31", or None')) from None
        note = t("setup.as_of_given")
        check_as_of(orders, stamp)
    setup = NotebookSetup(tables, stamp, note, str(data), display_before=use_readable_display())
    print(setup.summary_line())
    return setup

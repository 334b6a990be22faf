"""Reading your own tables into the canonical tables, without losing a row.

One reader per canonical table (:func:`read_orders`, :func:`read_clients`,
:func:`read_nps`, :func:`read_contacts`, :func:`read_managers`,
:func:`read_competitor_offers`) and the generic :func:`read_table`. Each takes
a CSV file, an Excel workbook (``.xlsx``), a Parquet file or a DataFrame you
already have, and returns a new DataFrame with the canonical column names and
types of :data:`kamlib.TABLES`.

What the readers work out by themselves
---------------------------------------
- **CSV**: the encoding (UTF-8 with or without BOM, else cp1251; UTF-16 when the
  file starts with its BOM), the delimiter (``,`` ``;`` or tab: the one that splits
  the header into the expected columns, else the one that gives every line the
  same number of fields), and title lines above the header.
- **Excel**: title rows above the header (the header is the first row, within the
  first 50, that holds every required column).
- **Numbers**, per column: decimal point or decimal comma, and thousands
  separators (spaces, no-break spaces, or the other of ``.``/``,`` in groups of
  three): ``1234.5``, ``1 234,56``, ``1.234,56``, ``-300`` are all read.
- **Dates**, per value: ISO ``2025-01-31`` (a time part such as ``2025-01-31 14:05``
  is allowed) and ``31.01.2025``. Both are unambiguous, so nothing is guessed:
  ``01/02/2025`` is not read unless you say ``date_format="%d/%m/%Y"``. Dates are
  returned as midnight timestamps (the time of day is dropped).
- **Yes/no** columns accept yes/no, true/false, 1/0, да/нет (any case).
- **Identifiers** (and every text column) are read as text, so ``007`` keeps its zeros.

Nothing is silently dropped
---------------------------
A row that cannot be used -- a missing id or required value, a value that is not
a number / whole number / date / yes-no, a value out of its range (an NPS score
above 10), a repeated id (the first is kept), or, in a CSV file, more fields than
the header -- is *excluded* and recorded. The returned frame carries a
:class:`LoadReport` in ``df.attrs["kamlib_load_report"]``: :func:`load_report`
shows it, :func:`excluded_rows` lists the excluded rows with their line numbers
and original values. Rows are numbered as you see them: in a file the header is
line 1 (Excel: the sheet's row numbers), in a DataFrame the index labels. Blank
lines are skipped (and counted). Negative amounts stay: they are returns.

Column mapping file (``columns="columns.toml"``)
------------------------------------------------
::

    # columns.toml -- how my accounting export names things
    [columns]                  # your header = canonical column, for every table
    "Контрагент" = "client_id"
    "Дата" = "date"
    "Сумма" = "revenue"

    [columns.clients]          # only when reading the clients table
    "Наименование" = "name"

    [options]                  # all optional; arguments given in code win
    delimiter = ";"            # "," ";" "\\t" (or "tab")
    encoding = "cp1251"
    decimal = ","              # "," or "."
    date_format = "%d.%m.%Y"   # strftime codes; default: ISO and dd.mm.yyyy
    header_row = 3             # the header's line (CSV) or row (Excel), 1 = first
    sheet = "Продажи"          # Excel sheet name (or its position, 0 = first)

Headers are matched after stripping spaces, exactly first, then ignoring case;
canonical names need no mapping. Mapping entries that match no header are
ignored, so one file can serve several tables.
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import difflib
import io
import os
import re
import sys
import tomllib
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Real
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import KamArgumentError, KamDataError, KamDataWarning, KamError
from .._validate import check_choice
from ..labels import t
from ._schema import TABLES, columns_of, required_columns

__all__ = [
    "read_table",
    "read_orders",
    "read_clients",
    "read_nps",
    "read_contacts",
    "read_managers",
    "read_competitor_offers",
    "excluded_rows",
    "load_report",
    "LoadReport",
    "ExcludedRow",
    "REPORT_ATTR",
]

REPORT_ATTR = "kamlib_load_report"
"""Key of the load report in ``DataFrame.attrs``."""

ON_ERROR = ("warn", "raise", "exclude")
HEADER_SEARCH = 50  # lines (CSV) or rows (Excel) searched for the header
_SHOW = 5  # line numbers shown per group in a message
_EXAMPLES = 3  # example values shown per group in a message
_SAMPLE_CHARS = 256 * 1024  # text looked at to find the header and the delimiter
_DELIMITERS = (";", "\t", ",")  # tried in this order when nothing else decides
_OPTIONS = ("delimiter", "encoding", "decimal", "date_format", "header_row", "sheet")

# values that mean "empty" in number, date and yes/no columns (compared in lower case);
# text columns keep them as text (a client may be called "NA")
_MISSING_WORDS = frozenset({"nan", "na", "n/a", "#n/a", "null", "none"})
_SPACES = (" ", "\u00a0", "\u202f", "\u2009")  # thousands separators: space, no-break, narrow no-break, thin
_YES = frozenset({"yes", "y", "true", "1", "да", "истина"})
_NO = frozenset({"no", "n", "false", "0", "нет", "ложь"})
_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DOTTED_DATE = r"\d{1,2}\.\d{1,2}\.\d{4}(?: \d{1,2}:\d{2}(?::\d{2})?)?"

# Allowed ranges of numeric columns, from the units in kamlib/data/_schema.py
# (an NPS answer is 0-10; a discount is a percentage; a share is 0-1).
_RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("nps_responses", "score"): (0, 10),
    ("clients", "discount_pct"): (0, 100),
    ("contacts", "relationship"): (1, 5),
    ("managers", "level"): (1, 4),
    ("competitor_offers", "defect_rate"): (0, 1),
}

# why a row is excluded; the order is the order of precedence when a row has several problems
_REASONS = (
    "too_many_fields",
    "missing_id",
    "missing_value",
    "bad_number",
    "bad_whole_number",
    "bad_date",
    "bad_yes_no",
    "out_of_range",
    "duplicate_id",
)
_CODE = {name: i + 1 for i, name in enumerate(_REASONS)}  # 0 = the row is fine

_MAJOR = int(pd.__version__.split(".")[0])
_TEXT_DTYPE = "str" if _MAJOR >= 3 else object
_DATE_DTYPE = pd.to_datetime(pd.Series(["2000-01-01"])).dtype  # what pandas gives for parsed text


# ----------------------------------------------------------------------------------------------
# the load report
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExcludedRow:
    """One row a reader excluded (see :func:`excluded_rows`)."""

    line: object  # line in the file / row of a Parquet file / index label of a DataFrame
    reason: str  # a code of _REASONS; excluded_rows() shows its label
    column: str  # canonical column at fault ("" for a row with too many fields)
    value: str | None  # the offending cell as it was in the source
    raw: tuple[str | None, ...]  # the whole row as it was in the source
    first_line: object = None  # for a duplicate id: where the kept row is


@dataclass(frozen=True, repr=False)
class LoadReport:
    """What a reader did with a source: rows read, loaded, excluded (and why), and how it read them.

    Immutable and picklable; ``repr`` is a readable summary. Obtain it with
    :func:`load_report`; list the excluded rows with :func:`excluded_rows`.

    Attributes
    ----------
    source : str
        The file as given (or "the DataFrame").
    table : str
        The canonical table.
    where : {"line", "row", "index"}
        How rows are numbered: lines of a CSV file or Excel sheet, rows of a
        Parquet file (1 = first), index labels of a DataFrame.
    rows_read : int
        Data rows in the source (blank lines not counted).
    excluded : tuple of ExcludedRow
        The rows that were not loaded.
    raw_columns : tuple of str
        The source's own headers, in its order.
    read_as : tuple of (str, str)
        How the source was read (format, encoding, delimiter, header line, ...).
    """

    source: str
    table: str
    where: str
    rows_read: int
    excluded: tuple[ExcludedRow, ...] = ()
    raw_columns: tuple[str, ...] = ()
    read_as: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict:
        """The report as plain JSON-compatible data (what ``df.attrs`` holds)."""
        return {
            "version": 1,
            "source": self.source,
            "table": self.table,
            "where": self.where,
            "rows_read": self.rows_read,
            "raw_columns": list(self.raw_columns),
            "read_as": [list(item) for item in self.read_as],
            "excluded": {
                "line": [e.line for e in self.excluded],
                "reason": [e.reason for e in self.excluded],
                "column": [e.column for e in self.excluded],
                "value": [e.value for e in self.excluded],
                "raw": [list(e.raw) for e in self.excluded],
                "first_line": [e.first_line for e in self.excluded],
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> LoadReport:
        """The report back from :meth:`to_dict` data."""
        ex = data["excluded"]
        rows = tuple(
            ExcludedRow(line, reason, column, value, tuple(raw), first)
            for line, reason, column, value, raw, first in zip(
                ex["line"], ex["reason"], ex["column"], ex["value"], ex["raw"], ex["first_line"]
            )
        )
        return cls(
            source=data["source"],
            table=data["table"],
            where=data["where"],
            rows_read=data["rows_read"],
            excluded=rows,
            raw_columns=tuple(data["raw_columns"]),
            read_as=tuple(tuple(item) for item in data["read_as"]),
        )

    @property
    def rows_excluded(self) -> int:
        """How many rows were excluded."""
        return len(self.excluded)

    @property
    def rows_loaded(self) -> int:
        """How many rows the returned frame has."""
        return self.rows_read - len(self.excluded)

    @property
    def counts(self) -> dict[str, int]:
        """Excluded rows per reason (the reason labels of :func:`excluded_rows`)."""
        out: dict[str, int] = {}
        for (reason, _column), rows in _groups(self.excluded):
            label = _reason_label(reason)
            out[label] = out.get(label, 0) + len(rows)
        return out

    def summary(self) -> pd.DataFrame:
        """Excluded rows per reason and column, with the first line numbers."""
        records = [
            {
                "reason": _reason_label(reason),
                "column": column,
                "rows": len(rows),
                "first": ", ".join(str(r.line) for r in rows[:_SHOW]),
            }
            for (reason, column), rows in _groups(self.excluded)
        ]
        frame = pd.DataFrame(records, columns=["reason", "column", "rows", "first"])
        return frame.astype({"reason": _TEXT_DTYPE, "column": _TEXT_DTYPE, "rows": "int64", "first": _TEXT_DTYPE})

    def excluded_frame(self) -> pd.DataFrame:
        """The excluded rows as a DataFrame (what :func:`excluded_rows` returns)."""
        fixed = ["line", "reason", "column", "value"]
        raw_names = []
        for name in self.raw_columns:
            name = f"{name}_raw" if name in fixed else name
            while name in raw_names or name in fixed:
                name = f"{name}_"
            raw_names.append(name)
        rows = [(e.line, _reason_label(e.reason), e.column, e.value, *e.raw) for e in self.excluded]
        frame = pd.DataFrame(rows, columns=fixed + raw_names)
        if self.where != "index":
            frame["line"] = frame["line"].astype("int64")
        return frame.astype({c: _TEXT_DTYPE for c in frame.columns[1:]})

    def __repr__(self) -> str:
        out = [
            t("load.report_title", file=self.source, table=self.table),
            "  " + t("load.report_rows", total=self.rows_read, loaded=self.rows_loaded, n=self.rows_excluded),
        ]
        if self.excluded:
            for (reason, column), rows in _groups(self.excluded):
                out.append(
                    "  - "
                    + t(
                        "load.report_group" if column else "load.report_group_row",
                        reason=_reason_label(reason),
                        column=column,
                        n=len(rows),
                        where=_where_word(self.where, len(rows)),
                        lines=_first_lines(rows),
                    )
                )
        else:
            out.append("  " + t("load.report_none"))
        if self.read_as:
            out.append("  " + t("load.report_read_as"))
            out.extend("    " + _read_as_text(key, value, self.where) for key, value in self.read_as)
        if self.excluded:
            out.append("  " + t("load.report_hint"))
        return "\n".join(out)

    __str__ = __repr__

    def _repr_pretty_(self, p, cycle) -> None:  # IPython / Jupyter
        p.text(repr(self))


class _AttrsReport(dict):
    """The report as stored in ``df.attrs``: plain JSON-compatible data (``to_parquet`` writes
    attrs as JSON), shared rather than copied when pandas deep-copies attrs (it does so in many
    operations, and the report may list many rows). Nothing in kamlib changes it after reading."""

    def __copy__(self) -> _AttrsReport:
        return self

    def __deepcopy__(self, memo: dict) -> _AttrsReport:
        return self


def _reason_label(reason: str) -> str:
    return t(f"load.reason_{reason}")


def _where_word(where: str, n: int) -> str:
    """ "line"/"lines", "row"/"rows" or "index"/"index labels" for ``n`` places."""
    singular, plural = {"line": ("line", "lines"), "row": ("row", "rows"), "index": ("index", "indexes")}[where]
    return t(f"load.{singular if n == 1 else plural}")


def _first_lines(rows: list[ExcludedRow]) -> str:
    text = ", ".join(str(r.line) for r in rows[:_SHOW])
    return text + (", " + t("load.more") if len(rows) > _SHOW else "")


def _groups(excluded: tuple[ExcludedRow, ...]) -> list[tuple[tuple[str, str], list[ExcludedRow]]]:
    """Excluded rows grouped by (reason, column), in order of first appearance in the source."""
    groups: dict[tuple[str, str], list[ExcludedRow]] = {}
    for row in excluded:
        groups.setdefault((row.reason, row.column), []).append(row)
    return list(groups.items())


def _read_as_text(key: str, value: str, where: str) -> str:
    if key.startswith("dates_"):
        kind = key[len("dates_") :]
        fmt = t(f"load.date_{kind}") if kind in ("iso", "dotted", "mixed") else kind
        return t("load.detected_dates", format=fmt, value=value)
    return t(f"load.detected_{key}", value=value, where=t(f"load.{where}"))


# ----------------------------------------------------------------------------------------------
# public readers
# ----------------------------------------------------------------------------------------------


def read_table(
    path_or_frame: str | os.PathLike | pd.DataFrame,
    table: str,
    columns: Mapping[str, object] | str | os.PathLike | None = None,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    decimal: str | None = None,
    date_format: str | None = None,
    on_error: str = "warn",
) -> pd.DataFrame:
    """Read one canonical ``table`` from a CSV, Excel or Parquet file, or from a DataFrame.

    What is detected is described in the docstring of this module
    (``help(kamlib.data._readers)``); the mapping-file format and the exclusion
    rules are under Notes below.

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        A ``.csv`` (also ``.txt``/``.tsv``), ``.xlsx`` or ``.parquet`` file, or a
        DataFrame (validated and converted the same way; it is not modified).
        The kind of file is recognised by its content, not only its name. Files
        are only ever opened for reading.
    table : str
        One of ``clients, orders, nps_responses, contacts, managers, competitor_offers``.
    columns : dict or str or Path, optional
        Your headers -> canonical names, e.g. ``{"Контрагент": "client_id"}``, or
        the path of a TOML mapping file with a ``[columns]`` table (and optional
        ``[columns.<table>]`` and ``[options]`` tables).
    sheet : str or int, optional
        Excel sheet name or position (0 = first, the default).
    header_row : int, optional
        The header's line (CSV) or row (Excel), counted from 1. By default the
        first line within the first 50 that holds every required column.
    delimiter : str, optional
        CSV delimiter; detected among ``,`` ``;`` and tab by default.
    encoding : str, optional
        CSV encoding; by default UTF-8 (with or without BOM), else cp1251.
    decimal : {",", "."}, optional
        Decimal separator of every number column; detected per column by default.
    date_format : str, optional
        ``strftime`` format of every date column, e.g. ``"%d/%m/%Y"``; by default
        ISO ``yyyy-mm-dd`` and ``dd.mm.yyyy`` are read.
    on_error : {"warn", "raise", "exclude"}, default "warn"
        What to do when rows must be excluded: load the others and issue a
        :class:`KamDataWarning` ("warn"), raise a :class:`KamDataError` ("raise"),
        or load the others quietly ("exclude"; still recorded in the report).
        When no row at all can be used, a :class:`KamDataError` is raised anyway.

    Returns
    -------
    DataFrame
        The canonical columns present, in canonical order and with canonical
        types (text ``str``, whole numbers ``Int64``, numbers ``float64``, dates
        ``datetime64``, yes/no ``boolean``), then any other columns of the source
        unchanged. A file gives a fresh 0..n-1 index; a DataFrame keeps its index
        labels. ``df.attrs["kamlib_load_report"]`` holds the :class:`LoadReport`.

    Raises
    ------
    KamDataError
        The file does not exist or is empty, a required column is missing (the
        message lists the columns there are), or rows are excluded and
        ``on_error="raise"``, or no row can be used.
    KamArgumentError
        An unknown table or a bad argument or mapping.

    Warns
    -----
    KamDataWarning
        Rows were excluded (with ``on_error="warn"``): how many, why, which lines.

    See Also
    --------
    load_report : what happened while reading.
    excluded_rows : the excluded rows, with their original values.
    read_folder : read every table of a folder.

    Notes
    -----
    A mapping file (``columns="columns.toml"``, also what ``kam`` reads) is TOML::

        [columns]                 # your header = canonical column, for every table
        "Контрагент" = "client_id"
        "Дата" = "date"
        "Сумма" = "revenue"

        [columns.clients]         # only when reading clients (any canonical table name)
        "Наименование" = "name"

        [options]                 # all optional; arguments given here win over them
        delimiter = ";"           # one character; "\t" or "tab" for tab
        encoding = "cp1251"
        decimal = ","             # "," or "."
        date_format = "%d.%m.%Y"  # strftime codes
        header_row = 3            # counted from 1
        sheet = "Продажи"         # Excel: a name, or a position counted from 0

    Entries matching no header are ignored, so one file can serve several
    tables. A dict passed as ``columns`` works the same (nested dicts keyed by
    table name included).

    Rows are excluded, in this order of precedence when a row has several
    problems: more fields than the header (CSV), an empty id or required value,
    a value that is not a number / whole number / date / yes-no, a value out of
    range (``score`` 0-10, ``discount_pct`` 0-100, ``defect_rate`` 0-1,
    ``relationship`` 1-5, managers' ``level`` 1-4, from the units in
    :data:`kamlib.TABLES`), and finally a repeated id: the first row with an id
    (in the file's order, even if that row was excluded for another reason) is
    the one kept.

    Examples
    --------
    >>> import pandas as pd
    >>> export = pd.DataFrame({
    ...     "Номер": ["A-1", "A-2", "A-3"],
    ...     "Дата": ["05.01.2025", "2025-01-06", "06.01.2025"],
    ...     "Контрагент": ["C01", "C02", "C01"],
    ...     "Сумма": ["1 200,50", "-300", "99,90"],
    ... })
    >>> mapping = {"Номер": "order_id", "Дата": "date", "Контрагент": "client_id", "Сумма": "revenue"}
    >>> orders = read_table(export, "orders", columns=mapping)
    >>> orders
      order_id       date client_id  revenue
    0      A-1 2025-01-05       C01   1200.5
    1      A-2 2025-01-06       C02   -300.0
    2      A-3 2025-01-06       C01     99.9
    >>> load_report(orders).rows_loaded
    3
    """
    _check_table(table)
    check_choice(on_error, "on_error", ON_ERROR)
    mapping, options = _mapping_and_options(columns, table)
    given = {
        "sheet": sheet,
        "header_row": header_row,
        "delimiter": delimiter,
        "encoding": encoding,
        "decimal": decimal,
        "date_format": date_format,
    }
    options.update({k: v for k, v in given.items() if v is not None})
    options = _check_options(options)
    source = _open_source(path_or_frame, table, mapping, options)
    frame, report = _build(source, table, mapping, options)
    _act_on_exclusions(report, on_error, is_file=source.is_file)
    frame.attrs[REPORT_ATTR] = _AttrsReport(report.to_dict())
    return frame


_READER_DOC = """Read the ``{table}`` table from a CSV, Excel or Parquet file, or from a DataFrame.

    Canonical columns: {columns} (required: {required}). Same as
    ``read_table(path_or_frame, "{table}", ...)``: see :func:`read_table` for
    what is detected, which rows are excluded and the mapping-file format.

    Parameters
    ----------
    path_or_frame : str, Path or DataFrame
        A ``.csv``, ``.xlsx`` or ``.parquet`` file, or a DataFrame (not modified).
    columns : dict or str or Path, optional
        Your headers -> canonical names, or the path of a TOML mapping file.
    sheet, header_row, delimiter, encoding, decimal, date_format, on_error
        See :func:`read_table`.

    Returns
    -------
    DataFrame
        Canonical columns in canonical order and types, then your other columns;
        the load report is in ``df.attrs["kamlib_load_report"]``.

    Raises
    ------
    KamDataError
        Missing file or column, empty file, unusable rows with ``on_error="raise"``.
    KamArgumentError
        A bad argument or mapping.

    See Also
    --------
    read_table, load_report, excluded_rows

    Examples
    --------
{example}
"""


def _reader(table: str, example: str) -> Callable[..., pd.DataFrame]:
    def reader(
        path_or_frame: str | os.PathLike | pd.DataFrame,
        columns: Mapping[str, object] | str | os.PathLike | None = None,
        *,
        sheet: str | int | None = None,
        header_row: int | None = None,
        delimiter: str | None = None,
        encoding: str | None = None,
        decimal: str | None = None,
        date_format: str | None = None,
        on_error: str = "warn",
    ) -> pd.DataFrame:
        return read_table(
            path_or_frame,
            table,
            columns,
            sheet=sheet,
            header_row=header_row,
            delimiter=delimiter,
            encoding=encoding,
            decimal=decimal,
            date_format=date_format,
            on_error=on_error,
        )

    reader.__doc__ = _READER_DOC.format(
        table=table,
        columns=", ".join(columns_of(table)),
        required=", ".join(required_columns(table)),
        example=example,
    )
    return reader


read_orders = _reader(
    "orders",
    """    >>> import pandas as pd
    >>> raw = pd.DataFrame({"order_id": ["1", "2", "2"], "date": ["2025-01-05", "06.01.2025", "2025-01-07"],
    ...                     "client_id": ["007", "007", "012"], "revenue": ["100", "-20,5", "40"]})
    >>> orders = read_orders(raw, on_error="exclude")   # the second "2" repeats an order id
    >>> orders
      order_id       date client_id  revenue
    0        1 2025-01-05       007    100.0
    1        2 2025-01-06       007    -20.5
    >>> excluded_rows(orders)[["line", "reason", "column", "value"]]
       line        reason    column value
    0     2  duplicate id  order_id     2""",
)
read_clients = _reader(
    "clients",
    """    >>> import pandas as pd
    >>> raw = pd.DataFrame({"client_id": ["C1", "C2"], "name": ["Alfa", "Beta"],
    ...                     "client_type": ["wholesale", "HoReCa"], "is_reference": ["да", "no"]})
    >>> read_clients(raw)
      client_id  name client_type  is_reference
    0        C1  Alfa   wholesale          True
    1        C2  Beta      HoReCa         False""",
)
read_nps = _reader(
    "nps_responses",
    """    >>> import pandas as pd
    >>> raw = pd.DataFrame({"response_id": ["r1", "r2"], "client_id": ["C1", "C1"],
    ...                     "wave": ["2025Q1", "2025Q2"], "score": ["9", "6"]})
    >>> read_nps(raw)["score"].tolist()
    [9, 6]""",
)
read_contacts = _reader(
    "contacts",
    """    >>> import pandas as pd
    >>> raw = pd.DataFrame({"contact_id": ["P1"], "client_id": ["C1"], "name": ["Irina Petrova"],
    ...                     "birthday": ["14.03.1980"]})
    >>> read_contacts(raw)["birthday"].dt.strftime("%Y-%m-%d").tolist()
    ['1980-03-14']""",
)
read_managers = _reader(
    "managers",
    """    >>> import pandas as pd
    >>> raw = pd.DataFrame({"manager_id": ["M1"], "name": ["Oleg"], "department": ["Retail"],
    ...                     "key_accounts": ["C1|C2"]})
    >>> read_managers(raw)["key_accounts"].tolist()
    ['C1|C2']""",
)
read_competitor_offers = _reader(
    "competitor_offers",
    """    >>> import pandas as pd
    >>> raw = pd.DataFrame({"offer_id": ["O1", "O2"], "client_id": ["C1", "C1"], "supplier": ["us", "Rival"],
    ...                     "unit_price": ["10,50", "9,80"], "annual_volume": ["12 000", "12 000"]})
    >>> read_competitor_offers(raw)[["supplier", "unit_price", "annual_volume"]]
      supplier  unit_price  annual_volume
    0       us        10.5        12000.0
    1    Rival         9.8        12000.0""",
)
for _name, _fn in (
    ("read_orders", read_orders),
    ("read_clients", read_clients),
    ("read_nps", read_nps),
    ("read_contacts", read_contacts),
    ("read_managers", read_managers),
    ("read_competitor_offers", read_competitor_offers),
):
    _fn.__name__ = _fn.__qualname__ = _name
    _fn.__module__ = __name__
del _name, _fn


def load_report(df: pd.DataFrame | LoadReport) -> LoadReport:
    """The load report of a frame a ``kamlib`` reader returned.

    Call it right after reading: pandas keeps ``df.attrs`` through many
    operations but not all of them.

    Parameters
    ----------
    df : DataFrame
        A frame returned by :func:`read_table` or one of the ``read_*`` readers.

    Returns
    -------
    LoadReport
        Prints as a readable summary; ``.rows_read``, ``.rows_loaded``,
        ``.rows_excluded``, ``.counts`` (per reason), ``.summary()`` (a DataFrame
        per reason and column) and ``.read_as`` (how the source was read).

    Raises
    ------
    KamArgumentError
        When ``df`` carries no load report.

    See Also
    --------
    excluded_rows : the excluded rows themselves.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"order_id": ["1", "2"], "date": ["2025-01-05", "someday"],
    ...                     "client_id": ["C1", "C1"], "revenue": ["10", "20"]})
    >>> report = load_report(read_orders(raw, on_error="exclude"))
    >>> print(report)
    Load report: the DataFrame (table orders)
      rows read: 2; loaded: 1; excluded: 1
      - not a date in "date": 1 (index 1)
      read as:
        format DataFrame
        dates yyyy-mm-dd in: date
        optional columns not in the file: product_group, quantity, cost
      kamlib.excluded_rows(df) lists the excluded rows with their original values.
    >>> report.counts
    {'not a date': 1}
    """
    return _report_of(df)


def excluded_rows(df: pd.DataFrame | LoadReport) -> pd.DataFrame:
    """The rows a ``kamlib`` reader excluded, with the reason and their original values.

    Parameters
    ----------
    df : DataFrame
        A frame returned by :func:`read_table` or one of the ``read_*`` readers
        (or its :class:`LoadReport`).

    Returns
    -------
    DataFrame
        One row per excluded row: ``line`` (line in the file -- the header is
        line 1 --, Excel sheet row, Parquet row counted from 1, or the index label
        of a DataFrame), ``reason``, ``column`` (the canonical column at fault),
        ``value`` (the offending cell as it was), then the whole row as it was,
        under the source's own headers (a header that clashes with the first four
        gets ``_raw`` appended). Empty when nothing was excluded.

    Raises
    ------
    KamArgumentError
        When ``df`` carries no load report.

    See Also
    --------
    load_report : counts and how the source was read.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"order_id": ["1", "2", ""], "date": ["2025-01-05", "2025-01-06", "2025-01-07"],
    ...                     "client_id": ["C1", "C1", "C2"], "revenue": ["10", "ten", "30"]})
    >>> excluded_rows(read_orders(raw, on_error="exclude"))
       line        reason    column value order_id        date client_id revenue
    0     1  not a number   revenue   ten        2  2025-01-06        C1     ten
    1     2    missing id  order_id   NaN      NaN  2025-01-07        C2      30
    """
    return _report_of(df).excluded_frame()


def _report_of(df: object) -> LoadReport:
    if isinstance(df, LoadReport):
        return df
    if not isinstance(df, pd.DataFrame):
        raise KamArgumentError(t("errors.not_a_dataframe", argument="df", type=type(df).__name__))
    data = df.attrs.get(REPORT_ATTR)
    try:
        return LoadReport.from_dict(data)  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        raise KamArgumentError(t("load_errors.no_report")) from None


# ----------------------------------------------------------------------------------------------
# arguments, mapping file, options
# ----------------------------------------------------------------------------------------------


def _check_table(table: object) -> None:
    if not isinstance(table, str) or table not in TABLES:
        raise KamArgumentError(t("load_errors.unknown_table", table=table, valid=", ".join(TABLES)))


def _mapping_and_options(columns: object, table: str) -> tuple[dict[str, str], dict[str, object]]:
    """The header mapping for ``table`` and the options of a mapping file."""
    if columns is None:
        return {}, {}
    options: dict[str, object] = {}
    if isinstance(columns, Mapping):
        entries: Mapping = columns
    elif isinstance(columns, (str, os.PathLike)):
        path = Path(columns)
        if not path.is_file():
            raise KamArgumentError(t("load_errors.mapping_file_missing", path=str(columns)))
        try:
            with path.open("rb") as fh:
                data = tomllib.load(fh)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise KamArgumentError(t("load_errors.mapping_file_invalid", path=str(columns), error=exc)) from None
        for section in data:
            if section not in ("columns", "options"):
                raise KamArgumentError(t("load_errors.mapping_sections", path=str(columns), section=section))
        entries = data.get("columns", {})
        options = dict(data.get("options", {}))
        for key in options:
            if key not in _OPTIONS:
                raise KamArgumentError(
                    t("load_errors.option_unknown", path=str(columns), key=key, valid=", ".join(_OPTIONS))
                )
    else:
        raise KamArgumentError(t("load_errors.mapping_type", type=type(columns).__name__))
    mapping: dict[str, str] = {}
    specific: dict[str, str] = {}
    for key, value in entries.items():
        if isinstance(value, Mapping) and key in TABLES:
            for k, v in value.items():
                _check_mapping_entry(k, v)
                if key == table:
                    specific[k] = v
        else:
            _check_mapping_entry(key, value)
            mapping[key] = value
    mapping.update(specific)
    return mapping, options


def _check_mapping_entry(key: object, value: object) -> None:
    if not (isinstance(key, str) and isinstance(value, str) and key.strip() and value.strip()):
        raise KamArgumentError(t("load_errors.mapping_entry", key=key, value=value, tables=", ".join(TABLES)))


def _check_options(options: dict[str, object]) -> dict[str, object]:
    out = dict(options)
    delim = out.get("delimiter")
    if delim is not None:
        if isinstance(delim, str) and delim.lower() in ("tab", "\\t"):
            delim = "\t"
        if not (isinstance(delim, str) and len(delim) == 1 and delim not in "\"\r\n"):
            raise KamArgumentError(
                t("errors.bad_argument", argument="delimiter", value=delim, valid=t("load_errors.valid_delimiter"))
            )
        out["delimiter"] = delim
    enc = out.get("encoding")
    if enc is not None:
        try:
            codecs.lookup(enc)  # type: ignore[arg-type]
        except (LookupError, TypeError):
            raise KamArgumentError(
                t("errors.bad_argument", argument="encoding", value=enc, valid=t("load_errors.valid_encoding"))
            ) from None
    if out.get("decimal") is not None:
        check_choice(out["decimal"], "decimal", (",", "."))
    fmt = out.get("date_format")
    if fmt is not None and not (isinstance(fmt, str) and "%" in fmt):
        raise KamArgumentError(
            t("errors.bad_argument", argument="date_format", value=fmt, valid=t("load_errors.valid_date_format"))
        )
    row = out.get("header_row")
    if row is not None and not (isinstance(row, int) and not isinstance(row, bool) and row >= 1):
        raise KamArgumentError(
            t("errors.bad_argument", argument="header_row", value=row, valid=t("load_errors.valid_header_row"))
        )
    sheet = out.get("sheet")
    if sheet is not None and not (
        isinstance(sheet, str) or (isinstance(sheet, int) and not isinstance(sheet, bool) and sheet >= 0)
    ):
        raise KamArgumentError(
            t("errors.bad_argument", argument="sheet", value=sheet, valid=t("load_errors.valid_sheet"))
        )
    return out


# ----------------------------------------------------------------------------------------------
# header names
# ----------------------------------------------------------------------------------------------


def _clean_header(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\ufeff", "").strip()


def _resolve(headers: list[str], table: str, mapping: Mapping[str, str]) -> list[str | None]:
    """The column each header gives: a mapped or canonical name, or None for another column.

    Exact matches (after stripping spaces) first, then matches ignoring case.
    """
    canon = columns_of(table)
    canon_set = set(canon)
    canon_fold = {c.casefold(): c for c in canon}
    exact = {k.strip(): v.strip() for k, v in mapping.items()}
    fold = {k.strip().casefold(): v.strip() for k, v in mapping.items()}
    out: list[str | None] = []
    for header in headers:
        h = _clean_header(header)
        if not h:
            out.append(None)
        elif h in exact:
            out.append(exact[h])
        elif h in canon_set:
            out.append(h)
        elif h.casefold() in fold:
            out.append(fold[h.casefold()])
        else:
            out.append(canon_fold.get(h.casefold()))
    return out


def _has_required(headers: list[str], table: str, mapping: Mapping[str, str]) -> bool:
    return set(required_columns(table)) <= set(_resolve(headers, table, mapping))


# ----------------------------------------------------------------------------------------------
# sources
# ----------------------------------------------------------------------------------------------


@dataclass
class _Source:
    """Raw cells of a source: positional columns, the header texts, how rows are numbered."""

    name: str  # for messages
    where: str  # "line" | "row" | "index"
    headers: list[str]
    data: pd.DataFrame  # columns 0..n-1, raw cells
    labels: Callable[[np.ndarray], list]  # positions in data -> line numbers / index labels
    is_file: bool = True
    skip_blank: bool = False  # blank rows are not data (CSV, Excel)
    header_line: int | None = None  # 1-based
    header_width: int | None = None  # CSV: fields beyond it make a row unusable
    keep_index: pd.Index | None = None  # a DataFrame's own index
    read_as: list[tuple[str, str]] = field(default_factory=list)


def _open_source(path_or_frame: object, table: str, mapping: dict, options: dict) -> _Source:
    if isinstance(path_or_frame, pd.DataFrame):
        return _frame_source(path_or_frame, t("load.source_dataframe"), "index", is_file=False)
    if not isinstance(path_or_frame, (str, os.PathLike)):
        raise KamArgumentError(t("load_errors.bad_source", type=type(path_or_frame).__name__))
    name = os.fspath(path_or_frame)
    path = Path(name)
    if not path.exists():
        raise KamDataError(t("load_errors.not_found", file=name), file=name)
    if path.is_dir():
        raise KamDataError(t("load_errors.is_folder", file=name), file=name)
    with path.open("rb") as fh:
        head = fh.read(8)
    suffix = path.suffix.lower()
    if not head:
        raise KamDataError(t("load_errors.empty_file", file=name), file=name)
    if head.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise KamDataError(t("load_errors.xls", file=name), file=name)
    if head.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        return _excel_source(path, name, table, mapping, options)
    if head.startswith(b"PAR1") or suffix in (".parquet", ".pq"):
        return _parquet_source(path, name)
    return _csv_source(path, name, table, mapping, options)


def _frame_source(df: pd.DataFrame, name: str, where: str, *, is_file: bool) -> _Source:
    headers = [_clean_header(c) if not isinstance(c, tuple) else " ".join(map(str, c)) for c in df.columns]
    data = df.set_axis(range(df.shape[1]), axis=1)
    if where == "index":
        index = df.index
        labels = lambda pos: [_json_label(v) for v in index[pos].tolist()]  # noqa: E731
        keep = index
    else:
        labels = lambda pos: (np.asarray(pos) + 1).tolist()  # noqa: E731
        keep = None
    fmt = "DataFrame" if where == "index" else "Parquet"
    return _Source(name, where, headers, data, labels, is_file=is_file, keep_index=keep, read_as=[("format", fmt)])


def _json_label(value: object) -> object:
    """An index label as JSON-compatible data (the report travels in ``df.attrs``)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def _parquet_source(path: Path, name: str) -> _Source:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        raise KamError(t("load_errors.need_pyarrow")) from None
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many kinds for a damaged file
        raise KamDataError(t("load_errors.unreadable", file=name, format="Parquet", error=exc), file=name) from None
    if any(n is not None for n in df.index.names):
        df = df.reset_index()  # a named index is data (pandas stores it that way)
    else:
        df = df.reset_index(drop=True)
    if df.shape[0] == 0:
        raise KamDataError(t("errors.empty_table", file=name), file=name)
    return _frame_source(df, name, "row", is_file=True)


# --- CSV ---


def _decode(data: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding."""

    def line_of(exc: UnicodeDecodeError) -> int:
        return data.count(b"\n", 0, exc.start) + 1

    if encoding is not None:
        codec = codecs.lookup(encoding).name
        try:
            return data.decode("utf-8-sig" if codec == "utf-8" else codec), encoding
        except UnicodeDecodeError as exc:
            raise KamDataError(
                t("load_errors.encoding_failed", file=name, where=t("load.line"), line=line_of(exc), encoding=encoding),
                file=name,
                rows=[line_of(exc)],
            ) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "UTF-8 (BOM)" if data.startswith(codecs.BOM_UTF8) else "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251"), "cp1251"
    except UnicodeDecodeError as exc:
        raise KamDataError(
            t("load_errors.encoding_unknown", file=name, where=t("load.line"), line=line_of(exc)),
            file=name,
            rows=[line_of(exc)],
        ) from None


def _records(text: str, delimiter: str, limit: int) -> list[tuple[int, int, list[str]]]:
    """(first line, last line, fields) of the first ``limit`` records; lines 0-based."""
    out = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous = 0
    try:
        for fields in reader:
            out.append((previous, reader.line_num - 1, fields))
            previous = reader.line_num
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def _consistency(records: list[tuple[int, int, list[str]]], start: int) -> tuple[bool, float, int]:
    """How well a delimiter splits the records from ``start`` on: (splits at all, same width, width)."""
    rows = [r[2] for r in records[start:] if any(f.strip() for f in r[2])][:21]
    if not rows:
        return (False, 0.0, 0)
    width = len(rows[0])
    same = sum(len(r) == width for r in rows[1:]) / max(len(rows) - 1, 1)
    return (width > 1, same, width)


def _csv_header(
    sample: str, table: str, mapping: dict, options: dict
) -> tuple[str, int, int, list[str], bool]:
    """Delimiter, first and last line (0-based) of the header, its fields, and whether it was searched."""
    given = options.get("delimiter")
    candidates = (given,) if given else _DELIMITERS
    records = {d: _records(sample, d, HEADER_SEARCH) for d in candidates}
    header_row = options.get("header_row")
    if header_row is not None:
        target = header_row - 1
        best = None
        for d in candidates:
            index = next((i for i, r in enumerate(records[d]) if r[0] >= target), None)
            if index is None:
                continue
            score = _consistency(records[d], index)
            if best is None or score > best[0]:
                best = (score, d, index)
        if best is None:
            return candidates[0], target, target, [], False
        _, d, index = best
        first, last, fields = records[d][index]
        return d, first, last, fields, False
    found = None  # (first line, -width, delimiter, index)
    for d in candidates:
        for i, (first, _last, fields) in enumerate(records[d]):
            if _has_required(fields, table, mapping):
                key = (first, -len(fields), _DELIMITERS.index(d) if d in _DELIMITERS else 0)
                if found is None or key < found[0]:
                    found = (key, d, i)
                break
    if found is not None:
        _, d, i = found
        first, last, fields = records[d][i]
        return d, first, last, fields, False
    # no line holds the required columns: the widest line (the first of them) is taken as the
    # header, so the missing-column message lists the real headers, not a title line above them;
    # the delimiter is the one that splits best from there
    best = None
    for d in candidates:
        index = _widest(records[d][i][2] for i in range(len(records[d])))
        if index is None:
            continue
        score = _consistency(records[d], index)
        if best is None or score > best[0]:
            best = (score, d, index)
    if best is None:
        return candidates[0], 0, 0, [], True
    _, d, index = best
    first, last, fields = records[d][index]
    return d, first, last, fields, True


def _widest(rows) -> int | None:
    """Index of the first row with the most non-empty cells (None when all are empty)."""
    best, best_width = None, 0
    for i, row in enumerate(rows):
        width = sum(not _is_empty(v) for v in row)
        if width > best_width:
            best, best_width = i, width
    return best


class _CsvLines:
    """Line numbers (1-based) of the records of a CSV body, worked out only when asked.

    A record spans several lines only when one of its fields holds a line break (in
    quotes); without such a field, record k is simply on line ``first_line + k``.
    """

    def __init__(self, body: str, first_line: int, delimiter: str) -> None:
        self.first_line = first_line
        self.delimiter = delimiter
        self.body = body if '"' in body else None  # line breaks in fields need quotes
        self.frame: pd.DataFrame | None = None  # the parsed fields, set once read
        self._starts: np.ndarray | None = None

    def _multiline(self) -> bool:
        if self.body is None:
            return False
        if self.frame is None:
            return True
        return any(
            _as_bool_array(self.frame[j].str.contains("[\r\n]", regex=True)).any()
            for j in self.frame.columns
            if _is_text_dtype(self.frame[j])
        )

    def __call__(self, positions: np.ndarray) -> list[int]:
        positions = np.asarray(positions, dtype=np.int64)
        if self._starts is None and not self._multiline():
            self.body = None
        if self.body is None:
            return (positions + self.first_line).tolist()
        if self._starts is None:
            starts = []
            reader = csv.reader(io.StringIO(self.body, newline=""), delimiter=self.delimiter)
            previous = 0
            for _fields in reader:
                starts.append(previous)
                previous = reader.line_num
            self._starts = np.asarray(starts, dtype=np.int64)
            self.body = ""  # keep the flag, drop the text
        return (self._starts[positions] + self.first_line).tolist()


def _csv_source(path: Path, name: str, table: str, mapping: dict, options: dict) -> _Source:
    data = path.read_bytes()
    text, encoding = _decode(data, name, options.get("encoding"))
    del data
    if not text.strip():
        raise KamDataError(t("load_errors.empty_file", file=name), file=name)
    if "\x00" in text[:4096]:
        raise KamDataError(t("load_errors.not_text", file=name), file=name)
    sample = text[:_SAMPLE_CHARS]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rindex("\n") + 1]
    delimiter, first, last, header, searched = _csv_header(sample, table, mapping, options)
    header = [_clean_header(h) for h in header]
    _check_required(name, header, table, mapping, header_line=first + 1, searched=searched)
    # the body starts after the header's last line
    offset = 0
    for i, line in enumerate(io.StringIO(text, newline="")):
        if i > last:
            break
        offset += len(line)
    body = text[offset:]
    del text
    width = len(header)
    frame = _read_csv_body(body, delimiter, width)
    if frame.shape[1] < width:
        for j in range(frame.shape[1], width):
            frame[j] = pd.Series(np.nan, index=frame.index, dtype=_TEXT_DTYPE)
    headers = list(header) + [""] * (frame.shape[1] - width)
    read_as = [("format", "CSV"), ("encoding", encoding), ("delimiter", _show_delimiter(delimiter))]
    if first > 0:
        read_as.append(("header", str(first + 1)))
    lines = _CsvLines(body, last + 2, delimiter)
    lines.frame = frame
    return _Source(
        name,
        "line",
        headers,
        frame,
        lines,
        skip_blank=True,
        header_line=first + 1,
        header_width=width,
        read_as=read_as,
    )


def _show_delimiter(delimiter: str) -> str:
    return t("load.delimiter_tab") if delimiter == "\t" else f'"{delimiter}"'


def _read_csv_body(body: str, delimiter: str, width: int) -> pd.DataFrame:
    """Every field of every record as text ("" for empty), blank lines included (as rows)."""
    if not body.strip():
        return pd.DataFrame(index=pd.RangeIndex(0))
    frame = _read_csv_body_arrow(body, delimiter, width)
    if frame is not None:
        return frame
    kwargs = dict(
        sep=delimiter,
        header=None,
        dtype=str,
        na_filter=False,
        skip_blank_lines=False,
        quotechar='"',
        engine="c",
    )
    try:
        return pd.read_csv(io.StringIO(body), **kwargs)
    except (pd.errors.ParserError, pd.errors.EmptyDataError):
        # a later record has more fields than the first (or the first is blank):
        # read with the widest record's width
        widest = max((len(r) for r in csv.reader(io.StringIO(body, newline=""), delimiter=delimiter)), default=1)
        return pd.read_csv(io.StringIO(body), names=list(range(widest)), **kwargs)


def _read_csv_body_arrow(body: str, delimiter: str, width: int) -> pd.DataFrame | None:
    """The fast path (pyarrow's parser, ~10x pandas' here) for a body whose every non-blank
    record has ``width`` fields; None when pyarrow is missing or a record has another width."""
    if width < 1 or _MAJOR < 3:
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        return None
    names = [str(j) for j in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(body.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, quote_char='"', newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in names},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    frame = table.to_pandas(types_mapper={pa.string(): text, pa.large_string(): text}.get)
    return frame.set_axis(range(width), axis=1)


# --- Excel ---


def _excel_source(path: Path, name: str, table: str, mapping: dict, options: dict) -> _Source:
    try:
        import openpyxl
    except ImportError:
        raise KamError(t("load_errors.need_openpyxl")) from None
    # openpyxl is given an open file (read-only), not the path: it judges a path by its suffix
    with warnings.catch_warnings(), path.open("rb") as handle:
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it ignores
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # zipfile/openpyxl raise many kinds for a damaged file
            raise KamDataError(t("load_errors.unreadable", file=name, format="Excel .xlsx", error=exc), file=name) from None
        try:
            sheet = options.get("sheet")
            names = book.sheetnames
            if sheet is None:
                sheet_name = names[0]
            elif isinstance(sheet, int):
                if sheet >= len(names):
                    raise KamDataError(
                        t("load_errors.sheet_not_found", file=name, sheet=sheet, available=", ".join(names)), file=name
                    )
                sheet_name = names[sheet]
            else:
                if sheet not in names:
                    raise KamDataError(
                        t("load_errors.sheet_not_found", file=name, sheet=sheet, available=", ".join(names)), file=name
                    )
                sheet_name = sheet
            ws = book[sheet_name]
            ws.reset_dimensions()  # some writers store wrong dimensions; read what is there
            rows = [tuple(r) for r in ws.iter_rows(min_row=1, values_only=True)]
        finally:
            book.close()
    while rows and all(_is_empty(v) for v in rows[-1]):
        rows.pop()
    if not rows:
        raise KamDataError(t("load_errors.empty_file", file=name), file=name)
    header_row = options.get("header_row")
    searched = False
    if header_row is not None:
        h = header_row - 1
    else:
        h = next(
            (i for i, r in enumerate(rows[:HEADER_SEARCH]) if _has_required([_clean_header(v) for v in r], table, mapping)),
            None,
        )
        if h is None:  # as for CSV: the widest row is taken as the header
            searched = True
            h = _widest(rows[:HEADER_SEARCH])
    header = [_clean_header(v) for v in rows[h]] if h < len(rows) else []
    _check_required(name, header, table, mapping, header_line=h + 1, searched=searched)
    body = rows[h + 1 :]
    width = max([len(header)] + [len(r) for r in body])
    grid = np.full((len(body), width), None, dtype=object)
    for i, r in enumerate(body):
        grid[i, : len(r)] = r
    frame = pd.DataFrame(grid, columns=range(width), dtype=object)
    headers = header + [""] * (width - len(header))
    read_as = [("format", "Excel"), ("sheet", sheet_name)]
    if h > 0:
        read_as.append(("header", str(h + 1)))
    first_data = h + 2
    return _Source(
        name,
        "line",
        headers,
        frame,
        lambda pos: (np.asarray(pos, dtype=np.int64) + first_data).tolist(),
        skip_blank=True,
        header_line=h + 1,
        read_as=read_as,
    )


# ----------------------------------------------------------------------------------------------
# cells -> typed values
# ----------------------------------------------------------------------------------------------

_EMPTY, _TEXT, _NUM, _BOOL, _DATE, _OTHER = range(6)


def _is_empty(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, str):
        return not v.strip()
    if isinstance(v, float):
        return v != v
    if isinstance(v, (np.floating, np.datetime64)):
        return bool(pd.isna(v))
    return False


def _kind(v: object) -> int:
    if _is_empty(v):
        return _EMPTY
    if isinstance(v, str):
        return _TEXT
    if isinstance(v, (bool, np.bool_)):
        return _BOOL
    if isinstance(v, (Real, Decimal)):
        return _NUM
    if isinstance(v, (_dt.date, np.datetime64)):  # datetime and Timestamp are dates too
        return _DATE
    return _OTHER


def _text_of(v: object) -> str | None:
    """One cell as text (for text columns): numbers without a trailing .0, dates as ISO."""
    if _is_empty(v):
        return None
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return str(int(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, (_dt.datetime, pd.Timestamp)):
        ts = pd.Timestamp(v)
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()
    if isinstance(v, _dt.date):
        return v.isoformat()
    return str(v).strip()


def _is_text_dtype(s: pd.Series) -> bool:
    return isinstance(s.dtype, pd.StringDtype)


def _as_bool_array(x: object) -> np.ndarray:
    """A fresh, writable numpy bool array (missing -> False)."""
    if isinstance(x, pd.Series):
        x = x.fillna(False)
    return np.array(x, dtype=bool)


@dataclass
class _Cells:
    """A column split by what its cells hold (so each kind is converted once, vectorised)."""

    n: int
    kind: np.ndarray  # int8 per row
    text: pd.Series  # stripped text of text cells (NA elsewhere), str dtype, RangeIndex
    objects: np.ndarray | None  # the cells (object column) or None (text column)


def _cells(s: pd.Series) -> _Cells:
    n = len(s)
    if _is_text_dtype(s):
        text = s.reset_index(drop=True).str.strip()
        text = text.mask(_as_bool_array(text.eq("")))
        kind = np.where(_as_bool_array(text.isna()), _EMPTY, _TEXT).astype(np.int8)
        return _Cells(n, kind, text, None)
    objects = s.to_numpy(dtype=object)
    kind = np.fromiter((_kind(v) for v in objects), dtype=np.int8, count=n)
    values = np.full(n, None, dtype=object)
    is_text = kind == _TEXT
    values[is_text] = [v.strip() for v in objects[is_text]]
    return _Cells(n, kind, pd.Series(values, dtype=_TEXT_DTYPE), objects)


def _missing_words(text: pd.Series, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` hold a word meaning "empty" (nan, NULL, n/a, ...)."""
    if not rows.any():
        return rows
    out = np.zeros(len(rows), dtype=bool)
    idx = np.flatnonzero(rows)
    out[idx] = _as_bool_array(text.iloc[idx].str.lower().isin(_MISSING_WORDS))
    return out


@dataclass
class _Converted:
    values: object  # array-like of the final dtype, full length
    missing: np.ndarray  # bool: the cell is empty
    bad: np.ndarray  # int8: 0 or a reason code
    note: tuple[str, str] | None = None  # how it was read, for the report


def _convert_text(s: pd.Series) -> _Converted:
    if _is_text_dtype(s):
        cells = _cells(s)
        text = cells.text
    else:
        text = pd.Series([_text_of(v) for v in s.to_numpy(dtype=object)], dtype=_TEXT_DTYPE)
    missing = _as_bool_array(text.isna())
    return _Converted(text.astype(_TEXT_DTYPE).array, missing, np.zeros(len(s), dtype=np.int8))


def _arrow_text(text: pd.Series) -> bool:
    return getattr(text.dtype, "storage", None) == "pyarrow"


def _cast_all(text: pd.Series) -> np.ndarray | None:
    """Text -> float64 when every value is a plain number (empty -> NaN); None otherwise."""
    if _arrow_text(text):
        import pyarrow as pa
        import pyarrow.compute as pc

        try:
            return np.asarray(pc.cast(pa.array(text), pa.float64()).to_numpy(zero_copy_only=False), dtype="float64")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return None if (np.isnan(values) & _as_bool_array(text.notna())).any() else values


def _to_float(text: pd.Series) -> np.ndarray:
    """Text -> float64, NaN where it is not a plain number."""
    values = _cast_all(text)
    if values is None:
        values = pd.to_numeric(text, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    return values


_NUMBER_SHAPED = "[+\\-\u2212]?[0-9.," + "".join(_SPACES) + "]*[0-9][0-9.," + "".join(_SPACES) + "]*"


def _detect_decimal(text: pd.Series) -> str:
    """"," or ".": the last of the two in values holding both, else the more frequent one.

    Only number-shaped values vote (digits, separators, a sign), so the dots of "n.a."
    cannot outvote the decimal commas of a column.
    """
    has_comma = _as_bool_array(text.str.contains(",", regex=False))
    has_dot = _as_bool_array(text.str.contains(".", regex=False))
    if not has_comma.any():
        return "."
    if has_dot.any():
        shaped = _as_bool_array(text.str.fullmatch(_NUMBER_SHAPED))
        has_comma &= shaped
        has_dot &= shaped
    both = has_comma & has_dot
    if both.any():
        sub = text[both]
        comma_last = _as_bool_array(sub.str.rfind(",") > sub.str.rfind("."))
        return "," if 2 * comma_last.sum() > len(sub) else "."
    return "," if has_comma.sum() > has_dot.sum() else "."


def _number_pattern(decimal: str) -> str:
    other = "." if decimal == "," else ","
    group = "[" + re.escape(other) + "".join(_SPACES) + "]"
    d = re.escape(decimal)
    return rf"[+-]?(?:\d{{1,3}}(?:{group}\d{{3}})+(?:{d}\d*)?|\d+(?:{d}\d*)?|{d}\d+)(?:[eE][+-]?\d+)?"


def _parse_numbers(
    text: pd.Series, present: np.ndarray, decimal: str | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Numbers from text cells: (values, bad, missing-word, decimal separator used).

    Fast path: the whole column cast at once (plain numbers; a decimal comma when the
    column has no dots). Otherwise each value is checked against the number pattern,
    separators are removed and the valid ones are cast.
    """
    n = len(text)
    if not present.any():
        return np.full(n, np.nan), np.zeros(n, bool), np.zeros(n, bool), decimal or "."
    if decimal is None:
        decimal = _detect_decimal(text)
    values = None
    if decimal == ".":
        values = _cast_all(text)
    elif not _as_bool_array(text.str.contains(".", regex=False)).any():
        values = _cast_all(text.str.replace(",", ".", regex=False))
    if values is None:
        values = np.full(n, np.nan)
        idx = np.flatnonzero(present)
        sub = text.iloc[idx]
        if _as_bool_array(sub.str.contains("\u2212", regex=False)).any():
            sub = sub.str.replace("\u2212", "-", regex=False)  # a typographic minus
        norm = sub.where(_as_bool_array(sub.str.fullmatch(_number_pattern(decimal))))
        for ch in _SPACES + (("." if decimal == "," else ","),):
            if _as_bool_array(norm.str.contains(ch, regex=False)).any():
                norm = norm.str.replace(ch, "", regex=False)
        if decimal == ",":
            norm = norm.str.replace(",", ".", regex=False)
        values[idx] = _to_float(norm)
    values = np.where(present & np.isfinite(values), values, np.nan)
    still = present & np.isnan(values)
    words = _missing_words(text, still)
    return values, still & ~words, words, decimal


def _convert_number(s: pd.Series, decimal: str | None, *, whole: bool, bounds: tuple | None) -> _Converted:
    n = len(s)
    bad = np.zeros(n, dtype=np.int8)
    note = None
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        values = np.full(n, np.nan)
        missing = _as_bool_array(s.isna())
        bad[~missing] = _CODE["bad_number"]
    elif pd.api.types.is_numeric_dtype(dtype):
        values = s.to_numpy(dtype="float64", na_value=np.nan)
        bad[np.isinf(values)] = _CODE["bad_number"]
        values = np.where(np.isinf(values), np.nan, values)
        missing = np.isnan(values) & (bad == 0)
    else:
        cells = _cells(s)
        present = cells.kind == _TEXT
        values, bad_text, words, used = _parse_numbers(cells.text, present, decimal)
        bad[bad_text] = _CODE["bad_number"]
        missing = (cells.kind == _EMPTY) | words
        if cells.objects is not None:
            is_num = cells.kind == _NUM
            if is_num.any():
                values[is_num] = [float(v) for v in cells.objects[is_num]]
                inf = is_num & ~np.isfinite(values)
                bad[inf] = _CODE["bad_number"]
                missing |= is_num & np.isnan(values) & ~inf
                values[inf] = np.nan
            bad[np.isin(cells.kind, (_BOOL, _DATE, _OTHER))] = _CODE["bad_number"]
        if used == "," and present.any():
            note = ("decimal_comma", "")
    if whole:
        ok = ~np.isnan(values)
        not_whole = ok & ((np.floor(values) != values) | (np.abs(values) > 2**53))
        bad[not_whole] = _CODE["bad_whole_number"]
        values[not_whole] = np.nan
    if bounds is not None:
        low, high = bounds
        with np.errstate(invalid="ignore"):
            out = ~np.isnan(values) & ((values < low) | (values > high))
        bad[out & (bad == 0)] = _CODE["out_of_range"]
    values = np.where(bad > 0, np.nan, values)
    result = pd.array(values, dtype="float64")
    if whole:
        result = pd.array(values, dtype="float64").astype("Int64")
    return _Converted(result, missing & (bad == 0), bad, note)


def _date_formats(text: pd.Series, date_format: str | None) -> tuple[pd.Series, str | None]:
    """Distinct date texts -> dates (NaT when not a date), and the format(s) seen."""
    if date_format is not None:
        parsed = pd.to_datetime(text, format=date_format, errors="coerce")
        return parsed, f"custom{date_format}"
    parsed = pd.Series(pd.NaT, index=text.index, dtype=_DATE_DTYPE)
    iso = _as_bool_array(text.str.fullmatch(_ISO_DATE))
    dotted = _as_bool_array(text.str.fullmatch(_DOTTED_DATE))
    if iso.any():
        parsed[iso] = pd.to_datetime(text[iso].str.slice(0, 10), format="%Y-%m-%d", errors="coerce").astype(_DATE_DTYPE)
    if dotted.any():
        part = text[dotted].str.split(" ", n=1).str[0]
        parsed[dotted] = pd.to_datetime(part, format="%d.%m.%Y", errors="coerce").astype(_DATE_DTYPE)
    seen = "mixed" if iso.any() and dotted.any() else "iso" if iso.any() else "dotted" if dotted.any() else None
    return parsed, seen


def _normalise_dates(values: pd.Series | pd.DatetimeIndex) -> pd.Series:
    values = pd.Series(values)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)  # keep the local calendar date
    return values.dt.normalize().astype(_DATE_DTYPE)


def _convert_date(s: pd.Series, date_format: str | None) -> _Converted:
    n = len(s)
    bad = np.zeros(n, dtype=np.int8)
    note = None
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        values = _normalise_dates(s.reset_index(drop=True))
        missing = _as_bool_array(values.isna())
        return _Converted(values.array, missing, bad)
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        missing = _as_bool_array(s.isna())
        bad[~missing] = _CODE["bad_date"]
        return _Converted(pd.array(np.full(n, np.datetime64("NaT")), dtype=_DATE_DTYPE), missing, bad)
    cells = _cells(s)
    out = np.full(n, np.datetime64("NaT"), dtype=_DATE_DTYPE)
    present = cells.kind == _TEXT
    words = np.zeros(n, dtype=bool)
    if present.any():
        # dates repeat a lot: parse each distinct text once
        codes, uniques = pd.factorize(cells.text)
        parsed, seen = _date_formats(pd.Series(uniques, dtype=_TEXT_DTYPE), date_format)
        parsed = _normalise_dates(parsed).to_numpy()
        has = codes >= 0
        out[has] = parsed[codes[has]]
        failed = present & np.isnat(out)
        words = _missing_words(cells.text, failed)
        bad[failed & ~words] = _CODE["bad_date"]
        if seen is not None:
            note = (f"dates_{seen}", "")
    if cells.objects is not None:
        is_date = cells.kind == _DATE
        if is_date.any():
            out[is_date] = _normalise_dates(pd.to_datetime(pd.Series(list(cells.objects[is_date]), dtype=object))).to_numpy()
        bad[np.isin(cells.kind, (_NUM, _BOOL, _OTHER))] = _CODE["bad_date"]
    missing = (cells.kind == _EMPTY) | words
    return _Converted(pd.array(out, dtype=_DATE_DTYPE), missing, bad, note)


def _convert_bool(s: pd.Series) -> _Converted:
    n = len(s)
    bad = np.zeros(n, dtype=np.int8)
    if pd.api.types.is_bool_dtype(s.dtype):
        values = s.astype("boolean").array
        return _Converted(values, _as_bool_array(s.isna()), bad)
    cells = _cells(s)
    out = np.full(n, None, dtype=object)
    missing = cells.kind == _EMPTY
    text = cells.kind == _TEXT
    if text.any():
        idx = np.flatnonzero(text)
        lower = cells.text.iloc[idx].str.lower()
        yes = _as_bool_array(lower.isin(_YES))
        no = _as_bool_array(lower.isin(_NO))
        out[idx[yes]] = True
        out[idx[no]] = False
        neither = np.zeros(n, dtype=bool)
        neither[idx[~yes & ~no]] = True
        words = _missing_words(cells.text, neither)
        missing |= words
        bad[neither & ~words] = _CODE["bad_yes_no"]
    if cells.objects is not None:
        for i in np.flatnonzero(np.isin(cells.kind, (_BOOL, _NUM))):
            v = cells.objects[i]
            if isinstance(v, (bool, np.bool_)) or v in (0, 1):
                out[i] = bool(v)
            else:
                bad[i] = _CODE["bad_yes_no"]
        bad[np.isin(cells.kind, (_DATE, _OTHER))] = _CODE["bad_yes_no"]
    out[bad > 0] = None
    return _Converted(pd.array(out, dtype="boolean"), missing, bad)


def _convert(s: pd.Series, kind: str, options: dict, bounds: tuple | None) -> _Converted:
    if kind == "str":
        return _convert_text(s)
    if kind in ("float", "int"):
        return _convert_number(s, options.get("decimal"), whole=kind == "int", bounds=bounds)
    if kind == "date":
        return _convert_date(s, options.get("date_format"))
    if kind == "bool":
        return _convert_bool(s)
    raise AssertionError(f"unknown kind {kind!r} in kamlib/data/_schema.py")  # pragma: no cover


# ----------------------------------------------------------------------------------------------
# building the table
# ----------------------------------------------------------------------------------------------


def _empty_cells(s: pd.Series) -> np.ndarray:
    if _is_text_dtype(s):
        return _as_bool_array(s.isna()) | _as_bool_array(s.str.strip().eq(""))
    if s.dtype == object:
        return np.fromiter((_is_empty(v) for v in s.to_numpy(dtype=object)), dtype=bool, count=len(s))
    return _as_bool_array(s.isna())


def _raw_text(v: object) -> str | None:
    if _is_empty(v) and not (isinstance(v, str) and v):
        return None
    return v if isinstance(v, str) else str(v)


def _build(source: _Source, table: str, mapping: dict, options: dict) -> tuple[pd.DataFrame, LoadReport]:
    spec = {c.name: c for c in TABLES[table]}
    data = source.data
    n_all = data.shape[0]
    headers = list(source.headers)
    names = _resolve(headers, table, mapping)
    read_as = list(source.read_as)

    # positions of the cells each row has beyond the CSV header: a row using them is misaligned
    beyond = [j for j in range(len(headers)) if source.header_width is not None and j >= source.header_width]
    empties = {j: _empty_cells(data[j]) for j in range(len(headers)) if not headers[j] or j in beyond}
    rows = np.arange(n_all)
    if source.skip_blank and n_all:
        blank = np.ones(n_all, dtype=bool)
        for j in range(len(headers)):
            blank &= empties[j] if j in empties else _empty_cells(data[j])
            if not blank.any():
                break
        if blank.any():
            rows = np.flatnonzero(~blank)
            read_as.append(("blank", str(int(blank.sum()))))
    n = len(rows)
    if n == 0:
        if source.is_file and source.header_line is not None:
            message = t("load_errors.no_rows", file=source.name, where=t("load.line"), line=source.header_line)
        else:
            message = t("errors.empty_table", file=source.name)
        raise KamDataError(message, file=source.name if source.is_file else None)

    # column names: canonical, mapped, or the source's own (unnamed empty columns are dropped)
    raw_columns = []
    kept: list[tuple[int, str]] = []  # (position, output name) of extra columns
    used: dict[str, list[str]] = {}
    renamed = []
    for j, (header, target) in enumerate(zip(headers, names)):
        shown = header or f"Unnamed: {j}"
        raw_columns.append(shown)
        if j in beyond:
            continue
        if target is not None and target in spec:
            used.setdefault(target, []).append(shown)
            if header != target:
                renamed.append(f"{header} → {target}")
            continue
        if not header and empties[j][rows].all():
            continue  # a trailing delimiter or an empty spare column
        out_name = target or shown
        while out_name in spec or any(out_name == k for _, k in kept):
            out_name += "_"  # an extra column never hides a canonical or another extra one
        if target is not None and header != target:
            renamed.append(f"{header} → {target}")
        kept.append((j, out_name))
    for column, shown in used.items():
        if len(shown) > 1:
            raise KamDataError(
                t(
                    "load_errors.duplicate_column",
                    file=source.name,
                    headers=", ".join(f'"{h}"' for h in shown),
                    column=column,
                ),
                file=source.name if source.is_file else None,
                column=column,
            )
    missing_cols = [c for c in required_columns(table) if c not in used]
    if missing_cols:
        raise _missing_columns_error(
            source.name,
            headers,
            table,
            mapping,
            missing_cols,
            names,
            is_file=source.is_file,
            header_line=None,
        )
    position = {target: j for j, target in enumerate(names) if target in used}

    # convert every canonical column; the first problem of a row (in column order) is its reason
    reason = np.zeros(n, dtype=np.int8)
    where_col = np.full(n, -1, dtype=np.int64)
    for j in beyond:
        filled = ~empties[j][rows]
        hit = filled & (reason == 0)
        reason[hit] = _CODE["too_many_fields"]
        where_col[hit] = j
    converted: dict[str, _Converted] = {}
    decimal_comma, date_notes = [], {}
    for column in spec.values():
        if column.name not in position:
            continue
        j = position[column.name]
        cells = data[j] if n == n_all else data[j].iloc[rows]
        conv = _convert(cells, column.kind, options, _RANGES.get((table, column.name)))
        converted[column.name] = conv
        problems = conv.bad.copy()
        if column.required:
            is_id = column.key or column.name.endswith("_id")
            problems[conv.missing & (problems == 0)] = _CODE["missing_id" if is_id else "missing_value"]
        hit = (problems > 0) & (reason == 0)
        reason[hit] = problems[hit]
        where_col[hit] = j
        if conv.note is not None:
            if conv.note[0] == "decimal_comma":
                decimal_comma.append(column.name)
            else:
                date_notes.setdefault(conv.note[0], []).append(column.name)

    # a repeated id: the first one (in source order) is kept, the later ones excluded
    first_of: dict[int, int] = {}
    key = next((c.name for c in spec.values() if c.key), None)
    if key in converted:
        ids = pd.Series(converted[key].values)
        has_id = ~converted[key].missing
        codes, _ = pd.factorize(ids)
        dup = has_id & pd.Series(codes).duplicated(keep="first").to_numpy() & (codes >= 0)
        fresh = dup & (reason == 0)
        if fresh.any():
            _, first_index = np.unique(codes[codes >= 0], return_index=True)
            first_pos = np.flatnonzero(codes >= 0)[first_index]  # row of the first occurrence per code
            for i in np.flatnonzero(fresh):
                first_of[int(i)] = int(first_pos[codes[i]])
            reason[fresh] = _CODE["duplicate_id"]
            where_col[fresh] = position[key]

    excluded = _excluded(source, data, rows, reason, where_col, names, headers, raw_columns, first_of)
    keep = reason == 0
    if not keep.any():
        # nothing usable: raised by _act_on_exclusions with the details
        frame = pd.DataFrame()
    else:
        out: dict[str, object] = {}
        for name, conv in converted.items():
            out[name] = conv.values[keep] if not keep.all() else conv.values
        keep_rows = rows[keep]
        for j, name in kept:
            col = data[j]
            values = col.iloc[keep_rows].reset_index(drop=True)
            out[name] = values.array
        if source.keep_index is not None:
            index = source.keep_index[keep_rows]
        else:
            index = pd.RangeIndex(int(keep.sum()))
        frame = pd.DataFrame(out, index=index)
        for name, column in spec.items():
            if name in frame.columns and column.kind == "str":
                frame[name] = frame[name].astype(_TEXT_DTYPE)
    if renamed:
        read_as.append(("renamed", ", ".join(renamed)))
    if decimal_comma:
        read_as.append(("decimal_comma", ", ".join(decimal_comma)))
    for note, cols in date_notes.items():
        if note.startswith("dates_custom"):
            read_as.append(("dates_" + note[len("dates_custom") :], ", ".join(cols)))
        else:
            read_as.append((note, ", ".join(cols)))
    absent = [c for c in spec if c not in used]
    if absent:
        read_as.append(("not_in_file", ", ".join(absent)))
    if kept:
        read_as.append(("extra", ", ".join(name for _, name in kept)))
    report = LoadReport(
        source=source.name,
        table=table,
        where=source.where,
        rows_read=n,
        excluded=excluded,
        raw_columns=tuple(raw_columns),
        read_as=tuple(read_as),
    )
    return frame, report


def _excluded(
    source: _Source,
    data: pd.DataFrame,
    rows: np.ndarray,
    reason: np.ndarray,
    where_col: np.ndarray,
    names: list[str | None],
    headers: list[str],
    raw_columns: list[str],
    first_of: dict[int, int],
) -> tuple[ExcludedRow, ...]:
    bad = np.flatnonzero(reason > 0)
    if not len(bad):
        return ()
    positions = rows[bad]
    lines = source.labels(positions)
    firsts = {}
    if first_of:
        wanted = sorted(set(first_of.values()))
        firsts = dict(zip(wanted, source.labels(rows[wanted])))
    block = data.iloc[positions]
    columns = []
    for j in range(block.shape[1]):
        cells = block.iloc[:, j]
        if _is_text_dtype(cells):  # CSV: text as in the file; empty -> None
            values = cells.to_numpy(dtype=object, na_value=None)
            values[values == ""] = None
        else:
            values = np.array([_raw_text(v) for v in cells.to_numpy(dtype=object)], dtype=object)
        columns.append(values)
    raws = list(zip(*columns)) if columns else [()] * len(bad)
    out = []
    for k, i in enumerate(bad):
        j = int(where_col[i])
        raw = raws[k]
        code = _REASONS[reason[i] - 1]
        column = names[j] if names[j] is not None and code != "too_many_fields" else ""
        value = raw[j] if j < len(raw) else None
        out.append(
            ExcludedRow(
                line=lines[k],
                reason=code,
                column=column,
                value=value,
                raw=raw,
                first_line=firsts.get(first_of.get(int(i))) if code == "duplicate_id" else None,
            )
        )
    return tuple(out)


def _check_required(
    name: str, headers: list[str], table: str, mapping: dict, *, header_line: int | None, searched: bool
) -> None:
    """Raise the missing-column error as soon as a file's header is known (before reading its rows)."""
    names = _resolve(headers, table, mapping)
    missing = [c for c in required_columns(table) if c not in names]
    if missing:
        raise _missing_columns_error(
            name, headers, table, mapping, missing, names, is_file=True, header_line=header_line if searched else None
        )


def _missing_columns_error(
    name: str,
    headers: list[str],
    table: str,
    mapping: dict,
    missing: list[str],
    names: list[str | None],
    *,
    is_file: bool,
    header_line: int | None,
) -> KamDataError:
    shown = [h for h in headers if h]
    available = ", ".join(shown) or "—"
    if len(missing) == 1:
        message = t("errors.missing_column", file=name, column=missing[0], available=available)
    else:
        columns = ", ".join(f'"{c}"' for c in missing)
        message = t("errors.missing_columns", file=name, columns=columns, available=available)
    hints = []
    unmatched = [h for h, target in zip(headers, names) if h and target is None]
    folded = {h.casefold(): h for h in shown}
    stripped_keys = {k.strip(): v for k, v in mapping.items()}
    for column in missing:
        reversed_header = stripped_keys.get(column)
        if reversed_header is not None and reversed_header.strip().casefold() in folded:
            hints.append(
                t("load_errors.mapping_reversed", header=folded[reversed_header.strip().casefold()], column=column)
            )
            continue
        close = difflib.get_close_matches(column, unmatched, n=1, cutoff=0.6) or difflib.get_close_matches(
            column.casefold(), [h.casefold() for h in unmatched], n=1, cutoff=0.6
        )
        if close:
            header = folded.get(close[0].casefold(), close[0])
            hints.append(t("load_errors.missing_close", header=header, column=column))
    for key in stripped_keys:
        if key.casefold() in folded or key in columns_of(table):
            continue
        close = difflib.get_close_matches(key, shown, n=1, cutoff=0.6)
        if close:
            hints.append(t("load_errors.mapping_unmatched", key=key, close=close[0]))
    if not hints:
        hints.append(t("load_errors.missing_generic", column=missing[0]))
    if header_line is not None and header_line > 1:  # a guess: say which line, and how to choose another
        hints.append(t("load_errors.header_searched", line=header_line, n=HEADER_SEARCH, where=t("load.line")))
    return KamDataError(
        message + ". " + " ".join(hints) if not message.endswith(".") else message + " " + " ".join(hints),
        file=name if is_file else None,
        column=missing[0],
        rows=[header_line] if header_line is not None and header_line > 1 else None,
    )


# ----------------------------------------------------------------------------------------------
# warning or error about excluded rows
# ----------------------------------------------------------------------------------------------


def _details(report: LoadReport) -> str:
    parts = []
    for (reason, column), rows in _groups(report.excluded):
        examples = []
        for row in rows[:_EXAMPLES]:
            shown = f'"{row.value}"' if row.value is not None else t("load.empty_value")
            if reason == "duplicate_id":
                shown = t("load.first_at", value=shown, where=t(f"load.{report.where}"), line=row.first_line)
            examples.append(shown)
        valid = {
            "missing_id": lambda: t("load.valid_missing_id", column=column),
            "missing_value": lambda: t("load.valid_missing_value", column=column),
            "duplicate_id": lambda: t("load.valid_duplicate_id", column=column, where=t(f"load.{report.where}")),
            "out_of_range": lambda: t(
                "load.valid_out_of_range",
                low=_RANGES[(report.table, column)][0],
                high=_RANGES[(report.table, column)][1],
            ),
        }.get(reason, lambda: t(f"load.valid_{reason}"))()
        parts.append(
            t(
                "load.group" if column else "load.group_row",
                reason=_reason_label(reason),
                column=column,
                n=len(rows),
                where=_where_word(report.where, len(rows)),
                lines=_first_lines(rows),
                examples=", ".join(examples),
                valid=valid,
            )
        )
    return "; ".join(parts)


def _act_on_exclusions(report: LoadReport, on_error: str, *, is_file: bool) -> None:
    if not report.excluded:
        return
    details = _details(report)
    first_column, first_rows = next(
        ((column, [r.line for r in rows[:_SHOW]]) for (_reason, column), rows in _groups(report.excluded))
    )
    error_file = report.source if is_file else None
    if report.rows_loaded == 0:
        raise KamDataError(
            t("load_errors.all_excluded", file=report.source, total=report.rows_read, details=details),
            file=error_file,
            column=first_column or None,
            rows=first_rows,
        )
    if on_error == "raise":
        raise KamDataError(
            t(
                "load_errors.rows_excluded",
                file=report.source,
                n=report.rows_excluded,
                total=report.rows_read,
                details=details,
            ),
            file=error_file,
            column=first_column or None,
            rows=first_rows,
        )
    if on_error == "warn":
        message = t(
            "load.warning",
            file=report.source,
            n=report.rows_excluded,
            total=report.rows_read,
            loaded=report.rows_loaded,
            details=details,
        )
        warnings.warn(message, KamDataWarning, stacklevel=_outside_kamlib())


_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent) + os.sep


def _outside_kamlib() -> int:
    """``stacklevel`` for a warning issued by the caller of this function: the first frame outside kamlib."""
    frame = sys._getframe(1)  # the function that calls warnings.warn
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level

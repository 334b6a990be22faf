"""Reading your own tables into the canonical tables, without losing a row.

The reader is a pipeline, one file per step: ``_decode`` (bytes to text) ->
``_table`` (the kind of file, header row, delimiter, quoting) -> ``_cells`` (text,
numbers, dates, yes/no) -> ``_validate`` (rows excluded with their reason,
plausibility) -> ``_identity`` (look-alike and placeholder ids) -> ``_report``
(the load report).

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
- **Excel**: the sheet (the first visible worksheet, as Excel shows it; hidden and
  chart sheets before it are skipped and named in the load report) and title rows
  above the header (the header is the first row, within the first 50, that holds
  every required column -- passing over a title or filter row that names the
  columns too but has no data under it). Sheets are read by python-calamine
  when it is installed and the sheet has no error cells, no cells without a
  reference and no used area far beyond its cells; otherwise, and for tables with a
  percent column (whose cell formats matter), by openpyxl. Both give the same values.
- **Numbers**, per column: decimal point or decimal comma, and thousands
  separators (spaces, no-break spaces, or the other of ``.``/``,`` in groups of
  three): ``1234.5``, ``1 234,56``, ``1.234,56``, ``-300`` are all read. Numbers
  stored as text in Excel cells get the same evidence as CSV text (cells holding
  real numbers need no separator and are no evidence).
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
canonical names need no mapping. Two headers that would both give one column
(``Сумма`` and ``сумма``, or ``revenue`` and ``Revenue``) are refused, naming both:
keep one, or map the one you mean. Mapping entries that match no header are
ignored, so one file can serve several tables.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

import pandas as pd

from ..._errors import KamArgumentError
from ..._validate import check_choice
from ...labels import t
from .._schema import TABLES, columns_of, required_columns
from ._common import ON_ERROR, PLACEHOLDER_IDS, REPORT_ATTR
from ._options import _check_options, _check_table, _mapping_and_options
from ._report import ExcludedRow, LoadReport, _act_on_exclusions, _AttrsReport
from ._table import _open_source
from ._summary import AS_OF_SLACK_DAYS, EXCLUDED_LIMIT, LoadSummary, check_as_of, check_excluded, load_summary
from ._validate import _build

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
    "PLACEHOLDER_IDS",
    "load_summary",
    "LoadSummary",
    "check_excluded",
    "check_as_of",
    "EXCLUDED_LIMIT",
    "AS_OF_SLACK_DAYS",
]


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
    thousands: str | None = None,
    date_format: str | None = None,
    on_error: str = "warn",
    duplicates: str = "keep",
    merge_identities: bool = False,
    placeholders: tuple[str, ...] = PLACEHOLDER_IDS,
    date_range: tuple | None = None,
) -> pd.DataFrame:
    """Read one canonical ``table`` from a CSV, Excel or Parquet file, or from a DataFrame.

    What is detected is described in the docstring of this module
    (``help(kamlib.data.read)``); the mapping-file format and the exclusion
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
        Excel sheet name or position (0 = first, counting every sheet in the
        workbook's order, hidden ones included). By default the first visible
        worksheet, as Excel shows it: hidden sheets and chart sheets before it are
        skipped, and the load report names them. A hidden sheet given here is
        read, and the load report says it is hidden.
    header_row : int, optional
        The header's line (CSV) or row (Excel), counted from 1. By default the
        first line within the first 50 that holds every required column.
    delimiter : str, optional
        CSV delimiter; detected among ``,`` ``;`` tab and ``|`` by default.
        ``"whitespace"`` reads space-aligned columns (runs of spaces or tabs,
        no quoting), as in fixed-width text dumps.
    encoding : str, optional
        CSV encoding; by default UTF-8 (with or without BOM), else cp1251.
    decimal : {",", "."}, optional
        Decimal separator of every number column. By default it is decided from
        evidence: a value such as ``12,50`` or ``1234,5`` shows a decimal comma,
        ``1,234,567`` a thousands comma, ``1.234,56`` both; a column whose every
        value looks like ``1,234`` takes the decision of the file's other number
        columns, and when none tells, the reader refuses and asks for ``decimal=``.
        The decision and its evidence are in the load report.
    thousands : {",", "."}, optional
        Thousands separator (the decimal one is then the other).
    date_format : str, optional
        ``strftime`` format of every date column, e.g. ``"%d/%m/%Y"``; by default
        ISO ``yyyy-mm-dd`` and ``dd.mm.yyyy`` are read.
    on_error : {"warn", "raise", "exclude"}, default "warn"
        What to do when rows must be excluded: load the others and issue a
        :class:`KamDataWarning` ("warn"), raise a :class:`KamDataError` ("raise"),
        or load the others quietly ("exclude"; still recorded in the report).
        When no row at all can be used, a :class:`KamDataError` is raised anyway.
    duplicates : {"keep", "drop"}, default "keep"
        Lines identical in every column (possible double exports) are listed in the
        load report and kept; ``"drop"`` excludes the later copies (reported too).
        Lines that only share an order/document number are lines of one document
        and are always kept.
    merge_identities : bool, default False
        Client ids that differ only by case, spacing, invisible characters,
        fullwidth forms or Latin/Cyrillic look-alikes are listed as suspected
        duplicates; ``True`` merges each group into its most frequent spelling
        (recorded in the report).
    placeholders : tuple of str, default :data:`PLACEHOLDER_IDS`
        Client ids that stand for no client ("(blank)", "<Не указан>",
        "Розничный покупатель", "#NAME?", ...); their rows are excluded and listed.
        Compared ignoring case, surrounding spaces, brackets and quotes.
    date_range : (date, date), optional
        The plausible window of event dates (orders, NPS answers). By default:
        within 4 times the span of the middle half of the dates (at least a year)
        of the quartiles, and no later than 31 days after the day of reading.
        Dates outside it are excluded as implausible and reported.

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
        thousands = "."           # "," or "."
        duplicates = "drop"       # identical lines: "keep" (default) or "drop"
        merge_identities = true   # merge look-alike client ids

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
        "thousands": thousands,
        "date_format": date_format,
    }
    options.update({k: v for k, v in given.items() if v is not None})
    if duplicates != "keep" or "duplicates" not in options:
        options["duplicates"] = duplicates
    if merge_identities or "merge_identities" not in options:  # a mapping file may ask for it too
        options["merge_identities"] = merge_identities
    options["placeholders"] = tuple(placeholders)
    options["date_range"] = date_range
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
    sheet, header_row, delimiter, encoding, decimal, thousands, date_format, on_error
        See :func:`read_table`.
    duplicates, merge_identities, placeholders, date_range
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
        thousands: str | None = None,
        date_format: str | None = None,
        on_error: str = "warn",
        duplicates: str = "keep",
        merge_identities: bool = False,
        placeholders: tuple[str, ...] = PLACEHOLDER_IDS,
        date_range: tuple | None = None,
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
            thousands=thousands,
            date_format=date_format,
            on_error=on_error,
            duplicates=duplicates,
            merge_identities=merge_identities,
            placeholders=placeholders,
            date_range=date_range,
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
    >>> orders = read_orders(raw)   # two lines of document "2": both kept
    >>> orders
      order_id       date client_id  revenue
    0        1 2025-01-05       007    100.0
    1        2 2025-01-06       007    -20.5
    2        2 2025-01-07       012     40.0
    >>> no_ids = read_orders(raw.drop(columns="order_id"))   # no line id: the lines are numbered
    >>> no_ids["order_id"].tolist()
    ['0', '1', '2']""",
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
      amount (revenue): loaded 10.00; excluded 20.00 (66.7% of the amount)
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

"""Step 2: find the table -- the kind of file, the header row, the delimiter and quoting; raw cells out."""

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

from ..._errors import KamArgumentError, KamDataError, KamDataWarning, KamError
from ..._validate import check_choice
from ...labels import t
from .._schema import TABLES, columns_of, required_columns
from ._common import HEADER_SEARCH, _DELIMITERS, _MAJOR, _SAMPLE_CHARS, _TEXT_DTYPE, _is_empty  # noqa: F401
from ._options import _check_required, _clean_header, _has_required  # noqa: F401
from ._decode import _decode  # noqa: F401
from ._cells import _as_bool_array, _is_text_dtype  # noqa: F401


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

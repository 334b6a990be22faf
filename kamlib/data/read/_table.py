"""Step 2: find the table -- the kind of file, the header row, the delimiter and quoting; raw cells out."""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import difflib
import io
import os
import re
import stat
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
from ._options import _check_required, _clean_header, _has_required, _required, _resolve  # noqa: F401
from ._decode import Decoded, analyse, code_page_of_file, decode_given, sniff, utf8_lines_in_page, utf16_without_bom
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
    pre_excluded: list = field(default_factory=list)  # (line, reason, raw) found before the cells are read
    percent_cells: dict = field(default_factory=dict)  # Excel: column position -> rows formatted as percent


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
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):  # a FIFO, a device, a socket: reading could hang or never end
        raise KamDataError(t("read.not_regular", file=name), file=name)
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
        best = _best_split(records, candidates, lambda recs: next((i for i, r in enumerate(recs) if r[0] >= target),
                                                                  None))
        if best is None:
            return candidates[0], target, target, [], False
        d, index = best
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
    best = _best_split(records, candidates, lambda recs: _widest(r[2] for r in recs))
    if best is None:
        return candidates[0], 0, 0, [], True
    d, index = best
    first, last, fields = records[d][index]
    return d, first, last, fields, True


def _best_split(records: dict, candidates, pick) -> tuple[str, int] | None:
    """(delimiter, index of the header record) of the candidate whose lines agree best from the
    record ``pick(records[d])`` on (the first candidate wins a tie), or None when none has one."""
    best = None
    for d in candidates:
        index = pick(records[d])
        if index is None:
            continue
        score = _consistency(records[d], index)
        if best is None or score > best[0]:
            best = (score, d, index)
    return None if best is None else best[1:]


def _widest(rows) -> int | None:
    """Index of the first row with the most non-empty cells (None when all are empty)."""
    best, best_width = None, 0
    for i, row in enumerate(rows):
        width = sum(not _is_empty(v) for v in row)
        if width > best_width:
            best, best_width = i, width
    return best


_SNIFF_BYTES = 1 << 20  # bytes looked at to decide the encoding, the header and the delimiter
_JOIN_LIMIT = 200  # physical lines a quoted field may span before its quote is judged stray


def _csv_source(path: Path, name: str, table: str, mapping: dict, options: dict) -> _Source:
    with path.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip():
        raise KamDataError(t("load_errors.empty_file", file=name), file=name)
    bare16 = utf16_without_bom(head)
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or bare16 is not None
    # (UTF-16 without a byte-order mark: its text looked at, not its zero bytes)
    _check_text(head.decode(bare16, errors="replace").encode() if bare16 else head, name)
    # old Mac line ends (CR only) and stray NUL bytes: read on the exact path, cleaned and recorded
    cr_only = b"\n" not in head and b"\r" in head
    nul = b"\x00" in head and not utf16
    given = options.get("encoding")
    whitespace = options.get("delimiter") == "whitespace"  # space-aligned columns
    if whitespace:
        options = {**options, "delimiter": "\t"}
    decoded: Decoded | None = None
    if given is not None:
        codec = codecs.lookup(given).name
        label = given
        if codec in ("utf-8", "utf_8"):
            codec = "utf-8"
        decoded = utf8_lines_in_page(path, name, codec)
        if decoded is not None:
            codec, label = decoded.codec, decoded.label
    else:
        codec = sniff(head, name)
        label = {"utf-8": "UTF-8 (BOM)" if head.startswith(codecs.BOM_UTF8) else "UTF-8"}.get(codec or "", codec)
        if codec is None:
            decoded = code_page_of_file(path, head, name)
        if codec is None and decoded is None or codec == "utf-16":
            decoded = analyse(path.read_bytes(), name)
        if decoded is not None:
            codec, label = decoded.codec, decoded.label
    if cr_only or nul or whitespace:
        data = path.read_bytes()
        if decoded is not None and decoded.text is not None:
            text = decoded.text
        elif given is not None:
            text = decode_given(data, name, given)
        else:
            decoded = analyse(data, name)
            codec, label = decoded.codec, decoded.label
            text = decoded.text if decoded.text is not None else data.decode(codec)
        del data
        notes = []
        if nul:
            notes.append(("nul_removed", _lines_with(text, "\x00")))
            text = text.replace("\x00", "")
        if cr_only:
            text = text.replace("\r", "\n")
            notes.append(("cr_line_ends", ""))
        if whitespace:  # runs of spaces or tabs separate the fields; no quoting
            text = "\n".join("\t".join(line.split()) for line in text.split("\n"))
            notes.append(("whitespace_columns", ""))
        decoded = Decoded(label, None, text, decoded.bad_lines if decoded else {},
                          (decoded.notes if decoded else []) + notes)
    if decoded is not None and decoded.text is not None:
        sample_bytes = None
        sample = decoded.text[:_SNIFF_BYTES]
    else:
        sample_bytes = head
        if len(head) == _SNIFF_BYTES and b"\n" in head:
            sample_bytes = head[: head.rindex(b"\n") + 1]
        try:
            sample = sample_bytes.decode("utf-8-sig" if codec == "utf-8" else codec)
        except UnicodeDecodeError:  # the user's encoding= is wrong, or a later line differs
            data = path.read_bytes()
            if given is not None:
                decode_given(data, name, given)  # raises, naming the line
            decoded = analyse(data, name)
            codec, label = decoded.codec, decoded.label
            sample_bytes = None
            sample = (decoded.text if decoded.text is not None else data.decode(codec))[:_SNIFF_BYTES]
    if not sample.strip():
        raise KamDataError(t("load_errors.empty_file", file=name), file=name)
    delimiter, first, last, header, searched = _csv_header(sample, table, mapping, options)
    header = [_clean_header(h) for h in header]
    _check_required(name, header, table, mapping, header_line=first + 1, searched=searched)
    width = len(header)
    read_as = [("format", "CSV"), ("encoding", label), ("delimiter", _show_delimiter(delimiter))]
    if first > 0:
        read_as.append(("header", str(first + 1)))
    if decoded is not None:
        read_as.extend(decoded.notes)
    first_data = last + 2  # 1-based line of the first record after the header
    frame = None
    if sample_bytes is not None and codec is not None:
        offset = _line_offset(sample_bytes, last + 1)
        if offset is not None:
            frame = _read_arrow(path, offset, codec, delimiter, width)
            if frame is _NOT_UTF8:  # a later line is not UTF-8: look at the whole file
                if given is not None:
                    decode_given(path.read_bytes(), name, given)
                decoded = analyse(path.read_bytes(), name)
                codec, label = decoded.codec, decoded.label
                read_as[1] = ("encoding", label)
                read_as.extend(decoded.notes)
                frame = None
    pre_excluded: list[tuple[int, str, tuple]] = []
    if frame is not None:
        lines = lambda pos, start=first_data: (np.asarray(pos, dtype=np.int64) + start).tolist()  # noqa: E731
    else:  # the exact path: every record parsed in Python with its line numbers
        if decoded is not None and decoded.text is not None:
            text = decoded.text
        else:
            data = path.read_bytes()
            text = decode_given(data, name, given) if given is not None else data.decode(
                "utf-8-sig" if codec == "utf-8" else codec)
            del data
        body = _after_lines(text, last + 1)
        del text
        frame, numbers, pre_excluded, notes = _read_exact(body, delimiter, width, first_data)
        read_as.extend(notes)
        if decoded is not None:
            for line, raw in decoded.bad_lines.items():
                if line >= first_data:
                    pre_excluded.append((line, "undecodable", (raw,)))
        lines = lambda pos, numbers=numbers: numbers[np.asarray(pos, dtype=np.int64)].tolist()  # noqa: E731
    if frame.shape[1] < width:
        for j in range(frame.shape[1], width):
            frame[j] = pd.Series(np.nan, index=frame.index, dtype=_TEXT_DTYPE)
    headers = list(header) + [""] * (frame.shape[1] - width)
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
        pre_excluded=pre_excluded,
    )


def _lines_with(text: str, ch: str) -> str:
    lines = [i + 1 for i, line in enumerate(text.split("\n")) if ch in line]
    return ", ".join(map(str, lines[:5])) + (", …" if len(lines) > 5 else "")


def _check_text(head: bytes, name: str) -> None:
    """Refuse binary files quickly: more than a few NUL bytes (outside UTF-16) or control characters."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return
    sample = head[:8192]
    controls = sum(sample.count(bytes([c])) for c in range(32) if c not in (9, 10, 13, 12))
    if controls > max(4, len(sample) // 200):
        raise KamDataError(t("load_errors.not_text", file=name), file=name)


def _line_offset(data: bytes, n: int) -> int | None:
    """Byte offset after the first ``n`` lines of ``data`` (None when they are not all in it)."""
    offset = 0
    for _ in range(n):
        nl = data.find(b"\n", offset)
        if nl < 0:
            return len(data) if data.count(b"\n") == n - 1 and not data.endswith(b"\n") else None
        offset = nl + 1
    return offset


def _after_lines(text: str, n: int) -> str:
    offset = 0
    for _ in range(n):
        nl = text.find("\n", offset)
        if nl < 0:
            return ""
        offset = nl + 1
    return text[offset:]


_NOT_UTF8 = object()


def _read_arrow(path: Path, offset: int, codec: str, delimiter: str, width: int):
    """The fast path: pyarrow's multi-threaded parser straight from the file, every field as text.

    Returns the raw cells (a frame with columns 0..width-1), ``_NOT_UTF8`` when the file turns
    out not to be UTF-8 further down, or None when the exact path must read it: a record with
    another number of fields than the header, or a field holding a line break (a quoted
    multi-line text, or a stray quote that swallowed lines).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [str(j) for j in range(width)]
    invalid = []

    def on_invalid(row) -> str:
        invalid.append(row)
        return "skip"

    size = path.stat().st_size
    if size <= offset:
        return pd.DataFrame({j: pd.Series([], dtype=_TEXT_DTYPE) for j in range(width)})
    try:
        with pa.OSFile(str(path)) as fh:
            fh.seek(offset)
            table = pacsv.read_csv(
                fh,
                read_options=pacsv.ReadOptions(
                    column_names=names, encoding="utf8" if codec == "utf-8" else codec, block_size=8 << 20
                ),
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter, quote_char='"', newlines_in_values=False, ignore_empty_lines=False,
                    invalid_row_handler=on_invalid,
                ),
                convert_options=pacsv.ConvertOptions(
                    # large_string: what pandas' Arrow-backed str columns hold, so to_pandas needs no copy
                    column_types={c: pa.large_string() for c in names},
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
                memory_pool=_pool(),
            )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError) as exc:
        if "UTF8" in str(exc) or isinstance(exc, UnicodeDecodeError):
            return _NOT_UTF8
        return None
    if invalid:
        return None
    import pyarrow.compute as pc

    if _has_quote(path, offset):  # only a quoted field can hold a line break: then lines are not records
        for column in table.columns:
            if pc.any(pc.match_substring(column, "\n")).as_py():
                return None
    text = pd.StringDtype("pyarrow", na_value=np.nan)
    frame = table.to_pandas(types_mapper={pa.string(): text, pa.large_string(): text}.get,
                            self_destruct=True, split_blocks=True)
    return frame.set_axis(range(width), axis=1)


def _pool():
    """pyarrow's jemalloc pool where the wheel has it (the table of a big file is built about a
    second faster than in the default mimalloc pool, measured on 5 M lines), else the default."""
    import pyarrow as pa

    try:
        return pa.jemalloc_memory_pool()
    except NotImplementedError:  # pragma: no cover - a pyarrow built without jemalloc
        return pa.default_memory_pool()


def _has_quote(path: Path, offset: int) -> bool:
    """Whether the file holds a double quote after ``offset`` (one memchr over a memory map)."""
    import mmap

    with open(path, "rb") as fh:
        try:
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                return mm.find(b'"', offset) >= 0
        except (ValueError, OSError):  # an empty or unmappable file: assume the worst
            return True


def _read_exact(body: str, delimiter: str, width: int, first_line: int):
    """Every record of ``body`` with the line it starts on, parsed in Python.

    A quoted field may span lines (a note with a line break). But when a quote opens
    and the following lines look like records of their own (as many delimiters as the
    header needs), the quote is *stray*: its line is excluded ("unbalanced quote") and
    the following lines are read as the records they are -- never swallowed.

    Returns (frame of text cells, line numbers per record, pre-excluded rows, notes).
    """
    physical = body.split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    rows: list[list[str]] = []
    numbers: list[int] = []
    excluded: list[tuple[int, str, tuple]] = []
    multiline = []
    i = 0
    n = len(physical)
    while i < n:
        line = physical[i].rstrip("\r") if physical[i].endswith("\r") else physical[i]
        fields = _split(line, delimiter)
        if fields is not None:
            rows.append(fields)
            numbers.append(first_line + i)
            i += 1
            continue
        # an open quote: join the following lines until it closes, unless they are records themselves
        joined = line
        j = i + 1
        closed = None
        while j < n and j - i <= _JOIN_LIMIT:
            nxt = physical[j].rstrip("\r")
            if _looks_like_record(nxt, delimiter, width):
                break
            joined = joined + "\n" + nxt
            fields = _split(joined, delimiter)
            if fields is not None:
                closed = fields
                break
            j += 1
        if closed is not None and len(closed) <= width:
            rows.append(closed)
            numbers.append(first_line + i)
            multiline.append(first_line + i)
            i = j + 1
        else:
            excluded.append((first_line + i, "unbalanced_quote", tuple(line.split(delimiter))))
            i += 1
    widest = max([width] + [len(r) for r in rows])
    columns = {}
    for k in range(widest):
        columns[k] = pd.array([r[k] if k < len(r) else None for r in rows], dtype=_TEXT_DTYPE)
    frame = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
    notes = []
    if multiline:
        notes.append(("multiline", ", ".join(map(str, multiline[:5])) + (", …" if len(multiline) > 5 else "")))
    return frame, np.asarray(numbers, dtype=np.int64), excluded, notes


def _split(line: str, delimiter: str) -> list[str] | None:
    """The fields of one record, or None when a quote opens and does not close in ``line``."""
    if "\r" in line:  # a lone carriage return inside a line is a line-end artefact, not data
        line = line.replace("\r", "")
    if '"' not in line:
        return line.split(delimiter)
    try:
        return next(csv.reader([line], delimiter=delimiter, strict=True))
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return None
    except StopIteration:  # pragma: no cover
        return []
    try:
        return next(csv.reader([line], delimiter=delimiter))  # a quote inside a field: taken as written
    except (csv.Error, StopIteration):
        return line.split(delimiter)


def _looks_like_record(line: str, delimiter: str, width: int) -> bool:
    return width > 1 and line.count(delimiter) >= width - 1 and _split(line, delimiter) is not None


def _show_delimiter(delimiter: str) -> str:
    return t("load.delimiter_tab") if delimiter == "\t" else f'"{delimiter}"'


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
            sheet_name, names, notes = _choose_sheet(book, options.get("sheet"), name)
            ws = book[sheet_name]
            fast = None if any(c.unit == "%" for c in TABLES[table]) else _calamine_cells(path, sheet_name)
            cells, percent = fast if fast is not None else _sparse_cells(book, ws)
        finally:
            book.close()
    if not cells:
        raise KamDataError(t("load_errors.empty_file", file=name), file=name)
    numbers = sorted(cells)  # row numbers that hold a value (a far-away cell adds one, not a million)
    search = [r for r in numbers if r <= numbers[0] + HEADER_SEARCH - 1] if options.get("header_row") is None else []

    def row_values(r: int, width: int | None = None) -> list:
        row = cells.get(r, {})
        width = width if width is not None else (max(row) if row else 0)
        return [row.get(c) for c in range(1, width + 1)]

    header_row = options.get("header_row")
    searched = False
    passed: list[int] = []
    if header_row is not None:
        h = header_row
    else:
        candidates = [r for r in search if _has_required([_clean_header(v) for v in row_values(r)], table, mapping)]
        h, passed = _header_over_data(candidates, numbers, cells, row_values, table, mapping)
        if h is None:  # as for CSV: the widest row is taken as the header
            searched = True
            widest = _widest(row_values(r) for r in search)
            h = search[widest] if widest is not None else numbers[0]
    header = [_clean_header(v) for v in row_values(h)]
    _check_required(name, header, table, mapping, header_line=h, searched=searched, sheets=names)
    width = len(header)
    body = [r for r in numbers if r > h]
    beyond = [r for r in body if max(cells[r]) > width]
    grid = np.full((len(body), width + (1 if beyond else 0)), None, dtype=object)
    for i, r in enumerate(body):
        for c, v in cells[r].items():
            if c <= width:
                grid[i, c - 1] = v
            elif grid[i, width] is None:
                grid[i, width] = v  # the first value beyond the header: the row is misaligned
    frame = pd.DataFrame(grid, columns=range(grid.shape[1]), dtype=object)
    headers = header + [""] * (grid.shape[1] - width)
    read_as = [("format", "Excel"), ("sheet", sheet_name), *notes]
    if h > 1:
        read_as.append(("header", str(h)))
    if passed:
        read_as.append(("header_passed", ", ".join(map(str, passed))))
    row_numbers = np.asarray(body, dtype=np.int64)
    blank = (body[-1] - h - len(body)) if body else 0
    if blank > 0:
        read_as.append(("blank", str(blank)))
    percent_positions = {}
    index_of = {r: i for i, r in enumerate(body)}
    for (r, c) in percent:
        if r in index_of and c <= width:
            percent_positions.setdefault(c - 1, []).append(index_of[r])
    return _Source(
        name,
        "line",
        headers,
        frame,
        lambda pos: row_numbers[np.asarray(pos, dtype=np.int64)].tolist(),
        skip_blank=True,
        header_line=h,
        header_width=width,
        read_as=read_as,
        percent_cells={j: np.asarray(v, dtype=np.int64) for j, v in percent_positions.items()},
    )


def _choose_sheet(book, sheet: str | int | None, name: str) -> tuple[str, list[str], list[tuple[str, str]]]:
    """The sheet to read, the workbook's worksheets (for hints) and the load-report notes.

    By default the first *visible worksheet*: what Excel shows when the file opens. Hidden
    sheets (often stale copies) and chart sheets (no cells) before it are skipped and named in
    the report. An explicit ``sheet=`` (a name, or a position among all sheets in the
    workbook's order) reads that sheet even when it is hidden -- the report says so -- but a
    chart sheet holds no table and is refused.
    """
    names = list(book.sheetnames)
    charts = {c.title for c in getattr(book, "chartsheets", [])}
    worksheets = [n for n in names if n not in charts]
    hidden = {n for n in worksheets if getattr(book[n], "sheet_state", "visible") != "visible"}
    if sheet is None:
        chosen = next((n for n in worksheets if n not in hidden), worksheets[0] if worksheets else None)
        if chosen is None:
            raise KamDataError(t("load_errors.no_worksheet", file=name, sheets=", ".join(names)), file=name)
        skipped = [f'"{n}" ({t("load.sheet_chart" if n in charts else "load.sheet_hidden")})'
                   for n in names[: names.index(chosen)]]
        notes = [("sheets_skipped", ", ".join(skipped))] if skipped else []
    else:
        if isinstance(sheet, int):
            chosen = names[sheet] if sheet < len(names) else None
        else:
            chosen = sheet if sheet in names else None
        if chosen is None:
            raise KamDataError(
                t("load_errors.sheet_not_found", file=name, sheet=sheet, available=", ".join(names)), file=name
            )
        if chosen in charts:
            raise KamDataError(t("load_errors.sheet_is_chart", file=name, sheet=chosen,
                                 available=", ".join(worksheets) or "-"), file=name)
        notes = []
    if chosen in hidden:
        notes.append(("sheet_is_hidden", chosen))
    return chosen, worksheets, notes


def _header_over_data(candidates: list[int], numbers: list[int], cells: dict, row_values, table: str,
                      mapping: dict) -> tuple[int | None, list[int]]:
    """The header among the rows that name every required column, and the rows passed over.

    The first such row is the header unless no data row lies between it and the next such row:
    a title or filter line ("Отбор: Контрагент, Дата, Сумма") above the real header names the
    columns too, but nothing under it fits as data before the header. A data row is one with a
    value under every required column of the candidate. A second header further down, after
    data rows (a "Возвраты" block), is not chosen.
    """
    if not candidates:
        return None, []
    required = set(_required(table))
    h, passed = candidates[0], []
    for nxt in candidates[1:]:
        header = [_clean_header(v) for v in row_values(h)]
        at = [j + 1 for j, c in enumerate(_resolve(header, table, mapping)) if c in required]
        between = (r for r in numbers if h < r < nxt)
        if any(all(cells[r].get(c) is not None for c in at) for r in between):
            break
        passed.append(h)
        h = nxt
    return h, passed


_CALAMINE_SPARSE = 4
"""A sheet whose used area is more than this many times its cell count (plus 100,000) is read
cell by cell (openpyxl); python-calamine holds the whole area in memory (it aborted the process
on a sheet with one cell at XFD1048576)."""


def _sheet_xml_name(archive, sheet: str) -> str | None:
    """The zip member of the workbook's sheet named ``sheet``, or None."""
    import xml.etree.ElementTree as ET

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
          "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
    try:
        sheets = ET.fromstring(archive.read("xl/workbook.xml")).findall("m:sheets/m:sheet", ns)
        rel_id = next(s for s in sheets if s.get("name") == sheet).get(f"{{{ns['r']}}}id")
        rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels.findall("p:Relationship", ns) if r.get("Id") == rel_id)
    except (KeyError, IndexError, StopIteration, ET.ParseError):
        return None
    target = target.lstrip("/")
    return target if target.startswith("xl/") else "xl/" + target


def _calamine_cells(path: Path, sheet: str) -> tuple[dict[int, dict[int, object]], set] | None:
    """The non-empty cells of the sheet named ``sheet`` read by python-calamine (about ten times faster
    than openpyxl), or None when openpyxl must read it: python-calamine is not installed, the sheet
    holds error cells (calamine gives them as empty, openpyxl as "#DIV/0!", which the load report
    must show), cells without an ``r`` reference, or a used area far larger than its cells."""
    try:
        import python_calamine
    except ImportError:
        return None
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_xml_name(archive, sheet)
            if member is None:
                return None
            n_cells = n_refs = max_row = max_col = 0
            tail = b""
            with archive.open(member) as xml:
                while block := xml.read(8 << 20):
                    chunk = tail + block
                    if b't="e"' in chunk:
                        return None
                    cut = max(chunk.rfind(b"<"), 0)  # count whole tags only; the rest goes with the next block
                    whole, tail = chunk[:cut], chunk[cut:]
                    n_cells += whole.count(b"<c ") + whole.count(b"<c>")
                    n_refs += whole.count(b'<c r="')
                    rows = re.findall(rb'<row r="(\d+)"', whole[-4096:]) or re.findall(rb'<row r="(\d+)"', whole)
                    if rows:
                        max_row = max(max_row, int(rows[-1]))
                    # columns A-Z count as 1: the area is then under-estimated at most 26-fold, which
                    # bounds what calamine may allocate; wider sheets are measured exactly
                    letters = set(re.findall(rb'<c r="([A-Z]{2,3})\d', whole))
                    width = max([1] + [_column_number(x.decode()) for x in letters])
                    if b'<c r="' in whole:
                        max_col = max(max_col, width)
            if tail.startswith(b"<c "):
                n_cells += 1
                n_refs += tail.startswith(b'<c r="')
    except (zipfile.BadZipFile, KeyError, OSError):
        return None
    if n_cells != n_refs or max_row * max_col > _CALAMINE_SPARSE * n_cells + 100_000:
        return None
    try:
        book_sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
        values = book_sheet.to_python()
        row0, col0 = book_sheet.start if book_sheet.height else (0, 0)
    except Exception:  # a workbook calamine cannot read: openpyxl gets its turn (and its error messages)
        return None
    cells: dict[int, dict[int, object]] = {}
    date, datetime = _dt.date, _dt.datetime
    for i, row in enumerate(values):
        found = {}
        for j, value in enumerate(row):
            kind = type(value)
            if kind is float:
                if value.is_integer() and -2**53 < value < 2**53:
                    value = int(value)  # as openpyxl gives a whole number stored in the sheet
            elif kind is str:
                if not value or (value[0].isspace() or value[-1].isspace()) and not value.strip():
                    continue
            elif value is None:
                continue
            elif kind is date:
                value = datetime(value.year, value.month, value.day)  # (openpyxl: a datetime at midnight)
            found[col0 + j + 1] = value
        if found:
            cells[row0 + i + 1] = found
    return cells, set()


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _sparse_cells(book, ws) -> tuple[dict[int, dict[int, object]], set[tuple[int, int]]]:
    """The non-empty cells of a read-only sheet, by row and column number, and the numeric cells
    formatted as percent. Streams the sheet's XML: a cell at XFD1048576 costs one entry, not a grid
    of a million rows (openpyxl's own row iterator fills the gaps)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS
    from openpyxl.worksheet._reader import WorkSheetParser

    def number_format(style_id) -> str:
        try:
            fmt_id = book._cell_styles[int(style_id)].numFmtId
        except (IndexError, TypeError, ValueError, AttributeError):
            return ""
        if fmt_id in BUILTIN_FORMATS:
            return BUILTIN_FORMATS[fmt_id]
        try:
            return book._number_formats[fmt_id - 164]
        except (IndexError, AttributeError):
            return ""

    cells: dict[int, dict[int, object]] = {}
    percent: set[tuple[int, int]] = set()
    formats: dict[object, bool] = {}
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for r, row in parser.parse():
            found = {}
            for cell in row:
                value = cell.get("value")
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                c = cell["column"]
                found[c] = value
                style = cell.get("style_id")
                if style and isinstance(value, (int, float)) and not isinstance(value, bool):
                    if style not in formats:
                        formats[style] = "%" in number_format(style)
                    if formats[style]:
                        percent.add((r, c))
            if found:
                cells[r] = found
    return cells, percent

"""Step 3: parse cells -- text, numbers, dates and yes/no values, vectorised per column."""

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
from functools import lru_cache
from numbers import Real
from pathlib import Path

import numpy as np
import pandas as pd

from ..._errors import KamArgumentError, KamDataError, KamDataWarning, KamError
from ..._validate import check_choice
from ...labels import t
from .._schema import TABLES, columns_of, required_columns
from ._common import _MAJOR, _BOOL, _CODE, _DATE, _DATE_DTYPE, _DOTTED_DATE, _EMPTY, _ISO_DATE, _MISSING_WORDS, _NO, _NUM, _OTHER, _SPACES, _TEXT, _TEXT_DTYPE, _YES, _is_empty, _kind  # noqa: F401
from ._identity import _ZERO_WIDTH


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
        if _as_bool_array(text.str.startswith(tuple(_ZERO_WIDTH))).any():  # a byte-order mark of a pasted export
            text = text.str.lstrip(_ZERO_WIDTH).str.strip()  # (not part of a number or a date)
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
    codes: np.ndarray | None = None  # client ids, dates read per distinct text: codes per row (-1 missing)
    uniques: np.ndarray | None = None  # ... and the distinct values (client ids) or dates the codes point to
    grouped: tuple[int, str] | None = None  # numbers: (row, sign) of the first text read with that sign as thousands


_ASCII_SPACE = np.zeros(256, dtype=bool)
_ASCII_SPACE[[9, 10, 11, 12, 13, 32]] = True  # what pyarrow's ascii_trim_whitespace removes
_MAY_BE_SPACE = _ASCII_SPACE.copy()
_MAY_BE_SPACE[[0x1C, 0x1D, 0x1E, 0x1F, 0xC2, 0xE1, 0xE2, 0xE3, 0xEF]] = True  # the other spaces: U+001C ... U+FEFF


def _chunk_buffers(arrow):
    """``(offsets, bytes)`` of every non-empty chunk of Arrow text, as NumPy views of its buffers
    (offsets as stored: the first one need not be 0)."""
    import pyarrow as pa

    for chunk in arrow.chunks if isinstance(arrow, pa.ChunkedArray) else [arrow]:
        if not len(chunk):
            continue
        wide = pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type)
        offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64 if wide else np.int32)[
            chunk.offset: chunk.offset + len(chunk) + 1]
        body = chunk.buffers()[2]
        yield offsets, (np.frombuffer(body, dtype=np.uint8) if body is not None else np.zeros(0, np.uint8))


def _edges(arrow, last: bool = True) -> tuple[np.ndarray, ...] | None:
    """(byte length, first byte, last byte) of every cell of Arrow text without missing cells,
    read from its buffers (the text is not copied); None when a cell is missing.
    ``last=False``: the length and first byte only."""
    if arrow.null_count:
        return None
    parts = []
    for offsets, body in _chunk_buffers(arrow):
        body = body if len(body) else np.zeros(1, np.uint8)  # (an empty cell's bytes are not used)
        part = (np.diff(offsets), body.take(offsets[:-1], mode="clip"))
        parts.append(part + (body.take(offsets[1:] - 1, mode="clip"),) if last else part)
    if not parts:
        return (np.zeros(0, np.int64),) + (np.zeros(0, np.uint8),) * (2 if last else 1)
    return tuple(np.concatenate(p) for p in zip(*parts))


def _lead_keys(arrow) -> np.ndarray | None:
    """The first character of every cell as a key: its byte when ASCII, else its first two bytes
    (``b0 * 256 + b1``); 0 for an empty cell. None when a cell is missing."""
    if arrow.null_count:
        return None
    parts = []
    for offsets, body in _chunk_buffers(arrow):
        body = body if len(body) else np.zeros(1, np.uint8)  # (an empty cell's bytes are not used)
        starts = offsets[:-1]
        key = body.take(starts, mode="clip").astype(np.uint16)
        wide = key >= 0x80  # the first byte of a longer character: its second byte is part of the key
        key[wide] = key[wide] * 256 + body.take(starts[wide] + 1, mode="clip")
        key[offsets[1:] == starts] = 0
        parts.append(key)
    return np.concatenate(parts) if parts else np.zeros(0, np.uint16)


@lru_cache(maxsize=64)
def _lead_key_set(chars: str) -> np.ndarray:
    """A lookup table (65,536 booleans) of :func:`_lead_keys`: True for the keys of ``chars`` in
    every case (the one- and two-byte characters whose upper, lower or case-folded form is one
    of theirs, such as ſ for s) and for every character of three or four bytes (ᲀ for в, K for
    k: a superset, kept simple)."""
    table = np.zeros(1 << 16, dtype=bool)
    table[0xE0 << 8:] = True
    wanted = {f(c) for c in chars for f in (str.upper, str.lower, str.casefold)}
    for x in range(0x800):  # the characters of one and two bytes in UTF-8
        ch = chr(x)
        if ch in wanted or ch.upper() in wanted or ch.lower() in wanted or ch.casefold() in wanted:
            raw = ch.encode("utf-8")
            table[raw[0] if raw[0] < 0x80 else raw[0] * 256 + raw[1]] = True
    for ch in chars:  # the letters themselves, whatever their length
        raw = ch.encode("utf-8")
        table[raw[0] if raw[0] < 0x80 else raw[0] * 256 + raw[1]] = True
    return table


def _maybe_blank(arrow) -> np.ndarray | None:
    """Cells that may be empty or all spaces (a superset, from their first byte), or None when
    that cannot be told from the buffers. The others are certainly not blank."""
    edges = _edges(arrow, last=False)
    if edges is None:
        return None
    length, first = edges
    return (length == 0) | _MAY_BE_SPACE[first]


def _convert_text(s: pd.Series) -> _Converted:
    arrow = _arrow_chunks(s)
    if arrow is not None and _MAJOR >= 3:  # pyarrow kernels: ASCII spaces trimmed, "" -> missing
        import pyarrow as pa
        import pyarrow.compute as pc

        dtype = pd.StringDtype("pyarrow", na_value=np.nan)
        edges = _edges(arrow)
        if edges is not None:
            length, first, last = edges
            if length.all() and not _ASCII_SPACE[first].any() and not _ASCII_SPACE[last].any():
                # the usual export: nothing to trim, nothing empty -- the column is used as it is
                values = s.array if s.dtype == dtype else pd.array(arrow, dtype=dtype)
                return _Converted(values, np.zeros(len(s), dtype=bool), np.zeros(len(s), dtype=np.int8))
        trimmed = pc.ascii_trim_whitespace(arrow)
        empty = pc.equal(trimmed, "")
        if pc.any(empty).as_py():
            trimmed = pc.if_else(empty, pa.scalar(None, trimmed.type), trimmed)
        values = pd.array(trimmed, dtype=dtype)
        missing = np.asarray(pc.is_null(trimmed).to_numpy(zero_copy_only=False), dtype=bool)
        return _Converted(values, missing, np.zeros(len(s), dtype=np.int8))
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
    return rf"[+-]?(?:[1-9]\d{{0,2}}(?:{group}\d{{3}})+(?:{d}\d*)?|\d+(?:{d}\d*)?|{d}\d+)(?:[eE][+-]?\d+)?"


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
    grouped_at = None
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
    elif (fast := _fast_numbers(s, decimal)) is not None:  # a clean column: one cast, no strip
        values = fast if fast.flags.writeable else fast.copy()  # (pyarrow may lend its buffer)
        inf = np.isinf(values)
        if inf.any():
            bad[inf] = _CODE["bad_number"]
            values = np.where(inf, np.nan, values)
        missing = np.isnan(values)  # (no cell is empty in a clean column; inf cells are bad, not missing)
        missing &= ~inf
        if decimal == ",":
            note = ("decimal_comma", "")
    else:
        cells = _cells(s)
        present = cells.kind == _TEXT
        values, bad_text, words, used = _parse_numbers(cells.text, present, decimal)
        bad[bad_text] = _CODE["bad_number"]
        other = "," if used == "." else "."
        # values holding only the other sign ("12.500" in a decimal-comma column) were read as thousands
        grouped = present & ~bad_text & _as_bool_array(cells.text.str.contains(other, regex=False)) \
            & ~_as_bool_array(cells.text.str.contains(used, regex=False))
        grouped_at = int(np.flatnonzero(grouped)[0]) if grouped.any() else None
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
    failed = bad > 0
    if failed.any():
        values = np.where(failed, np.nan, values)
    result = pd.array(values, dtype="float64", copy=False)  # values is a fresh, writable array of ours
    if whole:
        result = pd.array(values, dtype="float64").astype("Int64")
    converted = _Converted(result, missing & (bad == 0), bad, note)
    if grouped_at is not None and bad[grouped_at] == 0:
        converted.grouped = (grouped_at, other)
    return converted


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
    timed = _as_bool_array(text.str.contains(":", regex=False)) & (iso | dotted)
    if timed.any():  # a time of day must be one: 99:99 makes the cell invalid, not a date at midnight
        parts = text[timed].str.extract(r"[T ](\d{1,2}):(\d{2})(?::(\d{2}))?")
        hours = pd.to_numeric(parts[0], errors="coerce")
        minutes = pd.to_numeric(parts[1], errors="coerce")
        seconds = pd.to_numeric(parts[2], errors="coerce").fillna(0)
        wrong = ~((hours <= 23) & (minutes <= 59) & (seconds <= 59)).to_numpy(dtype=bool, na_value=False)
        idx = np.flatnonzero(timed)[wrong]
        parsed.iloc[idx] = pd.NaT
    seen = "mixed" if iso.any() and dotted.any() else "iso" if iso.any() else "dotted" if dotted.any() else None
    return parsed, seen


def _normalise_dates(values: pd.Series | pd.DatetimeIndex) -> pd.Series:
    values = pd.Series(values)
    if getattr(values.dt, "tz", None) is not None:
        values = values.dt.tz_localize(None)  # keep the local calendar date
    return values.dt.normalize().astype(_DATE_DTYPE)


def _arrow_chunks(s: pd.Series):
    return getattr(s.array, "_pa_array", None) if _is_text_dtype(s) else None


def _fast_numbers(s: pd.Series, decimal: str | None) -> np.ndarray | None:
    """float64 of an Arrow text column whose every cell is a plain number (the usual clean export),
    cast in one pass; None when any cell needs the careful path (spaces, empties, separators)."""
    arrow = _arrow_chunks(s)
    if arrow is None or decimal not in (None, ".", ","):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        if decimal == ",":
            if pc.any(pc.match_substring(arrow, ".")).as_py():
                return None
            arrow = pc.replace_substring(arrow, ",", ".")
        values = pc.cast(arrow, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if values.null_count:
        return None
    return values.to_numpy() if isinstance(values, pa.Array) else np.asarray(values.to_numpy(), dtype="float64")


def _fast_dates(s: pd.Series, date_format: str | None) -> tuple[np.ndarray, str] | None:
    """Dates of an Arrow text column whose every cell is ``yyyy-mm-dd`` (or every one ``dd.mm.yyyy``),
    parsed in one pass by pyarrow; None when any cell needs the careful path."""
    arrow = _arrow_chunks(s)
    if arrow is None or date_format is not None or len(arrow) == 0:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    unit = np.datetime_data(_DATE_DTYPE)[0]
    lengths = pc.min_max(pc.utf8_length(arrow))
    if lengths["min"].as_py() != 10 or lengths["max"].as_py() != 10:
        return None  # every cell ten characters: strptime's %Y also takes "24" of "05.01.24" (year 24)
    for fmt, seen in (("%Y-%m-%d", "iso"), ("%d.%m.%Y", "dotted")):
        try:
            parsed = pc.strptime(arrow, format=fmt, unit="s", error_is_null=True)
            if parsed.null_count:
                continue
            # strptime rolls 2024-02-30 over to March: the day must be the one written
            start = 8 if seen == "iso" else 0
            written = pc.cast(pc.utf8_slice_codeunits(arrow, start, start + 2), pa.int64())
            if not pc.all(pc.equal(pc.day(parsed), written)).as_py():
                return None
            parsed = parsed.cast(pa.timestamp(unit))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
        days = pc.cast(pc.cast(parsed, pa.int64()), pa.int64())
        values = np.asarray(days.to_numpy(), dtype=np.int64).view(f"datetime64[{unit}]")
        return values, seen
    return None


def _dictionary(arrow) -> tuple[np.ndarray, object]:
    """Codes (-1 for missing) and the distinct values (a pyarrow array) of Arrow text, by
    pyarrow's dictionary encoding (several times faster than pandas' factorize on millions)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arrow, pa.ChunkedArray) and arrow.num_chunks > 1:
        # pyarrow encodes the chunks with one growing memo table and gives them all its final
        # dictionary: the codes then need no remapping (checked: the same buffer in every chunk)
        chunks = pc.dictionary_encode(arrow).chunks
        text = [c.dictionary.buffers()[-1] for c in chunks]  # each chunk's dictionary's bytes
        if text and text[-1] is not None and all(b is not None and b.address == text[-1].address for b in text):
            indices = [c.indices.fill_null(-1) if c.indices.null_count else c.indices for c in chunks]
            codes = np.concatenate([i.to_numpy(zero_copy_only=False) for i in indices])
            return codes, chunks[-1].dictionary
        arrow = arrow.combine_chunks()  # (one dictionary for all rows: per-chunk ones would need remapping)
    elif isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.chunk(0) if arrow.num_chunks else pa.array([], type=arrow.type)
    encoded = pc.dictionary_encode(arrow)
    dictionary, indices = encoded.dictionary, encoded.indices
    if indices.null_count:
        indices = indices.fill_null(-1)
    codes = indices.to_numpy(zero_copy_only=False) if len(indices) else np.zeros(0, dtype=np.int32)
    return codes, dictionary


def _spread(conv: _Converted, codes: np.ndarray) -> _Converted:
    """A date conversion of the distinct values spread back to every row (code -1: a missing cell)."""
    n = len(codes)
    has = codes >= 0
    if len(conv.missing) == 0:  # no value at all
        return _Converted(pd.array(np.full(n, np.datetime64("NaT"), dtype=_DATE_DTYPE), dtype=_DATE_DTYPE),
                          np.ones(n, dtype=bool), np.zeros(n, dtype=np.int8), conv.note)
    distinct = np.asarray(conv.values, dtype=_DATE_DTYPE)
    if has.all():  # the usual case: no missing cell
        return _Converted(pd.array(distinct[codes], dtype=_DATE_DTYPE, copy=False), conv.missing[codes],
                          conv.bad[codes], conv.note, codes=codes, uniques=distinct)
    at = np.where(has, codes, 0)
    values = distinct[at]
    values[~has] = np.datetime64("NaT")
    missing = conv.missing[at] | ~has
    bad = np.where(has, conv.bad[at], 0).astype(np.int8)
    return _Converted(pd.array(values, dtype=_DATE_DTYPE), missing, bad, conv.note, codes=codes, uniques=distinct)


def _convert_date(s: pd.Series, date_format: str | None) -> _Converted:
    arrow = _arrow_chunks(s)
    if arrow is not None and len(arrow) > 1000:
        # dates repeat (a few thousand days in millions of lines): convert each distinct text once
        codes, uniques = _dictionary(arrow)
        if 4 * len(uniques) < len(codes):
            distinct = pd.Series(pd.array(uniques, dtype=_TEXT_DTYPE))
            return _spread(_convert_date_cells(distinct, date_format), codes)
    return _convert_date_cells(s, date_format)


def _convert_date_cells(s: pd.Series, date_format: str | None) -> _Converted:
    n = len(s)
    bad = np.zeros(n, dtype=np.int8)
    note = None
    fast = _fast_dates(s, date_format)
    if fast is not None:
        values, seen = fast
        return _Converted(pd.array(values, dtype=_DATE_DTYPE), np.zeros(n, dtype=bool), bad, (f"dates_{seen}", ""))
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


# ----------------------------------------------------------------------------------------------
# decimal point or decimal comma: decided once per file, with evidence
# ----------------------------------------------------------------------------------------------

_SIGN = "[+\\-\u2212]?"
_EVIDENCE_HEAD = 100_000


@dataclass
class _Separators:
    decimal: dict  # column -> "," or "."
    notes: list  # report items
    thousands: set = field(default_factory=set)  # columns whose note already says which sign groups thousands


def _column_evidence(text: pd.Series) -> tuple[str | None, str | None, int | None, int | None]:
    """(kind, separator, position of an example, position of a value the decision reads with
    the other separator grouping thousands, or None): kind "decimal" (the separator is the
    decimal one), "thousands" (it groups thousands), "ambiguous", or None (no separator).

    A value holding both separators decides by the last one. Otherwise each separator is
    looked at on its own and the firmer evidence wins: a decimal or thousands shape over an
    ambiguous one ("1,250" among "300.25" is read with a decimal point); when both are equally
    firm, the one more values show (the comma on a tie). Values that do not fit are then
    excluded as "not a number" and reported.
    """
    has_c = _as_bool_array(text.str.contains(",", regex=False))
    has_d = _as_bool_array(text.str.contains(".", regex=False))
    if not has_c.any() and not has_d.any():
        return None, None, None, None
    both = has_c & has_d
    if both.any():
        i = int(np.flatnonzero(both)[0])
        sub = text[both]
        comma_last = _as_bool_array(sub.str.rfind(",") > sub.str.rfind("."))
        return "decimal", ("," if 2 * comma_last.sum() > len(sub) else "."), i, None
    found = [_separator_evidence(text, mask, sep) for sep, mask in ((",", has_c), (".", has_d)) if mask.any()]
    for kind in ("decimal", "thousands", "ambiguous"):
        same = [e for e in found if e[0] == kind]
        if same:  # both separators in decimal shapes ("1,5" and "2.25"): the one more values show
            kind, sep, pos, _ = max(same, key=lambda e: e[3])
            other = None
            if kind == "decimal" and len(found) == 2:  # "12.500" where "1,5" shows a decimal comma
                o = re.escape("." if sep == "," else ",")
                idx = np.flatnonzero(has_d if sep == "," else has_c)
                grouped = _as_bool_array(text.iloc[idx].str.fullmatch(rf"{_SIGN}\d{{1,3}}(?:{o}\d{{3}})+"))
                other = int(idx[np.flatnonzero(grouped)[0]]) if grouped.any() else None
            return kind, sep, pos, other
    return None, None, None, None


_GROUP_SPACE = "[" + "".join(_SPACES) + "]"


def _separator_evidence(text: pd.Series, mask: np.ndarray, sep: str) -> tuple[str | None, str | None, int | None, int]:
    """What the values holding ``sep`` (and not the other separator) tell about it: (kind,
    separator, position of an example, how many values show that kind)."""
    idx = np.flatnonzero(mask)
    sub = text.iloc[idx]
    e = re.escape(sep)
    # (a leading zero, as in "0,250", "012,500", cannot start a group of thousands)
    decimal_shape = _as_bool_array(sub.str.fullmatch(
        rf"{_SIGN}\d*{e}(?:\d{{1,2}}|\d{{4,}})|{_SIGN}\d{{4,}}{e}\d+|{_SIGN}0\d*{e}\d+"
        rf"|{_SIGN}\d{{1,3}}(?:{_GROUP_SPACE}\d{{3}})+{e}\d+"))
    if decimal_shape.any():
        return "decimal", sep, int(idx[np.flatnonzero(decimal_shape)[0]]), int(decimal_shape.sum())
    grouped = _as_bool_array(sub.str.fullmatch(rf"{_SIGN}\d{{1,3}}(?:{e}\d{{3}}){{2,}}"))
    if grouped.any():
        return "thousands", sep, int(idx[np.flatnonzero(grouped)[0]]), int(grouped.sum())
    shaped = _as_bool_array(sub.str.fullmatch(rf"{_SIGN}\d{{1,3}}{e}\d{{3}}"))
    if shaped.any():
        return "ambiguous", sep, int(idx[np.flatnonzero(shaped)[0]]), int(shaped.sum())
    return None, None, None, 0


def _holds_separator(text: pd.Series) -> bool:
    """Whether any cell holds a "," or a "." (one pass over the text, no stripped copy)."""
    arrow = _arrow_chunks(text)
    if arrow is None:
        return True
    for offsets, body in _chunk_buffers(arrow):  # the bytes of the cells: one look per separator
        body = body[offsets[0]: offsets[-1]]
        if (body == 44).any() or (body == 46).any():
            return True
    return False


def _text_cells(s: pd.Series) -> tuple[pd.Series, np.ndarray] | None:
    """The stripped text cells of an object column (Excel: numbers stored as text) and their
    positions, or None when it holds none. Cells holding real numbers are left out: Excel keeps
    them as binary numbers, whatever the display format, so they tell nothing about the
    separators in the text cells."""
    kind = pd.api.types.infer_dtype(s, skipna=True)  # one pass in C: most columns hold no text
    if kind not in ("string", "mixed", "mixed-integer"):
        return None
    objects = s.to_numpy(dtype=object)
    at = np.flatnonzero(np.fromiter((isinstance(v, str) for v in objects), dtype=bool, count=len(objects)))
    if not len(at):
        return None
    text = pd.Series([objects[i].strip() for i in at], dtype=_TEXT_DTYPE)
    return text, at


def _decide_separators(columns: dict, options: dict, source, rows: np.ndarray) -> _Separators:
    """The decimal separator of each number column, from the whole column and the file's other
    number columns; :class:`KamDataError` when a column is ambiguous and nothing else decides.

    Text columns (CSV) give evidence from every cell. Object columns (Excel) give it from their
    text cells only -- numbers typed or exported as text; their real numeric cells are numbers
    already, need no separator and are no evidence either way (a cell holding 1234.5 says nothing
    about what "1.234" typed as text means).
    """
    out = _Separators({}, [])
    if options.get("decimal") is not None:
        return out
    thousands = options.get("thousands")
    if thousands in (",", "."):
        other = "." if thousands == "," else ","
        out.decimal = {name: other for name in columns}
        return out
    evidence = {}
    cells_only = set()  # columns whose evidence comes from the text cells of an object column
    for name, s in columns.items():
        if _is_text_dtype(s):
            text = s.reset_index(drop=True)
            # the first 100 000 cells usually decide; the whole column is looked at only when they do not
            kind, sep, pos, other = _column_evidence(text.iloc[:_EVIDENCE_HEAD].str.strip())
            if kind in (None, "ambiguous") and len(text) > _EVIDENCE_HEAD and _holds_separator(text):
                kind, sep, pos, other = _column_evidence(text.str.strip())
            if kind is not None:
                evidence[name] = (kind, sep, pos, text.iloc[pos].strip(),
                                  None if other is None else (other, text.iloc[other].strip()))
            continue
        found = _text_cells(s)
        if found is None:
            continue
        text, at = found
        kind, sep, pos, other = _column_evidence(text.iloc[:_EVIDENCE_HEAD])
        if kind in (None, "ambiguous") and len(text) > _EVIDENCE_HEAD:
            kind, sep, pos, other = _column_evidence(text)
        if kind is not None:
            evidence[name] = (kind, sep, int(at[pos]), text.iloc[pos],
                              None if other is None else (int(at[other]), text.iloc[other]))
            cells_only.add(name)
    decided = {}
    for name, (kind, sep, pos, value, _other) in evidence.items():
        if kind == "decimal":
            decided[name] = sep
        elif kind == "thousands":
            decided[name] = "." if sep == "," else ","
            out.thousands.add(name)
    file_decimal = set(decided.values())
    for name, (kind, sep, pos, value, other) in evidence.items():
        line = source.labels(rows[[pos]])[0]
        if kind == "ambiguous":
            if len(file_decimal) == 1:
                decided[name] = next(iter(file_decimal))
                out.notes.append(("separator_from_file", t(
                    "read.separator_from_file_cells" if name in cells_only else "read.separator_from_file",
                    column=name, value=value, line=line,
                    meaning=t("read.sep_decimal" if decided[name] == sep else "read.sep_thousands"))))
                if decided[name] != sep:
                    out.thousands.add(name)
            else:
                raise KamDataError(
                    t("read.separator_ambiguous_cells" if name in cells_only else "read.separator_ambiguous",
                      file=source.name, column=name, value=value,
                      where=t(f"load.{source.where}"), line=line, sep=sep),
                    file=source.name if source.is_file else None, column=name, rows=[line],
                )
        elif not (kind == "decimal" and sep == "." and other is None):  # a plain decimal point needs no note
            note = t("read.separator_evidence", column=name, value=value, line=line,
                     meaning=t("read.sep_decimal" if kind == "decimal" else "read.sep_thousands"), sep=sep)
            if other is not None:  # the other separator is then read as grouping thousands: say so
                out.thousands.add(name)
                o = "." if sep == "," else ","
                note += t("read.separator_other", sep=o, value=other[1], number=other[1].replace(o, ""),
                          line=source.labels(rows[[other[0]]])[0])
            out.notes.append(("separator_evidence", note))
    out.decimal = decided
    return out

"""Step 4: validate -- build the canonical table, exclude unusable rows with their reason."""

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
from ._common import _CODE, _RANGES, _REASONS, _TEXT_DTYPE, _is_empty  # noqa: F401
from ._report import ExcludedRow, LoadReport  # noqa: F401
from ._options import _missing_columns_error, _resolve  # noqa: F401
from ._table import _Source  # noqa: F401
from ._cells import _Converted, _as_bool_array, _convert, _is_text_dtype  # noqa: F401


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

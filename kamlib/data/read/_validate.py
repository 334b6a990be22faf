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
from ._common import (
    _AMOUNT, _CODE, _EVENT_DATES, _GENERATED, _RANGES, _REASONS, _REPEATING_KEY, _TEXT_DTYPE, DATE_FUTURE_DAYS,
    DATE_SPREAD, PLACEHOLDER_IDS, TOTAL_WORDS, _is_empty,
)
from ._identity import identity_keys, placeholder_key, placeholder_keys, total_key
from ._report import ExcludedRow, LoadReport  # noqa: F401
from ._options import _missing_columns_error, _resolve  # noqa: F401
from ._table import _Source  # noqa: F401
from ._cells import (
    _Converted, _as_bool_array, _chunk_buffers, _convert, _decide_separators, _dictionary, _is_text_dtype,
    _lead_key_set, _lead_keys, _maybe_blank, _parse_numbers,
)


def _empty_cells(s: pd.Series) -> np.ndarray:
    if _is_text_dtype(s):
        arrow = _arrow_of(s)
        maybe = _maybe_blank(arrow) if arrow is not None else None
        if maybe is not None:  # only the cells that may be blank are looked at
            out = np.zeros(len(s), dtype=bool)
            idx = np.flatnonzero(maybe)
            if len(idx):
                out[idx] = _as_bool_array(s.iloc[idx].str.strip().eq(""))
            return out
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
            # (an undecodable line is left empty where it stood: it is reported as such, not as blank)
            undecodable = {line for line, why, _raw in source.pre_excluded if why == "undecodable"}
            n_blank = sum(line not in undecodable for line in source.labels(np.flatnonzero(blank))) \
                if undecodable else int(blank.sum())
            if n_blank:
                read_as.append(("blank", str(n_blank)))
    n = len(rows)
    if n == 0 and not source.pre_excluded:
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
    missing_cols = [c for c in required_columns(table) if c not in used and c != _GENERATED.get(table)]
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
    where_col = np.full(n, -1, dtype=np.int32)  # a column position per row
    for j in beyond:
        filled = ~empties[j][rows]
        hit = filled & (reason == 0)
        reason[hit] = _CODE["too_many_fields"]
        where_col[hit] = j
    converted: dict[str, _Converted] = {}
    decimal_comma, date_notes = [], {}
    row_data = (lambda j: data[j]) if n == n_all else (lambda j: data[j].iloc[rows])
    separators = _decide_separators(
        {c.name: row_data(position[c.name]) for c in spec.values() if c.kind in ("float", "int") and c.name in position},
        options, source, rows,
    )
    for note in separators.notes:
        read_as.append(note)
    jobs = []  # (column, position, cells, options): converted side by side, consumed in column order
    for column in spec.values():
        if column.name not in position:
            continue
        j = position[column.name]
        cells = row_data(j)
        if column.unit == "%" and j in source.percent_cells:  # Excel shows 0.05 as 5 %: the unit is 0-100
            at = source.percent_cells[j]
            cells = cells.copy()
            positions = np.flatnonzero(np.isin(rows, at)) if n != n_all else at
            cells.iloc[positions] = [v * 100 for v in cells.iloc[positions]]
            read_as.append(("percent_cells", column.name))
        if column.unit == "%" and _is_text_dtype(cells):  # "5%", "12,5 %": the unit is already percent
            marked = _as_bool_array(cells.str.contains("%", regex=False))
            if marked.any():
                cells = cells.str.replace(r"\s*%\s*$", "", regex=True)
                read_as.append(("percent_text", column.name))
        col_options = dict(options)
        if column.name in separators.decimal:
            col_options["decimal"] = separators.decimal[column.name]
        jobs.append((column, j, cells, col_options))
    for column, j, conv in _convert_all(jobs, table, n):
        converted[column.name] = conv
        problems = conv.bad.copy()
        if column.required:
            is_id = column.key or column.name.endswith("_id")
            problems[conv.missing & (problems == 0)] = _CODE["missing_id" if is_id else "missing_value"]
        hit = (problems > 0) & (reason == 0)
        reason[hit] = problems[hit]
        where_col[hit] = j
        if conv.grouped is not None and column.name not in separators.thousands \
                and options.get("decimal") is None and options.get("thousands") is None:  # "12.500" among "3,25"
            at, sign = conv.grouped
            read_as.append(("separator_grouped", t(
                "read.separator_grouped", column=column.name, sep=sign, line=source.labels(rows[[at]])[0],
                value=str(row_data(j).iloc[at]).strip(), number=f"{conv.values[at]:.15g}")))
        if conv.note is not None:
            if conv.note[0] == "decimal_comma":
                decimal_comma.append(column.name)
            else:
                date_notes.setdefault(conv.note[0], []).append(column.name)
    key = _key_of(spec)
    # meanwhile, on a second thread (big files): the distinct document numbers and the row keys of
    # the double-export check, both over all rows, while the checks below settle the exclusions
    documents = row_keys = None
    if n >= _PARALLEL_ROWS:
        from concurrent.futures import ThreadPoolExecutor

        background = ThreadPoolExecutor(max_workers=1)
        if key in converted and table in _REPEATING_KEY:
            documents = background.submit(_count_distinct, pd.Series(converted[key].values))
        row_keys = background.submit(_all_row_keys, dict(converted), n)
        background.shutdown(wait=False)

    first_col = next((j for j, h in enumerate(headers) if h), 0)
    # a header repeated inside the data (two exports pasted together)
    repeated = _repeated_header(data, rows, headers, names, position)
    reason[repeated] = _CODE["repeated_header"]
    where_col[repeated] = first_col
    # a totals line ("Итого", "Total") in an id column or the first column
    distinct = {}
    for name in _FACTORIZED:  # client ids and product groups repeat: checked once per distinct value
        if name in converted:
            conv = converted[name]
            if conv.codes is None:
                conv.codes, conv.uniques = _factorize(conv.values)
            distinct[position[name]] = (conv.codes, conv.uniques)
    # (and the product column: "Итого" or "Всего по документу" there marks a subtotal of the lines above)
    totals = _totals_lines(data, rows, [position.get(c) for c in ("client_id", _key_of(spec), "product_group")]
                           + [first_col],
                           options.get("total_words", TOTAL_WORDS), distinct, items=(position.get("product_group"),))
    if "date" in converted and (unread := np.flatnonzero(converted["date"].bad > 0)).size:
        # "Итого:" in the date column of an export whose first column is a line number
        in_date = _totals_lines(data, rows[unread], [position["date"]], options.get("total_words", TOTAL_WORDS))
        totals[unread] = np.where(totals[unread] >= 0, totals[unread], in_date)
    hit = (totals >= 0) & ~repeated
    reason[hit] = _CODE["totals_line"]
    where_col[hit] = totals[hit]  # the column holding the word
    findings: list[tuple[str, str]] = []

    # implausible event dates (far outside the bulk, or in the future)
    if (table, "date") in _EVENT_DATES and "date" in converted:
        bad_date, window = _implausible_dates(converted["date"], options.get("date_range"))
        hit = bad_date & (reason == 0)
        if hit.any():
            reason[hit] = _CODE["implausible_date"]
            where_col[hit] = position["date"]
        if window is not None and bad_date.any():  # (the window moves with the day of reading: shown when used)
            read_as.append(("date_window", window))

    # ids: placeholders excluded, look-alikes listed (or merged on request)
    identity: list[tuple[str, ...]] = []
    if "client_id" in converted:
        conv = converted["client_id"]
        placeholder, identity, merged = _identities(conv, reason, options)
        hit = placeholder & (reason == 0)
        if hit.any():
            reason[hit] = _CODE["placeholder_id"]
            where_col[hit] = position["client_id"]
        if identity:
            shown = "; ".join(" = ".join(g) for g in identity[:5]) + (" …" if len(identity) > 5 else "")
            findings.append(("merged" if merged else "identity", f"{len(identity)}: {shown}"))

    # a repeated id: the first one (in source order) is kept, the later ones excluded; in orders,
    # a repeated document number is normal (the lines of one document) and kept
    first_of: dict[int, int] = {}
    if key in converted and table not in _REPEATING_KEY:
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
    elif key in converted:
        # repeated document numbers are lines of one document: kept and only counted
        pass
    if key not in position and table in _GENERATED:
        read_as.append(("generated_ids", key))

    # lines identical in every column: possible double exports, kept unless duplicates="drop"
    copies, first_copy = _identical_rows(data, rows, reason, converted,
                                         row_keys.result() if row_keys is not None else None)
    if copies.any():
        lines_of = source.labels(rows[np.flatnonzero(copies)[:5]])
        text = f"{int(copies.sum())} ({', '.join(map(str, lines_of))}{', …' if copies.sum() > 5 else ''})"
        if options.get("duplicates", "keep") == "drop":
            reason[copies] = _CODE["double_export"]
            where_col[copies] = first_col
            for i in np.flatnonzero(copies):
                first_of[int(i)] = int(first_copy[i])
            findings.append(("double_export_dropped", text))
        else:
            findings.append(("double_export_kept", text))

    amount_column = _AMOUNT.get(table)
    amounts = None
    if amount_column in converted and (reason > 0).any():  # (the amounts of the rows excluded)
        amounts = _lenient_amounts(row_data(position[amount_column]), converted[amount_column], reason,
                                   separators.decimal.get(amount_column, options.get("decimal")))
    excluded = _excluded(source, data, rows, reason, where_col, names, headers, raw_columns, first_of, amounts)
    if source.pre_excluded:
        extra = tuple(
            ExcludedRow(line=line, reason=why, column="", value=raw[0] if len(raw) == 1 else None,
                        raw=_fit(raw, len(raw_columns)))
            for line, why, raw in source.pre_excluded
        )
        excluded = tuple(sorted(excluded + extra, key=lambda e: e.line))
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
        frame = pd.DataFrame(out, index=index, copy=False)  # the arrays are fresh: no second copy
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
    amount_loaded = 0.0
    if amount_column in converted and keep.any():
        amounts_read = np.asarray(converted[amount_column].values, dtype="float64")
        amounts_read = amounts_read if keep.all() else amounts_read[keep]
        amount_loaded = float(amounts_read.sum())  # (np.nansum copies the column first: only when needed)
        if amount_loaded != amount_loaded:
            amount_loaded = float(np.nansum(amounts_read))
    if key in position and table in _REPEATING_KEY and keep.any() and key in frame.columns:
        if documents is not None:
            distinct = _distinct_kept(documents.result(), converted[key].values, keep)
        else:
            distinct = _count_distinct(frame[key])
        repeats = int(len(frame) - distinct - frame[key].isna().sum())
        if repeats > 0:
            findings.append(("repeated_documents", str(repeats)))
    if key not in position and table in _GENERATED and len(frame):
        frame.insert(0, key, _line_ids(source, rows[keep], frame.index))
    report = LoadReport(
        source=source.name,
        table=table,
        where=source.where,
        rows_read=n + len(source.pre_excluded),
        excluded=excluded,
        raw_columns=tuple(raw_columns),
        read_as=tuple(read_as),
        findings=tuple(findings),
        identity=tuple(identity),
        amount_column=amount_column if amount_column in converted else None,
        amount_loaded=amount_loaded,
    )
    return frame, report


_FACTORIZED = ("client_id", "product_group")
"""Text columns numbered (dictionary-encoded) as they are converted: their values repeat, and the
totals-line, identity and double-export checks work on the numbers and the distinct values."""

_PARALLEL_ROWS = 200_000
"""From this many rows the columns are converted by two threads: the work is in pyarrow's and
NumPy's kernels, which release the GIL, so a second core shortens a big read by about a third of
the conversion time. Each column's conversion is a pure function of its cells: same result."""


def _convert_all(jobs: list, table: str, n: int):
    """``(column, position, converted)`` for every job, in the jobs' order. Client ids and product
    groups are also numbered (dictionary-encoded) in their job (:data:`_FACTORIZED`)."""

    def one(job):
        column, j, cells, col_options = job
        conv = _convert(cells, column.kind, col_options, _RANGES.get((table, column.name)))
        if column.name in _FACTORIZED:
            conv.codes, conv.uniques = _factorize(conv.values)
        return column, j, conv

    if n < _PARALLEL_ROWS or len(jobs) < 2:
        return [one(job) for job in jobs]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(one, jobs))


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
    amounts: np.ndarray | None = None,
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
                first_line=firsts.get(first_of.get(int(i))) if code in ("duplicate_id", "double_export") else None,
                amount=None if amounts is None or np.isnan(amounts[i]) else float(amounts[i]),
            )
        )
    return tuple(out)


# ----------------------------------------------------------------------------------------------
# the checks of step 4 beyond single cells
# ----------------------------------------------------------------------------------------------


def _key_of(spec: dict) -> str | None:
    return next((c.name for c in spec.values() if c.key), None)


def _fit(raw: tuple, width: int) -> tuple:
    raw = tuple(raw)[:width]
    return raw + (None,) * (width - len(raw))


def _line_ids(source: _Source, positions: np.ndarray, index: pd.Index) -> pd.api.extensions.ExtensionArray:
    """Generated line ids: ``L<line>`` for a file (its line number), the index label for a frame."""
    if source.where == "index":
        return pd.array([str(i) for i in index], dtype=_TEXT_DTYPE)
    return pd.array([f"L{n}" for n in source.labels(positions)], dtype=_TEXT_DTYPE)


def _text_column(s: pd.Series) -> pd.Series | None:
    return s if _is_text_dtype(s) else None


def _arrow_of(s: pd.Series):
    """The pyarrow array behind a text column (None when it is not Arrow-backed)."""
    chunked = getattr(s.array, "_pa_array", None)
    return chunked


# spaces a cell may start with besides ASCII ones (no-break, narrow, figure, ideographic; BOM, zero width)
_OTHER_SPACES = "\u00a0\u202f\u2007\u3000\ufeff\u200b"
_LEADING = " \t\n\v\f\r([" + _OTHER_SPACES  # what may precede the first letter in the patterns below


def _match(s: pd.Series, pattern: str, lead: str | None = None) -> np.ndarray:
    """Cells matching a regular expression, ignoring case (pyarrow's RE2 when the column is Arrow text).

    ``lead``: the letters a match can start with (after spaces or a bracket): then only the cells
    starting with one of them, in any case, are matched (found from the Arrow buffers).
    """
    arrow = _arrow_of(s)
    if arrow is not None:
        import pyarrow.compute as pc

        if lead is not None and (keys := _lead_keys(arrow)) is not None:
            out = np.zeros(len(s), dtype=bool)
            idx = np.flatnonzero(_lead_key_set(lead + _LEADING)[keys])
            if len(idx):
                out[idx] = _match(s.iloc[idx], pattern)
            return out
        hit = pc.match_substring_regex(arrow, pattern, ignore_case=True)
        return hit.to_numpy(zero_copy_only=False).astype(bool, copy=False) if hit.null_count == 0 else \
            np.asarray(hit.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
    text = s if _is_text_dtype(s) else s.astype(_TEXT_DTYPE)
    return _as_bool_array(text.str.contains(pattern, case=False, regex=True))


def _repeated_header(data: pd.DataFrame, rows: np.ndarray, headers: list[str], names: list, position: dict
                     ) -> np.ndarray:
    """Rows whose cells repeat the header in every column that has a canonical meaning."""
    n = len(rows)
    out = np.zeros(n, dtype=bool)
    cols = [j for j in position.values() if headers[j]]
    if not cols:
        return out
    j0 = cols[0]
    first = data[j0] if len(rows) == data.shape[0] else data[j0].iloc[rows]
    # (the header of a second export pasted below the first may carry its byte-order mark)
    candidate = _match(first.reset_index(drop=True), "^[\\s" + _OTHER_SPACES + "]*" + re.escape(headers[j0]) + r"\s*$",
                       lead=headers[j0][0])
    if not candidate.any():
        return out
    for j in cols[1:]:
        idx = np.flatnonzero(candidate)
        col = data[j].iloc[rows[idx]].astype(_TEXT_DTYPE)
        same = _as_bool_array(col.str.strip().str.casefold() == headers[j].casefold())
        candidate[idx[~same]] = False
    return candidate


def _totals_lines(data: pd.DataFrame, rows: np.ndarray, columns: list, words: tuple, distinct: dict | None = None,
                  items: tuple = ()) -> np.ndarray:
    """Per row, the position of the first of ``columns`` whose cell is a totals word ("Итого",
    "Total", ...), or -1: rows that are no totals line.

    ``distinct`` maps a column position to (codes per row, distinct trimmed values): such a
    column is checked once per distinct value. In the ``items`` columns (product names) a cell
    must be a totals word or start with one of :data:`_ITEM_TOTAL_PREFIXES` ("Всего по
    документу"): "Всего понемногу" is a product.
    """
    keys = {total_key(w) for w in words}
    firsts = sorted({k.split(" ")[0] for k in keys})
    pattern = "^[\\s" + _OTHER_SPACES + rf"]*[\(\[]?(?:{'|'.join(map(re.escape, firsts))})"
    lead = "".join(sorted({w[0] for w in firsts})) if all(firsts) else None

    def hits(col: pd.Series, prefixes: tuple) -> np.ndarray:
        found = np.zeros(len(col), dtype=bool)
        for i in np.flatnonzero(_match(col, pattern, lead=lead)):
            value = col.iloc[i]
            if isinstance(value, str) and (total_key(value) in keys or total_key(value).startswith(prefixes)):
                found[i] = True
        return found

    out = np.full(len(rows), -1, dtype=np.int32)
    for j in dict.fromkeys(j for j in columns if j is not None):
        prefixes = _ITEM_TOTAL_PREFIXES if j in items else _TOTAL_PREFIXES
        if distinct and j in distinct:
            codes, uniques = distinct[j]
            per_value = hits(pd.Series(pd.array(uniques, dtype=_TEXT_DTYPE)), prefixes)
            found = (codes >= 0) & per_value[np.maximum(codes, 0)] if per_value.any() else None
        else:
            col = data[j] if len(rows) == data.shape[0] else data[j].iloc[rows]
            found = hits(col.reset_index(drop=True), prefixes)
        if found is not None and found.any():
            out[found & (out < 0)] = j
    return out


# a cell starting with one of these words and a space is a (sub)totals line: "Итого за I квартал";
# English words only match whole ("Total Oil" is a client's name)
_TOTAL_PREFIXES = ("итого ", "всего ", "итого:", "всего:", "total:", "subtotal ", "subtotal:")
# in a product column only a subtotal's own wording counts ("Всего по документу", "Итого за день")
_ITEM_TOTAL_PREFIXES = ("итого по ", "всего по ", "итого за ", "всего за ", "итого:", "всего:", "total:", "subtotal ",
                        "subtotal:")


def _implausible_dates(conv: _Converted, date_range) -> tuple[np.ndarray, str | None]:
    """Event dates outside the plausible window, and the window as text for the report.

    Default window: from the first quartile minus ``DATE_SPREAD`` times the interquartile span
    (at least a year) to the third quartile plus as much, and never later than the day of
    reading plus ``DATE_FUTURE_DAYS`` days. ``date_range=(first, last)`` sets it instead.
    """
    by_text = conv.codes is not None and isinstance(conv.uniques, np.ndarray) and conv.uniques.dtype.kind == "M"
    values = np.asarray(conv.uniques if by_text else conv.values)  # dates read per distinct text: those
    if values.dtype.kind != "M":
        values = values.astype("datetime64[ns]")
    unit = np.datetime_data(values.dtype)[0]  # compared in the column's own unit: no converted copy
    ok = ~np.isnat(values)
    if by_text:
        counts = np.bincount(conv.codes[conv.codes >= 0], minlength=len(values))
        counts[~ok] = 0
        ok &= counts > 0
    if not ok.any():
        return np.zeros(len(conv.values), dtype=bool), None
    if date_range is not None:
        lo, hi = (np.datetime64(pd.Timestamp(d).normalize(), unit) for d in date_range)
    else:
        # the quartiles are order statistics ("nearest"), and the day of a date only ever grows with
        # it: take them on the dates as they are and convert the two results (not 5 M dates) to days
        stamps = (values if ok.all() else values[ok]).view(np.int64)
        if by_text:  # numpy's "nearest" rank, (n - 1) * q rounded half to even, among the rows' dates
            order = np.argsort(stamps, kind="stable")
            ranks = np.around((counts[ok].sum() - 1) * (np.array([25.0, 75.0]) / 100)).astype(np.intp)
            quartiles = stamps[order][np.searchsorted(np.cumsum(counts[ok][order]), ranks, side="right")]
        else:
            quartiles = np.percentile(stamps, [25, 75], method="nearest")
        q1, q3 = (np.datetime64(int(v), unit).astype("datetime64[D]").astype(np.int64) for v in quartiles)
        span = max(int(q3 - q1), 365)
        today = np.datetime64(pd.Timestamp.now().normalize(), "D").astype(np.int64)
        lo_d = int(q1) - DATE_SPREAD * span
        hi_d = min(int(q3) + DATE_SPREAD * span, int(today) + DATE_FUTURE_DAYS)
        lo, hi = (np.datetime64(int(d), "D").astype(f"datetime64[{unit}]") for d in (lo_d, hi_d))
    bad = ok & ((values < lo) | (values > hi))
    if by_text:  # from the distinct dates to the rows
        bad = bad[conv.codes] & (conv.codes >= 0) if bad.any() else np.zeros(len(conv.codes), dtype=bool)
    window = f"{str(lo)[:10]} … {str(hi)[:10]}"
    return bad, window


def _count_distinct(s: pd.Series) -> int:
    """Distinct non-missing values of a column. Document numbers that are whole numbers after one
    shared prefix ("1042", "D00001042", "РН-000123"; see :func:`_as_whole_numbers`) are counted as
    integers by a sort, several times faster than hashing millions of strings; other text by
    pyarrow's hash count."""
    arrow = _arrow_of(s)
    if arrow is None:
        return int(s.nunique(dropna=True))
    import pyarrow.compute as pc

    valid = arrow.drop_null() if arrow.null_count else arrow
    numbers = _as_whole_numbers(valid)
    if numbers is not None:
        numbers = numbers if numbers.flags.writeable else numbers.copy()
        numbers.sort()  # (in place: the array is ours)
        return int(len(numbers) and 1 + np.count_nonzero(numbers[1:] != numbers[:-1]))
    return int(pc.count_distinct(valid).as_py())


def _as_whole_numbers(valid) -> np.ndarray | None:
    """int64 per value when every value is one shared prefix followed by decimal digits, such that
    equal numbers mean equal texts: the digits hold no leading zero, or all values are equally
    long ("D0042" and "D0420"). None otherwise. ``valid``: Arrow text without nulls."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(valid) == 0:
        return np.zeros(0, dtype=np.int64)
    first = valid[0].as_py() if isinstance(valid, pa.Array) else valid.chunk(
        next(i for i in range(valid.num_chunks) if len(valid.chunk(i))))[0].as_py()
    prefix = re.match(r"\D*", first).group()
    if len(prefix) == len(first):
        return None
    fixed = _fixed_width_numbers(valid, prefix.encode("utf-8"))
    if fixed is not None:
        return fixed if len(fixed) else None
    try:
        if prefix:
            if not pc.all(pc.starts_with(valid, prefix)).as_py():
                return None
            digits = pc.utf8_slice_codeunits(valid, len(prefix))
        else:
            digits = valid
        shortest, longest, leading_zero = None, 0, False
        for offsets, body in _chunk_buffers(digits):  # decimal digits only (no sign, no "0x", no space)
            body = body[offsets[0]: offsets[-1]]
            lengths = np.diff(offsets)
            if lengths.min() == 0 or ((body < 48) | (body > 57)).any():
                return None
            shortest = min(shortest or lengths.min(), lengths.min())
            longest = max(longest, lengths.max())
            leading_zero = leading_zero or bool(((body[offsets[:-1] - offsets[0]] == 48) & (lengths > 1)).any())
        if leading_zero and shortest != longest:
            return None  # "01" and "1" are different documents
        numbers = pc.cast(digits, pa.int64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # beyond int64
        return None
    return np.asarray(numbers.to_numpy() if isinstance(numbers, pa.Array) else numbers.to_numpy(), dtype=np.int64)


def _fixed_width_numbers(valid, prefix: bytes) -> np.ndarray | None:
    """The common case of :func:`_as_whole_numbers`, read straight from the bytes: every value
    ``prefix`` + the same number (at most 18) of decimal digits. The int64 numbers, an empty
    array when the values are not of that form, None when the shortcut does not apply (values
    of several lengths)."""
    parts = []
    width = None
    for offsets, body in _chunk_buffers(valid):
        n = len(offsets) - 1
        w = (int(offsets[-1]) - int(offsets[0])) // n
        if (width is not None and w != width) or not len(prefix) < w <= len(prefix) + 18 \
                or not (np.diff(offsets) == w).all():
            return None
        width = w
        cells = body[offsets[0]: offsets[-1]].reshape(n, w)
        if len(prefix) and not (cells[:, : len(prefix)] == np.frombuffer(prefix, dtype=np.uint8)).all():
            return np.zeros(0, dtype=np.int64)
        number = np.zeros(n, dtype=np.int64)
        for k in range(len(prefix), w):
            digit = cells[:, k] - np.uint8(48)  # (a byte below "0" wraps round to above 9)
            if (digit > 9).any():
                return np.zeros(0, dtype=np.int64)
            number *= 10
            number += digit
        parts.append(number)
    return np.concatenate(parts) if parts else None


def _distinct_kept(distinct_all: int, values, keep: np.ndarray) -> int:
    """Distinct non-missing values among the kept rows, from the count over all rows: less the
    values that occur only on excluded rows (few rows, usually; checked with one set lookup)."""
    if keep.all():
        return distinct_all
    import pyarrow as pa
    import pyarrow.compute as pc

    column = pa.chunked_array(values._pa_array) if hasattr(values, "_pa_array") else pa.array(values)
    mask = pa.array(keep)
    dropped = pc.unique(pc.drop_null(pc.filter(column, pc.invert(mask))))
    if len(dropped) == 0:
        return distinct_all
    kept = pc.filter(column, mask)
    still = pc.count_distinct(pc.filter(kept, pc.is_in(kept, value_set=dropped))).as_py()
    return distinct_all - (len(dropped) - still)


def _factorize(values) -> tuple[np.ndarray, object]:
    """Codes (-1 for missing) and distinct values in order of first appearance; pyarrow's
    dictionary encoding for Arrow text (several times faster than pandas' on millions of ids),
    whose distinct values stay Arrow text."""
    chunked = getattr(values, "_pa_array", None)
    if chunked is not None:
        codes, uniques = _dictionary(chunked)  # (kept as Arrow text: the identity checks work on it as it is)
        return codes, pd.array(uniques, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
    codes, uniques = pd.factorize(pd.Series(values))
    return codes, np.asarray(uniques, dtype=object)


def _identities(conv: _Converted, reason: np.ndarray, options: dict):
    """Placeholder rows, suspected duplicate groups, and whether they were merged (in ``conv``)."""
    codes, uniques = (conv.codes, conv.uniques) if conv.codes is not None else _factorize(conv.values)
    uniq = pd.Series(uniques if isinstance(getattr(uniques, "dtype", None), pd.StringDtype)
                     else np.asarray(uniques, dtype=object))
    placeholders = options.get("placeholders", PLACEHOLDER_IDS)
    keys = {placeholder_key(p) for p in placeholders}
    is_placeholder = placeholder_keys(uniq).isin(keys).to_numpy(dtype=bool, na_value=False)
    bad_codes = np.flatnonzero(is_placeholder)
    placeholder = np.isin(codes, bad_codes) if len(bad_codes) else np.zeros(len(codes), dtype=bool)
    usable = (codes >= 0) & (reason == 0) & ~placeholder
    counts = np.bincount(codes[usable], minlength=len(uniques))
    ident = identity_keys(uniq)
    key_codes, _ = pd.factorize(ident)
    shared = pd.Series(key_codes).duplicated(keep=False).to_numpy() & (counts > 0)
    groups: dict[int, list[int]] = {}
    for i in np.flatnonzero(shared):
        groups.setdefault(int(key_codes[i]), []).append(int(i))
    ordered = [sorted(g, key=lambda i: (-counts[i], i)) for g in groups.values() if len(g) > 1]
    identity = [tuple(str(uniques[i]) for i in g) for g in ordered]
    merged = bool(options.get("merge_identities")) and bool(ordered)
    if merged:
        target = np.arange(len(uniques))
        for g in ordered:
            target[g] = g[0]  # the most frequent spelling
        new = np.where(codes >= 0, target[np.maximum(codes, 0)], -1)
        merged_values = pd.array(np.asarray(uniques, dtype=object)[np.maximum(new, 0)], dtype=_TEXT_DTYPE)
        merged_values[codes < 0] = None
        conv.values = merged_values
    conv.codes = codes  # reused by the double-export check
    return placeholder, identity, merged


def _row_keys(converted: dict, n: int) -> np.ndarray:
    """A 64-bit mix per row of the converted canonical columns (client id codes, dates, numbers):
    rows identical in every column have equal keys (equal keys are only candidates)."""
    mix = np.zeros(n, dtype=np.uint64)
    for name, conv in converted.items():
        values = conv.values
        if getattr(conv, "codes", None) is not None:  # client ids, factorised once already
            codes = conv.codes
        elif pd.api.types.is_datetime64_any_dtype(getattr(values, "dtype", None)):
            codes = np.asarray(values).view(np.int64)
        elif getattr(values, "dtype", None) == "float64":
            codes = np.asarray(values, dtype="float64").view(np.int64)
        else:
            continue  # other text columns: compared cell by cell on the candidates only
        codes = np.asarray(codes)
        codes = codes.view(np.uint64) if codes.dtype.itemsize == 8 else codes.astype(np.int64).view(np.uint64)
        with np.errstate(over="ignore"):  # (in place: no 40 MB temporaries on 5 M rows)
            np.multiply(mix, np.uint64(0x100000001B3), out=mix)
            np.bitwise_xor(mix, codes, out=mix)
    return mix


def _repeated_keys(keys: np.ndarray) -> np.ndarray:
    """The keys occurring more than once, sorted (a plain sort of 64-bit keys: ~10x faster than
    argsort or a hash table on 5 M)."""
    ranked = np.sort(keys)
    same = ranked[1:] == ranked[:-1]
    return np.unique(ranked[1:][same]) if same.any() else ranked[:0]


def _all_row_keys(converted: dict, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys of every row and those repeated among all rows (computed before the rows to exclude are
    known: a superset of the repeats among the usable rows, which the cell check then settles)."""
    mix = _row_keys(converted, n)
    return mix, _repeated_keys(mix)


def _identical_rows(data: pd.DataFrame, rows: np.ndarray, reason: np.ndarray, converted: dict,
                    keys_of_all: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Later copies of rows identical in every column (among usable rows), and each one's first copy.

    Candidates first, cheaply: rows equal in the converted canonical columns (a 64-bit mix of
    their factorised codes); only those are compared cell by cell. ``keys_of_all``: the keys
    and repeated keys of all rows (:func:`_all_row_keys`), when computed already.
    """
    n = len(rows)
    copies = np.zeros(n, dtype=bool)
    first = np.full(n, -1, dtype=np.int64)
    ok = reason == 0
    every = bool(ok.all())
    usable = None if every else np.flatnonzero(ok)  # (None: every row)
    if (n if every else len(usable)) < 2:
        return copies, first
    if keys_of_all is not None:
        mix, repeated = keys_of_all
        keys = mix if every else mix[usable]
    else:
        mix = _row_keys(converted, n)
        keys = mix if every else mix[usable]
        repeated = _repeated_keys(keys)
    if not len(repeated):
        return copies, first
    at = np.minimum(np.searchsorted(repeated, keys), len(repeated) - 1)
    hit = repeated[at] == keys
    cand = np.flatnonzero(hit) if every else usable[hit]  # rows whose key occurs more than once, in row order
    block = data.iloc[rows[cand]].reset_index(drop=True).astype(object)
    seen: dict[tuple, int] = {}
    for k, record in enumerate(block.itertuples(index=False, name=None)):
        record = tuple(None if (v is None or (isinstance(v, float) and v != v)) else v for v in record)
        i = int(cand[k])
        if record in seen:
            copies[i] = True
            first[i] = seen[record]
        else:
            seen[record] = i
    return copies, first


def _lenient_amounts(cells: pd.Series, conv: _Converted, reason: np.ndarray, decimal: str | None) -> np.ndarray:
    """The amount of every row, NaN where it cannot be read (for the share of amounts excluded)."""
    values = np.asarray(conv.values, dtype="float64").copy()
    values[reason == _CODE["too_many_fields"]] = np.nan  # the fields slid: the amount read is a guess
    lost = np.isnan(values) & (reason > 0) & (reason != _CODE["too_many_fields"])
    if lost.any() and _is_text_dtype(cells):
        idx = np.flatnonzero(lost)
        text = cells.iloc[idx].reset_index(drop=True).str.strip()
        present = _as_bool_array(text.notna() & (text != ""))
        parsed, _bad, _words, _used = _parse_numbers(text, present, decimal)
        values[idx] = parsed
    return values

"""Step 0: the arguments -- the column mapping (dict or TOML file), the options, header names."""

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
from ._common import _GENERATED, DUPLICATES, HEADER_SEARCH, _OPTIONS


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
        if isinstance(delim, str) and delim.lower() in ("whitespace", "spaces"):
            delim = "whitespace"
        if delim != "whitespace" and not (isinstance(delim, str) and len(delim) == 1 and delim not in "\"\r\n"):
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
    if out.get("thousands") is not None:
        check_choice(out["thousands"], "thousands", (",", "."))
        if out.get("decimal") == out["thousands"]:
            raise KamArgumentError(t("errors.bad_argument", argument="thousands", value=out["thousands"],
                                     valid=t("read.valid_thousands")))
    if "duplicates" in out:
        check_choice(out["duplicates"], "duplicates", DUPLICATES)
    if "merge_identities" in out:
        check_choice(out["merge_identities"], "merge_identities", (True, False))
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
    return set(_required(table)) <= set(_resolve(headers, table, mapping))


def _required(table: str) -> list[str]:
    """Required columns the file must have (a generated line id is not one of them)."""
    return [c for c in required_columns(table) if c != _GENERATED.get(table)]


# ----------------------------------------------------------------------------------------------

def _check_required(
    name: str, headers: list[str], table: str, mapping: dict, *, header_line: int | None, searched: bool,
    sheets: list[str] | None = None,
) -> None:
    """Raise the missing-column error as soon as a file's header is known (before reading its rows)."""
    names = _resolve(headers, table, mapping)
    missing = [c for c in _required(table) if c not in names]
    if missing:
        raise _missing_columns_error(
            name, headers, table, mapping, missing, names, is_file=True, header_line=header_line if searched else None,
            sheets=sheets,
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
    sheets: list[str] | None = None,
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
    elif is_file:
        hints.append(t("read.header_row_hint", n=HEADER_SEARCH))
    if is_file and sheets and len(sheets) > 1:
        hints.append(t("read.sheet_hint", sheets=", ".join(f'"{s}"' for s in sheets)))
    return KamDataError(
        message + ". " + " ".join(hints) if not message.endswith(".") else message + " " + " ".join(hints),
        file=name if is_file else None,
        column=missing[0],
        rows=[header_line] if header_line is not None and header_line > 1 else None,
    )


# ----------------------------------------------------------------------------------------------
# warning or error about excluded rows
# ----------------------------------------------------------------------------------------------

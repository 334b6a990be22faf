"""Small argument and table checks shared by the public functions of ``kamlib``.

Each public function validates its inputs at the top with these helpers, so a
mistake is reported once, clearly, before any work is done: the message names
the argument or column, the bad value (or the first rows at fault) and what
would be valid. Every word of a message comes from :func:`kamlib.labels.t`.

Examples
--------
>>> import pandas as pd
>>> check_columns(pd.DataFrame({"a": [1]}), ["a"], argument="table")
>>> check_number(3, "max_key_accounts", minimum=1, integer=True)
3
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Real

import numpy as np
import pandas as pd

from ._errors import KamArgumentError, KamDataError
from .labels import t

__all__ = [
    "check_frame",
    "check_columns",
    "check_number",
    "check_choice",
    "check_no_missing",
    "check_unique",
    "first_rows",
    "rows_with_values",
    "check_date",
    "check_date_column",
    "check_numeric_column",
    "date_array",
    "number_array",
]

_SHOW_ROWS = 5  # how many offending rows a message lists


def first_rows(index: Iterable[object], limit: int = _SHOW_ROWS) -> list[object]:
    """The first ``limit`` labels of ``index`` (for messages)."""
    out = []
    for i, label in enumerate(index):
        if i >= limit:
            break
        out.append(label)
    return out


def check_frame(value: object, argument: str) -> pd.DataFrame:
    """Raise :class:`KamArgumentError` unless ``value`` is a DataFrame; return it."""
    if not isinstance(value, pd.DataFrame):
        raise KamArgumentError(t("errors.not_a_dataframe", argument=argument, type=type(value).__name__))
    return value


def check_columns(frame: pd.DataFrame, columns: Sequence[str], *, argument: str) -> None:
    """Raise :class:`KamDataError` naming the missing ``columns`` of ``frame`` and those it has."""
    check_frame(frame, argument)
    missing = [c for c in columns if c not in frame.columns]
    if not missing:
        return
    available = ", ".join(map(str, frame.columns)) or "—"
    if len(missing) == 1:
        message = t("errors.missing_column", file=argument, column=missing[0], available=available)
    else:
        message = t(
            "errors.missing_columns", file=argument, columns=", ".join(f'"{c}"' for c in missing), available=available
        )
    raise KamDataError(message, file=argument, column=missing[0])


def check_number(
    value: object,
    argument: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    strict_minimum: bool = False,
    integer: bool = False,
) -> float:
    """Raise :class:`KamArgumentError` unless ``value`` is a number in range; return it.

    ``strict_minimum=True`` makes the lower bound exclusive (``value > minimum``).
    Booleans are refused even though Python counts them as integers.
    """
    ok = isinstance(value, Real) and not isinstance(value, bool) and pd.notna(value)
    if ok and integer:
        ok = float(value).is_integer()
    if ok and minimum is not None:
        ok = value > minimum if strict_minimum else value >= minimum
    if ok and maximum is not None:
        ok = value <= maximum
    if not ok:
        kind = t("validate.whole_number") if integer else t("validate.number")
        parts = [kind]
        if minimum is not None:
            parts.append(t("validate.above" if strict_minimum else "validate.at_least", bound=minimum))
        if maximum is not None:
            parts.append(t("validate.at_most", bound=maximum))
        raise KamArgumentError(t("errors.bad_argument", argument=argument, value=value, valid=" ".join(parts)))
    return value  # type: ignore[return-value]


def check_choice(value: object, argument: str, choices: Sequence[object]) -> object:
    """Raise :class:`KamArgumentError` unless ``value`` is one of ``choices``; return it."""
    if value not in choices:
        valid = t("validate.one_of", choices=", ".join(repr(c) for c in choices))
        raise KamArgumentError(t("errors.bad_argument", argument=argument, value=value, valid=valid))
    return value


def check_no_missing(frame: pd.DataFrame, columns: Sequence[str], *, argument: str) -> None:
    """Raise :class:`KamDataError` when any of ``columns`` has an empty cell (rows = index labels)."""
    for column in columns:
        bad = frame.index[frame[column].isna()]
        if len(bad):
            raise KamDataError(
                t("validate.missing_values", argument=argument, column=column, n=len(bad), rows=first_rows(bad)),
                file=argument,
                column=column,
                rows=first_rows(bad),
            )


def check_unique(frame: pd.DataFrame, columns: Sequence[str], *, argument: str) -> None:
    """Raise :class:`KamDataError` when the combination of ``columns`` repeats (rows = index labels)."""
    dup = frame.duplicated(subset=list(columns), keep=False)
    if dup.any():
        bad = frame.index[dup]
        raise KamDataError(
            t("validate.duplicates", argument=argument, columns=", ".join(columns), n=len(bad), rows=first_rows(bad)),
            file=argument,
            column=columns[0],
            rows=first_rows(bad),
        )


# --- dates and numbers (added for the analytics of concentration, NPS and lost clients) ---


def rows_with_values(index: Iterable[object], values: Iterable[object], limit: int = _SHOW_ROWS) -> str:
    """``"row 3: 'abc', row 7: nan"`` for the first ``limit`` offending rows (for messages)."""
    parts = []
    for i, (label, value) in enumerate(zip(index, values)):
        if i >= limit:
            break
        parts.append(t("validate_data.row_value", row=label, value=value))
    return ", ".join(parts)


def check_date(value: object, argument: str) -> pd.Timestamp:
    """Raise :class:`KamArgumentError` unless ``value`` is one date; return it as a midnight Timestamp.

    Accepts text such as ``"2025-06-30"``, :class:`datetime.date`, :class:`datetime.datetime`,
    :class:`pandas.Timestamp` and :class:`numpy.datetime64`. The time of day is dropped, so an
    analysis "as of" a date includes the whole of that day.

    >>> check_date("2025-06-30", "as_of")
    Timestamp('2025-06-30 00:00:00')
    """
    try:
        ts = pd.Timestamp(value) if value is not None and not isinstance(value, (bool, Real)) else pd.NaT
    except (TypeError, ValueError):
        ts = pd.NaT
    if ts is pd.NaT or pd.isna(ts):
        raise KamArgumentError(t("validate_data.not_a_date", argument=argument, value=value))
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def _parse_dates(col: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The one rule for a date column given to an analysis: ``(dates, not-a-date mask)``.

    A datetime column is used as it is (a timezone is dropped, keeping local time); text is
    parsed with :func:`pandas.to_datetime` (``format="mixed"``: ISO and other unambiguous forms).
    Empty cells are not marked here (callers decide whether they are allowed).
    """
    if isinstance(col.dtype, pd.DatetimeTZDtype):
        col = col.dt.tz_localize(None)
    if pd.api.types.is_datetime64_dtype(col.dtype):
        return col, pd.Series(False, index=col.index)
    try:
        parsed = pd.to_datetime(col, errors="coerce", format="mixed") if len(col) else col.astype("datetime64[ns]")
    except (TypeError, ValueError):
        parsed = pd.Series(pd.NaT, index=col.index, dtype="datetime64[ns]")
    return parsed, parsed.isna() & col.notna()


def _parse_number_cells(col: pd.Series, *, text_ok: bool) -> tuple[pd.Series, pd.Series]:
    """The one rule for a number column given to an analysis: ``(float64 values, not-a-number mask)``.

    Booleans are never numbers; text is converted when ``text_ok`` (the analyses' line
    preparation) and refused otherwise (read files with kamlib's readers); empty cells are
    not marked here.
    """
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.astype("float64"), pd.Series(True, index=col.index)
    if pd.api.types.is_numeric_dtype(col.dtype):
        return col.astype("float64"), pd.Series(False, index=col.index)
    if isinstance(col.dtype, pd.StringDtype) and not text_ok:
        return col, pd.Series(True, index=col.index)
    if text_ok:
        converted = pd.to_numeric(col, errors="coerce").astype("float64")
        return converted, converted.isna() & col.notna()
    is_number = col.map(lambda v: isinstance(v, Real) and not isinstance(v, bool))
    converted = pd.to_numeric(col.where(is_number), errors="coerce").astype("float64")
    return converted, converted.isna() & col.notna()


def check_date_column(frame: pd.DataFrame, column: str, *, argument: str) -> pd.Series:
    """The ``column`` of ``frame`` as timezone-naive dates; :class:`KamDataError` names rows that are not dates.

    A datetime column is used as it is (a timezone is dropped, keeping local time);
    text is parsed as in :func:`date_array`. Empty cells count as bad rows.
    """
    col = frame[column]
    parsed, bad = _parse_dates(col)
    _refuse_bad_rows(frame, col, bad | parsed.isna(), "validate_data.bad_dates", argument=argument, column=column)
    return parsed


def date_array(frame: pd.DataFrame, argument: str, column: str = "date") -> np.ndarray:
    """The date column as ``datetime64`` values; text that is not a date, then empty cells, are
    refused naming the first rows (the check :func:`kamlib.analytics._prep.prepare_lines` uses)."""
    col = frame[column]
    parsed, bad = _parse_dates(col)
    if bad.any():
        rows = first_rows(frame.index[bad.to_numpy()])
        raise KamDataError(
            t("class_errors.bad_dates", argument=argument, column=column, rows=rows, n=int(bad.sum())),
            file=argument, column=column, rows=rows,
        )
    values = parsed.to_numpy()
    _refuse_missing(frame, np.isnat(values), argument, column)
    return values


def number_array(frame: pd.DataFrame, column: str, argument: str) -> np.ndarray:
    """A numeric column as float64 values; text that is not a number (or booleans), then empty
    cells, are refused naming the first rows."""
    col = frame[column]
    parsed, bad = _parse_number_cells(col, text_ok=True)
    if bad.any():
        rows = first_rows(frame.index[bad.to_numpy()])
        raise KamDataError(
            t("class_errors.bad_numbers", argument=argument, column=column, rows=rows, n=int(bad.sum())),
            file=argument, column=column, rows=rows,
        )
    values = parsed.to_numpy(dtype=np.float64, na_value=np.nan)
    _refuse_missing(frame, np.isnan(values), argument, column)
    return values


def _refuse_missing(frame: pd.DataFrame, missing: np.ndarray, argument: str, column: str) -> None:
    """Raise :class:`KamDataError` naming the rows of ``frame`` where ``column`` is empty."""
    if missing.any():
        rows = first_rows(frame.index[np.flatnonzero(missing)[:_SHOW_ROWS]])
        raise KamDataError(
            t("validate.missing_values", argument=argument, column=column, n=int(missing.sum()), rows=rows),
            file=argument, column=column, rows=rows,
        )


def _refuse_bad_rows(frame: pd.DataFrame, col: pd.Series, bad: pd.Series, key: str, *, argument: str,
                     column: str) -> None:
    """Raise :class:`KamDataError` (message ``key``) naming the rows of ``frame`` where ``bad`` holds."""
    if bad.any():
        rows = frame.index[bad.to_numpy()]
        raise KamDataError(
            t(key, argument=argument, column=column, n=int(bad.sum()), rows=rows_with_values(rows, col[bad])),
            file=argument,
            column=column,
            rows=first_rows(rows),
        )


def check_numeric_column(frame: pd.DataFrame, column: str, *, argument: str) -> pd.Series:
    """The ``column`` of ``frame`` as float numbers; :class:`KamDataError` names rows that are not numbers.

    Empty cells and text count as bad rows; booleans are refused.
    """
    col = frame[column]
    parsed, bad = _parse_number_cells(col, text_ok=False)
    if not (pd.api.types.is_bool_dtype(col.dtype) or isinstance(col.dtype, pd.StringDtype)):
        bad = bad | parsed.isna()
    _refuse_bad_rows(frame, col, bad, "validate_data.bad_numbers", argument=argument, column=column)
    return parsed

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


def check_date_column(frame: pd.DataFrame, column: str, *, argument: str) -> pd.Series:
    """The ``column`` of ``frame`` as timezone-naive dates; :class:`KamDataError` names rows that are not dates.

    A datetime column is used as it is (a timezone is dropped, keeping local time);
    text is parsed with :func:`pandas.to_datetime`. Empty cells count as bad rows.
    """
    col = frame[column]
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        if getattr(col.dt, "tz", None) is not None:
            col = col.dt.tz_localize(None)
        bad = col.isna()
        parsed = col
    else:
        try:
            parsed = pd.to_datetime(col, errors="coerce")
        except (TypeError, ValueError):
            parsed = pd.Series(pd.NaT, index=col.index, dtype="datetime64[ns]")
        bad = parsed.isna()
    _refuse_bad_rows(frame, col, bad, "validate_data.bad_dates", argument=argument, column=column)
    return parsed


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
    if pd.api.types.is_bool_dtype(col.dtype):
        bad = pd.Series(True, index=col.index)
        parsed = col
    elif pd.api.types.is_numeric_dtype(col.dtype):
        parsed = col.astype("float64")
        bad = parsed.isna()
    elif isinstance(col.dtype, pd.StringDtype):
        bad = pd.Series(True, index=col.index)  # text is refused, even "12.5": read the file with kamlib's readers
        parsed = col
    else:  # object: numbers mixed with other things
        is_number = col.map(lambda v: isinstance(v, Real) and not isinstance(v, bool))
        parsed = pd.to_numeric(col.where(is_number), errors="coerce").astype("float64")
        bad = parsed.isna()
    _refuse_bad_rows(frame, col, bad, "validate_data.bad_numbers", argument=argument, column=column)
    return parsed

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

"""The load report: what the reader did with each row of a source, and the warning or error about it."""

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
from ._common import _EXAMPLES, _NOT_LOST, _RANGES, _SHOW, _TEXT_DTYPE


# ----------------------------------------------------------------------------------------------
# the load report
# ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExcludedRow:
    """One row a reader excluded (see :func:`excluded_rows`)."""

    line: object  # line in the file / row of a Parquet file / index label of a DataFrame
    reason: str  # a code of _REASONS; excluded_rows() shows its label
    column: str  # canonical column at fault ("" for a row with too many fields)
    value: str | None  # the offending cell as it was in the source
    raw: tuple[str | None, ...]  # the whole row as it was in the source
    first_line: object = None  # for a duplicate id or a double export: where the kept row is
    amount: float | None = None  # the row's amount (orders: revenue) when it can be read, else None


@dataclass(frozen=True, repr=False)
class LoadReport:
    """What a reader did with a source: rows read, loaded, excluded (and why), and how it read them.

    Immutable and picklable; ``repr`` is a readable summary. Obtain it with
    :func:`load_report`; list the excluded rows with :func:`excluded_rows`.

    Attributes
    ----------
    source : str
        The file as given (or "the DataFrame").
    table : str
        The canonical table.
    where : {"line", "row", "index"}
        How rows are numbered: lines of a CSV file or Excel sheet, rows of a
        Parquet file (1 = first), index labels of a DataFrame.
    rows_read : int
        Data rows in the source (blank lines not counted).
    excluded : tuple of ExcludedRow
        The rows that were not loaded.
    raw_columns : tuple of str
        The source's own headers, in its order.
    findings : tuple of (str, str)
        What to check although nothing was excluded for it: possible double
        exports, suspected duplicate ids, merged ids, placeholder ids.
    identity : tuple of tuple of str
        Groups of ids that differ only by case, spacing, invisible characters,
        fullwidth forms or Latin/Cyrillic look-alikes (suspected duplicates).
    amount_column : str or None
        The column whose excluded share is stated (orders: ``revenue``).
    amount_loaded : float
        Sum of ``amount_column`` over the loaded rows.
    read_as : tuple of (str, str)
        How the source was read (format, encoding, delimiter, header line, ...).
    """

    source: str
    table: str
    where: str
    rows_read: int
    excluded: tuple[ExcludedRow, ...] = ()
    raw_columns: tuple[str, ...] = ()
    read_as: tuple[tuple[str, str], ...] = ()
    findings: tuple[tuple[str, str], ...] = ()
    identity: tuple[tuple[str, ...], ...] = ()
    amount_column: str | None = None
    amount_loaded: float = 0.0

    def to_dict(self) -> dict:
        """The report as plain JSON-compatible data (what ``df.attrs`` holds)."""
        return {
            "version": 2,
            "source": self.source,
            "table": self.table,
            "where": self.where,
            "rows_read": self.rows_read,
            "raw_columns": list(self.raw_columns),
            "read_as": [list(item) for item in self.read_as],
            "excluded": {
                "line": [e.line for e in self.excluded],
                "reason": [e.reason for e in self.excluded],
                "column": [e.column for e in self.excluded],
                "value": [e.value for e in self.excluded],
                "raw": [list(e.raw) for e in self.excluded],
                "first_line": [e.first_line for e in self.excluded],
                "amount": [e.amount for e in self.excluded],
            },
            "findings": [list(item) for item in self.findings],
            "identity": [list(group) for group in self.identity],
            "amount_column": self.amount_column,
            "amount_loaded": self.amount_loaded,
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> LoadReport:
        """The report back from :meth:`to_dict` data."""
        ex = data["excluded"]
        amounts = ex.get("amount") or [None] * len(ex["line"])
        rows = tuple(
            ExcludedRow(line, reason, column, value, tuple(raw), first, amount)
            for line, reason, column, value, raw, first, amount in zip(
                ex["line"], ex["reason"], ex["column"], ex["value"], ex["raw"], ex["first_line"], amounts
            )
        )
        return cls(
            source=data["source"],
            table=data["table"],
            where=data["where"],
            rows_read=data["rows_read"],
            excluded=rows,
            raw_columns=tuple(data["raw_columns"]),
            read_as=tuple(tuple(item) for item in data["read_as"]),
            findings=tuple(tuple(item) for item in data.get("findings", ())),
            identity=tuple(tuple(group) for group in data.get("identity", ())),
            amount_column=data.get("amount_column"),
            amount_loaded=float(data.get("amount_loaded", 0.0)),
        )

    @property
    def amount_excluded(self) -> float:
        """Sum of the amounts of excluded rows that are lost to the analyses (totals lines, repeated
        headers and double exports dropped on request are not: their amounts are counted elsewhere)."""
        return float(sum(e.amount for e in self.excluded if e.amount is not None and e.reason not in _NOT_LOST))

    @property
    def amount_unknown(self) -> int:
        """Excluded rows (lost to the analyses) whose amount cannot be read at all."""
        if self.amount_column is None:
            return 0
        return sum(e.amount is None and e.reason not in _NOT_LOST for e in self.excluded)

    @property
    def share_excluded(self) -> float:
        """Share of the amount excluded: ``amount_excluded / (amount_loaded + amount_excluded)``, by
        absolute values so that returns do not cancel sales (0 when the table has no amount)."""
        if self.amount_column is None:
            return 0.0
        lost = sum(abs(e.amount) for e in self.excluded if e.amount is not None and e.reason not in _NOT_LOST)
        total = abs(self.amount_loaded) + lost
        return float(lost / total) if total else 0.0

    @property
    def rows_excluded(self) -> int:
        """How many rows were excluded."""
        return len(self.excluded)

    @property
    def rows_loaded(self) -> int:
        """How many rows the returned frame has."""
        return self.rows_read - len(self.excluded)

    @property
    def counts(self) -> dict[str, int]:
        """Excluded rows per reason (the reason labels of :func:`excluded_rows`)."""
        out: dict[str, int] = {}
        for (reason, _column), rows in _groups(self.excluded):
            label = _reason_label(reason)
            out[label] = out.get(label, 0) + len(rows)
        return out

    def summary(self) -> pd.DataFrame:
        """Excluded rows per reason and column, with the first line numbers."""
        records = [
            {
                "reason": _reason_label(reason),
                "column": column,
                "rows": len(rows),
                "first": ", ".join(str(r.line) for r in rows[:_SHOW]),
            }
            for (reason, column), rows in _groups(self.excluded)
        ]
        frame = pd.DataFrame(records, columns=["reason", "column", "rows", "first"])
        return frame.astype({"reason": _TEXT_DTYPE, "column": _TEXT_DTYPE, "rows": "int64", "first": _TEXT_DTYPE})

    def excluded_frame(self) -> pd.DataFrame:
        """The excluded rows as a DataFrame (what :func:`excluded_rows` returns)."""
        fixed = ["line", "reason", "column", "value"]
        raw_names = []
        for name in self.raw_columns:
            name = f"{name}_raw" if name in fixed else name
            while name in raw_names or name in fixed:
                name = f"{name}_"
            raw_names.append(name)
        rows = [(e.line, _reason_label(e.reason), e.column, e.value, *e.raw) for e in self.excluded]
        frame = pd.DataFrame(rows, columns=fixed + raw_names)
        if self.where != "index":
            frame["line"] = frame["line"].astype("int64")
        return frame.astype({c: _TEXT_DTYPE for c in frame.columns[1:]})

    def __repr__(self) -> str:
        out = [
            t("load.report_title", file=self.source, table=self.table),
            "  " + t("load.report_rows", total=self.rows_read, loaded=self.rows_loaded, n=self.rows_excluded),
        ]
        if self.excluded:
            for (reason, column), rows in _groups(self.excluded):
                out.append(
                    "  - "
                    + t(
                        "load.report_group" if column else "load.report_group_row",
                        reason=_reason_label(reason),
                        column=column,
                        n=len(rows),
                        where=_where_word(self.where, len(rows)),
                        lines=_first_lines(rows),
                    )
                )
        else:
            out.append("  " + t("load.report_none"))
        if self.amount_column is not None:
            out.append("  " + t("read.report_amount", column=self.amount_column, loaded=_fmt(self.amount_loaded),
                                excluded=_fmt(self.amount_excluded), share=f"{self.share_excluded:.1%}"))
            if self.amount_unknown:
                out.append("  " + t("read.report_amount_unknown", n=self.amount_unknown))
        if self.findings:
            out.append("  " + t("read.report_findings"))
            out.extend("    " + t(f"read.finding_{key}", value=value) for key, value in self.findings)
        if self.read_as:
            out.append("  " + t("load.report_read_as"))
            out.extend("    " + _read_as_text(key, value, self.where) for key, value in self.read_as)
        if self.excluded:
            out.append("  " + t("load.report_hint"))
        return "\n".join(out)

    __str__ = __repr__

    def _repr_pretty_(self, p, cycle) -> None:  # IPython / Jupyter
        p.text(repr(self))


def _fmt(x: float) -> str:
    return f"{x:,.2f}".replace(",", "\u202f")


class _AttrsReport(dict):
    """The report as stored in ``df.attrs``: plain JSON-compatible data (``to_parquet`` writes
    attrs as JSON), shared rather than copied when pandas deep-copies attrs (it does so in many
    operations, and the report may list many rows). Nothing in kamlib changes it after reading."""

    def __copy__(self) -> _AttrsReport:
        return self

    def __deepcopy__(self, memo: dict) -> _AttrsReport:
        return self


def _reason_label(reason: str) -> str:
    return t(f"load.reason_{reason}")


def _where_word(where: str, n: int) -> str:
    """ "line"/"lines", "row"/"rows" or "index"/"index labels" for ``n`` places."""
    singular, plural = {"line": ("line", "lines"), "row": ("row", "rows"), "index": ("index", "indexes")}[where]
    return t(f"load.{singular if n == 1 else plural}")


def _first_lines(rows: list[ExcludedRow]) -> str:
    text = ", ".join(str(r.line) for r in rows[:_SHOW])
    return text + (", " + t("load.more") if len(rows) > _SHOW else "")


def _groups(excluded: tuple[ExcludedRow, ...]) -> list[tuple[tuple[str, str], list[ExcludedRow]]]:
    """Excluded rows grouped by (reason, column), in order of first appearance in the source."""
    groups: dict[tuple[str, str], list[ExcludedRow]] = {}
    for row in excluded:
        groups.setdefault((row.reason, row.column), []).append(row)
    return list(groups.items())


def _read_as_text(key: str, value: str, where: str) -> str:
    if key.startswith("dates_"):
        kind = key[len("dates_") :]
        fmt = t(f"load.date_{kind}") if kind in ("iso", "dotted", "mixed") else kind
        return t("load.detected_dates", format=fmt, value=value)
    return t(f"load.detected_{key}", value=value, where=t(f"load.{where}"))


# ----------------------------------------------------------------------------------------------
# public readers
# ----------------------------------------------------------------------------------------------

# formats an export may use that the reader does not take by itself (tried on the values shown)
_DATE_FORMATS = ("%d.%m.%y", "%d/%m/%Y", "%m/%d/%Y", "%d/%m/%y", "%m/%d/%y", "%Y/%m/%d", "%d-%m-%Y", "%Y.%m.%d",
                 "%Y%m%d", "%d.%m.%Y %H:%M", "%d.%m.%Y %H:%M:%S")


def _bad_date_valid(values: list) -> str:
    """What would be valid for cells that are not dates: the usual two forms, and the
    ``date_format=`` that reads every example shown, when one does (two when both do)."""
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    fits = []
    for fmt in _DATE_FORMATS:
        try:
            for text in texts:
                _dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        fits.append(fmt)
    if not texts or not fits:
        return t("load.valid_bad_date")
    if len(fits) == 1:
        return t("load.valid_bad_date_guess", fmt=fits[0])
    return t("load.valid_bad_date_guesses", fmt=fits[0], other=fits[1])


def _details(report: LoadReport) -> str:
    parts = []
    comma_columns = {c.strip() for key, value in report.read_as if key == "decimal_comma" for c in value.split(",")}
    for (reason, column), rows in _groups(report.excluded):
        examples = []
        for row in rows[:_EXAMPLES]:
            shown = f'"{row.value}"' if row.value is not None else t("load.empty_value")
            if reason == "duplicate_id":
                shown = t("load.first_at", value=shown, where=t(f"load.{report.where}"), line=row.first_line)
            examples.append(shown)
        valid = {
            "missing_id": lambda: t("load.valid_missing_id", column=column),
            "missing_value": lambda: t("load.valid_missing_value", column=column),
            "duplicate_id": lambda: t("load.valid_duplicate_id", column=column, where=t(f"load.{report.where}")),
            # the examples use the column's own decimal separator: "1,5" is not valid where "." is
            "bad_number": lambda: t("load.valid_bad_number_comma" if column in comma_columns
                                    else "load.valid_bad_number"),
            "out_of_range": lambda: t(
                "load.valid_out_of_range",
                low=_RANGES[(report.table, column)][0],
                high=_RANGES[(report.table, column)][1],
            ),
            "bad_date": lambda: _bad_date_valid([row.value for row in rows[:_EXAMPLES]]),
        }.get(reason, lambda: t(f"load.valid_{reason}"))()
        parts.append(
            t(
                "load.group" if column else "load.group_row",
                reason=_reason_label(reason),
                column=column,
                n=len(rows),
                where=_where_word(report.where, len(rows)),
                lines=_first_lines(rows),
                examples=", ".join(examples),
                valid=valid,
            )
        )
    return "; ".join(parts)


def _act_on_exclusions(report: LoadReport, on_error: str, *, is_file: bool) -> None:
    if not report.excluded:
        return
    details = _details(report)
    first_column, first_rows = next(
        ((column, [r.line for r in rows[:_SHOW]]) for (_reason, column), rows in _groups(report.excluded))
    )
    error_file = report.source if is_file else None
    if report.rows_loaded == 0:
        raise KamDataError(
            t("load_errors.all_excluded", file=report.source, total=report.rows_read, details=details),
            file=error_file,
            column=first_column or None,
            rows=first_rows,
        )
    if on_error == "raise":
        raise KamDataError(
            t(
                "load_errors.rows_excluded",
                file=report.source,
                n=report.rows_excluded,
                total=report.rows_read,
                details=details,
            ),
            file=error_file,
            column=first_column or None,
            rows=first_rows,
        )
    if on_error == "warn":
        message = t(
            "load.warning",
            file=report.source,
            n=report.rows_excluded,
            total=report.rows_read,
            loaded=report.rows_loaded,
            details=details,
        )
        warnings.warn(message, KamDataWarning, stacklevel=_outside_kamlib())


_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent.parent) + os.sep  # kamlib/


def _outside_kamlib() -> int:
    """``stacklevel`` for a warning issued by the caller of this function: the first frame outside kamlib."""
    frame = sys._getframe(1)  # the function that calls warnings.warn
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    return level

"""Step 6: say it at the top -- the load summary before any analysis, the excluded-amount rule,
and the check of an as-of date against the data.

Examples
--------
>>> import pandas as pd
>>> from kamlib.data.read import read_orders
>>> raw = pd.DataFrame({"date": ["2025-01-05", "2025-01-06", "someday"],
...                     "client_id": ["C1", "C2", "C3"], "revenue": ["90", "5", "5"]})
>>> orders = read_orders(raw, on_error="exclude")
>>> print(load_summary(orders))
Data loaded
  the DataFrame (orders): 3 lines read, 2 loaded, 1 excluded; 5.0% of revenue excluded (5.00)
>>> check_excluded(orders, limit=0.10)   # 5 % is under the limit: nothing happens
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..._errors import KamArgumentError, KamDataError, KamDataWarning
from ...labels import t
from ._report import LoadReport, _fmt, _outside_kamlib

__all__ = ["LoadSummary", "load_summary", "check_excluded", "check_as_of", "EXCLUDED_LIMIT", "AS_OF_SLACK_DAYS"]

EXCLUDED_LIMIT = 0.05
"""Share of the amount (orders: revenue) whose exclusion stops ``kam report`` (the course's choice:
above 5 % the figures are no longer the company's)."""

AS_OF_SLACK_DAYS = 92
"""Days an as-of date may lie after the last order before :func:`check_as_of` warns (a quarter:
an export is rarely older than that when it is analysed)."""


def _reports(items: Sequence[object]) -> list[LoadReport]:
    from . import load_report

    out = []
    for item in items:
        if item is None:
            continue
        if isinstance(item, dict):  # a Dataset (kamlib.read_folder): every table it holds
            out.extend(_reports([v for v in item.values() if isinstance(v, pd.DataFrame)]))
            continue
        out.append(item if isinstance(item, LoadReport) else load_report(item))
    return out


@dataclass(frozen=True)
class LoadSummary:
    """Lines read, loaded and excluded per source, and the share of the amount excluded.

    Prints as text; shows as a small HTML block in a notebook.
    """

    reports: tuple[LoadReport, ...]

    @property
    def share_excluded(self) -> float:
        """The largest share of an amount excluded among the sources (0 when none has an amount)."""
        return max((r.share_excluded for r in self.reports), default=0.0)

    def lines(self) -> list[str]:
        out = []
        for r in self.reports:
            text = t("read.summary_line", file=r.source, table=r.table, read=f"{r.rows_read:,}",
                     loaded=f"{r.rows_loaded:,}", excluded=f"{r.rows_excluded:,}")
            if r.amount_column is not None:
                text += "; " + t("read.summary_amount", share=f"{r.share_excluded:.1%}", column=r.amount_column,
                                 amount=_fmt(r.amount_excluded))
            out.append(text)
            if r.findings:
                out.append("  " + t("read.summary_findings", items="; ".join(
                    t(f"read.finding_{k}", value=v) for k, v in r.findings)))
        return out

    def __repr__(self) -> str:
        return "\n".join([t("read.summary_title")] + ["  " + line for line in self.lines()])

    __str__ = __repr__

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.lines())
        return f'<div class="kam-load-summary"><strong>{html.escape(t("read.summary_title"))}</strong><ul>{items}</ul></div>'


def load_summary(*frames: pd.DataFrame | LoadReport | None) -> LoadSummary:
    """The load summary of frames a ``kamlib`` reader returned: show it before any analysis.

    Parameters
    ----------
    *frames : DataFrame, LoadReport or Dataset
        Frames returned by the readers (or their reports), or a whole
        :func:`kamlib.read_folder` dataset (``kamlib.load_summary(data)`` in a
        notebook); None is skipped.

    Returns
    -------
    LoadSummary
        Prints as text, shows as HTML in a notebook; ``.share_excluded``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib.data.read import read_orders
    >>> orders = read_orders(pd.DataFrame({"date": ["2025-01-05"], "client_id": ["C1"], "revenue": ["10"]}))
    >>> load_summary(orders).share_excluded
    0.0
    """
    return LoadSummary(tuple(_reports(frames)))


def check_excluded(*frames: pd.DataFrame | LoadReport | None, limit: float = EXCLUDED_LIMIT) -> None:
    """Raise :class:`KamDataError` when more than ``limit`` of a source's amount was excluded.

    ``limit`` defaults to :data:`EXCLUDED_LIMIT` (5 %, the course's choice). Totals lines,
    repeated headers and double exports dropped on request do not count: their amounts are
    not lost. ``kam report`` calls this unless ``--allow-excluded`` is given.
    """
    if not (isinstance(limit, (int, float)) and 0 <= limit <= 1):
        raise KamArgumentError(t("errors.bad_argument", argument="limit", value=limit, valid="a share from 0 to 1"))
    for r in _reports(frames):
        if r.amount_column is not None and r.share_excluded > limit:
            reasons = ", ".join(f"{k}: {v}" for k, v in r.counts.items())
            raise KamDataError(
                t("read.too_much_excluded", file=r.source, share=f"{r.share_excluded:.1%}", column=r.amount_column,
                  limit=f"{limit:.0%}", reasons=reasons),
                file=r.source,
                column=r.amount_column,
                rows=[e.line for e in r.excluded[:5]],
            )


def check_as_of(orders: pd.DataFrame, as_of: object, *, slack_days: int = AS_OF_SLACK_DAYS) -> str | None:
    """Warn (:class:`KamDataWarning`) when ``as_of`` lies more than ``slack_days`` after the last order.

    An as-of date long after the export ends makes every client look lapsed. Returns the
    message (None when the date is fine), so a CLI or a notebook can show it too.

    Examples
    --------
    >>> import pandas as pd, warnings
    >>> orders = pd.DataFrame({"date": pd.to_datetime(["2025-01-05", "2025-03-31"])})
    >>> check_as_of(orders, "2025-04-30") is None
    True
    >>> with warnings.catch_warnings(record=True):
    ...     message = check_as_of(orders, "2026-03-31")
    >>> message.split(";")[0]
    'as_of 2026-03-31 is 365 days after the last order (2025-03-31)'
    """
    if "date" not in orders or not len(orders):
        return None
    last = pd.Timestamp(orders["date"].max())
    try:
        stamp = pd.Timestamp(as_of).normalize()
    except (TypeError, ValueError):
        raise KamArgumentError(t("errors.bad_argument", argument="as_of", value=as_of, valid="a date")) from None
    if pd.isna(last):
        return None
    days = int((stamp - last.normalize()).days)
    if days <= slack_days:
        return None
    message = t("read.as_of_late", as_of=stamp.strftime("%Y-%m-%d"), days=days, last=last.strftime("%Y-%m-%d"))
    warnings.warn(message, KamDataWarning, stacklevel=_outside_kamlib())
    return message

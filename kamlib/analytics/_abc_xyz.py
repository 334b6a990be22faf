"""ABC-XYZ analysis of clients (module M3 of the course, source 004).

ABC ranks clients by value (revenue or margin) and cuts the ranking where the
cumulative share reaches 80 % and 95 %; XYZ groups them by how regular their
purchases are, measured by the coefficient of variation (CV) of their
per-period purchases. The nine cells AX … CZ each get an account strategy.

Everything is computed with NumPy over whole-number client and period codes
(:mod:`kamlib.analytics._prep`): ten million order lines take 1.4–1.8 s on two
cores (``bench/README.md``), and there is no Python loop over clients.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from .._errors import KamArgumentError
from .._validate import check_choice, check_number
from ..labels import t
from ._prep import (
    check_cutoffs,
    check_period,
    check_window,
    _fixed_width_codes,
    client_order,
    client_sort,
    client_sort_of,
    period_labels,
    prepare_lines,
    shared_codes,
    to_timestamp,
)

__all__ = [
    "abc_xyz",
    "abc_xyz_matrix",
    "AbcXyzMatrix",
    "cell_strategy",
    "cell_strategies",
    "class_migration",
    "ClassMigration",
]

_TOL = 1e-9
"""Cumulative shares and CVs within this distance of a cut-off count as *on* it
(sums of decimal amounts in floating point land a hair off, e.g. 0.1 + 0.2)."""

_DENSE_CELLS = 40_000_000
"""Up to this many client × period cells, per-cell sums use one dense ``np.bincount``."""

_ABC_KEYS = ("a", "b", "c")
_XYZ_KEYS = ("x", "y", "z")
_CELL_KEYS = tuple(a.upper() + x.upper() for a in _ABC_KEYS for x in _XYZ_KEYS)


def _abc_labels() -> list[str]:
    return [t(f"abc.{k}") for k in _ABC_KEYS]


def _xyz_labels() -> list[str]:
    return [t(f"xyz.{k}") for k in _XYZ_KEYS]


def _check_value(value: object) -> str:
    return check_choice(value, "value", ("revenue", "margin"))  # type: ignore[return-value]


_PERIOD_NAMES = {"month": "M", "quarter": "Q", "week": "W"}
_DEFAULT_XYZ = {"cv": (0.10, 0.25), "frequency": (1 / 3, 0.75)}
_HALF_YEAR = {"M": 6, "Q": 2, "W": 26}
DOMINANT_SHARE = 0.90
"""One XYZ class holding at least this share of the classed clients makes the result carry a note."""


def _check_period_name(period: object) -> str:
    """``"month"``/``"quarter"``/``"week"`` or the short codes ``"M"``/``"Q"``/``"W"`` (``"ME"``/``"QE"``)."""
    if isinstance(period, str) and period.strip().lower() in _PERIOD_NAMES:
        return _PERIOD_NAMES[period.strip().lower()]
    return check_period(period)


def window_start(as_of: pd.Timestamp, months: int | None) -> pd.Timestamp | None:
    """First day of the window of ``months`` whole calendar months ending with the month of ``as_of``.

    >>> window_start(pd.Timestamp("2025-12-31"), 12).date()
    datetime.date(2025, 1, 1)
    >>> window_start(pd.Timestamp("2025-12-31"), None) is None
    True
    """
    if months is None:
        return None
    return (as_of.to_period("M") - (months - 1)).start_time


def window_text(start: pd.Timestamp | None, end: pd.Timestamp, months: int | None = None,
                first: pd.Timestamp | None = None) -> str:
    """The window in words, e.g. "12 month(s) 2025-01-01 – 2025-12-31" (``first``: first date when no start)."""
    if start is None:
        shown = first.date() if first is not None and not pd.isna(first) else "…"
        return t("window.all_history", start=shown, end=end.date())
    if months is not None:
        return t("window.months", months=months, start=start.date(), end=end.date())
    return t("window.since", start=start.date(), end=end.date())


def _window_lines(lines: Any, start: pd.Timestamp) -> tuple[Any, np.ndarray]:
    """The lines on or after ``start`` as a new :class:`Lines`, and per kept client whether it bought before.

    A client with lines before ``start`` was already a client when the window opened:
    its XYZ window is the whole analysis window, not just the periods since its first
    purchase inside it.
    """
    from ._prep import Lines

    start_day = int((start.normalize() - pd.Timestamp("1970-01-01")).days)
    inside = lines.day >= start_day
    before = np.bincount(lines.codes[~inside], minlength=lines.n_clients) > 0
    codes = lines.codes[inside]
    present = np.bincount(codes, minlength=lines.n_clients) > 0
    new_code = np.cumsum(present) - 1
    positions = np.flatnonzero(present) if lines.positions is None else lines.positions[present]
    out = Lines(codes=new_code[codes], clients=lines.clients[present], stamp=lines.stamp[inside], unit=lines.unit,
                values={k: v[inside] for k, v in lines.values.items()}, all_clients=lines.all_clients,
                positions=positions)
    out.first_day, out.last_day = start_day, lines.last_day
    return out, before[present]


def abc_xyz(
    orders: pd.DataFrame,
    value: Literal["revenue", "margin"] = "revenue",
    abc: tuple[float, float] = (0.80, 0.95),
    xyz: tuple[float, float] | None = None,
    period: str = "month",
    *,
    as_of: object,
    months: int | None = 12,
    method: Literal["frequency", "cv"] = "frequency",
    min_periods: int | None = None,
    ddof: int = 0,
    start: object | None = None,
    cumulative: Literal["including", "before"] = "including",
) -> pd.DataFrame:
    """ABC class by value, XYZ class by regularity, and the cell AX … CZ of each client.

    Parameters
    ----------
    orders : DataFrame
        Order lines with the canonical columns ``client_id``, ``date``, ``revenue``
        (and ``cost`` for ``value="margin"``). Returns are negative lines.
    value : {"revenue", "margin"}
        What ABC ranks by: net revenue, or margin = revenue − cost (source 004:
        "by sales volume or by profitability"). XYZ measures the regularity of
        the same value.
    abc : (float, float)
        Cumulative-share cut-offs of classes A and B; C is the rest. Default
        ``(0.80, 0.95)``: the course's choice (the usual Pareto split; source 004
        names the classes but gives no cut-offs).
    xyz : (float, float), optional
        The XYZ cut-offs of ``method``. Default by method:

        - ``"frequency"``: ``(1/3, 0.75)`` — X if the client bought in at least
          three periods of four (9 of 12 months), Y if in at least one of three
          (4 of 12 months, about once a quarter), Z below. Course choice, checked
          on two data sets: the sample (wholesale, monthly buyers) splits
          X 78 % / Y 12 % / Z 10 %, the CDNOW shop (occasional consumer buyers)
          X 2 % / Y 20 % / Z 78 % — both separate; see ``notebooks/03_abc_xyz.ipynb``.
        - ``"cv"``: ``(0.10, 0.25)`` — X if CV < 10 %, Y if 10 % ≤ CV ≤ 25 %,
          Z above (a common textbook choice; 15/50 % is also published for
          erratic wholesale demand).
    period : {"month", "quarter", "week"}
        Length of the periods XYZ counts in (``"M"``, ``"Q"``, ``"W"``, ``"ME"``,
        ``"QE"`` are accepted too). Default month.
    as_of : date
        Required. The last day of the window; lines after it are left out.
    months : int or None
        The window: the last ``months`` whole calendar months up to and including
        the month of ``as_of``. Default 12 (the last year), so a client who stopped
        buying two years ago is not ranked on old revenue. ``None`` = all history
        up to ``as_of``.
    method : {"frequency", "cv"}
        How XYZ measures regularity. ``"frequency"`` (default): the share of the
        client's periods in which it bought — source 004 divides clients by how
        *often* they buy. ``"cv"``: the coefficient of variation of the
        per-period sums — the common textbook XYZ, which measures how *even* the
        amounts are; on shop-like data with few purchases a client almost always
        comes out Z, so it separates only steady buyers.
    min_periods : int, optional
        A client whose XYZ window has fewer periods gets the XYZ class
        "insufficient history", never X. Default: half a year — 6 months,
        2 quarters or 26 weeks.
    ddof : {0, 1}
        For the CV: 0 = population standard deviation (default: the window is all
        the periods there are, not a sample), 1 = sample standard deviation.
    start : date, optional
        An explicit first day of the window; when given, ``months`` is not used.
    cumulative : {"including", "before"}
        "including" (default, the issue's rule): the class comes from the
        cumulative share *including* the client — A if it is ≤ 80 %, B if ≤ 95 %.
        "before": from the share of the clients ranked *above* it — A while that
        is below 80 %, so the client that crosses 80 % is still A. Only "before"
        guarantees that a client whose value falls never climbs a class.

    Returns
    -------
    DataFrame
        One row per client that has lines in the window: ranked clients in rank
        order, then the clients that are not ranked. Columns:

        - ``client_id``; ``revenue`` or ``margin``: the client's total in the window;
        - ``share``, ``cum_share``: share of the total of all ranked clients and
          the cumulative share including this client;
        - ``rank`` (1 = largest), ``abc``;
        - ``first_period``: the first period of the client's XYZ window (its
          first purchase, or the window's first period if it bought before);
          ``n_periods``: periods from it to the ``as_of`` period inclusive;
        - ``active_periods`` and ``frequency``: periods with a purchase (a
          positive net sum) and their share of ``n_periods``;
        - ``mean``, ``sd``, ``cv``: mean, standard deviation and their ratio of the
          per-period sums over those ``n_periods`` (empty periods count as 0);
        - ``xyz``: X, Y, Z or "insufficient history" (by ``method``); ``cell``: e.g.
          "AX", or "A (insufficient history)";
        - ``ranked``: False for clients with a total of zero or less (after returns).
          They are not ranked: ``share``, ``cum_share``, ``rank``, ``frequency``
          and ``cv`` are empty and ``abc``, ``xyz``, ``cell`` read "not ranked".

        ``result.attrs["abc_xyz"]`` keeps the settings used (value, cut-offs,
        method, period, window, …) for :func:`abc_xyz_matrix`, the plots and the
        Excel export; ``result.attrs["window"]`` is the window in words and
        ``result.attrs["notes"]`` a list of notes: when one XYZ class holds at
        least 90 % of the classed clients, a note says so and names the method
        and period that would separate them.

    Raises
    ------
    KamDataError
        A required column is missing, or holds text or empty cells (the message
        names the first rows).
    KamArgumentError
        A cut-off, ``period``, ``method``, ``months``, ``value``, ``min_periods``,
        ``ddof``, ``as_of`` or ``start`` is not valid.

    See Also
    --------
    abc_xyz_matrix : the 3×3 counts and value shares.
    cell_strategy : the account strategy for a cell.
    class_migration : how clients moved between cells from one window to the next.

    Notes
    -----
    *Ranking and ties.* Clients are sorted by value, largest first; equal values
    are ordered by ``client_id`` ascending, so the result does not depend on the
    row order of ``orders``. Values equal to 12 significant digits (of the
    largest value) count as equal, since a sum's last binary digits depend on
    the order of its terms. Clients with equal values always get the same class:
    the class of the first of them (so a tie that straddles a cut-off goes to the
    upper class). A client landing exactly on a cut-off (within 1e-9) takes the
    upper class too. With ``cumulative="including"`` the first-ranked client is
    always A, even when its own share exceeds the A cut-off — otherwise a single
    dominant client (or the only client) would be "C". The same holds for XYZ:
    equal frequencies or CVs get the same class.

    *The XYZ window* of a client runs from its first purchase (or the window's
    start, if it bought before) to the period of ``as_of``: the client's own
    active window. Periods inside it without purchases count as zeros, so a
    client who stopped buying looks irregular, and a client who started late is
    judged only on the periods since it started. ``as_of`` inside a period makes
    that last period partial; choose a period end (e.g. a month end).

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "client_id": ["a", "a", "b", "b", "c", "d"],
    ...     "date": pd.to_datetime(["2025-01-10", "2025-02-10", "2025-01-05",
    ...                             "2025-02-05", "2025-02-20", "2025-02-21"]),
    ...     "revenue": [40.0, 40.0, 10.0, 5.0, 5.0, -1.0]})
    >>> r = abc_xyz(orders, as_of="2025-02-28", min_periods=2, method="cv")
    >>> r[["client_id", "revenue", "cum_share", "abc", "n_periods", "cv"]]
      client_id  revenue  cum_share         abc  n_periods        cv
    0         a     80.0       0.80           A          2  0.000000
    1         b     15.0       0.95           B          2  0.333333
    2         c      5.0       1.00           C          1  0.000000
    3         d     -1.0        NaN  not ranked          1       NaN
    >>> r["cell"].tolist()
    ['AX', 'BZ', 'C (insufficient history)', 'not ranked']
    >>> r.attrs["window"]
    '12 month(s) 2024-03-01 – 2025-02-28'
    >>> abc_xyz(orders, as_of="2025-02-28", min_periods=2)[["client_id", "frequency", "xyz"]].head(2)
      client_id  frequency xyz
    0         a        1.0   X
    1         b        1.0   X
    """
    value = _check_value(value)
    method = check_choice(method, "method", ("frequency", "cv"))  # type: ignore[assignment]
    a_cut, b_cut = check_cutoffs(abc, "abc", "(0.80, 0.95)")
    default_xyz = _DEFAULT_XYZ[method]
    x_cut, y_cut = (default_xyz if xyz is None else
                    check_cutoffs(xyz, "xyz", "(0.10, 0.25)" if method == "cv" else "(0.33, 0.75)"))
    period = _check_period_name(period)
    if min_periods is None:
        min_periods = _HALF_YEAR[period]
    min_periods = int(check_number(min_periods, "min_periods", minimum=1, integer=True))
    check_choice(ddof, "ddof", (0, 1))
    check_choice(cumulative, "cumulative", ("including", "before"))
    start_ts, as_of_ts = check_window(start, as_of)
    if start_ts is not None:
        months = None  # an explicit start sets the window
    elif months is not None:
        months = int(check_number(months, "months", minimum=1, integer=True))
        start_ts = window_start(as_of_ts, months)

    columns = ("revenue", "cost") if value == "margin" else ("revenue",)
    lines = prepare_lines(orders, as_of=as_of_ts, columns=columns)
    first_date = (pd.Timestamp(int(lines.day.min()), unit="D") if len(lines.codes) else None)
    if start_ts is not None:
        lines, before = _window_lines(lines, start_ts)
    else:
        before = np.zeros(lines.n_clients, dtype=bool)
    v = lines.values["revenue"]
    if value == "margin":
        v = v - lines.values["cost"]

    window = window_text(start_ts, as_of_ts, months, first_date)
    settings = {
        "value": value, "abc": (a_cut, b_cut), "xyz": (x_cut, y_cut), "method": method, "period": period,
        "as_of": as_of_ts, "start": start_ts, "months": months, "window": window,
        "min_periods": min_periods, "ddof": ddof, "cumulative": cumulative,
    }
    stats = _client_stats(lines, v, period, ddof, before)
    result = _classify(lines.clients, stats, value, (a_cut, b_cut), (x_cut, y_cut), min_periods, cumulative,
                       period, method, by_id=client_sort_of(lines))
    result.attrs["abc_xyz"] = settings
    result.attrs["window"] = window
    notes = []
    note = _dominance_note(result, lines, v, settings, ddof, stats)
    if note:
        notes.append(note)
    result.attrs["notes"] = notes
    return result


def _client_stats(lines: Any, v: np.ndarray, period: str, ddof: int,
                  before: np.ndarray | None = None) -> dict[str, Any]:
    """Per client: total, first period, window length, active periods, mean and sd of per-period sums.

    Vectorised over client × period cells: one number ``client * n + period``
    per line, summed with ``np.bincount``. ``before`` marks clients whose window
    starts with the analysis window (they bought before it).
    """
    n = lines.n_clients
    index, p0, n_p = lines.period_index(period)
    if n == 0:
        empty = np.zeros(0)
        return {"total": empty, "first": empty.astype(np.int64), "n_window": empty.astype(np.int64),
                "mean": empty, "sd": empty, "active": empty.astype(np.int64), "p0": p0}
    key = lines.codes.astype(np.int64) * n_p
    key += index  # one number per client × period cell, client-major
    del index
    if n * n_p <= _DENSE_CELLS:
        lines_per_cell = np.bincount(key, minlength=n * n_p)
        cells = np.flatnonzero(lines_per_cell)  # sorted: client by client, period by period
        cell_sum = np.bincount(key, weights=v, minlength=n * n_p)[cells]
    else:
        cells, inverse = np.unique(key, return_inverse=True)
        cell_sum = np.bincount(inverse.ravel(), weights=v, minlength=len(cells))
    cell_client = cells // n_p
    cell_period = cells - cell_client * n_p

    cells_per_client = np.bincount(cell_client, minlength=n)
    first_cell = np.concatenate(([0], np.cumsum(cells_per_client)[:-1]))
    first = cell_period[first_cell]
    if before is not None:
        first = np.where(before, 0, first)
    n_window = n_p - first
    total = np.bincount(cell_client, weights=cell_sum, minlength=n)
    active = np.bincount(cell_client, weights=(cell_sum > 0), minlength=n).astype(np.int64)
    mean = total / n_window
    dev = cell_sum - mean[cell_client]
    # two-pass sum of squares: deviations of the periods with lines, plus the empty periods (value 0)
    ss = np.bincount(cell_client, weights=dev * dev, minlength=n) + (n_window - cells_per_client) * mean**2
    denom = n_window - ddof
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.where(denom > 0, np.sqrt(ss / np.maximum(denom, 1)), np.nan)
    return {"total": total, "first": first, "n_window": n_window, "mean": mean, "sd": sd, "active": active,
            "p0": p0}


def _xyz_index(stats: dict[str, Any], method: str, cuts: tuple[float, float], min_periods: int) -> np.ndarray:
    """XYZ class codes: 0 X, 1 Y, 2 Z, 3 insufficient history, 4 not ranked."""
    total, mean, sd, n_window = stats["total"], stats["mean"], stats["sd"], stats["n_window"]
    ranked = total > 0
    lo, hi = cuts
    if method == "cv":
        with np.errstate(invalid="ignore", divide="ignore"):
            measure = np.where(ranked, sd / np.where(ranked, mean, 1.0), np.nan)
        idx = np.where(measure < lo - _TOL, 0, np.where(measure <= hi + _TOL, 1, 2))
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            measure = np.where(ranked, stats["active"] / np.maximum(n_window, 1), np.nan)
        idx = np.where(measure >= hi - _TOL, 0, np.where(measure >= lo - _TOL, 1, 2))
    idx = np.where((n_window < min_periods) | np.isnan(measure), 3, idx)
    return np.where(ranked, idx, 4)


def _class_shares(idx: np.ndarray) -> np.ndarray | None:
    """Shares of X, Y, Z among the clients with one of them (None when there are none)."""
    counts = np.bincount(idx[idx < 3], minlength=3)
    total = counts.sum()
    return counts / total if total else None


def _dominance_note(result: pd.DataFrame, lines: Any, v: np.ndarray, settings: dict[str, Any], ddof: int,
                    stats: dict[str, Any]) -> str | None:
    """A note when one XYZ class holds ≥ 90 % of the classed clients, naming a split that separates better."""
    method, period = settings["method"], settings["period"]
    shares = _class_shares(_xyz_index(stats, method, settings["xyz"], settings["min_periods"]))
    if shares is None or shares.max() < DOMINANT_SHARE:
        return None
    classes = _xyz_labels()
    note = t("xyz_method.dominant", share=f"{shares.max():.0%}", cls=classes[int(shares.argmax())],
             method=t(f"xyz_method.{method}"), period=t(f"xyz_method.period_{period}"))
    best = None
    for alt_method in ("frequency", "cv"):
        for alt_period in ("M", "Q"):
            if (alt_method, alt_period) == (method, period):
                continue
            alt_stats = (stats if alt_period == period
                         else _client_stats(lines, v, alt_period, ddof, _before_of(stats)))
            min_p = settings["min_periods"] if alt_period == period else _HALF_YEAR[alt_period]
            alt = _class_shares(_xyz_index(alt_stats, alt_method, _DEFAULT_XYZ[alt_method], min_p))
            if alt is not None and alt.max() < DOMINANT_SHARE and (best is None or alt.max() < best[0].max()):
                best = (alt, alt_method, alt_period)
    if best is None:
        return note + " " + t("xyz_method.no_alternative")
    alt, alt_method, alt_period = best
    return note + " " + t("xyz_method.alternative", method=t(f"xyz_method.{alt_method}"),
                          period=t(f"xyz_method.period_{alt_period}"),
                          x=f"{alt[0]:.0%}", y=f"{alt[1]:.0%}", z=f"{alt[2]:.0%}")


def _before_of(stats: dict[str, Any]) -> np.ndarray:
    """Clients whose XYZ window starts with the analysis window (first window period = 0)."""
    return np.asarray(stats["first"] == 0)


def _rank_key(total: np.ndarray) -> np.ndarray:
    """Totals rounded to 12 significant digits of the largest one, for sorting.

    Sums of the same amounts added in another row order can differ in the last
    binary digits; rounding makes such totals tie, so the tie-break by client_id
    (not the row order of the table) decides between them.
    """
    top = float(np.max(np.abs(total))) if len(total) else 0.0
    if top == 0 or not np.isfinite(top):
        return total
    quantum = 10.0 ** (np.floor(np.log10(top)) - 11)
    return np.round(total / quantum)


def _value_order(clients: pd.Index, total: np.ndarray, ranked: np.ndarray,
                 by_id: np.ndarray | None = None) -> np.ndarray:
    """``np.lexsort((client_order(clients), -_rank_key(total), ~ranked))``, in fewer passes.

    The same permutation (lexsort is a stable sort key by key, the last key first): the
    clients sorted by id (``by_id``, :func:`client_sort` of ``clients`` when not given),
    then one stable sort by value, then the ranked ones moved before the others keeping
    their order.
    """
    if by_id is None:
        by_id = client_sort(clients)
    by_value = by_id[np.argsort(-_rank_key(total)[by_id], kind="stable")]
    first = ranked[by_value]
    return np.concatenate([by_value[first], by_value[~first]])


def _classify(
    clients: pd.Index,
    stats: dict[str, Any],
    value: str,
    abc: tuple[float, float],
    xyz: tuple[float, float],
    min_periods: int,
    cumulative: str,
    period: str,
    method: str = "cv",
    by_id: np.ndarray | None = None,
) -> pd.DataFrame:
    total, mean, sd, n_window = stats["total"], stats["mean"], stats["sd"], stats["n_window"]
    n = len(total)
    ranked = total > 0
    # order: ranked clients by value desc then client_id asc; then the rest the same way
    order = _value_order(clients, total, ranked, by_id)
    n_ranked = int(ranked.sum())
    top = order[:n_ranked]
    ranked_total = float(total[top].sum())

    share = np.full(n, np.nan)
    cum = np.full(n, np.nan)
    rank = np.full(n, -1, dtype=np.int64)
    abc_idx = np.full(n, 3, dtype=np.int64)  # 3 = not ranked
    if n_ranked:
        sorted_values = total[top]
        running = np.cumsum(sorted_values)
        share[top] = sorted_values / ranked_total
        cum[top] = running / ranked_total
        rank[top] = np.arange(1, n_ranked + 1)
        if cumulative == "including":
            position = cum[top]
            cls = np.where(position <= abc[0] + _TOL, 0, np.where(position <= abc[1] + _TOL, 1, 2))
            cls[0] = 0  # the largest client is A even when it alone passes the A cut-off
        else:
            above = (running - sorted_values) / ranked_total
            cls = np.where(above < abc[0] - _TOL, 0, np.where(above < abc[1] - _TOL, 1, 2))
        # ties: clients with equal values take the class of the first of them
        key = _rank_key(total)[top]
        group_start = np.concatenate(([True], key[1:] != key[:-1]))
        cls = cls[np.flatnonzero(group_start)][np.cumsum(group_start) - 1]
        abc_idx[top] = cls

    with np.errstate(invalid="ignore", divide="ignore"):
        cv = np.where(ranked, sd / np.where(ranked, mean, 1.0), np.nan)
        frequency = np.where(ranked, stats["active"] / np.maximum(n_window, 1), np.nan)
    xyz_idx = _xyz_index(stats, method, xyz, min_periods)

    abc_names = np.array([*_abc_labels(), t("abc.not_ranked")], dtype=object)
    xyz_names = np.array([*_xyz_labels(), t("abc.insufficient_history"), t("abc.not_ranked")], dtype=object)
    cell_names = np.empty((4, 5), dtype=object)
    for i, a in enumerate(abc_names[:3]):
        for j, x in enumerate(xyz_names[:3]):
            cell_names[i, j] = a + x
        cell_names[i, 3] = t("cell.insufficient", abc=a)
    cell_names[:, 4] = t("abc.not_ranked")
    cell_names[3, :] = t("abc.not_ranked")

    # the columns are built in the final order (no DataFrame.take), the class texts by one take
    # from their few labels (not a conversion of an object column per client)
    o = order
    rank_o = rank[o]
    rank_col = pd.array(np.where(rank_o > 0, rank_o, 0), dtype="Int64")
    rank_col[rank_o <= 0] = pd.NA
    abc_o, xyz_o = abc_idx[o], xyz_idx[o]

    def texts(names: np.ndarray, idx: np.ndarray) -> pd.api.extensions.ExtensionArray:
        return pd.array(names.tolist(), dtype="str").take(idx)

    return pd.DataFrame(
        {
            "client_id": clients.take(o),
            value: total[o],
            "share": share[o],
            "cum_share": cum[o],
            "rank": rank_col,
            "abc": texts(abc_names, abc_o),
            "first_period": period_labels(stats["first"][o] + stats["p0"], period),
            "n_periods": n_window[o].astype(np.int64),
            "active_periods": stats["active"][o].astype(np.int64),
            "frequency": frequency[o],
            "mean": mean[o],
            "sd": sd[o],
            "cv": cv[o],
            "xyz": texts(xyz_names, xyz_o),
            "cell": texts(cell_names.ravel(), abc_o * cell_names.shape[1] + xyz_o),
            "ranked": ranked[o],
        }
    )


# --- the 3×3 matrix -----------------------------------------------------------------


def _settings_of(result: pd.DataFrame, argument: str) -> dict[str, Any]:
    """Settings an abc_xyz result was made with (from attrs, else guessed from its columns)."""
    from .._validate import check_frame
    from .._errors import KamDataError

    check_frame(result, argument)
    for column in ("abc", "xyz", "share"):
        if column not in result.columns:
            raise KamDataError(t("class_errors.not_abc_xyz_result", argument=argument, column=column),
                               column=column)
    settings = dict(result.attrs.get("abc_xyz", {}))
    if "value" not in settings:
        settings["value"] = "margin" if "margin" in result.columns and "revenue" not in result.columns else "revenue"
    settings.setdefault("abc", (0.80, 0.95))
    settings.setdefault("xyz", (0.10, 0.25))
    return settings


@dataclass(frozen=True)
class AbcXyzMatrix:
    """The ABC-XYZ matrix: counts and value shares of the clients in each cell.

    ``counts`` and ``shares`` have the ABC classes as rows (A, B, C) and the XYZ
    classes as columns (X, Y, Z, then "insufficient history" for ranked clients
    whose history is too short to judge). ``shares`` are shares of the total
    value of all ranked clients, so they sum to 1. ``not_ranked`` counts the
    clients with a total value of zero or less, which are in no cell.
    """

    counts: pd.DataFrame
    shares: pd.DataFrame
    not_ranked: int
    value: str = "revenue"
    window: str = ""

    def _title(self) -> str:
        title = t("abc_matrix.title", value=t(f"abc_plots.value_{self.value}"),
                  n=int(self.counts.to_numpy().sum()), not_ranked=self.not_ranked)
        return f"{title} — {t('window.caption', window=self.window)}" if self.window else title

    def __repr__(self) -> str:
        value = t(f"abc_plots.value_{self.value}")
        return "\n".join([
            self._title(), "",
            t("abc_matrix.counts"), self.counts.to_string(), "",
            t("abc_matrix.shares", value=value), self.shares.round(3).to_string(),
        ])

    def _repr_html_(self) -> str:
        import html

        value = t(f"abc_plots.value_{self.value}")
        return (
            f"<p><b>{html.escape(self._title())}</b></p>"
            f"<p>{html.escape(t('abc_matrix.counts'))}</p>{self.counts.to_html()}"
            f"<p>{html.escape(t('abc_matrix.shares', value=value))}</p>{self.shares.round(3).to_html()}"
        )


def abc_xyz_matrix(result: pd.DataFrame) -> AbcXyzMatrix:
    """The 3×3 ABC-XYZ matrix of an :func:`abc_xyz` result: client counts and value shares.

    Parameters
    ----------
    result : DataFrame
        The result of :func:`abc_xyz` (all of it, or a selection of its rows).

    Returns
    -------
    AbcXyzMatrix
        ``.counts`` and ``.shares`` (rows A, B, C; columns X, Y, Z and
        "insufficient history") and ``.not_ranked``, the number of clients with
        a non-positive total, which belong to no cell.

    Raises
    ------
    KamDataError
        ``result`` lacks the ``abc``, ``xyz`` or ``share`` column.

    See Also
    --------
    abc_xyz, plot_abc_xyz_matrix, abc_xyz_to_excel

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"client_id": ["a", "a", "b", "b", "c"],
    ...     "date": pd.to_datetime(["2025-01-10", "2025-02-10", "2025-01-05", "2025-02-05", "2025-02-20"]),
    ...     "revenue": [40.0, 40.0, 10.0, 5.0, 5.0]})
    >>> m = abc_xyz_matrix(abc_xyz(orders, as_of="2025-02-28", min_periods=2))
    >>> m.counts
       X  Y  Z  insufficient history
    A  1  0  0                     0
    B  1  0  0                     0
    C  0  0  0                     1
    >>> float(m.shares.loc["A", "X"])
    0.8
    """
    settings = _settings_of(result, "result")
    rows = _abc_labels()
    cols = [*_xyz_labels(), t("abc.insufficient_history")]
    in_matrix = result.loc[result["abc"].isin(rows) & result["xyz"].isin(cols), ["abc", "xyz", "share"]]
    counts = (
        pd.crosstab(in_matrix["abc"], in_matrix["xyz"]).reindex(index=rows, columns=cols, fill_value=0)
        if len(in_matrix) else pd.DataFrame(0, index=rows, columns=cols)
    )
    shares = (
        in_matrix.pivot_table(index="abc", columns="xyz", values="share", aggfunc="sum", observed=False)
        .reindex(index=rows, columns=cols).fillna(0.0)
        if len(in_matrix) else pd.DataFrame(0.0, index=rows, columns=cols)
    )
    for frame in (counts, shares):
        frame.index.name = None
        frame.columns.name = None
    counts = counts.astype(np.int64)
    not_ranked = int((~result["abc"].isin(rows)).sum())
    return AbcXyzMatrix(counts=counts, shares=shares.astype(float), not_ranked=not_ranked, value=settings["value"],
                        window=str(settings.get("window", "")))


# --- strategies -------------------------------------------------------------------


def _cell_keys() -> dict[str, str]:
    """Cell label as shown in results (e.g. "AX") -> the key of its strategy in the labels."""
    return {a + x: key for key, (a, x) in zip(_CELL_KEYS, ((a, x) for a in _abc_labels() for x in _xyz_labels()))}


def cell_strategy(cell: str) -> str:
    """The recommended account strategy for one ABC-XYZ cell.

    The sources name no strategy per cell; this playbook is the course's: value
    (ABC) decides how much attention a client gets, regularity (XYZ) decides how
    that attention is organised (planning for X, smoothing for Y, deal-by-deal
    for Z). The texts live in ``kamlib/labels/en/analytics_classes.toml``.

    Parameters
    ----------
    cell : str
        A cell such as ``"AX"`` or ``"cz"`` (case does not matter).

    Returns
    -------
    str
        "<focus>: <what to do>".

    Raises
    ------
    KamArgumentError
        ``cell`` is not one of the nine cells.

    See Also
    --------
    cell_strategies : all nine as a table.

    Examples
    --------
    >>> cell_strategy("ax").split(":")[0]
    'Protect and deepen'
    """
    keys = _cell_keys()
    key = keys.get(cell) if isinstance(cell, str) else None
    if key is None and isinstance(cell, str):
        key = keys.get(cell.strip().upper())
    if key is None:
        raise KamArgumentError(t("class_errors.unknown_cell", value=cell, valid=", ".join(keys)))
    return f"{t(f'strategy.{key}_focus')}: {t(f'strategy.{key}')}"


def cell_strategies() -> pd.DataFrame:
    """The account strategy of all nine ABC-XYZ cells as a table.

    Returns
    -------
    DataFrame
        Columns ``cell``, ``abc``, ``xyz``, ``focus``, ``strategy``; nine rows AX … CZ.

    See Also
    --------
    cell_strategy

    Examples
    --------
    >>> table = cell_strategies()
    >>> table["cell"].tolist()
    ['AX', 'AY', 'AZ', 'BX', 'BY', 'BZ', 'CX', 'CY', 'CZ']
    >>> table.loc[8, "focus"]
    'Review and minimise cost'
    """
    rows = []
    for label, key in _cell_keys().items():
        a, x = key[0].lower(), key[1].lower()
        rows.append({"cell": label, "abc": t(f"abc.{a}"), "xyz": t(f"xyz.{x}"),
                     "focus": t(f"strategy.{key}_focus"), "strategy": t(f"strategy.{key}")})
    return pd.DataFrame(rows)


# --- migration --------------------------------------------------------------------


def _period_bounds(spec: object, argument: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``(start, end)`` dates of a period given as a pair of dates or as a pandas period string."""
    if isinstance(spec, (tuple, list)) and len(spec) == 2:
        start, end = check_window(spec[0], spec[1])
        return start, end  # type: ignore[return-value]
    if isinstance(spec, (tuple, list)):
        raise KamArgumentError(t("class_errors.bad_period_spec", argument=argument, value=spec))
    try:
        p = spec if isinstance(spec, pd.Period) else pd.Period(str(spec))
    except (TypeError, ValueError):
        raise KamArgumentError(t("class_errors.bad_period_spec", argument=argument, value=spec)) from None
    if isinstance(spec, (int, float)) and not isinstance(spec, bool) and not (1900 <= spec <= 2200):
        raise KamArgumentError(t("class_errors.bad_period_spec", argument=argument, value=spec))
    return p.start_time.normalize(), p.end_time.normalize()


@dataclass(frozen=True)
class ClassMigration:
    """How clients moved between ABC-XYZ cells from period A to period B.

    ``clients`` has one row per client seen in either period: its cell, ABC
    class and value in each (``cell_a`` is "new" for a client without lines in
    period A, ``cell_b`` is "gone" for one without lines in period B) and
    ``abc_change`` (up, down, same, new, gone; "not ranked" counts below C).
    ``crosstab`` counts clients by ``cell_a`` (rows) and ``cell_b`` (columns).
    """

    clients: pd.DataFrame
    crosstab: pd.DataFrame
    period_a: tuple[pd.Timestamp, pd.Timestamp]
    period_b: tuple[pd.Timestamp, pd.Timestamp]

    def _title(self) -> str:
        def fmt(p: tuple[pd.Timestamp, pd.Timestamp]) -> str:
            return f"{p[0].date()}…{p[1].date()}"

        c = self.clients
        moved = int((c["cell_a"] != c["cell_b"]).sum() - (c["abc_change"] == t("migration.new")).sum()
                    - (c["abc_change"] == t("migration.gone")).sum())
        return t("abc_migration.title", a=fmt(self.period_a), b=fmt(self.period_b), n=len(c), moved=moved,
                 new=int((c["abc_change"] == t("migration.new")).sum()),
                 gone=int((c["abc_change"] == t("migration.gone")).sum()))

    def __repr__(self) -> str:
        return f"{self._title()}\n\n{self.crosstab.to_string()}"

    def _repr_html_(self) -> str:
        import html

        return f"<p><b>{html.escape(self._title())}</b></p>{self.crosstab.to_html()}"


def class_migration(
    orders: pd.DataFrame,
    period_a: object = None,
    period_b: object = None,
    *,
    as_of: object | None = None,
    months: int = 12,
    **abc_xyz_kwargs: Any,
) -> ClassMigration:
    """Compare the ABC-XYZ cells of the clients in two windows of equal length.

    Parameters
    ----------
    orders : DataFrame
        Order lines (canonical columns, as for :func:`abc_xyz`).
    period_a, period_b : pair of dates, or a period such as ``"2024"``, ``"2025Q1"``, ``"2025-06"``
        The two windows, both ends included; they must be equally long (within
        three days, so that two calendar years, quarters or months compare).
        :func:`abc_xyz` runs on each with ``start`` = its first day and
        ``as_of`` = its last day. Give neither to compare the last ``months``
        months up to ``as_of`` with the ``months`` months before them.
    as_of : date, optional
        With no periods: the last day of the later window (required then).
    months : int
        With no periods: the length of each window. Default 12.
    **abc_xyz_kwargs
        Passed to :func:`abc_xyz` (``value``, ``abc``, ``xyz``, ``method``,
        ``period``, ``min_periods``, ``ddof``, ``cumulative``), the same for both.

    Returns
    -------
    ClassMigration
        ``.clients`` (one row per client: ``cell_a``, ``cell_b``, ``abc_a``,
        ``abc_b``, the value in each period, ``abc_change``) and ``.crosstab``
        (counts, ``cell_a`` × ``cell_b``, with "new" and "gone").

    Raises
    ------
    KamArgumentError
        A period is not a pair of dates or a period string, the two windows
        differ in length, only one period is given, or ``start`` is passed.

    See Also
    --------
    abc_xyz

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"client_id": ["a", "b", "a", "c"],
    ...     "date": pd.to_datetime(["2024-03-01", "2024-05-01", "2025-03-01", "2025-04-01"]),
    ...     "revenue": [90.0, 10.0, 10.0, 90.0]})
    >>> m = class_migration(orders, "2024", "2025", min_periods=1)
    >>> m.clients[["client_id", "abc_a", "abc_b", "abc_change"]]
      client_id abc_a abc_b abc_change
    0         a     A     C       down
    1         b     C  gone       gone
    2         c   new     A        new
    >>> class_migration(orders, as_of="2025-12-31").period_a[0].date()  # the 12 months before 2025
    datetime.date(2024, 1, 1)
    """
    a, b = _migration_windows(period_a, period_b, as_of, months, abc_xyz_kwargs)
    with shared_codes():  # both windows number the same clients: once
        ra = abc_xyz(orders, start=a[0], as_of=a[1], **abc_xyz_kwargs)
        rb = abc_xyz(orders, start=b[0], as_of=b[1], **abc_xyz_kwargs)
    return _migration(ra, rb, a, b)


def _migration_windows(period_a: object, period_b: object, as_of: object | None, months: int,
                       abc_xyz_kwargs: dict[str, Any]) -> tuple[tuple[pd.Timestamp, pd.Timestamp], ...]:
    """The checked windows ``(a, b)`` of :func:`class_migration`, each ``(first day, last day)``."""
    for fixed in ("start", "months_a"):
        if fixed in abc_xyz_kwargs:
            raise KamArgumentError(t("class_errors.migration_fixed", argument=fixed))
    if (period_a is None) != (period_b is None):
        raise KamArgumentError(t("window.needs_two", months=months))
    if period_a is None:
        months = int(check_number(months, "months", minimum=1, integer=True))
        end_b = to_timestamp(as_of, "as_of").normalize()
        start_b = window_start(end_b, months)
        start_a = window_start(start_b - pd.Timedelta(days=1), months)
        a = (start_a, start_b - pd.Timedelta(days=1))
        b = (start_b, end_b)
    else:
        if "as_of" in abc_xyz_kwargs or as_of is not None:
            raise KamArgumentError(t("class_errors.migration_fixed", argument="as_of"))
        a = _period_bounds(period_a, "period_a")
        b = _period_bounds(period_b, "period_b")
    len_a, len_b = (a[1] - a[0]).days + 1, (b[1] - b[0]).days + 1
    if period_a is not None and abs(len_a - len_b) > 3:  # by months: equal by construction (as_of may cut the last)
        raise KamArgumentError(t("window.unequal", a=len_a, b=len_b, months=months,
                                 a_text=f"{a[0].date()}…{a[1].date()}", b_text=f"{b[0].date()}…{b[1].date()}"))
    return a, b


def _str_column(values: pd.Series, at: np.ndarray, n: int, fill: str) -> pd.api.extensions.ExtensionArray:
    """A text column of ``n`` rows: ``values`` at the positions ``at``, ``fill`` everywhere else.

    The values are few distinct labels (classes, cells): they are numbered, and the column is
    one ``take`` from the labels.
    """
    codes, labels = pd.factorize(values, use_na_sentinel=False)
    full = np.full(n, len(labels), dtype=np.intp)
    full[at] = codes
    return pd.array([*labels, fill], dtype="str").take(full)


def _migration(ra: pd.DataFrame, rb: pd.DataFrame, a: tuple[pd.Timestamp, pd.Timestamp],
               b: tuple[pd.Timestamp, pd.Timestamp]) -> ClassMigration:
    """:class:`ClassMigration` from the :func:`abc_xyz` results of window A and window B.

    The outer join of the two client lists, with arrays: the clients of A in their order,
    then those only in B; one factorisation of the ids finds each B client's row.
    """
    value = ra.attrs["abc_xyz"]["value"]
    new, gone = t("migration.new"), t("migration.gone")
    ids_a = ra["client_id"].reset_index(drop=True)
    ids_b = rb["client_id"].reset_index(drop=True)
    n_a = len(ids_a)
    both = pd.concat([ids_a, ids_b], ignore_index=True)
    fast = _fixed_width_codes(both)  # ids like "C000123": several times faster than hashing text
    codes = fast[0] if fast is not None else pd.factorize(both)[0]
    row_b = np.asarray(codes[n_a:], dtype=np.intp)  # each B client's row; ids are unique in each window
    only_b = row_b >= n_a
    ids = pd.concat([ids_a, ids_b[only_b]], ignore_index=True)
    n = len(ids)
    row_a = np.arange(n_a)
    in_a = np.arange(n) < n_a
    in_b = np.zeros(n, dtype=bool)
    in_b[row_b] = True
    value_a = np.zeros(n)
    value_a[:n_a] = ra[value].to_numpy(dtype=np.float64)
    value_b = np.zeros(n)
    value_b[row_b] = rb[value].to_numpy(dtype=np.float64)

    level = {name: i for i, name in enumerate(_abc_labels())}
    worst = len(level)  # "not ranked" ranks below C

    def class_rank(abc: pd.Series) -> np.ndarray:
        codes, labels = pd.factorize(abc, use_na_sentinel=False)
        return np.array([level.get(label, worst) for label in labels], dtype=np.float64)[codes]

    rank_a = np.full(n, float(worst))
    rank_a[:n_a] = class_rank(ra["abc"])
    rank_b = np.full(n, float(worst))
    rank_b[row_b] = class_rank(rb["abc"])
    change = np.where(rank_b < rank_a, 0, np.where(rank_b > rank_a, 1, 2))
    change = np.where(~in_a, 3, np.where(~in_b, 4, change))
    change_labels = pd.array([t("migration.up"), t("migration.down"), t("migration.same"), new, gone], dtype="str")

    # order: by period-A value (largest first), new clients last by period-B value; ties by client_id
    # (A's rows come in A's order, nearly by value already: a stable sort of them is quick; the
    # rows with equal period-A values, the new clients among them, are then put in order by
    # period-B value and client_id)
    sort_a = np.where(in_a, value_a, -np.inf)
    order = np.argsort(-sort_a, kind="stable")
    sa = sort_a[order]
    tie = sa[1:] == sa[:-1]
    if tie.any():
        tied = np.zeros(n, dtype=bool)
        tied[1:] |= tie
        tied[:-1] |= tie
        at = np.flatnonzero(tied)
        group = np.concatenate(([0], np.cumsum(~tie)))[at]
        rows = order[at]
        rows = rows[np.lexsort((-value_b[rows], group))]
        vb = value_b[rows]
        same = (group[1:] == group[:-1]) & (vb[1:] == vb[:-1])
        if same.any():  # equal in both periods: by client_id, sorting only those rows
            both = np.zeros(len(rows), dtype=bool)
            both[1:] |= same
            both[:-1] |= same
            at2 = np.flatnonzero(both)
            group2 = np.concatenate(([0], np.cumsum(~same)))[at2]
            rows2 = rows[at2]
            rows[at2] = rows2[np.lexsort((client_order(pd.Index(ids.take(rows2))), group2))]
        order[at] = rows

    merged = pd.DataFrame({
        "client_id": ids.take(order).reset_index(drop=True),
        "cell_a": _str_column(ra["cell"], row_a, n, new).take(order),
        "cell_b": _str_column(rb["cell"], row_b, n, gone).take(order),
        "abc_a": _str_column(ra["abc"], row_a, n, new).take(order),
        "abc_b": _str_column(rb["abc"], row_b, n, gone).take(order),
        f"{value}_a": value_a[order],
        f"{value}_b": value_b[order],
        "abc_change": change_labels.take(change[order]),
    })

    cells = [a_ + x_ for a_ in _abc_labels() for x_ in _xyz_labels()]
    seen_a, seen_b = set(merged["cell_a"].unique()), set(merged["cell_b"].unique())  # once, not per cell
    order_a = [c for c in cells if c in seen_a] + sorted(seen_a - set(cells) - {new}) + (
        [new] if (~in_a).any() else [])
    order_b = [c for c in cells if c in seen_b] + sorted(seen_b - set(cells) - {gone}) + (
        [gone] if (~in_b).any() else [])
    crosstab = (pd.DataFrame({"a": merged["cell_a"], "b": merged["cell_b"]}).value_counts().unstack(fill_value=0)
                .reindex(index=order_a, columns=order_b, fill_value=0))
    crosstab.index.name, crosstab.columns.name = "cell_a", "cell_b"
    return ClassMigration(clients=merged, crosstab=crosstab, period_a=a, period_b=b)

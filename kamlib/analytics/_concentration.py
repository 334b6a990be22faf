"""Concentration of sales and critical dependency on single clients (course module M4).

:func:`concentration` answers "how much of our money depends on how few clients":
each client's share, the top-1/top-5/top-10 shares, the Herfindahl-Hirschman index
(HHI) with its reading under the 2010 and 2023 US merger guidelines, the equivalent
number of equal-sized clients, the share of clients that makes 80 % of revenue, and
the dependency level of each client by the source's warning levels.

:func:`lose_client_scenario` plays out the source's knock-on example: the key client
leaves, the supplier's volume discount goes with it, prices rise for everyone, and
price-sensitive clients leave too.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._errors import KamArgumentError, KamDataError
from .._validate import (
    check_columns,
    check_date_column,
    check_frame,
    check_no_missing,
    check_number,
    check_numeric_column,
)
from ..labels import t
from ._measures_common import OrderKeys, label_rank, missing_group_label, number, percent
from ._prep import subset_sort

__all__ = ["concentration", "lose_client_scenario", "ConcentrationResult", "ScenarioResult", "hhi_label"]

# HHI bands: (upper bound of "unconcentrated" – exclusive, upper bound of "moderately" – inclusive)
HHI_2010 = (1500.0, 2500.0)
"""2010 US Horizontal Merger Guidelines, section 5.3: below 1500 unconcentrated; between 1500 and
2500 moderately concentrated (both ends included); above 2500 highly concentrated."""
HHI_2023 = (1000.0, 1800.0)
"""2023 US Merger Guidelines, section 2.1: greater than 1800 highly concentrated; 1000 to 1800
moderately concentrated (both ends included); below 1000 unconcentrated (the bands of the 1992
guidelines, to which 2023 returned)."""

_HHI_DECIMALS = 6  # HHI is rounded to this many decimals before it is compared with a band edge


def hhi_label(hhi: float, bands: tuple[float, float] = HHI_2010) -> str:
    """The reading of an HHI (0–10,000) under merger-guideline ``bands`` (``HHI_2010`` or ``HHI_2023``).

    A value equal to a band edge counts as *moderately* concentrated in both editions
    (2010: "between 1500 and 2500"; 2023: "1,000 to 1,800", highly only when "greater than
    1,800"). The HHI is rounded to 6 decimals first, so floating-point noise such as
    2500.0000000001 does not flip the label.

    Examples
    --------
    >>> hhi_label(2500.0), hhi_label(2500.0, HHI_2023)
    ('moderately concentrated', 'highly concentrated')
    >>> hhi_label(999.9, HHI_2023), hhi_label(1000.0, HHI_2023)
    ('unconcentrated', 'moderately concentrated')
    """
    if pd.isna(hhi):
        return t("hhi.no_data")
    value = round(float(hhi), _HHI_DECIMALS)
    low, high = bands
    if value < low:
        return t("hhi.unconcentrated")
    if value <= high:
        return t("hhi.moderate")
    return t("hhi.high")


# --------------------------------------------------------------------------------------------
# result object
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class ConcentrationResult:
    """What :func:`concentration` returns.

    Attributes
    ----------
    clients : DataFrame
        One row per entity (client, or whatever ``by`` names) with a positive total, largest
        first within each group: ``[within,] by, <value>, share, cum_share, rank, dependency``.
    summary : DataFrame
        One row per group (one row in all when ``within`` is None): ``[within,] n, total,
        top1_share, top5_share, top10_share, hhi, hhi_2010, hhi_2023, equivalent_number,
        pareto_n, pareto_share, n_warning, n_high, n_critical, n_excluded, excluded_total``.
    excluded : DataFrame
        Entities whose total is zero or negative (returns at least as large as purchases):
        ``[within,] by, <value>, reason``. They are not in the shares.
    by, within, value : str
        The arguments the result was computed with.
    thresholds : dict
        ``warning``, ``high``, ``critical`` and ``pareto`` as used.

    The properties :attr:`hhi`, :attr:`label_2010`, :attr:`label_2023`,
    :attr:`equivalent_number`, :attr:`pareto_share` and :attr:`top_shares` read the summary:
    a number when ``within`` is None, a Series by group otherwise.
    """

    clients: pd.DataFrame
    summary: pd.DataFrame
    excluded: pd.DataFrame
    by: str
    within: str | None
    value: str
    thresholds: dict[str, float] = field(default_factory=dict)

    def _pick(self, column: str):
        if self.within is None:
            return self.summary[column].iloc[0]
        return self.summary.set_index(self.within)[column]

    @property
    def hhi(self):
        """Herfindahl-Hirschman index, 0–10,000 (``10000 * Σ share²``)."""
        return self._pick("hhi")

    @property
    def label_2010(self):
        """Reading of the HHI under the 2010 guidelines (<1500 / 1500–2500 / >2500)."""
        return self._pick("hhi_2010")

    @property
    def label_2023(self):
        """Reading of the HHI under the 2023 guidelines (<1000 / 1000–1800 / >1800)."""
        return self._pick("hhi_2023")

    @property
    def equivalent_number(self):
        """Number of equal-sized clients with the same HHI: ``1 / Σ share²``."""
        return self._pick("equivalent_number")

    @property
    def pareto_share(self):
        """Share of clients (largest first) that together make ``pareto`` (80 %) of the total."""
        return self._pick("pareto_share")

    @property
    def top_shares(self):
        """The ``top*_share`` columns of the summary (a Series, or a DataFrame by group)."""
        cols = [c for c in self.summary.columns if c.startswith("top") and c.endswith("_share")]
        if self.within is None:
            return self.summary[cols].iloc[0]
        return self.summary.set_index(self.within)[cols]

    # -- display ------------------------------------------------------------------------------
    def _lines(self) -> list[str]:
        s = self.summary
        head = t("concentration.heading", value=self.value, by=self.by)
        if self.within is not None:
            return [t("concentration.heading_within", value=self.value, by=self.by, within=self.within)]
        row = s.iloc[0]
        lines = [head + " " + t("concentration.n_total", n=int(row["n"]), total=number(row["total"]))]
        if row["n"] == 0:
            lines.append("  " + t("concentration.nothing_positive", value=self.value))
        else:
            tops = ", ".join(
                t("concentration.top_k", k=c[3:-6], share=percent(row[c]))
                for c in s.columns
                if c.startswith("top") and c.endswith("_share")
            )
            lines.append("  " + tops)
            lines.append(
                "  "
                + t(
                    "concentration.hhi_line",
                    hhi=number(row["hhi"]),
                    label_2010=row["hhi_2010"],
                    label_2023=row["hhi_2023"],
                )
            )
            lines.append("  " + t("concentration.equivalent_line", n=number(row["equivalent_number"], 1)))
            lines.append(
                "  "
                + t(
                    "concentration.pareto_line",
                    pareto=percent(self.thresholds["pareto"], 0),
                    value=self.value,
                    k=int(row["pareto_n"]),
                    n=int(row["n"]),
                    share=percent(row["pareto_share"]),
                )
            )
            flagged = self.clients[self.clients["dependency"] != t("dependency.normal")]
            names = ", ".join(map(str, flagged[self.by].head(5)))
            lines.append(
                "  "
                + t(
                    "concentration.dependency_line",
                    critical=int(row["n_critical"]),
                    high=int(row["n_high"]),
                    warning=int(row["n_warning"]),
                    critical_at=percent(self.thresholds["critical"], 0),
                    high_at=percent(self.thresholds["high"], 0),
                    warning_at=percent(self.thresholds["warning"], 0),
                )
                + (f": {names}" if names else "")
            )
        if row["n_excluded"]:
            lines.append("  " + t("concentration.excluded_line", n=int(row["n_excluded"])))
        return lines

    def __repr__(self) -> str:
        lines = self._lines()
        if self.within is not None:
            cols = [self.within, "n", "top1_share", "hhi", "hhi_2010", "hhi_2023", "n_critical", "n_high", "n_warning"]
            cols = [c for c in cols if c in self.summary.columns]
            lines.append(self.summary[cols].to_string(index=False))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        lines = self._lines()
        parts = [f"<p><strong>{html.escape(lines[0])}</strong></p>"]
        if len(lines) > 1:
            parts.append("<ul>" + "".join(f"<li>{html.escape(x.strip())}</li>" for x in lines[1:]) + "</ul>")
        if self.within is not None:
            parts.append(self.summary.to_html(index=False))
        parts.append(self.clients.head(10).to_html(index=False))
        return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# concentration
# --------------------------------------------------------------------------------------------


def _check_fraction(value: object, argument: str) -> float:
    """A share in (0, 1]."""
    return float(check_number(value, argument, minimum=0, maximum=1, strict_minimum=True))


def _check_levels(warning: float, high: float, critical: float) -> None:
    for name, v in (("warning", warning), ("high", high), ("critical", critical)):
        _check_fraction(v, name)
    if not warning <= high <= critical:
        raise KamArgumentError(
            t("measures_errors.level_order", warning=warning, high=high, critical=critical)
        )


def _check_top(top: Sequence[int]) -> tuple[int, ...]:
    if isinstance(top, (int, np.integer)) and not isinstance(top, bool):
        top = (int(top),)
    try:
        items = tuple(top)
    except TypeError:
        items = ()
    if not items:
        raise KamArgumentError(t("errors.bad_argument", argument="top", value=top, valid=t("measures_errors.top_valid")))
    for k in items:
        check_number(k, "top", minimum=1, integer=True)
    return tuple(sorted({int(k) for k in items}))


def _check_column_name(value: object, argument: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str):
        raise KamArgumentError(
            t("errors.bad_argument", argument=argument, value=value, valid=t("measures_errors.column_name"))
        )


def concentration(
    orders: pd.DataFrame,
    by: str = "client_id",
    within: str | None = None,
    value: str = "revenue",
    *,
    clients: pd.DataFrame | None = None,
    warning: float = 0.20,
    high: float = 0.40,
    critical: float = 0.50,
    pareto: float = 0.80,
    top: Sequence[int] = (1, 5, 10),
) -> ConcentrationResult:
    """How much of the revenue depends on how few clients: shares, top-k, HHI, dependency.

    Parameters
    ----------
    orders : DataFrame
        Order lines (canonical ``orders`` table), at least ``value`` and ``by``.
    by : str, default "client_id"
        Whose shares to measure: a column of ``orders``, or of ``clients`` (e.g. ``"manager"``)
        joined on ``client_id``.
    within : str, optional
        Measure separately inside each group of this column (e.g. ``"department"``): shares are
        then shares of the group's total. Taken from ``orders`` when it has the column, else
        from ``clients``. Clients without a group form a group ``"(no department)"``.
    value : str, default "revenue"
        The money column to measure (``"revenue"``; a margin column works too).
    clients : DataFrame, optional
        The clients table, needed only when ``by`` or ``within`` is not a column of ``orders``.
    warning, high, critical : float, default 0.20, 0.40, 0.50
        Dependency levels from the source (M4, file 003): a client bringing *over* 20–30 % of
        the money is a warning (the lower end, 20 %, is the default), over 40 % is high, over 50 %
        is a critical dependency. A share exactly at a level stays below it ("over" is strict).
    pareto : float, default 0.80
        The share of revenue for the Pareto measure (001: 20 % of clients bring 80 %).
    top : sequence of int, default (1, 5, 10)
        The top-k shares to report (``top1_share``, ``top5_share``, ``top10_share``). With fewer
        than k clients the top-k share is 1.

    Returns
    -------
    ConcentrationResult
        ``.clients`` (per entity), ``.summary`` (per group), ``.excluded`` (non-positive totals);
        ``.hhi``, ``.label_2010``, ``.label_2023``, ``.equivalent_number``, ``.pareto_share`` and
        ``.top_shares`` read the summary. See :class:`ConcentrationResult`.

    Notes
    -----
    - Entities are summed over all lines, returns included. An entity whose total is zero or
      negative (returns at least as large as purchases) has no meaningful share: it is left out
      of every measure and listed in ``.excluded`` with the reason. Shares are shares of the
      total of the positive entities.
    - HHI = 10,000 × Σ share² (shares as fractions), from 10,000 / n (n equal clients) to 10,000
      (one client). Labels: 2010 guidelines <1500 unconcentrated, 1500–2500 moderately (both edges
      included), >2500 highly; 2023 guidelines <1000, 1000–1800 (edges included), >1800 highly.
      See :func:`hhi_label`.
    - Equivalent number = 1 / Σ share² = 10,000 / HHI.
    - ``pareto_n`` is the smallest number of entities, largest first, whose shares add up to at
      least ``pareto`` (a tolerance of 1e-9 absorbs rounding); ``pareto_share`` = pareto_n / n.
    - Order: by group (ascending), then value descending; equal values by ``by`` ascending.
    - Fast on big tables: lines are reduced to integer codes once and summed with
      ``numpy.bincount``; a categorical ``client_id`` is read from its codes.

    Raises
    ------
    KamDataError
        A needed column is missing, ``value`` has cells that are not numbers, ``client_id`` is empty.
    KamArgumentError
        A level is outside (0, 1] or the levels are not in order warning ≤ high ≤ critical.

    See Also
    --------
    lose_client_scenario : what the departure of one key client would cost.
    key_accounts : the 10 % volume rule for key clients.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"client_id": ["a", "a", "b", "c", "d"],
    ...                        "revenue": [30.0, 20.0, 25.0, 15.0, 10.0]})
    >>> res = concentration(orders)
    >>> res.clients[["client_id", "share", "dependency"]]
      client_id  share dependency
    0         a   0.50       high
    1         b   0.25    warning
    2         c   0.15     normal
    3         d   0.10     normal
    >>> float(res.hhi)  # 50² + 25² + 15² + 10²
    3450.0
    >>> res.label_2010, res.label_2023
    ('highly concentrated', 'highly concentrated')
    >>> float(res.equivalent_number.round(2)), int(res.summary.loc[0, "pareto_n"])
    (2.9, 3)
    """
    check_frame(orders, "orders")
    _check_column_name(by, "by")
    _check_column_name(within, "within", optional=True)
    _check_column_name(value, "value")
    if within is not None and within == by:
        raise KamArgumentError(t("measures_errors.within_is_by", by=by))
    _check_levels(warning, high, critical)
    pareto = _check_fraction(pareto, "pareto")
    top = _check_top(top)
    check_columns(orders, [value], argument="orders")
    group_cols = [within] if within is not None else []
    keys = OrderKeys(orders, clients, argument="orders")
    keys.check([*group_cols, by])
    values = check_numeric_column(orders, value, argument="orders").to_numpy(dtype=np.float64)

    codes, entities = keys.keys([*group_cols, by])
    totals = np.bincount(codes, weights=values, minlength=len(entities))
    entities = entities.assign(**{value: totals})
    return _concentration_from_totals(
        entities, by=by, within=within, value=value,
        levels=(warning, high, critical), pareto=pareto, top=top,
    )


def _client_concentration(codes: np.ndarray, clients: pd.Index, values: np.ndarray,
                          id_order: np.ndarray | None = None) -> ConcentrationResult:
    """``concentration(orders)`` (by client, default levels) from the lines' client codes.

    ``codes[i]`` numbers the client of line ``i`` in ``clients``; clients without a line are
    left out. For the report, whose analyses share the codes of the whole orders table: the
    window's lines need not be numbered again. The same sums (``np.bincount`` adds each
    client's lines in line order, as :func:`concentration` does) and the same result: the
    order of the entities does not matter, the result is sorted by value and client_id.
    ``id_order`` is :func:`~kamlib.analytics._prep.client_sort` of ``clients`` when the
    caller has it.

    Examples
    --------
    >>> r = _client_concentration(np.array([1, 0, 1]), pd.Index(["a", "b", "c"]), np.array([5.0, 3.0, 2.0]))
    >>> r.clients[["client_id", "revenue", "share"]]
      client_id  revenue  share
    0         b      7.0    0.7
    1         a      3.0    0.3
    """
    defaults = concentration.__kwdefaults__
    totals = np.bincount(codes, weights=values, minlength=len(clients))
    present = np.bincount(codes, minlength=len(clients)) > 0
    entities = pd.DataFrame({"client_id": clients[present]}).assign(revenue=totals[present])
    if id_order is not None and not present.all():
        id_order = subset_sort(id_order, np.flatnonzero(present), len(clients))
    return _concentration_from_totals(
        entities, by="client_id", within=None, value="revenue",
        levels=(defaults["warning"], defaults["high"], defaults["critical"]), pareto=defaults["pareto"],
        top=_check_top(defaults["top"]), id_order=id_order,
    )


def _concentration_from_totals(
    entities: pd.DataFrame,
    *,
    by: str,
    within: str | None,
    value: str,
    levels: tuple[float, float, float],
    pareto: float,
    top: tuple[int, ...],
    id_order: np.ndarray | None = None,
) -> ConcentrationResult:
    """All measures from one row per entity (``[within,] by, value``).

    ``id_order``: the positions of the entities in ascending ``by`` order when the caller
    knows them (the ids are then all different).
    """
    warning, high, critical = levels
    totals = entities[value].to_numpy(dtype=np.float64)
    if within is not None:
        gcodes, glabels = pd.factorize(entities[within])
        glabels = pd.Index(glabels)
    else:
        gcodes, glabels = np.zeros(len(entities), dtype=np.int64), pd.Index([0])
    # groups in ascending label order
    grank = label_rank(glabels)
    if within is not None:  # the "(no department)" group goes last
        is_missing = np.asarray(glabels == missing_group_label(within), dtype=bool)
        grank = label_rank(pd.Index(list(zip(is_missing, grank))))
    gorder = np.argsort(grank)
    g_all = grank[gcodes]
    n_groups = len(glabels)
    sorted_labels = glabels.take(gorder)

    positive = totals > 0
    # np.lexsort((id_rank, key, g_all)) as stable sorts, the last key first (the same permutation):
    # entities by id (the inverse of the ranks when they are all different), then by the key,
    # then by group (only when there are several)
    id_rank = None if id_order is not None else label_rank(entities[by])
    if id_order is not None:
        by_id = id_order
    elif len(id_rank) and id_rank.max() == len(id_rank) - 1:  # dense ranks 0 … n-1: a permutation
        by_id = np.empty(len(id_rank), dtype=np.int64)
        by_id[id_rank] = np.arange(len(id_rank))
    else:
        by_id = np.argsort(id_rank, kind="stable")

    def sorted_by(key: np.ndarray, keep: np.ndarray) -> np.ndarray:
        """The entities ``keep`` selects, in lexsort order (filtering first keeps that order)."""
        out = by_id[keep[by_id]]
        out = out[np.argsort(key[out], kind="stable")]
        return out[np.argsort(g_all[out], kind="stable")] if n_groups > 1 else out

    order = sorted_by(-totals, positive)
    pos = entities.take(order).reset_index(drop=True)
    g = g_all[order]
    v = totals[order]

    counts = np.bincount(g, minlength=n_groups)
    gtotal = np.bincount(g, weights=v, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(len(v)) - starts[g] + 1
    with np.errstate(invalid="ignore", divide="ignore"):
        share = v / gtotal[g]
        csum = np.cumsum(v)
        before = np.concatenate([[0.0], csum])[starts]
        cum_share = (csum - before[g]) / gtotal[g]
    last = rank == counts[g]
    cum_share[last] = 1.0  # exactly: the last client of a group closes it

    # the level of each client as an index into its four texts (no text array per client)
    level_texts = [t("dependency.critical"), t("dependency.high"), t("dependency.warning"), t("dependency.normal")]
    level = np.select([share > critical, share > high, share > warning], [0, 1, 2], 3)
    dependency = pd.array(level_texts, dtype="str").take(level)
    per_client = pos.assign(share=share, cum_share=cum_share, rank=rank, dependency=dependency)

    # summary per group
    with np.errstate(invalid="ignore", divide="ignore"):
        # from the values, not the rounded shares: Σv² / (Σv)² is exact for whole-number amounts
        hhi = 10000.0 * np.bincount(g, weights=v * v, minlength=n_groups) / (gtotal * gtotal)
        hhi = np.where(counts > 0, hhi, np.nan)
        equivalent = 10000.0 / hhi
        cum_before = cum_share - share
        needed = (cum_before < pareto - 1e-9) | (rank == 1)
        pareto_n = np.bincount(g, weights=needed, minlength=n_groups)
        pareto_share = np.where(counts > 0, pareto_n / counts, np.nan)
    summary: dict[str, object] = {}
    if within is not None:
        summary[within] = sorted_labels
    summary["n"] = counts
    summary["total"] = gtotal
    for k in top:
        tk = np.bincount(g, weights=np.where(rank <= k, share, 0.0), minlength=n_groups)
        summary[f"top{k}_share"] = np.where(counts > 0, tk, np.nan)
    summary["hhi"] = hhi
    summary["hhi_2010"] = [hhi_label(x, HHI_2010) for x in hhi]
    summary["hhi_2023"] = [hhi_label(x, HHI_2023) for x in hhi]
    summary["equivalent_number"] = equivalent
    summary["pareto_n"] = pareto_n.astype(np.int64)
    summary["pareto_share"] = pareto_share
    for level_name, label in (("warning", "dependency.warning"), ("high", "dependency.high"),
                              ("critical", "dependency.critical")):
        is_label = np.array([text == t(label) for text in level_texts])[level]
        summary[f"n_{level_name}"] = np.bincount(g, weights=is_label, minlength=n_groups).astype(np.int64)

    # excluded: zero or negative totals
    ex_order = sorted_by(totals, ~positive)
    excluded = entities.take(ex_order).reset_index(drop=True)
    ex_totals = totals[ex_order]
    excluded["reason"] = np.where(ex_totals < 0, t("concentration.reason_negative"), t("concentration.reason_zero"))
    ex_g = g_all[ex_order]
    summary["n_excluded"] = np.bincount(ex_g, minlength=n_groups).astype(np.int64)
    summary["excluded_total"] = np.bincount(ex_g, weights=ex_totals, minlength=n_groups)

    return ConcentrationResult(
        clients=per_client,
        summary=pd.DataFrame(summary),
        excluded=excluded,
        by=by,
        within=within,
        value=value,
        thresholds={"warning": warning, "high": high, "critical": critical, "pareto": pareto},
    )


# --------------------------------------------------------------------------------------------
# losing the key client
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class ScenarioResult:
    """What :func:`lose_client_scenario` returns.

    Attributes
    ----------
    table : DataFrame
        One row per step (``step`` code, ``description`` label) with ``revenue``, ``cost``,
        ``margin`` and ``margin_pct`` (margin / revenue) after that step. The first row is the
        situation before, the last the situation after the knock-on effects.
    steps : list of str
        One sentence per step saying what happened and with which numbers.
    assumptions : dict
        The parameters used (client, cost increase, pass-through, elasticity, threshold …).
    """

    table: pd.DataFrame
    steps: list[str]
    assumptions: dict[str, object]

    @property
    def before(self) -> pd.Series:
        """Revenue, cost, margin and margin_pct before the client leaves."""
        return self.table.iloc[0][["revenue", "cost", "margin", "margin_pct"]].astype("float64")

    @property
    def after(self) -> pd.Series:
        """Revenue, cost, margin and margin_pct after every knock-on step."""
        return self.table.iloc[-1][["revenue", "cost", "margin", "margin_pct"]].astype("float64")

    @property
    def change(self) -> pd.Series:
        """``after - before`` for revenue, cost, margin and margin_pct."""
        return self.after - self.before

    def __repr__(self) -> str:
        head = t("scenario.heading", client=self.assumptions["client_id"])
        shown = self.table[["description", "revenue", "cost", "margin", "margin_pct"]].copy()
        for c in ("revenue", "cost", "margin"):
            shown[c] = [number(x) for x in shown[c]]
        shown["margin_pct"] = [percent(x) for x in shown["margin_pct"]]
        steps = "\n".join(f"  {i}. {s}" for i, s in enumerate(self.steps, 1))
        return f"{head}\n{shown.to_string(index=False)}\n{steps}"

    def _repr_html_(self) -> str:
        head = html.escape(t("scenario.heading", client=self.assumptions["client_id"]))
        items = "".join(f"<li>{html.escape(s)}</li>" for s in self.steps)
        return f"<p><strong>{head}</strong></p>\n{self.table.to_html(index=False)}\n<ol>{items}</ol>"


def lose_client_scenario(
    orders: pd.DataFrame,
    client_id: str,
    *,
    value: str = "revenue",
    cost: str = "cost",
    cost_increase: float = 0.05,
    volume_threshold: float | None = None,
    quantity: str = "quantity",
    pass_through: float = 1.0,
    elasticity: float = 2.0,
    knock_on: bool | None = None,
    warning_share: float = 0.20,
) -> ScenarioResult:
    """The source's knock-on example: what the company keeps if one key client leaves.

    The source (M4, file 003) tells the story without numbers beyond the volume: a key client
    buys 5,000 units a month; that volume earns a large discount from the plant, which lets
    you price low for everyone; if the client leaves you lose the discount, must raise prices
    for all other clients, and some of them leave too. The four steps, computed on the
    revenue and cost of ``orders`` (whatever period it covers):

    1. **The client leaves**: its revenue and cost disappear.
    2. **The volume discount is lost**: the purchase cost of everything the others still buy
       rises by ``cost_increase``. With ``volume_threshold`` (units a month, like the source's
       5,000) this happens only if the remaining average monthly quantity falls below it.
    3. **Prices rise for everyone**: ``pass_through`` of the extra cost is passed on, as a
       uniform price rise ``p = pass_through × extra cost / remaining revenue`` (1.0 keeps the
       margin in money where it was after step 1, before anyone reacts).
    4. **Price-sensitive clients leave**: they take ``elasticity × p`` of the remaining volume
       (revenue and cost shrink together), capped at 100 %.

    Parameters
    ----------
    orders : DataFrame
        Order lines with ``client_id``, ``value`` and ``cost`` (and ``date`` and ``quantity``
        when ``volume_threshold`` is given).
    client_id : str
        The client that leaves.
    value, cost : str, default "revenue", "cost"
        The revenue and cost-of-goods columns.
    cost_increase : float, default 0.05
        How much dearer purchases become without the volume discount (0.05 = +5 %). Course
        assumption — the source gives no number; set it to your supplier's discount tier.
    volume_threshold : float, optional
        Units a month the supplier's discount requires (the source's example: 5,000). None
        (default) assumes, as the source does, that without the key client the discount is lost.
    quantity : str, default "quantity"
        The units column, used with ``volume_threshold``.
    pass_through : float, default 1.0
        Share of the extra cost passed on to prices (0 = absorb it all, 1 = pass it all on,
        the source's "must raise prices for all other clients"). Course assumption.
    elasticity : float, default 2.0
        Share of the remaining volume lost per unit of relative price rise: 2.0 means each 1 %
        of price rise drives away 2 % of the remaining volume. Course assumption — the source's
        premise is that these clients stayed *because* prices were low, so they are price-
        sensitive; measure or estimate your own.
    knock_on : bool, optional
        Play steps 2–4 (the knock-on). None (default): only when the client brings more than
        ``warning_share`` of the revenue — a small client's volume is assumed not to carry the
        supplier's discount. The direct loss (step 1) is always shown first; steps 2–4 are
        assumptions and their descriptions say so.
    warning_share : float, default 0.20
        The share above which the knock-on is played by default: the lower dependency level of
        :func:`concentration` (20 %).

    Returns
    -------
    ScenarioResult
        ``.table`` (five rows: before and after each step, with revenue, cost, margin,
        margin_pct), ``.steps`` (one sentence each), ``.assumptions``; ``.before``, ``.after``,
        ``.change``.

    Notes
    -----
    One round only: in reality the clients who leave in step 4 lower the volume again and the
    spiral can go on. The volume threshold is compared with the remaining quantity divided by
    the number of calendar months the orders span (first to last month, both included).

    Raises
    ------
    KamArgumentError
        ``client_id`` has no orders, or a parameter is out of range.
    KamDataError
        A needed column is missing or not numeric, or the client's revenue is not positive.

    See Also
    --------
    concentration : how dependent the company is on its largest clients.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"client_id": ["key", "b", "c"],
    ...                        "revenue": [400.0, 300.0, 300.0],
    ...                        "cost": [320.0, 240.0, 240.0]})
    >>> res = lose_client_scenario(orders, "key")
    >>> res.table[["step", "revenue", "cost", "margin"]]
                        step  revenue    cost  margin
    0                 before  1000.00  800.00   200.0
    1          client_leaves   600.00  480.00   120.0
    2          discount_lost   600.00  504.00    96.0
    3            prices_rise   624.00  504.00   120.0
    4  price_sensitive_leave   574.08  463.68   110.4

    Cost rises 5 % (480 → 504); prices rise 24 / 600 = 4 %; 2 × 4 % = 8 % of the volume leaves.
    """
    check_frame(orders, "orders")
    _check_column_name(value, "value")
    _check_column_name(cost, "cost")
    check_number(cost_increase, "cost_increase", minimum=0)
    check_number(pass_through, "pass_through", minimum=0, maximum=1)
    check_number(elasticity, "elasticity", minimum=0)
    check_number(warning_share, "warning_share", minimum=0, maximum=1)
    if knock_on is not None and not isinstance(knock_on, (bool, np.bool_)):
        raise KamArgumentError(t("scenario_knock.bad_knock_on", value=knock_on))
    needed = ["client_id", value, cost]
    if volume_threshold is not None:
        check_number(volume_threshold, "volume_threshold", minimum=0)
        _check_column_name(quantity, "quantity")
        needed += [quantity, "date"]
    check_columns(orders, needed, argument="orders")
    check_no_missing(orders, ["client_id"], argument="orders")
    revenue = check_numeric_column(orders, value, argument="orders").to_numpy(dtype=np.float64)
    costs = check_numeric_column(orders, cost, argument="orders").to_numpy(dtype=np.float64)
    is_key = (orders["client_id"] == client_id).to_numpy()
    if not is_key.any():
        some = ", ".join(map(str, pd.unique(orders["client_id"])[:5]))
        raise KamArgumentError(t("scenario.unknown_client", client=client_id, some=some))

    r0, c0 = revenue.sum(), costs.sum()
    rk, ck = revenue[is_key].sum(), costs[is_key].sum()
    if rk <= 0:
        raise KamDataError(t("scenario.key_not_positive", client=client_id, value=value, total=number(rk, 2)),
                           column=value)
    r1, c1 = r0 - rk, c0 - ck
    client_share = rk / r0 if r0 > 0 else 1.0
    play = bool(knock_on) if knock_on is not None else bool(client_share > warning_share)

    if not play:
        lost = False
        volume_note = ""
    elif volume_threshold is None:
        lost = True
        volume_note = t("scenario.discount_assumed")
    else:
        qty = check_numeric_column(orders, quantity, argument="orders").to_numpy(dtype=np.float64)
        dates = check_date_column(orders, "date", argument="orders")
        months = (dates.max().year - dates.min().year) * 12 + dates.max().month - dates.min().month + 1
        monthly = qty[~is_key].sum() / months
        lost = monthly < volume_threshold
        volume_note = t(
            "scenario.discount_lost_volume" if lost else "scenario.discount_kept_volume",
            monthly=number(monthly), threshold=number(volume_threshold),
        )

    c2 = c1 * (1 + cost_increase) if lost else c1
    extra = c2 - c1
    p = pass_through * extra / r1 if r1 > 0 and play else 0.0
    r3, c3 = r1 * (1 + p), c2
    leave = min(1.0, elasticity * p) if play else 0.0
    r4, c4 = r3 * (1 - leave), c3 * (1 - leave)

    codes = ["before", "client_leaves", "discount_lost", "prices_rise", "price_sensitive_leave"]
    rev = [r0, r1, r1, r3, r4]
    cst = [c0, c1, c2, c3, c4]
    table = pd.DataFrame({
        "step": codes,
        "description": [t(f"scenario.step_{c}") + (f" {t('scenario_knock.assumption_tag')}" if i > 1 else "")
                        for i, c in enumerate(codes)],
        "revenue": rev,
        "cost": cst,
    })
    table["margin"] = table["revenue"] - table["cost"]
    with np.errstate(invalid="ignore", divide="ignore"):
        table["margin_pct"] = np.where(table["revenue"] != 0, table["margin"] / table["revenue"], np.nan)
    table[["revenue", "cost", "margin"]] = table[["revenue", "cost", "margin"]].round(2)

    leaves = t("scenario.says_leaves", client=client_id, revenue=number(rk), share=percent(rk / r0 if r0 else np.nan),
               margin=number(rk - ck))
    if play:
        knock = [
            volume_note + " " + (t("scenario.says_cost_up", pct=percent(cost_increase), extra=number(extra))
                                 if lost else t("scenario.says_cost_same")),
            t("scenario.says_prices", pct=percent(p, 2), pass_through=percent(pass_through, 0)),
            t("scenario.says_leave", pct=percent(leave), elasticity=elasticity, revenue=number(r3 - r4)),
        ]
    else:
        knock = [t("scenario_knock.skipped", client=client_id, share=percent(client_share),
                   warning=percent(warning_share, 0))] + [t("scenario_knock.skipped_step")] * 2
    steps = [
        leaves,
        *knock,
        t("scenario.says_result", margin_before=number(r0 - c0), margin_after=number(r4 - c4),
          change=percent((r4 - c4) / (r0 - c0) - 1 if r0 - c0 else np.nan)),
    ]
    assumptions = {
        "client_id": client_id, "cost_increase": cost_increase, "volume_threshold": volume_threshold,
        "discount_lost": bool(lost), "pass_through": pass_through, "elasticity": elasticity,
        "price_rise": p, "volume_lost": leave, "knock_on": play, "warning_share": warning_share,
        "direct_revenue_lost": rk, "direct_margin_lost": rk - ck,
    }
    return ScenarioResult(table=table, steps=steps, assumptions=assumptions)

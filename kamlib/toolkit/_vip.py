"""The VIP programme's year: who to meet when, how many people it takes, who meets whom.

Source 001 (module M6 of the course): a full pass over *all* corporate clients
with the VIP questionnaire at least once a year, in a 2–3 month window (the
provider ran it every summer, the low season); key accounts — the 20 % of
clients giving 80 % of revenue — met quarterly; the most valuable of them
monthly, to keep the relationship, without a questionnaire each time. Staff
working on the programme alongside sales fill at least 5 questionnaires a
week, dedicated staff at least 15. The client list is split among the staff by
step 4 of the procedure.

Public functions: :func:`vip_segments`, :func:`contact_plan`,
:func:`vip_staffing`, :func:`vip_staffing_case`, :func:`split_clients`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._errors import KamArgumentError, KamDataError
from .._validate import check_choice, check_columns, check_no_missing, check_number, first_rows
from ..labels import t
from ._worked import Worked, ceil, fmt

__all__ = [
    "vip_segments",
    "contact_plan",
    "ContactPlan",
    "vip_staffing",
    "vip_staffing_case",
    "VipStaffing",
    "split_clients",
]

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
"""Column names of a calendar (code identifiers, not labels)."""

SUMMER = (6, 7, 8)
"""The source's sweep window: the provider started the pass every summer, the low season (001)."""

_SEGMENT_CODES = ("most_valuable", "key", "other")


def segment_labels() -> dict[str, str]:
    """Segment code → label in the current language (``most_valuable``, ``key``, ``other``)."""
    return {code: t(f"vip_plan.segment_{code}") for code in _SEGMENT_CODES}


# ---------------------------------------------------------------------------
# segmentation
# ---------------------------------------------------------------------------


def vip_segments(
    revenue: pd.DataFrame,
    *,
    key_share: float = 0.80,
    most_valuable_share: float = 0.20,
    most_valuable_n: int | None = None,
    client_col: str = "client_id",
    revenue_col: str = "revenue",
    manager_col: str = "manager",
) -> pd.DataFrame:
    """Split clients into most valuable, key and other by the Pareto rule of source 001.

    Key accounts are the clients that together make ``key_share`` of revenue
    (the source: "the 20 % of clients that give 80 % of revenue"); the most
    valuable are the top of the key accounts. Clients are ranked by revenue,
    largest first (ties: by ``client_id``); a client is key when the cumulative
    share *including* it is at most ``key_share`` (the ABC convention of the
    course) — the largest client is always key, so a one-client table has one.

    Parameters
    ----------
    revenue : DataFrame
        One row per client, or per order line (rows of a client are summed),
        with ``client_col`` and ``revenue_col``; ``manager_col`` is carried over
        when present (first value per client).
    key_share : float, default 0.80
        Share of revenue the key accounts make (source 001: Pareto, 80 %).
    most_valuable_share : float, default 0.20
        Share of the key accounts that count as most valuable, rounded up. The
        source names no share ("the most valuable of them"); the course applies
        Pareto again, inside the key accounts.
    most_valuable_n : int, optional
        A fixed number of most valuable clients instead of the share.
    client_col, revenue_col, manager_col : str
        Column names.

    Returns
    -------
    DataFrame
        ``client_id``, ``manager`` (if present), ``revenue``, ``share``,
        ``cumulative_share``, ``rank`` and ``segment`` (a label: most valuable,
        key or other), sorted by rank. Clients with no positive revenue are
        "other" and get no share of the ranking's top.

    Raises
    ------
    KamDataError
        A column is missing or a revenue is empty.
    KamArgumentError
        A share outside (0, 1] or a negative ``most_valuable_n``.

    See Also
    --------
    contact_plan : the year's meetings for this segmentation.

    Examples
    --------
    >>> import pandas as pd
    >>> sales = pd.DataFrame({"client_id": ["a", "b", "c", "d", "e"],
    ...                       "revenue": [50, 30, 10, 6, 4]})
    >>> vip_segments(sales)[["client_id", "cumulative_share", "segment"]]
      client_id  cumulative_share        segment
    0         a              0.50  most valuable
    1         b              0.80            key
    2         c              0.90          other
    3         d              0.96          other
    4         e              1.00          other
    """
    check_columns(revenue, [client_col, revenue_col], argument="revenue")
    check_no_missing(revenue, [client_col, revenue_col], argument="revenue")
    check_number(key_share, "key_share", minimum=0, strict_minimum=True, maximum=1)
    check_number(most_valuable_share, "most_valuable_share", minimum=0, maximum=1)
    if most_valuable_n is not None:
        check_number(most_valuable_n, "most_valuable_n", minimum=0, integer=True)
    if not pd.api.types.is_numeric_dtype(revenue[revenue_col]):
        raise KamDataError(
            t("vip_plan.not_numeric", argument="revenue", column=revenue_col), file="revenue", column=revenue_col
        )

    agg = {revenue_col: "sum"}
    has_manager = manager_col in revenue.columns
    if has_manager:
        agg[manager_col] = "first"
    per_client = revenue.groupby(client_col, sort=True, as_index=False).agg(agg)
    per_client = per_client.rename(columns={client_col: "client_id", revenue_col: "revenue", manager_col: "manager"})
    per_client = per_client.sort_values(["revenue", "client_id"], ascending=[False, True], kind="mergesort")
    per_client = per_client.reset_index(drop=True)

    positive = per_client["revenue"].clip(lower=0)
    total = positive.sum()
    share = positive / total if total > 0 else positive * 0.0
    cumulative = share.cumsum()
    per_client["share"] = share
    per_client["cumulative_share"] = cumulative
    per_client["rank"] = np.arange(1, len(per_client) + 1)

    is_key = (cumulative <= key_share + 1e-12) & (per_client["revenue"] > 0)
    if total > 0:
        is_key.iloc[0] = True  # the largest client is always key
    n_key = int(is_key.sum())
    n_mv = ceil(most_valuable_share * n_key) if most_valuable_n is None else min(int(most_valuable_n), n_key)
    labels = segment_labels()
    segment = np.where(is_key, labels["key"], labels["other"]).astype(object)
    segment[: n_mv] = labels["most_valuable"]  # key clients are the first n_key rows
    per_client["segment"] = pd.array(segment, dtype="str")
    columns = ["client_id", *(["manager"] if has_manager else []), "revenue", "share", "cumulative_share", "rank", "segment"]
    return per_client[columns]


# ---------------------------------------------------------------------------
# contact plan
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactPlan:
    """A year's VIP contact plan; see :func:`contact_plan`.

    Attributes
    ----------
    year : int
    long : DataFrame
        One row per planned meeting: ``client_id``, ``manager``, ``segment``,
        ``year``, ``month`` (1–12), ``kind`` (label), ``with_questionnaire``.
    calendars : dict of str to DataFrame
        Per manager: one row per client (index ``client_id``), its
        ``segment``, then one column per month ``jan`` … ``dec`` holding the
        meeting kind or an empty string.
    load : DataFrame
        Meetings per manager (rows) and month (columns), with a ``total``.
    """

    year: int
    long: pd.DataFrame = field(repr=False)
    calendars: dict[str, pd.DataFrame] = field(repr=False)
    load: pd.DataFrame = field(repr=False)

    @property
    def managers(self) -> list[str]:
        """The managers of the plan, sorted."""
        return list(self.calendars)

    def calendar(self, manager: str) -> pd.DataFrame:
        """The calendar of one manager (a copy)."""
        if manager not in self.calendars:
            check_choice(manager, "manager", self.managers)
        return self.calendars[manager].copy()

    def __repr__(self) -> str:
        n_clients = self.long["client_id"].nunique()
        return t(
            "vip_plan.repr",
            year=self.year,
            n_clients=n_clients,
            n_managers=len(self.calendars),
            n_meetings=len(self.long),
            n_questionnaires=int(self.long["with_questionnaire"].sum()),
            managers=", ".join(self.managers),
        )


def _check_months(months: Sequence[int], argument: str) -> tuple[int, ...]:
    try:
        values = tuple(months)
    except TypeError:
        values = ()
    ok = bool(values) and all(isinstance(m, (int, np.integer)) and not isinstance(m, bool) and 1 <= m <= 12 for m in values)
    if not ok or len(set(values)) != len(values):
        raise KamArgumentError(
            t("errors.bad_argument", argument=argument, value=months, valid=t("vip_plan.valid_months"))
        )
    return tuple(int(m) for m in values)


def contact_plan(
    segments: pd.DataFrame,
    year: int,
    *,
    sweep_months: Sequence[int] = SUMMER,
    key_month_in_quarter: int = 2,
    client_col: str = "client_id",
    manager_col: str = "manager",
    segment_col: str = "segment",
) -> ContactPlan:
    """The year's VIP contact plan: who meets which client in which month, and how.

    The cadence of source 001:

    - **everyone** once a year *with the questionnaire*, during the sweep window
      (default June–August, the summer low season in which the provider ran it);
      each manager's clients are spread evenly over the window's months, most
      valuable first, then key, then the rest (in ``client_id`` order);
    - **key accounts** quarterly: one relationship meeting in month
      ``key_month_in_quarter`` of each quarter (default the middle month:
      Feb, May, Aug, Nov); in the quarter of its questionnaire meeting that
      meeting is the quarter's contact, so no second one is added;
    - **most valuable** clients monthly: a relationship meeting every month,
      the questionnaire meeting in its sweep month — no questionnaire at the
      other eleven (the source: do not make an offer at every meeting).

    Parameters
    ----------
    segments : DataFrame
        One row per client with ``client_col``, ``segment_col`` holding the
        labels "most valuable", "key" or "other" (as :func:`vip_segments`
        returns them) and, optionally, ``manager_col`` (without it every
        client goes to one "unassigned" calendar).
    year : int
        The plan's year (written into the long table).
    sweep_months : sequence of int, default (6, 7, 8)
        Months (1–12) of the annual sweep; the source says 2–3 months.
    key_month_in_quarter : int, default 2
        Month inside each quarter (1, 2 or 3) for key accounts' meetings.
    client_col, manager_col, segment_col : str
        Column names.

    Returns
    -------
    ContactPlan
        ``.long`` (one row per meeting), ``.calendars`` / ``.calendar(manager)``
        (rows clients, columns months, cells the meeting kind) and ``.load``
        (meetings per manager and month).

    Raises
    ------
    KamDataError
        A missing column, an empty table or cell, a repeated client or an unknown segment.
    KamArgumentError
        A bad year, sweep window or ``key_month_in_quarter``.

    See Also
    --------
    vip_segments : the segmentation from revenue.
    vip_staffing : the people the plan needs.

    Examples
    --------
    >>> import pandas as pd
    >>> seg = pd.DataFrame({"client_id": ["a", "b", "c"], "manager": ["Ann"] * 3,
    ...                     "segment": ["most valuable", "key", "other"]})
    >>> plan = contact_plan(seg, 2025)
    >>> cal = plan.calendar("Ann")
    >>> print(cal[["feb", "may", "jun", "jul", "aug"]].to_string())  # doctest: +NORMALIZE_WHITESPACE
                        feb           may            jun            jul            aug
    client_id
    a          relationship  relationship  questionnaire   relationship   relationship
    b          relationship  relationship                 questionnaire
    c                                                                    questionnaire
    >>> plan.long.groupby("client_id")["month"].count().tolist()
    [12, 4, 1]
    """
    check_columns(segments, [client_col, segment_col], argument="segments")
    check_no_missing(segments, [client_col, segment_col], argument="segments")
    check_number(year, "year", minimum=1, integer=True)
    sweep = _check_months(sweep_months, "sweep_months")
    check_choice(key_month_in_quarter, "key_month_in_quarter", (1, 2, 3))
    if segments.empty:
        raise KamDataError(t("errors.empty_table", file="segments"), file="segments")

    dup = segments[client_col].duplicated(keep=False)
    if dup.any():
        bad = first_rows(segments.index[dup])
        raise KamDataError(
            t("validate.duplicates", argument="segments", columns=client_col, n=int(dup.sum()), rows=bad),
            file="segments", column=client_col, rows=bad,
        )
    labels = segment_labels()
    code_of = {label: code for code, label in labels.items()}
    seg = segments[segment_col].astype(str).str.strip()
    unknown = ~seg.isin(list(code_of))
    if unknown.any():
        bad = first_rows(segments.index[unknown])
        raise KamDataError(
            t(
                "vip_plan.unknown_segment",
                column=segment_col,
                values=", ".join(sorted(set(seg[unknown]))),
                rows=bad,
                valid=", ".join(f'"{v}"' for v in labels.values()),
            ),
            file="segments", column=segment_col, rows=bad,
        )

    base = pd.DataFrame(
        {
            "client_id": segments[client_col].to_numpy(),
            "manager": (
                segments[manager_col].astype(str).to_numpy()
                if manager_col in segments.columns
                else np.full(len(segments), t("vip_plan.unassigned"))
            ),
            "segment": seg.to_numpy(),
            "code": seg.map(code_of).to_numpy(),
        }
    )
    if manager_col in segments.columns:
        check_no_missing(segments, [manager_col], argument="segments")
    order = base["code"].map({c: i for i, c in enumerate(_SEGMENT_CODES)})
    base = base.assign(_order=order).sort_values(["manager", "_order", "client_id"], kind="mergesort")
    position = base.groupby("manager").cumcount().to_numpy()
    base["sweep_month"] = np.asarray(sweep)[position % len(sweep)]
    base = base.drop(columns="_order").reset_index(drop=True)

    # one row per client and month, then keep the planned meetings (vectorised)
    grid = base.loc[base.index.repeat(12)].reset_index(drop=True)
    grid["month"] = np.tile(np.arange(1, 13), len(base))
    is_sweep = grid["month"] == grid["sweep_month"]
    quarter = (grid["month"] - 1) // 3
    sweep_quarter = (grid["sweep_month"] - 1) // 3
    key_meeting = (grid["code"] == "key") & ((grid["month"] - 1) % 3 == key_month_in_quarter - 1) & (
        quarter != sweep_quarter
    )
    mv_meeting = grid["code"] == "most_valuable"
    relationship = ~is_sweep & (key_meeting | mv_meeting)
    kind_q, kind_r = t("vip_plan.kind_questionnaire"), t("vip_plan.kind_relationship")
    grid["kind"] = np.where(is_sweep, kind_q, np.where(relationship, kind_r, ""))

    long = grid[grid["kind"] != ""].copy()
    long["year"] = int(year)
    long["with_questionnaire"] = long["kind"] == kind_q
    long["kind"] = long["kind"].astype("str")
    long = long[["client_id", "manager", "segment", "year", "month", "kind", "with_questionnaire"]].reset_index(drop=True)

    wide = grid.pivot(index="client_id", columns="month", values="kind")
    wide.columns = list(MONTHS)
    wide.columns.name = None
    calendars: dict[str, pd.DataFrame] = {}
    for manager, part in base.groupby("manager", sort=True):
        rows = wide.loc[part["client_id"].to_numpy()]
        cal = pd.concat([part.set_index("client_id")[["segment"]], rows], axis=1)
        cal.index.name = "client_id"
        calendars[str(manager)] = cal

    load = (
        long.pivot_table(index="manager", columns="month", values="client_id", aggfunc="count", fill_value=0)
        .reindex(columns=range(1, 13), fill_value=0)
        .astype(int)
    )
    load.columns = list(MONTHS)
    load["total"] = load.sum(axis=1)
    load.index.name = "manager"
    return ContactPlan(year=int(year), long=long, calendars=calendars, load=load)


# ---------------------------------------------------------------------------
# staffing
# ---------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class VipStaffing(Worked):
    """People the VIP programme needs; see :func:`vip_staffing`. Prints its arithmetic."""

    n_clients: int
    sweep_months: float
    weeks_per_month: float
    norm_alongside_sales: float
    norm_dedicated: float
    norm_regular: float
    n_key: int
    n_most_valuable: int
    sales_team: int | None
    sweep_weeks: float
    questionnaires_per_week: float
    dedicated_only: int
    alongside_only: int
    full_time: int | None
    part_time: int | None
    extra_dedicated: int | None
    regular_meetings_per_year: int
    regular_meetings_per_week: float
    permanent: int

    @property
    def title(self) -> str:  # type: ignore[override]
        return t("vip_staffing.title")

    def _lines(self) -> list[tuple[str, str, object]]:
        L = lambda key: t(f"vip_staffing.{key}")  # noqa: E731
        lines: list[tuple[str, str, object]] = [
            (L("sweep_weeks"), f"{fmt(self.sweep_months)} × {fmt(self.weeks_per_month)}", self.sweep_weeks),
            (L("per_week"), f"{fmt(self.n_clients)} / {fmt(self.sweep_weeks)}", self.questionnaires_per_week),
            (
                L("dedicated_only"),
                f"⌈{fmt(self.questionnaires_per_week)} / {fmt(self.norm_dedicated)}⌉",
                self.dedicated_only,
            ),
            (
                L("alongside_only"),
                f"⌈{fmt(self.questionnaires_per_week)} / {fmt(self.norm_alongside_sales)}⌉",
                self.alongside_only,
            ),
        ]
        if self.sales_team is not None:
            a, d, s = self.norm_alongside_sales, self.norm_dedicated, self.sales_team
            lines.append(
                (
                    L("full_time"),
                    f"⌈({fmt(self.questionnaires_per_week)} − {fmt(a)} × {s}) / ({fmt(d)} − {fmt(a)})⌉, 0…{s}",
                    self.full_time,
                )
            )
            lines.append((L("part_time"), f"{s} − {self.full_time}", self.part_time))
            if self.extra_dedicated:
                lines.append(
                    (
                        L("extra_dedicated"),
                        f"⌈({fmt(self.questionnaires_per_week)} − {fmt(d)} × {s}) / {fmt(d)}⌉",
                        self.extra_dedicated,
                    )
                )
        other_key = self.n_key - self.n_most_valuable
        lines += [
            (
                L("regular_per_year"),
                f"{self.n_most_valuable} × (12 − 1) + {other_key} × (4 − 1)",
                self.regular_meetings_per_year,
            ),
            (
                L("regular_per_week"),
                f"{fmt(self.regular_meetings_per_year)} / (12 × {fmt(self.weeks_per_month)})",
                self.regular_meetings_per_week,
            ),
            (
                L("permanent"),
                f"max(1, ⌈{fmt(self.regular_meetings_per_week)} / {fmt(self.norm_regular)}⌉)",
                self.permanent,
            ),
        ]
        return lines

    def _summary(self) -> str:
        permanent = (
            t("vip_staffing.permanent_one")
            if self.permanent == 1
            else t("vip_staffing.permanent_many", n=self.permanent, more=self.permanent - 1)
        )
        if self.sales_team is None:
            return t(
                "vip_staffing.summary_no_team",
                permanent=permanent,
                months=fmt(self.sweep_months),
                dedicated=self.dedicated_only,
                alongside=self.alongside_only,
            )
        text = t(
            "vip_staffing.summary_team",
            permanent=permanent,
            months=fmt(self.sweep_months),
            full_time=self.full_time,
            part_time=self.part_time,
        )
        if self.extra_dedicated:
            text += t("vip_staffing.summary_extra", extra=self.extra_dedicated)
        return text

    @property
    def summary(self) -> str:
        """One line: permanent staff, and the sweep team."""
        return self._summary()


def vip_staffing(
    n_clients: int,
    *,
    sweep_months: float = 3,
    weeks_per_month: float = 52 / 12,
    norm_alongside_sales: float = 5,
    norm_dedicated: float = 15,
    sales_team: int | None = None,
    n_key: int | None = None,
    n_most_valuable: int | None = None,
    key_client_share: float = 0.20,
    most_valuable_share: float = 0.20,
    norm_regular: float | None = None,
) -> VipStaffing:
    """People needed for the VIP programme: the annual sweep and the regular key-client contacts.

    The arithmetic (every step is printed by the result):

    1. sweep weeks = ``sweep_months`` × ``weeks_per_month`` (3 × 52/12 = 13);
    2. questionnaires a week = ``n_clients`` / sweep weeks (everyone once);
    3. staffing the sweep with dedicated people only = ⌈per week / 15⌉, or
       with sales staff alongside their sales work only = ⌈per week / 5⌉;
    4. with a sales team of ``sales_team`` people who all join (the source's
       case), the fewest full-time members F so that
       15·F + 5·(team − F) ≥ per week, i.e. F = ⌈(per week − 5·team) / (15 − 5)⌉
       (at least 0, at most the team); the rest work part-time; if even the
       whole team full-time is short, extra dedicated people are added;
    5. regular contacts outside the sweep: each most valuable client 12 − 1
       meetings a year, each other key account 4 − 1 (the sweep meeting is
       one of them); spread over the year's 52 weeks and divided by
       ``norm_regular`` they give the permanent staff, at least 1 — the
       programme head, who runs it all year (step 1 of the procedure).

    Parameters
    ----------
    n_clients : int
        All clients on the programme's list (everyone is met once a year).
    sweep_months : float, default 3
        Length of the sweep window (source: 2–3 months).
    weeks_per_month : float, default 52/12
        Working weeks per month (52 weeks a year; the course's convention, the
        source gives none).
    norm_alongside_sales : float, default 5
        Questionnaires a week from staff who also sell (source: at least 5).
    norm_dedicated : float, default 15
        Questionnaires a week from dedicated staff (source: at least 15).
    sales_team : int, optional
        Size of the sales team that joins the sweep; without it only the
        all-dedicated and all-alongside options are given.
    n_key, n_most_valuable : int, optional
        Key accounts and the most valuable among them; by default
        ``round(key_client_share × n_clients)`` and
        ``⌈most_valuable_share × n_key⌉``.
    key_client_share : float, default 0.20
        Share of clients that are key (Pareto: 20 % of clients, 80 % of revenue).
    most_valuable_share : float, default 0.20
        Share of key accounts met monthly (the course's choice, as in
        :func:`vip_segments`; the source gives no share).
    norm_regular : float, optional
        Relationship meetings a week one permanent person holds; by default
        ``norm_dedicated`` (the source gives a norm for questionnaires only —
        the course assumes a dedicated person's pace). The model counts the
        regular meetings as the permanent staff's work; :func:`contact_plan`
        gives the same meetings to each account's own manager. The source
        says only that fewer people are needed for them, not who holds them:
        read the result as the hours the meetings take.

    Returns
    -------
    VipStaffing
        Attributes ``permanent``, ``full_time``, ``part_time``,
        ``dedicated_only``, ``alongside_only`` … ; ``as_frame()`` lists the
        steps, ``summary`` says it in one line.

    Raises
    ------
    KamArgumentError
        A count or norm that is not a positive number, ``n_most_valuable`` >
        ``n_key`` or ``n_key`` > ``n_clients``.

    See Also
    --------
    vip_staffing_case : the source's case reproduced with these rules.
    contact_plan : the meetings month by month.

    Examples
    --------
    >>> s = vip_staffing(390, sweep_months=3)
    >>> s.questionnaires_per_week, s.dedicated_only, s.alongside_only
    (30.0, 2, 6)
    """
    check_number(n_clients, "n_clients", minimum=0, integer=True)
    check_number(sweep_months, "sweep_months", minimum=0, strict_minimum=True, maximum=12)
    check_number(weeks_per_month, "weeks_per_month", minimum=0, strict_minimum=True)
    check_number(norm_alongside_sales, "norm_alongside_sales", minimum=0, strict_minimum=True)
    check_number(norm_dedicated, "norm_dedicated", minimum=0, strict_minimum=True)
    if norm_dedicated <= norm_alongside_sales:
        raise KamArgumentError(
            t(
                "errors.bad_argument",
                argument="norm_dedicated",
                value=norm_dedicated,
                valid=t("vip_staffing.valid_norms", alongside=norm_alongside_sales),
            )
        )
    if sales_team is not None:
        check_number(sales_team, "sales_team", minimum=0, integer=True)
    check_number(key_client_share, "key_client_share", minimum=0, maximum=1)
    check_number(most_valuable_share, "most_valuable_share", minimum=0, maximum=1)
    norm_regular = norm_dedicated if norm_regular is None else norm_regular
    check_number(norm_regular, "norm_regular", minimum=0, strict_minimum=True)

    n_clients = int(n_clients)
    if n_key is None:
        n_key = int(round(key_client_share * n_clients))
    check_number(n_key, "n_key", minimum=0, maximum=n_clients, integer=True)
    if n_most_valuable is None:
        n_most_valuable = ceil(most_valuable_share * n_key)
    check_number(n_most_valuable, "n_most_valuable", minimum=0, maximum=n_key, integer=True)
    n_key, n_most_valuable = int(n_key), int(n_most_valuable)

    sweep_weeks = sweep_months * weeks_per_month
    per_week = n_clients / sweep_weeks
    dedicated_only = ceil(per_week / norm_dedicated)
    alongside_only = ceil(per_week / norm_alongside_sales)

    full_time = part_time = extra = None
    if sales_team is not None:
        team = int(sales_team)
        needed = ceil((per_week - norm_alongside_sales * team) / (norm_dedicated - norm_alongside_sales))
        full_time = min(max(0, needed), team)
        part_time = team - full_time
        extra = max(0, ceil((per_week - norm_dedicated * team) / norm_dedicated)) if needed > team else 0

    regular_year = n_most_valuable * (12 - 1) + (n_key - n_most_valuable) * (4 - 1)
    regular_week = regular_year / (12 * weeks_per_month)
    permanent = max(1, ceil(regular_week / norm_regular))

    return VipStaffing(
        n_clients=n_clients,
        sweep_months=sweep_months,
        weeks_per_month=weeks_per_month,
        norm_alongside_sales=norm_alongside_sales,
        norm_dedicated=norm_dedicated,
        norm_regular=norm_regular,
        n_key=n_key,
        n_most_valuable=n_most_valuable,
        sales_team=None if sales_team is None else int(sales_team),
        sweep_weeks=sweep_weeks,
        questionnaires_per_week=per_week,
        dedicated_only=dedicated_only,
        alongside_only=alongside_only,
        full_time=full_time,
        part_time=part_time,
        extra_dedicated=extra,
        regular_meetings_per_year=regular_year,
        regular_meetings_per_week=regular_week,
        permanent=permanent,
    )


CASE_CLIENTS = 700
"""Assumed size of the provider's corporate client list (the source gives no count)."""
CASE_SALES_TEAM = 6
"""Assumed size of its sales department (the source: "the whole sales department")."""


def vip_staffing_case() -> VipStaffing:
    """The provider's staffing of source 001, reproduced with :func:`vip_staffing`.

    The source: one person ran the programme all year (its head); once a year
    the whole sales department joined, three of them 100 % on the programme,
    the rest part-time. It gives no client count or team size; the course
    assumes **700 corporate clients** and a **sales team of 6**, with the
    source's norms (5 and 15 questionnaires a week) and a 3-month summer
    sweep:

    - 3 × 52/12 = 13 weeks; 700 / 13 ≈ 53.85 questionnaires a week;
    - 6 part-timers give 6 × 5 = 30; each one switched to full time adds
      15 − 5 = 10: ⌈(53.85 − 30) / 10⌉ = ⌈2.38⌉ = **3 full-time**, 3 part-time
      (3 × 15 + 3 × 5 = 60 ≥ 53.85, while 2 × 15 + 4 × 5 = 50 is short);
    - key accounts 20 % of 700 = 140, the most valuable ⌈0.2 × 140⌉ = 28:
      28 × 11 + 112 × 3 = 644 relationship meetings a year, 644 / 52 ≈ 12.4 a
      week ≤ 15: **1 permanent** person, the head.

    Any client list from about 651 to 780 (with this team) gives the same
    staffing: (n / 13 − 30) / 10 must lie in (2, 3].

    Returns
    -------
    VipStaffing

    Examples
    --------
    >>> case = vip_staffing_case()
    >>> case.permanent, case.full_time, case.part_time
    (1, 3, 3)
    >>> print(case.summary)
    1 permanent (the programme head) all year; for the 3-month sweep the whole sales team joins: 3 full-time, 3 part-time alongside sales
    """
    return vip_staffing(CASE_CLIENTS, sweep_months=3, sales_team=CASE_SALES_TEAM)


# ---------------------------------------------------------------------------
# splitting the client list (step 4)
# ---------------------------------------------------------------------------


def _as_bool(frame: pd.DataFrame, column: str, argument: str) -> pd.Series:
    """A yes/no column as bool; accepts bool, 0/1 and the words yes/no/true/false."""
    col = frame[column]
    if pd.api.types.is_bool_dtype(col):
        return col.astype(bool)
    words = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
    mapped = col.map(lambda v: words.get(str(v).strip().lower()) if pd.notna(v) else None)
    bad = mapped.isna()
    if bad.any():
        rows = first_rows(frame.index[bad])
        raise KamDataError(
            t("vip_split.not_bool", argument=argument, column=column, rows=rows,
              values=", ".join(map(repr, first_rows(col[bad])))),
            file=argument, column=column, rows=rows,
        )
    return mapped.astype(bool)


def split_clients(
    clients: pd.DataFrame,
    staff: Sequence[str],
    *,
    client_col: str = "client_id",
    won_by_col: str = "won_by",
    relationship_col: str = "has_relationship",
    sells_everything_col: str = "sells_everything",
    shields_col: str = "shields_client",
    weight_col: str | None = None,
    uncertain: str = "propose",
) -> pd.DataFrame:
    """Split the client list into personal lists by step 4 of the VIP procedure (source 001).

    Step 4 speaks in three voices, and the function keeps them apart:

    1. the person who won the client **shields** it from colleagues →
       it **must** be handed over to someone else (the source's only "must");
    2. the person who won it **has the personal relationship** and **sells the
       client everything possible** → it stays with them;
    3. otherwise there is no certainty that the client was worked to the
       full, and **possibly** someone else should run the programme with it —
       a judgement the source leaves to the programme head. The function
       does not make it: by default (``uncertain="propose"``) the client stays
       with the person who won it, and ``proposed_to`` names a colleague the
       head may give it to; ``uncertain="hand_over"`` records the head's
       decision to hand all of them over.

    A client won by someone who is not on the programme's staff (or by nobody
    on record) must go to someone who is — the course's practical rule, not
    the source's.

    Proposals are balanced as if every one were accepted: handed-over and
    proposed clients go heaviest first (by ``weight_col``, e.g. revenue, or
    one each) to the person with the smallest load so far — never back to the
    person who won them; ties go to the person listed first in ``staff``. The
    same input always gives the same split.

    Parameters
    ----------
    clients : DataFrame
        ``client_col``, ``won_by_col`` (who won the client; may be empty),
        ``relationship_col`` and ``shields_col`` (yes/no), and optionally
        ``sells_everything_col`` (yes/no; when absent the course assumes a
        person with the relationship sells everything possible) and
        ``weight_col``.
    staff : sequence of str
        The people working on the programme, in order of preference for ties.
    client_col, won_by_col, relationship_col, sells_everything_col, shields_col : str
        Column names.
    weight_col : str, optional
        Numeric column that measures a client's load (default: each client 1).
    uncertain : {"propose", "hand_over"}
        What happens to the clients of rule 3: ``"propose"`` (default) keeps
        them with the person who won them and proposes a colleague;
        ``"hand_over"`` hands them to the proposed colleague.

    Returns
    -------
    DataFrame
        One row per client, in input order: ``client_id``, ``won_by``,
        ``decision`` (``keep``, ``must_hand_over``, ``head_decides``),
        ``rule`` (``keep``, ``shields``, ``not_on_staff``, ``no_relationship``,
        ``not_selling_everything``), ``proposed_to`` (the colleague for a
        client that leaves or may leave its winner; empty for ``keep``),
        ``assigned_to``, ``kept`` (bool: ``assigned_to`` is the person who won
        it) and ``reason`` (a sentence). ``assigned_to`` and ``proposed_to``
        are empty when the staff has nobody else to take the client.

    Raises
    ------
    KamDataError
        Missing columns, a repeated client, or a yes/no column with other values.
    KamArgumentError
        An empty or repeated staff list, or an unknown ``uncertain``.

    Examples
    --------
    >>> import pandas as pd
    >>> clients = pd.DataFrame({
    ...     "client_id": ["c1", "c2", "c3"],
    ...     "won_by": ["Ann", "Ann", "Bob"],
    ...     "has_relationship": [True, False, True],
    ...     "shields_client": [False, False, True]})
    >>> split_clients(clients, ["Ann", "Bob", "Cid"])[["client_id", "decision", "proposed_to", "assigned_to"]]
      client_id        decision proposed_to assigned_to
    0        c1            keep         NaN         Ann
    1        c2    head_decides         Bob         Ann
    2        c3  must_hand_over         Cid         Cid
    """
    check_choice(uncertain, "uncertain", ("propose", "hand_over"))
    required = [client_col, won_by_col, relationship_col, shields_col]
    check_columns(clients, required + ([weight_col] if weight_col else []), argument="clients")
    check_no_missing(clients, [client_col], argument="clients")
    staff_list = [str(s) for s in (staff or [])]
    if not staff_list or len(set(staff_list)) != len(staff_list):
        raise KamArgumentError(t("errors.bad_argument", argument="staff", value=staff, valid=t("vip_split.valid_staff")))
    dup = clients[client_col].duplicated(keep=False)
    if dup.any():
        rows = first_rows(clients.index[dup])
        raise KamDataError(
            t("validate.duplicates", argument="clients", columns=client_col, n=int(dup.sum()), rows=rows),
            file="clients", column=client_col, rows=rows,
        )

    relationship = _as_bool(clients, relationship_col, "clients").to_numpy()
    shields = _as_bool(clients, shields_col, "clients").to_numpy()
    if sells_everything_col in clients.columns:
        sells = _as_bool(clients, sells_everything_col, "clients").to_numpy()
    else:
        sells = relationship.copy()
    if weight_col:
        check_no_missing(clients, [weight_col], argument="clients")
        weight = pd.to_numeric(clients[weight_col], errors="raise").to_numpy(dtype=float)
    else:
        weight = np.ones(len(clients))

    won_by = clients[won_by_col].to_numpy(dtype=object)
    won_text = np.array(["" if pd.isna(w) else str(w) for w in won_by], dtype=object)
    on_staff = np.isin(won_text, staff_list)

    rule = np.select(
        [shields, ~on_staff, ~relationship, ~sells],
        ["shields", "not_on_staff", "no_relationship", "not_selling_everything"],
        default="keep",
    )
    decision = np.select(
        [rule == "keep", np.isin(rule, ["shields", "not_on_staff"])],
        ["keep", "must_hand_over"],
        default="head_decides",
    )

    # proposals, balanced as if the head accepted every one of them
    load = {s: 0.0 for s in staff_list}
    for person, w in zip(won_text[decision == "keep"], weight[decision == "keep"]):
        load[person] += w
    ids = clients[client_col].astype(str).to_numpy()
    proposed = np.full(len(clients), None, dtype=object)
    todo = sorted(np.flatnonzero(decision != "keep"), key=lambda i: (-weight[i], ids[i]))  # heaviest first
    for i in todo:  # greedy balancing: a client list is hundreds of rows, not millions
        candidates = [s for s in staff_list if s != won_text[i]]
        if not candidates:
            continue
        person = min(candidates, key=lambda s: (load[s], staff_list.index(s)))
        proposed[i] = person
        load[person] += weight[i]

    stays = (decision == "keep") | ((decision == "head_decides") & (uncertain == "propose"))
    assigned = np.where(stays, won_text, proposed).astype(object)

    reasons = []
    for r, d, who, to, stay in zip(rule, decision, won_text, proposed, stays):
        if r == "not_on_staff" and not who:
            text = t("vip_split.reason_no_winner")
        else:
            text = t(f"vip_split.reason_{r}", won_by=who)
        if d != "keep" and to is None:
            text += " " + t("vip_split.reason_nobody_else")
        elif d == "head_decides":
            key = "vip_split.reason_proposed" if stay else "vip_split.reason_handed_over"
            text += " " + t(key, won_by=who, proposed=to)
        reasons.append(text)

    return pd.DataFrame(
        {
            "client_id": clients[client_col].to_numpy(),
            "won_by": pd.array([w if w else None for w in won_text], dtype="str"),
            "decision": pd.array(decision, dtype="str"),
            "rule": pd.array(rule, dtype="str"),
            "proposed_to": pd.array(list(proposed), dtype="str"),
            "assigned_to": pd.array([a if a else None for a in assigned], dtype="str"),
            "kept": stays & (won_text != ""),
            "reason": pd.array(reasons, dtype="str"),
        }
    )

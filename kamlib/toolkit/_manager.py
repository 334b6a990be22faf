"""The key-account manager: capacity, effectiveness, funnels, pay, duties and training.

Sources 003 and 004 (module M10 of the course). One manager cannot handle
more than three key clients; seven criteria show whether a manager works
well; about 20 meetings a day is excellent in everyday consumer goods, 1–2 in
B2B, and about one prospect in ten signs; in Moscow about one invited
candidate in five comes to an interview. The reference lists (duties, skills,
training stages, pay levels, management mistakes) are tidy tables for the
course notebooks.

Public functions: :func:`manager_capacity`, :func:`effectiveness_criteria`,
:func:`manager_scorecard`, :func:`meeting_norms`, :func:`opportunity_funnel`,
:func:`hiring_funnel`, :func:`pay_levels`, :func:`manager_duties`,
:func:`manager_skills`, :func:`training_stages`, :func:`management_mistakes`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._errors import KamArgumentError, KamDataError
from .._validate import check_choice, check_columns, check_no_missing, check_number, first_rows
from ..labels import t
from ._worked import Worked, ceil, fmt

__all__ = [
    "manager_capacity",
    "effectiveness_criteria",
    "manager_scorecard",
    "meeting_norms",
    "opportunity_funnel",
    "OpportunityFunnel",
    "hiring_funnel",
    "HiringFunnel",
    "pay_levels",
    "manager_duties",
    "manager_skills",
    "training_stages",
    "management_mistakes",
]

MAX_KEY_ACCOUNTS = 3
"""The classic rule (003): one manager cannot handle more than 3 key clients."""

MEETINGS_PER_DAY = {"consumer_goods": (20.0, 20.0), "b2b": (1.0, 2.0)}
"""Meetings a day (low, high) by sector (003): about 20 is excellent in everyday consumer goods, 1–2 in B2B."""

CONVERSION = 0.10
"""About one contract per ten prospects (003: criteria 5 and 7)."""


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].astype("str")
    return frame


# ---------------------------------------------------------------------------
# capacity
# ---------------------------------------------------------------------------


def manager_capacity(
    managers: pd.DataFrame | None = None,
    *,
    assignments: pd.DataFrame | None = None,
    max_key_accounts: int = MAX_KEY_ACCOUNTS,
    name_col: str = "name",
    key_accounts_col: str = "key_accounts",
    manager_col: str = "manager",
    client_col: str = "client_id",
) -> pd.DataFrame:
    """Who runs more key accounts than one person can handle (source 003: no more than 3).

    The key accounts of each manager come either from the canonical
    ``managers`` table (its ``key_accounts`` column: client ids separated by
    ``|``) or from ``assignments`` — any table with one row per key account
    and its manager, e.g. the clients table filtered to the key accounts.
    When both are given, ``assignments`` decide and ``managers`` adds the
    people who have none. A client listed twice for the same manager counts once.

    Parameters
    ----------
    managers : DataFrame, optional
        Canonical ``managers`` (``name``, ``key_accounts``).
    assignments : DataFrame, optional
        ``manager_col`` and ``client_col``.
    max_key_accounts : int, default 3
        The capacity of one manager (003, "the classic rule").
    name_col, key_accounts_col, manager_col, client_col : str
        Column names.

    Returns
    -------
    DataFrame
        One row per manager, the most overloaded first: ``manager``,
        ``n_key_accounts``, ``key_accounts`` ("id|id"), ``capacity``,
        ``over_by``, ``over_capacity`` (bool) and ``status`` (a label).

    Raises
    ------
    KamArgumentError
        Neither table given, or a bad capacity.
    KamDataError
        Missing columns or empty manager names.

    Examples
    --------
    >>> import pandas as pd
    >>> managers = pd.DataFrame({"name": ["Ann", "Bob"], "key_accounts": ["C1|C2|C3|C4|C5", "C6"]})
    >>> manager_capacity(managers)[["manager", "n_key_accounts", "over_by", "status"]]
      manager  n_key_accounts  over_by           status
    0     Ann               5        2    over capacity
    1     Bob               1        0  within capacity
    """
    check_number(max_key_accounts, "max_key_accounts", minimum=1, integer=True)
    if managers is None and assignments is None:
        raise KamArgumentError(t("kam_capacity.need_table"))
    roster: list[str] = []
    if managers is not None:
        check_columns(managers, [name_col], argument="managers")
        check_no_missing(managers, [name_col], argument="managers")
        roster = managers[name_col].astype(str).tolist()
    if assignments is not None:
        check_columns(assignments, [manager_col, client_col], argument="assignments")
        check_no_missing(assignments, [manager_col, client_col], argument="assignments")
        pairs = pd.DataFrame(
            {"manager": assignments[manager_col].astype(str), "client_id": assignments[client_col].astype(str)}
        )
    else:
        check_columns(managers, [key_accounts_col], argument="managers")
        text = managers[key_accounts_col].fillna("").astype(str)
        exploded = pd.DataFrame({"manager": roster, "client_id": text.str.split("|").to_list()}).explode("client_id")
        exploded["client_id"] = exploded["client_id"].astype(str).str.strip()
        pairs = exploded[exploded["client_id"].ne("") & exploded["client_id"].ne("nan")]
    pairs = pairs.drop_duplicates()
    per = (
        pairs.groupby("manager", sort=True)["client_id"]
        .agg(n_key_accounts="size", key_accounts=lambda s: "|".join(sorted(s)))
        .reset_index()
    )
    missing = sorted(set(roster) - set(per["manager"]))
    if missing:
        per = pd.concat(
            [per, pd.DataFrame({"manager": missing, "n_key_accounts": 0, "key_accounts": ""})], ignore_index=True
        )
    per["capacity"] = int(max_key_accounts)
    per["over_by"] = (per["n_key_accounts"] - per["capacity"]).clip(lower=0).astype(int)
    per["over_capacity"] = per["over_by"] > 0
    per["status"] = np.where(per["over_capacity"], t("kam_capacity.over"), t("kam_capacity.within"))
    per = per.sort_values(["over_by", "n_key_accounts", "manager"], ascending=[False, False, True], kind="mergesort")
    for col in ("manager", "key_accounts", "status"):
        per[col] = per[col].astype("str")
    per["n_key_accounts"] = per["n_key_accounts"].astype(int)
    return per.reset_index(drop=True)[
        ["manager", "n_key_accounts", "key_accounts", "capacity", "over_by", "over_capacity", "status"]
    ]


# ---------------------------------------------------------------------------
# the seven effectiveness criteria
# ---------------------------------------------------------------------------

# number, code, measure column(s)
_CRITERIA = (
    (1, "events", "events_attended"),
    (2, "alternating_days", "alternates_days"),
    (3, "asks_referrals", "referral_ask_share"),
    (4, "meetings", "meetings_per_day"),
    (5, "decision_maker", "prospects_met, contracts_signed"),
    (6, "over_fulfils_plan", "plan_fulfilment"),
    (7, "funnel", "funnel_prospects, contracts_planned"),
)


def effectiveness_criteria() -> pd.DataFrame:
    """The seven criteria of an effective key-account manager (source 003).

    The source numbers seven and its text lacks the heading of the third;
    the course restores it from the paragraph that stands in its place:
    the manager asks every client for referrals instead of waiting for them.

    Returns
    -------
    DataFrame
        ``number``, ``criterion_id``, ``criterion``, ``description`` and
        ``measured_by`` (the column(s) :func:`manager_scorecard` reads).

    Examples
    --------
    >>> effectiveness_criteria()["criterion_id"].tolist()
    ['events', 'alternating_days', 'asks_referrals', 'meetings', 'decision_maker', 'over_fulfils_plan', 'funnel']
    """
    return _frame(
        [
            {
                "number": n,
                "criterion_id": code,
                "criterion": t(f"kam_criteria.{code}"),
                "description": t(f"kam_criteria.{code}_description"),
                "measured_by": cols,
            }
            for n, code, cols in _CRITERIA
        ]
    )


def meeting_norms() -> pd.DataFrame:
    """Meetings a day that source 003 calls an excellent result, by sector (not a minimum).

    Returns
    -------
    DataFrame
        ``sector`` (``consumer_goods``, ``b2b``), ``sector_name``,
        ``meetings_per_day_low``, ``meetings_per_day_high``, ``note``.

    Examples
    --------
    >>> meeting_norms()[["sector", "meetings_per_day_low", "meetings_per_day_high"]]
               sector  meetings_per_day_low  meetings_per_day_high
    0  consumer_goods                  20.0                   20.0
    1             b2b                   1.0                    2.0
    """
    return _frame(
        [
            {
                "sector": code,
                "sector_name": t(f"kam_funnels.sector_{code}"),
                "meetings_per_day_low": low,
                "meetings_per_day_high": high,
                "note": t(f"kam_funnels.sector_{code}_note"),
            }
            for code, (low, high) in MEETINGS_PER_DAY.items()
        ]
    )


def _numeric_column(frame: pd.DataFrame, column: str, argument: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna()
    if bad.any():
        rows = first_rows(frame.index[bad])
        raise KamDataError(
            t("kam_criteria.not_numeric", argument=argument, column=column, rows=rows,
              values=", ".join(map(repr, first_rows(frame.loc[bad, column])))),
            file=argument, column=column, rows=rows,
        )
    return values.astype(float)


def manager_scorecard(
    measures: pd.DataFrame,
    *,
    sector: str = "b2b",
    min_events: float = 1,
    min_referral_share: float = 1.0,
    min_conversion: float = CONVERSION,
    min_plan_fulfilment: float = 1.0,
    funnel_conversion: float = CONVERSION,
    min_meetings_per_day: float | None = None,
    manager_col: str = "manager",
) -> pd.DataFrame:
    """Score managers on the seven effectiveness criteria of source 003.

    Each criterion compares one measured value with a norm (met when the
    value is at least the norm):

    ===  ==================================  ==========================================  =======================
    no.  criterion                           value (columns of ``measures``)             norm (keyword)
    ===  ==================================  ==========================================  =======================
    1    attends events, shows               ``events_attended`` in the period           ``min_events`` = 1
    2    alternates call and meeting days    ``alternates_days`` (yes/no as 1/0)         1 (yes)
    3    asks every client for referrals     ``referral_ask_share`` (0–1)                ``min_referral_share`` = 1
    4    meetings a day                      ``meetings_per_day``                        1 in B2B, 20 in consumer goods
    5    reaches the decision-maker          ``contracts_signed`` / ``prospects_met``    ``min_conversion`` = 0.10
    6    over-fulfils the plan               ``plan_fulfilment`` (actual / plan)         ``min_plan_fulfilment`` = 1
    7    builds an opportunity funnel        ``funnel_prospects`` / ``contracts_planned`` 1 / ``funnel_conversion`` = 10
    ===  ==================================  ==========================================  =======================

    Every norm is the course's choice of a pass mark. The source's numbers
    are not pass marks: for criterion 4 it calls about 20 meetings a day an
    *excellent* result in consumer goods and 1–2 a day an excellent one in
    B2B (the course takes the low end); for criterion 5 it mentions one
    contract per ten potential clients as what is usual *in consulting*, a
    caveat, and the course borrows it as the pass mark; only criterion 7's
    "of ten prospects at least one signs" is stated as the rule. For the
    others the course takes the plainest reading (at least one event, every
    client asked, the plan at least met). A missing column or an empty cell
    leaves that criterion unjudged (``met`` is empty), not failed.

    Parameters
    ----------
    measures : DataFrame
        One row per manager: ``manager_col`` and any of the value columns;
        an optional ``sector`` column overrides ``sector`` per manager.
    sector : {"b2b", "consumer_goods"}, default "b2b"
        Chooses the meeting norm: the low end of :func:`meeting_norms`.
    min_events, min_referral_share, min_conversion, min_plan_fulfilment : float
        Norms of criteria 1, 3, 5 and 6.
    funnel_conversion : float, default 0.10
        Criterion 7: prospects needed per planned contract = 1 / this.
    min_meetings_per_day : float, optional
        Overrides the sector's meeting norm for everyone.
    manager_col : str
        Column with the manager's name.

    Returns
    -------
    DataFrame
        One row per manager and criterion: ``manager``, ``number``,
        ``criterion``, ``value``, ``norm``, ``met`` (nullable boolean).
        ``pivot(index="manager", columns="number", values="met")`` gives the card.

    Raises
    ------
    KamDataError
        Missing manager column or names, text in a value column.
    KamArgumentError
        Unknown sector or a bad norm.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"manager": ["Ann"], "meetings_per_day": [1.5],
    ...                   "prospects_met": [40], "contracts_signed": [3]})
    >>> card = manager_scorecard(m)
    >>> card.loc[card["number"].isin([4, 5]), ["number", "value", "norm", "met"]]
       number  value  norm    met
    3       4  1.500   1.0   True
    4       5  0.075   0.1  False
    """
    check_columns(measures, [manager_col], argument="measures")
    check_no_missing(measures, [manager_col], argument="measures")
    check_choice(sector, "sector", tuple(MEETINGS_PER_DAY))
    for name, value in (
        ("min_events", min_events),
        ("min_referral_share", min_referral_share),
        ("min_plan_fulfilment", min_plan_fulfilment),
    ):
        check_number(value, name, minimum=0)
    check_number(min_conversion, "min_conversion", minimum=0, maximum=1)
    check_number(funnel_conversion, "funnel_conversion", minimum=0, strict_minimum=True, maximum=1)
    if min_meetings_per_day is not None:
        check_number(min_meetings_per_day, "min_meetings_per_day", minimum=0)

    n = len(measures)
    nan = pd.Series(np.nan, index=measures.index)

    def col(name: str) -> pd.Series:
        return _numeric_column(measures, name, "measures") if name in measures.columns else nan

    if "sector" in measures.columns:
        sectors = measures["sector"].fillna(sector).astype(str).str.strip().str.lower()
        unknown = ~sectors.isin(list(MEETINGS_PER_DAY))
        if unknown.any():
            rows = first_rows(measures.index[unknown])
            raise KamDataError(
                t("kam_criteria.bad_sector", rows=rows, values=", ".join(sorted(set(sectors[unknown]))),
                  valid=", ".join(MEETINGS_PER_DAY)),
                file="measures", column="sector", rows=rows,
            )
    else:
        sectors = pd.Series(sector, index=measures.index)
    meeting_norm = (
        pd.Series(float(min_meetings_per_day), index=measures.index)
        if min_meetings_per_day is not None
        else sectors.map({k: v[0] for k, v in MEETINGS_PER_DAY.items()}).astype(float)
    )
    if "alternates_days" in measures.columns:
        raw = measures["alternates_days"]
        words = {"true": 1.0, "yes": 1.0, "1": 1.0, "1.0": 1.0, "false": 0.0, "no": 0.0, "0": 0.0, "0.0": 0.0}
        alternates = raw.map(lambda v: words.get(str(v).strip().lower(), -1.0) if pd.notna(v) else np.nan)
        bad = alternates == -1.0
        if bad.any():
            rows = first_rows(measures.index[bad])
            raise KamDataError(
                t("kam_criteria.not_bool", rows=rows, values=", ".join(map(repr, first_rows(raw[bad])))),
                file="measures", column="alternates_days", rows=rows,
            )
        alternates = alternates.astype(float)
    else:
        alternates = nan

    prospects, contracts = col("prospects_met"), col("contracts_signed")
    conversion = (contracts / prospects.where(prospects > 0)).where(prospects.notna() & contracts.notna())
    conversion = conversion.where(~((prospects == 0) & contracts.notna()), 0.0)  # no prospects met: 0
    funnel, planned = col("funnel_prospects"), col("contracts_planned")
    per_contract = funnel / planned.where(planned > 0)

    values = [
        col("events_attended"),
        alternates,
        col("referral_ask_share"),
        col("meetings_per_day"),
        conversion,
        col("plan_fulfilment"),
        per_contract,
    ]
    norms = [
        pd.Series(float(min_events), index=measures.index),
        pd.Series(1.0, index=measures.index),
        pd.Series(float(min_referral_share), index=measures.index),
        meeting_norm,
        pd.Series(float(min_conversion), index=measures.index),
        pd.Series(float(min_plan_fulfilment), index=measures.index),
        pd.Series(1.0 / funnel_conversion, index=measures.index),
    ]
    managers = measures[manager_col].astype(str).to_numpy()
    blocks = []
    for (number, code, _), value, norm in zip(_CRITERIA, values, norms):
        v = value.to_numpy(dtype=float)
        nm = norm.to_numpy(dtype=float)
        met = pd.array(np.where(np.isnan(v), None, v >= nm - 1e-12), dtype="boolean")
        blocks.append(
            pd.DataFrame(
                {
                    "manager": managers,
                    "number": number,
                    "criterion": t(f"kam_criteria.{code}"),
                    "value": v,
                    "norm": nm,
                    "met": met,
                    "_pos": np.arange(n),
                }
            )
        )
    out = pd.concat(blocks, ignore_index=True).sort_values(["_pos", "number"], kind="mergesort")
    out = out.drop(columns="_pos").reset_index(drop=True)
    out["manager"] = out["manager"].astype("str")
    out["criterion"] = out["criterion"].astype("str")
    return out


# ---------------------------------------------------------------------------
# funnels
# ---------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class OpportunityFunnel(Worked):
    """Prospects, meetings and working days behind a number of contracts; see :func:`opportunity_funnel`."""

    contracts_wanted: int
    conversion: float
    prospects: int
    meetings_per_prospect: float
    meetings: int
    meetings_per_day_low: float
    meetings_per_day_high: float
    working_days_low: int
    working_days_high: int

    @property
    def title(self) -> str:  # type: ignore[override]
        return t("kam_funnels.opportunity_title")

    def _lines(self) -> list[tuple[str, str, object]]:
        L = lambda key: t(f"kam_funnels.{key}")  # noqa: E731
        lines: list[tuple[str, str, object]] = [
            (L("prospects"), f"⌈{self.contracts_wanted} / {fmt(self.conversion)}⌉", self.prospects),
            (L("meetings"), f"⌈{self.prospects} × {fmt(self.meetings_per_prospect)}⌉", self.meetings),
        ]
        if self.meetings_per_day_low == self.meetings_per_day_high:
            lines.append((L("days"), f"⌈{self.meetings} / {fmt(self.meetings_per_day_low)}⌉", self.working_days_high))
        else:
            lines.append((L("days_fast"), f"⌈{self.meetings} / {fmt(self.meetings_per_day_high)}⌉", self.working_days_low))
            lines.append((L("days_slow"), f"⌈{self.meetings} / {fmt(self.meetings_per_day_low)}⌉", self.working_days_high))
        return lines

    def _summary(self) -> str:
        days = (
            str(self.working_days_high)
            if self.working_days_low == self.working_days_high
            else f"{self.working_days_low}–{self.working_days_high}"
        )
        return t("kam_funnels.opportunity_summary", contracts=self.contracts_wanted, prospects=self.prospects,
                 meetings=self.meetings, days=days)


def opportunity_funnel(
    contracts_wanted: int,
    conversion: float = CONVERSION,
    *,
    sector: str = "b2b",
    meetings_per_prospect: float = 1,
    meetings_per_day: float | None = None,
) -> OpportunityFunnel:
    """How many prospects, meetings and working days a number of contracts takes (source 003).

    Of ten prospects at least one signs (criterion 7; "one contract per ten
    potential clients" is normal in consulting, criterion 5). prospects =
    ⌈contracts / conversion⌉; meetings = ⌈prospects × meetings per prospect⌉;
    working days = ⌈meetings / meetings a day⌉ at the sector's norm — a range
    for B2B (1–2 a day) unless ``meetings_per_day`` is given.

    Parameters
    ----------
    contracts_wanted : int
        Contracts to sign.
    conversion : float, default 0.10
        Share of prospects that sign.
    sector : {"b2b", "consumer_goods"}, default "b2b"
        Meeting norm of :func:`meeting_norms`.
    meetings_per_prospect : float, default 1
        Meetings held with each prospect.
    meetings_per_day : float, optional
        Your own pace instead of the sector's norm.

    Returns
    -------
    OpportunityFunnel
        Prints its arithmetic; ``as_frame()`` lists the steps.

    Raises
    ------
    KamArgumentError
        Bad counts, rates or sector.

    Examples
    --------
    >>> f = opportunity_funnel(3)
    >>> f.prospects, f.meetings, f.working_days_low, f.working_days_high
    (30, 30, 15, 30)
    """
    check_number(contracts_wanted, "contracts_wanted", minimum=0, integer=True)
    check_number(conversion, "conversion", minimum=0, strict_minimum=True, maximum=1)
    check_choice(sector, "sector", tuple(MEETINGS_PER_DAY))
    check_number(meetings_per_prospect, "meetings_per_prospect", minimum=0, strict_minimum=True)
    if meetings_per_day is not None:
        check_number(meetings_per_day, "meetings_per_day", minimum=0, strict_minimum=True)
        low = high = float(meetings_per_day)
    else:
        low, high = MEETINGS_PER_DAY[sector]
    prospects = ceil(int(contracts_wanted) / conversion)
    meetings = ceil(prospects * meetings_per_prospect)
    return OpportunityFunnel(
        contracts_wanted=int(contracts_wanted),
        conversion=float(conversion),
        prospects=prospects,
        meetings_per_prospect=float(meetings_per_prospect),
        meetings=meetings,
        meetings_per_day_low=low,
        meetings_per_day_high=high,
        working_days_low=ceil(meetings / high),
        working_days_high=ceil(meetings / low),
    )


@dataclass(frozen=True, repr=False)
class HiringFunnel(Worked):
    """Candidates to screen and invite for a number of interviews; see :func:`hiring_funnel`."""

    interviews_wanted: int
    show_rate: float
    invitations: int
    screened_per_invitation: float
    screened: int

    @property
    def title(self) -> str:  # type: ignore[override]
        return t("kam_funnels.hiring_title")

    def _lines(self) -> list[tuple[str, str, object]]:
        L = lambda key: t(f"kam_funnels.{key}")  # noqa: E731
        return [
            (L("invitations"), f"⌈{self.interviews_wanted} / {fmt(self.show_rate)}⌉", self.invitations),
            (L("screened"), f"⌈{self.invitations} × {fmt(self.screened_per_invitation)}⌉", self.screened),
        ]

    def _summary(self) -> str:
        return t("kam_funnels.hiring_summary", interviews=self.interviews_wanted, invitations=self.invitations,
                 screened=self.screened)


def hiring_funnel(
    interviews_wanted: int = 5,
    *,
    show_rate: float = 0.20,
    screened_per_invitation: float = 5,
) -> HiringFunnel:
    """How many candidates to invite and to screen for a number of interviews (source 003).

    The source: in Moscow about **1 in 5** invited candidates comes, even after
    reminder calls; "to hold 5 real interviews a day, plan **15–20**"; to
    choose whom to invite, screen **about 100** candidates; the market has
    roughly three vacancies per CV. Its numbers do not quite agree: 1 in 5
    needs 25 invitations for 5 interviews, while 15–20 corresponds to 1 in 3
    to 1 in 4 (``show_rate`` 0.25–0.33). The function does the arithmetic for
    the rate you give (default the source's 1 in 5) and the course shows both.
    ``screened_per_invitation`` = 100 / 20 = 5 reads "about 100 screened to
    invite 15–20" at its upper end.

    Parameters
    ----------
    interviews_wanted : int, default 5
        Interviews to hold (the source: 5 a day).
    show_rate : float, default 0.20
        Share of invited candidates who come (1 in 5).
    screened_per_invitation : float, default 5
        CVs screened per invitation sent.

    Returns
    -------
    HiringFunnel
        ``invitations = ⌈interviews / show_rate⌉``,
        ``screened = ⌈invitations × screened_per_invitation⌉``; prints its arithmetic.

    Raises
    ------
    KamArgumentError
        Bad counts or rates.

    Examples
    --------
    >>> hiring_funnel().invitations, hiring_funnel().screened
    (25, 125)
    >>> h = hiring_funnel(5, show_rate=0.25)
    >>> h.invitations, h.screened
    (20, 100)
    """
    check_number(interviews_wanted, "interviews_wanted", minimum=0, integer=True)
    check_number(show_rate, "show_rate", minimum=0, strict_minimum=True, maximum=1)
    check_number(screened_per_invitation, "screened_per_invitation", minimum=1)
    invitations = ceil(int(interviews_wanted) / show_rate)
    return HiringFunnel(
        interviews_wanted=int(interviews_wanted),
        show_rate=float(show_rate),
        invitations=invitations,
        screened_per_invitation=float(screened_per_invitation),
        screened=ceil(invitations * screened_per_invitation),
    )


# ---------------------------------------------------------------------------
# reference tables
# ---------------------------------------------------------------------------

CITIES = ("moscow", "st_petersburg", "yekaterinburg", "nizhny_novgorod")

# level -> (bound, {city: (min, max)}) in thousand roubles a month (003)
_PAY = {
    1: ("range", {"moscow": (25, 30), "st_petersburg": (20, 23), "yekaterinburg": (15, 20), "nizhny_novgorod": (12, 15)}),
    2: ("up_to", {"moscow": (None, 40), "st_petersburg": (None, 30), "yekaterinburg": (None, 25), "nizhny_novgorod": (None, 20)}),
    3: ("up_to", {"moscow": (None, 60), "st_petersburg": (None, 47), "yekaterinburg": (None, 38), "nizhny_novgorod": (None, 28)}),
    4: ("single", {"moscow": (120, 120), "st_petersburg": (95, 95), "yekaterinburg": (75, 75), "nizhny_novgorod": (55, 55)}),
}
_MIN_YEARS = {1: 0, 2: 1, 3: 2, 4: 3}


def pay_levels() -> pd.DataFrame:
    """Monthly pay of account managers by level and city, as the source gives it (003).

    Thousand roubles a month. The source states level 1 as ranges, levels 2
    and 3 as "up to" a figure (so ``min_pay`` is empty: the source gives no
    lower bound), and level 4 as one figure per city (``min_pay`` =
    ``max_pay``); the ``bound`` column says which.

    Returns
    -------
    DataFrame
        16 rows: ``level``, ``level_name``, ``min_years``, ``requirements``,
        ``city_id``, ``city``, ``min_pay``, ``max_pay``, ``bound``, ``unit``.

    Examples
    --------
    >>> p = pay_levels()
    >>> p.loc[p["city_id"] == "moscow", ["level", "min_pay", "max_pay"]]
        level  min_pay  max_pay
    0       1     25.0     30.0
    4       2      NaN     40.0
    8       3      NaN     60.0
    12      4    120.0    120.0
    """
    rows = []
    for level, (bound, cities) in _PAY.items():
        for city in CITIES:
            low, high = cities[city]
            rows.append(
                {
                    "level": level,
                    "level_name": t(f"kam_pay.level_{level}"),
                    "min_years": _MIN_YEARS[level],
                    "requirements": t(f"kam_pay.level_{level}_requirements"),
                    "city_id": city,
                    "city": t(f"kam_pay.city_{city}"),
                    "min_pay": np.nan if low is None else float(low),
                    "max_pay": float(high),
                    "bound": t(f"kam_pay.bound_{bound}"),
                    "unit": t("kam_pay.unit"),
                }
            )
    return _frame(rows)


def _numbered(section: str, n: int, column: str) -> pd.DataFrame:
    return _frame([{"number": i, column: t(f"{section}.item_{i}")} for i in range(1, n + 1)])


def manager_duties() -> pd.DataFrame:
    """The twenty duties of a client manager (source 003), numbered.

    Examples
    --------
    >>> len(manager_duties())
    20
    """
    return _numbered("kam_duties", 20, "duty")


_SKILLS = (  # (kind, code, the sources that name it)
    ("skill", "product", "003, 004"),
    ("skill", "selling", "004"),
    ("skill", "client_business", "004"),
    ("skill", "anticipation", "004"),
    ("skill", "communication", "003, 004"),
    ("skill", "analysis", "003, 004"),
    ("skill", "intellect", "004"),
    ("skill", "quick_decisions", "003"),
    ("skill", "phone", "003"),
    ("skill", "tact", "003"),
    ("skill", "patience", "003"),
    ("skill", "dedication", "003"),
    ("skill", "teamwork", "003"),
    ("skill", "learning", "003"),
    ("knowledge", "management", "003"),
    ("knowledge", "marketing", "003"),
    ("knowledge", "administration", "003"),
    ("knowledge", "law", "003"),
    ("knowledge", "psychology", "003"),
    ("knowledge", "communication_methods", "003"),
    ("knowledge", "company_work", "003"),
    ("knowledge", "presentations", "003"),
    ("knowledge", "contracts", "003"),
    ("knowledge", "business_knowledge", "004"),
    ("knowledge", "languages", "003, 004"),
    ("education", "education_003", "003"),
    ("education", "education_004", "004"),
)


def manager_skills() -> pd.DataFrame:
    """What a client manager must be able to do and know, and the education asked for (sources 003, 004).

    Source 003 describes the client manager in general, source 004 the key-account manager; the ``source``
    column says which source names each item, so that the course's adaptation of 003 to the key-account
    manager stays visible.

    Returns
    -------
    DataFrame
        27 rows: ``number``, ``kind`` (skill, knowledge or education, a label), ``skill_id``, ``skill``,
        ``source`` (``003``, ``004`` or ``003, 004``).

    Examples
    --------
    >>> manager_skills().groupby("kind").size().to_dict()
    {'education': 2, 'knowledge': 11, 'skill': 14}
    """
    return _frame(
        [
            {"number": i, "kind": t(f"kam_skills.kind_{kind}"), "skill_id": code, "skill": t(f"kam_skills.{code}"),
             "source": src}
            for i, (kind, code, src) in enumerate(_SKILLS, start=1)
        ]
    )


def training_stages() -> pd.DataFrame:
    """The four stages of training a new client manager (source 003).

    Returns
    -------
    DataFrame
        ``stage`` (1–4), ``name``, ``duration``, ``content``.

    Examples
    --------
    >>> training_stages()["stage"].tolist()
    [1, 2, 3, 4]
    """
    return _frame(
        [
            {
                "stage": i,
                "name": t(f"kam_training.stage_{i}"),
                "duration": t(f"kam_training.stage_{i}_duration"),
                "content": t(f"kam_training.stage_{i}_content"),
            }
            for i in range(1, 5)
        ]
    )


def management_mistakes() -> pd.DataFrame:
    """Common mistakes in managing key accounts (source 003): four, numbered.

    Examples
    --------
    >>> len(management_mistakes())
    4
    """
    return _numbered("kam_mistakes", 4, "mistake")

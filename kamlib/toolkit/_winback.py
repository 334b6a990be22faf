"""Losing and winning back key clients: reasons, the competitor SWOT, the deal's real economics.

Sources 003 and 004 (module M8 of the course). Why a client left decides
whether it can come back and what to do next; a client lost over terms can be
won back without a discount by showing — with a SWOT of the competitor and the
*whole* cost of the competitor's deal — that the lower price is not the gain
it looks like. The wood-panel plant did exactly that: counting every implicit
cost, the client's gain was negligible; the report reached the client within
two days and the client came back in full.

Public functions: :func:`lost_reasons`, :func:`lost_client_causes`,
:func:`lost_client_mistakes`, :class:`CompetitorSWOT`, :func:`tows`,
:func:`deal_economics`, :func:`deal_lines`, :func:`counter_offer_report`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._errors import KamArgumentError, KamDataError
from .._validate import check_choice, check_columns, check_no_missing, check_number, first_rows
from ..labels import t

__all__ = [
    "lost_reasons",
    "lost_client_causes",
    "lost_client_mistakes",
    "CompetitorSWOT",
    "tows",
    "deal_economics",
    "deal_lines",
    "counter_offer_report",
]


# ---------------------------------------------------------------------------
# reference tables
# ---------------------------------------------------------------------------

_REASONS = (  # (code, can be won back as a buyer)
    ("better_offer", True),
    ("unhappy_with_service", True),
    ("no_longer_needs", False),
    ("personal_hostility", False),
)


def lost_reasons() -> pd.DataFrame:
    """Why a client left, whether it can come back, and the next step (sources 003, 004).

    Returns
    -------
    DataFrame
        Four rows, one per reason: ``reason_id``, ``reason``, ``can_win_back``
        (as a buyer), ``recoverability`` and ``next_step`` — the "what if…"
        meeting, leaving well, or asking for a referral.

    Examples
    --------
    >>> lost_reasons()[["reason_id", "can_win_back"]]
                  reason_id  can_win_back
    0          better_offer          True
    1  unhappy_with_service          True
    2       no_longer_needs         False
    3    personal_hostility         False
    """
    rows = [
        {
            "reason_id": code,
            "reason": t(f"winback_reasons.{code}"),
            "can_win_back": ok,
            "recoverability": t(f"winback_reasons.{code}_recoverability"),
            "next_step": t(f"winback_reasons.{code}_next_step"),
        }
        for code, ok in _REASONS
    ]
    return _tidy(rows)


def lost_client_causes() -> pd.DataFrame:
    """Why key clients are lost (source 004): four causes, numbered.

    Examples
    --------
    >>> len(lost_client_causes())
    4
    """
    return _numbered("winback_causes", 4, "cause")


def lost_client_mistakes() -> pd.DataFrame:
    """Mistakes that lose key clients (source 004): five, numbered, with what each tells the client.

    Examples
    --------
    >>> lost_client_mistakes().columns.tolist()
    ['number', 'mistake']
    """
    return _numbered("winback_mistakes", 5, "mistake")


def _numbered(section: str, n: int, column: str) -> pd.DataFrame:
    return _tidy([{"number": i, column: t(f"{section}.item_{i}")} for i in range(1, n + 1)])


def _tidy(rows: list[dict]) -> pd.DataFrame:
    """A table from rows; text columns get the ``str`` dtype."""
    frame = pd.DataFrame(rows)
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].astype("str")
    return frame


# ---------------------------------------------------------------------------
# SWOT and TOWS
# ---------------------------------------------------------------------------

_QUADRANTS = ("strengths", "weaknesses", "opportunities", "threats")
_STRATEGIES = (  # code, internal quadrant, external quadrant
    ("SO", "strengths", "opportunities"),
    ("ST", "strengths", "threats"),
    ("WO", "weaknesses", "opportunities"),
    ("WT", "weaknesses", "threats"),
)


@dataclass
class CompetitorSWOT:
    """A SWOT analysis for winning a client back from one competitor (source 003).

    Written from **our** side, against that competitor: the competitor is part
    of our environment, so its weaknesses are our opportunities and its
    strengths our threats.

    Parameters
    ----------
    competitor : str
        Whom the client went to.
    strengths : list of str
        Where we are better than the competitor for this client (internal).
    weaknesses : list of str
        Where the competitor is better than us (internal).
    opportunities : list of str
        Openings: the competitor's weaknesses, the client's unmet needs,
        hidden costs of its deal (external).
    threats : list of str
        The competitor's strengths and other risks of losing the client for good (external).

    Raises
    ------
    KamArgumentError
        A quadrant that is not a list of non-empty texts.

    Examples
    --------
    >>> swot = CompetitorSWOT("Westwood", strengths=["free delivery"], threats=["price 6 % lower"])
    >>> swot.to_frame()
        quadrant             item
    0  strengths    free delivery
    1    threats  price 6 % lower
    """

    competitor: str = ""
    strengths: list[str] = field(default_factory=list)
    weaknesses: list[str] = field(default_factory=list)
    opportunities: list[str] = field(default_factory=list)
    threats: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.competitor, str):
            raise KamArgumentError(
                t("errors.bad_argument", argument="competitor", value=self.competitor, valid=t("swot.valid_text"))
            )
        for name in _QUADRANTS:
            items = getattr(self, name)
            if isinstance(items, str) or not isinstance(items, Sequence):
                ok = False
            else:
                ok = all(isinstance(x, str) and x.strip() for x in items)
            if not ok:
                raise KamArgumentError(t("errors.bad_argument", argument=name, value=items, valid=t("swot.valid_items")))
            setattr(self, name, [x.strip() for x in items])

    def to_frame(self) -> pd.DataFrame:
        """The SWOT as a tidy table: ``quadrant`` (strengths, …) and ``item``."""
        rows = [{"quadrant": q, "item": item} for q in _QUADRANTS for item in getattr(self, q)]
        return _tidy(rows) if rows else pd.DataFrame({"quadrant": pd.Series(dtype="str"), "item": pd.Series(dtype="str")})


def tows(swot: CompetitorSWOT, *, as_grid: bool = False) -> pd.DataFrame:
    """Turn a competitor SWOT into counter-offer options: the TOWS grid.

    Every pair of an internal item (strength or weakness) with an external one
    (opportunity or threat) is an option:

    - **SO** use a strength to take an opportunity (the counter-offer's core);
    - **ST** use a strength to blunt a threat;
    - **WO** fix a weakness to take an opportunity;
    - **WT** limit a weakness where a threat would hit.

    Parameters
    ----------
    swot : CompetitorSWOT
    as_grid : bool, default False
        ``False``: one row per option (``strategy``, ``strategy_name``,
        ``internal``, ``external``, ``option``). ``True``: the 2×2 grid —
        rows ``strengths``/``weaknesses``, columns ``opportunities``/``threats``,
        each cell the options joined by "; ".

    Returns
    -------
    DataFrame

    Raises
    ------
    KamArgumentError
        ``swot`` is not a :class:`CompetitorSWOT`.

    Examples
    --------
    >>> swot = CompetitorSWOT("Westwood", strengths=["free delivery"],
    ...                       opportunities=["client pays for its own pick-up"])
    >>> options = tows(swot)
    >>> options.loc[0, "strategy"], options.loc[0, "option"]
    ('SO', 'Use "free delivery" to take "client pays for its own pick-up"')
    """
    if not isinstance(swot, CompetitorSWOT):
        raise KamArgumentError(
            t("errors.bad_argument", argument="swot", value=type(swot).__name__, valid="CompetitorSWOT(...)")
        )
    rows = []
    for code, internal, external in _STRATEGIES:
        for a in getattr(swot, internal):
            for b in getattr(swot, external):
                rows.append(
                    {
                        "strategy": code,
                        "strategy_name": t(f"swot.name_{code}"),
                        "internal": a,
                        "external": b,
                        "option": t(f"swot.option_{code}", internal=a, external=b),
                    }
                )
    columns = ["strategy", "strategy_name", "internal", "external", "option"]
    long = _tidy(rows) if rows else pd.DataFrame({c: pd.Series(dtype="str") for c in columns})
    if not as_grid:
        return long
    grid = pd.DataFrame(
        "", index=pd.Index(["strengths", "weaknesses"], name="internal"), columns=["opportunities", "threats"]
    )
    for code, internal, external in _STRATEGIES:
        grid.loc[internal, external] = "; ".join(long.loc[long["strategy"] == code, "option"])
    return grid.astype("str")


# ---------------------------------------------------------------------------
# deal economics
# ---------------------------------------------------------------------------

_LINES = ("price", "delivery", "defects", "payment_terms", "downtime", "admin")
_OPTIONAL = (
    "delivery_cost_per_unit",
    "defect_rate",
    "defect_cost_per_unit",
    "payment_days",
    "downtime_days",
    "downtime_cost_per_day",
    "admin_cost",
)

COST_OF_MONEY = 0.15
"""Default yearly rate of the client's money. The sources give none; the course takes
15 % a year, about a Russian business loan rate — set it to the client's own rate."""


def _numeric(frame: pd.DataFrame, columns: Sequence[str], *, argument: str) -> pd.DataFrame:
    """The ``columns`` as floats (empty cells → 0); :class:`KamDataError` for text or negatives."""
    out = {}
    for column in columns:
        values = pd.to_numeric(frame[column], errors="coerce") if column in frame.columns else None
        if values is None:
            out[column] = np.zeros(len(frame))
            continue
        not_number = values.isna() & frame[column].notna()
        negative = values < 0
        bad = not_number | negative
        if bad.any():
            rows = first_rows(frame.index[bad])
            raise KamDataError(
                t("deal_economics.bad_number", argument=argument, column=column, rows=rows,
                  values=", ".join(map(repr, first_rows(frame.loc[bad, column])))),
                file=argument, column=column, rows=rows,
            )
        out[column] = values.fillna(0.0).to_numpy(dtype=float)
    return pd.DataFrame(out, index=frame.index)


def deal_economics(
    offers: pd.DataFrame,
    client_id: str | None = None,
    *,
    cost_of_money: float = COST_OF_MONEY,
    ours: str = "us",
    reference_payment_days: float | None = None,
) -> pd.DataFrame:
    """The client's whole yearly cost of each supplier's deal, and its real gain from switching.

    For every offer in the canonical ``competitor_offers`` table the yearly
    cost to the client is the sum of six lines (V = ``annual_volume``):

    ============== ==========================================================
    price          ``unit_price`` × V
    delivery       ``delivery_cost_per_unit`` × V
    defects        ``defect_rate`` × V × ``defect_cost_per_unit``
    payment terms  ``unit_price`` × V × ``cost_of_money`` × (D − ``payment_days``) / 365
    downtime       ``downtime_days`` × ``downtime_cost_per_day``
    admin          ``admin_cost``
    ============== ==========================================================

    **Payment terms as cost of money**: a supplier that wants its money sooner
    ties up the client's money for longer. D is the longest deferral on the
    table for that client (or ``reference_payment_days``); each offer is
    charged the interest, at ``cost_of_money`` a year, on its yearly bill for
    the days it must be paid sooner than D. The offer with the best terms pays
    nothing on this line; only the difference between offers matters.

    The **apparent gain** of switching from us to a supplier is the price
    difference alone; the **real gain** is the difference of the totals. Both
    are also given in % of our figure (our price, our total).

    Parameters
    ----------
    offers : DataFrame
        Canonical ``competitor_offers``: ``client_id``, ``supplier``,
        ``unit_price``, ``annual_volume`` and the optional implicit costs
        (a missing column or an empty cell counts as 0 — no such cost known).
    client_id : str, optional
        Only this client; default all clients in the table.
    cost_of_money : float, default 0.15
        The client's yearly rate of money (the sources give none; the course
        assumes 15 %).
    ours : str, default "us"
        The ``supplier`` value of our own offer; every client needs exactly one.
    reference_payment_days : float, optional
        D above; default the longest ``payment_days`` among the client's offers.

    Returns
    -------
    DataFrame
        One row per offer: ``client_id``, ``supplier``, ``price_cost``,
        ``delivery_cost``, ``defect_cost``, ``payment_terms_cost``,
        ``downtime_cost``, ``admin_cost``, ``total_cost``, ``hidden_costs``
        (total − price), ``apparent_gain``, ``apparent_gain_pct``,
        ``real_gain``, ``real_gain_pct`` (gains of switching from us; 0 for
        us), ``cost_of_money`` and ``reference_payment_days``. Our offer
        comes first for each client.

    Raises
    ------
    KamDataError
        Missing columns, text or negative numbers, a defect rate above 1, a
        client without exactly one offer of ours.
    KamArgumentError
        Unknown ``client_id`` or a bad rate.

    See Also
    --------
    deal_lines : the lines of one client side by side.
    counter_offer_report : the one-page report for the client.

    Examples
    --------
    >>> import pandas as pd
    >>> offers = pd.DataFrame({
    ...     "client_id": ["C1", "C1"], "supplier": ["us", "Rival"],
    ...     "unit_price": [100.0, 95.0], "annual_volume": [1000, 1000],
    ...     "delivery_cost_per_unit": [0, 4]})
    >>> deal_economics(offers)[["supplier", "total_cost", "apparent_gain", "real_gain"]]
      supplier  total_cost  apparent_gain  real_gain
    0       us    100000.0            0.0        0.0
    1    Rival     99000.0         5000.0     1000.0
    """
    required = ["client_id", "supplier", "unit_price", "annual_volume"]
    check_columns(offers, required, argument="offers")
    check_no_missing(offers, required, argument="offers")
    check_number(cost_of_money, "cost_of_money", minimum=0, maximum=1)
    if reference_payment_days is not None:
        check_number(reference_payment_days, "reference_payment_days", minimum=0)

    table = offers
    if client_id is not None:
        available = sorted(offers["client_id"].astype(str).unique())
        if str(client_id) not in available:
            check_choice(client_id, "client_id", available)
        table = offers[offers["client_id"].astype(str) == str(client_id)]

    num = _numeric(table, ["unit_price", "annual_volume", *_OPTIONAL], argument="offers")
    over = num["defect_rate"] > 1
    if over.any():
        rows = first_rows(table.index[over])
        raise KamDataError(t("deal_economics.bad_rate", rows=rows), file="offers", column="defect_rate", rows=rows)

    client = table["client_id"].astype(str).to_numpy()
    supplier = table["supplier"].astype(str).to_numpy()
    is_ours = supplier == str(ours)
    ours_per_client = pd.Series(is_ours).groupby(client).sum()
    wrong = ours_per_client[ours_per_client != 1]
    if len(wrong):
        raise KamDataError(
            t("deal_economics.need_ours", ours=ours, clients=", ".join(wrong.index[:5]), counts=", ".join(map(str, wrong.to_numpy()[:5]))),
            file="offers", column="supplier",
        )

    v = num["annual_volume"].to_numpy()
    price = num["unit_price"].to_numpy() * v
    days = num["payment_days"].to_numpy()
    if reference_payment_days is None:
        ref = pd.Series(days).groupby(client).transform("max").to_numpy()
    else:
        ref = np.full(len(days), float(reference_payment_days))
    out = pd.DataFrame(
        {
            "client_id": pd.array(client, dtype="str"),
            "supplier": pd.array(supplier, dtype="str"),
            "price_cost": price,
            "delivery_cost": num["delivery_cost_per_unit"].to_numpy() * v,
            "defect_cost": num["defect_rate"].to_numpy() * v * num["defect_cost_per_unit"].to_numpy(),
            "payment_terms_cost": price * cost_of_money * np.clip(ref - days, 0, None) / 365,
            "downtime_cost": num["downtime_days"].to_numpy() * num["downtime_cost_per_day"].to_numpy(),
            "admin_cost": num["admin_cost"].to_numpy(),
        }
    )
    out["total_cost"] = out[[f"{x}_cost" for x in ("price", "delivery", "defect", "payment_terms", "downtime", "admin")]].sum(axis=1)
    out["hidden_costs"] = out["total_cost"] - out["price_cost"]
    our_price = pd.Series(np.where(is_ours, price, 0.0)).groupby(client).transform("sum").to_numpy()
    our_total = pd.Series(np.where(is_ours, out["total_cost"], 0.0)).groupby(client).transform("sum").to_numpy()
    out["apparent_gain"] = our_price - price
    out["apparent_gain_pct"] = np.where(our_price > 0, out["apparent_gain"] / np.where(our_price > 0, our_price, 1) * 100, np.nan)
    out["real_gain"] = our_total - out["total_cost"].to_numpy()
    out["real_gain_pct"] = np.where(our_total > 0, out["real_gain"] / np.where(our_total > 0, our_total, 1) * 100, np.nan)
    out["cost_of_money"] = float(cost_of_money)
    out["reference_payment_days"] = ref
    out["_ours_first"] = ~is_ours
    out["_order"] = np.arange(len(out))
    out = out.sort_values(["client_id", "_ours_first", "_order"], kind="mergesort").drop(columns=["_ours_first", "_order"])
    return out.reset_index(drop=True)


_LINE_COLUMNS = {
    "price": "price_cost",
    "delivery": "delivery_cost",
    "defects": "defect_cost",
    "payment_terms": "payment_terms_cost",
    "downtime": "downtime_cost",
    "admin": "admin_cost",
    "total": "total_cost",
}


def _one_client(economics: pd.DataFrame, client_id: str | None) -> pd.DataFrame:
    check_columns(economics, ["client_id", "supplier", *_LINE_COLUMNS.values(), "real_gain"], argument="economics")
    clients = sorted(economics["client_id"].astype(str).unique())
    if client_id is None:
        if len(clients) != 1:
            raise KamArgumentError(t("deal_economics.pick_client", clients=", ".join(clients[:10]) or "—"))
        client_id = clients[0]
    elif str(client_id) not in clients:
        check_choice(client_id, "client_id", clients)
    return economics[economics["client_id"].astype(str) == str(client_id)]


def deal_lines(economics: pd.DataFrame, client_id: str | None = None) -> pd.DataFrame:
    """One client's yearly cost line by line, suppliers side by side.

    Parameters
    ----------
    economics : DataFrame
        The result of :func:`deal_economics`.
    client_id : str, optional
        Needed when ``economics`` holds several clients.

    Returns
    -------
    DataFrame
        Rows: price, delivery, defects and returns, payment terms (cost of
        money), downtime, administration, total (labels; index ``line``);
        columns: the suppliers, ours first.

    Examples
    --------
    >>> import pandas as pd
    >>> offers = pd.DataFrame({"client_id": ["C1", "C1"], "supplier": ["us", "Rival"],
    ...                        "unit_price": [10.0, 9.0], "annual_volume": [100, 100],
    ...                        "admin_cost": [0, 50]})
    >>> deal_lines(deal_economics(offers)).loc[["price", "administration", "total"]]  # doctest: +NORMALIZE_WHITESPACE
                        us  Rival
    line
    price           1000.0  900.0
    administration     0.0   50.0
    total           1000.0  950.0
    """
    part = _one_client(economics, client_id)
    table = part.set_index("supplier")[list(_LINE_COLUMNS.values())].T
    table.index = pd.Index([t(f"deal_economics.line_{k}") for k in _LINE_COLUMNS], name="line", dtype="str")
    table.columns = pd.Index(list(table.columns), dtype="str")
    return table


# ---------------------------------------------------------------------------
# the one-page counter-offer report
# ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|>~])")


def _md(text: object) -> str:
    """User text for Markdown: HTML escaped (Markdown renders raw HTML), punctuation backslashed, one line."""
    escaped = html.escape(str(text), quote=False)
    return " ".join(_MD_SPECIAL.sub(r"\\\1", escaped).split())


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _money(value: float) -> str:
    """``12 086 000`` — whole currency units, spaces between thousands."""
    return f"{value:,.0f}".replace(",", " ").replace("-", "−")


def _pct(value: float) -> str:
    return "—" if pd.isna(value) else f"{value:.1f} %".replace("-", "−")


def counter_offer_report(
    economics: pd.DataFrame,
    swot: CompetitorSWOT | None = None,
    *,
    client_id: str | None = None,
    client_name: str | None = None,
    competitor: str | None = None,
    fixes: Sequence[str] | None = None,
    proposal: Sequence[str] | None = None,
    format: str = "markdown",
) -> str:
    """A one-page counter-offer for a client who went (or is going) to a cheaper competitor.

    What the plant of source 003 sent its client within two days: the price
    difference the client sees, the whole yearly cost line by line, the real
    gain, and — from the competitor SWOT — why staying pays. Two sections are
    the manager's own words, because no table can write them: what we are
    putting right (the complaints that made the client leave — a counter-offer
    without them wins the client back only to lose it again) and the proposal
    itself. The TOWS grid of :func:`tows` is a working tool for the manager;
    its mechanical pairings are not printed for the client. Every
    user-supplied text (client, supplier, SWOT items, fixes, proposal) is
    escaped, so a client called ``<script>alert(1)</script>`` is printed as
    text in both formats.

    Parameters
    ----------
    economics : DataFrame
        The result of :func:`deal_economics`.
    swot : CompetitorSWOT, optional
        Adds our strengths ("what you keep with us").
    client_id : str, optional
        Needed when ``economics`` holds several clients.
    client_name : str, optional
        Shown in the heading; default the ``client_id``.
    competitor : str, optional
        The supplier to compare with; default the one with the largest
        apparent gain (the lowest price).
    fixes : sequence of str, optional
        What we are putting right, in sentences for the client (e.g. the
        complaints from its NPS answers and what has been done about each).
    proposal : sequence of str, optional
        The counter-offer in the manager's words.
    format : {"markdown", "html"}
        Markdown text or an HTML fragment (an ``<article>``).

    Returns
    -------
    str

    Raises
    ------
    KamArgumentError
        Unknown ``format``, ``client_id`` or ``competitor``, or no competitor offer.

    Examples
    --------
    >>> import pandas as pd
    >>> offers = pd.DataFrame({"client_id": ["C1", "C1"], "supplier": ["us", "Rival"],
    ...                        "unit_price": [10.0, 9.0], "annual_volume": [100, 100],
    ...                        "admin_cost": [0, 50]})
    >>> report = counter_offer_report(deal_economics(offers), client_name="Acme")
    >>> print(report.splitlines()[0])
    # Counter-offer for Acme
    """
    check_choice(format, "format", ("markdown", "html"))
    part = _one_client(economics, client_id)
    ours_row = part.iloc[0]
    others = part.iloc[1:]
    if others.empty:
        raise KamArgumentError(t("deal_economics.no_competitor", client=ours_row["client_id"]))
    if competitor is None:
        rival = others.sort_values("apparent_gain", ascending=False, kind="mergesort").iloc[0]
    else:
        names = others["supplier"].tolist()
        check_choice(competitor, "competitor", names)
        rival = others[others["supplier"] == competitor].iloc[0]
    if swot is not None and not isinstance(swot, CompetitorSWOT):
        raise KamArgumentError(
            t("errors.bad_argument", argument="swot", value=type(swot).__name__, valid="CompetitorSWOT(...) or None")
        )

    name = client_name if client_name is not None else str(ours_row["client_id"])
    us_name, rival_name = str(ours_row["supplier"]), str(rival["supplier"])
    lines = [(t(f"deal_economics.line_{k}"), ours_row[c], rival[c]) for k, c in _LINE_COLUMNS.items()]
    real = float(rival["real_gain"])
    facts = {
        "competitor": rival_name,
        "apparent": _money(rival["apparent_gain"]),
        "apparent_pct": _pct(rival["apparent_gain_pct"]),
        "real": _money(abs(real)),
        "real_pct": _pct(abs(rival["real_gain_pct"])),
        "hidden": _money(rival["hidden_costs"] - ours_row["hidden_costs"]),
    }
    verdict_key = "verdict_gain" if real > 0 else "verdict_loss"
    note = t(
        "counter_offer.assumptions",
        rate=f"{float(rival.get('cost_of_money', COST_OF_MONEY)) * 100:g}",
        days=f"{float(rival.get('reference_payment_days', 0)):g}",
    )
    strengths = list(swot.strengths) if swot is not None else []
    fix_list = [str(f) for f in (fixes or [])]
    options = [str(o) for o in (proposal or [])]

    if format == "markdown":
        esc = _md
        out = [
            "# " + t("counter_offer.title", client=esc(name)),
            "",
            t("counter_offer.intro", client=esc(name), competitor=esc(rival_name)),
            "",
            "## " + t("counter_offer.h_gain"),
            "",
            t("counter_offer.apparent", **{**facts, "competitor": esc(rival_name)}),
            t(f"counter_offer.{verdict_key}", **{**facts, "competitor": esc(rival_name)}),
            "",
            "## " + t("counter_offer.h_lines"),
            "",
            f"| {t('counter_offer.col_line')} | {esc(us_name)} | {esc(rival_name)} | {t('counter_offer.col_difference', competitor=esc(rival_name), us=esc(us_name))} |",
            "|---|---:|---:|---:|",
        ]
        for label, a, b in lines:
            out.append(f"| {label} | {_money(a)} | {_money(b)} | {_money(b - a)} |")
        for heading, items in (("h_why_us", strengths), ("h_fixes", fix_list), ("h_options", options)):
            if items:
                out += ["", "## " + t(f"counter_offer.{heading}"), ""]
                out += [f"- {esc(s)}" for s in items]
        out += ["", f"*{note}*", ""]
        return "\n".join(out)

    esc = _h
    out = [
        '<article class="kam-counter-offer">',
        f"<h1>{t('counter_offer.title', client=esc(name))}</h1>",
        f"<p>{t('counter_offer.intro', client=esc(name), competitor=esc(rival_name))}</p>",
        f"<h2>{t('counter_offer.h_gain')}</h2>",
        "<p>"
        + t("counter_offer.apparent", **{**facts, "competitor": esc(rival_name)})
        + " "
        + t(f"counter_offer.{verdict_key}", **{**facts, "competitor": esc(rival_name)})
        + "</p>",
        f"<h2>{t('counter_offer.h_lines')}</h2>",
        "<table>",
        f"<thead><tr><th>{t('counter_offer.col_line')}</th><th>{esc(us_name)}</th><th>{esc(rival_name)}</th>"
        f"<th>{t('counter_offer.col_difference', competitor=esc(rival_name), us=esc(us_name))}</th></tr></thead>",
        "<tbody>",
    ]
    for label, a, b in lines:
        out.append(
            f'<tr><td>{esc(label)}</td><td style="text-align:right">{_money(a)}</td>'
            f'<td style="text-align:right">{_money(b)}</td><td style="text-align:right">{_money(b - a)}</td></tr>'
        )
    out += ["</tbody>", "</table>"]
    for heading, items in (("h_why_us", strengths), ("h_fixes", fix_list), ("h_options", options)):
        if items:
            out.append(f"<h2>{t(f'counter_offer.{heading}')}</h2>")
            out.append("<ul>" + "".join(f"<li>{esc(s)}</li>" for s in items) + "</ul>")
    out += [f"<p><em>{esc(note)}</em></p>", "</article>"]
    return "\n".join(out)

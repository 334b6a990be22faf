"""Client typologies of source 002 computed from the data (module M2 of the course).

Criteria В (monthly turnover), Г (purchase frequency), Д (relationship), Е
(markup), Ж (payment form) and З (discount). The source gives the classes but
no cut-offs for turnover tiers or relationship types: this module defines
them, documents them, and makes every one a keyword argument.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import KamDataError
from .._validate import check_columns, check_frame, check_number, check_unique, first_rows
from ..labels import t
from ._prep import Lines, check_increasing, period_codes, period_start_day, prepare_lines, to_timestamp

__all__ = ["classify_clients"]

_DAYS_PER_MONTH = 365.25 / 12


def _pick(conditions: list[np.ndarray], labels: list[object], default: object = np.nan) -> np.ndarray:
    """The label of the first true condition per row (``np.select`` for text labels)."""
    n = len(conditions[0])
    out = np.full(n, default, dtype=object)
    decided = np.zeros(n, dtype=bool)
    for condition, label in zip(conditions, labels):  # a loop over classes, not clients
        chosen = condition & ~decided
        out[chosen] = label
        decided |= chosen
    return out


def _check_clients(clients: pd.DataFrame) -> pd.DataFrame:
    check_frame(clients, "clients")
    check_columns(clients, ["client_id"], argument="clients")
    check_unique(clients, ["client_id"], argument="clients")
    return clients


def _discount_values(clients: pd.DataFrame) -> np.ndarray:
    """``discount_pct`` as numbers 0–100 (NaN where unknown); anything else is reported by row."""
    col = clients["discount_pct"]
    values = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = (np.isnan(values) & col.notna().to_numpy()) | (values < 0) | (values > 100)
    if bad.any():
        rows = first_rows(clients.index[bad])
        raise KamDataError(t("class_errors.bad_discount", argument="clients", rows=rows, n=int(bad.sum())),
                           file="clients", column="discount_pct", rows=rows)
    return values


def _purchase_days(lines: Lines) -> tuple[np.ndarray, np.ndarray]:
    """``(client code, day)`` of each purchase day: a day whose net revenue for the client is positive."""
    day_sum = pd.Series(lines.values["revenue"]).groupby([lines.codes, lines.day], sort=True).sum()
    day_sum = day_sum[day_sum > 0]
    return (day_sum.index.get_level_values(0).to_numpy(np.int64),
            day_sum.index.get_level_values(1).to_numpy(np.int64))


def classify_clients(
    orders: pd.DataFrame,
    clients: pd.DataFrame | None = None,
    *,
    as_of: object,
    months: int | None = 12,
    vip_share: float = 0.05,
    large_ratio: float = 3.0,
    small_ratio: float = 1 / 3,
    occasional_max_purchases: int = 1,
    frequency_cuts: tuple[float, float, float, float, float] = (0.65, 1.5, 3.5, 8.0, 20.0),
    relationship_shares: tuple[float, float, float] = (0.30, 0.60, 0.90),
    permanent_min_months: int = 12,
    lost_months: int = 6,
    markup_cuts: tuple[float, float, float] = (0.10, 0.25, 0.50),
    discount_cuts: tuple[float, float, float] = (10.0, 20.0, 40.0),
) -> pd.DataFrame:
    """Classify every client by the criteria of source 002 that the data can answer.

    A *purchase* is a day on which the client's net revenue is positive (a
    return on its own is not a purchase). Turnover, frequency and markup look at
    the last ``months`` calendar months up to ``as_of`` (the *period*); the
    relationship looks at the whole history up to ``as_of``.

    Parameters
    ----------
    orders : DataFrame
        Order lines: ``client_id``, ``date``, ``revenue`` and, for the markup,
        ``cost``. Lines after ``as_of`` are ignored.
    clients : DataFrame, optional
        The client table: ``client_id`` and, when present, ``name``,
        ``payment_form`` (Ж) and ``discount_pct`` (З). Clients without purchases
        are "potential"; clients that appear only in ``orders`` are added.
        None (default): the clients of ``orders`` only.
    as_of : date
        Required: the day the classification describes.
    months : int or None
        Length of the period in calendar months, ending with the month of
        ``as_of``; default 12 (the source: average over a year, or over a
        non-seasonal period). None = all history. The period is cut to the
        months the data covers.
    vip_share : float
        Criterion В. VIP if the client's average monthly turnover is at least
        this share of the average monthly turnover of all sales. Default 0.05:
        the source says one VIP client accounts for 5–15 %.
    large_ratio, small_ratio : float
        Criterion В, the course's cut-offs (the source gives none): against the
        *median* monthly turnover of the regular (non-occasional) buying clients,
        large if ≥ ``large_ratio`` × median (default 3), small if
        < ``small_ratio`` × median (default 1/3), medium in between — so that
        medium is the majority, as the source expects. The median, not the
        mean, so that a few VIPs do not move the line.
    occasional_max_purchases : int
        Criterion В: "occasional — one-off deals" is a client with at most this
        many purchases in its whole history (default 1). Occasional comes before
        VIP: a single large deal is not a VIP relationship.
    frequency_cuts : five increasing numbers
        Criterion Г, purchases per month at which the bands start: monthly
        (0.65, about one purchase in 45 days), several times a month (1.5),
        once or twice a week (3.5, a weekly buyer makes 4.3 a month), several
        times a week (8, two or more a week), every day (20, every working
        day). Below the first: less often. The rate is (purchases − 1) / days
        from the first to the last purchase in the period × 30.44, i.e. one over
        the average gap; one purchase gives "a single purchase".
    relationship_shares : three increasing shares
        Criterion Д, the course's rule (the source gives none), judged on the
        share of months with a purchase from the client's first purchase month
        to the month of ``as_of``: episodic below 0.30, irregular from 0.30,
        stable from 0.60, permanent from 0.90 if the client has been buying
        for at least ``permanent_min_months`` months (default 12; a newer
        client with as high a share is stable). Checked first, in this order:
        potential (no purchase ever), one-off (exactly one purchase), lost (no
        purchase in the last ``lost_months`` calendar months, default 6, the
        month of ``as_of`` included).
    markup_cuts : three increasing shares
        Criterion Е, markup = (revenue − cost) / cost in the period: under 10 %,
        10–25 % (from 0.10), 25–50 % (from 0.25, up to and including 0.50),
        over 50 % — the source's tiers. Empty when there is no cost.
    discount_cuts : three increasing numbers
        Criterion З, ``discount_pct`` tiers of the source: 0 %, 0–10 %,
        10–20 %, 20–40 % (each up to and including its upper bound), and over
        40 %, which the source does not list: flagged in ``discount_flag`` for
        a check.

    Returns
    -------
    DataFrame
        One row per client (``clients`` order, then clients found only in
        ``orders``): ``client_id``, ``name``; В ``revenue`` (in the period),
        ``monthly_turnover``, ``turnover_share``, ``turnover_tier``;
        Г ``purchases``, ``purchases_per_month``, ``frequency``;
        Д ``first_purchase``, ``last_purchase``, ``active_months``,
        ``tenure_months``, ``active_share``, ``months_since_last``,
        ``relationship``; Е ``markup``, ``markup_tier``; Ж ``payment_form``;
        З ``discount_pct``, ``discount_tier``, ``discount_flag``.

    Raises
    ------
    KamDataError
        A required column is missing or holds bad values (rows named);
        ``clients`` repeats a ``client_id``; ``discount_pct`` is outside 0–100.
    KamArgumentError
        A cut-off is not valid, or ``as_of`` is not a date.

    See Also
    --------
    key_accounts, abc_xyz

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({
    ...     "client_id": ["a"] * 12 + ["b"],
    ...     "date": pd.to_datetime([f"2025-{m:02d}-10" for m in range(1, 13)] + ["2025-03-03"]),
    ...     "revenue": [100.0] * 12 + [50.0], "cost": [70.0] * 12 + [48.0]})
    >>> clients = pd.DataFrame({"client_id": ["a", "b", "c"], "discount_pct": [5.0, 0.0, 45.0]})
    >>> c = classify_clients(orders, clients, as_of="2025-12-31").set_index("client_id")
    >>> c["turnover_tier"].to_dict()
    {'a': 'VIP', 'b': 'occasional', 'c': 'no purchases in the period'}
    >>> c["frequency"].to_dict()
    {'a': 'monthly', 'b': 'a single purchase', 'c': 'no purchases in the period'}
    >>> c["relationship"].to_dict()
    {'a': 'permanent', 'b': 'one-off', 'c': 'potential'}
    >>> c[["markup", "markup_tier", "discount_tier", "discount_flag"]].round(3).reset_index()
      client_id  markup markup_tier      discount_tier  discount_flag
    0         a   0.429     25–50 %             0–10 %          False
    1         b   0.042  under 10 %                0 %          False
    2         c     NaN         NaN  over 40 % (check)           True
    """
    if clients is None:
        check_frame(orders, "orders")
        check_columns(orders, ["client_id"], argument="orders")
        clients = pd.DataFrame({"client_id": pd.unique(orders["client_id"].dropna())})
    _check_clients(clients)
    as_of_ts = to_timestamp(as_of, "as_of")
    if months is not None:
        months = int(check_number(months, "months", minimum=1, integer=True))
    for name, value in (("vip_share", vip_share), ("large_ratio", large_ratio), ("small_ratio", small_ratio)):
        check_number(value, name, minimum=0, strict_minimum=True)
    if small_ratio >= large_ratio:
        check_increasing((small_ratio, large_ratio), "(small_ratio, large_ratio)", 2, "(1/3, 3)")
    occasional_max_purchases = int(check_number(occasional_max_purchases, "occasional_max_purchases",
                                                minimum=0, integer=True))
    f_cuts = check_increasing(frequency_cuts, "frequency_cuts", 5, "(0.65, 1.5, 3.5, 8, 20)")
    r_cuts = check_increasing(relationship_shares, "relationship_shares", 3, "(0.30, 0.60, 0.90)")
    if r_cuts[-1] > 1:
        check_increasing((*r_cuts, 1.0), "relationship_shares", 3, "(0.30, 0.60, 0.90)")
    permanent_min_months = int(check_number(permanent_min_months, "permanent_min_months", minimum=1, integer=True))
    lost_months = int(check_number(lost_months, "lost_months", minimum=1, integer=True))
    m_cuts = check_increasing(markup_cuts, "markup_cuts", 3, "(0.10, 0.25, 0.50)", positive=False)
    d_cuts = check_increasing(discount_cuts, "discount_cuts", 3, "(10, 20, 40)")

    has_cost = isinstance(orders, pd.DataFrame) and "cost" in orders.columns
    lines = prepare_lines(orders, as_of=as_of_ts, columns=("revenue", "cost") if has_cost else ("revenue",))
    discount = _discount_values(clients) if "discount_pct" in clients.columns else None

    # one row per client: the clients table first, then ids found only in orders
    ids_table = pd.Index(clients["client_id"])
    extra = lines.clients.difference(ids_table, sort=False)
    if len(extra):
        try:
            extra = extra.sort_values()
        except TypeError:
            extra = pd.Index(sorted(extra, key=str))
    all_ids = ids_table.append(extra)
    n = len(all_ids)
    row_of_code = all_ids.get_indexer(lines.clients)  # client code -> result row
    row = row_of_code[lines.codes]

    month_as_of = int(period_codes(lines.last_day, "M"))
    first_month_data = int(period_codes(lines.first_day, "M")) if len(lines.codes) else month_as_of
    n_months = month_as_of - first_month_data + 1 if months is None else min(months, month_as_of - first_month_data + 1)
    window_day = int(period_start_day(month_as_of - n_months + 1, "M"))
    in_window = lines.day >= window_day

    revenue = np.bincount(row[in_window], weights=lines.values["revenue"][in_window], minlength=n)
    # purchases: days with positive net revenue
    p_code, p_day = _purchase_days(lines)
    p_row = row_of_code[p_code]
    purchases_ever = np.bincount(p_row, minlength=n)
    w = p_day >= window_day
    purchases = np.bincount(p_row[w], minlength=n)
    first_w = np.full(n, np.iinfo(np.int64).max)
    last_w = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first_w, p_row[w], p_day[w])
    np.maximum.at(last_w, p_row[w], p_day[w])
    first_day = np.full(n, np.iinfo(np.int64).max)
    last_day = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first_day, p_row, p_day)
    np.maximum.at(last_day, p_row, p_day)
    p_month = period_codes(p_day, "M") if len(p_day) else p_day
    month_key = np.unique(p_row * (month_as_of + 1) + p_month) if len(p_day) else p_day
    active_months = np.bincount(month_key // (month_as_of + 1), minlength=n)

    # --- В: turnover tier
    monthly = revenue / n_months
    company_monthly = revenue.sum() / n_months
    with np.errstate(invalid="ignore", divide="ignore"):
        share = monthly / company_monthly if company_monthly > 0 else np.full(n, np.nan)
    occasional = (purchases_ever >= 1) & (purchases_ever <= occasional_max_purchases)
    regular = (monthly > 0) & ~occasional
    median = float(np.median(monthly[regular])) if regular.any() else np.nan
    ratio = monthly / median if median > 0 else np.full(n, np.nan)
    turnover_tier = _pick(
        [monthly <= 0, occasional, share >= vip_share, ratio >= large_ratio, ratio < small_ratio],
        [t("turnover.none"), t("turnover.occasional"), t("turnover.vip"), t("turnover.large"), t("turnover.small")],
        default=t("turnover.medium"),
    )

    # --- Г: frequency
    span = (last_w - first_w).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        per_month = np.where(purchases >= 2, (purchases - 1) / np.where(span > 0, span, np.nan) * _DAYS_PER_MONTH,
                             np.nan)
    per_month = np.where((purchases >= 2) & (span <= 0), np.inf, per_month)  # cannot happen: days differ
    frequency = _pick(
        [purchases == 0, purchases == 1, per_month >= f_cuts[4], per_month >= f_cuts[3], per_month >= f_cuts[2],
         per_month >= f_cuts[1], per_month >= f_cuts[0]],
        [t("frequency.none"), t("frequency.single"), t("frequency.daily"), t("frequency.several_weekly"),
         t("frequency.weekly"), t("frequency.several_monthly"), t("frequency.monthly")],
        default=t("frequency.less_often"),
    )

    # --- Д: relationship
    bought = purchases_ever > 0
    first_month = np.where(bought, period_codes(np.where(bought, first_day, 0), "M"), month_as_of)
    last_month = np.where(bought, period_codes(np.where(bought, last_day, 0), "M"), month_as_of)
    tenure = np.where(bought, month_as_of - first_month + 1, 0)
    since_last = np.where(bought, month_as_of - last_month, -1)
    with np.errstate(invalid="ignore", divide="ignore"):
        active_share = np.where(bought, active_months / np.maximum(tenure, 1), np.nan)
    relationship = _pick(
        [~bought, purchases_ever == 1, since_last >= lost_months,
         (active_share >= r_cuts[2]) & (tenure >= permanent_min_months), active_share >= r_cuts[1],
         active_share >= r_cuts[0]],
        [t("relationship.potential"), t("relationship.one_off"), t("relationship.lost"),
         t("relationship.permanent"), t("relationship.stable"), t("relationship.irregular")],
        default=t("relationship.episodic"),
    )

    # --- Е: markup
    if has_cost:
        cost = np.bincount(row[in_window], weights=lines.values["cost"][in_window], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            markup = np.where(cost > 0, (revenue - cost) / np.where(cost > 0, cost, 1.0), np.nan)
    else:
        markup = np.full(n, np.nan)
    markup_tier = _pick(
        [np.isnan(markup), markup > m_cuts[2], markup >= m_cuts[1], markup >= m_cuts[0]],
        [np.nan, t("markup.over_50"), t("markup.from_25_to_50"), t("markup.from_10_to_25")],
        default=t("markup.under_10"),
    )

    # --- Ж and З: from the clients table
    def from_table(column: str) -> np.ndarray:
        out = np.full(n, np.nan, dtype=object)
        if column in clients.columns:
            out[: len(clients)] = clients[column].to_numpy(dtype=object)
        return out

    discount_pct = np.full(n, np.nan)
    if discount is not None:
        discount_pct[: len(clients)] = discount
    discount_tier = _pick(
        [np.isnan(discount_pct), discount_pct == 0, discount_pct <= d_cuts[0], discount_pct <= d_cuts[1],
         discount_pct <= d_cuts[2]],
        [np.nan, t("discount.zero"), t("discount.upto_10"), t("discount.from_10_to_20"), t("discount.from_20_to_40")],
        default=t("discount.over_40"),
    )

    def as_date(days: np.ndarray) -> pd.Series:
        stamps = pd.Series(np.where(bought, days, 0).astype("datetime64[D]")).astype("datetime64[s]")
        return stamps.where(bought)

    result = pd.DataFrame({
        "client_id": all_ids,
        "name": from_table("name"),
        "revenue": revenue,
        "monthly_turnover": monthly,
        "turnover_share": share,
        "turnover_tier": turnover_tier,
        "purchases": purchases,
        "purchases_per_month": per_month,
        "frequency": frequency,
        "first_purchase": as_date(first_day),
        "last_purchase": as_date(last_day),
        "active_months": active_months,
        "tenure_months": tenure,
        "active_share": active_share,
        "months_since_last": pd.array(np.where(bought, since_last, 0), dtype="Int64"),
        "relationship": relationship,
        "markup": markup,
        "markup_tier": markup_tier,
        "payment_form": from_table("payment_form"),
        "discount_pct": discount_pct,
        "discount_tier": discount_tier,
        "discount_flag": discount_pct > d_cuts[2],
    })
    result.loc[~bought, "months_since_last"] = pd.NA
    if "name" not in clients.columns:
        result = result.drop(columns="name")
    for column in ("turnover_tier", "frequency", "relationship", "markup_tier", "discount_tier", "payment_form"):
        result[column] = result[column].astype("str")
    if "name" in result.columns:
        result["name"] = result["name"].astype("str")
    return result

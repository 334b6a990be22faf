"""Key accounts (module M1 of the course): who is key, by which criterion, and why.

Two lists from the sources, mapped onto each other:

========================  ==========================================  ======================
criterion (003)           rule here                                   type of 004
========================  ==========================================  ======================
sales volume              a regular client, share of sales > 10 %     —
(profit)                  share of profit ≥ ``breadwinner_share``     breadwinner
potential                 spends far more elsewhere than with us      prospect (if small/new)
fame / reference value    ``clients.is_reference``                    image-maker
innovative                ``clients.is_innovative``                   —
demanding                 ``clients.is_demanding``                    expert
========================  ==========================================  ======================

Source 003 gives the volume rule (a *regular* client above 10 % of sales); how
regular is the course's choice (``regular_share``). Source 004 says the main
customers *together* bring "in all 10 % or more" of the profit and has no
per-client test: the per-client ``breadwinner_share`` is the course's reading.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .._errors import KamArgumentError, KamDataError, KamDataWarning
from .._validate import check_choice, check_columns, check_frame, check_number, check_unique, first_rows
from ..labels import t
from ._abc_xyz import _DENSE_CELLS
from ._prep import distinct_ids, period_codes, period_start_day, prepare_lines, to_timestamp

__all__ = ["key_accounts"]

_LEVEL_COLUMN = {"department": "department", "manager": "manager"}
_FLAG_COLUMNS = {"reference": "is_reference", "innovative": "is_innovative", "demanding": "is_demanding"}


def _flags(clients: pd.DataFrame, column: str) -> np.ndarray:
    """A yes/no column as booleans (empty = no); other values are reported by row."""
    if column not in clients.columns:
        return np.zeros(len(clients), dtype=bool)
    col = clients[column]
    if pd.api.types.is_bool_dtype(col.dtype):
        return col.fillna(False).to_numpy(dtype=bool)
    values = col.to_numpy(dtype=object)
    known = pd.notna(values)
    ok = np.array([v in (True, False, 0, 1) and not isinstance(v, str) for v in values[known]], dtype=bool)
    if not ok.all():
        bad = np.zeros(len(values), dtype=bool)
        bad[np.flatnonzero(known)[~ok]] = True
        rows = first_rows(clients.index[bad])
        raise KamDataError(t("class_errors.bad_flags", argument="clients", column=column, rows=rows,
                             n=int(bad.sum())), file="clients", column=column, rows=rows)
    out = np.zeros(len(values), dtype=bool)
    out[known] = [bool(v) for v in values[known]]
    return out


def _percent(x: float, digits: int = 1) -> str:
    return f"{x * 100:.{digits}f} %"


def _digits_apart(x: float, cut: float) -> int:
    """Decimals that show ``x`` and ``cut`` as different percentages (10.05 % vs 10.0 %, not 10.0 % vs 10.0 %)."""
    digits = 1
    while digits < 4 and round(x * 100, digits) == round(cut * 100, digits) and x != cut:
        digits += 1
    return digits


def _money(x: float) -> str:
    return f"{x:,.0f}"


def key_accounts(
    orders: pd.DataFrame,
    clients: pd.DataFrame | None = None,
    share: float = 0.10,
    level: str = "company",
    *,
    as_of: object | None = None,
    months: int | None = None,
    potential_ratio: float = 5.0,
    breadwinner_share: float = 0.10,
    new_months: int = 12,
    regular_share: float | None = 1 / 3,
) -> pd.DataFrame:
    """Flag the key accounts and say why, by the criteria of sources 003 and 004.

    Parameters
    ----------
    orders : DataFrame
        Order lines: ``client_id``, ``date``, ``revenue``, and ``cost`` for the
        breadwinner type (share of profit).
    clients : DataFrame, optional
        The client table: ``client_id``; ``department`` / ``manager`` for those
        levels; optional ``name``, ``potential_revenue`` (yearly spend on these
        goods with all suppliers), ``is_reference``, ``is_innovative``,
        ``is_demanding``, ``first_deal_date``. None (default): the clients of
        ``orders`` only, judged by volume and profit.
    share : float
        The volume rule of source 003: a *regular* client with *more than* this
        share of sales is key. Default 0.10 (10 %, the source's figure).
    level : {"company", "department", "manager"}
        Whose sales the share is of: the whole company's, the client's
        department's or the client's manager's (003: the same rule applies per
        department and per manager).
    as_of : date, optional
        Ignore orders after this day; also the day "new" is counted back from
        (default: the last order date).
    months : int, optional
        Use only the last ``months`` calendar months up to ``as_of`` (e.g. 12
        for the last year); needs ``as_of``. Default: all history.
        What a client buys from us *a year* (for the potential) is measured on
        its own active window: its revenue in the last twelve months, counted
        from its first purchase if that is more recent (and scaled to a year),
        so a client who started buying four months ago is not averaged over
        three years of data.
    potential_ratio : float
        Potential (003: "buys two cartridges from you, servers for millions
        from others"): the client's yearly spend ``potential_revenue`` is at
        least this many times what it buys from us a year, *and* large enough
        that the client would pass the volume rule if we won it
        (``potential_revenue`` ≥ ``share`` × yearly sales of the level). The
        source gives no number; default 5 (we get a fifth or less).
    breadwinner_share : float
        Breadwinner: the client gives at least this share of the company's
        profit (margin = revenue − cost). Default 0.10. Source 004 says the
        main customers together bring the main part of the profit — "in all
        10 % or more" — and gives no test for one client; reading it as a
        per-client share is the course's choice.
    new_months : int
        A client is *new* when its first deal (``first_deal_date``, else its
        first order) is within this many months before the reference day.
        Default 12.
    regular_share : float or None
        The "regular" of the volume rule: the client bought (positive net
        revenue) in at least this share of the months of its own active window
        (from its first purchase, or the window's start, to ``as_of``). Default
        1/3 — the course's choice, the Y cut-off of XYZ by frequency, so an
        occasional (Z) buyer with one large order is not key by volume; source
        003 says "regular" without a number. None switches the condition off.

    Returns
    -------
    DataFrame
        One row per client flagged by any criterion, largest share first:
        ``client_id`` (``name``), ``group`` (the department or manager, at those
        levels), ``revenue``, ``share`` (of the level's sales), ``margin``,
        ``profit_share``, ``potential_revenue``, ``potential_multiple``
        (potential ÷ our yearly revenue); the criteria ``volume``, ``potential``,
        ``reference``, ``innovative``, ``demanding``; the types ``breadwinner``,
        ``prospect`` (potential, and new or below the volume rule),
        ``image_maker`` (= reference), ``expert`` (= demanding); ``new``;
        ``types`` (the type names) and ``reason`` (every criterion met, in words).

    Raises
    ------
    KamDataError
        A column is missing (e.g. ``department`` for ``level="department"``) or
        holds bad values.
    KamArgumentError
        An argument is not valid, or ``months`` is given without ``as_of``.

    Warns
    -----
    KamDataWarning
        ``orders`` has no ``cost``: the breadwinner type is not judged.

    See Also
    --------
    classify_clients, abc_xyz, concentration

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"client_id": ["a", "b", "c", "d"], "date": pd.Timestamp("2025-06-01"),
    ...                        "revenue": [70.0, 20.0, 8.0, 2.0], "cost": [60.0, 10.0, 4.0, 1.0]})
    >>> clients = pd.DataFrame({"client_id": ["a", "b", "c", "d"], "is_reference": [False, False, False, True],
    ...                         "potential_revenue": [None, None, 500.0, None]})
    >>> k = key_accounts(orders, clients)
    >>> k[["client_id", "share", "volume", "potential", "breadwinner", "types"]]
      client_id  share  volume  potential  breadwinner                  types
    0         a   0.70    True      False         True            breadwinner
    1         b   0.20    True      False         True            breadwinner
    2         c   0.08   False       True         True  breadwinner, prospect
    3         d   0.02   False      False        False            image-maker
    >>> for part in k.loc[2, "reason"].split("; "):  # one month of data: 8 a month = 96 a year
    ...     print(part)
    spends about 500 a year on these goods, 5.2× what it buys from us
    new client since 2025-06-01
    16.0 % of the profit (at least 10.0 %)
    """
    own_clients = clients is None  # the distinct ids of orders: unique by construction
    known_ids = None
    if own_clients:
        check_frame(orders, "orders")
        check_columns(orders, ["client_id"], argument="orders")
        known_ids = distinct_ids(orders["client_id"])  # inside the report: from the shared codes
        clients = pd.DataFrame({"client_id": pd.unique(orders["client_id"].dropna())
                                if known_ids is None else known_ids})
    check_frame(clients, "clients")
    check_columns(clients, ["client_id"], argument="clients")
    if not own_clients:
        check_unique(clients, ["client_id"], argument="clients")
    check_number(share, "share", minimum=0, maximum=1, strict_minimum=True)
    check_choice(level, "level", ("company", "department", "manager"))
    check_number(potential_ratio, "potential_ratio", minimum=1)
    check_number(breadwinner_share, "breadwinner_share", minimum=0, maximum=1, strict_minimum=True)
    new_months = int(check_number(new_months, "new_months", minimum=1, integer=True))
    if regular_share is not None:
        check_number(regular_share, "regular_share", minimum=0, maximum=1)
    as_of_ts = to_timestamp(as_of, "as_of") if as_of is not None else None
    if months is not None:
        months = int(check_number(months, "months", minimum=1, integer=True))
        if as_of_ts is None:
            raise KamArgumentError(t("class_errors.needs_as_of", months=months))
    group_column = _LEVEL_COLUMN.get(level)
    if group_column is not None and group_column not in clients.columns:
        raise KamDataError(t("class_errors.no_group_column", level=level, column=group_column,
                             available=", ".join(map(str, clients.columns))), file="clients", column=group_column)

    has_cost = isinstance(orders, pd.DataFrame) and "cost" in orders.columns
    if isinstance(orders, pd.DataFrame) and not has_cost:
        warnings.warn(KamDataWarning(t("key_accounts.no_cost")), stacklevel=2)
    reference_day = as_of_ts
    if reference_day is None:
        check_frame(orders, "orders")
        check_columns(orders, ["client_id", "date", "revenue"], argument="orders")
        dates = pd.to_datetime(orders["date"], errors="coerce")
        reference_day = dates.max() if dates.notna().any() else pd.Timestamp("1970-01-01")
    lines = prepare_lines(orders, as_of=reference_day, columns=("revenue", "cost") if has_cost else ("revenue",))

    # rows: the clients table, then ids found only in orders
    ids = pd.Index(clients["client_id"]).append(lines.clients.difference(pd.Index(clients["client_id"]), sort=False))
    n, n_table = len(ids), len(clients)
    if known_ids is not None and lines.all_clients is known_ids:  # the rows are the shared ids themselves
        row = lines.codes if lines.positions is None else lines.positions[lines.codes]
    else:
        row = ids.get_indexer(lines.clients)[lines.codes]
    day = lines.day
    month_ref = int(period_codes(lines.last_day, "M"))
    first_month = int(period_codes(lines.first_day, "M")) if len(day) else month_ref
    n_months = month_ref - first_month + 1 if months is None else min(months, month_ref - first_month + 1)
    in_window = day >= int(period_start_day(month_ref - n_months + 1, "M"))

    revenue = np.bincount(row[in_window], weights=lines.values["revenue"][in_window], minlength=n)
    margin = (revenue - np.bincount(row[in_window], weights=lines.values["cost"][in_window], minlength=n)
              if has_cost else np.full(n, np.nan))

    # --- volume rule at the chosen level
    if group_column is None:
        group = np.zeros(n, dtype=np.int64)
        group_names: pd.Index = pd.Index([t("key_accounts.level_company")])
    else:
        labels = pd.Series(np.concatenate([clients[group_column].to_numpy(dtype=object),
                                           np.full(n - n_table, np.nan, dtype=object)]))
        group, group_names = pd.factorize(labels)
    known = group >= 0
    group_total = np.bincount(group[known], weights=revenue[known], minlength=len(group_names))
    total_of_row = np.where(known, group_total[np.maximum(group, 0)], np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        client_share = np.where(known & (total_of_row > 0), revenue / total_of_row, np.nan)
    # --- regular: months with a purchase within the client's own active window
    # (months are needed for the window's lines only: a line before the window only says
    # that the client's own window starts with the window)
    window_month0 = month_ref - n_months + 1
    row_w = row[in_window]
    month_w = period_codes(day[in_window], "M")
    first_month_row = np.full(n, month_ref + 1, dtype=np.int64)
    np.minimum.at(first_month_row, row_w, month_w)
    first_month_row[np.bincount(row[~in_window], minlength=n) > 0] = window_month0
    own_first = np.maximum(first_month_row, window_month0)
    own_span = np.maximum(month_ref - own_first + 1, 1)
    cell = row_w.astype(np.int64) * n_months + (month_w - window_month0)
    revenue_w = lines.values["revenue"][in_window]
    if n * n_months <= _DENSE_CELLS:  # one slot per client × month: no sort
        uniq = np.flatnonzero(np.bincount(cell, minlength=n * n_months))
        cell_sum = np.bincount(cell, weights=revenue_w, minlength=n * n_months)[uniq]
    else:
        uniq, inverse = np.unique(cell, return_inverse=True)
        cell_sum = np.bincount(inverse.ravel(), weights=revenue_w, minlength=len(uniq))
    active_months = np.bincount(uniq[cell_sum > 0] // n_months, minlength=n)
    regular = (active_months / own_span >= regular_share - 1e-9) if regular_share is not None else np.ones(n, bool)
    volume = (np.nan_to_num(client_share, nan=0.0) > share) & regular

    # --- profit: breadwinner
    total_margin = float(np.nansum(margin)) if has_cost else np.nan
    profit_share = margin / total_margin if has_cost and total_margin > 0 else np.full(n, np.nan)
    breadwinner = np.nan_to_num(profit_share, nan=0.0) >= breadwinner_share

    # --- potential and new
    potential_revenue = np.full(n, np.nan)
    if "potential_revenue" in clients.columns:
        pot = pd.to_numeric(clients["potential_revenue"], errors="coerce")
        bad = (pot.isna() & clients["potential_revenue"].notna()).to_numpy() | (pot < 0).to_numpy()
        if bad.any():
            rows = first_rows(clients.index[bad])
            raise KamDataError(t("class_errors.bad_numbers", argument="clients", column="potential_revenue",
                                 rows=rows, n=int(bad.sum())), file="clients", column="potential_revenue", rows=rows)
        potential_revenue[:n_table] = pot.to_numpy(dtype=float, na_value=np.nan)
    # what the client buys a year: the last 12 months of its own active window, scaled to a year
    year_first = np.maximum(own_first, month_ref - 11)
    in_year = month_w >= year_first[row_w]  # of the window's lines
    yearly = np.bincount(row_w[in_year], weights=revenue_w[in_year], minlength=n) * 12 / np.maximum(
        month_ref - year_first + 1, 1)
    group_yearly = total_of_row * 12 / n_months
    with np.errstate(invalid="ignore", divide="ignore"):
        multiple = np.where(yearly > 0, potential_revenue / np.where(yearly > 0, yearly, 1.0), np.inf)
    multiple = np.where(np.isnan(potential_revenue), np.nan, multiple)
    potential = (
        (np.nan_to_num(potential_revenue, nan=0.0) > 0)
        & (np.nan_to_num(multiple, nan=0.0) >= potential_ratio)
        & (np.nan_to_num(potential_revenue, nan=0.0) >= share * np.nan_to_num(group_yearly, nan=np.inf))
    )
    first_day = np.full(n, np.iinfo(np.int64).max)
    np.minimum.at(first_day, row, day)
    first_seen = pd.Series(np.where(first_day < np.iinfo(np.int64).max, first_day, 0).astype("datetime64[D]"))
    first_seen = first_seen.where(first_day < np.iinfo(np.int64).max)
    if "first_deal_date" in clients.columns:
        deal = pd.to_datetime(clients["first_deal_date"], errors="coerce").to_numpy()
        table_part = pd.Series(np.concatenate([deal, np.full(n - n_table, np.datetime64("NaT"))]))
        first_seen = table_part.astype("datetime64[s]").fillna(first_seen.astype("datetime64[s]"))
    new_since = reference_day.normalize() - pd.DateOffset(months=new_months)
    new = (first_seen > new_since).to_numpy(dtype=bool)
    prospect = potential & (new | ~volume)

    flags = {
        name: np.concatenate([_flags(clients, column), np.zeros(n - n_table, dtype=bool)])
        for name, column in _FLAG_COLUMNS.items()
    }
    flagged = volume | potential | breadwinner | flags["reference"] | flags["innovative"] | flags["demanding"]

    result = pd.DataFrame({
        "client_id": ids,
        "name": np.concatenate([clients["name"].to_numpy(dtype=object), np.full(n - n_table, np.nan)])
        if "name" in clients.columns else np.nan,
        "group": np.asarray(group_names, dtype=object)[np.maximum(group, 0)] if group_column else np.nan,
        "revenue": revenue,
        "share": client_share,
        "margin": margin,
        "profit_share": profit_share,
        "potential_revenue": potential_revenue,
        "potential_multiple": multiple,
        "volume": volume,
        "potential": potential,
        "reference": flags["reference"],
        "innovative": flags["innovative"],
        "demanding": flags["demanding"],
        "breadwinner": breadwinner,
        "prospect": prospect,
        "image_maker": flags["reference"],
        "expert": flags["demanding"],
        "new": new,
        "_first_seen": first_seen,
    })
    if group_column is not None:
        result.loc[~known, "group"] = np.nan
    result = result[flagged]
    result = result.sort_values(["share", "revenue", "client_id"], ascending=[False, False, True],
                                na_position="last", kind="mergesort").reset_index(drop=True)
    result["types"] = pd.array(_types(result), dtype="str")
    result["reason"] = pd.array(_reasons(result, share, breadwinner_share, level), dtype="str")
    result = result.drop(columns="_first_seen")
    if "name" not in clients.columns:
        result = result.drop(columns="name")
    if group_column is None:
        result = result.drop(columns="group")
    return result


def _types(result: pd.DataFrame) -> list[str]:
    names = [(column, t(f"key_accounts.{column}")) for column in ("breadwinner", "prospect", "image_maker", "expert")]
    return [", ".join(label for column, label in names if flags[column]) for flags in result.to_dict("records")]


def _reasons(result: pd.DataFrame, cut: float, breadwinner_cut: float, level: str) -> list[str]:
    """One sentence per flagged client (a loop over the flagged few, for wording only)."""
    out = []
    sep = t("key_accounts.separator")
    for r in result.to_dict("records"):
        parts = []
        if r["volume"]:
            where = (t("key_accounts.level_company") if level == "company"
                     else t(f"key_accounts.level_{level}", group=r["group"]))
            digits = _digits_apart(r["share"], cut)
            parts.append(t("key_accounts.reason_volume", share=_percent(r["share"], digits), level=where,
                           cut=_percent(cut, digits)))
        if r["potential"]:
            if np.isfinite(r["potential_multiple"]):
                parts.append(t("key_accounts.reason_potential", potential=_money(r["potential_revenue"]),
                               ratio=f"{r['potential_multiple']:.1f}×"))
            elif pd.notna(r["_first_seen"]):  # a client of ours before, silent in this period
                parts.append(t("key_accounts.reason_potential_lapsed", potential=_money(r["potential_revenue"])))
            else:
                parts.append(t("key_accounts.reason_potential_none", potential=_money(r["potential_revenue"])))
            if r["new"] and pd.notna(r["_first_seen"]):
                parts.append(t("key_accounts.reason_new", date=pd.Timestamp(r["_first_seen"]).date()))
        if r["breadwinner"]:
            digits = _digits_apart(r["profit_share"], breadwinner_cut)
            parts.append(t("key_accounts.reason_breadwinner", share=_percent(r["profit_share"], digits),
                           cut=_percent(breadwinner_cut, digits)))
        for flag in ("reference", "innovative", "demanding"):
            if r[flag]:
                parts.append(t(f"key_accounts.reason_{flag}"))
        out.append(sep.join(parts))
    return out

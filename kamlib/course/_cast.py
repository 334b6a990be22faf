"""The clients who play the course's roles, picked by rule from any company's data.

The course notebooks follow a cast of clients through the modules: the largest client, the
next one, an innovator, an image-maker, a prospect, the lost key client and one at risk. On the
sample company they are C001–C006 and C016; :func:`pick_clients` finds the client who plays
each role in another company's data, so a notebook run on that data (papermill) talks about
its own clients.
"""

from __future__ import annotations

import warnings

import pandas as pd

from .._errors import KamDataWarning
from .._validate import check_columns, check_date, check_date_column, check_frame, check_numeric_column
from ..labels import t

__all__ = ["pick_clients", "ROLES"]

ROLES = ("largest", "second", "innovator", "image_maker", "prospect", "lost", "at_risk")
"""The roles, in the order they are given out; their rules are ``t("course_cast.<role>")``."""


def pick_clients(orders: pd.DataFrame, clients: pd.DataFrame | None = None, *, as_of: object) -> pd.DataFrame:
    """One client for each role of the course's story, chosen by rule from the data.

    The roles are given out in this order, each to a client not already picked for an
    earlier role (so the cast has no repeats):

    ============  ==========================================================  ========
    role          rule                                                         sample
    ============  ==========================================================  ========
    largest       the largest client by revenue up to ``as_of``                 C001
    second        the next largest client                                       C002
    innovator     the largest innovative client (``clients.is_innovative``)     C003
    image_maker   the largest famous name (``clients.is_reference``)            C004
    prospect      the prospect of :func:`kamlib.key_accounts` with the          C005
                  largest ``potential_revenue``
    lost          the lost client with the most revenue at stake               C006
                  (:func:`kamlib.winback_list`)
    at_risk       the at-risk client with the most revenue at stake            C016
    ============  ==========================================================  ========

    "Largest" is by revenue over the whole history up to ``as_of``; ties go to the smaller
    ``client_id``. The key-account flags use :func:`kamlib.key_accounts` with its defaults
    (company level, 10 % volume rule) and the purchase rhythm :func:`kamlib.churn_status`'s
    defaults, so a role means here what it means in the module that teaches it.

    Parameters
    ----------
    orders : DataFrame
        Order lines with ``client_id``, ``date`` and ``revenue``.
    clients : DataFrame, optional
        The clients table with ``client_id``; ``name``, ``is_innovative``, ``is_reference`` and
        ``potential_revenue`` are used when present (without a flag, nobody has it). Without the
        table only the roles that need orders alone are given: largest, second, lost, at_risk.
    as_of : date
        The day of the analysis.

    Returns
    -------
    DataFrame
        Indexed by ``role`` (the order above), with ``client_id`` (missing when no client fits
        the rule), ``name`` and ``rule`` (the rule in words). ``pick_clients(...)["client_id"]``
        is a Series from role to client.

    Raises
    ------
    KamArgumentError
        When ``as_of`` is not a date or a table is not a DataFrame.
    KamDataError
        When a table lacks a required column, or ``date``/``revenue`` hold values that are not
        dates/numbers.

    See Also
    --------
    kamlib.key_accounts, kamlib.winback_list

    Examples
    --------
    Seven clients buying every Monday of 2025, with f gone silent in July and g in December:

    >>> import pandas as pd
    >>> mondays = pd.date_range("2025-01-06", "2025-12-29", freq="7D")
    >>> def buys(client, amount, until="2025-12-31"):
    ...     days = mondays[mondays <= until]
    ...     return pd.DataFrame({"client_id": client, "date": days, "revenue": amount})
    >>> orders = pd.concat([buys("a", 100.0), buys("b", 50.0), buys("c", 20.0), buys("d", 10.0), buys("e", 1.0),
    ...                     buys("f", 30.0, until="2025-06-30"), buys("g", 5.0, until="2025-12-01")])
    >>> clients = pd.DataFrame({"client_id": list("abcdefg"),
    ...                         "is_innovative": [False, False, True, False, True, False, False],
    ...                         "is_reference": [False, True, False, True, False, False, False],
    ...                         "potential_revenue": [None, None, None, None, 5000.0, None, None]})
    >>> cast = pick_clients(orders, clients, as_of="2025-12-31")
    >>> cast["client_id"].to_dict()
    {'largest': 'a', 'second': 'b', 'innovator': 'c', 'image_maker': 'd', 'prospect': 'e', 'lost': 'f', 'at_risk': 'g'}

    b is a famous name too, but it already plays the second client, so the image-maker is d.
    """
    from ..analytics._churn import winback_list
    from ..analytics._key_accounts import key_accounts

    day = check_date(as_of, "as_of")
    check_frame(orders, "orders")
    check_columns(orders, ["client_id", "date", "revenue"], argument="orders")
    if clients is not None:
        check_frame(clients, "clients")
        check_columns(clients, ["client_id"], argument="clients")
    table = clients if clients is not None else pd.DataFrame({"client_id": pd.Series(dtype=object)})
    dates = check_date_column(orders, "date", argument="orders")
    revenue = check_numeric_column(orders, "revenue", argument="orders")

    totals = (
        pd.DataFrame({"client_id": orders["client_id"], "revenue": revenue})
        .loc[(dates <= day).to_numpy()]
        .groupby("client_id", as_index=False)["revenue"].sum()
        .sort_values(["revenue", "client_id"], ascending=[False, True], kind="stable")
    )
    with warnings.catch_warnings():  # a missing cost column only affects profit, which no rule uses
        warnings.simplefilter("ignore", KamDataWarning)
        key = key_accounts(orders, table, as_of=day)
    key = key.sort_values(["revenue", "client_id"], ascending=[False, True], kind="stable")
    prospects = key[key["prospect"]].sort_values(["potential_revenue", "client_id"], ascending=[False, True],
                                                 kind="stable")
    candidates = {
        "largest": totals["client_id"],
        "second": totals["client_id"],
        "innovator": key.loc[key["innovative"], "client_id"],
        "image_maker": key.loc[key["image_maker"], "client_id"],
        "prospect": prospects["client_id"],
        "lost": winback_list(orders, clients, as_of=day, statuses=("lost",))["client_id"],
        "at_risk": winback_list(orders, clients, as_of=day, statuses=("at_risk",))["client_id"],
    }
    picked: list[object] = []
    for role in ROLES:  # seven roles; each scan stops at the first client not yet picked
        picked.append(next((c for c in candidates[role] if c not in picked), None))

    names = (table.drop_duplicates("client_id").set_index("client_id")["name"]
             if "name" in table.columns else pd.Series(dtype=object))
    out = pd.DataFrame(
        {
            "client_id": pd.array(picked, dtype=object),
            "name": [names.get(c) if c is not None else None for c in picked],
            "rule": [t(f"course_cast.{role}") for role in ROLES],
        },
        index=pd.Index(ROLES, name="role"),
    )
    return out

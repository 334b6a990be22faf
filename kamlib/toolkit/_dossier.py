"""The key-account dossier, relationship coverage, important dates, the decision map, the "three P" screen.

CURRICULUM M9 (sources 003, 004, 000). A dossier per key account has four
parts (004): 1. general information (description, headcount, history,
organisational structure, environment); 2. the contact history (what was
delivered and when, tenders, why they were won or lost, the next steps);
3. the decision-making scheme -- every person involved, with their level, their
role in the buying centre and our relationship; 4. the competitors trying to win
the account. Relations must be **deep and wide** (003): top management, middle
management and staff, and certainly the owner, the CEO and the chief accountant,
so that one changed contact does not cut the supplier off.

The analyses (:func:`relationship_coverage`, :func:`important_dates`,
:func:`plot_decision_map`, :func:`three_p_screen`) work on the canonical
``contacts`` and ``clients`` tables, no database needed. :class:`Dossier` keeps
the dossiers in the same SQLite file as :class:`kamlib.Register` (its own
tables, schema component ``dossier``):

``dossier_accounts``     client_id, name, description, headcount, history, structure,
                         environment, first_deal_date, updated_at
``dossier_people``       contact_id, client_id, name, position, level, buying_role,
                         relationship (1-5), birthday, influences, notes, updated_at
``dossier_events``       event_id, client_id, date, kind, summary, outcome (won | lost |
                         pending), reason, next_step, next_step_date, recorded_at
``dossier_competitors``  client_id, competitor, products, threat (low | medium | high),
                         since, notes, updated_at
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from .._errors import KamArgumentError, KamDataError
from .._validate import (
    check_choice,
    check_columns,
    check_date,
    check_date_column,
    check_frame,
    check_no_missing,
    check_number,
    check_unique,
    first_rows,
    rows_with_values,
)
from ..data._schema import BUYING_ROLES, CONTACT_LEVELS, columns_of
from ..labels import t
from ._db import Store, as_date, iso, read, write
from ._markup import h, html_table, md, md_table

__all__ = [
    "Dossier", "AccountDossier", "relationship_coverage", "important_dates", "three_p_screen",
    "plot_decision_map", "dossier_to_markdown", "dossier_to_html",
    "KEY_PEOPLE", "NOT_KEY_WORDS", "WEAK_AT_MOST", "EVENT_KINDS", "OUTCOMES", "THREATS",
]

LEVELS: tuple[str, ...] = CONTACT_LEVELS
ROLES: tuple[str, ...] = BUYING_ROLES

KEY_PEOPLE: dict[str, tuple[str, ...]] = {
    "owner": ("owner", "co-owner", "founder", "co-founder", "shareholder", "proprietor"),
    "ceo": (
        "ceo", "chief executive", "managing director", "general director", "director general",
        "general manager", "president",
    ),
    "chief_accountant": (
        "chief accountant", "head accountant", "head of accounting", "cfo", "chief financial officer",
        "finance director", "financial director",
    ),
}
"""The people the source says every key account must know (003), found by job-title keywords.

A contact counts when a keyword appears in ``position`` as whole words (case
ignored): ``"Owner and CEO"`` is both the owner and the CEO. The chief accountant
is the person who pays the invoices; in companies without that title it is
usually the CFO or finance director, hence those keywords.
"""

NOT_KEY_WORDS: tuple[str, ...] = ("deputy", "assistant", "vice", "secretary")
"""Titles containing these words are not the key person themselves ("Deputy CEO", "Assistant to the owner")."""

WEAK_AT_MOST = 2
"""On the canonical 1 (none) - 5 (trusted) scale, 1-2 is no working relationship (course convention)."""

EVENT_KINDS: tuple[str, ...] = ("delivery", "tender", "meeting", "call", "offer", "other")
OUTCOMES: tuple[str, ...] = ("won", "lost", "pending")
THREATS: tuple[str, ...] = ("low", "medium", "high")

_OPTIONAL_CONTACT_COLUMNS = ("position", "level", "buying_role", "relationship", "birthday", "influences")


# ---- checks of the canonical tables ------------------------------------------------------------

def _clean_codes(series: pd.Series) -> pd.Series:
    """Text codes stripped and lower-cased; empty text becomes missing."""
    text = series.astype("string").str.strip().str.lower()
    return text.mask(text == "")


def _check_codes(frame: pd.DataFrame, column: str, allowed: Sequence[str], argument: str) -> pd.Series:
    codes = _clean_codes(frame[column])
    bad = codes.notna() & ~codes.isin(allowed)
    if bad.any():
        rows = frame.index[bad.to_numpy()]
        raise KamDataError(
            t("dossier.bad_values", argument=argument, column=column, n=int(bad.sum()),
              rows=rows_with_values(rows, frame.loc[bad, column]), valid=", ".join(allowed)),
            file=argument, column=column, rows=first_rows(rows),
        )
    return codes.astype("str")


def _optional_dates(frame: pd.DataFrame, column: str, argument: str) -> pd.Series:
    """``column`` as datetimes; empty cells stay NaT, anything else that is not a date is an error."""
    col = frame[column]
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return col.dt.tz_localize(None) if getattr(col.dt, "tz", None) is not None else col
    present = col.notna() & (col.astype("string").str.strip() != "")
    out = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[us]")
    if present.any():
        parsed = check_date_column(frame.loc[present], column, argument=argument)
        out.loc[present] = parsed.astype("datetime64[us]")
    return out


def _check_contacts(contacts: object, argument: str = "contacts") -> pd.DataFrame:
    """A checked copy of the canonical contacts table, every optional column present."""
    frame = check_frame(contacts, argument)
    check_columns(frame, ["contact_id", "client_id", "name"], argument=argument)
    check_no_missing(frame, ["contact_id", "client_id"], argument=argument)
    check_unique(frame, ["contact_id"], argument=argument)
    out = frame.copy()
    for column in _OPTIONAL_CONTACT_COLUMNS:
        if column not in out.columns:
            out[column] = pd.NA
    out["contact_id"] = out["contact_id"].astype("str")
    out["client_id"] = out["client_id"].astype("str")
    out["level"] = _check_codes(out, "level", LEVELS, argument)
    out["buying_role"] = _check_codes(out, "buying_role", ROLES, argument)
    rel = out["relationship"]
    number = pd.to_numeric(rel.where(~rel.map(lambda v: isinstance(v, bool))), errors="coerce")
    bad = rel.notna() & (number.isna() | (number % 1 != 0) | (number < 1) | (number > 5))
    if bad.any():
        rows = out.index[bad.to_numpy()]
        raise KamDataError(
            t("dossier.bad_relationship", argument=argument, rows=rows_with_values(rows, rel[bad])),
            file=argument, column="relationship", rows=first_rows(rows),
        )
    out["relationship"] = number.astype("Int64")
    out["birthday"] = _optional_dates(out, "birthday", argument)
    influences = out["influences"].astype("string").str.strip()
    out["influences"] = influences.mask(influences == "").astype("str")
    return out


def _check_clients(clients: object, argument: str = "clients") -> pd.DataFrame:
    frame = check_frame(clients, argument)
    check_columns(frame, ["client_id"], argument=argument)
    check_no_missing(frame, ["client_id"], argument=argument)
    check_unique(frame, ["client_id"], argument=argument)
    out = frame.copy()
    out["client_id"] = out["client_id"].astype("str")
    if "name" not in out.columns:
        out["name"] = pd.NA
    if "first_deal_date" in out.columns:
        out["first_deal_date"] = _optional_dates(out, "first_deal_date", argument)
    else:
        out["first_deal_date"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")
    return out


def _words_pattern(words: Sequence[str]) -> str:
    return r"(?<![\w])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])"


def _check_key_people(key_people: object) -> dict[str, tuple[str, ...]]:
    ok = isinstance(key_people, Mapping) and key_people and all(
        isinstance(k, str) and k.isidentifier() and not isinstance(v, str) and isinstance(v, Sequence) and v
        and all(isinstance(w, str) and w.strip() for w in v)
        for k, v in key_people.items()
    )
    if not ok:
        raise KamArgumentError(t(
            "errors.bad_argument", argument="key_people", value=key_people,
            valid=t("register_valid.key_people"),
        ))
    return {k: tuple(v) for k, v in key_people.items()}


def _person_label(key: str) -> str:
    try:
        return t(f"dossier_key_people.{key}")
    except KeyError:
        return key.replace("_", " ")


def _joined(presence: pd.DataFrame, sep: str = ", ") -> pd.Series:
    """For each row, the names of the True columns joined (vectorised)."""
    if presence.shape[1] == 0:
        return pd.Series("", index=presence.index, dtype="str")
    names = np.array([f"{c}{sep}" for c in presence.columns], dtype=object)
    parts = np.where(presence.to_numpy(dtype=bool), names, "")
    return pd.Series(parts.sum(axis=1), index=presence.index).astype("str").str.removesuffix(sep)


# ---- relationship coverage -------------------------------------------------------------------

def relationship_coverage(
    contacts: pd.DataFrame,
    clients: pd.DataFrame | None = None,
    *,
    key_people: Mapping[str, Sequence[str]] | None = None,
    not_key_words: Sequence[str] = NOT_KEY_WORDS,
    weak_at_most: int = WEAK_AT_MOST,
) -> pd.DataFrame:
    """How deep and how wide our relationships with each account go, and the gaps.

    *Deep*: which management levels we know (top, middle, staff). *Wide*: which
    buying-centre roles we know (initiator, user, influencer, decider, approver,
    buyer, gatekeeper). Gaps, in the order listed: no contacts at all; a single
    point of contact; a level with nobody; no contact with the owner, the CEO or
    the chief accountant (003); no decider; weak relationships only.

    Parameters
    ----------
    contacts : pandas.DataFrame
        The canonical contacts table (``contact_id``, ``client_id``, ``name``; the
        optional ``position``, ``level``, ``buying_role``, ``relationship`` are used
        when present).
    clients : pandas.DataFrame, optional
        The clients table: adds ``client_name`` and the accounts with no contact at all.
    key_people : dict, default :data:`KEY_PEOPLE`
        Person -> job-title keywords (whole words, case ignored); one ``has_<person>``
        column each.
    not_key_words : sequence of str, default :data:`NOT_KEY_WORDS`
        A title with one of these words ("Deputy CEO") does not count as the key person.
    weak_at_most : int, default 2
        Relationship strengths up to this value are weak (scale 1 none - 5
        trusted; course convention :data:`WEAK_AT_MOST`).

    Returns
    -------
    pandas.DataFrame
        One row per account, by ``client_id``: ``client_name``, ``n_contacts``,
        ``depth`` (levels known, 0-3), ``width`` (roles known, 0-7),
        ``levels_known``, ``roles_known``, ``roles_missing``, ``has_top``,
        ``has_middle``, ``has_staff``, ``has_owner``, ``has_ceo``,
        ``has_chief_accountant``, ``has_decider``, ``single_point_of_contact``,
        ``weak_only``, ``best_relationship``, ``n_gaps``, ``gaps`` (text, ``"; "``
        between gaps).

    Raises
    ------
    KamDataError
        A column is missing, ``contact_id`` repeats, or ``level``, ``buying_role``
        or ``relationship`` hold values outside the canonical ones.

    See Also
    --------
    plot_decision_map : the same people as a picture.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib import relationship_coverage
    >>> contacts = pd.DataFrame({
    ...     "contact_id": ["P1", "P2", "P3"],
    ...     "client_id": ["C1", "C1", "C2"],
    ...     "name": ["Ann Lee", "Bo Chen", "Cy Park"],
    ...     "position": ["Owner and CEO", "Chief accountant", "Buyer"],
    ...     "level": ["top", "middle", "staff"],
    ...     "buying_role": ["decider", "gatekeeper", "buyer"],
    ...     "relationship": [4, 2, 2],
    ... })
    >>> cov = relationship_coverage(contacts)
    >>> cov[["client_id", "n_contacts", "depth", "width", "n_gaps"]]
      client_id  n_contacts  depth  width  n_gaps
    0        C1           2      2      2       1
    1        C2           1      1      1       8
    >>> print(cov.gaps[0])
    nobody in staff
    """
    c = _check_contacts(contacts)
    keys = KEY_PEOPLE if key_people is None else _check_key_people(key_people)
    weak_at_most = int(check_number(weak_at_most, "weak_at_most", minimum=0, maximum=5, integer=True))
    if isinstance(not_key_words, str) or not all(isinstance(w, str) for w in not_key_words):
        raise KamArgumentError(t("errors.bad_argument", argument="not_key_words", value=not_key_words, valid=t("register_valid.words")))
    known = None
    if clients is not None:
        known = _check_clients(clients)

    position = c["position"].astype("string").fillna("")
    excluded = (
        position.str.contains(_words_pattern(not_key_words), case=False, regex=True)
        if len(not_key_words) else pd.Series(False, index=c.index)
    )
    flags = pd.DataFrame({"client_id": c["client_id"]}, index=c.index)
    for key, words in keys.items():
        flags[f"has_{key}"] = position.str.contains(_words_pattern(words), case=False, regex=True) & ~excluded
    flags["has_decider"] = c["buying_role"].eq("decider").fillna(False)
    flags["strong"] = c["relationship"].gt(weak_at_most).fillna(False)
    for level in LEVELS:
        flags[f"level:{level}"] = c["level"].eq(level).fillna(False)
    for role in ROLES:
        flags[f"role:{role}"] = c["buying_role"].eq(role).fillna(False)
    flags = flags.astype({col: bool for col in flags.columns if col != "client_id"})
    grouped = flags.groupby("client_id", sort=True)
    out = grouped.any()
    out.insert(0, "n_contacts", grouped.size())
    out["best_relationship"] = c.groupby("client_id", sort=True)["relationship"].max()
    levels = out[[f"level:{level}" for level in LEVELS]].set_axis(list(LEVELS), axis=1)
    roles = out[[f"role:{role}" for role in ROLES]].set_axis(list(ROLES), axis=1)
    out = out.drop(columns=[*(f"level:{level}" for level in LEVELS), *(f"role:{role}" for role in ROLES)])

    if known is not None:  # accounts without any contact
        ids = sorted(set(out.index) | set(known["client_id"]))
        out = out.reindex(ids)
        levels = levels.reindex(ids, fill_value=False)
        roles = roles.reindex(ids, fill_value=False)
        bool_cols = [col for col in out.columns if col not in ("n_contacts", "best_relationship")]
        out[bool_cols] = out[bool_cols].fillna(False).astype(bool)
        out["n_contacts"] = out["n_contacts"].fillna(0).astype("int64")
    out["best_relationship"] = out["best_relationship"].astype("Int64")

    for level in LEVELS:
        out[f"has_{level}"] = levels[level]
    out["depth"] = levels.sum(axis=1).astype("int64")
    out["width"] = roles.sum(axis=1).astype("int64")
    out["levels_known"] = _joined(levels)
    out["roles_known"] = _joined(roles)
    out["roles_missing"] = _joined(~roles)
    has_contacts = out["n_contacts"] > 0
    out["single_point_of_contact"] = out["n_contacts"] == 1
    out["weak_only"] = has_contacts & ~out["strong"]

    gap_flags: dict[str, pd.Series] = {
        t("dossier_gaps.no_contacts"): ~has_contacts,
        t("dossier_gaps.single_point"): out["single_point_of_contact"],
    }
    for level in LEVELS:
        gap_flags[t("dossier_gaps.no_level", level=t(f"dossier_levels.{level}"))] = ~out[f"has_{level}"]
    for key in keys:
        gap_flags[t("dossier_gaps.no_person", person=_person_label(key))] = ~out[f"has_{key}"]
    gap_flags[t("dossier_gaps.no_decider")] = ~out["has_decider"]
    gap_flags[t("dossier_gaps.weak_only", weak_at_most=weak_at_most)] = out["weak_only"]
    gap_table = pd.DataFrame(gap_flags)
    out["n_gaps"] = gap_table.sum(axis=1).astype("int64")
    out["gaps"] = _joined(gap_table, sep="; ")

    out = out.rename_axis("client_id").reset_index()
    if known is not None:
        names = known.set_index("client_id")["name"]
        out.insert(1, "client_name", out["client_id"].map(names).astype("str"))
    else:
        out.insert(1, "client_name", pd.Series(pd.NA, index=out.index, dtype="str"))
    columns = [
        "client_id", "client_name", "n_contacts", "depth", "width", "levels_known", "roles_known", "roles_missing",
        *[f"has_{level}" for level in LEVELS], *[f"has_{key}" for key in keys], "has_decider",
        "single_point_of_contact", "weak_only", "best_relationship", "n_gaps", "gaps",
    ]
    return out[columns]


# ---- important dates ---------------------------------------------------------------------------

def _occurrences(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp, feb29: str) -> pd.DataFrame:
    """Every yearly recurrence of ``dates`` in [start, end): columns ``row`` (index label), ``date``, ``years``."""
    dates = dates.dropna()
    parts = []
    month, day = dates.dt.month.to_numpy(), dates.dt.day.to_numpy()
    leap_day = (month == 2) & (day == 29)
    for year in range(start.year, (end - pd.Timedelta(days=1)).year + 1):
        m, d = month.copy(), day.copy()
        if not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            if feb29 == "feb28":
                d[leap_day] = 28
            else:
                m[leap_day], d[leap_day] = 3, 1
        when = pd.to_datetime(pd.DataFrame({"year": year, "month": m, "day": d}))
        part = pd.DataFrame({"row": dates.index, "date": when.to_numpy(), "years": year - dates.dt.year.to_numpy()})
        parts.append(part[(part["date"] >= start) & (part["date"] < end)])
    if not parts:
        return pd.DataFrame({"row": [], "date": pd.Series([], dtype="datetime64[us]"), "years": []})
    return pd.concat(parts, ignore_index=True)


def important_dates(
    contacts: pd.DataFrame | None = None,
    clients: pd.DataFrame | None = None,
    *,
    start: date | str,
    days: int = 30,
    feb29: str = "feb28",
) -> pd.DataFrame:
    """Birthdays of the client's people and anniversaries of the first deal in the next ``days`` days.

    The dossier keeps birthdays "for congratulations" (003); the anniversary of
    the first deal (``clients.first_deal_date``) is a natural reason to call.

    Parameters
    ----------
    contacts : pandas.DataFrame, optional
        Canonical contacts (``contact_id, client_id, name, birthday``).
    clients : pandas.DataFrame, optional
        Canonical clients (``client_id, name, first_deal_date``); also gives each
        contact's ``client_name``.
    start : date
        The first day of the window (explicit, so that results are reproducible).
    days : int, default 30
        Length of the window: the dates from ``start`` up to ``start + days - 1``
        (``days=7`` is ``start`` and the six days after it).
    feb29 : {"feb28", "mar1"}, default "feb28"
        When someone born on 29 February is congratulated in a non-leap year.

    Returns
    -------
    pandas.DataFrame
        ``date, days_ahead, kind`` (label: birthday / anniversary of the first
        deal), ``client_id, client_name, contact_id, name`` (the person, or the
        client for an anniversary) and ``years`` (the age reached, or the years
        since the first deal), sorted by date. A first deal in the window's own
        year counts from its first anniversary; a birthday needs a birth year on
        or before the date.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib import important_dates
    >>> contacts = pd.DataFrame({"contact_id": ["P1", "P2"], "client_id": ["C1", "C1"],
    ...                          "name": ["Ann Lee", "Bo Chen"], "birthday": ["1980-01-03", "1992-02-29"]})
    >>> clients = pd.DataFrame({"client_id": ["C1"], "name": ["Acme"], "first_deal_date": ["2015-12-30"]})
    >>> important_dates(contacts, clients, start="2025-12-28", days=7)[["date", "days_ahead", "name", "years"]]
            date  days_ahead     name  years
    0 2025-12-30           2     Acme     10
    1 2026-01-03           6  Ann Lee     46
    """
    if contacts is None and clients is None:
        raise KamArgumentError(t("dossier.no_frames"))
    first = check_date(start, "start")
    days = int(check_number(days, "days", minimum=1, maximum=3660, integer=True))
    check_choice(feb29, "feb29", ("feb28", "mar1"))
    end = first + pd.Timedelta(days=days)
    known = _check_clients(clients) if clients is not None else None
    names = known.set_index("client_id")["name"] if known is not None else pd.Series(dtype="str")
    parts = []
    if contacts is not None:
        c = _check_contacts(contacts)
        occ = _occurrences(c["birthday"], first, end, feb29)
        occ = occ[occ["years"] >= 0]
        people = c.loc[occ["row"]]
        parts.append(pd.DataFrame({
            "date": occ["date"].to_numpy(),
            "kind": t("dossier_dates.birthday"),
            "client_id": people["client_id"].to_numpy(),
            "contact_id": people["contact_id"].to_numpy(),
            "name": people["name"].to_numpy(),
            "years": occ["years"].to_numpy(),
        }))
    if known is not None:
        occ = _occurrences(known["first_deal_date"], first, end, feb29)
        occ = occ[occ["years"] >= 1]
        firms = known.loc[occ["row"]]
        parts.append(pd.DataFrame({
            "date": occ["date"].to_numpy(),
            "kind": t("dossier_dates.anniversary"),
            "client_id": firms["client_id"].to_numpy(),
            "contact_id": None,
            "name": firms["name"].to_numpy(),
            "years": occ["years"].to_numpy(),
        }))
    out = pd.concat(parts, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[us]")
    out["days_ahead"] = (out["date"] - first).dt.days.astype("int64")
    out["client_name"] = out["client_id"].map(names)
    out["years"] = out["years"].astype("int64")
    out = out.astype({"kind": "str", "client_id": "str", "contact_id": "str", "name": "str", "client_name": "str"})
    out = out.sort_values(["date", "client_id", "kind", "name"], kind="stable").reset_index(drop=True)
    return out[["date", "days_ahead", "kind", "client_id", "client_name", "contact_id", "name", "years"]]


# ---- the "three P" screen ----------------------------------------------------------------------

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


def _yes_no_column(frame: pd.DataFrame, column: str, argument: str) -> pd.Series:
    """True / False / <NA> from booleans, 1/0 or yes/no text; anything else is an error."""
    col = frame[column]
    text = col.astype("string").str.strip().str.lower()
    is_yes = text.isin(_YES)
    is_no = text.isin(_NO)
    missing = col.isna() | (text == "")
    bad = ~(is_yes | is_no | missing)
    if bad.any():
        rows = frame.index[bad.to_numpy()]
        raise KamDataError(
            t("dossier.bad_yes_no", argument=argument, column=column, rows=rows_with_values(rows, col[bad])),
            file=argument, column=column, rows=first_rows(rows),
        )
    out = pd.Series(pd.NA, index=frame.index, dtype="boolean")
    out[is_yes.fillna(False).to_numpy()] = True
    out[is_no.fillna(False).to_numpy()] = False
    return out


def three_p_screen(
    prospects: pd.DataFrame | Mapping[str, object],
    *,
    need: str = "need",
    ability: str = "ability_to_pay",
    authority: str = "authority",
) -> pd.DataFrame:
    """Screen prospects for key-account status by the "three P" rule (004).

    A prospect passes only with all three: a **need** for the service, the
    **ability to pay**, and the **authority** to decide (we are talking to the
    person who can say yes). A P that is not established counts as missing.

    Parameters
    ----------
    prospects : pandas.DataFrame or dict
        One row per prospect (a dict is one prospect), with the three columns
        holding yes/no (``True``/``False``, 1/0, ``"yes"``/``"no"``); an empty cell
        means not established. Other columns are kept.
    need, ability, authority : str
        The names of the three columns.

    Returns
    -------
    pandas.DataFrame
        The prospects, plus ``passes`` (bool), ``missing`` (the missing P's as
        text, empty when it passes) and ``verdict``.

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib import three_p_screen
    >>> prospects = pd.DataFrame({"prospect": ["North Mill", "Lake Foods"],
    ...                           "need": [True, True], "ability_to_pay": [True, None],
    ...                           "authority": ["yes", "no"]})
    >>> screen = three_p_screen(prospects)
    >>> screen.passes.tolist()
    [True, False]
    >>> print(screen.verdict[1])
    does not pass: missing ability to pay (not established); authority to decide
    """
    if isinstance(prospects, Mapping):
        prospects = pd.DataFrame([dict(prospects)])
    frame = check_frame(prospects, "prospects")
    columns = {"need": need, "ability": ability, "authority": authority}
    for argument, column in columns.items():
        if not isinstance(column, str):
            raise KamArgumentError(t("errors.bad_argument", argument=argument, value=column, valid=t("register_valid.column")))
    check_columns(frame, list(columns.values()), argument="prospects")
    out = frame.copy()
    missing = pd.Series("", index=out.index, dtype="str")
    passes = pd.Series(True, index=out.index)
    for key, column in columns.items():
        value = _yes_no_column(out, column, "prospects")
        label = t(f"dossier_three_p.{key}")
        text = np.where(value.isna(), t("dossier_three_p.unknown", p=label) + "; ",
                        np.where(value.fillna(True), "", label + "; "))
        missing = missing + pd.Series(text, index=out.index, dtype="str")
        passes = passes & value.fillna(False).astype(bool)
    out["passes"] = passes.astype(bool)
    out["missing"] = missing.str.removesuffix("; ")
    fails = pd.Series([t("dossier_three_p.fails", missing=m) for m in out["missing"]], index=out.index, dtype="str")
    out["verdict"] = fails.where(~out["passes"], t("dossier_three_p.passes"))
    return out


# ---- the decision map --------------------------------------------------------------------------

def _mpl_text(value: object) -> str:
    """Text for matplotlib: ``$`` escaped so a name is never read as mathtext."""
    return str(value).replace("$", r"\$")


def plot_decision_map(
    contacts: pd.DataFrame,
    client_id: str,
    ax: Any = None,
    *,
    title: str | None = None,
) -> Any:
    """Draw the decision-making map of one account: who is who, and who influences whom.

    People are placed by management level (rows: top, middle, staff) and
    buying-centre role (columns: initiator ... gatekeeper; a last column/row for
    people whose role or level is not recorded). Colour and size show the
    strength of our relationship (1 red, small ... 5 green, large; grey when not
    known). An arrow runs from each person to the one they influence
    (``influences``). Empty cells are the gaps in our map.

    Parameters
    ----------
    contacts : pandas.DataFrame
        The canonical contacts table (all accounts or one).
    client_id : str
        The account to draw.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when omitted.
    title : str, optional
        Default "Decision map: <client_id>".

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib import plot_decision_map
    >>> contacts = pd.DataFrame({"contact_id": ["P1", "P2"], "client_id": ["C1", "C1"],
    ...                          "name": ["Ann Lee", "Bo Chen"], "level": ["top", "middle"],
    ...                          "buying_role": ["decider", "buyer"], "relationship": [4, 2],
    ...                          "influences": [None, "P1"]})
    >>> ax = plot_decision_map(contacts, "C1")
    >>> ax.get_title()
    'Decision map: C1'
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    c = _check_contacts(contacts)
    if not isinstance(client_id, str):
        raise KamArgumentError(t("errors.bad_argument", argument="client_id", value=client_id, valid=t("register_valid.client_id")))
    people = c[c["client_id"] == client_id]
    if people.empty:
        available = ", ".join(sorted(c["client_id"].unique())[:10]) or "—"
        raise KamArgumentError(t("dossier.no_contacts_for_client", client=client_id, available=available))
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 5.5))

    roles = list(ROLES) + (["unknown"] if people["buying_role"].isna().any() else [])
    levels = list(LEVELS) + (["unknown"] if people["level"].isna().any() else [])
    col_of = {r: i for i, r in enumerate(roles)}
    row_of = {lvl: len(levels) - 1 - i for i, lvl in enumerate(levels)}  # top row drawn highest
    role = people["buying_role"].fillna("unknown")
    level = people["level"].fillna("unknown")
    x = role.map(col_of).astype(float)
    y = level.map(row_of).astype(float)
    # spread the people who share a cell across it
    cell = x.astype(str) + "|" + y.astype(str)
    k = cell.groupby(cell).cumcount()
    n = cell.map(cell.value_counts())
    x = x + (k - (n - 1) / 2) * (0.8 / n.clip(lower=1))
    y = y + np.where(k % 2 == 1, -0.12, 0.12) * (n > 2)

    strength = people["relationship"].astype("float64")
    cmap = colormaps["RdYlGn"]
    norm = Normalize(vmin=1, vmax=5)
    colours = [cmap(norm(s)) if not np.isnan(s) else (0.75, 0.75, 0.75, 1.0) for s in strength]
    sizes = np.where(strength.isna(), 160.0, 120.0 + 80.0 * strength.fillna(0))
    ax.scatter(x, y, s=sizes, c=colours, edgecolors="0.25", linewidths=0.8, zorder=3)
    for xi, yi, name, pos in zip(x, y, people["name"], people["position"]):
        label = _mpl_text(name) + ("" if pd.isna(pos) else "\n" + _mpl_text(pos))
        ax.text(xi, yi - 0.17, label, ha="center", va="top", fontsize=7, zorder=4)

    where = {cid: (xi, yi) for cid, xi, yi in zip(people["contact_id"], x, y)}
    for source, target in zip(people["contact_id"], people["influences"]):
        if pd.notna(target) and target in where and target != source:
            ax.annotate(
                "", xy=where[target], xytext=where[source],
                arrowprops={"arrowstyle": "-|>", "color": "0.35", "lw": 1.0, "shrinkA": 9, "shrinkB": 9,
                            "connectionstyle": "arc3,rad=0.2"},
                zorder=2,
            )

    ax.set_xlim(-0.5, len(roles) - 0.5)
    ax.set_ylim(-0.6, len(levels) - 0.4)
    ax.set_xticks(range(len(roles)), [t(f"dossier_roles.{r}") for r in roles])
    ax.set_yticks([row_of[lvl] for lvl in levels], [t(f"dossier_levels.{lvl}") for lvl in levels])
    for i in range(len(roles) - 1):
        ax.axvline(i + 0.5, color="0.88", lw=0.8, zorder=1)
    for j in range(len(levels) - 1):
        ax.axhline(j + 0.5, color="0.88", lw=0.8, zorder=1)
    ax.tick_params(length=0)
    ax.set_title(_mpl_text(title) if title is not None else t("dossier.map_title", client=_mpl_text(client_id)))
    # the legend names everything drawn: each relationship strength 1-5, grey for unknown, the arrows
    handles = [
        ax.scatter([], [], s=120.0 + 80.0 * s, color=cmap(norm(s)), edgecolors="0.25", label=t("dossier.map_strength", n=s))
        for s in (1, 2, 3, 4, 5)
    ]
    if strength.isna().any():
        handles.append(ax.scatter([], [], s=160.0, color=(0.75, 0.75, 0.75, 1.0), edgecolors="0.25",
                                  label=t("dossier.map_strength_unknown")))
    if any(pd.notna(target) and target in where and target != source
           for source, target in zip(people["contact_id"], people["influences"])):
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color="0.35", lw=1.0, marker=">", markevery=[-1], markersize=5,
                              label=t("dossier_map.influences")))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, frameon=False, labelspacing=1.4)
    return ax


# ---- the dossier in the database ---------------------------------------------------------------

def _in(values: Sequence[str]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def _migrate_v1(conn: sqlite3.Connection) -> None:
    for sql in (
        "CREATE TABLE dossier_accounts ("
        " client_id TEXT PRIMARY KEY,"
        " name TEXT,"
        " description TEXT,"
        " headcount INTEGER CHECK (headcount IS NULL OR headcount >= 0),"
        " history TEXT,"
        " structure TEXT,"
        " environment TEXT,"
        " first_deal_date TEXT,"
        " updated_at TEXT NOT NULL)",
        "CREATE TABLE dossier_people ("
        " contact_id TEXT PRIMARY KEY,"
        " client_id TEXT NOT NULL REFERENCES dossier_accounts(client_id),"
        " name TEXT NOT NULL,"
        " position TEXT,"
        f" level TEXT CHECK (level IS NULL OR level IN ({_in(LEVELS)})),"
        f" buying_role TEXT CHECK (buying_role IS NULL OR buying_role IN ({_in(ROLES)})),"
        " relationship INTEGER CHECK (relationship IS NULL OR relationship BETWEEN 1 AND 5),"
        " birthday TEXT,"
        " influences TEXT,"
        " notes TEXT,"
        " updated_at TEXT NOT NULL)",
        "CREATE INDEX dossier_people_client ON dossier_people (client_id)",
        "CREATE TABLE dossier_events ("
        " event_id INTEGER PRIMARY KEY,"
        " client_id TEXT NOT NULL REFERENCES dossier_accounts(client_id),"
        " date TEXT NOT NULL,"
        f" kind TEXT NOT NULL CHECK (kind IN ({_in(EVENT_KINDS)})),"
        " summary TEXT NOT NULL,"
        f" outcome TEXT CHECK (outcome IS NULL OR outcome IN ({_in(OUTCOMES)})),"
        " reason TEXT,"
        " next_step TEXT,"
        " next_step_date TEXT,"
        " recorded_at TEXT NOT NULL)",
        "CREATE INDEX dossier_events_client ON dossier_events (client_id, date)",
        "CREATE TABLE dossier_competitors ("
        " client_id TEXT NOT NULL REFERENCES dossier_accounts(client_id),"
        " competitor TEXT NOT NULL,"
        " products TEXT,"
        f" threat TEXT CHECK (threat IS NULL OR threat IN ({_in(THREATS)})),"
        " since TEXT,"
        " notes TEXT,"
        " updated_at TEXT NOT NULL,"
        " PRIMARY KEY (client_id, competitor))",
    ):
        conn.execute(sql)


MIGRATIONS = [_migrate_v1]
"""Migration hook of the dossier tables: function i takes them from version i to i + 1."""

COMPONENT = "dossier"
_ACCOUNT_FIELDS = ("name", "description", "headcount", "history", "structure", "environment", "first_deal_date")
_PERSON_FIELDS = ("name", "position", "level", "buying_role", "relationship", "birthday", "influences", "notes")


def _text_or_none(value: object, argument: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise KamArgumentError(t("register.empty_text", argument=argument, value=value))
    return value.strip()


def _date_or_none(value: object, argument: str) -> str | None:
    return None if value is None else as_date(value, argument).isoformat()


def _code_or_none(value: object, argument: str, allowed: Sequence[str]) -> str | None:
    if value is None:
        return None
    check_choice(value, argument, allowed)
    return str(value)


def _relationship_or_none(value: object) -> int | None:
    if value is None:
        return None
    return int(check_number(value, "relationship", minimum=1, maximum=5, integer=True))


def _headcount_or_none(value: object) -> int | None:
    if value is None:
        return None
    return int(check_number(value, "headcount", minimum=0, integer=True))


def _none_if_missing(value: object) -> object:
    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):
        return value


class Dossier(Store):
    """Key-account dossiers in a SQLite file (the same file as the :class:`kamlib.Register`).

    Parameters
    ----------
    path : str or path-like
        The database file (created on first use); ``":memory:"`` for a throw-away one.
    timeout : float, default 10.0
        Seconds a writer waits for another process's write.

    See Also
    --------
    relationship_coverage, important_dates, plot_decision_map : they take
        ``Dossier.contacts()`` and ``Dossier.clients()``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import pandas as pd
    >>> from kamlib import Dossier
    >>> contacts = pd.DataFrame({"contact_id": ["P1", "P2"], "client_id": ["C1", "C1"],
    ...     "name": ["Ann Lee", "Bo Chen"], "position": ["CEO", "Buyer"], "level": ["top", "staff"],
    ...     "buying_role": ["decider", "buyer"], "relationship": [4, 3]})
    >>> clients = pd.DataFrame({"client_id": ["C1"], "name": ["Acme"], "first_deal_date": ["2015-05-12"]})
    >>> with Dossier(pathlib.Path(tempfile.mkdtemp()) / "kam.sqlite") as d:
    ...     d.load(contacts, clients)
    ...     d.set_account("C1", headcount=120, description="Regional hardware chain, 14 shops")
    ...     _ = d.add_event("C1", "2025-02-10", "tender", "Paint supply 2025", outcome="lost",
    ...                     reason="price 4 % above the winner", next_step="ask for the debrief")
    ...     d.add_competitor("C1", "ColorMax", threat="high")
    ...     print(d.account("C1").to_markdown().splitlines()[0])
    {'accounts': 1, 'people': 2}
    # Account dossier: Acme
    """

    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    def _ensure_account(self, client_id: str, now: str) -> None:
        self._conn.execute(
            "INSERT INTO dossier_accounts (client_id, updated_at) VALUES (?, ?) ON CONFLICT(client_id) DO NOTHING",
            (client_id, now),
        )

    def _require_account(self, client_id: object) -> str:
        cid = _text_or_none(client_id, "client_id")
        if cid is None or self._conn.execute(
            "SELECT 1 FROM dossier_accounts WHERE client_id = ?", (cid,)
        ).fetchone() is None:
            ids = [r[0] for r in self._conn.execute("SELECT client_id FROM dossier_accounts ORDER BY client_id LIMIT 10")]
            raise KamArgumentError(t("dossier.unknown_client", client=client_id, path=self.path, available=", ".join(ids) or "—"))
        return cid

    # -- writing --

    def load(self, contacts: pd.DataFrame | None = None, clients: pd.DataFrame | None = None) -> dict[str, int]:
        """Load (insert or update) accounts from ``clients`` and people from ``contacts``.

        Both are canonical tables (see ``kamlib.TABLES``). Fields the tables do not
        have are left as they are in the dossier; a person's ``notes`` are kept.
        Returns how many accounts and people were written.
        """
        if contacts is None and clients is None:
            raise KamArgumentError(t("dossier.no_frames"))
        people = _check_contacts(contacts) if contacts is not None else None
        firms = _check_clients(clients) if clients is not None else None
        now = iso(datetime.now())
        account_rows = []
        if firms is not None:
            for cid, name, first in zip(firms["client_id"], firms["name"], firms["first_deal_date"]):
                account_rows.append((
                    cid, _none_if_missing(name), None if pd.isna(first) else first.date().isoformat(), now,
                ))
        person_rows = []
        if people is not None:
            for row in people.itertuples(index=False):
                person_rows.append((
                    row.contact_id, row.client_id, str(row.name), _none_if_missing(row.position),
                    _none_if_missing(row.level), _none_if_missing(row.buying_role),
                    None if pd.isna(row.relationship) else int(row.relationship),
                    None if pd.isna(row.birthday) else row.birthday.date().isoformat(),
                    _none_if_missing(row.influences), now,
                ))
        with write(self._conn, self.path):
            self._conn.executemany(
                "INSERT INTO dossier_accounts (client_id, name, first_deal_date, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(client_id) DO UPDATE SET name = COALESCE(excluded.name, name),"
                " first_deal_date = COALESCE(excluded.first_deal_date, first_deal_date), updated_at = excluded.updated_at",
                account_rows,
            )
            for cid in sorted({r[1] for r in person_rows}):
                self._ensure_account(cid, now)
            self._conn.executemany(
                "INSERT INTO dossier_people (contact_id, client_id, name, position, level, buying_role, relationship,"
                " birthday, influences, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(contact_id) DO UPDATE SET client_id = excluded.client_id, name = excluded.name,"
                " position = excluded.position, level = excluded.level, buying_role = excluded.buying_role,"
                " relationship = excluded.relationship, birthday = excluded.birthday,"
                " influences = excluded.influences, updated_at = excluded.updated_at",
                person_rows,
            )
        return {"accounts": len(account_rows), "people": len(person_rows)}

    def set_account(self, client_id: str, **fields: object) -> None:
        """Create or update an account's general information (part 1 of the dossier).

        Keyword fields: ``name``, ``description``, ``headcount``, ``history``,
        ``structure``, ``environment``, ``first_deal_date``. Only the fields given
        change.
        """
        cid = _text_or_none(client_id, "client_id")
        if cid is None:
            raise KamArgumentError(t("register.empty_text", argument="client_id", value=client_id))
        values = self._account_values(fields)
        now = iso(datetime.now())
        with write(self._conn, self.path):
            self._ensure_account(cid, now)
            if values:
                sets = ", ".join(f"{k} = ?" for k in values)  # keys checked against _ACCOUNT_FIELDS
                self._conn.execute(
                    f"UPDATE dossier_accounts SET {sets}, updated_at = ? WHERE client_id = ?",
                    (*values.values(), now, cid),
                )

    @staticmethod
    def _account_values(fields: Mapping[str, object]) -> dict[str, object]:
        values: dict[str, object] = {}
        for key, value in fields.items():
            check_choice(key, "field", _ACCOUNT_FIELDS)
            if key == "headcount":
                values[key] = _headcount_or_none(value)
            elif key == "first_deal_date":
                values[key] = _date_or_none(value, key)
            else:
                values[key] = _text_or_none(value, key)
        return values

    def add_person(
        self,
        client_id: str,
        name: str,
        *,
        contact_id: str | None = None,
        position: str | None = None,
        level: str | None = None,
        buying_role: str | None = None,
        relationship: int | None = None,
        birthday: date | str | None = None,
        influences: str | None = None,
        notes: str | None = None,
    ) -> str:
        """Add a person of the account's decision-making scheme; return their ``contact_id``.

        ``level`` is one of top, middle, staff; ``buying_role`` one of initiator,
        user, influencer, decider, approver, buyer, gatekeeper; ``relationship``
        1 (none) to 5 (trusted); ``influences`` the contact_id of the person this
        one influences most. Without ``contact_id`` one is made from the client id
        (``C1-P1``, ``C1-P2``, ...).
        """
        cid = _text_or_none(client_id, "client_id")
        if cid is None:
            raise KamArgumentError(t("register.empty_text", argument="client_id", value=client_id))
        values = self._person_values({
            "name": name, "position": position, "level": level, "buying_role": buying_role,
            "relationship": relationship, "birthday": birthday, "influences": influences, "notes": notes,
        })
        if values["name"] is None:
            raise KamArgumentError(t("register.empty_text", argument="name", value=name))
        pid = _text_or_none(contact_id, "contact_id")
        now = iso(datetime.now())
        with write(self._conn, self.path):
            self._ensure_account(cid, now)
            if pid is None:
                n = self._conn.execute("SELECT COUNT(*) FROM dossier_people WHERE client_id = ?", (cid,)).fetchone()[0]
                while True:
                    n += 1
                    pid = f"{cid}-P{n}"
                    if self._conn.execute("SELECT 1 FROM dossier_people WHERE contact_id = ?", (pid,)).fetchone() is None:
                        break
            self._conn.execute(
                f"INSERT INTO dossier_people (contact_id, client_id, {', '.join(values)}, updated_at)"
                f" VALUES (?, ?, {', '.join('?' for _ in values)}, ?)",
                (pid, cid, *values.values(), now),
            )
        return pid

    @staticmethod
    def _person_values(fields: Mapping[str, object]) -> dict[str, object]:
        values: dict[str, object] = {}
        for key, value in fields.items():
            check_choice(key, "field", _PERSON_FIELDS)
            if key == "level":
                values[key] = _code_or_none(value, key, LEVELS)
            elif key == "buying_role":
                values[key] = _code_or_none(value, key, ROLES)
            elif key == "relationship":
                values[key] = _relationship_or_none(value)
            elif key == "birthday":
                values[key] = _date_or_none(value, key)
            else:
                values[key] = _text_or_none(value, key)
        return values

    def update_person(self, contact_id: str, **fields: object) -> None:
        """Change some fields of a person (e.g. ``relationship=4`` after a good meeting)."""
        pid = _text_or_none(contact_id, "contact_id")
        values = self._person_values(fields)
        with write(self._conn, self.path):
            if pid is None or self._conn.execute(
                "SELECT 1 FROM dossier_people WHERE contact_id = ?", (pid,)
            ).fetchone() is None:
                raise KamArgumentError(t("dossier.unknown_contact", contact=contact_id, path=self.path))
            if values:
                sets = ", ".join(f"{k} = ?" for k in values)  # keys checked against _PERSON_FIELDS
                self._conn.execute(
                    f"UPDATE dossier_people SET {sets}, updated_at = ? WHERE contact_id = ?",
                    (*values.values(), iso(datetime.now()), pid),
                )

    def remove_person(self, contact_id: str) -> None:
        """Remove a person who has left the client (step 8: key people change)."""
        pid = _text_or_none(contact_id, "contact_id")
        with write(self._conn, self.path):
            gone = self._conn.execute("DELETE FROM dossier_people WHERE contact_id = ?", (pid,)).rowcount
            if not gone:
                raise KamArgumentError(t("dossier.unknown_contact", contact=contact_id, path=self.path))
            self._conn.execute("UPDATE dossier_people SET influences = NULL WHERE influences = ?", (pid,))

    def add_event(
        self,
        client_id: str,
        date: date | str,
        kind: str,
        summary: str,
        *,
        outcome: str | None = None,
        reason: str | None = None,
        next_step: str | None = None,
        next_step_date: date | str | None = None,
    ) -> int:
        """Record a contact-history event (part 2): a delivery, a tender and why it was won or lost, the next step.

        ``kind`` is one of delivery, tender, meeting, call, offer, other;
        ``outcome`` one of won, lost, pending. Returns the ``event_id``.
        """
        cid = self._require_account(client_id)
        row = (
            cid, as_date(date, "date").isoformat(), _code_or_none(kind, "kind", EVENT_KINDS),
            _text_or_none(summary, "summary"), _code_or_none(outcome, "outcome", OUTCOMES),
            _text_or_none(reason, "reason"), _text_or_none(next_step, "next_step"),
            _date_or_none(next_step_date, "next_step_date"),
        )
        if row[2] is None or row[3] is None:
            raise KamArgumentError(t("register.empty_text", argument="kind" if row[2] is None else "summary", value=None))
        with write(self._conn, self.path):
            cursor = self._conn.execute(
                "INSERT INTO dossier_events (client_id, date, kind, summary, outcome, reason, next_step, next_step_date,"
                " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*row, iso(datetime.now())),
            )
        return int(cursor.lastrowid)

    def add_competitor(
        self,
        client_id: str,
        competitor: str,
        *,
        products: str | None = None,
        threat: str | None = None,
        since: date | str | None = None,
        notes: str | None = None,
    ) -> None:
        """Record (or update) a competitor trying to win the account (part 4); ``threat`` low, medium or high."""
        cid = self._require_account(client_id)
        row = (
            cid, _text_or_none(competitor, "competitor"), _text_or_none(products, "products"),
            _code_or_none(threat, "threat", THREATS), _date_or_none(since, "since"), _text_or_none(notes, "notes"),
        )
        if row[1] is None:
            raise KamArgumentError(t("register.empty_text", argument="competitor", value=competitor))
        with write(self._conn, self.path):
            self._conn.execute(
                "INSERT INTO dossier_competitors (client_id, competitor, products, threat, since, notes, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(client_id, competitor) DO UPDATE SET"
                " products = excluded.products, threat = excluded.threat, since = excluded.since,"
                " notes = excluded.notes, updated_at = excluded.updated_at",
                (*row, iso(datetime.now())),
            )

    # -- reading --

    def contacts(self, client_id: str | None = None) -> pd.DataFrame:
        """The people as the canonical contacts table (plus ``notes``), for the coverage and map functions."""
        cols = [*columns_of("contacts"), "notes"]
        sql = f"SELECT {', '.join(cols)} FROM dossier_people"
        params: tuple = ()
        if client_id is not None:
            sql += " WHERE client_id = ?"
            params = (self._require_account(client_id),)
        frame = self._frame(sql + " ORDER BY client_id, contact_id", params)
        frame["relationship"] = frame["relationship"].astype("Int64")
        frame["birthday"] = pd.to_datetime(frame["birthday"], format="ISO8601").astype("datetime64[us]")
        return frame

    def clients(self) -> pd.DataFrame:
        """The accounts: ``client_id, name, first_deal_date`` and the general-information fields."""
        frame = self._frame(
            "SELECT client_id, name, first_deal_date, description, headcount, history, structure, environment"
            " FROM dossier_accounts ORDER BY client_id"
        )
        frame["first_deal_date"] = pd.to_datetime(frame["first_deal_date"], format="ISO8601").astype("datetime64[us]")
        frame["headcount"] = frame["headcount"].astype("Int64")
        return frame

    def events(self, client_id: str | None = None) -> pd.DataFrame:
        """The contact history, oldest first."""
        sql = (
            "SELECT event_id, client_id, date, kind, summary, outcome, reason, next_step, next_step_date"
            " FROM dossier_events"
        )
        params: tuple = ()
        if client_id is not None:
            sql += " WHERE client_id = ?"
            params = (self._require_account(client_id),)
        frame = self._frame(sql + " ORDER BY date, event_id", params)
        for col in ("date", "next_step_date"):
            frame[col] = pd.to_datetime(frame[col], format="ISO8601").astype("datetime64[us]")
        return frame

    def competitors(self, client_id: str | None = None) -> pd.DataFrame:
        """The competitors trying to win each account."""
        sql = "SELECT client_id, competitor, products, threat, since, notes FROM dossier_competitors"
        params: tuple = ()
        if client_id is not None:
            sql += " WHERE client_id = ?"
            params = (self._require_account(client_id),)
        frame = self._frame(sql + " ORDER BY client_id, competitor", params)
        frame["since"] = pd.to_datetime(frame["since"], format="ISO8601").astype("datetime64[us]")
        return frame

    def account(self, client_id: str) -> AccountDossier:
        """One account's whole dossier, ready to render (:meth:`AccountDossier.to_markdown`, ``to_html``)."""
        with read(self._conn):
            cid = self._require_account(client_id)
            info = self.clients().set_index("client_id").loc[cid].to_dict()
            return AccountDossier(
                client_id=cid,
                info={k: _none_if_missing(v) for k, v in info.items()},
                people=self.contacts(cid),
                events=self.events(cid).drop(columns=["client_id"]),
                competitors=self.competitors(cid).drop(columns=["client_id"]),
            )


# ---- one account's dossier and its rendering ----------------------------------------------------

def _empty(columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in columns})


@dataclass(frozen=True)
class AccountDossier:
    """One key account's dossier: general information, contact history, people, competitors.

    Built by :meth:`Dossier.account` or, without a database, by
    :meth:`from_frames`; rendered by :meth:`to_markdown` and :meth:`to_html`
    (every user string escaped).

    Examples
    --------
    >>> import pandas as pd
    >>> from kamlib import AccountDossier
    >>> contacts = pd.DataFrame({"contact_id": ["P1"], "client_id": ["C1"], "name": ["Ann Lee"],
    ...                          "position": ["Buyer"], "level": ["staff"], "buying_role": ["buyer"]})
    >>> clients = pd.DataFrame({"client_id": ["C1"], "name": ["Acme"]})
    >>> d = AccountDossier.from_frames("C1", contacts, clients)
    >>> print(d.coverage()["gaps"])  # doctest: +NORMALIZE_WHITESPACE
    a single point of contact; nobody in top management; nobody in middle management;
    no contact with the owner; no contact with the CEO; no contact with the chief accountant;
    no decider known; weak relationships only (none above 2 of 5)
    """

    client_id: str
    info: dict[str, object] = field(default_factory=dict)
    people: pd.DataFrame = field(default_factory=lambda: _empty(columns_of("contacts")))
    events: pd.DataFrame = field(default_factory=lambda: _empty(
        ["event_id", "date", "kind", "summary", "outcome", "reason", "next_step", "next_step_date"]))
    competitors: pd.DataFrame = field(default_factory=lambda: _empty(["competitor", "products", "threat", "since", "notes"]))

    @classmethod
    def from_frames(
        cls,
        client_id: str,
        contacts: pd.DataFrame | None = None,
        clients: pd.DataFrame | None = None,
        *,
        events: pd.DataFrame | None = None,
        competitors: pd.DataFrame | None = None,
    ) -> AccountDossier:
        """A dossier from the canonical tables (and optional event/competitor tables) of one account."""
        info: dict[str, object] = {}
        if clients is not None:
            firms = _check_clients(clients)
            match = firms[firms["client_id"] == client_id]
            if len(match):
                info = {k: _none_if_missing(v) for k, v in match.iloc[0].drop(labels="client_id").to_dict().items()}
        people = None
        if contacts is not None:
            c = _check_contacts(contacts)
            people = c[c["client_id"] == client_id].reset_index(drop=True)
        kwargs: dict[str, Any] = {}
        if people is not None:
            kwargs["people"] = people
        if events is not None:
            kwargs["events"] = check_frame(events, "events").query("client_id == @client_id").drop(columns=["client_id"]) \
                if "client_id" in events.columns else events.copy()
        if competitors is not None:
            kwargs["competitors"] = check_frame(competitors, "competitors").query("client_id == @client_id").drop(
                columns=["client_id"]) if "client_id" in competitors.columns else competitors.copy()
        return cls(client_id=client_id, info=info, **kwargs)

    @property
    def name(self) -> str:
        value = self.info.get("name")
        return str(value) if value is not None else self.client_id

    def coverage(self, **kwargs: Any) -> pd.Series:
        """This account's row of :func:`relationship_coverage` (keyword arguments passed on)."""
        people = self.people if len(self.people) else _empty(["contact_id", "client_id", "name"])
        clients = pd.DataFrame({"client_id": [self.client_id], "name": [self.name]})
        return relationship_coverage(people, clients, **kwargs).iloc[0]

    def _general(self) -> list[tuple[str, object]]:
        rows = [(t("dossier.field_client_id"), self.client_id)]
        for key in _ACCOUNT_FIELDS:
            value = self.info.get(key)
            if value is not None:
                rows.append((t(f"dossier.field_{key}"), value))
        return rows

    def _people_table(self) -> pd.DataFrame:
        p = self.people
        names = dict(zip(p["contact_id"], p["name"]))
        return pd.DataFrame({
            "name": p["name"],
            "position": p["position"],
            "level": p["level"],
            "role": p["buying_role"],
            "relationship": p["relationship"],
            "birthday": p["birthday"],
            "influences": p["influences"].map(lambda v: names.get(v, v) if pd.notna(v) else None),
        })

    def _events_table(self) -> pd.DataFrame:
        e = self.events.drop(columns=["event_id"], errors="ignore").copy()
        for column, section in (("kind", "dossier_events"), ("outcome", "dossier_events")):
            if column in e.columns:
                e[column] = e[column].map(lambda v: _label(section, v))
        return e

    def _competitors_table(self) -> pd.DataFrame:
        c = self.competitors.copy()
        if "threat" in c.columns:
            c["threat"] = c["threat"].map(lambda v: _label("dossier_threat", v))
        return c

    def to_markdown(self) -> str:
        """The dossier as Markdown."""
        cov = self.coverage()
        out = [f"# {md(t('dossier.title', name=self.name))}", "", f"## {t('dossier.general')}", ""]
        out += [f"- **{md(k)}:** {md(v)}" for k, v in self._general()]
        out += ["", f"## {t('dossier.history')}", ""]
        out += [_md_frame(self._events_table())]
        out += ["", f"## {t('dossier.people')}", ""]
        out += [_md_frame(self._people_table())]
        out += ["", f"### {t('dossier.coverage')}", ""]
        out += _coverage_lines(cov, md, "- **{k}:** {v}")
        out += ["", f"## {t('dossier.competitors')}", ""]
        out += [_md_frame(self._competitors_table())]
        return "\n".join(out).rstrip() + "\n"

    def to_html(self, *, full_page: bool = False) -> str:
        """The dossier as HTML: a fragment for a notebook, or with ``full_page=True`` a printable page."""
        cov = self.coverage()
        parts = [
            '<div class="kam-dossier">',
            f"<h1>{h(t('dossier.title', name=self.name))}</h1>",
            f"<h2>{h(t('dossier.general'))}</h2>",
            "<table>" + "".join(f"<tr><th>{h(k)}</th><td>{h(v)}</td></tr>" for k, v in self._general()) + "</table>",
            f"<h2>{h(t('dossier.history'))}</h2>",
            _html_frame(self._events_table()),
            f"<h2>{h(t('dossier.people'))}</h2>",
            _html_frame(self._people_table()),
            f"<h3>{h(t('dossier.coverage'))}</h3>",
            "<ul>" + "".join(_coverage_lines(cov, h, "<li><b>{k}:</b> {v}</li>")) + "</ul>",
            f"<h2>{h(t('dossier.competitors'))}</h2>",
            _html_frame(self._competitors_table()),
            "</div>",
        ]
        body = "\n".join(parts)
        if not full_page:
            return body + "\n"
        css = (
            "@page { size: A4; margin: 15mm; } body { font-family: Arial, sans-serif; font-size: 10pt; }"
            " table { border-collapse: collapse; margin: 2mm 0; } th, td { border: 0.2mm solid #999;"
            " padding: 1mm 2mm; text-align: left; vertical-align: top; }"
        )
        return (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{h(t("dossier.title", name=self.name))}'
            f"</title><style>{css}</style></head><body>\n{body}\n</body></html>\n"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


def _label(section: str, value: object) -> object:
    """The label of a code value (``won`` -> its label); other values unchanged."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return value
    try:
        return t(f"{section}.{value}")
    except KeyError:
        return value


def _headers(frame: pd.DataFrame) -> list[str]:
    return [str(_label("dossier_columns", c)) for c in frame.columns]


def _md_frame(frame: pd.DataFrame) -> str:
    return md_table(frame, headers=_headers(frame)) if len(frame) else f"*{t('dossier.nothing')}*"


def _html_frame(frame: pd.DataFrame) -> str:
    return html_table(frame, headers=_headers(frame)) if len(frame) else f"<p><i>{h(t('dossier.nothing'))}</i></p>"


def _coverage_lines(cov: pd.Series, esc: Any, template: str) -> list[str]:
    gaps = cov["gaps"] if cov["n_gaps"] else t("dossier.no_gaps")
    return [
        template.format(k=esc(t("dossier.levels_known")), v=esc(cov["levels_known"] or "—")),
        template.format(k=esc(t("dossier.roles_known")), v=esc(cov["roles_known"] or "—")),
        template.format(k=esc(t("dossier.gaps")), v=esc(gaps)),
    ]


def dossier_to_markdown(dossier: AccountDossier) -> str:
    """The dossier as Markdown (same as ``dossier.to_markdown()``); every user string escaped.

    Examples
    --------
    >>> from kamlib import AccountDossier, dossier_to_markdown
    >>> d = AccountDossier("C9", info={"name": "<script>alert(1)</script>"})
    >>> print(dossier_to_markdown(d).splitlines()[0])
    # Account dossier: &lt;script&gt;alert(1)&lt;/script&gt;
    """
    if not isinstance(dossier, AccountDossier):
        raise KamArgumentError(t("errors.bad_argument", argument="dossier", value=type(dossier).__name__,
                                 valid=t("register_valid.dossier")))
    return dossier.to_markdown()


def dossier_to_html(dossier: AccountDossier, *, full_page: bool = False) -> str:
    """The dossier as HTML (same as ``dossier.to_html()``); every user string escaped.

    Examples
    --------
    >>> from kamlib import AccountDossier, dossier_to_html
    >>> html = dossier_to_html(AccountDossier("C9", info={"name": "<script>alert(1)</script>"}))
    >>> "<script>" in html
    False
    """
    if not isinstance(dossier, AccountDossier):
        raise KamArgumentError(t("errors.bad_argument", argument="dossier", value=type(dossier).__name__,
                                 valid=t("register_valid.dossier")))
    return dossier.to_html(full_page=full_page)

"""Keeping clients: the ten methods, the plant's principles, the four blocks — and which fit whom.

Sources 002 (ten ways to retain B2B clients), 003 (how a wood-panel plant keeps
its regular clients) and 000 (what to do to retain large clients, and what
happens if you do or don't); module M5 of the course. The sources give the
methods; :func:`retention_rules` is the course's own mapping of methods to
segments, one line of reasoning per rule, and :func:`suggest_methods` applies
it to a segment table (ABC-XYZ cell, NPS group, relationship status).

Public functions: :func:`retention_methods`, :func:`loyalty_principles`,
:func:`retention_blocks`, :func:`retention_rules`, :func:`suggest_methods`.
"""

from __future__ import annotations

import pandas as pd

from .._errors import KamDataError
from .._validate import check_columns, check_frame, check_number
from ..labels import t

__all__ = ["retention_methods", "loyalty_principles", "retention_blocks", "retention_rules", "suggest_methods"]

METHODS = (
    "feedback",
    "discounts",
    "special_terms",
    "personal_service",
    "educate",
    "content",
    "extra_opportunities",
    "cem",
    "branded_gifts",
    "success_stories",
)
"""The ten methods of source 002, in the source's order (``method_id`` values)."""

PRINCIPLES = ("friendly_relations", "important_dates", "events", "no_price_competition", "greenhouse", "failures")
"""The plant's loyalty principles (source 003), in the article's order."""

BLOCKS = ("information", "solving_problems", "interaction", "relationship_management")
"""The four blocks of source 000."""


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].astype("str")
    return frame


def retention_methods() -> pd.DataFrame:
    """The ten ways to retain B2B clients with their characteristics (source 002).

    The source's own exercise: a two-column table "method | characteristic";
    the learner fills it, then invents five methods of their own.

    Returns
    -------
    DataFrame
        ``number`` (1–10), ``method_id``, ``method``, ``characteristic``.

    Examples
    --------
    >>> retention_methods()["method"].head(3).tolist()
    ['Analyse client feedback', 'Use discounts', 'Special terms for the most valuable clients']
    """
    return _frame(
        [
            {
                "number": i,
                "method_id": code,
                "method": t(f"retention_methods.{code}"),
                "characteristic": t(f"retention_methods.{code}_characteristic"),
            }
            for i, code in enumerate(METHODS, start=1)
        ]
    )


def loyalty_principles() -> pd.DataFrame:
    """How the wood-panel plant keeps its loyal regular clients (source 003).

    Six principles, as the article's headings group them (the annual partner
    conference and meetings at trade shows are one principle: use events).

    Returns
    -------
    DataFrame
        ``number``, ``principle_id``, ``principle``, ``practice`` (what the plant does).

    Examples
    --------
    >>> loyalty_principles()["principle_id"].tolist()[:3]
    ['friendly_relations', 'important_dates', 'events']
    """
    return _frame(
        [
            {
                "number": i,
                "principle_id": code,
                "principle": t(f"loyalty_principles.{code}"),
                "practice": t(f"loyalty_principles.{code}_practice"),
            }
            for i, code in enumerate(PRINCIPLES, start=1)
        ]
    )


def retention_blocks() -> pd.DataFrame:
    """What to do to retain large clients — and what happens if you do or don't (source 000).

    Returns
    -------
    DataFrame
        Four rows: ``number``, ``block_id``, ``area``, ``what_to_do``,
        ``if_done``, ``if_not_done``.

    Examples
    --------
    >>> retention_blocks()["area"].tolist()
    ['Information about key clients', "Solving key clients' problems", 'Organising interaction', 'Relationship management']
    """
    return _frame(
        [
            {
                "number": i,
                "block_id": code,
                "area": t(f"retention_blocks.{code}"),
                "what_to_do": t(f"retention_blocks.{code}_do"),
                "if_done": t(f"retention_blocks.{code}_if_done"),
                "if_not_done": t(f"retention_blocks.{code}_if_not"),
            }
            for i, code in enumerate(BLOCKS, start=1)
        ]
    )


# dimension, value, method_id[, weight] — the "why" of each rule is the label
# retention_rules.<dimension>_<value>_<method>. Weight 1 unless given: the course's reading of the methods.
# Weight 2 only where a source makes the method mandatory for the segment: 002 calls a dedicated key-account
# manager mandatory for companies working with large clients that decide in complex ways (lines 178-186).
MANDATORY = 2
_RULES: tuple[tuple, ...] = (
    ("abc", "a", "special_terms"),
    ("abc", "a", "personal_service", MANDATORY),
    ("abc", "a", "success_stories"),
    ("abc", "b", "educate"),
    ("abc", "b", "extra_opportunities"),
    ("abc", "b", "discounts"),
    ("abc", "c", "content"),
    ("abc", "c", "cem"),
    ("abc", "c", "discounts"),
    ("xyz", "x", "extra_opportunities"),
    ("xyz", "x", "branded_gifts"),
    ("xyz", "y", "feedback"),
    ("xyz", "y", "discounts"),
    ("xyz", "z", "feedback"),
    ("xyz", "z", "educate"),
    ("nps", "promoter", "success_stories"),
    ("nps", "promoter", "content"),
    ("nps", "passive", "special_terms"),
    ("nps", "passive", "extra_opportunities"),
    ("nps", "detractor", "feedback"),
    ("nps", "detractor", "cem"),
    ("nps", "detractor", "personal_service"),
    ("status", "permanent", "success_stories"),
    ("status", "permanent", "branded_gifts"),
    ("status", "stable", "extra_opportunities"),
    ("status", "stable", "educate"),
    ("status", "irregular", "discounts"),
    ("status", "irregular", "feedback"),
    ("status", "episodic", "content"),
    ("status", "episodic", "discounts"),
    ("status", "one-off", "discounts"),
    ("status", "one-off", "cem"),
    ("status", "potential", "educate"),
    ("status", "potential", "content"),
    ("status", "active", "cem"),
    ("status", "at risk", "feedback"),
    ("status", "at risk", "personal_service"),
    ("status", "lost", "feedback"),
    ("status", "lost", "branded_gifts"),
)


def _rule_key(dimension: str, value: str, method: str) -> str:
    return f"retention_rules.{dimension}_{value.replace(' ', '_').replace('-', '_')}_{method}"


def retention_rules() -> pd.DataFrame:
    """The course's mapping of segments to fitting retention methods, with a reason for each rule.

    The sources give the ten methods but not who they suit; this table is the
    course's reading of them (edit a copy and pass it to
    :func:`suggest_methods` as ``rules=`` to use your own). Dimensions and the
    values they match (case-insensitive):

    - ``abc``: A, B, C (first letter of an ABC-XYZ cell such as ``AX``);
    - ``xyz``: X, Y, Z (second letter of the cell);
    - ``nps``: promoter, passive, detractor (plural forms are accepted);
    - ``status``: the relationship statuses of the typology (permanent, stable,
      irregular, episodic, one-off, potential, lost) and the churn statuses
      (active, at risk, lost, one-off).

    Returns
    -------
    DataFrame
        ``dimension``, ``value``, ``method_number``, ``method_id``, ``method``, ``why``,
        ``weight`` (the votes a matching rule casts: 1, or 2 where a source calls the method
        mandatory for the segment — only "A clients get personal service", after source 002).

    Examples
    --------
    >>> rules = retention_rules()
    >>> rules.loc[rules["value"] == "detractor", "method_number"].tolist()
    [1, 8, 4]
    >>> rules.loc[rules["weight"] > 1, ["value", "method_id", "weight"]].values.tolist()
    [['a', 'personal_service', 2]]
    """
    number = {code: i for i, code in enumerate(METHODS, start=1)}
    return _frame(
        [
            {
                "dimension": dim,
                "value": value,
                "method_number": number[method],
                "method_id": method,
                "method": t(f"retention_methods.{method}"),
                "why": t(_rule_key(dim, value, method)),
                "weight": int(rest[0]) if rest else 1,
            }
            for dim, value, method, *rest in _RULES
        ]
    )


def _normalise(values: pd.Series) -> pd.Series:
    out = values.astype("str").str.strip().str.lower()
    return out.where(values.notna(), None)


def suggest_methods(
    segment_table: pd.DataFrame,
    *,
    cell_col: str = "cell",
    nps_col: str = "nps_group",
    status_col: str = "status",
    id_col: str | None = None,
    top: int | None = 3,
    rules: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Fitting retention methods for each segment (or client), by the rules of :func:`retention_rules`.

    Each row of ``segment_table`` is described by up to three dimensions: its
    ABC-XYZ cell (split into the ABC and the XYZ letter; a cell such as
    "A (insufficient history)" counts for ABC only), its NPS group and its
    relationship or churn status. Every rule that matches one of them votes
    for its method — with its ``weight``, so the one rule a source makes
    mandatory (personal service for A clients, source 002) casts two votes;
    methods are ranked by votes (ties: a method backed by a mandatory rule
    first, then the source's method order) and the reasons are listed. Columns that are absent are skipped; values that no
    rule knows simply add no votes.

    Parameters
    ----------
    segment_table : DataFrame
        One row per segment or client, with at least one of ``cell_col``,
        ``nps_col``, ``status_col``.
    cell_col, nps_col, status_col : str
        Column names.
    id_col : str, optional
        A column that names the row (e.g. ``client_id``); copied to the result.
    top : int or None, default 3
        Keep this many methods per row (``None``: all that matched).
    rules : DataFrame, optional
        Your own rule table with columns ``dimension``, ``value``,
        ``method_number``, ``method``, ``why`` and optionally ``weight``
        (votes per match, default 1) (default :func:`retention_rules`).

    Returns
    -------
    DataFrame
        One row per (row, method): ``row`` (the input's index label), the
        ``id_col`` if given, ``rank``, ``method_number``, ``method``,
        ``votes`` and ``because`` (each matching rule as "dimension value: why"). Rows with no
        match have no suggestion.

    Raises
    ------
    KamDataError
        None of the three columns is present, or ``rules`` lacks a column.
    KamArgumentError
        A bad ``top``.

    Examples
    --------
    >>> import pandas as pd
    >>> seg = pd.DataFrame({"cell": ["AX", "CZ"], "nps_group": ["detractor", "promoter"]})
    >>> suggest_methods(seg, top=2)[["row", "rank", "method_number", "votes"]]
       row  rank  method_number  votes
    0    0     1              4      3
    1    0     2              1      1
    2    1     1              6      2
    3    1     2              1      1

    Row 0 (AX, detractor): personal service gets three votes (A, a mandatory
    rule, two: large clients need a dedicated manager; detractor one: one person
    sees the fix through).
    """
    check_frame(segment_table, "segment_table")
    present = [c for c in (cell_col, nps_col, status_col) if c in segment_table.columns]
    if not present:
        check_columns(segment_table, [cell_col, nps_col, status_col], argument="segment_table")
    if id_col is not None:
        check_columns(segment_table, [id_col], argument="segment_table")
    if top is not None:
        check_number(top, "top", minimum=1, integer=True)
    rules = retention_rules() if rules is None else rules
    check_columns(rules, ["dimension", "value", "method_number", "method", "why"], argument="rules")

    n = len(segment_table)
    positions = pd.RangeIndex(n)
    parts = []
    if cell_col in segment_table.columns:
        cell = _normalise(segment_table[cell_col].reset_index(drop=True))
        letters = cell.str.extract(r"^([abc])([xyz])?(?![a-z])")
        parts.append(pd.DataFrame({"pos": positions, "dimension": "abc", "value": letters[0]}))
        parts.append(pd.DataFrame({"pos": positions, "dimension": "xyz", "value": letters[1]}))
    if nps_col in segment_table.columns:
        nps = _normalise(segment_table[nps_col].reset_index(drop=True)).str.replace(r"s$", "", regex=True)
        parts.append(pd.DataFrame({"pos": positions, "dimension": "nps", "value": nps}))
    if status_col in segment_table.columns:
        status = _normalise(segment_table[status_col].reset_index(drop=True))
        parts.append(pd.DataFrame({"pos": positions, "dimension": "status", "value": status}))
    facts = pd.concat(parts, ignore_index=True).dropna(subset=["value"])

    r = rules[["dimension", "value", "method_number", "method", "why"]].copy()
    if "weight" in rules.columns:
        weight = pd.to_numeric(rules["weight"], errors="coerce")
        bad = ~(weight > 0)
        if bad.any():
            raise KamDataError(t("retention_suggest.bad_weight", rows=", ".join(map(str, rules.index[bad][:5]))))
        r["weight"] = weight.to_numpy()
    else:
        r["weight"] = 1
    r["value"] = r["value"].astype("str").str.strip().str.lower()
    hits = facts.merge(r, on=["dimension", "value"], how="inner")
    shown = hits["value"].where(~hits["dimension"].isin(["abc", "xyz"]), hits["value"].str.upper())
    prefix = hits["dimension"].map({d: t(f"retention_suggest.dimension_{d}") for d in ("abc", "xyz", "nps", "status")})
    hits["reason"] = prefix.fillna(hits["dimension"]) + " " + shown + ": " + hits["why"].astype("str")
    dim_order = {"abc": 0, "xyz": 1, "nps": 2, "status": 3}
    hits = hits.assign(_d=hits["dimension"].map(dim_order)).sort_values(["pos", "_d"], kind="mergesort")
    grouped = (
        hits.groupby(["pos", "method_number"], sort=False)
        .agg(method=("method", "first"), votes=("weight", "sum"), strongest=("weight", "max"),
             because=("reason", " ".join))
        .reset_index()
        .sort_values(["pos", "votes", "strongest", "method_number"], ascending=[True, False, False, True],
                     kind="mergesort")
    )
    grouped["rank"] = grouped.groupby("pos").cumcount() + 1
    if top is not None:
        grouped = grouped[grouped["rank"] <= int(top)]
    index_labels = segment_table.index.to_numpy()
    out = pd.DataFrame({"row": index_labels[grouped["pos"].to_numpy()]})
    if id_col is not None:
        out[id_col] = segment_table[id_col].to_numpy()[grouped["pos"].to_numpy()]
    out["rank"] = grouped["rank"].to_numpy()
    out["method_number"] = grouped["method_number"].to_numpy().astype(int)
    out["method"] = pd.array(grouped["method"].astype("str").to_numpy(), dtype="str")
    out["votes"] = grouped["votes"].to_numpy().astype(int)
    out["because"] = pd.array(grouped["because"].astype("str").to_numpy(), dtype="str")
    return out.reset_index(drop=True)

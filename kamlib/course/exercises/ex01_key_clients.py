"""Exercise 01 — key clients (module M1 of the course).

Computed questions call :func:`kamlib.key_accounts` on the learner's data (the sample company by
default, through :func:`course_data`), as of ``kamlib.SAMPLE_AS_OF``, so a learner with a personal
dataset is checked against that dataset. Judgement questions restate module M1 of
CURRICULUM.md: the volume rule (a regular client above 10 % of sales is key, per company, department
and manager), the four types of source 004 [004-four-types] mapped onto the five criteria of source 003
[003-kam-interview], and the four differences between a large company and a government body as a buyer
(source 000 [000-large-client-vs-government]).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

import kamlib

from .._checking import (
    ClassificationQuestion,
    Exercise,
    MatchingQuestion,
    MultipleChoiceQuestion,
    OpenQuestion,
    TableQuestion,
    ValueQuestion,
)
from ._data import course_data

KEY_SHARE = 0.10  # M1 (003): a regular client above 10 % of sales is key
LEVELS = ("company", "department", "manager")  # widest first
THRESHOLDS_PCT = (5, 10, 15, 20)  # the volume rule at which q3 counts key clients, in per cent


def _key(data: Any, share: float = KEY_SHARE, level: str = "company") -> pd.DataFrame:
    return kamlib.key_accounts(data.orders, data.clients, share=share, level=level, as_of=kamlib.SAMPLE_AS_OF)


def _volume_share(data: Any, level: str = "company") -> float:
    key = _key(data, level=level)
    return float(key.loc[key["volume"], "share"].sum())


def _widest_level(data: Any, order: tuple[str, ...] = LEVELS[::-1]) -> pd.Series:
    """Client -> the widest level at which it is key by volume (narrowest first; wider ones overwrite)."""
    out: dict[str, str] = {}
    for level in order:
        key = _key(data, level=level)
        for client_id in key.loc[key["volume"], "client_id"]:
            out[str(client_id)] = level
    return pd.Series(out, name="widest_level").sort_index()


def _thresholds(data: Any, column: str = "volume") -> pd.DataFrame:
    """Clients key by volume for each threshold (rows) and level (columns)."""
    rows = []
    for pct in THRESHOLDS_PCT:
        row = {"share_pct": pct}
        for level in LEVELS:
            row[level] = int(_key(data, share=pct / 100, level=level)[column].sum())
        rows.append(row)
    return pd.DataFrame(rows)


EXERCISE = Exercise(
    id="01_key_clients",
    title="Key clients: by which rule, at which level, and of which type",
    data=course_data,
    names=lambda data: {"data": data, "kamlib": kamlib, "pd": pd, "as_of": kamlib.SAMPLE_AS_OF},
    questions=[
        ValueQuestion(
            "q1",
            "key_share_total",
            expected=_volume_share,
            rtol=1e-3,
            hints=[
                "Call kamlib.key_accounts(data.orders, data.clients, share=0.10, level=\"company\", as_of=as_of) "
                "and keep only the rows where the column `volume` is True.",
                "The `share` column is each client's fraction of the company's sales: add it up over those rows. "
                "Leave out clients flagged only for potential, fame, innovation or demands.",
            ],
            solution=(
                'key = kamlib.key_accounts(data.orders, data.clients, share=0.10, level="company", as_of=as_of)\n'
                'key_share_total = key[key["volume"]]["share"].sum()'
            ),
            wrong=[
                lambda d: _volume_share(d) * 100,  # a percentage
                lambda d: float(_key(d)["share"].sum()),  # every flagged client, not only the volume ones
                lambda d: float(_key(d)["share"].max()),  # the largest client alone
                lambda d: _volume_share(d, level="department"),  # shares of departments added up
                "0.46",
                lambda d: list(_key(d).loc[_key(d)["volume"], "share"]),
                None,
            ],
        ),
        ClassificationQuestion(
            "q2",
            "widest_level",
            expected=_widest_level,
            classes=list(LEVELS),
            hints=[
                "Run key_accounts three times, with level=\"company\", \"department\" and \"manager\", and note which "
                "clients have volume == True at each level.",
                "A client key for the company is also key for its department; give each client only the widest "
                "level: company before department before manager. Going from the narrowest level to the widest "
                "and overwriting does exactly that.",
            ],
            solution=(
                "widest_level = {}\n"
                'for level in ["manager", "department", "company"]:  # narrowest first: a wider level overwrites\n'
                "    k = kamlib.key_accounts(data.orders, data.clients, share=0.10, level=level, as_of=as_of)\n"
                '    for client_id in k.loc[k["volume"], "client_id"]:\n'
                "        widest_level[client_id] = level"
            ),
            wrong=[
                lambda d: _widest_level(d, order=LEVELS),  # the narrowest level instead of the widest
                lambda d: _widest_level(d).map(lambda level: "manager"),
                lambda d: _widest_level(d, order=("department", "company")),  # managers forgotten
                lambda d: _widest_level(d).replace({"department": "departement"}),  # a class that does not exist
                lambda d: list(_widest_level(d)),
            ],
        ),
        TableQuestion(
            "q3",
            "threshold_table",
            key="share_pct",
            expected=_thresholds,
            hints=[
                "One row per threshold 5, 10, 15, 20 (column `share_pct`), one column per level (`company`, "
                "`department`, `manager`); each cell counts the clients whose `volume` is True for "
                "key_accounts(..., share=share_pct / 100, level=level).",
                "Two loops: for pct in [5, 10, 15, 20], then for level in the three levels. Sum the boolean "
                "`volume` column to count; collect one dict per threshold and make a DataFrame of the list.",
            ],
            solution=(
                "rows = []\n"
                "for pct in [5, 10, 15, 20]:\n"
                '    row = {"share_pct": pct}\n'
                '    for level in ["company", "department", "manager"]:\n'
                "        k = kamlib.key_accounts(data.orders, data.clients, share=pct / 100, level=level, as_of=as_of)\n"
                '        row[level] = int(k["volume"].sum())\n'
                "    rows.append(row)\n"
                "threshold_table = pd.DataFrame(rows)"
            ),
            wrong=[
                lambda d: _thresholds(d, column="breadwinner"),  # another criterion counted
                lambda d: _thresholds(d).assign(manager=lambda t: t["department"]),
                lambda d: _thresholds(d).drop(columns="manager"),
                lambda d: _thresholds(d).iloc[:-1],
                lambda d: _thresholds(d).set_index("share_pct").T.reset_index(),  # transposed
                lambda d: _thresholds(d)["company"],
                [[5, 2, 7, 37]],
            ],
        ),
        MatchingQuestion(
            "q4",
            "criteria_to_types",
            items=["sales volume", "potential", "fame", "demands", "innovativeness"],
            options={
                "a": "expert",
                "b": "no type of its own",
                "c": "breadwinner",
                "d": "image-maker",
                "e": "prospect",
            },
            expected={"sales volume": "c", "potential": "e", "fame": "d", "demands": "a",
                      "innovativeness": "b"},
            hints=[
                "Read the description of each type of source 004 [004-four-types]: which one is about profit, "
                "which about a good "
                "budget not yet spent with you, which about reputation, which about high standards?",
                "One criterion of source 003 [003-key-innovative] has no type in source 004 [004-four-types] — "
                "the one "
                "that concerns about 2.5 % of clients.",
            ],
            solution=(
                'criteria_to_types = {"sales volume": "c", "potential": "e", "fame": "d",\n'
                '                     "demands": "a", "innovativeness": "b"}\n'
                "# Volume is judged on one client's share of sales; the breadwinner of\n"
                "# source 004 [004-breadwinner] is the main customers who together bring most of the profit:\n"
                "# related, not identical."
            ),
            wrong=[
                {"sales volume": "c", "potential": "e", "fame": "a", "demands": "d", "innovativeness": "b"},
                {"sales volume": "c", "potential": "b", "fame": "d", "demands": "a", "innovativeness": "e"},
                {"sales volume": "c", "potential": "e", "fame": "d", "demands": "a"},
                {"sales volume": "c", "potential": "e", "fame": "d", "demands": "a",
                 "innovativeness": "expert or prospect"},
                ["c", "e", "d", "a", "b"],
            ],
        ),
        MultipleChoiceQuestion(
            "q5",
            "differences",
            choices={
                "a": "A large company can afford well-paid staff who defend its interests in every sense.",
                "b": "A large company buys by internal documents a supplier often cannot see; "
                     "a government body's procurement is far more transparent.",
                "c": "A large company spends its own money, so it can change its budget faster.",
                "d": "A large company is often interested in long-term cooperation and can sustain it.",
                "e": "A government body keeps a supplier it has worked with for a long time.",
                "f": "In a government body one person decides a purchase; in a large company a group does.",
                "g": "A large company buys only through open public tenders.",
            },
            expected=["a", "b", "c", "d"],
            hints=[
                "The source names four differences: people, rules, money and loyalty. Which choices are about those?",
                "Two of the wrong choices turn a difference upside down; one describes large clients in general "
                "(a group decides), not the contrast with a government body.",
            ],
            solution=(
                'differences = ["a", "b", "c", "d"]\n'
                "# e is the opposite of the source (a government body may NOT keep a supplier for that reason),\n"
                "# f is a trait of any large client rather than this contrast, g is the reverse of b."
            ),
            wrong=[["a", "b", "c"], ["a", "b", "c", "d", "e"], ["a", "b", "c", "d", "f"], "a", ["x"], 4, None],
        ),
        OpenQuestion(
            "q6",
            "argument",
            rubric=[
                "says at which level C003 is key by volume in your data, with its share (from q2 or key_accounts)",
                "uses at least two criteria besides volume (potential, fame, innovativeness, demands) and "
                "names the matching type where there is one",
                "recommends a concrete treatment (who runs the account, what is planned, how often you meet)",
                "weighs the cost: key-account management is expensive, so says what C003 must be worth to justify it",
            ],
            hints=[
                "Look up C003 in key_accounts at department level and in data.clients: potential_revenue, "
                "is_innovative, is_reference, is_demanding.",
            ],
            solution=(
                "C003 Kama Panel Works brings about 3 % of Nordline's sales, so the company does not see it as\n"
                "key, but it is over 10 % of the Projects & Industry department: for that department it is what\n"
                "C001 is for the company. It is innovative: we can offer it new products first and share our own\n"
                "plans with it, as with a partner. Potential does not count: it spends about 30 million a year with\n"
                "all suppliers, only about 2.7 times what it buys from us — below the course's five\n"
                "times, so key_accounts does not flag it. I would treat it as a key account of the department: Sergey\n"
                "Lebedev already runs two key accounts (C003 and C012 in managers.csv), within the rule of three per\n"
                "manager (source 003 [003-three-per-manager]), so he keeps it, with a yearly account plan, quarterly\n"
                "meetings with its technical director and first offers of every new product. It is worth the cost\n"
                "if its share of the department holds and new products start there."
            ),
        ),
    ],
)

"""Exercise 09 — the account dossier and the decision map (course module M9, source 003 [003-dossier-20-40-pages],
source 004 [004-dossier-structure]).

Computed on the learner's data with ``kamlib``: how deep and wide the relationships with the key
accounts go (``relationship_coverage``), at how many key accounts we know the owner, the CEO *and*
the chief accountant, and how many birthdays of their people fall in the first quarter of 2026
(``important_dates``). Judgement: the four parts of a dossier, the "three P" screen, and an open
question — a plan to close one account's relationship gaps with key-account marketing.
"""

from __future__ import annotations

import kamlib
import pandas as pd

from ...labels import t
from .._checking import (
    Exercise,
    MatchingQuestion,
    MultipleChoiceQuestion,
    OpenQuestion,
    TableQuestion,
    ValueQuestion,
)
from ._data import course_data

QUARTER_START, QUARTER_DAYS = "2026-01-01", 90  # the first quarter of 2026: 31 + 28 + 31 days
COVERAGE_COLUMNS = ["client_id", "depth", "width", "n_gaps"]


def _key_ids(data) -> list[str]:
    """The key accounts the managers run (``managers.key_accounts``, ids separated by '|')."""
    return data.managers["key_accounts"].dropna().str.split("|").explode().str.strip().tolist()


def _coverage(data, **kwargs) -> pd.DataFrame:
    coverage = kamlib.relationship_coverage(data.contacts, data.clients, **kwargs)
    return coverage.loc[coverage["client_id"].isin(_key_ids(data))].reset_index(drop=True)


def _all_three(data, people=("owner", "ceo", "chief_accountant"), how=all) -> int:
    coverage = _coverage(data)
    flags = coverage[[f"has_{p}" for p in people]]
    return int((flags.all(axis=1) if how is all else flags.any(axis=1)).sum())


def _dates(data, start=QUARTER_START, days=QUARTER_DAYS) -> pd.DataFrame:
    dates = kamlib.important_dates(data.contacts, data.clients, start=start, days=days)
    return dates.loc[dates["client_id"].isin(_key_ids(data))]


def _birthdays(data, **kwargs) -> int:
    dates = _dates(data, **kwargs)
    return int((dates["kind"] == t("dossier_dates.birthday")).sum())


EXERCISE = Exercise(
    id="09_dossier_and_decision_map",
    title="The account dossier: coverage of the key accounts, the people to know, the dates to call, the three P",
    data=course_data,
    names=lambda data: {"data": data, "kamlib": kamlib, "pd": pd},
    questions=[
        TableQuestion(
            "q1",
            "key_coverage",
            key="client_id",
            expected=lambda d: _coverage(d)[COVERAGE_COLUMNS],
            hints=[
                "Module 09's kamlib.relationship_coverage gives depth, width and gaps for every client; keep the "
                "rows of the key accounts — the notebook gives their ids in key_ids (primer section 2: .isin).",
                "kamlib.relationship_coverage(data.contacts, data.clients) has one row per client with depth, "
                "width and n_gaps; keep the rows whose client_id is a key account.",
            ],
            solution=(
                'key_ids = data.managers["key_accounts"].dropna().str.split("|").explode()\n'
                "coverage = kamlib.relationship_coverage(data.contacts, data.clients)\n"
                'key_coverage = coverage[coverage["client_id"].isin(key_ids)][["client_id", "depth", "width", "n_gaps"]]'
            ),
            wrong=[
                lambda d: kamlib.relationship_coverage(d.contacts, d.clients)[COVERAGE_COLUMNS],  # every client
                lambda d: _coverage(d)[COVERAGE_COLUMNS].rename(columns={"depth": "width", "width": "depth"}),
                lambda d: _coverage(d, weak_at_most=3)[COVERAGE_COLUMNS],  # a stricter idea of "weak"
                lambda d: _coverage(d)[COVERAGE_COLUMNS].iloc[:-2],  # two accounts left out
                lambda d: _coverage(d)["n_gaps"].tolist(),
                None,
            ],
        ),
        ValueQuestion(
            "q2",
            "n_all_three",
            expected=_all_three,
            hints=[
                "The coverage table has the columns has_owner, has_ceo and has_chief_accountant (found from the "
                "job titles). Use the key accounts of q1.",
                "An account counts only when all three are True: (has_owner & has_ceo & has_chief_accountant). "
                "Count those accounts.",
            ],
            solution=(
                'key_ids = data.managers["key_accounts"].dropna().str.split("|").explode()\n'
                "coverage = kamlib.relationship_coverage(data.contacts, data.clients)\n"
                'key = coverage[coverage["client_id"].isin(key_ids)]\n'
                'n_all_three = int((key["has_owner"] & key["has_ceo"] & key["has_chief_accountant"]).sum())'
            ),
            wrong=[
                lambda d: _all_three(d, how=any),  # at least one of the three
                lambda d: _all_three(d, people=("owner",)),  # the owner only
                lambda d: _all_three(d, people=("ceo",)),  # the CEO only
                lambda d: str(_all_three(d)),
                None,
            ],
        ),
        ValueQuestion(
            "q3",
            "n_birthdays",
            expected=lambda d: _birthdays(d),
            hints=[
                "kamlib.important_dates(data.contacts, data.clients, start=..., days=...) lists birthdays and "
                "anniversaries of the first deal in a window; the first quarter of 2026 starts on 2026-01-01 and "
                "has 31 + 28 + 31 days.",
                "Keep the key accounts' rows (as in q1) and count the rows whose kind is 'birthday' — not the "
                "anniversaries.",
            ],
            solution=(
                'key_ids = data.managers["key_accounts"].dropna().str.split("|").explode()\n'
                'dates = kamlib.important_dates(data.contacts, data.clients, start="2026-01-01", days=90)\n'
                'n_birthdays = int(((dates["kind"] == "birthday") & dates["client_id"].isin(key_ids)).sum())'
            ),
            wrong=[
                lambda d: len(_dates(d)),  # anniversaries counted too
                lambda d: _birthdays(d, days=30),  # January only
                lambda d: len(kamlib.important_dates(d.contacts, d.clients, start=QUARTER_START, days=QUARTER_DAYS)),
                [],
                None,
            ],
        ),
        MatchingQuestion(
            "q4",
            "dossier_parts",
            items=["general information", "contact history", "decision-making scheme", "competitors"],
            options={
                "a": "What was delivered and when, which tenders we took part in and why we won or lost, what is "
                     "planned next.",
                "b": "Everyone inside the client who takes part in buying from us, with their role.",
                "c": "The company's description, headcount, history, staff, organisational structure and environment.",
                "d": "The other suppliers trying to win this client.",
            },
            expected={"general information": "c", "contact history": "a", "decision-making scheme": "b",
                      "competitors": "d"},
            hints=[
                "Two parts are about the client itself (the company, and its people); one is about us and the "
                "client over time; one is about third parties.",
            ],
            solution=(
                'dossier_parts = {"general information": "c", "contact history": "a",\n'
                '                 "decision-making scheme": "b", "competitors": "d"}'
            ),
            wrong=[
                {"general information": "a", "contact history": "c", "decision-making scheme": "b", "competitors": "d"},
                {"general information": "c", "contact history": "a", "decision-making scheme": "d", "competitors": "b"},
                {"general information": "c", "contact history": "a", "decision-making scheme": "b"},
                ["c", "a", "b", "d"],
                None,
            ],
        ),
        MultipleChoiceQuestion(
            "q5",
            "missing_p",
            choices={
                "a": "Need for the service.",
                "b": "Ability to pay.",
                "c": "Authority to decide.",
                "d": "None: it passes all three.",
            },
            expected="c",
            hints=[
                "Who can say yes to a contract at a manufacturer — and is that the person we are talking to?",
            ],
            solution=(
                'missing_p = "c"\n'
                "# The need is there (100 million a year on boards) and so is the ability to pay (it pays on time),\n"
                "# but a chief engineer asking for samples is an initiator: nobody we know can say yes. Until we reach\n"
                "# the decider (the owner or the CEO), the prospect does not pass the three P screen."
            ),
            wrong=["a", "b", "d", "authority", 3],
        ),
        OpenQuestion(
            "q6",
            "gap_plan",
            rubric=[
                "starts from the account's actual gaps in the coverage table and its decision map (who is known, "
                "at which level and role, how strong the relationship is)",
                "names the people to reach — at least the missing ones among the owner, the CEO and the chief "
                "accountant — and goes deep and wide: top, middle and staff",
                "says how each introduction happens: through whom on the client's side or ours (for example our "
                "own director meeting theirs), and on what occasion",
                "treats the account as a market of its own: a contact map of target people, content for each "
                "role, and personal attention (dates, preferences) recorded in the dossier",
                "coordinates sales and marketing so the client hears one voice",
                "sets dates and a sign of success (a new contact per quarter, no single point of contact left)",
            ],
            hints=[
                "Print HomeStar's row of the coverage table (C002) and draw its decision map with "
                "kamlib.plot_decision_map(data.contacts, 'C002'). Which boxes are empty, and who in your company "
                "could open each door?",
            ],
            solution=(
                "HomeStar (C002): we know the commercial director (decider, weak relationship), a category manager,\n"
                "the quality manager and a logistics specialist — but not the owner, the CEO or the chief accountant.\n"
                "1. Top: our CEO asks the commercial director to arrange a meeting with HomeStar's CEO at the spring\n"
                "   trade show; agenda: the joint plan for the building season. Goal by the end of Q2: a named CEO\n"
                "   contact and a second top-level person on a working footing.\n"
                "2. Finance: our chief accountant calls theirs about the reconciliation of the year — the chief\n"
                "   accountant pays the invoices and must know a person at our side, not a mailbox.\n"
                "3. Strengthen the decider: the commercial director gets a quarterly review with data he can take\n"
                "   to his board (our sell-through in his stores, delivery punctuality). Quality gets test reports.\n"
                "4. Contact map and programmes: one page listing each target person, the content they get, who\n"
                "   from our side owns the relationship, and their dates and preferences in the dossier; marketing\n"
                "   and sales agree one calendar of promotions for HomeStar.\n"
                "Success: by year end no gap on owner/CEO/chief accountant, and the weakest relationship at 3 or more."
            ),
        ),
    ],
)

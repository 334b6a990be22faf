"""Exercise 11 — capstone: parts of an account plan for another key client (course module M11).

The course notebook writes the plan for C001; the learner builds parts of the plan for C002
HomeStar, computed on the learner's data with ``kamlib``: its share of company sales
(``concentration``), its ABC-XYZ cell (``abc_xyz``), its dependency level inside its department
(``concentration(within="department")``), this year's detractor answers to call back
(``nps_by_account``) and its relationship gaps (``relationship_coverage``). Judgement: an open
question — the plan's next three actions, with a rubric and a model answer.
"""

from __future__ import annotations

import kamlib
import pandas as pd

from .._checking import Exercise, MultipleChoiceQuestion, OpenQuestion, TableQuestion, ValueQuestion
from ._data import course_data

AS_OF = kamlib.SAMPLE_AS_OF  # the "today" of every answer
OTHER = "C002"  # the key client of the exercise (the course notebook plans for C001)
YEAR = str(pd.Timestamp(AS_OF).year)  # "this year" of the NPS answers

# q5: the coverage gaps a learner can pick, as (column of relationship_coverage, gap when the value is ...)
GAP_CHOICES = {
    "a": ("has_owner", False),
    "b": ("has_ceo", False),
    "c": ("has_chief_accountant", False),
    "d": ("has_decider", False),
    "e": ("single_point_of_contact", True),
    "f": ("has_top", False),
}


def _company_row(data) -> pd.Series:
    return kamlib.concentration(data.orders).clients.set_index("client_id").loc[OTHER]


def _department_row(data) -> pd.Series:
    result = kamlib.concentration(data.orders, within="department", clients=data.clients)
    return result.clients.set_index("client_id").loc[OTHER]


def _cell(data, **kwargs) -> str:
    return str(kamlib.abc_xyz(data.orders, as_of=AS_OF, **kwargs).set_index("client_id").loc[OTHER, "cell"])


def _call_back(data, year: str = YEAR) -> pd.DataFrame:
    calls = kamlib.nps_by_account(data.nps_responses).callbacks
    mine = calls[(calls["client_id"] == OTHER) & calls["wave"].str.startswith(year)]
    return mine[["response_id", "role", "score"]].reset_index(drop=True)


def _non_promoters(data) -> pd.DataFrame:
    answers = data.nps_responses
    mine = answers[(answers["client_id"] == OTHER) & answers["wave"].str.startswith(YEAR) & (answers["score"] <= 8)]
    return mine[["response_id", "role", "score"]].reset_index(drop=True)


def _gaps(data) -> list[str]:
    row = kamlib.relationship_coverage(data.contacts, data.clients).set_index("client_id").loc[OTHER]
    return [letter for letter, (column, gap) in GAP_CHOICES.items() if bool(row[column]) == gap]


EXERCISE = Exercise(
    id="11_capstone_account_plan",
    title="Capstone: the position, risks, people and next actions of C002 HomeStar's account plan",
    data=course_data,
    names=lambda data: {"data": data, "kamlib": kamlib, "pd": pd, "as_of": pd.Timestamp(AS_OF), "OTHER": OTHER},
    questions=[
        ValueQuestion(
            "q1",
            "share",
            expected=lambda d: float(_company_row(d)["share"]),
            rtol=1e-3,
            hints=[
                "Module 04: kamlib.concentration(data.orders) measures every client's share of the company's "
                "sales; its .clients table has one row per client.",
                "Take the share of the row whose client_id is OTHER — a fraction (0.25), not a percentage.",
            ],
            solution=(
                "shares = kamlib.concentration(data.orders).clients.set_index(\"client_id\")\n"
                "share = shares.loc[OTHER, \"share\"]"
            ),
            wrong=[
                lambda d: float(_company_row(d)["share"]) * 100,  # a percentage
                lambda d: float(_department_row(d)["share"]),  # of its department, not of the company
                lambda d: float(_company_row(d)["cum_share"]) - 0.02,  # the cumulative share, roughly
                "0.11",
                None,
            ],
        ),
        ValueQuestion(
            "q2",
            "cell",
            expected=_cell,
            hints=[
                "Module 03: kamlib.abc_xyz(data.orders, as_of=as_of) gives every client's ABC class, XYZ class "
                "and their cell.",
                "Set the index to client_id and read the cell column for OTHER: two letters such as 'BZ'.",
            ],
            solution=(
                "abc = kamlib.abc_xyz(data.orders, as_of=as_of).set_index(\"client_id\")\n"
                "cell = abc.loc[OTHER, \"cell\"]"
            ),
            wrong=[
                lambda d: _cell(d, method="cv", xyz=(0.05, 0.10)),  # XYZ by CV with strict cut-offs, not the default
                lambda d: _cell(d)[0],  # the ABC class only
                lambda d: _cell(d)[::-1],  # the letters the wrong way round
                1,
                None,
            ],
        ),
        ValueQuestion(
            "q3",
            "dependency",
            expected=lambda d: str(_department_row(d)["dependency"]),
            hints=[
                "Module 04 measures dependency at company level and inside each department: "
                "kamlib.concentration(data.orders, within='department', clients=data.clients).",
                "Read the dependency column of OTHER's row in its .clients table: normal, warning, high or "
                "critical.",
            ],
            solution=(
                "inside = kamlib.concentration(data.orders, within=\"department\", clients=data.clients)\n"
                "dependency = inside.clients.set_index(\"client_id\").loc[OTHER, \"dependency\"]"
            ),
            wrong=[
                lambda d: str(_company_row(d)["dependency"]),  # the company level
                "critical",
                "high",
                lambda d: float(_department_row(d)["share"]),  # the share, not the level
                None,
            ],
        ),
        TableQuestion(
            "q4",
            "call_back",
            key="response_id",
            expected=_call_back,
            hints=[
                "Module 07: kamlib.nps_by_account(data.nps_responses) lists in .callbacks every detractor answer "
                "(0–6) to call back, with its wave, role and reason.",
                f"Keep OTHER's rows of the waves of {YEAR} (wave.str.startswith('{YEAR}')) and the columns "
                "response_id, role and score.",
            ],
            solution=(
                "calls = kamlib.nps_by_account(data.nps_responses).callbacks\n"
                f"mine = calls[(calls[\"client_id\"] == OTHER) & calls[\"wave\"].str.startswith(\"{YEAR}\")]\n"
                "call_back = mine[[\"response_id\", \"role\", \"score\"]]"
            ),
            wrong=[
                lambda d: _call_back(d, year=""),  # every year, not this one
                _non_promoters,  # passives are not called back: their terms are improved
                lambda d: _call_back(d).iloc[:-1],  # an answer missing
                lambda d: _call_back(d).assign(score=lambda x: x["score"] + 1),
                lambda d: _call_back(d).set_index("response_id")["score"],  # a Series
                None,
            ],
        ),
        MultipleChoiceQuestion(
            "q5",
            "gaps",
            choices={
                "a": "no contact with the owner",
                "b": "no contact with the CEO",
                "c": "no contact with the chief accountant",
                "d": "no contact with anyone who decides (no decider)",
                "e": "a single point of contact",
                "f": "nobody in top management",
            },
            expected=_gaps,
            hints=[
                "Module 09: kamlib.relationship_coverage(data.contacts, data.clients) has one row per account with "
                "has_owner, has_ceo, has_chief_accountant, has_decider, has_top, single_point_of_contact and the "
                "gaps in words.",
                "Read OTHER's row and give every letter whose gap it has, as a list such as ['a', 'e'].",
            ],
            solution=(
                "coverage = kamlib.relationship_coverage(data.contacts, data.clients).set_index(\"client_id\")\n"
                "print(coverage.loc[OTHER, \"gaps\"])\n"
                "gaps = [\"a\", \"b\", \"c\"]  # the letters of the gaps printed above"
            ),
            wrong=[
                ["a", "b"],
                ["a", "b", "c", "d"],
                ["a", "b", "c", "f"],
                "a",
                None,
            ],
        ),
        OpenQuestion(
            "q6",
            "next_actions",
            rubric=[
                "three actions, each with what exactly, who does it and a date in the next month or two",
                "the first answers this year's detractors: call back, find out why, apologise where due, fix it, "
                "and have the client confirm the fix",
                "one closes the gaps at the top of the map (owner, CEO, chief accountant) through an introduction "
                "by the people we know, with the head of Nordline meeting the owner — not only the manager",
                "none of them is a bigger discount: a demanding, famous client is kept by standards, service and "
                "reliability (and a joint success story once its people are promoters)",
                "says how you will know each action worked (the next NPS wave, the gaps gone from the coverage "
                "table, the client's order rhythm)",
            ],
            hints=[
                "Read your answers to q3–q5 together: who is unhappy, whom we do not know, and how much of the "
                "department rides on this client. Then run the course notebook with CLIENT = \"C002\" and argue "
                "with the plan it drafts.",
            ],
            solution=(
                "1. By 16 January: HomeStar's owner and CEO gave 6 in the first wave of the year (prices higher\n"
                "   than elsewhere; late deliveries), yet our contacts table holds neither of them — the survey\n"
                "   reached people we do not know. Elena Vasilieva asks Victor Stepanov, the commercial director, to\n"
                "   introduce her and the head of Nordline to the owner and the CEO; the meeting is the late\n"
                "   call-back: what happened, an apology for the late deliveries, a delivery-time report each month,\n"
                "   and a call in February to have them confirm the fix. Both go into the contacts table.\n"
                "   Measure: owner and CEO in the coverage table, and no detractor at HomeStar in the 2026Q1 wave.\n"
                "2. By 31 January, Elena asks the category manager (our strongest contact) to introduce her to the\n"
                "   chief accountant, the third gap, whose answer in the first wave was 'would switch for a better\n"
                "   price'.\n"
                "   Measure: no gap left in the coverage table by March.\n"
                "3. By 28 February, no discount: answer \"prices higher than elsewhere\" with a quarterly review of\n"
                "   HomeStar's quality standards and a joint plan for the range it does not buy from us yet (we have\n"
                "   about a fifth of its spend); when its people are promoters again, ask for a joint success story.\n"
                "   Measure: the share of its wallet, and the order rhythm steady through the quarter."
            ),
        ),
    ],
)

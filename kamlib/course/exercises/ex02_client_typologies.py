"""Exercise 02 — client typologies (module M2 of the course).

Computed questions call :func:`kamlib.classify_clients` on the learner's data (the sample company by
default, through :func:`course_data`), as of ``kamlib.SAMPLE_AS_OF``. Judgement questions restate
module M2 of CURRICULUM.md: the VIP tier of criterion В (one VIP client is on average 5–15 % of the
average monthly turnover of all sales) and the eight buyer archetypes of criterion И, named by their
behaviour.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

import kamlib

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

LOST_MONTHS_STRICT = 5  # q3: one month shorter than classify_clients' default of 6


def _classes(data: Any, **kwargs: Any) -> pd.DataFrame:
    return kamlib.classify_clients(data.orders, data.clients, as_of=kamlib.SAMPLE_AS_OF, **kwargs)


def _vip_share(data: Any, measure: str = "revenue", **kwargs: Any) -> float:
    classes = _classes(data, **kwargs)
    vip = classes["turnover_tier"] == t("turnover.vip")
    if measure == "clients":
        return float(vip.mean())
    return float(classes.loc[vip, "revenue"].sum() / classes["revenue"].sum())


def _by_relationship(data: Any, **kwargs: Any) -> pd.DataFrame:
    classes = _classes(data, **kwargs)
    return classes.groupby("relationship", as_index=False).agg(
        clients=("client_id", "size"), revenue=("revenue", "sum"))


def _newly_lost(data: Any, strict: int = LOST_MONTHS_STRICT) -> int:
    lost = t("relationship.lost")
    usual = _classes(data)["relationship"].eq(lost)
    stricter = _classes(data, lost_months=strict)["relationship"].eq(lost)
    return int((stricter & ~usual).sum())


def _lost_count(data: Any, lost_months: int) -> int:
    return int(_classes(data, lost_months=lost_months)["relationship"].eq(t("relationship.lost")).sum())


ARCHETYPES = ["Boss", "Know-it-all", "Specialist", "Ditherer", "Repeat caller", "Bargain-hunter", "Impulsive",
              "Rusher"]

EXERCISE = Exercise(
    id="02_client_typologies",
    title="Client typologies: the portfolio by criterion, and the buyer archetypes",
    data=course_data,
    names=lambda data: {"data": data, "kamlib": kamlib, "pd": pd, "as_of": kamlib.SAMPLE_AS_OF},
    questions=[
        ValueQuestion(
            "q1",
            "vip_revenue_share",
            expected=_vip_share,
            rtol=1e-3,
            hints=[
                "classes = kamlib.classify_clients(data.orders, data.clients, as_of=as_of) gives every client's "
                "`turnover_tier` and its `revenue` over the last twelve months.",
                "Add up the revenue of the rows whose turnover_tier is \"VIP\" and divide by the revenue of all "
                "rows. Keep it a fraction.",
            ],
            solution=(
                "classes = kamlib.classify_clients(data.orders, data.clients, as_of=as_of)\n"
                'vip = classes["turnover_tier"] == "VIP"\n'
                'vip_revenue_share = classes.loc[vip, "revenue"].sum() / classes["revenue"].sum()'
            ),
            wrong=[
                lambda d: _vip_share(d) * 100,  # a percentage
                lambda d: _vip_share(d, measure="clients"),  # share of clients, not of revenue
                lambda d: _vip_share(d, months=None),  # the whole history instead of the last year
                lambda d: float(_classes(d).loc[lambda c: c["turnover_tier"] == "VIP", "revenue"].sum()),
                "0.47",
                None,
            ],
        ),
        TableQuestion(
            "q2",
            "by_relationship",
            key="relationship",
            expected=_by_relationship,
            hints=[
                "Start from classify_clients(...) and group by the column `relationship`.",
                "Aggregate two things per status: the number of clients (call the column `clients`) and the sum "
                "of `revenue` (call it `revenue`, in roubles, not millions). "
                "groupby(\"relationship\", as_index=False).agg(clients=(..., \"size\"), revenue=(..., \"sum\")).",
            ],
            solution=(
                "classes = kamlib.classify_clients(data.orders, data.clients, as_of=as_of)\n"
                'by_relationship = classes.groupby("relationship", as_index=False).agg(\n'
                '    clients=("client_id", "size"), revenue=("revenue", "sum"))'
            ),
            wrong=[
                lambda d: _by_relationship(d).drop(columns="revenue"),
                lambda d: _by_relationship(d).assign(revenue=lambda x: x["revenue"] / 1e6),  # in millions
                lambda d: _by_relationship(d, lost_months=LOST_MONTHS_STRICT),  # another rule
                lambda d: _by_relationship(d, months=None),  # revenue over the whole history
                lambda d: _by_relationship(d).set_index("relationship")["clients"],
                [("permanent", 80)],
            ],
        ),
        ValueQuestion(
            "q3",
            "newly_lost",
            expected=_newly_lost,
            hints=[
                "Classify twice: once with the default rule and once with lost_months=5. Compare the two "
                "`relationship` columns row by row (both tables list the clients in the same order).",
                "Count the rows that are \"lost\" with lost_months=5 but not with the default. With & and ~ on "
                "two boolean Series, then .sum().",
            ],
            solution=(
                'usual = kamlib.classify_clients(data.orders, data.clients, as_of=as_of)["relationship"]\n'
                'strict = kamlib.classify_clients(data.orders, data.clients, as_of=as_of, lost_months=5)["relationship"]\n'
                'newly_lost = int(((strict == "lost") & (usual != "lost")).sum())'
            ),
            wrong=[
                lambda d: _lost_count(d, LOST_MONTHS_STRICT),  # all lost under the stricter rule
                lambda d: _lost_count(d, 6),  # lost under the default rule
                lambda d: _newly_lost(d) + _lost_count(d, 6) + 1,
                lambda d: -_newly_lost(d),
                "C006",
                None,
            ],
        ),
        MatchingQuestion(
            "q4",
            "archetypes",
            items=ARCHETYPES,
            options={
                "a": "Buying a trifle, asks for discounts, bonuses, loyalty cards and freebies.",
                "b": "Sets the place and time to the minute, demands speed, is unhappy ten seconds after deciding.",
                "c": "Really knows the subject, is condescending, buys about 80 % of the time; answers a seller's "
                     "slip, even a deliberate one, with \"not quite right, but it doesn't matter\".",
                "d": "Acts superior while knowing little; explodes at a late delivery; may cancel or pick a fight.",
                "e": "Always wants, is never ready, asks for honest advice again and again, "
                     "ends with \"thanks, I'll think\".",
                "f": "Has read something online, floods you with irrelevant information, hates being corrected.",
                "g": "May cancel at any moment, even after paying; prefers to buy on the spot.",
                "h": "Calls at least five times and collects every piece of information, remembers every "
                     "conversation and name, speaks of their own incompetence, may play on pity — and buys more "
                     "often than the one who only thinks it over.",
            },
            expected={"Boss": "d", "Know-it-all": "f", "Specialist": "c", "Ditherer": "e", "Repeat caller": "h",
                      "Bargain-hunter": "a", "Impulsive": "g", "Rusher": "b"},
            hints=[
                "Start with the names that say what the person wants: a bargain, speed, a sale on the spot.",
                "Of the two who keep asking for advice, one rarely buys and one buys more often and remembers "
                "every name. Of the two who act superior, one really knows the subject.",
            ],
            solution=(
                'archetypes = {"Boss": "d", "Know-it-all": "f", "Specialist": "c", "Ditherer": "e",\n'
                '              "Repeat caller": "h", "Bargain-hunter": "a", "Impulsive": "g", "Rusher": "b"}'
            ),
            wrong=[
                {"Boss": "c", "Know-it-all": "f", "Specialist": "d", "Ditherer": "e", "Repeat caller": "h",
                 "Bargain-hunter": "a", "Impulsive": "g", "Rusher": "b"},
                {"Boss": "d", "Know-it-all": "f", "Specialist": "c", "Ditherer": "h", "Repeat caller": "e",
                 "Bargain-hunter": "a", "Impulsive": "b", "Rusher": "g"},
                {"Boss": "d", "Know-it-all": "f", "Specialist": "c", "Ditherer": "e", "Repeat caller": "h",
                 "Bargain-hunter": "a", "Impulsive": "g"},
                {"Boss": "d", "Know-it-all": "f", "Specialist": "c", "Ditherer": "e", "Repeat caller": "h",
                 "Bargain-hunter": "a", "Impulsive": "g", "Rusher": "z"},
                ["d", "f", "c", "e", "h", "a", "g", "b"],
            ],
        ),
        MultipleChoiceQuestion(
            "q5",
            "vip_reading",
            choices={
                "a": "A normal VIP client: VIP is simply the top tier, with no upper limit.",
                "b": "Far above what one VIP client usually holds (5–15 %): a dependency to manage, not just a "
                     "large client to look after.",
                "c": "A classification error: a client above 15 % should be moved down to the large tier.",
                "d": "A seasonal effect: measured over a year rather than one month, the share would fall "
                     "into the usual range.",
            },
            expected="b",
            hints=[
                "Source 002 [002-turnover-tiers] says how much of the average monthly turnover of all sales one "
                "VIP client accounts "
                "for on average. Compare C001's turnover_share with that range.",
                "Classes are not corrected to fit a range; a share this far outside it is a signal. Which module "
                "deals with clients the company depends on?",
            ],
            solution=(
                'vip_reading = "b"\n'
                "# One VIP client is on average 5–15 % of the average monthly turnover (002). C001 holds about a\n"
                "# third of it over a whole year (so not a seasonal effect): a critical-dependency question (M4)."
            ),
            wrong=["a", "c", "d", "b, c", 2, None],
        ),
        OpenQuestion(
            "q6",
            "service_plan",
            rubric=[
                "names two archetypes by their behaviour-based names (no labels that mock the person)",
                "for each, says how to recognise it early — in the first conversation, from behaviour, not looks",
                "for each, gives two concrete actions (what you prepare, promise, send, or avoid)",
                "keeps price discipline: a discount, if any, is tied to volume or terms, never given by default",
            ],
            hints=[
                "Think of two buyers you know (or the quiz in notebook 02). What did they do in the first five "
                "minutes that told you who they were?",
            ],
            solution=(
                "Rusher — recognised by a demand for an exact time in the first minute and impatience before\n"
                "anything has gone wrong. I give a delivery time I can keep to the quarter hour, and I send a\n"
                "status message before they have to ask; no small talk on the phone.\n"
                "Bargain-hunter — recognised by asking for a discount on a small first order. I prepare a\n"
                "non-price extra in advance (free delivery above a threshold, a sample), and I offer a real\n"
                "discount only against a bigger order or prepayment, politely keeping the list price otherwise."
            ),
        ),
    ],
)

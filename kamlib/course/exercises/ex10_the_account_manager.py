"""Exercise 10 — the key-account manager (course module M10, source 003 [003-three-per-manager] and
source 004 [004-kam-profitability]).

Computed on the learner's data with ``kamlib``: every manager against the capacity rule (no more
than 3 key clients, ``manager_capacity``), the source's pay ceiling for each manager by level and
city (``pay_levels``), and the opportunity funnel of a new manager's quarter (one contract in ten
prospects, 1–2 B2B meetings a day, ``opportunity_funnel``). Judgement: which of the seven
effectiveness criteria a busy manager without contracts fails, the four training stages matched
to their content, and an open question — the plan that brings Irina Sokolova back to three key
accounts.
"""

from __future__ import annotations

import kamlib
import pandas as pd

from ...labels import t
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

CAPACITY_CLASSES = [t("kam_capacity.over"), t("kam_capacity.within")]
NEW_CONTRACTS = 4  # q3: contracts a new B2B manager must sign next quarter


def _capacity(data, **kwargs) -> pd.Series:
    return kamlib.manager_capacity(data.managers, **kwargs).set_index("manager")["status"]


def _pay(data, column: str = "max_pay", on_city: bool = True) -> pd.DataFrame:
    """The source's monthly pay for each manager's level (and city), thousand roubles."""
    pay = kamlib.pay_levels()[["level", "city", "min_pay", "max_pay"]]
    managers = data.managers[["name", "level", "region"]].rename(columns={"name": "manager", "region": "city"})
    if not on_city:  # the mistake: Moscow figures for everyone
        managers = managers.assign(city=t("kam_pay.city_moscow"))
    merged = managers.merge(pay, on=["level", "city"], how="left")
    return merged[["manager", column]].rename(columns={column: "max_pay"})


def _days(contracts: int = NEW_CONTRACTS, **kwargs) -> int:
    return kamlib.opportunity_funnel(contracts, **kwargs).working_days_high


STAGES = [
    "1. Introduction to the job and the company",
    "2. Product and sales basics",
    "3. Sales training with a mentor, and a product test",
    "4. Normal work under supervision",
]

EXERCISE = Exercise(
    id="10_the_account_manager",
    title="The key-account manager: capacity, pay, the opportunity funnel, criteria and training",
    data=course_data,
    names=lambda data: {"data": data, "kamlib": kamlib, "pd": pd},
    questions=[
        ClassificationQuestion(
            "q1",
            "capacity_status",
            expected=_capacity,
            classes=CAPACITY_CLASSES,
            hints=[
                "The managers table lists each manager's key accounts in its key_accounts column, separated by "
                "'|'. Module 10's capacity rule: no more than 3 key clients per manager — and kamlib has a "
                "function that applies it.",
                "kamlib.manager_capacity(data.managers) gives one row per manager with a status column; turn it "
                "into a Series indexed by manager: .set_index('manager')['status'].",
            ],
            solution=(
                'capacity = kamlib.manager_capacity(data.managers)\n'
                'capacity_status = capacity.set_index("manager")["status"]'
            ),
            wrong=[
                lambda d: _capacity(d).map(lambda s: t("kam_capacity.within")),  # everyone within
                lambda d: _capacity(d, max_key_accounts=1),  # the wrong capacity
                lambda d: _capacity(d).iloc[:-2],  # managers without key accounts left out
                lambda d: list(_capacity(d)),
                "over capacity",
            ],
        ),
        TableQuestion(
            "q2",
            "pay_ceiling",
            key="manager",
            expected=_pay,
            hints=[
                "kamlib.pay_levels() has one row per level and city with max_pay, the top of the source's "
                "figure in thousand roubles a month. The managers table has each manager's level and, in its "
                "region column, the city.",
                "Rename the managers' name to manager and region to city, then merge with pay_levels() on "
                "['level', 'city'] and keep the columns manager and max_pay.",
            ],
            solution=(
                'pay = kamlib.pay_levels()[["level", "city", "max_pay"]]\n'
                'team = data.managers.rename(columns={"name": "manager", "region": "city"})\n'
                'pay_ceiling = team.merge(pay, on=["level", "city"])[["manager", "max_pay"]]'
            ),
            wrong=[
                lambda d: _pay(d, "min_pay"),  # the bottom of the range: empty for "up to" levels
                lambda d: _pay(d, on_city=False),  # Moscow pay for everyone
                lambda d: _pay(d).assign(max_pay=lambda x: x["max_pay"] * 1000),  # roubles, not thousands
                lambda d: _pay(d).iloc[:-1],  # a manager missing
                lambda d: _pay(d).set_index("manager")["max_pay"],  # a Series
                None,
            ],
        ),
        ValueQuestion(
            "q3",
            "working_days",
            expected=lambda d: _days(),
            hints=[
                "Work backwards (criterion 7): at one contract in ten prospects, how many prospects do four "
                "contracts need? At one meeting per prospect, how many meetings?",
                "kamlib.opportunity_funnel(4) does the arithmetic; the slow end of the B2B pace the source calls "
                "excellent (1–2 a day) is 1 meeting a day: its working_days_high.",
            ],
            solution=(
                "funnel = kamlib.opportunity_funnel(4)   # 4 / 0.1 = 40 prospects, 40 meetings\n"
                "working_days = funnel.working_days_high  # at 1 meeting a day"
            ),
            wrong=[
                lambda d: kamlib.opportunity_funnel(NEW_CONTRACTS).working_days_low,  # the fast end, 2 a day
                lambda d: kamlib.opportunity_funnel(NEW_CONTRACTS).prospects / 10,  # contracts again, not days
                lambda d: _days(sector="consumer_goods"),  # 20 meetings a day
                lambda d: _days(meetings_per_prospect=2),  # two meetings per prospect
                "40",
                [40],
                None,
            ],
        ),
        MultipleChoiceQuestion(
            "q4",
            "diagnosis",
            choices={
                "a": "Holds enough meetings: two a day is too few in B2B.",
                "b": "Reaches the decision-maker: many meetings and few contracts mean the manager meets the "
                     "wrong person.",
                "c": "Over-fulfils the plan: the manager is holding deals back for next month.",
                "d": "Attends events: the manager should go to more trade shows.",
            },
            expected="b",
            hints=[
                "Compare the manager with the two numbers of the seven criteria: the B2B meeting pace the source "
                "calls excellent, and the contracts one may expect from ten prospects.",
            ],
            solution=(
                'diagnosis = "b"\n'
                "# Two meetings a day is the top of what the source calls excellent in B2B (1–2), so the meetings are\n"
                "# not the problem. 2 contracts from 50 prospects is 1 in 25, far below the one in ten of criterion 7\n"
                "# (the course's pass mark for criterion 5 too): the source's reading is that\n"
                "# the manager is meeting people who like to talk, not the ones who decide."
            ),
            wrong=["a", "c", "d", "z", ["b"], 2],
        ),
        MatchingQuestion(
            "q5",
            "stage_content",
            items=STAGES,
            options={
                "a": "Works with clients while an experienced colleague or the head of department helps sort out "
                     "situations; useful after about six months.",
                "b": "The company, its policies and colleagues, and the software: office suite, accounting system, "
                     "CRM.",
                "c": "A paid, honest senior colleague with the trainee's results recorded (calls, applications); "
                     "then a product test whose answers are checked within 3–4 weeks.",
                "d": "The products and cold calling — and the first client base at once: two days of training "
                     "before the phone worked better than ten.",
            },
            expected={STAGES[0]: "b", STAGES[1]: "d", STAGES[2]: "c", STAGES[3]: "a"},
            hints=[
                "The first stage takes a couple of days and is about the company, not the product; the last is "
                "ordinary work with someone watching.",
                "Of the two in the middle, one is short and ends with the telephone; the other has a mentor and "
                "an exam.",
            ],
            solution=(
                "stage_content = {\n"
                f'    "{STAGES[0]}": "b",\n'
                f'    "{STAGES[1]}": "d",\n'
                f'    "{STAGES[2]}": "c",\n'
                f'    "{STAGES[3]}": "a",\n'
                "}"
            ),
            wrong=[
                {STAGES[0]: "b", STAGES[1]: "c", STAGES[2]: "d", STAGES[3]: "a"},
                {STAGES[0]: "a", STAGES[1]: "d", STAGES[2]: "c", STAGES[3]: "b"},
                {STAGES[0]: "b", STAGES[1]: "d", STAGES[2]: "c"},
                ["b", "d", "c", "a"],
                None,
            ],
        ),
        OpenQuestion(
            "q6",
            "handover_plan",
            rubric=[
                "names the two accounts that leave Irina's desk and says why those two (their share, status and "
                "what each needs now), keeping the largest client, C001, with her",
                "names who takes them and checks that person against the same rule and against the pay/skill "
                "level the accounts need (the managers table shows who has room)",
                "plans a handover the clients do not feel as a loss: joint meetings, the dossier handed over, an "
                "introduction to every person on the decision map",
                "says what Irina does with the time she gets back (C001: monthly meetings, the people we know "
                "least well)",
                "gives dates and a measure of success (each account's purchase status and NPS in the next wave)",
            ],
            hints=[
                "Start from the capacity table and the table of Irina's five accounts in notebook 10: their "
                "shares of sales and their purchase statuses. Which accounts need the most work, and which "
                "need Irina herself?",
            ],
            solution=(
                "Irina keeps C001 (35 % of sales, the dependency), C005 (the prospect she won) and C015. Two\n"
                "accounts go to Pavel Orlov — Wholesale, level 3, Moscow, no key accounts today: C016, whose\n"
                "purchases are fading, and C006, which left in July and is now a win-back case. Both need many\n"
                "hours now, and a fresh face can help with a client that left.\n"
                "January: Irina writes a one-page note per account from the dossier; Irina and Pavel visit each\n"
                "client together, and Pavel is introduced to every person on the map, not only the buyer.\n"
                "February: Pavel leads, Irina joins by phone if asked. From March Irina uses the freed time for\n"
                "C001: a monthly meeting and a first personal meeting with its chief accountant.\n"
                "Measure: in the 2026Q1 wave no detractor at C016, C016 active again by the end of March,\n"
                "and a \"what if…\" meeting held with C006 by the end of February."
            ),
        ),
    ],
)

"""Exercise 06 — the VIP programme (course module M6, source 001 [001-steps-setup]).

Computed on the learner's data with ``kamlib``: the key accounts of the last twelve months by the
Pareto rule (``vip_segments``), one manager's meetings in next year's contact plan with the sweep
in January–February (``contact_plan``), and the staff a one-month sweep needs from three sales
people (``vip_staffing``). Judgement: the register's states matched to the events that lead to
them (steps 10–15), what to do when the quality check fails (step 10), and an open question — the
call that books a VIP meeting and the first minutes of it (steps 7–8).
"""

from __future__ import annotations

import kamlib
import pandas as pd

from .._checking import Exercise, MatchingQuestion, MultipleChoiceQuestion, OpenQuestion, ValueQuestion
from ._data import course_data
from .ex05_retention import _swap

AS_OF = kamlib.SAMPLE_AS_OF  # the "today" of every answer
SWEEP = (1, 2)  # Nordline's low season: the sweep in January and February (notebook 06)
MANAGER = "Irina Sokolova"  # the manager whose meetings q2 counts
TEAM = 3  # q3: the Wholesale department's three managers run the sweep
SWEEP_MONTHS_Q3 = 1  # q3: in one month


def _sales(data, *, days: int | None = None) -> pd.DataFrame:
    """Last twelve months' order lines (or the last ``days`` days), with each client's manager."""
    since = AS_OF - (pd.DateOffset(years=1) if days is None else pd.Timedelta(days=days))
    lines = data.orders[(data.orders["date"] > since) & (data.orders["date"] <= AS_OF)]
    return lines.merge(data.clients[["client_id", "manager"]], on="client_id", how="left")


def _segments(data, **kwargs) -> pd.DataFrame:
    return kamlib.vip_segments(_sales(data), **kwargs)


def _n_key(data, *, key_share: float = 0.80, only_key_label: bool = False) -> int:
    seg = _segments(data, key_share=key_share)
    if only_key_label:
        return int((seg["segment"] == "key").sum())
    return int((seg["segment"] != "other").sum())


def _meetings(data, *, manager: str = MANAGER, questionnaire: bool | None = None) -> int:
    """One manager's meetings in next year's plan (``questionnaire``: only those with / without it)."""
    plan = kamlib.contact_plan(_segments(data), AS_OF.year + 1, sweep_months=SWEEP)
    meetings = plan.long[plan.long["manager"] == manager]
    if questionnaire is not None:
        meetings = meetings[meetings["with_questionnaire"] == questionnaire]
    return int(len(meetings))


def _full_time(data, *, team: int = TEAM, months: float = SWEEP_MONTHS_Q3, n_clients: int | None = None) -> int:
    n = len(_segments(data)) if n_clients is None else n_clients
    return int(kamlib.vip_staffing(n, sweep_months=months, sales_team=team).full_time)


STATE_ITEMS = [
    "The quality check fails: the interviewer pauses the questionnaire and records the problems",
    "The head of the service side takes the problem into work",
    "The service side reports the problem fixed",
    "The interviewer calls; the client checks and confirms the fix",
    "A new meeting continues the questionnaire where it stopped",
    "The client calls back: the problem is still there",
]
STATE_OPTIONS = {"a": "confirmed", "b": "open", "c": "resumed", "d": "in_work", "e": "fixed"}
STATE_MATCH = dict(zip(STATE_ITEMS, ["b", "d", "e", "a", "c", "d"]))


EXERCISE = Exercise(
    id="06_vip_programme",
    title="The VIP programme: key accounts, a year's meetings, the staff, and a problem through the register",
    data=course_data,
    names=lambda data: {"data": data, "kamlib": kamlib, "pd": pd, "as_of": pd.Timestamp(AS_OF)},
    questions=[
        ValueQuestion(
            "q1",
            "n_key",
            expected=_n_key,
            hints=[
                "Take the order lines of the last twelve months (date after as_of minus one year, up to as_of), add "
                "each client's manager from data.clients, and pass them to kamlib.vip_segments.",
                "Key accounts are every client whose segment is not 'other' — the most valuable are key accounts too.",
            ],
            solution=(
                'last_year = data.orders[(data.orders["date"] > as_of - pd.DateOffset(years=1))\n'
                '                        & (data.orders["date"] <= as_of)]\n'
                'sales = last_year.merge(data.clients[["client_id", "manager"]], on="client_id")\n'
                "segments = kamlib.vip_segments(sales)\n"
                'n_key = int((segments["segment"] != "other").sum())'
            ),
            wrong=[
                lambda d: _n_key(d, only_key_label=True),  # the most valuable left out
                lambda d: _n_key(d, key_share=0.20),  # 20 % of revenue instead of 80 %
                lambda d: len(_segments(d)),  # every client
                lambda d: float(_n_key(d)) / len(_segments(d)),  # a share, not a count
                "31",
                None,
            ],
        ),
        ValueQuestion(
            "q2",
            "irina_meetings",
            expected=_meetings,
            hints=[
                "Build next year's plan from the segments of q1: kamlib.contact_plan(segments, as_of.year + 1, "
                "sweep_months=(1, 2)).",
                "plan.long has one row per meeting, with a manager column; or read the total in plan.load. Count "
                "every meeting — with and without the questionnaire.",
            ],
            solution=(
                'last_year = data.orders[(data.orders["date"] > as_of - pd.DateOffset(years=1))\n'
                '                        & (data.orders["date"] <= as_of)]\n'
                'sales = last_year.merge(data.clients[["client_id", "manager"]], on="client_id")\n'
                "segments = kamlib.vip_segments(sales)\n"
                "plan = kamlib.contact_plan(segments, as_of.year + 1, sweep_months=(1, 2))\n"
                'irina_meetings = int(plan.load.loc["Irina Sokolova", "total"])'
            ),
            wrong=[
                lambda d: _meetings(d, questionnaire=True),  # only the sweep meetings
                lambda d: _meetings(d, questionnaire=False),  # only the relationship meetings
                lambda d: _meetings(d, manager="Elena Vasilieva"),  # another manager's plan
                [12, 4],
                None,
            ],
        ),
        ValueQuestion(
            "q3",
            "full_time",
            expected=_full_time,
            hints=[
                "kamlib.vip_staffing(n_clients, sweep_months=..., sales_team=...) does the arithmetic; its "
                "full_time attribute is the answer. n_clients: every client of the plan (the segments of q1).",
                "By hand: questionnaires a week = clients / (1 × 52/12 weeks); three people alongside sales give "
                "3 × 5; each one switched to full time adds 15 − 5 = 10.",
            ],
            solution=(
                'last_year = data.orders[(data.orders["date"] > as_of - pd.DateOffset(years=1))\n'
                '                        & (data.orders["date"] <= as_of)]\n'
                'sales = last_year.merge(data.clients[["client_id", "manager"]], on="client_id")\n'
                "segments = kamlib.vip_segments(sales)\n"
                "full_time = kamlib.vip_staffing(len(segments), sweep_months=1, sales_team=3).full_time"
            ),
            wrong=[
                lambda d: _full_time(d, months=2),  # a two-month sweep
                lambda d: _full_time(d, team=len(d.managers)),  # the whole sales team
                lambda d: kamlib.vip_staffing(len(_segments(d)), sweep_months=1).dedicated_only + 3,
                lambda d: str(_full_time(d)),
                None,
            ],
        ),
        MatchingQuestion(
            "q4",
            "register_states",
            items=STATE_ITEMS,
            options=STATE_OPTIONS,
            expected=STATE_MATCH,
            hints=[
                "kamlib.register_states() lists the five states with their meaning and the moves allowed.",
                "A fix the client does not confirm goes back to where the work happens — it is not a new problem.",
            ],
            solution=(
                "register_states = {\n"
                + "\n".join(f'    "{item}": "{letter}",' for item, letter in STATE_MATCH.items())
                + "\n}"
            ),
            wrong=[
                _swap(STATE_MATCH, STATE_ITEMS[2], STATE_ITEMS[3]),  # fixed and confirmed swapped
                {**STATE_MATCH, STATE_ITEMS[5]: "b"},  # a rejected fix as a new open problem
                {k: v for k, v in STATE_MATCH.items() if k != STATE_ITEMS[4]},
                {**STATE_MATCH, STATE_ITEMS[0]: "paused"},
                ["b", "d", "e", "a", "c", "d"],
            ],
        ),
        MultipleChoiceQuestion(
            "q5",
            "at_the_meeting",
            choices={
                "a": "Finish the questionnaire anyway and present the new products, so that the meeting ends on a "
                "positive note.",
                "b": "Offer a discount on the next order to make up for the problems.",
                "c": "Pause the questionnaire, record the problems in full, promise improvement work and leave "
                "politely; the problem questionnaire goes to the register.",
                "d": "Note the problems for the service department and continue with the referrals section.",
            },
            expected="c",
            hints=["Step 10 of the procedure. When does step 16 — selling and asking for referrals — come?"],
            solution=(
                'at_the_meeting = "c"\n'
                "# Step 10: pause, record the problems fully, promise the fix, leave politely. The questionnaire\n"
                "# resumes only after the client has confirmed the fix (steps 13-15); selling comes after that."
            ),
            wrong=["a", "d", "b", "z", 3, ["c"]],
        ),
        OpenQuestion(
            "q6",
            "booking_call",
            rubric=[
                "the call says why: a programme to improve the quality of service",
                "it treats the client as a long-standing partner whose expert opinion matters",
                "it names the length (about an hour) and offers to come to the client's office, asking when suits",
                "the meeting opens with introductions and asks who is new among the key people",
                "no offer is made before the quality check (no selling in the first minutes)",
            ],
            hints=["Step 7 gives the script of the call; step 8 says how the meeting opens."],
            solution=(
                "Call: 'Good morning, Oleg Petrovich — Sergey Lebedev, Nordline. We have launched a programme to\n"
                "improve the quality of our service, and we are asking our long-standing partners for their expert\n"
                "opinion — yours matters to us. It takes about an hour; I would come to your office. Would Tuesday\n"
                "or Thursday next week suit you?'\n"
                "Meeting: introductions first — 'Who else is with us today? Has anyone joined since we last met?' —\n"
                "update the contact data, then the questions about their company. No offer until the quality\n"
                "check is done."
            ),
        ),
    ],
)

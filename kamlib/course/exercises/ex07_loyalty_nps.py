"""Exercise 07 — measuring loyalty and the Net Promoter Score (course module M7, source 003 [003-nps-index]).

Computed on the learner's data with ``kamlib``: the NPS of the latest survey wave (``nps``), which
wave-to-wave changes are real at 95 % confidence (``nps_change``), NPS by client type over the
last four waves with sample sizes and small-sample flags (``nps_by``), and each account's group in
the latest wave with the decision-makers' answers weighted (``nps_by_account``). Judgement: what to
do with passives, and the wood-panel plant's three survey rhythms matched to their moments.
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
    TableQuestion,
    ValueQuestion,
)
from ._data import course_data
from .ex05_retention import _swap

WEIGHTS = {"owner": 3, "CEO": 3, "buyer": 2, "chief accountant": 2}  # notebook 07: the deciders weigh more
RECENT_FROM = "2025Q1"  # q3: the last four waves of the sample
GROUPS = [t(f"nps.{g}") for g in ("promoter", "passive", "detractor")]
REAL, NOISE = "real", "noise"


def _waves(data) -> list[str]:
    return sorted(data.nps_responses["wave"].dropna().astype(str).unique())


def _wave_nps(data, wave: str | None = None, *, groups: tuple[int, int] = (9, 7)) -> float:
    """NPS of one wave (default the latest); ``groups`` moves the promoter / passive bounds (a wrong answer)."""
    answers = data.nps_responses
    answers = answers[answers["wave"] == (wave or _waves(data)[-1])]
    if groups == (9, 7):
        return float(kamlib.nps(answers).nps)
    scores = answers["score"]
    return float(100 * ((scores >= groups[0]).mean() - (scores < groups[1]).mean()))


def _changes(data, *, confidence: float = 0.95, rule: str = "interval") -> pd.Series:
    """For each pair of neighbouring waves ("2024Q1-2024Q2"): real or noise."""
    waves = _waves(data)
    answers = data.nps_responses
    out = {}
    for a, b in zip(waves, waves[1:]):
        first, second = answers[answers["wave"] == a], answers[answers["wave"] == b]
        if rule == "interval":
            real = kamlib.nps_change(kamlib.nps(first), kamlib.nps(second), confidence=confidence).significant
        else:  # a naive rule: any move of more than 10 points is real
            real = abs(kamlib.nps(second).nps - kamlib.nps(first).nps) > 10
        out[f"{a}-{b}"] = REAL if real else NOISE
    return pd.Series(out, name="change")


def _by_type(data, *, since: str = RECENT_FROM, min_n: int = 30) -> pd.DataFrame:
    recent = data.nps_responses[data.nps_responses["wave"] >= since]
    table = kamlib.nps_by(recent, by="client_type", clients=data.clients, min_n=min_n)
    return table[["client_type", "n", "nps", "small_sample"]]


def _account_groups(data, weights: dict | None = WEIGHTS, *, wave: str | None = None) -> pd.Series:
    result = kamlib.nps_by_account(data.nps_responses, weights, wave=wave or _waves(data)[-1])
    return result.accounts.set_index("client_id")["account_group"].astype(str)


def _per_answer_groups(data) -> pd.Series:
    """Each account's group from its lowest answer: a wrong reading of account-level NPS."""
    answers = data.nps_responses[data.nps_responses["wave"] == _waves(data)[-1]]
    low = answers.groupby("client_id")["score"].min()
    return low.map(lambda s: GROUPS[0] if s >= 9 else (GROUPS[1] if s >= 7 else GROUPS[2]))


CADENCE_ITEMS = ["monthly", "quarterly", "annually"]
CADENCE_OPTIONS = {
    "a": "A more detailed survey of regular clients: satisfaction, the plant's market position, its competitive "
    "advantages.",
    "b": "On the 16th, when the production plan is adjusted: managers phone clients for order volumes and ask a few "
    "satisfaction questions.",
    "c": "During production planning, when orders are collected over a week: a questionnaire.",
}
CADENCE_MATCH = {"monthly": "b", "quarterly": "c", "annually": "a"}

_SETUP = (
    "answers = data.nps_responses\n"
    'waves = sorted(answers["wave"].unique())\n'
)

EXERCISE = Exercise(
    id="07_loyalty_nps",
    title="Loyalty and NPS: a wave's score, real changes and noise, segments with their sample sizes, accounts",
    data=course_data,
    names=lambda data: {"data": data, "kamlib": kamlib, "pd": pd},
    questions=[
        ValueQuestion(
            "q1",
            "nps_latest",
            expected=_wave_nps,
            rtol=1e-3,
            hints=[
                "Keep the answers of the latest wave only (the largest value of the wave column), then kamlib.nps(...).",
                "The result's .nps attribute is the score in points, from −100 to +100 (not a fraction).",
            ],
            solution=_SETUP + 'nps_latest = kamlib.nps(answers[answers["wave"] == waves[-1]]).nps',
            wrong=[
                lambda d: _wave_nps(d) / 100,  # a fraction, not points
                lambda d: _wave_nps(d, _waves(d)[0]),  # the first wave
                lambda d: _wave_nps(d, groups=(8, 7)),  # 8 counted as a promoter
                lambda d: float(kamlib.nps(d.nps_responses).nps),  # all waves pooled
                lambda d: kamlib.nps(d.nps_responses[d.nps_responses["wave"] == _waves(d)[-1]]),  # the result object
                None,
            ],
        ),
        ClassificationQuestion(
            "q2",
            "wave_changes",
            expected=_changes,
            classes=[REAL, NOISE],
            hints=[
                "For each pair of neighbouring waves, compute kamlib.nps of each and pass both to kamlib.nps_change: "
                "its .significant says whether the 95 % interval of the change excludes zero.",
                'Label each pair of waves like "2024Q1-2024Q2" with "real" or "noise"; a dict or a Series indexed by '
                "those labels.",
            ],
            solution=(
                _SETUP
                + "wave_changes = {}\n"
                "for a, b in zip(waves, waves[1:]):\n"
                '    change = kamlib.nps_change(kamlib.nps(answers[answers["wave"] == a]),\n'
                '                               kamlib.nps(answers[answers["wave"] == b]))\n'
                '    wave_changes[f"{a}-{b}"] = "real" if change.significant else "noise"'
            ),
            wrong=[
                lambda d: _changes(d, rule="ten_points"),  # any move over 10 points taken as real
                lambda d: _changes(d, confidence=0.5),  # a 50 % interval
                lambda d: _changes(d).map({REAL: NOISE, NOISE: REAL}),
                lambda d: _changes(d).iloc[1:],  # the first change missing
                lambda d: _changes(d).replace({REAL: "yes", NOISE: "no"}),
            ],
        ),
        TableQuestion(
            "q3",
            "by_type",
            key="client_type",
            expected=_by_type,
            hints=[
                f'Keep the answers from wave {RECENT_FROM} on (wave >= "{RECENT_FROM}"), then kamlib.nps_by(..., '
                'by="client_type", clients=data.clients): the clients table brings the client type.',
                "Keep the columns client_type, n, nps and small_sample (the default min_n=30 sets the flag).",
            ],
            solution=(
                'recent = data.nps_responses[data.nps_responses["wave"] >= "2025Q1"]\n'
                'by_type = kamlib.nps_by(recent, by="client_type", clients=data.clients)[\n'
                '    ["client_type", "n", "nps", "small_sample"]]'
            ),
            wrong=[
                lambda d: _by_type(d, since="2024Q1"),  # every wave
                lambda d: _by_type(d, min_n=20),  # another small-sample threshold
                lambda d: _by_type(d).drop(columns="small_sample"),
                lambda d: _by_type(d).iloc[:-1],  # a client type missing
                lambda d: _by_type(d).set_index("client_type")["nps"],  # a Series
                [("HoReCa", 22.2)],
            ],
        ),
        ClassificationQuestion(
            "q4",
            "account_groups",
            expected=_account_groups,
            classes=GROUPS,
            hints=[
                "kamlib.nps_by_account(answers, weights, wave=...) with the latest wave and "
                'weights = {"owner": 3, "CEO": 3, "buyer": 2, "chief accountant": 2}.',
                "Its .accounts table has one row per account with account_group; index it by client_id.",
            ],
            solution=(
                _SETUP
                + 'weights = {"owner": 3, "CEO": 3, "buyer": 2, "chief accountant": 2}\n'
                "latest = kamlib.nps_by_account(answers, weights, wave=waves[-1])\n"
                'account_groups = latest.accounts.set_index("client_id")["account_group"]'
            ),
            wrong=[
                lambda d: _account_groups(d, None),  # every answer weighs 1
                lambda d: _per_answer_groups(d),  # the lowest answer decides
                lambda d: _account_groups(d, wave=_waves(d)[-2]),  # the wave before
                lambda d: list(_account_groups(d)),
            ],
        ),
        MultipleChoiceQuestion(
            "q5",
            "passives",
            choices={
                "a": "Nothing: they are satisfied, and NPS does not count them anyway.",
                "b": "Call them back first, apologise and fix the problem.",
                "c": "Improve their terms and move them up: they are satisfied but will leave for a better offer.",
                "d": "Ask them for referrals and success stories.",
            },
            expected="c",
            hints=["Passives answer 7–8. What does the source say they do when a competitor offers more?"],
            solution=(
                'passives = "c"\n'
                "# Promoters (9-10): keep developing them; passives (7-8): improve their terms and move them up;\n"
                "# detractors (0-6): find out why, apologise where due, fix the problem."
            ),
            wrong=["a", "b", "d", "x", 7, ["c"]],
        ),
        MatchingQuestion(
            "q6",
            "plant_cadence",
            items=CADENCE_ITEMS,
            options=CADENCE_OPTIONS,
            expected=CADENCE_MATCH,
            hints=["Each survey rides on a moment when the plant talks to its clients anyway: which moments recur "
                   "monthly and quarterly in a plant's production planning?"],
            solution='plant_cadence = {"monthly": "b", "quarterly": "c", "annually": "a"}',
            wrong=[
                _swap(CADENCE_MATCH, "monthly", "quarterly"),
                _swap(CADENCE_MATCH, "quarterly", "annually"),
                {"monthly": "b", "quarterly": "c"},
                {"weekly": "b", "quarterly": "c", "annually": "a"},
                ["b", "c", "a"],
            ],
        ),
    ],
)

"""Exercise 04 — concentration and critical dependency (module M4, source 003 [003-critical-dependency]
and source 001 [001-pareto]).

Computation on the learner's own data (the HHI, concentration inside each department, the
dependency level of each department's largest client, the "key client leaves" scenario)
and judgement (the source's warning levels and advice, a diversification plan). Expected
answers are computed with ``kamlib`` from the data bound to the exercise, so a personal
dataset is checked against itself. Orders up to ``kamlib.SAMPLE_AS_OF`` count.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ...analytics._concentration import concentration, lose_client_scenario
from ...data._sample import SAMPLE_AS_OF
from ...labels import t
from .._checking import (
    ClassificationQuestion,
    Exercise,
    MatchingQuestion,
    OpenQuestion,
    TableQuestion,
    ValueQuestion,
)
from .ex03_abc_xyz import course_data

AS_OF = SAMPLE_AS_OF


def _names(data: Any) -> dict[str, Any]:
    import kamlib

    return {"data": data, "kamlib": kamlib, "pd": pd, "np": np}


def _orders(data: Any) -> pd.DataFrame:
    return data.orders[data.orders["date"] <= AS_OF]


def _company(data: Any, **kwargs: Any):
    return concentration(_orders(data), **kwargs)


def _departments(data: Any):
    return concentration(_orders(data), within="department", clients=data.clients)


def _department_table(data: Any) -> pd.DataFrame:
    return _departments(data).summary[["department", "top1_share", "hhi"]].reset_index(drop=True)


def _largest_dependency(data: Any) -> pd.Series:
    clients = _departments(data).clients
    return clients[clients["rank"] == 1].set_index("department")["dependency"]


def _top_client(data: Any) -> str:
    return str(_company(data).clients["client_id"].iloc[0])


def _scenario(data: Any, **kwargs: Any):
    return lose_client_scenario(_orders(data), _top_client(data), **kwargs)


def _company_share_dependency(data: Any) -> pd.Series:
    """Wrong on purpose: each department's largest client judged by its share of the *company*."""
    company = _company(data).clients.set_index("client_id")["dependency"]
    clients = _departments(data).clients
    top = clients[clients["rank"] == 1].set_index("department")["client_id"]
    return top.map(company)


EXERCISE = Exercise(
    id="04_concentration",
    title="Concentration: how much depends on how few clients",
    data=course_data,
    names=_names,
    questions=[
        ValueQuestion(
            "q1",
            "hhi",
            expected=lambda d: float(_company(d).hhi),
            rtol=1e-4,
            hints=[
                "The Herfindahl-Hirschman index adds up the squared shares of all clients, with shares in per cent: "
                "one client with everything gives 100² = 10,000.",
                "Sum the revenue per client (orders up to 31 December 2025), divide by the total, square, add up and "
                "multiply by 10,000 — or read .hhi of kamlib.concentration(...).",
            ],
            solution=(
                'orders = data.orders[data.orders["date"] <= "2025-12-31"]\n'
                'shares = orders.groupby("client_id")["revenue"].sum()\n'
                "shares = shares / shares.sum()\n"
                "hhi = 10_000 * (shares ** 2).sum()\n"
                "# the same number: kamlib.concentration(orders).hhi"
            ),
            wrong=[
                lambda d: float(_company(d).hhi) / 10_000,  # shares as fractions, not per cent
                lambda d: float(_company(d).equivalent_number),  # 10,000 / HHI
                lambda d: float(10_000 * (_company(d).clients["share"].head(10) ** 2).sum()),  # top ten only
                lambda d: float(_company(d, value="cost").hhi),  # cost instead of revenue
                "1400",
                None,
            ],
        ),
        TableQuestion(
            "q2",
            "departments",
            key="department",
            expected=_department_table,
            rtol=1e-4,
            hints=[
                "Measure inside each sales department: a client's share is its share of *its department's* "
                "revenue. The department of a client is in data.clients.",
                "kamlib.concentration(orders, within='department', clients=data.clients).summary has one row per "
                "department; keep the columns department, top1_share and hhi.",
            ],
            solution=(
                'orders = data.orders[data.orders["date"] <= "2025-12-31"]\n'
                'by_department = kamlib.concentration(orders, within="department", clients=data.clients)\n'
                'departments = by_department.summary[["department", "top1_share", "hhi"]]'
            ),
            wrong=[
                lambda d: _department_table(d).assign(hhi=lambda f: f["hhi"] / 10_000),  # fraction scale
                lambda d: _department_table(d).assign(top1_share=lambda f: f["top1_share"] * 100),  # per cent
                lambda d: _department_table(d).iloc[:-1],  # a department missing
                lambda d: _department_table(d).drop(columns="hhi"),
                lambda d: _department_table(d).to_dict("records"),
                None,
            ],
        ),
        ClassificationQuestion(
            "q3",
            "dependency",
            expected=_largest_dependency,
            classes=[t("dependency.normal"), t("dependency.warning"), t("dependency.high"), t("dependency.critical")],
            hints=[
                "Take the largest client of each department and its share of that department's revenue. The levels "
                "of the source: over 20 % (the lower end of 20–30 %) a warning, over 40 % high, over 50 % critical; "
                "otherwise normal.",
                "The .clients table of the concentration within departments has a rank and a dependency column; "
                "keep rank 1 and index it by department.",
            ],
            solution=(
                'orders = data.orders[data.orders["date"] <= "2025-12-31"]\n'
                'per_client = kamlib.concentration(orders, within="department", clients=data.clients).clients\n'
                'dependency = per_client[per_client["rank"] == 1].set_index("department")["dependency"]'
            ),
            wrong=[
                _company_share_dependency,  # the share of the company, not of the department
                lambda d: _largest_dependency(d).map(lambda level: t("dependency.critical")),
                lambda d: _largest_dependency(d).iloc[:-1],
                lambda d: list(_largest_dependency(d)),
                lambda d: _largest_dependency(d).replace({t("dependency.critical"): "dangerous"}),
            ],
        ),
        ValueQuestion(
            "q4",
            "margin_after",
            expected=lambda d: float(_scenario(d).after["margin"]),
            rtol=1e-4,
            hints=[
                "Play the scenario for the company's largest client with kamlib.lose_client_scenario and the course's "
                "default assumptions (5 % dearer purchases, all of it passed on, elasticity 2).",
                "The answer is the margin in money after the last step — .after['margin'] — not its change and not "
                "the margin right after the client leaves.",
            ],
            solution=(
                'orders = data.orders[data.orders["date"] <= "2025-12-31"]\n'
                'largest = kamlib.concentration(orders).clients["client_id"].iloc[0]\n'
                "scenario = kamlib.lose_client_scenario(orders, largest)\n"
                'margin_after = scenario.after["margin"]'
            ),
            wrong=[
                lambda d: float(_scenario(d).table["margin"].iloc[1]),  # only the direct loss
                lambda d: float(_scenario(d).change["margin"]),  # the change, not the level
                lambda d: float(_scenario(d, cost_increase=0.10).after["margin"]),  # other assumptions
                lambda d: float(_scenario(d).after["revenue"]),  # revenue, not margin
                lambda d: _scenario(d).table,  # the whole table
                None,
            ],
        ),
        MatchingQuestion(
            "q5",
            "advice",
            items=[
                "over 50 %",
                "over 20-30 %",
                "over 40 %",
                "single-client company",
                "Pareto split",
            ],
            options={
                "a": "Build an active sales department for new clients and run loyalty programmes for the one client; "
                     "100 % protection is impossible.",
                "b": "Critical dependency: if the client leaves, the company may become loss-making, since its costs "
                     "are planned around this money.",
                "c": "About 20 % of clients — the key ones — bring about 80 % of revenue.",
                "d": "A warning sign: grow the sales team and the client base so that the share falls because the "
                     "others buy more.",
                "e": "Worse: diversify urgently — still by growing the others, not by selling less to this client.",
            },
            expected={
                "over 50 %": "b",
                "over 20-30 %": "d",
                "over 40 %": "e",
                "single-client company": "a",
                "Pareto split": "c",
            },
            hints=[
                "Three items are levels of one client's share: order them from the lowest to the highest and match "
                "them to the growing alarm of the options.",
                "Of the two others, one is a rule of thumb from the VIP-programme case (file 001 [001-pareto]), "
                "the other the "
                "extreme case of dependency.",
            ],
            solution=(
                "advice = {\n"
                '    "over 50 %": "b",\n'
                '    "over 20-30 %": "d",\n'
                '    "over 40 %": "e",\n'
                '    "single-client company": "a",\n'
                '    "Pareto split": "c",\n'
                "}"
            ),
            wrong=[
                {"over 50 %": "e", "over 20-30 %": "d",
                 "over 40 %": "b", "single-client company": "a",
                 "Pareto split": "c"},
                {"over 50 %": "b", "over 20-30 %": "d",
                 "over 40 %": "e", "single-client company": "c",
                 "Pareto split": "a"},
                {"over 50 %": "b", "over 20-30 %": "d"},
                ["b", "d", "e", "a", "c"],
            ],
        ),
        OpenQuestion(
            "q6",
            "plan",
            rubric=[
                "lowers the largest client's share by growing the others (new clients, a bigger sales team), never by "
                "selling less to it",
                "is aimed where the dependency is worst — the department in which one client brings most of the "
                "money — with concrete actions and targets",
                "protects the key client meanwhile (loyalty, service), since losing it is the very risk",
                "deals with the knock-on: the supplier discount should not rest on one client's volume",
                "names the numbers to follow (top-1 share per department, HHI or the equivalent number) and a horizon",
            ],
            hints=[
                "Start from your answers to q2 and q3: where is the dependency worst?",
                "The scenario of q4 shows which step hurts most. Which of its steps can you prepare for now?",
            ],
            solution=(
                "Wholesale depends on C001 for about 72 % of its revenue (a critical dependency inside the\n"
                "department), the company for 35 %. We do not touch C001's volume: its manager keeps the quarterly\n"
                "reviews and the loyalty programme going. Instead Wholesale hires two salespeople to win ten new\n"
                "regional wholesalers within 18 months, with a target of C001 below 60 % of the department by the end\n"
                "of next year. Purchasing negotiates the plant's discount tier on the whole group's volume, boards\n"
                "included, so that it would survive C001's departure. Each quarter we report the top-1 share per\n"
                "department and the company's equivalent number of clients."
            ),
        ),
    ],
)

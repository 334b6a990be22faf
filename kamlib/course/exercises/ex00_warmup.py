"""Exercise 00 — warm-up: a first look at a sales table, and how the checks work.

Uses only pandas on the tiny table shipped inside the notebook (eight clients, three
months, total revenue 1000), one question of each kind. Module M1's rule: a regular client
bringing more than 10 % of sales is key; module M4: over 20–30 % of all money from one client
is a warning sign — grow the rest of the base (CURRICULUM.md).
"""

from __future__ import annotations

import pandas as pd

from .._checking import (
    ClassificationQuestion,
    Exercise,
    MatchingQuestion,
    MultipleChoiceQuestion,
    OpenQuestion,
    TableQuestion,
    ValueQuestion,
)

KEY_SHARE = 0.10  # M1: a client above 10 % of sales is key


def warmup_sales() -> pd.DataFrame:
    """The notebook's table: one row per client and month, revenue in thousands."""
    return pd.DataFrame(
        {
            "client_id": ["C01", "C02", "C03", "C05", "C08", "C01", "C03", "C04", "C06", "C08",
                          "C01", "C02", "C04", "C05", "C07"],
            "month": ["2024-01"] * 5 + ["2024-02"] * 5 + ["2024-03"] * 5,
            "revenue": [100, 70, 50, 40, 25, 130, 70, 60, 60, 15, 150, 80, 50, 50, 50],
        }
    )


def _by_client(sales: pd.DataFrame) -> pd.DataFrame:
    out = sales.groupby("client_id", as_index=False)["revenue"].sum()
    out["share"] = out["revenue"] / out["revenue"].sum()
    return out


def _classes(sales: pd.DataFrame, threshold: float = KEY_SHARE) -> pd.Series:
    table = _by_client(sales).set_index("client_id")
    return table["share"].gt(threshold).map({True: "key", False: "regular"})


EXERCISE = Exercise(
    id="00_warmup",
    title="Warm-up: who are the key clients in a small sales table?",
    data=warmup_sales,
    names=lambda sales: {"sales": sales, "pd": pd},
    questions=[
        ValueQuestion(
            "q1",
            "top_share",
            expected=lambda sales: _by_client(sales)["share"].max(),
            rtol=1e-3,
            hints=[
                "Primer sections 4 and 6 (notebooks/00_using_python_and_pandas.ipynb): first add up the revenue of "
                "each client, then divide the largest total by the total of all clients.",
                "totals = sales.groupby('client_id')['revenue'].sum(); then totals.max() / totals.sum() — keep it "
                "a fraction (0.25, not 25).",
            ],
            solution=(
                'totals = sales.groupby("client_id")["revenue"].sum()\n'
                "top_share = totals.max() / totals.sum()"
            ),
            wrong=[
                lambda s: _by_client(s)["share"].max() * 100,  # a percentage
                lambda s: s["revenue"].max() / s["revenue"].sum(),  # the biggest line, not client
                lambda s: _by_client(s)["share"].max() * 1.005,  # rounded too coarsely
                "0.38",
                lambda s: _by_client(s)["share"].nlargest(1),  # a Series of one value
                None,
            ],
        ),
        TableQuestion(
            "q2",
            "by_client",
            key="client_id",
            expected=_by_client,
            hints=[
                "Primer section 4 (sum by client, kept as a table) and section 6 (share): one row per client, "
                "then a share column — each revenue divided by the sum of the revenue column.",
                "One row per client: sales.groupby('client_id', as_index=False)['revenue'].sum().",
                "Add the share as a new column: each client's revenue divided by the sum of the revenue column.",
            ],
            solution=(
                'by_client = sales.groupby("client_id", as_index=False)["revenue"].sum()\n'
                'by_client["share"] = by_client["revenue"] / by_client["revenue"].sum()'
            ),
            wrong=[
                lambda s: _by_client(s).drop(columns="share"),
                lambda s: _by_client(s).assign(share=lambda d: d["share"] * 100),
                lambda s: _by_client(s).iloc[:-1],
                lambda s: _by_client(s).assign(revenue=lambda d: d["revenue"] / 3),
                lambda s: _by_client(s).set_index("client_id")["share"],
                [("C01", 380)],
            ],
        ),
        ClassificationQuestion(
            "q3",
            "client_class",
            expected=_classes,
            classes=["key", "regular"],
            hints=[
                "A client is 'key' when its share of revenue is above 10 % (0.10); every other client is 'regular'.",
                "Start from the shares of q2: shares.gt(0.10) is True for the key clients; map True/False to the two words.",
            ],
            solution=(
                'totals = sales.groupby("client_id")["revenue"].sum()\n'
                "shares = totals / totals.sum()\n"
                'client_class = shares.gt(0.10).map({True: "key", False: "regular"})'
            ),
            wrong=[
                lambda s: _classes(s, threshold=0.15),  # the wrong threshold
                lambda s: _classes(s).map(lambda c: "key"),
                lambda s: _classes(s).iloc[:-2],
                lambda s: list(_classes(s)),
                lambda s: _classes(s).replace({"regular": "small"}),
            ],
        ),
        MultipleChoiceQuestion(
            "q4",
            "advice",
            choices={
                "a": "Nothing: a big client is always good news.",
                "b": "Sell less to the top client, so that its share falls below 20 %.",
                "c": "Grow the client base and the sales team, so that the share falls because others buy more.",
                "d": "Give the top client the deepest discount, so that it never leaves.",
            },
            expected="c",
            hints=[
                "Module M4: which share of one client counts as a warning sign, and what should change — "
                "the client's purchases or everyone else's?",
            ],
            solution=(
                'advice = "c"\n'
                "# Over 20–30 % of all money from one client is a warning sign (M4): diversify so the\n"
                "# share falls because others buy more, never by selling less to the key client."
            ),
            wrong=["b", "a", "z", 3, ["c"]],
        ),
        MatchingQuestion(
            "q5",
            "matches",
            items=["Analyse client feedback", "Use discounts", "Personal service", "Branded gifts"],
            options={
                "a": "A dedicated account manager as the single point of contact.",
                "b": "Useful, good-looking items with your logo — never a bribe.",
                "c": "Reward repeat orders, volume growth or a wider assortment — never give it by default.",
                "d": "The foundation of loyalty management: how satisfied clients are, and why some leave.",
            },
            expected={"Analyse client feedback": "d", "Use discounts": "c",
                      "Personal service": "a", "Branded gifts": "b"},
            hints=[
                "Start with the one that is plainly about a person, then the one about things you hand out.",
                "Of the two left, one is about rewarding behaviour and one about listening.",
            ],
            solution=(
                'matches = {"Analyse client feedback": "d", "Use discounts": "c",\n'
                '           "Personal service": "a", "Branded gifts": "b"}'
            ),
            wrong=[
                {"Analyse client feedback": "c", "Use discounts": "d", "Personal service": "a", "Branded gifts": "b"},
                {"Analyse client feedback": "d", "Use discounts": "c", "Personal service": "a"},
                {"Analyse client feedback": "d", "Use discounts": "c", "Personal service": "a", "Gifts": "b"},
                {"Analyse client feedback": "d", "Use discounts": "c", "Personal service": "a", "Branded gifts": "x"},
                ["d", "c", "a", "b"],
            ],
        ),
        OpenQuestion(
            "q6",
            "own_method",
            rubric=[
                "names one concrete action (who does what, how often)",
                "ties it to this client's situation: a large share means you keep it by value, not by price",
                "says how you would know it works (a number you would watch)",
                "is not just a bigger discount",
            ],
            hints=["Think of what C01 would lose by leaving you, apart from the price."],
            solution=(
                "A quarterly business review with C01's buyer and their manager: we bring their sales of our\n"
                "goods, stock-outs and delivery times; they bring next quarter's plans. It keeps us inside\n"
                "their planning rather than on their price list — with 38 % of our revenue at stake we must be\n"
                "hard to replace. It works if the review happens every quarter and C01's order gaps shrink."
            ),
        ),
    ],
)

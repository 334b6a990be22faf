"""Exercise 00 (primer) — the pandas operations the exercises use, tried on the sample company.

Bound inside the primer notebook ``notebooks/00_using_python_and_pandas.ipynb``: one small question
after each group of sections, each answerable with exactly what that section shows — select rows,
count, sum by client, sort, share, months and quarters, join two tables. Every expected answer is
worked out here from the learner's own data (the primer's ``DATA`` / ``AS_OF`` parameters), so the
questions hold for the shared sample company, a personal variant and a company's own exports alike.
The year asked about is the calendar year of ``AS_OF`` (2025 in the sample).
"""

from __future__ import annotations

import pandas as pd

from .._checking import Exercise, TableQuestion, ValueQuestion
from ._data import course_data

YEAR = 2025  # the sample company's last full year (kamlib.SAMPLE_AS_OF is 31 December 2025)


def _year(data, year: int = YEAR) -> pd.DataFrame:
    orders = data.orders
    return orders[orders["date"].dt.year == year]


def _by_client(data, year: int | None = YEAR) -> pd.Series:
    orders = data.orders if year is None else _year(data, year)
    return orders.groupby("client_id")["revenue"].sum()


def _top5(data, *, ascending: bool = False, year: int | None = YEAR) -> pd.DataFrame:
    return _by_client(data, year).sort_values(ascending=ascending).head(5).reset_index()


def _by_quarter(data, year: int = YEAR) -> pd.Series:
    orders = _year(data, year)
    return orders.groupby(orders["date"].dt.to_period("Q"))["revenue"].sum()


def _by_department(data, year: int | None = YEAR) -> pd.DataFrame:
    orders = data.orders if year is None else _year(data, year)
    joined = orders.merge(data.clients[["client_id", "department"]], on="client_id")
    return joined.groupby("department", as_index=False)["revenue"].sum()


EXERCISE = Exercise(
    id="00_using_python_and_pandas",
    title="Python and pandas for this course: try each operation once",
    data=course_data,
    names=lambda data: {"data": data, "orders": data.orders, "clients": data.clients, "pd": pd},
    questions=[
        ValueQuestion(
            "q1",
            "n_lines_2025",
            expected=lambda d: len(_year(d)),
            hints=[
                "Sections 2 (select rows) and 3 (count): first keep the order lines of 2025, then count them.",
                'lines_2025 = orders[orders["date"].dt.year == 2025], then len(lines_2025).',
            ],
            solution='lines_2025 = orders[orders["date"].dt.year == 2025]\nn_lines_2025 = len(lines_2025)',
            wrong=[lambda d: len(d.orders), lambda d: len(_year(d, YEAR - 1)),
                   lambda d: _year(d)["client_id"].nunique(), "many", [1, 2]],
        ),
        ValueQuestion(
            "q2",
            "n_clients_2025",
            expected=lambda d: int(_year(d)["client_id"].nunique()),
            hints=[
                "Section 3 (count): not the number of order lines — the number of different clients among them.",
                'lines_2025["client_id"].nunique()',
            ],
            solution=(
                'lines_2025 = orders[orders["date"].dt.year == 2025]\n'
                'n_clients_2025 = lines_2025["client_id"].nunique()'
            ),
            wrong=[lambda d: len(_year(d)), lambda d: int(d.clients["client_id"].nunique()) + 1, "120"],
        ),
        TableQuestion(
            "q3",
            "top5_2025",
            key="client_id",
            expected=_top5,
            hints=[
                "Sections 4 (sum by client) and 5 (sort): add up 2025's revenue per client, sort the totals from the largest down and keep the first five; "
                ".reset_index() turns them into a table with the columns client_id and revenue.",
                'totals = lines_2025.groupby("client_id")["revenue"].sum(); then '
                'top5_2025 = totals.sort_values(ascending=False).head(5).reset_index()',
            ],
            solution=(
                'lines_2025 = orders[orders["date"].dt.year == 2025]\n'
                'totals = lines_2025.groupby("client_id")["revenue"].sum()\n'
                "top5_2025 = totals.sort_values(ascending=False).head(5).reset_index()"
            ),
            wrong=[
                lambda d: _top5(d, ascending=True),  # the five smallest
                lambda d: _top5(d, year=None),  # every year
                lambda d: _top5(d).head(4),
                lambda d: _top5(d).set_index("client_id")["revenue"],
            ],
        ),
        ValueQuestion(
            "q4",
            "top_share_2025",
            expected=lambda d: float(_by_client(d).max() / _by_client(d).sum()),
            rtol=1e-3,
            hints=[
                "Sections 4 (sum by client) and 6 (share): add up 2025's revenue per client, then divide the "
                "largest total by the sum of all totals.",
                'totals = lines_2025.groupby("client_id")["revenue"].sum(); then totals.max() / totals.sum().',
            ],
            solution=(
                'lines_2025 = orders[orders["date"].dt.year == 2025]\n'
                'totals = lines_2025.groupby("client_id")["revenue"].sum()\n'
                "top_share_2025 = totals.max() / totals.sum()"
            ),
            wrong=[
                lambda d: float(_by_client(d, None).max() / _by_client(d, None).sum()),  # every year
                lambda d: float(_by_client(d).max() / _by_client(d).sum() * 100),  # a percentage
                lambda d: float(_by_client(d).max()),  # the amount, not the share
                lambda d: str(_by_client(d).max() / _by_client(d).sum()),
            ],
        ),
        ValueQuestion(
            "q5",
            "best_quarter",
            expected=lambda d: str(_by_quarter(d).idxmax()),
            hints=[
                "Section 7 (months and quarters): add up 2025's revenue per quarter, then find the quarter "
                "with the most.",
                'by_quarter = lines_2025.groupby(lines_2025["date"].dt.to_period("Q"))["revenue"].sum(); '
                "by_quarter.idxmax() is the quarter with the largest total (write it as text, e.g. \"2025Q1\").",
            ],
            solution=(
                'lines_2025 = orders[orders["date"].dt.year == 2025]\n'
                'by_quarter = lines_2025.groupby(lines_2025["date"].dt.to_period("Q"))["revenue"].sum()\n'
                "best_quarter = str(by_quarter.idxmax())"
            ),
            wrong=[lambda d: str(_by_quarter(d).idxmin()), lambda d: float(_by_quarter(d).max()), "Q9"],
        ),
        TableQuestion(
            "q6",
            "by_department_2025",
            key="department",
            expected=_by_department,
            hints=[
                "Section 8 (join two tables): the orders do not say which department serves a client — the "
                "clients table does. Join it to 2025's order lines, then sum the revenue by department.",
                'joined = lines_2025.merge(clients[["client_id", "department"]], on="client_id"); then '
                'joined.groupby("department", as_index=False)["revenue"].sum().',
            ],
            solution=(
                'lines_2025 = orders[orders["date"].dt.year == 2025]\n'
                'joined = lines_2025.merge(clients[["client_id", "department"]], on="client_id")\n'
                'by_department_2025 = joined.groupby("department", as_index=False)["revenue"].sum()'
            ),
            wrong=[
                lambda d: _by_department(d, None),  # every year
                lambda d: _by_department(d).iloc[1:],
                lambda d: _by_department(d).rename(columns={"revenue": "sales"}),
            ],
        ),
    ],
)

"""Exercise 03 — ABC-XYZ analysis of the sample company (module M3, source 004).

Computation on the learner's own data (the ABC class of every client, the CV of one
quarterly buyer over its own active window, the matrix with wider XYZ bands, the clients
who slipped a class from 2024 to 2025) and judgement (a strategy for each cell, an account
approach for the largest client). Expected answers are computed with ``kamlib`` from the
data bound to the exercise, so a personal dataset (``kamlib.load_sample(seed=7)``) is
checked against itself. The analysis date is the sample company's "today",
``kamlib.SAMPLE_AS_OF`` (31 December 2025).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ...analytics._abc_xyz import abc_xyz, class_migration
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

AS_OF = SAMPLE_AS_OF
QUARTERLY_CLIENT = "C012"  # a window manufacturer that buys about once a quarter, first order in March 2023
WIDE_XYZ = (0.15, 0.50)  # the wider published bands for lumpy (wholesale / project) demand
CELLS = [a + x for a in "ABC" for x in "XYZ"]


def course_data() -> Any:
    """The course's sample company: the repository's ``data`` folder, read as the notebooks read it.

    Falls back to :func:`kamlib.load_sample` (the same tables, generated) when kamlib is
    installed without the repository.
    """
    from ...data._folder import read_folder
    from ...data._sample import load_sample

    folder = Path(__file__).resolve().parents[3] / "data"
    if (folder / "orders.csv").is_file():
        return read_folder(folder)
    return load_sample()


def _names(data: Any) -> dict[str, Any]:
    import kamlib

    return {"data": data, "kamlib": kamlib, "pd": pd, "np": np}


# --- expected answers (and deliberately wrong ones) ---------------------------------------


def _abc(data: Any, **kwargs: Any) -> pd.Series:
    return abc_xyz(data.orders, as_of=AS_OF, **kwargs).set_index("client_id")["abc"]


def _monthly(data: Any, client: str) -> pd.Series:
    lines = data.orders[(data.orders["client_id"] == client) & (data.orders["date"] <= AS_OF)]
    return lines.groupby(lines["date"].dt.to_period("M"))["revenue"].sum()


def _cv(data: Any, client: str = QUARTERLY_CLIENT) -> float:
    row = abc_xyz(data.orders, as_of=AS_OF, months=None).set_index("client_id").loc[client]  # since its first order
    return float(row["cv"])


def _cv_months_with_purchases(data: Any) -> float:
    s = _monthly(data, QUARTERLY_CLIENT)
    return float(s.std(ddof=0) / s.mean())


def _cv_from_first_month_of_data(data: Any) -> float:
    s = _monthly(data, QUARTERLY_CLIENT)
    first = data.orders["date"].min().to_period("M")
    months = pd.period_range(first, pd.Timestamp(AS_OF).to_period("M"), freq="M")
    s = s.reindex(months, fill_value=0.0)
    return float(s.std(ddof=0) / s.mean())


def _cv_sample_sd(data: Any) -> float:
    row = abc_xyz(data.orders, as_of=AS_OF, months=None, ddof=1).set_index("client_id").loc[QUARTERLY_CLIENT]
    return float(row["cv"])


def _cell_counts(data: Any, xyz: tuple[float, float] = WIDE_XYZ) -> pd.DataFrame:
    cells = abc_xyz(data.orders, as_of=AS_OF, xyz=xyz, method="cv")["cell"]
    counts = cells.value_counts().reindex(CELLS, fill_value=0)
    return pd.DataFrame({"cell": CELLS, "clients": counts.to_numpy(dtype=np.int64)})


def _migration(data: Any) -> pd.DataFrame:
    return class_migration(data.orders, "2024", "2025").clients


def _n_change(data: Any, *changes: str) -> int:
    return int(_migration(data)["abc_change"].isin(changes).sum())


EXERCISE = Exercise(
    id="03_abc_xyz",
    title="ABC-XYZ: classes, regularity, the matrix and its strategies",
    data=course_data,
    names=_names,
    questions=[
        ClassificationQuestion(
            "q1",
            "abc_class",
            expected=_abc,
            classes=["A", "B", "C", t("abc.not_ranked")],
            hints=[
                "Rank the clients by their total net revenue up to 31 December 2025, largest first, and cut the "
                "cumulative share (including the client itself) at 80 % and 95 %.",
                "kamlib.abc_xyz(data.orders, as_of=...) does the ranking; its column 'abc' holds the class. "
                "Turn it into a Series indexed by client_id (set_index).",
            ],
            solution=(
                'result = kamlib.abc_xyz(data.orders, as_of="2025-12-31")\n'
                'abc_class = result.set_index("client_id")["abc"]'
            ),
            wrong=[
                lambda d: _abc(d, value="margin"),  # ranked by margin, not revenue
                lambda d: _abc(d, abc=(0.70, 0.90)),  # other cut-offs
                lambda d: _abc(d, cumulative="before"),  # the other convention
                lambda d: _abc(d).iloc[:-3],  # three clients missing
                lambda d: list(_abc(d)),  # a list: which client is which?
                lambda d: _abc(d).map(lambda c: "A"),
            ],
        ),
        ValueQuestion(
            "q2",
            "cv_c012",
            expected=_cv,
            rtol=1e-3,
            hints=[
                "Sum C012's revenue per calendar month. Which months belong to its window? From the month of its "
                "first purchase to December 2025 — and the months in between without purchases count as 0.",
                "Reindex the monthly sums on pd.period_range(first month, '2025-12', freq='M') with fill_value=0, "
                "then divide the standard deviation (ddof=0) by the mean. Keep it a fraction (1.2, not 120).",
            ],
            solution=(
                'lines = data.orders[data.orders["client_id"] == "C012"]\n'
                'monthly = lines.groupby(lines["date"].dt.to_period("M"))["revenue"].sum()\n'
                'window = pd.period_range(monthly.index.min(), "2025-12", freq="M")\n'
                "monthly = monthly.reindex(window, fill_value=0.0)\n"
                "cv_c012 = monthly.std(ddof=0) / monthly.mean()\n"
                '# the same number: kamlib.abc_xyz(data.orders, as_of="2025-12-31", months=None)'
                '.set_index("client_id").loc["C012", "cv"]'
            ),
            wrong=[
                _cv_months_with_purchases,  # the empty months left out: looks far too regular
                _cv_from_first_month_of_data,  # zeros from before the client's first purchase
                _cv_sample_sd,  # sample standard deviation
                lambda d: _cv(d) * 100,  # a percentage
                lambda d: _cv(d, "C013"),  # another client
                "1.5",
                None,
            ],
        ),
        TableQuestion(
            "q3",
            "cell_counts",
            key="cell",
            expected=_cell_counts,
            hints=[
                "Run the analysis again with the wider CV bands: xyz=(0.15, 0.50), method=\"cv\". Count the clients in each of the "
                "nine cells AX … CZ; a cell without clients still gets a row with 0.",
                "result['cell'].value_counts().reindex([...the nine cells...], fill_value=0) gives the counts; "
                "build a DataFrame with the columns 'cell' and 'clients' from it. Clients with insufficient "
                "history are in none of the nine cells.",
            ],
            solution=(
                'wide = kamlib.abc_xyz(data.orders, as_of="2025-12-31", xyz=(0.15, 0.50), method="cv")\n'
                'cells = [a + x for a in "ABC" for x in "XYZ"]\n'
                'counts = wide["cell"].value_counts().reindex(cells, fill_value=0)\n'
                'cell_counts = pd.DataFrame({"cell": cells, "clients": counts.to_numpy()})'
            ),
            wrong=[
                lambda d: _cell_counts(d, xyz=(0.10, 0.25)),  # the default bands
                lambda d: _cell_counts(d).iloc[:-1],  # a cell missing
                lambda d: _cell_counts(d).rename(columns={"clients": "n"}),
                lambda d: _cell_counts(d).assign(clients=lambda f: f["clients"] / f["clients"].sum()),
                lambda d: _cell_counts(d).set_index("cell")["clients"].to_dict(),
                [("AX", 1)],
            ],
        ),
        MatchingQuestion(
            "q4",
            "strategies",
            items=["AX", "AZ", "BY", "CX", "CZ"],
            options={
                "a": "Keep the cost to serve minimal — standard offer, prepayment, self-service; review once a year; "
                     "no chasing with discounts.",
                "b": "Joint planning with forecasts and automatic replenishment, quarterly business reviews, a named "
                     "contact in top management.",
                "c": "Standard terms and a low cost to serve — online or phone ordering, inside sales, automated "
                     "reminders; check now and then whether the client could grow.",
                "d": "Follow the client's project pipeline, an individual offer for each deal, turn repeated deals into "
                     "a framework contract; watch the dependency risk.",
                "e": "Contact timed to the client's buying cycle, offers before its peaks; invest where its potential "
                     "elsewhere is large.",
            },
            expected={"AX": "b", "AZ": "d", "BY": "e", "CX": "c", "CZ": "a"},
            hints=[
                "The letter A–C says how much attention a client gets (A the most); X–Z says how that attention is "
                "organised: planning for X, smoothing for Y, deal by deal for Z.",
                "Two options are about a low cost to serve: one for small steady clients, one for small erratic "
                "ones. kamlib.cell_strategies() has the whole playbook.",
            ],
            solution=(
                'strategies = {"AX": "b", "AZ": "d", "BY": "e", "CX": "c", "CZ": "a"}\n'
                "# AX protect and deepen; AZ understand and stabilise; BY develop selectively;\n"
                "# CX serve efficiently; CZ review and minimise cost (kamlib.cell_strategies())."
            ),
            wrong=[
                {"AX": "d", "AZ": "b", "BY": "e", "CX": "c", "CZ": "a"},  # A cells swapped
                {"AX": "b", "AZ": "d", "BY": "e", "CX": "a", "CZ": "c"},  # C cells swapped
                {"AX": "b", "AZ": "d", "BY": "e", "CX": "c"},  # one missing
                {"AX": "b", "AZ": "d", "BY": "e", "CX": "c", "CZ": "z"},  # no such letter
                ["b", "d", "e", "c", "a"],
            ],
        ),
        ValueQuestion(
            "q5",
            "n_down",
            expected=lambda d: _n_change(d, t("migration.down")),
            hints=[
                "kamlib.class_migration(data.orders, '2024', '2025') compares the two years; its .clients table "
                "has a column abc_change.",
                "Count the rows whose abc_change is 'down'. Clients marked 'gone' bought nothing in 2025: they are "
                "not counted here.",
            ],
            solution=(
                'migration = kamlib.class_migration(data.orders, "2024", "2025")\n'
                'n_down = int((migration.clients["abc_change"] == "down").sum())'
            ),
            wrong=[
                lambda d: _n_change(d, t("migration.down"), t("migration.gone")),  # 'gone' counted too
                lambda d: _n_change(d, t("migration.up")),  # the wrong direction
                lambda d: _n_change(d, t("migration.down")) / len(_migration(d)),  # a share, not a count
                lambda d: _migration(d)["abc_change"] == t("migration.down"),  # the mask, not its sum
                "eight",
                None,
            ],
        ),
        OpenQuestion(
            "q6",
            "c001_plan",
            rubric=[
                "starts from C001's cell and applies that cell's playbook in concrete actions (who, what, how often)",
                "uses both lenses: C001 is 35 % of revenue but a much smaller share of margin, so terms are tied to "
                "volume and the discount is not deepened",
                "names a risk the cell does not show — the dependency on one client (module 04) — and what to do "
                "about it without selling less to C001",
                "says which number you would watch to know the plan works (forecast accuracy, CV, share of margin, "
                "the client's share of revenue)",
            ],
            hints=[
                "Look up C001's cell and its strategy (kamlib.cell_strategy). Then compare its share of revenue "
                "with its share of margin.",
                "A cell describes value and regularity only. What else about C001 should worry you?",
            ],
            solution=(
                "C001 is AY: large, with seasonal swings. Its key-account manager and our planner agree a rolling\n"
                "three-month forecast with C001's purchasing director each month and a framework agreement with\n"
                "call-offs, so we hold safety stock for its peaks instead of reacting to them. C001 brings 35 % of\n"
                "revenue but only about 13.5 % of margin, so any further discount must buy steadier ordering or a\n"
                "wider assortment, never volume alone. The cell does not show the dependency: one client at 35 %\n"
                "(72 % of the Wholesale department) is a warning sign, so the plan for next year also grows other\n"
                "wholesale clients. We watch the accuracy of C001's forecast, its CV and its share of our margin."
            ),
        ),
    ],
)

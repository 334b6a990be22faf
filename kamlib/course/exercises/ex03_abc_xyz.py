"""Exercise 03 — ABC-XYZ analysis of the sample company (module M3, source 004 [004-abc-xyz]).

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

from ...analytics._abc_xyz import abc_xyz, abc_xyz_matrix, class_migration
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


def _cell_counts(data: Any, xyz: tuple[float, float] = WIDE_XYZ, *, what: str = "counts") -> pd.DataFrame:
    """The matrix of module 03 with other XYZ bands: clients per cell, rows A–C, columns X, Y, Z."""
    matrix = abc_xyz_matrix(abc_xyz(data.orders, as_of=AS_OF, xyz=xyz, method="cv"))
    return getattr(matrix, what)[["X", "Y", "Z"]]


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
                "Module 03's kamlib.abc_xyz(...) already measures every client this way — from its first month to "
                "December 2025, empty months as 0, ddof=0 — in its column 'cv'. Find C012's row (primer section 4: "
                "a value by client).",
                'result = kamlib.abc_xyz(data.orders, as_of="2025-12-31", months=None) (months=None: all its history, '
                'not only the last 12 months); then result.set_index("client_id").loc["C012", "cv"]. Keep it a '
                'fraction (1.2, not 120).',
            ],
            solution=(
                'result = kamlib.abc_xyz(data.orders, as_of="2025-12-31", months=None)\n'
                'cv_c012 = result.set_index("client_id").loc["C012", "cv"]\n'
                "# by hand: C012's revenue per month (primer section 7) from its first month to 2025-12, empty\n"
                "# months as 0, then the standard deviation (ddof=0) divided by the mean"
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
            expected=_cell_counts,
            hints=[
                "Module 03 builds the matrix in two calls: kamlib.abc_xyz(...) and then kamlib.abc_xyz_matrix(...). "
                "Do the same with the CV method and its wider bands, method=\"cv\", xyz=(0.15, 0.50); the matrix's .counts is the table asked for.",
                'wide = kamlib.abc_xyz(data.orders, as_of="2025-12-31", xyz=(0.15, 0.50), method="cv"); then '
                "kamlib.abc_xyz_matrix(wide).counts (the column 'insufficient history' may stay).",
            ],
            solution=(
                'wide = kamlib.abc_xyz(data.orders, as_of="2025-12-31", xyz=(0.15, 0.50), method="cv")\n'
                "cell_counts = kamlib.abc_xyz_matrix(wide).counts"
            ),
            wrong=[
                lambda d: _cell_counts(d, xyz=(0.10, 0.25)),  # the default bands
                lambda d: _cell_counts(d).iloc[:-1],  # class C missing
                lambda d: _cell_counts(d, what="shares"),  # shares of revenue, not counts
                lambda d: _cell_counts(d).drop(columns="Z"),
                lambda d: _cell_counts(d).to_dict(),
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
                "uses both lenses: C001 is over a third of revenue but a much smaller share of margin, so terms are tied to "
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
                "C001 is AX: large, and it buys every month, so the cell's playbook is to protect and deepen the\n"
                "account. Its amounts still swing with the building season (by CV it is Y), so its manager agrees a\n"
                "rolling three-month forecast with C001's buyers every month and a framework agreement with\n"
                "call-offs, and we stock for its peaks instead of reacting to them. It brings over a third of revenue\n"
                "but much less of our margin, so any new discount must buy steadier ordering or a wider assortment,\n"
                "not volume alone. The cell hides the dependency: one client at over a third of sales is a warning\n"
                "sign, so next year's plan also grows other wholesale clients. We watch C001's forecast accuracy,\n"
                "its CV and its share of our margin."
            ),
        ),
    ],
)

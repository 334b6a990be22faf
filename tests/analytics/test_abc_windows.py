"""Windows, XYZ by purchase frequency, ties and equal-window migration (issue 12).

Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError

AS_OF = "2025-12-31"


def monthly(series: dict[str, list[float]], first_month: str = "2025-01") -> pd.DataFrame:
    rows = []
    start = pd.Period(first_month, "M")
    for client, values in series.items():
        for i, v in enumerate(values):
            if v:
                rows.append((client, (start + i).start_time + pd.Timedelta(days=9), float(v)))
    return pd.DataFrame(rows, columns=["client_id", "date", "revenue"])


def by_client(result: pd.DataFrame) -> pd.DataFrame:
    return result.set_index("client_id")


# --- windows ---------------------------------------------------------------------------------


def test_default_window_is_the_last_twelve_months():
    # a bought 1000 in 2023 only, b 10 a month in 2025: in the last 12 months (2025) only b counts
    orders = pd.concat([monthly({"a": [1000]}, "2023-03"), monthly({"b": [10] * 12})], ignore_index=True)
    r = kamlib.abc_xyz(orders, as_of=AS_OF)
    assert r["client_id"].tolist() == ["b"] and r.loc[0, "abc"] == "A"
    assert r.attrs["window"] == "12 month(s) 2025-01-01 – 2025-12-31"
    assert r.attrs["abc_xyz"]["months"] == 12
    assert r.attrs["abc_xyz"]["start"] == pd.Timestamp("2025-01-01")
    # all history: a's 1000 ranks first
    everything = kamlib.abc_xyz(orders, as_of=AS_OF, months=None)
    assert everything["client_id"].tolist() == ["a", "b"]
    assert everything.attrs["window"] == "all history 2023-03-10 – 2025-12-31"


def test_months_counts_whole_calendar_months_back_from_as_of():
    # as_of 2025-06-15, months=3: April, May, June (to the 15th)
    orders = monthly({"a": [5] * 6})  # 10th of Jan..Jun
    r = kamlib.abc_xyz(orders, as_of="2025-06-15", months=3, min_periods=1)
    assert r.loc[0, "revenue"] == 15.0 and r.loc[0, "n_periods"] == 3


def test_client_that_bought_before_the_window_is_judged_on_the_whole_window():
    # a bought every month of 2024 and only Nov and Dec 2025: in 2025 it had 2 active months of 12 -> Z
    # (not 2 of 2 -> X, which the window starting at its first 2025 purchase would give).
    # b is new in Nov 2025: its own window is Nov..Dec, 2 of 2 (min_periods=2) -> X.
    orders = pd.concat([monthly({"a": [7] * 12}, "2024-01"), monthly({"a": [0] * 10 + [7, 7], "b": [0] * 10 + [1, 1]})],
                       ignore_index=True)
    r = by_client(kamlib.abc_xyz(orders, as_of=AS_OF, min_periods=2))
    assert r.loc["a", "n_periods"] == 12 and r.loc["a", "active_periods"] == 2
    assert r.loc["a", "frequency"] == pytest.approx(2 / 12) and r.loc["a", "xyz"] == "Z"
    assert r.loc["b", "n_periods"] == 2 and r.loc["b", "frequency"] == 1.0 and r.loc["b", "xyz"] == "X"
    assert str(r.loc["a", "first_period"]) == "2025-01" and str(r.loc["b", "first_period"]) == "2025-11"


# --- XYZ by frequency ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("active", "expected"),
    [
        (12, "X"), (9, "X"),   # 9/12 = .75: on the X cut-off -> X
        (8, "Y"), (4, "Y"),    # 4/12 = 1/3: on the Y cut-off -> Y
        (3, "Z"), (1, "Z"),
    ],
)
def test_frequency_cut_offs(active, expected):
    # the client is old (bought in 2024), so its window is all 12 months of 2025
    values = [10] * active + [0] * (12 - active)
    orders = pd.concat([monthly({"a": [1]}, "2024-06"), monthly({"a": values})], ignore_index=True)
    r = kamlib.abc_xyz(orders, as_of=AS_OF)
    assert r.loc[0, "active_periods"] == active and r.loc[0, "xyz"] == expected


def test_frequency_counts_periods_with_a_positive_net_sum():
    # Jan +10, Feb +10 then a -10 return (net 0: no purchase), Mar -5 only: 1 active month of 3
    orders = pd.DataFrame({"client_id": "a",
                           "date": pd.to_datetime(["2025-01-05", "2025-02-05", "2025-02-20", "2025-03-05"]),
                           "revenue": [10.0, 10.0, -10.0, -5.0]})
    r = kamlib.abc_xyz(orders, as_of="2025-03-31", min_periods=3)
    assert r.loc[0, "active_periods"] == 1 and r.loc[0, "frequency"] == pytest.approx(1 / 3)


def test_quarter_period_by_name():
    # a buys in Jan and Jul 2025 only: quarters Q1 and Q3 of 4 -> .5 -> Y; months 2 of 12 -> Z
    orders = pd.concat([monthly({"a": [1]}, "2024-01"), monthly({"a": [5, 0, 0, 0, 0, 0, 5]})], ignore_index=True)
    q = kamlib.abc_xyz(orders, as_of=AS_OF, period="quarter", min_periods=2)
    assert q.loc[0, "n_periods"] == 4 and q.loc[0, "frequency"] == 0.5 and q.loc[0, "xyz"] == "Y"
    assert kamlib.abc_xyz(orders, as_of=AS_OF, period="month").loc[0, "xyz"] == "Z"
    with pytest.raises(KamArgumentError, match="method"):
        kamlib.abc_xyz(orders, as_of=AS_OF, method="variance")


def test_dominant_class_note_names_a_better_split():
    # 20 clients, each buying in exactly 2 months of 12 with very uneven amounts: CV says Z for all,
    # frequency per month Z for all too (2/12 < 1/3). Per quarter: the two purchases fall in
    # different quarters for half of them (2/4 = .5 -> Y) and in one quarter for the other half (Z).
    series = {}
    for i in range(20):
        values = [0] * 12
        values[0] = 100 + i
        values[1 if i % 2 else 6] = 1
        series[f"c{i:02d}"] = values
    orders = pd.concat([monthly({k: [1] for k in series}, "2024-12"), monthly(series)], ignore_index=True)
    r = kamlib.abc_xyz(orders, as_of=AS_OF)
    assert (r["xyz"] == "Z").all()
    (note,) = r.attrs["notes"]
    assert note.startswith("100% of the clients with an XYZ class are Z")
    assert "per quarter (X 0%, Y 50%, Z 50%)" in note
    # a split that separates carries no note
    mixed = kamlib.abc_xyz(monthly({"a": [1] * 12, "b": [1, 0] * 6, "c": [1] + [0] * 11}), as_of=AS_OF)
    assert mixed.attrs["notes"] == []


# --- ties ----------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=25),
       st.randoms(use_true_random=False))
def test_equal_values_always_get_the_same_class(values, rnd):
    clients = [f"k{i:02d}" for i in range(len(values))]
    orders = pd.DataFrame({"client_id": clients, "date": pd.Timestamp("2025-12-10"),
                           "revenue": [float(v) for v in values]})
    r = kamlib.abc_xyz(orders, as_of=AS_OF, min_periods=1)
    for _, group in r.groupby("revenue"):
        assert group["abc"].nunique() == 1
    # classes never improve as the value falls
    level = r["abc"].map({"A": 0, "B": 1, "C": 2}).to_numpy()
    assert (np.diff(level) >= 0).all()
    # and do not depend on the row order
    shuffled = orders.sample(frac=1, random_state=rnd.randint(0, 1000))
    again = kamlib.abc_xyz(shuffled, as_of=AS_OF, min_periods=1)
    assert dict(zip(again["client_id"], again["abc"])) == dict(zip(r["client_id"], r["abc"]))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=12, max_size=12), min_size=1, max_size=12))
def test_equal_frequencies_get_the_same_xyz_class(patterns):
    series = {f"c{i:02d}": [float(b) * (i + 1) for b in p] for i, p in enumerate(patterns)}
    series = {k: v for k, v in series.items() if any(v)}
    if not series:
        return
    old = monthly({k: [1.0] for k in series}, "2024-12")
    r = kamlib.abc_xyz(pd.concat([old, monthly(series)], ignore_index=True), as_of=AS_OF)
    for _, group in r.groupby("active_periods"):
        assert group["xyz"].nunique() == 1


# --- migration over equal windows ------------------------------------------------------------------


def test_migration_default_compares_the_last_twelve_months_with_the_twelve_before():
    # 2024: a 90, b 10. 2025: a 10, b 90 -> a A->C? (a .1 of 100 -> cum 1.0 C), b C->A
    orders = pd.concat([monthly({"a": [90], "b": [10]}, "2024-05"), monthly({"a": [10], "b": [90]}, "2025-05")],
                       ignore_index=True)
    m = kamlib.class_migration(orders, as_of=AS_OF, min_periods=1)
    assert m.period_a == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-12-31"))
    assert m.period_b == (pd.Timestamp("2025-01-01"), pd.Timestamp("2025-12-31"))
    c = by_client(m.clients)
    assert (c.loc["a", "abc_a"], c.loc["a", "abc_b"], c.loc["a", "abc_change"]) == ("A", "C", "down")
    assert (c.loc["b", "abc_a"], c.loc["b", "abc_b"], c.loc["b", "abc_change"]) == ("C", "A", "up")


def test_migration_refuses_unequal_windows():
    orders = monthly({"a": [1] * 12})
    with pytest.raises(KamArgumentError, match="equal windows"):
        kamlib.class_migration(orders, "2024", "2025Q1")
    with pytest.raises(KamArgumentError, match="both period_a and period_b"):
        kamlib.class_migration(orders, "2024")
    # a leap year against a common year is equal enough
    kamlib.class_migration(orders, "2024", "2025", min_periods=1)

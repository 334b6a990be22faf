"""Regression: churn_dynamics puts each lost client in the period of ITS OWN loss date.

pandas' ``Grouper(freq=...)`` numbers rows in date order, so period labels must be mapped back
to the original row order; a client listed first but lost later used to land in the earlier
client's period (found while writing notebook 08: C007 showed up in 2024Q2, C009 in 2025Q2).
"""

import pandas as pd

import kamlib


def _monthly(client: str, months: list[str], amount: float) -> pd.DataFrame:
    return pd.DataFrame({"client_id": client, "date": pd.to_datetime([f"{m}-15" for m in months]), "revenue": amount})


def test_a_client_listed_first_but_lost_later_keeps_its_own_period():
    # "a" buys 100 a month from January to September 2024, "b" 10 a month from January to March:
    # both are lost by mid-2025; "a" comes first in the data but left six months after "b".
    orders = pd.concat([
        _monthly("a", [f"2024-{m:02d}" for m in range(1, 10)], 100.0),
        _monthly("b", ["2024-01", "2024-02", "2024-03"], 10.0),
    ], ignore_index=True)
    dyn = kamlib.churn_dynamics(orders, freq="QE", as_of="2025-06-30").set_index("period")
    # "b": last purchase 2024-03-15 -> quarter ending 2024-03-31; revenue taken 3 x 10 = 30
    assert dyn.loc[pd.Timestamp("2024-03-31"), "lost_clients"] == 1
    assert dyn.loc[pd.Timestamp("2024-03-31"), "lost_revenue"] == 30.0
    # "a": last purchase 2024-09-15 -> quarter ending 2024-09-30; revenue taken 9 x 100 = 900
    assert dyn.loc[pd.Timestamp("2024-09-30"), "lost_clients"] == 1
    assert dyn.loc[pd.Timestamp("2024-09-30"), "lost_revenue"] == 900.0
    assert dyn["lost_clients"].sum() == 2

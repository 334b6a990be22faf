"""Concentration, HHI, dependency levels and the lose-a-client scenario (M4), worked by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError, KamDataError
from kamlib.analytics._concentration import HHI_2010, HHI_2023, hhi_label


def orders_of(totals: dict[str, float]) -> pd.DataFrame:
    """One order line per client with the given revenue."""
    return pd.DataFrame({"client_id": list(totals), "revenue": [float(v) for v in totals.values()]})


# --- shares, top-k, HHI ---------------------------------------------------------------------


def test_worked_example_shares_hhi_pareto_dependency():
    # a: 30 + 20 = 50, b 25, c 15, d 10 → total 100
    orders = pd.DataFrame({"client_id": ["a", "b", "a", "c", "d"], "revenue": [30.0, 25.0, 20.0, 15.0, 10.0]})
    res = kamlib.concentration(orders)
    c = res.clients
    assert list(c["client_id"]) == ["a", "b", "c", "d"]
    assert list(c["revenue"]) == [50.0, 25.0, 15.0, 10.0]
    assert list(c["share"]) == [0.50, 0.25, 0.15, 0.10]
    assert list(c["cum_share"]) == pytest.approx([0.50, 0.75, 0.90, 1.00])
    assert list(c["rank"]) == [1, 2, 3, 4]
    # 50 % is not *over* 50 % → high (over 40 %); 25 % over 20 % → warning
    assert list(c["dependency"]) == ["high", "warning", "normal", "normal"]
    s = res.summary.iloc[0]
    assert s["n"] == 4 and s["total"] == 100.0
    assert s["top1_share"] == 0.50
    assert s["top5_share"] == 1.0 and s["top10_share"] == 1.0  # fewer than 5 clients: all of it
    hhi = 50**2 + 25**2 + 15**2 + 10**2  # 2500 + 625 + 225 + 100 = 3450
    assert res.hhi == pytest.approx(hhi)
    assert res.equivalent_number == pytest.approx(10000 / 3450)  # 2.898…
    # 80 %: 50 → 75 → 90: three clients of four
    assert s["pareto_n"] == 3 and res.pareto_share == pytest.approx(0.75)
    assert res.label_2010 == "highly concentrated" and res.label_2023 == "highly concentrated"
    assert (s["n_warning"], s["n_high"], s["n_critical"]) == (1, 1, 0)


def test_single_client_is_total_dependency():
    res = kamlib.concentration(orders_of({"only": 123.0}))
    assert res.hhi == 10000.0
    assert res.equivalent_number == 1.0
    assert res.clients["share"].tolist() == [1.0]
    assert res.clients["dependency"].tolist() == ["critical"]
    assert res.summary.loc[0, "pareto_n"] == 1 and res.pareto_share == 1.0
    assert res.top_shares["top1_share"] == 1.0


@pytest.mark.parametrize("n", [1, 2, 3, 4, 7, 10, 25])
def test_equal_shares_hhi_is_10000_over_n(n):
    res = kamlib.concentration(orders_of({f"c{i:02d}": 40.0 for i in range(n)}))
    assert res.hhi == pytest.approx(10000 / n)
    assert res.equivalent_number == pytest.approx(n)


def test_ties_are_broken_by_client_id_and_pareto_at_exact_cut():
    # four clients of 20 and one of 20 → all equal; order must be by client_id ascending
    res = kamlib.concentration(orders_of({"e": 20, "b": 20, "d": 20, "a": 20, "c": 20}))
    assert res.clients["client_id"].tolist() == ["a", "b", "c", "d", "e"]
    assert res.clients["rank"].tolist() == [1, 2, 3, 4, 5]
    # 20+20+20+20 = 80 exactly → 4 clients reach 80 % (exactly on the cut counts as reached)
    assert res.summary.loc[0, "pareto_n"] == 4
    # 20 % each is not *over* the 20 % warning level
    assert set(res.clients["dependency"]) == {"normal"}


def test_dependency_levels_are_strictly_over_and_adjustable():
    # shares 0.5, 0.4, 0.1: 50 % is "high" (not over 50), 40 % is "warning" (not over 40)
    res = kamlib.concentration(orders_of({"a": 50, "b": 40, "c": 10}))
    assert res.clients["dependency"].tolist() == ["high", "warning", "normal"]
    # the source's upper warning end: 30 %
    res = kamlib.concentration(orders_of({"a": 35, "b": 25, "c": 40}), warning=0.30)
    assert dict(zip(res.clients["client_id"], res.clients["dependency"])) == {
        "c": "warning", "a": "warning", "b": "normal"}
    res = kamlib.concentration(orders_of({"a": 51, "b": 49}))
    assert res.clients["dependency"].tolist() == ["critical", "high"]


def test_top_k_custom():
    res = kamlib.concentration(orders_of({"a": 40, "b": 30, "c": 20, "d": 10}), top=(2, 3))
    assert res.summary.loc[0, "top2_share"] == pytest.approx(0.7)
    assert res.summary.loc[0, "top3_share"] == pytest.approx(0.9)
    assert "top1_share" not in res.summary.columns


# --- HHI labels -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hhi", "y2010", "y2023"),
    [
        (999.99, "unconcentrated", "unconcentrated"),
        (1000.0, "unconcentrated", "moderately concentrated"),  # 2023: 1,000 to 1,800 includes 1,000
        (1499.99, "unconcentrated", "moderately concentrated"),
        (1500.0, "moderately concentrated", "moderately concentrated"),  # 2010: between 1500 and 2500
        (1800.0, "moderately concentrated", "moderately concentrated"),  # 2023: highly only > 1,800
        (1800.01, "moderately concentrated", "highly concentrated"),
        (2500.0, "moderately concentrated", "highly concentrated"),  # 2010: highly only > 2500
        (2500.0000000001, "moderately concentrated", "highly concentrated"),  # float noise does not flip
        (2500.01, "highly concentrated", "highly concentrated"),
        (10000.0, "highly concentrated", "highly concentrated"),
    ],
)
def test_hhi_band_edges(hhi, y2010, y2023):
    assert hhi_label(hhi, HHI_2010) == y2010
    assert hhi_label(hhi, HHI_2023) == y2023


def test_four_equal_clients_sit_exactly_on_the_2010_edge():
    # 4 × 25 % → HHI = 4 × 625 = 2500: moderately (2010), highly (2023)
    res = kamlib.concentration(orders_of({"a": 1, "b": 1, "c": 1, "d": 1}))
    assert res.hhi == 2500.0
    assert res.label_2010 == "moderately concentrated"
    assert res.label_2023 == "highly concentrated"


# --- returns, zeros, negatives ----------------------------------------------------------------


def test_negative_and_zero_totals_are_excluded_and_listed():
    orders = pd.DataFrame({
        "client_id": ["a", "b", "c", "c", "d", "d"],
        # c: 10 − 30 = −20 (returns exceed purchases); d: 5 − 5 = 0
        "revenue": [60.0, 40.0, 10.0, -30.0, 5.0, -5.0],
    })
    res = kamlib.concentration(orders)
    assert res.clients["client_id"].tolist() == ["a", "b"]
    assert res.clients["share"].tolist() == [0.6, 0.4]  # of 100, not of 80
    ex = res.excluded
    assert ex["client_id"].tolist() == ["c", "d"]  # most negative first
    assert ex["revenue"].tolist() == [-20.0, 0.0]
    assert ex["reason"].tolist() == ["negative total: returns exceed purchases", "zero total"]
    s = res.summary.iloc[0]
    assert s["n_excluded"] == 2 and s["excluded_total"] == -20.0
    assert "left out" in repr(res)


def test_all_zero_purchases_give_no_measure_not_an_error():
    res = kamlib.concentration(orders_of({"a": 0, "b": 0}))
    assert res.clients.empty
    assert np.isnan(res.hhi)
    assert res.label_2010 == "no positive revenue"
    assert res.summary.loc[0, "n"] == 0 and res.summary.loc[0, "n_excluded"] == 2
    assert "nothing to measure" in repr(res)


def test_returns_within_a_client_are_netted():
    orders = pd.DataFrame({"client_id": ["a", "a", "b"], "revenue": [100.0, -40.0, 60.0]})
    res = kamlib.concentration(orders)
    assert res.clients["share"].tolist() == [0.5, 0.5]  # 60 and 60


# --- within a department, by another column ---------------------------------------------------


def test_within_department_from_clients_table():
    orders = pd.DataFrame({"client_id": ["a", "b", "c", "d", "e"], "revenue": [60.0, 40.0, 30.0, 10.0, 5.0]})
    clients = pd.DataFrame({"client_id": ["a", "b", "c", "d", "e"],
                            "department": ["North", "North", "South", "South", None]})
    res = kamlib.concentration(orders, within="department", clients=clients)
    s = res.summary.set_index("department")
    # North: 60/100, 40/100 → HHI 3600 + 1600 = 5200; South: 30/40 = .75, 10/40 = .25 → 5625 + 625 = 6250
    assert s.loc["North", "hhi"] == pytest.approx(5200)
    assert s.loc["South", "hhi"] == pytest.approx(6250)
    assert s.loc["(no department)", "hhi"] == pytest.approx(10000)  # e alone
    assert list(s.index) == ["North", "South", "(no department)"]  # the empty group last
    assert res.hhi["South"] == pytest.approx(6250)
    c = res.clients.set_index("client_id")
    assert c.loc["c", "share"] == 0.75 and c.loc["c", "dependency"] == "critical"
    assert "within each department" in repr(res)


def test_within_column_already_in_orders_splits_a_client_between_departments():
    orders = pd.DataFrame({"client_id": ["a", "a", "b"], "department": ["X", "Y", "Y"],
                           "revenue": [10.0, 30.0, 10.0]})
    res = kamlib.concentration(orders, within="department")
    c = res.clients
    assert c[["department", "client_id", "share"]].values.tolist() == [["X", "a", 1.0], ["Y", "a", 0.75],
                                                                        ["Y", "b", 0.25]]


def test_by_manager_from_clients():
    orders = orders_of({"a": 50, "b": 30, "c": 20})
    clients = pd.DataFrame({"client_id": ["a", "b", "c"], "manager": ["Ann", "Bob", "Bob"]})
    res = kamlib.concentration(orders, by="manager", clients=clients)
    assert res.clients[["manager", "share"]].values.tolist() == [["Ann", 0.5], ["Bob", 0.5]]


def test_categorical_client_id_with_unused_categories():
    orders = orders_of({"a": 3, "b": 1})
    orders["client_id"] = pd.Categorical(orders["client_id"], categories=["z", "a", "b"])
    res = kamlib.concentration(orders)
    assert res.clients["client_id"].astype(str).tolist() == ["a", "b"]
    assert res.clients["share"].tolist() == [0.75, 0.25]


def test_caller_frame_is_not_modified():
    orders = pd.DataFrame({"client_id": ["a", "b"], "revenue": [1.0, 2.0]})
    before = orders.copy()
    kamlib.concentration(orders)
    pd.testing.assert_frame_equal(orders, before)


def test_repr_and_html_escape_user_strings():
    res = kamlib.concentration(orders_of({"<b>x</b>": 90, "y": 10}))
    text = repr(res)
    assert "HHI 8,200" in text  # 90² + 10² = 8100 + 100
    assert "1 critical" in text
    page = res._repr_html_()
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


# --- errors ----------------------------------------------------------------------------------


def test_missing_value_column_is_named():
    with pytest.raises(KamDataError, match='column "revenue" is missing; the table has: client_id, amount'):
        kamlib.concentration(pd.DataFrame({"client_id": ["a"], "amount": [1.0]}))


def test_text_in_value_column_names_the_rows():
    orders = pd.DataFrame({"client_id": ["a", "b", "c"], "revenue": [1.0, "lots", None]}, index=[10, 11, 12])
    with pytest.raises(KamDataError) as err:
        kamlib.concentration(orders)
    assert "row 11: 'lots'" in str(err.value) and "row 12" in str(err.value)
    assert err.value.rows == [11, 12]


def test_within_needs_clients_when_orders_lack_the_column():
    with pytest.raises(KamDataError, match='column "department" is missing'):
        kamlib.concentration(orders_of({"a": 1}), within="department")


def test_level_order_and_range_are_checked():
    with pytest.raises(KamArgumentError, match="warning .* ≤ high .* ≤ critical"):
        kamlib.concentration(orders_of({"a": 1}), warning=0.5, high=0.4)
    with pytest.raises(KamArgumentError, match="critical=1.5"):
        kamlib.concentration(orders_of({"a": 1}), critical=1.5)
    with pytest.raises(KamArgumentError, match="within=\"client_id\" is the same column"):
        kamlib.concentration(orders_of({"a": 1}), within="client_id")


# --- properties ------------------------------------------------------------------------------

amounts = st.lists(st.floats(min_value=0.01, max_value=1e7, allow_nan=False), min_size=1, max_size=40)


@settings(max_examples=75, deadline=None)
@given(amounts)
def test_property_shares_sum_to_one_and_hhi_within_bounds(values):
    res = kamlib.concentration(orders_of({f"c{i:03d}": v for i, v in enumerate(values)}))
    n = len(values)
    assert res.clients["share"].sum() == pytest.approx(1.0)
    assert 10000 / n * (1 - 1e-9) <= res.hhi <= 10000 * (1 + 1e-9)
    assert res.equivalent_number == pytest.approx(10000 / res.hhi)
    assert res.clients["cum_share"].iloc[-1] == 1.0
    assert (np.diff(res.clients["revenue"].to_numpy()) <= 0).all()  # largest first
    assert 1 <= res.summary.loc[0, "pareto_n"] <= n


@settings(max_examples=50, deadline=None)
@given(amounts, st.lists(st.sampled_from(["N", "S", "E"]), min_size=40, max_size=40))
def test_property_within_groups_each_sum_to_one(values, departments):
    orders = orders_of({f"c{i:03d}": v for i, v in enumerate(values)})
    orders["department"] = departments[: len(values)]
    res = kamlib.concentration(orders, within="department")
    sums = res.clients.groupby("department")["share"].sum()
    assert np.allclose(sums.to_numpy(), 1.0)
    assert (res.summary["hhi"] <= 10000 * (1 + 1e-9)).all()


# --- the lose-a-client scenario ---------------------------------------------------------------


def scenario_orders() -> pd.DataFrame:
    return pd.DataFrame({
        "client_id": ["key", "b", "c"],
        "date": pd.to_datetime(["2025-01-15", "2025-01-20", "2025-02-10"]),
        "quantity": [5000.0, 1500.0, 1500.0],
        "revenue": [400.0, 300.0, 300.0],
        "cost": [320.0, 240.0, 240.0],
    })


def test_scenario_steps_by_hand():
    res = kamlib.lose_client_scenario(scenario_orders(), "key", cost_increase=0.10, pass_through=0.5,
                                      elasticity=3.0)
    tab = res.table.set_index("step")
    # before: 1000 − 800 = 200
    assert tab.loc["before", ["revenue", "cost", "margin"]].tolist() == [1000.0, 800.0, 200.0]
    # key leaves: 600 − 480 = 120
    assert tab.loc["client_leaves", ["revenue", "cost", "margin"]].tolist() == [600.0, 480.0, 120.0]
    # discount lost: cost 480 × 1.10 = 528
    assert tab.loc["discount_lost", "cost"] == pytest.approx(528.0)
    # prices: half of the 48 extra passed on → +24 on 600 = +4 % → revenue 624
    assert tab.loc["prices_rise", "revenue"] == pytest.approx(624.0)
    # leave: 3 × 4 % = 12 % of volume → revenue 624 × .88 = 549.12, cost 528 × .88 = 464.64
    assert tab.loc["price_sensitive_leave", "revenue"] == pytest.approx(549.12)
    assert tab.loc["price_sensitive_leave", "cost"] == pytest.approx(464.64)
    assert res.after["margin"] == pytest.approx(549.12 - 464.64)  # 84.48
    assert res.change["margin"] == pytest.approx(84.48 - 200)
    assert res.assumptions["price_rise"] == pytest.approx(0.04)
    assert res.assumptions["volume_lost"] == pytest.approx(0.12)
    assert len(res.steps) == 5 and "4.00%" in res.steps[2]


def test_scenario_volume_threshold_like_the_source_5000_units():
    orders = scenario_orders()
    # others buy 3000 units over 2 months (Jan–Feb) = 1500 a month < 5000 → discount lost
    res = kamlib.lose_client_scenario(orders, "key", volume_threshold=5000)
    assert res.assumptions["discount_lost"] is True
    assert res.table.set_index("step").loc["discount_lost", "cost"] == pytest.approx(480 * 1.05)
    # with a threshold of 1000 a month the others still qualify: nothing further changes
    res = kamlib.lose_client_scenario(orders, "key", volume_threshold=1000)
    assert res.assumptions["discount_lost"] is False
    tab = res.table.set_index("step")
    assert tab.loc["price_sensitive_leave", "revenue"] == 600.0
    assert tab.loc["price_sensitive_leave", "margin"] == 120.0


def test_scenario_elasticity_caps_at_everyone():
    res = kamlib.lose_client_scenario(scenario_orders(), "key", elasticity=100.0)
    assert res.after["revenue"] == 0.0 and res.assumptions["volume_lost"] == 1.0


def test_scenario_errors():
    with pytest.raises(KamArgumentError, match='client_id="nobody" has no orders; .*key, b, c'):
        kamlib.lose_client_scenario(scenario_orders(), "nobody")
    orders = scenario_orders()
    orders.loc[0, "revenue"] = -5.0
    with pytest.raises(KamDataError, match="total revenue of -5.00"):
        kamlib.lose_client_scenario(orders, "key")
    with pytest.raises(KamDataError, match='column "cost" is missing'):
        kamlib.lose_client_scenario(scenario_orders().drop(columns="cost"), "key")
    with pytest.raises(KamArgumentError, match="pass_through=2"):
        kamlib.lose_client_scenario(scenario_orders(), "key", pass_through=2)


def test_scenario_repr():
    text = repr(kamlib.lose_client_scenario(scenario_orders(), "key"))
    assert text.startswith("If key leaves")
    assert "price-sensitive clients leave" in text


def test_scenario_knock_on_only_above_the_warning_share_by_default():
    import pandas as pd

    import kamlib

    # small: 100 of 1000 = 10 % (at most the 20 % warning share): direct loss only, steps 2-4 change nothing
    orders = pd.DataFrame({"client_id": ["small", "b", "c"], "revenue": [100.0, 450.0, 450.0],
                           "cost": [80.0, 360.0, 360.0]})
    res = kamlib.lose_client_scenario(orders, "small")
    assert res.assumptions["knock_on"] is False
    assert res.table["revenue"].tolist() == [1000.0, 900.0, 900.0, 900.0, 900.0]
    assert res.steps[0].startswith("small leaves with its revenue of 100")
    assert "Knock-on not played" in res.steps[1]
    assert res.table["description"].iloc[2].endswith("(assumption)")
    # forced: cost of the rest 720 * 1.05 = 756; price rise 36 / 900 = 4 %; 8 % of the volume leaves
    forced = kamlib.lose_client_scenario(orders, "small", knock_on=True)
    assert forced.table["cost"].tolist()[2] == 756.0
    assert forced.table["revenue"].iloc[-1] == round(936 * 0.92, 2)
    # b at 45 % is above 20 %: played by default
    assert kamlib.lose_client_scenario(orders, "b").assumptions["knock_on"] is True

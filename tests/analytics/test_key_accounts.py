"""Key accounts (M1): kamlib.key_accounts — volume rule per level, qualitative criteria, 004 types."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError, KamDataError, KamDataWarning


def orders_of(amounts: dict[str, float], date: str = "2025-06-15", margin_rate: float = 0.2) -> pd.DataFrame:
    return pd.DataFrame({"client_id": list(amounts), "date": pd.Timestamp(date),
                         "revenue": list(amounts.values()),
                         "cost": [v * (1 - margin_rate) for v in amounts.values()]})


def flagged(result: pd.DataFrame, column: str) -> set[str]:
    return set(result.loc[result[column], "client_id"])


def test_volume_rule_is_strictly_more_than_the_share():
    # total 100: a 60 %, b 30 %, c 10 % exactly (not more than 10 %), d 0 %
    k = kamlib.key_accounts(orders_of({"a": 60, "b": 30, "c": 10, "d": 0}), pd.DataFrame({"client_id": ["a"]}))
    assert flagged(k, "volume") == {"a", "b"}
    assert k["share"].tolist()[:2] == pytest.approx([0.6, 0.3])
    k2 = kamlib.key_accounts(orders_of({"a": 60, "b": 30, "c": 10}), pd.DataFrame({"client_id": ["a"]}), share=0.09)
    assert flagged(k2, "volume") == {"a", "b", "c"}


def test_levels_department_and_manager():
    # Retail: r1 88, r2 12 (12 % of Retail) -> both key in the department.
    # Wholesale: w1 880, w2 20 (2.2 % of 900) -> only w1.
    # Company total 1000: r1 8.8 %, r2 1.2 %, w1 88 %, w2 2 % -> only w1 at company level.
    orders = orders_of({"r1": 88, "r2": 12, "w1": 880, "w2": 20})
    clients = pd.DataFrame({"client_id": ["r1", "r2", "w1", "w2"],
                            "department": ["Retail", "Retail", "Wholesale", "Wholesale"],
                            "manager": ["Ann", "Bob", "Bob", "Bob"]})
    assert flagged(kamlib.key_accounts(orders, clients), "volume") == {"w1"}
    dept = kamlib.key_accounts(orders, clients, level="department")
    assert flagged(dept, "volume") == {"r1", "r2", "w1"}
    row = dept.set_index("client_id").loc["r2"]
    assert row["share"] == pytest.approx(0.12) and row["group"] == "Retail"
    assert row["reason"] == "12.0 % of the sales of the department Retail (more than 10.0 %)"
    # Bob: r2 12, w1 880, w2 20 -> 912; r2 1.3 %, w1 96.5 %, w2 2.2 %. Ann: r1 100 %.
    mgr = kamlib.key_accounts(orders, clients, level="manager")
    assert flagged(mgr, "volume") == {"r1", "w1"}
    assert mgr.set_index("client_id").loc["w1", "share"] == pytest.approx(880 / 912)


def test_level_needs_its_column_and_unknown_groups_are_not_ranked():
    orders = orders_of({"a": 50, "b": 50})
    with pytest.raises(KamDataError, match='level="department" needs the column "department" in clients; '
                                           'the table has: client_id'):
        kamlib.key_accounts(orders, pd.DataFrame({"client_id": ["a"]}), level="department")
    # b has no department: no share within a department, so not key by volume
    k = kamlib.key_accounts(orders, pd.DataFrame({"client_id": ["a", "b"], "department": ["X", None]}),
                            level="department")
    assert flagged(k, "volume") == {"a"}
    b = k.set_index("client_id").loc["b"]  # listed as a breadwinner (half the profit), with no department share
    assert pd.isna(b["share"]) and pd.isna(b["group"]) and b["types"] == "breadwinner"


def test_potential_needs_both_a_large_multiple_and_a_size_worth_winning():
    # months=12 up to 2025-12-31 (the data starts in December 2024, so all 12 months are covered),
    # all orders in June 2025. Company yearly sales 1000 + 10 + 10 + 50 = 1070; 10 % = 107.
    # p: its own active window is June..December (7 months): 10 in 7 months = 120 / 7 a year;
    #    potential 200 = 11.7 x that, and 200 >= 107 -> potential
    # q: potential 60 = 6 x its 10, but 60 < 107 -> no
    # r: 50 in its 7 months = 600 / 7 a year; potential 200 = 2.3 x that < 5 -> no
    # s: no orders, potential 500 >= 107 -> potential ("buys nothing from us yet")
    orders = pd.concat([orders_of({"a": 1000, "p": 10, "q": 10, "r": 50}), orders_of({"a": 1}, "2024-12-01")],
                       ignore_index=True)
    clients = pd.DataFrame({"client_id": ["a", "p", "q", "r", "s"],
                            "potential_revenue": [np.nan, 200.0, 60.0, 200.0, 500.0]})
    k = kamlib.key_accounts(orders, clients, as_of="2025-12-31", months=12)
    assert flagged(k, "potential") == {"p", "s"}
    assert flagged(k, "prospect") == {"p", "s"}  # below the volume rule
    by_id = k.set_index("client_id")
    assert by_id.loc["p", "potential_multiple"] == pytest.approx(200 / (120 / 7))
    assert by_id.loc["p", "reason"].startswith("spends about 200 a year on these goods, 11.7× what it buys from us")
    assert by_id.loc["s", "reason"] == "spends about 500 a year on these goods and buys nothing from us yet"
    assert by_id.loc["s", "revenue"] == 0.0
    # data covering only June..December: 10 in 7 months = 10 * 12 / 7 a year -> multiple 200 / (120 / 7)
    short = kamlib.key_accounts(orders.iloc[:4], clients, as_of="2025-12-31", months=12).set_index("client_id")
    assert short.loc["p", "potential_multiple"] == pytest.approx(200 / (120 / 7))
    # with potential_ratio=2, r (2.3 x) qualifies too
    assert "r" in flagged(kamlib.key_accounts(orders, clients, as_of="2025-12-31", months=12, potential_ratio=2),
                          "potential")


def test_yearly_revenue_is_annualised_over_the_months_used():
    # months=6: p bought 30 in the last six months -> 60 a year; potential 300 = 5 x 60 -> potential
    orders = pd.concat([orders_of({"a": 1000}, "2025-09-01"), orders_of({"p": 30}, "2025-10-01"),
                        orders_of({"p": 999}, "2024-01-01")], ignore_index=True)
    clients = pd.DataFrame({"client_id": ["p"], "potential_revenue": [300.0]})
    k = kamlib.key_accounts(orders, clients, as_of="2025-12-31", months=6).set_index("client_id")
    assert k.loc["p", "revenue"] == 30.0
    assert k.loc["p", "potential_multiple"] == pytest.approx(300 / 60)
    assert bool(k.loc["p", "potential"])


def test_prospect_is_potential_and_new_or_small():
    # big: 90 % of sales, buying since 2023 (not new), potential 10 x -> potential but not a prospect
    # fresh: 10 % (not more than 10 %) -> prospect; also new (first deal 2025-03-01)
    orders = pd.concat([orders_of({"big": 900}, "2023-02-01"), orders_of({"big": 900, "fresh": 200}, "2025-06-01")],
                       ignore_index=True)
    clients = pd.DataFrame({"client_id": ["big", "fresh"], "potential_revenue": [18000.0, 3000.0],
                            "first_deal_date": [pd.Timestamp("2023-01-15"), pd.Timestamp("2025-03-01")]})
    k = kamlib.key_accounts(orders, clients, as_of="2025-12-31", months=12, regular_share=None).set_index("client_id")
    # last 12 months: big 900, fresh 200 -> big 81.8 % (volume), fresh 18.2 % (volume too)
    assert bool(k.loc["big", "potential"]) and not k.loc["big", "prospect"] and not k.loc["big", "new"]
    assert bool(k.loc["fresh", "new"]) and bool(k.loc["fresh", "prospect"])
    assert "new client since 2025-03-01" in k.loc["fresh", "reason"]


def test_breadwinner_is_at_least_the_profit_share():
    # margins: a 50, b 40, c 10 (exactly 10 % of 100 -> breadwinner), d 0
    orders = pd.DataFrame({"client_id": list("abcd"), "date": pd.Timestamp("2025-06-01"),
                           "revenue": [100.0, 100.0, 100.0, 100.0], "cost": [50.0, 60.0, 90.0, 100.0]})
    k = kamlib.key_accounts(orders, pd.DataFrame({"client_id": ["a"]}))
    assert flagged(k, "breadwinner") == {"a", "b", "c"}
    c = k.set_index("client_id").loc["c"]
    assert c["profit_share"] == pytest.approx(0.10) and c["margin"] == 10.0
    assert "10.0 % of the profit (at least 10.0 %)" in c["reason"]
    assert c["types"] == "breadwinner"


def test_without_cost_breadwinner_is_not_judged_and_a_warning_says_so():
    orders = orders_of({"a": 90, "b": 10}).drop(columns="cost")
    with pytest.warns(KamDataWarning, match="no cost column"):
        k = kamlib.key_accounts(orders, pd.DataFrame({"client_id": ["a"]}))
    assert not k["breadwinner"].any() and k["margin"].isna().all()


def test_qualitative_flags_map_to_the_types():
    orders = orders_of({"a": 100, "b": 1, "c": 1, "d": 1, "e": 1}, margin_rate=0.0)
    orders.loc[0, "cost"] = 0.0  # all profit from a
    clients = pd.DataFrame({"client_id": list("abcde"), "name": ["A Ltd", "B Ltd", "C Ltd", "D Ltd", "E Ltd"],
                            "is_reference": [False, True, False, None, False],
                            "is_innovative": [False, False, True, False, False],
                            "is_demanding": [0, 0, 0, 1, 0]})
    k = kamlib.key_accounts(orders, clients).set_index("client_id")
    assert list(k.index) == ["a", "b", "c", "d"]  # e has nothing
    assert k.loc["b", "types"] == "image-maker" and k.loc["b", "reason"] == "a famous name, usable as a reference"
    assert k.loc["c", "types"] == "" and k.loc["c", "reason"] == "innovative: buys new products first"
    assert k.loc["d", "types"] == "expert" and bool(k.loc["d", "expert"])
    assert k.loc["a", "name"] == "A Ltd"
    assert k.loc["a", "types"] == "breadwinner"


def test_bad_flag_values_are_reported_by_row():
    clients = pd.DataFrame({"client_id": ["a", "b"], "is_reference": [True, "yes"]})
    with pytest.raises(KamDataError, match=r'column "is_reference" must hold yes/no values; rows \[1\]'):
        kamlib.key_accounts(orders_of({"a": 1}), clients)


def test_as_of_and_months_filter_the_orders():
    # 2024: a 100; 2025: b 100, a 5. With months=12 up to 2025-12-31: b 95.2 %, a 4.8 %
    orders = pd.concat([orders_of({"a": 100}, "2024-03-01"), orders_of({"b": 100, "a": 5}, "2025-03-01")],
                       ignore_index=True)
    k = kamlib.key_accounts(orders, pd.DataFrame({"client_id": ["a"]}), as_of="2025-12-31", months=12,
                            regular_share=None)
    assert flagged(k, "volume") == {"b"}
    allk = kamlib.key_accounts(orders, pd.DataFrame({"client_id": ["a"]}), regular_share=None)
    assert flagged(allk, "volume") == {"a", "b"}  # a 105/205, b 100/205
    early = kamlib.key_accounts(orders, pd.DataFrame({"client_id": ["a"]}), as_of="2024-12-31")
    assert early["client_id"].tolist() == ["a"] and early.loc[0, "share"] == 1.0


def test_arguments_are_checked():
    orders, clients = orders_of({"a": 1}), pd.DataFrame({"client_id": ["a"]})
    with pytest.raises(KamArgumentError, match="months=12 needs as_of"):
        kamlib.key_accounts(orders, clients, months=12)
    with pytest.raises(KamArgumentError, match="level='region' is not valid; use one of 'company', 'department', "
                                               "'manager'"):
        kamlib.key_accounts(orders, clients, level="region")
    with pytest.raises(KamArgumentError, match="share=1.5 is not valid"):
        kamlib.key_accounts(orders, clients, share=1.5)
    with pytest.raises(KamArgumentError, match="potential_ratio=0.5 is not valid"):
        kamlib.key_accounts(orders, clients, potential_ratio=0.5)


def test_inputs_are_not_modified():
    orders = orders_of({"a": 90, "b": 10})
    clients = pd.DataFrame({"client_id": ["a", "b"], "department": ["X", "X"], "potential_revenue": [1.0, 500.0]})
    before_o, before_c = orders.copy(), clients.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kamlib.key_accounts(orders, clients, level="department")
    pd.testing.assert_frame_equal(orders, before_o)
    pd.testing.assert_frame_equal(clients, before_c)


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.sampled_from([f"c{i}" for i in range(15)]), st.integers(1, 1000), min_size=1),
       st.floats(0.01, 0.5))
def test_property_at_most_1_over_share_clients_are_key_by_volume(amounts, share):
    # shares of positive totals sum to 1, so fewer than 1/share clients can each exceed share (003: "at most ten")
    k = kamlib.key_accounts(orders_of({c: float(v) for c, v in amounts.items()}),
                            pd.DataFrame({"client_id": ["c0"]}), share=share)
    assert k["volume"].sum() < 1 / share + 1e-9
    assert k.loc[k["volume"], "share"].gt(share).all()


def test_reason_shows_enough_decimals_near_the_cut_off():
    # A: 1000.4 of 10,000 -> 10.004 %: at one or two decimals it would read "10.0 % (more than 10.0 %)".
    orders = pd.DataFrame({
        "order_id": ["1", "2", "3"], "date": pd.to_datetime(["2025-01-10"] * 3),
        "client_id": ["A", "B", "C"], "revenue": [1000.4, 4500.0, 4499.6], "cost": [900.0, 4000.0, 4000.0],
    })
    clients = pd.DataFrame({"client_id": ["A", "B", "C"]})
    k = kamlib.key_accounts(orders, clients).set_index("client_id")
    assert "10.004 %" in k.loc["A", "reason"] and "more than 10.000 %" in k.loc["A", "reason"]


def test_reason_for_a_former_client_with_potential_says_it_no_longer_buys():
    orders = pd.DataFrame({
        "order_id": ["1", "2"], "date": pd.to_datetime(["2023-01-10", "2025-06-10"]),
        "client_id": ["OLD", "B"], "revenue": [100.0, 1000.0], "cost": [90.0, 900.0],
    })
    clients = pd.DataFrame({"client_id": ["OLD", "B"], "potential_revenue": [1e6, 0.0],
                            "first_deal_date": pd.to_datetime(["2020-01-01", "2024-01-01"])})
    k = kamlib.key_accounts(orders, clients, months=12, as_of="2025-12-31").set_index("client_id")
    assert "no longer buys from us" in k.loc["OLD", "reason"]


def test_volume_rule_counts_only_regular_clients():
    # 2025, as_of 2025-12-31, all history. reg: 10 every month (12 of 12 months -> regular), 120 in all.
    # once: one order of 200 in January (1 of 12 months < 1/3 -> not regular). late: 10 a month from
    # October (own window Oct..Dec, 3 of 3 -> regular). Shares: 120/350, 200/350, 30/350 (8.6 %).
    rows = [("reg", pd.Timestamp(2025, m, 5), 10.0) for m in range(1, 13)] + [("once", pd.Timestamp("2025-01-20"), 200.0)]
    rows += [("late", pd.Timestamp(2025, m, 5), 10.0) for m in (10, 11, 12)]
    orders = pd.DataFrame(rows, columns=["client_id", "date", "revenue"]).assign(cost=0.0)
    k = kamlib.key_accounts(orders, as_of="2025-12-31")
    assert flagged(k, "volume") == {"reg"}
    assert flagged(kamlib.key_accounts(orders, as_of="2025-12-31", regular_share=None), "volume") == {"reg", "once"}
    # 4 of 12 months is exactly a third -> regular
    four = orders[orders["client_id"] != "once"].copy()
    four = pd.concat([four, pd.DataFrame({"client_id": "q4", "date": pd.to_datetime(["2025-01-03", "2025-04-03",
                      "2025-07-03", "2025-10-03"]), "revenue": 100.0, "cost": 0.0})], ignore_index=True)
    assert "q4" in flagged(kamlib.key_accounts(four, as_of="2025-12-31"), "volume")


def test_potential_of_a_client_that_started_late_uses_its_own_window():
    # old: 100 a month for 36 months (2023..2025). new: first order in September 2025, 50 a month Sep..Dec
    # -> 200 in 4 months = 600 a year (not 200 / 3 years); potential 60,000 = 100 x 600.
    rows = [("old", pd.Timestamp(y, m, 1), 100.0) for y in (2023, 2024, 2025) for m in range(1, 13)]
    rows += [("new", pd.Timestamp(2025, m, 1), 50.0) for m in (9, 10, 11, 12)]
    orders = pd.DataFrame(rows, columns=["client_id", "date", "revenue"]).assign(cost=0.0)
    clients = pd.DataFrame({"client_id": ["old", "new"], "potential_revenue": [np.nan, 60_000.0]})
    k = kamlib.key_accounts(orders, clients, as_of="2025-12-31").set_index("client_id")
    assert k.loc["new", "potential_multiple"] == pytest.approx(100.0)


def test_clients_table_is_optional():
    orders = orders_of({"a": 90, "b": 10})
    k = kamlib.key_accounts(orders)
    assert flagged(k, "volume") == {"a"}  # b: 10 % is not more than 10 %
    assert "name" not in k.columns

"""Typologies of source 002 (M2): kamlib.classify_clients, criteria В, Г, Д, Е, Ж, З.

Expected classes are worked out by hand in the comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError, KamDataError

AS_OF = "2025-12-31"


def lines(rows: list[tuple[str, str, float]], cost_ratio: float | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["client_id", "date", "revenue"])
    frame["date"] = pd.to_datetime(frame["date"])
    if cost_ratio is not None:
        frame["cost"] = frame["revenue"] * cost_ratio
    return frame


def clients_of(ids: list[str], **columns: list[object]) -> pd.DataFrame:
    return pd.DataFrame({"client_id": ids, **columns})


def classes(result: pd.DataFrame, column: str) -> dict[str, object]:
    return result.set_index("client_id")[column].to_dict()


# --- В: turnover ---------------------------------------------------------------------------------


def turnover_orders() -> pd.DataFrame:
    # December 2025 only, months=1. Two purchase days each, except o (one deal).
    # v 1000, l 400, m1 100, m2 100, m3 120, s 20, o 500 (one deal), z in clients only.
    amounts = {"v": 1000, "l": 400, "m1": 100, "m2": 100, "m3": 120, "s": 20}
    rows = [(c, d, a / 2) for c, a in amounts.items() for d in ("2025-12-03", "2025-12-17")]
    rows.append(("o", "2025-12-10", 500))
    return lines(rows)


def test_turnover_tiers_with_a_high_vip_share():
    # company monthly turnover = 1000+400+100+100+120+20+500 = 2240
    # regular buyers (not o): 20, 100, 100, 120, 400, 1000 -> median (100 + 120) / 2 = 110
    # vip_share .30: v 1000/2240 = .446 -> VIP; l 400/110 = 3.6 >= 3 -> large; s 20/110 = .18 < 1/3 -> small;
    # m1, m2 100/110 = .91 and m3 120/110 = 1.09 -> medium; o one deal -> occasional; z -> none
    result = kamlib.classify_clients(turnover_orders(), clients_of(["z", "v", "l", "m1", "m2", "m3", "s", "o"]),
                                     as_of=AS_OF, months=1, vip_share=0.30)
    assert classes(result, "turnover_tier") == {
        "z": "no purchases in the period", "v": "VIP", "l": "large", "m1": "medium", "m2": "medium",
        "m3": "medium", "s": "small", "o": "occasional",
    }
    row = result.set_index("client_id").loc["v"]
    assert row["monthly_turnover"] == 1000 and row["turnover_share"] == pytest.approx(1000 / 2240)


def test_turnover_default_vip_share_is_five_percent():
    # 5 % of 2240 = 112: l (400), m3 (120) are VIP; m1 (100) is not; o (500) stays occasional
    result = kamlib.classify_clients(turnover_orders(), clients_of(["v"]), as_of=AS_OF, months=1)
    tiers = classes(result, "turnover_tier")
    assert tiers["l"] == "VIP" and tiers["m3"] == "VIP" and tiers["m1"] == "medium" and tiers["o"] == "occasional"


def test_turnover_ratio_cut_offs_are_inclusive_for_large_and_exclusive_for_small():
    # median of (30, 90, 90, 270) = 90; 270 / 90 = 3 exactly -> large; 30 / 90 = 1/3 exactly -> medium (small is below)
    rows = [(c, d, a / 2) for c, a in {"a": 270, "b": 90, "c": 90, "d": 30}.items()
            for d in ("2025-12-03", "2025-12-17")]
    result = kamlib.classify_clients(lines(rows), clients_of(["a", "b", "c", "d"]), as_of=AS_OF, months=1,
                                     vip_share=0.9)
    assert classes(result, "turnover_tier") == {"a": "large", "b": "medium", "c": "medium", "d": "medium"}


def test_monthly_turnover_averages_over_the_period_cut_to_the_data():
    # 12 months of 100 -> monthly 100; a 24-month window over 12 months of data is cut to 12 months
    rows = [("a", f"2025-{m:02d}-05", 100.0) for m in range(1, 13)]
    for months in (12, 24, None):
        r = kamlib.classify_clients(lines(rows), clients_of(["a"]), as_of=AS_OF, months=months)
        assert r.loc[0, "monthly_turnover"] == pytest.approx(100.0)
    # months=3: only Oct..Dec count: 300 / 3
    r = kamlib.classify_clients(lines(rows), clients_of(["a"]), as_of=AS_OF, months=3)
    assert r.loc[0, "revenue"] == 300.0 and r.loc[0, "purchases"] == 3


# --- Г: frequency -----------------------------------------------------------------------------------


def test_frequency_bands():
    days = pd.date_range("2025-12-01", "2025-12-31")
    rows = [("daily", d, 1.0) for d in days]                                # 30 gaps of 1 day -> 30.4 a month
    rows += [("twice_a_week", d, 1.0) for d in days[::2]]                   # 16 purchases, 15/30*30.44 = 15.2
    rows += [("weekly", d, 1.0) for d in days[::7]]                         # 1, 8, 15, 22, 29: 4/28*30.44 = 4.35
    rows += [("fortnightly", d, 1.0) for d in pd.date_range("2025-11-03", "2025-12-31", freq="14D")]  # 2.17
    rows += [("monthly", f"2025-{m:02d}-10", 1.0) for m in range(1, 13)]   # 11/334*30.44 = 1.00
    rows += [("bimonthly", f"2025-{m:02d}-10", 1.0) for m in range(1, 12, 2)]  # 5/304*30.44 = 0.50
    rows += [("once", "2025-06-01", 1.0)]
    result = kamlib.classify_clients(lines(rows), clients_of(["none"]), as_of=AS_OF)
    assert classes(result, "frequency") == {
        "none": "no purchases in the period", "daily": "every day", "twice_a_week": "several times a week",
        "weekly": "once or twice a week", "fortnightly": "several times a month", "monthly": "monthly",
        "bimonthly": "less often", "once": "a single purchase",
    }
    per_month = classes(result, "purchases_per_month")
    assert per_month["weekly"] == pytest.approx(4 / 28 * 365.25 / 12)
    assert per_month["monthly"] == pytest.approx(11 / 334 * 365.25 / 12)


def test_a_return_day_is_not_a_purchase_and_same_day_lines_are_one_purchase():
    # a: two lines on 1 Dec (one purchase), a return on 10 Dec (not a purchase), a purchase on 15 Dec
    rows = [("a", "2025-12-01", 5.0), ("a", "2025-12-01", 7.0), ("a", "2025-12-10", -3.0), ("a", "2025-12-15", 4.0)]
    r = kamlib.classify_clients(lines(rows), clients_of(["a"]), as_of=AS_OF)
    assert r.loc[0, "purchases"] == 2
    assert r.loc[0, "purchases_per_month"] == pytest.approx(1 / 14 * 365.25 / 12)
    assert r.loc[0, "revenue"] == 13.0


# --- Д: relationship -----------------------------------------------------------------------------------


def test_relationship_types():
    months_2025 = [f"2025-{m:02d}-10" for m in range(1, 13)]
    rows = [("permanent", f"{y}-{m:02d}-10", 1.0) for y in (2024, 2025) for m in range(1, 13)]  # 24 of 24 months
    rows += [("new", d, 1.0) for d in months_2025[6:]]                 # Jul..Dec: 6 of 6, tenure 6 < 12 -> stable
    rows += [("stable", d, 1.0) for d in months_2025[:8]] + [("stable", "2025-12-10", 1.0)]  # 9 of 12 = .75
    rows += [("irregular", d, 1.0) for d in months_2025[2::3]]         # Mar, Jun, Sep, Dec: 4 of Mar..Dec = .40
    rows += [("episodic", d, 1.0) for d in (months_2025[0], months_2025[11])]  # 2 of 12 = .17
    rows += [("lost", d, 1.0) for d in months_2025[:6]]                # last June: 12 - 6 = 6 months -> lost
    rows += [("not_yet_lost", d, 1.0) for d in months_2025[:7]]        # last July: 5 months; 7 of 12 = .58
    rows += [("one_off", "2024-05-05", 9.0)]
    rows += [("returns_only", "2025-05-05", -9.0)]
    result = kamlib.classify_clients(lines(rows), clients_of(["potential"]), as_of=AS_OF)
    assert classes(result, "relationship") == {
        "potential": "potential", "permanent": "permanent", "new": "stable", "stable": "stable",
        "irregular": "irregular", "episodic": "episodic", "lost": "lost", "not_yet_lost": "irregular",
        "one_off": "one-off", "returns_only": "potential",
    }
    r = result.set_index("client_id")
    assert r.loc["irregular", "active_months"] == 4 and r.loc["irregular", "tenure_months"] == 10
    assert r.loc["irregular", "active_share"] == pytest.approx(4 / 10)
    assert r.loc["lost", "months_since_last"] == 6
    assert r.loc["lost", "last_purchase"] == pd.Timestamp("2025-06-10")
    assert pd.isna(r.loc["potential", "months_since_last"]) and pd.isna(r.loc["potential", "first_purchase"])
    assert classes(kamlib.classify_clients(lines(rows), clients_of(["x"]), as_of=AS_OF, lost_months=5),
                   "relationship")["not_yet_lost"] == "lost"


def test_orders_after_as_of_are_ignored():
    rows = [("a", "2025-06-10", 1.0), ("a", "2026-01-10", 1.0), ("b", "2026-02-01", 5.0)]
    r = kamlib.classify_clients(lines(rows), clients_of(["a"]), as_of=AS_OF)
    assert r["client_id"].tolist() == ["a"]  # b has only a future line
    assert r.loc[0, "relationship"] == "one-off"


# --- Е, Ж, З ----------------------------------------------------------------------------------------------


def test_markup_tiers_at_their_boundaries():
    # cost 100 each: markup (revenue - 100) / 100
    revenue = {"r160": 160.0, "r150": 150.0, "r125": 125.0, "r110": 110.0, "r109": 109.0, "r90": 90.0}
    orders = lines([(c, "2025-12-05", v) for c, v in revenue.items()]).assign(cost=100.0)
    r = kamlib.classify_clients(orders, clients_of(list(revenue)), as_of=AS_OF)
    assert classes(r, "markup") == pytest.approx({"r160": .6, "r150": .5, "r125": .25, "r110": .1, "r109": .09,
                                                  "r90": -.1})
    assert classes(r, "markup_tier") == {"r160": "over 50 %", "r150": "25–50 %", "r125": "25–50 %",
                                         "r110": "10–25 %", "r109": "under 10 %", "r90": "under 10 %"}


def test_without_cost_the_markup_is_empty():
    r = kamlib.classify_clients(lines([("a", "2025-12-05", 1.0)]), clients_of(["a"]), as_of=AS_OF)
    assert np.isnan(r.loc[0, "markup"]) and pd.isna(r.loc[0, "markup_tier"])


def test_discount_tiers_flag_and_payment_form():
    discounts = [0.0, 5.0, 10.0, 10.5, 20.0, 40.0, 41.0, np.nan]
    ids = [f"c{i}" for i in range(len(discounts))]
    table = clients_of(ids, discount_pct=discounts, payment_form=["post-payment"] * 7 + [None],
                       name=[f"Client {i}" for i in range(len(discounts))])
    r = kamlib.classify_clients(lines([("c0", "2025-12-05", 1.0)]), table, as_of=AS_OF)
    assert r["discount_tier"].tolist()[:7] == ["0 %", "0–10 %", "0–10 %", "10–20 %", "10–20 %", "20–40 %",
                                               "over 40 % (check)"]
    assert pd.isna(r["discount_tier"].iloc[7])
    assert r["discount_flag"].tolist() == [False] * 6 + [True, False]
    assert r["payment_form"].tolist()[:7] == ["post-payment"] * 7 and pd.isna(r["payment_form"].iloc[7])
    assert r["name"].iloc[0] == "Client 0"


def test_bad_discounts_are_reported_by_row():
    table = clients_of(["a", "b", "c"], discount_pct=[5.0, 120.0, -1.0])
    with pytest.raises(KamDataError, match=r'"discount_pct" must be between 0 and 100; rows \[1, 2\]'):
        kamlib.classify_clients(lines([("a", "2025-12-05", 1.0)]), table, as_of=AS_OF)
    text = clients_of(["a", "b"], discount_pct=["5", "a lot"])
    with pytest.raises(KamDataError, match=r"rows \[1\]"):
        kamlib.classify_clients(lines([("a", "2025-12-05", 1.0)]), text, as_of=AS_OF)


# --- rows, inputs and errors ---------------------------------------------------------------------------------


def test_rows_follow_the_clients_table_then_unknown_ids_sorted_and_inputs_are_untouched():
    orders = lines([("zz", "2025-12-05", 1.0), ("b", "2025-12-05", 1.0), ("aa", "2025-12-05", 1.0)])
    table = clients_of(["b", "q"])
    before_o, before_c = orders.copy(), table.copy()
    r = kamlib.classify_clients(orders, table, as_of=AS_OF)
    assert r["client_id"].tolist() == ["b", "q", "aa", "zz"]
    pd.testing.assert_frame_equal(orders, before_o)
    pd.testing.assert_frame_equal(table, before_c)


def test_as_of_is_required_and_arguments_are_checked():
    orders, table = lines([("a", "2025-12-05", 1.0)]), clients_of(["a"])
    with pytest.raises(TypeError, match="as_of"):
        kamlib.classify_clients(orders, table)  # type: ignore[call-arg]
    with pytest.raises(KamArgumentError, match=r"frequency_cuts=\(1, 2\) is not valid; use 5 increasing numbers"):
        kamlib.classify_clients(orders, table, as_of=AS_OF, frequency_cuts=(1, 2))
    with pytest.raises(KamArgumentError, match=r"relationship_shares=\(0.9, 0.6, 0.3\) is not valid"):
        kamlib.classify_clients(orders, table, as_of=AS_OF, relationship_shares=(0.9, 0.6, 0.3))
    with pytest.raises(KamArgumentError, match=r"months=0 is not valid"):
        kamlib.classify_clients(orders, table, as_of=AS_OF, months=0)
    with pytest.raises(KamArgumentError, match=r"vip_share=-0.1 is not valid"):
        kamlib.classify_clients(orders, table, as_of=AS_OF, vip_share=-0.1)
    with pytest.raises(KamArgumentError, match=r"\(small_ratio, large_ratio\)=\(4.0, 3.0\) is not valid"):
        kamlib.classify_clients(orders, table, as_of=AS_OF, small_ratio=4.0)
    with pytest.raises(KamDataError, match=r"clients: 2 rows repeat the same client_id"):
        kamlib.classify_clients(orders, clients_of(["a", "a"]), as_of=AS_OF)
    with pytest.raises(KamDataError, match=r'clients: column "client_id" is missing'):
        kamlib.classify_clients(orders, pd.DataFrame({"id": ["a"]}), as_of=AS_OF)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abcdef"), st.integers(0, 700), st.integers(-5, 50)),
                min_size=1, max_size=40))
def test_property_every_client_gets_exactly_one_class_per_criterion(rows):
    orders = pd.DataFrame({"client_id": [c for c, _, _ in rows],
                           "date": [pd.Timestamp("2024-01-01") + pd.Timedelta(days=d) for _, d, _ in rows],
                           "revenue": [float(v) for _, _, v in rows]})
    r = kamlib.classify_clients(orders, clients_of(["a", "g"]), as_of=AS_OF)
    assert r["client_id"].is_unique and {"a", "g"} <= set(r["client_id"])
    for column in ("turnover_tier", "frequency", "relationship"):
        assert r[column].notna().all()
    # a client with no purchase at all is potential; one with one purchase is one-off
    never = r["first_purchase"].isna()
    assert (r.loc[never, "relationship"] == "potential").all()
    assert (r.loc[r["purchases"] == 1, "frequency"] == "a single purchase").all()
    assert ((r["active_share"] > 0) & (r["active_share"] <= 1) | never).all()


def test_clients_table_is_optional():
    import pandas as pd

    import kamlib

    orders = pd.DataFrame({"client_id": ["a", "b"], "date": pd.to_datetime(["2025-06-01", "2025-07-01"]),
                           "revenue": [10.0, 20.0]})
    without = kamlib.classify_clients(orders, as_of="2025-12-31")
    with_ids = kamlib.classify_clients(orders, pd.DataFrame({"client_id": ["a", "b"]}), as_of="2025-12-31")
    pd.testing.assert_frame_equal(without, with_ids)

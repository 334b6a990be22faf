"""kamlib.pick_clients: the course's cast chosen by rule, so the notebooks run on any company's data."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError, KamDataError

MONDAYS = pd.date_range("2025-01-06", "2025-12-29", freq="7D")  # 52 Mondays of 2025


def buys(client: str, amount: float, until: str = "2025-12-31") -> pd.DataFrame:
    days = MONDAYS[MONDAYS <= until]
    return pd.DataFrame({"client_id": client, "date": days, "revenue": amount})


@pytest.fixture
def company():
    """a > b > f > c > d > g > e by revenue; c and e innovative, b and d famous, e has a large potential;
    f stopped buying at the end of June (lost), g at the start of December (at risk)."""
    orders = pd.concat([buys("a", 100.0), buys("b", 50.0), buys("c", 20.0), buys("d", 10.0), buys("e", 1.0),
                        buys("f", 30.0, until="2025-06-30"), buys("g", 5.0, until="2025-12-01")],
                       ignore_index=True)
    clients = pd.DataFrame({
        "client_id": list("abcdefg"),
        "name": ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Phi", "Gimel"],
        "is_innovative": [False, False, True, False, True, False, False],
        "is_reference": [False, True, False, True, False, False, False],
        "potential_revenue": [None, None, None, None, 5000.0, None, None],
    })
    return orders, clients


def test_each_role_goes_to_the_client_its_rule_names(company):
    orders, clients = company
    cast = kamlib.pick_clients(orders, clients, as_of="2025-12-31")
    assert list(cast.index) == ["largest", "second", "innovator", "image_maker", "prospect", "lost", "at_risk"]
    assert cast.index.name == "role"
    # revenue: a 52 × 100, b 52 × 50, f 26 × 30 = 780, c 52 × 20 = 1040 → a, b are the two largest;
    # innovators c (1,040) and e (52): c; famous b and d, b already second: d;
    # e: potential 5,000 ≥ 5 × 52 and ≥ 10 % of the yearly total, below the volume rule → prospect;
    # f silent 184 days, g 30 days, both weekly buyers (gap floored at 14: at risk after 21, lost after 42)
    assert cast["client_id"].to_dict() == {
        "largest": "a", "second": "b", "innovator": "c", "image_maker": "d", "prospect": "e", "lost": "f",
        "at_risk": "g",
    }
    assert cast.loc["largest", "name"] == "Alpha" and cast.loc["at_risk", "name"] == "Gimel"
    assert cast.loc["lost", "rule"] == "the lost client with the most revenue at stake"


def test_a_client_plays_one_role_only(company):
    orders, clients = company
    clients = clients.assign(is_innovative=[True, True, False, False, False, False, False])
    cast = kamlib.pick_clients(orders, clients, as_of="2025-12-31")["client_id"]
    # a and b are the only innovators and already play largest and second: nobody is left
    assert pd.isna(cast["innovator"])
    assert cast["image_maker"] == "d"
    assert cast.dropna().is_unique


def test_orders_after_as_of_do_not_count(company):
    orders, clients = company
    late = pd.DataFrame({"client_id": ["d"], "date": [pd.Timestamp("2026-01-05")], "revenue": [1e9]})
    cast = kamlib.pick_clients(pd.concat([orders, late], ignore_index=True), clients, as_of="2025-12-31")
    assert cast.loc["largest", "client_id"] == "a"  # d's billion arrives after the analysis date


def test_ties_go_to_the_smaller_id(company):
    orders, clients = company
    orders = orders.assign(revenue=orders["revenue"].where(orders["client_id"] != "b", 100.0))  # b = a
    cast = kamlib.pick_clients(orders, clients, as_of="2025-12-31")
    assert (cast.loc["largest", "client_id"], cast.loc["second", "client_id"]) == ("a", "b")


def test_without_lost_or_at_risk_clients_the_roles_stay_empty(company):
    orders, clients = company
    steady = orders[~orders["client_id"].isin(["f", "g"])]
    cast = kamlib.pick_clients(steady, clients, as_of="2025-12-31")
    assert cast.loc[["lost", "at_risk"], "client_id"].isna().all()


def test_clients_without_optional_columns(company):
    orders, clients = company
    cast = kamlib.pick_clients(orders, clients[["client_id"]], as_of="2025-12-31")
    assert cast.loc[["innovator", "image_maker", "prospect"], "client_id"].isna().all()
    assert cast["name"].isna().all()
    assert cast.loc["lost", "client_id"] == "f"


def test_orders_alone_give_the_roles_that_need_no_client_table(company):
    orders, _ = company
    cast = kamlib.pick_clients(orders, as_of="2025-12-31")
    assert cast["client_id"].dropna().to_dict() == {"largest": "a", "second": "b", "lost": "f", "at_risk": "g"}
    assert cast["name"].isna().all()


def test_the_sample_company_gets_its_story_cast():
    data = kamlib.load_sample()
    cast = kamlib.pick_clients(data.orders, data.clients, as_of=kamlib.SAMPLE_AS_OF)["client_id"]
    # data/README.md: C001 35 % of sales, C002 11 %, C003 innovative plant, C004 image-maker,
    # C005 prospect, C006 left in July 2025, C016 fading since August
    assert cast.tolist() == ["C001", "C002", "C003", "C004", "C005", "C006", "C016"]


def test_errors_name_the_problem(company):
    orders, clients = company
    with pytest.raises(KamDataError, match='"revenue"'):
        kamlib.pick_clients(orders.drop(columns="revenue"), clients, as_of="2025-12-31")
    with pytest.raises(KamDataError, match='"client_id"'):
        kamlib.pick_clients(orders, clients.drop(columns="client_id"), as_of="2025-12-31")
    with pytest.raises(KamArgumentError, match="as_of"):
        kamlib.pick_clients(orders, clients, as_of="someday")
    with pytest.raises(KamArgumentError, match="orders"):
        kamlib.pick_clients({"orders": orders}, clients, as_of="2025-12-31")
    bad = orders.astype({"revenue": object})
    bad.loc[3, "revenue"] = "lots"
    with pytest.raises(KamDataError, match="revenue"):
        kamlib.pick_clients(bad, clients, as_of="2025-12-31")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=1000), min_size=2, max_size=8, unique=True))
def test_largest_and_second_follow_revenue_and_nobody_plays_twice(amounts):
    ids = [f"k{i}" for i in range(len(amounts))]
    orders = pd.concat([buys(c, float(a)) for c, a in zip(ids, amounts)], ignore_index=True)
    clients = pd.DataFrame({"client_id": ids, "is_innovative": True, "is_reference": True})
    cast = kamlib.pick_clients(orders, clients, as_of="2025-12-31")["client_id"]
    ranked = [c for _, c in sorted(zip(amounts, ids), reverse=True)]
    assert cast["largest"] == ranked[0] and cast["second"] == ranked[1]
    assert cast.dropna().is_unique
    if len(ids) >= 3:
        assert cast["innovator"] == ranked[2]  # everyone is innovative: the largest one not yet picked

"""The key-account manager: capacity, the seven criteria, funnels, pay levels and the reference lists (003, 004)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError, KamDataError
from kamlib.toolkit._manager import (
    effectiveness_criteria,
    hiring_funnel,
    management_mistakes,
    manager_capacity,
    manager_duties,
    manager_scorecard,
    manager_skills,
    meeting_norms,
    opportunity_funnel,
    pay_levels,
    training_stages,
)

# --- capacity ----------------------------------------------------------------


def test_capacity_from_the_managers_table():
    managers = pd.DataFrame(
        {
            "manager_id": ["M1", "M2", "M3", "M4"],
            "name": ["Ann", "Bob", "Cid", "Dee"],
            "key_accounts": ["C1|C2|C3|C4|C5", "C6|C7|C8", None, "C9| C9 |C10"],
        }
    )
    out = manager_capacity(managers)
    # Ann 5 > 3 (over by 2); Bob 3 = capacity (fine); Dee: C9 twice counts once -> 2; Cid none -> 0
    assert out[["manager", "n_key_accounts", "over_by"]].values.tolist() == [
        ["Ann", 5, 2], ["Bob", 3, 0], ["Dee", 2, 0], ["Cid", 0, 0]]
    assert out["over_capacity"].tolist() == [True, False, False, False]
    assert out["status"].tolist() == ["over capacity", "within capacity", "within capacity", "within capacity"]
    assert out.loc[2, "key_accounts"] == "C10|C9"
    # a trainer's stricter rule: at most 2
    assert manager_capacity(managers, max_key_accounts=2)["over_by"].tolist() == [3, 1, 0, 0]


def test_capacity_from_assignments_with_roster():
    key = pd.DataFrame({"client_id": ["A", "B", "C", "D", "E"], "manager": ["Ann", "Ann", "Ann", "Ann", "Bob"]})
    out = manager_capacity(pd.DataFrame({"name": ["Ann", "Bob", "Eve"]}), assignments=key)
    assert dict(zip(out["manager"], out["n_key_accounts"])) == {"Ann": 4, "Bob": 1, "Eve": 0}
    assert out.loc[0, "over_by"] == 4 - 3
    only = manager_capacity(assignments=key)
    assert only["manager"].tolist() == ["Ann", "Bob"]


def test_capacity_errors():
    with pytest.raises(KamArgumentError, match="give managers="):
        manager_capacity()
    with pytest.raises(KamDataError, match='assignments: column "manager" is missing'):
        manager_capacity(assignments=pd.DataFrame({"client_id": ["A"], "owner": ["Ann"]}))
    with pytest.raises(KamArgumentError, match="max_key_accounts=0 is not valid"):
        manager_capacity(pd.DataFrame({"name": ["A"], "key_accounts": ["C1"]}), max_key_accounts=0)


# --- the seven criteria --------------------------------------------------------


def test_seven_criteria_table():
    c = effectiveness_criteria()
    assert len(c) == 7
    assert c["number"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert "referrals" in c.loc[2, "criterion"]  # the restored third criterion
    assert "20 a day" in c.loc[3, "description"] and "1–2 a day" in c.loc[3, "description"]


@pytest.fixture
def measures():
    return pd.DataFrame(
        {
            "manager": ["Ann", "Bob"],
            "events_attended": [2, 0],
            "alternates_days": [True, "no"],
            "referral_ask_share": [1.0, 0.4],
            "meetings_per_day": [1.0, 0.6],
            "prospects_met": [40, 25],
            "contracts_signed": [4, 2],
            "plan_fulfilment": [1.08, 1.0],
            "funnel_prospects": [30, 12],
            "contracts_planned": [3, 2],
        }
    )


def test_scorecard_by_hand(measures):
    card = manager_scorecard(measures)
    assert len(card) == 2 * 7
    ann = card[card["manager"] == "Ann"].set_index("number")
    bob = card[card["manager"] == "Bob"].set_index("number")
    # Ann: 2 events ≥ 1; alternates; asks 100 %; 1.0 meetings a day ≥ 1 (B2B); 4/40 = 0.10 ≥ 0.10;
    # 108 % ≥ 100 %; 30 prospects / 3 contracts = 10 ≥ 10 -> all seven met
    assert ann["met"].tolist() == [True] * 7
    assert ann.loc[5, "value"] == pytest.approx(4 / 40)
    assert ann.loc[7, "value"] == pytest.approx(30 / 3)
    # Bob: 0 events; no; 40 %; 0.6 < 1; 2/25 = 0.08 < 0.10; 100 % ≥ 100 % (met); 12/2 = 6 < 10
    assert bob["met"].tolist() == [False, False, False, False, False, True, False]
    assert bob.loc[5, "value"] == pytest.approx(0.08)
    assert bob["norm"].tolist() == [1, 1, 1, 1, 0.1, 1, 10]


def test_scorecard_sector_norms_and_missing_data(measures):
    # consumer goods: about 20 a day is the norm -> 1.0 a day fails
    card = manager_scorecard(measures, sector="consumer_goods")
    assert card.loc[(card["manager"] == "Ann") & (card["number"] == 4), ["norm", "met"]].values.tolist() == [[20.0, False]]
    per_row = manager_scorecard(measures.assign(sector=["consumer_goods", "b2b"], meetings_per_day=[22, 1.5]))
    assert per_row.loc[per_row["number"] == 4, "met"].tolist() == [True, True]
    # only some measures: the rest are unjudged, not failed
    partial = manager_scorecard(pd.DataFrame({"manager": ["Cid"], "meetings_per_day": [2], "plan_fulfilment": [None]}))
    assert partial["met"].isna().tolist() == [True, True, True, False, True, True, True]
    assert str(partial["met"].dtype) == "boolean"


def test_scorecard_errors(measures):
    with pytest.raises(KamDataError, match='column "meetings_per_day" must hold numbers; found \'many\''):
        manager_scorecard(measures.assign(meetings_per_day=["many", 1]))
    with pytest.raises(KamDataError, match="alternates_days"):
        manager_scorecard(measures.assign(alternates_days=["sometimes", True]))
    with pytest.raises(KamArgumentError, match="sector='retail' is not valid; use one of 'consumer_goods', 'b2b'"):
        manager_scorecard(measures, sector="retail")
    with pytest.raises(KamDataError, match='column "sector" has retail'):
        manager_scorecard(measures.assign(sector=["retail", "b2b"]))
    with pytest.raises(KamDataError, match='measures: column "manager" is missing'):
        manager_scorecard(measures.drop(columns="manager"))


# --- meeting norms and funnels ----------------------------------------------------


def test_meeting_norms():
    n = meeting_norms().set_index("sector")
    assert n.loc["consumer_goods", ["meetings_per_day_low", "meetings_per_day_high"]].tolist() == [20, 20]
    assert n.loc["b2b", ["meetings_per_day_low", "meetings_per_day_high"]].tolist() == [1, 2]


def test_opportunity_funnel_one_contract_in_ten():
    f = opportunity_funnel(3)
    # 3 / 0.10 = 30 prospects, one meeting each = 30 meetings; B2B 2 a day -> 15 days, 1 a day -> 30 days
    assert (f.prospects, f.meetings, f.working_days_low, f.working_days_high) == (30, 30, 15, 30)
    assert "15–30 working days" in repr(f)
    g = opportunity_funnel(2, 0.25, meetings_per_prospect=2, meetings_per_day=3)
    # 2 / 0.25 = 8 prospects; 8 × 2 = 16 meetings; ⌈16 / 3⌉ = 6 days
    assert (g.prospects, g.meetings, g.working_days_low, g.working_days_high) == (8, 16, 6, 6)
    c = opportunity_funnel(1, sector="consumer_goods", meetings_per_prospect=60)
    # 10 prospects × 60 = 600 meetings at 20 a day = 30 days
    assert (c.meetings, c.working_days_high) == (600, 30)
    assert list(f.as_frame()["value"]) == [30, 30, 15, 30]


def test_hiring_funnel_source_numbers():
    h = hiring_funnel()
    # 1 in 5 comes: 5 interviews need 5 / 0.2 = 25 invitations; 25 × 5 = 125 CVs screened
    assert (h.invitations, h.screened) == (25, 125)
    # the source's "plan 15–20 for 5 interviews, screen about 100" matches 1 in 4 to 1 in 3
    assert (hiring_funnel(show_rate=0.25).invitations, hiring_funnel(show_rate=0.25).screened) == (20, 100)
    assert hiring_funnel(show_rate=1 / 3).invitations == 15
    assert "invite 25, screen about 125 CVs" in repr(h)
    with pytest.raises(KamArgumentError, match="show_rate=0 is not valid"):
        hiring_funnel(show_rate=0)


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 500), st.floats(0.01, 1.0))
def test_opportunity_funnel_property(contracts, conversion):
    f = opportunity_funnel(contracts, conversion)
    assert f.prospects * conversion >= contracts - 1e-6  # enough prospects
    assert f.prospects == 0 or (f.prospects - 1) * conversion < contracts + 1e-6  # and not one too many
    assert f.working_days_low <= f.working_days_high


# --- pay levels and reference lists ---------------------------------------------------


def test_pay_levels_faithful_to_the_source():
    p = pay_levels()
    assert len(p) == 4 * 4
    assert set(p["unit"]) == {"thousand roubles a month"}
    moscow = p[p["city"] == "Moscow"].set_index("level")
    assert moscow.loc[1, ["min_pay", "max_pay"]].tolist() == [25, 30]
    assert math.isnan(moscow.loc[2, "min_pay"]) and moscow.loc[2, "max_pay"] == 40  # "up to 40": no minimum
    assert moscow.loc[3, "bound"] == "up to"
    assert moscow.loc[4, ["min_pay", "max_pay", "bound"]].tolist() == [120, 120, "single figure"]
    nn = p[p["city"] == "Nizhny Novgorod"].set_index("level")["max_pay"].tolist()
    assert nn == [15, 20, 28, 55]
    spb = p[p["city"] == "St Petersburg"].set_index("level")
    assert spb.loc[1, ["min_pay", "max_pay"]].tolist() == [20, 23]
    assert p.loc[p["level"] == 4, "max_pay"].tolist() == [120, 95, 75, 55]
    assert p.groupby("level")["min_years"].first().tolist() == [0, 1, 2, 3]


def test_reference_lists_have_the_source_counts():
    assert len(manager_duties()) == 20
    assert manager_duties()["number"].tolist() == list(range(1, 21))
    assert manager_duties()["duty"].is_unique
    assert len(training_stages()) == 4
    assert "six months" in training_stages().loc[3, "duration"]
    assert "3–4 weeks" in training_stages().loc[2, "duration"]
    assert len(management_mistakes()) == 4
    assert "3 million" in management_mistakes().loc[0, "mistake"]
    skills = manager_skills()
    assert len(skills) == 27 and skills["skill"].is_unique
    assert skills["kind"].value_counts().to_dict() == {"skill": 14, "knowledge": 11, "education": 2}
    # items of both sources (003 l. 139-159, 004 l. 68-73), each tagged with the source that names it
    by_id = skills.set_index("skill_id")["source"]
    assert by_id["dedication"] == "003" and by_id["administration"] == "003"
    assert by_id["anticipation"] == "004" and by_id["business_knowledge"] == "004"
    assert set(by_id) == {"003", "004", "003, 004"}


def test_public_names_are_exported():
    for name in ["manager_capacity", "effectiveness_criteria", "manager_scorecard", "meeting_norms",
                 "opportunity_funnel", "hiring_funnel", "pay_levels", "manager_duties", "manager_skills",
                 "training_stages", "management_mistakes"]:
        assert getattr(kamlib, name) is globals()[name]

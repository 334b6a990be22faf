"""Win-back: lost reasons, competitor SWOT/TOWS, the deal's whole economics and the counter-offer (sources 003, 004)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError, KamDataError
from kamlib.toolkit._winback import (
    CompetitorSWOT,
    counter_offer_report,
    deal_economics,
    deal_lines,
    lost_client_causes,
    lost_client_mistakes,
    lost_reasons,
    tows,
)

# --- reference tables --------------------------------------------------------


def test_lost_reasons_four_with_recoverability_and_next_step():
    table = lost_reasons()
    assert len(table) == 4
    assert table["reason_id"].tolist() == ["better_offer", "unhappy_with_service", "no_longer_needs",
                                           "personal_hostility"]
    # only clients lost over terms or service can come back (003: not after personal hostility)
    assert table["can_win_back"].tolist() == [True, True, False, False]
    steps = dict(zip(table["reason_id"], table["next_step"]))
    assert "what if" in steps["better_offer"] and "what if" in steps["unhappy_with_service"]
    assert "referral" in steps["no_longer_needs"]
    assert "Leave well" in steps["personal_hostility"]
    assert table["recoverability"].str.len().gt(20).all()


def test_causes_and_mistakes_have_the_source_counts():
    assert len(lost_client_causes()) == 4  # 004: service, quality, deadlines, ignored/forgotten
    assert len(lost_client_mistakes()) == 5  # 004: delays, surprises, not knowing, unprepared, product
    assert lost_client_mistakes()["number"].tolist() == [1, 2, 3, 4, 5]
    assert lost_client_causes()["cause"].is_unique


# --- SWOT / TOWS -------------------------------------------------------------


@pytest.fixture
def swot():
    return CompetitorSWOT(
        "Westwood",
        strengths=["free delivery", "low defect rate"],
        weaknesses=["higher price"],
        opportunities=["client collects goods itself"],
        threats=["6 % lower price", "new production line"],
    )


def test_tows_pairs_every_internal_with_every_external_item(swot):
    long = tows(swot)
    # SO 2×1 + ST 2×2 + WO 1×1 + WT 1×2 = 2 + 4 + 1 + 2 = 9 options
    assert len(long) == 9
    assert long["strategy"].value_counts().to_dict() == {"ST": 4, "SO": 2, "WT": 2, "WO": 1}
    first = long.iloc[0]
    assert (first["strategy"], first["internal"], first["external"]) == ("SO", "free delivery",
                                                                         "client collects goods itself")
    assert first["option"] == 'Use "free delivery" to take "client collects goods itself"'
    grid = tows(swot, as_grid=True)
    assert grid.shape == (2, 2)
    assert grid.loc["weaknesses", "opportunities"] == 'Fix "higher price" to take "client collects goods itself"'
    assert grid.loc["strengths", "threats"].count("; ") == 3  # four options joined


def test_swot_validation_and_frame():
    assert len(CompetitorSWOT("X").to_frame()) == 0
    assert tows(CompetitorSWOT("X", strengths=["a"])).empty  # nothing external to pair with
    assert CompetitorSWOT("X", strengths=(" a ",)).strengths == ["a"]
    with pytest.raises(KamArgumentError, match="strengths='fast' is not valid; use a list of non-empty texts"):
        CompetitorSWOT("X", strengths="fast")
    with pytest.raises(KamArgumentError, match="threats"):
        CompetitorSWOT("X", threats=["ok", ""])
    with pytest.raises(KamArgumentError, match="swot='dict' is not valid; use CompetitorSWOT"):
        tows({"strengths": []})


# --- deal economics: the plant's case -----------------------------------------


def plant_case() -> pd.DataFrame:
    """The client who switched to a cheaper panel maker (003), with course numbers."""
    return pd.DataFrame(
        {
            "offer_id": ["O1", "O2"],
            "client_id": ["K7", "K7"],
            "supplier": ["us", "Cheaper Panels"],
            "unit_price": [100.0, 94.0],
            "annual_volume": [2000.0, 2000.0],
            "delivery_cost_per_unit": [0.0, 3.0],
            "defect_rate": [0.005, 0.03],
            "defect_cost_per_unit": [40.0, 40.0],
            "payment_days": [30.0, 0.0],
            "downtime_days": [0.0, 0.0],
            "downtime_cost_per_day": [5000.0, 5000.0],
            "admin_cost": [2000.0, 3000.0],
        }
    )


def test_plant_case_lower_price_is_a_negligible_gain():
    e = deal_economics(plant_case())  # cost of money 15 % a year
    us, rival = e.iloc[0], e.iloc[1]
    assert (us["supplier"], rival["supplier"]) == ("us", "Cheaper Panels")
    # us: price 100 × 2000 = 200 000; defects 0.005 × 2000 × 40 = 400; admin 2 000 -> 202 400
    assert us[["price_cost", "delivery_cost", "defect_cost", "payment_terms_cost", "downtime_cost",
               "admin_cost"]].tolist() == pytest.approx([200_000, 0, 400, 0, 0, 2_000])
    assert us["total_cost"] == pytest.approx(202_400)
    # rival: price 94 × 2000 = 188 000; delivery 3 × 2000 = 6 000; defects 0.03 × 2000 × 40 = 2 400;
    # prepayment instead of our 30 days: 188 000 × 0.15 × 30/365 = 2 317.81; admin 3 000
    payment = 188_000 * 0.15 * 30 / 365
    assert rival["payment_terms_cost"] == pytest.approx(payment)
    total = 188_000 + 6_000 + 2_400 + payment + 0 + 3_000  # 201 717.81
    assert rival["total_cost"] == pytest.approx(total)
    # apparent gain: 200 000 − 188 000 = 12 000 = 6 % of our price
    assert rival["apparent_gain"] == pytest.approx(12_000)
    assert rival["apparent_gain_pct"] == pytest.approx(6.0)
    # real gain: 202 400 − 201 717.81 = 682.19 = 0.34 % of our total — negligible
    assert rival["real_gain"] == pytest.approx(202_400 - total)
    assert rival["real_gain"] == pytest.approx(682.19, abs=0.01)
    assert rival["real_gain_pct"] == pytest.approx((202_400 - total) / 202_400 * 100)
    assert rival["real_gain_pct"] < 0.5 < 6.0
    assert rival["hidden_costs"] == pytest.approx(total - 188_000)
    assert (us["apparent_gain"], us["real_gain"]) == (0, 0)


def test_deal_economics_rate_reference_days_and_missing_columns():
    offers = plant_case()
    free_money = deal_economics(offers, cost_of_money=0.0)
    assert free_money["payment_terms_cost"].tolist() == [0.0, 0.0]
    # against 60 days both are charged: us 200 000 × 0.1 × 30/365; rival 188 000 × 0.1 × 60/365
    ref = deal_economics(offers, cost_of_money=0.10, reference_payment_days=60)
    assert ref["payment_terms_cost"].tolist() == pytest.approx([200_000 * 0.1 * 30 / 365, 188_000 * 0.1 * 60 / 365])
    # only the required columns: every implicit cost is 0, real gain = apparent gain
    bare = deal_economics(offers[["client_id", "supplier", "unit_price", "annual_volume"]])
    assert bare["real_gain"].tolist() == bare["apparent_gain"].tolist() == [0.0, 12_000.0]
    # an empty cell counts as 0, not as an error
    gap = offers.assign(admin_cost=[2000.0, None])
    assert deal_economics(gap)["admin_cost"].tolist() == [2000.0, 0.0]


def test_deal_economics_several_clients_ours_first_and_filter():
    two = pd.concat([plant_case().iloc[::-1], plant_case().assign(client_id="A1")], ignore_index=True)
    e = deal_economics(two)
    assert e[["client_id", "supplier"]].values.tolist() == [
        ["A1", "us"], ["A1", "Cheaper Panels"], ["K7", "us"], ["K7", "Cheaper Panels"]]
    only = deal_economics(two, "K7")
    assert only["client_id"].unique().tolist() == ["K7"]
    assert offers_untouched(two)


def offers_untouched(frame: pd.DataFrame) -> bool:
    return list(frame.columns)[:3] == ["offer_id", "client_id", "supplier"] and "total_cost" not in frame


def test_deal_economics_errors():
    offers = plant_case()
    with pytest.raises(KamDataError, match='every client needs exactly one offer with supplier "us"; clients K7 have 0'):
        deal_economics(offers.assign(supplier=["we", "Cheaper Panels"]))
    with pytest.raises(KamDataError, match="clients K7 have 2"):
        deal_economics(offers.assign(supplier=["us", "us"]))
    with pytest.raises(KamDataError, match=r'column "delivery_cost_per_unit" must hold numbers ≥ 0; found -3\.0 in rows \[1\]'):
        deal_economics(offers.assign(delivery_cost_per_unit=[0.0, -3.0]))
    with pytest.raises(KamDataError, match=r"found 'free' in rows \[0\]"):
        deal_economics(offers.assign(admin_cost=["free", 3000]))
    with pytest.raises(KamDataError, match="write 2 % as 0.02"):
        deal_economics(offers.assign(defect_rate=[0.005, 3.0]))
    with pytest.raises(KamArgumentError, match="client_id='Z9' is not valid; use one of 'K7'"):
        deal_economics(offers, "Z9")
    with pytest.raises(KamArgumentError, match="cost_of_money=15 is not valid"):
        deal_economics(offers, cost_of_money=15)
    with pytest.raises(KamDataError, match='column "unit_price" is missing'):
        deal_economics(offers.drop(columns="unit_price"))


@settings(max_examples=60, deadline=None)
@given(
    price=st.floats(1, 1000), volume=st.floats(1, 10_000), delivery=st.floats(0, 50), admin=st.floats(0, 1e5),
    days=st.floats(0, 120),
)
def test_deal_economics_hidden_costs_only_reduce_the_gain(price, volume, delivery, admin, days):
    offers = pd.DataFrame({"client_id": ["c", "c"], "supplier": ["us", "them"],
                           "unit_price": [price, price * 0.9], "annual_volume": [volume, volume],
                           "delivery_cost_per_unit": [0.0, delivery], "admin_cost": [0.0, admin],
                           "payment_days": [days, 0.0]})
    e = deal_economics(offers)
    rival = e.iloc[1]
    # we carry no hidden cost, the rival only adds some: real gain = apparent gain − rival's hidden costs
    assert rival["real_gain"] == pytest.approx(rival["apparent_gain"] - rival["hidden_costs"], rel=1e-9, abs=1e-6)
    assert rival["real_gain"] <= rival["apparent_gain"] + 1e-6
    assert (e["total_cost"] >= e["price_cost"] - 1e-9).all()


def test_deal_lines_side_by_side():
    lines = deal_lines(deal_economics(plant_case()))
    assert lines.index.tolist() == ["price", "delivery", "defects and returns", "payment terms (cost of money)",
                                    "downtime", "administration", "total"]
    assert lines.columns.tolist() == ["us", "Cheaper Panels"]
    assert lines.loc["defects and returns", "Cheaper Panels"] == pytest.approx(2_400)
    two = pd.concat([plant_case(), plant_case().assign(client_id="A1")])
    with pytest.raises(KamArgumentError, match=r"several clients \(A1, K7\); pass client_id="):
        deal_lines(deal_economics(two))
    assert deal_lines(deal_economics(two), "A1").shape == (7, 2)


# --- the counter-offer report -------------------------------------------------


def test_report_markdown_shows_apparent_and_real_gain(swot):
    text = counter_offer_report(deal_economics(plant_case()), swot, client_name="Pine & Co")
    assert text.startswith("# Counter-offer for Pine &amp; Co\n")
    assert "6.0 % cheaper: 12 000 a year" in text  # apparent
    assert "the real saving is only 682 a year (0.3 % of the yearly cost)" in text  # real
    assert "| total | 202 400 | 201 718 | −682 |" in text
    assert "| payment terms \\(cost of money\\) |" not in text  # labels are not user input: not escaped
    assert "- free delivery" in text
    # the mechanical TOWS pairings are the manager's working tool, not text for the client
    assert "Use " not in text and "Fix " not in text and "What we are putting right" not in text
    assert "15 % a year" in text and "30 days" in text
    fixed = counter_offer_report(deal_economics(plant_case()), swot, client_name="Pine & Co",
                                 fixes=["Deliveries on a fixed day, with a named driver"],
                                 proposal=["Free delivery and 30 days' deferral, price unchanged"])
    keep, fixes, offer = (fixed.index(h) for h in ("## What you keep with us", "## What we are putting right",
                                                     "## Our proposal"))
    assert keep < fixes < offer
    assert "- Deliveries on a fixed day, with a named driver" in fixed
    assert "- Free delivery and 30 days' deferral, price unchanged" in fixed


def test_report_says_when_the_competitor_is_dearer():
    offers = plant_case().assign(downtime_days=[0.0, 2.0])  # two days' downtime: 2 × 5 000 = 10 000 more
    text = counter_offer_report(deal_economics(offers))
    # real gain 682.19 − 10 000 = −9 317.81
    assert "costs 9 318 a year MORE" in text
    assert text.startswith("# Counter-offer for K7")


def test_report_html_escapes_every_user_string():
    evil = "<script>alert(1)</script>"
    offers = plant_case().assign(supplier=["us", "<b>Rival</b>"])
    swot = CompetitorSWOT(evil, strengths=[evil], opportunities=["<img src=x onerror=alert(2)>"])
    page = counter_offer_report(deal_economics(offers), swot, client_name=evil, format="html", fixes=[evil],
                                proposal=["<i>x</i>"])
    assert "<script>" not in page and "<i>x" not in page and "&lt;i&gt;x&lt;/i&gt;" in page
    assert "<h2>What we are putting right</h2>" in page
    assert "<script>" not in page and "<b>Rival" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;Rival&lt;/b&gt;" in page
    assert page.startswith('<article class="kam-counter-offer">') and page.endswith("</article>")
    md = counter_offer_report(deal_economics(offers), swot, client_name=evil)
    assert "<script>" not in md and "<b>" not in md and "<img" not in md


def test_report_choices_and_errors():
    three = pd.concat([plant_case(), plant_case().iloc[[1]].assign(supplier="Dear Ltd", unit_price=99.0)])
    e = deal_economics(three)
    assert "from Cheaper Panels" in counter_offer_report(e)  # default: the lowest price
    assert "from Dear Ltd" in counter_offer_report(e, competitor="Dear Ltd")
    with pytest.raises(KamArgumentError, match="competitor='Nobody' is not valid"):
        counter_offer_report(e, competitor="Nobody")
    with pytest.raises(KamArgumentError, match="format='pdf' is not valid; use one of 'markdown', 'html'"):
        counter_offer_report(e, format="pdf")
    with pytest.raises(KamArgumentError, match="has only our offer"):
        counter_offer_report(deal_economics(plant_case().iloc[[0]]))
    with pytest.raises(KamDataError, match='column "real_gain" is missing'):
        counter_offer_report(e.drop(columns="real_gain"))


def test_public_names_are_exported():
    for name in ["lost_reasons", "lost_client_causes", "lost_client_mistakes", "CompetitorSWOT", "tows",
                 "deal_economics", "deal_lines", "counter_offer_report"]:
        assert getattr(kamlib, name) is globals()[name]

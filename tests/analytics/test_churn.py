"""Lost and at-risk clients against their own rhythm, loss dynamics, win-back list (M8), by hand."""

from __future__ import annotations

import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError, KamDataError
from kamlib.analytics import _churn

D = pd.Timestamp


def lines(*rows: tuple[str, str, float]) -> pd.DataFrame:
    """Order lines from (client_id, date, revenue) tuples."""
    return pd.DataFrame({
        "client_id": [r[0] for r in rows],
        "date": pd.to_datetime([r[1] for r in rows]),
        "revenue": [float(r[2]) for r in rows],
    })


def status_of(orders: pd.DataFrame, as_of, client: str, **kw) -> str:
    st_ = kamlib.churn_status(orders, as_of, **kw).set_index("client_id")
    return st_.loc[client, "status"]


# --- churn_status ----------------------------------------------------------------------------

QUARTERLY = lines(("q", "2024-01-01", 900), ("q", "2024-04-01", 900), ("q", "2024-07-01", 900),
                  ("q", "2024-10-01", 900))  # gaps 91, 91, 92 → median 91


def test_quarterly_buyer_is_not_lost_after_40_days():
    out = kamlib.churn_status(QUARTERLY, "2024-11-10")  # 40 days after 1 October
    row = out.iloc[0]
    assert row["usual_gap_days"] == 91.0
    assert row["days_since_last"] == 40
    assert row["at_risk_after_days"] == 136.5  # 1.5 × 91
    assert row["lost_after_days"] == 273.0  # 3 × 91
    assert row["status"] == "active"
    assert row["purchase_days"] == 4
    assert row["first_purchase"] == D("2024-01-01") and row["last_purchase"] == D("2024-10-01")
    assert row["revenue"] == 3600.0


@pytest.mark.parametrize(
    ("as_of", "status"),
    [
        ("2025-02-14", "active"),  # 136 days ≤ 136.5
        ("2025-02-15", "at risk"),  # 137 days > 136.5
        ("2025-06-30", "at risk"),  # 272 days
        ("2025-07-01", "at risk"),  # 273 days: not *over* 3 × 91
        ("2025-07-02", "lost"),  # 274 days
    ],
)
def test_quarterly_buyer_thresholds(as_of, status):
    assert status_of(QUARTERLY, as_of, "q") == status


def test_monthly_buyer_silent_for_100_days_is_lost():
    orders = lines(("m", "2024-01-01", 10), ("m", "2024-01-31", 10), ("m", "2024-03-01", 10))  # gaps 30, 30
    assert status_of(orders, "2024-04-15", "m") == "active"  # 45 days = 1.5 × 30, not over
    assert status_of(orders, "2024-04-16", "m") == "at risk"  # 46
    assert status_of(orders, "2024-05-30", "m") == "at risk"  # 90 = 3 × 30
    assert status_of(orders, "2024-05-31", "m") == "lost"  # 91
    assert status_of(orders, "2024-06-09", "m") == "lost"  # 100


def test_daily_buyer_is_protected_by_the_floor():
    orders = lines(*[("d", f"2024-03-{day:02d}", 5) for day in range(1, 11)])  # gap 1 → floor 14
    out = kamlib.churn_status(orders, "2024-03-31").iloc[0]  # 21 days since 10 March
    assert out["usual_gap_days"] == 1.0
    assert out["at_risk_after_days"] == 21.0 and out["lost_after_days"] == 42.0
    assert out["status"] == "active"
    assert status_of(orders, "2024-04-01", "d") == "at risk"  # 22
    assert status_of(orders, "2024-04-22", "d") == "lost"  # 43
    assert status_of(orders, "2024-04-01", "d", min_gap_days=0) == "lost"  # 22 > 3 × 1 without floor


def test_factors_are_arguments():
    assert status_of(QUARTERLY, "2024-11-10", "q", at_risk_factor=0.4, lost_factor=2) == "at risk"  # 40 > 36.4


def test_median_gap_with_an_even_number_of_gaps_and_same_day_lines():
    orders = lines(("x", "2024-01-01", 1), ("x", "2024-01-01", 1), ("x", "2024-01-11", 1),
                   ("x", "2024-01-31", 1), ("x", "2024-03-01", 1), ("x", "2024-04-10", 1))
    # distinct days: 1 Jan, 11 Jan, 31 Jan, 1 Mar, 10 Apr → gaps 10, 20, 30, 40 → median (20 + 30)/2
    out = kamlib.churn_status(orders, "2024-04-10").iloc[0]
    assert out["purchase_days"] == 5
    assert out["usual_gap_days"] == 25.0
    assert out["days_since_last"] == 0 and out["status"] == "active"


def test_one_off_stays_one_off_unless_asked():
    orders = lines(("o", "2022-01-01", 100), ("r", "2024-01-01", 10), ("r", "2024-02-01", 10))
    out = kamlib.churn_status(orders, "2024-03-01").set_index("client_id")
    assert out.loc["o", "status"] == "one-off"
    assert np.isnan(out.loc["o", "usual_gap_days"]) and np.isnan(out.loc["o", "lost_after_days"])
    assert out.loc["o", "days_since_last"] == 790  # 2022-01-01 → 2024-03-01
    again = kamlib.churn_status(orders, "2024-03-01", one_off_lost_after=365).set_index("client_id")
    assert again.loc["o", "status"] == "lost"
    recent = kamlib.churn_status(orders, "2022-06-01", one_off_lost_after=365)
    assert recent.set_index("client_id").loc["o", "status"] == "one-off"  # 151 days ≤ 365


def test_returns_and_zero_lines_are_not_purchases():
    orders = lines(("a", "2024-01-01", 100), ("a", "2024-02-01", -30), ("a", "2024-03-01", 0),
                   ("a", "2024-04-01", 100),  # purchases: 1 Jan, 1 Apr → one gap of 91
                   ("z", "2024-01-05", -50))  # only a return in the data
    out = kamlib.churn_status(orders, "2024-04-10").set_index("client_id")
    assert out.loc["a", "purchase_days"] == 2 and out.loc["a", "usual_gap_days"] == 91.0
    assert out.loc["a", "revenue"] == 170.0  # 100 − 30 + 0 + 100: the total keeps returns
    assert out.loc["z", "status"] == "no purchase"
    assert pd.isna(out.loc["z", "last_purchase"]) and pd.isna(out.loc["z", "days_since_last"])
    assert out.loc["z", "purchase_days"] == 0


def test_lines_after_as_of_are_ignored_and_late_starters_are_not_clients_yet():
    orders = lines(("a", "2024-01-01", 1), ("a", "2024-02-01", 1), ("a", "2024-09-01", 1),
                   ("late", "2024-08-01", 1))
    out = kamlib.churn_status(orders, "2024-06-30")
    assert out["client_id"].tolist() == ["a"]
    assert out.iloc[0]["last_purchase"] == D("2024-02-01") and out.iloc[0]["purchase_days"] == 2


def test_client_that_starts_late_is_judged_on_its_short_rhythm():
    orders = lines(("old", "2022-01-01", 1), ("old", "2024-05-01", 1),
                   ("new", "2024-05-20", 1), ("new", "2024-05-30", 1))  # gap 10 → floor 14
    out = kamlib.churn_status(orders, "2024-06-25").set_index("client_id")
    assert out.loc["new", "usual_gap_days"] == 10.0
    assert out.loc["new", "days_since_last"] == 26
    assert out.loc["new", "status"] == "at risk"  # 26 > 21 (1.5 × 14), ≤ 42
    assert out.loc["old", "status"] == "active"  # gap 851 days


def test_one_period_and_sorted_by_client():
    orders = lines(("b", "2024-01-01", 1), ("a", "2024-01-01", 2))
    out = kamlib.churn_status(orders, "2024-01-01")
    assert out["client_id"].tolist() == ["a", "b"]
    assert out["status"].tolist() == ["one-off", "one-off"]
    assert out["days_since_last"].tolist() == [0, 0]


def test_status_is_a_categorical_in_display_order():
    out = kamlib.churn_status(QUARTERLY, "2024-11-10")
    assert list(out["status"].cat.categories) == ["active", "at risk", "lost", "one-off", "no purchase"]


def test_caller_frame_is_not_modified():
    orders = QUARTERLY.copy()
    kamlib.churn_status(orders, "2025-01-01")
    pd.testing.assert_frame_equal(orders, QUARTERLY)


def test_errors():
    with pytest.raises(KamArgumentError, match="as_of='someday' is not a date"):
        kamlib.churn_status(QUARTERLY, "someday")
    with pytest.raises(KamDataError, match='column "date" is missing'):
        kamlib.churn_status(QUARTERLY.drop(columns="date"), "2025-01-01")
    bad = QUARTERLY.assign(date=["2024-01-01", "not a date", "2024-07-01", None])
    with pytest.raises(KamDataError) as err:
        kamlib.churn_status(bad, "2025-01-01")
    assert "row 1: 'not a date'" in str(err.value) and err.value.rows == [1, 3]
    with pytest.raises(KamArgumentError, match="lost_factor \\(1\\) must be at least at_risk_factor \\(1.5\\)"):
        kamlib.churn_status(QUARTERLY, "2025-01-01", lost_factor=1)
    with pytest.raises(KamDataError, match='"client_id" has 1 empty cell'):
        kamlib.churn_status(QUARTERLY.assign(client_id=["q", None, "q", "q"]), "2025-01-01")


def test_text_dates_and_timezones_are_read():
    text = QUARTERLY.assign(date=QUARTERLY["date"].dt.strftime("%Y-%m-%d"))
    tz = QUARTERLY.assign(date=QUARTERLY["date"].dt.tz_localize("Europe/Helsinki"))
    expected = kamlib.churn_status(QUARTERLY, "2024-11-10")
    for frame in (text, tz):
        got = kamlib.churn_status(frame, "2024-11-10")
        assert got["usual_gap_days"].tolist() == expected["usual_gap_days"].tolist()
        assert got["status"].tolist() == expected["status"].tolist()


# --- the bitmap and the sort give the same, and both match a plain reference -----------------


def reference_status(orders: pd.DataFrame, as_of: pd.Timestamp) -> dict[str, tuple]:
    """Slow, obvious version of the rule (defaults 1.5, 3, 14)."""
    out = {}
    upto = orders[orders["date"] <= as_of]
    for cid, g in upto.groupby("client_id"):
        days = sorted(set(g.loc[g["revenue"] > 0, "date"]))
        if not days:
            out[cid] = ("no purchase", 0, None)
            continue
        since = (as_of - days[-1]).days
        if len(days) == 1:
            out[cid] = ("one-off", 1, None)
            continue
        gap = statistics.median([(b - a).days for a, b in zip(days, days[1:])])
        expected = max(gap, 14)
        status = "lost" if since > 3 * expected else "at risk" if since > 1.5 * expected else "active"
        out[cid] = (status, len(days), gap)
    return out


order_rows = st.lists(
    st.tuples(st.sampled_from("abcdef"), st.integers(0, 400), st.sampled_from([-50.0, 0.0, 10.0, 100.0])),
    min_size=1, max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(order_rows, st.integers(0, 500), st.booleans())
def test_property_matches_reference(rows, as_of_offset, use_sort):
    start = D("2024-01-01")
    orders = pd.DataFrame({
        "client_id": [r[0] for r in rows],
        "date": [start + pd.Timedelta(days=r[1]) for r in rows],
        "revenue": [r[2] for r in rows],
    })
    as_of = start + pd.Timedelta(days=as_of_offset)
    old = _churn._BITMAP_LIMIT
    _churn._BITMAP_LIMIT = 0 if use_sort else old
    try:
        if not (orders["date"] <= as_of).any():
            return
        got = kamlib.churn_status(orders, as_of).set_index("client_id")
    finally:
        _churn._BITMAP_LIMIT = old
    ref = reference_status(orders, as_of)
    assert sorted(got.index) == sorted(ref)
    for cid, (status, n_days, gap) in ref.items():
        assert got.loc[cid, "status"] == status
        assert got.loc[cid, "purchase_days"] == n_days
        if gap is None:
            assert np.isnan(got.loc[cid, "usual_gap_days"])
        else:
            assert got.loc[cid, "usual_gap_days"] == gap


# --- churn_dynamics --------------------------------------------------------------------------


def dynamics_orders() -> pd.DataFrame:
    return lines(
        # a: monthly, last 5 Mar 2024 → lost by 30 Sep; revenue taken: the year up to 5 Mar
        ("a", "2023-01-05", 999), ("a", "2024-01-05", 100), ("a", "2024-02-05", 100), ("a", "2024-03-05", 100),
        # b: monthly, last 15 Apr → lost; c: monthly, last 20 Apr → lost
        ("b", "2024-02-15", 10), ("b", "2024-03-15", 10), ("b", "2024-04-15", 10),
        ("c", "2024-02-20", 30), ("c", "2024-03-20", 30), ("c", "2024-04-20", 30), ("c", "2024-04-20", -5),
        # d: still buying monthly
        ("d", "2024-07-01", 1), ("d", "2024-08-01", 1), ("d", "2024-09-01", 1),
    )


def test_dynamics_by_month_by_hand():
    out = kamlib.churn_dynamics(dynamics_orders(), as_of="2024-09-30")
    # grid: January 2023 (first line) … September 2024 = 21 month ends
    assert len(out) == 21 and out["period"].iloc[0] == D("2023-01-31") and out["period"].iloc[-1] == D("2024-09-30")
    lost = out[out["lost_clients"] > 0].set_index("period")
    # a's 999 on 5 Jan 2023 is more than 365 days before 5 Mar 2024: not taken
    assert lost.loc[D("2024-03-31"), "lost_clients"] == 1 and lost.loc[D("2024-03-31"), "lost_revenue"] == 300.0
    # April: b 30 and c 90 − 5 = 85
    assert lost.loc[D("2024-04-30"), "lost_clients"] == 2 and lost.loc[D("2024-04-30"), "lost_revenue"] == 115.0
    assert out["lost_clients"].sum() == 3


def test_dynamics_by_segment_quarterly_with_zero_filled_grid():
    clients = pd.DataFrame({"client_id": ["a", "b", "c", "d"],
                            "client_type": ["wholesale", "HoReCa", "wholesale", "retail"]})
    out = kamlib.churn_dynamics(dynamics_orders(), clients, by="client_type", freq="Q", as_of="2024-09-30")
    # "Q" is read as "QE"; quarters Q1 2023 … Q3 2024 = 7, × 3 segments (retail lost no one: zeros)
    assert len(out) == 21
    assert out.loc[out["client_type"] == "retail", "lost_clients"].sum() == 0
    q1 = out[out["period"] == D("2024-03-31")].set_index("client_type")
    q2 = out[out["period"] == D("2024-06-30")].set_index("client_type")
    assert q1.loc["wholesale", "lost_clients"] == 1 and q1.loc["HoReCa", "lost_clients"] == 0
    assert q2.loc["wholesale", "lost_revenue"] == 85.0 and q2.loc["HoReCa", "lost_revenue"] == 30.0


def test_dynamics_detected_dates():
    out = kamlib.churn_dynamics(dynamics_orders(), freq="ME", as_of="2024-09-30", loss_date="detected")
    lost = out[out["lost_clients"] > 0].set_index("period")["lost_clients"]
    # a: gaps 31, 29 → 30; lost after 90 days → first flagged 5 Mar + 91 = 4 Jun
    # b: gaps 29, 31 → 30 → 15 Apr + 91 = 15 Jul; c: 20 Apr + 91 = 20 Jul
    assert lost.to_dict() == {D("2024-06-30"): 1, D("2024-07-31"): 2}


def test_dynamics_segment_from_orders_last_purchase_line():
    orders = dynamics_orders()
    orders["department"] = ["X", "X", "X", "Y"] + ["Y"] * 3 + ["Y"] * 4 + ["X"] * 3  # a ends in Y
    out = kamlib.churn_dynamics(orders, by="department", freq="YE", as_of="2024-09-30")
    assert out.set_index(["period", "department"]).loc[(D("2024-12-31"), "Y"), "lost_clients"] == 3


def test_dynamics_segment_of_a_client_with_only_returns_comes_from_its_latest_line():
    orders = lines(("a", "2024-01-01", 10), ("a", "2024-01-31", 10), ("z", "2024-01-05", -5), ("z", "2024-02-05", -5))
    orders["region"] = ["N", "S", "E", "W"]
    out = kamlib.churn_dynamics(orders, by="region", freq="YE", as_of="2024-12-31")
    # a is lost (last line region S); z has no purchase, its latest line says W: a segment with zeros
    assert out[["region", "lost_clients"]].values.tolist() == [["S", 1], ["W", 0]]


def test_dynamics_errors():
    with pytest.raises(KamArgumentError, match="freq='fortnight'"):
        kamlib.churn_dynamics(dynamics_orders(), freq="fortnight", as_of="2024-09-30")
    with pytest.raises(KamDataError, match='column "client_type" is missing'):
        kamlib.churn_dynamics(dynamics_orders(), by="client_type", as_of="2024-09-30")
    with pytest.raises(KamArgumentError, match="loss_date='first'"):
        kamlib.churn_dynamics(dynamics_orders(), as_of="2024-09-30", loss_date="first")


def test_dynamics_when_nobody_is_lost():
    out = kamlib.churn_dynamics(QUARTERLY, freq="QE", as_of="2024-11-10")
    assert out["lost_clients"].sum() == 0 and len(out) == 4  # Q1 … Q4 2024


# --- winback_list ----------------------------------------------------------------------------


def winback_orders() -> pd.DataFrame:
    q = ["2023-01-10", "2023-04-10", "2023-07-10", "2023-10-10", "2024-01-10", "2024-04-10", "2024-07-10",
         "2024-10-10"]
    rows = [("fall", d, v) for d, v in zip(q, [400] * 6 + [100] * 2)]
    rows += [("flat", d, 50) for d in q]
    rows += [("grow", d, v) for d, v in zip(q, [10] * 6 + [100] * 2)]
    rows += [("new", "2024-08-10", 700), ("new", "2024-10-10", 700)]
    rows += [("fine", "2025-06-01", 5), ("fine", "2025-06-30", 5)]
    rows += [("once", "2024-01-01", 5000)]
    return lines(*rows)


def test_winback_ranked_with_trends_by_hand():
    wl = kamlib.winback_list(winback_orders(), as_of="2025-07-01")
    assert wl["client_id"].tolist() == ["new", "fall", "grow", "flat"]  # "fine" active, "once" one-off
    assert wl["rank"].tolist() == [1, 2, 3, 4]
    w = wl.set_index("client_id")
    # fall: year before 10 Oct 2024 = 10 Jan + 10 Apr (before half) 800, 10 Jul + 10 Oct (recent) 200
    assert (w.loc["fall", "revenue_before"], w.loc["fall", "revenue_recent"]) == (800.0, 200.0)
    assert w.loc["fall", "revenue_at_stake"] == 1000.0
    assert w.loc["fall", "trend_pct"] == pytest.approx(-0.75) and w.loc["fall", "trend"] == "falling"
    assert w.loc["flat", "trend"] == "stable" and w.loc["flat", "trend_pct"] == 0.0
    assert w.loc["grow", "trend_pct"] == pytest.approx(200 / 20 - 1) and w.loc["grow", "trend"] == "rising"
    assert w.loc["new", "trend"] == "short history" and np.isnan(w.loc["new", "trend_pct"])
    # fall: 264 days since 10 Oct 2024, usual gap 91 (gaps 90, 91, 92, 92, 91, 91, 92 → 91):
    # over 1.5 × 91 = 136.5, not over 3 × 91 = 273 → at risk; new: gap 61, 264 > 183 → lost
    assert w.loc["fall", "status"] == "at risk" and w.loc["fall", "days_since_last"] == 264
    assert w.loc["new", "status"] == "lost"
    assert w.loc["fall", "gaps_overdue"] == pytest.approx(264 / 91)
    assert w.loc["fall", "note"] == ("no purchase for 264 days, 2.9 times its usual gap of 91 days; "
                                     "revenue -75% in the half-year before it went quiet")


def test_winback_status_filter_top_and_client_columns():
    clients = pd.DataFrame({"client_id": ["fall", "flat", "grow", "new", "once", "fine"],
                            "name": ["F", "Fl", "G", "N", "O", "Fi"], "manager": ["Ann"] * 6})
    wl = kamlib.winback_list(winback_orders(), clients, as_of="2025-07-01", statuses=["lost", "one_off"], top=2)
    assert wl["client_id"].tolist() == ["once", "new"]  # 5000 then 1400
    assert list(wl.columns[:4]) == ["rank", "client_id", "name", "manager"]
    assert wl.loc[0, "note"] == "bought once, 547 days ago"


def test_winback_ties_by_client_id_and_at_risk():
    orders = lines(("b", "2024-01-01", 10), ("b", "2024-01-31", 10), ("a", "2024-01-01", 10), ("a", "2024-01-31", 10))
    wl = kamlib.winback_list(orders, as_of="2024-03-31")  # 60 days, gap 30: at risk for both
    assert wl["client_id"].tolist() == ["a", "b"] and set(wl["status"]) == {"at risk"}
    assert wl["gaps_overdue"].tolist() == [2.0, 2.0]  # 60 / 30


def test_winback_gaps_overdue_uses_the_usual_gap_not_the_floor():
    orders = lines(*[("d", f"2024-03-{day:02d}", 5) for day in range(1, 11)])  # daily, gap 1
    wl = kamlib.winback_list(orders, as_of="2024-04-22")  # 43 days > 42 → lost
    assert wl.loc[0, "status"] == "lost" and wl.loc[0, "gaps_overdue"] == 43.0
    assert wl.loc[0, "note"].startswith("no purchase for 43 days, 43.0 times its usual gap of 1 days")


def test_winback_errors():
    with pytest.raises(KamArgumentError, match="statuses='gone'"):
        kamlib.winback_list(winback_orders(), as_of="2025-07-01", statuses=["gone"])
    with pytest.raises(KamArgumentError, match="top=0"):
        kamlib.winback_list(winback_orders(), as_of="2025-07-01", top=0)


def test_notes_built_per_distinct_value_read_like_the_one_row_sentence():
    # the win-back notes are put together per distinct value; the text must be what the
    # one-row sentence gives, down to the edge values: -0.0 (prints "-0"), NaN, inf, an empty day
    rows = pd.DataFrame({
        "days_since_last": pd.array([120, 120, None, 7, 400, 35], dtype="Int64"),
        "usual_gap_days": [10.0, np.nan, 3.0, 2.5, 0.0, 10.0],
        "gaps_overdue": [12.0, np.nan, -0.0, 2.8, np.inf, 3.5],
        "trend_pct": [-0.0, 0.004, np.nan, -0.75, 1e6, -0.005],
    })
    expected = [_churn._note(r) for r in rows.itertuples(index=False)]
    assert _churn._notes(rows).tolist() == expected
    assert expected[0] == ("no purchase for 120 days, 12.0 times its usual gap of 10 days; "
                           "revenue -0% in the half-year before it went quiet")
    assert expected[1] == "bought once, 120 days ago; revenue +0% in the half-year before it went quiet"
    assert _churn._notes(rows.iloc[:0]).tolist() == []

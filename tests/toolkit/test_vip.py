"""VIP programme: segments, the year's contact plan, staffing, splitting the client list (source 001)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError, KamDataError
from kamlib.toolkit._vip import (
    contact_plan,
    split_clients,
    vip_segments,
    vip_staffing,
    vip_staffing_case,
)

MV, KEY, OTHER = "most valuable", "key", "other"


# --- vip_segments ----------------------------------------------------------


def test_segments_pareto_split_by_hand():
    # revenue 40+25+15+10+5+5 = 100; cumulative 0.40, 0.65, 0.80, 0.90, 0.95, 1.00
    # key: cumulative ≤ 0.80 -> a, b, c (3 clients); most valuable ⌈0.2 × 3⌉ = 1 -> a
    sales = pd.DataFrame({"client_id": list("fedcba"), "revenue": [5, 5, 10, 15, 25, 40]})
    out = vip_segments(sales)
    assert out["client_id"].tolist() == ["a", "b", "c", "d", "e", "f"]  # e/f tie at 5: by client_id
    assert out["segment"].tolist() == [MV, KEY, KEY, OTHER, OTHER, OTHER]
    assert out["cumulative_share"].round(2).tolist() == [0.40, 0.65, 0.80, 0.90, 0.95, 1.00]


def test_segments_sum_order_lines_and_keep_manager():
    lines = pd.DataFrame(
        {"client_id": ["a", "a", "b"], "revenue": [30.0, 50.0, 20.0], "manager": ["Ann", "Ann", "Bob"]}
    )
    out = vip_segments(lines, most_valuable_n=0)
    # a = 30 + 50 = 80 -> share 0.8 (key); b = 20 -> cumulative 1.0 (other)
    assert out[["client_id", "revenue", "manager"]].values.tolist() == [["a", 80.0, "Ann"], ["b", 20.0, "Bob"]]
    assert out["segment"].tolist() == [KEY, OTHER]


def test_segments_largest_client_always_key_and_nonpositive_other():
    # a alone is 90 % > 80 %, still key; c has returns only (−5): other, share 0
    out = vip_segments(pd.DataFrame({"client_id": ["a", "b", "c"], "revenue": [90, 10, -5]}))
    assert out["segment"].tolist() == [MV, OTHER, OTHER]
    assert out["share"].tolist() == [0.9, 0.1, 0.0]


def test_segments_errors_name_the_column_and_argument():
    with pytest.raises(KamDataError, match='column "revenue" is missing; the table has: client_id, sum'):
        vip_segments(pd.DataFrame({"client_id": ["a"], "sum": [1]}))
    with pytest.raises(KamArgumentError, match=r"key_share=1\.5 is not valid"):
        vip_segments(pd.DataFrame({"client_id": ["a"], "revenue": [1]}), key_share=1.5)


# --- contact_plan ------------------------------------------------------------


@pytest.fixture
def segments():
    return pd.DataFrame(
        {
            "client_id": ["k1", "m1", "o1", "o2", "x1"],
            "manager": ["Ann", "Ann", "Ann", "Ann", "Bob"],
            "segment": [KEY, MV, OTHER, OTHER, KEY],
        }
    )


def test_contact_plan_cadence_by_hand(segments):
    plan = contact_plan(segments, 2025)
    long = plan.long
    # Ann's clients in order most valuable, key, other, other: m1 -> Jun, k1 -> Jul, o1 -> Aug, o2 -> Jun
    sweep = long[long["with_questionnaire"]].set_index("client_id")["month"].to_dict()
    assert sweep == {"m1": 6, "k1": 7, "o1": 8, "o2": 6, "x1": 6}
    counts = long.groupby("client_id").size().to_dict()
    # most valuable: 12 meetings (11 relationship + 1 questionnaire); key: one a quarter = 4; other: 1
    assert counts == {"m1": 12, "k1": 4, "o1": 1, "o2": 1, "x1": 4}
    # key k1: Feb, May, (Aug skipped: its questionnaire is in Jul, same quarter), Nov + Jul questionnaire
    assert long.loc[long["client_id"] == "k1", "month"].tolist() == [2, 5, 7, 11]
    # key x1: questionnaire in Jun (Q2), so May is skipped: Feb, Jun, Aug, Nov
    assert long.loc[long["client_id"] == "x1", "month"].tolist() == [2, 6, 8, 11]
    # exactly one questionnaire per client a year
    assert long.groupby("client_id")["with_questionnaire"].sum().eq(1).all()
    assert set(long["kind"]) == {"questionnaire", "relationship"}
    assert (long["year"] == 2025).all()


def test_contact_plan_calendars_and_load(segments):
    plan = contact_plan(segments, 2025)
    assert plan.managers == ["Ann", "Bob"]
    cal = plan.calendar("Ann")
    assert list(cal.columns) == ["segment", "jan", "feb", "mar", "apr", "may", "jun",
                                 "jul", "aug", "sep", "oct", "nov", "dec"]
    assert cal.loc["m1", "jun"] == "questionnaire" and cal.loc["m1", "jan"] == "relationship"
    assert cal.loc["o1", "jan"] == "" and cal.loc["o1", "aug"] == "questionnaire"
    # Ann: 12 + 4 + 1 + 1 = 18 meetings; Bob: 4
    assert plan.load["total"].to_dict() == {"Ann": 18, "Bob": 4}
    # Ann in June: m1 questionnaire + o2 questionnaire = 2
    assert plan.load.loc["Ann", "jun"] == 2
    # the caller's frame is untouched and the calendar is a copy
    cal.loc["m1", "jun"] = "changed"
    assert plan.calendar("Ann").loc["m1", "jun"] == "questionnaire"
    assert list(segments.columns) == ["client_id", "manager", "segment"]


def test_contact_plan_deterministic_and_other_window(segments):
    a = contact_plan(segments, 2025, sweep_months=(1, 2), key_month_in_quarter=3)
    b = contact_plan(segments.iloc[::-1], 2025, sweep_months=(1, 2), key_month_in_quarter=3)
    pd.testing.assert_frame_equal(
        a.long.sort_values(["client_id", "month"]).reset_index(drop=True),
        b.long.sort_values(["client_id", "month"]).reset_index(drop=True),
    )
    # k1 (second of Ann's list) -> Feb questionnaire; quarter meetings in Mar (skipped, same Q1), Jun, Sep, Dec
    assert a.long.loc[a.long["client_id"] == "k1", "month"].tolist() == [2, 6, 9, 12]


def test_contact_plan_without_manager_column():
    plan = contact_plan(pd.DataFrame({"client_id": ["a"], "segment": [OTHER]}), 2026)
    assert plan.managers == ["unassigned"]
    assert "2026" in repr(plan)


def test_contact_plan_errors(segments):
    with pytest.raises(KamDataError, match=r'unknown segment\(s\) VIP .*"most valuable", "key", "other"'):
        contact_plan(segments.assign(segment=["VIP", KEY, OTHER, OTHER, KEY]), 2025)
    with pytest.raises(KamArgumentError, match=r"sweep_months=\(6, 13\) is not valid"):
        contact_plan(segments, 2025, sweep_months=(6, 13))
    with pytest.raises(KamArgumentError, match="sweep_months"):
        contact_plan(segments, 2025, sweep_months=())
    with pytest.raises(KamDataError, match="repeat the same client_id"):
        contact_plan(pd.concat([segments, segments.iloc[:1]]), 2025)
    with pytest.raises(KamDataError, match="segments: the table has no data rows"):
        contact_plan(segments.iloc[:0], 2025)
    with pytest.raises(KamArgumentError, match="manager='Cid' is not valid; use one of 'Ann', 'Bob'"):
        contact_plan(segments, 2025).calendar("Cid")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.sampled_from([MV, KEY, OTHER]), min_size=1, max_size=25),
    st.lists(st.integers(1, 12), min_size=1, max_size=4, unique=True),
)
def test_contact_plan_meeting_counts_property(segs, sweep):
    seg = pd.DataFrame({"client_id": [f"c{i:02d}" for i in range(len(segs))], "segment": segs,
                        "manager": ["A" if i % 2 else "B" for i in range(len(segs))]})
    long = contact_plan(seg, 2025, sweep_months=sweep).long
    counts = long.groupby("client_id").size()
    expected = seg.set_index("client_id")["segment"].map({MV: 12, KEY: 4, OTHER: 1})
    assert counts.reindex(expected.index).tolist() == expected.tolist()
    assert long.groupby("client_id")["with_questionnaire"].sum().eq(1).all()
    assert long.loc[long["with_questionnaire"], "month"].isin(sweep).all()
    # the sweep is spread evenly: per manager, months differ by at most one questionnaire
    per = long[long["with_questionnaire"]].groupby(["manager", "month"]).size()
    for manager, part in per.groupby(level=0):
        full = part.droplevel(0).reindex(sweep, fill_value=0)
        assert full.max() - full.min() <= 1


# --- vip_staffing ------------------------------------------------------------


def test_staffing_source_case_one_permanent_three_full_time_rest_part_time():
    case = vip_staffing_case()
    # 700 clients, sales team of 6, 3-month sweep of 3 × 52/12 = 13 weeks
    assert case.sweep_weeks == pytest.approx(13)
    assert case.questionnaires_per_week == pytest.approx(700 / 13)  # 53.85
    # full-time F: 15F + 5(6 − F) ≥ 53.85 -> F ≥ (53.85 − 30)/10 = 2.38 -> 3
    assert (case.full_time, case.part_time) == (3, 3)
    # 140 key (20 % of 700), 28 most valuable (⌈0.2 × 140⌉); 28 × 11 + 112 × 3 = 644 a year; 644/52 = 12.4 ≤ 15
    assert (case.n_key, case.n_most_valuable, case.regular_meetings_per_year) == (140, 28, 644)
    assert case.permanent == 1
    assert case.summary == ("1 permanent (the programme head) all year; for the 3-month sweep the whole sales team "
                            "joins: 3 full-time, 3 part-time alongside sales")
    text = repr(case)
    assert "700 / 13 = 53.85" in text and "⌈53.85 / 15⌉ = 4" in text


@pytest.mark.parametrize("n, full_time", [(651, 3), (780, 3), (650, 2), (781, 4)])
def test_staffing_case_bounds(n, full_time):
    # F = ⌈(n/13 − 30)/10⌉: 650/13 = 50 -> 2; 651/13 = 50.08 -> 3; 780/13 = 60 -> 3; 781/13 = 60.08 -> 4
    assert vip_staffing(n, sales_team=6).full_time == full_time


def test_staffing_without_team_and_two_month_sweep():
    s = vip_staffing(520, sweep_months=2, n_key=0)
    # 2 × 52/12 = 8.67 weeks; 520 / 8.67 = 60 a week; dedicated ⌈60/15⌉ = 4; alongside ⌈60/5⌉ = 12
    assert s.questionnaires_per_week == pytest.approx(60)
    assert (s.dedicated_only, s.alongside_only, s.full_time, s.permanent) == (4, 12, None, 1)
    assert "either 4 dedicated people or 12 sales people" in s.summary


def test_staffing_team_too_small_adds_dedicated():
    s = vip_staffing(1300, sales_team=2, n_key=0)
    # 1300/13 = 100 a week; whole team full-time gives 2 × 15 = 30; extra ⌈(100 − 30)/15⌉ = 5
    assert (s.full_time, s.part_time, s.extra_dedicated) == (2, 0, 5)
    assert s.summary.endswith("plus 5 extra dedicated people")


def test_staffing_many_regular_meetings_need_more_permanent_staff():
    s = vip_staffing(1000, n_key=200, n_most_valuable=100)
    # 100 × 11 + 100 × 3 = 1400 a year; 1400/52 = 26.9 a week; ⌈26.9/15⌉ = 2
    assert s.permanent == 2
    assert s.summary.startswith("2 permanent (the programme head and 1 more)")
    frame = s.as_frame()
    assert list(frame.columns) == ["step", "formula", "value"]
    assert frame["value"].iloc[-1] == 2


def test_staffing_errors():
    with pytest.raises(KamArgumentError, match=r"n_clients=-3 is not valid; use a whole number ≥ 0"):
        vip_staffing(-3)
    with pytest.raises(KamArgumentError, match="norm_dedicated=5 is not valid"):
        vip_staffing(100, norm_dedicated=5)
    with pytest.raises(KamArgumentError, match="n_most_valuable=30 is not valid"):
        vip_staffing(100, n_key=20, n_most_valuable=30)


# --- split_clients -----------------------------------------------------------


def test_split_rules_and_balance_by_hand():
    clients = pd.DataFrame(
        {
            "client_id": ["c1", "c2", "c3", "c4", "c5", "c6"],
            "won_by": ["Ann", "Ann", "Bob", None, "Zed", "Bob"],
            "has_relationship": [True, False, True, False, True, True],
            "sells_everything": [True, True, True, True, True, False],
            "shields_client": [False, False, True, False, False, False],
        }
    )
    out = split_clients(clients, ["Ann", "Bob", "Cid"])
    assert out["rule"].tolist() == ["keep", "no_relationship", "shields", "not_on_staff", "not_on_staff",
                                    "not_selling_everything"]
    # step 4 of source 001: only shielding is a "must"; no relationship / not selling everything is a "possibly"
    assert out["decision"].tolist() == ["keep", "head_decides", "must_hand_over", "must_hand_over",
                                        "must_hand_over", "head_decides"]
    # proposals balanced as if all accepted: kept c1 -> Ann (Ann 1, Bob 0, Cid 0); then in client_id order
    # (equal weights): c2 (won by Ann) -> Bob (0, first of Bob/Cid); c3 (Bob) -> Cid (0 < Ann 1);
    # c4 -> Ann/Bob/Cid all 1 -> Ann; c5 -> Bob (1) vs Cid (1) vs Ann (2) -> Bob; c6 (Bob) -> Cid (1) < Ann (2)
    assert out["proposed_to"].tolist()[1:] == ["Bob", "Cid", "Ann", "Bob", "Cid"]
    assert pd.isna(out.loc[0, "proposed_to"])
    # by default the "possibly" clients stay with the person who won them: nothing is reassigned silently
    assert out["assigned_to"].tolist() == ["Ann", "Ann", "Cid", "Ann", "Bob", "Bob"]
    assert out["kept"].tolist() == [True, True, False, False, False, True]
    assert out.loc[1, "reason"].startswith("possibly someone else should run the programme with it")
    assert out.loc[1, "reason"].endswith("Stays with Ann until then; proposed: Bob.")
    assert out.loc[2, "reason"] == "must be handed over: Bob shields the client from colleagues"
    assert out.loc[3, "reason"] == "must go to someone on the programme: nobody on record won the client"
    # the head's decision to hand them all over
    over = split_clients(clients, ["Ann", "Bob", "Cid"], uncertain="hand_over")
    assert over["assigned_to"].tolist() == ["Ann", "Bob", "Cid", "Ann", "Bob", "Cid"]
    assert over["kept"].tolist() == [True, False, False, False, False, False]
    assert over.loc[5, "reason"].endswith("Handed over to Cid, as the programme head decided.")
    # nobody gets a client back that they had to hand over
    moved = over[~over["kept"] & over["won_by"].notna()]
    assert (moved["assigned_to"] != moved["won_by"]).all()


def test_split_weighted_balance():
    clients = pd.DataFrame(
        {
            "client_id": ["a", "b", "c", "d"],
            "won_by": ["X", "X", "X", "X"],
            "has_relationship": [False] * 4,
            "shields_client": [False] * 4,
            "revenue": [10, 40, 30, 20],
        }
    )
    out = split_clients(clients, ["Ann", "Bob"], weight_col="revenue")
    # X is not on the staff, so every client must move; heaviest first:
    # b 40 -> Ann (40); c 30 -> Bob (30); d 20 -> Bob (50); a 10 -> Ann (50)
    assert dict(zip(out["client_id"], out["assigned_to"])) == {"a": "Ann", "b": "Ann", "c": "Bob", "d": "Bob"}
    assert set(out["decision"]) == {"must_hand_over"}


def test_split_shielding_keeper_overrides_relationship_and_words_for_bools():
    clients = pd.DataFrame({"client_id": ["a"], "won_by": ["Ann"], "has_relationship": ["yes"],
                            "shields_client": ["yes"]})
    out = split_clients(clients, ["Ann", "Bob"])
    assert out.loc[0, ["assigned_to", "rule", "decision"]].tolist() == ["Bob", "shields", "must_hand_over"]
    alone = split_clients(clients, ["Ann"])
    assert pd.isna(alone.loc[0, "assigned_to"])
    assert alone.loc[0, "reason"].endswith("Nobody else on the staff can take it.")
    # a "possibly" client with nobody else to propose stays, and says so
    maybe = clients.assign(has_relationship=["no"], shields_client=["no"])
    lone = split_clients(maybe, ["Ann"])
    assert lone.loc[0, ["assigned_to", "decision"]].tolist() == ["Ann", "head_decides"]
    assert pd.isna(lone.loc[0, "proposed_to"])


def test_split_errors():
    good = pd.DataFrame({"client_id": ["a"], "won_by": ["Ann"], "has_relationship": [True],
                         "shields_client": [False]})
    with pytest.raises(KamDataError, match='column "shields_client" is missing'):
        split_clients(good.drop(columns="shields_client"), ["Ann"])
    with pytest.raises(KamDataError, match=r'column "has_relationship" must be yes/no .*found \'maybe\''):
        split_clients(good.assign(has_relationship=["maybe"]), ["Ann"])
    with pytest.raises(KamArgumentError, match="staff=.* is not valid; use a non-empty list of different names"):
        split_clients(good, [])
    with pytest.raises(KamArgumentError, match="staff"):
        split_clients(good, ["Ann", "Ann"])
    with pytest.raises(KamArgumentError, match="uncertain"):
        split_clients(good, ["Ann"], uncertain="reassign")


def test_public_names_are_exported():
    for name in ["vip_segments", "contact_plan", "vip_staffing", "vip_staffing_case", "split_clients"]:
        assert getattr(kamlib, name) is globals()[name]

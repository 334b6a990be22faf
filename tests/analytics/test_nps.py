"""NPS, its adjusted-Wald interval, segments, changes and the account view (M7), worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError, KamDataError

Z95 = 1.959963984540054  # standard normal quantile 0.975


# --- one NPS ---------------------------------------------------------------------------------


def test_interval_worked_by_hand():
    # 6 promoters (9, 10), 3 passives (7, 8), 1 detractor (4): n = 10
    scores = [9, 10, 10, 9, 9, 10, 7, 8, 8, 4]
    r = kamlib.nps(scores)
    assert (r.n, r.promoters, r.passives, r.detractors) == (10, 6, 3, 1)
    assert r.nps == 50.0  # 60 % − 10 %
    assert (r.promoters_share, r.passives_share, r.detractors_share) == (0.6, 0.3, 0.1)
    # adjusted-Wald: p = (6 + .75)/(10 + 3) = 6.75/13, d = 1.75/13, p − d = 5/13 = 0.384615…
    assert r.nps_adjusted == pytest.approx(100 * 5 / 13)
    # var = (p + d − (p − d)²)/13 = (8.5/13 − 25/169)/13 = (110.5 − 25)/169/13 = 85.5/2197 = 0.0389167
    var = 85.5 / 2197
    assert r.variance == pytest.approx(var)
    half = Z95 * math.sqrt(var)  # 1.96 × 0.197273 = 0.386651
    assert r.margin_of_error == pytest.approx(100 * half)
    assert r.ci_low == pytest.approx(100 * (5 / 13 - half))  # −0.20
    assert r.ci_high == pytest.approx(100 * (5 / 13 + half))  # 77.13
    assert r.ci_low == pytest.approx(-0.2036, abs=1e-3)
    assert r.ci_high == pytest.approx(77.1266, abs=1e-3)


def test_interval_is_clipped_at_100():
    r = kamlib.nps([10] * 20)
    assert r.nps == 100.0
    # p = 20.75/23, d = .75/23, p − d = 20/23; var = (21.5/23 − (20/23)²)/23
    var = (21.5 / 23 - (20 / 23) ** 2) / 23
    assert r.ci_low == pytest.approx(100 * (20 / 23 - Z95 * math.sqrt(var)))  # 69.7
    assert r.ci_high == 100.0  # 0.8696 + 0.1727 > 1 → clipped


def test_one_answer_the_raw_nps_can_lie_outside_the_adjusted_interval():
    r = kamlib.nps([10])
    # p = 1.75/4, d = .75/4 → adjusted 25; var = (.625 − .0625)/4 = .140625 → sd .375
    assert r.nps == 100.0 and r.nps_adjusted == pytest.approx(25.0)
    assert r.ci_high == pytest.approx(100 * (0.25 + Z95 * 0.375))  # 98.5 < 100
    assert r.ci_low <= r.nps_adjusted <= r.ci_high


def test_other_confidence_level():
    r90 = kamlib.nps([9, 10, 10, 9, 9, 10, 7, 8, 8, 4], confidence=0.90)
    assert r90.margin_of_error == pytest.approx(100 * 1.6448536269514722 * math.sqrt(85.5 / 2197))


def test_category_boundaries():
    r = kamlib.nps([0, 6, 7, 8, 9, 10])
    assert (r.detractors, r.passives, r.promoters) == (2, 2, 2)
    assert r.nps == 0.0


def test_result_reads_like_a_dict_and_a_series():
    r = kamlib.nps([10, 9, 7, 3])
    assert r["nps"] == 25.0  # 50 % − 25 %
    d = dict(r)
    assert d["n"] == 4 and set(d) >= {"nps", "ci_low", "ci_high", "promoters_share"}
    s = r.to_series()
    assert s["detractors"] == 1
    assert "NPS +25" in repr(r) and "n = 4" in repr(r)
    with pytest.raises(KeyError):
        r["nothing"]


def test_accepts_integer_valued_floats_arrays_and_a_responses_frame():
    assert kamlib.nps(np.array([10.0, 0.0])).nps == 0.0
    assert kamlib.nps(pd.DataFrame({"score": [9, 9, 5]})).promoters == 2
    assert kamlib.nps(pd.Series([8, 8], dtype="Int64")).passives == 2


@pytest.mark.parametrize(
    ("scores", "fragment"),
    [
        ([10, 11], "row 1: 11"),
        ([-1, 5], "row 0: -1"),
        ([9.5, 5], "row 0: 9.5"),
        ([5, float("nan")], "row 1: nan"),
        ([5, None], "row 1: None"),
        ([5, "9"], "row 1: '9'"),
        ([True, 5], "row 0: True"),
    ],
)
def test_bad_scores_are_refused_naming_rows_and_values(scores, fragment):
    with pytest.raises(KamDataError) as err:
        kamlib.nps(scores)
    assert fragment in str(err.value)
    assert "whole numbers from 0 to 10" in str(err.value)


def test_bad_scores_with_labels_show_label_and_position():
    s = pd.Series([10, 9, 12, 3, 15, 0, -2, 1, 2, 30, 40], index=[f"r{i}" for i in range(11)])
    with pytest.raises(KamDataError) as err:
        kamlib.nps(s)
    msg = str(err.value)
    assert "5 answer(s)" in msg  # 12, 15, −2, 30, 40
    assert "row 'r2' (position 2): 12" in msg
    assert err.value.rows == ["r2", "r4", "r6", "r9", "r10"]


def test_no_scores_and_wrong_input():
    with pytest.raises(KamDataError, match="no answers"):
        kamlib.nps([])
    with pytest.raises(KamArgumentError, match="scores='9'"):
        kamlib.nps("9")
    with pytest.raises(KamArgumentError, match="confidence=1"):
        kamlib.nps([9], confidence=1)


# --- change ----------------------------------------------------------------------------------


def test_change_interval_worked_by_hand():
    a = kamlib.nps([10] * 20 + [8] * 10 + [3] * 10)  # P 20, A 10, D 10 → +25
    b = kamlib.nps([10] * 30 + [8] * 8 + [3] * 2)  # P 30, A 8, D 2 → +70
    ch = kamlib.nps_change(a, b)
    assert ch.change == 45.0
    adj_a, adj_b = (20.75 - 10.75) / 43, (30.75 - 2.75) / 43  # 10/43, 28/43
    var_a = ((20.75 + 10.75) / 43 - adj_a**2) / 43
    var_b = ((30.75 + 2.75) / 43 - adj_b**2) / 43
    half = Z95 * math.sqrt(var_a + var_b)
    assert ch.change_adjusted == pytest.approx(100 * (adj_b - adj_a))  # 41.86
    assert ch.ci_low == pytest.approx(100 * (adj_b - adj_a - half))
    assert ch.ci_high == pytest.approx(100 * (adj_b - adj_a + half))
    assert ch.significant is True
    assert ch["significant"] is True and dict(ch)["change"] == 45.0
    assert "a real change" in repr(ch)


def test_change_of_identical_samples_is_not_significant_and_accepts_raw_scores():
    scores = [10, 9, 8, 7, 6, 5, 10, 9]
    ch = kamlib.nps_change(scores, scores)
    assert ch.change == 0.0 and ch.ci_low < 0 < ch.ci_high
    assert ch.significant is False
    assert "within the noise" in repr(ch)


# --- by segment or wave ----------------------------------------------------------------------


def responses() -> pd.DataFrame:
    return pd.DataFrame({
        "response_id": [f"r{i}" for i in range(8)],
        "client_id": ["a", "b", "c", "d", "a", "b", "c", "d"],
        "wave": ["2025Q2"] * 4 + ["2025Q1"] * 4,
        "role": ["owner", "buyer", "buyer", "CEO", "owner", "buyer", "buyer", "ceo"],
        "score": [10, 6, 9, 8, 10, 10, 9, 2],
        "reason": ["", "late", "", "", "", "", "", "rude driver"],
    })


def test_nps_by_wave_by_hand_and_sorted():
    out = kamlib.nps_by(responses(), "wave")
    assert out["wave"].tolist() == ["2025Q1", "2025Q2"]
    # Q1: 10, 10, 9, 2 → 3 P, 1 D → +50 ; Q2: 10, 6, 9, 8 → 2 P, 1 A, 1 D → +25
    assert out["nps"].tolist() == [50.0, 25.0]
    assert out[["promoters", "passives", "detractors"]].values.tolist() == [[3, 0, 1], [2, 1, 1]]
    q1 = kamlib.nps([10, 10, 9, 2])
    assert out.loc[0, "ci_low"] == pytest.approx(q1.ci_low) and out.loc[0, "ci_high"] == pytest.approx(q1.ci_high)
    # n = 4 < 30 → flagged, with its margin of error in the note
    assert out["small_sample"].tolist() == [True, True]
    assert out.loc[0, "note"] == f"only 4 answer(s), fewer than 30: ±{q1.margin_of_error:.0f} points"


def test_nps_by_min_n_and_no_flag():
    out = kamlib.nps_by(responses(), "wave", min_n=4)
    assert out["small_sample"].tolist() == [False, False]
    assert out["note"].tolist() == ["", ""]


def test_nps_by_segment_from_clients_with_an_empty_group_last():
    clients = pd.DataFrame({"client_id": ["a", "b", "c", "d"],
                            "client_type": ["wholesale", "HoReCa", "wholesale", None]})
    out = kamlib.nps_by(responses(), ["client_type"], clients=clients)
    assert out["client_type"].tolist() == ["HoReCa", "wholesale", "(no client_type)"]
    # HoReCa = b: 6, 10 → 1 P 1 D → 0; wholesale = a, c: 10, 9, 10, 9 → +100; none = d: 8, 2 → −50
    assert out["nps"].tolist() == [0.0, 100.0, -50.0]
    assert out["n"].sum() == 8


def test_nps_by_two_columns():
    out = kamlib.nps_by(responses(), ["wave", "role"])
    # roles are compared as written: "CEO" and "ceo" are different groups here
    assert len(out) == 6
    assert out[["wave", "role"]].values.tolist()[:3] == [["2025Q1", "buyer"], ["2025Q1", "ceo"], ["2025Q1", "owner"]]


def test_nps_by_errors():
    bad = responses()
    bad.loc[3, "score"] = 11
    with pytest.raises(KamDataError, match="row 3: 11"):
        kamlib.nps_by(bad)
    with pytest.raises(KamDataError, match='column "client_type" is missing'):
        kamlib.nps_by(responses(), "client_type")


# --- account level ---------------------------------------------------------------------------


def test_account_nps_weighted_mean_then_classify():
    r = responses()[lambda d: d["wave"] == "2025Q2"]  # a 10 owner, b 6 buyer, c 9 buyer, d 8 CEO
    extra = pd.DataFrame({"response_id": ["r8", "r9"], "client_id": ["a", "d"], "wave": ["2025Q2"] * 2,
                          "role": ["Buyer ", "buyer"], "score": [4, 10], "reason": ["prices", ""]})
    r = pd.concat([r, extra], ignore_index=True)
    res = kamlib.nps_by_account(r, weights={"owner": 3, "buyer": 1, "ceo": 2})
    acc = res.accounts.set_index("client_id")
    # a: owner 10 (w 3) and buyer 4 (w 1, "Buyer " matches) → (30 + 4)/4 = 8.5 → passive, mixed
    assert acc.loc["a", "weighted_score"] == pytest.approx(8.5)
    assert acc.loc["a", "account_group"] == "passive" and acc.loc["a", "mixed"]
    # within a: weighted promoters 3/4, detractors 1/4 → +50
    assert acc.loc["a", "respondent_nps"] == pytest.approx(50.0)
    # d: CEO 8 (w 2), buyer 10 (w 1) → 26/3 = 8.67 → passive
    assert acc.loc["d", "weighted_score"] == pytest.approx(26 / 3)
    assert acc.loc["b", "account_group"] == "detractor" and acc.loc["c", "account_group"] == "promoter"
    assert res.accounts["client_id"].tolist() == ["b", "a", "d", "c"]  # lowest weighted score first
    # over accounts: 1 promoter (c), 2 passives (a, d), 1 detractor (b) → 0, n = 4 accounts
    s = res.summary.iloc[0]
    assert (s["n"], s["nps"]) == (4, 0.0)
    assert s["ci_low"] == pytest.approx(kamlib.nps([9, 8, 8, 0]).ci_low)
    # detractor answers to call back, with reasons, lowest score first
    cb = res.callbacks
    assert cb[["client_id", "score", "reason", "account_group"]].values.tolist() == [
        ["a", 4, "prices", "passive"], ["b", 6, "late", "detractor"]]
    assert res.weights == {"owner": 3.0, "buyer": 1.0, "ceo": 2.0}


def test_account_nps_without_weights_is_the_plain_mean_per_wave():
    res = kamlib.nps_by_account(responses())
    # each account answered once a wave: account groups are the respondents' groups
    assert res.summary["wave"].tolist() == ["2025Q1", "2025Q2"]
    assert res.summary["nps"].tolist() == [50.0, 25.0]
    assert len(res.accounts) == 8
    assert res.callbacks["reason"].tolist() == ["rude driver", "late"]  # scores 2, 6


def test_account_nps_one_wave_and_client_columns():
    clients = pd.DataFrame({"client_id": ["a", "b", "c", "d"], "name": ["A&Co", "B", "C", "D"],
                            "manager": ["Ann", "Bob", "Ann", "Bob"]})
    res = kamlib.nps_by_account(responses(), wave="2025Q1", clients=clients)
    assert set(res.accounts["wave"]) == {"2025Q1"}
    assert res.callbacks[["client_id", "name", "manager"]].values.tolist() == [["d", "D", "Bob"]]
    assert "1 detractor answers" in repr(res)
    assert "A&amp;Co" in res._repr_html_()


def test_account_nps_errors():
    with pytest.raises(KamDataError, match='wave "2030Q1" is not in the answers; waves there: 2025Q1, 2025Q2'):
        kamlib.nps_by_account(responses(), wave="2030Q1")
    with pytest.raises(KamDataError, match='column "role" is missing'):
        kamlib.nps_by_account(responses().drop(columns="role"), weights={"owner": 2})
    with pytest.raises(KamArgumentError, match=r"weights\['owner'\]=-1"):
        kamlib.nps_by_account(responses(), weights={"owner": -1})


# --- properties ------------------------------------------------------------------------------

score_lists = st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=300)


@settings(max_examples=100, deadline=None)
@given(score_lists)
def test_property_nps_bounds_and_interval(scores):
    r = kamlib.nps(scores)
    assert -100 <= r.nps <= 100
    assert -100 <= r.ci_low <= r.nps_adjusted <= r.ci_high <= 100
    assert r.promoters + r.passives + r.detractors == r.n == len(scores)
    assert r.promoters_share + r.passives_share + r.detractors_share == pytest.approx(1.0)
    assert r.nps == pytest.approx(100 * (r.promoters_share - r.detractors_share))


@settings(max_examples=50, deadline=None)
@given(score_lists, st.lists(st.sampled_from(["Q1", "Q2", "Q3"]), min_size=300, max_size=300))
def test_property_groups_add_up(scores, waves):
    frame = pd.DataFrame({"score": scores, "wave": waves[: len(scores)]})
    out = kamlib.nps_by(frame)
    assert out["n"].sum() == len(scores)
    assert out["promoters"].sum() == kamlib.nps(scores).promoters
    assert ((out["ci_low"] <= out["nps_adjusted"]) & (out["nps_adjusted"] <= out["ci_high"])).all()


def test_repr_never_prints_minus_zero_and_needs_no_plural():
    # 1 promoter, 1 passive, 1 detractor: NPS = 1/3 - 1/3 = 0 exactly; the interval runs below zero.
    r = kamlib.nps([10, 7, 0])
    text = repr(r)
    assert "NPS 0 " in text and "-0 " not in text and "-0)" not in text
    assert "promoters 1 " in text and "detractors 1 " in text

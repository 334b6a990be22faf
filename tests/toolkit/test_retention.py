"""Retention: the ten methods (002), the plant's principles (003), the four blocks (000), the segment rules."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError, KamDataError
from kamlib.toolkit._retention import (
    loyalty_principles,
    retention_blocks,
    retention_methods,
    retention_rules,
    suggest_methods,
)


def test_ten_methods_with_characteristics():
    m = retention_methods()
    assert len(m) == 10
    assert m["number"].tolist() == list(range(1, 11))
    assert m["method_id"].is_unique and m["method"].is_unique
    assert m.loc[0, "method"] == "Analyse client feedback"
    assert m.loc[9, "method"] == "Tell your clients' success stories"
    assert m["characteristic"].str.len().gt(40).all()
    assert "never give them by default" in m.loc[1, "characteristic"]  # discounts reward something


def test_plant_principles_six():
    p = loyalty_principles()
    assert len(p) == 6
    assert p["principle_id"].tolist() == ["friendly_relations", "important_dates", "events",
                                          "no_price_competition", "greenhouse", "failures"]
    assert "50–70 participants" in p.loc[2, "practice"]  # the annual partner conference
    assert "competitor's plant" in p.loc[5, "practice"]


def test_four_blocks_do_if_done_if_not():
    b = retention_blocks()
    assert len(b) == 4
    assert list(b.columns) == ["number", "block_id", "area", "what_to_do", "if_done", "if_not_done"]
    assert b[["what_to_do", "if_done", "if_not_done"]].map(len).gt(10).all().all()
    assert "competitors' gratitude" in b.loc[2, "if_not_done"]


def test_rule_table_is_documented_and_consistent():
    rules = retention_rules()
    assert set(rules["dimension"]) == {"abc", "xyz", "nps", "status"}
    assert not rules.duplicated(["dimension", "value", "method_id"]).any()
    # every rule points at one of the ten methods and has a one-line why
    methods = retention_methods().set_index("method_id")["number"]
    assert (rules["method_number"] == rules["method_id"].map(methods)).all()
    assert rules["why"].str.len().between(15, 140).all()
    # every value the analytics produce has at least one rule
    for dim, values in {
        "abc": ["a", "b", "c"], "xyz": ["x", "y", "z"], "nps": ["promoter", "passive", "detractor"],
        "status": ["permanent", "stable", "irregular", "episodic", "one-off", "potential", "lost",
                   "active", "at risk"],
    }.items():
        assert set(values) <= set(rules.loc[rules["dimension"] == dim, "value"]), dim


def test_suggest_votes_by_hand():
    seg = pd.DataFrame({"client_id": ["k1"], "cell": ["AX"], "nps_group": ["detractor"], "status": ["at risk"]})
    out = suggest_methods(seg, id_col="client_id", top=None)
    votes = dict(zip(out["method_number"], out["votes"]))
    # personal service (4): A (a mandatory rule, 2 votes) + detractor + at risk = 4 votes; feedback (1):
    # detractor + at risk = 2; special terms (3), extra opportunities (7), CEM (8), gifts (9), success stories (10): one each
    assert votes == {4: 4, 1: 2, 3: 1, 7: 1, 8: 1, 9: 1, 10: 1}
    assert out["method_number"].tolist() == [4, 1, 3, 7, 8, 9, 10]  # votes, then the source's order
    assert out["rank"].tolist() == list(range(1, 8))
    assert out.loc[0, "because"].startswith("ABC A: Mandatory for large clients")
    assert "NPS detractor:" in out.loc[0, "because"] and "status at risk:" in out.loc[0, "because"]
    assert out["client_id"].unique().tolist() == ["k1"]


def test_the_largest_clients_get_a_personal_manager():
    """Source 002 calls a dedicated key-account manager mandatory for large clients with complex decisions:
    for every A client, whatever its XYZ class, NPS group and status, personal service is in the top three."""
    rules = retention_rules()
    rows = [(f"A{x}", nps, status)
            for x in "XYZ"
            for nps in ["promoter", "passive", "detractor", None]
            for status in sorted(set(rules.loc[rules["dimension"] == "status", "value"])) + [None]]
    seg = pd.DataFrame(rows, columns=["cell", "nps_group", "status"])
    out = suggest_methods(seg, top=3)
    has_personal = out.groupby("row")["method_number"].apply(lambda m: 4 in set(m))
    assert has_personal.reindex(seg.index).all(), seg[~has_personal.reindex(seg.index, fill_value=False)]
    # by hand: AY, promoter, permanent — success stories A+promoter+permanent = 3, personal service 2,
    # then one vote each: feedback (Y) has the lowest method number
    one = suggest_methods(pd.DataFrame({"cell": ["AY"], "nps_group": ["promoter"], "status": ["permanent"]}))
    assert one["method_number"].tolist() == [10, 4, 1] and one["votes"].tolist() == [3, 2, 1]
    # B and C clients are not pushed towards a dedicated manager
    bc = suggest_methods(pd.DataFrame({"cell": ["BX", "CZ"]}), top=3)
    assert 4 not in set(bc["method_number"])


def test_rule_weights_in_a_custom_table():
    rules = pd.DataFrame({"dimension": ["status", "status"], "value": ["lost", "lost"], "method_number": [9, 1],
                          "method": ["Branded gifts", "Analyse client feedback"], "why": ["Gift.", "Ask."],
                          "weight": [1, 3]})
    out = suggest_methods(pd.DataFrame({"status": ["lost"]}), rules=rules)
    assert out[["method_number", "votes"]].values.tolist() == [[1, 3], [9, 1]]
    with pytest.raises(KamDataError, match='column "weight" must hold numbers above 0.*row\\(s\\) 1'):
        suggest_methods(pd.DataFrame({"status": ["lost"]}), rules=rules.assign(weight=[1, 0]))


def test_suggest_top_index_and_partial_inputs():
    seg = pd.DataFrame({"cell": ["CZ", "B (insufficient history)", None]}, index=["s1", "s2", "s3"])
    out = suggest_methods(seg, top=2)
    # CZ: C -> 6, 8, 2; Z -> 1, 5: all one vote -> the two lowest numbers: 1, 2
    assert out.loc[out["row"] == "s1", "method_number"].tolist() == [1, 2]
    # B without XYZ: 5, 7, 2 -> 2, 5
    assert out.loc[out["row"] == "s2", "method_number"].tolist() == [2, 5]
    assert "s3" not in set(out["row"])  # nothing known, nothing suggested


def test_suggest_matches_case_and_plurals_and_ignores_unknown_values():
    seg = pd.DataFrame({"nps_group": ["Promoters", "PASSIVE", "fan"]})
    out = suggest_methods(seg, top=None)
    assert out.loc[out["row"] == 0, "method_number"].tolist() == [6, 10]
    assert out.loc[out["row"] == 1, "method_number"].tolist() == [3, 7]
    assert 2 not in set(out["row"])


def test_suggest_custom_rules():
    rules = pd.DataFrame({"dimension": ["status"], "value": ["Lost"], "method_number": [9],
                          "method": ["Branded gifts"], "why": ["Bring a gift."]})
    out = suggest_methods(pd.DataFrame({"status": ["lost", "active"]}), rules=rules)
    assert out[["row", "method_number", "because"]].values.tolist() == [[0, 9, "status lost: Bring a gift."]]


def test_suggest_errors():
    with pytest.raises(KamDataError, match='columns "cell", "nps_group", "status" are missing; the table has: abc'):
        suggest_methods(pd.DataFrame({"abc": ["A"]}))
    with pytest.raises(KamArgumentError, match="top=0 is not valid"):
        suggest_methods(pd.DataFrame({"cell": ["AX"]}), top=0)
    with pytest.raises(KamDataError, match='rules: column "why" is missing'):
        suggest_methods(pd.DataFrame({"cell": ["AX"]}), rules=retention_rules().drop(columns="why"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["AX", "BY", "CZ", "AZ", None]),
                          st.sampled_from(["promoter", "passive", "detractor", None])), min_size=1, max_size=12),
       st.integers(1, 5))
def test_suggest_property_ranks_and_votes(rows, top):
    seg = pd.DataFrame(rows, columns=["cell", "nps_group"])
    out = suggest_methods(seg, top=top)
    for _, part in out.groupby("row"):
        assert part["rank"].tolist() == list(range(1, len(part) + 1))
        assert len(part) <= top
        assert part["votes"].is_monotonic_decreasing
        assert part["votes"].max() <= 3  # ABC (A's personal service: 2), XYZ and NPS: 3 at most
    assert out.duplicated(["row", "method_number"]).sum() == 0


def test_public_names_are_exported():
    for name in ["retention_methods", "loyalty_principles", "retention_blocks", "retention_rules", "suggest_methods"]:
        assert getattr(kamlib, name) is globals()[name]

"""The account dossier (M9): coverage gaps, important dates, three P, the decision map, the database, rendering."""

from __future__ import annotations

import sqlite3

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from kamlib import (  # noqa: E402
    AccountDossier,
    Dossier,
    KamArgumentError,
    KamDataError,
    Register,
    dossier_to_html,
    dossier_to_markdown,
    important_dates,
    plot_decision_map,
    relationship_coverage,
    three_p_screen,
)

EVIL = "<script>alert(1)</script>"


@pytest.fixture
def contacts() -> pd.DataFrame:
    return pd.DataFrame({
        "contact_id": ["A1", "A2", "A3", "A4", "B1", "C1", "C2", "C3"],
        "client_id": ["A", "A", "A", "A", "B", "C", "C", "C"],
        "name": ["Ann", "Bob", "Cat", "Dan", "Eve", "Fay", "Gus", "Hal"],
        "position": [
            "Owner", "CEO", "Chief accountant", "Buyer",  # A: the whole set
            "Deputy CEO",  # B: one person, a deputy
            "Owner and CEO", "Finance director", "Vice President Sales",  # C
        ],
        "level": ["top", "top", "middle", "staff", "middle", "top", "top", "middle"],
        "buying_role": ["approver", "decider", "gatekeeper", "buyer", "buyer", "decider", "approver", "influencer"],
        "relationship": [3, 4, 2, 5, 2, 5, None, 1],
        "birthday": [None] * 8,
        "influences": [None, None, "A2", "A3", None, None, "C1", "C1"],
    })


@pytest.fixture
def clients() -> pd.DataFrame:
    return pd.DataFrame({
        "client_id": ["A", "B", "C", "D"],
        "name": ["Alpha", "Beta", "Gamma", "Delta"],
        "first_deal_date": ["2015-03-01", None, "2016-02-29", "2024-12-31"],
    })


# ---- relationship coverage -------------------------------------------------------------------

def test_coverage_hand_checked(contacts, clients):
    cov = relationship_coverage(contacts, clients).set_index("client_id")
    assert cov.index.tolist() == ["A", "B", "C", "D"]
    assert cov.client_name.tolist() == ["Alpha", "Beta", "Gamma", "Delta"]
    assert cov.n_contacts.tolist() == [4, 1, 3, 0]
    assert cov.depth.tolist() == [3, 1, 2, 0]  # A top/middle/staff; B middle; C top/middle
    assert cov.width.tolist() == [4, 1, 3, 0]
    assert cov.loc["A", "roles_known"] == "decider, approver, buyer, gatekeeper"
    assert cov.loc["A", "roles_missing"] == "initiator, user, influencer"
    assert cov.loc["C", "levels_known"] == "top, middle"
    # A knows everyone that matters
    assert cov.loc["A", "n_gaps"] == 0 and cov.loc["A", "gaps"] == ""
    # B: a deputy is not the CEO; one weak contact
    assert cov.loc["B", ["has_ceo", "single_point_of_contact", "weak_only", "has_decider"]].tolist() == [
        False, True, True, False,
    ]
    assert cov.loc["B", "gaps"] == (
        "a single point of contact; nobody in top management; nobody in staff; no contact with the owner; "
        "no contact with the CEO; no contact with the chief accountant; no decider known; "
        "weak relationships only (none above 2 of 5)"
    )
    assert cov.loc["B", "n_gaps"] == 8
    # C: "Owner and CEO" is both; a finance director pays the bills; a vice president is not the president
    assert cov.loc["C", ["has_owner", "has_ceo", "has_chief_accountant", "weak_only"]].tolist() == [True, True, True, False]
    assert cov.loc["C", "gaps"] == "nobody in staff"
    assert cov.loc["C", "best_relationship"] == 5
    # D: in the clients table only: 1 + 3 levels + 3 people + decider = 8 gaps
    assert cov.loc["D", "n_gaps"] == 8
    assert cov.loc["D", "gaps"].startswith("no contacts at all; nobody in top management")
    assert not cov.loc["D", "weak_only"]
    assert pd.isna(cov.loc["D", "best_relationship"])


def test_vice_president_is_not_the_ceo():
    people = pd.DataFrame({"contact_id": ["1", "2"], "client_id": ["X", "Y"], "name": ["a", "b"],
                           "position": ["Vice President", "President"]})
    cov = relationship_coverage(people).set_index("client_id")
    assert cov.has_ceo.to_dict() == {"X": False, "Y": True}


def test_coverage_thresholds_and_custom_people(contacts):
    cov = relationship_coverage(contacts, weak_at_most=1).set_index("client_id")
    assert not cov.loc["B", "weak_only"]  # 2 > 1 now counts
    custom = relationship_coverage(contacts, key_people={"owner": ("owner",), "head_of_quality": ("quality",)})
    assert "has_head_of_quality" in custom.columns and "has_ceo" not in custom.columns
    assert "no contact with head of quality" in custom.set_index("client_id").loc["A", "gaps"]
    # with no excluded words, the deputy counts as the CEO
    assert relationship_coverage(contacts, not_key_words=()).set_index("client_id").loc["B", "has_ceo"]


def test_coverage_without_optional_columns():
    minimal = pd.DataFrame({"contact_id": ["1", "2"], "client_id": ["X", "X"], "name": ["a", "b"]})
    row = relationship_coverage(minimal).iloc[0]
    assert (row.n_contacts, row.depth, row.width, row.n_gaps) == (2, 0, 0, 8)  # 3 levels, 3 people, decider, weak


def test_coverage_leaves_the_input_alone(contacts):
    before = contacts.copy()
    relationship_coverage(contacts)
    pd.testing.assert_frame_equal(contacts, before)


def test_coverage_bad_data(contacts):
    bad = contacts.copy()
    bad.loc[[2, 5], "level"] = ["boss", "board"]
    with pytest.raises(KamDataError, match=r'column "level" has 2 value\(s\) that are not allowed \(row 2: \'boss\', row 5: \'board\'\); use top, middle, staff') as err:
        relationship_coverage(bad)
    assert err.value.rows == [2, 5]
    bad = contacts.copy()
    bad.loc[1, "relationship"] = 6
    with pytest.raises(KamDataError, match=r'"relationship" must be whole numbers 1-5.*row 1: 6'):
        relationship_coverage(bad)
    with pytest.raises(KamDataError, match="rows repeat the same contact_id"):
        relationship_coverage(pd.concat([contacts, contacts.iloc[[0]]]))
    with pytest.raises(KamDataError, match='column "client_id" is missing'):
        relationship_coverage(contacts.drop(columns="client_id"))
    with pytest.raises(KamArgumentError, match="contacts must be a pandas DataFrame, got list"):
        relationship_coverage([1, 2])
    with pytest.raises(KamArgumentError, match="weak_at_most=7 is not valid"):
        relationship_coverage(contacts, weak_at_most=7)
    with pytest.raises(KamArgumentError, match="key_people="):
        relationship_coverage(contacts, key_people={"owner": "owner"})


def test_level_and_role_are_read_leniently(contacts):
    messy = contacts.copy()
    messy["level"] = messy["level"].str.upper() + " "
    pd.testing.assert_frame_equal(relationship_coverage(messy), relationship_coverage(contacts))


people_rows = st.lists(
    st.tuples(
        st.sampled_from(["X", "Y", "Z"]),
        st.sampled_from([None, "top", "middle", "staff"]),
        st.sampled_from([None, "initiator", "user", "decider", "buyer"]),
        st.sampled_from([None, 1, 2, 3, 4, 5]),
        st.sampled_from(["CEO", "Owner", "Buyer", "Deputy CEO", None]),
    ),
    min_size=1, max_size=15,
)


@settings(max_examples=40, deadline=None)
@given(people_rows)
def test_coverage_invariants(rows):
    frame = pd.DataFrame(rows, columns=["client_id", "level", "buying_role", "relationship", "position"])
    frame.insert(0, "contact_id", [f"P{i}" for i in range(len(frame))])
    frame["name"] = "n"
    cov = relationship_coverage(frame)
    assert cov.n_contacts.sum() == len(frame)
    assert cov.depth.between(0, 3).all() and cov.width.between(0, 7).all()
    assert (cov.single_point_of_contact == (cov.n_contacts == 1)).all()
    counted = cov.gaps.map(lambda g: 0 if g == "" else len(g.split("; ")))
    assert (counted == cov.n_gaps).all()
    assert (cov.depth == cov[["has_top", "has_middle", "has_staff"]].sum(axis=1)).all()


# ---- important dates --------------------------------------------------------------------------

def _people(birthdays: list[str | None]) -> pd.DataFrame:
    return pd.DataFrame({
        "contact_id": [f"P{i}" for i in range(len(birthdays))],
        "client_id": "A",
        "name": [f"person {i}" for i in range(len(birthdays))],
        "birthday": birthdays,
    })


def test_dates_across_the_year_end():
    people = _people(["1980-12-25", "1990-01-05", "1970-01-09", "1985-12-19", None])
    out = important_dates(people, start="2025-12-20", days=20)  # Dec 20, 2025 .. Jan 8, 2026
    assert out.name.tolist() == ["person 0", "person 1"]
    assert out.date.dt.strftime("%Y-%m-%d").tolist() == ["2025-12-25", "2026-01-05"]
    assert out.days_ahead.tolist() == [5, 16]  # 25 - 20; 11 days to Dec 31 + 5
    assert out.years.tolist() == [2025 - 1980, 2026 - 1990]
    assert out.kind.tolist() == ["birthday", "birthday"]


def test_feb_29_birthdays():
    people = _people(["1992-02-29"])
    non_leap = important_dates(people, start="2025-02-20", days=15)
    assert non_leap.date.dt.strftime("%Y-%m-%d").tolist() == ["2025-02-28"]
    assert non_leap.years.tolist() == [33]
    assert important_dates(people, start="2025-02-20", days=15, feb29="mar1").date.dt.day.tolist() == [1]
    leap = important_dates(people, start="2028-02-25", days=7)
    assert leap.date.dt.strftime("%Y-%m-%d").tolist() == ["2028-02-29"]
    assert leap.years.tolist() == [36]
    # a window that ends on Feb 28 of a non-leap year still catches the feb28 congratulation, not the mar1 one
    assert len(important_dates(people, start="2025-02-28", days=1)) == 1
    assert important_dates(people, start="2025-02-28", days=1, feb29="mar1").empty


def test_first_deal_anniversaries(clients):
    out = important_dates(clients=clients, start="2025-02-25", days=10)  # Feb 25 .. Mar 6, 2025
    assert out.client_id.tolist() == ["C", "A"]  # Gamma's Feb 29 deal is marked on Feb 28
    assert out.date.dt.strftime("%m-%d").tolist() == ["02-28", "03-01"]
    assert out.years.tolist() == [2025 - 2016, 2025 - 2015]
    assert out.kind.unique().tolist() == ["anniversary of the first deal"]
    assert out.contact_id.isna().all()
    # a first deal is not its own anniversary: Delta's is Dec 31, 2024
    assert important_dates(clients=clients, start="2024-12-31", days=1).empty
    assert important_dates(clients=clients, start="2025-12-31", days=1).years.tolist() == [1]


def test_dates_with_client_names_and_long_windows(contacts, clients):
    people = contacts.assign(birthday=["1980-01-10"] + [None] * 7)
    out = important_dates(people, clients, start="2025-01-01", days=400)  # to Feb 4, 2026
    birthdays = out[out.kind == "birthday"]
    assert birthdays.date.dt.strftime("%Y-%m-%d").tolist() == ["2025-01-10", "2026-01-10"]
    assert birthdays.client_name.unique().tolist() == ["Alpha"]
    assert out.date.is_monotonic_increasing
    # born after the date: no birthday counted
    assert important_dates(_people(["2030-05-01"]), start="2025-04-30", days=5).empty


def test_dates_bad_arguments(contacts):
    with pytest.raises(KamArgumentError, match="give contacts, clients or both"):
        important_dates(start="2025-01-01")
    with pytest.raises(KamArgumentError, match="days=0 is not valid"):
        important_dates(contacts, start="2025-01-01", days=0)
    with pytest.raises(KamArgumentError, match="start='soon' is not a date"):
        important_dates(contacts, start="soon")
    with pytest.raises(KamArgumentError, match="feb29='mar2' is not valid"):
        important_dates(contacts, start="2025-01-01", feb29="mar2")
    with pytest.raises(KamDataError, match=r'column "birthday" has 1 cell\(s\) that are not dates \(row 1: \'someday\'\)'):
        important_dates(_people(["1980-01-01", "someday"]), start="2025-01-01")


# ---- three P ----------------------------------------------------------------------------------

def test_three_p_screen():
    prospects = pd.DataFrame({
        "prospect": ["p1", "p2", "p3", "p4"],
        "need": [True, 1, "no", None],
        "ability_to_pay": ["yes", True, "Y", False],
        "authority": [True, 0, "yes", "n"],
    })
    out = three_p_screen(prospects)
    assert out.passes.tolist() == [True, False, False, False]
    assert out.missing.tolist() == [
        "",
        "authority to decide",
        "need for the service",
        "need for the service (not established); ability to pay; authority to decide",
    ]
    assert out.verdict[0] == "passes: a prospect for key-account status"
    assert out.verdict[1] == "does not pass: missing authority to decide"
    assert out.prospect.tolist() == ["p1", "p2", "p3", "p4"]  # other columns kept
    assert "passes" not in prospects.columns  # the input is not modified


def test_three_p_one_prospect_and_own_columns():
    out = three_p_screen({"name": "Mill", "needs_it": "yes", "pays": "yes", "decides": "yes"},
                         need="needs_it", ability="pays", authority="decides")
    assert out.passes.tolist() == [True]


def test_three_p_bad_data():
    with pytest.raises(KamDataError, match=r'column "need" must be yes/no.*row 0: \'maybe\''):
        three_p_screen(pd.DataFrame({"need": ["maybe"], "ability_to_pay": [True], "authority": [True]}))
    with pytest.raises(KamDataError, match='column "authority" is missing'):
        three_p_screen(pd.DataFrame({"need": [True], "ability_to_pay": [True]}))


# ---- the decision map ---------------------------------------------------------------------------

def test_decision_map_places_people(contacts):
    ax = plot_decision_map(contacts, "A")
    try:
        assert ax.get_title() == "Decision map: A"
        points = ax.collections[0]
        offsets = points.get_offsets()
        assert len(offsets) == 4
        # roles are columns 0..6 (initiator ... gatekeeper), levels rows top=2, middle=1, staff=0
        assert [tuple(map(float, p)) for p in offsets] == [(4.0, 2.0), (3.0, 2.0), (6.0, 1.0), (5.0, 0.0)]
        colours = points.get_facecolors()
        red, green = colours[2], colours[3]  # relationship 2 and 5
        assert red[0] > red[1] and green[1] > green[0]
        assert points.get_sizes().tolist() == [120 + 80 * 3, 120 + 80 * 4, 120 + 80 * 2, 120 + 80 * 5]
        arrows = [c for c in ax.get_children() if isinstance(c, Annotation)]
        assert len(arrows) == 2  # A3 -> A2, A4 -> A3
        assert [tick.get_text() for tick in ax.get_xticklabels()] == [
            "initiator", "user", "influencer", "decider", "approver", "buyer", "gatekeeper",
        ]
        assert [tick.get_text() for tick in ax.get_yticklabels()] == ["top management", "middle management", "staff"]
        texts = " ".join(t.get_text() for t in ax.texts)
        assert "Ann\nOwner" in texts and "Dan\nBuyer" in texts
        # the legend explains everything the map uses: each strength 1-5 and, as arrows are drawn, the arrows
        legend = [text.get_text() for text in ax.get_legend().get_texts()]
        assert legend[:5] == [f"relationship {n}" for n in range(1, 6)]
        assert any("influences" in text for text in legend)
    finally:
        plt.close(ax.figure)


def test_decision_map_unknowns_shared_cells_and_given_axes(contacts):
    extra = pd.DataFrame({"contact_id": ["C4", "C5"], "client_id": ["C", "C"], "name": ["$Ivy", "Jo"],
                          "position": [None, None], "level": [None, "top"], "buying_role": [None, "decider"],
                          "relationship": [None, 3], "birthday": [None, None], "influences": ["X9", None]})
    frame = pd.concat([contacts, extra], ignore_index=True)
    fig, ax = plt.subplots()
    try:
        out = plot_decision_map(frame, "C", ax=ax, title="Gamma")
        assert out is ax and ax.get_title() == "Gamma"
        assert ax.get_xticklabels()[-1].get_text() == "role unknown"
        assert ax.get_yticklabels()[-1].get_text() == "level unknown"
        offsets = ax.collections[0].get_offsets()
        # Fay and Jo share top/decider: spread 0.4 left and right of column 3
        assert sorted(float(p[0]) for p in offsets if abs(p[1] - 3.0) < 0.2 and abs(p[0] - 3.0) < 0.5) == [2.8, 3.2]
        grey = ax.collections[0].get_facecolors()[3]  # $Ivy: strength unknown
        assert tuple(round(float(v), 2) for v in grey[:3]) == (0.75, 0.75, 0.75)
        arrows = [c for c in ax.get_children() if isinstance(c, Annotation)]
        assert len(arrows) == 2  # C2 -> C1, C3 -> C1; X9 is not a person of this account
        fig.canvas.draw()  # a "$" in a name is text, not mathtext
    finally:
        plt.close(fig)


def test_decision_map_unknown_client(contacts):
    with pytest.raises(KamArgumentError, match='client "Q" has no contacts; clients with contacts: A, B, C'):
        plot_decision_map(contacts, "Q")


# ---- the dossier in the database ---------------------------------------------------------------

@pytest.fixture
def dossier(tmp_path, contacts, clients):
    with Dossier(tmp_path / "kam.sqlite") as d:
        d.load(contacts, clients)
        yield d


def test_load_from_the_canonical_tables(dossier, contacts):
    back = dossier.contacts()
    assert back.columns.tolist()[:9] == contacts.columns.tolist()
    assert back.contact_id.tolist() == contacts.contact_id.tolist()
    assert back.relationship.tolist()[:5] == [3, 4, 2, 5, 2]
    assert back.influences.tolist()[2] == "A2"
    pd.testing.assert_frame_equal(relationship_coverage(back), relationship_coverage(contacts))
    clients = dossier.clients()
    assert clients.loc[clients.client_id == "C", "first_deal_date"].dt.strftime("%Y-%m-%d").item() == "2016-02-29"
    # loading again updates, never duplicates
    assert dossier.load(contacts.assign(relationship=5)) == {"accounts": 0, "people": 8}
    assert dossier.contacts().relationship.eq(5).all() and len(dossier.contacts()) == 8


def test_account_information_updates_only_given_fields(dossier):
    dossier.set_account("A", headcount=120, description="Chain of 14 shops")
    dossier.set_account("A", history="Founded 1998")
    row = dossier.clients().set_index("client_id").loc["A"]
    assert (row["name"], row.headcount, row.description, row.history) == ("Alpha", 120, "Chain of 14 shops", "Founded 1998")
    with pytest.raises(KamArgumentError, match="field='colour' is not valid"):
        dossier.set_account("A", colour="red")
    with pytest.raises(KamArgumentError, match="headcount=-3 is not valid"):
        dossier.set_account("A", headcount=-3)


def test_people_add_update_remove(dossier):
    new = dossier.add_person("B", "Ken", position="CEO", level="top", buying_role="decider", relationship=4,
                             birthday="1975-06-01")
    assert new == "B-P2"  # B had one person
    dossier.update_person("B1", relationship=3, influences="B-P2")
    people = dossier.contacts("B").set_index("contact_id")
    assert people.loc["B1", "relationship"] == 3 and people.loc["B-P2", "birthday"] == pd.Timestamp("1975-06-01")
    cov = relationship_coverage(dossier.contacts("B")).iloc[0]
    assert (cov.has_ceo, cov.has_decider, cov.single_point_of_contact) == (True, True, False)
    dossier.remove_person("B-P2")
    assert dossier.contacts("B").influences.isna().all()  # nobody points at a person who left
    with pytest.raises(KamArgumentError, match="level='boss' is not valid"):
        dossier.add_person("B", "Lu", level="boss")
    with pytest.raises(KamArgumentError, match="relationship=6 is not valid"):
        dossier.update_person("B1", relationship=6)
    with pytest.raises(KamArgumentError, match='contact "Z9" is not in the dossier'):
        dossier.remove_person("Z9")


def test_events_and_competitors(dossier):
    dossier.add_event("A", "2024-11-02", "tender", "Paint 2025", outcome="lost", reason="price 4 % higher",
                      next_step="ask for a debrief", next_step_date="2024-11-15")
    dossier.add_event("A", "2024-10-01", "delivery", "20 t of dry mix")
    events = dossier.events("A")
    assert events.kind.tolist() == ["delivery", "tender"]  # by date
    assert events.reason.tolist()[1] == "price 4 % higher"
    dossier.add_competitor("A", "ColorMax", threat="medium")
    dossier.add_competitor("A", "ColorMax", threat="high", notes="3 % cheaper")
    comp = dossier.competitors("A")
    assert comp[["competitor", "threat", "notes"]].values.tolist() == [["ColorMax", "high", "3 % cheaper"]]
    with pytest.raises(KamArgumentError, match="kind='visit' is not valid"):
        dossier.add_event("A", "2025-01-01", "visit", "x")
    with pytest.raises(KamArgumentError, match="outcome='draw' is not valid"):
        dossier.add_event("A", "2025-01-01", "tender", "x", outcome="draw")
    with pytest.raises(KamArgumentError, match='client "Q" is not in the dossier'):
        dossier.add_competitor("Q", "ColorMax")


def test_same_file_as_the_register(tmp_path, contacts):
    path = tmp_path / "kam.sqlite"
    with Register(path) as reg, Dossier(path) as dos:
        reg.open_problem("A", "late", interviewer="Anna")
        dos.load(contacts)
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT component, version FROM schema_version ORDER BY component").fetchall() == [
            ("dossier", 1), ("register", 1),
        ]
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"problems", "history", "dossier_people", "dossier_events", "dossier_competitors"} <= tables


# ---- rendering ------------------------------------------------------------------------------------

def test_dossier_markdown_and_html(dossier):
    dossier.set_account("A", headcount=120)
    dossier.add_event("A", "2024-11-02", "tender", "Paint 2025", outcome="won", reason="fast delivery")
    dossier.add_competitor("A", "ColorMax", threat="high")
    d = dossier.account("A")
    text = d.to_markdown()
    assert text.startswith("# Account dossier: Alpha\n")
    for heading in ("## 1. General information", "## 2. Contact history", "## 3. The decision-making scheme",
                    "### Relationship coverage", "## 4. Competitors"):
        assert heading in text
    assert "| 2024-11-02 | tender | Paint 2025 | won | fast delivery |" in text
    assert "| Cat | Chief accountant | middle | gatekeeper | 2 |  | Bob |" in text  # influences shown by name
    assert "no gaps: relationships are deep and wide" in text
    html = dossier_to_html(d, full_page=True)
    assert html.startswith("<!DOCTYPE html>") and "<td>high</td>" in html


def test_rendering_escapes_every_user_string(tmp_path):
    with Dossier(tmp_path / "kam.sqlite") as d:
        d.set_account("X", name=EVIL, description=EVIL)
        d.add_person("X", EVIL, position=EVIL)
        d.add_event("X", "2025-01-01", "meeting", EVIL, next_step=EVIL)
        d.add_competitor("X", EVIL, notes=EVIL)
        account = d.account("X")
    html = dossier_to_html(account)
    md = dossier_to_markdown(account)
    for out in (html, md, account.to_html(full_page=True)):
        assert "<script>" not in out
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert html.count("&lt;script&gt;") >= 7  # title, name, description, person, position, event x2, competitor x2


def test_dossier_from_frames_without_a_database(contacts, clients):
    events = pd.DataFrame({"client_id": ["B", "A"], "date": ["2025-01-02", "2025-01-03"], "kind": ["call", "call"],
                           "summary": ["asked for prices", "other client"]})
    d = AccountDossier.from_frames("B", contacts, clients, events=events)
    assert d.name == "Beta"
    assert d.events.summary.tolist() == ["asked for prices"]
    assert "a single point of contact" in d.to_markdown()
    empty = AccountDossier("Z")
    assert "nothing recorded yet" in empty.to_markdown()
    assert empty.coverage()["gaps"].startswith("no contacts at all")
    with pytest.raises(KamArgumentError, match="dossier='str' is not valid"):
        dossier_to_markdown("A")


def test_unknown_account(dossier):
    with pytest.raises(KamArgumentError, match='client "Q" is not in the dossier .*; accounts: A, B, C, D'):
        dossier.account("Q")


def test_decision_map_legend_names_everything_drawn():
    """Every strength 1-5, grey 'unknown' only when a strength is missing, the arrow only when drawn."""
    import kamlib

    contacts = kamlib.load_sample().contacts
    people = contacts[contacts["client_id"] == "C001"].copy()
    _, ax = plt.subplots()
    kamlib.plot_decision_map(people, "C001", ax=ax)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels[:5] == [f"relationship {n}" for n in range(1, 6)]
    ids = set(people["contact_id"])
    arrows = people["influences"].isin(ids) & (people["influences"] != people["contact_id"])
    assert ("relationship unknown" in labels) == bool(people["relationship"].isna().any())
    assert any("influences" in label for label in labels) == bool(arrows.any())
    plt.close("all")
    people["relationship"] = people["relationship"].astype("float64")
    people.iloc[0, people.columns.get_loc("relationship")] = float("nan")
    people["influences"] = None
    _, ax = plt.subplots()
    kamlib.plot_decision_map(people, "C001", ax=ax)
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert "relationship unknown" in labels and not any("influences" in label for label in labels)
    plt.close("all")

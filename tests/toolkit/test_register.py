"""The problem-questionnaire register: state machine, audit history, roles, reports, schema, concurrency."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import datetime

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kamlib import KamArgumentError, KamDataError, Register, open_register, register_states
from kamlib.toolkit import _register

# The source's life of a problem questionnaire (steps 10-15), written out by hand:
# the code's TRANSITIONS must match it, and every other move must be refused.
EXPECTED_MOVES = {
    ("open", "in_work"),
    ("in_work", "fixed"),
    ("fixed", "confirmed"),
    ("fixed", "in_work"),  # the client does not confirm: back to work
    ("confirmed", "resumed"),
}
ALL_STATES = ["open", "in_work", "fixed", "confirmed", "resumed"]
PATH_TO = {  # moves that bring a new item to each state
    "open": [],
    "in_work": ["in_work"],
    "fixed": ["in_work", "fixed"],
    "confirmed": ["in_work", "fixed", "confirmed"],
    "resumed": ["in_work", "fixed", "confirmed", "resumed"],
}


@pytest.fixture
def reg(tmp_path):
    with Register(tmp_path / "kam.sqlite") as r:
        yield r


def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 3, day, hour, 0)


def _problem_in(reg: Register, state: str, client: str = "C1") -> int:
    pid = reg.open_problem(client, "late deliveries", interviewer="Anna", client_name="Acme", at=_at(3))
    for i, step in enumerate(PATH_TO[state]):
        reg.move(pid, step, by="tester", at=_at(4 + i))
    return pid


# ---- the state machine ---------------------------------------------------------------------

def test_transitions_match_the_source():
    allowed = {(a, b) for a, nexts in _register.TRANSITIONS.items() for b in nexts}
    assert allowed == EXPECTED_MOVES
    assert list(_register.STATES) == ALL_STATES


@pytest.mark.parametrize(("current", "to"), sorted(EXPECTED_MOVES))
def test_each_valid_transition(reg, current, to):
    pid = _problem_in(reg, current)
    reg.move(pid, to, by="Boris", note="done", at=_at(20))
    assert reg.problem(pid)["state"] == to
    last = reg.history(pid).iloc[-1]
    assert (last.from_state, last.to_state, last.who, last.note) == (current, to, "Boris", "done")
    assert last["at"] == pd.Timestamp("2025-03-20 09:00")


REFUSED = [(a, b) for a in ALL_STATES for b in ALL_STATES if (a, b) not in EXPECTED_MOVES]


def test_refused_list_is_complete():
    assert len(REFUSED) == 5 * 5 - 5  # 25 pairs, 5 allowed


@pytest.mark.parametrize(("current", "to"), REFUSED)
def test_each_refused_transition(reg, current, to):
    pid = _problem_in(reg, current)
    before = reg.history(pid)
    with pytest.raises(KamArgumentError) as err:
        reg.move(pid, to, by="Boris", at=_at(20))
    message = str(err.value)
    assert f'problem {pid} is "{current}"' in message
    assert f'cannot move to "{to}"' in message
    valid = sorted(b for a, b in EXPECTED_MOVES if a == current)
    for state in valid:
        assert f'"{state}"' in message.split("Valid next states")[1]
    if not valid:
        assert "final state" in message
    # nothing changed, nothing recorded
    assert reg.problem(pid)["state"] == current
    pd.testing.assert_frame_equal(reg.history(pid), before)


def test_shortcuts_are_the_named_moves(reg):
    pid = _problem_in(reg, "open")
    reg.start_work(pid, by="Olga", at=_at(4))
    reg.mark_fixed(pid, by="Olga", at=_at(5))
    reg.reject_fix(pid, by="Anna", note="client: still late", at=_at(6))
    reg.mark_fixed(pid, by="Olga", at=_at(7))
    reg.confirm_fix(pid, by="Anna", at=_at(8))
    assert reg.history(pid).to_state.tolist() == ["open", "in_work", "fixed", "in_work", "fixed", "confirmed"]
    assert reg.next_states(pid) == ["resumed"]


def test_fix_is_not_complete_until_the_client_confirms(reg):
    pid = _problem_in(reg, "fixed")
    with pytest.raises(KamArgumentError, match='"fixed"; it cannot move to "resumed"'):
        reg.move(pid, "resumed", by="Anna", at=_at(20))


def test_bad_arguments_are_refused(reg):
    pid = _problem_in(reg, "open")
    with pytest.raises(KamArgumentError, match='state "done" is not a register state; use one of: "open", "in_work"'):
        reg.move(pid, "done", by="x")
    with pytest.raises(KamArgumentError, match="problem 99 is not in the register"):
        reg.move(99, "in_work", by="x")
    with pytest.raises(KamArgumentError, match="by must be non-empty text, got ''"):
        reg.move(pid, "in_work", by="")
    with pytest.raises(KamArgumentError, match="problem_id='1' is not valid"):
        reg.move("1", "in_work", by="x")
    with pytest.raises(KamArgumentError, match="description must be non-empty text"):
        reg.open_problem("C1", "  ", interviewer="Anna")
    with pytest.raises(KamArgumentError, match="at='yesterday' is not valid"):
        reg.move(pid, "in_work", by="x", at="yesterday")


def test_time_cannot_run_backwards(reg):
    pid = _problem_in(reg, "in_work")  # last change on March 4
    with pytest.raises(KamArgumentError, match=r"at=2025-03-02 09:00:00 is earlier than the last change of problem 1 \(2025-03-04 09:00:00\)"):
        reg.mark_fixed(pid, by="Olga", at=_at(2))
    reg.mark_fixed(pid, by="Olga", at=_at(4))  # the same moment is fine
    assert reg.problem(pid)["state"] == "fixed"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(ALL_STATES), max_size=12))
def test_any_sequence_of_requests_follows_the_machine(requests):
    """Model check: accepted moves are exactly the allowed ones; history = 1 + accepted moves."""
    with Register(":memory:") as reg:
        pid = reg.open_problem("C1", "x", interviewer="Anna", at=_at(1))
        state, accepted = "open", 0
        for i, to in enumerate(requests):
            if (state, to) in EXPECTED_MOVES:
                reg.move(pid, to, by="t", at=_at(2 + i))
                state, accepted = to, accepted + 1
            else:
                with pytest.raises(KamArgumentError):
                    reg.move(pid, to, by="t", at=_at(2 + i))
            assert reg.problem(pid)["state"] == state
        assert len(reg.history(pid)) == 1 + accepted


def test_register_states_table():
    table = register_states()
    assert table.state.tolist() == ALL_STATES
    assert table.loc[table.state == "fixed", "next_states"].item() == "confirmed, in_work"
    assert table.loc[table.state == "resumed", "next_states"].item() == ""
    assert table.label.str.len().gt(0).all()


# ---- audit history --------------------------------------------------------------------------

def test_history_keeps_who_when_what(reg):
    pid = reg.open_problem("C1", "late", interviewer="Anna", client_name="Acme", at="2025-03-03 10:00")
    reg.start_work(pid, by="Olga", at="2025-03-04 08:30")
    reg.add_note(pid, "new driver assigned", by="Olga", at="2025-03-04 12:00")
    reg.mark_fixed(pid, by="Olga", note="route changed", at="2025-03-05 16:00")
    h = reg.history(pid)
    assert h.columns.tolist() == [
        "event_id", "at", "who", "entity", "entity_id", "client_id", "action", "from_state", "to_state", "note",
    ]
    assert h.who.tolist() == ["Anna", "Olga", "Olga", "Olga"]
    assert h.action.tolist() == ["open", "move", "note", "move"]
    assert h.from_state.fillna("-").tolist() == ["-", "open", "in_work", "in_work"]
    assert h.to_state.tolist() == ["open", "in_work", "in_work", "fixed"]
    assert h["at"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2025-03-03 10:00", "2025-03-04 08:30", "2025-03-04 12:00", "2025-03-05 16:00",
    ]
    assert h.note.iloc[2] == "new driver assigned"
    # a note does not change the state
    assert reg.problem(pid)["state"] == "fixed"
    assert len(reg.history(client_id="C1")) == 4


def test_history_is_kept_in_the_file(tmp_path):
    path = tmp_path / "kam.sqlite"
    with Register(path) as reg:
        pid = reg.open_problem("C1", "late", interviewer="Anna", at=_at(3))
        reg.start_work(pid, by="Olga", at=_at(4))
    with sqlite3.connect(path) as raw:
        rows = raw.execute("SELECT who, from_state, to_state FROM history ORDER BY event_id").fetchall()
    assert rows == [("Anna", None, "open"), ("Olga", "open", "in_work")]


# ---- the filled questionnaire -----------------------------------------------------------------

def test_questionnaire_pause_and_resume(reg):
    q = reg.start_questionnaire("C1", interviewer="Anna", client_name="Acme", at="2025-03-03 10:00")
    assert reg.answers(q) == {"client_name": "Acme", "meeting_date": "2025-03-03", "interviewer": "Anna"}
    reg.record_answers(
        q,
        {
            "key_people": [{"name": "Ms Lee", "position": "CEO"}],
            "carnegie_story": "Started in 1998 with one shop",
            "qc_on_time": True,
            "qc_complete": "No",
        },
        at="2025-03-03 10:30",
    )
    assert reg.failed_quality_checks(q) == ["qc_complete"]
    assert reg.answers(q)["key_people"] == [{"name": "Ms Lee", "position": "CEO"}]
    assert reg.answers(q)["qc_on_time"] == "yes"
    # completing without reporting the failed check is refused (step 10)
    with pytest.raises(KamArgumentError, match=r"failed quality checks \(qc_complete\) but no problem questionnaire"):
        reg.complete_questionnaire(q, at="2025-03-03 10:40")

    pid = reg.pause_questionnaire(q, at="2025-03-03 10:45", due="2025-03-07")
    p = reg.problem(pid)
    assert (p["state"], p["questionnaire_id"], p["client_name"], p["interviewer"], p["due"]) == (
        "open", q, "Acme", "Anna", "2025-03-07",
    )
    assert p["description"].startswith("Failed quality checks: In the last month, did every delivery arrive complete")
    assert reg.questionnaires().set_index("questionnaire_id").loc[q, "status"] == "paused"

    # a paused questionnaire takes no answers and cannot be resumed before the client confirms
    with pytest.raises(KamArgumentError, match='questionnaire 1 is "paused"; it must be "in_progress" to record answers'):
        reg.record_answers(q, {"expand_volume": "more"}, at="2025-03-04")
    reg.start_work(pid, by="Olga", at="2025-03-04")
    reg.mark_fixed(pid, by="Olga", at="2025-03-05")
    with pytest.raises(KamArgumentError, match='problem 1 is "fixed"; a fix is complete only when the client confirms'):
        reg.resume_questionnaire(q, at="2025-03-06")
    reg.confirm_fix(pid, by="Anna", at="2025-03-10")

    # continue where it stopped: after qc_complete, the furthest question reached
    assert reg.resume_questionnaire(q, at="2025-03-12 10:00") == "qc_no_defects"
    assert reg.problem(pid)["state"] == "resumed"
    reg.record_answers(q, {"qc_no_defects": "yes", "referral_introduce": "y"}, at="2025-03-12 10:30")
    assert reg.next_question(q) is None  # the last question is answered
    reg.complete_questionnaire(q, at="2025-03-12 11:00")
    qh = reg.history(questionnaire_id=q)
    assert qh.action.tolist() == ["start", "answer", "pause", "resume", "answer", "complete"]
    assert qh.to_state.tolist() == ["in_progress", "in_progress", "paused", "in_progress", "in_progress", "completed"]


def test_pause_needs_a_failed_check_or_a_description(reg):
    q = reg.start_questionnaire("C1", interviewer="Anna", at=_at(3))
    reg.record_answers(q, {"qc_on_time": "yes"}, at=_at(3))
    with pytest.raises(KamArgumentError, match='no quality check of questionnaire 1 is answered "no"; pass problems='):
        reg.pause_questionnaire(q, at=_at(3))
    pid = reg.pause_questionnaire(q, problems="Claims take a month", at=_at(3))
    assert reg.problem(pid)["description"] == "Claims take a month"


def test_pause_description_includes_the_details(reg):
    q = reg.start_questionnaire("C1", interviewer="Anna", at=_at(3))
    reg.record_answers(q, {"qc_on_time": False, "quality_problems": "Two late trucks"}, at=_at(3))
    pid = reg.pause_questionnaire(q, at=_at(3))
    assert reg.problem(pid)["description"].endswith("Details: Two late trucks")


def test_moving_a_linked_problem_to_resumed_resumes_its_questionnaire(reg):
    q = reg.start_questionnaire("C1", interviewer="Anna", at=_at(3))
    reg.record_answers(q, {"qc_claims": "no"}, at=_at(3))
    pid = reg.pause_questionnaire(q, at=_at(3))
    for i, step in enumerate(["in_work", "fixed", "confirmed", "resumed"]):
        reg.move(pid, step, by="x", at=_at(4 + i))
    assert reg.questionnaires().status.tolist() == ["in_progress"]
    assert reg.questionnaires().next_question.tolist() == ["quality_problems"]


def test_bad_answers_are_refused(reg):
    q = reg.start_questionnaire("C1", interviewer="Anna", at=_at(3))
    with pytest.raises(KamArgumentError, match='question "qc_on_time" takes yes or no; got \'maybe\''):
        reg.record_answers(q, {"qc_on_time": "maybe"})
    with pytest.raises(KamArgumentError, match='question "colour" is not in the VIP questionnaire'):
        reg.record_answers(q, {"colour": "red"})
    with pytest.raises(KamArgumentError, match="answers="):
        reg.record_answers(q, {})
    with pytest.raises(KamArgumentError, match="questionnaire 5 is not in the register"):
        reg.record_answers(5, {"qc_on_time": "yes"})
    assert len(reg.history(questionnaire_id=q)) == 1  # only the start


def test_stored_form_marks_where_to_continue(reg):
    q = reg.start_questionnaire("C1", interviewer="Anna", client_name="<script>alert(1)</script>", at=_at(3))
    reg.record_answers(q, {"qc_on_time": "no"}, at=_at(3))
    reg.pause_questionnaire(q, at=_at(3))
    html = reg.questionnaire_form(q, format="html")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.index("Continue here") < html.index("In the last month, did every delivery arrive complete")
    assert "&#9746; no" in html  # qc_on_time ticked "no"


# ---- the three roles --------------------------------------------------------------------------

@pytest.fixture
def busy(reg):
    """Four items (opened March 1-6), seen on Monday March 10, 2025."""
    a = reg.open_problem("C1", "late", interviewer="Anna", client_name="Acme", at=_at(1))  # age 9
    b = reg.open_problem("C2", "defects", interviewer="Anna", client_name="Beta", at=_at(5))  # age 5
    c = reg.open_problem("C3", "invoices", interviewer="Ivan", client_name="Gamma", at=_at(6), due="2025-03-07")
    d = reg.open_problem("C4", "claims", interviewer="Anna", client_name="Delta", at=_at(2))
    reg.start_work(b, by="Olga", at=_at(6))
    reg.start_work(d, by="Olga", at=_at(3))
    reg.mark_fixed(d, by="Olga", at=_at(4))
    e = reg.open_problem("C5", "speed", interviewer="Anna", client_name="Eps", at=_at(1))
    for i, step in enumerate(["in_work", "fixed", "confirmed"]):
        reg.move(e, step, by="x", at=_at(2 + i))
    return reg, {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_interviewer_view(busy):
    reg, ids = busy
    view = reg.interviewer_view("Anna", at=_at(10))
    # fixed (call the client) first, then confirmed (book the meeting), then the rest oldest first
    assert view.problem_id.tolist() == [ids["d"], ids["e"], ids["a"], ids["b"]]
    assert view.awaiting_confirmation.tolist() == [True, False, False, False]
    assert view.next_action.iloc[0] == "interviewer: call the client and ask them to confirm the fix"
    assert "Gamma" not in view.client_name.tolist()  # Ivan's item
    assert reg.view("interviewer", who="Ivan", at=_at(10)).client_id.tolist() == ["C3"]


def test_programme_head_view_overdue(busy):
    reg, ids = busy
    view = reg.programme_head_view(at=_at(10)).set_index("problem_id")
    # ages on March 10: a 10-1 = 9 days, b 10-5 = 5, c 10-6 = 4 (but due March 7 passed), d 10-2 = 8, e 9
    assert view.age_days.to_dict() == {ids["a"]: 9, ids["b"]: 5, ids["c"]: 4, ids["d"]: 8, ids["e"]: 9}
    overdue = view.overdue.to_dict()
    assert overdue == {
        ids["a"]: True,  # 9 > 7, open
        ids["b"]: False,  # 5 <= 7
        ids["c"]: True,  # due date passed
        ids["d"]: True,  # fixed but not confirmed: still unresolved, 8 > 7
        ids["e"]: False,  # confirmed by the client: resolved
    }
    assert reg.programme_head_view(at=_at(10), overdue_days=8).overdue.sum() == 2  # a (9 > 8) and c (due)
    assert reg.programme_head_view(at=_at(10)).overdue.iloc[:3].all()  # overdue first


def test_service_head_view_is_the_work_queue(busy):
    reg, ids = busy
    view = reg.view("service_head", at=_at(10))
    assert view.problem_id.tolist() == [ids["a"], ids["b"], ids["c"]]  # open/in work, oldest first
    assert view.state.tolist() == ["open", "in_work", "open"]


def test_views_as_of_an_earlier_moment(busy):
    reg, ids = busy
    # on March 3 at noon: a is open, d in work since 09:00, e already fixed (not in the queue); b, c not yet opened
    view = reg.service_head_view(at=datetime(2025, 3, 3, 12))
    assert view.problem_id.tolist() == [ids["a"], ids["d"]]
    assert view.state.tolist() == ["open", "in_work"]


def test_view_arguments(reg):
    with pytest.raises(KamArgumentError, match='role "boss" is not a register role; use one of: "interviewer", "programme_head", "service_head"'):
        reg.view("boss")
    with pytest.raises(KamArgumentError, match="who must be non-empty text"):
        reg.view("interviewer")
    with pytest.raises(KamArgumentError, match="overdue_days=-1 is not valid"):
        reg.programme_head_view(overdue_days=-1)


# ---- reports -----------------------------------------------------------------------------------

def test_daily_report(busy):
    reg, ids = busy
    reg.confirm_fix(ids["d"], by="Anna", note="client checked", at=datetime(2025, 3, 11, 10))
    reg.add_note(ids["a"], "driver replaced", by="Olga", at=datetime(2025, 3, 11, 12))
    reg.start_work(ids["c"], by="Olga", at=datetime(2025, 3, 11, 15))
    report = reg.daily_report("2025-03-11")
    assert report["work_done"].action.tolist() == ["move", "note", "move"]
    assert report["restored"][["client_id", "client_name", "confirmed_by"]].values.tolist() == [["C4", "Delta", "Anna"]]
    assert report["awaiting"].empty  # d was the only fixed item
    text = report.to_text()
    assert text.startswith("Problem register: daily report for 2025-03-11\n")
    assert "Clients whose service is restored" in text and "Delta" in text
    assert reg.daily_report("2025-03-04")["awaiting"].problem_id.tolist() == [ids["d"]]
    assert reg.daily_report("2025-02-01").to_text().count("none") == 3


def test_weekly_summary(busy):
    reg, ids = busy
    reg.confirm_fix(ids["d"], by="Anna", at=_at(11))
    reg.open_problem("C6", "noise", interviewer="Ivan", at=_at(12))
    week = reg.weekly_summary("2025-03-13")  # Monday 10 to Sunday 16
    by_state = dict(zip(week["by_state"].state, week["by_state"]["count"]))
    # a open, c open, C6 open; b in work; d confirmed (this week), e confirmed
    assert by_state == {"open": 3, "in_work": 1, "fixed": 0, "confirmed": 2, "resumed": 0}
    assert week["opened"].client_id.tolist() == ["C6"]
    assert week["closed"].problem_id.tolist() == [ids["d"]]
    assert week["oldest"].problem_id.tolist()[:2] == [ids["a"], ids["b"]]
    assert week["oldest"].age_days.iloc[0] == 15  # March 1 to Sunday March 16
    per = week["per_interviewer"].set_index("interviewer")
    assert per.loc["Anna", ["open", "in_work", "confirmed", "closed_this_week", "opened_this_week"]].tolist() == [1, 1, 2, 1, 0]
    assert per.loc["Ivan", ["open", "opened_this_week", "closed_this_week"]].tolist() == [2, 1, 0]
    md = week.to_markdown()
    assert md.startswith("# Problem register: weekly meeting, 2025-03-10 to 2025-03-16")
    assert "## Per interviewer" in md
    # the previous week: as it stood on Sunday March 9
    before = reg.weekly_summary("2025-03-03")
    assert dict(zip(before["by_state"].state, before["by_state"]["count"]))["fixed"] == 1


def test_report_text_escapes_in_markdown(reg):
    pid = reg.open_problem("X", "late", interviewer="Anna", client_name="<script>alert(1)</script>", at=_at(3))
    reg.start_work(pid, by="Olga", at=_at(3))
    md = reg.daily_report("2025-03-03").to_markdown()
    assert "<script>" not in md and "&lt;script&gt;" in md


# ---- the database file -------------------------------------------------------------------------

def test_schema_version_and_reopen(tmp_path):
    path = tmp_path / "kam.sqlite"
    with open_register(path) as reg:
        assert reg.schema_version == 1
        reg.open_problem("C1", "late", interviewer="Anna", at=_at(3))
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT version FROM schema_version WHERE component = 'register'").fetchone() == (1,)
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    with Register(path) as again:  # reopening keeps the data and does not migrate twice
        assert len(again.problems()) == 1
        assert repr(again) == f"Register({str(path)!r}, schema version 1)"


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "kam.sqlite"
    Register(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE schema_version SET version = 7 WHERE component = 'register'")
    with pytest.raises(KamDataError, match="holds register schema version 7, but this kamlib knows versions up to 1; update kamlib"):
        Register(path)


def test_migration_hook_runs_new_steps_once(tmp_path, monkeypatch):
    path = tmp_path / "kam.sqlite"
    Register(path).close()
    calls = []

    def v2(conn):
        calls.append(1)
        conn.execute("ALTER TABLE problems ADD COLUMN priority TEXT")

    monkeypatch.setattr(Register, "MIGRATIONS", [*Register.MIGRATIONS, v2])  # the hook a subclass of Store reads
    with Register(path) as reg:
        assert reg.schema_version == 2
    Register(path).close()
    assert calls == [1]
    with sqlite3.connect(path) as raw:
        assert "priority" in [r[1] for r in raw.execute("PRAGMA table_info(problems)")]


def test_bad_paths(tmp_path):
    with pytest.raises(KamArgumentError, match="is a folder"):
        Register(tmp_path)
    with pytest.raises(KamArgumentError, match='the folder ".*nowhere" does not exist'):
        Register(tmp_path / "nowhere" / "kam.sqlite")
    text = tmp_path / "notes.txt"
    text.write_text("not a database, just some text that is long enough " * 20)
    with pytest.raises(KamDataError, match="is not a SQLite database"):
        Register(text)
    with pytest.raises(KamArgumentError, match="path must be text or a path"):
        Register(42)


def test_a_locked_file_gives_a_clear_error(tmp_path):
    path = tmp_path / "kam.sqlite"
    Register(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        with Register(path, timeout=0) as reg:
            assert len(reg.problems()) == 0  # reading still works (WAL)
            with pytest.raises(KamDataError, match="stayed locked by another writer .*raise timeout="):
                reg.open_problem("C1", "late", interviewer="Anna")
    finally:
        holder.execute("ROLLBACK")
        holder.close()


# ---- several processes at once ---------------------------------------------------------------

N_PROCESSES, N_WRITES = 4, 50


def _writer(path: str, worker: int, barrier, results) -> None:
    try:
        with Register(path, timeout=30) as reg:
            barrier.wait()
            ids = [
                reg.open_problem(f"W{worker}", f"problem {i}", interviewer=f"I{worker}", at=_at(3))
                for i in range(N_WRITES)
            ]
            # everyone races for the same item: exactly one move may win
            try:
                reg.start_work(1, by=f"I{worker}", at=_at(4))
                won = True
            except KamArgumentError:
                won = False
        results.put((worker, ids, won))
    except BaseException as exc:  # report instead of leaving the parent waiting
        results.put((worker, None, repr(exc)))


def _fresh_writer(path: str, worker: int, barrier, results) -> None:
    try:
        barrier.wait()
        with Register(path, timeout=30) as reg:
            ids = [reg.open_problem(f"W{worker}", f"p{i}", interviewer="x", at=_at(3)) for i in range(5)]
        results.put((worker, ids, False))
    except BaseException as exc:
        results.put((worker, None, repr(exc)))


def _run(target, path: str) -> list[tuple[int, list[int], bool]]:
    """Start N_PROCESSES processes running ``target`` at the same moment; their results, errors raised."""
    ctx = multiprocessing.get_context("fork")
    barrier, results = ctx.Barrier(N_PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=target, args=(path, w, barrier, results)) for w in range(N_PROCESSES)]
    for p in procs:
        p.start()
    out = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    errors = [err for _, ids, err in out if ids is None]
    assert not errors, errors
    assert all(p.exitcode == 0 for p in procs)
    return out


def test_concurrent_processes_lose_nothing(tmp_path):
    path = str(tmp_path / "kam.sqlite")
    with Register(path) as reg:
        reg.open_problem("W-", "the contested item", interviewer="Anna", at=_at(3))
    out = _run(_writer, path)
    with Register(path) as reg:
        problems = reg.problems()
        history = reg.history()
    total = N_PROCESSES * N_WRITES  # 4 x 50 = 200 new items, plus the contested one
    assert len(problems) == total + 1
    assert problems.problem_id.is_unique
    for worker, ids, _ in out:
        mine = problems[problems.client_id == f"W{worker}"]
        assert sorted(mine.problem_id) == sorted(ids)
        assert sorted(mine.description) == sorted(f"problem {i}" for i in range(N_WRITES))
    assert sum(won for _, _, won in out) == 1
    assert len(history) == total + 1 + 1  # every open, and the single winning move
    assert (history.action == "move").sum() == 1


def test_concurrent_first_use_of_a_new_file(tmp_path):
    """Four processes create the same new file at the same moment: one schema, no errors, nothing lost."""
    path = str(tmp_path / "fresh.sqlite")
    out = _run(_fresh_writer, path)
    assert sorted(w for w, _, _ in out) == list(range(N_PROCESSES))
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM problems").fetchone() == (N_PROCESSES * 5,)
        assert raw.execute("SELECT component, version FROM schema_version").fetchall() == [("register", 1)]


# ---- a file that is not the register's own (issue 15) ------------------------------------------


def _state(path):
    """Everything that opening could change: the bytes, the journal files beside it."""
    siblings = sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))
    return path.read_bytes(), siblings


def test_another_programs_database_is_refused_untouched(tmp_path):
    path = tmp_path / "crm.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
        raw.execute("INSERT INTO customers (name) VALUES ('Acme')")
        # a table called schema_version of another layout does not make it kamlib's
        raw.execute("CREATE TABLE schema_version (version INTEGER)")
    raw.close()
    before = _state(path)
    with pytest.raises(KamDataError, match=r"crm\.db\" is another program's SQLite database \(tables: customers, "
                                           r"schema_version\); it is left untouched"):
        open_register(path)
    assert _state(path) == before
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL
    raw.close()


def test_a_non_sqlite_file_is_refused_untouched(tmp_path):
    for name, content in [("short.txt", b"hello\n"), ("data.csv", b"id,name\n1,Acme\n" * 50),
                          ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(200))]:
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(KamDataError, match="is not a SQLite database .*left untouched"):
            open_register(path)
        assert path.read_bytes() == content and _state(path)[1] == [name]


def test_an_empty_file_and_an_empty_database_become_a_register(tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    with open_register(empty) as reg:
        assert reg.schema_version >= 1
    blank = tmp_path / "blank.sqlite"
    sqlite3.connect(blank).execute("PRAGMA user_version = 0").connection.close()
    with open_register(blank) as reg:
        assert reg.schema_version >= 1
    with open_register(blank) as reg:  # and reopening our own file works
        assert reg.schema_version >= 1


def test_sqlite_errors_become_kam_errors(tmp_path):
    path = tmp_path / "kam.sqlite"
    with open_register(path) as reg:
        for i in range(200):
            reg.open_problem(f"C{i:03d}", "late delivery " * 20, interviewer="anna", at="2025-01-06")
    with sqlite3.connect(path) as raw:  # fold the WAL into the file, so the damage below hits the data
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(2 * page, len(data), page):  # every page after the first two: garbage
        data[start:start + page] = b"\xde\xad\xbe\xef" * (page // 4)
    path.write_bytes(bytes(data))
    with pytest.raises(KamDataError) as caught:
        with open_register(path) as reg:
            reg.problems()
    assert "SQLite says: database disk image is malformed" in str(caught.value) or \
        "is not a SQLite database" in str(caught.value)
    assert not isinstance(caught.value, sqlite3.Error)


def test_sqlite_errors_of_any_method_become_kam_errors(tmp_path):
    """A register whose file became read-only under it (another disk, a permission change): a KamDataError, no traceback of sqlite3."""
    path = tmp_path / "kam.sqlite"
    reg = open_register(path)
    reg._conn.close()
    reg._conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True, isolation_level=None)
    try:
        with pytest.raises(KamDataError, match=r"kam\.sqlite\": open_problem failed — SQLite says: attempt to write "
                                               r"a readonly database"):
            reg.open_problem("C001", "late delivery", interviewer="anna", at="2025-01-06")
    finally:
        reg.close()

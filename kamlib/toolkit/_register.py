"""The consolidated register of problem questionnaires (CURRICULUM M6, steps 10-15).

When the quality check of a VIP questionnaire finds problems, the interviewer
pauses the questionnaire, records the problems and leaves (step 10). The problem
questionnaire then lives in this register until the questionnaire is resumed::

    open -> in_work -> fixed -> confirmed -> resumed
                 ^        |
                 +--------+   the client does not confirm: back to work

* ``open``: recorded at the meeting; the questionnaire is paused.
* ``in_work``: the service head took it into work (step 11).
* ``fixed``: the service side reports it fixed -- *not complete* until the
  client confirms (step 13).
* ``confirmed``: the interviewer called the client, who checked and confirmed.
* ``resumed``: a new meeting continued the questionnaire where it stopped
  (steps 14-15).

Every other move is refused with a :class:`~kamlib.KamArgumentError` naming the
current state, the requested one and the valid next states. Every change is
written to the ``history`` table (who, when, what, from -> to, note), and
``at=`` on every write makes notebooks deterministic.

The three copies of the source (step 11) are three views: the interviewer's
(their items, what awaits the client's confirmation), the programme head's (all
open items, the overdue ones) and the service head's (the work queue). The daily
report and the weekly meeting summary (step 12) come as tables and as text.

Database
--------
One SQLite file at a path of your choice (created on first use, shared with
:class:`kamlib.Dossier`), schema version in ``schema_version`` (component
``register``). Tables:

``questionnaires``  questionnaire_id, client_id, client_name, interviewer, status
                    (in_progress | paused | completed), started_at, updated_at
``answers``         questionnaire_id, question_id, answer (text), answered_at
``problems``        problem_id, client_id, client_name, interviewer, description,
                    questionnaire_id (the paused questionnaire, if any), state, opened_at,
                    due, updated_at
``history``         event_id, at, who, entity (problem | questionnaire), entity_id,
                    client_id, action, from_state, to_state, note

Times are stored as ``YYYY-MM-DD HH:MM:SS`` local time. Several processes may
write at once: WAL journal, a busy timeout, and ``BEGIN IMMEDIATE`` around every
write (see ``kamlib/toolkit/_db.py``).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from .._errors import KamArgumentError
from ..labels import t
from ._db import Store, as_date, as_datetime, iso, read, write
from ._markup import md_table
from ._questionnaire import QUALITY_CHECK_IDS, QUESTION_IDS, question_kind, questionnaire_form

__all__ = [
    "Register", "open_register", "register_states", "RegisterReport",
    "STATES", "TRANSITIONS", "UNRESOLVED", "ROLES",
]

STATES: tuple[str, ...] = ("open", "in_work", "fixed", "confirmed", "resumed")
"""The life of a problem questionnaire, in order (steps 10-15 of the source)."""

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("in_work",),
    "in_work": ("fixed",),
    "fixed": ("confirmed", "in_work"),  # in_work again: the client did not confirm the fix
    "confirmed": ("resumed",),
    "resumed": (),
}
"""Allowed moves: state -> the states it may move to next."""

UNRESOLVED: tuple[str, ...] = ("open", "in_work", "fixed")
"""States in which the client's service is not yet restored (no client confirmation)."""

ROLES: tuple[str, ...] = ("interviewer", "programme_head", "service_head")
"""The three holders of a problem questionnaire's copies (step 11)."""

QUESTIONNAIRE_STATUSES: tuple[str, ...] = ("in_progress", "paused", "completed")

OVERDUE_DAYS = 7
"""An unresolved item older than one weekly-meeting cycle (step 12: a weekly meeting) is overdue."""

COMPONENT = "register"


# ---- schema ----------------------------------------------------------------------------------

def _migrate_v1(conn: sqlite3.Connection) -> None:
    states = ", ".join(f"'{s}'" for s in STATES)
    statuses = ", ".join(f"'{s}'" for s in QUESTIONNAIRE_STATUSES)
    for sql in (
        "CREATE TABLE questionnaires ("
        " questionnaire_id INTEGER PRIMARY KEY,"
        " client_id TEXT NOT NULL,"
        " client_name TEXT,"
        " interviewer TEXT NOT NULL,"
        f" status TEXT NOT NULL CHECK (status IN ({statuses})),"
        " started_at TEXT NOT NULL,"
        " updated_at TEXT NOT NULL)",
        "CREATE TABLE answers ("
        " questionnaire_id INTEGER NOT NULL REFERENCES questionnaires(questionnaire_id),"
        " question_id TEXT NOT NULL,"
        " answer TEXT NOT NULL,"
        " answered_at TEXT NOT NULL,"
        " PRIMARY KEY (questionnaire_id, question_id))",
        "CREATE TABLE problems ("
        " problem_id INTEGER PRIMARY KEY,"
        " client_id TEXT NOT NULL,"
        " client_name TEXT,"
        " interviewer TEXT NOT NULL,"
        " description TEXT NOT NULL,"
        " questionnaire_id INTEGER REFERENCES questionnaires(questionnaire_id),"
        f" state TEXT NOT NULL CHECK (state IN ({states})),"
        " opened_at TEXT NOT NULL,"
        " due TEXT,"
        " updated_at TEXT NOT NULL)",
        "CREATE TABLE history ("
        " event_id INTEGER PRIMARY KEY AUTOINCREMENT,"
        " at TEXT NOT NULL,"
        " who TEXT NOT NULL,"
        " entity TEXT NOT NULL CHECK (entity IN ('problem', 'questionnaire')),"
        " entity_id INTEGER NOT NULL,"
        " client_id TEXT NOT NULL,"
        " action TEXT NOT NULL,"
        " from_state TEXT,"
        " to_state TEXT,"
        " note TEXT)",
        "CREATE INDEX history_entity ON history (entity, entity_id)",
        "CREATE INDEX history_at ON history (at)",
        "CREATE INDEX problems_state ON problems (state)",
        "CREATE INDEX problems_questionnaire ON problems (questionnaire_id)",
    ):
        conn.execute(sql)


MIGRATIONS = [_migrate_v1]
"""Migration hook: function i takes the register schema from version i to i + 1. Append, never edit."""


# ---- argument checks -------------------------------------------------------------------------

def _check_text(value: object, argument: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise KamArgumentError(t("register.empty_text", argument=argument, value=value))
    return value.strip()


def _check_optional_text(value: object, argument: str) -> str | None:
    return None if value is None else _check_text(value, argument)


def _check_state(state: object, argument: str = "to") -> str:
    if state not in STATES:
        raise KamArgumentError(
            t("register.unknown_state", state=state, valid=", ".join(f'"{s}"' for s in STATES))
        )
    return str(state)


def _check_role(role: object) -> str:
    if role not in ROLES:
        raise KamArgumentError(t("register.unknown_role", role=role, valid=", ".join(f'"{r}"' for r in ROLES)))
    return str(role)


def _check_id(value: object, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            import numpy as np

            if isinstance(value, np.integer):
                return int(value)
        except ImportError:  # pragma: no cover
            pass
        raise KamArgumentError(t("errors.bad_argument", argument=argument, value=value, valid=t("register_valid.id")))
    return value


def _check_days(value: object, argument: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise KamArgumentError(t("errors.bad_argument", argument=argument, value=value, valid=t("register_valid.days")))
    return value


def _normalise_answer(question_id: str, value: object) -> str:
    """The stored text of one answer (``yes``/``no``, ISO date, JSON for a list of people)."""
    kind = question_kind(question_id)
    if kind == "yes_no":
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str):
            word = value.strip().lower()
            if word in ("yes", "y", t("vip_form.yes").lower()):
                return "yes"
            if word in ("no", "n", t("vip_form.no").lower()):
                return "no"
        raise KamArgumentError(t("register.bad_yes_no", question=question_id, value=value))
    if kind == "date":
        return as_date(value, f"answers[{question_id!r}]").isoformat()
    if kind == "people" and isinstance(value, (list, tuple)):
        return json.dumps(list(value), ensure_ascii=False, default=str)
    if isinstance(value, bool) or value is None:
        raise KamArgumentError(
            t("register.bad_answer", question=question_id, kind=kind, value=value, valid=t("register_valid.text"))
        )
    if isinstance(value, (str, int, float)):
        text = str(value).strip()
        if text:
            return text
    raise KamArgumentError(t("register.bad_answer", question=question_id, kind=kind, value=value, valid=t("register_valid.text")))


def _decode_answer(question_id: str, text: str) -> object:
    if question_kind(question_id) == "people" and text.startswith("["):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _resume_point(answered: object) -> str | None:
    """The first question id after the furthest answered one (questionnaire order)."""
    done = set(answered)
    reached = max((i for i, k in enumerate(QUESTION_IDS) if k in done), default=-1)
    return next((k for k in QUESTION_IDS[reached + 1:] if k not in done), None)


def _state_labels() -> dict[str, str]:
    return {s: t(f"register_states.{s}") for s in STATES}


def _next_actions() -> dict[str, str]:
    return {s: t(f"register_next.{s}") for s in STATES}


def register_states() -> pd.DataFrame:
    """The register's state machine as a table.

    Returns
    -------
    pandas.DataFrame
        One row per state, in order: ``state`` (the code name used by
        :meth:`Register.move`), ``label``, ``meaning`` (the source's step),
        ``next_states`` (where it may move) and ``next_action`` (who does what next).

    Examples
    --------
    >>> from kamlib import register_states
    >>> for row in register_states().itertuples():
    ...     print(row.state, "->", row.next_states or "(final)")
    open -> in_work
    in_work -> fixed
    fixed -> confirmed, in_work
    confirmed -> resumed
    resumed -> (final)
    """
    return pd.DataFrame(
        {
            "state": list(STATES),
            "label": [t(f"register_states.{s}") for s in STATES],
            "meaning": [t(f"register_state_meaning.{s}") for s in STATES],
            "next_states": [", ".join(TRANSITIONS[s]) for s in STATES],
            "next_action": [t(f"register_next.{s}") for s in STATES],
        }
    )


# ---- reports ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class RegisterReport:
    """A report of the register: a title and named tables, printable as text or Markdown.

    ``report["restored"]`` (or ``report.tables["restored"]``) is a table;
    ``report.to_text()`` is the plain text for the daily e-mail; in a notebook the
    report shows itself as Markdown.
    """

    title: str
    tables: dict[str, pd.DataFrame]
    headings: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> pd.DataFrame:
        return self.tables[key]

    def to_markdown(self) -> str:
        """The report as Markdown (every cell escaped)."""
        out = [f"# {self.title}", ""]
        for key, frame in self.tables.items():
            out += [f"## {self.headings.get(key, key)}", ""]
            out += [md_table(frame) if len(frame) else f"*{t('register_report.none')}*", ""]
        return "\n".join(out).rstrip() + "\n"

    def to_text(self) -> str:
        """The report as plain text (for an e-mail)."""
        out = [self.title, "=" * len(self.title), ""]
        for key, frame in self.tables.items():
            heading = self.headings.get(key, key)
            out += [heading, "-" * len(heading)]
            out += [frame.to_string(index=False, na_rep="") if len(frame) else t("register_report.none"), ""]
        return "\n".join(out).rstrip() + "\n"

    def __str__(self) -> str:
        return self.to_text()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


# ---- the register ----------------------------------------------------------------------------

_PROBLEM_COLUMNS = (
    "problem_id", "client_id", "client_name", "interviewer", "description", "questionnaire_id",
    "state", "opened_at", "due", "updated_at",
)

_AS_OF_SQL = """
WITH last AS (
    SELECT entity_id, to_state, at,
           ROW_NUMBER() OVER (PARTITION BY entity_id ORDER BY at DESC, event_id DESC) AS rn
    FROM history
    WHERE entity = 'problem' AND to_state IS NOT NULL
      AND (from_state IS NULL OR from_state <> to_state) AND at <= ?
)
SELECT p.problem_id, p.client_id, p.client_name, p.interviewer, p.description, p.questionnaire_id,
       p.opened_at, p.due, last.to_state AS state, last.at AS state_since
FROM problems AS p JOIN last ON last.entity_id = p.problem_id AND last.rn = 1
ORDER BY p.problem_id
"""


class Register(Store):
    """The problem-questionnaire register and the filled VIP questionnaires, in one SQLite file.

    Parameters
    ----------
    path : str or path-like
        The database file; created on first use (its folder must exist). The same
        file can hold the account dossier (:class:`kamlib.Dossier`). ``":memory:"``
        gives a throw-away register.
    timeout : float, default 10.0
        Seconds a writer waits for another process's write to finish before giving up.

    Raises
    ------
    KamArgumentError
        The path is a folder or its folder does not exist.
    KamDataError
        The file is not a SQLite database, or was written by a newer kamlib.

    See Also
    --------
    register_states : the state machine as a table.
    vip_questionnaire : the questions a stored questionnaire answers.

    Examples
    --------
    A problem found at the quality check, fixed, confirmed by the client, and the
    questionnaire resumed (times are given with ``at=`` so the output is the same
    on every run):

    >>> import tempfile, pathlib
    >>> from kamlib import Register
    >>> folder = tempfile.mkdtemp()
    >>> reg = Register(pathlib.Path(folder) / "kam.sqlite")
    >>> q = reg.start_questionnaire("C01", interviewer="Anna", client_name="Acme", at="2025-03-03 10:00")
    >>> reg.record_answers(q, {"qc_on_time": "no"}, at="2025-03-03 10:40")
    >>> p = reg.pause_questionnaire(q, problems="Two late deliveries in February", at="2025-03-03 10:45")
    >>> reg.start_work(p, by="Boris (service)", at="2025-03-04 09:00")
    >>> reg.mark_fixed(p, by="Boris (service)", note="route changed", at="2025-03-05 16:00")
    >>> reg.move(p, "resumed", by="Anna", at="2025-03-06")
    Traceback (most recent call last):
    ...
    kamlib._errors.KamArgumentError: problem 1 is "fixed"; it cannot move to "resumed". Valid next states from "fixed": "confirmed", "in_work"
    >>> reg.confirm_fix(p, by="Anna", note="client checked the last two deliveries", at="2025-03-10 11:00")
    >>> reg.resume_questionnaire(q, by="Anna", at="2025-03-12 10:00")
    'qc_complete'
    >>> reg.history(p)[["at", "who", "from_state", "to_state"]]
                       at              who from_state   to_state
    0 2025-03-03 10:45:00             Anna        NaN       open
    1 2025-03-04 09:00:00  Boris (service)       open    in_work
    2 2025-03-05 16:00:00  Boris (service)    in_work      fixed
    3 2025-03-10 11:00:00             Anna      fixed  confirmed
    4 2025-03-12 10:00:00             Anna  confirmed    resumed
    >>> reg.close()
    """

    COMPONENT = COMPONENT
    MIGRATIONS = MIGRATIONS

    def _log(
        self, moment: datetime, who: str, entity: str, entity_id: int, client_id: str, action: str,
        from_state: str | None, to_state: str | None, note: str | None,
    ) -> None:
        self._conn.execute(
            "INSERT INTO history (at, who, entity, entity_id, client_id, action, from_state, to_state, note)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (iso(moment), who, entity, entity_id, client_id, action, from_state, to_state, note),
        )

    def _check_forward(self, entity: str, entity_id: int, moment: datetime) -> None:
        row = self._conn.execute(
            "SELECT MAX(at) FROM history WHERE entity = ? AND entity_id = ?", (entity, entity_id)
        ).fetchone()
        if row[0] is not None and iso(moment) < row[0]:
            raise KamArgumentError(
                t("register.time_goes_back", at=iso(moment), entity=entity, id=entity_id, last=row[0])
            )

    def _problem(self, problem_id: object) -> dict[str, Any]:
        pid = _check_id(problem_id, "problem_id")
        cursor = self._conn.execute(
            f"SELECT {', '.join(_PROBLEM_COLUMNS)} FROM problems WHERE problem_id = ?", (pid,)
        )
        row = cursor.fetchone()
        if row is None:
            raise KamArgumentError(t("register.unknown_problem", problem=pid, path=self.path))
        return dict(zip(_PROBLEM_COLUMNS, row))

    def _questionnaire(self, questionnaire_id: object) -> dict[str, Any]:
        qid = _check_id(questionnaire_id, "questionnaire_id")
        cols = ("questionnaire_id", "client_id", "client_name", "interviewer", "status", "started_at", "updated_at")
        row = self._conn.execute(
            f"SELECT {', '.join(cols)} FROM questionnaires WHERE questionnaire_id = ?", (qid,)
        ).fetchone()
        if row is None:
            raise KamArgumentError(t("register.unknown_questionnaire", questionnaire=qid, path=self.path))
        return dict(zip(cols, row))

    # -- problem questionnaires --

    def open_problem(
        self,
        client_id: str,
        description: str,
        *,
        interviewer: str,
        client_name: str | None = None,
        due: date | str | None = None,
        at: datetime | date | str | None = None,
    ) -> int:
        """Record a problem questionnaire in state ``open``; return its ``problem_id``.

        Use this for problems found on a paper questionnaire; for a questionnaire
        stored in the register use :meth:`pause_questionnaire`, which also pauses it.

        Parameters
        ----------
        client_id, description : str
            The client, and the problems recorded in full (what, when, how often).
        interviewer : str
            Who met the client; holds the original copy (step 11) and later asks
            the client to confirm the fix.
        client_name : str, optional
            For the reports.
        due : date, optional
            Promised date of the fix; without it an item is overdue after
            :data:`OVERDUE_DAYS` days.
        at : datetime, optional
            When it happened (default: now).
        """
        return self._open_problem(client_id, description, interviewer, client_name, due, at, None, None)

    def _open_problem(
        self, client_id: object, description: object, interviewer: object, client_name: object,
        due: object, at: object, questionnaire_id: int | None, by: str | None,
    ) -> int:
        client_id = _check_text(client_id, "client_id")
        description = _check_text(description, "description")
        interviewer = _check_text(interviewer, "interviewer")
        client_name = _check_optional_text(client_name, "client_name")
        due_text = None if due is None else as_date(due, "due").isoformat()
        moment = as_datetime(at)
        with write(self._conn, self.path):
            pid = self._insert_problem(client_id, description, interviewer, client_name, due_text, moment, questionnaire_id, by)
        return pid

    def _insert_problem(
        self, client_id: str, description: str, interviewer: str, client_name: str | None,
        due_text: str | None, moment: datetime, questionnaire_id: int | None, by: str | None,
    ) -> int:
        cursor = self._conn.execute(
            "INSERT INTO problems (client_id, client_name, interviewer, description, questionnaire_id, state,"
            " opened_at, due, updated_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?, ?)",
            (client_id, client_name, interviewer, description, questionnaire_id, iso(moment), due_text, iso(moment)),
        )
        pid = int(cursor.lastrowid)
        self._log(moment, by or interviewer, "problem", pid, client_id, "open", None, "open", t("register.opened_note"))
        return pid

    def move(
        self, problem_id: int, to: str, *, by: str, note: str | None = None, at: datetime | date | str | None = None
    ) -> None:
        """Move a problem questionnaire to state ``to``, recording who, when and why.

        Parameters
        ----------
        problem_id : int
        to : {"in_work", "fixed", "confirmed", "resumed"}
            Must be a valid next state (:data:`TRANSITIONS`); ``fixed`` may go back
            to ``in_work`` when the client does not confirm the fix.
        by : str
            Who made the change (kept in the history).
        note : str, optional
            What was done, what the client said.
        at : datetime, optional
            When (default now); not earlier than the item's last change.

        Raises
        ------
        KamArgumentError
            Unknown problem or state, a move the state machine does not allow (the
            message names the current, requested and valid next states), or ``at``
            earlier than the last change.

        Notes
        -----
        Moving to ``resumed`` a problem opened by :meth:`pause_questionnaire`
        resumes that questionnaire too (same as :meth:`resume_questionnaire`).
        The check and the change run in one ``BEGIN IMMEDIATE`` transaction, so two
        people moving the same item at once cannot both succeed.
        """
        to = _check_state(to)
        by = _check_text(by, "by")
        note = _check_optional_text(note, "note")
        moment = as_datetime(at)
        with write(self._conn, self.path):
            self._transition(self._problem(problem_id), to, by, note, moment)

    def _transition(self, row: dict[str, Any], to: str, by: str, note: str | None, moment: datetime) -> None:
        current, pid = row["state"], row["problem_id"]
        if to not in TRANSITIONS[current]:
            valid = ", ".join(f'"{s}"' for s in TRANSITIONS[current]) or t("register.no_next_state", current=current)
            raise KamArgumentError(
                t("register.bad_transition", problem=pid, current=current, requested=to, valid=valid)
            )
        self._check_forward("problem", pid, moment)
        self._conn.execute(
            "UPDATE problems SET state = ?, updated_at = ? WHERE problem_id = ?", (to, iso(moment), pid)
        )
        self._log(moment, by, "problem", pid, row["client_id"], "move", current, to, note)
        qid = row["questionnaire_id"]
        if to == "resumed" and qid is not None:
            q = self._questionnaire(qid)
            if q["status"] == "paused":
                self._set_status(q, "in_progress", "resume", by, t("register.resumed_note"), moment)

    def start_work(self, problem_id: int, *, by: str, note: str | None = None, at: datetime | date | str | None = None) -> None:
        """Service side takes the problem into work: ``open`` -> ``in_work``."""
        self.move(problem_id, "in_work", by=by, note=note, at=at)

    def mark_fixed(self, problem_id: int, *, by: str, note: str | None = None, at: datetime | date | str | None = None) -> None:
        """Service side reports the problem fixed: ``in_work`` -> ``fixed`` (awaits the client)."""
        self.move(problem_id, "fixed", by=by, note=note, at=at)

    def confirm_fix(self, problem_id: int, *, by: str, note: str | None = None, at: datetime | date | str | None = None) -> None:
        """The client checked and confirmed the fix: ``fixed`` -> ``confirmed`` (step 13)."""
        self.move(problem_id, "confirmed", by=by, note=note, at=at)

    def reject_fix(self, problem_id: int, *, by: str, note: str | None = None, at: datetime | date | str | None = None) -> None:
        """The client says it is not fixed: ``fixed`` -> ``in_work`` again."""
        self.move(problem_id, "in_work", by=by, note=note, at=at)

    def add_note(self, problem_id: int, note: str, *, by: str, at: datetime | date | str | None = None) -> None:
        """Record work done or news on a problem without changing its state (shows in the daily report)."""
        note = _check_text(note, "note")
        by = _check_text(by, "by")
        moment = as_datetime(at)
        with write(self._conn, self.path):
            row = self._problem(problem_id)
            self._check_forward("problem", row["problem_id"], moment)
            self._log(moment, by, "problem", row["problem_id"], row["client_id"], "note", row["state"], row["state"], note)

    def next_states(self, problem_id: int) -> list[str]:
        """The states ``problem_id`` may move to now."""
        return list(TRANSITIONS[self._problem(problem_id)["state"]])

    def problem(self, problem_id: int) -> dict[str, Any]:
        """One problem questionnaire as a dict (current state)."""
        return self._problem(problem_id)

    def problems(
        self, *, state: str | None = None, interviewer: str | None = None, client_id: str | None = None
    ) -> pd.DataFrame:
        """All problem questionnaires in their current state, optionally filtered.

        Returns
        -------
        pandas.DataFrame
            ``problem_id, client_id, client_name, interviewer, description,
            questionnaire_id, state, opened_at, due, updated_at``.
        """
        where, params = [], []
        if state is not None:
            where.append("state = ?")
            params.append(_check_state(state, "state"))
        if interviewer is not None:
            where.append("interviewer = ?")
            params.append(_check_text(interviewer, "interviewer"))
        if client_id is not None:
            where.append("client_id = ?")
            params.append(_check_text(client_id, "client_id"))
        sql = f"SELECT {', '.join(_PROBLEM_COLUMNS)} FROM problems"
        if where:
            sql += " WHERE " + " AND ".join(where)
        frame = self._frame(sql + " ORDER BY problem_id", tuple(params))
        return _with_times(frame, ("opened_at", "updated_at"), ("due",))

    def history(
        self, problem_id: int | None = None, *, questionnaire_id: int | None = None, client_id: str | None = None
    ) -> pd.DataFrame:
        """The audit history, oldest first: every change with who, when, what, from -> to and a note.

        Without arguments: the whole history. ``problem_id`` or ``questionnaire_id``
        select one item's events; ``client_id`` every event of a client.

        Returns
        -------
        pandas.DataFrame
            ``event_id, at, who, entity, entity_id, client_id, action, from_state,
            to_state, note``.
        """
        where, params = [], []
        if problem_id is not None:
            where.append("entity = 'problem' AND entity_id = ?")
            params.append(self._problem(problem_id)["problem_id"])
        if questionnaire_id is not None:
            where.append("entity = 'questionnaire' AND entity_id = ?")
            params.append(self._questionnaire(questionnaire_id)["questionnaire_id"])
        if client_id is not None:
            where.append("client_id = ?")
            params.append(_check_text(client_id, "client_id"))
        sql = (
            "SELECT event_id, at, who, entity, entity_id, client_id, action, from_state, to_state, note FROM history"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        frame = self._frame(sql + " ORDER BY at, event_id", tuple(params))
        return _with_times(frame, ("at",), ())

    # -- the filled VIP questionnaire --

    def start_questionnaire(
        self,
        client_id: str,
        *,
        interviewer: str,
        client_name: str | None = None,
        at: datetime | date | str | None = None,
    ) -> int:
        """Start a VIP questionnaire for a client; return its ``questionnaire_id``.

        The header questions (client name, meeting date, interviewer) are filled in
        from the arguments.
        """
        client_id = _check_text(client_id, "client_id")
        interviewer = _check_text(interviewer, "interviewer")
        client_name = _check_optional_text(client_name, "client_name")
        moment = as_datetime(at)
        with write(self._conn, self.path):
            cursor = self._conn.execute(
                "INSERT INTO questionnaires (client_id, client_name, interviewer, status, started_at, updated_at)"
                " VALUES (?, ?, ?, 'in_progress', ?, ?)",
                (client_id, client_name, interviewer, iso(moment), iso(moment)),
            )
            qid = int(cursor.lastrowid)
            header = {"meeting_date": moment.date().isoformat(), "interviewer": interviewer}
            if client_name:
                header["client_name"] = client_name
            self._put_answers(qid, header, moment)
            self._log(moment, interviewer, "questionnaire", qid, client_id, "start", None, "in_progress", None)
        return qid

    def _put_answers(self, qid: int, stored: Mapping[str, str], moment: datetime) -> None:
        self._conn.executemany(
            "INSERT INTO answers (questionnaire_id, question_id, answer, answered_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(questionnaire_id, question_id) DO UPDATE SET answer = excluded.answer,"
            " answered_at = excluded.answered_at",
            [(qid, key, value, iso(moment)) for key, value in stored.items()],
        )

    def _set_status(self, q: dict[str, Any], status: str, action: str, by: str, note: str | None, moment: datetime) -> None:
        self._check_forward("questionnaire", q["questionnaire_id"], moment)
        self._conn.execute(
            "UPDATE questionnaires SET status = ?, updated_at = ? WHERE questionnaire_id = ?",
            (status, iso(moment), q["questionnaire_id"]),
        )
        self._log(moment, by, "questionnaire", q["questionnaire_id"], q["client_id"], action, q["status"], status, note)

    def _require_status(self, q: dict[str, Any], action: str) -> None:
        if q["status"] != "in_progress":
            raise KamArgumentError(
                t("register.not_in_progress", questionnaire=q["questionnaire_id"], status=q["status"], action=action)
            )

    def record_answers(
        self,
        questionnaire_id: int,
        answers: Mapping[str, object],
        *,
        by: str | None = None,
        at: datetime | date | str | None = None,
    ) -> None:
        """Store answers (question_id -> answer) of a questionnaire in progress.

        Yes/no questions take ``True``/``False`` or ``"yes"``/``"no"``; the
        people questions take text or a list of dicts (``[{"name": ..., "position":
        ...}]``); the others take text. An answer given again replaces the old one.
        A paused or completed questionnaire refuses answers.
        """
        if not isinstance(answers, Mapping) or not answers:
            raise KamArgumentError(
                t("errors.bad_argument", argument="answers", value=answers, valid=t("register_valid.answers"))
            )
        stored = {key: _normalise_answer(key, value) for key, value in answers.items()}
        moment = as_datetime(at)
        with write(self._conn, self.path):
            q = self._questionnaire(questionnaire_id)
            self._require_status(q, "record answers")
            who = _check_text(by, "by") if by is not None else q["interviewer"]
            self._check_forward("questionnaire", q["questionnaire_id"], moment)
            self._put_answers(q["questionnaire_id"], stored, moment)
            self._log(
                moment, who, "questionnaire", q["questionnaire_id"], q["client_id"], "answer", q["status"],
                q["status"], t("register.answers_note", count=len(stored)) + ": " + ", ".join(stored),
            )

    def answers(self, questionnaire_id: int) -> dict[str, object]:
        """The answers given so far, in questionnaire order (question_id -> answer)."""
        q = self._questionnaire(questionnaire_id)
        rows = dict(
            self._conn.execute(
                "SELECT question_id, answer FROM answers WHERE questionnaire_id = ?", (q["questionnaire_id"],)
            ).fetchall()
        )
        return {k: _decode_answer(k, rows[k]) for k in QUESTION_IDS if k in rows}

    def failed_quality_checks(self, questionnaire_id: int) -> list[str]:
        """The quality checks answered "no" (if any, the service is not of quality: pause, step 10)."""
        given = self.answers(questionnaire_id)
        return [k for k in QUALITY_CHECK_IDS if given.get(k) == "no"]

    def next_question(self, questionnaire_id: int) -> str | None:
        """Where the conversation continues (step 15): the first unanswered question after the last one reached.

        Questions skipped earlier in the conversation do not pull the resume point
        back; ``None`` when the last question has an answer.
        """
        return _resume_point(self.answers(questionnaire_id))

    def pause_questionnaire(
        self,
        questionnaire_id: int,
        *,
        problems: str | None = None,
        by: str | None = None,
        due: date | str | None = None,
        at: datetime | date | str | None = None,
    ) -> int:
        """Pause a questionnaire at the quality check and open a problem questionnaire (step 10).

        Parameters
        ----------
        questionnaire_id : int
        problems : str, optional
            The problems in full. Default: the failed checks and the answer to
            ``quality_problems``.
        by : str, optional
            Default: the questionnaire's interviewer.
        due : date, optional
            Promised date of the fix.
        at : datetime, optional

        Returns
        -------
        int
            The ``problem_id`` of the new problem questionnaire (state ``open``).

        Raises
        ------
        KamArgumentError
            The questionnaire is not in progress, or no check failed and
            ``problems`` is not given.
        """
        problems = _check_optional_text(problems, "problems")
        due_text = None if due is None else as_date(due, "due").isoformat()
        moment = as_datetime(at)
        with write(self._conn, self.path):
            q = self._questionnaire(questionnaire_id)
            self._require_status(q, "pause")
            who = _check_text(by, "by") if by is not None else q["interviewer"]
            given = self.answers(q["questionnaire_id"])
            failed = [k for k in QUALITY_CHECK_IDS if given.get(k) == "no"]
            if problems is None:
                if not failed:
                    raise KamArgumentError(t("register.nothing_failed", questionnaire=q["questionnaire_id"]))
                parts = [t("register.failed_checks", checks="; ".join(t(f"vip_questions.{k}") for k in failed))]
                if "quality_problems" in given:
                    parts.append(t("register.details", details=given["quality_problems"]))
                problems = " ".join(parts)
            pid = self._insert_problem(
                q["client_id"], problems, q["interviewer"], q["client_name"], due_text, moment, q["questionnaire_id"], who
            )
            self._set_status(q, "paused", "pause", who, t("register.paused_note", problem=pid), moment)
        return pid

    def resume_questionnaire(
        self, questionnaire_id: int, *, by: str | None = None, at: datetime | date | str | None = None
    ) -> str | None:
        """Resume a paused questionnaire at a new meeting (steps 14-15).

        Allowed only when the client has confirmed the fix: the problem
        questionnaire moves ``confirmed`` -> ``resumed`` and the questionnaire is
        in progress again. Returns the question to continue from
        (:meth:`next_question`).

        Raises
        ------
        KamArgumentError
            The questionnaire is not paused, or its problem is not yet confirmed by
            the client (the message names the problem and its state).
        """
        moment = as_datetime(at)
        with write(self._conn, self.path):
            q = self._questionnaire(questionnaire_id)
            if q["status"] != "paused":
                raise KamArgumentError(t("register.not_paused", questionnaire=q["questionnaire_id"], status=q["status"]))
            who = _check_text(by, "by") if by is not None else q["interviewer"]
            pid = self._conn.execute(
                "SELECT problem_id FROM problems WHERE questionnaire_id = ? AND state <> 'resumed'"
                " ORDER BY problem_id DESC LIMIT 1",
                (q["questionnaire_id"],),
            ).fetchone()[0]
            row = self._problem(pid)
            if row["state"] != "confirmed":
                raise KamArgumentError(
                    t("register.not_confirmed", questionnaire=q["questionnaire_id"], problem=pid, state=row["state"])
                )
            self._transition(row, "resumed", who, t("register.resumed_note"), moment)
        return self.next_question(questionnaire_id)

    def complete_questionnaire(
        self, questionnaire_id: int, *, by: str | None = None, at: datetime | date | str | None = None
    ) -> None:
        """Mark a questionnaire in progress as completed (the filled form is back in the office, step 6).

        Refused when a quality check failed and no problem questionnaire was opened.
        """
        moment = as_datetime(at)
        with write(self._conn, self.path):
            q = self._questionnaire(questionnaire_id)
            self._require_status(q, "complete it")
            who = _check_text(by, "by") if by is not None else q["interviewer"]
            failed = [k for k in QUALITY_CHECK_IDS if self.answers(q["questionnaire_id"]).get(k) == "no"]
            linked = self._conn.execute(
                "SELECT COUNT(*) FROM problems WHERE questionnaire_id = ?", (q["questionnaire_id"],)
            ).fetchone()[0]
            if failed and not linked:
                raise KamArgumentError(
                    t("register.unreported_failure", questionnaire=q["questionnaire_id"], checks=", ".join(failed))
                )
            self._set_status(q, "completed", "complete", who, None, moment)

    def questionnaires(self, *, status: str | None = None, interviewer: str | None = None) -> pd.DataFrame:
        """The stored questionnaires with their status and the question to continue from.

        Returns
        -------
        pandas.DataFrame
            ``questionnaire_id, client_id, client_name, interviewer, status,
            started_at, updated_at, n_answers, next_question``.
        """
        where, params = [], []
        if status is not None:
            if status not in QUESTIONNAIRE_STATUSES:
                raise KamArgumentError(
                    t("errors.bad_argument", argument="status", value=status, valid=", ".join(QUESTIONNAIRE_STATUSES))
                )
            where.append("q.status = ?")
            params.append(status)
        if interviewer is not None:
            where.append("q.interviewer = ?")
            params.append(_check_text(interviewer, "interviewer"))
        sql = (
            "SELECT q.questionnaire_id, q.client_id, q.client_name, q.interviewer, q.status, q.started_at,"
            " q.updated_at, COUNT(a.question_id) AS n_answers,"
            " GROUP_CONCAT(a.question_id, '|') AS answered"
            " FROM questionnaires AS q LEFT JOIN answers AS a ON a.questionnaire_id = q.questionnaire_id"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        frame = self._frame(sql + " GROUP BY q.questionnaire_id ORDER BY q.questionnaire_id", tuple(params))
        answered = frame.pop("answered").fillna("").str.split("|")
        frame["next_question"] = [_resume_point(a) for a in answered]
        return _with_times(frame, ("started_at", "updated_at"), ())

    def questionnaire_form(self, questionnaire_id: int, format: str = "markdown") -> str:
        """The printable form of a stored questionnaire: answers filled in, "Continue here" at the next question."""
        q = self._questionnaire(questionnaire_id)
        given = self.answers(q["questionnaire_id"])
        return questionnaire_form(
            format, answers=given, resume_at=self.next_question(q["questionnaire_id"]) if q["status"] != "completed" else None
        )

    # -- the three roles --

    def _as_of(self, moment: datetime) -> pd.DataFrame:
        frame = self._frame(_AS_OF_SQL, (iso(moment),))
        frame = _with_times(frame, ("opened_at", "state_since"), ("due",))
        frame["age_days"] = (pd.Timestamp(moment.date()) - frame["opened_at"].dt.normalize()).dt.days.astype("int64")
        return frame

    def view(self, role: str, *, who: str | None = None, at: datetime | date | str | None = None, overdue_days: int = OVERDUE_DAYS) -> pd.DataFrame:
        """The register as seen by one of the three roles of step 11.

        Parameters
        ----------
        role : {"interviewer", "programme_head", "service_head"}
        who : str, optional
            The interviewer's name (required for ``role="interviewer"``).
        at : datetime, optional
            The moment of the view (default now); the state of every item is taken
            from the history as it stood then.
        overdue_days : int, default :data:`OVERDUE_DAYS` (7)
            Programme head: an unresolved item without a due date is overdue when
            opened more than this many days ago (one weekly-meeting cycle, step 12).

        See Also
        --------
        interviewer_view, programme_head_view, service_head_view

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from kamlib import Register
        >>> reg = Register(pathlib.Path(tempfile.mkdtemp()) / "kam.sqlite")
        >>> a = reg.open_problem("C1", "late deliveries", interviewer="Anna", at="2025-03-03")
        >>> b = reg.open_problem("C2", "wrong invoices", interviewer="Anna", at="2025-03-07")
        >>> reg.view("programme_head", at="2025-03-12")[["problem_id", "age_days", "overdue"]]
           problem_id  age_days  overdue
        0           1         9     True
        1           2         5    False
        >>> reg.view("service_head", at="2025-03-12").problem_id.tolist()
        [1, 2]
        >>> reg.close()
        """
        role = _check_role(role)
        if role == "interviewer":
            return self.interviewer_view(_check_text(who, "who"), at=at)
        if role == "programme_head":
            return self.programme_head_view(at=at, overdue_days=overdue_days)
        return self.service_head_view(at=at)

    def interviewer_view(self, interviewer: str, *, at: datetime | date | str | None = None) -> pd.DataFrame:
        """An interviewer's problem questionnaires that are not yet resumed.

        What awaits the client's confirmation (``fixed``: call the client) comes
        first, then what is ready to resume (``confirmed``: book the meeting), then
        the rest, oldest first.

        Returns
        -------
        pandas.DataFrame
            ``problem_id, client_id, client_name, state, state_since, opened_at,
            age_days, awaiting_confirmation, questionnaire_id, description,
            next_action``.
        """
        interviewer = _check_text(interviewer, "interviewer")
        snap = self._as_of(as_datetime(at))
        snap = snap[(snap["interviewer"] == interviewer) & (snap["state"] != "resumed")].copy()
        snap["awaiting_confirmation"] = snap["state"] == "fixed"
        priority = {"fixed": 0, "confirmed": 1, "open": 2, "in_work": 2}
        snap["_order"] = snap["state"].map(priority)
        snap = snap.sort_values(["_order", "opened_at", "problem_id"])
        snap["next_action"] = snap["state"].map(_next_actions())
        return snap[[
            "problem_id", "client_id", "client_name", "state", "state_since", "opened_at", "age_days",
            "awaiting_confirmation", "questionnaire_id", "description", "next_action",
        ]].reset_index(drop=True)

    def programme_head_view(self, *, at: datetime | date | str | None = None, overdue_days: int = OVERDUE_DAYS) -> pd.DataFrame:
        """Every item not yet resumed, overdue ones first.

        An unresolved item (open, in work, or fixed without the client's
        confirmation) is overdue when its ``due`` date has passed or, without a due
        date, when it was opened more than ``overdue_days`` days ago.

        Returns
        -------
        pandas.DataFrame
            ``problem_id, client_id, client_name, interviewer, state, state_since,
            opened_at, due, age_days, overdue, next_action, description``.
        """
        overdue_days = _check_days(overdue_days, "overdue_days")
        moment = as_datetime(at)
        snap = self._as_of(moment)
        snap = snap[snap["state"] != "resumed"].copy()
        today = pd.Timestamp(moment.date())
        late = snap["due"].notna() & (snap["due"] < today)
        old = snap["due"].isna() & (snap["age_days"] > overdue_days)
        snap["overdue"] = snap["state"].isin(UNRESOLVED) & (late | old)
        snap["next_action"] = snap["state"].map(_next_actions())
        snap = snap.sort_values(["overdue", "opened_at", "problem_id"], ascending=[False, True, True])
        return snap[[
            "problem_id", "client_id", "client_name", "interviewer", "state", "state_since", "opened_at", "due",
            "age_days", "overdue", "next_action", "description",
        ]].reset_index(drop=True)

    def service_head_view(self, *, at: datetime | date | str | None = None) -> pd.DataFrame:
        """The service side's work queue: items open or in work, oldest first.

        Returns
        -------
        pandas.DataFrame
            ``problem_id, client_id, client_name, state, opened_at, due, age_days,
            interviewer, description, next_action``.
        """
        snap = self._as_of(as_datetime(at))
        snap = snap[snap["state"].isin(("open", "in_work"))].copy()
        snap["next_action"] = snap["state"].map(_next_actions())
        snap = snap.sort_values(["opened_at", "problem_id"])
        return snap[[
            "problem_id", "client_id", "client_name", "state", "opened_at", "due", "age_days", "interviewer",
            "description", "next_action",
        ]].reset_index(drop=True)

    # -- reports --

    def _events(self, start: datetime, end: datetime) -> pd.DataFrame:
        frame = self._frame(
            "SELECT h.at, h.entity_id AS problem_id, h.client_id, p.client_name, h.who, h.action,"
            " h.from_state, h.to_state, h.note"
            " FROM history AS h JOIN problems AS p ON p.problem_id = h.entity_id"
            " WHERE h.entity = 'problem' AND h.at >= ? AND h.at < ? ORDER BY h.at, h.event_id",
            (iso(start), iso(end)),
        )
        return _with_times(frame, ("at",), ())

    def daily_report(self, day: date | str) -> RegisterReport:
        """The daily report of step 12: the work done on ``day`` and whose service is restored.

        Tables: ``work_done`` (every change and note of the day), ``restored``
        (clients whose fix the client confirmed that day) and ``awaiting``
        (fixed at the end of the day, waiting for the client's confirmation).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from kamlib import Register
        >>> reg = Register(pathlib.Path(tempfile.mkdtemp()) / "kam.sqlite")
        >>> p = reg.open_problem("C07", "Invoices wrong twice", interviewer="Ivan", client_name="Beta", at="2025-03-03 12:00")
        >>> reg.start_work(p, by="Olga", at="2025-03-04 09:00")
        >>> reg.mark_fixed(p, by="Olga", at="2025-03-04 15:00")
        >>> reg.confirm_fix(p, by="Ivan", at="2025-03-05 10:00")
        >>> report = reg.daily_report("2025-03-05")
        >>> report["restored"][["client_id", "client_name", "confirmed_by"]]
          client_id client_name confirmed_by
        0       C07        Beta         Ivan
        >>> print(report.to_text().splitlines()[0])
        Problem register: daily report for 2025-03-05
        >>> reg.close()
        """
        d = as_date(day, "day")
        start = datetime.combine(d, time())
        end = start + timedelta(days=1)
        with read(self._conn):
            work = self._events(start, end)
            snap = self._as_of(end - timedelta(seconds=1))
        restored = work[(work["to_state"] == "confirmed") & (work["from_state"] == "fixed")]
        restored = restored.rename(columns={"who": "confirmed_by", "at": "confirmed_at"})[
            ["client_id", "client_name", "problem_id", "confirmed_by", "confirmed_at", "note"]
        ].reset_index(drop=True)
        awaiting = snap[snap["state"] == "fixed"][
            ["problem_id", "client_id", "client_name", "interviewer", "state_since"]
        ].rename(columns={"state_since": "fixed_at"}).reset_index(drop=True)
        return RegisterReport(
            title=t("register_report.daily_title", day=d.isoformat()),
            tables={"work_done": work, "restored": restored, "awaiting": awaiting},
            headings={
                "work_done": t("register_report.work_done"),
                "restored": t("register_report.restored"),
                "awaiting": t("register_report.awaiting"),
            },
        )

    def weekly_summary(self, week_of: date | str, *, n_oldest: int = 5) -> RegisterReport:
        """The weekly meeting summary of step 12 for the Monday-Sunday week holding ``week_of``.

        Tables: ``by_state`` (count in each state at the end of the week, zeros
        included), ``opened`` (opened this week), ``closed`` (fix confirmed by the
        client this week), ``oldest`` (the ``n_oldest`` oldest unresolved items) and
        ``per_interviewer`` (items per state, opened and closed this week).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from kamlib import Register
        >>> reg = Register(pathlib.Path(tempfile.mkdtemp()) / "kam.sqlite")
        >>> a = reg.open_problem("C1", "late deliveries", interviewer="Anna", at="2025-03-03 10:00")
        >>> b = reg.open_problem("C2", "wrong invoices", interviewer="Ivan", at="2025-03-04 10:00")
        >>> reg.start_work(a, by="Olga", at="2025-03-05 09:00")
        >>> week = reg.weekly_summary("2025-03-06")
        >>> week["by_state"].state.tolist(), week["by_state"]["count"].tolist()
        (['open', 'in_work', 'fixed', 'confirmed', 'resumed'], [1, 1, 0, 0, 0])
        >>> week["per_interviewer"][["interviewer", "open", "in_work", "opened_this_week"]]
          interviewer  open  in_work  opened_this_week
        0        Anna     0        1                 1
        1        Ivan     1        0                 1
        >>> reg.close()
        """
        d = as_date(week_of, "week_of")
        n_oldest = _check_days(n_oldest, "n_oldest")
        monday = d - timedelta(days=d.weekday())
        start = datetime.combine(monday, time())
        end = start + timedelta(days=7)
        with read(self._conn):
            events = self._events(start, end)
            snap = self._as_of(end - timedelta(seconds=1))
        labels = _state_labels()
        counts = snap["state"].value_counts().reindex(list(STATES), fill_value=0)
        by_state = pd.DataFrame(
            {"state": list(STATES), "label": [labels[s] for s in STATES], "count": counts.to_numpy().astype("int64")}
        )
        in_week = (snap["opened_at"] >= pd.Timestamp(start)) & (snap["opened_at"] < pd.Timestamp(end))
        opened = snap[in_week][["problem_id", "client_id", "client_name", "interviewer", "opened_at", "state"]]
        closing = events[(events["to_state"] == "confirmed") & (events["from_state"] == "fixed")]
        closed = closing.merge(snap[["problem_id", "interviewer", "opened_at"]], on="problem_id", how="left")
        closed = closed.rename(columns={"at": "confirmed_at"})[
            ["problem_id", "client_id", "client_name", "interviewer", "opened_at", "confirmed_at"]
        ]
        oldest = snap[snap["state"].isin(UNRESOLVED)].sort_values(["opened_at", "problem_id"]).head(n_oldest)[
            ["problem_id", "client_id", "client_name", "interviewer", "state", "opened_at", "age_days"]
        ]
        per = pd.crosstab(snap["interviewer"], snap["state"]).reindex(columns=list(STATES), fill_value=0)
        per["opened_this_week"] = snap[in_week].groupby("interviewer").size()
        per["closed_this_week"] = closed.groupby("interviewer").size()
        per = per.fillna(0).astype("int64").rename_axis(index="interviewer", columns=None).reset_index()
        return RegisterReport(
            title=t("register_report.weekly_title", start=monday.isoformat(), end=(monday + timedelta(days=6)).isoformat()),
            tables={
                "by_state": by_state,
                "opened": opened.reset_index(drop=True),
                "closed": closed.reset_index(drop=True),
                "oldest": oldest.reset_index(drop=True),
                "per_interviewer": per,
            },
            headings={
                "by_state": t("register_report.by_state"),
                "opened": t("register_report.opened"),
                "closed": t("register_report.closed"),
                "oldest": t("register_report.oldest"),
                "per_interviewer": t("register_report.per_interviewer"),
            },
        )


def _with_times(frame: pd.DataFrame, moments: tuple[str, ...], dates: tuple[str, ...]) -> pd.DataFrame:
    """Stored text times -> pandas datetimes (a new frame)."""
    frame = frame.copy()
    if "questionnaire_id" in frame.columns:
        frame["questionnaire_id"] = frame["questionnaire_id"].astype("Int64")
    for col in moments + dates:
        frame[col] = pd.to_datetime(frame[col], format="ISO8601") if len(frame) else pd.Series(
            [], dtype="datetime64[us]"
        )
    return frame


def open_register(path: str | os.PathLike[str], *, timeout: float = 10.0) -> Register:
    """Open (or create) the register at ``path``: the same as ``Register(path)``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kamlib import open_register
    >>> with open_register(pathlib.Path(tempfile.mkdtemp()) / "kam.sqlite") as reg:
    ...     reg.schema_version
    1
    """
    return Register(path, timeout=timeout)

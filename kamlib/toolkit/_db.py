"""SQLite plumbing shared by the problem register and the account dossier.

One database file, chosen by the user, holds both tools; each tool ("component")
owns its tables and its own schema version in the ``schema_version`` table::

    schema_version(component TEXT PRIMARY KEY, version INTEGER, updated_at TEXT)

Migration hook
--------------
A component passes a list of migration functions to :func:`ensure_schema`;
function ``i`` (0-based) takes the schema from version ``i`` to ``i + 1``. A new
file runs them all; an old file runs only the missing ones, inside the same
write transaction, so a half-migrated file never exists. To change a schema,
append a function to the component's list -- never edit an old one. A file
whose version is *newer* than the list (written by a newer kamlib) is refused
with a clear :class:`~kamlib.KamDataError` instead of being damaged.

Safety for a workshop
---------------------
Every connection uses WAL journaling (readers never block the writer), a busy
timeout (a writer waits for the lock instead of failing), and every write runs
inside ``BEGIN IMMEDIATE ... COMMIT`` (:func:`write`), so several processes can
write to one file at once without losing anything. All SQL is parameterised.
"""

from __future__ import annotations

import os
import sqlite3
import time as _time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import Path

from .._errors import KamArgumentError, KamDataError
from ..labels import t

__all__ = ["connect", "write", "read", "ensure_schema", "schema_versions", "as_datetime", "as_date", "iso"]

Migration = Callable[[sqlite3.Connection], None]

MEMORY = ":memory:"


def connect(path: str | os.PathLike[str], *, timeout: float = 10.0) -> tuple[sqlite3.Connection, str]:
    """Open (and create on first use) the database file at ``path``.

    Returns the connection, in autocommit mode (transactions are explicit, see
    :func:`write`), and the path as text for messages.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise KamArgumentError(t("db.bad_path_type", type=type(path).__name__))
    text = os.fspath(path)
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout < 0:
        raise KamArgumentError(t("errors.bad_argument", argument="timeout", value=timeout, valid=t("register_valid.seconds")))
    if text != MEMORY:
        p = Path(text)
        if p.is_dir():
            raise KamArgumentError(t("db.path_is_dir", path=text))
        if not p.parent.is_dir():
            raise KamArgumentError(t("db.no_parent", path=text, parent=str(p.parent)))
        _check_own_file(text, timeout)
    try:
        conn = sqlite3.connect(text, timeout=timeout, isolation_level=None)
    except sqlite3.Error as exc:
        raise KamDataError(t("db.cannot_open", path=text, error=str(exc)), file=text) from None
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        if text != MEMORY:
            _set_wal(conn, timeout)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.OperationalError as exc:
        conn.close()
        if _is_locked(exc):
            raise KamDataError(t("db.busy", path=text, error=str(exc)), file=text) from None
        raise KamDataError(t("db.not_a_database", path=text, error=str(exc)), file=text) from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise KamDataError(t("db.not_a_database", path=text, error=str(exc)), file=text) from None
    return conn, text


_SQLITE_HEADER = b"SQLite format 3\x00"
_VERSION_COLUMNS = ["component", "version", "updated_at"]


def _check_own_file(text: str, timeout: float) -> None:
    """Refuse an existing file that is not kamlib's: not SQLite, or another program's SQLite database.

    Looked at read-only, before anything is written (no table added, no switch to WAL). An empty
    file and an empty database are fine (they become a register); a kamlib file is recognised
    by its ``schema_version(component, version, updated_at)`` table.
    """
    try:
        size = os.stat(text).st_size
    except FileNotFoundError:
        return
    except OSError as exc:
        raise KamDataError(t("db.cannot_open", path=text, error=exc.strerror or type(exc).__name__), file=text) from None
    if size == 0:
        return
    try:
        with open(text, "rb") as fh:
            head = fh.read(len(_SQLITE_HEADER))
    except OSError as exc:
        raise KamDataError(t("db.cannot_open", path=text, error=exc.strerror or type(exc).__name__), file=text) from None
    if head != _SQLITE_HEADER:
        raise KamDataError(t("db.not_sqlite", path=text), file=text)
    try:
        ro = sqlite3.connect(Path(text).resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout)
        try:
            tables = sorted(r[0] for r in ro.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
            columns = [r[1] for r in ro.execute("PRAGMA table_info(schema_version)")]
        finally:
            ro.close()
    except sqlite3.Error as exc:
        if _is_locked(exc):
            raise KamDataError(t("db.busy", path=text, error=str(exc)), file=text) from None
        raise KamDataError(t("db.not_a_database", path=text, error=str(exc)), file=text) from None
    if tables and columns != _VERSION_COLUMNS:
        shown = ", ".join(tables[:6]) + (", …" if len(tables) > 6 else "")
        raise KamDataError(t("db.foreign_database", path=text, tables=shown), file=text)


def _is_locked(exc: sqlite3.Error) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _set_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch the file to write-ahead logging, waiting up to ``timeout`` seconds for other openers.

    SQLite answers "database is locked" at once, without its busy handler, when several
    processes switch a brand-new file to WAL at the same moment (a room of learners opening
    the same register), so the wait is done here.
    """
    deadline = _time.monotonic() + timeout
    delay = 0.005
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc) or _time.monotonic() >= deadline:
                raise
            _time.sleep(delay)
            delay = min(delay * 2, 0.1)


@contextmanager
def write(conn: sqlite3.Connection, path: str = "") -> Iterator[sqlite3.Connection]:
    """Run the block as one write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``).

    ``BEGIN IMMEDIATE`` takes the write lock at the start, so the checks made
    inside the block (e.g. the current state of a problem) cannot be changed by
    another process before the block commits. Any exception rolls back.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise KamDataError(t("db.busy", path=path, error=str(exc)), file=path) from None
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


@contextmanager
def read(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run several SELECTs on one consistent snapshot of the file (a read transaction)."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


def _ensure_version_table(conn: sqlite3.Connection) -> None:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " component TEXT PRIMARY KEY,"
        " version INTEGER NOT NULL CHECK (version >= 0),"
        " updated_at TEXT NOT NULL)"
    )


def ensure_schema(
    conn: sqlite3.Connection, component: str, migrations: Sequence[Migration], *, path: str = ""
) -> int:
    """Bring ``component``'s tables to the latest version; return that version.

    Raises
    ------
    KamDataError
        The file holds a newer version of the component than ``migrations`` knows.
    """
    latest = len(migrations)
    try:  # fast path, no write lock: the file is already up to date
        row = conn.execute("SELECT version FROM schema_version WHERE component = ?", (component,)).fetchone()
    except sqlite3.OperationalError:  # no schema_version table yet
        row = None
    except sqlite3.DatabaseError as exc:
        raise KamDataError(t("db.not_a_database", path=path, error=str(exc)), file=path) from None
    if row is not None and int(row[0]) == latest:
        return latest
    with write(conn, path):
        _ensure_version_table(conn)
        row = conn.execute("SELECT version FROM schema_version WHERE component = ?", (component,)).fetchone()
        current = 0 if row is None else int(row[0])
        if current > latest:
            raise KamDataError(
                t("db.newer_schema", path=path, component=component, version=current, latest=latest), file=path
            )
        for step in migrations[current:]:
            step(conn)
        if current != latest:
            conn.execute(
                "INSERT INTO schema_version (component, version, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(component) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
                (component, latest, iso(datetime.now())),
            )
    return latest


def schema_versions(conn: sqlite3.Connection) -> dict[str, int]:
    """Every component's schema version stored in the file."""
    rows = conn.execute("SELECT component, version FROM schema_version ORDER BY component").fetchall()
    return {c: int(v) for c, v in rows}


# ---- time stamps ---------------------------------------------------------------------------


def as_datetime(value: object, argument: str = "at") -> datetime:
    """``value`` as a naive local datetime, to the second; ``None`` means now.

    Accepts a ``datetime`` (a time-zone-aware one is converted to local time), a
    ``date`` (midnight), a pandas ``Timestamp`` or an ISO text such as
    ``"2025-03-04 09:30"``.
    """
    if value is None:
        out = datetime.now()
    elif isinstance(value, datetime):
        out = value
    elif isinstance(value, date):
        out = datetime.combine(value, time())
    elif isinstance(value, str):
        try:
            out = datetime.fromisoformat(value.strip())
        except ValueError:
            raise KamArgumentError(
                t("errors.bad_argument", argument=argument, value=value, valid=t("register_valid.moment"))
            ) from None
    else:
        raise KamArgumentError(
            t("errors.bad_argument", argument=argument, value=value, valid=t("register_valid.moment"))
        )
    if hasattr(out, "to_pydatetime"):  # pandas Timestamp
        out = out.to_pydatetime()
    if out.tzinfo is not None:
        out = out.astimezone().replace(tzinfo=None)
    return out.replace(microsecond=0)


def as_date(value: object, argument: str) -> date:
    """``value`` as a calendar date (a datetime loses its time of day)."""
    if isinstance(value, datetime):
        return as_datetime(value, argument).date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return as_datetime(value, argument).date()
        except KamArgumentError:
            pass
    raise KamArgumentError(t("errors.bad_argument", argument=argument, value=value, valid=t("register_valid.date")))


def iso(moment: datetime) -> str:
    """The stored form of a moment: ``YYYY-MM-DD HH:MM:SS`` (sorts as text)."""
    return moment.isoformat(sep=" ", timespec="seconds")


def _sqlite_message(path: str, operation: str, exc: sqlite3.Error) -> str:
    if _is_locked(exc):
        return t("db.busy", path=path, error=str(exc))
    return t("db.sqlite_error", path=path, operation=operation, error=str(exc) or type(exc).__name__)


def _sqlite_errors_as_kam(method):
    import functools

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            path = getattr(self, "path", "")
            raise KamDataError(_sqlite_message(path, method.__name__, exc), file=path) from None

    return wrapper


class Store:
    """One component's tables in a SQLite file: opened, schema checked, closed, used as a context manager.

    Subclasses set ``COMPONENT`` (the name in the ``schema_version`` table) and
    ``MIGRATIONS`` (the steps that bring a file from one version to the next).
    """

    COMPONENT: str = ""
    MIGRATIONS: list = []

    def __init_subclass__(cls, **kwargs: object) -> None:
        """Every public method of a store reports SQLite's own errors as :class:`~kamlib.KamDataError`."""
        super().__init_subclass__(**kwargs)
        for name, value in list(vars(cls).items()):
            if not name.startswith("_") and callable(value) and not isinstance(value, (type, staticmethod, classmethod)):
                setattr(cls, name, _sqlite_errors_as_kam(value))

    def __init__(self, path: str | os.PathLike[str], *, timeout: float = 10.0) -> None:
        self._conn, self.path = connect(path, timeout=timeout)
        try:
            self.schema_version = ensure_schema(self._conn, self.COMPONENT, self.MIGRATIONS, path=self.path)
        except sqlite3.Error as exc:
            self._conn.close()
            raise KamDataError(_sqlite_message(self.path, "open", exc), file=self.path) from None
        except BaseException:
            self._conn.close()
            raise

    def close(self) -> None:
        """Close the connection to the file (the data stays in the file)."""
        self._conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.path!r}, schema version {self.schema_version})"

    def _frame(self, sql: str, params: tuple = ()):
        """The rows of a query as a DataFrame with the query's column names."""
        import pandas as pd

        cursor = self._conn.execute(sql, params)
        return pd.DataFrame(cursor.fetchall(), columns=[d[0] for d in cursor.description])

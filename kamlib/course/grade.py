"""The trainer's class table: who solved what, from a folder of learners' exercise notebooks.

    python3 workbook.py grade FOLDER                     # the table, from what the notebooks stored
    python3 workbook.py grade FOLDER --details           # one column per question instead of per exercise
    python3 workbook.py grade FOLDER --html class.html   # a page for the projector
    python3 workbook.py grade FOLDER --csv class.csv     # points per exercise, for an LMS import
    python3 workbook.py grade FOLDER --execute           # re-run every notebook first (RUNS LEARNERS' CODE)

(``python -m kamlib.course.grade`` and ``kam class-report`` are the same command.) Files are never
overwritten without ``--force``. Exit status: 0 the table was printed (skipped or flagged notebooks
are listed under it), 2 a usage error (no such folder, a bad option), 3 an output file exists.

Two folder layouts are understood (they may be mixed):

``FOLDER/<learner>/<any name>.ipynb``
    One sub-folder per learner (what an LMS download unpacks to). When it holds a copy of the
    course (an ``exercises/`` folder, as the room server makes), only ``exercises/`` is read.
    An exercise notebook left exactly as shipped counts as not handed in.
``FOLDER/<learner>_<NN>[_topic].ipynb``
    Flat files: the learner is the part of the name before the first ``_NN``.

What is trusted, and what is not
--------------------------------
By default nothing a submission names is imported or run: a notebook is read as JSON, and only
the course's own exercises (``kamlib.course.exercises``) are looked up. A question counts when the
check cell of that question stored its result the last time the learner ran it. Not counted, and
listed under the table as *flagged*:

- a notebook naming an exercise that is not one of the course's (it is never imported);
- a check record for a question the exercise does not have, or stored outside that question's
  check cell (hand-made or copied outputs);
- a question whose answer cells contain the solved version's solution markers, and a notebook
  whose code is identical to the shipped solved notebook;
- any symbolic link (a learner's link to another learner's file or to a file outside the class
  folder is not their work; links are never followed).

A notebook that cannot be read (not JSON, not a notebook, too big) is skipped with a line saying why.

``--execute`` re-runs each notebook — it runs the learners' code. Each run happens in a fresh
temporary copy laid out like the course (``exercises/<notebook>`` beside a copy of ``data/``), with
that copy as working folder, home and temp folder, a time limit for the whole notebook, in a
process session of its own; every process it started is killed afterwards. Run as root, the
notebook runs as the unprivileged user ``nobody``, so it cannot write the trainer's files. It is
not a sandbox against a determined attacker: as an ordinary user the learners' code can read and
write whatever that user can.

Names printed (learner folders and files) have control characters removed; CSV cells that a
spreadsheet would read as a formula (starting with ``= + - @``, tab or carriage return) are
written as text.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import KamArgumentError, KamError
from ..labels import t
from .._files import write_atomic
from ._users import unprivileged
from . import _notebooks
from ._checking import CORRECT, MIME, NOT_ATTEMPTED, OPEN, STATUSES, _natural_key, load_exercise

__all__ = ["class_report", "grade_folder", "find_notebooks", "main", "ClassGrades"]

_FLAT_NAME = re.compile(r"(?P<learner>.+?)_(?P<nn>\d{2})(?:[_\-.].*)?")
DEFAULT_TIMEOUT = 300
"""Seconds a whole notebook may run with ``--execute`` (the course's longest exercise needs under 30)."""
MAX_NOTEBOOK_BYTES = 20_000_000
"""A notebook bigger than this is skipped unread (the course's biggest is under 1 MB)."""
COURSE = Path(__file__).resolve().parents[2]
"""The course folder this kamlib belongs to (its ``data/`` and ``exercises/solved/``)."""
_SOLUTION_MARK = re.compile(r"^\s*###\s*(BEGIN|END) SOLUTION\b|#\s*SOLUTION\s*$", re.M)


# --------------------------------------------------------------------------- names


def clean_name(name: str) -> str:
    """``name`` without control and format characters (terminal escape codes, bidi overrides).

    >>> clean_name("anna\\x1b[2J\\u202e")
    'anna[2J'
    """
    out = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs"))
    return out.strip() or "?"


def csv_text(value: object) -> object:
    """A CSV cell that no spreadsheet reads as a formula: text starting with ``= + - @`` gets a ``'``.

    >>> csv_text("=1+1"), csv_text("anna"), csv_text(5)
    ("'=1+1", 'anna', 5)
    """
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# --------------------------------------------------------------------------- finding notebooks


def _hidden(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def find_notebooks(folder: str | Path) -> tuple[list[tuple[str, Path]], list[str], list[tuple[str, str]]]:
    """The notebooks in ``folder``: ``([(learner, path)], notes, flags)``.

    ``notes`` are files skipped (whose learner cannot be told); ``flags`` are ``(learner, text)``
    for symbolic links, which are never followed. Hidden folders (``.ipynb_checkpoints``) are
    skipped.
    """
    folder = Path(folder)
    root = folder.resolve()
    found: list[tuple[str, Path]] = []
    notes: list[str] = []
    flags: list[tuple[str, str]] = []

    def link_flag(learner: str, path: Path) -> None:
        shown = path.relative_to(folder).as_posix()
        try:
            target = path.resolve()
            inside = target == root or root in target.parents
        except (OSError, RuntimeError):  # a loop
            inside = False
        flags.append((learner, t("grade.flag_link_inside" if inside else "grade.flag_link_outside", path=shown)))

    for entry in sorted(folder.iterdir()):
        if _hidden(entry.name):
            continue
        if entry.is_symlink():
            match = _FLAT_NAME.fullmatch(entry.stem)
            link_flag(entry.name if not match or entry.suffix != ".ipynb" else match.group("learner"), entry)
            continue
        if entry.is_dir():
            # a learner's copy of the course (the room server's layout): only its exercises count
            top = entry / "exercises" if (entry / "exercises").is_dir() and not (entry / "exercises").is_symlink() \
                else entry
            if top != entry:
                for other in sorted(entry.iterdir()):
                    if other.is_symlink() and not _hidden(other.name):
                        link_flag(entry.name, other)
            for here, dirs, files in os.walk(top, followlinks=False):
                base = Path(here)
                dirs[:] = sorted(d for d in dirs if not _hidden(d))
                for d in list(dirs):
                    if (base / d).is_symlink():
                        link_flag(entry.name, base / d)
                        dirs.remove(d)
                for name in sorted(files):
                    if _hidden(name) or not name.endswith(".ipynb"):
                        continue
                    path = base / name
                    if path.is_symlink():
                        link_flag(entry.name, path)
                    else:
                        found.append((entry.name, path))
        elif entry.suffix == ".ipynb":
            match = _FLAT_NAME.fullmatch(entry.stem)
            if match:
                found.append((match.group("learner"), entry))
            else:
                notes.append(t("grade.no_learner", path=clean_name(entry.relative_to(folder).as_posix())))
    return found, notes, flags


# --------------------------------------------------------------------------- reading one notebook


class _Malformed(Exception):
    """Why a notebook cannot be graded (one short line)."""


def _read(path: Path) -> dict[str, Any]:
    """The notebook as JSON, checked to be shaped like one (cells of dicts with string sources)."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
        raise _Malformed(t("grade.not_a_file"))
    size = info.st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise _Malformed(t("grade.too_big", mb=round(size / 1e6)))
    try:
        nb = _notebooks.read(path)
    except UnicodeDecodeError:
        raise _Malformed(t("grade.not_utf8")) from None
    except json.JSONDecodeError as exc:
        raise _Malformed(t("grade.not_json", line=exc.lineno)) from None
    except (ValueError, RecursionError):
        raise _Malformed(t("grade.not_notebook")) from None
    for cell in nb["cells"]:
        if not isinstance(cell, dict):
            raise _Malformed(t("grade.not_notebook"))
        src = cell.get("source", "")
        if not (isinstance(src, str) or (isinstance(src, list) and all(isinstance(s, str) for s in src))):
            raise _Malformed(t("grade.not_notebook"))
        outputs = cell.get("outputs", [])
        if outputs is not None and not (isinstance(outputs, list) and all(isinstance(o, dict) for o in outputs)):
            raise _Malformed(t("grade.not_notebook"))
        for out in outputs or []:
            if not isinstance(out.get("data", {}) or {}, dict):
                raise _Malformed(t("grade.not_notebook"))
    return nb


def _code(nb: dict[str, Any]) -> list[str]:
    return [_notebooks.source(c).strip() for c in nb["cells"] if c.get("cell_type") == "code"]


_SHIPPED_CODE: dict[tuple[str, bool], list[str] | None] = {}


def _shipped_code(ex_id: str, solved: bool) -> list[str] | None:
    """The code cells of the shipped learner (or solved) notebook of ``ex_id``; None where it is not installed."""
    if (ex_id, solved) not in _SHIPPED_CODE:
        path = COURSE / "exercises" / ("solved" if solved else "") / f"{ex_id}.ipynb"
        try:
            _SHIPPED_CODE[(ex_id, solved)] = _code(_notebooks.read(path))
        except (OSError, ValueError):
            _SHIPPED_CODE[(ex_id, solved)] = None
    return _SHIPPED_CODE[(ex_id, solved)]


def _course_exercises() -> dict[str, list[str]]:
    """``{exercise id: [question ids]}`` of the course's own exercises (only these are ever loaded)."""
    from . import exercises

    return {ex_id: [q.id for q in load_exercise(ex_id).questions] for ex_id in exercises.available()}


@dataclass
class _Graded:
    """One notebook's contribution: statuses of known questions and flags."""

    exercises: list[str] = field(default_factory=list)
    status: dict[tuple[str, str], str] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    counted: bool = True


def _records(output: dict[str, Any]) -> dict[str, Any] | None:
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None
    record = (output.get("data") or {}).get(MIME)
    if record is None or _notebooks.is_reference(output):
        return None
    return record if isinstance(record, dict) else {}


def _grade_notebook(nb: dict[str, Any], shown: str, course: dict[str, list[str]]) -> _Graded:
    """Statuses from the check records a notebook stores, with everything suspicious flagged."""
    g = _Graded()
    ids = _notebooks.exercise_ids(nb)
    known = [ex_id for ex_id in ids if ex_id in course]
    for ex_id in ids:
        if ex_id not in course:
            g.flags.append(t("grade.flag_unknown_exercise", path=shown, exercise=clean_name(ex_id)[:60]))
    g.exercises = known
    if not known:
        g.counted = False
        if not ids:
            g.notes.append(t("grade.not_exercise", path=shown))
        return g
    code = _code(nb)
    if all(_shipped_code(ex_id, solved=False) == code for ex_id in known):
        g.counted = False  # the learner version as shipped: not started, nothing to say
        return g
    for ex_id in known:
        if _shipped_code(ex_id, solved=True) == code:
            g.flags.append(t("grade.flag_solved_copy", path=shown, exercise=ex_id))
            g.counted = False
    if not g.counted:
        return g
    for ex_id in known:
        for qid in course[ex_id]:
            g.status[(ex_id, qid)] = NOT_ATTEMPTED
    checks = {i: (ex_id, qids) for i, ex_id, qids in _notebooks.check_cells(nb)}
    copied: set[tuple[str, str]] = set()
    marked = False  # a solution marker in the answer cells since the last check cell
    forged = 0
    for i, cell in enumerate(nb["cells"]):
        if cell.get("cell_type") != "code":
            continue
        in_check = checks.get(i)
        if in_check is None and _SOLUTION_MARK.search(_notebooks.source(cell)):
            marked = True
        for output in cell.get("outputs") or []:
            record = _records(output)
            if record is None:
                continue
            key = (record.get("exercise"), record.get("question"))
            status = record.get("status")
            valid = (in_check is not None and key[0] == in_check[0] and key[1] in in_check[1]
                     and key in g.status and status in STATUSES)
            if not valid:
                forged += 1
                continue
            if marked:
                copied.add(key)
                continue
            g.status[key] = status  # the last run of a check cell wins
        if in_check is not None:
            marked = False
    if forged:
        g.flags.append(t("grade.flag_forged", path=shown, n=forged))
    for key in sorted(copied):
        g.status[key] = NOT_ATTEMPTED
        g.flags.append(t("grade.flag_marked", path=shown, question=f"{key[0]}:{key[1]}"))
    return g


# --------------------------------------------------------------------------- --execute


def _kill_tree(pids: set[int]) -> None:
    """SIGKILL ``pids`` and their process groups (processes this grader started), then reap them."""
    for pid in sorted(pids):
        try:
            pgid = os.getpgid(pid)
        except OSError:
            pgid = None
        if pgid is not None and pgid != os.getpgrp():
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except OSError:
            pass


def _descendants() -> set[int]:
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with jupyter
        return set()
    try:
        return {p.pid for p in psutil.Process().children(recursive=True)}
    except psutil.Error:
        return set()


def _subreaper(on: bool) -> None:
    """Linux: orphans of our children become ours (so a double-forked process can still be killed)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1 if on else 0, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass




def _check_runner() -> None:
    """As root, ``--execute`` runs notebooks as ``nobody``: refuse at once if that user cannot start this Python."""
    owner = unprivileged()
    if owner is None:
        return
    try:
        done = subprocess.run([sys.executable, "-c", "import kamlib, nbclient, ipykernel"], cwd="/",
                              user=owner[0], group=owner[1], extra_groups=[], capture_output=True, timeout=120)
        ok = done.returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    if not ok:
        raise KamArgumentError(t("grade.nobody_cannot", python=sys.executable))


def _prepare_copy(nb: dict[str, Any], path: Path, work: Path, owner: tuple[int, int] | None) -> Path:
    """``work/course/exercises/<name>`` (outputs cleared) beside a copy of the course's ``data/``."""
    course = work / "course"
    (course / "exercises").mkdir(parents=True)
    for sub in ("home", "tmp"):
        (work / sub).mkdir()
    if (COURSE / "data").is_dir():
        shutil.copytree(COURSE / "data", course / "data", symlinks=False)
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    copy = course / "exercises" / (path.name if path.name.isprintable() else "submission.ipynb")
    copy.write_text(json.dumps(nb), encoding="utf-8")
    if owner is not None:
        for here, dirs, files in os.walk(work):
            for name in [here, *(os.path.join(here, n) for n in dirs + files)]:
                os.chown(name, *owner)
    return copy


def _execute(nb: dict[str, Any], path: Path, timeout: int) -> tuple[dict[str, Any] | None, str | None]:
    """Run ``nb`` in a temporary course copy (see the module docstring); the executed notebook and an error."""
    owner = unprivileged()
    with tempfile.TemporaryDirectory(prefix="kam-grade-") as tmp:
        work = Path(tmp)
        if owner is not None:
            os.chown(work, *owner)
        copy = _prepare_copy(nb, path, work, owner)
        result = work / "executed.json"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": os.environ.get("LANG", "C.UTF-8"),
            "HOME": str(work / "home"),
            "TMPDIR": str(work / "tmp"),
            "MPLBACKEND": "Agg",
            "PYTHONDONTWRITEBYTECODE": "1",
            "JUPYTER_PLATFORM_DIRS": "1",
            "JUPYTER_CONFIG_DIR": str(work / "home" / ".jupyter"),
            "JUPYTER_DATA_DIR": str(work / "home" / ".jupyter-data"),
            "JUPYTER_RUNTIME_DIR": str(work / "tmp" / "runtime"),
            "IPYTHONDIR": str(work / "home" / ".ipython"),
        }
        args = [sys.executable, "-m", "kamlib.course._run_notebook", str(copy), str(result), str(timeout)]
        before = _descendants()
        _subreaper(True)
        seen: set[int] = set()
        error = None
        proc = None
        try:
            with (work / "run.log").open("wb") as log:
                extra: dict[str, Any] = {}
                if owner is not None:
                    extra = {"user": owner[0], "group": owner[1], "extra_groups": []}
                proc = subprocess.Popen(args, cwd=copy.parent, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                        stderr=subprocess.STDOUT, start_new_session=True, **extra)
                deadline = time.monotonic() + timeout + 30  # the runner stops itself at `timeout`
                while proc.poll() is None:
                    seen |= _descendants() - before
                    if time.monotonic() > deadline:
                        error = t("grade.time_limit", seconds=timeout)
                        break
                    time.sleep(0.1)
        finally:
            seen |= _descendants() - before
            if proc is not None:
                seen.add(proc.pid)
            _kill_tree(seen)
            if proc is not None:
                proc.wait()
            _subreaper(False)
        try:
            outcome = json.loads(result.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            tail = (work / "run.log").read_text(errors="replace").strip().splitlines()[-1:] or [""]
            return None, error or t("grade.run_failed", why=clean_name(tail[0])[:120])
        if outcome.get("timed_out"):
            error = t("grade.time_limit", seconds=timeout)
        elif outcome.get("error"):
            error = error or clean_name(str(outcome["error"]))[:160]
        failed = outcome.get("failed_cells") or []
        if failed and not error:
            error = t("grade.cells_failed", n=len(failed), first=failed[0] + 1)
        return outcome.get("notebook"), error


# --------------------------------------------------------------------------- the class


@dataclass
class ClassGrades:
    """Everything the class table shows.

    ``detail``: learner × ``<exercise>:<question>`` statuses (``correct``/``wrong``/``open``/
    ``not_attempted``); ``handed_in``: learner × exercise, whether a counted notebook exists;
    ``flagged``: learner × exercise, whether something was flagged; ``questions``: ``{exercise:
    [question ids]}``; ``names``: learner → the name as printed; ``notes`` and ``flags``: lines.
    """

    detail: pd.DataFrame
    handed_in: pd.DataFrame
    flagged: pd.DataFrame
    questions: dict[str, list[str]]
    names: dict[str, str]
    notes: list[str]
    flags: list[str]

    @property
    def exercises(self) -> list[str]:
        return list(self.questions)

    def points(self) -> pd.DataFrame:
        """Learner × exercise: correct answers (``<NA>`` where nothing counted was handed in)."""
        out = pd.DataFrame(index=self.detail.index, columns=self.exercises, dtype="Int64")
        for ex_id, qids in self.questions.items():
            cols = [f"{ex_id}:{q}" for q in qids]
            counts = (self.detail[cols] == CORRECT).sum(axis=1).astype("Int64")
            out[ex_id] = counts.where(self.handed_in[ex_id], pd.NA)
        return out

    def summary(self) -> pd.DataFrame:
        """Learner × exercise ``"5/6"`` (``–`` not handed in, ``!`` flagged only), ``total``, ``review``."""
        points = self.points()
        rows = []
        for learner in self.detail.index:
            row = []
            for ex_id, qids in self.questions.items():
                if self.handed_in.at[learner, ex_id]:
                    cell = f"{points.at[learner, ex_id]}/{len(qids)}"
                    row.append(cell + ("!" if self.flagged.at[learner, ex_id] else ""))
                else:
                    row.append("!" if self.flagged.at[learner, ex_id] else "–")
            total = int(points.loc[learner].fillna(0).sum())
            review = int((self.detail.loc[learner] == OPEN).sum())
            rows.append([*row, total, review])
        return pd.DataFrame(rows, index=pd.Index([self.names[x] for x in self.detail.index], name="learner"),
                            columns=[*(ex[:2] for ex in self.exercises), t("grade.total"), t("grade.review")])

    def symbols(self) -> pd.DataFrame:
        """Learner × question ✓ ✗ – ?, and the ``correct`` count."""
        table = self.detail.map(lambda s: t(f"course_check.symbol_{s}"))
        table[t("grade.correct")] = (self.detail == CORRECT).sum(axis=1)
        table.index = pd.Index([self.names[x] for x in table.index], name="learner")
        return table


def grade_folder(folder: str | Path, execute: bool = False, *, timeout: int = DEFAULT_TIMEOUT) -> ClassGrades:
    """Grade every learner's notebooks in ``folder``; see the module docstring for what counts.

    Raises
    ------
    KamArgumentError
        When ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise KamArgumentError(t("grade.no_folder", folder=clean_name(folder.as_posix())))
    course = _course_exercises()
    if execute:
        _check_runner()
    found, notes, link_flags = find_notebooks(folder)
    status: dict[str, dict[tuple[str, str], str]] = {}
    handed: dict[str, set[str]] = {}
    flagged: dict[str, set[str]] = {}
    flags: list[str] = []
    for learner, text in link_flags:
        status.setdefault(learner, {})
        flagged.setdefault(learner, set()).add("")
        flags.append(text)
    for learner, path in found:
        status.setdefault(learner, {})  # a learner with no usable notebook still gets a row
        shown = clean_name(path.relative_to(folder).as_posix())
        try:
            nb = _read(path)
        except _Malformed as why:
            notes.append(t("grade.skipped", path=shown, why=str(why)))
            continue
        except OSError as exc:
            notes.append(t("grade.skipped", path=shown, why=clean_name(exc.strerror or type(exc).__name__)))
            continue
        graded = _grade_notebook(nb, shown, course)
        if execute and graded.counted:
            executed, error = _execute(nb, path, timeout)
            if error:
                notes.append(t("grade.execution_stopped", path=shown, error=error))
            graded = _grade_notebook(executed, shown, course) if executed is not None else _Graded(
                exercises=graded.exercises, status={(e, q): NOT_ATTEMPTED for e in graded.exercises
                                                    for q in course[e]})
        notes += graded.notes
        flags += graded.flags
        if graded.flags:
            flagged.setdefault(learner, set()).update(graded.exercises or [""])
        if graded.counted:
            handed.setdefault(learner, set()).update(graded.exercises)
            mine = status[learner]
            for key, value in graded.status.items():
                mine[key] = _notebooks.best(mine.get(key, NOT_ATTEMPTED), value)
    shown_ex = sorted({e for s in handed.values() for e in s} | {e for s in flagged.values() for e in s if e})
    questions = {ex_id: sorted(course[ex_id], key=_natural_key) for ex_id in shown_ex}
    columns = [f"{ex_id}:{q}" for ex_id, qids in questions.items() for q in qids]
    learners = sorted(status, key=lambda x: (clean_name(x).casefold(), x))
    detail = pd.DataFrame([[status[x].get(tuple(c.split(":", 1)), NOT_ATTEMPTED) for c in columns] for x in learners],
                          index=pd.Index(learners, name="learner"), columns=columns, dtype=object)
    handed_in = pd.DataFrame([[e in handed.get(x, set()) for e in shown_ex] for x in learners],
                             index=detail.index, columns=shown_ex, dtype=bool)
    flagged_df = pd.DataFrame([[e in flagged.get(x, set()) for e in shown_ex] for x in learners],
                              index=detail.index, columns=shown_ex, dtype=bool)
    names: dict[str, str] = {}
    taken: set[str] = set()
    for learner in learners:  # two raw names that print alike stay apart
        name, n = clean_name(learner), 2
        while name in taken:
            name, n = f"{clean_name(learner)} ({n})", n + 1
        taken.add(name)
        names[learner] = name
    return ClassGrades(detail, handed_in, flagged_df, questions, names, notes, flags)


def class_report(folder: str | Path, execute: bool = False, *, timeout: int = DEFAULT_TIMEOUT,
                 detail: bool = False) -> pd.DataFrame:
    """The class table: one row per learner, one column per exercise (``"5/6"``) or per question.

    Parameters
    ----------
    folder : str or Path
        The learners' notebooks (layouts: see the module docstring).
    execute : bool
        Re-run each notebook in a temporary copy first. **This runs the learners' code.**
    timeout : int
        Seconds a whole notebook may run when executing.
    detail : bool
        One column per question (✓ ✗ – ?) and a ``correct`` count, instead of per exercise.

    Returns
    -------
    DataFrame
        Indexed by ``learner``. Per exercise (columns ``00``, ``01``, … the exercise number): the
        correct answers out of the exercise's questions, ``–`` when not handed in, a trailing ``!``
        when something was flagged; then ``total`` (correct answers) and ``review`` (open answers
        for the trainer to read). ``attrs["notes"]`` and ``attrs["flags"]`` list what was skipped
        and what was not counted.

    Examples
    --------
    >>> import tempfile
    >>> class_report(tempfile.mkdtemp()).columns.tolist()
    ['total', 'review']
    """
    grades = grade_folder(folder, execute, timeout=timeout)
    table = grades.symbols() if detail else grades.summary()
    table.attrs["notes"] = list(grades.notes)
    table.attrs["flags"] = list(grades.flags)
    return table


# --------------------------------------------------------------------------- output


def render(grades: ClassGrades, detail: bool = False) -> str:
    """The table as text, with its legend, the exercises' names, flags and notes (what the command prints)."""
    table = grades.symbols() if detail else grades.summary()
    lines = [table.to_string() if len(table) else ""]
    lines.append(t("grade.legend_detail") if detail else t("grade.legend"))
    if not detail and grades.exercises:
        lines.append(t("grade.exercises", names=" · ".join(grades.exercises)))
    if grades.flags:
        lines += ["", t("grade.flags"), *("  " + f for f in grades.flags)]
    if grades.notes:
        lines += ["", t("grade.notes"), *("  " + n for n in grades.notes)]
    return "\n".join(lines).lstrip("\n")


def to_csv(grades: ClassGrades, path: Path) -> None:
    """Points per exercise, one column per exercise id (empty: nothing counted handed in)."""
    points = grades.points()
    with path.open("w", encoding="utf-8-sig", newline="") as fh:  # the BOM lets Excel read names right
        writer = csv.writer(fh)
        writer.writerow(["learner", *grades.exercises, t("grade.total")])
        for learner in points.index:
            values = ["" if pd.isna(v) else int(v) for v in points.loc[learner]]
            writer.writerow([csv_text(grades.names[learner]), *values, sum(v for v in values if v != "")])


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem; font-size: 22px; color: #222; }
h1 { font-size: 1.4em; margin: 0 0 .6em; }
table { border-collapse: collapse; }
th, td { padding: .35em .7em; border: 1px solid #ccc; text-align: center; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f2f2f2; position: sticky; top: 0; }
td.full { background: #c8ecc8; } td.part { background: #fff1b8; } td.none { background: #f6d0d0; }
td.missing { color: #999; } td.flag { background: #f6d0d0; font-weight: bold; }
p, li { font-size: .8em; }
"""


def to_html(grades: ClassGrades, title: str) -> str:
    """A page for the projector: big type, one colour per cell (all solved, some, none), flags and notes."""
    esc = html.escape
    points = grades.points()
    head = "".join(f'<th title="{esc(ex)}">{esc(ex[:2])}</th>' for ex in grades.exercises)
    rows = []
    for learner in grades.detail.index:
        cells = []
        for ex_id, qids in grades.questions.items():
            flag = "!" if grades.flagged.at[learner, ex_id] else ""
            if grades.handed_in.at[learner, ex_id]:
                got = int(points.at[learner, ex_id])
                kind = "flag" if flag else "full" if got == len(qids) else "part" if got else "none"
                cells.append(f'<td class="{kind}">{got}/{len(qids)}{flag}</td>')
            else:
                cells.append(f'<td class="{"flag" if flag else "missing"}">{flag or "–"}</td>')
        total = int(points.loc[learner].fillna(0).sum())
        review = int((grades.detail.loc[learner] == OPEN).sum())
        rows.append(f"<tr><td>{esc(grades.names[learner])}</td>{''.join(cells)}<td>{total}</td><td>{review}</td></tr>")
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        f"<table><thead><tr><th>{esc(t('grade.learner'))}</th>{head}<th>{esc(t('grade.total'))}</th>"
        f"<th>{esc(t('grade.review'))}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>",
        f"<p>{esc(t('grade.legend'))}</p>",
        f"<p>{esc(t('grade.exercises', names=' · '.join(grades.exercises)))}</p>",
    ]
    for heading, lines in ((t("grade.flags"), grades.flags), (t("grade.notes"), grades.notes)):
        if lines:
            parts.append(f"<p>{esc(heading)}</p><ul>" + "".join(f"<li>{esc(x)}</li>" for x in lines) + "</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"




# --------------------------------------------------------------------------- command line


EXIT_OK, EXIT_USAGE, EXIT_EXISTS = 0, 2, 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The grading options (shared by ``workbook.py grade`` and ``kam class-report``)."""
    parser.add_argument("folder", metavar="FOLDER", help=t("grade.help_folder"))
    parser.add_argument("--details", action="store_true", help=t("grade.help_details"))
    parser.add_argument("--csv", "-o", "--output", dest="csv", metavar="FILE", help=t("grade.help_csv"))
    parser.add_argument("--html", metavar="FILE", help=t("grade.help_html"))
    parser.add_argument("--force", action="store_true", help=t("grade.help_force"))
    parser.add_argument("--execute", action="store_true", help=t("grade.help_execute"))
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=t("grade.help_timeout", default=DEFAULT_TIMEOUT))


def main(argv: Sequence[str] | None = None, prog: str = "python3 workbook.py grade") -> int:
    """The command line; returns the exit status (0 done, 2 a usage error, 3 an output file exists)."""
    parser = argparse.ArgumentParser(prog=prog, description=t("grade.description"))
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    return run(args)


def run(args: argparse.Namespace) -> int:
    """Grade as the parsed options say: print the table, write the files; the exit status."""
    if args.timeout < 1:
        print(t("grade.bad_timeout"), file=sys.stderr)
        return EXIT_USAGE
    outputs = [Path(p) for p in (args.csv, args.html) if p]
    for path in outputs:
        if (path.exists() or path.is_symlink()) and not args.force:
            print(t("grade.file_exists", path=path.as_posix()), file=sys.stderr)
            return EXIT_EXISTS
        if not path.parent.is_dir():
            print(t("grade.no_output_folder", path=path.as_posix()), file=sys.stderr)
            return EXIT_USAGE
    try:
        grades = grade_folder(args.folder, execute=args.execute, timeout=args.timeout)
    except KamError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    if not len(grades.detail):
        print(t("grade.no_notebooks", folder=clean_name(Path(args.folder).as_posix())))
    print(render(grades, detail=args.details))
    try:
        if args.csv:
            write_atomic(Path(args.csv), lambda p: to_csv(grades, p), args.force)
            print(t("grade.wrote", path=args.csv))
        if args.html:
            title = t("grade.html_title", folder=clean_name(Path(args.folder).resolve().name))
            write_atomic(Path(args.html), lambda p: p.write_text(to_html(grades, title), encoding="utf-8"), args.force)
            print(t("grade.wrote", path=args.html))
    except FileExistsError as exc:
        print(t("grade.file_exists", path=str(exc.filename2 or exc.filename)), file=sys.stderr)
        return EXIT_EXISTS
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(prog="python -m kamlib.course.grade"))

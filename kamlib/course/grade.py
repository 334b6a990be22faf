"""The trainer's class table: who solved what, from a folder of learners' exercise notebooks.

    python -m kamlib.course.grade FOLDER               # from the check outputs stored in the notebooks
    python -m kamlib.course.grade FOLDER --execute     # re-run every notebook in a kernel first
    python -m kamlib.course.grade FOLDER -o class.csv  # also save the table (never overwrites without --force)

No server is started. Two folder layouts are understood (they may be mixed):

``FOLDER/<learner>/<any name>.ipynb``
    One sub-folder per learner (e.g. what an LMS download unpacks to).
``FOLDER/<learner>_<NN>[_topic].ipynb``
    Flat files: the learner is the part of the name before the first ``_NN``
    (``anna_03.ipynb``, ``anna_smith_03_abc_xyz.ipynb`` → ``anna``, ``anna_smith``).

Which exercise a notebook is comes from its ``exercise("NN_topic", ...)`` call, not from the
file name. By default a question's status is the output its check cell stored when the learner
last ran it (outputs copied from the solved version into the learner version don't count): quick,
and runs none of the learners' code. ``--execute`` re-runs each notebook with nbclient (one
kernel at a time, ``--timeout`` seconds per cell; the files are not modified) for trainers who
don't trust stored outputs — it runs the learners' code, so do it where that is acceptable.

The table has one row per learner and one column per question (``00_warmup:q1``): ✓ correct,
✗ wrong, – not attempted (or never checked), ? an open answer to review, and a ``correct`` count.
When a learner has several notebooks for one exercise, the best status of each question counts.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from .._errors import KamArgumentError, KamError
from ..labels import t
from . import _notebooks
from ._checking import CORRECT, NOT_ATTEMPTED, _natural_key, load_exercise

__all__ = ["class_report", "find_notebooks", "main"]

_FLAT_NAME = re.compile(r"(?P<learner>.+?)_(?P<nn>\d{2})(?:[_\-.].*)?")
DEFAULT_TIMEOUT = 120


def _skip(path: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in path.parts)


def find_notebooks(folder: str | Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """``[(learner, notebook path)]`` in ``folder`` (both layouts), and notes on skipped files."""
    folder = Path(folder)
    found: list[tuple[str, Path]] = []
    notes: list[str] = []
    for entry in sorted(folder.iterdir()):
        if _skip(entry.relative_to(folder)):
            continue
        if entry.is_dir():
            for path in sorted(entry.rglob("*.ipynb")):
                if not _skip(path.relative_to(folder)):
                    found.append((entry.name, path))
        elif entry.suffix == ".ipynb":
            match = _FLAT_NAME.fullmatch(entry.stem)
            if match:
                found.append((match.group("learner"), entry))
            else:
                notes.append(t("course_grade.no_learner", path=entry.relative_to(folder).as_posix()))
    return found, notes


def _execute(path: Path, timeout: int) -> tuple[dict[str, Any], str | None]:
    """The notebook re-run in a fresh kernel (outputs cleared first); the file is untouched."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(nb, timeout=timeout, allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    try:
        client.execute()
    except Exception as exc:  # a timeout or a dead kernel: keep what ran
        error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else ''}"
    return nb, error


def class_report(folder: str | Path, execute: bool = False, *, timeout: int = DEFAULT_TIMEOUT) -> pd.DataFrame:
    """One row per learner, one column per question: ✓ / ✗ / – / ?, and a ``correct`` count.

    Parameters
    ----------
    folder : str or Path
        The learners' notebooks (layouts: see the module docstring).
    execute : bool
        Re-run each notebook in a kernel instead of reading its stored check outputs.
    timeout : int
        Seconds each cell may run when executing.

    Returns
    -------
    DataFrame
        Indexed by ``learner`` (sorted); columns ``<exercise>:<question>`` sorted by exercise and
        question number, then ``correct``. ``attrs["notes"]`` lists skipped files and problems.

    Raises
    ------
    KamArgumentError
        When ``folder`` is not a folder.

    Examples
    --------
    >>> import tempfile
    >>> class_report(tempfile.mkdtemp()).shape
    (0, 1)
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise KamArgumentError(t("course_grade.no_folder", folder=folder.as_posix()))
    found, notes = find_notebooks(folder)
    status: dict[str, dict[tuple[str, str], str]] = {}
    questions: set[tuple[str, str]] = set()
    for learner, path in found:
        status.setdefault(learner, {})  # a learner with no usable notebook still gets a row
        shown = path.relative_to(folder).as_posix()
        try:
            nb = _notebooks.read(path)
        except Exception as exc:
            notes.append(t("course_grade.unreadable", path=shown, error=type(exc).__name__))
            continue
        ex_ids = _notebooks.exercise_ids(nb)
        if not ex_ids:
            notes.append(t("course_grade.not_exercise", path=shown))
            continue
        if execute:
            nb, error = _execute(path, timeout)
            if error:
                notes.append(t("course_grade.execution_stopped", path=shown, error=error))
        learner_status = status.setdefault(learner, {})
        for ex_id in ex_ids:
            try:
                questions.update((ex_id, q.id) for q in load_exercise(ex_id).questions)
            except KamError:
                pass  # an exercise kamlib does not know: its check cells still name the questions
        questions.update(_notebooks.check_questions(nb))
        for key, value in _notebooks.stored_results(nb).items():
            questions.add(key)
            learner_status[key] = _notebooks.best(learner_status.get(key, NOT_ATTEMPTED), value)
    columns = sorted(questions, key=lambda k: (k[0], _natural_key(k[1])))
    names = [f"{ex_id}:{qid}" for ex_id, qid in columns]
    rows = []
    for learner in sorted(status):
        values = [status[learner].get(key, NOT_ATTEMPTED) for key in columns]
        rows.append([t(f"course_check.symbol_{v}") for v in values] + [values.count(CORRECT)])
    table = pd.DataFrame(rows, index=pd.Index(sorted(status), name="learner"),
                         columns=[*names, t("course_grade.correct_column")])
    table.attrs["notes"] = notes
    return table


def render(table: pd.DataFrame) -> str:
    """The table as text, with its legend and notes (what the command prints)."""
    lines = [table.to_string() if len(table) else "", t("course_grade.legend")]
    notes = table.attrs.get("notes") or []
    if notes:
        lines += ["", t("course_grade.notes"), *("  " + n for n in notes)]
    return "\n".join(line for line in lines if line is not None).lstrip("\n")


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status (0 done, 2 an error)."""
    parser = argparse.ArgumentParser(prog="python -m kamlib.course.grade",
                                     description=t("course_grade.description"))
    parser.add_argument("folder", help=t("course_grade.help_folder"))
    parser.add_argument("--execute", action="store_true", help=t("course_grade.help_execute"))
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help=t("course_grade.help_timeout", default=DEFAULT_TIMEOUT))
    parser.add_argument("-o", "--output", help=t("course_grade.help_output"))
    parser.add_argument("--force", action="store_true", help=t("course_grade.help_force"))
    args = parser.parse_args(argv)
    output = Path(args.output) if args.output else None
    if output is not None and output.exists() and not args.force:
        print(t("course_grade.file_exists", path=output.as_posix()), file=sys.stderr)
        return 2
    try:
        table = class_report(args.folder, execute=args.execute, timeout=args.timeout)
    except KamError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not len(table):
        print(t("course_grade.no_notebooks", folder=Path(args.folder).as_posix()))
    print(render(table))
    if output is not None:
        table.to_csv(output, encoding="utf-8-sig")  # the BOM lets Excel read ✓ ✗ – right
        print(t("course_grade.wrote", path=output.as_posix()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

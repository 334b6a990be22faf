"""The learner's self-check: which questions of my exercise notebook are right?

    python3 workbook.py check exercises/03_abc_xyz.ipynb        # from the course folder
    python3 workbook.py check exercises/                        # every exercise notebook in a folder
    python -m kamlib.course.selfcheck ~/my_copy.ipynb            # the same, with kamlib installed

Each notebook is run from the top in a fresh kernel (with a time limit per cell; the file is not
changed), then every question is checked in that kernel exactly as ``ex.qN.check()`` checks it:
the right answer is worked out by ``kamlib`` from the data the notebook loaded (its ``SEED`` /
``DATA`` parameters), never taken from outputs stored in the file. What it prints is short and
plain, one line per question::

    exercises/03_abc_xyz.ipynb — Exercise 03_abc_xyz — ABC-XYZ: classes, regularity, …
      checked against: the course's shared sample company (SEED = None)
      ✓ q1  correct.
      ✗ q2  not right yet — your value is too low.
      – q3  not attempted yet
      ? q6  open answer — compare it with the rubric (ex.q6.check() in the notebook)
      1 of 5 questions right · 1 to fix · 3 not attempted · 1 open answer to review

The exit status is 0 when every answered question is right, 1 when one is wrong (or one of a
question's cells stopped with an error), 2 when a
notebook could not be checked (not found, not an exercise, it stopped before binding its
exercise, or a cell ran past the time limit).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..labels import t
from . import _notebooks
from ._checking import CORRECT, NOT_ATTEMPTED, OPEN, WRONG, BoundExercise, _natural_key

__all__ = ["QuestionResult", "NotebookResult", "check_notebook", "report", "render", "main"]

MARKER = "KAMLIB-SELFCHECK "
DEFAULT_TIMEOUT = 120
_QUESTION_HEADING = re.compile(r"(q\d+[a-z]?)\b")
_REPORT_CELL = "__import__('kamlib.course.selfcheck', fromlist=['report']).report(globals())"


@dataclass
class QuestionResult:
    """One question's status in a learner's notebook."""

    question: str
    status: str
    detail: str = ""
    var: str | None = None
    error: str = ""  # an error one of the question's cells stopped with


@dataclass
class NotebookResult:
    """What the self-check found in one notebook."""

    path: str
    title: str = ""
    source: str = ""
    questions: list[QuestionResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # cells that stopped with an error
    problem: str = ""  # why the notebook could not be checked at all

    def count(self, status: str) -> int:
        return sum(q.status == status for q in self.questions)


def report(namespace: dict[str, Any]) -> None:
    """Print every bound exercise's questions as checked now (run inside the learner's kernel)."""
    found = []
    for value in list(namespace.values()):
        if isinstance(value, BoundExercise) and all(value is not f for f in found):
            found.append(value)
    records = []
    for bound in found:
        questions = []
        for bq in bound.questions:
            outcome = bq.result()
            questions.append({"question": bq.id, "status": outcome.status, "detail": outcome.detail,
                              "var": bq.question.var})
        records.append({"exercise": bound.name, "title": bound.definition.title, "source": bound.source,
                        "questions": questions})
    print(MARKER + json.dumps(records, ensure_ascii=False))


def _heading_before(cells: list[Any], index: int) -> str:
    """The first line of the nearest markdown heading above cell ``index`` (where the learner looks)."""
    for cell in reversed(cells[:index]):
        if cell.get("cell_type") == "markdown":
            for line in _notebooks.source(cell).splitlines():
                if line.startswith("#"):
                    text = line.lstrip("#").strip()
                    return text if len(text) <= 60 else text[:59] + "…"
    return ""


def _error_text(output: dict[str, Any]) -> str:
    value = str(output.get("evalue", "")).strip().splitlines()
    return f"{output.get('ename', 'Error')}: {value[0]}" if value else str(output.get("ename", "Error"))


def _error_line(cells: list[Any], index: int, output: dict[str, Any]) -> str:
    error = _error_text(output)
    heading = _heading_before(cells, index)
    if heading:
        return t("selfcheck.cell_error_under", heading=heading, error=error)
    return t("selfcheck.cell_error", n=index + 1, error=error)


def check_notebook(path: str | Path, *, timeout: int = DEFAULT_TIMEOUT) -> NotebookResult:
    """Run one learner notebook in a fresh kernel and check every question of its exercise.

    Parameters
    ----------
    path : str or Path
        The notebook (a learner version or a copy of it anywhere).
    timeout : int
        Seconds each cell may run.

    Returns
    -------
    NotebookResult
        One :class:`QuestionResult` per question; ``problem`` says why nothing could be checked.
    """
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    shown = path.as_posix()
    result = NotebookResult(shown)
    try:
        nb = nbformat.read(path, as_version=4)
    except FileNotFoundError:
        result.problem = t("selfcheck.not_found", path=shown)
        return result
    except Exception as exc:
        result.problem = t("selfcheck.unreadable", path=shown, error=type(exc).__name__)
        return result
    if not _notebooks.exercise_ids(nb):
        result.problem = t("selfcheck.not_exercise", path=shown)
        return result
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.cells.append(nbformat.v4.new_code_cell(_REPORT_CELL))
    os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")  # the kernel of the environment running this
    client = NotebookClient(nb, timeout=timeout, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": str(path.resolve().parent)}})
    try:
        client.execute(stderr=subprocess.DEVNULL)  # the kernel's own start-up warnings are not the learner's
    except Exception as exc:  # a cell ran too long, or the kernel died
        name = type(exc).__name__
        if "Timeout" in name:
            result.problem = t("selfcheck.timeout", seconds=timeout)
        else:
            text = str(exc).strip().splitlines()
            result.problem = t("selfcheck.stopped", error=f"{name}: {text[0]}" if text else name)
    records = None
    for output in nb.cells[-1].get("outputs", []):
        for line in str(output.get("text", "")).splitlines():
            if line.startswith(MARKER):
                records = json.loads(line[len(MARKER):])
    question_errors: dict[str, str] = {}  # an error in a question's own cells goes on that question's line
    for index, cell in enumerate(nb.cells[:-1]):
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            match = _QUESTION_HEADING.match(_heading_before(nb.cells, index))
            if match and match.group(1) not in question_errors:
                question_errors[match.group(1)] = _error_text(output)
            elif not match:
                result.errors.append(_error_line(nb.cells, index, output))
    if records is None:
        result.problem = result.problem or t("selfcheck.no_report")
        return result
    if not records:
        result.problem = result.problem or t("selfcheck.not_bound")
        return result
    for record in records:
        result.title = result.title or t("course_exercise.heading", id=record["exercise"], title=record["title"])
        result.source = result.source or record["source"]
        for q in sorted(record["questions"], key=lambda q: _natural_key(q["question"])):
            result.questions.append(QuestionResult(q["question"], q["status"], q.get("detail", ""), q.get("var"),
                                                   question_errors.get(q["question"], "")))
    return result


def _question_line(q: QuestionResult) -> str:
    symbol = t(f"course_check.symbol_{q.status}")
    if q.status == CORRECT:
        message = t("course_check.correct")
    elif q.status == WRONG:
        message = t("course_check.wrong", detail=q.detail)
    elif q.status == NOT_ATTEMPTED:
        message = t("selfcheck.not_attempted", var=q.var) if q.var else t("selfcheck.not_attempted_novar")
    else:
        message = t("selfcheck.open", q=q.question)
    if q.error:
        message += t("selfcheck.question_error", error=q.error)
    return t("selfcheck.question_line", symbol=symbol, q=q.question, message=message)


def render(result: NotebookResult) -> str:
    """The lines the command prints for one notebook."""
    lines = [t("selfcheck.heading", path=result.path, title=result.title) if result.title
             else result.path]
    if result.source:
        lines.append(t("selfcheck.checked_against", source=result.source))
    lines += [_question_line(q) for q in result.questions]
    if result.errors:  # the first error; later ones usually follow from it
        lines.append(result.errors[0])
    if len(result.errors) > 1:
        lines.append(t("selfcheck.more_errors", n=len(result.errors) - 1))
    if result.problem:
        lines.append(t("selfcheck.problem", problem=result.problem))
    if result.questions:
        checkable = len(result.questions) - result.count(OPEN)
        parts = [t("selfcheck.total_right", right=result.count(CORRECT), n=checkable)]
        if result.count(WRONG):
            parts.append(t("selfcheck.total_wrong", n=result.count(WRONG)))
        if result.count(NOT_ATTEMPTED):
            parts.append(t("selfcheck.total_not_attempted", n=result.count(NOT_ATTEMPTED)))
        if result.count(OPEN):
            parts.append(t("selfcheck.total_open", n=result.count(OPEN)))
        lines.append(t("selfcheck.total", parts=t("selfcheck.separator").join(parts)))
    return "\n".join(lines)


def _notebooks_in(paths: Sequence[str]) -> list[Path]:
    out: list[Path] = []
    for given in paths:
        path = Path(given).expanduser()
        if path.is_dir():
            out.extend(sorted(p for p in path.glob("*.ipynb") if not p.name.startswith(".")))
        else:
            out.append(path)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status (0 all answered right, 1 a wrong answer, 2 a problem)."""
    parser = argparse.ArgumentParser(prog="python3 workbook.py check", description=t("selfcheck.description"))
    parser.add_argument("paths", nargs="+", metavar="NOTEBOOK", help=t("selfcheck.help_paths"))
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help=t("selfcheck.help_timeout", default=DEFAULT_TIMEOUT))
    args = parser.parse_args(argv)
    notebooks = _notebooks_in(args.paths)
    if not notebooks:
        print(t("selfcheck.nothing", paths=" ".join(args.paths)))
        return 2
    status = 0
    results = []
    for i, path in enumerate(notebooks):
        if len(notebooks) > 1:
            print(t("selfcheck.running", path=path.as_posix(), i=i + 1, n=len(notebooks)), file=sys.stderr,
                  flush=True)
        result = check_notebook(path, timeout=args.timeout)
        results.append(result)
        if i:
            print()
        print(render(result), flush=True)
        if result.problem:
            status = 2
        elif (result.count(WRONG) or any(q.error for q in result.questions)) and status == 0:
            status = 1
    if len(results) > 1:
        right = sum(r.count(CORRECT) for r in results)
        checkable = sum(len(r.questions) - r.count(OPEN) for r in results)
        print()
        print(t("selfcheck.all_total", right=right, n=checkable, notebooks=len(results)))
    return status


if __name__ == "__main__":
    sys.exit(main())

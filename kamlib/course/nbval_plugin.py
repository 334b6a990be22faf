"""A pytest plugin that makes ``pytest --nbval`` a fair judge of a learner's exercise notebook.

nbval compares each cell's new output with the output *stored in the notebook*. A learner
who ran ``ex.q2.check()`` before answering and then saved the notebook has "– q2: not
attempted yet" stored in that cell, so plain nbval would pass the cell on a re-run. This
plugin sets the reference of every check cell (a cell calling ``qN.check()``) to the solved
output — "✓ q2: correct.", or an open question's rubric — computed by ``kamlib``, whatever the
notebook holds, and compares
it even when the stored cell was never run or is marked to be ignored. Every other cell keeps
nbval's usual behaviour. At the end it lists, per notebook, the questions done and not yet.

It is a maintainers' tool, loaded only on request (learners use ``python3 workbook.py check``,
:mod:`kamlib.course.selfcheck`, which prints a short table instead of pytest's report)::

    pytest --nbval -p kamlib.course.nbval_plugin exercises/03_abc_xyz.ipynb

It is not loaded for the whole test suite: there every notebook is compared with its own stored
outputs, including the primer's check cells, which store "not attempted".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ..labels import t
from . import _notebooks
from ._checking import solved_bundles

# state of the current run (reset by pytest_configure): check-cell node id -> [(path, exercise, qid)],
# and node id -> whether its cell passed
_tracked: dict[str, list[tuple[str, str, str]]] = {}
_passed: dict[str, bool] = {}


def reference_outputs(exercise_id: str, qids: list[str]) -> list[Any]:
    """The outputs a check cell shows in the solved version (as notebook outputs)."""
    from nbformat import from_dict

    return [from_dict({"output_type": "display_data", "data": bundle, "metadata": {}})
            for bundle in solved_bundles(exercise_id, qids)]


def pytest_configure(config: pytest.Config) -> None:
    _tracked.clear()
    _passed.clear()


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config,
                                  items: list[pytest.Item]) -> None:
    by_notebook: dict[int, dict[int, tuple[str, list[str]]]] = {}
    for item in items:
        cell = getattr(item, "cell", None)
        parent = getattr(item, "parent", None)
        nb = getattr(parent, "nb", None)
        if cell is None or nb is None or type(item).__name__ != "IPyNbCell":
            continue
        if id(nb) not in by_notebook:
            by_notebook[id(nb)] = {i: (ex_id, qids) for i, ex_id, qids in _notebooks.check_cells(nb)}
        checks = by_notebook[id(nb)]
        index = next((i for i, c in enumerate(nb.cells) if c is cell), None)
        if index not in checks:
            continue
        ex_id, qids = checks[index]
        cell.outputs = reference_outputs(ex_id, qids)
        if cell.execution_count is None:
            cell.execution_count = 1  # nbval compares only cells stored as run
        item.options["check"] = True
        path = _display_path(Path(str(parent.fspath)), config)
        _tracked[item.nodeid] = [(path, ex_id, qid) for qid in qids]


def _display_path(path: Path, config: pytest.Config) -> str:
    try:
        return path.relative_to(config.rootpath).as_posix()
    except ValueError:
        return path.as_posix()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.nodeid not in _tracked:
        return
    if report.when == "call" or not report.passed:
        _passed[report.nodeid] = _passed.get(report.nodeid, True) and report.passed


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not _passed:
        return
    notebooks: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for nodeid, questions in _tracked.items():
        if nodeid not in _passed:
            continue
        for path, ex_id, qid in questions:
            done, todo = notebooks.setdefault((path, ex_id), ([], []))
            (done if _passed[nodeid] else todo).append(qid)
    terminalreporter.write_sep("-", t("course_plugin.heading"))
    for (path, ex_id), (done, todo) in sorted(notebooks.items()):
        terminalreporter.write_line(t("course_plugin.notebook", path=path, exercise=ex_id,
                                      done=" ".join(done) or t("course_plugin.none"),
                                      todo=" ".join(todo) or t("course_plugin.none")))

"""Reading exercise notebooks: which exercise, which check cells, which stored results.

Shared by the learner-version generator (``assign``), the class report (``grade``),
:func:`kamlib.progress` and the pytest plugin. Reading needs only the standard library
(a notebook is JSON), so ``progress()`` and the stored-output class report work without
Jupyter installed; writing and executing notebooks use nbformat / nbclient.

A *check cell* is a code cell that calls ``<something>.qN.check()``; the exercise it belongs
to is the one named by the last ``exercise("NN_topic", ...)`` call above it. A check output
is a display output carrying the MIME type :data:`kamlib.course._checking.MIME`; outputs the
generator copied from the solved version into a learner version are marked *reference*
(output metadata ``{"kamlib": {"reference": true}}``) and never count as the learner's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ._checking import MIME, STATUS_RANK, STATUSES

__all__ = [
    "read",
    "source",
    "exercise_ids",
    "check_cells",
    "check_questions",
    "stored_results",
    "is_reference",
    "best",
    "EXERCISE_CALL",
    "CHECK_CALL",
]

EXERCISE_CALL = re.compile(r"""\bexercise\(\s*(['"])([\w.\-]+)\1""")
CHECK_CALL = re.compile(r"""\b(q\d+[a-z]?)\s*\.\s*check\(\s*\)""")


def read(path: str | Path) -> dict[str, Any]:
    """The notebook at ``path`` as plain JSON (a dict)."""
    with open(path, encoding="utf-8") as fh:
        nb = json.load(fh)
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError("no 'cells' list")
    return nb


def source(cell: dict[str, Any]) -> str:
    """A cell's source as one string (notebooks store it as a string or a list of lines)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _code_lines(text: str) -> str:
    """The code without comments, so ``# ex.q1.hint()`` is not mistaken for a call."""
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def exercise_ids(nb: dict[str, Any]) -> list[str]:
    """The exercises a notebook binds, in order (usually exactly one)."""
    out: list[str] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            for match in EXERCISE_CALL.finditer(_code_lines(source(cell))):
                if match.group(2) not in out:
                    out.append(match.group(2))
    return out


def check_cells(nb: dict[str, Any]) -> Iterator[tuple[int, str, list[str]]]:
    """``(cell index, exercise id, [question ids])`` for every check cell."""
    current = None
    for i, cell in enumerate(nb.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        code = _code_lines(source(cell))
        calls = list(EXERCISE_CALL.finditer(code))
        if calls:
            current = calls[-1].group(2)
        qids = CHECK_CALL.findall(code)
        if qids and current is not None:
            yield i, current, qids


def check_questions(nb: dict[str, Any]) -> list[tuple[str, str]]:
    """Every ``(exercise id, question id)`` the notebook has a check cell for."""
    out: list[tuple[str, str]] = []
    for _, ex_id, qids in check_cells(nb):
        out.extend((ex_id, q) for q in qids if (ex_id, q) not in out)
    return out


def is_reference(output: dict[str, Any]) -> bool:
    """Whether an output was copied from the solved version (not produced by the learner)."""
    meta = output.get("metadata") or {}
    return bool(isinstance(meta, dict) and (meta.get("kamlib") or {}).get("reference"))


def stored_results(nb: dict[str, Any]) -> dict[tuple[str, str], str]:
    """The status of every question whose check output is stored in the notebook.

    The last stored output of a question wins; reference outputs are skipped.
    """
    out: dict[tuple[str, str], str] = {}
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        for output in cell.get("outputs", []) or []:
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue
            record = (output.get("data") or {}).get(MIME)
            if not isinstance(record, dict) or is_reference(output):
                continue
            ex_id, qid, status = record.get("exercise"), record.get("question"), record.get("status")
            if isinstance(ex_id, str) and isinstance(qid, str) and status in STATUSES:
                out[(ex_id, qid)] = status
    return out


def best(a: str, b: str) -> str:
    """The better of two statuses (correct > open > wrong > not attempted)."""
    return a if STATUS_RANK.get(a, 9) <= STATUS_RANK.get(b, 9) else b

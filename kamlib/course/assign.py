"""Generate the learner versions of the exercises from their solved sources.

    python -m kamlib.course.assign              # exercises/solved/*.ipynb -> exercises/*.ipynb
    python -m kamlib.course.assign --check      # exit 1 if a learner version is missing or stale
    python -m kamlib.course.assign exercises/solved/03_abc_xyz.ipynb -o /tmp/03.ipynb

Each exercise notebook is written once, solved and executed, in ``exercises/solved/``.
Solutions are marked nbgrader-style, inside code cells:

``### BEGIN SOLUTION`` … ``### END SOLUTION``
    The lines between are removed and replaced by ``# your code here``.
``name = expression  # SOLUTION``
    Becomes ``name = ...  # your answer here`` — the answer variable stays *not attempted*
    (``...``) until the learner fills it. Inside a block, such lines are kept as stubs after
    ``# your code here``; any other line ending in ``# SOLUTION`` is removed.
a cell tagged ``solution``
    A code cell is treated as one solution block; a markdown cell (a model answer to an
    open question) is replaced by *Write your answer here.*

In the learner version every cell that had a solution loses its outputs and execution count
and gets the tag ``nbval-ignore-output``; *check cells* (those calling ``qN.check()``) lose
their outputs too, so a fresh learner version shows no verdict at all — the learner's own
check, or ``python3 workbook.py check`` (:mod:`kamlib.course.selfcheck`), computes it from the
learner's data. Relative links in markdown cells lose one ``../`` (``exercises/solved/`` is one folder
deeper than ``exercises/``: ``../../SOURCES.md#id`` becomes ``../SOURCES.md#id``). Every other cell is copied as it is; notebook metadata is reduced to the
kernel and language, plus a note of the source. Cells that use an answer variable must be
answer cells themselves (in the learner version the variable holds ``...``).
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .._errors import KamArgumentError, KamError
from ..labels import t
from . import _notebooks
from ._checking import MIME

__all__ = ["make_learner_version", "build_all", "learner_text", "main"]

BEGIN = re.compile(r"^(\s*)#+\s*BEGIN\s+SOLUTION\s*$", re.IGNORECASE)
END = re.compile(r"^(\s*)#+\s*END\s+SOLUTION\s*$", re.IGNORECASE)
SOLUTION_LINE = re.compile(r"^(\s*)(.*?)\s*#\s*SOLUTION\s*$")
ASSIGNMENT = re.compile(r"^([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*=(?!=)")
UP_LINK = re.compile(r"\]\(\.\./(?=\.\./)")  # a relative link from exercises/solved/ that leaves it
TEXT_ASSIGNMENT = re.compile(r"""^(\s*)([A-Za-z_]\w*)\s*=\s*(?:\"\"\"|\'\'\')""")
SOLUTION_TAG = "solution"
IGNORE_TAG = "nbval-ignore-output"
KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info")
DROP_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled", "jupyter", "widgets")


def _stub(indent: str, code: str) -> str | None:
    match = ASSIGNMENT.match(code)
    if not match:
        return None
    targets = [name.strip() for name in match.group(1).split(",")]
    value = ", ".join(["..."] * len(targets))
    return f"{indent}{', '.join(targets)} = {value}  {t('course_assign.answer_here')}"


def _strip_solutions(src: str, where: dict[str, Any]) -> tuple[str, bool]:
    """The learner's version of one code cell's source, and whether anything changed."""
    out: list[str] = []
    changed = False
    in_block = False
    indent = ""
    stubs: list[str] = []
    texts: list[str] = []  # answers written as text in the block (open questions): an empty text stub
    begin_line = 0
    for lineno, line in enumerate(src.splitlines(), 1):
        if match := BEGIN.match(line):
            if in_block:
                raise KamArgumentError(t("course_assign.nested", line=lineno, **where))
            in_block, indent, stubs, texts, begin_line, changed = True, match.group(1), [], [], lineno, True
            continue
        if END.match(line):
            if not in_block:
                raise KamArgumentError(t("course_assign.unbalanced_end", line=lineno, **where))
            in_block = False
            if texts and not stubs:  # an open question: the learner writes between empty triple quotes
                out.append(indent + t("course_assign.text_here"))
                for name in texts:
                    out.extend([f'{indent}{name} = """', "", '"""'])
                continue
            out.append(indent + t("course_assign.code_here"))
            out.extend(stubs)
            if indent and not stubs:
                out.append(indent + "...")  # keeps an indented body valid Python
            continue
        if match := SOLUTION_LINE.match(line):
            changed = True
            stub = _stub(match.group(1), match.group(2))
            if in_block:
                if stub:
                    stubs.append(stub)
            else:
                out.append(stub or match.group(1) + t("course_assign.code_here"))
            continue
        if in_block:
            if (text := TEXT_ASSIGNMENT.match(line)) and text.group(1) == indent and text.group(2) not in texts:
                texts.append(text.group(2))
        else:
            out.append(line)
    if in_block:
        raise KamArgumentError(t("course_assign.unbalanced_begin", line=begin_line, **where))
    return "\n".join(out), changed


def _tags(cell: dict[str, Any]) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def _set_tags(cell: dict[str, Any], tags: list[str]) -> None:
    if tags:
        cell["metadata"]["tags"] = tags
    else:
        cell["metadata"].pop("tags", None)


def _learner_cell(cell: dict[str, Any], where: dict[str, Any]) -> dict[str, Any]:
    cell = copy.deepcopy(cell)
    cell.setdefault("metadata", {})
    for key in DROP_CELL_METADATA:
        cell["metadata"].pop(key, None)
    tags = _tags(cell)
    tagged = SOLUTION_TAG in tags
    tags = [tag for tag in tags if tag != SOLUTION_TAG]
    src = _notebooks.source(cell)
    if cell.get("cell_type") == "markdown":
        if tagged:
            cell["source"] = t("course_assign.markdown_placeholder")
        elif UP_LINK.search(src):
            cell["source"] = UP_LINK.sub("](", src)
        _set_tags(cell, tags)
        return cell
    if cell.get("cell_type") != "code":
        _set_tags(cell, tags)
        return cell
    if tagged:
        src = "### BEGIN SOLUTION\n" + src + "\n### END SOLUTION"
    new_src, changed = _strip_solutions(src, where)
    if changed:
        if _notebooks.CHECK_CALL.search(_notebooks._code_lines(src)):
            raise KamArgumentError(t("course_assign.check_in_solution", **where))
        cell["source"] = new_src
        cell["outputs"] = []
        cell["execution_count"] = None
        if IGNORE_TAG not in tags:
            tags.append(IGNORE_TAG)
    elif _notebooks.CHECK_CALL.search(_notebooks._code_lines(src)):
        # a fresh learner version shows no verdict: the check prints one when the learner runs it
        cell["outputs"] = []
        cell["execution_count"] = None
    _set_tags(cell, tags)
    return cell


def _posix_relpath(path: Path, start: Path) -> str:
    return Path(os.path.relpath(path.resolve(), start.resolve())).as_posix()


def make_learner_version(source_nb: str | Path, out_nb: str | Path | None = None):
    """The learner version of a solved exercise notebook (written to ``out_nb`` when given).

    Parameters
    ----------
    source_nb : str or Path
        The solved notebook, with solutions marked (see the module docstring).
    out_nb : str or Path, optional
        Where to write the learner version; nothing is written when omitted.

    Returns
    -------
    nbformat.NotebookNode
        The learner version.

    Raises
    ------
    KamArgumentError
        When solution markers are unbalanced or a check shares a cell with a solution.

    Examples
    --------
    >>> import nbformat, tempfile, pathlib
    >>> nb = nbformat.v4.new_notebook()
    >>> nb.cells = [nbformat.v4.new_code_cell("x = 6 * 7  # SOLUTION")]
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.ipynb"
    >>> nbformat.write(nb, path)
    >>> make_learner_version(path).cells[0].source
    'x = ...  # your answer here'
    """
    import nbformat

    source_nb = Path(source_nb)
    nb = nbformat.read(source_nb, as_version=4)
    out = copy.deepcopy(nb)
    out.cells = [
        nbformat.from_dict(_learner_cell(cell, {"notebook": source_nb.name, "cell": i + 1}))
        for i, cell in enumerate(nb.cells)
    ]
    # where the learner version lives by default: exercises/ beside exercises/solved/
    home = Path(out_nb).parent if out_nb is not None else source_nb.parent.parent
    meta = {key: copy.deepcopy(nb.metadata[key]) for key in KEEP_NOTEBOOK_METADATA if key in nb.metadata}
    meta["kamlib"] = {"learner_version_of": _posix_relpath(source_nb, home)}
    out.metadata = nbformat.from_dict(meta)
    nbformat.validate(out)
    if out_nb is not None:
        Path(out_nb).write_text(learner_text(out), encoding="utf-8")
    return out


def learner_text(nb) -> str:
    """The exact text a learner version is stored as (what ``--check`` compares)."""
    import nbformat

    text = nbformat.writes(nb)
    return text if text.endswith("\n") else text + "\n"


def _looks_worked_in(path: Path) -> bool:
    """A learner version somebody has run: answer cells executed, or checks of their own."""
    try:
        nb = _notebooks.read(path)
    except Exception:
        return False
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        if IGNORE_TAG in _tags(cell) and cell.get("execution_count") is not None:
            return True
        for output in cell.get("outputs", []) or []:
            if MIME in (output.get("data") or {}) and not _notebooks.is_reference(output):
                return True
    return False


def _sync(source: Path, target: Path, *, check: bool, force: bool) -> str:
    """Bring one learner version up to date (or, with ``check``, only say whether it is)."""
    nb = make_learner_version(source)
    nb.metadata["kamlib"] = {"learner_version_of": _posix_relpath(source, target.parent)}
    text = learner_text(nb)
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if current == text:
        return "up_to_date"
    if check:
        return "missing" if current is None else "stale"
    if current is not None and not force and _looks_worked_in(target):
        return "skipped"
    target.write_text(text, encoding="utf-8")
    return "written"


def build_all(exercises_dir: str | Path = "exercises", *, check: bool = False,
              force: bool = False) -> list[tuple[Path, str]]:
    """Write (or with ``check``, only compare) the learner version of every solved notebook.

    Parameters
    ----------
    exercises_dir : str or Path
        The folder with the learner versions; the solved sources are in its ``solved/``.
    check : bool
        Write nothing; report which learner versions are missing or out of date.
    force : bool
        Overwrite a learner version even when it looks worked in.

    Returns
    -------
    list of (Path, str)
        Each learner version with what happened: ``"written"``, ``"up_to_date"``,
        ``"stale"``, ``"missing"`` (check mode) or ``"skipped"`` (worked in, not forced).

    Raises
    ------
    KamArgumentError
        When ``exercises_dir/solved`` holds no notebook.
    """
    folder = Path(exercises_dir)
    sources = sorted((folder / "solved").glob("*.ipynb"))
    if not sources:
        raise KamArgumentError(t("course_assign.no_sources", folder=(folder / "solved").as_posix()))
    return [(folder / s.name, _sync(s, folder / s.name, check=check, force=force)) for s in sources]


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status (0 fine, 1 stale or skipped, 2 an error)."""
    parser = argparse.ArgumentParser(prog="python -m kamlib.course.assign",
                                     description=t("course_assign.description"))
    parser.add_argument("path", nargs="?", default="exercises", help=t("course_assign.help_path"))
    parser.add_argument("-o", "--output", help=t("course_assign.help_output"))
    parser.add_argument("--check", action="store_true", help=t("course_assign.help_check"))
    parser.add_argument("--force", action="store_true", help=t("course_assign.help_force"))
    args = parser.parse_args(argv)
    path = Path(args.path)
    try:
        if path.is_file() and path.suffix == ".ipynb":
            target = Path(args.output) if args.output else path.parent.parent / path.name
            results = [(target, _sync(path, target, check=args.check, force=args.force))]
            sources = {target: path}
        elif path.is_dir():
            results = build_all(path, check=args.check, force=args.force)
            sources = {target: path / "solved" / target.name for target, _ in results}
        else:
            raise KamArgumentError(t("course_assign.not_a_notebook", path=path.as_posix()))
    except KamError as exc:
        print(exc, file=sys.stderr)
        return 2
    bad = 0
    for target, state in results:
        if state == "written":
            print(t("course_assign.wrote", path=target.as_posix()))
        elif state in ("stale", "missing"):
            bad += 1
            print(t(f"course_assign.{state}", path=target.as_posix(), source=sources[target].as_posix()))
        elif state == "skipped":
            bad += 1
            print(t("course_assign.worked_in", path=target.as_posix()))
    up_to_date = sum(state == "up_to_date" for _, state in results)
    if up_to_date:
        print(t("course_assign.up_to_date", n=up_to_date))
    if bad and args.check:
        print(t("course_assign.stale_hint", folder=path.as_posix()))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

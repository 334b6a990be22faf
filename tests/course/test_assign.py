"""Learner versions from solved sources, their staleness check, and nbval proving both directions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kamlib import KamArgumentError
from kamlib.course import _notebooks
from kamlib.course._checking import MIME
from kamlib.course.assign import _strip_solutions, build_all, main, make_learner_version

ROOT = Path(__file__).resolve().parents[2]
WHERE = {"notebook": "x.ipynb", "cell": 3}

TINY_EXERCISE = '''
from kamlib.course import Exercise, ValueQuestion

EXERCISE = Exercise("tiny_ex", "Tiny", [
    ValueQuestion("q1", "answer_one", expected=42, solution="answer_one = 6 * 7", hints=["multiply"]),
    ValueQuestion("q2", "answer_two", expected="key", solution="answer_two = 'key'"),
])
'''


# --------------------------------------------------------------------------- the markers


@pytest.mark.parametrize(
    ("source", "learner"),
    [
        ("x = 6 * 7  # SOLUTION", "x = ...  # your answer here"),
        ("x = 6 * 7 #SOLUTION", "x = ...  # your answer here"),
        ("a, b = 1, 2  # SOLUTION", "a, b = ..., ...  # your answer here"),
        ("print(42)  # SOLUTION", "# your code here"),
        ("### BEGIN SOLUTION\nt = 6\nx = t * 7\n### END SOLUTION", "# your code here"),
        ("### BEGIN SOLUTION\nt = 6\n### END SOLUTION\nx = t * 7  # SOLUTION",
         "# your code here\nx = ...  # your answer here"),
        ("### BEGIN SOLUTION\nx = {1: 2,  # SOLUTION\n     3: 4}\n### END SOLUTION",
         "# your code here\nx = ...  # your answer here"),
        ("def f(v):\n    ### BEGIN SOLUTION\n    return v * 2\n    ### END SOLUTION\n\ny = f(1)",
         "def f(v):\n    # your code here\n    ...\n\ny = f(1)"),
        ("# begin solution\nx = 1\n# end solution", "# your code here"),  # any number of '#', any case
        ("x == 1  # SOLUTION", "# your code here"),  # a comparison is not an assignment
        ("y = 1\nz = 2", "y = 1\nz = 2"),
        # an open question's model answer: an empty text to write in, so every question has its stub
        ('### BEGIN SOLUTION\nplan = """\nCall C001 monthly.\n"""\n### END SOLUTION',
         '# write your answer as text between the triple quotes\nplan = """\n\n"""'),
    ],
)
def test_solution_markers(source, learner):
    assert _strip_solutions(source, WHERE)[0] == learner
    compile(learner, "<learner>", "exec")  # still valid Python


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("### BEGIN SOLUTION\nx = 1", "x.ipynb, cell 3: '### BEGIN SOLUTION' on line 1 has no '### END SOLUTION'"),
        ("x = 1\n### END SOLUTION", "x.ipynb, cell 3: '### END SOLUTION' on line 2 has no '### BEGIN SOLUTION'"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION",
         "x.ipynb, cell 3: '### BEGIN SOLUTION' on line 2 is inside another solution block"),
    ],
)
def test_unbalanced_markers_name_the_cell_and_line(source, message):
    with pytest.raises(KamArgumentError, match=re.escape(message)):
        _strip_solutions(source, WHERE)


# --------------------------------------------------------------------------- a solved fixture notebook


def check_output(qid, status="correct", text=None, reference=False):
    symbol = {"correct": "✓", "wrong": "✗", "not_attempted": "–", "open": "?"}[status]
    words = {"correct": "correct.", "not_attempted": f"not attempted yet — put your answer in "
             f"`{ {'q1': 'answer_one', 'q2': 'answer_two'}[qid] }` and run this cell again."}
    out = new_output("display_data", data={
        "text/plain": text or f"{symbol} {qid}: {words.get(status, '…')}",
        MIME: {"exercise": "tiny_ex", "question": qid, "status": status},
    })
    if reference:
        out.metadata["kamlib"] = {"reference": True}
    return out


def cell(factory, cid, source, count=None, outputs=(), tags=(), **metadata):
    c = factory(source)
    c.id = cid
    if factory is new_code_cell:
        c.execution_count = count
        c.outputs = list(outputs)
    if tags:
        c.metadata["tags"] = list(tags)
    c.metadata.update(metadata)
    return c


def solved_notebook():
    timing = {"execution": {"iopub.status.busy": "2026-01-01T00:00:00Z"}}
    nb = new_notebook(cells=[
        cell(new_markdown_cell, "intro", "# Tiny exercise"),
        cell(new_code_cell, "setup", 'from kamlib.course import exercise\nex = exercise("tiny_ex", globals())', 1),
        cell(new_code_cell, "q1-answer", "answer_one = 6 * 7  # SOLUTION", 2, **timing),
        cell(new_code_cell, "q1-check", "ex.q1.check()", 3, [check_output("q1")]),
        cell(new_code_cell, "q1-help", "# ex.q1.hint()\n# ex.q1.solution()", 4),
        cell(new_code_cell, "q2-answer",
             '### BEGIN SOLUTION\nhelper = "k" + "ey"\nanswer_two = helper  # SOLUTION\nprint("secret")\n'
             "### END SOLUTION", 5, [new_output("stream", name="stdout", text="secret\n")]),
        cell(new_code_cell, "q2-check", "ex.q2.check()", 6, [check_output("q2")]),
        cell(new_markdown_cell, "model", "A model answer with hidden words.", tags=["solution"]),
        cell(new_code_cell, "extra", "hidden_extra = 41 + 1", 7, tags=["solution", "keep-me"]),
    ])
    nb.metadata.update({
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "widgets": {"application/vnd.jupyter.widget-state+json": {}},
    })
    return nb


@pytest.fixture
def course(tmp_path):
    """A course folder: exercises/solved/01_tiny.ipynb, and the tiny exercise module importable."""
    folder = tmp_path / "exercises"
    (folder / "solved").mkdir(parents=True)
    nbformat.write(solved_notebook(), folder / "solved" / "01_tiny.ipynb")
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "tiny_ex.py").write_text(TINY_EXERCISE, encoding="utf-8")
    return folder


def by_id(nb):
    return {c.id: c for c in nb.cells}


def test_learner_version_has_no_solutions_and_no_verdicts(course):
    out = course / "01_tiny.ipynb"
    learner = make_learner_version(course / "solved" / "01_tiny.ipynb", out)
    text = out.read_text(encoding="utf-8")
    for secret in ("6 * 7", "helper", "secret", "hidden", '"k" + "ey"', "2026-01-01"):
        assert secret not in text, secret
    cells = by_id(learner)
    assert cells["q1-answer"].source == "answer_one = ...  # your answer here"
    assert cells["q2-answer"].source == "# your code here\nanswer_two = ...  # your answer here"
    assert cells["extra"].source == "# your code here"
    assert cells["model"].source == "*Write your answer here.*"
    for cid in ("q1-answer", "q2-answer", "extra"):
        assert cells[cid].outputs == [] and cells[cid].execution_count is None, cid
        assert "nbval-ignore-output" in cells[cid].metadata["tags"]
    assert cells["extra"].metadata["tags"] == ["keep-me", "nbval-ignore-output"]
    assert "tags" not in cells["model"].metadata
    assert "execution" not in cells["q1-answer"].metadata
    # check cells: no verdict at all until the learner runs them (no "✓ q1: correct." shipped)
    for cid in ("q1-check", "q2-check"):
        assert cells[cid].outputs == [] and cells[cid].execution_count is None, cid
        assert "nbval-ignore-output" not in cells[cid].metadata.get("tags", [])
    # untouched cells and clean metadata
    assert cells["setup"].source.endswith('exercise("tiny_ex", globals())') and cells["setup"].execution_count == 1
    assert [c.id for c in learner.cells] == [c.id for c in solved_notebook().cells]
    assert set(learner.metadata) == {"kernelspec", "language_info", "kamlib"}
    assert learner.metadata["kamlib"] == {"learner_version_of": "solved/01_tiny.ipynb"}
    nbformat.validate(nbformat.read(out, as_version=4))
    assert _notebooks.stored_results(json.loads(text)) == {}
    assert "✓" not in text


def test_a_check_may_not_share_a_cell_with_a_solution(tmp_path):
    nb = new_notebook(cells=[new_code_cell('ex = exercise("tiny_ex", globals())'),
                             new_code_cell("x = 1  # SOLUTION\nex.q1.check()")])
    nbformat.write(nb, tmp_path / "bad.ipynb")
    with pytest.raises(KamArgumentError, match="bad.ipynb, cell 2: a check .* must have a cell of its own"):
        make_learner_version(tmp_path / "bad.ipynb")


def test_build_all_and_the_staleness_check(course, capsys):
    assert build_all(course) == [(course / "01_tiny.ipynb", "written")]
    assert build_all(course) == [(course / "01_tiny.ipynb", "up_to_date")]
    assert main([str(course), "--check"]) == 0
    assert capsys.readouterr().out == "1 learner version(s) up to date\n"
    # the source changes: the committed learner version is now stale
    solved = course / "solved" / "01_tiny.ipynb"
    nb = nbformat.read(solved, as_version=4)
    nb.cells[0].source = "# Tiny exercise, reworded"
    nbformat.write(nb, solved)
    capsys.readouterr()
    assert main([str(course), "--check"]) == 1
    out = capsys.readouterr().out
    assert f"{course.as_posix()}/01_tiny.ipynb is out of date with {course.as_posix()}/solved/01_tiny.ipynb" in out
    assert f"regenerate with: python -m kamlib.course.assign {course.as_posix()}" in out
    assert main([str(course)]) == 0
    assert main([str(course), "--check"]) == 0
    (course / "01_tiny.ipynb").unlink()
    assert build_all(course, check=True) == [(course / "01_tiny.ipynb", "missing")]
    assert not (course / "01_tiny.ipynb").exists()


def test_a_worked_in_learner_version_is_not_overwritten(course, capsys):
    build_all(course)
    target = course / "01_tiny.ipynb"
    nb = nbformat.read(target, as_version=4)
    by_id(nb)["q1-answer"].source = "answer_one = 42"
    by_id(nb)["q1-answer"].execution_count = 2
    nbformat.write(nb, target)
    worked = target.read_text(encoding="utf-8")
    assert build_all(course) == [(target, "skipped")]
    assert target.read_text(encoding="utf-8") == worked
    assert main([str(course)]) == 1
    assert "looks worked in (answers were run); not overwritten — use --force" in capsys.readouterr().out
    assert build_all(course, force=True) == [(target, "written")]


def test_single_notebook_and_errors(course, tmp_path, capsys):
    out = tmp_path / "elsewhere.ipynb"
    assert main([str(course / "solved" / "01_tiny.ipynb"), "-o", str(out)]) == 0
    assert nbformat.read(out, as_version=4).metadata["kamlib"] == {
        "learner_version_of": "exercises/solved/01_tiny.ipynb"}
    assert main([str(tmp_path / "nothing")]) == 2
    assert "nothing is not a notebook (.ipynb) or a folder" in capsys.readouterr().err
    (tmp_path / "empty" / "solved").mkdir(parents=True)
    assert main([str(tmp_path / "empty")]) == 2
    assert "no solved notebooks in" in capsys.readouterr().err


# --------------------------------------------------------------------------- the committed exercises


def test_committed_learner_versions_are_up_to_date():
    results = build_all(ROOT / "exercises", check=True)
    stale = [path.name for path, state in results if state != "up_to_date"]
    assert not stale, f"regenerate with: python -m kamlib.course.assign (stale: {stale})"
    assert {p.name for p, _ in results} == {p.name for p in (ROOT / "exercises").glob("*.ipynb")}


# --------------------------------------------------------------------------- nbval, both directions


def run_nbval(cwd, *args, env=None):
    """Run ``pytest --nbval`` in a subprocess; ``{(notebook, cell number): "PASSED" | "FAILED"}``."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-rA", "--color=no", "-p", "no:cacheprovider", *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )
    results = {}
    for line in proc.stdout.splitlines():
        match = re.match(r"(PASSED|FAILED) (\S+\.ipynb)::Cell (\d+)", line)
        if match:
            results[(match.group(2), int(match.group(3)))] = match.group(1)
    return results, proc.stdout


def failed(results, notebook):
    return {cell for (nb, cell), outcome in results.items() if nb == notebook and outcome == "FAILED"}


def test_nbval_passes_the_solved_version_and_fails_the_unanswered_checks(course, tmp_path):
    build_all(course)
    # a learner's saved copy: q1 answered right; q2 checked before answering, then saved — its
    # stored "not attempted" would match a re-run under plain nbval; the plugin judges it anyway
    copy = nbformat.read(course / "01_tiny.ipynb", as_version=4)
    cells = by_id(copy)
    cells["q1-answer"].source = "answer_one = 42"
    cells["q1-answer"].execution_count = 2
    cells["q2-check"].outputs = [check_output("q2", "not_attempted")]
    nbformat.write(copy, tmp_path / "anna_01.ipynb")
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "lib")}

    results, log = run_nbval(tmp_path, "-p", "kamlib.course.nbval_plugin", "exercises/solved/01_tiny.ipynb",
                             "exercises/01_tiny.ipynb", "anna_01.ipynb", env=env)
    # code cells: 0 setup, 1 q1 answer, 2 q1 check, 3 q1 help, 4 q2 answer, 5 q2 check, 6 extra
    for notebook, expected in (("exercises/solved/01_tiny.ipynb", set()),  # every check passes
                               ("exercises/01_tiny.ipynb", {2, 5}),  # exactly the unanswered checks
                               ("anna_01.ipynb", {5})):  # q1 answered right, q2 not
        assert len([k for k in results if k[0] == notebook]) == 7, log
        assert failed(results, notebook) == expected, (notebook, log)
    assert "anna_01.ipynb (tiny_ex): done q1 — not yet q2" in log
    assert "exercises/01_tiny.ipynb (tiny_ex): done none — not yet q1 q2" in log


def test_fresh_learner_versions_show_no_verdict():
    """A learner opening an exercise as shipped sees no ✓ / ✗ / – under any check cell."""
    for path in sorted((ROOT / "exercises").glob("*.ipynb")):
        nb = _notebooks.read(path)
        checks = list(_notebooks.check_cells(nb))
        assert checks, path.name
        for index, _, qids in checks:
            cell = nb["cells"][index]
            assert cell["outputs"] == [] and cell["execution_count"] is None, (path.name, qids)
        outputs = json.dumps([c.get("outputs", []) for c in nb["cells"]], ensure_ascii=False)
        assert "✓" not in outputs and MIME not in outputs, path.name


def test_every_stored_check_in_the_solved_versions_is_correct():
    """nbval only compares with what is stored: a solved notebook stored with a ✗ would "pass" forever.

    So the stored verdict of every automatic check in exercises/solved/ must be ✓ (open questions: ?).
    """
    import json

    bad = []
    for path in sorted((ROOT / "exercises" / "solved").glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for out in cell.get("outputs", []):
                record = out.get("data", {}).get("application/vnd.kamlib.check+json")
                if record and record.get("status") not in ("correct", "open"):
                    bad.append(f"{path.name} {record.get('question')}: {record.get('status')}")
    assert not bad, "solved versions stored with a verdict other than correct: " + "; ".join(bad)

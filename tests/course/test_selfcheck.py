"""The learner's self-check command and the data an exercise is checked against (SEED / DATA)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import kamlib
from kamlib import KamArgumentError
from kamlib.course import exercise
from kamlib.course.exercises.ex00_warmup import warmup_sales
from kamlib.course.selfcheck import main

ROOT = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------- SEED and DATA


def test_seed_binds_a_personal_variant_and_says_so():
    ns: dict = {}
    shared = exercise("03_abc_xyz", ns)
    mine = exercise("03_abc_xyz", ns, seed=7)
    assert "shared sample company" in shared.source and "SEED = 7" in mine.source
    assert "Answers are checked against your personal sample company, SEED = 7." in repr(mine)
    variant = kamlib.load_sample(seed=7)
    assert mine.data.orders.equals(variant.orders)
    # an answer right for the variant is right under SEED = 7 — and not for the shared data
    ns["n_down"] = int((kamlib.class_migration(variant.orders, "2024", "2025").clients["abc_change"] == "down").sum())
    shared_answer = int((kamlib.class_migration(shared.data.orders, "2024", "2025").clients["abc_change"]
                         == "down").sum())
    assert ns["n_down"] != shared_answer  # the test means something only if the two differ
    assert mine.q5.result().status == "correct"
    assert shared.q5.result().status == "wrong"
    # the seed of the committed data is the shared data
    assert exercise("03_abc_xyz", {}, seed=kamlib.SAMPLE_SEED).source == shared.source


def test_the_old_personal_dataset_line_is_not_a_silent_wrong_mark():
    """`data = kamlib.load_sample(seed=7)` typed below the set-up (the old TRAINER.md advice) does not change
    what the checks use; a wrong mark then says so and how to set SEED instead."""
    ns: dict = {}
    ex = exercise("03_abc_xyz", ns)
    ns["data"] = ex.data
    ns["n_down"] = -1
    assert "Note:" not in ex.q5.result().detail  # the notebook's own data: an ordinary message
    ns["data"] = kamlib.load_sample(seed=7)
    detail = ex.q5.result().detail
    assert "`data` in this notebook is not the data the checks use" in detail and "SEED = 7" in detail


def test_data_folder_is_found_from_the_notebook_or_the_course_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bound = exercise("03_abc_xyz", {}, folder="data")  # not here: found in the course folder
    assert bound.source == "the course's shared sample company (data/)"
    with pytest.raises(KamArgumentError, match=r'DATA = "no_such_folder": there is no such folder.*DATA = None'):
        exercise("03_abc_xyz", {}, folder="no_such_folder")
    with pytest.raises(KamArgumentError, match="either SEED .* or DATA"):
        exercise("03_abc_xyz", {}, folder="data", seed=7)
    with pytest.raises(KamArgumentError, match="SEED = 'seven': give a whole number"):
        exercise("03_abc_xyz", {}, seed="seven")


# --------------------------------------------------------------------------- the command


def _answer(nb, var: str, code: str) -> None:
    """Put ``code`` in the learner's answer cell of ``var`` (its stub: ``var = ...`` or an empty text)."""
    for cell in nb.cells:
        if cell.cell_type == "code" and re.search(rf'^{var} = (\.\.\.|""")', cell.source, re.M):
            cell.source = code
            return
    raise AssertionError(f"no answer cell for {var}")


def _run(*paths) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kamlib.course.selfcheck", *map(str, paths)],
                          capture_output=True, text=True, timeout=240, cwd=ROOT)


def test_check_command_on_a_partly_answered_copy_kept_elsewhere(tmp_path):
    """Run as a learner would: a copy in another folder, one answer right, one wrong, one open, the rest
    left; then the same copy with every answered question right."""
    nb = nbformat.read(ROOT / "exercises" / "00_warmup.ipynb", as_version=4)
    sales = warmup_sales()  # the notebook's own table
    totals = sales.groupby("client_id")["revenue"].sum()
    _answer(nb, "top_share", f"top_share = {float(totals.max() / totals.sum())!r}")  # right: worked out here
    _answer(nb, "advice", 'advice = "a"')  # wrong
    _answer(nb, "own_method", 'own_method = """Quarterly reviews with the buyer."""')  # open
    _answer(nb, "client_class", "client_class = shares_of_q2")  # a cell that stops with an error
    copy = tmp_path / "my_copy.ipynb"
    nbformat.write(nb, copy)

    proc = _run(copy)
    lines = proc.stdout.splitlines()
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert lines[0] == f"{copy.as_posix()} — Exercise 00_warmup — Warm-up: who are the key clients in a small sales table?"
    assert lines[1] == "  checked against: the data given to exercise(data=...)"
    assert lines[2] == "  ✓ q1  correct."
    assert lines[3] == "  – q2  not attempted yet (your answer goes in `by_client`)"
    assert lines[4] == ("  – q3  not attempted yet (your answer goes in `client_class`) — one of its cells stopped "
                        "with NameError: name 'shares_of_q2' is not defined; fix that cell and check again")
    assert lines[5].startswith("  ✗ q4  not right yet — 'a' is not the best answer")
    assert lines[6] == "  – q5  not attempted yet (your answer goes in `matches`)"
    assert lines[7].startswith("  ? q6  open answer to review")
    assert lines[8] == "  1 of 5 questions right · 1 to fix · 3 not attempted · 1 open answer(s) to review"
    assert len(lines) == 9
    assert "passed" not in proc.stdout and "Traceback" not in proc.stdout + proc.stderr  # no pytest report

    nb = nbformat.read(ROOT / "exercises" / "00_warmup.ipynb", as_version=4)
    _answer(nb, "top_share", f"top_share = {float(totals.max() / totals.sum())!r}")
    _answer(nb, "advice", 'advice = "c"')  # now right too
    _answer(nb, "own_method", 'own_method = """Quarterly reviews with the buyer."""')
    nbformat.write(nb, copy)
    proc = _run(copy)
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.splitlines()[-1] == "  2 of 5 questions right · 3 not attempted · 1 open answer(s) to review"


def test_check_command_reports_what_it_cannot_check(tmp_path, capsys):
    assert main([str(tmp_path / "missing.ipynb")]) == 2
    assert f"not checked: there is no file {(tmp_path / 'missing.ipynb').as_posix()}" in capsys.readouterr().out
    plain = tmp_path / "notes.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]), plain)
    assert main([str(tmp_path)]) == 2  # a folder: every notebook in it
    assert "is not an exercise notebook" in capsys.readouterr().out


def test_workbook_has_the_check_command():
    text = (ROOT / "workbook.py").read_text(encoding="utf-8")
    assert '"check": check' in text and "kamlib.course.selfcheck" in text
    # the one command every notebook and guide gives
    for path in [*sorted((ROOT / "exercises").glob("*.ipynb")), ROOT / "exercises" / "README.md",
                 ROOT / "README.md", ROOT / "TRAINER.md", ROOT / "notebooks" / "00_start_here.ipynb"]:
        body = path.read_text(encoding="utf-8")
        assert "python3 workbook.py check" in body, path.name
        assert "pytest --nbval exercises" not in body, path.name


def test_every_exercise_notebook_has_the_same_set_up():
    for path in sorted((ROOT / "exercises" / "solved").glob("[0-9][0-9]_*.ipynb")):
        if path.name.startswith("00_"):
            continue  # the warm-up's own small table
        cells = nbformat.read(path, as_version=4).cells
        params = [c for c in cells if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1, path.name
        assert re.search(r"^SEED = None\b", params[0].source, re.M) and re.search(r"^DATA = None\b",
                                                                                params[0].source, re.M)
        assert any(f'exercise("{path.stem}", globals(), seed=SEED, folder=DATA, columns=COLUMNS)' in c.source
                   for c in cells), path.name


def test_every_question_has_a_stub_and_says_what_it_needs():
    """A learner version has an answer stub for every question (``var = ...``, or empty triple quotes for an
    open answer), and every question's text names the function or primer section it needs."""
    from kamlib.course._checking import load_exercise

    notebooks = [*sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb")),
                 ROOT / "notebooks" / "00_using_python_and_pandas.ipynb"]
    for path in notebooks:
        cells = nbformat.read(path, as_version=4).cells
        code = "\n".join(c.source for c in cells if c.cell_type == "code")
        ex_id = re.search(r'exercise\("(\w+)"', code).group(1)
        for q in load_exercise(ex_id).questions:
            assert re.search(rf'^{q.var} = (\.\.\.|""")', code, re.M), (path.name, q.id)
        if path.parent.name == "exercises":
            headings = [c.source for c in cells if c.cell_type == "markdown" and re.match(r"## q\d", c.source)]
            assert len(headings) == len(load_exercise(ex_id).questions), path.name
            assert all("*You need:*" in h for h in headings), path.name
        else:  # the primer: each try-it names its sections
            tries = [c.source for c in cells if c.cell_type == "markdown" and c.source.startswith("**Try it")]
            assert len(tries) == 6 and all("*Needs section" in h for h in tries)

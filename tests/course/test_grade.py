"""The trainer's class table from a folder of learners' notebooks: what counts, what is shown, what is written."""

from __future__ import annotations

import csv
import json
import os

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from kamlib import KamArgumentError
from kamlib.course._checking import MIME
from kamlib.course.grade import class_report, clean_name, find_notebooks, grade_folder, main, render

SETUP = 'from kamlib.course import exercise\nex = exercise("00_warmup", globals())'
QUESTIONS = [f"00_warmup:q{i}" for i in range(1, 7)]


def check_output(qid, status, reference=False, exercise="00_warmup"):
    out = new_output("display_data", data={
        "text/plain": f"{qid}: {status}", MIME: {"exercise": exercise, "question": qid, "status": status}})
    if reference:
        out.metadata["kamlib"] = {"reference": True}
    return out


def notebook(path, checks, setup=SETUP):
    """A saved exercise notebook: a setup cell, then one check cell per (qid, outputs)."""
    cells = [new_code_cell(setup, execution_count=1)]
    for n, (qid, outputs) in enumerate(checks, 2):
        cells.append(new_code_cell(f"ex.{qid}.check()", execution_count=n, outputs=list(outputs)))
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(new_notebook(cells=cells), path)


@pytest.fixture
def classroom(tmp_path):
    room = tmp_path / "class"
    # anna: one folder per learner; q4 still holds the solved output the learner version ships with
    notebook(room / "anna" / "00_warmup.ipynb", [
        ("q1", [check_output("q1", "correct")]), ("q2", [check_output("q2", "wrong")]),
        ("q3", [check_output("q3", "not_attempted")]), ("q4", [check_output("q4", "correct", reference=True)]),
        ("q5", []), ("q6", [check_output("q6", "open")])])
    notebook(room / "anna" / "scratch.ipynb", [], setup="1 + 1")
    # ben: a flat file and a second copy in a folder of his name; the best status counts
    notebook(room / "ben_00.ipynb", [(f"q{i}", [check_output(f"q{i}", "correct")]) for i in range(1, 6)]
             + [("q6", [check_output("q6", "not_attempted")])])
    notebook(room / "ben" / "00_warmup_v2.ipynb", [("q6", [check_output("q6", "open")]),
                                                   ("q1", [check_output("q1", "wrong")])])
    # cara smith: checked q1 twice, the later run counts
    notebook(room / "cara_smith_00_warmup.ipynb", [("q1", [check_output("q1", "wrong")]),
                                                   ("q1", [check_output("q1", "correct")])])
    # dan: only a broken file; notes.ipynb: whose?; a checkpoint: ignored
    (room / "dan").mkdir()
    (room / "dan" / "broken.ipynb").write_text("{not json", encoding="utf-8")
    notebook(room / "notes.ipynb", [])
    notebook(room / "anna" / ".ipynb_checkpoints" / "00_warmup-checkpoint.ipynb",
             [("q5", [check_output("q5", "correct")])])
    return room


DETAIL = pd.DataFrame(
    [
        ["✓", "✗", "–", "–", "–", "?", 1],  # anna: q4's stored output is the reference, not hers
        ["✓", "✓", "✓", "✓", "✓", "?", 5],  # ben: best of both notebooks
        ["✓", "–", "–", "–", "–", "–", 1],  # cara_smith
        ["–", "–", "–", "–", "–", "–", 0],  # dan: a row, though nothing readable
    ],
    index=pd.Index(["anna", "ben", "cara_smith", "dan"], name="learner"),
    columns=[*QUESTIONS, "correct"],
)
SUMMARY = pd.DataFrame(
    [["1/6", 1, 1], ["5/6", 5, 1], ["1/6", 1, 0], ["–", 0, 0]],
    index=DETAIL.index, columns=["00", "total", "review"],
)
NOTES = [
    "notes.ipynb: skipped — cannot tell the learner (use <learner>/<NN_topic>.ipynb or <learner>_<NN>.ipynb)",
    "anna/scratch.ipynb: skipped — not an exercise notebook (no exercise(...) call)",
    "dan/broken.ipynb: skipped — not a readable notebook (broken JSON near line 1)",
]


def test_compact_table_and_details_from_stored_outputs(classroom):
    table = class_report(classroom)
    pd.testing.assert_frame_equal(table, SUMMARY)
    assert table.attrs["notes"] == NOTES and table.attrs["flags"] == []
    pd.testing.assert_frame_equal(class_report(classroom, detail=True), DETAIL, check_dtype=False)


def test_both_layouts_are_found(classroom):
    found, notes, flags = find_notebooks(classroom)
    assert [(learner, p.relative_to(classroom).as_posix()) for learner, p in found] == [
        ("anna", "anna/00_warmup.ipynb"),
        ("anna", "anna/scratch.ipynb"),
        ("ben", "ben/00_warmup_v2.ipynb"),
        ("ben", "ben_00.ipynb"),
        ("cara_smith", "cara_smith_00_warmup.ipynb"),
        ("dan", "dan/broken.ipynb"),
    ]
    assert notes == NOTES[:1] and flags == []


def test_command_prints_the_table_and_writes_csv_and_html_only_when_allowed(classroom, tmp_path, capsys):
    out_csv, out_html = tmp_path / "class.csv", tmp_path / "class.html"
    assert main([str(classroom), "--csv", str(out_csv), "--html", str(out_html)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(SUMMARY.to_string())
    assert "N/M: correct answers out of the exercise's questions" in out
    assert "Skipped:\n  " + "\n  ".join(NOTES) in out
    assert out.endswith(f"wrote {out_csv}\nwrote {out_html}\n")
    # the LMS file: one column per exercise, points = correct answers; empty where nothing was handed in
    with out_csv.open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh)) == [["learner", "00_warmup", "total"], ["anna", "1", "1"], ["ben", "5", "5"],
                                         ["cara_smith", "1", "1"], ["dan", "", "0"]]
    page = out_html.read_text(encoding="utf-8")
    assert '<td class="full">' not in page and '<td class="part">5/6</td>' in page
    before = out_csv.read_bytes(), out_html.read_bytes()
    assert main([str(classroom), "--csv", str(out_csv)]) == 3
    assert capsys.readouterr().err == f"{out_csv.as_posix()} exists; not overwritten — use --force to replace it\n"
    assert (out_csv.read_bytes(), out_html.read_bytes()) == before
    (classroom / "ben_00.ipynb").unlink()
    assert main([str(classroom), "-o", str(out_csv), "--force"]) == 0
    with out_csv.open(encoding="utf-8-sig", newline="") as fh:
        assert list(csv.reader(fh))[2] == ["ben", "0", "0"]


def test_details_option_and_errors(classroom, tmp_path, capsys):
    assert main([str(classroom), "--details"]) == 0
    assert capsys.readouterr().out.startswith(DETAIL.to_string())
    with pytest.raises(KamArgumentError, match="nowhere is not a folder"):
        class_report(tmp_path / "nowhere")
    assert main([str(tmp_path / "nowhere")]) == 2
    assert "nowhere is not a folder" in capsys.readouterr().err
    assert main([str(classroom), "--no-such-option"]) == 2
    assert main([str(classroom), "--csv", str(tmp_path / "missing" / "x.csv")]) == 2
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main([str(empty)]) == 0
    assert capsys.readouterr().out.startswith(f"no exercise notebooks found in {empty.as_posix()}\n")


def test_control_characters_are_removed_from_printed_names():
    assert clean_name("eve\x1b[31m\x07\u202eX") == "eve[31mX"
    assert clean_name("\x1b") == "?"


# ------------------------------------------------------------------ a hostile class folder


PROBE = "kam_grade_probe_module"


@pytest.fixture
def hostile(tmp_path, monkeypatch):
    """A class folder built to fool the grader; every trick is one learner."""
    from kamlib.course.grade import COURSE

    room = tmp_path / "class"
    outside = tmp_path / "outside"
    outside.mkdir()
    # a module the default mode must never import: importing it leaves a marker file
    marker = tmp_path / "imported.txt"
    (tmp_path / f"{PROBE}.py").write_text(f"open({str(marker)!r}, 'w').write('imported')\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    # honest: q1 and q2 right
    notebook(room / "honest" / "00_warmup.ipynb", [("q1", [check_output("q1", "correct")]),
                                                   ("q2", [check_output("q2", "correct")])])
    # names its own "exercise": would be imported by exercise(); its records claim correct
    notebook(room / "mallory" / "00_warmup.ipynb", [("q1", [check_output("q1", "correct", exercise=PROBE)])],
             setup=f'from kamlib.course import exercise\nex = exercise("{PROBE}", globals())')
    # hands in the shipped solved notebook (with its stored ✓ outputs)
    (room / "sol").mkdir(parents=True)
    (room / "sol" / "00_warmup.ipynb").write_bytes((COURSE / "exercises" / "solved" / "00_warmup.ipynb").read_bytes())
    # forged records: an invented question, a record in a cell that is not a check cell, another exercise's q1
    nb = new_notebook(cells=[
        new_code_cell(SETUP, outputs=[check_output("q2", "correct")]),
        new_code_cell("ex.q1.check()", outputs=[check_output("q9", "correct"),
                                                check_output("q1", "correct", exercise="03_abc_xyz")]),
        new_code_cell("ex.q3.check()", outputs=[check_output("q3", "finished")]),
    ])
    (room / "forger").mkdir()
    nbformat.write(nb, room / "forger" / "00_warmup.ipynb")
    # pasted the solved version's marked cell for q1 (its check ✓ does not count), answered q2 herself
    nb = new_notebook(cells=[
        new_code_cell(SETUP),
        new_code_cell('### BEGIN SOLUTION\ntotals = sales.groupby("client_id")["revenue"].sum()\n### END SOLUTION\n'
                      'top_share = totals.max() / totals.sum()  # SOLUTION'),
        new_code_cell("ex.q1.check()", outputs=[check_output("q1", "correct")]),
        new_code_cell("by_client = ..."),
        new_code_cell("ex.q2.check()", outputs=[check_output("q2", "correct")]),
    ])
    (room / "paster").mkdir()
    nbformat.write(nb, room / "paster" / "00_warmup.ipynb")
    # symbolic links: a file outside, a folder outside, another learner's file
    notebook(outside / "00_warmup.ipynb", [(f"q{i}", [check_output(f"q{i}", "correct")]) for i in range(1, 7)])
    (room / "linker").mkdir()
    (room / "linker" / "00_warmup.ipynb").symlink_to(outside / "00_warmup.ipynb")
    (room / "folderlink").symlink_to(outside, target_is_directory=True)
    (room / "copycat").mkdir()
    (room / "copycat" / "00_warmup.ipynb").symlink_to(room / "honest" / "00_warmup.ipynb")
    # malformed notebooks of all kinds, and a learner with nothing else
    bad = room / "broken"
    bad.mkdir()
    (bad / "a_json.ipynb").write_text('{"cells": [', encoding="utf-8")
    (bad / "b_list.ipynb").write_text("[1, 2, 3]", encoding="utf-8")
    (bad / "c_cells.ipynb").write_text('{"cells": [1, "x"]}', encoding="utf-8")
    (bad / "d_source.ipynb").write_text('{"cells": [{"cell_type": "code", "source": 5}]}', encoding="utf-8")
    (bad / "e_outputs.ipynb").write_text(
        '{"cells": [{"cell_type": "code", "source": "ex.q1.check()", "outputs": {"a": 1}}]}', encoding="utf-8")
    (bad / "f_bytes.ipynb").write_bytes(b'{"cells": "\xff\xfe"}')
    (bad / "g_deep.ipynb").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    os.mkfifo(bad / "h_fifo.ipynb")  # reading it would wait forever
    # names a spreadsheet or a terminal would act on
    notebook(room / "=HYPERLINK(1)_00.ipynb", [("q1", [check_output("q1", "correct")])])
    notebook(room / "-2+3" / "00_warmup.ipynb", [("q2", [check_output("q2", "correct")])])
    notebook(room / "eve\x1b[2J\x1b]0;pwned\x07" / "00_warmup.ipynb", [("q1", [check_output("q1", "wrong")])])
    notebook(room / "<img src=x onerror=alert(1)>" / "00_warmup.ipynb", [("q1", [check_output("q1", "correct")])])
    return room, marker


def test_a_hostile_class_folder_is_graded_without_trusting_it(hostile, tmp_path, capsys):
    room, marker = hostile
    out_csv, out_html = tmp_path / "out.csv", tmp_path / "out.html"
    assert main([str(room), "--csv", str(out_csv), "--html", str(out_html)]) == 0
    printed = capsys.readouterr().out
    assert not marker.exists(), "a module named by a submission was imported"
    import sys

    assert PROBE not in sys.modules
    assert "\x1b" not in printed and "\x07" not in printed

    grades = grade_folder(room)
    points = grades.points().rename(index=grades.names)["00_warmup"]
    assert points["honest"] == 2
    assert points["paster"] == 1  # q2 counts, the pasted q1 does not
    assert points["forger"] == 0  # none of the four records is a real question's, in its check cell
    assert points["=HYPERLINK(1)"] == 1 and points["-2+3"] == 1 and points["<img src=x onerror=alert(1)>"] == 1
    assert points["eve[2J]0;pwned"] == 0
    for name in ("mallory", "sol", "linker", "folderlink", "copycat", "broken"):
        assert pd.isna(points[name]), name  # nothing counted
    flagged = grades.flagged.rename(index=grades.names)["00_warmup"]
    assert flagged[["sol", "forger", "paster"]].all() and not flagged["honest"]  # mallory: no course exercise, a line below
    flags = "\n".join(grades.flags)
    assert f'mallory/00_warmup.ipynb: names exercise "{PROBE}", which is not one of the course\'s' in flags
    assert "sol/00_warmup.ipynb: identical to the shipped solved notebook of 00_warmup" in flags
    assert "forger/00_warmup.ipynb: 4 check record(s)" in flags
    assert "paster/00_warmup.ipynb: 00_warmup:q1 answered with the solved version's marked solution cells" in flags
    assert "linker/00_warmup.ipynb: a symbolic link leading outside the class folder" in flags
    assert "folderlink: a symbolic link leading outside the class folder" in flags
    assert "copycat/00_warmup.ipynb: a symbolic link to another file of the class folder" in flags
    notes = "\n".join(grades.notes)
    for name, why in [("a_json", "not a readable notebook (broken JSON near line 1)"), ("b_list", "not shaped like a notebook"),
                      ("c_cells", "not shaped like a notebook"), ("d_source", "not shaped like a notebook"),
                      ("e_outputs", "not shaped like a notebook"), ("f_bytes", "not UTF-8 text"),
                      ("g_deep", "not shaped like a notebook"), ("h_fifo", "not a regular file")]:
        assert f"broken/{name}.ipynb: skipped — {why}" in notes
    # the summary: flagged exercises carry "!", links give a row with nothing counted
    summary = class_report(room).loc[["honest", "sol", "paster", "linker"], "00"].tolist()
    assert summary == ["2/6", "!", "1/6!", "–"]
    # CSV: formulas as text, one column per exercise
    with out_csv.open(encoding="utf-8-sig", newline="") as fh:
        rows = {row[0]: row[1:] for row in csv.reader(fh)}
    assert rows["learner"] == ["00_warmup", "total"]
    assert rows["'=HYPERLINK(1)"] == ["1", "1"] and rows["'-2+3"] == ["1", "1"]
    assert rows["sol"] == ["", "0"]
    assert not any(name[:1] in "=+-@" for name in rows)
    page = out_html.read_text(encoding="utf-8")
    assert "<img src=x onerror=alert(1)>" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page and "\x1b" not in page


# ------------------------------------------------------------------ --execute


def learner_copy(solved: dict) -> dict:
    """A solved notebook as a learner would hand it in: markers gone, own outputs removed."""
    nb = json.loads(json.dumps(solved))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        lines = [line.replace("  # SOLUTION", "") for line in src.splitlines()
                 if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line]
        cell["source"] = "\n".join(lines)
        cell["outputs"] = []
    return nb


def test_execute_reruns_the_notebooks_instead_of_trusting_them(tmp_path):
    room = tmp_path / "class"
    room.mkdir()
    cells = [
        new_code_cell(SETUP.replace("globals())", "globals(), data=sales)").replace(
            "ex =", 'import pandas as pd\nsales = pd.DataFrame({"client_id": ["A", "B"], "month": ["2024-01"] * 2, '
            '"revenue": [380, 620]})\nex ='), execution_count=1),
        new_code_cell("top_share = 0.2", execution_count=2),  # wrong: 620 / 1000 = 0.62
        new_code_cell("ex.q1.check()", execution_count=3, outputs=[check_output("q1", "correct")]),  # a stale claim
        new_code_cell('advice = "c"', execution_count=4),
        new_code_cell("ex.q4.check()", execution_count=5),
        new_code_cell("undefined_name", execution_count=6),  # an error does not stop the run
        new_code_cell("ex.q2.check()", execution_count=7),
    ]
    nbformat.write(new_notebook(cells=cells), room / "eve_00.ipynb")
    slow = [new_code_cell(SETUP), new_code_cell("import time\ntime.sleep(60)"), new_code_cell("ex.q4.check()")]
    nbformat.write(new_notebook(cells=slow), room / "finn_00.ipynb")
    before = (room / "eve_00.ipynb").read_bytes()

    stored = class_report(room, detail=True)
    assert stored.loc["eve"].tolist() == ["✓", "–", "–", "–", "–", "–", 1]
    executed = class_report(room, execute=True, timeout=8, detail=True)
    assert executed.loc["eve"].tolist() == ["✗", "–", "–", "✓", "–", "–", 1]
    assert executed.loc["finn"].tolist() == ["–"] * 6 + [0]
    assert executed.attrs["notes"] == [
        "eve_00.ipynb: 1 cell(s) raised an error (the first: cell 6); questions after that point count as not attempted",
        "finn_00.ipynb: stopped at the time limit of 8 s; questions after that point count as not attempted",
    ]
    assert (room / "eve_00.ipynb").read_bytes() == before  # learners' files are never modified


def test_execute_works_outside_the_course_folder_and_confines_the_run(tmp_path):
    """A solved 03 (reads ../data) in a class folder far from the course: every question ✓; the hostile one is contained."""
    import os
    import tempfile
    import time
    from pathlib import Path

    import psutil

    from kamlib.course.grade import COURSE

    room = tmp_path / "elsewhere" / "class"
    (room / "zoe").mkdir(parents=True)
    solved = json.loads((COURSE / "exercises" / "solved" / "03_abc_xyz.ipynb").read_text(encoding="utf-8"))
    (room / "zoe" / "03_abc_xyz.ipynb").write_text(json.dumps(learner_copy(solved)), encoding="utf-8")
    # a hostile submission: deletes a trainer file by absolute path, writes beside itself, leaves a daemon behind
    trainer_file = tmp_path / "trainer_notes.txt"
    trainer_file.write_text("keep me", encoding="utf-8")
    pids = Path(tempfile.mkdtemp(prefix="kam-grade-test-"))  # somewhere `nobody` may write
    os.chmod(pids, 0o777)
    evil = new_notebook(cells=[
        new_code_cell('from kamlib.course import exercise\nex = exercise("00_warmup", globals())'),
        new_code_cell(f"import os, subprocess\ntry:\n    os.remove({str(trainer_file)!r})\nexcept OSError:\n    pass\n"
                      "open('../../escape.txt', 'w').write('x')\nopen('escape.txt', 'w').write('x')\n"
                      "p = subprocess.Popen(['sleep', '300'], start_new_session=True)\n"
                      f"open({str(pids / 'daemon')!r}, 'w').write(str(p.pid))"),
    ])
    nbformat.write(evil, room / "mal_00.ipynb")
    started = time.monotonic()
    grades = grade_folder(room, execute=True, timeout=120)
    assert time.monotonic() - started < 90
    points = grades.points()
    assert points.at["zoe", "03_abc_xyz"] == 5, grades.notes  # q6 is an open answer: to review, not a point
    assert (grades.detail.loc["zoe", [f"03_abc_xyz:q{i}" for i in range(1, 6)]] == "correct").all()
    assert grades.detail.at["zoe", "03_abc_xyz:q6"] == "open"
    assert points.at["mal", "00_warmup"] == 0
    assert sorted(p.name for p in room.rglob("*")) == ["03_abc_xyz.ipynb", "mal_00.ipynb", "zoe"]
    assert not (room.parent / "escape.txt").exists()
    daemon = int((pids / "daemon").read_text())
    time.sleep(0.2)
    assert not psutil.pid_exists(daemon) or psutil.Process(daemon).status() == psutil.STATUS_ZOMBIE
    if os.geteuid() == 0:  # run as nobody: the trainer's file is out of reach
        assert trainer_file.read_text(encoding="utf-8") == "keep me"


def test_render_without_learners():
    import tempfile

    assert render(grade_folder(tempfile.mkdtemp())).startswith("N/M: correct answers")


def test_room_layout_grades_only_the_exercises_a_learner_touched(tmp_path):
    """A learner folder holding a course copy (as the room server makes it): only exercises/ is read,
    and an exercise notebook left as shipped is not handed in."""
    from kamlib.course.room import prepare_copy

    room = tmp_path / "class"
    for name in ("anna", "ben"):
        assert prepare_copy(room / name)
    assert not prepare_copy(room / "anna")  # made once, never replaced
    work = json.loads((room / "anna" / "exercises" / "00_warmup.ipynb").read_text(encoding="utf-8"))
    for cell in work["cells"]:
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if cell["cell_type"] == "code" and src.startswith("# your code here\ntop_share"):
            cell["source"] = "top_share = 150 + 130 + 100"  # a wrong answer (a sum, not a share)
        if cell["cell_type"] == "code" and src == "ex.q1.check()":
            cell["outputs"] = [check_output("q1", "wrong")]
    (room / "anna" / "exercises" / "00_warmup.ipynb").write_text(json.dumps(work), encoding="utf-8")
    grades = grade_folder(room)
    assert grades.exercises == ["00_warmup"]
    assert grades.summary()["00"].tolist() == ["0/6", "–"]
    assert grades.detail.at["anna", "00_warmup:q1"] == "wrong"
    assert grades.notes == [] and grades.flags == []


def test_kam_class_report_is_the_same_command(classroom, tmp_path, capsys):
    from kamlib import cli

    assert main([str(classroom), "--csv", str(tmp_path / "a.csv")]) == 0
    grade_out = capsys.readouterr().out
    assert cli.main(["class-report", str(classroom), "--csv", str(tmp_path / "b.csv")]) == 0
    kam_out = capsys.readouterr().out
    assert kam_out.replace("b.csv", "a.csv") == grade_out
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert cli.main(["class-report", str(classroom), "--csv", str(tmp_path / "b.csv")]) == 3  # exists: as grade
    assert main([str(classroom), "--csv", str(tmp_path / "b.csv")]) == 3

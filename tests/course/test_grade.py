"""The trainer's class table from a folder of learners' notebooks."""

from __future__ import annotations

import pandas as pd
import pytest
import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from kamlib import KamArgumentError
from kamlib.course._checking import MIME
from kamlib.course.grade import class_report, find_notebooks, main, render

SETUP = 'from kamlib.course import exercise\nex = exercise("00_warmup", globals())'
COLUMNS = [f"00_warmup:q{i}" for i in range(1, 7)] + ["correct"]


def check_output(qid, status, reference=False):
    out = new_output("display_data", data={
        "text/plain": f"{qid}: {status}", MIME: {"exercise": "00_warmup", "question": qid, "status": status}})
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


EXPECTED = pd.DataFrame(
    [
        ["✓", "✗", "–", "–", "–", "?", 1],  # anna: q4's stored output is the reference, not hers
        ["✓", "✓", "✓", "✓", "✓", "?", 5],  # ben: best of both notebooks
        ["✓", "–", "–", "–", "–", "–", 1],  # cara_smith
        ["–", "–", "–", "–", "–", "–", 0],  # dan: a row, though nothing readable
    ],
    index=pd.Index(["anna", "ben", "cara_smith", "dan"], name="learner"),
    columns=COLUMNS,
)
NOTES = [
    "notes.ipynb: skipped — cannot tell the learner (use <learner>/<NN_topic>.ipynb or <learner>_<NN>.ipynb)",
    "anna/scratch.ipynb: skipped — not an exercise notebook (no exercise(...) call)",
    "dan/broken.ipynb: skipped — not a readable notebook (JSONDecodeError)",
]


def test_class_table_from_stored_outputs(classroom):
    table = class_report(classroom)
    pd.testing.assert_frame_equal(table, EXPECTED)
    assert table.attrs["notes"] == NOTES


def test_both_layouts_are_found(classroom):
    found, notes = find_notebooks(classroom)
    assert [(learner, p.relative_to(classroom).as_posix()) for learner, p in found] == [
        ("anna", "anna/00_warmup.ipynb"),
        ("anna", "anna/scratch.ipynb"),
        ("ben", "ben/00_warmup_v2.ipynb"),
        ("ben", "ben_00.ipynb"),
        ("cara_smith", "cara_smith_00_warmup.ipynb"),
        ("dan", "dan/broken.ipynb"),
    ]
    assert notes == NOTES[:1]


def test_command_prints_the_table_and_writes_csv_only_when_allowed(classroom, tmp_path, capsys):
    csv = tmp_path / "class.csv"
    assert main([str(classroom), "-o", str(csv)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(EXPECTED.to_string())
    assert "✓ correct · ✗ wrong · – not attempted · ? open answer to review" in out
    assert "Notes:\n  " + "\n  ".join(NOTES) in out
    assert out.endswith(f"wrote {csv.as_posix()}\n")
    pd.testing.assert_frame_equal(pd.read_csv(csv, index_col="learner", encoding="utf-8-sig"), EXPECTED)
    before = csv.read_bytes()
    assert main([str(classroom), "-o", str(csv)]) == 2
    assert capsys.readouterr().err == f"{csv.as_posix()} exists; not overwritten — use --force to replace it\n"
    assert csv.read_bytes() == before
    (classroom / "ben_00.ipynb").unlink()
    assert main([str(classroom), "-o", str(csv), "--force"]) == 0
    assert pd.read_csv(csv, index_col="learner", encoding="utf-8-sig").loc["ben", "correct"] == 0


def test_missing_or_empty_folder(tmp_path, capsys):
    with pytest.raises(KamArgumentError, match="nowhere is not a folder"):
        class_report(tmp_path / "nowhere")
    assert main([str(tmp_path / "nowhere")]) == 2
    assert "nowhere is not a folder" in capsys.readouterr().err
    assert main([str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith(f"no exercise notebooks found in {tmp_path.as_posix()}\n")
    assert render(class_report(tmp_path)) == "✓ correct · ✗ wrong · – not attempted · ? open answer to review"


def test_execute_reruns_the_notebooks_instead_of_trusting_them(tmp_path):
    room = tmp_path / "class"
    room.mkdir()
    cells = [
        new_code_cell(SETUP, execution_count=1),
        new_code_cell("top_share = 0.2", execution_count=2),  # wrong: 380 / 1000 = 0.38
        new_code_cell("ex.q1.check()", execution_count=3, outputs=[check_output("q1", "correct")]),  # a stale claim
        new_code_cell('advice = "c"', execution_count=4),
        new_code_cell("ex.q4.check()", execution_count=5),
        new_code_cell("undefined_name", execution_count=6),  # an error does not stop the run
        new_code_cell("ex.q2.check()", execution_count=7),
    ]
    nbformat.write(new_notebook(cells=cells), room / "eve_00.ipynb")
    slow = [new_code_cell(SETUP), new_code_cell("import time\ntime.sleep(30)"), new_code_cell("ex.q4.check()")]
    nbformat.write(new_notebook(cells=slow), room / "finn_00.ipynb")
    before = (room / "eve_00.ipynb").read_bytes()

    stored = class_report(room)
    assert stored.loc["eve"].tolist() == ["✓", "–", "–", "–", "–", "–", 1]
    executed = class_report(room, execute=True, timeout=5)
    assert executed.loc["eve"].tolist() == ["✗", "–", "–", "✓", "–", "–", 1]
    assert executed.loc["finn"].tolist() == ["–"] * 6 + [0]
    (note,) = executed.attrs["notes"]
    assert note.startswith("finn_00.ipynb: execution stopped early (CellTimeoutError")
    assert (room / "eve_00.ipynb").read_bytes() == before  # learners' files are never modified

"""Every course notebook follows the course's form; nbval (in the test command) checks their outputs."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT

COURSE = [
    "00_start_here", "00_using_python_and_pandas", "01_key_clients", "02_client_typologies", "03_abc_xyz", "04_concentration", "05_retention",
    "06_vip_programme", "07_loyalty_nps", "08_winning_back", "09_dossier_and_decision_map",
    "10_the_account_manager", "11_capstone_account_plan",
]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _text(cell) -> str:
    return "".join(cell["source"])


def test_the_course_has_its_twelve_notebooks():
    assert [p.stem for p in NOTEBOOKS] == COURSE


def test_every_module_has_an_exercise_in_both_versions():
    for name in [n for n in COURSE if not n.startswith("00_")]:  # 00: the start page and the primer
        assert (ROOT / "exercises" / f"{name}.ipynb").exists(), name
        assert (ROOT / "exercises" / "solved" / f"{name}.ipynb").exists(), name


def test_readme_course_map_lists_every_notebook():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in COURSE:
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_opens_with_objectives_and_time_and_ends_with_a_self_check(path):
    cells = _load(path)["cells"]
    first = _text(cells[0])
    assert cells[0]["cell_type"] == "markdown" and first.lstrip().startswith("# ")
    assert re.search(r"learning objectives", first, re.I), "no learning objectives in the first cell"
    assert re.search(r"estimated time", first, re.I), "no estimated time in the first cell"
    tail = "\n".join(_text(c) for c in cells[-3:] if c["cell_type"] == "markdown")
    assert re.search(r"self-check", tail, re.I), "no self-check at the end"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_has_a_parameters_cell_for_other_data(path):
    params = [c for c in _load(path)["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters' (papermill convention)"
    source = _text(params[0])
    for name in ("DATA", "AS_OF", "COLUMNS"):
        assert re.search(rf"^{name}\s*=", source, re.M), f"parameters cell lacks {name}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_cells_are_marked_for_slides(path):
    marked = [c for c in _load(path)["cells"] if c["metadata"].get("slideshow", {}).get("slide_type") == "slide"]
    assert len(marked) >= 3


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_executed_with_clean_outputs(path):
    bad = re.compile(r"0x[0-9a-f]{6,}|<Axes[:>]|Line2D at|Traceback|/tmp/ipykernel|Warning:", re.I)
    for i, cell in enumerate(_load(path)["cells"]):
        if cell["cell_type"] != "code" or not _text(cell).strip():
            continue
        assert cell["execution_count"] is not None, f"cell {i} was not executed"
        raises = "raises-exception" in cell["metadata"].get("tags", [])
        for out in cell["outputs"]:
            assert out["output_type"] != "error" or raises, f"cell {i} stored an error"
            assert out.get("name") != "stderr", f"cell {i} wrote to stderr: {''.join(out['text'])[:200]}"
            text = "".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
            assert not bad.search(text), f"cell {i} output: {bad.search(text).group(0)!r}"

"""The course notebooks run on ANOTHER company's files, with parameters only (papermill).

The other company is the sample's personal variant ``seed=11`` with every client id, client name
and manager name replaced, consistently across the six tables (``C001`` becomes something like
``K-8007``, in a shuffled order), written as plain CSV. Each notebook is executed with papermill,
``-p DATA <that folder>``; it must run without an error, its outputs must name the other company's
clients that play the course's roles (the data was really used), and no sample client id or
manager name may appear in them, nor more empty tables than on the sample (nothing is hard-coded).

The notebooks are split over this file and ``test_notebooks_other_data_2.py`` so that pytest-xdist
(``--dist loadfile``) runs the two halves on two workers; each file builds the company once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kamlib
from conftest import ROOT

SEED = 11
NEW_MANAGERS = ["Hanna Berg", "Jonas Weber", "Marta Nowak", "Lukas Frei", "Ines Vidal", "Tomas Kral",
                "Sofia Rossi", "Erik Lund"]
SAMPLE_ID = re.compile(r"\bC\d{3}\b")

# The clients each notebook is about, by their role in the story (data/README.md; the variant keeps it):
# the notebook's outputs must name the other company's client in each role.
STORY = {"largest": "C001", "second": "C002", "innovator": "C003", "image_maker": "C004", "prospect": "C005",
         "lost": "C006", "at_risk": "C016", "reference_judged": "C015", "quarterly": "C012"}
FEATURED = {
    "00_start_here": ["largest"],
    "00_using_python_and_pandas": [],  # the primer picks no client by role
    "01_key_clients": ["largest", "second", "lost", "reference_judged"],
    "02_client_typologies": ["largest"],
    "03_abc_xyz": ["largest", "second", "innovator", "image_maker", "prospect", "lost", "at_risk"],
    "04_concentration": ["largest"],
    "05_retention": ["largest", "second", "innovator", "image_maker", "prospect", "lost"],
    "06_vip_programme": ["largest", "prospect", "lost", "at_risk"],
    "07_loyalty_nps": [],  # C006's waves are shown without its id
    "08_winning_back": ["lost", "at_risk", "quarterly"],
    "09_dossier_and_decision_map": ["largest", "lost", "prospect"],
    "10_the_account_manager": ["largest", "lost"],
    "11_capstone_account_plan": ["largest"],
}
# Sample names that may stay in the outputs on other data because they are example text, not data:
# 06 prints a blank VIP questionnaire pre-filled with the names of the sample's register story.
EXAMPLE_NAMES = {"06_vip_programme": {"Sergey Lebedev"}}


def write_foreign_company(folder: Path) -> dict[str, dict[str, str]]:
    """Write the other company to ``folder``; return the renamings (``clients``, ``managers``)."""
    data = kamlib.load_sample(seed=SEED)
    ids = data.clients["client_id"].tolist()
    numbers = np.random.default_rng(4711).choice(np.arange(1000, 10000), size=len(ids), replace=False)
    client_ids = {old: f"K-{n}" for old, n in zip(ids, numbers)}
    assert sorted(client_ids.values()) != [client_ids[c] for c in sorted(ids)]  # the order is shuffled
    names = {old: f"Kunde {n} GmbH" for old, n in zip(ids, numbers)}
    managers = dict(zip(data.managers["name"], NEW_MANAGERS))

    tables = {name: frame.copy() for name, frame in data.items()}
    for frame in tables.values():
        if "client_id" in frame.columns:
            frame["client_id"] = frame["client_id"].map(client_ids)
    clients = tables["clients"]
    clients["name"] = data.clients["client_id"].map(names)
    clients["manager"] = clients["manager"].map(managers)
    tables["clients"] = clients.sort_values("client_id")  # an export in its own order
    team = tables["managers"]
    team["name"] = team["name"].map(managers)
    team["key_accounts"] = team["key_accounts"].map(
        lambda ids_: "|".join(client_ids[c] for c in ids_.split("|")) if isinstance(ids_, str) else ids_
    )
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].dt.strftime("%Y-%m-%d")
        frame.to_csv(folder / f"{name}.csv", index=False)
    return {"clients": client_ids, "managers": managers}


def output_text(nb: dict) -> str:
    """The text of every output of a notebook (streams, plain text, HTML, Markdown)."""
    texts = []
    for cell in nb["cells"]:
        for output in cell.get("outputs", []):
            texts.append("".join(output.get("text", "")))
            for kind in ("text/plain", "text/html", "text/markdown"):
                texts.append("".join(output.get("data", {}).get(kind, "")))
    return "\n".join(texts)


def run_notebook(name: str, folder: Path, out_dir: Path) -> str:
    """Execute ``notebooks/<name>.ipynb`` on ``folder`` with papermill; return the text of every output."""
    papermill = pytest.importorskip("papermill", reason="papermill comes with the course extra")
    out = out_dir / f"{name}.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / f"{name}.ipynb"), str(out),
        parameters={"DATA": str(folder), "AS_OF": "2025-12-31"},
        kernel_name="python3",  # jupyter_client runs a kernel spec's "python" as sys.executable: this venv
        cwd=str(ROOT / "notebooks"), progress_bar=False,
    )  # raises PapermillExecutionError, with the cell and the traceback, when a cell fails
    nb = json.loads(out.read_text(encoding="utf-8"))
    injected = [c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and str(folder) in "".join(injected[0]["source"])
    assert not [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    return output_text(nb)


def check_outputs(name: str, text: str, renamed: dict[str, dict[str, str]]) -> None:
    """The other company's data was used and nothing of the sample's was hard-coded."""
    assert re.search(r"\bK-\d{4}\b", text), f"{name}: no client of the other company in the outputs"
    for role in FEATURED[name]:
        assert renamed["clients"][STORY[role]] in text, f"{name}: the {role} client is not in the outputs"
    leaked = sorted(set(SAMPLE_ID.findall(text)))
    assert not leaked, f"{name}: sample client ids in the outputs on other data: {leaked[:10]}"
    managers = [m for m in renamed["managers"] if m in text and m not in EXAMPLE_NAMES.get(name, ())]
    assert not managers, f"{name}: sample manager names in the outputs on other data: {managers}"
    # a filter on a hard-coded id runs without error but shows nothing: no more empty tables than on the sample
    stored = output_text(json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8")))
    empty = re.compile(r"Empty DataFrame|Series\(\[\]")
    assert len(empty.findall(text)) <= len(empty.findall(stored)), f"{name}: empty tables on other data"


FIRST_HALF = ["00_start_here", "00_using_python_and_pandas", "01_key_clients", "02_client_typologies", "03_abc_xyz", "04_concentration",
              "05_retention"]


@pytest.fixture(scope="module")
def foreign(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other_company")
    renamed = write_foreign_company(folder)
    return folder, renamed, tmp_path_factory.mktemp("runs")


def test_the_other_company_is_really_other(foreign):
    folder, renamed, _ = foreign
    data = kamlib.read_folder(folder)
    assert set(data) == {"clients", "orders", "nps_responses", "contacts", "managers", "competitor_offers"}
    for table in ("clients", "orders", "nps_responses", "contacts", "competitor_offers"):
        ids = set(data[table]["client_id"])
        assert ids <= set(renamed["clients"].values()), table  # every id renamed, none left over
    assert not set(data.clients["name"]) & set(kamlib.load_sample(seed=SEED).clients["name"])
    assert set(data.clients["manager"].dropna()) <= set(data.managers["name"]) == set(NEW_MANAGERS)
    # the variant keeps the story: the same roles fall to the renamed story clients
    cast = kamlib.pick_clients(data.orders, data.clients, as_of="2025-12-31")["client_id"]
    assert cast.to_dict() == {role: renamed["clients"][STORY[role]] for role in cast.index}


@pytest.mark.parametrize("name", FIRST_HALF)
def test_notebook_runs_on_another_company(name, foreign):
    folder, renamed, out_dir = foreign
    check_outputs(name, run_notebook(name, folder, out_dir), renamed)


def test_the_two_files_cover_every_notebook():
    from test_notebooks_other_data_2 import SECOND_HALF

    assert sorted(FIRST_HALF + SECOND_HALF) == sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert sorted(FEATURED) == sorted(FIRST_HALF + SECOND_HALF)


@pytest.mark.parametrize("name", sorted(FEATURED))
def test_papermill_reads_every_parameter(name):
    """`papermill --help-notebook` lists every parameter (a second '=' on a line, even in a comment, hides it)."""
    papermill = pytest.importorskip("papermill", reason="papermill comes with the course extra")
    path = ROOT / "notebooks" / f"{name}.ipynb"
    cell = next(c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                if "parameters" in c["metadata"].get("tags", []))
    assigned = re.findall(r"^(\w+)\s*=", "".join(cell["source"]), re.M)
    assert {"DATA", "AS_OF", "COLUMNS"} <= set(assigned)
    assert list(papermill.inspect_notebook(str(path))) == assigned

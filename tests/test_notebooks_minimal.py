"""Every course notebook runs to the end on the least a company can export (papermill, parameters only).

Two minimal inputs are made from the sample in a temporary folder:

- ``orders only``: ``orders.csv`` and nothing else (this file);
- ``orders + clients(client_id, name)``: a clients table with only those two columns
  (``test_notebooks_minimal_2.py``, a file of its own so that pytest-xdist ``--dist loadfile``
  runs the two inputs on two workers).

Each notebook runs with ``-p DATA <folder>`` and the default ``AS_OF = None``. It must finish without
an error; the set-up line must say what was read and the analysis date (the last order date,
2025-12-31 on the sample); and every cell that asks ``setup.needs(...)`` must print exactly one
"Skipped:" line naming each requirement the folder lacks -- worked out here from the files
written, not from kamlib -- and none when the folder has them all. No other cell may print one.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

import kamlib
from conftest import ROOT

NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
NEEDS_CALL = re.compile(r"setup\.needs\(([^)]*)\)")


def write_minimal(folder: Path, clients_columns: list[str] | None) -> dict[str, list[str]]:
    """Write the sample's orders (and, if asked, these columns of its clients) to ``folder``.

    Returns the tables written with their columns: what the notebooks can rely on.
    """
    sample = kamlib.load_sample()
    folder.mkdir(parents=True, exist_ok=True)
    orders = sample.orders.assign(date=sample.orders["date"].dt.strftime("%Y-%m-%d"))
    orders.to_csv(folder / "orders.csv", index=False)
    written = {"orders": list(orders.columns)}
    if clients_columns is not None:
        sample.clients[clients_columns].to_csv(folder / "clients.csv", index=False)
        written["clients"] = list(clients_columns)
    return written


def missing(requirement: str, written: dict[str, list[str]]) -> bool:
    table, _, column = requirement.partition(".")
    return table not in written or bool(column) and column not in written[table]


def cell_text(cell: dict) -> str:
    return "".join("".join(o.get("text", "")) for o in cell.get("outputs", []) if o["output_type"] == "stream")


def run_minimal(name: str, folder: Path, out_dir: Path, columns: dict | None = None) -> dict:
    """Execute ``notebooks/<name>.ipynb`` on ``folder`` with papermill; return the executed notebook."""
    papermill = pytest.importorskip("papermill", reason="papermill comes with the course extra")
    out = out_dir / f"{name}.ipynb"
    for attempt in (1, 2):
        try:
            papermill.execute_notebook(
                str(ROOT / "notebooks" / f"{name}.ipynb"), str(out),
                parameters={"DATA": str(folder), "COLUMNS": columns},
                kernel_name="python3", cwd=str(ROOT / "notebooks"), progress_bar=False,
            )  # raises PapermillExecutionError, with the cell and the traceback, when a cell fails
            break
        except RuntimeError as exc:
            # jupyter_client picks the kernel's TCP ports before the kernel binds them: a kernel started at
            # the same moment by the other test worker can take one ("Address already in use"), and the
            # kernel dies before running any cell. That start is tried once more; a cell error is not retried.
            if attempt == 2 or "Kernel died before replying to kernel_info" not in str(exc):
                raise
    return json.loads(out.read_text(encoding="utf-8"))


def check_minimal(name: str, nb: dict, written: dict[str, list[str]], as_of: str = "2025-12-31") -> int:
    """The checks of the module docstring; returns how many cells were skipped."""
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert not errors, f"{name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    setup_cell = next(c for c in code if "kamlib.start(" in "".join(c["source"]))
    line = cell_text(setup_cell)
    n = len(written)
    assert f"Data: {n} table{'s' if n > 1 else ''} ({', '.join(sorted(written))})" in line, line
    assert f"analysis date {as_of} (the last order date)" in line, line
    skipped = 0
    for cell in code:
        source, text = "".join(cell["source"]), cell_text(cell)
        calls = [ast.literal_eval(f"[{args}]") for args in NEEDS_CALL.findall(source)]
        lacking = [[r for r in call if missing(r, written)] for call in calls]
        expected = [call for call in lacking if call]
        lines = [ln for ln in text.splitlines() if ln.startswith("Skipped:")]
        assert len(lines) == len(expected), f"{name}: {source[:80]!r} printed {lines}, expected {expected}"
        for ln, call, needed in zip(lines, expected, [c for c, lk in zip(calls, lacking) if lk]):
            for requirement in needed:
                table, _, column = requirement.partition(".")
                named = f'"{column}" in {table}' if column else f"table {table}"
                assert (named in ln) == (requirement in call), f"{name}: {ln!r} vs missing {call}"
        skipped += bool(lines)
    return skipped


@pytest.fixture(scope="module")
def orders_only(tmp_path_factory):
    folder = tmp_path_factory.mktemp("orders_only")
    return folder, write_minimal(folder, None), tmp_path_factory.mktemp("runs_orders_only")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_on_orders_alone(name, orders_only):
    folder, written, out_dir = orders_only
    skipped = check_minimal(name, run_minimal(name, folder, out_dir), written)
    # the notebooks that read nothing but orders skip nothing; the others skip something
    assert (skipped == 0) == (name == "03_abc_xyz"), f"{name}: {skipped} cells skipped"


def test_the_checks_can_fail(orders_only, tmp_path):
    """The checker itself: a Skipped line that names the wrong requirement, or a missing one, is caught."""
    _, written, _ = orders_only
    cell = {"cell_type": "code", "source": 'if setup.needs("clients", "orders.cost"):\n    pass',
            "outputs": [{"output_type": "stream", "text": "Skipped: this part needs the table clients -- not here.\n"}]}
    setup_cell = {"cell_type": "code", "source": "setup = kamlib.start(DATA)", "outputs": [
        {"output_type": "stream", "text": "Data: 1 table (orders) from x: 1 lines read, 0 excluded (0.0% of revenue); "
                                          "analysis date 2025-12-31 (the last order date).\n"}]}
    assert check_minimal("x", {"cells": [setup_cell, cell]}, written) == 1
    cell["outputs"][0]["text"] = "Skipped: this part needs the table clients and the column \"cost\" in orders.\n"
    with pytest.raises(AssertionError):
        check_minimal("x", {"cells": [setup_cell, cell]}, written)
    cell["outputs"] = []
    with pytest.raises(AssertionError):
        check_minimal("x", {"cells": [setup_cell, cell]}, written)

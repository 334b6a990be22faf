"""Every course notebook on real data nobody here made: CDNOW as a Russian 1C export (see data/_cdnow.py).

The first 1,500 customers of CDNOW (purchases January 1997 to June 1998, no cost of goods, no
clients table) are written as the 1C export of ``tests/data/_cdnow.py`` -- cp1251, ``;``, Cyrillic
headers under a title block, dd.mm.yyyy dates, decimal commas, a totals line -- and each notebook
runs with ``-p DATA <folder> -p COLUMNS <the 1C mapping>`` and ``AS_OF = None``. The checks are those
of test_notebooks_minimal.py: no error, the analysis date is the data's last order date (1998-06-30),
and each section needing what the export lacks (``cost``, every table but orders) prints one line.

A subset keeps the run to seconds per notebook; skipped, with the reason, only when PyPI (where the
data set comes from) cannot be reached.
"""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conftest import ROOT
from test_notebooks_minimal import NOTEBOOKS, check_minimal, run_minimal

_spec = importlib.util.spec_from_file_location("_cdnow", ROOT / "tests" / "data" / "_cdnow.py")
cdnow = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("_cdnow", cdnow)
_spec.loader.exec_module(cdnow)

CUSTOMERS = 1500


@pytest.fixture(scope="module")
def cdnow_export(tmp_path_factory):
    try:
        master = cdnow.cdnow_master()
    except cdnow.Unreachable as exc:
        pytest.skip(str(exc))
    truth = cdnow.independent_frame(master)
    subset = truth[truth["customer_id"].astype(int) <= CUSTOMERS]
    folder = tmp_path_factory.mktemp("cdnow_1c")
    cdnow.write_1c_export(subset, folder / "orders.csv")
    written = {"orders": sorted(set(cdnow.COLUMNS_1C.values()))}
    last = subset["date"].max().strftime("%Y-%m-%d")
    return folder, written, last, tmp_path_factory.mktemp("runs_cdnow")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_on_cdnow_1c_export(name, cdnow_export):
    folder, written, last, out_dir = cdnow_export
    assert last == "1998-06-30"
    nb = run_minimal(name, folder, out_dir, columns=cdnow.COLUMNS_1C)
    check_minimal(name, nb, written, as_of=last)

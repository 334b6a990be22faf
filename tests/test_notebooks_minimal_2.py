"""Every course notebook on orders + a clients table with only ``client_id, name``; see test_notebooks_minimal.py.

A file of its own so that pytest-xdist (``--dist loadfile``) runs it on the second worker.
"""

from __future__ import annotations

import pytest

from test_notebooks_minimal import NOTEBOOKS, check_minimal, run_minimal, write_minimal


@pytest.fixture(scope="module")
def orders_and_names(tmp_path_factory):
    folder = tmp_path_factory.mktemp("orders_and_names")
    return folder, write_minimal(folder, ["client_id", "name"]), tmp_path_factory.mktemp("runs_orders_and_names")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_on_orders_and_client_names(name, orders_and_names):
    folder, written, out_dir = orders_and_names
    check_minimal(name, run_minimal(name, folder, out_dir), written)

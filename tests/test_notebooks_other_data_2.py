"""The second half of the course notebooks on another company's files; see test_notebooks_other_data.py.

A file of its own so that pytest-xdist (``--dist loadfile``) runs it on the second worker.
"""

from __future__ import annotations

import pytest

from test_notebooks_other_data import check_outputs, run_notebook, write_foreign_company

SECOND_HALF = ["06_vip_programme", "07_loyalty_nps", "08_winning_back", "09_dossier_and_decision_map",
               "10_the_account_manager", "11_capstone_account_plan"]


@pytest.fixture(scope="module")
def foreign(tmp_path_factory):
    folder = tmp_path_factory.mktemp("other_company_2")
    renamed = write_foreign_company(folder)
    return folder, renamed, tmp_path_factory.mktemp("runs_2")


@pytest.mark.parametrize("name", SECOND_HALF)
def test_notebook_runs_on_another_company(name, foreign):
    folder, renamed, out_dir = foreign
    check_outputs(name, run_notebook(name, folder, out_dir), renamed)

"""A learner's exercise notebook in a real browser (issue 14): as shipped it shows no verdict.

A copy of ``exercises/03_abc_xyz.ipynb`` exactly as the repository ships it is opened in JupyterLab
(started like in ``test_browser.py``: a private course folder, a free loopback port, a random token,
Debian's Chromium through Playwright, everything stopped by PID at the end). Before anything runs,
no output on the page carries a ✓ (nor a ✗); after Run All — the learner's first move — every check
says "not attempted", still without a ✓. Screenshots go to ``artifacts/e2e/``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil

import pytest


def _browser_helpers():
    """The widgets' browser test module (same folder), for its server and browser set-up."""
    import importlib.util
    import sys
    from pathlib import Path

    name = "_kam_e2e_test_browser"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("test_browser.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_b = _browser_helpers()
ARTIFACTS, CHROMIUM, PANEL, ROOT, WAIT_MS = _b.ARTIFACTS, _b.CHROMIUM, _b.PANEL, _b.ROOT, _b.WAIT_MS

NOTEBOOK = "exercises/03_abc_xyz.ipynb"
RUN_MS = 60_000

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=os.environ.get("KAM_NO_CHROMIUM")
    or f"Chromium is not installed at {CHROMIUM} (python3 workbook.py test installs it with apt-get)",
)


@pytest.fixture(scope="module")
def lab_page(tmp_path_factory):
    work = tmp_path_factory.mktemp("e2e_learner")
    course = work / "course"
    (course / "exercises").mkdir(parents=True)
    shutil.copy(ROOT / NOTEBOOK, course / NOTEBOOK)  # as shipped: nothing stripped, nothing added
    with _b.lab_in_browser(course, work, log_name="jupyterlab_learner.log") as (lab, context):
        yield lab, context.new_page()


def _outputs(page) -> list[str]:
    return page.locator(f"{PANEL} .jp-OutputArea-output").all_inner_texts()


def test_a_fresh_learner_notebook_shows_no_verdict(lab_page):
    lab, page = lab_page
    # the file as shipped: check cells without any stored output
    shipped = json.loads((ROOT / NOTEBOOK).read_text(encoding="utf-8"))
    checks = [c for c in shipped["cells"] if c["cell_type"] == "code" and re.search(r"ex\.q\d\.check\(\)", "".join(c["source"]))]
    assert len(checks) == 6 and all(c["outputs"] == [] for c in checks)
    try:
        page.goto(lab.url(f"lab/tree/{NOTEBOOK}", query="reset"), wait_until="domcontentloaded")
        page.locator(f"{PANEL} .jp-Notebook .jp-Cell").first.wait_for(state="attached")
        page.locator(f"{PANEL} .jp-Cell", has_text="ex.q1.check()").first.wait_for(state="attached")
        lab.wait_kernel_ready(NOTEBOOK, timeout=WAIT_MS / 1000)
        page.screenshot(path=str(ARTIFACTS / "learner_03_as_shipped.png"))
        before = "\n".join(_outputs(page))
        assert "✓" not in before and "✗" not in before, before[:500]

        # the learner's first move: Run All; every check answers "not attempted", none says ✓
        page.locator("li.lm-MenuBar-item", has_text=re.compile(r"^\s*Run\s*$")).click()
        page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()
        page.locator(f"{PANEL} .jp-OutputArea-output", has_text="q6: not attempted yet").wait_for(timeout=RUN_MS)
        after = "\n".join(_outputs(page))
        page.locator(f"{PANEL} .jp-Cell", has_text="ex.q1.check()").first.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "learner_03_after_run_all.png"))
        for q in ("q1", "q2", "q3", "q4", "q5", "q6"):
            assert f"– {q}: not attempted yet" in after, q
        assert "✓" not in after and "✗" not in after
        assert "checked against the course's shared sample company" in after
    except BaseException:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / "learner_03_failure.png"))
        raise
    finally:
        lab.shutdown_kernel_of(NOTEBOOK)

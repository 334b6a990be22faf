"""Shared test settings: a non-interactive matplotlib backend and the repository root."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
# the browser tests (tests/e2e/): Debian's Chromium, started headless without the network calls it would make
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
sys.path.insert(0, str(Path(__file__).parent))  # lets test modules import conftest's constants

# Property tests: no per-example deadline (a shared 2-core CI machine is slow at times), and a fixed
# sequence of examples, so a run on CI is repeatable and cannot fail on an unlucky draw that the
# developer never saw. KAM_HYPOTHESIS=explore switches back to random exploration.
import os  # noqa: E402

from hypothesis import settings  # noqa: E402

settings.register_profile("repeatable", deadline=None, derandomize=True, print_blob=True)
settings.register_profile("explore", deadline=None)
settings.load_profile("explore" if os.environ.get("KAM_HYPOTHESIS") == "explore" else "repeatable")


import pandas as _pd  # noqa: E402
import pytest as _pytest  # noqa: E402


@_pytest.fixture(autouse=True)
def _pandas_display_restored():
    """Undo a test's change to pandas' display options (kamlib.course.exercise sets a readable number format
    when an IPython shell exists, and a test that creates one would otherwise leave it set for the doctests
    that the same worker runs later)."""
    yield
    _pd.reset_option("^display\\.")

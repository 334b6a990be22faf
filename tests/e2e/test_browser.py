"""The widgets in a real browser (issue 8): JupyterLab from this environment, driven by Debian's Chromium.

What it proves, that the headless unit tests of ``kamlib.widgets`` cannot: a learner who opens
``notebooks/03_abc_xyz.ipynb`` in JupyterLab and runs it gets a live ABC-XYZ explorer, and moving
its A slider with the keyboard changes the matrix on the page exactly as ``kamlib.abc_xyz`` says
for the threshold the page shows, and its XYZ method starts at purchase frequency (the course's
default) and switches to CV with the toggle, re-cutting the matrix as kamlib says; the same for the NPS calculator of
``notebooks/07_loyalty_nps.ipynb`` (typing a count changes the NPS to what ``kamlib.nps`` says).

How (everything private to this test, so it runs beside the rest of the suite under
``pytest -n 2 --dist loadfile``):

- a temporary course folder holds COPIES of the notebooks under test (outputs and saved
  widget state stripped, so only the live widgets appear) and of ``data/``; the repository's
  notebooks are never touched;
- JupyterLab is started with ``sys.executable -m jupyter lab`` on a free loopback port with a
  random token passed in the URL, its own runtime, config, settings and workspace folders
  (settings: no news or update toasts, all cells attached to the page, start the notebook's
  kernel without asking), and is always stopped — the server's process group first, then any
  process it started that is still alive, by PID;
- Chromium (``/usr/bin/chromium``, never a downloaded browser) runs headless through the
  ``playwright`` package with a fresh profile folder and is always closed;
- a watchdog stops server and browser if the whole module takes longer than
  ``OVERALL_TIMEOUT`` seconds (150; env ``KAM_E2E_TIMEOUT`` to change it), so a hang fails
  the test instead of blocking the suite;
  Playwright waits are 30 s (running a notebook: 45 s).

Screenshots before and after each interaction (and on failure, with the server log) are saved
under ``artifacts/e2e/``. The test is skipped, not failed, only when Chromium is not installed
(``python3 workbook.py test`` installs it with apt-get and passes the reason in
``KAM_NO_CHROMIUM`` when it cannot).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

import kamlib
from conftest import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "e2e"
OVERALL_TIMEOUT = float(os.environ.get("KAM_E2E_TIMEOUT", 150))  # seconds for the whole module, start to close
SERVER_START_TIMEOUT = 60
WAIT_MS = 30_000  # Playwright: every action and wait
RUN_MS = 45_000  # Playwright: Run All until the widget is on the page

ABC_NOTEBOOK = "notebooks/03_abc_xyz.ipynb"
NPS_NOTEBOOK = "notebooks/07_loyalty_nps.ipynb"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=os.environ.get("KAM_NO_CHROMIUM")
    or f"Chromium is not installed at {CHROMIUM} (python3 workbook.py test installs it with apt-get)",
)


# ---------------------------------------------------------------------------
# the course folder under test
# ---------------------------------------------------------------------------


def _stripped(notebook: dict) -> dict:
    """The notebook without outputs, execution counts and saved widget state."""
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    notebook.get("metadata", {}).pop("widgets", None)
    return notebook


def _nps_stand_in() -> dict:
    """A small notebook that uses the NPS calculator as NOTEBOOKS.md prescribes.

    Only used while ``notebooks/07_loyalty_nps.ipynb`` does not exist yet.
    """
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 07 · NPS (stand-in for the browser test)"),
        nbformat.v4.new_code_cell('DATA = "../data"\nAS_OF = "2025-12-31"\nCOLUMNS = None',
                                  metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import pandas as pd\nimport kamlib\nfrom kamlib.widgets import NPSCalculator\n"
                                  "data = kamlib.read_folder(DATA, columns=COLUMNS)"),
        nbformat.v4.new_code_cell("calculator = NPSCalculator(scores=data.nps_responses)\ncalculator.static()"),
        nbformat.v4.new_code_cell("calculator", metadata={"tags": ["nbval-ignore-output"]}),
    ]
    return json.loads(nbformat.writes(nb))


def _make_course(folder: Path) -> dict[str, str]:
    """Copies of the notebooks under test and of data/ in ``folder``; returns {notebook: where it came from}."""
    (folder / "notebooks").mkdir(parents=True)
    shutil.copytree(ROOT / "data", folder / "data")
    origin = {}
    for relative, stand_in in ((ABC_NOTEBOOK, None), (NPS_NOTEBOOK, _nps_stand_in)):
        source = ROOT / relative
        if source.exists():
            notebook = json.loads(source.read_text(encoding="utf-8"))
            origin[relative] = "course"
        elif stand_in is not None:
            notebook = stand_in()
            origin[relative] = "stand-in"
        else:
            pytest.fail(f"{relative} is missing: the browser test runs the course's ABC-XYZ notebook")
        (folder / relative).write_text(json.dumps(_stripped(notebook)), encoding="utf-8")
    return origin


# ---------------------------------------------------------------------------
# processes: JupyterLab, and stopping everything we started
# ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _descendants(pid: int) -> list[int]:
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def _kill_pids(pids: list[int]) -> None:
    """SIGKILL each of ``pids`` that is still alive (processes this test started, by their id)."""
    import psutil

    for pid in pids:
        with contextlib.suppress(psutil.Error, OSError):
            psutil.Process(pid).kill()


def _named(pids: list[int], part: str) -> list[int]:
    """Those of ``pids`` whose process name contains ``part``."""
    import psutil

    out = []
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            if part in psutil.Process(pid).name().lower():
                out.append(pid)
    return out


class LabServer:
    """A JupyterLab server of our own: temp folders, a free loopback port, a random token."""

    def __init__(self, course: Path, work: Path) -> None:
        self.course = course
        self.work = work
        self.token = secrets.token_hex(16)
        self.log_path = work / "jupyterlab.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self._children: set[int] = set()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str, query: str = "") -> str:
        return f"{self.base}/{path}?{query + '&' if query else ''}token={self.token}"

    def _settings(self) -> Path:
        """User settings: no news/update toasts, every cell attached, the notebook's kernel started without a dialog."""
        settings = self.work / "lab-settings"
        files = {
            "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
                "fetchNews": "false", "checkForUpdates": False},
            "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
                "windowingMode": "none", "autoStartDefaultKernel": True},
        }
        for name, content in files.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(content), encoding="utf-8")
        return settings

    def start(self) -> None:
        env = {
            **os.environ,
            "JUPYTER_RUNTIME_DIR": str(self.work / "runtime"),
            "JUPYTER_CONFIG_DIR": str(self.work / "config"),
            "JUPYTERLAB_SETTINGS_DIR": str(self._settings()),
            "JUPYTERLAB_WORKSPACES_DIR": str(self.work / "workspaces"),
            "IPYTHONDIR": str(self.work / "ipython"),
            "JUPYTER_PREFER_ENV_PATH": "1",
        }
        for attempt in range(3):  # a free port can be taken between our probe and the server's bind
            self.port = _free_port()
            args = [
                sys.executable, "-m", "jupyter", "lab", "--no-browser",
                "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={self.course}",
                "--LabApp.news_url=None",
                "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            ]
            if hasattr(os, "geteuid") and os.geteuid() == 0:
                args.append("--allow-root")
            with self.log_path.open("a") as log:
                self.proc = subprocess.Popen(args, cwd=self.course, env=env, stdout=log, stderr=subprocess.STDOUT,
                                             stdin=subprocess.DEVNULL, start_new_session=True)
            if self._wait_up():
                return
            self.stop()
        raise RuntimeError(f"JupyterLab did not start; see its log:\n{self.log_tail()}")

    def _wait_up(self) -> bool:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                self.api("api/status")
                return True
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        return False

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(f"{self.base}/{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=5) as response:
            body = response.read()
        return json.loads(body) if body else None

    def kernel_of(self, relative: str) -> dict | None:
        """The kernel of the session of notebook ``relative``, as the REST API reports it."""
        for session in self.api("api/sessions"):
            if str(session.get("path", "")).endswith(relative):
                return session["kernel"]
        return None

    def wait_kernel_ready(self, relative: str, timeout: float) -> None:
        """Until the notebook's kernel is idle and the page is connected to it (a websocket is open)."""
        deadline = time.monotonic() + timeout
        kernel = None
        while time.monotonic() < deadline:
            self.remember_children()
            try:
                kernel = self.kernel_of(relative)
            except (OSError, urllib.error.URLError):  # a busy server may drop one poll
                kernel = None
            if kernel and kernel["execution_state"] == "idle" and kernel["connections"] > 0:
                return
            time.sleep(0.2)
        raise AssertionError(f"the kernel of {relative} was not ready after {timeout:.0f} s: {kernel}")

    def shutdown_kernel_of(self, relative: str) -> None:
        with contextlib.suppress(OSError, urllib.error.URLError, TypeError):
            kernel = self.kernel_of(relative)
            if kernel:
                self.api(f"api/kernels/{kernel['id']}", method="DELETE")

    def remember_children(self) -> None:
        """Note the server's child processes (kernels run in sessions of their own) to stop them for sure."""
        if self.proc is not None and self.proc.poll() is None:
            self._children.update(_descendants(self.proc.pid))

    def stop(self) -> None:
        """SIGTERM the server's process group (it shuts its kernels down), SIGKILL whatever is left."""
        if self.proc is None:
            return
        self.remember_children()
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        _kill_pids(sorted(self._children))
        self._children.clear()
        self.proc = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# ---------------------------------------------------------------------------
# fixtures: server, browser, watchdog
# ---------------------------------------------------------------------------


class Session:
    """What the tests need: the server, the browser context, the course folder and where notebooks came from."""

    def __init__(self, lab: LabServer, context, course: Path, origin: dict[str, str]) -> None:
        self.lab = lab
        self.context = context
        self.course = course
        self.origin = origin


@contextlib.contextmanager
def lab_in_browser(course: Path, work: Path, log_name: str = "jupyterlab.log"):
    """JupyterLab serving ``course`` and a fresh headless Chromium profile: ``(lab, context)``.

    A watchdog stops both after OVERALL_TIMEOUT seconds and the test fails with that reason;
    at the end everything started here is stopped and the server's log is kept in ARTIFACTS.
    """
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lab = LabServer(course, work)
    browser_pids: list[int] = []
    timed_out = threading.Event()

    def watchdog() -> None:  # a hang fails the test: stop the processes the test is waiting for
        timed_out.set()
        lab.stop()
        _kill_pids(_named(browser_pids, "chrom"))  # Playwright's driver stays, to close cleanly

    timer = threading.Timer(OVERALL_TIMEOUT, watchdog)
    timer.daemon = True
    timer.start()
    playwright = context = None
    try:
        lab.start()
        before = set(_descendants(os.getpid()))
        playwright = sync_playwright().start()
        context = playwright.chromium.launch_persistent_context(
            str(work / "chromium-profile"),  # a fresh profile
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
        )
        context.set_default_timeout(WAIT_MS)
        browser_pids[:] = sorted(set(_descendants(os.getpid())) - before - set(_descendants(lab.proc.pid)) -
                                 {lab.proc.pid})
        yield lab, context
    finally:
        timer.cancel()
        try:
            if context is not None:
                with contextlib.suppress(Exception):
                    context.close()
            if playwright is not None:
                with contextlib.suppress(Exception):
                    playwright.stop()
        finally:
            _kill_pids(browser_pids)
            lab.stop()
            if lab.log_path.exists():
                shutil.copy(lab.log_path, ARTIFACTS / log_name)
        if timed_out.is_set():
            pytest.fail(f"the browser test took longer than {OVERALL_TIMEOUT} s; server and browser were stopped")


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    work = tmp_path_factory.mktemp("e2e")
    course = work / "course"
    origin = _make_course(course)
    with lab_in_browser(course, work) as (lab, context):
        yield Session(lab, context, course, origin)


# ---------------------------------------------------------------------------
# driving the page
# ---------------------------------------------------------------------------


PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
"""The notebook on show (JupyterLab hides the panels of background tabs with lm-mod-hidden)."""


def open_and_run_all(session: Session, page, relative: str) -> None:
    """``relative`` opened in JupyterLab in ``page``, its kernel ready, and Run → Run All Cells clicked."""
    # "reset": a fresh workspace, so notebooks opened by an earlier tab are not restored beside this one
    page.goto(session.lab.url(f"lab/tree/{relative}", query="reset"), wait_until="domcontentloaded")
    page.locator(f"{PANEL} .jp-Notebook .jp-Cell").first.wait_for(state="attached")
    session.lab.wait_kernel_ready(relative, timeout=WAIT_MS / 1000)
    page.locator("li.lm-MenuBar-item", has_text=re.compile(r"^\s*Run\s*$")).click()
    page.locator("li.lm-Menu-item[data-command='runmenu:run-all']").click()


@contextlib.contextmanager
def screenshots_on_failure(page, name: str):
    """On any failure: a screenshot of the page (the server log is copied by the fixture)."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"{name}_failure.png"), full_page=False)
        raise


def wait_for_widget(page, root: str, result: str, relative: str, origin: str) -> None:
    try:
        page.locator(f"{root} {result} .kam-result").wait_for(state="attached", timeout=RUN_MS)
    except Exception as error:
        raise AssertionError(
            f"{relative} ({origin}) showed no live {root} within {RUN_MS / 1000:.0f} s of Run All: "
            "the notebook should display the widget itself in a cell of its own (NOTEBOOKS.md)"
        ) from error
    # Let Run All finish before touching a control: at its end JupyterLab focuses the notebook,
    # which would take the keyboard away from a slider handle mid-way.
    try:
        page.wait_for_function(ALL_CELLS_RAN, arg=PANEL, timeout=RUN_MS)
    except Exception as error:
        raise AssertionError(f"{relative} ({origin}): not every code cell ran after Run All "
                             "(a cell raised, or the kernel is still busy)") from error
    page.locator(root).scroll_into_view_if_needed()


ALL_CELLS_RAN = """(panel) => {
    const prompts = Array.from(document.querySelectorAll(`${panel} .jp-CodeCell .jp-InputPrompt`));
    return prompts.length > 0 && prompts.every((p) => /\\[\\d+\\]/.test(p.textContent))
        && document.querySelector(`${panel} .jp-Notebook-ExecutionIndicator[data-status="idle"]`) !== null;
}"""


READ_ABC = """(root) => {
    const box = document.querySelector(root);
    const result = box.querySelector('.kam-abc-matrix .kam-result');
    const cells = {};
    for (const td of result.querySelectorAll('td[data-cell]')) cells[td.dataset.cell] = Number(td.dataset.count);
    const classes = {};
    for (const span of result.querySelectorAll('.kam-class-counts [data-class]'))
        classes[span.dataset.class] = Number(span.dataset.count);
    const readout = (name) => box.querySelector(`.kam-abc-${name}-slider .widget-readout`).textContent.trim();
    const label = (name) => box.querySelector(`.kam-abc-${name}-slider .widget-label`).textContent.trim();
    const pressed = box.querySelector('.kam-abc-method button.mod-active');
    return {data: {...result.dataset}, cells, classes,
            readouts: {a: readout('a'), b: readout('b'), x: readout('x'), y: readout('y')},
            labels: {x: label('x'), y: label('y')}, method: pressed ? pressed.textContent.trim() : null,
            xyzLine: (result.querySelector('.kam-xyz-cutoffs') || {}).textContent || null,
            error: result.querySelector('.kam-error') ? result.textContent : null};
}"""

SETTLED_METHOD = """([root, method]) => {
    const box = document.querySelector(root);
    const result = box.querySelector('.kam-abc-matrix .kam-result');
    const x = Number(box.querySelector('.kam-abc-x-slider .widget-readout').textContent);
    return result.dataset.method === method && Math.abs(Number(result.dataset.xyzX) * 100 - x) < 0.5;
}"""

SETTLED_ABC = """([root, before]) => {
    const box = document.querySelector(root);
    const result = box.querySelector('.kam-abc-matrix .kam-result');
    const shown = Number(box.querySelector('.kam-abc-a-slider .widget-readout').textContent);
    const used = Number(result.dataset.abcA) * 100;
    return shown !== before && Math.abs(used - shown) < 1e-9;
}"""


def _expected_matrix(orders, data: dict) -> dict[str, int]:
    """Cell counts kamlib gives for the settings the page shows, keyed like the page's data-cell attributes."""
    settings = json.loads(data["settings"])
    matrix = kamlib.abc_xyz_matrix(
        kamlib.abc_xyz(
            orders,
            value=data["value"],
            abc=(float(data["abcA"]), float(data["abcB"])),
            xyz=(float(data["xyzX"]), float(data["xyzY"])),
            **settings,
        )
    )
    out = {}
    for abc in matrix.counts.index:
        for j, xyz in enumerate(matrix.counts.columns):
            out[f"{abc}{xyz}" if j < 3 else f"{abc}-insufficient"] = int(matrix.counts.loc[abc, xyz])
    return out


ABC_ROOT = f"{PANEL} .kam-abc-explorer"


@contextlib.contextmanager
def _abc_explorer(session, shots: str):
    """Notebook 03 run in a new page, its explorer drawn: yields (page, the sample company's orders,
    what the explorer shows first (READ_ABC)); screenshots named ``shots`` if the body fails; the
    kernel shut down and the page closed after a body that passed."""
    page = session.context.new_page()
    with screenshots_on_failure(page, shots):
        open_and_run_all(session, page, ABC_NOTEBOOK)
        wait_for_widget(page, ABC_ROOT, ".kam-abc-matrix", ABC_NOTEBOOK, session.origin[ABC_NOTEBOOK])
        yield page, kamlib.read_folder(session.course / "data").orders, page.evaluate(READ_ABC, ABC_ROOT)
    session.lab.shutdown_kernel_of(ABC_NOTEBOOK)
    page.close()


def test_abc_slider_moves_the_matrix_as_kamlib_says(session):
    root = ABC_ROOT
    with _abc_explorer(session, "03_abc_xyz") as (page, orders, before):
        assert before["error"] is None, before["error"]
        assert before["cells"] == _expected_matrix(orders, before["data"])  # the page agrees with kamlib at the start
        page.locator(root).screenshot(path=str(ARTIFACTS / "03_abc_xyz_before.png"))

        # keyboard on the focused handle: ten steps of 1 % down (80 % → 70 % in the course notebook)
        target = int(before["readouts"]["a"]) - 10
        handle = page.locator(f"{root} .kam-abc-a-slider .noUi-handle")
        readout = page.locator(f"{root} .kam-abc-a-slider .widget-readout")
        for _ in range(30):  # re-focus on every step: a focus taken away costs a step, not the test
            if int(readout.text_content()) <= target:
                break
            handle.focus()
            page.keyboard.press("ArrowLeft")
        page.wait_for_function(SETTLED_ABC, arg=[root, float(before["readouts"]["a"])])
        after = page.evaluate(READ_ABC, root)
        page.locator(root).screenshot(path=str(ARTIFACTS / "03_abc_xyz_after.png"))

        assert after["error"] is None, after["error"]
        a_shown = int(after["readouts"]["a"])
        assert a_shown == target
        assert float(after["data"]["abcA"]) == a_shown / 100  # the threshold the page shows is the one used
        expected = _expected_matrix(orders, after["data"])
        assert after["cells"] == expected
        assert after["cells"] != before["cells"]  # moving A by 10 points re-cuts the sample company
        rows = {c: sum(n for k, n in expected.items() if k.startswith(c)) for c in "ABC"}
        assert {c: after["classes"][c] for c in "ABC"} == rows


def test_abc_method_toggle_switches_xyz_as_kamlib_says(session):
    """The course teaches XYZ by purchase frequency: the explorer starts there, and its toggle switches to CV."""
    root = ABC_ROOT
    with _abc_explorer(session, "03_abc_xyz_method") as (page, orders, before):
        page.locator(root).screenshot(path=str(ARTIFACTS / "03_abc_xyz_frequency.png"))
        page.locator(f"{root} .kam-abc-method button", has_text="CV").click()
        page.wait_for_function(SETTLED_METHOD, arg=[root, "cv"])
        after = page.evaluate(READ_ABC, root)
        page.locator(root).screenshot(path=str(ARTIFACTS / "03_abc_xyz_cv.png"))

        assert before["error"] is None and after["error"] is None, (before["error"], after["error"])
        # before: the course's default, frequency with abc_xyz's default cut-offs (Z below 1/3, X from 3/4)
        assert before["data"]["method"] == "frequency"
        assert json.loads(before["data"]["settings"])["method"] == "frequency"
        assert (before["readouts"]["x"], before["readouts"]["y"]) == ("33", "75")
        assert "Z below" in before["labels"]["x"] and "X from" in before["labels"]["y"]
        assert "frequency" in before["method"] and "frequency" in before["xyzLine"]
        assert before["cells"] == _expected_matrix(orders, before["data"])
        default = kamlib.abc_xyz_matrix(kamlib.abc_xyz(orders, as_of=json.loads(before["data"]["settings"])["as_of"]))
        assert {x: before["classes"][x] for x in "XYZ"} == {x: int(default.counts[x].sum()) for x in "XYZ"}
        # after: CV with its own defaults (X below 10 %, Y up to 25 %), the sliders relabelled, the matrix re-cut
        assert after["data"]["method"] == "cv" and json.loads(after["data"]["settings"])["method"] == "cv"
        assert (float(after["data"]["xyzX"]), float(after["data"]["xyzY"])) == (0.10, 0.25)
        assert (after["readouts"]["x"], after["readouts"]["y"]) == ("10", "25")
        assert "X below" in after["labels"]["x"] and "CV" in after["labels"]["y"]
        assert "CV" in after["method"] and "CV" in after["xyzLine"]
        assert after["cells"] == _expected_matrix(orders, after["data"])
        assert after["cells"] != before["cells"]
        assert {c: after["classes"][c] for c in "ABC"} == {c: before["classes"][c] for c in "ABC"}  # ABC untouched


READ_NPS = """(root) => {
    const box = document.querySelector(root);
    const result = box.querySelector('.kam-nps-result .kam-result');
    const count = (name) => Number(box.querySelector(`.kam-nps-${name} input`).value);
    const value = result.querySelector('.kam-nps-value');
    return {data: {...result.dataset}, shown: value ? value.textContent.trim() : null,
            counts: {promoters: count('promoters'), passives: count('passives'), detractors: count('detractors')},
            error: result.querySelector('.kam-error') ? result.textContent : null};
}"""

SETTLED_NPS = """([root, n]) => {
    const result = document.querySelector(root).querySelector('.kam-nps-result .kam-result');
    return result.dataset.n === String(n);
}"""


def _signed(value: float) -> str:
    text = f"{value:+.0f}"
    return "0" if text in ("+0", "-0") else text.replace("-", "−")


def test_nps_calculator_shows_what_kamlib_nps_says(session):
    relative, root = NPS_NOTEBOOK, f"{PANEL} .kam-nps-calculator"
    page = session.context.new_page()
    with screenshots_on_failure(page, "07_loyalty_nps"):
        open_and_run_all(session, page, relative)
        wait_for_widget(page, root, ".kam-nps-result", relative, session.origin[relative])
        before = page.evaluate(READ_NPS, root)
        assert before["error"] is None, before["error"]
        page.locator(root).screenshot(path=str(ARTIFACTS / "07_loyalty_nps_before.png"))

        added = 25  # 25 more detractors: NPS must fall
        box = page.locator(f"{root} .kam-nps-detractors input")
        box.fill(str(before["counts"]["detractors"] + added))
        box.press("Enter")
        n_after = sum(before["counts"].values()) + added
        page.wait_for_function(SETTLED_NPS, arg=[root, n_after])
        after = page.evaluate(READ_NPS, root)
        page.locator(root).screenshot(path=str(ARTIFACTS / "07_loyalty_nps_after.png"))

    assert after["error"] is None, after["error"]
    counts = after["counts"]
    assert counts["detractors"] == before["counts"]["detractors"] + added
    want = kamlib.nps(np.repeat([10, 8, 0], [counts["promoters"], counts["passives"], counts["detractors"]]))
    assert float(after["data"]["nps"]) == pytest.approx(want.nps)
    assert int(after["data"]["n"]) == want.n == n_after
    assert float(after["data"]["ciLow"]) == pytest.approx(want.ci_low)
    assert float(after["data"]["ciHigh"]) == pytest.approx(want.ci_high)
    assert after["shown"] == _signed(want.nps)
    assert float(after["data"]["nps"]) < float(before["data"]["nps"])
    session.lab.shutdown_kernel_of(relative)
    page.close()

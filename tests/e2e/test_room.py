"""The room server end to end: ``workbook.py room`` on loopback, two learners log in with Chromium.

What it proves: one command starts JupyterHub with the pure-Python proxy; a learner logs in with
the generated password and lands in JupyterLab on their OWN copy of the course; another learner
cannot reach the first one's server; what a learner saves is where the class table reads it
(``workbook.py grade ROOM/class``); ``room --stop`` stops the hub, the proxy and the learners'
servers.

Everything is private to the test: the room folder is a temporary one (``--folder``), the port a
free loopback port, Chromium is Debian's (``/usr/bin/chromium``) with a fresh context. Every
process the test started is stopped — ``room --stop`` first, then the command's process group,
then, by PID, any process seen under it that is still alive. A watchdog fails the test after
``OVERALL_TIMEOUT`` seconds (150; env ``KAM_ROOM_TIMEOUT``; on an idle 2-core machine it takes about 40). Screenshots go to ``artifacts/e2e/``.
Skipped, not failed, only when Chromium is not installed.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[2]
T0 = time.monotonic()
ARTIFACTS = ROOT / "artifacts" / "e2e"
OVERALL_TIMEOUT = float(os.environ.get("KAM_ROOM_TIMEOUT", 150))
WAIT_MS = 45_000

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=os.environ.get("KAM_NO_CHROMIUM") or f"Chromium is not installed at {CHROMIUM}",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Room:
    """``workbook.py room`` in a temporary folder; remembers every process under it to stop them for sure."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = _free_port()
        self.log = folder.parent / "room.log"
        self.proc: subprocess.Popen | None = None
        self.seen: set[int] = set()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *options: str) -> list[str]:
        return [sys.executable, str(ROOT / "workbook.py"), "room", "--folder", str(self.folder), *options]

    def start(self) -> None:
        with self.log.open("w") as log:
            self.proc = subprocess.Popen(self.command("--learners", "anna ben", "--port", str(self.port)),
                                         cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                         start_new_session=True)
        deadline = time.monotonic() + 60
        while "the room is open" not in self.text():
            self.remember()
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError("the room did not open:\n" + self.text())
            time.sleep(0.2)

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def remember(self) -> None:
        import psutil

        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(psutil.Error):
                self.seen.update(p.pid for p in psutil.Process(self.proc.pid).children(recursive=True))

    def alive(self) -> list[int]:
        import psutil

        out = []
        for pid in sorted(self.seen):
            with contextlib.suppress(psutil.Error):
                if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                    out.append(pid)
        return out

    def kill_all(self) -> None:
        import psutil

        self.remember()
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        for pid in self.alive():
            with contextlib.suppress(psutil.Error):
                psutil.Process(pid).kill()


def _passwords(folder: Path) -> dict[str, str]:
    lines = (folder / "passwords.txt").read_text(encoding="utf-8").splitlines()
    return dict(line.split() for line in lines if line.strip())


def _submit_login(browser, room: Room, name: str, password: str):
    """A fresh browser context that has submitted ``name``'s login form (the hub starts their server)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(f"{room.base}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit", no_wait_after=True)
    return context, page


def _wait_for_lab(page, name: str) -> None:
    """JupyterLab of ``name`` on their copy: the start page open, the file browser showing the course's notebooks."""
    page.wait_for_url(f"**/user/{name}/lab/**", timeout=WAIT_MS)
    page.locator(".jp-DirListing-item", has_text="01_").first.wait_for(timeout=WAIT_MS)
    page.locator(".jp-NotebookPanel-toolbar").first.wait_for(timeout=WAIT_MS)
    print(f"{name}: JupyterLab on the course copy after {time.monotonic() - T0:.1f} s")


def test_two_learners_log_in_to_their_own_copies_and_are_graded(tmp_path):
    from playwright.sync_api import sync_playwright

    from kamlib.course._checking import MIME
    from kamlib.course.grade import grade_folder

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # (as root the learners' servers run as `nobody`, who must be able to enter the room folder:
    # pytest's tmp_path is private to root, so the room goes in a folder of its own under /tmp)
    import shutil
    import tempfile

    top = Path(tempfile.mkdtemp(prefix="kam-room-test-"))
    os.chmod(top, 0o755)
    room = Room(top / "room")
    timed_out = threading.Event()

    def watchdog() -> None:
        timed_out.set()
        room.kill_all()

    timer = threading.Timer(OVERALL_TIMEOUT, watchdog)
    timer.daemon = True
    timer.start()
    started = time.monotonic()
    try:
        room.start()
        print(f"room open after {time.monotonic() - T0:.1f} s")
        text = room.text()
        assert f"listening on 127.0.0.1:{room.port} only" in text
        assert (room.folder / "hub" / "jupyterhub.sqlite").exists()
        assert oct((room.folder / "passwords.txt").stat().st_mode & 0o777) == "0o600"
        passwords = _passwords(room.folder)
        assert set(passwords) == {"trainer", "anna", "ben"}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                # a wrong password is refused
                page = browser.new_page()
                page.goto(f"{room.base}/hub/login")
                page.fill("#username_input", "anna")
                page.fill("#password_input", "not-her-password")
                page.click("#login_submit")
                page.locator("text=Invalid username or password").wait_for(timeout=WAIT_MS)
                page.close()

                # both learners log in at once, as a room does; the hub starts both servers
                anna, anna_page = _submit_login(browser, room, "anna", passwords["anna"])
                ben, ben_page = _submit_login(browser, room, "ben", passwords["ben"])
                _wait_for_lab(anna_page, "anna")
                room.remember()
                anna_page.screenshot(path=str(ARTIFACTS / "room-anna.png"))
                listing = anna.request.get(f"{room.base}/user/anna/api/contents/exercises").json()
                assert "00_warmup.ipynb" in {item["name"] for item in listing["content"]}
                # anna saves her work through her server, as JupyterLab does
                model = anna.request.get(f"{room.base}/user/anna/api/contents/exercises/00_warmup.ipynb").json()
                nb = model["content"]
                for cell in nb["cells"]:
                    if cell["cell_type"] == "code" and cell["source"] == "ex.q1.check()":
                        cell["outputs"] = [{"output_type": "display_data", "metadata": {}, "data": {
                            "text/plain": "✓ q1: correct.",
                            MIME: {"exercise": "00_warmup", "question": "q1", "status": "correct"}}}]
                    if cell["cell_type"] == "code" and cell["source"].startswith("# your code here\ntop_share"):
                        cell["source"] = 'totals = sales.groupby("client_id")["revenue"].sum()\n' \
                                         "top_share = totals.max() / totals.sum()"
                xsrf = next(c["value"] for c in anna.cookies() if c["name"] == "_xsrf")
                saved = anna.request.put(f"{room.base}/user/anna/api/contents/exercises/00_warmup.ipynb",
                                         data=json.dumps({"type": "notebook", "format": "json", "content": nb}),
                                         headers={"X-XSRFToken": xsrf, "Content-Type": "application/json"})
                assert saved.ok, saved.text()

                _wait_for_lab(ben_page, "ben")
                room.remember()
                ben_page.screenshot(path=str(ARTIFACTS / "room-ben.png"))
                # ben's copy is his own: anna's answer is not in it, and anna's server is closed to him
                his = ben.request.get(f"{room.base}/user/ben/api/contents/exercises/00_warmup.ipynb").json()
                assert "top_share = totals.max()" not in json.dumps(his["content"])
                other = ben.request.get(f"{room.base}/user/anna/api/contents/exercises", max_redirects=0)
                assert other.status != 200 or "content" not in other.text()
                anna.close()
                ben.close()
            finally:
                browser.close()
        # the class table reads the learners' copies in the room folder
        grades = grade_folder(room.folder / "class")
        assert grades.summary().loc[["anna", "ben"], "00"].tolist() == ["1/6", "–"]
        assert (room.folder / "class" / "anna" / "notebooks" / "00_start_here.ipynb").exists()
        # stopping: the documented command stops the hub, the proxy and both learners' servers
        room.remember()
        assert len(room.seen) >= 3, room.seen  # hub, proxy, two learners' servers (and their kernels)
        stopped = subprocess.run(room.command("--stop"), cwd=ROOT, capture_output=True, text=True, timeout=90)
        assert stopped.returncode == 0 and "stopped" in stopped.stdout, stopped.stdout + stopped.stderr
        room.proc.wait(timeout=30)
        deadline = time.monotonic() + 15
        while room.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert room.alive() == [], "processes left running after room --stop"
    finally:
        timer.cancel()
        room.kill_all()
        (ARTIFACTS / "room.log").write_text(room.text())
        shutil.rmtree(top, ignore_errors=True)
    assert not timed_out.is_set(), f"the room test took longer than {OVERALL_TIMEOUT} s"
    print(f"the whole test: {time.monotonic() - started:.1f} s")

"""The README's course command really starts JupyterLab on the start page (here as whoever runs the tests)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_course_command_serves_the_start_page():
    port, token = _free_port(), "kam-test-token"
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "workbook.py"), "course", f"--port={port}", "--no-browser",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    printed = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                pytest.fail("the course command exited early:\n" + "".join(printed))
            printed.append(line)
            if "Jupyter Server" in line and "is running at" in line:
                break
        else:
            pytest.fail("no address printed within 60 s:\n" + "".join(printed))
        text = "".join(printed)
        assert f"http://localhost:{port}/lab/tree/notebooks/00_start_here.ipynb?token={token}" in text, text
        base = f"http://127.0.0.1:{port}"
        for _ in range(40):  # the address is printed just before the server accepts connections
            try:
                page = urllib.request.urlopen(f"{base}/lab/tree/notebooks/00_start_here.ipynb?token={token}", timeout=20)
                break
            except urllib.error.URLError:
                time.sleep(0.25)
        assert page.status == 200
        api = urllib.request.urlopen(f"{base}/api/contents/notebooks/00_start_here.ipynb?token={token}", timeout=20)
        model = json.load(api)
        assert model["type"] == "notebook" and model["content"]["cells"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

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


def _start(*options: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "workbook.py"), "course", *options, "--no-browser"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@pytest.mark.parametrize("spelling", ["--port N", "--port=N"])
def test_course_command_serves_the_start_page(spelling):
    port, token = _free_port(), "kam-test-token"
    port_options = ["--port", str(port)] if spelling == "--port N" else [f"--port={port}"]
    proc = _start(*port_options, "--ip", "127.0.0.1", f"--IdentityProvider.token={token}")
    printed = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                pytest.fail("the course command exited early:\n" + "".join(printed))
            printed.append(line)
            if line.startswith("[workbook]") and "?token=" in line:
                break
        else:
            pytest.fail("no address printed within 60 s:\n" + "".join(printed))
        text = "".join(printed)
        assert "is running" in text  # the address comes once the server answers, never before
        assert f"http://localhost:{port}/lab/tree/notebooks/00_start_here.ipynb?token={token}" in text, text
        base = f"http://127.0.0.1:{port}"
        page = urllib.request.urlopen(f"{base}/lab/tree/notebooks/00_start_here.ipynb?token={token}", timeout=20)
        assert page.status == 200
        api = urllib.request.urlopen(f"{base}/api/contents/notebooks/00_start_here.ipynb?token={token}", timeout=20)
        model = json.load(api)
        assert model["type"] == "notebook" and model["content"]["cells"]
    finally:
        _stop(proc)


def test_course_command_prints_no_address_when_the_port_is_taken():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = _start("--port", str(port), "--ip", "127.0.0.1")
        try:
            out, _ = proc.communicate(timeout=60)
        finally:
            _stop(proc)
    assert proc.returncode == 1
    assert f"port {port} is already in use on 127.0.0.1: nothing was started" in out
    assert "token=" not in out and "http://" not in out


def test_options_taking_values_are_joined():
    sys.path.insert(0, str(ROOT))
    try:
        import workbook
    finally:
        sys.path.remove(str(ROOT))
    assert workbook._join_values(["--port", "8891", "--no-browser", "--ServerApp.ip", "0.0.0.0", "x.ipynb"]) == [
        "--port=8891", "--no-browser", "--ServerApp.ip=0.0.0.0", "x.ipynb"]
    assert workbook._join_values(["--port=1", "--port", "--no-browser"]) == ["--port=1", "--port", "--no-browser"]


def test_grade_command_is_the_library_command(tmp_path):
    """`python3 workbook.py grade` wraps kamlib.course.grade: same table, same exit codes."""
    (tmp_path / "class" / "anna").mkdir(parents=True)
    (tmp_path / "class" / "anna" / "00_warmup.ipynb").write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": 'ex = exercise("00_warmup", globals())', "outputs": []}]}))
    proc = subprocess.run([sys.executable, str(ROOT / "workbook.py"), "grade", str(tmp_path / "class")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[2].split() == ["anna", "0/6", "0", "0"]
    missing = subprocess.run([sys.executable, str(ROOT / "workbook.py"), "grade", str(tmp_path / "nope")],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "nope is not a folder" in missing.stderr
    helped = subprocess.run([sys.executable, str(ROOT / "workbook.py"), "grade", "--help"],
                            capture_output=True, text=True, timeout=120)
    assert helped.returncode == 0 and helped.stdout.startswith("usage: python3 workbook.py grade")


@pytest.mark.parametrize("with_filter", [True, False])
def test_vendored_packages_are_unpacked_only_inside_their_folder(tmp_path, monkeypatch, with_filter):
    """npm packages for offline slides: plain files unpack; a member pointing outside is refused, with or
    without tarfile's "data" filter (Debian 12's python3 is 3.11.2, which lacks it)."""
    import importlib.util
    import io
    import tarfile

    spec = importlib.util.spec_from_file_location("workbook_script", ROOT / "workbook.py")
    workbook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workbook)
    if not with_filter:
        monkeypatch.delattr(tarfile, "data_filter", raising=False)

    def archive(name: str) -> tarfile.TarFile:
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
            info = tarfile.TarInfo(name)
            info.size = 5
            tar.addfile(info, io.BytesIO(b"hello"))
        buffer.seek(0)
        return tarfile.open(fileobj=buffer)

    with archive("package/katex.js") as tar:
        workbook._extract_safely(tar, tmp_path)
    assert (tmp_path / "package" / "katex.js").read_bytes() == b"hello"
    with archive("../outside.js") as tar, pytest.raises((SystemExit, tarfile.TarError)):
        workbook._extract_safely(tar, tmp_path / "inner")
    assert not (tmp_path / "outside.js").exists()

"""kamlib.write_sample (and `kam sample`) write all-or-nothing: temp files, then into place; never through a link."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import kamlib
from kamlib import KamArgumentError
from kamlib.data import _sample

NAMES = [f"{name}.csv" for name in _sample.TABLE_NAMES]


def _listing(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_symbolic_link_is_never_written_through(tmp_path):
    outside = tmp_path / "precious.csv"
    outside.write_text("keep me\n", encoding="utf-8")
    folder = tmp_path / "sample"
    folder.mkdir()
    (folder / "orders.csv").symlink_to(outside)
    with pytest.raises(KamArgumentError, match="would be overwritten"):
        kamlib.write_sample(folder)  # the link counts as an existing file, even to a missing target
    assert _listing(folder) == ["orders.csv"]
    kamlib.write_sample(folder, overwrite=True)
    assert outside.read_text(encoding="utf-8") == "keep me\n"  # the link was replaced, not its target
    assert not (folder / "orders.csv").is_symlink()
    assert (folder / "orders.csv").read_text(encoding="utf-8").startswith("order_id,")
    assert _listing(folder) == sorted(NAMES)
    dangling = tmp_path / "other"
    dangling.mkdir()
    (dangling / "clients.csv").symlink_to(tmp_path / "nowhere.csv")
    with pytest.raises(KamArgumentError, match="would be overwritten"):
        kamlib.write_sample(dangling)
    assert not (tmp_path / "nowhere.csv").exists()


def test_a_file_that_appears_meanwhile_is_not_replaced_and_nothing_is_left(tmp_path, monkeypatch):
    folder = tmp_path / "sample"
    real = _sample.generate_sample

    def generate_and_race(seed):
        tables = real(seed)
        folder.mkdir(exist_ok=True)
        (folder / NAMES[2]).write_text("written by someone else\n", encoding="utf-8")  # between check and write
        return tables

    monkeypatch.setattr(_sample, "generate_sample", generate_and_race)
    with pytest.raises(KamArgumentError, match="would be overwritten"):
        kamlib.write_sample(folder)
    assert _listing(folder) == [NAMES[2]]  # the files placed before it were taken back, no temporary file left
    assert (folder / NAMES[2]).read_text(encoding="utf-8") == "written by someone else\n"


def test_a_full_disk_leaves_no_half_written_file(tmp_path):
    """A file-size limit of 100 kB (the orders table is bigger) stands in for a full disk: a real write error."""
    folder = tmp_path / "sample"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    script = textwrap.dedent(f"""
        import resource, signal, sys
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)   # a write beyond the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
        import kamlib
        try:
            kamlib.write_sample({str(folder)!r})
        except kamlib.KamError as exc:
            print(exc)
            sys.exit(1)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "the sample could not be written (File too large); no file was left half-written" in proc.stdout
    assert _listing(folder) == ["notes.txt"]


def test_files_get_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        paths = kamlib.write_sample(tmp_path / "s")
    finally:
        os.umask(umask)
    assert {oct(p.stat().st_mode & 0o777) for p in paths} == {"0o644"}

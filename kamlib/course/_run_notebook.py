"""Run one notebook for ``grade --execute`` (started by :mod:`kamlib.course.grade` in a temporary copy).

    python -m kamlib.course._run_notebook NOTEBOOK RESULT SECONDS

Executes every cell of ``NOTEBOOK`` in a fresh kernel (errors do not stop the run), for at most
``SECONDS`` in all, and writes ``{"notebook": <the executed notebook>, "error": <why it stopped
early, or null>}`` to ``RESULT``. The kernel's own warnings go to this process's output (the
grader keeps them in a log beside the copy) instead of the trainer's terminal.
"""

from __future__ import annotations

import json
import logging
import sys
import threading


def main(argv: list[str]) -> int:
    import nbformat
    from nbclient import NotebookClient

    notebook, result, seconds = argv[0], argv[1], float(argv[2])
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(nb, timeout=max(1, int(seconds)) + 5, allow_errors=True, kernel_name="python3",
                            resources={"metadata": {"path": "."}}, log=logging.getLogger("run"))
    error = None
    timer = threading.Timer(seconds, _stop)
    timer.daemon = True
    timer.start()
    try:
        client.execute()
    except Exception as exc:  # a timeout or a dead kernel: keep what ran
        text = str(exc).strip().splitlines()
        error = f"{type(exc).__name__}: {text[0] if text else ''}".strip(": ")
    finally:
        timer.cancel()
    failed = [i for i, c in enumerate(nb.cells)
              if c.cell_type == "code" and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
    with open(result, "w", encoding="utf-8") as fh:
        json.dump({"notebook": nb, "error": error, "timed_out": _TIMED_OUT.is_set(), "failed_cells": failed}, fh)
    return 0


_TIMED_OUT = threading.Event()


def _stop() -> None:
    """The whole-notebook limit: kill the kernel and whatever it started; the run then ends."""
    import psutil

    _TIMED_OUT.set()
    for child in psutil.Process().children(recursive=True):
        try:
            child.kill()
        except psutil.Error:
            pass


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(main(sys.argv[1:]))

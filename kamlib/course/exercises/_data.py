"""The default data of the exercises that work on the sample company.

An exercise notebook passes the learner's own tables to ``exercise(..., data=...)`` when its
``DATA`` parameter names a folder; with ``DATA = None`` it passes nothing and the exercise falls
back on :func:`course_data` — the same tables the course notebooks read, found relative to the
package rather than to the notebook, so the solved version (``exercises/solved/``), the learner
version (``exercises/``) and a copy kept anywhere else all load them alike.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SAMPLE_FOLDER", "course_data"]

SAMPLE_FOLDER = Path(__file__).resolve().parents[3] / "data"
"""The course's ``data/`` folder (beside ``kamlib/`` in the course repository)."""


def course_data():
    """The sample company as the course reads it: ``kamlib.read_folder`` on the ``data/`` folder.

    Where the package is installed without the course folder, ``kamlib.load_sample()`` builds the
    same tables (a test of the data package proves the committed files equal the generator's output).
    """
    import kamlib

    if (SAMPLE_FOLDER / "orders.csv").is_file():
        return kamlib.read_folder(SAMPLE_FOLDER)
    return kamlib.load_sample()

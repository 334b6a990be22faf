"""The exercise definitions, one module per exercise notebook.

``exNN_topic.py`` defines ``EXERCISE`` (a :class:`kamlib.course._checking.Exercise`) for the
notebook ``exercises/solved/NN_topic.ipynb`` and its learner version
``exercises/NN_topic.ipynb``. A notebook binds it with
``ex = exercise("NN_topic", globals(), data=...)``.

Examples
--------
>>> "00_warmup" in available()
True
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["available"]

_MODULE = re.compile(r"ex(\d\d_\w+)\.py")


def available() -> list[str]:
    """The ids of the built-in exercises (``"00_warmup"``, ``"01_…"``, …), sorted."""
    here = Path(__file__).parent
    return sorted(m.group(1) for p in here.iterdir() if (m := _MODULE.fullmatch(p.name)))

"""JupyterHub configuration of the room server, started by ``python3 workbook.py room``.

See :mod:`kamlib.course.room` (its docstring says what the room exposes). The room's folder
comes from the environment variable ``KAM_ROOM``; everything else from ``room.configure()``.
Imported as an ordinary module (e.g. by pytest collecting doctests) it does nothing.
"""

import os
from pathlib import Path

from kamlib.course.room import configure

try:
    config = c  # noqa: F821 - JupyterHub runs this file with its config object `c` defined
except NameError:
    config = None
if config is not None:
    configure(config, Path(os.environ["KAM_ROOM"]))

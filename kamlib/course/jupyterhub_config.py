# JupyterHub configuration of the room server, started by `python3 workbook.py room`
# (kamlib/course/room.py, whose docstring says what it exposes). The room's folder comes
# from the environment variable KAM_ROOM; everything else from room.configure().
import os
from pathlib import Path

from kamlib.course.room import configure

configure(c, Path(os.environ["KAM_ROOM"]))  # noqa: F821 - `c` is given by JupyterHub

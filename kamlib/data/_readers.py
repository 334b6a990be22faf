"""Old home of the readers, kept so ``from kamlib.data._readers import ...`` still works.

The reader is now the package :mod:`kamlib.data.read`, one file per step of its pipeline.
"""

from .read import *  # noqa: F401,F403
from .read import __all__  # noqa: F401
from .read._report import _read_as_text  # noqa: F401  (used by kamlib/_report.py)

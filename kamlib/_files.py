"""Writing a user's output file safely: whole or not at all, and never over a file without ``force``.

Shared by the ``kam`` commands (:mod:`kamlib.cli`) and the class table (:mod:`kamlib.course.grade`).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: Path, write: Callable[[Path], None], force: bool) -> None:
    """Write through a temporary file in the same folder, then move it into place.

    Without ``force`` the move is a hard link, which fails if ``path`` appeared meanwhile,
    so a file is never replaced by accident (where hard links are not possible, the
    existence is checked just before a rename). Raises :class:`FileExistsError` then.

    >>> import tempfile
    >>> from pathlib import Path
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "a.txt", lambda tmp: tmp.write_text("one"), force=False)
    >>> try:
    ...     write_atomic(folder / "a.txt", lambda tmp: tmp.write_text("two"), force=False)
    ... except FileExistsError:
    ...     print("kept:", (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir()))
    kept: one ['a.txt']
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the file the usual permissions
        if force:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:  # no hard links here (some network or FAT file systems)
                if path.exists():
                    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path)) from None
                os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)

"""Which OS user runs learners' code: ``nobody`` when the course runs as root, else the current user.

Shared by the class table's ``--execute`` (:mod:`kamlib.course.grade`) and the room server
(:mod:`kamlib.course.room`), so both drop root privileges the same way.
"""

from __future__ import annotations

import os


def unprivileged() -> tuple[int, int] | None:
    """``(uid, gid)`` of ``nobody`` when running as root, else None (run as the current user).

    >>> result = unprivileged()
    >>> result is None or (isinstance(result, tuple) and len(result) == 2)
    True
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    try:
        import pwd

        user = pwd.getpwnam("nobody")
    except (ImportError, KeyError):
        return None
    return user.pw_uid, user.pw_gid

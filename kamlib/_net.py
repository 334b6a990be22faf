"""Two checks for local servers, standard library only.

Used by ``workbook.py`` (which runs before the project's environment exists, with the system
Python) and by the classroom server (:mod:`kamlib.course.room`).
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request


def port_free(host: str, port: int) -> bool:
    """Whether ``port`` on ``host`` (IPv4 or IPv6) can be bound now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def answers(url: str) -> bool:
    """Whether an HTTP server answers at ``url`` (any status counts: it is up)."""
    try:
        urllib.request.urlopen(url, timeout=2).close()
        return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False

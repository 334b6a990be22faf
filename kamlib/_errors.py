"""One exception family for everything ``kamlib`` refuses.

A notebook or the ``kam`` command line catches :class:`KamError` and shows its
message as one clear line; the subclasses say whether the data or an argument
was at fault.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["KamError", "KamDataError", "KamArgumentError", "KamDataWarning"]


class KamError(Exception):
    """Base class of every error ``kamlib`` raises on purpose."""


class KamArgumentError(KamError, ValueError):
    """An argument has a value the function cannot use (the message says what is valid)."""


class KamDataError(KamError, ValueError):
    """A table or a file does not hold what the function needs.

    Parameters
    ----------
    message : str
        The whole human-readable message.
    file : str, optional
        The file the data came from, when there is one.
    column : str, optional
        The column at fault.
    rows : sequence, optional
        The rows at fault, counted as the user sees them: file *lines* for CSV
        and Excel (the header is line 1), rows counted from 1 for Parquet, and
        index labels for a DataFrame.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        column: str | None = None,
        rows: Sequence[int] | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.column = column
        self.rows = list(rows) if rows is not None else []


class KamDataWarning(UserWarning):
    """Rows were excluded from a table; the message says how many and why."""

"""Shared machinery of the concentration, NPS and lost-client measures.

Big order tables (millions of lines) are reduced to integer codes once — one code
per client, per department, per manager — and everything after that is
``numpy.bincount`` and sorting on those codes. Columns a table lacks (the
department of an order line, say) are looked up per *client* in the ``clients``
table, never per line, so the join costs as much as the number of clients.

Nothing here is public; the public functions validate their arguments first and
then call these helpers.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._errors import KamArgumentError
from ._prep import _fixed_width_codes
from .._validate import check_columns, check_frame, check_no_missing, check_unique
from ..labels import t

__all__ = ["OrderKeys", "as_columns", "missing_group_label"]


def as_columns(by: str | Sequence[str] | None, argument: str) -> list[str]:
    """``by`` as a list of column names (``None`` → empty list)."""
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    cols = list(by)
    if not all(isinstance(c, str) for c in cols):
        raise KamArgumentError(
            t("errors.bad_argument", argument=argument, value=by, valid=t("measures_errors.column_names"))
        )
    return cols


def missing_group_label(column: str) -> str:
    """The label that stands for an empty group cell, e.g. ``"(no department)"``."""
    return t("measures.no_group", column=column)


def _factorize(values: pd.Series | pd.Index | np.ndarray) -> tuple[np.ndarray, pd.Index]:
    """Integer codes (int64, 0..k-1, in order of first appearance) and the k distinct values.

    A categorical is read from its codes (no hashing); unused categories are dropped.
    """
    if isinstance(values, (pd.Series, pd.Index)) and isinstance(values.dtype, pd.CategoricalDtype):
        cat = values.array if isinstance(values, pd.Series) else values.values
        codes = np.asarray(cat.codes, dtype=np.int64)
        used = np.bincount(codes[codes >= 0], minlength=len(cat.categories)) > 0
        if used.all():
            return codes, pd.Index(cat.categories)
        remap = np.cumsum(used) - 1
        return np.where(codes >= 0, remap[codes], -1), pd.Index(cat.categories[used])
    if isinstance(values, pd.Series):
        fast = _fixed_width_codes(values)  # same codes as pandas, several times faster on ids like "C000123"
        if fast is not None:
            return np.asarray(fast[0], dtype=np.int64), fast[1]
        codes, uniques = values.array.factorize()
    else:
        codes, uniques = pd.factorize(values)
    return np.asarray(codes, dtype=np.int64), pd.Index(uniques)


class OrderKeys:
    """Integer keys of the lines of one table, by any column of it or of ``clients``.

    Parameters
    ----------
    frame : DataFrame
        The table whose lines are keyed (orders or NPS responses); has ``client_id``
        whenever a column must come from ``clients``.
    clients : DataFrame or None
        The clients table, used for columns ``frame`` lacks.
    argument : str
        Name of ``frame``'s argument, for messages.
    """

    def __init__(self, frame: pd.DataFrame, clients: pd.DataFrame | None, *, argument: str) -> None:
        self.frame = frame
        self.clients = clients
        self.argument = argument
        self._client: tuple[np.ndarray, pd.Index] | None = None
        self._client_table: pd.DataFrame | None = None

    # -- checks -------------------------------------------------------------------------------
    def check(self, columns: Sequence[str]) -> None:
        """Raise a clear error unless every column is in the frame or can come from ``clients``."""
        own = [c for c in columns if c in self.frame.columns]
        foreign = [c for c in columns if c not in self.frame.columns]
        if own:
            check_no_missing(self.frame, [c for c in own if c == "client_id"], argument=self.argument)
        if not foreign:
            return
        if self.clients is None:
            check_columns(self.frame, foreign, argument=self.argument)  # raises: names what is missing
        check_frame(self.clients, "clients")
        check_columns(self.frame, ["client_id"], argument=self.argument)
        check_no_missing(self.frame, ["client_id"], argument=self.argument)
        check_columns(self.clients, ["client_id", *foreign], argument="clients")
        check_no_missing(self.clients, ["client_id"], argument="clients")
        check_unique(self.clients, ["client_id"], argument="clients")

    # -- keys ---------------------------------------------------------------------------------
    def client(self) -> tuple[np.ndarray, pd.Index]:
        """Codes of ``client_id`` per line and the distinct client ids."""
        if self._client is None:
            self._client = _factorize(self.frame["client_id"])
        return self._client

    def client_attribute(self, column: str) -> pd.Series:
        """``column`` of ``clients`` for each distinct client of the frame (NaN when unknown)."""
        if self._client_table is None:
            assert self.clients is not None
            self._client_table = self.clients.set_index("client_id")
        _, uniques = self.client()
        return self._client_table[column].reindex(uniques)

    def key(self, column: str) -> tuple[np.ndarray, pd.Index]:
        """Codes per line of ``column`` and its distinct values; empty cells get ``"(no column)"``."""
        if column == "client_id" or column in self.frame.columns:
            codes, uniques = _factorize(self.frame[column])
        else:
            ccodes, _ = self.client()
            per_client = self.client_attribute(column)
            acodes, uniques = _factorize(per_client)
            codes = acodes[ccodes]
        if (codes < 0).any():  # empty cells form a group of their own
            uniques = uniques.astype(object).append(pd.Index([missing_group_label(column)], dtype=object))
            codes = np.where(codes < 0, len(uniques) - 1, codes)
        return codes, uniques

    def keys(self, columns: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
        """One code per line for the combination of ``columns`` and a frame of the combinations.

        With no columns every line gets code 0 and the frame has one row and no columns.
        """
        n = len(self.frame)
        if not columns:
            return np.zeros(n, dtype=np.int64), pd.DataFrame(index=pd.RangeIndex(1))
        if len(columns) == 1:
            codes, uniques = self.key(columns[0])
            return codes, pd.DataFrame({columns[0]: uniques})
        combined = np.zeros(n, dtype=np.int64)
        parts: list[tuple[str, np.ndarray, pd.Index]] = []
        for column in columns:
            codes, uniques = self.key(column)
            combined = combined * len(uniques) + codes
            parts.append((column, codes, uniques))
        codes, uniq = pd.factorize(combined)
        codes = np.asarray(codes, dtype=np.int64)
        table = {}
        rest = np.asarray(uniq, dtype=np.int64)
        for column, _, uniques in reversed(parts):
            table[column] = uniques.take(rest % len(uniques))
            rest = rest // len(uniques)
        return codes, pd.DataFrame({c: table[c] for c in columns})


def label_rank(values: pd.Index | pd.Series | np.ndarray) -> np.ndarray:
    """Dense rank (0 = smallest) of each value in ascending order: equal values share a rank.

    Used to sort by labels and to break ties between equal numbers deterministically (by the
    label, ascending). Values of mixed types compare as text; empty cells rank last.
    """
    values = pd.Index(values)
    arrow = getattr(values.array, "_pa_array", None)
    if arrow is not None and arrow.null_count == 0 and len(values):
        import pyarrow as pa
        import pyarrow.compute as pc

        if arrow.type in (pa.string(), pa.large_string()):  # text: sorts by UTF-8 bytes = by code points
            # (the order pandas sorts Arrow text in); a dense rank without hashing the values
            ranks = pc.rank(arrow.combine_chunks(), sort_keys="ascending", tiebreaker="dense")
            return ranks.to_numpy().astype(np.int64) - 1
    try:
        codes, _ = pd.factorize(values, sort=True)
    except TypeError:
        codes, _ = pd.factorize(values.astype(str), sort=True)
    codes = np.asarray(codes, dtype=np.int64)
    return np.where(codes < 0, codes.max(initial=-1) + 1, codes)


def percent(x: float, digits: int = 1) -> str:
    """``0.2345`` → ``"23.5%"`` (``"—"`` for a missing value)."""
    return "—" if pd.isna(x) else f"{x:.{digits}%}"


def number(x: float, digits: int = 0) -> str:
    """``1234567.8`` → ``"1,234,568"`` (``"—"`` for a missing value)."""
    return "—" if pd.isna(x) else f"{x:,.{digits}f}"

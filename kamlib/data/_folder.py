"""A company's tables as one object, and reading a whole folder of them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._errors import KamDataError
from ._schema import TABLES

__all__ = ["Dataset", "read_folder", "TABLE_NAMES"]

TABLE_NAMES = tuple(TABLES)
_SUFFIXES = (".csv", ".xlsx", ".parquet")


class Dataset(dict):
    """The canonical tables of one company, by name (``data.orders`` or ``data["orders"]``)."""

    def __getattr__(self, name: str) -> pd.DataFrame:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"no table {name!r}; this dataset has: {', '.join(self) or 'no tables'}"
            ) from None

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} with {len(self)} tables:"]
        for name, frame in self.items():
            lines.append(f"  {name:<18} {frame.shape[0]:>7,} rows × {frame.shape[1]:>2} columns")
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle) -> None:  # IPython
        p.text(repr(self))



def read_folder(folder: str | Path, *, columns=None, on_error: str = "warn") -> Dataset:
    """Read every canonical table found in ``folder`` with the table's reader.

    A table is found as ``<table>.csv``, ``<table>.xlsx`` or ``<table>.parquet``
    (``orders.csv``, ``clients.xlsx``, ...); tables that are absent are simply
    not in the result, so a folder with only ``orders.csv`` works too.

    Parameters
    ----------
    folder : str or Path
        The folder to read.
    columns : dict or str or Path, optional
        A column mapping (or a TOML mapping file) passed to every reader; see
        :func:`read_table`.
    on_error : {"warn", "raise", "exclude"}, default "warn"
        What the readers do with rows they cannot use; see :func:`read_table`.

    Returns
    -------
    Dataset

    Raises
    ------
    KamDataError
        When the folder does not exist or holds no table file.

    Examples
    --------
    >>> import tempfile, kamlib
    >>> folder = tempfile.mkdtemp()
    >>> _ = kamlib.write_sample(folder)
    >>> data = kamlib.read_folder(folder)
    >>> data.orders.equals(kamlib.load_sample().orders)
    True
    """
    from ..labels import t
    from .read import read_table

    folder = Path(folder)
    if not folder.is_dir():
        raise KamDataError(f"{folder}: no such folder", file=str(folder))
    found = Dataset()
    for name in TABLE_NAMES:
        for suffix in _SUFFIXES:
            path = folder / f"{name}{suffix}"
            if path.exists():
                found[name] = read_table(path, name, columns=columns, on_error=on_error)
                break
    if not found:
        expected = ", ".join(f"{n}.csv" for n in TABLE_NAMES)
        raise KamDataError(t("sample.no_tables", folder=folder, expected=expected), file=str(folder))
    return found

"""Results that show their arithmetic: staffing and funnel calculations.

A trainer puts the numbers on the board line by line; these small result
objects do the same. Each keeps its inputs and outcomes as attributes, lists
the steps as ``(step, formula, value)`` rows (:meth:`Worked.as_frame`), and
prints them as a readable block (``repr``), so a notebook cell that ends with
the result shows how it was obtained.
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["Worked", "fmt", "ceil"]


def fmt(value: float) -> str:
    """A number for a formula: whole numbers without decimals, others to 2 places.

    >>> fmt(3.0), fmt(53.846), fmt(0.2)
    ('3', '53.85', '0.2')
    """
    if isinstance(value, bool):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", " ")
    return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", " ")


def ceil(value: float) -> int:
    """Round up, ignoring float noise below 1e-9 (``ceil(2.0000000001) == 2``)."""
    return int(math.ceil(value - 1e-9))


class Worked:
    """Mixin: subclasses define ``title`` and ``_lines()`` → list of (step, formula, value)."""

    title: str = ""

    def _lines(self) -> list[tuple[str, str, object]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _summary(self) -> str:
        return ""

    def as_frame(self) -> pd.DataFrame:
        """The steps as a table with columns ``step``, ``formula``, ``value``."""
        rows = self._lines()
        return pd.DataFrame(rows, columns=["step", "formula", "value"])

    def __str__(self) -> str:
        lines = self._lines()
        width = max((len(s) for s, _, _ in lines), default=0)
        out = [self.title]
        for step, formula, value in lines:
            shown = fmt(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
            out.append(f"  {step:<{width}}  {formula} = {shown}" if formula else f"  {step:<{width}}  {shown}")
        summary = self._summary()
        if summary:
            out.append(summary)
        return "\n".join(out)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython
        printer.text(str(self))

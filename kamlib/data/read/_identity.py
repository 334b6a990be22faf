"""Step 5: identity -- ids that are one client written differently, and ids that are no client.

Two ids are *suspected duplicates* when they become equal after: Unicode NFKC
(fullwidth ``Ｃ００１`` becomes ``C001``), removing invisible characters (zero-width
space, joiners, BOM, soft hyphen), removing all spacing, casefolding, and mapping
Cyrillic and Greek letters that look like Latin ones to those (``С001`` with a
Cyrillic С). The look-alikes come from the Unicode confusables data shipped in
``confusable-homoglyphs``.

A *placeholder* id ("(blank)", "<Не указан>", "Розничный покупатель", "#NAME?", ...)
stands for no particular client: its rows are excluded from the client analyses and
listed. The list is the ``placeholders=`` argument of the readers.

Examples
--------
>>> identity_key("С001") == identity_key("c001") == identity_key("Ｃ００１") == identity_key("C\\u200b001")
True
>>> placeholder_key(" <Не указан> ") == placeholder_key("не указан")
True
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\\s]+")
_BRACKETS = "()[]{}<>\"'«»“”„`"


@lru_cache(maxsize=4096)
def _latin_of(ch: str) -> str:
    """The Latin letter a Cyrillic or Greek letter looks like (itself when none)."""
    if ch.isascii() or not ch.isalpha():
        return ch
    try:
        from confusable_homoglyphs import confusables

        found = confusables.is_confusable(ch, greedy=True, preferred_aliases=["latin"])
    except Exception:  # pragma: no cover - the package is a dependency; be safe anyway
        found = None
    if found:
        for item in found:
            for glyph in item.get("homoglyphs", ()):
                c = glyph.get("c", "")
                if len(c) == 1 and c.isascii() and c.isalpha():
                    return c
    return ch


def identity_key(value: str) -> str:
    """The form two spellings of one id share (see the module docstring)."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", value))
    return "".join(_latin_of(c) for c in text).casefold()


def placeholder_key(value: str) -> str:
    """The form a placeholder is compared in: casefolded, trimmed, brackets and quotes dropped."""
    text = unicodedata.normalize("NFKC", value).strip().strip(_BRACKETS).strip().casefold()
    return re.sub(r"\s+", " ", text)


def total_key(value: str) -> str:
    return placeholder_key(value).rstrip(":. ").strip()


def suspected_groups(uniques: pd.Index | list, counts: np.ndarray) -> list[list[int]]:
    """Positions of ``uniques`` that share an :func:`identity_key`, most frequent first in each group."""
    by_key: dict[str, list[int]] = {}
    for i, value in enumerate(uniques):
        if isinstance(value, str):
            by_key.setdefault(identity_key(value), []).append(i)
    groups = [g for g in by_key.values() if len(g) > 1]
    return [sorted(g, key=lambda i: (-counts[i], i)) for g in groups]

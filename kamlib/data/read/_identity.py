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

_INVISIBLE = re.compile("[\u00a0\u00ad\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff\\s]+")
_BRACKETS = "()[]{}<>\"'«»“”„`"
_ZERO_WIDTH = "\ufeff\u200b\u2060"  # invisible at the ends of an id or a cell: a byte-order mark, zero-width spaces


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
    text = unicodedata.normalize("NFKC", value).strip().strip(_ZERO_WIDTH).strip().strip(_BRACKETS).strip().casefold()
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


@lru_cache(maxsize=1)
def _lookalikes() -> dict[str, str]:
    """Cyrillic and Greek letters -> the Latin letter they look like (from the confusables data)."""
    out = {}
    for code in list(range(0x0370, 0x0400)) + list(range(0x0400, 0x0530)):
        ch = chr(code)
        if ch.isalpha():
            latin = _latin_of(ch)
            if latin != ch:
                out[ch] = latin
    return out


def _text(values: pd.Series) -> pd.Series:
    """Arrow-backed text (pandas then runs the string methods in pyarrow's C++ kernels)."""
    return values.astype(pd.StringDtype("pyarrow", na_value=np.nan))


def identity_keys(uniques: pd.Series) -> pd.Series:
    """:func:`identity_key` of many ids at once (vectorised; same result on ids in practice).
    Arrow-backed text, on the index of ``uniques``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = _text(uniques)
    arrow = pa.array(text.array)
    arrow = pc.utf8_normalize(arrow, form="NFKC")
    arrow = pc.replace_substring_regex(
        arrow, "[\u00a0\u00ad\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff\\s]+", "")
    arrow = pc.utf8_lower(arrow)
    ascii_ = np.asarray(pc.string_is_ascii(arrow).fill_null(True).to_numpy(zero_copy_only=False), dtype=bool)
    if not ascii_.all():  # look-alike letters -> Latin, on the ids that are not plain ASCII
        mask = pa.array(~ascii_)
        latin = _to_latin(pc.filter(arrow, mask).to_pylist())
        arrow = pc.replace_with_mask(arrow, mask, pa.array(latin, type=arrow.type))
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    return pd.Series(pd.array(arrow, dtype=dtype), index=uniques.index)


def _to_latin(values: list[str]) -> list[str]:
    """Each text with its look-alike letters replaced by Latin ones. The texts are joined and
    mapped at once, code point by code point, through a lookup table (one C call per id is
    the slow part on half a million ids)."""
    table = _latin_table()
    if not values or any("\n" in v for v in values):
        return [v.translate(_latin_map()) for v in values]
    points = np.frombuffer("\n".join(values).encode("utf-32-le"), dtype=np.uint32)
    small = points < len(table)
    mapped = np.where(small, table[np.where(small, points, 0)], points)
    return mapped.astype("<u4").tobytes().decode("utf-32-le").split("\n")


@lru_cache(maxsize=1)
def _latin_map() -> dict[int, str]:
    """The str.translate table of :func:`_lookalikes`, lower case (identity keys are lower case)."""
    return str.maketrans({k.lower(): v.lower() for k, v in _lookalikes().items()})


@lru_cache(maxsize=1)
def _latin_table() -> np.ndarray:
    """:func:`_latin_map` as a code-point lookup table (up to the last letter it maps)."""
    mapping = {k: ord(v) for k, v in _latin_map().items()}
    table = np.arange(max(mapping) + 1, dtype=np.uint32)
    for k, v in mapping.items():
        table[k] = v
    return table


def placeholder_keys(uniques: pd.Series) -> pd.Series:
    """:func:`placeholder_key` of many ids at once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    arrow = pa.array(_text(uniques).array)
    arrow = pc.utf8_normalize(arrow, form="NFKC")
    arrow = pc.utf8_trim(pc.utf8_trim_whitespace(pc.utf8_trim(pc.utf8_trim_whitespace(arrow), _ZERO_WIDTH)), _BRACKETS)
    arrow = pc.replace_substring_regex(pc.utf8_lower(pc.utf8_trim_whitespace(arrow)), "\\s+", " ")
    return pd.Series(arrow.to_pandas(), index=uniques.index)

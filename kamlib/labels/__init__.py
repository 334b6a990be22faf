"""Every user-facing word of ``kamlib`` in one place.

Class names, report headings, check messages and error messages are looked up
here by key, so that an edition in another language only needs a translated
copy of the ``en/`` folder (same file names, same keys).

Keys are ``section.name``; each ``*.toml`` file in a language folder holds one
or more ``[section]`` tables, and a key may be defined in one file only.

Examples
--------
>>> from kamlib.labels import t
>>> t("errors.missing_column", file="orders.csv", column="date", available="id, sum")
'orders.csv: column "date" is missing; the table has: id, sum'
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from .._errors import KamArgumentError

__all__ = ["t", "available_languages", "set_language", "get_language", "all_labels"]

_HERE = Path(__file__).parent
_language = "en"


def available_languages() -> list[str]:
    """Languages that have a folder of labels (``en`` always)."""
    return sorted(p.name for p in _HERE.iterdir() if p.is_dir() and not p.name.startswith("_"))


def get_language() -> str:
    """The language labels are currently taken from."""
    return _language


def set_language(language: str) -> None:
    """Switch every later label to ``language`` (a folder name such as ``"en"``)."""
    global _language
    if language not in available_languages():
        raise KamArgumentError(
            f'language "{language}" has no labels; available: {", ".join(available_languages())}'
        )
    _language = language


@cache
def all_labels(language: str = "en") -> dict[str, str]:
    """Every label of ``language`` as a flat ``{"section.name": text}`` dict."""
    out: dict[str, str] = {}
    origin: dict[str, str] = {}
    for path in sorted((_HERE / language).glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for section, table in data.items():
            if not isinstance(table, dict):
                raise KamArgumentError(f"{path.name}: top-level key {section!r} must be a [section] table")
            for name, text in table.items():
                key = f"{section}.{name}"
                if key in out:
                    raise KamArgumentError(
                        f"label {key!r} is defined twice: in {origin[key]} and {path.name}"
                    )
                out[key] = str(text)
                origin[key] = path.name
    return out


def t(key: str, /, **values: object) -> str:
    """The label for ``key`` in the current language, with ``{placeholders}`` filled.

    Falls back to English when the current language lacks the key.
    """
    labels = all_labels(_language)
    if key not in labels:
        labels = all_labels("en")
    try:
        text = labels[key]
    except KeyError:
        raise KeyError(f"no label {key!r} in kamlib/labels/{_language}/ (nor in en/)") from None
    return text.format(**values) if values else text

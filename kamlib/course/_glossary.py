"""The course glossary, as ``kamlib.glossary()`` in a notebook and ``GLOSSARY.md`` in the repository."""

from __future__ import annotations

import difflib
import html
from dataclasses import dataclass

from ..labels import all_labels, get_language, t

__all__ = ["glossary", "GlossaryEntry", "GlossaryMiss", "glossary_markdown"]


@dataclass(frozen=True)
class GlossaryEntry:
    """One term: its name, definition and the module that teaches it."""

    term: str
    definition: str
    module: str

    def __str__(self) -> str:
        return f"{self.term} ({self.module}): {self.definition}"

    __repr__ = __str__

    def _repr_markdown_(self) -> str:
        return f"**{html.escape(self.term)}** ({self.module}) — {html.escape(self.definition)}"


def _keys() -> list[str]:
    labels = all_labels(get_language())
    return [k.split(".", 1)[1] for k in labels if k.startswith("glossary.")]


def _entry(key: str) -> GlossaryEntry:
    return GlossaryEntry(t(f"glossary_term.{key}"), t(f"glossary.{key}"), t(f"glossary_module.{key}"))


def glossary(term: str | None = None):
    """Look up a term of the course, or list them all.

    Parameters
    ----------
    term : str, optional
        A term such as ``"NPS"``, ``"key account"`` or ``"hhi"`` (any case; the
        abbreviation in brackets works too). Without it, every term is returned.

    Returns
    -------
    GlossaryEntry, GlossaryMiss or pandas.DataFrame
        One entry; a table of all terms (columns ``term, module, definition``) without ``term``;
        for a term the glossary lacks, a one-line answer that suggests the closest terms (its
        truth value is False) — never an error, so a notebook cell shows a line, not a traceback.

    Examples
    --------
    >>> import kamlib
    >>> kamlib.glossary("NPS").module
    'M7'
    >>> kamlib.glossary("cv").term
    'coefficient of variation (CV)'
    >>> len(kamlib.glossary()) > 40
    True
    >>> print(kamlib.glossary("churn"))  # doctest: +ELLIPSIS
    No glossary entry for "churn" — try kamlib.glossary("lost client"), ...
    """
    if term is None:
        import pandas as pd

        rows = [_entry(k) for k in _keys()]
        return pd.DataFrame({"term": [e.term for e in rows], "module": [e.module for e in rows],
                             "definition": [e.definition for e in rows]})
    wanted = " ".join(str(term).lower().replace("-", " ").replace("_", " ").split())
    names = {}
    for key in _keys():
        name = t(f"glossary_term.{key}").lower().replace("-", " ")
        names[key.replace("_", " ")] = key
        names[name] = key
        if "(" in name:  # "net promoter score (nps)": also "nps" and "net promoter score"
            head, abbrev = name[:-1].split("(", 1)
            names[abbrev.strip()] = key
            names[head.strip()] = key
    if wanted in names:
        return _entry(names[wanted])
    return GlossaryMiss(str(term), _suggestions(wanted, names))


def _suggestions(wanted: str, names: dict[str, str], n: int = 3) -> list[str]:
    """Terms worth trying instead of ``wanted``: names that contain it or are spelled alike, then
    terms whose definition uses the word (``"churn"`` → lost client, at-risk client, …)."""
    out: list[str] = []

    def add(key: str) -> None:
        term = t(f"glossary_term.{key}")
        if term not in out:
            out.append(term)

    for name, key in names.items():
        if wanted and wanted in name:
            add(key)
    for name in difflib.get_close_matches(wanted, list(names), n=n, cutoff=0.6):
        add(names[name])
    labels = all_labels(get_language())
    words = [w for w in wanted.replace("customer", "client").split() if len(w) >= 3]
    synonyms = {k.split(".", 1)[1]: v for k, v in labels.items() if k.startswith("glossary_synonym.")}
    for word, keys in synonyms.items():  # "churned" finds "churn"
        if wanted == word or any(w.startswith(word) for w in words):
            for key in keys.split(","):
                if key.strip():
                    add(key.strip())
    for key in _keys():
        definition = t(f"glossary.{key}").lower()
        if words and all(w in definition for w in words):
            add(key)
    return out[:n]


@dataclass(frozen=True)
class GlossaryMiss:
    """What ``glossary()`` answers for a term it does not have: one line, with terms to try."""

    term: str
    suggestions: list[str]

    def __str__(self) -> str:
        if self.suggestions:
            tries = ", ".join(f'kamlib.glossary("{s}")' for s in self.suggestions)
            return t("glossary_ui.not_found", term=self.term, suggestions=tries, n=len(_keys()))
        return t("glossary_ui.not_found_nothing", term=self.term, n=len(_keys()))

    __repr__ = __str__

    def __bool__(self) -> bool:
        return False


def glossary_markdown() -> str:
    """The whole glossary as a Markdown page (the content of ``GLOSSARY.md``)."""
    entries = sorted((_entry(k) for k in _keys()), key=lambda e: e.term.strip('"').lower())
    lines = [f"# {t('glossary_ui.heading')}", "",
             "Generated from `kamlib/labels/en/glossary.toml` (`python -m kamlib.course.glossary > GLOSSARY.md`);",
             "in a notebook: `kamlib.glossary(\"term\")`. Links to sources open their entry in [SOURCES.md](SOURCES.md).",
             ""]
    for e in entries:
        lines += [f"**{e.term}** ({e.module}) — {_cite_links(e.definition)}", ""]
    return "\n".join(lines)


def _cite_links(text: str) -> str:
    """``source 004 [004-breadwinner]`` (plain text) becomes a link to the register in SOURCES.md."""
    from .sources import BRACKET

    return BRACKET.sub(lambda m: f"[{m.group(0).split('[')[0].strip()}](SOURCES.md#{m.group(2)})", text)

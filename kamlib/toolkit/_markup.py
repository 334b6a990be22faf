"""Escaping and small tables for the Markdown and HTML the toolkit renders.

Every user-supplied string (client names, notes, people's names) passes through
:func:`md` or :func:`h` before it reaches a document, so a client called
``<script>alert(1)</script>`` is shown as text, never run.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

import pandas as pd

__all__ = ["h", "md", "md_table", "html_table", "cell_text"]

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~])")
_MD_LINE_START = re.compile(r"^(?:([#+\-=])|(\d+)([.)]))")


def h(value: object) -> str:
    """``value`` as HTML text: ``& < > " '`` escaped."""
    return html.escape(cell_text(value), quote=True)


def md(value: object) -> str:
    """``value`` as Markdown text: HTML escaped, Markdown punctuation backslashed, one line.

    >>> md("<b>A*B</b>")
    '&lt;b&gt;A\\\\*B&lt;/b&gt;'
    """
    text = html.escape(cell_text(value), quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = " ".join(text.split())  # newlines would break a table row or a list item
    return _MD_LINE_START.sub(lambda m: "\\" + m[1] if m[1] else m[2] + "\\" + m[3], text)  # "# x", "- x", "1. x" must not become a heading or list


def cell_text(value: object) -> str:
    """Text for one cell: missing values become an empty string, dates lose a zero time."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def md_table(frame: pd.DataFrame, columns: Sequence[str] | None = None, headers: Sequence[str] | None = None) -> str:
    """A pipe table of ``frame`` (every cell escaped); empty frame -> a dash line."""
    columns = list(frame.columns if columns is None else columns)
    headers = list(columns if headers is None else headers)
    lines = ["| " + " | ".join(md(x) for x in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    for row in frame[columns].itertuples(index=False):
        lines.append("| " + " | ".join(md(x) for x in row) + " |")
    return "\n".join(lines)


def html_table(frame: pd.DataFrame, columns: Sequence[str] | None = None, headers: Sequence[str] | None = None) -> str:
    """An HTML ``<table>`` of ``frame`` (every cell escaped)."""
    columns = list(frame.columns if columns is None else columns)
    headers = list(columns if headers is None else headers)
    head = "".join(f"<th>{h(x)}</th>" for x in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{h(x)}</td>" for x in row) + "</tr>" for row in frame[columns].itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

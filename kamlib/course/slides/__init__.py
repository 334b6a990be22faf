"""Course notebooks as reveal.js slides that fit a 1280x720 projector (issue 15).

``python3 workbook.py slides`` runs ``jupyter nbconvert --to slides --template kam`` with this folder as an extra
template folder. The ``kam`` template (``kam/index.html.j2`` and ``kam/kam.css``) extends nbconvert's reveal
template: slides are 1280x720, every slide is one screen tall and scrolls inside itself when its content is
longer, code wraps, figures scale down to the slide, and formulas are rendered by KaTeX unpacked beside the
slides (offline, like reveal.js).

Before the template renders, :class:`FitSlides` (registered in ``kam/conf.json``) works on the in-memory copy of
each notebook — the notebooks themselves are never changed — and spreads the cells of a slide over sub-slides
(reveal's vertical slides, reached with the space bar or the down arrow) so that each sub-slide fits:

- it estimates each cell's height on the slide from its text, code, tables and figure sizes;
- a markdown cell taller than a slide is cut at its paragraph breaks (never inside a fenced code block), a list
  or table too long for one slide between its items or rows (a table's header is repeated);
- a code cell whose code and output together are taller than a slide shows its code, then its output on the
  next sub-slide (the figure of the decision map stays whole on a slide of its own);
- cells are packed greedily: the next cell starts a new sub-slide when it would not fit on the current one;
  such a sub-slide opens with a grey line naming the slide it continues ("XYZ: how regular … (continued)").

The estimate is deliberately a little generous; what still does not fit scrolls inside its slide, and the
browser test ``tests/e2e/test_slides.py`` measures every slide of every deck in Chromium.
"""

from __future__ import annotations

import base64
import copy
import math
import re
import struct
from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent  # holds the ``kam`` template folder
TEMPLATE_NAME = "kam"
WIDTH, HEIGHT = 1280, 720

# Geometry of the kam template at slide scale (pixels), rounded up from measurements in Chromium.
BUDGET = 690  # usable height of a slide: 720 minus margins, with room for the estimate's error
TEXT_CHARS, TEXT_LINE, LIST_LINE, PARAGRAPH = 112, 26, 31, 18  # markdown: characters per line, line height, gap
CODE_CHARS, CODE_LINE, CODE_PAD = 118, 21, 26  # code input and text output: characters per line, line height
HEADINGS = {1: (84, 50), 2: (70, 60), 3: (56, 78), 4: (48, 92)}  # kam.css: height of a line + margins, characters
TABLE_ROW = 30  # a row of a markdown table
TABLE_CHARS, TABLE_LINE, TABLE_ROW_PAD = 150, 19, 8  # an HTML table of an output (16px)
IMAGE_MAX_W, IMAGE_MAX_H = 1230, 600  # kam.css: max-width 100 %, max-height 600px
OUTPUT_PAD = 14
CONTINUED = 40  # the grey "(continued)" line
FENCE = re.compile(r"^\s*(```|~~~)")


def _wrapped(text: str, chars: int) -> int:
    """Lines ``text`` takes when wrapped at ``chars`` characters a line."""
    return sum(max(1, math.ceil(len(line.expandtabs(4)) / chars)) for line in text.split("\n"))


def _visible(line: str) -> str:
    """A markdown line without the markup that takes no width (links' targets, emphasis, code ticks)."""
    line = re.sub(r"\]\([^)]*\)", "]", line)
    return re.sub(r"[*_`]", "", line)


def markdown_height(source: str) -> int:
    """Estimated height in pixels of a markdown cell on a slide (a closed ``<details>`` shows its summary only)."""
    source = re.sub(r"<details>.*?</details>", "<details>", source, flags=re.S)
    height, in_fence, blank = 0, False, True
    for line in source.split("\n"):
        if FENCE.match(line):
            in_fence = not in_fence
            height += CODE_PAD // 2
            continue
        if in_fence:
            height += CODE_LINE * _wrapped(line, CODE_CHARS)
        elif not line.strip():
            height += 0 if blank else PARAGRAPH
            blank = True
            continue
        elif m := re.match(r"^(#{1,6})\s", line):
            line_height, chars = HEADINGS.get(len(m.group(1)), (40, TEXT_CHARS))
            height += line_height + (line_height - 26) * (_wrapped(_visible(line), chars) - 1)
        elif line.lstrip().startswith("|"):
            height += 0 if re.match(r"^\s*\|[\s:|-]+\|?\s*$", line) else TABLE_ROW * _wrapped(_visible(line), 2 * TEXT_CHARS)
        elif line.startswith(("$$", "\\[")):
            height += 70
        elif re.match(r"^\s*([-*+]|\d+[.)])\s", line):
            height += LIST_LINE * _wrapped(_visible(line.strip()), TEXT_CHARS - 4)
        else:
            height += TEXT_LINE * _wrapped(_visible(line.strip()), TEXT_CHARS)
        blank = False
    return height + PARAGRAPH


def _png_size(data: str) -> tuple[int, int] | None:
    try:
        head = base64.b64decode(data[:64] + "=" * (-len(data[:64]) % 4))
    except ValueError:
        return None
    if head[:8] != b"\x89PNG\r\n\x1a\n" or len(head) < 24:
        return None
    return struct.unpack(">II", head[16:24])


def _html_height(html: str) -> int:
    """Estimated height of an HTML output: its tables row by row, the text around them line by line."""
    height = 0
    for table in re.findall(r"<table.*?</table>", html, flags=re.S | re.I):
        rows = re.findall(r"<tr.*?</tr>", table, flags=re.S | re.I)
        cols = max([len(re.findall(r"<t[dh][\s>]", r, flags=re.I)) for r in rows] or [1]) or 1
        width = max(12, TABLE_CHARS // cols)
        for row in rows:  # a row is as tall as its tallest cell: wrapped text, plus a line for each <br>
            cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S | re.I) or [""]
            lines = max(len(re.findall(r"<br", c, flags=re.I)) + math.ceil(len(re.sub(r"<[^>]+>|\s+", " ", c).strip()) / width)
                        for c in cells)
            height += TABLE_LINE * max(1, lines) + TABLE_ROW_PAD
        height += 24
    rest = re.sub(r"<table.*?</table>|<style.*?</style>", "", html, flags=re.S | re.I)
    rest = re.sub(r"<(br|/p|/li|/div|/h\d)\b[^>]*>", "\n", rest, flags=re.I)
    text = re.sub(r"<[^>]+>", "", rest).strip()
    if text:
        height += TEXT_LINE * _wrapped(re.sub(r"\n\s*\n+", "\n", text), TEXT_CHARS) + PARAGRAPH
    return height


def output_height(output) -> int:
    """Estimated height in pixels of one output of a code cell on a slide."""
    kind = output.get("output_type")
    if kind == "stream":
        return CODE_LINE * _wrapped("".join(output.get("text", "")).rstrip("\n"), CODE_CHARS) + OUTPUT_PAD
    if kind == "error":
        return CODE_LINE * _wrapped("\n".join(output.get("traceback", [])), CODE_CHARS) + OUTPUT_PAD
    data = output.get("data", {})
    if "image/png" in data:
        size = _png_size(data["image/png"])
        meta = output.get("metadata", {}).get("image/png", {})
        w, h = (meta.get("width"), meta.get("height")) if meta.get("width") and meta.get("height") else (size or (640, 480))
        scale = min(1.0, IMAGE_MAX_W / w, IMAGE_MAX_H / h)
        return int(h * scale) + OUTPUT_PAD
    if "image/svg+xml" in data:
        return IMAGE_MAX_H
    if "text/html" in data:
        html = "".join(data["text/html"])
        return _html_height(html) + OUTPUT_PAD
    if "text/markdown" in data:
        return markdown_height("".join(data["text/markdown"]))
    if "text/plain" in data:
        return CODE_LINE * _wrapped("".join(data["text/plain"]), CODE_CHARS) + OUTPUT_PAD
    return 0


def cell_height(cell) -> int:
    """Estimated height in pixels of a cell on a slide (0 for cells that are not shown)."""
    if _slide_type(cell) in ("skip", "notes"):
        return 0
    hidden = cell.get("metadata", {}).get("transient", {}).get("remove_source", False)
    source = "".join(cell.get("source", ""))
    if cell.get("cell_type") == "markdown":
        return 0 if hidden else markdown_height(source)
    if cell.get("cell_type") != "code":
        return 0
    code = 0 if hidden or not source.strip() else CODE_LINE * _wrapped(source, CODE_CHARS) + CODE_PAD
    return code + sum(output_height(o) for o in cell.get("outputs", []))


def _slide_type(cell) -> str:
    return cell.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") or "-"


def _set_type(cell, slide_type: str) -> None:
    cell.setdefault("metadata", {}).setdefault("slideshow", {})["slide_type"] = slide_type


def _continuation(cell, suffix: str):
    new = copy.deepcopy(cell)
    _set_type(new, "-")
    if new.get("id"):
        new["id"] = f"{new['id']}-{suffix}"
    return new


def split_markdown(cell, budget: int = BUDGET) -> list:
    """A markdown cell taller than ``budget`` as several cells cut at paragraph breaks (outside code fences),
    and inside a paragraph-level list or table that is itself too tall, between items or rows."""
    if markdown_height("".join(cell["source"])) <= budget:
        return [cell]
    blocks, current, in_fence = [], [], False
    for line in "".join(cell["source"]).split("\n"):
        if FENCE.match(line):
            in_fence = not in_fence
        if not line.strip() and not in_fence and current:
            blocks.append("\n".join(current))
            current = []
        elif line.strip() or current:
            current.append(line)
    if current:
        blocks.append("\n".join(current))
    pieces, chunk = [], []
    for block in [part for block in blocks for part in _split_block(block, budget)]:
        if chunk and markdown_height("\n\n".join([*chunk, block])) > budget:
            pieces.append("\n\n".join(chunk))
            chunk = []
        chunk.append(block)
    pieces.append("\n\n".join(chunk))
    cells = []
    for i, text in enumerate(pieces):
        new = copy.deepcopy(cell) if i == 0 else _continuation(cell, f"part{i + 1}")
        new["source"] = text
        cells.append(new)
    return cells


ITEM = re.compile(r"^([-*+]|\d+[.)])\s")  # a top-level list item
TABLE_LINE_MD = re.compile(r"^\s*\|")
TABLE_RULE = re.compile(r"^\s*\|[\s:|-]+\|?\s*$")


def _split_block(block: str, budget: int) -> list[str]:
    """A paragraph-level block taller than ``budget`` cut further: a list between its top-level items, a table
    between its rows (each piece repeats the header). Other blocks stay whole (and scroll if they must)."""
    if markdown_height(block) <= budget or FENCE.match(block):
        return [block]
    lines = block.split("\n")
    if all(TABLE_LINE_MD.match(line) for line in lines) and len(lines) > 3 and TABLE_RULE.match(lines[1]):
        header, rows = lines[:2], lines[2:]
        pieces, chunk = [], []
        for row in rows:
            if chunk and markdown_height("\n".join([*header, *chunk, row])) > budget:
                pieces.append("\n".join([*header, *chunk]))
                chunk = []
            chunk.append(row)
        pieces.append("\n".join([*header, *chunk]))
        return pieces
    if ITEM.match(lines[0]):
        items, current = [], []
        for line in lines:
            if ITEM.match(line) and current:
                items.append("\n".join(current))
                current = []
            current.append(line)
        items.append("\n".join(current))
        pieces, chunk = [], []
        for item in items:
            if chunk and markdown_height("\n".join([*chunk, item])) > budget:
                pieces.append("\n".join(chunk))
                chunk = []
            chunk.append(item)
        pieces.append("\n".join(chunk))
        return pieces
    return [block]


def split_code(cell, budget: int = BUDGET) -> list:
    """A code cell whose code and outputs together are taller than ``budget``: the code, then the outputs."""
    if not cell.get("outputs") or cell_height(cell) <= budget:
        return [cell]
    source = "".join(cell.get("source", ""))
    if not source.strip() or cell.get("metadata", {}).get("transient", {}).get("remove_source"):
        return [cell]
    code = copy.deepcopy(cell)
    code["outputs"] = []
    out = _continuation(cell, "output")
    out["metadata"]["transient"] = type(out["metadata"])({**out["metadata"].get("transient", {}), "remove_source": True})
    return [code, out]


def fit_cells(cells: list, budget: int = BUDGET) -> list:
    """The cells of a notebook with long cells split and slides spread over sub-slides that fit ``budget``.

    The first cell of a slide or sub-slide keeps its type; a following cell (type ``-`` or ``fragment``) that
    would not fit on the current sub-slide starts a new one.
    """
    out = []
    for cell in cells:
        if _slide_type(cell) in ("skip", "notes"):
            out.append(cell)
        elif cell.get("cell_type") == "markdown":
            out.extend(split_markdown(cell, budget))
        elif cell.get("cell_type") == "code":
            out.extend(split_code(cell, budget))
        else:
            out.append(cell)
    fitted, used, title, group = [], 0, "", []  # group: the cells on the current sub-slide
    for cell in out:
        kind, height = _slide_type(cell), cell_height(cell)
        if kind in ("skip", "notes"):
            fitted.append(cell)
            continue
        if kind == "slide":
            title = ""
        if kind in ("slide", "subslide"):
            used, group = height, []
        elif used and used + height > budget:
            carried = []  # a short lead-in ending with ":" goes along with what it introduces
            if len(group) >= 2 and _introduces(group[-1]) and cell_height(group[-1]) + height + CONTINUED <= budget:
                carried = [group.pop()]
                del fitted[next(i for i, c in enumerate(fitted) if c is carried[0])]
            opening = carried[0] if carried else cell
            if title:
                fitted.append(_continued(opening, title))
                _set_type(opening, "-")
                height += CONTINUED
            else:
                _set_type(opening, "subslide")
            if carried:
                _set_type(cell, "-")
            for lead in carried:
                fitted.append(lead)
                height += cell_height(lead)
            used, group = height, list(carried)
        else:
            used += height
        fitted.append(cell)
        group.append(cell)
        if cell.get("cell_type") == "markdown" and (m := re.search(r"^#{1,3}\s+(.+)$", "".join(cell["source"]), re.M)):
            title = m.group(1).strip()
    return fitted


def _introduces(cell) -> bool:
    """A markdown cell that ends with a colon: it introduces the cell after it."""
    return cell.get("cell_type") == "markdown" and "".join(cell.get("source", "")).rstrip().endswith(":")


def _continued(cell, title: str):
    """The opening line of a sub-slide that continues the slide called ``title``."""
    from kamlib.labels import t

    text = t("slides.continued", title=re.sub(r"[*_`]", "", title))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    new = {"cell_type": "markdown", "id": f"{cell.get('id') or 'cell'}-continued",
           "metadata": {"slideshow": {"slide_type": "subslide"}},
           "source": f'<p class="kam-continued">{text}</p>'}
    try:
        from nbformat import from_dict
    except ImportError:  # pragma: no cover
        return new
    return from_dict(new)


try:  # nbconvert is part of the course environment; without it only the helpers above are usable
    from nbconvert.preprocessors import Preprocessor
    from traitlets import Integer, Unicode
except ImportError:  # pragma: no cover
    Preprocessor = object  # type: ignore[assignment,misc]
else:

    class FitSlides(Preprocessor):
        """nbconvert preprocessor of the ``kam`` slides template: spreads long slides over sub-slides."""

        budget = Integer(BUDGET, help="usable height of a slide in pixels at 1280x720").tag(config=True)
        katex_url = Unicode("katex", help="folder or URL of the KaTeX package (its dist/ folder)").tag(config=True)

        def preprocess(self, nb, resources):
            nb.cells = fit_cells(nb.cells, self.budget)
            resources["kam_css"] = (TEMPLATE_DIR / TEMPLATE_NAME / "kam.css").read_text(encoding="utf-8")
            resources["kam_katex_url"] = self.katex_url
            return nb, resources

"""FitSlides, the preprocessor that spreads long slides over sub-slides (issue 15), on hand-made cells.

The browser test (tests/e2e/test_slides.py) measures the result on the real decks; these tests pin the rules:
nothing is lost or reordered, markdown is cut only between paragraphs and never inside a code fence, a code cell
too tall for one slide shows its code and then its output, and the estimate follows the published geometry.
"""

from __future__ import annotations

import base64
import struct
import zlib

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_output

from kamlib.course import slides as fs


def _md(text, slide_type="-", cid=None):
    cell = new_markdown_cell(text, metadata={"slideshow": {"slide_type": slide_type}})
    if cid:
        cell.id = cid
    return cell


def _png(width: int, height: int) -> str:
    """A real (tiny-bodied) PNG header of the given size, base64 as in a notebook."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")
    return base64.b64encode(raw).decode()


def _types(cells):
    return [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in cells]


def test_a_figure_is_scaled_to_the_slide_as_the_css_says():
    out = new_output("display_data", data={"image/png": _png(1000, 2000), "text/plain": "<Figure>"})
    # kam.css: max-width 1230 px, max-height 600 px, proportions kept -> 2000 px tall becomes 600
    assert fs.output_height(out) == 600 + fs.OUTPUT_PAD
    small = new_output("display_data", data={"image/png": _png(640, 480)})
    assert fs.output_height(small) == 480 + fs.OUTPUT_PAD


def test_a_closed_details_block_counts_as_its_summary_only():
    answer = "\n".join(f"{i}. a long answer line" for i in range(20))
    closed = f"Question?\n\n<details><summary>Answer</summary>\n\n{answer}\n\n</details>"
    assert fs.markdown_height(closed) < fs.markdown_height(f"Question?\n\n{answer}")


def test_a_long_markdown_cell_is_cut_between_paragraphs_never_inside_a_fence():
    fence = "```python\n" + "\n\nx = 1\n" * 30 + "```"  # blank lines inside the fence must not be cut points
    paragraphs = [f"Paragraph {i}. " + "word " * 150 for i in range(8)]
    text = "\n\n".join([paragraphs[0], fence, *paragraphs[1:]])
    parts = fs.split_markdown(_md(text, "slide", "abc"), budget=400)
    assert len(parts) > 2
    assert _types(parts) == ["slide"] + ["-"] * (len(parts) - 1)
    assert parts[0].id == "abc" and len({p.id for p in parts}) == len(parts)
    assert "\n\n".join(p.source for p in parts) == text  # nothing lost, nothing reordered
    assert sum(p.source.count("```") for p in parts) == 2
    assert any(p.source.startswith("```python") and p.source.rstrip().endswith("```") for p in parts)


def test_a_code_cell_taller_than_a_slide_shows_code_then_output():
    cell = new_code_cell("fig = plot()\nplt.show()", metadata={"slideshow": {"slide_type": "-"}})
    cell.id = "c1"
    cell.outputs = [new_output("display_data", data={"image/png": _png(1000, 1000)})]
    code, out = fs.split_code(cell, budget=500)
    assert code.source == cell.source and code.outputs == []
    assert out.outputs == cell.outputs and out.metadata.transient.remove_source is True
    assert out.id == "c1-output"
    short = new_code_cell("1 + 1")
    short.outputs = [new_output("execute_result", data={"text/plain": "2"}, execution_count=1)]
    assert fs.split_code(short) == [short]


def test_slides_are_spread_over_sub_slides_with_a_continued_line_and_nothing_lost():
    para = "word " * 100  # about 5 lines of text
    cells = [_md("## The title\n\n" + para, "slide", "t")]
    cells += [_md(f"Part {i}: " + para, "-", f"p{i}") for i in range(8)]
    cells += [_md("hidden", "skip", "s"), _md("# Next slide", "slide", "n")]
    fitted = fs.fit_cells([nbformat.from_dict(c) for c in cells], budget=400)
    original = [c.id for c in cells]
    assert [c.id for c in fitted if not c.id.endswith("-continued")] == original
    assert _types(fitted)[-2:] == ["skip", "slide"]
    continued = [c for c in fitted if c.id.endswith("-continued")]
    assert continued and all("The title (continued)" in c.source for c in continued)
    assert all(_types([c]) == ["subslide"] for c in continued)
    # every sub-slide's estimate fits the budget (each paragraph alone does)
    group = 0
    for c in fitted:
        if _types([c])[0] in ("slide", "subslide"):
            group = 0
        group += fs.cell_height(c)
        assert group <= 400 + fs.CONTINUED


def test_a_lead_in_ending_with_a_colon_moves_with_what_it_introduces():
    big = "word " * 150
    cells = [_md("## T\n\n" + big, "slide", "a"), _md("The table behind it:", "-", "b"), _md(big, "-", "c")]
    fitted = fs.fit_cells([nbformat.from_dict(c) for c in cells], budget=450)
    ids = [c.id for c in fitted]
    assert ids == ["a", "b-continued", "b", "c"]
    assert _types(fitted) == ["slide", "subslide", "-", "-"]


def test_a_long_table_is_cut_between_rows_and_each_piece_repeats_the_header():
    header = ["| method | what it is |", "|---|---|"]
    rows = [f"| method {i} | " + "a long description " * 6 + "|" for i in range(40)]
    parts = fs.split_markdown(_md("\n".join(header + rows), "slide", "tbl"), budget=400)
    assert len(parts) > 1
    assert all(p.source.split("\n")[:2] == header for p in parts)
    assert [r for p in parts for r in p.source.split("\n")[2:]] == rows
    assert all(fs.markdown_height(p.source) <= 400 for p in parts)


def test_a_long_list_is_cut_between_its_items():
    items = [f"- **Item {i}.** " + "explained at length " * 8 + "\n  and continued on an indented line" for i in range(20)]
    parts = fs.split_markdown(_md("\n".join(items), "-", "lst"), budget=400)
    assert len(parts) > 1
    assert "\n".join(p.source for p in parts) == "\n".join(items)  # items whole, in order
    assert all(p.source.startswith("- **Item") for p in parts)

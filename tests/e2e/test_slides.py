"""The course's slides fit a 1280x720 projector (issue 15), measured slide by slide in Chromium.

The decks are built once, the way ``python3 workbook.py slides`` builds them (same nbconvert command line,
``workbook.slides_command``), into a temporary folder beside copies of the vendored reveal.js, require.js,
jQuery and KaTeX (unpacked from npm into ``_build/slides/`` by ``workbook.py``'s own ``_vendor`` when missing).
One headless Chromium (``/usr/bin/chromium``) opens every deck at 1280x720 and walks through every slide and
sub-slide. For each one:

- the slide's box lies inside the window (nothing starts above or below the screen);
- its content either fits the slide's height or the slide scrolls (``overflow-y: auto``), and nothing is wider
  than the slide — code wraps, tables scroll inside their own box;
- every figure is loaded and no wider and no taller than the slide (the decision map of 09 stays whole);
- no formula is left as raw LaTeX, and each deck has as many rendered display formulas as its notebook's
  markdown has ``$$…$$`` blocks (the CV of 03, the HHI of 04);
- the page raised no JavaScript error.

Every cell of a notebook (but those marked ``skip``) is in its deck: the splitting over sub-slides loses nothing;
and no deck loads a script or style sheet from the internet.
A summary (slides measured, how many scroll) is printed; screenshots of the slides that fail go to
``artifacts/e2e/slides/``. Skipped, not failed, only when Chromium is not installed, or when npm is missing and
the vendored libraries are not already in ``_build/slides/``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, ROOT

ARTIFACTS = ROOT / "artifacts" / "e2e" / "slides"
WIDTH, HEIGHT = 1280, 720
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason=os.environ.get("KAM_NO_CHROMIUM")
    or f"Chromium is not installed at {CHROMIUM} (python3 workbook.py test installs it with apt-get)",
)

# Runs in the page: walks through every slide and measures it. Reveal.slide() lays the slide out at once
# (transitions are switched off), and reading a box forces the layout, so one call measures a whole deck.
MEASURE = r"""() => {
  Reveal.configure({transition: "none", backgroundTransition: "none"});
  const out = [];
  for (const slide of Reveal.getSlides()) {
    const ix = Reveal.getIndices(slide);
    Reveal.slide(ix.h, ix.v || 0);
    const s = Reveal.getCurrentSlide();
    const r = s.getBoundingClientRect();
    const style = getComputedStyle(s);
    const imgs = [...s.querySelectorAll("img")].map(i => {
      const b = i.getBoundingClientRect();
      return {w: b.width, h: b.height, left: b.left - r.left, right: r.right - b.right, loaded: i.complete && i.naturalWidth > 0};
    });
    const pres = [...s.querySelectorAll("pre")].filter(p => p.scrollWidth > p.clientWidth + 1).length;
    out.push({
      h: ix.h, v: ix.v || 0,
      top: r.top, bottom: r.bottom, left: r.left, right: r.right, boxH: r.height, boxW: r.width,
      scrollH: s.scrollHeight, clientH: s.clientHeight, scrollW: s.scrollWidth, clientW: s.clientWidth,
      overflowY: style.overflowY, imgs, pres,
      text: s.innerText,
      formulas: s.querySelectorAll(".katex-display").length,
      katexErrors: s.querySelectorAll(".katex-error").length,
      title: (s.querySelector("h1,h2,h3") || {}).innerText || "",
    });
  }
  Reveal.slide(0, 0);
  return out;
}"""
RAW_MATH = re.compile(r"\$\$|\\frac|\\text\{|\\sum|\\cdot")


def _workbook():
    spec = importlib.util.spec_from_file_location("kam_workbook", ROOT / "workbook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def decks(tmp_path_factory) -> Path:
    """The twelve decks built into a temporary folder, with the vendored libraries beside them."""
    wb = _workbook()
    vendored = ROOT / "_build" / "slides"
    vendored.mkdir(parents=True, exist_ok=True)
    for package, name in ((wb.REVEAL, "reveal.js"), (wb.REQUIRE, "requirejs"), (wb.JQUERY, "jquery"), (wb.KATEX, "katex")):
        if not wb._vendor(package, vendored / name):
            pytest.skip(f"npm is not available and {vendored / name} is missing: cannot vendor {package}")
    out = tmp_path_factory.mktemp("slides")
    for name in ("reveal.js", "requirejs", "jquery", "katex"):
        (out / name).symlink_to(vendored / name, target_is_directory=True)
    command = wb.slides_command(out, offline=True)
    assert Path(command[0]).name == "jupyter" and command[1] == "nbconvert"
    result = subprocess.run(
        [sys.executable, "-m", "nbconvert", *command[2:], *map(str, NOTEBOOKS)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def measured(decks) -> dict[str, list[dict]]:
    """Every slide of every deck measured in one Chromium at 1280x720."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    results, errors = {}, []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000)
        try:
            page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
            page.set_default_timeout(30_000)
            page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
            for nb in NOTEBOOKS:
                page.goto((decks / f"{nb.stem}.slides.html").as_uri())
                page.wait_for_function("window.Reveal && Reveal.isReady()")
                slides = page.evaluate(MEASURE)
                results[nb.stem] = slides
                for i, s in enumerate(slides):
                    if _problems(nb.stem, s):
                        page.evaluate(f"Reveal.slide({s['h']}, {s['v']})")
                        page.screenshot(path=str(ARTIFACTS / f"{nb.stem}_{i:02d}.png"))
        finally:
            browser.close()
    results["_errors"] = errors
    total = sum(len(v) for k, v in results.items() if k != "_errors")
    scrolling = sum(s["scrollH"] > s["clientH"] + 1 for k, v in results.items() if k != "_errors" for s in v)
    print(f"\nslides measured at {WIDTH}x{HEIGHT}: {total}; scrolling inside their slide: {scrolling}")
    return results


def _problems(stem: str, s: dict) -> list[str]:
    where = f"{stem} slide {s['h']}.{s['v']} ({s['title'][:40]!r})"
    found = []
    if s["top"] < -1 or s["bottom"] > HEIGHT + 1 or s["left"] < -1 or s["right"] > WIDTH + 1:
        found.append(f"{where}: box {s['left']:.0f},{s['top']:.0f}–{s['right']:.0f},{s['bottom']:.0f} leaves the window")
    if s["scrollH"] > s["clientH"] + 1 and s["overflowY"] not in ("auto", "scroll"):
        found.append(f"{where}: content {s['scrollH']} px tall in {s['clientH']} px and the slide does not scroll")
    if s["scrollW"] > s["clientW"] + 1:
        found.append(f"{where}: content {s['scrollW']} px wide in {s['clientW']} px")
    if s["pres"]:
        found.append(f"{where}: {s['pres']} code block(s) wider than the slide (not wrapped)")
    for img in s["imgs"]:
        if not img["loaded"]:
            found.append(f"{where}: a figure did not load")
        elif img["w"] > s["boxW"] + 1 or img["h"] > s["boxH"] + 1 or img["left"] < -1 or img["right"] < -1:
            found.append(f"{where}: a figure of {img['w']:.0f}x{img['h']:.0f} px does not fit the slide")
    if RAW_MATH.search(s["text"]) or s["katexErrors"]:
        found.append(f"{where}: a formula is not rendered: {RAW_MATH.search(s['text'])}")
    return found


def test_every_deck_was_built_offline_and_keeps_every_cell(decks):
    for nb in NOTEBOOKS:
        html = (decks / f"{nb.stem}.slides.html").read_text(encoding="utf-8")
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        shown = [c["id"] for c in cells if c["metadata"].get("slideshow", {}).get("slide_type") != "skip"]
        missing = [i for i in shown if f'id="cell-id={i}"' not in html]
        assert not missing, f"{nb.stem}: cells missing from the deck: {missing}"
        remote = re.findall(r"""(?:src|href)=["'](https?://[^"']+)|from\s+["'](https?://[^"']+)""", html)
        assert not remote, f"{nb.stem}: the deck loads from the internet: {remote[:3]}"


def test_every_slide_fits_1280x720(measured):
    problems = [p for stem, slides in measured.items() if stem != "_errors" for s in slides for p in _problems(stem, s)]
    assert not problems, "\n".join(problems[:40])


def test_the_slides_raise_no_javascript_error(measured):
    assert not measured["_errors"], measured["_errors"][:5]


def test_every_display_formula_is_rendered(measured):
    expected_total = 0
    for nb in NOTEBOOKS:
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        markdown = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
                             and c["metadata"].get("slideshow", {}).get("slide_type") != "skip")
        expected = len(re.findall(r"\$\$.+?\$\$", markdown, flags=re.S))
        expected_total += expected
        assert sum(s["formulas"] for s in measured[nb.stem]) == expected, nb.stem
    assert expected_total >= 2  # the CV of 03 and the HHI of 04 at least


def test_long_slides_were_spread_over_sub_slides(measured):
    """Scrolling is the exception: most slides fit without it (before issue 15, 127 of 170 ran off the screen)."""
    slides = [s for stem, v in measured.items() if stem != "_errors" for s in v]
    scrolling = [s for s in slides if s["scrollH"] > s["clientH"] + 1]
    assert len(scrolling) <= 0.1 * len(slides), f"{len(scrolling)} of {len(slides)} slides scroll"

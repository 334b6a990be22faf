"""TRAINER.md's timings and agendas agree with the notebooks and add up (issue 15).

One place holds each module's time: the notebook's metadata (``metadata.kam.minutes = {"teach": …,
"exercises": …}``). Its first cell's "Estimated time" line, TRAINER.md's timing table and every module block of
the agendas must say the same; every agenda runs 09:00–17:00 without gaps, with a lunch and two breaks, and each
block lasts exactly the minutes it states.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT

ALL_NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
PRIMER = ROOT / "notebooks" / "00_using_python_and_pandas.ipynb"  # a prerequisite for self-study, not a module
NOTEBOOKS = [p for p in ALL_NOTEBOOKS if p != PRIMER]
TRAINER = ROOT / "TRAINER.md"
DAY = ("09:00", "17:00")


def _minutes(path) -> dict:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return nb["metadata"]["kam"]["minutes"]


TIMES = {p.stem[:2]: _minutes(p) for p in NOTEBOOKS}


def _clock(text: str) -> int:
    hours, minutes = map(int, text.split(":"))
    return 60 * hours + minutes


def _section(title_start: str) -> str:
    text = TRAINER.read_text(encoding="utf-8")
    start = text.index(f"\n## {title_start}")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def _tables(section: str) -> list[list[dict]]:
    """Every markdown table of a section as a list of rows (dicts keyed by the header)."""
    tables, current, header = [], None, None
    for line in section.splitlines():
        if not line.startswith("|"):
            current = header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header, current = cells, []
            tables.append(current)
        elif not set("".join(cells)) <= set("-: "):
            current.append(dict(zip(header, cells, strict=True)))
    return tables


def _module(row: dict) -> str | None:
    m = re.match(r"(\d\d)\b", row["module"])
    return m.group(1) if m else None


def test_every_notebook_states_its_minutes_in_its_metadata():
    assert len(TIMES) == 12
    for stem, t in TIMES.items():
        assert set(t) == {"teach", "exercises"}, stem
        assert all(isinstance(v, int) and 0 < v <= 120 and v % 5 == 0 for v in t.values()), (stem, t)


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.stem)
def test_the_header_line_agrees_with_the_metadata(path):
    first = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
    line = re.search(r"\*\*Estimated time:\*\*([^\n]*)", first)
    assert line, "no 'Estimated time' line in the first cell"
    numbers = [int(n) for n in re.findall(r"\d+", line.group(1))]
    t = _minutes(path)
    assert numbers == [t["teach"], t["exercises"]], f"header says {line.group(0)!r}, metadata says {t}"


def test_the_timing_table_agrees_with_the_metadata():
    (table,) = _tables(_section("Timings of the modules"))
    rows = {_module(r): r for r in table if _module(r)}
    assert sorted(rows) == sorted(TIMES)
    for stem, row in rows.items():
        assert row["teaching"] == f"{TIMES[stem]['teach']} min", stem
        assert row["exercises"] == f"{TIMES[stem]['exercises']} min", stem
    (total,) = [r for r in table if "all twelve" in r["module"]]

    def h(minutes: int) -> str:
        return f"**{minutes // 60} h {minutes % 60:02d}**"

    assert total["teaching"] == h(sum(t["teach"] for t in TIMES.values()))
    assert total["exercises"] == h(sum(t["exercises"] for t in TIMES.values()))


def _check_day(rows: list[dict]) -> tuple[int, list[str]]:
    """Asserts one day's table runs 09:00-17:00 without gaps and each block lasts what it states.

    Returns the minutes of teaching and exercises and the modules taught in full (both parts in class).
    """
    assert rows, "empty agenda"
    spans = [tuple(map(_clock, re.fullmatch(r"(\d\d:\d\d)–(\d\d:\d\d)", r["time"]).groups())) for r in rows]
    assert spans[0][0] == _clock(DAY[0]) and spans[-1][1] == _clock(DAY[1]), "the day must run 09:00–17:00"
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert end == start, f"gap or overlap at {end // 60:02d}:{end % 60:02d}"
    breaks = [r["block"] for r in rows if r["block"] in ("*Break*", "*Lunch*")]
    assert breaks.count("*Lunch*") == 1 and breaks.count("*Break*") == 2, breaks
    working, full = 0, []
    for row, (start, end) in zip(rows, spans):
        length = end - start
        assert length > 0, row["time"]
        if row["block"] in ("*Break*", "*Lunch*"):
            assert (row["block"], length) in (("*Break*", 15), ("*Lunch*", 60)), row["time"]
            continue
        working += length
        stem = _module(row)
        if stem is None:
            assert re.fullmatch(r"\d+", row["minutes"]) and int(row["minutes"]) == length, row
            continue
        t = TIMES[stem]
        m = re.fullmatch(r"(\d+) \+ (\d+|homework)", row["minutes"])
        assert m, f"{row['time']}: minutes must read 'teach + exercises' or 'teach + homework', not {row['minutes']!r}"
        assert int(m.group(1)) == t["teach"], f"{row['time']} module {stem}: teaching {m.group(1)} ≠ {t['teach']}"
        if m.group(2) == "homework":
            assert length == t["teach"], f"{row['time']} module {stem} lasts {length} min, its teaching is {t['teach']}"
        else:
            assert int(m.group(2)) == t["exercises"], f"{row['time']} module {stem}: exercises ≠ {t['exercises']}"
            assert length == t["teach"] + t["exercises"], (
                f"{row['time']} module {stem} lasts {length} min; its own estimate is {t['teach']} + {t['exercises']}"
            )
            full.append(stem)
    return working, full


def test_the_one_day_agenda_fits_a_day_and_names_what_is_left_out():
    section = _section("One-day workshop")
    (rows,) = _tables(section)
    working, full = _check_day(rows)
    assert working == 390  # 8 hours minus an hour's lunch and two 15-minute breaks
    prose = section.split("|")[0]
    for stem in sorted(set(TIMES) - set(full)):
        assert re.search(rf"\b{stem} [A-Z]", prose), f"module {stem} is neither in the agenda nor named as left out"


def test_the_two_day_agenda_adds_up_and_covers_every_module():
    section = _section("Two-day workshop")
    days = _tables(section)
    assert len(days) == 2
    taught = []
    for rows in days:
        working, full = _check_day(rows)
        assert working == 390
        taught += [_module(r) for r in rows if _module(r)]
    assert len(taught) == len(set(taught)), "a module appears twice"
    prose = section.split("|")[0]
    for stem in sorted(set(TIMES) - set(taught)):
        assert re.search(rf"\b{stem} [A-Z]", prose), f"module {stem} is neither in the agenda nor named as left out"


def test_trainer_offers_the_primer_with_its_minutes():
    t = _minutes(PRIMER)
    section = _section("Before the day")
    assert "00_using_python_and_pandas" in section
    assert f"{t['teach'] + t['exercises']} minutes" in section, "the primer's time in 'Before the day'"

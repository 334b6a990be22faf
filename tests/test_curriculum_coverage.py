"""Every fact and number of the source digest (shared/CURRICULUM.md) appears somewhere in the course.

The checklist below restates the digest's numbers and named lists, module by module, as patterns that
the course's notebooks and exercises (their text, code and solution/hint strings) must contain. It is
deliberately loose about wording — "10 %", "10%" and "ten per cent" all count — and strict about facts.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT

PCT = r"\s?(?:%|per ?cent)"

CHECKLIST = {
    "M1": [
        ("more than 10 % of sales is key", rf"10{PCT}"),
        ("the 200-clients example", r"\b200\b"),
        ("at most ten key clients by volume", r"\b(ten|10)\b[^.]{0,40}key client|at most (ten|10)"),
        ("innovators are about 2.5 %", rf"2\.5{PCT}"),
        ("key clients make 30–55 % of sales", rf"30\s?[–-]\s?55{PCT}"),
        ("four differences from a government body", r"government"),
        ("breadwinner", r"breadwinner"), ("prospect", r"prospect"), ("image-maker", r"image-maker"),
        ("expert", r"\bexpert\b"), ("cartridges vs servers example", r"cartridge"),
    ],
    "M2": [
        ("VIP is 5–15 % of average monthly turnover", rf"5\s?[–-]\s?15{PCT}"),
        ("markup tiers", rf"50{PCT}"), ("markup 25–50 %", rf"25\s?[–-]\s?50{PCT}"),
        ("markup 10–25 %", rf"10\s?[–-]\s?25{PCT}"),
        ("discount tiers 20–40 %", rf"20\s?[–-]\s?40{PCT}"),
        ("HoReCa", r"HoReCa"), ("sub-distribution", r"sub-distribut"),
        ("payment first", r"payment first"), ("archetype: specialist buys with ~80 %", rf"80{PCT}"),
        ("archetypes", r"archetype"),
    ],
    "M3": [
        ("ABC cut-offs 80/95", rf"95{PCT}"), ("XYZ cut-offs 10/25", rf"25{PCT}"),
        ("coefficient of variation", r"coefficient of variation"), ("Excel", r"Excel"),
        ("nine cells", r"\bAX\b") , ("CZ", r"\bCZ\b"),
    ],
    "M4": [
        ("5,000 units a month", r"5[ ,.]?000"), ("over 50 % critical", rf"50{PCT}"),
        ("warning 20–30 %", rf"20\s?[–-]\s?30{PCT}"), ("40 %", rf"40{PCT}"),
        ("Pareto 20/80", r"Pareto"), ("HHI", r"HHI"), ("single-client company", r"integrator|single[- ]client"),
    ],
    "M5": [
        ("ten retention methods", r"\bten\b[^.]{0,30}method|10 (retention )?methods"),
        ("partner conference of 50–70", r"50\s?[–-]\s?70"), ("greenhouse conditions", r"greenhouse"),
        ("CEM", r"\bCEM\b|customer[- ]experience"), ("branded gifts", r"branded gift|gift"),
    ],
    "M6": [
        ("parliament case", r"parliament"), ("16 steps", r"\b16\b|sixteen"), ("seven goals", r"\b7\b|seven"),
        ("weekly norm 5", r"\b5\b[^.]{0,40}week|five[^.]{0,40}week"), ("weekly norm 15", r"\b15\b"),
        ("sweep in 2–3 months", r"2\s?[–-]\s?3 months"), ("quarterly", r"quarterly"), ("monthly", r"monthly"),
        ("three copies", r"three copies|3 copies"), ("A4", r"A4"),
    ],
    "M7": [
        ("survey on the 16th", r"16th"), ("promoters 9–10", r"9\s?[–-]\s?10"), ("passives 7–8", r"7\s?[–-]\s?8"),
        ("detractors 0–6", r"0\s?[–-]\s?6"), ("NPS range", r"[−-]100"), ("margin of error", r"margin of error|interval"),
    ],
    "M8": [
        ("what if", r"what if"), ("SWOT", r"SWOT"), ("personal hostility", r"hostil"),
        ("lost-client criterion", r"criterion"), ("deal economics", r"implicit|hidden cost|total cost"),
    ],
    "M9": [
        ("20–40 pages", r"20\s?[–-]\s?40 pages"), ("three P", r"three[- ]P|3P"),
        ("owner, CEO, chief accountant", r"chief accountant"), ("deep and wide", r"deep and wide"),
        ("contact map", r"contact map|decision[- ]making map|decision map"),
    ],
    "M10": [
        ("no more than 3 key clients", r"\b3\b[^.]{0,30}key|three key"), ("20 meetings a day", r"20 a day|20 meetings"),
        ("1–2 a day in B2B", r"1\s?[–-]\s?2 a day|1\s?[–-]\s?2 meetings"), ("one contract in ten", r"one in ten|1 in 10|one contract (in|per) (ten|10)"),
        ("1 in 5 candidates come", r"1 in 5|one in five"), ("15–20 invitations", r"15\s?[–-]\s?20"),
        ("screen about 100", r"\b100\b"), ("useful after six months", r"six months|6 months"),
        ("four training stages", r"four stages|4 stages|stage"), ("pay level 4: 120", r"\b120\b"),
        ("twenty duties", r"\b20\b|twenty"),
    ],
    "M11": [
        ("repeat clients 95 % of chipboard", rf"95{PCT}"), ("60 % cement-bonded board", rf"60{PCT}"),
        ("people buy from people", r"people buy from people"), ("breakfast", r"breakfast"),
        ("5 million could be 15–20 million", r"15\s?[–-]\s?20 million"),
    ],
}


def _course_text() -> str:
    parts = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")) + sorted((ROOT / "exercises" / "solved").glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            parts.append("".join(cell["source"]))
    for path in sorted((ROOT / "kamlib" / "course" / "exercises").glob("ex*.py")):
        parts.append(path.read_text(encoding="utf-8"))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def course_text():
    return _course_text()


@pytest.mark.parametrize("module", list(CHECKLIST))
def test_module_facts_are_taught(module, course_text):
    missing = [fact for fact, pattern in CHECKLIST[module] if not re.search(pattern, course_text, re.I)]
    assert not missing, f"{module}: not found in the course: {missing}"

"""The VIP questionnaire as data and as a printable form (CURRICULUM M6, step 5)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from kamlib import KamArgumentError, questionnaire_form, vip_questionnaire

# step 5 of the source, in its order
SOURCE_SECTIONS = ["header", "contacts", "carnegie", "cooperation", "quality", "expand", "new_products", "referrals"]


def test_sections_follow_the_source():
    q = vip_questionnaire()
    assert list(q.section_id.unique()) == SOURCE_SECTIONS
    # sections are contiguous blocks, questions numbered 1..n in order
    assert q.question_no.tolist() == list(range(1, len(q) + 1))
    blocks = (q.section_id != q.section_id.shift()).sum()
    assert blocks == len(SOURCE_SECTIONS)
    assert q.loc[q.section_id == "header", "question_id"].tolist() == ["client_name", "meeting_date", "interviewer"]


def test_columns_and_kinds():
    q = vip_questionnaire()
    assert q.columns.tolist() == [
        "question_no", "question_id", "section_id", "section", "text", "kind", "is_quality_check", "note",
    ]
    assert q.question_id.is_unique
    assert set(q.kind) == {"text", "date", "yes_no", "people"}
    assert q.text.str.len().gt(10).all()
    assert not q.text.str.contains(r"[{}]").any()  # no unfilled placeholders
    assert q.loc[q.question_id == "key_people", "kind"].item() == "people"
    assert q.loc[q.question_id == "referral_people", "kind"].item() == "people"


def test_quality_checks():
    q = vip_questionnaire()
    checks = q[q.is_quality_check]
    assert len(checks) == 5
    assert set(checks.kind) == {"yes_no"}
    assert set(checks.section_id) == {"quality"}
    # every check is phrased so that "yes" passes
    assert checks.note.str.contains("'yes' passes").all()
    # the source's internet-provider examples are kept as notes
    notes = " ".join(checks.note)
    assert "outage" in notes and "speed" in notes
    rule = q.loc[q.question_id == "quality_problems", "note"].item()
    assert "stop the questionnaire" in rule and "step 10" in rule


def test_a_new_frame_each_call():
    first = vip_questionnaire()
    first.loc[0, "text"] = "changed"
    assert vip_questionnaire().loc[0, "text"] == "Client (company name)"


def test_markdown_form():
    form = questionnaire_form("markdown", client="Acme Ltd", interviewer="Anna", date=date(2025, 3, 4))
    q = vip_questionnaire()
    assert form.startswith("# VIP questionnaire\n")
    assert "**Client (company name):** Acme Ltd" in form
    assert "**Meeting date:** 2025\\-03\\-04" not in form  # a date stays readable
    assert "**Meeting date:** 2025-03-04" in form
    numbered = re.findall(r"^(\d+)\. ", form, flags=re.M)
    # all questions but the 3 header fields are numbered 1..26
    assert [int(n) for n in numbered] == list(range(1, len(q) - 3 + 1))
    assert form.count("## ") == len(SOURCE_SECTIONS)
    # side 2 starts at the quality check
    assert form.index("*Side 2*") < form.index("## 5. Quality of our service") < form.index("## 6.")
    assert form.index("*Side 2*") > form.index("## 4. Our current cooperation")
    assert form.count("[ ] yes [ ] no") == 6  # 5 checks + willing to introduce


def test_blank_form_has_blank_header():
    form = questionnaire_form()
    assert "**Client (company name):** ....." in form


def test_markdown_escapes_user_strings():
    form = questionnaire_form("markdown", client="<script>alert(1)</script>", interviewer="*Bob* | _x_")
    assert "<script>" not in form
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in form
    assert "\\*Bob\\* \\| \\_x\\_" in form


def test_html_form_prints_on_two_a4_sides():
    html = questionnaire_form("html", client="Acme", interviewer="Anna", date="2025-03-04")
    assert html.startswith("<!DOCTYPE html>")
    assert "@page { size: A4;" in html
    # exactly one page break, and it opens the quality section
    assert html.count('class="side-two"') == 1
    after = html.split('class="side-two"')[1]
    assert after.startswith("><h2>5. Quality of our service</h2>")
    # numbering continues across sections: ol start values 1, 4, 9, 13, 19, 22, 25
    assert [int(x) for x in re.findall(r'<ol start="(\d+)">', html)] == [1, 4, 9, 13, 19, 22, 25]
    for text in vip_questionnaire().text:
        assert text.replace("'", "&#x27;") in html
    assert html.count("&#9744;") == 12  # 6 yes/no questions x 2 empty boxes


def test_html_escapes_every_user_string():
    evil = "<script>alert(1)</script>"
    html = questionnaire_form("html", client=evil, interviewer=evil, date=evil)
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3
    filled = questionnaire_form("html", answers={"carnegie_story": evil, "qc_on_time": "no"})
    assert "<script>" not in filled
    assert "&#9746; no" in filled


def test_answers_and_resume_marker():
    form = questionnaire_form(
        "markdown",
        answers={"key_people": [{"name": "Ms Lee", "position": "CEO"}], "qc_on_time": True},
        resume_at="qc_complete",
    )
    assert "name: Ms Lee, position: CEO" in form
    assert "[x] yes [ ] no" in form
    marker = form.index("Continue here")
    assert form.index("did every delivery arrive on the agreed day") < marker
    assert marker < form.index("did every delivery arrive complete")


def test_bad_arguments():
    with pytest.raises(KamArgumentError, match="format='pdf' is not valid; use \"markdown\" or \"html\""):
        questionnaire_form("pdf")
    with pytest.raises(KamArgumentError, match="client=5 is not valid; use text or None"):
        questionnaire_form(client=5)
    with pytest.raises(KamArgumentError, match="date=3.5 is not valid"):
        questionnaire_form(date=3.5)
    with pytest.raises(KamArgumentError, match='question "colour" is not in the VIP questionnaire'):
        questionnaire_form(answers={"colour": "red"})
    with pytest.raises(KamArgumentError, match='question "q99" is not in the VIP questionnaire'):
        questionnaire_form(resume_at="q99")

"""The VIP questionnaire of the VIP programme (CURRICULUM M6, source 001, step 5).

The questionnaire is *data*: its sections, questions and which questions are the
objective quality checks live here (structure) and in
``kamlib/labels/en/toolkit_register.toml`` (wording), so a team can print it,
translate it, or store filled answers in the register
(:meth:`kamlib.Register.start_questionnaire`).

Sections, in the order of the source: the client and the meeting; the client's
key people; "Carnegie" questions that let the client talk about their company;
the current cooperation; the objective quality checks; room to grow the current
cooperation; new products and new lines; referrals. The form fits two sides of
an A4 sheet: side 1 ends with the current cooperation, side 2 starts with the
quality check -- the place where the interviewer pauses when problems are found
(step 10) and resumes after the client has confirmed the fix (steps 13-15).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Literal, NamedTuple

import pandas as pd

from .._errors import KamArgumentError
from ..labels import t
from ._markup import h, md

__all__ = ["vip_questionnaire", "questionnaire_form", "QUESTION_IDS", "QUALITY_CHECK_IDS", "question_kind"]


class _Q(NamedTuple):
    question_id: str
    section_id: str
    kind: str  # text | date | yes_no | people
    is_quality_check: bool = False


SECTIONS: tuple[str, ...] = (
    "header", "contacts", "carnegie", "cooperation", "quality", "expand", "new_products", "referrals",
)
"""Section ids in the order of the source's step 5."""

KINDS: tuple[str, ...] = ("text", "date", "yes_no", "people")
"""How a question is answered: free text, a date, yes/no, or a small table of people."""

_QUESTIONS: tuple[_Q, ...] = (
    _Q("client_name", "header", "text"),
    _Q("meeting_date", "header", "date"),
    _Q("interviewer", "header", "text"),
    _Q("key_people", "contacts", "people"),
    _Q("people_changed", "contacts", "text"),
    _Q("final_say", "contacts", "text"),
    _Q("carnegie_story", "carnegie", "text"),
    _Q("carnegie_pride", "carnegie", "text"),
    _Q("carnegie_plans", "carnegie", "text"),
    _Q("carnegie_customers", "carnegie", "text"),
    _Q("carnegie_challenge", "carnegie", "text"),
    _Q("coop_products", "cooperation", "text"),
    _Q("coop_ordering", "cooperation", "text"),
    _Q("coop_other_suppliers", "cooperation", "text"),
    _Q("coop_planning", "cooperation", "text"),
    _Q("qc_on_time", "quality", "yes_no", True),
    _Q("qc_complete", "quality", "yes_no", True),
    _Q("qc_no_defects", "quality", "yes_no", True),
    _Q("qc_documents", "quality", "yes_no", True),
    _Q("qc_claims", "quality", "yes_no", True),
    _Q("quality_problems", "quality", "text"),
    _Q("expand_volume", "expand", "text"),
    _Q("expand_move", "expand", "text"),
    _Q("expand_sites", "expand", "text"),
    _Q("new_presented", "new_products", "text"),
    _Q("new_interest", "new_products", "text"),
    _Q("new_lines", "new_products", "text"),
    _Q("referral_people", "referrals", "people"),
    _Q("referral_introduce", "referrals", "yes_no"),
)

QUESTION_IDS: tuple[str, ...] = tuple(q.question_id for q in _QUESTIONS)
QUALITY_CHECK_IDS: tuple[str, ...] = tuple(q.question_id for q in _QUESTIONS if q.is_quality_check)

# columns of the small people tables, and how many blank rows the printed form leaves
_PEOPLE_FIELDS: dict[str, tuple[str, ...]] = {
    "key_people": ("name", "position", "phone", "email", "birthday"),
    "referral_people": ("name", "company", "phone", "relation"),
}
_PEOPLE_ROWS: dict[str, int] = {"key_people": 4, "referral_people": 3}
# lines left for a written answer on the printed form
_TEXT_LINES: dict[str, int] = {
    "carnegie_story": 2, "carnegie_plans": 2, "carnegie_customers": 2, "coop_products": 2, "coop_other_suppliers": 2,
    "quality_problems": 4, "expand_volume": 2, "new_presented": 2, "new_interest": 2,
}
_SIDE_TWO_STARTS = "quality"
_BLANK_LINE = "." * 60  # a line to write on (underscores alone would be a Markdown rule)


def question_kind(question_id: str) -> str:
    """The kind of answer ``question_id`` takes (``text``, ``date``, ``yes_no`` or ``people``)."""
    for q in _QUESTIONS:
        if q.question_id == question_id:
            return q.kind
    raise KamArgumentError(
        t("register.unknown_question", question=question_id, first=", ".join(QUESTION_IDS[:4]))
    )


def vip_questionnaire() -> pd.DataFrame:
    """The VIP questionnaire as a table: one row per question, in the order asked.

    Returns
    -------
    pandas.DataFrame
        Columns ``question_no`` (1, 2, ...), ``question_id`` (stable code name, used
        to store answers), ``section_id``, ``section`` (heading), ``text``, ``kind``
        (``text``, ``date``, ``yes_no`` or ``people``), ``is_quality_check`` (the
        objective checks of step 5: ``"yes"`` passes, and if any check is answered
        ``"no"`` the service is not of quality) and ``note`` (a hint for the
        interviewer, empty when there is none).

    See Also
    --------
    questionnaire_form : the printable form.
    kamlib.Register.start_questionnaire : store a filled questionnaire.

    Examples
    --------
    >>> from kamlib import vip_questionnaire
    >>> q = vip_questionnaire()
    >>> list(q.section_id.unique())
    ['header', 'contacts', 'carnegie', 'cooperation', 'quality', 'expand', 'new_products', 'referrals']
    >>> q[q.is_quality_check].question_id.tolist()
    ['qc_on_time', 'qc_complete', 'qc_no_defects', 'qc_documents', 'qc_claims']
    """
    rows = [
        {
            "question_no": i,
            "question_id": q.question_id,
            "section_id": q.section_id,
            "section": t(f"vip_sections.{q.section_id}"),
            "text": t(f"vip_questions.{q.question_id}"),
            "kind": q.kind,
            "is_quality_check": q.is_quality_check,
            "note": _note(q.question_id),
        }
        for i, q in enumerate(_QUESTIONS, start=1)
    ]
    return pd.DataFrame(rows)


def _note(question_id: str) -> str:
    try:
        return t(f"vip_notes.{question_id}")
    except KeyError:
        return ""


def _check_format(format: str) -> str:
    if format not in ("markdown", "html"):
        raise KamArgumentError(t("errors.bad_argument", argument="format", value=format, valid=t("register_valid.format")))
    return format


def _date_text(value: date | datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise KamArgumentError(t("errors.bad_argument", argument="date", value=value, valid=t("register_valid.date_or_none")))


def _check_text(value: object, argument: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise KamArgumentError(t("errors.bad_argument", argument=argument, value=value, valid=t("register_valid.text_or_none")))
    return value


def questionnaire_form(
    format: Literal["markdown", "html"] = "markdown",
    client: str | None = None,
    interviewer: str | None = None,
    date: date | datetime | str | None = None,
    *,
    answers: Mapping[str, object] | None = None,
    resume_at: str | None = None,
) -> str:
    """The VIP questionnaire as a printable form (two sides of an A4 sheet).

    Parameters
    ----------
    format : {"markdown", "html"}
        Markdown for a notebook or a text file; HTML (with print CSS: A4 page, side 2
        starts on a new page at the quality check) to print from a browser.
    client, interviewer, date : optional
        Pre-filled into the header; blank lines when omitted.
    answers : mapping of question_id to answer, optional
        Answers already given (e.g. ``Register.answers(questionnaire_id)``), printed
        under their questions -- the form to take to the meeting that resumes a
        paused questionnaire.
    resume_at : str, optional
        A question id to mark "Continue here" (``Register.next_question``).

    Returns
    -------
    str
        The form (a ``str`` that a notebook also shows formatted). Every user-supplied string is escaped (HTML entities; in Markdown
        also the Markdown punctuation), so it is shown as text.

    Raises
    ------
    KamArgumentError
        ``format`` is not ``"markdown"``/``"html"``, an argument has the wrong type,
        or ``answers``/``resume_at`` name an unknown question.

    Examples
    --------
    >>> from kamlib import questionnaire_form
    >>> form = questionnaire_form("markdown", client="Acme Ltd", date="2025-03-04")
    >>> print(form.splitlines()[0])
    # VIP questionnaire
    >>> "**Client (company name):** Acme Ltd" in form
    True
    >>> "<script>" in questionnaire_form("html", client="<script>alert(1)</script>")
    False

    In a notebook, a cell ending with the form shows it (the HTML one in a frame of its own,
    so its print styles stay out of the notebook); to print it, save it and open the file::

        form = questionnaire_form("html", client="Acme Ltd")
        form                                                       # shown in the notebook
        Path("form.html").write_text(form, encoding="utf-8")       # then print from a browser

    >>> questionnaire_form("html")._repr_html_().startswith("<iframe")
    True
    """
    _check_format(format)
    header = {
        "client_name": _check_text(client, "client"),
        "interviewer": _check_text(interviewer, "interviewer"),
        "meeting_date": _date_text(date),
    }
    given = dict(answers or {})
    for key in given:
        question_kind(key)  # raises on an unknown id
    if resume_at is not None:
        question_kind(resume_at)
    for key, value in header.items():
        if value and key not in given:
            given[key] = value
    frame = vip_questionnaire()
    if format == "markdown":
        return MarkdownForm(_form_markdown(frame, given, resume_at))
    return HtmlForm(_form_html(frame, given, resume_at))


class MarkdownForm(str):
    """The form as Markdown text (a ``str``), shown formatted when it ends a notebook cell."""

    def _repr_markdown_(self) -> str:
        return str(self)


class HtmlForm(str):
    """The form as an HTML page (a ``str``: save it and print it from a browser).

    Ending a notebook cell with it shows the page in a frame of its own, so its print styles
    (A4 page, the second side on a new page) do not touch the notebook's look.
    """

    def _repr_html_(self) -> str:
        import html

        return ('<iframe title="VIP questionnaire" style="width: 100%; height: 640px; border: 1px solid #ccc; '
                f'background: white" srcdoc="{html.escape(str(self), quote=True)}"></iframe>')


def _answer_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return t("vip_form.yes") if value else t("vip_form.no")
    if isinstance(value, (list, tuple)):
        return "; ".join(
            ", ".join(f"{k}: {v}" for k, v in item.items()) if isinstance(item, Mapping) else str(item) for item in value
        )
    return str(value)


def _yes_no(value: object) -> str | None:
    """``"yes"``/``"no"`` for a stored or given yes/no answer (True, "yes", the label), else None."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str):
        word = value.strip().lower()
        if word in ("yes", t("vip_form.yes").lower()):
            return "yes"
        if word in ("no", t("vip_form.no").lower()):
            return "no"
    return None


def _form_markdown(frame: pd.DataFrame, given: Mapping[str, object], resume_at: str | None) -> str:
    lines = [f"# {t('vip_form.title')}", "", f"*{t('vip_form.intro')}*", ""]
    number = 0
    for section_no, (section_id, block) in enumerate(frame.groupby("section_id", sort=False), start=1):
        if section_id == _SIDE_TWO_STARTS:
            lines += ["---", "", f"*{t('vip_form.side_two')}*", ""]
        lines += [f"## {section_no}. {md(block.section.iloc[0])}", ""]
        if section_id == "quality":
            lines += [f"> {md(t('vip_form.quality_rule'))}", ""]
        for q in block.itertuples(index=False):
            if q.question_id == resume_at:
                lines += [f"**▶ {md(t('vip_form.resume_here'))}**", ""]
            answer = _answer_text(given.get(q.question_id))
            if section_id == "header":
                lines.append(f"**{md(q.text)}:** {md(answer) if answer else _BLANK_LINE[:30]}  ")
                continue
            number += 1
            if q.kind == "yes_no":
                ticked = _yes_no(given.get(q.question_id))
                box = f"[{'x' if ticked == 'yes' else ' '}] {t('vip_form.yes')} " \
                      f"[{'x' if ticked == 'no' else ' '}] {t('vip_form.no')}"
                lines.append(f"{number}. {md(q.text)} {box}")
            elif q.kind == "people":
                fields = _PEOPLE_FIELDS[q.question_id]
                lines.append(f"{number}. {md(q.text)}")
                if q.note:
                    lines.append(f"   *{md(q.note)}*")
                lines.append("")
                lines.append("| " + " | ".join(md(t(f"vip_fields.{f}")) for f in fields) + " |")
                lines.append("|" + "|".join("---" for _ in fields) + "|")
                if answer:
                    lines.append("| " + md(answer) + " |" + " |" * (len(fields) - 1))
                lines += ["|" + "   |" * len(fields)] * _PEOPLE_ROWS[q.question_id]
                lines.append("")
                continue
            else:
                lines.append(f"{number}. {md(q.text)}")
                if answer:
                    lines.append(f"   {md(answer)}")
                else:
                    lines += ["   " + _BLANK_LINE] * _TEXT_LINES.get(q.question_id, 1)
            if q.note:
                lines.append(f"   *{md(q.note)}*")
            lines.append("")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
@page { size: A4; margin: 12mm 14mm; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 9pt; line-height: 1.25; margin: 0; }
h1 { font-size: 14pt; margin: 0 0 2mm; }
h2 { font-size: 10.5pt; margin: 3mm 0 1mm; border-bottom: 0.3mm solid #444; }
p.intro, p.rule { margin: 0 0 1.5mm; font-style: italic; }
p.rule { font-weight: bold; }
ol { margin: 0; padding-left: 6mm; }
li { margin: 0 0 1.2mm; }
.line { border-bottom: 0.2mm solid #999; height: 5mm; }
.answer { font-family: "Courier New", monospace; }
.note { color: #555; font-size: 8pt; }
.header td { padding: 0.8mm 2mm 0.8mm 0; }
.blank { display: inline-block; width: 90mm; border-bottom: 0.2mm solid #999; }
table.people { border-collapse: collapse; width: 100%; margin-top: 1mm; }
table.people th, table.people td { border: 0.2mm solid #888; padding: 0.5mm 1mm; height: 4.5mm; text-align: left; }
.resume { font-weight: bold; color: #a00; }
.side-two { break-before: page; page-break-before: always; }
@media screen { body { max-width: 190mm; margin: 1em auto; } }
"""


def _form_html(frame: pd.DataFrame, given: Mapping[str, object], resume_at: str | None) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{h(t('vip_form.title'))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{h(t('vip_form.title'))}</h1>",
        f'<p class="intro">{h(t("vip_form.intro"))}</p>',
    ]
    number = 0
    for section_no, (section_id, block) in enumerate(frame.groupby("section_id", sort=False), start=1):
        css = ' class="side-two"' if section_id == _SIDE_TWO_STARTS else ""
        out.append(f"<section{css}><h2>{section_no}. {h(block.section.iloc[0])}</h2>")
        if section_id == "quality":
            out.append(f'<p class="rule">{h(t("vip_form.quality_rule"))}</p>')
        if section_id == "header":
            out.append('<table class="header">')
            for q in block.itertuples(index=False):
                answer = _answer_text(given.get(q.question_id))
                value = f'<span class="answer">{h(answer)}</span>' if answer else '<span class="blank"></span>'
                out.append(f"<tr><td><b>{h(q.text)}</b></td><td>{value}</td></tr>")
            out.append("</table></section>")
            continue
        out.append(f'<ol start="{number + 1}">')
        for q in block.itertuples(index=False):
            number += 1
            answer = _answer_text(given.get(q.question_id))
            resume = f'<div class="resume">&#9654; {h(t("vip_form.resume_here"))}</div>' if q.question_id == resume_at else ""
            item = [f"<li>{resume}{h(q.text)}"]
            if q.kind == "yes_no":
                ticked = _yes_no(given.get(q.question_id))
                item.append(
                    f" &nbsp; {'&#9746;' if ticked == 'yes' else '&#9744;'} {h(t('vip_form.yes'))}"
                    f" &nbsp; {'&#9746;' if ticked == 'no' else '&#9744;'} {h(t('vip_form.no'))}"
                )
            elif q.kind == "people":
                fields = _PEOPLE_FIELDS[q.question_id]
                head = "".join(f"<th>{h(t(f'vip_fields.{f}'))}</th>" for f in fields)
                filled = (
                    f'<tr><td colspan="{len(fields)}" class="answer">{h(answer)}</td></tr>' if answer else ""
                )
                blank = ("<tr>" + "<td></td>" * len(fields) + "</tr>") * _PEOPLE_ROWS[q.question_id]
                item.append(f'<table class="people"><thead><tr>{head}</tr></thead><tbody>{filled}{blank}</tbody></table>')
            elif answer:
                item.append(f'<div class="answer">{h(answer)}</div>')
            else:
                item.append('<div class="line"></div>' * _TEXT_LINES.get(q.question_id, 1))
            if q.note:
                item.append(f'<div class="note">{h(q.note)}</div>')
            item.append("</li>")
            out.append("".join(item))
        out.append("</ol></section>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"

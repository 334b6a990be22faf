"""The glossary answers in a notebook and GLOSSARY.md stays generated from the same source."""

import pytest

import kamlib
from conftest import ROOT
from kamlib.course._glossary import glossary_markdown
from kamlib.labels import all_labels


def test_glossary_md_is_current():
    assert (ROOT / "GLOSSARY.md").read_text(encoding="utf-8") == glossary_markdown(), (
        "run: python -m kamlib.course.glossary > GLOSSARY.md"
    )


def test_every_term_has_a_definition_and_a_module():
    labels = all_labels("en")
    keys = {k.split(".", 1)[1] for k in labels if k.startswith("glossary.")}
    assert keys == {k.split(".", 1)[1] for k in labels if k.startswith("glossary_term.")}
    assert keys == {k.split(".", 1)[1] for k in labels if k.startswith("glossary_module.")}
    for k in keys:
        assert labels[f"glossary_module.{k}"] in {f"M{i}" for i in range(1, 11)}


@pytest.mark.parametrize("asked, term", [
    ("NPS", "Net Promoter Score (NPS)"), ("net promoter score", "Net Promoter Score (NPS)"),
    ("hhi", "Herfindahl-Hirschman index (HHI)"), ("Key account", "key account"),
    ("decision-making unit", "decision-making unit (buying centre)"), ("abc_xyz", "ABC-XYZ matrix"),
])
def test_lookup_by_name_abbreviation_or_key(asked, term):
    assert kamlib.glossary(asked).term == term


def test_the_terms_the_issue_names_are_there():
    for asked in ("key account", "ABC-XYZ matrix", "CV", "NPS", "HHI", "decision-making unit"):
        kamlib.glossary(asked)


def test_unknown_term_answers_in_one_line_with_close_ones():
    miss = kamlib.glossary("hhx")  # a typo: spelled like the abbreviation
    assert not miss and "\n" not in repr(miss)
    assert repr(miss).startswith('No glossary entry for "hhx"') and "Herfindahl-Hirschman index (HHI)" in repr(miss)


@pytest.mark.parametrize(("asked", "suggested"), [
    ("churn", ["lost client", "at-risk client", "win-back"]),  # a word the course calls otherwise
    ("Churned clients", ["lost client"]),
    ("lost", ["lost client"]),  # part of a term
])
def test_unknown_word_suggests_the_entries_to_read(asked, suggested):
    miss = kamlib.glossary(asked)
    assert miss.suggestions[: len(suggested)] == suggested
    for term in miss.suggestions:  # every suggestion is a call that works
        assert kamlib.glossary(term).term == term


def test_nothing_close_still_one_line():
    miss = kamlib.glossary("zzz")
    assert miss.suggestions == [] and repr(miss) == 'No glossary entry for "zzz"; kamlib.glossary() lists all ' \
        f'{len(kamlib.glossary())} terms.'


def test_full_table():
    table = kamlib.glossary()
    assert list(table.columns) == ["term", "module", "definition"]
    assert table["term"].is_unique

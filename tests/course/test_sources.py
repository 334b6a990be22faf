"""The source register (sources/register/*.toml), SOURCES.md and every citation of a source.

(a) every entry is well-formed and ids are unique; SOURCES.md shows the current register;
(b) every "source 00X" / "file 00X" mention in the course's texts is a reference to an entry of source 00X;
(c) each entry's lines exist in the original (../shared/seeds beside the clone) and contain its numbers.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from kamlib.course import sources as S

FACTS = S.load_register(ROOT)
CITING = sorted({p for pattern in S.CITING_FILES for p in ROOT.glob(pattern)})


def test_the_register_is_not_empty():
    assert len(FACTS) >= 2
    assert {f.kind for f in FACTS} <= set(S.KINDS)


def test_every_entry_is_well_formed_and_ids_are_unique():
    assert S.register_problems(FACTS, ROOT) == []


def test_sources_md_is_current():
    text = (ROOT / "SOURCES.md").read_text(encoding="utf-8")
    assert S.update_sources_md(text, FACTS) == text, "run: python -m kamlib.course.sources"
    for f in FACTS:
        assert f'<a id="{f.id}"></a>' in text


@pytest.mark.parametrize("path", CITING, ids=[p.relative_to(ROOT).as_posix() for p in CITING])
def test_every_mention_of_a_source_cites_a_register_entry(path):
    problems = S.citation_problems(ROOT, FACTS, [path]).get(path.relative_to(ROOT).as_posix(), [])
    assert problems == [], "\n".join(problems)


def test_the_lines_and_numbers_stand_in_the_originals():
    seeds = S.find_seeds(ROOT)
    if seeds is None:
        pytest.skip("the originals are not beside this clone (expected ../shared/seeds or $KAM_SEEDS); "
                    "line ranges and numbers not checked")
    assert S.seed_problems(FACTS, seeds) == []


# --- the checker itself can fail ------------------------------------------------------------------

def _fact(**kw):
    base = dict(id="004-x", fact="a fact", kind="source", source="004", lines=(13, 13), numbers=("10",),
                file="t.toml")
    base.update(kw)
    raw = {k: (list(v) if isinstance(v, tuple) else v) for k, v in base.items() if k != "file"}
    return S.Fact(**base, raw=raw)


@pytest.mark.parametrize("kw, says", [
    (dict(id="Breadwinner"), "slug"),
    (dict(id="003-x"), "must start with its source number"),
    (dict(kind="fact"), "is not one of"),
    (dict(source="005", id="005-x"), "slug"),
    (dict(lines=(14, 13)), "lines must be"),
    (dict(kind="course", id="course-x"), "no source and no lines"),
    (dict(fact=" "), "empty"),
    (dict(used_in=("notebooks/nope.ipynb",)), "does not exist"),
])
def test_malformed_entries_are_reported(kw, says):
    problems = S.register_problems([_fact(**kw)], ROOT)
    assert any(says in p for p in problems), problems


def test_duplicate_ids_are_reported():
    assert any("also used" in p for p in S.register_problems([_fact(), _fact()], ROOT))


def test_numbers_are_checked_against_the_lines(tmp_path):
    (tmp_path / "004_x.txt").write_text("first\nбарлығы 10\u00a0% немесе 5 000 дана, 2,5 %\n", encoding="utf-8")
    good = _fact(lines=(2, 2), numbers=("10 %", "5000", "2.5%"))
    assert S.seed_problems([good], tmp_path) == []
    assert S.seed_problems([_fact(lines=(1, 1), numbers=("10",))], tmp_path)   # not on that line
    assert S.seed_problems([_fact(lines=(2, 2), numbers=("1",))], tmp_path)    # "1" is not "10"
    assert S.seed_problems([_fact(lines=(2, 3))], tmp_path)                    # no line 3


def _nb(tmp_path, folder, cells):
    path = tmp_path / folder / "x.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"cells": [{"cell_type": t, "source": s} for t, s in cells]}), encoding="utf-8")
    return path


@pytest.mark.parametrize("cell, ok", [
    (("markdown", "As [source 004](../SOURCES.md#004-x) says."), True),
    (("markdown", "As [Source 004](../SOURCES.md#004-x) says."), True),
    (("markdown", "As source 004 says."), False),
    (("markdown", "As file 004 says."), False),
    (("markdown", "As source 004 [004-x] says."), False),                 # plain form in Markdown
    (("markdown", "As [source 003](../SOURCES.md#004-x) says."), False),  # entry of another source
    (("markdown", "As [source 004](../SOURCES.md#004-nope) says."), False),
    (("markdown", "As [source 004](SOURCES.md#004-x) says."), False),     # wrong relative path
    (("markdown", "[sources 004 and 003](../SOURCES.md#004-x)"), False),
    (("markdown", "[sources 004](../SOURCES.md#004-x) and 003"), False),
    (("markdown", "see [the rule](../SOURCES.md#004-nope)"), False),
    (("code", "# source 004 [004-x]: the 10 %"), True),
    (("code", "# source 004: the 10 %"), False),
])
def test_citations_in_a_notebook(tmp_path, cell, ok):
    (tmp_path / "SOURCES.md").write_text("", encoding="utf-8")
    path = _nb(tmp_path, "notebooks", [cell])
    found = S.citation_problems(tmp_path, [_fact()], [path])
    assert (found == {}) is ok, found


def test_citations_in_plain_text(tmp_path):
    path = tmp_path / "labels.toml"
    path.write_text('a = "more than 10 % (source 004 [004-x])"\nb = "see sources 004 [004-x] and 002"\n',
                    encoding="utf-8")
    found = S.citation_problems(tmp_path, [_fact()], [path])["labels.toml"]
    assert len(found) == 1 and "line 2" in found[0]


def test_the_learner_version_keeps_links_to_sources_md_working(tmp_path):
    """exercises/solved/ is one folder deeper than exercises/: assign drops one '../' from relative links."""
    from nbformat.v4 import new_markdown_cell, new_notebook
    import nbformat

    from kamlib.course.assign import make_learner_version

    nb = new_notebook(cells=[new_markdown_cell("As [source 004](../../SOURCES.md#004-x) says; "
                                               "[web](https://example.org/a) stays.")])
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    learner = make_learner_version(path)
    assert learner.cells[0].source == ("As [source 004](../SOURCES.md#004-x) says; "
                                       "[web](https://example.org/a) stays.")


@pytest.mark.parametrize("text, ok", [
    ("All sources: [SOURCES.md](../SOURCES.md).", True),
    ("[source 004](../SOURCES.md)", False),             # a citation needs an entry id
    ("[a course rule](../SOURCES.md#004-x)", True),
])
def test_page_links_and_other_link_texts(tmp_path, text, ok):
    path = _nb(tmp_path, "notebooks", [("markdown", text)])
    assert (S.citation_problems(tmp_path, [_fact()], [path]) == {}) is ok


def test_toml_comment_lines_are_not_citations(tmp_path):
    path = tmp_path / "labels.toml"
    path.write_text('# --- the ten methods of source 002 ---\na = "ok"\nb = "see source 002"\n', encoding="utf-8")
    found = S.citation_problems(tmp_path, [_fact()], [path])["labels.toml"]
    assert len(found) == 1 and "line 3" in found[0]


def test_the_renderer_refuses_a_folder_without_a_register(tmp_path, capsys):
    (tmp_path / "SOURCES.md").write_text("mine\n", encoding="utf-8")
    assert S.main(["--root", str(tmp_path)]) == 2
    assert (tmp_path / "SOURCES.md").read_text(encoding="utf-8") == "mine\n"  # untouched
    assert "no source register" in capsys.readouterr().out


def test_the_renderer_writes_and_checks(tmp_path):
    reg = tmp_path / "sources" / "register"
    reg.mkdir(parents=True)
    reg.joinpath("m.toml").write_text('[[fact]]\nid = "course-x"\nfact = "A rule."\nkind = "course"\n', encoding="utf-8")
    (tmp_path / "SOURCES.md").write_text("# Sources\n\nHand-written.\n", encoding="utf-8")
    assert S.main(["--root", str(tmp_path), "--check"]) == 1          # stale: no register section yet
    assert S.main(["--root", str(tmp_path)]) == 0
    text = (tmp_path / "SOURCES.md").read_text(encoding="utf-8")
    assert text.startswith("# Sources\n\nHand-written.\n") and '<a id="course-x"></a>' in text
    assert S.main(["--root", str(tmp_path), "--check"]) == 0

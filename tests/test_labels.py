"""Every word kamlib shows comes from kamlib/labels/: keys the code uses exist, and a translation can override them."""

from __future__ import annotations

import re
import shutil

import pytest

import kamlib.labels as labels
from conftest import ROOT
from kamlib import KamArgumentError

# t("section.name" ...) with a literal key; keys built with f-strings are checked by the tests that use them.
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_0-9]+\.[A-Za-z0-9_]+)["']""")


def _used_keys() -> dict[str, str]:
    used = {}
    for path in sorted((ROOT / "kamlib").rglob("*.py")):
        for key in LITERAL_KEY.findall(path.read_text(encoding="utf-8")):
            used.setdefault(key, str(path.relative_to(ROOT)))
    return used


def test_every_literal_label_key_in_the_code_exists_in_english():
    known = labels.all_labels("en")
    used = _used_keys()
    assert len(used) > 300  # the scan really found the code's keys
    missing = {key: where for key, where in used.items() if key not in known}
    assert not missing, f"label keys used in code but missing from kamlib/labels/en/: {missing}"


def test_no_key_is_defined_in_two_files(tmp_path, monkeypatch):
    labels.all_labels.cache_clear()
    labels.all_labels("en")  # raises on a duplicate
    # and the check itself works: a copy with one key defined twice is refused
    fake = tmp_path / "labels"
    shutil.copytree(ROOT / "kamlib" / "labels", fake, ignore=shutil.ignore_patterns("__pycache__"))
    (fake / "en" / "zz_dup.toml").write_text('[errors]\nmissing_column = "again"\n', encoding="utf-8")
    monkeypatch.setattr(labels, "_HERE", fake)
    labels.all_labels.cache_clear()
    with pytest.raises(KamArgumentError, match="defined twice"):
        labels.all_labels("en")
    labels.all_labels.cache_clear()


def test_a_translation_overrides_and_falls_back_to_english(tmp_path, monkeypatch):
    fake = tmp_path / "labels"
    shutil.copytree(ROOT / "kamlib" / "labels", fake, ignore=shutil.ignore_patterns("__pycache__"))
    (fake / "ru").mkdir()
    (fake / "ru" / "core.toml").write_text(
        '[errors]\nmissing_column = \'{file}: нет столбца "{column}"; в таблице есть: {available}\'\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(labels, "_HERE", fake)
    labels.all_labels.cache_clear()
    try:
        assert "ru" in labels.available_languages()
        labels.set_language("ru")
        assert labels.t("errors.missing_column", file="f.csv", column="date", available="a") == (
            'f.csv: нет столбца "date"; в таблице есть: a'
        )
        assert labels.t("glossary_term.nps") == "Net Promoter Score (NPS)"  # not translated yet: English
    finally:
        labels.set_language("en")
        labels.all_labels.cache_clear()


def test_unknown_language_and_key_are_refused_clearly():
    with pytest.raises(KamArgumentError, match='language "xx" has no labels; available: en'):
        labels.set_language("xx")
    with pytest.raises(KeyError, match="no label 'nowhere.nothing'"):
        labels.t("nowhere.nothing")

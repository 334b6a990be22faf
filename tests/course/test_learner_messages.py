"""Messages a learner reads outside the checks: widget errors in the widget's own words, readable numbers."""

from __future__ import annotations

import pytest

import kamlib
from kamlib.course._checking import _readable_float


def test_abc_explorer_reports_cut_offs_in_the_sliders_words_and_percent():
    from kamlib.widgets import AbcXyzExplorer

    explorer = AbcXyzExplorer(kamlib.load_sample().orders, as_of="2025-12-31", method="cv")
    with pytest.raises(kamlib.KamArgumentError) as error:
        explorer.set(abc=(0.90, 0.80))
    message = str(error.value)
    assert "“A up to (cumulative %)” is 90 %" in message and "“B up to (cumulative %)” is 80 %" in message
    assert "(abc=(0.90, 0.80) in code)" in message
    assert explorer.set(xyz=(0.10, 0.25)) is explorer  # the old, valid settings stay usable
    explorer._xyz = (0.50, 0.30)
    explorer._cache = None
    assert "“X below (CV %)” is 50 % but “Y up to (CV %)” is 30 %" in explorer.text()


@pytest.mark.parametrize(("value", "shown"), [
    (1_071_305_000.5, "1,071,305,000"), (30_000_000.0, "30,000,000"), (-12_345.6, "-12,346"),
    (0.145269, "0.1453"), (2.494731, "2.495"), (0.029299, "0.0293"), (42.0, "42"), (float("nan"), "nan"),
])
def test_exercise_tables_show_money_and_shares_readably(value, shown):
    assert _readable_float(value) == shown

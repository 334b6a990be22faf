"""kamlib.widgets without a browser: set a value (in code or on a control), check the result and its HTML.

Expected numbers are worked out by hand in the comments, or — for the sample company —
taken from the kamlib functions the widgets promise to agree with.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

import kamlib
from kamlib import KamArgumentError, KamDataError
from kamlib.widgets import (
    AbcXyzExplorer,
    DealEconomicsCalculator,
    NPSCalculator,
    RetentionMethodsTable,
    StaticResult,
    VipStaffingCalculator,
)

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class _Elements(HTMLParser):
    """Every start tag of an HTML text with its attributes, and the text in the document."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def by_attr(text: str, key: str) -> dict[str, dict[str, str | None]]:
    """``{value of attribute key: all attributes}`` for the elements that have ``key``."""
    return {a[key]: a for _, a in _Elements(text).elements if key in a}


def root_attrs(text: str) -> dict[str, str | None]:
    """Attributes of the ``<div class="kam-result">`` of a rendered result."""
    return next(a for tag, a in _Elements(text).elements if tag == "div" and a.get("class") == "kam-result")


def cell_counts(text: str) -> dict[str, int]:
    return {cell: int(a["data-count"]) for cell, a in by_attr(text, "data-cell").items()}


def expected_counts(matrix) -> dict[str, int]:
    """Cell counts of an AbcXyzMatrix keyed as the widget's data-cell attributes (AX …, A-insufficient …)."""
    out = {}
    for abc in matrix.counts.index:
        for j, xyz in enumerate(matrix.counts.columns):
            key = f"{abc}{xyz}" if j < 3 else f"{abc}-insufficient"
            out[key] = int(matrix.counts.loc[abc, xyz])
    return out


# ---------------------------------------------------------------------------
# ABC-XYZ explorer
# ---------------------------------------------------------------------------


@pytest.fixture
def orders() -> pd.DataFrame:
    """Four clients over January–May 2025 (5 months), revenue and cost per month.

    revenue a 20 × 5 = 100 (CV 0), b 10,14,10,14,12 = 60 (mean 12, sd √((4+4+4+4+0)/5) = 1.789,
    CV 0.149), c 30 in January only (mean 6, sd √((24² + 4·6²)/5) = 12, CV 2), d 2 × 5 = 10 (CV 0).
    Total 200: cumulative 100/200 = 0.50, 160/200 = 0.80, 190/200 = 0.95, 1.00.
    Cost: a 18 a month (margin 2 a month, 10 in all), others 0.
    """
    months = pd.to_datetime([f"2025-{m:02d}-15" for m in range(1, 6)])
    rows = []
    for client, values in {"a": [20] * 5, "b": [10, 14, 10, 14, 12], "c": [30, 0, 0, 0, 0], "d": [2] * 5}.items():
        for month, value in zip(months, values):
            if value:
                rows.append({"client_id": client, "date": month, "revenue": float(value),
                             "cost": 18.0 if client == "a" else 0.0})
    return pd.DataFrame(rows)


def explorer(orders: pd.DataFrame, **kw) -> AbcXyzExplorer:
    return AbcXyzExplorer(orders, as_of="2025-05-31", min_periods=5, **kw)


def nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {k: v for k, v in counts.items() if v}


def test_explorer_cv_matrix_by_hand(orders):
    ex = explorer(orders, method="cv")
    # a 0.50 ≤ 0.80 A, CV 0 X; b 0.80 ≤ 0.80 A, CV 0.149 Y; c 0.95 B, CV 2 Z; d C, CV 0 X
    assert nonzero(cell_counts(ex.html())) == {"AX": 1, "AY": 1, "BZ": 1, "CX": 1}
    assert ex.matrix.counts.sum(axis=1).tolist() == [2, 1, 1]
    shares = by_attr(ex.html(), "data-cell")
    assert float(shares["AX"]["data-share"]) == pytest.approx(100 / 200)
    assert float(shares["BZ"]["data-share"]) == pytest.approx(30 / 200)


def test_moving_the_a_slider_recuts_the_matrix(orders):
    ex = explorer(orders, method="cv")
    ex.controls["a"].value = 70  # per cent: b at 0.80 is now above A's cut-off → B
    assert ex.abc == (0.70, 0.95)
    html = ex.output.value
    assert nonzero(cell_counts(html)) == {"AX": 1, "BY": 1, "BZ": 1, "CX": 1}
    assert root_attrs(html)["data-abc-a"] == "0.7"
    # the other settings, for anyone (the browser test) who wants to recompute what the page shows
    assert json.loads(root_attrs(html)["data-settings"]) == {
        "as_of": "2025-05-31", "start": "2024-06-01",  # the 12-month window of abc_xyz
        "period": "M", "min_periods": 5, "ddof": 0, "cumulative": "including", "method": "cv"}
    # class counts follow: A 1, B 2, C 1; X 2, Y 1, Z 1
    spans = {k: int(a["data-count"]) for k, a in by_attr(html, "data-class").items()}
    assert spans == {"A": 1, "B": 2, "C": 1, "X": 2, "Y": 1, "Z": 1, "insufficient": 0, "not-ranked": 0}
    totals = by_attr(html, "data-abc-total")
    assert int(totals["B"]["data-count"]) == 2


def test_moving_the_x_slider_and_the_value_toggle(orders):
    ex = explorer(orders, method="cv")
    ex.controls["x"].value = 20  # b's CV 0.149 < 0.20 → X
    assert nonzero(cell_counts(ex.output.value)) == {"AX": 2, "BZ": 1, "CX": 1}
    ex.controls["x"].value = 10
    ex.controls["value"].value = "margin"
    # margin: a 10, b 60, c 30, d 10 (total 110); rank b 0.545 A, c 0.818 B, a (tie with d, a first) 0.909 B,
    # d the same value as a, so the same class: B. Regularity of margin: a 2 a month X, b Y, c Z, d X
    assert nonzero(cell_counts(ex.output.value)) == {"AY": 1, "BZ": 1, "BX": 2}
    assert root_attrs(ex.output.value)["data-value"] == "margin"


@pytest.fixture(scope="module")
def sample():
    return kamlib.load_sample()


def test_explorer_by_cv_agrees_with_kamlib_on_the_sample(sample):
    data = sample
    as_of = kamlib.SAMPLE_AS_OF
    ex = AbcXyzExplorer(data.orders, as_of=as_of, method="cv")
    assert cell_counts(ex.html()) == expected_counts(kamlib.abc_xyz_matrix(kamlib.abc_xyz(data.orders, as_of=as_of,
                                                                                          method="cv")))
    before = cell_counts(ex.output.value)
    ex.controls["a"].value = 60
    ex.controls["y"].value = 40
    want = kamlib.abc_xyz_matrix(kamlib.abc_xyz(data.orders, as_of=as_of, abc=(0.60, 0.95), xyz=(0.10, 0.40),
                                                method="cv"))
    after = cell_counts(ex.output.value)
    assert after == expected_counts(want)
    assert after != before
    assert ex.matrix.counts.equals(want.counts)
    pd.testing.assert_frame_equal(ex.result, kamlib.abc_xyz(data.orders, as_of=as_of, abc=(0.60, 0.95),
                                                            xyz=(0.10, 0.40), method="cv"))


def test_set_moves_the_sliders_and_bad_cutoffs_keep_the_old_ones(orders):
    ex = explorer(orders)
    view = ex.view
    ex.set(abc=(0.70, 0.90), xyz=(0.05, 0.30))
    assert [ex.controls[k].value for k in "abxy"] == [70, 90, 5, 30]
    with pytest.raises(KamArgumentError, match="abc"):
        ex.set(abc=(0.95, 0.80))
    assert ex.abc == (0.70, 0.90) and ex.controls["a"].value == 70
    assert "kam-error" not in ex.output.value
    assert ex.view is view  # built once


def test_a_slider_beyond_b_shows_the_error_in_the_result_area(orders):
    ex = explorer(orders)
    ex.controls["a"].value = 96  # A 96 % > B 95 %
    assert 'class="kam-error"' in ex.output.value
    assert "abc" in ex.output.value
    with pytest.raises(KamArgumentError):
        ex.result
    assert ex.static().result is None
    ex.controls["b"].value = 99  # valid again
    assert "kam-error" not in ex.output.value
    assert ex.abc == (0.96, 0.99)


def test_margin_toggle_is_off_without_a_cost_column(orders):
    ex = explorer(orders.drop(columns="cost"))
    assert ex.controls["value"].disabled


def test_explorer_static_and_mimebundle(orders):
    ex = explorer(orders)
    static = ex.static()
    assert isinstance(static, StaticResult)
    assert static._repr_html_() == ex.html()
    assert "A ≤ 80 %, B ≤ 95 %" in repr(static)
    assert static.result is ex.result
    bundle = ex._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html", WIDGET_VIEW}
    assert bundle[WIDGET_VIEW]["model_id"] == ex.view.model_id
    assert bundle["text/html"] == ex.html()
    assert "Number of clients" in bundle["text/plain"]


def test_explorer_css_classes(orders):
    ex = explorer(orders)
    assert "kam-abc-explorer" in ex.view._dom_classes
    assert "kam-abc-matrix" in ex.output._dom_classes
    for name in "abxy":
        assert f"kam-abc-{name}-slider" in ex.controls[name]._dom_classes
    assert "kam-abc-value" in ex.controls["value"]._dom_classes
    assert "kam-abc-method" in ex.controls["method"]._dom_classes
    assert by_attr(ex.html(), "class")["kam-matrix"] is not None


def test_explorer_does_not_touch_the_orders(orders):
    before = orders.copy()
    ex = explorer(orders)
    ex.controls["a"].value = 60
    ex.controls["value"].value = "margin"
    pd.testing.assert_frame_equal(orders, before)


def test_explorer_refuses_bad_data():
    with pytest.raises(KamArgumentError, match="orders"):
        AbcXyzExplorer([1, 2], as_of="2025-01-31")
    with pytest.raises(KamDataError, match="revenue"):
        AbcXyzExplorer(pd.DataFrame({"client_id": ["a"], "date": ["2025-01-01"]}), as_of="2025-01-31")


# --- XYZ by purchase frequency (the default) and the method switch


@pytest.fixture
def sparse() -> pd.DataFrame:
    """Five clients in 2025 who buy in more or fewer months; each starts in January, so its window is 12 months.

    p 100 in every month (1200; 12 of 12 = 1.0), q 50 in January–September (450; 9 of 12 = 0.75),
    r 40 in the odd months (240; 6 of 12 = 0.5), s 20 in January, April, July, October
    (80; 4 of 12 = 1/3), u 10 in January, May, September (30; 3 of 12 = 0.25).
    Total 2000: cumulative 0.60 (A), 0.825 (B), 0.945 (B), 0.985 (C), 1.00 (C).
    """
    months = {"p": range(1, 13), "q": range(1, 10), "r": range(1, 13, 2), "s": (1, 4, 7, 10), "u": (1, 5, 9)}
    amount = {"p": 100.0, "q": 50.0, "r": 40.0, "s": 20.0, "u": 10.0}
    rows = [{"client_id": c, "date": pd.Timestamp(2025, m, 14), "revenue": amount[c], "cost": amount[c] / 2}
            for c, ms in months.items() for m in ms]
    return pd.DataFrame(rows)


def sparse_explorer(orders: pd.DataFrame, **kw) -> AbcXyzExplorer:
    return AbcXyzExplorer(orders, as_of="2025-12-31", min_periods=6, **kw)


def test_frequency_is_the_default_with_abc_xyz_s_cut_offs(sparse):
    from kamlib.analytics._abc_xyz import _DEFAULT_XYZ

    ex = sparse_explorer(sparse)
    assert ex.method == "frequency"
    assert ex.xyz == _DEFAULT_XYZ["frequency"]
    assert ex.set(method="cv").xyz == _DEFAULT_XYZ["cv"]
    # the same frame as abc_xyz with no method and no cut-offs at all
    pd.testing.assert_frame_equal(sparse_explorer(sparse).result,
                                  kamlib.abc_xyz(sparse, as_of="2025-12-31", min_periods=6))


def test_frequency_matrix_by_hand(sparse):
    ex = sparse_explorer(sparse)
    # X from 0.75: p 1.0, q 0.75 (on the cut-off: X); Y from 1/3: r 0.5, s 1/3 (on it: Y); Z: u 0.25
    assert ex.result.set_index("client_id")["xyz"].to_dict() == {"p": "X", "q": "X", "r": "Y", "s": "Y", "u": "Z"}
    assert nonzero(cell_counts(ex.html())) == {"AX": 1, "BX": 1, "BY": 1, "CY": 1, "CZ": 1}
    spans = {k: int(a["data-count"]) for k, a in by_attr(ex.html(), "data-class").items()}
    assert spans == {"A": 1, "B": 2, "C": 2, "X": 2, "Y": 2, "Z": 1, "insufficient": 0, "not-ranked": 0}
    root = root_attrs(ex.html())
    assert root["data-method"] == "frequency"
    assert float(root["data-xyz-x"]) == pytest.approx(1 / 3) and float(root["data-xyz-y"]) == 0.75
    # X from 50 %: r (6 of 12) becomes X; X from 80 %: q (9 of 12) drops to Y
    assert nonzero(cell_counts(ex.set(xyz=(1 / 3, 0.50)).html())) == {"AX": 1, "BX": 2, "CY": 1, "CZ": 1}
    assert nonzero(cell_counts(ex.set(xyz=(1 / 3, 0.80)).html())) == {"AX": 1, "BY": 2, "CY": 1, "CZ": 1}
    # Z below 25 %: u (3 of 12) is on the cut-off, so Y
    assert nonzero(cell_counts(ex.set(xyz=(0.25, 0.75)).html())) == {"AX": 1, "BX": 1, "BY": 1, "CY": 2}


def test_the_same_clients_by_cv_are_mostly_z(sparse):
    ex = sparse_explorer(sparse, method="cv")
    # p the same every month: CV 0 → X. q 50 in 9 months, 0 in 3: mean 37.5,
    # sd √((9·12.5² + 3·37.5²)/12) = 21.65, CV 0.577 > 0.25 → Z; r, s, u buy in at most half the months: CV ≥ 1 → Z
    assert ex.result.set_index("client_id")["xyz"].to_dict() == {"p": "X", "q": "Z", "r": "Z", "s": "Z", "u": "Z"}
    assert ex.result.set_index("client_id")["cv"]["q"] == pytest.approx(np.sqrt((9 * 12.5**2 + 3 * 37.5**2) / 12)
                                                                        / 37.5)
    assert root_attrs(ex.html())["data-method"] == "cv"


def test_set_method_switches_and_resets_the_cut_offs(sparse):
    ex = sparse_explorer(sparse)
    ex.set(xyz=(0.20, 0.50))
    assert ex.set(method="frequency").xyz == (0.20, 0.50)  # the same method: nothing to switch
    ex.set(method="cv")
    assert (ex.method, ex.xyz) == ("cv", (0.10, 0.25))
    ex.set(method="frequency", xyz=(0.25, 0.60))  # cut-offs given with the method: those are used
    assert (ex.method, ex.xyz) == ("frequency", (0.25, 0.60))
    with pytest.raises(KamArgumentError, match="method.*'frequency', 'cv'"):
        ex.set(method="variance")
    assert (ex.method, ex.xyz) == ("frequency", (0.25, 0.60))  # a refused setting keeps the old ones
    with pytest.raises(KamArgumentError, match="method"):
        AbcXyzExplorer(sparse, as_of="2025-12-31", method="CV")


@pytest.mark.parametrize("method", ["frequency", "cv"])
@pytest.mark.parametrize("xyz", [None, (0.20, 0.50), (0.05, 0.90)])
@pytest.mark.parametrize(("abc", "value"), [((0.80, 0.95), "revenue"), ((0.60, 0.90), "margin")])
def test_explorer_equals_abc_xyz_for_every_setting(sample, method, xyz, abc, value):
    orders, as_of = sample.orders, kamlib.SAMPLE_AS_OF
    want = kamlib.abc_xyz(orders, as_of=as_of, method=method, xyz=xyz, abc=abc, value=value)
    built = AbcXyzExplorer(orders, as_of=as_of, method=method, xyz=xyz, abc=abc, value=value)
    pd.testing.assert_frame_equal(built.result, want)
    # the same settings reached by switching from the other method
    other = "cv" if method == "frequency" else "frequency"
    switched = AbcXyzExplorer(orders, as_of=as_of, method=other).set(method=method, abc=abc, value=value)
    if xyz is not None:
        switched.set(xyz=xyz)
    pd.testing.assert_frame_equal(switched.result, want)
    assert cell_counts(switched.html()) == expected_counts(kamlib.abc_xyz_matrix(want))


def test_the_method_toggle_relabels_the_sliders_and_recuts_the_matrix(sample):
    orders, as_of = sample.orders, kamlib.SAMPLE_AS_OF
    ex = AbcXyzExplorer(orders, as_of=as_of)
    x, y, method = ex.controls["x"], ex.controls["y"], ex.controls["method"]
    assert method.value == "frequency"
    assert "Z below" in x.description and "X from" in y.description and "months" in y.description
    assert (x.value, y.value) == (33, 75)
    by_frequency = cell_counts(ex.output.value)
    assert by_frequency == expected_counts(kamlib.abc_xyz_matrix(kamlib.abc_xyz(orders, as_of=as_of)))

    method.value = "cv"
    assert (ex.method, ex.xyz) == ("cv", (0.10, 0.25))
    assert (x.description, y.description) == ("X below (CV %)", "Y up to (CV %)")
    assert (x.value, y.value) == (10, 25)
    by_cv = cell_counts(ex.output.value)
    assert by_cv == expected_counts(kamlib.abc_xyz_matrix(kamlib.abc_xyz(orders, as_of=as_of, method="cv")))
    assert by_cv != by_frequency
    assert root_attrs(ex.output.value)["data-method"] == "cv"
    assert json.loads(root_attrs(ex.output.value)["data-settings"])["method"] == "cv"

    method.value = "frequency"  # back: the frequency defaults again, and the cached result
    assert (x.value, y.value) == (33, 75) and ex.xyz == (1 / 3, 0.75)
    assert cell_counts(ex.output.value) == by_frequency
    y.value = 50  # X from 50 %: more X, fewer Y, Z untouched (its cut-off did not move)
    lower = kamlib.abc_xyz_matrix(kamlib.abc_xyz(orders, as_of=as_of, xyz=(1 / 3, 0.50)))
    assert cell_counts(ex.output.value) == expected_counts(lower)
    spans = {k: int(a["data-count"]) for k, a in by_attr(ex.output.value, "data-class").items()}
    before = kamlib.abc_xyz_matrix(kamlib.abc_xyz(orders, as_of=as_of)).counts.sum()
    assert spans["X"] >= int(before["X"]) and spans["Z"] == int(before["Z"])
    assert ex.set(method="cv").controls["method"].value == "cv"  # set() moves the toggle too


def test_static_and_text_name_the_method(sparse):
    ex = sparse_explorer(sparse)
    text = repr(ex.static())
    assert "XYZ by purchase frequency" in text and "≥ 75 % of months" in text and "< 33.3 %" in text
    assert "purchase frequency" in "".join(_Elements(ex.static()._repr_html_()).text)
    classes = by_attr(ex.html(), "class")  # the window on a line of its own, not broken inside a date
    assert {"kam-window", "kam-abc-cutoffs", "kam-xyz-cutoffs"} <= set(classes)
    assert "white-space:nowrap" in classes["kam-window"]["style"]
    ex.set(method="cv")
    assert "XYZ by variation (CV of monthly sums)" in ex.text() and "CV < 10 %" in ex.text()
    quarterly = AbcXyzExplorer(sparse, as_of="2025-12-31", period="quarter", min_periods=2)
    assert "of quarters" in quarterly.text()
    assert "quarters" in quarterly.controls["y"].description


def test_cut_offs_out_of_order_are_explained_in_each_method_s_words(sparse):
    ex = sparse_explorer(sparse)
    ex.controls["x"].value = 80  # Z below 80 % but X from 75 %
    error = "".join(_Elements(ex.output.value).text)
    assert "“Z below (% of months)” is 80 % but “X from (% of months)” is 75 %" in error
    assert "xyz=(0.80, 0.75)" in error
    with pytest.raises(KamArgumentError, match="Z below"):
        ex.result
    ex.controls["x"].value = 20  # valid again
    assert "kam-error" not in ex.output.value
    ex.controls["method"].value = "cv"
    ex.controls["x"].value = 30  # X below 30 % but Y up to 25 %
    assert "“X below (CV %)” is 30 % but “Y up to (CV %)” is 25 %" in "".join(_Elements(ex.output.value).text)
    with pytest.raises(KamArgumentError, match="Y up to"):
        sparse_explorer(sparse, method="cv", xyz=(0.5, 0.3))


# ---------------------------------------------------------------------------
# NPS calculator
# ---------------------------------------------------------------------------


def adjusted_wald(p: int, a: int, d: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """The interval of the course's formula (Rocks 2016), written out."""
    n3 = p + a + d + 3
    pp, dd = (p + 0.75) / n3, (d + 0.75) / n3
    half = z * math.sqrt((pp + dd - (pp - dd) ** 2) / n3)
    return 100 * max(-1, pp - dd - half), 100 * min(1, pp - dd + half)


def test_nps_default_by_hand():
    calc = NPSCalculator()
    # 50 promoters, 30 passives, 20 detractors: (50 − 20) / 100 = +30
    r = calc.result
    assert (r.nps, r.n) == (30.0, 100)
    low, high = adjusted_wald(50, 30, 20)
    assert (r.ci_low, r.ci_high) == (pytest.approx(low), pytest.approx(high))
    attrs = root_attrs(calc.html())
    assert float(attrs["data-nps"]) == 30.0 and attrs["data-n"] == "100"
    assert low > 0  # so the interpretation says the lead is real
    assert "above 0" in calc.interpretation()


def test_nps_input_changes_the_result():
    calc = NPSCalculator()
    calc.controls["detractors"].value = 50
    # (50 − 50) / 130 = 0: the interval contains 0
    html = calc.output.value
    assert float(root_attrs(html)["data-nps"]) == 0.0
    assert root_attrs(html)["data-n"] == "130"
    assert "includes 0" in html and "130 answers" in html
    calc.controls["promoters"].value = 5
    calc.controls["passives"].value = 5
    calc.controls["detractors"].value = 90
    # (5 − 90) / 100 = −85; the whole interval below 0
    assert calc.result.nps == -85.0
    value = by_attr(calc.output.value, "class")["kam-nps-value"]
    assert float(value["data-nps"]) == -85.0
    assert "−85" in calc.output.value
    assert "below 0" in calc.output.value
    groups = by_attr(calc.output.value, "data-group")
    assert set(groups) == {"promoter", "passive", "detractor"}
    cells = [a for tag, a in _Elements(calc.output.value).elements if tag == "td" and "data-count" in a]
    assert [int(a["data-count"]) for a in cells] == [5, 5, 90]


def test_nps_agrees_with_kamlib_nps():
    calc = NPSCalculator(promoters=7, passives=3, detractors=4)
    want = kamlib.nps([9] * 7 + [7] * 3 + [6] * 4)
    assert dict(calc.result) == pytest.approx(dict(want))


def test_nps_from_scores_and_from_a_table():
    calc = NPSCalculator(scores=[10, 9, 8, 0])
    assert calc.counts == {"promoters": 2, "passives": 1, "detractors": 1}
    table = pd.DataFrame({"score": [7, 7, 3]})
    assert NPSCalculator(scores=table).counts == {"promoters": 0, "passives": 2, "detractors": 1}


def test_nps_set_and_errors():
    calc = NPSCalculator()
    calc.view
    calc.set(promoters=6, passives=2, detractors=2)
    assert [calc.controls[k].value for k in ("promoters", "passives", "detractors")] == [6, 2, 2]
    assert calc.result.nps == 40.0  # (6 − 2) / 10
    with pytest.raises(KamArgumentError, match="promoters=-1"):
        calc.set(promoters=-1)
    with pytest.raises(KamDataError, match="no answers"):
        calc.set(promoters=0, passives=0, detractors=0)
    assert calc.counts == {"promoters": 6, "passives": 2, "detractors": 2}
    for name in ("promoters", "passives", "detractors"):
        calc.controls[name].value = 0
    assert 'class="kam-error"' in calc.output.value
    assert "kam-nps-result" in calc.output._dom_classes


def test_nps_static_view():
    calc = NPSCalculator(promoters=6, passives=2, detractors=2)
    text = repr(calc.static())
    assert text.startswith("NPS +40 (95% interval")
    assert "beyond" not in text.splitlines()[0]
    assert "+40" in calc.static()._repr_html_()


# ---------------------------------------------------------------------------
# VIP staffing calculator
# ---------------------------------------------------------------------------


def test_vip_default_is_the_source_case():
    calc = VipStaffingCalculator()
    s = calc.result
    # 700 / 13 = 53.85 a week; ⌈(53.85 − 5 × 6) / 10⌉ = 3 full-time, 3 part-time; 28 × 11 + 112 × 3 = 644 → 1 permanent
    assert (s.full_time, s.part_time, s.permanent) == (3, 3, 1)
    attrs = root_attrs(calc.html())
    assert (attrs["data-full-time"], attrs["data-part-time"], attrs["data-permanent"]) == ("3", "3", "1")
    assert "644" in calc.html()


def test_vip_inputs_on_the_controls():
    calc = VipStaffingCalculator()
    c = calc.controls
    c["sales_team"].value = 0  # 0 = no team: both single options
    c["n_clients"].value = 390  # 390 / 13 = 30 a week: ⌈30 / 15⌉ = 2 dedicated, ⌈30 / 5⌉ = 6 alongside
    attrs = root_attrs(calc.output.value)
    assert (attrs["data-dedicated-only"], attrs["data-alongside-only"], attrs["data-full-time"]) == ("2", "6", "")
    assert calc.inputs["sales_team"] is None
    # key accounts follow the client count while "auto" is on: round(0.2 × 390) = 78, ⌈0.2 × 78⌉ = 16
    assert (c["n_key"].value, c["n_most_valuable"].value, c["n_key"].disabled) == (78, 16, True)
    c["auto_key"].value = False
    assert not c["n_key"].disabled
    c["n_most_valuable"].value = 10
    c["n_key"].value = 50
    # 10 × 11 + 40 × 3 = 230 meetings a year
    assert calc.result.regular_meetings_per_year == 230
    c["n_key"].value = 5  # fewer key accounts than most valuable ones
    assert 'class="kam-error"' in calc.output.value and "n_most_valuable" in calc.output.value
    c["auto_key"].value = True
    assert calc.inputs["n_key"] is None and "kam-error" not in calc.output.value


def test_vip_set_and_errors():
    calc = VipStaffingCalculator(n_clients=130, sales_team=None, sweep_months=2)
    # 2 × 52/12 = 8.67 weeks; 130 / 8.67 = 15 a week → 1 dedicated
    assert calc.result.dedicated_only == 1
    with pytest.raises(KamArgumentError, match="norm_dedicated"):
        calc.set(norm_dedicated=4)
    assert calc.inputs["norm_dedicated"] == 15
    with pytest.raises(KamArgumentError, match="colour"):
        calc.set(colour="red")
    assert "⌈15 / 15⌉" in calc.text()


# ---------------------------------------------------------------------------
# deal-economics calculator
# ---------------------------------------------------------------------------


@pytest.fixture
def offers() -> pd.DataFrame:
    return pd.DataFrame({
        "offer_id": ["O1", "O2", "O3", "O4"],
        "client_id": ["C1", "C1", "C2", "C2"],
        "supplier": ["us", "<b>Rival & Co</b>", "us", "Other"],
        "unit_price": [100.0, 95.0, 50.0, 40.0],
        "annual_volume": [1000.0, 1000.0, 10.0, 10.0],
        "delivery_cost_per_unit": [0.0, 4.0, np.nan, 0.0],
        "payment_days": [30.0, 0.0, 0.0, 0.0],
    })


def deal_cells(text: str) -> dict[str, tuple[float, float]]:
    """``{line: (us, them)}`` from the data attributes of the deal table's rows and cells."""
    out: dict[str, list[float]] = {}
    line = None
    for tag, a in _Elements(text).elements:
        if tag == "tr" and "data-line" in a:
            line = a["data-line"]
            out[line] = []
        for side in ("data-us", "data-them"):
            if tag == "td" and side in a:
                out[line].append(float(a[side]))
    return {k: tuple(v) for k, v in out.items()}


def test_deal_gains_by_hand(offers):
    calc = DealEconomicsCalculator(offers, cost_of_money=0.0)
    assert (calc.client_id, calc.competitor) == ("C1", "<b>Rival & Co</b>")
    # apparent: (100 − 95) × 1000 = 5000; real: 5000 − 4 × 1000 delivery = 1000 (money costs nothing here)
    assert calc.gains() == (5000.0, 1000.0)
    attrs = root_attrs(calc.html())
    assert float(attrs["data-apparent-gain"]) == 5000.0 and float(attrs["data-real-gain"]) == 1000.0
    lines = deal_cells(calc.html())
    assert lines["delivery"] == (0.0, 4000.0) and lines["total"] == (100_000.0, 99_000.0)
    assert "80 %" in calc.html()  # hidden costs eat 4000 / 5000 of the price difference


def test_deal_cost_of_money_and_edits_on_the_controls(offers):
    calc = DealEconomicsCalculator(offers)  # 15 % a year
    # the rival is paid 30 days sooner: 95 000 × 0.15 × 30 / 365 = 1171.23
    payment = 95_000 * 0.15 * 30 / 365
    assert calc.gains()[1] == pytest.approx(5000 - 4000 - payment)
    c = calc.controls
    c["cost_of_money"].value = 0.0
    assert calc.gains() == (5000.0, 1000.0)
    c["them.unit_price"].value = 97.0  # apparent 3000; real 3000 − 4000 = −1000
    assert calc.gains() == (3000.0, -1000.0)
    assert "costs the client more" in calc.output.value
    assert float(root_attrs(calc.output.value)["data-real-gain"]) == -1000.0
    c["us.delivery_cost_per_unit"].value = 2.0  # our delivery 2000: real −1000 + 2000 = 1000
    assert calc.gains() == (3000.0, 1000.0)
    pd.testing.assert_series_equal(calc.offers["delivery_cost_per_unit"], pd.Series([2.0, 4.0]),
                                   check_names=False)
    c["them.unit_price"].value = -1.0
    assert 'class="kam-error"' in calc.output.value and "unit_price" in calc.output.value


def test_deal_switching_client_reloads_the_offers(offers):
    calc = DealEconomicsCalculator(offers, cost_of_money=0.0)
    c = calc.controls
    c["them.unit_price"].value = 90.0
    c["client"].value = "C2"
    # C2: (50 − 40) × 10 = 100 apparent and real (no other costs; an empty delivery cell counts as 0)
    assert (calc.competitor, calc.gains()) == ("Other", (100.0, 100.0))
    assert c["competitor"].options == ("Other",)
    assert c["them.unit_price"].value == 40.0
    calc.set(client_id="C1")
    assert c["them.unit_price"].value == 95.0  # reloaded from the table, the edit is gone
    assert calc.clients() == ["C1", "C2"]


def test_deal_escapes_supplier_names(offers):
    calc = DealEconomicsCalculator(offers)
    html = calc.html()
    assert "<b>Rival" not in html
    assert "&lt;b&gt;Rival &amp; Co&lt;/b&gt;" in html
    assert calc.controls["competitor"].value == "<b>Rival & Co</b>"


def test_deal_result_is_deal_economics(offers):
    calc = DealEconomicsCalculator(offers, "C1", cost_of_money=0.1)
    want = kamlib.deal_economics(offers[offers["client_id"] == "C1"], cost_of_money=0.1)
    cols = ["supplier", "total_cost", "apparent_gain", "real_gain"]
    pd.testing.assert_frame_equal(calc.result[cols], want[cols])
    assert calc.lines.columns.tolist() == ["us", "<b>Rival & Co</b>"]


def test_deal_errors(offers):
    with pytest.raises(KamArgumentError, match="no client has both"):
        DealEconomicsCalculator(offers[offers["supplier"] == "us"])
    with pytest.raises(KamArgumentError, match='client_id: "C9"'):
        DealEconomicsCalculator(offers, "C9")
    calc = DealEconomicsCalculator(offers)
    with pytest.raises(KamArgumentError, match="bogus"):
        calc.set(us={"bogus": 1})
    with pytest.raises(KamDataError, match="defect_rate"):
        calc.set(them={"defect_rate": 2})
    assert calc.offers["defect_rate"].tolist() == [0.0, 0.0]


def test_deal_on_the_sample_offers(sample):
    calc = DealEconomicsCalculator(sample.competitor_offers)
    apparent, real = calc.gains()
    assert 0 < real < apparent  # the plant's case: the real gain is a fraction of the price difference


# ---------------------------------------------------------------------------
# retention-methods table
# ---------------------------------------------------------------------------


def test_retention_table_rows_and_edits():
    table = RetentionMethodsTable()
    frame = table.to_frame()
    assert len(frame) == 15 and frame["own"].sum() == 5
    assert frame["method"].head(10).tolist() == kamlib.retention_methods()["method"].tolist()
    assert (frame["characteristic"] == "").all()
    c = table.controls
    c["2.characteristic"].value = "Reward repeat orders"
    c["12.method"].value = "Joint forecasts"
    c["12.example"].value = "Monthly call with C006"
    out = table.to_frame()
    assert out.loc[1, "characteristic"] == "Reward repeat orders"
    assert out.loc[11, ["method_id", "method", "example"]].tolist() == ["own_2", "Joint forecasts",
                                                                        "Monthly call with C006"]
    assert "1 of 10 characteristics, 1 example(s), 1 of 5 own methods" in table.output.value


def test_retention_set_row_and_round_trip():
    table = RetentionMethodsTable(own_rows=2, prefill=True)
    assert table.to_frame()["characteristic"].iloc[0] == kamlib.retention_methods()["characteristic"].iloc[0]
    table.set_row(1, example="We call every client after delivery")
    table.set_row(11, method="Open books", characteristic="Show the cost")
    copy = RetentionMethodsTable(own_rows=2, answers=table.to_frame())
    pd.testing.assert_frame_equal(copy.to_frame(), table.to_frame())
    copy.view
    assert copy.controls["11.method"].value == "Open books"
    with pytest.raises(KamArgumentError, match="fixed"):
        table.set_row(3, method="Renamed")
    with pytest.raises(KamArgumentError, match="rows are 1 to 12"):
        table.set_row(13, example="x")
    with pytest.raises(KamArgumentError, match="to_frame"):
        RetentionMethodsTable(answers=[1, 2])


def test_retention_escapes_learner_text():
    table = RetentionMethodsTable()
    table.set_row(4, characteristic="<script>alert(1)</script> & more")
    html = table.static()._repr_html_()
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in html
    assert 'data-row="4"' in html
    assert "<script>alert(1)</script> & more" in repr(table.static())


def test_retention_mimebundle_has_the_whole_table():
    table = RetentionMethodsTable()
    table.set_row(1, characteristic="Listen")
    bundle = table._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    assert "kam-retention" in by_attr(bundle["text/html"], "class") and "Listen" in bundle["text/html"]
    assert "kam-retention-table" in table.view._dom_classes
    assert "kam-retention-characteristic" in table.controls["1.characteristic"]._dom_classes


# ---------------------------------------------------------------------------
# importing
# ---------------------------------------------------------------------------


def test_import_kamlib_does_not_load_widgets_but_from_kamlib_import_widgets_works():
    code = (
        "import sys, kamlib; assert 'ipywidgets' not in sys.modules and 'kamlib.widgets' not in sys.modules; "
        "from kamlib import widgets; assert widgets.NPSCalculator; "
        "assert 'ipywidgets' not in sys.modules; widgets.NPSCalculator().view; assert 'ipywidgets' in sys.modules; "
        "import kamlib.widgets as w2; assert w2 is widgets; print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_abc_explorer_shows_the_note_when_one_xyz_class_holds_nearly_everyone():
    """Twelve clients buying in every month of the year: by purchase frequency all twelve are X (12 of
    12 months), so XYZ separates nobody. abc_xyz notes it (one class >= 90 %); the explorer shows it too."""
    months = pd.date_range("2025-01-01", periods=12, freq="MS") + pd.Timedelta(days=14)
    orders = pd.DataFrame([(f"c{i}", day, 100.0 + i) for i in range(12) for day in months],
                          columns=["client_id", "date", "revenue"])
    ex = AbcXyzExplorer(orders, as_of="2025-12-31")
    assert (ex.result["xyz"] == "X").all()
    notes = ex.result.attrs["notes"]
    assert len(notes) == 1 and "100%" in notes[0]
    assert notes[0] in ex.text()
    assert ex.html().count('class="kam-abc-note"') == 1
    # the sample company is separated (no class near 90 %): no note
    sample = AbcXyzExplorer(kamlib.load_sample().orders, as_of="2025-12-31")
    assert sample.result.attrs["notes"] == [] and "kam-abc-note" not in sample.html()

"""The reader's fast paths give exactly what the plain computation gives.

Each shortcut (document numbers counted as integers, distinct values of the kept rows from the
count over all rows, dates converted per distinct text, client ids dictionary-encoded once) is
compared with the straightforward pandas computation on small cases built to hit its edges.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from kamlib.data.read._cells import _convert_date, _convert_date_cells, _dictionary
from kamlib.data.read._validate import _as_whole_numbers, _count_distinct, _distinct_kept


def _text(values) -> pd.Series:
    return pd.Series(values, dtype="str")


@pytest.mark.parametrize("values", [
    ["1", "2", "2", "10"],            # plain whole numbers: the integer path
    ["01", "1", "1"],                 # a leading zero: "01" and "1" are different documents
    ["+1", "1"], ["-1", "1"],         # a sign: text, not a number
    ["D-1", "D-2", "D-1"],            # text document numbers
    ["1", None, "1", None],           # missing values are not counted
    ["0", "0", "00"],                 # "0" is a number, "00" is not
    ["99999999999999999999", "1"],    # beyond int64: counted as text
    [],
    ["D0042", "D0420", "D0042"],      # one prefix, digits of one length: leading zeros are fine
    ["РН-001", "РН-002", "РН-001"],   # a 1C prefix
    ["D01", "D1", "D1"],              # one prefix, a leading zero and two lengths: text
    ["0x1F", "0031"],                 # pyarrow casts "0x1F" to 31: only plain digits are numbers
    ["РН-001", "РЧ-002"], ["D", "D1"], ["D1 ", "D1"], ["A1", "A1.5"], ["D1", "D١"],  # no shared prefix + digits
    [None, None],
])
def test_count_distinct_is_pandas_nunique(values):
    s = _text(values)
    assert _count_distinct(s) == s.nunique(dropna=True)


@pytest.mark.parametrize(("values", "numbers"), [
    (["7", "10", "7"], [7, 10, 7]),
    (["D0042", "D0420"], [42, 420]),
    (["РН-001", "РН-010"], [1, 10]),
    (["D01", "D1"], None), (["0x1F", "0031"], None), (["-1", "1"], None), (["D", "D1"], None),
    (["D0x1F", "D0031"], None), (["D0031", "E0031"], None), (["D 031", "D0031"], None),
    ([["D01"], ["D02", "D01"]], [1, 2, 1]),  # chunks of one width
    ([["D01", "D02"], ["D0003"]], None),     # chunks of two widths, and leading zeros
    ([["D1", "D2"], ["D10"]], [1, 2, 10]),
])
def test_document_numbers_taken_as_integers_only_when_equal_numbers_mean_equal_texts(values, numbers):
    if isinstance(values[0], list):
        arrow = pa.chunked_array(values, type=pa.large_string())
    else:
        arrow = pa.array(values, type=pa.large_string())
    found = _as_whole_numbers(arrow)
    assert (found is None) if numbers is None else found.tolist() == numbers


@pytest.mark.parametrize("keep", [
    [True, True, True, True, True],
    [False, True, True, True, True],   # "a" dropped once but still kept on row 2
    [True, True, False, True, True],   # "b" only on an excluded row
    [True, True, True, False, False],  # a missing value and "c" excluded
    [False, False, False, False, False],
])
def test_distinct_of_kept_rows_from_the_count_of_all_rows(keep):
    values = _text(["a", "a", "b", None, "c"])
    keep = np.asarray(keep)
    expected = values[keep].nunique(dropna=True)
    assert _distinct_kept(values.nunique(dropna=True), values.array, keep) == expected


def test_dictionary_codes_point_to_the_values_across_chunks():
    arrow = pa.chunked_array([["b", "a", None], ["c", "a", "b"], []], type=pa.large_string())
    codes, uniques = _dictionary(arrow)
    values = uniques.to_pylist()
    assert [None if c < 0 else values[c] for c in codes] == ["b", "a", None, "c", "a", "b"]
    assert values == ["b", "a", "c"]  # first appearance, as pandas.factorize


def test_dates_by_distinct_text_equal_the_cell_by_cell_conversion():
    cells = ["2024-01-05"] * 2000 + [" 05.01.2024 ", "", None, "n/a", "2024-02-30", "2024-01-05 99:99",
                                     "31.12.2023 10:00", "2024-1-5"] * 300
    s = _text(cells)
    fast, plain = _convert_date(s, None), _convert_date_cells(s, None)
    assert pd.Series(fast.values).equals(pd.Series(plain.values))
    assert (fast.missing == plain.missing).all() and (fast.bad == plain.bad).all()
    assert fast.note == plain.note == ("dates_mixed", "")


def test_two_threads_read_every_corpus_file_as_one_does(monkeypatch):
    """The columns converted side by side and the document count taken meanwhile (done from
    200,000 rows on) give the same table, load report and exclusions on every awkward file."""
    import json
    import warnings
    from pathlib import Path

    import kamlib
    from kamlib.data.read import _validate

    corpus = Path(__file__).parent / "corpus"
    cases = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))["cases"]

    def read_all() -> dict:
        out = {}
        for case in cases:
            reader = getattr(kamlib, f"read_{case.get('kind', 'orders')}", None)
            if reader is None:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    df = reader(corpus / "files" / case["file"], **(case.get("options") or {}))
                except kamlib.KamError as exc:
                    out[case["file"]] = str(exc)
                    continue
            report = kamlib.load_report(df)
            out[case["file"]] = (df, str(report), [(e.line, e.reason, e.column, e.value) for e in report.excluded])
        return out

    one = read_all()
    monkeypatch.setattr(_validate, "_PARALLEL_ROWS", 0)
    two = read_all()
    assert one.keys() == two.keys() and len(one) > 100
    excluded_somewhere = 0
    for name, a in one.items():
        b = two[name]
        if isinstance(a, str):
            assert a == b, name
            continue
        pd.testing.assert_frame_equal(a[0], b[0], check_exact=True, obj=name)
        assert a[1:] == b[1:], name
        excluded_somewhere += bool(a[2])
    assert excluded_somewhere > 20  # the exclusion-aware document count was exercised


_SPACES = [chr(c) for c in range(0x3001) if chr(c).isspace()] + ["\ufeff"]
_CELLS = ["C001", "ООО Клиент", "Ｃ００１", "", "x y"] + _SPACES + [s + "C1" for s in _SPACES] + ["C1" + s for s in _SPACES]


def _arrow_text(cells, chunks: int) -> pd.Series:
    """Arrow-backed text in several chunks, one of them a slice (a non-zero offset)."""
    arrow = pa.array(cells, type=pa.large_string())
    step = max(1, len(cells) // chunks)
    parts = [arrow.slice(i, step) for i in range(0, len(cells), step)]
    return pd.Series(pd.array(pa.chunked_array(parts), dtype=pd.StringDtype("pyarrow", na_value=np.nan)))


@pytest.mark.parametrize("chunks", [1, 3, 7])
def test_blank_cells_found_from_the_buffers_as_by_stripping(chunks):
    from kamlib.data.read._validate import _empty_cells

    s = _arrow_text(_CELLS * 3, chunks)
    expected = s.str.strip().eq("").to_numpy(dtype=bool)
    assert (_empty_cells(s) == expected).all()
    assert expected.sum() == 3 * len(_SPACES)  # the test holds blanks to find (all but U+FEFF, and "")


@pytest.mark.parametrize("cells", [["C001", "ООО Клиент", "Ｃ００１"] * 5, ["C001", "C1 ", "ООО\t"] * 3, [" C1", "C2"] * 3, _CELLS])
def test_text_column_used_as_it_is_only_when_nothing_needs_trimming(cells):
    import pyarrow.compute as pc

    from kamlib.data.read._cells import _convert_text

    s = _arrow_text(cells, 3)
    conv = _convert_text(s)
    trimmed = pc.ascii_trim_whitespace(pa.array(cells, type=pa.large_string())).to_pylist()
    expected = [v if v != "" else None for v in trimmed]
    assert [None if v is None or v != v else v for v in conv.values.tolist()] == expected
    assert conv.missing.tolist() == [v is None for v in expected]


@pytest.mark.parametrize("chunks", [1, 4])
def test_matching_only_the_cells_with_a_possible_first_letter_finds_what_the_pattern_finds(chunks):
    """Totals lines and repeated headers are matched on the cells whose first character (in any
    case, after spaces or a bracket) can start a match; the result is the full match's."""
    from kamlib.data.read._validate import _match

    cells = ["Итого", "итого:", "ИТОГО за май", " (Всего)", "[total]", "\tTotal", "ſum", "ᲀсего", "SUM",
             "\u00a0Итого", "РН-000123", "D0001", "Покупатель 1", "", "Ｔotal", "order_id", " ORDER_ID ", "О"] * 4
    s = _arrow_text(cells, chunks)
    # RE2's \s is ASCII only (not the no-break space); its case folding knows ſ = s and ᲀ = в
    for pattern, lead, expected in [(r"^\s*[\(\[]?(?:итого|всего|total|sum)", "итвs", 9), (r"^\s*order_id\s*$", "o", 2)]:
        plain = _match(s, pattern)
        assert plain.sum() == 4 * expected
        assert (_match(s, pattern, lead=lead) == plain).all()


@pytest.mark.parametrize("seed", range(6))
def test_implausible_dates_from_the_distinct_dates_equal_those_from_every_row(seed):
    """The quartiles and the window taken on the distinct dates with their counts are numpy's
    "nearest" percentiles of all rows' dates: the same rows are found implausible."""
    from dataclasses import replace

    from kamlib.data.read._validate import _implausible_dates

    rng = np.random.default_rng(seed)
    days = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 2 * 365, 10_000), unit="D")
    cells = days.strftime("%Y-%m-%d").tolist()
    for i in rng.integers(0, 10_000, 12):
        cells[i] = rng.choice(["2205-01-01", "0001-01-01", "", "n/a", "31.12.2023", "1990-05-05", "2024-02-30"])
    conv = _convert_date(_text(cells), None)
    assert conv.codes is not None  # read per distinct text
    fast_bad, fast_window = _implausible_dates(conv, None)
    plain_bad, plain_window = _implausible_dates(replace(conv, codes=None, uniques=None), None)
    assert fast_window == plain_window
    assert (fast_bad == plain_bad).all()
    assert plain_bad.any()


def test_quartile_rank_from_distinct_dates_rounds_half_to_even_as_numpy():
    """4,003 rows: the first quartile's rank (4002 * 0.25 = 1000.5) rounds to 1000, the last of
    the 1,001 rows of 2020-01-01 -- one rank later is 2022-01-01 and another window."""
    from dataclasses import replace

    from kamlib.data.read._validate import _implausible_dates

    cells = ["2020-01-01"] * 1001 + ["2022-01-01"] * 1001 + ["2022-06-01"] * 1000 + ["2023-01-01"] * 1001
    conv = _convert_date(_text(cells), None)
    assert conv.codes is not None
    plain = _implausible_dates(replace(conv, codes=None, uniques=None), None)[1]
    assert _implausible_dates(conv, None)[1] == plain
    assert plain.startswith("2007-12-31")  # 2020-01-01 less 4 x its span to 2023-01-01 (4 x 1,096 days)


def test_look_alike_letters_mapped_at_once_as_by_str_translate():
    """The ids are joined and mapped through a code-point table in one pass: the same as
    translating each id (Cyrillic, Greek, other scripts, astral characters, empty ids)."""
    import random

    from kamlib.data.read._identity import _latin_map, _to_latin

    rng = random.Random(7)
    alphabet = list("abc019 -«»") + [chr(c) for c in range(0x370, 0x530)] + ["\U0001d400", "中", "ß"]
    values = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(3000)]
    expected = [v.translate(_latin_map()) for v in values]
    assert _to_latin(values) == expected
    assert sum(a != b for a, b in zip(values, expected)) > 1000  # the mapping did change most ids
    assert _to_latin(values + ["a\nс"]) == expected + ["a\nc"]  # a line break in an id: one by one

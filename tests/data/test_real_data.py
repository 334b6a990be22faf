"""Real-data tier: CDNOW (69,659 purchases, 23,570 customers) read by kamlib, checked against pandas.

The file is fetched from PyPI (inside the lifetimes 0.11.3 wheel) and cached under the
git-ignored ``.cache/`` (see ``_cdnow.py``); the tests skip, with the reason, only when PyPI is
unreachable. Every expected figure comes from a plain pandas reading of the same bytes
(``sep=r"\\s+"``), never from kamlib: rows, total revenue, revenue of every client, number of
clients; then, on kamlib's frame, ``concentration`` and ``abc_xyz`` against an independent
computation of their documented rules.
"""

from __future__ import annotations

import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kamlib

_spec = importlib.util.spec_from_file_location("_cdnow", Path(__file__).with_name("_cdnow.py"))
cdnow = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("_cdnow", cdnow)
_spec.loader.exec_module(cdnow)

AS_OF = "1998-06-30"  # the last day of the data set
RAW_COLUMNS = {"customer_id": "client_id", "date": "date", "number_of_cds": "quantity", "dollar_value": "revenue"}


@pytest.fixture(scope="module")
def master() -> Path:
    try:
        return cdnow.cdnow_master()
    except cdnow.Unreachable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def truth(master) -> pd.DataFrame:
    return cdnow.independent_frame(master)


@pytest.fixture(scope="module")
def export_1c(truth, tmp_path_factory):
    path = tmp_path_factory.mktemp("cdnow") / "Продажи_1С.csv"
    facts = cdnow.write_1c_export(truth, path)
    return path, facts


def _quiet(reader, *args, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return reader(*args, **kwargs)


def _check_against(df: pd.DataFrame, truth: pd.DataFrame, client_of=lambda cid: cid) -> None:
    """Rows, total, every client's revenue and the number of clients, as plain pandas sees them."""
    assert len(df) == len(truth) == 69_659
    assert df["revenue"].sum() == pytest.approx(truth["dollar_value"].sum(), abs=0.005)
    want = truth.assign(client=truth["customer_id"].map(client_of)).groupby("client")["dollar_value"].sum()
    got = df.groupby("client_id")["revenue"].sum()
    assert df["client_id"].nunique() == len(want) == 23_570
    assert set(got.index) == set(want.index)
    diff = (got.reindex(want.index) - want).abs()
    assert diff.max() < 0.005, f"{int((diff >= 0.005).sum())} clients differ, e.g. {diff.idxmax()}: {diff.max()}"
    # line by line, in file order
    np.testing.assert_allclose(df["revenue"].to_numpy(dtype=float), truth["dollar_value"].to_numpy(), atol=0.005)
    assert (df["date"].to_numpy() == truth["date"].to_numpy()).all()
    assert df["quantity"].astype(float).tolist() == truth["number_of_cds"].astype(float).tolist()
    assert df["client_id"].tolist() == [client_of(c) for c in truth["customer_id"]]


def test_cdnow_raw_whitespace_file(master, truth):
    """The file as distributed: space-aligned columns, a header, CRLF, dates yyyymmdd, ids 00001."""
    df = _quiet(kamlib.read_orders, master, columns=RAW_COLUMNS, delimiter="whitespace", date_format="%Y%m%d")
    report = kamlib.load_report(df)
    assert report.rows_excluded == 0, kamlib.excluded_rows(df).head()
    _check_against(df, truth)


def test_cdnow_as_1c_export(export_1c, truth):
    """The same purchases as a cp1251 1C export: title rows, Cyrillic headers, decimal commas with
    no-break-space thousands, document numbers shared by a day's lines, a totals line."""
    path, facts = export_1c
    df = _quiet(kamlib.read_orders, path, columns=cdnow.COLUMNS_1C)
    report = kamlib.load_report(df)
    excluded = kamlib.excluded_rows(df)
    # exactly the totals line is excluded, and its amount is not counted as lost revenue
    assert excluded["line"].tolist() == [facts["totals_line"]]
    assert getattr(report, "amount_excluded", 0.0) == pytest.approx(0.0)
    _check_against(df, truth, client_of=cdnow.client_name)
    text = str(report).lower()
    assert "cp1251" in text or "1251" in text
    assert f"line {facts['header_line']}" in text  # the header line it found is stated


def test_cdnow_1c_export_with_documents_as_order_id(export_1c, truth):
    """Mapping the document number to order_id (the issue's first failure) keeps every line."""
    path, facts = export_1c
    df = _quiet(kamlib.read_orders, path, columns={**cdnow.COLUMNS_1C, "Документ": "order_id"})
    assert kamlib.excluded_rows(df)["line"].tolist() == [facts["totals_line"]]
    assert df["order_id"].nunique() == facts["documents"] < len(df)
    _check_against(df, truth, client_of=cdnow.client_name)


# ------------------------------------------------------------------------------------------------
# analytics on the real data, against independent computations of the documented rules
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def orders(export_1c) -> pd.DataFrame:
    path, _ = export_1c
    return _quiet(kamlib.read_orders, path, columns=cdnow.COLUMNS_1C)


def _client_totals(truth: pd.DataFrame) -> pd.Series:
    totals = truth.assign(client=truth["customer_id"].map(cdnow.client_name)).groupby("client")["dollar_value"].sum()
    return totals


def test_concentration_matches_its_definition(orders, truth):
    result = kamlib.concentration(orders)
    totals = _client_totals(truth)
    positive = totals[totals > 0]
    shares = positive / positive.sum()
    hhi = 10_000 * float((shares**2).sum())
    ordered = shares.sort_values(ascending=False, kind="stable").to_numpy()
    pareto_n = int(np.searchsorted(np.cumsum(ordered), 0.80 - 1e-9) + 1)
    assert result.hhi == pytest.approx(hhi, rel=1e-9)
    assert result.pareto_share == pytest.approx(pareto_n / len(positive), rel=1e-9)
    assert len(result.excluded) == int((totals <= 0).sum())


def _abc_by_rule(totals: pd.Series) -> pd.Series:
    """ABC by the documented rule: rank positive totals (largest first, ties by client id), cumulative share
    including the client: A while <= 80 %, B while <= 95 %, else C; the first client is A; equal totals share
    the class of the first of them (a tie straddling a cut-off goes to the upper class)."""
    ranked = totals[totals > 0].rename("value").reset_index().sort_values(["value", "client"], ascending=[False, True])
    cum = ranked["value"].cumsum() / ranked["value"].sum()
    ranked["abc"] = np.where(cum <= 0.80 + 1e-12, "A", np.where(cum <= 0.95 + 1e-12, "B", "C"))
    ranked.iloc[0, ranked.columns.get_loc("abc")] = "A"
    # equal to the cent: sums of the same amounts in another order may differ in the last binary digit
    ranked["abc"] = ranked.groupby(ranked["value"].round(6), sort=False)["abc"].transform("first")
    return ranked.set_index("client")["abc"]


def test_abc_xyz_over_all_history_by_cv_matches_the_documented_rule(orders, truth):
    result = kamlib.abc_xyz(orders, as_of=AS_OF, months=None, method="cv")
    t = truth.assign(client=truth["customer_id"].map(cdnow.client_name))
    totals = t.groupby("client")["dollar_value"].sum()
    want_abc = _abc_by_rule(totals).value_counts().to_dict()
    got_abc = result.loc[result["ranked"], "abc"].value_counts().to_dict()
    assert got_abc == want_abc
    # XYZ: monthly sums from the client's first month to June 1998, empty months 0, population sd;
    # fewer than 6 months -> insufficient history; X if CV < 10 %, Y if <= 25 %, else Z
    t["month"] = t["date"].dt.to_period("M")
    last = pd.Period(AS_OF, "M")
    monthly = t.groupby(["client", "month"])["dollar_value"].sum()
    first = t.groupby("client")["month"].min()
    n_periods = first.map(lambda p: (last - p).n + 1)
    sums = monthly.groupby(level="client").sum()
    sumsq = (monthly**2).groupby(level="client").sum()
    mean = sums / n_periods
    var = (sumsq / n_periods - mean**2).clip(lower=0)
    cv = np.sqrt(var) / mean
    positive = totals > 0
    xyz = np.where(n_periods < 6, "insufficient history", np.where(cv < 0.10, "X", np.where(cv <= 0.25, "Y", "Z")))
    want_xyz = pd.Series(xyz, index=totals.index)[positive].value_counts().to_dict()
    got_xyz = result.loc[result["ranked"], "xyz"].value_counts().to_dict()
    assert got_xyz == want_xyz


def test_abc_xyz_defaults_last_12_months_by_frequency_match_the_documented_rule(orders, truth):
    """The defaults: the 12 calendar months up to as-of (July 1997 - June 1998), XYZ by purchase frequency --
    the share of months with a purchase within the client's window (its first month in the window, or July 1997
    if it bought before), X from 3/4, Y from 1/3, Z below, fewer than 6 months -> insufficient history."""
    result = kamlib.abc_xyz(orders, as_of=AS_OF)
    t = truth.assign(client=truth["customer_id"].map(cdnow.client_name), month=truth["date"].dt.to_period("M"))
    last = pd.Period(AS_OF, "M")
    start = last - 11
    inside = t[t["month"] >= start]
    totals = inside.groupby("client")["dollar_value"].sum()
    want_abc = _abc_by_rule(totals).value_counts().to_dict()
    got_abc = result.loc[result["ranked"], "abc"].value_counts().to_dict()
    assert got_abc == want_abc
    before = set(t.loc[t["month"] < start, "client"])
    first = inside.groupby("client")["month"].min()
    first = pd.Series([start if c in before else m for c, m in first.items()], index=first.index)
    n_periods = first.map(lambda p: (last - p).n + 1)
    monthly = inside.groupby(["client", "month"])["dollar_value"].sum()
    active = (monthly > 0).groupby(level="client").sum()
    freq = active / n_periods
    xyz = np.where(n_periods < 6, "insufficient history", np.where(freq >= 0.75 - 1e-12, "X",
                   np.where(freq >= 1 / 3 - 1e-12, "Y", "Z")))
    xyz = pd.Series(xyz, index=totals.index)
    want_xyz = xyz[totals > 0].value_counts().to_dict()
    got_xyz = result.loc[result["ranked"], "xyz"].value_counts().to_dict()
    assert got_xyz == want_xyz


def test_cdnow_1c_export_with_injected_defects(truth, tmp_path):
    """The 1C export of CDNOW with a few defects placed at known lines: a date typed as 2205, a
    placeholder client, the header repeated mid-file, one client written in lower case, one line
    exported twice. Expected figures: pandas on the intended lines."""
    t = truth.reset_index(drop=True).copy()
    t["client"] = t["customer_id"].map(cdnow.client_name)
    path = tmp_path / "cdnow_defects.csv"
    facts = cdnow.write_1c_export(t.drop(columns="client"), path)
    lines = path.read_bytes().decode("cp1251").split("\r\n")
    first = facts["header_line"]  # data row i is file line first + 1 + i (lines[first + i] 0-based)
    i_2205, i_placeholder, i_lower, i_double = 1000, 20_000, 40_000, 50_000
    lines[first + i_2205] = lines[first + i_2205].replace(f"{t['date'][i_2205]:%d.%m.%Y}",
                                                          f"{t['date'][i_2205]:%d.%m}.2205")
    lines[first + i_placeholder] = "<Не указан>" + lines[first + i_placeholder][len(t["client"][i_placeholder]):]
    lower_id = t["client"][i_lower].lower()
    lines[first + i_lower] = lower_id + lines[first + i_lower][len(t["client"][i_lower]):]
    double = lines[first + i_double]
    header = lines[first - 1]
    # insert the copy right after its original, then the header again just before data row 60,000
    lines.insert(first + i_double + 1, double)
    lines.insert(first + 60_000 + 1, header)
    path.write_bytes("\r\n".join(lines).encode("cp1251"))

    def file_line(i: int) -> int:  # file line (1-based) of data row i of the truth, after the inserts
        return first + 1 + i + (i > i_double) + (i >= 60_000)

    header_line = first + 1 + 60_000 + 1  # the inserted header takes the place of row 60,000
    df = _quiet(kamlib.read_orders, path, columns=cdnow.COLUMNS_1C)
    report = kamlib.load_report(df)
    excluded = kamlib.excluded_rows(df)
    totals_line = file_line(len(t))  # the Итого line comes after the last row
    assert sorted(excluded["line"].tolist()) == sorted([file_line(i_2205), file_line(i_placeholder), header_line,
                                                        totals_line])
    assert report.amount_excluded == pytest.approx(t["dollar_value"][i_2205] + t["dollar_value"][i_placeholder],
                                                   abs=0.005)
    # what must load: every row but the two excluded, the doubled line twice, the lower-case id as written
    want = t.drop(index=[i_2205, i_placeholder]).copy()
    want.loc[i_lower, "client"] = lower_id
    want = pd.concat([want, t.loc[[i_double]]])
    assert len(df) == len(want)
    assert df["revenue"].sum() == pytest.approx(want["dollar_value"].sum(), abs=0.01)
    per_client = want.groupby("client")["dollar_value"].sum()
    got = df.groupby("client_id")["revenue"].sum()
    assert set(got.index) == set(per_client.index)
    assert (got.reindex(per_client.index) - per_client).abs().max() < 0.005
    # the lower-case id is listed with its original as a suspected duplicate
    assert any({lower_id, t["client"][i_lower]} <= set(group) for group in report.identity)
    # the double export is stated
    assert "double export" in str(report).lower() or "duplicate" in str(report).lower()


def test_cdnow_excel_sample(truth, tmp_path):
    """The first 5,000 purchases as an Excel workbook (title rows, ids as text with their leading
    zeros, real date cells, money cells): the same figures as pandas on the same lines."""
    import xlsxwriter

    sample = truth.iloc[:5000]
    path = tmp_path / "cdnow_sample.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Продажи")
    date_fmt, money = book.add_format({"num_format": "dd.mm.yyyy"}), book.add_format({"num_format": "#,##0.00"})
    sheet.write(0, 0, "CDNOW: покупки, январь 1997 - июнь 1998")
    sheet.write_row(2, 0, ["Клиент", "Дата", "Кол-во", "Сумма"])  # header on row 3
    for r, (cid, date, qty, amount) in enumerate(sample[["customer_id", "date", "number_of_cds", "dollar_value"]]
                                                 .itertuples(index=False), start=3):
        sheet.write_string(r, 0, cid)
        sheet.write_datetime(r, 1, date.to_pydatetime(), date_fmt)
        sheet.write_number(r, 2, int(qty))
        sheet.write_number(r, 3, float(amount), money)
    book.close()
    df = _quiet(kamlib.read_orders, path, columns={"Клиент": "client_id", "Дата": "date", "Кол-во": "quantity",
                                                   "Сумма": "revenue"})
    assert kamlib.load_report(df).rows_excluded == 0
    assert len(df) == 5000
    assert df["client_id"].tolist() == sample["customer_id"].tolist()  # "00001", not 1
    assert (df["date"].to_numpy() == sample["date"].to_numpy()).all()
    np.testing.assert_allclose(df["revenue"].to_numpy(dtype=float), sample["dollar_value"].to_numpy(), atol=0.005)
    want = sample.groupby("customer_id")["dollar_value"].sum()
    got = df.groupby("client_id")["revenue"].sum()
    assert (got.reindex(want.index) - want).abs().max() < 0.005 and len(got) == len(want)

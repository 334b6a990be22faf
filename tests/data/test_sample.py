"""The committed sample company equals the generator's output, and its story holds for any seed."""

from __future__ import annotations

import filecmp

import pandas as pd
import pytest

import kamlib
from kamlib.data._dictionary import data_dictionary_markdown
from kamlib.data._sample import SAMPLE_SEED, generate_sample, write_sample

from conftest import ROOT  # noqa: E402

DATA = ROOT / "data"


def test_committed_data_equals_generator_output(tmp_path):
    written = write_sample(tmp_path, SAMPLE_SEED)
    assert [p.name for p in written] == [f"{t}.csv" for t in kamlib.TABLES]
    for path in written:
        assert filecmp.cmp(path, DATA / path.name, shallow=False), (
            f"data/{path.name} differs from the generator; run: python -m kamlib.data data --overwrite"
        )


def test_data_dictionary_is_current():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert data_dictionary_markdown() in readme, "run: python -m kamlib.data data --overwrite"


def test_every_schema_column_is_documented_and_present():
    tables = generate_sample(SAMPLE_SEED)
    for name, columns in kamlib.TABLES.items():
        assert list(tables[name].columns) == [c.name for c in columns]
        for c in columns:
            assert c.meaning and c.unit


def test_write_sample_never_overwrites_without_asking(tmp_path):
    (tmp_path / "orders.csv").write_text("my own file\n")
    with pytest.raises(kamlib.KamArgumentError, match="orders.csv"):
        write_sample(tmp_path)
    assert (tmp_path / "orders.csv").read_text() == "my own file\n"
    assert not (tmp_path / "clients.csv").exists()  # nothing written at all
    write_sample(tmp_path, overwrite=True)
    assert (tmp_path / "orders.csv").read_text().startswith("order_id,")


@pytest.mark.parametrize("seed", [SAMPLE_SEED, 7])
def test_story_holds_for_any_seed(seed):
    t = generate_sample(seed)
    orders, clients = t["orders"], t["clients"]
    revenue = orders.groupby("client_id")["revenue"].sum()
    share = revenue / revenue.sum()
    # Calibrated shares: C001 35 %, C002 11 % of three years' sales (to the rounding of cents).
    assert share["C001"] == pytest.approx(0.35, abs=1e-6)
    assert share["C002"] == pytest.approx(0.11, abs=1e-6)
    # C003: over 10 % of its own department, far below 10 % of the company.
    dept = orders.merge(clients[["client_id", "department"]], on="client_id")
    pi = dept[dept["department"] == "Projects & Industry"].groupby("client_id")["revenue"].sum()
    assert pi["C003"] / pi.sum() > 0.10 > share["C003"]
    # The win-back client left in July 2025 after cutting volumes.
    c006 = orders[orders["client_id"] == "C006"]
    assert c006["date"].max() <= pd.Timestamp("2025-07-20")
    monthly = c006.set_index("date")["revenue"].resample("ME").sum()
    assert monthly["2025-05":"2025-06"].mean() < 0.75 * monthly["2024-05":"2024-06"].mean()
    # One-off buyers (a single purchase date) and returns (negative lines) exist.
    days = orders[orders["revenue"] > 0].groupby("client_id")["date"].nunique()
    assert (days == 1).sum() >= 5
    assert (orders["revenue"] < 0).sum() > 50
    # Quarterly buyers: median gap between purchase dates of roughly three months.
    for cid in ("C010", "C011", "C012", "C013"):
        gaps = orders.loc[orders["client_id"] == cid, "date"].drop_duplicates().sort_values().diff().dt.days
        assert 70 <= gaps.median() <= 110
    # Ids are unique and every order belongs to a known client.
    assert orders["order_id"].is_unique and clients["client_id"].is_unique
    assert orders["client_id"].isin(clients["client_id"]).all()
    # A manager runs five key accounts (the capacity rule says three).
    assert t["managers"]["key_accounts"].str.split("|").str.len().max() == 5
    # Every ABC-XYZ cell has clients at the default cut-offs (steady chains are X, seasonal buyers Y/Z),
    # and the win-back list has clients at risk as well as lost ones.
    typed = kamlib.read_orders(orders)
    cells = set(kamlib.abc_xyz(typed, as_of=kamlib.SAMPLE_AS_OF, months=None, method="cv")["cell"])  # the CV story
    assert {a + x for a in "ABC" for x in "XYZ"} <= cells
    status = kamlib.churn_status(typed, as_of=kamlib.SAMPLE_AS_OF).set_index("client_id")["status"]
    assert status[["C016", "C017"]].eq("at risk").all() and status[["C006", "C007", "C008", "C009"]].eq("lost").all()
    # NPS improves: the last wave's NPS is above the first wave's.
    nps = t["nps_responses"]
    by_wave = nps.groupby("wave")["score"].apply(lambda s: (s >= 9).mean() - (s <= 6).mean())
    assert by_wave.iloc[-1] > by_wave.iloc[0]
    assert nps["score"].between(0, 10).all()


def test_another_seed_changes_the_numbers_not_the_clients():
    a, b = generate_sample(SAMPLE_SEED), generate_sample(7)
    assert not a["orders"]["revenue"].equals(b["orders"]["revenue"])
    assert a["clients"]["client_id"].tolist() == b["clients"]["client_id"].tolist()


def test_bad_seed_is_refused():
    with pytest.raises(kamlib.KamArgumentError, match="seed"):
        generate_sample(-1)


def test_load_sample_equals_reading_the_committed_folder():
    loaded = kamlib.read_folder(DATA)
    sample = kamlib.load_sample()
    assert list(loaded) == list(sample)
    for name in sample:
        pd.testing.assert_frame_equal(loaded[name], sample[name])

"""kam report on two inputs that used to crash it (issue 15): a one-answer NPS wave, a client name with two `$`."""

from __future__ import annotations

import pandas as pd

import kamlib
from conftest import ROOT
from kamlib._report import portfolio_report


def _sample():
    return kamlib.read_folder(ROOT / "data")


def test_a_client_name_with_two_dollar_signs_is_drawn_as_text():
    data = _sample()
    clients = data.clients.copy()
    top = data.orders.groupby("client_id")["revenue"].sum().idxmax()  # in the top-10 chart for sure
    name = r"Cash$ \& Carry$ Ltd"  # between the two $ matplotlib would read TeX it cannot parse
    clients.loc[clients["client_id"] == top, "name"] = name
    page = portfolio_report(data.orders, clients, data.nps_responses)
    assert "Cash$ \\&amp; Carry$ Ltd" in page  # the page shows the name as typed


def test_an_nps_wave_with_a_single_answer():
    data = _sample()
    responses = data.nps_responses.copy()
    as_of = data.orders["date"].max()
    one = responses.iloc[[0]].copy()
    one["response_id"], one["wave"], one["date"], one["score"] = "R-ONE", "ZZ-ONE", as_of, 0
    responses = pd.concat([responses, one], ignore_index=True)
    # the interval of a one-answer wave is around its adjusted estimate and does not contain NPS -100
    by = kamlib.nps_by(responses, by="wave").set_index("wave")
    assert by.at["ZZ-ONE", "nps"] == -100 and by.at["ZZ-ONE", "ci_low"] > -100
    page = portfolio_report(data.orders, data.clients, responses)
    assert 'data-wave="ZZ-ONE"' in page

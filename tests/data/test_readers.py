"""Tests of the readers (kamlib/data/read/) on the broken inputs and on small inline tables.

Every expectation is worked out from the file's text by hand: "line" is the line in the file
(the header is line 1), so the first data row is line 2.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import pickle
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamArgumentError, KamDataError, KamDataWarning, KamError
from kamlib.labels import t

BROKEN = Path(__file__).resolve().parents[1] / "broken_inputs"
REPORT_ATTR = "kamlib_load_report"


def broken(name: str) -> str:
    return str(BROKEN / name)


def data_lines(name: str, encoding: str = "utf-8-sig") -> int:
    """Data rows of a simple CSV (no blank lines, no quoted line breaks): lines minus the header."""
    return len((BROKEN / name).read_bytes().decode(encoding).splitlines()) - 1


def lines_of(df: pd.DataFrame) -> list:
    return kamlib.excluded_rows(df)["line"].tolist()


def reasons_of(df: pd.DataFrame) -> list[str]:
    return kamlib.excluded_rows(df)["reason"].tolist()


def read_quietly(reader, *args, **kwargs) -> pd.DataFrame:
    return reader(*args, on_error="exclude", **kwargs)


# --------------------------------------------------------------------------------------------
# the broken-inputs folder itself
# --------------------------------------------------------------------------------------------


def _generator():
    spec = importlib.util.spec_from_file_location("make_broken_inputs", BROKEN / "make_broken_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_broken_inputs_are_what_the_generator_writes(tmp_path):
    written = _generator().write_all(tmp_path)
    assert len(written) >= 15
    for path in written:
        assert (BROKEN / path.name).read_bytes() == path.read_bytes(), f"re-run make_broken_inputs.py ({path.name})"


# --------------------------------------------------------------------------------------------
# files the readers refuse: a clear KamDataError naming file, column, lines, what is valid
# --------------------------------------------------------------------------------------------


def test_missing_column_names_file_column_headers_and_suggests_the_close_one():
    with pytest.raises(KamDataError) as info:
        kamlib.read_orders(broken("missing_column.csv"))
    message = str(info.value)
    assert "missing_column.csv" in message
    assert '"revenue"' in message
    assert "order_id, date, client_id, revenu" in message  # the columns the file has
    assert 'columns={"revenu": "revenue"}' in message  # the close match, and how to map it
    assert info.value.column == "revenue"
    assert info.value.file.endswith("missing_column.csv")


def test_missing_column_is_fixed_by_the_suggested_mapping():
    df = kamlib.read_orders(broken("missing_column.csv"), columns={"revenu": "revenue"})
    assert df["revenue"].tolist() == [100.0, 200.0]


def test_missing_several_columns_lists_them_all():
    frame = pd.DataFrame({"id": ["1"], "sum": ["5"]})
    with pytest.raises(KamDataError, match=r'columns "date", "client_id", "revenue" are missing; the table has: id, sum'):
        kamlib.read_orders(frame)


def test_reversed_mapping_is_pointed_out():
    with pytest.raises(KamDataError, match=r'looks reversed: write \{"revenu": "revenue"\}'):
        kamlib.read_orders(broken("missing_column.csv"), columns={"revenue": "revenu"})


def test_mapping_key_that_almost_matches_a_header_is_pointed_out():
    with pytest.raises(KamDataError, match=r'columns= maps "revenue_rub", which is not a header of the file \(closest: "revenu"\)'):
        kamlib.read_orders(broken("missing_column.csv"), columns={"revenue_rub": "revenue"})


def test_empty_file():
    with pytest.raises(KamDataError, match=r"empty\.csv: the file is empty") as info:
        kamlib.read_orders(broken("empty.csv"))
    assert info.value.file.endswith("empty.csv")


def test_header_only_file():
    with pytest.raises(KamDataError, match=r"header_only\.csv: there is a header \(line 1\) but no data rows"):
        kamlib.read_orders(broken("header_only.csv"))


def test_all_rows_bad_raises_even_with_exclude():
    with pytest.raises(KamDataError) as info:
        kamlib.read_orders(broken("all_bad.csv"), on_error="exclude")
    message = str(info.value)
    assert "all_bad.csv: none of the 2 rows can be used" in message
    assert 'not a date in column "date": 2 lines (2, 3)' in message
    assert '"01/02/2024"' in message  # day/month order is never guessed
    assert "yyyy-mm-dd or dd.mm.yyyy" in message  # what would be valid
    assert info.value.rows == [2, 3] and info.value.column == "date"


def test_ambiguous_slash_dates_load_with_an_explicit_format():
    df = kamlib.read_orders(broken("all_bad.csv"), date_format="%d/%m/%Y", on_error="exclude")
    # only line 2 ("01/02/2024" = 1 February) fits the format; line 3 ("2024.01.03") does not
    assert df["date"].tolist() == [pd.Timestamp("2024-02-01")]
    assert lines_of(df) == [3]


def test_file_not_found_names_the_path(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(KamDataError, match="nope.csv: no such file"):
        kamlib.read_orders(missing)


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(KamDataError, match="is a folder"):
        kamlib.read_orders(tmp_path)


def test_old_xls_is_refused_clearly(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(KamDataError, match=r"old\.xls: old \.xls workbooks cannot be read; .*save it as \.xlsx or CSV"):
        kamlib.read_orders(path)


def test_unknown_table_lists_the_valid_ones():
    with pytest.raises(KamArgumentError, match="table='order' is not a canonical table; use one of: clients, orders, nps_responses"):
        kamlib.read_table(broken("wrong_types.csv"), "order")


def test_every_error_is_a_kamerror():
    for call in (
        lambda: kamlib.read_orders(broken("empty.csv")),
        lambda: kamlib.read_table(broken("empty.csv"), "nope"),
        lambda: kamlib.read_orders(42),
    ):
        with pytest.raises(KamError):
            call()


# --------------------------------------------------------------------------------------------
# files that load with exactly the right rows excluded, and nothing lost
# --------------------------------------------------------------------------------------------


def test_wrong_types_excludes_exactly_the_bad_lines_and_warns():
    with pytest.warns(KamDataWarning) as record:
        df = kamlib.read_orders(broken("wrong_types.csv"))
    # lines 2..8 hold orders 1..7; bad: 3 "12O.5" (letter O), 5 "31.02.2024", 6 empty revenue, 7 "yesterday"
    assert df["order_id"].tolist() == ["1", "3", "7"]
    assert df["revenue"].tolist() == [100.5, 300.0, 700.0]
    assert lines_of(df) == [3, 5, 6, 7]
    assert reasons_of(df) == ["not a number", "not a date", "missing value", "not a date"]
    assert len(df) + len(kamlib.excluded_rows(df)) == data_lines("wrong_types.csv") == 7
    message = str(record[0].message)
    assert message.startswith(broken("wrong_types.csv") + ": 4 of 7 rows excluded, 3 loaded.")  # the path as given
    assert 'not a number in column "revenue": 1 line (3), e.g. "12O.5"' in message
    assert 'not a date in column "date": 2 lines (5, 7), e.g. "31.02.2024", "yesterday"' in message
    assert 'missing value in column "revenue": 1 line (6)' in message


def test_the_warning_points_at_the_callers_line():
    with pytest.warns(KamDataWarning) as record:
        kamlib.read_orders(broken("wrong_types.csv"))
    assert record[0].filename == __file__


def test_on_error_raise_turns_exclusions_into_an_error():
    with pytest.raises(KamDataError) as info:
        kamlib.read_orders(broken("wrong_types.csv"), on_error="raise")
    message = str(info.value)
    assert message.startswith(broken("wrong_types.csv") + ": 4 of 7 rows cannot be used:")
    assert '"revenue"' in message and '"date"' in message
    assert "(5, 7)" in message
    assert "a number such as 1234.5" in message
    assert info.value.column == "revenue" and info.value.rows == [3]


def test_on_error_exclude_is_quiet_but_still_reports():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = kamlib.read_orders(broken("wrong_types.csv"), on_error="exclude")
    assert kamlib.load_report(df).rows_excluded == 4


def test_bad_on_error_value():
    with pytest.raises(KamArgumentError, match=r"on_error='ignore' is not valid; use one of 'warn', 'raise', 'exclude'"):
        kamlib.read_orders(broken("wrong_types.csv"), on_error="ignore")


def test_repeated_order_ids_are_lines_of_one_document_and_all_kept():
    df = kamlib.read_orders(broken("duplicated_ids.csv"))
    # A1 on lines 2, 4, 7; A2 on lines 3, 6; A3 on line 5: six lines, three documents
    assert df["order_id"].tolist() == ["A1", "A2", "A1", "A3", "A2", "A1"]
    assert df["revenue"].sum() == 100 + 200 + 300 + 400 + 500 + 600
    report = kamlib.load_report(df)
    assert report.rows_excluded == 0
    assert dict(report.findings)["repeated_documents"] == "3"


def test_duplicate_client_ids_keep_the_first_and_say_where_it_is():
    raw = pd.DataFrame({"client_id": ["C1", "C2", "C1"], "name": ["a", "b", "c"], "client_type": ["x", "y", "z"]})
    with pytest.warns(KamDataWarning, match=r'"C1" \(first at index 0\)'):
        df = kamlib.read_clients(raw)
    assert df["name"].tolist() == ["a", "b"]


def test_cp1251_semicolons_decimal_commas_with_a_mapping_dict():
    mapping = {
        "Номер": "order_id",
        "Дата": "date",
        "Контрагент": "client_id",
        "Товарная группа": "product_group",
        "Кол-во": "quantity",
        "Сумма": "revenue",
        "Себестоимость": "cost",
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may be excluded
        df = kamlib.read_orders(broken("cp1251_semicolon.csv"), columns=mapping)
    assert list(df.columns) == ["order_id", "date", "client_id", "product_group", "quantity", "revenue", "cost"]
    assert df["order_id"].tolist() == ["А-0001", "А-0002", "А-0003", "А-0004"]
    assert df["client_id"].tolist() == ["007", "007", "012", "0120"]  # leading zeros kept
    assert df["date"].tolist() == [pd.Timestamp(f"2024-01-0{d}") for d in (5, 6, 7, 8)]
    assert df["product_group"].tolist() == ["Напитки", "Напитки", "Снеки", "Снеки"]
    assert df["quantity"].tolist() == [10.0, -2.0, 5.0, 1000.0]  # "1 000" with a no-break space
    assert df["revenue"].tolist() == [1234.56, -246.90, 99.9, 12345678.90]  # "1 234,56", "12 345 678,90"
    assert df["cost"].tolist() == [1000.0, -200.0, 70.0, 10_000_000.0]
    read_as = dict(kamlib.load_report(df).read_as)
    assert read_as["encoding"] == "cp1251" and read_as["delimiter"] == '";"'
    assert read_as["decimal_comma"] == "revenue, cost"  # quantity has no decimals, only "1 000"


def test_cp1251_with_the_toml_mapping_file_gives_the_same_table():
    by_dict = kamlib.read_orders(
        broken("cp1251_semicolon.csv"),
        columns={"Номер": "order_id", "Дата": "date", "Контрагент": "client_id", "Товарная группа": "product_group",
                 "Кол-во": "quantity", "Сумма": "revenue", "Себестоимость": "cost"},
    )
    by_toml = kamlib.read_orders(broken("cp1251_semicolon.csv"), columns=broken("cp1251_columns.toml"))
    pd.testing.assert_frame_equal(by_toml, by_dict)
    assert dict(kamlib.load_report(by_toml).read_as)["dates_%d.%m.%Y"] == "date"  # [options] date_format used


def test_cp1251_without_a_mapping_lists_the_cyrillic_headers():
    with pytest.raises(KamDataError, match="the table has: Номер, Дата, Контрагент, Товарная группа, Кол-во, Сумма, Себестоимость"):
        kamlib.read_orders(broken("cp1251_semicolon.csv"))


def test_wrong_explicit_encoding_names_the_line():
    with pytest.raises(KamDataError, match=r'cp1251_semicolon\.csv: line 1 cannot be read as utf-8; pass the right encoding='):
        kamlib.read_orders(broken("cp1251_semicolon.csv"), encoding="utf-8")


def test_excel_with_title_rows_above_the_header():
    df = read_quietly(kamlib.read_orders, broken("header_offset.xlsx"))
    # header on sheet row 4; rows 5-7 are orders, row 8 blank, row 9 has "not yet" as its date
    assert df["order_id"].tolist() == ["A1", "A2", "A3"]
    assert df["date"].tolist() == [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-01-06"), pd.Timestamp("2024-01-07")]
    assert df["client_id"].tolist() == ["007", "12", "C3"]  # a number cell 12 -> "12"
    assert df["revenue"].tolist() == [100.5, 1234.5, -50.0]  # "1 234,50" typed as text
    assert df["comment"].tolist()[1:] == ["typed by hand", "return"]  # extra column kept, after the canonical ones
    assert list(df.columns)[-1] == "comment"
    assert lines_of(df) == [9]
    report = kamlib.load_report(df)
    assert report.rows_read == 4  # rows 5, 6, 7, 9; the blank row 8 is not data
    assert dict(report.read_as)["header"] == "4"
    assert dict(report.read_as)["sheet"] == "Продажи"


def test_excel_header_row_argument():
    df = read_quietly(kamlib.read_orders, broken("header_offset.xlsx"), header_row=4)
    assert len(df) == 3
    with pytest.raises(KamDataError, match=r'header_offset\.xlsx: columns "date", .* the table has: Sales export'):
        kamlib.read_orders(broken("header_offset.xlsx"), header_row=1)


def test_excel_other_sheet_and_unknown_sheet():
    with pytest.raises(KamDataError, match="no sheet 'Sales'; the workbook has: Продажи, Notes"):
        kamlib.read_orders(broken("header_offset.xlsx"), sheet="Sales")
    with pytest.raises(KamDataError, match=r'the table has: Exported by hand\.'):
        kamlib.read_orders(broken("header_offset.xlsx"), sheet=1)


def test_tab_separated_with_commas_and_semicolons_in_values():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = kamlib.read_orders(broken("tab_separated.tsv"))
    assert df["product_group"].tolist() == ["Tea, black", "Coffee; ground"]
    assert df["revenue"].tolist() == [1234.5, 99.9]  # "1,234.50": comma for thousands, point for decimals
    assert df["client_id"].tolist() == ["001", "002"]
    assert df["date"].tolist() == [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-01-06")]  # time of day dropped
    assert dict(kamlib.load_report(df).read_as)["delimiter"] == t("load.delimiter_tab")


def test_utf8_bom():
    df = kamlib.read_orders(broken("utf8_bom.csv"))
    assert list(df.columns)[0] == "order_id"
    assert df["product_group"].tolist() == ["Чай", "Кофе"]
    assert dict(kamlib.load_report(df).read_as)["encoding"] == "UTF-8 (BOM)"


def test_negative_lines_stay_as_returns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = kamlib.read_orders(broken("negative_returns.csv"))
    assert len(df) == data_lines("negative_returns.csv") == 4
    assert df["revenue"].sum() == 1000 - 200 + 500 - 100
    assert df["quantity"].tolist() == [10.0, -2.0, 5.0, -1.0]
    assert df["cost"].tolist() == [700.0, -140.0, 350.0, -70.0]


def test_a_row_with_an_unquoted_delimiter_is_excluded_not_shifted():
    df = read_quietly(kamlib.read_orders, broken("too_many_fields.csv"))
    assert df["order_id"].tolist() == ["1", "3"]
    assert df["revenue"].tolist() == [10.5, 30.0]
    assert lines_of(df) == [3]
    assert reasons_of(df) == ["more fields than the header"]
    row = kamlib.excluded_rows(df).iloc[0]
    assert (row["product_group"], row["revenue"], row["Unnamed: 5"]) == ("Tea", " green", "20,0")  # as in the file


def test_nps_scores_range_and_whole_numbers():
    df = read_quietly(kamlib.read_nps, broken("nps_scores.csv"))
    assert df["response_id"].tolist() == ["r1", "r5"]
    assert df["score"].tolist() == [9, 0]
    assert str(df["score"].dtype) == "Int64"
    ex = kamlib.excluded_rows(df)
    assert ex["line"].tolist() == [3, 4, 5]
    assert ex["reason"].tolist() == ["out of range", "not a whole number", "missing value"]
    assert ex["value"].tolist()[:2] == ["11", "7.5"]
    assert "reason_raw" in ex.columns  # the file's own "reason" column, renamed beside the report's


def test_clients_yes_no_columns():
    df = read_quietly(kamlib.read_clients, broken("clients_flags.csv"))
    assert df["client_id"].tolist() == ["C1", "C2", "C4"]
    assert df["is_reference"].tolist() == [True, True, pd.NA]  # "да", "yes", empty = unknown
    assert df["is_demanding"].tolist() == [False, True, False]  # "нет", "TRUE", "0"
    assert str(df["is_reference"].dtype) == "boolean"
    assert lines_of(df) == [4] and reasons_of(df) == ["not yes/no"]


# --------------------------------------------------------------------------------------------
# nothing lost, files untouched, same table from every format
# --------------------------------------------------------------------------------------------

_ALL = [
    ("missing_column.csv", "orders"),
    ("wrong_types.csv", "orders"),
    ("empty.csv", "orders"),
    ("header_only.csv", "orders"),
    ("cp1251_semicolon.csv", "orders"),
    ("header_offset.xlsx", "orders"),
    ("duplicated_ids.csv", "orders"),
    ("tab_separated.tsv", "orders"),
    ("utf8_bom.csv", "orders"),
    ("negative_returns.csv", "orders"),
    ("too_many_fields.csv", "orders"),
    ("all_bad.csv", "orders"),
    ("nps_scores.csv", "nps_responses"),
    ("clients_flags.csv", "clients"),
]


@pytest.mark.parametrize(("name", "table"), _ALL)
def test_reading_never_changes_the_file(name, table):
    path = BROKEN / name
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns, path.stat().st_size)
    try:
        kamlib.read_table(path, table, on_error="exclude")
    except KamError:
        pass
    after = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns, path.stat().st_size)
    assert after == before


@pytest.mark.parametrize(("name", "table"), [(n, tb) for n, tb in _ALL if n.endswith((".csv", ".tsv"))])
def test_loaded_plus_excluded_is_every_data_line(name, table):
    try:
        df = kamlib.read_table(broken(name), table, on_error="exclude")
    except KamDataError:
        return  # refused files are tested above
    encoding = "cp1251" if name.startswith("cp1251") else "utf-8-sig"
    assert len(df) + len(kamlib.excluded_rows(df)) == data_lines(name, encoding)


def test_parquet_round_trip(tmp_path):
    df = read_quietly(kamlib.read_orders, broken("header_offset.xlsx"))
    df.to_parquet(tmp_path / "orders.parquet")  # the report in attrs is plain data: this must not fail
    back = kamlib.read_orders(tmp_path / "orders.parquet")
    pd.testing.assert_frame_equal(back, df)
    assert dict(kamlib.load_report(back).read_as)["format"] == "Parquet"


def test_parquet_rows_are_numbered_from_one(tmp_path):
    frame = pd.DataFrame({"order_id": ["1", "2"], "date": ["2024-01-05", "never"], "client_id": ["C", "C"], "revenue": [1.0, 2.0]})
    frame.to_parquet(tmp_path / "o.parquet")
    df = read_quietly(kamlib.read_orders, tmp_path / "o.parquet")
    assert lines_of(df) == [2]  # the second row
    assert 'not a date in "date": 1 (row 2)' in str(kamlib.load_report(df))


def test_same_table_from_csv_excel_parquet_and_dataframe(tmp_path):
    frame = pd.DataFrame(
        {
            "order_id": ["1", "2", "3"],
            "date": pd.to_datetime(["2024-01-05", "2024-02-29", "2024-12-31"]),
            "client_id": ["001", "002", "001"],
            "revenue": [10.5, -3.25, 1e6],
        }
    )
    frame.to_csv(tmp_path / "o.csv", index=False)
    frame.to_excel(tmp_path / "o.xlsx", index=False)
    frame.to_parquet(tmp_path / "o.parquet")
    from_frame = kamlib.read_orders(frame)
    for name in ("o.csv", "o.xlsx", "o.parquet"):
        pd.testing.assert_frame_equal(kamlib.read_orders(tmp_path / name), from_frame, check_index_type=False)
    assert from_frame["date"].dtype == pd.to_datetime(pd.Series(["2024-01-05"])).dtype


def test_a_csv_named_xlsx_and_an_xlsx_named_csv_are_recognised(tmp_path):
    (tmp_path / "really_excel.csv").write_bytes((BROKEN / "header_offset.xlsx").read_bytes())
    df = read_quietly(kamlib.read_orders, tmp_path / "really_excel.csv")
    assert len(df) == 3


# --------------------------------------------------------------------------------------------
# DataFrame input
# --------------------------------------------------------------------------------------------


def test_dataframe_input_is_not_modified_and_keeps_its_index():
    frame = pd.DataFrame(
        {
            "Номер": ["a", "b", "c"],
            "Дата": ["05.01.2024", "2024-01-06", "06/01/2024"],
            "client_id": [7, 8, 9],
            "Сумма": ["1 200,50", "-300", "5"],
            "note": ["x", "y", "z"],
        },
        index=[10, 20, 30],
    )
    copy = frame.copy(deep=True)
    df = read_quietly(
        kamlib.read_orders, frame, columns={"Номер": "order_id", "Дата": "date", "Сумма": "revenue"}
    )
    pd.testing.assert_frame_equal(frame, copy)  # the caller's frame is untouched
    assert df.index.tolist() == [10, 20]
    assert df["client_id"].tolist() == ["7", "8"]  # ids become text
    assert df["revenue"].tolist() == [1200.5, -300.0]
    assert list(df.columns) == ["order_id", "date", "client_id", "revenue", "note"]
    assert lines_of(df) == [30]  # a DataFrame's rows are named by index label
    assert "(index 30)" in str(kamlib.load_report(df))


def test_dataframe_with_typed_columns():
    frame = pd.DataFrame(
        {
            "order_id": [1, 2, 3],
            "date": pd.to_datetime(["2024-01-05 10:00", "2024-01-06", None], format="ISO8601"),
            "client_id": ["C1", "C2", "C3"],
            "revenue": [1.0, np.inf, 3.0],
        }
    )
    df = read_quietly(kamlib.read_orders, frame)
    assert df["order_id"].tolist() == ["1"]
    assert df["date"].tolist() == [pd.Timestamp("2024-01-05")]  # time of day dropped
    assert kamlib.excluded_rows(df)[["line", "reason"]].values.tolist() == [[1, "not a number"], [2, "missing value"]]


def test_case_and_space_differences_in_headers_are_forgiven():
    frame = pd.DataFrame({" Order_ID ": ["1"], "DATE": ["2024-01-05"], "client_id": ["C"], "Revenue": ["5"]})
    df = kamlib.read_orders(frame)
    assert list(df.columns) == ["order_id", "date", "client_id", "revenue"]


def test_two_headers_for_one_column_are_refused():
    frame = pd.DataFrame({"order_id": ["1"], "date": ["2024-01-05"], "Дата": ["2024-01-06"], "client_id": ["C"], "revenue": ["5"]})
    with pytest.raises(KamDataError, match=r'the headers "date", "Дата" all give column "date"'):
        kamlib.read_orders(frame, columns={"Дата": "date"})


def test_empty_dataframe():
    with pytest.raises(KamDataError, match="the DataFrame: the table has no data rows"):
        kamlib.read_orders(pd.DataFrame({"order_id": [], "date": [], "client_id": [], "revenue": []}))


def test_not_a_path_nor_a_frame():
    with pytest.raises(KamArgumentError, match="must be a file path .* or a pandas DataFrame, got list"):
        kamlib.read_orders([1, 2])


# --------------------------------------------------------------------------------------------
# the load report
# --------------------------------------------------------------------------------------------


def test_load_report_counts_and_text():
    df = read_quietly(kamlib.read_orders, broken("wrong_types.csv"))
    report = kamlib.load_report(df)
    assert (report.rows_read, report.rows_loaded, report.rows_excluded) == (7, 3, 4)
    assert report.counts == {"not a number": 1, "not a date": 2, "missing value": 1}
    text = str(report)
    assert text.splitlines()[0] == "Load report: " + broken("wrong_types.csv") + " (table orders)"
    assert 'not a date in "date": 2 (lines 5, 7)' in text
    summary = report.summary()
    assert summary["rows"].sum() == 4
    assert summary.loc[summary["reason"] == "not a date", "first"].item() == "5, 7"


def test_excluded_rows_hold_the_original_values():
    df = read_quietly(kamlib.read_orders, broken("wrong_types.csv"))
    ex = kamlib.excluded_rows(df)
    assert list(ex.columns) == ["line", "reason", "column", "value", "order_id", "date", "client_id", "revenue"]
    first = ex.iloc[0]
    assert (first["line"], first["column"], first["value"]) == (3, "revenue", "12O.5")
    assert (first["order_id"], first["date"], first["client_id"], first["revenue"]) == ("2", "2024-01-06", "C002", "12O.5")
    assert pd.isna(ex.iloc[2]["value"])  # line 6: the revenue cell is empty


def test_nothing_excluded_gives_an_empty_list():
    df = kamlib.read_orders(broken("negative_returns.csv"))
    ex = kamlib.excluded_rows(df)
    assert len(ex) == 0 and list(ex.columns[:4]) == ["line", "reason", "column", "value"]
    assert kamlib.load_report(df).counts == {}


def test_report_is_plain_data_that_survives_pickle_json_and_copies():
    df = read_quietly(kamlib.read_orders, broken("wrong_types.csv"))
    stored = df.attrs[REPORT_ATTR]
    json.dumps(stored)  # JSON-compatible (to_parquet writes attrs as JSON)
    assert kamlib.load_report(pickle.loads(pickle.dumps(df))).rows_excluded == 4
    assert kamlib.load_report(df.copy()).rows_excluded == 4
    assert kamlib.load_report(df[df["revenue"] > 200]).rows_excluded == 4  # pandas carries attrs along


def test_frame_without_a_report():
    with pytest.raises(KamArgumentError, match="carries no load report"):
        kamlib.load_report(pd.DataFrame({"a": [1]}))
    with pytest.raises(KamArgumentError, match="must be a pandas DataFrame"):
        kamlib.excluded_rows("orders.csv")


# --------------------------------------------------------------------------------------------
# CSV details: blank lines, quoted line breaks, title lines, delimiters
# --------------------------------------------------------------------------------------------


def test_line_numbers_survive_blank_lines_title_lines_and_quoted_line_breaks(tmp_path):
    text = (
        "Sales export\n"  # 1 title
        "\n"  # 2 blank
        "order_id;date;client_id;revenue;note\n"  # 3 header
        '1;05.01.2024;C1;10;"two\nlines"\n'  # 4-5
        "\n"  # 6 blank
        "2;06.01.2024;C2;ten;\n"  # 7 bad
        '3;07.01.2024;C3;30;"x"\n'  # 8
        "4;99.01.2024;C4;40;\n"  # 9 bad date
    )
    path = tmp_path / "messy.csv"
    path.write_text(text, encoding="utf-8")
    df = read_quietly(kamlib.read_orders, path)
    assert df["order_id"].tolist() == ["1", "3"]
    assert df["note"].tolist() == ["two\nlines", "x"]
    assert lines_of(df) == [7, 9]
    read_as = dict(kamlib.load_report(df).read_as)
    assert read_as["header"] == "3" and read_as["blank"] == "1"  # the blank line 6 (line 2 is above the header)


def test_blank_lines_before_the_header(tmp_path):
    path = tmp_path / "late.csv"
    path.write_text("\n" * 9 + "order_id,date,client_id,revenue\n1,2024-01-05,C1,oops\n2,2024-01-05,C1,2\n", encoding="utf-8")
    df = read_quietly(kamlib.read_orders, path)
    assert df["order_id"].tolist() == ["2"]
    assert lines_of(df) == [11]  # nine blank lines, the header on line 10, "oops" on line 11


def test_trailing_delimiters_do_not_make_columns_or_exclusions(tmp_path):
    path = tmp_path / "trailing.csv"
    path.write_text("order_id;date;client_id;revenue;\n1;05.01.2024;C1;10,5;\n2;06.01.2024;C2;7;\n", encoding="utf-8")
    df = kamlib.read_orders(path)
    assert list(df.columns) == ["order_id", "date", "client_id", "revenue"]
    assert df["revenue"].tolist() == [10.5, 7.0]


def test_short_rows_are_missing_values_not_errors(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("order_id,date,client_id,revenue,cost\n1,2024-01-05,C1,10\n2,2024-01-06,C2,20,5\n", encoding="utf-8")
    df = kamlib.read_orders(path)
    assert df["cost"].isna().tolist() == [True, False]


def test_explicit_delimiter_and_header_row(tmp_path):
    path = tmp_path / "pipe.txt"
    path.write_text("report\norder_id|date|client_id|revenue\n1|2024-01-05|C1|5\n", encoding="utf-8")
    df = kamlib.read_orders(path, delimiter="|", header_row=2)
    assert df["revenue"].tolist() == [5.0]


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "unicode.txt"
    path.write_bytes("order_id\tdate\tclient_id\trevenue\r\n1\t2024-01-05\tЖ1\t5\r\n".encode("utf-16"))
    df = kamlib.read_orders(path)
    assert df["client_id"].tolist() == ["Ж1"]


# --------------------------------------------------------------------------------------------
# numbers and dates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (["1 234,56", "7"], [1234.56, 7.0]),  # space thousands, decimal comma
        (["1.234,56", "0,5"], [1234.56, 0.5]),  # dot thousands when a value shows both
        (["1,234.56", "0.5"], [1234.56, 0.5]),  # comma thousands, decimal point
        (["1234,5", "-0,25"], [1234.5, -0.25]),  # decimal comma only
        (["\u22125", "+3"], [-5.0, 3.0]),  # a typographic minus sign, a plus sign
        (["1e3", "2.5E-1"], [1000.0, 0.25]),
        (["12\u00a0000", "1\u202f000,5"], [12000.0, 1000.5]),  # no-break and narrow no-break spaces
    ],
)
def test_number_formats(texts, expected):
    frame = pd.DataFrame({"order_id": ["1", "2"], "date": ["2024-01-05"] * 2, "client_id": ["C"] * 2, "revenue": texts})
    assert kamlib.read_orders(frame)["revenue"].tolist() == pytest.approx(expected)


def test_a_minority_decimal_style_is_excluded_not_misread():
    # the column is written with decimal commas; "2.5" cannot be told from a thousands-dot "2.500"
    frame = pd.DataFrame(
        {"order_id": list("1234"), "date": ["2024-01-05"] * 4, "client_id": ["C"] * 4, "revenue": ["1,5", "2,25", "3,0", "2.5"]}
    )
    df = read_quietly(kamlib.read_orders, frame)
    assert df["revenue"].tolist() == [1.5, 2.25, 3.0]
    assert lines_of(df) == [3]  # index label 3 = the fourth row


def test_badly_grouped_digits_are_not_numbers():
    frame = pd.DataFrame(
        {"order_id": list("123"), "date": ["2024-01-05"] * 3, "client_id": ["C"] * 3, "revenue": ["12 34", "1,2,3", "--5"]}
    )
    with pytest.raises(KamDataError, match="none of the 3 rows"):
        kamlib.read_orders(frame)


def test_words_meaning_empty_in_number_columns():
    frame = pd.DataFrame(
        {"order_id": list("12"), "date": ["2024-01-05"] * 2, "client_id": ["C"] * 2, "revenue": ["1", "2"], "cost": ["NULL", "n/a"]}
    )
    df = kamlib.read_orders(frame)
    assert df["cost"].isna().all() and len(df) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01", "2024-03-01"),
        ("2024-03-01T23:59:59", "2024-03-01"),
        ("2024-03-01 08:00", "2024-03-01"),
        ("01.03.2024", "2024-03-01"),  # day first, always
        ("1.3.2024", "2024-03-01"),
        ("01.03.2024 17:45", "2024-03-01"),
    ],
)
def test_date_formats(text, expected):
    frame = pd.DataFrame({"order_id": ["1"], "date": [text], "client_id": ["C"], "revenue": ["1"]})
    assert kamlib.read_orders(frame)["date"].tolist() == [pd.Timestamp(expected)]


@pytest.mark.parametrize("text", ["01/03/2024", "03-01-2024", "2024-3-1", "2024-02-30", "32.01.2024", "2024", "March 1"])
def test_dates_that_would_need_a_guess_are_excluded(text):
    frame = pd.DataFrame({"order_id": ["1", "2"], "date": [text, "2024-01-01"], "client_id": ["C"] * 2, "revenue": ["1"] * 2})
    df = read_quietly(kamlib.read_orders, frame)
    assert reasons_of(df) == ["not a date"]


# --------------------------------------------------------------------------------------------
# the mapping file and the options
# --------------------------------------------------------------------------------------------


def test_mapping_file_table_section_applies_to_its_table_only(tmp_path):
    toml = tmp_path / "columns.toml"
    toml.write_text('[columns]\n"Код" = "client_id"\n[columns.clients]\n"Наименование" = "name"\n', encoding="utf-8")
    clients = pd.DataFrame({"Код": ["C1"], "Наименование": ["Alfa"], "client_type": ["HoReCa"]})
    assert kamlib.read_clients(clients, columns=toml)["name"].tolist() == ["Alfa"]
    orders = pd.DataFrame({"order_id": ["1"], "date": ["2024-01-05"], "Код": ["C1"], "revenue": ["1"], "Наименование": ["x"]})
    assert list(kamlib.read_orders(orders, columns=toml).columns)[-1] == "Наименование"  # not renamed for orders


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[column]\n"a" = "b"\n', r"unknown section \[column\]"),
        ('[options]\nseparator = ";"\n', r"unknown option 'separator' in \[options\]; valid options: delimiter, encoding"),
        ('[columns]\n"a" = 5\n', r"entry 'a' = 5 is not valid"),
        ("[columns\n", "not a valid TOML file"),
        ('[options]\ndecimal = ";"\n', r"decimal=';' is not valid"),
        ('[options]\nheader_row = 0\n', r"header_row=0 is not valid; use a line number counted from 1"),
    ],
)
def test_bad_mapping_files(tmp_path, text, message):
    toml = tmp_path / "columns.toml"
    toml.write_text(text, encoding="utf-8")
    with pytest.raises(KamArgumentError, match=message):
        kamlib.read_orders(broken("negative_returns.csv"), columns=toml)


def test_missing_mapping_file_and_wrong_mapping_type(tmp_path):
    with pytest.raises(KamArgumentError, match="no such mapping file"):
        kamlib.read_orders(broken("negative_returns.csv"), columns=tmp_path / "nope.toml")
    with pytest.raises(KamArgumentError, match="columns must be a dict"):
        kamlib.read_orders(broken("negative_returns.csv"), columns=["a"])


def test_arguments_override_mapping_file_options(tmp_path):
    toml = tmp_path / "columns.toml"
    toml.write_text('[options]\nencoding = "cp1251"\n', encoding="utf-8")
    df = kamlib.read_orders(broken("utf8_bom.csv"), columns=toml, encoding="utf-8")
    assert df["product_group"].tolist() == ["Чай", "Кофе"]


def test_bad_option_values():
    with pytest.raises(KamArgumentError, match="encoding='klingon' is not valid"):
        kamlib.read_orders(broken("negative_returns.csv"), encoding="klingon")
    with pytest.raises(KamArgumentError, match="date_format='dd.mm.yyyy' is not valid"):
        kamlib.read_orders(broken("negative_returns.csv"), date_format="dd.mm.yyyy")


# --------------------------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------------------------


def _ru(x: float) -> str:
    """A number as a Russian accounting export writes it: 1 234 567,89."""
    return f"{x:,.2f}".replace(",", "\u00a0").replace(".", ",")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    amounts=st.lists(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False).map(lambda v: round(v, 2)), min_size=1, max_size=30),
    broken_rows=st.sets(st.integers(min_value=0, max_value=29)),
    style=st.sampled_from(["ru", "plain"]),
    delimiter=st.sampled_from([";", "\t", ","]),
)
def test_property_every_row_is_loaded_or_reported(tmp_path, amounts, broken_rows, style, delimiter):
    """Whatever the delimiter and number style, good rows load with their exact amounts, and the
    rows made unreadable are excluded on exactly their lines: loaded + excluded = rows."""
    bad = sorted(i for i in broken_rows if i < len(amounts))
    if len(bad) == len(amounts):
        bad = bad[:-1]  # keep at least one good row (all-bad raises, tested elsewhere)
    lines = [delimiter.join(["order_id", "date", "client_id", "revenue"])]
    for i, amount in enumerate(amounts):
        text = _ru(amount) if style == "ru" else f"{amount:.2f}"
        if i in bad:
            text = "n.a." if i % 2 else text + "x"
        if delimiter == "," and "," in text:
            text = f'"{text}"'
        lines.append(delimiter.join([f"O{i}", "05.01.2024", f"{i:03d}", text]))
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    df = read_quietly(kamlib.read_orders, path)
    good = [i for i in range(len(amounts)) if i not in bad]
    assert df["order_id"].tolist() == [f"O{i}" for i in good]
    assert df["revenue"].tolist() == pytest.approx([amounts[i] for i in good])
    assert df["client_id"].tolist() == [f"{i:03d}" for i in good]
    assert lines_of(df) == [i + 2 for i in bad]  # row i of the data is on line i + 2
    assert len(df) + len(bad) == len(amounts)

"""The reader on real-export problems (issue 11): each expectation is worked out by hand from the file
written in the test, never taken from the reader's output."""

from __future__ import annotations

import os
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kamlib
from kamlib import KamDataError, KamDataWarning, KamError


def write(tmp_path, text: str, name: str = "orders.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KamDataWarning)
        return kamlib.read_orders(path, **kwargs)


def reasons(df) -> dict[int, str]:
    ex = kamlib.excluded_rows(df)
    return dict(zip(ex["line"].tolist(), ex["reason"].tolist()))


# --- document numbers, line ids, double exports ---------------------------------------------


def test_lines_of_one_document_are_all_kept_and_line_ids_generated_when_absent(tmp_path):
    path = write(tmp_path, "Документ;Дата;Контрагент;Сумма\nД-1;05.01.2025;А;100\nД-1;05.01.2025;Б;50\nД-2;06.01.2025;А;25\n")
    df = read(path, columns={"Документ": "order_id", "Дата": "date", "Контрагент": "client_id", "Сумма": "revenue"})
    assert df["revenue"].sum() == 175 and len(df) == 3
    no_id = read(path, columns={"Дата": "date", "Контрагент": "client_id", "Сумма": "revenue"})
    assert no_id["order_id"].tolist() == ["L2", "L3", "L4"]  # the file lines (header = line 1)


def test_identical_lines_are_reported_kept_by_default_and_dropped_on_request(tmp_path):
    text = "date,client_id,revenue\n2025-01-05,A,10\n2025-01-05,A,10\n2025-01-06,A,10\n2025-01-05,A,10\n"
    path = write(tmp_path, text)
    kept = read(path)
    assert len(kept) == 4 and dict(kamlib.load_report(kept).findings)["double_export_kept"].startswith("2 (3, 5")
    dropped = read(path, duplicates="drop")
    assert kept["revenue"].sum() == 40 and dropped["revenue"].sum() == 20  # lines 2 and 4 stay
    assert reasons(dropped) == {3: "double export (identical line)", 5: "double export (identical line)"}
    assert kamlib.load_report(dropped).share_excluded == 0  # asked for: not revenue lost


# --- decimal point or thousands ----------------------------------------------------------------


def test_thousands_comma_decided_by_another_column(tmp_path):
    # "12.50" in cost shows a decimal point, so "1,234" in revenue groups thousands
    path = write(tmp_path, 'date,client_id,revenue,cost\n2025-01-05,A,"1,234",12.50\n2025-01-06,B,"12,500",3.00\n')
    df = read(path)
    assert df["revenue"].tolist() == [1234.0, 12500.0]
    assert "separator_from_file" in dict(kamlib.load_report(df).read_as)


def test_dot_thousands_with_decimal_comma_evidence(tmp_path):
    path = write(tmp_path, "date;client_id;revenue;cost\n2025-01-05;A;1.000;12,5\n2025-01-06;B;2.500;1\n2025-01-07;C;500;2\n")
    assert read(path)["revenue"].tolist() == [1000.0, 2500.0, 500.0]


def test_ambiguous_column_is_refused_naming_the_options(tmp_path):
    path = write(tmp_path, "date;client_id;revenue\n2025-01-05;A;1.000\n2025-01-06;B;2.500\n2025-01-07;C;12.000\n2025-01-08;D;500\n")
    with pytest.raises(KamDataError, match=r'revenue.*"1\.000" \(line 2\).*decimal=","'):
        read(path)
    assert read(path, decimal=",")["revenue"].tolist() == [1000.0, 2500.0, 12000.0, 500.0]
    assert read(path, thousands=",")["revenue"].tolist() == [1.0, 2.5, 12.0, 500.0]


# --- quotes, headers, totals, placeholders ---------------------------------------------------------


def test_a_stray_quote_excludes_its_line_and_never_swallows_the_next(tmp_path):
    text = 'date,client_id,revenue\n2025-01-05,A,10\n2025-01-06,"B,20\n2025-01-07,C,30\n2025-01-08,D,40\n'
    df = read(write(tmp_path, text))
    assert df["client_id"].tolist() == ["A", "C", "D"] and df["revenue"].sum() == 80
    assert reasons(df) == {3: "unbalanced quote"}


def test_a_quoted_line_break_is_one_record_with_right_line_numbers(tmp_path):
    text = 'date,client_id,revenue,note\n2025-01-05,A,10,"two\nlines"\n2025-01-06,B,x,\n'
    df = read(write(tmp_path, text))
    assert df["note"].tolist() == ["two\nlines"] and reasons(df) == {4: "not a number"}


def test_repeated_header_totals_and_placeholders_are_excluded_with_reasons(tmp_path):
    text = ("date,client_id,revenue\n2025-01-05,A,10\ndate,client_id,revenue\n2025-01-06,(blank),5\n"
            "2025-01-07,<Не указан>,7\n2025-01-07,Итого,22\n2025-01-08,Розничный покупатель,3\n")
    df = read(write(tmp_path, text))
    assert df["client_id"].tolist() == ["A"]
    assert reasons(df) == {3: "header repeated in the data", 4: "placeholder id", 5: "placeholder id",
                           6: "totals line", 7: "placeholder id"}
    report = kamlib.load_report(df)
    # lost: 5 + 7 + 3 = 15 of 10 + 15 = 25 (the totals line repeats other amounts: not lost)
    assert report.amount_excluded == 15 and report.share_excluded == pytest.approx(15 / 25)
    mine = read(write(tmp_path, text), placeholders=("(blank)",))
    assert sorted(mine["client_id"]) == ["<Не указан>", "A", "Розничный покупатель"]


def test_unquoted_decimal_comma_in_a_comma_file_is_excluded_not_slid(tmp_path):
    df = read(write(tmp_path, "date,client_id,revenue,cost\n2025-01-05,A,1234,50,10\n2025-01-06,B,20,5\n"))
    assert df["cost"].tolist() == [5.0] and reasons(df) == {2: "more fields than the header"}
    assert kamlib.load_report(df).amount_unknown == 1


# --- dates -----------------------------------------------------------------------------------------


def test_implausible_dates_are_excluded_and_do_not_move_the_as_of(tmp_path):
    rows = [f"2025-01-{d:02d},C{d},10" for d in range(1, 11)] + ["2205-01-05,X,10", "1901-01-05,Y,10"]
    df = read(write(tmp_path, "date,client_id,revenue\n" + "\n".join(rows) + "\n"))
    assert df["date"].max() == pd.Timestamp("2025-01-10")
    assert reasons(df) == {12: "implausible date", 13: "implausible date"}


def test_an_impossible_time_of_day_makes_the_cell_invalid(tmp_path):
    df = read(write(tmp_path, "date,client_id,revenue\n2025-01-05 10:30,A,1\n2025-01-05 99:99,B,2\n"))
    assert reasons(df) == {3: "not a date"}


def test_a_blank_optional_column_never_refuses_the_file(tmp_path):
    df = read(write(tmp_path, "date,client_id,revenue,cost\n2025-01-05,A,10,\n2025-01-06,B,20,\n"))
    assert df["cost"].isna().all() and len(df) == 2


def test_check_as_of_warns_when_well_past_the_last_order():
    orders = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-06-30"])})
    assert kamlib.check_as_of(orders, "2025-07-31") is None  # 31 days: fine
    with pytest.warns(KamDataWarning, match="366 days after the last order"):
        kamlib.check_as_of(orders, "2026-07-01")


# --- identities ------------------------------------------------------------------------------------


def test_look_alike_ids_are_listed_and_merged_on_request(tmp_path):
    ids = ["C001", "c001", "\u0421001", "C\u200b001", "\uff23\uff10\uff10\uff11", "C002"]  # Cyrillic С, ZWSP, fullwidth
    text = "date,client_id,revenue\n" + "".join(f"2025-01-0{i + 1},{c},10\n" for i, c in enumerate(ids))
    df = read(write(tmp_path, text))
    report = kamlib.load_report(df)
    assert len(report.identity) == 1 and set(report.identity[0]) == set(ids[:5])
    merged = read(write(tmp_path, text), merge_identities=True)
    assert merged["client_id"].nunique() == 2 and dict(kamlib.load_report(merged).findings)["merged"].startswith("1:")


# --- encodings -------------------------------------------------------------------------------------


def test_mixed_cp1251_then_utf8_lines_are_decoded_line_by_line(tmp_path):
    head = "date;client_id;revenue\n2025-01-05;Ромашка;10\n".encode("cp1251")
    tail = "2025-01-06;Ромашка;20\n".encode("utf-8")
    path = tmp_path / "mixed.csv"
    path.write_bytes(head + tail)
    df = read(path)
    assert df["client_id"].tolist() == ["Ромашка", "Ромашка"]
    assert "cp1251 on line 2" in dict(kamlib.load_report(df).read_as)["encoding"]


def test_one_stray_byte_excludes_one_line_not_the_file(tmp_path):
    body = "date;client_id;revenue\n2025-01-05;Ромашка;10\n".encode() + b"2025-01-06;\xd0\xa0\xff;20\n" + \
        "2025-01-07;Лето;30\n".encode()
    path = tmp_path / "stray.csv"
    path.write_bytes(body)
    df = read(path)
    assert df["client_id"].tolist() == ["Ромашка", "Лето"] and reasons(df) == {3: "undecodable bytes"}


def test_koi8r_is_recognised(tmp_path):
    text = "date;client_id;revenue\n" + "".join(f"2025-01-0{i};Торговый дом Север {i};1{i}\n" for i in range(1, 8))
    df = read(write(tmp_path, text, encoding="koi8-r"))
    assert df["client_id"].iloc[0] == "Торговый дом Север 1"
    assert dict(kamlib.load_report(df).read_as)["encoding"] == "KOI8-R"


# --- refusals: special and binary files ----------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_before_opening(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(KamError, match="not a regular file"):
        read(fifo)  # would block forever if it were opened


def test_a_binary_file_is_refused(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(KamError, match="binary"):
        read(path)


# --- the summary, the 5 % rule, and loaded + excluded = the file's amounts -------------------------


def test_load_summary_and_the_excluded_share_rule(tmp_path):
    df = read(write(tmp_path, "date,client_id,revenue\n2025-01-05,A,90\n2025-01-06,B,5\nsomeday,C,5\n"))
    assert "1 excluded; 5.0% of revenue excluded" in str(kamlib.load_summary(df))
    assert "<li>" in kamlib.load_summary(df)._repr_html_()
    kamlib.check_excluded(df)  # 5 % is not more than 5 %
    with pytest.raises(KamDataError, match="5.0% of revenue was excluded"):
        kamlib.check_excluded(df, limit=0.04)


amount = st.decimals(min_value=-10**6, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
cell = st.one_of(amount.map(lambda d: f"{d:.2f}"), st.sampled_from(["", "n/a", "1O0"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["2025-01-05", "2025-02-30", ""]), st.sampled_from(["A", "", "Итого"]),
                               amount), min_size=1, max_size=25))
def test_loaded_plus_excluded_amounts_are_the_files_amounts(tmp_path, rows):
    text = "date,client_id,revenue\n" + "".join(f"{d},{c},{a:.2f}\n" for d, c, a in rows)
    path = write(tmp_path, text, name="prop.csv")
    try:
        df = read(path)
    except KamDataError:  # nothing usable: refused as a whole, nothing to add up
        return
    report = kamlib.load_report(df)
    file_total = float(sum(a for _, _, a in rows))
    excluded = sum(e.amount for e in report.excluded if e.amount is not None)
    assert report.amount_unknown == 0
    assert report.amount_loaded + excluded == pytest.approx(file_total, abs=1e-6)
    assert report.rows_loaded + report.rows_excluded == len(rows)


def test_a_mapping_file_can_ask_for_the_new_options(tmp_path):
    (tmp_path / "map.toml").write_text('[options]\nduplicates = "drop"\nmerge_identities = true\nthousands = ","\n',
                                       encoding="utf-8")
    text = 'date,client_id,revenue\n2025-01-05,A,"1,000"\n2025-01-05,A,"1,000"\n2025-01-06,a,"2,000"\n'
    df = read(write(tmp_path, text), columns=tmp_path / "map.toml")
    # line 3 repeats line 2 (dropped); "a" is merged into "A"; "," groups thousands
    assert df["client_id"].tolist() == ["A", "A"] and df["revenue"].tolist() == [1000.0, 2000.0]


def test_a_few_utf8_lines_after_many_cp1251_lines_are_not_garbled(tmp_path):
    """One UTF-8 line after 3,000 cp1251 ones: too few letters to tip the file's byte count, but
    a line that is UTF-8 makes the file mixed (it was read as cp1251 into "РљР»РёРµРЅС‚ 7")."""
    body = "client_id;date;revenue\n" + "".join(f"Клиент {i % 50};0{1 + i % 9}.01.2024;{i},50\n" for i in range(3000))
    path = tmp_path / "tail.csv"
    path.write_bytes(body.encode("cp1251") + "Клиент 7;05.01.2024;100,00\n".encode("utf-8"))
    df = read(path)
    assert df["client_id"].iloc[-1] == "Клиент 7" and df["client_id"].nunique() == 50
    assert "cp1251 on 3000 lines" in dict(kamlib.load_report(df).read_as)["encoding"]


def test_cp1251_letters_that_happen_to_pair_like_utf8_stay_cp1251(tmp_path):
    """"Сё" (D1 B8) and "С«" (D1 AB) are valid two-byte UTF-8: their lines are decoded to check,
    and being no UTF-8 as a whole, leave the file cp1251."""
    body = "client_id;date;revenue\n" + "".join(f"Сёмин {i};01.01.2024;{i},50\n" for i in range(200)) + \
        "ООО «С»;02.01.2024;5,00\n"
    df = read(write(tmp_path, body, encoding="cp1251"))
    assert df["client_id"].iloc[[0, -1]].tolist() == ["Сёмин 0", "ООО «С»"]
    assert dict(kamlib.load_report(df).read_as)["encoding"] == "cp1251"


@pytest.mark.parametrize("step", [1, 2, 3, 5, 64])
def test_utf8_lines_found_across_scan_blocks(monkeypatch, step):
    from kamlib.data.read import _decode

    monkeypatch.setattr(_decode, "_SCAN_BLOCK", step)
    cp = "Сёмин;1\nабв;2\n".encode("cp1251")
    for utf8 in ["Ё;3\n", "ok €;3\n", "𝐀;3\n"]:  # a sequence of two, three and four bytes
        assert _decode._has_utf8_line(cp + utf8.encode("utf-8") + cp)
    assert not _decode._has_utf8_line(cp * 3)


# --- encodings: plausible readings only (adversarial cases) ---------------------------------------

_UTF8_HEAD = "Дата;Контрагент;Сумма\n05.01.2025;ООО Ромашка;100,00\n06.01.2025;АО Гранит;200,00\n"
_RU = {"Контрагент": "client_id", "Дата": "date", "Сумма": "revenue"}


def encoding_of(df) -> str:
    return dict(kamlib.load_report(df).read_as)["encoding"]


@pytest.mark.parametrize("client", ["ЁЛКА", "ООО «Ёж»", "ИП Петров", "ЭКО"])
def test_a_short_cp1251_line_in_a_utf8_file_is_read_in_cp1251_not_a_cjk_page(tmp_path, client):
    """charset-normalizer calls the bytes of "ЁЛКА" (A8 CB CA C0) big5: a multi-byte CJK codec is no
    reading of one line of a Russian export ("ЁЛКА" became "佯岍")."""
    path = tmp_path / "mixed.csv"
    path.write_bytes(_UTF8_HEAD.encode() + f"07.01.2025;{client};300,00\n".encode("cp1251"))
    df = read(path, columns=_RU)
    assert df["client_id"].tolist() == ["ООО Ромашка", "АО Гранит", client]
    assert encoding_of(df) == "UTF-8, and cp1251 on line 4"


def test_a_western_cp1252_file_is_not_read_as_koi8r(tmp_path):
    """Accents inside Latin words read as Western text; KOI8-R made "Müller" "MЭller"."""
    names = ["Müller GmbH", "Café Olé SARL", "Søren Ålund AB", "Nestlé"]
    text = "date;client_id;revenue\n" + "".join(f"2025-01-0{i + 5};{n};{i + 1}00\n" for i, n in enumerate(names))
    df = read(write(tmp_path, text, encoding="cp1252"))
    assert df["client_id"].tolist() == names and encoding_of(df) == "cp1252"


def test_russian_text_is_not_taken_for_western(tmp_path):
    text = "date;client_id;revenue\n" + "".join(f"2025-01-0{i};Торговый дом {i};1{i}\n" for i in range(1, 8))
    df = read(write(tmp_path, text, encoding="cp1251"))
    assert df["client_id"].iloc[0] == "Торговый дом 1" and encoding_of(df) == "cp1251"


def test_too_close_to_call_in_a_mixed_file_names_the_lines_and_keeps_utf8(tmp_path):
    """"ТЦ ЮГ" in cp1251 reads as "рж чц" in KOI8-R, both plausible: the advice names the line and
    the page; following it reads that line in cp1251 and leaves the UTF-8 lines UTF-8."""
    path = tmp_path / "mixed.csv"
    path.write_bytes(_UTF8_HEAD.encode() + "07.01.2025;ТЦ ЮГ;300,00\n".encode("cp1251"))
    with pytest.raises(KamDataError, match=r"UTF-8 except on line 4 in a one-byte code page.*encoding=\"cp1251\"") as err:
        read(path, columns=_RU)
    assert err.value.rows == [4]
    df = read(path, columns=_RU, encoding="cp1251")
    assert df["client_id"].tolist() == ["ООО Ромашка", "АО Гранит", "ТЦ ЮГ"]
    assert encoding_of(df) == "UTF-8, and cp1251 on line 4"
    assert "1, 2, 3 (3)" in dict(kamlib.load_report(df).read_as)["utf8_lines"]


def test_a_given_one_byte_page_does_not_garble_utf8_lines(tmp_path):
    """English header, UTF-8 Cyrillic clients, one cp1251 line, read with encoding="cp1251": the
    UTF-8 clients were loaded as "РћРћРћ Р РѕРјР°С€РєР°" without a word."""
    path = tmp_path / "mixed.csv"
    path.write_bytes("date;client_id;revenue\n2025-01-05;ООО Ромашка;100\n2025-01-06;АО Гранит;200\n".encode()
                     + "2025-01-07;ИП Петров;300\n".encode("cp1251"))
    df = read(path, encoding="cp1251")
    assert df["client_id"].tolist() == ["ООО Ромашка", "АО Гранит", "ИП Петров"]
    assert dict(kamlib.load_report(df).read_as)["utf8_lines"] == "2, 3 (2)"
    plain = read(write(tmp_path, "date;client_id;revenue\n2025-01-05;Сёмин;100\n", encoding="cp1251"),
                 encoding="cp1251")  # a one-byte file read as given, nothing else said
    assert plain["client_id"].tolist() == ["Сёмин"] and "utf8_lines" not in dict(kamlib.load_report(plain).read_as)


def test_a_cp1251_line_that_is_valid_utf8_stays_cp1251(tmp_path):
    """cp1251 "Сё" is D1 B8, valid UTF-8 for the archaic "Ѹ": not a plausible UTF-8 line."""
    from kamlib.data.read import _decode

    text = "Дата;Контрагент;Сумма\n05.01.2025;ООО Ромашка;100,00\n06.01.2025;Сё;200,00\n07.01.2025;АО Гранит;1\n"
    df = read(write(tmp_path, text, encoding="cp1251"), columns=_RU)
    assert df["client_id"].tolist() == ["ООО Ромашка", "Сё", "АО Гранит"] and encoding_of(df) == "cp1251"
    assert not _decode._has_utf8_line("Сё;1\n".encode("cp1251"))
    assert _decode._has_utf8_line("Ёж;1\n".encode()) and _decode._has_utf8_line("ok €;1\n".encode())


_CP1251_BODY = "Дата;Контрагент;Сумма\n" + "".join(
    f"0{1 + i % 9}.01.2025;{c};{100 + i},50\n"
    for i, c in enumerate(["ООО Ромашка", "АО Гранит", "ИП Петров А.В."] * 7))


@pytest.mark.parametrize("page, label", [("koi8-r", "KOI8-R"), ("cp866", "cp866")])
def test_lines_in_another_cyrillic_page_after_cp1251_are_decoded_in_it(tmp_path, page, label):
    """Two exports pasted together: 21 cp1251 lines, then two in KOI8-R or cp866 (read as cp1251
    they were "ппп тПНБЫЛБ" and "ЋЋЋ ђ®¬ иЄ")."""
    path = tmp_path / "two.csv"
    tail = "10.01.2025;ООО Ромашка;999,00\n11.01.2025;ИП Сидоров;555,00\n"
    path.write_bytes(_CP1251_BODY.encode("cp1251") + tail.encode(page))
    df = read(path, columns=_RU)
    assert df["client_id"].tolist()[-3:] == ["ИП Петров А.В.", "ООО Ромашка", "ИП Сидоров"]
    assert df["client_id"].nunique() == 4
    assert encoding_of(df) == f"cp1251, and {label} on 2 lines (23, 24)"


def test_camel_case_names_in_cp1251_stay_cp1251(tmp_path):
    """"МегаФон" has a lower-case letter before an upper-case one, as KOI8-R read as cp1251 has: the
    line is looked at and, reading no better in another page, stays cp1251."""
    text = _CP1251_BODY + "10.01.2025;ПАО МегаФон;1,00\n11.01.2025;ВкусВилл;2,00\n"
    df = read(write(tmp_path, text, encoding="cp1251"), columns=_RU)
    assert df["client_id"].tolist()[-2:] == ["ПАО МегаФон", "ВкусВилл"] and encoding_of(df) == "cp1251"


@pytest.mark.parametrize("chunk", [2, 3, 4, 5, 1 << 18])
def test_the_cp1251_suspect_check_sees_pairs_at_both_offsets(monkeypatch, chunk):
    from kamlib.data.read import _decode

    monkeypatch.setattr(_decode, "_PAIR_CHUNK", chunk)
    for text, page in [("аП", "cp1251"), ("Ромашка", "koi8-r"), ("ромашка", "cp866")]:
        for pad in ("", "x"):
            assert _decode._cp1251_suspect((pad + text).encode(page)), (text, page, pad)
    assert not _decode._cp1251_suspect("x ООО «Ромашка», Сёмин № 5".encode("cp1251"))


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(tmp_path, codec):
    """Its ASCII characters put a zero byte at every other position: UTF-16, not "binary data"."""
    text = "date;client_id;revenue\n2025-01-05;ООО Ромашка;10\n2025-01-06;АО Гранит;20\n"
    df = read(write(tmp_path, text, encoding=codec))
    assert df["client_id"].tolist() == ["ООО Ромашка", "АО Гранит"] and df["revenue"].sum() == 30
    assert encoding_of(df).startswith(codec.upper() + " (no byte-order mark")


def test_binary_with_zero_bytes_at_odd_positions_is_still_refused(tmp_path):
    path = tmp_path / "words.csv"
    path.write_bytes(bytes(b for i in range(4000) for b in (i % 32, 0)))  # 16-bit integers: control characters
    with pytest.raises(KamError, match="binary"):
        read(path)


def test_utf16_with_a_byte_order_mark_is_named_plainly(tmp_path):
    df = read(write(tmp_path, "date;client_id;revenue\n2025-01-05;Ромашка;10\n", encoding="utf-16"))
    assert df["client_id"].tolist() == ["Ромашка"] and encoding_of(df) == "UTF-16"

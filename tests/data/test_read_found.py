"""Cases found by feeding the reader files written to break it (session 4, an adversarial pass with
files nobody here had made). Each was a silently wrong or unhelpful result; the expectations are worked
out by hand from the file written in the test."""

from __future__ import annotations

import warnings

import pytest

import kamlib
from kamlib import KamDataError, KamDataWarning

MAPPING = {"Дата": "date", "Контрагент": "client_id", "Номенклатура": "product_group", "Количество": "quantity",
           "Сумма": "revenue"}


def read(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", KamDataWarning)
        return kamlib.read_orders(path, **kwargs)


def write(tmp_path, text: str, name: str = "orders.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("first", ["05.01.2024", "05.01.24"])
def test_two_digit_years_are_not_read_as_year_24(tmp_path, first):
    """1,500 lines of dd.mm.yy after one dd.mm.yyyy line (or before it): they were dated 0024 when
    the first date had four digits, and the one real 2024 line was then excluded as implausible."""
    lines = [f"{first};C0;10"] + [f"{1 + i % 28:02d}.{1 + i % 12:02d}.24;C{i % 7};1" for i in range(1500)]
    path = write(tmp_path, "date;client_id;revenue\n" + "\n".join(lines) + "\n")
    with pytest.raises(KamDataError) if first == "05.01.24" else warnings.catch_warnings():
        df = read(path)
        assert (df["date"].dt.year == 2024).all() and len(df) == 1
        excluded = kamlib.load_report(df).excluded
        assert len(excluded) == 1500 and {e.reason for e in excluded} == {"bad_date"}


def test_not_a_date_names_the_format_that_reads_the_examples(tmp_path):
    path = write(tmp_path, "date;client_id;revenue\n05.01.24;C1;10\n10.02.24;C2;20\n")
    with pytest.raises(KamDataError, match='date_format="%d.%m.%y"'):
        read(path)
    path = write(tmp_path, "date;client_id;revenue\n01/05/2024;C1;10\n02/10/2024;C2;20\n")  # day or month first?
    with pytest.raises(KamDataError, match='date_format="%d/%m/%Y" and also with "%m/%d/%Y"'):
        read(path)
    path = write(tmp_path, "date;client_id;revenue\n5 января 2024;C1;10\n")
    with pytest.raises(KamDataError, match='for another format pass date_format='):
        read(path)


@pytest.mark.parametrize("word", ["Итого", "Всего по документу", "итого:"])
def test_a_subtotal_line_marked_in_the_product_column_is_not_a_sale(tmp_path, word):
    """1C prints a document's subtotal on a line of its own, the word in the item column: loading it
    counted the document twice (2,689.00 instead of 1,444.50)."""
    path = write(tmp_path, "Дата;Контрагент;Номенклатура;Количество;Сумма\n"
                           "05.01.2025;ООО Ромашка;Трубы;2;1 234,50\n"
                           "08.01.2025;ООО Ромашка;Краны;4;10,00\n"
                           f"08.01.2025;ООО Ромашка;{word};6;1 244,50\n"
                           "06.01.2025;АО Гранит;Краны;1;200,00\n")
    df = read(path, columns=MAPPING)
    assert df["revenue"].sum() == pytest.approx(1234.5 + 10 + 200)
    # the report points at the column holding the word
    assert [(e.line, e.reason, e.column) for e in kamlib.load_report(df).excluded] == [(4, "totals_line", "product_group")]


def test_a_totals_line_with_the_word_in_the_date_column_is_a_totals_line(tmp_path):
    """A line-numbered export writes "Итого:" under the dates: it was "not a date", and its amount
    (the grand total) counted as 50 % of the amount excluded."""
    path = write(tmp_path, "№;Дата;Контрагент;Сумма\n1;05.01.2025;ООО Ромашка;1 000,00\n"
                           "2;06.01.2025;АО Гранит;500,00\n;Итого:;;1 500,00\n")
    report = kamlib.load_report(read(path, columns=MAPPING))
    assert [(e.line, e.reason, e.column) for e in report.excluded] == [(4, "totals_line", "date")]
    assert report.amount_loaded == 1500.0 and "excluded 0.00" in str(report)


def test_a_value_read_with_its_only_separator_as_thousands_is_named_in_the_report(tmp_path):
    """"12.500" in a column of decimal commas is read as 12,500 (the dot groups thousands, as in
    "1.234,50"): a reading that changes the value, so the load report names it, once, with the number
    read -- whether the column's evidence is "3,25" or "1.234,50"."""
    for evidence in ["3,25", "1.234,50"]:
        path = write(tmp_path, f"date;client_id;revenue\n2025-01-01;C1;12.500\n2025-01-02;C2;{evidence}\n"
                               "2025-01-03;C3;4,50\n")
        df = read(path)
        assert df["revenue"].tolist()[0] == 12500
        lines = [line for line in str(kamlib.load_report(df)).splitlines() if '"12.500"' in line]
        assert len(lines) == 1 and "12500" in lines[0] and "thousands" in lines[0] and "line 2" in lines[0]
    plain = read(write(tmp_path, "date;client_id;revenue\n2025-01-01;C1;1.234,50\n2025-01-02;C2;3,25\n"))
    assert "grouping" not in str(kamlib.load_report(plain))  # "1.234,50" shows both signs in one value


@pytest.mark.parametrize("header", ["date;client_id;revenue;Revenue", "Дата;Контрагент;Сумма;сумма"])
def test_two_headers_giving_one_column_are_refused_naming_both(tmp_path, header):
    """As the reader's docstring says: an exact match does not silently win over a case-only one."""
    path = write(tmp_path, header + "\n2025-01-05;C1;100;999\n")
    first, second = header.split(";")[2:]
    with pytest.raises(KamDataError, match=f'"{first}", "{second}"'):
        read(path, columns=MAPPING)


# --- a second adversarial pass, after the encoding rules were made stricter ---------------------------


@pytest.mark.parametrize(("client", "product", "encoding"), [
    ("ПАО МегаФон", "Связь", "cp1251"), ("ООО Сбер", "СберБизнес", "cp1251"),
    ("ООО ТрансСервисГрупп", "Товар", "koi8-r"),
])
def test_camel_case_russian_names_keep_their_cyrillic_page(tmp_path, client, product, encoding):
    """Names written in camel case ("МегаФон") are Russian words: a one-line file holding them was
    read as ISO-8859-5 or Hebrew cp1255, because such words did not count as Cyrillic."""
    path = tmp_path / "one.csv"
    path.write_bytes(f"date;client_id;product_group;revenue\n2025-01-01;{client};{product};100\n".encode(encoding))
    df = read(path)
    assert df["client_id"].tolist() == [client] and df["product_group"].tolist() == [product]


def test_utf8_lines_in_other_cyrillic_alphabets_stay_utf8(tmp_path):
    """Kazakh "қ", "ұ" and the Ukrainian apostrophe "ʼ" are text: such UTF-8 lines were excluded as
    undecodable (in a file mixing UTF-8 and cp1251) or garbled (with encoding="cp1251")."""
    path = tmp_path / "kz.csv"
    path.write_bytes("Дата;Контрагент;Номенклатура;Сумма\n01.01.2025;ТОО Ақжол;Күріш;100,00\n".encode()
                     + "02.01.2025;ИП Петров;Гвозди;200,00\n".encode("cp1251"))
    assert read(path, columns=MAPPING)["client_id"].tolist() == ["ТОО Ақжол", "ИП Петров"]
    path = write(tmp_path, "Дата;Контрагент;Номенклатура;Сумма\n01.01.2025;ООО Ромашка;Трубы;100,00\n"
                           "02.01.2025;ТОВ Мʼясо;Мʼясо;200,00\n")
    assert read(path, columns=MAPPING, encoding="cp1251")["client_id"].tolist() == ["ООО Ромашка", "ТОВ Мʼясо"]


@pytest.mark.parametrize("space", ["\u00a0\u00a0", "\u202f", "\u3000", "\ufeff", "\u200b"])
@pytest.mark.parametrize("column", ["client", "product"])
def test_a_totals_word_after_a_no_break_or_invisible_space_is_a_totals_line(tmp_path, space, column):
    """1C pads some cells with no-break spaces: "  Итого" was loaded as a sale (the amount twice)."""
    client, product = (space + "Итого", "Трубы") if column == "client" else ("ООО Ромашка", space + "Итого")
    path = write(tmp_path, "Документ;Дата;Контрагент;Номенклатура;Количество;Сумма\n"
                           "РН-1;05.01.2025;ООО Ромашка;Трубы;2;1 000,00\n"
                           f"РН-1;05.01.2025;{client};{product};2;1 000,00\n")
    mapping = {**MAPPING, "Документ": "order_id"}
    df = read(path, columns=mapping)
    assert df["revenue"].sum() == 1000 and [e.reason for e in kamlib.load_report(df).excluded] == ["totals_line"]


def test_a_product_named_like_a_subtotal_is_kept(tmp_path):
    """In the item column only a subtotal's own wording counts: "Всего понемногу" is a cake."""
    path = write(tmp_path, "Дата;Контрагент;Номенклатура;Количество;Сумма\n05.01.2025;ООО Ромашка;Трубы;2;1 000,00\n"
                           "05.01.2025;АО Гранит;Всего понемногу;1;500,00\n05.01.2025;АО Гранит;Всего по документу;1;500,00\n")
    df = read(path, columns=MAPPING)
    assert df["product_group"].tolist() == ["Трубы", "Всего понемногу"]


@pytest.mark.parametrize("value", ["0,250", "-0,500", "012,500"])
def test_a_leading_zero_never_starts_a_group_of_thousands(tmp_path, value):
    """"0,250" beside "300.25" was read as 250 (the comma taken for a thousands separator): a
    leading zero shows a decimal comma, so the two conventions clash and one value is excluded,
    reported."""
    path = write(tmp_path, f"date;client_id;revenue\n2025-01-01;C1;{value}\n2025-01-02;C2;300.25\n")
    df = read(path)
    assert 250 not in df["revenue"].abs().tolist() and 500 not in df["revenue"].abs().tolist()
    assert len(df) + len(kamlib.load_report(df).excluded) == 2 and kamlib.load_report(df).excluded


def test_an_undecodable_line_is_not_also_counted_as_a_blank_line(tmp_path):
    path = tmp_path / "stray.csv"
    path.write_bytes("date;client_id;revenue\n2025-01-05;Ромашка;10\n".encode() + b"2025-01-06;\xd0\xa0\xff;20\n"
                     + "2025-01-07;Лето;30\n".encode())
    report = str(kamlib.load_report(read(path)))
    assert "undecodable bytes: 1 (line 3)" in report and "blank lines" not in report
    path.write_bytes(path.read_bytes().replace(b"10\n", b"10\n\n"))  # and one real blank line: counted alone
    assert "blank lines skipped: 1" in str(kamlib.load_report(read(path)))


def test_two_exports_with_byte_order_marks_pasted_together(tmp_path):
    """`cat a.csv b.csv`: the second file's mark sits before its header (a repeated header, not a
    bad date) or before its first data line (an invisible mark, not part of the date)."""
    export = "\ufeffdate;client_id;revenue\n2025-01-05;C1;10\n2025-01-06;C2;20\n"
    path = tmp_path / "both.csv"
    path.write_text(export + export, encoding="utf-8")
    df = read(path)
    assert len(df) == 4 and [(e.line, e.reason) for e in kamlib.load_report(df).excluded] == [(4, "repeated_header")]
    path.write_text(export + "\ufeff2025-01-07;C3;30\n", encoding="utf-8")
    df = read(path)
    assert df["date"].dt.day.tolist() == [5, 6, 7] and not kamlib.load_report(df).excluded

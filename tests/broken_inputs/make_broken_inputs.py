"""Write the deliberately broken (and awkward-but-valid) input files of tests/broken_inputs/.

Each file is small and made byte for byte the same on every run (the .xlsx too: its zip
entries get a fixed timestamp), so tests/data/test_readers.py can check that the committed
files are exactly what this script writes. Regenerate after a change with::

    .venv/bin/python tests/broken_inputs/make_broken_inputs.py

Every file is described in FILES (written out as README.md): what is wrong with it and what
the readers must do -- refuse it with a clear KamDataError, or load it with exactly the
listed lines excluded.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
NBSP = "\u00a0"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


# name -> (what it is, what the readers must do, content: bytes or a function returning bytes)
FILES: dict[str, tuple[str, str, object]] = {}


def _file(name: str, what: str, expect: str, content: object) -> None:
    FILES[name] = (what, expect, content)


_file(
    "missing_column.csv",
    "orders whose revenue header is misspelt `revenu`",
    'KamDataError naming the file and column "revenue", listing the headers, suggesting `revenu`',
    _csv(
        "order_id,date,client_id,revenu",
        "1,2024-01-05,C001,100",
        "2,2024-01-06,C002,200",
    ),
)
_file(
    "wrong_types.csv",
    "orders with a letter O in an amount, 31 February, an empty amount and the word `yesterday` as a date",
    "loads lines 2, 4, 8; excludes line 3 (not a number), 5 and 7 (not a date), 6 (missing revenue)",
    _csv(
        "order_id,date,client_id,revenue",
        "1,2024-01-05,C001,100.50",
        "2,2024-01-06,C002,12O.5",
        "3,2024-01-07,C003,300",
        "4,31.02.2024,C004,400",
        "5,2024-01-09,C005,",
        "6,yesterday,C006,600",
        "7,2024-01-11,C007,700",
    ),
)
_file("empty.csv", "a file of zero bytes", "KamDataError: the file is empty", b"")
_file(
    "header_only.csv",
    "the header line and nothing else",
    "KamDataError: a header on line 1 but no data rows",
    _csv("order_id,date,client_id,revenue"),
)
_file(
    "cp1251_semicolon.csv",
    "an accounting-system export: cp1251, `;`, Cyrillic headers, decimal commas with space and"
    " no-break-space thousands separators, dd.mm.yyyy dates, ids with leading zeros, a return",
    "loads all 4 rows with cp1251_columns.toml (or the same mapping as a dict)",
    (
        "\n".join(
            [
                "Номер;Дата;Контрагент;Товарная группа;Кол-во;Сумма;Себестоимость",
                "А-0001;05.01.2024;007;Напитки;10;1 234,56;1 000,00",
                "А-0002;06.01.2024;007;Напитки;-2;-246,90;-200,00",
                "А-0003;07.01.2024;012;Снеки;5;99,9;70",
                f"А-0004;08.01.2024;0120;Снеки;1{NBSP}000;12{NBSP}345{NBSP}678,90;10{NBSP}000{NBSP}000",
            ]
        )
        + "\n"
    ).encode("cp1251"),
)
_file(
    "cp1251_columns.toml",
    "the column mapping (and reading options) for cp1251_semicolon.csv",
    "used as columns= of read_orders",
    """# Column mapping for cp1251_semicolon.csv: your header = canonical column
[columns]
"Номер" = "order_id"
"Дата" = "date"
"Контрагент" = "client_id"
"Товарная группа" = "product_group"
"Кол-во" = "quantity"
"Сумма" = "revenue"
"Себестоимость" = "cost"

[columns.clients]
"Наименование" = "name"

[options]
delimiter = ";"
encoding = "cp1251"
decimal = ","
date_format = "%d.%m.%Y"
""".encode("utf-8"),
)


def _xlsx() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Продажи"
    sheet["A1"] = "Sales export — ООО Ромашка"
    sheet["A2"] = "Period: January 2024"
    sheet.append([])  # row 3 blank
    sheet.append(["order_id", "date", "client_id", "revenue", "comment"])  # row 4: the header
    sheet.append(["A1", dt.datetime(2024, 1, 5), "007", 100.5, None])  # row 5
    sheet.append(["A2", "06.01.2024", 12, "1 234,50", "typed by hand"])  # row 6
    sheet.append(["A3", dt.datetime(2024, 1, 7, 15, 30), "C3", -50, "return"])  # row 7
    sheet.append([])  # row 8 blank
    sheet.append(["A4", "not yet", "C4", 10, None])  # row 9
    notes = book.create_sheet("Notes")
    notes["A1"] = "Exported by hand."
    buffer = io.BytesIO()
    book.save(buffer)
    # re-zip with a fixed timestamp on every entry, so the bytes do not depend on the day
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 31, 12, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the time of saving here
                data = re.sub(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", b"2024-01-31T12:00:00Z", data)
            dst.writestr(entry, data)
    return fixed.getvalue()


_file(
    "header_offset.xlsx",
    "an Excel export with two title rows and a blank row above the header (row 4), a text date,"
    " an amount typed as text with a decimal comma, a number as client id, a blank row, a bad date;"
    " a second sheet Notes",
    "loads rows 5, 6, 7; skips blank row 8; excludes row 9 (not a date)",
    _xlsx,
)
_file(
    "duplicated_ids.csv",
    "orders where A1 appears three times and A2 twice",
    "loads lines 2, 3, 5 (the first A1, A2 and A3); excludes lines 4, 6, 7 (duplicate id)",
    _csv(
        "order_id,date,client_id,revenue",
        "A1,2024-01-05,C1,100",
        "A2,2024-01-05,C1,200",
        "A1,2024-01-06,C2,300",
        "A3,2024-01-06,C2,400",
        "A2,2024-01-07,C3,500",
        "A1,2024-01-08,C3,600",
    ),
)
_file(
    "tab_separated.tsv",
    "tab-separated, with commas and semicolons inside values and a thousands comma",
    "loads both rows: revenue 1234.5 and 99.9",
    _csv(
        "order_id\tdate\tclient_id\tproduct_group\trevenue",
        "1\t2024-01-05\t001\tTea, black\t1,234.50",
        "2\t2024-01-06 09:30\t002\tCoffee; ground\t99.90",
    ),
)
_file(
    "utf8_bom.csv",
    "UTF-8 with a byte-order mark (as Excel saves `CSV UTF-8`), Cyrillic values",
    "loads both rows; the first column is order_id (no BOM in its name)",
    b"\xef\xbb\xbf"
    + _csv(
        "order_id,date,client_id,product_group,revenue",
        "1,2024-01-05,C1,Чай,10.5",
        "2,2024-01-06,C2,Кофе,20",
    ),
)
_file(
    "negative_returns.csv",
    "orders with returns as negative quantity, revenue and cost",
    "loads all 4 rows; negative lines stay (they are returns)",
    _csv(
        "order_id,date,client_id,quantity,revenue,cost",
        "1,2024-01-05,C1,10,1000,700",
        "2,2024-01-20,C1,-2,-200,-140",
        "3,2024-02-01,C2,5,500,350",
        "4,2024-02-03,C2,-1,-100,-70",
    ),
)
_file(
    "too_many_fields.csv",
    "`;`-separated orders where a product group holds an unquoted `;`",
    "loads lines 2 and 4; excludes line 3 (more fields than the header)",
    _csv(
        "order_id;date;client_id;product_group;revenue",
        "1;05.01.2024;C1;Tea;10,5",
        "2;06.01.2024;C2;Tea; green;20,0",
        "3;07.01.2024;C3;Coffee;30",
    ),
)
_file(
    "all_bad.csv",
    "orders whose every date is unreadable",
    "KamDataError: none of the 2 rows can be used (lines 2, 3)",
    _csv(
        "order_id,date,client_id,revenue",
        "1,01/02/2024,C1,10",
        "2,2024.01.03,C2,20",
    ),
)
_file(
    "nps_scores.csv",
    "NPS answers with a score of 11, a score of 7.5 and an empty score",
    "loads lines 2 and 6; excludes 3 (out of range), 4 (not a whole number), 5 (missing value)",
    _csv(
        "response_id,client_id,wave,score,reason",
        "r1,C1,2024Q1,9,fast delivery",
        "r2,C1,2024Q1,11,",
        "r3,C2,2024Q1,7.5,",
        "r4,C2,2024Q1,,no answer",
        "r5,C3,2024Q2,0,late again",
    ),
)
_file(
    "clients_flags.csv",
    "clients with yes/no columns written as да/нет/yes/TRUE, one `maybe` and one empty",
    "loads lines 2, 3, 5 (empty = unknown); excludes line 4 (not yes/no)",
    _csv(
        "client_id,name,client_type,is_reference,is_demanding",
        "C1,Alfa,wholesale,да,нет",
        "C2,Beta,HoReCa,yes,TRUE",
        "C3,Gamma,single shop,maybe,no",
        "C4,Delta,federal chain,,0",
    ),
)


def _readme() -> bytes:
    lines = [
        "# Broken inputs",
        "",
        "Small files the readers must refuse clearly or load with exactly the right rows excluded.",
        "Generated by `make_broken_inputs.py` (do not edit by hand; re-run it); tested by",
        "`tests/data/test_readers.py`. Lines are counted as in the file: the header is line 1.",
        "",
        "| file | what is in it | what the readers do |",
        "|---|---|---|",
    ]
    lines += [f"| `{name}` | {what} | {expect} |" for name, (what, expect, _) in FILES.items()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def contents() -> dict[str, bytes]:
    """Every file's name and bytes (README.md included)."""
    out = {name: (content() if callable(content) else content) for name, (_, _, content) in FILES.items()}
    out["README.md"] = _readme()
    return out


def write_all(folder: Path = HERE) -> list[Path]:
    """Write every file into ``folder``; return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in contents().items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for written in write_all(target):
        print(written)

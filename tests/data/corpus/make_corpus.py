"""Write the malformed-export corpus of tests/data/corpus/ and its manifest.json.

Every file here is what a real export looks like after something went wrong (or what an
awkward but valid export looks like). Each case is written from its *intent*: the rows the
file's author meant -- client, amount, and whether the line is a sale at all -- and the bytes
are rendered from that intent with one deliberate defect. The manifest's expectations are
computed from the same intent, never from what a reader returns:

- ``lines``: every data line of the file (1-based file line -> intended client and amount;
  an amount is ``null`` where the line holds no readable amount);
- ``excluded``: lines the reader must exclude and report (totals lines, placeholders,
  impossible dates, repeated headers, lines with more fields than the header, ...);
- ``lenient``: lines where two outcomes are both honest -- loaded as meant, or excluded and
  reported (a stray quote, a stray byte); never silently wrong;
- ``rows_loaded``, ``revenue_loaded``, ``n_clients``, ``revenue_by_client`` when every
  lenient line is loaded (the test recomputes them from ``lines`` for the lines it
  actually finds excluded);
- ``notes``: words the printed load report must contain (an interpretation that changed
  values: "decimal", "encoding", "header", ...);
- ``suspects``: groups of client ids that must be listed as suspected duplicates;
- ``placeholders``: placeholder ids that must be listed;
- ``error``: substrings the KamError message must contain when the file must be refused
  (always the file name; the option that would help, such as ``decimal=``);
- ``accept_error``: for a genuinely ambiguous file, the refusal that is as good as the right
  load (the message must contain these substrings).

Run ``.venv/bin/python tests/data/corpus/make_corpus.py`` to rewrite the files (the output is
byte for byte the same on every run; tests/data/test_corpus.py checks that).
"""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
NBSP = "\u00a0"
ZWSP = "\u200b"

# the README's own mapping of a 1C sales export
M1C = {"Контрагент": "client_id", "Дата": "date", "Сумма": "revenue"}
M1C_FULL = {**M1C, "Номенклатура": "product_group", "Количество": "quantity"}


# ----------------------------------------------------------------------------------------------
# number and date formats (what an export writes for an intended value)
# ----------------------------------------------------------------------------------------------


def _groups(whole: int, sep: str) -> str:
    s = str(abs(whole))
    parts = []
    while len(s) > 3:
        parts.insert(0, s[-3:])
        s = s[:-3]
    parts.insert(0, s)
    return ("-" if whole < 0 else "") + sep.join(parts)


def _split(x: float) -> tuple[int, str]:
    cents = round(abs(x) * 100)
    whole, frac = divmod(cents, 100)
    return (-whole if x < 0 else whole), f"{frac:02d}"


def dot(x: float) -> str:  # 1234.50
    return f"{x:.2f}"


def comma(x: float) -> str:  # 1234,50
    return f"{x:.2f}".replace(".", ",")


def ru(x: float) -> str:  # 1 234,50 with no-break spaces, as 1C writes
    whole, frac = _split(x)
    sign = "-" if x < 0 and whole == 0 else ""
    return sign + _groups(whole, NBSP) + "," + frac


def de(x: float) -> str:  # 1.234,50
    whole, frac = _split(x)
    return _groups(whole, ".") + "," + frac


def us(x: float) -> str:  # 1,234.50
    whole, frac = _split(x)
    return _groups(whole, ",") + "." + frac


def iso(d: dt.date) -> str:
    return d.isoformat()


def dotted(d: dt.date) -> str:
    return d.strftime("%d.%m.%Y")


# ----------------------------------------------------------------------------------------------
# intent of one line
# ----------------------------------------------------------------------------------------------


@dataclass
class R:
    """One line of a file, described by what its author meant.

    status: "ok" (a sale, must load), "excluded" (must be excluded and reported),
    "either" (loaded as meant or excluded and reported), "blank" (an empty line, not a row),
    "text" (a line that is not a row: title, header).
    """

    client: str | None = None
    date: dt.date | None = None
    amount: float | None = None
    status: str = "ok"
    doc: str | None = None
    cost: float | None = None
    qty: float | None = None
    product: str | None = None
    cells: dict | None = None  # field -> text written instead of the formatted value
    line: str | None = None  # the whole line as written (overrides every cell)
    xl: dict | None = None  # Excel: field -> cell value written instead
    sale: bool = True  # False for a totals line or a repeated header: its amount is not revenue
    reason: object = None  # for an excluded line: a word its stated reason must contain (a list: any of them)


START = dt.date(2025, 1, 6)


def bulk(n: int, clients: list[str], seed: int, *, start: dt.date = START, days: int = 170, doc_every: int = 1) -> list[R]:
    """``n`` plausible sale lines: dates spread over ``days`` from ``start``, amounts with cents."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        d = start + dt.timedelta(days=rng.randrange(days))
        cents = rng.randrange(5_00, 250_000_00) if rng.random() < 0.3 else rng.randrange(1_00, 9_999_00)
        rows.append(
            R(
                client=rng.choice(clients),
                date=d,
                amount=cents / 100,
                doc=f"ТН-{1000 + i // doc_every:05d}",
                qty=float(rng.randrange(1, 40)),
                product=rng.choice(["Напитки", "Снеки", "Бакалея", "Молочная продукция"]),
            )
        )
    rows.sort(key=lambda r: (r.date, r.doc))
    return rows


CLIENTS_RU = ["ООО Ромашка", "ИП Петров А.В.", "ЗАО Вектор", "ООО \"Север\"", "АО Гранит", "ООО Лето"]
CLIENTS_ID = ["C001", "C002", "C003", "C004", "C005", "C006", "C007"]


# ----------------------------------------------------------------------------------------------
# cases
# ----------------------------------------------------------------------------------------------

CASES: list[dict] = []


@dataclass
class Layout:
    cols: list[tuple[str, str]]  # (header as written, field)
    delim: str = ";"
    num: object = ru
    date: object = dotted
    quote: str = ""  # quote every cell with this character


def _cell(r: R, fld: str, lay: Layout) -> str:
    if r.cells and fld in r.cells:
        return r.cells[fld]
    value = {"client": r.client, "date": r.date, "amount": r.amount, "doc": r.doc, "cost": r.cost,
             "qty": r.qty, "product": r.product}.get(fld)
    if value is None:
        return ""
    if fld == "date":
        return lay.date(value)
    if fld in ("amount", "cost"):
        return lay.num(value)
    if fld == "qty":
        return str(int(value)) if float(value).is_integer() else lay.num(value)
    return str(value)


def _quoted(text: str, q: str) -> str:
    return q + text.replace(q, q + q) + q if q else text


def render_lines(pre: list[str], lay: Layout, rows: list[R]) -> list[str]:
    q = lay.quote
    out = list(pre)
    out.append(lay.delim.join(_quoted(h, q) for h, _ in lay.cols))
    for r in rows:
        if r.line is not None:
            out.append(r.line)
        else:
            out.append(lay.delim.join(_quoted(_cell(r, f, lay), q) for _, f in lay.cols))
    return out


def expectations(pre: list[str], rows: list[R], first_row_line: int | None = None) -> dict:
    """Line numbers and expected figures from the intent of the rows."""
    line = first_row_line if first_row_line is not None else len(pre) + 2  # header is len(pre)+1
    lines: dict[str, dict] = {}
    excluded, lenient = [], []
    reasons: dict[str, object] = {}
    for r in rows:
        span = 1 + (r.line.count("\n") if r.line is not None else 0)
        if r.status not in ("blank", "text"):
            lines[str(line)] = {"client": r.client, "amount": r.amount, "sale": r.sale}
            if r.status == "excluded":
                excluded.append(line)
                if r.reason:
                    reasons[str(line)] = r.reason
            elif r.status == "either":
                lenient.append(line)
        line += span
    loaded = {k: v for k, v in lines.items() if int(k) not in excluded}
    by_client: dict[str, float] = {}
    for v in loaded.values():
        if v["client"] is not None and v["amount"] is not None:
            by_client[v["client"]] = round(by_client.get(v["client"], 0.0) + v["amount"], 2)
    ex_amounts = [lines[str(k)]["amount"] for k in excluded if lines[str(k)]["sale"]]
    return {
        "lines": lines,
        "excluded": excluded,
        "reasons": reasons,
        "lenient": lenient,
        "rows_loaded": len(loaded),
        "revenue_loaded": round(sum(v["amount"] or 0.0 for v in loaded.values()), 2),
        "revenue_excluded": round(sum(a for a in ex_amounts if a is not None), 2),  # sale lines only
        "revenue_excluded_unknown": sum(a is None for a in ex_amounts),
        "n_clients": len({v["client"] for v in loaded.values() if v["client"] is not None}),
        "revenue_by_client": by_client,
    }


def add(name: str, what: str, content: bytes | None, *, kind: str = "orders", options: dict | None = None,
        expect: dict | None = None, error: list[str] | None = None, accept_error: list[str] | None = None,
        notes: list[str] = (), suspects: list[list[str]] = (), placeholders: list[str] = (),
        special: str | None = None, identity: bool = False, check_by_client: bool = True) -> None:
    assert not any(c["file"] == name for c in CASES), name
    entry = {"file": name, "what": what, "kind": kind, "options": options or {}}
    if special:
        entry["special"] = special
    if error is not None:
        entry["error"] = [name if s == "{file}" else s for s in error]
    else:
        entry.update(expect or {})
        entry["notes"] = list(notes)
        entry["suspects"] = [list(g) for g in suspects]
        entry["placeholders"] = list(placeholders)
        entry["identity"] = identity
        if identity:  # lines hold the ids as written; merging a group leaves one id of it
            entry["n_clients_raw"] = entry["n_clients"]
            entry["n_clients_merged"] = entry["n_clients"] - sum(len(g) - 1 for g in suspects)
        entry["check_by_client"] = check_by_client and not identity
        if accept_error:
            entry["accept_error"] = [name if s == "{file}" else s for s in accept_error]
    entry["_content"] = content
    CASES.append(entry)


def csv_case(name: str, what: str, lay: Layout, rows: list[R], *, pre: list[str] = (), eol: str = "\n",
             encoding: str = "utf-8", final_eol: bool = True, encode=None, **kw) -> None:
    pre = list(pre)
    text_lines = render_lines(pre, lay, rows)
    if encode is not None:
        data = encode(text_lines)
    else:
        data = (eol.join(text_lines) + (eol if final_eol else "")).encode(encoding)
    add(name, what, data, expect=expectations(pre, rows), **kw)


STD = Layout([("order_id", "doc"), ("date", "date"), ("client_id", "client"), ("revenue", "amount")],
             delim=",", num=dot, date=iso)
STD_NODOC = Layout([("date", "date"), ("client_id", "client"), ("revenue", "amount")], delim=",", num=dot, date=iso)
ONEC = Layout([("Документ", "doc"), ("Дата", "date"), ("Контрагент", "client"), ("Номенклатура", "product"),
               ("Количество", "qty"), ("Сумма", "amount")])
ONEC_SHORT = Layout([("Контрагент", "client"), ("Дата", "date"), ("Сумма", "amount")])
TITLE_1C = ["ООО \"Торговый дом\"", "Реализация товаров и услуг за период 01.01.2025 - 30.06.2025", ""]


def B(seed: int, n: int = 12, clients=CLIENTS_RU, **kw) -> list[R]:
    return bulk(n, list(clients), seed, **kw)


# --- document numbers and order_id ------------------------------------------------------------

rows = B(1, 18, doc_every=3)  # three lines per document
csv_case("doc_numbers_repeated.csv", "1C export, 3 lines per document number; Документ mapped to order_id",
         ONEC, rows, encoding="cp1251",
         options={"columns": {**M1C_FULL, "Документ": "order_id"}})
csv_case("doc_numbers_unmapped.csv", "1C export, document numbers repeated, Документ left unmapped",
         ONEC, B(2, 15, doc_every=5), encoding="cp1251", options={"columns": M1C_FULL})
csv_case("no_order_id_readme_mapping.csv", "the README's mapping: Контрагент, Дата, Сумма only",
         ONEC_SHORT, B(3, 10), encoding="cp1251", options={"columns": M1C})
csv_case("no_order_id_canonical.csv", "canonical English headers without order_id",
         STD_NODOC, B(4, 10, clients=CLIENTS_ID))
rows = B(5, 10, clients=CLIENTS_ID)
dups = [R(r.client, r.date, r.amount, doc=r.doc) for r in rows[:4]]
csv_case("double_export_lines.csv", "the first 4 lines exported twice (identical in every column), kept by default",
         STD, rows + dups, notes=["duplicate"])
rows = B(5, 10, clients=CLIENTS_ID)
dups = [R(r.client, r.date, r.amount, doc=r.doc, status="excluded", sale=False, reason="double") for r in rows[:4]]
csv_case("double_export_lines_drop.csv", "the same file read with duplicates='drop': the 4 copies excluded (not lost)",
         STD, rows + dups, options={"duplicates": "drop"}, notes=["duplicate"])
rows = B(6, 6, clients=CLIENTS_ID)
header = "order_id,date,client_id,revenue"
csv_case("double_export_whole_file.csv", "two exports concatenated: the header appears again on line 8",
         STD, rows + [R(line=header, status="excluded", sale=False, reason="header")] + [R(r.client, r.date, r.amount, doc=r.doc) for r in rows],
         notes=["duplicate"])

# --- thousands vs decimals ---------------------------------------------------------------------

lay = Layout([("order_id", "doc"), ("date", "date"), ("client_id", "client"), ("revenue", "amount")],
             delim=",", num=lambda x: '"' + us(x) + '"', date=iso)
rows = [R("C001", dt.date(2025, 1, 9), 1234.0, doc="1", cells={"amount": '"1,234"'}),
        R("C002", dt.date(2025, 1, 10), 12500.0, doc="2", cells={"amount": '"12,500"'}),
        R("C003", dt.date(2025, 1, 11), 1234567.0, doc="3", cells={"amount": '"1,234,567"'}),
        R("C001", dt.date(2025, 1, 12), 980.0, doc="4", cells={"amount": "980"}),
        R("C002", dt.date(2025, 1, 13), 2750.0, doc="5", cells={"amount": '"2,750"'})]
csv_case("thousands_comma_evidence.csv", 'quoted "1,234","12,500" with "1,234,567" in the same column: commas are thousands',
         lay, rows, notes=["thousands"])
rows = [R("C001", dt.date(2025, 1, 9), 1234.0, doc="1", cells={"amount": '"1,234"'}),
        R("C002", dt.date(2025, 1, 10), 12500.0, doc="2", cells={"amount": '"12,500"'}),
        R("C003", dt.date(2025, 1, 11), 3750.0, doc="3", cells={"amount": '"3,750"'})]
text = render_lines([], lay, rows)
data = ("\n".join(text) + "\n").encode()
add("thousands_comma_ambiguous.csv", 'every amount is d{1,3},ddd ("1,234","12,500","3,750"): cannot tell', data,
    error=["{file}", "revenue", "line", "decimal=", "thousands="])
add("thousands_comma_ambiguous_with_option.csv", "the ambiguous file with thousands=',' given", data,
    options={"thousands": ","}, expect=expectations([], rows), notes=[])
add("thousands_comma_ambiguous_decimal_option.csv", "the ambiguous file with decimal='.' given: commas are then thousands",
    data, options={"decimal": "."}, expect=expectations([], rows), notes=[])

lay = Layout([("Документ", "doc"), ("Дата", "date"), ("Контрагент", "client"), ("Сумма", "amount"), ("Себестоимость", "cost")])
rows = [R("ООО Ромашка", dt.date(2025, 2, 3), 1000.0, doc="1", cost=800.5, cells={"amount": "1.000"}),
        R("ЗАО Вектор", dt.date(2025, 2, 4), 2500.0, doc="2", cost=1999.99, cells={"amount": "2.500"}),
        R("ООО Ромашка", dt.date(2025, 2, 5), 12000.0, doc="3", cost=9876.5, cells={"amount": "12.000"}),
        R("АО Гранит", dt.date(2025, 2, 6), 500.0, doc="4", cost=420.0, cells={"amount": "500"})]
csv_case("thousands_dot_evidence.csv", "Сумма 1.000;2.500;12.000;500 while Себестоимость has decimal commas (1.234,56): dots are thousands",
         Layout(lay.cols, num=de), rows, encoding="cp1251",
         options={"columns": {**M1C, "Себестоимость": "cost"}}, notes=["thousands"])
lay2 = Layout([("Документ", "doc"), ("Дата", "date"), ("Контрагент", "client"), ("Сумма", "amount")])
rows2 = [R(r.client, r.date, r.amount, doc=r.doc, cells=r.cells) for r in rows]
text = render_lines([], lay2, rows2)
data = ("\n".join(text) + "\n").encode("cp1251")
add("thousands_dot_ambiguous.csv", "1.000;2.500;12.000;500 with no other evidence: refused", data,
    options={"columns": M1C}, error=["{file}", ["Сумма", "revenue"], "line", "decimal=", "thousands="])
add("thousands_dot_with_option.csv", "the same with thousands='.' given", data,
    options={"columns": M1C, "thousands": "."}, expect=expectations([], rows2))
csv_case("decimal_comma_semicolon.csv", "1234,50 decimal commas in a ; file (no thousands separators)",
         Layout(ONEC_SHORT.cols, num=comma), B(7, 10), encoding="cp1251", options={"columns": M1C}, notes=["decimal"])
csv_case("nbsp_thousands.csv", "1 234 567,89 with no-break-space thousands and decimal commas",
         ONEC, B(8, 10), encoding="cp1251", options={"columns": M1C_FULL}, notes=["decimal"])
csv_case("dot_thousands_comma_decimal.csv", "1.234.567,89 amounts (German style)",
         Layout(ONEC.cols, num=de), B(9, 10), encoding="cp1251", options={"columns": M1C_FULL}, notes=["decimal"])
csv_case("us_quoted_thousands.csv", '"1,234.56" quoted amounts with thousands commas in a comma file',
         Layout(STD.cols, delim=",", num=lambda x: '"' + us(x) + '"', date=iso), B(10, 10, clients=CLIENTS_ID))
rows = B(11, 8, clients=CLIENTS_ID)
for r in rows:
    r.cost = round(r.amount * 0.7, 2)
bad = R("C003", dt.date(2025, 3, 3), None, status="excluded", doc="X9", reason="field",
        line="X9,2025-03-03,C003,1234,50,800.00")
lay = Layout(STD.cols + [("cost", "cost")], delim=",", num=dot, date=iso)
csv_case("unquoted_decimal_comma_in_comma_file.csv", "one line writes 1234,50 unquoted in a comma file: 6 fields for 5",
         lay, rows[:4] + [bad] + rows[4:])

# --- quotes ------------------------------------------------------------------------------------

rows = B(12, 6, clients=CLIENTS_ID)
stray = rows[2]
stray.status = "either"
stray.cells = {"client": '"' + stray.client}
csv_case("stray_opening_quote.csv", "a client id typed with an opening quote and no closing one (6 data lines)",
         Layout(ONEC_SHORT.cols, num=comma), rows, options={"columns": M1C})
rows = B(13, 6, clients=CLIENTS_ID)
rows[-1].status = "either"
rows[-1].cells = {"client": '"' + rows[-1].client}
csv_case("unbalanced_quote_last_line.csv", "an opening quote on the last line runs to the end of the file",
         Layout(ONEC_SHORT.cols, num=comma), rows, options={"columns": M1C})
rows = B(14, 8, clients=CLIENTS_ID)
rows[3].status = "either"
rows[3].cells = {"client": rows[3].client + '"'}
rows[5].status = "either"
rows[5].cells = {"client": '"' + rows[5].client}
csv_case("two_stray_quotes.csv", "two stray quotes on lines 5 and 7 (a closing one, then an opening one)",
         Layout(STD.cols, delim=",", num=dot, date=iso), rows)
rows = [R('ООО "Ромашка"; филиал', dt.date(2025, 1, 14), 1500.0, cells={"client": '"ООО ""Ромашка""; филиал"'}),
        R("ЗАО Вектор", dt.date(2025, 1, 15), 250.5),
        R('ООО "Ромашка"; филиал', dt.date(2025, 1, 16), 99.9, cells={"client": '"ООО ""Ромашка""; филиал"'})]
csv_case("quoted_delimiter_and_quotes.csv", 'properly quoted client "ООО ""Ромашка""; филиал" (delimiter and quotes inside)',
         Layout(ONEC_SHORT.cols, num=comma), rows, options={"columns": M1C})
rows = B(15, 6, clients=CLIENTS_ID)
rows[1].line = f'{rows[1].doc},{iso(rows[1].date)},{rows[1].client},{dot(rows[1].amount)},"Напитки,\nакция"'
bad = R("C002", None, 77.0, status="excluded", line="Z1,31.02.2025,C002,77.00,Снеки", reason="date")
lay = Layout(STD.cols + [("product_group", "product")], delim=",", num=dot, date=iso)
for r in rows:
    r.product = "Снеки"
csv_case("quoted_newline_then_bad_date.csv", "a product name with a quoted line break on line 3-4, then 31.02.2025 on line 6",
         lay, rows[:3] + [bad] + rows[3:])

# --- implausible dates -------------------------------------------------------------------------


def with_bad_date(seed: int, text: str, name: str, what: str, at: int = 15, **kw) -> None:
    rows = B(seed, 24, clients=CLIENTS_ID)
    bad = R("C004", None, 4321.0, status="excluded", doc="BAD", cells={"date": text}, reason="date")
    rows.insert(at, bad)
    csv_case(name, what, STD, rows, notes=["date"], **kw)


with_bad_date(20, "2205-03-01", "date_year_2205.csv", "one line typed as year 2205 among 2025 dates")
with_bad_date(21, "0001-01-01", "date_year_0001.csv", "one line dated 0001-01-01")
with_bad_date(22, "9999-12-31", "date_year_9999.csv", "one line dated 9999-12-31")
with_bad_date(23, "2025-03-05 99:99", "date_time_99_99.csv", "a time of 99:99")
with_bad_date(24, "2029-06-15", "date_future.csv", "one line 4 years after the rest (in the future of the run)")
with_bad_date(25, "2025-02-30", "date_feb_30.csv", "30 February")
with_bad_date(26, "2025-13-01", "date_month_13.csv", "month 13")
with_bad_date(27, "1899-12-30", "date_excel_epoch.csv", "1899-12-30 (an empty Excel date cell)")
with_bad_date(31, "1970-01-01", "date_unix_epoch.csv", "1970-01-01 (a zero timestamp) among 2025 dates")
with_bad_date(32, "2205-03-01", "date_year_2205_first_line.csv", "the 2205 line is the first data line", at=0)
with_bad_date(33, "2205-03-01", "date_year_2205_last_line.csv", "the 2205 line is the last data line", at=24)
with_bad_date(34, "2025-00-10", "date_month_00.csv", "month 00")
rows = B(28, 6, clients=CLIENTS_ID)
csv_case("dates_slash_ambiguous.csv", "every date written dd/mm/yyyy (01/02/2025): cannot tell from mm/dd without date_format",
         Layout(STD.cols, delim=",", num=dot, date=lambda d: d.strftime("%d/%m/%Y")), rows,
         accept_error=["{file}", "date_format="], error=None)
# the same file read with the format given must load exactly
data = ("\n".join(render_lines([], Layout(STD.cols, delim=",", num=dot, date=lambda d: d.strftime("%d/%m/%Y")), rows)) + "\n").encode()
add("dates_slash_with_format.csv", "dd/mm/yyyy dates with date_format='%d/%m/%Y'", data,
    options={"date_format": "%d/%m/%Y"}, expect=expectations([], rows))
rows = B(29, 10, clients=CLIENTS_ID)
for i, r in enumerate(rows):
    if i % 2:
        r.cells = {"date": dotted(r.date)}
csv_case("dates_iso_and_dotted.csv", "ISO and dd.mm.yyyy dates mixed in one column", STD, rows)
rows = B(30, 10, clients=CLIENTS_ID)
for r in rows:
    r.cells = {"date": iso(r.date) + " 14:05:00"}
csv_case("dates_with_time.csv", "dates with a time of day (dropping it changes the values: must be noted)", STD, rows,
         notes=["time"])

# --- encodings ---------------------------------------------------------------------------------

rows = B(40, 12)


def mixed_cp1251_utf8(lines: list[str]) -> bytes:
    head = lines[:7]
    tail = lines[7:]
    return ("\n".join(head) + "\n").encode("cp1251") + ("\n".join(tail) + "\n").encode("utf-8")


csv_case("mixed_cp1251_then_utf8.csv", "lines 1-7 in cp1251, lines 8-13 in UTF-8 (two exports pasted together)",
         ONEC, rows, encode=mixed_cp1251_utf8, options={"columns": M1C_FULL}, notes=["encoding"],
         accept_error=["{file}", "encoding="])
rows = B(41, 12)
rows[5].status = "either"


def one_stray_byte(lines: list[str]) -> bytes:
    out = []
    for i, line in enumerate(lines):
        b = line.encode("utf-8")
        if i == 6:  # file line 7 (rows[5]): a cp1251 'я' pasted into the product name
            b = b.replace("Снеки".encode(), "Снеки".encode() + b"\xff").replace("Напитки".encode(), "Напитки".encode() + b"\xff").replace(
                "Бакалея".encode(), "Бакалея".encode() + b"\xff").replace("Молочная".encode(), "Молочная".encode() + b"\xff")
        out.append(b)
    return b"\n".join(out) + b"\n"


csv_case("utf8_one_stray_byte.csv", "UTF-8 file with one stray byte 0xFF in a product name on line 7",
         ONEC, rows, encode=one_stray_byte, options={"columns": M1C_FULL}, notes=["encoding"])
csv_case("koi8r.csv", "a KOI8-R export (Cyrillic headers and client names)", ONEC, B(42, 12), encoding="koi8_r",
         options={"columns": M1C_FULL}, notes=["koi8"], accept_error=["{file}", "encoding="])
csv_case("koi8r_with_option.csv", "a KOI8-R export read with encoding='koi8-r'", ONEC, B(43, 12), encoding="koi8_r",
         options={"columns": M1C_FULL, "encoding": "koi8-r"})
csv_case("cp1251_plain.csv", "a plain cp1251 1C export", ONEC, B(44, 12), encoding="cp1251",
         options={"columns": M1C_FULL}, notes=["cp1251"])
csv_case("utf16le_bom.csv", "UTF-16 LE with BOM, tab-separated (Excel 'Unicode text')",
         Layout(ONEC.cols, delim="\t"), B(45, 10), encoding="utf-16", options={"columns": M1C_FULL}, eol="\r\n",
         notes=["utf-16"])
csv_case("utf16be_bom.csv", "UTF-16 BE with BOM, semicolons", ONEC, B(46, 10),
         encode=lambda ls: codecs.BOM_UTF16_BE + ("\n".join(ls) + "\n").encode("utf-16-be"), options={"columns": M1C_FULL},
         notes=["utf-16"])
csv_case("utf8_bom.csv", "UTF-8 with BOM (Excel 'CSV UTF-8')", ONEC, B(47, 10), encoding="utf-8-sig",
         options={"columns": M1C_FULL})
rows = B(48, 8)
csv_case("utf8_bom_twice.csv", "two UTF-8-with-BOM exports concatenated: BOM and header again on line 6",
         ONEC, rows[:4] + [R(line="\ufeff" + ";".join(h for h, _ in ONEC.cols), status="excluded", sale=False, reason="header")] + rows[4:],
         encoding="utf-8-sig", options={"columns": M1C_FULL})
csv_case("utf8_no_bom_cyrillic.csv", "UTF-8 without BOM, Cyrillic", ONEC, B(49, 10), options={"columns": M1C_FULL})

# --- identity ----------------------------------------------------------------------------------


def identity_case(name: str, what: str, variants: list[str], seed: int, merge: bool = False) -> None:
    rng = random.Random(seed)
    rows = B(seed, 10, clients=["C002", "C003"])
    for i, v in enumerate(variants):
        rows.insert(rng.randrange(len(rows)), R(v, START + dt.timedelta(days=3 * i + 1), 100.0 * (i + 1), doc=f"ID-{i}"))
    csv_case(name, what, STD, rows, identity=True, suspects=[variants],
             options={"merge_identities": True} if merge else None)
    if merge:  # merged on request: one id for the whole group, and the report says so
        CASES[-1]["n_clients_raw"] = CASES[-1]["n_clients_merged"]
        CASES[-1]["merged_groups"] = [variants]
        CASES[-1]["notes"] = ["merged"]


identity_case("identity_case.csv", "C001 and c001", ["C001", "c001"], 50)
identity_case("identity_cyrillic_lookalike.csv", "C001 and С001 (Cyrillic С)", ["C001", "\u0421001"], 51)
identity_case("identity_zero_width.csv", "C001 and C001 followed by a zero-width space", ["C001", "C001" + ZWSP], 52)
identity_case("identity_fullwidth.csv", "C001 and fullwidth Ｃ００１", ["C001", "\uff23\uff10\uff10\uff11"], 53)
identity_case("identity_inner_spaces.csv", "ООО Ромашка vs ООО  Ромашка vs ООО<nbsp>Ромашка",
              ["ООО Ромашка", "ООО  Ромашка", "ООО" + NBSP + "Ромашка"], 54)
identity_case("identity_all_five.csv", "C001, c001, С001, C001+ZWSP, Ｃ００１: one client written five ways",
              ["C001", "c001", "\u0421001", "C001" + ZWSP, "\uff23\uff10\uff10\uff11"], 55)
identity_case("identity_all_five_merged.csv", "the five ways of writing C001 with merge_identities=True",
              ["C001", "c001", "\u0421001", "C001" + ZWSP, "\uff23\uff10\uff10\uff11"], 55, merge=True)
identity_case("identity_cyrillic_name_case.csv", "ООО Ромашка and ооо ромашка", ["ООО Ромашка", "ооо ромашка"], 56)
rows = B(57, 8, clients=["C002", "C003"])
rows.insert(2, R(" C001 ", dt.date(2025, 1, 20), 300.0, doc="SP-1"))
rows.insert(5, R("C001", dt.date(2025, 2, 20), 200.0, doc="SP-2"))
rows.insert(7, R("C001  ", dt.date(2025, 3, 20), 100.0, doc="SP-3"))
csv_case("identity_trailing_spaces.csv", "' C001 ', 'C001' and 'C001  '", STD, rows, identity=True,
         suspects=[["C001", " C001 ", "C001  "]])

# --- placeholders and totals -------------------------------------------------------------------


def placeholder_case(name: str, what: str, ph: str, seed: int, *, lay: Layout = ONEC_SHORT, cols=M1C) -> None:
    rows = B(seed, 12)
    why = ["placeholder", "missing"] if ph == "#N/A" else "placeholder"  # #N/A may be read as an empty cell
    rows.insert(4, R(ph, dt.date(2025, 2, 11), 98765.43, status="excluded", reason=why))
    rows.insert(9, R(ph, dt.date(2025, 3, 11), 12345.67, status="excluded", reason=why))
    csv_case(name, what, lay, rows, encoding="cp1251" if ph.isascii() is False else "utf-8",
             options={"columns": cols}, placeholders=[ph])


placeholder_case("placeholder_blank.csv", "'(blank)' as a client (pivot-table leftovers), the largest amounts", "(blank)", 60)
placeholder_case("placeholder_ne_ukazan.csv", "'<Не указан>' as a client", "<Не указан>", 61)
placeholder_case("placeholder_retail.csv", "'Розничный покупатель' (anonymous retail buyer)", "Розничный покупатель", 62)
placeholder_case("placeholder_name_error.csv", "'#NAME?' (an Excel formula error) as a client", "#NAME?", 63)
placeholder_case("placeholder_na_error.csv", "'#N/A' (an Excel lookup error) as a client", "#N/A", 64)
rows = B(65, 12)
total = round(sum(r.amount for r in rows), 2)
rows.append(R(None, dt.date(2025, 6, 30), total, status="excluded", sale=False, reason="total", cells={"client": "Итого"}))
csv_case("totals_line_with_date.csv", "a totals line 'Итого' with a date and the sum at the bottom", ONEC_SHORT, rows,
         encoding="cp1251", options={"columns": M1C})
rows = B(66, 12)
total = round(sum(r.amount for r in rows), 2)
rows.append(R(None, None, total, status="excluded", sale=False, reason="total", line=f"Итого;;;;;{ru(total)}"))
csv_case("totals_line_trailing.csv", "1C trailing 'Итого' line with the sum in the amount column only", ONEC, rows,
         encoding="cp1251", options={"columns": M1C_FULL})
rows = B(67, 10, clients=CLIENTS_ID)
total = round(sum(r.amount for r in rows), 2)
rows.append(R(None, None, None, status="blank", line=""))
rows.append(R(None, None, total, status="excluded", sale=False, reason="total", line=f",,Total,{dot(total)}"))
csv_case("totals_line_english.csv", "a blank line then ',,Total,<sum>'", STD, rows)
rows = B(68, 12)
sub = round(sum(r.amount for r in rows[:6]), 2)
rows.insert(6, R(None, dt.date(2025, 3, 31), sub, status="excluded", sale=False, reason="total", cells={"client": "Итого за I квартал"}))
csv_case("subtotal_lines.csv", "a subtotal line 'Итого за I квартал' in the middle", ONEC_SHORT, rows,
         encoding="cp1251", options={"columns": M1C})

# --- header, structure -------------------------------------------------------------------------

rows = B(70, 10)
csv_case("title_rows_1c.csv", "1C export: company, report title and a blank line above the header (header on line 4)",
         ONEC, rows, pre=TITLE_1C, encoding="cp1251", options={"columns": M1C_FULL}, notes=["header"])
rows = B(71, 10)
total = round(sum(r.amount for r in rows), 2)
rows.append(R(None, None, total, status="excluded", sale=False, reason="total", line=f"Итого;;;;;{ru(total)}"))
csv_case("title_rows_and_totals.csv", "title rows above, header on line 5, totals at the bottom",
         ONEC, rows, pre=TITLE_1C + ["Параметры: Организация = ООО \"Торговый дом\""], encoding="cp1251",
         options={"columns": M1C_FULL}, notes=["header"])
rows = B(72, 10)
csv_case("title_rows_header_row_given.csv", "title rows above with header_row=4 given", ONEC, rows, pre=TITLE_1C,
         encoding="cp1251", options={"columns": M1C_FULL, "header_row": 4})
rows = B(73, 10, clients=CLIENTS_ID)
rows.insert(5, R(line="order_id,date,client_id,revenue", status="excluded", sale=False, reason="header"))
csv_case("header_repeated_orders.csv", "the header line repeated on line 7 (page break of a printed export)", STD, rows)
cl_lay = Layout([("client_id", "client"), ("name", "name"), ("client_type", "type")], delim=",")


def client_rows(ids: list[str]) -> list[R]:
    return [R(c, cells={"name": f"Компания {c}", "type": "wholesale"}) for c in ids]


rows = client_rows(["C001", "C002", "C003", "C004"]) + [R(line="client_id,name,client_type", status="excluded", sale=False, reason="header")] + client_rows(["C005", "C006"])
csv_case("header_repeated_clients.csv", "clients file with its header repeated on line 6 (must not become a client 'client_id')",
         cl_lay, rows, kind="clients")
rows = client_rows(["C001", "C002", "C003"]) + [R("(blank)", status="excluded", cells={"name": "(blank)", "type": "wholesale"})]
csv_case("clients_placeholder.csv", "clients file with a '(blank)' client", cl_lay, rows, kind="clients", placeholders=["(blank)"])
rows = client_rows(["C001", "c001", "C002"])
csv_case("clients_case_variants.csv", "clients C001 and c001", cl_lay, rows, kind="clients", identity=True,
         suspects=[["C001", "c001"]])
add("empty.csv", "a file of zero bytes", b"", error=["{file}", "empty"])
add("header_only.csv", "the header and no data", b"order_id,date,client_id,revenue\n", error=["{file}"])
add("blank_lines_only.csv", "only blank lines and spaces", b"\n  \n\n\t\n", error=["{file}"])
add("title_only_1c.csv", "title rows of a 1C report and no table", "\n".join(TITLE_1C).encode("cp1251"),
    options={"columns": M1C}, error=["{file}", "header_row="])
add("wrong_columns.csv", "a file whose headers hold none of the mapped columns",
    b"a;b;c\n1;2;3\n4;5;6\n", options={"columns": M1C}, error=["{file}", "client_id"])
rows = B(74, 8)
for r in rows:
    r.cost = round(r.amount * 0.2, 2)
text = render_lines([], Layout(ONEC_SHORT.cols + [("Сумма", "cost")]), rows)
add("duplicate_header_names.csv", "two columns both headed 'Сумма' (amount and VAT): which one is revenue cannot be told",
    ("\n".join(text) + "\n").encode("cp1251"), options={"columns": M1C}, error=["{file}", ["Сумма", "revenue"]])

# --- delimiters and line ends -------------------------------------------------------------------

csv_case("tab_delimited.tsv", "tab-separated", Layout(ONEC.cols, delim="\t"), B(80, 10), options={"columns": M1C_FULL})
csv_case("pipe_delimited.csv", "pipe-separated", Layout(STD.cols, delim="|", num=dot, date=iso), B(81, 10, clients=CLIENTS_ID))
csv_case("crlf.csv", "Windows line ends", ONEC, B(82, 10), eol="\r\n", encoding="cp1251", options={"columns": M1C_FULL})
csv_case("cr_only.csv", "old Mac line ends (CR only)", ONEC, B(83, 10), eol="\r", encoding="cp1251", options={"columns": M1C_FULL})


def mixed_eol(lines: list[str]) -> bytes:
    return b"".join((line + ("\r\n" if i % 2 else "\n")).encode("cp1251") for i, line in enumerate(lines))


csv_case("mixed_line_ends.csv", "LF and CRLF alternating", ONEC, B(84, 10), encode=mixed_eol, options={"columns": M1C_FULL})
csv_case("no_final_newline.csv", "no line break after the last line", ONEC, B(85, 10), final_eol=False, encoding="cp1251",
         options={"columns": M1C_FULL})
rows = B(86, 10)
lay = Layout(ONEC.cols + [("", "none")])
csv_case("trailing_delimiter.csv", "every line ends with ';' (an empty last column)", lay, rows, encoding="cp1251",
         options={"columns": M1C_FULL})
rows = B(87, 10)
for r in rows[3:5]:
    r.status = "blank"
    r.line = ";;;;;"
csv_case("empty_delimiter_lines.csv", "two lines of empty fields ';;;;;' inside the data", ONEC, rows, encoding="cp1251",
         options={"columns": M1C_FULL})
rows = B(88, 10)
rows.insert(4, R(line="", status="blank"))
rows.insert(8, R(line="   ", status="blank"))
csv_case("blank_lines_inside.csv", "blank and whitespace-only lines between data lines", ONEC, rows, encoding="cp1251",
         options={"columns": M1C_FULL})
csv_case("quoted_everything.csv", "every cell quoted, semicolons", Layout(ONEC.cols, quote='"'), B(89, 10),
         encoding="cp1251", options={"columns": M1C_FULL})
csv_case("headers_with_spaces_and_case.csv", "headers ' Client_ID ', 'DATE ', 'Revenue'",
         Layout([(" Client_ID ", "client"), ("DATE ", "date"), ("Revenue", "amount")], delim=",", num=dot, date=iso),
         B(90, 10, clients=CLIENTS_ID))

# --- numbers ------------------------------------------------------------------------------------

rows = B(100, 10)
for r in rows[2:5]:
    r.amount = -r.amount
    r.qty = -r.qty
csv_case("negative_returns.csv", "three returns with negative amounts and quantities", ONEC, rows, encoding="cp1251",
         options={"columns": M1C_FULL})
rows = B(101, 8, clients=CLIENTS_ID)
rows[3].amount = -rows[3].amount
rows[3].cells = {"amount": "(" + dot(-rows[3].amount) + ")"}
rows[3].status = "either"
csv_case("negative_parentheses.csv", "a return written (123.45) accounting style", STD, rows)
rows = B(102, 8, clients=CLIENTS_ID)
rows[3].amount = -rows[3].amount
rows[3].cells = {"amount": dot(-rows[3].amount) + "-"}
rows[3].status = "either"
csv_case("negative_trailing_minus.csv", "a return written 123.45- (SAP style)", STD, rows)
rows = B(103, 8)
for r in rows:
    r.cells = {"amount": ru(r.amount) + " руб."}
    r.status = "either"
csv_case("currency_suffix.csv", "amounts with a currency suffix '1 234,50 руб.'", ONEC_SHORT, rows, encoding="cp1251",
         options={"columns": M1C}, accept_error=["{file}"])
rows = B(104, 8, clients=CLIENTS_ID)
rows[2].amount, rows[2].cells = 1200.0, {"amount": "1.2E+03"}
rows[5].amount, rows[5].cells = 35000.0, {"amount": "3.5e4"}
csv_case("exponent_amounts.csv", "amounts in exponent notation (1.2E+03)", STD, rows)
rows = B(105, 10, clients=CLIENTS_ID)
for r in rows:
    r.cost = round(r.amount * 0.6, 2)
rows[2].cost = None
rows[7].cost = None
csv_case("blank_cost_cells.csv", "optional cost column with two blank cells", Layout(STD.cols + [("cost", "cost")], delim=",", num=dot, date=iso), rows)
rows = B(106, 10, clients=CLIENTS_ID)
csv_case("blank_quantity_column.csv", "optional quantity column entirely blank",
         Layout(STD.cols + [("quantity", "none")], delim=",", num=dot, date=iso), rows)
rows = B(107, 10, clients=CLIENTS_ID)
rows[3].amount, rows[3].status, rows[3].reason = None, "excluded", "missing"
rows[6].cells, rows[6].status, rows[6].reason = {"amount": "н/д"}, "excluded", "number"
rows[6].amount = None
csv_case("missing_and_text_amounts.csv", "a blank amount (line 5) and 'н/д' (line 8)", STD, rows)
rows = B(108, 10, clients=CLIENTS_ID)
rows[4].cells = {"amount": "\u2212" + dot(rows[4].amount)}
rows[4].amount = -rows[4].amount
rows[4].status = "either"
csv_case("unicode_minus.csv", "a return written with the Unicode minus sign \u2212", STD, rows)
rows = B(109, 8, clients=CLIENTS_ID)
rows[2].line = f"{rows[2].doc},{iso(rows[2].date)},{rows[2].client},{dot(rows[2].amount)}\x00"
rows[2].status = "either"
csv_case("nul_byte.csv", "a NUL byte at the end of line 4", STD, rows)
rows = B(110, 10, clients=CLIENTS_ID)
for r in rows:
    r.cells = {"amount": " " + dot(r.amount) + " "}
csv_case("amounts_with_spaces.csv", "amounts padded with spaces ' 123.45 '", STD, rows)

# clients: percent and optional date columns
pct_lay = Layout([("client_id", "client"), ("name", "name"), ("client_type", "type"), ("discount_pct", "pct"),
                  ("first_deal_date", "fdd")], delim=",")
rows = [R(c, cells={"name": f"Компания {c}", "type": "wholesale", "pct": p, "fdd": ""}) for c, p in
        [("C001", "5%"), ("C002", "12.5 %"), ("C003", "0%"), ("C004", "")]]
csv_case("clients_percent_text_and_blank_dates.csv", "discount_pct written '5%', '12.5 %'; first_deal_date blank in every row",
         pct_lay, rows, kind="clients")
CASES[-1]["values"] = {"discount_pct": [5.0, 12.5, 0.0, None]}

# --- more structure and cell cases ----------------------------------------------------------------

rows = B(140, 10, clients=["ООО Ромашка, филиал", "ЗАО Вектор", "ИП Петров, А.В."])
csv_case("semicolon_with_commas_in_names.csv", "a ';' file whose client names hold commas (the delimiter must still be ';')",
         ONEC, rows, encoding="cp1251", options={"columns": M1C_FULL})
rows = B(141, 10)
csv_case("excel_sep_hint_line.csv", "Excel's 'sep=;' hint on line 1, header on line 2", ONEC, rows, pre=["sep=;"],
         encoding="cp1251", options={"columns": M1C_FULL})
rows = B(142, 10)
for r in rows:
    r.qty = r.qty + 0.5
csv_case("decimal_comma_quantity.csv", "quantities with decimal commas too ('12,5' kg)", ONEC, rows, encoding="cp1251",
         options={"columns": M1C_FULL})
CASES[-1]["values"] = {"quantity": [r.qty for r in rows]}
rows = B(143, 10)
csv_case("two_digit_years.csv", "dates dd.mm.yy (05.01.25), the short form of 1C", ONEC_SHORT, rows, encoding="cp1251",
         options={"columns": M1C}, accept_error=["{file}", "date_format="])
for r in rows:
    r.cells = {"date": r.date.strftime("%d.%m.%y")}
CASES[-1]["_content"] = ("\n".join(render_lines([], ONEC_SHORT, rows)) + "\n").encode("cp1251")
rows = B(144, 10, clients=CLIENTS_ID)
for r in rows:
    r.cells = {"amount": '"' + f"{r.amount:,.2f}".replace(",", " ") + '"'}
csv_case("space_thousands_decimal_point.csv", 'quoted "1 234.50" (space thousands, decimal point) in a comma file', STD, rows)
rows = B(145, 10, clients=CLIENTS_ID)
rows[3].status, rows[3].cells, rows[3].reason = "excluded", {"client": ""}, "missing"
rows[6].status, rows[6].cells, rows[6].reason = "excluded", {"date": ""}, "missing"
csv_case("missing_client_and_date.csv", "an empty client_id on line 5 and an empty date on line 8 (amounts lost, reported)", STD, rows)
rows = B(146, 10)
last = rows[-1]
last.status = "excluded"
last.line = f"{last.doc};{dotted(last.date)};{last.client};{last.product}"
last.amount = None
csv_case("truncated_last_line.csv", "the export was cut off: the last line stops after the product (no quantity, no amount)",
         ONEC, rows, encoding="cp1251", options={"columns": M1C_FULL}, final_eol=False)
rows = B(147, 10)
rows.append(R(line="\x1a", status="either", sale=False))
csv_case("dos_eof_marker.csv", "CRLF file ending with a DOS end-of-file byte (Ctrl-Z, 0x1A) on its own line", ONEC, rows,
         encoding="cp1251", eol="\r\n", options={"columns": M1C_FULL})
rows = B(148, 8, clients=["00123", "00456", "07890"])
for r in rows[::2]:
    r.cells = {"client": f'="{r.client}"'}
    r.status = "either"
csv_case("excel_text_formula_ids.csv", "client ids written =\"00123\" (Excel's trick to keep leading zeros)",
         Layout(STD.cols, delim=";", num=comma, date=dotted), rows)
rows = B(149, 10)
csv_case("tab_decimal_comma.tsv", "tab-separated with decimal commas and no-break-space thousands", Layout(ONEC.cols, delim="\t"),
         rows, encoding="cp1251", options={"columns": M1C_FULL}, notes=["decimal"])
cl = client_rows(["C001", "C002", "C003"]) + [R("C002", status="excluded", reason="duplicate", cells={"name": "Компания C002 (дубль)", "type": "wholesale"})]
csv_case("clients_duplicate_id.csv", "clients file with C002 twice (the first is kept, line 5 reported)", cl_lay, cl, kind="clients")

# --- what 1C and hand-edited files also do ----------------------------------------------------------

# a grouped 1C report: a group line per client (name and subtotal only), detail lines with no client
rows = []
for k, client in enumerate(["ООО Ромашка", "ЗАО Вектор", "АО Гранит"]):
    detail = bulk(3, [client], 160 + k)
    sub = round(sum(r.amount for r in detail), 2)
    rows.append(R(None, None, sub, status="excluded", sale=False, reason="total", line=f"{client};;;;;{ru(sub)}"))
    for r in detail:
        r.cells = {"client": ""}
        r.status = "either"  # filled down from the group line (with a note) or excluded as missing a client
    rows += detail
csv_case("grouped_1c_report.csv", "a grouped 1C report: 'client;;;;;subtotal' group lines, detail lines with an empty client",
         ONEC, rows, encoding="cp1251", options={"columns": M1C_FULL}, accept_error=["{file}"])
rows = B(161, 10)
lines_ = render_lines([], ONEC, rows)
csv_case("trailing_delimiter_data_only.csv", "every data line ends with ';' but the header does not (one empty extra field)",
         ONEC, rows, encoding="cp1251", options={"columns": M1C_FULL},
         encode=lambda ls: ("\n".join([ls[0]] + [x + ";" for x in ls[1:]]) + "\n").encode("cp1251"))
rows = B(162, 10)
rows[4].status = "either"
rows[4].cells = {"product": "Напитки; акция"}
csv_case("unquoted_delimiter_in_product.csv", "an unquoted ';' inside a product name on line 6 (one field too many)",
         ONEC, rows, encoding="cp1251", options={"columns": M1C_FULL})
rows = B(163, 10)
for r in rows:
    r.cost = round(r.amount * 1.2, 2)  # "Сумма с НДС": the amount with VAT, not the revenue
csv_case("similar_header_names.csv", "'Сумма' and 'Сумма с НДС' both present; the mapping names 'Сумма'",
         Layout(ONEC.cols + [("Сумма с НДС", "cost")]), rows, encoding="cp1251", options={"columns": M1C_FULL})
rows = B(164, 10)
for r in rows:
    r.cells = {"date": dotted(r.date) + " 0:00:00"}
csv_case("dates_1c_with_midnight.csv", "1C dates '05.01.2025 0:00:00' (one-digit hour)", ONEC, rows, encoding="cp1251",
         options={"columns": M1C_FULL})
rows = B(165, 12)
for r in rows[3::4]:
    r.cells = {"amount": comma(r.amount).replace(",", ".")}
    r.status = "either"
csv_case("mixed_decimal_marks.csv", "a ';' file with decimal commas where 3 hand-typed amounts use a point (1234.50)",
         Layout(ONEC_SHORT.cols, num=comma), rows, encoding="cp1251", options={"columns": M1C})
rows = B(166, 12, clients=CLIENTS_ID, start=dt.date(2024, 1, 8))
rows.insert(6, R("C003", dt.date(2024, 2, 29), 2902.24, doc="LEAP"))
rows.sort(key=lambda r: r.date)
csv_case("leap_day.csv", "29 February 2024 among 2024 dates (a real date)", STD, rows)
rows = B(167, 20, clients=CLIENTS_ID, start=dt.date(2015, 3, 2))
csv_case("old_export_2015.csv", "an export of 2015 read in a later year: nothing is implausible", STD, rows)
rows = B(168, 10)
for r in rows:
    r.cells = {"amount": ru(r.amount) + "  "}
csv_case("amount_trailing_spaces.csv", "amounts followed by spaces ('1 234,50  ')", ONEC, rows, encoding="cp1251",
         options={"columns": M1C_FULL})
rows = B(169, 10, clients=CLIENTS_ID)
for r in rows:
    r.amount = round(r.amount * 100_000 + 0.23, 2)
csv_case("big_amounts.csv", "amounts in the billions ('12 345 678 901,23')", Layout(STD.cols, delim=";", num=ru, date=dotted), rows)
rows = B(170, 10, clients=CLIENTS_ID)
for r in rows:
    r.cells = {"amount": f"{r.amount:,.2f}".replace(",", "'")}
    r.status = "either"
csv_case("apostrophe_thousands.csv", "Swiss-style thousands 1'234.50", Layout(STD.cols, delim=";", num=dot, date=iso), rows,
         accept_error=["{file}"])
rows = B(171, 10, clients=CLIENTS_ID)
csv_case("quoted_header_with_comma.csv", 'a comma file whose amount header is "Сумма, руб." (quoted)',
         Layout([("Дата", "date"), ("Контрагент", "client"), ('"Сумма, руб."', "amount")], delim=",", num=dot, date=dotted),
         rows, options={"columns": {"Контрагент": "client_id", "Дата": "date", "Сумма, руб.": "revenue"}})

# --- encodings with little evidence, names and extensions ----------------------------------------

rows = B(180, 40, clients=CLIENTS_ID)
rows[17].client = "ООО Ёлка"
csv_case("cp1251_single_cyrillic_name.csv", "an ASCII-looking cp1251 file with one Cyrillic client name (line 19)",
         STD, rows, encoding="cp1251")
rows = B(181, 40, clients=CLIENTS_ID)
rows[17].client = "ООО Ёлка"
csv_case("utf8_single_cyrillic_name.csv", "an ASCII-looking UTF-8 file with one Cyrillic client name (line 19)", STD, rows)
csv_case("cp866_dos.csv", "a DOS-era export in cp866 (1C 7.7)", ONEC, B(182, 12), encoding="cp866",
         options={"columns": M1C_FULL}, accept_error=["{file}", "encoding="])
rows = B(183, 10, clients=CLIENTS_ID)
rows[2].amount = 0.0
rows[6].amount = 0.0
rows[6].cells = {"amount": "-0.00"}
csv_case("zero_amounts.csv", "lines with amount 0.00 and -0.00 (free samples): kept", STD, rows)
csv_case("tab_as_txt.txt", "tab-separated export saved as .txt", Layout(ONEC.cols, delim="\t"), B(184, 10),
         encoding="cp1251", options={"columns": M1C_FULL})
csv_case("UPPERCASE.CSV", "an upper-case .CSV extension", STD, B(185, 8, clients=CLIENTS_ID))
csv_case("orders_no_extension", "a CSV file without an extension", STD, B(186, 8, clients=CLIENTS_ID))
csv_case("Продажи за 2025 (копия).csv", "a Cyrillic file name with spaces and brackets", ONEC, B(187, 8), encoding="cp1251",
         options={"columns": M1C_FULL})
add("Пустой отчёт.csv", "an empty file with a Cyrillic name: the message must name it", b"", error=["{file}"])

# a lone carriage return inside a field (a cell's line break pasted into the export); on the last data
# line, so that whether an editor would count it as a line break does not move other line numbers
rows = B(189, 8)
rows[-1].status = "either"
rows[-1].cells = {"product": rows[-1].product + "\rакция"}
csv_case("lone_cr_in_field_crlf.csv", "CRLF file; the last line's product holds a lone CR", ONEC, rows, encoding="cp1251",
         eol="\r\n", options={"columns": M1C_FULL})
rows = B(190, 8)
rows[-1].status = "either"
rows[-1].cells = {"product": rows[-1].product + "\rакция"}
csv_case("lone_cr_in_field_lf.csv", "LF file; the last line's product holds a lone CR", ONEC, rows, encoding="cp1251",
         options={"columns": M1C_FULL})

rows = B(191, 8)
rows[2].status = "either"
rows[2].cells = {"product": "Напитки; акция"}
rows[-1].status = "either"
rows[-1].cells = {"product": rows[-1].product + "\rакция"}
csv_case("lone_cr_and_extra_field.csv", "an unquoted ';' in a product on line 4 and a lone CR in the last line's product",
         ONEC, rows, encoding="cp1251", options={"columns": M1C_FULL})

# --- plausible things a too-eager reader might refuse -------------------------------------------------

rows = B(192, 24, clients=CLIENTS_ID, start=dt.date(2024, 1, 8), days=700)
rows[:0] = [R("C001", dt.date(2023, 1, 16), 1500.0, doc="OLD-1"), R("C002", dt.date(2023, 2, 20), 2500.0, doc="OLD-2")]
csv_case("date_one_year_early.csv", "two 2023 lines before two years of 2024-2025 data: old, not implausible", STD, rows)
rows = B(193, 10)
for r in rows:
    r.amount = float(round(r.amount))
csv_case("space_thousands_integers.csv", "whole amounts with no-break-space thousands and no decimals ('12 500')",
         Layout(ONEC.cols, num=lambda x: _groups(int(x), NBSP)), rows, encoding="cp1251", options={"columns": M1C_FULL})
rows = B(194, 10, clients=CLIENTS_ID)
csv_case("comma_file_quoted_decimal_commas.csv", 'a comma file whose amounts are quoted decimal commas ("1234,50")',
         Layout(STD.cols, delim=",", num=lambda x: '"' + comma(x) + '"', date=iso), rows)
rows = B(195, 10, clients=CLIENTS_ID)
for r in rows[::3]:
    r.cells = {"amount": "+" + dot(r.amount)}
csv_case("plus_sign_amounts.csv", "some amounts written with a plus sign ('+123.45')", STD, rows)
rows = B(196, 10)
for r in rows:
    r.cells = {"date": f"{r.date.day}.{r.date.month}.{r.date.year}"}
csv_case("dates_unpadded_dotted.csv", "dates without leading zeros (5.1.2025)", ONEC, rows, encoding="cp1251",
         options={"columns": M1C_FULL})
rows = B(197, 10, clients=CLIENTS_ID)
for r in rows:
    r.cost = round(r.amount * 0.5, 2)
rows[2].cells = {"cost": "NULL"}
rows[5].cells = {"cost": "N/A"}
rows[7].cells = {"cost": ""}
csv_case("null_words_in_optional_cost.csv", "the optional cost column holds NULL, N/A and an empty cell: rows still load",
         Layout(STD.cols + [("cost", "cost")], delim=",", num=dot, date=iso), rows)
rows = B(198, 10, clients=["007", "7", "0007"])
csv_case("ids_with_leading_zeros.csv", "client ids 007, 7 and 0007 are three different codes (kept as text)", STD, rows)

# --- another table through read_table ---------------------------------------------------------------

nps_lay = Layout([("response_id", "resp"), ("client_id", "client"), ("wave", "wave"), ("score", "score")])
rows = [R(c, cells={"resp": f"R{i:03d}", "wave": "2025Q1", "score": sc}) for i, (c, sc) in
        enumerate([("ООО Ромашка", "9"), ("ЗАО Вектор", "10"), ("АО Гранит", "7"), ("ООО Лето", "3")])]
rows.insert(2, R("ИП Петров А.В.", status="excluded", reason="range", cells={"resp": "R900", "wave": "2025Q1", "score": "11"}))
rows.insert(4, R("ООО Ромашка", status="excluded", reason="missing", cells={"resp": "R901", "wave": "2025Q1", "score": ""}))
csv_case("nps_cp1251_semicolon.csv", "NPS answers in a cp1251 ';' file: a score of 11 (line 4) and an empty score (line 6)",
         nps_lay, rows, kind="nps_responses", encoding="cp1251")
CASES[-1]["values"] = {"score": [9.0, 10.0, 7.0, 3.0]}


# --- Excel --------------------------------------------------------------------------------------


def _fixed_zip(raw: bytes) -> bytes:
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(2025, 1, 31, 12, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", b"2025-01-31T12:00:00Z", data)
            dst.writestr(entry, data)
    return fixed.getvalue()


def xlsx_bytes(build) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    build(book)
    buf = io.BytesIO()
    book.save(buf)
    return _fixed_zip(buf.getvalue())


def xl_rows(sheet, pre: list[list], lay: Layout, rows: list[R]) -> None:
    for p in pre:
        sheet.append(p)
    sheet.append([h or None for h, _ in lay.cols])
    for r in rows:
        vals = []
        for _, f in lay.cols:
            if r.xl and f in r.xl:
                vals.append(r.xl[f])
            else:
                vals.append({"client": r.client, "date": r.date, "amount": r.amount, "doc": r.doc, "qty": r.qty,
                             "product": r.product, "cost": r.cost}.get(f))
        sheet.append(vals if r.status != "blank" else [])


def xlsx_case(name: str, what: str, lay: Layout, rows: list[R], *, pre: list[list] = (), extra=None, title="Продажи",
              **kw) -> None:
    def build(book):
        sheet = book.active
        sheet.title = title
        xl_rows(sheet, list(pre), lay, rows)
        if extra:
            extra(book, sheet)

    add(name, what, xlsx_bytes(build), expect=expectations([None] * len(pre), rows), **kw)


XL = Layout(ONEC.cols)
xlsx_case("xlsx_plain.xlsx", "a plain Excel export, real dates and numbers", XL, B(120, 10), options={"columns": M1C_FULL})
xlsx_case("xlsx_title_rows.xlsx", "Excel 1C export with title rows, header on row 4", XL, B(121, 10),
          pre=[["ООО \"Торговый дом\""], ["Реализация за период"], []], options={"columns": M1C_FULL}, notes=["header"])


def far_cell_styled(book, sheet):
    from openpyxl.styles import Font

    sheet["XFD1048576"].font = Font(bold=True)


def far_cell_value(book, sheet):
    sheet["XFD1048576"] = "x"


xlsx_case("xlsx_far_styled_cell.xlsx", "one formatted empty cell at XFD1048576 (sheet dimension A1:XFD1048576)", XL,
          B(122, 8), extra=far_cell_styled, options={"columns": M1C_FULL}, accept_error=["{file}"])
rows = B(123, 8)
xlsx_case("xlsx_far_value_cell.xlsx", "one stray value 'x' at XFD1048576", XL, rows, extra=far_cell_value,
          options={"columns": M1C_FULL}, accept_error=["{file}"])
CASES[-1]["lines"]["1048576"] = {"client": None, "amount": None, "sale": False}  # the stray cell's row: no sale
CASES[-1]["lenient"].append(1048576)
rows = B(124, 10)
for r in rows[::3]:
    r.xl = {"amount": ru(r.amount), "date": dotted(r.date)}
xlsx_case("xlsx_text_numbers.xlsx", "some amounts and dates stored as text ('1 234,50', '05.01.2025')", XL, rows,
          options={"columns": M1C_FULL})


def build_two_sheets(book):
    first = book.active
    first.title = "Параметры"
    first["A1"] = "Отчёт сформирован 31.01.2025"
    data_sheet = book.create_sheet("Продажи")
    xl_rows(data_sheet, [], XL, TWO_SHEET_ROWS)


TWO_SHEET_ROWS = B(125, 8)
data = xlsx_bytes(build_two_sheets)
add("xlsx_data_on_second_sheet.xlsx", "the first sheet holds report parameters, the data is on sheet 'Продажи'", data,
    options={"columns": M1C_FULL}, expect=expectations([], TWO_SHEET_ROWS), accept_error=["{file}", "sheet="])
add("xlsx_data_on_second_sheet_option.xlsx", "the same with sheet='Продажи'", data,
    options={"columns": M1C_FULL, "sheet": "Продажи"}, expect=expectations([], TWO_SHEET_ROWS))
rows = B(126, 10)
total = round(sum(r.amount for r in rows), 2)
rows.append(R(None, None, total, status="excluded", sale=False, reason="total", xl={"doc": "Итого", "amount": total}))
xlsx_case("xlsx_totals_row.xlsx", "Excel export with an 'Итого' row at the bottom", XL, rows, options={"columns": M1C_FULL})


def build_pct(book):
    sheet = book.active
    sheet.title = "Клиенты"
    sheet.append(["client_id", "name", "client_type", "discount_pct"])
    for c, v in [("C001", 0.05), ("C002", 0.125), ("C003", 0.0)]:
        sheet.append([c, f"Компания {c}", "wholesale", v])
        sheet.cell(row=sheet.max_row, column=4).number_format = "0%"


add("xlsx_percent_cells.xlsx", "discount_pct cells formatted as percent (5 % stored as 0.05)", xlsx_bytes(build_pct),
    kind="clients", expect=expectations([], [R("C001"), R("C002"), R("C003")]), notes=["percent"])
CASES[-1]["values"] = {"discount_pct": [5.0, 12.5, 0.0]}


def build_blank_dates(book):
    sheet = book.active
    sheet.append(["client_id", "name", "client_type", "first_deal_date"])
    for c in ["C001", "C002", "C003"]:
        sheet.append([c, f"Компания {c}", "wholesale", None])


add("xlsx_blank_optional_date.xlsx", "clients with an entirely blank first_deal_date column", xlsx_bytes(build_blank_dates),
    kind="clients", expect=expectations([], [R("C001"), R("C002"), R("C003")]))
def build_formulas(book):
    sheet = book.active
    sheet.title = "Продажи"
    xl_rows(sheet, [], XL, FORMULA_ROWS)


FORMULA_ROWS = B(150, 8)
for _r in FORMULA_ROWS[2::3]:
    _r.status, _r.amount = "excluded", None  # a formula with no stored value: the amount cannot be read
    _r.xl = {"amount": "=E2*100"}
add("xlsx_formulas_without_values.xlsx", "amounts typed as formulas in a workbook saved by a script (no cached values)",
    xlsx_bytes(build_formulas), options={"columns": M1C_FULL}, expect=expectations([], FORMULA_ROWS))
rows = B(151, 8)
rows[4].status, rows[4].amount, rows[4].xl = "excluded", None, {"amount": "#DIV/0!"}
xlsx_case("xlsx_error_cell.xlsx", "an amount cell holding the error #DIV/0!", XL, rows, options={"columns": M1C_FULL})
def build_numeric_ids(book):
    sheet = book.active
    sheet.title = "Продажи"
    xl_rows(sheet, [], XL, NUMERIC_ID_ROWS)


NUMERIC_ID_ROWS = B(172, 10, clients=["123", "456", "7890"])
for _i, _r in enumerate(NUMERIC_ID_ROWS):
    _r.xl = {"client": int(_r.client) if _i % 2 else _r.client}  # numbers and text for the same ids
add("xlsx_numeric_client_ids.xlsx", "client codes stored as numbers (123) in some cells and as text ('123') in others",
    xlsx_bytes(build_numeric_ids), options={"columns": M1C_FULL}, expect=expectations([], NUMERIC_ID_ROWS))
rows = B(188, 8)
xlsx_case("xlsx_offset_columns.xlsx", "title rows and two empty columns on the left: the table starts at C4",
          Layout([("", "none"), ("", "none")] + XL.cols), rows, pre=[["Отчёт о продажах"], [], []],
          options={"columns": M1C_FULL})
add("xlsx_empty_workbook.xlsx", "a workbook with one empty sheet", xlsx_bytes(lambda book: None), error=["{file}"])

# --- not a table at all -------------------------------------------------------------------------

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + bytes(range(256)) * 4
add("binary_renamed.csv", "a PNG image renamed .csv", PNG, error=["{file}"])
add("zip_renamed.csv", "a zip archive (not a workbook) renamed .csv",
    _fixed_zip((lambda b: (zipfile.ZipFile(b, "w").writestr("a.txt", "hello"), b.getvalue())[1])(io.BytesIO())),
    error=["{file}"])
add("pdf_renamed.csv", "a PDF renamed .csv", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)),
    error=["{file}"])
rows = B(130, 8)
add("xlsx_renamed.csv", "an Excel workbook saved with a .csv name", xlsx_bytes(lambda book: xl_rows(book.active, [], XL, rows)),
    options={"columns": M1C_FULL}, expect=expectations([], rows), accept_error=["{file}", "xlsx"])
add("fifo.csv", "a named pipe (created at test time): refused quickly, not read forever", None, special="fifo",
    error=["fifo.csv"])
add("directory.csv", "a directory named .csv (created at test time)", None, special="directory", error=["directory.csv"])
add("does_not_exist.csv", "a path that does not exist", None, special="missing", error=["does_not_exist.csv"])


# ----------------------------------------------------------------------------------------------


def write_all(folder: Path = HERE) -> list[Path]:
    files = folder / "files"
    files.mkdir(parents=True, exist_ok=True)
    written = []
    manifest = []
    for c in CASES:
        entry = {k: v for k, v in c.items() if k != "_content"}
        manifest.append(entry)
        if c["_content"] is not None:
            path = files / c["file"]
            path.write_bytes(c["_content"])
            written.append(path)
    path = folder / "manifest.json"
    path.write_text(json.dumps({"cases": manifest}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    written.append(path)
    path = folder / "README.md"
    path.write_text(_readme(manifest), encoding="utf-8")
    written.append(path)
    return written


def _outcome(c: dict) -> str:
    if "error" in c:
        needles = ["/".join(n) if isinstance(n, list) else n for n in c["error"]]
        return "refused: KamError naming " + ", ".join(f"`{n}`" for n in needles)
    out = f"{c['rows_loaded']} rows, revenue {c['revenue_loaded']:,.2f}" if c["kind"] == "orders" else f"{c['rows_loaded']} rows"
    if c["excluded"]:
        out += "; excludes line" + ("s " if len(c["excluded"]) > 1 else " ") + ", ".join(map(str, c["excluded"][:6]))
        out += " …" if len(c["excluded"]) > 6 else ""
    if c["lenient"]:
        out += "; may exclude " + ", ".join(map(str, c["lenient"][:6])) + (" …" if len(c["lenient"]) > 6 else "")
    if c["suspects"]:
        out += "; lists suspected duplicates"
    if c["notes"]:
        out += "; notes " + ", ".join(f"`{n}`" for n in c["notes"])
    if c.get("accept_error"):
        out += " (or refuses, naming " + ", ".join(f"`{n}`" for n in c["accept_error"][1:] or ["the file"]) + ")"
    return out


def _readme(manifest: list[dict]) -> str:
    head = """# Reader corpus

Malformed and awkward exports for the readers, generated by `make_corpus.py` from what each file's
author meant (do not edit by hand; re-run it). `manifest.json` holds, per file, the read options, every
data line's intended client and amount, the lines to exclude and the figures; `tests/data/test_corpus.py`
runs them. Lines are file lines (the header is line 1 when it is the first line; Excel: sheet rows).
"may exclude": lines where loading as meant and excluding with a reason are both honest. Files marked
"created at test time" (a FIFO, a directory, a missing path) are not stored.

| file | kind | what is in it | what the reader must do |
|---|---|---|---|
"""
    rows = []
    for c in manifest:
        name = c["file"] + (" (created at test time)" if c.get("special") else "")
        what = c["what"].replace("|", "\\|")
        rows.append(f"| `{name}` | {c['kind']} | {what} | {_outcome(c)} |")
    return head + "\n".join(rows) + "\n"


if __name__ == "__main__":
    out = write_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
    print(f"{len(CASES)} cases, {len(out) - 1} files written")

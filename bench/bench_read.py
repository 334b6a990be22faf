"""Benchmark: reading a user's export with kamlib against DuckDB (CSV) and openpyxl vs calamine (Excel).

Three scenarios, each measured in a fresh child process (time of the read alone, and the
child's peak resident set size, VmHWM of ``/proc/self/status``; the child's size after its imports
is printed too, so the read's own share can be seen):

1. **csv** -- a 5 M-line orders export, UTF-8, ``,``, ISO dates, decimal points, columns
   ``order_id`` (document number, shared by the 1-5 lines of a document), ``date``,
   ``client_id`` (~500 k clients), ``product_group``, ``quantity``, ``revenue``.
   ``kamlib.read_orders(path)`` against DuckDB ``CREATE TABLE t AS SELECT * FROM
   read_csv_auto(path)`` (DuckDB's own columnar table: its fastest, the target of the issue)
   and, as further lines, the same read handed over as a pandas DataFrame (what kamlib returns):
   through Arrow (``.to_arrow_table().to_pandas()``, the fastest way) and through ``.df()``.
   Target: kamlib <= 1.0x DuckDB's table, peak memory <= DuckDB's.
2. **cp1251** -- the same lines as a 1C-style export: cp1251, ``;``, Cyrillic headers and client
   names, dd.mm.yyyy dates, decimal commas. kamlib reads it with the README's column mapping
   (encoding, delimiter, decimals and dates detected). DuckDB cannot decode cp1251 without its
   ``encodings`` extension (a download from extensions.duckdb.org, not available here), so its
   line reads the same bytes as ``latin-1`` (also one byte per character: the same work, the
   Cyrillic text comes out garbled) with ``delim=';'``, ``decimal_separator=','`` and
   ``dateformat='%d.%m.%Y'``. Target: kamlib <= 1.5x DuckDB.
3. **excel** -- a ~100 k-row ``.xlsx`` (written with xlsxwriter): ``pandas.read_excel`` with
   ``engine="openpyxl"`` against ``engine="calamine"`` (python-calamine), checking that both give
   equal values; and ``kamlib.read_orders`` on the same workbook.

The files are generated once (seeded; NumPy and pyarrow, no Python loop over lines) into
``.cache/bench-read/`` (git-ignored) and reused. Not part of the test suite.

Usage::

    python bench/bench_read.py                    # 5 M lines, 100 k Excel rows
    python bench/bench_read.py --lines 500000     # a quick run
    python bench/bench_read.py --only csv --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "bench-read"
SEED = 20250101
COLUMNS_1C = {"Документ": "order_id", "Дата": "date", "Контрагент": "client_id", "Номенклатура": "product_group",
              "Количество": "quantity", "Сумма": "revenue"}
PRODUCTS = ["Напитки", "Снеки", "Бакалея", "Молочная продукция", "Кондитерские изделия", "Консервы",
            "Бытовая химия", "Замороженные продукты"]


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------


def _columns(n: int):
    """The export's columns as NumPy arrays: seeded, realistic, sorted by date like an export."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    n_clients = max(n // 10, 1)
    # client sizes: log-normal, so a few clients have many lines
    weights = rng.lognormal(0.0, 1.2, n_clients)
    weights /= weights.sum()
    # documents of 1-5 lines: each document one client and one day
    sizes = rng.integers(1, 6, n)
    doc_of_line = np.repeat(np.arange(len(sizes)), sizes)[:n]
    n_docs = int(doc_of_line[-1]) + 1
    doc_day = np.sort(rng.integers(0, 3 * 365, n_docs))  # 3 years, in date order
    doc_client = rng.choice(n_clients, n_docs, p=weights)
    day = doc_day[doc_of_line]
    client = doc_client[doc_of_line]
    product = rng.integers(0, len(PRODUCTS), n)
    quantity = rng.integers(1, 50, n)
    cents = (rng.lognormal(8.5, 1.3, n) * 100).astype(np.int64) + 1
    returns = rng.random(n) < 0.01
    cents[returns] *= -1
    quantity[returns] *= -1
    return doc_of_line, day, client, product, quantity, cents


def _text(prefix: str, numbers, width: int):
    """prefix + zero-padded numbers, vectorised with pyarrow."""
    import pyarrow as pa
    import pyarrow.compute as pc

    padded = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(prefix, padded, "")


def _money(cents, sep: str):
    """Amounts with two decimals and the given decimal separator ("-1234.50" / "-1234,50")."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    whole = pa.array(np.abs(cents) // 100).cast(pa.string())
    frac = pc.utf8_lpad(pa.array(np.abs(cents) % 100).cast(pa.string()), width=2, padding="0")
    sign = pa.array(np.where(cents < 0, "-", ""))
    return pc.binary_join_element_wise(sign, whole, sep, frac, "")


def _write(path: Path, table, delimiter: str, encoding: str) -> None:
    """Write an arrow table as CSV (no quotes: no value holds a delimiter), transcoding when not UTF-8."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    tmp = path.with_suffix(".part")
    utf8 = path.with_suffix(".utf8.part") if encoding != "utf-8" else tmp
    opts = pacsv.WriteOptions(delimiter=delimiter, quoting_style="none", include_header=False)
    with pa.OSFile(str(utf8), "wb") as sink:
        sink.write((delimiter.join(table.column_names) + "\n").encode("utf-8"))  # header unquoted, like the data
        pacsv.write_csv(table, sink, write_options=opts)
    if encoding != "utf-8":
        with open(utf8, encoding="utf-8", newline="") as src, open(tmp, "w", encoding=encoding, newline="") as dst:
            while chunk := src.read(1 << 24):
                dst.write(chunk.replace("\n", "\r\n"))
        utf8.unlink()
    tmp.replace(path)


def make_files(n: int) -> tuple[Path, Path]:
    """The UTF-8 and the cp1251 export of the same ``n`` lines (cached)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    CACHE.mkdir(parents=True, exist_ok=True)
    plain, onec = CACHE / f"orders_{n}.csv", CACHE / f"orders_{n}_1c_cp1251.csv"
    if plain.exists() and onec.exists():
        return plain, onec
    t0 = time.perf_counter()
    doc, day, client, product, quantity, cents = _columns(n)
    dates = pa.array((np.datetime64("2023-01-01") + day.astype("timedelta64[D]")).astype("datetime64[s]"))
    products = pa.array(np.array(PRODUCTS)[product])
    table = pa.table({
        "order_id": _text("D", doc, 8),
        "date": pc.strftime(dates, format="%Y-%m-%d"),
        "client_id": _text("C", client, 6),
        "product_group": products,
        "quantity": quantity,
        "revenue": _money(cents, "."),
    })
    _write(plain, table, ",", "utf-8")
    table_1c = pa.table({
        "Документ": _text("РН-", doc, 8),
        "Дата": pc.strftime(dates, format="%d.%m.%Y"),
        "Контрагент": _text("ООО Клиент ", client, 6),
        "Номенклатура": products,
        "Количество": quantity,
        "Сумма": _money(cents, ","),
    })
    _write(onec, table_1c, ";", "cp1251")
    print(f"generated {n:,} lines in {time.perf_counter() - t0:.1f} s: {plain.name} "
          f"({plain.stat().st_size / 2**20:.0f} MiB), {onec.name} ({onec.stat().st_size / 2**20:.0f} MiB)")
    return plain, onec


def make_xlsx(rows: int) -> Path:
    import pandas as pd
    import xlsxwriter

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"orders_{rows}.xlsx"
    if path.exists():
        return path
    t0 = time.perf_counter()
    doc, day, client, product, quantity, cents = _columns(rows)
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(day, unit="D")
    tmp = path.with_suffix(".part.xlsx")
    book = xlsxwriter.Workbook(str(tmp), {"constant_memory": True})
    sheet = book.add_worksheet("Продажи")
    date_fmt = book.add_format({"num_format": "dd.mm.yyyy"})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write_row(0, 0, ["order_id", "date", "client_id", "product_group", "quantity", "revenue"])
    for i in range(rows):
        r = i + 1
        sheet.write_string(r, 0, f"D{doc[i]:08d}")
        sheet.write_datetime(r, 1, dates[i].to_pydatetime(), date_fmt)
        sheet.write_string(r, 2, f"C{client[i]:06d}")
        sheet.write_string(r, 3, PRODUCTS[product[i]])
        sheet.write_number(r, 4, int(quantity[i]))
        sheet.write_number(r, 5, cents[i] / 100, money)
    book.close()
    tmp.replace(path)
    print(f"generated {rows:,}-row workbook in {time.perf_counter() - t0:.1f} s ({path.stat().st_size / 2**20:.1f} MiB)")
    return path


# --------------------------------------------------------------------------------------------
# one measurement, in a child process
# --------------------------------------------------------------------------------------------


def _rss_mib() -> float:
    """Peak resident set size of this process so far, MiB. VmHWM of /proc (Linux) rather than
    getrusage's ru_maxrss: the latter survives exec, so a child would inherit its parent's peak."""
    try:
        with open("/proc/self/status") as fh:
            for text in fh:
                if text.startswith("VmHWM:"):
                    return int(text.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def child(task: str, path: str) -> None:
    import warnings

    warnings.simplefilter("ignore")
    if task.startswith("duckdb"):
        import duckdb

        import pandas  # noqa: F401  (.df() needs it; import before the clock like kamlib's)

        con = duckdb.connect()
    else:
        import pandas as pd

        import kamlib
    base = _rss_mib()
    t0 = time.perf_counter()
    rows = None
    if task == "kamlib_csv":
        df = kamlib.read_orders(path)
        rows = len(df)
    elif task == "kamlib_1c":
        df = kamlib.read_orders(path, columns=COLUMNS_1C)
        rows = len(df)
    elif task == "duckdb_table":
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv_auto('{path}')")
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    elif task == "duckdb_df":
        df = con.sql(f"SELECT * FROM read_csv_auto('{path}')").df()
        rows = len(df)
    elif task == "duckdb_arrow":
        df = con.sql(f"SELECT * FROM read_csv_auto('{path}')").to_arrow_table().to_pandas(date_as_object=False)
        rows = len(df)
    elif task == "duckdb_1c_arrow":
        df = con.sql(f"SELECT * FROM read_csv_auto('{path}', encoding='latin-1', delim=';', "
                     f"decimal_separator=',', dateformat='%d.%m.%Y', header=true)").to_arrow_table().to_pandas(
            date_as_object=False)
        rows = len(df)
    elif task == "duckdb_1c_table":
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv_auto('{path}', encoding='latin-1', delim=';', "
                    f"decimal_separator=',', dateformat='%d.%m.%Y', header=true)")
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    elif task == "duckdb_1c_df":
        df = con.sql(f"SELECT * FROM read_csv_auto('{path}', encoding='latin-1', delim=';', "
                     f"decimal_separator=',', dateformat='%d.%m.%Y', header=true)").df()
        rows = len(df)
    elif task in ("excel_openpyxl", "excel_calamine"):
        df = pd.read_excel(path, engine=task.split("_")[1])
        rows = len(df)
    elif task == "kamlib_xlsx":
        df = kamlib.read_orders(path)
        rows = len(df)
    else:
        raise SystemExit(f"unknown task {task}")
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "peak_mib": _rss_mib(), "base_mib": base, "rows": rows}))


def _run(task: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", task, str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{task} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_all(tasks: list[str], path: Path, repeat: int) -> list[dict]:
    """Best of ``repeat`` runs of each task, the tasks taking turns (A B C A B C ...) so that a
    change in the machine's load hits every contender alike."""
    best: list[dict | None] = [None] * len(tasks)
    for _ in range(repeat):
        for i, task in enumerate(tasks):
            result = _run(task, path)
            if best[i] is None or result["seconds"] < best[i]["seconds"]:
                best[i] = result
    return best  # type: ignore[return-value]


def excel_equal(path: Path) -> str:
    """Whether openpyxl and calamine give the same values (after the same normalisation)."""
    import numpy as np
    import pandas as pd

    a = pd.read_excel(path, engine="openpyxl")
    b = pd.read_excel(path, engine="calamine")
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return f"different shape/columns: {a.shape} vs {b.shape}"
    diffs = []
    for col in a.columns:
        x, y = a[col], b[col]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            ok = np.allclose(x.to_numpy(float), y.to_numpy(float), rtol=0, atol=1e-9)
        elif pd.api.types.is_datetime64_any_dtype(x) or pd.api.types.is_datetime64_any_dtype(y):
            ok = (pd.to_datetime(x).to_numpy() == pd.to_datetime(y).to_numpy()).all()
        else:
            ok = (x.astype(str).to_numpy() == y.astype(str).to_numpy()).all()
        if not ok:
            diffs.append(f"{col} ({x.dtype} vs {y.dtype})")
    return "equal values" if not diffs else "DIFFER in " + ", ".join(diffs)


# --------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=5_000_000, help="CSV lines (default 5,000,000)")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="Excel rows (default 100,000)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs per measurement, the contenders taking turns; the best is kept")
    parser.add_argument("--only", choices=["csv", "cp1251", "excel"], action="append")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    only = set(args.only or ["csv", "cp1251", "excel"])
    import duckdb
    import pandas as pd

    print(f"Python {platform.python_version()}, pandas {pd.__version__}, DuckDB {duckdb.__version__}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    rows = []

    def line(scenario, who, r, ref=None, alt=None):
        ratio = f"{r['seconds'] / ref['seconds']:.2f}" if ref else ""
        mem = f"{r['peak_mib'] / ref['peak_mib']:.2f}" if ref else ""
        vs_alt = f"{r['seconds'] / alt['seconds']:.2f} / {r['peak_mib'] / alt['peak_mib']:.2f}" if alt else ""
        rows.append((scenario, who, r["seconds"], r["peak_mib"], r["base_mib"], r["rows"], ratio, mem, vs_alt))

    if only & {"csv", "cp1251"}:
        plain, onec = make_files(args.lines)
    if "csv" in only:
        ref, ar, df, km = measure_all(["duckdb_table", "duckdb_arrow", "duckdb_df", "kamlib_csv"], plain, args.repeat)
        line("csv utf-8 ','", "DuckDB read_csv_auto -> table", ref)
        line("csv utf-8 ','", "DuckDB read_csv_auto -> Arrow -> pandas", ar, ref)
        line("csv utf-8 ','", "DuckDB read_csv_auto -> .df()", df, ref)
        line("csv utf-8 ','", "kamlib.read_orders", km, ref, alt=ar)
    if "cp1251" in only:
        ref, ar, df, km = measure_all(["duckdb_1c_table", "duckdb_1c_arrow", "duckdb_1c_df", "kamlib_1c"], onec,
                                      args.repeat)
        line("1C cp1251 ';' ','", "DuckDB (latin-1) -> table", ref)
        line("1C cp1251 ';' ','", "DuckDB (latin-1) -> Arrow -> pandas", ar, ref)
        line("1C cp1251 ';' ','", "DuckDB (latin-1) -> .df()", df, ref)
        line("1C cp1251 ';' ','", "kamlib.read_orders + mapping", km, ref, alt=ar)
    if "excel" in only:
        xlsx = make_xlsx(args.xlsx_rows)
        ref, cal, km = measure_all(["excel_openpyxl", "excel_calamine", "kamlib_xlsx"], xlsx, args.repeat)
        label = f"xlsx {args.xlsx_rows:,} rows"
        line(label, "pandas read_excel openpyxl", ref)
        line(label, "pandas read_excel calamine", cal, ref)
        line(label, "kamlib.read_orders", km, ref, alt=cal)
        print(f"openpyxl vs calamine: {excel_equal(xlsx)}")
    print()
    print("| scenario | reader | seconds | peak MiB | MiB after imports | rows | time ratio | memory ratio"
          " | time / memory vs a pandas frame |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for scenario, who, s, peak, base, n, ratio, mem, vs_alt in rows:
        print(f"| {scenario} | {who} | {s:.2f} | {peak:.0f} | {base:.0f} | {n:,} | {ratio} | {mem} | {vs_alt} |")
    print("\nratios: against the first line of each scenario (DuckDB's table; openpyxl for Excel); the last column"
          " against the fastest way DuckDB hands over a pandas frame, like kamlib's (its Arrow table -> pandas;"
          " calamine for Excel); "
          f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()

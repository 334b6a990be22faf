"""Benchmark: ``kam report`` end to end on a big CSV, against DuckDB doing the same pipeline in SQL.

Two ratios in one run (issue 12):

1. **The report.** A synthetic export of ``--lines`` order lines and ``--clients`` clients
   (default 5 M / 500 k, 36 months; the generator of ``bench_analytics.py``) is written once as a
   CSV. Then, each in a fresh process: ``kam report FILE -o report.html`` (read, ABC-XYZ, key
   accounts, concentration, churn, the manager view, the period comparison, figures, HTML) and
   a DuckDB script that reads the same CSV and runs the SQL twins of ABC-XYZ, concentration and
   churn from ``bench_analytics.py``. Target: report ≤ 1.5 × DuckDB.
2. **The ABC-XYZ workbook.** In one process, the ABC-XYZ result of ``--table-clients`` clients
   (default 500 k, as in the issue: a bigger company is generated and the ranked table cut there) written as
   XLSX (:func:`kamlib.abc_xyz_to_excel`, xlsxwriter in constant-memory mode) and as CSV (the
   export's writer). Target: XLSX ≤ 3 × CSV.

Wall and CPU time (user + system of the child) are shown; on a machine shared with other work
read the CPU column. Minimum of ``--repeat`` runs. Not part of the test suite.

Usage::

    python bench/bench_report_pipeline.py                        # 5 M lines, 500 k clients
    python bench/bench_report_pipeline.py --lines 500000 --clients 50000 --repeat 1
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from bench_report import _time  # noqa: E402  (wall and CPU seconds of one fresh process)

DUCK = r"""
import sys, duckdb
sys.path.insert(0, sys.argv[2])
import bench_analytics as b
from kamlib.labels import t
con = duckdb.connect()
con.execute(f"CREATE TABLE orders AS SELECT * FROM read_csv('{sys.argv[1]}', header=true, "
            "columns={'order_id': 'VARCHAR', 'client_id': 'VARCHAR', 'date': 'DATE', 'revenue': 'DOUBLE', "
            "'cost': 'DOUBLE'})")
p_end = (b.AS_OF.year - 1970) * 12 + b.AS_OF.month - 1
con.execute(b.ABC_XYZ_SQL.format(as_of=b.AS_OF.date(), p_end=p_end)).fetchall()
labels = {k: t(f"dependency.{k}") for k in ("critical", "high", "warning", "normal")}
con.execute(b.CONCENTRATION_SQL.format(**labels)).fetchall()
labels = {k: t(f"churn.{k}") for k in ("no_purchase", "one_off", "lost", "at_risk", "active")}
con.execute(b.CHURN_SQL.format(as_of=b.AS_OF.date(), **labels)).fetchall()
"""


def _best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--clients", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--skip-report", action="store_true", help="only the XLSX/CSV ratio")
    parser.add_argument("--table-clients", type=int, default=500_000,
                        help="clients in the ABC-XYZ table written as XLSX and CSV (0: those of the report data)")
    args = parser.parse_args(argv)

    import numpy as np
    import pandas as pd

    import bench_analytics as b
    import kamlib

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f} (shared with other work: read the CPU column)")
    t0 = time.perf_counter()
    orders = b.make_orders(args.lines, args.clients)
    print(f"data: {len(orders):,} lines, {orders['client_id'].nunique():,} clients, built in "
          f"{time.perf_counter() - t0:.1f} s")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.skip_report:
            csv = tmp / "orders.csv"
            t0 = time.perf_counter()
            orders.assign(order_id=np.arange(len(orders)).astype(str), date=orders["date"].dt.strftime("%Y-%m-%d"))[
                ["order_id", "client_id", "date", "revenue", "cost"]].to_csv(csv, index=False)
            print(f"CSV written: {csv.stat().st_size / 2**20:,.0f} MiB in {time.perf_counter() - t0:.1f} s")
            report = [sys.executable, "-m", "kamlib.cli", "report", str(csv), "-o", str(tmp / "r.html"), "--force",
                      "--quiet", "--as-of", "2025-12-31"]
            duck = [sys.executable, "-c", DUCK, str(csv), str(ROOT / "bench")]
            runs_k, runs_d = [], []
            for _ in range(args.repeat):
                runs_d.append(_time(duck, env))
                runs_k.append(_time(report, env))
            (kw, kc), (dw, dc) = _best(runs_k), _best(runs_d)
            print(f"{'':34}{'wall s':>9}{'CPU s':>9}")
            print(f"{'kam report (whole command)':34}{kw:9.2f}{kc:9.2f}")
            print(f"{'duckdb read + ABC-XYZ + conc. + churn':34}{dw:9.2f}{dc:9.2f}")
            print(f"{'ratio report / duckdb':34}{kw / dw:9.2f}{kc / dc:9.2f}   target <= 1.5")

        # the size: an ABC-XYZ table of --table-clients clients (more clients generated, all
        # history, the ranked table cut at that many rows)
        big = orders if args.table_clients <= 0 else b.make_orders(args.lines, int(args.table_clients * 1.4))
        result = kamlib.abc_xyz(big, as_of="2025-12-31", months=None)
        if args.table_clients > 0:
            result = result.head(args.table_clients)
        del big
        from kamlib._exports import write_csv

        xl, cs = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            write_csv(result, tmp / "abc.csv")
            cs.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            kamlib.abc_xyz_to_excel(result, tmp / "abc.xlsx", overwrite=True)
            xl.append(time.perf_counter() - t0)
        print(f"ABC-XYZ table of {len(result):,} clients: CSV {min(cs):.2f} s, XLSX {min(xl):.2f} s, "
              f"ratio {min(xl) / min(cs):.2f}   target <= 3")
    return 0


if __name__ == "__main__":
    sys.exit(main())

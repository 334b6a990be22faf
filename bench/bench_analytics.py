"""Benchmark: kamlib's client analytics against the same results in DuckDB SQL.

Builds a synthetic orders table (default: 10 million lines, 100,000 clients,
36 months; seeded, vectorised), then for each analysis

1. times the ``kamlib`` function,
2. times DuckDB SQL computing the same per-client result from the same pandas
   frame in the same process,
3. checks that both agree, and
4. reports the ratio kamlib / DuckDB and the peak memory.

Peak memory: ``tracemalloc`` would slow NumPy work several-fold on 10 M rows, so
each measured step runs in a fresh child process (``fork``, sharing the
generated table copy-on-write) and reports the growth of its peak resident set
size (``resource.getrusage(RUSAGE_SELF).ru_maxrss``) over the size it started
with: the extra memory the step needed on top of the table.

Not part of the test suite. DuckDB is a benchmark-only dependency
(``pip install kamlib[bench]``).

Usage::

    python bench/bench_analytics.py                       # 10 M lines, 100 k clients
    python bench/bench_analytics.py --lines 1000000 --clients 10000
    python bench/bench_analytics.py --only abc_xyz --repeat 3
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import kamlib  # noqa: E402

START = pd.Timestamp("2023-01-01")
MONTHS = 36
AS_OF = pd.Timestamp("2025-12-31")  # last day of the 36 months


# --- synthetic data -------------------------------------------------------------------


def make_orders(n_lines: int, n_clients: int, seed: int = 2024, ids: str = "fixed") -> pd.DataFrame:
    """A seeded orders table: client_id (str), date, revenue, cost; sorted by date.

    ``ids``: "fixed" gives ids of one width ("C000001"), "varied" of varying width
    ("C1" … "C100000": pandas' general text factorisation), "category" a
    categorical column (as ``read_csv(dtype={"client_id": "category"})`` gives).

    Client sizes are log-normal (a few large accounts, many small ones); each
    client has its own active span (a quarter start late, a fifth stop early),
    so the XYZ windows and the churn statuses differ. About 1 % of lines are
    returns (negative revenue and cost). Everything is vectorised.
    """
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    days_total = int((AS_OF - START).days) + 1
    size = rng.lognormal(mean=0.0, sigma=1.2, size=n_clients)
    first = np.where(rng.random(n_clients) < 0.25, rng.integers(0, days_total - 60, n_clients), 0)
    last = np.where(
        rng.random(n_clients) < 0.20,
        first + (rng.random(n_clients) * (days_total - first)).astype(np.int64),
        days_total - 1,
    )
    span = last - first + 1
    weight = size * span
    cum = np.cumsum(weight)
    client = np.searchsorted(cum, rng.random(n_lines) * cum[-1], side="right")
    client = np.minimum(client, n_clients - 1)
    day = first[client] + (rng.random(n_lines) * span[client]).astype(np.int64)
    revenue = np.round(rng.lognormal(mean=6.0, sigma=0.8, size=n_lines) * (0.5 + size[client] ** 0.3), 2)
    returns = rng.random(n_lines) < 0.01
    revenue[returns] *= -0.5
    cost = np.round(revenue * rng.uniform(0.55, 0.9, n_lines), 2)

    order = np.argsort(day, kind="stable")  # exports come sorted by date
    client, day, revenue, cost = client[order], day[order], revenue[order], cost[order]
    names = [f"C{i:06d}" if ids != "varied" else f"C{i}" for i in range(1, n_clients + 1)]
    if ids == "category":
        client_id = pd.Categorical.from_codes(client, categories=pd.Index(names, dtype="str"))
    else:
        client_id = pd.array(pa.array(names).take(pa.array(client)), dtype="str")
    date = (np.datetime64(START.date(), "D") + day).astype("datetime64[us]")
    return pd.DataFrame({"client_id": client_id, "date": date, "revenue": revenue, "cost": cost})


# --- DuckDB versions of the same analyses ----------------------------------------------------

ABC_XYZ_SQL = """
WITH lines AS (
    SELECT client_id, date_diff('month', DATE '1970-01-01', CAST(date AS DATE)) AS p, revenue AS v
    FROM orders WHERE CAST(date AS DATE) <= DATE '{as_of}'
),
cells AS (SELECT client_id, p, sum(v) AS s FROM lines GROUP BY client_id, p),
per_client AS (
    SELECT client_id, sum(s) AS total, min(p) AS first_p,
           {p_end} - min(p) + 1 AS n_window,
           count(*) AS n_cells
    FROM cells GROUP BY client_id
),
dev AS (
    SELECT c.client_id, sum((c.s - pc.total / pc.n_window) ^ 2) AS ss_cells
    FROM cells c JOIN per_client pc USING (client_id) GROUP BY c.client_id
),
stats AS (
    SELECT pc.*, pc.total / pc.n_window AS mean,
           sqrt((d.ss_cells + (pc.n_window - pc.n_cells) * (pc.total / pc.n_window) ^ 2) / pc.n_window) AS sd
    FROM per_client pc JOIN dev d USING (client_id)
),
ranked AS (
    SELECT *, sum(total) OVER (ORDER BY total DESC, client_id ASC ROWS UNBOUNDED PRECEDING)
              / sum(total) OVER () AS cum_share,
           row_number() OVER (ORDER BY total DESC, client_id ASC) AS rank
    FROM stats WHERE total > 0
)
SELECT client_id, total, cum_share,
       CASE WHEN rank = 1 OR cum_share <= 0.80 + 1e-9 THEN 'A'
            WHEN cum_share <= 0.95 + 1e-9 THEN 'B' ELSE 'C' END AS abc,
       sd / mean AS cv,
       CASE WHEN n_window < 6 THEN 'insufficient history'
            WHEN sd / mean < 0.10 - 1e-9 THEN 'X'
            WHEN sd / mean <= 0.25 + 1e-9 THEN 'Y' ELSE 'Z' END AS xyz
FROM ranked ORDER BY rank
"""


def duck_abc_xyz(con, orders: pd.DataFrame) -> pd.DataFrame:
    p_end = (AS_OF.year - 1970) * 12 + AS_OF.month - 1
    con.register("orders", orders)
    try:
        return con.execute(ABC_XYZ_SQL.format(as_of=AS_OF.date(), p_end=p_end)).df()
    finally:
        con.unregister("orders")


def kam_abc_xyz(orders: pd.DataFrame) -> pd.DataFrame:
    return kamlib.abc_xyz(orders, as_of=AS_OF, months=None, method="cv")  # the SQL twin: all history, CV


def check_abc_xyz(kam: pd.DataFrame, duck: pd.DataFrame) -> str:
    """Same ranking (up to swaps of near-equal totals), shares, classes and CVs."""
    k = kam[kam["ranked"]].reset_index(drop=True)
    assert len(k) == len(duck), f"ranked clients: kamlib {len(k)}, duckdb {len(duck)}"
    # by position: the sorted totals, cumulative shares and ABC classes
    assert np.allclose(k["revenue"], duck["total"], rtol=1e-9), "sorted totals differ"
    assert np.allclose(k["cum_share"], duck["cum_share"], rtol=1e-9), "cumulative shares differ"
    assert (k["abc"].to_numpy() == duck["abc"].to_numpy()).all(), "ABC classes differ"
    # order: a different client at a position only where totals tie to 1e-9 (sums in another order)
    swapped = np.flatnonzero(k["client_id"].to_numpy() != duck["client_id"].to_numpy())
    tot = k["revenue"].to_numpy()
    near = np.isclose(tot[swapped], tot[np.maximum(swapped - 1, 0)], rtol=1e-9) | np.isclose(
        tot[swapped], tot[np.minimum(swapped + 1, len(tot) - 1)], rtol=1e-9)
    assert near.all(), f"ranking order differs at position {swapped[~near][:3]}"
    # by client: CV and XYZ
    m = k.merge(duck, on="client_id", suffixes=("", "_duck"))
    assert len(m) == len(k), "different clients"
    assert np.allclose(m["cv"], m["cv_duck"], rtol=1e-7, equal_nan=True), "CVs differ"
    assert (m["xyz"].to_numpy() == m["xyz_duck"].to_numpy()).all(), "XYZ classes differ"
    return f"{len(k):,} clients ranked; same classes" + (f" ({len(swapped)} near-tie swaps)" if len(swapped) else "")


CONCENTRATION_SQL = """
WITH per_client AS (SELECT client_id, sum(revenue) AS total FROM orders GROUP BY client_id),
positive AS (
    SELECT client_id, total, total / sum(total) OVER () AS share,
           row_number() OVER (ORDER BY total DESC, client_id ASC) AS rank
    FROM per_client WHERE total > 0
),
cum AS (SELECT *, sum(share) OVER (ORDER BY rank ROWS UNBOUNDED PRECEDING) AS cum_share FROM positive),
-- the company-wide figures once, then beside every client (FILTER inside an OVER () window made DuckDB
-- spend 33 s of a 38 s pipeline here on 430 k clients)
company AS (
    SELECT 10000 * sum(share * share) AS hhi,
           sum(share) FILTER (WHERE rank <= 10) AS top10_share,
           count(*) FILTER (WHERE cum_share < 0.80 - 1e-9) + 1 AS pareto_n
    FROM cum
)
SELECT client_id, total, share, cum_share, rank,
       CASE WHEN share > 0.50 THEN '{critical}' WHEN share > 0.40 THEN '{high}'
            WHEN share > 0.20 THEN '{warning}' ELSE '{normal}' END AS dependency,
       hhi, top10_share, pareto_n
FROM cum CROSS JOIN company ORDER BY rank
"""


def duck_concentration(con, orders: pd.DataFrame) -> pd.DataFrame:
    from kamlib.labels import t

    con.register("orders", orders)
    try:
        labels = {k: t(f"dependency.{k}") for k in ("critical", "high", "warning", "normal")}
        return con.execute(CONCENTRATION_SQL.format(**labels)).df()
    finally:
        con.unregister("orders")


def kam_concentration(orders: pd.DataFrame):
    return kamlib.concentration(orders)


def check_concentration(kam, duck: pd.DataFrame) -> str:
    k = kam.clients.reset_index(drop=True)
    assert len(k) == len(duck), f"clients: kamlib {len(k)}, duckdb {len(duck)}"
    assert np.allclose(k["revenue"], duck["total"], rtol=1e-9), "sorted totals differ"
    assert np.allclose(k["share"], duck["share"], rtol=1e-9), "shares differ"
    assert np.allclose(k["cum_share"], duck["cum_share"], rtol=1e-9), "cumulative shares differ"
    assert (k["dependency"].astype(str).to_numpy() == duck["dependency"].to_numpy()).all(), "dependency differs"
    summary = kam.summary.iloc[0]
    assert np.isclose(summary["hhi"], duck["hhi"].iloc[0], rtol=1e-9), "HHI differs"
    assert np.isclose(summary["top10_share"], duck["top10_share"].iloc[0], rtol=1e-9), "top-10 share differs"
    assert int(summary["pareto_n"]) == int(duck["pareto_n"].iloc[0]), "Pareto count differs"
    return f"{len(k):,} clients; HHI {summary['hhi']:,.1f}, 80 % from {int(summary['pareto_n']):,} clients"


CHURN_SQL = """
WITH lines AS (SELECT client_id, CAST(date AS DATE) AS day, revenue FROM orders
               WHERE CAST(date AS DATE) <= DATE '{as_of}'),
everyone AS (SELECT DISTINCT client_id FROM lines),
days AS (SELECT DISTINCT client_id, day FROM lines WHERE revenue > 0),
gaps AS (SELECT client_id, day, day - lag(day) OVER (PARTITION BY client_id ORDER BY day) AS gap FROM days),
per_client AS (
    SELECT client_id, min(day) AS first_purchase, max(day) AS last_purchase, count(*) AS purchase_days,
           median(gap) AS usual_gap_days
    FROM gaps GROUP BY client_id
),
status AS (
    SELECT e.client_id, p.last_purchase, coalesce(p.purchase_days, 0) AS purchase_days, p.usual_gap_days,
           DATE '{as_of}' - p.last_purchase AS days_since_last,
           greatest(p.usual_gap_days, 14) AS expected
    FROM everyone e LEFT JOIN per_client p USING (client_id)
)
SELECT client_id, last_purchase, purchase_days, usual_gap_days, days_since_last,
       CASE WHEN purchase_days = 0 THEN '{no_purchase}'
            WHEN purchase_days = 1 THEN '{one_off}'
            WHEN days_since_last > 3.0 * expected THEN '{lost}'
            WHEN days_since_last > 1.5 * expected THEN '{at_risk}'
            ELSE '{active}' END AS status
FROM status ORDER BY client_id
"""


def duck_churn_status(con, orders: pd.DataFrame) -> pd.DataFrame:
    from kamlib.labels import t

    con.register("orders", orders)
    try:
        labels = {k: t(f"churn.{k}") for k in ("no_purchase", "one_off", "lost", "at_risk", "active")}
        return con.execute(CHURN_SQL.format(as_of=AS_OF.date(), **labels)).df()
    finally:
        con.unregister("orders")


def kam_churn_status(orders: pd.DataFrame) -> pd.DataFrame:
    return kamlib.churn_status(orders, as_of=AS_OF)


def check_churn_status(kam: pd.DataFrame, duck: pd.DataFrame) -> str:
    assert len(kam) == len(duck), f"clients: kamlib {len(kam)}, duckdb {len(duck)}"
    assert (kam["client_id"].to_numpy() == duck["client_id"].to_numpy()).all(), "clients differ"
    assert (kam["purchase_days"].to_numpy() == duck["purchase_days"].to_numpy()).all(), "purchase days differ"
    assert np.allclose(kam["usual_gap_days"], duck["usual_gap_days"], equal_nan=True), "usual gaps differ"
    assert (kam["days_since_last"].to_numpy(dtype=float, na_value=np.nan)
            == duck["days_since_last"].to_numpy(dtype=float, na_value=np.nan))[kam["days_since_last"].notna()].all(), \
        "days since last differ"
    assert (kam["status"].astype(str).to_numpy() == duck["status"].to_numpy()).all(), "statuses differ"
    counts = kam["status"].astype(str).value_counts()
    return f"{len(kam):,} clients; " + ", ".join(f"{k} {v:,}" for k, v in counts.items())


# --- timing harness ---------------------------------------------------------------------------

_ORDERS: pd.DataFrame | None = None  # set before forking, shared copy-on-write


def _rss_mib() -> float:
    """Current resident set size in MiB (Linux /proc)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _child(name: str, fn: Callable, queue: mp.Queue) -> None:
    try:
        base = _rss_mib()
        if name.startswith("duckdb"):
            import duckdb

            con = duckdb.connect()
            con.execute(f"SET threads TO {os.cpu_count()}")
            t0 = time.perf_counter()
            out = fn(con, _ORDERS)
        else:
            t0 = time.perf_counter()
            out = fn(_ORDERS)
        elapsed = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB on Linux
        queue.put((elapsed, peak - base, out))
    except BaseException as exc:  # report, do not hang the parent
        queue.put((float("nan"), float("nan"), exc))


def measure(name: str, fn: Callable, repeat: int) -> tuple[float, float, object]:
    """Best time over ``repeat`` runs, the peak extra memory, and the last result (each run in a fresh child)."""
    ctx = mp.get_context("fork")
    best, mem, out = float("inf"), 0.0, None
    for _ in range(repeat):
        queue = ctx.Queue()
        proc = ctx.Process(target=_child, args=(name, fn, queue))
        proc.start()
        elapsed, extra, out = queue.get()
        proc.join()
        if isinstance(out, BaseException):
            raise out
        best, mem = min(best, elapsed), max(mem, extra)
    return best, mem, out


ANALYSES: dict[str, tuple[Callable, Callable, Callable]] = {
    "abc_xyz": (kam_abc_xyz, duck_abc_xyz, check_abc_xyz),
    "concentration": (kam_concentration, duck_concentration, check_concentration),
    "churn_status": (kam_churn_status, duck_churn_status, check_churn_status),
}


def main(argv: list[str] | None = None) -> int:
    global _ORDERS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the best time is kept")
    parser.add_argument("--only", action="append", choices=sorted(ANALYSES), help="run only these analyses")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--ids", choices=("fixed", "varied", "category"), default="fixed",
                        help="client_id format: one width (default), varying width, or categorical")
    args = parser.parse_args(argv)

    import duckdb

    t0 = time.perf_counter()
    _ORDERS = make_orders(args.lines, args.clients, args.seed, args.ids)
    built = time.perf_counter() - t0
    print(f"python {platform.python_version()}, pandas {pd.__version__}, numpy {np.__version__}, "
          f"duckdb {duckdb.__version__}, {os.cpu_count()} cores")
    print(f"built {len(_ORDERS):,} order lines for {_ORDERS['client_id'].nunique():,} clients over "
          f"{MONTHS} months in {built:.1f} s ({_ORDERS.memory_usage(deep=True).sum() / 2**20:,.0f} MiB), "
          f"client_id {args.ids}")
    print()
    header = f"{'analysis':<14}{'kamlib s':>10}{'duckdb s':>10}{'ratio':>8}{'kamlib MiB':>12}{'duckdb MiB':>12}  check"
    print(header)
    print("-" * len(header))
    for name in args.only or list(ANALYSES):
        kam_fn, duck_fn, check = ANALYSES[name]
        k_time, k_mem, k_out = measure(name, kam_fn, args.repeat)
        d_time, d_mem, d_out = measure(f"duckdb {name}", duck_fn, args.repeat)
        try:
            verdict = check(k_out, d_out)
        except AssertionError as exc:
            verdict = f"MISMATCH: {exc}"
        print(f"{name:<14}{k_time:>10.2f}{d_time:>10.2f}{k_time / d_time:>8.2f}{k_mem:>12,.0f}{d_mem:>12,.0f}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark: how long ``kam report`` takes on the sample company, against just reading the data.

Both are timed as the analyst meets them, as fresh processes (interpreter start, imports and
all), each ``--repeat`` times; the minimum is the figure least disturbed by other work on the
machine, the median shows the spread. The baseline process imports kamlib and reads the same
three tables with the same readers the command uses, so the ratio is the price of the
analyses, the figures and the HTML on top of loading. The issue's target: the report for
the sample company in under 3 s.

Not part of the test suite (speed is measured here, not asserted in a test).

Usage::

    python bench/bench_report.py                 # data/, 5 runs each
    python bench/bench_report.py --repeat 9 --data path/to/folder
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BASELINE = """
import sys
from kamlib.data._readers import read_table
folder = sys.argv[1]
read_table(folder + "/orders.csv", "orders", on_error="exclude")
read_table(folder + "/clients.csv", "clients", on_error="exclude")
read_table(folder + "/nps_responses.csv", "nps_responses", on_error="exclude")
"""


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(ROOT / "data"), help="a folder with orders/clients/nps_responses.csv")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each process (default 5)")
    args = parser.parse_args(argv)

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    data = str(Path(args.data).resolve())
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        report = [sys.executable, "-m", "kamlib.cli", "report", data, "-o", str(out), "--force", "--quiet"]
        baseline = [sys.executable, "-c", BASELINE, data]
        _time(report, env)  # warm the file cache and matplotlib's font cache
        runs_report, runs_base = [], []
        for _ in range(args.repeat):  # interleaved, so a burst of load hits both alike
            runs_base.append(_time(baseline, env))
            runs_report.append(_time(report, env))
        size = out.stat().st_size

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"data: {data}  ({args.repeat} runs each, fresh processes)")
    print(f"{'':28}{'min':>8}{'median':>9}")
    print(f"{'read the three tables':28}{min(runs_base):8.2f}{statistics.median(runs_base):9.2f} s")
    print(f"{'kam report (whole command)':28}{min(runs_report):8.2f}{statistics.median(runs_report):9.2f} s")
    print(f"{'ratio report / reading':28}{min(runs_report) / min(runs_base):8.2f}"
          f"{statistics.median(runs_report) / statistics.median(runs_base):9.2f}")
    print(f"report size: {size / 1024:.0f} KiB; target: under 3 s -> "
          f"{'met' if min(runs_report) < 3 else 'NOT met'} (min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""CDNOW, real sales data nobody here made, fetched from PyPI and cached for the real-data tests.

CDNOW_master.txt (69,659 purchases of 23,570 customers of the CD retailer CDNOW, January 1997
to June 1998; Fader & Hardie's well-known data set) ships inside the ``lifetimes==0.11.3`` wheel.
:func:`cdnow_master` downloads that wheel once with the venv's own pip
(``python -m pip download lifetimes==0.11.3 --no-deps``), extracts the one file into a
git-ignored cache folder (``<repo>/.cache/kamlib-tests/``, or ``$KAMLIB_TEST_CACHE``) and
returns its path. When PyPI cannot be reached the caller skips with the reason; any other
failure (the wheel no longer holds the file, pip broken) is an error, not a skip.

:func:`write_1c_export` turns it into what a Russian accounting system (1C) would export: cp1251,
``;``, Cyrillic headers, a title block above the header, dd.mm.yyyy dates, decimal commas with
no-break-space thousands, one document number per customer and day shared by that day's lines,
and a totals line "Итого" at the bottom.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
WHEEL = "lifetimes==0.11.3"
MEMBER = "lifetimes/datasets/CDNOW_master.txt"
NBSP = "\u00a0"
TITLE = [
    'ООО "Музыкальный дом"',
    "Продажи по контрагентам за период 01.01.1997 - 30.06.1998",
    "",
]
HEADER = "Контрагент;Дата;Документ;Номенклатура;Количество;Сумма"
COLUMNS_1C = {"Контрагент": "client_id", "Дата": "date", "Количество": "quantity", "Сумма": "revenue",
              "Номенклатура": "product_group"}


class Unreachable(Exception):
    """PyPI could not be reached (the tests skip with this message)."""


def cache_dir() -> Path:
    folder = Path(os.environ.get("KAMLIB_TEST_CACHE") or ROOT / ".cache" / "kamlib-tests")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _pypi_reachable(timeout: float = 5.0) -> bool:
    try:
        with socket.create_connection(("pypi.org", 443), timeout=timeout):
            return True
    except OSError:
        return False


def cdnow_master() -> Path:
    """Path of CDNOW_master.txt, downloaded once (raises :class:`Unreachable` without PyPI)."""
    folder = cache_dir()
    target = folder / "CDNOW_master.txt"
    if target.is_file() and target.stat().st_size > 1_000_000:
        return target
    wheels = sorted(folder.glob("[Ll]ifetimes-0.11.3-*.whl"))
    if not wheels:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", WHEEL, "--no-deps", "--disable-pip-version-check",
             "-d", str(folder)],
            capture_output=True, text=True, timeout=300,
        )
        wheels = sorted(folder.glob("[Ll]ifetimes-0.11.3-*.whl"))
        if not wheels:
            if not _pypi_reachable():
                raise Unreachable(f"PyPI is unreachable, cannot download {WHEEL}: {done.stderr.strip()[-300:]}")
            raise RuntimeError(f"pip download {WHEEL} failed: {done.stderr.strip()[-2000:]}")
    with zipfile.ZipFile(wheels[-1]) as wheel:
        data = wheel.read(MEMBER)  # KeyError here means the wheel changed: an error, not a skip
    tmp = target.with_suffix(".part")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target


def independent_frame(path: Path) -> pd.DataFrame:
    """The file read with plain pandas (no kamlib): customer_id as text, date, quantity, amount."""
    df = pd.read_csv(path, sep=r"\s+", dtype={"customer_id": str, "date": str})
    df["date"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df


def _ru(x: float) -> str:
    cents = round(abs(x) * 100)
    whole, frac = divmod(cents, 100)
    s = f"{whole:,}".replace(",", NBSP)
    return ("-" if x < 0 else "") + f"{s},{frac:02d}"


def client_name(customer_id: str) -> str:
    """The 1C counterparty name the export gives a CDNOW customer."""
    return f"Покупатель {customer_id}"


def write_1c_export(source: pd.DataFrame, path: Path) -> dict:
    """Write ``source`` (from :func:`independent_frame`) as a 1C export; returns its layout facts."""
    df = source.reset_index(drop=True)
    doc_no = df.groupby(["customer_id", "date"], sort=False).ngroup() + 1
    lines = list(TITLE) + [HEADER]
    for cid, date, qty, amount, doc in zip(df["customer_id"], df["date"], df["number_of_cds"], df["dollar_value"], doc_no):
        lines.append(f"{client_name(cid)};{date:%d.%m.%Y};РН-{doc:06d};Компакт-диски;{qty};{_ru(amount)}")
    total = round(float(df["dollar_value"].sum()), 2)
    lines.append(f"Итого;;;;{int(df['number_of_cds'].sum())};{_ru(total)}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    header_line = len(TITLE) + 1
    return {
        "header_line": header_line,
        "totals_line": header_line + len(df) + 1,
        "documents": int(doc_no.max()),
        "total": total,
    }

"""Write the sample company's orders the way a Russian accounting system exports them.

The result, ``examples/export_1c.csv``, is what an analyst typically gets from a 1C-like
"Продажи" (sales) report: a title line above the header, Cyrillic headers, ``;`` between
fields, cp1251 encoding, decimal commas with no-break-space thousands separators, dates as
dd.mm.yyyy, the client's name in "Контрагент", product groups in Russian, returns as negative
lines, and an "Итого" (total) line at the bottom. ``examples/columns.toml`` maps it onto
kamlib's canonical columns, so this works without editing the file::

    kam report examples/export_1c.csv --columns examples/columns.toml -o report.html

The numbers are exactly the sample company's (``kamlib.load_sample()``): read back with the
mapping, the export gives the same lines and the same revenue, client by client; only the
"Итого" line is excluded (it has no document number), and the load report says so.

Usage::

    python examples/make_export.py                  # writes examples/export_1c.csv
    python examples/make_export.py out.csv --seed 7 # a personal variant
    python examples/make_export.py --force          # replace an existing file
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # run from a checkout without installing kamlib

import kamlib  # noqa: E402

# the sample's product groups as a Russian export names them
PRODUCT_GROUPS = {
    "boards": "Плиты ДСП",
    "fasteners": "Крепёж",
    "paints": "Лакокрасочные материалы",
    "tools": "Инструмент",
    "household chemicals": "Бытовая химия",
    "packaging": "Упаковка",
}
HEADER = ["Номер", "Дата", "Контрагент", "Номенклатура", "Количество", "Сумма", "Себестоимость"]
NBSP = "\u00a0"


def money(values: pd.Series) -> pd.Series:
    """1234567.5 -> '1 234 567,50' (no-break spaces, decimal comma), as the export shows money."""
    return values.map(lambda v: f"{v:,.2f}".replace(",", NBSP).replace(".", ","))


def whole(values: pd.Series) -> pd.Series:
    """3125.0 -> '3 125'; a fractional quantity keeps up to three decimals with a comma."""
    def one(v: float) -> str:
        if float(v).is_integer():
            return f"{v:,.0f}".replace(",", NBSP)
        return f"{v:,.3f}".rstrip("0").replace(",", NBSP).replace(".", ",")

    return values.map(one)


def export_frame(orders: pd.DataFrame, clients: pd.DataFrame) -> pd.DataFrame:
    """The orders under the export's headers, every value as the export's text."""
    names = dict(zip(clients["client_id"], clients["name"]))
    return pd.DataFrame({
        "Номер": "РТ-" + orders["order_id"].str.lstrip("L"),
        "Дата": orders["date"].dt.strftime("%d.%m.%Y"),
        "Контрагент": orders["client_id"].map(names),
        "Номенклатура": orders["product_group"].map(PRODUCT_GROUPS),
        "Количество": whole(orders["quantity"]),
        "Сумма": money(orders["revenue"]),
        "Себестоимость": money(orders["cost"]),
    })


def write_export(path: Path, seed: int = kamlib.SAMPLE_SEED) -> Path:
    """Write the export (cp1251, ``;``, CRLF line ends as Windows programs write them)."""
    data = kamlib.load_sample(seed)
    frame = export_frame(data.orders, data.clients)
    first, last = frame["Дата"].iloc[0], frame["Дата"].iloc[-1]
    total = ["Итого", "", "", "", "", money(pd.Series([data.orders["revenue"].sum()])).iloc[0], ""]
    lines = [f"Продажи за период {first} - {last}", ";".join(HEADER)]
    lines += [";".join(row) for row in frame.itertuples(index=False, name=None)]
    lines.append(";".join(total))
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default=str(HERE / "export_1c.csv"), help="the file to write")
    parser.add_argument("--seed", type=int, default=kamlib.SAMPLE_SEED, help="the sample company's seed")
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")
    args = parser.parse_args(argv)
    path = Path(args.output)
    if path.exists() and not args.force:
        print(f"{path} exists; use --force to replace it", file=sys.stderr)
        return 3
    write_export(path, args.seed)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

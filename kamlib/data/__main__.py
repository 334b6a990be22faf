"""``python -m kamlib.data [--seed N] FOLDER``: write the sample company and its data dictionary.

Used to regenerate the committed ``data/`` folder:
``python -m kamlib.data data --overwrite``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ._dictionary import splice
from ._sample import SAMPLE_SEED, write_sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kamlib.data", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=SAMPLE_SEED)
    parser.add_argument("--overwrite", action="store_true", help="replace existing table files")
    args = parser.parse_args(argv)
    for path in write_sample(args.folder, args.seed, overwrite=args.overwrite):
        print(f"wrote {path}")
    readme = args.folder / "README.md"
    if readme.exists():
        readme.write_text(splice(readme.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"updated the data dictionary in {readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The ``kam`` command line: the course's analyses on your own files, without a notebook.

::

    kam report ORDERS [--clients CLIENTS] [--nps NPS] [--as-of DATE] [--columns MAP]
               [--months N|all] [--abc A,B] [--xyz X,Y] [--xyz-method frequency|cv]
               [--period month|quarter] [--export-dir DIR [--excel-ru]] -o report.html
    kam abc-xyz ORDERS [--months N|all] [...] -o result.xlsx          (or result.csv)
    kam sample DIR [--seed N]
    kam class-report FOLDER [--csv class.csv] [--html class.html] [--execute]   (= python3 workbook.py grade)

Run ``kam --help`` or ``kam <command> --help`` for the options and examples.
``python -m kamlib.cli`` works the same where the ``kam`` script is not on the PATH.

Exit codes (scripts can rely on them):

- 0 done;
- 1 bad input data (a file is missing, empty, or lacks a column; no row can be used) —
  one line on stderr, no traceback;
- 2 usage error (an unknown option, a bad value such as ``--as-of 31/02``, a mapping file
  that does not exist);
- 3 the output exists and ``--force`` was not given (nothing was written, no work was done);
- 4 an unexpected error: one line, and ``--debug`` shows the traceback;
- 130 interrupted (Ctrl+C).

An output file is never replaced without ``--force``: the command checks before doing any
work, writes to a temporary file in the same folder, and moves it into place at the end
(atomically; without ``--force`` the final step refuses to replace a file that appeared in
the meantime).
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path

from ._errors import KamArgumentError, KamDataError, KamError
from .labels import t

__all__ = ["main", "EXIT_OK", "EXIT_DATA", "EXIT_USAGE", "EXIT_EXISTS", "EXIT_INTERNAL"]

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2
EXIT_EXISTS = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

PROG = "kam"


class _OutputExists(Exception):
    """The output path exists and --force was not given."""

    def __init__(self, path: Path) -> None:
        super().__init__(t("cli.output_exists", path=path))
        self.path = path


class _UsageError(Exception):
    """A usage error found after parsing (e.g. an output extension the command cannot write)."""


# ----------------------------------------------------------------------------------------------
# progress on a terminal
# ----------------------------------------------------------------------------------------------


class _Console:
    """Progress lines and notes on stderr. Progress only on a terminal; ``--quiet`` silences both."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.live = not quiet and sys.stderr.isatty()

    @contextmanager
    def step(self, text: str):
        """``reading orders… done (19,076 rows, 0.4 s)`` around a long step."""
        detail: dict[str, str] = {}
        start = time.perf_counter()
        if self.live:
            sys.stderr.write(f"{text}… ")
            sys.stderr.flush()
        try:
            yield detail
        except BaseException:
            if self.live:
                sys.stderr.write("\n")
                sys.stderr.flush()
            raise
        if self.live:
            seconds = time.perf_counter() - start
            extra = detail.get("text")
            sys.stderr.write(t("cli.done_detail", detail=extra, seconds=f"{seconds:.1f}") if extra
                             else t("cli.done", seconds=f"{seconds:.1f}"))
            sys.stderr.write("\n")
            sys.stderr.flush()

    def note(self, text: str) -> None:
        if not self.quiet:
            print(f"{PROG}: {t('cli.note')}: {_one_line(text)}", file=sys.stderr)

    def result(self, text: str) -> None:
        if not self.quiet:
            print(text)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


# ----------------------------------------------------------------------------------------------
# output files
# ----------------------------------------------------------------------------------------------


def _check_output(path: Path, force: bool) -> None:
    """Before any work: refuse an existing output unless --force; refuse a folder as output."""
    if path.is_dir():
        raise _UsageError(t("cli.output_is_folder", path=path))
    if path.exists() and not force:
        raise _OutputExists(path)


def _write_atomic(path: Path, write: Callable[[Path], None], force: bool) -> None:
    """:func:`kamlib._files.write_atomic`, with an existing file reported as the command's exit code 3."""
    from ._files import write_atomic

    try:
        write_atomic(path, write, force)
    except FileExistsError:
        raise _OutputExists(path) from None


# ----------------------------------------------------------------------------------------------
# argument types
# ----------------------------------------------------------------------------------------------


def _date_arg(text: str):
    """``2025-06-30`` or ``30.06.2025`` (the two unambiguous forms the readers accept too)."""
    import re

    import pandas as pd

    text = text.strip()
    formats = {r"\d{4}-\d{1,2}-\d{1,2}": "%Y-%m-%d", r"\d{1,2}\.\d{1,2}\.\d{4}": "%d.%m.%Y"}
    for pattern, fmt in formats.items():
        if re.fullmatch(pattern, text):
            try:
                return pd.to_datetime(text, format=fmt)
            except (TypeError, ValueError):
                break
    raise argparse.ArgumentTypeError(t("cli.bad_date", value=text))


def _pair_arg(text: str) -> tuple[float, float]:
    try:
        parts = [float(p) for p in text.replace(";", ",").split(",")]
    except ValueError:
        parts = []
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(t("cli.bad_pair", value=text))
    return parts[0], parts[1]


def _seed_arg(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(t("cli.bad_seed", value=text))
    return value


def _months_arg(text: str) -> int | None:
    """A whole number of months, or ``all`` for all history."""
    if text.strip().lower() in ("all", "none"):
        return None
    try:
        return _positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(t("report_cli.bad_months", value=text)) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(t("cli.bad_positive", value=text))
    return value


# ----------------------------------------------------------------------------------------------
# reading
# ----------------------------------------------------------------------------------------------

_WORDS = {"orders": "cli.table_orders", "clients": "cli.table_clients", "nps_responses": "cli.table_nps"}


def _find_in_folder(folder: Path, table: str) -> Path | None:
    from .data._folder import _SUFFIXES

    for suffix in _SUFFIXES:
        path = folder / f"{table}{suffix}"
        if path.is_file():
            return path
    return None


def _inputs(args: argparse.Namespace, tables: Sequence[str]) -> dict[str, Path | None]:
    """The file of each table: ORDERS may be a folder holding orders.csv, clients.csv, ..."""
    given = Path(args.orders)
    paths: dict[str, Path | None] = {name: None for name in tables}
    explicit = {"clients": getattr(args, "clients", None), "nps_responses": getattr(args, "nps", None)}
    if given.is_dir():
        found = _find_in_folder(given, "orders")
        if found is None:
            raise KamDataError(t("cli.no_orders_in_folder", folder=given), file=str(given))
        paths["orders"] = found
        for name in tables:
            if name != "orders":
                paths[name] = Path(explicit[name]) if explicit.get(name) else _find_in_folder(given, name)
    else:
        paths["orders"] = given
        for name in tables:
            if name != "orders" and explicit.get(name):
                paths[name] = Path(explicit[name])
    return paths


def _read(table: str, path: Path, columns: str | None, console: _Console):
    """One table through its kamlib reader; excluded rows become a note, never silence."""
    with console.step(t("cli.reading", table=t(_WORDS[table]))) as done:
        from .data._readers import load_report, read_table

        frame = read_table(path, table, columns=columns, on_error="exclude")
        report = load_report(frame)
        done["text"] = t("cli.rows", n=f"{len(frame):,}")
    if report.rows_excluded:
        reasons = ", ".join(f"{reason}: {n}" for reason, n in report.counts.items())
        console.note(t("cli.excluded_note", file=path, n=f"{report.rows_excluded:,}", reasons=reasons))
    return frame, report


def _load_gate(args: argparse.Namespace, console: _Console, frames: Sequence[object]) -> None:
    """Before any analysis: lines read/excluded and the share of revenue excluded, on stderr;
    more than 5 % of revenue excluded stops the command (exit 1) unless --allow-excluded."""
    from .data.read import check_as_of, check_excluded, load_summary

    summary = load_summary(*frames)
    if any(r.rows_excluded or r.findings for r in summary.reports):  # a clean load stays quiet
        for line in summary.lines():
            console.note(line)
    if not getattr(args, "allow_excluded", False):
        check_excluded(*frames)
    orders = frames[0] if frames else None
    if getattr(args, "as_of", None) is not None and orders is not None:
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            message = check_as_of(orders, args.as_of)
        if message:
            console.note(message)


# ----------------------------------------------------------------------------------------------
# the commands
# ----------------------------------------------------------------------------------------------


def _check_analysis_args(args: argparse.Namespace) -> None:
    """The cut-offs, before any work (like the output check)."""
    from .analytics._prep import check_cutoffs

    check_cutoffs(args.abc, "--abc", "0.8,0.95")
    if args.xyz is not None:
        check_cutoffs(args.xyz, "--xyz", "0.1,0.25" if args.xyz_method == "cv" else "0.33,0.75")


def _analysis_kwargs(args: argparse.Namespace) -> dict:
    return {"months": args.months, "abc": tuple(args.abc), "xyz": tuple(args.xyz) if args.xyz else None,
            "period": args.period}


def _import_in_background(module: str):
    """Start importing ``module`` in a thread (it runs while the reader's kernels release the GIL);
    ``.join()`` the returned thread before using it. An import error shows up at the real import."""
    import importlib
    import threading

    def load() -> None:
        try:
            importlib.import_module(module)
        except Exception:  # pragma: no cover - reported by the import that needs it
            pass

    thread = threading.Thread(target=load, name=f"import {module}", daemon=True)
    thread.start()
    return thread


def _cmd_report(args: argparse.Namespace, console: _Console) -> int:
    output = Path(args.output)
    _check_output(output, args.force)
    _check_analysis_args(args)
    export_dir = Path(args.export_dir) if args.export_dir else None
    if args.excel_ru and export_dir is None:
        raise _UsageError(t("report_cli.excel_ru_needs_dir"))
    if export_dir is not None:
        from ._exports import export_names

        if export_dir.exists() and not export_dir.is_dir():
            raise _UsageError(t("cli.not_a_folder", path=export_dir))
        for name in export_names():
            _check_output(export_dir / name, args.force)
    paths = _inputs(args, ("orders", "clients", "nps_responses"))
    from ._report import ReportSource, portfolio_report

    drawing = _import_in_background("matplotlib.figure")  # the report's figures; loads while the data is read
    frames = {}
    sources = []
    for table in ("orders", "clients", "nps_responses"):
        path = paths[table]
        if path is None:
            frames[table] = None
            continue
        frames[table], report = _read(table, path, args.columns, console)
        sources.append(ReportSource(table, str(path), report))
    _load_gate(args, console, [frames[name] for name in ("orders", "clients", "nps_responses")])
    notes = []
    if paths["nps_responses"] is None:
        notes.append(t("cli_report.note_no_nps"))

    with console.step(t("cli.analysing")):
        drawing.join()
        import matplotlib

        matplotlib.use("Agg")  # the CLI draws into files only; never in the library
        tables: dict = {}
        page = portfolio_report(frames["orders"], frames["clients"], frames["nps_responses"],
                                as_of=args.as_of, sources=sources, notes=notes, tables=tables,
                                xyz_method=args.xyz_method, **_analysis_kwargs(args))
    with console.step(t("cli.writing", path=output)):
        _write_atomic(output, lambda tmp: tmp.write_text(page, encoding="utf-8"), args.force)
    console.result(t("cli.wrote", path=output))
    if export_dir is not None:
        from ._exports import write_exports

        with console.step(t("cli.writing", path=export_dir)):
            written = write_exports(export_dir, tables, sources=sources, excel_ru=args.excel_ru,
                                    write=lambda path, fn: _write_atomic(path, fn, args.force))
        for path in written:
            console.result(t("cli.wrote", path=path))
    return EXIT_OK


def _cmd_abc_xyz(args: argparse.Namespace, console: _Console) -> int:
    output = Path(args.output)
    kind = output.suffix.lower()
    if kind not in (".xlsx", ".csv"):
        raise _UsageError(t("cli.bad_extension", path=output, valid=".xlsx, .csv"))
    _check_analysis_args(args)  # before any work, like the output check
    _check_output(output, args.force)
    paths = _inputs(args, ("orders", "clients"))
    orders, _ = _read("orders", paths["orders"], args.columns, console)
    clients = None
    if paths["clients"] is not None:
        clients, _ = _read("clients", paths["clients"], args.columns, console)
    _load_gate(args, console, [orders, clients])

    from .analytics._abc_xyz import abc_xyz, abc_xyz_matrix

    as_of = args.as_of if args.as_of is not None else orders["date"].max()
    with console.step(t("cli.analysing")):
        result = abc_xyz(orders, value=args.value, as_of=as_of, min_periods=args.min_periods,
                         method=args.xyz_method, **_analysis_kwargs(args))
        if clients is not None and "name" in clients:
            result = result.copy()  # keeps attrs (the settings the Excel export reads)
            result.insert(1, "name", result["client_id"].map(dict(zip(clients["client_id"], clients["name"]))))
    if args.as_of is None:
        console.note(t("cli.as_of_default", date=as_of.strftime("%Y-%m-%d")))
    console.note(t("window.caption", window=result.attrs["window"]))
    for note in result.attrs.get("notes", []):
        console.note(note)
    with console.step(t("cli.writing", path=output)):
        if kind == ".xlsx":
            from .analytics._excel import abc_xyz_to_excel

            matrix = abc_xyz_matrix(result)
            _write_atomic(output, lambda tmp: abc_xyz_to_excel(result, tmp, matrix=matrix, overwrite=True),
                          args.force)
        else:
            from ._exports import write_csv

            _write_atomic(output, lambda tmp: write_csv(result, tmp, args.excel_ru), args.force)
    console.result(t("cli.wrote", path=output))
    return EXIT_OK


def _cmd_sample(args: argparse.Namespace, console: _Console) -> int:
    from .data._folder import TABLE_NAMES
    from .data._sample import write_sample

    from .data._sample import SAMPLE_SEED

    seed = SAMPLE_SEED if args.seed is None else args.seed
    folder = Path(args.dir)
    if folder.exists() and not folder.is_dir():
        raise _UsageError(t("cli.not_a_folder", path=folder))
    existing = [folder / f"{name}.csv" for name in TABLE_NAMES if (folder / f"{name}.csv").exists()]
    if existing and not args.force:
        raise _OutputExists(existing[0] if len(existing) == 1 else folder)
    with console.step(t("cli.writing_sample", seed=seed)):
        paths = write_sample(folder, seed=seed, overwrite=args.force)
    console.result(t("cli.wrote_sample", n=len(paths), folder=folder, seed=seed))
    return EXIT_OK


def _cmd_class_report(args: argparse.Namespace, console: _Console) -> int:
    # the same options, output and exit codes as `python3 workbook.py grade` (kamlib.course.grade)
    from .course import grade

    for name in (args.csv, args.html):
        if name:
            _check_output(Path(name), args.force)
    if args.timeout < 1:
        raise _UsageError(t("grade.bad_timeout"))
    with console.step(t("cli.grading")):
        grades = grade.grade_folder(args.folder, execute=args.execute, timeout=args.timeout)
    if not len(grades.detail):
        console.note(t("grade.no_notebooks", folder=grade.clean_name(Path(args.folder).as_posix())))
    print(grade.render(grades, detail=args.details))
    if args.csv:
        _write_atomic(Path(args.csv), lambda tmp: grade.to_csv(grades, tmp), args.force)
        console.result(t("cli.wrote", path=args.csv))
    if args.html:
        title = t("grade.html_title", folder=grade.clean_name(Path(args.folder).resolve().name))
        page = grade.to_html(grades, title)
        _write_atomic(Path(args.html), lambda tmp: tmp.write_text(page, encoding="utf-8"), args.force)
        console.result(t("cli.wrote", path=args.html))
    return EXIT_OK


# ----------------------------------------------------------------------------------------------
# the parser
# ----------------------------------------------------------------------------------------------


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=30, width=100)


def _common(suppress: bool) -> argparse.ArgumentParser:
    """--quiet and --debug, accepted before or after the command name."""
    parent = argparse.ArgumentParser(add_help=False)
    default = {"default": argparse.SUPPRESS} if suppress else {"default": False}
    parent.add_argument("-q", "--quiet", action="store_true", help=t("cli.help_quiet"), **default)
    parent.add_argument("--debug", action="store_true", help=t("cli.help_debug"), **default)
    return parent


def _epilog(examples_key: str) -> str:
    return t(examples_key) + "\n\n" + t("cli.exit_codes")


def _build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog=PROG, description=t("cli.description"), epilog=_epilog("cli.examples_main"),
        formatter_class=_Formatter, parents=[_common(False)],
    )
    parser.add_argument("--version", action="version", version=f"{PROG} (kamlib) {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title=t("cli.commands"))
    common = _common(True)

    def command(name: str, help_key: str, examples_key: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=t(help_key), description=textwrap.fill(t(help_key), 96),
                              epilog=_epilog(examples_key),
                              formatter_class=_Formatter, parents=[common])

    def data_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("orders", metavar="ORDERS", help=t("cli.help_orders"))
        p.add_argument("--as-of", type=_date_arg, metavar="DATE", help=t("cli.help_as_of"))
        p.add_argument("--columns", metavar="MAP", help=t("cli.help_columns"))
        p.add_argument("--allow-excluded", action="store_true", help=t("read.help_allow_excluded"))

    def analysis_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--months", type=_months_arg, default=12, metavar="N", help=t("report_cli.help_months"))
        p.add_argument("--abc", type=_pair_arg, default=(0.8, 0.95), metavar="A,B", help=t("cli.help_abc"))
        p.add_argument("--xyz", type=_pair_arg, default=None, metavar="LOW,HIGH", help=t("report_cli.help_xyz"))
        p.add_argument("--xyz-method", choices=("frequency", "cv"), default="frequency",
                       help=t("report_cli.help_xyz_method"))
        p.add_argument("--period", choices=("month", "quarter"), default="month", help=t("report_cli.help_period"))

    def output_options(p: argparse.ArgumentParser, help_key: str, required: bool = True) -> None:
        p.add_argument("-o", "--output", metavar="FILE", required=required, help=t(help_key))
        p.add_argument("--force", action="store_true", help=t("cli.help_force"))

    p = command("report", "cli.help_report", "cli.examples_report")
    data_options(p)
    p.add_argument("--clients", metavar="CLIENTS", help=t("cli.help_clients"))
    p.add_argument("--nps", metavar="NPS", help=t("cli.help_nps"))
    analysis_options(p)
    p.add_argument("--export-dir", metavar="DIR", help=t("report_cli.help_export_dir"))
    p.add_argument("--excel-ru", action="store_true", help=t("report_cli.help_excel_ru"))
    output_options(p, "cli.help_output_report")
    p.set_defaults(run=_cmd_report)

    p = command("abc-xyz", "cli.help_abc_xyz", "cli.examples_abc_xyz")
    data_options(p)
    p.add_argument("--clients", metavar="CLIENTS", help=t("cli.help_clients_names"))
    p.add_argument("--value", choices=("revenue", "margin"), default="revenue", help=t("cli.help_value"))
    analysis_options(p)
    p.add_argument("--excel-ru", action="store_true", help=t("report_cli.help_excel_ru_csv"))
    p.add_argument("--min-periods", type=_positive_int, default=None, metavar="N", help=t("cli.help_min_periods"))
    output_options(p, "cli.help_output_abc_xyz")
    p.set_defaults(run=_cmd_abc_xyz)

    p = command("sample", "cli.help_sample", "cli.examples_sample")
    p.add_argument("dir", metavar="DIR", help=t("cli.help_dir"))
    # the default is resolved when the command runs: importing the generator (and pandas) just
    # to show --help would cost half a second
    p.add_argument("--seed", type=_seed_arg, default=None, metavar="N", help=t("cli.help_seed"))
    p.add_argument("--force", action="store_true", help=t("cli.help_force_sample"))
    p.set_defaults(run=_cmd_sample)

    p = command("class-report", "cli.help_class_report", "cli.examples_class_report")
    from .course.grade import add_arguments

    add_arguments(p)
    p.set_defaults(run=_cmd_class_report)
    return parser


# ----------------------------------------------------------------------------------------------
# main
# ----------------------------------------------------------------------------------------------


def _error(message: object) -> None:
    print(f"{PROG}: {t('cli.error')}: {_one_line(message)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``kam`` with ``argv`` (default: the process's arguments) and return the exit code.

    Examples
    --------
    >>> main(["--version"])  # doctest: +ELLIPSIS
    kam (kamlib) ...
    0
    >>> main(["sample"])  # a usage error: DIR is missing (argparse prints the usage to stderr)
    2
    """
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error: argparse has printed it
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_USAGE)
    if getattr(args, "run", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    console = _Console(quiet=args.quiet)
    try:
        return args.run(args, console)
    except _OutputExists as exc:
        _error(exc)
        return EXIT_EXISTS
    except (_UsageError, KamArgumentError) as exc:
        _error(exc)
        return EXIT_USAGE
    except KamError as exc:  # KamDataError and any other refusal of the data
        _error(exc)
        return EXIT_DATA
    except KeyboardInterrupt:
        _error(t("cli.interrupted"))
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, not a traceback
        if args.debug:
            import traceback

            traceback.print_exc()
        _error(t("cli.internal_error", error=f"{type(exc).__name__}: {exc}")
               + ("" if args.debug else " " + t("cli.debug_hint")))
        return EXIT_INTERNAL

if __name__ == "__main__":
    sys.exit(main())

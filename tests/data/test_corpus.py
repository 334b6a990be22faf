"""The malformed-export corpus (tests/data/corpus/): every file through the public readers.

Each case of ``corpus/manifest.json`` was written by ``corpus/make_corpus.py`` from what the
file's author meant (see that script's docstring); nothing here comes from a reader's output.
For a file that must load, the test checks, line by line, that exactly the required lines are
excluded (plus, at most, the "lenient" lines where excluding and reporting is as honest as
loading), that every loaded row carries its intended client and amount, the totals, the number
of clients, the notes the load report must print, the suspected duplicate ids and the
placeholders. For a file that must be refused it checks that a ``KamError`` names the file and
the option that would help. Any other exception is a failure, and so is a read that hangs (no
result within READ_TIMEOUT seconds: reads run in a guarded thread; the FIFO in a subprocess). The
fuzz test damages corpus files at random (seeded) and asks the same of every copy.

All problems of one case are collected and reported together, so a failure says everything
that is wrong with the reader on that file.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import math
import os
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kamlib
from kamlib import KamError

CORPUS = Path(__file__).resolve().parent / "corpus"
FILES = CORPUS / "files"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))["cases"]
READ_TIMEOUT = 20.0  # seconds; every file here is tiny (a good reader needs well under one), the margin is for a loaded CI machine
READERS = {"orders": "read_orders", "clients": "read_clients"}
# where the new load report may keep what it found (first existing name wins); see
# /work/notes/reader-corpus-status.md for which names the reader provides
EXCLUDED_REVENUE_NAMES = ("amount_excluded", "revenue_excluded", "excluded_revenue")
SUSPECT_NAMES = ("suspected_duplicates", "suspects", "identity")
PLACEHOLDER_NAMES = ("placeholders",)


def _generator():
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_corpus", module)  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_committed_corpus_is_what_the_generator_writes(tmp_path):
    written = _generator().write_all(tmp_path)
    for path in written:
        committed = CORPUS / path.relative_to(tmp_path)
        assert committed.read_bytes() == path.read_bytes(), f"re-run make_corpus.py ({path.name})"
    on_disk = {p.name for p in FILES.iterdir()}
    assert on_disk == {p.name for p in written if p.parent.name == "files"}, "stale files in corpus/files"


def test_corpus_covers_the_issue():
    names = [c["file"] for c in MANIFEST]
    assert len(names) >= 60 and len(set(names)) == len(names)
    for needle in ("doc_numbers", "no_order_id", "thousands", "stray_opening_quote", "unbalanced_quote",
                   "date_year_2205", "date_year_0001", "date_year_9999", "99_99", "date_future", "mixed_cp1251",
                   "stray_byte", "koi8r", "utf16", "identity_case", "lookalike", "zero_width", "fullwidth",
                   "trailing_spaces", "placeholder_blank", "ne_ukazan", "retail", "name_error", "totals_line",
                   "header_repeated_clients", "unquoted_decimal_comma", "percent", "blank_cost", "blank_optional_date",
                   "far_", "binary_renamed", "empty.csv", "header_only", "fifo", "directory", "bom", "tab_", "pipe_",
                   "title_rows", "negative", "double_export", "crlf", "cr_only"):
        assert any(needle in n for n in names), needle


# ----------------------------------------------------------------------------------------------
# running one read safely
# ----------------------------------------------------------------------------------------------


def _read_in_thread(kind: str, path: Path, options: dict, timeout: float = READ_TIMEOUT):
    """(frame, exception, seconds); fails the test if the read does not finish in time."""
    out: dict = {}

    def target() -> None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if kind in READERS:
                    out["df"] = getattr(kamlib, READERS[kind])(str(path), **options)
                else:  # any other canonical table through the generic reader
                    out["df"] = kamlib.read_table(str(path), kind, **options)
        except BaseException as exc:  # noqa: BLE001 -- the test inspects what escaped
            out["exc"] = exc

    started = time.perf_counter()
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        pytest.fail(f"{path.name}: the read did not finish within {timeout:.0f} s")
    return out.get("df"), out.get("exc"), time.perf_counter() - started


_SUBPROCESS = textwrap.dedent(
    """
    import json, sys, warnings
    import kamlib
    warnings.simplefilter("ignore")
    try:
        getattr(kamlib, sys.argv[1])(sys.argv[2])
        print(json.dumps({"outcome": "loaded"}))
    except kamlib.KamError as exc:
        print(json.dumps({"outcome": "KamError", "message": str(exc)}))
    except BaseException as exc:
        print(json.dumps({"outcome": type(exc).__name__, "message": str(exc)}))
    """
)


def _read_in_subprocess(kind: str, path: Path, timeout: float = 60.0) -> dict:
    """For special files (a FIFO blocks ``open`` in C; a thread could not be stopped)."""
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-c", _SUBPROCESS, READERS[kind], str(path)], capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{path.name}: the read did not finish within {timeout:.0f} s (it blocks on the file)")
    lines = done.stdout.strip().splitlines()
    assert lines, f"{path.name}: the child printed nothing; stderr: {done.stderr[-2000:]}"
    result = json.loads(lines[-1])
    result["seconds"] = time.perf_counter() - started
    return result


# ----------------------------------------------------------------------------------------------
# helpers to look at what the reader returned
# ----------------------------------------------------------------------------------------------


def _strings(obj) -> set[str]:
    """Every string inside a report field (DataFrame cells, dict keys/values, nested sequences)."""
    out: set[str] = set()
    if obj is None:
        return out
    if isinstance(obj, str):
        return {obj}
    if isinstance(obj, pd.DataFrame):
        for col in obj.columns:
            out |= _strings(list(obj[col]))
        return out
    if isinstance(obj, pd.Series):
        return _strings(list(obj))
    if isinstance(obj, dict):
        for k, v in obj.items():
            out |= _strings(k) | _strings(v)
        return out
    if isinstance(obj, (list, tuple, set, frozenset)):
        for v in obj:
            out |= _strings(v)
        return out
    if hasattr(obj, "__dict__"):
        return _strings(vars(obj))
    return out


def _groups(obj) -> list[set[str]]:
    """Suspected-duplicate groups as sets of ids, whatever container the report uses."""
    if obj is None:
        return []
    if isinstance(obj, pd.DataFrame):
        for key in ("group", "group_id", "key", "canonical"):
            if key in obj.columns:
                id_cols = [c for c in obj.columns if c != key]
                return [_strings(g[id_cols]) for _, g in obj.groupby(key, sort=False)]
        return [_strings(row) for row in obj.itertuples(index=False)]
    if isinstance(obj, dict):
        return [_strings(k) | _strings(v) for k, v in obj.items()]
    if isinstance(obj, (list, tuple)):
        return [_strings(g) for g in obj]
    return [_strings(obj)]


def _first_attr(obj, names):
    for name in names:
        if hasattr(obj, name):
            value = getattr(obj, name)
            return name, (value() if callable(value) else value)
    return None, None


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=0.005)


def _contains(message: str, needle) -> bool:
    """A needle is a substring, or a list of substrings of which one is enough (a column may be
    named by the user's header or by its canonical name)."""
    return any(n in message for n in needle) if isinstance(needle, list) else needle in message


def _refusal_ok(exc: BaseException, needles: list) -> list[str]:
    if not isinstance(exc, KamError):
        return [f"a {type(exc).__name__} escaped instead of a KamError: {exc}"]
    message = str(exc)
    missing = [n for n in needles if not _contains(message, n)]
    return [f"the KamError does not contain {missing}: {message!r}"] if missing else []


def _excluded_amounts_ok(value: float, unknown: int | None, must: list, maybe: list) -> bool:
    """The excluded revenue the report states is the sum of the excluded sale lines' amounts.

    ``must``: amounts of the required excluded sale lines (None = unreadable, counted unknown).
    ``maybe``: (amount, is_sale) of excluded lenient lines (a stray quote, a stray byte): the reader
    may have read the amount, or counted the line's amount as unknown (a non-sale line such as a
    lone end-of-file byte: counted unknown or not at all)."""
    known = sum(a for a in must if a is not None)
    n_unknown = sum(a is None for a in must)
    for picks in itertools.product((True, False), repeat=len(maybe)):
        total, unk = known, n_unknown
        for (amount, sale), read in zip(maybe, picks):
            if not read or (sale and amount is None):
                unk += 1
            elif sale:
                total += amount
        if _close(value, total) and (unknown is None or unknown == unk):
            return True
    return False


# ----------------------------------------------------------------------------------------------
# the cases
# ----------------------------------------------------------------------------------------------


def _special_path(case: dict, tmp_path: Path) -> Path:
    path = tmp_path / case["file"]
    if case["special"] == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes on this system")
        os.mkfifo(path)
    elif case["special"] == "directory":
        path.mkdir()
        (path / "inside.csv").write_text("date,client_id,revenue\n2025-01-01,C1,1\n")
    return path


def check_case(case: dict, tmp_path: Path) -> list[str]:
    """Everything wrong with the reader on this case (empty when it behaves as the manifest says)."""
    name, kind, options = case["file"], case["kind"], case["options"]
    if case.get("special") == "fifo":  # opening a FIFO blocks in C: only a subprocess can be stopped
        path = _special_path(case, tmp_path)
        result = _read_in_subprocess(kind, path)
        if result["outcome"] != "KamError":
            return [f"expected a KamError, got {result['outcome']}: {result.get('message', '')}"]
        problems = [f"the KamError does not contain {n!r}: {result['message']!r}" for n in case["error"]
                    if not _contains(result["message"], n)]
        return problems
    path = _special_path(case, tmp_path) if case.get("special") else FILES / name
    df, exc, seconds = _read_in_thread(kind, path, options)
    problems: list[str] = []
    if "error" in case:
        if exc is None:
            return problems + [f"loaded {len(df)} rows; expected a KamError containing {case['error']}"]
        return problems + _refusal_ok(exc, case["error"])
    if exc is not None:
        if isinstance(exc, KamError) and case.get("accept_error"):
            return problems + _refusal_ok(exc, case["accept_error"])
        if isinstance(exc, KamError):
            return problems + [f"refused a file that must load: {type(exc).__name__}: {exc}"]
        return problems + [f"a {type(exc).__name__} escaped (only KamError may): {exc}"]
    return problems + check_loaded(case, df)


def check_loaded(case: dict, df: pd.DataFrame) -> list[str]:
    problems: list[str] = []
    lines = {int(k): v for k, v in case["lines"].items()}
    required, lenient = set(case["excluded"]), set(case["lenient"])
    try:
        report = kamlib.load_report(df)
        ex = kamlib.excluded_rows(df)
    except Exception as exc:  # noqa: BLE001
        return [f"no load report: {type(exc).__name__}: {exc}"]
    got_excluded = [int(x) for x in ex["line"]] if len(ex) else []
    excluded = set(got_excluded)
    if not required <= excluded:
        problems.append(f"lines not excluded that must be: {sorted(required - excluded)}")
    if not excluded <= required | lenient:
        problems.append(f"lines excluded that must load: {sorted(excluded - required - lenient)}"
                        f" (reasons: {sorted(set(ex['reason']))})")
    for line, why in case.get("reasons", {}).items():
        stated = [str(r) for r in ex.loc[ex["line"].astype("int64") == int(line), "reason"]] if len(ex) else []
        if stated and not any(_contains(r, why) for r in stated):
            problems.append(f"line {line} excluded as {stated}; the reason should say {why!r}")
    loaded_lines = [line for line in sorted(lines) if line not in excluded]
    if len(df) != len(loaded_lines):
        problems.append(f"rows loaded: {len(df)}, expected {len(loaded_lines)} (lines {loaded_lines[:12]}...)")
        return problems  # row-by-row checks make no sense any more
    identity = case.get("identity", False)
    if case["kind"] == "orders":
        revenue = df["revenue"].astype("float64").tolist()
        clients = df["client_id"].tolist()
        for i, line in enumerate(loaded_lines):
            want = lines[line]
            if want["amount"] is not None and not (isinstance(revenue[i], float) and _close(revenue[i], want["amount"])):
                problems.append(f"line {line}: revenue {revenue[i]!r}, expected {want['amount']}")
            if not identity and line not in lenient and clients[i] != want["client"]:
                problems.append(f"line {line}: client_id {clients[i]!r}, expected {want['client']!r}")
        total = sum(lines[line]["amount"] or 0.0 for line in loaded_lines)
        if not _close(float(pd.Series(revenue).sum()), total):
            problems.append(f"revenue loaded {sum(revenue):.2f}, expected {total:.2f}")
        # the excluded side: loaded + excluded = the file's sales (a totals line, a repeated header or a
        # dropped copy of a line is not a sale: its amount is counted elsewhere, not lost)
        must = [lines[line]["amount"] for line in excluded - lenient if line in lines and lines[line]["sale"]]
        maybe = [(lines[line]["amount"], lines[line]["sale"]) for line in excluded & lenient]
        attr, value = _first_attr(report, EXCLUDED_REVENUE_NAMES)
        if excluded:
            unknown_attr = getattr(report, "amount_unknown", None)
            if attr is None:
                problems.append(f"the load report has no {' / '.join(EXCLUDED_REVENUE_NAMES)} (excluded revenue)")
            elif not _excluded_amounts_ok(float(value), unknown_attr, must, maybe):
                known = sum(a for a in must if a is not None)
                problems.append(f"report.{attr} = {value} (amount_unknown = {unknown_attr}); expected {known:.2f}"
                                f" with {sum(a is None for a in must)} unknown"
                                + (f", plus or counted unknown: {[a for a, _ in maybe]}" if maybe else "")
                                + " (the excluded sale lines' amounts)")
        if hasattr(report, "amount_loaded") and not _close(float(report.amount_loaded), total):
            problems.append(f"report.amount_loaded = {report.amount_loaded}, expected {total:.2f}")
        for group in case.get("merged_groups", []):
            ids = {clients[i] for i, line in enumerate(loaded_lines) if lines[line]["client"] in group}
            if len(ids) != 1 or not ids <= set(group):
                problems.append(f"merge_identities: {sorted(group)} became {sorted(ids)}, expected one of them")
    else:
        clients = df["client_id"].tolist()
        for i, line in enumerate(loaded_lines):
            if not identity and line not in lenient and clients[i] != lines[line]["client"]:
                problems.append(f"line {line}: client_id {clients[i]!r}, expected {lines[line]['client']!r}")
    n = df["client_id"].nunique()
    if identity:
        lo, hi = case["n_clients_merged"], case["n_clients_raw"]
        if not lo <= n <= hi:
            problems.append(f"{n} clients; expected between {lo} (merged) and {hi} (as written)")
    else:
        want_n = len({lines[line]["client"] for line in loaded_lines if line not in lenient})
        n_lenient = len([line for line in loaded_lines if line in lenient])
        if not want_n <= n <= want_n + n_lenient:
            problems.append(f"{n} clients, expected {want_n}" + (f" (+{n_lenient} lenient)" if n_lenient else ""))
    text = str(report).lower()
    for note in case["notes"]:
        if note.lower() not in text:
            problems.append(f"the load report does not mention {note!r}")
    if case["suspects"]:
        attr, value = _first_attr(report, SUSPECT_NAMES)
        if attr is None:
            problems.append(f"the load report has no {' / '.join(SUSPECT_NAMES)} (suspected duplicate ids)")
        else:
            groups = _groups(value)
            for group in case["suspects"]:
                if len({g.strip() for g in group}) == 1:
                    # differing only by spaces at the ends: trimming them (one id) is as good as listing
                    ids = {clients[i] for i, line in enumerate(loaded_lines) if lines[line]["client"] in group}
                    if len(ids) == 1:
                        continue
                if not any(set(group) <= g for g in groups):
                    problems.append(f"report.{attr} does not list {group!r} together (has {groups!r})")
    for ph in case["placeholders"]:
        _, value = _first_attr(report, PLACEHOLDER_NAMES)
        if ph not in _strings(ex) and ph not in _strings(value):
            problems.append(f"placeholder {ph!r} is not listed")
    for column, want in case.get("values", {}).items():
        got = [None if pd.isna(v) else float(v) for v in df[column]]
        if len(got) != len(want) or any((a is None) != (b is None) or (a is not None and not _close(a, b))
                                        for a, b in zip(got, want)):
            problems.append(f"{column}: {got}, expected {want}")
    return problems


@pytest.mark.parametrize("case", MANIFEST, ids=[c["file"] for c in MANIFEST])
def test_case(case, tmp_path):
    problems = check_case(case, tmp_path)
    assert not problems, f"{case['file']} ({case['what']}):\n  - " + "\n  - ".join(problems)


# ----------------------------------------------------------------------------------------------
# fuzzing: small random damage to good exports must never give anything but a KamError
# ----------------------------------------------------------------------------------------------

FUZZ_BASES = ["crlf.csv", "nbsp_thousands.csv", "quoted_everything.csv", "us_quoted_thousands.csv",
              "title_rows_and_totals.csv", "utf16le_bom.csv", "tab_delimited.tsv", "mixed_cp1251_then_utf8.csv"]
FUZZ_PER_BASE = 15
_DAMAGE = [b'"', b";", b",", b"\t", b"\n", b"\r", b"\x00", b"\xff", b"\xd0", b"''", b"-", b".", b" ", b"9" * 30,
           "\u00a0".encode(), b"\xef\xbb\xbf"]


def _damaged(data: bytes, rng) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        pos = rng.randrange(len(out) + 1)
        kind = rng.random()
        if kind < 0.45:
            out[pos:pos] = rng.choice(_DAMAGE)
        elif kind < 0.75 and out:
            del out[pos: pos + rng.randint(1, 12)]
        elif out:
            out[min(pos, len(out) - 1)] = rng.randrange(256)
    return bytes(out)


@pytest.mark.parametrize("base", FUZZ_BASES)
def test_fuzzed_exports_load_consistently_or_raise_kamerror(base, tmp_path):
    """The issue fuzzed 500 files and got 108 pandas ParserErrors; here 15 damaged copies of each of
    8 corpus files (seeded: 1-4 inserted quotes, delimiters, line breaks, NUL/stray bytes, deletions,
    overwritten bytes). Each read must finish, end in a KamError or a frame whose report adds up."""
    import random

    case = next(c for c in MANIFEST if c["file"] == base)
    data = (FILES / base).read_bytes()
    rng = random.Random(f"{base}-fuzz")
    problems = []
    for i in range(FUZZ_PER_BASE):
        path = tmp_path / f"fuzz_{i:02d}_{base}"
        path.write_bytes(_damaged(data, rng))
        df, exc, _ = _read_in_thread(case["kind"], path, case["options"])
        if exc is not None:
            if not isinstance(exc, KamError):
                problems.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        report = kamlib.load_report(df)
        if len(df) != report.rows_loaded:
            problems.append(f"{path.name}: {len(df)} rows but the report says {report.rows_loaded} loaded")
        revenue = df["revenue"].astype("float64")
        if not np.isfinite(revenue).all():
            problems.append(f"{path.name}: non-finite revenue loaded")
        if hasattr(report, "amount_loaded") and not _close(float(report.amount_loaded), float(revenue.sum())):
            problems.append(f"{path.name}: report.amount_loaded {report.amount_loaded} != loaded sum {revenue.sum()}")
    assert not problems, "\n".join(problems)


def test_reading_left_the_files_as_they_were(tmp_path):
    """Readers only ever open files for reading: after every case above, the corpus is still byte
    for byte what the generator writes (pytest runs this module's tests in order; this one last)."""
    written = _generator().write_all(tmp_path)
    changed = [p.name for p in written if (CORPUS / p.relative_to(tmp_path)).read_bytes() != p.read_bytes()]
    assert not changed

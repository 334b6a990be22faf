"""The ``kam`` command line, run as a subprocess the way an analyst or a script runs it.

- the report on the sample company is PARSED (every key number carries ``data-key`` and its
  exact value in ``data-value``) and checked against kamlib's own results computed here;
- a tiny company whose numbers are worked out by hand, with a hostile client name;
- the broken inputs of tests/broken_inputs/: exit codes and one-line errors (no traceback);
- outputs are never replaced without --force (content unchanged, exit 3, checked before work);
- ``--help`` on every command; abc-xyz as .xlsx and .csv; ``kam sample``; the 1C-like example
  export round-trips to the sample company's numbers; a notebook runs on other data (papermill).

Speed is measured in bench/bench_report.py, not asserted here.
"""

from __future__ import annotations

import base64
import io
import os
import subprocess
import sys
import time
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

import kamlib
from kamlib.labels import t

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
BROKEN = ROOT / "tests" / "broken_inputs"
EXAMPLES = ROOT / "examples"
SECTIONS = ["summary", "key-accounts", "abc-xyz", "concentration", "winback", "people", "comparison", "nps",
            "load-report"]


def kam(*args: object, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m kamlib.cli ARGS`` in a fresh process (stderr is a pipe, not a terminal)."""
    return subprocess.run(
        [sys.executable, "-m", "kamlib.cli", *map(str, args)],
        capture_output=True, text=True, encoding="utf-8", cwd=cwd or ROOT, timeout=timeout,
    )


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    """The error as the user sees it: exactly one line starting with "kam: error:", no traceback."""
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("kam: error: "), lines[0]
    return lines[0]


class Page(HTMLParser):
    """The report read back: the data-key elements, the ids, the tags and the images."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.keys: list[tuple[str, str, dict, str]] = []  # (key, value, attributes, shown text)
        self.ids: list[str] = []
        self.tags: Counter = Counter()
        self.images: list[str] = []
        self.rows: list[dict] = []  # attributes of every <tr>
        self._open: list[list] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags[tag] += 1
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        if tag == "tr":
            self.rows.append(attrs)
        if "data-key" in attrs:
            self._open.append([tag, attrs, []])

    def handle_endtag(self, tag):
        if self._open and self._open[-1][0] == tag:
            _, attrs, text = self._open.pop()
            self.keys.append((attrs["data-key"], attrs.get("data-value"), attrs, "".join(text)))

    def handle_data(self, data):
        for item in self._open:
            item[2].append(data)

    def all(self, key: str) -> list[tuple[str, dict, str]]:
        return [(v, a, text) for k, v, a, text in self.keys if k == key]

    def value(self, key: str) -> str:
        found = self.all(key)
        assert len(found) == 1, f"{key}: {len(found)} elements"
        return found[0][0]

    def number(self, key: str) -> float:
        return float(self.value(key))

    def text(self, key: str) -> str:
        return self.all(key)[0][2]


def read(table: str, path: Path, **kw) -> pd.DataFrame:
    return kamlib.read_table(path, table, on_error="exclude", **kw)


# ----------------------------------------------------------------------------------------------
# the sample company's report, checked against kamlib
# ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> tuple[Page, str, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("report") / "report.html"
    start = time.perf_counter()
    proc = kam("report", DATA / "orders.csv", "--clients", DATA / "clients.csv", "--nps", DATA / "nps_responses.csv",
               "-o", out)
    seconds = time.perf_counter() - start
    print(f"\n[benchmark-style note, not asserted] kam report on data/: {seconds:.2f} s wall in a subprocess")
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    return Page(text), text, proc


@pytest.fixture(scope="module")
def sample() -> dict[str, object]:
    orders = read("orders", DATA / "orders.csv")
    clients = read("clients", DATA / "clients.csv")
    responses = read("nps_responses", DATA / "nps_responses.csv")
    return {"orders": orders, "clients": clients, "nps": responses, "as_of": orders["date"].max()}


def test_report_has_every_section_and_is_self_contained(sample_report):
    page, text, proc = sample_report
    assert [i for i in page.ids if i in SECTIONS] == SECTIONS
    assert page.tags["script"] == 0 and page.tags["link"] == 0 and page.tags["iframe"] == 0
    assert "http://" not in text and "https://" not in text and "@import" not in text and "url(" not in text
    assert len(page.images) == 4  # the matrix, the Pareto curve, the top-10 shares, NPS by wave
    for src in page.images:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert proc.stdout.strip().startswith("wrote ")
    assert proc.stderr == ""  # not a terminal: no progress lines; nothing excluded: no notes


def test_report_summary_says_which_as_of_was_used(sample_report, sample):
    page, _, _ = sample_report
    assert page.value("as-of") == sample["as_of"].strftime("%Y-%m-%d")
    assert "last order date" in page.text("as-of")
    assert page.number("lines") == len(sample["orders"])
    assert page.number("revenue-total") == pytest.approx(sample["orders"]["revenue"].sum(), abs=0.01)
    assert page.number("clients") == sample["orders"]["client_id"].nunique()


def test_report_key_accounts_match_kamlib(sample_report, sample):
    page, _, _ = sample_report
    keys = kamlib.key_accounts(sample["orders"], sample["clients"], as_of=sample["as_of"], months=12)
    assert page.number("key-accounts-count") == len(keys)
    assert page.number("key-volume-count") == int(keys["volume"].sum())
    shown = [row["data-client"] for row in page.rows if "data-client" in row][: len(keys)]
    assert shown == keys["client_id"].tolist()
    dept = kamlib.key_accounts(sample["orders"], sample["clients"], level="department", as_of=sample["as_of"],
                               months=12)
    assert page.number("department-key-count") == int(dept["volume"].sum())


def test_report_matrix_matches_kamlib(sample_report, sample):
    page, _, _ = sample_report
    matrix = kamlib.abc_xyz_matrix(kamlib.abc_xyz(sample["orders"], as_of=sample["as_of"]))
    cells = {a["data-cell"]: int(v) for v, a, _ in page.all("matrix-count")}
    for abc in "ABC":
        for xyz in "XYZ":
            assert cells[abc + xyz] == matrix.counts.loc[abc, xyz], abc + xyz
    assert sum(cells.values()) == int(matrix.counts.to_numpy().sum())
    assert page.number("not-ranked") == matrix.not_ranked
    strategy_rows = [row["data-cell"] for row in page.rows if "data-cell" in row]
    assert strategy_rows == kamlib.cell_strategies()["cell"].tolist()


def test_report_concentration_matches_kamlib(sample_report, sample):
    page, _, _ = sample_report
    orders = sample["orders"]
    res = kamlib.concentration(orders[orders["date"] >= "2025-01-01"])  # the 12-month window up to as_of
    assert page.number("hhi") == pytest.approx(res.hhi, rel=1e-12)
    assert page.text("hhi") == f"{res.hhi:,.0f}"
    assert page.value("hhi-2010") == res.label_2010
    assert page.value("hhi-2023") == res.label_2023
    summary = res.summary.iloc[0]
    for k in (1, 5, 10):
        assert page.number(f"top{k}-share") == pytest.approx(summary[f"top{k}_share"], rel=1e-12)
    flagged = res.clients[res.clients["dependency"].astype(str) != t("dependency.normal")]
    assert page.number("dependency-count") == len(flagged)
    assert [float(v) for v, _, _ in page.all("dependency-share")] == pytest.approx(flagged["share"].tolist())


def test_report_winback_matches_kamlib(sample_report, sample):
    page, _, _ = sample_report
    wl = kamlib.winback_list(sample["orders"], sample["clients"], as_of=sample["as_of"])
    assert page.number("winback-total") == pytest.approx(wl["revenue_at_stake"].sum(), abs=0.01)
    status = wl["status"].astype(str)
    assert page.number("lost-count") == (status == t("churn.lost")).sum()
    assert page.number("at-risk-count") == (status == t("churn.at_risk")).sum()
    assert [float(v) for v, _, _ in page.all("at-stake")] == pytest.approx(wl["revenue_at_stake"].tolist())


def test_report_nps_matches_kamlib(sample_report, sample):
    page, _, _ = sample_report
    overall = kamlib.nps(sample["nps"])
    assert page.number("nps") == pytest.approx(overall.nps)
    low, high = map(float, page.value("nps-ci").split(","))
    assert (low, high) == pytest.approx((overall.ci_low, overall.ci_high))
    assert page.number("nps-n") == overall.n
    by_wave = kamlib.nps_by(sample["nps"], "wave")
    waves = {a_row["data-wave"] for a_row in page.rows if "data-wave" in a_row}
    assert waves == set(by_wave["wave"])
    assert [float(v) for v, _, _ in page.all("wave-nps")] == pytest.approx(by_wave["nps"].tolist())


def test_report_load_section_counts_rows(sample_report, sample):
    page, _, _ = sample_report
    assert page.number("orders-rows-read") == len(sample["orders"])
    assert page.number("orders-rows-excluded") == 0
    assert page.number("nps_responses-rows-loaded") == len(sample["nps"])


# ----------------------------------------------------------------------------------------------
# a tiny company worked out by hand, with a hostile name
# ----------------------------------------------------------------------------------------------

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """Four clients over three months: a 500, b 250, c 150, d 100 (total 1,000)."""
    folder = tmp_path_factory.mktemp("tiny")
    lines = ["order_id,date,client_id,revenue,cost"]
    amounts = {"a": 500.0, "b": 250.0, "c": 150.0, "d": 100.0}
    n = 0
    for month in ("2025-01-15", "2025-02-15", "2025-03-15"):
        for client, total in amounts.items():
            n += 1
            lines.append(f"{n},{month},{client},{total / 3:.10f},{total / 6:.10f}")
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "clients.csv").write_text(
        "client_id,name,client_type\n"
        f'a,"{HOSTILE}",wholesale\n'
        'b,"Tom & Jerry ""Ltd""",HoReCa\n'
        "c,Gamma,single shop\n"
        "d,Delta,single shop\n",
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def tiny_report(tiny) -> tuple[Page, str]:
    out = tiny / "out" / "report.html"  # the folder is created
    proc = kam("report", tiny, "-o", out)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    return Page(text), text


def test_tiny_report_numbers_by_hand(tiny_report):
    page, _ = tiny_report
    assert page.number("revenue-total") == pytest.approx(1000.0)
    assert page.number("hhi") == pytest.approx(50**2 + 25**2 + 15**2 + 10**2)  # 3,450
    assert page.value("hhi-2010") == t("hhi.high")  # above 2,500
    assert page.value("hhi-2023") == t("hhi.high")  # above 1,800
    assert page.number("top1-share") == pytest.approx(0.5)
    assert page.number("top5-share") == pytest.approx(1.0)  # fewer than five clients
    # dependency: a (50 %) is over 40 % (high) but not over 50 % (critical); b (25 %) over 20 %
    assert page.number("dependency-count") == 2
    # volume rule: more than 10 % -> a, b, c; d has exactly 10 %, which is not more
    assert page.number("key-volume-count") == 3
    assert page.value("as-of") == "2025-03-15"  # the last order date
    assert page.number("lost-count") == 0  # everyone bought on the last day


def test_tiny_report_escapes_every_user_string(tiny_report):
    page, text = tiny_report
    assert HOSTILE not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert page.tags["script"] == 0
    assert "Tom &amp; Jerry &quot;Ltd&quot;" in text


def test_hostile_file_name_is_escaped(tiny, tmp_path):
    weird = tmp_path / 'o<b>"x".csv'
    weird.write_bytes((tiny / "orders.csv").read_bytes())
    out = tmp_path / "r.html"
    proc = kam("report", weird, "-o", out, "--as-of", "2025-03-31")
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "o<b>" not in text and "o&lt;b&gt;&quot;x&quot;.csv" in text
    assert Page(text).value("as-of") == "2025-03-31"
    assert "given with --as-of" in Page(text).text("as-of")


# ----------------------------------------------------------------------------------------------
# broken inputs: exit codes and one-line errors
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("missing_column.csv", 'missing_column.csv: column "revenue" is missing; the table has: order_id, date'),
        ("empty.csv", "empty.csv: the file is empty"),
        ("header_only.csv", "header_only.csv: there is a header (line 1) but no data rows"),
        ("all_bad.csv", "all_bad.csv: none of the 2 rows can be used"),
        ("nps_scores.csv", "nps_scores.csv: columns"),  # answers given where orders are expected
        ("no_such_file.csv", "no_such_file.csv: no such file"),
    ],
)
def test_bad_input_data_exits_1_with_one_line(name, expected, tmp_path):
    out = tmp_path / "r.html"
    proc = kam("abc-xyz" if name == "nps_scores.csv" else "report", BROKEN / name, "-o",
               tmp_path / "r.csv" if name == "nps_scores.csv" else out)
    assert proc.returncode == 1
    line = one_line_error(proc)
    assert expected in line
    assert not out.exists() and list(tmp_path.iterdir()) == []  # nothing written, no temp file left


def test_rows_excluded_are_reported_not_fatal(tmp_path):
    out = tmp_path / "r.html"
    stopped = kam("report", BROKEN / "wrong_types.csv", "-o", out)
    # 1 000 of 2 100 revenue (lines 3, 5, 6, 7 of tests/broken_inputs/README.md) is excluded: over 5 %
    assert stopped.returncode == 1 and "47.6% of revenue was excluded" in stopped.stderr and not out.exists()
    proc = kam("report", BROKEN / "wrong_types.csv", "-o", out, "--allow-excluded")
    assert proc.returncode == 0, proc.stderr
    page = Page(out.read_text(encoding="utf-8"))
    # tests/broken_inputs/README.md: lines 3 (not a number), 5 and 7 (not a date), 6 (missing) excluded
    assert page.number("orders-rows-read") == 7
    assert page.number("orders-rows-excluded") == 4
    assert page.number("lines") == 3
    excluded = sorted(int(row["data-line"]) for row in page.rows if row.get("data-table") == "orders")
    assert excluded == [3, 5, 6, 7]
    assert "Traceback" not in proc.stderr
    assert "4 row(s) excluded" in proc.stderr  # a note, since nothing may be lost silently
    quiet = kam("report", BROKEN / "wrong_types.csv", "-o", tmp_path / "q.html", "--quiet", "--allow-excluded")
    assert quiet.returncode == 0 and quiet.stderr == "" and quiet.stdout == ""


def test_duplicated_ids_and_cp1251_export(tmp_path):
    dup = kam("abc-xyz", BROKEN / "duplicated_ids.csv", "-o", tmp_path / "d.csv", "--min-periods", "1")
    assert dup.returncode == 0, dup.stderr
    assert "duplicate id" not in dup.stderr and "lines of one document" in dup.stderr  # all kept
    out = tmp_path / "cp.html"
    cp = kam("report", BROKEN / "cp1251_semicolon.csv", "--columns", BROKEN / "cp1251_columns.toml", "-o", out)
    assert cp.returncode == 0, cp.stderr
    page = Page(out.read_text(encoding="utf-8"))
    assert page.number("orders-rows-loaded") == 4 and page.number("orders-rows-excluded") == 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["report", DATA, "-o", "r.html", "--as-of", "31/02/2025"], "'31/02/2025' is not a date"),
        (["report", DATA, "-o", "r.html", "--as-of", "2025-02-31"], "'2025-02-31' is not a date"),
        (["report", DATA], "the following arguments are required: -o/--output"),
        (["report", DATA, "-o", "r.html", "--bogus"], "unrecognized arguments: --bogus"),
        (["abc-xyz", DATA, "-o", "r.xlsx", "--abc", "0.8"], "'0.8' is not two numbers"),
        (["sample", "s", "--seed", "-3"], "'-3' is not a seed"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_errors_exit_2(args, expected, tmp_path):
    proc = kam(*args, cwd=tmp_path)
    assert proc.returncode == 2
    assert expected in proc.stderr and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["abc-xyz", DATA, "-o", "r.txt"], "kam: error: cannot write r.txt: use a file name ending in .xlsx, .csv"),
        (["abc-xyz", DATA, "-o", "r.xlsx", "--abc", "0.95,0.8"], "kam: error: --abc=(0.95, 0.8) is not valid"),
        (["report", DATA, "-o", "r.html", "--columns", "nope.toml"], "nope.toml"),
        (["report", "TINY", "-o", "r.html", "--as-of", "2020-01-01"], "is before the first order (2025-01-15)"),
    ],
)
def test_bad_values_found_after_parsing_exit_2_with_one_line(args, expected, tmp_path, tiny):
    proc = kam(*[tiny if a == "TINY" else a for a in args], cwd=tmp_path)
    assert proc.returncode == 2
    assert expected in one_line_error(proc)
    assert list(tmp_path.iterdir()) == []


def test_no_command_is_a_usage_error():
    proc = kam()
    assert proc.returncode == 2 and "usage: kam" in proc.stderr


def test_unexpected_error_exits_4_with_a_hint(tmp_path):
    # make the sample command fail in a way kamlib does not foresee
    code = ("import sys, kamlib.cli as c\n"
            "def boom(args, console): raise RuntimeError('disk on fire')\n"
            "c._cmd_sample = boom\n"
            "sys.exit(c.main(sys.argv[1:]))\n")
    plain = subprocess.run([sys.executable, "-c", code, "sample", str(tmp_path / "s")], capture_output=True, text=True)
    assert plain.returncode == 4
    line = one_line_error(plain)
    assert "RuntimeError: disk on fire" in line and "--debug" in line
    debug = subprocess.run([sys.executable, "-c", code, "sample", str(tmp_path / "s"), "--debug"],
                           capture_output=True, text=True)
    assert debug.returncode == 4 and "Traceback" in debug.stderr


# ----------------------------------------------------------------------------------------------
# never overwrite without --force
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("command", "suffix"), [("report", ".html"), ("abc-xyz", ".xlsx"), ("abc-xyz", ".csv")])
def test_existing_output_is_kept_without_force(command, suffix, tmp_path):
    out = tmp_path / f"result{suffix}"
    out.write_bytes(b"my own work, keep me")
    # the input is broken too: the output check comes before any work, so the answer is 3, not 1
    proc = kam(command, BROKEN / "missing_column.csv", "-o", out)
    assert proc.returncode == 3
    assert one_line_error(proc) == f"kam: error: {out} exists; use --force to replace it"
    assert out.read_bytes() == b"my own work, keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]


def test_force_replaces_atomically(tmp_path, tiny):
    out = tmp_path / "abc.csv"
    out.write_text("old", encoding="utf-8")
    proc = kam("abc-xyz", tiny / "orders.csv", "-o", out, "--force", "-q")
    assert proc.returncode == 0, proc.stderr
    assert out.read_text(encoding="utf-8-sig").startswith("client_id,")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["abc.csv"]  # no temporary file left
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # the usual permissions, not mkstemp's


def test_sample_refuses_to_overwrite(tmp_path):
    folder = tmp_path / "company"
    folder.mkdir()
    (folder / "orders.csv").write_text("mine", encoding="utf-8")
    proc = kam("sample", folder)
    assert proc.returncode == 3
    assert "exists; use --force" in one_line_error(proc)
    assert (folder / "orders.csv").read_text(encoding="utf-8") == "mine"
    assert [p.name for p in folder.iterdir()] == ["orders.csv"]


# ----------------------------------------------------------------------------------------------
# help, version, progress
# ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["report"], ["abc-xyz"], ["sample"], ["class-report"]])
def test_help_on_every_command(command):
    proc = kam(*command, "--help")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.startswith(f"usage: kam {' '.join(command)}".rstrip())
    assert "examples:" in proc.stdout
    for code in ("0  done", "1  bad input data", "2  usage error", "3  the output exists", "4  unexpected error"):
        assert code in proc.stdout
    assert "--quiet" in proc.stdout


def test_version():
    proc = kam("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == f"kam (kamlib) {kamlib.__version__}"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal_and_not_when_quiet(tmp_path, monkeypatch, capsys):
    from kamlib import cli

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert cli.main(["class-report", str(tmp_path), "-o", str(tmp_path / "a.csv")]) == 0
    assert "reading the notebooks… done (" in terminal.getvalue()
    quiet = _Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert cli.main(["class-report", str(tmp_path), "-o", str(tmp_path / "b.csv"), "--quiet"]) == 0
    assert quiet.getvalue() == ""
    assert capsys.readouterr().out.count("wrote ") == 1  # only the first, not the quiet one


# ----------------------------------------------------------------------------------------------
# abc-xyz, sample, class-report
# ----------------------------------------------------------------------------------------------


def test_abc_xyz_workbook_has_the_three_sheets(tmp_path, sample):
    from openpyxl import load_workbook

    out = tmp_path / "abc.xlsx"
    proc = kam("abc-xyz", DATA / "orders.csv", "--clients", DATA / "clients.csv", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "as of 2025-12-31, the last order date" in proc.stderr  # the default, said aloud
    wb = load_workbook(out, read_only=True)
    assert wb.sheetnames == [t("abc_excel.sheet_clients"), t("abc_excel.sheet_matrix"), t("abc_excel.sheet_strategies")]
    rows = list(wb[t("abc_excel.sheet_clients")].iter_rows(values_only=True))
    assert rows[0][:3] == ("client_id", "name", "revenue")
    in_window = sample["orders"][sample["orders"]["date"] >= "2025-01-01"]  # the last 12 months
    assert len(rows) - 1 == in_window["client_id"].nunique()
    names = dict(zip(sample["clients"]["client_id"], sample["clients"]["name"]))
    assert all(row[1] == names[row[0]] for row in rows[1:])
    wb.close()


def test_abc_xyz_csv_uses_the_thresholds_given(tmp_path, sample):
    out = tmp_path / "abc.csv"
    proc = kam("abc-xyz", DATA / "orders.csv", "-o", out, "--abc", "0.5,0.9", "--xyz", "0.2,0.5",
               "--value", "margin", "--as-of", "2025-06-30")
    assert proc.returncode == 0, proc.stderr
    got = pd.read_csv(out, encoding="utf-8-sig", dtype={"client_id": str})
    want = kamlib.abc_xyz(sample["orders"], value="margin", abc=(0.5, 0.9), xyz=(0.2, 0.5), as_of="2025-06-30")
    assert got["client_id"].tolist() == want["client_id"].tolist()
    assert got["cell"].tolist() == want["cell"].astype(str).tolist()
    assert got["margin"].tolist() == pytest.approx(want["margin"].tolist())
    default = kamlib.abc_xyz(sample["orders"], value="margin", as_of="2025-06-30")
    assert (got["abc"] == "A").sum() < (default["abc"] == "A").sum()  # a 50 % cut-off makes fewer A


@pytest.fixture(scope="module")
def seed_7(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("seed7") / "mine"
    return folder, kam("sample", folder, "--seed", "7")


def test_sample_writes_a_personal_variant(seed_7):
    folder, proc = seed_7
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"wrote 6 tables to {folder} (seed 7)"
    data = kamlib.read_folder(folder)
    assert data.orders.equals(kamlib.load_sample(7).orders)


def test_class_report_on_an_empty_folder(tmp_path):
    out = tmp_path / "class.csv"
    (tmp_path / "subs").mkdir()
    proc = kam("class-report", tmp_path / "subs", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert out.exists()
    missing = kam("class-report", tmp_path / "nope")
    assert missing.returncode == 2 and "nope" in one_line_error(missing)


# ----------------------------------------------------------------------------------------------
# the example export of a Russian accounting system
# ----------------------------------------------------------------------------------------------


def test_1c_example_export_round_trips_to_the_sample(sample):
    export = read("orders", EXAMPLES / "export_1c.csv", columns=EXAMPLES / "columns.toml")
    report = kamlib.load_report(export)
    assert report.rows_excluded == 1  # the "Итого" (total) line at the bottom
    assert len(export) == len(sample["orders"])
    assert export["revenue"].sum() == pytest.approx(sample["orders"]["revenue"].sum(), abs=0.005)
    assert export["cost"].sum() == pytest.approx(sample["orders"]["cost"].sum(), abs=0.005)
    names = dict(zip(sample["clients"]["client_id"], sample["clients"]["name"]))
    by_client = sample["orders"].groupby(sample["orders"]["client_id"].map(names))["revenue"].sum()
    assert export.groupby("client_id")["revenue"].sum().sort_index().tolist() == pytest.approx(
        by_client.sort_index().tolist())
    assert (export["date"].to_numpy() == sample["orders"]["date"].to_numpy()).all()


def test_1c_example_report_has_the_sample_numbers(tmp_path, sample):
    out = tmp_path / "r.html"
    proc = kam("report", EXAMPLES / "export_1c.csv", "--columns", EXAMPLES / "columns.toml", "-o", out)
    assert proc.returncode == 0, proc.stderr
    page = Page(out.read_text(encoding="utf-8"))
    assert page.number("revenue-total") == pytest.approx(sample["orders"]["revenue"].sum(), abs=0.01)
    orders = sample["orders"]
    assert page.number("hhi") == pytest.approx(kamlib.concentration(orders[orders["date"] >= "2025-01-01"]).hhi)
    assert page.number("orders-rows-excluded") == 1


def test_1c_example_export_is_what_the_script_makes(tmp_path):
    out = tmp_path / "export.csv"
    proc = subprocess.run([sys.executable, str(EXAMPLES / "make_export.py"), str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == (EXAMPLES / "export_1c.csv").read_bytes()
    again = subprocess.run([sys.executable, str(EXAMPLES / "make_export.py"), str(out)], capture_output=True, text=True)
    assert again.returncode == 3  # the script does not overwrite without --force either


# ----------------------------------------------------------------------------------------------
# a course notebook on another company's files (papermill)
# ----------------------------------------------------------------------------------------------


def test_start_notebook_runs_on_another_company(tmp_path, seed_7):
    papermill = Path(sys.executable).with_name("papermill")
    if not papermill.exists():
        pytest.skip("papermill is not installed (it comes with the course extra)")
    folder, proc = seed_7
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "00_on_seed_7.ipynb"
    proc = subprocess.run(
        [str(papermill), str(ROOT / "notebooks" / "00_start_here.ipynb"), str(out),
         "-p", "DATA", str(folder), "-p", "AS_OF", "2025-12-31", "--cwd", str(ROOT / "notebooks"),
         "--no-progress-bar", "--kernel", "python3"],
        capture_output=True, text=True, timeout=180, env={**os.environ, "PYDEVD_DISABLE_FILE_VALIDATION": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    import nbformat

    nb = nbformat.read(out, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and str(folder) in injected[0].source
    lines_7 = len(pd.read_csv(folder / "orders.csv"))
    assert lines_7 != len(pd.read_csv(DATA / "orders.csv"))  # else the check below proves nothing
    loaded = [c for c in nb.cells if c.cell_type == "code" and "kamlib.start(DATA" in c.source]
    shown = "".join(str(o.get("data", {}).get("text/plain", "")) for o in loaded[0].outputs)
    assert f"{lines_7:,} rows" in shown  # the folder given with -p DATA was read, not data/
    assert not any(o.get("output_type") == "error" for c in nb.cells if c.cell_type == "code"
                   for o in c.get("outputs", []))


# ----------------------------------------------------------------------------------------------
# issue 12: windows, XYZ options, manager and department view, period comparison, exports
# ----------------------------------------------------------------------------------------------


def _tiny_company(folder: Path) -> tuple[Path, Path]:
    """Four clients, two managers, 2024-2025. Worked out by hand in the tests below.

    a (Ann, North): 100 on the 5th of every month of 2024 and 2025;
    b (Ann, North): 50 every month of 2024, then nothing (stopped: lost);
    c (Bob, South): 30 every month of 2025 (new in 2025); name "=HYPERLINK(""x"")" (formula injection);
    d (Bob, South): 20 in every month of 2025.
    """
    rows = []
    for y in (2024, 2025):
        for m in range(1, 13):
            rows.append(("a", f"{y}-{m:02d}-05", 100))
            if y == 2024:
                rows.append(("b", f"{y}-{m:02d}-06", 50))
            else:
                rows += [("c", f"{y}-{m:02d}-07", 30), ("d", f"{y}-{m:02d}-08", 20)]
    orders = pd.DataFrame(rows, columns=["client_id", "date", "revenue"])
    orders.insert(0, "order_id", [f"o{i}" for i in range(len(orders))])
    clients = pd.DataFrame({"client_id": list("abcd"), "name": ["Alpha", "Beta", '=HYPERLINK("x")', "@Delta"],
                            "client_type": "manufacturer",
                            "manager": ["Ann", "Ann", "Bob", "Bob"], "department": ["North", "North", "South", "South"]})
    o, c = folder / "orders.csv", folder / "clients.csv"
    orders.to_csv(o, index=False)
    clients.to_csv(c, index=False)
    return o, c


def test_report_manager_view_comparison_and_window(tmp_path):
    o, c = _tiny_company(tmp_path)
    out = tmp_path / "r.html"
    proc = kam("report", o, "--clients", c, "-o", out, "--as-of", "2025-12-31")
    assert proc.returncode == 0, proc.stderr
    page = Page(out.read_text(encoding="utf-8"))
    assert page.value("window") == "12 month(s) 2025-01-01 – 2025-12-31"
    # 2025: a 1200, c 360, d 240 = 1800. Ann's clients: 1200 (66.7 %); Bob's: 600.
    values = [float(v) for v, _, _ in page.all("manager-revenue")]
    assert values == [1200.0, 600.0]
    # b bought monthly in 2024 and stopped: lost, one for Ann
    assert [int(v) for v, _, _ in page.all("manager-lost")] == [1, 0]
    assert [float(v) for v, _, _ in page.all("department-revenue")] == [1200.0, 600.0]
    # comparison: 2024 a 1200 + b 600 = 1800 (a A .667, b B? cum 1.0 -> C); 2025 a 1200 A, c 360, d 240
    assert page.number("new-clients") == 2 and page.number("stopped-clients") == 1
    moves = {(a["data-from"], a["data-to"]): int(v) for v, a, _ in page.all("migration")}
    assert moves[("A", "A")] == 1 and moves[("C", "gone")] == 1 and sum(v for (f, _), v in moves.items() if f == "new") == 2
    # look-alike numbers carry a one-line definition
    text = out.read_text(encoding="utf-8")
    assert 'class="def">Class A: the clients whose cumulative share' in text
    assert 'class="def">Largest client&#x27;s share: one client' in text
    # manager and department columns in the client lists
    assert "<th>Manager</th><th>Department</th>" in text


def test_report_options_reach_the_analyses(tmp_path):
    o, c = _tiny_company(tmp_path)
    out = tmp_path / "r.html"
    proc = kam("report", o, "--clients", c, "-o", out, "--months", "all", "--as-of", "2025-12-31", "--xyz-method", "cv", "--period", "quarter",
               "--abc", "0.5,0.9", "--xyz", "0.05,0.2")
    assert proc.returncode == 0, proc.stderr
    page = Page(out.read_text(encoding="utf-8"))
    assert page.value("window") == "all history 2024-01-05 – 2025-12-31"
    text = out.read_text(encoding="utf-8")
    assert "XYZ by the coefficient of variation of quarter revenue" in text
    assert "A up to 50%, B up to 90%" in text
    assert kam("report", o, "-o", tmp_path / "x.html", "--months", "0").returncode == 2
    assert kam("report", o, "-o", tmp_path / "x.html", "--excel-ru").returncode == 2  # needs --export-dir


def test_report_exports_csv_xlsx_formula_safe_and_never_overwritten(tmp_path):
    from openpyxl import load_workbook

    o, c = _tiny_company(tmp_path)
    ex = tmp_path / "ex"
    proc = kam("report", o, "--clients", c, "-o", tmp_path / "r.html", "--export-dir", ex, "--excel-ru",
               "--as-of", "2025-12-31")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in ex.iterdir()) == ["abc_xyz.csv", "abc_xyz.xlsx", "winback.csv", "winback.xlsx"]
    abc = pd.read_csv(ex / "abc_xyz.csv", sep=";", decimal=",", encoding="utf-8-sig", dtype={"client_id": str})
    assert abc["client_id"].tolist() == ["a", "c", "d"]
    assert abc["revenue"].tolist() == [1200, 360, 240]  # whole units
    assert abc.loc[1, "name"] == "'=HYPERLINK(\"x\")" and abc.loc[2, "name"] == "'@Delta"
    assert abc.loc[0, "manager"] == "Ann" and abc.loc[1, "department"] == "South"
    assert abc.loc[0, "share"] == pytest.approx(1200 / 1800)
    raw = (ex / "abc_xyz.csv").read_text(encoding="utf-8-sig").splitlines()
    assert raw[0].startswith("client_id;name;manager;department;revenue;share")
    assert ";0,666667;" in raw[1]
    wb = load_workbook(ex / "abc_xyz.xlsx")
    assert wb.sheetnames == ["ABC-XYZ", "Load report"]
    ws = wb["ABC-XYZ"]
    cell = ws.cell(row=3, column=2)
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"
    load = [[v for v in r] for r in wb["Load report"].iter_rows(values_only=True)]
    assert list(load[0][:5]) == ["table", "file", "rows read", "rows loaded", "rows excluded"]
    assert load[1][0] == "orders" and load[1][2] == 60  # 24 of a, 12 of b, 12 each of c and d
    wl = pd.read_csv(ex / "winback.csv", sep=";", decimal=",", encoding="utf-8-sig")
    assert wl["client_id"].tolist() == ["b"] and wl.loc[0, "manager"] == "Ann"
    # the exports exist now: a second run refuses (exit 3) and changes nothing; --force replaces
    before = (ex / "winback.csv").read_bytes()
    again = kam("report", o, "--clients", c, "-o", tmp_path / "r2.html", "--export-dir", ex)
    assert again.returncode == 3 and not (tmp_path / "r2.html").exists()
    assert (ex / "winback.csv").read_bytes() == before
    assert kam("report", o, "--clients", c, "-o", tmp_path / "r2.html", "--export-dir", ex,
               "--force").returncode == 0

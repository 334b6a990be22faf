"""The portfolio report of ``kam report``: one self-contained HTML page.

Sections (each a ``<section id="...">``): ``summary``, ``key-accounts``, ``abc-xyz``,
``concentration``, ``winback``, ``nps`` (only when NPS answers are given) and
``load-report``. The key numbers carry ``data-key`` attributes and their exact value in
``data-value`` (the text shows the rounded figure), so scripts and tests can read the page
back without scraping formatted text::

    <td data-key="hhi" data-value="1412.0978...">1,412</td>

Everything is inline: CSS in a ``<style>`` element, figures as base64 PNG ``data:`` URIs,
no scripts, no external fonts. Every string that comes from the data or from the user
(client names, file names, reasons) is escaped with :func:`html.escape`.

Figures are drawn on :class:`matplotlib.figure.Figure` objects, never registered with
pyplot, so building a report leaves no open figures and does not depend on the backend.
"""

from __future__ import annotations

import base64
import html
import io
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._errors import KamArgumentError
from ._validate import check_frame
from .labels import t

__all__ = ["portfolio_report", "ReportSource"]

_DPI = 96
_KEY_ROWS = 30  # key-account rows shown in full; the rest are counted
_WINBACK_ROWS = 30
_EXCLUDED_ROWS = 50  # excluded rows listed one by one per file


@dataclass(frozen=True)
class ReportSource:
    """Where one table of the report came from (shown in the load-report section).

    ``report`` is the reader's :class:`~kamlib.data._readers.LoadReport`, or None when the
    table was not read by a ``kamlib`` reader.
    """

    table: str
    path: str
    report: object | None = None


@dataclass
class _Page:
    """The parts of the page as they are built, and the notes collected on the way."""

    sections: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    toc: list[tuple[str, str]] = field(default_factory=list)
    window: str = ""
    window_revenue: float = 0.0

    def add(self, anchor: str, heading: str, body: str) -> None:
        self.toc.append((anchor, heading))
        self.sections.append(f'<section id="{anchor}">\n<h2>{_e(heading)}</h2>\n{body}\n</section>')


# ----------------------------------------------------------------------------------------------
# small HTML helpers
# ----------------------------------------------------------------------------------------------


def _e(value: object) -> str:
    """Escaped text of ``value`` (quotes included, so it is safe in attributes too)."""
    return html.escape("" if value is None else str(value), quote=True)


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _raw(value: object) -> str:
    """The exact value for a ``data-value`` attribute."""
    if _missing(value):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    try:
        number = float(value)  # numpy scalars too
    except (TypeError, ValueError):
        return str(value)
    return str(int(number)) if number.is_integer() and abs(number) < 2**53 else repr(number)


def _money(value: object) -> str:
    return t("cli_report.dash") if _missing(value) else f"{float(value):,.0f}"


def _pct(value: object, digits: int = 1) -> str:
    return t("cli_report.dash") if _missing(value) else f"{float(value):.{digits}%}"


def _number(value: object, digits: int = 0) -> str:
    return t("cli_report.dash") if _missing(value) else f"{float(value):,.{digits}f}"


def _date(value: object) -> str:
    return t("cli_report.dash") if _missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def _text(value: object) -> str:
    return t("cli_report.dash") if _missing(value) else str(value)


def _cell(text: str, *, key: str | None = None, value: object = None, tag: str = "td", **attrs: object) -> str:
    """One table cell; ``text`` is escaped here, ``key``/``value`` become data attributes."""
    parts = [tag]
    if key is not None:
        parts.append(f'data-key="{_e(key)}"')
        parts.append(f'data-value="{_e(_raw(value))}"')
    for name, val in attrs.items():
        name = "class" if name == "cls" else name.replace("_", "-")
        parts.append(f'{name}="{_e(val)}"')
    return f"<{' '.join(parts)}>{_e(text)}</{tag}>"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str] | tuple[Sequence[str], Mapping]], *,
           cls: str = "", numeric: Iterable[int] = ()) -> str:
    """A table from already-built cells. A row is a list of cells, or (cells, row attributes)."""
    numeric = set(numeric)
    head = "".join(
        ('<th class="num">' if i in numeric else "<th>") + f"{_e(h)}</th>" for i, h in enumerate(headers)
    )
    body = []
    for row in rows:
        attrs = ""
        if isinstance(row, tuple):
            row, extra = row
            attrs = "".join(f' {k.replace("_", "-")}="{_e(v)}"' for k, v in extra.items())
        body.append(f"<tr{attrs}>{''.join(row)}</tr>")
    klass = f' class="{cls}"' if cls else ""
    return f"<table{klass}>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>"


def _facts(items: Sequence[tuple]) -> str:
    """A table of (label, shown text, data-key, exact value[, one-line definition])."""
    rows = []
    for label, text, key, value, *definition in items:
        row = [_cell(label, tag="th"), _cell(text, key=key, value=value) if key else _cell(text)]
        if definition and definition[0]:
            row.append(_cell(definition[0], cls="def"))
        rows.append(row)
    body = "\n".join(f"<tr>{''.join(r)}</tr>" for r in rows)
    return f'<table class="facts">\n<tbody>\n{body}\n</tbody>\n</table>'


def _p(text: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f"<p{klass}>{_e(text)}</p>"


def _notes(notes: Sequence[str]) -> str:
    if not notes:
        return ""
    items = "".join(f"<li>{_e(n)}</li>" for n in notes)
    return f'<ul class="notes">{items}</ul>'


def _figure(draw: Callable[[object], None], alt: str, *, size: tuple[float, float] = (6.4, 4.0)) -> str:
    """Draw on a fresh (pyplot-free) figure and embed it as a base64 PNG."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="tight")  # "tight": ~20 % faster than "constrained" here
    ax = fig.subplots()
    draw(ax)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<figure><img alt="{_e(alt)}" src="data:image/png;base64,{data}"></figure>'


def _caught(notes: list[str], call: Callable[[], object]) -> object:
    """Run ``call``; its warnings become notes of the report instead of console noise."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    for w in caught:
        if issubclass(w.category, (UserWarning,)):
            text = str(w.message)
            if text not in notes:
                notes.append(text)
    return result


# ----------------------------------------------------------------------------------------------
# the report
# ----------------------------------------------------------------------------------------------


def portfolio_report(
    orders: pd.DataFrame,
    clients: pd.DataFrame | None = None,
    nps_responses: pd.DataFrame | None = None,
    *,
    as_of: object | None = None,
    sources: Sequence[ReportSource] = (),
    notes: Sequence[str] = (),
    title: str | None = None,
    months: int | None = 12,
    abc: tuple[float, float] = (0.80, 0.95),
    xyz: tuple[float, float] | None = None,
    xyz_method: str = "frequency",
    period: str = "month",
    tables: dict | None = None,
) -> str:
    """The portfolio report as one self-contained HTML page.

    Parameters
    ----------
    orders : DataFrame
        The canonical ``orders`` table (as a ``kamlib`` reader returns it).
    clients : DataFrame, optional
        The canonical ``clients`` table: names, departments and the key-client
        attributes (potential, reference, innovative, demanding). Without it the key
        accounts are judged by volume (and profit) only.
    nps_responses : DataFrame, optional
        The canonical ``nps_responses`` table; the NPS section appears only with it.
    as_of : date, optional
        The day of the analysis. Default: the last order date in ``orders`` (the page
        says which was used). Order lines and NPS answers after it are left out.
    sources : sequence of ReportSource
        The files read, with their load reports, for the load-report section.
    notes : sequence of str
        Extra notes shown under the summary.
    title : str, optional
        The page title (default from the labels).
    months : int or None
        The window of ABC-XYZ, key accounts and concentration: the last ``months``
        calendar months up to ``as_of`` (default 12); None = all history. The period
        comparison sets the last ``months`` (12 when None) against the ones before.
    abc, xyz, xyz_method, period
        Passed to :func:`kamlib.abc_xyz` (``xyz_method`` as its ``method``).
    tables : dict, optional
        When given, the report puts the tables it computed into it — ``"abc_xyz"``
        and ``"winback"`` (with manager and department columns when the clients
        table has them) — so a caller can export them without computing them twice.

    Returns
    -------
    str
        The HTML page.

    Raises
    ------
    KamDataError
        A table lacks a column an analysis needs.
    KamArgumentError
        ``as_of`` is not a date or lies before the first order.

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"order_id": ["1", "2", "3"], "client_id": ["<b>", "c", "d"],
    ...     "date": pd.to_datetime(["2025-01-10", "2025-02-10", "2025-03-10"]),
    ...     "revenue": [70.0, 20.0, 10.0]})
    >>> page = portfolio_report(orders)
    >>> '<td data-key="hhi" data-value="5400">5,400</td>' in page   # 70² + 20² + 10²
    True
    >>> "<b>" in page, '<td>&lt;b&gt;</td>' in page   # the largest client, a key account: escaped
    (False, True)
    """
    from .analytics._prep import shared_codes

    check_frame(orders, "orders")
    with shared_codes():  # every analysis below numbers the same clients: do it once
        return _portfolio_page(orders, clients, nps_responses, as_of=as_of, sources=sources, notes=notes,
                               title=title, months=months, abc=abc, xyz=xyz, xyz_method=xyz_method,
                               period=period, tables=tables)


def _portfolio_page(orders: pd.DataFrame, clients: pd.DataFrame | None, nps_responses: pd.DataFrame | None, *,
                    as_of: object | None, sources: Sequence[ReportSource], notes: Sequence[str], title: str | None,
                    months: int | None, abc: tuple[float, float], xyz: tuple[float, float] | None,
                    xyz_method: str, period: str, tables: dict | None) -> str:
    """:func:`portfolio_report` once ``orders`` is known to be a DataFrame."""
    from .analytics._abc_xyz import abc_xyz

    page = _Page(notes=list(notes))
    as_of_given = as_of is not None
    if as_of_given:
        try:
            as_of = pd.Timestamp(as_of)
        except (TypeError, ValueError):
            raise KamArgumentError(t("cli.bad_date", value=as_of)) from None
    else:
        as_of = pd.Timestamp(orders["date"].max()) if "date" in orders and len(orders) else None
    if as_of is None or pd.isna(as_of):
        raise KamArgumentError(t("cli_report.no_dates"))
    as_of = as_of.normalize()

    if "date" in orders and len(orders) and orders["date"].min() > as_of:
        raise KamArgumentError(t("cli_report.as_of_before_data", as_of=_date(as_of), first=_date(orders["date"].min())))
    if "date" in orders:
        later = int((orders["date"] > as_of).sum())
        if later:
            page.notes.append(t("cli_report.note_after_as_of", n=f"{later:,}", as_of=_date(as_of)))
            orders = orders[orders["date"] <= as_of]
    if clients is None:
        page.notes.append(t("cli_report.note_no_clients"))

    from ._report_views import comparison_section, org_columns, people_section, with_org
    from .analytics._abc_xyz import window_start

    abc_kwargs = {"abc": abc, "xyz": xyz, "method": xyz_method, "period": period}
    abc_result = _caught(page.notes, lambda: abc_xyz(orders, as_of=as_of, months=months, **abc_kwargs))
    start = window_start(as_of, months)
    in_window = None if start is None else (orders["date"] >= start).to_numpy()
    # the window's revenue; the window's lines themselves (client_id and revenue: the columns
    # the sections read) are copied only for a section that needs them
    revenue_w = orders["revenue"] if in_window is None else orders["revenue"][in_window]
    window_lines: list[pd.DataFrame] = []

    def orders_w() -> pd.DataFrame:
        if not window_lines:
            window_lines.append(orders if in_window is None else orders.loc[in_window, ["client_id", "revenue"]])
        return window_lines[0]

    window = abc_result.attrs["window"]
    page.window = window
    page.window_revenue = float(revenue_w.sum()) if len(revenue_w) else 0.0

    from .analytics._churn import winback_list

    wl = with_org(winback_list(orders, clients, as_of=as_of), clients)
    key_html, keys = _key_accounts_section(orders, clients, as_of, months, page.window_revenue)
    page.add("key-accounts", t("cli_report.h_key_accounts"), key_html)
    page.add("abc-xyz", t("cli_report.h_abc_xyz"), _abc_xyz_section(abc_result, as_of))
    concentration_w = _window_concentration(orders, in_window)
    page.add("concentration", t("cli_report.h_concentration"),
             _concentration_section(orders_w() if concentration_w is None else None, clients, window, concentration_w))
    page.add("winback", t("cli_report.h_winback"), _winback_section(wl, as_of))
    page.add("people", t("report_views.h_people"),
             people_section(orders_w() if org_columns(clients) else None, clients, keys, wl))
    page.add("comparison", t("report_views.h_comparison"),
             _caught(page.notes, lambda: comparison_section(orders, as_of, months or 12, abc_kwargs, abc_result)))
    if tables is not None:
        tables["abc_xyz"] = with_org(_with_names(abc_result, clients), clients)
        tables["winback"] = wl
    if nps_responses is not None:
        page.add("nps", t("cli_report.h_nps"), _nps_section(nps_responses, as_of, page.notes))
    page.add("load-report", t("cli_report.h_load_report"), _load_section(sources, orders, clients))

    summary = _load_summary_html(sources) + _summary_section(orders, clients, as_of, as_of_given, page)
    return _html_page(title or t("cli_report.title"), summary, page)


def _load_summary_html(sources: Sequence[ReportSource]) -> str:
    """Lines read/loaded/excluded and the share of revenue excluded, first on the page."""
    reports = [s.report for s in sources if s.report is not None]
    if not reports:
        return ""
    from .data.read import load_summary

    return load_summary(*reports)._repr_html_()


def _summary_section(orders: pd.DataFrame, clients, as_of: pd.Timestamp, as_of_given: bool, page: _Page) -> str:
    revenue = float(orders["revenue"].sum()) if len(orders) else 0.0
    from .analytics._prep import distinct_ids

    known_ids = distinct_ids(orders["client_id"])  # from the codes the analyses shared
    n_clients = int(orders["client_id"].nunique()) if known_ids is None else len(known_ids)
    first = orders["date"].min() if len(orders) else None
    as_of_text = t("cli_report.as_of_given" if as_of_given else "cli_report.as_of_default", date=_date(as_of))
    facts = [
        (t("cli_report.as_of"), as_of_text, "as-of", as_of),
        (t("cli_report.period"), t("cli_report.period_text", first=_date(first), last=_date(as_of)), None, None),
        (t("report_views.window"), page.window, "window", page.window),
        (t("cli_report.lines"), f"{len(orders):,}", "lines", len(orders)),
        (t("cli_report.clients_buying"), f"{n_clients:,}", "clients", n_clients),
        (t("cli_report.revenue_total"), _money(revenue), "revenue-total", revenue),
        (t("report_views.revenue_window"), _money(page.window_revenue), "revenue-window", page.window_revenue,
         t("report_views.def_revenue_window")),
    ]
    if "cost" in orders and orders["cost"].notna().any():
        margin = revenue - float(orders["cost"].sum())
        facts.append((t("cli_report.margin_total"), _money(margin), "margin-total", margin))
    toc = "".join(f'<li><a href="#{a}">{_e(h)}</a></li>' for a, h in page.toc)
    return (
        '<section id="summary">\n'
        + _facts(facts)
        + f'\n<nav><h2>{_e(t("cli_report.contents"))}</h2><ol>{toc}</ol></nav>\n'
        + (f'<h3>{_e(t("cli_report.notes"))}</h3>' + _notes(page.notes) if page.notes else "")
        + "\n</section>"
    )


def _with_names(frame: pd.DataFrame, clients: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` with the clients' ``name`` after ``client_id`` (when the table has names)."""
    if clients is None or "name" not in clients or "name" in frame.columns:
        return frame
    out = frame.copy()
    out.insert(1, "name", out["client_id"].map(dict(zip(clients["client_id"], clients["name"]))))
    return out


def _client_cells(rec: Mapping, org: Sequence[str], has_name: bool) -> list[str]:
    """Client id, name and the manager/department cells of one client row."""
    cells = [_cell(_text(rec["client_id"]))]
    if has_name:
        cells.append(_cell(_text(rec.get("name"))))
    cells += [_cell(_text(rec.get(c))) for c in org]
    return cells


def _client_headers(org: Sequence[str], has_name: bool) -> list[str]:
    return ([t("cli_report.col_client")] + ([t("cli_report.col_name")] if has_name else [])
            + [t(f"report_views.col_{c}") for c in org])


def _key_accounts_section(orders: pd.DataFrame, clients: pd.DataFrame | None, as_of: pd.Timestamp,
                          months: int | None, total: float) -> tuple[str, pd.DataFrame]:
    """The key-accounts section; ``total`` is the revenue of the window."""
    from ._report_views import org_columns, with_org
    from .analytics._key_accounts import key_accounts

    notes: list[str] = []
    window_args = {"months": months} if months is not None else {}
    keys = _caught(notes, lambda: key_accounts(orders, clients, as_of=as_of, **window_args))
    keys = with_org(keys, clients)
    org = [c for c in org_columns(clients) if c in keys.columns]
    volume = int(keys["volume"].sum()) if len(keys) else 0
    key_share = float(keys["revenue"].sum()) / total if total and len(keys) else 0.0
    parts = [
        _p(t("report_views.key_intro")),
        _facts([
            (t("cli_report.key_count"), f"{len(keys):,}", "key-accounts-count", len(keys),
             t("report_views.def_key_count")),
            (t("cli_report.key_volume_count"), f"{volume:,}", "key-volume-count", volume,
             t("report_views.def_key_volume")),
            (t("report_views.key_share"), _pct(key_share), "key-share", key_share, t("report_views.def_key_share")),
        ]),
    ]
    if len(keys):
        has_name = "name" in keys
        headers = _client_headers(org, has_name) + [
            t("cli_report.col_share"), t("cli_report.col_revenue"), t("cli_report.col_types"), t("cli_report.col_why")]
        rows = []
        for rec in keys.head(_KEY_ROWS).to_dict("records"):
            cells = _client_cells(rec, org, has_name) + [
                _cell(_pct(rec["share"]), key="share", value=rec["share"], cls="num"),
                _cell(_money(rec["revenue"]), cls="num"),
                _cell(_text(rec["types"]) or t("cli_report.dash")),
                _cell(_text(rec["reason"])),
            ]
            rows.append((cells, {"data_client": rec["client_id"]}))
        first_num = len(headers) - 4
        parts.append(_table(headers, rows, cls="key-accounts", numeric=[first_num, first_num + 1]))
        if len(keys) > _KEY_ROWS:
            parts.append(_p(t("cli_report.more_rows", n=len(keys) - _KEY_ROWS)))
    else:
        parts.append(_p(t("cli_report.key_none")))

    if clients is not None and "department" in clients and clients["department"].notna().any():
        dept = _caught(notes, lambda: key_accounts(orders, clients, level="department", as_of=as_of, **window_args))
        dept = dept[dept["volume"]] if len(dept) else dept
        dept = with_org(dept, clients)
        parts.append(f'<h3>{_e(t("cli_report.h_key_department"))}</h3>')
        parts.append(_facts([(t("cli_report.key_department_count"), f"{len(dept):,}",
                              "department-key-count", len(dept))]))
        if len(dept):
            has_name = "name" in dept
            org_d = [c for c in org_columns(clients) if c in dept.columns]
            headers = _client_headers(org_d, has_name) + [t("cli_report.col_share_department")]
            rows = []
            for rec in dept.to_dict("records"):
                cells = _client_cells(rec, org_d, has_name) + [_cell(_pct(rec["share"]), cls="num")]
                rows.append((cells, {"data_client": rec["client_id"]}))
            parts.append(_table(headers, rows, cls="key-department", numeric=[len(headers) - 1]))
    parts.append(_notes(notes))
    return "\n".join(parts), keys


def _abc_xyz_section(result: pd.DataFrame, as_of: pd.Timestamp) -> str:
    from .analytics._abc_xyz import _xyz_labels, abc_xyz_matrix, cell_strategies
    from .analytics._plots import plot_abc_xyz_matrix, plot_pareto

    matrix = abc_xyz_matrix(result)
    settings = result.attrs.get("abc_xyz", {})
    a_cut, b_cut = settings.get("abc", (0.8, 0.95))
    x_cut, y_cut = settings.get("xyz", (0.1, 0.25))
    method = settings.get("method", "cv")
    period_word = t(f"xyz_method.period_{settings.get('period', 'M')}")
    parts = [_p(t(f"report_views.abc_intro_{method}", a=_pct(a_cut, 0), b=_pct(b_cut, 0), x=_pct(x_cut, 0),
                  y=_pct(y_cut, 0), min_periods=settings.get("min_periods", 6), period=period_word)),
             _p(t("window.caption", window=result.attrs.get("window", "")), cls="note")]
    for note in result.attrs.get("notes", []):
        parts.append(f'<p class="xyz-note"><b>{_e(t("report_views.h_xyz_note"))}:</b> {_e(note)}</p>')
    if as_of != as_of + pd.offsets.MonthEnd(0):
        parts.append(_p(t("cli_report.abc_partial_month", as_of=_date(as_of)), cls="note"))

    counts, shares = matrix.counts, matrix.shares
    xyz_classes = set(_xyz_labels())
    headers = [""] + [str(c) for c in counts.columns]
    rows = []
    for abc in counts.index:
        cells = [_cell(str(abc), tag="th")]
        for xyz in counts.columns:
            n = int(counts.loc[abc, xyz])
            share = float(shares.loc[abc, xyz])
            cell = f"{abc}{xyz}" if xyz in xyz_classes else t("cell.insufficient", abc=abc)
            cells.append(
                f'<td class="num" data-key="matrix-count" data-cell="{_e(cell)}" data-value="{n}" '
                f'data-share="{_e(_raw(share))}">{n}<br><small>{_e(_pct(share))}</small></td>'
            )
        rows.append((cells, {"data_abc": abc}))
    parts.append(_table(headers, rows, cls="matrix", numeric=range(1, len(headers))))
    n_a = int(matrix.counts.loc[matrix.counts.index[0]].sum())
    parts.append(_facts([
        (t("report_views.class_a_count"), f"{n_a:,}", "class-a-count", n_a,
         t("report_views.def_class_a", a=_pct(a_cut, 0))),
        (t("cli_report.not_ranked"), f"{matrix.not_ranked:,}", "not-ranked", matrix.not_ranked),
    ]))

    figures = [
        _figure(lambda ax: plot_abc_xyz_matrix(matrix, ax=ax), t("cli_report.fig_matrix"), size=(5.2, 4.0)),
        _figure(lambda ax: plot_pareto(result, ax=ax), t("cli_report.fig_pareto"), size=(5.6, 4.0)),
    ]
    parts.append('<div class="figures">' + "".join(figures) + "</div>")

    parts.append(f'<h3>{_e(t("cli_report.h_strategies"))}</h3>')
    strategies = cell_strategies()
    rows = []
    for rec in strategies.to_dict("records"):
        n = int(counts.loc[rec["abc"], rec["xyz"]])
        share = float(shares.loc[rec["abc"], rec["xyz"]])
        cells = [
            _cell(rec["cell"], tag="th"),
            _cell(f"{n:,}", cls="num"),
            _cell(_pct(share), cls="num"),
            _cell(rec["focus"]),
            _cell(rec["strategy"]),
        ]
        rows.append((cells, {"data_cell": rec["cell"], "class": "empty" if n == 0 else "used"}))
    parts.append(_table([t("cli_report.col_cell"), t("cli_report.col_clients"), t("cli_report.col_share_value"),
                         t("cli_report.col_focus"), t("cli_report.col_strategy")], rows, cls="strategies",
                        numeric=[1, 2]))
    return "\n".join(parts)


def _window_concentration(orders: pd.DataFrame, in_window: np.ndarray | None):
    """``concentration`` of the window's lines from the client codes the analyses shared (None: not available)."""
    from ._validate import check_numeric_column
    from .analytics._concentration import _client_concentration
    from .analytics._prep import _fixed_width_codes, _is_arrow_text, shared_sort

    fast = _fixed_width_codes(orders["client_id"])  # inside the report: the shared codes, no new work
    if fast is None:
        return None
    codes, ids = fast
    values = check_numeric_column(orders, "revenue", argument="orders").to_numpy(dtype=np.float64)
    if in_window is not None:
        codes, values = codes[in_window], values[in_window]
    return _client_concentration(codes, ids, values, shared_sort(ids) if _is_arrow_text(ids) else None)


def _concentration_section(orders: pd.DataFrame, clients: pd.DataFrame | None, window: str = "",
                           result=None) -> str:
    """The concentration section; ``result`` is ``concentration(orders)`` when the caller has it."""
    from ._report_views import org_columns, with_org
    from .analytics._concentration import concentration

    res = concentration(orders) if result is None else result
    s = res.summary.iloc[0]
    normal = t("dependency.normal")
    pareto_share = _pct(res.thresholds.get("pareto", 0.8), 0)
    parts = [
        _p(t("cli_report.concentration_intro")),
        _p(t("window.caption", window=window), cls="note") if window else "",
        _facts([
            (t("cli_report.hhi"), _number(s["hhi"]), "hhi", s["hhi"]),
            (t("cli_report.hhi_2010"), _text(s["hhi_2010"]), "hhi-2010", s["hhi_2010"]),
            (t("cli_report.hhi_2023"), _text(s["hhi_2023"]), "hhi-2023", s["hhi_2023"]),
            (t("cli_report.equivalent"), _number(s["equivalent_number"], 1), "equivalent-number",
             s["equivalent_number"]),
            (t("cli_report.top1"), _pct(s["top1_share"]), "top1-share", s["top1_share"], t("report_views.def_top1")),
            (t("cli_report.top5"), _pct(s["top5_share"]), "top5-share", s["top5_share"]),
            (t("cli_report.top10"), _pct(s["top10_share"]), "top10-share", s["top10_share"]),
            (t("cli_report.pareto", share=_pct(res.thresholds.get("pareto", 0.8), 0)),
             t("cli_report.pareto_text", k=int(s["pareto_n"]), n=int(s["n"]), share=_pct(s["pareto_share"])),
             "pareto-n", s["pareto_n"], t("report_views.def_pareto", share=pareto_share)),
        ]),
    ]
    flagged = res.clients[res.clients["dependency"].astype(str) != normal]
    parts.append(f'<h3>{_e(t("cli_report.h_dependency"))}</h3>')
    parts.append(_facts([(t("cli_report.dependency_count"), f"{len(flagged):,}", "dependency-count", len(flagged))]))
    thresholds = res.thresholds
    if len(flagged):
        flagged = with_org(_with_names(flagged, clients), clients)
        org = [c for c in org_columns(clients) if c in flagged.columns]
        rows = []
        for rec in flagged.to_dict("records"):
            level = str(rec["dependency"])
            level_key = next((k for k in ("critical", "high", "warning") if t(f"dependency.{k}") == level), "warning")
            cells = _client_cells(rec, org, True) + [
                _cell(_pct(rec["share"]), key="dependency-share", value=rec["share"], cls="num"),
                _cell(level),
                _cell(t(f"cli_report.advice_{level_key}", level=_pct(thresholds.get(level_key), 0))),
            ]
            rows.append((cells, {"data_client": rec["client_id"], "class": f"dep-{level_key}"}))
        parts.append(_table(_client_headers(org, True) + [t("cli_report.col_share"),
                            t("cli_report.col_level"), t("cli_report.col_advice")], rows, cls="dependency",
                            numeric=[2 + len(org)]))
    else:
        parts.append(_p(t("cli_report.dependency_none", level=_pct(thresholds.get("warning", 0.2), 0))))

    top = res.clients.head(10)
    if len(top):
        names = _names(clients)

        def draw(ax) -> None:
            labels = [_plain(_short(names.get(c, c))) for c in top["client_id"]][::-1]
            ax.barh(labels, top["share"].to_numpy(dtype=float)[::-1], color="#4c72b0")
            for key, colour in (("warning", "#dd8452"), ("high", "#c44e52"), ("critical", "#8c1c13")):
                level = thresholds.get(key)
                if level is not None and level <= max(float(top["share"].max()) * 1.15, 0.25):
                    ax.axvline(level, color=colour, ls="--", lw=1, label=f"{t(f'dependency.{key}')} > {level:.0%}")
            from matplotlib.ticker import PercentFormatter

            ax.xaxis.set_major_formatter(PercentFormatter(1.0))
            ax.set_xlabel(t("cli_report.fig_top_xlabel"))
            ax.set_title(t("cli_report.fig_top_title"))
            if ax.get_legend_handles_labels()[0]:
                ax.legend(loc="lower right", fontsize="small")

        parts.append('<div class="figures">' + _figure(draw, t("cli_report.fig_top_title"), size=(6.0, 3.6)) + "</div>")
    if len(res.excluded):
        parts.append(_p(t("cli_report.concentration_excluded", n=len(res.excluded)), cls="note"))
    return "\n".join(parts)


def _plain(text: object) -> str:
    """Text for a matplotlib label shown as typed: a ``$`` would start a formula (and crash on a bad one)."""
    return str(text).replace("$", r"\$")


def _short(text: object, width: int = 28) -> str:
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _names(clients: pd.DataFrame | None) -> dict[object, object]:
    if clients is None or "name" not in clients:
        return {}
    return dict(zip(clients["client_id"], clients["name"]))


def _winback_section(wl: pd.DataFrame, as_of: pd.Timestamp) -> str:
    from ._report_views import ORG

    lost_label, risk_label = t("churn.lost"), t("churn.at_risk")
    status = wl["status"].astype(str)
    total = float(wl["revenue_at_stake"].sum()) if len(wl) else 0.0
    parts = [
        _p(t("cli_report.winback_intro")),
        _p(t("report_views.window_churn", as_of=_date(as_of)), cls="note"),
        _facts([
            (t("cli_report.lost_count"), f"{int((status == lost_label).sum()):,}", "lost-count",
             int((status == lost_label).sum())),
            (t("cli_report.at_risk_count"), f"{int((status == risk_label).sum()):,}", "at-risk-count",
             int((status == risk_label).sum())),
            (t("cli_report.at_stake_total"), _money(total), "winback-total", total),
        ]),
    ]
    if len(wl):
        has_name = "name" in wl
        org = [c for c in ORG if c in wl.columns and wl[c].notna().any()]
        headers = ["#"] + _client_headers(org, has_name) + [
            t("cli_report.col_status"), t("cli_report.col_last_purchase"), t("cli_report.col_days_since"),
            t("cli_report.col_usual_gap"), t("cli_report.col_at_stake"), t("cli_report.col_trend"),
            t("cli_report.col_note")]
        rows = []
        for rec in wl.head(_WINBACK_ROWS).to_dict("records"):
            cells = [_cell(str(rec["rank"]), cls="num")] + _client_cells(rec, org, has_name)
            cells += [
                _cell(_text(rec["status"])),
                _cell(_date(rec["last_purchase"])),
                _cell(_number(rec["days_since_last"]), cls="num"),
                _cell(_number(rec["usual_gap_days"], 1), cls="num"),
                _cell(_money(rec["revenue_at_stake"]), key="at-stake", value=rec["revenue_at_stake"], cls="num"),
                _cell(_text(rec["trend"])),
                _cell(_text(rec["note"])),
            ]
            rows.append((cells, {"data_client": rec["client_id"], "data_status": rec["status"]}))
        offset = (1 if has_name else 0) + len(org)
        parts.append(_table(headers, rows, cls="winback",
                            numeric=[0, 4 + offset, 5 + offset, 6 + offset]))
        if len(wl) > _WINBACK_ROWS:
            parts.append(_p(t("cli_report.more_rows", n=len(wl) - _WINBACK_ROWS)))
    else:
        parts.append(_p(t("cli_report.winback_none")))
    return "\n".join(parts)


def _nps_section(responses: pd.DataFrame, as_of: pd.Timestamp, page_notes: list[str]) -> str:
    from .analytics._nps import nps, nps_by

    if "date" in responses and responses["date"].notna().any():
        later = responses["date"] > as_of
        if later.any():
            page_notes.append(t("cli_report.note_nps_after_as_of", n=int(later.sum()), as_of=_date(as_of)))
            responses = responses[~later]
    if not len(responses):
        return _p(t("cli_report.nps_none"))
    overall = nps(responses)
    parts = [
        _p(t("cli_report.nps_intro")),
        _facts([
            (t("cli_report.nps_overall"), f"{overall.nps:+.0f}", "nps", overall.nps),
            (t("cli_report.nps_interval", conf=_pct(overall.confidence, 0)),
             t("cli_report.nps_interval_text", low=f"{overall.ci_low:+.0f}", high=f"{overall.ci_high:+.0f}"),
             "nps-ci", f"{_raw(overall.ci_low)},{_raw(overall.ci_high)}"),
            (t("cli_report.nps_n"), f"{overall.n:,}", "nps-n", overall.n),
            (t("cli_report.nps_groups"),
             t("cli_report.nps_groups_text", p=overall.promoters, a=overall.passives, d=overall.detractors,
               p_share=_pct(overall.promoters_share, 0), d_share=_pct(overall.detractors_share, 0)), None, None),
        ]),
    ]
    if "wave" in responses and responses["wave"].notna().any():
        by = nps_by(responses, "wave")
        parts.append(f'<h3>{_e(t("cli_report.h_nps_waves"))}</h3>')
        rows = []
        for rec in by.to_dict("records"):
            cells = [
                _cell(_text(rec["wave"]), tag="th"),
                _cell(f"{int(rec['n']):,}", cls="num"),
                _cell(f"{rec['nps']:+.0f}", key="wave-nps", value=rec["nps"], cls="num"),
                _cell(t("cli_report.nps_interval_text", low=f"{rec['ci_low']:+.0f}", high=f"{rec['ci_high']:+.0f}"),
                      cls="num"),
                _cell(f"±{rec['margin_of_error']:.0f}", cls="num"),
                _cell(_text(rec["note"]) if rec["note"] else ""),
            ]
            rows.append((cells, {"data_wave": rec["wave"]}))
        parts.append(_table([t("cli_report.col_wave"), t("cli_report.col_n"), t("cli_report.col_nps"),
                             t("cli_report.col_interval"), t("cli_report.col_margin"), t("cli_report.col_note")],
                            rows, cls="nps-waves", numeric=[1, 2, 3, 4]))

        def draw(ax) -> None:
            x = list(range(len(by)))
            y = by["nps"].to_numpy(dtype=float)
            # the interval is drawn as it is: around a small wave's adjusted estimate it need not
            # contain the plain NPS (one detractor: NPS -100, interval about -98 … +48)
            low, high = by["ci_low"].to_numpy(dtype=float), by["ci_high"].to_numpy(dtype=float)
            ax.vlines(x, low, high, color="#4c72b0", lw=1.2)
            ax.hlines([*low, *high], [v - 0.08 for v in x] * 2, [v + 0.08 for v in x] * 2, color="#4c72b0", lw=1.2)
            ax.plot(x, y, "o-", color="#4c72b0")
            ax.axhline(0, color="grey", lw=0.8)
            ax.set_xticks(x, [_plain(w) for w in by["wave"]])
            ax.set_ylim(-100, 100)
            ax.set_ylabel(t("cli_report.fig_nps_ylabel"))
            ax.set_title(t("cli_report.fig_nps_title", conf=_pct(overall.confidence, 0)))

        parts.append('<div class="figures">' + _figure(draw, t("cli_report.fig_nps_title",
                                                                conf=_pct(overall.confidence, 0)), size=(6.4, 3.4))
                     + "</div>")
    return "\n".join(parts)


def _load_section(sources: Sequence[ReportSource], orders: pd.DataFrame, clients: pd.DataFrame | None) -> str:
    parts = [_p(t("cli_report.load_intro"))]
    if not sources:
        parts.append(_p(t("cli_report.load_no_sources")))
    for source in sources:
        report = source.report
        parts.append(f'<h3 data-table="{_e(source.table)}">{_e(t("cli_report.load_table", table=source.table))}</h3>')
        if report is None:
            parts.append(_facts([(t("cli_report.load_file"), source.path, None, None)]))
            continue
        facts = [
            (t("cli_report.load_file"), source.path, None, None),
            (t("cli_report.load_read"), f"{report.rows_read:,}", f"{source.table}-rows-read", report.rows_read),
            (t("cli_report.load_loaded"), f"{report.rows_loaded:,}", f"{source.table}-rows-loaded", report.rows_loaded),
            (t("cli_report.load_excluded"), f"{report.rows_excluded:,}", f"{source.table}-rows-excluded",
             report.rows_excluded),
        ]
        parts.append(_facts(facts))
        if report.rows_excluded:
            summary = report.summary()
            rows = [
                [_cell(_text(r["reason"])), _cell(_text(r["column"]) or t("cli_report.dash")),
                 _cell(f"{int(r['rows']):,}", cls="num"), _cell(_text(r["first"]))]
                for r in summary.to_dict("records")
            ]
            where = {"line": t("cli_report.col_lines"), "row": t("cli_report.col_rows"),
                     "index": t("cli_report.col_index")}.get(report.where, t("cli_report.col_lines"))
            parts.append(_table([t("cli_report.col_reason"), t("cli_report.col_column"), t("cli_report.col_count"),
                                 where], rows, cls="excluded", numeric=[2]))
            parts.append(_excluded_rows(report, source.table))
        if report.read_as:
            from .data._readers import _read_as_text

            items = "".join(f"<li>{_e(_read_as_text(k, v, report.where))}</li>" for k, v in report.read_as)
            parts.append(f'<details><summary>{_e(t("cli_report.load_how"))}</summary><ul>{items}</ul></details>')
    if clients is not None and "client_id" in clients:
        unknown = sorted(set(orders["client_id"].dropna()) - set(clients["client_id"].dropna()))
        if unknown:
            some = ", ".join(map(str, unknown[:5])) + (", …" if len(unknown) > 5 else "")
            parts.append(_p(t("cli_report.load_unknown_clients", n=len(unknown), some=some), cls="note"))
    return "\n".join(parts)


def _excluded_rows(report, table: str) -> str:
    """The first excluded rows themselves: where, why, the value at fault and the row as it was."""
    frame = report.excluded_frame()
    shown = frame.head(_EXCLUDED_ROWS)
    rows = []
    for rec in shown.itertuples(index=False, name=None):
        line, reason, column, value, *raw = rec
        original = "; ".join("" if _missing(v) else str(v) for v in raw)
        rows.append(([_cell(_text(line), cls="num"), _cell(_text(reason)), _cell(_text(column) or t("cli_report.dash")),
                      _cell("" if _missing(value) else str(value)), _cell(original)],
                     {"data_line": line, "data_table": table}))
    where = {"line": t("cli_report.col_line"), "row": t("cli_report.col_row"),
             "index": t("cli_report.col_label")}.get(report.where, t("cli_report.col_line"))
    out = (f'<details><summary>{_e(t("cli_report.load_rows_shown", n=len(shown), total=len(frame)))}</summary>'
           + _table([where, t("cli_report.col_reason"), t("cli_report.col_column"), t("cli_report.col_value"),
                     t("cli_report.col_original")], rows, cls="excluded-rows", numeric=[0])
           + "</details>")
    return out


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem auto;max-width:72rem;
padding:0 1rem;color:#1d2329;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{border-bottom:2px solid #4c72b0;padding-bottom:.2rem;margin-top:2.2rem}
h3{margin-top:1.4rem}table{border-collapse:collapse;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #d5dbe1;padding:.3rem .55rem;vertical-align:top;text-align:left}
thead th{background:#eef2f7}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.facts th{background:#f6f8fa;font-weight:600}table.matrix td{min-width:5rem;text-align:center}
tr.dep-critical td,tr.dep-high td{background:#fbe9e7}tr.dep-warning td{background:#fff6e5}
tr.empty td,tr.empty th{color:#8a949e}td.def{color:#5b6670;font-size:.85rem;max-width:32rem}
.xyz-note{background:#fff6e5;padding:.4rem .6rem;border-left:3px solid #dd8452}tr.total th,tr.total td{font-weight:600}.note,ul.notes{color:#5b6670}figure{margin:.5rem 1rem .5rem 0}
.figures{display:flex;flex-wrap:wrap;align-items:flex-start}img{max-width:100%}
nav ol{columns:2}footer{margin-top:3rem;color:#5b6670;font-size:.85rem}
@media print{body{margin:0;max-width:none}section{break-inside:avoid-page}}
"""


def _html_page(title: str, summary: str, page: _Page) -> str:
    from . import __version__

    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{_e(t("cli_report.lang"))}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="kamlib {_e(__version__)}">\n'
        f"<title>{_e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{_e(title)}</h1></header>\n<main>\n{summary}\n"
        + "\n".join(page.sections)
        + f'\n</main>\n<footer>{_e(t("cli_report.footer", version=__version__))}</footer>\n</body>\n</html>\n'
    )


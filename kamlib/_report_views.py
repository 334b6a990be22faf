"""Views of the portfolio report added for the sales director (issue 12).

The manager and department view, the period comparison (last window against the one
before it) and the manager/department columns of the client lists. Built with the small
HTML helpers of :mod:`kamlib._report`; every text from the data is escaped there.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .labels import t

__all__ = ["org_columns", "with_org", "people_section", "comparison_section"]

ORG = ("manager", "department")


def org_columns(clients: pd.DataFrame | None) -> list[str]:
    """The manager/department columns the clients table has (with at least one value)."""
    if clients is None:
        return []
    return [c for c in ORG if c in clients.columns and clients[c].notna().any()]


def with_org(frame: pd.DataFrame, clients: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` with the clients' manager and department columns (after ``name`` or ``client_id``)."""
    cols = [c for c in org_columns(clients) if c not in frame.columns]
    if not cols or "client_id" not in frame.columns:
        return frame
    lookup = clients.drop_duplicates("client_id").set_index("client_id")
    out = frame.copy()
    at = list(out.columns).index("name") + 1 if "name" in out.columns else list(out.columns).index("client_id") + 1
    for k, c in enumerate(cols):
        out.insert(at + k, c, out["client_id"].map(lookup[c]))
    return out


def people_section(orders_w: pd.DataFrame | None, clients: pd.DataFrame | None, keys: pd.DataFrame,
                   winback: pd.DataFrame) -> str:
    """Per manager and per department: key accounts, revenue, share, at risk and lost with the money at stake.

    ``orders_w`` (the window's lines) may be None when ``clients`` has no manager or department.
    """
    from ._report import _cell, _e, _money, _p, _pct, _table

    cols = org_columns(clients)
    parts = [_p(t("report_views.people_intro"))]
    if not cols:
        parts.append(_p(t("report_views.people_none"), cls="note"))
        return "\n".join(parts)
    lookup = clients.drop_duplicates("client_id").set_index("client_id")
    revenue = orders_w.groupby("client_id", sort=False)["revenue"].sum()
    total = float(revenue.sum())
    lost, risk = t("churn.lost"), t("churn.at_risk")
    status = winback["status"].astype(str) if len(winback) else pd.Series([], dtype=str)
    for col in cols:
        unassigned = t("report_views.unassigned")

        def group_of(ids: pd.Series) -> pd.Series:
            return ids.map(lookup[col]).fillna(unassigned).astype(str)

        frame = pd.DataFrame({"group": group_of(pd.Series(revenue.index)).to_numpy(), "revenue": revenue.to_numpy(),
                              "buying": (revenue.to_numpy() > 0).astype(int)})
        table = frame.groupby("group").agg(revenue=("revenue", "sum"), buying=("buying", "sum"))
        if len(keys):
            table["key"] = group_of(keys["client_id"]).value_counts()
        else:
            table["key"] = 0
        if len(winback):
            wb = pd.DataFrame({"group": group_of(winback["client_id"]).to_numpy(), "status": status.to_numpy(),
                               "stake": winback["revenue_at_stake"].to_numpy(dtype=float)})
            for name, label in (("at_risk", risk), ("lost", lost)):
                part = wb[wb["status"] == label].groupby("group")
                table[name] = part.size()
                table[f"{name}_stake"] = part["stake"].sum()
        for name in ("key", "at_risk", "lost", "at_risk_stake", "lost_stake"):
            if name not in table:
                table[name] = 0
        table = table.fillna(0).sort_values(["revenue"], ascending=False)
        table["share"] = table["revenue"] / total if total else np.nan
        heading = t(f"report_views.h_by_{col}")
        parts.append(f"<h3>{_e(heading)}</h3>")
        rows = []
        for group, rec in table.iterrows():
            cells = [
                _cell(str(group), tag="th"),
                _cell(f"{int(rec['key']):,}", key=f"{col}-key", value=int(rec["key"]), cls="num"),
                _cell(f"{int(rec['buying']):,}", cls="num"),
                _cell(_money(rec["revenue"]), key=f"{col}-revenue", value=float(rec["revenue"]), cls="num"),
                _cell(_pct(rec["share"]), cls="num"),
                _cell(f"{int(rec['at_risk']):,}", key=f"{col}-at-risk", value=int(rec["at_risk"]), cls="num"),
                _cell(_money(rec["at_risk_stake"]), cls="num"),
                _cell(f"{int(rec['lost']):,}", key=f"{col}-lost", value=int(rec["lost"]), cls="num"),
                _cell(_money(rec["lost_stake"]), cls="num"),
            ]
            rows.append((cells, {f"data_{col}": group}))
        headers = [t(f"report_views.col_{col}"), t("report_views.col_key"), t("report_views.col_clients"),
                   t("report_views.col_revenue"), t("report_views.col_share"), t("report_views.col_at_risk"),
                   t("report_views.col_at_risk_stake"), t("report_views.col_lost"), t("report_views.col_lost_stake")]
        parts.append(_table(headers, rows, cls=f"people by-{col}", numeric=range(1, 9)))
    return "\n".join(parts)


def comparison_section(orders: pd.DataFrame, as_of: pd.Timestamp, months: int, abc_kwargs: dict,
                       window_result: pd.DataFrame | None = None) -> str:
    """Last ``months`` months against the ``months`` before: revenue by ABC class, new and lost, migration.

    ``window_result`` is the report's :func:`abc_xyz` result made with the same ``abc_kwargs``;
    when its window is the later window of the comparison it is used for it, not computed again.
    """
    from ._report import _cell, _e, _facts, _money, _p, _pct, _table
    from .analytics._abc_xyz import _abc_labels, _migration, _migration_windows, abc_xyz

    a, b = _migration_windows(None, None, as_of, months, abc_kwargs)
    ra = abc_xyz(orders, start=a[0], as_of=a[1], **abc_kwargs)
    settings = window_result.attrs.get("abc_xyz", {}) if window_result is not None else {}
    if settings.get("start") == b[0] and settings.get("as_of") == b[1]:
        rb = window_result  # the same clients, classes and values: only the window's wording differs
    else:
        rb = abc_xyz(orders, start=b[0], as_of=b[1], **abc_kwargs)
    mig = _migration(ra, rb, a, b)
    a, b = mig.period_a, mig.period_b

    def span(p: tuple[pd.Timestamp, pd.Timestamp]) -> str:
        return f"{p[0].date()} – {p[1].date()}"

    parts = [_p(t("report_views.comparison_intro", months=months, a=span(a), b=span(b)))]
    first = orders["date"].min() if len(orders) else None
    if first is not None and first > a[0]:
        parts.append(_p(t("report_views.comparison_short", first=first.date(), a=span(a)), cls="note"))
    c = mig.clients
    value = [col for col in c.columns if col.endswith("_a") and col not in ("cell_a", "abc_a")][0][:-2]
    classes = _abc_labels()
    rows = []
    for cls in classes:
        ra = float(c.loc[c["abc_a"] == cls, f"{value}_a"].sum())
        rb = float(c.loc[c["abc_b"] == cls, f"{value}_b"].sum())
        na, nb = int((c["abc_a"] == cls).sum()), int((c["abc_b"] == cls).sum())
        change = rb / ra - 1 if ra else np.nan
        rows.append(([_cell(cls, tag="th"), _cell(f"{na:,}", cls="num"), _cell(f"{nb:,}", cls="num"),
                      _cell(_money(ra), key="class-revenue-a", value=ra, cls="num"),
                      _cell(_money(rb), key="class-revenue-b", value=rb, cls="num"),
                      _cell(f"{change:+.1%}" if np.isfinite(change) else t("cli_report.dash"), cls="num")],
                     {"data_abc": cls}))
    ta, tb = float(c[f"{value}_a"].sum()), float(c[f"{value}_b"].sum())
    rows.append(([_cell(t("report_views.total"), tag="th"), _cell(f"{int((c['abc_a'] != t('migration.new')).sum()):,}",
                                                                 cls="num"),
                  _cell(f"{int((c['abc_b'] != t('migration.gone')).sum()):,}", cls="num"),
                  _cell(_money(ta), cls="num"), _cell(_money(tb), cls="num"),
                  _cell(f"{tb / ta - 1:+.1%}" if ta else t("cli_report.dash"), cls="num")], {"class": "total"}))
    parts.append(_table([t("report_views.col_class"), t("report_views.col_clients_a"), t("report_views.col_clients_b"),
                         t("report_views.col_revenue_a"), t("report_views.col_revenue_b"),
                         t("report_views.col_change")], rows, cls="comparison", numeric=range(1, 6)))
    new = c[c["abc_change"] == t("migration.new")]
    gone = c[c["abc_change"] == t("migration.gone")]
    parts.append(_facts([
        (t("report_views.new_clients"), t("report_views.new_revenue", n=f"{len(new):,}",
                                          revenue=_money(new[f"{value}_b"].sum())), "new-clients", len(new)),
        (t("report_views.lost_clients"), t("report_views.lost_revenue", n=f"{len(gone):,}",
                                           revenue=_money(gone[f"{value}_a"].sum())), "stopped-clients", len(gone)),
    ]))
    parts.append(f"<h3>{_e(t('report_views.h_migration'))}</h3>")
    both = c[(c["abc_change"] != t("migration.new")) & (c["abc_change"] != t("migration.gone"))]
    up, down = int((both["abc_change"] == t("migration.up")).sum()), int((both["abc_change"] == t("migration.down")).sum())
    parts.append(_p(t("report_views.migration_moved", up=up, down=down)))
    row_labels = [*classes, t("abc.not_ranked"), t("migration.new")]
    col_labels = [*classes, t("abc.not_ranked"), t("migration.gone")]
    cross = pd.crosstab(c["abc_a"], c["abc_b"]).reindex(index=row_labels, columns=col_labels, fill_value=0)
    cross = cross.loc[(cross.sum(axis=1) > 0) | cross.index.isin(classes),
                      (cross.sum(axis=0) > 0) | cross.columns.isin(classes)]
    rows = []
    for ra_label, rec in cross.iterrows():
        cells = [_cell(str(ra_label), tag="th")]
        for rb_label, n in rec.items():
            cells.append(f'<td class="num" data-key="migration" data-from="{_e(ra_label)}" data-to="{_e(rb_label)}" '
                         f'data-value="{int(n)}">{int(n):,}</td>')
        rows.append(cells)
    parts.append(_table([""] + [str(x) for x in cross.columns], rows, cls="migration",
                        numeric=range(1, len(cross.columns) + 1)))
    return "\n".join(parts)

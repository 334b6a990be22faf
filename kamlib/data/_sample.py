"""The sample company: a fictional B2B distributor whose data exercise every module.

*Nordline Supply* distributes building materials and household goods to retail
chains, shops, wholesalers, processors, manufacturers, HoReCa and service
centres through three sales departments. Its three years of history are
generated here from a seed, so an installed ``kamlib`` can rebuild the committed
``data/`` folder exactly, and a learner can get a personal variant with another
seed (the story stays the same, the numbers move).

The story, by the module that needs it (client ids are the same for every seed):

- C001 *Volga Building Distribution*, a sub-distributor, buys 35 % of all sales
  (past the 20–30 % warning line; critical inside its own department): the
  dependency case of M4 and the breadwinner of M1.
- C002 *HomeStar* federal chain (~11 %): a key account by volume, demanding (an
  expert) and a reference name.
- C003 *Kama Panel Works* (processing) is the largest client of the small
  Projects & Industry department (over 10 % of that department only).
- C004 *Aurora Hotels* is a HoReCa image-maker with modest purchases.
- C005 *Nova Furniture Group* is a prospect: small purchases, a huge potential.
- C006 *Baltic Furniture Factory* cut its volumes in spring of the last year and
  moved to a cheaper competitor in the summer: the win-back case of M8, with
  ``competitor_offers``.
- C007–C009 fade out and stop buying; C016 (a key account) is fading and C017
  has gone quiet for a month: both are at risk. C010–C013 buy quarterly (not
  lost after 40 days); C101 onwards are occasional and one-off buyers.
- Manager *Irina Sokolova* runs five key accounts (the capacity rule of M10 says 3).
- NPS waves 2024Q1–2025Q4 improve overall, while C006's respondents turn into
  detractors before it leaves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import KamArgumentError
from ._folder import TABLE_NAMES, Dataset
from ._schema import columns_of

__all__ = ["SAMPLE_SEED", "SAMPLE_AS_OF", "load_sample", "write_sample", "generate_sample"]

SAMPLE_SEED = 2024
"""The seed of the committed ``data/`` folder."""

SAMPLE_AS_OF = pd.Timestamp("2025-12-31")
"""The "today" of the sample company: the last day of its history."""


_START = pd.Timestamp("2023-01-01")
_END = SAMPLE_AS_OF

# Building-season profile: weak winter, peak in late spring and summer.
_SEASON = np.array([0.70, 0.75, 0.90, 1.05, 1.20, 1.25, 1.20, 1.15, 1.05, 0.95, 0.85, 0.75])

_PRODUCT_GROUPS = {  # group: unit price
    "boards": 950.0,
    "fasteners": 120.0,
    "paints": 640.0,
    "tools": 2100.0,
    "household chemicals": 260.0,
    "packaging": 45.0,
}

_DEPARTMENTS = ("Retail", "Wholesale", "Projects & Industry")
_REGIONS = ("Moscow", "St Petersburg", "Yekaterinburg", "Nizhny Novgorod")

_MANAGERS = (
    # manager_id, name, department, level, region
    ("M01", "Irina Sokolova", "Wholesale", 4, "Moscow"),
    ("M02", "Pavel Orlov", "Wholesale", 3, "Moscow"),
    ("M03", "Elena Vasilieva", "Retail", 4, "St Petersburg"),
    ("M04", "Dmitry Kuznetsov", "Retail", 2, "St Petersburg"),
    ("M05", "Olga Morozova", "Retail", 1, "Nizhny Novgorod"),
    ("M06", "Sergey Lebedev", "Projects & Industry", 3, "Yekaterinburg"),
    ("M07", "Anna Novikova", "Projects & Industry", 2, "Yekaterinburg"),
    ("M08", "Maxim Fedorov", "Wholesale", 1, "Nizhny Novgorod"),
)

_DEPT_OF_TYPE = {
    "federal chain": "Retail", "regional chain": "Retail", "local chain": "Retail",
    "single shop": "Retail", "wholesale": "Wholesale", "private reseller": "Wholesale",
    "sub-distribution": "Wholesale", "processing": "Projects & Industry",
    "manufacturer": "Projects & Industry", "HoReCa": "Projects & Industry",
    "service centre": "Projects & Industry",
}

# Typical markup (revenue - cost) / cost by client type: big buyers get thin markups.
_MARKUP_OF_TYPE = {
    "federal chain": 0.14, "regional chain": 0.22, "local chain": 0.30, "single shop": 0.55,
    "wholesale": 0.12, "private reseller": 0.28, "sub-distribution": 0.07, "processing": 0.18,
    "manufacturer": 0.20, "HoReCa": 0.60, "service centre": 0.40,
}


@dataclass(frozen=True)
class _Story:
    """One client of the story; ``None`` fields are drawn from the seed."""

    client_id: str
    name: str
    client_type: str
    subtype: str
    manager: str
    yearly: float  # target revenue a year at full activity
    gap: float  # mean days between purchases
    regularity: float  # sd of log order size (0.1 steady .. 0.9 erratic)
    payment_form: str
    discount_pct: float
    first_deal: str
    start: str | None = None  # first purchase inside the window (None = window start)
    fade_from: str | None = None  # purchases shrink from here ...
    stop: str | None = None  # ... and stop here
    potential: float | None = None
    reference: bool = False
    innovative: bool = False
    demanding: bool = False
    goods: str = "building materials"
    season: float = 1.0  # how strongly the building season shows (0 flat .. 1 full profile)
    steady: bool = False  # orders at an even rhythm (few skipped or doubled weeks)


# The named clients of the story. C001's and C002's revenue are calibrated after generation to
# exactly 35 % and 11 % of all sales (their "yearly" figures only set the order sizes' scale).
_STORY = (
    _Story("C001", "Volga Building Distribution", "sub-distribution", "large sub-distributor", "Irina Sokolova",
           100e6, 3.5, 0.12, "deferred payment", 12.0, "2014-03-12", potential=260e6, season=0.5),
    _Story("C002", "HomeStar", "federal chain", "federal (national) chain", "Elena Vasilieva",
           30e6, 1.4, 0.15, "post-payment", 10.0, "2016-09-01", potential=180e6, reference=True, demanding=True,
           goods="household goods", season=0.1, steady=True),
    _Story("C003", "Kama Panel Works", "processing", "panel processing plant", "Sergey Lebedev",
           12.5e6, 14.0, 0.18, "partial prepayment", 6.0, "2018-05-20", potential=30e6, innovative=True),
    _Story("C004", "Aurora Hotels", "HoReCa", "hotel chain", "Anna Novikova",
           2.2e6, 30.0, 0.30, "post-payment", 5.0, "2021-02-10", potential=6e6, reference=True),
    _Story("C005", "Nova Furniture Group", "manufacturer", "furniture manufacturer", "Irina Sokolova",
           1.6e6, 30.0, 0.45, "100% prepayment", 0.0, "2024-09-03", start="2024-09-03", potential=140e6,
           innovative=True, goods="furniture fittings"),
    _Story("C006", "Baltic Furniture Factory", "manufacturer", "furniture factory", "Irina Sokolova",
           14.0e6, 10.0, 0.15, "deferred payment", 8.0, "2017-04-14", fade_from="2025-04-01", stop="2025-07-20",
           potential=26e6, goods="boards"),
    _Story("C007", "Sever Hardware", "regional chain", "regional chain", "Dmitry Kuznetsov",
           6.0e6, 7.0, 0.25, "post-payment", 5.0, "2019-08-01", fade_from="2024-01-01", stop="2024-10-15"),
    _Story("C008", "Oka Trade", "wholesale", "medium wholesale", "Pavel Orlov",
           4.5e6, 10.0, 0.30, "partial prepayment", 4.0, "2020-03-17", fade_from="2024-09-01", stop="2025-05-30"),
    _Story("C009", "Lotos Shop", "single shop", "single shop", "Olga Morozova",
           0.9e6, 14.0, 0.40, "100% prepayment", 0.0, "2021-06-01", fade_from="2023-10-01", stop="2024-06-01"),
    _Story("C010", "Ural Service Centre", "service centre", "equipment service centre", "Anna Novikova",
           1.8e6, 91.0, 0.10, "post-payment", 3.0, "2019-01-15"),
    _Story("C011", "Tavrida Processing", "processing", "timber processing", "Sergey Lebedev",
           3.0e6, 91.0, 0.12, "partial prepayment", 5.0, "2018-11-11"),
    _Story("C012", "Pechora Plant", "manufacturer", "window manufacturer", "Sergey Lebedev",
           2.4e6, 91.0, 0.15, "special terms", 7.0, "2017-02-02", demanding=True),
    _Story("C013", "Meridian Hotels", "HoReCa", "business hotel", "Anna Novikova",
           1.1e6, 91.0, 0.20, "post-payment", 2.0, "2020-10-10"),
    _Story("C014", "Neva Megastore", "regional chain", "regional chain", "Elena Vasilieva",
           16.0e6, 2.0, 0.14, "post-payment", 9.0, "2015-05-05", potential=40e6, season=0.15,
           steady=True),
    _Story("C015", "Stroy Partner", "wholesale", "large wholesale", "Irina Sokolova",
           15.0e6, 4.0, 0.16, "deferred payment", 10.0, "2016-12-01", potential=45e6),
    _Story("C016", "Don Resellers", "private reseller", "private reseller", "Irina Sokolova",
           8.0e6, 7.0, 0.35, "payment first", 6.0, "2019-04-22",
           fade_from="2025-08-01", stop="2025-12-02"),
    _Story("C017", "Green Valley Market", "local chain", "local chain of 3 shops", "Dmitry Kuznetsov",
           3.5e6, 7.0, 0.22, "post-payment", 4.0, "2018-07-07",
           stop="2025-12-08"),
    _Story("C018", "Technopark Labs", "service centre", "test laboratory", "Anna Novikova",
           0.8e6, 45.0, 0.50, "100% prepayment", 0.0, "2023-03-01", start="2023-03-01", innovative=True),
)


def _business_days_after(start: pd.Timestamp, stop: pd.Timestamp, gap: float, rng: np.random.Generator,
                         jitter: float | None = None) -> list:
    """Purchase dates from ``start`` to ``stop``: gaps around ``gap`` days, weekdays only."""
    dates = []
    day = start + pd.Timedelta(days=int(rng.integers(0, max(1, int(gap)))))
    while day <= stop:
        while day.weekday() >= 5:
            day += pd.Timedelta(days=1)
        if day > stop:
            break
        dates.append(day)
        sigma = jitter if jitter is not None else (0.12 if gap >= 28 else 0.3)
        step = gap * rng.lognormal(0.0, sigma)
        day += pd.Timedelta(days=max(1, int(round(step))))
    return dates


def _background_clients(rng: np.random.Generator) -> list[_Story]:
    """Ordinary clients C019–C120: the bulk of the portfolio, drawn from the seed."""
    types = list(_DEPT_OF_TYPE)
    type_weights = np.array([0, 6, 8, 22, 12, 8, 2, 6, 8, 12, 6], dtype=float)
    type_weights /= type_weights.sum()
    managers_by_dept = {d: [m[1] for m in _MANAGERS if m[2] == d] for d in _DEPARTMENTS}
    stems = ("Alfa", "Vector", "Granit", "Zenit", "Kedr", "Luch", "Polus", "Rubin", "Sokol", "Taiga",
             "Vostok", "Yantar", "Almaz", "Briz", "Ladoga", "Onega", "Selena", "Irbis", "Merkur", "Orion")
    suffix = {"regional chain": "Stores", "local chain": "Market", "single shop": "Shop", "wholesale": "Wholesale",
              "private reseller": "Trading", "sub-distribution": "Distribution", "processing": "Processing",
              "manufacturer": "Manufacturing", "HoReCa": "Hospitality", "service centre": "Service",
              "federal chain": "Retail"}
    payment_forms = ("100% prepayment", "partial prepayment", "post-payment", "payment first",
                     "deferred payment", "special terms")
    out = []
    for i in range(19, 121):
        ctype = types[rng.choice(len(types), p=type_weights)]
        dept = _DEPT_OF_TYPE[ctype]
        manager = managers_by_dept[dept][rng.integers(len(managers_by_dept[dept]))]
        stem = stems[(i * 7) % len(stems)]
        name = f"{stem} {suffix[ctype]} {i:03d}"
        if i >= 111:  # one-off buyers
            gap, yearly, start = 10_000.0, float(rng.uniform(0.05e6, 0.4e6)), None
        elif i >= 101:  # occasional: a few deals in three years
            gap, yearly, start = float(rng.uniform(150, 300)), float(rng.uniform(0.1e6, 0.6e6)), None
        else:
            gap = float(rng.choice([2.0, 3.0, 7.0, 14.0, 30.0, 45.0], p=[0.06, 0.1, 0.28, 0.28, 0.18, 0.1]))
            yearly = float(rng.lognormal(np.log(1.4e6), 0.6))
            start = None
        if i in (97, 98, 99, 100):  # small shops that buy everyday goods like clockwork (class CX)
            gap, yearly = 2.0, float(rng.uniform(0.12e6, 0.2e6)) + 0 * yearly
        if i in (41, 57, 73):  # late starters: new clients inside the window
            start = str((_START + pd.Timedelta(days=int(rng.integers(300, 800)))).date())
        first_deal = start or str((_START - pd.Timedelta(days=int(rng.integers(30, 3650)))).date())
        discount = float(rng.choice([0.0, 2.0, 3.0, 5.0, 7.0, 10.0, 12.0, 15.0], p=[0.2, 0.15, 0.15, 0.2, 0.1, 0.1, 0.05, 0.05]))
        # Frequent buyers of everyday goods order at an even pace through the year (XYZ class X);
        # others follow the building season partly (Y) or fully, with erratic order sizes (Z).
        steady = gap <= 3 and (i % 3 != 0 or i >= 97)
        season = 0.1 if steady else (0.5 if gap <= 14 and i % 2 == 0 else 1.0)
        regularity = float(rng.uniform(0.15, 0.8))
        out.append(_Story(
            f"C{i:03d}", name, ctype, ctype, manager, yearly, gap,
            0.08 if steady else regularity, payment_forms[rng.integers(len(payment_forms))], discount, first_deal,
            start=start, potential=float(round(yearly * rng.uniform(1.5, 5.0), -4)),
            goods=("building materials", "household goods", "tools")[rng.integers(3)],
            season=season, steady=steady,
        ))
    return out


def _orders(stories: list[_Story], seed: int) -> pd.DataFrame:
    groups = list(_PRODUCT_GROUPS)
    rows = []
    one_off_days = pd.date_range(_START, _END - pd.Timedelta(days=30), freq="B")
    for k, s in enumerate(stories):
        rng = np.random.default_rng([seed, k])  # one stream per client: changing one story leaves the others be
        start = pd.Timestamp(s.start) if s.start else _START
        stop = pd.Timestamp(s.stop) if s.stop else _END
        if s.gap >= 10_000:  # one-off: a single deal
            dates = [one_off_days[rng.integers(len(one_off_days))]]
        else:
            dates = _business_days_after(start, stop, s.gap, rng, jitter=0.05 if s.steady else None)
        if not dates:
            continue
        dates = np.array(dates, dtype="datetime64[ns]")
        per_order = s.yearly * s.gap / 365.0 if s.gap < 10_000 else s.yearly
        month = pd.DatetimeIndex(dates).month.to_numpy()
        season = 1 + s.season * (_SEASON / _SEASON.mean() - 1)
        size = per_order * season[month - 1]
        if s.fade_from:
            fade_from, stop_ts = np.datetime64(pd.Timestamp(s.fade_from)), np.datetime64(stop)
            frac = np.clip((dates - fade_from) / (stop_ts - fade_from), 0, 1)
            size = size * (1 - 0.7 * frac)
        size = size * rng.lognormal(-s.regularity**2 / 2, s.regularity, len(dates))
        n_lines = rng.integers(1, 4, len(dates))
        markup = _MARKUP_OF_TYPE[s.client_type] * rng.uniform(0.85, 1.15)
        for d, total, k in zip(dates, size, n_lines):
            weights = rng.dirichlet(np.ones(k))
            picked = rng.choice(len(groups), size=k, replace=False)
            for w, g in zip(weights, picked):
                revenue = round(float(total * w), 2)
                price = _PRODUCT_GROUPS[groups[g]] * (1 - s.discount_pct / 100)
                qty = max(1, int(round(revenue / price)))
                cost = round(revenue / (1 + markup * rng.uniform(0.9, 1.1)), 2)
                rows.append((d, s.client_id, groups[g], float(qty), revenue, cost))
    orders = pd.DataFrame(rows, columns=["date", "client_id", "product_group", "quantity", "revenue", "cost"])
    rng = np.random.default_rng([seed, len(stories)])
    # Returns: about 1.5 % of lines come back partly, one to three weeks later (negative lines).
    back = orders[(rng.random(len(orders)) < 0.015)].copy()
    frac = rng.uniform(0.1, 0.6, len(back))
    back["date"] = back["date"] + pd.to_timedelta(rng.integers(7, 22, len(back)), unit="D")
    back["quantity"] = -np.maximum(1, np.round(back["quantity"] * frac))
    back["revenue"] = -(back["revenue"] * frac).round(2)
    back["cost"] = -(back["cost"] * frac).round(2)
    back = back[back["date"] <= _END]
    orders = pd.concat([orders, back], ignore_index=True)
    orders = orders.sort_values(["date", "client_id", "product_group", "revenue"], kind="mergesort", ignore_index=True)
    orders.insert(0, "order_id", [f"L{i:06d}" for i in range(1, len(orders) + 1)])
    return orders[["order_id", "date", "client_id", "product_group", "quantity", "revenue", "cost"]]


def _clients(stories: list[_Story]) -> pd.DataFrame:
    rows = []
    for k, s in enumerate(stories):
        rows.append({
            "client_id": s.client_id, "name": s.name, "client_type": s.client_type, "client_subtype": s.subtype,
            "goods_group": s.goods, "region": _REGIONS[k % len(_REGIONS)],
            "department": _DEPT_OF_TYPE[s.client_type], "manager": s.manager, "payment_form": s.payment_form,
            "discount_pct": s.discount_pct, "first_deal_date": pd.Timestamp(s.first_deal),
            "potential_revenue": s.potential if s.potential is not None else round(s.yearly * 2, -4),
            "is_reference": s.reference, "is_innovative": s.innovative, "is_demanding": s.demanding,
        })
    return pd.DataFrame(rows)


_KEY_ACCOUNTS = {  # manager -> the key accounts they run (M01 runs five: over the capacity rule of 3)
    "M01": ["C001", "C005", "C006", "C015", "C016"],
    "M03": ["C002", "C014"],
    "M06": ["C003", "C012"],
    "M07": ["C004"],
}


def _managers() -> pd.DataFrame:
    return pd.DataFrame([
        {"manager_id": mid, "name": name, "department": dept, "level": level, "region": region,
         "key_accounts": "|".join(_KEY_ACCOUNTS.get(mid, []))}
        for mid, name, dept, level, region in _MANAGERS
    ])


# People at the key accounts: (client, name, position, level, buying role, relationship 1-5, influences)
_PEOPLE = (
    ("C001", "Nikolai Gromov", "Owner", "top", "approver", 3, None),
    ("C001", "Tatiana Belova", "CEO", "top", "decider", 4, None),
    ("C001", "Roman Zaitsev", "Purchasing director", "middle", "buyer", 5, "Tatiana Belova"),
    ("C001", "Yulia Karpova", "Chief accountant", "middle", "gatekeeper", 2, "Tatiana Belova"),
    ("C001", "Igor Panin", "Warehouse manager", "staff", "user", 4, "Roman Zaitsev"),
    ("C001", "Svetlana Ryabova", "Category manager", "middle", "influencer", 3, "Roman Zaitsev"),
    ("C002", "Victor Stepanov", "Commercial director", "top", "decider", 2, None),
    ("C002", "Marina Frolova", "Category manager", "middle", "buyer", 4, "Victor Stepanov"),
    ("C002", "Denis Ulyanov", "Quality manager", "middle", "influencer", 3, "Victor Stepanov"),
    ("C002", "Alla Vinogradova", "Logistics specialist", "staff", "user", 3, "Marina Frolova"),
    ("C003", "Konstantin Egorov", "Production director", "top", "decider", 4, None),
    ("C003", "Galina Shubina", "Procurement specialist", "staff", "buyer", 4, "Konstantin Egorov"),
    ("C004", "Sofia Larina", "Operations manager", "middle", "buyer", 5, None),
    ("C005", "Artem Kovalev", "Owner", "top", "decider", 2, None),
    ("C005", "Lidia Sorokina", "Chief engineer", "middle", "initiator", 3, "Artem Kovalev"),
    ("C006", "Boris Medvedev", "CEO", "top", "decider", 2, None),
    ("C006", "Elvira Timofeeva", "Supply manager", "middle", "buyer", 3, "Boris Medvedev"),
    ("C006", "Oleg Krylov", "Shop-floor foreman", "staff", "user", 4, "Elvira Timofeeva"),
    ("C012", "Ruslan Gusev", "Chief accountant", "middle", "gatekeeper", 3, None),
    ("C012", "Vera Nikitina", "Quality engineer", "staff", "influencer", 4, None),
    ("C014", "Andrei Volkov", "Purchasing manager", "middle", "buyer", 4, None),
    ("C015", "Mikhail Titov", "Owner and CEO", "top", "decider", 5, None),
    ("C015", "Ksenia Isaeva", "Chief accountant", "middle", "gatekeeper", 3, "Mikhail Titov"),
    ("C015", "Pyotr Belyaev", "Buyer", "staff", "buyer", 4, "Mikhail Titov"),
    ("C016", "Grigory Zuev", "Owner", "top", "decider", 3, None),
)


def _contacts(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    ids = {}
    for k, (client, name, position, level, role, strength, _) in enumerate(_PEOPLE, start=1):
        ids[name] = f"P{k:03d}"
        birthday = pd.Timestamp(1960 + int(rng.integers(0, 35)), 1, 1) + pd.Timedelta(days=int(rng.integers(0, 365)))
        rows.append({"contact_id": ids[name], "client_id": client, "name": name, "position": position,
                     "level": level, "buying_role": role, "relationship": strength, "birthday": birthday})
    contacts = pd.DataFrame(rows)
    contacts["influences"] = [ids[p[6]] if p[6] else "" for p in _PEOPLE]
    return contacts


_ROLES = ("owner", "CEO", "buyer", "chief accountant", "logistics", "quality")
_REASONS = {
    "promoter": ("reliable deliveries on time", "our manager solves problems fast", "full range in one place",
                 "flexible payment terms"),
    "passive": ("prices are acceptable, nothing special", "deliveries mostly on time", "range is fine",
                "would switch for a better price"),
    "detractor": ("late deliveries", "defects in the last batch", "prices higher than elsewhere",
                  "hard to reach the manager", "invoices with errors"),
}


def _nps(clients: pd.DataFrame, orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    waves = pd.period_range("2024Q1", "2025Q4", freq="Q")
    revenue = orders.groupby("client_id")["revenue"].sum().sort_values(ascending=False)
    last_buy = orders.groupby("client_id")["date"].max()
    key = set(revenue.index[:20])
    rows = []
    for w_i, wave in enumerate(waves):
        wave_start, wave_end = wave.start_time, wave.end_time.normalize()
        for cid in clients["client_id"]:
            if cid not in last_buy.index or last_buy[cid] < wave_start - pd.Timedelta(days=60):
                continue  # no survey of clients already gone
            if cid not in key and rng.random() > 0.35:
                continue
            n = int(rng.integers(2, 5)) if cid in key else 1
            roles = rng.choice(len(_ROLES), size=n, replace=False)
            # Overall satisfaction improves wave by wave; C006 sours before it leaves.
            mean = 7.0 + 0.22 * w_i
            if cid == "C006":
                mean = 7.5 - 1.2 * w_i
            for r in roles:
                score = int(np.clip(np.rint(rng.normal(mean, 1.8)), 0, 10))
                group = "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"
                reasons = _REASONS[group]
                day = wave_start + pd.Timedelta(days=int(rng.integers(20, 60)))
                rows.append({"client_id": cid, "wave": str(wave), "date": min(day, wave_end),
                             "role": _ROLES[r], "score": score, "reason": reasons[rng.integers(len(reasons))]})
    nps = pd.DataFrame(rows)
    nps.insert(0, "response_id", [f"R{i:05d}" for i in range(1, len(nps) + 1)])
    return nps


def _competitor_offers() -> pd.DataFrame:
    """The win-back case (M8): C006's deal with us and with the cheaper competitor.

    The competitor's price is 6 % lower (apparent gain 720,000 a year on 12,000
    boards), but its delivery, defects, prepayment, downtime and admin eat almost
    all of it: the real gain is about 0.5 % of the deal.
    """
    common = {"client_id": "C006", "annual_volume": 12_000.0, "defect_cost_per_unit": 600.0,
              "downtime_cost_per_day": 150_000.0}
    return pd.DataFrame([
        {"offer_id": "O1", "supplier": "us", "unit_price": 1000.0, "delivery_cost_per_unit": 0.0,
         "defect_rate": 0.005, "payment_days": 30.0, "downtime_days": 0.0, "admin_cost": 50_000.0,
         "note": "our contract of 2024: free delivery, 30 days' deferral", **common},
        {"offer_id": "O2", "supplier": "Westwood Boards", "unit_price": 940.0, "delivery_cost_per_unit": 15.0,
         "defect_rate": 0.025, "payment_days": 0.0, "downtime_days": 1.0, "admin_cost": 90_000.0,
         "note": "client's own figures from the open conversation: pick-up, prepayment, one late batch", **common},
    ])


def _calibrate(orders: pd.DataFrame, targets: dict[str, float]) -> pd.DataFrame:
    """Scale the named clients' lines so each makes exactly its target share of all revenue.

    With shares s_i for the named clients and R_o the revenue of everyone else,
    the total is T = R_o / (1 - sum s_i) and client i is scaled by s_i T / R_i.
    """
    orders = orders.copy()
    named = orders["client_id"].isin(list(targets))
    total = orders.loc[~named, "revenue"].sum() / (1 - sum(targets.values()))
    for cid, share in targets.items():
        rows = orders["client_id"] == cid
        factor = share * total / orders.loc[rows, "revenue"].sum()
        orders.loc[rows, "revenue"] = (orders.loc[rows, "revenue"] * factor).round(2)
        orders.loc[rows, "cost"] = (orders.loc[rows, "cost"] * factor).round(2)
        orders.loc[rows, "quantity"] = np.sign(orders.loc[rows, "quantity"]) * np.maximum(
            1, np.round(orders.loc[rows, "quantity"].abs() * factor)
        )
    return orders


def generate_sample(seed: int = SAMPLE_SEED) -> dict[str, pd.DataFrame]:
    """Generate the sample company's tables (plain frames, before the readers' checks).

    Most callers want :func:`load_sample` (typed like your own loaded data) or
    :func:`write_sample` (CSV files).
    """
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool) or seed < 0:
        raise KamArgumentError(f"seed={seed!r} is not valid; use a whole number >= 0")
    rng = np.random.default_rng(int(seed))
    stories = list(_STORY) + _background_clients(rng)
    orders = _calibrate(_orders(stories, int(seed)), {"C001": 0.35, "C002": 0.11})
    clients = _clients(stories)
    tables = {
        "clients": clients,
        "orders": orders,
        "nps_responses": _nps(clients, orders, rng),
        "contacts": _contacts(rng),
        "managers": _managers(),
        "competitor_offers": _competitor_offers(),
    }
    return {name: frame[columns_of(name)] for name, frame in tables.items()}


def load_sample(seed: int = SAMPLE_SEED) -> Dataset:
    """The sample company, typed exactly as the readers type your own data.

    Parameters
    ----------
    seed : int, default SAMPLE_SEED
        ``SAMPLE_SEED`` gives the committed ``data/`` folder; any other whole
        number gives a personal variant with the same story and other numbers.

    Returns
    -------
    Dataset
        The tables ``clients, orders, nps_responses, contacts, managers,
        competitor_offers``.

    See Also
    --------
    write_sample : write the same tables as CSV files.
    read_folder : load a folder of your own tables the same way.

    Examples
    --------
    >>> import kamlib
    >>> data = kamlib.load_sample()
    >>> sorted(data)[:3]
    ['clients', 'competitor_offers', 'contacts']
    >>> data.orders["client_id"].nunique() > 100
    True
    """
    from .read import read_table

    tables = generate_sample(seed)
    return Dataset({name: read_table(frame, name) for name, frame in tables.items()})


def write_sample(folder: str | Path, seed: int = SAMPLE_SEED, *, overwrite: bool = False) -> list[Path]:
    """Write the sample company to ``folder`` as CSV files (UTF-8, comma, ISO dates).

    All-or-nothing: every table is first written to a temporary file in ``folder``, and only
    when all are complete are they moved into place — a full disk or an error leaves no file
    half-written and no earlier file replaced. A file name that is a symbolic link is never
    written through (with ``overwrite`` the link itself is replaced by the new file).

    Parameters
    ----------
    folder : str or Path
        Created if missing.
    seed : int, default SAMPLE_SEED
        See :func:`load_sample`.
    overwrite : bool, default False
        Existing files are never replaced unless this is True — not even one that appears
        while the tables are being written (then nothing is written).

    Returns
    -------
    list of Path
        The files written, one per table.

    Raises
    ------
    KamArgumentError
        When a file exists and ``overwrite`` is False (nothing is written then), or a file
        cannot be written (the reason, and nothing left behind).
    """
    import os
    import tempfile

    from ..labels import t

    folder = Path(folder)
    paths = [folder / f"{name}.csv" for name in TABLE_NAMES]
    existing = [p for p in paths if os.path.lexists(p)]
    if existing and not overwrite:
        raise KamArgumentError(t("sample.would_overwrite", files=", ".join(str(p) for p in existing)))
    tables = generate_sample(seed)
    temps: list[Path] = []
    placed: list[Path] = []
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            umask = os.umask(0)
            os.umask(umask)
            for path, name in zip(paths, TABLE_NAMES):
                frame = tables[name].copy()
                for col in frame.columns:
                    if pd.api.types.is_datetime64_any_dtype(frame[col]):
                        frame[col] = frame[col].dt.strftime("%Y-%m-%d").fillna("")
                fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
                temps.append(Path(tmp))
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                    frame.to_csv(fh, index=False, lineterminator="\n")
                    fh.flush()
                    os.fsync(fh.fileno())
                os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; the files get the usual permissions
        except OSError as exc:
            raise KamArgumentError(t("sample_write.failed", folder=str(folder),
                                     error=exc.strerror or type(exc).__name__)) from None
        for tmp, path in zip(temps, paths):
            if overwrite:
                os.replace(tmp, path)  # replaces a symbolic link itself, never writes through it
            else:
                try:
                    os.link(tmp, path)  # fails if the file appeared since the check above
                except FileExistsError:
                    raise KamArgumentError(t("sample.would_overwrite", files=str(path))) from None
                except OSError:  # no hard links on this file system: check, then rename
                    if os.path.lexists(path):
                        raise KamArgumentError(t("sample.would_overwrite", files=str(path))) from None
                    os.rename(tmp, path)
            placed.append(path)
    except BaseException:
        if not overwrite:  # the files placed so far are this call's own: take them back
            for path in placed:
                try:
                    os.unlink(path)
                except OSError:
                    pass
        raise
    finally:
        for tmp in temps:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return paths

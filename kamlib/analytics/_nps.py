"""Net Promoter Score with its margin of error (course module M7).

The source (M7, file 003, after Reichheld & Markey) asks "How likely is it that you would
recommend us?" on 0–10: **promoters** answer 9–10, **passives** 7–8, **detractors** 0–6, and
NPS = % promoters − % detractors, from −100 to +100. The course adds what the source leaves
out: every NPS is reported with its sample size and a 95 % interval, by segment and over time.

The interval is the **adjusted-Wald** interval for NPS (Rocks 2016, *The American
Statistician*; recommended by Sauro & Lewis, MeasuringU, after comparing it with the
trinomial-mean and bootstrap intervals): add ¾ to the promoters, ¾ to the detractors and 3 to
the sample size, then

    p = (P + 0.75) / (n + 3)        d = (D + 0.75) / (n + 3)
    NPS_adj = p − d                 var = (p + d − (p − d)²) / (n + 3)
    interval = NPS_adj ± z · √var, clipped to [−1, 1], reported × 100.

The interval is centred on the *adjusted* value, not on the raw NPS: with few answers the
raw NPS (say +100 from one promoter) can lie outside it, which is the point — one answer
says little.
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields
from numbers import Real
from statistics import NormalDist

import numpy as np
import pandas as pd

from .._errors import KamArgumentError, KamDataError
from .._validate import check_columns, check_frame, check_number, first_rows
from ..labels import t
from ._measures_common import OrderKeys, as_columns, label_rank, missing_group_label

__all__ = ["nps", "nps_by", "nps_change", "nps_by_account", "NPSResult", "NPSChange", "AccountNPSResult"]

PROMOTER_MIN = 9
"""Lowest promoter score (standard NPS definition: 9–10)."""
PASSIVE_MIN = 7
"""Lowest passive score (standard NPS definition: 7–8; 0–6 are detractors)."""
_ADD_EACH = 0.75  # adjusted-Wald: added to promoters and to detractors
_ADD_N = 3.0  # adjusted-Wald: added to the sample size


# --------------------------------------------------------------------------------------------
# the formula, vectorised
# --------------------------------------------------------------------------------------------



def _signed(x: float) -> str:
    """A whole number with its sign, "+12" or "-3"; never "-0" (a value just below zero rounds to "0")."""
    text = f"{x:+.0f}"
    return "0" if text in ("+0", "-0") else text

def _z(confidence: float) -> float:
    check_number(confidence, "confidence", minimum=0, maximum=1, strict_minimum=True)
    if confidence >= 1:
        raise KamArgumentError(
            t("errors.bad_argument", argument="confidence", value=confidence, valid=t("nps.confidence_valid"))
        )
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def _nps_arrays(promoters, passives, detractors, z: float) -> dict[str, np.ndarray]:
    """NPS, shares and the adjusted-Wald interval for arrays of counts (one element per group)."""
    P = np.asarray(promoters, dtype=np.float64)
    A = np.asarray(passives, dtype=np.float64)
    D = np.asarray(detractors, dtype=np.float64)
    n = P + A + D
    with np.errstate(invalid="ignore", divide="ignore"):
        n3 = n + _ADD_N
        p = (P + _ADD_EACH) / n3
        d = (D + _ADD_EACH) / n3
        adj = p - d
        var = (p + d - adj * adj) / n3
        half = z * np.sqrt(var)
        out = {
            "n": n.astype(np.int64),
            "promoters": P.astype(np.int64),
            "passives": A.astype(np.int64),
            "detractors": D.astype(np.int64),
            "promoters_share": np.where(n > 0, P / n, np.nan),
            "passives_share": np.where(n > 0, A / n, np.nan),
            "detractors_share": np.where(n > 0, D / n, np.nan),
            "nps": np.where(n > 0, 100.0 * (P - D) / n, np.nan),
            "nps_adjusted": 100.0 * adj,
            "ci_low": 100.0 * np.clip(adj - half, -1.0, 1.0),
            "ci_high": 100.0 * np.clip(adj + half, -1.0, 1.0),
            "margin_of_error": 100.0 * half,
            "variance": var,
        }
    return out


# --------------------------------------------------------------------------------------------
# checking scores
# --------------------------------------------------------------------------------------------


def _bad_score_mask(s: pd.Series) -> np.ndarray:
    """True where a score is not a whole number 0–10 (NaN, text, booleans and fractions are bad)."""
    dtype = s.dtype
    if pd.api.types.is_bool_dtype(dtype) or isinstance(dtype, pd.StringDtype):
        return np.ones(len(s), dtype=bool)
    if pd.api.types.is_numeric_dtype(dtype):
        v = s.to_numpy(dtype=np.float64, na_value=np.nan)
    else:  # object: check each cell (survey tables are small)
        is_num = s.map(lambda x: isinstance(x, Real) and not isinstance(x, bool)).to_numpy(dtype=bool)
        v = np.where(is_num, pd.to_numeric(s.where(is_num), errors="coerce").to_numpy(dtype=np.float64), np.nan)
    with np.errstate(invalid="ignore"):
        return ~((v >= 0) & (v <= 10) & (np.floor(v) == v))


def _check_scores(s: pd.Series, *, argument: str, column: str | None) -> np.ndarray:
    """The scores as int64; :class:`KamDataError` naming the first bad rows and their values."""
    bad = _bad_score_mask(s)
    if bad.any():
        positions = np.flatnonzero(bad)
        labels = s.index[positions]
        plain = isinstance(s.index, pd.RangeIndex) and s.index.start == 0 and s.index.step == 1
        shown = []
        for pos, label, value in zip(first_rows(positions), first_rows(labels), first_rows(s.iloc[positions])):
            key = "nps.bad_row" if plain else "nps.bad_row_labelled"
            shown.append(t(key, row=label, position=int(pos), value=value))
        raise KamDataError(
            t("nps.bad_scores", argument=argument, n=len(positions), rows=", ".join(shown)),
            column=column,
            rows=first_rows(labels),
        )
    return s.to_numpy(dtype=np.float64).astype(np.int64)


def _scores_series(scores: object) -> tuple[pd.Series, str, str | None]:
    """Any accepted input as a Series, plus the argument/column names for messages."""
    if isinstance(scores, pd.DataFrame):
        check_columns(scores, ["score"], argument="scores")
        return scores["score"], "scores", "score"
    if isinstance(scores, pd.Series):
        return scores, "scores", scores.name if isinstance(scores.name, str) else None
    if isinstance(scores, (str, bytes, Mapping)) or not hasattr(scores, "__iter__"):
        raise KamArgumentError(
            t("errors.bad_argument", argument="scores", value=scores, valid=t("nps.scores_valid"))
        )
    values = list(scores)
    return pd.Series(values, dtype=object if values else np.float64), "scores", None


def _classify(scores: np.ndarray) -> np.ndarray:
    """0 detractor, 1 passive, 2 promoter."""
    return np.where(scores >= PROMOTER_MIN, 2, np.where(scores >= PASSIVE_MIN, 1, 0))


def _group_labels() -> tuple[str, str, str]:
    return t("nps.detractor"), t("nps.passive"), t("nps.promoter")


# --------------------------------------------------------------------------------------------
# one NPS
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class NPSResult(Mapping):
    """One NPS with its counts and adjusted-Wald interval; reads like a dict (``dict(r)``, ``r["nps"]``).

    Attributes
    ----------
    nps : float
        % promoters − % detractors, −100…+100.
    n, promoters, passives, detractors : int
        Answers in all and in each group.
    promoters_share, passives_share, detractors_share : float
        Shares 0–1.
    nps_adjusted : float
        The adjusted value the interval is centred on, ×100.
    ci_low, ci_high : float
        The interval, −100…+100.
    margin_of_error : float
        Half-width z·√var of the interval before clipping, in NPS points.
    variance : float
        var of the adjusted NPS on the −1…1 scale (used by :func:`nps_change`).
    confidence : float
        The confidence level (0.95).
    """

    nps: float
    n: int
    promoters: int
    passives: int
    detractors: int
    promoters_share: float
    passives_share: float
    detractors_share: float
    nps_adjusted: float
    ci_low: float
    ci_high: float
    margin_of_error: float
    variance: float
    confidence: float

    def __getitem__(self, key: str):
        if key not in self._keys():
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    @classmethod
    def _keys(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def to_dict(self) -> dict[str, float]:
        """The result as a plain dict."""
        return dict(self)

    def to_series(self) -> pd.Series:
        """The result as a Series (index = field names)."""
        return pd.Series(self.to_dict(), dtype=object)

    def __repr__(self) -> str:
        return t(
            "nps.repr",
            nps=_signed(self.nps),
            conf=f"{self.confidence:.0%}",
            low=_signed(self.ci_low),
            high=_signed(self.ci_high),
            n=self.n,
            p=self.promoters,
            p_share=f"{self.promoters_share:.1%}",
            a=self.passives,
            a_share=f"{self.passives_share:.1%}",
            d=self.detractors,
            d_share=f"{self.detractors_share:.1%}",
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>"


def _result_from_counts(promoters: int, passives: int, detractors: int, confidence: float) -> NPSResult:
    a = _nps_arrays([promoters], [passives], [detractors], _z(confidence))
    values = {k: (int(v[0]) if v.dtype.kind == "i" else float(v[0])) for k, v in a.items()}
    return NPSResult(confidence=float(confidence), **values)


def nps(scores: Sequence[int] | pd.Series | np.ndarray | pd.DataFrame, *, confidence: float = 0.95) -> NPSResult:
    """Net Promoter Score of a set of 0–10 answers, with counts and a 95 % adjusted-Wald interval.

    Parameters
    ----------
    scores : sequence, Series, array or DataFrame
        Answers to "How likely is it that you would recommend us?", whole numbers 0–10.
        A DataFrame must have a ``score`` column (the canonical ``nps_responses`` table).
    confidence : float, default 0.95
        Confidence level of the interval (the course reports 95 %).

    Returns
    -------
    NPSResult
        ``nps`` (−100…100), ``n``, ``promoters``/``passives``/``detractors`` (9–10 / 7–8 / 0–6) and
        their shares, ``nps_adjusted``, ``ci_low``, ``ci_high``, ``margin_of_error``, ``variance``.
        Works as a dict (``dict(result)``, ``result["nps"]``) and as ``result.to_series()``.

    Raises
    ------
    KamDataError
        A score is missing, not a number, not whole, or outside 0–10 (the message lists the first
        rows, by label and position, and their values); or there are no scores.
    KamArgumentError
        ``scores`` is not a collection, or ``confidence`` is not between 0 and 1.

    See Also
    --------
    nps_by : NPS per segment or survey wave.
    nps_change : the change between two NPS and whether it is more than noise.

    Examples
    --------
    >>> r = nps([10, 9, 9, 10, 9, 10, 8, 7, 6, 3])
    >>> r.nps, r.promoters, r.passives, r.detractors
    (40.0, 6, 2, 2)
    >>> r
    NPS +40 (95% interval -13 to +74), n = 10: promoters 6 (60.0%), passives 2 (20.0%), detractors 2 (20.0%)
    >>> round(r.nps_adjusted, 2)  # (6.75 - 2.75) / 13 = 0.3077
    30.77
    >>> nps([10, 11])
    Traceback (most recent call last):
    ...
    kamlib._errors.KamDataError: scores: 1 answer(s) are not whole numbers from 0 to 10 (row 1: 11); NPS answers are 0, 1, …, 10
    """
    _z(confidence)
    s, argument, column = _scores_series(scores)
    values = _check_scores(s, argument=argument, column=column)
    if len(values) == 0:
        raise KamDataError(t("nps.no_scores", argument=argument), column=column)
    group = _classify(values)
    counts = np.bincount(group, minlength=3)
    return _result_from_counts(int(counts[2]), int(counts[1]), int(counts[0]), confidence)


# --------------------------------------------------------------------------------------------
# change between two NPS
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False, eq=False)
class NPSChange(Mapping):
    """The change from NPS ``a`` to NPS ``b`` with the interval of the difference; reads like a dict.

    ``change`` = b.nps − a.nps (raw), ``change_adjusted`` = b.nps_adjusted − a.nps_adjusted, and the
    interval ``change_adjusted ± z·√(var_a + var_b)`` (×100, clipped to −200…200); ``significant``
    is True when the interval does not contain 0.
    """

    a: NPSResult
    b: NPSResult
    change: float
    change_adjusted: float
    ci_low: float
    ci_high: float
    significant: bool
    confidence: float

    _KEYS = ("change", "change_adjusted", "ci_low", "ci_high", "significant", "confidence")

    def __getitem__(self, key: str):
        if key in ("a", "b") or key in self._KEYS:
            return getattr(self, key)
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._KEYS)

    def __len__(self) -> int:
        return len(self._KEYS)

    def to_dict(self) -> dict[str, object]:
        """``change``, ``change_adjusted``, ``ci_low``, ``ci_high``, ``significant``, ``confidence``."""
        return dict(self)

    def to_series(self) -> pd.Series:
        """:meth:`to_dict` as a Series."""
        return pd.Series(self.to_dict(), dtype=object)

    def __repr__(self) -> str:
        verdict = t("nps.significant" if self.significant else "nps.not_significant", conf=f"{self.confidence:.0%}")
        return t(
            "nps.change_repr",
            a=_signed(self.a.nps),
            n_a=self.a.n,
            b=_signed(self.b.nps),
            n_b=self.b.n,
            change=_signed(self.change),
            conf=f"{self.confidence:.0%}",
            low=_signed(self.ci_low),
            high=_signed(self.ci_high),
            verdict=verdict,
        )

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(repr(self))}</p>"


def nps_change(a: NPSResult | Sequence[int] | pd.Series, b: NPSResult | Sequence[int] | pd.Series, *,
               confidence: float = 0.95) -> NPSChange:
    """The change from NPS ``a`` (before) to NPS ``b`` (after), with the interval of the difference.

    The two samples are taken as independent (different respondents, or the same people asked
    again much later), so the variances of the two adjusted NPS add:
    ``(b_adj − a_adj) ± z·√(var_a + var_b)``.

    Parameters
    ----------
    a, b : NPSResult or scores
        The earlier and the later NPS (results of :func:`nps`), or their raw 0–10 scores.
    confidence : float, default 0.95
        Confidence level of the interval of the difference.

    Returns
    -------
    NPSChange
        ``change`` (raw, b − a), ``change_adjusted``, ``ci_low``, ``ci_high``, ``significant``
        (the interval excludes 0), ``confidence``, and the two results ``a`` and ``b``.

    See Also
    --------
    nps : one NPS with its interval.

    Examples
    --------
    >>> before = nps([10] * 20 + [8] * 10 + [3] * 10)   # +25 (n = 40)
    >>> after = nps([10] * 30 + [8] * 8 + [3] * 2)      # +70 (n = 40)
    >>> ch = nps_change(before, after)
    >>> ch.change, ch.significant
    (45.0, True)
    """
    z = _z(confidence)
    ra = a if isinstance(a, NPSResult) else nps(a, confidence=confidence)
    rb = b if isinstance(b, NPSResult) else nps(b, confidence=confidence)
    diff = (rb.nps_adjusted - ra.nps_adjusted) / 100.0
    half = z * np.sqrt(ra.variance + rb.variance)
    low = float(100.0 * np.clip(diff - half, -2.0, 2.0))
    high = float(100.0 * np.clip(diff + half, -2.0, 2.0))
    return NPSChange(
        a=ra,
        b=rb,
        change=float(rb.nps - ra.nps),
        change_adjusted=float(100.0 * diff),
        ci_low=low,
        ci_high=high,
        significant=bool(low > 0 or high < 0),
        confidence=float(confidence),
    )


# --------------------------------------------------------------------------------------------
# NPS by segment or wave
# --------------------------------------------------------------------------------------------


def _sorted_groups(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """Order of the rows of ``frame`` by ``columns`` ascending, an empty group last in each column."""
    if not columns:
        return np.arange(len(frame))
    keys = []
    for column in reversed(columns):
        values = frame[column]
        missing = np.asarray(values.astype(object) == missing_group_label(column), dtype=bool)
        keys.append(label_rank(values))
        keys.append(missing)
    return np.lexsort(keys)


def _counts_frame(groups: pd.DataFrame, codes: np.ndarray, cls: np.ndarray, z: float, min_n: int) -> pd.DataFrame:
    """The nps_by table from one group code and one class (0/1/2) per answer."""
    k = len(groups)
    counts = np.bincount(codes * 3 + cls, minlength=3 * k).reshape(k, 3)
    a = _nps_arrays(counts[:, 2], counts[:, 1], counts[:, 0], z)
    out = groups.reset_index(drop=True).copy()
    for key in ("n", "promoters", "passives", "detractors", "promoters_share", "passives_share",
                "detractors_share", "nps", "nps_adjusted", "ci_low", "ci_high", "margin_of_error"):
        out[key] = a[key]
    small = a["n"] < min_n
    out["small_sample"] = small
    out["note"] = [
        t("nps.small_sample_note", n=n, min_n=min_n, moe=f"{m:.0f}") if s else ""
        for n, m, s in zip(a["n"], a["margin_of_error"], small)
    ]
    order = _sorted_groups(out, list(groups.columns))
    return out.take(order).reset_index(drop=True)


def _check_responses(responses: pd.DataFrame, score: str) -> np.ndarray:
    check_frame(responses, "responses")
    if not isinstance(score, str):
        raise KamArgumentError(t("errors.bad_argument", argument="score", value=score, valid=t("measures_errors.column_name")))
    check_columns(responses, [score], argument="responses")
    return _check_scores(responses[score], argument="responses", column=score)


def nps_by(
    responses: pd.DataFrame,
    by: str | Sequence[str] = "wave",
    *,
    clients: pd.DataFrame | None = None,
    min_n: int = 30,
    confidence: float = 0.95,
    score: str = "score",
) -> pd.DataFrame:
    """NPS per segment or survey wave, each with its sample size and interval.

    Parameters
    ----------
    responses : DataFrame
        Answers (canonical ``nps_responses`` table): ``score`` and the ``by`` columns.
    by : str or list of str, default "wave"
        Column(s) to split by: of ``responses`` (``"wave"``, ``"role"``), or of ``clients``
        joined on ``client_id`` (``"client_type"``, ``"manager"``, ``"region"``).
    clients : DataFrame, optional
        The clients table, for ``by`` columns ``responses`` lacks.
    min_n : int, default 30
        Groups with fewer answers are flagged ``small_sample`` with a note giving their margin of
        error. Why 30: below it the 95 % interval of an NPS is typically ±25–35 points (with 40 %
        promoters and 20 % detractors, n = 30 gives ±26), wider than most differences between
        segments, so such a group's NPS is a hint, not a finding. The flag is a column, not a
        warning, so notebook outputs stay clean.
    confidence : float, default 0.95
        Confidence level of the intervals.
    score : str, default "score"
        The column of 0–10 answers.

    Returns
    -------
    DataFrame
        One row per group, groups in ascending order (an empty group "(no client_type)" last):
        the ``by`` columns, ``n``, ``promoters``, ``passives``, ``detractors``, their ``*_share``,
        ``nps``, ``nps_adjusted``, ``ci_low``, ``ci_high``, ``margin_of_error``, ``small_sample``
        and ``note``.

    Raises
    ------
    KamDataError
        A score is not a whole number 0–10 (rows named), a column is missing.

    See Also
    --------
    nps, nps_change, nps_by_account

    Examples
    --------
    >>> import pandas as pd
    >>> responses = pd.DataFrame({"wave": ["2025Q1"] * 4 + ["2025Q2"] * 4,
    ...                           "score": [10, 9, 6, 8, 10, 10, 9, 7]})
    >>> nps_by(responses, min_n=5)[["wave", "n", "nps", "small_sample"]]
         wave  n   nps  small_sample
    0  2025Q1  4  25.0          True
    1  2025Q2  4  75.0          True
    """
    z = _z(confidence)
    check_number(min_n, "min_n", minimum=0, integer=True)
    values = _check_responses(responses, score)
    columns = as_columns(by, "by")
    keys = OrderKeys(responses, clients, argument="responses")
    keys.check(columns)
    codes, groups = keys.keys(columns)
    return _counts_frame(groups, codes, _classify(values), z, int(min_n))


# --------------------------------------------------------------------------------------------
# account-level NPS
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class AccountNPSResult:
    """What :func:`nps_by_account` returns.

    Attributes
    ----------
    accounts : DataFrame
        One row per account (and wave): ``[wave,] client_id, respondents, weighted_score,
        account_group, respondent_nps, promoters, passives, detractors, mixed`` plus ``name``,
        ``client_type``, ``manager`` when ``clients`` was given. Lowest weighted score first.
    summary : DataFrame
        NPS over accounts (each account counted once, by its group), per wave when there are
        waves: the columns of :func:`nps_by`.
    callbacks : DataFrame
        Every detractor answer (score 0–6) to call back: ``[wave,] client_id, response_id, role,
        score, reason, account_group`` (those the table has), lowest score first.
    weights : dict
        The role weights used (empty when every answer counted 1).
    """

    accounts: pd.DataFrame
    summary: pd.DataFrame
    callbacks: pd.DataFrame
    weights: dict[str, float] = field(default_factory=dict)

    def __repr__(self) -> str:
        head = t("nps.account_heading", accounts=len(self.accounts), callbacks=len(self.callbacks))
        cols = [c for c in ("wave", "n", "nps", "ci_low", "ci_high", "note") if c in self.summary.columns]
        return f"{head}\n{self.summary[cols].to_string(index=False)}"

    def _repr_html_(self) -> str:
        head = html.escape(t("nps.account_heading", accounts=len(self.accounts), callbacks=len(self.callbacks)))
        return (f"<p><strong>{head}</strong></p>\n{self.summary.to_html(index=False)}\n"
                f"{self.accounts.head(10).to_html(index=False)}")


def _check_weights(weights: Mapping[str, float] | None, default_weight: float) -> dict[str, float]:
    check_number(default_weight, "default_weight", minimum=0, strict_minimum=True)
    if weights is None:
        return {}
    if not isinstance(weights, Mapping):
        raise KamArgumentError(t("errors.bad_argument", argument="weights", value=weights, valid=t("nps.weights_valid")))
    out = {}
    for role, w in weights.items():
        check_number(w, f"weights[{role!r}]", minimum=0, strict_minimum=True)
        out[str(role).strip().casefold()] = float(w)
    return out


def nps_by_account(
    responses: pd.DataFrame,
    weights: Mapping[str, float] | None = None,
    *,
    clients: pd.DataFrame | None = None,
    wave: str | None = None,
    default_weight: float = 1.0,
    min_n: int = 30,
    confidence: float = 0.95,
) -> AccountNPSResult:
    """Account-level NPS: several people answer for one client company; who to call back.

    **Method.** Each account gets one *weighted mean score* over its respondents (weights by
    role, ``default_weight`` for roles not listed), and is classified by it with the usual bands:
    promoter at 9 or more, passive at 7 or more, detractor below 7. The account-level NPS is then
    the NPS *over accounts* — % promoter accounts − % detractor accounts — with the adjusted-Wald
    interval where n is the number of accounts.

    Why: in B2B one account is one relationship and one buying decision. Counting answers would
    let an account that sent ten people outvote ten accounts that sent one; the mean keeps one
    vote per account, and role weights let the people who decide (the source's decision group:
    owner, CEO, buyer, chief accountant) count for more. Averaging scores, not classes, keeps the
    information that a 6 and a 10 are far apart. Each account also gets ``respondent_nps``
    (weighted % promoters − % detractors among its own people) and ``mixed`` (it has both
    promoters and detractors), because a passive average can hide an unhappy decider — which is
    why every detractor answer is listed in ``callbacks`` regardless of the account's group.

    Parameters
    ----------
    responses : DataFrame
        Canonical ``nps_responses``: ``client_id``, ``score``; ``wave``, ``role``, ``reason``,
        ``response_id`` and ``date`` are used when present.
    weights : dict of role → weight, optional
        E.g. ``{"owner": 3, "CEO": 3, "buyer": 2}``. Roles match ignoring case and surrounding
        spaces. Needs a ``role`` column. None: every answer weighs 1.
    clients : DataFrame, optional
        Adds ``name``, ``client_type`` and ``manager`` (those it has) to ``accounts`` and
        ``callbacks``.
    wave : str, optional
        Only this survey wave. None: every wave, each account once *per wave* (a person asked
        in two waves is two answers, so waves are never pooled).
    default_weight : float, default 1.0
        Weight of a role not in ``weights`` (and of answers without a role).
    min_n : int, default 30
        As in :func:`nps_by`, for the number of accounts.
    confidence : float, default 0.95
        Confidence level of the summary's intervals.

    Returns
    -------
    AccountNPSResult
        ``.accounts``, ``.summary``, ``.callbacks``, ``.weights``.

    Raises
    ------
    KamDataError
        A score is not a whole number 0–10, ``client_id`` is missing or empty, ``weights`` given
        but there is no ``role`` column, ``wave`` is not in the data.

    See Also
    --------
    nps, nps_by

    Examples
    --------
    >>> import pandas as pd
    >>> responses = pd.DataFrame({
    ...     "response_id": ["r1", "r2", "r3", "r4"],
    ...     "client_id": ["A", "A", "B", "C"],
    ...     "role": ["owner", "buyer", "buyer", "CEO"],
    ...     "score": [10, 6, 9, 4],
    ...     "reason": ["", "late deliveries", "", "price"]})
    >>> res = nps_by_account(responses, weights={"owner": 3})  # A: (3·10 + 1·6) / 4 = 9
    >>> res.accounts[["client_id", "weighted_score", "account_group", "mixed"]]
      client_id  weighted_score account_group  mixed
    0         C             4.0     detractor  False
    1         A             9.0      promoter   True
    2         B             9.0      promoter  False
    >>> res.callbacks[["client_id", "role", "score", "reason"]]
      client_id   role  score           reason
    0         C    CEO      4            price
    1         A  buyer      6  late deliveries
    """
    z = _z(confidence)
    check_number(min_n, "min_n", minimum=0, integer=True)
    w_map = _check_weights(weights, default_weight)
    values = _check_responses(responses, "score")
    check_columns(responses, ["client_id"], argument="responses")
    keys = OrderKeys(responses, None, argument="responses")
    keys.check(["client_id"])
    if w_map:
        check_columns(responses, ["role"], argument="responses")
    frame = responses
    if wave is not None:
        check_columns(responses, ["wave"], argument="responses")
        mask = (responses["wave"] == wave).to_numpy()
        if not mask.any():
            waves = ", ".join(map(str, sorted(pd.unique(responses["wave"].dropna()).tolist())))
            raise KamDataError(t("nps.unknown_wave", wave=wave, waves=waves), column="wave")
        frame = responses.loc[mask]
        values = values[mask]
    has_wave = "wave" in frame.columns
    group_cols = ["wave", "client_id"] if has_wave else ["client_id"]

    # weights per answer
    if w_map and "role" in frame.columns:
        roles = frame["role"].astype(object).map(lambda r: str(r).strip().casefold() if pd.notna(r) else None)
        w = roles.map(lambda r: w_map.get(r, default_weight) if r is not None else default_weight)
        w = w.to_numpy(dtype=np.float64)
    else:
        w = np.full(len(frame), float(default_weight))

    okeys = OrderKeys(frame, None, argument="responses")
    codes, accounts = okeys.keys(group_cols)
    k = len(accounts)
    cls = _classify(values)
    wsum = np.bincount(codes, weights=w, minlength=k)
    mean = np.bincount(codes, weights=w * values, minlength=k) / wsum
    wp = np.bincount(codes, weights=w * (cls == 2), minlength=k) / wsum
    wd = np.bincount(codes, weights=w * (cls == 0), minlength=k) / wsum
    per_class = np.bincount(codes * 3 + cls, minlength=3 * k).reshape(k, 3)
    mean_r = np.round(mean, 9)  # 8.999999999 from weights must still count as 9
    acc_cls = np.where(mean_r >= PROMOTER_MIN, 2, np.where(mean_r >= PASSIVE_MIN, 1, 0))
    names = np.array(_group_labels(), dtype=object)
    accounts = accounts.assign(
        respondents=per_class.sum(axis=1),
        weighted_score=mean,
        account_group=names[acc_cls],
        respondent_nps=100.0 * (wp - wd),
        promoters=per_class[:, 2],
        passives=per_class[:, 1],
        detractors=per_class[:, 0],
        mixed=(per_class[:, 2] > 0) & (per_class[:, 0] > 0),
    )
    accounts = _with_client_columns(accounts, clients)
    wave_key = [label_rank(accounts["wave"])] if has_wave else []
    order = np.lexsort((label_rank(accounts["client_id"]), accounts["weighted_score"].to_numpy(), *wave_key))
    accounts = accounts.take(order).reset_index(drop=True)

    # summary over accounts
    if has_wave:
        wcodes, wgroups = OrderKeys(accounts, None, argument="responses").keys(["wave"])
    else:
        wcodes, wgroups = np.zeros(len(accounts), dtype=np.int64), pd.DataFrame(index=pd.RangeIndex(1))
    acc_cls_sorted = np.select(
        [accounts["account_group"] == names[2], accounts["account_group"] == names[1]], [2, 1], 0
    )
    summary = _counts_frame(wgroups, wcodes, acc_cls_sorted, z, int(min_n))

    # detractor answers to call back
    det = cls == 0
    cb_cols = [c for c in ("wave", "client_id", "response_id", "date", "role", "score", "reason") if c in frame.columns]
    callbacks = frame.loc[det, cb_cols].reset_index(drop=True)
    callbacks["score"] = values[det]
    callbacks["account_group"] = names[acc_cls][codes[det]]
    callbacks = _with_client_columns(callbacks, clients)
    cb_order = np.lexsort((np.arange(len(callbacks)), label_rank(callbacks["client_id"]), callbacks["score"].to_numpy()))
    callbacks = callbacks.take(cb_order).reset_index(drop=True)
    return AccountNPSResult(accounts=accounts, summary=summary, callbacks=callbacks, weights=dict(w_map))


_CLIENT_INFO = ("name", "client_type", "manager")


def _with_client_columns(frame: pd.DataFrame, clients: pd.DataFrame | None) -> pd.DataFrame:
    """``frame`` with the client's name, type and manager (those ``clients`` has) joined on client_id."""
    if clients is None:
        return frame
    check_frame(clients, "clients")
    check_columns(clients, ["client_id"], argument="clients")
    info = [c for c in _CLIENT_INFO if c in clients.columns and c not in frame.columns]
    if not info:
        return frame
    table = clients.drop_duplicates("client_id").set_index("client_id")[info]
    joined = table.reindex(frame["client_id"].to_numpy())
    out = frame.copy()
    for c in info:
        out[c] = joined[c].to_numpy()
    return out

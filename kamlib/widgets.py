"""Interactive explorers for the course notebooks (ipywidgets).

Import explicitly: ``from kamlib import widgets`` or ``import kamlib.widgets``
(``import kamlib`` alone does not load ipywidgets).

=========================== ===========================================================
``AbcXyzExplorer``          ABC / XYZ cut-off sliders, a revenue/margin toggle and the
                            XYZ method (purchase frequency or CV); the 3×3 matrix
                            (counts and value shares) and the class counts
``NPSCalculator``           promoter / passive / detractor counts → NPS, n, the 95 %
                            adjusted-Wald interval and a one-line interpretation
``VipStaffingCalculator``   clients, sweep months, norms, team, key accounts → the
                            staffing arithmetic of :func:`kamlib.vip_staffing`
``DealEconomicsCalculator`` our offer against a competitor's, item by item → the
                            client's real gain against the apparent one
``RetentionMethodsTable``   the ten retention methods to characterise, plus five of
                            your own; ``.to_frame()`` gives the content back
=========================== ===========================================================

Every explorer keeps its *logic* apart from its *view*, so it works without a
browser (and is tested that way):

- ``.set(...)`` changes the inputs in code (and moves the controls if shown);
  ``.result`` is the kamlib result for the current inputs (a DataFrame or a
  result object); ``.html()`` / ``.text()`` render it.
- ``.static()`` returns the current result as a plain display object
  (``text/html`` and ``text/plain``): put it in a normal notebook cell so the
  notebook still makes sense when read on a website or in a static viewer.
- ``.view`` is the ipywidgets box (built on first use), ``.controls`` its inputs by
  name, ``.output`` the ``widgets.HTML`` that shows the result. Displaying the
  explorer shows the live view and carries the static rendering alongside it
  (``_repr_mimebundle_`` adds ``text/html`` and ``text/plain``).

Names in ``.controls``: ``a``, ``b``, ``x``, ``y`` (the lower and the upper XYZ cut-off),
``value``, ``method`` (ABC-XYZ);
``promoters``, ``passives``, ``detractors`` (NPS); the :func:`kamlib.vip_staffing`
argument names and ``auto_key`` (VIP); ``client``, ``competitor``, ``cost_of_money``
(per cent), ``us.<item>``, ``them.<item>`` (deal); ``<number>.method``,
``<number>.characteristic``, ``<number>.example`` (retention).

Results are rendered as HTML tables inside ``widgets.HTML`` values (no Output
widgets, no ``interact``), with every user-supplied text escaped.

CSS classes and data attributes (stable: browser tests and custom styles rely on them)
--------------------------------------------------------------------------------------
Root boxes: ``kam-abc-explorer``, ``kam-nps-calculator``, ``kam-vip-calculator``,
``kam-deal-calculator``, ``kam-retention-table``. The result area of each (the
``widgets.HTML``) has the class named below; inside it the rendered result is one
``<div class="kam-result" data-widget="abc|nps|vip|deal|retention" …>`` (the same
HTML as ``.html()`` and the static view), and an error shows in it as
``<p class="kam-error">``.

ABC-XYZ explorer
    controls ``kam-abc-a-slider``, ``kam-abc-b-slider``, ``kam-abc-x-slider``,
    ``kam-abc-y-slider`` (integer per cent; x is the lower XYZ cut-off — "Z below"
    by frequency, "X below" by CV — and y the upper), ``kam-abc-value`` and
    ``kam-abc-method`` (toggles); result area ``kam-abc-matrix``. The result
    ``<div class="kam-result">`` has ``data-value``, ``data-method`` (``frequency``
    or ``cv``), ``data-abc-a``, ``data-abc-b``, ``data-xyz-x``, ``data-xyz-y``
    (the cut-offs used, as fractions) and, in the live view, ``data-settings`` (the
    other :func:`kamlib.abc_xyz` settings as JSON: ``as_of``, ``start``, ``period``,
    ``min_periods``, ``ddof``, ``cumulative``, ``method``); the cut-off lines are
    ``<span class="kam-abc-cutoffs">`` and ``<span class="kam-xyz-cutoffs">``;
    ``<table class="kam-matrix">`` has one
    ``<td data-cell="AX" data-count="…" data-share="…">`` per cell (``AX`` … ``CZ``,
    and ``A-insufficient`` … ``C-insufficient`` for the "insufficient history"
    column), row totals ``data-abc-total="A"``, column totals ``data-xyz-total="X"``;
    ``<p class="kam-class-counts">`` holds ``<span data-class="A" data-count="…">``
    for A, B, C, X, Y, Z, ``insufficient`` and ``not-ranked``.
NPS calculator
    controls ``kam-nps-promoters``, ``kam-nps-passives``, ``kam-nps-detractors``;
    result area ``kam-nps-result`` with ``<div class="kam-result" data-nps
    data-n data-ci-low data-ci-high>``, ``<span class="kam-nps-value">``,
    ``<p class="kam-nps-interpretation">``, ``<table class="kam-nps-groups">``
    (rows ``data-group="promoter|passive|detractor"``).
VIP staffing calculator
    controls ``kam-vip-n-clients``, ``kam-vip-sweep-months``,
    ``kam-vip-norm-alongside-sales``, ``kam-vip-norm-dedicated``,
    ``kam-vip-sales-team``, ``kam-vip-auto-key``, ``kam-vip-n-key``,
    ``kam-vip-n-most-valuable``; result area ``kam-vip-result``
    (``data-permanent``, ``data-full-time``, ``data-part-time``,
    ``data-dedicated-only``, ``data-alongside-only``; ``<table class="kam-steps">``;
    ``<p class="kam-vip-summary">``).
Deal-economics calculator
    controls ``kam-deal-client``, ``kam-deal-competitor``, ``kam-deal-cost-of-money``
    and one per item and side, ``kam-deal-us-<item>`` / ``kam-deal-them-<item>``
    with ``<item>`` the canonical column in kebab case (``unit-price``,
    ``annual-volume``, ``delivery-cost-per-unit``, ``defect-rate``,
    ``defect-cost-per-unit``, ``payment-days``, ``downtime-days``,
    ``downtime-cost-per-day``, ``admin-cost``); result area ``kam-deal-result``
    (``data-apparent-gain``, ``data-real-gain``; ``<table class="kam-deal-lines">``
    with rows ``data-line="price|delivery|defects|payment_terms|downtime|admin|total"``).
Retention-methods table
    inputs ``kam-retention-method`` (own rows), ``kam-retention-characteristic``,
    ``kam-retention-example``, each also ``kam-retention-row-<number>``; summary
    area ``kam-retention-result``; static ``<table class="kam-retention">`` with
    rows ``data-row="<number>"``.

Examples
--------
>>> import pandas as pd
>>> from kamlib.widgets import NPSCalculator
>>> calc = NPSCalculator(promoters=6, passives=2, detractors=2)
>>> calc.result.nps
40.0
>>> calc.set(detractors=6).result.nps  # (6 − 6) / 14
0.0
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from ._errors import KamArgumentError, KamError
from ._validate import check_choice, check_columns, check_frame, check_number
from .labels import t
from .toolkit._vip import CASE_CLIENTS, CASE_SALES_TEAM
from .toolkit._winback import _LINES as _DEAL_COST_LINES
from .toolkit._winback import _OPTIONAL as _DEAL_OPTIONAL
from .toolkit._winback import COST_OF_MONEY

__all__ = [
    "AbcXyzExplorer",
    "NPSCalculator",
    "VipStaffingCalculator",
    "DealEconomicsCalculator",
    "RetentionMethodsTable",
    "StaticResult",
]


# ---------------------------------------------------------------------------
# small shared pieces
# ---------------------------------------------------------------------------


def _ipywidgets():
    """ipywidgets, imported on first use (the logic and the static views do not need it)."""
    import ipywidgets

    return ipywidgets


def _h(text: object) -> str:
    """Escape any text for HTML (user-supplied or label)."""
    return html.escape(str(text), quote=True)


def _attr(value: float | int | str) -> str:
    """A value for a ``data-`` attribute: numbers in full precision, text escaped."""
    if isinstance(value, (float, np.floating)):
        return "" if np.isnan(value) else repr(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return _h(value)


def _pct(share: float, digits: int = 1) -> str:
    """``0.654`` → ``"65.4 %"``; NaN → ``"—"``."""
    return "—" if pd.isna(share) else f"{100 * share:.{digits}f} %"


def _money(value: float) -> str:
    """Whole currency units with spaces between thousands and a true minus sign."""
    text = f"{value:,.0f}".replace(",", " ")
    return "0" if text in ("-0", "0") else text.replace("-", "−")


def _signed(value: float) -> str:
    """NPS points with a sign: ``+40``, ``−13``, ``0``."""
    text = f"{value:+.0f}"
    return "0" if text in ("+0", "-0") else text.replace("-", "−")


def _style(widget: Any, width: str | None = None) -> Any:
    """Let a control's description use the width it needs."""
    widget.style.description_width = "initial"
    if width is not None:
        widget.layout.width = width
    return widget


class StaticResult:
    """A rendered result that displays without a kernel: ``text/html`` and ``text/plain``.

    Returned by ``.static()`` of every explorer. ``.result`` is the kamlib result
    it shows (or None when the inputs were not valid).
    """

    def __init__(self, html_text: str, plain_text: str, result: object = None) -> None:
        self.html = html_text
        self.text = plain_text
        self.result = result

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


class _Explorer:
    """Shared machinery: inputs → result (cached) → HTML, and a lazily built view.

    Subclasses define ``_key()`` (the inputs, hashable), ``_compute()`` (the kamlib
    call), ``_html(result)``, ``_text(result)``, ``_build(w)`` (the controls and the
    layout) and ``_sync()`` (controls ← inputs).
    """

    _root_class = "kam-explorer"
    _kind = "explorer"

    def __init__(self) -> None:
        self._view: Any = None
        self._controls: dict[str, Any] = {}
        self._output: Any = None
        self._syncing = False
        self._cache: tuple[object, object] | None = None

    # --- logic -----------------------------------------------------------------------
    def _key(self) -> object:  # pragma: no cover - abstract
        raise NotImplementedError

    def _compute(self) -> object:  # pragma: no cover - abstract
        raise NotImplementedError

    def _html(self, result: Any) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def _text(self, result: Any) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def result(self) -> Any:
        """The kamlib result for the current inputs; :class:`KamError` if they are not valid."""
        key = self._key()
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self._compute())
        return self._cache[1]

    def _try(self, change: Callable[[], None]) -> None:
        """Apply ``change`` to the inputs; undo it and re-raise if the result cannot be computed."""
        saved = dict(self.__dict__)
        change()
        try:
            self.result
        except KamError:
            self.__dict__.clear()
            self.__dict__.update(saved)
            raise
        self._sync_view()

    def html(self) -> str:
        """The current result as HTML (an error message in ``<p class="kam-error">`` if the inputs are not valid)."""
        try:
            result = self.result
        except KamError as error:
            return f'{self._div()}<p class="kam-error">{_h(t("widgets.error", message=str(error)))}</p></div>'
        return self._html(result)

    def text(self) -> str:
        """The current result as plain text."""
        try:
            result = self.result
        except KamError as error:
            return t("widgets.error", message=str(error))
        return self._text(result)

    def static(self) -> StaticResult:
        """The current result as a display object that needs no kernel (HTML and plain text)."""
        try:
            result = self.result
        except KamError:
            result = None
        return StaticResult(self.html(), self.text(), result)

    def _div(self, attrs: str = "") -> str:
        """Opening tag of the result's root element: ``<div class="kam-result" data-widget="…" …>``."""
        return f'<div class="kam-result" data-widget="{self._kind}"{" " + attrs if attrs else ""}>'

    # --- view ------------------------------------------------------------------------
    @property
    def view(self) -> Any:
        """The ipywidgets box with the controls and the result (built on first use)."""
        if self._view is None:
            w = _ipywidgets()
            self._output = w.HTML()
            self._output.add_class("jp-RenderedHTMLCommon")  # JupyterLab's table style for the result
            self._view = self._build(w)
            self._view.add_class(self._root_class)
            self._syncing = True
            try:
                self._sync()
            finally:
                self._syncing = False
            self._refresh()
        return self._view

    @property
    def controls(self) -> dict[str, Any]:
        """The input widgets by name (builds the view)."""
        self.view
        return dict(self._controls)

    @property
    def output(self) -> Any:
        """The ``widgets.HTML`` that shows the result (builds the view)."""
        self.view
        return self._output

    def _build(self, w: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _sync(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _view_html(self) -> str:
        return self.html()

    def _refresh(self) -> None:
        if self._output is not None:
            self._output.value = _VIEW_STYLE + self._view_html()

    def _sync_view(self) -> None:
        """Controls and result area ← inputs, after a change made in code."""
        if self._view is None:
            return
        self._syncing = True
        try:
            self._sync()
        finally:
            self._syncing = False
        self._refresh()

    def _control(self, name: str, widget: Any, css: str, on_change: Callable[[Any], None]) -> Any:
        """Register ``widget`` under ``name`` with CSS class ``css``; ``on_change(new value)`` on edits."""
        widget.add_class(css)
        self._controls[name] = widget

        def handler(change: Mapping[str, Any]) -> None:
            if self._syncing:
                return
            on_change(change["new"])
            self._sync_view()  # derived controls (e.g. key accounts, competitor list) and the result

        widget.observe(handler, names="value")
        return widget

    def _set_controls(self, values: Mapping[str, Any]) -> None:
        for name, value in values.items():
            control = self._controls.get(name)
            if control is not None and control.value != value:
                control.value = value

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle = dict(self.view._repr_mimebundle_())
        bundle["text/plain"] = self.text()
        bundle["text/html"] = self.html()
        return bundle

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return self.text()


def _td(content: str, attrs: str = "", *, th: bool = False) -> str:
    """One table cell; ``content`` is HTML already (escape text with :func:`_h` first)."""
    tag = "th" if th else "td"
    return f"<{tag}{attrs}>{content}</{tag}>"


def _table(css: str, header: list[str], rows: list[tuple[str, list[str]]]) -> str:
    """An HTML table: ``header`` cells (HTML), rows of ``(tr attributes, [cells made by _td])``."""
    head = "".join(f"<th>{cell}</th>" for cell in header)
    body = "".join(f"<tr{attrs}>{''.join(cells)}</tr>" for attrs, cells in rows)
    return f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


_VIEW_STYLE = (
    "<style>.kam-result table{margin-left:0}"
    ".kam-result table.kam-nps-groups td:last-child,.kam-result table.kam-steps th,"
    ".kam-result table.kam-deal-lines th,.kam-result table.kam-retention th,"
    ".kam-result table.kam-retention td{text-align:left}</style>"
)
"""Look of the live result areas (JupyterLab centres tables and right-aligns cells, prose reads better left).

Only in the live view: the static HTML stays plain, so notebooks' stored outputs do not
depend on styling."""


# ---------------------------------------------------------------------------
# ABC-XYZ explorer
# ---------------------------------------------------------------------------


def _percent(share: float) -> int:
    """A cut-off share as the whole per cent a slider shows."""
    return int(round(100 * share))


def _fraction_text(share: float) -> str:
    """``0.8`` → ``"80"``, ``0.805`` → ``"80.5"``, ``1/3`` → ``"33.3"`` (for the cut-off line)."""
    return f"{round(100 * share, 1):g}"


_XYZ_METHODS = ("frequency", "cv")
"""The XYZ methods of :func:`kamlib.abc_xyz`, in the order the explorer's method toggle shows them."""



_ABC_LABEL_WIDTH = "13em"
"""One label width for the explorer's sliders and toggles, so their tracks and buttons line up in a column."""


def _toggle_style(toggle: Any) -> Any:
    """A toggle of the explorer: its label in the sliders' label column, buttons wide enough for the labels."""
    toggle.add_class("widget-inline-hbox")  # ipywidgets 8 puts a ToggleButtons' label on a line of its own
    toggle.style.description_width = _ABC_LABEL_WIDTH
    toggle.style.button_width = "12.5em"
    return toggle


class AbcXyzExplorer(_Explorer):
    """ABC-XYZ with sliders: move the cut-offs, watch the matrix and the class counts change.

    Parameters
    ----------
    orders : DataFrame
        Order lines (canonical ``client_id``, ``date``, ``revenue``; ``cost`` for margin).
    as_of : date
        The "today" of the analysis (required, as for :func:`kamlib.abc_xyz`).
    method : {"frequency", "cv"}, default "frequency"
        How XYZ measures regularity, as in :func:`kamlib.abc_xyz` (a toggle in the view):
        the share of the client's months with a purchase (the course's default, source
        004), or the coefficient of variation of its monthly sums.
    value : {"revenue", "margin"}
        What ABC ranks by (a toggle in the view; margin only when ``orders`` has ``cost``).
    abc : (float, float), default (0.80, 0.95)
        ABC cut-offs of cumulative share (M3's standard Pareto split).
    xyz : (float, float), optional
        The XYZ cut-offs of ``method``, low then high, as in :func:`kamlib.abc_xyz`:
        frequency — Z below the first, X from the second; CV — X below the first, Z
        above the second. Default (None): the method's defaults of :func:`kamlib.abc_xyz`,
        ``(1/3, 0.75)`` for frequency and ``(0.10, 0.25)`` for CV.
    **abc_xyz_kwargs
        Passed on to :func:`kamlib.abc_xyz` unchanged (``period``, ``months``,
        ``min_periods``, ``start``, ``ddof``, ``cumulative``).

    Attributes
    ----------
    result : DataFrame
        :func:`kamlib.abc_xyz` for the current method and cut-offs.
    matrix : AbcXyzMatrix
        :func:`kamlib.abc_xyz_matrix` of it.
    class_counts : DataFrame
        Clients and value share per ABC and per XYZ class.

    Raises
    ------
    KamDataError, KamArgumentError
        As :func:`kamlib.abc_xyz`, at construction and from :meth:`set`.

    Notes
    -----
    Every move re-runs :func:`kamlib.abc_xyz` (about 20 ms on the sample company), so the
    explorer always agrees with the function; results are kept per setting, so moving a
    slider back is instant. The sliders work in whole per cent; :meth:`set` takes any share.
    Switching the method (toggle or :meth:`set`) puts the XYZ cut-offs back to the new
    method's defaults, since the two methods' numbers mean different things.

    Examples
    --------
    Three clients over January–April 2025: ``a`` buys 20 every month (80), ``b`` 6 in
    January and April (12), ``c`` 8 in January only. Of 100 in all, the cumulative shares
    are 0.80, 0.92 and 1.00.

    >>> import pandas as pd
    >>> orders = pd.DataFrame({"client_id": ["a", "a", "a", "a", "b", "b", "c"],
    ...     "date": pd.to_datetime(["2025-01-10", "2025-02-10", "2025-03-10", "2025-04-10",
    ...                             "2025-01-05", "2025-04-05", "2025-01-20"]),
    ...     "revenue": [20.0, 20.0, 20.0, 20.0, 6.0, 6.0, 8.0]})
    >>> ex = AbcXyzExplorer(orders, as_of="2025-04-30", min_periods=1)
    >>> ex.matrix.counts.sum(axis=1).tolist()  # a 80 % → A, b 92 % → B, c → C
    [1, 1, 1]
    >>> ex.method, ex.xyz  # XYZ by purchase frequency, the default cut-offs of abc_xyz
    ('frequency', (0.3333333333333333, 0.75))
    >>> ex.result["xyz"].tolist()  # months with a purchase: a 4 of 4, b 2 of 4, c 1 of 4
    ['X', 'Y', 'Z']
    >>> ex.set(xyz=(1 / 3, 0.50)).result["xyz"].tolist()  # X from 50 %: b (2 of 4) is X now
    ['X', 'X', 'Z']
    >>> ex.set(method="cv").xyz  # by CV the cut-offs go back to that method's defaults
    (0.1, 0.25)
    >>> ex.result["xyz"].tolist()  # CV: a 0 (even), b 3/3 = 1.0, c √12/2 ≈ 1.73 → only a is X
    ['X', 'Z', 'Z']
    >>> ex.set(abc=(0.95, 0.99)).matrix.counts.sum(axis=1).tolist()  # b at 92 % is now A
    [2, 0, 1]
    """

    _root_class = "kam-abc-explorer"
    _kind = "abc"
    _CACHE_SIZE = 64

    def __init__(
        self,
        orders: pd.DataFrame,
        *,
        as_of: object,
        method: Literal["frequency", "cv"] = "frequency",
        value: Literal["revenue", "margin"] = "revenue",
        abc: tuple[float, float] = (0.80, 0.95),
        xyz: tuple[float, float] | None = None,
        **abc_xyz_kwargs: Any,
    ) -> None:
        super().__init__()
        check_frame(orders, "orders")
        self._orders = orders
        self._as_of = as_of
        self._kwargs = dict(abc_xyz_kwargs)
        self._value = value
        self._method = _check_xyz_method(method)
        self._abc = tuple(abc)
        self._xyz = _default_xyz(self._method) if xyz is None else tuple(xyz)
        self._results: dict[object, pd.DataFrame] = {}
        self.result  # validate the data and the settings now

    # --- logic
    @property
    def value(self) -> str:
        """What ABC ranks by: "revenue" or "margin"."""
        return self._value

    @property
    def method(self) -> str:
        """How XYZ is measured: "frequency" (share of periods with a purchase) or "cv"."""
        return self._method

    @property
    def abc(self) -> tuple[float, float]:
        """The ABC cut-offs in use (shares)."""
        return self._abc  # type: ignore[return-value]

    @property
    def xyz(self) -> tuple[float, float]:
        """The XYZ cut-offs in use, low then high (shares of periods, or CV as a share)."""
        return self._xyz  # type: ignore[return-value]

    def set(
        self,
        *,
        abc: tuple[float, float] | None = None,
        xyz: tuple[float, float] | None = None,
        value: Literal["revenue", "margin"] | None = None,
        method: Literal["frequency", "cv"] | None = None,
    ) -> AbcXyzExplorer:
        """Change the cut-offs, the value or the XYZ method in code; returns the explorer (the view follows).

        A new ``method`` without ``xyz`` puts the XYZ cut-offs back to that method's
        defaults (the other method's numbers mean something else). Raises
        :class:`KamArgumentError` (and keeps the old settings) for invalid ones.
        """
        if method is not None:
            method = _check_xyz_method(method)  # type: ignore[assignment]

        def change() -> None:
            if abc is not None:
                self._abc = tuple(abc)
            if method is not None and method != self._method:
                self._method = method
                self._xyz = _default_xyz(method)
            if xyz is not None:
                self._xyz = tuple(xyz)
            if value is not None:
                self._value = value

        self._try(change)
        return self

    def _key(self) -> object:
        return (self._value, self._abc, self._method, self._xyz)

    def _slider_names(self, which: str) -> tuple[str, str]:
        """The labels of the two sliders of ``which`` ("abc" or "xyz") for the current method."""
        if which == "abc":
            return t("widgets_abc.a_cut"), t("widgets_abc.b_cut")
        periods = self._periods()
        return (t(f"widgets_abc.xyz_low_{self._method}", periods=periods),
                t(f"widgets_abc.xyz_high_{self._method}", periods=periods))

    def _periods(self, form: str = "periods") -> str:
        """The XYZ periods in words: ``form`` "periods" ("months", …) or "per_period" ("monthly", …)."""
        from .analytics._abc_xyz import _check_period_name

        try:
            period = _check_period_name(self._kwargs.get("period", "month"))
        except KamError:
            period = "M"  # abc_xyz reports the bad period itself
        return t(f"widgets_abc.{form}_{period}")

    def _compute(self) -> pd.DataFrame:
        from .analytics._abc_xyz import abc_xyz

        # the sliders' own words and unit (percent), before kamlib's message about shares in code
        for which, (low, high) in (("abc", self._abc), ("xyz", self._xyz)):
            if isinstance(low, (int, float)) and isinstance(high, (int, float)) and 0 < low < 1 and 0 < high <= 1 \
                    and low >= high:
                low_name, high_name = self._slider_names(which)
                raise KamArgumentError(t("widgets_abc_errors.cuts_not_increasing",
                                         low_name=low_name, low=_percent(low),
                                         high_name=high_name, high=_percent(high),
                                         argument=which, value=f"({low:.2f}, {high:.2f})"))
        key = self._key()
        if key not in self._results:
            if len(self._results) >= self._CACHE_SIZE:
                self._results.pop(next(iter(self._results)))
            self._results[key] = abc_xyz(self._orders, value=self._value, abc=self._abc, xyz=self._xyz,
                                         method=self._method, as_of=self._as_of, **self._kwargs)
        return self._results[key]

    @property
    def matrix(self) -> Any:
        """:func:`kamlib.abc_xyz_matrix` of the current result."""
        from .analytics._abc_xyz import abc_xyz_matrix

        return abc_xyz_matrix(self.result)

    @property
    def class_counts(self) -> pd.DataFrame:
        """Clients and value share per class: ``dimension`` (abc/xyz), ``class``, ``clients``, ``share``."""
        m = self.matrix
        rows = [("abc", c, int(m.counts.loc[c].sum()), float(m.shares.loc[c].sum())) for c in m.counts.index]
        rows += [("xyz", c, int(m.counts[c].sum()), float(m.shares[c].sum())) for c in m.counts.columns]
        frame = pd.DataFrame(rows, columns=["dimension", "class", "clients", "share"])
        frame["dimension"] = frame["dimension"].astype("str")
        frame["class"] = frame["class"].astype("str")
        return frame

    # --- rendering
    def _cutoff_lines(self) -> tuple[str, str]:
        """The ABC cut-offs and the XYZ method with its cut-offs, in words (one line each)."""
        (a, b), (x, y) = self._abc, self._xyz
        abc = t("widgets_abc.cutoffs_abc", a=_fraction_text(a), b=_fraction_text(b),
                value=t(f"abc_plots.value_{self._value}"))
        xyz = t(f"widgets_abc.cutoffs_{self._method}", low=_fraction_text(x), high=_fraction_text(y),
                periods=self._periods(), per_period=self._periods("per_period"))
        return abc, xyz

    def _html(self, result: pd.DataFrame) -> str:
        from .analytics._abc_xyz import abc_xyz_matrix

        m = abc_xyz_matrix(result)
        counts, shares = m.counts, m.shares
        abc_codes = ["A", "B", "C"]
        xyz_codes = ["X", "Y", "Z", "insufficient"]
        header = [_h(t("widgets_abc.corner"))] + [f"{_h(c)}" for c in counts.columns] + [_h(t("widgets.total"))]

        def cell(attrs: str, n: int, share: float) -> str:
            return _td(f"<b>{n}</b><br><small>{_pct(share)}</small>",
                       f' {attrs} data-count="{n}" data-share="{_attr(share)}"')

        rows = []
        for i, (row, code) in enumerate(zip(counts.index, abc_codes)):
            cells = [_td(_h(row), th=True)]
            for j, (col, xcode) in enumerate(zip(counts.columns, xyz_codes)):
                name = code + xcode if xcode != "insufficient" else f"{code}-insufficient"
                cells.append(cell(f'data-cell="{name}"', int(counts.iat[i, j]), float(shares.iat[i, j])))
            cells.append(cell(f'class="kam-total" data-abc-total="{code}"', int(counts.iloc[i].sum()),
                              float(shares.iloc[i].sum())))
            rows.append((f' data-abc="{code}"', cells))
        totals = [_td(_h(t("widgets.total")), th=True)]
        for j, xcode in enumerate(xyz_codes):
            totals.append(cell(f'class="kam-total" data-xyz-total="{xcode}"', int(counts.iloc[:, j].sum()),
                               float(shares.iloc[:, j].sum())))
        totals.append(cell('class="kam-total" data-total="all"', int(counts.to_numpy().sum()),
                           float(shares.to_numpy().sum())))
        rows.append((' class="kam-total"', totals))
        table = _table("kam-matrix", header, rows)

        spans = []
        for row, code in zip(counts.index, abc_codes):
            spans.append(f'<span data-class="{code}" data-count="{int(counts.loc[row].sum())}">'
                         f'{_h(row)}: {int(counts.loc[row].sum())}</span>')
        for col, xcode in zip(counts.columns, xyz_codes):
            spans.append(f'<span data-class="{xcode}" data-count="{int(counts[col].sum())}">'
                         f'{_h(col)}: {int(counts[col].sum())}</span>')
        spans.append(f'<span data-class="not-ranked" data-count="{m.not_ranked}">'
                     f'{_h(t("widgets_abc.not_ranked"))}: {m.not_ranked}</span>')
        (a, b), (x, y) = self._abc, self._xyz
        value = t(f"abc_plots.value_{self._value}")
        abc_line, xyz_line = self._cutoff_lines()
        # the window on a line of its own, never broken inside a date (a projector is narrow)
        title, dash, caption = m._title().partition(" — ")
        window = f'<br><span class="kam-window" style="white-space:nowrap">{_h(caption)}</span>' if dash else ""
        return (
            self._div(f'data-value="{_h(self._value)}" data-method="{_h(self._method)}" '
                      f'data-abc-a="{_attr(float(a))}" data-abc-b="{_attr(float(b))}" '
                      f'data-xyz-x="{_attr(float(x))}" data-xyz-y="{_attr(float(y))}"')
            + f'<p><b>{_h(title)}</b>{window}<br><span class="kam-abc-cutoffs">{_h(abc_line)}</span><br>'
            f'<span class="kam-xyz-cutoffs">{_h(xyz_line)}</span></p>'
            f"{table}<p><small>{_h(t('widgets_abc.cell_hint', value=value))}</small></p>"
            f'<p class="kam-class-counts">{_h(t("widgets_abc.class_counts"))}: {" · ".join(spans)}</p>'
            + "".join(f'<p class="kam-abc-note"><b>⚠</b> {_h(note)}</p>' for note in result.attrs.get("notes", []))
            + "</div>"
        )

    def _view_html(self) -> str:
        """The static HTML plus ``data-settings`` on the result, for tools that recompute the page."""
        html_text = self.html()
        try:
            settings = self._settings_json(self.result)
        except KamError:
            return html_text
        mark = f'data-widget="{self._kind}"'
        return html_text.replace(mark, f'{mark} data-settings="{_h(settings)}"', 1)

    @staticmethod
    def _settings_json(result: pd.DataFrame) -> str:
        """The other :func:`kamlib.abc_xyz` settings of the result as JSON (dates as ISO text)."""
        import json

        settings = result.attrs.get("abc_xyz", {})
        keep = {}
        for key in ("as_of", "start", "period", "min_periods", "ddof", "cumulative", "method"):
            v = settings.get(key)
            keep[key] = v.date().isoformat() if isinstance(v, pd.Timestamp) else v
        return json.dumps(keep, sort_keys=True)

    def _text(self, result: pd.DataFrame) -> str:
        from .analytics._abc_xyz import abc_xyz_matrix

        return "\n".join([*self._cutoff_lines(), repr(abc_xyz_matrix(result)), *result.attrs.get("notes", [])])

    # --- view
    def _build(self, w: Any) -> Any:
        def slider(low: int, high: int, description: str) -> Any:
            widget = w.IntSlider(min=low, max=high, step=1, continuous_update=False, description=description,
                                 layout=w.Layout(width="32em"))
            widget.style.description_width = _ABC_LABEL_WIDTH
            return widget

        def set_cut(which: str, position: int) -> Callable[[Any], None]:
            def apply(new: int) -> None:
                pair = list(self._abc if which == "abc" else self._xyz)
                pair[position] = new / 100
                if which == "abc":
                    self._abc = tuple(pair)
                else:
                    self._xyz = tuple(pair)

            return apply

        def set_value(new: str) -> None:
            self._value = new

        def set_method(new: str) -> None:
            if new != self._method:
                self._method = new
                self._xyz = _default_xyz(new)

        a_name, b_name = self._slider_names("abc")
        a = self._control("a", slider(1, 99, a_name), "kam-abc-a-slider", set_cut("abc", 0))
        b = self._control("b", slider(2, 100, b_name), "kam-abc-b-slider", set_cut("abc", 1))
        # both methods cut shares in (0, 1] (abc_xyz refuses anything else): a share of the periods with a
        # purchase, or a CV of at most 100 %; so the XYZ sliders keep one range and only their words change
        x = self._control("x", slider(1, 99, ""), "kam-abc-x-slider", set_cut("xyz", 0))
        y = self._control("y", slider(2, 100, ""), "kam-abc-y-slider", set_cut("xyz", 1))
        toggle = w.ToggleButtons(
            options=[(t("abc_plots.value_revenue"), "revenue"), (t("abc_plots.value_margin"), "margin")],
            description=t("widgets_abc.value"),
        )
        _toggle_style(toggle)
        if "cost" not in self._orders.columns:
            toggle.disabled = True
        self._control("value", toggle, "kam-abc-value", set_value)
        method = w.ToggleButtons(
            options=[(t(f"widgets_abc.method_{m}"), m) for m in _XYZ_METHODS],
            description=t("widgets_abc.method"),
            tooltips=[t(f"widgets_abc.method_{m}_tooltip") for m in _XYZ_METHODS],
        )
        _toggle_style(method)
        self._control("method", method, "kam-abc-method", set_method)
        self._output.add_class("kam-abc-matrix")
        return w.VBox([w.HBox([a, b]), toggle, method, w.HBox([x, y]), self._output])

    def _sync(self) -> None:
        (a, b), (x, y) = self._abc, self._xyz
        # the XYZ sliders in the active method's words
        self._controls["x"].description, self._controls["y"].description = self._slider_names("xyz")
        self._set_controls({"a": _percent(a), "b": _percent(b), "x": _percent(x), "y": _percent(y),
                            "value": self._value, "method": self._method})


def _check_xyz_method(method: object) -> str:
    """``"frequency"`` or ``"cv"``; else :class:`KamArgumentError` naming both."""
    return check_choice(method, "method", _XYZ_METHODS)  # type: ignore[return-value]


def _default_xyz(method: str) -> tuple[float, float]:
    """The XYZ cut-offs :func:`kamlib.abc_xyz` uses for ``method`` when none are given (one source of truth)."""
    from .analytics._abc_xyz import _DEFAULT_XYZ

    return tuple(_DEFAULT_XYZ[method])  # type: ignore[return-value]


# ---------------------------------------------------------------------------
# NPS calculator
# ---------------------------------------------------------------------------

_NPS_GROUPS = (("promoter", 10), ("passive", 8), ("detractor", 0))  # group, a score standing for it


class NPSCalculator(_Explorer):
    """NPS from the counts of promoters, passives and detractors, with its 95 % interval.

    Parameters
    ----------
    promoters, passives, detractors : int
        Answers 9–10, 7–8 and 0–6. Default 50, 30 and 20 (an example survey of 100).
    scores : sequence, Series or DataFrame, optional
        Start from real answers instead (0–10 scores, or an ``nps_responses`` table):
        the counts are taken from :func:`kamlib.nps` of them.
    confidence : float, default 0.95
        Confidence level of the interval.

    Attributes
    ----------
    result : NPSResult
        :func:`kamlib.nps` of the current counts.

    Raises
    ------
    KamArgumentError
        A count that is not a whole number ≥ 0.
    KamDataError
        Bad ``scores``; or all counts 0 (from :meth:`set`; the view shows the message).

    Examples
    --------
    >>> calc = NPSCalculator(promoters=6, passives=2, detractors=2)
    >>> r = calc.result
    >>> r.nps, r.n  # (6 − 2) / 10
    (40.0, 10)
    >>> round(r.nps_adjusted, 2)  # adjusted Wald: (6.75 − 2.75) / 13
    30.77
    """

    _root_class = "kam-nps-calculator"
    _kind = "nps"

    def __init__(
        self,
        promoters: int = 50,
        passives: int = 30,
        detractors: int = 20,
        *,
        scores: Any = None,
        confidence: float = 0.95,
    ) -> None:
        super().__init__()
        if scores is not None:
            from .analytics._nps import nps

            first = nps(scores, confidence=confidence)
            promoters, passives, detractors = first.promoters, first.passives, first.detractors
        self._counts = self._check_counts({"promoters": promoters, "passives": passives, "detractors": detractors})
        self._confidence = confidence
        self.result

    @staticmethod
    def _check_counts(counts: Mapping[str, object]) -> dict[str, int]:
        return {k: int(check_number(v, k, minimum=0, integer=True)) for k, v in counts.items()}

    @property
    def counts(self) -> dict[str, int]:
        """The current ``promoters``, ``passives`` and ``detractors``."""
        return dict(self._counts)

    def set(self, *, promoters: int | None = None, passives: int | None = None,
            detractors: int | None = None) -> NPSCalculator:
        """Change counts in code; returns the calculator. Invalid counts raise and change nothing."""
        given = {k: v for k, v in {"promoters": promoters, "passives": passives, "detractors": detractors}.items()
                 if v is not None}
        checked = self._check_counts(given)
        self._try(lambda: setattr(self, "_counts", {**self._counts, **checked}))
        return self

    def _key(self) -> object:
        return (self._counts["promoters"], self._counts["passives"], self._counts["detractors"], self._confidence)

    def _compute(self) -> Any:
        from .analytics._nps import nps

        scores = np.repeat([s for _, s in _NPS_GROUPS],
                           [self._counts["promoters"], self._counts["passives"], self._counts["detractors"]])
        return nps(scores, confidence=self._confidence)

    def interpretation(self) -> str:
        """One line: is NPS clearly above 0, clearly below, or within the noise?"""
        r = self.result
        conf = f"{r.confidence:.0%}"
        if r.ci_low > 0:
            return t("widgets_nps.clear_lead", conf=conf)
        if r.ci_high < 0:
            return t("widgets_nps.clear_deficit", conf=conf)
        return t("widgets_nps.unclear", conf=conf, n=r.n)

    def _headline(self, r: Any, nps: str | None = None) -> str:
        return t("widgets_nps.headline", nps=_signed(r.nps) if nps is None else nps, n=r.n, conf=f"{r.confidence:.0%}",
                 low=_signed(r.ci_low), high=_signed(r.ci_high), moe=f"{r.margin_of_error:.0f}")

    def _html(self, r: Any) -> str:
        header = [_h(t(f"widgets_nps.col_{c}")) for c in ("group", "answers", "share", "action")]
        rows = []
        for group, _ in _NPS_GROUPS:
            count, share = getattr(r, f"{group}s"), getattr(r, f"{group}s_share")
            rows.append((f' data-group="{group}"', [
                _td(_h(t(f"nps.{group}")), th=True),
                _td(str(count), f' data-count="{count}"'),
                _td(_pct(share)),
                _td(_h(t(f"widgets_nps.{group}_action"))),
            ]))
        value = f'<span class="kam-nps-value" data-nps="{_attr(r.nps)}">{_h(_signed(r.nps))}</span>'
        headline = _h(self._headline(r, nps="\x00")).replace("\x00", value)
        return (
            self._div(f'data-nps="{_attr(r.nps)}" data-n="{r.n}" '
                      f'data-ci-low="{_attr(r.ci_low)}" data-ci-high="{_attr(r.ci_high)}"')
            + f"<p><b>{headline}</b></p>"
            f'<p class="kam-nps-interpretation">{_h(self.interpretation())}</p>'
            f"{_table('kam-nps-groups', header, rows)}</div>"
        )

    def _text(self, r: Any) -> str:
        return f"{r!r}\n{self.interpretation()}"

    def _build(self, w: Any) -> Any:
        boxes = []
        for name in ("promoters", "passives", "detractors"):
            box = _style(w.BoundedIntText(min=0, max=1_000_000, step=1, description=t(f"widgets_nps.{name}")),
                         "16em")

            def apply(new: int, name: str = name) -> None:
                self._counts[name] = int(new)

            boxes.append(self._control(name, box, f"kam-nps-{name}", apply))
        self._output.add_class("kam-nps-result")
        return w.VBox([w.HBox(boxes), self._output])

    def _sync(self) -> None:
        self._set_controls(self._counts)


# ---------------------------------------------------------------------------
# VIP staffing calculator
# ---------------------------------------------------------------------------


class VipStaffingCalculator(_Explorer):
    """How many people the VIP programme needs: the yearly sweep and the regular key-client contacts.

    Inputs as :func:`kamlib.vip_staffing`; the defaults are the source's case
    (:func:`kamlib.vip_staffing_case`: 700 clients, a sales team of 6, a 3-month sweep,
    norms of 5 and 15 questionnaires a week). ``sales_team=None`` (0 in the view) shows
    the all-dedicated and all-alongside options instead of a team split;
    ``n_key=None`` / ``n_most_valuable=None`` derive them from the 20 % / 20 % shares.

    Attributes
    ----------
    result : VipStaffing
        :func:`kamlib.vip_staffing` of the current inputs (prints its arithmetic).

    Raises
    ------
    KamArgumentError
        As :func:`kamlib.vip_staffing`, at construction and from :meth:`set`.

    Examples
    --------
    >>> calc = VipStaffingCalculator()
    >>> calc.result.full_time, calc.result.part_time, calc.result.permanent
    (3, 3, 1)
    >>> calc.set(n_clients=390, sales_team=None).result.dedicated_only  # ⌈390 / 13 / 15⌉
    2
    """

    _root_class = "kam-vip-calculator"
    _kind = "vip"
    _INPUTS = ("n_clients", "sweep_months", "norm_alongside_sales", "norm_dedicated", "sales_team", "n_key",
               "n_most_valuable")

    def __init__(
        self,
        n_clients: int = CASE_CLIENTS,
        *,
        sweep_months: float = 3,
        norm_alongside_sales: float = 5,
        norm_dedicated: float = 15,
        sales_team: int | None = CASE_SALES_TEAM,
        n_key: int | None = None,
        n_most_valuable: int | None = None,
    ) -> None:
        super().__init__()
        self._inputs: dict[str, Any] = {
            "n_clients": n_clients,
            "sweep_months": sweep_months,
            "norm_alongside_sales": norm_alongside_sales,
            "norm_dedicated": norm_dedicated,
            "sales_team": sales_team,
            "n_key": n_key,
            "n_most_valuable": n_most_valuable,
        }
        self.result

    @property
    def inputs(self) -> dict[str, Any]:
        """The current inputs of :func:`kamlib.vip_staffing`."""
        return dict(self._inputs)

    def set(self, **inputs: Any) -> VipStaffingCalculator:
        """Change inputs in code (names as :func:`kamlib.vip_staffing`); returns the calculator."""
        unknown = sorted(set(inputs) - set(self._INPUTS))
        if unknown:
            raise KamArgumentError(t("widgets.unknown_choice", argument="set()", value=unknown[0],
                                     valid=", ".join(self._INPUTS)))
        self._try(lambda: setattr(self, "_inputs", {**self._inputs, **inputs}))
        return self

    def _key(self) -> object:
        return tuple(self._inputs[k] for k in self._INPUTS)

    def _compute(self) -> Any:
        from .toolkit._vip import vip_staffing

        args = dict(self._inputs)
        return vip_staffing(args.pop("n_clients"), **args)

    def _html(self, s: Any) -> str:
        header = [_h(t(f"widgets_vip.col_{c}")) for c in ("step", "formula", "value")]
        rows = []
        for i, (step, formula, value) in enumerate(s._lines()):
            shown = _fmt(value)
            rows.append((f' data-row="{i}"', [_td(_h(step), th=True), _td(_h(formula)),
                                              _td(_h(shown), f' data-value="{_attr(value)}"')]))
        attrs = " ".join(
            f'data-{k.replace("_", "-")}="{"" if getattr(s, k) is None else _attr(getattr(s, k))}"'
            for k in ("permanent", "full_time", "part_time", "dedicated_only", "alongside_only", "n_key",
                      "n_most_valuable")
        )
        return (
            self._div(attrs) + f"<p><b>{_h(s.title)}</b></p>"
            f"{_table('kam-steps', header, rows)}"
            f'<p class="kam-vip-summary">{_h(s.summary)}</p></div>'
        )

    def _text(self, s: Any) -> str:
        return str(s)

    def _build(self, w: Any) -> Any:
        def number(name: str, kind: Any, **kw: Any) -> Any:
            return _style(kind(description=t(f"widgets_vip.{name}"), **kw), "22em")

        def setter(name: str, convert: Callable[[Any], Any]) -> Callable[[Any], None]:
            def apply(new: Any) -> None:
                self._inputs[name] = convert(new)

            return apply

        team = lambda v: None if int(v) == 0 else int(v)  # noqa: E731
        specs = [
            ("n_clients", w.BoundedIntText, dict(min=0, max=10_000_000), int),
            ("sweep_months", w.BoundedFloatText, dict(min=0.5, max=12, step=0.5), float),
            ("norm_alongside_sales", w.BoundedFloatText, dict(min=0.5, max=1000, step=1), float),
            ("norm_dedicated", w.BoundedFloatText, dict(min=0.5, max=1000, step=1), float),
            ("sales_team", w.BoundedIntText, dict(min=0, max=100_000), team),
            ("n_key", w.BoundedIntText, dict(min=0, max=10_000_000), int),
            ("n_most_valuable", w.BoundedIntText, dict(min=0, max=10_000_000), int),
        ]
        made = {}
        for name, kind, kw, convert in specs:
            made[name] = self._control(name, number(name, kind, **kw), f"kam-vip-{name.replace('_', '-')}",
                                       setter(name, convert))

        def set_auto(new: bool) -> None:
            if new:
                self._inputs["n_key"] = self._inputs["n_most_valuable"] = None
            else:  # take the derived numbers as the starting point for editing
                try:
                    s = self.result
                except KamError:
                    return
                self._inputs["n_key"], self._inputs["n_most_valuable"] = s.n_key, s.n_most_valuable

        auto = w.Checkbox(description=t("widgets_vip.auto_key"), indent=False, layout=w.Layout(width="auto"))
        self._control("auto_key", auto, "kam-vip-auto-key", set_auto)
        self._output.add_class("kam-vip-result")
        return w.VBox([
            w.HBox([made["n_clients"], made["sweep_months"], made["sales_team"]]),
            w.HBox([made["norm_alongside_sales"], made["norm_dedicated"]]),
            auto,
            w.HBox([made["n_key"], made["n_most_valuable"]]),
            self._output,
        ])

    def _sync(self) -> None:
        values = {k: self._inputs[k] for k in ("n_clients", "sweep_months", "norm_alongside_sales", "norm_dedicated")}
        values["sales_team"] = self._inputs["sales_team"] or 0
        auto = self._inputs["n_key"] is None and self._inputs["n_most_valuable"] is None
        values["auto_key"] = auto
        try:
            s = self.result
            values["n_key"], values["n_most_valuable"] = s.n_key, s.n_most_valuable
        except KamError:
            pass
        self._set_controls(values)
        self._controls["n_key"].disabled = auto
        self._controls["n_most_valuable"].disabled = auto


def _fmt(value: object) -> str:
    from .toolkit._worked import fmt

    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return fmt(float(value))
    return str(value)


# ---------------------------------------------------------------------------
# deal-economics calculator
# ---------------------------------------------------------------------------

_DEAL_ITEMS = ("unit_price", "annual_volume", *_DEAL_OPTIONAL)  # the inputs of kamlib.deal_economics
_DEAL_LINES = (*_DEAL_COST_LINES, "total")
_SIDES = ("us", "them")


class DealEconomicsCalculator(_Explorer):
    """Our offer against a competitor's, item by item: the client's real gain against the apparent one.

    Starts from the canonical ``competitor_offers`` table (one client, our offer and one
    competitor's); every price and cost item of both offers can be edited, and the result
    is :func:`kamlib.deal_economics` of the two edited offers.

    Parameters
    ----------
    offers : DataFrame
        Canonical ``competitor_offers`` (``client_id``, ``supplier``, ``unit_price``,
        ``annual_volume`` and the optional cost columns; missing ones count as 0).
    client_id : str, optional
        The client; default the first (sorted) that has our offer and a competitor's.
    competitor : str, optional
        The competitor's ``supplier``; default the first competitor offer of the client.
    cost_of_money : float, default 0.15
        The client's yearly rate of money (:func:`kamlib.deal_economics`).
    ours : str, default "us"
        Our ``supplier`` value.

    Attributes
    ----------
    result : DataFrame
        :func:`kamlib.deal_economics` of :attr:`offers` (our row first).
    offers : DataFrame
        The two offers as edited (canonical columns).
    lines : DataFrame
        :func:`kamlib.deal_lines` of the result.

    Raises
    ------
    KamDataError, KamArgumentError
        Missing columns, no client with both offers, an unknown client or competitor;
        invalid edits from :meth:`set` (negative numbers, a defect rate above 1).

    Examples
    --------
    >>> import pandas as pd
    >>> offers = pd.DataFrame({"client_id": ["C1", "C1"], "supplier": ["us", "Rival"],
    ...     "unit_price": [100.0, 95.0], "annual_volume": [1000, 1000],
    ...     "delivery_cost_per_unit": [0, 4]})
    >>> calc = DealEconomicsCalculator(offers)
    >>> calc.gains()  # apparent (100 − 95) × 1000; real minus 4 × 1000 delivery
    (5000.0, 1000.0)
    >>> calc.set(them={"delivery_cost_per_unit": 6}).gains()
    (5000.0, -1000.0)
    """

    _root_class = "kam-deal-calculator"
    _kind = "deal"

    def __init__(
        self,
        offers: pd.DataFrame,
        client_id: str | None = None,
        competitor: str | None = None,
        *,
        cost_of_money: float = COST_OF_MONEY,
        ours: str = "us",
    ) -> None:
        super().__init__()
        check_columns(offers, ["client_id", "supplier", "unit_price", "annual_volume"], argument="offers")
        self._source = offers.copy()
        self._ours = str(ours)
        self._cost_of_money = cost_of_money
        self._client: str = ""
        self._competitor: str = ""
        self._values: dict[str, dict[str, float]] = {}
        clients = self.clients()
        if not clients:
            raise KamArgumentError(t("widgets.no_competitor", ours=self._ours))
        self._select(clients[0] if client_id is None else client_id, competitor)
        self.result

    # --- choices
    def clients(self) -> list[str]:
        """Clients that have our offer and at least one competitor's (sorted)."""
        s = self._source
        client, supplier = s["client_id"].astype(str), s["supplier"].astype(str)
        has_ours = set(client[supplier == self._ours])
        has_them = set(client[supplier != self._ours])
        return sorted(has_ours & has_them)

    def competitors(self, client_id: str | None = None) -> list[str]:
        """The competitors that made ``client_id`` (default: the current client) an offer, in table order."""
        client = self._client if client_id is None else str(client_id)
        s = self._source
        rows = s[(s["client_id"].astype(str) == client) & (s["supplier"].astype(str) != self._ours)]
        return list(dict.fromkeys(rows["supplier"].astype(str)))

    def _row(self, client: str, supplier: str) -> dict[str, float]:
        s = self._source
        row = s[(s["client_id"].astype(str) == client) & (s["supplier"].astype(str) == supplier)].iloc[0]
        out = {}
        for item in _DEAL_ITEMS:
            raw = row[item] if item in s.columns else 0.0
            number = pd.to_numeric(pd.Series([raw]), errors="coerce").iloc[0]
            out[item] = 0.0 if pd.isna(number) else float(number)
        return out

    def _select(self, client_id: object, competitor: object | None) -> None:
        clients = self.clients()
        if str(client_id) not in clients:
            raise KamArgumentError(t("widgets.unknown_choice", argument="client_id", value=client_id,
                                     valid=", ".join(clients)))
        client = str(client_id)
        rivals = self.competitors(client)
        if competitor is None:
            competitor = rivals[0]
        if str(competitor) not in rivals:
            raise KamArgumentError(t("widgets.unknown_choice", argument="competitor", value=competitor,
                                     valid=", ".join(rivals)))
        self._client, self._competitor = client, str(competitor)
        self._values = {"us": self._row(client, self._ours), "them": self._row(client, self._competitor)}

    @property
    def client_id(self) -> str:
        """The client compared."""
        return self._client

    @property
    def competitor(self) -> str:
        """The competitor compared."""
        return self._competitor

    @property
    def offers(self) -> pd.DataFrame:
        """The two offers as edited: canonical columns, our offer first."""
        rows = [{"client_id": self._client, "supplier": name, **self._values[side]}
                for side, name in (("us", self._ours), ("them", self._competitor))]
        frame = pd.DataFrame(rows, columns=["client_id", "supplier", *_DEAL_ITEMS])
        for column in ("client_id", "supplier"):
            frame[column] = frame[column].astype("str")
        return frame

    def set(
        self,
        *,
        client_id: str | None = None,
        competitor: str | None = None,
        cost_of_money: float | None = None,
        us: Mapping[str, float] | None = None,
        them: Mapping[str, float] | None = None,
    ) -> DealEconomicsCalculator:
        """Change the client, competitor, rate or items (``us={"unit_price": 990}``); returns the calculator.

        Choosing another client or competitor reloads both offers from the table
        before ``us``/``them`` apply. Invalid values raise and change nothing.
        """
        for side in (us, them):
            for item in side or {}:
                if item not in _DEAL_ITEMS:
                    raise KamArgumentError(t("widgets.unknown_choice", argument="item", value=item,
                                             valid=", ".join(_DEAL_ITEMS)))

        def change() -> None:
            if client_id is not None or competitor is not None:  # reloads both offers from the table
                self._select(self._client if client_id is None else client_id, competitor)
            if cost_of_money is not None:
                self._cost_of_money = cost_of_money
            self._values = {k: dict(v) for k, v in self._values.items()}
            for side, items in (("us", us), ("them", them)):
                for item, value in (items or {}).items():
                    self._values[side][item] = value

        self._try(change)
        return self

    def _key(self) -> object:
        return (self._client, self._competitor, self._cost_of_money,
                tuple(tuple(self._values[s].values()) for s in _SIDES))

    def _compute(self) -> pd.DataFrame:
        from .toolkit._winback import deal_economics

        return deal_economics(self.offers, cost_of_money=self._cost_of_money, ours=self._ours)

    @property
    def lines(self) -> pd.DataFrame:
        """:func:`kamlib.deal_lines` of the current result (rows: cost lines; columns: us, competitor)."""
        from .toolkit._winback import deal_lines

        return deal_lines(self.result)

    def gains(self) -> tuple[float, float]:
        """``(apparent_gain, real_gain)`` of switching to the competitor, a year."""
        row = self.result.iloc[1]
        return float(row["apparent_gain"]), float(row["real_gain"])

    def _verdict(self, row: pd.Series) -> str:
        apparent, real = float(row["apparent_gain"]), float(row["real_gain"])
        if real < 0 or (real == 0 and apparent > 0):
            return t("widgets_deal.verdict_loss", competitor=self._competitor)
        if apparent > 0 and real < apparent:
            return t("widgets_deal.verdict_small", eaten=_pct((apparent - real) / apparent, 0))
        return t("widgets_deal.verdict_none")

    def _gain_lines(self, result: pd.DataFrame) -> list[str]:
        row = result.iloc[1]
        return [
            t("widgets_deal.apparent", gain=_money(row["apparent_gain"]), pct=_pct(row["apparent_gain_pct"] / 100)),
            t("widgets_deal.real", gain=_money(row["real_gain"]), pct=_pct(row["real_gain_pct"] / 100)),
            self._verdict(row),
        ]

    def _html(self, result: pd.DataFrame) -> str:
        from .toolkit._winback import deal_lines

        lines = deal_lines(result)
        us, them = self._ours, self._competitor
        header = [_h(t("widgets_deal.col_line")), _h(us), _h(them),
                  _h(t("widgets_deal.col_difference", us=us, competitor=them))]
        rows = []
        for code, (label, values) in zip(_DEAL_LINES, lines.iterrows()):
            a, b = float(values.iloc[0]), float(values.iloc[1])
            css = ' class="kam-total"' if code == "total" else ""
            rows.append((f'{css} data-line="{code}"', [
                _td(_h(label), th=True), _td(_money(a), f' data-us="{_attr(a)}"'),
                _td(_money(b), f' data-them="{_attr(b)}"'), _td(_money(b - a)),
            ]))
        row = result.iloc[1]
        gain_lines = self._gain_lines(result)
        return (
            self._div(f'data-apparent-gain="{_attr(float(row["apparent_gain"]))}" '
                      f'data-real-gain="{_attr(float(row["real_gain"]))}"')
            + f"<p><b>{_h(t('widgets_deal.headline', client=self._client, us=us, competitor=them))}</b></p>"
            f"{_table('kam-deal-lines', header, rows)}"
            f'<p class="kam-deal-gain">{_h(gain_lines[0])}<br><b>{_h(gain_lines[1])}</b><br>{_h(gain_lines[2])}</p>'
            "</div>"
        )

    def _text(self, result: pd.DataFrame) -> str:
        from .toolkit._winback import deal_lines

        heading = t("widgets_deal.headline", client=self._client, us=self._ours, competitor=self._competitor)
        return "\n".join([heading, deal_lines(result).map(_money).to_string(), *self._gain_lines(result)])

    def _build(self, w: Any) -> Any:
        client = _style(w.Dropdown(options=self.clients(), description=t("widgets_deal.client")))
        rival = _style(w.Dropdown(options=self.competitors(), description=t("widgets_deal.competitor")))

        def pick_client(new: str) -> None:
            self._select(new, None)

        def pick_rival(new: str) -> None:
            if new is not None and new != self._competitor:
                self._select(self._client, new)

        def set_rate(new: float) -> None:
            self._cost_of_money = round(float(new) / 100, 10)

        self._control("client", client, "kam-deal-client", pick_client)
        self._control("competitor", rival, "kam-deal-competitor", pick_rival)
        rate = _style(w.BoundedFloatText(min=0, max=100, step=0.5, description=t("widgets_deal.cost_of_money")))
        self._control("cost_of_money", rate, "kam-deal-cost-of-money", set_rate)

        self._headers = {side: w.Label() for side in _SIDES}
        cells: list[Any] = [w.Label(t("widgets_deal.item")), self._headers["us"], self._headers["them"]]
        for item in _DEAL_ITEMS:
            cells.append(w.Label(t(f"widgets_deal.{item}")))
            for side in _SIDES:
                box = w.FloatText(layout=w.Layout(width="10em"))

                def apply(new: float, side: str = side, item: str = item) -> None:
                    self._values[side][item] = float(new)

                cells.append(self._control(f"{side}.{item}", box, f"kam-deal-{side}-{item.replace('_', '-')}", apply))
        grid = w.GridBox(cells, layout=w.Layout(grid_template_columns="16em 10em 10em"))
        self._output.add_class("kam-deal-result")
        return w.VBox([w.HBox([client, rival]), rate, grid, self._output])

    def _sync(self) -> None:
        rivals = tuple(self.competitors())
        if tuple(self._controls["competitor"].options) != rivals:
            self._controls["competitor"].options = rivals
        values: dict[str, Any] = {"client": self._client, "competitor": self._competitor,
                                  "cost_of_money": round(100 * self._cost_of_money, 8)}
        for side in _SIDES:
            for item in _DEAL_ITEMS:
                values[f"{side}.{item}"] = self._values[side][item]
        self._set_controls(values)
        self._headers["us"].value = self._ours
        self._headers["them"].value = self._competitor


# ---------------------------------------------------------------------------
# retention-methods table
# ---------------------------------------------------------------------------

_FIELDS = ("method", "characteristic", "example")


class RetentionMethodsTable(_Explorer):
    """The exercise of source 002: characterise the ten retention methods, then add five of your own.

    Parameters
    ----------
    own_rows : int, default 5
        Rows for the learner's own methods (the source asks for five).
    prefill : bool, default False
        Start the characteristics with the course's text (:func:`kamlib.retention_methods`)
        instead of empty cells.
    answers : DataFrame, optional
        A table returned earlier by :meth:`to_frame` (e.g. saved to CSV and read back):
        its text is filled in, row by row.

    Attributes
    ----------
    result : DataFrame
        The same as :meth:`to_frame`.

    Examples
    --------
    >>> table = RetentionMethodsTable()
    >>> _ = table.set_row(2, characteristic="Reward repeat orders")
    >>> _ = table.set_row(11, method="Joint forecasting", example="Monthly call with C006")
    >>> frame = table.to_frame()
    >>> frame.loc[1, ["method", "characteristic"]].tolist()
    ['Use discounts', 'Reward repeat orders']
    >>> frame.loc[10, ["method_id", "method"]].tolist(), bool(frame.loc[10, "own"])
    (['own_1', 'Joint forecasting'], True)
    """

    _root_class = "kam-retention-table"
    _kind = "retention"

    def __init__(self, *, own_rows: int = 5, prefill: bool = False, answers: pd.DataFrame | None = None) -> None:
        from .toolkit._retention import retention_methods

        super().__init__()
        check_number(own_rows, "own_rows", minimum=0, integer=True)
        methods = retention_methods()
        self._rows: list[dict[str, Any]] = [
            {"number": int(r.number), "method_id": r.method_id, "method": r.method,
             "characteristic": r.characteristic if prefill else "", "example": "", "own": False}
            for r in methods.itertuples()
        ]
        start = len(self._rows)
        self._rows += [
            {"number": start + i, "method_id": f"own_{i}", "method": "", "characteristic": "", "example": "",
             "own": True}
            for i in range(1, int(own_rows) + 1)
        ]
        self._n_methods = start
        if answers is not None:
            self._load(answers)

    def _load(self, answers: pd.DataFrame) -> None:
        if not isinstance(answers, pd.DataFrame) or "number" not in answers.columns:
            raise KamArgumentError(t("widgets.bad_answers", value=type(answers).__name__))
        for row in answers.to_dict("records"):
            number = row.get("number")
            if pd.isna(number) or not 1 <= int(number) <= len(self._rows):
                continue
            target = self._rows[int(number) - 1]
            for field in _FIELDS:
                if field == "method" and not target["own"]:
                    continue
                value = row.get(field)
                if value is not None and not pd.isna(value):
                    target[field] = str(value)

    def set_row(self, number: int, *, method: str | None = None, characteristic: str | None = None,
                example: str | None = None) -> RetentionMethodsTable:
        """Write into row ``number`` (1–10 the source's methods, then your own); returns the table.

        Raises
        ------
        KamArgumentError
            No such row, or ``method=`` for one of the ten (their names are fixed).
        """
        n = len(self._rows)
        if isinstance(number, bool) or not isinstance(number, (int, np.integer)) or not 1 <= number <= n:
            raise KamArgumentError(t("widgets.bad_row", value=number, n=n))
        row = self._rows[int(number) - 1]
        if method is not None and not row["own"]:
            raise KamArgumentError(t("widgets.fixed_method", number=number, n=n))
        for field, value in (("method", method), ("characteristic", characteristic), ("example", example)):
            if value is not None:
                row[field] = str(value)
        self._cache = None
        self._sync_view()
        return self

    def to_frame(self) -> pd.DataFrame:
        """The table as written: ``number``, ``method_id`` (``own_1`` … for your own), ``method``,
        ``characteristic``, ``example``, ``own``."""
        frame = pd.DataFrame([dict(r) for r in self._rows],
                             columns=["number", "method_id", "method", "characteristic", "example", "own"])
        for column in ("method_id", "method", "characteristic", "example"):
            frame[column] = frame[column].astype("str")
        frame["own"] = frame["own"].astype(bool)
        return frame

    def _key(self) -> object:
        return tuple(tuple(r[f] for f in _FIELDS) for r in self._rows)

    def _compute(self) -> pd.DataFrame:
        return self.to_frame()

    @property
    def result(self) -> pd.DataFrame:
        """The table as written (a new DataFrame each time, see :meth:`to_frame`)."""
        return self.to_frame()

    def _progress(self) -> str:
        ten = self._rows[: self._n_methods]
        own = self._rows[self._n_methods:]
        return t("widgets_retention.progress",
                 characteristics=sum(bool(r["characteristic"].strip()) for r in ten), n_methods=len(ten),
                 examples=sum(bool(r["example"].strip()) for r in self._rows),
                 own=sum(bool(r["method"].strip()) for r in own), n_own=len(own))

    def _html(self, frame: pd.DataFrame) -> str:
        header = [_h(t(f"widgets_retention.col_{c}")) for c in ("number", "method", "characteristic", "example")]
        rows = []
        for r in self._rows:
            method = r["method"] or t("widgets_retention.own_method", i=r["method_id"].removeprefix("own_"))
            css = ' class="kam-own"' if r["own"] else ""
            rows.append((f'{css} data-row="{r["number"]}"', [
                _td(str(r["number"])), _td(_h(method), th=True), _td(_h(r["characteristic"])), _td(_h(r["example"])),
            ]))
        return (
            self._div() + f"<p><b>{_h(t('widgets_retention.title'))}</b></p>"
            f"{_table('kam-retention', header, rows)}<p>{_h(self._progress())}</p></div>"
        )

    def _text(self, frame: pd.DataFrame) -> str:
        shown = frame[["number", "method", "characteristic", "example"]]
        with pd.option_context("display.max_colwidth", 60, "display.width", 200):
            return f"{t('widgets_retention.title')}\n{shown.to_string(index=False)}\n{self._progress()}"

    def _view_html(self) -> str:
        return f"{self._div()}<p>{_h(self._progress())}</p></div>"

    def _build(self, w: Any) -> Any:
        head = [w.HTML(f"<b>{_h(t(f'widgets_retention.col_{c}'))}</b>")
                for c in ("number", "method", "characteristic", "example")]
        cells: list[Any] = list(head)

        def setter(index: int, field: str) -> Callable[[str], None]:
            def apply(new: str) -> None:
                self._rows[index][field] = str(new)

            return apply

        for i, r in enumerate(self._rows):
            n = r["number"]
            cells.append(w.Label(str(n)))
            if r["own"]:
                method = w.Text(placeholder=t("widgets_retention.placeholder_method"), continuous_update=False,
                                layout=w.Layout(width="auto"))
                self._control(f"{n}.method", method, "kam-retention-method", setter(i, "method"))
                method.add_class(f"kam-retention-row-{n}")
                cells.append(method)
            else:  # HTML, not Label: a Label cuts long names off instead of wrapping them
                cells.append(w.HTML(_h(r["method"])))
            for field, kind in (("characteristic", w.Textarea), ("example", w.Text)):
                box = kind(placeholder=t(f"widgets_retention.placeholder_{field}"), continuous_update=False,
                           layout=w.Layout(width="auto"))
                self._control(f"{n}.{field}", box, f"kam-retention-{field}", setter(i, field))
                box.add_class(f"kam-retention-row-{n}")
                cells.append(box)
        grid = w.GridBox(cells, layout=w.Layout(grid_template_columns="2.5em 18em 1fr 1fr", width="100%"))
        self._output.add_class("kam-retention-result")
        return w.VBox([w.HTML(f"<b>{_h(t('widgets_retention.title'))}</b>"), grid, self._output])

    def _sync(self) -> None:
        values = {}
        for r in self._rows:
            for field in _FIELDS:
                values[f"{r['number']}.{field}"] = r[field]
        self._set_controls(values)

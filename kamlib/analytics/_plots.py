"""Plots of an ABC-XYZ analysis: the Pareto curve and the 3×3 matrix.

Both take ``ax=None`` and return the Axes; matplotlib is imported inside the
functions so that ``import kamlib`` stays fast.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import pandas as pd

from .._validate import check_choice
from ..labels import t
from ._abc_xyz import AbcXyzMatrix, _abc_labels, _settings_of, _xyz_labels, abc_xyz, abc_xyz_matrix  # noqa: F401

__all__ = ["plot_pareto", "plot_abc_xyz_matrix"]

_BAND_COLOURS = ("#4c72b0", "#dd8452", "#8c8c8c")  # A, B, C


def plot_pareto(result: pd.DataFrame, ax: Any = None) -> Any:
    """The Pareto curve of an :func:`abc_xyz` result, with the A, B and C bands.

    The x axis is the share of ranked clients (largest first), the y axis the
    cumulative share of value. Shaded bands and dashed lines mark the ABC
    cut-offs (0.80 and 0.95 by default, read from the result's settings); each
    band is labelled with its class and number of clients.

    Parameters
    ----------
    result : DataFrame
        The result of :func:`abc_xyz`. Clients that are not ranked are left out.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when not given.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    KamDataError
        ``result`` is not an :func:`abc_xyz` result.

    See Also
    --------
    abc_xyz, plot_abc_xyz_matrix

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"client_id": list("abcd"), "date": pd.Timestamp("2025-06-02"),
    ...                        "revenue": [50.0, 30.0, 15.0, 5.0]})
    >>> ax = plot_pareto(abc_xyz(orders, as_of="2025-06-30"))
    >>> [text.get_text() for text in ax.texts]  # cum shares .50, .80 | .95 | 1.0
    ['A: 2', 'B: 1', 'C: 1']
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    settings = _settings_of(result, "result")
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    ranked = result[result["abc"].isin(_abc_labels())].sort_values("cum_share", kind="mergesort")
    n = len(ranked)
    x = np.concatenate(([0.0], np.arange(1, n + 1) / n)) if n else np.array([0.0])
    y = np.concatenate(([0.0], ranked["cum_share"].to_numpy(dtype=float))) if n else np.array([0.0])
    a_cut, b_cut = settings["abc"]
    labels = _abc_labels()
    counts = ranked["abc"].value_counts()
    for (lo, hi), label, colour in zip(((0.0, a_cut), (a_cut, b_cut), (b_cut, 1.0)), labels, _BAND_COLOURS):
        ax.axhspan(lo, hi, color=colour, alpha=0.12, lw=0)
        ax.text(0.99, (lo + hi) / 2, f"{label}: {int(counts.get(label, 0))}", transform=ax.get_yaxis_transform(),
                ha="right", va="center", fontsize="small", color=colour)
    for cut in (a_cut, b_cut):
        ax.axhline(cut, color="grey", ls="--", lw=0.8)
    if len(x) > 4001:  # a monotone curve: 4,000 evenly spaced points draw the same line, fast
        keep = np.unique(np.linspace(0, len(x) - 1, 4001).astype(np.int64))
        x, y = x[keep], y[keep]
    ax.plot(x, y, color="black", lw=1.5, marker="o" if n <= 30 else None, ms=3)
    value_name = t(f"abc_plots.value_{settings['value']}")
    ax.set_xlim(0.0, 1.0)
    ax.set_ylim(0.0, 1.02)
    ax.set_xlabel(t("abc_plots.pareto_xlabel", value=value_name))
    ax.set_ylabel(t("abc_plots.pareto_ylabel", value=value_name))
    ax.set_title(t("abc_plots.pareto_title", value=value_name))
    from matplotlib.ticker import PercentFormatter

    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    return ax


def plot_abc_xyz_matrix(
    result_or_matrix: pd.DataFrame | AbcXyzMatrix,
    ax: Any = None,
    value: Literal["count", "share"] = "count",
) -> Any:
    """The 3×3 ABC-XYZ matrix as an annotated heatmap.

    Parameters
    ----------
    result_or_matrix : DataFrame or AbcXyzMatrix
        An :func:`abc_xyz` result or its :func:`abc_xyz_matrix`.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when not given.
    value : {"count", "share"}
        Colour and annotate by the number of clients (default) or by the share
        of value in each cell. Ranked clients with insufficient history are not
        in the 3×3 grid; the x-axis label says how many were left out.

    Returns
    -------
    matplotlib Axes

    Raises
    ------
    KamArgumentError
        ``value`` is neither "count" nor "share".

    See Also
    --------
    abc_xyz_matrix, plot_pareto

    Examples
    --------
    >>> import pandas as pd
    >>> orders = pd.DataFrame({"client_id": list("abcd"), "date": pd.Timestamp("2025-06-02"),
    ...                        "revenue": [50.0, 30.0, 15.0, 5.0]})
    >>> ax = plot_abc_xyz_matrix(abc_xyz(orders, as_of="2025-06-30", min_periods=1))
    >>> [text.get_text() for text in ax.texts][:3]
    ['2', '0', '0']
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    check_choice(value, "value", ("count", "share"))
    matrix = result_or_matrix if isinstance(result_or_matrix, AbcXyzMatrix) else abc_xyz_matrix(result_or_matrix)
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots()
    rows, cols = _abc_labels(), _xyz_labels()
    table = (matrix.counts if value == "count" else matrix.shares).loc[rows, cols].to_numpy(dtype=float)
    image = ax.imshow(table, cmap="Blues", vmin=0, vmax=max(float(table.max()), 1e-12))
    top = float(table.max()) if table.size else 0.0
    for i in range(len(rows)):
        for j in range(len(cols)):
            cell = table[i, j]
            text = f"{int(cell)}" if value == "count" else f"{cell:.1%}"
            ax.text(j, i, text, ha="center", va="center", color="white" if top and cell > top / 2 else "black")
    ax.set_xticks(range(len(cols)), cols)
    ax.set_yticks(range(len(rows)), rows)
    left_out = int(matrix.counts[t("abc.insufficient_history")].sum())
    ax.set_xlabel(t("abc_plots.matrix_xlabel_left_out", n=left_out) if left_out else t("abc_plots.matrix_xlabel"))
    value_name = t(f"abc_plots.value_{matrix.value}")
    ax.set_ylabel(t("abc_plots.matrix_ylabel", value=value_name))
    ax.set_title(t("abc_plots.matrix_title_count") if value == "count"
                 else t("abc_plots.matrix_title_share", value=value_name))
    image.set_label("abc_xyz_matrix")
    return ax

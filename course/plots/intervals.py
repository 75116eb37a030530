"""Figure for lesson 02: how the uncertainty of a measured accuracy shrinks with the number of examples."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from course.evals.stats import wilson_bounds
from course.plots.palette import OKABE_ITO

_STYLES = ("-", "--", "-.", ":")


def plot_interval_width(
    *,
    accuracies: tuple[float, ...] = (0.5, 0.8, 0.95),
    n_range: tuple[int, int] = (20, 1000),
    marks: tuple[int, ...] = (200, 500),
    confidence: float = 0.95,
) -> Figure:
    """± half-width (percentage points) of the Wilson interval against the number of examples.

    One line per true accuracy; vertical marks at the evaluation sizes the course recommends.
    """
    low, high = n_range
    if not 1 <= low < high:
        raise ValueError(f"n_range must be (low, high) with 1 <= low < high, got {n_range}.")
    sizes = np.geomspace(low, high, 200)
    fig = Figure(figsize=(7.5, 4.0), layout="constrained")
    ax = fig.subplots()
    for i, acc in enumerate(accuracies):
        bounds = [wilson_bounds(acc, n, confidence=confidence) for n in sizes]
        widths = [(high_ - low_) / 2 * 100 for low_, high_ in bounds]
        colour, style = OKABE_ITO[i % len(OKABE_ITO)], _STYLES[i % len(_STYLES)]
        ax.plot(sizes, widths, color=colour, ls=style, lw=2, label=f"true accuracy {acc:.0%}")
    for n in marks:
        ax.axvline(n, color="black", lw=0.8, ls=":")
        ax.annotate(
            f"{n} examples", (n, ax.get_ylim()[1] * 0.95), rotation=90, va="top", ha="right", fontsize=8
        )
    ax.set_xscale("log")
    ticks = [t for t in (10, 20, 50, 100, 200, 500, 1000, 2000, 5000) if low <= t <= high]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f}"))
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlabel("examples in the evaluation set (log scale)")
    ax.set_ylabel(f"± percentage points ({confidence:.0%} interval)")
    ax.set_title("How precisely N examples pin down an accuracy")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig

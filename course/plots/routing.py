"""Figure for lab 06: how sure the local model was when it was right or wrong, and what each router costs.

Left: the local model's confidence signal on each request, stacked by outcome (right, wrong, invalid
JSON), with the router's threshold. Right: accuracy against USD per 1,000 requests for the router at
each threshold, beside the all-local and all-API baselines.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from course.plots.palette import BLUE, GREEN, ORANGE, SKY_BLUE, VERMILION
from course.routing.router import PolicySummary, RoutedRequest

_BASELINE_STYLE = {"all local": (ORANGE, "s"), "all API": (BLUE, "D")}


def plot_router(
    *,
    local: Sequence[RoutedRequest],
    sweep: Sequence[tuple[float, PolicySummary]],
    baselines: Sequence[PolicySummary],
    threshold: float | None = None,
    signal: str = "min",
) -> Figure:
    """``local``: the all-local records (each carries its confidence); ``sweep``: (threshold, summary)."""
    fig = Figure(figsize=(10, 3.9), layout="constrained")
    hist, trade = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.15]})
    groups = {
        "right": [r.confidence for r in local if r.correct and r.confidence is not None],
        "wrong (valid JSON)": [
            r.confidence for r in local if not r.correct and r.answer_valid and r.confidence is not None
        ],
        "invalid JSON or schema": [
            r.confidence for r in local if not r.answer_valid and r.confidence is not None
        ],
    }
    values = [v for g in groups.values() for v in g]
    if values:
        bins = np.linspace(min(values), 0.0, 25)
        hist.hist(
            list(groups.values()),
            bins=bins,
            stacked=True,
            color=[GREEN, VERMILION, SKY_BLUE],
            label=list(groups),
        )
    if threshold is not None:
        hist.axvline(threshold, color="black", ls="--", lw=1.2, label=f"keep local above {threshold:g}")
    hist.set_xlabel(f"{signal} token log-probability of the local answer (0 = certain)")
    hist.set_ylabel("requests")
    hist.set_title("How sure was the local model?", fontsize="medium")
    hist.legend(fontsize="small", loc="upper left")
    hist.grid(alpha=0.3)

    xs = [s.usd_per_1k_requests for _, s in sweep]
    ys = [100 * s.accuracy for _, s in sweep]
    trade.plot(xs, ys, "-o", color=GREEN, label="router (labels: threshold)", zorder=3)
    for (t, s), x, y in zip(sweep, xs, ys):
        chosen = threshold is not None and t == threshold
        label = f"{t:g}: {s.local_share:.0%} local" if chosen else f"{t:g}"
        trade.annotate(
            label, (x, y), textcoords="offset points", xytext=(-6, 7), fontsize="x-small", ha="right"
        )
        if chosen:
            trade.scatter([x], [y], s=160, facecolors="none", edgecolors="black", zorder=4, label="chosen")
    for s in baselines:
        colour, marker = _BASELINE_STYLE.get(s.policy, (VERMILION, "^"))
        point = ([s.usd_per_1k_requests], [100 * s.accuracy])
        trade.scatter(*point, color=colour, marker=marker, s=70, zorder=4, label=s.policy)
    trade.set_xlabel("USD per 1,000 requests")
    trade.set_ylabel("correct answers (%)")
    trade.set_title("Blended cost and quality", fontsize="medium")
    trade.legend(fontsize="small", loc="best")
    trade.grid(alpha=0.3)
    return fig

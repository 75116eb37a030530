"""Figures for lesson 05: GPU memory by part against card sizes, and a latency budget by part.

Functions return :class:`matplotlib.figure.Figure` objects built without pyplot; colours are the
Okabe-Ito palette (distinct under colour-vision deficiencies).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from course.economics.sizing import VramEstimate
from course.plots.palette import BLACK, BLUE, ORANGE, SKY_BLUE, VERMILION
from course.teaching.latency_budget import LatencyBudget

_PART_COLOURS = {"weights": BLUE, "KV cache": ORANGE, "overhead": SKY_BLUE}
_LATENCY_COLOURS = {"network": VERMILION, "queue": SKY_BLUE, "prefill": ORANGE, "decode": BLUE}


def plot_vram(
    estimates: Sequence[VramEstimate],
    *,
    card_sizes_gb: Sequence[float] = (24, 48, 80),
    log_y: bool = False,
    title: str | None = None,
) -> Figure:
    """Stacked bars of weights + KV cache + overhead per estimate; dashed lines at common card sizes,
    and a black tick where article 003's "2 GB per billion parameters" rule would put it."""
    fig = Figure(figsize=(8.5, 4.2), layout="constrained")
    ax = fig.subplots()
    x = np.arange(len(estimates))
    bottom = np.zeros(len(estimates))
    for part, values in (
        ("weights", [e.weights_gb for e in estimates]),
        ("KV cache", [e.kv_cache_gb for e in estimates]),
        ("overhead", [e.overhead_gb for e in estimates]),
    ):
        ax.bar(x, values, bottom=bottom, color=_PART_COLOURS[part], label=part, width=0.6)
        bottom += np.asarray(values)
    ax.scatter(x, [e.source_003_rule_gb for e in estimates], marker="_", s=900, color=BLACK, lw=2.5, zorder=5)
    ax.scatter([], [], marker="_", s=200, color=BLACK, label='article 003: "2 GB per billion"')
    for size in card_sizes_gb:
        ax.axhline(size, color="grey", ls="--", lw=0.8)
        ax.text(len(estimates) - 0.45, size, f"{size:g} GB card", va="bottom", ha="right", fontsize="small")
    ax.set_xticks(x, [f"{e.model}\n{e.precision}" for e in estimates], fontsize="small")
    ax.set_ylabel("GB of GPU memory")
    if log_y:
        ax.set_yscale("log")
    ax.legend(loc="upper left", fontsize="small")
    ax.grid(axis="y", alpha=0.3, which="both")
    ax.set_title(title or "GPU memory = parameters × bits ÷ 8 + KV cache + overhead")
    return fig


def plot_latency_budget(budgets: Sequence[LatencyBudget], *, title: str | None = None) -> Figure:
    """Horizontal stacked bars of network, queue, prefill and decode seconds; the target as a line."""
    fig = Figure(figsize=(8.5, 0.7 * len(budgets) + 1.6), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(budgets))[::-1]
    left = np.zeros(len(budgets))
    for part, colour in _LATENCY_COLOURS.items():
        values = np.asarray([b.parts()[part] for b in budgets])
        ax.barh(y, values, left=left, color=colour, label=part, height=0.6)
        left += values
    for row, budget in zip(y, budgets, strict=True):
        if budget.target_s is not None:
            ax.plot([budget.target_s] * 2, [row - 0.4, row + 0.4], color=BLACK, lw=2)
    ax.plot([], [], color=BLACK, lw=2, label="target")
    ax.set_yticks(y, [f"{b.label}\n{b.concurrency} in flight" for b in budgets], fontsize="small")
    ax.set_xlabel("seconds for one request")
    fig.legend(loc="outside lower center", fontsize="small", ncols=5)
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title or "Where one request's seconds go")
    return fig

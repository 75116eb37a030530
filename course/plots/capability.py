"""Figure for lesson 02: article 003's capability gap by task, redrawn from the numbers it prints."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course.plots.palette import BLUE, ORANGE
from course.teaching.capability import CapabilityData, load_capability


def plot_capability_gap(data: CapabilityData | None = None) -> Figure:
    """Paired horizontal bars: best open model vs frontier, per task, sorted by the size of the gap."""
    data = data or load_capability()
    rows = sorted(data.source_003_gap, key=lambda g: g.closed_pct - g.open_pct)
    y = np.arange(len(rows))
    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.barh(
        y + 0.2,
        [g.closed_pct for g in rows],
        height=0.4,
        color=BLUE,
        label="frontier (GPT-4o / Claude Sonnet 4)",
    )
    ax.barh(
        y - 0.2,
        [g.open_pct for g in rows],
        height=0.4,
        color=ORANGE,
        hatch="//",
        label="open (Llama 3.3 70B)",
    )
    for i, g in enumerate(rows):
        ax.text(
            g.open_pct + 1,
            i - 0.2,
            f"−{g.closed_pct - g.open_pct:g} ({g.gap.lower()})",
            va="center",
            fontsize=8,
        )
    ax.set_yticks(y, [g.task for g in rows])
    ax.set_xlim(0, 110)
    ax.set_xlabel("relative benchmark score (%) as printed by article 003 — not an accuracy")
    ax.set_title("Where the gap is: small on retrieval and classification, large on agents")
    fig.legend(loc="outside lower center", ncols=2, fontsize=8)
    return fig

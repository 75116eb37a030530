"""Figure for lesson 06: cumulative cost of staying on a frontier model vs finding out and fine-tuning."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from course.plots.palette import BLACK, BLUE, ORANGE
from course.teaching.customisation import FineTuneBudget


def plot_payback(
    budget: FineTuneBudget,
    *,
    usd_per_request_now: float,
    requests: float,
    requests_per_day: float | None = None,
    title: str | None = None,
) -> Figure:
    """Cumulative USD against requests served: the frontier line from zero, the fine-tuned line from its
    one-off cost; the crossing (the payback) is marked. ``requests_per_day`` adds days to the x label."""
    fig = Figure(figsize=(8, 3.8), layout="constrained")
    ax = fig.subplots()
    xs = np.linspace(0, requests, 200)
    after = usd_per_request_now - budget.saving_usd_per_request
    ax.plot(xs, xs * usd_per_request_now, color=BLUE, lw=2, label="stay on the frontier model")
    ax.plot(xs, budget.total_usd + xs * after, color=ORANGE, lw=2, label="find out, then fine-tuned model")
    if np.isfinite(budget.payback_requests) and budget.payback_requests <= requests:
        x = budget.payback_requests
        ax.axvline(x, color=BLACK, ls="--", lw=1)
        when = f" (~{x / requests_per_day:,.0f} days)" if requests_per_day else ""
        ax.annotate(f"pays back after {x:,.0f} requests{when}", (x, x * usd_per_request_now),
                    xytext=(10, -25), textcoords="offset points", fontsize="small")  # fmt: skip
    ax.set_xlabel("requests served")
    ax.set_ylabel("cumulative USD")
    ax.legend(loc="upper left", fontsize="small")
    ax.grid(alpha=0.3)
    ax.set_title(title or "The cost of finding out, and when it pays back")
    return fig

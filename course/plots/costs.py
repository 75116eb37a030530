"""Figures for the cost model: cost vs volume with the break-even, a tornado of sensitivities, a hybrid sweep.

Functions return :class:`matplotlib.figure.Figure` objects built without pyplot (no global state);
a notebook shows one by ending a cell with it, a script saves it with ``fig.savefig(path)``.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from course.economics.costs import (
    DAYS_PER_MONTH,
    ApiPlan,
    SelfHostSetup,
    SensitivityReport,
    api_monthly_cost,
    break_even,
    hybrid_monthly_cost,
    hybrid_sweep,
    self_host_monthly_cost,
)

API_COLOUR, SELF_COLOUR, GAIN_COLOUR = "tab:blue", "tab:orange", "tab:green"


def _tokens_label(value: float, _pos: object = None) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:g}"


def _minor_tokens_label(value: float, _pos: object = None) -> str:
    """Label only the 2x and 5x minor ticks of a log axis (the rest would crowd)."""
    leading = value / 10 ** math.floor(math.log10(value)) if value > 0 else 0
    return _tokens_label(value) if round(leading, 6) in (2, 5) else ""


def _usd_label(value: float, _pos: object = None) -> str:
    return f"${value / 1e3:g}K" if value >= 1e4 else f"${value:,.0f}"


def plot_cost_vs_volume(
    plan: ApiPlan,
    setup: SelfHostSetup,
    *,
    tokens_per_day_range: tuple[float, float] = (1e4, 1e9),
    points: int = 300,
    days_per_month: float = DAYS_PER_MONTH,
    log_y: bool = True,
    title: str | None = None,
) -> Figure:
    """Monthly cost of both sides against tokens/day (log x), with the break-even marked.

    Shaded spans are the volumes where self-hosting is no dearer; the self-hosted curve steps up each
    time a replica is added.
    """
    low, high = tokens_per_day_range
    if not 0 < low < high:
        raise ValueError(
            f"tokens_per_day_range must be (low, high) with 0 < low < high, got {tokens_per_day_range}."
        )
    volumes = set(np.geomspace(low, high, points))
    if not setup.scale_to_zero:  # draw each step as a vertical jump
        cap = setup.capacity_tokens_per_day_per_replica
        for n in range(1, min(math.floor(high / cap), 2_000) + 1):
            if low <= n * cap <= high:
                volumes |= {n * cap, n * cap * (1 + 1e-9)}
    xs = np.array(sorted(volumes))
    api = [api_monthly_cost(plan, v, days_per_month=days_per_month).usd_per_month for v in xs]
    own = [self_host_monthly_cost(setup, v, days_per_month=days_per_month).usd_per_month for v in xs]

    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.plot(xs, api, color=API_COLOUR, lw=2, label=f"{plan.label} (API)")
    ax.plot(xs, own, color=SELF_COLOUR, lw=2, label=f"{setup.label} (self-hosted)")
    found = break_even(plan, setup, days_per_month=days_per_month)
    for start, end in found.windows:
        if start < high and end > low:
            ax.axvspan(max(start, low), min(end, high), color=GAIN_COLOUR, alpha=0.08)
    if found.tokens_per_day is not None and low <= found.tokens_per_day <= high:
        x = found.tokens_per_day
        y = api_monthly_cost(plan, x, days_per_month=days_per_month).usd_per_month
        ax.axvline(x, color="black", ls="--", lw=1)
        ax.plot([x], [y], "o", color="black", zorder=5)
        ax.annotate(
            f"break-even\n{_tokens_label(x)} tokens/day\n{_usd_label(y)}/month",
            (x, y),
            xytext=(8, -40),
            textcoords="offset points",
            fontsize="small",
        )
    else:
        ax.text(0.02, 0.95, found.reason, transform=ax.transAxes, fontsize="small", va="top", wrap=True)
    ax.set_xscale("log")
    if log_y:
        ax.set_yscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(_tokens_label))
    ax.yaxis.set_major_formatter(FuncFormatter(_usd_label))
    ax.set_xlabel("tokens per day (input + output, log scale)")
    ax.set_ylabel("USD per month" + (" (log scale)" if log_y else ""))
    ax.grid(alpha=0.3, which="both")
    ax.legend(
        loc="upper left", fontsize="small", bbox_to_anchor=(0, 0.85) if found.tokens_per_day is None else None
    )
    ax.set_title(title or f"Monthly cost vs volume ({days_per_month:g}-day month)")
    return fig


def plot_tornado(report: SensitivityReport, *, title: str | None = None) -> Figure:
    """Break-even volume when each assumption moves down (left colour) and up (right colour).

    Widest bar first. A hatched bar running to the edge means no break-even at that value.
    """
    rows = report.rows
    fig = Figure(figsize=(7.5, 0.45 * max(len(rows), 2) + 1.4), layout="constrained")
    ax = fig.subplots()
    base = report.base_tokens_per_day
    title = title or f"Break-even sensitivity (each assumption ±{report.swing:.0%})"
    ax.set_title(title)
    if base is None or base <= 0 or not rows:
        ax.text(0.5, 0.5, "No break-even at the base assumptions: nothing to vary around.", ha="center")
        ax.set_axis_off()
        return fig
    finite = [v for r in rows for v in (r.tokens_per_day_at_low, r.tokens_per_day_at_high) if v]
    left = min([base, *finite]) / 2
    right = max([base, *finite]) * 2
    for y, row in enumerate(reversed(rows)):
        for value, colour, name in (
            (row.tokens_per_day_at_low, "tab:purple", f"-{report.swing:.0%}"),
            (row.tokens_per_day_at_high, "tab:cyan", f"+{report.swing:.0%}"),
        ):
            end = right if value is None else max(value, left)
            ax.barh(
                y,
                end - base,
                left=base,
                color=colour,
                alpha=0.8,
                hatch="//" if value is None else None,
                label=name if y == 0 else None,
            )
            if value is None:
                ax.text(end, y, " none", va="center", fontsize="x-small")
    ax.set_yticks(
        range(len(rows)),
        [f"{r.label} ({_short(r.low_value)}–{_short(r.high_value)})" for r in reversed(rows)],
    )
    ax.axvline(base, color="black", lw=1)
    ax.set_xscale("log")
    ax.set_xlim(left, right * 1.5)
    ax.xaxis.set_major_formatter(FuncFormatter(_tokens_label))
    ax.xaxis.set_minor_formatter(FuncFormatter(_minor_tokens_label))
    ax.set_xlabel(f"break-even tokens/day (base {_tokens_label(base)})")
    ax.legend(fontsize="small", loc="lower right", title="assumption moved")
    ax.grid(axis="x", alpha=0.3, which="both")
    return fig


def _short(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:,.0f}"


def plot_hybrid(
    plan: ApiPlan,
    setup: SelfHostSetup,
    tokens_per_day: float,
    *,
    days_per_month: float = DAYS_PER_MONTH,
    title: str | None = None,
) -> Figure:
    """Blended monthly cost against the share of tokens self-hosted, cheapest share marked."""
    swept = {
        h.self_host_share for h in hybrid_sweep(plan, setup, tokens_per_day, days_per_month=days_per_month)
    }
    swept |= {s + 1e-9 for s in swept if s < 1}  # draw each added replica as a vertical jump
    sweep = [
        hybrid_monthly_cost(plan, setup, tokens_per_day, self_host_share=s, days_per_month=days_per_month)
        for s in sorted(swept)
    ]
    shares = [h.self_host_share for h in sweep]
    fig = Figure(figsize=(7.5, 4.0), layout="constrained")
    ax = fig.subplots()
    ax.stackplot(
        shares,
        [h.api_usd_per_month for h in sweep],
        [h.self_host_usd_per_month for h in sweep],
        labels=[f"{plan.label} (API part)", f"{setup.label} (self-hosted part)"],
        colors=[API_COLOUR, SELF_COLOUR],
        alpha=0.6,
    )
    best = min(sweep, key=lambda h: h.usd_per_month)
    ax.plot([best.self_host_share], [best.usd_per_month], "o", color="black")
    ax.annotate(
        f"cheapest: {best.self_host_share:.0%} self-hosted\n{_usd_label(best.usd_per_month)}/month "
        f"({best.self_host_gpus} GPUs)",
        (best.self_host_share, best.usd_per_month),
        xytext=(10, 20),
        textcoords="offset points",
        fontsize="small",
    )
    ax.set_xlabel("share of tokens self-hosted")
    ax.set_ylabel("USD per month")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.yaxis.set_major_formatter(FuncFormatter(_usd_label))
    ax.legend(fontsize="small", loc="upper left")
    ax.grid(alpha=0.3)
    ax.set_title(title or f"Hybrid blend at {_tokens_label(tokens_per_day)} tokens/day")
    return fig

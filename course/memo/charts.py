"""The memo's two figures, drawn only from what was saved: speed (labs 01-03) and cost (labs 04-05).

Built without pyplot (no global state); colours from :mod:`course.plots.palette`. A panel whose lab
is missing is left out, and a figure with no panel at all is not drawn (None).
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from course.economics.costs import api_monthly_cost, self_host_monthly_cost
from course.labs.results import Lab01Headline, Lab02Headline, Lab03Headline, Lab04Headline, Lab05Headline
from course.memo.cost import api_plan, self_host_setup
from course.memo.numbers import tokens
from course.plots.palette import BLACK, BLUE, GREEN, ORANGE, VERMILION

LOCAL, API, REAL_API = BLUE, ORANGE, GREEN


def _panels(n: int, height: float = 2.6) -> tuple[Figure, list[Axes]]:
    fig = Figure(figsize=(3.4 * n + 0.4, height), layout="constrained")
    return fig, list(fig.subplots(1, n, squeeze=False)[0])


def _bars(ax: Axes, labels: list[str], values: list[float], colours: list[str], fmt: str) -> None:
    bars = ax.bar(range(len(values)), values, color=colours)
    ax.bar_label(bars, labels=[fmt.format(v) for v in values], fontsize="x-small", padding=2)
    wrapped = [textwrap.fill(label, 18) for label in labels]
    ax.set_xticks(range(len(values)), wrapped, fontsize="x-small")
    ax.set_ylim(0, max(values) * 1.25 if values and max(values) > 0 else 1)
    ax.grid(axis="y", alpha=0.3)


def speed_chart(
    lab01: Lab01Headline | None, lab02: Lab02Headline | None, lab03: Lab03Headline | None
) -> Figure | None:
    """TTFT p50 and one stream's tokens/s per side (labs 02, 01); aggregate tokens/s vs load (lab 03)."""
    n = (2 if lab02 else 1 if lab01 else 0) + (1 if lab03 else 0)
    if n == 0:
        return None
    fig, axes = _panels(n)
    k = 0
    if lab02:
        sides = [("local (lab 02)", lab02.local_ttft_p50_s, lab02.local_tpot_p50_s, LOCAL)]
        sides.append(("API stand-in", lab02.api_ttft_p50_s, lab02.api_tpot_p50_s, API))
        if lab02.real_api_ttft_p50_s is not None and lab02.real_api_tpot_p50_s is not None:
            sides.append(("real API", lab02.real_api_ttft_p50_s, lab02.real_api_tpot_p50_s, REAL_API))
        _bars(axes[0], [s[0] for s in sides], [s[1] * 1000 for s in sides], [s[3] for s in sides], "{:.3g}")
        axes[0].set_title("Time to first token, p50 (lab 02)", fontsize="small")
        axes[0].set_ylabel("ms")
        labels, values, colours = [s[0] for s in sides], [1 / s[2] for s in sides], [s[3] for s in sides]
        k = 1
    else:
        labels, values, colours = [], [], []
    if lab01:
        labels.insert(0, "local (lab 01)")
        values.insert(0, lab01.decode_tokens_per_s)
        colours.insert(0, LOCAL)
    if labels:
        _bars(axes[k], labels, values, colours, "{:,.0f}")
        axes[k].set_title("One stream's output speed", fontsize="small")
        axes[k].set_ylabel("tokens/s (1 ÷ TPOT)")
        k += 1
    if lab03:
        levels = sorted(lab03.levels, key=lambda level: level.concurrency)
        conc = [level.concurrency for level in levels]
        ax = axes[k]
        ax.plot(conc, [level.output_tokens_per_s for level in levels], marker="o", color=LOCAL)
        ax.set_xscale("log", base=2)
        ax.set_xticks(conc, [str(c) for c in conc])
        ax.minorticks_off()
        ax.set_ylim(bottom=0)
        ax.set_xlabel("requests in flight")
        ax.set_ylabel("aggregate tokens/s")
        ax.set_title(f"Throughput under load (lab 03)\n{lab03.server}", fontsize="small")
        ax.grid(alpha=0.3)
    return fig


def cost_chart(
    lab04: Lab04Headline | None, lab05: Lab05Headline | None, *, tokens_per_day: float | None
) -> Figure | None:
    """Monthly cost vs volume, break-even and your volume marked (lab 04); USD per correct answer (lab 05)."""
    setup = self_host_setup(lab04) if lab04 else None
    priced = [(s, usd) for s in lab05.sides if (usd := s.usd_per_correct_answer) is not None] if lab05 else []
    n = (1 if setup else 0) + (1 if priced else 0)
    if n == 0:
        return None
    fig, axes = _panels(n, height=2.8)
    k = 0
    if lab04 and setup:
        plan, ax = api_plan(lab04), axes[0]
        marks = [v for v in (tokens_per_day, lab04.break_even_tokens_per_day) if v]
        xs = np.geomspace(min([1e5, *(v / 10 for v in marks)]), max([1e9, *(v * 10 for v in marks)]), 240)
        ax.plot(xs, [api_monthly_cost(plan, v).usd_per_month for v in xs], color=API, label=lab04.api_model)
        own = [self_host_monthly_cost(setup, v).usd_per_month for v in xs]
        ax.plot(xs, own, color=LOCAL, label=f"self-hosted, {lab04.gpu}")
        if lab04.break_even_tokens_per_day:
            ax.axvline(lab04.break_even_tokens_per_day, color=VERMILION, ls="--", lw=1, label="break-even")
        if tokens_per_day:
            ax.axvline(tokens_per_day, color=BLACK, lw=1.2, label=f"your volume ({tokens(tokens_per_day)})")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: tokens(v)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: tokens(v) if v >= 1000 else f"{v:g}"))
        ax.set_xlabel("tokens per day")
        ax.set_ylabel("USD per month")
        ax.set_title("Monthly cost vs volume (lab 04)", fontsize="small")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize="xx-small", loc="upper left")
        k = 1
    if priced:
        colours = [API if s.side == "API" else LOCAL for s, _ in priced]
        labels = [f"{s.label}: {s.accuracy * 100:.0f}% right" for s, _ in priced]
        values = [usd * 1000 for _, usd in priced]
        _bars(axes[k], labels, values, colours, "{:.3g}")
        axes[k].set_ylabel("USD per 1,000 correct answers")
        axes[k].set_title("Cost per correct answer (lab 05)", fontsize="small")
    return fig

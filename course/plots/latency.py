"""Figures for timing runs: latency percentiles per backend, and throughput/latency vs concurrency.

Functions return :class:`matplotlib.figure.Figure` objects built without pyplot (no global state,
safe in scripts and threads); a notebook shows one by ending a cell with it, a script saves it
with ``fig.savefig(path)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, TypeVar

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from course.measure.metrics import RequestMetrics
from course.measure.summary import PERCENTILES, LatencySummary, metric_values, percentile
from course.measure.sweep import RepeatedSweeps

METRIC_TITLES = {"ttft": "TTFT", "tpot": "TPOT", "itl": "ITL", "e2e": "E2E"}
T = TypeVar("T")


def _as_series(data: Mapping[str, Sequence[T]] | Sequence[T], default: str) -> dict[str, Sequence[T]]:
    return dict(data) if isinstance(data, Mapping) else {default: data}


def plot_latency_percentiles(
    requests: Mapping[str, Sequence[RequestMetrics]] | Sequence[RequestMetrics],
    *,
    metrics: Sequence[str] = ("ttft", "tpot", "itl", "e2e"),
    title: str | None = None,
) -> Figure:
    """One panel per metric, bars for p50/p90/p99 in ms; pass ``{label: requests}`` to compare backends."""
    series = _as_series(requests, "requests")
    fig = Figure(figsize=(3.2 * len(metrics), 3.4), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    width = 0.8 / max(len(series), 1)
    x = np.arange(len(PERCENTILES))
    for ax, metric in zip(axes, metrics, strict=True):
        for i, (label, reqs) in enumerate(series.items()):
            values = metric_values(list(reqs), metric)
            heights = [percentile(values, q) * 1000 for q in PERCENTILES]
            ax.bar(x + (i - (len(series) - 1) / 2) * width, heights, width, label=label)
        ax.set_xticks(x, [f"p{q}" for q in PERCENTILES])
        ax.set_title(METRIC_TITLES.get(metric, metric))
        ax.set_ylabel("ms")
        ax.grid(axis="y", alpha=0.3)
    if len(series) > 1:
        axes[0].legend(fontsize="small")
    if title:
        fig.suptitle(title)
    return fig


def plot_concurrency(
    levels: Mapping[str, Sequence[LatencySummary]] | Sequence[LatencySummary],
    *,
    title: str | None = None,
) -> Figure:
    """Left: aggregate output tokens/s (and goodput) vs concurrency. Right: TTFT/TPOT/E2E p50 and p90.

    Pass ``{label: levels}`` to compare servers (e.g. llama-server vs llama_cpp.server).
    """
    series = _as_series(levels, "")
    fig = Figure(figsize=(11, 4), layout="constrained")
    ax_tput, ax_lat = fig.subplots(1, 2)
    ax_good = None
    markers = "osD^v"
    all_levels: set[int] = set()
    for i, (label, summaries) in enumerate(series.items()):
        rows = sorted(summaries, key=lambda s: s.concurrency or 0)
        conc = [s.concurrency for s in rows]
        all_levels.update(c for c in conc if c)
        prefix = f"{label}: " if label else ""
        marker = markers[i % len(markers)]
        tput = [s.output_tokens_per_s for s in rows]
        ax_tput.plot(conc, tput, marker=marker, color=f"C{i}", label=f"{prefix}output tok/s")
        if any(s.goodput_requests_per_s is not None for s in rows):
            ax_good = ax_good or ax_tput.twinx()
            good = [s.goodput_requests_per_s for s in rows]
            ax_good.plot(
                conc, good, marker=marker, linestyle=":", color=f"C{i}", alpha=0.5, label=f"{prefix}goodput"
            )
        for colour, (metric, style) in enumerate((("ttft", "-"), ("tpot", "--"), ("e2e", "-."))):
            for q, alpha in ((50, 1.0), (90, 0.4)):
                values = [getattr(s, f"{metric}_p{q}_s") * 1000 for s in rows]
                ax_lat.plot(
                    conc,
                    values,
                    marker=marker,
                    linestyle=style,
                    color=f"C{colour + 3 * i}",
                    alpha=alpha,
                    label=f"{prefix}{METRIC_TITLES[metric]} p{q}",
                )
    _concurrency_axes((ax_tput, ax_lat), all_levels, legend_loc="upper left")
    if ax_good is not None:
        ax_good.set_ylabel("goodput: requests/s meeting the SLO (dotted)")
        ax_good.set_ylim(bottom=0)
        ax_good.legend(fontsize="x-small", loc="lower right")
    ax_tput.set_ylabel("aggregate output tokens/s")
    ax_tput.set_ylim(bottom=0)
    ax_lat.set_ylabel("latency (ms, log scale)")
    ax_lat.set_yscale("log")
    ax_tput.set_title("Throughput")
    ax_lat.set_title("Latency percentiles (p90 faded)")
    if title:
        fig.suptitle(title)
    return fig


def plot_concurrency_repeats(sweeps: RepeatedSweeps, *, title: str | None = None) -> Figure:
    """Repeated sweeps: median aggregate throughput with its min–max band (left), TTFT and TPOT p50 (right).

    One colour per server; the band is the range over the repeats, so two servers whose bands overlap at a
    level cannot be told apart there. The right panel keeps to two p50 lines per server (TTFT solid, TPOT
    dashed) so its legend stays readable.
    """
    fig = Figure(figsize=(11, 4), layout="constrained")
    ax_tput, ax_lat = fig.subplots(1, 2)
    ticks: set[int] = set()
    for i, (label, sweep) in enumerate(sweeps.sweeps.items()):
        levels = sweep.levels()
        conc = [s.concurrency for s in levels]
        ticks.update(conc)
        colour = f"C{i}"
        tput = [s.output_tokens_per_s for s in levels]
        ax_tput.fill_between(conc, [t.low for t in tput], [t.high for t in tput], color=colour, alpha=0.2)
        ax_tput.plot(
            conc, [t.median for t in tput], marker="o", color=colour, label=f"{label} (median, range)"
        )
        ax_lat.plot(
            conc,
            [s.ttft_p50_s.median * 1000 for s in levels],
            marker="o",
            color=colour,
            label=f"{label}: TTFT p50",
        )
        ax_lat.plot(
            conc,
            [s.tpot_p50_s.median * 1000 for s in levels],
            marker="s",
            linestyle="--",
            color=colour,
            label=f"{label}: TPOT p50",
        )
    _concurrency_axes((ax_tput, ax_lat), ticks, legend_loc="best")
    ax_tput.set_ylabel("aggregate output tokens/s")
    ax_tput.set_ylim(bottom=0)
    ax_tput.set_title("Throughput: median of the repeats, band = min–max")
    ax_lat.set_ylabel("ms (log scale), medians of the repeats")
    ax_lat.set_yscale("log")
    ax_lat.set_title("Latency p50: TTFT (solid), TPOT (dashed)")
    if title:
        fig.suptitle(title)
    return fig


def _concurrency_axes(
    axes: Iterable[Axes], levels: Iterable[int], *, legend_loc: Literal["upper left", "best"]
) -> None:
    """Concurrency on a log-2 x axis with a tick at each level measured, a light grid and a small legend."""
    ticks = sorted(set(levels))
    for ax in axes:
        ax.set_xlabel("requests in flight (concurrency)")
        ax.set_xscale("log", base=2)
        ax.set_xticks(ticks, [str(t) for t in ticks])
        ax.minorticks_off()
        ax.grid(alpha=0.3)
        ax.legend(fontsize="x-small", loc=legend_loc)

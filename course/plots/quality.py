"""Figures for quality on a workload: accuracy per side, task and difficulty, with Wilson intervals."""

from __future__ import annotations

from collections.abc import Iterable

from matplotlib.figure import Figure

from course.evals.runner import ItemResult
from course.evals.stats import accuracy_interval
from course.plots.palette import OKABE_ITO


def accuracy_by_group_figure(results: Iterable[ItemResult], *, title: str | None = None) -> Figure:
    """One group of bars per (task, difficulty), one bar per side, whiskers = Wilson 95% intervals.

    Plain and constrained runs of one side are separate bars (the label says which).
    """
    rows = list(results)
    sides = list(dict.fromkeys((r.backend, r.constrained) for r in rows))
    groups = list(dict.fromkeys((r.task, r.difficulty) for r in rows))
    fig = Figure(figsize=(max(8, 2.2 * len(groups)), 3.8), layout="constrained")
    ax = fig.subplots()
    width = 0.8 / max(len(sides), 1)
    for k, (side, constrained) in enumerate(sides):
        heights, low_err, high_err = [], [], []
        for task, difficulty in groups:
            sel = [
                r
                for r in rows
                if (r.backend, r.constrained, r.task, r.difficulty) == (side, constrained, task, difficulty)
            ]
            if not sel:
                heights.append(0.0)
                low_err.append(0.0)
                high_err.append(0.0)
                continue
            iv = accuracy_interval(sum(r.correct for r in sel), len(sel))
            heights.append(100 * iv.accuracy)
            # rounding can put a bound a hair past the accuracy (0/n, n/n): never a negative whisker
            low_err.append(max(0.0, 100 * (iv.accuracy - iv.low)))
            high_err.append(max(0.0, 100 * (iv.high - iv.accuracy)))
        xs = [g + (k - (len(sides) - 1) / 2) * width for g in range(len(groups))]
        label = f"{side}, constrained" if constrained else side
        ax.bar(xs, heights, width, yerr=[low_err, high_err], capsize=3, label=label, color=OKABE_ITO[k % 8])
    ax.set_xticks(range(len(groups)), [f"{task}\n{difficulty}" for task, difficulty in groups])
    ax.set_ylabel("correct answers (%)")
    ax.set_ylim(0, 105)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize="x-small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(title or "Accuracy by task and difficulty, with Wilson 95% intervals")
    return fig

"""Figure for lesson 07: a migration week by week, traffic share on the open model and the gate's calls."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from course.migration import WeekRow
from course.plots.palette import BLUE, GREEN, ORANGE, VERMILION

_ACTION_COLOURS = {"advance": GREEN, "hold": ORANGE, "roll back": VERMILION}
_ACTION_MARKERS = {"advance": "o", "hold": "s", "roll back": "X"}


def plot_migration(rows: Sequence[WeekRow], *, title: str | None = None) -> Figure:
    """Share of live traffic the open model answers each week; markers show the gate's decision.

    With priced rows a second panel shows each week's spend on the two paths.
    """
    priced = all(r.api_usd is not None for r in rows)
    fig = Figure(figsize=(8.5, 5.6 if priced else 3.6), layout="constrained")
    axes = fig.subplots(2 if priced else 1, 1, sharex=True, squeeze=False)[:, 0]
    weeks = [r.week for r in rows]
    ax = axes[0]
    ax.step(weeks, [r.open_share * 100 for r in rows], where="mid", color=BLUE, lw=2)
    for action, colour in _ACTION_COLOURS.items():
        picked = [r for r in rows if r.action == action]
        ax.scatter(
            [r.week for r in picked],
            [r.open_share * 100 for r in picked],
            color=colour,
            marker=_ACTION_MARKERS[action],
            s=60,
            zorder=5,
            label=f"gate: {action}",
        )
    for r in rows:
        if r.phase == "shadow":
            ax.axvspan(r.week - 0.5, r.week + 0.5, color="grey", alpha=0.12, lw=0)
    ax.set_ylabel("% of traffic answered\nby the open model")
    ax.set_ylim(-5, 105)
    ax.legend(loc="upper left", fontsize="small")
    ax.grid(alpha=0.3)
    if priced:
        cost = axes[1]
        api = [r.api_usd or 0.0 for r in rows]
        own = [r.self_host_usd or 0.0 for r in rows]
        cost.bar(weeks, api, color=BLUE, label="API")
        cost.bar(weeks, own, bottom=api, color=ORANGE, label="self-hosted")
        cost.set_ylabel("USD per week")
        cost.legend(loc="upper left", fontsize="small")
        cost.grid(axis="y", alpha=0.3)
    axes[-1].set_xlabel("week (shaded: shadow, the open model sees a copy of every request)")
    axes[-1].set_xticks(weeks)
    fig.suptitle(title or "Shadow → canary → gradual → full, one gate a week")
    return fig

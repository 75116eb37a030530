"""Figures of a migration: lesson 07's week by week, and lab 06's replayed day (a gate every few hours)."""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from course.plots.palette import BLACK, BLUE, GREEN, ORANGE, VERMILION
from course.routing.migration import WeekRow
from course.routing.migration_replay import MigrationReplay

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


def plot_migration_replay(replay: MigrationReplay, *, title: str | None = None) -> Figure:
    """A replayed day: share on the open path and on the local model, quality against the gate, cost.

    Top: the planned share of live requests on the open path (step line, the gate's decision at each
    window's end) and the share the local model actually answered. Middle: the open path's accuracy
    and the API's on the same requests, with the gate's floor. Bottom: each window's spend.
    """
    windows = replay.windows
    fig = Figure(figsize=(9, 7.2), layout="constrained")
    share, quality, cost = fig.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [1.2, 1, 0.9]})
    edges = [w.start_h for w in windows] + [windows[-1].end_h]
    planned = [100 * w.open_share for w in windows]
    share.stairs(planned, edges, baseline=None, color=BLUE, lw=2, label="planned share on the open path")
    mids = [(w.start_h + w.end_h) / 2 for w in windows]
    share.plot(mids, [100 * w.local_answered_share for w in windows], "-o", color=ORANGE, ms=4,
               label="answered by the local model")  # fmt: skip
    for action, colour in _ACTION_COLOURS.items():
        picked = [w for w in windows if w.action == action]
        share.scatter([w.end_h for w in picked], [100 * w.open_share for w in picked], color=colour,
                      marker=_ACTION_MARKERS[action], s=55, zorder=5, label=f"gate: {action}")  # fmt: skip
    for w in windows:
        if w.phase == "shadow":
            for ax in (share, quality, cost):
                ax.axvspan(w.start_h, w.end_h, color="grey", alpha=0.12, lw=0)
    share.set_ylabel("% of requests")
    share.set_ylim(-5, 105)
    share.legend(loc="upper left", fontsize="x-small", ncols=2)

    judged = [  # (end, open model's quality, API's quality) of the windows with both judged
        (w.end_h, q_open, q_api)
        for w in windows
        if (q_open := w.quality_open) is not None and (q_api := w.quality_api) is not None
    ]
    ends = [end for end, _, _ in judged]
    quality.plot(ends, [100 * q_open for _, q_open, _ in judged], "-o", color=BLUE, ms=4,
                 label=f"{replay.open_label} (requests it saw at the step)")  # fmt: skip
    quality.plot(ends, [100 * q_api for _, _, q_api in judged], "-s", color=BLACK, ms=4,
                 label="API on the same requests")  # fmt: skip
    floor = [100 * q_api * (1 - replay.gate.max_quality_drop) for _, _, q_api in judged]
    quality.plot(
        ends, floor, "--", color=VERMILION, label=f"gate: at most {replay.gate.max_quality_drop:.0%} below"
    )
    quality.set_ylabel("correct answers (%)")
    quality.legend(loc="lower left", fontsize="x-small")

    width = [0.85 * (w.end_h - w.start_h) for w in windows]
    api = [w.api_usd for w in windows]
    cost.bar(mids, api, width=width, color=BLUE, label="API (answers and fallbacks)")
    cost.bar(mids, [w.local_usd for w in windows], width=width, bottom=api, color=ORANGE, label="local model")
    cost.set_ylabel("USD per window")
    cost.legend(loc="upper left", fontsize="x-small")
    cost.set_xlabel("hour of the day (shaded: shadow, the open path answers a copy of every request)")
    cost.set_xticks(edges)
    for ax in (share, quality, cost):
        ax.grid(alpha=0.3)
    fig.suptitle(title or f"A day replayed: shadow → canary → gradual → full ({replay.open_label})")
    return fig

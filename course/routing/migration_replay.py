"""Replay a recorded day of traffic through article 004's migration, with a quality gate every few hours.

A day of traffic (:func:`record_day`): requests drawn (seeded) from the items measured in lab 06, each
with an arrival time over 24 hours (busier in working hours) and what both paths answered it: the
**open path** (the local model alone, or the router with the API as its fallback) and the **API**.
It is saved and reloaded as JSON Lines (:func:`save_traffic`, :func:`load_traffic`).

:func:`replay_migration` walks article 004's plan (:func:`course.routing.migration.migration_plan`, with
windows of hours standing in for its weeks) over that day. In each window the current step's share of requests
goes to the open path (shadow: none, it gets a copy of every request); at the window's end the gate
(:func:`course.routing.migration.check_gate`) compares the open path with the API on the requests the open
path saw at this step, paired (the API's recorded answers to the same requests, as a shadow A/B sample
would give), and advances, holds (too few requests yet, or the step's minimum windows) or rolls back
one step (:class:`course.routing.migration.PlanWalk`). The API stays configured throughout: it answers what
the open path does not take, and whatever the open path's own router escalates.
"""

from __future__ import annotations

import dataclasses
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from course.errors import ConfigError, DataError
from course.io import read_jsonl, write_text_atomically
from course.measure.summary import percentile
from course.routing.migration import (
    Gate,
    GateResult,
    PlanWalk,
    Step,
    WeekMetrics,
    check_gate,
    migration_plan,
)

if TYPE_CHECKING:
    import pandas as pd

    from course.routing.router import RoutedRequest

#: Relative traffic per hour of the day (00-23): a support desk, quiet at night, busiest 10:00-16:00.
HOURLY_WEIGHTS = (1, 1, 1, 1, 1, 2, 3, 5, 8, 10, 11, 11, 10, 11, 11, 10, 8, 6, 5, 4, 3, 2, 2, 1)


@dataclass(frozen=True)
class TrafficRequest:
    """One request of the recorded day: when it arrived, and how each path answered it (as measured)."""

    request_id: str
    item_id: str
    arrived_h: float  # hours after midnight
    open_correct: bool
    open_local: bool  # the local model gave the open path's answer (False: its router fell back)
    open_malformed: bool  # the local model's answer was given and was not JSON that follows the schema
    open_latency_s: float
    open_local_usd: float
    open_api_usd: float  # what the open path's own fallback to the API cost
    api_correct: bool
    api_latency_s: float
    api_usd: float


def record_day(
    open_path: Sequence[RoutedRequest],
    api_path: Sequence[RoutedRequest],
    *,
    n_requests: int = 5000,
    seed: int = 0,
) -> list[TrafficRequest]:
    """A day of ``n_requests`` requests drawn with replacement from the measured items, in arrival order.

    ``open_path`` and ``api_path`` are the routed records of the same items (e.g. the router's replay
    and the all-API baseline). At temperature 0 a repeated item gets its measured answer again.
    """
    if isinstance(n_requests, bool) or not isinstance(n_requests, int) or n_requests < 1:
        raise ConfigError(f"n_requests is {n_requests!r}.", fix="Pass a whole number of requests, 1 or more.")
    opened = {r.request_id: r for r in open_path}
    api = {r.request_id: r for r in api_path}
    if not opened or set(opened) != set(api):
        raise ConfigError(
            "The open path and the API path must hold records of the same requests.",
            fix="Replay both on the same items (e.g. replay_router and replay_all_api).",
        )
    if any(r.correct is None for r in (*opened.values(), *api.values())):
        raise ConfigError(
            "Some records have no score.", fix="Record the day from scored (replayed) requests."
        )
    rng = random.Random(seed)
    ids = sorted(opened)
    hours = rng.choices(range(24), weights=HOURLY_WEIGHTS, k=n_requests)
    arrivals = sorted(h + rng.random() for h in hours)
    day = []
    for n, arrived in enumerate(arrivals, start=1):
        item = rng.choice(ids)
        o, a = opened[item], api[item]
        day.append(
            TrafficRequest(
                request_id=f"req-{n:06d}",
                item_id=item,
                arrived_h=round(arrived, 5),
                open_correct=bool(o.correct),
                open_local=o.route == "local",
                open_malformed=o.route == "local" and not o.answer_valid,
                open_latency_s=o.latency_s,
                open_local_usd=o.local_usd,
                open_api_usd=o.api_usd,
                api_correct=bool(a.correct),
                api_latency_s=a.latency_s,
                api_usd=a.usd,
            )
        )
    return day


def save_traffic(traffic: Sequence[TrafficRequest], path: str | Path) -> Path:
    """One JSON object a line; replaces the file atomically (a reader never sees half a day)."""
    text = "".join(json.dumps(dataclasses.asdict(request)) + "\n" for request in traffic)
    return write_text_atomically(path, text)


_FIELDS = {f.name: f.type for f in dataclasses.fields(TrafficRequest)}
_FIX = "Record the day again with record_day() and save_traffic() (lab 06, section 5)."


def load_traffic(path: str | Path) -> list[TrafficRequest]:
    """A day saved by :func:`save_traffic`; a bad line raises :class:`DataError` naming it."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"No traffic file at {path}.", fix=_FIX)
    traffic = []
    # saved whole and atomically by save_traffic: a broken last line is damage, not a killed writer
    for line in read_jsonl(path, on_torn_tail="error", fix=_FIX):
        if set(line.data) != set(_FIELDS):
            raise DataError(
                f"{path.name} line {line.line} has the fields {sorted(line.data)}, not {sorted(_FIELDS)}.",
                fix=_FIX,
            )
        traffic.append(TrafficRequest(**line.data))
    if not traffic:
        raise DataError(f"{path.name} holds no requests.", fix=_FIX)
    return sorted(traffic, key=lambda r: r.arrived_h)


@dataclass(frozen=True)
class ReplayWindow:
    """One window of the day: the step it ran at, who answered, the gate's decision at its end."""

    window: int
    start_h: float
    end_h: float
    phase: str
    open_share: float  # planned share of live requests on the open path (shadow: 0, it sees copies)
    n_requests: int
    open_requests: int  # requests the open path answered live
    local_answered_share: float  # of this window's requests, answered by the local model
    judged_requests: int  # requests the gate judged: the open path's, since this step began
    quality_open: float | None
    quality_api: float | None  # the API on the same requests
    error_rate_open: float | None  # the local model's answers given that were not JSON following the schema
    action: str
    reasons: tuple[str, ...]
    api_usd: float
    local_usd: float
    cost_ratio_open: float | None = None  # the open path's USD ÷ the API's on the judged requests


@dataclass(frozen=True)
class MigrationReplay:
    open_label: str
    gate: Gate
    windows: tuple[ReplayWindow, ...]
    final_step: Step  # where the rollout stands after the day's last gate

    @property
    def rollbacks(self) -> int:
        return sum(w.action == "roll back" for w in self.windows)

    @property
    def usd_total(self) -> float:
        return sum(w.api_usd + w.local_usd for w in self.windows)

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        rows = [dataclasses.asdict(w) for w in self.windows]
        for row in rows:
            row["reasons"] = "; ".join(row["reasons"])
        return pd.DataFrame(rows)


def replay_migration(
    traffic: Sequence[TrafficRequest],
    *,
    open_label: str = "open path",
    plan: Sequence[Step] | None = None,
    gate: Gate | None = None,
    window_h: float = 2.0,
    min_judged: int = 50,
    seed: int = 0,
    max_cost_ratio: float = 1.0,
) -> MigrationReplay:
    """Walk ``plan`` (default: article 004's, one window per week) over the day, one ``gate`` per window
    (default :class:`course.routing.migration.Gate`: article 004's 5% quality limit).

    ``min_judged``: the gate holds until the open path has answered this many requests at the step
    (a 5% canary at night sees few). Which requests the open path takes is drawn with ``seed``.
    The gate includes cost: a step whose open path costs more than ``max_cost_ratio`` × the API on the
    same requests, at no better quality, does not advance (it holds, saying why): a migration that
    costs more for the same answers has no reason to go on.
    """
    if isinstance(max_cost_ratio, bool) or not 0 < max_cost_ratio < math.inf:
        raise ConfigError(
            f"max_cost_ratio is {max_cost_ratio!r}.", fix="Pass a ratio above 0 (1.0: no dearer)."
        )
    if not traffic:
        raise ConfigError("No traffic to replay.", fix="Record a day with record_day() or load_traffic().")
    if not isinstance(window_h, int | float) or not 0 < window_h <= 24 or isinstance(window_h, bool):
        raise ConfigError(
            f"window_h is {window_h!r}.", fix="Pass a window of more than 0 and at most 24 hours."
        )
    if isinstance(min_judged, bool) or not isinstance(min_judged, int) or min_judged < 1:
        raise ConfigError(f"min_judged is {min_judged!r}.", fix="Pass a whole number of requests, 1 or more.")
    gate = gate or Gate()
    walk = PlanWalk(plan if plan is not None else migration_plan(), period="window")
    rng = random.Random(seed)
    ordered = sorted(traffic, key=lambda r: r.arrived_h)
    judged: list[TrafficRequest] = []
    windows = []
    for k in range(math.ceil(24 / window_h)):
        start, end = k * window_h, min(24.0, (k + 1) * window_h)
        step, index = walk.step, walk.index
        in_window = [r for r in ordered if start <= r.arrived_h < end]
        api_usd = local_usd = 0.0
        on_open = local_answered = 0
        for r in in_window:
            if step.mirrored:  # the API answers; the open path gets a copy (its fallback reuses that answer)
                api_usd += r.api_usd
                local_usd += r.open_local_usd
                judged.append(r)
            elif rng.random() < step.open_share:
                on_open += 1
                local_answered += r.open_local
                local_usd += r.open_local_usd
                api_usd += r.open_api_usd
                judged.append(r)
            else:
                api_usd += r.api_usd
        result, metrics, cost_ratio = _judge(
            judged, gate=gate, min_judged=min_judged, max_cost_ratio=max_cost_ratio
        )
        done = walk.record(result)
        windows.append(
            ReplayWindow(
                window=k + 1,
                start_h=start,
                end_h=end,
                phase=step.phase,
                open_share=step.open_share,
                n_requests=len(in_window),
                open_requests=on_open,
                local_answered_share=local_answered / len(in_window) if in_window else 0.0,
                judged_requests=len(judged),
                quality_open=metrics.quality_open if metrics else None,
                quality_api=metrics.quality_api if metrics else None,
                error_rate_open=metrics.error_rate_open if metrics else None,
                action=done.action,
                reasons=done.reasons,
                api_usd=api_usd,
                local_usd=local_usd,
                cost_ratio_open=cost_ratio,
            )
        )
        if walk.index != index:
            judged = []  # a new step is judged on its own requests
    return MigrationReplay(open_label, gate, tuple(windows), walk.step)


def _judge(
    judged: Sequence[TrafficRequest], *, gate: Gate, min_judged: int, max_cost_ratio: float = 1.0
) -> tuple[GateResult, WeekMetrics | None, float | None]:
    if len(judged) < min_judged:
        return (
            GateResult(
                "hold",
                (f"{len(judged)} requests on the open path at this step; the gate needs {min_judged}",),
            ),
            None,
            None,
        )
    n = len(judged)
    metrics = WeekMetrics(
        quality_open=sum(r.open_correct for r in judged) / n,
        quality_api=sum(r.api_correct for r in judged) / n,
        p95_latency_s_open=percentile([r.open_latency_s for r in judged], 95),
        p95_latency_s_api=percentile([r.api_latency_s for r in judged], 95),
        error_rate_open=sum(r.open_malformed for r in judged) / n,
    )
    result = check_gate(metrics, gate)
    open_usd = sum(r.open_local_usd + r.open_api_usd for r in judged)
    api_usd = sum(r.api_usd for r in judged)
    ratio = open_usd / api_usd if api_usd > 0 else None
    no_better = metrics.quality_open is not None and metrics.quality_open <= metrics.quality_api
    if result.action == "advance" and ratio is not None and ratio > max_cost_ratio and no_better:
        result = GateResult(
            "hold",
            (
                *result.reasons,
                f"but the open path costs {ratio:.0%} of the API on the same requests at no better quality "
                f"(limit {max_cost_ratio:.0%}): it does not advance",
            ),
        )
    return result, metrics, ratio


def outcome_table(
    replays: Sequence[MigrationReplay], *, traffic: Sequence[TrafficRequest] | None = None
) -> pd.DataFrame:
    """Where each replayed migration stood at the end of the day, and what the day cost; with
    ``traffic``, a last row for the same day left all on the API."""
    import pandas as pd

    rows = []
    for r in replays:
        n = sum(w.n_requests for w in r.windows)
        local = sum(w.local_answered_share * w.n_requests for w in r.windows)
        rows.append(
            {
                "open path": r.open_label,
                "step at the end of the day": f"{r.final_step.phase} ({r.final_step.open_share:.0%})",
                "roll backs": r.rollbacks,
                "answered locally %": 100 * local / n if n else 0.0,
                "USD for the day": r.usd_total,
            }
        )
    if traffic is not None:
        rows.append(
            {
                "open path": "none: all on the API",
                "step at the end of the day": "-",
                "roll backs": 0,
                "answered locally %": 0.0,
                "USD for the day": sum(t.api_usd for t in traffic),
            }
        )
    return pd.DataFrame(rows)

"""A phased migration from an API to a self-hosted open model, week by week, with a quality gate.

The phases follow article 004 (2026): shadow (weeks 1-2, 0% of traffic answered by the open model, every
request also run through it and compared offline), canary (weeks 3-4, 5-10%), gradual (weeks 5-8:
25%, 50%, 75%, each held a week or more), full (week 9 on, 100%, the API kept as a fallback).
:func:`run_migration` walks the plan with weekly measurements (through :class:`PlanWalk`, which
:mod:`course.routing.migration_replay` also uses for a replayed day): a step advances only when its gate
passes, holds when a measurement is missing or borderline, and rolls back one step when it fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from course.economics.costs import (
    DAYS_PER_MONTH,
    ApiPlan,
    SelfHostSetup,
    api_monthly_cost,
    self_host_monthly_cost,
)
from course.errors import ConfigError

Phase = Literal["shadow", "canary", "gradual", "full"]
Action = Literal["advance", "hold", "roll back"]


@dataclass(frozen=True)
class Step:
    """One step of the plan: the share of live traffic the open model answers, for at least ``weeks``."""

    phase: Phase
    open_share: float
    weeks: int
    mirrored: bool  # shadow: the open model also sees every request, its answers unused


def migration_plan(
    *,
    shadow_weeks: int = 2,
    canary_share: float = 0.05,
    canary_weeks: int = 2,
    gradual_shares: Sequence[float] = (0.25, 0.5, 0.75),
    weeks_per_gradual_step: int = 1,
) -> tuple[Step, ...]:
    """Article 004's four phases as steps (defaults: its weeks and shares)."""
    for name, value in (
        ("shadow_weeks", shadow_weeks),
        ("canary_weeks", canary_weeks),
        ("weeks_per_gradual_step", weeks_per_gradual_step),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(
                f"{name} is {value!r}.", fix=f"Pass {name} as a whole number of weeks, 1 or more."
            )
    if not 0 < canary_share <= 0.2:
        raise ConfigError(
            f"canary_share is {canary_share!r}.", fix="A canary is small: pass 0.05-0.10 (at most 0.2)."
        )
    shares = list(gradual_shares)
    if any(not canary_share < s < 1 for s in shares) or shares != sorted(set(shares)):
        raise ConfigError(
            f"gradual_shares {shares} must rise strictly, between the canary share and 1.",
            fix="Pass e.g. (0.25, 0.5, 0.75).",
        )
    return (
        Step("shadow", 0.0, shadow_weeks, True),
        Step("canary", canary_share, canary_weeks, False),
        *(Step("gradual", s, weeks_per_gradual_step, False) for s in shares),
        Step("full", 1.0, 1, False),
    )


@dataclass(frozen=True, kw_only=True)
class Gate:
    """What must hold before more traffic moves. Article 004 alerts on a regression of more than 5%."""

    max_quality_drop: float = 0.05  # open model's score may trail the API's by at most this share
    max_p95_latency_ratio: float = 1.5  # open p95 latency ÷ API p95 latency
    max_error_rate: float = 0.01  # failed or malformed responses on the open path


@dataclass(frozen=True, kw_only=True)
class WeekMetrics:
    """One week's measurements on both paths (scores 0-1 from the weekly evaluation suite)."""

    quality_open: float | None
    quality_api: float
    p95_latency_s_open: float | None = None
    p95_latency_s_api: float | None = None
    error_rate_open: float = 0.0


@dataclass(frozen=True)
class GateResult:
    action: Action
    reasons: tuple[str, ...]


def check_gate(metrics: WeekMetrics, gate: Gate = Gate()) -> GateResult:
    """Advance, hold or roll back on one week's measurements."""
    if metrics.quality_open is None:
        return GateResult("hold", ("No quality score for the open path this week: measure before moving.",))
    fails, notes = [], []
    drop = (metrics.quality_api - metrics.quality_open) / metrics.quality_api if metrics.quality_api else 0.0
    if drop > gate.max_quality_drop:
        fails.append(f"quality {drop:.1%} below the API (limit {gate.max_quality_drop:.0%})")
    else:
        gap = f"{drop:.1%} behind" if drop >= 0 else f"{-drop:.1%} ahead"
        notes.append(f"quality within {gate.max_quality_drop:.0%} of the API ({gap})")
    if metrics.error_rate_open > gate.max_error_rate:
        fails.append(f"error rate {metrics.error_rate_open:.1%} (limit {gate.max_error_rate:.1%})")
    if metrics.p95_latency_s_open is not None and metrics.p95_latency_s_api:
        ratio = metrics.p95_latency_s_open / metrics.p95_latency_s_api
        if ratio > gate.max_p95_latency_ratio:
            fails.append(f"p95 latency {ratio:.2f}x the API's (limit {gate.max_p95_latency_ratio:g}x)")
    if fails:
        return GateResult("roll back", tuple(fails))
    return GateResult("advance", tuple(notes))


@dataclass(frozen=True)
class WeekRow:
    week: int
    phase: Phase
    open_share: float
    action: Action
    reasons: tuple[str, ...]
    api_usd: float | None = None
    self_host_usd: float | None = None


class PlanWalk:
    """Where a rollout stands in its plan; each gate result moves it one period on.

    A step advances only after its minimum number of periods (``Step.weeks``; a period is a week in
    :func:`run_migration`, a window of hours in :mod:`course.routing.migration_replay`); a failed gate rolls
    back one step (the shadow step stays where it is); the full step stays full.
    """

    def __init__(self, plan: Sequence[Step], *, period: str = "week") -> None:
        if not plan:
            raise ConfigError("The plan has no steps.", fix="Build one with migration_plan().")
        self.plan = tuple(plan)
        self.period = period
        self.index = 0
        self.periods_in_step = 0

    @property
    def step(self) -> Step:
        """The step the next period runs at."""
        return self.plan[self.index]

    def record(self, result: GateResult) -> GateResult:
        """Count one period at the current step and apply the gate's ``result``; returns what was done."""
        step = self.step
        self.periods_in_step += 1
        action, reasons = result.action, result.reasons
        if action == "advance" and self.periods_in_step < step.weeks:
            reasons = (*reasons, f"{self.period} {self.periods_in_step} of {step.weeks} at this step")
            action = "hold"
        if action == "advance" and self.index < len(self.plan) - 1:
            self.index, self.periods_in_step = self.index + 1, 0
        elif action == "roll back":
            self.index, self.periods_in_step = max(0, self.index - 1), 0
        return GateResult(action, reasons)


def run_migration(
    plan: Sequence[Step],
    weeks: Sequence[WeekMetrics],
    *,
    gate: Gate = Gate(),
    api: ApiPlan | None = None,
    setup: SelfHostSetup | None = None,
    tokens_per_day: float | None = None,
) -> tuple[WeekRow, ...]:
    """Walk ``plan`` one week per measurement; with ``api``, ``setup`` and volume, price each week too.

    Shadow weeks pay for both paths (the API answers everything; the open model sees a copy). After
    a full step the API stays configured as the fallback: its fixed costs remain, its tokens do not.
    """
    walk = PlanWalk(plan)
    rows = []
    for number, metrics in enumerate(weeks, start=1):
        step = walk.step
        api_usd = usd_own = None
        if api is not None and setup is not None and tokens_per_day is not None:
            api_tokens = tokens_per_day * (1 - step.open_share)
            own_tokens = tokens_per_day if step.mirrored else tokens_per_day * step.open_share
            api_usd = api_monthly_cost(api, api_tokens).usd_per_month * 7 / DAYS_PER_MONTH
            usd_own = self_host_monthly_cost(setup, own_tokens).usd_per_month * 7 / DAYS_PER_MONTH
        done = walk.record(check_gate(metrics, gate))
        rows.append(WeekRow(number, step.phase, step.open_share, done.action, done.reasons, api_usd, usd_own))
    return tuple(rows)


def weeks_to_full(plan: Sequence[Step]) -> int:
    """The fewest weeks before the full step, if every gate passes first time."""
    return sum(s.weeks for s in plan if s.phase != "full")

"""Measurements that repeat: interleaved repeats, the median with its spread, and changes read against it.

One timing run on a laptop is an anecdote: the same notebook measured a server at 26 tok/s in one run and
1,240 in the next. So every timed comparison in the course runs at least three **interleaved** repeats (A, B,
C, then B, C, A, ...: a slow spell hits every contender, not one of them), reports the **median** with its
**spread** (min–max, and the interquartile range), and reads a change as real only when the two ranges do
not overlap. :func:`describe_change` turns that rule into the words a notebook prints, so a sentence about a
result is computed from the same numbers as the table above it.

The rule is not proof: two runs of one unchanged setup give ranges that do not overlap by chance alone, 1 time
in 10 at 3 repeats a side (:func:`chance_ranges_separate`). The sentences say so, so a single "clear" result
reads as a lead to re-run, not a verdict.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from course.errors import ConfigError

T = TypeVar("T")
MIN_REPEATS = 3


@dataclass(frozen=True)
class Spread:
    """Repeated values of one figure: the median, min–max and quartiles (NaN values dropped)."""

    values: tuple[float, ...]

    @property
    def n(self) -> int:
        return len(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def low(self) -> float:
        return min(self.values) if self.values else math.nan

    @property
    def high(self) -> float:
        return max(self.values) if self.values else math.nan

    @property
    def q1(self) -> float:
        return float(np.percentile(self.values, 25)) if self.values else math.nan

    @property
    def q3(self) -> float:
        return float(np.percentile(self.values, 75)) if self.values else math.nan

    @property
    def relative_range(self) -> float:
        """(max − min) ÷ median: 0.1 means the repeats spread over 10% of the median."""
        return (self.high - self.low) / self.median if self.median else math.nan

    def scaled(self, factor: float) -> Spread:
        """The same spread in another unit (e.g. ``1000`` for seconds to milliseconds)."""
        return Spread(tuple(v * factor for v in self.values))

    def inverse(self) -> Spread:
        """1 ÷ each value (e.g. seconds per token to tokens per second)."""
        return Spread(tuple(1 / v for v in self.values if v))

    def overlaps(self, other: Spread) -> bool:
        """True when the two min–max ranges share any value: the repeats cannot tell the two apart."""
        return self.low <= other.high and other.low <= self.high

    def describe(self, fmt: str = "{:,.0f}", unit: str = "") -> str:
        """``"1,240 tok/s (range 1,102–1,305, 3 repeats)"``."""
        if not self.values:
            return "not measured"
        unit = f" {unit}" if unit else ""
        if self.n == 1:
            return f"{fmt.format(self.median)}{unit} (1 run: no spread)"
        return (
            f"{fmt.format(self.median)}{unit} (range {fmt.format(self.low)}–{fmt.format(self.high)}, "
            f"{self.n} repeats)"
        )


def spread(values: Iterable[float | None]) -> Spread:
    """A :class:`Spread` of ``values`` (None and NaN are dropped: a failed repeat is not a zero)."""
    return Spread(tuple(float(v) for v in values if v is not None and math.isfinite(v)))


def check_repeats(repeats: int, *, minimum: int = MIN_REPEATS) -> None:
    """Refuse fewer than ``minimum`` repeats: a median of one or two runs has no spread to read."""
    if not isinstance(repeats, int) or repeats < minimum:
        raise ConfigError(
            f"repeats={repeats!r}: a timed comparison needs at least {minimum} repeats.",
            fix=f"Pass repeats={minimum} or more (each contender runs once per repeat, interleaved).",
        )


def interleave(
    runs: Mapping[str, Callable[[], T]], *, repeats: int = MIN_REPEATS, minimum: int = MIN_REPEATS
) -> dict[str, list[T]]:
    """Call each of ``runs`` once per repeat, rotating who goes first, and collect the results per name.

    Round 1 runs A, B, C; round 2 B, C, A; round 3 C, A, B: a burst of background load or a warming cache
    then falls on every contender alike.
    """
    check_repeats(repeats, minimum=minimum)
    names = list(runs)
    if not names:
        raise ConfigError("Nothing to repeat.", fix="Pass at least one named run.")
    results: dict[str, list[T]] = {name: [] for name in names}
    for round_ in range(repeats):
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            results[name].append(runs[name]())
    return results


def chance_ranges_separate(n_a: int, n_b: int) -> float:
    """How often the min–max ranges of ``n_a`` and ``n_b`` repeats of *one unchanged setup* do not overlap,
    by chance alone: 2 ÷ C(n_a + n_b, n_a) (0.1 at 3 and 3; 0.008 at 5 and 5).

    Of the C(n_a + n_b, n_a) equally likely ways the pooled values split between the two sides, only two keep
    them apart (all of one side below all of the other). Assumes repeats that are exchangeable (no drift
    between them) and no ties.
    """
    if n_a < 1 or n_b < 1:
        raise ConfigError(f"n_a={n_a!r}, n_b={n_b!r}.", fix="Pass at least one repeat a side.")
    return 2 / math.comb(n_a + n_b, n_a)


def _by_chance(a: Spread, b: Spread) -> str:
    """``"which one unchanged setup does by chance 1 time in 10 at 3 + 3 repeats"``."""
    return (
        f"which one unchanged setup does by chance 1 time in {1 / chance_ranges_separate(a.n, b.n):,.0f} "
        f"at {a.n} + {b.n} repeats"
    )


@dataclass(frozen=True)
class Change:
    """How a figure moved from ``before`` to ``after``, read against the spread of the repeats."""

    before: Spread
    after: Spread

    @property
    def ratio(self) -> float:
        return self.after.median / self.before.median if self.before.median else math.nan

    @property
    def percent(self) -> float:
        return (self.ratio - 1) * 100

    @property
    def clear(self) -> bool:
        """True when the ranges do not overlap (and both have a spread): a change the repeats support."""
        return self.before.n >= 2 and self.after.n >= 2 and not self.before.overlaps(self.after)

    @property
    def direction(self) -> str:
        """``"rose"``, ``"fell"`` or ``"no clear change"``."""
        if not self.clear:
            return "no clear change"
        return "rose" if self.after.median > self.before.median else "fell"


def describe_change(before: Spread, after: Spread, *, what: str, fmt: str = "{:,.0f}", unit: str = "") -> str:
    """A sentence about ``what`` going from ``before`` to ``after``, chosen by the numbers.

    ``"aggregate throughput fell 58% (1,240 → 524 tok/s; the repeats' ranges do not overlap, which one
    unchanged setup does by chance 1 time in 10 at 3 + 3 repeats)"``, or, when
    the ranges overlap, ``"aggregate throughput showed no clear change (…; the ranges overlap, so the
    difference is within the noise of these repeats)"``.
    """
    change = Change(before, after)
    unit_text = f" {unit}" if unit else ""
    figures = f"{fmt.format(before.median)} → {fmt.format(after.median)}{unit_text}, medians"
    if not (math.isfinite(change.ratio) and before.n and after.n):
        return f"{what}: not enough measurements to compare"
    if change.clear:
        size = f"{abs(change.percent):.0f}%" if abs(change.percent) < 100 else f"{change.ratio:.1f}×"
        return (
            f"{what} {change.direction} {size} ({figures}; the repeats' ranges do not overlap, "
            f"{_by_chance(before, after)})"
        )
    return (
        f"{what} showed no clear change ({figures}, {change.percent:+.0f}%; the ranges of the repeats "
        "overlap, so the difference is within their noise)"
    )


def describe_pair(
    a: Spread, b: Spread, *, names: tuple[str, str], what: str, fmt: str = "{:,.0f}", unit: str = ""
) -> str:
    """``"TTFT p50: local 120 ms (110–130) against API stand-in 150 ms (140–170): local lower by 20%"``.

    The comparison is called only when the two ranges do not overlap; otherwise the sentence says the
    repeats cannot tell the two apart.
    """
    unit_text = f" {unit}" if unit else ""

    def one(name: str, s: Spread) -> str:
        return f"{name} {fmt.format(s.median)}{unit_text} ({fmt.format(s.low)}–{fmt.format(s.high)})"

    head = f"{what}: {one(names[0], a)} against {one(names[1], b)}"
    if not (a.n and b.n and a.median and b.median):
        return f"{what}: not measured on both sides"
    if a.overlaps(b):
        return f"{head}: the ranges overlap, so these repeats cannot tell the two apart"
    lower = names[0] if a.median < b.median else names[1]
    gap = abs(a.median - b.median) / max(a.median, b.median)
    apart = f"the ranges do not overlap, {_by_chance(a, b)}"
    return f"{head}: {lower} lower by {gap:.0%}, clear of the noise ({apart})"

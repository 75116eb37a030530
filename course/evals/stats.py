"""How sure is an accuracy measured on N examples? Confidence intervals and sample sizes.

Everything here is arithmetic on counts, with the standard library only:

- :func:`accuracy_interval`: the Wilson score interval for ``correct`` out of ``n`` (it stays inside
  0-100% and behaves at small ``n`` and near 100%, where the textbook ``p ± z·√(p(1−p)/n)`` does not).
- :func:`difference_interval`: Newcombe's interval for the difference of two accuracies measured on
  separate example sets; if it contains 0, the data cannot tell the two models apart.
- :func:`paired_difference`: the same question when both models answered the SAME examples (a lab's
  sides do): only the examples where they disagree carry information, so McNemar's exact test and
  Newcombe's paired interval (his method 10) are tighter than treating the two sets as separate.
- :func:`margin_of_error` and :func:`examples_for_margin`: how wide an interval N examples give, and
  how many examples a wanted width needs.
- :func:`examples_to_tell_apart`: examples per model to detect a given gap (two-sided test, with power).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from course.errors import ConfigError


@dataclass(frozen=True)
class AccuracyInterval:
    """An accuracy with its confidence interval (all three as fractions, 0-1)."""

    correct: int
    n: int
    accuracy: float
    low: float
    high: float
    confidence: float

    @property
    def half_width_pct_points(self) -> float:
        """Half the interval's width, in percentage points (the "±" a report quotes)."""
        return (self.high - self.low) / 2 * 100

    def __str__(self) -> str:
        return (
            f"{self.correct}/{self.n} = {self.accuracy:.1%} "
            f"({self.confidence:.0%} CI {self.low:.1%} to {self.high:.1%})"
        )


@dataclass(frozen=True)
class DifferenceInterval:
    """Accuracy of A minus accuracy of B, with its confidence interval (fractions)."""

    a: AccuracyInterval
    b: AccuracyInterval
    difference: float
    low: float
    high: float
    confidence: float

    @property
    def tells_apart(self) -> bool:
        """True when the interval excludes 0: the data say one model really is better."""
        return self.low > 0 or self.high < 0

    def __str__(self) -> str:
        verdict = "a real difference" if self.tells_apart else "cannot tell them apart"
        return (
            f"A − B = {self.difference * 100:+.1f} points "
            f"({self.confidence:.0%} CI {self.low * 100:+.1f} to {self.high * 100:+.1f}): {verdict}"
        )


def z_value(confidence: float) -> float:
    """The two-sided normal quantile for a confidence level (0.95 -> 1.96)."""
    _check_fraction("confidence", confidence, open_interval=True)
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def accuracy_interval(correct: int, n: int, *, confidence: float = 0.95) -> AccuracyInterval:
    """Wilson score interval for ``correct`` right answers out of ``n`` examples."""
    _check_counts(correct, n)
    low, high = wilson_bounds(correct / n, n, confidence=confidence)
    return AccuracyInterval(correct, n, correct / n, low, high, confidence)


def wilson_bounds(accuracy: float, n: int | float, *, confidence: float = 0.95) -> tuple[float, float]:
    """(low, high) of the Wilson interval for an observed ``accuracy`` (a fraction) on ``n`` examples.

    Takes the rate rather than a count, so a figure can draw smooth curves for a given true accuracy.
    """
    _check_fraction("accuracy", accuracy)
    if not n > 0:
        raise ConfigError(f"n is {n!r}; it must be above 0.", fix="Pass the number of examples.")
    z = z_value(confidence)
    denominator = 1 + z * z / n
    centre = (accuracy + z * z / (2 * n)) / denominator
    spread = z * math.sqrt(accuracy * (1 - accuracy) / n + z * z / (4 * n * n)) / denominator
    low = 0.0 if accuracy == 0 else max(0.0, centre - spread)
    high = 1.0 if accuracy == 1 else min(1.0, centre + spread)
    return low, high


def difference_interval(
    correct_a: int, n_a: int, correct_b: int, n_b: int, *, confidence: float = 0.95
) -> DifferenceInterval:
    """Newcombe's hybrid score interval for accuracy A − accuracy B (independent example sets).

    When both models answered the SAME examples, this is conservative (a paired analysis, such as
    McNemar's test on the examples where they disagree, is tighter).
    """
    a = accuracy_interval(correct_a, n_a, confidence=confidence)
    b = accuracy_interval(correct_b, n_b, confidence=confidence)
    d = a.accuracy - b.accuracy
    low = d - math.sqrt((a.accuracy - a.low) ** 2 + (b.high - b.accuracy) ** 2)
    high = d + math.sqrt((a.high - a.accuracy) ** 2 + (b.accuracy - b.low) ** 2)
    return DifferenceInterval(a, b, d, max(-1.0, low), min(1.0, high), confidence)


@dataclass(frozen=True)
class PairedDifference:
    """Accuracy of A minus accuracy of B on the same examples, with McNemar's test and Newcombe's interval.

    ``both``/``only_a``/``only_b``/``neither``: how many examples both, only A, only B, or neither got right.
    ``p_value`` is McNemar's exact two-sided test (a binomial test on the ``only_a + only_b`` examples where
    they disagree); ``statistic`` is McNemar's chi-square without continuity correction,
    (only_a − only_b)² ÷ (only_a + only_b).
    """

    n: int
    both: int
    only_a: int
    only_b: int
    neither: int
    difference: float
    low: float
    high: float
    statistic: float
    p_value: float
    confidence: float

    @property
    def accuracy_a(self) -> float:
        return (self.both + self.only_a) / self.n

    @property
    def accuracy_b(self) -> float:
        return (self.both + self.only_b) / self.n

    @property
    def tells_apart(self) -> bool:
        """True when the paired data say one model really is better: the interval excludes 0 AND McNemar's
        exact test rejects "no difference" at the same level (1 − confidence). At lab sizes the two can
        disagree (n = 20 with 4 items only A got right: interval 0.0 to +36.9 points, p = 0.125); a verdict
        printed beside both must not contradict either, so it takes both."""
        return (self.low > 0 or self.high < 0) and self.p_value < 1 - self.confidence

    @property
    def verdict(self) -> str:
        """The verdict in words: "a real difference", "borderline" (one criterion says so, the other
        not), or "cannot tell them apart"."""
        if self.tells_apart:
            return "a real difference"
        if self.low > 0 or self.high < 0 or self.p_value < 1 - self.confidence:
            return "borderline: the interval and the test disagree; more items would settle it"
        return "cannot tell them apart"

    def __str__(self) -> str:
        verdict = self.verdict
        return (
            f"A − B = {self.difference * 100:+.1f} points ({self.confidence:.0%} CI {self.low * 100:+.1f} to "
            f"{self.high * 100:+.1f}; they disagree on {self.only_a + self.only_b} of {self.n} items: "
            f"A alone right {self.only_a}, B alone {self.only_b}; McNemar exact p = {self.p_value:.3g}): "
            f"{verdict}"
        )


def paired_difference(
    correct_a: Sequence[bool], correct_b: Sequence[bool], *, confidence: float = 0.95
) -> PairedDifference:
    """Compare two models that answered the same examples, in the same order (True = right answer).

    The interval is Newcombe's (1998) method 10: Wilson intervals of each accuracy combined with the
    correlation of the paired answers (continuity-corrected phi), so it stays inside -1..1 and is sensible
    at small counts, unlike the Wald interval. The test is McNemar's, exact (binomial) form.
    """
    if len(correct_a) != len(correct_b):
        raise ConfigError(
            f"The two models answered {len(correct_a)} and {len(correct_b)} examples: a paired comparison "
            "needs the same examples.",
            fix="Pass the two result lists for the same items in the same order (or use difference_interval "
            "for separate example sets).",
        )
    n = len(correct_a)
    if n < 1:
        raise ConfigError("No examples to compare.", fix="Pass at least one pair of answers.")
    both = sum(1 for x, y in zip(correct_a, correct_b, strict=True) if x and y)
    only_a = sum(1 for x, y in zip(correct_a, correct_b, strict=True) if x and not y)
    only_b = sum(1 for x, y in zip(correct_a, correct_b, strict=True) if y and not x)
    neither = n - both - only_a - only_b
    low, high = _newcombe_paired(both, only_a, only_b, neither, confidence=confidence)
    discordant = only_a + only_b
    statistic = (only_a - only_b) ** 2 / discordant if discordant else 0.0
    return PairedDifference(
        n, both, only_a, only_b, neither, (only_a - only_b) / n, low, high, statistic,
        mcnemar_exact_p(only_a, only_b), confidence,
    )  # fmt: skip


def mcnemar_exact_p(only_a: int, only_b: int) -> float:
    """Two-sided exact McNemar p-value: under "no difference" each disagreement is a fair coin."""
    for name, value in (("only_a", only_a), ("only_b", only_b)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ConfigError(f"{name} is {value!r}; it must be a count, 0 or more.", fix="Pass an int.")
    k, m = min(only_a, only_b), only_a + only_b
    if m == 0:
        return 1.0
    tail = sum(math.comb(m, i) for i in range(k + 1)) / 2**m
    return min(1.0, 2 * tail)


def _newcombe_paired(a: int, b: int, c: int, d: int, *, confidence: float) -> tuple[float, float]:
    """Newcombe (1998) method 10 for (a + b)/n − (a + c)/n; cells a (both), b, c (one only), d (neither)."""
    n = a + b + c + d
    p1, p2 = (a + b) / n, (a + c) / n
    l1, u1 = wilson_bounds(p1, n, confidence=confidence)
    l2, u2 = wilson_bounds(p2, n, confidence=confidence)
    denominator = math.sqrt((a + b) * (c + d) * (a + c) * (b + d))
    if denominator == 0:
        phi = 0.0
    elif a * d > b * c:
        phi = max(a * d - b * c - n / 2, 0) / denominator
    else:
        phi = (a * d - b * c) / denominator
    diff = p1 - p2
    delta = math.sqrt(max((p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2, 0.0))
    epsilon = math.sqrt(max((u1 - p1) ** 2 - 2 * phi * (u1 - p1) * (p2 - l2) + (p2 - l2) ** 2, 0.0))
    return max(-1.0, diff - delta), min(1.0, diff + epsilon)


def margin_of_error(n: int, *, accuracy: float = 0.5, confidence: float = 0.95) -> float:
    """Half-width (as a fraction) of the normal-approximation interval at ``accuracy`` on ``n`` examples.

    ``accuracy=0.5`` is the worst case; near 0 or 1 the interval is narrower.
    """
    if not isinstance(n, int) or n < 1:
        raise ConfigError(
            f"n is {n!r}; it must be a whole number of examples, at least 1.", fix="Pass n >= 1."
        )
    _check_fraction("accuracy", accuracy)
    return z_value(confidence) * math.sqrt(accuracy * (1 - accuracy) / n)


def examples_for_margin(margin: float, *, accuracy: float = 0.5, confidence: float = 0.95) -> int:
    """Examples needed so the interval is at most ± ``margin`` (a fraction: 0.05 = ±5 points)."""
    _check_fraction("margin", margin, open_interval=True)
    _check_fraction("accuracy", accuracy)
    z = z_value(confidence)
    variance = max(accuracy * (1 - accuracy), 1e-12)
    return max(1, math.ceil(z * z * variance / (margin * margin)))


def examples_to_tell_apart(
    accuracy_a: float, accuracy_b: float, *, confidence: float = 0.95, power: float = 0.8
) -> int:
    """Examples PER MODEL (separate sets) to detect the gap between two true accuracies.

    Classic two-proportion sample size: a two-sided test at ``confidence``, which finds a real gap of
    this size with probability ``power``.
    """
    _check_fraction("accuracy_a", accuracy_a)
    _check_fraction("accuracy_b", accuracy_b)
    _check_fraction("power", power, open_interval=True)
    gap = abs(accuracy_a - accuracy_b)
    if gap == 0:
        raise ConfigError(
            "accuracy_a equals accuracy_b: no number of examples can detect a gap of zero.",
            fix="Pass the smallest gap that would change your decision, e.g. 0.85 vs 0.90.",
        )
    z_alpha = z_value(confidence)
    z_beta = NormalDist().inv_cdf(power)
    mean = (accuracy_a + accuracy_b) / 2
    pooled = z_alpha * math.sqrt(2 * mean * (1 - mean))
    separate = z_beta * math.sqrt(accuracy_a * (1 - accuracy_a) + accuracy_b * (1 - accuracy_b))
    return math.ceil(((pooled + separate) / gap) ** 2)


def _check_counts(correct: int, n: int) -> None:
    for name, value in (("correct", correct), ("n", n)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{name} is {value!r}; it must be a whole number.", fix="Pass counts as int.")
    if n < 1:
        raise ConfigError(f"n is {n}; an accuracy needs at least one example.", fix="Pass n >= 1.")
    if not 0 <= correct <= n:
        raise ConfigError(
            f"correct is {correct} with n = {n}; it must be between 0 and n.",
            fix="Count the right answers among the n examples (check the two are not swapped).",
        )


def _check_fraction(name: str, value: float, *, open_interval: bool = False) -> None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    ok = ok and (0 < value < 1 if open_interval else 0 <= value <= 1)
    if not ok:
        bound = "strictly between 0 and 1" if open_interval else "between 0 and 1"
        raise ConfigError(
            f"{name} is {value!r}; it must be a fraction {bound}.",
            fix=f"Write percentages as fractions: 95% is 0.95 (for {name}).",
        )

"""Cost per correct answer: price tokens only after quality is measured.

A cheaper model that is wrong more often can cost more per *useful* answer, and every wrong answer
has a cost of its own (a human fixes it, a customer leaves). Article 004 (2026) calls the monitoring
form of this "cost per quality point": monthly cost divided by the quality score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from course.errors import ConfigError


@dataclass(frozen=True)
class QualityCost:
    """One option's price per request and per correct answer."""

    label: str
    usd_per_request: float
    accuracy: float  # share of requests answered correctly, measured on your own examples
    usd_per_correct_answer: float  # usd_per_request / accuracy
    usd_per_error: float  # what a wrong answer costs you downstream (0: ignored)
    usd_per_request_with_errors: float  # price plus expected cost of errors


def quality_cost(
    label: str, *, usd_per_request: float, accuracy: float, usd_per_error: float = 0.0
) -> QualityCost:
    """Price one option by correct answers; ``accuracy`` must be measured, not assumed."""
    if isinstance(usd_per_request, bool) or not math.isfinite(usd_per_request) or usd_per_request < 0:
        raise ConfigError(f"usd_per_request is {usd_per_request!r}.", fix="Pass a price of 0 or more.")
    if isinstance(accuracy, bool) or not 0 < accuracy <= 1:
        raise ConfigError(
            f"accuracy is {accuracy!r}; it must be a share above 0 and at most 1.",
            fix="Measure it on 200-500 of your own examples (lesson 02) and pass e.g. 0.84.",
        )
    if not math.isfinite(usd_per_error) or usd_per_error < 0:
        raise ConfigError(f"usd_per_error is {usd_per_error!r}.", fix="Pass a cost of 0 or more.")
    return QualityCost(
        label=label,
        usd_per_request=usd_per_request,
        accuracy=accuracy,
        usd_per_correct_answer=usd_per_request / accuracy,
        usd_per_error=usd_per_error,
        usd_per_request_with_errors=usd_per_request + (1 - accuracy) * usd_per_error,
    )


def usd_per_quality_point(usd_per_month: float, quality_score: float) -> float:
    """Article 004's monitoring ratio: monthly cost ÷ quality score (score in points, e.g. 0-100)."""
    if quality_score <= 0 or not math.isfinite(quality_score):
        raise ConfigError(f"quality_score is {quality_score!r}.", fix="Pass a score above 0.")
    if usd_per_month < 0 or not math.isfinite(usd_per_month):
        raise ConfigError(f"usd_per_month is {usd_per_month!r}.", fix="Pass a cost of 0 or more.")
    return usd_per_month / quality_score


def error_cost_to_flip(cheap: QualityCost, dear: QualityCost) -> float | None:
    """The cost per wrong answer above which the more accurate option is cheaper overall (None: never)."""
    if dear.accuracy <= cheap.accuracy:
        return None if dear.usd_per_request >= cheap.usd_per_request else 0.0
    return max(0.0, (dear.usd_per_request - cheap.usd_per_request) / (dear.accuracy - cheap.accuracy))

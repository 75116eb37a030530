"""A router by difficulty with a fallback chain: blended cost and quality per request.

Requests go to the first tier; each tier answers what it is confident about and passes the rest
(low confidence, malformed output, an error) to the next; the last tier answers everything that
reaches it. Every tier a request reaches is paid for. The arithmetic only: the lab builds the router.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from course.datafiles import Day, Fact, Source, Text, data_row, load_rows
from course.errors import ConfigError


@dataclass(frozen=True, kw_only=True)
class Tier:
    """One model in the chain, measured on your own examples."""

    name: str
    usd_per_request: float
    accuracy: float  # on the requests it keeps
    escalate_share: float = 0.0  # of the requests reaching it, the share it passes on

    def __post_init__(self) -> None:
        if not math.isfinite(self.usd_per_request) or self.usd_per_request < 0:
            raise ConfigError(
                f"{self.name}: usd_per_request is {self.usd_per_request!r}.", fix="Pass 0 or more."
            )
        for field in ("accuracy", "escalate_share"):
            value = getattr(self, field)
            if isinstance(value, bool) or not 0 <= value <= 1:
                raise ConfigError(
                    f"{self.name}: {field} is {value!r}.", fix=f"Pass {field} as a share from 0 to 1."
                )


@dataclass(frozen=True)
class TierLoad:
    name: str
    reach_share: float  # share of all requests that reach (and are billed by) this tier
    answer_share: float  # share of all requests this tier answers
    usd_per_request: float  # this tier's price times its reach


@dataclass(frozen=True)
class ChainResult:
    tiers: tuple[TierLoad, ...]
    usd_per_request: float
    accuracy: float
    usd_per_correct_answer: float


def fallback_chain(tiers: Sequence[Tier]) -> ChainResult:
    """Blended cost and accuracy of ``tiers`` in order; the last tier keeps everything that reaches it."""
    if not tiers:
        raise ConfigError("The chain has no tiers.", fix="Pass at least one Tier.")
    reach, loads, cost, correct = 1.0, [], 0.0, 0.0
    for i, tier in enumerate(tiers):
        last = i == len(tiers) - 1
        passes = 0.0 if last else tier.escalate_share
        answered = reach * (1 - passes)
        loads.append(TierLoad(tier.name, reach, answered, reach * tier.usd_per_request))
        cost += reach * tier.usd_per_request
        correct += answered * tier.accuracy
        reach *= passes
    per_correct = cost / correct if correct else math.inf
    return ChainResult(tuple(loads), cost, correct, per_correct)


def routed_by_difficulty(
    *, easy_share: float, easy_chain: Sequence[Tier], hard_chain: Sequence[Tier]
) -> ChainResult:
    """A classifier sends ``easy_share`` of requests down ``easy_chain`` and the rest down ``hard_chain``."""
    if isinstance(easy_share, bool) or not 0 <= easy_share <= 1:
        raise ConfigError(f"easy_share is {easy_share!r}.", fix="Pass a share from 0 to 1.")
    easy, hard = fallback_chain(easy_chain), fallback_chain(hard_chain)
    merged: dict[str, list[float]] = {}
    for weight, result in ((easy_share, easy), (1 - easy_share, hard)):
        for load in result.tiers:
            row = merged.setdefault(load.name, [0.0, 0.0, 0.0])
            row[0] += weight * load.reach_share
            row[1] += weight * load.answer_share
            row[2] += weight * load.usd_per_request
    cost = easy_share * easy.usd_per_request + (1 - easy_share) * hard.usd_per_request
    accuracy = easy_share * easy.accuracy + (1 - easy_share) * hard.accuracy
    loads = tuple(TierLoad(name, *values) for name, values in merged.items())
    return ChainResult(loads, cost, accuracy, cost / accuracy if accuracy else math.inf)


@data_row
class RouterOption(Fact):
    """A router product (or building your own), as its own pages describe it."""

    name: Text
    what: Text
    you_keep: Text
    as_of: Day
    source: Source
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""


def router_options() -> tuple[RouterOption, ...]:
    """Rows of ``course/data/routers.json`` (dated, sourced)."""
    return load_rows("routers.json", RouterOption)

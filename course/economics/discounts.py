"""Discounts off list price: batch APIs, volume deals, reserved and spot GPUs (dated, sourced rows).

Apply one to a plan or a setup with :func:`discounted_plan` / :func:`discounted_setup` and re-run the
cost model: a discount on one side moves the break-even as much as a price change does.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from datetime import date
from typing import Literal

from course.dated_rows import load_rows
from course.economics.costs import ApiPlan, SelfHostSetup
from course.errors import ConfigError, DataError

Side = Literal["api", "self_host"]


@dataclass(frozen=True)
class Discount:
    side: Side
    name: str
    low_share: float  # share off list price, low end
    high_share: float
    condition: str
    as_of: date
    source: str


@functools.cache
def discounts() -> tuple[Discount, ...]:
    rows, _ = load_rows("discounts.json", required=("side", "name", "low_share", "high_share", "condition"))
    out = []
    for i, r in enumerate(rows):
        if r["side"] not in ("api", "self_host") or not 0 <= r["low_share"] <= r["high_share"] < 1:
            raise DataError(
                f"discounts.json, row {i}: side or shares out of range.", fix="0 <= low <= high < 1."
            )
        out.append(Discount(**{k: r[k] for k in Discount.__dataclass_fields__}))
    return tuple(out)


def _share(discount_share: float) -> None:
    if isinstance(discount_share, bool) or not 0 <= discount_share < 1:
        raise ConfigError(
            f"discount_share is {discount_share!r}.", fix="Pass a share off list price, e.g. 0.5."
        )


def discounted_plan(plan: ApiPlan, *, discount_share: float) -> ApiPlan:
    """``plan`` with every token price cut by ``discount_share`` (0.5: a batch API)."""
    _share(discount_share)
    keep = 1 - discount_share
    cached = plan.usd_per_mtok_cached_input
    return dataclasses.replace(
        plan,
        usd_per_mtok_input=plan.usd_per_mtok_input * keep,
        usd_per_mtok_output=plan.usd_per_mtok_output * keep,
        usd_per_mtok_cached_input=None if cached is None else cached * keep,
        label=f"{plan.label}, {discount_share:.0%} off",
    )


def discounted_setup(setup: SelfHostSetup, *, discount_share: float) -> SelfHostSetup:
    """``setup`` with its GPU rate cut by ``discount_share`` (reserved or spot); staff cost unchanged."""
    _share(discount_share)
    return dataclasses.replace(
        setup,
        usd_per_gpu_hour=setup.usd_per_gpu_hour * (1 - discount_share),
        label=f"{setup.label}, GPUs {discount_share:.0%} off",
    )

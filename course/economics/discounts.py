"""Discounts off list price: batch APIs, volume deals, reserved and spot GPUs (dated, sourced rows).

Apply one to a plan or a setup with :func:`discounted_plan` / :func:`discounted_setup` and re-run the
cost model: a discount on one side moves the break-even as much as a price change does.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Annotated, Literal

from pydantic import Field, model_validator

from course.datafiles import Day, Fact, Source, Text, data_row, load_rows, problem
from course.economics.costs import ApiPlan, SelfHostSetup
from course.errors import ConfigError

Side = Literal["api", "self_host"]
ShareOff = Annotated[float, Field(ge=0, lt=1)]


@data_row
class Discount(Fact):
    """A discount off list price on one side (a row of ``course/data/discounts.json``)."""

    side: Side
    name: Text
    low_share: ShareOff  # share off list price, low end
    high_share: ShareOff
    condition: Text
    as_of: Day
    source: Source
    checked: Day | None = None
    quote: str = ""
    unverified: str | None = ""

    @model_validator(mode="after")
    def _low_then_high(self) -> Discount:
        if self.low_share > self.high_share:
            raise problem(
                f"({self.low_share}) is above high_share ({self.high_share}).",
                "Write the low end first: 0 <= low_share <= high_share < 1.",
                field="low_share",
            )
        return self


@functools.cache
def discounts() -> tuple[Discount, ...]:
    return load_rows("discounts.json", Discount)


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
